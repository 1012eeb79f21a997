// The teacher's page: every team live, and the controls. The secret is in the address's
// fragment (#...), which the browser never sends in a request; it goes only into the hello.
// The page keeps it for this tab and takes it out of the address bar, so a teacher's screen
// shown on the projector does not show the secret to the class.
import { Link, alertText, clock, el, render, secretFromAddress, t } from "./klas.js";

const KEY = "samenspel-leraar";
const secret = secretFromAddress(KEY);
const app = document.getElementById("app");
let link = null;
let view = null;
let received = 0;

function send(message) { alertText(""); link.send(message); }

function messageForm(id, team, label) {
  return el("form", {
    class: "row", onsubmit: (event) => {
      event.preventDefault();
      const field = document.getElementById(id);
      if (field.value.trim()) { send({ type: "message", team, text: field.value }); field.value = ""; }
    },
  }, el("label", { for: id }, label), el("input", { id, maxlength: 280, autocomplete: "off" }),
  el("button", { type: "submit" }, t("teacher.send")));
}

function teamCard(team) {
  const names = Object.fromEntries(team.roles.map((r) => [r.id, r.player || r.name]));
  const h = `team-${team.team}-h`;
  const timerLeft = team.timer ? team.timer.left - (team.timer.running ? (performance.now() - received) / 1000 : 0) : null;
  const facts = el("dl", { class: "facts" },
    el("dt", {}, t("scene")), el("dd", {}, team.ending ? `${t("ending")}: ${team.ending.title} (${t(`outcome.${team.ending.outcome}`)})` : (team.scene ? (team.scene.title || team.scene.id) : t(`phase.${team.phase}`))),
    team.scene ? [el("dt", {}, t("waiting")), el("dd", {}, (team.waiting_for || []).map((r) => names[r] || r).join(", ") || t("nobody"))] : null,
    team.timer ? [el("dt", {}, t("timer")), el("dd", {}, el("span", { "data-team-timer": team.team, "data-left": timerLeft, "data-running": team.timer.running ? "1" : "" }, clock(timerLeft)), team.timer.running ? "" : ` ${t("timer_paused")}`)] : null,
    el("dt", {}, t("teacher.breaches")), el("dd", { class: team.breaches ? "bad" : "" }, String(team.breaches)),
    el("dt", {}, t("teacher.index")), el("dd", {}, team.index === null || team.index === undefined ? "-" : String(Math.round(team.index))),
    (team.meters || []).map((m) => [el("dt", {}, m.label), el("dd", {}, `${m.value}${m.unit ? ` ${m.unit}` : ""}`)]));
  const devices = team.devices.length ? el("ul", { class: "devices" }, team.devices.map((d) => {
    const id = `assign-${team.team}-${d.id}`;
    return el("li", {},
      el("label", { for: id }, t("teacher.assign", { name: d.name })),
      el("select", {
        id, "data-keep": "no", disabled: team.phase !== "lobby" && d.role ? true : null,
        onchange: (event) => {
          const role = event.target.value;
          send(role ? { type: "assign", team: team.team, device: d.id, role } : { type: "unassign", team: team.team, device: d.id });
        },
      }, el("option", { value: "" }, t("teacher.no_role")),
      team.roles.map((r) => el("option", { value: r.id, selected: d.role === r.id ? true : null },
        r.taken && d.role !== r.id ? `${r.name} (${r.player})` : r.name))));
  })) : el("p", {}, t("teacher.no_devices"));
  return el("section", { class: `card team phase-${team.phase}${team.paused ? " is-paused" : ""}`, "aria-labelledby": h },
    el("h2", { id: h }, `${t("team", { number: team.number })} · ${t(`phase.${team.phase}`)}${team.paused ? ` · ${t("teacher.pause")}` : ""}`),
    el("div", { class: "team-top" },
      el("img", { src: `/qr/${team.team}.svg`, alt: t("teacher.qr", { number: team.number }), width: 120, height: 120, class: "qr" }),
      el("div", {},
        el("p", { class: "code" }, t("teacher.code", { code: team.team })),
        el("p", {}, el("a", { href: team.join_url }, t("teacher.join")), " · ",
          el("a", { href: team.table_url, target: "_blank", rel: "noopener" }, t("teacher.table"))))),
    facts,
    el("div", { class: "row" },
      team.phase === "lobby" ? el("button", { type: "button", id: `start-${team.team}`, onclick: () => send({ type: "start", team: team.team }) }, t("teacher.start")) : null,
      team.phase === "playing" ? (team.paused
        ? el("button", { type: "button", id: `resume-${team.team}`, onclick: () => send({ type: "resume", team: team.team }) }, t("teacher.resume"))
        : el("button", { type: "button", id: `pause-${team.team}`, class: "secondary", onclick: () => send({ type: "pause", team: team.team }) }, t("teacher.pause"))) : null,
      team.timer ? el("button", { type: "button", id: `extend-${team.team}`, class: "secondary", onclick: () => send({ type: "extend", team: team.team, seconds: 60 }) }, t("teacher.extend")) : null),
    messageForm(`msg-${team.team}`, team.team, t("teacher.message", { number: team.number })),
    el("h3", {}, t("teacher.devices")), devices);
}

function show() {
  const parts = [el("section", { class: "card controls", "aria-labelledby": "all-h" },
    el("h2", { id: "all-h" }, t("teacher.all")),
    el("div", { class: "row" },
      el("button", { type: "button", id: "start-all", onclick: () => send({ type: "start", team: "*" }), disabled: view.round_ended ? true : null }, t("teacher.start_all")),
      el("button", { type: "button", id: "pause-all", class: "secondary", onclick: () => send({ type: "pause", team: "*" }) }, t("teacher.pause_all")),
      el("button", { type: "button", id: "resume-all", class: "secondary", onclick: () => send({ type: "resume", team: "*" }) }, t("teacher.resume_all"))),
    messageForm("msg-all", "*", t("teacher.message_all")),
    view.class_url ? el("p", {},
      el("a", { id: "class-view", href: view.class_url, target: "_blank", rel: "noopener" }, t("teacher.class_view")),
      " ", el("span", { class: "hint" }, t("teacher.class_hint"))) : null,
    el("div", { class: "row" },
      view.report ? el("a", { class: "button", id: "report", href: view.report_url || "#", target: "_blank", rel: "noopener" }, t("teacher.report")) : null,
      view.round_ended ? null : el("button", {
        type: "button", id: "end-round", class: "danger",
        onclick: () => { if (confirm(t("teacher.confirm_end"))) send({ type: "end_round" }); },
      }, t("teacher.end_round"))))];
  parts.push(el("div", { class: "teams" }, view.teams.map(teamCard)));
  render(app, parts);
}

setInterval(() => {
  for (const node of document.querySelectorAll("[data-team-timer]")) {
    if (!node.dataset.running) continue;
    const left = Number(node.dataset.left) - (performance.now() - received) / 1000;
    node.textContent = clock(left);
  }
}, 500);

let reportUrl = null;
if (!secret) {
  alertText(t("teacher.bad_link"));
} else {
  link = new Link(() => ({ type: "teacher", secret }), (msg) => {
    if (msg.type === "state") {
      view = msg.view;
      received = performance.now();
      view.report_url = reportUrl;
      show();
    } else if (msg.type === "report") {
      reportUrl = msg.url;
      if (view) { view.report_url = reportUrl; show(); }
      window.open(msg.url, "_blank", "noopener");
    } else if (msg.type === "error") {
      alertText(msg.message);
      if (msg.code === "not_teacher") { sessionStorage.removeItem(KEY); link.stop(); }
    }
  });
}

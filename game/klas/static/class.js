// The class screen ("klasscherm") on the projector: every team's situation, who is to act,
// the timer and the progress. Its code is in the address's fragment (#...), which the browser
// never sends in a request; the page keeps it for this tab and takes it out of the address
// bar, so a class looking at the projector never sees it.
import { Link, alertText, clock, el, render, secretFromAddress, t } from "./klas.js";

const KEY = "samenspel-klasscherm";
const secret = secretFromAddress(KEY);
const app = document.getElementById("app");
let received = 0;

function timerLeft(team) {
  if (!team.timer) return null;
  return team.timer.left - (team.timer.running ? (performance.now() - received) / 1000 : 0);
}

function progressBar(team) {
  const p = team.progress;
  if (!p) return null;
  const id = `class-progress-${team.number}`;
  const text = team.phase === "ended" ? t("class.done_text")
    : p.left < 0 ? t("class.progress_open", p) : t("class.progress_text", p);
  return el("div", { class: "progress" },
    el("progress", { max: 100, value: p.percent, "aria-label": t("class.progress"), "aria-describedby": id }),
    el("p", { class: "progress-text", id }, text));
}

function teamCard(team) {
  const h = `class-team-${team.number}`;
  const left = timerLeft(team);
  const waiting = team.narration ? t("class.anyone")
    : (team.waiting_for || []).map((w) => (w.player && w.player !== w.role ? `${w.player} (${w.role})` : w.role)).join(", ") || t("nobody");
  return el("section", { class: `card class-team phase-${team.phase}${team.paused ? " is-paused" : ""}`, "aria-labelledby": h },
    el("div", { class: "class-head" },
      el("h2", { id: h }, t("team", { number: team.number })),
      team.timer ? el("p", { class: `big-timer${left !== null && left <= 30 ? " urgent" : ""}` },
        el("span", { class: "visually-hidden" }, `${t("timer")}: `),
        el("span", { "data-class-timer": team.number, "data-left": left, "data-running": team.timer.running ? "1" : "" }, clock(left))) : null),
    el("p", { class: "phase" }, team.paused ? t("class.paused") : t(`phase.${team.phase}`),
      " · ", t("class.seats", { seats: team.seats, online: team.online })),
    team.scene !== undefined ? el("p", { class: "class-scene" }, team.scene || "…") : null,
    team.scene !== undefined ? el("p", { class: "class-waiting" }, el("span", { class: "label" }, `${t("waiting")}: `), waiting) : null,
    progressBar(team));
}

/** Columns and rows for n teams, so that a whole class fits on one projector screen. */
function layout(n) {
  const cols = n <= 1 ? 1 : n <= 4 ? 2 : n <= 6 ? 3 : n <= 12 ? 4 : 5;
  return `cols-${cols} rows-${Math.min(4, Math.ceil(n / cols))}`;
}

function show(view) {
  render(app, [
    view.round_ended ? el("p", { class: "banner" }, t("phase.closed")) : null,
    view.teams.length ? el("div", { class: `class-teams ${layout(view.teams.length)}` }, view.teams.map(teamCard))
      : el("p", {}, t("class.no_teams"))]);
}

setInterval(() => {
  for (const node of document.querySelectorAll("[data-class-timer]")) {
    if (!node.dataset.running) continue;
    const left = Number(node.dataset.left) - (performance.now() - received) / 1000;
    node.textContent = clock(left);
    node.parentElement.classList.toggle("urgent", left <= 30);
  }
}, 500);

if (!secret) {
  alertText(t("class.bad_link"));
} else {
  const link = new Link(() => ({ type: "watch_class", secret }), (msg) => {
    if (msg.type === "state") { received = performance.now(); show(msg.view); }
    else if (msg.type === "error") {
      alertText(msg.message);
      if (msg.code === "not_class_view") { sessionStorage.removeItem(KEY); link.stop(); }
    }
  });
}

// The student's page: join with a name, take a role, then play that role.
import { CODE, Countdown, Link, alertText, el, feed, paragraphs, publicParts, render, roleList, t } from "./klas.js";

const KEY = `samenspel.token.${CODE}`;
const app = document.getElementById("app");
const countdown = new Countdown();
let token = localStorage.getItem(KEY);
let name = null;
let link = null;
let lastMessages = 0;

function hello() {
  if (token) return { type: "rejoin", team: CODE, token };
  if (name) return { type: "join", team: CODE, name };
  return null;
}

function onMessage(msg) {
  if (msg.type === "welcome") {
    if (msg.token) { token = msg.token; localStorage.setItem(KEY, token); }
    name = null;
    alertText("");
  } else if (msg.type === "state") {
    show(msg.view);
  } else if (msg.type === "error") {
    if (msg.code === "unknown_device" || msg.code === "unknown_team") {
      localStorage.removeItem(KEY);
      token = null;
      link.stop();
      link = null;
      nameForm();
    }
    alertText(msg.message);
  }
}

function send(message) {
  alertText("");
  if (link) link.send(message);
}

function nameForm() {
  render(app, [el("form", {
    class: "card stack", id: "name-form",
    onsubmit: (event) => {
      event.preventDefault();
      const value = document.getElementById("name").value.trim();
      if (!value) { alertText(t("klas.error.name_missing")); return; }
      name = value;
      link = new Link(hello, onMessage);
    },
  },
  el("h2", {}, t("team", { number: CODE })),
  el("label", { for: "name" }, t("name")),
  el("input", { id: "name", name: "name", autocomplete: "given-name", maxlength: 40, required: true }),
  el("button", { type: "submit" }, t("join")))]);
  document.getElementById("name").focus();
}

function roleChooser(view) {
  return el("section", { class: "card", "aria-labelledby": "choose-h" },
    el("h2", { id: "choose-h" }, t("choose_role")),
    el("ul", { class: "choices" }, view.roles.map((r) => el("li", {},
      r.taken
        ? el("p", { class: "taken" }, `${r.name}: ${t("taken_by", { name: r.player })}`)
        : el("button", { type: "button", id: `claim-${r.id}`, onclick: () => send({ type: "claim", role: r.id }) },
          t("take_role", { role: r.name }))))));
}

function choices(view) {
  const s = view.scene;
  if (!s || view.phase !== "playing") return null;
  if (s.narration) {
    return el("section", { class: "card act", "aria-labelledby": "act-h" },
      el("h2", { id: "act-h" }, t("your_turn")),
      el("button", { type: "button", id: "proceed", onclick: () => send({ type: "proceed" }) }, t("proceed")));
  }
  const isVote = s.decision !== "single";
  if (view.my_vote) {
    return el("section", { class: "card act", "aria-labelledby": "act-h" },
      el("h2", { id: "act-h" }, t("your_vote")),
      el("p", {}, t("voted_for", { choice: view.my_vote.text })));
  }
  if (!view.options || !view.options.length) {
    return el("section", { class: "card act", "aria-labelledby": "act-h" },
      el("h2", { id: "act-h" }, t("your_turn")), el("p", {}, t("not_your_turn")));
  }
  return el("section", { class: "card act", "aria-labelledby": "act-h" },
    el("h2", { id: "act-h" }, isVote ? t("your_vote") : t("your_turn")),
    el("ul", { class: "choices" }, view.options.map((c) => el("li", {},
      el("button", { type: "button", id: `choice-${c.id}`, onclick: () => send({ type: "choose", choice: c.id }) }, c.text)))));
}

function targetSelect(id, view, withTeam) {
  return el("select", { id },
    withTeam ? el("option", { value: view.team_value || "team" }, t("whole_team")) : null,
    view.others.map((o) => {
      const r = view.roles.find((x) => x.id === o.id);
      return el("option", { value: o.id }, r && r.player ? `${o.name} (${r.player})` : o.name);
    }));
}

function cards(view) {
  const list = view.cards || [];
  const playing = view.phase === "playing";
  return el("section", { class: "card", "aria-labelledby": "cards-h" },
    el("h2", { id: "cards-h" }, t("cards")),
    list.length ? null : el("p", {}, t("no_cards")),
    list.map((c) => el("article", { class: `info${c.sensitive ? " sensitive" : ""}`, "aria-labelledby": `card-${c.id}-h` },
      el("h3", { id: `card-${c.id}-h` }, c.title),
      c.sensitive ? el("p", { class: "tag" }, t("sensitive")) : null,
      paragraphs(c.text),
      playing ? el("div", { class: "row" },
        el("label", { for: `to-${c.id}` }, t("share_with")),
        targetSelect(`to-${c.id}`, view, true),
        el("button", { type: "button", id: `share-${c.id}`, onclick: () => send({ type: "share", card: c.id, to: document.getElementById(`to-${c.id}`).value }) }, t("share")),
        c.can_ask
          ? el("button", { type: "button", class: "secondary", id: `ask-${c.id}`, onclick: () => send({ type: "ask_consent", card: c.id, to: document.getElementById(`to-${c.id}`).value }) }, t("ask"))
          : null) : null,
      playing && c.can_ask && c.purpose ? el("p", { class: "hint" }, t("purpose", { purpose: c.purpose })) : null)),
    (view.consent_answers || []).length ? el("ul", { class: "answers" }, view.consent_answers.map((a) =>
      el("li", { class: a.granted ? "" : "bad" }, t(a.granted ? "granted" : "refused", { card: a.card, to: a.to.join(", ") })))) : null);
}

function consult(view) {
  if (view.phase !== "playing" || !view.scene) return null;
  const names = Object.fromEntries(view.roles.map((r) => [r.id, r.player || r.name]));
  return el("section", { class: "card", "aria-labelledby": "consult-h" },
    el("h2", { id: "consult-h" }, t("consult")),
    el("div", { class: "row" },
      el("label", { for: "consult-target" }, t("consult_who")),
      targetSelect("consult-target", view, false),
      el("button", { type: "button", id: "consult", onclick: () => send({ type: "consult", target: document.getElementById("consult-target").value }) }, t("consult"))),
    view.consulted && view.consulted.length
      ? el("p", {}, t("consulted", { names: view.consulted.map((r) => names[r] || r).join(", ") })) : null);
}

function show(view) {
  countdown.set(view.timer);
  const me = view.me;
  const myRole = me.role ? view.roles.find((r) => r.id === me.role) : null;
  const parts = [el("p", { class: "who" }, `${t("team", { number: view.number })} · ${t("you_are", { name: me.name })}`,
    myRole ? ` · ${t("your_role", { role: myRole.name })}` : "")];
  if (!me.role) {
    parts.push(roleChooser(view));
    if (view.phase === "lobby") parts.push(el("p", {}, t("wait_start")));
    parts.push(publicParts(view));
  } else if (view.phase === "lobby") {
    parts.push(el("p", { class: "banner" }, t("wait_start")),
      el("button", { type: "button", class: "secondary", id: "release", onclick: () => send({ type: "release" }) }, t("release")),
      roleList(view));
    parts.push(publicParts(view));
  } else {
    parts.push(publicParts(view));
    parts.push(choices(view));
    if (view.advice) {
      parts.push(el("section", { class: "card advice", "aria-labelledby": "advice-h" },
        el("h2", { id: "advice-h" }, t("advice")), paragraphs(view.advice)));
    }
    parts.push(cards(view), consult(view));
    parts.push(el("details", { class: "card", id: "briefing", open: true },
      el("summary", {}, el("h2", {}, t("briefing"))),
      paragraphs(view.briefing),
      view.goals && view.goals.length ? [el("h3", {}, t("goals")), el("ul", {}, view.goals.map((g) => el("li", {}, g)))] : null));
    parts.push(feed(view), roleList(view));
  }
  render(app, parts);
  countdown.paint();
  if (view.messages && view.messages.length > lastMessages && lastMessages > 0) {
    alertText(view.messages[view.messages.length - 1].text);
  }
  lastMessages = view.messages ? view.messages.length : 0;
}

if (token) link = new Link(hello, onMessage);
else nameForm();

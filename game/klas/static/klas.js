// Shared by every Samenspel klas page: strings, DOM building, and one WebSocket that
// reconnects by itself. The server decides everything; a page only sends moves and renders
// the state it is sent. Text is always set with textContent (names are typed by students).

const STRINGS = JSON.parse(document.getElementById("strings").textContent);
export const LANG = document.body.dataset.lang || "nl";
export const CODE = document.body.dataset.code || "";

/** The page string `key` with {name} placeholders filled in. */
export function t(key, values = {}) {
  const text = STRINGS[`klas.js.${key}`] ?? STRINGS[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (m, name) => (name in values ? String(values[name]) : m));
}

/** An element: el("p", {class: "x"}, "text", child, ...); attributes starting with "on" are listeners. */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
    else if (name === "class") node.className = value;
    else node.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

/** Text with line breaks kept: one <p> per paragraph. */
export function paragraphs(text, attrs = {}) {
  return (text || "").split(/\n\s*\n/).filter((p) => p.trim())
    .map((p) => el("p", attrs, p.trim()));
}

/** Replace the app's content, keeping focus, typed text and selections (found by id). */
export function render(root, nodes) {
  const active = document.activeElement && document.activeElement.id;
  const kept = {};
  for (const field of root.querySelectorAll("input[id], select[id], textarea[id]")) {
    kept[field.id] = field.value;
  }
  const open = {};
  for (const d of root.querySelectorAll("details[id]")) open[d.id] = d.open;
  root.replaceChildren(...nodes.flat().filter(Boolean));
  for (const [id, value] of Object.entries(kept)) {
    const field = document.getElementById(id);
    if (field && field.dataset.keep !== "no" && [...(field.options || [{ value }])].some((o) => o.value === value)) {
      field.value = value;
    }
  }
  for (const [id, isOpen] of Object.entries(open)) {
    const d = document.getElementById(id);
    if (d) d.open = isOpen;
  }
  if (active) {
    const again = document.getElementById(active);
    if (again) again.focus({ preventScroll: true });
  }
}

/** Show an error or notice in the page's alert region (read out by screen readers). */
export function alertText(text) {
  const box = document.getElementById("alert");
  if (!box) return;
  box.replaceChildren(text ? el("p", {}, el("strong", {}, `${t("error")}: `), text) : "");
}

/**
 * A secret given in the address's fragment (#...; the browser never sends a fragment in a
 * request). Kept for this tab in sessionStorage under `key` and taken out of the address
 * bar, so a page shown on the projector does not show it; a reload still finds it.
 */
export function secretFromAddress(key) {
  const secret = decodeURIComponent(location.hash.slice(1)) || sessionStorage.getItem(key) || "";
  if (location.hash) {
    sessionStorage.setItem(key, secret);
    history.replaceState(null, "", location.pathname + location.search);
  }
  return secret;
}

/** Minutes:seconds. */
export function clock(seconds) {
  const s = Math.max(0, Math.ceil(seconds));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
}

/** A countdown that follows the server's timer: call set(timer) on every state. */
export class Countdown {
  constructor() {
    this.deadline = null;
    this.left = null;
    this.running = false;
    setInterval(() => this.paint(), 500);
  }
  set(timer) {
    if (!timer) { this.deadline = null; this.left = null; return; }
    this.left = timer.left;
    this.running = timer.running;
    this.deadline = performance.now() + timer.left * 1000;
  }
  seconds() {
    if (this.left === null) return null;
    return this.running ? Math.max(0, (this.deadline - performance.now()) / 1000) : this.left;
  }
  paint() {
    const s = this.seconds();
    for (const node of document.querySelectorAll("[data-countdown]")) {
      node.textContent = s === null ? "" : clock(s);
      node.classList.toggle("urgent", s !== null && s <= 30);
    }
  }
}

/**
 * One WebSocket to the server that says hello again after every reconnect.
 * hello(): the first message (or null to stay closed); onMessage(msg) gets every message.
 */
export class Link {
  constructor(hello, onMessage) {
    this.hello = hello;
    this.onMessage = onMessage;
    this.delay = 500;
    this.ws = null;
    this.stopped = false;
    this.status(t("connecting"));
    this.open();
    // A phone that wakes up: reconnect at once instead of waiting for the back-off.
    document.addEventListener("visibilitychange", () => {
      if (document.visibilityState === "visible" && (!this.ws || this.ws.readyState > 1)) this.open();
    });
  }
  status(text, ok = false) {
    const node = document.getElementById("status");
    if (node) { node.textContent = text; node.classList.toggle("ok", ok); }
  }
  open() {
    if (this.stopped) return;
    const scheme = location.protocol === "https:" ? "wss" : "ws";
    const ws = new WebSocket(`${scheme}://${location.host}/ws`);
    this.ws = ws;
    ws.addEventListener("open", () => {
      this.delay = 500;
      const hello = this.hello();
      if (hello) ws.send(JSON.stringify({ ...hello, lang: LANG }));
      this.status(t("connected"), true);
    });
    ws.addEventListener("message", (event) => {
      let msg;
      try { msg = JSON.parse(event.data); } catch { return; }
      this.onMessage(msg);
    });
    ws.addEventListener("close", () => {
      if (this.ws !== ws) return;
      this.status(t("offline"));
      if (this.stopped) return;
      setTimeout(() => this.open(), this.delay);
      this.delay = Math.min(this.delay * 2, 5000);
    });
  }
  send(message) {
    if (this.ws && this.ws.readyState === WebSocket.OPEN) {
      this.ws.send(JSON.stringify(message));
      return true;
    }
    alertText(t("offline"));
    return false;
  }
  stop() { this.stopped = true; if (this.ws) this.ws.close(); }
}

/** The roles and who plays them, with online status. */
export function roleList(view, headingLevel = "h2") {
  return el("section", { class: "card", "aria-labelledby": "roles-h" },
    el(headingLevel, { id: "roles-h" }, t("roles")),
    el("ul", { class: "roles" }, view.roles.map((r) =>
      el("li", { class: r.online ? "online" : "" },
        el("span", { class: "role-name" }, r.name),
        " ",
        el("span", { class: "player" }, r.player || t("free")),
        r.taken ? el("span", { class: "dot", title: r.online ? t("online") : t("not_online") },
          el("span", { class: "visually-hidden" }, r.online ? t("online") : t("not_online"))) : null))));
}

/** The public part of a team's state: scene, timer, meters, who is to act, what happened. */
export function publicParts(view, options = {}) {
  const names = Object.fromEntries(view.roles.map((r) => [r.id, r.player || r.name]));
  const parts = [];
  if (view.paused) parts.push(el("p", { class: "banner paused" }, t("paused")));
  if (view.phase === "closed") parts.push(el("p", { class: "banner" }, t("closed")));
  if (view.messages && view.messages.length) {
    const last = view.messages[view.messages.length - 1];
    parts.push(el("section", { class: "banner message", "aria-labelledby": "msg-h" },
      el("h2", { id: "msg-h" }, `${t("from_teacher")} (${last.time})`), el("p", {}, last.text)));
  }
  if (view.ending) {
    parts.push(el("section", { class: `card ending ${view.ending.outcome}`, "aria-labelledby": "end-h" },
      el("h2", { id: "end-h" }, `${t("ending")}: ${view.ending.title}`),
      el("p", { class: "outcome" }, t(`outcome.${view.ending.outcome}`)),
      paragraphs(view.ending.text)));
    return parts;
  }
  if (!view.scene) return parts;
  const s = view.scene;
  parts.push(el("section", { class: "card scene", "aria-labelledby": "scene-h" },
    el("h2", { id: "scene-h" }, s.title || t("scene")),
    s.speaker ? el("p", { class: "speaker" }, s.speaker) : null,
    paragraphs(s.text)));
  const status = el("dl", { class: "facts" });
  if (view.timer) {
    status.append(el("dt", {}, t("timer")),
      el("dd", {}, el("span", { "data-countdown": "", class: "countdown" }),
        view.timer.running ? "" : ` ${t("timer_paused")}`));
  }
  for (const m of view.meters || []) {
    status.append(el("dt", {}, m.label), el("dd", {}, `${m.value}${m.unit ? ` ${m.unit}` : ""}`));
  }
  const waiting = (view.waiting_for || []).map((r) => names[r] || r);
  status.append(el("dt", {}, t("waiting")), el("dd", {}, waiting.length ? waiting.join(", ") : t("nobody")));
  if (view.voted && view.voted.length) {
    status.append(el("dt", {}, t("voted")), el("dd", {}, view.voted.map((r) => names[r] || r).join(", ")));
  }
  parts.push(el("section", { class: "card", "aria-label": t("meters") }, status));
  if (view.previous_round) {
    parts.push(el("section", { class: "card", "aria-labelledby": "round-h" },
      el("h2", { id: "round-h" }, t("no_consensus", { number: view.previous_round.number })),
      el("ul", {}, view.previous_round.tally.map((row) =>
        el("li", {}, `${row.text}: ${t("votes", { count: row.count })}`)))));
  }
  if (view.last_decision && options.lastDecision !== false) {
    const d = view.last_decision;
    parts.push(el("section", { class: "card decided", "aria-labelledby": "dec-h" },
      el("h2", { id: "dec-h" }, t("decided")),
      el("p", {}, d.text, d.by && d.by.length ? ` (${t("by", { names: d.by.join(", ") })})` : ""),
      d.feedback ? paragraphs(d.feedback, { class: "feedback" }) : null));
  }
  return parts;
}

/** The last public happenings (who consulted or shared with whom). */
export function feed(view) {
  if (!view.feed || !view.feed.length) return null;
  return el("section", { class: "card feed", "aria-labelledby": "feed-h" },
    el("h2", { id: "feed-h" }, t("feed")),
    el("ul", {}, view.feed.map((line) => el("li", {}, line))));
}

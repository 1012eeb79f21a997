// The projector ("tafel") page of one team: the shared scene, meters, timer and who acts.
import { CODE, Countdown, Link, alertText, el, feed, publicParts, render, roleList, t } from "./klas.js";

const app = document.getElementById("app");
const countdown = new Countdown();

function show(view) {
  countdown.set(view.timer);
  render(app, [
    el("p", { class: "who" }, `${t("team", { number: view.number })} · ${view.team}`),
    view.phase === "lobby" ? el("p", { class: "banner" }, t("wait_start")) : null,
    el("div", { class: "grid" },
      el("div", {}, publicParts(view)),
      el("div", {}, roleList(view), feed(view)))]);
  countdown.paint();
}

new Link(() => ({ type: "watch", team: CODE }), (msg) => {
  if (msg.type === "state") show(msg.view);
  else if (msg.type === "error") alertText(msg.message);
});

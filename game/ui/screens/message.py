"""Plain message screens: an explanation with a way back, and scenario problems after F5."""

from __future__ import annotations

from game.ui.screens.base import Screen, esc, severity


class MessageScreen(Screen):
    """A title, a text and buttons: "Terug" (back) and optionally one more action."""

    name = "message"

    def __init__(self, app, title: str, body: str, back,
                 action: tuple[str, object] | list[tuple[str, object]] | None = None) -> None:
        super().__init__(app)
        self.title = title
        self.body = body
        self.back = back
        self.action = action

    def layout(self) -> None:
        w, h = self.app.size
        m = self.px(32)
        bh = self.px(56)
        self.label((m, m, w - 2 * m, self.px(48)), self.title, "title")
        self.textbox((m, m + self.px(64), w - 2 * m, h - 3 * m - bh - self.px(64)),
                     esc(self.body), "card")
        bw = min(self.px(240), (w - 3 * m) // 3)
        self.button((m, h - m - bh, bw, bh), self.t("common.back"), self.back)
        # one action, or several (the last is the main one), right-aligned after "Terug"
        actions = [self.action] if isinstance(self.action, tuple) else list(self.action or [])
        if actions:
            gap = self.px(12)
            aw = min(self.px(360), (w - 2 * m - bw - gap * len(actions)) // len(actions))
            x = w - m - len(actions) * aw - (len(actions) - 1) * gap
            for i, (label, run) in enumerate(actions):
                main = i == len(actions) - 1
                shown, tip = self.fit(label, aw - self.px(28), bold=main)
                self.button((x, h - m - bh, aw, bh), shown, run,
                            kind="primary" if main else None, tooltip=tip)
                x += aw + gap

    def on_escape(self) -> None:
        """Esc is "back"."""
        self.app.defer(self.back)

    def on_enter(self) -> bool:
        """Enter is "back" too (the safe choice)."""
        self.app.defer(self.back)
        return True


class ProblemsScreen(Screen):
    """F5 found errors: every problem with its line and column, the session untouched."""

    name = "problems"

    def __init__(self, app, game, problems) -> None:
        super().__init__(app)
        self.game = game
        self.problems = list(problems)

    def layout(self) -> None:
        w, h = self.app.size
        m = self.px(32)
        bh = self.px(56)
        self.label((m, m, w - 2 * m, self.px(48)), self.t("reload.errors_title"), "title")
        self.label((m, m + self.px(48), w - 2 * m, self.px(56)),
                   self.t("reload.errors_hint", n=len(self.problems), file=self.game.path.name),
                   "muted", wrap=True)
        lines = []
        for p in self.problems:
            where = f"{self.t('reload.line')} {p.line}, {self.t('reload.column')} {p.column}"
            hint = p.hint_nl if self.app.lang == "nl" and p.hint_nl else p.hint
            lines.append(f"<b>{esc(where)}</b> · {esc(severity(self.app, p))}: "
                         f"{esc(p.text(self.app.lang))}"
                         + (f"<br><i>{esc(hint)}</i>" if (p.hint or p.hint_nl) else ""))
        body = f"<b>{esc(str(self.game.path))}</b><br><br>" + "<br><br>".join(lines)
        self.textbox((m, m + self.px(110), w - 2 * m, h - 3 * m - bh - self.px(110)),
                     body, "problems")
        bw = min(self.px(320), (w - 3 * m) // 2)
        self.button((m, h - m - bh, bw, bh), self.t("reload.back_to_game"),
                    self.game.continue_play)
        self.button((w - m - bw, h - m - bh, bw, bh), self.t("reload.again"),
                    self.game.reload, kind="primary")

    def on_escape(self) -> None:
        """Esc goes back to the game as it was."""
        self.app.defer(self.game.continue_play)

"""A role's private briefing: who you are, your goals and the cards only you hold."""

from __future__ import annotations

import pygame

from game.ui.screens.base import Screen, academy_name, draw_role_band, esc, prose


def cards_markup(app, game, role: str) -> str:
    """The cards a role knows as markup: title, sensitive mark, rendered text."""
    parts = []
    for info in game.session.cards(role):
        mark = ""
        if info.sensitive:
            mark = f" <font color='{app.palette.bad}'>[{esc(app.t('cards.sensitive'))}]</font>"
        shared = ""
        if info.id in game.session.shared_cards:
            shared = f" <i>({esc(app.t('cards.shared'))})</i>"
        parts.append(f"<b>{esc(info.title)}</b>{mark}{shared}"
                     f"<br>{prose(game.session.render(info.text))}")
    return "<br><br>".join(parts)


class BriefingScreen(Screen):
    """Briefing text, private goals and private cards of one role, then "Verder"."""

    name = "briefing"

    def __init__(self, app, game, role: str, done) -> None:
        super().__init__(app)
        self.game = game
        self.role = role
        self.done = done
        self.header = pygame.Rect(0, 0, 0, 0)

    def layout(self) -> None:
        w, h = self.app.size
        m = self.px(24)
        role = self.game.scenario.roles[self.role]
        self.header = pygame.Rect(0, 0, w, self.px(96))
        top = self.header.bottom + m
        bh = self.px(56)
        body = prose(self.game.session.briefing(self.role))
        if role.goals:
            goals = "".join(f"<br>• {esc(self.game.session.render(g))}" for g in role.goals)
            body += f"<br><br><b>{esc(self.t('briefing.goals'))}</b>{goals}"
        cards = cards_markup(self.app, self.game, self.role)
        if self.game.scenario.learning_goals:
            lg = "".join(f"<br>• {esc(g)}" for g in self.game.scenario.learning_goals)
            body += f"<br><br><b>{esc(self.t('briefing.learning_goals'))}</b>{lg}"
        area_h = h - top - bh - 2 * m
        if cards and w >= self.px(900):
            col = (w - 3 * m) * 3 // 5
            self.textbox((m, top, col, area_h), body)
            self.label((2 * m + col, top, w - 3 * m - col, self.px(34)),
                       self.t("briefing.cards"), "subtitle")
            self.textbox((2 * m + col, top + self.px(40), w - 3 * m - col, area_h - self.px(40)),
                         cards, "card")
        else:
            if cards:
                body += f"<br><br><b>{esc(self.t('briefing.cards'))}</b><br>{cards}"
            self.textbox((m, top, w - 2 * m, area_h), body)
        self.button((w - m - self.px(320), h - m - bh, self.px(320), bh), self.t("briefing.done"),
                    self.done, kind="primary")

    def on_enter(self) -> bool:
        """Enter continues."""
        self.app.defer(self.done)
        return True

    def draw(self, surface: pygame.Surface) -> None:
        """A header band in the role's colour with badge, player and role name."""
        role = self.game.scenario.roles[self.role]
        draw_role_band(self, surface, self.header, role,
                       self.t("briefing.title", name=self.game.player(self.role)),
                       f"{role.name} · {academy_name(self.app, role.academy)}")

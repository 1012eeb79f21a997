"""The ending: how the case ended (good, mixed, bad), in words and colour, then the debrief."""

from __future__ import annotations

import pygame

from game.ui.screens.base import Screen, prose
from game.ui.screens.debrief import DebriefScreen
from game.ui.screens.play import decision_markup, draw_header
from game.ui.widgets import rgb, text


class EndingScreen(Screen):
    """The ending's title and text with its outcome, the last decision, and "Nabespreking"."""

    name = "ending"

    def __init__(self, app, game) -> None:
        super().__init__(app)
        self.game = game
        self.header = pygame.Rect(0, 0, 0, 0)
        self.band = pygame.Rect(0, 0, 0, 0)

    def layout(self) -> None:
        w, h = self.app.size
        m = self.px(32)
        self.header = pygame.Rect(0, 0, w, self.px(56))
        self.band = pygame.Rect(0, self.header.bottom, w, self.px(120))
        y = self.band.bottom + self.px(20)
        body = ""
        d = self.game.session.last_decision
        if d is not None:
            body += decision_markup(self.app, self.game, d) + "<br><br>"
        body += prose(self.game.session.scene_text())
        bh = self.px(60)
        self.textbox((m, y, w - 2 * m, h - y - bh - 2 * m), body)
        self.button((w - m - self.px(360), h - m - bh, self.px(360), bh),
                    self.t("ending.to_debrief"), self.debrief, kind="primary")
        self.focus.move(1)

    def debrief(self) -> None:
        """Open the debrief."""
        self.app.show(DebriefScreen(self.app, self.game))

    def draw(self, surface: pygame.Surface) -> None:
        """Header and a band in the outcome's colour with the ending's title."""
        pal = self.app.palette
        draw_header(self, surface, self.game, self.header)
        ending = self.game.session.ending
        colour = {"good": pal.good, "mixed": pal.mixed, "bad": pal.bad}[ending.outcome]
        pygame.draw.rect(surface, rgb(pal.surface), self.band)
        pygame.draw.rect(surface, rgb(colour), (0, self.band.y, self.px(14), self.band.height))
        s = self.app.scale
        text(surface, self.t(f"ending.outcome.{ending.outcome}"),
             (self.px(40), self.band.y + self.px(18)),
             kind="small", scale=s, colour=colour, bold=True)
        text(surface, ending.title, (self.px(40), self.band.y + self.px(44)), kind="huge", scale=s,
             colour=pal.text, bold=True, width=self.band.width - self.px(80))

    def on_escape(self) -> None:
        """Esc from the ending opens the menu too."""
        super().on_escape()

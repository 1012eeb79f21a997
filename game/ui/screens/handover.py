"""The hand-over screen: the whole window in the next role's colour, nothing of the game behind.

"Geef de laptop aan Sara — Leerkracht". A click anywhere or Enter/Space continues, so a
student who receives the laptop can go on without hunting for a button.
"""

from __future__ import annotations

import pygame

from game.ui.screens.base import Screen
from game.ui.theme import role_colour, role_initials, text_on
from game.ui.widgets import badge, rgb, text


class HandoverScreen(Screen):
    """Full-colour hand-over to one role; the private view comes after the click."""

    name = "handover"

    def __init__(self, app, game, role: str, then, purpose: str = "") -> None:
        super().__init__(app)
        self.game = game
        self.role = role
        self.then = then
        self.purpose = purpose

    def _go(self) -> None:
        self.app.defer(self.then)

    def handle_event(self, event: pygame.event.Event) -> bool:
        """Any click, Enter or Space continues."""
        if event.type == pygame.MOUSEBUTTONUP and event.button == 1:
            self._go()
            return True
        if event.type == pygame.KEYDOWN and event.key in (pygame.K_RETURN, pygame.K_KP_ENTER,
                                                         pygame.K_SPACE):
            self._go()
            return True
        return False

    def draw(self, surface: pygame.Surface) -> None:
        """Colour field, big badge, the player's name and the role."""
        role = self.game.scenario.roles[self.role]
        pal = self.app.palette
        colour = "#000000" if pal.high_contrast else role_colour(role)
        fg = "#ffffff" if pal.high_contrast else text_on(colour)
        surface.fill(rgb(colour))
        w, h = surface.get_size()
        if pal.high_contrast:
            pygame.draw.rect(surface, rgb(role_colour(role)), surface.get_rect(), self.px(16))
        s = self.app.scale
        cy = h // 2 - self.px(70)
        radius = self.px(64)
        badge(surface, (w // 2, cy - radius - self.px(20)), radius,
              "#ffffff" if fg == "#000000" and not pal.high_contrast else role_colour(role),
              role_initials(role), s, ring=fg)
        text(surface, self.t("handover.give_to"), (w // 2, cy + self.px(10)), kind="subtitle",
             scale=s, colour=fg, anchor="midtop")
        r = text(surface, self.game.player(self.role), (w // 2, cy + self.px(50)), kind="huge",
                 scale=s, colour=fg, bold=True, anchor="midtop")
        r = text(surface, role.name, (w // 2, r.bottom + self.px(4)), kind="title", scale=s,
                 colour=fg, anchor="midtop", width=w - self.px(80))
        hint = self.t(f"handover.why.{self.purpose}" if self.purpose else "handover.why.briefing")
        r = text(surface, hint, (w // 2, r.bottom + self.px(24)), scale=s, colour=fg,
                 anchor="midtop", width=w - self.px(120))
        text(surface, self.t("handover.continue"), (w // 2, h - self.px(40)), scale=s, colour=fg,
             bold=True, anchor="midbottom")

"""The hand-over screen: the whole window in the next role's colour, nothing of the game behind.

"Geef de laptop aan Sara — Leerkracht". Leaving it takes a deliberate act by the student who
received the laptop: hold Enter, Space or the mouse button for `HOLD_SECONDS` (a bar fills up
while it is held). A tap, a double press or a double click does nothing, so a key pressed
twice on the previous screen can never open the next role's private view.
"""

from __future__ import annotations

import pygame

from game.ui.screens.base import Screen
from game.ui.theme import role_colour, role_initials, text_on
from game.ui.widgets import badge, rgb, text, text_size, wrap_lines

#: How long Enter, Space or the mouse button must be held to leave a hand-over.
HOLD_SECONDS = 0.8
HOLD_KEYS = (pygame.K_RETURN, pygame.K_KP_ENTER, pygame.K_SPACE)


class HandoverScreen(Screen):
    """Full-colour hand-over to one role; the private view comes after a held key or click."""

    name = "handover"

    def __init__(self, app, game, role: str, then, purpose: str = "") -> None:
        super().__init__(app)
        self.game = game
        self.role = role
        self.then = then
        self.purpose = purpose
        self.held_since: float | None = None  # when the hold began (the app's clock)
        self.done = False

    @property
    def progress(self) -> float:
        """How far the hold is, 0..1."""
        if self.held_since is None:
            return 0.0
        return min(1.0, (self.app.clock_fn() - self.held_since) / HOLD_SECONDS)

    def _go(self) -> None:
        if not self.done:
            self.done = True
            self.app.defer(self.then)

    def handle_event(self, event: pygame.event.Event) -> bool:
        """Enter, Space or the left mouse button pressed starts the hold; releasing early
        cancels it."""
        down = ((event.type == pygame.KEYDOWN and event.key in HOLD_KEYS)
                or (event.type == pygame.MOUSEBUTTONDOWN and event.button == 1))
        up = ((event.type == pygame.KEYUP and event.key in HOLD_KEYS)
              or (event.type == pygame.MOUSEBUTTONUP and event.button == 1))
        if down:
            if self.held_since is None:
                self.held_since = self.app.clock_fn()
            return True
        if up:
            if self.progress >= 1.0:
                self._go()
            self.held_since = None
            self.app.dirty = True
            return True
        return False

    def update(self, dt: float) -> bool:
        """While held: fill the bar, and go on once it is full."""
        if self.held_since is None:
            return False
        if self.progress >= 1.0:
            self._go()
        return True

    def wake_interval(self) -> float | None:
        """Animate the bar while a key or button is held."""
        return 0.03 if self.held_since is not None else None

    def draw(self, surface: pygame.Surface) -> None:
        """Colour field, big badge, the player's name and the role, and the hold bar."""
        role = self.game.scenario.roles[self.role]
        pal = self.app.palette
        colour = "#000000" if pal.high_contrast else role_colour(role)
        fg = "#ffffff" if pal.high_contrast else text_on(colour)
        surface.fill(rgb(colour))
        w, h = surface.get_size()
        if pal.high_contrast:
            pygame.draw.rect(surface, rgb(role_colour(role)), surface.get_rect(), self.px(16))
        s = self.app.scale
        width = w - self.px(80)
        # the hold bar and the instruction at the bottom, measured first
        instruction = wrap_lines(self.t("handover.continue"), "body", s, True, width)
        line_h = text_size("Ag", scale=s, bold=True)[1]
        bottom_h = self.px(24) + self.px(18) + self.px(10) + len(instruction) * line_h
        room = h - bottom_h - self.px(16)
        # the texts, top to bottom, centred in the room above; when it is short, the badge
        # shrinks, then goes, then the sizes step down (the reason stays: it says what comes)
        lines = [(self.t("handover.give_to"), "subtitle", False),
                 (self.game.player(self.role), "huge", True),
                 (role.name, "title", False),
                 (self.t(f"handover.why.{self.purpose}" if self.purpose
                         else "handover.why.briefing"), "body", False)]
        steps = {"huge": "title", "title": "subtitle", "subtitle": "body", "body": "small"}
        for _ in range(4):
            blocks = [(wrap_lines(v, k, s, b, width), k, b) for v, k, b in lines]
            text_h = sum(len(ls) * text_size("Ag", kind=k, scale=s, bold=b)[1] + self.px(8)
                         for ls, k, b in blocks)
            radius = max(0, min(self.px(64), (room - text_h - self.px(20)) // 2))
            if radius >= self.px(20) or text_h <= room:
                break
            lines = [(v, steps.get(k, k), b) for v, k, b in lines]
        if radius < self.px(20):
            radius = 0
        total = text_h + (2 * radius + self.px(20) if radius else 0)
        y = max(self.px(8), (room - total) // 2)
        if radius:
            badge(surface, (w // 2, y + radius), radius,
                  "#ffffff" if fg == "#000000" and not pal.high_contrast else role_colour(role),
                  role_initials(role), s, ring=fg)
            y += 2 * radius + self.px(20)
        for ls, kind, bold in blocks:
            lh = text_size("Ag", kind=kind, scale=s, bold=bold)[1]
            for ln in ls:
                text(surface, ln, (w // 2, y), kind=kind, scale=s, colour=fg, bold=bold,
                     anchor="midtop")
                y += lh
            y += self.px(8)
        bar_w = min(w - self.px(80), self.px(520))
        bar = pygame.Rect((w - bar_w) // 2, h - self.px(24) - self.px(18), bar_w, self.px(18))
        pygame.draw.rect(surface, rgb(fg), bar, max(2, self.px(2)), border_radius=bar.height // 2)
        if self.progress > 0:
            fill = bar.copy()
            fill.width = max(bar.height, round(bar.width * self.progress))
            pygame.draw.rect(surface, rgb(fg), fill, border_radius=bar.height // 2)
        y = bar.y - self.px(10) - len(instruction) * line_h
        for ln in instruction:
            text(surface, ln, (w // 2, y), scale=s, colour=fg, bold=True, anchor="midtop")
            y += line_h

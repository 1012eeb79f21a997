"""Team set-up: a player name per role (2–5 players), language, timer, voting, font size.

One row per role, with the role's badge and academy; a player who plays two roles types the
same name twice (hot-seat teams are often smaller than a case's cast). The options apply at
once, so the team sees the effect of a bigger font before it starts.
"""

from __future__ import annotations

import pygame
import pygame_gui

from game.ui.catalog import ScenarioEntry
from game.ui.screens.base import Screen, draw_role_row
from game.ui.theme import FONT_SCALES, register_team

MIN_PLAYERS, MAX_PLAYERS = 2, 5
MAX_NAME = 24


class SetupScreen(Screen):
    """Names per role and the session options; Start creates the session."""

    name = "setup"

    def __init__(self, app, entry: ScenarioEntry, names: dict[str, str] | None = None) -> None:
        super().__init__(app)
        self.entry = entry
        self.scenario = entry.scenario
        register_team(self.scenario.roles)  # unique badge letters also via `samenspel play`
        self.names: dict[str, str] = dict(names or {})
        self.entries: dict[str, pygame_gui.elements.UITextEntryLine] = {}
        self.rows: list[tuple[pygame.Rect, object]] = []
        self.error = ""

    @property
    def compact(self) -> bool:
        """Narrow for the font scale: the options move behind a "Instellingen" button."""
        return self.app.size[0] * 100 / self.app.scale < 1000

    def layout(self) -> None:
        w, h = self.app.size
        m = self.px(24) if not self.compact else self.px(12)
        self.label((m, m, w - 2 * m, self.px(48)), self.t("setup.title"), "title")
        top = m + self.px(52)
        if not self.compact:
            self.label((m, top, w - 2 * m, self.px(32)), self.scenario.title, "muted")
            top += self.px(44)
        bh = self.px(56) if not self.compact else self.px(48)
        opts_w = 0 if self.compact else max(self.px(300), min(self.px(420), w // 3))
        left_w = w - 2 * m - (opts_w + m if opts_w else 0)
        error_h = self.px(34) if self.error else 0
        avail = h - top - bh - 2 * m - error_h
        n = max(1, len(self.scenario.roles))
        row_h = max(self.px(40), min(self.px(60), avail // n))
        self.entries = {}
        self.rows = []
        label_w = left_w * 11 // 20
        y = top
        for role in self.scenario.roles.values():
            rect = pygame.Rect(m, y, label_w, row_h - self.px(8))
            self.rows.append((rect, role))
            entry = pygame_gui.elements.UITextEntryLine(
                pygame.Rect(m + label_w + self.px(10), y, left_w - label_w - self.px(10),
                            row_h - self.px(8)),
                manager=self.manager, placeholder_text=self.t("setup.name_placeholder"),
            )
            entry.set_text_length_limit(MAX_NAME)
            entry.set_text(self.names.get(role.id, ""))
            self.entries[role.id] = entry
            y += row_h
        if self.error:
            self.label((m, y + self.px(2), left_w, error_h), self.error, "error")
        if opts_w:
            self._options(pygame.Rect(w - m - opts_w, top, opts_w, h - top - m))
        by = h - m - bh
        back_w = min(self.px(180), left_w // 4)
        self.button((m, by, back_w, bh), self.t("common.back"), self.back)
        start_w = min(self.px(260), left_w // 2)
        if self.compact:
            self.button((m + back_w + self.px(10), by, left_w - back_w - start_w - self.px(20), bh),
                        self.t("menu.settings"), self.settings)
        self.button((m + left_w - start_w, by, start_w, bh), self.t("setup.start"), self.start,
                    kind="primary")
        first_empty = next((e for e in self.entries.values() if not e.get_text()), None)
        if first_empty is not None:
            first_empty.focus()

    def settings(self) -> None:
        """The settings screen (language, timers, voting, font size), back to this set-up."""
        self._collect()
        self.app.nav.settings(back=self)

    def _options(self, r: pygame.Rect) -> None:
        s = self.app.settings
        y = r.y
        bh = self.px(46)
        half = (r.width - self.px(8)) // 2

        def pair(title: str, a: tuple[str, bool, callable], b: tuple[str, bool, callable]) -> None:
            nonlocal y
            self.label((r.x, y, r.width, self.px(30)), title, "muted")
            y += self.px(32)
            for i, (label, on, action) in enumerate((a, b)):
                self.button((r.x + i * (half + self.px(8)), y, half, bh), label, action,
                            kind="toggle_on" if on else None)
            y += bh + self.px(14)

        pair(self.t("setup.language"),
             ("Nederlands", s.lang == "nl", lambda: self._set(lang="nl")),
             ("English", s.lang == "en", lambda: self._set(lang="en")))
        pair(self.t("setup.timer"),
             (self.t("common.on"), s.timers, lambda: self._set(timers=True)),
             (self.t("common.off"), not s.timers, lambda: self._set(timers=False)))
        pair(self.t("setup.votes"),
             (self.t("setup.vote_open"), s.vote_mode == "open",
              lambda: self._set(vote_mode="open")),
             (self.t("setup.vote_secret"), s.vote_mode == "secret",
              lambda: self._set(vote_mode="secret")))
        self.label((r.x, y, r.width, self.px(30)), self.t("setup.font_size"), "muted")
        y += self.px(32)
        third = (r.width - self.px(16)) // 3
        self.button((r.x, y, third, bh), "A −", lambda: self._scale(-1))
        self.label((r.x + third + self.px(8), y, third, bh), f"{s.font_scale}%", "subtitle")
        self.button((r.x + 2 * (third + self.px(8)), y, third, bh), "A +", lambda: self._scale(1))

    # ----- state --------------------------------------------------------------------------

    def _collect(self) -> None:
        for role_id, entry in self.entries.items():
            if entry.alive():
                self.names[role_id] = entry.get_text()

    def _set(self, **changes) -> None:
        self._collect()
        self.app.apply_settings(self.app.settings.with_(**changes))

    def _scale(self, step: int) -> None:
        scales = list(FONT_SCALES)
        current = min(scales, key=lambda v: abs(v - self.app.settings.font_scale))
        i = max(0, min(len(scales) - 1, scales.index(current) + step))
        self._set(font_scale=scales[i])

    def players(self) -> dict[str, str] | None:
        """The role → name mapping, or None (with `error` set) when the team is not complete."""
        self._collect()
        names = {r: " ".join(self.names.get(r, "").split()) for r in self.scenario.roles}
        if any(not n for n in names.values()):
            self.error = self.t("setup.error_missing")
            return None
        distinct = {n.casefold() for n in names.values()}
        if not MIN_PLAYERS <= len(distinct) <= MAX_PLAYERS:
            self.error = self.t("setup.error_count", min=MIN_PLAYERS, max=MAX_PLAYERS)
            return None
        self.error = ""
        return names

    def recheck(self, typing_in=None) -> None:
        """While a validation message shows, check again after each change: once the names
        are right the message goes away (the field being typed in keeps the focus)."""
        players = self.players()
        if players is None and self.error:
            return
        role = next((r for r, e in self.entries.items() if e is typing_in), None)
        self.app.rebuild()
        if role is not None and role in self.entries:
            entry = self.entries[role]
            entry.focus()
            entry.edit_position = len(entry.get_text())
            self.app.manager.set_focus_set(entry)

    # ----- actions ------------------------------------------------------------------------

    def start(self) -> None:
        """Create the session and hand the laptop to the first role for its briefing."""
        players = self.players()
        if players is None:
            self.app.rebuild()
            return
        self.app.nav.start(self.entry.path, self.scenario, players)

    def back(self) -> None:
        """Back to the picker."""
        self.app.nav.picker()

    def handle_event(self, event: pygame.event.Event) -> bool:
        """Keep typed names across rebuilds; Enter in the last field starts."""
        if event.type == pygame_gui.UI_TEXT_ENTRY_CHANGED:
            self._collect()
            if self.error:
                self.recheck(event.ui_element)
            return False
        if event.type == pygame_gui.UI_TEXT_ENTRY_FINISHED:
            self._collect()
            ids = list(self.entries)
            for i, role_id in enumerate(ids):
                if self.entries[role_id] is event.ui_element:
                    if i + 1 < len(ids):
                        self.entries[ids[i + 1]].focus()
                    else:
                        self.app.defer(self.start)
                    return True
        return super().handle_event(event)

    def pre_event(self, event: pygame.event.Event) -> bool:
        """Tab moves between the name fields before the text entry swallows it."""
        if event.type == pygame.KEYDOWN and event.key == pygame.K_TAB:
            focused = [e for e in self.entries.values() if e.is_focused]
            if focused:
                ids = list(self.entries.values())
                i = ids.index(focused[0])
                step = -1 if event.mod & pygame.KMOD_SHIFT else 1
                focused[0].unfocus()
                j = i + step
                if 0 <= j < len(ids):
                    ids[j].focus()
                else:
                    self.focus.move(step)
                self.app.manager.set_focus_set(ids[j] if 0 <= j < len(ids) else None)
                return True
        return False

    def draw_over(self, surface: pygame.Surface) -> None:
        """Role rows: badge, role name, academy."""
        super().draw_over(surface)
        for rect, role in self.rows:
            draw_role_row(self, surface, rect, role, stacked=True)

    def wake_interval(self) -> float | None:
        """Blink the text cursor."""
        return 0.5

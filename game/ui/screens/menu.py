"""The Esc menu (continue, settings, save and stop, back to the start) and the settings screen."""

from __future__ import annotations

import pygame
import pygame_gui

from game.ui.screens.base import Screen
from game.ui.theme import FONT_SCALES
from game.ui.widgets import text_size


class MenuScreen(Screen):
    """Esc: a calm list of big buttons; the game behind it is paused (its clock stands still).

    The items are one list (`items`), so another part of the game can add one line."""

    name = "menu"
    pauses_game = True

    def __init__(self, app, back: Screen | None = None) -> None:
        super().__init__(app)
        self.back_to = back

    def layout(self) -> None:
        w, h = self.app.size
        bw = min(w - self.px(48), self.px(480))
        items = self.items()
        foot = self.px(64) if self.app.game is not None else 0
        title_h = self.px(60)
        gap = self.px(10)
        line = text_size("Ag", scale=self.app.scale, bold=True)[1] + self.px(12)
        # the buttons shrink (never below one line of text) before anything overlaps
        room = h - foot - title_h - self.px(20)
        if len(items) * (line + gap) > room:
            foot = 0  # short of room: the line about where the log is saved goes
            room = h - title_h - self.px(20)
        bh = max(line, min(self.px(60), room // max(1, len(items)) - gap))
        total = len(items) * (bh + gap) + title_h
        y = max(self.px(8), (h - foot - total) // 2)
        x = (w - bw) // 2
        self.label((x, y, bw, title_h - self.px(8)), self.t("menu.title"), "title")
        y += title_h
        for label, action, kind in items:
            self.button((x, y, bw, bh), label, action, kind=kind)
            y += bh + gap
        if foot:
            log_path = self.app.game.session.log_path
            self.label((self.px(24), h - foot, w - self.px(48), foot - self.px(4)),
                       self.t("menu.saved_in", path=str(log_path)), "small", wrap=True)
        self.focus.move(1)

    def items(self) -> list[tuple[str, object, str | None]]:
        """(label, action, button kind) per menu line, top to bottom."""
        items = [(self.t("menu.continue"), self.resume_screen, "primary")]
        if self.app.game is not None:
            items.append((self.t("menu.pause"), self.pause, None))
        items.append((self.t("menu.settings"), self.settings, None))
        if self.app.game is not None:
            items.append((self.t("menu.save_stop"), self.app.game.stop, None))
            items.append((self.t("menu.to_start"), self.to_start, None))
        else:
            items.append((self.t("menu.quit"), lambda: self.app.quit(0), None))
        return items

    def pause(self) -> None:
        """"Pauze": a screen with nothing of the game on it while the teacher talks."""
        self.app.show(PauseScreen(self.app, back=self.back_to))

    def resume_screen(self) -> None:
        """Back to exactly where the team was (a hand-over or briefing stays a hand-over or
        briefing: the screens rebuild from the session's state)."""
        if self.back_to is not None:
            self.app.show(self.back_to)
        elif self.app.game is not None:
            self.app.game.continue_play()
        else:
            self.to_start()

    def settings(self) -> None:
        """The settings screen, returning to this menu."""
        self.app.show(SettingsScreen(self.app, back=self))

    def to_start(self) -> None:
        """Back to the scenario picker (the session stays resumable from its log)."""
        self.app.nav.to_start()

    def on_escape(self) -> None:
        """Esc again closes the menu."""
        self.app.defer(self.resume_screen)


class PauseScreen(Screen):
    """"Pauze" from the menu: the game and its clock stand still; nothing of the game shows."""

    name = "pause"
    pauses_game = True

    def __init__(self, app, back: Screen | None = None) -> None:
        super().__init__(app)
        self.back_to = back

    def layout(self) -> None:
        w, h = self.app.size
        bw = min(w - self.px(48), self.px(420))
        bh = self.px(64)
        y = max(self.px(20), h // 2 - self.px(150))
        self.label((self.px(24), y, w - self.px(48), self.px(80)), self.t("pause.title"), "huge")
        y += self.px(96)
        self.label(((w - self.px(760)) // 2 if w > self.px(800) else self.px(24), y,
                    min(w - self.px(48), self.px(760)), self.px(90)),
                   self.t("pause.text"), "muted", wrap=True)
        y += self.px(110)
        self.button(((w - bw) // 2, y, bw, bh), self.t("menu.continue"), self.resume,
                    kind="primary")
        self.focus.move(1)

    def resume(self) -> None:
        """Back to where the menu was opened from; the clock runs again."""
        if self.back_to is not None:
            self.app.show(self.back_to)
        elif self.app.game is not None:
            self.app.game.continue_play()

    def on_escape(self) -> None:
        """Esc also ends the pause."""
        self.app.defer(self.resume)


class SettingsScreen(Screen):
    """Language, font size, contrast, fullscreen, timers and the voting mode."""

    name = "settings"
    pauses_game = True  # opened from the menu (or before a game): time stands still

    def __init__(self, app, back: Screen) -> None:
        super().__init__(app)
        self.back_to = back
        self.home_entry: pygame_gui.elements.UITextEntryLine | None = None
        self.typed: str | None = None  # the home page as typed, not yet kept
        self.scroller: pygame_gui.elements.UIScrollingContainer | None = None

    def layout(self) -> None:
        w, h = self.app.size
        s = self.app.settings
        roomy = h * 100 / self.app.scale >= 600 and w * 100 / self.app.scale >= 1000
        m = self.px(32) if roomy else self.px(12)
        done_w, done_h = self.px(240), self.px(56)
        self.label((m, m, w - 3 * m - done_w, self.px(48)), self.t("menu.settings"), "title")
        top = m + self.px(60)
        keys_h = self.px(60) if roomy else 0  # the key list is left out when space is short
        bottom = h - m - (done_h + keys_h + self.px(10) if roomy else 0)
        rows = self.rows()
        n = len(rows) + 1  # and the xAPI home page
        line = text_size("Ag", scale=self.app.scale)[1] + self.px(6)
        gap = self.px(10)
        bh = max(line, min(self.px(48), (bottom - top) // n - gap))
        if n * (bh + gap) - gap > bottom - top:
            gap = self.px(4)  # closer rows before anything scrolls
        total = n * (bh + gap) - gap
        # every row stays reachable: when they do not fit (a small window at 200 %), they
        # scroll in a box; the keyboard focus scrolls it too
        self.scroller = None
        container, x0, y, width = None, m, top, w - 2 * m
        if total > bottom - top:
            self.scroller = pygame_gui.elements.UIScrollingContainer(
                pygame.Rect(m, top, w - 2 * m, bottom - top), manager=self.manager,
                allow_scroll_x=False)
            width = w - 2 * m - self.px(20)  # room for the scroll bar
            self.scroller.set_scrollable_area_dimensions((width, total))
            container, x0, y = self.scroller, 0, 0
        label_w = min(self.px(300), w // 3)
        bw = min(self.px(200), (width - label_w) // max(2, len(FONT_SCALES)) * 2)
        for title, options in rows:
            self.label((x0, y, label_w, bh), title, container=container)
            x = x0 + label_w
            bw_row = min(bw, (width - label_w) // len(options) - self.px(8))
            for label, on, action in options:
                self.button((x, y, bw_row, bh), label, action, kind="toggle_on" if on else None,
                            container=container)
                x += bw_row + self.px(8)
            y += bh + gap
        # the school's home page for the xAPI accounts of exported statements (kept on "Klaar")
        self.label((x0, y, label_w, bh), self.t("settings.xapi_home"), container=container)
        entry_w = min(self.px(560), width - label_w)
        hint = self.t("settings.xapi_placeholder")
        if text_size(hint, scale=self.app.scale)[0] > entry_w - self.px(16):
            hint = self.t("settings.xapi_placeholder_short")  # the example address only
        self.home_entry = pygame_gui.elements.UITextEntryLine(
            pygame.Rect(x0 + label_w, y, entry_w, bh), manager=self.manager,
            container=container, placeholder_text=hint)
        self.home_entry.set_text(self.typed if self.typed is not None else s.xapi_home)
        self.focus.add(self.home_entry, self.home_entry.focus)
        if keys_h:
            self.label((m, h - m - done_h - keys_h, w - 2 * m, keys_h), self.t("settings.keys"),
                       "small", wrap=True)
            done_y = h - m - done_h
        else:
            done_y = m  # short of space: "Klaar" goes beside the title
        self.button((w - m - done_w, done_y, done_w, done_h), self.t("common.done"), self.done,
                    kind="primary")

    def rows(self) -> list[tuple[str, list[tuple[str, bool, object]]]]:
        """(title, [(label, on, action)]) per row of toggles, top to bottom."""
        s = self.app.settings
        t = self.t
        return [
            (t("setup.language"), [("Nederlands", s.lang == "nl", lambda: self._set(lang="nl")),
                                   ("English", s.lang == "en", lambda: self._set(lang="en"))]),
            (t("setup.font_size"), [(f"{v}%", s.font_scale == v,
                                     lambda v=v: self._set(font_scale=v)) for v in FONT_SCALES]),
            (t("settings.contrast"), [
                (t("common.normal"), not s.high_contrast, lambda: self._set(high_contrast=False)),
                (t("settings.high"), s.high_contrast, lambda: self._set(high_contrast=True))]),
            (t("settings.fullscreen"), [
                (t("common.off"), not s.fullscreen, lambda: self._set(fullscreen=False)),
                (t("common.on"), s.fullscreen, lambda: self._set(fullscreen=True))]),
            (t("setup.timer"), [(t("common.on"), s.timers, lambda: self._set(timers=True)),
                                (t("common.off"), not s.timers, lambda: self._set(timers=False))]),
            (t("setup.votes"), [
                (t("setup.vote_open"), s.vote_mode == "open", lambda: self._set(vote_mode="open")),
                (t("setup.vote_secret"), s.vote_mode == "secret",
                 lambda: self._set(vote_mode="secret"))]),
        ]

    def on_focus(self, target: object) -> None:
        """A row reached with Tab scrolls into view when the rows scroll."""
        self.scroll_into_view(self.scroller, target)

    def handle_event(self, event: pygame.event.Event) -> bool:
        """Typing in the home page field is kept over a rebuild (another setting clicked)."""
        if event.type == pygame_gui.UI_TEXT_ENTRY_CHANGED and event.ui_element is self.home_entry:
            self.typed = self.home_entry.get_text()
            return True
        return super().handle_event(event)

    def pre_event(self, event: pygame.event.Event) -> bool:
        """Tab leaves the home page field (the text entry would swallow it)."""
        entry = self.home_entry
        if (event.type == pygame.KEYDOWN and event.key == pygame.K_TAB and entry is not None
                and entry.is_focused):
            entry.unfocus()
            self.app.manager.set_focus_set(None)
            self.focus.move(-1 if event.mod & pygame.KMOD_SHIFT else 1)
            self.on_focus(self.focus.items[self.focus.index][0])
            return True
        return False

    def _set(self, **changes) -> None:
        self.app.apply_settings(self.app.settings.with_(**changes))

    def done(self) -> None:
        """Keep a changed xAPI home page, then back to where the settings were opened from."""
        typed = self.home_entry.get_text() if self.home_entry is not None else self.typed
        if typed is not None and typed.strip() != self.app.settings.xapi_home:
            self._set(xapi_home=typed)  # anything but an http(s) URL is the placeholder again
        self.app.show(self.back_to)

    def on_escape(self) -> None:
        """Esc is "done"."""
        self.app.defer(self.done)

"""The game window: one pygame window, one pygame_gui manager, one screen at a time.

The loop is the classic one (handle input, update, draw, flip) with two twists for a
classroom laptop: it waits on events when nothing moves (near-zero CPU while a team talks) and
it redraws only when something changed; while the mouse or keyboard is busy it runs at most
60 frames per second. Screens never block: a screen change or a session move requested by a
button is deferred until the current event has been handled.

Global keys: F11 fullscreen, F5 reload the scenario (authoring loop), Esc the menu.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import time
import warnings
import webbrowser
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

import pygame  # noqa: E402
import pygame_gui  # noqa: E402
from pygame_gui.core.utility import set_default_manager  # noqa: E402

from game.errors import SamenspelError  # noqa: E402
from game.i18n import translate  # noqa: E402
from game.ui import theme  # noqa: E402
from game.ui.navigation import Navigation  # noqa: E402
from game.ui.settings import Settings, load_settings, save_settings  # noqa: E402

log = logging.getLogger(__name__)

FPS = 60
MIN_SIZE = (800, 560)
ACTIVE_AFTER_INPUT = 0.35  # seconds of full frame rate after input, for hover and focus changes
IDLE_WAKE = 1.0  # seconds between idle wake-ups when no screen asks for more
#: Seconds after every screen change (a new scene, a hand-over, a vote counted) during which
#: key presses, clicks and typed text are dropped: a double press or an extra key meant for the
#: previous screen must not act on the next one (a private briefing, another scene's vote).
INPUT_GUARD = 0.5
#: A press dropped by the guard keeps it up this much longer: a burst of presses (a bouncing
#: key, a student hammering "1") is dropped whole, not cut off after INPUT_GUARD.
BURST_GAP = 0.3
#: The input the guard drops; window events (close, resize, expose) always go through.
GUARDED_EVENTS = (pygame.KEYDOWN, pygame.KEYUP, pygame.MOUSEBUTTONDOWN, pygame.MOUSEBUTTONUP,
                  pygame.TEXTINPUT, pygame.MOUSEWHEEL)
TRANSLATIONS = str(Path(__file__).resolve().parent / "translations")


def open_with_system(path: Path) -> bool:
    """Open a file or folder the way a double click would: the default browser for an HTML
    report (`webbrowser`), the file manager for a folder (`xdg-open`, `open`, `os.startfile`)."""
    path = Path(path)
    try:
        if path.is_file() and path.suffix in (".html", ".htm"):
            return webbrowser.open(path.resolve().as_uri())
        if sys.platform.startswith("win"):
            os.startfile(str(path))  # noqa: S606 - a path the window itself wrote
            return True
        opener = "open" if sys.platform == "darwin" else "xdg-open"
        subprocess.Popen([opener, str(path)], stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL)
        return True
    except (OSError, webbrowser.Error) as exc:
        log.warning("could not open %s: %s", path, exc)
        return False


class DisplayError(SamenspelError, RuntimeError):
    """SDL could not open a window here (no display, no video driver)."""


class App:
    """The running window: owns the display, the GUI manager, the settings and the screen.

    `logs_dir`, `scenario_folders` and `persist_settings` exist for tests and screenshots, so
    they never touch the user's real folders.
    """

    def __init__(
        self,
        settings: Settings | None = None,
        size: tuple[int, int] = (1280, 720),
        *,
        logs_dir: Path | None = None,
        scenario_folders: list[Path] | None = None,
        persist_settings: bool = True,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        try:
            pygame.display.init()
            pygame.font.init()
            self.window = pygame.display.set_mode(size, pygame.RESIZABLE)
        except pygame.error as exc:
            raise DisplayError(str(exc)) from exc
        self.persist_settings = persist_settings
        chosen = settings or (load_settings() if persist_settings else Settings())
        self.settings = chosen.normalised()
        self.logs_dir = logs_dir
        self.scenario_folders = list(scenario_folders or [])
        self.clock_fn = clock  # real time: input guard, hold, frame pacing
        self._paused_at: float | None = None
        self._paused_total = 0.0
        pygame.display.set_caption("Samenspel")
        self._windowed_size = size
        self._set_icon()
        self.manager: pygame_gui.UIManager | None = None
        self._make_manager()
        self.screen = None
        self.game = None  # the Game controller once a scenario is chosen (game.ui.flow)
        self.nav = Navigation(self)  # how screens move on without importing each other
        self._deferred: list[Callable[[], None]] = []
        self.dirty = True
        self.running = True
        self.exit_code = 0
        self.frame_clock = pygame.time.Clock()
        self.active_until = 0.0
        self.input_blocked_until = 0.0  # see INPUT_GUARD
        self.frames_drawn = 0

    # ----- set-up -------------------------------------------------------------------------

    def _set_icon(self) -> None:
        """A small window icon drawn in code (two overlapping role colours)."""
        icon = pygame.Surface((32, 32), pygame.SRCALPHA)
        pygame.draw.circle(icon, theme.hex_to_rgb("#2a9d8f"), (12, 16), 10)
        pygame.draw.circle(icon, theme.hex_to_rgb("#f4a261"), (20, 16), 10)
        pygame.display.set_icon(icon)

    def _make_manager(self) -> None:
        """A fresh pygame_gui manager for the current font scale, contrast and language."""
        data = theme.build_theme(self.settings.font_scale, self.settings.high_contrast)
        manager = pygame_gui.UIManager(
            self.window.get_size(),
            theme_path=data,
            enable_live_theme_updates=False,
            starting_language=self.settings.lang,
            translation_directory_paths=[TRANSLATIONS],
        )
        set_default_manager(manager)
        manager.preload_fonts(
            [
                {"name": theme.FONT_NAME,
                 "point_size": theme.font_size(kind, self.settings.font_scale), "style": style}
                for kind in ("body", "small")
                for style in ("italic",)  # bold is already loaded by the theme
            ]
        )
        self.manager = manager

    # ----- what screens use ---------------------------------------------------------------

    @property
    def size(self) -> tuple[int, int]:
        """The window's current size in pixels."""
        return self.window.get_size()

    @property
    def scale(self) -> int:
        """The font scale in percent."""
        return self.settings.font_scale

    @property
    def palette(self) -> theme.Palette:
        """The colours for custom drawing in the current theme."""
        return theme.palette(self.settings.high_contrast)

    @property
    def lang(self) -> str:
        """The interface language."""
        return self.settings.lang

    def game_clock(self) -> float:
        """The sessions' clock: real time minus the time the game was paused (menu, "Pauze"),
        so a scene's timer stands still while the menu is open."""
        now = self._paused_at if self._paused_at is not None else self.clock_fn()
        return now - self._paused_total

    @property
    def paused(self) -> bool:
        """True while the game's clock stands still."""
        return self._paused_at is not None

    def _set_paused(self, paused: bool) -> None:
        if paused and self._paused_at is None:
            self._paused_at = self.clock_fn()
        elif not paused and self._paused_at is not None:
            self._paused_total += self.clock_fn() - self._paused_at
            self._paused_at = None

    def px(self, value: float) -> int:
        """A length in pixels at 100 %, scaled with the font setting."""
        return round(value * self.settings.font_scale / 100)

    def t(self, key: str, **values: object) -> str:
        """A UI string (`ui.<key>`) in the interface language."""
        return translate(f"ui.{key}", self.lang, **values)

    def defer(self, action: Callable[[], None]) -> None:
        """Run an action after the current event (screen changes must not happen mid-event)."""
        self._deferred.append(action)

    def show(self, screen) -> None:
        """Replace the current screen and build it."""
        if self.screen is not None:
            self.screen.leave()
        self.manager.clear_and_reset()
        pygame.key.set_repeat(0)  # a held key must not repeat into the next screen
        self.screen = screen
        self._set_paused(getattr(screen, "pauses_game", False))
        screen.build()
        self.dirty = True
        self.input_blocked_until = self.clock_fn() + INPUT_GUARD
        log.debug("screen %s", type(screen).__name__)

    def rebuild(self) -> None:
        """Lay the current screen out again (window resized, language switched)."""
        self.manager.set_window_resolution(self.window.get_size())
        self.manager.clear_and_reset()
        if self.screen is not None:
            self.screen.build()
        self.dirty = True

    def apply_settings(self, new: Settings) -> None:
        """Switch settings; the theme is rebuilt only when scale or contrast changed."""
        new = new.normalised()
        old = self.settings
        self.settings = new
        if (old.font_scale, old.high_contrast) != (new.font_scale, new.high_contrast):
            self._make_manager()
        elif old.lang != new.lang:
            self.manager.set_locale(new.lang)
        if old.fullscreen != new.fullscreen:
            self._apply_fullscreen()
        if self.persist_settings:
            save_settings(new)
        self.rebuild()

    def zoom(self, key: int) -> None:
        """Ctrl + / Ctrl − / Ctrl 0: the font scale one step up, down, or back to 100 %."""
        scales = list(theme.FONT_SCALES)
        current = min(scales, key=lambda v: abs(v - self.settings.font_scale))
        if key == pygame.K_0:
            target = 100
        else:
            step = -1 if key in (pygame.K_MINUS, pygame.K_KP_MINUS) else 1
            target = scales[max(0, min(len(scales) - 1, scales.index(current) + step))]
        if target != self.settings.font_scale:
            self.apply_settings(self.settings.with_(font_scale=target))

    def toggle_fullscreen(self) -> None:
        """F11: fullscreen on/off, remembered in the settings."""
        self.apply_settings(self.settings.with_(fullscreen=not self.settings.fullscreen))

    def _apply_fullscreen(self) -> None:
        """Full screen as a borderless window of the desktop's size at (0, 0).

        SDL's FULLSCREEN mode keeps the window where it was when no window manager places it
        (a bare X server, some projector set-ups): it stayed 40 px down and the bottom buttons
        fell off. A borderless window moved to the top-left corner fits everywhere."""
        if self.settings.fullscreen:
            self._windowed_size = self.window.get_size()
            desktop = pygame.display.get_desktop_sizes()[0]
            self.window = pygame.display.set_mode(desktop, pygame.NOFRAME)
            self._window_handle().position = (0, 0)
        else:
            self.window = pygame.display.set_mode(self._windowed_size, pygame.RESIZABLE)

    @staticmethod
    def _window_handle() -> pygame.Window:
        """The display module's window as a `pygame.Window` (to place it)."""
        with warnings.catch_warnings():  # the display module is still how this app draws
            warnings.simplefilter("ignore", DeprecationWarning)
            return pygame.Window.from_display_module()

    def resize(self, size: tuple[int, int]) -> None:
        """Resize the window (also what a window-manager resize does) and reflow."""
        size = (max(MIN_SIZE[0], size[0]), max(MIN_SIZE[1], size[1]))
        if size != self.window.get_size():
            self.window = pygame.display.set_mode(size, pygame.RESIZABLE)
        self.rebuild()

    def open_path(self, path: Path) -> bool:
        """Open a file in the platform's default program (a report in the browser) or a folder
        in the file manager; False (and a log line) when the platform cannot."""
        return open_with_system(path)

    def quit(self, code: int = 0) -> None:
        """Close the window at the end of this frame."""
        self.exit_code = code
        self.running = False

    # ----- the loop -----------------------------------------------------------------------

    def _handle_global(self, event: pygame.event.Event) -> bool:
        """Window-level events and keys; True when used."""
        if event.type == pygame.QUIT:
            if self.screen is not None:
                self.screen.on_quit()
            self.quit(0)
            return True
        if event.type == pygame.VIDEORESIZE and not self.settings.fullscreen:
            self.resize((event.w, event.h))
            return True
        if event.type == pygame.KEYDOWN:
            if event.key == pygame.K_F11:
                self.toggle_fullscreen()
                return True
            if event.key == pygame.K_F5 and self.game is not None:
                self.game.reload()
                return True
            if event.mod & pygame.KMOD_CTRL and event.key in (pygame.K_PLUS, pygame.K_EQUALS,
                                                              pygame.K_KP_PLUS, pygame.K_MINUS,
                                                              pygame.K_KP_MINUS, pygame.K_0):
                self.zoom(event.key)
                return True
        return False

    def handle(self, event: pygame.event.Event) -> None:
        """One event through the global keys, the GUI, then the screen."""
        if event.type in (pygame.MOUSEMOTION, pygame.MOUSEBUTTONDOWN, pygame.MOUSEBUTTONUP,
                          pygame.KEYDOWN, pygame.KEYUP, pygame.TEXTINPUT, pygame.MOUSEWHEEL,
                          pygame.WINDOWEXPOSED, pygame.VIDEOEXPOSE, pygame.WINDOWFOCUSGAINED):
            self.dirty = True
            self.active_until = self.clock_fn() + ACTIVE_AFTER_INPUT
        if event.type in GUARDED_EVENTS and self.clock_fn() < self.input_blocked_until:
            if event.type in (pygame.KEYDOWN, pygame.MOUSEBUTTONDOWN):
                self.input_blocked_until = max(self.input_blocked_until,
                                               self.clock_fn() + BURST_GAP)
            log.debug("input dropped by the screen-change guard: %s", pygame.event.event_name(
                event.type))
            return
        if self._handle_global(event):
            return
        if self.screen is not None and self.screen.pre_event(event):
            return
        used = self.manager.process_events(event)
        if event.type >= pygame.USEREVENT:  # pygame_gui's own events (button pressed, ...)
            self.dirty = True
        if self.screen is None:
            return
        if used and event.type == pygame.KEYDOWN:
            return
        if event.type == pygame.KEYDOWN and event.key == pygame.K_ESCAPE:
            self.screen.on_escape()
            return
        self.screen.handle_event(event)

    def _run_deferred(self) -> None:
        while self._deferred:
            action = self._deferred.pop(0)
            action()
            self.dirty = True

    def draw(self) -> None:
        """Draw the whole frame: background, the screen's own drawing, widgets, overlays."""
        surface = self.window
        surface.fill(theme.hex_to_rgb(self.palette.background))
        if self.screen is not None:
            self.screen.draw(surface)
        self.manager.draw_ui(surface)
        if self.screen is not None:
            self.screen.draw_over(surface)
        pygame.display.flip()
        self.frames_drawn += 1

    def step(self, block: bool = False) -> bool:
        """One pass of the loop; with `block` it sleeps until an event or a wake-up is due.

        Returns False once the window should close.
        """
        now = self.clock_fn()
        if block and not self.dirty and not self._deferred and now >= self.active_until:
            wake = self.screen.wake_interval() if self.screen is not None else None
            first = pygame.event.wait(round(1000 * (wake or IDLE_WAKE)))
            events = [first] if first.type != pygame.NOEVENT else []
            events += pygame.event.get()
        else:
            events = pygame.event.get()
        dt = self.frame_clock.tick(FPS if block else 0) / 1000
        for event in events:
            self.handle(event)
            self._run_deferred()
            if not self.running:
                return False
        if self.screen is not None and self.screen.update(dt):
            self.dirty = True
        self._run_deferred()
        # pygame_gui sorts new widgets into its draw list in update(): run it after the
        # screen's own update, so a screen built without input (a list that finished loading,
        # a timer that ran out) is drawn complete in this frame, not at the next mouse move
        self.manager.update(dt)
        if self.dirty or self.clock_fn() < self.active_until:
            self.draw()
            self.dirty = False
        return self.running

    def run(self) -> int:
        """Run until the window closes; the exit code."""
        try:
            while self.step(block=True):
                pass
        finally:
            if self.screen is not None:
                self.screen.leave()
            if self.game is not None:
                self.game.session.close()  # every move is already on disk; release the file
            pygame.display.quit()
        return self.exit_code

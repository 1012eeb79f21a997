"""Drive the window with real input events: clicks, keys and typed text, as a player would.

Used by the UI tests and the window benchmark. Every helper posts ordinary pygame events into
the queue and runs the app loop until they are handled, so the code under test is exactly the
code a class uses (pygame_gui hit-testing, focus, the screen's key handling, the deferred
actions). Nothing here calls a screen method directly.

Time is real too: the window drops input for a moment after every screen change (see
`game.ui.app.INPUT_GUARD`), so each action first lets `pace` seconds pass on the window's
clock, as a person who reads the screen would. Tests that need a careless player use
`wait(0.12)` between presses or `Driver(app, pace=0.15)`. With a test clock (one with
`advance`) the time is moved by hand; with the real clock the driver sleeps.
"""

from __future__ import annotations

import time

import pygame
import pygame_gui

from game.ui.widgets import ChoiceButton


class Driver:
    """Posts events to a running `App` and steps its loop."""

    #: seconds a person takes between two deliberate actions (reading the new screen)
    HUMAN_PACE = 0.7

    def __init__(self, app, pace: float = HUMAN_PACE) -> None:
        self.app = app
        self.pace = pace

    def wait(self, seconds: float) -> None:
        """Let time pass on the window's clock, then run the loop once."""
        clock = self.app.clock_fn
        if hasattr(clock, "advance"):
            clock.advance(seconds)
        else:
            time.sleep(seconds)
        self.settle(1)

    def _before_action(self) -> None:
        if self.pace:
            self.wait(self.pace)

    def settle(self, frames: int = 4) -> None:
        """Run a few loop passes so posted events and the actions they defer are done."""
        for _ in range(frames):
            self.app.step()

    # ----- low level ----------------------------------------------------------------------

    def click_at(self, pos: tuple[int, int]) -> None:
        """A left click (move, press, release) at a window position."""
        self._before_action()
        pos = (int(pos[0]), int(pos[1]))
        pygame.event.post(pygame.event.Event(pygame.MOUSEMOTION, pos=pos, rel=(0, 0),
                                             buttons=(0, 0, 0)))
        self.settle(1)
        pygame.event.post(pygame.event.Event(pygame.MOUSEBUTTONDOWN, pos=pos, button=1))
        self.settle(1)
        pygame.event.post(pygame.event.Event(pygame.MOUSEBUTTONUP, pos=pos, button=1))
        self.settle()

    def key(self, key: int, mod: int = 0, unicode: str = "") -> None:
        """Press and release a key."""
        self._before_action()
        pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=key, mod=mod, unicode=unicode,
                                             scancode=0))
        pygame.event.post(pygame.event.Event(pygame.KEYUP, key=key, mod=mod, unicode=unicode,
                                             scancode=0))
        self.settle()

    def hold(self, key: int = pygame.K_RETURN, seconds: float = 1.0) -> None:
        """Hold a key down for `seconds` (leaving a hand-over), in small steps of time."""
        self._before_action()
        pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=key, mod=0, unicode="",
                                             scancode=0))
        self.settle(1)
        steps = max(1, round(seconds / 0.05))
        for _ in range(steps):
            self.wait(seconds / steps)
        pygame.event.post(pygame.event.Event(pygame.KEYUP, key=key, mod=0, unicode="",
                                             scancode=0))
        self.settle()

    def hand_over(self) -> None:
        """The student who received the laptop holds Enter to leave the hand-over screen."""
        assert self.app.screen.name == "handover", self.app.screen.name
        self.hold(pygame.K_RETURN)

    def type_text(self, value: str) -> None:
        """Type text into the focused field (SDL's TEXTINPUT events)."""
        self._before_action()
        for ch in value:
            pygame.event.post(pygame.event.Event(pygame.TEXTINPUT, text=ch))
        self.settle()

    def resize(self, w: int, h: int) -> None:
        """What the window manager sends when the user drags the window edge."""
        pygame.event.post(pygame.event.Event(pygame.VIDEORESIZE, w=w, h=h, size=(w, h)))
        self.settle()

    # ----- finding things on screen -------------------------------------------------------

    def buttons(self) -> list[pygame_gui.elements.UIButton]:
        """Every visible pygame_gui button of the current screen."""
        return [e for e in self.app.manager.get_sprite_group().sprites()
                if isinstance(e, pygame_gui.elements.UIButton) and e.visible]

    def button(self, text: str) -> pygame_gui.elements.UIButton:
        """The visible button whose label equals (or, failing that, contains) `text`.

        Waits a few frames for it, as a player would (a list may still be loading)."""
        for _ in range(10):
            buttons = self.buttons()
            for b in buttons:
                if b.text == text:
                    return b
            for b in buttons:
                if text in b.text:
                    return b
            self.settle(1)
        raise LookupError(
            f"no button {text!r} on {self.app.screen.name}: {[b.text for b in buttons]}")

    def click(self, text: str) -> None:
        """Click the button with that label, scrolling its list first if it is out of view."""
        self.scroll_to(text)
        self.click_at(self.button(text).rect.center)

    def scroll_to(self, text: str, steps: int = 40) -> None:
        """Move the scroll bar of the list that holds the button, step by step, until the
        whole button is in view, as a player scrolls the scenario list to a case further down.

        (The bar is moved, not the wheel: pygame_gui scrolls on the wheel only under the real
        mouse pointer, which posted events do not move under the dummy video driver.)"""
        button = self.button(text)
        lists = [e for e in self.app.manager.get_sprite_group().sprites()
                 if isinstance(e, pygame_gui.elements.UIScrollingContainer)
                 and e.get_container() is button.ui_container]
        bar = getattr(lists[0], "vert_scroll_bar", None) if lists else None
        if bar is None:
            return
        view = lists[0]
        for _ in range(steps):
            button = self.button(text)
            if view.rect.contains(button.rect):
                return
            down = button.rect.bottom > view.rect.bottom
            share = bar.start_percentage + (0.05 if down else -0.05)
            bar.set_scroll_from_start_percentage(max(0.0, min(1.0, share)))
            self.settle(1)
        raise LookupError(f"button {text!r} stays out of view of its list")

    def choices(self) -> list[ChoiceButton]:
        """The large choice buttons of the current screen."""
        return list(self.app.screen.choices)

    def click_choice(self, label: str) -> None:
        """Click the choice button whose text contains `label`."""
        for c in self.choices():
            if label in c.label:
                self.click_at(c.rect.center)
                return
        raise LookupError(f"no choice {label!r}: {[c.label for c in self.choices()]}")

    def key_choice(self, label: str) -> None:
        """Press the number key of the choice button whose text contains `label`.

        The shown order of choices is shuffled per session, so a test names the choice and
        the key is looked up, as a player reads the number off the screen.
        """
        for c in self.choices():
            if label in c.label:
                self.key(pygame.K_0 + c.number)
                return
        raise LookupError(f"no choice {label!r}: {[c.label for c in self.choices()]}")

    def entries(self) -> list[pygame_gui.elements.UITextEntryLine]:
        """The text fields of the current screen, top to bottom."""
        found = [e for e in self.app.manager.get_sprite_group().sprites()
                 if isinstance(e, pygame_gui.elements.UITextEntryLine)]
        return sorted(found, key=lambda e: e.rect.y)

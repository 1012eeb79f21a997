"""Drive the window with real input events: clicks, keys and typed text, as a player would.

Used by the UI tests and the window benchmark. Every helper posts ordinary pygame events into
the queue and runs the app loop until they are handled, so the code under test is exactly the
code a class uses (pygame_gui hit-testing, focus, the screen's key handling, the deferred
actions). Nothing here calls a screen method directly.
"""

from __future__ import annotations

import pygame
import pygame_gui

from game.ui.widgets import ChoiceButton


class Driver:
    """Posts events to a running `App` and steps its loop."""

    def __init__(self, app) -> None:
        self.app = app

    def settle(self, frames: int = 4) -> None:
        """Run a few loop passes so posted events and the actions they defer are done."""
        for _ in range(frames):
            self.app.step()

    # ----- low level ----------------------------------------------------------------------

    def click_at(self, pos: tuple[int, int]) -> None:
        """A left click (move, press, release) at a window position."""
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
        pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=key, mod=mod, unicode=unicode,
                                             scancode=0))
        pygame.event.post(pygame.event.Event(pygame.KEYUP, key=key, mod=mod, unicode=unicode,
                                             scancode=0))
        self.settle()

    def type_text(self, value: str) -> None:
        """Type text into the focused field (SDL's TEXTINPUT events)."""
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
        """Click the button with that label."""
        self.click_at(self.button(text).rect.center)

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

    def entries(self) -> list[pygame_gui.elements.UITextEntryLine]:
        """The text fields of the current screen, top to bottom."""
        found = [e for e in self.app.manager.get_sprite_group().sprites()
                 if isinstance(e, pygame_gui.elements.UITextEntryLine)]
        return sorted(found, key=lambda e: e.rect.y)

"""Things the screens draw themselves: role badges, meters, wrapped text, large choice buttons.

pygame_gui covers ordinary buttons, text entries, drop-downs and scrolling text; these
widgets cover what it does not do well: multi-line choice buttons with a key number, portrait
badges in a role's colour, and horizontal meters. All sizes follow the font scale; all
colours come from the active `Palette`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache

import pygame

from game.ui.theme import Palette, font_path, font_size, hex_to_rgb, text_on

#: Background of a hovered choice and of a selected (chosen) one in the normal theme: clearly
#: apart, so "the mouse is here" never looks like "this one is chosen".
HOVER_BG = "#f0f3f7"
SELECTED_BG = "#cfe0f3"


@lru_cache(maxsize=64)
def font(kind: str, scale: int, bold: bool = False) -> pygame.font.Font:
    """A Noto Sans font of a text kind (body, title, ...) at a scale, cached."""
    return pygame.font.Font(font_path("bold" if bold else "regular"), font_size(kind, scale))


def font_line(scale: int, kind: str = "body") -> int:
    """The line height of a text kind at a scale."""
    return font(kind, scale).get_linesize()


def rgb(colour: str) -> tuple[int, int, int]:
    """A palette colour as an RGB tuple for pygame drawing."""
    return hex_to_rgb(colour)


#: A word and what joins it to the word before: a space, or nothing after a hyphen
#: ("ouder-kindgesprek" may break after "ouder-").
_PIECE = re.compile(r"(\s*)([^\s-]*-+(?=[^\s-])|\S+)")


def _hyphenate(word: str, f: pygame.font.Font, width: int) -> list[str]:
    """A word wider than `width` in pieces that fit, each but the last ending in a hyphen."""
    pieces = []
    while len(word) > 1 and f.size(word)[0] > width:
        cut = len(word) - 1
        while cut > 1 and f.size(word[:cut] + "-")[0] > width:
            cut -= 1
        pieces.append(word[:cut] + "-")
        word = word[cut:]
    return pieces + [word]


def wrap_text(value: str, f: pygame.font.Font, width: int) -> list[str]:
    """Text broken into lines of at most `width` pixels in font `f`, only at spaces and after
    hyphens; a single word wider than the line is hyphenated (never cut without a hyphen).

    pygame's own wrapping (`Font.render(..., wraplength)`) breaks a long word anywhere
    ("Slaapdagboe" / "k" in a narrow column at 200 %): every wrapped text goes through here."""
    lines: list[str] = []
    for para in value.split("\n"):
        line = ""
        for glue, word in _PIECE.findall(para):
            glue = " " if glue else ""
            candidate = f"{line}{glue}{word}" if line else word
            if f.size(candidate)[0] <= width:
                line = candidate
                continue
            if line:
                lines.append(line)
            *full, line = _hyphenate(word, f, width)
            lines.extend(full)
        lines.append(line)
    return lines


@lru_cache(maxsize=512)
def _render(text: str, kind: str, scale: int, bold: bool, colour: str,
            width: int) -> pygame.Surface:
    """Rendered (and wrapped, when width > 0) text, cached: static screens redraw cheaply.

    Noto Sans has no arrow glyphs: arrows are drawn as "->" and "<-", never as empty boxes."""
    text = text.replace("→", "->").replace("←", "<-")
    f = font(kind, scale, bold)
    if width <= 0:  # wraplength 0: breaks only at newlines
        return f.render(text, True, rgb(colour), None, 0)
    lines = wrap_text(text, f, width)
    if len(lines) == 1:
        return f.render(lines[0], True, rgb(colour))
    # like pygame's wrapped text: the wrap width wide, one line height per line
    step = f.get_linesize()
    surface = pygame.Surface((width, step * len(lines)), pygame.SRCALPHA)
    for i, line in enumerate(lines):
        if line:
            surface.blit(f.render(line, True, rgb(colour)), (0, i * step))
    return surface


def text(
    surface: pygame.Surface,
    value: str,
    pos: tuple[int, int],
    *,
    kind: str = "body",
    scale: int = 100,
    colour: str = "#000000",
    bold: bool = False,
    width: int = 0,
    anchor: str = "topleft",
) -> pygame.Rect:
    """Draw text (wrapped to `width` when given) and return the rectangle it took."""
    img = _render(value, kind, scale, bold, colour, width)
    rect = img.get_rect(**{anchor: pos})
    surface.blit(img, rect)
    return rect


def text_size(value: str, *, kind: str = "body", scale: int = 100, bold: bool = False,
              width: int = 0):
    """The (w, h) that `text` would take, without drawing."""
    return _render(value, kind, scale, bold, "#000000", width).get_size()


def wrap_lines(value: str, kind: str, scale: int, bold: bool, width: int) -> list[str]:
    """The text broken into lines of at most `width` pixels, at spaces and hyphens (for text
    that is drawn centred line by line)."""
    return wrap_text(value, font(kind, scale, bold), width)


def ellipsize(value: str, kind: str, scale: int, bold: bool, width: int) -> str:
    """The text, cut with "…" so that it fits in `width` pixels on one line."""
    if width <= 0:
        return ""
    shown = value
    while len(shown) > 1 and text_size(shown, kind=kind, scale=scale, bold=bold)[0] > width:
        shown = shown[:-2].rstrip() + "…"
    return shown


def badge(surface: pygame.Surface, center: tuple[int, int], radius: int, colour: str, label: str,
          scale: int = 100, ring: str | None = None) -> None:
    """A round portrait badge: initials on the role colour, black or white by contrast."""
    pygame.draw.circle(surface, rgb(colour), center, radius)
    if ring:
        pygame.draw.circle(surface, rgb(ring), center, radius + max(2, radius // 10),
                           max(2, radius // 10))
    kind = "title"
    if radius < 22 * scale / 100:
        kind = "small"
    elif radius < 34 * scale / 100:
        kind = "body"
    text(surface, label, center, kind=kind, scale=scale, colour=text_on(colour), bold=True,
         anchor="center")


def meter(surface: pygame.Surface, rect: pygame.Rect, fraction: float | None, pal: Palette,
          colour: str | None = None) -> None:
    """A horizontal bar; `fraction` None draws only the frame (a value without a range)."""
    radius = max(2, rect.height // 3)
    pygame.draw.rect(surface, rgb(pal.bar_empty), rect, border_radius=radius)
    if fraction is not None:
        filled = rect.copy()
        filled.width = max(rect.height if fraction > 0 else 0,
                           round(rect.width * min(1, max(0, fraction))))
        if filled.width:
            pygame.draw.rect(surface, rgb(colour or pal.accent), filled, border_radius=radius)
    if pal.high_contrast:
        pygame.draw.rect(surface, rgb(pal.border), rect, 1, border_radius=radius)


@dataclass
class ChoiceButton:
    """A large, multi-line choice button with its key number (1–9) and an optional note."""

    rect: pygame.Rect
    number: int
    label: str
    action: Callable[[], None]
    note: str = ""
    enabled: bool = True
    hovered: bool = False
    focused: bool = False
    selected: bool = False  # chosen (a card picked to share): stays marked while hovering others
    text_rect: pygame.Rect = field(default_factory=pygame.Rect)

    @staticmethod
    def label_kind(label: str, width: int, scale: int) -> str:
        """The text size of a label in a text column `width` wide: the choice size, or a
        smaller one when a word of it would not fit on a line (then, at the smallest size, the
        word is hyphenated)."""
        words = [word for _, word in _PIECE.findall(label)]
        for kind in ("choice", "body"):
            f = font(kind, scale)
            if all(f.size(word)[0] <= width for word in words):
                return kind
        return "small"

    @staticmethod
    def height_for(label: str, note: str, width: int, scale: int) -> int:
        """The height the button needs for its text at a width."""
        pad = round(14 * scale / 100)
        key_w = round(44 * scale / 100)
        column = width - key_w - 3 * pad
        kind = ChoiceButton.label_kind(label, column, scale)
        _, h = text_size(label, kind=kind, scale=scale, width=column)
        if note:
            h += text_size(note, kind="small", scale=scale, width=width - key_w - 3 * pad)[1]
        return h + 2 * pad

    def draw(self, surface: pygame.Surface, pal: Palette, scale: int) -> None:
        """Draw the button in its current hover/focus/enabled state."""
        pad = round(14 * scale / 100)
        key_w = round(44 * scale / 100)
        # three looks that never mix up: hovered (a faint tint, blue edge), selected (a strong
        # tint, a thick blue edge and a bar on the left), focused (a yellow ring around it)
        bg = pal.surface
        border = pal.border
        width = 3 if pal.high_contrast else 2
        if self.enabled and self.hovered:
            bg = "#1a1a1a" if pal.high_contrast else HOVER_BG
            border = pal.accent
        if self.selected:
            bg = "#333300" if pal.high_contrast else SELECTED_BG
            border = pal.accent
            width = 4
        pygame.draw.rect(surface, rgb(bg), self.rect, border_radius=10)
        pygame.draw.rect(surface, rgb(border), self.rect, width, border_radius=10)
        if self.selected:
            pygame.draw.rect(surface, rgb(pal.accent),
                             (self.rect.x, self.rect.y, round(8 * scale / 100), self.rect.height),
                             border_top_left_radius=10, border_bottom_left_radius=10)
        if self.focused:
            ring = max(3, round(3 * scale / 100))
            pygame.draw.rect(surface, rgb(pal.focus), self.rect.inflate(2 * ring, 2 * ring), ring,
                             border_radius=12)
        key = pygame.Rect(self.rect.x + pad, self.rect.y + pad, key_w, key_w)
        key_bg = pal.accent if self.enabled else pal.bar_empty
        pygame.draw.rect(surface, rgb(key_bg), key, border_radius=8)
        text(surface, str(self.number), key.center, kind="subtitle", scale=scale,
             colour=text_on(key_bg), bold=True, anchor="center")
        tx = key.right + pad
        colour = pal.text if self.enabled else pal.muted
        column = self.rect.right - tx - pad
        r = text(surface, self.label, (tx, self.rect.y + pad),
                 kind=self.label_kind(self.label, column, scale), scale=scale, colour=colour,
                 width=column)
        if self.note:
            text(surface, self.note, (tx, r.bottom), kind="small", scale=scale, colour=pal.muted,
                 width=self.rect.right - tx - pad)


class FocusRing:
    """Keyboard focus over a screen's targets: Tab/arrows move, Enter/Space activates.

    A target is either a pygame_gui button (highlighted with `select()`) or a `ChoiceButton`.
    """

    def __init__(self) -> None:
        self.items: list[tuple[object, Callable[[], None]]] = []
        self.index: int | None = None

    def clear(self) -> None:
        """Forget every target (the screen is being rebuilt)."""
        self.items.clear()
        self.index = None

    def add(self, target: object, action: Callable[[], None]) -> None:
        """Register a target and what activating it does."""
        self.items.append((target, action))

    def _mark(self, on: bool) -> None:
        """Show or hide the focus highlight on the focused target."""
        if self.index is None or not self.items:
            return
        target = self.items[self.index][0]
        if isinstance(target, ChoiceButton):
            target.focused = on
        elif hasattr(target, "select"):  # a pygame_gui button
            if on:
                target.select()
            else:
                target.unselect()
        elif hasattr(target, "focus"):  # a text field: focused, the student types in it
            if on:
                target.focus()
                target.ui_manager.set_focus_set(target)
            else:
                target.unfocus()

    def move(self, step: int) -> None:
        """Move focus forward (+1) or back (-1), wrapping around."""
        if not self.items:
            return
        self._mark(False)
        if self.index is None:
            self.index = 0 if step > 0 else len(self.items) - 1
        else:
            self.index = (self.index + step) % len(self.items)
        self._mark(True)

    def activate(self) -> bool:
        """Run the focused target's action; False when nothing has focus."""
        if self.index is None or not self.items:
            return False
        target, action = self.items[self.index]
        if isinstance(target, ChoiceButton) and not target.enabled:
            return False
        action()
        return True

    def handle_key(self, event: pygame.event.Event) -> bool:
        """Tab / Shift+Tab / arrows / Enter / Space; True when the key was used."""
        if event.key == pygame.K_TAB:
            self.move(-1 if event.mod & pygame.KMOD_SHIFT else 1)
            return True
        if event.key in (pygame.K_DOWN, pygame.K_RIGHT):
            self.move(1)
            return True
        if event.key in (pygame.K_UP, pygame.K_LEFT):
            self.move(-1)
            return True
        if event.key in (pygame.K_RETURN, pygame.K_KP_ENTER, pygame.K_SPACE):
            return self.activate()
        return False

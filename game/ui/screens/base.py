"""The small interface every screen shares, and the helpers to lay one out.

A screen is built from the window size every time (first show, resize, language or font
change), so layouts reflow by construction. Screens hold no game rules: they show what the
`Session` (through `game.ui.flow.Game`) says and pass moves back to it.
"""

from __future__ import annotations

import html
from collections.abc import Callable

import pygame
import pygame_gui
from pygame_gui.core import ObjectID

from game.scenario.template import paragraphs
from game.ui.theme import FIT_ORDER, LABEL_KINDS, role_colour, role_initials
from game.ui.widgets import ChoiceButton, FocusRing, badge, ellipsize, rgb, text, text_size


def esc(value: object) -> str:
    """Text made safe for pygame_gui's HTML-like markup (names and scenario text are data)."""
    # Noto Sans has no arrows: show them as ASCII rather than as empty boxes.
    value = str(value).replace("→", "->").replace("←", "<-")
    return html.escape(value, quote=False).replace("\n", "<br>")


def prose(value: object) -> str:
    """Scenario text (scene, briefing, card, advice, ending) as markup for a text box.

    Single line breaks of the author's YAML are joined so the text reflows with the window
    (`game.scenario.template.paragraphs`); paragraphs are separated by an empty line.
    """
    return "<br><br>".join(esc(para) for para in paragraphs(value))


def severity(app, problem) -> str:
    """A problem's severity as a word in the interface language ("fout", "waarschuwing"); the
    command line keeps the editors' `error:`/`warning:`, the window speaks Dutch."""
    word = app.t(f"severity.{problem.severity}")
    return problem.severity if word.startswith("ui.") else word


def problem_line(app, problem) -> str:
    """One scenario problem for the window: `file:line:column: fout: message`."""
    return (f"{problem.path}:{problem.line}:{problem.column}: {severity(app, problem)}: "
            f"{problem.text(app.lang)}")


def academy_name(app, academy: str) -> str:
    """An academy's display name in the interface language (its id when unknown)."""
    name = app.t(f"academy.{academy}")
    return academy if name.startswith("ui.academy.") else name


def draw_role_row(screen: Screen, surface: pygame.Surface, rect: pygame.Rect, role,
                  stacked: bool = False) -> None:
    """A badge in the role's colour, the role name and its academy (beside or below)."""
    app = screen.app
    pal = app.palette
    rad = rect.height // 2
    badge(surface, (rect.x + rad, rect.centery), rad, role_colour(role),
          role_initials(role), app.scale)
    tx = rect.x + 2 * rad + screen.px(12)
    academy = academy_name(app, role.academy)
    if stacked:
        width = rect.right - tx
        text(surface, ellipsize(role.name, "body", app.scale, True, width),
             (tx, rect.centery - screen.px(1)),
             scale=app.scale, colour=pal.text, bold=True, anchor="bottomleft")
        text(surface, ellipsize(academy, "small", app.scale, False, width),
             (tx, rect.centery + screen.px(1)),
             kind="small", scale=app.scale, colour=pal.muted, anchor="topleft")
        return
    r = text(surface, ellipsize(role.name, "body", app.scale, True, rect.right - tx),
             (tx, rect.centery), scale=app.scale, colour=pal.text, bold=True, anchor="midleft")
    rest = ellipsize(f"· {academy}", "body", app.scale, False, rect.right - r.right - screen.px(8))
    text(surface, rest, (r.right + screen.px(8), rect.centery), scale=app.scale, colour=pal.muted,
         anchor="midleft")


def draw_role_band(screen: Screen, surface: pygame.Surface, rect: pygame.Rect, role, title: str,
                   subtitle: str = "", right: str = "") -> None:
    """A header band for a private view: surface, a stripe in the role's colour, badge, texts."""
    app = screen.app
    pal = app.palette
    colour = role_colour(role)
    pygame.draw.rect(surface, rgb(pal.surface), rect)
    pygame.draw.rect(surface, rgb(colour),
                     (rect.x, rect.bottom - screen.px(8), rect.width, screen.px(8)))
    cy = rect.centery - screen.px(4)
    rad = min(screen.px(32), rect.height // 2 - screen.px(10))
    badge(surface, (rect.x + screen.px(24) + rad, cy), rad, colour, role_initials(role), app.scale)
    x = rect.x + screen.px(24) + 2 * rad + screen.px(16)
    if subtitle:
        text(surface, title, (x, cy), kind="title", scale=app.scale, colour=pal.text, bold=True,
             anchor="bottomleft")
        text(surface, subtitle, (x, cy + screen.px(2)), scale=app.scale, colour=pal.muted,
             anchor="topleft")
    else:
        text(surface, title, (x, cy), kind="subtitle", scale=app.scale, colour=pal.text, bold=True,
             anchor="midleft")
    if right:
        text(surface, right, (rect.right - screen.px(24), cy), kind="small", scale=app.scale,
             colour=pal.muted, anchor="midright")


class Screen:
    """One screen of the window: `build`, `handle_event`, `update`, `draw`, `draw_over`."""

    #: a stable name for tests and screenshots
    name = "screen"

    def __init__(self, app) -> None:
        self.app = app
        self.focus = FocusRing()
        self.choices: list[ChoiceButton] = []
        # where the choice buttons live; when they do not fit it scrolls (wheel, focus)
        self.choice_area: pygame.Rect | None = None
        self.scroll = 0

    # ----- the interface ------------------------------------------------------------------

    def build(self) -> None:
        """Create the widgets for the current window size (the manager is empty).

        The keyboard focus survives a rebuild (resize, language, font size, scrolling)."""
        index = self.focus.index
        self.focus.clear()
        self.choices = []
        self.layout()
        if index is not None and index < len(self.focus.items):
            self.focus.index = index
            self.focus._mark(True)

    def layout(self) -> None:
        """Create this screen's widgets; subclasses override."""

    def handle_event(self, event: pygame.event.Event) -> bool:
        """Keyboard focus, number keys and choice buttons; True when the event was used."""
        if event.type == pygame.KEYDOWN:
            if pygame.K_1 <= event.key <= pygame.K_9 or pygame.K_KP1 <= event.key <= pygame.K_KP9:
                base = pygame.K_1 if event.key <= pygame.K_9 else pygame.K_KP1
                return self.on_number(event.key - base + 1)
            if self.focus.handle_key(event):
                if self.focus.index is not None:
                    self.on_focus(self.focus.items[self.focus.index][0])
                return True
            if event.key in (pygame.K_RETURN, pygame.K_KP_ENTER):
                return self.on_enter()
        elif event.type == pygame.MOUSEMOTION:
            for c in self.choices:
                c.hovered = c.enabled and c.rect.collidepoint(event.pos)
        elif event.type == pygame.MOUSEBUTTONUP and event.button == 1:
            for c in self.choices:
                if c.enabled and c.rect.collidepoint(event.pos):
                    self.app.defer(c.action)
                    return True
        elif event.type == pygame.MOUSEWHEEL:
            return self.on_wheel(event.y)
        return False

    def pre_event(self, event: pygame.event.Event) -> bool:
        """Look at an event before the widgets do (e.g. Tab out of a text field)."""
        return False

    def update(self, dt: float) -> bool:
        """Advance time; True when the screen must be redrawn."""
        return False

    def draw(self, surface: pygame.Surface) -> None:
        """Draw below the widgets (backgrounds, badges, meters)."""

    def draw_over(self, surface: pygame.Surface) -> None:
        """Draw above the widgets: the choice buttons, clipped to their area, with a triangle
        on the side where more choices are hidden."""
        pal = self.app.palette
        area = self.choice_area
        clip = surface.get_clip()
        if area is not None:
            surface.set_clip(area.inflate(self.px(6), self.px(6)))
        for c in self.choices:
            c.draw(surface, pal, self.app.scale)
        surface.set_clip(clip)
        if area is None or not self.choices:
            return
        size = self.px(14)
        x = area.right - self.px(30)
        colour = rgb(pal.focus if pal.high_contrast else pal.accent)
        if self.choices[-1].rect.bottom > area.bottom + 1:
            y = area.bottom - self.px(4)
            pygame.draw.polygon(surface, colour,
                                [(x - size, y - size), (x + size, y - size), (x, y)])
        if self.choices[0].rect.top < area.top - 1:
            y = area.top + self.px(4)
            pygame.draw.polygon(surface, colour,
                                [(x - size, y + size), (x + size, y + size), (x, y)])

    def place_choices(self, rows: list, heights: list[int], gap: int) -> None:
        """Create choice buttons (number, label, note, action, enabled) down `choice_area`,
        shifted by the current scroll; enabled ones join the keyboard focus."""
        area = self.choice_area
        total = sum(heights) + gap * max(0, len(heights) - 1)
        self.scroll = max(0, min(self.scroll, total - area.height))
        y = area.y - self.scroll
        for (number, label, note, action, enabled), bh in zip(rows, heights):
            btn = ChoiceButton(pygame.Rect(area.x, y, area.width, bh), number, label, action,
                               note=note, enabled=enabled)
            self.choices.append(btn)
            if enabled:
                self.focus.add(btn, lambda a=action: self.app.defer(a))
            y += bh + gap

    def wake_interval(self) -> float | None:
        """Seconds until the screen wants to be looked at again while idle (None: no need)."""
        return None

    def on_escape(self) -> None:
        """Esc: open the menu (screens without a menu override)."""
        self.app.nav.menu(back=self)

    def on_enter(self) -> bool:
        """Enter with nothing focused: the screen's main action, if it has one."""
        return False

    def on_number(self, number: int) -> bool:
        """A number key 1–9: the matching choice button, if any."""
        enabled = [c for c in self.choices if c.number == number and c.enabled]
        if enabled:
            self.app.defer(enabled[0].action)
            return True
        return False

    def on_focus(self, target: object) -> None:
        """The keyboard focus moved: scroll crowded choices so the focused one is visible."""
        area = self.choice_area
        if area is None or not isinstance(target, ChoiceButton):
            return
        shift = 0
        if target.rect.bottom > area.bottom:
            shift = target.rect.bottom - area.bottom
        elif target.rect.top < area.top:
            shift = target.rect.top - area.top
        if shift:
            self.scroll = max(0, self.scroll + shift)
            self.app.defer(self.app.rebuild)

    def scroll_into_view(self, scroller, target: object) -> None:
        """Scroll a `UIScrollingContainer` so that a widget in it (reached with Tab) shows."""
        bar = getattr(scroller, "vert_scroll_bar", None)
        if bar is None or getattr(target, "ui_container", None) is not scroller.get_container():
            return
        inner = scroller.scrollable_container.relative_rect
        view = scroller.rect.height
        edge = self.px(8)  # pygame_gui's scroll arithmetic rounds: a margin keeps it whole
        top, bottom = target.relative_rect.top - edge, target.relative_rect.bottom + edge
        shown = -inner.y
        if top < shown:
            shown = top
        elif bottom > shown + view:
            shown = bottom - view
        else:
            return
        bar.set_scroll_from_start_percentage(max(0.0, min(1.0, shown / max(1, inner.height))))

    def on_wheel(self, dy: int) -> bool:
        """The mouse wheel scrolls crowded choices (scrolling widgets handle their own)."""
        if self.choice_area is None or not self.choices:
            return False
        if self.choices[-1].rect.bottom <= self.choice_area.bottom and self.scroll == 0:
            return False
        self.scroll = max(0, self.scroll - dy * self.px(40))
        self.app.defer(self.app.rebuild)
        return True

    def on_quit(self) -> None:
        """The window is being closed (the session log is already saved after every move)."""

    def leave(self) -> None:
        """The screen is being replaced."""

    # ----- helpers ------------------------------------------------------------------------

    @property
    def manager(self) -> pygame_gui.UIManager:
        """The GUI manager widgets are created in."""
        return self.app.manager

    def t(self, key: str, **values: object) -> str:
        """A UI string in the interface language."""
        return self.app.t(key, **values)

    def px(self, value: float) -> int:
        """A scaled length."""
        return self.app.px(value)

    def button(self, rect, label: str, action: Callable[[], None], *, kind: str | None = None,
               focus: bool = True, container=None,
               tooltip: str | None = None) -> pygame_gui.elements.UIButton:
        """A pygame_gui button whose action runs deferred; also reachable with Tab + Enter."""
        object_id = ObjectID(class_id=f"@{kind}") if kind else None
        btn = pygame_gui.elements.UIButton(
            pygame.Rect(rect), label, manager=self.manager, container=container,
            object_id=object_id, tool_tip_text=tooltip,
            command=lambda: self.app.defer(action),
        )
        if focus:
            self.focus.add(btn, lambda: self.app.defer(action))
        return btn

    def label(self, rect, value: str, kind: str | None = None, container=None,
              wrap: bool = False):
        """A one-line label with a text kind (title, subtitle, small, muted, error).

        When the text does not fit, the label steps down a text size (title → subtitle →
        body → small) and finally ends in "…", so a big font scale never spills text over
        other widgets. With `wrap`, a text that does not fit on one line becomes a wrapped
        text box of the rectangle's size instead.
        """
        rect = pygame.Rect(rect)
        size, bold = LABEL_KINDS.get(kind or "", ("body", False))
        scale = self.app.scale
        pad = self.px(4)

        def fits(kind_: str, text_: str) -> bool:
            w, h = text_size(text_, kind=kind_, scale=scale, bold=bold)
            return w <= rect.width - 2 * pad and h <= rect.height

        if wrap and not fits(size, value):
            return self.textbox(rect, esc(value),
                                kind if kind in ("small", "muted", "error") else None,
                                container=container)
        order = FIT_ORDER[FIT_ORDER.index(size):]
        for size in order:
            if fits(size, value):
                break
        shown = value
        while not fits(size, shown) and len(shown) > 4:
            shown = shown[:-2].rstrip() + "…"
        class_id = f"@{kind}" if kind else None
        object_id = ObjectID(class_id=class_id, object_id=f"#fit_{size}_{'b' if bold else 'r'}")
        return pygame_gui.elements.UILabel(rect, shown, manager=self.manager,
                                           container=container, object_id=object_id)

    def fit(self, value: str, width: int, kind: str = "body",
            bold: bool = False) -> tuple[str, str | None]:
        """A label for `width` pixels: the text, or its start ending in "…" with the whole text
        as the tooltip (shown on hover and keyboard focus)."""
        shown = ellipsize(value, kind, self.app.scale, bold, width)
        return shown, (value if shown != value else None)

    def textbox(self, rect, markup: str, kind: str | None = None,
                container=None) -> pygame_gui.elements.UITextBox:
        """A wrapped, scrollable text box (markup already escaped with `esc`)."""
        object_id = ObjectID(class_id=f"@{kind}") if kind else None
        return pygame_gui.elements.UITextBox(markup, pygame.Rect(rect), manager=self.manager,
                                             container=container, object_id=object_id)

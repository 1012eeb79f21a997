"""The look of the window: colours, font sizes and the pygame_gui theme built from JSON.

Two JSON themes ship beside this module: `theme.json` (calm, light, the default) and
`theme_contrast.json` (white and yellow on black, laid over the first). Font entries are added
at run time because their size follows the font-scale setting (100–200 %) and their path
points at the Noto Sans files in `assets/fonts/`. The same palette is used for what the
screens draw themselves (role badges, meters, hand-over screens), so pygame_gui widgets and
custom drawing always agree.
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from game.bundled import fonts_dir
from game.scenario.model import ACADEMY_COLORS, DEFAULT_ROLE_COLOR

HERE = Path(__file__).resolve().parent
FONT_NAME = "noto_sans"
FONT_FILES = {
    "regular": "NotoSans-Regular.ttf",
    "bold": "NotoSans-Bold.ttf",
    "italic": "NotoSans-Italic.ttf",
    "bold_italic": "NotoSans-BoldItalic.ttf",
}
#: Base pixel sizes at 100 %; everything scales with the font-size setting.
BASE_SIZES = {"small": 16, "body": 20, "choice": 22, "subtitle": 24, "title": 32, "huge": 48}
#: pygame_gui locales the theme declares fonts for (its fonts are keyed by locale).
GUI_LOCALES = ("en", "nl")
FONT_SCALES = (100, 125, 150, 175, 200)


def font_dir() -> Path:
    """The folder with the shipped Noto Sans files (and their OFL licence).

    The bundled fonts (`game.bundled`: package data of a wheel, `assets/fonts/` of the source
    tree); should they be missing, the identical copies inside pygame_gui's package data.
    """
    shipped = fonts_dir()
    if (shipped / FONT_FILES["regular"]).is_file():
        return shipped
    import pygame_gui  # only for this fallback: the theme itself never loads the GUI toolkit

    return Path(pygame_gui.__file__).resolve().parent / "data"


def font_path(style: str = "regular") -> str:
    """The file of one Noto Sans style: regular, bold, italic or bold_italic."""
    return str(font_dir() / FONT_FILES[style])


@dataclass(frozen=True)
class Palette:
    """The colours the screens draw with themselves (pygame_gui widgets use the JSON theme)."""

    background: str
    surface: str
    text: str
    muted: str
    border: str
    accent: str
    focus: str
    good: str
    mixed: str
    bad: str
    bar_empty: str
    high_contrast: bool = False


NORMAL = Palette(
    background="#f7f5f0",
    surface="#ffffff",
    text="#1f2933",
    muted="#52606d",
    border="#d5d2ca",
    accent="#2b4c7e",
    focus="#f2b705",
    good="#2e7d32",
    mixed="#b26a00",
    bad="#b3261e",
    bar_empty="#e3e0d8",
)

HIGH_CONTRAST = Palette(
    background="#000000",
    surface="#000000",
    text="#ffffff",
    muted="#e0e0e0",
    border="#ffffff",
    accent="#ffff00",
    focus="#00ffff",
    good="#66ff66",
    mixed="#ffcc00",
    bad="#ff8080",
    bar_empty="#404040",
    high_contrast=True,
)


def palette(high_contrast: bool) -> Palette:
    """The palette for the normal or the high-contrast theme."""
    return HIGH_CONTRAST if high_contrast else NORMAL


def font_size(kind: str, scale: int) -> int:
    """The pixel size of a text kind (body, title, ...) at a font scale in percent."""
    return max(8, round(BASE_SIZES[kind] * scale / 100))


def hex_to_rgb(colour: str) -> tuple[int, int, int]:
    """`#rrggbb` as an (r, g, b) tuple."""
    c = colour.lstrip("#")
    return int(c[0:2], 16), int(c[2:4], 16), int(c[4:6], 16)


def _luminance(colour: str) -> float:
    """WCAG relative luminance of a colour."""

    def channel(v: int) -> float:
        s = v / 255
        return s / 12.92 if s <= 0.03928 else ((s + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(v) for v in hex_to_rgb(colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(a: str, b: str) -> float:
    """WCAG contrast ratio between two colours (1 to 21)."""
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


@cache
def text_on(colour: str) -> str:
    """Black or white, whichever reads better on that background colour."""
    dark_wins = contrast_ratio(colour, "#000000") >= contrast_ratio(colour, "#ffffff")
    return "#000000" if dark_wins else "#ffffff"


def role_colour(role) -> str:
    """A role's colour: its own, else its academy's, else neutral grey."""
    return getattr(role, "display_color", None) or ACADEMY_COLORS.get(
        getattr(role, "academy", ""), DEFAULT_ROLE_COLOR
    )


def initials(text: str) -> str:
    """Up to two capital letters for a portrait badge: 'Jeugdprofessional basisteam' → 'JB'."""
    words = [w for w in text.replace("-", " ").split() if w[:1].isalpha()]
    if not words:
        return "?"
    if len(words) == 1:
        return words[0][:2].upper()
    return (words[0][0] + words[1][0]).upper()


# Badge letters per role, unique within a scenario's team (see `register_team`).
_TEAM_BADGES: dict = {}


def team_initials(names: list[str]) -> list[str]:
    """Badge letters for a team, unique where the names allow it.

    'Jeugdprofessional' and 'Jeugdverpleegkundige' would both read 'JE'; within one team the
    second letter becomes the first letter where the names differ: 'JP' and 'JV'.
    """
    plain = [initials(n) for n in names]
    result = list(plain)
    for i, name in enumerate(names):
        clashes = [j for j, other in enumerate(plain) if other == plain[i] and j != i]
        if not clashes:
            continue
        word = "".join(ch for ch in name if ch.isalpha())
        rivals = ["".join(ch for ch in names[j] if ch.isalpha()) for j in clashes]
        for k in range(1, len(word)):
            if all(k >= len(r) or r[k].lower() != word[k].lower() for r in rivals):
                candidate = (word[0] + word[k]).upper()
                if candidate not in result:
                    result[i] = candidate
                    break
    return result


def register_team(roles) -> None:
    """Remember unique badge letters for a scenario's roles (a mapping id → Role)."""
    team = list(roles.values())
    for role, letters in zip(team, team_initials([r.name for r in team])):
        _TEAM_BADGES[role] = letters


def role_initials(role) -> str:
    """A role's badge letters: unique within its registered team, else from its name."""
    try:
        return _TEAM_BADGES.get(role) or initials(role.name)
    except TypeError:  # an unhashable stand-in role (tests)
        return initials(role.name)


def _font_block(kind: str, scale: int, bold: bool = False) -> list[dict]:
    """The pygame_gui font entries (one per GUI locale) for a text kind at a scale."""
    base = {
        "name": FONT_NAME,
        "size": str(font_size(kind, scale)),
        "bold": "1" if bold else "0",
        "regular_path": font_path("regular"),
        "bold_path": font_path("bold"),
        "italic_path": font_path("italic"),
        "bold_italic_path": font_path("bold_italic"),
    }
    return [{**base, "locale": loc} for loc in GUI_LOCALES]


#: Which pygame_gui element (type or @class) gets which text kind.
FONT_ROLES = {
    "button": ("body", False),
    "label": ("body", False),
    "text_box": ("body", False),
    "text_entry_line": ("body", False),
    "drop_down_menu": ("body", False),
    "selection_list": ("body", False),
    "window": ("body", False),
    "tool_tip": ("small", False),
    "@title": ("title", True),
    "@subtitle": ("subtitle", True),
    "@small": ("small", False),
    "@muted": ("body", False),
    "@huge": ("huge", True),
    "@primary": ("body", True),
    "@big": ("subtitle", True),
    # sizes a label steps down to when its text does not fit (see Screen.label)
    "#fit_huge_b": ("huge", True),
    "#fit_title_b": ("title", True),
    "#fit_subtitle_b": ("subtitle", True),
    "#fit_body_b": ("body", True),
    "#fit_body_r": ("body", False),
    "#fit_small_b": ("small", True),
    "#fit_small_r": ("small", False),
}
#: The order in which a label's text kind steps down when it does not fit.
FIT_ORDER = ("huge", "title", "subtitle", "body", "small")
#: The text kind and boldness of each label class.
LABEL_KINDS = {"huge": ("huge", True), "title": ("title", True), "subtitle": ("subtitle", True),
               "small": ("small", False), "primary": ("body", True)}


@cache
def _json_theme(name: str) -> dict:
    """One of the JSON theme files beside this module, parsed once."""
    return json.loads((HERE / name).read_text(encoding="utf-8"))


def _merge(into: dict, extra: dict) -> dict:
    """Deep-merge `extra` into `into` (dicts merged, other values replaced)."""
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(into.get(key), dict):
            _merge(into[key], value)
        else:
            into[key] = copy.deepcopy(value)
    return into


def build_theme(scale: int = 100, high_contrast: bool = False) -> dict:
    """The pygame_gui theme dictionary for a font scale (percent) and contrast setting."""
    theme = copy.deepcopy(_json_theme("theme.json"))
    if high_contrast:
        _merge(theme, _json_theme("theme_contrast.json"))
    for element, (kind, bold) in FONT_ROLES.items():
        theme.setdefault(element, {})["font"] = _font_block(kind, scale, bold)
    # list rows (the file dialog) as tall as their text at this scale
    line = round(BASE_SIZES["body"] * scale / 100 * 1.4) + 8
    theme.setdefault("selection_list", {}).setdefault("misc", {})["list_item_height"] = str(line)
    theme.setdefault("window", {}).setdefault("misc", {})["title_bar_height"] = str(line)
    for item in ("file_list_item", "directory_list_item"):
        key = f"file_dialog.#file_display_list.#{item}"
        theme.setdefault(key, {})["font"] = _font_block("body", scale, item.startswith("dir"))
    # the dialog's icon buttons keep pygame_gui's symbol font (Noto has no ⌂ ↑ ⇪), scaled
    theme["#file_dialog_icon_buttons"] = {"font": {"name": "fira_code_symbols",
                                                   "size": str(font_size("title", scale))}}
    return theme

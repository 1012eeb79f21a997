"""Theme, settings and display helpers of the window: contrast, initials, meters, numbers."""

from __future__ import annotations

import json

import pytest

from game.scenario.model import ACADEMY_COLORS, Variable
from game.ui import theme
from game.ui.settings import Settings, load_settings, save_settings


@pytest.mark.parametrize("colour",
                         list(ACADEMY_COLORS.values()) + ["#6c757d", "#ffffff", "#000000"])
def test_text_on_academy_colours_meets_wcag_aa(colour):
    """Badge text on every academy colour reaches WCAG AA for large text (3:1), mostly 4.5:1."""
    assert theme.contrast_ratio(colour, theme.text_on(colour)) >= 4.5


def test_initials_of_role_names():
    """Two words give two initials, one word its first two letters, nothing gives '?'."""
    assert theme.initials("Jeugdprofessional basisteam") == "JB"
    assert theme.initials("Leerkracht") == "LE"
    assert theme.initials("  ") == "?"


def test_build_theme_scales_fonts_and_switches_contrast():
    """Font sizes follow the scale; the contrast theme has a black background."""
    normal = theme.build_theme(100, False)
    big = theme.build_theme(200, True)
    assert normal["@title"]["font"][0]["size"] == "32"
    assert big["@title"]["font"][0]["size"] == "64"
    assert big["defaults"]["colours"]["dark_bg"] == "#000000"
    assert {f["locale"] for f in normal["button"]["font"]} == {"en", "nl"}
    assert theme.font_path("regular").endswith("NotoSans-Regular.ttf")


def test_font_licence_ships_beside_the_fonts():
    """The OFL licence is shipped with the Noto Sans files."""
    folder = theme.font_dir()
    assert ((folder / "OFL.txt").is_file()
            or (folder / "licenses" / "NotoSans-LICENSE.txt").is_file())


def test_settings_round_trip_and_repair(tmp_path):
    """Saved settings load back; out-of-range and unknown values fall back to defaults."""
    path = tmp_path / "window.json"
    s = Settings(lang="en", font_scale=150, high_contrast=True, vote_mode="secret")
    save_settings(s, path)
    assert load_settings(path) == s
    path.write_text(json.dumps({"lang": "fr", "font_scale": 500, "vote_mode": "x", "extra": 1}))
    fixed = load_settings(path)
    assert (fixed.lang, fixed.font_scale, fixed.vote_mode) == ("nl", 200, "open")
    path.write_text("{not json")
    assert load_settings(path) == Settings()


def test_meter_fraction_and_value_format():
    """Meters use min..max, else the initial value; values are formatted per language."""
    pytest.importorskip("pygame")
    from game.ui.screens.play import format_value, meter_fraction

    trust = Variable("vertrouwen", 50, min=0, max=100)
    budget = Variable("budget", 6000, min=0, unit="€")
    assert meter_fraction(trust, 25) == 0.25
    assert meter_fraction(budget, 3000) == 0.5
    assert meter_fraction(budget, 9000) == 1.0

    class App:
        lang = "nl"

    assert format_value(App, budget, 12000) == "€12.000"
    App.lang = "en"
    assert format_value(App, budget, 12000) == "€12,000"
    assert format_value(App, Variable("uren", 2.5, unit="uur"), 2.5) == "2.5 uur"


def test_prose_joins_wrapped_lines_and_keeps_paragraphs_and_lists():
    """YAML-wrapped lines reflow; blank lines and list items keep their breaks; markup escaped."""
    pytest.importorskip("pygame")
    from game.ui.screens.base import prose

    text = "Jij bent Anna.\nJe hebt <geld>.\n\nDoelen:\n- rust\n- regie\n"
    assert prose(text) == "Jij bent Anna. Je hebt &lt;geld&gt;.<br><br>Doelen:<br>- rust<br>- regie"


def _distance(a: str, b: str) -> int:
    """How far apart two colours are (sum of the channel differences, 0..765)."""
    return sum(abs(x - y) for x, y in zip(theme.hex_to_rgb(a), theme.hex_to_rgb(b)))


def test_hover_and_selected_look_clearly_different_in_the_normal_theme():
    """A hovered button, a keyboard-selected one and a chosen (toggled-on) one are three
    clearly different colours, each clearly apart from a plain button."""
    colours = theme.build_theme(100, False)["defaults"]["colours"]
    toggle = theme.build_theme(100, False)["@toggle_on"]["colours"]
    looks = [colours["normal_bg"], colours["hovered_bg"], colours["selected_bg"],
             toggle["normal_bg"]]
    for i, a in enumerate(looks):
        for b in looks[i + 1:]:
            assert _distance(a, b) >= 24, (a, b)
    assert _distance(colours["hovered_border"], colours["selected_border"]) >= 150


def test_choice_button_hover_and_selected_draw_differently():
    """The large choice buttons: hovered is a faint tint, selected a strong tint with a bar on
    the left; the two never look alike."""
    pygame = pytest.importorskip("pygame")
    from game.ui.widgets import ChoiceButton

    pygame.font.init()
    pal = theme.palette(False)
    looks = {}
    for state in ("plain", "hovered", "selected"):
        surface = pygame.Surface((400, 80))
        btn = ChoiceButton(pygame.Rect(0, 0, 400, 80), 1, "Kies", lambda: None,
                           hovered=state == "hovered", selected=state == "selected")
        btn.draw(surface, pal, 100)
        looks[state] = (tuple(surface.get_at((300, 70)))[:3], tuple(surface.get_at((3, 40)))[:3])
    assert looks["hovered"] != looks["plain"]
    assert sum(abs(a - b) for a, b in zip(looks["hovered"][0], looks["selected"][0])) >= 40
    assert looks["selected"][1] == theme.hex_to_rgb(pal.accent)


def test_a_meter_shows_which_end_is_good():
    """A full 'Spanning' meter (good: low) is red, a full trust meter (good: high) is green, a
    budget (no good end) keeps the plain colour; a mark shows the good end."""
    pygame = pytest.importorskip("pygame")
    from game.ui.screens.play import draw_good_end, meter_colour

    pal = theme.palette(False)
    tension = Variable(id="spanning", initial=30, min=0, max=100, show=True, good="low")
    trust = Variable(id="vertrouwen", initial=50, min=0, max=100, show=True, good="high")
    budget = Variable(id="budget", initial=6000, show=True)
    assert meter_colour(pal, tension, 1.0) == pal.bad
    assert meter_colour(pal, tension, 0.1) == pal.good
    assert meter_colour(pal, trust, 1.0) == pal.good
    assert meter_colour(pal, budget, 1.0) is None
    surface = pygame.Surface((200, 40))
    bar = pygame.Rect(50, 14, 100, 12)
    draw_good_end(surface, bar, tension, pal)
    assert tuple(surface.get_at((bar.x - 5, bar.centery)))[:3] == theme.hex_to_rgb(pal.good)
    assert tuple(surface.get_at((bar.right + 5, bar.centery)))[:3] == (0, 0, 0)

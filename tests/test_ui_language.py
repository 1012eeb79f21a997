"""Dutch as a person writes it: real plural forms, no "kaart(en)", no contradictory or
ambiguous sentences; no Dutch left in English mode; no English severity words in the window."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from game.i18n import translate

LOCALES = Path(__file__).parent.parent / "game" / "i18n" / "locales"


def _strings():
    for path in sorted(LOCALES.glob("*/*.json")):
        for key, value in json.loads(path.read_text(encoding="utf-8")).items():
            for text in (value.values() if isinstance(value, dict) else [value]):
                yield path, key, text


@pytest.mark.parametrize("lang,one,many", [("nl", "1 kaart", "3 kaarten"),
                                           ("en", "1 card", "3 cards")])
def test_plural_forms_follow_the_language(lang, one, many):
    """Babel's plural rules pick the form: one card, three cards, zero cards."""
    assert translate("ui.pick.cards_count", lang, n=1) == one
    assert translate("ui.pick.cards_count", lang, n=3) == many
    assert translate("ui.pick.cards_count", lang, n=0) == many.replace("3", "0")


def test_no_hand_made_plurals_in_the_window_or_the_report():
    """No "kaart(en)", "probleem/problemen", "stem(men)", "card(s)" in what the window and
    the report show."""
    bad = []
    for path, key, text in _strings():
        if path.stem in ("ui", "report") and any(
                mark in text for mark in ("(en)", "(s)", "(men)", "probleem/problemen")):
            bad.append((path.parent.name, key, text))
    assert not bad


def test_sentences_a_student_reads_are_clear():
    """The hand-over does not say "Alleen jij kijkt mee"; "Wie raadpleegt X?" is not
    ambiguous; no "vertel het het team"."""
    texts = [text for path, key, text in _strings() if path.stem == "ui"]
    assert not [t for t in texts if "kijkt mee" in t]
    assert not [t for t in texts if "het het team" in t]
    assert "Wie raadpleegt" not in translate("ui.pick.consult_whom", "nl", who="Anna")


os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")


def test_english_mode_shows_no_dutch_notice(make_window):
    """A timeout noticed in Dutch reads "Time is up." once the team switches to English."""
    pygame = pytest.importorskip("pygame")
    from conftest import FakeClock, to_plan

    from game.ui.driver import Driver

    clock = FakeClock(start=100.0)
    app = make_window(clock=clock, picker=True)
    d = Driver(app)
    to_plan(d)
    clock.advance(200)
    d.settle(3)
    assert app.game.session.scene_id == "te_laat"
    d.key(pygame.K_ESCAPE)
    d.click("Instellingen")
    d.click("English")
    d.click("Done")
    d.click("Continue playing")
    assert app.screen.name == "play"
    banners = " ".join(m for _, m in app.screen._banners())
    assert "Time is up." in banners and "De tijd is om" not in banners


def test_the_window_names_problems_in_dutch(make_window, tmp_path):
    """F5 on a broken file lists "fout", not the editors' "error:"."""
    pygame = pytest.importorskip("pygame")
    import shutil

    from game.scenario.loader import load_scenario
    from game.ui.driver import Driver
    from game.ui.flow import Game

    copy = tmp_path / "keukentafel.yaml"
    shutil.copy(Path(__file__).parent / "data" / "valid" / "keukentafel.yaml", copy)
    app = make_window()
    Game.start(app, copy, load_scenario(copy), {"jeugdprofessional": "Anna",
                                                "leerkracht": "Sara",
                                                "verpleegkundige": "Daan"},
               briefings=False)
    copy.write_text(copy.read_text(encoding="utf-8").replace("goto: teamoverleg",
                                                             "goto: teamoverlegg", 1),
                    encoding="utf-8")
    Driver(app).key(pygame.K_F5)
    assert app.screen.name == "problems"
    body = [e for e in app.manager.get_sprite_group().sprites()
            if type(e).__name__ == "UITextBox"][-1].html_text
    assert "fout:" in body and "error:" not in body

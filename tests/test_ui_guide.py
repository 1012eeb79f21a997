"""The debrief's "Docent" tab: the facilitator guide, shown in the window after the ending."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from conftest import with_guide

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")

pygame = pytest.importorskip("pygame")
pygame_gui = pytest.importorskip("pygame_gui")

from game.scenario.loader import load_scenario  # noqa: E402
from game.ui.driver import Driver  # noqa: E402
from game.ui.flow import Game  # noqa: E402
from game.ui.screens.debrief import DebriefScreen  # noqa: E402
from game.ui.screens.guide import guide_markup  # noqa: E402

EXAMPLE = Path(__file__).parent / "data" / "valid" / "keukentafel.yaml"
PLAYERS = {"jeugdprofessional": "Anna", "leerkracht": "Sara", "verpleegkundige": "Daan"}


def scenario_with_guide():
    """The example case with the shared test guide (see conftest.with_guide)."""
    return with_guide(load_scenario(EXAMPLE))


def test_guide_markup_has_every_part_in_both_languages():
    """Phases, prompts per role, prebriefing, watch-for, wrong turns and the sources."""
    s = scenario_with_guide()
    ending = next(iter(s.endings.values()))
    nl = guide_markup(s, ending, "nl")
    for part in ("20 minuten", "Beschrijven", "Toepassen", "Wat gebeurde er?", "Leerkracht",
                 "Wat wist jij?", "Niemand weet alles.", "Vraagt iemand toestemming?",
                 "Alles met iedereen delen.", "Jeugdwet art. 7.3.11"):
        assert part in nl, part
    assert "Analyseren" not in nl  # no questions in that phase
    assert "Facilitator" not in nl and "Legal background" in guide_markup(s, ending, "en")


def test_docent_tab_shows_the_guide_after_the_ending(make_window):
    """Key 4 on the debrief opens the "Docent" tab; its text box holds the guide."""
    app = make_window()
    scenario = scenario_with_guide()
    game = Game.start(app, EXAMPLE, scenario, PLAYERS, seed=1, briefings=False)
    while not game.session.finished:
        if game.session.scene.is_narration:
            game.proceed()
            continue
        waiting = game.session.waiting_for()
        game.choose(waiting[0], game.session.options(waiting[0])[0].id)
    app.show(DebriefScreen(app, game))
    d = Driver(app)
    d.key(pygame.K_4)
    d.settle()
    assert app.screen.tab == "guide"
    boxes = [e for e in app.screen.manager.get_root_container().elements
             if isinstance(e, pygame_gui.elements.UITextBox)]
    assert any("Jeugdwet art. 7.3.11" in box.html_text for box in boxes)

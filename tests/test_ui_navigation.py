"""game.ui.navigation: the moves between parts of the window, driven by keys and clicks."""

from __future__ import annotations

import os

import pytest

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")

pygame = pytest.importorskip("pygame")

from conftest import VALID  # noqa: E402

from game.scenario.loader import load_scenario  # noqa: E402
from game.ui.driver import Driver  # noqa: E402
from game.ui.flow import Game  # noqa: E402

PLAYERS = {"jeugdprofessional": "Anna", "leerkracht": "Sara", "verpleegkundige": "Daan"}


def test_back_to_the_start_closes_the_session_and_shows_the_picker(make_window):
    """Esc, then "Naar het beginscherm": the session's log is closed (it stays resumable from
    the picker) and no game is running any more."""
    app = make_window()
    path = VALID / "keukentafel.yaml"
    game = Game.start(app, path, load_scenario(path), PLAYERS, seed=5, briefings=False)
    d = Driver(app)
    d.key(pygame.K_ESCAPE)
    assert app.screen.name == "menu"
    d.click("Naar het beginscherm")
    assert app.screen.name == "picker" and app.game is None
    assert game.session._writer.closed


def test_settings_from_the_picker_return_to_the_picker(make_window):
    """The picker's "Instellingen" opens the settings; "Klaar" goes back to the same picker."""
    app = make_window(picker=True)
    picker = app.screen
    d = Driver(app)
    d.click("Instellingen")
    assert app.screen.name == "settings"
    d.key(pygame.K_ESCAPE)
    assert app.screen is picker

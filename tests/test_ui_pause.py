"""The timer stops while the menu is open, and "Pauze" in the menu stops the game for the
teacher; time spent there does not count against the team."""

from __future__ import annotations

import os

import pytest

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")

pygame = pytest.importorskip("pygame")

from conftest import FakeClock, to_plan  # noqa: E402

from game.ui.driver import Driver  # noqa: E402


@pytest.fixture
def timed(make_window):
    """The example case in its timed scene (plan, 180 s), on a hand-moved clock."""
    clock = FakeClock(start=100.0)
    app = make_window(clock=clock, picker=True)
    d = Driver(app)
    to_plan(d)
    return app, clock


def test_the_menu_stops_the_timer(timed):
    """Ten minutes in the menu: the scene is still there with the time it had."""
    app, clock = timed
    d = Driver(app)
    left = app.game.session.time_left()
    d.key(pygame.K_ESCAPE)
    assert app.screen.name == "menu"
    clock.advance(600)
    d.settle()
    d.click("Verder spelen")
    assert app.screen.name == "play"
    assert app.game.session.scene_id == "plan"
    assert left - 5 < app.game.session.time_left() <= left


def test_pause_hides_the_game_and_stops_the_clock(timed):
    """"Pauze" shows a pause screen with nothing of the game; "Verder spelen" goes back."""
    app, clock = timed
    d = Driver(app)
    left = app.game.session.time_left()
    d.key(pygame.K_ESCAPE)
    d.click("Pauze")
    assert app.screen.name == "pause"
    assert not app.screen.choices
    clock.advance(900)
    d.settle()
    d.click("Verder spelen")
    assert app.screen.name == "play"
    assert app.game.session.scene_id == "plan"
    assert left - 5 < app.game.session.time_left() <= left
    clock.advance(left + 1)  # once playing again, the clock runs
    d.settle(3)
    assert app.game.session.scene_id == "te_laat"

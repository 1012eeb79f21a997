"""No stale frames: a change that does not come from input (a list that finished loading, a
timer that ran out) is on screen at once, not after the next mouse move.

Each test lets the change happen with no input at all, takes the frame the loop drew, then
sends the window an "exposed" event (what a mouse move also causes: a plain redraw) and checks
that the redrawn frame is the same picture.
"""

from __future__ import annotations

import os

import pytest

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")

pygame = pytest.importorskip("pygame")

from conftest import FakeClock, to_plan  # noqa: E402

from game.ui.driver import Driver  # noqa: E402


def _frame(app) -> bytes:
    return pygame.image.tobytes(app.window, "RGB")


def _redrawn(app) -> bytes:
    pygame.event.post(pygame.event.Event(pygame.WINDOWEXPOSED))
    app.step()
    return _frame(app)


def test_the_picker_shows_the_list_as_soon_as_it_is_loaded(make_window):
    """The first frame says "Scenario's laden..."; the frame drawn when the list is loaded
    shows the list, with no mouse move needed."""
    app = make_window(picker=True)
    app.step(block=True)
    loading = _frame(app)
    while app.screen.entries is None:
        app.step(block=True)
    shown = _frame(app)
    assert shown != loading
    assert _redrawn(app) == shown


def test_a_timer_that_runs_out_is_drawn_at_once(make_window):
    """When the plan scene's timer runs out, the frame shows the new scene's title and text
    with the new choices (not the old title with the new buttons)."""
    clock = FakeClock(start=100.0)
    app = make_window(clock=clock, picker=True)
    d = Driver(app)
    to_plan(d)
    d.wait(2)
    clock.advance(200)
    for _ in range(3):
        app.step(block=True)
    assert app.game.session.scene_id == "te_laat"
    shown = _frame(app)
    assert _redrawn(app) == shown

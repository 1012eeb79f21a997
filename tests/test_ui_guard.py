"""The hot-seat is safe: a double press, a double click or an extra key never acts on the next
screen (a private briefing, another scene's vote), and a hand-over needs a deliberate hold.

Events are posted at the timing a careless student produces (two presses 120 ms apart, five
presses 150 ms apart), on the window's own clock.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")

pygame = pytest.importorskip("pygame")

from game.scenario.loader import load_scenario  # noqa: E402
from game.ui.app import INPUT_GUARD  # noqa: E402
from game.ui.driver import Driver  # noqa: E402
from game.ui.flow import Game  # noqa: E402
from game.ui.screens.handover import HOLD_SECONDS  # noqa: E402

FOUR = Path(__file__).parent / "data" / "ui" / "vier_stemmen.yaml"
FOUR_PLAYERS = {"a": "Anna", "b": "Bram", "c": "Cem", "d": "Dewi"}


@pytest.fixture
def app(make_window):
    """A window on the picker."""
    return make_window(picker=True)


def _to_briefings(d):
    d.click("Het keukentafelgesprek")
    d.click("Kies deze casus")
    for name in ("Anna", "Sara", "Daan"):
        d.type_text(name)
        d.key(pygame.K_RETURN)


def test_the_guard_interval_is_short_and_the_hold_deliberate():
    """The documented numbers: long enough for a double press, short enough not to annoy."""
    assert 0.3 <= INPUT_GUARD <= 0.8
    assert 0.5 <= HOLD_SECONDS <= 1.5


def test_double_enter_on_a_briefing_stays_on_the_next_handover(app):
    """Enter twice, 120 ms apart, on Anna's briefing: the second press lands on Sara's
    hand-over and must not open Sara's private briefing."""
    d = Driver(app)
    _to_briefings(d)
    d.hand_over()
    assert app.screen.name == "briefing" and app.screen.role == "jeugdprofessional"
    d.key(pygame.K_RETURN)
    d.wait(0.12)
    pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=pygame.K_RETURN, mod=0,
                                         unicode="\r", scancode=0))
    pygame.event.post(pygame.event.Event(pygame.KEYUP, key=pygame.K_RETURN, mod=0,
                                         unicode="\r", scancode=0))
    d.settle()
    assert app.screen.name == "handover" and app.screen.role == "leerkracht"


def test_a_tap_after_the_guard_does_not_leave_a_handover(app):
    """Even a later tap (or a click) is not enough: the receiver holds Enter or the button."""
    d = Driver(app)
    _to_briefings(d)
    assert app.screen.name == "handover"
    d.key(pygame.K_RETURN)
    d.key(pygame.K_SPACE)
    pos = (640, 360)
    d.click_at(pos)
    assert app.screen.name == "handover" and app.screen.role == "jeugdprofessional"
    d.hold(pygame.K_RETURN, HOLD_SECONDS / 2)
    assert app.screen.name == "handover"
    d.hold(pygame.K_RETURN, HOLD_SECONDS + 0.1)
    assert app.screen.name == "briefing"


def test_holding_the_mouse_button_leaves_a_handover(app):
    """A held click works as well as a held key."""
    d = Driver(app)
    _to_briefings(d)
    d.wait(1)
    pygame.event.post(pygame.event.Event(pygame.MOUSEBUTTONDOWN, pos=(640, 360), button=1))
    d.settle(1)
    for _ in range(10):
        d.wait(HOLD_SECONDS / 9)
    pygame.event.post(pygame.event.Event(pygame.MOUSEBUTTONUP, pos=(640, 360), button=1))
    d.settle()
    assert app.screen.name == "briefing"


def test_double_click_on_a_briefing_button_does_not_open_the_next_briefing(app):
    """A double click on "Gelezen, verder" stays on the next role's hand-over."""
    d = Driver(app)
    _to_briefings(d)
    d.hand_over()
    pos = d.button("Gelezen, verder").rect.center
    d.click_at(pos)
    d.pace = 0
    d.wait(0.12)
    d.click_at(pos)
    assert app.screen.name == "handover" and app.screen.role == "leerkracht"


@pytest.fixture
def four(make_window):
    """A window playing a four-role vote case (open voting), past the briefings."""
    app = make_window()
    Game.start(app, FOUR, load_scenario(FOUR), FOUR_PLAYERS, seed=1, briefings=False)
    return app


def _fast_presses(d, key, n, gap=0.15):
    d.pace = 0
    for _ in range(n):
        pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=key, mod=0, unicode="",
                                             scancode=0))
        pygame.event.post(pygame.event.Event(pygame.KEYUP, key=key, mod=0, unicode="",
                                             scancode=0))
        d.settle(2)
        d.wait(gap)


def test_five_fast_presses_never_vote_in_the_next_scene(four):
    """Five presses of "1", 150 ms apart, in a four-person vote: no vote lands in the next
    scene, and no voter's turn is taken by somebody else's bouncing key."""
    d = Driver(four)
    d.wait(1)
    _fast_presses(d, pygame.K_1, 5)
    session = four.game.session
    cast = [e for e in session.events if e["type"] in ("vote_cast", "choice_made")]
    assert all(e["scene"] == "eerste" for e in cast)
    assert session.scene_id == "eerste"
    assert len(four.game.pending_votes) < 4


def test_the_last_voters_double_press_does_not_vote_in_the_next_scene(four):
    """Four voters press "1" in turn; the last presses twice, 150 ms apart. The second press
    arrives after the next scene appeared and is dropped."""
    d = Driver(four)
    for _ in range(3):
        d.key(pygame.K_1)
    d.key(pygame.K_1)
    assert four.game.session.scene_id == "tweede"
    d.pace = 0
    d.wait(0.15)
    d.key(pygame.K_1)
    assert four.game.session.vote_round.votes == {}
    assert not four.game.pending_votes
    assert not [e for e in four.game.session.events
                if e["type"] == "vote_cast" and e["scene"] == "tweede"]


def test_a_vote_can_be_taken_back_until_the_round_is_complete(four):
    """Bram presses 1 by mistake; "Stem terugnemen" gives him his turn back, and the log
    holds only the votes that counted."""
    d = Driver(four)
    d.key(pygame.K_1)  # Anna: een
    d.key(pygame.K_1)  # Bram, by mistake
    assert list(four.game.pending_votes) == ["a", "b"]
    d.click("Stem terugnemen")
    assert list(four.game.pending_votes) == ["a"]
    assert "Bram" in four.screen.turn_text
    d.key(pygame.K_2)  # Bram: twee
    d.key(pygame.K_1)  # Cem
    assert four.game.session.scene_id == "eerste"
    d.key(pygame.K_2)  # Dewi: the last vote casts the round
    session = four.game.session
    assert session.scene_id == "tweede"
    votes = [(e["role"], e["choice"]) for e in session.events if e["type"] == "vote_cast"]
    assert votes == [("a", "een"), ("b", "twee"), ("c", "een"), ("d", "twee")]
    with pytest.raises(LookupError):
        d.button("Stem terugnemen")


def test_a_secret_tie_shows_counts_and_the_rule_never_names(make_window):
    """A secret 2-2 vote: the shared screen gives the counts and says the tie was broken by
    the deciding role's vote; it names none of the players who voted for the winner."""
    from game.ui.settings import Settings

    app = make_window(Settings(vote_mode="secret"))
    Game.start(app, FOUR, load_scenario(FOUR), FOUR_PLAYERS, seed=1, briefings=False)
    d = Driver(app)
    for choice in ("Eerst praten", "Eerst de school", "Eerst praten", "Eerst de school"):
        d.click("Geheim stemmen")
        d.hand_over()
        assert app.screen.name == "secret_vote"
        d.click_choice(choice)
    assert app.game.session.scene_id == "tweede"
    (feedback,) = [m for kind, m in app.screen._banners() if kind == "feedback"]
    assert "2 van de 4 stemmen" in feedback
    assert "gelijk" in feedback and "Jeugdprofessional" in feedback
    for name in FOUR_PLAYERS.values():
        assert name not in feedback


def test_a_burst_of_presses_decides_once(app):
    """Anna hammers "1" five times, 150 ms apart: her decision is taken once; the presses
    that follow (the last one 600 ms after the new scene appeared) do not decide the next
    scene, because a dropped press keeps the guard up."""
    from conftest import to_play

    d = Driver(app)
    to_play(d)
    d.wait(1)
    _fast_presses(d, pygame.K_1, 5)
    made = [e["scene"] for e in app.game.session.events if e["type"] == "choice_made"]
    assert made == ["kennismaking"]
    assert app.game.session.scene_id == "toestemming_vragen"

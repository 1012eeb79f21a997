"""A whole game played through the real window with posted mouse and keyboard events only.

The test never calls a screen or the session directly: it clicks buttons where they are drawn,
types names, presses number keys and Enter, and then checks the JSON Lines log the window
wrote against what was clicked.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")

pygame = pytest.importorskip("pygame")

from conftest import FakeClock  # noqa: E402

from game.ui.driver import Driver  # noqa: E402
from game.ui.settings import Settings  # noqa: E402

DATA = Path(__file__).parent / "data" / "valid"




@pytest.fixture
def app(make_window):
    """A window over the test scenarios on the picker, logs and settings in a temporary folder."""
    return make_window(picker=True)


def read_log(folder: Path) -> list[dict]:
    """The events of the only log in the folder."""
    (log,) = list(folder.glob("*.jsonl"))
    return [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]


def test_full_playthrough_by_events_matches_the_log(app, tmp_path):
    """Pick, set up, brief, play (choices, share, consult, open votes, a failed consensus
    round), reach the good ending and open the debrief: all by clicks and keys."""
    d = Driver(app)
    d.click("Het keukentafelgesprek")
    d.click("Kies deze casus")
    assert app.screen.name == "setup"
    for name in ("Anna", "Sara", "Daan"):
        d.type_text(name)
        d.key(pygame.K_RETURN)
    # three private briefings, each behind a hand-over screen
    for expected in ("Anna", "Sara", "Daan"):
        assert app.screen.name == "handover"
        assert app.game.player(app.screen.role) == expected
        d.hand_over()
        assert app.screen.name == "briefing"
        d.key(pygame.K_RETURN)
    assert app.screen.name == "play"
    d.key_choice("Vraag moeder wat zij")  # kennismaking: vraag_behoefte
    assert app.game.session.scene_id == "toestemming_vragen"
    d.key_choice("Vraag moeder om toestemming")  # vraag_toestemming
    # share the sleep diary with the team (consent given: no breach)
    d.click("Kaarten delen")
    d.click_choice("Daan")
    d.hand_over()
    assert app.screen.name == "share"
    d.key(pygame.K_1)  # the sleep diary
    d.click("Het hele team")
    d.click("Delen")
    assert app.screen.name == "play"
    # Anna consults Daan; Daan sees the advice behind a hand-over screen
    d.click("Raadplegen")
    d.click_choice("Anna")
    d.click_choice("Daan")
    assert app.screen.name == "handover"
    d.hand_over()
    assert app.screen.name == "advice"
    d.key(pygame.K_RETURN)
    # open vote in teamoverleg: three voters in turn on the shared screen
    for _ in range(3):
        d.key_choice("Onderzoek samen")
    assert app.game.session.scene_id == "plan"
    # consensus: disagree once, then agree
    d.key_choice("Maak het plan samen")
    d.key_choice("Schrijf zelf")
    assert app.game.session.vote_round.number == 2
    d.click_choice("samen met moeder")
    d.click_choice("samen met moeder")
    assert app.screen.name == "ending"
    d.key(pygame.K_RETURN)
    assert app.screen.name == "debrief"
    d.key(pygame.K_2)
    assert app.screen.tab == "timeline"

    events = read_log(tmp_path / "logs")
    started = events[0]
    assert {p["role"]: p["name"] for p in started["players"]} == {
        "jeugdprofessional": "Anna", "leerkracht": "Sara", "verpleegkundige": "Daan"}
    made = [(e["scene"], e["choice"]) for e in events if e["type"] == "choice_made"]
    assert made == [("kennismaking", "vraag_behoefte"), ("toestemming_vragen", "vraag_toestemming"),
                    ("teamoverleg", "netwerk"), ("plan", "samen")]
    (shared,) = [e for e in events if e["type"] == "info_shared"]
    assert shared["info"] == "slaapdagboek" and shared["breach"] is False
    assert sorted(shared["to"]) == ["jeugdprofessional", "leerkracht"]
    (consulted,) = [e for e in events if e["type"] == "consulted"]
    assert (consulted["role"], consulted["target"]) == ("jeugdprofessional", "verpleegkundige")
    plan_votes = [(e["role"], e["choice"], e["round"]) for e in events
                  if e["type"] == "vote_cast" and e["scene"] == "plan"]
    assert plan_votes == [("jeugdprofessional", "samen", 1), ("leerkracht", "zelf", 1),
                          ("jeugdprofessional", "samen", 2), ("leerkracht", "samen", 2)]
    assert events[-1]["type"] == "session_ended"
    assert events[-1]["ending"] == "samen_verder"


def test_breach_is_flagged_on_the_shared_screen(app):
    """Sharing a confidential card before consent is allowed, and flagged afterwards."""
    d = Driver(app)
    d.click("Het keukentafelgesprek")
    d.click("Kies deze casus")
    for name in ("Anna", "Sara", "Daan"):
        d.type_text(name)
        d.key(pygame.K_RETURN)
    for _ in range(3):
        d.hand_over()
        d.key(pygame.K_RETURN)
    d.click("Kaarten delen")
    d.click_choice("Daan")
    d.hand_over()
    d.key(pygame.K_1)
    d.click("Anna (Jeugdprofessional)")
    d.click("Delen")
    assert app.screen.name == "play"
    kinds = [kind for kind, _ in app.screen.notices]
    assert "breach" in kinds
    shared = [e for e in app.game.session.events if e["type"] == "info_shared"]
    assert shared[-1]["breach"] is True


def _to_play(d):
    """Pick the example, type three names, read the three briefings."""
    d.click("Het keukentafelgesprek")
    d.click("Kies deze casus")
    for name in ("Anna", "Sara", "Daan"):
        d.type_text(name)
        d.key(pygame.K_RETURN)
    for _ in range(3):
        d.hand_over()
        d.key(pygame.K_RETURN)


def test_secret_vote_goes_through_a_handover_per_voter(make_window):
    """With secret voting each voter gets the laptop and votes where the others cannot see."""
    a = make_window(Settings(vote_mode="secret"), picker=True)
    d = Driver(a)
    _to_play(d)
    d.key_choice("Vraag moeder wat zij")
    d.key_choice("Stel het onderwerp uit")  # uitstellen: no consent
    assert a.game.session.scene_id == "teamoverleg"
    assert all(not c.enabled for c in d.choices())  # shown for discussion, not clickable
    for voter, choice in (("Anna", "Onderzoek samen"), ("Sara", "observeren"),
                          ("Daan", "observeren")):
        d.click("Geheim stemmen")
        assert a.screen.name == "handover" and a.game.player(a.screen.role) == voter
        d.hand_over()
        assert a.screen.name == "secret_vote"
        d.click_choice(choice)
    assert a.game.session.scene_id == "plan"
    made = [e for e in a.game.session.events if e["type"] == "choice_made"]
    assert made[-1]["choice"] == "observeren"
    a.game.session.close()
    pygame.display.quit()


def test_timer_runs_out_and_the_team_continues(make_window):
    """A timed scene counts down on the clock; at zero the window lets the session take
    on_timeout, says so, and the narration scene continues with Enter."""
    clock = FakeClock(start=100.0)
    a = make_window(clock=clock, picker=True)
    d = Driver(a)
    _to_play(d)
    d.key_choice("Vraag moeder wat zij")
    d.key_choice("Vraag moeder om toestemming")
    for _ in range(3):
        d.key_choice("Onderzoek samen")
    assert a.game.session.scene_id == "plan"
    assert a.screen.wake_interval() == 0.25
    clock.now += 181
    d.settle(3)
    assert a.game.session.scene_id == "te_laat"
    assert any(kind == "timeout" for kind, _ in a.screen.notices)
    d.key(pygame.K_RETURN)
    assert a.screen.name == "ending"
    assert a.game.session.ending.id == "vastgelopen"
    a.game.session.close()
    pygame.display.quit()


def test_export_button_writes_the_report(app, tmp_path):
    """At the debrief, "Rapport opslaan" writes the HTML report next to the log."""
    d = Driver(app)
    _to_play(d)
    d.key_choice("Leg uit welke zorgen")
    d.key_choice("Stel het onderwerp uit")
    for _ in range(3):
        d.key_choice("Onderzoek samen")
    d.click_choice("Schrijf zelf")
    d.click_choice("Schrijf zelf")
    d.key(pygame.K_RETURN)
    assert app.screen.name == "debrief"
    d.click("Rapport opslaan (HTML)")
    (report,) = list((tmp_path / "logs").glob("*.html"))
    assert "<html" in report.read_text(encoding="utf-8").lower()


def test_play_on_from_a_scene_forks_a_new_log(app, tmp_path):
    """From the debrief timeline the team plays on from an earlier scene in a new log; the
    original log is left as it was."""
    d = Driver(app)
    _to_play(d)
    d.key_choice("Leg uit welke zorgen")
    d.key_choice("Stel het onderwerp uit")
    for _ in range(3):
        d.key_choice("Onderzoek samen")
    d.click_choice("Schrijf zelf")
    d.click_choice("Schrijf zelf")
    d.key(pygame.K_RETURN)
    original = app.game.session.log_path
    before = original.read_bytes()
    d.key(pygame.K_2)  # timeline tab
    d.click("Kort overleg")
    assert app.screen.name == "play"
    assert app.game.session.scene_id == "teamoverleg"
    assert app.game.session.log_path != original
    assert original.read_bytes() == before
    d.key_choice("Onderzoek samen")
    assert app.game.pending_votes == {"jeugdprofessional": "netwerk"}
    first = json.loads(app.game.session.log_path.read_text(encoding="utf-8").splitlines()[0])
    assert first["forked_from"]["path"].endswith(original.name)

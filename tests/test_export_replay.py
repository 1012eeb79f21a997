"""Tests for game.export.replay: the timeline and forking a new session from any point."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from game.engine.session import Session
from game.errors import LogError
from game.export.logs import find_scenario, read_team_log
from game.export.replay import final_variables, fork, is_automatic, settled_seq, timeline

LOGS = Path(__file__).parent / "data" / "logs"
TEAM1 = LOGS / "keukentafel_team1.jsonl"


@pytest.fixture(scope="module")
def scenario():
    """The keukentafel scenario of the golden logs."""
    return find_scenario(read_team_log(TEAM1))


@pytest.fixture()
def original(tmp_path):
    """A private copy of the team 1 log (fork must never change it)."""
    path = tmp_path / "orig.jsonl"
    shutil.copy(TEAM1, path)
    return path


def test_timeline_has_one_moment_per_event_with_readable_text(scenario):
    """Moments mirror the events; texts name players, roles, choices and cards by title."""
    events = read_team_log(TEAM1).events
    moments = timeline(events, scenario)
    assert [m.seq for m in moments] == [e["seq"] for e in events]
    share = next(m for m in moments if m.kind == "info_shared")
    assert share.text == (
        "Brecht Van Aelst (Jeugdverpleegkundige) deelt ‘Slaapdagboek’ met het hele team"
    )
    assert share.flag == "" and share.is_action
    consult = moments[2]
    assert consult.kind == "consulted" and consult.targets == ("leerkracht",)
    english = timeline(events, scenario, "en")
    assert english[-1].text.startswith("End: Samen verder (good)")


def test_timeline_without_scenario_uses_ids(scenario):
    """Without a scenario the moments still read, with ids instead of titles."""
    moments = timeline(read_team_log(TEAM1).events)
    assert moments[1].text == "Scène: kennismaking"


def test_timeline_never_shows_a_hidden_variable(scenario):
    """`toestemming` has no `show`: its change is not in the debrief, `vertrouwen`'s is."""
    assert not scenario.variables["toestemming"].show and scenario.variables["vertrouwen"].show
    events = read_team_log(TEAM1).events
    assert any("toestemming" in (e.get("changes") or {}) for e in events)  # it is logged
    choices = [m for m in timeline(events, scenario) if m.kind == "choice_made"]
    assert all("toestemming" not in m.changes and "nee → ja" not in m.text for m in choices)
    assert any("Vertrouwen gezin 50 → 60" in m.text for m in choices)
    assert all(not m.changes for m in timeline(events) if m.kind == "choice_made")


@pytest.mark.parametrize("requested", range(0, 17))
def test_fork_replays_to_the_state_after_seq(tmp_path, original, scenario, requested):
    """A fork at any seq has exactly the original events up to it and the state they lead to.

    The fork point moves over the events the engine writes by itself after a move (the next
    scene, a vote's decision), so seq may grow, but only over such events.
    """
    events = read_team_log(original).events
    before = original.read_bytes()
    new = tmp_path / f"fork{requested}.jsonl"
    session = fork(original, requested, new, scenario)
    seq = len(session.events) - 1
    assert seq == settled_seq(events, requested) >= requested
    assert all(is_automatic(e) for e in events[requested + 1 : seq + 1])
    assert original.read_bytes() == before
    assert len(session.events) == seq + 1
    assert session.events[1:] == list(events[1 : seq + 1])
    started = session.events[0]
    assert started["forked_from"]["seq"] == seq
    assert started["forked_from"]["path"] == str(original)
    assert started["forked_from"]["session_id"] == read_team_log(original).session_id
    entered = [e["scene"] for e in events[: seq + 1] if e["type"] == "scene_entered"]
    assert session.scene_id == entered[-1]
    assert session.variables == final_variables(events[: seq + 1], scenario)
    assert not session.finished
    # The new log on disk is the same as the session's events, and differs in session id.
    written = [json.loads(line) for line in new.read_text(encoding="utf-8").splitlines()]
    assert written == session.events
    assert read_team_log(new).session_id != read_team_log(original).session_id
    session.close()


def test_forked_session_plays_on_and_appends_to_the_new_log(tmp_path, original, scenario):
    """After a fork before the last scene the team can choose differently; resume works too."""
    events = read_team_log(original).events
    plan_entry = next(e["seq"] for e in events if e.get("scene") == "plan")
    new = tmp_path / "verder.jsonl"
    session = fork(original, plan_entry, new, scenario)
    session.choose("jeugdprofessional", "zelf")
    session.choose("leerkracht", "zelf")
    assert session.finished and session.ending.id in ("half_werk", "vastgelopen")
    session.close()
    resumed = Session.resume(new, scenario)
    assert resumed.finished and resumed.ending.id == session.ending.id
    resumed.close()


def test_fork_refuses_the_end_a_missing_seq_and_an_existing_file(tmp_path, original, scenario):
    """Forking at session_ended, past the log, or onto an existing file is a LogError."""
    events = read_team_log(original).events
    with pytest.raises(LogError, match="afgelopen"):
        fork(original, len(events) - 1, tmp_path / "a.jsonl", scenario)
    with pytest.raises(LogError, match="afgelopen"):  # the last vote leads straight to the end
        fork(original, len(events) - 3, tmp_path / "a.jsonl", scenario)
    with pytest.raises(LogError, match="99"):
        fork(original, 99, tmp_path / "b.jsonl", scenario)
    existing = tmp_path / "c.jsonl"
    existing.write_text("iets\n", encoding="utf-8")
    with pytest.raises(LogError, match="bestaat al"):
        fork(original, 2, existing, scenario)
    assert existing.read_text(encoding="utf-8") == "iets\n"


def test_report_of_a_fork_says_where_it_came_from(tmp_path, original, scenario):
    """The team report of a forked log names the event it continued from."""
    from game.export.report import render_report

    session = fork(original, 6, tmp_path / "f.jsonl", scenario)
    session.close()
    html = render_report(read_team_log(tmp_path / "f.jsonl"), scenario)
    assert "verder vanaf gebeurtenis 6" in html and "orig.jsonl" in html
    hidden = render_report(read_team_log(tmp_path / "f.jsonl"), scenario, pseudonymize=True)
    assert "verder vanaf gebeurtenis 6" in hidden and "orig.jsonl" not in hidden


@settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_fork_of_random_sessions_of_bundled_cases_matches_the_original(tmp_path_factory, data):
    """Random sessions of the bundled cases (narration, timers, votes, shares), forked at a
    random event: the fork holds the original's events up to the settled point and the
    variables and knowledge those events lead to."""
    from test_export_report import _random_session

    from game.scenario.loader import load_scenario

    bundled = sorted((Path(__file__).parents[1] / "scenarios").glob("*.yaml"))
    file = data.draw(st.sampled_from(bundled), label="scenario")
    seed = data.draw(st.integers(1, 10_000), label="seed")
    scenario = load_scenario(file)
    folder = tmp_path_factory.mktemp("fork")
    original = folder / "orig.jsonl"
    _random_session(scenario, original, seed)
    events = read_team_log(original).events
    playable = [i for i in range(len(events))
                if events[settled_seq(events, i)]["type"] != "session_ended"]
    seq = data.draw(st.sampled_from(playable), label="seq")
    session = fork(original, seq, folder / "fork.jsonl", scenario)
    point = settled_seq(events, seq)
    assert session.events[1:] == list(events[1 : point + 1])
    assert session.variables == final_variables(events[: point + 1], scenario)
    shared = {e["info"] for e in events[: point + 1] if e["type"] == "info_shared"}
    assert shared <= set(session.shared_cards)
    session.close()

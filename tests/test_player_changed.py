"""A role that changes hands during a session (`player_changed`): the log, resume and every
debrief output name who played each role when, and pseudonymisation covers the new names."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from conftest import FakeClock

from game.engine.log import read_log
from game.engine.session import Session
from game.errors import LogError, SessionError
from game.export.csv import write_csv
from game.export.logs import read_team_log
from game.export.pseudonym import pseudonymize
from game.export.replay import fork, timeline
from game.export.report import write_report
from game.export.xapi import statements
from game.scenario.loader import load_scenario

CASE = Path(__file__).parent / "data" / "klas" / "vier_rollen.yaml"
PLAYERS = {"jeugdprofessional": "Sara", "leerkracht": "Ahmed"}


@pytest.fixture
def scenario():
    return load_scenario(CASE)


def played(scenario, path: Path) -> Session:
    """Sara and Ahmed start; Piet takes the jeugdarts role 30 s in and consults Sara."""
    clock = FakeClock()
    session = Session(scenario, players=PLAYERS, log=path, seed=3, clock=clock)
    session.choose("jeugdprofessional", "toestemming")
    clock.advance(30)
    assert session.change_player("jeugdarts", "  Piet ") is True
    session.consult("jeugdarts", "jeugdprofessional")
    return session


def test_change_is_logged_and_renders_the_new_name(scenario, tmp_path):
    """The event holds role, name and scene; texts and `players` use the new name."""
    session = played(scenario, tmp_path / "t.jsonl")
    event = next(e for e in session.events if e["type"] == "player_changed")
    assert {k: event[k] for k in ("role", "name", "scene")} == {
        "role": "jeugdarts", "name": "Piet", "scene": "overleg"}
    assert event["elapsed_ms"] == 30_000
    assert session.players["jeugdarts"] == "Piet"
    assert session.change_player("jeugdarts", "Piet") is False  # the same name: nothing logged
    assert sum(e["type"] == "player_changed" for e in session.events) == 1
    session.change_player("jeugdprofessional", "Noa")
    assert session.briefing("jeugdprofessional").startswith("Jij bent Noa,")
    with pytest.raises(SessionError):
        session.change_player("kok", "Piet")
    with pytest.raises(SessionError):
        session.change_player("jeugdarts", "   ")
    session.close()


def test_resume_and_fork_keep_the_new_player(scenario, tmp_path):
    """Replay applies the change, so resume and fork have the new name and append after it."""
    path = tmp_path / "t.jsonl"
    session = played(scenario, path)
    events = list(session.events)
    session.close()
    again = Session.resume(path, scenario)
    assert again.events == events and again.players["jeugdarts"] == "Piet"
    again.consult("leerkracht", "jeugdarts")
    again.close()
    forked = fork(path, 4, tmp_path / "f.jsonl", scenario)  # right after the change
    assert forked.players["jeugdarts"] == "Piet"
    forked.close()


def test_schema_checks_the_event_and_replay_refuses_a_no_op(scenario, tmp_path):
    """A `player_changed` without a text name is a damaged log; one that changes nothing
    (an edited log) is refused on resume with a clear message."""
    path = tmp_path / "t.jsonl"
    played(scenario, path).close()
    lines = path.read_text(encoding="utf-8").splitlines()
    index = next(i for i, line in enumerate(lines) if '"player_changed"' in line)
    bad = json.loads(lines[index])
    bad["name"] = 7
    broken = tmp_path / "broken.jsonl"
    broken.write_text("\n".join([*lines[:index], json.dumps(bad), *lines[index + 1:]]) + "\n")
    with pytest.raises(LogError, match="name"):
        read_log(broken)
    same = json.loads(lines[index])
    same["name"] = "Jeugdarts"  # the role's own name, which it already had
    edited = tmp_path / "edited.jsonl"
    edited.write_text("\n".join([*lines[:index], json.dumps(same)]) + "\n")
    with pytest.raises(LogError, match="speelt de rol"):
        Session.resume(edited, scenario)


def test_old_logs_without_changes_read_as_before(scenario, tmp_path):
    """A log without `player_changed` has just its starting players (no history anywhere)."""
    path = tmp_path / "old.jsonl"
    session = Session(scenario, players=PLAYERS, log=path, seed=3, clock=FakeClock())
    session.choose("jeugdprofessional", "toestemming")
    session.close()
    team = read_team_log(path)
    assert team.final_players == team.players
    assert [(s["role"], s["name"]) for s in team.seatings] == [
        (p["role"], p["name"]) for p in team.players]
    report = tmp_path / "old.html"
    write_report(team, report, scenario)
    assert "vanaf" not in report.read_text(encoding="utf-8")


def test_debrief_names_who_played_each_role_when(scenario, tmp_path):
    """Timeline, report, CSV and xAPI name the old player before the change, the new after."""
    path = tmp_path / "t.jsonl"
    played(scenario, path).close()
    team = read_team_log(path)
    assert [s["name"] for s in team.seatings if s["role"] == "jeugdarts"] == ["Jeugdarts", "Piet"]
    moments = timeline(team.events, scenario)
    change = next(m for m in moments if m.kind == "player_changed")
    assert change.players == ("Piet",)
    assert change.text == "Piet neemt de rol Jeugdarts op zich"  # nobody had it
    assert moments[-1].kind == "consulted" and moments[-1].players == ("Piet",)
    again = timeline([*team.events, {**team.events[4], "seq": 6, "name": "Noa"}], scenario)
    assert again[-1].text == "Noa neemt de rol Jeugdarts over (was: Piet)"

    report = tmp_path / "r.html"
    write_report(team, report, scenario)
    html = report.read_text(encoding="utf-8")
    assert "Jeugdarts, Piet" in html and "(vanaf 0:30)" in html

    out = tmp_path / "t.csv"
    write_csv(team, out, scenario)
    rows = list(csv.DictReader(out.read_text(encoding="utf-8").splitlines()))
    assert [r["players"] for r in rows if r["type"] in ("player_changed", "consulted")] == [
        "Piet", "Piet"]

    data = statements(team, scenario)
    joined = [s for s in data if s["verb"]["id"].endswith("initialized")
              and s["actor"]["name"] == "Piet"]
    assert len(joined) == 1
    account = joined[0]["actor"]["account"]["name"]
    assert account == f"{team.session_id}/jeugdarts/2"
    asked = next(s for s in data if s["verb"]["id"].endswith("asked"))
    assert asked["actor"]["name"] == "Piet" and asked["actor"]["account"]["name"] == account
    assert len({s["id"] for s in data}) == len(data)


def test_pseudonyms_cover_players_who_came_later(scenario, tmp_path):
    """A later player gets the next pseudonym; no real name is left in any event or output."""
    path = tmp_path / "t.jsonl"
    played(scenario, path).close()
    team = pseudonymize(read_team_log(path), list(scenario.roles))
    text = json.dumps(team.events, ensure_ascii=False)
    assert "Piet" not in text and "Sara" not in text
    change = next(e for e in team.events if e["type"] == "player_changed")
    assert change["name"] == "Speler 5"  # after the four starting players
    out = tmp_path / "p.csv"
    write_csv(read_team_log(path), out, scenario, pseudonymize=True)
    assert "Piet" not in out.read_text(encoding="utf-8")
    data = json.dumps(statements(read_team_log(path), scenario, pseudonymize=True))
    assert "Piet" not in data and "Speler 5" in data

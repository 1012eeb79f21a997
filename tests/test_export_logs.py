"""Tests for game.export.logs: reading logs for the debrief and finding their scenario."""

from __future__ import annotations

import json
import shutil
import uuid
from pathlib import Path

import pytest

from game.errors import LogError
from game.export.logs import (
    check_same_scenario,
    find_scenario,
    read_team_log,
    read_team_logs,
    scenario_candidates,
    session_id,
)

LOGS = Path(__file__).parent / "data" / "logs"
TEAM1 = LOGS / "keukentafel_team1.jsonl"


def test_golden_log_reads_with_every_event():
    """A complete log gives every line as an event, starting with session_started."""
    team = read_team_log(TEAM1)
    lines = TEAM1.read_text(encoding="utf-8").splitlines()
    assert len(team.events) == len(lines)
    assert team.started["type"] == "session_started"
    assert team.ended is not None and team.ended["ending"] == "samen_verder"
    assert team.warnings == ()


def test_truncated_last_line_is_dropped_with_a_warning_naming_file_and_line():
    """A crash while writing leaves half a line: it is skipped, the rest is kept."""
    team = read_team_log(LOGS / "keukentafel_team1_truncated.jsonl")
    full = read_team_log(TEAM1)
    assert list(team.events) == list(full.events[: len(team.events)])
    assert len(team.events) == len(full.events) - 1
    assert team.ended is None
    assert len(team.warnings) == 1
    assert "keukentafel_team1_truncated.jsonl:20" in team.warnings[0]


def test_garbage_in_the_middle_is_an_error_naming_the_line(tmp_path):
    """Only the last line may be damaged; a bad line elsewhere names file and line."""
    lines = TEAM1.read_text(encoding="utf-8").splitlines()
    lines[3] = "{not json"
    bad = tmp_path / "bad.jsonl"
    bad.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(LogError) as info:
        read_team_log(bad)
    assert "bad.jsonl" in str(info.value) and ":4" in str(info.value)


def test_missing_file_is_a_log_error_with_its_path(tmp_path):
    """An unreadable path raises LogError (the CLI turns it into exit 1), quoting the path."""
    with pytest.raises(LogError, match="nope.jsonl"):
        read_team_log(tmp_path / "nope.jsonl")


def test_session_id_is_a_stable_uuid_derived_from_the_first_event():
    """Without a logged session id the id is a UUIDv5 of the first event: same log, same id."""
    a = read_team_log(TEAM1).session_id
    b = read_team_log(TEAM1).session_id
    assert a == b and uuid.UUID(a).version == 5
    other = read_team_log(LOGS / "keukentafel_team2.jsonl").session_id
    assert other != a


def test_logged_session_id_is_used_when_present():
    """A `session_id` in session_started wins over the derived one."""
    sid = str(uuid.uuid4())
    assert session_id([{"type": "session_started", "session_id": sid}]) == sid


def test_teams_are_labelled_by_start_time_whatever_the_order_given():
    """Team 1..n follow the sessions' start times, so a class gets the same labels each run."""
    paths = [LOGS / f"keukentafel_team{i}.jsonl" for i in (3, 1, 2)]
    logs = read_team_logs(paths)
    assert [t.label for t in logs] == ["Team 1", "Team 2", "Team 3"]
    assert [t.path.name for t in logs] == [f"keukentafel_team{i}.jsonl" for i in (1, 2, 3)]


def test_logs_of_different_scenarios_are_refused_naming_them(tmp_path):
    """A class report needs one scenario; the error lists each file with its scenario id."""
    lines = TEAM1.read_text(encoding="utf-8").splitlines()
    first = json.loads(lines[0])
    first["scenario_id"] = "ander_scenario"
    other = tmp_path / "ander.jsonl"
    other.write_text("\n".join([json.dumps(first), *lines[1:]]) + "\n", encoding="utf-8")
    logs = read_team_logs([TEAM1, other])
    with pytest.raises(LogError) as info:
        check_same_scenario(logs)
    assert "ander.jsonl (ander_scenario)" in str(info.value)
    assert "keukentafel_team1.jsonl (keukentafel)" in str(info.value)


def test_scenario_is_found_next_to_the_log_by_sha256(tmp_path):
    """A copy of the log with its scenario beside it finds that scenario (by hash)."""
    shutil.copy(TEAM1, tmp_path / "t.jsonl")
    shutil.copy(LOGS / "keukentafel.yaml", tmp_path / "some_name.yaml")
    team = read_team_log(tmp_path / "t.jsonl")
    scenario = find_scenario(team)
    assert scenario.id == "keukentafel" and scenario.sha256 == team.scenario_sha256


def test_explicit_scenario_option_is_the_only_candidate(tmp_path):
    """`--scenario FILE` is used as given, nothing else is searched."""
    team = read_team_log(TEAM1)
    assert scenario_candidates(team, tmp_path / "x.yaml") == [tmp_path / "x.yaml"]


def test_missing_scenario_is_a_clear_error(tmp_path):
    """No matching file anywhere: LogError naming the scenario id and the --scenario option."""
    lines = TEAM1.read_text(encoding="utf-8").splitlines()
    first = json.loads(lines[0])
    first.update(scenario_id="bestaat_niet", scenario_sha256="0" * 64, scenario_path=None)
    log = tmp_path / "t.jsonl"
    log.write_text("\n".join([json.dumps(first), *lines[1:]]) + "\n", encoding="utf-8")
    with pytest.raises(LogError) as info:
        find_scenario(read_team_log(log))
    assert "bestaat_niet" in str(info.value) and "--scenario" in str(info.value)

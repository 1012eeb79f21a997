"""Tests for game.export.compare: endings per team and the decisions where teams parted."""

from __future__ import annotations

from pathlib import Path

import pytest

from game.export.compare import TIMEOUT, divergences, ending_counts, first_decisions
from game.export.logs import find_scenario, read_team_logs

LOGS = Path(__file__).parent / "data" / "logs"


@pytest.fixture(scope="module")
def logs():
    """The three complete golden logs, labelled Team 1..3."""
    return read_team_logs([LOGS / f"keukentafel_team{i}.jsonl" for i in (1, 2, 3)])


@pytest.fixture(scope="module")
def scenario(logs):
    """Their scenario."""
    return find_scenario(logs[0])


def test_endings_per_team_in_scenario_order(logs, scenario):
    """Each ending lists the teams that reached it, in the order the scenario declares them."""
    rows = ending_counts(logs, scenario)
    assert [(r["id"], r["teams"]) for r in rows] == [
        ("samen_verder", ["Team 1"]),
        ("half_werk", ["Team 3"]),
        ("vastgelopen", ["Team 2"]),
    ]


def test_unfinished_sessions_are_listed_apart(scenario):
    """A truncated log counts under 'niet afgerond', not under an ending."""
    logs = read_team_logs([LOGS / "keukentafel_team1_truncated.jsonl",
                           LOGS / "keukentafel_team3.jsonl"])
    rows = ending_counts(logs, scenario)
    assert rows[-1]["outcome"] == "unfinished" and len(rows[-1]["teams"]) == 1


def test_first_decisions_record_a_timeout(logs):
    """Team 2's plan scene ended by the timer: recorded as TIMEOUT."""
    team2 = next(t for t in logs if t.path.name.endswith("team2.jsonl"))
    assert first_decisions(team2)["plan"] == TIMEOUT


def test_divergences_name_the_scenes_and_the_teams_per_choice(logs, scenario):
    """Every scene where teams chose differently, in story order, most chosen option first."""
    found = {d["scene"]: d for d in divergences(logs, scenario)}
    assert list(found) == ["kennismaking", "toestemming_vragen", "teamoverleg", "plan"]
    first = found["kennismaking"]["options"]
    assert first[0]["teams"] == ["Team 1", "Team 3"] and first[0]["choice"] == "vraag_behoefte"
    assert first[1]["teams"] == ["Team 2"]
    assert found["plan"]["options"][-1]["text"] == "(tijd op)"


def test_no_divergence_when_all_teams_agree(logs, scenario):
    """The same log twice never diverges."""
    assert divergences([logs[0], logs[0]], scenario) == []

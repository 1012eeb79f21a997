"""Tests for the cooperation check (game.authoring.cooperation, game.scoring.reach)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from game.authoring import cooperation
from game.cli import main as cli
from game.scenario.loader import load_scenario, load_scenario_text
from game.scoring.reach import SILENT, Solo, over_reach

ROOT = Path(__file__).parent.parent
DATA = Path(__file__).parent / "data" / "cooperation"
BUNDLED = sorted((ROOT / "scenarios").glob("*.yaml"))


def team(report: dict, label: str) -> dict:
    """The report entry of one team by its label (`silent`, `solo leerkracht`, ...)."""
    return next(t for t in report["teams"] if t["label"] == label)


def test_a_good_ending_that_needs_a_share_is_proven_out_of_reach_when_silent():
    """The plan needs `knows(leerkracht, verhaal)`, a card the youth professional owns: the
    silent team (and each solo team) provably never reaches the good ending; the open team,
    which shares the card with the teacher, does."""
    scenario = load_scenario(DATA / "needs_share.yaml")
    report = cooperation.check(scenario, runs=5)
    silent = team(report, "silent")
    assert silent["endings"] == ["los_zand"]
    assert silent["good_endings"] == [] and silent["path"] is None
    assert silent["method"] == "exhaustive"
    assert report["silent_good"] is False
    for role in scenario.roles:
        assert team(report, f"solo {role}")["good_endings"] == []
    assert team(report, "open")["good_endings"] == ["samen_verder"]
    assert team(report, "random")["endings"] == ["samen_verder", "los_zand"]
    assert cooperation.strict_problems(scenario) == []


def test_without_that_need_the_silent_team_reaches_it_with_this_path():
    """The same case without the guard: the silent team reaches the good ending, the report
    gives the one-choice path (id and text) and a real Session replays it to that ending;
    `validate --strict` reports it at the ending's line."""
    scenario = load_scenario(DATA / "no_need.yaml")
    report = cooperation.check(scenario, runs=5)
    silent = team(report, "silent")
    assert silent["good_endings"] == ["samen_verder"]
    assert report["silent_good"] is True
    path = silent["path"]
    assert path["ending"] == "samen_verder" and path["verified"] is True
    assert path["steps"] == [{"scene": "klas", "choice": "c1", "to": "samen_verder",
                              "text": "Pas de ochtend aan en spreek het af met moeder"}]
    session = cooperation.replay_path(scenario, path["steps"])
    assert session.ending.id == "samen_verder"
    assert not session.shared("verhaal") and not session.consulted_roles
    [problem] = cooperation.strict_problems(scenario)
    assert problem.code == cooperation.SILENT_CODE and problem.severity == "warning"
    assert "samen_verder" in problem.message_nl and "c1" in problem.message


def test_solo_team_keeps_team_decisions_to_its_own_choices():
    """A vote where only `b` may pick the good choice: solo `a` cannot reach the good ending,
    solo `b` and the silent team can (the over-approximation already tells)."""
    text = """
format: 1
id: stem
title: Stem
roles:
  a: {name: A, academy: pabo, briefing: A.}
  b: {name: B, academy: recht, briefing: B.}
scores:
  s: {label: S}
start: kies
scenes:
  kies:
    text: Kies.
    actor: [a, b]
    decision: vote
    choices:
      - {id: goed, text: Goed, roles: [b], goto: goed}
      - {id: mis, text: Mis, goto: mis}
endings:
  goed: {title: Goed, text: Goed., outcome: good}
  mis: {title: Mis, text: Mis., outcome: bad}
"""
    scenario = load_scenario_text(text, path="stem.yaml")
    assert over_reach(scenario, Solo("a")) == {"mis"}
    assert over_reach(scenario, Solo("b")) == {"goed", "mis"}
    assert over_reach(scenario, SILENT) == {"goed", "mis"}
    report = cooperation.check(scenario, runs=3)
    assert team(report, "solo a")["endings"] == ["mis"]
    assert team(report, "solo b")["good_endings"] == ["goed"]


def test_role_balance_warns_when_one_role_decides_more_than_40_percent():
    """In the small case the teacher takes the only decision alone: 100 % of the decisions,
    statically and in every play, so the balance warns for her and not for the other role."""
    report = cooperation.check(load_scenario(DATA / "needs_share.yaml"), runs=4)
    roles = report["balance"]["roles"]
    assert roles["leerkracht"] == {"solo": 1, "tiebreaks": 0, "share": 1.0,
                                   "played_share": 1.0}
    assert roles["jeugdprofessional"]["share"] == 0.0
    assert report["balance"]["warn"] == ["leerkracht"]
    assert {"code": "role-balance", "role": "leerkracht"} in report["warnings"]


@pytest.mark.parametrize("path", BUNDLED, ids=lambda p: p.stem)
def test_the_check_reports_on_every_bundled_case(path):
    """The report on every bundled case has the right teams, endings of the case only, the
    good endings among them, and any path it gives is real: replayed through a Session it ends
    at that good ending without a share or a consult. (A verdict on the cases is not asserted:
    they are being rewritten.)"""
    scenario = load_scenario(path)
    report = cooperation.check(scenario, runs=3, budget=1500)
    assert set(report) == set(cooperation.REPORT_KEYS)
    assert [t["label"] for t in report["teams"]] == (
        ["silent"] + [f"solo {r}" for r in scenario.roles] + ["random", "open"])
    good = {e for e, ending in scenario.endings.items() if ending.outcome == "good"}
    for entry in report["teams"]:
        assert set(entry["endings"]) <= set(scenario.endings)
        assert set(entry["good_endings"]) == set(entry["endings"]) & good
        assert entry["method"] in ("exhaustive", "sampled")
        assert (entry["method"] == "sampled") == bool(entry["unknown"])
        assert entry["index"]["plays"] == 3
        path = entry["path"]
        if path is not None:
            assert entry["team"] in ("silent", "solo")
            assert scenario.endings[path["ending"]].outcome == "good"
            for step in path["steps"]:
                if "choice" in step:
                    scenario.scenes[step["scene"]].choice(step["choice"])  # it exists
            if path["shortest"]:  # found by the search (else taken from a real play)
                session = cooperation.replay_path(scenario, path["steps"])
                assert session is not None and session.ending.id == path["ending"]
                assert not session.shared_cards and not session.consulted_roles
    assert report["silent_good"] == bool(report["teams"][0]["good_endings"])
    assert set(report["balance"]["roles"]) == set(scenario.roles)
    json.dumps(report)


def test_cli_samenwerking_and_cooperation_alias(capsys):
    """`simulate --samenwerking` prints the Dutch report, `--cooperation --json` the report
    as JSON; exit 1 when a silent team can reach a good ending, else 0."""
    assert cli(["simulate", str(DATA / "needs_share.yaml"), "--samenwerking", "--runs", "3"]) == 0
    out = capsys.readouterr().out
    assert "Stil team" in out and "bewezen" in out
    assert cli(["simulate", str(DATA / "no_need.yaml"), "--cooperation", "--json",
                "--runs", "3"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["silent_good"] is True
    assert report["teams"][0]["path"]["steps"][0]["choice"] == "c1"


def test_open_team_asks_consent_and_shares_only_with_those_who_need_it():
    """tests/data/valid/toestemming.yaml: the good ending needs `granted(verhaal_moeder,
    leerkracht)`, consent the family gives only when asked. The silent team provably never
    gets there; the open team asks (granted), shares the story with the teacher alone (its
    `needed_by`), never oversharing or breaching, and reaches the good ending."""
    scenario = load_scenario(Path(__file__).parent / "data" / "valid" / "toestemming.yaml")
    report = cooperation.check(scenario, runs=4)
    silent = team(report, "silent")
    assert silent["good_endings"] == [] and silent["method"] == "exhaustive"
    assert team(report, "open")["good_endings"] == ["goed"]
    session = cooperation.play(scenario, "open", None, seed=1)
    asked = [e for e in session.events if e["type"] == "consent_asked"]
    assert [(e["info"], e["to"], e["granted"]) for e in asked] == [
        ("verhaal_moeder", ["leerkracht"], True)]
    shares = [e for e in session.events if e["type"] == "info_shared"]
    story = [e for e in shares if e["info"] == "verhaal_moeder"]
    assert [e["to"] for e in story] == [["leerkracht"]]
    assert not any(e["breach"] or e.get("overshared") for e in shares)

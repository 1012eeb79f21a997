"""Tests for game.authoring.simulate and the `samenspel simulate` command.

The planted scenario (tests/data/simulate/planted.yaml) hides an unreachable ending, a stall
and a guard that never opens; the clean one has none of those and must come out clean.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from game.authoring import simulate as sim
from game.scenario.loader import load_scenario

DATA = Path(__file__).parent / "data" / "simulate"
ROOT = Path(__file__).parent.parent


@pytest.fixture(scope="module")
def planted():
    """The scenario with planted problems."""
    return load_scenario(DATA / "planted.yaml")


@pytest.fixture(scope="module")
def clean():
    """A small scenario without problems (vote, consensus, timer, card, cycle)."""
    return load_scenario(DATA / "clean.yaml")


def test_finds_planted_unreachable_ending(planted):
    """The ending `nooit` (needs vertrouwen > 90, at most 60) is never reached."""
    report = sim.simulate(planted, runs=200, seed=3, jobs=1)
    assert report["endings_never_reached"] == ["nooit"]
    assert report["endings"]["nooit"]["count"] == 0
    assert report["endings"]["goed"]["count"] > 0
    assert {"scene": "overleg", "choice": "gewoon", "to": "nooit",
            "if": "vertrouwen > 90"} in report["routes_never_taken"]


def test_finds_planted_stall(planted):
    """A team that took `snel` is stuck in `impasse`: reported as a stall, report not ok."""
    report = sim.simulate(planted, runs=200, seed=3, jobs=1)
    assert [s["scene"] for s in report["stalls"]] == ["impasse"]
    assert report["stalls"][0]["count"] > 0
    assert report["ok"] is False
    # stalled runs reach no ending: percentages are of all runs
    assert report["endings"]["goed"]["count"] + report["stalls"][0]["count"] == 200


def test_finds_planted_never_opening_guard(planted):
    """`perfect` needs vertrouwen >= 100, which never happens: its guard never opened."""
    report = sim.simulate(planted, runs=200, seed=3, jobs=1)
    guards = {(g["scene"], g["choice"]) for g in report["guards_never_opened"]}
    assert ("overleg", "perfect") in guards
    assert {"scene": "overleg", "choice": "perfect"} in report["choices_never_taken"]


def test_clean_scenario_is_clean(clean):
    """Every ending, scene, choice, guard and route occurs; no stall, crash or endless run."""
    report = sim.simulate(clean, runs=300, seed=1, jobs=1)
    assert report["ok"] is True
    assert report["endings_never_reached"] == []
    assert report["scenes_never_entered"] == []
    assert report["choices_never_taken"] == []
    assert report["guards_never_opened"] == []
    assert report["routes_never_taken"] == []
    assert sum(e["count"] for e in report["endings"].values()) == 300


def test_same_seed_same_report(clean):
    """Same scenario, runs and seed → identical report; another seed differs somewhere."""
    a = sim.simulate(clean, runs=150, seed=7, jobs=1)
    b = sim.simulate(clean, runs=150, seed=7, jobs=1)
    c = sim.simulate(clean, runs=150, seed=8, jobs=1)
    assert json.dumps(a) == json.dumps(b)
    assert json.dumps(a) != json.dumps(c)


def test_report_does_not_depend_on_jobs(clean):
    """Splitting the runs over two processes gives exactly the one-process report."""
    one = sim.simulate(clean, runs=120, seed=5, jobs=1)
    two = sim.simulate(clean, runs=120, seed=5, jobs=2)
    assert json.dumps(one) == json.dumps(two)


def test_workers_that_get_the_scenario_pickled_give_the_same_report(clean, monkeypatch):
    """Where processes cannot fork (Windows, macOS) the workers are spawned and receive the
    scenario pickled, after this process has derived a machine and maxima from it."""
    one = sim.simulate(clean, runs=60, seed=5, jobs=1)
    assert clean.derived, "the first run keeps what it derived on the scenario"
    monkeypatch.setattr(sim.multiprocessing, "get_all_start_methods", lambda: ["spawn"])
    assert json.dumps(sim.simulate(clean, runs=60, seed=5, jobs=2)) == json.dumps(one)


def test_score_ranges_and_maxima(clean):
    """Score ranges lie within what the scenario allows, with the computed maxima beside them;
    the self-loop `nogmaals` lets random teams pass the two-entry maximum (flagged)."""
    report = sim.simulate(clean, runs=300, seed=1, jobs=1)
    regie = report["scores"]["regie"]
    assert regie["computed_max"] == 5  # vraag 2 + samen 2 + one extra nogmaals 1
    assert regie["min"] <= regie["median"] <= regie["max"]
    assert regie["above_max"] > 0
    delen = report["scores"]["delen"]
    assert delen["possible_max"] == 3 and delen["max"] <= 3


def test_crash_is_reported_not_raised(clean, monkeypatch):
    """An exception inside a run becomes a crash entry and makes the report not ok."""
    from game.engine.session import Session

    def boom(self, *args, **kwargs):
        raise RuntimeError("kapot")

    monkeypatch.setattr(Session, "proceed", boom)
    monkeypatch.setattr(Session, "tick", boom)
    report = sim.simulate(clean, runs=40, seed=1, jobs=1)
    assert report["crashes"] and "kapot" in report["crashes"][0]["error"]
    assert report["ok"] is False


def test_crash_while_starting_a_session_is_reported(clean, monkeypatch):
    """Even a Session that cannot be created is a reported crash, not a simulator traceback."""
    from game.engine.session import Session

    def refuse(self, *args, **kwargs):
        raise ValueError("geen sessie")

    monkeypatch.setattr(Session, "__init__", refuse)
    report = sim.simulate(clean, runs=3, seed=1, jobs=1)
    assert len(report["crashes"]) == 3 and report["crashes"][0]["scene"] is None
    assert report["ok"] is False


def test_all_paths_enumerates_small_scenario(planted, clean):
    """Every path: planted has 2 ways out of `begin` per team style; the stall and the
    never-reached ending show up; the clean cycle is cut at a third entry."""
    report = sim.all_paths(planted)
    assert report["mode"] == "all-paths"
    assert report["truncated"] is False
    assert report["endings_never_reached"] == ["nooit"]
    assert [s["scene"] for s in report["stalls"]] == ["impasse"]
    clean_report = sim.all_paths(clean)
    assert clean_report["ok"] is True
    assert clean_report["cut_paths"] > 0
    assert clean_report["scores"]["regie"]["max"] == 5  # the best path reaches the maximum
    assert clean_report["endings_never_reached"] == []


def test_all_paths_says_when_truncated(clean):
    """With a bound smaller than the number of paths the report says it was truncated."""
    report = sim.all_paths(clean, max_paths=3)
    assert report["truncated"] is True
    assert report["runs"] == 6  # 3 per team style


def run_cli(*args: str) -> subprocess.CompletedProcess:
    """`python -m game simulate ...` in a subprocess (piped: no progress bar)."""
    return subprocess.run([sys.executable, "-m", "game", "simulate", *args],
                          capture_output=True, text=True, cwd=ROOT, timeout=120)


def test_cli_dutch_text_and_exit_code_on_stall():
    """Dutch by default; a stall makes the exit code 1 and is named in the output."""
    result = run_cli(str(DATA / "planted.yaml"), "--runs", "100")
    assert result.returncode == 1
    assert "vast in scène ‘impasse’" in result.stdout
    assert "Nooit bereikt: nooit" in result.stdout
    assert "\x1b[" not in result.stdout + result.stderr  # no progress bar when piped


def test_cli_json_english_and_clean_exit():
    """--json prints the report dict; a clean scenario exits 0."""
    result = run_cli(str(DATA / "clean.yaml"), "--runs", "50", "--json", "--lang", "en")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["ok"] is True and report["runs"] == 50
    assert set(sim.REPORT_KEYS) <= set(report)


def test_cli_english_text_all_paths():
    """--all-paths in English names the mode."""
    result = run_cli(str(DATA / "clean.yaml"), "--all-paths", "--lang", "en")
    assert result.returncode == 0, result.stderr
    assert "All paths of" in result.stdout
    assert "Result: no errors found." in result.stdout


def test_cli_bad_scenario_exits_1(tmp_path):
    """A scenario that does not load: problems on stderr, exit 1, no traceback."""
    bad = tmp_path / "bad.yaml"
    bad.write_text("format: 1\nid: x\n", encoding="utf-8")
    result = run_cli(str(bad))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "bad.yaml" in result.stderr


def test_simulate_catalogues_have_the_same_keys():
    """Every simulate string exists in Dutch and in English."""
    from game.i18n import catalog

    nl = {k for k in catalog("nl") if k.startswith("simulate.")}
    en = {k for k in catalog("en") if k.startswith("simulate.")}
    assert nl == en and "simulate.stall" in nl

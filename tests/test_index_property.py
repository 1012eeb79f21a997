"""The cooperation index rewards cooperation: on every bundled case and on generated ones, the
open team's best index is at least 20 points above the silent team's best index.

Teams are the small policy players of tests/team_policies.py driving real Sessions (silent:
never shares, consults or asks; open: shares every card it may with those who need it,
asking consent first where it can, and consults every adviser); both pick their choices at
random, and "best" is the maximum over a number of seeded plays.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from team_policies import best_index

from game.scenario.loader import load_scenario, load_scenario_text

ROOT = Path(__file__).resolve().parents[1]
BUNDLED = sorted((ROOT / "scenarios").glob("*.yaml"))
MARGIN = 20
PLAYS = 30

sys.path.insert(0, str(ROOT / "benchmarks"))
from generate import generate  # noqa: E402


def assert_open_beats_silent(scenario) -> None:
    """The property itself, with both numbers in the message."""
    silent = best_index(scenario, "silent", PLAYS)
    opened = best_index(scenario, "open", PLAYS)
    assert silent is not None and opened is not None
    assert opened >= silent + MARGIN, f"{scenario.id}: open {opened}, silent {silent}"


@pytest.mark.parametrize("path", BUNDLED, ids=[p.stem for p in BUNDLED])
def test_open_team_beats_silent_team_on_bundled_case(path):
    """Every bundled case: open best index >= silent best index + 20."""
    assert_open_beats_silent(load_scenario(path))


def test_open_team_beats_silent_team_on_the_consent_case():
    """The small case with scoped, asked-for consent (tests/data/valid/toestemming.yaml)."""
    assert_open_beats_silent(load_scenario(ROOT / "tests" / "data" / "valid" / "toestemming.yaml"))


@settings(max_examples=6, suppress_health_check=[HealthCheck.too_slow])
@given(scenes=st.integers(4, 14), seed=st.integers(1, 10_000),
       votes=st.sampled_from([0.0, 0.25, 0.5]))
def test_open_team_beats_silent_team_on_generated_cases(scenes, seed, votes):
    """Generated cases of several sizes and shapes (benchmarks/generate.py)."""
    scenario = load_scenario_text(generate(scenes, seed, cards=6, votes=votes))
    assert_open_beats_silent(scenario)

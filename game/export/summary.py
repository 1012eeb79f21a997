"""The numbers of one team, exactly as `game.scoring` computes them, for every export.

The debrief never computes scores itself: it asks `game.scoring` for `scores`, `metrics` and
the cooperation index over the team's events (recomputed, so an old log is scored as today).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from attrs import frozen

from game import scoring

if TYPE_CHECKING:
    from game.scenario.model import Scenario

@frozen
class Numbers:
    """What scoring says about one team: `scores`, `metrics` and the cooperation `index` dicts.

    The dict shapes are game.scoring's (see its docstrings and docs/scoring.md); this class
    adds only convenient, defensive read access for the writers.
    """

    scores: dict
    metrics: dict
    index: dict

    @property
    def index_value(self) -> float | None:
        """The team cooperation index 0..100, or None when scoring gave none."""
        value = self.index.get("value") if isinstance(self.index, dict) else self.index
        return float(value) if isinstance(value, int | float) else None

    def dimension(self, dim: str) -> dict:
        """{points, max, percent} of the team for one dimension ({} when unknown)."""
        team = self.scores.get("team", self.scores)
        entry = team.get(dim) if isinstance(team, dict) else None
        return entry if isinstance(entry, dict) else {}

    def role_points(self, role: str) -> dict:
        """Points per dimension credited to one role ({} when unknown)."""
        roles = self.scores.get("roles", {})
        entry = roles.get(role) if isinstance(roles, dict) else None
        if isinstance(entry, dict):
            # Accept both {dim: n} and {dim: {points: n, ...}}.
            return {
                k: (v.get("points", 0) if isinstance(v, dict) else v) for k, v in entry.items()
            }
        return {}


def numbers(events: Sequence[dict], scenario: Scenario) -> Numbers:
    """Scores, metrics and cooperation index of one team's events (see `Numbers`)."""
    events = list(events)
    metrics = scoring.metrics(events, scenario)
    scores = scoring.scores(events, scenario, metrics=metrics)
    return Numbers(scores=scores, metrics=metrics, index=scores["index"])

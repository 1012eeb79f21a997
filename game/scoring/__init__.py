"""Cooperation scoring: authored points, best reachable maxima, derived metrics and the index.

Everything here is computed from the session log alone (the list of event dicts exactly as
docs/engine.md describes them) plus the scenario, so a live session, a resumed one and a
teacher's debrief of an exported log all get the same numbers. This package imports only
`game.scenario` and the standard library; docs/scoring.md explains every number in words a
teacher understands.

One module per job: `analysis` (static analysis of expressions), `search` (the best reachable
maxima), `points` (authored points), `log_metrics` (metrics derived from the log) and `index`
(the cooperation index). Nothing is kept in module state: what depends only on the scenario
is computed once and kept on the scenario (`Scenario.derived`).

Public functions and the shapes they return (all JSON-serialisable, stable):

`scores(events, scenario)`::

    {"team":  {dim: {"points": n, "max": m, "percent": p | None}},
     "roles": {role: {dim: {"points": n, "max": m, "percent": p | None}}},
     "sources": {dim: {"choices": n, "scenes": n, "shares": n, "breaches": n}},
     "maxima": {dim: {"max": m, "computed": c | None, "author": a | None,
                      "approximate": bool, "path_sensitive": bool}},
     "index": <cooperation_index(...)>}

  A role's points are the points of every decision it supported (made, voted for the winner,
  or agreed in a consensus) plus its own shares and breaches; each supporting role gets the
  decision's full points, so role points do not add up to the team's. `percent` is points
  divided by the dimension's maximum (the team's maximum, also for a role), one decimal, and
  `None` when the maximum is 0 or less.

`metrics(events, scenario)`::

    {"participation": {"balance": 0..1 | None, "total": n,
                       "actions": {role: {"choices", "votes", "shares", "consults", "total"}}},
     "consultation": {"rate": 0..1 | None, "scenes": n, "consulted": n,
                      "visits": [{"scene", "consulted"}]},
     "information": {"shares": n, "cards_shared": [card], "cards_held": n,
                     "cards_shared_with_consent": n, "share_rate": 0..1 | None,
                     "needed": n, "shared_before_needed": n, "timely_rate": 0..1 | None,
                     "breaches": n, "breach_events": [{"card", "role", "scene"}],
                     "overshared": n, "overshare_events": [{"card", "role", "scene"}],
                     "outside_consent": n},
     "deliberation": {"rate": 0..1 | None, "decisions": n, "deliberated": n,
                      "asked_first": n, "dissent_resolved": n},
     "family": {"rate": 0..1 | None, "asks": n, "granted": n, "refused": n,
                "consent_shares": n, "within_consent": n},
     "agreement": {"rate": 0..1 | None, "votes": n, "votes_against": n,
                   "vote_decisions": n, "consensus_decisions": n,
                   "consensus_rounds": n, "extra_rounds": n},
     "tempo": {"median_ms": x | None,
               "roles": {role: {"decisions": n, "median_ms": x | None, "mean_ms": x | None}}}}

`maxima(scenario)` -> `{dim: max}` (the author's `max` when given, else the best reachable
total; computed once per scenario), `maxima_details(scenario)` -> the "maxima" block above
(`path_sensitive`: the path-sensitive search finished, else the number is the component
search's upper bound), `maxima_witness(scenario, dim)` -> the moves of a best path, and
`cooperation_index(scores, metrics)` -> `{"value": 0..100 | None, "parts": {...},
"weights": {...}}`.
"""

from game.scoring.analysis import possible_targets, static_truth
from game.scoring.index import (
    BREACH_PENALTY,
    INDEX_WEIGHTS,
    OVERSHARE_PENALTY,
    cooperation_index,
)
from game.scoring.log_metrics import metrics
from game.scoring.points import scores
from game.scoring.search import (
    MAX_ENTRIES,
    PATH_BUDGET,
    maxima,
    maxima_details,
    maxima_witness,
    maxima_witnesses,
    prepare,
)

__all__ = [
    "BREACH_PENALTY",
    "INDEX_WEIGHTS",
    "OVERSHARE_PENALTY",
    "MAX_ENTRIES",
    "PATH_BUDGET",
    "cooperation_index",
    "maxima",
    "maxima_details",
    "maxima_witness",
    "maxima_witnesses",
    "metrics",
    "possible_targets",
    "prepare",
    "scores",
    "static_truth",
]

"""Authored points: what the author's `score` effects give the team and each role in a log."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from game.scenario.model import Scenario
from game.scoring.index import cooperation_index
from game.scoring.log_metrics import metrics as log_metrics
from game.scoring.numbers import json_number, percent
from game.scoring.search import maxima_details


def _final_round_votes(votes: list[Mapping]) -> list[Mapping]:
    """The votes of the last round of a decision (rounds as logged)."""
    if not votes:
        return []
    last = max(v.get("round", 1) for v in votes)
    return [v for v in votes if v.get("round", 1) == last]


def _supporters(decision: Mapping, votes: list[Mapping], scenario: Scenario) -> list[str]:
    """The roles a decision's points are credited to (see the package docstring)."""
    by = list(decision.get("by") or [])
    kind = decision.get("decision")
    if kind is None:
        scene = scenario.scenes.get(decision.get("scene", ""))
        kind = scene.decision if scene else "single"
    final = _final_round_votes(votes)
    if kind == "vote" and final:
        winners = [v["role"] for v in final if v.get("choice") == decision.get("choice")]
        return list(dict.fromkeys(winners)) or by
    if kind == "consensus" and final:
        return list(dict.fromkeys([v["role"] for v in final] + by))
    return by


def _decision_points(decision: Mapping, scenario: Scenario) -> Mapping[str, float]:
    """The points a choice_made event carries; from the scenario when the event has none."""
    points = decision.get("points")
    if points is not None:
        return points
    scene = scenario.scenes.get(decision.get("scene", ""))
    if scene is None:
        return {}
    try:
        return scene.choice(decision.get("choice", "")).score
    except KeyError:
        return {}


# --------------------------------------------------------------------------------------------
# Authored points


def scores(events: Iterable[Mapping], scenario: Scenario, *,
           metrics: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Authored points per dimension for the team and per role, with maxima, percent and index.

    Points come from choices (credited to the team and the roles that supported the decision:
    the decider of a single decision, the roles that voted for the winning choice in a vote,
    every actor of a consensus), from `on_enter` of scenes (team only), from `on_share` the
    first time a card is shared while sharing is allowed and from `on_breach` on every breach
    (team and the sharing role). Works on a partial log (mid-session). Shape: see the package
    docstring. `metrics`: the log's metrics when the caller already has them (for the index).
    """
    events = list(events)
    dims = list(scenario.scores)
    team = dict.fromkeys(dims, 0.0)
    roles = {role: dict.fromkeys(dims, 0.0) for role in scenario.roles}
    sources = {dim: {"choices": 0.0, "scenes": 0.0, "shares": 0.0, "breaches": 0.0}
               for dim in dims}
    shared_once: set[str] = set()
    votes: list[Mapping] = []

    def credit(points: Mapping[str, float], source: str, who: Iterable[str]) -> None:
        for dim, value in points.items():
            if dim not in team:
                continue
            team[dim] += value
            sources[dim][source] += value
            for role in who:
                if role in roles:
                    roles[role][dim] += value

    for event in events:
        kind = event.get("type")
        if kind == "scene_entered":
            votes = []
            scene = scenario.scenes.get(event.get("scene", ""))
            if scene is not None:
                credit(scene.on_enter.score, "scenes", ())
        elif kind == "vote_cast":
            votes.append(event)
        elif kind == "choice_made":
            credit(_decision_points(event, scenario), "choices",
                   _supporters(event, votes, scenario))
            votes = []
        elif kind == "info_shared":
            card = scenario.info.get(event.get("info", ""))
            if card is None:
                continue
            sharer = (event.get("role"),)
            if event.get("breach"):
                credit(card.on_breach.score, "breaches", sharer)
            elif event.get("consent", True) and card.id not in shared_once:
                shared_once.add(card.id)
                credit(card.on_share.score, "shares", sharer)

    details = maxima_details(scenario)
    result: dict[str, Any] = {
        "team": {dim: {"points": json_number(team[dim]), "max": details[dim]["max"],
                       "percent": percent(team[dim], details[dim]["max"])} for dim in dims},
        "roles": {role: {dim: {"points": json_number(pts[dim]), "max": details[dim]["max"],
                               "percent": percent(pts[dim], details[dim]["max"])}
                         for dim in dims}
                  for role, pts in roles.items()},
        "sources": {dim: {k: json_number(v) for k, v in src.items()}
                    for dim, src in sources.items()},
        "maxima": {dim: dict(d) for dim, d in details.items()},
    }
    if metrics is None:
        metrics = log_metrics(events, scenario)
    result["index"] = cooperation_index(result, metrics)
    return result


# --------------------------------------------------------------------------------------------
# Derived metrics

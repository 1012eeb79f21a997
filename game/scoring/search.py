"""The best reachable total of every score dimension: the 100 % mark when the author gives none.

`maxima(scenario)` and `maxima_details(scenario)` are computed once per scenario and kept on it
(`Scenario.derived`); `prepare(scenario)` starts that computation in a background thread, so
that the end of a session finds them ready. `maxima_witness` gives the moves of a best path.

The search is an A* search per dimension over the abstract states of `game.scoring.space`,
with the path-insensitive bound of `game.scoring.graph.upper_bounds` (plus the share points
not yet paid) as its admissible heuristic: the first ending taken from the queue is a best
path, and only states that could still beat it are ever expanded. docs/scoring.md states the
algorithm, its limits and its cost (docs/performance.md the measured figures).
"""

from __future__ import annotations

import heapq
import itertools
import logging
import math
import threading
from typing import Any

from game.scenario.model import Scenario
from game.scoring.analysis import knowable_cards, per_scenario
from game.scoring.graph import MAX_ENTRIES, upper_bounds
from game.scoring.numbers import json_number
from game.scoring.space import StateSpace

logger = logging.getLogger(__name__)
logger.addHandler(logging.NullHandler())

__all__ = ["MAX_ENTRIES", "PATH_BUDGET", "maxima", "maxima_details", "maxima_witness",
           "maxima_witnesses", "prepare"]

#: How many states the A* search may expand per dimension before it stops and the maximum is
#: the path-insensitive upper bound instead (flagged `approximate`, `path_sensitive: False`).
PATH_BUDGET = 3_000


class _BudgetExceeded(Exception):
    """The search needed more states than `PATH_BUDGET`."""


def _scores_anything(scenario: Scenario, dim: str) -> bool:
    """Whether any effect gives or takes points of `dim` at all (else its maximum is 0)."""
    for scene in scenario.scenes.values():
        if scene.on_enter.score.get(dim):
            return True
        if any(c.score.get(dim) for c in scene.choices):
            return True
    return any(c.on_share.score.get(dim) for c in scenario.info.values())


class _Search:
    """A* for one dimension: g = points so far, h = upper bound of the points still to come."""

    def __init__(self, space: StateSpace, dim: str, dead_end: float):
        self.space = space
        self.dim = dim
        self.dead_end = dead_end
        scenario = space.scenario
        self.bound = upper_bounds(space.graph, dim, dead_end)
        self.enter_points = {sid: float(s.on_enter.score.get(dim, 0))
                             for sid, s in scenario.scenes.items()}
        knowable = knowable_cards(scenario)
        self.share_gain = {cid: max(0.0, float(c.on_share.score.get(dim, 0)))
                           for cid, c in scenario.info.items() if cid in knowable}
        self.share_total = sum(self.share_gain.values())
        self.expanded = 0

    def h(self, sid: str, state: tuple) -> float:
        """Upper bound of the points after entering `sid` (its on_enter already counted)."""
        unpaid = self.share_total - sum(self.share_gain.get(c, 0.0) for c in state[3])
        return self.bound[sid] - self.enter_points[sid] + unpaid

    def entered(self, sid: str, state: tuple) -> tuple[tuple, float]:
        """State and points of entering scene `sid`: on_enter, then the eager shares."""
        space = self.space
        state = space.enter(sid, state)
        state, paid = space.pay_eager(state)
        return state, self.enter_points[sid] + sum(self.share_gain.get(c, 0.0) for c in paid)

    def run(self) -> tuple[float, list[tuple]] | None:
        """(best total, the moves of a best path as (scene, action)), or None when no ending
        (or, with dead ends worth 0, no end of a path) can be reached."""
        space = self.space
        scenario = space.scenario
        dim = self.dim
        start = scenario.start
        counter = itertools.count()
        best_g: dict[tuple, float] = {}
        parent: dict[tuple, tuple] = {}
        queue: list = []

        def push(g: float, sid: str, code: int, state: tuple, came: tuple | None,
                 end: bool = False) -> None:
            if end:
                key, f = ("end", sid), g
            else:
                f = g + self.h(sid, state)
                if f == -math.inf:
                    return
                key = space.key(sid, code, state)
            if best_g.get(key, -math.inf) >= g:
                return
            best_g[key] = g
            parent[key] = came
            heapq.heappush(queue, (-f, -g, next(counter), g, key, sid, code, state))

        state, points = self.entered(start, space.initial())
        push(points, start, space.graph.weight.get(start, 0), state, None)
        while queue:
            _f, _g, _n, g, key, sid, code, state = heapq.heappop(queue)
            if g < best_g.get(key, -math.inf):
                continue  # reached again with more points after it was queued
            if key[0] == "end":
                return g, self._path(parent, key)
            self.expanded += 1
            if self.expanded > PATH_BUDGET:
                raise _BudgetExceeded()
            moved = False
            for action, gain, target, nxt, new in space.moves(sid, code, state):
                moved = True
                total = g + float(gain.get(dim, 0))
                came = (key, sid, action)
                if target is None:
                    push(total, sid, code, new, came)
                elif target in scenario.endings:
                    push(total, target, 0, new, came, end=True)
                else:
                    entered, enter_gain = self.entered(target, new)
                    push(total + enter_gain, target, nxt, entered, came)
            if not moved and self.dead_end == 0.0:
                # with dead ends worth 0 a path that cannot go on ends here
                push(g, f"end of {sid}", 0, state, (key, sid, None), end=True)
        return None

    def _path(self, parent: dict, key: tuple) -> list[tuple]:
        steps = []
        came = parent[key]
        while came is not None:
            previous, sid, action = came
            if action is not None:
                steps.append((sid, action))
            came = parent[previous]
        steps.reverse()
        return steps


def _solve(space: StateSpace, dim: str) -> tuple[float, list[tuple]]:
    """Best total and best path of one dimension; the best prefix when no ending is reachable
    within the entry bound (a path that cannot go on then ends where it stops)."""
    found = _Search(space, dim, dead_end=-math.inf).run()
    if found is None:
        found = _Search(space, dim, dead_end=0.0).run()
    return found if found is not None else (0.0, [])


def _witness(steps: list[tuple]) -> list[dict[str, Any]]:
    """The moves of a best path as dicts (see `maxima_witness`)."""
    out: list[dict[str, Any]] = []
    for sid, action in steps:
        if action[0] == "share":
            out.append({"kind": "share", "scene": sid, "card": action[1]})
        elif action[0] == "choice":
            out.append({"kind": "choice", "scene": sid, "choice": action[1],
                        "needs": [list(a) for a in action[2]], "to": action[3]})
        else:
            out.append({"kind": action[0], "scene": sid, "to": action[1]})
    return out


def _compute(scenario: Scenario) -> dict[str, Any]:
    """Maxima details and witnesses of every dimension (see `maxima_details`)."""
    scored = [dim for dim in scenario.scores if _scores_anything(scenario, dim)]
    space = StateSpace(scenario) if scored else None
    details: dict[str, dict[str, Any]] = {}
    witnesses: dict[str, list | None] = {}
    for dim, dimension in scenario.scores.items():
        exact = True
        steps: list[tuple] | None = []
        if dim not in scored:
            computed = 0.0  # nothing scores it: no search
        else:
            try:
                computed, steps = _solve(space, dim)
            except _BudgetExceeded:
                logger.info("maximum search of %r in %r exceeded its budget; using the "
                            "path-insensitive bound", dim, scenario.id)
                exact, steps = False, None
                computed = _upper_bound(space, dim)
        effective = dimension.max if dimension.max is not None else computed
        details[dim] = {
            "max": json_number(effective),
            "computed": json_number(computed),
            "author": None if dimension.max is None else json_number(dimension.max),
            "approximate": not exact,
            "path_sensitive": exact,
        }
        witnesses[dim] = None if steps is None else _witness(steps)
    return {"details": details, "witnesses": witnesses}


def _upper_bound(space: StateSpace, dim: str) -> float:
    """The path-insensitive bound from the start plus every share's points (no path scores
    more, so a percentage against it never exceeds 100)."""
    scenario = space.scenario
    bound = upper_bounds(space.graph, dim, -math.inf).get(scenario.start, -math.inf)
    if bound == -math.inf:
        bound = upper_bounds(space.graph, dim, 0.0).get(scenario.start, 0.0)
    knowable = knowable_cards(scenario)
    return bound + sum(max(0.0, float(c.on_share.score.get(dim, 0)))
                       for cid, c in scenario.info.items() if cid in knowable)


def _maxima(scenario: Scenario) -> dict[str, Any]:
    """The computed maxima of this scenario: once, whichever thread asks first; the others
    wait for it (a background `prepare` and the end of a session never both compute)."""
    derived = scenario.derived
    hit = derived.get("maxima")
    if hit is not None:
        return hit
    lock = derived.setdefault("maxima_lock", threading.Lock())
    with lock:
        hit = derived.get("maxima")
        if hit is None:
            hit = derived["maxima"] = per_scenario(scenario, "maxima", _compute)
    return hit


def prepare(scenario: Scenario) -> threading.Thread | None:
    """Start computing the maxima in a background thread (None when already computed), so
    that a window never computes them on its own thread when a session ends."""
    if "maxima" in scenario.derived:
        return None
    thread = threading.Thread(target=_maxima, args=(scenario,), name="samenspel-maxima",
                              daemon=True)
    thread.start()
    return thread


def maxima_details(scenario: Scenario) -> dict[str, dict[str, Any]]:
    """Per dimension: the effective `max`, the `computed` best reachable total, the author's
    `max` (or None), `approximate` and `path_sensitive` (the exact search finished; else the
    number is the path-insensitive upper bound). Computed once per scenario."""
    return _maxima(scenario)["details"]


def maxima_witness(scenario: Scenario, dim: str) -> list[dict[str, Any]] | None:
    """The moves of a playthrough that reaches the computed maximum of `dim`, or None when the
    search ran out of budget (then no such path is known).

    Steps in order, each a dict with `kind` and `scene`: `share` (`card`: share it now, its
    `on_share` is part of the maximum), `choice` (`choice`, `to` and `needs`: the free atoms
    that must hold when it is decided, as lists such as `["consulted", role]`,
    `["shared", card]`, `["knows", role, card]`), `next` and `timeout` (`to`). A dimension
    nothing scores has the empty path.
    """
    return _maxima(scenario)["witnesses"][dim]


def maxima_witnesses(scenario: Scenario) -> tuple[dict[str, float], dict[str, list]] | None:
    """(computed best total per dimension, witness moves per dimension as in
    `maxima_witness`), or None when some dimension's search ran out of budget."""
    found = _maxima(scenario)
    if any(w is None for w in found["witnesses"].values()):
        return None
    return ({dim: d["computed"] for dim, d in found["details"].items()},
            dict(found["witnesses"]))


def maxima(scenario: Scenario) -> dict[str, float]:
    """The 100% mark of every dimension: the author's `max`, else the best reachable total.

    The best reachable total is the largest sum of the dimension's points over the paths from
    `start` to an ending on which every scene is entered at most `MAX_ENTRIES` times
    (docs/scoring.md states the algorithm and what is approximated). Computed once per
    scenario.
    """
    return {dim: d["max"] for dim, d in maxima_details(scenario).items()}

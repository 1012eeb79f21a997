"""Cooperation scoring: authored points, best reachable maxima, derived metrics and the index.

Everything here is computed from the session log alone (the list of event dicts exactly as
DESIGN.md "Session log" describes them) plus the scenario, so a live session, a resumed one and
a teacher's debrief of an exported log all get the same numbers. This module imports only
`game.scenario` and the standard library; docs/scoring.md explains every number in words a
teacher understands.

Public functions and the shapes they return (all JSON-serialisable, stable):

`scores(events, scenario)`::

    {"team":  {dim: {"points": n, "max": m, "percent": p | None}},
     "roles": {role: {dim: {"points": n, "max": m, "percent": p | None}}},
     "sources": {dim: {"choices": n, "scenes": n, "shares": n, "breaches": n}},
     "maxima": {dim: {"max": m, "computed": c | None, "author": a | None,
                      "approximate": bool}},
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
                     "breaches": n, "breach_events": [{"card", "role", "scene"}]},
     "agreement": {"rate": 0..1 | None, "votes": n, "votes_against": n,
                   "vote_decisions": n, "consensus_decisions": n,
                   "consensus_rounds": n, "extra_rounds": n},
     "tempo": {"median_ms": x | None,
               "roles": {role: {"decisions": n, "median_ms": x | None, "mean_ms": x | None}}}}

`maxima(scenario)` -> `{dim: max}` (the author's `max` when given, else the best reachable
total; cached per scenario object), `maxima_details(scenario)` -> the "maxima" block above, and
`cooperation_index(scores, metrics)` -> `{"value": 0..100 | None, "parts": {...},
"weights": {...}}`.
"""

from __future__ import annotations

import logging
import math
import statistics
import sys
import weakref
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from game.scenario.expressions import compile_source, parse, references
from game.scenario.model import Scenario, Scene

logger = logging.getLogger(__name__)
logger.addHandler(logging.NullHandler())

#: Weights of the cooperation index parts (docs/scoring.md explains each one). Parts that
#: cannot be measured in a session (for example no scene with advice) are left out and the
#: remaining weights are scaled up so that they still add up to 1.
INDEX_WEIGHTS: dict[str, float] = {
    "scores": 0.50,
    "participation": 0.15,
    "consultation": 0.15,
    "information": 0.10,
    "agreement": 0.10,
}
#: Index points taken off the information part for every breach of confidentiality.
BREACH_PENALTY = 25.0
#: How many search states the maximum search may visit per dimension before it finishes the
#: remaining strongly connected parts greedily (and marks the maximum as approximate).
SEARCH_BUDGET = 200_000
#: How often a scene may be entered on one path when searching for the best reachable total.
MAX_ENTRIES = 2


# --------------------------------------------------------------------------------------------
# Per-scenario caches


_CACHES: dict[str, dict[Any, Any]] = {}


def _cached(name: str, scenario: Scenario, build: Callable[[Scenario], Any]) -> Any:
    """`build(scenario)`, cached per scenario object.

    Keyed by identity, with a weak reference to make sure a reused id is not mistaken for the
    old scenario. Not by the file's sha256: a scenario changed in code (`attrs.evolve`) keeps
    its sha256 but may have other scenes.
    """
    cache = _CACHES.setdefault(name, {})
    key = id(scenario)
    hit = cache.get(key)
    if hit is not None and hit[0]() is scenario:
        return hit[1]
    value = build(scenario)
    cache[key] = (weakref.ref(scenario, lambda _ref, key=key, cache=cache: cache.pop(key, None)),
                  value)
    return value


def clear_caches() -> None:
    """Forget every cached maximum, static analysis and metrics result."""
    global _last_metrics
    _CACHES.clear()
    _last_metrics = None


# --------------------------------------------------------------------------------------------
# Small helpers


def _num(value: float) -> int | float:
    """A number as it should appear in JSON: integral values as int, others to 3 decimals."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return value
    if math.isfinite(value) and float(value).is_integer():
        return int(value)
    return round(value, 3)


def _percent(points: float, maximum: float | None) -> float | None:
    """Points as a percentage of the maximum, one decimal; None without a positive maximum."""
    if maximum is None or maximum <= 0:
        return None
    return round(100.0 * points / maximum, 1)


def _ratio(part: float, whole: float) -> float | None:
    """part / whole rounded to 3 decimals, None when there is nothing to divide by."""
    if whole <= 0:
        return None
    return round(part / whole, 3)


def _knowable_cards(scenario: Scenario) -> set[str]:
    """Cards some role can ever know: owned at the start or learned through some choice."""
    cards = {cid for cid, card in scenario.info.items() if card.owner}
    for scene in scenario.scenes.values():
        for choice in scene.choices:
            for learned in choice.learn.values():
                cards.update(learned)
    return cards


def _mutable_variables(scenario: Scenario) -> set[str]:
    """Variables that some effect can change; all others keep their initial value for good."""
    changed: set[str] = set()

    def note(effects_set: Mapping, effects_add: Mapping) -> None:
        changed.update(effects_set)
        changed.update(effects_add)

    for scene in scenario.scenes.values():
        note(scene.on_enter.set, scene.on_enter.add)
        for choice in scene.choices:
            note(choice.set, choice.add)
    for card in scenario.info.values():
        note(card.on_share.set, card.on_share.add)
        note(card.on_breach.set, card.on_breach.add)
    return changed


# --------------------------------------------------------------------------------------------
# Static analysis of guards


class _Unknown(Exception):
    """Raised inside a static evaluation when a value depends on how the game is played."""


class _StaticVariables(Mapping):
    """Variable values that are fixed for the whole game; anything else is unknown."""

    def __init__(self, scenario: Scenario, mutable: set[str]):
        # A weak proxy: this object is cached per scenario (`_cached`), and a strong reference
        # from the cached value would keep every scenario ever scored alive (tests/test_soak.py).
        self._scenario = weakref.proxy(scenario)
        self._mutable = mutable

    def __getitem__(self, name: str) -> Any:
        if name in self._mutable or name not in self._scenario.variables:
            raise _Unknown(name)
        return self._scenario.variables[name].initial

    def get(self, name: str, default: Any = None) -> Any:  # noqa: D401 - Mapping API
        """Same as indexing: unknown (raises) for variables the game can change."""
        return self[name]

    def __iter__(self):
        return iter(self._scenario.variables)

    def __len__(self) -> int:
        return len(self._scenario.variables)

    def __contains__(self, name: object) -> bool:
        return name in self._scenario.variables


class _StaticContext:
    """An evaluation context that answers only what holds on every path of the game."""

    def __init__(self, scenario: Scenario):
        self._scenario = weakref.proxy(scenario)  # cached per scenario: see _StaticVariables
        self._knowable = _knowable_cards(scenario)
        self.variables = _StaticVariables(scenario, _mutable_variables(scenario))

    def knows(self, role: str, info: str) -> bool:
        card = self._scenario.info.get(info)
        if card is not None and card.owner == role:
            return True
        if info not in self._knowable:
            return False
        raise _Unknown(f"knows({role}, {info})")

    def shared(self, info: str) -> bool:
        if info not in self._knowable:
            return False
        raise _Unknown(f"shared({info})")

    def consulted(self, role: str) -> bool:
        raise _Unknown(f"consulted({role})")

    def visited(self, scene: str) -> bool:
        raise _Unknown(f"visited({scene})")

    def chose(self, scene: str, choice: str) -> bool:
        raise _Unknown(f"chose({scene}, {choice})")


def static_truth(source: str | None, scenario: Scenario) -> bool | None:
    """Whether a guard holds on every path (True), on none (False), or depends on play (None).

    Decided statically: literals, variables no effect ever changes (their initial value),
    `knows` of a card's owner (always true), `knows`/`shared` of a card no role can ever know
    (always false). Everything else (`consulted`, `visited`, `chose`, changing variables) is
    unknown. `and`/`or` short-circuit from the left, so `false and x` is decided but
    `x and false` is not: an undecided guard is treated as possibly open.
    """
    if source is None:
        return True
    ctx = _cached("static_context", scenario, _StaticContext)
    try:
        value = compile_source(source)(ctx)
    except _Unknown:
        return None
    except Exception as exc:  # a division by zero on constants: possible at run time too
        logger.debug("guard %r not decided statically: %s", source, exc)
        return None
    return bool(value)


def possible_targets(scene: Scene, scenario: Scenario) -> list[tuple[str | None, str]]:
    """Every (choice id or None, target) the scene may lead to, as far as decided statically.

    A choice is left out when its guard is statically false, when no actor may pick it (for a
    consensus: when not every actor may), or when none of its routes can be taken. Routes are
    tried in order: a statically false route is skipped, a statically true (or unconditional)
    route ends the list, undecided and weighted routes are all possible. `next` and
    `on_timeout` are edges without a choice (None).
    """
    edges: list[tuple[str | None, str]] = []
    if scene.next is not None:
        edges.append((None, scene.next))
    actors = set(scene.actors)
    for choice in scene.choices:
        if choice.roles is not None and actors:
            allowed = actors & set(choice.roles)
            if not allowed:
                continue
            if scene.decision == "consensus" and allowed != actors:
                continue
        if static_truth(choice.if_, scenario) is False:
            continue
        for route in choice.goto:
            if route.if_ is not None:
                truth = static_truth(route.if_, scenario)
                if truth is False:
                    continue
                edges.append((choice.id, route.to))
                if truth is True:
                    break
            elif route.weight is not None:
                if route.weight > 0:
                    edges.append((choice.id, route.to))
            else:
                edges.append((choice.id, route.to))
                break
    if scene.timer is not None and scene.on_timeout is not None:
        edges.append((None, scene.on_timeout))
    return edges


# --------------------------------------------------------------------------------------------
# Best reachable maxima


class _Graph:
    """The scene graph with, per edge, the choice whose points it carries."""

    def __init__(self, scenario: Scenario):
        self.scenario = scenario
        self.edges: dict[str, list[tuple[str | None, str]]] = {}
        for sid, scene in scenario.scenes.items():
            out = []
            seen = set()
            for choice_id, target in possible_targets(scene, scenario):
                if target not in scenario.scenes and target not in scenario.endings:
                    continue  # a dangling reference: the loader reports it
                if (choice_id, target) not in seen:
                    seen.add((choice_id, target))
                    out.append((choice_id, target))
            self.edges[sid] = out
        self.components = self._tarjan()

    def _tarjan(self) -> list[list[str]]:
        """Strongly connected components of the scene graph, sinks first (iterative Tarjan)."""
        index: dict[str, int] = {}
        low: dict[str, int] = {}
        on_stack: set[str] = set()
        stack: list[str] = []
        components: list[list[str]] = []
        counter = 0
        for root in self.edges:
            if root in index:
                continue
            work = [(root, 0)]
            while work:
                node, pos = work.pop()
                if pos == 0:
                    index[node] = low[node] = counter
                    counter += 1
                    stack.append(node)
                    on_stack.add(node)
                targets = [t for _, t in self.edges[node] if t in self.edges]
                advanced = False
                while pos < len(targets):
                    target = targets[pos]
                    pos += 1
                    if target not in index:
                        work.append((node, pos))
                        work.append((target, 0))
                        advanced = True
                        break
                    if target in on_stack:
                        low[node] = min(low[node], index[target])
                if advanced:
                    continue
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    components.append(component)
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[node])
        return components


def _best_total(graph: _Graph, dim: str, dead_end: float) -> tuple[float, bool]:
    """The best total of `dim` from the start to an ending, each scene entered at most twice.

    Returns (total, approximate). Components of the scene graph are solved sinks first; a
    component without a cycle is one step of longest-path dynamic programming; inside a cycle a
    memoised search over (scene, entries per scene of that component) is exact until
    `SEARCH_BUDGET` states were visited, after which it follows the single most promising edge.
    """
    scenario = graph.scenario
    enter = {sid: float(s.on_enter.score.get(dim, 0)) for sid, s in scenario.scenes.items()}

    def edge_points(sid: str, choice_id: str | None) -> float:
        if choice_id is None:
            return 0.0
        return float(scenario.scenes[sid].choice(choice_id).score.get(dim, 0))

    best: dict[str, float] = {}
    budget = [SEARCH_BUDGET]
    approximate = False

    def value_of(target: str) -> float:
        return 0.0 if target in scenario.endings else best[target]

    for component in graph.components:
        members = set(component)
        cyclic = len(component) > 1 or any(t == component[0] for _, t in graph.edges[component[0]])
        if not cyclic:
            sid = component[0]
            options = [edge_points(sid, c) + value_of(t) for c, t in graph.edges[sid]]
            best[sid] = enter[sid] + (max(options) if options else dead_end)
            continue
        weight = {sid: 3 ** i for i, sid in enumerate(component)}
        exits: dict[str, float] = {}
        inner: dict[str, list[tuple[float, str]]] = {}
        for sid in component:
            out = [edge_points(sid, c) + value_of(t) for c, t in graph.edges[sid]
                   if t not in members]
            exits[sid] = max(out) if out else -math.inf
            moves = [(edge_points(sid, c), t) for c, t in graph.edges[sid] if t in members]
            # most promising first: helps the greedy fallback and nothing else
            moves.sort(key=lambda m: m[0] + enter[m[1]], reverse=True)
            inner[sid] = moves
        memo: dict[tuple[str, int], float] = {}

        def search(sid: str, code: int) -> float:
            nonlocal approximate
            key = (sid, code)
            if key in memo:
                return memo[key]
            budget[0] -= 1
            result = exits[sid]
            greedy = budget[0] <= 0
            for points, target in inner[sid]:
                if (code // weight[target]) % 3 >= MAX_ENTRIES:
                    continue
                result = max(result, points + search(target, code + weight[target]))
                if greedy:
                    approximate = True
                    break
            if result == -math.inf and not graph.edges[sid]:
                result = dead_end
            result += enter[sid]
            memo[key] = result
            return result

        needed = 4 * MAX_ENTRIES * len(component) + 200
        old_limit = sys.getrecursionlimit()
        if needed > old_limit:
            sys.setrecursionlimit(needed + old_limit)
        try:
            for sid in component:
                best[sid] = search(sid, weight[sid])
        finally:
            sys.setrecursionlimit(old_limit)
    return best.get(scenario.start, dead_end), approximate


def _share_bonus(scenario: Scenario, dim: str) -> float:
    """Positive `on_share` points of every card some role can know: each counts once a game."""
    knowable = _knowable_cards(scenario)
    return sum(max(0.0, float(card.on_share.score.get(dim, 0)))
               for cid, card in scenario.info.items() if cid in knowable)


def _compute_maxima(scenario: Scenario) -> dict[str, dict[str, Any]]:
    """The maxima block for every dimension (see `maxima_details`)."""
    graph = _Graph(scenario)
    details: dict[str, dict[str, Any]] = {}
    for dim, dimension in scenario.scores.items():
        total, approximate = _best_total(graph, dim, dead_end=-math.inf)
        if total == -math.inf:
            # No ending can be reached within the entry bound: the best prefix is the measure.
            total, approximate = _best_total(graph, dim, dead_end=0.0)
        computed = total + _share_bonus(scenario, dim)
        effective = dimension.max if dimension.max is not None else computed
        details[dim] = {
            "max": _num(effective),
            "computed": _num(computed),
            "author": None if dimension.max is None else _num(dimension.max),
            "approximate": approximate,
        }
        if approximate:
            logger.info("maximum of %r in %r is approximate (search budget reached)",
                        dim, scenario.id)
    return details


def maxima_details(scenario: Scenario) -> dict[str, dict[str, Any]]:
    """Per dimension: the effective `max`, the `computed` best reachable total, the author's
    `max` (or None) and whether the search had to approximate. Cached per scenario."""
    return _cached("maxima", scenario, _compute_maxima)


def maxima(scenario: Scenario) -> dict[str, float]:
    """The 100% mark of every dimension: the author's `max`, else the best reachable total.

    The best reachable total is the largest sum of the dimension's points over the paths from
    `start` to an ending on which every scene is entered at most twice (docs/scoring.md states
    the algorithm, its cost and what is approximated). Cached per scenario.
    """
    return {dim: d["max"] for dim, d in maxima_details(scenario).items()}


# --------------------------------------------------------------------------------------------
# Reading the log


class _Visit:
    """Everything that happened between entering a scene and leaving it."""

    __slots__ = ("scene", "start_ms", "index", "consults", "votes", "decision")

    def __init__(self, scene: str, start_ms: float | None, index: int):
        self.scene = scene
        self.start_ms = start_ms
        self.index = index
        self.consults: list[dict] = []
        self.votes: list[dict] = []
        self.decision: dict | None = None


def _final_round_votes(votes: list[Mapping]) -> list[Mapping]:
    """The votes of the last round of a decision (rounds as logged)."""
    if not votes:
        return []
    last = max(v.get("round", 1) for v in votes)
    return [v for v in votes if v.get("round", 1) == last]


def _supporters(decision: Mapping, votes: list[Mapping], scenario: Scenario) -> list[str]:
    """The roles a decision's points are credited to (see module docstring)."""
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


def scores(events: Iterable[Mapping], scenario: Scenario) -> dict[str, Any]:
    """Authored points per dimension for the team and per role, with maxima, percent and index.

    Points come from choices (credited to the team and the roles that supported the decision:
    the decider of a single decision, the roles that voted for the winning choice in a vote,
    every actor of a consensus), from `on_enter` of scenes (team only), from `on_share` the
    first time a card is shared while sharing is allowed and from `on_breach` on every breach
    (team and the sharing role). Works on a partial log (mid-session). Shape: module docstring.
    """
    source = events
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
        "team": {dim: {"points": _num(team[dim]), "max": details[dim]["max"],
                       "percent": _percent(team[dim], details[dim]["max"])} for dim in dims},
        "roles": {role: {dim: {"points": _num(pts[dim]), "max": details[dim]["max"],
                               "percent": _percent(pts[dim], details[dim]["max"])}
                         for dim in dims}
                  for role, pts in roles.items()},
        "sources": {dim: {k: _num(v) for k, v in src.items()} for dim, src in sources.items()},
        "maxima": {dim: dict(d) for dim, d in details.items()},
    }
    result["index"] = cooperation_index(
        result, metrics(source if isinstance(source, list) else events, scenario))
    return result


# --------------------------------------------------------------------------------------------
# Derived metrics


def _card_needs(scenario: Scenario) -> dict[str, list[tuple[str, str | None]]]:
    """Per scene: the cards its guards ask about, as (card, role or None for `shared`).

    A `knows(role, card)` of the card's own owner is no sharing need and is left out.
    """
    needs: dict[str, list[tuple[str, str | None]]] = {}
    for sid, scene in scenario.scenes.items():
        sources = []
        for choice in scene.choices:
            sources.append(choice.if_)
            sources.extend(route.if_ for route in choice.goto)
        found: list[tuple[str, str | None]] = []
        for source in sources:
            if not source:
                continue
            try:
                calls = references(parse(source)).calls
            except Exception as exc:  # already reported by the loader
                logger.debug("guard %r not analysed: %s", source, exc)
                continue
            for name, args in calls:
                if name == "shared" and len(args) == 1:
                    need = (args[0], None)
                elif name == "knows" and len(args) == 2:
                    card = scenario.info.get(args[1])
                    if card is not None and card.owner == args[0]:
                        continue
                    need = (args[1], args[0])
                else:
                    continue
                if need not in found:
                    found.append(need)
        if found:
            needs[sid] = found
    return needs


def _entropy_balance(counts: list[int]) -> float | None:
    """Normalised Shannon entropy of the counts: 1 = perfectly even, 0 = one role did all."""
    total = sum(counts)
    if total == 0 or not counts:
        return None
    if len(counts) == 1:
        return 1.0
    h = -sum((c / total) * math.log(c / total) for c in counts if c)
    return round(h / math.log(len(counts)), 3)


def _ms_summary(values: list[float]) -> dict[str, Any]:
    """Count, median and mean of a list of durations in milliseconds."""
    return {
        "decisions": len(values),
        "median_ms": _num(statistics.median(values)) if values else None,
        "mean_ms": _num(statistics.fmean(values)) if values else None,
    }


_last_metrics: tuple | None = None


def metrics(events: Iterable[Mapping], scenario: Scenario) -> dict[str, Any]:
    """Derived cooperation metrics from the log alone; works mid-session. Shape: module docstring.

    - participation: actions per role (single decisions, votes, shares, consults) and their
      normalised entropy over all roles of the scenario;
    - consultation: of the visits to scenes with `advice` that ended in a decision (and where
      some advised role was not the only decider), the share in which a deciding role
      consulted an advised role before the decision;
    - information: shares, cards shared, breaches, and the cards a guard asks about
      (`shared(card)`, `knows(role, card)`) that were available when the team first entered
      that scene: shared for `shared`, known by that role (shared with it, or learned through
      an earlier choice) for `knows`;
    - agreement: votes against the final choice, consensus rounds;
    - tempo: time from the start of a decision round to each role's decision or vote.

    The session calls `scores` (which needs the metrics for the index) and `metrics` on the
    same event list when a session ends; the second call returns the first one's result when
    the list object, its length, its last event and the scenario are unchanged (logs only grow).
    """
    global _last_metrics
    hit = _last_metrics
    if (hit is not None and isinstance(events, list) and hit[0] is events
            and hit[1] == len(events) and hit[3] is scenario
            and (not events or hit[2] is events[-1])):
        return hit[4]
    source = events
    result = _metrics(list(events), scenario)
    if isinstance(source, list):
        # keeping the list referenced means its id cannot be reused by another list
        _last_metrics = (source, len(source), source[-1] if source else None, scenario, result)
    return result


def _metrics(events: list[Mapping], scenario: Scenario) -> dict[str, Any]:
    """`metrics` without the repeat-call cache: one pass over the log, one visit at a time."""
    roles = list(scenario.roles)
    scenes = scenario.scenes
    info = scenario.info
    actions = {r: {"choices": 0, "votes": 0, "shares": 0, "consults": 0} for r in roles}
    needs = _cached("card_needs", scenario, _card_needs)
    first_needed: dict[tuple[str, str | None], bool] = {}
    # who knows what, replayed from the log: owned cards, cards learned through the choices
    # made, cards shared with a role
    known = {r: {cid for cid, c in info.items() if c.owner == r} for r in roles}
    shared_so_far: set[str] = set()
    held = {cid for cid, card in info.items() if card.owner and not card.sensitive}
    share_events: list[Mapping] = []
    consult_visits: list[dict[str, Any]] = []
    votes_total = votes_against = 0
    vote_decisions = consensus_decisions = consensus_rounds = 0
    tempo: dict[str, list[float]] = {r: [] for r in roles}

    def close(visit: _Visit | None) -> None:
        """Consultation, agreement and tempo of one finished (or current) visit."""
        nonlocal votes_total, votes_against, vote_decisions, consensus_decisions
        nonlocal consensus_rounds
        if visit is None:
            return
        scene = scenes.get(visit.scene)
        decision = visit.decision
        votes = visit.votes
        if decision is not None and scene is not None and scene.advice:
            deciders = set(decision.get("by") or ())
            deciders.update(v.get("role") for v in votes)
            advised = scene.advice.keys()
            if deciders and (len(deciders) > 1 or any(a not in deciders for a in advised)):
                consulted = any(c.get("role") in deciders and c.get("target") in advised
                                and c.get("target") != c.get("role") for c in visit.consults)
                consult_visits.append({"scene": visit.scene, "consulted": consulted})
        if decision is not None and votes:
            final = decision.get("choice")
            votes_total += len(votes)
            votes_against += sum(1 for v in votes if v.get("choice") != final)
            kind = decision.get("decision") or (scene.decision if scene else "vote")
            if kind == "consensus":
                consensus_decisions += 1
                consensus_rounds += len({v.get("round", 1) for v in votes})
            else:
                vote_decisions += 1
        if visit.start_ms is None:
            return
        if votes:
            # a round starts when the scene is entered, a next round when the last vote of
            # the previous round was cast
            starts = visit.start_ms
            by_round: dict[Any, list[Mapping]] = {}
            for vote in votes:
                by_round.setdefault(vote.get("round", 1), []).append(vote)
            for r in sorted(by_round):
                ends = []
                for vote in by_round[r]:
                    at = vote.get("elapsed_ms")
                    if at is None:
                        continue
                    ends.append(at)
                    if vote.get("role") in tempo:
                        tempo[vote["role"]].append(max(0.0, at - starts))
                if ends:
                    starts = max(ends)
        elif decision is not None and decision.get("elapsed_ms") is not None:
            for r in decision.get("by") or ():
                if r in tempo:
                    tempo[r].append(max(0.0, decision["elapsed_ms"] - visit.start_ms))

    visit: _Visit | None = None
    for index, event in enumerate(events):
        kind = event.get("type")
        if kind == "scene_entered":
            close(visit)
            scene_id = event.get("scene", "")
            visit = _Visit(scene_id, event.get("elapsed_ms"), index)
            for need in needs.get(scene_id, ()):
                if need not in first_needed:
                    card, role = need
                    first_needed[need] = (card in shared_so_far if role is None
                                          else card in known.get(role, ()))
        elif kind == "consulted":
            role = event.get("role")
            if role in actions:
                actions[role]["consults"] += 1
            if visit is not None and visit.decision is None:
                visit.consults.append(event)  # only consults before the decision count
        elif kind == "vote_cast":
            role = event.get("role")
            if role in actions:
                actions[role]["votes"] += 1
            if visit is not None:
                visit.votes.append(event)
        elif kind == "info_shared":
            role = event.get("role")
            if role in actions:
                actions[role]["shares"] += 1
            share_events.append(event)
            card = event.get("info")
            shared_so_far.add(card)
            for r in event.get("to") or ():
                known.setdefault(r, set()).add(card)
        elif kind == "choice_made":
            scene = scenes.get(event.get("scene", ""))
            decision = event.get("decision") or (scene.decision if scene else "single")
            if decision == "single":
                for r in event.get("by") or ():
                    if r in actions:
                        actions[r]["choices"] += 1
            if visit is not None:
                visit.decision = event
            chosen = None
            if scene is not None:
                for c in scene.choices:
                    if c.id == event.get("choice"):
                        chosen = c
                        break
            if chosen is not None and chosen.learn:
                for r, cards in chosen.learn.items():
                    known.setdefault(r, set()).update(cards)
                    held.update(c for c in cards if c in info and not info[c].sensitive)
    close(visit)

    for counts in actions.values():
        counts["total"] = sum(counts.values())
    total_actions = sum(c["total"] for c in actions.values())
    n_consulted = sum(1 for v in consult_visits if v["consulted"])
    timely = sum(1 for ok in first_needed.values() if ok)
    breach_events = [{"card": e.get("info"), "role": e.get("role"), "scene": e.get("scene")}
                     for e in share_events if e.get("breach")]
    with_consent = {e.get("info") for e in share_events
                    if e.get("consent") and not e.get("breach")}
    held |= with_consent
    all_times = [t for values in tempo.values() for t in values]
    shares = share_events

    return {
        "participation": {
            "balance": _entropy_balance([actions[r]["total"] for r in roles]),
            "total": total_actions,
            "actions": actions,
        },
        "consultation": {
            "rate": _ratio(n_consulted, len(consult_visits)),
            "scenes": len(consult_visits),
            "consulted": n_consulted,
            "visits": consult_visits,
        },
        "information": {
            "shares": len(shares),
            "cards_shared": sorted({e.get("info") for e in shares}),
            "cards_held": len(held),
            "cards_shared_with_consent": len(with_consent),
            "share_rate": _ratio(len(with_consent & held), len(held)),
            "needed": len(first_needed),
            "shared_before_needed": timely,
            "timely_rate": _ratio(timely, len(first_needed)),
            "breaches": len(breach_events),
            "breach_events": breach_events,
        },
        "agreement": {
            "rate": _ratio(votes_total - votes_against, votes_total),
            "votes": votes_total,
            "votes_against": votes_against,
            "vote_decisions": vote_decisions,
            "consensus_decisions": consensus_decisions,
            "consensus_rounds": consensus_rounds,
            "extra_rounds": consensus_rounds - consensus_decisions,
        },
        "tempo": {
            "median_ms": _num(statistics.median(all_times)) if all_times else None,
            "roles": {r: _ms_summary(tempo[r]) for r in roles},
        },
    }


# --------------------------------------------------------------------------------------------
# The cooperation index


def cooperation_index(scores: Mapping[str, Any], metrics: Mapping[str, Any]) -> dict[str, Any]:
    """The team cooperation index 0–100 with its parts and weights (docs/scoring.md).

    Parts, each 0–100: `scores` the mean percent of the dimensions (each clamped to 0–100),
    `participation` the balance × 100, `consultation` the rate × 100, `information` the timely
    share rate × 100 (or, when no guard asked for a card, the share rate × 100) minus
    `BREACH_PENALTY` per breach, `agreement` the share of votes cast for the final choice × 100.
    A part that cannot be measured is None and left out; `value` is the weighted mean of the
    others (weights scaled to add up to 1), rounded to a whole number, None when no part exists.
    Tempo is reported in the metrics but is not part of the index: fast is not better.
    """
    percents = [d["percent"] for d in scores.get("team", {}).values()
                if d.get("percent") is not None]
    score_part = (sum(min(100.0, max(0.0, p)) for p in percents) / len(percents)
                  if percents else None)

    def scaled(value: float | None) -> float | None:
        return None if value is None else 100.0 * value

    info = metrics.get("information", {})
    base = info.get("timely_rate")
    if base is None:
        base = info.get("share_rate")
    info_part = None
    if base is not None or info.get("breaches"):
        info_part = min(100.0, max(0.0, 100.0 * (base if base is not None else 1.0)
                                   - BREACH_PENALTY * info.get("breaches", 0)))
    values = {
        "scores": score_part,
        "participation": scaled(metrics.get("participation", {}).get("balance")),
        "consultation": scaled(metrics.get("consultation", {}).get("rate")),
        "information": info_part,
        "agreement": scaled(metrics.get("agreement", {}).get("rate")),
    }
    present = {k: w for k, w in INDEX_WEIGHTS.items() if values[k] is not None}
    total_weight = sum(present.values())
    parts = {}
    value = 0.0
    for name, weight in INDEX_WEIGHTS.items():
        v = values[name]
        effective = weight / total_weight if name in present and total_weight else 0.0
        contribution = (v or 0.0) * effective
        value += contribution
        parts[name] = {
            "value": None if v is None else round(v, 1),
            "weight": weight,
            "effective_weight": round(effective, 3),
            "contribution": round(contribution, 1),
        }
    return {
        "value": round(value) if present else None,
        "parts": parts,
        "weights": dict(INDEX_WEIGHTS),
        "breach_penalty": BREACH_PENALTY,
    }

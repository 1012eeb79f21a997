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
                     "breaches": n, "breach_events": [{"card", "role", "scene"}]},
     "agreement": {"rate": 0..1 | None, "votes": n, "votes_against": n,
                   "vote_decisions": n, "consensus_decisions": n,
                   "consensus_rounds": n, "extra_rounds": n},
     "tempo": {"median_ms": x | None,
               "roles": {role: {"decisions": n, "median_ms": x | None, "mean_ms": x | None}}}}

`maxima(scenario)` -> `{dim: max}` (the author's `max` when given, else the best reachable
total; cached per scenario object), `maxima_details(scenario)` -> the "maxima" block above
(`path_sensitive`: the path-sensitive search finished, else the number is the component
search's upper bound), `maxima_witness(scenario, dim)` -> the moves of a best path, and
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

from game.scenario.expressions import (
    Binary,
    Call,
    Expr,
    Name,
    Number,
    Unary,
    compile_source,
    iter_nodes,
    parse,
    references,
)
from game.scenario.expressions import compile as compile_expr
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

        # This component's tables are bound as defaults: the closure is only called within
        # this loop pass, but binding them says so (and keeps ruff's B023 honest).
        def search(sid: str, code: int, memo=memo, exits=exits, inner=inner,
                   weight=weight) -> float:
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


# --------------------------------------------------------------------------------------------
# Path-sensitive search (exact for everything the path decides)

#: How many states the path-sensitive search may memoise before it gives up and the maximum
#: falls back to the path-insensitive component search (flagged `exact: False`).
PATH_BUDGET = 10_000


class _BudgetExceeded(Exception):
    """The path-sensitive search needed more states than `PATH_BUDGET`."""


class _PathContext:
    """An `EvalContext` over a search state plus one assignment of the free atoms.

    Variables, `visited` and `chose` come from the path; `knows`, `shared` and `consulted`
    are free (the team can share or consult first, or not): their truth is read from
    `assignment`, except `knows`/`shared` of a card nobody can know yet on this path (false)
    and `knows` of a card's owner (true).
    """

    __slots__ = ("variables", "facts", "known", "assignment", "owners")

    def __init__(self, variables, facts, known, assignment, owners):
        self.variables = variables
        self.facts = facts
        self.known = known
        self.assignment = assignment
        self.owners = owners

    def knows(self, role: str, info: str) -> bool:
        if self.owners.get(info) == role:
            return True
        if info not in self.known:
            return False
        return self.assignment.get(("knows", role, info), False)

    def shared(self, info: str) -> bool:
        if info not in self.known:
            return False
        return self.assignment.get(("shared", info), False)

    def consulted(self, role: str) -> bool:
        return self.assignment.get(("consulted", role), False)

    def visited(self, scene: str) -> bool:
        return ("visited", scene) in self.facts

    def chose(self, scene: str, choice: str) -> bool:
        return ("chose", scene, choice) in self.facts


def _expr_reads(source: str | None) -> tuple[set[str], set[tuple], list[tuple]]:
    """(variables, path facts, free atoms) an expression reads."""
    if not source:
        return set(), set(), []
    refs = references(parse(source))
    facts: set[tuple] = set()
    free: list[tuple] = []
    for name, args in refs.calls:
        if name in ("visited", "chose"):
            facts.add((name, *args))
        elif (name, *args) not in free:
            free.append((name, *args))
    return set(refs.variables), facts, free


class _Values:
    """The smallest evaluation context: variable values only (for frozen expression parts)."""

    __slots__ = ("variables",)

    def __init__(self, variables: Mapping[str, Any]):
        self.variables = variables


def _frozen_parts(sources: Iterable[str], frozen: frozenset) -> tuple:
    """Compiled maximal sub-expressions of `sources` that read only `frozen` variables (and
    literals), at least one of them; calls (`chose`, `knows`, ...) are never part of one."""
    found: dict[Any, Any] = {}

    def walk(node: Any, source: str) -> tuple[bool, bool]:
        """(reads only frozen variables and literals, reads some variable)."""
        if isinstance(node, Name):
            return node.name in frozen, True
        if isinstance(node, Call):
            return False, False
        if isinstance(node, Unary):
            return walk(node.operand, source)
        if isinstance(node, Binary):
            left = walk(node.left, source)
            right = walk(node.right, source)
            if left[0] and right[0]:
                return True, left[1] or right[1]
            for child, (only, reads) in ((node.left, left), (node.right, right)):
                if only and reads and child not in found:
                    found[child] = compile_expr(Expr(source, child))
            return False, False
        return True, False  # a literal

    for source in sorted(sources):
        root = parse(source).root
        only, reads = walk(root, source)
        if only and reads and root not in found:
            found[root] = compile_expr(Expr(source, root))
    return tuple(found.values())


def _part_value(part: Callable[[Any], Any], ctx: _Values) -> Any:
    """The value of a frozen part, or a marker when evaluating it fails (as it would in play)."""
    try:
        return part(ctx)
    except Exception:  # division by zero, type error: the same failure every time
        return _FAILS


_FAILS = object()


class _PathSearch:
    """Best total per dimension over the paths, carrying the state guards can read.

    A state is (variables that some expression reads, the `visited`/`chose` facts some
    expression reads, cards known so far that have no owner, cards whose `on_share` was
    paid). Each scene's memo key keeps only what an expression at or after that scene (or a
    consent) can still read. Every dimension is maximised at once: the Bellman equation holds
    per dimension over the same state graph.
    """

    def __init__(self, scenario: Scenario, graph: _Graph, dead_end: float):
        self.scenario = scenario
        self.graph = graph
        self.dead_end = dead_end
        self.dims = list(scenario.scores)
        self.owners = {cid: c.owner for cid, c in scenario.info.items() if c.owner}
        self.memo: dict[tuple, tuple[tuple[float, ...], tuple]] = {}
        self.states = 0  # states searched (memo misses), against PATH_BUDGET
        reads_vars: set[str] = set()
        reads_facts: set[tuple] = set()
        own: dict[str, tuple[set[str], set[tuple]]] = {}
        self.choice_free: dict[tuple[str, str], list[tuple]] = {}
        for sid, scene in scenario.scenes.items():
            v: set[str] = set()
            f: set[tuple] = set()
            for choice in scene.choices:
                free: list[tuple] = []
                for source in (choice.if_, *(r.if_ for r in choice.goto)):
                    rv, rf, rfree = _expr_reads(source)
                    v |= rv
                    f |= rf
                    free += [a for a in rfree if a not in free]
                self.choice_free[(sid, choice.id)] = free
            own[sid] = (v, f)
        # cards whose on_share does something: sharing them is a move of the search
        self.payable = [cid for cid, c in scenario.info.items()
                        if c.on_share.set or c.on_share.add]
        # cards whose on_share only scores: paying one changes nothing a guard reads, so a
        # team that wants the points shares it as soon as it may (`_pay_eager`)
        self.eager = [cid for cid, c in scenario.info.items()
                      if c.on_share.score and not (c.on_share.set or c.on_share.add)]
        self.owner_set = frozenset(self.owners)
        self.consent_free: dict[str, list[tuple]] = {}
        global_vars: set[str] = set()
        global_facts: set[tuple] = set()
        global_sources: set[str] = set()
        global_writes: set[str] = set()
        for cid in self.payable + self.eager:
            card = scenario.info[cid]
            rv, rf, rfree = _expr_reads(card.consent)
            global_vars |= rv
            global_facts |= rf
            self.consent_free[cid] = rfree
            if card.consent:
                global_sources.add(card.consent)
            global_writes |= set(card.on_share.set) | set(card.on_share.add)
        # live reads per scene: own reads plus everything downstream (components sinks first);
        # also the expressions that can still be evaluated and the variables still written
        live: dict[str, tuple[frozenset, frozenset]] = {}
        sources: dict[str, frozenset] = {}
        writes: dict[str, frozenset] = {}
        for component in graph.components:
            members = set(component)
            lv: set[str] = set(global_vars)
            lf: set[tuple] = set(global_facts)
            ls: set[str] = set(global_sources)
            lw: set[str] = set(global_writes)
            for sid in component:
                scene = scenario.scenes[sid]
                lv |= own[sid][0]
                lf |= own[sid][1]
                lw |= set(scene.on_enter.set) | set(scene.on_enter.add)
                for choice in scene.choices:
                    ls.update(x for x in (choice.if_, *(r.if_ for r in choice.goto)) if x)
                    lw |= set(choice.set) | set(choice.add)
                for _, target in graph.edges[sid]:
                    if target not in members and target in live:
                        lv |= live[target][0]
                        lf |= live[target][1]
                        ls |= sources[target]
                        lw |= writes[target]
            for sid in component:
                live[sid] = (frozenset(lv), frozenset(lf))
                sources[sid] = frozenset(ls)
                writes[sid] = frozenset(lw)
            reads_vars |= lv
            reads_facts |= lf
        self.variables = sorted(reads_vars)
        self.var_index = {v: i for i, v in enumerate(self.variables)}
        self.facts = reads_facts
        # A live variable nothing downstream writes any more ("frozen") matters only through
        # the parts of the remaining expressions that read frozen variables alone: the key
        # keeps the values of those parts instead of the variables (exact, and far fewer
        # distinct keys near the end of a case, where every path has its own trust value).
        self.live_vars: dict[str, tuple[int, ...]] = {}
        self.frozen_parts: dict[str, tuple] = {}
        parts_cache: dict[tuple[frozenset, frozenset], tuple] = {}
        self.monotone = self._monotone_cards(scenario)
        # cards a knows()/shared() atom asks about: whether they are known matters throughout
        self.asked_cards = frozenset(
            atom[-1] for free in (*self.choice_free.values(), *self.consent_free.values())
            for atom in free if atom[0] in ("knows", "shared"))
        bands = self._bands(scenario, graph, sources)
        self.bands: dict[str, tuple] = {}
        for sid, (lv, _) in live.items():
            frozen = frozenset(v for v in lv if v not in writes[sid])
            self.bands[sid] = tuple(bands[sid].get(v) for v in sorted(lv - frozen))
            self.live_vars[sid] = tuple(self.var_index[v] for v in sorted(lv - frozen))
            cache_key = (frozen, sources[sid])
            if cache_key not in parts_cache:
                parts_cache[cache_key] = _frozen_parts(sources[sid], frozen) if frozen else ()
            self.frozen_parts[sid] = parts_cache[cache_key]
        self.live_facts = {sid: lf for sid, (_, lf) in live.items()}
        # cards without owner that some role can learn: whether they are known is path state
        self.learnable = _knowable_cards(scenario) - set(self.owners)
        self.component_of: dict[str, int] = {}
        self.weight: dict[str, int] = {}
        self.cyclic: set[int] = set()
        for index, component in enumerate(graph.components):
            cyclic = (len(component) > 1
                      or any(t == component[0] for _, t in graph.edges[component[0]]))
            if cyclic:
                self.cyclic.add(index)
            for i, sid in enumerate(component):
                self.component_of[sid] = index
                self.weight[sid] = 3 ** i if cyclic else 0

    def _monotone_cards(self, scenario: Scenario) -> frozenset:
        """Score-only cards whose sharing, once allowed, stays allowed for the rest of any
        path: no consent, or a consent made of `and`/`or` over true/false variables that no
        effect ever sets to false. For those, "paid" follows from the current state (paid
        exactly when it may be shared now: it is shared at the first moment it may be), so
        the memo key leaves them out."""
        falsified: set[str] = set()
        effects = [c.on_share for c in scenario.info.values()]
        for scene in scenario.scenes.values():
            effects.append(scene.on_enter)
            effects.extend(c.effects for c in scene.choices)
        for eff in effects:
            falsified.update(v for v, value in eff.set.items() if value is not True)

        def monotone(node: Any) -> bool:
            if isinstance(node, Name):
                spec = scenario.variables.get(node.name)
                return (spec is not None and isinstance(spec.initial, bool)
                        and node.name not in falsified)
            if isinstance(node, Binary) and node.op in ("and", "or"):
                return monotone(node.left) and monotone(node.right)
            return False

        return frozenset(cid for cid in self.eager
                         if scenario.info[cid].consent is None
                         or monotone(parse(scenario.info[cid].consent).root))

    @staticmethod
    def _bands(scenario: Scenario, graph: _Graph, sources: Mapping[str, frozenset]
               ) -> dict[str, dict[str, tuple[float, float]]]:
        """Per scene, for each numeric variable that the remaining expressions only compare
        with number literals (`x < 30`, `45 <= x`): (low cut, high cut). Below the low cut the
        value stays below every threshold whatever the rest of the path adds (at most the sum
        of the positive `add`s still possible, each scene twice), above the high cut above
        every threshold; all values beyond a cut are the same for the rest of the game, so the
        key keeps only the side. A later `set` does not matter: after it the value no longer
        depends on the current one."""
        thresholds: dict[str, tuple[dict[str, set], set[str]]] = {}

        def scan(source: str) -> tuple[dict[str, set], set[str]]:
            hit = thresholds.get(source)
            if hit is not None:
                return hit
            found: dict[str, set] = {}
            complex_: set[str] = set()
            simple_names: set[int] = set()
            root = parse(source).root
            for node in iter_nodes(root):
                if isinstance(node, Binary) and node.op in ("<", "<=", ">", ">=", "==", "!="):
                    for a, b in ((node.left, node.right), (node.right, node.left)):
                        if (isinstance(a, Name) and isinstance(b, Number)
                                and not isinstance(b.value, bool)):
                            found.setdefault(a.name, set()).add(b.value)
                            simple_names.add(id(a))
            for node in iter_nodes(root):
                if isinstance(node, Name) and id(node) not in simple_names:
                    complex_.add(node.name)
            thresholds[source] = (found, complex_)
            return found, complex_

        def adds(effects_add: Mapping, pos: dict, neg: dict, times: int) -> None:
            for var, delta in effects_add.items():
                if delta > 0:
                    pos[var] = pos.get(var, 0) + times * delta
                else:
                    neg[var] = neg.get(var, 0) + times * delta

        share_pos: dict[str, float] = {}
        share_neg: dict[str, float] = {}
        for card in scenario.info.values():
            adds(card.on_share.add, share_pos, share_neg, 1)
        ranges: dict[str, tuple[dict, dict]] = {}
        result: dict[str, dict[str, tuple[float, float]]] = {}
        for component in graph.components:
            members = set(component)
            pos: dict[str, float] = {}
            neg: dict[str, float] = {}
            # one choice per visit: the largest rise and the deepest fall of any choice; a
            # scene of a cycle can be visited twice, a scene outside cycles once
            times = MAX_ENTRIES if len(component) > 1 or any(
                t == component[0] for _, t in graph.edges[component[0]]) else 1
            for sid in component:
                scene = scenario.scenes[sid]
                adds(scene.on_enter.add, pos, neg, times)
                rise: dict[str, float] = {}
                fall: dict[str, float] = {}
                for choice in scene.choices:
                    for var, delta in choice.add.items():
                        rise[var] = max(rise.get(var, 0), delta)
                        fall[var] = min(fall.get(var, 0), delta)
                adds(rise, pos, neg, times)
                adds(fall, pos, neg, times)
            succ_pos: dict[str, float] = {}
            succ_neg: dict[str, float] = {}
            for sid in component:
                for _, target in graph.edges[sid]:
                    if target in members or target not in ranges:
                        continue
                    tp, tn = ranges[target]
                    for var, v in tp.items():
                        succ_pos[var] = max(succ_pos.get(var, 0), v)
                    for var, v in tn.items():
                        succ_neg[var] = min(succ_neg.get(var, 0), v)
            for var, v in succ_pos.items():
                pos[var] = pos.get(var, 0) + v
            for var, v in succ_neg.items():
                neg[var] = neg.get(var, 0) + v
            for sid in component:
                ranges[sid] = (pos, neg)
            found_all: dict[str, set] = {}
            complex_all: set[str] = set()
            for source in sources[component[0]]:
                found, complex_ = scan(source)
                complex_all |= complex_
                for var, values in found.items():
                    found_all.setdefault(var, set()).update(values)
            bands: dict[str, tuple[float, float]] = {}
            for var, values in found_all.items():
                spec = scenario.variables.get(var)
                if var in complex_all or spec is None or isinstance(spec.initial, bool):
                    continue
                hi = pos.get(var, 0) + share_pos.get(var, 0)
                lo = neg.get(var, 0) + share_neg.get(var, 0)
                bands[var] = (min(values) - hi, max(values) - lo)
            for sid in component:
                result[sid] = bands
        return result

    # state helpers ------------------------------------------------------------------------
    def initial(self) -> tuple:
        variables = tuple(self.scenario.variables[v].initial for v in self.variables)
        return (variables, frozenset(), frozenset(), frozenset())

    def _clamp(self, var: str, value):
        return self.scenario.variables[var].clamp(value)

    def apply(self, state: tuple, effects_set: Mapping, effects_add: Mapping,
              facts: Iterable[tuple] = (), learned: Iterable[str] = (),
              paid: str | None = None) -> tuple:
        """The state after set, add (clamped after each), new facts, learned cards, a paid card."""
        variables, known_facts, known, rewarded = state
        if effects_set or effects_add:
            values = list(variables)
            index = self.var_index
            for var, value in effects_set.items():
                if var in index:
                    values[index[var]] = self._clamp(var, value)
            for var, delta in effects_add.items():
                if var in index:
                    values[index[var]] = self._clamp(var, values[index[var]] + delta)
            variables = tuple(values)
        new_facts = [f for f in facts if f in self.facts and f not in known_facts]
        if new_facts:
            known_facts = known_facts | frozenset(new_facts)
        new_known = [c for c in learned if c in self.learnable and c not in known]
        if new_known:
            known = known | frozenset(new_known)
        if paid is not None:
            rewarded = rewarded | {paid}
        return (variables, known_facts, known, rewarded)

    def context(self, state: tuple, assignment: Mapping) -> _PathContext:
        variables = dict(zip(self.variables, state[0]))
        # variables no expression reads are never looked up; keep the initial for safety
        return _PathContext(variables, state[1], state[2] | self.owner_set, assignment,
                            self.owners)

    def may_share(self, cid: str, state: tuple) -> bool:
        """Whether some role can share the card now with its `on_share` paid: known, unpaid,
        consent holding for some choice of the free atoms."""
        if cid in state[3] or (cid not in state[2] and cid not in self.owner_set):
            return False
        card = self.scenario.info[cid]
        if card.consent is None:
            return True
        return any(self.holds(card.consent, self.context(state, a))
                   for a in self.assignments(self.consent_free[cid]))

    def pay_eager(self, state: tuple) -> tuple[tuple, list[str]]:
        """The state after sharing every score-only card that may be shared now, and those
        cards. Per dimension only positive `on_share` points are counted (`_share_points`):
        a team after another dimension leaves such a card unshared."""
        paid = [cid for cid in self.eager if self.may_share(cid, state)]
        if paid:
            state = (state[0], state[1], state[2], state[3] | frozenset(paid))
        return state, paid

    def share_points(self, paid: list[str]) -> list[float]:
        """Positive on_share points per dimension of the eagerly shared cards."""
        info = self.scenario.info
        return [sum(max(0.0, float(info[c].on_share.score.get(d, 0))) for c in paid)
                for d in self.dims]

    @staticmethod
    def holds(source: str | None, ctx: _PathContext) -> bool:
        if source is None:
            return True
        try:
            return bool(compile_source(source)(ctx))
        except Exception as exc:  # an expression failing in play counts as false there too
            logger.debug("guard %r fails on a path: %s", source, exc)
            return False

    @staticmethod
    def assignments(free: list[tuple]) -> Iterable[dict]:
        """Every truth assignment of the free atoms, all true first (so that among equally
        good moves the witness prefers the open team: shared and consulted)."""
        for bits in range((1 << len(free)) - 1, -1, -1):
            yield {atom: bool(bits >> i & 1) for i, atom in enumerate(free)}

    # the search ---------------------------------------------------------------------------
    def enter(self, sid: str, code: int, state: tuple) -> tuple[float, ...]:
        """Value (per dimension) of entering scene or ending `sid` in `state`."""
        if sid in self.scenario.endings:
            return (0.0,) * len(self.dims)
        scene = self.scenario.scenes[sid]
        state = self.apply(state, scene.on_enter.set, scene.on_enter.add,
                           facts=(("visited", sid),))
        state, paid = self.pay_eager(state)
        inner = self.inner(sid, code, state)[0]
        points = scene.on_enter.score
        extra = self.share_points(paid) if paid else [0.0] * len(self.dims)
        return tuple(v + float(points.get(d, 0)) + e
                     for v, d, e in zip(inner, self.dims, extra))

    def key(self, sid: str, code: int, state: tuple) -> tuple:
        variables, facts, known, rewarded = state
        live_facts = self.live_facts[sid]
        parts = self.frozen_parts[sid]
        frozen: tuple = ()
        if parts:
            ctx = _Values(dict(zip(self.variables, variables)))
            frozen = tuple(_part_value(part, ctx) for part in parts)
        live = []
        for i, band in zip(self.live_vars[sid], self.bands[sid]):
            value = variables[i]
            if band is not None:
                if value < band[0]:
                    value = "below"
                elif value > band[1]:
                    value = "above"
            live.append(value)
        return (sid, code, tuple(live), frozen,
                frozenset(f for f in facts if f in live_facts),
                frozenset(c for c in known if c in self.asked_cards or c not in rewarded),
                rewarded - self.monotone)

    def moves(self, sid: str, code: int, state: tuple) -> Iterable[tuple]:
        """(action, points, next scene or None for a share, next code, next state)."""
        scenario = self.scenario
        scene = scenario.scenes[sid]
        for cid in self.payable:
            if not self.may_share(cid, state):
                continue
            card = scenario.info[cid]
            new = self.apply(state, card.on_share.set, card.on_share.add, paid=cid)
            new, paid = self.pay_eager(new)
            points = dict(card.on_share.score)
            for c in paid:
                for d, v in scenario.info[c].on_share.score.items():
                    points[d] = points.get(d, 0) + max(0.0, float(v))
            yield ("share", cid, tuple(paid)), points, None, code, new
        edges = self.graph.edges[sid]
        possible = {c for c, _ in edges if c is not None}
        for choice in scene.choices:
            if choice.id not in possible:
                continue
            free = self.choice_free[(sid, choice.id)]
            targets: dict[str, tuple] = {}
            for assignment in self.assignments(free):
                ctx = self.context(state, assignment)
                if not self.holds(choice.if_, ctx):
                    continue
                if not any(r.if_ is None or self.holds(r.if_, ctx) for r in choice.goto):
                    continue  # not open: the engine hides it
                learned = [c for cards in choice.learn.values() for c in cards]
                new = self.apply(state, choice.set, choice.add,
                                 facts=(("chose", sid, choice.id),), learned=learned)
                after = self.context(new, assignment)
                for target in self._route_targets(choice, after):
                    targets.setdefault(target, (new, assignment))
            known = state[2] | self.owner_set
            for target, (new, assignment) in targets.items():
                nxt = self._code(sid, code, target)
                if nxt is not None:
                    # the atoms the team must make true first; knows/shared of a card nobody
                    # knows yet read false whatever the assignment, knows of an owner true
                    needs = tuple(sorted((a for a, on in assignment.items() if on and (
                        a[0] == "consulted" or (a[-1] in known and not (
                            a[0] == "knows" and self.owners.get(a[2]) == a[1])))), key=repr))
                    yield (("choice", choice.id, needs, target),
                           choice.score, target, nxt, new)
        if scene.next is not None:
            nxt = self._code(sid, code, scene.next)
            if nxt is not None:
                yield ("next", scene.next), {}, scene.next, nxt, state
        if scene.timer is not None and scene.on_timeout is not None:
            nxt = self._code(sid, code, scene.on_timeout)
            if nxt is not None:
                yield ("timeout", scene.on_timeout), {}, scene.on_timeout, nxt, state

    def _route_targets(self, choice, ctx) -> list[str]:
        """Where the choice's routes lead after its effects: the first that holds wins; every
        route of a weighted run is possible (the run always ends the list)."""
        targets = []
        for route in choice.goto:
            if route.weight is not None and route.if_ is None:
                if route.weight > 0:
                    targets.append(route.to)
                continue  # the rest of the run; a run with weight ends the list below
            if targets:
                break  # a weighted run before this route always picked one of its routes
            if self.holds(route.if_, ctx):
                targets.append(route.to)
                break
        return [t for t in targets
                if t in self.scenario.scenes or t in self.scenario.endings]

    def _code(self, sid: str, code: int, target: str) -> int | None:
        """The visit code on entering `target` from `sid`; None when entered twice already."""
        if target in self.scenario.endings:
            return 0
        comp = self.component_of[target]
        if comp != self.component_of[sid]:
            return self.weight[target]
        if comp not in self.cyclic:
            return 0
        w = self.weight[target]
        if (code // w) % 3 >= MAX_ENTRIES:
            return None
        return code + w

    def inner(self, sid: str, code: int, state: tuple) -> tuple[tuple[float, ...], tuple]:
        """Best values per dimension from a scene already entered, and the best move per dim."""
        key = self.key(sid, code, state)
        hit = self.memo.get(key)
        if hit is not None:
            return hit
        self.states += 1
        if self.states > PATH_BUDGET:
            raise _BudgetExceeded()
        n = len(self.dims)
        best = [-math.inf] * n
        best_move: list[Any] = [None] * n
        for action, points, target, nxt, new in self.moves(sid, code, state):
            if target is None:
                values = self.inner(sid, code, new)[0]
            else:
                values = self.enter(target, nxt, new)
            for i, d in enumerate(self.dims):
                value = values[i] + float(points.get(d, 0))
                if value > best[i]:
                    best[i] = value
                    best_move[i] = action
        for i in range(n):
            if best[i] == -math.inf:
                best[i] = self.dead_end
                best_move[i] = None
        result = (tuple(best), tuple(best_move))
        self.memo[key] = result
        return result

    def solve(self) -> tuple[float, ...]:
        """Best total per dimension from the start."""
        start = self.scenario.start
        code = self.weight.get(start, 0)
        return self.enter(start, code, self.initial())

    def witness(self, dim: str) -> list[dict[str, Any]]:
        """The moves of a best path for `dim`: shares, choices (with the free atoms they
        need true: consults and shares), `next` and timeouts, in order."""
        i = self.dims.index(dim)
        steps: list[dict[str, Any]] = []
        sid = self.scenario.start
        code = self.weight.get(sid, 0)
        state = self.initial()
        scene = self.scenario.scenes[sid]
        state = self.apply(state, scene.on_enter.set, scene.on_enter.add,
                           facts=(("visited", sid),))
        for _ in range(100_000):
            action = self.inner(sid, code, state)[1][i]
            if action is None:
                break
            move = next((m for m in self.moves(sid, code, state) if m[0] == action), None)
            if move is None:  # pragma: no cover - the memo and the moves agree by construction
                raise RuntimeError(f"witness lost at {sid!r}")
            _action, _points, target, nxt, new = move
            if action[0] == "share":
                steps.append({"kind": "share", "scene": sid, "card": action[1]})
            elif action[0] == "choice":
                steps.append({"kind": "choice", "scene": sid, "choice": action[1],
                              "needs": [list(a) for a in action[2]], "to": action[3]})
            else:
                steps.append({"kind": action[0], "scene": sid, "to": action[1]})
            state = new
            if target is None:
                continue
            if target in self.scenario.endings:
                break
            sid, code = target, nxt
            scene = self.scenario.scenes[sid]
            state = self.apply(state, scene.on_enter.set, scene.on_enter.add,
                               facts=(("visited", sid),))
        return steps


def _share_bonus(scenario: Scenario, dim: str) -> float:
    """Positive `on_share` points of every card some role can know: each counts once a game."""
    knowable = _knowable_cards(scenario)
    return sum(max(0.0, float(card.on_share.score.get(dim, 0)))
               for cid, card in scenario.info.items() if cid in knowable)


def _path_search(scenario: Scenario, graph: _Graph) -> _PathSearch | None:
    """The solved path-sensitive search, or None when it ran out of `PATH_BUDGET` states.

    When no ending can be reached within the entry bound the search is repeated with the best
    prefix as the measure (dead ends worth 0), as the component search does.
    """
    limit = sys.getrecursionlimit()
    needed = 8 * MAX_ENTRIES * (len(scenario.scenes) + len(scenario.info)) + 400
    if needed > limit:
        sys.setrecursionlimit(needed + limit)
    try:
        search = _PathSearch(scenario, graph, dead_end=-math.inf)
        values = search.solve()
        if any(v == -math.inf for v in values):
            search = _PathSearch(scenario, graph, dead_end=0.0)
            search.solve()
        return search
    except _BudgetExceeded:
        logger.info("path-sensitive maximum search of %r exceeded %d states; using the "
                    "path-insensitive search", scenario.id, PATH_BUDGET)
        return None
    finally:
        sys.setrecursionlimit(limit)


def _compute_maxima(scenario: Scenario) -> dict[str, dict[str, Any]]:
    """The maxima block for every dimension (see `maxima_details`)."""
    graph = _Graph(scenario)
    search = _path_search(scenario, graph)
    exact_values = None
    if search is not None:
        exact_values = dict(zip(search.dims, search.solve()))
    details: dict[str, dict[str, Any]] = {}
    for dim, dimension in scenario.scores.items():
        if exact_values is not None:
            computed, approximate = exact_values[dim], False
        else:
            total, approximate = _best_total(graph, dim, dead_end=-math.inf)
            if total == -math.inf:
                # No ending reachable within the entry bound: the best prefix is the measure.
                total, approximate = _best_total(graph, dim, dead_end=0.0)
            computed = total + _share_bonus(scenario, dim)
        effective = dimension.max if dimension.max is not None else computed
        details[dim] = {
            "max": _num(effective),
            "computed": _num(computed),
            "author": None if dimension.max is None else _num(dimension.max),
            "approximate": approximate,
            "path_sensitive": search is not None,
        }
        if approximate:
            logger.info("maximum of %r in %r is approximate (search budget reached)",
                        dim, scenario.id)
    return details


def maxima_details(scenario: Scenario) -> dict[str, dict[str, Any]]:
    """Per dimension: the effective `max`, the `computed` best reachable total, the author's
    `max` (or None) and whether the search had to approximate. Cached per scenario."""
    return _cached("maxima", scenario, _compute_maxima)


def maxima_witness(scenario: Scenario, dim: str) -> list[dict[str, Any]] | None:
    """The moves of a playthrough that reaches the computed maximum of `dim`, or None when the
    path-sensitive search ran out of budget (then no such path is known).

    Steps in order, each a dict with `kind` and `scene`: `share` (`card`: share it now, its
    `on_share` is part of the maximum), `choice` (`choice`, `to` and `needs`: the free atoms
    that must hold when it is decided, as lists such as `["consulted", role]`,
    `["shared", card]`, `["knows", role, card]`), `next` and `timeout` (`to`). Computed
    afresh (not cached: the search holds the scenario), for tests and authoring tools.
    """
    found = maxima_witnesses(scenario)
    return None if found is None else found[1][dim]


def maxima_witnesses(scenario: Scenario) -> tuple[dict[str, float], dict[str, list]] | None:
    """One path-sensitive search for every dimension: (computed best total per dimension,
    witness moves per dimension as in `maxima_witness`), or None when over `PATH_BUDGET`."""
    graph = _Graph(scenario)
    search = _path_search(scenario, graph)
    if search is None:
        return None
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, 8 * MAX_ENTRIES * len(scenario.scenes) + 400 + limit))
    try:
        values = dict(zip(search.dims, search.solve()))
        return values, {dim: search.witness(dim) for dim in search.dims}
    finally:
        sys.setrecursionlimit(limit)


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

"""The best reachable total of every score dimension: the 100 % mark when the author gives none.

`maxima(scenario)` and `maxima_details(scenario)` are computed once per scenario and kept on it;
`maxima_witness` gives the moves of a best path. docs/scoring.md states the algorithm and what
it approximates.
"""

from __future__ import annotations

import logging
import math
import sys
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
)
from game.scenario.expressions import compile as compile_expr
from game.scenario.model import Scenario
from game.scoring.analysis import expr_reads, knowable_cards, per_scenario, possible_targets
from game.scoring.numbers import json_number

logger = logging.getLogger(__name__)
logger.addHandler(logging.NullHandler())

#: How many search states the maximum search may visit per dimension before it finishes the
#: remaining strongly connected parts greedily (and marks the maximum as approximate).
SEARCH_BUDGET = 200_000
#: How often a scene may be entered on one path when searching for the best reachable total.
MAX_ENTRIES = 2


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
                    rv, rf, rfree = expr_reads(source)
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
            rv, rf, rfree = expr_reads(card.consent)
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
        self.learnable = knowable_cards(scenario) - set(self.owners)
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
    knowable = knowable_cards(scenario)
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
            "max": json_number(effective),
            "computed": json_number(computed),
            "author": None if dimension.max is None else json_number(dimension.max),
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
    return per_scenario(scenario, "maxima", _compute_maxima)


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

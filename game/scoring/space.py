"""The state space a team can walk through a scenario, abstracted to what expressions can read.

A state is (values of the variables some expression reads, the `visited`/`chose` facts some
expression reads, the (role, card) pairs learned through choices, the cards whose `on_share`
was paid). `StateSpace.key` reduces a state further to what can still matter at a scene (live
variables, banded where only thresholds are compared, live facts), so two states with the same
key have the same futures: the searches (`game.scoring.search` for the maxima,
`game.scoring.reach` for the cooperation check) keep one of them.

The team's behaviour is a `Policy`: how `knows`, `shared`, `consulted` and `granted` (the moves
a team makes besides choosing: sharing, consulting, asking consent) are decided, and which
choices it may make. `OPEN_ANY` leaves every such atom free (any truth assignment), which is
what the maxima need: the best a team can do at all.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from game.scenario.expressions import (
    Binary,
    Call,
    Expr,
    Name,
    Number,
    compile_source,
    iter_nodes,
    parse,
)
from game.scenario.expressions import compile as compile_expr
from game.scenario.model import Choice, Scenario, Scene
from game.scoring.analysis import expr_reads, knowable_cards
from game.scoring.graph import MAX_ENTRIES, SceneGraph

logger = logging.getLogger(__name__)
logger.addHandler(logging.NullHandler())

State = tuple  # (variables, facts, learned (role, card) pairs, paid cards)
ALWAYS = -1  # "read (or written) in every scene": a consent can be evaluated anywhere


class PathContext:
    """An `EvalContext` over a search state plus one assignment of the free atoms.

    Variables, `visited`, `chose` and learned cards come from the path; `knows`, `shared`,
    `consulted` and `granted` are decided by the team (read from `assignment`), except `knows`
    of a card's owner or of a role that learned it (true) and `knows`/`shared` of a card nobody
    knows yet on this path (false).
    """

    __slots__ = ("variables", "facts", "learned", "holders", "assignment", "owners")

    def __init__(self, variables, facts, learned, holders, assignment, owners):
        self.variables = variables
        self.facts = facts
        self.learned = learned
        self.holders = holders
        self.assignment = assignment
        self.owners = owners

    def knows(self, role: str, info: str) -> bool:
        if self.owners.get(info) == role or (role, info) in self.learned:
            return True
        if info not in self.holders:
            return False
        return self.assignment.get(("knows", role, info), False)

    def shared(self, info: str) -> bool:
        if info not in self.holders:
            return False
        return self.assignment.get(("shared", info), False)

    def consulted(self, role: str) -> bool:
        return self.assignment.get(("consulted", role), False)

    def granted(self, info: str, role: str) -> bool:
        return self.assignment.get(("granted", info, role), False)

    def visited(self, scene: str) -> bool:
        return ("visited", scene) in self.facts

    def chose(self, scene: str, choice: str) -> bool:
        return ("chose", scene, choice) in self.facts


class Policy:
    """How a team decides what the scenario leaves to it besides its choices.

    `assignments(space, scene, state, free)`: the truth assignments of the free atoms
    (`("knows", role, card)`, `("shared", card)`, `("consulted", role)`, `("granted", card,
    role)`) this team can bring about before deciding; `allows(scene, choice)`: whether it may
    make that choice; `shares`: whether it shares cards whose `on_share` changes the state.
    The base class is the team that can do anything (the maxima's view): every assignment,
    every choice, every share.
    """

    name = "any"
    shares = True

    def assignments(self, space: StateSpace, scene: Scene, state: State,
                    free: list[tuple]) -> Iterable[dict]:
        """Every truth assignment, all true first (so that among equally good moves the
        witness prefers the open team: shared and consulted)."""
        for bits in range((1 << len(free)) - 1, -1, -1):
            yield {atom: bool(bits >> i & 1) for i, atom in enumerate(free)}

    def allows(self, scene: Scene, choice: Choice) -> bool:
        """Whether the team may make this choice (the engine's own rules apply as well)."""
        return True

    def static_atom(self, scenario: Scenario, scene: Scene, atom: tuple) -> bool | None:
        """The atom's truth on every path of this team, or None when play decides it (for the
        over-approximation of `game.scoring.reach.over_reach`)."""
        return None


OPEN_ANY = Policy()


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
        operands = [c for c in (getattr(node, "operand", None), getattr(node, "left", None),
                                getattr(node, "right", None)) if c is not None]
        if not operands:
            return True, False  # a literal
        results = [walk(c, source) for c in operands]
        if all(r[0] for r in results):
            return True, any(r[1] for r in results)
        for child, (only, reads) in zip(operands, results):
            if only and reads and child not in found:
                found[child] = compile_expr(Expr(source, child))
        return False, False

    for source in sorted(sources):
        root = parse(source).root
        only, reads = walk(root, source)
        if only and reads and root not in found:
            found[root] = compile_expr(Expr(source, root))
    return tuple(found.values())


_FAILS = object()


def _part_value(part: Callable[[Any], Any], ctx: Any) -> Any:
    """The value of a frozen part, or a marker when evaluating it fails (as it would in play)."""
    try:
        return part(ctx)
    except Exception:  # division by zero, type error: the same failure every time
        return _FAILS


class _Values:
    """The smallest evaluation context: variable values only (for frozen expression parts)."""

    __slots__ = ("variables",)

    def __init__(self, variables: Mapping[str, Any]):
        self.variables = variables


def _thresholds(source: str) -> tuple[dict[str, tuple[float, float]], set[str]]:
    """(variable -> (lowest, highest) number it is compared with, variables read otherwise)."""
    found: dict[str, tuple[float, float]] = {}
    simple: set[int] = set()
    root = parse(source).root
    for node in iter_nodes(root):
        if isinstance(node, Binary) and node.op in ("<", "<=", ">", ">=", "==", "!="):
            for a, b in ((node.left, node.right), (node.right, node.left)):
                if isinstance(a, Name) and isinstance(b, Number) and not isinstance(b.value, bool):
                    lo, hi = found.get(a.name, (b.value, b.value))
                    found[a.name] = (min(lo, b.value), max(hi, b.value))
                    simple.add(id(a))
    other = {n.name for n in iter_nodes(root) if isinstance(n, Name) and id(n) not in simple}
    return found, other


def _merge_range(into: dict, var: str, lo: float, hi: float) -> None:
    old = into.get(var)
    into[var] = (lo, hi) if old is None else (min(old[0], lo), max(old[1], hi))


class _Reads:
    """Per variable and fact the lowest component level (sinks first) that reads it, per
    variable the lowest that writes it: liveness in O(scenes + expressions)."""

    def __init__(self) -> None:
        self.var: dict[str, int] = {}
        self.fact: dict[tuple, int] = {}
        self.written: dict[str, int] = {}

    def note(self, source: str, level: int) -> list[tuple]:
        """Note what `source` reads at that level; its free atoms."""
        variables, facts, free = expr_reads(source)
        for v in variables:
            self.var[v] = min(self.var.get(v, level), level)
        for f in facts:
            self.fact[f] = min(self.fact.get(f, level), level)
        return free

    def write(self, variables: Iterable[str], level: int) -> None:
        """Note that these variables are written at that level."""
        for v in variables:
            self.written[v] = min(self.written.get(v, level), level)


class StateSpace:
    """The states and moves of a scenario for the searches (see the module docstring).

    Liveness is kept per scene in O(scenes + expressions): a variable or fact is live at a
    scene when some scene that reads it lies in the same or a later strongly connected
    component in the sinks-first order (an over-approximation of "read downstream", which
    keeps the key exact); a variable is frozen when no scene that writes it does.
    """

    def __init__(self, scenario: Scenario, graph: SceneGraph | None = None):
        self.scenario = scenario
        self.graph = graph = graph or SceneGraph(scenario)
        self.owners = {cid: c.owner for cid, c in scenario.info.items() if c.owner}
        self.owner_set = frozenset(self.owners)
        self.level = graph.component_of  # the sinks-first component index of every scene
        # cards whose on_share does something: sharing them is a move of the search
        self.payable = [cid for cid, c in scenario.info.items()
                        if c.on_share.set or c.on_share.add]
        # cards whose on_share only scores: paying one changes nothing a guard reads, so a
        # team that wants the points shares it as soon as it may (`pay_eager`)
        self.eager = [cid for cid, c in scenario.info.items()
                      if c.on_share.score and not (c.on_share.set or c.on_share.add)]
        self.share_cards = frozenset(self.payable) | frozenset(self.eager)
        self.choice_free: dict[tuple[str, str], list[tuple]] = {}
        self.consent_free: dict[str, list[tuple]] = {}
        reads = _Reads()
        own_sources = self._scene_reads(reads)
        global_sources = self._card_reads(reads)
        self.variables = sorted(reads.var)
        self.var_index = {v: i for i, v in enumerate(self.variables)}
        self.fact_level = reads.fact
        self.facts = frozenset(reads.fact)
        self.monotone = self._monotone_cards()
        # cards a knows()/shared()/granted() atom asks about: whether they are known matters
        self.asked_cards = frozenset(
            atom[-1] if atom[0] != "granted" else atom[1]
            for free in (*self.choice_free.values(), *self.consent_free.values())
            for atom in free if atom[0] in ("knows", "shared", "granted"))
        # cards without owner that some role can learn: whether they are known is path state
        self.learnable = knowable_cards(scenario) - self.owner_set
        self._live(reads, self._bands(own_sources, global_sources),
                   {s for sources in own_sources.values() for s in sources} | global_sources)

    def _scene_reads(self, reads: _Reads) -> dict[str, list[str]]:
        """Note what every scene's guards and routes read and what its effects write; the
        expression sources per scene."""
        own_sources: dict[str, list[str]] = {}
        for sid, scene in self.scenario.scenes.items():
            level = self.level[sid]
            sources: list[str] = []
            for choice in scene.choices:
                free: list[tuple] = []
                for source in (choice.if_, *(r.if_ for r in choice.goto)):
                    if source:
                        sources.append(source)
                        free += [a for a in reads.note(source, level) if a not in free]
                self.choice_free[(sid, choice.id)] = free
                reads.write((*choice.set, *choice.add), level)
            reads.write((*scene.on_enter.set, *scene.on_enter.add), level)
            own_sources[sid] = sources
        return own_sources

    def _card_reads(self, reads: _Reads) -> set[str]:
        """Note what the cards' consents read (in every scene) and their shares write; the
        consent sources."""
        global_sources: set[str] = set()
        for cid, card in self.scenario.info.items():
            free = self.consent_free.setdefault(cid, [])
            for source in (card.consent, _ask(card)):
                if source:
                    free += [a for a in reads.note(source, ALWAYS) if a not in free]
                    global_sources.add(source)
            reads.write((*card.on_share.set, *card.on_share.add), ALWAYS)
        return global_sources

    def _live(self, reads: _Reads, bands: Mapping[str, Mapping], sources: set[str]) -> None:
        """Per scene: the live variables (banded where only compared with numbers) and the
        compiled parts of the expressions over the frozen ones (live, never written again)."""
        self.live_vars: dict[str, tuple[int, ...]] = {}
        self.bands: dict[str, tuple] = {}
        self.frozen_parts: dict[str, tuple] = {}
        parts_cache: dict[frozenset, tuple] = {}
        for sid in self.scenario.scenes:
            level = self.level[sid]
            live = [v for v in self.variables if reads.var[v] <= level]
            frozen = frozenset(v for v in live if reads.written.get(v, level + 1) > level)
            rest = [v for v in live if v not in frozen]
            self.live_vars[sid] = tuple(self.var_index[v] for v in rest)
            self.bands[sid] = tuple(bands[sid].get(v) for v in rest)
            if frozen and frozen not in parts_cache:
                parts_cache[frozen] = _frozen_parts(sources, frozen)
            self.frozen_parts[sid] = parts_cache[frozen] if frozen else ()

    # analysis -------------------------------------------------------------------------------
    def _monotone_cards(self) -> frozenset:
        """Score-only cards whose sharing, once allowed, stays allowed for the rest of any
        path: no consent, or a consent made of `and`/`or` over true/false variables that no
        effect ever sets to false. For those, "paid" follows from the current state (paid
        exactly when it may be shared now: it is shared at the first moment it may be), so
        the key leaves them out."""
        scenario = self.scenario
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

    def _bands(self, own_sources: Mapping[str, list[str]], global_sources: set[str]
               ) -> dict[str, dict[str, tuple[float, float]]]:
        """Per scene, for each numeric variable that the remaining expressions only compare
        with number literals (`x < 30`, `45 <= x`): (low cut, high cut). Below the low cut the
        value stays below every threshold whatever the rest of the path adds (at most the sum
        of the positive `add`s still possible, each scene of a cycle twice), above the high cut
        above every threshold; all values beyond a cut are the same for the rest of the game,
        so the key keeps only the side. A later `set` does not matter: after it the value no
        longer depends on the current one. Propagated sinks first, a few numbers per variable
        and scene."""
        scenario, graph = self.scenario, self.graph
        share_pos: dict[str, float] = {}
        share_neg: dict[str, float] = {}
        _adds(share_pos, share_neg, (c.on_share.add for c in scenario.info.values()), 1)
        global_found: dict[str, tuple[float, float]] = {}
        other: set[str] = set()  # variables some expression reads other than by thresholds
        for source in global_sources:
            found, rest = _thresholds(source)
            other |= rest
            for var, (lo, hi) in found.items():
                _merge_range(global_found, var, lo, hi)
        for sources in own_sources.values():
            for source in sources:
                other |= _thresholds(source)[1]
        ranges: dict[str, tuple[dict, dict, dict]] = {}  # rises, falls, thresholds downstream
        result: dict[str, dict[str, tuple[float, float]]] = {}
        for index, component in enumerate(graph.components):
            members = set(component)
            pos: dict[str, float] = {}
            neg: dict[str, float] = {}
            found_all = dict(global_found)
            times = MAX_ENTRIES if index in graph.cyclic else 1
            for sid in component:
                scene = scenario.scenes[sid]
                _adds(pos, neg, [scene.on_enter.add], times)
                # one choice per visit: the largest rise and the deepest fall of any choice
                rise: dict[str, float] = {}
                fall: dict[str, float] = {}
                for choice in scene.choices:
                    for var, delta in choice.add.items():
                        rise[var] = max(rise.get(var, 0), delta)
                        fall[var] = min(fall.get(var, 0), delta)
                _adds(pos, neg, [rise, fall], times)
                for source in own_sources[sid]:
                    for var, (lo, hi) in _thresholds(source)[0].items():
                        _merge_range(found_all, var, lo, hi)
            succ_pos: dict[str, float] = {}
            succ_neg: dict[str, float] = {}
            for sid in component:
                for _, target in graph.edges[sid]:
                    if target in members or target not in ranges:
                        continue
                    tp, tn, tf = ranges[target]
                    for var, v in tp.items():
                        succ_pos[var] = max(succ_pos.get(var, 0), v)
                    for var, v in tn.items():
                        succ_neg[var] = min(succ_neg.get(var, 0), v)
                    for var, (lo, hi) in tf.items():
                        _merge_range(found_all, var, lo, hi)
            for var, v in succ_pos.items():
                pos[var] = pos.get(var, 0) + v
            for var, v in succ_neg.items():
                neg[var] = neg.get(var, 0) + v
            bands: dict[str, tuple[float, float]] = {}
            for var, (lo_t, hi_t) in found_all.items():
                spec = scenario.variables.get(var)
                if var in other or spec is None or isinstance(spec.initial, bool):
                    continue
                hi = pos.get(var, 0) + share_pos.get(var, 0)
                lo = neg.get(var, 0) + share_neg.get(var, 0)
                bands[var] = (lo_t - hi, hi_t - lo)
            for sid in component:
                ranges[sid] = (pos, neg, found_all)
                result[sid] = bands
        return result

    # states ---------------------------------------------------------------------------------
    def initial(self) -> State:
        """The state before the start scene is entered."""
        variables = tuple(self.scenario.variables[v].initial for v in self.variables)
        return (variables, frozenset(), frozenset(), frozenset())

    def apply(self, state: State, effects_set: Mapping, effects_add: Mapping,
              facts: Iterable[tuple] = (), learned: Mapping[str, Iterable[str]] | None = None,
              paid: str | None = None) -> State:
        """The state after set, add (clamped after each), new facts, learned cards, a paid card."""
        variables, known_facts, known, rewarded = state
        if effects_set or effects_add:
            values = list(variables)
            index = self.var_index
            specs = self.scenario.variables
            for var, value in effects_set.items():
                if var in index:
                    values[index[var]] = specs[var].clamp(value)
            for var, delta in effects_add.items():
                if var in index:
                    values[index[var]] = specs[var].clamp(values[index[var]] + delta)
            variables = tuple(values)
        new_facts = [f for f in facts if f in self.facts and f not in known_facts]
        if new_facts:
            known_facts = known_facts | frozenset(new_facts)
        if learned:
            pairs = [(r, c) for r, cards in learned.items() for c in cards
                     if c in self.learnable and (r, c) not in known]
            if pairs:
                known = known | frozenset(pairs)
        if paid is not None:
            rewarded = rewarded | {paid}
        return (variables, known_facts, known, rewarded)

    def enter(self, sid: str, state: State) -> State:
        """The state after entering scene `sid` (its `on_enter` and the `visited` fact)."""
        scene = self.scenario.scenes[sid]
        return self.apply(state, scene.on_enter.set, scene.on_enter.add,
                          facts=(("visited", sid),))

    def holders(self, state: State) -> frozenset:
        """The cards somebody knows in this state (owned or learned)."""
        return self.owner_set | {c for _, c in state[2]}

    def context(self, state: State, assignment: Mapping) -> PathContext:
        """An evaluation context for guards in this state under that assignment."""
        return PathContext(dict(zip(self.variables, state[0])), state[1], state[2],
                           self.holders(state), assignment, self.owners)

    @staticmethod
    def holds(source: str | None, ctx: PathContext) -> bool:
        """Whether a guard holds (a guard that fails to evaluate counts as false, as in play)."""
        if source is None:
            return True
        try:
            return bool(compile_source(source)(ctx))
        except Exception as exc:  # an expression failing in play counts as false there too
            logger.debug("guard %r fails on a path: %s", source, exc)
            return False

    def may_share(self, cid: str, state: State) -> bool:
        """Whether some role can share the card now with its `on_share` paid: known, unpaid,
        and its standing consent holds, or the family would agree if asked now, for some
        choice of the free atoms."""
        if cid in state[3] or cid not in self.holders(state):
            return False
        card = self.scenario.info[cid]
        if card.consent is None:
            return True
        sources = [s for s in (card.consent, _ask(card)) if s]
        return any(self.holds(source, self.context(state, a))
                   for a in OPEN_ANY.assignments(self, None, state, self.consent_free[cid])
                   for source in sources)

    def pay_eager(self, state: State) -> tuple[State, list[str]]:
        """The state after sharing every score-only card that may be shared now, and those
        cards."""
        paid = [cid for cid in self.eager if self.may_share(cid, state)]
        if paid:
            state = (state[0], state[1], state[2], state[3] | frozenset(paid))
        return state, paid

    def key(self, sid: str, code: int, state: State) -> tuple:
        """What of (scene, entry code, state) can still matter: equal keys, equal futures."""
        variables, facts, known, rewarded = state
        level = self.level[sid]
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
        fact_level = self.fact_level
        return (sid, code, tuple(live), frozen,
                frozenset(f for f in facts if fact_level[f] <= level),
                frozenset(p for p in known if p[1] in self.asked_cards
                          or (p[1] in self.share_cards and p[1] not in rewarded)),
                rewarded - self.monotone)

    # moves ----------------------------------------------------------------------------------
    def moves(self, sid: str, code: int, state: State, policy: Policy = OPEN_ANY
              ) -> Iterable[tuple]:
        """(action, points, next scene or None for a share, next code, next state).

        Actions: `("share", card, eager cards paid with it)`, `("choice", id, atoms the team
        made true first, target)`, `("next", target)`, `("timeout", target)`.
        """
        scenario = self.scenario
        scene = scenario.scenes[sid]
        if policy.shares:
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
        possible = {c for c, _ in self.graph.edges[sid] if c is not None}
        holders = self.holders(state)
        for choice in scene.choices:
            if choice.id not in possible or not policy.allows(scene, choice):
                continue
            free = self.choice_free[(sid, choice.id)]
            targets: dict[str, tuple] = {}
            for assignment in policy.assignments(self, scene, state, free):
                ctx = self.context(state, assignment)
                if not self.holds(choice.if_, ctx):
                    continue
                if not any(r.if_ is None or self.holds(r.if_, ctx) for r in choice.goto):
                    continue  # not open: the engine hides it
                new = self.apply(state, choice.set, choice.add,
                                 facts=(("chose", sid, choice.id),), learned=choice.learn)
                after = self.context(new, assignment)
                for target in self._route_targets(choice, after):
                    targets.setdefault(target, (new, assignment))
            for target, (new, assignment) in targets.items():
                nxt = self.graph.entry_code(sid, code, target)
                if nxt is not None:
                    yield (("choice", choice.id, self._needs(assignment, state, holders),
                            target), choice.score, target, nxt, new)
        for kind, target in (("next", scene.next),
                             ("timeout", scene.on_timeout if scene.timer is not None else None)):
            if target is not None:
                nxt = self.graph.entry_code(sid, code, target)
                if nxt is not None:
                    yield (kind, target), {}, target, nxt, state

    def _needs(self, assignment: Mapping, state: State, holders: frozenset) -> tuple:
        """The atoms the team must make true first: knows/shared of a card nobody knows yet
        read false whatever the assignment, knows of an owner or learner true."""
        needs = []
        for atom, on in assignment.items():
            if not on:
                continue
            if atom[0] in ("consulted", "granted"):
                needs.append(atom)
            elif atom[-1] in holders and not (atom[0] == "knows" and (
                    self.owners.get(atom[2]) == atom[1] or (atom[1], atom[2]) in state[2])):
                needs.append(atom)
        return tuple(sorted(needs, key=repr))

    def _route_targets(self, choice: Choice, ctx: PathContext) -> list[str]:
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


def _ask(card: Any) -> str | None:
    """The condition under which the family agrees when asked (None: it cannot be asked)."""
    return card.terms.ask if card.terms is not None else None


def _adds(pos: dict, neg: dict, effects_adds: Iterable[Mapping], times: int) -> None:
    for effects_add in effects_adds:
        for var, delta in effects_add.items():
            if delta > 0:
                pos[var] = pos.get(var, 0) + times * delta
            else:
                neg[var] = neg.get(var, 0) + times * delta

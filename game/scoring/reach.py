"""Which endings a team of a given kind can reach, searched over the states of the maxima search.

The cooperation check (`game.authoring.cooperation`) asks this for fixed teams: `SILENT`
(never shares, consults or asks), `Solo(role)` (silent, and every team decision goes that
role's way), `OPEN` (consults every adviser, shares what it may with those who need it, asks
consent where it can) and `OPEN_ANY` (anything: the random team's reach). `reach` is a
breadth-first search over the abstract states of `game.scoring.space`, so the first time an
ending is found its path has the fewest moves; it is exhaustive unless it runs out of budget
(`complete` says which).
"""

from __future__ import annotations

import heapq
import itertools
from collections import deque
from collections.abc import Iterable
from typing import Any

from attrs import frozen

from game.scenario.expressions import Binary, Call, Expr, Unary, parse
from game.scenario.expressions import compile as compile_expr
from game.scenario.model import Choice, Info, Scenario, Scene
from game.scoring.analysis import Unknown, static_context
from game.scoring.space import OPEN_ANY, Policy, State, StateSpace

__all__ = ["OPEN", "OPEN_ANY", "SILENT", "Open", "Reach", "Silent", "Solo", "find", "over_reach",
           "reach"]


def _covers(card: Info, role: str) -> bool:
    """Whether the card's consent reaches that role (no scope: every role)."""
    return card.covers(role)


def _standing(space: StateSpace, card: Info, role: str, state: State) -> bool:
    """Sharing `card` with `role` is within standing consent now (no ask needed)."""
    if card.consent is None:
        return _covers(card, role)
    ctx = space.context(state, {})
    return _covers(card, role) and space.holds(card.consent, ctx)


def _askable(space: StateSpace, card: Info, role: str, state: State) -> bool:
    """The family would agree now if asked for consent to share `card` with `role`."""
    ask = card.terms.ask if card.terms is not None else None
    if ask is None or not _covers(card, role):
        return False
    return space.holds(ask, space.context(state, {}))


class Silent(Policy):
    """Never shares, never consults, never asks consent; any choice. `knows` holds only for a
    card's owner or a role that learned it, `shared` never, `granted` only where standing
    consent covers the role."""

    name = "silent"
    shares = False

    def assignments(self, space: StateSpace, scene: Scene, state: State,
                    free: list[tuple]) -> Iterable[dict]:
        values = {}
        for atom in free:
            if atom[0] == "granted" and atom[1] in space.scenario.info:
                values[atom] = _standing(space, space.scenario.info[atom[1]], atom[2], state)
            else:
                values[atom] = False
        yield values

    def static_atom(self, scenario: Scenario, scene: Scene, atom: tuple) -> bool | None:
        """The atom's truth on every path of this team, or None when play decides it."""
        kind = atom[0]
        if kind in ("consulted", "shared"):
            return False
        if kind == "knows":
            card = scenario.info.get(atom[2])
            if card is not None and card.owner == atom[1]:
                return True
            learns = any(atom[2] in choice.learn.get(atom[1], ())
                         for s in scenario.scenes.values() for choice in s.choices)
            return None if learns else False
        if kind == "granted":
            card = scenario.info.get(atom[1])
            if card is None or not _covers(card, atom[2]):
                return False
            return True if card.consent is None else None
        return None


class Solo(Silent):
    """A silent team in which one role's view decides: every team decision (vote, consensus,
    a tie, a single decision with more than one actor) is a choice that role may pick."""

    def __init__(self, role: str):
        self.role = role
        self.name = f"solo:{role}"

    def allows(self, scene: Scene, choice: Choice) -> bool:
        if self.role not in scene.actors:
            return True
        if scene.decision == "single" and len(scene.actors) == 1:
            return True
        return choice.roles is None or self.role in choice.roles


class Open(Policy):
    """Consults every role with advice in the scene, shares every card it may with the roles
    that need it (`needed_by`, else everyone), asking consent first where the family would
    agree; then any choice. Shares whose `on_share` changes the state may come at any moment."""

    name = "open"

    def assignments(self, space: StateSpace, scene: Scene, state: State,
                    free: list[tuple]) -> Iterable[dict]:
        info = space.scenario.info
        holders = space.holders(state)
        values = {}
        for atom in free:
            kind = atom[0]
            if kind == "consulted":
                values[atom] = atom[1] in scene.advice
            elif kind == "knows":
                card = info.get(atom[2])
                values[atom] = (card is not None and atom[2] in holders
                                and self.gives(space, card, atom[1], state))
            elif kind == "shared":
                card = info.get(atom[1])
                values[atom] = (card is not None and atom[1] in holders and any(
                    self.gives(space, card, r, state) for r in space.scenario.roles
                    if r != card.owner))
            elif kind == "granted":
                card = info.get(atom[1])
                values[atom] = card is not None and (
                    _standing(space, card, atom[2], state)
                    or _askable(space, card, atom[2], state))
            else:
                values[atom] = False
        yield values

    @staticmethod
    def gives(space: StateSpace, card: Info, role: str, state: State) -> bool:
        """Whether the open team shares `card` with `role` now: the role needs it, and sharing
        is no breach (not sensitive, within standing consent, or consent asked and given)."""
        needed_by = card.needed_by
        if needed_by is not None and role not in needed_by:
            return False
        if not card.sensitive:
            return True
        return _standing(space, card, role, state) or _askable(space, card, role, state)


SILENT = Silent()
OPEN = Open()


@frozen
class Reach:
    """What `reach` found: `endings` (ending id -> the moves of a shortest path there, as
    (scene, action) pairs like the maxima search's), `states` searched, `complete` (every
    reachable state searched within the budget)."""

    endings: dict[str, list[tuple]]
    states: int
    complete: bool


def reach(space: StateSpace, policy: Policy = OPEN_ANY, budget: int = 50_000) -> Reach:
    """The endings a team following `policy` can reach, each with a shortest path."""
    scenario = space.scenario
    start = scenario.start
    state = space.enter(start, space.initial())
    key = space.key(start, space.graph.weight.get(start, 0), state)
    parent: dict[tuple, tuple | None] = {key: None}
    queue = deque([(start, space.graph.weight.get(start, 0), state, key)])
    endings: dict[str, list[tuple]] = {}
    complete = True
    while queue:
        if len(parent) > budget:
            complete = False
            break
        sid, code, state, key = queue.popleft()
        for action, _points, target, nxt, new in space.moves(sid, code, state, policy):
            step = (key, sid, action)
            if target in scenario.endings:
                if target not in endings:
                    endings[target] = _path(parent, step)
                continue
            if target is None:
                target, nxt = sid, code
            else:
                new = space.enter(target, new)
            new_key = space.key(target, nxt, new)
            if new_key not in parent:
                parent[new_key] = step
                queue.append((target, nxt, new, new_key))
    return Reach(endings=endings, states=len(parent), complete=complete)


def _path(parent: dict, step: tuple) -> list[tuple]:
    steps = []
    while step is not None:
        previous, sid, action = step
        steps.append((sid, action))
        step = parent[previous]
    steps.reverse()
    return steps


# ------------------------------------------------------------------ the over-approximation


def _truth(node: Any, source: str, scenario: Scenario, scene: Scene, policy: Policy
           ) -> bool | None:
    """Three-valued truth of a guard for this team on every path: True, False, or None when
    play decides it. `and`/`or`/`not` in Kleene logic; the team's moves (`knows`, `shared`,
    `consulted`, `granted`) as the policy fixes them; everything else as `static_truth`."""
    if isinstance(node, Binary) and node.op in ("and", "or"):
        left = _truth(node.left, source, scenario, scene, policy)
        right = _truth(node.right, source, scenario, scene, policy)
        stop = node.op == "or"  # the value that decides the whole
        if left is stop or right is stop:
            return stop
        return None if left is None or right is None else not stop
    if isinstance(node, Unary) and node.op == "not":
        value = _truth(node.operand, source, scenario, scene, policy)
        return None if value is None else not value
    if isinstance(node, Call) and node.function in ("knows", "shared", "consulted", "granted"):
        atom = (node.function, *(a.id for a in node.args))
        decided = policy.static_atom(scenario, scene, atom)
        if decided is not None:
            return decided
    try:
        return bool(compile_expr(Expr(source, node))(static_context(scenario)))
    except Unknown:
        return None
    except Exception:  # a failure on constants fails in play too, but stay on the safe side
        return None


def _possible(source: str | None, scenario: Scenario, scene: Scene, policy: Policy
              ) -> bool | None:
    return True if source is None else _truth(parse(source).root, source, scenario, scene,
                                              policy)


def over_edges(scenario: Scenario, policy: Policy) -> dict[str, list[str]]:
    """Per scene, where this team might go from it (an over-approximation: a guard counts as
    possibly open unless it is false on every path of this team)."""
    edges: dict[str, list[str]] = {}
    for sid, scene in scenario.scenes.items():
        out: list[str] = []
        if scene.next is not None:
            out.append(scene.next)
        if scene.timer is not None and scene.on_timeout is not None:
            out.append(scene.on_timeout)
        for choice in scene.choices:
            if not policy.allows(scene, choice):
                continue
            if choice.roles is not None and scene.actors and not (
                    set(choice.roles) & set(scene.actors)):
                continue
            if _possible(choice.if_, scenario, scene, policy) is False:
                continue
            for route in choice.goto:
                truth = _possible(route.if_, scenario, scene, policy)
                if truth is False or (route.weight is not None and route.weight <= 0):
                    continue
                out.append(route.to)
                if truth is True and route.weight is None:
                    break
        edges[sid] = [t for t in dict.fromkeys(out)
                      if t in scenario.scenes or t in scenario.endings]
    return edges


def over_reach(scenario: Scenario, policy: Policy) -> set[str]:
    """The endings this team might reach: every ending outside is proven unreachable."""
    edges = over_edges(scenario, policy)
    seen = {scenario.start}
    stack = [scenario.start]
    endings = set()
    while stack:
        for target in edges[stack.pop()]:
            if target in scenario.endings:
                endings.add(target)
            elif target not in seen:
                seen.add(target)
                stack.append(target)
    return endings


def _distances(scenario: Scenario, edges: dict[str, list[str]], targets: set[str]
               ) -> dict[str, int]:
    """Fewest moves from each scene to one of `targets` in the over-approximated graph."""
    back: dict[str, list[str]] = {}
    for sid, outs in edges.items():
        for t in outs:
            back.setdefault(t, []).append(sid)
    dist = dict.fromkeys(targets, 0)
    queue = deque(targets)
    while queue:
        node = queue.popleft()
        for prev in back.get(node, ()):
            if prev not in dist:
                dist[prev] = dist[node] + 1
                queue.append(prev)
    return dist


def steps_to_end(scenario: Scenario) -> dict[str, int]:
    """Scene id → the fewest scene changes from it to any ending, for a team that may do
    anything (guards count as possibly open unless always false); a scene from which no
    ending can be reached is left out. For progress shown while a team plays."""
    dist = _distances(scenario, over_edges(scenario, OPEN_ANY), set(scenario.endings))
    return {sid: n for sid, n in dist.items() if sid in scenario.scenes}


def find(space: StateSpace, policy: Policy, targets: set[str], budget: int = 20_000
         ) -> tuple[tuple[str, list[tuple]] | None, bool]:
    """A shortest path of this team to one of the ending ids `targets`: ((ending, moves) or
    None, complete). A* over the abstract states with the distance in the over-approximated
    graph as its (consistent) heuristic; `complete` False when it stopped at `budget` states
    without an answer, True when the answer (also "none") is proven."""
    scenario = space.scenario
    dist = _distances(scenario, over_edges(scenario, policy), targets)
    start = scenario.start
    if start not in dist:
        return None, True
    code = space.graph.weight.get(start, 0)
    state = space.enter(start, space.initial())
    key = space.key(start, code, state)
    parent: dict[tuple, tuple | None] = {key: None}
    best: dict[tuple, int] = {key: 0}
    counter = itertools.count()
    queue = [(dist[start], next(counter), 0, start, code, state, key)]
    while queue:
        _f, _n, g, sid, code, state, key = heapq.heappop(queue)
        if g > best.get(key, g):
            continue
        if len(parent) > budget:
            return None, False
        for action, _points, target, nxt, new in space.moves(sid, code, state, policy):
            step = (key, sid, action)
            if target in targets:
                return (target, _path(parent, step)), True
            if target in scenario.endings:
                continue
            if target is None:
                target, nxt = sid, code
            else:
                new = space.enter(target, new)
            if target not in dist:
                continue  # no way on to a target from there
            new_key = space.key(target, nxt, new)
            if g + 1 < best.get(new_key, g + 2):
                best[new_key] = g + 1
                parent[new_key] = step
                heapq.heappush(queue, (g + 1 + dist[target], next(counter), g + 1, target,
                                       nxt, new, new_key))
    return None, True

"""The scene graph as far as it is decided statically, its strongly connected components, and
per-scene upper bounds of the points still to be had (the heuristic of the maxima search)."""

from __future__ import annotations

import math
import sys

from game.scenario.model import Scenario
from game.scoring.analysis import possible_targets

#: How often a scene may be entered on one path when searching for the best reachable total
#: (bounded unrolling of loops: a loop is walked at most twice).
MAX_ENTRIES = 2
#: A cyclic component up to this many scenes gets an exact path-insensitive bound (a search
#: over the entry counts of its scenes, at most 3**n states); a larger one a coarse bound.
EXACT_CYCLE = 9


class SceneGraph:
    """The scene graph with, per edge, the choice whose points it carries.

    `edges[scene]`: (choice id or None for `next`/`on_timeout`, target) as far as static
    analysis can tell (`possible_targets`); `components`: strongly connected components, sinks
    first; `component_of`, `cyclic` (indices of components with a cycle) and `weight` (the
    base-3 digit of a scene in its component's entry code) describe them for the searches.
    """

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
        self.component_of: dict[str, int] = {}
        self.weight: dict[str, int] = {}
        self.cyclic: set[int] = set()
        for index, component in enumerate(self.components):
            if self.is_cyclic(component):
                self.cyclic.add(index)
            for i, sid in enumerate(component):
                self.component_of[sid] = index
                self.weight[sid] = 3 ** i if index in self.cyclic else 0

    def is_cyclic(self, component: list[str]) -> bool:
        """Whether the component holds a cycle (more than one scene, or a scene to itself)."""
        return len(component) > 1 or any(t == component[0] for _, t in self.edges[component[0]])

    def entry_code(self, sid: str, code: int, target: str) -> int | None:
        """The entry code on entering `target` from `sid` (how often each scene of the current
        cyclic component was entered, one base-3 digit per scene); None when `target` was
        entered `MAX_ENTRIES` times on this path already."""
        if target not in self.component_of:
            return 0  # an ending
        comp = self.component_of[target]
        if comp != self.component_of[sid]:
            return self.weight[target]
        if comp not in self.cyclic:
            return 0
        w = self.weight[target]
        if (code // w) % 3 >= MAX_ENTRIES:
            return None
        return code + w

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


def upper_bounds(graph: SceneGraph, dim: str, dead_end: float) -> dict[str, float]:
    """Per scene, an upper bound of the points of `dim` from entering it to an ending.

    Path-insensitive: every guard that static analysis cannot decide counts as open, so no path
    scores more (the bound is admissible for the A* search in `game.scoring.search`). Without
    a cycle it is one step of longest-path dynamic programming, exact for the graph; in a cyclic
    component of at most `EXACT_CYCLE` scenes a search over the entry counts (each scene at most
    `MAX_ENTRIES` times); in a larger one every scene counted `MAX_ENTRIES` times at its best.
    `dead_end`: the value of a scene without any way on (-inf: not a path to an ending).
    """
    scenario = graph.scenario
    enter = {sid: float(s.on_enter.score.get(dim, 0)) for sid, s in scenario.scenes.items()}

    def edge_points(sid: str, choice_id: str | None) -> float:
        if choice_id is None:
            return 0.0
        return float(scenario.scenes[sid].choice(choice_id).score.get(dim, 0))

    best: dict[str, float] = {}

    def value_of(target: str) -> float:
        return 0.0 if target in scenario.endings else best[target]

    for index, component in enumerate(graph.components):
        if index not in graph.cyclic:
            sid = component[0]
            options = [edge_points(sid, c) + value_of(t) for c, t in graph.edges[sid]]
            best[sid] = enter[sid] + (max(options) if options else dead_end)
        elif len(component) <= EXACT_CYCLE:
            _exact_cycle(graph, component, enter, edge_points, value_of, best)
        else:
            members = set(component)
            exits = [edge_points(s, c) + value_of(t) for s in component
                     for c, t in graph.edges[s] if t not in members]
            gains = sum(max(0.0, enter[s] + max(edge_points(s, c) for c, _ in graph.edges[s]))
                        for s in component)
            bound = MAX_ENTRIES * gains + (max(exits) if exits else dead_end)
            for sid in component:
                best[sid] = bound
        if dead_end > -math.inf:
            # a path may also stop in any of these scenes (worth what it has by then)
            for sid in component:
                best[sid] = max(best[sid], enter[sid] + dead_end)
    return best


def _exact_cycle(graph, component, enter, edge_points, value_of, best) -> None:
    """`upper_bounds` of a small cyclic component: a memoised search over (scene, entry code)."""
    members = set(component)
    weight = graph.weight
    exits: dict[str, float] = {}
    inner: dict[str, list[tuple[float, str]]] = {}
    for sid in component:
        out = [edge_points(sid, c) + value_of(t) for c, t in graph.edges[sid]
               if t not in members]
        exits[sid] = max(out) if out else -math.inf
        inner[sid] = [(edge_points(sid, c), t) for c, t in graph.edges[sid] if t in members]
    memo: dict[tuple[str, int], float] = {}

    def search(sid: str, code: int) -> float:
        key = (sid, code)
        if key in memo:
            return memo[key]
        result = exits[sid]
        for points, target in inner[sid]:
            if (code // weight[target]) % 3 >= MAX_ENTRIES:
                continue
            result = max(result, points + search(target, code + weight[target]))
        result += enter[sid]
        memo[key] = result
        return result

    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, 4 * MAX_ENTRIES * len(component) + limit))
    try:
        for sid in component:
            best[sid] = search(sid, weight[sid])
    finally:
        sys.setrecursionlimit(limit)

"""Static analysis of a scenario's expressions: what holds on every path, what a guard reads.

Shared by the maxima search, the metrics and the cooperation check. Results that depend only on
the scenario are computed once and kept on it (`per_scenario`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from typing import Any

from game.scenario.expressions import compile_source, parse, references
from game.scenario.model import Scenario, Scene

logger = logging.getLogger(__name__)
logger.addHandler(logging.NullHandler())


def per_scenario(scenario: Scenario, name: str, build: Callable[[Scenario], Any]) -> Any:
    """`build(scenario)`, computed once per scenario object and kept in `scenario.derived`.

    Kept on the scenario itself, not in a table here: it lives exactly as long as the scenario,
    and a scenario changed in code (`attrs.evolve`, same sha256) starts afresh.
    """
    return scenario.derive(name, build)


def knowable_cards(scenario: Scenario) -> set[str]:
    """Cards some role can ever know: owned at the start or learned through some choice."""
    cards = {cid for cid, card in scenario.info.items() if card.owner}
    for scene in scenario.scenes.values():
        for choice in scene.choices:
            for learned in choice.learn.values():
                cards.update(learned)
    return cards


def mutable_variables(scenario: Scenario) -> set[str]:
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
# ---- static truth of guards


class Unknown(Exception):
    """Raised inside a static evaluation when a value depends on how the game is played."""


class _StaticVariables(Mapping):
    """Variable values that are fixed for the whole game; anything else is unknown."""

    def __init__(self, scenario: Scenario, mutable: set[str]):
        self._scenario = scenario
        self._mutable = mutable

    def __getitem__(self, name: str) -> Any:
        if name in self._mutable or name not in self._scenario.variables:
            raise Unknown(name)
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
        self._scenario = scenario
        self._knowable = knowable_cards(scenario)
        self.variables = _StaticVariables(scenario, mutable_variables(scenario))

    def knows(self, role: str, info: str) -> bool:
        card = self._scenario.info.get(info)
        if card is not None and card.owner == role:
            return True
        if info not in self._knowable:
            return False
        raise Unknown(f"knows({role}, {info})")

    def shared(self, info: str) -> bool:
        if info not in self._knowable:
            return False
        raise Unknown(f"shared({info})")

    def consulted(self, role: str) -> bool:
        raise Unknown(f"consulted({role})")

    def visited(self, scene: str) -> bool:
        raise Unknown(f"visited({scene})")

    def chose(self, scene: str, choice: str) -> bool:
        raise Unknown(f"chose({scene}, {choice})")


def static_context(scenario: Scenario) -> _StaticContext:
    """The evaluation context of `static_truth` (raises `Unknown` for what play decides)."""
    return per_scenario(scenario, "static_context", _StaticContext)

    def granted(self, info: str, role: str) -> bool:
        card = self._scenario.info.get(info)
        if card is not None and not card.covers(role):
            return False  # outside the consent's scope: never within consent
        if card is not None and card.consent is None:
            return True  # no standing condition and inside the scope: always within consent
        raise Unknown(f"granted({info}, {role})")


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
    ctx = static_context(scenario)
    try:
        value = compile_source(source)(ctx)
    except Unknown:
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


def expr_reads(source: str | None) -> tuple[set[str], set[tuple], list[tuple]]:
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



def card_needs(scenario: Scenario) -> dict[str, list[tuple[str, str | None]]]:
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

"""The scene graph as a `transitions` state machine, one `Machine` per session.

States are every scene and every ending (they share one namespace). Triggers:

- `choose:<choice id>`: one transition per route of every choice with that id, from its scene,
  in route order; `transitions` takes the first whose conditions hold, which is exactly the
  format's rule "routes are tried in order".
- `proceed`: from a narration scene to its `next`.
- `timeout`: from a timed scene to its `on_timeout`.

Conditions are Python callables built from the compiled, load-time-checked expressions, never
strings from YAML (`transitions` resolves unknown strings as dotted import paths and calls
them). Every condition receives the evaluation context (the session) as the trigger's one
argument, so nothing in the machine belongs to a session: one `Machine` per scenario is built
once (cached) and shared by all sessions of it. A session is a `SceneModel` (its current
state) that fires the shared machine's events (`Machine.events[name].trigger(model, ctx)`,
the call transitions binds to a registered model's trigger methods). Sessions are never
registered with `add_model`, which gives each model an `is_<state>()` method per state and so
costs time and memory in proportion to the scenario (see docs/engine.md). A run of
consecutive weighted routes is one seeded pick: the first condition of the run draws (through
the context, from the session's seeded RNG), the others compare with that draw.

`auto_transitions=False` (with it on, build time and memory grow with the square of the scene
count) and `ignore_invalid_triggers=False`, so a trigger that is not valid in the current state
raises `transitions.MachineError` and an unknown trigger raises `AttributeError`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import Any, Protocol

from attrs import frozen
from transitions import Machine, MachineError

from game.gcpause import gc_paused
from game.scenario.expressions import ExpressionError, compile_source
from game.scenario.model import Choice, Route, Scenario

logger = logging.getLogger(__name__)

PROCEED = "proceed"
TIMEOUT = "timeout"
CHOOSE_PREFIX = "choose:"


def choose_trigger(choice_id: str) -> str:
    """The trigger name that takes a choice (shared by every scene with a choice of that id)."""
    return CHOOSE_PREFIX + choice_id


class RouteContext(Protocol):
    """What route conditions need from the session: expression context plus a seeded pick."""

    def pick_weighted(self, key: tuple[str, str, int], weights: Sequence[float]) -> int:
        """Index of the route drawn in the weighted run `key`, drawn once per trigger."""
        ...


@frozen
class CompiledChoice:
    """A choice's guard and route guards, compiled once per scenario.

    `guard` is the choice's own `if` (None when it has none). `routes_open` tells whether at
    least one route can be taken in the current state: a route without `if` (weighted or
    plain) always can, a route with `if` when it holds.
    """

    choice: Choice
    guard: Callable[[Any], Any] | None
    route_guards: tuple[Callable[[Any], Any], ...]
    always_routable: bool

    def is_open(self, ctx: Any) -> bool:
        """True when the choice's `if` holds and some route can be taken now."""
        if self.guard is not None and not self.guard(ctx):
            return False
        if self.always_routable:
            return True
        return any(g(ctx) for g in self.route_guards)


class SceneModel:
    """A session's place in the scene graph: the `transitions` model whose `state` is the
    current scene or ending. A plain class: transitions sets `state` on it."""

    def __init__(self, state: str) -> None:
        self.state = state


@frozen
class MachinePlan:
    """Everything a scenario's sessions play by, built once per scenario and shared.

    `machine` is the scenario's one `transitions.Machine` (no models registered); a session
    fires its events for its own `SceneModel` with `fire`.
    """

    states: tuple[str, ...]
    transitions: tuple[dict[str, Any], ...]
    choices: dict[tuple[str, str], CompiledChoice]
    consents: dict[str, Callable[[Any], Any]]
    asks: dict[str, Callable[[Any], Any]]
    machine: Machine

    def fire(self, model: SceneModel, trigger: str, ctx: Any) -> bool:
        """Fire `trigger` for `model` with `ctx` for the conditions; True when a transition
        was taken (the model's `state` is then the destination). A trigger not valid in the
        model's state raises `MachineError`, as an unknown trigger does."""
        event = self.machine.events.get(trigger)
        if event is None:
            raise MachineError(f"Do not know event named {trigger!r}.")
        return event.trigger(model, ctx)


def _compile(source: str) -> Callable[[Any], Any]:
    """Compile one expression source; a run-time error (say, dividing by zero) counts as false.

    The loader has checked names and types, so what is left is arithmetic going wrong during
    play. A class should not be stopped by that: the guard stays closed (the route is not
    taken, the card counts as shared without consent) and a warning names the expression.
    """
    compiled = compile_source(source)

    def guarded(ctx: Any) -> Any:
        try:
            return compiled(ctx)
        except ExpressionError as exc:
            logger.warning("expression %r failed during play (%s); counted as false",
                           source, exc)
            return False

    return guarded


def _route_condition(guard: Callable[[Any], Any]) -> Callable[[Any], bool]:
    """A transitions condition for a route with `if`."""

    def condition(ctx: Any) -> bool:
        return bool(guard(ctx))

    return condition


def _weighted_condition(
    key: tuple[str, str, int], weights: tuple[float, ...], index: int
) -> Callable[[Any], bool]:
    """A transitions condition for the `index`-th route of the weighted run `key`."""

    def condition(ctx: RouteContext) -> bool:
        return ctx.pick_weighted(key, weights) == index

    return condition


def _route_transitions(scene_id: str, choice: Choice) -> list[dict[str, Any]]:
    """The transitions of one choice, one per route, in route order."""
    trigger = choose_trigger(choice.id)
    result: list[dict[str, Any]] = []
    routes: Sequence[Route] = choice.goto
    i = 0
    while i < len(routes):
        route = routes[i]
        if route.weight is not None and route.if_ is None:
            # A run of consecutive weighted routes is one pick.
            j = i
            while j < len(routes) and routes[j].weight is not None and routes[j].if_ is None:
                j += 1
            run = routes[i:j]
            weights = tuple(float(r.weight) for r in run)
            key = (scene_id, choice.id, i)
            for k, r in enumerate(run):
                result.append(
                    {
                        "trigger": trigger,
                        "source": scene_id,
                        "dest": r.to,
                        "conditions": [_weighted_condition(key, weights, k)],
                    }
                )
            i = j
            continue
        spec: dict[str, Any] = {"trigger": trigger, "source": scene_id, "dest": route.to}
        if route.if_ is not None:
            spec["conditions"] = [_route_condition(_compile(route.if_))]
        result.append(spec)
        i += 1
    return result


def build_plan(scenario: Scenario) -> MachinePlan:
    """Compile a scenario's states, transitions, guards, consents and consent asks (linear)."""
    with gc_paused():
        return _build_plan(scenario)


def _build_plan(scenario: Scenario) -> MachinePlan:
    states = tuple(scenario.scenes) + tuple(scenario.endings)
    transitions: list[dict[str, Any]] = []
    choices: dict[tuple[str, str], CompiledChoice] = {}
    for scene in scenario.scenes.values():
        for choice in scene.choices:
            transitions.extend(_route_transitions(scene.id, choice))
            route_guards = tuple(_compile(r.if_) for r in choice.goto if r.if_ is not None)
            choices[(scene.id, choice.id)] = CompiledChoice(
                choice=choice,
                guard=_compile(choice.if_) if choice.if_ is not None else None,
                route_guards=route_guards,
                always_routable=any(r.if_ is None for r in choice.goto),
            )
        if scene.next is not None:
            transitions.append({"trigger": PROCEED, "source": scene.id, "dest": scene.next})
        if scene.on_timeout is not None:
            transitions.append({"trigger": TIMEOUT, "source": scene.id, "dest": scene.on_timeout})
    consents = {
        info.id: _compile(info.consent) for info in scenario.info.values() if info.consent
    }
    asks = {
        info.id: _compile(info.terms.ask)
        for info in scenario.info.values()
        if info.terms is not None and info.terms.ask
    }
    machine = Machine(
        model=None,
        states=list(states),
        transitions=transitions,
        initial=scenario.start,
        auto_transitions=False,
        ignore_invalid_triggers=False,
        send_event=False,
    )
    return MachinePlan(
        states=states,
        transitions=tuple(transitions),
        choices=choices,
        consents=consents,
        asks=asks,
        machine=machine,
    )


def plan_for(scenario: Scenario) -> MachinePlan:
    """The scenario's `MachinePlan`, built on first use and kept on the scenario."""
    return scenario.derive("engine.plan", build_plan)


def build_machine(scenario: Scenario) -> tuple[Machine, SceneModel]:
    """The scenario's shared `Machine` and a fresh model in its start scene."""
    return plan_for(scenario).machine, SceneModel(scenario.start)

"""Tests for game.engine.machine: the transitions Machine built from a scenario."""

from __future__ import annotations

import pytest
from conftest import go, make_scenario, number
from transitions import Machine, MachineError

from game.engine.machine import (
    PROCEED,
    TIMEOUT,
    SceneModel,
    build_machine,
    build_plan,
    choose_trigger,
    plan_for,
)
from game.engine.session import Session
from game.scenario.model import Choice, Route, Scene


def scenario():
    """Three scenes: a choice with three routes (if, weighted run), narration, timed scene."""
    s1 = Scene(id="s1", text="t", actors=("a",), timer=30, on_timeout="s2", choices=(
        Choice(id="x", text="X", goto=(Route(to="s2", if_="v > 1"), Route(to="s3", weight=1),
                                       Route(to="end", weight=3))),
        Choice(id="y", text="Y", goto=go("s3"))))
    s2 = Scene(id="s2", text="t", next="s3")
    s3 = Scene(id="s3", text="t", actors=("a", "b"), decision="vote",
               choices=(Choice(id="x", text="X", goto=go("end")),))
    return make_scenario({"s1": s1, "s2": s2, "s3": s3}, variables={"v": number("v", 0)})


def test_states_are_every_scene_and_ending():
    """The machine knows every scene and ending as a state and starts at `start`."""
    machine, model = build_machine(scenario())
    assert set(machine.states) == {"s1", "s2", "s3", "end"}
    assert model.state == "s1" and isinstance(model, SceneModel)


def test_transitions_follow_routes_next_and_on_timeout_in_order():
    """One transition per route (in route order), plus proceed and timeout."""
    plan = build_plan(scenario())
    summary = [(t["trigger"], t["source"], t["dest"]) for t in plan.transitions]
    assert summary == [
        ("choose:x", "s1", "s2"), ("choose:x", "s1", "s3"), ("choose:x", "s1", "end"),
        ("choose:y", "s1", "s3"), (TIMEOUT, "s1", "s2"), (PROCEED, "s2", "s3"),
        ("choose:x", "s3", "end"),
    ]


def test_conditions_are_python_callables_never_strings():
    """No condition handed to transitions is a string (transitions would import and call it)."""
    machine, _ = build_machine(scenario())
    conditions = [
        cond.func
        for event in machine.events.values()
        for transitions in event.transitions.values()
        for t in transitions
        for cond in t.conditions
    ]
    assert conditions, "the scenario has guarded routes"
    assert all(callable(c) and not isinstance(c, str) for c in conditions)


def test_no_auto_transitions_and_invalid_triggers_raise():
    """auto_transitions is off (no to_<state>); a trigger invalid in this state raises, and
    so does a trigger no scene has."""
    sc = scenario()
    machine, model = build_machine(sc)
    plan = plan_for(sc)
    assert "to_s3" not in machine.events
    with pytest.raises(MachineError):
        plan.fire(model, PROCEED, None)  # s1 is not a narration scene
    with pytest.raises(MachineError, match="choose:nope"):
        plan.fire(model, "choose:nope", None)
    assert model.state == "s1"


def test_transitions_fires_events_for_a_model_it_never_registered():
    """What the engine relies on from transitions (checked on 0.9.x; pyproject keeps it below
    0.10): `Machine.events[name].trigger(model, arg)` runs the transitions of `model.state`
    for a model never passed to `add_model`, hands `arg` to the conditions, sets
    `model.state`, and leaves the machine without models. Fails when transitions changes it."""
    seen = []
    machine = Machine(model=None, states=["a", "b", "c"], initial="a", auto_transitions=False,
                      transitions=[{"trigger": "go", "source": "a", "dest": "b",
                                    "conditions": [lambda ctx: seen.append(ctx) or ctx > 1]},
                                   {"trigger": "go", "source": "a", "dest": "c"}])

    class Model:
        state = "a"

    first, second = Model(), Model()
    assert machine.events["go"].trigger(first, 2) is True
    assert machine.events["go"].trigger(second, 0) is True
    assert (first.state, second.state, seen) == ("b", "c", [2, 0])
    assert machine.models == [] and not hasattr(first, "is_a")
    with pytest.raises(MachineError):
        machine.events["go"].trigger(first, 2)  # nothing leaves b


def test_plan_is_built_once_per_scenario():
    """Sessions of the same scenario share one compiled plan; another object gets its own."""
    sc = scenario()
    assert plan_for(sc) is plan_for(sc)
    assert plan_for(scenario()) is not plan_for(sc)


def test_choose_trigger_names_are_prefixed():
    """Choice triggers are namespaced, so a choice id never clashes with a model attribute."""
    assert choose_trigger("state") == "choose:state"


def test_route_if_is_evaluated_through_the_machine():
    """A guarded route is taken when its compiled condition holds in the session's state."""
    sc = scenario()
    s = Session(sc)
    s.variables["v"] = 5  # as if an earlier choice had raised it
    s.choose("a", "x")
    assert s.scene.id == "s2"


def test_a_guard_that_fails_at_run_time_counts_as_closed(caplog):
    """Dividing by zero in a guard hides the choice with a warning instead of crashing play."""
    scene = Scene(id="s1", text="t", actors=("a",), choices=(
        Choice(id="x", text="X", goto=go("end"), if_="10 / v > 1"),
        Choice(id="y", text="Y", goto=go("end"))))
    s = Session(make_scenario({"s1": scene}, variables={"v": number("v", 0)}))
    with caplog.at_level("WARNING", logger="game.engine.machine"):
        assert [c.id for c in s.options("a")] == ["y"]
    assert "10 / v > 1" in caplog.text


def test_sessions_share_the_scenarios_machine_and_play_independently():
    """Two sessions: one machine, two models, independent play; no model is registered and
    reading a transition table never inserts another source."""
    sc = scenario()
    first, second = Session(sc), Session(sc)
    assert first._plan.machine is second._plan.machine
    assert first._model is not second._model
    first.choose("a", "y")
    assert first.scene_id == "s3" and second.scene_id == "s1"
    second.variables["v"] = 5
    second.choose("a", "x")
    assert second.scene_id == "s2" and first.scene_id == "s3"
    machine = first._plan.machine
    assert machine.models == []
    assert set(machine.events["choose:x"].transitions) == {"s1", "s3"}


def test_the_model_gets_no_convenience_methods():
    """The session's model carries only `state`: no is_<state>() or trigger methods."""
    s = Session(scenario())
    s.choose("a", "y")
    assert vars(s._model) == {"state": "s3"}

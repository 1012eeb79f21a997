"""Tests for game.engine.machine: the transitions Machine built from a scenario."""

from __future__ import annotations

import pytest
from conftest import go, make_scenario, number
from transitions import MachineError

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
    """auto_transitions is off (no to_<state>); a trigger invalid in this state raises."""
    machine, model = build_machine(scenario())
    assert not hasattr(model, "to_s3")
    assert "to_s3" not in machine.events
    with pytest.raises(MachineError):
        model.trigger(PROCEED, None)  # s1 is not a narration scene
    with pytest.raises(AttributeError):
        model.trigger("choose:nope", None)


def test_plan_is_built_once_per_scenario_object():
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


def test_each_session_has_its_own_machine_sharing_the_scenarios_tables():
    """Two sessions: two machines and models, the same State objects, independent play."""
    sc = scenario()
    first, second = Session(sc), Session(sc)
    assert first._machine is not second._machine
    assert first._machine.events["choose:x"] is not second._machine.events["choose:x"]
    assert first._machine.states["s1"] is second._machine.states["s1"]
    first.choose("a", "y")
    assert first.scene_id == "s3" and second.scene_id == "s1"
    second.variables["v"] = 5
    second.choose("a", "x")
    assert second.scene_id == "s2" and first.scene_id == "s3"
    table = first._machine.events["choose:x"].transitions
    assert set(table) == {"s1", "s3"}  # reading never inserted another source


def test_the_model_gets_no_convenience_methods():
    """The session model carries only `state` and `trigger`, not is_<state>() or trigger methods."""
    _, model = build_machine(scenario())
    assert model.state == "s1" and callable(model.trigger)
    assert not hasattr(model, "is_s1") and not hasattr(model, "proceed")

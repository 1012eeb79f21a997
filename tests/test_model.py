"""Tests for game.scenario.model: resolved defaults and small helpers."""

import pickle
from collections.abc import Mapping
from pathlib import Path

import attrs
import pytest

from game.engine.session import Session
from game.scenario.loader import load_scenario
from game.scenario.model import Choice, FrozenDict, Role, Route, Scene


def test_role_colour_falls_back_to_academy_colour():
    """A role without `color` is drawn in its academy's colour."""
    role = Role(id="lk", name="Leerkracht", academy="pabo", briefing="b")
    assert role.display_color == "#f4a261"
    assert attrs.evolve(role, color="#000000").display_color == "#000000"


def test_tiebreak_defaults_to_first_actor_and_choice_lookup():
    """Without `tiebreak` the first actor breaks a tie; choice() finds by id or raises."""
    c = Choice(id="a", text="A", goto=(Route(to="end"),))
    scene = Scene(id="s", text="t", actors=("x", "y"), decision="vote", choices=(c,))
    assert scene.tiebreak_role == "x"
    assert scene.choice("a") is c
    with pytest.raises(KeyError):
        scene.choice("b")


def test_variable_clamp_holds_numbers_within_bounds_and_leaves_booleans():
    """clamp() keeps a number within min/max; a bool or an unbounded side passes unchanged."""
    from game.scenario.model import Variable

    trust = Variable(id="v", initial=50, min=0, max=100)
    assert (trust.clamp(-5), trust.clamp(120), trust.clamp(42)) == (0, 100, 42)
    assert Variable(id="b", initial=1000, min=0).clamp(10**6) == 10**6
    assert Variable(id="f", initial=False).clamp(True) is True


KEUKENTAFEL = Path(__file__).parent / "data" / "valid" / "keukentafel.yaml"


def _mappings(value, seen=None):
    """Every mapping reachable from an attrs object through its fields, tuples and mappings."""
    if attrs.has(type(value)):
        for a in attrs.fields(type(value)):
            if a.name not in ("derived", "marks"):
                yield from _mappings(getattr(value, a.name))
    elif isinstance(value, Mapping):
        yield value
        for item in value.values():
            yield from _mappings(item)
    elif isinstance(value, tuple | list):
        assert isinstance(value, tuple), f"a list in a frozen scenario: {value!r}"
        for item in value:
            yield from _mappings(item)


def test_a_loaded_scenario_is_frozen_all_the_way_down():
    """Every mapping inside a loaded scenario (scenes, a choice's effects, advice, learn)
    refuses changes, every sequence is a tuple, and the marks are a read-only view."""
    scenario = load_scenario(KEUKENTAFEL)
    mappings = list(_mappings(scenario))
    assert len(mappings) > 20
    for mapping in mappings:
        assert isinstance(mapping, FrozenDict)
        with pytest.raises(TypeError, match="read-only"):
            mapping["x"] = 1
    with pytest.raises(TypeError):
        scenario.marks[("x",)] = (1, 1)
    with pytest.raises(TypeError):
        scenario.scenes.update({})
    choice = next(c for s in scenario.scenes.values() for c in s.choices if c.learn)
    assert all(isinstance(cards, tuple) for cards in choice.learn.values())


def test_models_built_in_code_are_frozen_too():
    """Lists and dicts given to the constructors become tuples and frozen mappings."""
    choice = Choice(id="c", text="t", goto=[Route(to="e")], roles=["a"], add={"v": 1},
                    learn={"a": ["card"]})
    assert choice.goto == (Route(to="e"),) and choice.roles == ("a",)
    assert isinstance(choice.add, FrozenDict) and choice.learn == {"a": ("card",)}
    assert Scene(id="s", text="t", actors=["a"]).actors == ("a",)


def test_a_scenario_pickles_without_what_was_derived_from_it():
    """After play has filled `derived` (the machine, compiled guards, scoring's analysis),
    the scenario still pickles: the copy is equal, keeps its marks, source and hash, starts
    with nothing derived, and plays."""
    scenario = load_scenario(KEUKENTAFEL)
    session = Session(scenario, seed=3)
    session.scores()
    assert "engine.plan" in scenario.derived
    copy = pickle.loads(pickle.dumps(scenario))
    assert copy == scenario and copy.derived == {}
    assert (copy.source, copy.sha256) == (scenario.source, scenario.sha256)
    assert dict(copy.marks) == dict(scenario.marks) and copy.mark("scenes") != (0, 0)
    replay = Session(copy, seed=3)
    assert replay.options(replay.waiting_for()[0]) == session.options(session.waiting_for()[0])


def test_the_derived_value_is_built_once_per_scenario():
    """`derive` builds on the first call and returns the kept value after; an evolved copy
    starts afresh."""
    scenario = load_scenario(KEUKENTAFEL)
    built = []
    first = scenario.derive("test", lambda s: built.append(s) or object())
    assert scenario.derive("test", lambda s: built.append(s)) is first and built == [scenario]
    assert attrs.evolve(scenario, title="x").derived == {}

"""Tests for game.scenario.model: resolved defaults and small helpers."""

import attrs
import pytest

from game.scenario.model import Choice, Role, Route, Scene


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

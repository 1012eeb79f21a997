"""Property tests: random playthroughs are always legal-or-refused, and every log prefix resumes.

A playthrough draws random moves, legal and illegal: choices and votes by any role, proceed,
share and consult between any roles, time passing (timers). The properties:
- nothing but the documented `SessionError` is ever raised, and a refused move logs nothing;
- after every move the session has ended or waits for at least one role;
- for every prefix of the playthrough, `Session.resume` on the log written so far rebuilds the
  live state at that moment: scene, variables, knowledge, votes and the events themselves.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from conftest import VALID, FakeClock
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from game.engine.session import Session
from game.errors import SessionError
from game.scenario.loader import load_scenario

SCENARIOS = {name: load_scenario(VALID / f"{name}.yaml") for name in ("keukentafel", "engine_loop")}


def snapshot(s: Session):
    """The state a resumed session must reproduce."""
    return {
        "scene": s.scene_id,
        "ending": s.ending_id,
        "variables": dict(s.variables),
        "knowledge": s.knowledge,
        "votes": s.vote_round,
        "previous": s.previous_round,
        "consulted": s.consulted_roles,
        "shared": s.shared_cards,
        "events": [dict(e) for e in s.events],
    }


def random_move(data, s: Session, clock: FakeClock) -> None:
    """Draw one move (mostly legal, sometimes not) and play it."""
    sc = s.scenario
    roles = list(sc.roles)
    kind = data.draw(st.sampled_from(
        ["choose", "choose", "choose", "choose", "share", "consult", "wait", "wrong"]))
    if kind == "choose":
        if s.finished or s.scene.next is not None:
            s.proceed()
            return
        waiting = s.waiting_for()
        if not waiting:
            return
        role = data.draw(st.sampled_from(waiting))
        s.choose(role, data.draw(st.sampled_from([c.id for c in s.options(role)])))
    elif kind == "share":
        role = data.draw(st.sampled_from(roles))
        cards = sorted(s.knowledge[role]) or list(sc.info) or ["geen"]
        s.share(role, data.draw(st.sampled_from(cards)),
                data.draw(st.sampled_from([*roles, "team"])))
    elif kind == "consult":
        s.consult(data.draw(st.sampled_from(roles)), data.draw(st.sampled_from(roles)))
    elif kind == "wait":
        clock.advance(data.draw(st.sampled_from([0.5, 10, 200])))
        s.tick()
    else:
        scene = s.scene
        choices = [c.id for c in scene.choices] if scene else ["x"]
        s.choose(data.draw(st.sampled_from(roles)), data.draw(st.sampled_from([*choices, "zz"])))


@pytest.mark.parametrize("name", sorted(SCENARIOS))
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), seed=st.integers(0, 2**16))
def test_random_playthroughs_are_legal_and_every_prefix_resumes(name, data, seed):
    """Random moves raise only SessionError; every log prefix resumes to the live state."""
    check_playthrough(SCENARIOS[name], data, seed)


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(SCENARIOS))
@settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), seed=st.integers(0, 2**31))
def test_many_random_playthroughs_resume(name, data, seed):
    """The same property over many more playthroughs (`pytest -m slow`)."""
    check_playthrough(SCENARIOS[name], data, seed)


def check_playthrough(scenario, data, seed) -> None:
    """Play random moves with a log; check the properties of the module docstring."""
    with tempfile.TemporaryDirectory() as tmp:
        log = Path(tmp) / "live.jsonl"
        clock = FakeClock()
        with Session(scenario, log=log, seed=seed, clock=clock) as live:
            snapshots = [snapshot(live)]
            for _ in range(data.draw(st.integers(1, 40))):
                before = len(live.events)
                try:
                    random_move(data, live, clock)
                except SessionError:
                    assert len(live.events) == before, "a refused move must log nothing"
                assert live.finished or live.waiting_for(), "neither ended nor waiting for a role"
                if len(live.events) != len(snapshots[-1]["events"]):
                    snapshots.append(snapshot(live))
                if live.finished:
                    break
        lines = log.read_text(encoding="utf-8").splitlines(keepends=True)
        assert len(lines) == len(live.events)
        for k, snap in enumerate(snapshots):
            prefix = Path(tmp) / f"prefix{k}.jsonl"
            prefix.write_text("".join(lines[: len(snap["events"])]), encoding="utf-8")
            with Session.resume(prefix, scenario, clock=FakeClock()) as resumed:
                assert snapshot(resumed) == snap

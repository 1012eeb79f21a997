"""Small team policies that drive real Sessions, for the index property tests.

A stand-in for the authors' cooperation check (`samenspel simulate --samenwerking`), kept to
what the index property needs: a *silent* team (never shares, consults or asks; any choices)
and an *open* team (on entering a scene: asks consent where it may and must, shares every
card it may with the roles that need it, consults every role with advice in the scene; then
any choices). Choices are drawn from a seeded `random.Random`, so a team's best index over
some plays is reproducible.
"""

from __future__ import annotations

import random
from typing import Any

from game.engine.session import Session
from game.scenario.model import Scenario

MAX_MOVES = 2_000


class Clock:
    """A hand-moved clock (seconds)."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def open_moves(s: Session) -> None:
    """Share what may be shared with those who need it (asking first), consult the advisers."""
    scene = s.scene
    roles = list(s.scenario.roles)

    def moved() -> bool:
        return s.finished or s.scene is not scene

    for role in roles:
        for card in s.cards(role):
            for target in roles:
                if target == role or s.knows(target, card.id) or not card.needs(target):
                    continue
                if not s.is_within_consent(card.id, target):
                    if not (card.covers(target) and s.can_ask_consent(role, card.id)):
                        continue  # sharing now would be outside consent: the open team waits
                    s.ask_consent(role, card.id, target)
                    if moved():
                        return
                    if not s.is_within_consent(card.id, target):
                        continue
                s.share(role, card.id, target)
                if moved():
                    return
    for adviser in scene.advice:
        asker = next((a for a in scene.actors if a != adviser), None)
        asker = asker or next(r for r in roles if r != adviser)
        s.consult(asker, adviser)
        if moved():
            return


def play(scenario: Scenario, team: str, seed: int) -> dict[str, Any] | None:
    """One play by `team` ("silent" or "open"); the `session_ended` event, None if stuck."""
    rng = random.Random(seed)
    clock = Clock()
    s = Session(scenario, seed=seed, clock=clock)
    entries = -1
    for _ in range(MAX_MOVES):
        if s.finished:
            return s.events[-1]
        entered = sum(1 for e in s.events if e["type"] == "scene_entered")
        if team == "open" and entered != entries:
            entries = entered
            open_moves(s)
            continue
        scene = s.scene
        if scene.next is not None:
            s.proceed()
            continue
        waiting = s.waiting_for()
        if not waiting:
            if scene.timer is None:
                return None  # a stall: nothing to learn about the index
            clock.now += scene.timer + 1
            s.tick()
            continue
        role = waiting[0]
        s.choose(role, rng.choice(s.options(role)).id)
    return None


def best_index(scenario: Scenario, team: str, plays: int) -> int | None:
    """The team's best cooperation index over `plays` seeded plays."""
    best = None
    for seed in range(1, plays + 1):
        ended = play(scenario, team, seed)
        value = ended["scores"]["index"]["value"] if ended and ended.get("scores") else None
        if value is not None and (best is None or value > best):
            best = value
    return best

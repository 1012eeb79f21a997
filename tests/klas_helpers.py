"""Helpers for the class-play tests: a class on a small four-role case, and WebSocket clients.

Messages arrive in an order that depends on timing (a state is sent when the sender gets to
it, newest first), so tests wait for the message they need with `until` instead of counting.
"""

from __future__ import annotations

from pathlib import Path

from conftest import FakeClock
from starlette.testclient import TestClient

from game.klas.classroom import Classroom
from game.klas.server import create_app
from game.scenario.loader import load_scenario

CASE = Path(__file__).parent / "data" / "klas" / "vier_rollen.yaml"
ROLES = ("jeugdprofessional", "leerkracht", "jeugdarts", "sporttrainer")


def make_room(folder: Path, teams: int = 2, clock: FakeClock | None = None) -> Classroom:
    """A new class of `teams` teams on the four-role case."""
    return Classroom.create(load_scenario(CASE), folder, teams, base_clock=clock or FakeClock())


def client(room: Classroom, clock: FakeClock | None = None) -> TestClient:
    """A test client for the class's app (use it as a context manager: it starts the ticker)."""
    return TestClient(create_app(room, "http://testserver", clock=clock or FakeClock(),
                                 tick_seconds=0.02))


def until(ws, predicate, limit: int = 60) -> dict:
    """The first message that satisfies `predicate` (fails after `limit` other messages)."""
    seen = []
    for _ in range(limit):
        message = ws.receive_json()
        seen.append(message)
        if predicate(message):
            return message
    raise AssertionError(f"no matching message in {len(seen)}: {seen[-3:]}")


def error(ws, code: str | None = None) -> dict:
    """The next error message (optionally checks its code)."""
    message = until(ws, lambda m: m["type"] == "error")
    if code is not None:
        assert message["code"] == code, message
    return message


def state(ws, predicate=lambda v: True) -> dict:
    """The view of the next state message whose view satisfies `predicate`."""
    return until(ws, lambda m: m["type"] == "state" and predicate(m["view"]))["view"]


def at_seq(ws, seq: int) -> dict:
    """The first view that includes the team's event `seq - 1` (the log has `seq` events)."""
    return state(ws, lambda v: v["seq"] >= seq)


def join(ws, code: str, name: str, role: str | None = None) -> str:
    """Join a team (and take a role); returns the device token."""
    ws.send_json({"type": "join", "team": code, "name": name})
    welcome = until(ws, lambda m: m["type"] == "welcome")
    if role is not None:
        ws.send_json({"type": "claim", "role": role})
        state(ws, lambda v: v["me"]["role"] == role)
    return welcome["token"]


def teacher(ws, room: Classroom) -> dict:
    """Sign in as the teacher; returns the first teacher view."""
    ws.send_json({"type": "teacher", "secret": room.teacher_secret})
    until(ws, lambda m: m["type"] == "welcome")
    return state(ws)

"""Faults against the real server process: a SIGKILL mid-round, and misbehaving clients.

The server is `python -m game klas` on loopback (tests/klas_browser.py); the clients are the
`websockets` library's synchronous client, as a phone's browser would talk to it.
"""

from __future__ import annotations

import contextlib
import json

import pytest
from klas_browser import KlasServer
from klas_helpers import CASE, ROLES
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from game.engine.log import read_log

pytestmark = pytest.mark.timeout(120)


class Phone:
    """One student's device: a WebSocket that remembers its token and newest view."""

    def __init__(self, server: KlasServer, code: str, stack: contextlib.ExitStack):
        self.server = server
        self.code = code
        self.stack = stack
        self.token: str | None = None
        self.view: dict | None = None
        self.ws = stack.enter_context(connect(f"ws://127.0.0.1:{server.port}/ws"))

    def receive(self, predicate, timeout: float = 15) -> dict:
        """Read messages until one satisfies `predicate`."""
        while True:
            message = json.loads(self.ws.recv(timeout=timeout))
            if message["type"] == "state":
                self.view = message["view"]
            if message["type"] == "welcome" and message.get("token"):
                self.token = message["token"]
            if predicate(message):
                return message

    def send(self, **message) -> None:
        """Send one message."""
        self.ws.send(json.dumps(message))

    def drain(self) -> None:
        """Read what has arrived so far (the views of teammates' moves)."""
        try:
            while True:
                self.receive(lambda m: False, timeout=0.3)
        except TimeoutError:
            pass

    def move(self, **message) -> int:
        """Make a move and wait until it is acknowledged (a newer view); the new seq."""
        self.drain()
        before = self.view["seq"]
        self.send(**message)
        reply = self.receive(lambda m: m["type"] == "error" or (
            m["type"] == "state" and m["view"]["seq"] > before))
        assert reply["type"] == "state", reply
        return reply["view"]["seq"]

    def reconnect(self) -> dict:
        """A new connection with the old token (the server may be a new process)."""
        self.ws = self.stack.enter_context(connect(f"ws://127.0.0.1:{self.server.port}/ws"))
        self.send(type="rejoin", team=self.code, token=self.token)
        return self.receive(lambda m: m["type"] == "state")["view"]


@pytest.fixture
def stack():
    """Closes every connection a test opened."""
    with contextlib.ExitStack() as stack:
        yield stack


def team_of_phones(server: KlasServer, code: str, stack) -> list[Phone]:
    """Four phones joined and seated in the four roles."""
    phones = []
    for number, role in enumerate(ROLES):
        phone = Phone(server, code, stack)
        phone.send(type="join", team=code, name=f"Speler {number + 1}")
        phone.receive(lambda m: m["type"] == "welcome")
        phone.send(type="claim", role=role)
        phone.receive(lambda m, r=role: m["type"] == "state" and m["view"]["me"]["role"] == r)
        phones.append(phone)
    return phones


def logged(server: KlasServer, code: str) -> list[dict]:
    """The events in a team's log on disk."""
    path = next(server.folder.glob(f"team-*-{code}.jsonl"))
    return list(read_log(path).events)


def test_sigkill_mid_round_loses_no_completed_move(tmp_path, stack):
    """Kill -9 the server while two teams play; restarted, both resume from their logs."""
    server = KlasServer(CASE, tmp_path / "klas", teams=2).start()
    try:
        first, second = server.codes()
        a, b = team_of_phones(server, first, stack), team_of_phones(server, second, stack)
        teacher = Phone(server, "", stack)
        teacher.send(type="teacher", secret=server.state()["teacher_secret"])
        teacher.receive(lambda m: m["type"] == "welcome")
        teacher.send(type="start", team="*")
        for phone in a + b:
            phone.receive(lambda m: m["type"] == "state" and m["view"]["phase"] == "playing")

        a[0].move(type="consult", target="jeugdarts")
        a[0].move(type="choose", choice="toestemming")
        a[2].move(type="share", card="dossier_arts", to="jeugdprofessional")
        a[0].move(type="choose", choice="samen")
        acked_a = a[1].move(type="choose", choice="samen")
        acked_b = b[0].move(type="choose", choice="zorgen")
        before = {first: logged(server, first), second: logged(server, second)}
        assert len(before[first]) == acked_a and len(before[second]) == acked_b

        server.kill()
        server.start()  # same folder, same port: the phones' address does not change

        views = [phone.reconnect() for phone in a + b]
        assert [v["seq"] for v in views[:4]] == [acked_a] * 4
        assert [v["seq"] for v in views[4:]] == [acked_b] * 4
        assert views[0]["scene"]["id"] == "overleg" and views[0]["my_vote"]["id"] == "samen"
        assert views[2]["my_vote"] is None and [c["id"] for c in views[0]["cards"]] == [
            "dossier_arts", "thuissituatie"]
        assert views[4]["scene"]["id"] == "overleg"
        assert logged(server, first) == before[first]  # resumed, nothing rewritten

        for phone in a[2:]:
            phone.move(type="choose", choice="samen")
        a[0].move(type="choose", choice="sport")
        a[1].move(type="choose", choice="sport")
        end = a[0].receive(lambda m: m["type"] == "state" and m["view"]["phase"] == "ended")
        assert end["view"]["ending"]["outcome"] == "good"
        after = logged(server, first)
        assert after[:len(before[first])] == before[first]
        assert after[-1]["type"] == "session_ended"
        assert [p["name"] for p in after[0]["players"]] == [
            "Speler 1", "Speler 2", "Speler 3", "Speler 4"]
    finally:
        server.stop()


def test_garbage_and_flood_are_cut_off_the_others_play_on(tmp_path, stack):
    """A client sending garbage and one flooding are closed (1008); a student still moves."""
    with KlasServer(CASE, tmp_path / "klas", teams=1) as server:
        code = server.codes()[0]
        phones = team_of_phones(server, code, stack)
        teacher = Phone(server, "", stack)
        teacher.send(type="teacher", secret=server.state()["teacher_secret"])
        teacher.send(type="start", team=code)
        phones[0].receive(lambda m: m["type"] == "state" and m["view"]["phase"] == "playing")
        for payload in ("\x00garbage", json.dumps({"type": "ping"})):
            rogue = Phone(server, code, stack)
            with pytest.raises(ConnectionClosed) as closed:
                for _ in range(500):
                    rogue.ws.send(payload)
                while True:
                    rogue.ws.recv(timeout=10)
            assert closed.value.rcvd is not None and closed.value.rcvd.code == 1008
        assert phones[0].move(type="choose", choice="toestemming") > 2

"""The class model without the web: codes, clocks, token buckets, the message checker, the CLI."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from klas_helpers import CASE, FakeClock, make_room

from game.klas.classroom import (
    CODE_ALPHABET,
    CODE_LENGTH,
    Classroom,
    KlasError,
    TeamClock,
    new_code,
    normalise_code,
)
from game.klas.limits import GuessLimiter, TokenBucket
from game.klas.protocol import MESSAGES, ProtocolError, parse
from game.scenario.loader import load_scenario

ROOT = Path(__file__).resolve().parents[1]


def test_codes_are_random_unambiguous_and_unique():
    """Codes use only the alphabet without look-alikes and avoid codes already taken."""
    codes = {new_code() for _ in range(200)}
    assert len(codes) == 200
    assert all(len(c) == CODE_LENGTH and set(c) <= set(CODE_ALPHABET) for c in codes)
    assert not set("01IO") & set(CODE_ALPHABET)
    assert new_code(codes) not in codes
    assert normalise_code(" ab-c d ") == "ABCD"


def test_team_clock_stands_still_while_paused():
    """A paused team's clock does not move; after resuming it runs on from where it stood."""
    base = FakeClock()
    clock = TeamClock(base)
    base.advance(10)
    assert clock() == 1010
    clock.pause()
    base.advance(100)
    assert clock() == 1010 and clock.paused
    clock.resume()
    base.advance(5)
    assert clock() == 1015 and not clock.paused


def test_token_bucket_refills():
    """`burst` takes at once, then one per 1/rate seconds."""
    clock = FakeClock()
    bucket = TokenBucket(3, 1.0, clock)
    assert [bucket.take() for _ in range(4)] == [True, True, True, False]
    clock.advance(1.0)
    assert bucket.take() and not bucket.take()


def test_guess_limiter_counts_per_address():
    """Failed attempts of one address do not block another."""
    limiter = GuessLimiter(2, 0.1, FakeClock())
    limiter.failed("10.0.0.1")
    limiter.failed("10.0.0.1")
    assert not limiter.allowed("10.0.0.1") and limiter.allowed("10.0.0.2")


@pytest.mark.parametrize("raw", ["", "{", "null", '"x"', '{"type": null}', b"\xff\xfe",
                                 '{"type": "claim", "role": ["a"]}',
                                 '{"type": "extend", "team": "A", "seconds": true}'])
def test_parse_refuses_what_the_protocol_does_not_allow(raw):
    """Malformed input is a ProtocolError with a code, never an exception of another kind."""
    with pytest.raises(ProtocolError) as refused:
        parse(raw)
    assert refused.value.code in ("bad_json", "bad_message")


def test_parse_accepts_every_documented_message():
    """Each message type with its required fields parses to (type, fields)."""
    for kind, (required, _optional) in MESSAGES.items():
        fields = {name: (60 if name == "seconds" else "x") for name in required}
        assert parse(json.dumps({"type": kind, **fields})) == (kind, fields)


def test_klas_json_keeps_no_usable_token(tmp_path):
    """The state file holds token hashes, is readable by its owner only, and reopens."""
    room = make_room(tmp_path / "k", 3)
    team = room.ordered_teams()[0]
    device, token = team.join("Sara")
    path = room.folder / "klas.json"
    assert token not in path.read_text()
    assert path.stat().st_mode & 0o077 == 0
    again = Classroom.open(load_scenario(CASE), room.folder)
    assert again.team(team.code).device_by_token(token).name == "Sara"
    assert [t.code for t in again.ordered_teams()] == [t.code for t in room.ordered_teams()]


def test_create_refuses_an_existing_class_and_bad_team_counts(tmp_path):
    """A folder that already holds a class is not overwritten; 0 teams is refused."""
    make_room(tmp_path / "k", 1)
    with pytest.raises(KlasError):
        make_room(tmp_path / "k", 1)
    with pytest.raises(KlasError):
        make_room(tmp_path / "other", 0)


def test_cli_prepare_and_announce(tmp_path):
    """`samenspel klas` makes the class, prints the address it binds to, codes and teacher link."""
    from argparse import Namespace

    from game.commands.klas import announce, lan_address, prepare

    args = Namespace(scenario=str(CASE), folder=str(tmp_path / "k"), teams=2)
    room, problem = prepare(args, "nl")
    assert problem is None and len(room.teams) == 2
    out = io.StringIO()
    base = announce(room, "127.0.0.1", 8123, "nl", out)
    text = out.getvalue()
    assert base == "http://127.0.0.1:8123"
    assert "luistert op http://127.0.0.1:8123 (alleen op adres 127.0.0.1)" in text
    assert f"/leraar#{room.teacher_secret}" in text
    assert all(f"/t/{code}" in text for code in room.teams)
    assert "alleen op deze laptop bereikbaar" in text
    again, problem = prepare(Namespace(scenario=None, folder=str(tmp_path / "k"), teams=9), "nl")
    assert problem is None and set(again.teams) == set(room.teams)
    assert lan_address().count(".") == 3
    missing, problem = prepare(Namespace(scenario=None, folder=None, teams=1), "nl")
    assert missing is None and "casus" in problem


def test_klas_does_not_import_pygame():
    """The class server is web-only: importing it leaves pygame out."""
    code = ("import sys, game.klas.server, game.commands.klas\n"
            "assert 'pygame' not in sys.modules\nprint('ok')\n")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 0, result.stderr


def test_launch_serves_the_class_as_its_own_process(tmp_path, monkeypatch):
    """The window's launch: the class is made, a child serves it, its address answers."""
    import time
    import urllib.request

    from game.commands import klas as klas_command

    monkeypatch.setattr(klas_command, "default_folder", lambda scenario_id: tmp_path / "k")
    launched = klas_command.launch(CASE, "nl", teams=2, host="127.0.0.1", port=0)
    try:
        assert launched.base.startswith("http://127.0.0.1:") and len(launched.teams) == 2
        assert launched.teacher_url.startswith(launched.base + "/leraar#")
        for _ in range(150):
            try:
                with urllib.request.urlopen(launched.teams[0][2], timeout=1) as page:
                    assert page.status == 200
                    break
            except OSError:
                time.sleep(0.1)
        else:
            pytest.fail((tmp_path / "k" / "server.log").read_text())
    finally:
        launched.process.terminate()
        launched.process.wait(10)

"""Fuzzing the log reader: whatever a log file looks like, only `LogError` escapes.

A session log is input too: a teacher may open it in an editor, a file may be damaged. Real
logs (the golden team logs in tests/data/logs, and a session this engine plays now, with the
fields added since) are mutated the way files get edited and broken:
a field's value swapped for another JSON type, a number too large or not finite, a field
deleted or added, an event's type changed, an id swapped for another kind's, lines deleted,
duplicated, swapped or cut, garbage lines and bytes, JSON that is not an object, `seq` as
`0.0` or `true`. The property for every input: `read_log` returns the events or raises
`LogError` with the number of a line inside the file (only an empty log has none). What it
returns is then put through every later stage (resume on a copy, the report's context, CSV,
xAPI): they too raise nothing but `LogError`.

The default suite runs a few hundred logs; `pytest -m slow tests/test_fuzz_log.py` runs 10,000
(docs/reliability.md has the figures).
"""

from __future__ import annotations

import json
import random
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from game.engine.log import read_log
from game.engine.session import Session
from game.errors import LogError
from game.export.csv import rows
from game.export.logs import read_team_log
from game.export.report import team_context
from game.export.xapi import statements
from game.scenario.loader import load_scenario

LOGS = Path(__file__).parent / "data" / "logs"
SCENARIO = load_scenario(LOGS / "keukentafel.yaml")
BASES = [
    [json.loads(line) for line in (LOGS / f"keukentafel_team{n}.jsonl").read_text().splitlines()]
    for n in (1, 2, 3)
]



def _played_now() -> list[dict]:
    """A session played by this engine, so the fields added since the golden logs (the shown
    choice `order`, who was outside consent) are in it: a share, a consult, votes."""
    session = Session(SCENARIO, players={"leerkracht": "Sara"}, seed=5, clock=lambda: 0.0)
    session.consult("jeugdprofessional", "leerkracht")
    session.share("verpleegkundige", "slaapdagboek", "team")
    while not session.finished:
        waiting = session.waiting_for()
        if session.scene.is_narration:
            session.proceed()
        else:
            session.choose(waiting[0], session.options(waiting[0])[0].id)
    events = json.loads(json.dumps(session.events))
    events[0]["session_id"] = "6f1f3c2e-0000-4000-8000-000000000001"  # the same on every run
    return events


BASES.append(_played_now())

FUZZ = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                      HealthCheck.data_too_large])

#: Values a field may be swapped for: every JSON type, edge numbers, ids of other kinds.
OTHER_VALUES: list = [
    None, True, False, 0, -1, 0.0, 1.5, -0.0, 2**53 + 1, 2**63, -(2**70), 1e308, "", "abc",
    "Sara", "0", "2026-13-45T99:99:99Z", "nu", "keukentafel", "kennismaking", "plan",
    "samen_verder", "jeugdprofessional", "leerkracht", "slaapdagboek", "team", "onbekend",
    "good", "vote", "\u0000", "é" * 300, [], [1], ["x"], [[]], {}, {"a": 1}, {"role": 1},
    [{"role": "leerkracht"}], {"team": 5}, {"vertrouwen": 5}, {"vertrouwen": [1]},
    {"vertrouwen": [True, "x"]}, {"regie_gezin": "veel"},
]
#: Raw JSON texts that Python's json reads into values no JSON writer makes.
RAW_VALUES = ["NaN", "Infinity", "-Infinity", "1e400", "9" * 5000, "[" * 3000 + "]" * 3000]
GARBAGE_LINES = [b"[1]", b'"tekst"', b"null", b"42", b"{", b"}", b"{}", b'{"seq":',
                 b"\xff\xfe\x00", b"\x00" * 10, "é".encode("latin-1"), b"[" * 50000]


def _paths(value, path=()):
    """Every (path, value) inside an event, at any depth."""
    yield path, value
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _paths(v, path + (k,))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _paths(v, path + (i,))


def _set(obj, path, value):
    for p in path[:-1]:
        obj = obj[p]
    obj[path[-1]] = value


def _delete(obj, path):
    for p in path[:-1]:
        obj = obj[p]
    del obj[path[-1]]


def mutate(rng: random.Random) -> bytes:
    """One damaged log: a golden log with one to four mutations stacked."""
    events = json.loads(json.dumps(rng.choice(BASES)))
    raw: dict[int, str] = {}  # line index -> the line's text, when written by hand
    extra: list[tuple[str, int, bytes]] = []  # line operations after serialising
    for _ in range(rng.randint(1, 4)):
        kind = rng.random()
        index = rng.randrange(len(events))
        event = events[index]
        if kind < 0.35:  # a value swapped for another
            path, _ = rng.choice([p for p in _paths(event) if p[0]])
            _set(event, path, rng.choice(OTHER_VALUES))
        elif kind < 0.45:  # a value no writer makes
            path, _ = rng.choice([p for p in _paths(event) if p[0]])
            marker = "\u2063MARK\u2063"
            _set(event, path, marker)
            raw[index] = json.dumps(event).replace(json.dumps(marker), rng.choice(RAW_VALUES))
        elif kind < 0.55:  # a field deleted
            path, _ = rng.choice([p for p in _paths(event) if p[0]])
            _delete(event, path)
        elif kind < 0.6:  # an unknown field added (must be ignored)
            event[rng.choice(["extra", "nieuw", "order"])] = rng.choice(OTHER_VALUES)
        elif kind < 0.7:  # the type changed
            event["type"] = rng.choice(["session_started", "scene_entered", "consulted",
                                        "info_shared", "vote_cast", "choice_made",
                                        "timer_expired", "session_ended", "onbekend", ""])
        elif kind < 0.75:  # seq as another number
            seq = index
            event["seq"] = rng.choice([float(seq), bool(seq % 2), seq + 1, -1, str(seq)])
        else:
            extra.append((rng.choice(["delete", "duplicate", "swap", "cut", "garbage",
                                      "bytes", "blank"]), index, rng.choice(GARBAGE_LINES)))
    lines = [raw.get(i, json.dumps(e, ensure_ascii=rng.random() < 0.5)).encode("utf-8")
             for i, e in enumerate(events)]
    for op, index, junk in extra:
        if not lines:
            break
        index = min(index, len(lines) - 1)
        if op == "delete":
            del lines[index]
        elif op == "duplicate":
            lines.insert(rng.randrange(len(lines) + 1), lines[index])
        elif op == "swap":
            other = rng.randrange(len(lines))
            lines[index], lines[other] = lines[other], lines[index]
        elif op == "cut":
            lines[index] = lines[index][: rng.randrange(len(lines[index]) + 1)]
        elif op == "garbage":
            lines.insert(index, junk)
        elif op == "bytes":
            at = rng.randrange(len(lines[index]) + 1)
            lines[index] = lines[index][:at] + junk + lines[index][at:]
        else:
            lines.insert(index, b"   ")
    ending = b"\n" if rng.random() < 0.9 else b""
    return b"\n".join(lines) + ending


def line_count(data: bytes) -> int:
    """The number of lines the reader counts (a last line without newline counts too)."""
    return data.count(b"\n") + (0 if data.endswith(b"\n") or not data else 1)


def later_stages(path: Path, folder: Path) -> None:
    """Everything that reads a log after the reader: debrief outputs, and resume on a copy."""
    team = read_team_log(path)
    team_context(team, SCENARIO)
    rows(team, SCENARIO)
    statements(team, SCENARIO)
    statements(team, SCENARIO, pseudonymize=True)
    copy = folder / "resume.jsonl"
    shutil.copyfile(path, copy)
    force = copy.stat().st_size % 2 == 0  # both ways, decided by the input
    Session.resume(copy, SCENARIO, force=force, clock=lambda: 0.0).close()


def check(data: bytes, deep: bool) -> str:
    """Apply the property to one damaged log; returns "read" or "refused"."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        path = folder / "team.jsonl"
        path.write_bytes(data)
        try:
            contents = read_log(path)
        except LogError as exc:
            if exc.line is None:
                assert not any(line.strip() for line in data.split(b"\n")), str(exc)
            else:
                assert 1 <= exc.line <= line_count(data), (exc.line, str(exc))
            return "refused"
        assert contents.events
        if deep:
            try:
                later_stages(path, folder)
            except LogError as exc:
                assert str(exc)
        return "read"


@settings(FUZZ, max_examples=300)
@given(st.randoms(use_true_random=False))
def test_damaged_logs_raise_only_log_error(rng):
    """Every damaged log is read or refused with a LogError on a line of the file; what is read
    goes through resume, the report, CSV and xAPI without another exception."""
    check(mutate(rng), deep=True)


@pytest.mark.slow
def test_ten_thousand_damaged_logs(capsys):
    """10,000 damaged logs, each that reads also through the later stages; prints the counts."""
    rng = random.Random(20261204)
    counts = {"read": 0, "refused": 0}
    for _ in range(10_000):
        counts[check(mutate(rng), deep=True)] += 1
    with capsys.disabled():
        print(f"\nlog fuzzer: {counts}")


def test_every_golden_log_still_reads():
    """The logs written before the schema existed read unchanged (no false alarms)."""
    for path in sorted(LOGS.glob("*.jsonl")):
        assert read_log(path).events

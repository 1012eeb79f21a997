"""Tests for game.engine.log and Session.resume: durable writing, careful reading, exact replay."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import attrs
import pytest
from conftest import go, make_scenario, number

from game.engine.log import LogWriter, read_log
from game.engine.session import Session
from game.errors import LogError, SessionError
from game.scenario.model import Choice, Effects, Info, Route, Scene, Variable


def scenario():
    """A timed vote, a weighted route, a sensitive card and a narration scene."""
    card = Info(id="kaart", title="K", text="t", owner="a", sensitive=True, consent="ok",
                on_breach=Effects(add={"v": -1}))
    s1 = Scene(id="s1", text="t", actors=("a", "b"), decision="consensus", timer=100,
               on_timeout="late", advice={"b": "Advies"}, choices=(
                   Choice(id="x", text="X", add={"v": 2},
                          goto=(Route(to="s2", weight=1), Route(to="late", weight=1))),
                   Choice(id="y", text="Y", set={"ok": True}, goto=go("s1"))))
    s2 = Scene(id="s2", text="t", actors=("b",), choices=(
        Choice(id="z", text="Z", goto=go("end")),))
    late = Scene(id="late", text="t", next="end")
    return make_scenario({"s1": s1, "s2": s2, "late": late}, info={"kaart": card},
                         variables={"v": number("v", 0), "ok": Variable(id="ok", initial=False)})


def played(path, clock, sc=None) -> Session:
    """A session with a few moves of every kind, still running (in s1 round 2 or later)."""
    s = Session(sc or scenario(), players={"a": "Anna", "b": "Bo"}, log=path, seed=3,
                clock=clock)
    s.consult("a", "b")
    s.share("a", "kaart", "team")
    clock.advance(1.25)
    s.choose("a", "x")
    s.choose("b", "y")  # consensus fails: round 2
    s.choose("a", "y")
    return s


def state(s: Session):
    """Everything a resumed session must reproduce."""
    return (s.scene_id, s.ending_id, s.variables, s.knowledge, s.vote_round,
            s.previous_round, s.consulted_roles, s.shared_cards)


# ------------------------------------------------------------------------ writer


def test_writer_appends_one_utf8_json_line_per_event(tmp_path):
    """Each write is one complete line, UTF-8 (not escaped), readable at once."""
    path = tmp_path / "log.jsonl"
    with LogWriter(path) as w:
        w.write({"seq": 0, "naam": "Zoë"})
        assert path.read_bytes() == '{"seq":0,"naam":"Zoë"}\n'.encode()
        w.write({"seq": 1})
    assert len(path.read_text(encoding="utf-8").splitlines()) == 2
    assert w.closed


# ------------------------------------------------------------------------ reader


def test_reader_returns_the_events_of_a_clean_log(tmp_path, clock):
    """A complete log reads back as exactly the session's events."""
    s = played(tmp_path / "a.jsonl", clock)
    s.close()
    contents = read_log(tmp_path / "a.jsonl")
    assert list(contents.events) == s.events and contents.dropped_line is None


def test_truncated_last_line_is_dropped_with_a_warning_naming_it(tmp_path, clock, caplog):
    """A crash mid-write leaves a cut line: it is dropped, and the warning names its line."""
    path = tmp_path / "a.jsonl"
    s = played(path, clock)
    s.close()
    path.write_bytes(path.read_bytes() + b'{"seq": 99, "type": "vote_ca')
    with caplog.at_level(logging.WARNING, logger="game.engine.log"):
        contents = read_log(path)
    assert list(contents.events) == s.events
    assert contents.dropped_line == len(s.events) + 1
    assert f":{len(s.events) + 1}:" in caplog.text


def test_garbage_in_the_middle_is_an_error_naming_the_line(tmp_path, clock):
    """A bad line that is not the last means damage: LogError with path and line number."""
    path = tmp_path / "a.jsonl"
    played(path, clock).close()
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[2] = "garbage"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(LogError, match=r"a\.jsonl:3:"):
        read_log(path)


def test_seq_gap_missing_fields_and_wrong_first_event_are_errors(tmp_path, clock):
    """A log whose seq jumps, whose events lack fields, or which does not start properly fails."""
    path = tmp_path / "a.jsonl"
    played(path, clock).close()
    events = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]

    def write(evts):
        path.write_text("".join(json.dumps(e) + "\n" for e in evts), encoding="utf-8")

    write(events[:2] + events[3:])
    with pytest.raises(LogError, match=":3:.*seq"):
        read_log(path)
    broken = dict(events[2])
    del broken["scene"]
    write(events[:2] + [broken] + events[3:])
    with pytest.raises(LogError, match="scene"):
        read_log(path)
    write([dict(e, seq=i) for i, e in enumerate(events[1:])])
    with pytest.raises(LogError, match="session_started"):
        read_log(path)


def test_empty_or_missing_log_is_an_error(tmp_path):
    """An empty file or a missing file gives a LogError naming it."""
    (tmp_path / "e.jsonl").write_text("", encoding="utf-8")
    with pytest.raises(LogError, match="e.jsonl"):
        read_log(tmp_path / "e.jsonl")
    with pytest.raises(LogError, match="nope.jsonl"):
        read_log(tmp_path / "nope.jsonl")


# ------------------------------------------------------------------------ resume


def test_resume_rebuilds_the_live_state_and_keeps_appending(tmp_path, clock):
    """Resume replays every event: same state, same events; new moves continue seq in the file."""
    path = tmp_path / "a.jsonl"
    live = played(path, clock)
    live.close()
    resumed = Session.resume(path, live.scenario, clock=clock)
    assert state(resumed) == state(live)
    assert resumed.events == live.events
    assert resumed.players == {"a": "Anna", "b": "Bo"} and resumed.seed == 3
    resumed.choose("b", "x")
    resumed.close()
    lines = [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines()]
    assert [e["seq"] for e in lines] == list(range(len(lines)))
    assert lines == resumed.events
    assert lines[len(live.events)]["elapsed_ms"] >= live.events[-1]["elapsed_ms"]


def test_resume_gives_the_same_weighted_picks_as_the_live_session(tmp_path, clock):
    """The seeded RNG is replayed, so a later weighted pick matches an uninterrupted run."""
    sc = scenario()
    for seed in range(6):
        path = tmp_path / f"w{seed}.jsonl"
        live = Session(sc, log=path, seed=seed, clock=clock)
        live.choose("a", "y")
        live.choose("b", "y")  # back into s1 (a loop), RNG untouched
        live.close()
        twin = Session(sc, seed=seed, clock=clock)
        for role, choice in (("a", "y"), ("b", "y"), ("a", "x"), ("b", "x")):
            twin.choose(role, choice)
        resumed = Session.resume(path, sc, clock=clock)
        resumed.choose("a", "x")
        resumed.choose("b", "x")
        assert resumed.scene_id == twin.scene_id
        resumed.close()


def test_resume_after_a_crash_cuts_the_damaged_tail(tmp_path, clock):
    """A truncated last line is dropped and cut off, so the next append yields a clean log."""
    path = tmp_path / "a.jsonl"
    live = played(path, clock)
    live.close()
    path.write_bytes(path.read_bytes() + b'{"seq": 9')
    resumed = Session.resume(path, live.scenario, clock=clock)
    assert resumed.dropped_line == len(live.events) + 1
    resumed.choose("b", "y")
    resumed.close()
    assert list(read_log(path).events) == resumed.events


def test_resume_of_a_different_scenario_version_is_refused_unless_forced(tmp_path, clock):
    """A log whose scenario_sha256 differs is a LogError with a clear message; force allows it."""
    path = tmp_path / "a.jsonl"
    live = played(path, clock)
    live.close()
    other = attrs.evolve(live.scenario, sha256="f" * 64)
    with pytest.raises(LogError, match="--force"):
        Session.resume(path, other, clock=clock)
    resumed = Session.resume(path, other, force=True, clock=clock)
    assert state(resumed) == state(live)
    resumed.close()


def test_forced_resume_skips_moves_that_no_longer_fit(tmp_path, clock, caplog):
    """With force, a logged move the changed scenario refuses is skipped with a warning."""
    path = tmp_path / "a.jsonl"
    live = played(path, clock)
    live.close()
    changed = attrs.evolve(live.scenario, sha256="e" * 64, info={})  # the card is gone
    with caplog.at_level(logging.WARNING, logger="game.engine.session"):
        resumed = Session.resume(path, changed, force=True, clock=clock)
    assert "skipped on forced resume" in caplog.text
    assert resumed.scene_id == "s1" and resumed.events == live.events
    resumed.close()


def test_a_log_that_does_not_replay_names_the_first_differing_line(tmp_path, clock):
    """An edited event the replay cannot reproduce gives LogError with its line number."""
    path = tmp_path / "a.jsonl"
    live = played(path, clock)
    live.close()
    events = [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines()]
    index = next(i for i, e in enumerate(events) if e["type"] == "info_shared")
    events[index]["breach"] = False
    path.write_text("".join(json.dumps(e) + "\n" for e in events), encoding="utf-8")
    with pytest.raises(LogError, match=f":{index + 1}:"):
        Session.resume(path, live.scenario, clock=clock)


def test_resume_continues_the_timer_with_the_time_that_was_left(tmp_path, clock):
    """A timed scene resumes with timer minus the time spent in it before the last event."""
    path = tmp_path / "a.jsonl"
    live = played(path, clock)  # 1.25 s spent in s1 before the last event
    live.close()
    clock.advance(500)  # the crash: time passes while nobody plays
    resumed = Session.resume(path, live.scenario, clock=clock)
    assert resumed.time_left() == pytest.approx(100 - 1.25)
    resumed.close()


def test_resume_of_a_finished_session_is_finished(tmp_path, clock):
    """A log that ends with session_ended resumes as a finished session with that ending."""
    path = tmp_path / "a.jsonl"
    live = played(path, clock)
    live.choose("b", "y")  # consensus on y: back into s1
    live.choose("a", "x")
    live.choose("b", "x")  # consensus on x: a weighted pick of s2 or late
    while not live.finished:
        if live.scene_id == "late":
            live.proceed()
        else:
            live.choose("b", "z")
    live.close()
    resumed = Session.resume(path, live.scenario, clock=clock)
    assert resumed.finished and resumed.ending_id == live.ending_id
    assert resumed.events == live.events
    resumed.close()


def test_resume_with_timer_expiry_and_narration_replays(tmp_path, clock):
    """timer_expired and a proceed through a narration scene are replayed too."""
    path = tmp_path / "a.jsonl"
    sc = scenario()
    live = Session(sc, log=path, clock=clock)
    clock.advance(101)
    assert live.tick()
    live.proceed()
    live.close()
    resumed = Session.resume(path, sc, clock=clock)
    assert resumed.ending_id == "end" and resumed.events == live.events
    resumed.close()


def test_resume_in_another_language_keeps_the_log_and_switches_messages(tmp_path, clock):
    """Resuming a Dutch log with lang='en' replays exactly and then speaks English."""
    path = tmp_path / "a.jsonl"
    live = played(path, clock)
    live.close()
    resumed = Session.resume(path, live.scenario, clock=clock, lang="en")
    assert resumed.events == live.events and resumed.events[0]["lang"] == "nl"
    with pytest.raises(SessionError, match="unknown choice"):
        resumed.choose("b", "nope")
    resumed.close()


def test_garbage_appended_after_the_last_event_is_dropped_not_fatal(tmp_path, clock):
    """Several junk lines after the last event: every complete event is kept, tail cut off."""
    path = tmp_path / "a.jsonl"
    live = played(path, clock)
    live.close()
    path.write_bytes(path.read_bytes() + b"\x00\xffjunk\nmore junk\n{\"seq\": 4")
    contents = read_log(path)
    assert list(contents.events) == live.events
    assert contents.dropped_line == len(live.events) + 1
    resumed = Session.resume(path, live.scenario, clock=clock)
    resumed.choose("b", "y")
    resumed.close()
    assert list(read_log(path).events) == resumed.events


def test_a_log_without_the_engines_extra_fields_still_replays(tmp_path, clock):
    """A log of the documented format without `via`, `team`, `changes`, `scenario_path` resumes."""
    path = tmp_path / "a.jsonl"
    live = played(path, clock)
    live.close()
    events = [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines()]
    stripped = [{k: v for k, v in e.items()
                 if k not in ("via", "team", "changes", "scenario_path")} for e in events]
    path.write_text("".join(json.dumps(e) + "\n" for e in stripped), encoding="utf-8")
    resumed = Session.resume(path, live.scenario, clock=clock)
    assert state(resumed) == state(live)
    resumed.close()


# ------------------------------------------------------------------------ hand-edited logs

GOLDEN = Path(__file__).parent / "data" / "logs" / "keukentafel_team1.jsonl"


def edited(tmp_path, line: int, text: str | None = None, **fields) -> Path:
    """A copy of a golden log with one line replaced by `text`, or with `fields` changed."""
    lines = GOLDEN.read_text(encoding="utf-8").splitlines()
    if text is None:
        text = json.dumps({**json.loads(lines[line - 1]), **fields})
    lines[line - 1] = text
    path = tmp_path / "bewerkt.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


ATTACKS = {
    "5,000-digit number": (2, '{"seq":1,"type":"scene_entered","time":"2026-11-28T12:19:37Z",'
                              '"elapsed_ms":' + "9" * 5000 + ',"scene":"kennismaking"}', {}),
    "type is a list": (3, None, {"type": ["consulted"]}),
    "elapsed_ms is text": (3, None, {"elapsed_ms": "abc"}),
    "players is text": (1, None, {"players": "Sara"}),
    "elapsed_ms 10**400": (4, None, {"elapsed_ms": 10**400}),
    "seq 0.0": (1, None, {"seq": 0.0}),
    "seq true": (2, None, {"seq": True}),
    "time is no moment": (5, None, {"time": "gisteren"}),
    "points not a number": (4, None, {"points": {"regie_gezin": "veel"}}),
    "changes not a pair": (4, None, {"changes": {"vertrouwen": [50]}}),
    "to is a mapping": (9, None, {"to": {"leerkracht": True}}),
}


@pytest.mark.parametrize("name", list(ATTACKS))
def test_hand_edited_values_are_a_log_error_naming_the_line(tmp_path, name):
    """Each edit from the hardening issue (raw tracebacks before the schema) is refused by the
    reader with a LogError whose message and `line` name the edited line."""
    line, text, fields = ATTACKS[name]
    path = edited(tmp_path, line, text, **fields)
    with pytest.raises(LogError, match=rf"bewerkt\.jsonl:{line}:") as caught:
        read_log(path)
    assert caught.value.line == line


def test_schema_message_names_the_field_and_both_kinds(tmp_path):
    """The message says which field, what it should be and what it is, in either language."""
    path = edited(tmp_path, 1, players="Sara")
    with pytest.raises(LogError, match=r"veld players: een lijst verwacht, tekst gevonden"):
        read_log(path)
    with pytest.raises(LogError, match=r"field players: expected a list, found text"):
        read_log(path, "en")


def test_unknown_fields_and_event_types_are_ignored(tmp_path):
    """Readers skip what a newer engine may add: extra fields, an event type they do not know
    (whose common fields are still checked)."""
    lines = GOLDEN.read_text(encoding="utf-8").splitlines()
    extra = {**json.loads(lines[2]), "nieuw_veld": [1, {"a": None}]}
    future = {"seq": 3, "type": "toekomstig", "time": "2026-11-28T12:19:38Z", "elapsed_ms": 5}
    lines[2] = json.dumps(extra)
    path = tmp_path / "nieuw.jsonl"
    path.write_text("\n".join([*lines[:3], json.dumps(future)]) + "\n", encoding="utf-8")
    assert [e["type"] for e in read_log(path).events][-1] == "toekomstig"
    path.write_text("\n".join([*lines[:3], json.dumps({**future, "seq": "3"})]) + "\n",
                    encoding="utf-8")
    with pytest.raises(LogError, match=r":4:.*seq"):
        read_log(path)


def test_a_device_a_pipe_a_folder_and_a_huge_file_are_refused(tmp_path):
    """Only regular files up to the scenario size limit are read: /dev/zero, a named pipe
    (which would block) and a folder get a clear LogError, as does a 6 MB file."""
    import os

    fifo = tmp_path / "pijp.jsonl"
    os.mkfifo(fifo)
    for path in (Path("/dev/zero"), fifo, tmp_path):
        with pytest.raises(LogError, match="geen gewoon bestand"):
            read_log(path)
    big = tmp_path / "groot.jsonl"
    big.write_bytes(GOLDEN.read_bytes() + b" " * (6 * 2**20))
    with pytest.raises(LogError, match=r"te groot \(6\.\d MB; hoogstens 5 MB\)"):
        read_log(big)


def test_finding_a_logs_scenario_survives_an_edited_first_line(tmp_path):
    """`resume` looks up the scenario from line 1 before reading the log; a `scenario_path`
    that is a list (a TypeError before) or a first line that is no event gives None, so the
    reader's LogError is what the user sees."""
    from game.engine.log import logged_scenario_path

    assert logged_scenario_path(edited(tmp_path, 1, scenario_path=[1])) is None
    assert logged_scenario_path(edited(tmp_path, 1, "[1]")) is None
    good = edited(tmp_path, 1, scenario_path=str(GOLDEN.with_name("keukentafel.yaml")))
    assert logged_scenario_path(good) == GOLDEN.with_name("keukentafel.yaml")

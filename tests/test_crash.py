"""Crash tests: a text-mode session killed with SIGKILL at random moments resumes to the same end.

A scripted session of the shared example (a consult, single decisions, shares, a team vote
and a two-round consensus; 12 inputs, 20 events) is played once without interruption as the
reference. Then, per seeded run, the same session is started, fed a random number of inputs,
and killed with SIGKILL a random few milliseconds after the last one: while idle at a prompt,
between two events of one move, or in the middle of writing a line. `samenspel resume` is run
with the inputs the log shows were not yet taken, and must finish with:

- every event that was on disk before the kill unchanged (byte for byte);
- the same events as the reference, apart from their times (`time`, `elapsed_ms`, and the
  tempo metrics computed from them);
- the same final state (ending, variables, knowledge) when the log is replayed.

Damaged logs: garbage appended, a line cut off, an empty file; `resume` and `debrief` say what
they found and keep every complete event. The default suite kills 3 runs; `pytest -m slow`
kills 20 (docs/reliability.md).
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from game.engine.events import TIME_FIELDS
from game.engine.session import Session
from game.export.logs import read_team_log
from game.scenario.loader import load_scenario

ROOT = Path(__file__).resolve().parents[1]
KEUKENTAFEL = ROOT / "tests" / "data" / "valid" / "keukentafel.yaml"
SCRIPT = [
    "raadpleeg leerkracht",
    "vraag_behoefte",
    "vraag_toestemming",
    "deel slaapdagboek team als verpleegkundige",
    "deel klasobservatie jeugdprofessional als leerkracht",
    "netwerk",
    "slaaptraining",
    "netwerk",
    "zelf",
    "samen",
    "samen",
    "samen",
]

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")


def play_command(log: Path) -> list[str]:
    """The text-mode command line of the scripted session."""
    return [sys.executable, "-m", "game", "play", str(KEUKENTAFEL), "--text", "--log", str(log),
            "--seed", "5", "--player", "leerkracht=Sara", "--lang", "nl"]


def complete_lines(path: Path) -> list[bytes]:
    """The lines of the log that end with a newline, as bytes (what a reader may rely on)."""
    if not path.exists():
        return []
    return path.read_bytes().split(b"\n")[:-1]


def is_move(event: dict) -> bool:
    """True for the first event of a player's input (each input of SCRIPT makes exactly one).

    The others follow from it: a decision after the last vote, the scene entered after a
    decision, the end of the session.
    """
    kind = event["type"]
    return (kind in ("consulted", "info_shared", "vote_cast")
            or kind == "choice_made" and event["decision"] == "single"
            or kind == "scene_entered" and event.get("via") == "next")


def comparable(events: list[dict]) -> list[dict]:
    """Events without what depends on the clock (times, the tempo metrics at the end) and the
    random session id (the reference is another session that played the same moves)."""
    out = []
    for event in events:
        event = {k: v for k, v in event.items() if k not in (*TIME_FIELDS, "session_id")}
        if event["type"] == "session_ended" and isinstance(event.get("metrics"), dict):
            event["metrics"] = {k: v for k, v in event["metrics"].items() if k != "tempo"}
        out.append(event)
    return out


def final_state(log: Path) -> tuple:
    """Ending, variables and knowledge after replaying a finished log."""
    session = Session.resume(log, load_scenario(KEUKENTAFEL))
    state = (session.ending_id, dict(session.variables),
             {r: sorted(cards) for r, cards in session.knowledge.items()})
    session.close()
    return state


@pytest.fixture(scope="module")
def reference(tmp_path_factory) -> tuple[list[dict], tuple]:
    """The uninterrupted run: its events and its final state."""
    log = tmp_path_factory.mktemp("reference") / "ref.jsonl"
    result = subprocess.run(play_command(log), cwd=ROOT, input="\n".join(SCRIPT) + "\n",
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    events = [json.loads(line) for line in complete_lines(log)]
    assert events[-1]["type"] == "session_ended" and events[-1]["ending"] == "samen_verder"
    assert sum(is_move(e) for e in events) == len(SCRIPT)
    return events, final_state(log)


def wait_until(predicate, timeout: float = 60.0) -> None:
    """Poll `predicate` until it holds (no fixed sleeps); fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting for the game")
        time.sleep(0.005)


def moves_on_disk(log: Path) -> int:
    """How many of the script's inputs the durable part of the log shows were taken."""
    count = 0
    for line in complete_lines(log):
        try:
            count += is_move(json.loads(line))
        except ValueError:
            pass
    return count


def kill_and_resume(tmp_path: Path, seed: int, reference) -> dict:
    """One seeded kill-and-resume run; asserts the outcome and returns what happened."""
    rng = random.Random(seed)
    sent = rng.randrange(len(SCRIPT) + 1)  # inputs sent before the kill (the last one unpaced)
    delay = rng.choice([0.0, rng.uniform(0, 0.005), rng.uniform(0, 0.03), rng.uniform(0, 0.1)])
    log = tmp_path / f"kill{seed}.jsonl"
    proc = subprocess.Popen(play_command(log), cwd=ROOT, stdin=subprocess.PIPE,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, text=True)
    try:
        wait_until(lambda: len(complete_lines(log)) >= 1)
        for i in range(sent):
            if i:  # pace the inputs: the previous one has reached the disk
                wait_until(lambda i=i: moves_on_disk(log) >= i)
            proc.stdin.write(SCRIPT[i] + "\n")
            proc.stdin.flush()
        time.sleep(delay)
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
        try:
            proc.stdin.close()
        except BrokenPipeError:
            pass
    assert proc.returncode in (-signal.SIGKILL, 0), proc.returncode
    raw = log.read_bytes()
    durable = complete_lines(log)
    taken = moves_on_disk(log)
    rest = SCRIPT[taken:]
    result = subprocess.run([sys.executable, "-m", "game", "resume", str(log), "--text",
                             "--lang", "nl"], cwd=ROOT, input="\n".join(rest) + "\n",
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    final = complete_lines(log)
    assert final[:len(durable)] == durable, "an event that was on disk was lost or changed"
    events = [json.loads(line) for line in final]
    ref_events, ref_state = reference
    assert comparable(events) == comparable(ref_events)
    assert [e["seq"] for e in events] == list(range(len(events)))
    assert final_state(log) == ref_state
    return {"sent": sent, "delay": delay, "durable": len(durable), "taken": taken,
            "partial_line": not raw.endswith(b"\n") and bool(raw),
            "stderr": result.stderr}


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_sigkill_at_a_random_moment_then_resume_gives_the_uninterrupted_result(
        tmp_path, seed, reference):
    """Three seeded kills: resumed with the inputs not yet taken, the end is the reference's."""
    kill_and_resume(tmp_path, seed, reference)


@pytest.mark.slow
def test_twenty_sigkills_at_random_moments_all_resume_to_the_same_end(tmp_path, reference):
    """Twenty seeded kills (run with `pytest -m slow`); reports where the kills landed."""
    outcomes = [kill_and_resume(tmp_path, seed, reference) for seed in range(1, 21)]
    landed = sorted({o["durable"] for o in outcomes})
    print(f"kills landed after {landed} durable events; "
          f"{sum(o['partial_line'] for o in outcomes)} mid-line, "
          f"{sum('hersteld' in o['stderr'] for o in outcomes)} mid-move")
    assert len(landed) >= 5, "the kills should land at many different moments"


# ----------------------------------------------------------------------- damaged logs

def partial_log(tmp_path: Path, inputs: int) -> Path:
    """A log of the scripted session stopped (cleanly) after the first `inputs` inputs."""
    log = tmp_path / "team.jsonl"
    result = subprocess.run(play_command(log), cwd=ROOT,
                            input="\n".join(SCRIPT[:inputs]) + "\n", capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert moves_on_disk(log) == inputs
    return log


def resume_rest(log: Path, inputs: int) -> subprocess.CompletedProcess:
    """Resume the log in text mode with the script's remaining inputs."""
    return subprocess.run([sys.executable, "-m", "game", "resume", str(log), "--text",
                           "--lang", "nl"], cwd=ROOT,
                          input="\n".join(SCRIPT[inputs:]) + "\n", capture_output=True,
                          text=True, timeout=120)


def debrief(log: Path, tmp_path: Path) -> subprocess.CompletedProcess:
    """The debrief command on one log, with the HTML report in tmp_path."""
    return subprocess.run([sys.executable, "-m", "game", "debrief", str(log), "-o",
                           str(tmp_path / "verslag.html"), "--lang", "nl"], cwd=ROOT,
                          capture_output=True, text=True, timeout=180)


@pytest.mark.parametrize("damage", ["garbage", "truncated"])
def test_damaged_tail_is_named_and_every_complete_event_kept(tmp_path, reference, damage):
    """Garbage appended or a cut-off last line: debrief and resume name the line, keep the rest."""
    log = partial_log(tmp_path, 6)
    good = complete_lines(log)
    if damage == "garbage":
        with open(log, "ab") as f:
            f.write(b"\x00\xffgarbage {not json\n" + bytes(range(256)) + b"\nmore junk")
    else:
        with open(log, "ab") as f:
            f.write(good[-1][: len(good[-1]) // 2])  # a crash halfway through a write
    bad_line = len(good) + 1

    report = debrief(log, tmp_path)
    assert report.returncode == 0, report.stderr
    assert f"{log}:{bad_line}:" in report.stderr
    assert (tmp_path / "verslag.html").stat().st_size > 0
    team = read_team_log(log)
    assert list(team.events) == [json.loads(line) for line in good]

    resumed = resume_rest(log, 6)
    assert resumed.returncode == 0, resumed.stderr
    assert f"{log}:{bad_line}:" in resumed.stderr
    assert "weggelaten" in resumed.stderr  # says, in Dutch, that the damaged lines were dropped
    final = complete_lines(log)
    assert final[:len(good)] == good
    assert comparable([json.loads(line) for line in final]) == comparable(reference[0])


def test_move_cut_off_between_its_events_is_restored(tmp_path, reference):
    """A kill after a decision's first event but before the scene entry it causes.

    The decision is on disk, so it happened: resume writes the missing scene entry and plays
    on, instead of refusing a log whose replay has more events than the file.
    """
    log = partial_log(tmp_path, 8)  # the vote closed: vote_cast, choice_made, scene_entered
    lines = complete_lines(log)
    assert json.loads(lines[-1])["type"] == "scene_entered"
    log.write_bytes(b"\n".join(lines[:-1]) + b"\n")
    resumed = resume_rest(log, 8)
    assert resumed.returncode == 0, resumed.stderr
    assert "hersteld" in resumed.stderr  # Dutch by default
    final = complete_lines(log)
    assert final[:len(lines) - 1] == lines[:-1]
    assert comparable([json.loads(line) for line in final]) == comparable(reference[0])
    assert final_state(log) == reference[1]


def test_empty_log_is_refused_by_resume_and_debrief_with_a_message(tmp_path):
    """An empty file has nothing to keep: both commands say so, name the file, and exit 1."""
    log = tmp_path / "leeg.jsonl"
    log.write_bytes(b"")
    for result in (resume_rest(log, 0), debrief(log, tmp_path)):
        assert result.returncode == 1
        assert f"{log}: het logboek bevat geen enkele gebeurtenis" in result.stderr
        assert "Traceback" not in result.stderr


def test_kill_between_the_first_two_events_resumes_at_the_start(tmp_path):
    """Only `session_started` reached the disk: resume writes the start scene's entry."""
    scenario = load_scenario(KEUKENTAFEL)
    log = tmp_path / "start.jsonl"
    Session(scenario, log=log, seed=5).close()
    first = complete_lines(log)[0]
    log.write_bytes(first + b"\n")
    session = Session.resume(log, scenario)
    session.close()
    lines = complete_lines(log)
    assert lines[0] == first
    assert [json.loads(line)["type"] for line in lines] == ["session_started", "scene_entered"]
    assert session.scene_id == "kennismaking"

"""A text-mode game killed with SIGKILL mid-session resumes without losing a completed event."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
KEUKENTAFEL = ROOT / "tests" / "data" / "valid" / "keukentafel.yaml"
MOVES = ["vraag_behoefte", "vraag_toestemming", "deel slaapdagboek team als verpleegkundige",
         "raadpleeg verpleegkundige", "netwerk", "netwerk", "netwerk", "samen", "zelf", "samen",
         "samen"]


def complete_lines(path: Path) -> list[str]:
    """The lines of the log that end with a newline (what a reader may rely on)."""
    if not path.exists():
        return []
    data = path.read_text(encoding="utf-8")
    return data.split("\n")[:-1]


def wait_for_lines(path: Path, count: int, timeout: float = 20.0) -> list[str]:
    """Poll until the log holds at least `count` complete lines (no fixed sleeps)."""
    deadline = time.monotonic() + timeout
    while True:
        lines = complete_lines(path)
        if len(lines) >= count or time.monotonic() > deadline:
            return lines
        time.sleep(0.02)


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
@pytest.mark.parametrize("kill_after", [3, 7])
def test_sigkill_mid_session_then_resume_loses_no_completed_event(tmp_path, kill_after):
    """Kill the player after some moves; every event on disk survives and the game finishes."""
    log = tmp_path / "kill.jsonl"
    proc = subprocess.Popen(
        [sys.executable, "-m", "game", "play", str(KEUKENTAFEL), "--text", "--log", str(log),
         "--seed", "5", "--player", "leerkracht=Sara"],
        cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        text=True,
    )
    try:
        seen = wait_for_lines(log, 2)
        for move in MOVES[:kill_after]:
            proc.stdin.write(move + "\n")
            proc.stdin.flush()
            seen = wait_for_lines(log, len(seen) + 1)
        durable = complete_lines(log)
        assert len(durable) > 2
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=20)
        proc.stdin.close()
        proc.stderr.close()
    assert proc.returncode == -signal.SIGKILL

    result = subprocess.run(
        [sys.executable, "-m", "game", "resume", str(log), "--text"],
        cwd=ROOT, input="\n".join(MOVES[kill_after:]) + "\n", capture_output=True, text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    final = complete_lines(log)
    assert final[: len(durable)] == durable, "a completed event was lost or changed"
    events = [json.loads(line) for line in final]
    assert [e["seq"] for e in events] == list(range(len(events)))
    assert events[-1]["type"] == "session_ended" and events[-1]["ending"] == "samen_verder"

"""Soak test: a thousand sessions one after another in one process, as on a long teaching day.

Each session loads its scenario file again (the bundled cases and the shared example, in
turn, as the window's picker does), is played to its ending by a seeded random team through
the real engine with a log (consults, shares, votes, timers on a fake clock; the player of
`benchmarks/bench_debrief.py`), ends with scores and metrics, is read back as the debrief
reads it, and its log is deleted. Resident memory after session 100 (when caches and
allocator pools have settled) is compared with the end: it must grow by less than 10 %. Open
file descriptors must not grow at all (a log left open would). The figures go to
docs/reliability.md; run with `pytest -m slow -s tests/test_soak.py` to see them.

Logs go to /dev/shm when it exists: the subject is memory, and 1,000 sessions of fsyncs to a
real disk would take ten minutes (crash safety of the fsynced log is tests/test_crash.py's).
"""

from __future__ import annotations

import gc
import os
import sys
import tempfile
import weakref
from pathlib import Path

import pytest

from game.export.logs import read_team_log
from game.scenario.loader import load_scenario

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_debrief import play  # noqa: E402  (the seeded random team)

SESSIONS = 1000
WARM_UP = 100
SCENARIOS = sorted((ROOT / "scenarios").glob("*.yaml")) + [
    ROOT / "tests" / "data" / "valid" / "keukentafel.yaml"]


def resident_mb() -> float:
    """This process's current resident memory in MB (Linux /proc; else the peak so far)."""
    try:
        with open("/proc/self/statm") as f:
            pages = int(f.read().split()[1])
        return pages * os.sysconf("SC_PAGE_SIZE") / 1e6
    except OSError:
        import resource

        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def open_descriptors() -> int:
    """How many file descriptors this process has open (Linux; else 0)."""
    try:
        return len(os.listdir("/proc/self/fd"))
    except OSError:
        return 0


def one_session(number: int, folder: Path) -> int:
    """Load, play to the end with a log, read the log back, delete it; the number of events."""
    scenario = load_scenario(SCENARIOS[number % len(SCENARIOS)])
    log = folder / f"sessie{number}.jsonl"
    events = play(scenario, log, seed=number)
    team = read_team_log(log)
    assert team.ended is not None and len(team.events) == events
    log.unlink()
    return events


@pytest.mark.slow
def test_thousand_sessions_in_one_process_do_not_grow_memory():
    """1,000 sessions: resident memory grows < 10 % after the first 100; no descriptor leaks."""
    shm = Path("/dev/shm")
    base = str(shm) if shm.is_dir() and os.access(shm, os.W_OK) else None
    samples: list[tuple[int, float]] = []
    events = 0
    with tempfile.TemporaryDirectory(dir=base) as tmp:
        folder = Path(tmp)
        for number in range(1, SESSIONS + 1):
            events += one_session(number, folder)
            if number == WARM_UP:
                gc.collect()
                descriptors = open_descriptors()
            if number % 100 == 0:
                samples.append((number, resident_mb()))
        gc.collect()
        end_descriptors = open_descriptors()
    after_warm_up = dict(samples)[WARM_UP]
    end = resident_mb()
    growth = (end - after_warm_up) / after_warm_up
    print(f"\n{SESSIONS} sessions, {events} events; resident MB per 100 sessions: "
          + ", ".join(f"{n}: {mb:.1f}" for n, mb in samples)
          + f"; growth after {WARM_UP}: {100 * growth:+.1f} %; "
          f"descriptors {descriptors} -> {end_descriptors}")
    assert growth < 0.10, f"resident memory grew {100 * growth:.1f} % after session {WARM_UP}"
    assert end_descriptors <= descriptors


def test_a_few_sessions_in_a_row_clean_up_after_themselves(tmp_path):
    """The soak's session loop, briefly (default suite): logs closed, files gone, all ended."""
    before = open_descriptors()
    for number in range(1, 8):
        assert one_session(number, tmp_path) > 0
    assert list(tmp_path.iterdir()) == []
    assert open_descriptors() <= before


def test_a_scenario_is_freed_once_its_sessions_are_done(tmp_path):
    """No cache keeps a played and scored scenario alive (the soak found scoring's did).

    The engine's plan cache and scoring's per-scenario caches are keyed by the scenario object;
    a cached value that refers back to the scenario kept all of them, one per loaded file, for
    the life of the process.
    """
    scenario = load_scenario(SCENARIOS[0])
    alive = weakref.ref(scenario)
    play(scenario, tmp_path / "sessie.jsonl", seed=1)
    del scenario
    # another scenario played afterwards: nothing shared between them keeps the first alive
    play(load_scenario(SCENARIOS[1]), tmp_path / "volgende.jsonl", seed=2)
    gc.collect()
    assert alive() is None, [type(r).__name__ for r in gc.get_referrers(alive())]

"""Scoring figures for `make bench` (issue 18): end-of-session scoring from cache on every
bundled case, the maxima of a generated 1,000-scene case (time and peak memory), simulate with
scoring against simulate with scoring off on that case, and a 5,000-scene case played to its
ending and simulated.

Usage: `python benchmarks/bench_scoring.py PART [--json]` with PART one of `session`, `maxima`,
`simulate`, `large`; `benchmarks/run.py` runs each part in its own process (so the peak memory
is that part's own) and prints the figures with the others.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "benchmarks")]

from generate import generate  # noqa: E402

from game import scoring  # noqa: E402
from game.authoring import simulate as sim  # noqa: E402
from game.engine import session as session_module  # noqa: E402
from game.engine.session import Session  # noqa: E402
from game.scenario.loader import load_scenario, load_scenario_text  # noqa: E402


def play(scenario, seed: int) -> Session:
    """One random playthrough to an ending (no log)."""
    rng = random.Random(seed)
    session = Session(scenario, log=None, seed=seed)
    for _ in range(100_000):
        if session.finished:
            break
        scene = session.scene
        if scene.next is not None:
            session.proceed()
            continue
        role = rng.choice(session.waiting_for())
        session.choose(role, rng.choice(session.options(role)).id)
    return session


def part_session() -> dict:
    """Per bundled case: the median time of scores + metrics of a finished log, with the maxima
    already computed (what a session's ending costs)."""
    out = {}
    for path in sorted((ROOT / "scenarios").glob("*.yaml")):
        scenario = load_scenario(path)
        scoring.maxima(scenario)  # the cache a window fills in the background
        events = play(scenario, 1).events[:-1]
        times = []
        for _ in range(15):
            start = time.perf_counter()
            metrics = scoring.metrics(events, scenario)
            scoring.scores(events, scenario, metrics=metrics)
            times.append(time.perf_counter() - start)
        out[path.stem] = 1000 * statistics.median(times)
    return {"ms": out, "max_ms": max(out.values())}


def part_maxima(scenes: int) -> dict:
    """The maxima of a generated case, computed once (a fresh load each repeat)."""
    text = generate(scenes)
    walls, cpus, exact = [], [], None
    for _ in range(3):
        scenario = load_scenario_text(text, path=f"<generated {scenes}>")
        w, c = time.perf_counter(), time.process_time()
        details = scoring.maxima_details(scenario)
        walls.append(time.perf_counter() - w)
        cpus.append(time.process_time() - c)
        exact = all(d["path_sensitive"] for d in details.values())
    return {"scenes": scenes, "wall_s": statistics.median(walls),
            "cpu_s": statistics.median(cpus), "exact": exact}


def part_simulate(scenes: int, runs: int) -> dict:
    """simulate --runs N on a generated case, with scoring and with scoring switched off."""
    scenario = load_scenario_text(generate(scenes), path=f"<generated {scenes}>")
    start = time.perf_counter()
    sim.simulate(scenario, runs=runs, seed=1, jobs=1)
    with_scoring = time.perf_counter() - start

    class Off:
        """The session's scoring module with every number switched off."""

        @staticmethod
        def scores(events, scenario, metrics=None):
            return {}

        @staticmethod
        def metrics(events, scenario):
            return {}

    def no_maxima(scenario):
        return {dim: {"max": 0, "computed": 0, "author": None, "approximate": False,
                      "path_sensitive": True} for dim in scenario.scores}

    session_module.scoring = Off
    sim.maxima_details = no_maxima
    start = time.perf_counter()
    sim.simulate(load_scenario_text(generate(scenes), path="<again>"), runs=runs, seed=1, jobs=1)
    without = time.perf_counter() - start
    return {"scenes": scenes, "runs": runs, "with_s": with_scoring, "without_s": without,
            "ratio": with_scoring / without}


def part_large(scenes: int) -> dict:
    """A generated case of `scenes` scenes: one play to its ending, then a small simulate."""
    scenario = load_scenario_text(generate(scenes), path=f"<generated {scenes}>")
    start = time.perf_counter()
    session = play(scenario, 1)
    played = time.perf_counter() - start
    start = time.perf_counter()
    report = sim.simulate(scenario, runs=20, seed=1, jobs=1)
    simulated = time.perf_counter() - start
    return {"scenes": scenes, "ended": session.ending is not None, "play_s": played,
            "simulate_runs": 20, "simulate_s": simulated,
            "simulate_ok": not report["crashes"] and not report["stalls"]}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("part", choices=("session", "maxima", "simulate", "large"))
    parser.add_argument("--scenes", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=1000)
    args = parser.parse_args(argv)
    if args.part == "session":
        result = part_session()
    elif args.part == "maxima":
        result = part_maxima(args.scenes)
    elif args.part == "simulate":
        result = part_simulate(args.scenes, args.runs)
    else:
        result = part_large(args.scenes)
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

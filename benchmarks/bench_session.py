"""Benchmark of starting a session: `Session()` on small and very large scenarios.

Usage: `python benchmarks/bench_session.py [--scenes 25 1000 20000] [--starts 200] [--json]`

For each size a scenario from `benchmarks/generate.py` (seed 1) is loaded once; one session
is started untimed (it builds the scenario's shared state machine, which a loaded scenario
keeps for every later session); then `--starts` sessions are started one after the other,
each timed on its own (`perf_counter_ns`) and closed. The figure is the median start, without
a log (`log=None`: the log's fsync is the disk's speed, not the engine's). Starting a session
should cost the same at 25 and at 20,000 scenes: nothing in it should walk the scene graph.

`--json` prints one JSON object (used by run.py).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from generate import generate  # noqa: E402

from game.engine.session import Session  # noqa: E402
from game.scenario.loader import load_scenario_text  # noqa: E402


def start_times(scenario, starts: int) -> list[int]:
    """Nanoseconds per `Session(scenario)` start, after one untimed warm-up start."""
    Session(scenario, log=None, seed=0, clock=lambda: 0.0).close()
    costs = []
    perf = time.perf_counter_ns
    for seed in range(1, starts + 1):
        t0 = perf()
        session = Session(scenario, log=None, seed=seed, clock=lambda: 0.0)
        costs.append(perf() - t0)
        session.close()
    return costs


def main(argv: list[str] | None = None) -> int:
    """Measure and print (or print as JSON) the median start per size."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenes", type=int, nargs="+", default=[25, 1000, 20000])
    parser.add_argument("--starts", type=int, default=200)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    out: dict[str, dict[str, float]] = {}
    for n in args.scenes:
        scenario = load_scenario_text(generate(n), path=f"<generated {n}>")
        costs = start_times(scenario, args.starts)
        out[str(n)] = {"median_us": statistics.median(costs) / 1000,
                       "p90_us": sorted(costs)[int(0.9 * len(costs))] / 1000}
    if args.json:
        print(json.dumps(out))
    else:
        for n, r in out.items():
            print(f"Session() at {int(n):>6,} scenes: median {r['median_us']:8.1f} µs, "
                  f"p90 {r['p90_us']:8.1f} µs")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

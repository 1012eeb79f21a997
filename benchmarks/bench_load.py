"""Load benchmark: parse + validate + build the machine, side by side with a bare YAML parse.

Usage: `python benchmarks/bench_load.py [--scenes 1000 5000 20000] [--repeat 5] [--json]`

For each size a generated scenario (`benchmarks/generate.py`, seed 1, default shape) is
timed, alternating in one process so that both figures see the same machine load:

- `bare`: `yaml.load(data, Loader=yaml.CSafeLoader)`, what the bytes cost to parse at all;
- `bare_nogc`: the same with the cyclic collector paused (for reference: our loader pauses it);
- `load`: `load_scenario_bytes_with_problems` (safe reading with marks, structuring,
  validation with every check) plus `build_machine` (the compiled plan with the scenario's
  one `transitions.Machine`, which every session shares);
- `machine`: the build alone.

Wall time and CPU time (`time.process_time`) are both medians of `--repeat` runs; the ratios
are load ÷ bare of the same kind. `--json` prints one JSON object per size (used by run.py).
`peak_rss_mb` is the process's peak resident memory after all runs (several scenarios alive
at once); `--memory` loads each size once without timing, which is the clean figure (run.py
runs it once per size in its own process).
"""

from __future__ import annotations

import argparse
import gc
import json
import resource
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import yaml  # noqa: E402
from generate import generate  # noqa: E402

from game.engine import machine as machine_module  # noqa: E402
from game.scenario.loader import load_scenario_bytes_with_problems  # noqa: E402


def _timed(fn) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of one call."""
    w0, c0 = time.perf_counter(), time.process_time()
    fn()
    return time.perf_counter() - w0, time.process_time() - c0


def _bare(data: bytes) -> None:
    yaml.load(data, Loader=yaml.CSafeLoader)


def _bare_nogc(data: bytes) -> None:
    gc.disable()
    try:
        yaml.load(data, Loader=yaml.CSafeLoader)
    finally:
        gc.enable()


def _load(data: bytes) -> None:
    scenario, problems = load_scenario_bytes_with_problems(data, "<generated>")
    if scenario is None:
        raise SystemExit("generated scenario does not load: "
                         + "; ".join(p.format("en") for p in problems[:3]))
    machine_module.build_machine(scenario)


def _machine(scenario) -> None:
    """Compile the plan and its machine afresh (not from the per-scenario cache)."""
    machine_module.build_plan(scenario)


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far, in MB (Linux reports KiB)."""
    kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return kib * 1024 / 1e6 if sys.platform != "darwin" else kib / 1e6


def measure(scenes: int, repeat: int = 5) -> dict:
    """Median wall and CPU seconds of bare parse, load and machine build for one size."""
    data = generate(scenes).encode("utf-8")
    scenario, _ = load_scenario_bytes_with_problems(data, "<generated>")
    samples: dict[str, list[tuple[float, float]]] = {
        "bare": [], "bare_nogc": [], "load": [], "machine": []}
    for _ in range(repeat):
        # Interleaved, so a burst of load on the machine hits every figure alike.
        samples["bare"].append(_timed(lambda: _bare(data)))
        samples["load"].append(_timed(lambda: _load(data)))
        samples["bare_nogc"].append(_timed(lambda: _bare_nogc(data)))
        samples["machine"].append(_timed(lambda: _machine(scenario)))
    result: dict = {"scenes": scenes, "bytes": len(data), "repeat": repeat}
    for name, pairs in samples.items():
        result[f"{name}_wall_s"] = statistics.median(w for w, _ in pairs)
        result[f"{name}_cpu_s"] = statistics.median(c for _, c in pairs)
    for kind in ("wall", "cpu"):
        result[f"ratio_{kind}"] = result[f"load_{kind}_s"] / result[f"bare_{kind}_s"]
        result[f"ratio_nogc_{kind}"] = result[f"load_{kind}_s"] / result[f"bare_nogc_{kind}_s"]
    result["peak_rss_mb"] = peak_rss_mb()
    return result


def main(argv: list[str] | None = None) -> int:
    """Measure and print one line (or JSON object) per size."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenes", type=int, nargs="+", default=[1000, 5000, 20000])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--memory", action="store_true",
                        help="one load of each size, no timing: for a clean peak memory figure")
    args = parser.parse_args(argv)
    if args.memory:
        for n in args.scenes:
            _load(generate(n).encode("utf-8"))
        r = {"scenes": args.scenes, "peak_rss_mb": peak_rss_mb()}
        print(json.dumps(r) if args.json else f"peak RSS {r['peak_rss_mb']:.0f} MB")
        return 0
    for n in args.scenes:
        r = measure(n, args.repeat)
        if args.json:
            print(json.dumps(r), flush=True)
            continue
        print(f"{n:6d} scenes ({r['bytes'] / 2**20:.2f} MiB): load {r['load_wall_s']:.2f} s wall "
              f"/ {r['load_cpu_s']:.2f} s CPU; bare parse {r['bare_wall_s']:.2f} / "
              f"{r['bare_cpu_s']:.2f} s (ratio {r['ratio_wall']:.2f} wall, {r['ratio_cpu']:.2f} "
              f"CPU; {r['ratio_nogc_cpu']:.2f} vs bare without gc); machine "
              f"{r['machine_cpu_s']:.2f} s CPU; peak RSS {r['peak_rss_mb']:.0f} MB", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

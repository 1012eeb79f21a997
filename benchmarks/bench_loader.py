"""Benchmark of the scenario loader (not a test: prints figures).

Usage: `python benchmarks/bench_loader.py [--repeat 5]`

- load + validate of the shared example and of generated 100- and 1,000-scene scenarios
  (`bench_simulate.generate`), median of `--repeat` runs, split into YAML reading,
  structuring and validation;
- refusing the billion-laughs alias bomb and a self-referencing alias: time and peak memory
  (tracemalloc), which must stay far below a second and a few MB.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_simulate import generate  # noqa: E402

from game.scenario import yamlsafe  # noqa: E402
from game.scenario.loader import load_scenario_bytes_with_problems  # noqa: E402
from game.scenario.structure import structure  # noqa: E402
from game.scenario.validate import validate  # noqa: E402

# The 342-byte billion laughs, as kept with the invalid test files.
BOMB = (ROOT / "tests" / "data" / "invalid" / "yaml-alias-bomb.yaml").read_bytes()


def median_ms(fn, repeat: int) -> float:
    """Median wall time of `fn()` in milliseconds."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def stages(data: bytes, repeat: int) -> tuple[float, float, float, float]:
    """Median ms of read, structure, validate and the whole load."""
    doc = yamlsafe.read_yaml(data)
    result = structure(doc.data, doc.sources)
    read = median_ms(lambda: yamlsafe.read_yaml(data), repeat)
    struct = median_ms(lambda: structure(doc.data, doc.sources), repeat)
    check = median_ms(lambda: validate(result.scenario, declared=result.declared,
                                       spots=doc.spots), repeat)
    whole = median_ms(lambda: load_scenario_bytes_with_problems(data), repeat)
    return read, struct, check, whole


def refuse(data: bytes) -> tuple[float, float, list[str]]:
    """Time (ms) and peak memory (MB) of loading `data`, and the problem codes."""
    tracemalloc.start()
    start = time.perf_counter()
    _, problems = load_scenario_bytes_with_problems(data)
    elapsed = (time.perf_counter() - start) * 1000
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return elapsed, peak / 1e6, [p.code for p in problems]


def main() -> None:
    """Print one table of figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    cases = {
        "keukentafel.yaml": (ROOT / "tests" / "data" / "valid" / "keukentafel.yaml").read_bytes(),
        "generated 100 scenes": generate(100).encode(),
        "generated 1,000 scenes": generate(1000).encode(),
    }
    print(f"{'file':26} {'KB':>7} {'read':>9} {'struct':>9} {'validate':>9} {'load':>9}")
    for name, data in cases.items():
        read, struct, check, whole = stages(data, args.repeat)
        print(f"{name:26} {len(data) / 1024:7.1f} {read:7.1f}ms {struct:7.1f}ms "
              f"{check:7.1f}ms {whole:7.1f}ms")
    print()
    for name, data in (("billion laughs", BOMB), ("self alias", b"a: &x [1, *x]\n")):
        elapsed, peak, codes = refuse(data)
        print(f"{name:26} refused in {elapsed:6.1f} ms, peak {peak:5.1f} MB, {codes}")


if __name__ == "__main__":
    main()

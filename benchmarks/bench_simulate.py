"""Benchmark of `samenspel simulate` and of the best-reachable maxima (not a test: prints figures).

Usage: `python benchmarks/bench_simulate.py [--runs 10000] [--repeat 3] [--scenes 30]`

- simulate: `--runs` random playthroughs of a generated `--scenes`-scene scenario (three roles,
  single decisions, team votes, consensus pairs, advice, a sensitive card, guards, conditional
  and weighted routes, a timer and a back edge every few scenes), once with one process and
  once with the default number of processes; the median of `--repeat` timings each;
- where a playthrough spends its time (Session construction, play, scoring at the end);
- maxima: every bundled scenario, and a generated 1,000-scene scenario.

`generate(n, seed)` is importable (tests use it for the 1,000-scene maximum).
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def generate(n_scenes: int, seed: int = 1) -> str:
    """The YAML text of a generated scenario with `n_scenes` scenes that plays to an ending.

    Scene i leads forward to i+1..i+3 (past the last scene: an ending); every 7th scene also
    has a way back two scenes, so the graph has cycles; a playthrough enters about n/2 scenes.
    """
    rng = random.Random(seed)
    roles = ("jp", "lk", "vp")
    lines = [
        "format: 1", f"id: gegenereerd_{n_scenes}", f"title: Gegenereerd ({n_scenes} scènes)",
        "roles:",
        "  jp: {name: Jeugdprofessional, academy: sociale_studies, briefing: Coach.}",
        "  lk: {name: Leerkracht, academy: pabo, briefing: Juf.}",
        "  vp: {name: Verpleegkundige, academy: gezondheidszorg, briefing: GGD.}",
        "info:",
        "  dagboek: {owner: vp, title: Dagboek, text: Slaapt slecht., sensitive: true,",
        "            consent: toestemming, on_share: {score: {info: 2}},",
        "            on_breach: {score: {info: -3}, add: {vertrouwen: -10}}}",
        "  observatie: {owner: lk, title: Observatie, text: Moe op maandag.}",
        "  opa: {title: Opa, text: Opa helpt.}",
        "variables:",
        "  vertrouwen: {initial: 50, min: 0, max: 100}",
        "  budget: {initial: 10000, min: 0}",
        "  toestemming: false",
        "scores:",
        "  regie: {label: Regie}",
        "  info: {label: Informatie}",
        "  netwerk: {label: Netwerk}",
        "start: s0",
        "scenes:",
    ]

    def target(j: int) -> str:
        if j < n_scenes:
            return f"s{j}"
        return ("goed", "half", "mis")[j % 3]

    for i in range(n_scenes):
        lines.append(f"  s{i}:")
        lines.append(f"    text: Scène {i}. Vertrouwen {{vertrouwen}}.")
        kind = i % 6
        if kind in (1, 4):
            lines += ["    actor: team", "    decision: vote", "    tiebreak: jp"]
        elif kind == 3:
            lines += ["    actor: [jp, lk]", "    decision: consensus"]
        else:
            lines.append(f"    actor: {roles[i % 3]}")
        if i % 3 == 0:
            lines.append(f"    advice: {{{roles[(i + 1) % 3]}: Denk mee.}}")
        if i % 10 == 5:
            lines += ["    timer: 120", f"    on_timeout: {target(i + 2)}"]
        if i % 4 == 2:
            lines.append("    on_enter: {add: {budget: -200}, score: {netwerk: 1}}")
        lines.append("    choices:")
        step = rng.randint(1, 2)
        lines += [
            "      - text: Vraag door",
            f"        add: {{vertrouwen: {rng.choice((5, 10))}}}",
            f"        score: {{regie: {rng.randint(1, 3)}}}",
            f"        goto: {target(i + step)}",
            "      - text: Vraag toestemming",
            "        set: {toestemming: true}",
            "        score: {info: 1}",
            "        learn: {jp: [opa]}",
            f"        goto: {target(i + step + 1)}",
            "      - text: Zet hulp in",
            "        if: budget >= 1000 and vertrouwen >= 40",
            "        add: {budget: -1500, vertrouwen: -5}",
            "        score: {netwerk: 2}",
            "        goto:",
            f"          - {{to: {target(i + 3)}, if: shared(dagboek) and toestemming}}",
            f"          - {{to: {target(i + 2)}, weight: 2}}",
            f"          - {{to: {target(i + 1)}, weight: 1}}",
        ]
        if i % 7 == 6:
            lines += [
                "      - text: Nog een keer",
                "        score: {regie: 1}",
                f"        goto: s{i - 2}",
            ]
    lines += [
        "endings:",
        "  goed: {title: Goed, text: Goed., outcome: good}",
        "  half: {title: Half, text: Half., outcome: mixed}",
        "  mis: {title: Mis, text: Mis., outcome: bad}",
    ]
    return "\n".join(lines) + "\n"


def _timed(fn, repeat: int) -> tuple[float, list[float]]:
    """Median and all wall-clock timings (seconds) of `repeat` calls."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), times


def _cpu_seconds() -> float:
    """CPU seconds used so far by this process and its finished child processes."""
    import resource

    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--scenes", type=int, default=30)
    parser.add_argument("--jobs", default="1,auto",
                        help="comma-separated process counts to time; auto = the default")
    args = parser.parse_args(argv)

    from game import scoring
    from game.authoring import simulate as sim
    from game.engine.session import Session
    from game.scenario.loader import load_scenario, load_scenario_text

    scenario = load_scenario_text(generate(args.scenes), path=f"<generated {args.scenes}>")
    probe = sim.simulate(scenario, runs=200, seed=1, jobs=1)
    print(f"scenario: {args.scenes} scenes, mean {probe['length']['mean_scenes']} scenes and "
          f"{probe['length']['mean_decisions']} decisions per playthrough, ok={probe['ok']}")

    import os

    print(f"load average before: {', '.join(f'{x:.2f}' for x in os.getloadavg())}; "
          f"{os.cpu_count()} CPUs")
    modes = []
    for item in args.jobs.split(","):
        n = sim.default_jobs(args.runs) if item == "auto" else int(item)
        modes.append((f"{n} process{'es' if n > 1 else ''}", n))
    for label, n_jobs in modes:
        cpu_before = _cpu_seconds()
        median, times = _timed(
            lambda n_jobs=n_jobs: sim.simulate(scenario, runs=args.runs, seed=1, jobs=n_jobs),
            args.repeat)
        cpu = (_cpu_seconds() - cpu_before) / (args.repeat * args.runs)
        print(f"simulate {args.runs} runs, {label}: wall median {median:.2f} s "
              f"({', '.join(f'{t:.2f}' for t in times)}); CPU {1000 * cpu:.3f} ms/run")
    print(f"load average after: {', '.join(f'{x:.2f}' for x in os.getloadavg())}")

    # where one playthrough spends its time
    n = 1000
    start = time.perf_counter()
    for i in range(n):
        Session(scenario, log=None, seed=i)
    build = (time.perf_counter() - start) / n
    start = time.perf_counter()
    sim.simulate(scenario, runs=n, seed=2, jobs=1)
    per_run = (time.perf_counter() - start) / n
    # the longest event list of a few random runs, scored as the session does at its end
    captured: list = []
    original = sim._Tally.add_events

    def capture(self, evs):
        captured.append(list(evs))
        return original(self, evs)

    sim._Tally.add_events = capture
    try:
        sim.simulate(scenario, runs=20, seed=3, jobs=1)
    finally:
        sim._Tally.add_events = original
    events = max(captured, key=len)
    start = time.perf_counter()
    for _ in range(n):
        evs = list(events)
        scoring.scores(evs, scenario)
        scoring.metrics(evs, scenario)
    score_time = (time.perf_counter() - start) / n
    print(f"per playthrough: {1000 * per_run:.3f} ms in all; Session() construction "
          f"{1000 * build:.3f} ms ({100 * build / per_run:.0f}%); scores+metrics of a "
          f"{len(events)}-event log {1000 * score_time:.3f} ms ({100 * score_time / per_run:.0f}%)")

    for path in sorted((ROOT / "scenarios").glob("*.yaml")):
        bundled = load_scenario(path)
        median, _ = _timed(
            lambda bundled=bundled: (bundled.derived.clear(), scoring.maxima(bundled)), 5
        )
        print(f"maxima {path.name} ({len(bundled.scenes)} scenes): {1000 * median:.1f} ms")
    big = load_scenario_text(generate(1000), path="<generated 1000>")
    median, _ = _timed(lambda: (big.derived.clear(), scoring.maxima_details(big)), 3)
    approx = any(d["approximate"] for d in scoring.maxima_details(big).values())
    print(f"maxima generated 1000 scenes: {median:.2f} s (approximate={approx})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""`make bench`: every performance figure of Samenspel measured in one run, printed as one table.

Usage: `python benchmarks/run.py [--quick] [--json OUT.json]`

Each figure is measured in its own child process (so that its peak resident memory, read
with `os.wait4`, is its own), one after the other in the same run, so the figures share the
machine's state and can be read side by side:

- load of generated 1,000-, 5,000- and 20,000-scene scenarios (`bench_load.py`): parse +
  validate + build the machine, its ratio to a bare `yaml.load(..., CSafeLoader)` of the same
  bytes, and the 20k/5k time ratio (linear growth is 4); peak memory of one load of each size;
- `choose()` without a log, its ratio to a bare reference interpreter, and with the fsynced
  log (`bench_choose.py`);
- `Session()` at 25 and 20,000 scenes and their ratio (`bench_session.py`);
- simulate throughput (the scenario of `bench_simulate.py`, one process);
- play-screen frame p95 and start-up to the first frame (`bench_window.py`);
- class report over 30 logs (`bench_debrief.py`);
- class play on loopback (`bench_klas.py`): 10 teams (51 WebSocket clients, with a garbage
  sender and a flooder cut off during the run) and 40 teams (201 clients), one move per team
  per second: move-to-every-screen latency p50/p95/p99, server CPU and peak memory.

The other engineers' scripts are imported, not copied: the child processes call their
functions. Times are medians of repeated runs; CPU time is given beside wall time where the
machine's load makes wall time mostly a measure of waiting for a core. `--quick` uses fewer
repeats and smaller runs (about a minute on a quiet 2-core machine); the full run takes two
to three minutes there, five to six when other test suites share the machine.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "benchmarks"

# Child programs. Each prints one JSON object as its last line of output.
SIMULATE = """
import json, sys, time
sys.path[:0] = [{root!r}, {bench!r}]
from bench_simulate import generate
from game.authoring import simulate as sim
from game.scenario.loader import load_scenario_text
scenario = load_scenario_text(generate(30), path="<generated 30>")
sim.simulate(scenario, runs=50, seed=9, jobs=1)  # warm-up
walls, cpus = [], []
for r in range({repeat}):
    w, c = time.perf_counter(), time.process_time()
    sim.simulate(scenario, runs={runs}, seed=1 + r, jobs=1)
    walls.append(time.perf_counter() - w)
    cpus.append(time.process_time() - c)
walls.sort(); cpus.sort()
print(json.dumps({{"runs": {runs}, "wall_s": walls[len(walls) // 2],
                  "cpu_s": cpus[len(cpus) // 2]}}))
"""

WINDOW = """
import json, statistics, sys
sys.path[:0] = [{root!r}, {bench!r}]
import bench_window as bw
frames, cpu = bw.frame_times(frames={frames})
starts = bw.first_frame_seconds(runs={starts})
print(json.dumps({{"frame_p95_ms": bw.percentile(frames, 95),
                  "frame_cpu_p95_ms": bw.percentile(cpu, 95),
                  "frame_median_ms": statistics.median(frames),
                  "first_frame_s": statistics.median(starts)}}))
"""

DEBRIEF = """
import contextlib, io, json, statistics, sys, tempfile, time
from pathlib import Path
sys.path[:0] = [{root!r}, {bench!r}]
import bench_debrief as bd
from game.cli import main as cli
from game.scenario.loader import load_scenario
with tempfile.TemporaryDirectory() as tmp:
    folder = Path(tmp)
    (folder / "scenario.yaml").write_text(bd.generate(30), encoding="utf-8")
    scenario = load_scenario(folder / "scenario.yaml")
    logs = [folder / f"team{{i:02d}}.jsonl" for i in range(30)]
    events = sum(bd.play(scenario, p, seed) for seed, p in enumerate(logs, start=1))
    args = ["debrief", *map(str, logs), "-o", str(folder / "klas.html")]
    def report():
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            assert cli(args) == 0
    report()  # warm-up: imports, matplotlib's font cache
    walls, cpus = [], []
    for _ in range({repeat}):
        w, c = time.perf_counter(), time.process_time()
        report()
        walls.append(time.perf_counter() - w)
        cpus.append(time.process_time() - c)
print(json.dumps({{"events": events, "wall_s": statistics.median(walls),
                  "cpu_s": statistics.median(cpus)}}))
"""


def run_child(args: list[str]) -> tuple[dict, float]:
    """Run a child Python process; (its last JSON line, its peak resident memory in MB).

    The child is reaped with `os.wait4`, which gives that child's own peak resident memory
    (`getrusage(RUSAGE_CHILDREN)` would only give the largest child so far).
    """
    env = dict(os.environ, SDL_VIDEODRIVER="dummy", SDL_AUDIODRIVER="dummy",
               PYGAME_HIDE_SUPPORT_PROMPT="1")
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        proc = subprocess.Popen([sys.executable, *args], cwd=ROOT, env=env, text=True,
                                stdout=out, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)  # reaped here, not by Popen
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    if proc.returncode != 0:
        raise RuntimeError(f"{args[:2]} failed ({proc.returncode}):\n{stderr[-2000:]}")
    kib = usage.ru_maxrss
    peak = kib * 1024 / 1e6 if sys.platform != "darwin" else kib / 1e6
    last = [line for line in stdout.splitlines() if line.startswith("{")][-1]
    return json.loads(last), peak


def main(argv: list[str] | None = None) -> int:
    """Measure everything and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats, smaller runs")
    parser.add_argument("--json", type=Path, help="also write every figure to this file")
    args = parser.parse_args(argv)
    quick = args.quick
    started = time.monotonic()
    load_before = os.getloadavg()
    rows: list[tuple[str, str, str, bool | None]] = []
    figures: dict = {"quick": quick, "cpus": os.cpu_count(), "load_before": load_before}

    def say(text: str) -> None:
        print(f"  [{time.monotonic() - started:5.0f} s] {text}", file=sys.stderr, flush=True)

    # --- load, each size in its own process
    repeat = 3 if quick else 5
    loads = {}
    for n in (1000, 5000, 20000):
        say(f"load {n} scenes")
        # The bare parse with the collector on takes ~30 s of wall time at 20k on a busy box
        reps = repeat if n < 20000 else (1 if quick else 3)
        loads[n], _ = run_child(["benchmarks/bench_load.py", "--scenes", str(n), "--repeat",
                                 str(reps), "--json"])
        _, loads[n]["peak_mb"] = run_child(["benchmarks/bench_load.py", "--scenes", str(n),
                                            "--memory", "--json"])
    figures["load"] = loads
    for n, r in loads.items():
        rows.append((f"load {n:,} scenes (parse+validate+machine), wall / CPU",
                     f"{r['load_wall_s']:.2f} s / {r['load_cpu_s']:.2f} s",
                     "≤ 2 s" if n == 5000 else "", r["load_wall_s"] <= 2 if n == 5000 else None))
        rows.append((f"  ÷ bare yaml.load CSafeLoader ({r['bare_wall_s']:.2f} s wall)",
                     f"{r['ratio_wall']:.2f}× wall, {r['ratio_cpu']:.2f}× CPU "
                     f"({r['ratio_nogc_cpu']:.2f}× vs bare w/o gc)",
                     "≤ 3×" if n == 5000 else "",
                     max(r["ratio_cpu"], r["ratio_nogc_cpu"]) <= 3 if n == 5000 else None))
        big = n == 20000
        rows.append((f"  peak memory, one load of {n:,} scenes", f"{r['peak_mb']:.0f} MB",
                     "≤ 500 MB" if big else "", r["peak_mb"] <= 500 if big else None))
    growth_wall = loads[20000]["load_wall_s"] / loads[5000]["load_wall_s"]
    growth_cpu = loads[20000]["load_cpu_s"] / loads[5000]["load_cpu_s"]
    figures["growth_20k_5k"] = {"wall": growth_wall, "cpu": growth_cpu}
    rows.append(("load 20k ÷ 5k (linear = 4)", f"{growth_wall:.2f} wall, {growth_cpu:.2f} CPU",
                 "≤ 4.5", growth_cpu <= 4.5))

    # --- choose
    say("choose()")
    choose, peak = run_child(["benchmarks/bench_choose.py", "--repeat", str(repeat),
                              "--sessions", "10" if quick else "20", "--json"])
    choose["peak_mb"] = peak
    figures["choose"] = choose
    rows.append(("choose() without log, median call", f"{choose['engine_us']:.1f} µs",
                 "≤ 50 µs", choose["engine_us"] <= 50))
    rows.append(("  ÷ bare reference interpreter", f"{choose['ratio']:.2f}× "
                 f"({choose['reference_us']:.2f} µs)", "≤ 5×", choose["ratio"] <= 5))
    rows.append(("choose() with fsynced log, median call", f"{choose['logged_us'] / 1000:.2f} ms",
                 "", None))
    rows.append(("  peak memory (1,000-scene scenario)", f"{peak:.0f} MB", "", None))

    # --- session start
    say("Session()")
    starts, _ = run_child(["benchmarks/bench_session.py", "--scenes", "25", "20000",
                           "--starts", "100" if quick else "300", "--json"])
    figures["session_start"] = starts
    small, big = starts["25"]["median_us"], starts["20000"]["median_us"]
    rows.append(("Session() at 20,000 scenes, median start", f"{big:.0f} µs", "≤ 1 ms",
                 big <= 1000))
    rows.append((f"  ÷ Session() at 25 scenes ({small:.0f} µs)", f"{big / small:.2f}×",
                 "≈ 1× (≤ 2×)", big / small <= 2))

    # --- simulate
    runs = 500 if quick else 2000
    say(f"simulate {runs} runs")
    simulated, peak = run_child(["-c", SIMULATE.format(root=str(ROOT), bench=str(BENCH),
                                                       runs=runs, repeat=repeat)])
    simulated["peak_mb"] = peak
    figures["simulate"] = simulated
    rate = runs / simulated["wall_s"]
    per_run = simulated["cpu_s"] / runs
    rows.append((f"simulate, 30 scenes, 1 process ({runs} runs)",
                 f"{rate:,.0f} runs/s wall, {1000 * per_run:.2f} ms CPU/run", "", None))
    cores = min(8, os.cpu_count() or 1)  # simulate's default from 2,000 runs: one per core
    rows.append((f"  10,000 runs on {cores} cores (CPU time ÷ cores)",
                 f"≈ {10_000 * per_run / cores:.1f} s", "≤ 10 s",
                 10_000 * per_run / cores <= 10))
    rows.append(("  peak memory", f"{peak:.0f} MB", "", None))

    # --- window
    say("window")
    window, peak = run_child(["-c", WINDOW.format(root=str(ROOT), bench=str(BENCH),
                                                  frames=200 if quick else 400,
                                                  starts=3 if quick else 5)])
    window["peak_mb"] = peak
    figures["window"] = window
    rows.append(("play-screen frame p95, wall / CPU",
                 f"{window['frame_p95_ms']:.2f} / {window['frame_cpu_p95_ms']:.2f} ms",
                 "< 8 ms", window["frame_cpu_p95_ms"] < 8))
    rows.append(("start to first frame (median)", f"{window['first_frame_s']:.2f} s", "< 1.5 s",
                 window["first_frame_s"] < 1.5))
    rows.append(("  peak memory (play screen)", f"{peak:.0f} MB", "", None))

    # --- debrief
    say("debrief")
    debrief, peak = run_child(["-c", DEBRIEF.format(root=str(ROOT), bench=str(BENCH),
                                                    repeat=repeat)])
    debrief["peak_mb"] = peak
    figures["debrief"] = debrief
    rows.append(("class report, 30 logs of 30 scenes (in-process)",
                 f"{debrief['wall_s']:.2f} s wall, {debrief['cpu_s']:.2f} s CPU", "≤ 5 s",
                 debrief["wall_s"] <= 5))
    rows.append(("  peak memory", f"{peak:.0f} MB", "", None))

    # --- class play
    say("klas: 10 and 40 teams on loopback")
    klas, _ = run_child(["benchmarks/bench_klas.py", "--teams", "10", "40", "--flood",
                         "--seconds", "10" if quick else "20", "--json"])
    figures["klas"] = klas
    for n, r in klas.items():
        big = r["clients"] >= 200
        rows.append((f"klas {n} teams, {r['clients']} clients, {r['moves_per_s']:.0f} moves/s: "
                     "move to every screen p50 / p95 / p99",
                     f"{r['p50_ms']:.1f} / {r['p95_ms']:.1f} / {r['p99_ms']:.1f} ms",
                     "p95 ≤ 50 ms" if big else "", r["p95_ms"] <= 50 if big else None))
        rows.append(("  server CPU (share of one core), peak memory",
                     f"{100 * r['server_cpu_share']:.0f} %, {r['server_peak_mb']:.0f} MB",
                     "", None))
        if "flood" in r:
            ok = r["garbage"]["close_code"] == 1008 and r["flood"]["close_code"] == 1008
            rows.append(("  garbage sender and flooder cut off (close 1008)",
                         f"{r['garbage']['close_code']} / {r['flood']['close_code']}",
                         "1008", ok))

    # --- scoring
    say("scoring: end of session")
    ended, _ = run_child(["benchmarks/bench_scoring.py", "session"])
    figures["scoring_session"] = ended
    rows.append(("end-of-session scoring, slowest bundled case (maxima cached)",
                 f"{ended['max_ms']:.2f} ms", "≤ 20 ms", ended["max_ms"] <= 20))
    say("scoring: maxima of 1,000 scenes")
    maxima, peak = run_child(["benchmarks/bench_scoring.py", "maxima", "--scenes", "1000"])
    maxima["peak_mb"] = peak
    figures["scoring_maxima"] = maxima
    rows.append(("maxima of a generated 1,000-scene case, wall / CPU",
                 f"{maxima['wall_s']:.2f} s / {maxima['cpu_s']:.2f} s"
                 f" ({'exact' if maxima['exact'] else 'upper bound'})", "≤ 2 s",
                 maxima["wall_s"] <= 2))
    rows.append(("  peak memory", f"{peak:.0f} MB", "≤ 300 MB", peak <= 300))
    sim_runs = 200 if quick else 1000
    say(f"scoring: simulate {sim_runs} runs of 1,000 scenes, with and without scoring")
    both, _ = run_child(["benchmarks/bench_scoring.py", "simulate", "--scenes", "1000",
                         "--runs", str(sim_runs)])
    figures["scoring_simulate"] = both
    rows.append((f"simulate --runs {sim_runs}, 1,000 scenes ÷ scoring off",
                 f"{both['ratio']:.2f}× ({both['with_s']:.1f} s / {both['without_s']:.1f} s)",
                 "≤ 2×", both["ratio"] <= 2))
    say("scoring: 5,000 scenes")
    large, peak = run_child(["benchmarks/bench_scoring.py", "large", "--scenes", "5000"])
    large["peak_mb"] = peak
    figures["scoring_large"] = large
    rows.append(("5,000-scene case: one play to its ending / 20 simulated runs",
                 f"{large['play_s']:.1f} s / {large['simulate_s']:.1f} s", "plays, simulates",
                 large["ended"] and large["simulate_ok"]))

    figures["load_after"] = os.getloadavg()
    figures["seconds"] = time.monotonic() - started
    width = max(len(r[0]) for r in rows)
    vwidth = max(len(r[1]) for r in rows)
    print(f"Samenspel benchmarks ({'quick' if quick else 'full'}); {os.cpu_count()} CPUs, "
          f"load average {load_before[0]:.1f} before, {figures['load_after'][0]:.1f} after; "
          f"{figures['seconds']:.0f} s")
    print(f"{'figure':{width}}  {'measured':{vwidth}}  {'target':16}  ok")
    print("-" * (width + vwidth + 24))
    for name, value, target, ok in rows:
        mark = "" if ok is None else ("yes" if ok else "NO")
        print(f"{name:{width}}  {value:{vwidth}}  {target:16}  {mark}")
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

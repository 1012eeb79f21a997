"""Benchmark of `samenspel debrief` (not a test: prints figures).

Usage: `python benchmarks/bench_debrief.py [--logs 30] [--scenes 30] [--repeat 5]`

Generates a `--scenes`-scene scenario (a chain in which every scene is entered once: single
decisions, team votes, consensus pairs, advice, a sensitive and an open card), plays `--logs`
seeded random sessions through the real engine (random consults, shares and votes) into log
files, then times, each the median of `--repeat` runs:

- the class report in-process: read all logs, check, find the scenario, score every team,
  render the HTML (the `debrief` command's work without interpreter start-up);
- the same with `--csv` and `--xapi` as well;
- the whole command in a fresh process (`python -m game debrief ...`), start-up included;
- one team report.
"""

from __future__ import annotations

import argparse
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def generate(n_scenes: int) -> str:
    """YAML of a chain scenario: scene i leads to i+1 whatever is chosen; the last to an ending."""
    lines = [
        "format: 1", f"id: debrief_bench_{n_scenes}", f"title: Debrief-benchmark ({n_scenes})",
        "learning_goals: [Samen beslissen, Informatie delen met toestemming]",
        "roles:",
        "  jp: {name: Jeugdprofessional, academy: sociale_studies, briefing: Coach.}",
        "  lk: {name: Leerkracht, academy: pabo, briefing: Juf.}",
        "  vp: {name: Verpleegkundige, academy: gezondheidszorg, briefing: GGD.}",
        "  ju: {name: Jurist, academy: recht, briefing: Jurist.}",
        "info:",
        "  dagboek: {owner: vp, title: Dagboek, text: Slaapt slecht., sensitive: true,",
        "            consent: toestemming, on_share: {score: {info: 2}},",
        "            on_breach: {score: {info: -3}, add: {vertrouwen: -10}}}",
        "  observatie: {owner: lk, title: Observatie, text: Moe op maandag.}",
        "variables:",
        "  vertrouwen: {initial: 50, min: 0, max: 100, label: Vertrouwen, show: true}",
        "  toestemming: false",
        "scores:",
        "  regie: {label: Regie bij het gezin}",
        "  info: {label: Informatie delen}",
        "  netwerk: {label: Netwerk}",
        "start: s0",
        "scenes:",
    ]
    roles = ("jp", "lk", "vp", "ju")
    for i in range(n_scenes):
        nxt = f"s{i + 1}" if i + 1 < n_scenes else "einde_goed"
        alt = f"s{i + 1}" if i + 1 < n_scenes else "einde_mis"
        lines += [f"  s{i}:", f"    title: Scène {i}",
                  f"    text: Scène {i}. Vertrouwen {{vertrouwen}}."]
        kind = i % 4
        if kind == 1:
            lines += ["    actor: team", "    decision: vote"]
        elif kind == 3:
            lines += ["    actor: [jp, lk]", "    decision: consensus"]
        else:
            lines.append(f"    actor: {roles[i % 4]}")
        if i % 2 == 0:
            lines.append(f"    advice: {{{roles[(i + 1) % 4]}: Denk mee.}}")
        lines += [
            "    choices:",
            "      - id: a",
            "        text: Vraag door",
            "        add: {vertrouwen: 5}",
            "        score: {regie: 2}",
            *(["        set: {toestemming: true}"] if i == 2 else []),
            f"        goto: {nxt}",
            "      - id: b",
            "        text: Beslis zelf",
            "        add: {vertrouwen: -5}",
            "        score: {netwerk: 1}",
            f"        goto: {alt}",
        ]
    lines += [
        "endings:",
        "  einde_goed: {title: Goed, text: Het lukt., outcome: good, questions: [Wat hielp?]}",
        "  einde_mis: {title: Mis, text: Het lukt niet., outcome: bad, questions: [Wat miste?]}",
        "debrief: {questions: [Wie had de regie?]}",
    ]
    return "\n".join(lines) + "\n"


def play(scenario, path: Path, seed: int) -> int:
    """One random session into `path`; returns its number of events."""
    from game.engine.session import Session

    rng = random.Random(seed)
    now = [0.0]
    players = {r: f"Speler{seed}_{r}" for r in scenario.roles}
    s = Session(scenario, players=players, log=path, seed=seed, clock=lambda: now[0])
    roles = list(scenario.roles)
    while not s.finished:
        now[0] += rng.uniform(3, 40)
        role = rng.choice(roles)
        roll = rng.random()
        if roll < 0.15:
            s.consult(role, rng.choice([r for r in roles if r != role]))
        elif roll < 0.22 and s.cards(role):
            card = rng.choice(s.cards(role)).id
            s.share(role, card, rng.choice(["team", *[r for r in roles if r != role]]))
        else:
            if s.scene is not None and s.scene.is_narration:
                s.proceed()
                continue
            able = [r for r in s.waiting_for() if s.options(r)]
            if not able:  # nobody can choose: only the timer moves this scene on
                now[0] += (s.time_left() or 0) + 1
                if not s.tick():
                    raise RuntimeError(f"stalled in {s.scene_id}")
                continue
            actor = rng.choice(able)
            s.choose(actor, rng.choice(s.options(actor)).id)
    s.close()
    return len(s.events)


def timed(fn, repeat: int) -> float:
    """Median wall time of `repeat` calls, in seconds."""
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main() -> None:
    """Generate, play, time, print."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--logs", type=int, default=30)
    parser.add_argument("--scenes", type=int, default=30)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    import contextlib
    import io

    from game.cli import main as cli
    from game.export.logs import find_scenario, read_team_log, read_team_logs
    from game.export.report import write_report
    from game.scenario.loader import load_scenario

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "scenario.yaml").write_text(generate(args.scenes), encoding="utf-8")
        scenario = load_scenario(folder / "scenario.yaml")
        logs = [folder / f"team{i:02d}.jsonl" for i in range(args.logs)]
        events = sum(play(scenario, p, seed) for seed, p in enumerate(logs, start=1))
        paths = [str(p) for p in logs]
        out = str(folder / "klas.html")
        print(f"{args.logs} logs of a {args.scenes}-scene scenario, {events} events in all")

        def in_process():
            with contextlib.redirect_stdout(io.StringIO()):
                assert cli(["debrief", *paths, "-o", out]) == 0

        def with_exports():
            with contextlib.redirect_stdout(io.StringIO()):
                assert cli(["debrief", *paths, "-o", out, "--csv", str(folder / "k.csv"),
                            "--xapi", str(folder / "k.json"),
                            "--xapi-home", "https://school.example.nl/"]) == 0

        def fresh_process():
            subprocess.run([sys.executable, "-m", "game", "debrief", *paths, "-o", out],
                           check=True, capture_output=True, cwd=ROOT)

        def one_team():
            team = read_team_log(paths[0])
            write_report(team, folder / "team.html", find_scenario(team))

        in_process()  # warm-up: imports, matplotlib font cache
        print(f"class report, in-process:            {timed(in_process, args.repeat):.2f} s")
        print(f"class report + CSV + xAPI, in-process: {timed(with_exports, args.repeat):.2f} s")
        print(f"class report, fresh process:         {timed(fresh_process, args.repeat):.2f} s")
        print(f"one team report, in-process:          {timed(one_team, args.repeat):.2f} s")
        t0 = time.perf_counter()
        read_team_logs(paths)
        print(f"reading the {args.logs} logs alone:          {time.perf_counter() - t0:.2f} s")
        (ROOT / "benchmarks" / "generated").mkdir(exist_ok=True)
        keep = ROOT / "benchmarks" / "generated" / "debrief_class.html"  # to look at it
        keep.write_bytes(Path(out).read_bytes())


if __name__ == "__main__":
    main()

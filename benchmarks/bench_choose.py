"""Benchmark of `Session.choose()`: its cost per call, beside a bare reference interpreter.

Usage: `python benchmarks/bench_choose.py [--scenes 1000] [--sessions 20] [--repeat 5] [--json]`

A generated scenario (`benchmarks/generate.py`, seed 1, single decisions only so that every
call is a whole decision: guard check, effects, feedback, event, transition, scene entry) is
played `--sessions` times by a seeded player that takes a random open choice of the acting
role. Every `choose()` call is timed on its own (`perf_counter_ns`); the figure is the median
call. Three variants, interleaved round by round so they share the machine's load:

- `engine`: `Session(..., log=None)`;
- `reference`: a short loop over the *same parsed data* (`yaml.load` with `CSafeLoader`, plain
  dicts) that takes the same choices: finds the scene and choice, checks the actor and the
  choice's roles, applies `set`/`add` with clamping, adds the score, records `learn`, picks the
  route (first whose `if` the engine found true, or a seeded weighted pick), appends
  `choice_made` and `scene_entered` dicts and applies `on_enter`. It does no expression
  evaluation, no text rendering and no state machine: it is the floor any interpreter of the
  format pays, so the ratio says what the engine's safety and bookkeeping cost;
- `logged`: `Session(..., log=path)`, every event appended and fsynced (the disk's speed).

`--json` prints one JSON object (used by run.py).
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import yaml  # noqa: E402
from generate import generate  # noqa: E402

from game.engine.session import Session  # noqa: E402
from game.scenario.loader import load_scenario_text  # noqa: E402


def play_engine(
    scenario, seed: int, log: Path | None = None, limit: int | None = None
) -> tuple[list[int], list[tuple]]:
    """One session to its ending (or `limit` calls); (ns per choose call, the moves taken).

    A move is `(scene, choice or None for proceed, where the session went)`.
    """
    rng = random.Random(seed)
    session = Session(scenario, log=log, seed=seed, clock=lambda: 0.0)
    costs: list[int] = []
    taken: list[tuple] = []
    perf = time.perf_counter_ns
    while not session.finished and (limit is None or len(costs) < limit):
        scene = session.scene
        if scene.next is not None:
            session.proceed()
            taken.append((scene.id, None, session.scene_id or session.ending_id))
            continue
        role = session.waiting_for()[0]
        choice = rng.choice(session.options(role)).id
        t0 = perf()
        session.choose(role, choice)
        costs.append(perf() - t0)
        taken.append((scene.id, choice, session.scene_id or session.ending_id))
    session.close()
    return costs, taken


class Reference:
    """The bare reference interpreter over `yaml.load` output (see the module docstring)."""

    def __init__(self, data: dict, seed: int):
        self.data = data
        self.scenes = data["scenes"]
        self.spec = {k: (v if isinstance(v, dict) else {"initial": v})
                     for k, v in data.get("variables", {}).items()}
        self.variables = {k: v["initial"] for k, v in self.spec.items()}
        self.scores: dict[str, float] = {}
        self.knowledge: dict[str, set] = {r: set() for r in data["roles"]}
        self.events: list[dict] = []
        self.state = data["start"]
        self.rng = random.Random(seed)

    def _clamp(self, var, value):
        spec = self.spec[var]
        if isinstance(value, bool):
            return value
        low, high = spec.get("min"), spec.get("max")
        if low is not None and value < low:
            value = low
        if high is not None and value > high:
            value = high
        return value

    def _effects(self, effects: dict) -> dict:
        changes = {}
        for var, value in effects.get("set", {}).items():
            old = self.variables[var]
            self.variables[var] = self._clamp(var, value)
            changes[var] = [old, self.variables[var]]
        for var, delta in effects.get("add", {}).items():
            old = self.variables[var]
            self.variables[var] = self._clamp(var, old + delta)
            changes[var] = [old, self.variables[var]]
        for dim, points in effects.get("score", {}).items():
            self.scores[dim] = self.scores.get(dim, 0) + points
        return changes

    def choose(self, role: str, choice_id: str, dest: str) -> None:
        """Take a choice; `dest` is where the engine went when a route's `if` decided it."""
        scene = self.scenes[self.state]
        actor = scene["actor"]
        if role != actor and role not in actor and actor != "team":
            raise ValueError(role)
        for index, choice in enumerate(scene["choices"], start=1):
            if choice.get("id", f"c{index}") == choice_id:
                break
        else:
            raise KeyError(choice_id)
        if "roles" in choice and role not in choice["roles"]:
            raise ValueError(role)
        changes = self._effects(choice)
        for who, cards in choice.get("learn", {}).items():
            self.knowledge[who].update(cards)
        self.events.append({"seq": len(self.events), "type": "choice_made", "scene": self.state,
                            "choice": choice_id, "by": [role], "changes": changes,
                            "points": dict(choice.get("score", {}))})
        goto = choice["goto"]
        if isinstance(goto, str):
            target = goto
        elif any("if" in r for r in goto):
            target = dest  # the guard's value is the engine's; evaluating it is not the floor
        else:
            weights = [r.get("weight", 1) for r in goto]
            self.rng.choices(range(len(goto)), weights=weights)  # the draw costs what it costs
            target = dest  # but take the engine's, so both walks stay on one path
        self._enter(target)

    def proceed(self, dest: str) -> None:
        """Leave a narration scene."""
        self._enter(self.scenes[self.state]["next"])

    def _enter(self, target: str) -> None:
        self.state = target
        scene = self.scenes.get(target)
        if scene is None:
            self.events.append({"seq": len(self.events), "type": "session_ended",
                                "ending": target})
            return
        changes = self._effects(scene["on_enter"]) if "on_enter" in scene else {}
        self.events.append({"seq": len(self.events), "type": "scene_entered", "scene": target,
                            "changes": changes})


def play_reference(data: dict, seed: int, taken: list[tuple], roles: list[str]) -> list[int]:
    """The reference walk of the decisions the engine took; ns per choose call."""
    ref = Reference(data, seed)
    costs = []
    perf = time.perf_counter_ns
    for (_scene, choice, dest), role in zip(taken, roles):
        if choice is None:
            ref.proceed(dest)
            continue
        t0 = perf()
        ref.choose(role, choice, dest)
        costs.append(perf() - t0)
    return costs


def measure(scenes: int = 1000, sessions: int = 20, repeat: int = 5) -> dict:
    """Median µs per choose() call: engine, reference and logged; ratio engine ÷ reference."""
    text = generate(scenes, 1, votes=0.0)
    scenario = load_scenario_text(text, "<generated>")
    data = yaml.load(text, Loader=yaml.CSafeLoader)
    engine: list[float] = []
    reference: list[float] = []
    logged: list[float] = []
    calls = 0
    with tempfile.TemporaryDirectory() as tmp:
        for r in range(repeat):
            e_costs: list[int] = []
            ref_costs: list[int] = []
            for s in range(sessions):
                seed = r * sessions + s + 1
                costs, taken = play_engine(scenario, seed)
                e_costs += costs
                actors = [scenario.scenes[sc].actors[0] if scenario.scenes[sc].actors else ""
                          for sc, _, _ in taken]
                ref_costs += play_reference(data, seed, taken, actors)
            calls = len(e_costs)
            engine.append(statistics.median(e_costs) / 1000)
            reference.append(statistics.median(ref_costs) / 1000)
            # fsync takes milliseconds: 100 calls a round are plenty for a median
            costs, _ = play_engine(scenario, 10_000 + r, Path(tmp) / f"r{r}.jsonl", limit=100)
            logged.append(statistics.median(costs) / 1000)
    e, ref, lg = statistics.median(engine), statistics.median(reference), statistics.median(logged)
    kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {"scenes": scenes, "sessions": sessions, "repeat": repeat, "calls_per_round": calls,
            "engine_us": e, "reference_us": ref, "ratio": e / ref, "logged_us": lg,
            "engine_rounds_us": engine, "reference_rounds_us": reference,
            "peak_rss_mb": kib * 1024 / 1e6}


def main(argv: list[str] | None = None) -> int:
    """Measure and print."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenes", type=int, default=1000)
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    r = measure(args.scenes, args.sessions, args.repeat)
    if args.json:
        print(json.dumps(r))
    else:
        print(f"choose() on a {r['scenes']}-scene scenario, median of {r['repeat']} rounds of "
              f"{r['calls_per_round']} calls: engine {r['engine_us']:.1f} µs, reference "
              f"{r['reference_us']:.2f} µs (ratio {r['ratio']:.1f}), with fsynced log "
              f"{r['logged_us']:.0f} µs")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

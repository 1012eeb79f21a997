"""Automatic playthroughs of a scenario, so an author can see what a class will run into.

`simulate(scenario, runs, seed)` plays the scenario `runs` times through the real engine
(`game.engine.session.Session`, without a log) with random players: each step, a random player
may share a random card it knows with a random role or the team, a random player may consult
another, and then one of the roles the session waits for picks a random open option (votes are
random; in a consensus round after a disagreement a voter follows a vote of the previous round
with probability `FOLLOW`, which is how real teams converge). Every move takes 1–20 s of
thinking on an injected clock and the timer is checked with `tick()` before every move, as the
window does, so a slow team runs out of time; besides that, a team lets the timer of a timed
scene run out on purpose with probability `TIMEOUT_RATE`. Everything is seeded: the same scenario,
runs and seed give the same report.

`all_paths(scenario)` instead enumerates every path of a small scenario (bounded: each scene
entered at most twice on a path, at most `max_paths` paths), once for a quiet team (nobody
shares or consults) and once for an open team (on entering a scene every role shares every
card it may share without a breach, and the deciders consult every advised role).

Both return a JSON-serialisable report dict (`REPORT_KEYS`); `game.commands.simulate` prints
it. A run that raises anything is a crash; a scene where no role has an open option and no
timer can end it is a stall; both make the report not `ok`.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import random
import statistics
import traceback
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from typing import Any

from game.engine.session import Session
from game.scenario.expressions import compile_source
from game.scenario.model import TEAM, Scenario
from game.scoring import maxima_details

logger = logging.getLogger(__name__)
logger.addHandler(logging.NullHandler())

#: Probability per step that a random player shares a random card it knows.
SHARE_RATE = 0.3
#: Probability per step that a random player consults a random other role.
CONSULT_RATE = 0.3
#: Probability that a team lets the timer of a timed scene run out instead of deciding.
TIMEOUT_RATE = 0.1
#: In a consensus round after a disagreement: probability that a voter follows an earlier vote.
FOLLOW = 0.6
#: A run that makes this many moves without reaching an ending is cut (reported as endless).
MAX_MOVES = 2_000
#: Consensus rounds in one scene visit after which the scene counts as stalled.
MAX_ROUNDS = 60
#: In `all_paths`, a path is cut when a scene would be entered more often than this.
MAX_ENTRIES_PER_PATH = 2
#: From this many runs on, `simulate` spreads the runs over one process per core.
PARALLEL_MIN_RUNS = 2000

REPORT_KEYS = (
    "scenario", "mode", "runs", "seed", "endings", "endings_never_reached", "scores", "index",
    "length", "scenes_never_entered", "choices_never_taken", "guards_never_opened",
    "routes_never_taken", "stalls", "crashes", "endless", "ok",
)


class _Clock:
    """An injected clock the simulator moves forward (seconds)."""

    __slots__ = ("now",)

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


class _Tally:
    """What all runs together have shown; turned into the report at the end."""

    def __init__(self, scenario: Scenario):
        self.scenario = scenario
        self.endings: Counter[str] = Counter()
        self.scenes: Counter[str] = Counter()
        self.choices: Counter[tuple[str, str]] = Counter()
        self.opened: set[tuple[str, str]] = set()
        self.routes: set[tuple[str, str, str]] = set()
        self.points: dict[str, list[float]] = {dim: [] for dim in scenario.scores}
        self.index: list[float] = []
        self.lengths: list[int] = []
        self.decisions: list[int] = []
        self.stalls: Counter[str] = Counter()
        self.stall_runs: list[int] = []
        self.crashes: list[dict[str, Any]] = []
        self.endless: list[int] = []
        self.runs = 0

    def merge(self, other: _Tally) -> None:
        """Add another tally of later runs to this one."""
        self.endings.update(other.endings)
        self.scenes.update(other.scenes)
        self.choices.update(other.choices)
        self.opened |= other.opened
        self.routes |= other.routes
        for dim, values in other.points.items():
            self.points.setdefault(dim, []).extend(values)
        self.index.extend(other.index)
        self.lengths.extend(other.lengths)
        self.decisions.extend(other.decisions)
        self.stalls.update(other.stalls)
        self.stall_runs.extend(other.stall_runs)
        self.crashes.extend(other.crashes)
        self.endless.extend(other.endless)
        self.runs += other.runs

    def add_events(self, events: list[dict[str, Any]]) -> None:
        """Count what one finished (or stopped) run did, from its events."""
        entered = 0
        decided = 0
        pending: tuple[str, str] | None = None
        for event in events:
            kind = event["type"]
            if kind == "scene_entered":
                entered += 1
                self.scenes[event["scene"]] += 1
                if pending is not None:
                    self.routes.add((*pending, event["scene"]))
                pending = None
            elif kind == "choice_made":
                decided += 1
                pending = (event["scene"], event["choice"])
                self.choices[pending] += 1
            elif kind == "session_ended":
                self.endings[event["ending"]] += 1
                if pending is not None:
                    self.routes.add((*pending, event["ending"]))
                scores = event.get("scores")
                if scores:
                    for dim, value in scores["team"].items():
                        if dim in self.points:
                            self.points[dim].append(value["points"])
                    index = scores.get("index", {}).get("value")
                    if index is not None:
                        self.index.append(index)
            else:
                pending = None  # the choice stayed in its scene (no route held)
        self.lengths.append(entered)
        self.decisions.append(decided)

    def report(self, mode: str, seed: int | None, extra: dict[str, Any] | None = None
               ) -> dict[str, Any]:
        """The report dict (see the module docstring)."""
        scenario = self.scenario
        total = self.runs  # percent of all runs: stalled and crashed runs reach no ending
        details = maxima_details(scenario)
        scores = {}
        for dim, values in self.points.items():
            scores[dim] = {
                "min": min(values) if values else None,
                "median": _round(statistics.median(values)) if values else None,
                "max": max(values) if values else None,
                "possible_max": details[dim]["max"],
                "computed_max": details[dim]["computed"],
                "author_max": details[dim]["author"],
                "approximate": details[dim]["approximate"],
                "path_sensitive": details[dim]["path_sensitive"],
                # runs that scored above the 100% mark (a cycle walked more than twice, or an
                # author's max set too low): worth a look by the author
                "above_max": sum(1 for v in values if v > details[dim]["max"]),
            }
        never_taken = []
        never_opened = []
        routes_never = []
        for sid, scene in scenario.scenes.items():
            if not self.scenes[sid]:
                continue  # reported as a scene never entered
            for choice in scene.choices:
                if not self.choices[(sid, choice.id)]:
                    never_taken.append({"scene": sid, "choice": choice.id})
                if choice.if_ is not None and (sid, choice.id) not in self.opened:
                    never_opened.append({"scene": sid, "choice": choice.id, "if": choice.if_})
                if self.choices[(sid, choice.id)]:
                    for route in choice.goto:
                        if route.if_ is not None and (sid, choice.id, route.to) not in self.routes:
                            routes_never.append({"scene": sid, "choice": choice.id,
                                                 "to": route.to, "if": route.if_})
        report = {
            "scenario": scenario.id,
            "mode": mode,
            "runs": self.runs,
            "seed": seed,
            "endings": {
                eid: {"count": self.endings[eid], "outcome": ending.outcome,
                      "percent": round(100.0 * self.endings[eid] / total, 1) if total else 0.0}
                for eid, ending in scenario.endings.items()
            },
            "endings_never_reached": [e for e in scenario.endings if not self.endings[e]],
            "scores": scores,
            "index": {
                "min": min(self.index) if self.index else None,
                "median": _round(statistics.median(self.index)) if self.index else None,
                "max": max(self.index) if self.index else None,
            },
            "length": {
                "mean_scenes": _round(statistics.fmean(self.lengths)) if self.lengths else None,
                "mean_decisions": (_round(statistics.fmean(self.decisions))
                                   if self.decisions else None),
                "min_scenes": min(self.lengths) if self.lengths else None,
                "max_scenes": max(self.lengths) if self.lengths else None,
            },
            "scenes_never_entered": [s for s in scenario.scenes if not self.scenes[s]],
            "choices_never_taken": never_taken,
            "guards_never_opened": never_opened,
            "routes_never_taken": routes_never,
            "stalls": [{"scene": s, "count": n} for s, n in sorted(self.stalls.items())],
            "crashes": self.crashes[:20],
            "endless": self.endless[:20],
        }
        report["ok"] = not (self.stalls or self.crashes or self.endless)
        if extra:
            report.update(extra)
        return report


def _round(value: float) -> float | int:
    """One decimal; whole numbers as int."""
    value = round(float(value), 1)
    return int(value) if value.is_integer() else value


def _note_open(session: Any, tally: _Tally) -> None:
    """Remember which guarded choices of the current scene are open right now."""
    scene = session.scene
    if scene is None:
        return
    for choice in session.open_choices():
        tally.opened.add((scene.id, choice.id))


def _guarded_choices(scenario: Scenario) -> dict[str, set[tuple[str, str]]]:
    """Per scene with guarded choices, their (scene, choice) keys; once all of a scene's have
    been seen open the simulator stops probing it. Computed once per scenario."""
    return scenario.derive("simulate.guarded", _find_guarded_choices)


def _find_guarded_choices(scenario: Scenario) -> dict[str, set[tuple[str, str]]]:
    return {sid: {(sid, c.id) for c in s.choices if c.if_}
            for sid, s in scenario.scenes.items() if any(c.if_ for c in s.choices)}


def _play_random(scenario: Scenario, rng: random.Random, tally: _Tally, run: int) -> None:
    """One random playthrough; its outcome goes into the tally."""
    clock = _Clock()
    roles = list(scenario.roles)
    guarded = _guarded_choices(scenario)
    moves = 0
    session = None
    try:
        session = Session(scenario, log=None, seed=rng.randrange(2**31), clock=clock)
        while not session.finished:
            moves += 1
            if moves > MAX_MOVES:
                tally.endless.append(run)
                break
            scene = session.scene
            clock.now += rng.uniform(1.0, 20.0)  # thinking time before the next move
            timed = scene.timer is not None and scene.on_timeout is not None
            if timed and session.tick():
                continue  # too slow: the timer ran out, as the window's tick() would find
            fresh = session.events[-1]["type"] == "scene_entered"
            if timed and fresh and rng.random() < TIMEOUT_RATE:
                # decided once per visit, on entering: the team lets the time run out
                clock.now += float(scene.timer) + 1.0
                session.tick()
                continue
            if rng.random() < SHARE_RATE:
                role = rng.choice(roles)
                cards = session.cards(role)
                if cards:
                    card = rng.choice(cards).id
                    to = rng.choice([r for r in roles if r != role] + [TEAM])
                    session.share(role, card, to)
            if rng.random() < CONSULT_RATE:
                role = rng.choice(roles)
                session.consult(role, rng.choice([r for r in roles if r != role]))
            if session.finished:
                break
            if session.scene is not scene:
                continue  # a share or consult closed a round and moved the game on
            if scene.id in guarded and not guarded[scene.id] <= tally.opened:
                _note_open(session, tally)
            if scene.next is not None:
                session.proceed()
                continue
            # the first actor, in random order, with an open option: the same as a random
            # pick from waiting_for(), without evaluating every actor's guards twice
            role, options = None, []
            if session.vote_round.number <= MAX_ROUNDS:
                actors = list(scene.actors)
                rng.shuffle(actors)
                for candidate in actors:
                    options = session.options(candidate)
                    if options:
                        role = candidate
                        break
            if role is None:
                if timed:
                    clock.now += float(scene.timer) + 1.0
                    session.tick()
                    continue
                tally.stalls[scene.id] += 1
                tally.stall_runs.append(run)
                break
            pick = rng.choice(options)
            previous = session.previous_round
            if scene.decision == "consensus" and previous is not None and rng.random() < FOLLOW:
                earlier = [c for c in options if c.id in previous.votes.values()]
                if earlier:
                    pick = rng.choice(earlier)
            session.choose(role, pick.id)
    except Exception as exc:  # a crash is a finding, not the simulator's end
        where = session.scene.id if session is not None and session.scene is not None else None
        tally.crashes.append({"run": run, "scene": where, "error": f"{type(exc).__name__}: {exc}",
                              "traceback": traceback.format_exc(limit=6)})
        logger.debug("run %d crashed in %s", run, where, exc_info=True)
    tally.add_events(session.events if session is not None else [])


def _run_range(scenario: Scenario, seed: int, start: int, stop: int, keep_scenario: bool = True
               ) -> _Tally:
    """Runs `start`..`stop - 1`; run `n` is seeded from (seed, n) alone, so any split of the
    runs over processes gives the same tally."""
    tally = _Tally(scenario)
    for run in range(start, stop):
        rng = random.Random(seed * 1_000_003 + run)
        _play_random(scenario, rng, tally, run)
        tally.runs += 1
    if not keep_scenario:
        tally.scenario = None  # type: ignore[assignment]  # not sent back between processes
    return tally


_WORKER_SCENARIO: Scenario | None = None


def _init_worker(scenario: Scenario) -> None:
    """Give a worker process its scenario once, so every chunk of runs shares one object
    (and with it the engine's compiled plan and the cached maxima)."""
    global _WORKER_SCENARIO
    _WORKER_SCENARIO = scenario


def _run_worker_range(seed: int, start: int, stop: int) -> _Tally:
    """`_run_range` in a worker process, on the scenario `_init_worker` gave it."""
    assert _WORKER_SCENARIO is not None
    return _run_range(_WORKER_SCENARIO, seed, start, stop, keep_scenario=False)


def default_jobs(runs: int) -> int:
    """How many processes to use: one for small jobs, else one per core (at most 8)."""
    if runs < PARALLEL_MIN_RUNS:
        return 1
    return max(1, min(8, os.cpu_count() or 1))


def simulate(scenario: Scenario, runs: int = 1000, seed: int = 1, *, jobs: int | None = None,
             progress: Callable[[int], None] | None = None) -> dict[str, Any]:
    """Play `runs` random playthroughs and report what happened (see module docstring).

    `jobs` processes share the runs (default `default_jobs(runs)`); `progress(n)` is called
    with the number of runs done. The same scenario, runs and seed always give the same
    report, whatever the number of jobs.
    """
    jobs = default_jobs(runs) if jobs is None else max(1, jobs)
    if jobs == 1:
        tally = _Tally(scenario)
        step = max(1, runs // 100)
        for start in range(0, runs, step):
            stop = min(runs, start + step)
            tally.merge(_run_range(scenario, seed, start, stop))
            if progress is not None:
                progress(stop)
        return tally.report("random", seed)
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    chunk = max(50, runs // (jobs * 10))
    tally = _Tally(scenario)
    with ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context(method),
                             initializer=_init_worker, initargs=(scenario,)) as pool:
        futures = [pool.submit(_run_worker_range, seed, start, min(runs, start + chunk))
                   for start in range(0, runs, chunk)]
        for future in futures:  # merged in run order: the report does not depend on timing
            part = future.result()
            tally.merge(part)
            if progress is not None:
                progress(tally.runs)
    return tally.report("random", seed)


# --------------------------------------------------------------------------------- all paths


def _open_team_moves(session: Any) -> None:
    """An open team on entering a scene: share what may be shared, consult advised roles."""
    scenario = session.scenario
    scene = session.scene
    roles = list(scenario.roles)
    for role in roles:
        for card in session.cards(role):
            if all(session.knows(r, card.id) for r in roles):
                continue
            if card.sensitive and card.consent and not compile_source(card.consent)(session):
                continue  # sharing it now would be a breach
            session.share(role, card.id, TEAM)
            if session.scene is not scene or session.finished:
                return
    for advised in scene.advice:
        asker = next((a for a in scene.actors if a != advised), None)
        if asker is None:
            asker = next(r for r in roles if r != advised)
        session.consult(asker, advised)
        if session.scene is not scene or session.finished:
            return


def _branches(session: Any) -> list[tuple[str, str | None]]:
    """The moves that lead to different outcomes in the current scene."""
    scene = session.scene
    if scene.next is not None:
        return [("proceed", None)]
    moves: list[tuple[str, str | None]] = []
    for choice in session.open_choices():
        allowed = [a for a in scene.actors if choice.roles is None or a in choice.roles]
        if not allowed:
            continue
        if scene.decision == "consensus" and len(allowed) < len(scene.actors):
            continue
        moves.append(("choose", choice.id))
    if scene.timer is not None and scene.on_timeout is not None:
        moves.append(("timeout", None))
    return moves


def _apply(session: Any, clock: _Clock, move: tuple[str, str | None]) -> None:
    """Play one branch move: every actor that may votes for the choice (else its first option)."""
    kind, choice_id = move
    scene = session.scene
    if kind == "proceed":
        session.proceed()
    elif kind == "timeout":
        clock.now += float(scene.timer) + 1.0
        session.tick()
    else:
        for _ in range(MAX_ROUNDS):
            waiting = session.waiting_for()
            if session.scene is not scene or not waiting:
                return
            for role in waiting:
                if session.scene is not scene:
                    return
                options = session.options(role)
                if not options:
                    continue
                ids = [c.id for c in options]
                session.choose(role, choice_id if choice_id in ids else ids[0])
                if scene.decision == "single":
                    return


def _after_move(session: Any, policy: str, entered_before: int) -> None:
    """For an open team: share and consult again once a move entered a new scene."""
    if policy == "open" and not session.finished and any(
            e["type"] == "scene_entered" for e in session.events[entered_before:]):
        _open_team_moves(session)


def _replay(scenario: Scenario, policy: str, moves: list[tuple[str, str | None]]):
    """A fresh session with the given moves played (the enumeration rebuilds, never copies)."""
    clock = _Clock()
    session = Session(scenario, log=None, seed=1, clock=clock)
    if policy == "open":
        _open_team_moves(session)
    for move in moves:
        before = len(session.events)
        _apply(session, clock, move)
        _after_move(session, policy, before)
    return session, clock


def all_paths(scenario: Scenario, max_paths: int = 2000, *,
              progress: Callable[[int], None] | None = None) -> dict[str, Any]:
    """Enumerate every path of a small scenario, for a quiet and for an open team.

    A path ends at an ending, at a stall, or when a scene is entered a third time (then it is
    cut and counted in `cut_paths`). At most `max_paths` paths per team policy; `truncated`
    says whether that bound was reached. Weighted routes follow the engine's seeded draw
    (seed 1). The report has the same keys as `simulate`'s, with `runs` the number of paths,
    plus `cut_paths`, `truncated` and `max_paths`. Each path is played once from the start:
    the first branch of a scene continues the session in hand, the others are replayed later.
    """
    tally = _Tally(scenario)
    cut = 0
    truncated = False
    done = 0
    for policy in ("quiet", "open"):
        pending: list[list[tuple[str, str | None]]] = [[]]
        paths = 0
        while pending:
            if paths >= max_paths:
                truncated = True
                break
            moves = pending.pop()
            paths += 1
            done += 1
            try:
                session, clock = _replay(scenario, policy, moves)
                entries: Counter[str] = Counter(
                    e["scene"] for e in session.events if e["type"] == "scene_entered")
                while not session.finished:
                    scene = session.scene
                    if (entries[scene.id] > MAX_ENTRIES_PER_PATH
                            or len(moves) > 4 * len(scenario.scenes) + 10):
                        cut += 1
                        break
                    if any(c.if_ for c in scene.choices):
                        _note_open(session, tally)
                    branches = _branches(session)
                    if not branches:
                        tally.stalls[scene.id] += 1
                        tally.stall_runs.append(done)
                        break
                    for move in reversed(branches[1:]):
                        pending.append(moves + [move])
                    moves = moves + [branches[0]]
                    before = len(session.events)
                    _apply(session, clock, branches[0])
                    _after_move(session, policy, before)
                    for e in session.events[before:]:
                        if e["type"] == "scene_entered":
                            entries[e["scene"]] += 1
                    if len(session.events) == before:
                        # the move changed nothing (no route could be taken): a stall
                        tally.stalls[scene.id] += 1
                        tally.stall_runs.append(done)
                        break
            except Exception as exc:  # a crash is a finding
                tally.crashes.append({"run": done, "scene": None, "policy": policy,
                                      "moves": [list(m) for m in moves],
                                      "error": f"{type(exc).__name__}: {exc}",
                                      "traceback": traceback.format_exc(limit=6)})
                tally.runs += 1
                continue
            tally.add_events(session.events)
            tally.runs += 1
            if progress is not None:
                progress(done)
    return tally.report("all-paths", None, {"cut_paths": cut, "truncated": truncated,
                                            "max_paths": max_paths})

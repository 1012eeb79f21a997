"""The cooperation check: can a team reach a good ending without cooperating?

`check(scenario)` plays the case as fixed teams (docs/scoring.md section 8):

- **silent**: never shares, never consults, never asks consent; any choices;
- **solo ROLE** (one per role): silent, and every team decision goes that role's way;
- **random**: random choices, shares, consults and asks;
- **open**: consults every adviser, shares every card it may with the roles that need it
  (asking consent first where the family would agree), then any choices.

Per team: the endings it can reach (a breadth-first search over the abstract states of the
maxima search, `game.scoring.reach`: exhaustive within its budget, else completed by sampled
plays, and the report says which), its best cooperation index over real `Session` plays of
that team, and for silent and solo teams the shortest path to a good ending, replayed through a
real `Session` to check it. Role balance: per role, the decisions it takes alone and the ties it
breaks, statically and over the random team's plays; a role above `BALANCE_LIMIT` is a warning.

The report is a JSON-serialisable dict (`REPORT_KEYS`, the shape documented in
docs/scoring.md); `game.commands.simulate --samenwerking` prints it, `validate --strict` turns
`silent_good` into the warning `silent-team-good-ending` (`strict_problems`).
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Iterable
from typing import Any

from game.authoring.simulate import MAX_MOVES, MAX_ROUNDS, _apply, _Clock
from game.engine.session import Session
from game.scenario.messages import problem
from game.scenario.model import TEAM, Scenario, Scene
from game.scenario.problems import Problem
from game.scoring.reach import OPEN, OPEN_ANY, SILENT, Policy, Solo, find, over_reach
from game.scoring.space import StateSpace

#: A role that decides more than this share of the decisions alone (or breaks the ties) is
#: reported: the case then rests on one discipline.
BALANCE_LIMIT = 0.40
#: States the search for one ending (or a team's good path) may visit before it gives up and
#: the team's endings are only those its sampled plays reached.
STATE_BUDGET = 200_000
#: Real plays per team for the index (and for the endings when the search was not exhaustive).
RUNS = 60
#: Probability per step that the random team shares, consults, asks.
RANDOM_RATE = 0.3
#: The problem code `validate --strict` reports when the silent team can reach a good ending.
SILENT_CODE = "silent-team-good-ending"
#: The problem codes only `validate --strict` reports (through `strict_problems`).
STRICT_CODES = frozenset({SILENT_CODE})

REPORT_KEYS = ("scenario", "teams", "balance", "silent_good", "warnings")


# ------------------------------------------------------------------------------- the teams


def teams(scenario: Scenario) -> list[tuple[str, str | None, Policy]]:
    """(team, role or None, search policy) in report order: silent, solo per role, random,
    open."""
    out: list[tuple[str, str | None, Policy]] = [("silent", None, SILENT)]
    out += [("solo", role, Solo(role)) for role in scenario.roles]
    out += [("random", None, OPEN_ANY), ("open", None, OPEN)]
    return out


def _label(team: str, role: str | None) -> str:
    return team if role is None else f"{team} {role}"


# ------------------------------------------------------------------------------ real plays


def _open_moves(session: Session) -> None:
    """The open team in a scene: consult every adviser, then share every card with the roles
    that need it, asking the family's consent first where sharing would otherwise be a breach
    and the card lets the team ask."""
    scene = session.scene
    roles = list(session.scenario.roles)
    for advised in scene.advice:
        asker = next((a for a in scene.actors if a != advised), None)
        asker = asker or next((r for r in roles if r != advised), None)
        if asker is not None and not session.consulted(advised):
            session.consult(asker, advised)
            if session.scene is not scene or session.finished:
                return
    for holder in roles:
        for card in session.cards(holder):
            for role in roles:
                if role == holder or not card.needs(role) or session.knows(role, card.id):
                    continue
                if card.sensitive and not session.is_within_consent(card.id, role):
                    if not session.can_ask_consent(holder, card.id):
                        continue
                    if not session.ask_consent(holder, card.id, role):
                        continue
                session.share(holder, card.id, role)
                if session.scene is not scene or session.finished:
                    return


def _random_moves(session: Session, rng: random.Random) -> None:
    """The random team before a decision: maybe an ask and a share, maybe a consult."""
    roles = list(session.scenario.roles)
    if rng.random() < RANDOM_RATE:
        role = rng.choice(roles)
        cards = session.cards(role)
        if cards:
            card = rng.choice(cards)
            to = rng.choice([r for r in roles if r != role] + [TEAM])
            if session.can_ask_consent(role, card.id) and rng.random() < 0.5:
                session.ask_consent(role, card.id, to)
            if not session.finished:
                session.share(role, card.id, to)
    if not session.finished and rng.random() < RANDOM_RATE:
        role = rng.choice(roles)
        session.consult(role, rng.choice([r for r in roles if r != role]))


def _pick(session: Session, scene: Scene, team: str, role: str | None,
          rng: random.Random) -> str | None:
    """The choice the team makes in this scene (None: nobody has an open option)."""
    deciders = list(scene.actors)
    if team == "solo" and role in scene.actors and not (
            scene.decision == "single" and len(scene.actors) == 1):
        deciders = [role]
    rng.shuffle(deciders)
    for decider in deciders:
        options = session.options(decider)
        if options:
            return rng.choice(options).id
    return None


def play(scenario: Scenario, team: str, role: str | None, seed: int) -> Session:
    """One real play of that team (no log); the finished (or stopped) session."""
    rng = random.Random(seed)
    clock = _Clock()
    session = Session(scenario, log=None, seed=rng.randrange(2**31), clock=clock)
    entered = None
    for _ in range(MAX_MOVES):
        if session.finished:
            break
        scene = session.scene
        clock.now += 5.0
        if session.tick():
            continue
        if team == "open" and entered is not session.events[-1] \
                and session.events[-1]["type"] == "scene_entered":
            entered = session.events[-1]
            _open_moves(session)
            continue
        if team == "random":
            _random_moves(session, rng)
            if session.finished or session.scene is not scene:
                continue
        if scene.next is not None:
            session.proceed()
            continue
        if session.vote_round.number > MAX_ROUNDS:
            break
        choice = _pick(session, scene, team, role, rng)
        if choice is None:
            if scene.timer is not None and scene.on_timeout is not None:
                clock.now += float(scene.timer) + 1.0
                session.tick()
                continue
            break  # a stall: `simulate` reports those
        _apply(session, clock, ("choose", choice))
    return session


def _index(session: Session) -> float | None:
    ended = session.events[-1] if session.events else {}
    if ended.get("type") != "session_ended":
        return None
    return ((ended.get("scores") or {}).get("index") or {}).get("value")


# --------------------------------------------------------------------------------- paths


def _steps(scenario: Scenario, moves: list[tuple]) -> list[dict[str, Any]]:
    """The moves of a search path as the report lists them (choices with their text)."""
    out: list[dict[str, Any]] = []
    for sid, action in moves:
        if action[0] == "choice":
            choice = scenario.scenes[sid].choice(action[1])
            out.append({"scene": sid, "choice": choice.id, "text": choice.text,
                        "to": action[3]})
        elif action[0] in ("next", "timeout"):
            out.append({"scene": sid, "kind": action[0], "to": action[1]})
    return out


def _played_path(scenario: Scenario, sessions: list[Session]) -> dict[str, Any] | None:
    """When the search found no path in its budget but a real play of the team reached a good
    ending: the choices of the shortest such play (`shortest` False: not proven shortest)."""
    good = [s for s in sessions if s.ending is not None and s.ending.outcome == "good"]
    if not good:
        return None
    session = min(good, key=lambda s: len(s.events))
    steps: list[dict[str, Any]] = []
    here = None
    for event in session.events:
        kind = event["type"]
        if kind == "choice_made":
            choice = scenario.scenes[event["scene"]].choice(event["choice"])
            steps.append({"scene": event["scene"], "choice": choice.id, "text": choice.text})
        elif kind in ("scene_entered", "session_ended"):
            target = event.get("scene") or event.get("ending")
            if event.get("via") in ("next", "timeout") and here is not None:
                steps.append({"scene": here, "kind": event["via"]})
            if steps and "to" not in steps[-1]:
                steps[-1]["to"] = target
            here = target
    return {"ending": session.ending.id, "steps": steps, "verified": True, "shortest": False}


def replay_path(scenario: Scenario, steps: list[dict[str, Any]], seeds: int = 40
                ) -> Session | None:
    """Play a path's steps through a real `Session` without sharing, consulting or asking;
    the session when it follows every step (a weighted route may need another seed), else
    None."""
    for seed in range(1, seeds + 1):
        clock = _Clock()
        session = Session(scenario, log=None, seed=seed, clock=clock)
        for step in steps:
            if session.finished or session.scene.id != step["scene"]:
                break
            if step.get("kind") == "next":
                session.proceed()
            elif step.get("kind") == "timeout":
                clock.now += float(session.scene.timer) + 1.0
                session.tick()
            else:
                _apply(session, clock, ("choose", step["choice"]))
            here = session.ending.id if session.ending else session.scene.id
            if here != step["to"]:
                break
        else:
            return session
    return None


# ------------------------------------------------------------------------------ balance


def static_balance(scenario: Scenario) -> dict[str, Any]:
    """Per role: decision scenes it decides alone, vote scenes whose ties it breaks, and their
    share of all decision scenes."""
    solo: Counter[str] = Counter()
    ties: Counter[str] = Counter()
    decisions = 0
    for scene in scenario.scenes.values():
        if not scene.choices:
            continue
        decisions += 1
        if scene.decision == "single" and len(scene.actors) == 1:
            solo[scene.actors[0]] += 1
        elif scene.decision == "vote" and scene.tiebreak_role:
            ties[scene.tiebreak_role] += 1
    roles = {r: {"solo": solo[r], "tiebreaks": ties[r],
                 "share": round((solo[r] + ties[r]) / decisions, 3) if decisions else 0.0}
             for r in scenario.roles}
    return {"roles": roles, "decisions": decisions}


def played_balance(scenario: Scenario, sessions: Iterable[Session]) -> dict[str, float | None]:
    """Per role, over real plays: the share of decisions it took alone or as tie-breaker."""
    alone: Counter[str] = Counter()
    total = 0
    for session in sessions:
        votes: list[dict] = []
        for event in session.events:
            kind = event["type"]
            if kind == "scene_entered":
                votes = []
            elif kind == "vote_cast":
                votes.append(event)
            elif kind == "choice_made":
                total += 1
                by = event.get("by") or []
                scene = scenario.scenes.get(event.get("scene", ""))
                if event.get("decision") == "single" and len(by) == 1:
                    alone[by[0]] += 1
                elif event.get("decision") == "vote" and scene is not None and votes:
                    last = max(v.get("round", 1) for v in votes)
                    counts = Counter(v.get("choice") for v in votes if v.get("round", 1) == last)
                    top = max(counts.values())
                    if sum(1 for c in counts.values() if c == top) > 1:
                        alone[scene.tiebreak_role] += 1
                votes = []
    return {r: (round(alone[r] / total, 3) if total else None) for r in scenario.roles}


# -------------------------------------------------------------------------------- check


def _team_endings(scenario: Scenario, space: StateSpace, team: str, policy: Policy,
                  played: set[str], budget: int) -> tuple[set[str], set[str], dict | None]:
    """(endings reached, endings left open, shortest path to a good ending for silent/solo
    teams): the over-approximation rules out, the search settles the rest within `budget`."""
    good = {eid for eid, e in scenario.endings.items() if e.outcome == "good"}
    possible = over_reach(scenario, policy)
    reached = set(played)
    pending = possible - reached
    path = None
    if team in ("silent", "solo") and good & possible:
        # the shortest way to any good ending first: the path the report shows
        found, complete = find(space, policy, good & possible, budget)
        if found is not None:
            reached.add(found[0])
            steps = _steps(scenario, found[1])
            path = {"ending": found[0], "steps": steps, "shortest": True,
                    "verified": replay_path(scenario, steps) is not None}
        elif complete:
            pending -= good  # proven: no good ending
    unknown = set()
    for ending in sorted(pending - reached, key=list(scenario.endings).index):
        found, complete = find(space, policy, {ending}, budget)
        if found is not None:
            reached.add(ending)
        elif not complete:
            unknown.add(ending)
    return reached, unknown, path


def _entry(scenario: Scenario, team: str, role: str | None, reached: set[str],
           unknown: set[str], path: dict | None, sessions: list[Session]) -> dict[str, Any]:
    """One team's part of the report."""
    order = list(scenario.endings)
    good = {eid for eid, e in scenario.endings.items() if e.outcome == "good"}
    indices = [v for v in (_index(s) for s in sessions) if v is not None]
    return {
        "team": team, "role": role, "label": _label(team, role),
        "endings": [e for e in order if e in reached],
        "good_endings": [e for e in order if e in reached and e in good],
        "unknown": [e for e in order if e in unknown],
        "method": "sampled" if unknown else "exhaustive",
        "path": path,
        "index": {"best": max(indices) if indices else None,
                  "mean": round(sum(indices) / len(indices), 1) if indices else None,
                  "plays": len(sessions)},
    }


def _balance(scenario: Scenario, sessions: list[Session]) -> dict[str, Any]:
    """The balance part of the report: static and played shares, and the roles above."""
    static = static_balance(scenario)
    played = played_balance(scenario, sessions)
    for r, values in static["roles"].items():
        values["played_share"] = played.get(r)
    warn = [r for r, v in static["roles"].items()
            if v["share"] > BALANCE_LIMIT or (v["played_share"] or 0) > BALANCE_LIMIT]
    return {**static, "limit": BALANCE_LIMIT, "warn": warn}


def check(scenario: Scenario, *, runs: int = RUNS, seed: int = 1,
          budget: int = STATE_BUDGET) -> dict[str, Any]:
    """The cooperation check's report (module docstring; keys `REPORT_KEYS`)."""
    space = StateSpace(scenario)
    entries: dict[str, dict[str, Any]] = {}
    sessions: dict[str, list[Session]] = {}
    # the random team last: it can do whatever the other teams do, so it starts from their
    # endings
    order = sorted(enumerate(teams(scenario)), key=lambda item: item[1][0] == "random")
    for n, (team, role, policy) in order:
        label = _label(team, role)
        sessions[label] = [play(scenario, team, role, seed * 10_007 + n * 1_009 + run)
                           for run in range(runs)]
        played = {s.ending.id for s in sessions[label] if s.ending is not None}
        if team == "random":  # whatever any other team does, a random team may do
            played |= {e for entry in entries.values() for e in entry["endings"]}
        reached, unknown, path = _team_endings(scenario, space, team, policy, played, budget)
        if path is None and team in ("silent", "solo"):
            path = _played_path(scenario, sessions[label])
        entries[label] = _entry(scenario, team, role, reached, unknown, path, sessions[label])
    report_teams = [entries[_label(team, role)] for team, role, _p in teams(scenario)]
    balance = _balance(scenario, sessions["random"])
    silent = entries["silent"]
    warnings: list[dict[str, Any]] = []
    if silent["good_endings"]:
        warnings.append({"code": SILENT_CODE, "endings": silent["good_endings"]})
    warnings += [{"code": "role-balance", "role": r} for r in balance["warn"]]
    return {"scenario": scenario.id, "teams": report_teams, "balance": balance,
            "silent_good": bool(silent["good_endings"]), "warnings": warnings}


def strict_problems(scenario: Scenario, *, budget: int = STATE_BUDGET) -> list[Problem]:
    """The problems `validate --strict` adds: `silent-team-good-ending` (a warning) when the
    search proves a good ending reachable by the silent team (with the path it found)."""
    good = {eid for eid, e in scenario.endings.items() if e.outcome == "good"}
    targets = good & over_reach(scenario, SILENT)
    if not targets:
        return []
    found, _complete = find(StateSpace(scenario), SILENT, targets, budget)
    if found is None:
        return []
    eid, moves = found
    choices = " → ".join(s["choice"] for s in _steps(scenario, moves) if "choice" in s)
    return [problem(SILENT_CODE, ("endings", eid), source=scenario.source,
                    marks=scenario.marks, severity="warning", keyed=True,
                    ending=eid, route=choices or "-")]

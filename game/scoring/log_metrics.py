"""Cooperation metrics derived from the log alone: participation, consultation, information,
deliberation, the family's consent, agreement and tempo.

`metrics` gathers the log into scene visits once and hands the log or the visits to one
function per metric family; each family's figures are explained in its function.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterable, Mapping
from typing import Any

from game.scenario.model import Scenario
from game.scoring.analysis import card_needs, per_scenario
from game.scoring.numbers import json_number, ratio

#: The participation action each event type counts as (a decision counts only when single).
_ACTION_OF = {"consulted": "consults", "vote_cast": "votes", "info_shared": "shares"}


class _Visit:
    """Everything that happened between entering a scene and leaving it."""

    __slots__ = ("scene", "start_ms", "consults", "votes", "decision", "exchanges")

    def __init__(self, scene: str, start_ms: float | None):
        self.scene = scene
        self.start_ms = start_ms
        self.consults: list[Mapping] = []  # consults before the decision
        self.votes: list[Mapping] = []
        self.decision: Mapping | None = None  # the visit's last choice_made
        self.exchanges = 0  # consults, shares and consent asks before the decision


def _entropy_balance(counts: list[int]) -> float | None:
    """Normalised Shannon entropy of the counts: 1 = perfectly even, 0 = one role did all."""
    total = sum(counts)
    if total == 0 or not counts:
        return None
    if len(counts) == 1:
        return 1.0
    h = -sum((c / total) * math.log(c / total) for c in counts if c)
    return round(h / math.log(len(counts)), 3)


def _ms_summary(values: list[float]) -> dict[str, Any]:
    """Count, median and mean of a list of durations in milliseconds."""
    return {
        "decisions": len(values),
        "median_ms": json_number(statistics.median(values)) if values else None,
        "mean_ms": json_number(statistics.fmean(values)) if values else None,
    }


def metrics(events: Iterable[Mapping], scenario: Scenario) -> dict[str, Any]:
    """Derived cooperation metrics from the log alone; works mid-session (shape: the package
    docstring). One entry per family, each computed by its own function below:
    participation, consultation, information (with oversharing), deliberation, family,
    agreement and tempo.
    """
    events = list(events)
    visits = _visits(events)
    return {
        "participation": participation(events, scenario),
        "consultation": consultation(visits, scenario),
        "information": information(events, scenario),
        "deliberation": deliberation(visits),
        "family": family(events, scenario),
        "agreement": agreement(visits, scenario),
        "tempo": tempo(visits, scenario),
    }


def _visits(events: list[Mapping]) -> list[_Visit]:
    """The log as scene visits, in order; events before the first scene belong to none."""
    visits: list[_Visit] = []
    visit: _Visit | None = None
    for event in events:
        kind = event.get("type")
        if kind == "scene_entered":
            visit = _Visit(event.get("scene", ""), event.get("elapsed_ms"))
            visits.append(visit)
        elif visit is None:
            continue
        elif kind == "vote_cast":
            visit.votes.append(event)
        elif kind == "choice_made":
            visit.decision = event
        elif visit.decision is None and kind in ("consulted", "info_shared", "consent_asked"):
            visit.exchanges += 1
            if kind == "consulted":
                visit.consults.append(event)
    return visits


def participation(events: list[Mapping], scenario: Scenario) -> dict[str, Any]:
    """Actions per role (single decisions, votes, shares, consults) and their normalised
    entropy over all roles of the scenario."""
    roles = list(scenario.roles)
    scenes = scenario.scenes
    actions = {r: {"choices": 0, "votes": 0, "shares": 0, "consults": 0} for r in roles}
    for event in events:
        kind = event.get("type")
        if kind in _ACTION_OF:
            role = event.get("role")
            if role in actions:
                actions[role][_ACTION_OF[kind]] += 1
        elif kind == "choice_made":
            scene = scenes.get(event.get("scene", ""))
            if (event.get("decision") or (scene.decision if scene else "single")) == "single":
                for r in event.get("by") or ():
                    if r in actions:
                        actions[r]["choices"] += 1
    for counts in actions.values():
        counts["total"] = sum(counts.values())
    return {
        "balance": _entropy_balance([actions[r]["total"] for r in roles]),
        "total": sum(c["total"] for c in actions.values()),
        "actions": actions,
    }


def consultation(visits: list[_Visit], scenario: Scenario) -> dict[str, Any]:
    """Of the visits to scenes with `advice` that ended in a decision (and where some advised
    role was not the only decider), the share in which a deciding role consulted an advised
    role before the decision."""
    consult_visits: list[dict[str, Any]] = []
    for visit in visits:
        decision = visit.decision
        scene = scenario.scenes.get(visit.scene)
        if decision is None or scene is None or not scene.advice:
            continue
        deciders = set(decision.get("by") or ())
        deciders.update(v.get("role") for v in visit.votes)
        advised = scene.advice.keys()
        if deciders and (len(deciders) > 1 or any(a not in deciders for a in advised)):
            consulted = any(c.get("role") in deciders and c.get("target") in advised
                            and c.get("target") != c.get("role") for c in visit.consults)
            consult_visits.append({"scene": visit.scene, "consulted": consulted})
    n_consulted = sum(1 for v in consult_visits if v["consulted"])
    return {
        "rate": ratio(n_consulted, len(consult_visits)),
        "scenes": len(consult_visits),
        "consulted": n_consulted,
        "visits": consult_visits,
    }


class _CardFlow:
    """Who knows which card as the log goes on, and when the cards a scene needs were there:
    the replay behind `information`."""

    def __init__(self, scenario: Scenario):
        self.scenario = scenario
        info = scenario.info
        # owned cards, then cards learned through the choices made and cards shared
        self.known = {r: {cid for cid, c in info.items() if c.owner == r}
                      for r in scenario.roles}
        self.shared: set[str] = set()
        self.held = {cid for cid, card in info.items() if card.owner and not card.sensitive}
        self.first_needed: dict[tuple[str, str | None], bool] = {}
        self.overshared: dict[tuple[str, str], str | None] = {}
        self.outside: set[tuple[str, str]] = set()

    def settle(self, pending: Iterable[tuple[str, str | None]]) -> None:
        """Judge the cards the current scene asks about, at its first decision (or timeout):
        a card shared or learned before the team decided was there on time."""
        for need in pending:
            if need not in self.first_needed:
                card, role = need
                self.first_needed[need] = (card in self.shared if role is None
                                           else card in self.known.get(role, ()))

    def share(self, event: Mapping) -> None:
        """A card shared: its recipients know it; oversharing and shares outside consent."""
        card = event.get("info")
        self.shared.add(card)
        recipients = list(event.get("to") or ())
        for r in recipients:
            self.known.setdefault(r, set()).add(card)
        spec = self.scenario.info.get(card)
        over = event.get("overshared")
        if over is None:  # a log from before `needed_by`: derive it from the scenario
            over = [r for r in recipients if spec is not None and not spec.needs(r)]
        for r in over:
            self.overshared.setdefault((card, r), event.get("scene"))
        self.outside.update((card, r) for r in event.get("outside_consent") or ())

    def learn(self, event: Mapping) -> None:
        """A choice made: the roles it teaches cards to know them."""
        info = self.scenario.info
        scene = self.scenario.scenes.get(event.get("scene", ""))
        chosen = None
        if scene is not None:
            chosen = next((c for c in scene.choices if c.id == event.get("choice")), None)
        if chosen is not None and chosen.learn:
            for r, cards in chosen.learn.items():
                self.known.setdefault(r, set()).update(cards)
                self.held.update(c for c in cards if c in info and not info[c].sensitive)


def information(events: list[Mapping], scenario: Scenario) -> dict[str, Any]:
    """Shares, cards shared, breaches, oversharing, and the cards a guard asks about
    (`shared(card)`, `knows(role, card)`) that were available when the team first decided in
    that scene (or its timer ran out): shared for `shared`, known by that role (shared with
    it, or learned through an earlier choice) for `knows`. Oversharing: the (card, role) pairs
    shared with a role the card's `needed_by` does not name; and the recipients outside
    consent."""
    needs = per_scenario(scenario, "card_needs", card_needs)
    flow = _CardFlow(scenario)
    shares: list[Mapping] = []
    pending: Iterable[tuple[str, str | None]] = ()
    for event in events:
        kind = event.get("type")
        if kind == "scene_entered":
            pending = needs.get(event.get("scene", ""), ())
        elif kind == "info_shared":
            shares.append(event)
            flow.share(event)
        elif kind in ("timer_expired", "choice_made"):
            flow.settle(pending)
            pending = ()
            if kind == "choice_made":
                flow.learn(event)
    first_needed = flow.first_needed
    timely = sum(1 for ok in first_needed.values() if ok)
    breach_events = [{"card": e.get("info"), "role": e.get("role"), "scene": e.get("scene")}
                     for e in shares if e.get("breach")]
    with_consent = {e.get("info") for e in shares if e.get("consent") and not e.get("breach")}
    held = flow.held | with_consent
    return {
        "shares": len(shares),
        "cards_shared": sorted({e.get("info") for e in shares}),
        "cards_held": len(held),
        "cards_shared_with_consent": len(with_consent),
        "share_rate": ratio(len(with_consent & held), len(held)),
        "needed": len(first_needed),
        "shared_before_needed": timely,
        "timely_rate": ratio(timely, len(first_needed)),
        # Per card, the needs that came before the card was shared (role None: `shared`).
        "late": [{"card": card, "role": role}
                 for (card, role), ok in first_needed.items() if not ok],
        "breaches": len(breach_events),
        "breach_events": breach_events,
        "overshared": len(flow.overshared),
        "overshare_events": [{"card": card, "role": role, "scene": scene}
                             for (card, role), scene in flow.overshared.items()],
        "outside_consent": len(flow.outside),
    }


def _dissent(votes: list[Mapping]) -> bool:
    """True when some round of the votes was split."""
    rounds: dict[Any, set] = {}
    for v in votes:
        rounds.setdefault(v.get("round", 1), set()).add(v.get("choice"))
    return any(len(chosen) > 1 for chosen in rounds.values())


def deliberation(visits: list[_Visit]) -> dict[str, Any]:
    """Of the decisions, the share the team deliberated: someone consulted, shared or asked
    consent in that scene visit before the decision, or a view differing from the final
    choice was voiced in a vote and the team still decided (dissent that was resolved; a vote
    against the majority never counts against the team)."""
    decisions = deliberated = asked_first = dissent_resolved = 0
    for visit in visits:
        if visit.decision is None:
            continue
        decisions += 1
        asked = visit.exchanges > 0
        dissent = _dissent(visit.votes)
        asked_first += asked
        dissent_resolved += dissent
        deliberated += asked or dissent
    return {
        "rate": ratio(deliberated, decisions),
        "decisions": decisions,
        "deliberated": deliberated,
        "asked_first": asked_first,
        "dissent_resolved": dissent_resolved,
    }


def family(events: list[Mapping], scenario: Scenario) -> dict[str, Any]:
    """The consent moves (shares of cards that need consent, and asks for consent): the share
    that kept the family in charge (an ask, granted or refused, or a share within consent)."""
    asks = granted = consent_shares = within_consent = 0
    for event in events:
        kind = event.get("type")
        if kind == "consent_asked":
            asks += 1
            granted += bool(event.get("granted"))
        elif kind == "info_shared":
            spec = scenario.info.get(event.get("info"))
            if spec is not None and (spec.consent is not None or spec.terms is not None):
                consent_shares += 1
                within_consent += bool(event.get("consent")) and not event.get("breach")
    return {
        "rate": ratio(asks + within_consent, asks + consent_shares),
        "asks": asks,
        "granted": granted,
        "refused": asks - granted,
        "consent_shares": consent_shares,
        "within_consent": within_consent,
    }


def agreement(visits: list[_Visit], scenario: Scenario) -> dict[str, Any]:
    """Votes against the final choice, and consensus rounds (reported, not scored)."""
    votes_total = votes_against = 0
    vote_decisions = consensus_decisions = consensus_rounds = 0
    for visit in visits:
        decision, votes = visit.decision, visit.votes
        if decision is None or not votes:
            continue
        final = decision.get("choice")
        votes_total += len(votes)
        votes_against += sum(1 for v in votes if v.get("choice") != final)
        scene = scenario.scenes.get(visit.scene)
        if (decision.get("decision") or (scene.decision if scene else "vote")) == "consensus":
            consensus_decisions += 1
            consensus_rounds += len({v.get("round", 1) for v in votes})
        else:
            vote_decisions += 1
    return {
        "rate": ratio(votes_total - votes_against, votes_total),
        "votes": votes_total,
        "votes_against": votes_against,
        "vote_decisions": vote_decisions,
        "consensus_decisions": consensus_decisions,
        "consensus_rounds": consensus_rounds,
        "extra_rounds": consensus_rounds - consensus_decisions,
    }


def _vote_times(visit: _Visit, times: dict[str, list[float]]) -> None:
    """Each vote's time from the start of its round: a round starts when the scene is
    entered, a next round when the last vote of the previous round was cast."""
    starts = visit.start_ms
    by_round: dict[Any, list[Mapping]] = {}
    for vote in visit.votes:
        by_round.setdefault(vote.get("round", 1), []).append(vote)
    for r in sorted(by_round):
        ends = []
        for vote in by_round[r]:
            at = vote.get("elapsed_ms")
            if at is None:
                continue
            ends.append(at)
            if vote.get("role") in times:
                times[vote["role"]].append(max(0.0, at - starts))
        if ends:
            starts = max(ends)


def tempo(visits: list[_Visit], scenario: Scenario) -> dict[str, Any]:
    """Time from the start of a decision round to each role's decision or vote."""
    roles = list(scenario.roles)
    times: dict[str, list[float]] = {r: [] for r in roles}
    for visit in visits:
        decision = visit.decision
        if visit.start_ms is None:
            continue
        if visit.votes:
            _vote_times(visit, times)
        elif decision is not None and decision.get("elapsed_ms") is not None:
            for r in decision.get("by") or ():
                if r in times:
                    times[r].append(max(0.0, decision["elapsed_ms"] - visit.start_ms))
    all_times = [t for values in times.values() for t in values]
    return {
        "median_ms": json_number(statistics.median(all_times)) if all_times else None,
        "roles": {r: _ms_summary(times[r]) for r in roles},
    }

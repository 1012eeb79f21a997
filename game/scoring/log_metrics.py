"""Cooperation metrics derived from the log alone: participation, consultation, information,
deliberation, the family's consent, agreement and tempo."""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterable, Mapping
from typing import Any

from game.scenario.model import Scenario
from game.scoring.analysis import card_needs, per_scenario
from game.scoring.numbers import json_number, ratio


class _Visit:
    """Everything that happened between entering a scene and leaving it."""

    __slots__ = ("scene", "start_ms", "index", "consults", "votes", "decision", "exchanges")

    def __init__(self, scene: str, start_ms: float | None, index: int):
        self.scene = scene
        self.start_ms = start_ms
        self.index = index
        self.consults: list[dict] = []
        self.votes: list[dict] = []
        self.decision: dict | None = None
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
    docstring).

    - participation: actions per role (single decisions, votes, shares, consults) and their
      normalised entropy over all roles of the scenario;
    - consultation: of the visits to scenes with `advice` that ended in a decision (and where
      some advised role was not the only decider), the share in which a deciding role
      consulted an advised role before the decision;
    - information: shares, cards shared, breaches, and the cards a guard asks about
      (`shared(card)`, `knows(role, card)`) that were available when the team first decided
      in that scene (or its timer ran out): shared for `shared`, known by that role (shared
      with it, or learned through an earlier choice) for `knows`;
    - deliberation: of the decisions, the share the team deliberated: someone consulted,
      shared or asked consent in that scene visit before the decision, or a view differing
      from the final choice was voiced in a vote and the team still decided (dissent that was
      resolved; a vote against the majority never counts against the team);
    - family: the consent moves (shares of cards that need consent, and asks for consent):
      the share that kept the family in charge (an ask, granted or refused, or a share within
      consent);
    - oversharing (in information): the (card, role) pairs shared with a role the card's
      `needed_by` does not name, and the recipients outside consent;
    - agreement: votes against the final choice, consensus rounds (reported, not scored);
    - tempo: time from the start of a decision round to each role's decision or vote.
    """
    events = list(events)
    roles = list(scenario.roles)
    scenes = scenario.scenes
    info = scenario.info
    actions = {r: {"choices": 0, "votes": 0, "shares": 0, "consults": 0} for r in roles}
    needs = per_scenario(scenario, "card_needs", card_needs)
    first_needed: dict[tuple[str, str | None], bool] = {}
    # who knows what, replayed from the log: owned cards, cards learned through the choices
    # made, cards shared with a role
    known = {r: {cid for cid, c in info.items() if c.owner == r} for r in roles}
    shared_so_far: set[str] = set()
    held = {cid for cid, card in info.items() if card.owner and not card.sensitive}
    share_events: list[Mapping] = []
    consult_visits: list[dict[str, Any]] = []
    decisions = deliberated = asked_first = dissent_resolved = 0
    overshared: dict[tuple[str, str], str | None] = {}
    outside: set[tuple[str, str]] = set()
    asks = granted = consent_shares = within_consent = 0
    votes_total = votes_against = 0
    vote_decisions = consensus_decisions = consensus_rounds = 0
    tempo: dict[str, list[float]] = {r: [] for r in roles}

    def close(visit: _Visit | None) -> None:
        """Consultation, agreement and tempo of one finished (or current) visit."""
        nonlocal votes_total, votes_against, vote_decisions, consensus_decisions
        nonlocal consensus_rounds, decisions, deliberated, asked_first, dissent_resolved
        if visit is None:
            return
        scene = scenes.get(visit.scene)
        decision = visit.decision
        votes = visit.votes
        if decision is not None:
            decisions += 1
            rounds: dict[Any, set] = {}
            for v in votes:
                rounds.setdefault(v.get("round", 1), set()).add(v.get("choice"))
            dissent = any(len(chosen) > 1 for chosen in rounds.values())
            asked_first += visit.exchanges > 0
            dissent_resolved += dissent
            deliberated += visit.exchanges > 0 or dissent
        if decision is not None and scene is not None and scene.advice:
            deciders = set(decision.get("by") or ())
            deciders.update(v.get("role") for v in votes)
            advised = scene.advice.keys()
            if deciders and (len(deciders) > 1 or any(a not in deciders for a in advised)):
                consulted = any(c.get("role") in deciders and c.get("target") in advised
                                and c.get("target") != c.get("role") for c in visit.consults)
                consult_visits.append({"scene": visit.scene, "consulted": consulted})
        if decision is not None and votes:
            final = decision.get("choice")
            votes_total += len(votes)
            votes_against += sum(1 for v in votes if v.get("choice") != final)
            kind = decision.get("decision") or (scene.decision if scene else "vote")
            if kind == "consensus":
                consensus_decisions += 1
                consensus_rounds += len({v.get("round", 1) for v in votes})
            else:
                vote_decisions += 1
        if visit.start_ms is None:
            return
        if votes:
            # a round starts when the scene is entered, a next round when the last vote of
            # the previous round was cast
            starts = visit.start_ms
            by_round: dict[Any, list[Mapping]] = {}
            for vote in votes:
                by_round.setdefault(vote.get("round", 1), []).append(vote)
            for r in sorted(by_round):
                ends = []
                for vote in by_round[r]:
                    at = vote.get("elapsed_ms")
                    if at is None:
                        continue
                    ends.append(at)
                    if vote.get("role") in tempo:
                        tempo[vote["role"]].append(max(0.0, at - starts))
                if ends:
                    starts = max(ends)
        elif decision is not None and decision.get("elapsed_ms") is not None:
            for r in decision.get("by") or ():
                if r in tempo:
                    tempo[r].append(max(0.0, decision["elapsed_ms"] - visit.start_ms))

    def settle() -> None:
        """Judge the cards the current scene asks about, at its first decision (or timeout):
        a card shared or learned before the team decided was there on time."""
        nonlocal pending
        for need in pending:
            if need not in first_needed:
                card, role = need
                first_needed[need] = (card in shared_so_far if role is None
                                      else card in known.get(role, ()))
        pending = ()

    visit: _Visit | None = None
    pending: Iterable[tuple[str, str | None]] = ()
    for index, event in enumerate(events):
        kind = event.get("type")
        if kind == "scene_entered":
            close(visit)
            scene_id = event.get("scene", "")
            visit = _Visit(scene_id, event.get("elapsed_ms"), index)
            pending = needs.get(scene_id, ())
        elif kind == "consulted":
            role = event.get("role")
            if role in actions:
                actions[role]["consults"] += 1
            if visit is not None and visit.decision is None:
                visit.consults.append(event)  # only consults before the decision count
                visit.exchanges += 1
        elif kind == "vote_cast":
            role = event.get("role")
            if role in actions:
                actions[role]["votes"] += 1
            if visit is not None:
                visit.votes.append(event)
        elif kind == "info_shared":
            role = event.get("role")
            if role in actions:
                actions[role]["shares"] += 1
            share_events.append(event)
            card = event.get("info")
            shared_so_far.add(card)
            if visit is not None and visit.decision is None:
                visit.exchanges += 1
            recipients = list(event.get("to") or ())
            for r in recipients:
                known.setdefault(r, set()).add(card)
            spec = info.get(card)
            over = event.get("overshared")
            if over is None:  # a log from before `needed_by`: derive it from the scenario
                over = [r for r in recipients if spec is not None and not spec.needs(r)]
            for r in over:
                overshared.setdefault((card, r), event.get("scene"))
            outside.update((card, r) for r in event.get("outside_consent") or ())
            if spec is not None and (spec.consent is not None or spec.terms is not None):
                consent_shares += 1
                within_consent += bool(event.get("consent")) and not event.get("breach")
        elif kind == "consent_asked":
            asks += 1
            granted += bool(event.get("granted"))
            if visit is not None and visit.decision is None:
                visit.exchanges += 1
        elif kind == "timer_expired":
            settle()
        elif kind == "choice_made":
            settle()
            scene = scenes.get(event.get("scene", ""))
            decision = event.get("decision") or (scene.decision if scene else "single")
            if decision == "single":
                for r in event.get("by") or ():
                    if r in actions:
                        actions[r]["choices"] += 1
            if visit is not None:
                visit.decision = event
            chosen = None
            if scene is not None:
                for c in scene.choices:
                    if c.id == event.get("choice"):
                        chosen = c
                        break
            if chosen is not None and chosen.learn:
                for r, cards in chosen.learn.items():
                    known.setdefault(r, set()).update(cards)
                    held.update(c for c in cards if c in info and not info[c].sensitive)
    close(visit)

    for counts in actions.values():
        counts["total"] = sum(counts.values())
    total_actions = sum(c["total"] for c in actions.values())
    n_consulted = sum(1 for v in consult_visits if v["consulted"])
    timely = sum(1 for ok in first_needed.values() if ok)
    breach_events = [{"card": e.get("info"), "role": e.get("role"), "scene": e.get("scene")}
                     for e in share_events if e.get("breach")]
    with_consent = {e.get("info") for e in share_events
                    if e.get("consent") and not e.get("breach")}
    held |= with_consent
    all_times = [t for values in tempo.values() for t in values]
    shares = share_events
    overshare_events = [{"card": card, "role": role, "scene": scene}
                        for (card, role), scene in overshared.items()]

    return {
        "participation": {
            "balance": _entropy_balance([actions[r]["total"] for r in roles]),
            "total": total_actions,
            "actions": actions,
        },
        "consultation": {
            "rate": ratio(n_consulted, len(consult_visits)),
            "scenes": len(consult_visits),
            "consulted": n_consulted,
            "visits": consult_visits,
        },
        "information": {
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
            "overshared": len(overshared),
            "overshare_events": overshare_events,
            "outside_consent": len(outside),
        },
        "deliberation": {
            "rate": ratio(deliberated, decisions),
            "decisions": decisions,
            "deliberated": deliberated,
            "asked_first": asked_first,
            "dissent_resolved": dissent_resolved,
        },
        "family": {
            "rate": ratio(asks + within_consent, asks + consent_shares),
            "asks": asks,
            "granted": granted,
            "refused": asks - granted,
            "consent_shares": consent_shares,
            "within_consent": within_consent,
        },
        "agreement": {
            "rate": ratio(votes_total - votes_against, votes_total),
            "votes": votes_total,
            "votes_against": votes_against,
            "vote_decisions": vote_decisions,
            "consensus_decisions": consensus_decisions,
            "consensus_rounds": consensus_rounds,
            "extra_rounds": consensus_rounds - consensus_decisions,
        },
        "tempo": {
            "median_ms": json_number(statistics.median(all_times)) if all_times else None,
            "roles": {r: _ms_summary(tempo[r]) for r in roles},
        },
    }


# --------------------------------------------------------------------------------------------
# The cooperation index

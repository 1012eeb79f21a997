"""What each device may see, as JSON-ready dicts: privacy by construction.

Every view is built from scratch out of the session's public state plus, for a student, the
state of that one role. Nothing is copied wholesale from the session or the log, so a field
added to an event or a model never reaches a device by accident. Rules:

- **student**: the public part (scene, meters, timer, who is still to act, who voted, the last
  decision, the roles and names, teacher messages) plus the own role's briefing, goals, cards
  (the ones that role knows now), options, own vote, and the advice shown to that role.
  Never another role's briefing, cards, advice or vote.
- **table** (projector): only the public part; shares and consults appear as "who with whom",
  never a card's title or text.
- **teacher**: per team the public part plus the breaches and the running cooperation index,
  the devices and the join address; no card texts or briefings (the teacher has the case).
- **class** (the class-wide projector, "klasscherm"): per team only its number, phase,
  pause, scene title, who is still to act, the timer and the progress. No scene text, no
  feed, no cards, no breaches or index, no ending reached (teams still playing would read
  it), and never a team code or join address (a code lets anyone join that team).

Secret votes: a vote's choice is never sent to anyone but the voter; a decided vote reports
the choice, not who voted for it, and a failed consensus round only the tally per choice.
"""

from __future__ import annotations

from typing import Any

from game.i18n import format_number, translate
from game.klas.classroom import Classroom, Device, Team
from game.scenario.model import TEAM, Scenario
from game.scoring.reach import steps_to_end

FEED_LENGTH = 6


def _public(team: Team, lang: str, online: frozenset[str] = frozenset()) -> dict[str, Any]:
    """Everything every member of the team (and the projector) may see.

    `online` holds the roles whose device is connected right now.
    """
    scenario = team.scenario
    session = team.session
    players = team.players()
    roles = []
    for rid, role in scenario.roles.items():
        seat = team.seat_of(rid)
        roles.append({
            "id": rid,
            "name": role.name,
            "academy": role.academy,
            "player": seat.name if seat is not None else (
                players.get(rid) if session is not None else None),
            "taken": seat is not None,
            "online": rid in online,
        })
    view: dict[str, Any] = {
        "team": team.code,
        "number": team.number,
        "seq": team.seq,
        "phase": team.phase,
        "paused": team.paused,
        "title": scenario.title,
        "roles": roles,
        "messages": list(team.messages),
    }
    if session is None:
        return view
    if session.finished:
        ending = session.ending
        view["ending"] = {"title": ending.title, "text": session.scene_text(),
                          "outcome": ending.outcome}
    else:
        scene = session.scene
        view["scene"] = {
            "id": scene.id,
            "title": scene.title or "",
            "speaker": scene.speaker or "",
            "text": session.scene_text(),
            "decision": scene.decision,
            "narration": scene.next is not None,
            "actors": list(scene.actors),
        }
        view["waiting_for"] = list(session.waiting_for())
        view["voted"] = sorted(session.vote_round.votes) if scene.decision != "single" else []
        view["round"] = session.vote_round.number
        left = session.time_left()
        view["timer"] = None if left is None else {
            "left": round(left, 1), "total": scene.timer, "running": not team.paused}
        if session.previous_round is not None and scene.decision == "consensus":
            counts: dict[str, int] = {}
            for choice in session.previous_round.votes.values():
                counts[choice] = counts.get(choice, 0) + 1
            view["previous_round"] = {
                "number": session.previous_round.number,
                "tally": [{"text": session.render(scene.choice(c).text), "count": counts[c]}
                          for c in session.choice_order if c in counts],
            }
    view["meters"] = [
        {"id": vid, "label": scenario.variables[vid].label or vid,
         "value": format_number(value, lang), "unit": scenario.variables[vid].unit or ""}
        for vid, value in session.shown_variables()
    ]
    last = session.last_decision
    if last is not None:
        view["last_decision"] = {
            "text": session.render(last.text),
            "feedback": last.feedback,
            "decision": last.decision,
            "by": [players.get(r, r) for r in last.by] if last.decision == "single" else [],
        }
    view["feed"] = _feed(team, lang)
    return view


def _feed(team: Team, lang: str) -> list[str]:
    """The last public happenings: who consulted or shared with whom, who voted (not what)."""
    session = team.session
    names = session.players
    lines: list[str] = []
    for event in session.events[-40:]:
        kind = event.get("type")
        if kind == "consulted":
            lines.append(translate("klas.feed.consulted", lang, who=names.get(event["role"]),
                                   target=names.get(event["target"])))
        elif kind == "info_shared":
            to = translate("klas.feed.team", lang) if event.get("team") else ", ".join(
                names.get(r, r) for r in event.get("to", []))
            lines.append(translate("klas.feed.shared", lang, who=names.get(event["role"]), to=to))
        elif kind == "vote_cast":
            lines.append(translate("klas.feed.voted", lang, who=names.get(event["role"])))
        elif kind == "consent_asked":
            lines.append(translate("klas.feed.asked", lang, who=names.get(event["role"])))
        elif kind == "timer_expired":
            lines.append(translate("klas.feed.timeout", lang))
    return lines[-FEED_LENGTH:]


def student_view(team: Team, device: Device, lang: str,
                 online: frozenset[str] = frozenset()) -> dict[str, Any]:
    """What one student's device may see: the public part plus its own role's private part."""
    view = _public(team, lang, online)
    view["kind"] = "student"
    view["me"] = {"device": device.id, "name": device.name, "role": device.role}
    session = team.session
    role = device.role
    if role is None:
        return view
    scenario = team.scenario
    spec = scenario.roles[role]
    if session is None:
        view["briefing"] = None  # the briefing is rendered with the players: after the start
        return view
    view["briefing"] = session.briefing(role)
    view["goals"] = [session.render(g) for g in spec.goals]
    view["cards"] = [_card(session, card, role) for card in session.cards(role)]
    view["others"] = [{"id": r, "name": scenario.roles[r].name} for r in scenario.roles
                      if r != role]
    view["consent_answers"] = _answers(session, role)
    if session.finished:
        return view
    scene = session.scene
    view["options"] = [{"id": c.id, "text": session.render(c.text)}
                       for c in session.options(role)]
    mine = session.vote_round.votes.get(role) if scene.decision != "single" else None
    view["my_vote"] = None if mine is None else {
        "id": mine, "text": session.render(scene.choice(mine).text)}
    view["advice"] = session.advice_shown.get(role)
    view["consulted"] = sorted(session.consulted_roles)
    view["team_value"] = TEAM
    return view


def _card(session, card, role: str) -> dict[str, Any]:
    """One card the role knows, with whether (and why) it may ask the family's consent."""
    item = {"id": card.id, "title": session.render(card.title),
            "text": session.render(card.text), "sensitive": card.sensitive,
            "own": card.owner == role, "can_ask": False, "purpose": None}
    if not session.finished and session.can_ask_consent(role, card.id):
        item["can_ask"] = True
        if card.terms is not None and card.terms.for_:
            item["purpose"] = session.render(card.terms.for_)
    return item


def _answers(session, role: str) -> list[dict[str, Any]]:
    """The family's answers to this role's requests for consent (the last three)."""
    answers = []
    for event in session.events:
        if event.get("type") == "consent_asked" and event.get("role") == role:
            info = session.scenario.info[event["info"]]
            answers.append({"card": session.render(info.title),
                            "to": [session.players.get(r, r) for r in event.get("to", [])],
                            "granted": bool(event.get("granted"))})
    return answers[-3:]


def table_view(team: Team, lang: str, online: frozenset[str] = frozenset()) -> dict[str, Any]:
    """What the team's projector ("tafel") shows: the public part only."""
    view = _public(team, lang, online)
    view["kind"] = "table"
    return view


def teacher_view(room: Classroom, lang: str, base_url: str = "",
                 online: dict[str, frozenset[str]] | None = None) -> dict[str, Any]:
    """Every team live, for the teacher's page; `online`: team code → connected roles."""
    teams = []
    for team in room.ordered_teams():
        item = _public(team, lang, (online or {}).get(team.code, frozenset()))
        item["breaches"] = team.breaches()
        item["index"] = team.index()
        item["join_url"] = f"{base_url}/t/{team.code}"
        item["table_url"] = f"{base_url}/tafel/{team.code}"
        item["devices"] = [{"id": d.id, "name": d.name, "role": d.role}
                           for d in team.devices.values()]
        item["extension"] = (team.extension or {}).get("seconds", 0)
        teams.append(item)
    return {
        "kind": "teacher",
        "title": room.scenario.title,
        "round_ended": room.round_ended,
        "report": bool(room.report_path),
        "teams": teams,
    }


_STEPS: dict[str, dict[str, int]] = {}


def _steps_to_end(scenario: Scenario) -> dict[str, int]:
    """`steps_to_end` of the scenario, computed once per scenario version."""
    steps = _STEPS.get(scenario.sha256)
    if steps is None:
        steps = _STEPS[scenario.sha256] = steps_to_end(scenario)
    return steps


def progress(team: Team) -> dict[str, int] | None:
    """How far the team is: scenes passed (`done`), the fewest still to go (`left`), and
    their ratio in percent. None before the start."""
    session = team.session
    if session is None:
        return None
    done = sum(1 for e in session.events if e.get("type") == "scene_entered") - 1
    if session.finished:
        return {"done": done + 1, "left": 0, "percent": 100}
    left = _steps_to_end(team.scenario).get(session.scene_id)
    if left is None:
        return {"done": done, "left": -1, "percent": 0}
    return {"done": done, "left": left, "percent": round(100 * done / max(1, done + left))}


def class_view(room: Classroom, lang: str,
               online: dict[str, frozenset[str]] | None = None) -> dict[str, Any]:
    """The class-wide projector: every team's scene title, who is still to act, the timer and
    the progress; built field by field, so nothing private or identifying a team code
    reaches it."""
    teams = []
    for team in room.ordered_teams():
        session = team.session
        connected = (online or {}).get(team.code, frozenset())
        item: dict[str, Any] = {
            "number": team.number,
            "phase": team.phase,
            "paused": team.paused,
            "seats": sum(1 for d in team.devices.values() if d.role is not None),
            "online": len(connected),
            "progress": progress(team),
        }
        if session is not None and not session.finished and not room.round_ended:
            scene = session.scene
            names = session.players
            item["scene"] = scene.title or ""
            item["narration"] = scene.next is not None  # anyone may go on: no names
            item["waiting_for"] = [] if item["narration"] else [
                {"role": team.scenario.roles[r].name, "player": names.get(r, r)}
                for r in session.waiting_for()]
            left = session.time_left()
            item["timer"] = None if left is None else {
                "left": round(left, 1), "total": scene.timer, "running": not team.paused}
        teams.append(item)
    return {"kind": "class", "title": room.scenario.title, "round_ended": room.round_ended,
            "teams": teams}

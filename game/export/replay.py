"""Replay and fork: a session's log as a readable timeline, and "Speel verder vanaf hier".

`timeline(events)` turns logged events into `Moment` records that a debrief screen, the HTML
report and the CSV export all show the same way (who did what, when, in which scene, with
breaches and timer expiries flagged). `fork(...)` starts a new session from any point of an
old one: the new log begins with the old events up to that point and its `session_started`
says where it came from.
"""

from __future__ import annotations

import json
import logging
import os
import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from attrs import field, frozen

from game.engine.session import Session
from game.errors import LogError
from game.export.logs import read_team_log
from game.i18n import format_number, translate

if TYPE_CHECKING:
    from game.engine.session import Session
    from game.scenario.model import Scenario

log = logging.getLogger(__name__)

#: Event types that are moves by players (they count for participation).
ACTIONS = ("choice_made", "vote_cast", "info_shared", "consulted", "consent_asked")


@frozen
class Moment:
    """One logged event, resolved for display.

    `kind` is the event type; `roles` the acting role ids (the deciders of a choice, the voter,
    the sharer, the consulter); `players` their names in the same order; `targets` the roles a
    card went to, the role consulted, or the roles consent was asked for; `flag` is "breach"
    for a share without consent, "overshare" for a share (no breach) with a role that did not
    need the card, "refused" for an ask for consent the family refused, "timeout" for an
    expired timer, else "". `order`/`order_texts`: a scene's choices in the order the team
    saw them (ids and texts); `overshared`/`outside_consent`: recipients of a share that did
    not need the card / were outside consent; `granted`: the family's answer to an ask.
    `text` is one sentence in the requested language, ready to show. Titles fall back to ids
    when no scenario was given.
    """

    seq: int
    time: str
    elapsed_ms: int
    kind: str
    text: str
    scene: str = ""
    scene_title: str = ""
    roles: tuple[str, ...] = ()
    players: tuple[str, ...] = ()
    targets: tuple[str, ...] = ()
    choice: str = ""
    choice_text: str = ""
    info: str = ""
    info_title: str = ""
    round: int | None = None
    consent: bool | None = None
    breach: bool = False
    changes: dict = field(factory=dict)
    points: dict = field(factory=dict)
    ending: str = ""
    ending_title: str = ""
    outcome: str = ""
    flag: str = ""
    order: tuple[str, ...] = ()
    order_texts: tuple[str, ...] = ()
    overshared: tuple[str, ...] = ()
    outside_consent: tuple[str, ...] = ()
    granted: bool | None = None

    @property
    def is_action(self) -> bool:
        """True for a player's move: a choice, a vote, a share, a consult or an ask."""
        return self.kind in ACTIONS


class _Names:
    """Looks up display titles and player names for one session, with id fallbacks."""

    def __init__(self, events: Sequence[dict], scenario: Scenario | None, lang: str):
        self.scenario = scenario
        self.lang = lang
        players = events[0].get("players", []) if events else []
        self.player = {p.get("role"): str(p.get("name") or p.get("role")) for p in players}

    def seat(self, event: dict) -> None:
        """Follow a `player_changed`: later moments name the new player."""
        if event.get("type") == "player_changed":
            self.player[event.get("role")] = str(event.get("name") or event.get("role"))

    def role(self, role: str) -> str:
        if self.scenario is not None and role in self.scenario.roles:
            return self.scenario.roles[role].name
        return role

    def who(self, role: str) -> str:
        name = self.player.get(role)
        label = self.role(role)
        return f"{name} ({label})" if name and name != label else label

    def scene(self, scene: str) -> str:
        sc = self.scenario.scenes.get(scene) if self.scenario is not None else None
        return (sc.title or scene) if sc is not None else scene

    def choice(self, scene: str, choice: str) -> str:
        sc = self.scenario.scenes.get(scene) if self.scenario is not None else None
        if sc is not None:
            try:
                return sc.choice(choice).text
            except KeyError:
                pass
        return choice

    def info(self, info: str) -> str:
        card = self.scenario.info.get(info) if self.scenario is not None else None
        return card.title if card is not None else info

    def ending(self, ending: str) -> str:
        end = self.scenario.endings.get(ending) if self.scenario is not None else None
        return end.title if end is not None else ending

    def targets(self, targets: Sequence[str], sharer: str = "", team: bool | None = None) -> str:
        """Recipients as names, or "het hele team" when the card went to every other role."""
        if team is None and self.scenario is not None:
            team = len(self.scenario.roles) > 2 and set(targets) == set(self.scenario.roles) - {
                sharer
            }
        if team:
            return translate("report.tl.whole_team", self.lang)
        return ", ".join(self.who(t) for t in targets)


def _as_tuple(value: object) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, list | tuple):
        return tuple(str(v) for v in value)
    return (str(value),)


def _shown_changes(changes: dict, scenario: Scenario | None) -> dict:
    """The changes of variables the players see (`show: true`); hidden ones stay hidden.

    A hidden variable is the author's secret (how much trust the family has left, say): the
    debrief must not reveal it. Without the scenario nothing is known to be shown.
    """
    if scenario is None:
        return {}
    return {var: pair for var, pair in changes.items()
            if var in scenario.variables and scenario.variables[var].show}


def _changes_text(changes: dict, scenario: Scenario | None, lang: str) -> str:
    parts = []
    for var, pair in changes.items():
        label = var
        if scenario is not None and var in scenario.variables:
            label = scenario.variables[var].display_label
        try:
            old, new = pair
            parts.append(f"{label} {format_number(old, lang)} → {format_number(new, lang)}")
        except (TypeError, ValueError):
            parts.append(f"{label} {pair}")
    return "; ".join(parts)


def _card_move(names: _Names, role: str, info: str, to: tuple[str, ...]) -> dict:
    """The fields a share and a consent request have in common: who moved which card to whom."""
    return {"roles": (role,), "players": (names.player.get(role, role),), "targets": to,
            "info": info, "info_title": names.info(info)}


def moment(event: dict, names: _Names) -> Moment:
    """Resolve one event into a `Moment` (see `timeline`)."""
    lang = names.lang
    kind = str(event.get("type", ""))
    scene = str(event.get("scene", "") or "")
    base = dict(
        seq=int(event.get("seq", 0)),
        time=str(event.get("time", "")),
        elapsed_ms=int(event.get("elapsed_ms", 0) or 0),
        kind=kind,
        scene=scene,
        scene_title=names.scene(scene) if scene else "",
    )
    t = lambda key, **kw: translate(f"report.tl.{key}", lang, **kw)  # noqa: E731
    if kind == "session_started":
        players = event.get("players", [])
        title = event.get("scenario_title") or event.get("scenario_id", "")
        return Moment(**base, text=t("started", scenario=title, n=len(players)))
    if kind == "scene_entered":
        order = _as_tuple(event.get("order"))
        texts = tuple(names.choice(scene, c) for c in order)
        text = t("scene", scene=base["scene_title"])
        if len(texts) > 1:  # the shuffled order the team saw, as texts (never file positions)
            text += " " + t("order", choices=" · ".join(
                f"{i}. {choice}" for i, choice in enumerate(texts, 1)))
        return Moment(**base, order=order, order_texts=texts, text=text)
    if kind == "consulted":
        role, target = str(event.get("role", "")), str(event.get("target", ""))
        return Moment(
            **base,
            roles=(role,),
            players=(names.player.get(role, role),),
            targets=(target,),
            text=t("consulted", who=names.who(role), target=names.who(target)),
        )
    if kind == "info_shared":
        role, info = str(event.get("role", "")), str(event.get("info", ""))
        to = _as_tuple(event.get("to"))
        breach = bool(event.get("breach", False))
        team = event.get("team")
        to_text = names.targets(to, role, None if team is None else bool(team))
        text = t("shared", who=names.who(role), card=names.info(info), to=to_text)
        overshared = _as_tuple(event.get("overshared"))
        if breach:
            text += " " + t("breach")
        if overshared:
            text += " " + t("overshared", to=", ".join(map(names.who, overshared)))
        return Moment(
            **base,
            **_card_move(names, role, info, to),
            consent=event.get("consent"),
            breach=breach,
            flag="breach" if breach else ("overshare" if overshared else ""),
            overshared=overshared,
            outside_consent=_as_tuple(event.get("outside_consent")),
            text=text,
        )
    if kind == "consent_asked":
        role, info = str(event.get("role", "")), str(event.get("info", ""))
        to = _as_tuple(event.get("to"))
        team = event.get("team")
        granted = bool(event.get("granted", False))
        text = t("asked_consent", who=names.who(role), card=names.info(info),
                 to=names.targets(to, role, None if team is None else bool(team)))
        text += " " + t("granted" if granted else "refused")
        changes = dict(event.get("changes") or {})
        if changes:
            text += f" ({_changes_text(changes, names.scenario, lang)})"
        return Moment(
            **base,
            **_card_move(names, role, info, to),
            consent=granted,
            granted=granted,
            changes=changes,
            flag="" if granted else "refused",
            text=text,
        )
    if kind == "vote_cast":
        role, choice = str(event.get("role", "")), str(event.get("choice", ""))
        rnd = event.get("round")
        return Moment(
            **base,
            roles=(role,),
            players=(names.player.get(role, role),),
            choice=choice,
            choice_text=names.choice(scene, choice),
            round=rnd,
            text=t("vote", who=names.who(role), choice=names.choice(scene, choice), round=rnd),
        )
    if kind == "choice_made":
        by = _as_tuple(event.get("by"))
        choice = str(event.get("choice", ""))
        changes = _shown_changes(event.get("changes") or {}, names.scenario)
        text = t("choice", choice=names.choice(scene, choice), by=", ".join(map(names.who, by)))
        if changes:
            text += f" ({_changes_text(changes, names.scenario, lang)})"
        return Moment(
            **base,
            roles=by,
            players=tuple(names.player.get(r, r) for r in by),
            choice=choice,
            choice_text=names.choice(scene, choice),
            changes=changes,
            points=dict(event.get("points") or {}),
            text=text,
        )
    if kind == "player_changed":
        role = str(event.get("role", ""))
        name = str(event.get("name") or role)
        before = names.player.get(role, role)
        # A role nobody took played under its own name: then nobody is replaced.
        key = "player_took" if before in (role, names.role(role)) else "player_changed"
        return Moment(
            **base,
            roles=(role,),
            players=(name,),
            text=t(key, name=name, role=names.role(role), before=before),
        )
    if kind == "timer_expired":
        return Moment(**base, flag="timeout", text=t("timeout", scene=base["scene_title"]))
    if kind == "session_ended":
        ending = str(event.get("ending", ""))
        outcome = str(event.get("outcome", ""))
        return Moment(
            **base,
            ending=ending,
            ending_title=names.ending(ending),
            outcome=outcome,
            text=t(
                "ended",
                ending=names.ending(ending),
                outcome=translate(f"report.outcome.{outcome}", lang) if outcome else "",
            ),
        )
    return Moment(**base, text=t("other", kind=kind))


def timeline(
    events: Sequence[dict], scenario: Scenario | None = None, lang: str = "nl"
) -> list[Moment]:
    """The session as a list of `Moment`s, one per event, in log order.

    `events` are the event dicts as logged (for example `Session.events`, or
    `game.export.logs.read_team_log(path).events`). Give the `scenario` to get scene, choice,
    card and ending titles instead of ids; `lang` ("nl" or "en") is the language of each
    moment's `text`; each moment names the players who held the roles at that moment (a
    `player_changed` hands a role to a new player). Pure: reads nothing, writes nothing.
    The debrief screen shows `m.elapsed_ms`, `m.text` and `m.flag` per row; a replay view
    can offer "Speel verder vanaf hier" on any row through `fork(log_path, m.seq, ...)`.
    """
    names = _Names(events, scenario, lang)
    moments = []
    for event in events:
        moments.append(moment(event, names))
        names.seat(event)  # after a player_changed, moments name the new player
    return moments


def is_automatic(event: dict) -> bool:
    """True for an event the engine writes by itself right after a move, not a player's move.

    Entering a scene after a decision, a timeout or the start (`via` other than "next", which
    is a player's `proceed`), the decision that closes a vote or consensus round, and the end.
    """
    kind = event.get("type")
    if kind == "scene_entered":
        return event.get("via") != "next"
    if kind == "choice_made":
        return event.get("decision") in ("vote", "consensus")
    return kind == "session_ended"


def settled_seq(events: Sequence[dict], seq: int) -> int:
    """`seq` moved forward over the automatic events that follow it (see `is_automatic`).

    A session can only stand still where a player is to act: after a team's last vote the
    engine at once writes the decision, the next scene and perhaps the end. Forking "after the
    last vote" therefore means forking after those consequences.
    """
    while seq + 1 < len(events) and is_automatic(events[seq + 1]):
        seq += 1
    return seq


def fork(
    log_path: str | os.PathLike,
    seq: int,
    new_log_path: str | os.PathLike,
    scenario: Scenario,
    lang: str = "nl",
    force: bool = False,
) -> Session:
    """Start a new session from the state right after event `seq` of an existing log.

    ("Speel verder vanaf hier".) Writes `new_log_path` with the original events 0..`seq`
    (inclusive); its `session_started` gets
    `forked_from = {"path": <original log path>, "session_id": <original session id>,
    "seq": seq}` and a new random `session_id` of its own.
    Then the engine resumes that new log (`Session.resume`), which replays every
    event, so the returned `Session` is in exactly the state the original session had after
    `seq`, and further moves are appended to the new log. The original log is never changed.

    When events that the engine writes by itself follow `seq` (the decision after the last vote,
    entering the next scene, the end), the fork point moves past them (`settled_seq`): the new
    session always starts where a player is to act, and `forked_from["seq"]` is that point.

    Raises `LogError` when the original log cannot be read or was played with another version of
    the scenario, when `seq` is not an event of it or leads straight to `session_ended` (nothing
    left to play), or when `new_log_path` already exists (a fork never overwrites a log).
    With `force` the new log is resumed on an edited scenario file as `Session.resume(...,
    force=True)` does (the window's "Doorgaan met de nieuwe versie").
    """
    source = read_team_log(log_path, lang)
    events = list(source.events)
    if not 0 <= seq < len(events):
        raise LogError(
            translate("report.error.fork_seq", lang, seq=seq, path=log_path, last=len(events) - 1)
        )
    requested = seq
    seq = settled_seq(events, seq)
    if events[seq].get("type") == "session_ended":
        raise LogError(translate("report.error.fork_ended", lang, seq=requested, path=log_path))
    started = dict(events[0])
    started["session_id"] = str(uuid.uuid4())  # a new session, not a copy of the old one
    started["forked_from"] = {
        "path": str(Path(log_path)),
        "session_id": source.session_id,
        "seq": seq,
    }
    kept = [started, *events[1 : seq + 1]]
    new_path = Path(new_log_path)
    new_path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with open(new_path, "x", encoding="utf-8", newline="\n") as out:
            for event in kept:
                out.write(json.dumps(event, ensure_ascii=False, separators=(",", ":")) + "\n")
            out.flush()
            os.fsync(out.fileno())
    except FileExistsError:
        raise LogError(translate("report.error.fork_exists", lang, path=new_path)) from None
    log.info("forked %s at seq %d into %s", log_path, seq, new_path)
    return Session.resume(new_path, scenario, force=force)


def final_variables(events: Sequence[dict], scenario: Scenario) -> dict:
    """The variable values after the logged events (for texts with `{var}`).

    Starts from the initial values and follows the `changes` {var: [old, new]} that the engine
    logs on `choice_made` (and, as extra fields, on `scene_entered` and `info_shared` for
    `on_enter`, `on_share` and `on_breach`).
    """
    values = {vid: var.initial for vid, var in scenario.variables.items()}
    for event in events:
        for var, pair in (event.get("changes") or {}).items():
            try:
                values[var] = pair[1]
            except (TypeError, IndexError, KeyError):
                continue
    return values

"""The declared shape of every session-log event, checked once where a log is read.

A log is input like a scenario file: a teacher may open it in an editor, a file may be damaged.
Each event type is a frozen attrs class below, structured by a strict cattrs converter (the
scenario model's, but allowing extra keys: readers ignore fields a newer version added). What
passes here can be trusted by every later stage (resume, scoring, the report, CSV, xAPI): the
types are exact (`seq` is an int, not `0.0` or `true`), counts and milliseconds lie in
0 .. 2**53 (so they survive float arithmetic), numbers are finite, `time` is an ISO 8601 moment
and `session_id` a UUID.

To add a field to an event type, add an attribute to its class; an optional field gets a
default (`order: list[str] | None = None`). A new event type is a new class in `SCHEMAS`.
An event of a type not listed is checked for the common fields only (a newer engine may write
types this one does not know; readers skip them).
"""

from __future__ import annotations

import math
import uuid
from datetime import datetime
from typing import Any, NewType

import cattrs
from attrs import frozen
from cattrs.cols import list_structure_factory, mapping_structure_factory
from cattrs.gen import make_dict_structure_fn

from game.engine import events as ev
from game.scenario.model import Decision, Outcome
from game.scenario.structure import WrongType, flatten, kind_of, make_converter

#: The largest count or duration in milliseconds a log may hold (exact as a float).
MAX_COUNT = 2**53

Count = NewType("Count", int)
"""A non-negative whole number up to `MAX_COUNT` (seq, elapsed_ms, a vote round)."""

Number = NewType("Number", float)
"""A finite number, int or float (points)."""

Value = NewType("Value", float)
"""A variable's value: a finite number or true/false."""

Change = NewType("Change", list)
"""A variable's change: `[old, new]`."""

Timestamp = NewType("Timestamp", str)
"""An ISO 8601 moment (`2026-11-28T12:19:37.596Z`)."""

SessionId = NewType("SessionId", str)
"""A UUID in its canonical text form."""


class OutOfRange(ValueError):
    """A number outside the range its field allows."""

    def __init__(self, value: object, low: int, high: int):
        super().__init__(f"{value!r} is outside {low}..{high}")
        self.value, self.low, self.high = value, low, high


class BadText(ValueError):
    """A value not of the form its field needs (`moment`, `uuid`, `pair`: an [old, new] list)."""

    def __init__(self, value: object, form: str):
        super().__init__(f"{value!r} is not of the form {form}")
        self.value, self.form = value, form


# ------------------------------------------------------------------------------ event types


@frozen(kw_only=True)
class Event:
    """The fields every event has, and `changes`, which any event may carry.

    Readers take `changes` from whatever event has it (the variables after a log's events
    follow from them), so it is checked on every type, also on ones this engine does not know.
    """

    seq: Count
    type: str
    time: Timestamp
    elapsed_ms: Count
    changes: dict[str, Change] | None = None


@frozen(kw_only=True)
class Player:
    """One entry of `session_started.players`."""

    role: str
    name: str
    academy: str


@frozen(kw_only=True)
class ForkOrigin:
    """Where a forked log came from (`session_started.forked_from`)."""

    path: str | None = None
    session_id: str | None = None
    seq: Count | None = None


@frozen(kw_only=True)
class SessionStarted(Event):
    """The first event: which scenario, which players, the seed and the language."""

    scenario_id: str
    scenario_title: str
    scenario_sha256: str
    format: int
    engine_version: str
    seed: int
    players: list[Player]
    lang: str
    scenario_path: str | None = None
    session_id: SessionId | None = None
    forked_from: ForkOrigin | None = None


@frozen(kw_only=True)
class SceneEntered(Event):
    """A scene was entered (`via` start, choice, next or timeout)."""

    scene: str
    via: str | None = None
    order: list[str] | None = None


@frozen(kw_only=True)
class Consulted(Event):
    """A role consulted another."""

    scene: str
    role: str
    target: str


@frozen(kw_only=True)
class InfoShared(Event):
    """A role shared an information card."""

    scene: str
    role: str
    info: str
    to: list[str]
    consent: bool
    breach: bool
    team: bool | None = None
    outside_consent: list[str] | None = None
    overshared: list[str] | None = None


@frozen(kw_only=True)
class ConsentAsked(Event):
    """A role asked the family's consent to share a card with some roles."""

    scene: str
    role: str
    info: str
    to: list[str]
    granted: bool
    team: bool | None = None


@frozen(kw_only=True)
class VoteCast(Event):
    """A role voted in a vote or consensus scene."""

    scene: str
    role: str
    choice: str
    round: Count


@frozen(kw_only=True)
class ChoiceMade(Event):
    """A choice was decided, with its effects and points."""

    scene: str
    choice: str
    by: list[str]
    decision: Decision
    changes: dict[str, Change]
    points: dict[str, Number]


@frozen(kw_only=True)
class TimerExpired(Event):
    """A scene's timer ran out."""

    scene: str


@frozen(kw_only=True)
class PlayerChanged(Event):
    """Another player took a role during the session (class play: a student who came late).

    `name` is the role's player from this event on; `scene` is where it happened (absent when
    the session had no current scene).
    """

    role: str
    name: str
    scene: str | None = None


@frozen(kw_only=True)
class SessionEnded(Event):
    """The ending reached, with the scores and metrics computed at that moment."""

    ending: str
    outcome: Outcome
    scores: dict[str, Any] | None
    metrics: dict[str, Any] | None


#: The declared class of every event type this engine writes.
SCHEMAS: dict[str, type[Event]] = {
    ev.SESSION_STARTED: SessionStarted,
    ev.SCENE_ENTERED: SceneEntered,
    ev.CONSULTED: Consulted,
    ev.INFO_SHARED: InfoShared,
    ev.CONSENT_ASKED: ConsentAsked,
    ev.VOTE_CAST: VoteCast,
    ev.CHOICE_MADE: ChoiceMade,
    ev.TIMER_EXPIRED: TimerExpired,
    ev.SESSION_ENDED: SessionEnded,
    ev.PLAYER_CHANGED: PlayerChanged,
}


# ------------------------------------------------------------------------------ the converter


def _count(value: object, _type: object) -> int:
    if type(value) is not int:
        raise WrongType("int", value)
    if not 0 <= value <= MAX_COUNT:
        raise OutOfRange(value, 0, MAX_COUNT)
    return value


def _number(value: object, _type: object) -> float:
    if type(value) not in (int, float):
        raise WrongType("number", value)
    if not math.isfinite(value) or abs(value) > MAX_COUNT:
        raise OutOfRange(value, -MAX_COUNT, MAX_COUNT)
    return value


def _value(value: object, _type: object) -> object:
    if type(value) is bool:
        return value
    if type(value) not in (int, float):
        raise WrongType("value", value)
    return _number(value, _type)


def _change(value: object, _type: object) -> list:
    if type(value) is not list or len(value) != 2:
        raise BadText(value, "pair")
    return [_value(v, Value) for v in value]


def _timestamp(value: object, _type: object) -> str:
    if type(value) is not str:
        raise WrongType("text", value)
    try:
        datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise BadText(value, "moment") from None
    return value


def _session_id(value: object, _type: object) -> str:
    if type(value) is not str:
        raise WrongType("text", value)
    try:
        uuid.UUID(value)
    except ValueError:
        raise BadText(value, "uuid") from None
    return value


def _shaped(kind: str, json_type: type, factory):
    """A hook factory that checks the JSON type first, then structures with cattrs' own."""

    def make(tp: Any, conv: cattrs.Converter):
        inner = factory(tp, conv)

        def hook(value: object, _type: object) -> object:
            if type(value) is not json_type:
                raise WrongType(kind, value)
            return inner(value, tp)

        return hook

    return make


def _is_list(tp: object) -> bool:
    return getattr(tp, "__origin__", None) is list


def _is_dict(tp: object) -> bool:
    return getattr(tp, "__origin__", None) is dict


def _is_record(tp: object) -> bool:
    return isinstance(tp, type) and issubclass(tp, Event | Player | ForkOrigin)


def make_event_converter() -> cattrs.Converter:
    """The strict converter for log events (extra keys allowed, shapes checked first)."""
    conv = make_converter(forbid_extra_keys=False)
    for tp, hook in ((Count, _count), (Number, _number), (Value, _value), (Change, _change),
                     (Timestamp, _timestamp), (SessionId, _session_id)):
        conv.register_structure_hook(tp, hook)
    conv.register_structure_hook_factory(_is_list, _shaped("list", list, list_structure_factory))
    conv.register_structure_hook_factory(
        _is_dict, _shaped("mapping", dict, mapping_structure_factory)
    )
    conv.register_structure_hook_factory(
        _is_record, _shaped("mapping", dict, lambda tp, c: make_dict_structure_fn(tp, c))
    )
    return conv


CONVERTER = make_event_converter()


# ------------------------------------------------------------------------------ checking


@frozen
class Flaw:
    """What is wrong with one event: the field (dotted path, "" for the event itself), and
    the kind of problem with what it needs, ready for a message."""

    field: str
    key: str
    values: dict[str, Any]


def _path_text(path: tuple) -> str:
    parts: list[str] = []
    for p in path:
        if isinstance(p, int):
            parts.append(f"[{p}]")
        else:
            parts.append(("." if parts else "") + str(p))
    return "".join(parts)


def _quote(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def check_event(event: object) -> list[Flaw]:
    """What is wrong with one event read from a log (empty when it fits its type's schema)."""
    if type(event) is not dict:
        return [Flaw("", "play.log.not_object", {"found": kind_of(event)})]
    kind = event.get("type")
    schema = SCHEMAS.get(kind, Event) if isinstance(kind, str) else Event
    try:
        CONVERTER.structure(event, schema)
    except Exception as exc:  # noqa: BLE001 - cattrs groups every leaf error into one
        return [_flaw(path, leaf) for path, leaf in flatten(exc)]
    return []


def _flaw(path: tuple, leaf: BaseException) -> Flaw:
    where = _path_text(path)
    if isinstance(leaf, KeyError):
        return Flaw(where, "play.log.missing_fields", {"fields": where or str(leaf)})
    if isinstance(leaf, WrongType):
        return Flaw(where, "play.log.wrong_type",
                    {"expected": leaf.expected, "found": kind_of(leaf.value),
                     "value": _quote(leaf.value)})
    if isinstance(leaf, OutOfRange):
        return Flaw(where, "play.log.out_of_range",
                    {"value": _quote(leaf.value), "low": leaf.low, "high": leaf.high})
    if isinstance(leaf, BadText):
        return Flaw(where, "play.log.bad_form", {"value": _quote(leaf.value), "form": leaf.form})
    options = getattr(leaf, "options", None)
    if options is not None:
        return Flaw(where, "play.log.bad_option",
                    {"value": _quote(getattr(leaf, "value", "")), "options": ", ".join(options)})
    return Flaw(where, "play.log.bad_field", {"detail": str(leaf)})

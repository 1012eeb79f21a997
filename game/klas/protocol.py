"""The JSON messages a client may send, checked before anything acts on them.

Every message is one JSON object with a `type` and the string (or, for `seconds`, integer)
fields listed in `MESSAGES`; nothing else is accepted. A message that is not JSON, too long,
of an unknown type, or with missing, extra or ill-typed fields is a `ProtocolError` with a code
the server sends back (and counts towards cutting the client off). The full protocol, with
the server's answers, is in docs/klas.md.
"""

from __future__ import annotations

import json
from typing import Any

MAX_MESSAGE_BYTES = 4096
MAX_FIELD = 300

#: The first message of a connection says who it is.
HELLOS = frozenset({"join", "rejoin", "watch", "watch_class", "teacher"})
#: Moves a seated student may make (the role always comes from the seat, never the message).
MOVES = frozenset({"choose", "proceed", "share", "consult", "ask_consent"})
#: Commands on the teacher's connection.
TEACHER = frozenset({"start", "pause", "resume", "extend", "message", "assign", "unassign",
                     "end_round"})

# type -> (required fields, optional fields); every field is a string unless in INTEGERS.
MESSAGES: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    "join": (frozenset({"team", "name"}), frozenset({"lang"})),
    "rejoin": (frozenset({"team", "token"}), frozenset({"lang"})),
    "watch": (frozenset({"team"}), frozenset({"lang"})),
    "watch_class": (frozenset({"secret"}), frozenset({"lang"})),
    "teacher": (frozenset({"secret"}), frozenset({"lang"})),
    "ping": (frozenset(), frozenset()),
    "claim": (frozenset({"role"}), frozenset({"team"})),
    "release": (frozenset(), frozenset({"team"})),
    # A move may name the team and role it thinks it is: they must be its own, else refused.
    "choose": (frozenset({"choice"}), frozenset({"team", "role"})),
    "proceed": (frozenset(), frozenset({"team", "role"})),
    "share": (frozenset({"card", "to"}), frozenset({"team", "role"})),
    "consult": (frozenset({"target"}), frozenset({"team", "role"})),
    "ask_consent": (frozenset({"card", "to"}), frozenset({"team", "role"})),
    "start": (frozenset({"team"}), frozenset()),
    "pause": (frozenset({"team"}), frozenset()),
    "resume": (frozenset({"team"}), frozenset()),
    "extend": (frozenset({"team", "seconds"}), frozenset()),
    "message": (frozenset({"team", "text"}), frozenset()),
    "assign": (frozenset({"team", "device", "role"}), frozenset()),
    "unassign": (frozenset({"team", "device"}), frozenset()),
    "end_round": (frozenset(), frozenset()),
}
INTEGERS = frozenset({"seconds"})
ALL_TEAMS = "*"


class ProtocolError(ValueError):
    """A message the protocol does not allow; `code` is sent back to the client."""

    def __init__(self, code: str, detail: str = ""):
        super().__init__(f"{code}: {detail}" if detail else code)
        self.code = code
        self.detail = detail


def parse(raw: str | bytes) -> tuple[str, dict[str, Any]]:
    """The message's type and its fields, or `ProtocolError` saying what is wrong."""
    if isinstance(raw, bytes):
        if len(raw) > MAX_MESSAGE_BYTES:
            raise ProtocolError("too_big", f"{len(raw)} bytes")
        try:
            raw = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise ProtocolError("bad_json", "not UTF-8") from None
    if len(raw.encode("utf-8")) > MAX_MESSAGE_BYTES:
        raise ProtocolError("too_big", f"{len(raw)} characters")
    try:
        data = json.loads(raw)
    except ValueError:
        raise ProtocolError("bad_json", raw[:40]) from None
    if not isinstance(data, dict):
        raise ProtocolError("bad_message", "not an object")
    kind = data.get("type")
    if not isinstance(kind, str) or kind not in MESSAGES:
        raise ProtocolError("bad_message", f"unknown type {str(kind)[:40]!r}")
    required, optional = MESSAGES[kind]
    fields = {k: v for k, v in data.items() if k != "type"}
    missing = required - fields.keys()
    extra = fields.keys() - required - optional
    if missing or extra:
        raise ProtocolError("bad_message",
                            f"{kind}: missing {sorted(missing)}, unknown {sorted(extra)}")
    for name, value in fields.items():
        if name in INTEGERS:
            if not isinstance(value, int) or isinstance(value, bool):
                raise ProtocolError("bad_message", f"{kind}.{name} must be a whole number")
        elif not isinstance(value, str) or len(value) > MAX_FIELD:
            raise ProtocolError("bad_message", f"{kind}.{name} must be a short text")
    return kind, fields

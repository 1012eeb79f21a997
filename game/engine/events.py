"""Event records of a session: the vocabulary of the session log (docs/engine.md, "The log").

Every event the engine writes is a flat JSON object with `seq`, `type`, `time` and
`elapsed_ms` plus the fields of its type. The engine keeps events as plain dicts (exactly what
is written to and read from the log), so that scoring, the debrief and resume all read the same
thing. This module names the types and stamps new events; `game.engine.schema` declares the
shape of every type and checks events read back from a file.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Any

SESSION_STARTED = "session_started"
SCENE_ENTERED = "scene_entered"
CONSULTED = "consulted"
INFO_SHARED = "info_shared"
CONSENT_ASKED = "consent_asked"
VOTE_CAST = "vote_cast"
CHOICE_MADE = "choice_made"
TIMER_EXPIRED = "timer_expired"
SESSION_ENDED = "session_ended"
PLAYER_CHANGED = "player_changed"

#: Fields every event carries, whatever its type.
COMMON_FIELDS = ("seq", "type", "time", "elapsed_ms")

#: Fields this engine adds beyond the documented format: a log written by another producer may
#: lack them, and replay does not insist on them.
EXTRA_FIELDS = ("scenario_path", "session_id", "via", "team", "changes", "order",
                "outside_consent", "overshared")

#: Fields that record when something happened rather than what happened.
TIME_FIELDS = ("time", "elapsed_ms")


_second_cache: tuple[int, str] = (-1, "")  # (whole second, "YYYY-mm-ddTHH:MM:SS")
_milli_cache: tuple[int, str] = (-1, "")  # (whole millisecond, the stamp)


def utc_timestamp(now: datetime | None = None) -> str:
    """The current (or given) moment as ISO 8601 UTC with milliseconds (`...T12:13:11.123Z`)."""
    global _second_cache, _milli_cache
    if now is not None:
        return now.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    # Every move stamps its events, usually several within one millisecond: the stamp is
    # formatted once per millisecond, its date part once per second.
    t = time.time()
    milli = int(t * 1000)
    cached_milli, stamp = _milli_cache
    if milli == cached_milli:
        return stamp
    seconds = int(t)
    cached_second, text = _second_cache
    if seconds != cached_second:
        text = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(seconds))
        _second_cache = (seconds, text)
    stamp = f"{text}.{min(milli - seconds * 1000, 999):03d}Z"
    _milli_cache = (milli, stamp)
    return stamp


def without_time(event: dict[str, Any]) -> dict[str, Any]:
    """The event without its time fields: what must match when a log is replayed."""
    return {k: v for k, v in event.items() if k not in TIME_FIELDS}

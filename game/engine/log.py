"""The session log: a JSON Lines writer that survives crashes, and a reader that says what is wrong.

One event per line, UTF-8, appended and flushed with `os.fsync` after every event, so a crash
(power cut, SIGKILL) loses at most the event being written. The reader accepts a log whose last
line is cut off or garbled (that is exactly what a crash leaves behind): the line is dropped
with a warning naming it. Garbage anywhere else means the file was damaged or edited, and is a
`LogError` naming the line. Resuming a session from a log lives in `Session.resume`.
"""

from __future__ import annotations

import json
import logging
import os
import stat
from datetime import datetime
from pathlib import Path
from typing import Any

from attrs import frozen
from platformdirs import user_data_path

from game.engine.events import SESSION_STARTED
from game.engine.schema import Flaw, check_event
from game.errors import LogError
from game.i18n import translate
from game.scenario.yamlsafe import MAX_BYTES

logger = logging.getLogger(__name__)


class LogWriter:
    """Appends events to a JSON Lines file, durable after every event.

    The file is opened once (append mode, binary) and kept open; every `write` is followed by
    `flush` and `os.fsync`. Use `close()` (or the writer as a context manager) when done.
    """

    def __init__(self, path: str | os.PathLike[str]):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._file = open(self.path, "ab")  # noqa: SIM115 - kept open for the whole session

    def write(self, event: dict[str, Any]) -> None:
        """Append one event as one line and make it durable before returning."""
        line = json.dumps(event, ensure_ascii=False, separators=(",", ":")) + "\n"
        self._file.write(line.encode("utf-8"))
        self._file.flush()
        os.fsync(self._file.fileno())

    def close(self) -> None:
        """Close the file; further writes raise ValueError."""
        if not self._file.closed:
            self._file.close()

    @property
    def closed(self) -> bool:
        """True once `close()` was called."""
        return self._file.closed

    def __enter__(self) -> LogWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


@frozen
class LogContents:
    """What `read_log` found: the complete events, and what it had to drop at the end.

    `dropped_line` is the 1-based number of a truncated or garbled last line that was ignored
    (None when the file ended cleanly); `good_bytes` is the length of the file up to and
    including the last complete line, so that a resumed session can cut the damaged tail off
    before it appends; `needs_newline` is true when the last complete line lacks its newline.
    """

    path: str
    events: tuple[dict[str, Any], ...]
    dropped_line: int | None = None
    good_bytes: int = 0
    needs_newline: bool = False

    @property
    def started(self) -> dict[str, Any]:
        """The `session_started` event (the first event of every log)."""
        return self.events[0]


def logged_scenario_path(log_path: Path) -> Path | None:
    """The scenario file named in the log's first event, when it still exists."""
    first = read_header(log_path)  # the first line only: damage further on does not hide it
    named = first.get("scenario_path") if first is not None else None
    return Path(named) if named and Path(named).is_file() else None


def logs_folder() -> Path:
    """The per-user folder where `samenspel play` and the window write session logs."""
    return user_data_path("samenspel", appauthor=False) / "logs"


def new_log_path(scenario_id: str, folder: str | os.PathLike[str] | None = None) -> Path:
    """A log file that does not exist yet: `<folder>/<scenario>-<YYYYmmdd-HHMMSS>[-n].jsonl`.

    `folder` defaults to `logs_folder()`; it is created when missing.
    """
    where = Path(folder) if folder is not None else logs_folder()
    where.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    path = where / f"{scenario_id}-{stamp}.jsonl"
    n = 2
    while path.exists():
        path = where / f"{scenario_id}-{stamp}-{n}.jsonl"
        n += 1
    return path


def _parse_line(raw: bytes) -> dict[str, Any] | None:
    """One log line as an event dict, or None when it is not a complete JSON object."""
    try:
        value = json.loads(raw.decode("utf-8"))
    except (ValueError, RecursionError):
        # Not UTF-8, not JSON, an integer of more than 4,300 digits, or nested too deep.
        return None
    return value if isinstance(value, dict) else None


def read_bounded(path: Path, lang: str = "nl") -> bytes:
    """The bytes of a log file: a regular file of at most `MAX_BYTES`, else `LogError`.

    A log names no other file, but a teacher may point `debrief` at anything: `/dev/zero`
    would fill the memory and a named pipe would wait forever, so the file is opened without
    blocking and checked before a byte is read.
    """
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as exc:
        raise LogError(
            translate("play.log.unreadable", lang, path=str(path), reason=exc.strerror or exc)
        ) from exc
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode):
        os.close(fd)
        raise LogError(translate("play.log.not_a_file", lang, path=str(path)))
    with os.fdopen(fd, "rb") as handle:
        data = handle.read(MAX_BYTES + 1)  # enough to know it is too large
    if len(data) > MAX_BYTES:
        size = max(info.st_size, len(data)) / 2**20
        raise LogError(translate("play.log.too_large", lang, path=str(path),
                                 size=round(size, 1), limit=MAX_BYTES // 2**20))
    return data


def read_header(path: str | os.PathLike[str]) -> dict[str, Any] | None:
    """The first event of a log when it is a `session_started` whose scenario fields (id,
    path, sha256) are texts where present, else None; never raises.

    For finding a log's scenario before it is read in full: only the first line is decoded
    (so damage further on does not hide it), at most `MAX_BYTES` of it, from a regular file.
    """
    try:
        if not Path(path).is_file():
            return None
        with open(path, "rb") as handle:
            first = _parse_line(handle.readline(MAX_BYTES))
    except OSError:
        return None
    if first is None or first.get("type") != SESSION_STARTED:
        return None
    # Only what is used to find the scenario must be right here; `read_log` checks the rest.
    if any(not isinstance(first.get(name), str | None)
           for name in ("scenario_id", "scenario_path", "scenario_sha256")):
        return None
    return first


def describe(flaws: list[Flaw], lang: str = "nl") -> str:
    """The flaws of one event as one sentence (the first three; missing fields together)."""
    missing = [f.field for f in flaws if f.key == "play.log.missing_fields"]
    parts = [translate("play.log.missing_fields", lang, fields=", ".join(missing))] * bool(missing)
    for flaw in flaws:
        if flaw.key == "play.log.missing_fields":
            continue
        values = dict(flaw.values)
        for name in ("expected", "found"):
            if name in values:
                values[name] = translate(f"problems.kind.{values[name]}", lang)
        if "form" in values:
            values["form"] = translate(f"play.log.form.{values['form']}", lang)
        text = translate(flaw.key, lang, **values)
        parts.append(translate("play.log.field", lang, field=flaw.field, problem=text)
                     if flaw.field else text)
    return "; ".join(parts[:3])


def read_log(path: str | os.PathLike[str], lang: str = "nl") -> LogContents:
    """Read a session log, checking every line; raises `LogError` naming the first bad line.

    Checks: every line a JSON object with the fields of its type, `seq` consecutive from 0,
    the first event `session_started`. Unreadable lines at the *end* of the file (after the
    last JSON object: a line cut off by a crash, or garbage appended) are dropped with a
    warning naming the first of them; a bad line before a good event is an error, as is a
    complete JSON line that breaks the rules (the file was edited). Blank lines are skipped.
    """
    p = Path(path)
    data = read_bounded(p, lang)
    lines = data.split(b"\n")
    parsed = [_parse_line(raw) if raw.strip() else None for raw in lines]
    last_json = max((i for i, event in enumerate(parsed) if event is not None), default=-1)
    events: list[dict[str, Any]] = []
    offset = 0  # byte offset of the current line's start
    good_bytes = 0  # bytes up to and including the last complete event line
    dropped: int | None = None
    needs_newline = False
    for index, raw in enumerate(lines):
        number = index + 1
        line_end = offset + len(raw)
        has_newline = index < len(lines) - 1
        offset = line_end + 1
        if not raw.strip():
            continue
        event = parsed[index]
        if event is None and index > last_json:
            # What a crash leaves (a cut line), or junk appended after the last event.
            rest = sum(1 for r in lines[index:] if r.strip())
            logger.warning(
                "%s:%d: dropping %d unreadable line(s) at the end of the log", p, number, rest
            )
            dropped = number
            break
        problem = None
        if event is None:
            problem = translate("play.log.not_json", lang)
        else:
            flaws = check_event(event)
            if flaws:
                problem = describe(flaws, lang)
            elif event["seq"] != len(events):
                problem = translate(
                    "play.log.bad_seq", lang, seq=event["seq"], expected=len(events)
                )
            elif not events and event["type"] != SESSION_STARTED:
                problem = translate("play.log.no_start", lang, type=event["type"])
        if problem is not None:
            raise LogError(
                translate("play.log.bad_line", lang, path=str(p), line=number, problem=problem),
                line=number,
            )
        events.append(event)
        good_bytes = line_end + 1 if has_newline else line_end
        needs_newline = not has_newline
    if not events:
        raise LogError(translate("play.log.empty", lang, path=str(p)))
    return LogContents(
        path=str(p),
        events=tuple(events),
        dropped_line=dropped,
        good_bytes=good_bytes,
        needs_newline=needs_newline,
    )


def repair_tail(contents: LogContents) -> None:
    """Cut a dropped last line off the file and end it with a newline, ready for appending."""
    path = Path(contents.path)
    size = path.stat().st_size
    if contents.good_bytes < size:
        with open(path, "r+b") as f:
            f.truncate(contents.good_bytes)
            f.flush()
            os.fsync(f.fileno())
    if contents.needs_newline:
        with open(path, "ab") as f:
            f.write(b"\n")
            f.flush()
            os.fsync(f.fileno())

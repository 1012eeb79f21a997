"""What the scenario picker lists: playable scenario files and interrupted sessions.

Scenarios come from the bundled `scenarios/` folder and the user's own folder
(`<user data>/samenspel/scenarios`, created on first use so teachers can find it). Each file
is read with the project's loader; a file that does not load is still listed, with its
problems, so a teacher sees why. Interrupted sessions are the logs in `<user data>/logs`
whose last event is not `session_ended`.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from game.bundled import scenarios_dir
from game.engine.log import describe, logs_folder
from game.engine.schema import check_event
from game.scenario.loader import load_scenario_with_problems
from game.scenario.model import Scenario
from game.scenario.problems import Problem
from game.scenario.yamlsafe import MAX_BYTES
from game.ui.settings import user_dir
from game.ui.theme import register_team

log = logging.getLogger(__name__)

def bundled_dir() -> Path:
    """The bundled scenarios shipped with the game (package data of an installed wheel)."""
    return scenarios_dir()


def own_dir(create: bool = True) -> Path:
    """The user's own scenario folder (created on first use)."""
    path = user_dir("data") / "scenarios"
    if create:
        try:
            path.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            log.warning("could not create %s: %s", path, exc)
    return path


def logs_dir() -> Path:
    """Where the window writes session logs (the same folder `samenspel play` uses)."""
    return logs_folder()


@dataclass
class ScenarioEntry:
    """One scenario file in the picker: loaded, or the problems that stopped it."""

    path: Path
    scenario: Scenario | None
    problems: list[Problem] = field(default_factory=list)
    own: bool = False

    @property
    def ok(self) -> bool:
        """True when the file loaded and can be played."""
        return self.scenario is not None

    @property
    def errors(self) -> list[Problem]:
        """Only the problems of severity error."""
        return [p for p in self.problems if p.severity == "error"]


def load_entry(path: Path, own: bool = False) -> ScenarioEntry:
    """Load one file for the picker; never raises for a bad file."""
    try:
        scenario, problems = load_scenario_with_problems(path)
    except Exception as exc:  # a broken file must not take the picker down
        log.exception("loading %s failed", path)
        problem = Problem(str(path), 0, 0, "error", "internal", repr(exc), repr(exc))
        return ScenarioEntry(Path(path), None, [problem], own)
    if scenario is not None:
        register_team(scenario.roles)
    return ScenarioEntry(Path(path), scenario, list(problems), own)


def scenario_files(folders: list[Path]) -> list[Path]:
    """Every *.yaml / *.yml file directly in or below the folders, sorted per folder."""
    files: list[Path] = []
    for folder in folders:
        if folder.is_dir():
            found = [p for p in folder.rglob("*") if p.suffix in (".yaml", ".yml") and p.is_file()]
            files.extend(sorted(found))
    return files


def discover(extra_folders: list[Path] | None = None) -> list[ScenarioEntry]:
    """All scenario entries: bundled first, then the user's own folder, then any extra."""
    entries = [load_entry(p) for p in scenario_files([bundled_dir()])]
    own = [own_dir()] + list(extra_folders or [])
    entries += [load_entry(p, own=True) for p in scenario_files(own)]
    return entries


def length_estimate(scenario: Scenario) -> tuple[int, int]:
    """(scenes, minutes): a rough play length for the picker, about 3 minutes per scene."""
    scenes = len(scenario.scenes)
    return scenes, max(5, round(scenes * 3 / 5) * 5)


@dataclass
class ResumeEntry:
    """A session log: its scenario id and title, when it started, how far.

    `problem` says why a file in the logs folder is not a readable session log (then the other
    fields are what little is known: the file name as title, its modification time).
    """

    log_path: Path
    scenario_id: str
    scenario_title: str
    started: datetime
    events: int
    players: list[dict]
    problem: str | None = None
    forked_from: str | None = None  # the original log's file name when this is a fork
    scenario_path: str | None = None  # the scenario file the session was started from


def _read_header_and_tail(path: Path) -> tuple[dict | None, dict | None, int]:
    """The first and last complete events of a log and the number of complete lines.

    Lines are parsed as JSON only; `_log_entry` checks the two events against the schema.
    """
    first = last = None
    count = 0
    with path.open("rb") as fh:
        for line in fh:
            if not line.endswith(b"\n"):
                break  # a truncated last line: the session lost it, resume drops it too
            try:
                event = json.loads(line.decode("utf-8"))
            except (ValueError, RecursionError):
                break
            count += 1
            if first is None:
                first = event
            last = event
    return first, last, count


def _unreadable(path: Path, reason: str) -> tuple[ResumeEntry, bool]:
    """An entry for a file in the logs folder that is not a readable session log."""
    try:
        when = datetime.fromtimestamp(path.stat().st_mtime, UTC)
    except OSError:
        when = datetime.now(UTC)
    entry = ResumeEntry(log_path=path, scenario_id="", scenario_title=path.name,
                        started=when.astimezone(), events=0, players=[], problem=reason)
    return entry, False


def _fork_name(fork: object) -> str | None:
    """The original log's file name of a fork (`forked_from.path`), None when not a fork."""
    path = fork.get("path") if isinstance(fork, dict) else None
    return Path(path).name if isinstance(path, str) and path else None


def _log_entry(path: Path) -> tuple[ResumeEntry, bool]:
    """A session log's header as a `ResumeEntry` and whether it reached an end.

    Never raises: a file that is not a session log (not a regular file, too large, not JSON,
    a first event that is not a valid `session_started`) gives an entry with a `problem`.
    """
    try:
        if not path.is_file():
            return _unreadable(path, "not a regular file")
        if path.stat().st_size > MAX_BYTES:
            return _unreadable(path, "too large")
        first, last, count = _read_header_and_tail(path)
    except OSError as exc:
        return _unreadable(path, exc.strerror or type(exc).__name__)
    if not isinstance(first, dict) or first.get("type") != "session_started":
        return _unreadable(path, "no session_started on line 1")
    flaws = check_event(first) or check_event(last)
    if flaws:
        return _unreadable(path, describe(flaws, "en"))
    started = datetime.fromisoformat(first["time"].replace("Z", "+00:00"))
    if started.tzinfo is None:
        started = started.replace(tzinfo=UTC)
    entry = ResumeEntry(
        log_path=path,
        scenario_id=first["scenario_id"],
        scenario_title=first["scenario_title"],
        started=started.astimezone(),
        events=count,
        players=list(first["players"]),
        forked_from=_fork_name(first.get("forked_from")),
        scenario_path=first["scenario_path"] if isinstance(first.get("scenario_path"), str)
        else None,
    )
    return entry, last.get("type") == "session_ended"


def _newest_first(folder: Path) -> list[Path]:
    def modified(path: Path) -> float:
        try:
            return path.stat().st_mtime
        except OSError:  # a dangling link, or removed meanwhile
            return 0.0

    return sorted(folder.glob("*.jsonl"), key=modified, reverse=True)


def interrupted_sessions(folder: Path | None = None, limit: int = 200) -> list[ResumeEntry]:
    """Every readable log that did not reach an ending (up to `limit`), newest first."""
    folder = folder or logs_dir()
    if not folder.is_dir():
        return []
    entries = []
    for path in _newest_first(folder):
        entry, ended = _log_entry(path)
        if ended:
            continue
        if entry.problem is not None:
            log.warning("skipping %s: %s", path, entry.problem)
            continue
        entries.append(entry)
        if len(entries) >= limit:
            break
    return entries


def session_logs(folder: Path | None = None, limit: int = 200) -> list[tuple[ResumeEntry, bool]]:
    """Every log in the folder, newest first, with whether it reached an end.

    For "Sessie terugkijken": finished and interrupted sessions alike, and files that are not
    a readable session log with their `problem` (listed as unreadable; opening one says why).
    """
    folder = folder or logs_dir()
    if not folder.is_dir():
        return []
    return [_log_entry(path) for path in _newest_first(folder)[:limit]]


def find_scenario_for(entry: ResumeEntry, scenarios: list[ScenarioEntry]) -> ScenarioEntry | None:
    """The scenario a log belongs to: the file it was started from when that still exists
    and has the log's id (a teacher's own file opened with "Open bestand...", not a bundled
    case with the same id), else the loaded scenarios by id, same sha256 preferred."""
    try:
        first, _, _ = _read_header_and_tail(entry.log_path)
    except OSError:
        first = None
    first = first if isinstance(first, dict) else {}
    sha = first.get("scenario_sha256")
    logged = first.get("scenario_path")
    if isinstance(logged, str) and logged and Path(logged).is_file():
        known = [s for s in scenarios if s.path.resolve() == Path(logged).resolve()]
        own = known[0] if known else load_entry(Path(logged), own=True)
        if own.ok and own.scenario.id == entry.scenario_id:
            return own
    candidates = [s for s in scenarios if s.ok and s.scenario.id == entry.scenario_id]
    for s in candidates:
        if s.scenario.sha256 == sha:
            return s
    return candidates[0] if candidates else None

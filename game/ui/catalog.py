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

from game.engine.log import logs_folder
from game.scenario.loader import load_scenario_with_problems
from game.scenario.model import Scenario
from game.scenario.problems import Problem
from game.ui.settings import user_dir
from game.ui.theme import register_team

log = logging.getLogger(__name__)

REPO_ROOT = Path(__file__).resolve().parents[2]


def bundled_dir() -> Path:
    """The bundled scenarios shipped with the game."""
    return REPO_ROOT / "scenarios"


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
    """An interrupted session: its log, scenario id and title, when it started, how far."""

    log_path: Path
    scenario_id: str
    scenario_title: str
    started: datetime
    events: int
    players: list[dict]


def _read_header_and_tail(path: Path) -> tuple[dict | None, dict | None, int]:
    """The first and last complete events of a log and the number of complete lines."""
    first = last = None
    count = 0
    with path.open("r", encoding="utf-8", errors="replace") as fh:
        for line in fh:
            if not line.endswith("\n"):
                break  # a truncated last line: the session lost it, resume drops it too
            try:
                event = json.loads(line)
            except ValueError:
                break
            count += 1
            if first is None:
                first = event
            last = event
    return first, last, count


def _log_entry(path: Path) -> tuple[ResumeEntry, bool] | None:
    """A session log's header as a `ResumeEntry` and whether it reached an end (None when the
    file cannot be read or is not a session log)."""
    try:
        first, last, count = _read_header_and_tail(path)
    except OSError:
        return None
    if not first or first.get("type") != "session_started":
        return None
    try:
        started = datetime.fromisoformat(str(first.get("time", "")).replace("Z", "+00:00"))
    except ValueError:
        started = datetime.fromtimestamp(path.stat().st_mtime, UTC)
    entry = ResumeEntry(
        log_path=path,
        scenario_id=str(first.get("scenario_id", "")),
        scenario_title=str(first.get("scenario_title", "")),
        started=started.astimezone(),
        events=count,
        players=list(first.get("players") or []),
    )
    return entry, last.get("type") == "session_ended"


def _newest_first(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.jsonl"), key=lambda p: p.stat().st_mtime, reverse=True)


def interrupted_sessions(folder: Path | None = None, limit: int = 5) -> list[ResumeEntry]:
    """The most recent logs that did not reach an ending, newest first."""
    folder = folder or logs_dir()
    if not folder.is_dir():
        return []
    entries = []
    for path in _newest_first(folder):
        found = _log_entry(path)
        if found is None or found[1]:
            continue
        entries.append(found[0])
        if len(entries) >= limit:
            break
    return entries


def session_logs(folder: Path | None = None, limit: int = 200) -> list[tuple[ResumeEntry, bool]]:
    """Every readable session log in the folder, newest first, with whether it reached an end.

    For "Sessie terugkijken": finished and interrupted sessions alike. Files that are not a
    session log (no `session_started` first) are left out.
    """
    folder = folder or logs_dir()
    if not folder.is_dir():
        return []
    found = (_log_entry(path) for path in _newest_first(folder)[:limit])
    return [f for f in found if f is not None]


def find_scenario_for(entry: ResumeEntry, scenarios: list[ScenarioEntry]) -> ScenarioEntry | None:
    """The loaded scenario a log belongs to (matched by id; same sha256 preferred)."""
    first, _, _ = _read_header_and_tail(entry.log_path)
    sha = (first or {}).get("scenario_sha256")
    candidates = [s for s in scenarios if s.ok and s.scenario.id == entry.scenario_id]
    for s in candidates:
        if s.scenario.sha256 == sha:
            return s
    return candidates[0] if candidates else None

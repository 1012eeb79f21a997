"""Session logs as the debrief sees them: one `TeamLog` per file, and the scenario it names.

The debrief works from log files alone. `read_team_log` reads one JSON Lines log (through the
engine's reader when it is installed, so resume and debrief agree on what a log is), and
`find_scenario` looks for the scenario file the log names by id and sha256: an explicit file,
next to the log, the bundled `scenarios/` folder, the user's own folder.
"""

from __future__ import annotations

import hashlib
import json
import logging
import stat
import uuid
from collections.abc import Iterable, Sequence
from pathlib import Path

from attrs import field, frozen
from platformdirs import user_data_dir

from game.bundled import scenarios_dir
from game.engine.log import read_log
from game.errors import LogError
from game.i18n import translate
from game.scenario.loader import load_scenario
from game.scenario.yamlsafe import MAX_BYTES

log = logging.getLogger(__name__)

#: Namespace for the UUIDv5 of a log without a session id (derived from its first event).
SESSION_NAMESPACE = uuid.UUID("6f1f3c2e-5a8b-5d0e-9c47-3b2a1e0d9f64")


@frozen
class TeamLog:
    """One team's session log: where it came from, its events, and what went wrong reading it.

    `events` are the event dicts exactly as logged (docs/engine.md, "The log"); `warnings` holds
    human-readable notes such as a dropped truncated last line.
    """

    path: Path
    events: tuple[dict, ...]
    warnings: tuple[str, ...] = ()
    label: str = field(default="")
    pseudonymized: bool = False

    @property
    def started(self) -> dict:
        """The `session_started` event (always the first event of a readable log)."""
        return self.events[0]

    @property
    def ended(self) -> dict | None:
        """The `session_ended` event, or None for a session that was stopped or interrupted."""
        last = self.events[-1]
        return last if last.get("type") == "session_ended" else None

    @property
    def scenario_id(self) -> str:
        """The id of the scenario this session played."""
        return str(self.started.get("scenario_id", ""))

    @property
    def scenario_sha256(self) -> str:
        """The sha256 of the scenario file's bytes at the time of play."""
        return str(self.started.get("scenario_sha256", ""))

    @property
    def players(self) -> list[dict]:
        """The players as logged: [{role, name, academy}]."""
        return list(self.started.get("players", []))

    @property
    def seatings(self) -> list[dict]:
        """Who played each role when (see `seatings`)."""
        return seatings(self.events)

    @property
    def final_players(self) -> list[dict]:
        """The players as at the end of the log: [{role, name, academy}], later names applied."""
        last = {s["role"]: s["name"] for s in self.seatings}
        return [{**p, "name": last.get(p.get("role"), p.get("name"))} for p in self.players]

    @property
    def session_id(self) -> str:
        """The session's UUID: the logged `session_id`, else a stable UUIDv5 of the first event."""
        return session_id(self.events)


def seatings(events: Sequence[dict]) -> list[dict]:
    """Who played each role when, in log order: [{role, name, academy, seq, elapsed_ms}].

    First the players of `session_started` (seq 0), then one entry per `player_changed` (a
    student who took a role after the start, in class play). A log without changes gives
    just the players it started with.
    """
    if not events:
        return []
    out = []
    academy = {}
    for p in events[0].get("players") or []:
        academy[p.get("role")] = p.get("academy")
        out.append({"role": p.get("role"), "name": str(p.get("name") or ""),
                    "academy": p.get("academy"), "seq": 0, "elapsed_ms": 0})
    for event in events[1:]:
        if event.get("type") == "player_changed":
            role = event.get("role")
            out.append({"role": role, "name": str(event.get("name") or ""),
                        "academy": academy.get(role), "seq": int(event.get("seq", 0)),
                        "elapsed_ms": int(event.get("elapsed_ms", 0) or 0)})
    return out


#: The fields of `session_started` an old log's session id is derived from: none holds a
#: player's name or a path (which may contain one), so pseudonymising does not change the id.
IDENTITY_FIELDS = ("time", "scenario_id", "scenario_sha256", "engine_version", "seed", "lang")


def session_id(events: Sequence[dict]) -> str:
    """The session UUID of a list of events.

    Uses `session_id` from `session_started` (every session the engine starts gets a random
    one). A log from before session ids gets a UUIDv5 derived from the fields of its first
    event that hold no names (`IDENTITY_FIELDS`, the players' roles and academies, where a
    fork came from), so the same log always gets the same id, with or without pseudonyms.
    """
    first = events[0] if events else {}
    sid = first.get("session_id")
    if sid:  # read_log has checked that it is a UUID
        return str(uuid.UUID(str(sid)))
    identity = {k: first.get(k) for k in IDENTITY_FIELDS}
    identity["players"] = [[p.get("role"), p.get("academy")] for p in first.get("players") or []]
    forked = first.get("forked_from")
    if isinstance(forked, dict):
        identity["forked_from"] = [forked.get("session_id"), forked.get("seq")]
    canonical = json.dumps(identity, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return str(uuid.uuid5(SESSION_NAMESPACE, canonical))


def read_team_log(path: str | Path, lang: str = "nl") -> TeamLog:
    """Read one session log for the debrief, with the engine's reader (`game.engine.log`).

    A truncated or garbled *last* line (a crash while writing) is dropped with a warning and the
    rest is kept; garbage anywhere else, an empty file, a file that does not start with
    `session_started`, or events out of sequence raise `LogError` naming the file and line
    (all checked by `read_log`).
    """
    path = Path(path)
    contents = read_log(path, lang)
    warnings = []
    if contents.dropped_line is not None:
        warnings.append(
            translate("report.warning.truncated", lang, path=path, line=contents.dropped_line)
        )
    return TeamLog(path=path, events=contents.events, warnings=tuple(warnings))


def read_team_logs(paths: Iterable[str | Path], lang: str = "nl", progress=None) -> list[TeamLog]:
    """Read several logs; `progress(path)` is called after each one (for a progress bar).

    Teams are labelled "Team 1..n" in the order of their start time (then file name), so the
    same class gets the same labels whatever order the files were given in. A log of a session
    that is already in the list (same session id: a copied file) is left out with a warning.
    """
    logs: list[TeamLog] = []
    seen: dict[str, Path] = {}
    for path in paths:
        team = read_team_log(path, lang)
        if progress is not None:
            progress(path)
        first = seen.setdefault(team.session_id, team.path)
        if first != team.path:  # the same session twice (a copied file): count it once
            log.warning(translate("report.warning.duplicate", lang, path=team.path, first=first))
            continue
        logs.append(team)
    logs.sort(key=lambda t: (str(t.started.get("time", "")), t.path.name))
    return [
        TeamLog(t.path, t.events, t.warnings, label=translate("report.team_label", lang, n=i))
        for i, t in enumerate(logs, start=1)
    ]


def check_same_scenario(logs: Sequence[TeamLog], lang: str = "nl") -> None:
    """Raise LogError naming the files when the logs are not all of one scenario."""
    ids = {t.scenario_id for t in logs}
    if len(ids) > 1:
        listing = ", ".join(f"{t.path.name} ({t.scenario_id})" for t in logs)
        raise LogError(translate("report.error.mixed_scenarios", lang, logs=listing))


def bundled_scenario_dir() -> Path:
    """The scenarios shipped with Samenspel (package data of an installed wheel)."""
    return scenarios_dir()


def user_scenario_dir() -> Path:
    """The user's own scenario folder (platformdirs user data dir / scenarios)."""
    return Path(user_data_dir("samenspel")) / "scenarios"


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def scenario_candidates(team_log: TeamLog, explicit: str | Path | None = None) -> list[Path]:
    """Where the scenario of a log may be, in the order they are tried.

    `explicit` alone when given; else the path logged in `session_started` (`scenario_path`),
    then every YAML file next to the log, in the bundled folder and in the user's folder. Only
    regular files up to the scenario size limit are candidates: a log may name any path, and
    reading `/dev/zero` would fill the memory, a named pipe wait forever.
    """
    if explicit is not None:
        return [Path(explicit)]
    found: list[Path] = []
    logged_path = team_log.started.get("scenario_path")
    if logged_path:  # where the engine found the file when the session was played
        found.append(Path(str(logged_path)))
    folders = [team_log.path.parent, bundled_scenario_dir(), user_scenario_dir()]
    for folder in folders:
        if folder.is_dir():
            for pattern in ("*.yaml", "*.yml"):
                found.extend(sorted(folder.glob(pattern)))
    return [path for path in found if _is_readable_file(path)]


def _is_readable_file(path: Path) -> bool:
    """True for a regular file (links followed) of at most `MAX_BYTES`."""
    try:
        info = path.stat()
    except (OSError, ValueError):  # missing, no permission, a NUL in the logged path
        return False
    return stat.S_ISREG(info.st_mode) and info.st_size <= MAX_BYTES


def _explicit_scenario(team_log: TeamLog, path: Path, lang: str):
    """Load the scenario the teacher named; its id must be the logged one (ScenarioError and
    LogError propagate so the command line can say exactly what is wrong)."""
    if not path.is_file():
        raise LogError(translate("report.error.scenario_missing", lang, path=path))
    scenario = load_scenario(path)
    if scenario.id != team_log.scenario_id:
        raise LogError(
            translate("report.error.scenario_id", lang, path=path, found=scenario.id,
                      log=team_log.path, wanted=team_log.scenario_id)
        )
    if scenario.sha256 != team_log.scenario_sha256:
        log.warning(translate("report.warning.sha_differs", lang, path=path, log=team_log.path))
    return scenario


def find_scenario(team_log: TeamLog, explicit: str | Path | None = None, lang: str = "nl"):
    """The loaded `Scenario` a log was played with.

    Looks, in order, at `explicit` (the `--scenario FILE` option), the path the engine logged,
    the log's own folder, the bundled `scenarios/` folder and the user's scenario folder. A
    file whose sha256 equals the logged one wins; failing that, a file with the logged scenario
    id is used with a warning (the scenario was edited after the session). Raises LogError
    when there is none. An `explicit` file must load and have the logged id.
    """
    if explicit is not None:
        return _explicit_scenario(team_log, Path(explicit), lang)
    candidates = scenario_candidates(team_log)
    wanted = team_log.scenario_sha256
    for path in candidates:
        try:
            if path.is_file() and _sha256(path) == wanted:
                return load_scenario(path)
        except OSError:
            continue
    for path in candidates:
        try:
            head = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        if f"id: {team_log.scenario_id}" not in head:
            continue
        try:
            scenario = load_scenario(path)
        except Exception:  # noqa: BLE001 - a broken neighbour file is simply not the one
            log.debug("skipping %s: does not load", path)
            continue
        if scenario.id == team_log.scenario_id:
            log.warning(
                translate("report.warning.sha_differs", lang, path=path, log=team_log.path)
            )
            return scenario
    raise LogError(
        translate(
            "report.error.no_scenario",
            lang,
            id=team_log.scenario_id,
            log=team_log.path,
        )
    )

"""A class playing one scenario: teams with their codes, seats, sessions and the class state file.

No web code lives here: the server (`game.klas.server`) turns messages into calls on these
objects, and the views (`game.klas.views`) turn them into what each device may see.

What is kept where:
- every move of a team is in its JSON Lines log (`team-<n>-<code>.jsonl`), written by the
  engine before a move returns, exactly as in the window;
- who sits where (device tokens as SHA-256, names, roles), the team codes, the teacher's
  secret, the class-view code, pause and timer extensions are in `klas.json` in the class
  folder, rewritten atomically (temporary file, fsync, rename) on every change;
- after a crash, `Classroom.open(folder)` reads `klas.json` and resumes every started team from
  its log (`Session.resume`), so no completed move is lost.

Decisions:
- A team's session starts when the teacher starts it (or all teams); the names of the seated
  students become the log's players. A role nobody took plays under its role name. A student
  who takes a role later (or gets it from the teacher) is logged as `player_changed`, so
  the debrief names who played each role when.
- Team codes are 6 characters from an alphabet without look-alikes (no 0/O, 1/I): about 10^9
  codes for a handful of teams, so guessing needs the rate limit in `game.klas.limits` only
  as a second line.
- A paused team's clock stands still (`TeamClock`): its timer, and the elapsed time in its
  log, do not run while the teacher has paused it.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import secrets
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from game.engine.session import Session
from game.errors import SamenspelError, SessionError
from game.export.logs import read_team_log
from game.export.report import write_report
from game.i18n import translate
from game.scenario.model import Scenario

logger = logging.getLogger(__name__)

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 6
STATE_FILE = "klas.json"
STATE_FORMAT = 1
MAX_TEAMS = 60
MAX_NAME = 40
MAX_MESSAGE = 280
MAX_DEVICES_PER_TEAM = 30
MAX_EXTENSION = 30 * 60


class KlasError(SamenspelError):
    """A move or command the class refuses; `code` names the reason for the client."""

    def __init__(self, code: str, message: str, values: dict[str, object] | None = None):
        super().__init__(message)
        self.code = code
        self.values = dict(values or {})

    def text(self, lang: str) -> str:
        """The message in another language (engine refusals stay in the session's language)."""
        if self.code == "refused":
            return str(self)
        return translate(f"klas.error.{self.code}", lang, **self.values)


def new_code(taken: set[str] | frozenset[str] = frozenset()) -> str:
    """A random team code not in `taken` (cryptographic randomness: codes must not be guessed)."""
    while True:
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        if code not in taken:
            return code


def normalise_code(text: str) -> str:
    """A typed team code as stored: upper case, spaces and dashes removed."""
    return "".join(ch for ch in str(text).upper() if ch not in " -")[:CODE_LENGTH + 4]


def token_hash(token: str) -> str:
    """The SHA-256 of a device token (the state file never holds a usable token)."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class TeamClock:
    """A monotonic clock that stands still while the team is paused.

    Sessions take it as their injected clock, so a paused team's timer and elapsed time stop.
    """

    def __init__(self, base: Callable[[], float] = time.monotonic, paused: bool = False):
        self._base = base
        self._paused_total = 0.0
        self._paused_at: float | None = base() if paused else None

    def __call__(self) -> float:
        now = self._paused_at if self._paused_at is not None else self._base()
        return now - self._paused_total

    @property
    def paused(self) -> bool:
        """True while the clock stands still."""
        return self._paused_at is not None

    def pause(self) -> None:
        """Stop the clock (no effect when already stopped)."""
        if self._paused_at is None:
            self._paused_at = self._base()

    def resume(self) -> None:
        """Let the clock run again from where it stood."""
        if self._paused_at is not None:
            self._paused_total += self._base() - self._paused_at
            self._paused_at = None


class Device:
    """One student's device in a team: a public id, a name, maybe a role, a secret token hash."""

    def __init__(self, device_id: str, name: str, token_sha256: str, role: str | None = None):
        self.id = device_id
        self.name = name
        self.token_sha256 = token_sha256
        self.role = role

    def to_json(self) -> dict[str, Any]:
        """The device as stored in `klas.json`."""
        return {"id": self.id, "name": self.name, "token_sha256": self.token_sha256,
                "role": self.role}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Device:
        """A device read back from `klas.json`."""
        return cls(str(data["id"]), str(data["name"]), str(data["token_sha256"]),
                   data.get("role"))


class Team:
    """One team: its code, devices (seats), session (once started), pause and messages."""

    def __init__(self, classroom: Classroom, number: int, code: str, log_name: str):
        self.classroom = classroom
        self.number = number
        self.code = code
        self.log_name = log_name
        self.devices: dict[str, Device] = {}
        self.session: Session | None = None
        self.clock = TeamClock(classroom.base_clock)
        self.extension: dict[str, Any] | None = None
        self.messages: list[dict[str, str]] = []
        self._next_device = 1
        self._index_cache: tuple[int, float | None] = (-1, None)

    # ------------------------------------------------------------------ state

    @property
    def log_path(self) -> Path:
        """The team's JSON Lines log."""
        return self.classroom.folder / self.log_name

    @property
    def scenario(self) -> Scenario:
        """The scenario the class plays."""
        return self.classroom.scenario

    @property
    def started(self) -> bool:
        """True once the team's session exists."""
        return self.session is not None

    @property
    def paused(self) -> bool:
        """True while the teacher has paused the team."""
        return self.clock.paused

    @property
    def phase(self) -> str:
        """`lobby`, `playing`, `ended` (an ending reached) or `closed` (round ended)."""
        if self.session is not None and self.session.finished:
            return "ended"
        if self.classroom.round_ended:
            return "closed"
        return "playing" if self.session is not None else "lobby"

    @property
    def seq(self) -> int:
        """How many events the team's log holds (0 before the start): a version for views."""
        return len(self.session.events) if self.session is not None else 0

    def seat_of(self, role: str) -> Device | None:
        """The device playing that role, if any."""
        return next((d for d in self.devices.values() if d.role == role), None)

    def device_by_token(self, token: str) -> Device | None:
        """The device with that token (compared as hashes, in constant time)."""
        wanted = token_hash(str(token))
        found = None
        for device in self.devices.values():
            if secrets.compare_digest(device.token_sha256, wanted):
                found = device
        return found

    def players(self) -> dict[str, str]:
        """Role id → the seated student's name (the log's players once started)."""
        if self.session is not None:
            return dict(self.session.players)
        return {d.role: d.name for d in self.devices.values() if d.role is not None}

    def index(self) -> float | None:
        """The team's running cooperation index (0-100), None before the start or unknown."""
        if self.session is None:
            return None
        seq = len(self.session.events)
        if self._index_cache[0] != seq:
            try:
                value = self.session.scores()["index"]["value"]
            except (ImportError, KeyError, TypeError, ValueError, ZeroDivisionError):
                value = None
            self._index_cache = (seq, value)
        return self._index_cache[1]

    def breaches(self) -> int:
        """How many shares so far were breaches of consent."""
        if self.session is None:
            return 0
        return sum(1 for e in self.session.events
                   if e.get("type") == "info_shared" and e.get("breach"))

    # ------------------------------------------------------------------ seats

    def join(self, name: str) -> tuple[Device, str]:
        """A new device with that name; returns it and its secret token (given once)."""
        name = " ".join(str(name).split())[:MAX_NAME]
        if not name:
            raise self.classroom.error("name_missing")
        if len(self.devices) >= MAX_DEVICES_PER_TEAM:
            raise self.classroom.error("team_full")
        token = secrets.token_urlsafe(24)
        device = Device(f"d{self._next_device}", name, token_hash(token))
        self._next_device += 1
        self.devices[device.id] = device
        self.classroom.save()
        return device, token

    def claim(self, device: Device, role: str, *, by_teacher: bool = False) -> None:
        """Seat the device in a free role (before or after the start).

        The teacher (`by_teacher`) may also give a taken role to another device (a student
        on a new phone): the old device loses it. After the start a device keeps its role, and
        a new name in a role is logged (`player_changed`) before the seat changes, so the log
        names who played each role when.
        """
        if role not in self.scenario.roles:
            raise self.classroom.error("unknown_role", role=role)
        if self.classroom.round_ended:
            raise self.classroom.error("round_ended")
        holder = self.seat_of(role)
        if holder is not None and holder is not device and not by_teacher:
            raise self.classroom.error("role_taken", role=self.scenario.roles[role].name)
        if device.role is not None and device.role != role and self.started:
            raise self.classroom.error("role_fixed")
        if self.session is not None and device.role != role:
            if self.session.finished:
                raise self.classroom.error("finished")
            try:
                self.session.change_player(role, device.name)
            except SessionError as exc:
                raise KlasError("refused", str(exc)) from None
        if holder is not None and holder is not device:
            holder.role = None
        device.role = role
        self.classroom.save()

    def release(self, device: Device) -> None:
        """Free the device's role (only before the start: the log names its players)."""
        if self.started:
            raise self.classroom.error("role_fixed")
        device.role = None
        self.classroom.save()

    # ------------------------------------------------------------------ play

    def start(self) -> None:
        """Start the team's session with the seated names as players (no effect if started)."""
        if self.session is not None:
            return
        if self.classroom.round_ended:
            raise self.classroom.error("round_ended")
        self.session = Session(
            self.scenario, players=self.players(), log=self.log_path,
            seed=secrets.randbelow(2**31), clock=self.clock, lang=self.classroom.lang,
        )
        self.classroom.save()

    def act(self, device: Device, move: str, **fields: str) -> None:
        """Carry out one move for the device's role; `KlasError` when it is refused."""
        session = self._playable()
        role = device.role
        if role is None:
            raise self.classroom.error("no_role")
        try:
            if move == "choose":
                session.choose(role, fields["choice"])
            elif move == "proceed":
                session.proceed()
            elif move == "share":
                session.share(role, fields["card"], fields["to"])
            elif move == "consult":
                session.consult(role, fields["target"])
            elif move == "ask_consent":
                session.ask_consent(role, fields["card"], fields["to"])
            else:
                raise self.classroom.error("unsupported", move=move)
        except SessionError as exc:
            raise KlasError("refused", str(exc)) from None

    def tick(self) -> bool:
        """Let a running timer fire (not while paused or after the round); True if it did."""
        if self.session is None or self.session.finished or self.paused:
            return False
        if self.classroom.round_ended:
            return False
        return self.session.tick()

    def pause(self) -> None:
        """Stop the team: its clock stands still and moves are refused."""
        self.clock.pause()
        self.classroom.save()

    def resume(self) -> None:
        """Let a paused team play on."""
        self.clock.resume()
        self.classroom.save()

    def extend(self, seconds: int) -> None:
        """Give the running timer more time; kept in `klas.json` so a restart keeps it."""
        session = self._playable(allow_paused=True)
        if not 0 < seconds <= MAX_EXTENSION:
            raise self.classroom.error("bad_seconds", max=MAX_EXTENSION)
        if session.time_left() is None:
            raise self.classroom.error("no_timer")
        session.extend_timer(seconds)
        entered = _last_entered_seq(session)
        total = seconds
        if self.extension and self.extension.get("entered_seq") == entered:
            total += int(self.extension.get("seconds", 0))
        self.extension = {"entered_seq": entered, "seconds": total}
        self.classroom.save()

    def message(self, text: str) -> None:
        """A message from the teacher, shown on every screen of the team."""
        text = " ".join(str(text).split())[:MAX_MESSAGE]
        if not text:
            raise self.classroom.error("message_empty")
        stamp = datetime.now(UTC).strftime("%H:%M")
        self.messages = [*self.messages[-9:], {"text": text, "time": stamp}]
        self.classroom.save()

    def _playable(self, allow_paused: bool = False) -> Session:
        if self.classroom.round_ended:
            raise self.classroom.error("round_ended")
        if self.session is None:
            raise self.classroom.error("not_started")
        if self.paused and not allow_paused:
            raise self.classroom.error("paused")
        if self.session.finished:
            raise self.classroom.error("finished")
        return self.session

    # ------------------------------------------------------------------ persistence

    def to_json(self) -> dict[str, Any]:
        """The team as stored in `klas.json` (moves are in the log, not here)."""
        return {
            "number": self.number,
            "code": self.code,
            "log": self.log_name,
            "started": self.started,
            "paused": self.paused,
            "extension": self.extension,
            "messages": self.messages,
            "next_device": self._next_device,
            "devices": [d.to_json() for d in self.devices.values()],
        }

    def restore(self, data: dict[str, Any]) -> None:
        """Seats, pause and the session (resumed from the log) as `klas.json` left them."""
        self.devices = {d["id"]: Device.from_json(d) for d in data.get("devices", [])}
        self._next_device = int(data.get("next_device", len(self.devices) + 1))
        self.messages = list(data.get("messages", []))[-10:]
        if data.get("paused"):
            self.clock.pause()
        path = self.log_path
        if path.exists() and path.stat().st_size > 0:
            self.session = Session.resume(path, self.scenario, clock=self.clock,
                                          lang=self.classroom.lang)
            ext = data.get("extension")
            if ext and not self.session.finished and self.session.time_left() is not None \
                    and ext.get("entered_seq") == _last_entered_seq(self.session):
                self.session.extend_timer(int(ext.get("seconds", 0)))
                self.extension = ext


def _last_entered_seq(session: Session) -> int:
    return next((e["seq"] for e in reversed(session.events)
                 if e.get("type") == "scene_entered"), 0)


class Classroom:
    """A class playing one scenario in teams; lives in one folder (logs plus `klas.json`)."""

    def __init__(self, scenario: Scenario, folder: str | os.PathLike[str], *,
                 lang: str = "nl", base_clock: Callable[[], float] = time.monotonic):
        self.scenario = scenario
        self.folder = Path(folder)
        self.lang = lang if lang in ("nl", "en") else "nl"
        self.base_clock = base_clock
        self.teams: dict[str, Team] = {}
        self.teacher_secret = secrets.token_urlsafe(18)
        #: Opens the class-wide projector page (read-only, public parts only), so the teacher
        #: never has to put the teacher's secret on a screen the class can see.
        self.view_code = secrets.token_urlsafe(18)
        self.report_token = secrets.token_urlsafe(18)
        self.round_ended = False
        self.report_path: Path | None = None
        self._loading = False

    # ------------------------------------------------------------------ building

    @classmethod
    def create(cls, scenario: Scenario, folder: str | os.PathLike[str], teams: int, *,
               lang: str = "nl", base_clock: Callable[[], float] = time.monotonic) -> Classroom:
        """A new class with `teams` teams in an empty (or new) folder."""
        if not 1 <= teams <= MAX_TEAMS:
            raise KlasError("bad_teams", translate("klas.error.bad_teams", lang, max=MAX_TEAMS))
        room = cls(scenario, folder, lang=lang, base_clock=base_clock)
        room.folder.mkdir(parents=True, exist_ok=True)
        if (room.folder / STATE_FILE).exists():
            raise KlasError("exists", translate("klas.error.exists", lang,
                                                path=str(room.folder / STATE_FILE)))
        for number in range(1, teams + 1):
            room.add_team(number)
        room.save()
        return room

    @classmethod
    def open(cls, scenario: Scenario, folder: str | os.PathLike[str], *,
             lang: str | None = None,
             base_clock: Callable[[], float] = time.monotonic) -> Classroom:
        """The class saved in `folder`, every started team resumed from its log."""
        path = Path(folder) / STATE_FILE
        data = json.loads(path.read_text(encoding="utf-8"))
        room = cls(scenario, folder, lang=lang or data.get("lang", "nl"), base_clock=base_clock)
        if data.get("scenario_sha256") not in (None, scenario.sha256):
            raise KlasError("other_scenario", translate(
                "klas.error.other_scenario", room.lang, path=str(path),
                scenario=scenario.source or scenario.id))
        room.teacher_secret = str(data["teacher_secret"])
        room.report_token = str(data.get("report_token") or room.report_token)
        view_code = data.get("view_code")
        room.view_code = str(view_code or room.view_code)
        room.round_ended = bool(data.get("round_ended"))
        room._loading = True
        try:
            for item in data.get("teams", []):
                team = Team(room, int(item["number"]), str(item["code"]), str(item["log"]))
                room.teams[team.code] = team
                team.restore(item)
        finally:
            room._loading = False
        report = room.folder / "klasrapport.html"
        room.report_path = report if report.exists() else None
        if not view_code:  # a class saved before the class view existed: keep the new code
            room.save()
        return room

    def add_team(self, number: int | None = None) -> Team:
        """One more team with a fresh code."""
        number = number or (max((t.number for t in self.teams.values()), default=0) + 1)
        code = new_code(set(self.teams))
        team = Team(self, number, code, f"team-{number}-{code}.jsonl")
        self.teams[code] = team
        return team

    # ------------------------------------------------------------------ helpers

    def error(self, key: str, **values: object) -> KlasError:
        """A `KlasError` with the message of `klas.error.<key>` in the class language."""
        return KlasError(key, translate(f"klas.error.{key}", self.lang, **values), values)

    def team(self, code: str) -> Team | None:
        """The team with that code (typed form accepted), else None."""
        return self.teams.get(normalise_code(code))

    def ordered_teams(self) -> list[Team]:
        """The teams by number."""
        return sorted(self.teams.values(), key=lambda t: t.number)

    def is_teacher(self, secret: str) -> bool:
        """True for the teacher's secret (constant-time comparison)."""
        return secrets.compare_digest(str(secret).encode(), self.teacher_secret.encode())

    def may_view_class(self, secret: str) -> bool:
        """True for the class-view code or the teacher's secret (constant-time comparisons)."""
        view = secrets.compare_digest(str(secret).encode(), self.view_code.encode())
        return self.is_teacher(secret) or view

    # ------------------------------------------------------------------ the round

    def end_round(self) -> Path | None:
        """End play for every team, close the logs and write the class report (its path)."""
        self.round_ended = True
        for team in self.teams.values():
            if team.session is not None:
                team.session.close()
        self.save()
        self.report_path = self.write_report()
        return self.report_path

    def write_report(self) -> Path | None:
        """The class report (`klasrapport.html`) of every started team, or None if none."""
        logs = [read_team_log(t.log_path, self.lang) for t in self.ordered_teams()
                if t.started and t.log_path.exists()]
        if not logs:
            return None
        path = self.folder / "klasrapport.html"
        source = logs if len(logs) > 1 else logs[0]
        write_report(source, path, self.scenario, lang=self.lang)
        return path

    def close(self) -> None:
        """Close every team's log file (the server is stopping; the class can be opened again)."""
        for team in self.teams.values():
            if team.session is not None:
                team.session.close()

    # ------------------------------------------------------------------ persistence

    def to_json(self) -> dict[str, Any]:
        """The class as stored in `klas.json`."""
        return {
            "format": STATE_FORMAT,
            "scenario_id": self.scenario.id,
            "scenario_sha256": self.scenario.sha256,
            "scenario_path": str(Path(self.scenario.source).resolve())
            if self.scenario.source else None,
            "lang": self.lang,
            "teacher_secret": self.teacher_secret,
            "view_code": self.view_code,
            "report_token": self.report_token,
            "round_ended": self.round_ended,
            "teams": [t.to_json() for t in self.ordered_teams()],
        }

    def save(self) -> None:
        """Write `klas.json` atomically and durably (readable only by the teacher's account)."""
        if self._loading:
            return
        path = self.folder / STATE_FILE
        tmp = path.with_suffix(".json.tmp")
        text = json.dumps(self.to_json(), ensure_ascii=False, indent=1)
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)

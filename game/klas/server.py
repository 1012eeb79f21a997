"""The class server: pages, static files, QR codes and one WebSocket, as a Starlette app.

Starlette (ASGI, run by uvicorn) because it is small, typed, has WebSockets and a test client
built in, and renders Jinja2 (already a dependency for the reports). Everything the pages use
is served from this package: no CDN, no internet.

One WebSocket per device (`/ws`). The first message says who it is (`join`, `rejoin`, `watch`,
`watch_class`, `teacher`); after that the server answers every move with a fresh `state` for
every screen of the team (and the teacher and the class screen), or an `error` to the sender
only. All game logic runs on the
event loop, one message at a time, so no two moves of a team ever interleave. Each
connection has its own sender task: a view is computed when it is sent, so a slow device
gets the newest state instead of a queue of old ones, and never holds up the others.

A connection is closed when it floods (more than `MESSAGE_BURST` messages at once), keeps
sending malformed messages (`MAX_BAD_MESSAGES`), or keeps guessing codes (`GuessLimiter`).
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import json
import logging
import secrets
import time
from collections import deque
from collections.abc import Callable
from typing import Any

import segno
from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import (
    FileResponse,
    HTMLResponse,
    PlainTextResponse,
    RedirectResponse,
    Response,
)
from starlette.routing import Mount, Route, WebSocketRoute
from starlette.staticfiles import StaticFiles
from starlette.websockets import WebSocket, WebSocketDisconnect

from game.__version__ import VERSION
from game.i18n import catalog, translate
from game.klas import limits
from game.klas.classroom import Classroom, Device, KlasError, Team, normalise_code
from game.klas.protocol import ALL_TEAMS, HELLOS, MOVES, TEACHER, ProtocolError, parse
from game.klas.views import class_view, student_view, table_view, teacher_view

logger = logging.getLogger(__name__)

TICK_SECONDS = 0.25
#: The teacher's page and the class projector show every team: they are sent at most this
#: often (newest state), so a busy class does not rebuild the overview for every single move.
TEACHER_INTERVAL = 0.25
#: Connections that see every team.
OVERVIEWS = frozenset({"teacher", "class"})
HELLO_TIMEOUT = 30.0
CLOSE_TIMEOUT = 2.0
MAX_OUTBOX = 64
CLOSE_POLICY = 1008
CLOSE_TOO_BIG = 1009

SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "connect-src 'self' ws: wss:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}


def _lang(value: str | None) -> str:
    return value if value in ("nl", "en") else "nl"


class Connection:
    """One open WebSocket: who it is, what it may see, and its outgoing messages."""

    def __init__(self, ws: WebSocket, clock: Callable[[], float]):
        self.ws = ws
        self.kind: str | None = None  # student, table, class, teacher
        self.team: Team | None = None
        self.device: Device | None = None
        self.lang = "nl"
        self.bucket = limits.TokenBucket(limits.MESSAGE_BURST, limits.MESSAGE_RATE, clock)
        self.bad = 0
        self.outbox: deque[str] = deque()
        self.dirty = False
        self.wake = asyncio.Event()
        self.closed = False

    def send(self, message: dict[str, Any]) -> None:
        """Queue a direct message (an answer to this connection only)."""
        if len(self.outbox) >= MAX_OUTBOX:
            self.closed = True  # it does not read what it is sent: drop it
        self.outbox.append(json.dumps(message, ensure_ascii=False))
        self.wake.set()

    def mark(self) -> None:
        """Its view changed: send the newest state when the sender gets to it."""
        self.dirty = True
        self.wake.set()


class Hub:
    """The open connections and the class they play in; turns messages into moves."""

    def __init__(self, room: Classroom, base_url: str, clock: Callable[[], float]):
        self.room = room
        self.base_url = base_url.rstrip("/")
        self.clock = clock
        self.connections: set[Connection] = set()
        self.guesses = limits.GuessLimiter(clock=clock)

    # ------------------------------------------------------------------ views

    def online(self, team: Team) -> frozenset[str]:
        """The roles of the team whose device is connected."""
        return frozenset(c.device.role for c in self.connections
                         if c.team is team and c.device is not None and c.device.role)

    def view(self, conn: Connection) -> dict[str, Any] | None:
        """The state that connection may see now."""
        if conn.kind in OVERVIEWS:
            online = {t.code: self.online(t) for t in self.room.teams.values()}
            if conn.kind == "class":
                return class_view(self.room, conn.lang, online)
            view = teacher_view(self.room, conn.lang, self.base_url, online)
            view["class_url"] = f"{self.base_url}/klasscherm#{self.room.view_code}"
            return view
        if conn.team is None:
            return None
        if conn.kind == "table":
            return table_view(conn.team, conn.lang, self.online(conn.team))
        return student_view(conn.team, conn.device, conn.lang, self.online(conn.team))

    def changed(self, team: Team | None = None) -> None:
        """A team (None: every team) changed: every screen of it and the teacher update."""
        for conn in self.connections:
            if conn.kind in OVERVIEWS or (conn.team is not None and
                                          (team is None or conn.team is team)):
                conn.mark()

    # ------------------------------------------------------------------ messages

    def handle(self, conn: Connection, raw: str | bytes, address: str) -> str | None:
        """Act on one message; returns a close reason when the connection must be cut off."""
        if not conn.bucket.take():
            conn.send(self._error("flood", conn.lang))
            return "flood"
        try:
            kind, fields = parse(raw)
        except ProtocolError as exc:
            conn.bad += 1
            conn.send(self._error(exc.code, conn.lang, detail=exc.detail))
            if exc.code == "too_big":
                return "too_big"
            return "garbage" if conn.bad >= limits.MAX_BAD_MESSAGES else None
        try:
            if kind == "ping":
                conn.send({"type": "pong"})
            elif conn.kind is None:
                return self._hello(conn, kind, fields, address)
            elif kind in HELLOS:
                raise self.room.error("already_known")
            elif conn.kind == "teacher":
                self._teacher(conn, kind, fields)
            elif conn.kind == "student":
                self._student(conn, kind, fields)
            else:
                raise self.room.error("watch_only")
        except KlasError as exc:
            conn.send(self._error(exc.code, conn.lang, message=exc.text(conn.lang), ref=kind))
        return None

    def _error(self, code: str, lang: str, message: str | None = None, ref: str | None = None,
               detail: str = "") -> dict[str, Any]:
        text = message or translate(f"klas.error.{code}", lang)
        reply: dict[str, Any] = {"type": "error", "code": code, "message": text}
        if ref:
            reply["ref"] = ref
        if detail:
            reply["detail"] = detail
        return reply

    def _hello(self, conn: Connection, kind: str, fields: dict[str, Any],
               address: str) -> str | None:
        conn.lang = _lang(fields.get("lang"))
        if kind not in HELLOS:
            raise self.room.error("hello_first")
        if not self.guesses.allowed(address):
            conn.send(self._error("rate_limited", conn.lang))
            return "rate_limited"
        if kind in ("teacher", "watch_class"):
            teacher = kind == "teacher"
            allowed = self.room.is_teacher if teacher else self.room.may_view_class
            if not allowed(fields["secret"]):
                self.guesses.failed(address)
                raise self.room.error("not_teacher" if teacher else "not_class_view")
            conn.kind = "teacher" if teacher else "class"
            conn.send({"type": "welcome", "as": conn.kind})
            conn.mark()
            return None
        team = self.room.team(fields["team"])
        if team is None:
            self.guesses.failed(address)
            raise self.room.error("unknown_team", team=normalise_code(fields["team"]))
        if kind == "watch":
            conn.kind, conn.team = "table", team
            conn.send({"type": "welcome", "as": "table", "team": team.code})
        elif kind == "join":
            if self.room.round_ended:
                raise self.room.error("round_ended")
            device, token = team.join(fields["name"])
            conn.kind, conn.team, conn.device = "student", team, device
            conn.send({"type": "welcome", "as": "student", "team": team.code,
                       "device": device.id, "token": token})
        else:  # rejoin
            device = team.device_by_token(fields["token"])
            if device is None:
                self.guesses.failed(address)
                raise self.room.error("unknown_device")
            conn.kind, conn.team, conn.device = "student", team, device
            conn.send({"type": "welcome", "as": "student", "team": team.code,
                       "device": device.id})
        self.changed(team)
        conn.mark()
        return None

    def _student(self, conn: Connection, kind: str, fields: dict[str, Any]) -> None:
        team, device = conn.team, conn.device
        if "team" in fields and normalise_code(fields["team"]) != team.code:
            raise self.room.error("other_team")
        if kind in MOVES and "role" in fields and fields["role"] != device.role:
            raise self.room.error("not_your_role")
        if kind == "claim":
            if self.room.round_ended:
                raise self.room.error("round_ended")
            team.claim(device, fields["role"])
        elif kind == "release":
            team.release(device)
        elif kind in MOVES:
            target = {k: v for k, v in fields.items() if k not in ("team", "role")}
            team.act(device, kind, **target)
        else:
            raise self.room.error("not_allowed", type=kind)
        self.changed(team)

    def _teams(self, code: str) -> list[Team]:
        if code == ALL_TEAMS:
            return self.room.ordered_teams()
        team = self.room.team(code)
        if team is None:
            raise self.room.error("unknown_team", team=normalise_code(code))
        return [team]

    def _teacher(self, conn: Connection, kind: str, fields: dict[str, Any]) -> None:
        if kind not in TEACHER:
            raise self.room.error("not_allowed", type=kind)
        if kind == "end_round":
            path = self.room.end_round()
            if path is not None:
                conn.send({"type": "report", "url": f"/rapport/{self.room.report_token}"})
            self.changed()
            return
        teams = self._teams(fields["team"])
        for team in teams:
            if kind == "start":
                team.start()
            elif kind == "pause":
                team.pause()
            elif kind == "resume":
                team.resume()
            elif kind == "extend":
                if len(teams) == 1 or (team.session is not None and
                                       team.session.time_left() is not None):
                    team.extend(fields["seconds"])
            elif kind == "message":
                team.message(fields["text"])
            elif kind in ("assign", "unassign"):
                device = team.devices.get(fields["device"])
                if device is None or len(teams) != 1:
                    raise self.room.error("unknown_device")
                if kind == "assign":
                    team.claim(device, fields["role"], by_teacher=True)
                else:
                    team.release(device)
            self.changed(team)

    # ------------------------------------------------------------------ timers

    def tick(self) -> None:
        """Let every running timer fire; update the screens of the teams where one did."""
        for team in self.room.teams.values():
            try:
                fired = team.tick()
            except Exception:  # noqa: BLE001 - one team's failure must not stop the class
                logger.exception("timer of team %s failed", team.code)
                continue
            if fired:
                self.changed(team)


async def _sender(conn: Connection, hub: Hub) -> None:
    """Send queued answers, then the newest view, whenever the connection is woken."""
    ws = conn.ws
    while not conn.closed:
        await conn.wake.wait()
        conn.wake.clear()
        while conn.outbox:
            await ws.send_text(conn.outbox.popleft())
        if conn.dirty:
            conn.dirty = False
            view = hub.view(conn)
            if view is not None:
                await ws.send_text(json.dumps({"type": "state", "view": view},
                                              ensure_ascii=False))
            if conn.kind in OVERVIEWS:
                await asyncio.sleep(TEACHER_INTERVAL)


async def _flush_and_close(conn: Connection, code: int, reason: str) -> None:
    """Send what is queued (the error saying why) and close; give up on a client that does
    not read, so a stuck connection never holds a task for long."""
    async def flush() -> None:
        while conn.outbox:
            await conn.ws.send_text(conn.outbox.popleft())
        await conn.ws.close(code=code, reason=reason)

    with contextlib.suppress(Exception):
        await asyncio.wait_for(flush(), CLOSE_TIMEOUT)


async def websocket_endpoint(ws: WebSocket) -> None:
    """One device's connection: a receive loop, with a sender task beside it."""
    hub: Hub = ws.app.state.hub
    await ws.accept()
    conn = Connection(ws, hub.clock)
    hub.connections.add(conn)
    address = ws.client.host if ws.client else "?"
    sender = asyncio.create_task(_sender(conn, hub))
    close: tuple[int, str] | None = None
    try:
        while True:
            timeout = HELLO_TIMEOUT if conn.kind is None else None
            try:
                message = await asyncio.wait_for(ws.receive(), timeout)
            except TimeoutError:
                close = (CLOSE_POLICY, "hello_timeout")
                break
            if message["type"] == "websocket.disconnect":
                break
            raw = message.get("text")
            if raw is None:
                raw = message.get("bytes") or b""
            reason = hub.handle(conn, raw, address)
            if conn.closed and reason is None:
                reason = "slow"
            if reason is not None:
                close = (CLOSE_TOO_BIG if reason == "too_big" else CLOSE_POLICY, reason)
                break
    except WebSocketDisconnect:
        pass
    finally:
        conn.closed = True
        sender.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await sender
        hub.connections.discard(conn)
        if conn.team is not None:
            hub.changed(conn.team)
    if close is not None:
        await _flush_and_close(conn, *close)


# ---------------------------------------------------------------------- pages


def _templates() -> Environment:
    env = Environment(loader=PackageLoader("game.klas", "templates"),
                      autoescape=select_autoescape(["html", "j2"]))
    return env


def _strings(lang: str) -> dict[str, str]:
    """The page strings the scripts need (keys `klas.js.*` and `klas.error.*`)."""
    merged = {**catalog("nl"), **catalog(lang)}
    return {k: v for k, v in merged.items() if k.startswith(("klas.js.", "klas.error."))}


def _page(request: Request, template: str, status: int = 200, **context: Any) -> Response:
    lang = _lang(request.query_params.get("lang"))
    env: Environment = request.app.state.templates
    room: Classroom = request.app.state.hub.room
    html = env.get_template(template).render(
        lang=lang,
        t=lambda key, **kw: translate(key, lang, **kw),
        strings=json.dumps(_strings(lang), ensure_ascii=False).replace("</", "<\\/"),
        title=room.scenario.title,
        version=VERSION,
        other_lang="en" if lang == "nl" else "nl",
        path=request.url.path,
        **context,
    )
    return HTMLResponse(html, status_code=status, headers=SECURITY_HEADERS)


async def index_page(request: Request) -> Response:
    """The join page: type the team code (works without scripts too: `/?code=...`)."""
    code = normalise_code(request.query_params.get("code", ""))
    if code:
        lang = _lang(request.query_params.get("lang"))
        suffix = "?lang=en" if lang == "en" else ""
        return RedirectResponse(f"/t/{code}{suffix}", status_code=303)
    return _page(request, "join.html.j2", code="")


async def team_page(request: Request) -> Response:
    """A team's student page (the QR code's address): name, role, then play."""
    code = normalise_code(request.path_params["code"])
    return _page(request, "student.html.j2", code=code)


async def table_page(request: Request) -> Response:
    """A team's projector page."""
    code = normalise_code(request.path_params["code"])
    return _page(request, "table.html.j2", code=code)


async def teacher_page(request: Request) -> Response:
    """The teacher's page; the secret is in the address's fragment, never sent in a request."""
    return _page(request, "teacher.html.j2")


async def class_page(request: Request) -> Response:
    """The class-wide projector page; its code is in the address's fragment, like the
    teacher's secret, and the page takes it out of the address bar once read."""
    return _page(request, "class.html.j2")


async def qr_code(request: Request) -> Response:
    """A team's join address as an SVG QR code (made here: no network)."""
    hub: Hub = request.app.state.hub
    team = hub.room.team(request.path_params["code"])
    if team is None:
        return PlainTextResponse("not found", status_code=404)
    url = f"{hub.base_url}/t/{team.code}"
    out = io.BytesIO()
    segno.make(url, error="m").save(out, kind="svg", scale=8, border=2, dark="#000",
                                    light="#fff", title=f"QR: {url}")
    return Response(out.getvalue(), media_type="image/svg+xml", headers=SECURITY_HEADERS)


async def report(request: Request) -> Response:
    """The class report after the round (its address carries its own secret token)."""
    hub: Hub = request.app.state.hub
    room = hub.room
    token = request.path_params["token"]
    if not secrets.compare_digest(token.encode(), room.report_token.encode()) \
            or room.report_path is None:
        return PlainTextResponse("not found", status_code=404)
    return FileResponse(room.report_path, media_type="text/html",
                        headers={"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"})


async def not_found(request: Request, exc: Exception) -> Response:
    """A page that does not exist, in the page style."""
    return _page(request, "notfound.html.j2", status=404)


def create_app(room: Classroom, base_url: str = "", *,
               clock: Callable[[], float] = time.monotonic,
               tick_seconds: float = TICK_SECONDS) -> Starlette:
    """The Starlette app serving `room`; `base_url` is the address printed for the class."""
    hub = Hub(room, base_url, clock)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette):
        async def ticker() -> None:
            while True:
                await asyncio.sleep(tick_seconds)
                hub.tick()

        task = asyncio.create_task(ticker())
        try:
            yield
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
            room.close()

    routes = [
        Route("/", index_page),
        Route("/t/{code}", team_page),
        Route("/tafel/{code}", table_page),
        Route("/leraar", teacher_page),
        Route("/klasscherm", class_page),
        Route("/qr/{code}.svg", qr_code),
        Route("/rapport/{token}", report),
        WebSocketRoute("/ws", websocket_endpoint),
        Mount("/static", StaticFiles(packages=[("game.klas", "static")]), name="static"),
    ]
    app = Starlette(routes=routes, lifespan=lifespan,
                    exception_handlers={404: not_found})
    app.state.hub = hub
    app.state.templates = _templates()
    return app

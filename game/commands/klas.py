"""`samenspel klas SCENARIO [--teams N] [--host ADDR] [--port N] [--dir FOLDER]`: class play.

Serves the class on the local network (Starlette app run by uvicorn, `game.klas.server`) and
prints the address it listens on, a QR code and code per team, and the teacher's secret link.
`--dir` of an existing class resumes it: every team continues from its log (after a crash,
or a laptop that went to sleep). Exit codes: 0 stopped, 1 bad scenario or class folder, 2 usage.
"""

from __future__ import annotations

import argparse
import atexit
import socket
import subprocess
import sys
from datetime import datetime
from pathlib import Path

from attrs import frozen

from game.i18n import t

DEFAULT_PORT = 8750
DEFAULT_TEAMS = 6
EXIT_BAD_INPUT = 1


def register(subparsers: argparse._SubParsersAction, lang: str = "nl") -> None:
    """Add the `klas` subcommand."""
    p = subparsers.add_parser("klas", help=t("klas.cli.help", lang),
                              description=t("klas.cli.help", lang))
    p.add_argument("scenario", metavar="SCENARIO", nargs="?",
                   help=t("klas.cli.help.scenario", lang))
    p.add_argument("--teams", type=int, default=DEFAULT_TEAMS, metavar="N",
                   help=t("klas.cli.help.teams", lang))
    p.add_argument("--host", metavar="ADDR", help=t("klas.cli.help.host", lang))
    p.add_argument("--port", type=int, default=DEFAULT_PORT, metavar="N",
                   help=t("klas.cli.help.port", lang))
    p.add_argument("--dir", "--map", dest="folder", metavar="FOLDER",
                   help=t("klas.cli.help.dir", lang))
    p.add_argument("--lang", choices=("nl", "en"), default=argparse.SUPPRESS,
                   help=t("cli.help.lang", lang))


def lan_address() -> str:
    """This laptop's address on the local network (no packet is sent), else 127.0.0.1."""
    probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        probe.connect(("10.255.255.255", 1))  # UDP connect only picks the outgoing interface
        return probe.getsockname()[0]
    except OSError:
        return "127.0.0.1"
    finally:
        probe.close()


def default_folder(scenario_id: str) -> Path:
    """`<user data dir>/samenspel/klas/<scenario>-<YYYYmmdd-HHMMSS>/`."""
    import platformdirs

    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    return Path(platformdirs.user_data_dir("samenspel")) / "klas" / f"{scenario_id}-{stamp}"


def _scenario_from_folder(folder: Path) -> str | None:
    import json

    try:
        return json.loads((folder / "klas.json").read_text(encoding="utf-8")).get("scenario_path")
    except (OSError, ValueError):
        return None


def prepare(args, lang: str):
    """The classroom (new or resumed) and the address to serve on; (None, message) on error."""
    from game.errors import SamenspelError
    from game.klas.classroom import STATE_FILE, Classroom
    from game.scenario.loader import load_scenario

    folder = Path(args.folder) if args.folder else None
    scenario_path = args.scenario or (folder and _scenario_from_folder(folder))
    if not scenario_path:
        return None, t("klas.cli.no_scenario", lang)
    try:
        scenario = load_scenario(scenario_path, lang=lang)
    except SamenspelError as exc:
        return None, str(exc)
    try:
        if folder is not None and (folder / STATE_FILE).exists():
            room = Classroom.open(scenario, folder, lang=lang)
            print(t("klas.cli.resumed", lang, folder=folder, teams=len(room.teams)))
        else:
            room = Classroom.create(scenario, folder or default_folder(scenario.id), args.teams,
                                    lang=lang)
    except (SamenspelError, OSError, ValueError, KeyError) as exc:
        return None, str(exc)
    return room, None


def announce(room, host: str, port: int, lang: str, out=sys.stdout) -> str:
    """Print where the class is served, a QR code per team and the teacher link; the base URL."""
    import segno

    shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host
    base = f"http://{shown}:{port}"
    print(t("klas.cli.listening", lang, url=base, host=host), file=out)
    if host.startswith("127.") or host == "localhost":
        print(t("klas.cli.loopback", lang, host=host), file=out)
    print(t("klas.cli.folder", lang, folder=room.folder), file=out)
    for team in room.ordered_teams():
        url = f"{base}/t/{team.code}"
        print("", file=out)
        print(t("klas.cli.team", lang, number=team.number, code=team.code, url=url), file=out)
        if out.isatty():
            segno.make(url, error="m").terminal(out=out, compact=True)
    print("", file=out)
    print(t("klas.cli.teacher", lang, url=f"{base}/leraar#{room.teacher_secret}"), file=out)
    print(t("klas.cli.stop", lang), file=out)
    out.flush()
    return base


@frozen
class Launched:
    """A class server started from the window: what the teacher needs to see."""

    process: subprocess.Popen
    base: str
    teacher_url: str
    teams: tuple[tuple[int, str, str], ...]  # (number, code, join address)
    folder: Path


def _port_free(host: str, port: int) -> bool:
    with socket.socket() as probe:
        try:
            probe.bind((host, port))
        except OSError:
            return False
    return True


def launch(scenario_path: str | Path, lang: str = "nl", teams: int = DEFAULT_TEAMS,
           host: str | None = None, port: int = DEFAULT_PORT) -> Launched | str:
    """Start `samenspel klas` as its own process (the window's menu); or an error message.

    The class is created here (so its codes and teacher link can be shown at once) and served
    by a child process on this laptop's network address; the child is stopped when the
    program that launched it exits (`samenspel klas --dir FOLDER` resumes the class).
    """
    args = argparse.Namespace(scenario=str(scenario_path), folder=None, teams=teams)
    room, problem = prepare(args, lang)
    if room is None:
        return problem
    host = host or lan_address()
    if port == 0 or not _port_free(host, port):
        with socket.socket() as probe:
            probe.bind((host, 0))
            port = probe.getsockname()[1]
    log = open(room.folder / "server.log", "ab")  # noqa: SIM115 - handed to the child
    process = subprocess.Popen(
        [sys.executable, "-m", "game", "--lang", lang, "klas", "--dir", str(room.folder),
         "--host", host, "--port", str(port)], stdout=log, stderr=log)
    log.close()
    atexit.register(process.terminate)
    base = f"http://{host}:{port}"
    return Launched(
        process=process, base=base, teacher_url=f"{base}/leraar#{room.teacher_secret}",
        teams=tuple((t.number, t.code, f"{base}/t/{t.code}") for t in room.ordered_teams()),
        folder=room.folder)


def run(args) -> int:
    """Serve the class until Ctrl+C."""
    import uvicorn

    from game.klas.server import create_app

    lang = getattr(args, "lang", "nl") or "nl"
    room, problem = prepare(args, lang)
    if room is None:
        print(problem, file=sys.stderr)
        return EXIT_BAD_INPUT
    host = args.host or lan_address()
    base = announce(room, host, args.port, lang)
    app = create_app(room, base)
    uvicorn.run(app, host=host, port=args.port, log_level="warning", ws="websockets",
                ws_max_size=64 * 1024, access_log=False)
    return 0

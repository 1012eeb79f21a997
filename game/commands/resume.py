"""`samenspel resume LOG [--text] [--force] [--scenario FILE] [--lang nl|en] [--secret-vote]`.

Rebuilds an interrupted session from its log (every complete event replayed, a damaged last
line dropped) and plays on, appending to the same log. The scenario file is the one named in
the log (`scenario_path` in `session_started`) unless `--scenario` is given. A log of another
version of the scenario is refused unless `--force`. Without `--text` the game window plays
(`game.commands.window.resume_window`). Exit codes as `play`.
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from game.commands import window
from game.commands.play import EXIT_BAD_INPUT, load_or_report
from game.engine.log import logged_scenario_path, read_log
from game.errors import LogError
from game.i18n import t


def register(subparsers: argparse._SubParsersAction, lang: str = "nl") -> None:
    """Add the `resume` subcommand."""
    p = subparsers.add_parser("resume", help=t("play.cli.resume_help", lang),
                              description=t("play.cli.resume_help", lang))
    p.add_argument("log", metavar="LOG", help=t("play.cli.help.resume_log", lang))
    p.add_argument("--text", action="store_true", help=t("play.cli.help.text", lang))
    p.add_argument("--force", action="store_true", help=t("play.cli.help.force", lang))
    p.add_argument("--scenario", metavar="FILE", help=t("play.cli.help.scenario_for_log", lang))
    p.add_argument("--secret-vote", action="store_true", help=t("play.cli.help.secret_vote", lang))
    p.add_argument("--no-timer", "--geen-timer", dest="no_timer", action="store_true",
                   help=t("play.cli.help.no_timer", lang))
    p.add_argument("--lang", choices=("nl", "en"), default=argparse.SUPPRESS,
                   help=t("cli.help.lang", lang))


class _Collect(logging.Handler):
    """Keeps the engine's warnings (a dropped damaged line) to show them to the user."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def run(args: argparse.Namespace) -> int:
    """Resume a session; returns the exit code."""
    lang = args.lang
    if not args.text:
        return int(window.resume_window(args) or 0)

    # imported when used, not at the top: `samenspel --help` and the other commands start fast
    from game.engine.session import Session
    from game.textmode import play_text

    log_path = Path(args.log)
    if not log_path.is_file():
        print(t("play.cli.cannot_read", lang, path=log_path, reason="?"), file=sys.stderr)
        return EXIT_BAD_INPUT
    scenario_path = Path(args.scenario) if args.scenario else logged_scenario_path(log_path)
    if scenario_path is None:
        try:  # an empty or unreadable log: say that, rather than that the scenario is missing
            read_log(log_path, lang)
        except LogError as exc:
            print(str(exc), file=sys.stderr)
            return EXIT_BAD_INPUT
        print(t("play.cli.no_scenario_for_log", lang, path=log_path), file=sys.stderr)
        return EXIT_BAD_INPUT
    scenario = load_or_report(scenario_path, lang)
    if scenario is None:
        return EXIT_BAD_INPUT
    collect = _Collect()  # moves skipped on a forced resume
    engine_logger = logging.getLogger("game.engine.session")
    engine_logger.addHandler(collect)
    try:
        session = Session.resume(log_path, scenario, force=args.force, lang=lang)
    except LogError as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_BAD_INPUT
    finally:
        engine_logger.removeHandler(collect)
    if session.dropped_line is not None:
        print(t("play.cli.dropped", lang, path=log_path, line=session.dropped_line),
              file=sys.stderr)
    for message in collect.messages:
        print(message, file=sys.stderr)
    print(t("play.cli.log_at", lang, path=log_path))
    return play_text(session, intro=False, secret_vote=args.secret_vote,
                     resume_command=f"samenspel resume {log_path} --text"
                     + (" --no-timer" if args.no_timer else ""),
                     timers=not args.no_timer)

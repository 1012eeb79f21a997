"""`samenspel play SCENARIO [--text] [--player ROLE=NAME ...] [--log FILE] [--seed N]`.

Also `--lang nl|en` and `--secret-vote` (every vote behind a hand-over line). Without `--text`
the game window plays (`game.commands.window.play_window`; without a display it says so and
points to `--text`). Exit codes: 0 ended or saved, 1 bad
scenario (problems printed as `path:line:col: error: message`) or unusable log file, 2 usage.
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

from game.commands import window
from game.errors import LogError, ScenarioError, SessionError
from game.i18n import t

EXIT_BAD_INPUT = 1
EXIT_USAGE = 2


def register(subparsers: argparse._SubParsersAction, lang: str = "nl") -> None:
    """Add the `play` subcommand."""
    p = subparsers.add_parser("play", help=t("play.cli.help", lang),
                              description=t("play.cli.help", lang))
    p.add_argument("scenario", metavar="SCENARIO", help=t("play.cli.help.scenario", lang))
    p.add_argument("--text", action="store_true", help=t("play.cli.help.text", lang))
    p.add_argument("--player", action="append", default=[], metavar="ROLE=NAME",
                   help=t("play.cli.help.player", lang))
    p.add_argument("--log", metavar="FILE", help=t("play.cli.help.log", lang))
    p.add_argument("--seed", type=int, metavar="N", help=t("play.cli.help.seed", lang))
    p.add_argument("--secret-vote", action="store_true", help=t("play.cli.help.secret_vote", lang))
    p.add_argument("--no-timer", "--geen-timer", dest="no_timer", action="store_true",
                   help=t("play.cli.help.no_timer", lang))
    p.add_argument("--lang", choices=("nl", "en"), default=argparse.SUPPRESS,
                   help=t("cli.help.lang", lang))


def parse_players(items: list[str], lang: str) -> dict[str, str] | str:
    """`ROLE=NAME` items as a dict, or the error message for the first malformed one."""
    players: dict[str, str] = {}
    for item in items:
        role, sep, name = item.partition("=")
        if not sep or not role.strip() or not name.strip():
            return t("play.cli.bad_player", lang, value=item)
        players[role.strip()] = name.strip()
    return players


def default_log_path(scenario_id: str) -> Path:
    """`<user data dir>/samenspel/logs/<scenario>-<YYYYmmdd-HHMMSS>.jsonl` (a new file)."""
    # imported when used, not at the top: `samenspel --help` and the other commands start fast
    from game.engine.log import new_log_path

    return new_log_path(scenario_id)


def load_or_report(path, lang: str):
    """The scenario at `path`, or None after printing its problems (`path:line:col: ...`)."""
    # imported when used, not at the top: `samenspel --help` and the other commands start fast
    from game.scenario.loader import load_scenario

    try:
        return load_scenario(path, lang=lang)
    except ScenarioError as exc:
        print(exc.format(lang), file=sys.stderr)
    except OSError as exc:
        print(t("play.cli.cannot_read", lang, path=path, reason=exc.strerror or exc),
              file=sys.stderr)
    return None


def run(args: argparse.Namespace) -> int:
    """Play a scenario; returns the exit code."""
    lang = args.lang
    if not args.text:
        return int(window.play_window(args) or 0)

    # imported when used, not at the top: `samenspel --help` and the other commands start fast
    from game.engine.session import Session
    from game.textmode import play_text

    players = parse_players(args.player, lang)
    if isinstance(players, str):
        print(players, file=sys.stderr)
        return EXIT_USAGE
    scenario = load_or_report(args.scenario, lang)
    if scenario is None:
        return EXIT_BAD_INPUT
    unknown = [r for r in players if r not in scenario.roles]
    if unknown:
        print(t("play.cli.unknown_player_role", lang, role=unknown[0],
                roles=", ".join(scenario.roles)), file=sys.stderr)
        return EXIT_USAGE
    log_path = Path(args.log) if args.log else default_log_path(scenario.id)
    # Without --seed every game differs; the seed is in the log, so resume stays exact.
    seed = args.seed if args.seed is not None else random.SystemRandom().randrange(2**31)
    try:
        session = Session(scenario, players=players, log=log_path, seed=seed, lang=lang)
    except (LogError, SessionError, OSError) as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_BAD_INPUT
    print(t("play.cli.log_at", lang, path=log_path))
    return play_text(session, secret_vote=args.secret_vote,
                     resume_command=f"samenspel resume {log_path} --text"
                     + (" --no-timer" if args.no_timer else ""),
                     timers=not args.no_timer)

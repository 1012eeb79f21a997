"""The `samenspel` command line: argparse subcommands (docs/command-line.md).

Without a subcommand the game window opens; `game.ui` (and so pygame) is imported only then.
Exit codes: 0 done, 1 bad input (scenario, log), 2 usage.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys

from game.__version__ import VERSION
from game.commands import COMMANDS, window
from game.i18n import t


def _initial_language(argv: list[str]) -> str:
    """The language for help and errors: `--lang` on the command line, else SAMENSPEL_LANG."""
    for i, arg in enumerate(argv):
        if arg == "--lang" and i + 1 < len(argv):
            return argv[i + 1]
        if arg.startswith("--lang="):
            return arg.split("=", 1)[1]
    return os.environ.get("SAMENSPEL_LANG", "nl")


def build_parser(lang: str = "nl") -> argparse.ArgumentParser:
    """The parser with every subcommand of `game.commands.COMMANDS`."""
    parser = argparse.ArgumentParser(
        prog="samenspel",
        description=t("cli.description", lang),
    )
    parser.add_argument("--version", action="version", version=f"samenspel {VERSION}")
    parser.add_argument("--lang", choices=("nl", "en"), default=None, help=t("cli.help.lang", lang))
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMANDS:
        importlib.import_module(f"game.commands.{name}").register(sub, lang)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    argv = list(sys.argv[1:] if argv is None else argv)
    lang = _initial_language(argv)
    if lang not in ("nl", "en"):
        lang = "nl"
    parser = build_parser(lang)
    args = parser.parse_args(argv)
    if getattr(args, "lang", None) is None:
        args.lang = lang
    if args.command is None:
        return window.run(args)
    module = importlib.import_module(f"game.commands.{args.command}")
    try:
        return int(module.run(args) or 0)
    except KeyboardInterrupt:
        print(t("cli.interrupted", args.lang), file=sys.stderr)
        return 130

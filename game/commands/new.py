"""`samenspel new ID [--roles a,b,c] [-o FILE] [--force] [--lang nl|en]`: a starter scenario.

Writes a commented starter scenario (Dutch; English with `--lang en`) that validates cleanly
with `--strict` and plays to an ending, then prints the next steps. Refuses an id that is not
a slug, bad or duplicate role ids, fewer than two roles, and an existing file unless `--force`.
Exit codes: 0 written, 1 refused (bad id, bad roles, file exists, cannot write).
"""

from __future__ import annotations

import argparse
import sys

from game.i18n import t


def register(subparsers: argparse._SubParsersAction, lang: str = "nl") -> None:
    """Add the `new` subcommand."""
    parser = subparsers.add_parser(
        "new",
        help=t("authoring.new.cli.help", lang),
        description=t("authoring.new.cli.description", lang),
    )
    parser.add_argument("id", metavar="ID", help=t("authoring.new.cli.help.id", lang))
    parser.add_argument("--roles", metavar="A,B,C", default=None,
                        help=t("authoring.new.cli.help.roles", lang))
    parser.add_argument("-o", "--output", metavar="FILE", default=None,
                        help=t("authoring.new.cli.help.out", lang))
    parser.add_argument("--force", action="store_true",
                        help=t("authoring.new.cli.help.force", lang))
    parser.add_argument("--lang", choices=("nl", "en"), default=argparse.SUPPRESS,
                        help=t("cli.help.lang", lang))


def run(args: argparse.Namespace) -> int:
    """Write the starter and print the next steps; return the exit code."""
    # imported when used, not at the top: `samenspel --help` and the other commands start fast
    from game.authoring.new import StarterError, check_id, parse_roles, write_starter

    lang = getattr(args, "lang", None) or "nl"
    try:
        check_id(args.id)
        roles = parse_roles(args.roles)
        path = write_starter(args.id, roles, args.output, force=args.force, lang=lang)
    except StarterError as exc:
        values = dict(exc.values)
        if "suggestion" in values:
            value = values["suggestion"]
            values["suggestion"] = t("authoring.new.suggestion", lang, value=value) if value else ""
        print(t(exc.key, lang, **values), file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"{args.output or args.id}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    print(t("authoring.new.written", lang, path=path))
    print(t("authoring.new.next", lang, path=path, stem=path.with_suffix("")))
    return 0

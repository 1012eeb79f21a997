"""`samenspel graph SCENARIO -o OUT [--lang nl|en]`: draw a scenario's scene graph.

The output file's extension picks the format: `.dot`/`.gv` (Graphviz source) and `.mmd`
(Mermaid) always work; `.svg`, `.png` and `.pdf` need Graphviz's `dot` program. Without it the
command explains how to install it and that `.dot`/`.mmd` work without it, and exits 1.
Exit codes: 0 written, 1 bad scenario or missing `dot` or drawing failed, 2 usage (no such
file, unknown extension).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from game.errors import ScenarioError
from game.i18n import t


def register(subparsers: argparse._SubParsersAction, lang: str = "nl") -> None:
    """Add the `graph` subcommand."""
    parser = subparsers.add_parser(
        "graph",
        help=t("authoring.graph.cli.help", lang),
        description=t("authoring.graph.cli.description", lang),
    )
    parser.add_argument("scenario", metavar="SCENARIO",
                        help=t("authoring.graph.cli.help.scenario", lang))
    parser.add_argument("-o", "--output", required=True, metavar="OUT",
                        help=t("authoring.graph.cli.help.out", lang))
    parser.add_argument("--lang", choices=("nl", "en"), default=argparse.SUPPRESS,
                        help=t("cli.help.lang", lang))


def run(args: argparse.Namespace) -> int:
    """Load the scenario, write the graph, print where it went; return the exit code."""
    # imported when used, not at the top: `samenspel --help` and the other commands start fast
    from game.authoring import graph
    from game.scenario.loader import load_scenario

    lang = getattr(args, "lang", None) or "nl"
    out = Path(args.output)
    try:
        fmt = graph.output_format(out)
    except graph.GraphFormatError:
        print(t("authoring.graph.cli.bad_format", lang, suffix=out.suffix or "(geen)",
                path=str(out), formats=", ".join("." + f for f in graph.FORMATS)),
              file=sys.stderr)
        return 2
    if not Path(args.scenario).is_file():
        print(t("authoring.graph.cli.missing", lang, path=args.scenario), file=sys.stderr)
        return 2
    if fmt not in graph.TEXT_FORMATS and not graph.has_dot():
        # Say so before loading: the teacher learns the fix without waiting for anything else.
        print(_no_dot_message(args.scenario, out, fmt, lang), file=sys.stderr)
        return 1
    try:
        scenario = load_scenario(args.scenario, lang=lang)
    except ScenarioError as exc:
        print(t("authoring.graph.cli.invalid", lang, path=args.scenario), file=sys.stderr)
        for problem in exc.problems:
            print("  " + problem.format(lang), file=sys.stderr)
        return 1
    try:
        written = graph.render(scenario, out, lang)
    except graph.GraphvizNotFoundError:
        print(_no_dot_message(args.scenario, out, fmt, lang), file=sys.stderr)
        return 1
    except OSError as exc:
        print(t("authoring.graph.cli.dot_failed", lang, error=exc), file=sys.stderr)
        return 1
    except Exception as exc:  # noqa: BLE001 - graphviz.CalledProcessError and friends
        print(t("authoring.graph.cli.dot_failed", lang, error=exc), file=sys.stderr)
        return 1
    print(t("authoring.graph.cli.written", lang, path=written))
    return 0


def _no_dot_message(scenario: str, out: Path, fmt: str, lang: str) -> str:
    """How to install Graphviz, and the command that works without it."""
    stem = str(out.with_suffix("")) if out.suffix else str(out)
    return t("authoring.graph.cli.no_dot", lang, format="." + fmt, scenario=scenario, stem=stem)

"""`samenspel debrief LOG... [-o report.html] [--csv F] [--xapi F] [--pseudonymize] [--excel-nl]`.

The teacher's hour after class. One log gives a team report; several logs of one scenario a
class report (teams side by side, endings, the decisions where teams parted). The scenario is
found from the log (by sha256 next to the log, in the bundled and the user's folders, at the
path the engine logged) or given with `--scenario FILE`. Exit codes: 0 written, 1 a log or the
scenario could not be read (a message saying what and where, never a traceback), 2 usage.
A truncated last line of a log (a crash while writing) is dropped with a warning.
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from game.errors import LogError, ScenarioError
from game.i18n import t

log = logging.getLogger(__name__)

#: From how many logs on a progress bar is shown (when the terminal is interactive).
PROGRESS_FROM = 5


def register(subparsers: argparse._SubParsersAction, lang: str = "nl") -> None:
    """Add the `debrief` subcommand."""
    parser = subparsers.add_parser(
        "debrief", help=t("report.cli.help", lang), description=t("report.cli.help", lang)
    )
    parser.add_argument("logs", nargs="+", metavar="LOG", help=t("report.cli.logs", lang))
    parser.add_argument("-o", "--output", metavar="REPORT.html", help=t("report.cli.output", lang))
    parser.add_argument("--csv", metavar="FILE", help=t("report.cli.csv", lang))
    parser.add_argument("--xapi", metavar="FILE", help=t("report.cli.xapi", lang))
    parser.add_argument(
        "--pseudonymize", "--pseudonimiseer", action="store_true",
        help=t("report.cli.pseudonymize", lang),
    )
    parser.add_argument("--excel-nl", action="store_true", help=t("report.cli.excel_nl", lang))
    parser.add_argument("--scenario", metavar="FILE", help=t("report.cli.scenario", lang))
    parser.add_argument("--xapi-base", metavar="IRI", help=t("report.cli.xapi_base", lang))
    parser.add_argument("--xapi-home", metavar="URL", help=t("report.cli.xapi_home", lang))
    parser.add_argument(
        "--lang", choices=("nl", "en"), default=argparse.SUPPRESS, help=t("cli.help.lang", lang)
    )


def default_report_path(logs: list, scenario_id: str) -> Path:
    """Where the report goes without `-o`: beside the first log.

    One team: `<log name>-rapport.html`; a class: `<scenario id>-klasrapport.html`.
    """
    first = Path(logs[0].path)
    if len(logs) == 1:
        return first.with_name(f"{first.stem}-rapport.html")
    return first.with_name(f"{scenario_id}-klasrapport.html")


def _read_logs(paths: list[str], lang: str):
    """Read every log, with a rich progress bar on many logs in an interactive terminal."""
    # imported when used, not at the top: `samenspel --help` and the other commands start fast
    from game.export.logs import read_team_logs

    if len(paths) < PROGRESS_FROM or not sys.stderr.isatty():
        return read_team_logs(paths, lang)
    # rich loads only where a command draws progress, to keep start-up fast
    from rich.progress import Progress

    with Progress(transient=True) as progress:
        task = progress.add_task(t("report.progress", lang), total=len(paths))
        return read_team_logs(paths, lang, progress=lambda _p: progress.advance(task))


def run(args: argparse.Namespace) -> int:
    """Read the logs, find the scenario, write the report (and CSV/xAPI when asked)."""
    lang = getattr(args, "lang", None) or "nl"
    handler = _WarningPrinter(lang)
    export_log = logging.getLogger("game.export")
    export_log.addHandler(handler)
    try:
        return _run(args, lang)
    finally:
        export_log.removeHandler(handler)


class _WarningPrinter(logging.Handler):
    """Shows the export package's warnings (scenario edited since the session, a log given
    twice) on stderr as `waarschuwing: ...` while the command runs."""

    def __init__(self, lang: str):
        super().__init__(logging.WARNING)
        self.lang = lang

    def emit(self, record: logging.LogRecord) -> None:
        print(t("report.cli.warning", self.lang, message=record.getMessage()), file=sys.stderr)


def _run(args: argparse.Namespace, lang: str) -> int:
    """The command's work, with warnings already routed to stderr."""
    # imported when used, not at the top: `samenspel --help` and the other commands start fast
    from game.export.csv import write_csv
    from game.export.logs import check_same_scenario, find_scenario
    from game.export.report import write_report
    from game.export.sources import team_logs
    from game.export.xapi import DEFAULT_BASE, write_xapi

    def fail(message: str) -> int:
        print(t("report.cli.error", lang, message=message), file=sys.stderr)
        return 1

    try:
        logs = _read_logs(args.logs, lang)
        check_same_scenario(logs, lang)
        scenario = find_scenario(logs[0], args.scenario, lang)
    except LogError as exc:
        return fail(str(exc))
    except ScenarioError as exc:  # the --scenario file does not load: its problems, as validate
        print(exc.format(lang), file=sys.stderr)
        return 1
    for team in logs:
        for warning in team.warnings:
            print(t("report.cli.warning", lang, message=warning), file=sys.stderr)
    logs = team_logs(logs, scenario, args.pseudonymize, lang)
    output = Path(args.output) if args.output else default_report_path(logs, scenario.id)
    try:
        write_report(logs, output, scenario, lang=lang)
        print(t("report.written", lang, path=output))
        if args.csv:
            rows = write_csv(logs, args.csv, scenario, lang=lang, excel_nl=args.excel_nl)
            print(t("report.written_csv", lang, path=args.csv, rows=rows))
        if args.xapi:
            count = write_xapi(
                logs, args.xapi, scenario, lang=lang, base_iri=args.xapi_base or DEFAULT_BASE,
                home_page=args.xapi_home,
            )
            print(t("report.written_xapi", lang, path=args.xapi, count=count))
            if not (args.xapi_home or args.xapi_base):
                print(t("report.cli.xapi_placeholder", lang, home=DEFAULT_BASE), file=sys.stderr)
    except OSError as exc:
        return fail(f"{exc.filename}: {exc.strerror}")
    return 0

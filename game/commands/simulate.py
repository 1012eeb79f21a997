"""`samenspel simulate SCENARIO [--runs N] [--seed N] [--json] [--all-paths] [--samenwerking]
[--lang nl|en]`.

Random playthroughs (or, with `--all-paths`, every path of a small scenario) through the real
engine, reported for the author: endings reached, score ranges per dimension beside the
maxima, scenes never entered, choices never taken, guards that never opened, stalls and
crashes, average length. Dutch by default. A progress bar on stderr for long runs when stderr
is a terminal and the output is not JSON. Exit codes: 0 fine, 1 a bad scenario or a run that
crashed, stalled or never ended, 2 usage.

`--samenwerking` (`--cooperation`) runs the cooperation check instead
(`game.authoring.cooperation`): per fixed team (silent, solo per role, random, open) the
endings it can reach, its best index, the shortest path to a good ending without cooperation,
and the role balance; exit code 1 when a silent team can reach a good ending.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any, TextIO

from game.errors import ScenarioError
from game.i18n import format_number, t

#: From this many runs (or paths) on, a progress bar is shown on a terminal.
PROGRESS_FROM = 500


def _positive(text: str) -> int:
    """An argparse type: a whole number of at least 1."""
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1 (got {text!r})")
    return value


def register(subparsers: argparse._SubParsersAction, lang: str = "nl") -> None:
    """Add the `simulate` subcommand."""
    parser = subparsers.add_parser(
        "simulate",
        help=t("simulate.cli.help", lang),
        description=t("simulate.cli.description", lang),
    )
    parser.add_argument("scenario", metavar="SCENARIO", help=t("simulate.cli.help.scenario", lang))
    parser.add_argument("--runs", type=_positive, default=None,
                        help=t("simulate.cli.help.runs", lang))
    parser.add_argument("--seed", type=int, default=1, help=t("simulate.cli.help.seed", lang))
    parser.add_argument("--json", action="store_true", help=t("simulate.cli.help.json", lang))
    parser.add_argument("--all-paths", action="store_true",
                        help=t("simulate.cli.help.all_paths", lang))
    parser.add_argument("--max-paths", type=_positive, default=2000,
                        help=t("simulate.cli.help.max_paths", lang))
    parser.add_argument("--samenwerking", "--cooperation", dest="cooperation",
                        action="store_true", help=t("simulate.cli.help.cooperation", lang))
    parser.add_argument("--jobs", type=_positive, default=None,
                        help=t("simulate.cli.help.jobs", lang))
    parser.add_argument("--lang", choices=("nl", "en"), default=argparse.SUPPRESS,
                        help=t("cli.help.lang", lang))


def run(args: argparse.Namespace) -> int:
    """Load the scenario, simulate, print the report; 1 when something went wrong."""
    # imported when used, not at the top: `samenspel --help` and the other commands start fast
    from game.scenario.loader import load_scenario

    lang = getattr(args, "lang", None) or "nl"
    try:
        scenario = load_scenario(args.scenario, lang=lang)
    except FileNotFoundError:
        print(t("simulate.cli.missing", lang, path=args.scenario), file=sys.stderr)
        return 1
    except ScenarioError as exc:
        for problem in exc.problems:
            print(problem.format(lang), file=sys.stderr)
        return 1
    if getattr(args, "cooperation", False):
        # imported when used: the check pulls in the search
        from game.authoring.cooperation import RUNS, check

        report = check(scenario, runs=args.runs or RUNS, seed=args.seed)
        _output(report, args, lambda out: print_cooperation(report, scenario, lang, out))
        return 1 if report["silent_good"] else 0
    report = _simulate(scenario, args, lang)
    _output(report, args, lambda out: print_report(report, scenario, lang, out))
    return 0 if report["ok"] else 1


def _output(report: dict[str, Any], args: argparse.Namespace, text) -> None:
    """The report as JSON with `--json`, else as text."""
    if args.json:
        json.dump(report, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        text(sys.stdout)


def _simulate(scenario: Any, args: argparse.Namespace, lang: str) -> dict[str, Any]:
    """Run the simulation, with a progress bar when that helps and is allowed."""
    # imported when used, not at the top: `samenspel --help` and the other commands start fast
    from game.authoring.simulate import all_paths, simulate

    args.runs = args.runs or 1000
    total = 2 * args.max_paths if args.all_paths else args.runs
    show = (not args.json and total >= PROGRESS_FROM and sys.stderr.isatty())
    if args.all_paths:
        def job(progress):
            return all_paths(scenario, max_paths=args.max_paths, progress=progress)
    else:
        def job(progress):
            return simulate(scenario, runs=args.runs, seed=args.seed, jobs=args.jobs,
                            progress=progress)
    if not show:
        return job(None)
    # rich loads only where a command draws progress, to keep start-up fast
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

    with Progress("[progress.description]{task.description}", BarColumn(),
                  MofNCompleteColumn(), TimeRemainingColumn(),
                  console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task(t("simulate.progress", lang), total=total)
        return job(lambda done: bar.update(task, completed=done))


def print_cooperation(report: dict[str, Any], scenario: Any, lang: str, out: TextIO) -> None:
    """The cooperation check's report as text, in the user's language."""
    def line(key: str = "", **values: Any) -> None:
        out.write((t(key, lang, **values) if key else "") + "\n")

    silent = report["teams"][0]
    plays = silent["index"]["plays"]
    line("simulate.coop.head", title=scenario.title, id=scenario.id, plays=plays)
    line()
    for team in report["teams"]:
        name = t(f"simulate.coop.team.{team['team']}", lang, role=team["role"] or "")
        method = t(f"simulate.coop.method.{team['method']}", lang,
                   unknown=", ".join(team["unknown"]))
        best = team["index"]["best"]
        line("simulate.coop.team", team=name, method=method,
             endings=", ".join(f"{e}{' ✓' if e in team['good_endings'] else ''}"
                               for e in team["endings"]) or "–",
             index="–" if best is None else _n(best, lang))
        path = team["path"]
        if path is not None and team is not silent and path == silent["path"]:
            line("simulate.coop.same_path")
        elif path is not None:
            line("simulate.coop.path", ending=path["ending"])
            for n, step in enumerate(s for s in path["steps"] if "choice" in s):
                line("simulate.coop.step", n=n + 1, scene=step["scene"], text=step["text"])
    line()
    if report["silent_good"]:
        line("simulate.coop.verdict.silent_good", endings=", ".join(silent["good_endings"]))
    elif silent["method"] == "exhaustive":
        line("simulate.coop.verdict.proven")
    else:
        line("simulate.coop.verdict.unproven")
    line()
    line("simulate.coop.balance", limit=_n(round(100 * report["balance"]["limit"]), lang))
    for role, values in report["balance"]["roles"].items():
        played = values["played_share"]
        line("simulate.coop.balance.role", role=role,
             solo=values["solo"], ties=values["tiebreaks"],
             share=_n(round(100 * values["share"]), lang),
             played="–" if played is None else _n(round(100 * played), lang),
             warn=" ⚠" if role in report["balance"]["warn"] else "")


def _n(value: Any, lang: str) -> str:
    """A number for people (12.000 / 2,5 in Dutch), or a dash for None."""
    return "–" if value is None else format_number(value, lang)


def print_report(report: dict[str, Any], scenario: Any, lang: str, out: TextIO) -> None:
    """The report as plain, readable text in the user's language."""
    def line(key: str = "", **values: Any) -> None:
        out.write((t(key, lang, **values) if key else "") + "\n")

    if report["mode"] == "all-paths":
        line("simulate.head.paths", title=scenario.title, id=scenario.id,
             paths=_n(report["runs"], lang))
        if report["truncated"]:
            line("simulate.truncated", max=_n(report["max_paths"], lang))
        if report["cut_paths"]:
            line("simulate.cut", count=_n(report["cut_paths"], lang))
    else:
        line("simulate.head.runs", title=scenario.title, id=scenario.id,
             runs=_n(report["runs"], lang), seed=report["seed"])
    line()
    line("simulate.endings")
    width = max((len(e) for e in report["endings"]), default=0)
    for eid, ending in report["endings"].items():
        outcome = t(f"simulate.outcome.{ending['outcome']}", lang)
        out.write(f"  {eid:<{width}}  {outcome:<8} {_n(ending['count'], lang):>7}  "
                  f"{_n(ending['percent'], lang):>5}%\n")
    for eid in report["endings_never_reached"]:
        line("simulate.ending_never", ending=eid)
    line()
    line("simulate.scores")
    width = max((len(d) for d in report["scores"]), default=0)
    for dim, s in report["scores"].items():
        source = t("simulate.max.author" if s["author_max"] is not None else
                   "simulate.max.computed", lang)
        if s["approximate"]:
            source += ", " + t("simulate.max.approximate", lang)
        elif s["author_max"] is None and not s["path_sensitive"]:
            source += ", " + t("simulate.max.bound", lang)
        out.write(f"  {dim:<{width}}  {_n(s['min'], lang)} / {_n(s['median'], lang)} / "
                  f"{_n(s['max'], lang)}   max {_n(s['possible_max'], lang)} ({source})\n")
        if s["author_max"] is not None and s["computed_max"] != s["author_max"]:
            key = "simulate.max.differs" if s["path_sensitive"] else "simulate.max.differs_bound"
            line(key, computed=_n(s["computed_max"], lang))
        if s["above_max"]:
            line("simulate.above_max", count=_n(s["above_max"], lang))
    index = report["index"]
    line("simulate.index", min=_n(index["min"], lang), median=_n(index["median"], lang),
         max=_n(index["max"], lang))
    length = report["length"]
    line("simulate.length", scenes=_n(length["mean_scenes"], lang),
         decisions=_n(length["mean_decisions"], lang), min=_n(length["min_scenes"], lang),
         max=_n(length["max_scenes"], lang))
    line()

    def listing(key: str, items: list[str]) -> None:
        if items:
            line(key, count=_n(len(items), lang))
            for item in items:
                out.write(f"  - {item}\n")
        else:
            line(key + ".none")

    listing("simulate.never_entered", report["scenes_never_entered"])
    listing("simulate.never_taken",
            [f"{c['scene']}: {c['choice']}" for c in report["choices_never_taken"]])
    listing("simulate.never_opened",
            [f"{g['scene']}: {g['choice']} (if: {g['if']})" for g in report["guards_never_opened"]])
    listing("simulate.routes_never",
            [f"{r['scene']}: {r['choice']} → {r['to']} (if: {r['if']})"
             for r in report["routes_never_taken"]])
    line()
    for stall in report["stalls"]:
        line("simulate.stall", scene=stall["scene"], count=_n(stall["count"], lang))
    for run in report["endless"]:
        line("simulate.endless", run=run)
    for crash in report["crashes"]:
        line("simulate.crash", run=crash["run"], scene=crash.get("scene") or "–",
             error=crash["error"])
    line("simulate.ok" if report["ok"] else "simulate.not_ok")

"""`samenspel validate PATH... [--strict] [--json]`: check scenario files and folders.

Every problem of every file, compiler style (`path:line:col: error: message`), each followed
by the offending source line with a caret under the column and a fix hint when there is one;
then a summary line. Folders are searched recursively for `*.yaml` and `*.yml`.
Exit codes: 0 clean, 1 errors (or warnings with `--strict`), 2 usage (a path that does not
exist, a folder without scenario files). No input ever ends in a traceback.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path
from typing import TextIO

from game.i18n import t

log = logging.getLogger(__name__)

SUFFIXES = (".yaml", ".yml")


def register(subparsers: argparse._SubParsersAction, lang: str = "nl") -> None:
    """Add the `validate` subcommand."""
    parser = subparsers.add_parser(
        "validate",
        help=t("problems.cli.help", lang),
        description=t("problems.cli.description", lang),
    )
    parser.add_argument("paths", nargs="+", metavar="PATH", help=t("problems.cli.help.paths", lang))
    parser.add_argument("--strict", action="store_true", help=t("problems.cli.help.strict", lang))
    parser.add_argument("--json", action="store_true", help=t("problems.cli.help.json", lang))
    parser.add_argument(
        "--lang",
        choices=("nl", "en"),
        default=argparse.SUPPRESS,
        help=t("cli.help.lang", lang),
    )


def scenario_files(paths: list[str]) -> tuple[list[Path], list[str]]:
    """The files to check, in a stable order, and the paths that do not exist."""
    files: list[Path] = []
    missing: list[str] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found = sorted(
                p for p in path.rglob("*") if p.suffix.lower() in SUFFIXES and p.is_file()
            )
            files.extend(found)
        elif path.exists():
            files.append(path)
        else:
            missing.append(raw)
    return files, missing


def run(args: argparse.Namespace) -> int:
    """Validate every file named or found; print the problems; return the exit code."""
    lang = getattr(args, "lang", None) or "nl"
    files, missing = scenario_files(args.paths)
    if missing:
        for raw in missing:
            print(t("problems.cli.missing", lang, path=raw), file=sys.stderr)
        return 2
    if not files:
        print(t("problems.cli.no_files", lang, paths=", ".join(args.paths)), file=sys.stderr)
        return 2
    results = [(path, _check(path, strict=args.strict)) for path in files]
    if args.json:
        _print_json(results, lang, sys.stdout)
    else:
        _print_human(results, lang, sys.stdout)
    errors = sum(p.severity == "error" for _, problems in results for p in problems)
    warnings = sum(p.severity == "warning" for _, problems in results for p in problems)
    if errors or (args.strict and warnings):
        return 1
    return 0


def _check(path: Path, strict: bool = False) -> list:
    """Every problem of one file; an unexpected failure becomes an `internal-error` problem.
    `strict` adds the cooperation check's warning (`silent-team-good-ending`) to a file that
    loads."""
    # imported when used, not at the top: `samenspel --help` and the other commands start fast
    from game.scenario.loader import load_scenario_with_problems
    from game.scenario.messages import problem

    try:
        scenario, problems = load_scenario_with_problems(path)
        if strict and scenario is not None:
            from game.authoring.cooperation import strict_problems

            problems = [*problems, *strict_problems(scenario)]
    except Exception as exc:  # noqa: BLE001 - the command never shows a traceback
        log.exception("validating %s failed", path)
        return [problem("internal-error", (), source=str(path), marks={}, position=(0, 0),
                        detail=f"{type(exc).__name__}: {exc}")]
    return problems


def _print_json(results: list, lang: str, out: TextIO) -> None:
    """All problems as one JSON list of objects."""
    items = []
    for _path, problems in results:
        for p in problems:
            items.append({
                "path": p.path,
                "line": p.line,
                "column": p.column,
                "severity": p.severity,
                "code": p.code,
                "message": p.text(lang),
                "message_en": p.message,
                "message_nl": p.message_nl,
                "hint": (p.hint_nl or p.hint) if lang == "nl" else p.hint,
            })
    json.dump(items, out, ensure_ascii=False, indent=2)
    out.write("\n")


def _print_human(results: list, lang: str, out: TextIO) -> None:
    """Problems per file with the source line and a caret, then one summary line."""
    first = True
    for path, problems in results:
        if not problems:
            continue
        if not first:
            out.write("\n")
        first = False
        lines = _source_lines(path)
        for p in problems:
            out.write(p.format(lang) + "\n")
            if 0 < p.line <= len(lines):
                out.write(_excerpt(lines[p.line - 1], p.line, p.column))
            hint = (p.hint_nl or p.hint) if lang == "nl" else p.hint
            if hint:
                out.write(f"      = {t('problems.cli.hint', lang)}: {hint}\n")
    errors = sum(p.severity == "error" for _, problems in results for p in problems)
    warnings = sum(p.severity == "warning" for _, problems in results for p in problems)
    if not first:
        out.write("\n")
    out.write(summary(errors, warnings, len(results), lang) + "\n")


def _source_lines(path: Path) -> list[str]:
    """The file's lines for quoting (undecodable bytes replaced); [] when unreadable."""
    try:
        data = path.read_bytes()
    except OSError:
        return []
    return data.decode("utf-8", "replace").lstrip("\ufeff").splitlines()


def _excerpt(line: str, number: int, column: int) -> str:
    """The source line with its number, and a caret under `column` (tabs kept for alignment)."""
    line = line.rstrip("\r\n")
    gutter = f"{number:>5} | "
    text = gutter + line + "\n"
    if column >= 1:
        pad = "".join("\t" if ch == "\t" else " " for ch in line[: column - 1])
        text += " " * (len(gutter) - 2) + "| " + pad + "^\n"
    return text


def summary(errors: int, warnings: int, files: int, lang: str) -> str:
    """`3 fouten, 2 waarschuwingen in 2 bestanden` with correct singulars."""

    def count(n: int, noun: str) -> str:
        form = "one" if n == 1 else "other"
        return t(f"problems.cli.{noun}.{form}", lang, n=n)

    return t(
        "problems.cli.summary",
        lang,
        errors=count(errors, "errors"),
        warnings=count(warnings, "warnings"),
        files=count(files, "files"),
    )

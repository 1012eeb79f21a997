"""YAML syntax errors as an author can act on them: every one reachable, each with a tip.

A YAML parser stops at its first error, so a tab on line 41 used to hide a missing colon on
line 5 until the first was fixed. `syntax_problems(text)` instead reads the text, and after each
error repairs its working copy the way the author most likely meant (a ':' after the key, the
line moved to the column of its neighbours, a line left out) and reads again, until the text
parses or no repair helps. Positions stay valid because a repair never adds or removes a line.
Only syntax problems are reported from a repaired copy: nothing is built from it.

Each libyaml (or pure PyYAML) message is recognised by its wording and turned into a catalogue
message `problems.syntax.<name>` with a tip `problems.hint.syntax.<name>` in both languages;
a message nobody foresaw still gets a Dutch text and a general tip, with the parser's words
kept in the English text.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import attrs
import yaml

from game.i18n import translate
from game.scenario.messages import problem
from game.scenario.problems import Problem

MAX_ROUNDS = 25
"""Most syntax problems reported for one file (each costs one more read of the text)."""
MAX_REPAIR_BYTES = 256 * 1024
"""Above this size only the first syntax problem is reported: each repair reads the text up
to three more times, and real cases are well under 100 KB."""

_BREAK = re.compile("(\r\n|[\r\n\x85\u2028\u2029])")
_KEY_AND_REST = re.compile(r"(- +)?([A-Za-z_][\w-]*)\s+(\S.*)")
_KEY_ONLY = re.compile(r"(- +)?([A-Za-z_][\w-]*)\s*")
_KEY_VALUE = re.compile(r"(\s*(?:- +)?[A-Za-z_][\w-]*:\s+)(.*\S)\s*")


class Lines:
    """The text as editable lines, each with its own line break kept."""

    def __init__(self, text: str):
        parts = _BREAK.split(text)
        self.lines = parts[0::2]
        self.breaks = parts[1::2] + [""]

    def __str__(self) -> str:
        return "".join(line + brk for line, brk in zip(self.lines, self.breaks))

    def __len__(self) -> int:
        return len(self.lines)

    def get(self, number: int) -> str:
        """Line `number` (1-based), or "" past either end."""
        return self.lines[number - 1] if 1 <= number <= len(self.lines) else ""

    def put(self, number: int, text: str) -> None:
        """Replace line `number` (1-based) when it exists."""
        if 1 <= number <= len(self.lines):
            self.lines[number - 1] = text


def indent_of(line: str) -> int:
    """The number of leading spaces."""
    return len(line) - len(line.lstrip(" "))


def _is_content(line: str) -> bool:
    """True for a line that holds YAML (not blank, not only a comment)."""
    stripped = line.strip()
    return bool(stripped) and not stripped.startswith("#")


def _previous_content(lines: Lines, number: int) -> int:
    """The number of the nearest line above `number` that holds YAML; 0 when none."""
    n = number - 1
    while n >= 1 and not _is_content(lines.get(n)):
        n -= 1
    return n


@attrs.frozen
class Level:
    """A column where a line above begins a key or a list item, and that line's number."""

    column: int  # 0-based
    line: int
    dash: bool


def open_levels(lines: Lines, number: int) -> list[Level]:
    """The columns a line at `number` could belong to: the line above and its ancestors.

    Walking up, a line counts when it starts left of every line counted so far (it holds
    them); a list item (`- key: x`) offers both its dash and its key column.
    """
    levels: list[Level] = []
    limit = None
    n = number - 1
    while n >= 1:
        line = lines.get(n)
        if _is_content(line):
            col = indent_of(line)
            if limit is None or col < limit:
                body = line[col:]
                levels.append(Level(col, n, body.startswith("- ")))
                if body.startswith("- "):
                    inner = col + 2 + indent_of(body[2:])
                    levels.append(Level(inner, n, False))
                limit = col
                if col == 0:
                    break
        n -= 1
    return levels


def nearest_level(lines: Lines, number: int) -> Level | None:
    """The open level closest to the column line `number` starts at (of the same kind first)."""
    line = lines.get(number)
    col = indent_of(line)
    dash = line[col:].startswith("- ")
    levels = [lv for lv in open_levels(lines, number) if lv.column != col]
    if not levels:
        return None
    return min(levels, key=lambda lv: (lv.dash != dash, abs(lv.column - col), -lv.column))


def _block_end(lines: Lines, number: int) -> int:
    """The last line of the block that line `number` opens (lines indented deeper below it)."""
    col = indent_of(lines.get(number))
    end = number
    n = number + 1
    while n <= len(lines):
        line = lines.get(n)
        if _is_content(line):
            if indent_of(line) <= col:
                break
            end = n
        n += 1
    return end


def reindent(lines: Lines, number: int, column: int, block: bool = True) -> bool:
    """Move line `number` (and with `block` the lines under it) to start at `column`."""
    shift = column - indent_of(lines.get(number))
    if not shift:
        return False
    for n in range(number, (_block_end(lines, number) if block else number) + 1):
        line = lines.get(n)
        if not line.strip():
            continue
        lines.put(n, " " * max(0, indent_of(line) + shift) + line.lstrip(" "))
    return True


def blank(lines: Lines, first: int, last: int | None = None) -> bool:
    """Leave lines `first`..`last` out (emptied, so every other line keeps its number)."""
    changed = False
    for n in range(first, (last or first) + 1):
        if lines.get(n):
            lines.put(n, "")
            changed = True
    return changed


def _short(text: str, width: int = 50) -> str:
    """Text cut to `width` characters for a tip."""
    text = text.strip()
    return text if len(text) <= width else text[: width - 3].rstrip() + "..."


def _quoted(value: str) -> str:
    """A value as a double-quoted YAML scalar."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


# ---------------------------------------------------------------------------------------------
# one error explained


@attrs.define
class Finding:
    """A syntax problem: catalogue name, 1-based position, message values, and a repair."""

    name: str
    line: int
    column: int
    values: dict[str, Any] = attrs.field(factory=dict)
    repairs: tuple[Callable[[Lines], bool], ...] = ()
    code: str = "yaml-syntax"


def _mark(mark: Any) -> tuple[int, int]:
    """A parser mark as 1-based (line, column)."""
    return mark.line + 1, mark.column + 1


def _missing_colon(lines: Lines, line: int, column: int) -> Finding:
    """A key written without its ':' on `line`, starting at `column`."""
    text = lines.get(line)[column - 1:]
    found = _KEY_AND_REST.fullmatch(text.rstrip())
    if found:
        dash, key, rest = found.group(1) or "", found.group(2), found.group(3)
        cut = column - 1 + len(dash) + len(key)

        def add_colon(ls: Lines) -> bool:
            current = ls.get(line)
            ls.put(line, current[:cut] + ":" + current[cut:])
            return True

        return Finding("missing_colon", line, column + len(dash),
                       {"name": key, "fixed": f"{key}: {_short(rest)}"}, (add_colon,))
    single = _KEY_ONLY.fullmatch(text.rstrip())
    if single:
        dash, key = single.group(1) or "", single.group(2)
        return Finding("missing_colon_word", line, column + len(dash), {"name": key},
                       (lambda ls: blank(ls, line),))
    return Finding("missing_colon_other", line, column, {}, (lambda ls: blank(ls, line),))


def _colon(lines: Lines, exc: yaml.MarkedYAMLError) -> Finding:
    """A ':' where no key can start: a colon in text, a missing colon above, a deep indent."""
    line, column = _mark(exc.problem_mark)
    text = lines.get(line)
    start = indent_of(text)
    body = text[start:]
    first_colon = text.find(": ", start)
    if first_colon == -1 and text.rstrip().endswith(":"):
        first_colon = len(text.rstrip()) - 1
    if 0 <= first_colon < column - 1:
        # `text: Moeder zegt: nee`: the second ':' is inside the value.
        kv = _KEY_VALUE.fullmatch(text)
        if kv and '"' not in kv.group(2):
            fixed = kv.group(1) + _quoted(kv.group(2))

            def quote(ls: Lines) -> bool:
                ls.put(line, fixed)
                return True

            return Finding("colon", line, column, {"fixed": _short(fixed.strip(), 70)}, (quote,))
        return Finding("colon_text", line, column, {}, (lambda ls: blank(ls, line),))
    above = _previous_content(lines, line)
    above_text = lines.get(above)
    if above and indent_of(above_text) == start and not body.startswith("- "):
        # `actor leerkracht` above `choices:`: YAML read both lines as one key.
        inner = above_text[start:]
        if ":" not in inner.replace("://", ""):
            return _missing_colon(lines, above, start + 1)
    if above and start > indent_of(above_text):
        level = nearest_level(lines, line)
        target = level.column if level else indent_of(above_text)
        return Finding("deeper", line, start + 1, {"above": above, "column": target + 1},
                       _moves(line, target))
    return Finding("colon_other", line, column, {}, (lambda ls: blank(ls, line),))


def _misplaced(lines: Lines, exc: yaml.MarkedYAMLError, name: str) -> Finding:
    """A line at a column where no key (or list item) of the open blocks can start."""
    line, column = _mark(exc.problem_mark)
    text = lines.get(line)
    if not _is_content(text) or indent_of(text) + 1 != column:
        # Not at the start of a line: something after a value that was already complete.
        return Finding("stray", line, column, {}, (lambda ls: blank(ls, line),))
    level = nearest_level(lines, line)
    if level is None:
        return Finding(name + "_other", line, column, {}, (lambda ls: blank(ls, line),))
    values = {"column": level.column + 1, "like": level.line}
    if name == "dash" and exc.context_mark is not None:
        start_line, start_col = _mark(exc.context_mark)
        values.update(list_line=start_line, list_column=start_col)
    return Finding(name, line, column, values, _moves(line, level.column))


def _moves(line: int, column: int) -> tuple[Callable[[Lines], bool], ...]:
    """The repairs of a line at the wrong column: move it alone, with its block, or drop it."""
    return (
        lambda ls: reindent(ls, line, column, block=False),
        lambda ls: reindent(ls, line, column),
        lambda ls: blank(ls, line),
    )


def _unclosed(exc: yaml.MarkedYAMLError, name: str) -> Finding:
    """A '[', '{' or quote that was never closed: point at the opening."""
    problem_line, _ = _mark(exc.problem_mark)
    line, column = _mark(exc.context_mark) if exc.context_mark else _mark(exc.problem_mark)
    last = max(line, problem_line - 1)
    return Finding(name, line, column, {}, (lambda ls: blank(ls, line, last),))


def _cannot_start(lines: Lines, exc: yaml.MarkedYAMLError) -> Finding:
    """A character that cannot begin a value (`@`, a backquote, a tab)."""
    line, column = _mark(exc.problem_mark)
    char = lines.get(line)[column - 1: column] or "?"
    if char == "\t":
        return Finding("tab_inside", line, column, {}, (lambda ls: _untab(ls, line),),
                       code="yaml-tab")
    return Finding("cannot_start", line, column, {"char": char}, (lambda ls: blank(ls, line),))


def _untab(lines: Lines, number: int) -> bool:
    """Tabs on a line replaced by one space each (a tab after a key or a '-')."""
    text = lines.get(number)
    lines.put(number, text.replace("\t", " "))
    return "\t" in text


# Recognised messages: (problem wording or None, context wording or None) → how to explain.
_Explain = Callable[[Lines, yaml.MarkedYAMLError], Finding]


def _simple(name: str, use_context: bool = False) -> _Explain:
    """A problem explained by name alone, at the problem mark; its line is left out."""

    def explain(lines: Lines, exc: yaml.MarkedYAMLError) -> Finding:
        mark = exc.context_mark if use_context and exc.context_mark else exc.problem_mark
        line, column = _mark(mark)
        return Finding(name, line, column, {}, (lambda ls: blank(ls, line),))

    return explain


_RULES: list[tuple[str | None, str | None, _Explain]] = [
    ("could not find expected ':'", None,
     lambda ls, e: _missing_colon(ls, *_mark(e.context_mark or e.problem_mark))),
    ("mapping values are not allowed", None, _colon),
    ("did not find expected '-' indicator", None, lambda ls, e: _misplaced(ls, e, "dash")),
    ("did not find expected key", None, lambda ls, e: _misplaced(ls, e, "indent")),
    ("expected <block end>", "while parsing a block mapping",
     lambda ls, e: _misplaced(ls, e, "indent")),
    ("expected <block end>", "while parsing a block collection",
     lambda ls, e: _misplaced(ls, e, "dash")),
    (None, "while parsing a flow sequence", lambda ls, e: _unclosed(e, "list")),
    (None, "while parsing a flow mapping", lambda ls, e: _unclosed(e, "flow_mapping")),
    (None, "while scanning a quoted scalar", lambda ls, e: _unclosed(e, "quote")),
    ("but found another document", None, _simple("documents")),
    (None, "expected a single document", _simple("documents")),
    ("expected a single document", None, _simple("documents")),
    ("found unknown escape character", None, _simple("escape")),
    ("found unexpected document indicator", None, _simple("documents")),
    ("block sequence entries are not allowed", None, _simple("dash_here")),
    ("found character that cannot start any token", None, _cannot_start),
    ("did not find expected node content", None, _simple("no_value")),
    ("expected the node content", None, _simple("no_value")),
    (None, "while scanning a block scalar", _simple("block_scalar")),
    (None, "while scanning an anchor", _simple("anchor")),
    (None, "while scanning an alias", _simple("anchor")),
    ("found undefined alias", None, _simple("alias")),
    (None, "while scanning a tag", _simple("tag")),
    ("found undefined tag handle", None, _simple("tag")),
    (None, "while parsing a node", _simple("no_value")),
]


def explain(lines: Lines, exc: yaml.MarkedYAMLError) -> Finding:
    """The finding for one parser error (a general one when the wording is not known)."""
    wording, context = exc.problem or "", exc.context or ""
    for want_problem, want_context, rule in _RULES:
        if want_problem is not None and not wording.startswith(want_problem):
            continue
        if want_context is not None and not context.startswith(want_context):
            continue
        if exc.problem_mark is None and want_context is None:
            continue
        return rule(lines, exc)
    mark = exc.problem_mark or exc.context_mark
    line, column = _mark(mark) if mark else (1, 1)
    detail = wording or str(exc)
    if context and wording:
        detail = f"{wording} ({context})"
    return Finding("other", line, column, {"detail": detail}, (lambda ls: blank(ls, line),))


# ---------------------------------------------------------------------------------------------
# every error, in line order


def tab_lines(lines: Lines) -> list[tuple[int, int]]:
    """(line, column) of every tab in the indentation of a line that holds YAML."""
    found = []
    for number, text in enumerate(lines.lines, start=1):
        indent = len(text) - len(text.lstrip(" \t"))
        if "\t" in text[:indent] and _is_content(text):
            found.append((number, text.index("\t") + 1))
    return found


def _retab(lines: Lines, number: int) -> None:
    """A tab-indented line moved to the column the line above suggests (for reading on)."""
    text = lines.get(number).lstrip(" \t")
    above = _previous_content(lines, number)
    above_text = lines.get(above)
    column = indent_of(above_text)
    body = above_text[column:]
    if body.startswith("- "):
        column += 2 + indent_of(body[2:])
    if above_text.rstrip().endswith(":"):
        column += 2
    lines.put(number, " " * column + text)


def syntax_problems(
    text: str,
    source: str,
    parse: Callable[[str], Any],
    fit: Callable[[tuple[int, int]], tuple[int, int]] = lambda p: p,
) -> list[Problem]:
    """Every syntax problem of the text that reading, repairing and reading again can reach.

    `parse` reads a text and raises `yaml.YAMLError`; `fit` keeps a position inside the file.
    Returns the problems in line order; an empty list when the text reads cleanly.
    """
    lines = Lines(text)
    found: list[Finding] = []
    for line, column in tab_lines(lines):
        found.append(Finding("tab", line, column, {}, code="yaml-tab"))
        _retab(lines, line)
    rounds = MAX_ROUNDS if len(text) <= MAX_REPAIR_BYTES else 1
    seen: set[tuple[int, int, str]] = set()
    error = _first_error(parse, lines)
    for _ in range(rounds):
        if error is None:
            break
        finding = explain(lines, error)
        key = (finding.line, finding.column, finding.name)
        if key in seen:
            break
        seen.add(key)
        found.append(finding)
        repaired = _best_repair(parse, lines, finding)
        if repaired is None:
            break
        lines, error = repaired
    problems = [_problem(f, source, fit) for f in found]
    return sorted(problems, key=lambda p: (p.line, p.column))


def _first_error(parse: Callable[[str], Any], lines: Lines) -> yaml.MarkedYAMLError | None:
    """The parser's error on the text, None when it reads (or fails without a place)."""
    try:
        parse(str(lines))
    except yaml.MarkedYAMLError as exc:
        return exc
    except yaml.YAMLError:
        return None  # a reader error (control character): the caller's first read reports it
    return None


def _best_repair(
    parse: Callable[[str], Any], lines: Lines, finding: Finding
) -> tuple[Lines, yaml.MarkedYAMLError | None] | None:
    """The repaired text that reads furthest, and its next error; None when nothing helps."""
    best: tuple[Lines, yaml.MarkedYAMLError | None] | None = None
    best_line = -1
    for repair in finding.repairs:
        copy = Lines(str(lines))
        if not repair(copy):
            continue
        error = _first_error(parse, copy)
        reached = len(copy) + 1 if error is None else _error_line(error)
        if reached > best_line:
            best, best_line = (copy, error), reached
        if error is None:
            break
    return best


def _error_line(error: yaml.MarkedYAMLError) -> int:
    """The 1-based line of an error (its problem mark)."""
    mark = error.problem_mark or error.context_mark
    return mark.line + 1 if mark else 0


def _problem(finding: Finding, source: str,
             fit: Callable[[tuple[int, int]], tuple[int, int]]) -> Problem:
    """A finding as a `Problem`: message and tip from the catalogue, in both languages."""
    position = fit((finding.line, finding.column))
    if finding.code == "yaml-tab":
        return problem("yaml-tab", (), source=source, marks={}, position=position)
    # `line` is always given so that every template is formatted (its '{{' read as '{').
    values = {**finding.values, "line": finding.line}
    detail = {lang: translate(f"problems.syntax.{finding.name}", lang, **values)
              for lang in ("en", "nl")}
    return problem(
        "yaml-syntax", (), source=source, marks={}, position=position,
        detail=detail["en"], detail_nl=detail["nl"],
        hint=f"syntax.{finding.name}", hint_values=values,
    )


__all__ = ["Lines", "explain", "syntax_problems", "tab_lines"]

"""Building `Problem` values: both languages from the `problems` catalogue, places in words.

Every finding of the loader and the validator goes through `problem()`, so each code has one
English and one Dutch message (game/i18n/locales/{en,nl}/problems.json, keys
`problems.<code>`), an optional hint (`problems.hint.<name>`), and a line/column taken from the
YAML marks of the path it is about.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping

from game.i18n import catalog, format_number, translate
from game.scenario.problems import Problem, Severity

Path = tuple

# Sections whose keys are ids, with the catalogue key naming one item of them.
SECTION_NOUNS = {
    "roles": "role",
    "info": "card",
    "variables": "variable",
    "scores": "dimension",
    "scenes": "scene",
    "endings": "ending",
}
# Lists whose items are numbered for people (1-based).
_LIST_NOUNS = {"choices": "choice", "goto": "route", "legal_background": "legal_note"}
# Keys named as a place of their own: the debrief block and its facilitator guide.
_PART_NOUNS = ("debrief", "guide")


def describe_path(path: Path, lang: str, keyed: bool = False) -> str:
    """A path inside the document in words: `choice 2 of scene 'plan'`, or `the top level`.

    Only the id-bearing parts are named (sections, choices, routes); the key itself is said by
    the message that quotes it. With `keyed`, a last key that is not such a part is named too
    (`'set' of choice 1 of scene 'plan'`), for messages about a mapping's contents.
    """
    parts: list[str] = []
    i = 0
    consumed_last = False
    while i < len(path):
        key = path[i]
        nxt = path[i + 1] if i + 1 < len(path) else None
        if key in SECTION_NOUNS and isinstance(nxt, str) and i == 0:
            noun = SECTION_NOUNS[key]
            parts.append(translate(f"problems.where.{noun}", lang, id=nxt))
            i += 2
            consumed_last = i >= len(path)
            continue
        if key in _PART_NOUNS and (i == 0 or path[i - 1] == "debrief"):
            parts.append(translate(f"problems.where.{key}", lang))
            i += 1
            consumed_last = i >= len(path)
            continue
        if key in _LIST_NOUNS and isinstance(nxt, int):
            parts.append(translate(f"problems.where.{_LIST_NOUNS[key]}", lang, n=nxt + 1))
            i += 2
            consumed_last = i >= len(path)
            continue
        i += 1
        consumed_last = False
    if keyed and path and not consumed_last and isinstance(path[-1], str):
        parts.append(translate("problems.where.key", lang, name=path[-1]))
    if not parts:
        return translate("problems.where.top", lang)
    text = parts[-1]
    for outer in reversed(parts[:-1]):
        text = translate("problems.where.of", lang, inner=text, outer=outer)
    return text


def suggest(word: object, candidates: Iterable[str]) -> str | None:
    """The closest candidate to a misspelt word (difflib), or None when nothing is close."""
    if not isinstance(word, str):
        return None
    matches = difflib.get_close_matches(word, sorted(set(candidates)), n=1, cutoff=0.6)
    return matches[0] if matches else None


def problem(
    code: str,
    path: Path,
    *,
    source: str,
    marks: Mapping[tuple, tuple[int, int]],
    severity: Severity = "error",
    position: tuple[int, int] | None = None,
    key: str | None = None,
    hint: str | None = None,
    hint_values: Mapping[str, object] | None = None,
    keyed: bool = False,
    **values: object,
) -> Problem:
    """One problem: messages from `problems.<key or code>`, place from the marks of `path`.

    `values` fill the message placeholders; `{where}` is always available (the path in words).
    `hint` names a hint key `problems.hint.<hint>` filled from `hint_values` (or `values`).
    `position` overrides the (line, column) found in the marks; `keyed` names the last key of
    `path` in `{where}` (see `describe_path`).
    """
    line, column = position if position is not None else nearest_mark(marks, path)
    msg_key = f"problems.{key or code}"
    texts = {}
    hints = {"en": "", "nl": ""}
    for lang in ("en", "nl"):
        filled = {k: _show(v, lang) for k, v in values.items()}
        filled["where"] = describe_path(path, lang, keyed)
        texts[lang] = translate(msg_key, lang, **filled)
        if hint is None and f"problems.hint.{code}" in catalog("en"):
            hint = code
        if hint:
            hv = {k: _show(v, lang) for k, v in (hint_values or values).items()}
            hints[lang] = translate(f"problems.hint.{hint}", lang, **hv)
    return Problem(
        path=source,
        line=line,
        column=column,
        severity=severity,
        code=code,
        message=texts["en"],
        message_nl=texts["nl"],
        hint=hints["en"],
        hint_nl=hints["nl"],
    )


def nearest_mark(marks: Mapping[tuple, tuple[int, int]], path: Path) -> tuple[int, int]:
    """The (line, column) of the path, or of its nearest marked parent; (0, 0) when none."""
    p = tuple(path)
    while p:
        if p in marks:
            return marks[p]
        p = p[:-1]
    return marks.get((), (0, 0))


class Kind(str):
    """A word from the catalogue (`problems.kind.<word>`) said in each message's language."""


class Amount(float):
    """A number of the program's own (not quoted from the file), written per language: 7,3."""


def _show(value: object, lang: str) -> str:
    """A value as quoted in a message: kinds translated, lists joined, others `str()`."""
    if isinstance(value, Kind):
        return translate(f"problems.kind.{value}", lang)
    if isinstance(value, bool):
        return "true" if value else "false"  # as the author writes it in YAML
    if isinstance(value, Amount):
        return format_number(float(value), lang)
    if isinstance(value, list | tuple | set | frozenset):
        items = sorted(value) if isinstance(value, set | frozenset) else value
        return ", ".join(f"'{v}'" for v in items)
    return str(value)

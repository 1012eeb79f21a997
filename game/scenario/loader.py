"""Loading a scenario file: safe YAML, structuring into the model, validation, all problems.

- `load_scenario(path)` / `load_scenario_text(text)` return a `Scenario` or raise
  `ScenarioError` holding every error (and the warnings) found; warnings alone never raise.
- `load_scenario_with_problems(path)` / `load_scenario_text_with_problems(text)` never raise for
  a bad file: they return `(scenario or None, problems)`, for `samenspel validate` and the UI.

The pipeline: `yamlsafe.read_yaml` (bytes → plain data + marks, refusing tags, alias bombs,
duplicate keys) → `structure.structure` (shorthand, unknown keys, cattrs types) →
`validate.validate` (references, expressions, placeholders, graph warnings).
"""

from __future__ import annotations

import hashlib
import logging
import os

import attrs

from game.errors import ScenarioError
from game.gcpause import gc_paused
from game.scenario.messages import problem
from game.scenario.model import Scenario
from game.scenario.problems import Problem
from game.scenario.structure import structure
from game.scenario.validate import validate
from game.scenario.yamlsafe import MAX_BYTES, read_yaml

log = logging.getLogger(__name__)

__all__ = [
    "load_scenario",
    "load_scenario_text",
    "load_scenario_with_problems",
    "load_scenario_text_with_problems",
    "load_scenario_bytes_with_problems",
]


def load_scenario(path: str | os.PathLike[str], *, lang: str = "nl") -> Scenario:
    """Load and check a scenario file; raise `ScenarioError` (message in `lang`) on any error."""
    scenario, problems = load_scenario_with_problems(path)
    return _scenario_or_raise(scenario, problems, lang)


def load_scenario_text(text: str, path: str = "<text>", *, lang: str = "nl") -> Scenario:
    """Load and check scenario YAML given as text; `path` is used in messages."""
    scenario, problems = load_scenario_text_with_problems(text, path)
    return _scenario_or_raise(scenario, problems, lang)


def load_scenario_with_problems(
    path: str | os.PathLike[str],
) -> tuple[Scenario | None, list[Problem]]:
    """The scenario (None when it has errors) and every problem of a file; never raises."""
    name = os.fspath(path)
    try:
        with open(name, "rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            data = handle.read(MAX_BYTES + 1)  # enough to know it is too large
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        return None, [problem("file-unreadable", (), source=name, marks={}, position=(0, 0),
                              reason=reason)]
    return load_scenario_bytes_with_problems(data, name, size=size)


def load_scenario_text_with_problems(
    text: str, path: str = "<text>"
) -> tuple[Scenario | None, list[Problem]]:
    """Like `load_scenario_with_problems`, for YAML given as text."""
    return load_scenario_bytes_with_problems(text.encode("utf-8", "surrogatepass"), path)


def load_scenario_bytes_with_problems(
    data: bytes, path: str = "<bytes>", *, size: int | None = None
) -> tuple[Scenario | None, list[Problem]]:
    """The core of every load: bytes in, `(scenario or None, problems)` out.

    `size`: the real file size when `data` holds only the first `MAX_BYTES + 1` bytes.
    """
    with gc_paused():
        return _load_bytes(data, path, size)


def _load_bytes(
    data: bytes, path: str, size: int | None
) -> tuple[Scenario | None, list[Problem]]:
    """`load_scenario_bytes_with_problems` with the collector paused."""
    doc = read_yaml(data, path, size)
    if doc.data is None or doc.has_errors and not isinstance(doc.data, dict):
        return None, doc.problems
    problems = list(doc.problems)
    result = structure(doc.data, doc.sources)
    for code, where, values in result.findings:
        if any(where[: len(bad)] == bad for bad in doc.poisoned):
            continue  # already reported by the YAML reader (a refused tag, a bad scalar)
        values = dict(values)
        hint = None
        hint_values = None
        position = None
        if code == "unknown-key" and values.get("suggestion"):
            hint, hint_values = "did_you_mean", {"suggestion": values["suggestion"]}
        if values.get("tip"):
            hint, hint_values = values["tip"]
        values.pop("tip", None)
        values.pop("suggestion", None)
        values.pop("allowed", None)
        if code in ("unknown-key", "missing-key") and where:
            # Said of the mapping that holds (or lacks) the key, placed on the key itself.
            position = doc.key_marks.get(where)
            where = where[:-1]
            values["keyed"] = True
        problems.append(problem(code, where, source=path, marks=doc.marks, hint=hint,
                                hint_values=hint_values, position=position, **values))
    scenario = attrs.evolve(
        result.scenario,
        source=path,
        sha256=hashlib.sha256(data).hexdigest(),
        marks=doc.marks,
    )
    problems.extend(validate(scenario, declared=result.declared, spots=doc.spots,
                             choice_index=result.choice_index,
                             partial=not result.complete or doc.has_errors))
    problems.sort(key=lambda p: (p.line, p.column))
    has_errors = any(p.severity == "error" for p in problems)
    if has_errors:
        log.debug("%s: %d problems", path, len(problems))
        return None, problems
    return scenario, problems


def _scenario_or_raise(
    scenario: Scenario | None, problems: list[Problem], lang: str
) -> Scenario:
    """The scenario, or `ScenarioError` with every problem and a message in `lang`."""
    if scenario is None:
        raise ScenarioError(problems, "\n".join(p.format(lang) for p in problems))
    for p in problems:
        log.info("%s", p.format("en"))
    return scenario


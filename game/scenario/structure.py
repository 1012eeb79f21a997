"""From plain YAML data to the frozen model: shorthand resolved, then structured by cattrs.

Two steps, both collecting every problem instead of stopping at the first:

1. `desugar` walks the data as the format describes it: it rejects unknown keys (with a
   "did you mean" hint), injects ids from mapping keys, and resolves the shorthand of
   docs/scenario-format.md into the model's field names: `if` → `if_`, `goto: x` → one route,
   `actor: team` → every role with `is_team`, the default `decision`, choice ids c1, c2, ...,
   `budget: 12000` → `{initial: 12000}`, `debrief: {questions, roles, guide}` →
   `debrief_questions`, `debrief_roles`, `guide`, and an ending's `questions` written as
   `{describe, analyse, apply}` → `phases` plus every question in order. A text
   field takes a scalar as written (`title: 2025` is the text "2025"), and a list of texts
   takes a single text as a one-item list (`questions: Waarom?`).
2. `CONVERTER` (cattrs, `forbid_extra_keys=True`, detailed validation, strict scalar hooks:
   no silent `str(12)` or `int(True)`) structures every item on its own, so one broken scene
   does not hide the problems of the others; cattrs' exception groups are flattened into
   (path, error) pairs and turned into problems at the YAML line/column of the path.

The result is a `Structured`: the scenario built from every item that structured cleanly, the
ids declared in each namespace (also those of broken items, so that references to them do not
cascade into "unknown scene" errors), and the problems.
"""

from __future__ import annotations

import re
import types
import typing
from collections.abc import Callable, Mapping
from typing import Any, Literal

import attrs
import cattrs
from cattrs.errors import (
    AttributeValidationNote,
    ClassValidationError,
    ForbiddenExtraKeysError,
    IterableValidationError,
    IterableValidationNote,
)

from game.scenario.messages import Kind, suggest
from game.scenario.model import (
    TEAM,
    Dimension,
    Ending,
    Info,
    Role,
    Scenario,
    Scene,
    Variable,
)

# Keys the author may write, per kind of object (YAML names, not field names).
KEYS: dict[str, tuple[str, ...]] = {
    "scenario": (
        "format", "id", "title", "language", "summary", "learning_goals", "roles", "info",
        "variables", "scores", "start", "scenes", "endings", "debrief",
    ),
    "role": ("name", "academy", "briefing", "goals", "color"),
    "info": (
        "owner", "title", "text", "sensitive", "consent", "needed_by", "on_share", "on_breach",
        "on_refuse",
    ),
    "consent": ("if", "to", "for", "ask", "asked_by"),
    "variable": ("initial", "min", "max", "label", "unit", "show", "good"),
    "dimension": ("label", "description", "max"),
    "scene": (
        "title", "text", "speaker", "actor", "decision", "tiebreak", "advice", "timer",
        "on_timeout", "on_enter", "choices", "next", "keep_order",
    ),
    "choice": (
        "id", "text", "roles", "if", "set", "add", "score", "learn", "feedback", "goto",
    ),
    "route": ("to", "if", "weight"),
    "ending": ("title", "text", "outcome", "questions"),
    "effects": ("set", "add", "score"),
    "debrief": ("questions", "roles", "guide"),
    "guide": ("duration", "prebriefing", "watch_for", "wrong_turns", "legal_background"),
    "legal_note": ("text", "source"),
    "phases": ("describe", "analyse", "apply"),
}
SECTIONS: dict[str, tuple[str, type]] = {
    "roles": ("role", Role),
    "info": ("info", Info),
    "variables": ("variable", Variable),
    "scores": ("dimension", Dimension),
    "scenes": ("scene", Scene),
    "endings": ("ending", Ending),
}
# Field names that differ from the YAML key, for mapping an error path back to the file.
_FIELD_TO_KEY = {"if_": "if", "actors": "actor", "phases": "questions",
                 "for_": "for", "terms": "consent"}
# Top-level model fields that live inside the `debrief` mapping of the file.
_DEBRIEF_FIELDS = {"debrief_questions": "questions", "debrief_roles": "roles",
                   "guide": "guide"}

_ITEMS = frozenset({"role", "info", "variable", "dimension", "scene", "ending", "choice", "route"})

# A problem found while structuring: code, path in the YAML document, message values.
Finding = tuple[str, tuple, dict[str, Any]]


@attrs.define
class Structured:
    """What structuring produced: a (possibly partial) scenario, declared ids, findings.

    `choice_index` maps a scene whose broken choices were left out to the file index of each
    choice kept, so later problems still name the right choice.
    """

    scenario: Scenario
    declared: dict[str, frozenset[str] | None]
    findings: list[Finding]
    complete: bool
    choice_index: dict[str, tuple[int, ...]] = attrs.field(factory=dict)


class WrongType(TypeError):
    """A value of the wrong YAML type for its field; `expected` names the wanted kind."""

    def __init__(self, expected: str, value: object):
        super().__init__(f"expected {expected}, got {value!r}")
        self.expected = expected
        self.value = value


class BadOption(ValueError):
    """A value outside a fixed set of options (decision, outcome)."""

    def __init__(self, value: object, options: tuple[str, ...]):
        super().__init__(f"{value!r} must be one of {options!r}")
        self.value = value
        self.options = options


def kind_of(value: object) -> str:
    """The YAML kind of a plain value, as the catalogue names it (`text`, `number`, ...)."""
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "list"
    return "mapping"


_KIND_OF_TYPE = {str: "text", int: "int", float: "number", bool: "bool", type(None): "nothing"}


def _strict(kind: str, accept: Callable[[object], bool]) -> Callable[[object, type], object]:
    """A structure hook that returns the value unchanged when accepted, else WrongType."""

    def hook(value: object, _type: type) -> object:
        if accept(value):
            return value
        raise WrongType(kind, value)

    return hook


def _is_primitive_union(tp: object) -> bool:
    """True for unions of scalar types only, like `int | float | None`."""
    origin = typing.get_origin(tp)
    return origin in (typing.Union, types.UnionType) and all(
        a in _KIND_OF_TYPE for a in typing.get_args(tp)
    )


def _union_hook(value: object, tp: object) -> object:
    """Accept a value whose exact type is one of the union's scalar types (int for float too)."""
    args = typing.get_args(tp)
    if type(value) in args or (type(value) is int and float in args):
        return value
    kinds = [a for a in args if a is not type(None)]
    if bool in kinds and len(kinds) > 1:
        raise WrongType("value", value)
    raise WrongType("number" if kinds and set(kinds) <= {int, float} else "text", value)


def _literal_hook(value: object, tp: object) -> object:
    """Accept one of a Literal's options."""
    options = typing.get_args(tp)
    if isinstance(value, str) and value in options:
        return value
    raise BadOption(value, options)


def make_converter(forbid_extra_keys: bool = True) -> cattrs.Converter:
    """A strict cattrs converter (every error collected, no silent `str(12)` or `int(True)`).

    The model's converter forbids extra keys; the session log's (`game.engine.events`) allows
    them, because readers must ignore fields a newer version added.
    """
    conv = cattrs.Converter(forbid_extra_keys=forbid_extra_keys, detailed_validation=True)
    conv.register_structure_hook(str, _strict("text", lambda v: type(v) is str))
    conv.register_structure_hook(int, _strict("int", lambda v: type(v) is int))
    conv.register_structure_hook(
        float, _strict("number", lambda v: type(v) in (int, float))
    )
    conv.register_structure_hook(bool, _strict("bool", lambda v: type(v) is bool))
    conv.register_structure_hook_func(_is_primitive_union, _union_hook)
    conv.register_structure_hook_func(lambda t: typing.get_origin(t) is Literal, _literal_hook)
    return conv


CONVERTER = make_converter()


# ---------------------------------------------------------------------------------------------
# Step 1: desugar


class _Desugarer:
    """Resolves shorthand and checks keys; records findings with YAML paths."""

    def __init__(self, sources: Mapping[tuple, str]):
        self.sources = sources
        self.findings: list[Finding] = []
        self.role_order: list[str] = []
        self.reported: set[tuple] = set()  # paths whose value is already reported as wrong

    def find(self, code: str, path: tuple, **values: Any) -> None:
        """Record a finding."""
        self.findings.append((code, path, values))

    # -- helpers ------------------------------------------------------------------------------

    def mapping(self, value: Any, path: tuple, what: str) -> dict | None:
        """The value when it is a mapping, else a wrong-type finding and None."""
        if isinstance(value, dict):
            return value
        # An item (a role, a choice, a route, ...) is named by {where}; a key by `what`.
        key = "wrong-type-item" if what in _ITEMS else "wrong-type"
        self.find("wrong-type", path, key=key, expected=Kind("mapping"),
                  found=Kind(kind_of(value)), value=_quote(value), what=what)
        self.reported.add(path)
        return None

    def keys(self, obj: dict, kind: str, path: tuple) -> dict:
        """The object without its unknown keys; each unknown key is a finding with a hint."""
        allowed = KEYS[kind]
        kept = {}
        for key, value in obj.items():
            if key in allowed and value is None:
                # `weight: ~` or `weight:` with nothing: YAML reads null, which no key of the
                # format takes (the JSON Schema refuses it too); say so instead of ignoring it.
                self.find("wrong-type", path + (key,), key="empty-value", name=key,
                          tip=("empty-value", {"name": key}))
                self.reported.add(path + (key,))
                kept[key] = value
            elif key in allowed:
                kept[key] = value
            else:
                self.find("unknown-key", path + (key,), name=key, suggestion=suggest(key, allowed),
                          allowed=allowed)
        return kept

    def text(self, value: Any, path: tuple) -> Any:
        """A text field: a non-text scalar becomes its text as written; other values unchanged."""
        if isinstance(value, bool | int | float) and path in self.sources:
            return self.sources[path]
        return value

    def texts(self, value: Any, path: tuple) -> Any:
        """A list of texts: a single text becomes a one-item list; items as `text`."""
        if isinstance(value, list):
            return [self.text(v, path + (i,)) for i, v in enumerate(value)]
        if value is None:
            return value
        if isinstance(value, str | bool | int | float):
            return [self.text(value, path)]
        if isinstance(value, dict):
            # cattrs would take a mapping's keys as the list: say it is the wrong kind instead
            self.find("wrong-type", path, key="wrong-type", expected=Kind("list"),
                      found=Kind("mapping"), value=_quote(value), what=_what(path))
            self.reported.add(path)
            return []
        return value

    def text_fields(self, obj: dict, path: tuple, names: tuple[str, ...]) -> None:
        """Apply `text` to these keys of obj in place."""
        for name in names:
            if name in obj:
                obj[name] = self.text(obj[name], path + (name,))

    def effects(self, value: Any, path: tuple) -> Any:
        """An effects mapping `{set, add, score}` with its keys checked."""
        obj = self.mapping(value, path, "effects")
        if obj is None:
            return {}
        return self.keys(obj, "effects", path)

    # -- sections -----------------------------------------------------------------------------

    def scenario(self, data: dict) -> tuple[dict, dict[str, dict], dict[str, frozenset | None]]:
        """Top-level fields, the items of each section, and the ids declared per section."""
        top = self.keys(data, "scenario", ())
        self.text_fields(top, (), ("id", "title", "language", "summary", "start"))
        if "learning_goals" in top:
            top["learning_goals"] = self.texts(top["learning_goals"], ("learning_goals",))
        if "debrief" in top:
            debrief = self.mapping(top.pop("debrief"), ("debrief",), "debrief")
            if debrief is not None:
                debrief = self.keys(debrief, "debrief", ("debrief",))
                if "questions" in debrief:
                    top["debrief_questions"] = self.texts(
                        debrief["questions"], ("debrief", "questions")
                    )
                if "roles" in debrief:
                    top["debrief_roles"] = self.prompts(debrief["roles"], ("debrief", "roles"))
                if "guide" in debrief:
                    top["guide"] = self.guide(debrief["guide"], ("debrief", "guide"))
        roles = top.get("roles")
        if isinstance(roles, dict):
            self.role_order = list(roles)
        items: dict[str, dict] = {}
        declared: dict[str, frozenset | None] = {}
        for section, (kind, _cls) in SECTIONS.items():
            if section not in top:
                items[section] = {}
                declared[section] = frozenset()
                continue
            raw = top.pop(section)
            obj = self.mapping(raw, (section,), section)
            if obj is None:
                items[section] = {}
                declared[section] = None  # unknown: do not report references into it
                continue
            declared[section] = frozenset(obj)
            items[section] = {}
            for item_id, body in obj.items():
                built = getattr(self, kind)(body, (section, item_id))
                if built is not None:
                    built["id"] = item_id
                    items[section][item_id] = built
        return top, items, declared

    def prompts(self, value: Any, path: tuple) -> Any:
        """`debrief.roles`: per role id a list of discussion prompts."""
        if not isinstance(value, dict):
            return value  # cattrs reports the wrong type
        return {k: self.texts(v, path + (k,)) for k, v in value.items()}

    def guide(self, value: Any, path: tuple) -> Any:
        """`debrief.guide`: the facilitator guide, keys checked, texts and notes resolved."""
        obj = self.mapping(value, path, "guide")
        if obj is None:
            return None
        obj = self.keys(obj, "guide", path)
        self.text_fields(obj, path, ("prebriefing",))
        for name in ("watch_for", "wrong_turns"):
            if name in obj:
                obj[name] = self.texts(obj[name], path + (name,))
        notes = obj.get("legal_background")
        if isinstance(notes, list):
            kept = []
            for i, note in enumerate(notes):
                npath = path + ("legal_background", i)
                note_obj = self.mapping(note, npath, "legal_note")
                if note_obj is not None:
                    note_obj = self.keys(note_obj, "legal_note", npath)
                    self.text_fields(note_obj, npath, ("text", "source"))
                    kept.append(note_obj)
            obj["legal_background"] = kept
        return obj

    def role(self, body: Any, path: tuple) -> dict | None:
        """A role."""
        obj = self.mapping(body, path, "role")
        if obj is None:
            return None
        obj = self.keys(obj, "role", path)
        self.text_fields(obj, path, ("name", "academy", "briefing", "color"))
        if "goals" in obj:
            obj["goals"] = self.texts(obj["goals"], path + ("goals",))
        return obj

    def info(self, body: Any, path: tuple) -> dict | None:
        """An information card."""
        obj = self.mapping(body, path, "info")
        if obj is None:
            return None
        obj = self.keys(obj, "info", path)
        self.text_fields(obj, path, ("owner", "title", "text"))
        if "consent" in obj:
            consent = obj.pop("consent")
            if isinstance(consent, dict):
                terms = self.consent(consent, path + ("consent",))
                if terms is not None:
                    obj["terms"] = terms
            else:  # the old form: one expression, the standing condition, no scope
                obj["consent"] = self.text(consent, path + ("consent",))
        if "needed_by" in obj:
            obj["needed_by"] = self.texts(obj["needed_by"], path + ("needed_by",))
        for name in ("on_share", "on_breach", "on_refuse"):
            if name in obj:
                obj[name] = self.effects(obj[name], path + (name,))
        return obj

    def consent(self, obj: dict, path: tuple) -> dict:
        """The mapping form of a card's `consent`: keys checked, `if`/`for` renamed."""
        obj = self.keys(obj, "consent", path)
        self.text_fields(obj, path, ("if", "for", "ask"))
        for key, name in (("if", "if_"), ("for", "for_")):
            if key in obj:
                obj[name] = obj.pop(key)
        for name in ("to", "asked_by"):
            if name in obj:
                obj[name] = self.texts(obj[name], path + (name,))
        return obj

    def variable(self, body: Any, path: tuple) -> dict | None:
        """A variable; a bare number or bool is its initial value."""
        if isinstance(body, bool | int | float):
            return {"initial": body}
        if isinstance(body, str) and value_tip(body, "value"):
            # `geheim: no` or `timer: 4:00`: YAML 1.2 reads text; say what to write.
            self.find("wrong-type", path, key="wrong-type-variable", value=_quote(body),
                      tip=value_tip(body, "value"))
            self.reported.add(path)
            return None
        obj = self.mapping(body, path, "variable")
        if obj is None:
            return None
        obj = self.keys(obj, "variable", path)
        self.text_fields(obj, path, ("label", "unit"))
        return obj

    def dimension(self, body: Any, path: tuple) -> dict | None:
        """A score dimension."""
        obj = self.mapping(body, path, "dimension")
        if obj is None:
            return None
        obj = self.keys(obj, "dimension", path)
        self.text_fields(obj, path, ("label", "description"))
        return obj

    def ending(self, body: Any, path: tuple) -> dict | None:
        """An ending."""
        obj = self.mapping(body, path, "ending")
        if obj is None:
            return None
        obj = self.keys(obj, "ending", path)
        self.text_fields(obj, path, ("title", "text", "outcome"))
        if "questions" in obj:
            qpath = path + ("questions",)
            if isinstance(obj["questions"], dict):
                phases = self.keys(obj["questions"], "phases", qpath)
                phases = {k: self.texts(v, qpath + (k,)) for k, v in phases.items()}
                obj["phases"] = phases
                # Every question in order; a phase of the wrong type is left for cattrs.
                obj["questions"] = [q for k in KEYS["phases"] if isinstance(phases.get(k), list)
                                    for q in phases[k]]
            else:
                obj["questions"] = self.texts(obj["questions"], qpath)
        return obj

    def scene(self, body: Any, path: tuple) -> dict | None:
        """A scene: actor and decision resolved, choices desugared."""
        obj = self.mapping(body, path, "scene")
        if obj is None:
            return None
        obj = self.keys(obj, "scene", path)
        self.text_fields(
            obj, path, ("title", "text", "speaker", "tiebreak", "on_timeout", "next", "decision")
        )
        if "actor" in obj:
            actor = obj.pop("actor")
            if actor == TEAM:
                obj["actors"] = list(self.role_order)
                obj["is_team"] = True
            else:
                obj["actors"] = self.texts(actor, path + ("actor",))
        if "decision" not in obj:
            actors = obj.get("actors")
            many = isinstance(actors, list) and len(actors) > 1
            obj["decision"] = "vote" if many else "single"
        if "advice" in obj and isinstance(obj["advice"], dict):
            obj["advice"] = {
                k: self.text(v, path + ("advice", k)) for k, v in obj["advice"].items()
            }
        if "on_enter" in obj:
            obj["on_enter"] = self.effects(obj["on_enter"], path + ("on_enter",))
        if "choices" in obj:
            choices = obj["choices"]
            if isinstance(choices, list):
                # A broken choice stays in place (so later choices keep their numbers); its
                # structuring error is silenced since the wrong type is already reported.
                obj["choices"] = [
                    self.choice(c, path + ("choices", i), i) or c for i, c in enumerate(choices)
                ]
        return obj

    def choice(self, body: Any, path: tuple, index: int) -> dict | None:
        """A choice: default id, `if` renamed, roles/learn as lists, goto as routes."""
        obj = self.mapping(body, path, "choice")
        if obj is None:
            return None
        obj = self.keys(obj, "choice", path)
        self.text_fields(obj, path, ("id", "text", "feedback", "if"))
        obj.setdefault("id", f"c{index + 1}")
        if "if" in obj:
            obj["if_"] = obj.pop("if")
        if "roles" in obj:
            obj["roles"] = self.texts(obj["roles"], path + ("roles",))
        if "learn" in obj and isinstance(obj["learn"], dict):
            obj["learn"] = {
                k: self.texts(v, path + ("learn", k)) for k, v in obj["learn"].items()
            }
        if "goto" in obj:
            obj["goto"] = self.goto(obj["goto"], path + ("goto",))
        return obj

    def goto(self, value: Any, path: tuple) -> Any:
        """`goto: x` as one route; a list of route mappings with their keys checked."""
        value = self.text(value, path)
        if isinstance(value, str):
            return [{"to": value}]
        if not isinstance(value, list):
            return value
        routes = []
        for i, r in enumerate(value):
            rpath = path + (i,)
            obj = self.mapping(r, rpath, "route")
            if obj is None:
                routes.append(r)  # kept in place, like a broken choice
                continue
            obj = self.keys(obj, "route", rpath)
            self.text_fields(obj, rpath, ("to", "if"))
            if "if" in obj:
                obj["if_"] = obj.pop("if")
            routes.append(obj)
        return routes


_TRUE_WORDS = frozenset({"yes", "ja", "j", "y", "on", "aan", "waar", "wel"})
_FALSE_WORDS = frozenset({"no", "nee", "n", "off", "uit", "onwaar", "niet"})
_CLOCK = re.compile(r"(\d{1,2}):([0-5]\d)(?::([0-5]\d))?")
_DURATION = re.compile(r"(\d+(?:[.,]\d+)?)\s*(s|sec|seconde|seconden|seconds?|m|min|minuut|"
                       r"minuten|minutes?)\.?", re.IGNORECASE)
_LEADING_ZERO = re.compile(r"[-+]?0\d+(?:\.\d+)?")


def value_tip(value: object, expected: str) -> tuple[str, dict[str, Any]] | None:
    """What to write instead of a text where a boolean or a number belongs, or None.

    The loader reads YAML 1.2 (as editors do), so YAML 1.1's `yes`, `off`, `4:00` and `0240`
    arrive here as text; so do `ja`, `4 minuten` and `1_000`. Each gets the value to write.
    """
    if not isinstance(value, str):
        return None
    word = value.strip()
    if expected in ("bool", "value") and word.lower() in _TRUE_WORDS | _FALSE_WORDS:
        fixed = "true" if word.lower() in _TRUE_WORDS else "false"
        return "write-instead", {"value": word, "fixed": fixed}
    if expected not in ("int", "number", "value"):
        return None
    clock = _CLOCK.fullmatch(word)
    if clock:
        hours_or_minutes, minutes_or_seconds, seconds = clock.groups()
        if seconds is None:  # m:ss, as a timer is written
            total = int(hours_or_minutes) * 60 + int(minutes_or_seconds)
        else:
            total = (int(hours_or_minutes) * 60 + int(minutes_or_seconds)) * 60 + int(seconds)
        return "write-seconds", {"value": word, "fixed": str(total)}
    duration = _DURATION.fullmatch(word)
    if duration:
        amount = float(duration.group(1).replace(",", "."))
        unit = duration.group(2).lower()
        total = amount * 60 if unit.startswith("m") else amount
        return "write-seconds", {"value": word, "fixed": f"{total:g}"}
    if _LEADING_ZERO.fullmatch(word):
        sign = word[0] if word[0] in "+-" else ""
        fixed = sign + (word.lstrip("+-").lstrip("0") or "0")
        if fixed.lstrip("+-").startswith("."):
            fixed = sign + "0" + fixed.lstrip("+-")
        return "leading-zero", {"value": word, "fixed": fixed}
    if re.fullmatch(r"[-+]?\d{1,3}(?:_\d{3})+", word):
        return "write-instead", {"value": word, "fixed": word.replace("_", "")}
    return None


def _quote(value: object) -> str:
    """A short quotation of a value for messages."""
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


# ---------------------------------------------------------------------------------------------
# Step 2: cattrs, with its errors flattened into findings


def _yaml_path(path: tuple) -> tuple:
    """A path of model field names as a path of YAML keys."""
    out: list = []
    for i, p in enumerate(path):
        if i == 0 and p in _DEBRIEF_FIELDS:
            out.extend(["debrief", _DEBRIEF_FIELDS[p]])
        else:
            out.append(_FIELD_TO_KEY.get(p, p) if isinstance(p, str) else p)
    return tuple(out)


def _what(path: tuple) -> str:
    """The key a problem is about, as an author reads it: `goals #2` for a list item."""
    if not path:
        return ""
    if isinstance(path[-1], int) and len(path) > 1:
        return f"{path[-2]} #{path[-1] + 1}"
    return str(path[-1])


def flatten(exc: BaseException, path: tuple = ()) -> list[tuple[tuple, BaseException]]:
    """Every leaf error of a cattrs exception group with the path it happened at."""
    here = path
    for note in getattr(exc, "__notes__", ()):
        if isinstance(note, AttributeValidationNote):
            here = path + (note.name,)
        elif isinstance(note, IterableValidationNote):
            here = path + (note.index,)
    if isinstance(exc, ClassValidationError | IterableValidationError):
        leaves = []
        for sub in exc.exceptions:
            leaves.extend(flatten(sub, here))
        return leaves
    return [(here, exc)]


def findings_from_error(exc: BaseException, base: tuple) -> list[Finding]:
    """cattrs errors (already flattened or not) as findings under `base`."""
    found: list[Finding] = []
    for path, leaf in flatten(exc):
        ypath = _yaml_path(base + path)
        if isinstance(leaf, ForbiddenExtraKeysError):
            for name in sorted(leaf.extra_fields):
                found.append(("unknown-key", ypath + (name,), {"name": name, "suggestion": None,
                                                             "allowed": ()}))
        elif isinstance(leaf, KeyError):
            name = ypath[-1] if ypath else "?"
            found.append(("missing-key", ypath, {"name": name}))
        elif isinstance(leaf, WrongType):
            values = {"key": "wrong-type", "expected": Kind(leaf.expected),
                      "found": Kind(kind_of(leaf.value)), "value": _quote(leaf.value),
                      "what": _what(ypath)}
            tip = value_tip(leaf.value, leaf.expected)
            if ypath and ypath[-1] == "next" and isinstance(leaf.value, list):
                tip = ("next-routes", {})
            if tip:
                values["tip"] = tip
            found.append(("wrong-type", ypath, values))
        elif isinstance(leaf, BadOption):
            found.append(("bad-value", ypath, {"value": _quote(leaf.value),
                                               "options": leaf.options,
                                               "name": _what(ypath)}))
        else:  # a shape cattrs could not handle at all, e.g. a list where a mapping belongs
            found.append(("wrong-type", ypath, {"key": "wrong-type-generic",
                                                "detail": str(leaf),
                                                "what": _what(ypath)}))
    return found


def structure(data: dict, sources: Mapping[tuple, str] | None = None) -> Structured:
    """Desugar and structure plain data into a `Scenario`, every problem collected."""
    d = _Desugarer(sources or {})
    top, items, declared = d.scenario(data)
    findings = list(d.findings)
    built: dict[str, dict] = {}
    choice_index: dict[str, tuple[int, ...]] = {}
    for section, (_kind, cls) in SECTIONS.items():
        built[section] = {}
        for item_id, body in items[section].items():
            try:
                built[section][item_id] = CONVERTER.structure(body, cls)
            except Exception as exc:  # noqa: BLE001 - every cattrs failure becomes findings
                findings.extend(
                    f for f in findings_from_error(exc, (section, item_id))
                    if not any(f[1][: len(r)] == r for r in d.reported)
                )
                salvaged = _salvage(body, cls, exc, choice_index)
                if salvaged is not None:
                    built[section][item_id] = salvaged
    complete = not findings
    # Top-level scalar fields: structured together, with the sections filled in afterwards.
    for section in SECTIONS:
        top[section] = {}
    try:
        scenario = CONVERTER.structure(top, Scenario)
    except Exception as exc:  # noqa: BLE001
        findings.extend(findings_from_error(exc, ()))
        complete = False
        scenario = _fallback_scenario(top)
    # Sections that must exist: cattrs saw them filled in above, so report them here.
    for section in ("roles", "scores", "scenes", "endings"):
        if section not in data and isinstance(data, dict):
            findings.append(("missing-key", (section,), {"name": section}))
            complete = False
    scenario = attrs.evolve(scenario, **built)
    return Structured(scenario=scenario, declared=declared, findings=findings, complete=complete,
                      choice_index=choice_index)


# Neutral stand-ins for broken required fields of a salvaged item (never shown: a file with
# errors does not load); the academy one avoids a spurious unknown-academy warning.
_FILLERS: dict[str, Any] = {"outcome": "mixed", "initial": 0, "academy": "sociale_studies"}


def _salvage(
    body: dict, cls: type, exc: BaseException, choice_index: dict[str, tuple[int, ...]]
) -> Any | None:
    """The item with its broken parts left out, so the rest of it can still be checked.

    A broken choice is dropped from its scene, a broken optional field is dropped, a missing or
    broken required field gets a neutral filler (empty text). None when that does not help.
    The salvaged item only feeds the validator; a file with findings never loads. When choices
    were dropped, `choice_index[scene id]` records the file index of each kept choice.
    """
    body = dict(body)
    required = {a.name for a in attrs.fields(cls) if a.default is attrs.NOTHING}
    bad_choices: set[int] = set()
    for path, _leaf in flatten(exc):
        if not path:
            return None
        head = path[0]
        if head == "choices" and len(path) > 1 and isinstance(path[1], int):
            bad_choices.add(path[1])
        elif head in required:
            body[head] = _FILLERS.get(head, "")
        else:
            body.pop(head, None)
    kept: tuple[int, ...] | None = None
    if bad_choices and isinstance(body.get("choices"), list):
        kept = tuple(i for i in range(len(body["choices"])) if i not in bad_choices)
        body["choices"] = [body["choices"][i] for i in kept]
    try:
        item = CONVERTER.structure(body, cls)
    except Exception:  # noqa: BLE001 - nothing more to save
        return None
    if kept is not None:
        choice_index[body["id"]] = kept
    return item


def _fallback_scenario(top: dict) -> Scenario:
    """A scenario shell from the top-level fields that are usable, for further checking."""
    def pick(name: str, typ: type, default: Any) -> Any:
        value = top.get(name)
        return value if type(value) is typ else default

    return Scenario(
        format=pick("format", int, 1),
        id=pick("id", str, ""),
        title=pick("title", str, ""),
        roles={},
        scores={},
        start=pick("start", str, ""),
        scenes={},
        endings={},
        language=pick("language", str, "nl"),
    )


__all__ = [
    "CONVERTER",
    "KEYS",
    "SECTIONS",
    "BadOption",
    "Finding",
    "Structured",
    "WrongType",
    "flatten",
    "kind_of",
    "make_converter",
    "structure",
    "unstructure",
]


# ---------------------------------------------------------------------------------------------
# The way back: a model as the plain data an author would write


def _effects_data(obj: Any) -> dict[str, Any]:
    """The set/add/score keys of an object that are not empty."""
    return {k: dict(getattr(obj, k)) for k in ("set", "add", "score") if getattr(obj, k)}


def _optional(data: dict[str, Any], **values: Any) -> dict[str, Any]:
    """`data` plus the values that are not None, empty or False."""
    for key, value in values.items():
        if value is None or value is False:
            continue
        if isinstance(value, list | tuple | dict) and not value:
            continue
        data[key] = value
    return data


def unstructure(scenario: Scenario) -> dict[str, Any]:
    """A scenario as plain YAML data in format v1 that loads back to an equal scenario.

    Used by authoring tools and by the round-trip tests; defaults are left out and every id is
    written as its mapping key, so the output reads like a hand-written file.
    """
    roles = {
        r.id: _optional({"name": r.name, "academy": r.academy, "briefing": r.briefing},
                        goals=list(r.goals), color=r.color)
        for r in scenario.roles.values()
    }
    info = {}
    for c in scenario.info.values():
        card = _optional({"title": c.title, "text": c.text}, owner=c.owner,
                         sensitive=c.sensitive, consent=c.consent if c.terms is None else None)
        if c.terms is not None:
            t = c.terms
            card["consent"] = _optional({}, **{"if": t.if_, "for": t.for_}, ask=t.ask)
            for name in ("to", "asked_by"):
                if getattr(t, name) is not None:
                    card["consent"][name] = list(getattr(t, name))
        if c.needed_by is not None:
            card["needed_by"] = list(c.needed_by)
        info[c.id] = _optional(card, on_share=_effects_data(c.on_share),
                               on_breach=_effects_data(c.on_breach),
                               on_refuse=_effects_data(c.on_refuse))
    variables = {
        v.id: _optional({"initial": v.initial}, min=v.min, max=v.max, label=v.label,
                        unit=v.unit, show=v.show, good=v.good)
        for v in scenario.variables.values()
    }
    scores = {
        d.id: _optional({"label": d.label}, description=d.description, max=d.max)
        for d in scenario.scores.values()
    }
    scenes = {sid: _scene_data(s, list(scenario.roles)) for sid, s in scenario.scenes.items()}
    endings = {}
    for e in scenario.endings.values():
        endings[e.id] = _optional({"title": e.title, "text": e.text, "outcome": e.outcome},
                                  questions=list(e.questions))
        if e.phases is not None:  # grouped, even when every phase is empty
            endings[e.id]["questions"] = _phases_data(e.phases)
    data: dict[str, Any] = {"format": scenario.format, "id": scenario.id, "title": scenario.title}
    if scenario.language != "nl":
        data["language"] = scenario.language
    _optional(data, summary=scenario.summary, learning_goals=list(scenario.learning_goals))
    data["roles"] = roles
    _optional(data, info=info, variables=variables)
    data.update(scores=scores, start=scenario.start, scenes=scenes, endings=endings)
    debrief = _optional({}, questions=list(scenario.debrief_questions),
                        roles={r: list(p) for r, p in scenario.debrief_roles.items()})
    if scenario.guide is not None:
        debrief["guide"] = _guide_data(scenario.guide)
    if debrief:
        data["debrief"] = debrief
    return data


def _phases_data(phases: Any) -> dict[str, Any]:
    """An ending's grouped questions as plain data; empty phases left out."""
    return _optional({}, **{k: list(getattr(phases, k)) for k in KEYS["phases"]})


def _guide_data(guide: Any) -> dict[str, Any]:
    """The facilitator guide as plain data; an empty guide is written as `{}`."""
    return _optional({}, duration=guide.duration, prebriefing=guide.prebriefing,
                     watch_for=list(guide.watch_for), wrong_turns=list(guide.wrong_turns),
                     legal_background=[{"text": n.text, "source": n.source}
                                       for n in guide.legal_background])


def _scene_data(scene: Scene, role_order: list[str]) -> dict[str, Any]:
    """One scene as plain data (see `unstructure`)."""
    data: dict[str, Any] = _optional({}, title=scene.title)
    data["text"] = scene.text
    _optional(data, speaker=scene.speaker)
    if scene.is_team:
        data["actor"] = TEAM
    elif len(scene.actors) == 1:
        data["actor"] = scene.actors[0]
    elif scene.actors:
        data["actor"] = list(scene.actors)
    default = "vote" if len(scene.actors) > 1 else "single"
    if scene.decision != default:
        data["decision"] = scene.decision
    _optional(data, tiebreak=scene.tiebreak, advice=dict(scene.advice), timer=scene.timer,
              on_timeout=scene.on_timeout, on_enter=_effects_data(scene.on_enter),
              keep_order=scene.keep_order)
    if scene.choices:
        data["choices"] = []
        for c in scene.choices:
            choice = _optional({"id": c.id, "text": c.text},
                               roles=list(c.roles) if c.roles is not None else None)
            if c.if_ is not None:
                choice["if"] = c.if_
            choice.update(_effects_data(c))
            _optional(choice, learn={r: list(cards) for r, cards in c.learn.items()},
                      feedback=c.feedback)
            if len(c.goto) == 1 and c.goto[0].if_ is None and c.goto[0].weight is None:
                choice["goto"] = c.goto[0].to
            else:
                choice["goto"] = [
                    _optional({"to": r.to}, **{"if": r.if_}, weight=r.weight) for r in c.goto
                ]
            data["choices"].append(choice)
    if scene.next is not None:
        data["next"] = scene.next
    return data

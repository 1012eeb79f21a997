"""Text interpolation in scene text, feedback and briefings (docs/expressions.md, "Text templates").

`{var}` is a variable's value, `{player:role}` the name of the player in that role,
`{role:role}` the role's display name; `{{` and `}}` are literal braces. A text is parsed once
into a `Template` (literal strings and `Placeholder`s), checked at load time against the
scenario's variables and roles, and rendered by the engine and the UI with the values of the
moment, numbers formatted for the interface language (12.000 in Dutch, 12,000 in English).

Decisions where the format is silent (also in docs/expressions.md):

- Spaces just inside the braces are ignored: `{ budget }` is `{budget}`.
- A placeholder holds exactly one id; anything else (`{budget + 1}`, `{a.b}`, `{"x": 1}`) is
  an error that says to write `{{`/`}}` for literal braces.
- Booleans render as ja/nee (yes/no); floats with at most two decimals.
- A role without a player renders as the role's display name. At run time an unknown variable
  or role (only possible for text that skipped the load-time check) renders as the placeholder
  itself, so a mistake shows on screen instead of crashing a class session; it is logged.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Collection, Mapping
from functools import lru_cache
from typing import Literal

from attrs import field, frozen

from game.i18n import format_number
from game.scenario.expressions import Issue, LocatedError, bilingual, closest

logger = logging.getLogger(__name__)

Kind = Literal["var", "player", "role"]
KINDS = ("player", "role")  # the kinds written `{kind:role}`; a bare name is a variable
# Words a Dutch (or English) author may write for a kind, and the kind they mean.
_KIND_ALIASES = {"speler": "player", "naam": "player", "name": "player", "rol": "role"}
_ID_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_")


class TemplateError(LocatedError):
    """A text whose placeholders cannot be parsed; `offset` points at the brace at fault."""

    default_code = "template-syntax"


@frozen
class Placeholder:
    """One `{...}` in a text: `kind` var, player or role, and the id it names."""

    kind: Kind
    name: str
    offset: int = field(default=0, eq=False)

    def __str__(self) -> str:
        return "{" + (self.name if self.kind == "var" else f"{self.kind}:{self.name}") + "}"


Part = str | Placeholder


@frozen
class Template:
    """A parsed text: its source and its parts, literal strings and placeholders in order.

    Adjacent literal text is one part, and literal parts are never empty.
    """

    source: str
    parts: tuple[Part, ...]

    @property
    def placeholders(self) -> tuple[Placeholder, ...]:
        """Only the placeholders, in order."""
        return tuple(p for p in self.parts if isinstance(p, Placeholder))

    @property
    def is_plain(self) -> bool:
        """True when the text has no placeholders (it renders as its literal text)."""
        return not self.placeholders

    def __str__(self) -> str:
        return self.source


def _is_id(text: str) -> bool:
    return bool(text) and all(c in _ID_CHARS for c in text) and not text.startswith("__")


def _placeholder(text: str, inner: str, at: int) -> Placeholder:
    """The placeholder for the text between one pair of braces (`inner`), or TemplateError."""

    def fail(key: str, **values: object) -> TemplateError:
        return TemplateError(*bilingual(key, **values), offset=at, source=text)

    content = inner.strip()
    if not content:
        raise fail("expressions.template.empty")
    if ":" in content:
        kind, name = (piece.strip() for piece in content.split(":", 1))
        if _is_id(kind) and _is_id(name) and kind not in KINDS:
            error = fail("expressions.template.unknown_kind", kind=kind, text=inner)
            close = _KIND_ALIASES.get(kind.lower()) or closest(kind, KINDS)
            if close:
                hint = bilingual("expressions.hint.did_you_mean", name=f"{{{close}:{name}}}")
                error.message += hint[0]
                error.message_nl += hint[1]
            raise error
        if kind not in KINDS or not _is_id(name):
            raise fail("expressions.template.bad_name", text=inner)
        return Placeholder(kind, name, at)  # type: ignore[arg-type]
    if not _is_id(content):
        raise fail("expressions.template.bad_name", text=inner)
    return Placeholder("var", content, at)


def parse_template(text: str) -> Template:
    """Parse a text with placeholders; raises `TemplateError` at the first bad brace.

    Errors: an unclosed `{`, a stray `}`, an empty `{}`, an unknown kind `{foo:x}`, or
    anything but an id between the braces.
    """
    if not isinstance(text, str):
        raise TemplateError(*bilingual("expressions.template.not_text", value=repr(text)),
                            offset=0, source=str(text))
    parts: list[Part] = []
    literal: list[str] = []
    i, n = 0, len(text)
    while i < n:
        # Jump to the next brace; everything before it is literal text.
        brace = min((k for k in (text.find("{", i), text.find("}", i)) if k >= 0), default=n)
        literal.append(text[i:brace])
        if brace == n:
            break
        pair = text[brace : brace + 2]
        if pair in ("{{", "}}"):
            literal.append(pair[0])
            i = brace + 2
            continue
        if text[brace] == "}":
            raise TemplateError(*bilingual("expressions.template.stray_close"), offset=brace,
                                source=text)
        end = text.find("}", brace + 1)
        reopen = text.find("{", brace + 1)
        if end < 0 or 0 <= reopen < end:
            raise TemplateError(*bilingual("expressions.template.unclosed"), offset=brace,
                                source=text)
        placeholder = _placeholder(text, text[brace + 1 : end], brace)
        if any(literal):
            parts.append("".join(literal))
        literal = []
        parts.append(placeholder)
        i = end + 1
    if any(literal):
        parts.append("".join(literal))
    return Template(text, tuple(parts))


_parse_cached = lru_cache(maxsize=4096)(parse_template)


def unparse_template(parts: Template | tuple[Part, ...] | list[Part]) -> str:
    """Text for a sequence of parts, with literal braces doubled; inverse of `parse_template`."""
    if isinstance(parts, Template):
        parts = parts.parts
    out = []
    for part in parts:
        if isinstance(part, Placeholder):
            out.append(str(part))
        else:
            out.append(part.replace("{", "{{").replace("}", "}}"))
    return "".join(out)


def check_template(
    tpl: Template, variables: Collection[str], roles: Collection[str]
) -> list[Issue]:
    """Every placeholder naming an unknown variable or role, with a close-match suggestion.

    Codes: `template-unknown-variable`, `template-unknown-role`. Offsets point at the `{`.
    """
    issues: list[Issue] = []
    for placeholder in tpl.placeholders:
        name = placeholder.name
        if placeholder.kind == "var":
            if name in variables:
                continue
            code, key, candidates = ("template-unknown-variable",
                                     "expressions.template.unknown_variable", variables)
        else:
            if name in roles:
                continue
            code, key, candidates = ("template-unknown-role",
                                     "expressions.template.unknown_role", roles)
        en, nl = bilingual(key, name=name, kind=placeholder.kind)
        if placeholder.kind == "var" and name in roles:
            hint_en, hint_nl = bilingual("expressions.template.hint_role", name=name)
            en, nl = en + hint_en, nl + hint_nl
        else:
            close = closest(name, candidates)
            if close:
                hint_en, hint_nl = bilingual("expressions.hint.did_you_mean", name=close)
                en, nl = en + hint_en, nl + hint_nl
        issues.append(Issue(code, en, nl, placeholder.offset))
    return issues


def render(
    text_or_template: str | Template,
    variables: Mapping[str, object],
    players: Mapping[str, str],
    role_names: Mapping[str, str],
    lang: str = "nl",
) -> str:
    """The text with its placeholders filled in for one moment of play.

    `players` maps role id -> player name, `role_names` role id -> display name. Numbers and
    booleans are formatted for `lang`. Parsing is cached by text, so rendering the same scene
    text every frame costs a dictionary lookup per placeholder.
    """
    tpl = (text_or_template if isinstance(text_or_template, Template)
           else _parse_cached(text_or_template))
    out: list[str] = []
    for part in tpl.parts:
        if isinstance(part, str):
            out.append(part)
        elif part.kind == "var":
            if part.name in variables:
                value = variables[part.name]
                if isinstance(value, bool | int | float):
                    out.append(format_number(value, lang))
                else:
                    out.append(str(value))
            else:
                logger.warning("no value for %s in %r", part, tpl.source)
                out.append(str(part))
        elif part.name in role_names or part.name in players:
            if part.kind == "player" and players.get(part.name):
                out.append(players[part.name])
            else:
                out.append(role_names.get(part.name, part.name))
        else:
            logger.warning("unknown role in %s in %r", part, tpl.source)
            out.append(str(part))
    return "".join(out)


_LIST_ITEM = re.compile(r"([-*•]|\d+[.)])\s")


def paragraphs(text: object) -> list[str]:
    """Scenario prose as paragraphs, for reflowing to any width (the window, the terminal).

    Authors wrap long lines in YAML block scalars; those single line breaks are joined. A
    blank line starts a new paragraph, and a line that starts a list item ("- ", "* ", "• ",
    "1. ") keeps its own line (joined to its paragraph with a line break).
    """
    out = []
    for para in re.split(r"\n\s*\n", str(text).strip()):
        joined = ""
        for line in (ln.strip() for ln in para.splitlines()):
            if not line:
                continue
            if joined and not _LIST_ITEM.match(line):
                joined += " " + line
            else:
                joined += ("\n" if joined else "") + line
        if joined:
            out.append(joined)
    return out

"""The expression language of scenario guards: `if`, `consent` and route conditions.

A small, safe language (docs/expressions.md): number, true/false and text
literals, variable names, `+ - * /`, unary minus, `== != < <= > >=`, `and or not`,
parentheses and six functions over the play history (`knows`, `shared`, `consulted`,
`visited`, `chose`, `granted`) whose arguments are bare ids. The text is read by a
hand-written tokenizer and a recursive-descent parser into a tree of frozen nodes; nothing is
ever handed to `eval`, `exec`, `ast` or the `transitions` library as a string.

Three stages, each usable alone:

- `parse(source)` builds an `Expr` or raises `ExpressionError` (syntax) with a 0-based offset;
- `check(expr, scope)` returns every problem at once: unknown names, functions, ids, wrong
  arity and type errors, each with a close-match suggestion where one exists;
- `compile(expr)` turns the tree into nested Python closures that the engine calls with an
  `EvalContext`; `compile_source` caches parse + compile by text.

Decisions where the format is silent (also in docs/expressions.md):

- Operator precedence, loosest first: `or` < `and` < `not` < comparison < `+ -` < `* /` <
  unary `-`. Comparisons do not chain (`a < b < c` is a syntax error saying how to write it).
- `/` is true division (`7 / 2` is 3.5); dividing by zero is a run-time `ExpressionError`.
- `==`, `!=`, `<=`, `<`, `>=`, `>` treat numbers that differ only by float rounding as equal
  (`0.1 + 0.2 == 0.3` holds), because a teacher reads the numbers as decimals.
- Text literals use single or double quotes and have no escapes; they can only be compared
  with `==`/`!=` (there is no text concatenation).
- An id that starts with a digit (`2e_gesprek`) is read as a name; an all-digit argument of a
  function (`visited(1)`) is read as the id `1`.
- Number literals are at most 40 characters; expressions nest at most 40 levels and their trees
  are at most 100 levels deep, so no input can exhaust the Python stack.
"""

from __future__ import annotations

import difflib
import logging
import math
import operator
from collections.abc import Callable, Collection, Iterator, Mapping
from decimal import Decimal
from functools import lru_cache
from typing import Protocol

from attrs import field, frozen

from game.errors import SamenspelError
from game.i18n import translate

logger = logging.getLogger(__name__)

# name -> the kind of id each argument must be
FUNCTIONS: dict[str, tuple[str, ...]] = {
    "knows": ("role", "info"),
    "shared": ("info",),
    "consulted": ("role",),
    "visited": ("scene",),
    "chose": ("scene", "choice"),
    "granted": ("info", "role"),
}
KEYWORDS = frozenset({"and", "or", "not", "true", "false"})
COMPARISONS = frozenset({"==", "!=", "<", "<=", ">", ">="})
ARITHMETIC = frozenset({"+", "-", "*", "/"})
MAX_NUMBER_LENGTH = 40
MAX_NESTING = 40
MAX_DEPTH = 100

_DIGITS = frozenset("0123456789")
_ID_START = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_")
_ID_CHARS = _ID_START | _DIGITS
_SPACE = frozenset(" \t\r\n")
_TWO_CHAR_OPS = frozenset({"==", "!=", "<=", ">="})
_ONE_CHAR_OPS = frozenset("+-*/<>(),")
# Characters a word processor substitutes, and what to type instead.
_LOOKALIKES = {
    "\u2264": "<=", "\u2265": ">=", "\u2260": "!=", "\u2212": "-", "\u2013": "-",
    "\u00d7": "*", "\u00f7": "/",
}


def bilingual(key: str, **values: object) -> tuple[str, str]:
    """The English and Dutch text of one catalogue message."""
    if values:
        return translate(key, "en", **values), translate(key, "nl", **values)
    # `translate` formats only when given values; format anyway so `{{` always reads `{`.
    return translate(key, "en").format(), translate(key, "nl").format()


def closest(name: str, candidates: Collection[str]) -> str | None:
    """The closest candidate to a mistyped name, or None when nothing is close."""
    matches = difflib.get_close_matches(name, sorted(candidates), n=1, cutoff=0.6)
    return matches[0] if matches else None


# --------------------------------------------------------------------------- errors, issues


class LocatedError(SamenspelError, ValueError):
    """An error in a piece of scenario text, at a 0-based character offset into it.

    `message` is English, `message_nl` Dutch; `code` is the stable problem code the loader
    reports; `source` is the text the offset points into.
    """

    default_code = "syntax"

    def __init__(
        self,
        message: str,
        message_nl: str = "",
        offset: int = 0,
        source: str = "",
        code: str | None = None,
    ):
        self.message = message
        self.message_nl = message_nl or message
        self.offset = offset
        self.source = source
        self.code = code or self.default_code
        super().__init__(message)

    def __reduce__(self):
        # Keep every field when pickled (for example across simulation worker processes).
        return type(self), (self.message, self.message_nl, self.offset, self.source, self.code)

    def __str__(self) -> str:
        if not self.source:
            return self.message
        if f"'{self.source}'" in self.message:  # run-time messages quote the source already
            return f"{self.message} (character {self.offset + 1})"
        return f"{self.message} (in {self.source!r}, character {self.offset + 1})"

    def text(self, lang: str = "nl") -> str:
        """The message in that language."""
        return self.message_nl if lang == "nl" else self.message

    def to_issue(self) -> Issue:
        """This error as an `Issue`, so syntax errors and check findings report alike."""
        return Issue(self.code, self.message, self.message_nl, self.offset)


class ExpressionError(LocatedError):
    """An expression that cannot be parsed, or that failed while being evaluated."""

    default_code = "expr-syntax"


@frozen
class Issue:
    """One problem found by `check` (or `check_template`), at a 0-based offset into the source.

    `code` is stable (expr-syntax, expr-unknown-name, ...); `message` English, `message_nl`
    Dutch, each including a close-match suggestion when there is one.
    """

    code: str
    message: str
    message_nl: str
    offset: int

    def text(self, lang: str = "nl") -> str:
        """The message in that language."""
        return self.message_nl if lang == "nl" else self.message


# --------------------------------------------------------------------------- the tree
# Offsets are excluded from equality: two spellings of one expression ("a+1", "(a) + 1") give
# equal trees, which is what the round-trip property and caches want.


@frozen
class Number:
    """A number literal (int or float)."""

    value: int | float
    offset: int = field(default=0, eq=False)


@frozen
class Boolean:
    """`true` or `false`."""

    value: bool
    offset: int = field(default=0, eq=False)


@frozen
class Text:
    """A quoted text literal."""

    value: str
    offset: int = field(default=0, eq=False)


@frozen
class Name:
    """A variable name."""

    name: str
    offset: int = field(default=0, eq=False)


@frozen
class Arg:
    """One id argument of a function call (bare or quoted in the source)."""

    id: str
    offset: int = field(default=0, eq=False)


@frozen
class Call:
    """A function call such as `knows(jeugdprofessional, opa)`; `offset` is the function name."""

    function: str
    args: tuple[Arg, ...]
    offset: int = field(default=0, eq=False)


@frozen
class Unary:
    """`-x` or `not x`; `offset` is the operator."""

    op: str
    operand: Node
    offset: int = field(default=0, eq=False)


@frozen
class Binary:
    """`left op right` for arithmetic, comparison, `and` and `or`; `offset` is the operator."""

    op: str
    left: Node
    right: Node
    offset: int = field(default=0, eq=False)


Node = Number | Boolean | Text | Name | Call | Unary | Binary


@frozen
class Expr:
    """A parsed expression: its source text and the root of its tree."""

    source: str
    root: Node

    def __str__(self) -> str:
        return self.source


def start_offset(node: Node) -> int:
    """The offset of the first character of a node's own text (for messages about it)."""
    while isinstance(node, Binary):
        node = node.left
    return node.offset


def iter_nodes(node: Node) -> Iterator[Node]:
    """Every node of a tree, parents before children, left to right."""
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        if isinstance(current, Binary):
            stack.append(current.right)
            stack.append(current.left)
        elif isinstance(current, Unary):
            stack.append(current.operand)


# --------------------------------------------------------------------------- tokenizer


@frozen
class _Token:
    """One token: `kind` is number, text, name, eof, or the operator/keyword itself."""

    kind: str
    text: str
    offset: int
    value: object = None


def _tokenize(source: str) -> list[_Token]:
    """The tokens of an expression, ending with an `eof` token; raises ExpressionError."""
    tokens: list[_Token] = []
    i, n = 0, len(source)

    def fail(key: str, at: int, **values: object) -> ExpressionError:
        return ExpressionError(*bilingual(key, **values), offset=at, source=source)

    while i < n:
        c = source[i]
        if c in _SPACE or c.isspace():  # also the no-break spaces of text pasted from Word
            i += 1
        elif c in _DIGITS or (c == "." and i + 1 < n and source[i + 1] in _DIGITS):
            j = i
            while j < n and source[j] in _DIGITS:
                j += 1
            if j < n and source[j] in _ID_START:
                # An id that starts with digits, such as `2e_gesprek`.
                while j < n and source[j] in _ID_CHARS:
                    j += 1
                tokens.append(_Token("name", source[i:j], i))
                i = j
                continue
            is_float = False
            if j < n and source[j] == "." and j + 1 < n and source[j + 1] in _DIGITS:
                is_float = True
                j += 1
                while j < n and source[j] in _DIGITS:
                    j += 1
            text = source[i:j]
            if len(text) > MAX_NUMBER_LENGTH:
                raise fail("expressions.number_too_long", i, text=text[:12] + "...",
                           limit=MAX_NUMBER_LENGTH)
            value = float(text) if is_float else int(text)
            tokens.append(_Token("number", text, i, value))
            i = j
        elif c in _ID_START:
            j = i
            while j < n and source[j] in _ID_CHARS:
                j += 1
            word = source[i:j]
            if word.startswith("__"):
                # Python's dunder names (`__import__`, `__class__`) are no ids: refuse them
                # outright rather than let them reach any later stage.
                raise fail("expressions.dunder", i, name=word)
            tokens.append(_Token(word if word in KEYWORDS else "name", word, i))
            i = j
        elif c in "'\"":
            end = source.find(c, i + 1)
            if end < 0:
                raise fail("expressions.unclosed_text", i, quote=c)
            tokens.append(_Token("text", source[i : end + 1], i, source[i + 1 : end]))
            i = end + 1
        elif source[i : i + 2] in _TWO_CHAR_OPS:
            tokens.append(_Token(source[i : i + 2], source[i : i + 2], i))
            i += 2
        elif c in _ONE_CHAR_OPS:
            tokens.append(_Token(c, c, i))
            i += 1
        elif source[i : i + 2] in ("=>", "=<"):
            # `vertrouwen => 60`: the author meant '>=', not '==' (the '=' came first).
            raise fail(f"expressions.reversed_{'ge' if source[i + 1] == '>' else 'le'}", i)
        elif c == "=":
            raise fail("expressions.single_equals", i)
        elif c in "&|!":
            op = source[i : i + 2] if source[i : i + 2] in ("&&", "||") else c
            word = {"&": "and", "|": "or", "!": "not"}[c]
            raise fail("expressions.use_word", i, op=op, word=word)
        elif c in "\u2018\u2019\u201a\u201c\u201d\u201e":  # curly quotes
            raise fail("expressions.curly_quote", i, char=c)
        elif c in _LOOKALIKES:
            raise fail("expressions.use_word", i, op=c, word=_LOOKALIKES[c])
        elif c == ".":
            raise fail("expressions.attribute", i)
        elif c in "[]{}":
            raise fail("expressions.subscript", i, char=c)
        else:
            raise fail("expressions.unexpected_char", i, char=c)
    tokens.append(_Token("eof", "", n))
    return tokens


# --------------------------------------------------------------------------- parser


class _Parser:
    """Recursive descent over the token list, one method per precedence level.

    Every parse method returns `(node, depth)`, the depth of the tree it built, so that long
    left-associative chains are bounded as well as bracket nesting.
    """

    def __init__(self, source: str):
        self.source = source
        self.tokens = _tokenize(source)
        self.pos = 0
        self.nesting = 0

    # helpers ---------------------------------------------------------------
    @property
    def tok(self) -> _Token:
        return self.tokens[self.pos]

    def advance(self) -> _Token:
        token = self.tokens[self.pos]
        self.pos += 1
        return token

    def fail(self, key: str, at: int, **values: object) -> ExpressionError:
        return ExpressionError(*bilingual(key, **values), offset=at, source=self.source)

    def deeper(self, at: int) -> None:
        self.nesting += 1
        if self.nesting > MAX_NESTING:
            raise self.fail("expressions.too_deep", at, limit=MAX_NESTING)

    def binary(self, op: _Token, left: tuple, right: tuple) -> tuple[Node, int]:
        depth = 1 + max(left[1], right[1])
        if depth > MAX_DEPTH:
            raise self.fail("expressions.too_deep", op.offset, limit=MAX_DEPTH)
        return Binary(op.kind, left[0], right[0], op.offset), depth

    # grammar ---------------------------------------------------------------
    def parse(self) -> Node:
        if self.tok.kind == "eof":
            raise self.fail("expressions.empty", 0)
        node, _ = self.parse_or()
        if self.tok.kind != "eof":
            raise self.trailing()
        return node

    def trailing(self) -> ExpressionError:
        token = self.tok
        if token.kind == ")":
            return self.fail("expressions.unmatched_paren", token.offset)
        previous = self.tokens[self.pos - 1]
        following = self.tokens[self.pos + 1] if self.pos + 1 < len(self.tokens) else token
        if (
            token.kind == ","
            and previous.kind == "number"
            and following.kind == "number"
            and following.offset == token.offset + 1
        ):
            suggestion = f"{previous.text}.{following.text}"
            return self.fail("expressions.decimal_comma", token.offset, suggestion=suggestion)
        if token.kind == "(" and previous.kind in ("true", "false", "number", "text", ")"):
            return self.fail("expressions.not_callable", token.offset, token=previous.text)
        return self.fail("expressions.trailing", token.offset, token=token.text)

    def parse_or(self) -> tuple[Node, int]:
        left = self.parse_and()
        while self.tok.kind == "or":
            op = self.advance()
            left = self.binary(op, left, self.parse_and())
        return left

    def parse_and(self) -> tuple[Node, int]:
        left = self.parse_not()
        while self.tok.kind == "and":
            op = self.advance()
            left = self.binary(op, left, self.parse_not())
        return left

    def parse_not(self) -> tuple[Node, int]:
        if self.tok.kind != "not":
            return self.parse_comparison()
        op = self.advance()
        self.deeper(op.offset)
        operand, depth = self.parse_not()
        self.nesting -= 1
        return Unary("not", operand, op.offset), depth + 1

    def parse_comparison(self) -> tuple[Node, int]:
        left = self.parse_sum()
        if self.tok.kind in COMPARISONS:
            op = self.advance()
            left = self.binary(op, left, self.parse_sum())
            if self.tok.kind in COMPARISONS:
                raise self.fail("expressions.chained", self.tok.offset)
        return left

    def parse_sum(self) -> tuple[Node, int]:
        left = self.parse_product()
        while self.tok.kind in ("+", "-"):
            op = self.advance()
            left = self.binary(op, left, self.parse_product())
        return left

    def parse_product(self) -> tuple[Node, int]:
        left = self.parse_unary()
        while self.tok.kind in ("*", "/"):
            op = self.advance()
            left = self.binary(op, left, self.parse_unary())
        return left

    def parse_unary(self) -> tuple[Node, int]:
        if self.tok.kind != "-":
            return self.parse_atom()
        op = self.advance()
        self.deeper(op.offset)
        operand, depth = self.parse_unary()
        self.nesting -= 1
        return Unary("-", operand, op.offset), depth + 1

    def parse_atom(self) -> tuple[Node, int]:
        token = self.tok
        kind = token.kind
        if kind == "number":
            self.advance()
            return Number(token.value, token.offset), 1
        if kind in ("true", "false"):
            self.advance()
            return Boolean(kind == "true", token.offset), 1
        if kind == "text":
            self.advance()
            return Text(token.value, token.offset), 1
        if kind == "name":
            self.advance()
            if self.tok.kind == "(":
                return self.parse_call(token), 1
            return Name(token.text, token.offset), 1
        if kind == "(":
            self.advance()
            self.deeper(token.offset)
            inner = self.parse_or()
            self.nesting -= 1
            if self.tok.kind != ")":
                if self.tok.kind == "eof":
                    raise self.fail("expressions.unclosed_paren", token.offset)
                raise self.trailing()
            self.advance()
            return inner
        if kind == "eof":
            previous = self.tokens[self.pos - 1] if self.pos else token
            raise self.fail("expressions.ends_early", token.offset, token=previous.text)
        if kind == ")" and self.pos and self.tokens[self.pos - 1].kind == "(":
            raise self.fail("expressions.empty_parens", token.offset)
        raise self.fail("expressions.expected_value", token.offset, token=token.text)

    def parse_call(self, name: _Token) -> Call:
        opening = self.advance()
        args: list[Arg] = []
        if self.tok.kind == ")":
            self.advance()
            return Call(name.text, (), name.offset)
        while True:
            token = self.tok
            if token.kind in ("name", "text"):
                args.append(Arg(token.text if token.kind == "name" else token.value, token.offset))
            elif token.kind == "number" and isinstance(token.value, int):
                args.append(Arg(token.text, token.offset))  # an all-digit id
            elif token.kind == "eof":
                raise self.fail("expressions.unclosed_paren", opening.offset)
            else:
                raise self.fail("expressions.bad_argument", token.offset, token=token.text)
            self.advance()
            if self.tok.kind == ",":
                self.advance()
            elif self.tok.kind == ")":
                self.advance()
                return Call(name.text, tuple(args), name.offset)
            elif self.tok.kind == "eof":
                raise self.fail("expressions.unclosed_paren", opening.offset)
            else:
                raise self.fail("expressions.bad_argument", self.tok.offset, token=self.tok.text)


def parse(source: str) -> Expr:
    """Parse expression text into an `Expr`; raises `ExpressionError` at the first syntax error.

    A YAML boolean or number (`consent: false`, `if: 1`) is accepted as the same literal text.

    >>> parse("vertrouwen >= 50 and knows(jeugdprofessional, opa)").root.op
    'and'
    """
    if isinstance(source, bool):
        # YAML reads `consent: false` as a boolean, not text; it means the expression `false`.
        source = "true" if source else "false"
    elif isinstance(source, int | float) and math.isfinite(source):
        source = unparse(Number(source)) if source >= 0 else f"-{unparse(Number(-source))}"
    if not isinstance(source, str):
        raise ExpressionError(
            *bilingual("expressions.not_text", value=repr(source)), offset=0, source=str(source)
        )
    return Expr(source, _Parser(source).parse())


# --------------------------------------------------------------------------- printing

_PRECEDENCE = {"or": 1, "and": 2, "not": 3, **dict.fromkeys(COMPARISONS, 4),
               "+": 5, "-": 5, "*": 6, "/": 6}
_UNARY_MINUS = 7
_ATOM = 8


def _precedence(node: Node) -> int:
    if isinstance(node, Binary):
        return _PRECEDENCE[node.op]
    if isinstance(node, Unary):
        return _PRECEDENCE["not"] if node.op == "not" else _UNARY_MINUS
    return _ATOM


def _format_number(value: int | float) -> str:
    if isinstance(value, int):
        return str(value)
    text = format(Decimal(repr(value)), "f")
    return text if "." in text else text + ".0"


def _format_id(identifier: str) -> str:
    if identifier and all(c in _ID_CHARS for c in identifier) and identifier not in KEYWORDS:
        return identifier
    return _quote(identifier)


def _quote(text: str) -> str:
    quote = "'" if "'" not in text else '"'
    if quote in text:
        raise ValueError(f"text {text!r} holds both quote characters and cannot be written")
    return f"{quote}{text}{quote}"


def unparse(node: Node | Expr) -> str:
    """Expression text for a tree, with only the parentheses precedence requires.

    `parse(unparse(tree)).root == tree` for every tree `parse` can produce.
    """
    if isinstance(node, Expr):
        node = node.root
    if isinstance(node, Number):
        return _format_number(node.value)
    if isinstance(node, Boolean):
        return "true" if node.value else "false"
    if isinstance(node, Text):
        return _quote(node.value)
    if isinstance(node, Name):
        return node.name
    if isinstance(node, Call):
        return f"{node.function}({', '.join(_format_id(a.id) for a in node.args)})"
    if isinstance(node, Unary):
        inner = unparse(node.operand)
        if _precedence(node.operand) < _precedence(node):
            inner = f"({inner})"
        return f"not {inner}" if node.op == "not" else f"-{inner}"
    own = _precedence(node)
    left, right = unparse(node.left), unparse(node.right)
    # Left-associative: the left side may share the level, the right side may not; and
    # comparisons do not chain, so neither side of one may be a comparison.
    if _precedence(node.left) < own or (own == 4 and _precedence(node.left) == 4):
        left = f"({left})"
    if _precedence(node.right) <= own:
        right = f"({right})"
    return f"{left} {node.op} {right}"


# --------------------------------------------------------------------------- checking


@frozen
class Scope:
    """What an expression may refer to: variables with their types, and the scenario's ids.

    `variables` maps id -> bool, int or float (int and float are both "number"); `scenes`
    holds scene and ending ids (one namespace); `choices` maps scene id -> its choice ids.
    """

    variables: Mapping[str, type] = field(factory=dict)
    roles: Collection[str] = ()
    infos: Collection[str] = ()
    scenes: Collection[str] = ()
    choices: Mapping[str, Collection[str]] = field(factory=dict)


_NUMBER, _BOOL, _TEXT = "number", "bool", "text"


def _kind_of(python_type: type | None) -> str | None:
    """The expression type for a Python type: bool, number (int/float), text (str)."""
    if python_type is None:
        return None
    if not isinstance(python_type, type):  # a value given where its type was meant: 12000
        python_type = type(python_type)
    if python_type is bool:
        return _BOOL
    if python_type in (int, float):
        return _NUMBER
    if python_type is str:
        return _TEXT
    raise TypeError(f"expression type must be bool, int, float or str (got {python_type!r})")


def _arity_messages(function: str, got: int) -> tuple[str, str]:
    """The wrong-arity message, with the signature's argument kinds said in each language."""
    kinds = FUNCTIONS[function]
    return tuple(  # type: ignore[return-value]
        translate("expressions.arity", lang, name=function, expected=len(kinds), got=got,
                  signature=f"{function}("
                  + ", ".join(translate(f"expressions.arg.{kind}", lang) for kind in kinds) + ")")
        for lang in ("en", "nl")
    )


def _typed_messages(key: str, kinds: Mapping[str, str], **values: object) -> tuple[str, str]:
    """Like `bilingual`, with type names (number, true/false, text) said in each language."""
    return tuple(  # type: ignore[return-value]
        translate(key, lang, **values,
                  **{slot: translate(f"expressions.type.{kind}", lang)
                     for slot, kind in kinds.items()})
        for lang in ("en", "nl")
    )


class _Checker:
    """Walks a tree once, inferring types and collecting every issue."""

    def __init__(self, expr: Expr, scope: Scope):
        self.expr = expr
        self.scope = scope
        self.issues: list[Issue] = []

    def add(self, code: str, at: int, key: str, hint: tuple[str, str] | None = None,
            **values: object) -> None:
        en, nl = bilingual(key, **values)
        if hint:
            en, nl = en + hint[0], nl + hint[1]
        self.issues.append(Issue(code, en, nl, at))

    def suggestion(self, name: str, candidates: Collection[str]) -> tuple[str, str] | None:
        close = closest(name, candidates)
        return bilingual("expressions.hint.did_you_mean", name=close) if close else None

    def require(self, node: Node, got: str | None, wanted: str, op: str) -> None:
        """Report an operand of `op` whose type is not the one the operator needs."""
        if got is None or got == wanted:
            return
        en, nl = _typed_messages("expressions.operand_type", {"wanted": wanted, "got": got}, op=op)
        self.issues.append(Issue("expr-type", en, nl, start_offset(node)))

    def visit(self, node: Node) -> str | None:
        if isinstance(node, Number):
            return _NUMBER
        if isinstance(node, Boolean):
            return _BOOL
        if isinstance(node, Text):
            return _TEXT
        if isinstance(node, Name):
            return self.visit_name(node)
        if isinstance(node, Call):
            self.visit_call(node)
            return _BOOL
        if isinstance(node, Unary):
            got = self.visit(node.operand)
            wanted = _BOOL if node.op == "not" else _NUMBER
            self.require(node.operand, got, wanted, node.op)
            return wanted
        return self.visit_binary(node)

    def visit_name(self, node: Name) -> str | None:
        variables = self.scope.variables
        if node.name in variables:
            return _kind_of(variables[node.name])
        hint = None
        for ids, key in (
            (self.scope.infos, "expressions.hint.is_card"),
            (self.scope.roles, "expressions.hint.is_role"),
            (self.scope.scenes, "expressions.hint.is_scene"),
        ):
            if node.name in ids:
                hint = bilingual(key, name=node.name)
                break
        if hint is None and node.name.lower() in KEYWORDS:
            hint = bilingual("expressions.hint.did_you_mean", name=node.name.lower())
        if hint is None:
            hint = self.suggestion(node.name, variables)
        self.add("expr-unknown-name", node.offset, "expressions.unknown_name", hint,
                 name=node.name)
        return None

    def visit_call(self, node: Call) -> None:
        kinds = FUNCTIONS.get(node.function)
        if kinds is None:
            self.add("expr-unknown-function", node.offset, "expressions.unknown_function",
                     self.suggestion(node.function, FUNCTIONS), name=node.function,
                     functions=", ".join(FUNCTIONS))
            return
        if len(node.args) != len(kinds):
            en, nl = _arity_messages(node.function, len(node.args))
            self.issues.append(Issue("expr-arity", en, nl, node.offset))
            return
        scope = self.scope
        scene: str | None = None
        for arg, kind in zip(node.args, kinds):
            if kind == "role":
                known = scope.roles
            elif kind == "info":
                known = scope.infos
            elif kind == "scene":
                known = scope.scenes
                scene = arg.id
            else:  # a choice of the scene named just before it
                if scene not in scope.scenes:
                    continue  # that scene is already reported
                known = scope.choices.get(scene, ())
                if arg.id not in known:
                    self.add("expr-unknown-choice", arg.offset, "expressions.unknown_choice",
                             self.suggestion(arg.id, known), name=arg.id, scene=scene)
                continue
            if arg.id not in known:
                self.add(f"expr-unknown-{kind}", arg.offset, f"expressions.unknown_{kind}",
                         self.suggestion(arg.id, known), name=arg.id, function=node.function)

    def visit_binary(self, node: Binary) -> str:
        left = self.visit(node.left)
        right = self.visit(node.right)
        op = node.op
        if op in ARITHMETIC:
            self.require(node.left, left, _NUMBER, op)
            self.require(node.right, right, _NUMBER, op)
            return _NUMBER
        if op in ("and", "or"):
            self.require(node.left, left, _BOOL, op)
            self.require(node.right, right, _BOOL, op)
            return _BOOL
        if op in ("==", "!="):
            if left is not None and right is not None and left != right:
                en, nl = _typed_messages("expressions.compare_types",
                                         {"left": left, "right": right}, op=op)
                self.issues.append(Issue("expr-type", en, nl, node.offset))
            return _BOOL
        self.require(node.left, left, _NUMBER, op)
        self.require(node.right, right, _NUMBER, op)
        return _BOOL


def check(expr: Expr, scope: Scope, expect: type | None = bool) -> list[Issue]:
    """Every problem of a parsed expression against a scenario's ids, in source order.

    Unknown variables, functions, roles, cards, scenes and choices, wrong arity, type errors
    (`and` on numbers, text compared with a number, ...) and, when `expect` is given, a result
    of the wrong type (`expect=bool` for guards). An empty list means the expression is sound.
    """
    checker = _Checker(expr, scope)
    got = checker.visit(expr.root)
    wanted = _kind_of(expect)
    if wanted is not None and got is not None and got != wanted:
        en, nl = _typed_messages("expressions.result_type", {"got": got, "wanted": wanted})
        at = len(expr.source) - len(expr.source.lstrip())
        checker.issues.append(Issue("expr-type", en, nl, at))
    return sorted(checker.issues, key=lambda issue: issue.offset)


def diagnose(source: str, scope: Scope, expect: type | None = bool) -> list[Issue]:
    """`parse` + `check` in one call: a syntax error comes back as one `expr-syntax` issue."""
    try:
        expr = parse(source)
    except ExpressionError as exc:
        return [exc.to_issue()]
    return check(expr, scope, expect)


# --------------------------------------------------------------------------- evaluation


class EvalContext(Protocol):
    """What a compiled expression reads: variable values and the play history."""

    variables: Mapping[str, bool | int | float]

    def knows(self, role: str, info: str) -> bool:
        """Whether that role knows that card (owned, learned or shared with it)."""
        ...

    def shared(self, info: str) -> bool:
        """Whether the card has been shared with at least one other role."""
        ...

    def consulted(self, role: str) -> bool:
        """Whether that role was consulted in the current scene."""
        ...

    def visited(self, scene: str) -> bool:
        """Whether the scene was entered before."""
        ...

    def chose(self, scene: str, choice: str) -> bool:
        """Whether that choice was made in that scene."""
        ...

    def granted(self, info: str, role: str) -> bool:
        """Whether sharing that card with that role is within consent right now."""
        ...


Value = bool | int | float | str
Compiled = Callable[[EvalContext], Value]

_REL_TOL = 1e-9
_ABS_TOL = 1e-12


def _close(a: object, b: object) -> bool:
    """Equal numbers, allowing float rounding when either side is a float."""
    if (type(a) is float or type(b) is float) and type(a) is not bool and type(b) is not bool:
        return math.isclose(a, b, rel_tol=_REL_TOL, abs_tol=_ABS_TOL)  # type: ignore[arg-type]
    return a == b


def _eq(a, b):
    return _close(a, b)


def _ne(a, b):
    return not _close(a, b)


def _lt(a, b):
    return a < b and not _close(a, b)


def _le(a, b):
    return a <= b or _close(a, b)


def _gt(a, b):
    return a > b and not _close(a, b)


def _ge(a, b):
    return a >= b or _close(a, b)


_COMPARE = {"==": _eq, "!=": _ne, "<": _lt, "<=": _le, ">": _gt, ">=": _ge}
_ARITHMETIC = {"+": operator.add, "-": operator.sub, "*": operator.mul, "/": operator.truediv}


def _runtime_error(key: str, source: str, offset: int, **values: object) -> ExpressionError:
    en, nl = bilingual(key, source=source, **values)
    return ExpressionError(en, nl, offset=offset, source=source, code="expr-runtime")


def _compile_node(node: Node, source: str) -> Compiled:
    if isinstance(node, (Number, Boolean, Text)):
        value = node.value
        return lambda ctx: value
    if isinstance(node, Name):
        name, at = node.name, node.offset

        def variable(ctx: EvalContext) -> Value:
            try:
                return ctx.variables[name]
            except KeyError:
                raise _runtime_error("expressions.runtime_unknown", source, at,
                                     name=name) from None

        return variable
    if isinstance(node, Call):
        return _compile_call(node)
    if isinstance(node, Unary):
        operand = _compile_node(node.operand, source)
        if node.op == "not":
            return lambda ctx: not operand(ctx)
        at = node.offset

        def negate(ctx: EvalContext) -> Value:
            try:
                return -operand(ctx)
            except TypeError as exc:
                raise _runtime_error("expressions.runtime_type", source, at,
                                     detail=str(exc)) from None

        return negate
    left = _compile_node(node.left, source)
    right = _compile_node(node.right, source)
    op, at = node.op, node.offset
    if op == "and":
        return lambda ctx: bool(left(ctx)) and bool(right(ctx))
    if op == "or":
        return lambda ctx: bool(left(ctx)) or bool(right(ctx))
    if op == "/":

        def divide(ctx: EvalContext) -> Value:
            a, b = left(ctx), right(ctx)
            try:
                return a / b
            except ZeroDivisionError:
                raise _runtime_error("expressions.division_by_zero", source, at) from None
            except (TypeError, OverflowError) as exc:
                raise _runtime_error("expressions.runtime_type", source, at,
                                     detail=str(exc)) from None

        return divide
    function = _ARITHMETIC.get(op) or _COMPARE[op]

    def apply(ctx: EvalContext) -> Value:
        try:
            return function(left(ctx), right(ctx))
        except (TypeError, OverflowError) as exc:
            raise _runtime_error("expressions.runtime_type", source, at,
                                 detail=str(exc)) from None

    return apply


def _compile_call(node: Call) -> Compiled:
    ids = tuple(arg.id for arg in node.args)
    function = node.function
    if function == "knows" and len(ids) == 2:
        role, info = ids
        return lambda ctx: bool(ctx.knows(role, info))
    if function == "shared" and len(ids) == 1:
        (info,) = ids
        return lambda ctx: bool(ctx.shared(info))
    if function == "consulted" and len(ids) == 1:
        (role,) = ids
        return lambda ctx: bool(ctx.consulted(role))
    if function == "visited" and len(ids) == 1:
        (scene,) = ids
        return lambda ctx: bool(ctx.visited(scene))
    if function == "chose" and len(ids) == 2:
        scene, choice = ids
        return lambda ctx: bool(ctx.chose(scene, choice))
    if function == "granted" and len(ids) == 2:
        info, role = ids
        return lambda ctx: bool(ctx.granted(info, role))
    if function in FUNCTIONS:
        en, nl = _arity_messages(function, len(ids))
        raise ExpressionError(en, nl, offset=node.offset, code="expr-arity")
    en, nl = bilingual("expressions.unknown_function", name=function,
                       functions=", ".join(FUNCTIONS))
    raise ExpressionError(en, nl, offset=node.offset, code="expr-unknown-function")


def compile(expr: Expr) -> Compiled:  # noqa: A001 (the interface name the engine uses)
    """A fast Python callable that evaluates the expression against an `EvalContext`.

    Built once from the tree as nested closures (no parsing or lookup by text per call). `and`
    and `or` short-circuit and give bool. Dividing by zero, or a value of the wrong type at run
    time, raises `ExpressionError` (code `expr-runtime`) quoting the source. Calls to unknown
    functions or with the wrong number of arguments are refused here already.
    """
    return _compile_node(expr.root, expr.source)


@lru_cache(maxsize=4096)
def compile_source(source: str) -> Compiled:
    """`compile(parse(source))`, cached by text: the same guard text compiles once."""
    return compile(parse(source))


# --------------------------------------------------------------------------- static analysis


@frozen
class References:
    """What an expression reads: variable names and function calls `(name, (ids...))`.

    Both in source order without repeats; for static analysis by the validator and scoring.
    """

    variables: frozenset[str]
    calls: tuple[tuple[str, tuple[str, ...]], ...]


def references(expr: Expr) -> References:
    """The variables and calls an expression depends on."""
    names: set[str] = set()
    calls: dict[tuple[str, tuple[str, ...]], None] = {}
    for node in iter_nodes(expr.root):
        if isinstance(node, Name):
            names.add(node.name)
        elif isinstance(node, Call):
            calls[(node.function, tuple(a.id for a in node.args))] = None
    return References(frozenset(names), tuple(calls))


def constant_value(expr: Expr) -> object | None:
    """The value of an expression that reads no variables and calls no functions, else None.

    Lets the validator warn about guards that are always true or always false. An expression
    that fails when evaluated (division by zero) also gives None.
    """
    for node in iter_nodes(expr.root):
        if isinstance(node, (Name, Call)):
            return None
    try:
        return compile(expr)(None)  # type: ignore[arg-type]  # no names: the context is unused
    except ExpressionError as exc:
        logger.debug("constant expression %r does not evaluate: %s", expr.source, exc)
        return None

"""The only YAML reader of Samenspel: safe, bounded, and with a line/column for every node.

`read_yaml(data, source)` turns the bytes of a scenario file into plain Python values
(dict, list, str, int, float, bool, None), a `marks` table from key/index paths to 1-based
(line, column), and a list of problems. It composes the node tree with a `CSafeLoader`
subclass (the pure-Python `SafeLoader` when libyaml is missing) and walks the nodes itself,
which gives what `yaml.safe_load` does not:

- duplicate keys are errors (PyYAML silently keeps the last one);
- before anything is built, the size the document would have with every alias expanded is
  computed over the node graph (each distinct node once, memoised): when aliases would add
  more than `MAX_ALIAS_VALUES` values, nest deeper than `MAX_DEPTH` or refer to themselves,
  the file is refused (`yaml-alias-bomb`), so an alias bomb is never expanded;
- only the core tags (str, int, float, bool, null, seq, map, plus timestamp and merge) are
  accepted; any other tag, such as `!!python/object/apply:os.system`, is an error and nothing
  is constructed from it;
- files over `MAX_BYTES`, bad UTF-8, UTF-16/32, tabs in indentation, empty files and a top
  level that is not a mapping get their own clear errors.

Mapping keys are always the key's text as written (`no:` is the key "no", not False), since
every key in a scenario is an id or a field name. Timestamps are kept as their text.
"""

from __future__ import annotations

import logging
import re
from typing import Any

import attrs
import yaml
from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from game.i18n import translate
from game.scenario.messages import Amount, Kind, problem
from game.scenario.problems import Problem
from game.scenario.yamlsyntax import Lines, syntax_problems, tab_lines

log = logging.getLogger(__name__)

MAX_BYTES = 5 * 1024 * 1024
"""Largest scenario file accepted (5 MiB); the biggest real cases are well under 100 KB."""
MAX_ALIAS_VALUES = 100_000
"""Most values aliases may add to a document; beyond this the file is an alias bomb.

Values written out in the file are bounded by `MAX_BYTES`; only the copies aliases make count.
"""
MAX_DEPTH = 100
"""Deepest nesting of collections accepted (also stops self-referencing aliases)."""

_BaseLoader = getattr(yaml, "CSafeLoader", None) or yaml.SafeLoader

_T = "tag:yaml.org,2002:"
_SCALAR_TAGS = {f"{_T}{n}" for n in ("str", "int", "float", "bool", "null", "timestamp")}
_MERGE_TAG = f"{_T}merge"
_SEQ_TAG = f"{_T}seq"
_MAP_TAG = f"{_T}map"

class MarkingLoader(_BaseLoader):  # type: ignore[misc, valid-type]
    """The safe (C when available) loader used to compose the node tree; never constructs.

    Plain scalars are resolved as YAML 1.2's core schema does (as editors and JSON Schema
    tools read them), not as PyYAML's YAML 1.1: only `true`/`false` are booleans (`yes`, `no`,
    `on`, `off` are text), only decimal numbers are numbers (`4:00` is text, not 240), and
    `null`/`~`/nothing is null. A number written with a leading zero (`0240`, which YAML 1.1
    reads as octal 160) stays text, so that a field wanting a number refuses it with a tip.
    """

    yaml_implicit_resolvers: dict = {}


_CORE_RESOLVERS = [
    ("bool", r"^(?:true|True|TRUE|false|False|FALSE)$", "tTfF"),
    ("int", r"^[-+]?(?:0|[1-9][0-9]*)$", "-+0123456789"),
    ("float", r"^[-+]?(?:\.[0-9]+|(?:0|[1-9][0-9]*)(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$",
     "-+0123456789."),
    ("float", r"^(?:[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$", "-+."),
    ("null", r"^(?:~|null|Null|NULL|)$", ["~", "n", "N", ""]),
    ("merge", r"^(?:<<)$", "<"),
]
for _name, _pattern, _first in _CORE_RESOLVERS:
    MarkingLoader.add_implicit_resolver(f"tag:yaml.org,2002:{_name}", re.compile(_pattern),
                                       list(_first))


@attrs.frozen
class ScalarSpot:
    """Where a scalar sits in the file: start (1-based), quoting style, and if on one line."""

    line: int
    column: int
    style: str | None
    single_line: bool


@attrs.define
class YamlDocument:
    """The result of reading: plain data (None when unreadable), marks, scalar spots, problems.

    `marks` gives a scalar's value position and a collection's key position (a scene is
    marked on its `id:` line); `key_marks` gives every mapping key's own position.
    `poisoned` holds the paths whose value was refused (a tag): later stages stay quiet there.
    `sources` holds the text as written of every scalar that resolved to a non-string value
    (so `title: 2025` can still be read as the text "2025").
    """

    data: Any
    marks: dict[tuple, tuple[int, int]]
    key_marks: dict[tuple, tuple[int, int]]
    spots: dict[tuple, ScalarSpot]
    sources: dict[tuple, str]
    problems: list[Problem]
    poisoned: set[tuple] = attrs.field(factory=set)

    @property
    def has_errors(self) -> bool:
        """True when any problem is an error."""
        return any(p.severity == "error" for p in self.problems)


class _Refused(Exception):
    """Raised inside the walk to stop at once (alias bomb, too deep)."""

    def __init__(self, code: str, key: str, path: tuple, position: tuple[int, int]):
        super().__init__(code)
        self.code, self.key, self.path, self.position = code, key, path, position


def read_yaml(data: bytes, source: str = "<text>", size: int | None = None) -> YamlDocument:
    """Read scenario bytes into plain data, marks and problems; never raises for bad input.

    `size` is the file's real size when the caller read only its first `MAX_BYTES + 1` bytes.
    """
    marks: dict[tuple, tuple[int, int]] = {}
    doc = YamlDocument(None, marks, {}, {}, {}, [])

    def fail(code: str, position: tuple[int, int], **values: object) -> YamlDocument:
        doc.problems.append(
            problem(code, (), source=source, marks=marks, position=position, **values)
        )
        return doc

    if len(data) > MAX_BYTES:
        megabytes = (size or len(data)) / 2**20
        return fail("yaml-too-large", (1, 1), size=Amount(round(megabytes, 1)),
                    limit=MAX_BYTES // 2**20)
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return fail("yaml-encoding", (1, 1), key="yaml-encoding-utf16")
    if data.startswith(b"\xef\xbb\xbf"):
        # Windows editors write a byte order mark; it is harmless, so only warn and drop it.
        doc.problems.append(
            problem("yaml-bom", (), source=source, marks=marks, severity="warning", position=(1, 1))
        )
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        line_start = data.rfind(b"\n", 0, exc.start) + 1
        column = len(data[line_start:exc.start].decode("utf-8")) + 1  # characters, not bytes
        return fail("yaml-encoding", (line, column), byte=f"0x{data[exc.start]:02x}")
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        return fail("yaml-encoding", (line, 1), byte="0x00")

    if "\t" in text:
        tabbed = tab_lines(Lines(text))
        if tabbed:
            # Report the tabs and every other syntax problem in one go.
            doc.problems.extend(_syntax_problems(text, source))
            return doc
    try:
        root = yaml.compose(text, Loader=MarkingLoader)
    except yaml.MarkedYAMLError:
        doc.problems.extend(_syntax_problems(text, source))
        return doc
    except yaml.YAMLError as exc:  # unmarked reader errors (for example control characters)
        char = getattr(exc, "character", None)
        shown = f"U+{ord(char):04X}" if isinstance(char, str) and char else "?"
        shown = f"U+{char:04X}" if isinstance(char, int) else shown
        details = {lang: translate("problems.syntax.control", lang, char=shown)
                   for lang in ("en", "nl")}
        return fail("yaml-syntax", _reader_position(exc, text), detail=details["en"],
                    detail_nl=details["nl"], hint="syntax.control")

    if root is None:
        return fail("yaml-empty", (1, 1))
    marks[()] = _position(root)
    if not isinstance(root, MappingNode):
        return fail("yaml-not-mapping", _position(root), found=_kind(root))

    walker = _Walker(doc, source, text)
    try:
        if _ANCHOR.search(text):
            # Without an anchor there is no alias, so nothing to expand or refer to itself;
            # nesting depth is checked by the walk. Saves a pass over every node (a third of
            # the reading time of a big file).
            _measure(root, walker.shared)
        doc.data = walker.value(root, (), 0)
    except _Refused as refused:
        doc.data = None
        doc.problems.append(
            problem(
                refused.code,
                refused.path,
                source=source,
                marks=marks,
                position=refused.position,
                key=refused.key,
                nodes=MAX_ALIAS_VALUES,
                depth=MAX_DEPTH,
            )
        )
    return doc


_TEXT_LISTS = frozenset({"learning_goals", "goals", "questions", "watch_for", "wrong_turns",
                         "describe", "analyse", "apply"})
"""Keys whose value is a list of sentences (where a comma in `[ ]` can split one in two)."""


def _short_text(text: str, width: int = 70) -> str:
    """A text cut for a tip."""
    return text if len(text) <= width else text[: width - 3] + "..."


_EFFECT_KEYS = frozenset({"set", "add", "score", "on_enter", "on_share", "on_breach",
                          "on_refuse"})
"""Keys whose value is a mapping of effects: given twice, the author wants both."""

_ANCHOR = re.compile(r"&\S")
"""An anchor (`&name`); a file without one cannot contain an alias."""

_LINE_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")
"""What YAML counts as a line break (so lines are counted as the parser counts them)."""


def _inside(position: tuple[int, int], text: str) -> tuple[int, int]:
    """The position, or the end of the last line when the parser's mark lies past it.

    libyaml reports an error found at the end of the input one line below the last line
    (`extra: [` without a final newline: line 2 of a one-line file); the author should be
    sent to the end of the file instead.
    """
    if not text:
        return position
    lines = _LINE_BREAK.split(text)
    if len(lines) > 1 and lines[-1] == "":
        lines.pop()  # a final line break ends the last line
    if position[0] <= len(lines):
        return position
    return len(lines), len(lines[-1]) + 1


def _reader_position(exc: yaml.YAMLError, text: str) -> tuple[int, int]:
    """Where a reader error (a control character, say) is: libyaml gives a byte offset."""
    offset = getattr(exc, "position", None)
    if not isinstance(offset, int) or offset < 0:
        return 1, 1
    before = text.encode("utf-8", "surrogatepass")[:offset].decode("utf-8", "replace")
    lines = _LINE_BREAK.split(before)
    return len(lines), len(lines[-1]) + 1


def _syntax_problems(text: str, source: str) -> list[Problem]:
    """Every syntax problem of the text (see `yamlsyntax`), placed inside the file."""
    return syntax_problems(text, source, lambda t: yaml.compose(t, Loader=MarkingLoader),
                           lambda position: _inside(position, text))


def _position(node: Node) -> tuple[int, int]:
    """The node's start as 1-based (line, column)."""
    return node.start_mark.line + 1, node.start_mark.column + 1


def _kind(node: Node) -> str:
    """What kind of YAML value a node is, as a catalogue word (`Kind`) or the scalar quoted."""
    if isinstance(node, SequenceNode):
        return Kind("list")
    return repr(node.value)


def _measure(root: Node, shared: set[int] | None = None) -> int:
    """The number of values the document has with every alias expanded, without expanding.

    Each distinct node is sized once (memoised by identity); a node met again through an alias
    adds its size to the count of copies. Raises `_Refused` when the copies exceed
    `MAX_ALIAS_VALUES` (at the anchored node), when nesting exceeds `MAX_DEPTH`, or when a node
    contains itself. The identities of nodes met more than once (alias targets) are added to
    `shared` when given.
    """
    sizes: dict[int, int] = {}
    open_nodes: set[int] = set()
    copies = 0

    def size(node: Node, depth: int) -> int:
        nonlocal copies
        key = id(node)
        if key in sizes:
            if shared is not None:
                shared.add(key)
            copies += sizes[key]
            if copies > MAX_ALIAS_VALUES:
                raise _Refused("yaml-alias-bomb", "yaml-alias-bomb", (), _position(node))
            return sizes[key]
        if depth > MAX_DEPTH or key in open_nodes:
            raise _Refused("yaml-alias-bomb", "yaml-too-deep", (), _position(node))
        open_nodes.add(key)
        total = 1
        if isinstance(node, SequenceNode):
            total += sum(size(child, depth + 1) for child in node.value)
        elif isinstance(node, MappingNode):
            total += sum(size(k, depth + 1) + size(v, depth + 1) for k, v in node.value)
        open_nodes.discard(key)
        sizes[key] = total
        return total

    try:
        return size(root, 0)
    finally:
        # `size` refers to itself through its closure, a cycle that keeps `sizes` (one entry
        # per node) alive until the collector runs, which the loader pauses: empty it now.
        sizes.clear()


class _Walker:
    """Builds plain values from composed nodes (already measured), recording marks."""

    _constructor = SafeConstructor()

    def __init__(self, doc: YamlDocument, source: str, text: str):
        self.doc = doc
        self.source = source
        self.text = text
        self.shared: set[int] = set()  # ids of alias targets (filled by `_measure`)
        self._in_shared = 0  # > 0 while walking inside an alias target

    def report(self, code: str, path: tuple, position: tuple[int, int], **values: object) -> None:
        """Add an error at an explicit position; the path's value is not to be judged further."""
        self.doc.poisoned.add(path)
        self.doc.problems.append(
            problem(code, path, source=self.source, marks=self.doc.marks, position=position,
                    **values)
        )

    def value(self, node: Node, path: tuple, depth: int) -> Any:
        """The plain value of a node at `path`; aliases are walked again, and counted again."""
        if depth > MAX_DEPTH:  # already excluded by _measure; kept as a cheap guard
            raise _Refused("yaml-alias-bomb", "yaml-too-deep", path, _position(node))
        if isinstance(node, ScalarNode):
            # A scalar is marked where its value starts; a collection where its key is.
            self.doc.marks[path] = _position(node)
            return self.scalar(node, path)
        self.doc.marks.setdefault(path, _position(node))
        shared = id(node) in self.shared
        self._in_shared += shared
        try:
            result = self.collection(node, path, depth)
        finally:
            self._in_shared -= shared
        if not shared and not self._in_shared:
            # Walked for the last time: let its children go now rather than with the whole
            # tree, so the node tree and the values built from it are not both in memory at
            # their full size (docs/performance.md, "Load, session start and choose").
            node.value = []
        return result

    def collection(self, node: Node, path: tuple, depth: int) -> Any:
        """The plain value of a sequence or mapping node."""
        if isinstance(node, SequenceNode):
            if node.tag != _SEQ_TAG:
                self.report("yaml-tag", path, _position(node), tag=node.tag)
                return None
            if node.flow_style and path and path[-1] in _TEXT_LISTS:
                self._check_split_text(node, path)
            return [self.value(item, path + (i,), depth + 1) for i, item in enumerate(node.value)]
        if node.tag != _MAP_TAG:
            self.report("yaml-tag", path, _position(node), tag=node.tag)
            return None
        return self.mapping(node, path, depth)

    def scalar(self, node: ScalarNode, path: tuple) -> Any:
        """A scalar of one of the core tags, constructed by PyYAML's safe constructor."""
        self.doc.spots[path] = ScalarSpot(
            line=node.start_mark.line + 1,
            column=node.start_mark.column + 1,
            style=node.style,
            single_line=node.start_mark.line == node.end_mark.line,
        )
        tag = node.tag
        if tag not in _SCALAR_TAGS:
            self.report("yaml-tag", path, _position(node), tag=tag)
            return None
        if tag == f"{_T}str":
            return node.value
        if tag == f"{_T}timestamp":
            return node.value  # the format has no dates; keep what the author wrote
        c = self._constructor
        try:
            value = {
                f"{_T}int": c.construct_yaml_int,
                f"{_T}float": c.construct_yaml_float,
                f"{_T}bool": c.construct_yaml_bool,
                f"{_T}null": c.construct_yaml_null,
            }[tag](node)
        except (ValueError, yaml.YAMLError):
            self.report("wrong-type", path, _position(node), key="yaml-bad-scalar",
                        value=node.value)
            return None
        if node.value != "" or value is not None:
            self.doc.sources[path] = node.value
        return value

    def mapping(self, node: MappingNode, path: tuple, depth: int) -> dict[str, Any]:
        """A mapping with text keys; duplicate keys are errors, `<<` merges are honoured."""
        result: dict[str, Any] = {}
        seen: dict[str, tuple[int, int]] = {}
        spans: dict[str, Node] = {}  # the first value of each key, for a merge tip
        merged: list[tuple[MappingNode, tuple]] = []
        previous: tuple[str, Node] | None = None
        for key_node, value_node in node.value:
            if previous and self._continues_text(node, previous[1], key_node, value_node):
                # `{description: Delen wat nodig is, met toestemming.}`: the author meant the
                # comma as part of the text, not as the start of a key without a value.
                prev_key, prev_value = previous
                result[prev_key] = self.text[prev_value.start_mark.index:key_node.end_mark.index]
                continue
            previous = None
            if isinstance(key_node, ScalarNode) and key_node.tag == _MERGE_TAG:
                merged.extend(self._merge_sources(value_node, path))
                continue
            if not isinstance(key_node, ScalarNode):
                self.report("wrong-type", path, _position(key_node), key="yaml-complex-key")
                continue
            if key_node.tag not in _SCALAR_TAGS:
                self.report("yaml-tag", path, _position(key_node), tag=key_node.tag)
                continue
            key = key_node.value
            if key in seen:
                line, column = seen[key]
                self.report(
                    "yaml-duplicate-key", path, _position(key_node), name=key, line=line,
                    keyed=True, **self._merge_tip(key, spans[key], value_node),
                )
                continue
            where, position = path + (key,), _position(key_node)  # one of each, shared
            seen[key] = position
            spans[key] = value_node
            self.doc.marks[where] = position
            self.doc.key_marks[where] = position
            result[key] = self.value(value_node, where, depth + 1)
            if isinstance(result[key], str):
                previous = (key, value_node)
        # Merged keys come after explicit ones and never override them (YAML merge semantics).
        for source_node, _ in merged:
            for key_node, value_node in source_node.value:
                if not isinstance(key_node, ScalarNode) or key_node.tag == _MERGE_TAG:
                    continue
                key = key_node.value
                if key in result:
                    continue
                self.doc.marks.setdefault(path + (key,), _position(key_node))
                self.doc.key_marks.setdefault(path + (key,), _position(key_node))
                result[key] = self.value(value_node, path + (key,), depth + 1)
        return result

    def _check_split_text(self, node: SequenceNode, path: tuple) -> None:
        """Warn when a comma in `[ ]` cut one sentence into two items.

        `learning_goals: [Delen met toestemming, ook als het spannend is]` is two goals to
        YAML; an item that starts in lower case right after one that starts in upper case, on
        the same line and without quotes, is almost always the rest of the sentence.
        """
        items = node.value
        for first, second in zip(items, items[1:]):
            if not (isinstance(first, ScalarNode) and isinstance(second, ScalarNode)):
                continue
            if first.style or second.style or not first.value or not second.value:
                continue
            if first.start_mark.line != second.start_mark.line:
                continue
            if first.value[0].isupper() and second.value[0].islower():
                joined = f"{first.value}, {second.value}"
                self.doc.problems.append(problem(
                    "flow-list-comma", path, source=self.source, marks=self.doc.marks,
                    severity="warning", position=_position(first), keyed=True, first=first.value,
                    second=second.value, joined=_short_text(joined)))
                return

    def _merge_tip(self, key: str, first: Node, second: Node) -> dict[str, object]:
        """For a key given twice with a mapping each time, the tip to merge the two.

        `add: {vertrouwen: 10}` and `add: {druk: -1}` in one choice: the author wants both
        effects, so the tip is `add: {vertrouwen: 10, druk: -1}` (when the values are short
        and no key is in both), else to merge them by hand. Other keys keep the usual tip.
        """
        if key not in _EFFECT_KEYS or not (
                isinstance(second, MappingNode) and isinstance(first, MappingNode)):
            return {}
        pairs: list[str] = []
        names: set[str] = set()
        for node, offset in (self._recompose(first), (second, 0)):
            for k, v in node.value if isinstance(node, MappingNode) else ():
                if not (isinstance(k, ScalarNode) and isinstance(v, ScalarNode)) or (
                        k.value in names or len(pairs) >= 8):
                    return {"hint": "merge_keys", "hint_values": {"name": key}}
                names.add(k.value)
                written = self._written(v, offset)
                if written is None:
                    return {"hint": "merge_keys", "hint_values": {"name": key}}
                pairs.append(f"{k.value}: {written}")
        merged = f"{key}: {{{', '.join(pairs)}}}"
        if not pairs or len(merged) > 100:
            return {"hint": "merge_keys", "hint_values": {"name": key}}
        return {"hint": "merge_keys_as", "hint_values": {"name": key, "merged": merged}}

    def _recompose(self, node: Node) -> tuple[Node, int]:
        """A mapping node whose children were already let go, read again from its text.

        Returns the node and what to add to its marks' indexes to index the file's text.
        """
        if node.value:
            return node, 0
        start, end, column = node.start_mark.index, node.end_mark.index, node.start_mark.column
        try:
            again = yaml.compose(" " * column + self.text[start:end], Loader=MarkingLoader)
        except yaml.YAMLError:
            return node, 0
        return (again, start - column) if again is not None else (node, 0)

    def _written(self, node: ScalarNode, offset: int = 0) -> str | None:
        """A scalar as written in the file (quotes kept); None when it spans lines."""
        text = self.text[offset + node.start_mark.index:offset + node.end_mark.index]
        return text if "\n" not in text else None

    @staticmethod
    def _continues_text(
        node: MappingNode, prev_value: Node, key_node: Node, value_node: Node
    ) -> bool:
        """True for a bare word after a comma in a flow mapping, following a plain text value.

        In `{a: one, two}` YAML reads `two` as a key without a value; no key of the format is
        ever written without a value, so this is the comma of a sentence.
        """
        return (
            node.flow_style is True
            and isinstance(prev_value, ScalarNode)
            and prev_value.style in (None, "")
            and prev_value.tag == f"{_T}str"
            and isinstance(key_node, ScalarNode)
            and key_node.style in (None, "")
            and key_node.tag == f"{_T}str"
            and isinstance(value_node, ScalarNode)
            and value_node.tag == f"{_T}null"
            and value_node.value == ""
            and value_node.start_mark.index == key_node.end_mark.index
            and prev_value.start_mark.line == key_node.end_mark.line
        )

    def _merge_sources(self, value_node: Node, path: tuple) -> list[tuple[MappingNode, tuple]]:
        """The mappings a `<<` key merges in: one mapping or a list of them."""
        nodes = value_node.value if isinstance(value_node, SequenceNode) else [value_node]
        found = []
        for n in nodes:
            if isinstance(n, MappingNode) and n.tag == _MAP_TAG:
                found.append((n, path))
            else:
                self.report("wrong-type", path, _position(n), key="yaml-bad-merge")
        return found


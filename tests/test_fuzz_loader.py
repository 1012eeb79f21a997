"""Fuzzing the loader: whatever a teacher's file looks like, only `ScenarioError` escapes.

Valid scenarios (the shared example, a bundled case, small generated ones) are mutated the way
files get broken in practice and in ways nobody would think of: lines deleted, duplicated,
swapped and re-indented, values swapped for other types, YAML tags and anchors, random bytes
and unicode, huge strings, deep nesting, truncation, broken placeholders, and random
expressions in guards, consent and routes. The property for every input: `load_scenario`
returns a `Scenario` or raises `ScenarioError`; then every problem has a line inside the file
(1 .. number of lines, counted as YAML counts them) and a column of at least 1.

The default suite runs a few hundred examples; `pytest -m slow tests/test_fuzz_loader.py`
runs 10,000 mixed mutations (docs/reliability.md has the figures).
"""

from __future__ import annotations

import json
import re
import sys
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from game.errors import ScenarioError
from game.scenario.loader import load_scenario, load_scenario_text
from game.scenario.model import Scenario

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

from generate import generate  # noqa: E402

BASES: dict[str, bytes] = {
    "keukentafel": (ROOT / "tests" / "data" / "valid" / "keukentafel.yaml").read_bytes(),
    "vechtscheiding": (ROOT / "scenarios" / "vechtscheiding.yaml").read_bytes(),
    "generated": generate(8, seed=3).encode("utf-8"),
    "generated_votes": generate(6, seed=4, votes=1.0, guards=1.0, effects=1.0).encode("utf-8"),
}

FUZZ = settings(
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                           HealthCheck.filter_too_much],
)

# What YAML (PyYAML and libyaml) counts as a line break.
_BREAK = re.compile(r"\r\n|[\r\n\x85\u2028\u2029]")

# Values of every YAML type, and things that are not values at all.
OTHER_VALUES = [
    "[1, 2]", "[]", "{a: 1}", "{}", "12", "-3.5", "1e400", ".nan", "0x1F", "0o17", "true",
    "no", "null", "~", "''", '"tekst"', "2025-01-01", "12:30:00", "&anker x", "*anker",
    "*onbekend", "!!python/object/apply:os.system ['echo oeps']", "!!binary aGVsbG8=",
    "!!str 12", "!!int tekst", "!!set {a, b}", "!custom x", "|", ">-", "- lijst", "? vraag",
    "[onaf", "{onaf: 1", "'onaf", '"onaf', "@", "`", "%YAML 1.1", "---", "...", "#",
    "a: b: c", "<<: *anker", "{<<: [1, 2]}", "[*anker, *anker]",
]

# Tokens of random expressions: names that exist in the example and names that do not,
# every operator, literals, and characters the language does not have.
EXPR_TOKENS = [
    "budget", "vertrouwen", "toestemming", "onbekend", "knows", "shared", "consulted",
    "visited", "chose", "jeugdprofessional", "leerkracht", "slaapdagboek", "opa",
    "kennismaking", "plan", "samen", "team", "true", "false", "not", "and", "or", "in",
    "0", "1", "12.5", "1e999", "-3", "'tekst'", "'onaf", '"dubbel"', "+", "-", "*", "/", "%",
    "**", "==", "!=", "<", "<=", ">", ">=", "=", "(", ")", ",", ".", "[", "]", "@", "$", ";",
    "\\", "__import__", "os", "lambda", "é", "\u2028",
]

FUNCTIONS = ("knows", "shared", "consulted", "visited", "chose", "onbekend", "len")
ATOMS = ("budget", "vertrouwen", "toestemming", "onbekend", "jeugdprofessional",
         "slaapdagboek", "kennismaking", "vraag_behoefte", "0", "50", "2.5", "true", "false",
         "'tekst'")


def yaml_lines(data: bytes) -> int:
    """The number of lines of a file as YAML counts them (at least 1)."""
    text = data.decode("utf-8", errors="replace")
    if text.startswith("\ufeff"):
        text = text[1:]
    parts = _BREAK.split(text)
    if len(parts) > 1 and parts[-1] == "":
        parts.pop()  # a final line break ends the last line, it does not start a new one
    return max(1, len(parts))


def check_loads_or_reports(data: bytes) -> Scenario | None:
    """Load `data` from a file; assert only `ScenarioError` escapes, with lines in the file."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "casus.yaml"
        path.write_bytes(data)
        try:
            return load_scenario(path)
        except ScenarioError as err:
            error = err
        except Exception as exc:  # noqa: BLE001 - this is what the test is about
            raise AssertionError(
                f"{type(exc).__name__} escaped the loader: {exc!r}\n--- input ---\n"
                f"{data[:3000]!r}"
            ) from exc
    lines = yaml_lines(data)
    assert error.problems, "a ScenarioError without problems"
    assert error.errors, "a ScenarioError without an error among its problems"
    for p in error.problems:
        assert 1 <= p.line <= lines, (
            f"line {p.line} outside 1..{lines}: {p.format('en')}\n--- input ---\n"
            f"{data[:3000]!r}")
        assert p.column >= 1, f"column {p.column}: {p.format('en')}"
        assert p.message and p.text("nl"), f"empty message: {p!r}"
    assert str(error).count(":") >= 3  # path:line:col: error: message
    return None


# ------------------------------------------------------------------ mutations of lines

def _value_split(line: bytes) -> tuple[bytes, bytes] | None:
    """`(b"  key: ", b"value\\n")` for a `key: value` line, else None."""
    m = re.match(rb"^(\s*(?:- )?[^\s:#][^:#]*?:\s+)(\S.*)$", line, re.DOTALL)
    return (m.group(1), m.group(2)) if m else None


@st.composite
def line_mutation(draw, lines: list[bytes]) -> list[bytes]:
    """One mutation of a file's lines (see the module docstring)."""
    lines = list(lines)
    if not lines:
        return [draw(st.binary(max_size=40))]
    i = draw(st.integers(0, len(lines) - 1))
    kind = draw(st.sampled_from([
        "delete", "duplicate", "reindent", "tab", "swap", "value", "bytes", "unicode",
        "huge", "deep", "truncate", "placeholder", "join", "crlf",
    ]))
    line = lines[i]
    if kind == "delete":
        del lines[i]
    elif kind == "duplicate":
        lines.insert(draw(st.integers(0, len(lines))), line)
    elif kind == "reindent":
        stripped = line.lstrip(b" ")
        lines[i] = b" " * draw(st.integers(0, 12)) + stripped
    elif kind == "tab":
        lines[i] = b"\t" + line
    elif kind == "swap":
        j = draw(st.integers(0, len(lines) - 1))
        lines[i], lines[j] = lines[j], lines[i]
    elif kind == "value":
        split = _value_split(line)
        new = draw(st.sampled_from(OTHER_VALUES)).encode()
        lines[i] = (split[0] + new + b"\n") if split else line.rstrip(b"\n") + b" " + new + b"\n"
    elif kind == "bytes":
        at = draw(st.integers(0, len(line)))
        lines[i] = line[:at] + draw(st.binary(min_size=1, max_size=32)) + line[at:]
    elif kind == "unicode":
        at = draw(st.integers(0, len(line)))
        text = draw(st.text(min_size=1, max_size=32)).encode("utf-8", "surrogatepass")
        lines[i] = line[:at] + text + line[at:]
    elif kind == "huge":
        split = _value_split(line) or (b"title: ", b"")
        size = draw(st.sampled_from([1_000, 50_000, 400_000]))
        quote = draw(st.sampled_from([b"", b"'", b'"']))
        lines[i] = split[0] + quote + b"x" * size + quote + b"\n"
    elif kind == "deep":
        split = _value_split(line) or (b"extra: ", b"")
        depth = draw(st.integers(1, 400))
        shape = draw(st.sampled_from(["list", "map", "block"]))
        if shape == "list":
            lines[i] = split[0] + b"[" * depth + b"1" + b"]" * depth + b"\n"
        elif shape == "map":
            lines[i] = split[0] + b"{a: " * depth + b"1" + b"}" * depth + b"\n"
        else:
            indent = len(split[0]) - len(split[0].lstrip())
            lines[i:i + 1] = [split[0].rstrip() + b"\n"] + [
                b" " * (indent + 2 * (k + 1)) + b"a:\n" for k in range(min(depth, 150))
            ]
    elif kind == "truncate":
        at = draw(st.integers(0, len(line)))
        lines = lines[:i] + [line[:at]]
    elif kind == "placeholder":
        split = _value_split(line) or (b"text: ", b"")
        junk = draw(st.sampled_from(["{", "}", "{}", "{{", "}}", "{player:}", "{role:x}",
                                     "{player:onbekend}", "{budget", "{onbekend}",
                                     "{budget:2}", "{ budget }", "{player:leerkracht:x}",
                                     "{{budget}}", "{vertrouwen}{"]))
        lines[i] = split[0] + json.dumps("Tekst " + junk).encode() + b"\n"
    elif kind == "join":
        if i + 1 < len(lines):
            lines[i:i + 2] = [line.rstrip(b"\n") + b" " + lines[i + 1]]
    elif kind == "crlf":
        lines[i] = line.rstrip(b"\n") + draw(st.sampled_from(
            [b"\r\n", b"\r", "\u2028".encode(), "\x85".encode(), b"\n\n"]))
    return lines


@st.composite
def mutated_file(draw, max_mutations: int = 4) -> bytes:
    """A base scenario with one to `max_mutations` mutations applied."""
    name = draw(st.sampled_from(sorted(BASES)))
    lines = BASES[name].splitlines(keepends=True)
    for _ in range(draw(st.integers(1, max_mutations))):
        lines = draw(line_mutation(lines))
    return b"".join(lines)


# -------------------------------------------------------------------- random expressions

token_soup = st.lists(st.sampled_from(EXPR_TOKENS), min_size=1, max_size=14).map(
    lambda tokens: " ".join(tokens))


def _call(args: tuple[str, ...]) -> str:
    return f"{args[0]}({', '.join(args[1:])})"


# Well-formed shapes with random names and types: these reach the type checker.
expression_tree = st.recursive(
    st.sampled_from(ATOMS),
    lambda inner: st.one_of(
        st.tuples(inner, st.sampled_from(["+", "-", "*", "/", "==", "!=", "<", "<=", ">",
                                          ">=", "and", "or"]), inner).map(" ".join),
        inner.map(lambda e: f"not {e}"),
        inner.map(lambda e: f"({e})"),
        st.tuples(st.sampled_from(FUNCTIONS), st.lists(inner, max_size=3)).map(
            lambda fa: _call((fa[0], *fa[1]))),
    ),
    max_leaves=12,
)

any_expression = st.one_of(token_soup, expression_tree, st.text(max_size=30))

EXPRESSION_SPOTS = [
    ("        if: knows(jeugdprofessional, opa) and vertrouwen >= 50\n", "        if: {}\n"),
    ("    consent: toestemming\n", "    consent: {}\n"),
    ("          - {to: samen_verder, if: shared(slaapdagboek) and toestemming}\n",
     "          - {{to: samen_verder, if: {}}}\n"),
    ("        text: Vraag moeder wat zij zelf het belangrijkste vindt\n",
     "        text: Vraag moeder wat zij zelf het belangrijkste vindt\n        if: {}\n"),
]


def with_expression(expression: str, spot: int) -> bytes:
    """The example with one expression replaced (or added) by `expression`, YAML-quoted."""
    text = BASES["keukentafel"].decode("utf-8")
    old, template = EXPRESSION_SPOTS[spot]
    assert old in text, old
    quoted = json.dumps(expression)  # a JSON string is a valid YAML double-quoted scalar
    return text.replace(old, template.format(quoted), 1).encode("utf-8", "surrogatepass")


# ------------------------------------------------------------------------------- tests

def test_every_base_file_loads():
    """The unmutated bases are valid, so every failure below comes from the mutation."""
    for name, data in BASES.items():
        assert isinstance(check_loads_or_reports(data), Scenario), name


def test_yaml_lines_counts_like_yaml():
    """The line count used by the property: final breaks end a line, CR and NEL break."""
    assert yaml_lines(b"") == 1
    assert yaml_lines(b"a: 1\n") == 1
    assert yaml_lines(b"a: 1\nb: 2") == 2
    assert yaml_lines(b"a: 1\rb: 2\r\n") == 2
    assert yaml_lines("a\u2028b\x85c".encode()) == 3


@settings(FUZZ, max_examples=120)
@given(mutated_file(max_mutations=1))
def test_one_mutation_only_raises_scenario_error_with_lines_in_file(data):
    """A single mutation of any kind: a Scenario, or ScenarioError with lines in the file."""
    check_loads_or_reports(data)


@settings(FUZZ, max_examples=80)
@given(mutated_file(max_mutations=5))
def test_several_mutations_only_raise_scenario_error(data):
    """Several mutations stacked: the loader still reports, never crashes."""
    check_loads_or_reports(data)


@settings(FUZZ, max_examples=120)
@given(any_expression, st.integers(0, len(EXPRESSION_SPOTS) - 1))
def test_random_expressions_only_raise_scenario_error(expression, spot):
    """Random guards, consents and route conditions: accepted or reported at their line."""
    data = with_expression(expression, spot)
    check_loads_or_reports(data)


@settings(FUZZ, max_examples=40)
@given(st.binary(max_size=2000))
def test_random_bytes_only_raise_scenario_error(data):
    """Bytes that were never YAML: reported, never a crash."""
    check_loads_or_reports(data)


@settings(FUZZ, max_examples=40)
@given(st.text(max_size=600))
def test_random_text_only_raises_scenario_error(text):
    """Text that was never a scenario (any unicode): reported, never a crash."""
    check_loads_or_reports(text.encode("utf-8", "surrogatepass"))


def test_file_over_the_size_limit_is_one_error_on_line_1():
    """A 6 MB file is refused before it is parsed, with one error on line 1."""
    data = BASES["keukentafel"].replace(b"title: Het keukentafelgesprek",
                                        b"title: " + b"x" * 6_000_000, 1)
    assert check_loads_or_reports(data) is None
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "groot.yaml"
        path.write_bytes(data)
        with pytest.raises(ScenarioError) as info:
            load_scenario(path, lang="en")
    assert [(p.code, p.line) for p in info.value.problems] == [("yaml-too-large", 1)]


@pytest.mark.parametrize("depth", [50, 99, 101, 1000, 5000])
@pytest.mark.parametrize("shape", ["[", "{a: "])
def test_deep_nesting_is_reported_not_a_recursion_error(depth, shape):
    """Nesting deeper than the limits (ours: 100, libyaml's: 1000) is an error, never a crash."""
    close = "]" if shape == "[" else "}"
    inner = "1"
    data = f"format: 1\nid: diep\nextra: {shape * depth}{inner}{close * depth}\n".encode()
    check_loads_or_reports(data)


def test_aliases_defined_in_one_scene_and_used_in_later_ones_still_load():
    """Anchored choices, effects and merged mappings reused in later scenes load intact.

    The YAML reader frees each walked part of the node tree to keep big files small in
    memory; alias targets must be kept, or a later alias would see an emptied node.
    """
    text = BASES["keukentafel"].decode("utf-8")
    text = text.replace("        add: {vertrouwen: 10}\n        score: {regie_gezin: 2}\n",
                        "        add: &meer {vertrouwen: 10}\n        score: {regie_gezin: 2}\n",
                        1)
    text = text.replace("      - id: later\n        text: Stel het onderwerp uit tot een "
                        "volgend gesprek\n",
                        "      - id: later\n        text: Stel het onderwerp uit tot een "
                        "volgend gesprek\n        add: *meer\n", 1)
    text = text.replace("  leerkracht:\n    name: Leerkracht groep 6\n",
                        "  leerkracht: &lk\n    name: Leerkracht groep 6\n", 1)
    text = text.replace("  verpleegkundige:\n    name: Jeugdverpleegkundige\n",
                        "  verpleegkundige:\n    <<: *lk\n    name: Jeugdverpleegkundige\n", 1)
    text = text.replace("    briefing: Jij zag Sem vorig jaar op het spreekuur van de GGD.\n",
                        "", 1)
    scenario = load_scenario_text(text)
    later = scenario.scenes["toestemming_vragen"].choice("later")
    assert later.add == {"vertrouwen": 10}
    assert scenario.scenes["kennismaking"].choice("vraag_behoefte").add == {"vertrouwen": 10}
    nurse = scenario.roles["verpleegkundige"]
    assert nurse.name == "Jeugdverpleegkundige"
    assert nurse.briefing == scenario.roles["leerkracht"].briefing
    assert nurse.academy == "gezondheidszorg"


@pytest.mark.slow
@settings(FUZZ, max_examples=10_000)
@given(st.one_of(
    mutated_file(max_mutations=4),
    st.tuples(any_expression, st.integers(0, len(EXPRESSION_SPOTS) - 1)).map(
        lambda es: with_expression(*es)),
    st.binary(max_size=3000),
))
def test_ten_thousand_mixed_inputs_only_raise_scenario_error(data):
    """10,000 mixed mutations, expressions and random bytes (run with `pytest -m slow`)."""
    check_loads_or_reports(data)


@pytest.mark.parametrize(("data", "where"), [
    (b"format: 1\ntitle: a\x07b\n", (2, 9)),
    ("format: 1\ntitle: \u00e9\u00e9\x07b\n".encode(), (2, 10)),  # columns count characters
    (b"format: 1\r\n\r\ntitle: \x1b\n", (3, 8)),
])
def test_control_character_is_placed_on_its_own_line_and_column(data, where):
    """libyaml gives a byte offset for a control character; the problem names line and column.

    (Fuzzing found these all reported at 1:1, which sends a teacher to the wrong line.)
    """
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "casus.yaml"
        path.write_bytes(data)
        with pytest.raises(ScenarioError) as info:
            load_scenario(path)
    assert [(p.line, p.column) for p in info.value.problems] == [where]

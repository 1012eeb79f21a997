"""The JSON Schema (what an editor underlines) and `samenspel validate` agree on every test file.

A third-party validator (`jsonschema`) checks each scenario in scenarios/ and tests/data/ as
the loader reads it (YAML 1.2 core scalars, the reading editors use), and its verdict is
compared with the loader's: a file the game accepts is never underlined, and a file the game
refuses for a reason the schema can see (a key, a type, an option, a required part) is
underlined too. Problems only the game can see (references, expressions, the graph) are the
difference the guide explains.
"""

from __future__ import annotations

from pathlib import Path

import jsonschema
import pytest
import yaml

from game.scenario import schema
from game.scenario.loader import load_scenario_with_problems
from game.scenario.yamlsafe import read_yaml

ROOT = Path(__file__).parent.parent
FILES = sorted((ROOT / "scenarios").glob("*.yaml")) + sorted(
    (ROOT / "tests" / "data").glob("*/*.yaml"))
# Codes for what the schema can see in the data alone: keys, kinds of value, options.
SCHEMA_VISIBLE = {
    "unknown-key", "missing-key", "wrong-type", "bad-format", "too-few-roles", "no-endings",
    "choices-and-next", "no-choices-or-next", "missing-actor", "timer-timeout", "route-mix",
    "bad-weight",
}


@pytest.fixture(scope="module")
def validator():
    """A draft-07 validator of the schema as the model generates it."""
    return jsonschema.Draft7Validator(schema.build_schema())


@pytest.mark.parametrize("path", FILES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_schema_and_validate_agree(validator, path):
    """Accepted by the game ⇒ not underlined; refused for a visible reason ⇒ underlined."""
    _, problems = load_scenario_with_problems(path)
    codes = {p.code for p in problems if p.severity == "error"}
    data = read_yaml(path.read_bytes(), str(path)).data
    if data is None:  # not YAML at all: the editor shows the syntax error itself
        assert codes & {c for c in codes if c.startswith("yaml-")}, codes
        return
    schema_errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(data)]
    if not codes:
        assert schema_errors == [], schema_errors
    if codes & SCHEMA_VISIBLE:
        assert schema_errors, f"validate: {sorted(codes)}; the schema sees nothing"


@pytest.mark.parametrize(
    ("text", "value"),
    [("yes", "yes"), ("No", "No"), ("off", "off"), ("4:00", "4:00"), ("0240", "0240"),
     ("1_000", "1_000"), ("true", True), ("FALSE", False), ("240", 240), ("-3", -3),
     ("1e3", 1000.0), ("0.5", 0.5), ("~", None), ("", None), ("2026-01-01", "2026-01-01")],
)
def test_scalars_read_as_yaml_1_2_core(text, value):
    """Only true/false are booleans and only decimal numbers are numbers (as editors read)."""
    read = read_yaml(f"a: {text}\n".encode()).data["a"]
    assert read == value and type(read) is type(value)


def test_pyyaml_1_1_would_have_read_them_otherwise():
    """The surprises the loader no longer has: PyYAML's own reading of the same scalars."""
    old = yaml.safe_load("a: [yes, 'on', 4:00, 0240]\nb: off\n")
    assert old == {"a": [True, "on", 240, 160], "b": False}

"""Tests for the JSON Schema of scenario files (game.scenario.schema, docs/scenario.schema.json)."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
import yaml

from game.authoring.new import render_starter
from game.scenario import schema
from game.scenario.structure import KEYS
from game.scenario.yamlsafe import read_yaml

ROOT = Path(__file__).parent.parent
COMMITTED = ROOT / "docs" / "scenario.schema.json"
VALID = sorted((ROOT / "scenarios").glob("*.yaml")) + sorted(
    (ROOT / "tests" / "data" / "valid").glob("*.yaml"))
INVALID = ROOT / "tests" / "data" / "invalid"
# Invalid files whose problem the schema alone can see (no references or expressions needed).
SCHEMA_CATCHES = [
    "bad-format", "bad-id-scenario", "bad-id", "bad-value-color", "bad-value-language",
    "bad-value-timer", "bad-value", "bad-weight", "choices-and-next", "missing-actor",
    "missing-key-top", "missing-key", "no-choices-or-next", "no-endings", "route-mix",
    "timer-timeout-without-timer", "timer-timeout", "too-few-roles", "unknown-key-top",
    "unknown-key", "wrong-type-section", "wrong-type",
]
_YAML = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@pytest.fixture(scope="module")
def validator():
    """A draft-07 validator of the schema as generated now."""
    return jsonschema.Draft7Validator(schema.build_schema())


def _errors(validator, data) -> list[str]:
    """Every schema error as `path: message`."""
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(data)]


def test_committed_schema_is_current():
    """docs/scenario.schema.json equals what the model generates (run `make schema` if not)."""
    assert COMMITTED.read_text(encoding="utf-8") == schema.schema_text(), "run `make schema`"


def test_schema_is_valid_draft7():
    """The generated schema is itself a valid draft-07 schema."""
    jsonschema.Draft7Validator.check_schema(schema.build_schema())


@pytest.mark.parametrize("path", VALID, ids=lambda p: p.stem)
def test_every_valid_scenario_validates(validator, path):
    """Bundled and valid scenarios pass, read as the editor reads YAML and as the loader does."""
    text = path.read_text(encoding="utf-8")
    assert _errors(validator, yaml.load(text, Loader=_YAML)) == []
    assert _errors(validator, read_yaml(path.read_bytes(), str(path)).data) == []


@pytest.mark.parametrize("lang", ["nl", "en"])
@pytest.mark.parametrize("roles", [("a", "b"), ("jeugdprofessional", "leerkracht", "jurist")])
def test_starter_validates(validator, roles, lang):
    """The starter scenario from `samenspel new` passes the schema."""
    assert _errors(validator, yaml.safe_load(render_starter("s", roles, lang=lang))) == []


@pytest.mark.parametrize("name", SCHEMA_CATCHES)
def test_structural_mistakes_are_underlined(validator, name):
    """Mistakes the editor can show without the whole file (keys, types, options) fail."""
    path = INVALID / f"{name}.yaml"
    data = read_yaml(path.read_bytes(), str(path)).data
    assert _errors(validator, data), name


def test_every_key_of_the_format_has_a_dutch_description():
    """Each key the loader accepts appears in the schema with a description, and no other key."""
    built = schema.build_schema()
    defs = built["definitions"]
    for kind, keys in KEYS.items():
        props = built["properties"] if kind == "scenario" else defs[kind]["properties"]
        assert list(props) == list(keys), kind
        for key, prop in props.items():
            assert len(prop["description"]) > 10, (kind, key)


def test_required_keys_follow_the_model():
    """Required keys are the model's fields without default, minus ids taken from map keys."""
    built = schema.build_schema()
    assert built["required"] == ["format", "id", "title", "roles", "scores", "start", "scenes",
                                 "endings"]
    defs = built["definitions"]
    assert defs["role"]["required"] == ["name", "academy", "briefing"]
    assert defs["choice"]["required"] == ["text", "goto"]
    assert defs["ending"]["required"] == ["title", "text", "outcome"]
    assert defs["route"]["required"] == ["to"]
    assert "required" not in defs["effects"]


BASE = """
format: 1
id: mini
title: Mini
roles:
  a: {name: A, academy: pabo, briefing: Jij.}
  b: {name: B, academy: recht, briefing: Jij ook.}
scores: {s: {label: S}}
start: begin
endings: {eind: {title: Eind, text: Klaar., outcome: good}}
"""


@pytest.mark.parametrize("scenes, variables", [
    ("{begin: {text: T, actor: team, choices: [{text: Ja, goto: eind}]}}", "{}"),
    ("{begin: {text: T, actor: [a, b], decision: consensus, choices: [{text: Ja, goto: "
     "[{to: eind, if: x > 1}, {to: eind}]}]}}", "{x: 2}"),
    ("{begin: {text: T, actor: a, choices: [{text: Ja, goto: [{to: eind, weight: 2}]}]}}",
     "{x: true, y: {initial: 1, min: 0, show: true}}"),
    ("{begin: {text: 2025, next: eind}}", "{}"),
])
def test_shorthands_are_accepted(validator, scenes, variables):
    """goto as id or routes, actor as team/role/list, bare variables, numbers as text."""
    data = yaml.safe_load(BASE + f"scenes: {scenes}\nvariables: {variables}\n")
    assert _errors(validator, data) == []


def test_sentence_comma_in_flow_mapping_is_tolerated_but_typos_are_not(validator):
    """`{label: Delen, met toestemming.}` passes (the loader reads one text); `{lable: x}` fails."""
    ok = yaml.safe_load(BASE.replace("{s: {label: S}}", "{s: {label: Delen, met toestemming.}}")
                        + "scenes: {begin: {text: T, next: eind}}\n")
    assert _errors(validator, ok) == []
    bad = yaml.safe_load(BASE.replace("{s: {label: S}}", "{s: {label: S, lable: x}}")
                         + "scenes: {begin: {text: T, next: eind}}\n")
    assert any("lable" in e for e in _errors(validator, bad))


def test_check_mode_reports_stale_file(tmp_path, capsys):
    """`python -m game.scenario.schema OUT --check` is 0 when current and 1 when stale."""
    out = tmp_path / "s.json"
    assert schema.main([str(out)]) == 0
    assert json.loads(out.read_text(encoding="utf-8"))["title"].startswith("Samenspel")
    assert schema.main([str(out), "--check"]) == 0
    out.write_text("{}", encoding="utf-8")
    assert schema.main([str(out), "--check"]) == 1
    assert "make schema" in capsys.readouterr().err

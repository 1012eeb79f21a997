"""Tests for game.scenario.validate: one invalid file per rule, the code reference, the checks."""

from __future__ import annotations

import json
import re
from pathlib import Path

import attrs
import pytest

from game.i18n import catalog
from game.scenario.loader import load_scenario, load_scenario_text_with_problems
from game.scenario.model import Choice, Route, Scene
from game.scenario.validate import validate

ROOT = Path(__file__).parent.parent
INVALID = Path(__file__).parent / "data" / "invalid"
VALID = Path(__file__).parent / "data" / "valid"
REFERENCE = ROOT / "docs" / "scenario-format.md"
EXPECT = re.compile(r"expect: ([a-z0-9-]+)(?: line (\d+))?")
# Codes that cannot sensibly be a small file in tests/data/invalid (tested in test_loader.py
# and test_cli_validate.py instead); the reference says so beside each.
WITHOUT_FILE = {"file-unreadable", "internal-error", "yaml-too-large"}


def expectation(path: Path) -> tuple[str, int]:
    """The `# expect: <code> line <n>` comment on a file's first line."""
    first = path.read_bytes().split(b"\n", 1)[0].decode("utf-8", "replace")
    match = EXPECT.search(first)
    assert match, f"{path.name}: first line must be '# expect: <code> line <n>'"
    return match.group(1), int(match.group(2) or 0)


def documented_codes() -> dict[str, str]:
    """Code → severity from the table under '## Problem codes' in the reference."""
    text = REFERENCE.read_text(encoding="utf-8").split("## Problem codes", 1)[1]
    return dict(re.findall(r"^\| `([a-z0-9-]+)` \| (error|warning) \|", text, re.MULTILINE))


INVALID_FILES = sorted(INVALID.glob("*.yaml"))


@pytest.mark.parametrize("path", INVALID_FILES, ids=[p.stem for p in INVALID_FILES])
def test_invalid_file_reports_its_code_on_its_line(path):
    """Each example file reports the expected code at the expected line, in both languages."""
    code, line = expectation(path)
    scenario, problems = load_scenario_text_or_file(path)
    hits = [p for p in problems if p.code == code and p.line == line]
    assert hits, [p.format("en") for p in problems]
    for p in hits:
        assert p.path == str(path)
        assert p.column >= 1
        assert p.message and p.message_nl and p.message != p.message_nl
        assert "problems." not in p.message + p.message_nl  # no missing catalogue key
    severity = documented_codes()[code]
    assert hits[0].severity == severity
    if severity == "warning":
        assert scenario is not None, "a warning alone must not stop the file from loading"
        assert all(p.severity == "warning" for p in problems)
    else:
        assert scenario is None


def _header(path: Path, name: str) -> str | None:
    """The text after `# <name>: ` in the comment lines at the top of a file, or None."""
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        if not line.startswith("#"):
            return None
        if line.startswith(f"# {name}: "):
            return line[len(name) + 4:]
    return None


EXACT_FILES = [p for p in INVALID_FILES if _header(p, "message") is not None]


@pytest.mark.parametrize("path", EXACT_FILES, ids=[p.stem for p in EXACT_FILES])
def test_invalid_file_gives_the_exact_dutch_message_and_tip(path):
    """Files with `# message:` (the teacher's mistakes of issue 17) say exactly that, and tip."""
    code, line = expectation(path)
    _, problems = load_scenario_text_or_file(path)
    hits = [p for p in problems if p.code == code and p.line == line]
    assert hits, [p.format("nl") for p in problems]
    tip = _header(path, "tip")
    assert (hits[0].message_nl, hits[0].hint_nl) == (
        _header(path, "message"), "" if tip == "(none)" else tip)


def load_scenario_text_or_file(path: Path):
    """Load a test file from disk (keeps the path in the problems); a file that expects a
    code of the cooperation check (`validate --strict`) also gets that check's problems."""
    from game.authoring.cooperation import STRICT_CODES, strict_problems
    from game.scenario.loader import load_scenario_with_problems

    scenario, problems = load_scenario_with_problems(path)
    if scenario is not None and expectation(path)[0] in STRICT_CODES:
        problems = [*problems, *strict_problems(scenario)]
    return scenario, problems


def test_every_documented_code_has_an_example_and_back():
    """The reference and tests/data/invalid list the same codes (minus the documented few)."""
    documented = set(documented_codes())
    examples = {expectation(p)[0] for p in INVALID_FILES}
    assert documented - WITHOUT_FILE == examples
    assert WITHOUT_FILE <= documented


def test_every_code_the_code_base_can_emit_is_documented():
    """Every `problems.<code>` catalogue message belongs to a documented code or variant."""
    documented = set(documented_codes())
    en, nl = catalog("en"), catalog("nl")
    keys = {k for k in en if k.startswith("problems.")}
    assert keys == {k for k in nl if k.startswith("problems.")}
    for code in documented:
        assert f"problems.{code}" in en or any(k.startswith(f"problems.{code}-") for k in en), code


def test_every_catalogue_placeholder_matches_between_languages():
    """Dutch and English messages use the same placeholders (bar the detail language)."""
    en, nl = catalog("en"), catalog("nl")
    for key, text in en.items():
        if not key.startswith("problems."):
            continue
        names_en = set(re.findall(r"{(\w+)}", text)) - {"detail", "detail_nl"}
        names_nl = set(re.findall(r"{(\w+)}", nl[key])) - {"detail", "detail_nl"}
        assert names_en == names_nl, key


@pytest.mark.parametrize("path", sorted(VALID.glob("*.yaml")), ids=lambda p: p.stem)
def test_valid_files_load_without_errors(path):
    """Every file in tests/data/valid loads."""
    load_scenario(path)


def test_keukentafel_has_no_warnings_either():
    """The shared example is the reference for a clean file."""
    _, problems = load_scenario_text_with_problems(
        (VALID / "keukentafel.yaml").read_text(encoding="utf-8")
    )
    assert problems == []


# ------------------------------------------------------------------------------ direct checks


@pytest.fixture
def keukentafel():
    """The loaded example scenario."""
    return load_scenario(VALID / "keukentafel.yaml")


def test_validate_works_on_a_scenario_built_in_code(keukentafel):
    """validate() needs no YAML: a dangling route in an evolved model is found."""
    plan = keukentafel.scenes["plan"]
    broken = attrs.evolve(
        plan, choices=(attrs.evolve(plan.choices[0], goto=(Route(to="nergens"),)),)
        + plan.choices[1:]
    )
    scenario = attrs.evolve(keukentafel, scenes={**keukentafel.scenes, "plan": broken})
    problems = validate(scenario)
    assert [(p.code, p.line) for p in problems if p.severity == "error"] == [
        ("unknown-scene", keukentafel.mark("scenes", "plan", "choices", 0, "goto", 0, "to")[0])
    ]
    assert problems[0].hint == ""  # 'nergens' is close to nothing


def test_unknown_scene_suggests_the_closest_id(keukentafel):
    """A misspelt target gets a "did you mean" hint in both languages."""
    scene = keukentafel.scenes["te_laat"]
    scene = attrs.evolve(scene, next="vastgelopn")
    scenario = attrs.evolve(keukentafel, scenes={**keukentafel.scenes, "te_laat": scene})
    (p,) = [p for p in validate(scenario) if p.severity == "error"]
    assert p.code == "unknown-scene"
    assert p.hint == "did you mean 'vastgelopen'?"
    assert p.hint_nl == "bedoel je 'vastgelopen'?"


def test_expression_problem_points_at_the_column_inside_a_quoted_scalar():
    """The column of an expression issue is the scalar's column + offset (+1 when quoted)."""
    text = (VALID / "keukentafel.yaml").read_text(encoding="utf-8").replace(
        "if: knows(jeugdprofessional, opa) and vertrouwen >= 50",
        "if: \"knows(jeugdprofessional, opa) and vertrouwn >= 50\"",
    )
    _, problems = load_scenario_text_with_problems(text)
    (p,) = [p for p in problems if p.code == "bad-expression"]
    line = text.splitlines()[p.line - 1]
    assert line[p.column - 1:].startswith("vertrouwn")


def test_guarded_edges_count_for_reachability(keukentafel):
    """samen_verder is reached only under a guard, yet it is not reported as never reached."""
    codes = [p.code for p in validate(keukentafel)]
    assert "ending-never-reached" not in codes


def test_decision_single_with_several_actors_is_allowed(keukentafel):
    """`decision: single` with several actors is valid: whichever actor picks first decides."""
    scene = attrs.evolve(keukentafel.scenes["teamoverleg"], decision="single")
    scenario = attrs.evolve(keukentafel, scenes={**keukentafel.scenes, "teamoverleg": scene})
    assert [p for p in validate(scenario) if p.severity == "error"] == []


def test_duplicate_default_choice_ids_are_reported():
    """An explicit id equal to a default one (c1) clashes."""
    scene = Scene(id="s", text="t", actors=("a",), choices=(
        Choice(id="c1", text="x", goto=(Route(to="s"),)),
        Choice(id="c1", text="y", goto=(Route(to="s"),)),
    ))
    from game.scenario.model import Ending, Role, Scenario

    scenario = Scenario(
        format=1, id="x", title="x",
        roles={r: Role(id=r, name=r, academy="pabo", briefing="b") for r in ("a", "b")},
        scores={}, start="s", scenes={"s": scene},
        endings={"e": Ending(id="e", title="e", text="e", outcome="good")},
    )
    codes = [p.code for p in validate(scenario)]
    assert "duplicate-choice-id" in codes
    assert "no-ending-reachable" in codes and "ending-never-reached" in codes


def test_json_catalogues_are_valid_utf8_json():
    """Both problem catalogues parse and have the same keys."""
    base = ROOT / "game" / "i18n" / "locales"
    en = json.loads((base / "en" / "problems.json").read_text(encoding="utf-8"))
    nl = json.loads((base / "nl" / "problems.json").read_text(encoding="utf-8"))
    assert set(en) == set(nl)

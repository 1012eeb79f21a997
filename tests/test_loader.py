"""Tests for game.scenario.loader, yamlsafe and structure: safe reading, shorthand, problems."""

from __future__ import annotations

import hashlib
import string
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from game.errors import ScenarioError
from game.scenario import yamlsafe
from game.scenario.loader import (
    load_scenario,
    load_scenario_text,
    load_scenario_text_with_problems,
    load_scenario_with_problems,
)
from game.scenario.model import Choice, Dimension, Ending, Role, Route, Scenario, Scene, Variable
from game.scenario.structure import unstructure

DATA = Path(__file__).parent / "data"
KEUKENTAFEL = DATA / "valid" / "keukentafel.yaml"

SMALL = """\
format: 1
id: klein
title: Klein
roles:
  a: {name: A, academy: pabo, briefing: Jij bent A.}
  b: {name: B, academy: recht, briefing: Jij bent B.}
variables:
  budget: 12000
scores:
  samen: {label: Samen}
start: begin
scenes:
  begin:
    text: Begin
    actor: team
    choices:
      - text: Verder
        goto: einde
      - text: Ook verder
        goto: einde
endings:
  einde: {title: Einde, text: Klaar, outcome: good}
"""


def codes(problems):
    """The codes of a list of problems."""
    return [p.code for p in problems]


def test_keukentafel_loads_without_problems():
    """The shared example uses every feature and loads with zero errors and zero warnings."""
    scenario, problems = load_scenario_with_problems(KEUKENTAFEL)
    assert problems == []
    assert isinstance(scenario, Scenario)
    assert scenario.id == "keukentafel"
    assert scenario.source == str(KEUKENTAFEL)
    assert scenario.sha256 == hashlib.sha256(KEUKENTAFEL.read_bytes()).hexdigest()


def test_keukentafel_shorthand_is_resolved():
    """team → all roles, default decisions, goto shorthand, bool variable, debrief questions."""
    s = load_scenario(KEUKENTAFEL)
    team = s.scenes["teamoverleg"]
    assert team.actors == ("jeugdprofessional", "leerkracht", "verpleegkundige")
    assert team.is_team and team.decision == "vote"
    assert s.scenes["kennismaking"].decision == "single"
    assert s.scenes["kennismaking"].choices[0].goto == (Route(to="toestemming_vragen"),)
    plan = s.scenes["plan"]
    assert plan.choices[0].if_ == "knows(jeugdprofessional, opa) and vertrouwen >= 50"
    assert plan.choices[1].goto[1] == Route(to="vastgelopen", weight=1)
    assert s.variables["toestemming"] == Variable(id="toestemming", initial=False)
    assert s.debrief_questions == ("Wie had in welk gesprek de regie, en merkte het gezin dat?",)
    assert s.scores["informatiedeling"].description == "Delen wat nodig is, met toestemming."
    assert s.info["slaapdagboek"].consent == "toestemming"


def test_marks_give_line_and_column_of_paths():
    """Marks map key/index paths to 1-based positions; collections at their key."""
    s = load_scenario(KEUKENTAFEL)
    text = KEUKENTAFEL.read_text(encoding="utf-8").splitlines()
    line, col = s.marks[("scenes", "plan")]
    assert text[line - 1][col - 1:].startswith("plan:")
    line, col = s.marks[("scenes", "plan", "choices", 0, "if")]
    assert text[line - 1][col - 1:].startswith("knows(")
    assert s.mark("scenes", "plan", "choices", 0, "nonexistent") == s.marks[
        ("scenes", "plan", "choices", 0)
    ]


def test_small_defaults_choice_ids_and_budget_shorthand():
    """Choice ids default to c1, c2 and `budget: 12000` is a Variable with that initial."""
    s = load_scenario_text(SMALL)
    assert [c.id for c in s.scenes["begin"].choices] == ["c1", "c2"]
    assert s.variables["budget"] == Variable(id="budget", initial=12000)
    assert s.language == "nl"


def test_text_fields_take_scalars_as_written():
    """`title: 2025` is text, `questions: Waarom?` is a one-item list, `if: true` an expression."""
    text = SMALL.replace("title: Klein", "title: 2025").replace(
        "  einde: {title: Einde, text: Klaar, outcome: good}",
        "  einde: {title: Einde, text: ja, outcome: good, questions: Waarom?}",
    ).replace("      - text: Verder\n", "      - text: Verder\n        if: true\n")
    s = load_scenario_text(text)
    assert s.title == "2025"
    assert s.endings["einde"].text == "ja"
    assert s.endings["einde"].questions == ("Waarom?",)
    assert s.scenes["begin"].choices[0].if_ == "true"


def test_keys_are_always_text():
    """A key such as `no` (a YAML 1.1 boolean) is read as the id "no"."""
    s = load_scenario_text(SMALL.replace("  b: {", "  no: {"))
    assert "no" in s.roles


def test_merge_keys_and_aliases_are_allowed():
    """Anchors, aliases and `<<` merges work; explicit keys win over merged ones."""
    text = SMALL.replace(
        "  a: {name: A, academy: pabo, briefing: Jij bent A.}\n",
        "  a: &rol {name: A, academy: pabo, briefing: Jij bent A.}\n",
    ).replace("  b: {name: B, academy: recht, briefing: Jij bent B.}\n",
              "  b: {<<: *rol, name: B}\n")
    s = load_scenario_text(text)
    assert s.roles["b"] == Role(id="b", name="B", academy="pabo", briefing="Jij bent A.")


def test_load_scenario_raises_with_every_problem():
    """Several independent mistakes are all reported in one ScenarioError."""
    text = SMALL.replace("goto: einde", "goto: eind", 1).replace("actor: team", "actor: [a, x]")
    text = text.replace("title: Klein", "title: Klein\ntitel: dubbel")
    with pytest.raises(ScenarioError) as info:
        load_scenario_text(text, "klein.yaml", lang="en")
    found = codes(info.value.problems)
    assert {"unknown-scene", "unknown-role", "unknown-key"} <= set(found)
    assert "klein.yaml:" in str(info.value)
    assert all(p.line > 0 for p in info.value.problems)


def test_unknown_key_has_a_did_you_mean_hint():
    """A misspelt key is named, placed on its line, and a close key is suggested."""
    text = SMALL.replace("        goto: einde\n", "        gotoo: einde\n        goto: einde\n", 1)
    _, problems = load_scenario_text_with_problems(text)
    (p,) = problems
    assert p.code == "unknown-key"
    assert p.line == 18 and p.column == 9
    assert p.message == "unknown key 'gotoo' in choice 1 of scene 'begin'"
    assert "goto" in p.hint and "goto" in p.hint_nl
    assert "onbekende sleutel 'gotoo' in keuze 1 van scène 'begin'" == p.message_nl


def test_warnings_alone_do_not_raise():
    """A scenario with only warnings loads; the warnings are returned beside it."""
    text = SMALL.replace("academy: recht", "academy: techniek")
    scenario, problems = load_scenario_text_with_problems(text)
    assert scenario is not None
    assert codes(problems) == ["unknown-academy"]
    assert problems[0].severity == "warning"
    assert load_scenario_text(text).roles["b"].academy == "techniek"


def test_python_tag_constructs_nothing(tmp_path):
    """`!!python/object/apply:os.system` is refused and the command never runs."""
    marker = tmp_path / "X"
    tag = f'!!python/object/apply:os.system ["touch {marker}"]'
    text = SMALL.replace("title: Klein", f"title: {tag}")
    _, problems = load_scenario_text_with_problems(text)
    assert codes(problems) == ["yaml-tag"]
    assert problems[0].line == 3
    assert not marker.exists()


@pytest.mark.parametrize("tag", ["!!binary aGVsbG8=", "!!set {a, b}", "!eigen x", "!!omap [a: 1]"])
def test_other_tags_are_refused(tag):
    """Any tag beyond the plain core ones is an error."""
    _, problems = load_scenario_text_with_problems(SMALL.replace("title: Klein", f"title: {tag}"))
    assert "yaml-tag" in codes(problems)


BILLION_LAUGHS = """\
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
"""


def test_billion_laughs_is_refused():
    """The classic alias bomb is refused as yaml-alias-bomb; nothing is returned."""
    scenario, problems = load_scenario_text_with_problems(BILLION_LAUGHS)
    assert scenario is None
    assert codes(problems) == ["yaml-alias-bomb"]


def test_self_referencing_alias_is_refused():
    """An alias inside its own anchor would recurse forever; the depth bound stops it."""
    _, problems = load_scenario_text_with_problems("a: &x [1, *x]\n")
    assert codes(problems) == ["yaml-alias-bomb"]


def test_modest_aliases_stay_under_the_bound():
    """Aliases used normally are counted but well inside the limit."""
    doc = yamlsafe.read_yaml(b"a: &x [1, 2, 3]\nb: [*x, *x, *x]\n")
    assert doc.problems == []
    assert doc.data == {"a": [1, 2, 3], "b": [[1, 2, 3]] * 3}


def test_duplicate_key_is_an_error_at_the_second_key():
    """PyYAML would keep the last value silently; the loader reports the second key."""
    text = SMALL.replace("start: begin", "start: begin\nstart: x")
    _, problems = load_scenario_text_with_problems(text)
    dup = [p for p in problems if p.code == "yaml-duplicate-key"]
    assert len(dup) == 1 and dup[0].line == 12
    assert "line 11" in dup[0].message


@pytest.mark.parametrize(
    ("data", "code", "line", "column"),
    [
        (b"", "yaml-empty", 1, 1),
        (b"# alleen commentaar\n", "yaml-empty", 1, 1),
        (b"- a\n- b\n", "yaml-not-mapping", 1, 1),
        (b"tekst\n", "yaml-not-mapping", 1, 1),
        (b"a: 1\nb: caf\xe9\n", "yaml-encoding", 2, 7),
        (b"a: \xc3\xa9\xe9\n", "yaml-encoding", 1, 5),
        (b"\xff\xfea\x00:\x00", "yaml-encoding", 1, 1),
        (b"a:\n\tb: 1\n", "yaml-tab", 2, 1),
        (b"a: b: c\n", "yaml-syntax", 1, 5),
        (b"a: [1, 2\n", "yaml-syntax", 1, 4),
        (b"a: 1\nb: 'open\n", "yaml-syntax", 2, 4),
        (b"a: 1\n---\nb: 2\n", "yaml-syntax", 2, 1),
    ],
)
def test_unreadable_files_give_one_clear_error(data, code, line, column):
    """Each way a file can fail to be YAML gives its own code at the right place."""
    doc = yamlsafe.read_yaml(data, "x.yaml")
    assert [(p.code, p.line, p.column) for p in doc.problems] == [(code, line, column)]
    assert all(p.message and p.message_nl for p in doc.problems)


def test_every_syntax_problem_is_reported_in_line_order():
    """A tab late in the file no longer hides a missing colon early in it (issue 17, item 7)."""
    path = DATA / "invalid" / "teacher-tab-and-colon.yaml"
    _, problems = load_scenario_with_problems(path)
    assert [(p.code, p.line) for p in problems] == [("yaml-syntax", 8), ("yaml-tab", 34)]
    assert "'title'" in problems[0].message_nl


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Three independent slips: each reported once, nothing that follows from a repair.
        ("a: b: c\nd: e: f\ng: h\n", [(1, 5), (2, 5)]),
        ("x:\n\t- a\n\t- b\ny: 1\nz 2\n", [(2, 1), (3, 1), (5, 1)]),
        ("a:\n  actor leerkracht\n  choices: x\nb: [1, 2\nc: 3\n", [(2, 3), (4, 4)]),
        ("s:\n  c:\n    - t: a\n      g: b\n     - t: c\n      g: d\n  x: 1\n", [(5, 6)]),
    ],
)
def test_syntax_recovery_finds_each_slip_once(text, expected):
    """After each error the reader repairs its copy as the author meant and reads on."""
    doc = yamlsafe.read_yaml(text.encode(), "x.yaml")
    assert doc.data is None
    assert [(p.line, p.column) for p in doc.problems] == expected
    assert all(p.hint_nl and p.hint for p in doc.problems), [p.hint_nl for p in doc.problems]


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("a: 'x\nb: 2\n", "aanhalingsteken"),
        ("a: 1\n---\nb: 2\n", "'---'"),
        ("a: @x\n", "'@'"),
        ("a: - b\n", "lijstitem"),
        ("a: |  tekst\n", "'|'"),
        ("a: *x\n", "'*'"),
        ('a: "x\\q"\n', "'\\'"),
        ("a: [1, ]]\n", "na een waarde"),
        ("a: b\x07c\n", "stuurteken"),
        ("a: {b: 1\n", "'}'"),
    ],
)
def test_every_syntax_error_has_a_dutch_message_and_a_tip(text, fragment):
    """No parser jargon reaches the author: a Dutch text and a tip for each kind of slip."""
    doc = yamlsafe.read_yaml(text.encode(), "x.yaml")
    assert len(doc.problems) == 1, [p.message_nl for p in doc.problems]
    found = doc.problems[0]
    assert fragment in found.message_nl, found.message_nl
    assert found.hint_nl and found.hint
    assert "expected" not in found.message_nl + found.hint_nl
    assert "while" not in found.message_nl + found.hint_nl


def test_bom_is_a_warning_and_the_file_loads():
    """A UTF-8 byte order mark is dropped with a warning."""
    scenario, problems = load_scenario_text_with_problems("\ufeff" + SMALL)
    assert scenario is not None
    assert codes(problems) == ["yaml-bom"]


def test_too_large_file_is_refused(tmp_path):
    """A file over MAX_BYTES is refused before parsing."""
    big = tmp_path / "groot.yaml"
    big.write_bytes(b"# " + b"x" * yamlsafe.MAX_BYTES + b"\n")
    scenario, problems = load_scenario_with_problems(big)
    assert scenario is None
    assert codes(problems) == ["yaml-too-large"]


def test_missing_file_is_a_problem_not_a_crash(tmp_path):
    """A path that cannot be read gives file-unreadable; load_scenario raises ScenarioError."""
    scenario, problems = load_scenario_with_problems(tmp_path / "weg.yaml")
    assert scenario is None and codes(problems) == ["file-unreadable"]
    with pytest.raises(ScenarioError):
        load_scenario(tmp_path)


def test_unstructure_round_trips_keukentafel():
    """unstructure → YAML → load gives an equal scenario."""
    s = load_scenario(KEUKENTAFEL)
    again = load_scenario_text(yaml.safe_dump(unstructure(s), allow_unicode=True, sort_keys=False))
    assert again == s


def test_consent_mapping_needed_by_and_keep_order_load_and_round_trip():
    """The mapping form of consent becomes `Info.terms` plus its standing condition; needed_by,
    on_refuse and keep_order load; unstructure → load gives an equal scenario."""
    s = load_scenario(KEUKENTAFEL.parent / "toestemming.yaml")
    card = s.info["verhaal_moeder"]
    assert card.terms is not None and card.terms.to == ("leerkracht",)
    assert card.terms.ask == "vertrouwen >= 50" and card.terms.asked_by == ("jeugdprofessional",)
    assert card.terms.for_ == "Afstemmen van de begeleiding in de klas"
    assert card.consent == "false"  # asked for, not standing
    assert card.needed_by == ("leerkracht",) and card.on_refuse.add == {"vertrouwen": -5}
    assert s.info["groeicurve"].consent == "vertrouwen >= 40"
    assert s.scenes["schaal"].keep_order and not s.scenes["overleg"].keep_order
    again = load_scenario_text(yaml.safe_dump(unstructure(s), allow_unicode=True, sort_keys=False))
    assert again == s


def test_the_old_consent_string_keeps_its_meaning():
    """`consent: expr` is the standing condition with no scope (no terms, every role)."""
    s = load_scenario(KEUKENTAFEL)
    card = s.info["slaapdagboek"]
    assert card.consent == "toestemming" and card.terms is None
    assert all(card.covers(r) and card.needs(r) for r in s.roles)


def test_unknown_consent_key_is_reported_with_a_hint():
    """A typo inside the consent mapping is an unknown key with a did-you-mean."""
    text = (KEUKENTAFEL.parent / "toestemming.yaml").read_text(encoding="utf-8")
    text = text.replace("      asked_by: [jeugdprofessional]", "      askedby: [jeugdprofessional]")
    _, problems = load_scenario_text_with_problems(text)
    (p,) = [p for p in problems if p.code == "unknown-key"]
    assert "askedby" in p.message and "asked_by" in p.hint


# ------------------------------------------------------------------------------ properties

_ids = st.text(string.ascii_lowercase + string.digits + "_", min_size=1, max_size=8).filter(
    lambda i: i != "team"  # reserved: `actor: team` means every role
)
_texts = st.text(
    st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="{}"),
    min_size=1,
    max_size=30,
)


@st.composite
def scenarios(draw) -> Scenario:
    """Valid scenarios: 2-4 roles, a chain of scenes with choices, 1-3 endings."""
    ids = draw(st.lists(_ids, min_size=8, max_size=14, unique=True))
    role_ids, ids = ids[:draw(st.integers(2, 4))], ids[4:]
    ending_ids, scene_ids = ids[:draw(st.integers(1, 3))], ids[3:]
    scene_ids = scene_ids[: draw(st.integers(1, len(scene_ids)))]
    roles = {
        r: Role(id=r, name=draw(_texts), academy=draw(st.sampled_from(["pabo", "recht"])),
                briefing=draw(_texts), goals=tuple(draw(st.lists(_texts, max_size=2))))
        for r in role_ids
    }
    variables = {
        "teller": Variable(id="teller", initial=draw(st.integers(0, 10)), min=0, max=10),
        "vlag": Variable(id="vlag", initial=draw(st.booleans())),
    }
    scores = {"samen": Dimension(id="samen", label=draw(_texts))}
    scenes = {}
    for i, sid in enumerate(scene_ids):
        targets = scene_ids[i + 1:] + ending_ids
        choices = []
        for n in range(draw(st.integers(1, 3))):
            goto = (Route(to=draw(st.sampled_from(targets))),)
            if draw(st.booleans()):
                goto = (Route(to=draw(st.sampled_from(targets)), if_="teller > 3"),) + goto
            choices.append(Choice(
                id=f"c{n + 1}", text=draw(_texts), goto=goto,
                if_=draw(st.sampled_from([None, "vlag", "not vlag and teller >= 1"])),
                add=draw(st.sampled_from([{}, {"teller": 1}, {"teller": -2.5}])),
                score=draw(st.sampled_from([{}, {"samen": 2}])),
                feedback=draw(st.none() | _texts),
            ))
        actor = draw(st.sampled_from(role_ids))
        scenes[sid] = Scene(id=sid, text=draw(_texts), title=draw(st.none() | _texts),
                            actors=(actor,), decision="single", choices=tuple(choices))
    endings = {
        e: Ending(id=e, title=draw(_texts), text=draw(_texts),
                  outcome=draw(st.sampled_from(["good", "mixed", "bad"])))
        for e in ending_ids
    }
    return Scenario(format=1, id=draw(_ids), title=draw(_texts), roles=roles, scores=scores,
                    start=scene_ids[0], scenes=scenes, endings=endings, variables=variables)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios())
def test_valid_scenarios_round_trip_through_yaml(scenario):
    """A valid scenario dumped as YAML loads back equal, without errors."""
    text = yaml.safe_dump(unstructure(scenario), allow_unicode=True, sort_keys=False)
    loaded, problems = load_scenario_text_with_problems(text)
    assert [p for p in problems if p.severity == "error"] == []
    assert loaded == scenario


_KEUKEN_TEXT = KEUKENTAFEL.read_text(encoding="utf-8")


@st.composite
def mutated(draw) -> str:
    """The example with a few random edits: delete, insert, duplicate or swap lines/chars."""
    text = _KEUKEN_TEXT
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["delete", "insert", "dup", "swap"]))
        if kind in ("delete", "insert"):
            at = draw(st.integers(0, len(text) - 1))
            if kind == "delete":
                text = text[:at] + text[at + draw(st.integers(1, 12)):]
            else:
                text = text[:at] + draw(st.sampled_from(
                    [":", " ", "\t", "-", "{", "[", "'", '"', "&a ", "*a", "!!x ", "\n", "#",
                     "x"])) + text[at:]
        else:
            lines = text.split("\n")
            i = draw(st.integers(0, len(lines) - 1))
            j = draw(st.integers(0, len(lines) - 1))
            if kind == "dup":
                lines.insert(i, lines[j])
            else:
                lines[i], lines[j] = lines[j], lines[i]
            text = "\n".join(lines)
    return text


@settings(max_examples=150, deadline=None)
@given(mutated())
def test_mutated_files_only_raise_scenario_error_inside_the_file(text):
    """Any edit of a valid file loads or raises ScenarioError, every line inside the file."""
    last_line = text.count("\n") + 1
    try:
        load_scenario_text(text, "m.yaml")
    except ScenarioError as exc:
        assert exc.problems
        for p in exc.problems:
            assert 1 <= p.line <= last_line, p.format("en")
            assert p.column >= 1
    _, problems = load_scenario_text_with_problems(text, "m.yaml")
    for p in problems:
        assert 1 <= p.line <= last_line, p.format("en")


def _paths(data, prefix=()):
    """Every key/index path in plain data."""
    yield prefix
    if isinstance(data, dict):
        for key, value in data.items():
            yield from _paths(value, prefix + (key,))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from _paths(value, prefix + (index,))


_KEUKEN_PLAIN = unstructure(load_scenario_text(_KEUKEN_TEXT))
_KEUKEN_PATHS = [p for p in _paths(_KEUKEN_PLAIN) if p]
_ODD_VALUES = st.sampled_from([
    None, 0, -1, 1.5, True, "", "x", "team", "c1", [], [1], ["a", None], {}, {"a": 1},
    {"to": "plan"}, [{"to": 3}], {"set": 1}, "{", "knows(", 10**30,
])


@settings(max_examples=80, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(_KEUKEN_PATHS), _ODD_VALUES), min_size=1, max_size=3))
def test_wrong_shapes_anywhere_give_problems_never_exceptions(edits):
    """Any value of any shape at any place: problems with lines in the file, no exception."""
    import copy

    data = copy.deepcopy(_KEUKEN_PLAIN)
    for path, value in edits:
        parent = data
        try:
            for key in path[:-1]:
                parent = parent[key]
            parent[path[-1]] = copy.deepcopy(value)
        except (KeyError, IndexError, TypeError):
            continue  # an earlier edit removed this place
    text = yaml.safe_dump(data, allow_unicode=True)
    _, problems = load_scenario_text_with_problems(text)
    last_line = text.count("\n") + 1
    for p in problems:
        assert 1 <= p.line <= last_line, p.format("en")
        assert "problems." not in p.message + p.message_nl, p.format("en")


def test_a_broken_choice_keeps_the_numbers_of_the_next_choices():
    """A choice that is not a mapping is reported once; the next choice is still choice 2."""
    text = SMALL.replace("      - text: Verder\n", "      - oeps\n      - text: Verder\n", 1)
    text = text.replace("goto: einde", "goto: eindee", 1)
    _, problems = load_scenario_text_with_problems(text)
    assert [(p.code, p.line) for p in problems] == [("wrong-type", 17), ("unknown-scene", 19)]
    assert problems[0].message == (
        "choice 1 of scene 'begin' must be a mapping (key: value), not text ('oeps')"
    )
    assert "choice 2 of scene 'begin'" in problems[1].message


def test_a_role_called_team_is_refused():
    """`team` is reserved for `actor: team`; a role with that id is a bad-id error."""
    _, problems = load_scenario_text_with_problems(SMALL.replace("  b: {", "  team: {"))
    assert ("bad-id", 6) in [(p.code, p.line) for p in problems]


_DEBRIEF = SMALL.replace(
    "  einde: {title: Einde, text: Klaar, outcome: good}\n",
    """\
  einde:
    title: Einde
    text: Klaar
    outcome: good
    questions:
      describe: Wat gebeurde er?
      apply: [Wat doe jij in je stage?, Waar wijkt de praktijk af?]
debrief:
  questions: [Wie had de regie?]
  roles:
    a: [Wat wist jij?]
  guide:
    duration: 20
    prebriefing: |
      Eerste alinea.

      Tweede alinea.
    watch_for: Wie vraagt om toestemming?
    wrong_turns: [Alles met iedereen delen.]
    legal_background:
      - {text: Delen met toestemming., source: Jeugdwet art. 7.3.11}
""",
)


def test_debrief_block_with_guide_roles_and_phased_questions():
    """`debrief.roles`/`guide` and an ending's phases load; `questions` keeps them all in order."""
    from game.scenario.model import Guide, LegalNote, Questions

    s = load_scenario_text(_DEBRIEF)
    ending = s.endings["einde"]
    assert ending.phases == Questions(describe=("Wat gebeurde er?",),
                                      apply=("Wat doe jij in je stage?",
                                             "Waar wijkt de praktijk af?"))
    assert ending.questions == ending.phases.all()
    assert s.debrief_roles == {"a": ("Wat wist jij?",)}
    assert s.guide == Guide(duration=20, prebriefing="Eerste alinea.\n\nTweede alinea.\n",
                            watch_for=("Wie vraagt om toestemming?",),
                            wrong_turns=("Alles met iedereen delen.",),
                            legal_background=(LegalNote(text="Delen met toestemming.",
                                                        source="Jeugdwet art. 7.3.11"),))


def test_debrief_block_round_trips():
    """unstructure writes the guide, the prompts and the phases back; loading gives the same."""
    s = load_scenario_text(_DEBRIEF)
    again = load_scenario_text(yaml.safe_dump(unstructure(s), allow_unicode=True,
                                              sort_keys=False))
    assert again == s


@pytest.mark.parametrize(
    ("old", "new", "code", "words"),
    [
        ("    a: [Wat wist jij?]", "    c: [Wat wist jij?]", "unknown-role",
         "'c' in de nabespreking (debrief) is geen rol"),
        ("duration: 20", "duration: 0", "bad-value", "moet groter dan 0 zijn"),
        ("source: Jeugdwet art. 7.3.11}", "bron: x}", "unknown-key",
         "bron 1 van de handleiding voor de docent"),
        ("      describe: Wat gebeurde er?", "      describe: {wat: 1}", "wrong-type",
         "moet een lijst zijn, niet een mapping"),
        ("      describe: Wat gebeurde er?", "      beschrijf: Wat?", "unknown-key",
         "onbekende sleutel 'beschrijf'"),
    ],
)
def test_debrief_mistakes_are_reported_in_dutch(old, new, code, words):
    """Unknown roles, a zero duration, unknown keys and a mapping where a list belongs."""
    text = _DEBRIEF.replace(old, new)
    assert text != _DEBRIEF
    scenario, problems = load_scenario_text_with_problems(text)
    assert scenario is None
    assert code in codes(problems)
    assert any(words in p.message_nl for p in problems), [p.message_nl for p in problems]

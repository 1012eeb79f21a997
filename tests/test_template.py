"""Tests for game.scenario.template: placeholders, literal braces, checking and rendering."""

from __future__ import annotations

import logging

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from game.errors import SamenspelError
from game.scenario.expressions import Issue
from game.scenario.template import (
    Placeholder,
    Template,
    TemplateError,
    check_template,
    parse_template,
    render,
    unparse_template,
)

VARIABLES = {"budget": 12000, "vertrouwen": 55.5, "toestemming": True, "ronde": 3}
PLAYERS = {"jeugdprofessional": "Anna", "leerkracht": "Sara"}
ROLE_NAMES = {
    "jeugdprofessional": "Jeugdprofessional",
    "leerkracht": "Leerkracht groep 6",
    "verpleegkundige": "Jeugdverpleegkundige",
}


def fill(text, lang="nl", variables=VARIABLES):
    """Render text with the test players, roles and variables."""
    return render(text, variables, PLAYERS, ROLE_NAMES, lang)


def template_error(text) -> TemplateError:
    """The TemplateError parse_template() raises for text."""
    with pytest.raises(TemplateError) as info:
        parse_template(text)
    return info.value


# --------------------------------------------------------------------------- parsing


def test_parts_are_literals_and_placeholders_in_order():
    """A text splits into literal strings and the three kinds of placeholder."""
    tpl = parse_template("Jij bent {player:jeugdprofessional} ({role:leerkracht}): €{budget}.")
    assert tpl.parts == (
        "Jij bent ",
        Placeholder("player", "jeugdprofessional"),
        " (",
        Placeholder("role", "leerkracht"),
        "): €",
        Placeholder("var", "budget"),
        ".",
    )
    assert [p.offset for p in tpl.placeholders] == [9, 37, 58]
    assert tpl.source[58] == "{"


def test_doubled_braces_are_literal_braces():
    """`{{` and `}}` are literal braces and never start a placeholder."""
    assert parse_template("{{budget}}").parts == ("{budget}",)
    assert parse_template("{{{budget}}}").parts == ("{", Placeholder("var", "budget"), "}")
    assert parse_template("a }} b {{ c").parts == ("a } b { c",)


def test_plain_text_is_one_part_and_empty_text_has_none():
    """Text without braces is a single literal; empty text has no parts at all."""
    assert parse_template("Gewone tekst.").parts == ("Gewone tekst.",)
    assert parse_template("Gewone tekst.").is_plain
    assert parse_template("").parts == ()


def test_spaces_inside_braces_are_ignored():
    """`{ budget }` and `{ player : leerkracht }` read as the same placeholders."""
    assert parse_template("{ budget }").parts == (Placeholder("var", "budget"),)
    assert parse_template("{ player : leerkracht }").parts == (
        Placeholder("player", "leerkracht"),
    )


@pytest.mark.parametrize(
    ("text", "offset", "fragment"),
    [
        ("Budget: {budget", 8, "never closed"),
        ("Budget: {budget {vertrouwen}", 8, "never closed"),
        ("Budget: budget}", 14, "without a matching"),
        ("Leeg: {}", 6, "empty placeholder"),
        ("Leeg: {  }", 6, "empty placeholder"),
        ("Wie: {speler:leerkracht}", 5, "unknown placeholder kind 'speler'"),
        ("Wie: {foo:x}", 5, "unknown placeholder kind 'foo'"),
        ("Som: {budget + 1}", 5, "not a placeholder"),
        ('JSON: {"a": 1}', 6, "not a placeholder"),
        ("Wie: {player:}", 5, "not a placeholder"),
        ("Wie: {player:a b}", 5, "not a placeholder"),
        ("{a.b}", 0, "not a placeholder"),
        ("{x[0]}", 0, "not a placeholder"),
        ("{__class__}", 0, "not a placeholder"),
        ("{budget!r}", 0, "not a placeholder"),
        ("{budget:>10}", 0, "not a placeholder"),
    ],
)
def test_syntax_errors_point_at_the_brace_at_fault(text, offset, fragment):
    """Unclosed, stray, empty, unknown-kind and malformed placeholders raise TemplateError."""
    error = template_error(text)
    assert error.offset == offset
    assert fragment in error.message
    assert error.message_nl and error.message_nl != error.message
    assert error.code == "template-syntax"
    assert isinstance(error, SamenspelError) and isinstance(error, ValueError)


@pytest.mark.parametrize(
    ("text", "suggestion"),
    [("{speler:leerkracht}", "{player:leerkracht}"), ("{rol:leerkracht}", "{role:leerkracht}"),
     ("{playr:leerkracht}", "{player:leerkracht}")],
)
def test_unknown_kind_suggests_the_kind_meant(text, suggestion):
    """Dutch words and typos for a kind get the placeholder the author meant as a hint."""
    error = template_error(text)
    assert f"did you mean '{suggestion}'" in error.message
    assert f"bedoelde je '{suggestion}'" in error.message_nl


def test_messages_show_single_braces():
    """Messages quote braces as the author typed them, not doubled."""
    error = template_error("a } b")
    assert error.message.startswith("'}' without a matching '{'")
    assert "'}}'" in error.message  # the fix: write }} for a literal brace


def test_error_becomes_an_issue():
    """A TemplateError converts to a template-syntax Issue at its offset."""
    issue = template_error("x {").to_issue()
    assert issue == Issue("template-syntax", issue.message, issue.message_nl, 2)


def test_non_text_is_refused():
    """parse_template() of something that is not a string raises TemplateError."""
    with pytest.raises(TemplateError):
        parse_template(None)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- checking


def test_known_placeholders_check_clean():
    """Every placeholder naming a declared variable or role passes."""
    tpl = parse_template("{player:jeugdprofessional} {role:leerkracht} {budget}")
    assert check_template(tpl, VARIABLES, ROLE_NAMES) == []


def test_unknown_variable_and_role_with_suggestions():
    """Unknown names are reported with a close match, at the offset of their brace."""
    tpl = parse_template("€{budgt} — {player:leerkrcht} — {role:jurist}")
    issues = check_template(tpl, VARIABLES, ROLE_NAMES)
    assert [(i.code, i.offset) for i in issues] == [
        ("template-unknown-variable", 1),
        ("template-unknown-role", 11),
        ("template-unknown-role", 32),
    ]
    assert issues[0].message == "unknown variable 'budgt' in '{budgt}' (did you mean 'budget'?)"
    assert issues[0].message_nl == (
        "onbekende variabele 'budgt' in '{budgt}' — bedoelde je 'budget'?"
    )
    assert "did you mean 'leerkracht'" in issues[1].message
    assert "did you mean" not in issues[2].message


def test_role_written_as_variable_gets_a_hint():
    """`{leerkracht}` is not a variable: the message shows how to write a role placeholder."""
    (issue,) = check_template(parse_template("{leerkracht}"), VARIABLES, ROLE_NAMES)
    assert issue.code == "template-unknown-variable"
    assert "{player:leerkracht}" in issue.message
    assert "{role:leerkracht}" in issue.message_nl


# --------------------------------------------------------------------------- rendering


def test_numbers_are_formatted_for_the_language():
    """12000 reads 12.000 in Dutch and 12,000 in English; decimals follow the language too."""
    assert fill("€{budget} / {vertrouwen}") == "€12.000 / 55,5"
    assert fill("€{budget} / {vertrouwen}", "en") == "€12,000 / 55.5"


def test_booleans_read_as_words():
    """A boolean variable renders as ja/nee (yes/no)."""
    assert fill("{toestemming}") == "ja"
    assert fill("{toestemming}", "en") == "yes"


def test_players_and_role_names():
    """`{player:x}` is the player's name, `{role:x}` the role's display name."""
    assert fill("{player:leerkracht} is {role:leerkracht}") == "Sara is Leerkracht groep 6"


def test_role_without_player_renders_as_display_name():
    """A role nobody plays (or an empty name) renders as the role's display name."""
    assert fill("{player:verpleegkundige}") == "Jeugdverpleegkundige"
    assert render("{player:leerkracht}", {}, {"leerkracht": ""}, ROLE_NAMES) == "Leerkracht groep 6"


def test_literal_braces_render_single():
    """Doubled braces come out single."""
    assert fill("{{ronde}} = {ronde}") == "{ronde} = 3"


def test_render_accepts_a_parsed_template():
    """render() takes a Template as well as text."""
    assert fill(parse_template("Ronde {ronde}")) == "Ronde 3"


def test_unknown_names_at_run_time_show_the_placeholder_and_log(caplog):
    """Unchecked text with an unknown name renders the placeholder itself, never crashes."""
    with caplog.at_level(logging.WARNING, logger="game.scenario.template"):
        assert fill("a {onbekend} b {role:jurist}") == "a {onbekend} b {role:jurist}"
    assert len(caplog.records) == 2


def test_render_raises_for_malformed_text():
    """Rendering text that does not parse raises TemplateError (the loader rejects it first)."""
    with pytest.raises(TemplateError):
        fill("open {")


def test_briefing_of_the_example_scenario():
    """The briefing of examples/keukentafel.yaml renders with the player's name and budget."""
    briefing = (
        "Jij bent {player:jeugdprofessional}, gezinscoach in het basisteam. Je hebt €{budget}\n"
        "voor dit gezin dit kwartaal.\n"
    )
    assert render(briefing, {"budget": 6000}, PLAYERS, ROLE_NAMES) == (
        "Jij bent Anna, gezinscoach in het basisteam. Je hebt €6.000\n"
        "voor dit gezin dit kwartaal.\n"
    )


# --------------------------------------------------------------------------- properties

placeholders = st.builds(
    Placeholder,
    st.sampled_from(["var", "player", "role"]),
    st.from_regex(r"[a-z0-9_]{1,8}", fullmatch=True).filter(lambda s: not s.startswith("__")),
)
literals = st.text(alphabet="ab {}\n€:", min_size=1, max_size=8)


def normalise(parts):
    """Merge adjacent literals, as the parser does."""
    out: list = []
    for part in parts:
        if isinstance(part, str) and out and isinstance(out[-1], str):
            out[-1] += part
        else:
            out.append(part)
    return tuple(out)


@settings(max_examples=300)
@given(parts=st.lists(st.one_of(literals, placeholders), max_size=8))
def test_printed_parts_parse_back_to_the_same_parts(parts):
    """Round trip: parts printed with doubled braces parse back to the same parts."""
    text = unparse_template(parts)
    tpl = parse_template(text)
    assert tpl.parts == normalise(parts)
    assert unparse_template(tpl) == text
    assert isinstance(tpl, Template) and tpl.source == text


@settings(max_examples=500)
@given(text=st.one_of(st.text(), st.text(alphabet="{}ab :_\n", max_size=20)))
def test_garbage_only_ever_raises_template_error(text):
    """Random text either parses (and renders) or raises TemplateError."""
    try:
        tpl = parse_template(text)
    except TemplateError as error:
        assert 0 <= error.offset < len(text)
        assert text[error.offset] in "{}"
        return
    check_template(tpl, VARIABLES, ROLE_NAMES)
    rendered = render(tpl, VARIABLES, PLAYERS, ROLE_NAMES)
    assert isinstance(rendered, str)
    assert parse_template(unparse_template(tpl)).parts == tpl.parts

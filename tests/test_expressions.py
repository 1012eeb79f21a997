"""Tests for game.scenario.expressions: syntax, precedence, checking, evaluation and safety."""

from __future__ import annotations

import builtins
import math

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from game.errors import SamenspelError
from game.scenario.expressions import (
    MAX_DEPTH,
    Arg,
    Binary,
    Boolean,
    Call,
    Expr,
    ExpressionError,
    Issue,
    Name,
    Number,
    References,
    Scope,
    Text,
    Unary,
    check,
    compile,
    compile_source,
    constant_value,
    diagnose,
    parse,
    references,
    unparse,
)


class FakeContext:
    """An EvalContext with fixed answers that records every history question asked."""

    def __init__(self, variables=None, answer=True, answers=None):
        self.variables = dict(variables or {})
        self.answer = answer
        self.answers = dict(answers or {})
        self.asked: list[tuple] = []

    def _ask(self, *question):
        self.asked.append(question)
        return self.answers.get(question, self.answer)

    def knows(self, role, info):
        """Answer knows()."""
        return self._ask("knows", role, info)

    def shared(self, info):
        """Answer shared()."""
        return self._ask("shared", info)

    def consulted(self, role):
        """Answer consulted()."""
        return self._ask("consulted", role)

    def visited(self, scene):
        """Answer visited()."""
        return self._ask("visited", scene)

    def chose(self, scene, choice):
        """Answer chose()."""
        return self._ask("chose", scene, choice)


SCOPE = Scope(
    variables={"budget": int, "vertrouwen": int, "factor": float, "toestemming": bool},
    roles=("jeugdprofessional", "leerkracht", "verpleegkundige"),
    infos=("slaapdagboek", "klasobservatie", "opa"),
    scenes=("kennismaking", "plan", "te_laat", "samen_verder"),
    choices={"kennismaking": ("vraag_behoefte", "leg_zorgen_uit"), "plan": ("samen", "zelf")},
)
VARS = {"budget": 6000, "vertrouwen": 50, "factor": 0.5, "toestemming": False}


def value(source, variables=VARS, **context):
    """Evaluate source text against a fake context."""
    return compile(parse(source))(FakeContext(variables, **context))


def codes(source, scope=SCOPE, expect=bool):
    """The issue codes check() reports for source text."""
    return [issue.code for issue in check(parse(source), scope, expect)]


def syntax_error(source) -> ExpressionError:
    """The ExpressionError parse() raises for source text."""
    with pytest.raises(ExpressionError) as info:
        parse(source)
    return info.value


# --------------------------------------------------------------------------- literals


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("12", 12),
        ("0.5", 0.5),
        (".5", 0.5),
        ("true", True),
        ("false", False),
        ("'tekst'", "tekst"),
        ('"dubbel"', "dubbel"),
        ("'met \"aanhalingstekens\"'", 'met "aanhalingstekens"'),
        ("  12  ", 12),
    ],
)
def test_literals_evaluate_to_their_value(source, expected):
    """Numbers, booleans and both kinds of quoted text are literals."""
    result = value(source)
    assert result == expected
    assert type(result) is type(expected)


def test_integer_literal_stays_integer_and_decimal_literal_is_float():
    """`12` is an int node, `12.0` a float node: the printer keeps them apart."""
    assert parse("12").root == Number(12)
    assert type(parse("12").root.value) is int
    assert type(parse("12.0").root.value) is float
    assert unparse(parse("12.0")) == "12.0"


def test_variables_read_from_the_context():
    """A name evaluates to the variable's current value."""
    assert value("budget") == 6000
    assert value("toestemming") is False


# --------------------------------------------------------------------------- operators


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("1 + 2", 3),
        ("5 - 7", -2),
        ("3 * 4", 12),
        ("7 / 2", 3.5),
        ("8 / 2", 4.0),
        ("-3", -3),
        ("--3", 3),
        ("-budget", -6000),
        ("budget * factor", 3000.0),
        ("1 + 0.5", 1.5),
    ],
)
def test_arithmetic(source, expected):
    """`+ - * /` and unary minus follow ordinary arithmetic; `/` is true division."""
    result = value(source)
    assert result == expected
    assert type(result) is type(expected)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("1 == 1", True),
        ("1 == 2", False),
        ("1 != 2", True),
        ("1 != 1", False),
        ("1 < 2", True),
        ("2 < 2", False),
        ("2 <= 2", True),
        ("3 <= 2", False),
        ("3 > 2", True),
        ("2 > 2", False),
        ("2 >= 2", True),
        ("1 >= 2", False),
        ("1 == 1.0", True),
        ("true == true", True),
        ("true != false", True),
        ("'a' == 'a'", True),
        ("'a' != 'b'", True),
        ("vertrouwen >= 50", True),
    ],
)
def test_comparisons(source, expected):
    """Every comparison operator on numbers; `==`/`!=` also on booleans and text."""
    assert value(source) is expected


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("0.1 + 0.2 == 0.3", True),
        ("0.1 + 0.2 != 0.3", False),
        ("0.1 + 0.2 <= 0.3", True),
        ("0.1 + 0.2 > 0.3", False),
        ("0.3 < 0.1 + 0.2", False),
        ("0.3 >= 0.1 + 0.2", True),
        ("0.3 == 0.30001", False),
    ],
)
def test_comparisons_forgive_float_rounding(source, expected):
    """A teacher reads 0.1 + 0.2 as 0.3: numbers equal up to float rounding compare equal."""
    assert value(source) is expected


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("true and true", True),
        ("true and false", False),
        ("false or true", True),
        ("false or false", False),
        ("not true", False),
        ("not false", True),
        ("not toestemming", True),
        ("not not true", True),
    ],
)
def test_boolean_operators(source, expected):
    """`and`, `or`, `not` on booleans."""
    assert value(source) is expected


def test_and_or_short_circuit():
    """The right side of `and`/`or` is not evaluated when the left side decides."""
    ctx = FakeContext(VARS)
    compile(parse("false and shared(opa)"))(ctx)
    compile(parse("true or knows(leerkracht, opa)"))(ctx)
    assert ctx.asked == []
    compile(parse("true and shared(opa)"))(ctx)
    assert ctx.asked == [("shared", "opa")]


def test_and_or_return_booleans_even_for_truthy_answers():
    """Context answers that are merely truthy (1, 'x') still give a bool result."""
    ctx = FakeContext(VARS, answer=1)
    assert compile(parse("shared(opa) and shared(opa)"))(ctx) is True
    assert compile(parse("shared(opa)"))(ctx) is True


# --------------------------------------------------------------------------- precedence


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("1 + 2 * 3", 7),
        ("(1 + 2) * 3", 9),
        ("10 - 4 - 3", 3),
        ("24 / 4 / 2", 3.0),
        ("-2 * 3", -6),
        ("- 2 - 3", -5),
        ("2 * -3", -6),
        ("1 + 2 < 4", True),
        ("not 1 == 2", True),
        ("not false and false", False),
        ("true or true and false", True),
        ("(true or true) and false", False),
        ("not (true and false)", True),
        ("1 < 2 and 3 > 2 or false", True),
    ],
)
def test_precedence(source, expected):
    """or < and < not < comparison < + - < * / < unary minus; + - * / associate left."""
    assert value(source) == expected


def test_precedence_builds_the_expected_tree():
    """`not a == 1 and b` is `(not (a == 1)) and b`: the tree shows the grouping."""
    assert parse("not a == 1 and b").root == Binary(
        "and", Unary("not", Binary("==", Name("a"), Number(1))), Name("b")
    )
    assert parse("a - b - c").root == Binary("-", Binary("-", Name("a"), Name("b")), Name("c"))
    assert parse("-a * b").root == Binary("*", Unary("-", Name("a")), Name("b"))


def test_chained_comparison_is_a_syntax_error_that_says_how_to_write_it():
    """`a < b < c` is refused with the way to write it, pointing at the second operator."""
    error = syntax_error("1 < budget < 10")
    assert error.offset == 11
    assert "a < b and b < c" in error.message
    assert "a < b and b < c" in error.message_nl
    assert syntax_error("1 == 1 == 1").offset == 7


# --------------------------------------------------------------------------- functions


@pytest.mark.parametrize(
    ("source", "question"),
    [
        ("knows(jeugdprofessional, opa)", ("knows", "jeugdprofessional", "opa")),
        ("shared(slaapdagboek)", ("shared", "slaapdagboek")),
        ("consulted(verpleegkundige)", ("consulted", "verpleegkundige")),
        ("visited(te_laat)", ("visited", "te_laat")),
        ("chose(plan, samen)", ("chose", "plan", "samen")),
        ("knows('jeugdprofessional', \"opa\")", ("knows", "jeugdprofessional", "opa")),
        ("visited( plan )", ("visited", "plan")),
    ],
)
def test_functions_ask_the_context(source, question):
    """Each function asks the context the matching question with bare or quoted ids."""
    for answer in (True, False):
        ctx = FakeContext(VARS, answer=answer)
        assert compile(parse(source))(ctx) is answer
        assert ctx.asked == [question]


def test_function_answers_combine_with_operators():
    """A guard from the example scenario evaluates per the context's answers."""
    guard = compile_source("knows(jeugdprofessional, opa) and vertrouwen >= 50")
    assert guard(FakeContext(VARS, answer=True)) is True
    assert guard(FakeContext(VARS, answer=False)) is False
    assert guard(FakeContext({**VARS, "vertrouwen": 49}, answer=True)) is False


def test_ids_starting_with_digits_are_names():
    """Ids may start with a digit (`2e_gesprek`); an all-digit function argument is an id."""
    assert parse("2e_gesprek").root == Name("2e_gesprek")
    assert parse("visited(2e_gesprek)").root == Call("visited", (Arg("2e_gesprek"),))
    assert parse("visited(12)").root == Call("visited", (Arg("12"),))


# --------------------------------------------------------------------------- syntax errors


@pytest.mark.parametrize(
    ("source", "offset", "fragment"),
    [
        ("", 0, "empty"),
        ("   ", 0, "empty"),
        ("budget >", 8, "ends too early"),
        ("not", 3, "ends too early"),
        ("(budget > 1", 0, "never closed"),
        ("budget > 1)", 10, "without a matching"),
        ("()", 1, "empty parentheses"),
        ("budget = 1", 7, "'=='"),
        ("vertrouwen => 60", 11, "write '>='"),
        ("vertrouwen =< 60", 11, "write '<='"),
        ("a && b", 2, "'and'"),
        ("a || b", 2, "'or'"),
        ("!a", 0, "'not'"),
        ("'open", 0, "never closed"),
        ("budget 1", 7, "after a complete expression"),
        ("0,5 > factor", 1, "0.5"),
        ("knows(jeugdprofessional opa)", 24, "ids"),
        ("knows(jeugdprofessional, 1 + 2)", 27, "ids"),
        ("knows(jeugdprofessional,", 5, "never closed"),
        ("true(x)", 4, "not a function"),
        ("budget > > 1", 9, "'>'"),
        ("1 < < 2", 4, "'<'"),
        ("a ; b", 2, "';'"),
        ("a é b", 2, "'é'"),
        ("1" * 41, 0, "too long"),
        ("\u2018tekst\u2019 == 'a'", 0, "straight quote"),
        ("budget \u2265 10", 7, "write '>='"),
        ("budget \u2212 10 > 1", 7, "write '-'"),
    ],
)
def test_syntax_errors_point_at_the_right_character(source, offset, fragment):
    """Each syntax error has the offset of the character at fault and says what is wrong."""
    error = syntax_error(source)
    assert error.offset == offset, (error.offset, error.message)
    assert fragment in error.message
    assert error.message_nl and error.message_nl != error.message
    assert error.code == "expr-syntax"
    assert isinstance(error, SamenspelError) and isinstance(error, ValueError)


def test_no_break_spaces_count_as_spaces():
    """Spaces pasted from a word processor (no-break, thin) separate tokens like a space."""
    assert value("vertrouwen\u00a0>=\u2009 50") is True


def test_errors_survive_pickling():
    """An ExpressionError keeps every field through pickle (worker processes)."""
    import pickle

    error = pickle.loads(pickle.dumps(syntax_error("a = 1")))
    assert (error.offset, error.code, error.source) == (2, "expr-syntax", "a = 1")
    assert error.message_nl.startswith("'=' is geen vergelijking")


def test_syntax_error_becomes_an_issue():
    """diagnose() reports a syntax error as one expr-syntax issue at its offset."""
    issues = diagnose("budget >", SCOPE)
    assert [(i.code, i.offset) for i in issues] == [("expr-syntax", 8)]


def test_syntax_error_str_quotes_the_source_and_position():
    """str() of a syntax error names the expression and the 1-based character."""
    text = str(syntax_error("a = 1"))
    assert "'a = 1'" in text and "character 3" in text


def test_non_text_is_refused():
    """parse() of something that is not a scalar raises ExpressionError, not TypeError."""
    for bad in (None, ["a"], {"a": 1}, float("nan")):
        with pytest.raises(ExpressionError):
            parse(bad)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("scalar", "source", "root"),
    [
        (False, "false", Boolean(False)),
        (True, "true", Boolean(True)),
        (12, "12", Number(12)),
        (-2.5, "-2.5", Unary("-", Number(2.5))),
    ],
)
def test_yaml_scalars_read_as_literals(scalar, source, root):
    """YAML turns `consent: false` into a bool: it parses as the literal `false`."""
    expr = parse(scalar)  # type: ignore[arg-type]
    assert expr.source == source and expr.root == root


# --------------------------------------------------------------------------- safety


@pytest.mark.parametrize(
    "source",
    [
        "__import__('os')",
        "__import__('os').system('echo x')",
        "os.getcwd",
        "os.getcwd()",
        "budget.real",
        "().__class__",
        "budget[0]",
        "[1, 2]",
        "{'a': 1}",
        "lambda: 1",
        "budget if true else 1",
        "2 ** 10",
        "'a' % 1",
        "x @ y",
        "`ls`",
        "budget # comment",
    ],
)
def test_python_constructs_are_syntax_errors(source):
    """Imports, attribute access, subscripts and other Python syntax never parse."""
    with pytest.raises(ExpressionError):
        parse(source)


def test_calls_of_other_names_never_run(monkeypatch):
    """`exec('x')` parses as an unknown function: check reports it and compile refuses it."""

    def forbidden(*args, **kwargs):
        raise AssertionError("eval/exec must never be called")

    monkeypatch.setattr(builtins, "eval", forbidden)
    monkeypatch.setattr(builtins, "exec", forbidden)
    expr = parse("exec('import os') or eval('1')")
    assert codes("exec('import os') or eval('1')") == ["expr-unknown-function"] * 2
    with pytest.raises(ExpressionError) as info:
        compile(expr)
    assert info.value.code == "expr-unknown-function"
    assert value("knows(jeugdprofessional, opa) and budget > 1") is True


def test_deep_nesting_is_an_error_not_a_crash():
    """Absurd nesting and chains raise ExpressionError instead of RecursionError."""
    for source in (
        "(" * 500 + "1" + ")" * 500,
        "-" * 500 + "1",
        "not " * 500 + "true",
        "1" + " + 1" * 500,
        " and ".join(["true"] * 500),
    ):
        with pytest.raises(ExpressionError) as info:
            parse(source)
        assert "deeply" in info.value.message
    # A long but reasonable expression still parses and evaluates.
    assert value("1" + " + 1" * (MAX_DEPTH - 1)) == MAX_DEPTH


# --------------------------------------------------------------------------- checking


def test_sound_expressions_have_no_issues():
    """The guards of the example scenario check clean."""
    for source in (
        "knows(jeugdprofessional, opa) and vertrouwen >= 50",
        "shared(slaapdagboek) and toestemming",
        "not toestemming",
        "vertrouwen < 30",
        "chose(kennismaking, vraag_behoefte) or visited(samen_verder)",
        "consulted(verpleegkundige)",
        "budget * factor / 2 - -1 > 0.5",
    ):
        assert check(parse(source), SCOPE) == [], source


@pytest.mark.parametrize(
    ("source", "code", "offset", "fragment"),
    [
        ("vertrouwn > 3", "expr-unknown-name", 0, "did you mean 'vertrouwen'"),
        ("1 < budgett", "expr-unknown-name", 4, "did you mean 'budget'"),
        ("opa", "expr-unknown-name", 0, "shared(opa)"),
        ("leerkracht", "expr-unknown-name", 0, "consulted(leerkracht)"),
        ("plan", "expr-unknown-name", 0, "visited(plan)"),
        ("True", "expr-unknown-name", 0, "did you mean 'true'"),
        ("visted(plan)", "expr-unknown-function", 0, "did you mean 'visited'"),
        ("knows(opa)", "expr-arity", 0, "knows(role, card)"),
        ("shared()", "expr-arity", 0, "not 0"),
        ("knows(leerkrcht, opa)", "expr-unknown-role", 6, "did you mean 'leerkracht'"),
        ("consulted(jurist)", "expr-unknown-role", 10, "jurist"),
        ("shared(slaapdagboekje)", "expr-unknown-info", 7, "did you mean 'slaapdagboek'"),
        ("visited(pla)", "expr-unknown-scene", 8, "did you mean 'plan'"),
        ("chose(plan, samn)", "expr-unknown-choice", 12, "did you mean 'samen'"),
        ("chose(samen_verder, samen)", "expr-unknown-choice", 20, "samen_verder"),
        ("chose(nergens, samen)", "expr-unknown-scene", 6, "nergens"),
        ("budget and true", "expr-type", 0, "true/false"),
        ("true or 1", "expr-type", 8, "true/false"),
        ("not budget", "expr-type", 4, "true/false"),
        ("-toestemming > 1", "expr-type", 1, "a number"),
        ("'a' + 1 > 0", "expr-type", 0, "a number"),
        ("toestemming < 1", "expr-type", 0, "a number"),
        ("'a' < 2", "expr-type", 0, "a number"),
        ("'tekst' == 1", "expr-type", 8, "text"),
        ("toestemming == 1", "expr-type", 12, "true/false"),
        ("budget + 1", "expr-type", 0, "gives a number"),
        ("'tekst'", "expr-type", 0, "gives text"),
        ("  budget", "expr-type", 2, "gives a number"),
    ],
)
def test_every_issue_code(source, code, offset, fragment):
    """Each check finds its problem, points at it and says it (with a suggestion if close)."""
    issues = check(parse(source), SCOPE)
    assert [i.code for i in issues] == [code], issues
    assert issues[0].offset == offset
    assert fragment in issues[0].message
    assert issues[0].message_nl and issues[0].message_nl != issues[0].message


def test_dutch_message_with_suggestion():
    """The Dutch message reads the way the brief asks, with the close match."""
    (issue,) = check(parse("vertrouwn > 3"), SCOPE)
    assert issue.message_nl == "onbekende variabele 'vertrouwn' — bedoelde je 'vertrouwen'?"
    assert issue.text("nl") == issue.message_nl
    assert issue.text("en") == "unknown variable 'vertrouwn' (did you mean 'vertrouwen'?)"


def test_every_issue_is_reported_not_just_the_first():
    """Several problems in one expression are all reported, in source order."""
    issues = check(parse("vertrouwn > 3 and knows(jp, opaa) and visitd(plan) or 1"), SCOPE)
    assert [(i.code, i.offset) for i in issues] == [
        ("expr-unknown-name", 0),
        ("expr-unknown-role", 24),
        ("expr-unknown-info", 28),
        ("expr-unknown-function", 38),
        ("expr-type", 54),
    ]


def test_unknown_names_do_not_cascade_into_type_errors():
    """An unknown variable has no type, so it produces one issue, not a type error too."""
    assert codes("onbekend and 1 > onbekend2") == ["expr-unknown-name", "expr-unknown-name"]


@pytest.mark.parametrize(
    ("source", "expect", "expected_codes"),
    [
        ("budget + 1", None, []),
        ("budget + 1", int, []),
        ("budget + 1", float, []),
        ("toestemming", int, ["expr-type"]),
        ("'a'", str, []),
        ("true", None, []),
    ],
)
def test_expected_result_type(source, expect, expected_codes):
    """`expect` names the result type needed (None: any); int and float both mean number."""
    assert codes(source, expect=expect) == expected_codes


def test_scope_may_hold_values_instead_of_types():
    """A scope built from initial values (12000, False) checks like one built from types."""
    scope = Scope(variables={"budget": 12000, "toestemming": False})
    assert codes("budget > 1 and not toestemming", scope) == []
    assert codes("budget and toestemming", scope) == ["expr-type"]


def test_float_and_int_variables_are_both_numbers():
    """Int and float variables mix freely in arithmetic and comparisons."""
    assert codes("budget * factor > vertrouwen") == []


def test_issue_is_frozen_value():
    """Issues compare by value, so the loader can deduplicate and tests can compare them."""
    assert Issue("expr-type", "a", "b", 1) == Issue("expr-type", "a", "b", 1)


# --------------------------------------------------------------------------- run time


def test_division_by_zero_is_an_expression_error_quoting_the_source():
    """Dividing by zero at run time raises ExpressionError naming the expression."""
    guard = compile_source("budget / (vertrouwen - 50) > 1")
    with pytest.raises(ExpressionError) as info:
        guard(FakeContext(VARS))
    error = info.value
    assert error.code == "expr-runtime"
    assert "budget / (vertrouwen - 50) > 1" in error.message
    assert "delen door nul" in error.message_nl
    assert error.offset == 7
    assert guard(FakeContext({**VARS, "vertrouwen": 51})) is True


def test_missing_variable_at_run_time_is_an_expression_error():
    """A context without the variable gives a clear ExpressionError, not a KeyError."""
    with pytest.raises(ExpressionError) as info:
        compile_source("budget > 1")(FakeContext({}))
    assert "budget" in info.value.message


def test_wrong_type_at_run_time_is_an_expression_error():
    """An unchecked type error surfaces as ExpressionError with the source quoted."""
    with pytest.raises(ExpressionError) as info:
        compile_source("'a' + 1")(FakeContext({}))
    assert "'a' + 1" in info.value.message


def test_compile_source_is_cached():
    """The same text compiles once: the engine may call compile_source on every options()."""
    assert compile_source("vertrouwen > 10") is compile_source("vertrouwen > 10")


# --------------------------------------------------------------------------- analysis


def test_references_lists_variables_and_calls_in_order_without_repeats():
    """references() gives what the validator and scoring need for static analysis."""
    refs = references(parse(
        "budget > 1 and knows(jeugdprofessional, opa) and (shared(opa) or knows("
        "jeugdprofessional, opa)) and not toestemming"
    ))
    assert refs == References(
        variables=frozenset({"budget", "toestemming"}),
        calls=(("knows", ("jeugdprofessional", "opa")), ("shared", ("opa",))),
    )


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("1 + 2", 3),
        ("true and not false", True),
        ("false", False),
        ("1 < 0", False),
        ("budget > 1", None),
        ("shared(opa) or true", None),
        ("1 / 0 > 1", None),
    ],
)
def test_constant_value(source, expected):
    """Expressions without names or calls fold to their value; others (and failures) give None."""
    result = constant_value(parse(source))
    assert result == expected and type(result) is type(expected)


@pytest.mark.parametrize(
    "source",
    [
        "a + b * c",
        "(a + b) * c",
        "a - (b - c)",
        "a / (b * c)",
        "-(a + b)",
        "-a",
        "not (a and b)",
        "(not a) == b",
        "(a < b) == c",
        "a or b and c",
        "(a or b) and c",
        "knows(jeugdprofessional, opa)",
        "visited('and')",
        "'it''s'" if False else "\"it's\"",
        "1.5 + 0.0001",
    ],
)
def test_unparse_writes_minimal_parentheses_and_round_trips(source):
    """unparse() gives back the canonical text, which parses to the same tree."""
    expr = parse(source)
    assert unparse(expr) == source
    assert parse(unparse(expr)).root == expr.root


def test_expr_keeps_its_source():
    """An Expr keeps the author's own text (for messages and logs)."""
    expr = parse("budget>1")
    assert isinstance(expr, Expr) and str(expr) == "budget>1"
    assert expr.root == parse("(budget) > (1)").root


# --------------------------------------------------------------------------- properties

NUMBER_VARS = ("budget", "vertrouwen", "factor")
BOOL_VARS = ("toestemming", "gemeld")
IDS = ("jeugdprofessional", "opa", "plan", "samen", "and", "2e_kans")

numbers = st.one_of(
    st.integers(min_value=0, max_value=10**6).map(Number),
    # Decimals as a teacher writes them (literals are at most 40 characters long).
    st.integers(min_value=0, max_value=10**9).map(lambda n: Number(n / 1000)),
    st.sampled_from(NUMBER_VARS).map(Name),
)
calls = st.one_of(
    st.builds(lambda a, b: Call("knows", (Arg(a), Arg(b))), st.sampled_from(IDS),
              st.sampled_from(IDS)),
    st.builds(lambda a: Call("shared", (Arg(a),)), st.sampled_from(IDS)),
    st.builds(lambda a: Call("consulted", (Arg(a),)), st.sampled_from(IDS)),
    st.builds(lambda a: Call("visited", (Arg(a),)), st.sampled_from(IDS)),
    st.builds(lambda a, b: Call("chose", (Arg(a), Arg(b))), st.sampled_from(IDS),
              st.sampled_from(IDS)),
)
texts = st.text(alphabet="abc xyz'", max_size=5).map(Text)

# Nodes are built with tuples(...).map rather than builds(...): Hypothesis pretty-prints
# builds() calls recursively when it reports an example, which takes minutes on deep trees.
num_expr = st.deferred(
    lambda: st.one_of(
        numbers,
        st.tuples(st.just("-"), num_expr).map(lambda t: Unary(*t)),
        st.tuples(st.sampled_from(["+", "-", "*", "/"]), num_expr, num_expr)
        .map(lambda t: Binary(*t)),
    )
)
bool_expr = st.deferred(
    lambda: st.one_of(
        st.booleans().map(Boolean),
        st.sampled_from(BOOL_VARS).map(Name),
        calls,
        st.tuples(st.just("not"), bool_expr).map(lambda t: Unary(*t)),
        st.tuples(st.sampled_from(["and", "or"]), bool_expr, bool_expr)
        .map(lambda t: Binary(*t)),
        st.tuples(st.sampled_from(["==", "!=", "<", "<=", ">", ">="]), num_expr, num_expr)
        .map(lambda t: Binary(*t)),
        st.tuples(st.sampled_from(["==", "!="]), bool_expr, bool_expr)
        .map(lambda t: Binary(*t)),
        st.tuples(st.sampled_from(["==", "!="]), texts, texts).map(lambda t: Binary(*t)),
    )
)


def depth(node) -> int:
    """The depth of a tree."""
    if isinstance(node, Binary):
        return 1 + max(depth(node.left), depth(node.right))
    if isinstance(node, Unary):
        return 1 + depth(node.operand)
    return 1


def oracle(node, ctx):
    """A direct tree-walking evaluation, written independently of compile()."""
    if isinstance(node, (Number, Boolean, Text)):
        return node.value
    if isinstance(node, Name):
        return ctx.variables[node.name]
    if isinstance(node, Call):
        return bool(getattr(ctx, node.function)(*(a.id for a in node.args)))
    if isinstance(node, Unary):
        inner = oracle(node.operand, ctx)
        return (not inner) if node.op == "not" else -inner
    if node.op == "and":
        return oracle(node.left, ctx) and oracle(node.right, ctx)
    if node.op == "or":
        return oracle(node.left, ctx) or oracle(node.right, ctx)
    a, b = oracle(node.left, ctx), oracle(node.right, ctx)
    floaty = (isinstance(a, float) or isinstance(b, float)) and not isinstance(a, str)
    near = floaty and not isinstance(a, bool) and math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)
    match node.op:
        case "+":
            return a + b
        case "-":
            return a - b
        case "*":
            return a * b
        case "/":
            return a / b
        case "==":
            return near or a == b
        case "!=":
            return not (near or a == b)
        case "<":
            return a < b and not near
        case "<=":
            return a <= b or near
        case ">":
            return a > b and not near
        case ">=":
            return a >= b or near
    raise AssertionError(node.op)


def same_value(a, b) -> bool:
    """Equal values of equal type, counting NaN as equal to NaN."""
    if type(a) is not type(b):
        return False
    if isinstance(a, float) and math.isnan(a):
        return math.isnan(b)
    return a == b


contexts = st.builds(
    FakeContext,
    st.fixed_dictionaries({
        "budget": st.integers(-100, 10**6),
        "vertrouwen": st.integers(0, 100),
        "factor": st.floats(-10, 10, allow_nan=False),
        "toestemming": st.booleans(),
        "gemeld": st.booleans(),
    }),
    st.booleans(),
)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(tree=st.one_of(bool_expr, num_expr))
def test_printed_trees_parse_back_to_the_same_tree(tree):
    """Round trip: any well-formed tree printed as text parses back to an equal tree."""
    if depth(tree) > MAX_DEPTH:
        return
    text = unparse(tree)
    parsed = parse(text)
    assert parsed.root == tree
    assert unparse(parsed) == text  # int stays int and float stays float


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(tree=st.one_of(bool_expr, num_expr), ctx=contexts)
def test_compiled_trees_evaluate_like_the_tree(tree, ctx):
    """compile() gives the value a direct evaluation of the tree gives, or ExpressionError."""
    if depth(tree) > MAX_DEPTH:
        return
    expr = parse(unparse(tree))
    try:
        expected = oracle(tree, ctx)
    except (ZeroDivisionError, OverflowError):
        with pytest.raises(ExpressionError):
            compile(expr)(ctx)
        return
    assert same_value(compile(expr)(ctx), expected)


@settings(max_examples=200)
@given(tree=bool_expr)
def test_well_typed_trees_check_clean(tree):
    """A tree built only from well-typed parts has no type issues."""
    if depth(tree) > MAX_DEPTH:
        return
    scope = Scope(
        variables={"budget": int, "vertrouwen": int, "factor": float, "toestemming": bool,
                   "gemeld": bool},
        roles=IDS, infos=IDS, scenes=IDS, choices=dict.fromkeys(IDS, IDS),
    )
    assert check(parse(unparse(tree)), scope) == []


EXPRESSION_ALPHABET = "abnotrudefkw_ 0123456789.()+-*/<>=!,'\"&|[]{}:;é\t\n"


@settings(max_examples=500)
@given(source=st.one_of(st.text(), st.text(alphabet=EXPRESSION_ALPHABET, max_size=40)))
def test_garbage_only_ever_raises_expression_error(source):
    """Random text either parses (and then checks and prints) or raises ExpressionError."""
    try:
        expr = parse(source)
    except ExpressionError as error:
        assert 0 <= error.offset <= len(source)
        assert error.message and error.message_nl
        return
    issues = check(expr, SCOPE, expect=None)
    assert all(isinstance(issue, Issue) for issue in issues)
    assert parse(unparse(expr)).root == expr.root
    references(expr)
    constant_value(expr)

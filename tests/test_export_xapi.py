"""Tests for game.export.xapi: statements valid against the xAPI 1.0.3 statement schema."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import jsonschema
import pytest

from game.export.logs import find_scenario, read_team_logs
from game.export.summary import numbers
from game.export.xapi import ADL, statements, write_xapi

HERE = Path(__file__).parent
LOGS = HERE / "data" / "logs"
SCHEMA = json.loads((HERE / "schemas" / "xapi-statement.schema.json").read_text(encoding="utf-8"))
VALIDATOR = jsonschema.Draft7Validator(SCHEMA)


@pytest.fixture(scope="module")
def logs():
    """All golden logs of the keukentafel class (the truncated one included)."""
    return read_team_logs(sorted(LOGS.glob("keukentafel_*.jsonl")))


@pytest.fixture(scope="module")
def scenario(logs):
    """The scenario of the golden logs."""
    return find_scenario(logs[0])


def test_the_schema_itself_is_a_valid_draft7_schema():
    """The hand-written schema is well-formed, so the validity test means something."""
    jsonschema.Draft7Validator.check_schema(SCHEMA)


def test_the_schema_rejects_what_the_spec_forbids():
    """Two identifiers, a scaled score above 1, a non-UUID registration: all invalid."""
    base = {
        "actor": {"account": {"homePage": "https://x.example/", "name": "a"}},
        "verb": {"id": ADL + "completed"},
        "object": {"id": "https://x.example/act"},
    }
    assert VALIDATOR.is_valid(base)
    two_ifis = json.loads(json.dumps(base))
    two_ifis["actor"]["mbox"] = "mailto:a@x.example"
    assert not VALIDATOR.is_valid(two_ifis)
    assert not VALIDATOR.is_valid({**base, "result": {"score": {"scaled": 1.5}}})
    assert not VALIDATOR.is_valid({**base, "context": {"registration": "team-1"}})


def test_every_statement_of_every_golden_log_is_schema_valid(logs, scenario):
    """All statements validate against tests/schemas/xapi-statement.schema.json."""
    data = statements(logs, scenario)
    assert data
    for statement in data:
        errors = sorted(VALIDATOR.iter_errors(statement), key=str)
        assert not errors, (statement["verb"]["id"], [e.message for e in errors][:3])


def test_statements_are_valid_without_a_scenario_too(logs):
    """From events alone (the window's debrief without a scenario) still schema-valid."""
    for statement in statements(list(logs[0].events)):
        assert VALIDATOR.is_valid(statement)


def test_registration_is_the_session_uuid_and_ids_are_stable(logs, scenario):
    """Every statement of a team carries its session UUID; exporting twice gives the same ids."""
    team = logs[0]
    first = statements(team, scenario)
    again = statements(team, scenario)
    assert [s["id"] for s in first] == [s["id"] for s in again]
    assert len({s["id"] for s in first}) == len(first)
    assert {s["context"]["registration"] for s in first} == {team.session_id}
    uuid.UUID(team.session_id)


def test_verbs_come_from_the_adl_vocabulary(logs, scenario):
    """initialized, experienced, asked, shared, responded, answered and completed all occur."""
    used = {s["verb"]["id"] for s in statements(logs, scenario)}
    expected = {"initialized", "experienced", "asked", "shared", "responded", "answered",
                "completed"}
    assert used == {ADL + v for v in expected}


def test_completed_carries_the_cooperation_index_scaled(logs, scenario):
    """`completed` per player: result.score.scaled = index / 100, success from the outcome."""
    team = next(t for t in logs if t.path.name == "keukentafel_team1.jsonl")
    index = numbers(team.events, scenario).index_value
    done = [s for s in statements(team, scenario) if s["verb"]["id"] == ADL + "completed"]
    assert len(done) == len(team.players)
    for s in done:
        assert s["result"]["score"]["scaled"] == pytest.approx(index / 100)
        assert s["result"]["success"] is True and s["result"]["completion"] is True


def test_role_and_academy_are_context_extensions_and_the_team_a_group(logs, scenario):
    """A player's move names its role and academy; the team is context.team (a Group)."""
    team = logs[0]
    share = next(s for s in statements(team, scenario) if s["verb"]["id"] == ADL + "shared")
    ext = share["context"]["extensions"]
    assert any(k.endswith("/role") and v == "verpleegkundige" for k, v in ext.items())
    assert any(k.endswith("/academy") and v == "gezondheidszorg" for k, v in ext.items())
    group = share["context"]["team"]
    assert group["objectType"] == "Group" and len(group["member"]) == 3
    assert share["actor"]["name"] == "Brecht Van Aelst"


def test_pseudonymized_actors_have_no_names(logs, scenario, tmp_path):
    """With pseudonyms the actor names are Speler n; the account never holds a name."""
    out = tmp_path / "x.json"
    count = write_xapi(logs[0], out, scenario, pseudonymize=True)
    data = json.loads(out.read_text(encoding="utf-8"))
    assert count == len(data)
    names = {s["actor"].get("name") for s in data if s["actor"]["objectType"] == "Agent"}
    assert names <= {"Speler 1", "Speler 2", "Speler 3"}
    assert "Zoë" not in out.read_text(encoding="utf-8")


def _many_sessions(scenario, n=40):
    """Seeded random sessions of the golden scenario, played to their end (votes, consensus,
    shares), as event lists: the class in which 29 of 546 `answered` had an anonymous actor."""
    import random

    from game.engine.session import Session

    teams = []
    for seed in range(n):
        rng = random.Random(seed)
        session = Session(scenario, seed=seed, clock=lambda: 0.0)
        while not session.finished:
            waiting = session.waiting_for()
            if session.scene.is_narration:
                session.proceed()
                continue
            role = rng.choice(waiting)
            session.choose(role, rng.choice(session.options(role)).id)
        teams.append(list(session.events))
    return teams


def test_every_actor_and_team_is_identified_on_the_home_page(logs, scenario):
    """Every actor (Agent or Group) has an account on the configured home page, and every
    statement whose actor is not the team names the team in `context.team`; a decision by
    several roles is the team's, with the deciders in a result extension. Still schema-valid."""
    home = "https://hogeschool.example.nl/"
    data = statements(logs, scenario, home_page=home)
    for events in _many_sessions(scenario):
        data += statements(events, scenario, home_page=home)
    answered = [s for s in data if s["verb"]["id"].endswith("answered")]
    by_team = [s for s in answered if s["actor"]["objectType"] == "Group"]
    assert by_team, "no decision by several roles was exported"
    for statement in data:
        actor = statement["actor"]
        assert actor["account"]["homePage"] == home, statement["verb"]["id"]
        if actor.get("objectType") == "Group":
            assert actor["account"]["name"].endswith("/team")
        else:
            assert statement["context"]["team"]["account"]["homePage"] == home
        assert VALIDATOR.is_valid(statement)
    for statement in by_team:
        deciders = [v for k, v in statement["result"]["extensions"].items()
                    if k.endswith("/deciders")]
        assert deciders and len(deciders[0]) > 1


def test_the_home_page_is_a_command_line_flag(tmp_path, capsys):
    """`--xapi-home` sets the accounts' home page; without it the placeholder is named."""
    from game.cli import main

    out = tmp_path / "x.json"
    team = str(LOGS / "keukentafel_team1.jsonl")
    assert main(["debrief", team, "-o", str(tmp_path / "r.html"), "--xapi", str(out),
                 "--xapi-home", "https://hogeschool.example.nl"]) == 0
    homes = {s["actor"]["account"]["homePage"] for s in json.loads(out.read_text("utf-8"))}
    assert homes == {"https://hogeschool.example.nl"}
    assert "voorbeeldhomepage" not in capsys.readouterr().err
    assert main(["debrief", team, "-o", str(tmp_path / "r.html"), "--xapi", str(out)]) == 0
    assert "--xapi-home" in capsys.readouterr().err

"""Tests for game.export.pseudonym: no real name survives in any output."""

from __future__ import annotations

import json
from pathlib import Path

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from game.cli import main
from game.export.logs import find_scenario, read_team_log
from game.export.pseudonym import name_map, pseudonymize, pseudonyms, scrub
from game.export.report import write_csv, write_report, write_xapi

LOGS = Path(__file__).parent / "data" / "logs"
TEAM1 = LOGS / "keukentafel_team1.jsonl"
NAMES = ["Zoë Janssen", "Mehmet Yıldız", "Brecht Van Aelst"]
PARTS = ["Zoë", "Janssen", "Mehmet", "Yıldız", "Brecht", "Aelst"]


def test_pseudonyms_follow_the_scenario_role_order():
    """Speler 1..n in role declaration order, whatever order the log lists the players in."""
    players = [{"role": "b", "name": "Bo"}, {"role": "a", "name": "Ab"}]
    assert pseudonyms(players, ["a", "b"]) == {"a": "Speler 1", "b": "Speler 2"}
    assert pseudonyms(players, ["a", "b"], "en") == {"a": "Player 1", "b": "Player 2"}
    assert name_map(players, ["a", "b"]) == {"Ab": "Speler 1", "Bo": "Speler 2"}


def test_scrub_replaces_whole_names_in_any_case_and_leaves_other_words():
    """'Mo' is replaced as a word but 'Moeder' is left alone; nested values are scrubbed."""
    mapping = {"Mo": "Speler 4"}
    assert scrub("mo en Mo zeggen: Moeder", mapping) == "Speler 4 en Speler 4 zeggen: Moeder"
    assert scrub({"a": ["Mo"], "b": 3}, mapping) == {"a": ["Speler 4"], "b": 3}


def test_pseudonymize_is_stable_and_marks_the_log():
    """Two runs give identical events; the players carry pseudonyms; the log is marked."""
    team = read_team_log(TEAM1)
    order = ["jeugdprofessional", "leerkracht", "verpleegkundige"]
    a, b = pseudonymize(team, order), pseudonymize(team, order)
    assert a.events == b.events and a.pseudonymized
    assert [p["name"] for p in a.players] == ["Speler 1", "Speler 2", "Speler 3"]


@pytest.fixture()
def leaky_scenario():
    """Keukentafel whose ending text interpolates a player name (free text in the report)."""
    scenario = find_scenario(read_team_log(TEAM1))
    ending = scenario.endings["samen_verder"]
    endings = dict(scenario.endings)
    endings["samen_verder"] = attrs.evolve(
        ending, text="{player:jeugdprofessional} en {player:leerkracht} maken een plan."
    )
    return attrs.evolve(scenario, endings=endings)


def test_no_name_appears_in_any_output(tmp_path, leaky_scenario):
    """Report, CSV (plain and Excel) and xAPI of a pseudonymised log hold none of the names.

    The log also carries a name in free text (a forked_from path) and the ending text
    interpolates player names; neither may leak.
    """
    lines = TEAM1.read_text(encoding="utf-8").splitlines()
    first = json.loads(lines[0])
    first["forked_from"] = {"path": "/klas/Zoë Janssen/oud.jsonl", "seq": 3}
    log = tmp_path / "t.jsonl"
    log.write_text("\n".join([json.dumps(first), *lines[1:]]) + "\n", encoding="utf-8")
    team = read_team_log(log)
    outputs = {
        "report.html": lambda p: write_report(team, p, leaky_scenario, pseudonymize=True),
        "en.html": lambda p: write_report(team, p, leaky_scenario, pseudonymize=True, lang="en"),
        "t.csv": lambda p: write_csv(team, p, leaky_scenario, pseudonymize=True),
        "x.csv": lambda p: write_csv(team, p, leaky_scenario, pseudonymize=True, excel_nl=True),
        "x.json": lambda p: write_xapi(team, p, leaky_scenario, pseudonymize=True),
    }
    for name, write in outputs.items():
        write(tmp_path / name)
        text = (tmp_path / name).read_text(encoding="utf-8-sig")
        for part in PARTS:
            assert part not in text, (name, part)
    report = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert "Speler 1 en Speler 2 maken een plan." in report
    assert "t.jsonl" not in report  # the file name is left out too
    # Without pseudonymisation the names are there (the test above could not pass by accident).
    write_report(team, tmp_path / "plain.html", leaky_scenario)
    assert "Zoë Janssen en Mehmet Yıldız maken een plan." in (tmp_path / "plain.html").read_text(
        encoding="utf-8"
    )


def test_cli_pseudonymizes_every_output_of_a_class(tmp_path):
    """`samenspel debrief --pseudonymize` over the whole class leaks no name anywhere."""
    logs = [str(LOGS / f"keukentafel_team{i}.jsonl") for i in (1, 2, 3)]
    out = tmp_path / "klas.html"
    code = main(["debrief", *logs, "-o", str(out), "--csv", str(tmp_path / "k.csv"),
                 "--xapi", str(tmp_path / "k.json"), "--pseudonymize"])
    assert code == 0
    every_name = PARTS + ["Femke", "Oosterhuis", "Kwame", "Mensah", "Ilse", "Verbruggen",
                          "Noor", "Amrani", "Pieter-Jan", "Dekker", "Sanne", "Wijnaldum"]
    for path in (out, tmp_path / "k.csv", tmp_path / "k.json"):
        text = path.read_text(encoding="utf-8")
        for part in every_name:
            assert part not in text, (path.name, part)


NAME = st.text(
    alphabet=st.characters(
        categories=("Lu", "Ll", "Lt", "Lm", "Lo", "Nd", "Pd", "Po", "Ps", "Pe", "Zs")
    ),
    min_size=1,
    max_size=12,
).map(lambda s: "Zq" + s.strip())


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(names=st.lists(NAME, min_size=3, max_size=3, unique=True))
def test_any_names_disappear_from_every_output(tmp_path, names):
    """Whatever the names (accents, scripts, punctuation, spaces), none survives pseudonymising,
    and the outputs are still produced."""
    lines = TEAM1.read_text(encoding="utf-8").splitlines()
    first = json.loads(lines[0])
    for player, name in zip(first["players"], names):
        player["name"] = name
    first["note"] = f"gespeeld door {names[0]} en {names[1].upper()}"
    log = tmp_path / "h.jsonl"
    log.write_text("\n".join([json.dumps(first), *lines[1:]]) + "\n", encoding="utf-8")
    team = read_team_log(log)
    scenario = find_scenario(read_team_log(TEAM1))
    write_csv(team, tmp_path / "h.csv", scenario, pseudonymize=True)
    write_xapi(team, tmp_path / "h.json", scenario, pseudonymize=True)
    write_report(team, tmp_path / "h.html", scenario, pseudonymize=True)
    hidden = pseudonymize(team, tuple(scenario.roles))
    for path in ("h.csv", "h.json", "h.html"):
        text = (tmp_path / path).read_text(encoding="utf-8")
        for name in names:
            assert name not in text and json.dumps(name)[1:-1] not in text, (path, name)
    assert names[0] not in json.dumps(hidden.events, ensure_ascii=False)


def _identities(team, pseudonymize_it: bool):
    """What an LRS or a spreadsheet identifies a session by, in one export."""
    from game.export.csv import rows
    from game.export.xapi import statements

    scenario = find_scenario(read_team_log(TEAM1))
    found = statements(team, scenario, pseudonymize=pseudonymize_it)
    accounts = {json.dumps(s["actor"].get("account"), sort_keys=True) for s in found}
    return {
        "registration": {s["context"]["registration"] for s in found},
        "ids": [s["id"] for s in found],
        "accounts": accounts,
        "csv": {r["session_id"] for r in rows(team, scenario, pseudonymize=pseudonymize_it)},
    }


def test_pseudonymising_keeps_the_sessions_identity(tmp_path):
    """Plain and pseudonymised exports of one session are one session: the same registration,
    CSV session_id, actor accounts and statement ids; for an old log without a session id
    (derived from fields without names) and for a session the engine writes now (a random
    `session_id` in session_started). Before, every one of them differed."""
    from game.engine.session import Session
    from game.scenario.loader import load_scenario

    new_log = tmp_path / "nieuw.jsonl"
    session = Session(load_scenario(LOGS / "keukentafel.yaml"), log=new_log,
                      players={"jeugdprofessional": "Zoë Janssen", "leerkracht": "Mehmet"})
    session.close()
    assert "session_id" in json.loads(new_log.read_text(encoding="utf-8").splitlines()[0])
    for path in (TEAM1, new_log):
        team = read_team_log(path)
        plain, pseudo = _identities(team, False), _identities(team, True)
        assert plain == pseudo
        assert plain["registration"] == plain["csv"] == {team.session_id}

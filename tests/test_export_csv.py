"""Tests for game.export.csv: one row per event, documented columns, Dutch Excel variant."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from game.export.csv import COLUMNS, rows, to_csv, write_csv
from game.export.logs import find_scenario, read_team_log, read_team_logs

LOGS = Path(__file__).parent / "data" / "logs"


@pytest.fixture(scope="module")
def team2():
    """The golden log with a breach and a timer expiry."""
    return read_team_log(LOGS / "keukentafel_team2.jsonl")


@pytest.fixture(scope="module")
def scenario(team2):
    """The keukentafel scenario the golden logs played."""
    return find_scenario(team2)


def _parse(text: str, delimiter: str = ",") -> list[dict]:
    return list(csv.DictReader(io.StringIO(text.lstrip("\ufeff")), delimiter=delimiter))


def test_one_row_per_event_with_the_documented_header(team2, scenario, tmp_path):
    """The file has the COLUMNS header and exactly as many data rows as the log has events."""
    out = tmp_path / "t.csv"
    count = write_csv(team2, out, scenario)
    parsed = _parse(out.read_text(encoding="utf-8"))
    assert count == len(team2.events) == len(parsed)
    assert list(parsed[0]) == list(COLUMNS)
    assert [int(r["seq"]) for r in parsed] == [e["seq"] for e in team2.events]
    assert [r["type"] for r in parsed] == [e["type"] for e in team2.events]


def test_columns_are_documented_in_the_debriefing_guide():
    """Every CSV column is explained in docs/debriefing.md."""
    guide = (Path(__file__).parents[1] / "docs" / "debriefing.md").read_text(encoding="utf-8")
    for column in COLUMNS:
        assert f"`{column}`" in guide, column


def test_breach_and_timer_are_flagged(team2, scenario):
    """The share without consent has breach=1 and consent=0; the timer expiry is its own row."""
    data = rows(team2, scenario)
    shares = [r for r in data if r["type"] == "info_shared"]
    assert shares and shares[0]["breach"] == "1" and shares[0]["consent"] == "0"
    assert shares[0]["info_title"] == "Slaapdagboek"
    assert any(r["type"] == "timer_expired" and r["scene"] == "plan" for r in data)


def test_choice_rows_carry_text_changes_and_points(scenario):
    """A choice row names the deciders, the choice text, and JSON changes and points."""
    team1 = read_team_log(LOGS / "keukentafel_team1.jsonl")
    first = next(r for r in rows(team1, scenario) if r["type"] == "choice_made")
    assert first["roles"] == "jeugdprofessional" and first["players"] == "Zoë Janssen"
    assert first["choice"] == "vraag_behoefte"
    assert json.loads(first["changes"]) == {"vertrouwen": [50, 60]}
    assert json.loads(first["points"]) == {"regie_gezin": 2}


def test_excel_nl_uses_semicolons_bom_and_decimal_commas(team2, scenario):
    """Dutch Excel: UTF-8 BOM first, `;` between fields, 12,5 rather than 12.5."""
    text = to_csv(team2, scenario, excel_nl=True)
    assert text.startswith("\ufeffteam;session_id;seq;")
    parsed = _parse(text, ";")
    assert len(parsed) == len(team2.events)
    assert all("." not in r["elapsed_s"] for r in parsed)
    assert any("," in r["elapsed_s"] for r in parsed)
    plain = to_csv(team2, scenario)
    assert not plain.startswith("\ufeff")


def test_class_csv_has_the_rows_of_every_team_told_apart():
    """Several logs: rows == all events together, with team label and session id per row."""
    logs = read_team_logs([LOGS / f"keukentafel_team{i}.jsonl" for i in (1, 2, 3)])
    scenario = find_scenario(logs[0])
    parsed = _parse(to_csv(logs, scenario))
    assert len(parsed) == sum(len(t.events) for t in logs)
    assert {r["team"] for r in parsed} == {"Team 1", "Team 2", "Team 3"}
    assert len({r["session_id"] for r in parsed}) == 3


def test_plain_event_list_from_the_window_works_without_a_scenario(team2):
    """The window can pass `session.events`; without a scenario ids stand in for titles."""
    data = rows(list(team2.events))
    assert len(data) == len(team2.events)
    assert data[1]["scene_title"] == data[1]["scene"] == "kennismaking"


@pytest.mark.parametrize("excel_nl", [False, True])
def test_cells_that_start_like_a_formula_are_neutralised(scenario, tmp_path, excel_nl):
    """A player named `=HYPERLINK(...)` (and names starting with +, -, @, tab or CR) is written
    as text with a `'` in front, in every column it reaches; read back, no cell starts like a
    formula. The window's save button writes the Excel variant by default."""
    from game.engine.session import Session

    names = {"jeugdprofessional": '=HYPERLINK("http://example.invalid/x","klik")',
             "leerkracht": "+31 6 1234", "verpleegkundige": "@SUM(A1)"}
    session = Session(scenario, players=names, log=tmp_path / "s.jsonl")
    session.consult("jeugdprofessional", "leerkracht")
    session.close()
    names["verpleegkundige"] = "@SUM(A1)"
    events = [dict(e) for e in session.events]
    events[1] = {**events[1], "scene": "-1+1", "via": "\tx"}
    path = tmp_path / "s.csv"
    write_csv(events, path, scenario, excel_nl=excel_nl)
    text = path.read_text(encoding="utf-8-sig")
    cells = [c for row in csv.reader(io.StringIO(text), delimiter=";" if excel_nl else ",")
             for c in row]
    assert not [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")]
    assert "'=HYPERLINK(\"http://example.invalid/x\",\"klik\")" in cells
    assert "'-1+1" in cells
    assert [c for c in cells if "@SUM" in c] == [c for c in cells if c.startswith("'@SUM")]

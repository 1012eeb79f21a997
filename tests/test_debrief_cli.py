"""Tests for `samenspel debrief`: exit codes, messages, outputs and defaults."""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from game.cli import main

LOGS = Path(__file__).parent / "data" / "logs"
TEAMS = [str(LOGS / f"keukentafel_team{i}.jsonl") for i in (1, 2, 3)]


def test_one_log_gives_a_team_report_next_to_it_by_default(tmp_path, capsys):
    """Without -o the report is written beside the log as <log>-rapport.html; exit 0."""
    shutil.copy(TEAMS[0], tmp_path / "team1.jsonl")
    shutil.copy(LOGS / "keukentafel.yaml", tmp_path / "keukentafel.yaml")
    assert main(["debrief", str(tmp_path / "team1.jsonl")]) == 0
    report = tmp_path / "team1-rapport.html"
    assert report.is_file() and 'id="timeline"' in report.read_text(encoding="utf-8")
    assert "Rapport geschreven" in capsys.readouterr().out


def test_class_with_csv_and_xapi(tmp_path, capsys):
    """Several logs: a class report, a CSV with every event, an xAPI array; exit 0."""
    out, table, xapi = tmp_path / "klas.html", tmp_path / "klas.csv", tmp_path / "klas.json"
    code = main(["debrief", *TEAMS, "-o", str(out), "--csv", str(table), "--xapi", str(xapi)])
    assert code == 0
    assert 'id="divergence"' in out.read_text(encoding="utf-8")
    with table.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    events = sum(len(Path(p).read_text(encoding="utf-8").splitlines()) for p in TEAMS)
    assert len(rows) == events
    assert isinstance(json.loads(xapi.read_text(encoding="utf-8")), list)
    printed = capsys.readouterr().out
    assert f"({events} regels)" in printed


def test_excel_nl_flag_reaches_the_csv(tmp_path):
    """--excel-nl writes the BOM and semicolons."""
    table = tmp_path / "k.csv"
    assert main(["debrief", TEAMS[1], "-o", str(tmp_path / "r.html"), "--csv", str(table),
                 "--excel-nl"]) == 0
    assert table.read_bytes().startswith(b"\xef\xbb\xbfteam;")


def test_truncated_log_still_reports_with_a_warning(tmp_path, capsys):
    """A truncated last line: warning on stderr naming file and line, report written, exit 0."""
    out = tmp_path / "r.html"
    code = main(["debrief", str(LOGS / "keukentafel_team1_truncated.jsonl"), "-o", str(out)])
    assert code == 0 and out.is_file()
    err = capsys.readouterr().err
    assert "waarschuwing:" in err and "keukentafel_team1_truncated.jsonl:20" in err


def test_unreadable_log_exits_1_saying_what_and_where(tmp_path, capsys):
    """A damaged line in the middle: exit 1, the message names the file and line, no traceback."""
    lines = Path(TEAMS[0]).read_text(encoding="utf-8").splitlines()
    lines[5] = "kapot"
    bad = tmp_path / "kapot.jsonl"
    bad.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert main(["debrief", str(bad), "-o", str(tmp_path / "r.html")]) == 1
    err = capsys.readouterr().err
    assert err.startswith("fout:") and "kapot.jsonl:6" in err and "Traceback" not in err
    assert not (tmp_path / "r.html").exists()


def test_missing_log_exits_1(tmp_path, capsys):
    """A path that does not exist: exit 1 with the path in the message."""
    assert main(["debrief", str(tmp_path / "weg.jsonl")]) == 1
    assert "weg.jsonl" in capsys.readouterr().err


def test_logs_of_different_scenarios_exit_1_naming_them(tmp_path, capsys):
    """Mixed scenarios: exit 1, each file named with its scenario id."""
    lines = Path(TEAMS[0]).read_text(encoding="utf-8").splitlines()
    first = json.loads(lines[0])
    first["scenario_id"] = "vechtscheiding"
    other = tmp_path / "ander.jsonl"
    other.write_text("\n".join([json.dumps(first), *lines[1:]]) + "\n", encoding="utf-8")
    assert main(["debrief", TEAMS[0], str(other), "-o", str(tmp_path / "r.html")]) == 1
    err = capsys.readouterr().err
    assert "ander.jsonl (vechtscheiding)" in err and "keukentafel_team1.jsonl (keukentafel)" in err


def test_explicit_scenario_and_english(tmp_path, capsys):
    """--scenario FILE is used; --lang en gives English messages and report."""
    shutil.copy(TEAMS[2], tmp_path / "t.jsonl")
    out = tmp_path / "r.html"
    code = main(["debrief", str(tmp_path / "t.jsonl"), "-o", str(out), "--lang", "en",
                 "--scenario", str(LOGS / "keukentafel.yaml")])
    assert code == 0
    assert "Report written" in capsys.readouterr().out
    assert "Cooperation index" in out.read_text(encoding="utf-8")


def test_runs_as_a_module_without_a_display(tmp_path):
    """`python -m game debrief` works in a subprocess and never imports pygame."""
    out = tmp_path / "r.html"
    code = (
        "import sys, game.cli; rc = game.cli.main(sys.argv[1:]); "
        "assert 'pygame' not in sys.modules; sys.exit(rc)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, "debrief", TEAMS[0], "-o", str(out)],
        capture_output=True, text=True, timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert out.is_file()


def test_scenario_option_with_another_scenario_exits_1(tmp_path, capsys):
    """--scenario naming another case: exit 1 with both ids; a broken one: its problems."""
    other = sorted((Path(__file__).parents[1] / "scenarios").glob("*.yaml"))[0]
    assert main(["debrief", TEAMS[0], "-o", str(tmp_path / "r.html"),
                 "--scenario", str(other)]) == 1
    err = capsys.readouterr().err
    assert "'keukentafel'" in err and other.name in err
    broken = tmp_path / "kapot.yaml"
    broken.write_text("format: 1\nid: keukentafel\n", encoding="utf-8")
    assert main(["debrief", TEAMS[0], "-o", str(tmp_path / "r.html"),
                 "--scenario", str(broken)]) == 1
    assert "kapot.yaml:" in capsys.readouterr().err
    assert main(["debrief", TEAMS[0], "--scenario", str(tmp_path / "weg.yaml")]) == 1
    assert "weg.yaml" in capsys.readouterr().err


def test_same_session_twice_counts_once_with_a_warning(tmp_path, capsys):
    """A copied log is the same session: one team, and a warning naming both files."""
    shutil.copy(TEAMS[0], tmp_path / "kopie.jsonl")
    out = tmp_path / "k.html"
    assert main(["debrief", TEAMS[0], str(tmp_path / "kopie.jsonl"), TEAMS[1], "-o", str(out)]) == 0
    err = capsys.readouterr().err
    assert "kopie.jsonl is dezelfde sessie als" in err
    html = out.read_text(encoding="utf-8")
    assert "Team 2" in html and "Team 3" not in html


def test_edited_scenario_is_used_with_a_warning(tmp_path, capsys):
    """Only a changed copy of the scenario beside the log: used, with a warning that it changed."""
    shutil.copy(TEAMS[0], tmp_path / "t.jsonl")
    text = (LOGS / "keukentafel.yaml").read_text(encoding="utf-8")
    (tmp_path / "keukentafel.yaml").write_text(text + "\n# aangepast\n", encoding="utf-8")
    lines = (tmp_path / "t.jsonl").read_text(encoding="utf-8").splitlines()
    first = json.loads(lines[0])
    first["scenario_path"] = None
    (tmp_path / "t.jsonl").write_text("\n".join([json.dumps(first), *lines[1:]]) + "\n",
                                      encoding="utf-8")
    assert main(["debrief", str(tmp_path / "t.jsonl"), "-o", str(tmp_path / "r.html")]) == 0
    assert "het scenario is gewijzigd" in capsys.readouterr().err


def test_hand_edited_log_and_a_device_exit_1_without_traceback(tmp_path, capsys):
    """`"players": "Sara"` (an AttributeError deep in the engine before) and /dev/zero (a
    MemoryError before) both end in exit 1 and a message naming the file."""
    lines = Path(TEAMS[0]).read_text(encoding="utf-8").splitlines()
    lines[0] = json.dumps({**json.loads(lines[0]), "players": "Sara"})
    bad = tmp_path / "bewerkt.jsonl"
    bad.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert main(["debrief", str(bad), "-o", str(tmp_path / "r.html")]) == 1
    err = capsys.readouterr().err
    assert "bewerkt.jsonl:1:" in err and "players" in err and "Traceback" not in err
    assert main(["debrief", "/dev/zero", "-o", str(tmp_path / "r.html")]) == 1
    assert "/dev/zero: dit is geen gewoon bestand" in capsys.readouterr().err


@pytest.mark.timeout(120)
def test_a_log_naming_a_device_or_a_pipe_as_its_scenario_is_not_read(tmp_path, capsys):
    """`scenario_path` is whatever the log says: /dev/zero (a MemoryError before) or a named
    pipe (a hang) is passed over like a missing file; with no scenario found the command
    exits 1 saying so."""
    import os

    fifo = tmp_path / "pijp.yaml"
    os.mkfifo(fifo)
    lines = Path(TEAMS[0]).read_text(encoding="utf-8").splitlines()
    for named in ("/dev/zero", str(fifo)):
        first = {**json.loads(lines[0]), "scenario_path": named}
        log = tmp_path / "ander" / "team.jsonl"
        log.parent.mkdir(exist_ok=True)
        log.write_text("\n".join([json.dumps(first), *lines[1:]]) + "\n", encoding="utf-8")
        assert main(["debrief", str(log), "-o", str(tmp_path / "r.html")]) == 1
        assert "keukentafel" in capsys.readouterr().err

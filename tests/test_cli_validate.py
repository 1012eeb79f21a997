"""Tests for `samenspel validate` (game/commands/validate.py): output, exit codes, languages."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from game.cli import main
from game.commands.validate import summary

ROOT = Path(__file__).parent.parent
VALID = Path(__file__).parent / "data" / "valid"
INVALID = Path(__file__).parent / "data" / "invalid"
KEUKENTAFEL = VALID / "keukentafel.yaml"


def run(capsys, *argv: str) -> tuple[int, str, str]:
    """Run the CLI in-process; exit code, stdout, stderr."""
    try:
        code = main(list(argv))
    except SystemExit as exc:  # argparse usage errors
        code = exc.code
    out, err = capsys.readouterr()
    return code, out, err


def test_clean_file_exits_0_with_dutch_summary(capsys):
    """A clean file: exit 0 and the Dutch summary with correct singular 'bestand'."""
    code, out, _ = run(capsys, "validate", str(KEUKENTAFEL))
    assert code == 0
    assert out.strip() == "0 fouten, 0 waarschuwingen in 1 bestand"


def test_errors_exit_1_with_location_caret_and_hint(capsys):
    """An error prints path:line:col: error:, the source line, a caret and the hint."""
    path = INVALID / "unknown-scene.yaml"
    code, out, _ = run(capsys, "validate", str(path))
    assert code == 1
    lines = out.splitlines()
    first = next(i for i, line in enumerate(lines) if ": error: " in line)
    assert lines[first].startswith(f"{path}:22:15: error: 'eindee' in keuze 1 van scène 'begin'")
    assert lines[first + 1].strip().startswith("22 |") and "goto: eindee" in lines[first + 1]
    caret = lines[first + 2]
    assert caret.index("^") == lines[first + 1].index("eindee")
    assert lines[first + 3].strip() == "= tip: bedoel je 'einde'?"
    assert lines[-1] == "1 fout, 2 waarschuwingen in 1 bestand"


def test_english_messages_and_summary(capsys):
    """--lang en gives English messages and the English summary; error:/warning: stay."""
    code, out, _ = run(capsys, "validate", "--lang", "en", str(INVALID / "unknown-academy.yaml"))
    assert code == 0
    assert ": warning: unknown academy 'techniek'" in out
    assert out.splitlines()[-1] == "0 errors, 1 warning in 1 file"


def test_global_lang_option_is_honoured(capsys):
    """`samenspel --lang en validate ...` works as well as the subcommand's own --lang."""
    code, out, _ = run(capsys, "--lang", "en", "validate", str(KEUKENTAFEL))
    assert code == 0 and out.strip() == "0 errors, 0 warnings in 1 file"


def test_strict_turns_warnings_into_failure(capsys):
    """Warnings alone exit 0, but 1 with --strict."""
    path = str(INVALID / "role-never-acts.yaml")
    assert run(capsys, "validate", path)[0] == 0
    assert run(capsys, "validate", "--strict", path)[0] == 1


def test_json_output_is_a_list_of_problem_objects(capsys):
    """--json prints one JSON list with code, place and messages in both languages."""
    code, out, _ = run(capsys, "validate", "--json", str(INVALID / "unknown-key.yaml"))
    assert code == 1
    items = json.loads(out)
    assert [i["code"] for i in items] == ["unknown-key"]
    item = items[0]
    assert item["line"] == 22 and item["column"] == 9 and item["severity"] == "error"
    assert item["message"] == item["message_nl"] != item["message_en"]
    assert item["hint"] == "bedoel je 'goto'?"


def test_json_of_clean_file_is_empty_list(capsys):
    """A clean file gives `[]`."""
    code, out, _ = run(capsys, "validate", "--json", str(KEUKENTAFEL))
    assert code == 0 and json.loads(out) == []


def test_missing_path_exits_2(capsys):
    """A path that does not exist is a usage error, exit 2, message on stderr."""
    code, out, err = run(capsys, "validate", "bestaat/niet.yaml")
    assert code == 2
    assert "bestaat/niet.yaml" in err and "bestaat niet" in err
    assert out == ""


def test_folder_without_scenarios_exits_2(capsys, tmp_path):
    """An empty folder: nothing to check is a usage error."""
    code, _, err = run(capsys, "validate", str(tmp_path))
    assert code == 2 and str(tmp_path) in err


def test_folders_are_walked_for_yaml_and_yml(capsys, tmp_path):
    """Folders are searched recursively for *.yaml and *.yml; other files are ignored."""
    (tmp_path / "sub").mkdir()
    (tmp_path / "a.yaml").write_bytes(KEUKENTAFEL.read_bytes())
    (tmp_path / "sub" / "b.yml").write_bytes(KEUKENTAFEL.read_bytes())
    (tmp_path / "notities.txt").write_text("geen scenario")
    code, out, _ = run(capsys, "validate", "--lang", "en", str(tmp_path))
    assert code == 0
    assert out.strip() == "0 errors, 0 warnings in 2 files"


def test_problems_are_grouped_per_file(capsys):
    """Two bad files: each file's problems together, one summary for all."""
    a, b = INVALID / "bad-format.yaml", INVALID / "bad-weight.yaml"
    code, out, _ = run(capsys, "validate", str(a), str(b))
    assert code == 1
    lines = [line for line in out.splitlines() if ": error: " in line]
    assert [line.split(":")[0] for line in lines] == [str(a), str(b)]
    assert out.splitlines()[-1] == "2 fouten, 0 waarschuwingen in 2 bestanden"


@pytest.mark.parametrize(
    ("counts", "lang", "expected"),
    [
        ((1, 1, 1), "nl", "1 fout, 1 waarschuwing in 1 bestand"),
        ((3, 2, 2), "nl", "3 fouten, 2 waarschuwingen in 2 bestanden"),
        ((1, 0, 3), "en", "1 error, 0 warnings in 3 files"),
        ((3, 2, 2), "en", "3 errors, 2 warnings in 2 files"),
    ],
)
def test_summary_singulars_and_plurals(counts, lang, expected):
    """The summary counts with correct singular and plural in both languages."""
    assert summary(*counts, lang) == expected


def test_every_invalid_file_and_junk_never_gives_a_traceback(tmp_path):
    """The real console entry over all invalid files plus binary junk: exit 1, no traceback."""
    junk = tmp_path / "junk.yaml"
    junk.write_bytes(bytes(range(256)) * 4)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    result = subprocess.run(
        [sys.executable, "-m", "game", "validate", str(INVALID), str(junk)],
        capture_output=True, text=True, env=env, cwd=ROOT, timeout=120,
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr + result.stdout
    files = len(list(INVALID.glob("*.yaml"))) + 1
    assert result.stdout.splitlines()[-1].endswith(f"in {files} bestanden")

"""The window command: no display → one clear line and exit 2; play/resume open the window."""

from __future__ import annotations

import os
import subprocess
import sys
from argparse import Namespace
from pathlib import Path

import pytest

from game.commands import window

DATA = Path(__file__).parent / "data" / "valid"
REPO = Path(__file__).resolve().parents[1]


def _env_without_display() -> dict:
    env = {k: v for k, v in os.environ.items()
           if k not in ("DISPLAY", "WAYLAND_DISPLAY", "SDL_VIDEODRIVER")}
    env["PYTHONPATH"] = str(REPO)
    return env


@pytest.mark.skipif(not sys.platform.startswith("linux"),
                    reason="display detection is per platform")
def test_no_display_prints_one_line_and_exits_2():
    """Bare `samenspel` without a display: exit 2, one line naming --text, no traceback."""
    proc = subprocess.run([sys.executable, "-m", "game"], env=_env_without_display(),
                          capture_output=True, text=True, timeout=60, cwd=REPO)
    assert proc.returncode == 2
    lines = [ln for ln in proc.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1
    assert "--text" in lines[0]
    assert "Traceback" not in proc.stderr + proc.stdout


@pytest.mark.skipif(not sys.platform.startswith("linux"),
                    reason="display detection is per platform")
def test_play_without_display_in_english_exits_2():
    """`samenspel play X --lang en` without a display explains itself in English."""
    proc = subprocess.run([sys.executable, "-m", "game", "play", str(DATA / "keukentafel.yaml"),
                           "--lang", "en"], env=_env_without_display(),
                          capture_output=True, text=True, timeout=60, cwd=REPO)
    assert proc.returncode == 2
    assert "No display" in proc.stderr and "--text" in proc.stderr


def test_display_problem_respects_sdl_videodriver(monkeypatch):
    """An explicit SDL driver (dummy, for tests and tools) is never second-guessed."""
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    monkeypatch.setenv("SDL_VIDEODRIVER", "dummy")
    assert window.display_problem() is None


def test_play_window_with_bad_scenario_exits_1(tmp_path, capsys):
    """A scenario with errors is reported as path:line:col lines before any window opens."""
    bad = tmp_path / "bad.yaml"
    bad.write_text("format: 1\nid: x\n", encoding="utf-8")
    code = window.play_window(Namespace(scenario=str(bad), lang="nl", player=[]))
    assert code == 1
    assert "bad.yaml:" in capsys.readouterr().err


def test_players_parses_role_equals_name():
    """--player ROLE=NAME pairs become the set-up's names; malformed ones are ignored."""
    args = Namespace(player=["leerkracht=Sara", "jeugdprofessional = Anna", "kapot"])
    assert window._players(args) == {"leerkracht": "Sara", "jeugdprofessional": "Anna"}


def test_scenario_for_log_uses_the_path_in_the_log(tmp_path):
    """Resume finds the scenario file through `scenario_path` in session_started."""
    log = tmp_path / "s.jsonl"
    log.write_text('{"seq": 0, "type": "session_started", "scenario_id": "keukentafel", '
                   f'"scenario_path": "{DATA / "keukentafel.yaml"}"}}\n', encoding="utf-8")
    assert window.scenario_for_log(log) == DATA / "keukentafel.yaml"


def test_sdl_failure_is_one_line_and_exit_2(monkeypatch, capsys):
    """When SDL cannot open a window (driver missing), the command explains and exits 2."""
    monkeypatch.setenv("SDL_VIDEODRIVER", "no-such-driver")
    code = window.run(Namespace(lang="nl"))
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2
    assert len(err) == 1 and "--text" in err[0]

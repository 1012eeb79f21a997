"""The window's way into class play: "Klassikaal spelen" on the scenario picker."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")

pygame = pytest.importorskip("pygame")
pygame_gui = pytest.importorskip("pygame_gui")

from game.commands import klas as klas_command  # noqa: E402
from game.ui.driver import Driver  # noqa: E402


def test_picker_starts_a_class_and_shows_the_teacher_link(make_window, monkeypatch, tmp_path):
    """The button serves the selected case and shows the address, codes and teacher link."""
    started, opened = [], []

    def fake_launch(path, lang):
        started.append((Path(path).name, lang))
        return klas_command.Launched(
            process=None, base="http://192.168.1.20:8750",
            teacher_url="http://192.168.1.20:8750/leraar#geheim",
            teams=((1, "ABCDEF", "http://192.168.1.20:8750/t/ABCDEF"),), folder=tmp_path)

    monkeypatch.setattr(klas_command, "launch", fake_launch)
    monkeypatch.setattr("webbrowser.open", opened.append)
    app = make_window(picker=True)
    d = Driver(app)
    d.settle()
    d.click("Klassikaal spelen")
    assert started and started[0][1] == "nl"
    assert opened == ["http://192.168.1.20:8750/leraar#geheim"]
    assert app.screen.name == "message"
    assert "code ABCDEF" in app.screen.body and "leraar#geheim" in app.screen.body


def test_picker_says_why_a_class_cannot_start(make_window, monkeypatch):
    """A failure (a message from launch) is shown, nothing is opened."""
    monkeypatch.setattr(klas_command, "launch", lambda path, lang: "poort bezet")
    monkeypatch.setattr("webbrowser.open", lambda url: pytest.fail("opened"))
    app = make_window(picker=True)
    d = Driver(app)
    d.settle()
    d.click("Klassikaal spelen")
    assert app.screen.name == "message" and app.screen.body == "poort bezet"

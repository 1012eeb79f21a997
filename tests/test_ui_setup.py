"""The team set-up: the validation message goes away as soon as the names are right."""

from __future__ import annotations

import os

import pytest

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")

pygame = pytest.importorskip("pygame")

from game.ui.driver import Driver  # noqa: E402


def _labels(app) -> list[str]:
    return [e.text for e in app.manager.get_sprite_group().sprites()
            if type(e).__name__ == "UILabel"]


def test_the_validation_message_goes_once_the_names_are_fixed(make_window):
    """Start with one name shows "Vul voor elke rol een naam in"; typing the missing names
    removes the message without pressing Start again, and the typing goes on in its field."""
    app = make_window(picker=True)
    d = Driver(app)
    d.click("Het keukentafelgesprek")
    d.click("Kies deze casus")
    d.type_text("Anna")
    d.click("Start het spel")
    assert app.screen.name == "setup"
    assert any(t.startswith("Vul voor elke rol") for t in _labels(app))
    d.type_text("Sara")
    d.key(pygame.K_RETURN)
    assert any(t.startswith("Vul voor elke rol") for t in _labels(app))
    d.type_text("Da")
    assert not any(t.startswith("Vul voor elke rol") for t in _labels(app))
    d.type_text("an")
    assert [e.get_text() for e in d.entries()] == ["Anna", "Sara", "Daan"]

"""Keyboard-only use of the window, the Esc menu in the middle of the briefings, the file dialog."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")

pygame = pytest.importorskip("pygame")

from game.ui.driver import Driver  # noqa: E402

DATA = Path(__file__).parent / "data" / "valid"


@pytest.fixture
def app(make_window):
    """A window over the test scenarios with private user folders, on the picker."""
    a = make_window(picker=True)
    Driver(a).settle()
    return a


def test_tab_and_enter_reach_the_setup_without_a_mouse(app):
    """Tab moves the focus over the picker's buttons; Enter activates the focused one."""
    d = Driver(app)
    d.resize(900, 600)  # small enough that the scenario list scrolls
    labels = []
    for _ in range(40):
        d.key(pygame.K_TAB)
        target = app.screen.focus.items[app.screen.focus.index][0]
        labels.append(target.text)
        if target.text.startswith("Het keukentafelgesprek"):
            break
    assert labels[-1].startswith("Het keukentafelgesprek")
    target = app.screen.focus.items[app.screen.focus.index][0]
    d.settle()
    assert app.screen.list_container.rect.contains(target.rect)  # scrolled into view
    d.key(pygame.K_RETURN)
    assert app.screen.entries[app.screen.selected].scenario.id == "keukentafel"
    d.key(pygame.K_RETURN)  # Enter without focus: choose the selected case
    assert app.screen.name == "setup"


def test_escape_during_briefings_returns_to_the_same_handover(app):
    """The Esc menu's "Verder spelen" goes back to the hand-over, not past the briefings."""
    d = Driver(app)
    d.click("Het keukentafelgesprek")
    d.click("Kies deze casus")
    for name in ("Anna", "Sara", "Daan"):
        d.type_text(name)
        d.key(pygame.K_RETURN)
    d.hand_over()
    d.key(pygame.K_RETURN)  # Anna read her briefing
    assert app.screen.name == "handover" and app.screen.role == "leerkracht"
    d.key(pygame.K_ESCAPE)
    assert app.screen.name == "menu"
    d.click("Verder spelen")
    assert app.screen.name == "handover" and app.screen.role == "leerkracht"


def test_open_file_dialog_adds_a_scenario_from_anywhere(app, tmp_path):
    """"Open bestand..." opens a Dutch file dialog; a typed path + OK adds and selects it."""
    d = Driver(app)
    import i18n

    d.click("Open bestand...")
    assert "Annuleren" in {i18n.t(b.text) for b in d.buttons()}
    entry = [e for e in d.entries() if e.alive()][-1]
    entry.focus()
    entry.set_text("")
    d.type_text(str(DATA / "engine_loop.yaml"))
    d.click("pygame-gui.OK")
    selected = app.screen.entries[app.screen.selected]
    assert selected.path == DATA / "engine_loop.yaml" and selected.ok


def test_file_dialog_has_no_delete_and_enter_in_the_path_opens_the_file(app):
    """No delete button in a class; the typed path + Enter opens the file (no OK needed); the
    rows are dark text on a light background without hovering."""
    from game.ui import theme

    d = Driver(app)
    d.click("Open bestand...")
    dialog = app.screen.dialog
    assert not dialog.delete_button.alive()
    entry = dialog.file_path_text_line
    entry.focus()
    entry.set_text("")
    d.type_text(str(DATA / "engine_loop.yaml"))
    d.key(pygame.K_RETURN)
    selected = app.screen.entries[app.screen.selected]
    assert selected.path == DATA / "engine_loop.yaml" and selected.ok
    rows = theme.build_theme(100)["file_dialog.#file_display_list.#file_list_item"]["colours"]
    assert theme.contrast_ratio(rows["normal_bg"], rows["normal_text"]) >= 4.5

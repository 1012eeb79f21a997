"""The debrief's export button: report, CSV and xAPI next to the log, pseudonyms, errors.

Driven by posted clicks (`game.ui.driver.Driver`); the files are read back and parsed.
"""

from __future__ import annotations

import csv
import io
import json
import os
from pathlib import Path

import pytest

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")

pygame = pytest.importorskip("pygame")

from game.scenario.loader import load_scenario  # noqa: E402
from game.ui.driver import Driver  # noqa: E402
from game.ui.flow import Game  # noqa: E402
from game.ui.screens.debrief import DebriefScreen  # noqa: E402

DATA = Path(__file__).parent / "data" / "valid"
EXAMPLE = DATA / "keukentafel.yaml"
SCHEMA = Path(__file__).parent / "schemas" / "xapi-statement.schema.json"
PLAYERS = {"jeugdprofessional": "Anna", "leerkracht": "Sara", "verpleegkundige": "Daan"}




def play_to_debrief(app) -> Game:
    """Play the example to an ending (a share included) and open the debrief screen."""
    game = Game.start(app, EXAMPLE, load_scenario(EXAMPLE), PLAYERS, seed=1, briefings=False)
    game.share("verpleegkundige", "slaapdagboek", "team")
    while not game.session.finished:
        waiting = game.session.waiting_for()
        if game.session.scene.is_narration:
            game.proceed()
            continue
        game.choose(waiting[0], game.session.options(waiting[0])[0].id)
    app.show(DebriefScreen(app, game))
    return game


@pytest.fixture
def app(make_window):
    """A window with logs in a temporary folder."""
    return make_window()


def test_export_writes_report_csv_and_xapi_next_to_the_log(app):
    """One click writes `<log>-rapport.html`, `<log>.csv` and `<log>.xapi.json`; each parses,
    the CSV has a row per logged event and the xAPI statements fit the xAPI 1.0.3 schema; the
    three paths are listed on screen with a line saying real names are in them."""
    jsonschema = pytest.importorskip("jsonschema")
    game = play_to_debrief(app)
    d = Driver(app)
    d.click("Rapport opslaan (HTML), CSV en xAPI")
    log_path = game.session.log_path
    html = log_path.with_name(f"{log_path.stem}-rapport.html")
    csv_path = log_path.with_name(f"{log_path.stem}.csv")
    xapi_path = log_path.with_name(f"{log_path.stem}.xapi.json")
    for path in (html, csv_path, xapi_path):
        assert path.is_file(), path
    page = html.read_text(encoding="utf-8")
    assert "<html" in page.lower() and "Anna" in page
    raw = csv_path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # Dutch interface: the Excel-NL flavour
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    events = [json.loads(line) for line in log_path.read_text(encoding="utf-8").splitlines()]
    assert len(rows) == len(events)
    assert [r["type"] for r in rows] == [e["type"] for e in events]
    statements = json.loads(xapi_path.read_text(encoding="utf-8"))
    assert statements and isinstance(statements, list)
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    for st in statements:
        jsonschema.validate(st, schema)
    assert any(st["verb"]["id"].endswith("/shared") for st in statements)
    assert app.screen.name == "debrief"
    shown = " ".join(e.html_text for e in app.manager.get_sprite_group().sprites()
                     if hasattr(e, "html_text"))
    assert str(log_path.parent) in shown  # the folder once, then each file name
    for path in (html, csv_path, xapi_path):
        assert path.name in shown
    assert "echte namen" in shown


def test_pseudonyms_toggle_writes_files_without_names(app):
    """With "Pseudoniemen" on, the saved files carry `-pseudo` in their name, no player's
    name appears in any of them, and the screen says pseudonyms were used."""
    game = play_to_debrief(app)
    d = Driver(app)
    d.click("Pseudoniemen: Uit")
    assert "Pseudoniemen: Aan" in {b.text for b in d.buttons()}
    d.click("Rapport opslaan (HTML), CSV en xAPI")
    stem = game.session.log_path.stem
    folder = game.session.log_path.parent
    written = [folder / f"{stem}-pseudo-rapport.html", folder / f"{stem}-pseudo.csv",
               folder / f"{stem}-pseudo.xapi.json"]
    for path in written:
        body = path.read_text(encoding="utf-8-sig")
        assert "Speler 1" in body, path
        for name in PLAYERS.values():
            assert name not in body, (name, path)
    assert not (folder / f"{stem}-rapport.html").exists()  # the named version was not made
    assert app.screen.exported["pseudonymized"] is True
    shown = " ".join(e.html_text for e in app.manager.get_sprite_group().sprites()
                     if hasattr(e, "html_text"))
    assert "pseudoniemen" in shown.lower() and "buiten de klas delen" in shown


def test_an_unwritable_target_is_a_message_not_a_crash(app):
    """When the report cannot be written (here a folder is in the way) the debrief stays,
    shows "Opslaan is niet gelukt" with the folder, and the buttons still work."""
    game = play_to_debrief(app)
    log_path = game.session.log_path
    log_path.with_name(f"{log_path.stem}-rapport.html").mkdir()
    d = Driver(app)
    d.click("Rapport opslaan (HTML), CSV en xAPI")
    assert app.screen.name == "debrief"
    assert "error" in app.screen.exported
    shown = " ".join(e.html_text for e in app.manager.get_sprite_group().sprites()
                     if hasattr(e, "html_text"))
    assert "Opslaan is niet gelukt" in shown and str(log_path.parent) in shown
    d.click("Tijdlijn")  # switching tabs closes the message
    assert app.screen.exported is None and app.screen.tab == "timeline"


def test_big_font_bottom_row_fits_at_200_percent(app):
    """At 200 % on 1280x720 the save button takes its short label and the bottom row's buttons
    lie inside the window without overlapping; saving still writes all three files."""
    app.apply_settings(app.settings.with_(font_scale=200, lang="en"))
    game = play_to_debrief(app)
    d = Driver(app)
    row = sorted((b for b in d.buttons() if b.rect.bottom > 600), key=lambda b: b.rect.x)
    assert [b.text for b in row] == ["Save", "Pseudonyms: Off", "New game"]
    window = pygame.Rect(0, 0, 1280, 720)
    for a, b in zip(row, row[1:]):
        assert window.contains(a.rect) and window.contains(b.rect)
        assert a.rect.right <= b.rect.x, (a.text, b.text)
    d.click("Save")
    stem = game.session.log_path.stem
    assert (game.session.log_path.parent / f"{stem}.xapi.json").is_file()


def test_the_xapi_home_page_is_a_window_setting(app):
    """Typed in the settings screen and kept with "Klaar", the school's home page is where the
    saved xAPI statements put every account (players and team); a text that is no http(s) URL
    leaves the placeholder."""
    from game.ui.screens.menu import MenuScreen, SettingsScreen

    d = Driver(app)
    app.show(SettingsScreen(app, back=MenuScreen(app)))
    d.settle()
    app.screen.home_entry.set_text("geen url")
    d.click("Klaar")
    assert app.settings.xapi_home == ""
    app.show(SettingsScreen(app, back=MenuScreen(app)))
    d.settle()
    app.screen.home_entry.set_text("  https://hogeschool.example.nl/ ")
    d.click("Klaar")
    assert app.settings.xapi_home == "https://hogeschool.example.nl/"
    game = play_to_debrief(app)
    d.click("Rapport opslaan (HTML), CSV en xAPI")
    log_path = game.session.log_path
    statements = json.loads(log_path.with_name(f"{log_path.stem}.xapi.json").read_text("utf-8"))
    homes = {st["actor"]["account"]["homePage"] for st in statements}
    homes |= {st["context"]["team"]["account"]["homePage"] for st in statements
              if "team" in st["context"]}
    assert homes == {"https://hogeschool.example.nl/"}


def test_after_saving_the_report_and_the_folder_open_with_a_click(app, monkeypatch):
    """"Rapport openen" opens the HTML report, "Map openen" its folder (with the platform's
    programs; here recorded); the CSV's team column says which team it is."""
    opened = []
    monkeypatch.setattr(app, "open_path", opened.append)
    game = play_to_debrief(app)
    d = Driver(app)
    d.click("Rapport opslaan (HTML), CSV en xAPI")
    log_path = game.session.log_path
    d.click("Rapport openen")
    d.click("Map openen")
    assert opened == [log_path.with_name(f"{log_path.stem}-rapport.html"), log_path.parent]
    raw = log_path.with_name(f"{log_path.stem}.csv").read_bytes().decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(raw), delimiter=";"))
    assert {r["team"] for r in rows} == {"Team 1"}

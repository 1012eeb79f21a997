"""'Sessie terugkijken': the list of logs, stepping through one, and playing on from a step.

Everything on screen is reached with posted clicks and keys (`game.ui.driver.Driver`); the
state the replay shows at a step is checked against what the engine held at that moment.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")

pygame = pytest.importorskip("pygame")
pygame_gui = pytest.importorskip("pygame_gui")

from game.scenario.loader import load_scenario  # noqa: E402
from game.ui.driver import Driver  # noqa: E402
from game.ui.flow import Game  # noqa: E402
from game.ui.screens.picker import PickerScreen  # noqa: E402
from game.ui.screens.replay import open_log  # noqa: E402

DATA = Path(__file__).parent / "data" / "valid"
EXAMPLE = DATA / "keukentafel.yaml"
PLAYERS = {"jeugdprofessional": "Anna", "leerkracht": "Sara", "verpleegkundige": "Daan"}




@pytest.fixture
def app(make_window):
    """A window over the test scenarios, logs in a temporary folder."""
    return make_window()


def play(app, path=EXAMPLE, seed=1):
    """Play a case to its end through the Game API, breaching once; returns the log path and,
    per event index after each move, the engine's variables at that moment."""
    game = Game.start(app, path, load_scenario(path), PLAYERS, seed=seed, briefings=False)
    seen = {len(game.session.events) - 1: dict(game.session.variables)}
    game.share("verpleegkundige", "slaapdagboek", "team")  # before consent: a breach
    seen[len(game.session.events) - 1] = dict(game.session.variables)
    while not game.session.finished:
        waiting = game.session.waiting_for()
        if game.session.scene.is_narration:
            game.proceed()
        else:
            game.choose(waiting[0], game.session.options(waiting[0])[0].id)
        seen[len(game.session.events) - 1] = dict(game.session.variables)
    game.session.close()
    app.game = None
    return game.session.log_path, seen


def to_replay(app, d):
    """From the picker: "Sessie terugkijken", then the newest log."""
    app.show(PickerScreen(app))
    d.settle()
    d.click("Sessie terugkijken")
    assert app.screen.name == "replay-list"
    d.click("Het keukentafelgesprek")
    assert app.screen.name == "replay"
    return app.screen


def test_picker_lists_logs_and_the_slider_steps_through_the_timeline(app):
    """The replay opens at step 1; the slider's arrow, the Next button and the Right/Left/End
    keys move the step, and each step shows that event's words, scene and variables."""
    log_path, seen = play(app)
    d = Driver(app)
    screen = to_replay(app, d)
    assert screen.index == 0 and screen.moment.kind == "session_started"
    d.click_at(screen.slider.right_button.rect.center)
    assert screen.index == 1
    assert round(screen.slider.get_current_value()) == 1
    d.click("Volgende >")
    assert screen.index == 2 and round(screen.slider.get_current_value()) == 2
    assert screen.moment.kind == "info_shared" and screen.moment.flag == "breach"
    assert "Daan" in screen.moment.text and "Slaapdagboek" in screen.moment.text
    assert screen.state()["scene"] == "kennismaking"
    assert "Anna" in screen.scene_box.html_text  # the scene text, rendered with the names
    d.key(pygame.K_LEFT)
    assert screen.index == 1
    d.key(pygame.K_END)
    assert screen.index == len(screen.events) - 1 and screen.moment.kind == "session_ended"
    assert screen.state()["ending"] is not None
    d.key(pygame.K_RIGHT)  # past the end stays at the end
    assert screen.index == len(screen.events) - 1


def test_state_at_every_step_matches_the_engine(app):
    """At every step where the team stood still, the variables the replay shows are the ones
    the engine held then, and the scores so far equal scoring over the events up to there."""
    from game import scoring

    log_path, seen = play(app)
    open_log(app, log_path)
    screen = app.screen
    assert screen.name == "replay"
    for index, variables in seen.items():
        assert screen.state(index)["variables"] == variables, index
        expected = scoring.scores(screen.events[: index + 1], screen.scenario)
        assert screen.state(index)["scores"]["team"] == expected["team"]


def test_play_on_from_a_step_forks_a_new_log_and_plays(app):
    """"Speel verder vanaf hier" at a step writes a new log whose session_started carries
    forked_from (path, seq), opens the play screen there, and the team plays on; the watched
    log is untouched."""
    log_path, _ = play(app)
    before = log_path.read_bytes()
    d = Driver(app)
    screen = to_replay(app, d)
    d.click("Volgende >")
    d.click("Volgende >")  # the breach: the team still stands in kennismaking
    assert screen.fork_button.is_enabled
    d.click("Speel verder vanaf hier")
    assert app.screen.name == "play"
    session = app.game.session
    assert session.scene_id == "kennismaking" and session.log_path != log_path
    first = json.loads(session.log_path.read_text(encoding="utf-8").splitlines()[0])
    assert first["forked_from"]["path"] == str(log_path)
    assert first["forked_from"]["seq"] == 2
    d.key(pygame.K_1)
    assert app.game.session.scene_id != "kennismaking"
    lines = session.log_path.read_text(encoding="utf-8").splitlines()
    assert len(lines) > 3 and json.loads(lines[3])["type"] == "choice_made"
    assert log_path.read_bytes() == before


def test_play_on_is_off_after_the_last_move(app):
    """At the end of a finished session there is nothing to play: the button is disabled and
    a click writes no log."""
    log_path, _ = play(app)
    d = Driver(app)
    screen = to_replay(app, d)
    d.key(pygame.K_END)
    assert not screen.fork_button.is_enabled
    logs = set(log_path.parent.glob("*.jsonl"))
    d.click("Speel verder vanaf hier")
    assert app.screen is screen and set(log_path.parent.glob("*.jsonl")) == logs


def test_a_log_without_its_scenario_says_so(app, tmp_path):
    """A log whose scenario is nowhere to be found opens a clear message, and "Terug" leads
    back to the list."""
    log_path, _ = play(app)
    lines = log_path.read_text(encoding="utf-8").splitlines()
    first = json.loads(lines[0])
    first["scenario_id"] = "verdwenen_casus"
    first["scenario_path"] = str(tmp_path / "weg.yaml")
    log_path.write_text("\n".join([json.dumps(first)] + lines[1:]) + "\n", encoding="utf-8")
    d = Driver(app)
    app.show(PickerScreen(app))
    d.settle()
    d.click("Sessie terugkijken")
    d.click("Het keukentafelgesprek")
    assert app.screen.name == "message"
    assert "verdwenen_casus" in app.screen.body
    d.click("Terug")
    assert app.screen.name == "replay-list"


def test_an_unreadable_log_says_so(app):
    """A file that is not a session log opens a message naming the file, not a crash."""
    bad = app.logs_dir / "kapot.jsonl"
    bad.parent.mkdir(parents=True, exist_ok=True)
    bad.write_text("dit is geen log\n", encoding="utf-8")
    open_log(app, bad)
    assert app.screen.name == "message" and str(bad) in app.screen.body


def test_an_edited_scenario_offers_the_new_version_and_forks_on_it(app, tmp_path):
    """When the scenario file changed after the session, the replay explains it first; with
    "Doorgaan met de nieuwe versie" the replay opens (marked) and playing on works."""
    case = tmp_path / "cases" / "keukentafel.yaml"
    case.parent.mkdir()
    shutil.copy(EXAMPLE, case)
    log_path, _ = play(app, case)
    case.write_text(case.read_text(encoding="utf-8").replace("Om Sem goed te helpen",
                                                             "Om Sem echt goed te helpen"),
                    encoding="utf-8")
    d = Driver(app)
    open_log(app, log_path)
    assert app.screen.name == "message" and app.screen.title == "Het scenario is veranderd"
    d.click("Doorgaan met de nieuwe versie")
    assert app.screen.name == "replay" and app.screen.edited
    d.click("Volgende >")
    d.click("Volgende >")
    d.click("Speel verder vanaf hier")
    assert app.screen.name == "play"
    first = json.loads(app.game.session.log_path.read_text(encoding="utf-8").splitlines()[0])
    assert first["forked_from"]["seq"] == 2


@pytest.mark.parametrize("lang,contrast", [("nl", False), ("en", True)])
def test_replay_fits_at_200_percent_on_1280x720(app, lang, contrast):
    """At 200 % on a 1280x720 projector the replay's widgets lie inside the window and the
    scene text ends above the bottom buttons (warnings, e.g. a spilling label, fail)."""
    log_path, _ = play(app)
    app.apply_settings(app.settings.with_(font_scale=200, lang=lang, high_contrast=contrast))
    open_log(app, log_path)
    d = Driver(app)
    d.settle()
    screen = app.screen
    window = pygame.Rect(0, 0, 1280, 720)
    for b in d.buttons():
        assert window.contains(b.rect), b.text
    root = app.manager.get_root_container()
    bottom = min(b.rect.top for b in d.buttons() if b.ui_container is root and b.rect.top > 500)
    assert screen.scene_box.rect.bottom <= bottom
    assert screen.card.bottom <= screen.scene_box.rect.top
    d.key(pygame.K_RIGHT)
    assert screen.index == 1


def test_open_file_takes_any_jsonl(app, tmp_path):
    """"Open bestand..." shows a file dialog; a log picked there (anywhere on disk) opens in
    the replay, and Esc closes the dialog first, then leaves the list."""
    log_path, _ = play(app)
    elsewhere = tmp_path / "usb" / "team3.jsonl"
    elsewhere.parent.mkdir()
    shutil.copy(log_path, elsewhere)
    d = Driver(app)
    app.show(PickerScreen(app))
    d.settle()
    d.click("Sessie terugkijken")
    d.click("Open bestand...")
    dialog = app.screen.dialog
    assert dialog is not None and dialog.alive()
    d.key(pygame.K_ESCAPE)
    assert not dialog.alive() and app.screen.name == "replay-list"
    d.click("Open bestand...")
    pygame.event.post(pygame.event.Event(pygame_gui.UI_FILE_DIALOG_PATH_PICKED, text=str(elsewhere),
                                         ui_element=app.screen.dialog))
    d.settle()
    assert app.screen.name == "replay" and app.screen.path == elsewhere
    d.key(pygame.K_ESCAPE)
    assert app.screen.name == "replay-list"
    d.key(pygame.K_ESCAPE)
    assert app.screen.name == "picker"


def test_a_bad_file_in_the_logs_folder_is_listed_as_unreadable(make_window):
    """A `[1]` file and a log whose players are text used to kill the window at every start;
    now the picker starts, resume skips them, and the replay list shows them as unreadable."""
    app = make_window()
    play(app)
    app.logs_dir.joinpath("lijst.jsonl").write_text("[1]\n", encoding="utf-8")
    good = next(p for p in app.logs_dir.glob("*.jsonl") if p.name != "lijst.jsonl")
    first = json.loads(good.read_text(encoding="utf-8").splitlines()[0])
    app.logs_dir.joinpath("sara.jsonl").write_text(
        json.dumps({**first, "players": "Sara"}) + "\n", encoding="utf-8")
    d = Driver(app)
    app.show(PickerScreen(app))
    d.settle()
    assert app.screen.name == "picker" and app.screen.resumable == []
    d.click("Sessie terugkijken")
    listed = {entry.log_path.name: entry.problem for entry, _ in app.screen.logs}
    assert listed["lijst.jsonl"] and listed["sara.jsonl"] and listed[good.name] is None
    d.click("lijst.jsonl · onleesbaar")
    assert app.screen.name == "message" and "lijst.jsonl" in app.screen.body


@pytest.mark.parametrize("scale", [100, 150, 200])
def test_replay_meters_show_the_good_end_as_the_play_screen_does(app, scale):
    """The replay's meters are coloured towards the variable's good end and marked there,
    like the play screen's header (trust: good: high), in the side panel (100 %) and on the
    values line (150 %, 200 %); a variable without a good end keeps the plain colour."""
    from game.ui.screens.play import meter_colour, meter_fraction
    from game.ui.theme import hex_to_rgb

    log_path, _ = play(app)
    app.apply_settings(app.settings.with_(font_scale=scale))
    open_log(app, log_path)
    d = Driver(app)
    screen = app.screen
    d.key(pygame.K_END)
    d.settle()
    pal = app.palette
    trust = screen.scenario.variables["vertrouwen"]
    value = screen.state()["variables"]["vertrouwen"]
    fraction = meter_fraction(trust, value)
    expected = meter_colour(pal, trust, fraction)
    assert expected is not None and expected != pal.accent
    bar = screen.meter_bars["vertrouwen"]
    filled = (bar.x + max(2, round(bar.width * fraction) // 2), bar.centery)
    assert tuple(app.window.get_at(filled))[:3] == hex_to_rgb(expected)
    mark = (bar.right + 5, bar.centery)  # the good end (high) is marked on the right
    assert tuple(app.window.get_at(mark))[:3] == hex_to_rgb(pal.good)
    budget = screen.meter_bars["budget"]
    assert tuple(app.window.get_at((budget.x + 4, budget.centery)))[:3] == hex_to_rgb(pal.accent)


def test_a_role_that_changed_hands_is_named_per_step(app):
    """After a `player_changed` the scene text names the new player; before it, the old one;
    the list of players names both."""
    game = Game.start(app, EXAMPLE, load_scenario(EXAMPLE), PLAYERS, seed=1, briefings=False)
    game.session.change_player("jeugdprofessional", "Noor")
    changed = len(game.session.events) - 1
    game.session.close()
    app.game = None
    open_log(app, game.session.log_path)
    screen = app.screen
    assert screen.name == "replay"
    assert screen._who("jeugdprofessional") == "Anna → Noor (Jeugdprofessional)"
    assert "Fijn dat u er bent, Anna" in screen.state(changed - 1)["text"]
    assert "Fijn dat u er bent, Noor" in screen.state(changed)["text"]
    assert screen.moments[changed].kind == "player_changed"

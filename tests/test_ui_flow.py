"""The window's authoring loop (F5) and resume of an interrupted session, driven by events."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")

pygame = pytest.importorskip("pygame")

from conftest import FakeClock  # noqa: E402

from game.scenario.loader import load_scenario  # noqa: E402
from game.ui.app import App  # noqa: E402
from game.ui.driver import Driver  # noqa: E402
from game.ui.flow import Game  # noqa: E402
from game.ui.screens.picker import PickerScreen  # noqa: E402
from game.ui.settings import Settings  # noqa: E402

DATA = Path(__file__).parent / "data" / "valid"
PLAYERS = {"jeugdprofessional": "Anna", "leerkracht": "Sara", "verpleegkundige": "Daan"}


@pytest.fixture
def copy(tmp_path, monkeypatch):
    """A private copy of the example scenario that a test may edit, and private user folders."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    path = tmp_path / "cases" / "keukentafel.yaml"
    path.parent.mkdir()
    shutil.copy(DATA / "keukentafel.yaml", path)
    return path


def _app(tmp_path, folders):
    return App(Settings(), (1280, 720), logs_dir=tmp_path / "logs", scenario_folders=folders,
               persist_settings=False, clock=FakeClock())


def test_f5_shows_errors_with_line_numbers_then_continues_on_the_fixed_file(copy, tmp_path):
    """A broken edit shows its problems (with lines); the fixed edit goes on in the same scene
    with the new text, and the log stays one valid session."""
    app = _app(tmp_path, [copy.parent])
    d = Driver(app)
    game = Game.start(app, copy, load_scenario(copy), PLAYERS, seed=3, briefings=False)
    d.key(pygame.K_1)
    assert game.session.scene_id == "toestemming_vragen"
    original = copy.read_text(encoding="utf-8")
    copy.write_text(original.replace("goto: teamoverleg", "goto: teamoverlegg", 1),
                    encoding="utf-8")
    d.key(pygame.K_F5)
    assert app.screen.name == "problems"
    assert app.screen.problems and all(p.line > 0 for p in app.screen.problems)
    d.click("Terug naar het spel")
    assert app.screen.name == "play" and app.game.session.scene_id == "toestemming_vragen"
    copy.write_text(original.replace("Om Sem goed te helpen", "Om Sem echt goed te helpen"),
                    encoding="utf-8")
    d.key(pygame.K_F5)
    assert app.screen.name == "play"
    assert app.game.session.scene_id == "toestemming_vragen"
    assert "echt goed" in app.game.session.scene_text()
    d.key(pygame.K_1)
    assert app.game.session.scene_id == "teamoverleg"
    app.game.session.close()
    pygame.display.quit()


def test_f5_when_the_scene_is_gone_offers_a_restart(copy, tmp_path):
    """If the current scene was renamed, the team can restart with the same players."""
    app = _app(tmp_path, [copy.parent])
    d = Driver(app)
    game = Game.start(app, copy, load_scenario(copy), PLAYERS, seed=3, briefings=False)
    d.key(pygame.K_1)
    text = copy.read_text(encoding="utf-8")
    text = text.replace("toestemming_vragen", "toestemming_gesprek")
    copy.write_text(text, encoding="utf-8")
    d.key(pygame.K_F5)
    assert app.screen.name == "message"
    d.click("Opnieuw beginnen")
    assert app.screen.name == "play"
    assert app.game is not game
    assert app.game.session.scene_id == "kennismaking"
    assert app.game.player("leerkracht") == "Sara"
    app.game.session.close()
    pygame.display.quit()


def test_interrupted_session_is_offered_and_resumes_where_it_stopped(copy, tmp_path):
    """Save and stop mid-game; the picker offers "Doorgaan met sessie van HH:MM", which
    continues in the same scene with the same players and appends to the same log."""
    app = _app(tmp_path, [copy.parent])
    d = Driver(app)
    game = Game.start(app, copy, load_scenario(copy), PLAYERS, seed=5, briefings=False)
    d.key(pygame.K_1)
    d.key(pygame.K_ESCAPE)
    assert app.screen.name == "menu"
    log_path = game.session.log_path
    d.click("Opslaan en stoppen")
    assert not app.running
    pygame.display.quit()

    app2 = _app(tmp_path, [copy.parent])
    app2.show(PickerScreen(app2))
    d2 = Driver(app2)
    d2.click("Doorgaan met sessie van")
    assert app2.screen.name == "play"
    assert app2.game.session.scene_id == "toestemming_vragen"
    assert app2.game.session.log_path == log_path
    d2.key(pygame.K_1)
    lines = log_path.read_text(encoding="utf-8").splitlines()
    assert '"vraag_toestemming"' in lines[-3] + lines[-2] + lines[-1]
    app2.game.session.close()
    pygame.display.quit()


def test_start_with_a_used_log_file_explains_instead_of_crashing(copy, tmp_path):
    """`--log` naming a file that already holds a session shows why the game cannot start."""
    used = tmp_path / "used.jsonl"
    used.write_text('{"seq": 0}\n', encoding="utf-8")
    app = _app(tmp_path, [copy.parent])
    game = Game.start(app, copy, load_scenario(copy), PLAYERS, log_path=used, briefings=False)
    assert game is None
    assert app.screen.name == "message"
    assert "used.jsonl" in app.screen.body
    pygame.display.quit()


def test_resume_after_the_file_changed_offers_the_new_version(copy, tmp_path):
    """A log of an earlier version is refused first, with a button to go on anyway."""
    app = _app(tmp_path, [copy.parent])
    d = Driver(app)
    game = Game.start(app, copy, load_scenario(copy), PLAYERS, seed=5, briefings=False)
    d.key(pygame.K_1)
    log_path = game.session.log_path
    game.session.close()
    copy.write_text(copy.read_text(encoding="utf-8").replace("Kort overleg", "Kort teamoverleg"),
                    encoding="utf-8")
    Game.resume(app, log_path, copy)
    assert app.screen.name == "message"
    d.click("Doorgaan met de nieuwe versie")
    assert app.screen.name == "play"
    assert app.game.session.scene_id == "toestemming_vragen"
    app.game.session.close()
    pygame.display.quit()


def _stopped_session(app, path, seed, moves=1):
    """Start a session on `path`, make `moves` moves, close its log; its log path."""
    game = Game.start(app, path, load_scenario(path), PLAYERS, seed=seed, briefings=False)
    for _ in range(moves):
        game.choose("jeugdprofessional", game.session.options("jeugdprofessional")[0].id)
    game.session.close()
    app.game = None
    return game.session.log_path


def test_every_interrupted_session_can_be_resumed_and_a_fork_says_whose(copy, tmp_path):
    """Four interrupted sessions: the picker offers the newest and "Alle onderbroken sessies
    (4)"; the list shows all four, a fork says which session it continues."""
    from game.export.replay import fork

    app = _app(tmp_path, [copy.parent])
    logs = [_stopped_session(app, copy, seed) for seed in (1, 2, 3)]
    forked = tmp_path / "logs" / "fork.jsonl"
    fork(logs[0], 2, forked, load_scenario(copy)).close()
    app.show(PickerScreen(app))
    d = Driver(app)
    d.click("Alle onderbroken sessies (4)")
    assert app.screen.name == "replay-list" and len(app.screen.logs) == 4
    labels = [b.text + str(b.tool_tip_text) for b in d.buttons()]
    assert any(f"vervolg van {logs[0].name}" in t for t in labels), labels
    d.key(pygame.K_4)
    assert app.screen.name == "play"
    app.game.session.close()
    pygame.display.quit()


def test_a_session_of_an_own_file_resumes_with_that_file(copy, tmp_path):
    """A session started from a teacher's own file (same id as a case in the folders) resumes
    with that file, not with the other file of the same id."""
    own = tmp_path / "elsewhere" / "mijn_keukentafel.yaml"
    own.parent.mkdir()
    own.write_text(copy.read_text(encoding="utf-8").replace("Kennismaking", "Eigen begin"),
                   encoding="utf-8")
    app = _app(tmp_path, [copy.parent])
    _stopped_session(app, own, seed=4, moves=0)
    app.show(PickerScreen(app))
    Driver(app).click("Doorgaan met sessie van")
    assert app.screen.name == "play"
    assert app.game.path == own
    app.game.session.close()
    pygame.display.quit()


def test_a_changed_scenario_offers_the_engines_choices_in_words(copy, tmp_path):
    """A log of an earlier version: the message explains in words (no raw log lines) and
    offers to play on with the new version or to watch the session again."""
    app = _app(tmp_path, [copy.parent])
    log_path = _stopped_session(app, copy, seed=5)
    copy.write_text(copy.read_text(encoding="utf-8").replace("Kort overleg", "Kort teamoverleg"),
                    encoding="utf-8")
    Game.resume(app, log_path, copy)
    assert app.screen.name == "message"
    assert "{" not in app.screen.body and "aangepast" in app.screen.body
    d = Driver(app)
    d.click("Terugkijken")
    assert app.screen.name in ("replay", "message")
    pygame.display.quit()

"""`python -m game.ui.screenshots OUTDIR`: a PNG of every screen, both languages, both themes.

Plays the example case (tests/data/valid/keukentafel.yaml) through the real window with fixed
player names and a fake clock, and saves each screen as `<nn>-<screen>-<lang>-<theme>.png`, and the
same at 150 % and 200 % font scale in the subfolders `150/` and `200/`.
Runs headless (SDL_VIDEODRIVER=dummy is set when no driver is chosen) in a throw-away user
folder, so it never lists the user's own scenarios or sessions.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

import pygame  # noqa: E402

from game.scenario.loader import load_scenario  # noqa: E402
from game.scenario.problems import Problem  # noqa: E402
from game.ui import catalog  # noqa: E402
from game.ui.app import App  # noqa: E402
from game.ui.flow import Game  # noqa: E402
from game.ui.screens.debrief import DebriefScreen  # noqa: E402
from game.ui.screens.menu import MenuScreen, PauseScreen, SettingsScreen  # noqa: E402
from game.ui.screens.message import ProblemsScreen  # noqa: E402
from game.ui.screens.panels import PickRoleScreen, SecretVoteScreen, ShareScreen  # noqa: E402
from game.ui.screens.picker import PickerScreen  # noqa: E402
from game.ui.screens.replay import ReplayListScreen, open_log  # noqa: E402
from game.ui.screens.setup import SetupScreen  # noqa: E402
from game.ui.settings import Settings  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "tests" / "data" / "valid" / "keukentafel.yaml"
PLAYERS = {"jeugdprofessional": "Anna", "leerkracht": "Sara", "verpleegkundige": "Daan"}


class FakeClock:
    """A clock the script moves by hand, so the countdown shows a fixed time."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _shoot(app, out: Path, counter: list[int], name: str, lang: str, theme: str) -> Path:
    for _ in range(2):
        app.dirty = True
        app.step()
    counter[0] += 1
    path = out / f"{counter[0]:02d}-{name}-{lang}-{theme}.png"
    pygame.image.save(app.window, str(path))
    return path


def shoot_all(out: Path, lang: str, high_contrast: bool, size=(1280, 720),
              scale: int = 100, look=None) -> list[Path]:
    """Every screen of one language and theme; returns the files written.

    `look(app, name)` is called on every screen once it is drawn (tests check the layout)."""
    theme = "contrast" if high_contrast else "normal"
    work = Path(tempfile.mkdtemp(prefix="samenspel-shots-"))
    clock = FakeClock()
    settings = Settings(lang=lang, high_contrast=high_contrast, font_scale=scale)
    app = App(settings, size, logs_dir=work / "logs", scenario_folders=[EXAMPLE.parent],
              persist_settings=False, clock=clock)
    shots: list[Path] = []
    n = [0]

    def shot(name: str) -> None:
        app._run_deferred()
        shots.append(_shoot(app, out, n, name, lang, theme))
        if look is not None:
            look(app, name)

    entries = [catalog.load_entry(EXAMPLE)]
    scenario = load_scenario(EXAMPLE)
    app.show(PickerScreen(app, entries=entries, resumable=[]))
    shot("picker")
    app.show(SetupScreen(app, entries[0], names=PLAYERS))
    shot("setup")
    game = Game.start(app, EXAMPLE, scenario, PLAYERS, seed=1)
    shot("handover")
    app.screen.then()
    shot("briefing")
    game.continue_play()
    shot("play")
    game.choose("jeugdprofessional", "vraag_behoefte")
    shot("play-feedback")
    game.consult("jeugdprofessional", "leerkracht")
    shot("handover-consult")
    app.screen.then()
    shot("advice")
    game.choose("jeugdprofessional", "vraag_toestemming")
    app.show(PickRoleScreen(app, game, "share"))
    shot("pick-share")
    app.show(ShareScreen(app, game, "verpleegkundige"))
    shot("share")
    app.screen.select("slaapdagboek")
    app.screen.choose_target("team")
    shot("share-confirm")
    app.screen.confirm()
    shot("play-team-card")
    game.vote("jeugdprofessional", "netwerk")
    shot("play-open-vote")
    game.take_back_vote()
    game.choose("jeugdprofessional", "netwerk")
    app.show(SecretVoteScreen(app, game, "leerkracht"))
    shot("secret-vote")
    game.choose("leerkracht", "netwerk")
    game.choose("verpleegkundige", "observeren")
    clock.now += 75
    game.choose("jeugdprofessional", "samen")
    game.choose("leerkracht", "zelf")
    shot("play-consensus")
    app.show(MenuScreen(app))
    shot("menu")
    app.show(PauseScreen(app))
    shot("pause")
    app.show(SettingsScreen(app, back=MenuScreen(app)))
    shot("settings")
    problems = [Problem(str(EXAMPLE), 57, 9, "error", "unknown-scene",
                        "scene 'plann' does not exist; did you mean 'plan'?",
                        "scène 'plann' bestaat niet; bedoel je 'plan'?")]
    app.show(ProblemsScreen(app, game, problems))
    shot("reload-errors")
    game.continue_play()
    while not game.session.finished:
        waiting = game.session.waiting_for()
        if not waiting:
            break
        if game.session.scene.is_narration:
            game.proceed()
            continue
        role = waiting[0]
        options = game.session.options(role)
        game.choose(role, options[-1].id)
    shot("ending")
    for tab in ("scores", "timeline", "questions", "guide"):
        app.show(DebriefScreen(app, game, tab=tab))
        shot(f"debrief-{tab}")
    app.screen.export()
    shot("debrief-export")
    game.session.close()
    # a second team shares a confidential card without consent: the breach is flagged
    breach = Game.start(app, EXAMPLE, scenario, PLAYERS, seed=2, briefings=False)
    breach.share("verpleegkundige", "slaapdagboek", "team")
    shot("play-breach")
    breach.session.close()
    # "Sessie terugkijken": the list of logs, then the first game at its share, the second at
    # its breach
    app.game = None
    app.show(ReplayListScreen(app))
    shot("replay-list")
    for log_path, name in ((game.session.log_path, "replay"),
                           (breach.session.log_path, "replay-breach")):
        open_log(app, log_path)
        shares = [i for i, e in enumerate(app.screen.events) if e.get("type") == "info_shared"]
        app.screen.go(shares[0] if shares else len(app.screen.events) // 2)
        shot(name)
    pygame.display.quit()
    shutil.rmtree(work, ignore_errors=True)
    return shots


def main(argv: list[str] | None = None) -> int:
    """Write all screenshots into the folder given on the command line."""
    parser = argparse.ArgumentParser(prog="python -m game.ui.screenshots")
    parser.add_argument("outdir", type=Path)
    parser.add_argument("--scale", type=int, default=100, help="font scale in percent")
    parser.add_argument("--size", default="1280x720", help="window size, e.g. 1280x720")
    args = parser.parse_args(argv)
    args.outdir.mkdir(parents=True, exist_ok=True)
    size = tuple(int(v) for v in args.size.lower().split("x"))
    home = tempfile.mkdtemp(prefix="samenspel-home-")
    os.environ["XDG_DATA_HOME"] = os.environ["XDG_CONFIG_HOME"] = home
    total = 0
    try:
        for lang in ("nl", "en"):
            for contrast in (False, True):
                total += len(shoot_all(args.outdir, lang, contrast, size, args.scale))
        if args.scale == 100:
            # a projector: the same screens at 150 % and 200 % on the same window, in Dutch
            # (normal theme) and English (high contrast), in subfolders 150/ and 200/
            for scale in (150, 200):
                folder = args.outdir / str(scale)
                folder.mkdir(exist_ok=True)
                for lang, contrast in (("nl", False), ("en", True)):
                    total += len(shoot_all(folder, lang, contrast, size, scale))
    finally:
        shutil.rmtree(home, ignore_errors=True)
    print(f"{total} screenshots in {args.outdir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

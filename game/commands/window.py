"""Open the game window: bare `samenspel`, and `play`/`resume` without `--text`.

Without a display the window cannot open; then one clear line points to `--text` and the exit
code is 2 (no traceback). Detection: on Linux, no DISPLAY and no WAYLAND_DISPLAY (unless
SDL_VIDEODRIVER is set, which tests and headless tools use), or SDL failing to initialise.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from game.engine.log import logged_scenario_path, read_header
from game.errors import ScenarioError
from game.i18n import translate

EXIT_NO_DISPLAY = 2


def display_problem(lang: str = "nl") -> str | None:
    """A one-line explanation when no window can open here, else None (without opening one)."""
    if os.environ.get("SDL_VIDEODRIVER"):
        return None
    if sys.platform.startswith("linux") and not (
        os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
    ):
        return translate("ui.no_display", lang)
    return None


def _lang(args) -> str:
    lang = getattr(args, "lang", None) or os.environ.get("SAMENSPEL_LANG") or "nl"
    return lang if lang in ("nl", "en") else "nl"


def _open_app(args):
    """The App, or None after printing (one line) why no window can open."""
    lang = _lang(args)
    problem = display_problem(lang)
    if problem:
        print(problem, file=sys.stderr)
        return None
    # imported when used, not at the top: `samenspel --help` and the other commands start fast
    from game.ui.app import App, DisplayError
    from game.ui.settings import load_settings

    settings = load_settings()
    if getattr(args, "lang", None):
        settings = settings.with_(lang=lang)
    if getattr(args, "secret_vote", False):
        settings = settings.with_(vote_mode="secret")
    try:
        return App(settings)
    except DisplayError as exc:
        print(translate("ui.no_display_sdl", lang, error=str(exc)), file=sys.stderr)
        return None


def _finish(app) -> int:
    """Run the window; afterwards tell how to resume an unfinished session."""
    code = app.run()
    game = app.game
    if game is not None and not game.session.finished and game.session.log_path:
        print(translate("ui.resume_hint", app.lang, path=str(game.session.log_path)))
    return code


def run(args) -> int:
    """Bare `samenspel`: the window with the scenario picker."""
    app = _open_app(args)
    if app is None:
        return EXIT_NO_DISPLAY
    app.nav.picker()
    return _finish(app)


def _players(args) -> dict[str, str]:
    players = {}
    for item in getattr(args, "player", None) or []:
        role, _, name = str(item).partition("=")
        if role and name:
            players[role.strip()] = name.strip()
    return players


def play_window(args) -> int:
    """`samenspel play SCENARIO`: team set-up (skipped when --player names every role), play."""
    # imported when used, not at the top: `samenspel --help` and the other commands start fast
    from game.scenario.loader import load_scenario

    lang = _lang(args)
    path = Path(args.scenario)
    try:
        scenario = load_scenario(path, lang=lang)
    except ScenarioError as exc:
        print(exc.format(lang), file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"{path}: {exc}", file=sys.stderr)
        return 1
    app = _open_app(args)
    if app is None:
        return EXIT_NO_DISPLAY
    # imported when used, not at the top: `samenspel --help` and the other commands start fast
    from game.ui.catalog import ScenarioEntry
    from game.ui.flow import Game

    players = _players(args)
    entry = ScenarioEntry(path, scenario)
    if players and set(players) >= set(scenario.roles):
        log_path = getattr(args, "log", None)
        Game.start(app, path, scenario, players, seed=getattr(args, "seed", None),
                   log_path=Path(log_path) if log_path else None)
    else:
        app.nav.setup(entry, names=players)
    return _finish(app)


def scenario_for_log(log_path: Path) -> Path | None:
    """The scenario file a log belongs to: the path it names, else by id in the known folders."""
    named = logged_scenario_path(log_path)
    if named is not None:
        return named
    first = read_header(log_path)
    if first is None:
        return None
    scenario_id = first.get("scenario_id")
    # imported when used, not at the top: `samenspel --help` and the other commands start fast
    from game.ui import catalog

    for entry in catalog.discover():
        if entry.ok and entry.scenario.id == scenario_id:
            return entry.path
    return None


def resume_window(args) -> int:
    """`samenspel resume LOG`: continue an interrupted session in the window."""
    lang = _lang(args)
    log_path = Path(args.log)
    scenario_path = getattr(args, "scenario", None)
    scenario_path = Path(scenario_path) if scenario_path else scenario_for_log(log_path)
    if scenario_path is None:
        print(translate("ui.picker.resume_missing", lang, id=str(log_path)), file=sys.stderr)
        return 1
    app = _open_app(args)
    if app is None:
        return EXIT_NO_DISPLAY
    # imported when used, not at the top: `samenspel --help` and the other commands start fast
    from game.ui.flow import Game

    Game.resume(app, log_path, scenario_path, force=bool(getattr(args, "force", False)))
    return _finish(app)

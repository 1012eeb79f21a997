"""Where the window goes next: the one module that knows every screen and the game flow.

Screens never import each other to move on, nor `game.ui.flow`: they ask `app.nav` (built by
the `App`) for the next place, so the import graph stays a tree (app -> navigation -> flow ->
screens -> base) and a screen can be built in a test with any app that has a `nav`.
"""

from __future__ import annotations

from pathlib import Path

from game.ui import catalog
from game.ui.catalog import ScenarioEntry
from game.ui.flow import Game
from game.ui.screens.menu import MenuScreen, SettingsScreen
from game.ui.screens.message import MessageScreen
from game.ui.screens.picker import PickerScreen
from game.ui.screens.replay import ReplayListScreen
from game.ui.screens.setup import SetupScreen


class Navigation:
    """The moves between screens that cross from one part of the window to another."""

    def __init__(self, app) -> None:
        self.app = app

    def picker(self) -> None:
        """The scenario picker (the start of the window)."""
        self.app.show(PickerScreen(self.app))

    def to_start(self) -> None:
        """Close the running session (it stays resumable from its log), then the picker."""
        if self.app.game is not None:
            self.app.game.session.close()
            self.app.game = None
        self.picker()

    def menu(self, back=None) -> None:
        """The Esc menu, returning to `back`."""
        self.app.show(MenuScreen(self.app, back=back))

    def settings(self, back) -> None:
        """The settings screen, returning to `back`."""
        self.app.show(SettingsScreen(self.app, back=back))

    def setup(self, entry: ScenarioEntry, names: dict[str, str] | None = None) -> None:
        """The team set-up for a scenario."""
        self.app.show(SetupScreen(self.app, entry, names=names))

    def replays(self) -> None:
        """The list of session logs to watch again."""
        self.app.show(ReplayListScreen(self.app))

    def start(self, path: Path, scenario, players: dict[str, str]) -> None:
        """A new session with these players, beginning with the private briefings."""
        Game.start(self.app, path, scenario, players)

    def resume(self, log_path: Path, path: Path) -> None:
        """Continue an interrupted session from its log."""
        Game.resume(self.app, log_path, path)

    def resumable(self) -> None:
        """Every interrupted session, to pick one to continue."""
        self.app.show(ReplayListScreen(self.app, resume=True))

    def resume_entry(self, entry, entries=None) -> None:
        """Continue an interrupted session: find its scenario (the file it was started from
        first), then resume; say clearly when the scenario is not there."""
        entries = catalog.discover(self.app.scenario_folders) if entries is None else entries
        match = catalog.find_scenario_for(entry, entries)
        if match is None:
            self.app.show(MessageScreen(self.app, self.app.t("picker.resume_missing_title"),
                                        self.app.t("picker.resume_missing", id=entry.scenario_id),
                                        back=self.picker))
            return
        Game.resume(self.app, entry.log_path, match.path)

    def new_log_path(self, scenario_id: str) -> Path:
        """A fresh log file name in the window's logs folder (for a fork)."""
        return Game.new_log_path(self.app, scenario_id)

    def play_on(self, path: Path, scenario, session, notice: str) -> None:
        """Play a forked session, with a one-time notice on its first screen."""
        game = Game(self.app, path, scenario, session)
        game.notices.append(("info", notice))
        game.continue_play()

"""The running game behind the screens: one `Session`, its scenario file, and what comes next.

`Game` is the only place the window talks to the engine. It passes the team's moves to the
`Session` and, after every move, asks the session what the situation is and shows the screen
that fits (play, ending, hand-over for a private view). No game rule lives here: who may act,
which choices are open, when a vote is decided and what a share costs are all the session's.

Decisions where the docs are silent (also in docs/window.md):
- The log goes where `samenspel play` puts it (`<user data>/samenspel/logs/`), so the text
  mode can resume a window session and the other way round.
- A new game gets a random seed (so classes do not all get the same weighted routes); the
  seed is in the log, so resume and debrief replay it exactly. `--seed` fixes it.
- "Timer off" does not freeze the clock (tempo metrics need real times); the window simply
  never calls `tick()` and shows no countdown, so `on_timeout` is never taken.
- F5 reloads the scenario file. With errors, the problems are shown and the session stays as
  it was. Without errors, the log is replayed against the new file with `force=True`; when the
  current scene no longer exists the team is offered a fresh start with the same players.
"""

from __future__ import annotations

import json
import logging
import secrets
from datetime import datetime
from pathlib import Path

from game import scoring
from game.engine.log import new_log_path
from game.engine.session import Session
from game.errors import LogError, SamenspelError, ScenarioError
from game.scenario.loader import load_scenario, load_scenario_with_problems
from game.scenario.model import TEAM, Scenario
from game.ui import catalog
from game.ui.screens.briefing import BriefingScreen
from game.ui.screens.ending import EndingScreen
from game.ui.screens.handover import HandoverScreen
from game.ui.screens.message import MessageScreen, ProblemsScreen
from game.ui.screens.panels import AdviceScreen
from game.ui.screens.play import PlayScreen
from game.ui.screens.replay import open_log
from game.ui.theme import register_team

log = logging.getLogger(__name__)


class Game:
    """A session in the window: the scenario file, the session and the flow between screens."""

    def __init__(self, app, path: Path, scenario: Scenario, session) -> None:
        self.app = app
        self.path = Path(path)
        self.scenario = scenario
        register_team(scenario.roles)
        self.session = session
        # the maxima for the scores at the ending, computed beside play instead of on the
        # window's thread when the session ends
        scoring.prepare(scenario)
        # shown once on the play screen: (kind, text), or (kind, (ui key, values)) translated
        # when shown (the team may switch language first); kind "card": (role, card id)
        self.notices: list[tuple[str, object]] = []
        self.seen_decision = session.last_decision
        # Open voting: the votes of the current round wait here until its last voter has
        # voted, so an unintended vote can still be taken back (see `vote`).
        self._pending: dict[str, str] = {}
        self._pending_round = None
        if app.game is not None and app.game.session is not session:
            app.game.session.close()  # one game at a time: a restart ends the old log cleanly
        app.game = self

    # ----- creating and resuming ----------------------------------------------------------

    @staticmethod
    def new_log_path(app, scenario_id: str) -> Path:
        """A fresh log file name in the window's logs folder."""
        return new_log_path(scenario_id, app.logs_dir or catalog.logs_dir())

    @classmethod
    def start(cls, app, path: Path, scenario: Scenario, players: dict[str, str],
              seed: int | None = None, log_path: Path | None = None,
              briefings: bool = True) -> Game | None:
        """Create the session, then hand the laptop to each role for its private briefing."""
        log_path = Path(log_path) if log_path else cls.new_log_path(app, scenario.id)
        try:
            session = Session(
                scenario,
                players=players,
                log=log_path,
                seed=secrets.randbelow(2**31) if seed is None else seed,
                lang=app.lang,
                clock=app.game_clock,
            )
        except (SamenspelError, OSError) as exc:  # e.g. --log names a file that has a session
            cls._show_error(app, app.t("start.failed_title"), exc)
            return None
        game = cls(app, path, scenario, session)
        if briefings:
            game.briefings(list(scenario.roles))
        else:
            game.continue_play()
        return game

    @classmethod
    def resume(cls, app, log_path: Path, path: Path, force: bool = False) -> Game | None:
        """Continue a session from its log; a refused log is explained on screen."""
        try:
            scenario = load_scenario(path, lang=app.lang)
            session = Session.resume(log_path, scenario, force=force, clock=app.game_clock,
                                     lang=app.lang)
        except (SamenspelError, OSError) as exc:
            replay = (app.t("resume.replay"), lambda: open_log(app, log_path))
            if not force and isinstance(exc, LogError) and cls._other_version(log_path, scenario):
                # the file was edited since the session began: say so in words and offer what
                # the engine allows (go on with the new version, as --force does, or watch the
                # session again), not the engine's technical message
                app.show(MessageScreen(
                    app, app.t("resume.edited_title"),
                    app.t("resume.edited", title=scenario.title), back=app.nav.picker,
                    action=[replay, (app.t("resume.force"),
                                     lambda: cls.resume(app, log_path, path, force=True))]))
                return None
            cls._show_error(app, app.t("resume.failed_title"), exc,
                            replay if isinstance(exc, LogError) else None)
            return None
        game = cls(app, path, scenario, session)
        game.notices.append(("info", ("resume.resumed",
                                      {"time": datetime.now().strftime("%H:%M")})))
        game.continue_play()
        return game

    @staticmethod
    def _other_version(log_path: Path, scenario: Scenario) -> bool:
        """True when the log was written against another version of this scenario file."""
        try:
            with open(log_path, encoding="utf-8") as fh:
                first = json.loads(fh.readline())
        except (OSError, ValueError):
            return False
        return (first.get("scenario_id") == scenario.id
                and first.get("scenario_sha256") != scenario.sha256)

    @staticmethod
    def _show_error(app, title: str, exc: Exception, action=None) -> None:
        text = exc.format(app.lang) if isinstance(exc, ScenarioError) else str(exc)
        app.show(MessageScreen(app, title, text, back=app.nav.picker, action=action))

    # ----- names for screens --------------------------------------------------------------

    def player(self, role: str) -> str:
        """The name of the player in a role."""
        return self.session.player_name(role)

    def role_name(self, role: str) -> str:
        """A role's display name."""
        return self.scenario.roles[role].name

    def who(self, role: str) -> str:
        """'Anna (Jeugdprofessional)'."""
        return f"{self.player(role)} ({self.role_name(role)})"

    # ----- the flow -----------------------------------------------------------------------

    def briefings(self, roles: list[str]) -> None:
        """Each role's private briefing behind its own hand-over screen, then play."""
        if not roles:
            self.continue_play()
            return
        role, rest = roles[0], roles[1:]
        self.handover(role, lambda: self.app.show(
            BriefingScreen(self.app, self, role, done=lambda: self.briefings(rest))))

    def handover(self, role: str, then, purpose: str = "") -> None:
        """Fill the window with the role's colour and name; `then` runs on click or Enter."""
        self.app.show(HandoverScreen(self.app, self, role, then, purpose))

    def continue_play(self) -> None:
        """Show the screen the session's state calls for."""
        if self.session.finished:
            self.app.show(EndingScreen(self.app, self))
        else:
            self.app.show(PlayScreen(self.app, self))

    def _after_move(self) -> None:
        decision = self.session.last_decision
        if decision is not None and decision is not self.seen_decision:
            self.seen_decision = decision
        self.continue_play()

    def _try(self, move) -> bool:
        """Run a move; a refused one is shown as a notice (the log stays valid)."""
        try:
            move()
        except SamenspelError as exc:
            log.info("move refused: %s", exc)
            self.notices.append(("error", str(exc)))
            return False
        return True

    # ----- moves (each asks the session, then shows what fits) ------------------------------

    def choose(self, role: str, choice_id: str) -> None:
        """A decision or a vote by `role`."""
        self._try(lambda: self.session.choose(role, choice_id))
        self._after_move()

    @property
    def pending_votes(self) -> dict[str, str]:
        """Open-vote votes of the current round not yet given to the session (role -> choice).

        Emptied when the round changes (a new scene, a new consensus round, a timeout)."""
        if self._pending_round is not self.session.vote_round:
            self._pending.clear()
            self._pending_round = self.session.vote_round
        return self._pending

    def vote(self, role: str, choice_id: str) -> None:
        """An open vote on the shared screen: kept until the round's last voter has voted,
        then every vote goes to the session in the order they were cast."""
        pending = self.pending_votes
        pending[role] = choice_id
        if any(r not in pending for r in self.session.waiting_for()):
            self.continue_play()
            return
        votes = list(pending.items())
        pending.clear()
        for r, c in votes:
            if not self._try(lambda r=r, c=c: self.session.choose(r, c)):
                break
        self._after_move()

    def take_back_vote(self) -> None:
        """Take back the last vote of the round that is not counted yet."""
        pending = self.pending_votes
        if pending:
            pending.pop(next(reversed(pending)))
        self.continue_play()

    def proceed(self) -> None:
        """Leave a narration scene."""
        self._try(self.session.proceed)
        self._after_move()

    def share(self, role: str, card: str, to: str) -> None:
        """Share a card; a breach is flagged on the play screen afterwards, and a card shared
        with the whole team is shown there for everyone."""
        before = len(self.session.events)
        if self._try(lambda: self.session.share(role, card, to)):
            shared = [e for e in self.session.events[before:] if e.get("type") == "info_shared"]
            title = self.scenario.info[card].title
            if shared and shared[-1].get("breach"):
                self.notices.append(("breach", ("share.breach",
                                                {"card": title, "who": self.who(role)})))
            elif to == TEAM:
                self.notices.append(("card", (role, card)))
            else:
                self.notices.append(("info", ("share.done", {"who": self.who(role),
                                                             "card": title,
                                                             "to": self.who(to)})))
        self._after_move()

    def ask_consent(self, role: str, card: str, to: str) -> bool | None:
        """Ask the family's consent to share a card (a logged move); True when granted, None
        when the session refused the move. The play screen says what the family answered."""
        answer: list[bool] = []
        if not self._try(lambda: answer.append(self.session.ask_consent(role, card, to))):
            return None
        title = self.scenario.info[card].title
        target = self.app.t("share.team_lower") if to == TEAM else self.who(to)
        key = "share.asked_yes" if answer[0] else "share.asked_no"
        self.notices.append(("info" if answer[0] else "refused",
                             (key, {"who": self.who(role), "card": title, "to": target})))
        return answer[0]

    def consult(self, role: str, other: str) -> None:
        """`role` asks `other`; the advice is shown to `other` behind a hand-over screen."""
        advice: list[str | None] = []
        if not self._try(lambda: advice.append(self.session.consult(role, other))):
            self._after_move()
            return
        text = advice[0] if advice else None
        self.handover(other, lambda: self.app.show(AdviceScreen(self.app, self, role, other, text)),
                      purpose="consult")

    def tick(self) -> bool:
        """Let the session take `on_timeout` when a timed scene ran out (timers on only)."""
        if not self.app.settings.timers or self.session.finished:
            return False
        try:
            fired = self.session.tick()
        except SamenspelError as exc:
            log.warning("tick refused: %s", exc)
            return False
        if fired:
            self.notices.append(("timeout", ("play.timeout", {})))
            self.continue_play()
        return fired

    # ----- authoring loop -----------------------------------------------------------------

    def reload(self) -> None:
        """F5: load the scenario file again and continue on the new version when possible."""
        scenario, problems = load_scenario_with_problems(self.path)
        errors = [p for p in problems if p.severity == "error"]
        if scenario is None or errors:
            self.app.show(ProblemsScreen(self.app, self, errors or problems))
            return
        current = self.session.scene_id or self.session.ending_id
        if current not in scenario.scenes and current not in scenario.endings:
            players = dict(self.session.players)
            self.app.show(MessageScreen(
                self.app, self.app.t("reload.gone_title"),
                self.app.t("reload.gone", scene=current),
                back=self.continue_play,
                action=(self.app.t("reload.restart"),
                        lambda: Game.start(self.app, self.path, scenario, players,
                                           briefings=False)),
            ))
            return
        log_path = self.session.log_path
        self.session.close()
        try:
            session = Session.resume(log_path, scenario, force=True, clock=self.app.game_clock,
                                     lang=self.app.lang)
        except (LogError, SamenspelError, OSError) as exc:
            self._show_error(self.app, self.app.t("reload.failed_title"), exc)
            return
        self.scenario = scenario
        register_team(scenario.roles)
        self.session = session
        self.seen_decision = session.last_decision
        warnings = len(problems)
        self.notices.append(("info", ("reload.done", {"n": warnings})))
        self.continue_play()

    def stop(self) -> None:
        """Save and stop: the log is already on disk; close it and close the window."""
        self.session.close()
        self.app.quit(0)

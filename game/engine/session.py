"""`Session`: one team playing one scenario, the pull API the window, text mode and tests drive.

A session owns the game state (current scene, variables, who knows which card, votes), a
`transitions` state machine over the scene graph (`game.engine.machine`) and, optionally, a
JSON Lines log (`game.engine.log`). Every accepted move becomes one or more event dicts in
`session.events` and, with a log, a durable line on disk before the method returns. A refused
move raises `SessionError` (message in the session's language, quoting the input) and writes
nothing, so the log is valid after any sequence of calls.

Time is injected (`clock`, seconds, monotonic), so tests and the simulator control timers.
Randomness (weighted routes) comes from `random.Random(seed)`, so a log replays exactly.

Decisions where the format is silent (also in docs/engine.md):
- `session.scene` is the current `Scene` object, None once the session ended; `session.ending`
  is the `Ending` reached, else None. `scene_id`/`ending_id` give the ids.
- `visited(scene)` is true for the current scene too (it has been entered).
- A vote or consensus round counts only actors that have at least one open option; an actor
  with none is not waited for. A round whose remaining actors have no options is closed at once.
- A tie in a vote goes to the tiebreak role's vote when it is one of the tied choices, else to
  the tied choice shown first (in the scene's shown order, see below).
- Choices are shown in an order shuffled per scene visit from the session's seed, the scene id
  and the visit number (`keep_order: true` keeps the written order); the same for every role,
  logged in `scene_entered` as `order`, so resume, replay and fork show the same order.
- Consent is judged per recipient (`is_within_consent`); a grant from `ask_consent` lasts for
  the rest of the session, per card and recipient.
- Routes are evaluated after the choice's effects (set, add, score, learn, then goto). When no
  route can be taken at that moment (the state changed since the choice was offered), the
  session stays in the scene, the decision is still logged, and the team chooses again.
- A timer runs on the injected clock from scene entry; it only fires through `tick()`. Moves
  made after the deadline but before `tick()` are accepted. On resume the timer continues
  with the time that was left at the last logged event.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import random
import time
import uuid
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from attrs import frozen
from transitions import MachineError

from game import scoring
from game.__version__ import VERSION
from game.engine import events as ev
from game.engine.log import LogWriter, read_log, repair_tail
from game.engine.machine import PROCEED, TIMEOUT, SceneModel, choose_trigger, plan_for
from game.errors import LogError, SessionError
from game.i18n import translate
from game.scenario.model import TEAM, Choice, Effects, Ending, Info, Scenario, Scene, frozen_dict
from game.scenario.template import render

logger = logging.getLogger(__name__)

Value = bool | int | float


@frozen
class LastDecision:
    """The most recent decision, for showing feedback: what was chosen, by whom, what changed.

    `feedback` is the choice's feedback rendered right after its effects (None when the author
    wrote none); `changes` maps each variable the choice set or added to `(old, new)`.
    """

    scene: str
    choice: str
    text: str
    by: tuple[str, ...]
    decision: str
    feedback: str | None
    changes: dict[str, tuple[Value, Value]]
    points: dict[str, int | float]


@frozen
class VoteRound:
    """A vote or consensus round: its number (from 1) and the votes cast so far, role → choice."""

    number: int
    votes: dict[str, str]


#: The round every scene starts with (shared: a `VoteRound` is replaced, never changed, and
#: its empty votes cannot be changed either).
_FIRST_ROUND = VoteRound(1, frozen_dict())


def _render(text: str, session: Session) -> str:
    """Render a scenario text with the session's variables, players and role names."""
    return render(text, session.variables, session.players, session.role_names, session.lang)


class Session:
    """One playthrough of a scenario by a team; see the module docstring and docs/engine.md.

    `players` maps role id → player name; a role without a player is named after the role's
    display name. `log` is a path for the JSON Lines log (None: no log); an existing non-empty
    file is refused (use `Session.resume`). `seed` seeds weighted routes. `clock` returns
    seconds (monotonic) and drives timers and `elapsed_ms`. `lang` (`nl`/`en`) is the language
    of error messages and of numbers in rendered text.

    State for the interface, all read-only: `scene`, `ending`, `finished`, `variables`
    (var → value), `knowledge` (role → frozenset of card ids), `vote_round` (current round and
    its votes), `previous_round` (the round before, shown when a consensus failed),
    `last_decision`, `consulted_roles` and `advice_shown` (this scene), `events`.
    """

    def __init__(
        self,
        scenario: Scenario,
        players: Mapping[str, str] | None = None,
        log: str | os.PathLike[str] | None = None,
        seed: int = 1,
        clock: Callable[[], float] = time.monotonic,
        lang: str = "nl",
        *,
        _replay: Sequence[dict[str, Any]] | None = None,
    ):
        self.scenario = scenario
        self.lang = lang if lang in ("nl", "en") else "nl"
        self.seed = seed
        self.clock = clock
        players = dict(players or {})
        for role in players:
            if role not in scenario.roles:
                raise SessionError(self._msg("unknown_role", role=role, roles=self._role_list()))
        self.players: dict[str, str] = {
            rid: (players.get(rid) or role.name) for rid, role in scenario.roles.items()
        }
        self.role_names: dict[str, str] = {rid: r.name for rid, r in scenario.roles.items()}
        self._plan = plan_for(scenario)
        self._model = SceneModel(scenario.start)
        self._rng = random.Random(seed)
        self._picks: dict[tuple[str, str, int], int] = {}

        self.variables: dict[str, Value] = {
            vid: v.initial for vid, v in scenario.variables.items()
        }
        self._knowledge: dict[str, set[str]] = {rid: set() for rid in scenario.roles}
        for info in scenario.info.values():
            if info.owner is not None and info.owner in self._knowledge:
                self._knowledge[info.owner].add(info.id)
        self._shared: set[str] = set()
        self._share_rewarded: set[str] = set()
        self._grants: set[tuple[str, str]] = set()
        self._entries: dict[str, int] = {}
        self._order: tuple[str, ...] = ()
        # BLAKE2b state after the key's "<seed>:" prefix, copied for each scene visit.
        self._order_hash = hashlib.blake2b(f"{seed}:".encode(), digest_size=8)
        self._visited: set[str] = set()
        self._chosen: set[tuple[str, str]] = set()
        self._consulted: set[str] = set()
        self.advice_shown: dict[str, str] = {}
        self.vote_round = _FIRST_ROUND
        self.previous_round: VoteRound | None = None
        self._last_decision: LastDecision | tuple[Any, ...] | None = None
        self.ending: Ending | None = None
        self._deadline: float | None = None
        self._entered_elapsed = 0

        self.events: list[dict[str, Any]] = []
        self._replay = list(_replay) if _replay is not None else None
        self._t0 = clock()
        self._elapsed_offset = 0
        self._writer: LogWriter | None = None
        if log is not None:
            path = Path(log)
            if path.exists() and path.stat().st_size > 0:
                raise LogError(translate("play.log.exists", self.lang, path=str(path)))
            self._writer = LogWriter(path)
        self.log_path: Path | None = Path(log) if log is not None else None

        # A random id per session, logged, from which every export derives its ids (so the
        # plain and the pseudonymised export of one session are one session to an LRS). On
        # replay the logged id is kept, and a log from before session ids gets none.
        if self._replay is None:
            session_id: str | None = str(uuid.uuid4())
        else:
            session_id = self._replay[0].get("session_id") if self._replay else None
        self._emit(
            ev.SESSION_STARTED,
            **({"session_id": session_id} if session_id else {}),
            scenario_id=scenario.id,
            scenario_title=scenario.title,
            scenario_sha256=scenario.sha256,
            format=scenario.format,
            engine_version=VERSION,
            seed=seed,
            players=[
                {"role": rid, "name": self.players[rid], "academy": role.academy}
                for rid, role in scenario.roles.items()
            ],
            lang=self.lang,
            scenario_path=str(Path(scenario.source).resolve()) if scenario.source else None,
        )
        self._enter(scenario.start, "start")

    # ------------------------------------------------------------------ state for the UI

    @property
    def scene(self) -> Scene | None:
        """The current scene, None once the session has ended."""
        return None if self.ending is not None else self.scenario.scenes[self._model.state]

    @property
    def scene_id(self) -> str | None:
        """The current scene's id, None once the session has ended."""
        return None if self.ending is not None else self._model.state

    @property
    def ending_id(self) -> str | None:
        """The id of the ending reached, else None."""
        return self.ending.id if self.ending is not None else None

    @property
    def finished(self) -> bool:
        """True once an ending was reached."""
        return self.ending is not None

    @property
    def last_decision(self) -> LastDecision | None:
        """The most recent decision (None before the first)."""
        last = self._last_decision
        if type(last) is tuple:
            last = self._last_decision = LastDecision(*last)
        return last

    @property
    def knowledge(self) -> dict[str, frozenset[str]]:
        """Which cards each role knows now: role → frozenset of card ids."""
        return {rid: frozenset(cards) for rid, cards in self._knowledge.items()}

    @property
    def consulted_roles(self) -> frozenset[str]:
        """The roles consulted so far in the current scene."""
        return frozenset(self._consulted)

    @property
    def choice_order(self) -> tuple[str, ...]:
        """The current scene's choice ids in the order shown to every role (empty otherwise)."""
        return self._order if self.ending is None else ()

    @property
    def consent_grants(self) -> frozenset[tuple[str, str]]:
        """The (card, role) pairs the family agreed to when asked (`ask_consent`)."""
        return frozenset(self._grants)

    def is_within_consent(self, card: str, role: str) -> bool:
        """True when sharing that card with that role is within consent right now.

        A card without consent always is. Otherwise the role must be covered by the consent's
        `to` (absent: every role), and the standing condition must hold or the family must
        have agreed to this recipient when asked.
        """
        info = self.scenario.info[card]
        if not info.covers(role):
            return False
        consent = self._plan.consents.get(card)
        if consent is None or consent(self):
            return True
        return (card, role) in self._grants

    def can_ask_consent(self, role: str, card: str) -> bool:
        """True when that role may ask the family's consent for that card now (see ask_consent)."""
        info = self.scenario.info.get(card)
        if self.ending is not None or info is None or not info.can_be_asked:
            return False
        asked_by = info.terms.asked_by if info.terms is not None else None
        if asked_by is not None:
            return role in asked_by
        return card in self._knowledge.get(role, ())

    @property
    def shared_cards(self) -> frozenset[str]:
        """The cards shared with at least one other role so far."""
        return frozenset(self._shared)

    def player_name(self, role: str) -> str:
        """The name of the player in that role."""
        return self.players[role]

    def cards(self, role: str) -> list[Info]:
        """The cards the role knows, in the order the scenario declares them."""
        known = self._knowledge[self._check_role(role)]
        return [info for cid, info in self.scenario.info.items() if cid in known]

    def scene_text(self) -> str:
        """The current scene's text (or, after the end, the ending's), rendered for display."""
        if self.ending is not None:
            return _render(self.ending.text, self)
        return _render(self.scenario.scenes[self._model.state].text, self)

    def briefing(self, role: str) -> str:
        """The role's private briefing, rendered (show it only to that role's player)."""
        return _render(self.scenario.roles[self._check_role(role)].briefing, self)

    def render(self, text: str) -> str:
        """Any scenario text (card text, advice, goals) rendered with the current state."""
        return _render(text, self)

    def shown_variables(self) -> list[tuple[str, Value]]:
        """The `show: true` variables and their values, in declaration order."""
        return [(vid, self.variables[vid]) for vid, v in self.scenario.variables.items() if v.show]

    def waiting_for(self) -> tuple[str, ...]:
        """The roles expected to act now.

        Choices: the actors that have an open option (for a vote or consensus, those that have
        not voted yet in this round). A narration scene: every role (anyone may continue).
        After the ending, or when no actor has an open option (a stall), the tuple is empty.
        """
        if self.ending is not None:
            return ()
        scene = self.scenario.scenes[self._model.state]
        if scene.next is not None:
            return tuple(self.scenario.roles)
        votes = self.vote_round.votes if scene.decision != "single" else {}
        return tuple(a for a in scene.actors if a not in votes and self._has_option(scene, a))

    def options(self, role: str) -> list[Choice]:
        """The choices that role can pick or vote for now (guards and `roles` applied).

        Empty when the role is not an actor, has already voted in this round, the scene is a
        narration scene, or the session has ended.
        """
        self._check_role(role)
        if self.ending is not None:
            return []
        scene = self.scenario.scenes[self._model.state]
        if role not in scene.actors or scene.next is not None:
            return []
        if scene.decision != "single" and role in self.vote_round.votes:
            return []
        return self._open_for(scene, role)

    def open_choices(self) -> list[Choice]:
        """Every choice of the current scene whose guard is open, whoever may take it."""
        if self.ending is not None:
            return []
        scene = self.scenario.scenes[self._model.state]
        return [c for c in self._shown(scene)
                if self._plan.choices[(scene.id, c.id)].is_open(self)]

    def advice_for(self, role: str) -> str | None:
        """The scene's advice for that role, rendered; None when the scene has none for it."""
        scene = self.scene
        if scene is None or role not in scene.advice:
            return None
        return _render(scene.advice[role], self)

    def time_left(self) -> float | None:
        """Seconds left in a timed scene (never below 0), else None."""
        if self._deadline is None or self.ending is not None:
            return None
        return max(0.0, self._deadline - self.clock())

    # ------------------------------------------------- expression context (EvalContext)

    def knows(self, role: str, info: str) -> bool:
        """True when that role knows that card (owned, learned or shared with it)."""
        return info in self._knowledge.get(role, ())

    def shared(self, info: str) -> bool:
        """True when the card has been shared with at least one other role."""
        return info in self._shared

    def consulted(self, role: str) -> bool:
        """True when that role was consulted in the current scene."""
        return role in self._consulted

    def visited(self, scene: str) -> bool:
        """True when the scene has been entered (the current scene counts)."""
        return scene in self._visited

    def chose(self, scene: str, choice: str) -> bool:
        """True when that choice was made (decided, not merely voted for) in that scene."""
        return (scene, choice) in self._chosen

    def granted(self, info: str, role: str) -> bool:
        """True when sharing that card with that role is within consent right now."""
        return info in self.scenario.info and role in self.scenario.roles and \
            self.is_within_consent(info, role)

    def pick_weighted(self, key: tuple[str, str, int], weights: Sequence[float]) -> int:
        """The route index drawn for a weighted run, drawn once per decision (seeded)."""
        pick = self._picks.get(key)
        if pick is None:
            pick = self._rng.choices(range(len(weights)), weights=weights)[0]
            self._picks[key] = pick
        return pick

    # ------------------------------------------------------------------------ moves

    def choose(self, role: str, choice_id: str) -> None:
        """Take a choice (`single`) or cast that role's vote (`vote`, `consensus`).

        Raises `SessionError` for an unknown role or choice, a role that is not an actor here
        or has already voted in this round, a choice hidden by its guard or not open to the
        role, a narration scene, or a session that has ended.
        """
        self._check_move(role, "choose")
        scene = self.scenario.scenes[self._model.state]
        if scene.next is not None:
            raise SessionError(self._msg("narration", scene=scene.id))
        if role not in scene.actors:
            raise SessionError(
                self._msg("not_actor", role=role, scene=scene.id, actors=", ".join(scene.actors))
            )
        try:
            choice = scene.choice(choice_id)
        except KeyError:
            raise SessionError(
                self._msg(
                    "unknown_choice",
                    choice=choice_id,
                    scene=scene.id,
                    options=", ".join(c.id for c in scene.choices),
                )
            ) from None
        if scene.decision != "single" and role in self.vote_round.votes:
            raise SessionError(
                self._msg("already_voted", role=role, round=self.vote_round.number,
                          choice=self.vote_round.votes[role])
            )
        if choice.roles is not None and role not in choice.roles:
            raise SessionError(self._msg("choice_role", choice=choice_id, role=role,
                                         roles=", ".join(choice.roles)))
        if not self._plan.choices[(scene.id, choice.id)].is_open(self):
            raise SessionError(self._msg("choice_closed", choice=choice_id, scene=scene.id))
        if scene.decision == "single":
            self._decide(scene, choice, (role,))
            return
        votes = {**self.vote_round.votes, role: choice.id}
        self.vote_round = VoteRound(self.vote_round.number, votes)
        self._emit(ev.VOTE_CAST, scene=scene.id, role=role, choice=choice.id,
                   round=self.vote_round.number)
        self._close_round_if_complete(scene)

    def proceed(self) -> None:
        """Leave a narration scene (one with `next`); any player may do this."""
        if self.ending is not None:
            raise SessionError(self._msg("finished", move="proceed", ending=self.ending.id))
        scene = self.scenario.scenes[self._model.state]
        if scene.next is None:
            raise SessionError(self._msg("not_narration", scene=scene.id))
        self._fire(PROCEED, "next")

    def share(self, role: str, card: str, to: str) -> None:
        """Share a card the role knows with one role or with the whole team (`to="team"`).

        A sensitive card shared with a recipient outside consent (`is_within_consent`) is
        still shared but counts as a breach (`on_breach` once per share); `on_share` applies
        the first time the card is shared with a recipient within consent. Recipients not in
        the card's `needed_by` are logged as `overshared` (not a breach). The recipients know
        the card from then on.
        """
        self._check_move(role, "share")
        self._check_card(card)
        if card not in self._knowledge[role]:
            raise SessionError(self._msg("card_not_known", role=role, card=card))
        recipients = self._recipients(role, card, to, "share_self")
        self._share(role, card, recipients, to == TEAM)

    def ask_consent(self, role: str, card: str, to: str) -> bool:
        """Ask the family's consent to share a card with a role or the team; True if granted.

        Any role that knows the card may ask (or, when the card names `asked_by`, one of
        those). Granted when the card's `consent.ask` holds now and every recipient is
        covered by `consent.to`; the grant lasts for the rest of the session, per recipient.
        Else refused and `on_refuse` applies; asking again later is allowed. Raises
        `SessionError` for an unknown role, card or target, a card whose consent cannot be
        asked for in play, a role that may not ask, or a session that has ended.
        """
        self._check_move(role, "ask_consent")
        info = self._check_card(card)
        if not info.can_be_asked:
            raise SessionError(self._msg("consent_not_askable", card=card))
        if not self.can_ask_consent(role, card):
            asked_by = info.terms.asked_by if info.terms is not None else None
            raise SessionError(self._msg("consent_not_asker", role=role, card=card,
                                         roles=", ".join(asked_by or ()) or "-"))
        recipients = self._recipients(role, card, to, "ask_self")
        ask = self._plan.asks[card]
        granted = bool(ask(self)) and all(info.covers(r) for r in recipients)
        changes: dict[str, list[Value]] = {}
        if granted:
            self._grants.update((card, r) for r in recipients)
        else:
            self._apply(info.on_refuse, changes)
        fields: dict[str, Any] = {
            "scene": self._model.state,
            "role": role,
            "info": card,
            "to": list(recipients),
            "granted": granted,
            "team": to == TEAM,
        }
        if changes:
            fields["changes"] = changes
        self._emit(ev.CONSENT_ASKED, **fields)
        self._close_round_if_complete(self.scenario.scenes[self._model.state])
        return granted

    def consult(self, role: str, other: str) -> str | None:
        """Role asks another role for its view; returns the advice shown to `other` (or None).

        The consulted role is shown the scene's `advice` for it, if any (also kept in
        `advice_shown[other]` until the scene changes).
        """
        self._check_move(role, "consult")
        if other not in self.scenario.roles:
            raise SessionError(self._msg("unknown_role", role=other, roles=self._role_list()))
        if other == role:
            raise SessionError(self._msg("consult_self", role=role))
        scene = self.scenario.scenes[self._model.state]
        self._consulted.add(other)
        advice = self.advice_for(other)
        if advice is not None:
            self.advice_shown[other] = advice
        self._emit(ev.CONSULTED, scene=scene.id, role=role, target=other)
        self._close_round_if_complete(scene)
        return advice

    def change_player(self, role: str, name: str) -> bool:
        """Another player takes `role` from now on (class play: a student who joins late).

        Logged as `player_changed`, so the debrief names who played the role when; texts
        rendered from now on use the new name. Returns False (nothing logged) when `name` is
        already the role's player. Raises `SessionError` for an unknown role, an empty name or
        a session that has ended.
        """
        self._check_move(role, "change_player")
        name = " ".join(str(name).split())
        if not name:
            raise SessionError(self._msg("empty_name", role=role))
        if name == self.players[role]:
            return False
        self.players[role] = name
        self._emit(ev.PLAYER_CHANGED, scene=self._model.state, role=role, name=name)
        return True

    def tick(self) -> bool:
        """Take `on_timeout` when the clock has passed the scene's deadline; True if it did."""
        if self.ending is None and self._deadline is not None and self.clock() >= self._deadline:
            self._expire_timer()
            return True
        return False

    def extend_timer(self, seconds: float) -> None:
        """Give the running timed scene `seconds` more (a teacher's extension in class play).

        Not logged: the log records moves, and the only thing an extension changes is when
        `timer_expired` happens, which is logged. A caller that resumes a session re-applies
        an extension it kept itself. Raises `SessionError` when no timer is running.
        """
        if self._deadline is None or self.ending is not None:
            raise SessionError(self._msg("no_timer", scene=self._model.state))
        self._deadline += float(seconds)

    # --------------------------------------------------------------- scores and close

    def scores(self) -> dict[str, Any]:
        """Scores per dimension (points, max, percent) and per role, from `game.scoring`."""
        return scoring.scores(self.events, self.scenario)

    def metrics(self) -> dict[str, Any]:
        """Derived cooperation metrics of the events so far, from `game.scoring`."""
        return scoring.metrics(self.events, self.scenario)

    def close(self) -> None:
        """Close the log file (the session can still be read, but no longer played)."""
        if self._writer is not None:
            self._writer.close()

    def __enter__(self) -> Session:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------------------- resume

    @classmethod
    def resume(
        cls,
        log_path: str | os.PathLike[str],
        scenario: Scenario,
        force: bool = False,
        clock: Callable[[], float] = time.monotonic,
        lang: str | None = None,
    ) -> Session:
        """Rebuild a session from its log and continue appending to the same file.

        Every complete event is replayed through a fresh session with the seed, players and
        language of `session_started`; the replay must reproduce the log exactly, else
        `LogError` names the first line that differs. Unreadable lines at the end (a crash
        while writing, or junk appended) are dropped with a warning and cut off the file; the
        rest of a move a crash cut off between two of its events is restored and appended. A
        log of another version of the scenario (`scenario_sha256` differs) is refused unless
        `force`: then moves that no longer fit are skipped with a warning and the session goes
        on from where replay got. `lang` overrides the log's language for messages.
        """
        contents = read_log(log_path, lang or "nl")
        started = contents.started
        msg_lang = lang or started.get("lang", "nl")
        if started.get("scenario_sha256") != scenario.sha256 and not force:
            raise LogError(
                translate(
                    "play.resume.sha_mismatch",
                    msg_lang,
                    path=str(log_path),
                    scenario=scenario.source or scenario.id,
                    logged=str(started.get("scenario_sha256"))[:12],
                    actual=scenario.sha256[:12],
                )
            )
        if started.get("scenario_id") != scenario.id and not force:
            raise LogError(
                translate("play.resume.id_mismatch", msg_lang, path=str(log_path),
                          logged=started.get("scenario_id"), actual=scenario.id)
            )
        players = {p["role"]: p["name"] for p in started.get("players", [])
                   if p.get("role") in scenario.roles}
        logged = list(contents.events)
        session = cls(
            scenario,
            players=players,
            log=None,
            seed=started.get("seed", 1),
            clock=clock,
            lang=started.get("lang", "nl"),
            _replay=logged,
        )
        session.lang = msg_lang if msg_lang in ("nl", "en") else session.lang
        session._replay_log(logged, str(log_path), force)
        session.dropped_line = contents.dropped_line
        # Continue the same file: cut a damaged tail off, then append (unless it has ended).
        repair_tail(contents)
        if not session.finished or session._unwritten:
            session._writer = LogWriter(log_path)
            for event in session._unwritten:
                session._writer.write(event)
            session._unwritten = []
            if session.finished:
                session.close()
        session.log_path = Path(log_path)
        return session

    dropped_line: int | None = None
    """After `resume`: the line number of the first dropped unreadable line, else None."""

    _unwritten: list[dict[str, Any]] = []
    """During `resume`: events of a move cut off by a crash, to append to the log."""

    def _replay_log(self, logged: list[dict[str, Any]], path: str, force: bool) -> None:
        """Apply the moves recorded in `logged` and check the result matches it."""
        for index, event in enumerate(logged):
            line = index + 1
            if index >= len(self.events):
                try:
                    self._apply_logged_move(event, line, path)
                except (SessionError, MachineError, KeyError, TypeError) as exc:
                    if not force:
                        raise LogError(
                            translate("play.resume.refused", self.lang, path=path, line=line,
                                      type=event.get("type"), reason=exc)
                        ) from exc
                    logger.warning("%s:%d: skipped on forced resume: %s", path, line, exc)
                    continue
            if force:
                continue
            if index >= len(self.events) or not _same_event(self.events[index], event):
                got = self.events[index] if index < len(self.events) else None
                logged_text, replayed_text = _difference(event, got)
                raise LogError(
                    translate("play.resume.mismatch", self.lang, path=path, line=line,
                              logged=logged_text, replayed=replayed_text)
                )
        # Events the replay made beyond the log's end are the rest of the last logged move (or
        # of the start): a move writes several events, each fsynced, and a crash between two
        # of them leaves the move half on disk. They follow from the logged ones, so they are
        # kept and written when the log is reopened (`resume`), not refused.
        self._unwritten = self.events[len(logged):]
        if self._unwritten:
            logger.warning("%s", translate("play.resume.restored", self.lang, path=path,
                                           line=len(logged), count=len(self._unwritten)))
        # The log is the truth of what happened (exact times included): continue from it.
        self.events = list(logged) + self._unwritten
        self._replay = None
        last_elapsed = int(logged[-1].get("elapsed_ms", 0))
        self._elapsed_offset = last_elapsed
        self._t0 = self.clock()
        if self._deadline is not None and self.ending is None:
            scene = self.scenario.scenes[self._model.state]
            spent = max(0, last_elapsed - self._entered_elapsed) / 1000
            self._deadline = self.clock() + max(0.0, float(scene.timer or 0) - spent)

    def _apply_logged_move(self, event: dict[str, Any], line: int, path: str) -> None:
        """Replay one logged move through the public API (or its internal equivalent)."""
        kind = event.get("type")
        if self.ending is not None:
            raise SessionError(self._msg("finished", move=kind, ending=self.ending.id))
        if event.get("scene") is not None and event["scene"] != self._model.state and \
                kind != ev.SCENE_ENTERED:
            raise SessionError(
                self._msg("wrong_scene", scene=event["scene"], current=self._model.state)
            )
        if kind == ev.CONSULTED:
            self.consult(event["role"], event["target"])
        elif kind == ev.INFO_SHARED:
            others = [r for r in self.scenario.roles if r != event["role"]]
            team = event.get("team", list(event["to"]) == others and len(others) > 1)
            to = TEAM if team else (event["to"][0] if len(event["to"]) == 1 else None)
            if to is None:
                self._check_move(event["role"], "share")
                self._share(event["role"], event["info"], list(event["to"]), False)
            else:
                self.share(event["role"], event["info"], to)
        elif kind == ev.CONSENT_ASKED:
            others = [r for r in self.scenario.roles if r != event["role"]]
            team = event.get("team", list(event["to"]) == others and len(others) > 1)
            to = TEAM if team else event["to"][0]
            self.ask_consent(event["role"], event["info"], to)
        elif kind == ev.VOTE_CAST or kind == ev.CHOICE_MADE:
            deciders = [event["role"]] if kind == ev.VOTE_CAST else event["by"]
            role = deciders[0] if deciders else ""  # nobody: refused as an unknown role
            self.choose(role, event["choice"])
        elif kind == ev.PLAYER_CHANGED:
            if not self.change_player(event["role"], event["name"]):
                raise SessionError(self._msg("same_player", role=event["role"],
                                             name=event["name"]))
        elif kind == ev.TIMER_EXPIRED:
            if self.scenario.scenes[self._model.state].on_timeout is None:
                raise SessionError(self._msg("no_timer", scene=self._model.state))
            self._expire_timer()
        elif kind == ev.SCENE_ENTERED and event.get("via", "next") == "next":
            self.proceed()
        elif kind == ev.SESSION_ENDED and self.scenario.scenes[self._model.state].next:
            self.proceed()  # a narration scene leading straight to an ending
        else:
            raise SessionError(translate("play.resume.unexpected", self.lang, type=kind))

    # ---------------------------------------------------------------------- internals

    def _msg(self, key: str, **values: object) -> str:
        return translate(f"play.error.{key}", self.lang, **values)

    def _role_list(self) -> str:
        return ", ".join(self.scenario.roles)

    def _check_role(self, role: str) -> str:
        if role not in self.scenario.roles:
            raise SessionError(self._msg("unknown_role", role=role, roles=self._role_list()))
        return role

    def _check_move(self, role: str, move: str) -> None:
        if self.ending is not None:
            raise SessionError(self._msg("finished", move=move, ending=self.ending.id))
        self._check_role(role)

    def _check_card(self, card: str) -> Info:
        info = self.scenario.info.get(card)
        if info is None:
            raise SessionError(self._msg("unknown_card", card=card,
                                         cards=", ".join(self.scenario.info) or "-"))
        return info

    def _recipients(self, role: str, card: str, to: str, self_key: str) -> list[str]:
        """The roles `to` names (`team`: every role but `role`), refusing `role` itself."""
        if to == TEAM:
            return [r for r in self.scenario.roles if r != role]
        if to in self.scenario.roles:
            if to == role:
                raise SessionError(self._msg(self_key, role=role, card=card))
            return [to]
        raise SessionError(self._msg("unknown_target", to=to, roles=self._role_list()))

    def _shown(self, scene: Scene) -> list[Choice]:
        """The scene's choices in the shown order of this visit."""
        if scene.id != self._model.state or len(self._order) != len(scene.choices):
            return list(scene.choices)
        return [scene.choice(cid) for cid in self._order]

    def _open_for(self, scene: Scene, role: str) -> list[Choice]:
        choices = self._plan.choices
        return [
            c
            for c in self._shown(scene)
            if (c.roles is None or role in c.roles) and choices[(scene.id, c.id)].is_open(self)
        ]

    def _has_option(self, scene: Scene, role: str) -> bool:
        """True when the role has at least one open option (stops at the first)."""
        choices = self._plan.choices
        return any(
            (c.roles is None or role in c.roles) and choices[(scene.id, c.id)].is_open(self)
            for c in scene.choices
        )

    def _emit(self, event_type: str, **fields: Any) -> dict[str, Any]:
        return self._record(event_type, fields)

    def _record(self, event_type: str, fields: dict[str, Any]) -> dict[str, Any]:
        """Stamp, keep and log a new event: the common fields first, then the type's own."""
        if self._replay:
            # Replaying: reproduce the logged times, so that everything computed from them
            # (tempo metrics in session_ended) comes out identical.
            source = self._replay[min(len(self.events), len(self._replay) - 1)]
            stamp, elapsed = source.get("time", ""), int(source.get("elapsed_ms", 0))
        else:
            stamp = ev.utc_timestamp()
            elapsed = self._elapsed_offset + round((self.clock() - self._t0) * 1000)
        event = {"seq": len(self.events), "type": event_type, "time": stamp,
                 "elapsed_ms": elapsed, **fields}
        self.events.append(event)
        if self._writer is not None:
            self._writer.write(event)
        return event

    def _apply(
        self, effects: Effects | Choice, changes: dict[str, list[Value]] | None = None
    ) -> dict[str, list[Value]]:
        """Apply set then add (clamping after each change); record {var: [old, new]}.

        A `Choice` is applied directly (its `set` and `add`), without building its `effects`.
        """
        changes = {} if changes is None else changes
        for var, value in effects.set.items():
            old = self.variables[var]
            self.variables[var] = self._clamp(var, value)
            changes.setdefault(var, [old, None])[1] = self.variables[var]
        for var, delta in effects.add.items():
            old = self.variables[var]
            self.variables[var] = self._clamp(var, old + delta)
            changes.setdefault(var, [old, None])[1] = self.variables[var]
        return changes

    def _clamp(self, var: str, value: Value) -> Value:
        return self.scenario.variables[var].clamp(value)

    def _close_round_if_complete(self, scene: Scene) -> None:
        """Close a vote/consensus round once every actor that can still vote has voted."""
        if scene.decision == "single" or not self.vote_round.votes or self.ending is not None:
            return
        if scene.id != self._model.state:
            return
        votes = self.vote_round.votes
        if any(a not in votes and self._has_option(scene, a) for a in scene.actors):
            return
        counts = Counter(votes.values())
        if scene.decision == "consensus":
            if len(counts) > 1:
                self.previous_round = self.vote_round
                self.vote_round = VoteRound(self.vote_round.number + 1, {})
                return
            winner = next(iter(counts))
            by = tuple(a for a in scene.actors if a in votes)
        else:
            top = max(counts.values())
            tied = [c.id for c in self._shown(scene) if counts.get(c.id) == top]
            tb = scene.tiebreak_role
            winner = votes[tb] if tb in votes and votes[tb] in tied else tied[0]
            by = tuple(a for a in scene.actors if votes.get(a) == winner)
        self._decide(scene, scene.choice(winner), by)

    def _decide(self, scene: Scene, choice: Choice, by: tuple[str, ...]) -> None:
        """Apply a decided choice: effects in order set, add, score, learn, then goto."""
        changes = self._apply(choice)
        for role, cards in choice.learn.items():
            self._knowledge[role].update(cards)
        self._chosen.add((scene.id, choice.id))
        # The parts of `last_decision`, made into a `LastDecision` when somebody asks for it
        # (building a frozen attrs object per decision was a tenth of `choose()`); the
        # feedback is rendered now, with the variables right after the effects.
        self._last_decision = (
            scene.id,
            choice.id,
            choice.text,
            by,
            scene.decision,
            _render(choice.feedback, self) if choice.feedback else None,
            {k: (v[0], v[1]) for k, v in changes.items()},
            dict(choice.score),
        )
        self._record(
            ev.CHOICE_MADE,
            {
                "scene": scene.id,
                "choice": choice.id,
                "by": list(by),
                "decision": scene.decision,
                "changes": changes,
                "points": dict(choice.score),
            },
        )
        if not self._fire(choose_trigger(choice.id), "choice"):
            # No route holds after the effects: stay, and let the team choose again.
            logger.warning("no route of choice %r in scene %r can be taken; staying",
                           choice.id, scene.id)
            self.previous_round = None
            self.vote_round = _FIRST_ROUND

    def _share(self, role: str, card: str, recipients: list[str], team: bool) -> None:
        info = self.scenario.info[card]
        outside = [r for r in recipients if not self.is_within_consent(card, r)]
        overshared = [r for r in recipients if not info.needs(r)]
        allowed = not outside
        breach = info.sensitive and bool(outside)
        changes: dict[str, list[Value]] = {}
        if breach:
            self._apply(info.on_breach, changes)
        if len(outside) < len(recipients) and card not in self._share_rewarded:
            self._share_rewarded.add(card)
            self._apply(info.on_share, changes)
        self._shared.add(card)
        for r in recipients:
            self._knowledge[r].add(card)
        fields: dict[str, Any] = {
            "scene": self._model.state,
            "role": role,
            "info": card,
            "to": list(recipients),
            "consent": allowed,
            "breach": breach,
            "team": team,
            "outside_consent": outside,
            "overshared": overshared,
        }
        if changes:
            fields["changes"] = changes
        self._emit(ev.INFO_SHARED, **fields)
        self._close_round_if_complete(self.scenario.scenes[self._model.state])

    def _expire_timer(self) -> None:
        scene_id = self._model.state
        self._emit(ev.TIMER_EXPIRED, scene=scene_id)
        self._fire(TIMEOUT, "timeout")

    def _fire(self, trigger: str, via: str) -> bool:
        """Fire a machine trigger; on success enter the new state. False when no route held."""
        self._picks.clear()
        if not self._plan.fire(self._model, trigger, self):
            return False
        self._enter(self._model.state, via)
        return True

    def _enter(self, node: str, via: str) -> None:
        """Enter a scene (on_enter, timer, fresh votes) or reach an ending (session_ended)."""
        self._consulted.clear()
        self.advice_shown = {}
        self.vote_round = _FIRST_ROUND
        self.previous_round = None
        self._deadline = None
        if node in self.scenario.endings:
            self.ending = self.scenario.endings[node]
            metrics = scoring.metrics(self.events, self.scenario)
            scores = scoring.scores(self.events, self.scenario, metrics=metrics)
            self._emit(
                ev.SESSION_ENDED,
                ending=node,
                outcome=self.ending.outcome,
                scores=scores,
                metrics=metrics,
            )
            self.close()  # nothing can follow the ending
            return
        scene = self.scenario.scenes[node]
        self._visited.add(node)
        visit = self._entries[node] = self._entries.get(node, 0) + 1
        self._order = self._shuffled(scene, visit)
        changes = self._apply(scene.on_enter) if not scene.on_enter.is_empty() else {}
        fields: dict[str, Any] = {"scene": node, "via": via}
        if scene.choices:
            fields["order"] = list(self._order)
        if changes:
            fields["changes"] = changes
        event = self._record(ev.SCENE_ENTERED, fields)
        self._entered_elapsed = event["elapsed_ms"]
        if scene.timer is not None and scene.on_timeout is not None:
            self._deadline = self.clock() + float(scene.timer)

    def _shuffled(self, scene: Scene, visit: int) -> tuple[str, ...]:
        """The choice ids of a scene visit in shown order: seeded by session, scene, visit."""
        ids = [c.id for c in scene.choices]
        if not scene.keep_order and len(ids) > 1:
            digest = self._order_hash.copy()
            digest.update(f"{scene.id}:{visit}".encode())
            _shuffle(ids, digest)
        return tuple(ids)


def _shuffle(items: list[Any], digest: Any) -> None:
    """Shuffle `items` in place, determined by the key alone that `digest` (an 8-byte BLAKE2b)
    was fed, `"<seed>:<scene>:<visit>"`: stable across runs, platforms and Python versions, so
    a log's `order` replays. Fisher-Yates driven by a 64-bit LCG seeded from the digest; a
    `random.Random(key)` per scene visit cost four times as much (its state is 624 words),
    which showed in `choose()` (docs/performance.md)."""
    x = int.from_bytes(digest.digest(), "big")
    for i in range(len(items) - 1, 0, -1):
        x = (x * 6364136223846793005 + 1442695040888963407) & 0xFFFFFFFFFFFFFFFF
        j = (x >> 33) % (i + 1)
        items[i], items[j] = items[j], items[i]


def _normalise(event: dict[str, Any] | None) -> Any:
    return json.loads(json.dumps(event)) if event is not None else None


def _comparable(event: dict[str, Any]) -> Any:
    """What must match on replay: everything but the times, and for the ending not the scores.

    Scores and metrics are recomputed by `game.scoring` on replay; a newer scoring version
    must not make an old, finished log unreadable, so the logged values are kept as they are.
    """
    event = ev.without_time(event)
    if event.get("type") == ev.SESSION_STARTED:
        # Where a forked log came from (game.export.replay.fork) is provenance, not state.
        event = {k: v for k, v in event.items() if k != "forked_from"}
    if event.get("type") == ev.SESSION_ENDED:
        event = {k: v for k, v in event.items() if k not in ("scores", "metrics")}
    return _normalise(event)


def _same_event(replayed: dict[str, Any], logged: dict[str, Any]) -> bool:
    """True when a replayed event equals the logged one (see `_comparable`).

    Fields this engine adds beyond the required ones (docs/engine.md, "The log") are compared
    only when the log has them, so a log written by another producer of the documented format
    replays too.
    """
    want, got = _comparable(logged), _comparable(replayed)
    for name in ev.EXTRA_FIELDS:
        if name not in want:
            got.pop(name, None)
    return want == got


def _difference(logged: dict[str, Any], replayed: dict[str, Any] | None) -> tuple[str, str]:
    """The fields in which two events differ, as short JSON texts (logged, replayed)."""
    if replayed is None:
        return _short(logged), "-"
    a, b = _comparable(logged), _comparable(replayed)
    keys = [k for k in {**a, **b} if a.get(k) != b.get(k)]
    keys = ["type", *[k for k in keys if k != "type"]]
    return (_short({k: a.get(k) for k in keys}, False),
            _short({k: b.get(k) for k in keys}, False))


def _short(event: dict[str, Any] | None, strip_time: bool = True) -> str:
    if event is None:
        return "-"
    text = json.dumps(ev.without_time(event) if strip_time else event, ensure_ascii=False)
    return text if len(text) <= 200 else text[:197] + "..."

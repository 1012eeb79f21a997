"""Text mode: play a session in the terminal, line by line, also when input and output are piped.

The protocol (docs/engine.md, "Text mode") is what tests and terminal users type: every
prompt names the role whose turn it is (`[leerkracht] Kies 1-3:`); an input line is an option
number or a choice id, or one of the moves every scene offers: `deel KAART ROL|team` /
`share CARD ROLE|team`, `raadpleeg ROL` / `consult ROLE`, `vraag KAART ROL|team` /
`ask CARD ROLE|team` (ask the family's consent to share a card; add `als ROL` / `as ROLE` to
act as another role than the one prompted), `kaarten [ROL]` / `cards [ROLE]`, `help`, `stop`.
End of input or `stop` saves (the log is already durable) and exits with a line saying how to
resume.

Private text (briefings, cards, advice) is preceded by a hand-over line ("Geef het
toetsenbord aan Sara (Leerkracht)"). At a real terminal the player then presses Enter before
the private text appears, and again to clear the screen afterwards; when input is piped there
is no waiting, so a script only ever sends moves. Plain text only: no curses, no readline.
"""

from __future__ import annotations

import re
import shutil
import sys
import textwrap
from typing import TextIO

from game.engine.session import Session
from game.errors import SessionError
from game.i18n import format_number, translate
from game.scenario.template import paragraphs

EXIT_OK = 0
EXIT_STALLED = 1

_CURRENCY = ("€", "$", "£")
_CLEAR = "\033[2J\033[H"


#: The start of a line that a wrapped continuation lines up under: indentation, then a list
#: marker (`1.`, `2)`, `-`, `*`, `>>>`) and its space.
_HANGING = re.compile(r"^\s*(?:(?:\d+[.)]|[-*•]|>>>)\s+)?")


def _terminal_width(output: TextIO) -> int | None:
    """The terminal's width in columns when `output` is a terminal, else None."""
    try:
        if not output.isatty():
            return None
    except (AttributeError, ValueError):
        return None
    return shutil.get_terminal_size().columns


def wrap_line(line: str, width: int) -> str:
    """One line wrapped at `width` on word boundaries (never inside a word), continuation
    lines indented under the text after a list marker; a rule of one repeated character is
    cut to the width instead."""
    if len(line) <= width:
        return line
    if len(set(line)) == 1:
        return line[:width]
    hanging = " " * min(len(_HANGING.match(line).group(0)), width // 2)
    return textwrap.fill(line, width=width, subsequent_indent=hanging, break_long_words=False,
                         break_on_hyphens=False)


class _EndOfInput(Exception):
    """Input ran out (EOF): the session is saved and the player stops."""


class TextPlayer:
    """Drives one `Session` from a text stream, writing to another.

    `interactive` (default: whether `input` is a terminal) decides whether hand-over lines
    wait for Enter and clear the screen, and whether typed lines are echoed (they are echoed
    when piped, so a transcript reads like a terminal session). `width` is where lines wrap,
    on word boundaries (default: the terminal's width when `output` is a terminal, else no
    wrapping, so a piped transcript keeps every sentence on one line). `secret_vote` puts every vote
    behind a hand-over line and shows only that a role voted, not what. `resume_command` is the
    command line printed when the player stops. With `timers=False` the timers are off, as a
    teacher can switch them off in the window: no time is shown and time never runs out.
    """

    def __init__(
        self,
        session: Session,
        input: TextIO | None = None,  # noqa: A002 - the stream's natural name
        output: TextIO | None = None,
        *,
        lang: str | None = None,
        secret_vote: bool = False,
        interactive: bool | None = None,
        resume_command: str | None = None,
        width: int | None = None,
        timers: bool = True,
    ):
        self.session = session
        self.timers = timers
        self.input = input or sys.stdin
        self.output = output or sys.stdout
        self.lang = lang or session.lang
        self.secret_vote = secret_vote
        if interactive is None:
            try:
                interactive = self.input.isatty()
            except (AttributeError, ValueError):
                interactive = False
        self.interactive = interactive
        self.width = width if width is not None else _terminal_width(self.output)
        self.resume_command = resume_command
        self._shown_entry: int | None = None  # seq of the scene_entered last shown
        self._shown_prompt: tuple | None = None  # (role, round, option ids) last listed
        self._decisions_seen = 0

    def tick(self) -> bool:
        """Let a timed scene run out (True when it did); never when the timers are off."""
        return self.timers and self.session.tick()

    # ---------------------------------------------------------------- output helpers

    def t(self, key: str, **values: object) -> str:
        """A string of the play catalogue in the player's language."""
        return translate(f"play.text.{key}", self.lang, **values)

    def say(self, text: str = "") -> None:
        """Write one or more lines, each wrapped at `width` on word boundaries."""
        if self.width:
            text = "\n".join(wrap_line(line, self.width) for line in text.split("\n"))
        self.output.write(text + "\n")
        self.output.flush()

    def say_prose(self, text: str, indent: str = "") -> None:
        """Scenario prose: the author's single line breaks are joined (`paragraphs`), so a
        terminal and a pipe show the same lines; with a width, each paragraph is wrapped."""
        self.say("\n\n".join("\n".join(indent + line for line in para.split("\n"))
                              for para in paragraphs(text)))

    def who(self, role: str) -> str:
        """`Sara (Leerkracht)`: the player's name and the role's display name."""
        name = self.session.players[role]
        role_name = self.session.role_names[role]
        return role_name if name == role_name else f"{name} ({role_name})"

    def recipients(self, event: dict) -> str:
        """Who a share or consent request is for: "het hele team", or the players named."""
        if event.get("team"):
            return self.t("whole_team")
        return ", ".join(self.who(r) for r in event["to"])

    def value(self, var: str, value: object) -> str:
        """A variable's value for display: numbers in the language's format, with the unit."""
        spec = self.session.scenario.variables[var]
        text = format_number(value, self.lang)  # type: ignore[arg-type]
        if spec.unit and not isinstance(value, bool):
            text = f"{spec.unit}{text}" if spec.unit in _CURRENCY else f"{text} {spec.unit}"
        return text

    def read(self, prompt: str) -> str:
        """One input line after the prompt; raises `_EndOfInput` at the end of input."""
        if self.width:
            prompt = wrap_line(prompt, self.width - 1)  # room for the cursor after it
        self.output.write(prompt + " ")
        self.output.flush()
        line = self.input.readline()
        if not line:
            self.say()
            raise _EndOfInput
        line = line.strip()
        if not self.interactive:
            self.output.write(line + "\n")  # the echo of what was typed is not wrapped
            self.output.flush()
        return line

    def hand_over(self, role: str) -> None:
        """The hand-over line before private text; at a terminal, wait for Enter."""
        self.say()
        self.say(">>> " + self.t("hand_over", who=self.who(role)))
        if self.interactive:
            self.read(self.t("press_enter_ready", name=self.session.players[role]))

    def private_done(self) -> None:
        """After private text at a terminal: wait for Enter, then clear the screen."""
        if self.interactive:
            self.read(self.t("press_enter_hide"))
            self.output.write(_CLEAR)
            self.output.flush()
            # The screen is empty now: show the scene and the options again.
            self._shown_entry = None
            self._shown_prompt = None

    # ------------------------------------------------------------------- the screens

    def show_intro(self) -> None:
        """Title, summary, goals, the team; then every role's private briefing and cards."""
        s = self.session
        sc = s.scenario
        self.say("=" * 70)
        self.say(sc.title)
        self.say("=" * 70)
        if sc.summary:
            self.say_prose(sc.summary)
        if sc.learning_goals:
            self.say(self.t("learning_goals"))
            for goal in sc.learning_goals:
                self.say(f"  - {goal}")
        self.say(self.t("team"))
        for rid in sc.roles:
            self.say(f"  [{rid}] {self.who(rid)}")
        for rid, role in sc.roles.items():
            self.hand_over(rid)
            self.say(self.t("briefing_for", who=self.who(rid)))
            self.say_prose(s.briefing(rid))
            if role.goals:
                self.say(self.t("goals"))
                for goal in role.goals:
                    self.say(f"  - {s.render(goal)}")
            self.show_cards(rid, heading=True)
            self.private_done()

    def show_cards(self, role: str, heading: bool = False) -> None:
        """The cards a role knows (private: call after a hand-over line)."""
        cards = self.session.cards(role)
        if heading or cards:
            self.say(self.t("cards_of", who=self.who(role)) if cards else self.t("no_cards"))
        for info in cards:
            mark = " " + self.t("sensitive") if info.sensitive else ""
            self.say(f"  * {info.id}: {info.title}{mark}")
            self.say_prose(self.session.render(info.text), indent="    ")

    def show_scene(self) -> None:
        """The current scene: title, speaker, text, shown variables, timer, who acts."""
        s = self.session
        scene = s.scene
        assert scene is not None
        self.say()
        self.say("-" * 70)
        self.say(scene.title or scene.id)
        self.say("-" * 70)
        text = s.scene_text().strip()
        if scene.speaker:
            self.say(f"{scene.speaker}:")
        self.say_prose(text)
        shown = s.shown_variables()
        if shown:
            spec = s.scenario.variables
            self.say("   ".join(f"{spec[v].display_label}: {self.value(v, val)}"
                                 for v, val in shown))
        left = s.time_left() if self.timers else None
        if left is not None:
            self.say(self.t("timer", time=_mmss(left)))
        if scene.next is None:
            key = {"single": "acts_single", "vote": "acts_vote", "consensus": "acts_consensus"}
            self.say(self.t(key[scene.decision],
                            who=", ".join(self.who(a) for a in scene.actors)))
            # After a resume the round may be under way: say who has voted already.
            for role, choice_id in s.vote_round.votes.items():
                if self.secret_vote:
                    self.say(self.t("voted_secret", who=self.who(role)))
                else:
                    self.say(self.t("voted", who=self.who(role),
                                    choice=s.render(scene.choice(choice_id).text).strip()))
        self._shown_prompt = None

    def show_decision(self) -> None:
        """The decision just taken: choice, who, votes, feedback, changed variables."""
        s = self.session
        d = s.last_decision
        assert d is not None
        self.say()
        by = ", ".join(self.who(r) for r in d.by)
        self.say("*** " + self.t("decided", choice=d.text, by=by))
        if d.decision == "vote":
            tally = _tally(s, d.scene)
            if tally:
                self.say(self.t("tally", tally=tally))
        if d.feedback:
            self.say_prose(d.feedback)
        for var, (old, new) in d.changes.items():
            # Only variables the author shows on screen; the others are hidden state.
            if old != new and s.scenario.variables[var].show:
                label = s.scenario.variables[var].display_label
                self.say(f"  {label}: {self.value(var, old)} -> {self.value(var, new)}")

    def show_disagreement(self) -> None:
        """A failed consensus round: everyone sees who voted what, then votes again."""
        s = self.session
        prev = s.previous_round
        assert prev is not None and s.scene is not None
        self.say()
        self.say("!!! " + self.t("no_consensus", round=s.vote_round.number))
        for role, choice_id in prev.votes.items():
            self.say(f"  {self.who(role)}: {s.scene.choice(choice_id).text}")

    def show_ending(self) -> None:
        """The ending with its outcome, scores per dimension, index and reflection questions."""
        s = self.session
        end = s.ending
        assert end is not None
        self.say()
        self.say("=" * 70)
        self.say(self.t("ending", title=end.title, outcome=self.t(f"outcome.{end.outcome}")))
        self.say("=" * 70)
        self.say_prose(s.scene_text())
        scores = s.events[-1].get("scores") if s.events[-1]["type"] == "session_ended" else None
        if scores is None:  # a log from another producer may leave them out
            scores = s.scores()
        if scores:
            self.show_scores(scores)
        questions = list(end.questions) + list(s.scenario.debrief_questions)
        if questions:
            self.say()
            self.say(self.t("questions"))
            for q in questions:
                self.say(f"  ? {q}")

    def show_scores(self, scores: dict) -> None:
        """Team points per dimension (points / max, percent) and the cooperation index."""
        sc = self.session.scenario
        self.say()
        self.say(self.t("scores"))
        team = scores.get("team", {})
        for dim_id, dim in sc.scores.items():
            row = team.get(dim_id)
            if not isinstance(row, dict):
                continue
            pts = format_number(row.get("points", 0), self.lang)
            mx = row.get("max")
            pct = row.get("percent")
            line = f"  {dim.label}: {pts}"
            if mx is not None:
                line += f" / {format_number(mx, self.lang)}"
            if pct is not None:
                line += f" ({format_number(round(float(pct)), self.lang)}%)"
            self.say(line)
        index = scores.get("index")
        if isinstance(index, dict) and "value" in index:
            self.say(self.t("index", value=format_number(index["value"], self.lang)))
            for part, info in (index.get("parts") or {}).items():
                if isinstance(info, dict) and info.get("value") is not None:  # None: not
                    # measured in this session (say, no consent move), so nothing to show
                    label = translate(f"play.text.index_part.{part}", self.lang)
                    label = part if label == f"play.text.index_part.{part}" else label
                    value = format_number(round(float(info["value"])), self.lang)
                    self.say(f"    {label}: {value}")

    def show_help(self) -> None:
        """The input protocol."""
        self.say(self.t("help"))

    # ----------------------------------------------------------------------- playing

    def run(self, intro: bool = True) -> int:
        """Play until the ending, `stop` or end of input; returns the exit code."""
        s = self.session
        try:
            if intro:
                self.show_intro()
                self.say()
                self.say(self.t("help_hint"))
            else:
                self.say(self.t("resumed", scene=s.scene_id or s.ending_id))
            self._decisions_seen = _count(s, "choice_made")
            while not s.finished:
                if not self.step():
                    return self.stop()
            self.show_ending()
            if s.log_path is not None:
                self.say()
                self.say(self.t("log_at", path=s.log_path))
            return EXIT_OK
        except (_EndOfInput, KeyboardInterrupt):
            # Ctrl-C is a way to stop too: every completed move is in the log already.
            return self.stop()
        except _Stalled:
            self.say(self.t("stalled", scene=s.scene_id))
            return EXIT_STALLED

    def stop(self) -> int:
        """Save (the log is durable already) and say how to continue."""
        self.session.close()
        self.say(self.t("saved"))
        if self.session.log_path is not None:
            command = self.resume_command or f"samenspel resume {self.session.log_path} --text"
            self.say(self.t("how_to_resume", command=command))
        else:
            self.say(self.t("no_log"))
        return EXIT_OK

    def step(self) -> bool:
        """Show what changed, ask the next role, play its line. False when the player stops."""
        s = self.session
        if self.tick():
            self.say()
            self.say("!!! " + self.t("time_up"))
        if s.finished:
            return True
        entered = _last_entry(s)
        if entered != self._shown_entry:
            self._shown_entry = entered
            self.show_scene()
        scene = s.scene
        assert scene is not None
        if scene.next is not None:
            line = self.read(self.t("prompt_next"))
            if self.tick():
                self.say("!!! " + self.t("time_up"))
                return True
            if line == "" or line.lower() in ("1", "verder", "door", "next", "continue", "ok"):
                self._move(s.proceed)
                return True
            return self.command(line, s.waiting_for()[0])
        waiting = s.waiting_for()
        if not waiting:
            raise _Stalled
        role = waiting[0]
        options = s.options(role)
        key = (role, s.vote_round.number, tuple(c.id for c in options))
        if key != self._shown_prompt:
            if self._shown_prompt is not None and self.timers and s.time_left() is not None:
                self.say(self.t("timer", time=_mmss(s.time_left() or 0.0)))
            self._shown_prompt = key
            if scene.decision != "single":
                if self.secret_vote:
                    self.hand_over(role)
                self.say(self.t("vote_of", who=self.who(role), round=s.vote_round.number))
            elif len(scene.actors) > 1:
                self.say(self.t("turn_of", who=self.who(role)))
            for i, choice in enumerate(options, 1):
                self.say(f"  {i}. {s.render(choice.text).strip()}")
        n = len(options)
        prompt = self.t("prompt_one" if n == 1 else "prompt_many", n=n)
        line = self.read(f"[{role}] {prompt}").lower()  # ids are lower case in the format
        if self.tick():
            self.say()
            self.say("!!! " + self.t("time_up_late"))
            return True
        choice_id = None
        if line.isdigit() and 1 <= int(line) <= n:
            choice_id = options[int(line) - 1].id
        elif any(c.id == line for c in scene.choices):
            choice_id = line
        if choice_id is None and line.isdigit():
            self.say(self.t("out_of_range", line=line, n=n))
            return True
        if choice_id is None:
            return self.command(line, role)
        round_before = s.vote_round.number
        if self._move(lambda: s.choose(role, choice_id)):
            if scene.decision != "single" and not s.finished and s.scene_id == scene.id \
                    and _count(s, "choice_made") == self._decisions_seen:
                if self.secret_vote:
                    self.say(self.t("voted_secret", who=self.who(role)))
                else:
                    self.say(self.t("voted", who=self.who(role),
                                    choice=s.render(scene.choice(choice_id).text).strip()))
                if s.vote_round.number != round_before:
                    self.show_disagreement()
            self._after_move()
            if self.secret_vote and scene.decision != "single":
                self.private_done()
        return True

    def command(self, line: str, role: str) -> bool:
        """A line that is not a choice: share, consult, ask, cards, help, stop, or unknown."""
        s = self.session
        words = line.lower().split()
        if not words:
            return True
        verb = words[0].lower()
        actor = role
        if len(words) >= 3 and words[-2].lower() in ("als", "as"):
            actor = words[-1]
            words = words[:-2]
        if verb in ("stop", "quit", "exit"):
            return False
        if verb in ("help", "hulp", "?"):
            self.show_help()
        elif verb in ("deel", "share") and len(words) == 3:
            card, to = words[1], words[2]
            if self._move(lambda: s.share(actor, card, to)):
                event = s.events[-1]
                self.say(self.t("shared", who=self.who(actor), card=s.scenario.info[card].title,
                                to=self.recipients(event)))
                if event["breach"]:
                    self.say("!!! " + self.t("breach"))
                if event.get("overshared"):
                    self.say(self.t("overshared", to=", ".join(
                        self.who(r) for r in event["overshared"])))
                self._after_move()
        elif verb in ("vraag", "ask") and len(words) == 3:
            card, to = words[1], words[2]
            if self._move(lambda: s.ask_consent(actor, card, to)):
                event = s.events[-1]
                info = s.scenario.info[card]
                purpose = info.terms.for_ if info.terms is not None else None
                self.say(self.t("asked", who=self.who(actor), card=info.title,
                                to=self.recipients(event)))
                if purpose:
                    self.say(self.t("asked_for", purpose=s.render(purpose).strip()))
                self.say(self.t("granted" if event["granted"] else "refused"))
                self._after_move()
        elif verb in ("raadpleeg", "consult") and len(words) == 2:
            other = words[1]
            advice = None
            if self._move(lambda: s.consult(actor, other)):
                advice = s.advice_shown.get(other)
                self.say(self.t("consulted", who=self.who(actor), other=self.who(other)))
                if advice:
                    self.hand_over(other)
                    self.say(self.t("advice_for", role=s.role_names[other],
                                    asker=self.who(actor)))
                    self.say_prose(advice)
                    self.private_done()
                else:
                    self.say(self.t("no_advice", other=self.who(other)))
                self._after_move()
        elif verb in ("kaarten", "cards") and len(words) <= 2:
            whose = words[1] if len(words) == 2 else actor
            if whose not in s.scenario.roles:
                self.say(self.t("error", message=translate(
                    "play.error.unknown_role", self.lang, role=whose,
                    roles=", ".join(s.scenario.roles))))
            else:
                self.hand_over(whose)
                self.show_cards(whose, heading=True)
                self.private_done()
        else:
            self.say(self.t("unknown_input", line=line))
        return True

    def _move(self, move) -> bool:
        """Play a move; a refused move prints its message and returns False."""
        try:
            move()
        except SessionError as exc:
            self.say(self.t("error", message=exc))
            return False
        return True

    def _after_move(self) -> None:
        """Show a decision the move caused (a vote can close a round, a share a guard)."""
        made = _count(self.session, "choice_made")
        if made != self._decisions_seen:
            self._decisions_seen = made
            self.show_decision()


class _Stalled(Exception):
    """No role has an open option in the current scene (a scenario bug)."""


def _count(s: Session, kind: str) -> int:
    return sum(1 for e in s.events if e["type"] == kind)


def _last_entry(s: Session) -> int | None:
    for e in reversed(s.events):
        if e["type"] == "scene_entered":
            return e["seq"]
    return None


def _mmss(seconds: float) -> str:
    total = int(seconds + 0.999)
    return f"{total // 60:02d}:{total % 60:02d}"


def _tally(s: Session, scene_id: str) -> str:
    """`choice text: votes, ...` for the round that produced the last decision."""
    made = max(i for i, e in enumerate(s.events) if e["type"] == "choice_made")
    votes: list[dict] = []
    for e in reversed(s.events[:made]):
        if e["type"] != "vote_cast":
            if e["type"] in ("scene_entered", "choice_made"):
                break
            continue
        if votes and e["round"] != votes[0]["round"]:
            break
        votes.append(e)
    counts: dict[str, int] = {}
    for v in reversed(votes):
        counts[v["choice"]] = counts.get(v["choice"], 0) + 1
    scene = s.scenario.scenes[scene_id]
    return ", ".join(f"{s.render(scene.choice(c).text).strip()}: {n}" for c, n in counts.items())


def play_text(
    session: Session,
    input: TextIO | None = None,  # noqa: A002
    output: TextIO | None = None,
    *,
    intro: bool = True,
    secret_vote: bool = False,
    interactive: bool | None = None,
    resume_command: str | None = None,
    width: int | None = None,
    timers: bool = True,
) -> int:
    """Play a session in text mode; returns the exit code (0 ended or saved, 1 stalled)."""
    player = TextPlayer(session, input, output, secret_vote=secret_vote,
                        interactive=interactive, resume_command=resume_command, width=width,
                        timers=timers)
    return player.run(intro=intro)

"""The play screen: scene, speaker, who acts, choices as large numbered buttons, team, meters.

Everything shown is asked from the session: the scene and its rendered text, the roles it waits
for, the options open to each, the current vote round, the last decision, the shown variables
and the time left. The screen decides only how to show them:
- a single decision offers the acting role's choices;
- an open vote (the default) offers the choices to the first role that still has to vote, on
  the shared screen, one voter after the other;
- a secret vote shows the choices for discussion and a button that hands the laptop to the
  next voter, who votes behind a hand-over screen;
- a failed consensus round is shown to everyone before they vote again.
"""

from __future__ import annotations

from collections import Counter

import pygame

from game.i18n import format_number
from game.ui.screens.base import Screen, esc, prose
from game.ui.screens.panels import PickRoleScreen, SecretVoteScreen
from game.ui.theme import role_colour, role_initials
from game.ui.widgets import ChoiceButton, badge, ellipsize, font_line, meter, rgb, text, text_size


def format_value(app, variable, value) -> str:
    """A variable's value for display: 8.500 with its unit (currency symbols go in front)."""
    shown = format_number(value, app.lang)
    unit = variable.unit or ""
    if not unit:
        return shown
    if unit in ("€", "$", "£"):
        return f"{unit}{shown}"
    return f"{shown} {unit}"


def meter_fraction(variable, value) -> float | None:
    """Where a value sits on its meter: between min and max, or against its initial value."""
    if isinstance(value, bool):
        return 1.0 if value else 0.0
    lo = variable.min if variable.min is not None else 0
    if variable.max is not None and variable.max > lo:
        return (value - lo) / (variable.max - lo)
    initial = variable.initial if not isinstance(variable.initial, bool) else 0
    if initial and initial > lo:
        return min(1.0, (value - lo) / (initial - lo))
    return None


def deciding_votes(game, d) -> dict[str, str]:
    """The votes (role -> choice) of the round that made decision `d`, read from the log."""
    votes: dict[str, str] = {}
    rnd = None
    events = game.session.events
    end = max((i for i, e in enumerate(events) if e.get("type") == "choice_made"), default=-1)
    for e in reversed(events[:end]):
        if e.get("type") == "scene_entered":
            break
        if e.get("type") == "vote_cast" and e.get("scene") == d.scene:
            if rnd is None:
                rnd = e.get("round")
            if e.get("round") == rnd:
                votes.setdefault(e["role"], e["choice"])
    return votes


def vote_markup(app, game, d, secret: bool) -> list[str]:
    """How a vote was decided: counts only in secret mode, and the rule that broke a tie."""
    votes = deciding_votes(game, d)
    counts = Counter(votes.values())
    lines = []
    if secret:
        if d.decision == "consensus":
            lines.append(app.t("play.secret_consensus", choice=d.text))
        else:
            lines.append(app.t("play.secret_result", n=counts.get(d.choice, 0),
                               total=sum(counts.values()), choice=d.text))
    else:
        who = ", ".join(game.player(r) for r in d.by)
        key = "play.decided" if len(d.by) == 1 else "play.decided_many"
        lines.append(app.t(key, who=who, choice=d.text))
    top = max(counts.values(), default=0)
    tied = [c for c, n in counts.items() if n == top]
    if d.decision == "vote" and len(tied) > 1:
        scores = app.t("play.tie_counts", a=top, b=top) if len(tied) == 2 else " / ".join(
            str(n) for _, n in counts.most_common())
        tb = game.scenario.scenes[d.scene].tiebreak_role if d.scene in game.scenario.scenes \
            else None
        if tb is not None and votes.get(tb) == d.choice:
            lines.append(app.t("play.tie_role", counts=scores, role=game.role_name(tb)))
        else:
            lines.append(app.t("play.tie_order", counts=scores))
    return lines


def meter_colour(pal, variable, fraction: float | None) -> str | None:
    """The fill of a meter whose good end is known: green near the good end, orange in the
    middle, red near the bad end ("Spanning" full is red). None: the plain accent colour."""
    good = getattr(variable, "good", None)
    if good is None or fraction is None:
        return None
    goodness = fraction if good == "high" else 1 - fraction
    return pal.good if goodness >= 0.6 else pal.mixed if goodness >= 0.35 else pal.bad


def draw_good_end(surface: pygame.Surface, bar: pygame.Rect, variable, pal) -> None:
    """A small mark in the "good" colour at the good end of a meter (right: high is good,
    left: low is good), so a team sees which way it wants the bar to go."""
    good = getattr(variable, "good", None)
    if good is None:
        return
    size = max(4, bar.height // 2 + 2)
    x = bar.right + 3 if good == "high" else bar.x - 3
    d = 1 if good == "high" else -1
    pygame.draw.polygon(surface, rgb(pal.good), [(x, bar.centery - size), (x, bar.centery + size),
                                                 (x + d * size, bar.centery)])


def decision_markup(app, game, d) -> str:
    """What the team decided, the choice's feedback and how the shown variables changed."""
    if d.decision in ("vote", "consensus"):
        secret = app.settings.vote_mode == "secret"
        head, *rule = vote_markup(app, game, d, secret)
        parts = [f"<b>{esc(head)}</b>"] + [esc(r) for r in rule]
    else:
        who = ", ".join(game.player(r) for r in d.by)
        key = "play.decided" if len(d.by) == 1 else "play.decided_many"
        parts = [f"<b>{esc(app.t(key, who=who, choice=d.text))}</b>"]
    if d.feedback:
        parts.append(f"<i>{prose(d.feedback)}</i>")
    shown = {vid for vid, _ in game.session.shown_variables()}
    changes = []
    for vid, (old, new) in d.changes.items():
        if vid in shown and old != new:
            var = game.scenario.variables[vid]
            changes.append(esc(app.t("play.change", label=var.display_label,
                                     old=format_value(app, var, old),
                                     new=format_value(app, var, new))))
    if changes:
        parts.append(" · ".join(changes))
    return "<br>".join(parts)


def meter_items(app, variables) -> list[tuple[str, float | None, object]]:
    """(label with value, meter fraction, variable) per shown variable of `(id, value)` pairs."""
    items = []
    for var, value in variables:
        items.append((f"{var.display_label} {format_value(app, var, value)}",
                      meter_fraction(var, value), var))
    return items


def meter_row_fit(screen: Screen, items: list, room: int) -> tuple[int, str]:
    """The bar width and text size a row of meters takes in `room` pixels: long bars,
    shorter bars, then values only (bar width 0), at last in the small size."""
    widths = [text_size(label, scale=screen.app.scale, bold=True)[0] for label, _, _ in items]
    gap = screen.px(20)
    for bar_w in (screen.px(110), screen.px(56), 0):
        if sum(w + (screen.px(8) + bar_w if bar_w else 0) + gap for w in widths) <= room:
            return bar_w, "body"
    return 0, "small"


def draw_meter_row(screen: Screen, surface: pygame.Surface, items: list, right: int,
                   centery: int, room: int) -> tuple[int, dict]:
    """Values with meters on one line, ending at `right`: each meter coloured towards the
    variable's good end and marked there (`meter_colour`, `draw_good_end`). When `room` is
    short the bars get shorter, then go (values only, smaller). The play screen's header and
    the replay draw their variables with this, so both show the good end the same way.

    Returns the x where the row begins and each variable id's bar (for tests)."""
    app = screen.app
    pal = app.palette
    s = app.scale
    gap = screen.px(20)
    bar_w, kind = meter_row_fit(screen, items, room)
    bars = {}
    x = right
    for label, fraction, var in reversed(items):
        if bar_w:
            bar = pygame.Rect(x - bar_w - screen.px(6), centery - screen.px(6), bar_w,
                              screen.px(12))
            meter(surface, bar, fraction, pal, meter_colour(pal, var, fraction))
            draw_good_end(surface, bar, var, pal)
            bars[var.id] = bar
            x = bar.x - screen.px(12)
        r = text(surface, label, (x, centery), kind=kind, scale=s, colour=pal.text,
                 anchor="midright", bold=True)
        x = r.x - gap
    return x + gap, bars


def draw_header(screen: Screen, surface: pygame.Surface, game, rect: pygame.Rect) -> None:
    """The top bar: game and scenario title on the left, a meter per shown variable on the right.

    When the window is narrow for the font size, the title goes first, then the bars (the
    values stay), so the numbers a team plays for are always readable.
    """
    app = screen.app
    pal = app.palette
    pygame.draw.rect(surface, rgb(pal.surface), rect)
    pygame.draw.line(surface, rgb(pal.border), rect.bottomleft, rect.bottomright, 2)
    variables = [(game.scenario.variables[vid], value)
                 for vid, value in game.session.shown_variables()]
    x, screen.meter_bars = draw_meter_row(screen, surface, meter_items(app, variables),
                                          rect.right - screen.px(16), rect.centery,
                                          rect.width - screen.px(32))
    max_w = x - rect.x - screen.px(44)
    if max_w > screen.px(120):
        title = ellipsize(f"Samenspel · {game.scenario.title}", "body", app.scale, True, max_w)
        text(surface, title, (rect.x + screen.px(20), rect.centery), scale=app.scale,
             colour=pal.text, bold=True, anchor="midleft")


class PlayScreen(Screen):
    """One scene of the case, for the whole team on the shared screen."""

    name = "play"

    def __init__(self, app, game) -> None:
        super().__init__(app)
        self.game = game
        self.session = game.session
        self.notices = list(game.notices)
        game.notices.clear()
        # The decision that led into this scene stays visible (with its feedback) until the
        # next one: teams often read it aloud before they go on.
        decision = self.session.last_decision
        is_new = decision is not None and decision.scene != self.session.scene_id
        self.decision = decision if is_new else None
        self.header = pygame.Rect(0, 0, 0, 0)
        self.sidebar = pygame.Rect(0, 0, 0, 0)
        self.team_rows: list[tuple[pygame.Rect, str]] = []
        self.team_strip = False
        self.turn_rect = pygame.Rect(0, 0, 0, 0)
        self.turn_roles: list[str] = []
        self.turn_text = ""
        self.timer_rect = pygame.Rect(0, 0, 0, 0)
        self.shown_seconds: int | None = None
        self.tick_wait = 0.0
        self.turn_one_line = False
        self.turn_text_right = 0

    # ----- what to offer ------------------------------------------------------------------

    @property
    def secret(self) -> bool:
        """Secret voting is on for this team."""
        return self.app.settings.vote_mode == "secret"

    def acting(self) -> tuple[str, list]:
        """(mode, entries): how the choices are offered now.

        mode is "narration", "single", "open_vote", "secret_vote" or "stalled"; entries are
        (choice, role or None, note) rows: role None means shown but not clickable.
        """
        scene = self.session.scene
        waiting = list(self.session.waiting_for())
        if scene.is_narration:
            return "narration", []
        if not waiting:
            return "stalled", [(c, None, "") for c in self.session.open_choices()]
        if scene.decision == "single":
            rows, seen = [], set()
            for role in waiting:
                for c in self.session.options(role):
                    if c.id not in seen:
                        seen.add(c.id)
                        rows.append((c, role, ""))
            # The session's shown order (shuffled per session), never the file's.
            order = {cid: i for i, cid in enumerate(self.session.choice_order)}
            rows.sort(key=lambda r: order.get(r[0].id, len(order)))
            return "single", rows
        if self.secret:
            return "secret_vote", [(c, None, "") for c in self.session.open_choices()]
        pending = self.game.pending_votes
        voter = next((r for r in waiting if r not in pending), waiting[0])
        open_ids = {c.id for c in self.session.options(voter)}
        rows = []
        for c in self.session.open_choices():
            if c.id in open_ids:
                rows.append((c, voter, ""))
            else:
                names = ", ".join(self.game.role_name(r) for r in (c.roles or ()))
                rows.append((c, None, self.t("play.only_for", roles=names) if names else ""))
        return "open_vote", rows

    # ----- layout -------------------------------------------------------------------------

    @property
    def compact(self) -> bool:
        """True when the window is narrow for the font scale (projector at 175–200 %): the
        team moves from the sidebar to a strip under the header, the move buttons go below."""
        w, _ = self.app.size
        return w * 100 / self.app.scale < 1000

    def layout(self) -> None:
        w, h = self.app.size
        m = self.px(20) if not self.compact else self.px(10)
        self.header = pygame.Rect(0, 0, w, self.px(56) if not self.compact else self.px(44))
        mode, rows = self.acting()
        self._turn(mode)
        if self.compact:
            self.sidebar = pygame.Rect(0, self.header.bottom, w, self.px(44))
            self.team_strip = True
            moves_h = self.px(48)
            self._move_buttons(pygame.Rect(m, h - m - moves_h, w - 2 * m, moves_h), horizontal=True)
            main = pygame.Rect(m, self.sidebar.bottom + self.px(8), w - 2 * m,
                               h - self.sidebar.bottom - self.px(8) - 2 * m - moves_h)
        else:
            side_w = max(self.px(230), min(w * 2 // 9, self.px(330)))
            self.sidebar = pygame.Rect(0, self.header.bottom, side_w, h - self.header.bottom)
            self.team_strip = False
            self._sidebar()
            main = pygame.Rect(side_w + m, self.header.bottom + self.px(14), w - side_w - 2 * m,
                               h - self.header.bottom - self.px(14) - m)
        scene = self.session.scene
        title_h = self.px(46)
        y = main.y
        timed = self.session.time_left() is not None and self.app.settings.timers
        timer_w = self.px(150) if timed else 0
        self.timer_rect = pygame.Rect(main.right - timer_w, y, timer_w, title_h)
        self.label((main.x, y, main.width - timer_w - self.px(10), title_h),
                   scene.title or "", "title")
        y += title_h
        # The bottom is measured first (extra button, choices, the turn line), the rest is for
        # the banners and the scene text, and nothing is ever drawn over something else: when
        # room is short the speaker moves into the text, the turn line keeps one line, the
        # banners join the scene text in one scrolling box, and the choices scroll.
        s = self.app.scale
        line = text_size("Ag", scale=s)[1]
        badges_w = len(self.turn_roles) * (self.px(36) + self.px(8)) + self.px(4)
        turn_h = max(self.px(40), text_size(self.turn_text, scale=s, bold=True,
                                            width=main.width - badges_w)[1] + self.px(8))
        button_rows = self._choice_rows(mode, rows, main.width)
        heights = [ChoiceButton.height_for(lbl, note, main.width, s)
                   for _, lbl, note, _ in button_rows]
        gap = self.px(8)
        total = sum(heights) + gap * max(0, len(heights) - 1)
        smallest = min(heights) if heights else 0
        extra_h = 0 if self.compact else self._extra_buttons(mode, main, main.bottom, dry=True)
        min_text = line + self.px(24)  # at least one line of scene text shows (it scrolls)
        speaker_h = self.px(30) if scene.speaker else 0

        def room() -> int:
            return main.bottom - y - speaker_h - extra_h - turn_h - min_text - self.px(16)

        if room() < smallest and speaker_h:
            speaker_h = 0  # the speaker goes into the text box
        self.turn_one_line = False
        if room() < smallest:
            self.turn_one_line = True
            turn_h = max(self.px(30), line + self.px(8))
        # never less than one line of the first choice (it scrolls; the triangle says so)
        area_h = min(total, max(min(smallest, line + self.px(16)), room()))
        choices_top = main.bottom - extra_h - area_h
        self.choice_area = pygame.Rect(main.x, choices_top, main.width, area_h)
        self.turn_rect = pygame.Rect(main.x, choices_top - turn_h - self.px(4), main.width, turn_h)
        self.turn_text_right = self.turn_rect.right
        if speaker_h:
            self.label((main.x, y, main.width, speaker_h), f"{scene.speaker}:", "muted")
            y += speaker_h
        body = prose(self.session.scene_text())
        if scene.speaker and not speaker_h:
            body = f"<i>{esc(scene.speaker)}:</i> " + body
        middle = self.turn_rect.y - self.px(6) - y
        banners = self._banners()
        if banners:
            markup = "<br><br>".join(m for _, m in banners)
            style = "problems" if any(k in ("breach", "error") for k, _ in banners) else "card"
            wanted = self._banner_height(markup, main.width)
            bh = min(wanted, middle // 2)
            if bh >= self.px(50) and middle - bh - self.px(6) >= min_text:
                # one box for every banner (a share notice and the feedback do not stack)
                self.textbox((main.x, y, main.width, bh), markup, style)
                y += bh + self.px(6)
                middle -= bh + self.px(6)
            else:
                body = markup + "<br><br>" + body
        self.textbox((main.x - self.px(4), y, main.width + self.px(4), max(min_text, middle)),
                     body)
        self.place_choices([(n, lbl, note, act, act is not None)
                            for n, lbl, note, act in button_rows],
                           heights, gap)
        if self.compact:
            # narrow for the font: the extra button shares the turn line's row
            half = self.turn_rect.width // 2
            if self._extra_buttons(mode, self.turn_rect, self.turn_rect.bottom, height=turn_h,
                                   width=half):
                self.turn_text_right = self.turn_rect.right - half - self.px(8)
                self.turn_one_line = True
        else:
            self._extra_buttons(mode, main, main.bottom)

    def _choice_rows(self, mode: str, rows: list, width: int) -> list:
        """(number, label, note, action or None) for each choice button."""
        if mode == "narration":
            return [(1, self.t("play.continue"), "", self.game.proceed)]
        out = []
        for i, (choice, role, note) in enumerate(rows, start=1):
            action = None
            if role is not None and mode == "open_vote":
                def action(c=choice.id, r=role):
                    return self.game.vote(r, c)
            elif role is not None:
                def action(c=choice.id, r=role):
                    return self.game.choose(r, c)
            out.append((i, choice.text, note, action))
        return out

    def _extra_buttons(self, mode: str, main: pygame.Rect, bottom: int, dry: bool = False,
                       height: int | None = None, width: int | None = None) -> int:
        """The secret-vote button, or "Stem terugnemen" while an open round is not complete,
        under the choices; returns the height it needs."""
        pending = self.game.pending_votes if mode == "open_vote" else {}
        if mode != "secret_vote" and not pending:
            return 0
        bh = height or self.px(56)
        if pending and not dry:
            last = next(reversed(pending))
            bw = width or min(main.width, self.px(420))
            label, tip = self.fit(self.t("play.take_back", who=self.game.player(last)),
                                  bw - self.px(28))
            self.button((main.right - bw, bottom - bh, bw, bh), label, self.game.take_back_vote,
                        tooltip=tip)
        elif not dry:
            voter = self.session.waiting_for()[0]
            bw = width or min(main.width, self.px(520))
            label, tip = self.fit(self.t("play.cast_vote", who=self.game.who(voter)),
                                  bw - self.px(28), bold=True)
            self.button((main.right - bw, bottom - bh, bw, bh), label,
                        lambda: self.secret_vote(voter), kind="primary", tooltip=tip)
        return bh + self.px(8)

    def _sidebar(self) -> None:
        r = self.sidebar
        m = self.px(14)
        self.team_rows = []
        y = r.y + self.px(10)
        self.label((m, y, r.width - 2 * m, self.px(30)), self.t("play.team"), "muted")
        y += self.px(34)
        row_h = self.px(58)
        for role in self.game.scenario.roles:
            self.team_rows.append((pygame.Rect(m, y, r.width - 2 * m, row_h - self.px(6)), role))
            y += row_h
        bh = self.px(48)
        n = 3
        by = max(r.bottom - m - n * (bh + self.px(8)) + self.px(8), y + self.px(8))
        self._move_buttons(pygame.Rect(m, by, r.width - 2 * m, n * (bh + self.px(8)) - self.px(8)),
                           horizontal=False)

    def _move_buttons(self, area: pygame.Rect, horizontal: bool) -> None:
        """Share, consult and menu: stacked in the sidebar or side by side at the bottom."""
        buttons = [(self.t("play.cards"), self.open_share),
                   (self.t("play.consult"), self.open_consult),
                   (self.t("play.menu"), self.on_escape)]
        gap = self.px(8)
        if horizontal:
            bw = (area.width - 2 * gap) // 3
            for i, (label, action) in enumerate(buttons):
                self.button((area.x + i * (bw + gap), area.y, bw, area.height), label, action)
        else:
            bh = (area.height - 2 * gap) // 3
            for i, (label, action) in enumerate(buttons):
                self.button((area.x, area.y + i * (bh + gap), area.width, bh), label, action)

    def _banners(self) -> list[tuple[str, str]]:
        """Feedback on the last decision, a failed consensus round, notices (breach, timeout)."""
        out = []
        pal = self.app.palette
        for kind, msg in self.notices:
            if kind == "card":  # shared with the whole team: everyone may read it now
                out.append((kind, self._card_markup(*msg)))
                continue
            if isinstance(msg, tuple):
                msg = self.t(msg[0], **msg[1])
            colour = {"breach": pal.bad, "error": pal.bad, "timeout": pal.mixed,
                      "refused": pal.mixed}.get(kind)
            body = esc(msg)
            if colour:
                body = f"<font color='{colour}'><b>{body}</b></font>"
            out.append((kind, body))
        prev = self.session.previous_round
        if prev is not None and self.session.scene.decision == "consensus" and prev.votes:
            scene = self.session.scene
            if self.secret:  # counts only: a secret vote never shows who voted what
                counts = Counter(prev.votes.values())
                votes = "; ".join(self.t("play.votes_for", n=n, choice=scene.choice(c).text)
                                  for c, n in counts.most_common())
            else:
                votes = "; ".join(f"{self.game.player(r)}: {scene.choice(c).text}"
                                  for r, c in prev.votes.items())
            msg = self.t("play.no_consensus", round=prev.number, votes=votes)
            out.append(("consensus", f"<font color='{pal.mixed}'><b>{esc(msg)}</b></font>"))
        if self.decision is not None:
            out.append(("feedback", decision_markup(self.app, self.game, self.decision)))
        return out

    def _card_markup(self, role: str, card: str) -> str:
        """A card shared with the whole team, for everyone on the shared screen."""
        info = self.game.scenario.info[card]
        who = esc(self.t("share.team_card", who=self.game.who(role)))
        return (f"{who}<br><b>{esc(info.title)}</b><br>"
                f"{prose(self.session.render(info.text))}")

    def _banner_height(self, markup: str, width: int) -> int:
        plain = markup.replace("<br>", "\n")
        for tag in ("<b>", "</b>", "<i>", "</i>", "</font>"):
            plain = plain.replace(tag, "")
        while "<font" in plain:
            a = plain.index("<font")
            plain = plain[:a] + plain[plain.index(">", a) + 1:]
        _, th = text_size(plain, scale=self.app.scale, width=width - self.px(40))
        lines = max(1, round(th / font_line(self.app.scale)))
        # pygame_gui's text box spaces lines 1.25×; leave room for its padding
        return round(lines * font_line(self.app.scale) * 1.3) + self.px(30)

    def _turn(self, mode: str) -> None:
        scene = self.session.scene
        waiting = list(self.session.waiting_for())
        self.turn_roles = []
        if mode == "narration":
            self.turn_text = self.t("play.anyone_continues")
        elif mode == "stalled":
            self.turn_text = self.t("play.stalled")
        elif mode == "single":
            self.turn_roles = waiting
            self.turn_text = self.t("play.decides",
                                    who=" / ".join(self.game.who(r) for r in waiting))
        else:
            rnd = self.session.vote_round
            kind = self.t("play.consensus" if scene.decision == "consensus" else "play.vote")
            pending = {} if self.secret else self.game.pending_votes
            voted = ", ".join(self.game.player(r) for r in [*rnd.votes, *pending])
            voter = next((r for r in waiting if r not in pending), waiting[0])
            self.turn_roles = [voter]
            self.turn_text = self.t("play.voting", kind=kind, round=rnd.number,
                                    who=self.game.who(voter))
            if voted:
                self.turn_text += " · " + self.t("play.voted", names=voted)

    # ----- drawing ------------------------------------------------------------------------

    def draw(self, surface: pygame.Surface) -> None:
        """Header, sidebar with the team, the turn line with the acting roles' badges."""
        pal = self.app.palette
        s = self.app.scale
        draw_header(self, surface, self.game, self.header)
        pygame.draw.rect(surface, rgb(pal.surface), self.sidebar)
        if self.team_strip:
            self._draw_strip(surface)
        else:
            self._draw_sidebar(surface)
        # turn line
        x = self.turn_rect.x
        for rid in self.turn_roles:
            role = self.game.scenario.roles[rid]
            rad = self.px(18)
            badge(surface, (x + rad, self.turn_rect.centery), rad, role_colour(role),
                  role_initials(role), s)
            x += 2 * rad + self.px(8)
        room = self.turn_text_right - x - self.px(4)
        if getattr(self, "turn_one_line", False):
            text(surface, ellipsize(self.turn_text, "body", s, True, room),
                 (x + self.px(4), self.turn_rect.centery), scale=s, colour=pal.text, bold=True,
                 anchor="midleft")
        else:
            text(surface, self.turn_text, (x + self.px(4), self.turn_rect.centery), scale=s,
                 colour=pal.text, bold=True, anchor="midleft", width=room)
        self._draw_timer(surface)

    def _draw_sidebar(self, surface: pygame.Surface) -> None:
        pal = self.app.palette
        s = self.app.scale
        pygame.draw.line(surface, rgb(pal.border), self.sidebar.topright,
                         self.sidebar.bottomright, 2)
        waiting = set(self.turn_roles)
        for rect, rid in self.team_rows:
            role = self.game.scenario.roles[rid]
            colour = role_colour(role)
            on = rid in waiting
            if on:
                pygame.draw.rect(surface, rgb("#1a1a1a" if pal.high_contrast else "#eef3f8"),
                                 rect.inflate(self.px(8), self.px(4)), border_radius=8)
                pygame.draw.rect(surface, rgb(colour), (rect.x - self.px(4), rect.y - self.px(2),
                                                        self.px(5), rect.height + self.px(4)))
            rad = min(rect.height // 2, self.px(22))
            badge(surface, (rect.x + rad + self.px(4), rect.centery), rad, colour,
                  role_initials(role), s)
            tx = rect.x + 2 * rad + self.px(14)
            tw = rect.right - tx
            turn_w = 0
            if on:
                turn_w = text_size(self.t("play.your_turn"), kind="small", scale=s, bold=True)[0]
            name = text(surface,
                        ellipsize(self.game.player(rid), "body", s, True, tw - turn_w - self.px(6)),
                        (tx, rect.centery), scale=s, colour=pal.text, bold=True,
                        anchor="bottomleft")
            if on:
                text(surface, self.t("play.your_turn"), (rect.right, name.centery), kind="small",
                     scale=s, colour=pal.accent, bold=True, anchor="midright")
            text(surface, ellipsize(role.name, "small", s, False, tw), (tx, rect.centery),
                 kind="small", scale=s, colour=pal.text if on else pal.muted, anchor="topleft")

    def _draw_strip(self, surface: pygame.Surface) -> None:
        """The compact team: badges with names in one row, the acting roles underlined."""
        pal = self.app.palette
        s = self.app.scale
        r = self.sidebar
        pygame.draw.line(surface, rgb(pal.border), r.bottomleft, r.bottomright, 2)
        rad = r.height // 2 - self.px(6)
        roles = list(self.game.scenario.roles)
        widths = [2 * rad + self.px(6)
                  + text_size(self.game.player(rid), kind="small", scale=s, bold=True)[0]
                  for rid in roles]
        with_names = sum(widths) + self.px(16) * len(roles) <= r.width - self.px(20)
        x = r.x + self.px(10)
        for rid in roles:
            role = self.game.scenario.roles[rid]
            colour = role_colour(role)
            badge(surface, (x + rad, r.centery), rad, colour, role_initials(role), s)
            end = x + 2 * rad
            if with_names:
                end = text(surface, self.game.player(rid), (x + 2 * rad + self.px(6), r.centery),
                           kind="small", scale=s, colour=pal.text, bold=True,
                           anchor="midleft").right
            if rid in self.turn_roles:
                pygame.draw.rect(surface, rgb(colour),
                                 (x, r.bottom - self.px(5), end - x, self.px(4)))
            x = end + self.px(16)

    def _draw_timer(self, surface: pygame.Surface) -> None:
        left = self.session.time_left() if self.app.settings.timers else None
        if left is None:
            return
        pal = self.app.palette
        secs = int(left + 0.999)
        colour = pal.bad if secs <= 30 else pal.text
        label = f"{secs // 60:02d}:{secs % 60:02d}"
        r = text(surface, label, (self.timer_rect.right, self.timer_rect.centery), kind="title",
                 scale=self.app.scale, colour=colour, bold=True, anchor="midright")
        c = (r.x - self.px(18), self.timer_rect.centery)
        rad = self.px(12)
        pygame.draw.circle(surface, rgb(colour), c, rad, max(2, self.px(3)))
        pygame.draw.line(surface, rgb(colour), c, (c[0], c[1] - rad + self.px(4)),
                         max(2, self.px(3)))
        pygame.draw.line(surface, rgb(colour), c, (c[0] + rad - self.px(5), c[1]),
                         max(2, self.px(3)))

    # ----- time ---------------------------------------------------------------------------

    def update(self, dt: float) -> bool:
        """Count down; let the session take `on_timeout` when time is up."""
        if not self.app.settings.timers:
            return False
        left = self.session.time_left()
        if left is None:
            return False
        self.tick_wait -= dt
        if left <= 0 and self.tick_wait <= 0:
            self.tick_wait = 0.25
            if self.game.tick():
                return True
        secs = int(left + 0.999)
        if secs != self.shown_seconds:
            self.shown_seconds = secs
            return True
        return False

    def wake_interval(self) -> float | None:
        """Wake up for the countdown while a timer runs."""
        if self.app.settings.timers and self.session.time_left() is not None:
            return 0.25
        return None

    # ----- input and actions --------------------------------------------------------------

    def on_enter(self) -> bool:
        """Enter continues a narration scene."""
        if self.session.scene.is_narration:
            self.app.defer(self.game.proceed)
            return True
        return False

    def secret_vote(self, voter: str) -> None:
        """Hand the laptop to the voter, who votes where nobody else sees."""
        self.game.handover(voter,
                           lambda: self.app.show(SecretVoteScreen(self.app, self.game, voter)),
                           purpose="vote")

    def open_share(self) -> None:
        """Ask who wants to look at or share their cards."""
        self.app.show(PickRoleScreen(self.app, self.game, "share"))

    def open_consult(self) -> None:
        """Ask who consults whom."""
        self.app.show(PickRoleScreen(self.app, self.game, "consult"))

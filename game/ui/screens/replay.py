"""Replay a session: pick a log, step through its timeline, and play on from any step.

"Sessie terugkijken" on the picker lists the logs in the folder `samenspel play` writes to (and
"Open bestand..." takes any .jsonl). The replay view steps through the log one event at a
time, with a slider, previous/next buttons and the Left/Right keys. At each step it shows the
event in words (`game.export.replay.timeline`, the acting role's colour, breaches flagged), the
scene the team was in with its text, the shown variables after that event
(`game.export.replay.final_variables`, which follows the `changes` the engine logged) and the
scores so far (`game.scoring.scores` of the events up to that step). The screen computes no
rule of its own. "Speel verder vanaf hier" is `game.export.replay.fork`: a new log whose
`session_started` carries `forked_from`, resumed through the engine, then the normal play
screen. The log that is watched is only read, never written.
"""

from __future__ import annotations

import logging
from pathlib import Path

import pygame
import pygame_gui

from game import scoring
from game.errors import LogError, ScenarioError
from game.export.logs import find_scenario, read_team_log
from game.export.replay import final_variables, fork, settled_seq, timeline
from game.scenario.template import render
from game.ui import catalog
from game.ui.filedialog import FileDialog
from game.ui.screens.base import Screen, esc, prose
from game.ui.screens.message import MessageScreen
from game.ui.screens.play import (
    draw_good_end,
    draw_meter_row,
    format_value,
    meter_colour,
    meter_fraction,
    meter_items,
    meter_row_fit,
)
from game.ui.theme import register_team, role_colour, role_initials
from game.ui.widgets import badge, ellipsize, meter, rgb, text, text_size

log = logging.getLogger(__name__)


def _stamp(ms: int) -> str:
    """mm:ss since the start of the session."""
    secs = max(0, int(ms)) // 1000
    return f"{secs // 60:02d}:{secs % 60:02d}"


def _compact(app) -> bool:
    """True when the window is small for the font scale (the big-font layout)."""
    w, h = app.size
    return w * 100 / app.scale < 1000 or h * 100 / app.scale < 600


def open_log(app, path: Path, force: bool = False) -> None:
    """Read a log, find its scenario, then show the replay (or say clearly what is wrong).

    A scenario file that was edited after the session (another sha256) is explained first,
    with "Doorgaan met de nieuwe versie" as in the resume flow."""
    back = lambda: app.show(ReplayListScreen(app))  # noqa: E731
    path = Path(path)
    try:
        team = read_team_log(path, app.lang)
    except (LogError, OSError, ValueError) as exc:
        app.show(MessageScreen(app, app.t("replay.unreadable_title"),
                               f"{path}\n\n{exc}", back=back))
        return
    try:
        scenario = find_scenario(team, None, app.lang)
    except (LogError, ScenarioError, OSError) as exc:
        scenario = _from_folders(app, team)
        if scenario is None:
            reason = exc.format(app.lang) if isinstance(exc, ScenarioError) else str(exc)
            app.show(MessageScreen(app, app.t("replay.missing_title"),
                                   app.t("replay.missing", id=team.scenario_id, error=reason),
                                   back=back))
            return
    edited = scenario.sha256 != team.scenario_sha256
    if edited and not force:
        app.show(MessageScreen(
            app, app.t("replay.edited_title"),
            app.t("replay.edited", title=scenario.title, path=scenario.source or scenario.id),
            back=back, action=(app.t("replay.edited_go"), lambda: open_log(app, path, force=True))))
        return
    app.show(ReplayScreen(app, path, team, scenario, edited=edited))


def _from_folders(app, team):
    """The scenario of a log among the picker's folders (same sha256 preferred), or None."""
    entries = [e for e in catalog.discover(app.scenario_folders)
               if e.ok and e.scenario.id == team.scenario_id]
    for e in entries:
        if e.scenario.sha256 == team.scenario_sha256:
            return e.scenario
    return entries[0].scenario if entries else None


class ReplayListScreen(Screen):
    """The session logs in the user's log folder, newest first, and "Open bestand..."."""

    name = "replay-list"

    def __init__(self, app, logs: list | None = None, resume: bool = False) -> None:
        super().__init__(app)
        self.folder = app.logs_dir or catalog.logs_dir()
        # resume: every interrupted session, to continue one (from the picker's "Alle (N)")
        self.resume = resume
        if logs is None and resume:
            logs = [(e, False) for e in catalog.interrupted_sessions(self.folder)]
        self.logs = catalog.session_logs(self.folder) if logs is None else logs
        self.dialog = None

    def open(self, entry) -> None:
        """Watch the session again, or (resume list) continue it."""
        if self.resume:
            self.app.nav.resume_entry(entry)
        else:
            open_log(self.app, entry.log_path)

    def layout(self) -> None:
        w, h = self.app.size
        compact = _compact(self.app)
        m = self.px(12 if compact else 24)
        bh = self.px(48)
        self.label((m, m, w - 2 * m, self.px(48)),
                   self.t("resume.list_title" if self.resume else "replay.list_title"), "title")
        top = m + self.px(52)
        if not compact:
            self.label((m, top, w - 2 * m, self.px(52)),
                       self.t("replay.list_hint", folder=str(self.folder)), "muted", wrap=True)
            top += self.px(60)
        rect = pygame.Rect(m, top, w - 2 * m, h - top - 2 * m - bh)
        row = self.px(56)
        container = pygame_gui.elements.UIScrollingContainer(rect, manager=self.manager,
                                                             allow_scroll_x=False)
        inner = rect.width - (self.px(20) if len(self.logs) * row > rect.height else 0)
        container.set_scrollable_area_dimensions((inner, max(rect.height, len(self.logs) * row)))
        if not self.logs:
            self.label((0, 0, inner, self.px(40)), self.t("replay.none"), "muted",
                       container=container)
        for i, (entry, finished) in enumerate(self.logs):
            players = ", ".join(str(p.get("name", "")) for p in entry.players)
            key = "replay.entry" if finished else "replay.entry_open"
            if entry.problem is not None:  # opening it shows the reader's message
                key = "replay.entry_unreadable"
            label = self.t(key, time=entry.started.strftime("%d-%m %H:%M"),
                           title=entry.scenario_title or entry.scenario_id, players=players)
            if entry.forked_from:
                label += " · " + self.t("picker.fork_of", name=entry.forked_from)
            label, tip = self.fit(label, inner - self.px(24))
            self.button((0, i * row, inner, row - self.px(8)), label,
                        lambda e=entry: self.open(e), kind="list",
                        container=container, tooltip=tip)
        by = h - m - bh
        bw = min(self.px(280), (w - 3 * m) // 2)
        self.button((m, by, bw, bh), self.t("common.back"), self.back)
        self.button((w - m - bw, by, bw, bh), self.t("replay.open_file"), self.open_file)

    def back(self) -> None:
        """Back to the scenario picker."""
        self.app.nav.picker()

    def open_file(self) -> None:
        """A file dialog for a log anywhere on disk."""
        w, h = self.app.size
        rect = pygame.Rect(w // 8, h // 10, w * 3 // 4, h * 4 // 5)
        start = self.folder if self.folder.is_dir() else Path.home()
        self.dialog = FileDialog(
            rect, self.manager, scale=self.app.scale, window_title=self.t("replay.open_title"),
            allowed_suffixes={".jsonl"}, initial_file_path=str(start),
            allow_existing_files_only=True,
        )

    def handle_event(self, event: pygame.event.Event) -> bool:
        """A file picked in the dialog opens its replay."""
        if event.type == pygame_gui.UI_FILE_DIALOG_PATH_PICKED:
            path = Path(event.text)
            self.app.defer(lambda: open_log(self.app, path))
            return True
        if self.dialog is not None and self.dialog.alive():
            return False
        return super().handle_event(event)

    def on_number(self, number: int) -> bool:
        """1–9 open a log of the list."""
        if number <= len(self.logs):
            entry = self.logs[number - 1][0]
            self.app.defer(lambda: self.open(entry))
            return True
        return False

    def on_escape(self) -> None:
        """Esc closes an open dialog, else goes back to the picker."""
        if self.dialog is not None and self.dialog.alive():
            self.dialog.kill()
            return
        self.app.defer(self.back)


class ReplayScreen(Screen):
    """One session, step by step: slider, previous/next, Left/Right; play on from any step."""

    name = "replay"

    def __init__(self, app, path: Path, team, scenario, edited: bool = False,
                 index: int = 0) -> None:
        super().__init__(app)
        self.path = Path(path)
        self.team = team
        self.events = list(team.events)
        self.scenario = scenario
        register_team(scenario.roles)
        self.edited = edited
        self.moments = timeline(self.events, scenario, app.lang)
        self.index = max(0, min(index, len(self.events) - 1))
        self.players = {p.get("role"): str(p.get("name") or p.get("role")) for p in team.players}
        # Everyone who played each role, in turn (a role can change hands: player_changed).
        self.turns: dict[str, list[str]] = {}
        for seat in team.seatings:
            self.turns.setdefault(seat["role"], []).append(seat["name"] or seat["role"])
        self._cache: dict[int, dict] = {}
        self.slider = None
        self.scene_box = None
        self.fork_button = None
        self.card = pygame.Rect(0, 0, 0, 0)
        self.scene_title_rect = pygame.Rect(0, 0, 0, 0)
        self.step_rect = pygame.Rect(0, 0, 0, 0)
        self.side = pygame.Rect(0, 0, 0, 0)
        self.fork_note = pygame.Rect(0, 0, 0, 0)
        self.compact = False
        self.meter_bars: dict[str, pygame.Rect] = {}  # variable id -> its drawn meter

    # ----- the state at a step (read from the log; no rules here) -----------------------------

    def state(self, index: int | None = None) -> dict:
        """What the team saw after event `index`: scene or ending, variables, scores, markup."""
        index = self.index if index is None else index
        if index in self._cache:
            return self._cache[index]
        upto = self.events[: index + 1]
        variables = final_variables(upto, self.scenario)
        scene_id = ending_id = None
        for e in reversed(upto):
            if e.get("type") == "session_ended":
                ending_id = e.get("ending")
                break
            if e.get("type") == "scene_entered":
                scene_id = e.get("scene")
                break
        node = None
        if ending_id is not None:
            node = self.scenario.endings.get(ending_id)
        elif scene_id is not None:
            node = self.scenario.scenes.get(scene_id)
        role_names = {rid: r.name for rid, r in self.scenario.roles.items()}
        players = {rid: self.players.get(rid, r.name) for rid, r in self.scenario.roles.items()}
        for e in upto:  # texts name the player who held the role at this step
            if e.get("type") == "player_changed" and e.get("role") in players:
                players[e["role"]] = str(e.get("name") or players[e["role"]])
        body = ""
        if node is not None and node.text:
            try:
                body = render(node.text, variables, players, role_names, self.app.lang)
            except Exception:  # noqa: BLE001 - an edited scenario may name a variable that is gone
                log.warning("could not render the text of %s", getattr(node, "id", "?"))
                body = node.text
        try:
            scores = scoring.scores(upto, self.scenario)
        except Exception:  # noqa: BLE001 - the replay still shows the events
            log.exception("scores unavailable at step %d", index)
            scores = {}
        settled = settled_seq(self.events, index)
        out = {
            "scene": scene_id, "ending": ending_id,
            "title": (getattr(node, "title", "") or (ending_id or scene_id or "")),
            "text": body,
            "variables": variables,
            "scores": scores,
            "forkable": self.events[settled].get("type") != "session_ended",
        }
        self._cache[index] = out
        return out

    @property
    def moment(self):
        """The timeline moment of the current step."""
        return self.moments[self.index]

    # ----- layout -------------------------------------------------------------------------

    def layout(self) -> None:
        w, h = self.app.size
        self.compact = compact = _compact(self.app)
        m = self.px(12 if compact else 24)
        gap = self.px(12)
        bh = self.px(48 if compact else 56)
        title = self.t("replay.title", title=self.scenario.title)
        self.label((m, m, w - 2 * m, self.px(40 if compact else 44)), title, "title")
        y = m + self.px(44 if compact else 48)
        if not compact:
            players = ", ".join(self._who(r) for r in self.scenario.roles if r in self.players)
            sub = f"{self.path.name} · {players}"
            if self.edited:
                sub = f"{self.t('replay.edited_note')} · {sub}"
            self.label((m, y, w - 2 * m, self.px(30)), sub, "error" if self.edited else "muted")
            y += self.px(36)
        # the slider between previous and next
        nav_h = self.px(40 if compact else 44)
        prev_label, next_label = self.t("replay.prev"), self.t("replay.next")
        nav_w = max(text_size(prev_label, scale=self.app.scale)[0],
                    text_size(next_label, scale=self.app.scale)[0]) + self.px(32)
        self.button((m, y, nav_w, nav_h), prev_label, lambda: self.go(self.index - 1))
        self.slider = pygame_gui.elements.UIHorizontalSlider(
            pygame.Rect(m + nav_w + gap, y, w - 2 * m - 2 * nav_w - 2 * gap, nav_h),
            self.index, (0, max(1, len(self.events) - 1)), manager=self.manager, click_increment=1)
        self.button((w - m - nav_w, y, nav_w, nav_h), next_label, lambda: self.go(self.index + 1))
        y += nav_h + self.px(8 if compact else 12)
        step_y = y
        y += self.px(28 if compact else 32)
        by = h - m - bh
        bottom = by - gap
        # left: the event and the scene; right: variables and scores (below in the compact view)
        if compact:
            left = pygame.Rect(m, y, w - 2 * m, bottom - y)
            self.side = pygame.Rect(0, 0, 0, 0)
        else:
            side_w = min(self.px(400), (w - 2 * m) * 2 // 5)
            left = pygame.Rect(m, y, w - 2 * m - side_w - self.px(20), bottom - y)
            self.side = pygame.Rect(left.right + self.px(20), step_y, side_w, bottom - step_y)
        self.step_rect = pygame.Rect(m, step_y, left.width, self.px(26 if compact else 28))
        card_h = self.px(64 if compact else 104)
        self.card = pygame.Rect(left.x, left.y, left.width, card_h)
        ty = self.card.bottom + self.px(6 if compact else 8)
        if compact:  # one line of values; the scene title goes into the text box
            self.side = pygame.Rect(left.x, ty, left.width, self.px(26))
            self.scene_title_rect = pygame.Rect(0, 0, 0, 0)
            ty += self.px(30)
        else:
            self.scene_title_rect = pygame.Rect(left.x, ty, left.width, self.px(30))
            ty += self.px(32)
        self.scene_box = self.textbox((left.x, ty, left.width, max(self.px(30), left.bottom - ty)),
                                      self._scene_markup(), "card")
        back_w = min(self.px(240), (w - 3 * m) // 3)
        self.button((m, by, back_w, bh), self.t("common.back"), self.back)
        fork_label = self.t("replay.fork")
        fork_w = min(w - 3 * m - back_w,
                     max(self.px(300), text_size(fork_label, scale=self.app.scale)[0]
                         + self.px(40)))
        self.fork_button = self.button((w - m - fork_w, by, fork_w, bh), fork_label, self.fork,
                                       kind="primary")
        self.fork_note = pygame.Rect(m + back_w + gap, by,
                                     w - 2 * m - back_w - fork_w - 2 * gap, bh)
        self._refresh(move_slider=False)

    def _who(self, role: str) -> str:
        """'Anna (Jeugdprofessional)', or just the role when the player is named after it;
        'Anna → Noor (Jeugdprofessional)' when the role changed hands during the session."""
        label = self.scenario.roles[role].name
        name = " → ".join(self.turns.get(role) or [self.players.get(role, role)])
        return label if name == label else f"{name} ({label})"

    def _scene_markup(self) -> str:
        st = self.state()
        body = prose(st["text"]) if st["text"] else ""
        if self.compact:
            # the title goes into the box, and after the text everything the side panel would
            # show (the line above the box shows only what fits)
            key = "replay.ending" if st["ending"] else "replay.scene"
            values = " · ".join(label for label, _, _ in meter_items(self.app, self._shown(st)))
            index = self._index(st)
            team = (st["scores"] or {}).get("team", {})
            dims = [self.t("replay.index", value="—" if index is None else index)]
            for dim_id, dim in self.scenario.scores.items():
                pct = (team.get(dim_id) or {}).get("percent")
                dims.append(f"{dim.label} {'—' if pct is None else f'{round(pct)}%'}")
            tail = f"<br><br><b>{esc(self.t('replay.scores'))}</b>: {esc(' · '.join(dims))}"
            if values:
                tail = f"<br><br><b>{esc(self.t('replay.variables'))}</b>: {esc(values)}" + tail
            return f"<b>{esc(self.t(key, title=st['title']))}</b><br>{body}{tail}"
        return body

    def _refresh(self, move_slider: bool = True) -> None:
        """Show the current step without rebuilding (a slider being dragged keeps its grip)."""
        if (self.slider is not None and move_slider
                and round(self.slider.get_current_value()) != self.index):
            self.slider.set_current_value(self.index)
        if self.scene_box is not None:
            self.scene_box.set_text(self._scene_markup())
        if self.fork_button is not None:
            if self.state()["forkable"]:
                self.fork_button.enable()
            else:
                self.fork_button.disable()
        self.app.dirty = True

    # ----- drawing ------------------------------------------------------------------------

    def draw(self, surface: pygame.Surface) -> None:
        """The step line, the event card, the scene title, variables and scores."""
        pal = self.app.palette
        s = self.app.scale
        st = self.state()
        mo = self.moment
        step = self.t("replay.step", n=self.index + 1, total=len(self.events),
                      time=_stamp(mo.elapsed_ms))
        r = text(surface, step, self.step_rect.midleft, scale=s, colour=pal.text, bold=True,
                 anchor="midleft")
        if not self.compact:
            hint = ellipsize(self.t("replay.keys"), "small", s, False,
                             self.step_rect.right - r.right - self.px(24))
            text(surface, hint, self.step_rect.midright, kind="small", scale=s, colour=pal.muted,
                 anchor="midright")
        self._draw_card(surface, mo)
        if self.scene_title_rect.width:
            key = "replay.ending" if st["ending"] else "replay.scene"
            title = ellipsize(self.t(key, title=st["title"]), "subtitle", s, True,
                              self.scene_title_rect.width)
            text(surface, title, self.scene_title_rect.midleft, kind="subtitle", scale=s,
                 colour=pal.text, bold=True, anchor="midleft")
        if self.compact:
            self._draw_values_line(surface, st)
        else:
            self._draw_side(surface, st)
        if not st["forkable"] and self.fork_note.width > self.px(120):
            note = self.t("replay.fork_ended")
            tw = self.fork_note.width
            img_h = text_size(note, kind="small", scale=s, width=tw)[1]
            if img_h <= self.fork_note.height:
                text(surface, note, (self.fork_note.x, self.fork_note.centery - img_h // 2),
                     kind="small", scale=s, colour=pal.muted, width=tw)
            else:
                text(surface, ellipsize(note, "small", s, False, tw), self.fork_note.midleft,
                     kind="small", scale=s, colour=pal.muted, anchor="midleft")

    def _draw_card(self, surface: pygame.Surface, mo) -> None:
        """The event in words, on a card with a stripe and a badge in the acting role's colour."""
        pal = self.app.palette
        s = self.app.scale
        card = self.card
        role = self.scenario.roles.get(mo.roles[0]) if mo.roles else None
        colour = role_colour(role) if role is not None else pal.accent
        border = pal.border
        if mo.flag == "breach":
            border = pal.bad
        elif mo.flag == "timeout":
            border = pal.mixed
        pygame.draw.rect(surface, rgb(pal.surface), card, border_radius=10)
        pygame.draw.rect(surface, rgb(border), card, 3 if mo.flag else 2, border_radius=10)
        stripe = pygame.Rect(card.x, card.y, self.px(10), card.height)
        pygame.draw.rect(surface, rgb(colour), stripe, border_top_left_radius=10,
                         border_bottom_left_radius=10)
        x = stripe.right + self.px(12)
        if role is not None:
            rad = min(self.px(26), card.height // 2 - self.px(8))
            badge(surface, (x + rad, card.y + self.px(8) + rad), rad, colour,
                  role_initials(role), s)
            x += 2 * rad + self.px(12)
        width = card.right - x - self.px(12)
        flag = ""
        if mo.flag == "breach":
            flag = self.t("replay.breach")
        elif mo.flag == "timeout":
            flag = self.t("replay.timeout")
        flag_h = text_size(flag, kind="small", scale=s)[1] if flag else 0
        room = card.height - self.px(16) - flag_h
        kind = "body"
        for kind in ("body", "small"):  # wrap; a smaller size before cutting the text short
            if text_size(mo.text, kind=kind, scale=s, width=width)[1] <= room:
                break
        shown = mo.text
        while len(shown) > 4 and text_size(shown, kind=kind, scale=s, width=width)[1] > room:
            shown = shown[: int(len(shown) * 0.9)].rstrip() + "…"
        r = text(surface, shown, (x, card.y + self.px(8)), kind=kind, scale=s, colour=pal.text,
                 width=width)
        if flag:
            text(surface, ellipsize(flag, "small", s, True, width), (x, r.bottom),
                 kind="small", scale=s,
                 colour=pal.bad if mo.flag == "breach" else pal.mixed, bold=True)

    def _shown(self, st: dict) -> list[tuple[object, object]]:
        """(variable, value) of every shown variable at this step."""
        return [(var, st["variables"][vid]) for vid, var in self.scenario.variables.items()
                if var.show and vid in st["variables"]]

    def _index(self, st: dict):
        return ((st["scores"] or {}).get("index") or {}).get("value")

    def _draw_values_line(self, surface: pygame.Surface, st: dict) -> None:
        """Compact view: the index on the left, the shown variables with their meters on the
        right, drawn as the play screen's header draws them (shorter bars, then values only,
        when the line is short)."""
        pal = self.app.palette
        side = self.side
        index = self._index(st)
        line = self.t("replay.index", value="—" if index is None else index)
        items = meter_items(self.app, self._shown(st))
        room = side.width - min(text_size(line, scale=self.app.scale, bold=True)[0],
                                side.width // 3) - self.px(20)
        if items and not meter_row_fit(self, items, room)[0] \
                and meter_row_fit(self, items, side.width)[0]:
            room = side.width  # the meters first: the index is also in the box below
        x, self.meter_bars = draw_meter_row(self, surface, items, side.right, side.centery, room)
        room = x - side.x - self.px(20)
        if room < self.px(120):
            return
        kind = "body" if text_size(line, scale=self.app.scale, bold=True)[0] <= room else "small"
        text(surface, ellipsize(line, kind, self.app.scale, True, room), side.midleft, kind=kind,
             scale=self.app.scale, colour=pal.text, bold=True, anchor="midleft")

    def _draw_side(self, surface: pygame.Surface, st: dict) -> None:
        """Variables with meters, then the index and a bar per score dimension (what fits)."""
        pal = self.app.palette
        s = self.app.scale
        side = self.side
        pygame.draw.rect(surface, rgb(pal.surface), side, border_radius=10)
        pygame.draw.rect(surface, rgb(pal.border), side, 2, border_radius=10)
        pad = self.px(14)
        x, w = side.x + pad, side.width - 2 * pad
        y = side.y + pad
        text(surface, self.t("replay.variables"), (x, y), kind="subtitle", scale=s,
             colour=pal.text, bold=True)
        y += self.px(34)
        shown = self._shown(st)
        if not shown:
            text(surface, ellipsize(self.t("replay.no_variables"), "small", s, False, w), (x, y),
                 kind="small", scale=s, colour=pal.muted)
            y += self.px(28)
        self.meter_bars = {}
        for var, value in shown:
            if y + self.px(36) > side.bottom - pad:
                break
            vw = text(surface, format_value(self.app, var, value), (x + w, y), scale=s,
                      colour=pal.text, bold=True, anchor="topright").width
            text(surface, ellipsize(var.display_label, "body", s, False, w - vw - self.px(10)),
                 (x, y), scale=s, colour=pal.text)
            # coloured towards the good end and marked there, as on the play screen
            bar = pygame.Rect(x, y + self.px(27), w, self.px(8))
            fraction = meter_fraction(var, value)
            meter(surface, bar, fraction, pal, meter_colour(pal, var, fraction))
            draw_good_end(surface, bar, var, pal)
            self.meter_bars[var.id] = bar
            y += self.px(40)
        y += self.px(6)
        if y + self.px(34) > side.bottom - pad:
            return
        text(surface, self.t("replay.scores"), (x, y), kind="subtitle", scale=s,
             colour=pal.text, bold=True)
        y += self.px(34)
        index = self._index(st)
        line = self.t("replay.index", value="—" if index is None else index)
        text(surface, ellipsize(line, "body", s, True, w), (x, y), scale=s,
             colour=pal.accent, bold=True)
        y += self.px(32)
        team = (st["scores"] or {}).get("team", {})
        for dim_id, dim in self.scenario.scores.items():
            if y + self.px(36) > side.bottom - pad:
                break  # the rest is in the debrief report
            pct = (team.get(dim_id) or {}).get("percent")
            value = "—" if pct is None else f"{round(pct)}%"
            vw = text(surface, value, (x + w, y), scale=s, colour=pal.text, bold=True,
                      anchor="topright").width
            text(surface, ellipsize(dim.label, "body", s, False, w - vw - self.px(10)),
                 (x, y), scale=s, colour=pal.text)
            meter(surface, pygame.Rect(x, y + self.px(27), w, self.px(8)),
                  None if pct is None else max(0.0, pct) / 100, pal)
            y += self.px(40)

    # ----- actions ------------------------------------------------------------------------

    def go(self, index: int) -> None:
        """Show step `index` (clamped to the log)."""
        index = max(0, min(len(self.events) - 1, index))
        if index != self.index:
            self.index = index
            self._refresh()

    def handle_event(self, event: pygame.event.Event) -> bool:
        """The slider moves the step; Left/Right (and Home/End) step through the log."""
        if event.type == pygame_gui.UI_HORIZONTAL_SLIDER_MOVED and event.ui_element is self.slider:
            index = max(0, min(len(self.events) - 1, round(event.value)))
            if index != self.index:
                self.index = index
                self._refresh(move_slider=False)
            return True
        if event.type == pygame.KEYDOWN:
            steps = {pygame.K_LEFT: self.index - 1, pygame.K_RIGHT: self.index + 1,
                     pygame.K_HOME: 0, pygame.K_END: len(self.events) - 1}
            if event.key in steps:
                self.go(steps[event.key])
                return True
        return super().handle_event(event)

    def fork(self) -> None:
        """Play on from this step in a new log (the watched log stays as it was)."""
        if not self.state()["forkable"]:
            return
        new_path = self.app.nav.new_log_path(self.scenario.id)
        try:
            session = fork(self.path, self.index, new_path, self.scenario, lang=self.app.lang,
                           force=self.edited)
        except Exception as exc:  # a log the engine refuses: say why, come back here
            log.warning("fork failed: %s", exc)
            self.app.show(MessageScreen(self.app, self.t("replay.fork"),
                                        self.t("debrief.fork_failed", error=str(exc)),
                                        back=lambda: self.app.show(self)))
            return
        scene = session.scene.title if session.scene is not None else ""
        self.app.nav.play_on(Path(self.scenario.source or self.path), self.scenario, session,
                             self.t("debrief.forked", scene=scene or ""))

    def back(self) -> None:
        """Back to the list of logs."""
        self.app.show(ReplayListScreen(self.app))

    def on_escape(self) -> None:
        """Esc goes back to the list."""
        self.app.defer(self.back)

"""The debrief in the window: scores per dimension, the cooperation index with its parts, a
timeline of who did what, the reflection questions, and an export of the HTML report.

Numbers come from `game.scoring` (through `Session.scores()` and `metrics()`), the timeline
from `game.export.replay.timeline`, the report from `game.export.report.write_report`; the
screen computes nothing itself. Three tabs keep each view readable on a projector.
"""

from __future__ import annotations

import logging
from pathlib import Path

import pygame
import pygame_gui

from game.ui.screens.base import Screen, esc
from game.ui.screens.play import draw_header
from game.ui.widgets import ellipsize, meter, rgb, text

log = logging.getLogger(__name__)

TABS = ("scores", "timeline", "questions")
INDEX_PARTS = ("scores", "participation", "consultation", "information", "agreement")


def _report_writer():
    """`game.export.report.write_report` when the export package provides it, else None."""
    try:
        from game.export.report import write_report
    except ImportError:
        return None
    return write_report


class DebriefScreen(Screen):
    """Nabespreking: tabs Scores / Tijdlijn / Reflectie, export, new game."""

    name = "debrief"

    def __init__(self, app, game, tab: str = "scores") -> None:
        super().__init__(app)
        self.game = game
        self.tab = tab
        self.header = pygame.Rect(0, 0, 0, 0)
        self.bars: list[tuple[pygame.Rect, str, float | None, str]] = []
        self.index_box = pygame.Rect(0, 0, 0, 0)
        self.message = ""
        self.show_detail = True
        self.area_bottom = 0
        try:
            self.scores = game.session.scores()
        except Exception:  # scoring not available: the debrief still shows timeline and questions
            log.exception("scores unavailable")
            self.scores = {}

    def layout(self) -> None:
        w, h = self.app.size
        m = self.px(24)
        self.header = pygame.Rect(0, 0, w, self.px(56))
        y = self.header.bottom + self.px(16)
        self.label((m, y, w // 2, self.px(48)), self.t("debrief.title"), "title")
        tab_w = min(self.px(200), (w // 2 - m) // 3)
        x = w - m - 3 * tab_w - 2 * self.px(8)
        for tab in TABS:
            self.button((x, y, tab_w, self.px(48)), self.t(f"debrief.tab.{tab}"),
                        lambda t=tab: self.switch(t), kind="toggle_on" if tab == self.tab else None)
            x += tab_w + self.px(8)
        y += self.px(64)
        bh = self.px(56)
        area = pygame.Rect(m, y, w - 2 * m, h - y - bh - 2 * m)
        self.bars = []
        self.index_box = pygame.Rect(0, 0, 0, 0)
        if self.tab == "scores":
            self._scores(area)
        elif self.tab == "timeline":
            self._timeline(area)
        else:
            self.textbox(area, self._questions_markup(), "card")
        by = h - m - bh
        if _report_writer() is not None:
            self.button((m, by, self.px(300), bh), self.t("debrief.export"), self.export)
        self.button((w - m - self.px(300), by, self.px(300), bh), self.t("debrief.new_game"),
                    self.new_game, kind="primary")
        if self.message:
            self.label((m + self.px(316), by, w - 2 * m - self.px(632), bh), self.message, "small")

    # ----- tabs ---------------------------------------------------------------------------

    def _scores(self, area: pygame.Rect) -> None:
        team = self.scores.get("team", {})
        dims = self.game.scenario.scores
        index = self.scores.get("index") or {}
        parts = index.get("parts", {})
        col = area.width // 2 - self.px(12)
        head = self.px(44)
        n = max(len(dims), sum(1 for p in INDEX_PARTS if p in parts) + 1)
        # each row: label and value, the bar, one line of explanation; rows shrink to fit,
        # dropping the explanation first
        row = max(self.px(40), min(self.px(62), (area.height - head) // max(1, n)))
        self.area_bottom = area.bottom
        self.show_detail = row >= self.px(56)
        self.label((area.x, area.y, col, self.px(34)), self.t("debrief.dimensions"), "subtitle")
        y = area.y + head
        for dim_id, dim in dims.items():
            d = team.get(dim_id, {})
            detail = self.t("debrief.points", points=_num(d.get("points", 0)), max=_num(d.get("max", 0)))
            self.bars.append((pygame.Rect(area.x, y, col, row - self.px(6)), dim.label, d.get("percent"),
                              detail))
            y += row
        x2 = area.x + col + self.px(24)
        self.label((x2, area.y, col, self.px(34)), self.t("debrief.index"), "subtitle")
        self.index_box = pygame.Rect(x2, area.y + head, col, row - self.px(6))
        y = self.index_box.bottom + self.px(6)
        for part in INDEX_PARTS:
            if part not in parts:
                continue
            info = parts.get(part) or {}
            value = info.get("value")
            desc = self.t(f"debrief.part.{part}.hint")
            if value is None:
                desc = self.t("debrief.not_measured")
            else:
                weight = round(100 * float(info.get("effective_weight") or 0))
                desc = f"{desc} · {self.t('debrief.weight', weight=weight)}"
            self.bars.append((pygame.Rect(x2, y, col, row - self.px(6)), self.t(f"debrief.part.{part}"),
                              value, desc))
            y += row

    def _timeline(self, area: pygame.Rect) -> None:
        """The timeline, and beside it "Speel verder vanaf" per scene (a fork of the log)."""
        scenes = self._fork_points()
        if not scenes or area.width < self.px(700):
            self.textbox(area, self._timeline_markup(), "card")
            return
        side = min(self.px(360), area.width // 3)
        self.textbox((area.x, area.y, area.width - side - self.px(16), area.height),
                     self._timeline_markup(), "card")
        x = area.right - side
        self.label((x, area.y, side, self.px(60)), self.t("debrief.fork_title"), "muted", wrap=True)
        rect = pygame.Rect(x, area.y + self.px(64), side, area.height - self.px(64))
        row = self.px(52)
        container = pygame_gui.elements.UIScrollingContainer(rect, manager=self.manager,
                                                             allow_scroll_x=False)
        inner = rect.width - (self.px(20) if len(scenes) * row > rect.height else 0)
        container.set_scrollable_area_dimensions((inner, max(rect.height, len(scenes) * row)))
        for i, (seq, title) in enumerate(scenes):
            self.button((0, i * row, inner, row - self.px(8)), title,
                        lambda seq=seq: self.fork(seq), kind="list", container=container)

    def _fork_points(self) -> list[tuple[int, str]]:
        """(seq, scene title) of every scene entry of this session, in order."""
        if self.game.session.log_path is None:
            return []
        try:
            from game.export.replay import fork  # noqa: F401  (only offered when present)
        except ImportError:
            return []
        out = []
        for e in self.game.session.events:
            if e.get("type") == "scene_entered" and e.get("scene") in self.game.scenario.scenes:
                scene = self.game.scenario.scenes[e["scene"]]
                out.append((int(e["seq"]), scene.title or scene.id))
        return out

    def fork(self, seq: int) -> None:
        """Play on from a scene of this session in a new log (the original log is untouched)."""
        from game.export.replay import fork
        from game.ui.flow import Game

        log_path = Path(self.game.session.log_path)
        new_path = Game.new_log_path(self.app, self.game.scenario.id)
        try:
            session = fork(log_path, seq, new_path, self.game.scenario, lang=self.app.lang)
        except Exception as exc:  # a log the fork cannot use: say so, stay in the debrief
            log.warning("fork failed: %s", exc)
            self.message = self.t("debrief.fork_failed", error=str(exc))
            self.app.rebuild()
            return
        game = Game(self.app, self.game.path, self.game.scenario, session)
        game.notices.append(("info", self.t("debrief.forked", scene=session.scene.title or "")))
        game.continue_play()

    def _timeline_markup(self) -> str:
        try:
            from game.export.replay import timeline
        except ImportError:
            return esc(self.t("debrief.no_timeline"))
        pal = self.app.palette
        rows = []
        for moment in timeline(self.game.session.events, self.game.scenario, self.app.lang):
            secs = moment.elapsed_ms // 1000
            stamp = f"{secs // 60:02d}:{secs % 60:02d}"
            line = f"<b>{stamp}</b>  {esc(moment.text)}"
            if moment.flag == "breach":
                line = f"<font color='{pal.bad}'>{line}</font>"
            elif moment.flag == "timeout":
                line = f"<font color='{pal.mixed}'>{line}</font>"
            rows.append(line)
        return "<br>".join(rows)

    def _questions_markup(self) -> str:
        ending = self.game.session.ending
        out = []
        if self.game.scenario.learning_goals:
            out.append(f"<b>{esc(self.t('briefing.learning_goals'))}</b>")
            out += [f"• {esc(g)}" for g in self.game.scenario.learning_goals]
            out.append("")
        out.append(f"<b>{esc(self.t('debrief.questions'))}</b>")
        questions = list(ending.questions if ending else ()) + list(self.game.scenario.debrief_questions)
        out += [f"{i}. {esc(self.game.session.render(q))}" for i, q in enumerate(questions, start=1)]
        return "<br>".join(out)

    # ----- drawing ------------------------------------------------------------------------

    def draw(self, surface: pygame.Surface) -> None:
        """Header, the bars and the index figure."""
        pal = self.app.palette
        s = self.app.scale
        draw_header(self, surface, self.game, self.header)
        for rect, label, pct, detail in self.bars:
            if rect.bottom > self.area_bottom:
                continue  # not enough room at this font size: the report has everything
            value = "—" if pct is None else f"{round(pct)}%"
            vw = text(surface, value, (rect.right, rect.y), scale=s, colour=pal.text, bold=True,
                      anchor="topright").width
            text(surface, ellipsize(label, "body", s, True, rect.width - vw - self.px(10)), rect.topleft,
                 scale=s, colour=pal.text, bold=True)
            bar = pygame.Rect(rect.x, rect.y + self.px(28), rect.width, self.px(10))
            meter(surface, bar, None if pct is None else pct / 100, pal)
            if self.show_detail:
                text(surface, ellipsize(detail, "small", s, False, rect.width), (rect.x, bar.bottom + self.px(2)),
                     kind="small", scale=s, colour=pal.muted)
        if self.index_box.width:
            index = (self.scores.get("index") or {}).get("value")
            label = "—" if index is None else str(index)
            box = self.index_box
            pygame.draw.rect(surface, rgb(pal.surface), box, border_radius=10)
            pygame.draw.rect(surface, rgb(pal.accent), box, 2, border_radius=10)
            kind = "huge" if box.height >= self.px(60) else "title"
            r = text(surface, label, (box.x + self.px(16), box.centery), kind=kind, scale=s,
                     colour=pal.accent, bold=True, anchor="midleft")
            text(surface, ellipsize(self.t("debrief.index_of"), "body", s, False, box.right - r.right - self.px(20)),
                 (r.right + self.px(10), box.centery), scale=s, colour=pal.muted, anchor="midleft")

    # ----- actions ------------------------------------------------------------------------

    def switch(self, tab: str) -> None:
        """Show another tab."""
        self.tab = tab
        self.app.rebuild()

    def export(self) -> None:
        """Write the HTML report next to the log and say where it is."""
        write_report = _report_writer()
        log_path = Path(self.game.session.log_path)
        out = log_path.with_suffix(".html")
        try:
            write_report(self.game.session.events, out, self.game.scenario, lang=self.app.lang)
        except Exception as exc:  # export trouble must not end the debrief
            log.exception("report export failed")
            self.message = self.t("debrief.export_failed", error=str(exc))
        else:
            self.message = self.t("debrief.exported", path=str(out))
        self.app.rebuild()

    def new_game(self) -> None:
        """Back to the scenario picker."""
        from game.ui.screens.picker import PickerScreen

        self.game.session.close()
        self.app.game = None
        self.app.show(PickerScreen(self.app))

    def on_number(self, number: int) -> bool:
        """1–3 switch tabs."""
        if 1 <= number <= len(TABS):
            self.app.defer(lambda: self.switch(TABS[number - 1]))
            return True
        return False


def _num(value) -> str:
    """A points figure without a pointless .0."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value)

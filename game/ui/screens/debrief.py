"""The debrief in the window: scores per dimension, the cooperation index with its parts, a
timeline of who did what, the reflection questions, the teacher's guide, and an export of the
HTML report.

Numbers come from `game.scoring` (through `Session.scores()` and `metrics()`), the timeline
from `game.export.replay.timeline`, the report from `game.export.report.write_report`; the
screen computes nothing itself. Four tabs keep each view readable on a projector; the fourth
("Docent") holds the case's facilitator guide, which students never see before the ending.
"""

from __future__ import annotations

import logging
from pathlib import Path

import pygame
import pygame_gui

from game.export.csv import write_csv
from game.export.logs import read_team_log
from game.export.replay import fork, timeline
from game.export.report import write_report
from game.export.sources import team_logs
from game.export.xapi import write_xapi
from game.scoring import INDEX_WEIGHTS
from game.ui.screens.base import Screen, esc
from game.ui.screens.guide import guide_markup
from game.ui.screens.play import draw_header
from game.ui.widgets import ellipsize, meter, rgb, text, text_size

log = logging.getLogger(__name__)

TABS = ("scores", "timeline", "questions", "guide")
INDEX_PARTS = tuple(INDEX_WEIGHTS)  # the order scoring weighs them in


class DebriefScreen(Screen):
    """Nabespreking: tabs Scores / Tijdlijn / Reflectie / Docent, export, new game."""

    name = "debrief"

    def __init__(self, app, game, tab: str = "scores") -> None:
        super().__init__(app)
        self.game = game
        self.tab = tab
        self.header = pygame.Rect(0, 0, 0, 0)
        self.bars: list[tuple[pygame.Rect, str, float | None, str]] = []
        self.index_box = pygame.Rect(0, 0, 0, 0)
        self.message = ""
        self.pseudonymize = False
        # after "Opslaan": {"paths": [(kind, path, count)], "pseudonymized": bool}
        # or {"error": text}
        self.exported: dict | None = None
        self.show_detail = True
        self.area_bottom = 0
        self.scores = game.session.scores()

    def layout(self) -> None:
        w, h = self.app.size
        m = self.px(24)
        self.header = pygame.Rect(0, 0, w, self.px(56))
        y = self.header.bottom + self.px(16)
        gap = self.px(8)
        # The tabs sit beside the title; when their labels do not fit there (a big font
        # scale), they take the title's place: the lit tab says where you are.
        title_w = text_size(self.t("debrief.title"), kind="title", scale=self.app.scale,
                            bold=True)[0] + self.px(24)
        longest = max(text_size(self.t(f"debrief.tab.{tab}"), scale=self.app.scale)[0]
                      for tab in TABS) + self.px(32)
        tab_w = max(longest, min(self.px(200), (w // 2 - m) // len(TABS)))
        tabs_w = len(TABS) * tab_w + (len(TABS) - 1) * gap
        if title_w + tabs_w > w - 2 * m:
            tab_w = min(longest, (w - 2 * m - (len(TABS) - 1) * gap) // len(TABS))
            x = m
        else:
            self.label((m, y, w - 2 * m - tabs_w, self.px(48)), self.t("debrief.title"),
                       "title")
            x = w - m - tabs_w
        for tab in TABS:
            self.button((x, y, tab_w, self.px(48)), self.t(f"debrief.tab.{tab}"),
                        lambda t=tab: self.switch(t),
                        kind="toggle_on" if tab == self.tab and self.exported is None else None)
            x += tab_w + gap
        y += self.px(64)
        bh = self.px(56)
        area = pygame.Rect(m, y, w - 2 * m, h - y - bh - 2 * m)
        self.bars = []
        self.index_box = pygame.Rect(0, 0, 0, 0)
        if self.exported is not None and "paths" in self.exported:
            # the saved files, then a way to open the report and the folder
            row = self.px(52)
            self.textbox((area.x, area.y, area.width, area.height - row - self.px(10)),
                         self._export_markup(), "card")
            html = self.exported["paths"][0][1]
            bw = min(self.px(320), (area.width - self.px(12)) // 2)
            self.button((area.x, area.bottom - row, bw, row), self.t("debrief.open_report"),
                        lambda: self.app.open_path(html), kind="primary")
            self.button((area.x + bw + self.px(12), area.bottom - row, bw, row),
                        self.t("debrief.open_folder"), lambda: self.app.open_path(html.parent))
        elif self.exported is not None:
            self.textbox(area, self._export_markup(), "card")
        elif self.tab == "scores":
            self._scores(area)
        elif self.tab == "timeline":
            self._timeline(area)
        elif self.tab == "guide":
            self.textbox(area, guide_markup(self.game.scenario, self.game.session.ending,
                                            self.app.lang), "card")
        else:
            self.textbox(area, self._questions_markup(), "card")
        self._bottom_row(m, h - m - bh, w - 2 * m, bh)

    def _bottom_row(self, x: int, y: int, width: int, bh: int) -> None:
        """Save (report, CSV, xAPI), the pseudonyms toggle, a message, and "Nieuw spel".

        The three buttons share the row; a label that does not fit its share switches to the
        short one ("Opslaan"), so the row never overlaps at a big font scale."""
        gap = self.px(12)
        new_w = min(self.px(300), (width - 2 * gap) // 3)
        self.button((x + width - new_w, y, new_w, bh), self.t("debrief.new_game"), self.new_game,
                    kind="primary")
        pad = self.px(40)
        export_label = self.t("debrief.export_all")
        export_w = text_size(export_label, scale=self.app.scale)[0] + pad
        if export_w > (width - 2 * gap) // 3 and export_w > self.px(300):
            export_label = self.t("debrief.export_short")
            export_w = text_size(export_label, scale=self.app.scale)[0] + pad
        state = self.t("common.on" if self.pseudonymize else "common.off")
        pseudo_label = self.t("debrief.pseudonyms", state=state)
        pseudo_w = text_size(pseudo_label, scale=self.app.scale)[0] + pad
        room = width - new_w - 2 * gap
        if export_w + gap + pseudo_w > room:  # share what is left fairly
            export_w = pseudo_w = (room - gap) // 2
        self.button((x, y, export_w, bh), export_label, self.export)
        self.button((x + export_w + gap, y, pseudo_w, bh), pseudo_label, self.toggle_pseudonyms,
                    kind="toggle_on" if self.pseudonymize else None)
        left = x + export_w + pseudo_w + 2 * gap
        if self.message and x + width - new_w - gap - left > self.px(120):
            self.label((left, y, x + width - new_w - gap - left, bh), self.message, "small")

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
        if (area.height - head) // max(1, n) < self.px(40):
            # too little room for a bar per row at this font size: every row as text in one
            # scrolling box, so nothing is left out (labels whole, no "…")
            self.textbox(area, self._scores_markup(team, dims, index, parts), "card")
            return
        row = max(self.px(40), min(self.px(62), (area.height - head) // max(1, n)))
        self.area_bottom = area.bottom
        self.show_detail = row >= self.px(56)
        self.label((area.x, area.y, col, self.px(34)), self.t("debrief.dimensions"), "subtitle")
        y = area.y + head
        for dim_id, dim in dims.items():
            d = team.get(dim_id, {})
            detail = self.t("debrief.points", points=_num(d.get("points", 0)),
                            max=_num(d.get("max", 0)))
            self.bars.append((pygame.Rect(area.x, y, col, row - self.px(6)), dim.label,
                              d.get("percent"), detail))
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
            self.bars.append((pygame.Rect(x2, y, col, row - self.px(6)),
                              self.t(f"debrief.part.{part}"), value, desc))
            y += row

    def _scores_markup(self, team: dict, dims: dict, index: dict, parts: dict) -> str:
        """The scores tab as text: each dimension and each part of the index with its value."""
        def pct(value) -> str:
            return "—" if value is None else f"{round(value)}%"

        out = [f"<b>{esc(self.t('debrief.dimensions'))}</b>"]
        for dim_id, dim in dims.items():
            d = team.get(dim_id, {})
            points = self.t("debrief.points", points=_num(d.get("points", 0)),
                            max=_num(d.get("max", 0)))
            out.append(f"{esc(dim.label)}: <b>{pct(d.get('percent'))}</b> ({esc(points)})")
        value = index.get("value")
        out += ["", f"<b>{esc(self.t('debrief.index'))}: {'—' if value is None else value}</b>"
                    f" {esc(self.t('debrief.index_of'))}"]
        for part in INDEX_PARTS:
            if part in parts:
                info = parts.get(part) or {}
                out.append(f"{esc(self.t(f'debrief.part.{part}'))}: "
                           f"<b>{pct(info.get('value'))}</b>")
        return "<br>".join(out)

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
            shown, tip = self.fit(title, inner - self.px(28))
            self.button((0, i * row, inner, row - self.px(8)), shown,
                        lambda seq=seq: self.fork(seq), kind="list", container=container,
                        tooltip=tip)

    def _fork_points(self) -> list[tuple[int, str]]:
        """(seq, scene title) of every scene entry of this session, in order."""
        if self.game.session.log_path is None:
            return []
        out = []
        for e in self.game.session.events:
            if e.get("type") == "scene_entered" and e.get("scene") in self.game.scenario.scenes:
                scene = self.game.scenario.scenes[e["scene"]]
                out.append((int(e["seq"]), scene.title or scene.id))
        return out

    def fork(self, seq: int) -> None:
        """Play on from a scene of this session in a new log (the original log is untouched)."""
        log_path = Path(self.game.session.log_path)
        new_path = self.app.nav.new_log_path(self.game.scenario.id)
        try:
            session = fork(log_path, seq, new_path, self.game.scenario, lang=self.app.lang)
        except Exception as exc:  # a log the fork cannot use: say so, stay in the debrief
            log.warning("fork failed: %s", exc)
            self.message = self.t("debrief.fork_failed", error=str(exc))
            self.app.rebuild()
            return
        self.app.nav.play_on(self.game.path, self.game.scenario, session,
                             self.t("debrief.forked", scene=session.scene.title or ""))

    def _timeline_markup(self) -> str:
        pal = self.app.palette
        rows = []
        for moment in timeline(self.game.session.events, self.game.scenario, self.app.lang):
            secs = moment.elapsed_ms // 1000
            stamp = f"{secs // 60:02d}:{secs % 60:02d}"
            line = f"<b>{stamp}</b>  {esc(moment.text)}"
            if moment.flag == "breach":
                line = f"<font color='{pal.bad}'>{line}</font>"
            elif moment.flag in ("timeout", "overshare", "refused"):
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
        questions = (list(ending.questions if ending else ())
                     + list(self.game.scenario.debrief_questions))
        out += [f"{i}. {esc(self.game.session.render(q))}"
                for i, q in enumerate(questions, start=1)]
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
            text(surface, ellipsize(label, "body", s, True, rect.width - vw - self.px(10)),
                 rect.topleft, scale=s, colour=pal.text, bold=True)
            bar = pygame.Rect(rect.x, rect.y + self.px(28), rect.width, self.px(10))
            meter(surface, bar, None if pct is None else pct / 100, pal)
            if self.show_detail:
                text(surface, ellipsize(detail, "small", s, False, rect.width),
                     (rect.x, bar.bottom + self.px(2)), kind="small", scale=s, colour=pal.muted)
        if self.index_box.width:
            index = (self.scores.get("index") or {}).get("value")
            label = "—" if index is None else str(index)
            box = self.index_box
            pygame.draw.rect(surface, rgb(pal.surface), box, border_radius=10)
            pygame.draw.rect(surface, rgb(pal.accent), box, 2, border_radius=10)
            kind = "huge" if box.height >= self.px(60) else "title"
            r = text(surface, label, (box.x + self.px(16), box.centery), kind=kind, scale=s,
                     colour=pal.accent, bold=True, anchor="midleft")
            text(surface,
                 ellipsize(self.t("debrief.index_of"), "body", s, False,
                           box.right - r.right - self.px(20)),
                 (r.right + self.px(10), box.centery), scale=s, colour=pal.muted, anchor="midleft")

    # ----- actions ------------------------------------------------------------------------

    def switch(self, tab: str) -> None:
        """Show another tab (this also closes the list of saved files)."""
        self.tab = tab
        self.exported = None
        self.app.rebuild()

    def export_paths(self) -> tuple[Path, Path, Path]:
        """Where "Opslaan" writes: next to the log, as `samenspel debrief` names the report.

        `<log>-rapport.html`, `<log>.csv`, `<log>.xapi.json`; with pseudonyms the stem gets
        `-pseudo` (`<log>-pseudo-rapport.html`, ...) so the named and the shareable files never
        overwrite each other and a file name says which one it is."""
        log_path = Path(self.game.session.log_path)
        stem = log_path.stem + ("-pseudo" if self.pseudonymize else "")
        return (log_path.with_name(f"{stem}-rapport.html"), log_path.with_name(f"{stem}.csv"),
                log_path.with_name(f"{stem}.xapi.json"))

    def export(self) -> None:
        """Write the HTML report, the CSV and the xAPI statements next to the log, with the
        functions `samenspel debrief` uses, and list the files on screen (or say what failed)."""
        lang = self.app.lang
        if self.game.session.log_path is None:
            self.exported = {"error": self.t("debrief.export_no_log")}
            self.app.rebuild()
            return
        html, csv_path, xapi_path = self.export_paths()
        try:
            logs = team_logs(self._team_log(), self.game.scenario, self.pseudonymize, lang)
            write_report(logs, html, self.game.scenario, lang=lang)
            # Dutch Excel opens a `;`-separated file with decimal commas on a double click
            rows = write_csv(logs, csv_path, self.game.scenario, lang=lang, excel_nl=lang == "nl")
            count = write_xapi(logs, xapi_path, self.game.scenario, lang=lang,
                               home_page=self.app.settings.xapi_home or None)
        except OSError as exc:  # an unwritable folder, a full disk: say so, stay in the debrief
            log.warning("export failed: %s", exc)
            reason = exc.strerror or str(exc)
            self.exported = {"error": self.t("debrief.export_error", folder=str(html.parent),
                                             error=reason)}
        except Exception as exc:  # export trouble must not end the debrief
            log.exception("export failed")
            self.exported = {"error": self.t("debrief.export_failed", error=str(exc))}
        else:
            self.exported = {"paths": [("report", html, 0), ("csv", csv_path, rows),
                                       ("xapi", xapi_path, count)],
                             "pseudonymized": self.pseudonymize}
            self.message = ""  # the files are listed in the area above
        self.app.rebuild()

    def _team_log(self):
        """The session as the exporters read it from disk (file name, session id, a damaged
        tail dropped), falling back to the events in memory."""
        try:
            return read_team_log(self.game.session.log_path, self.app.lang)
        except Exception:  # noqa: BLE001 - the events in memory are the same session
            log.warning("reading %s for the export failed; using the events in memory",
                        self.game.session.log_path)
            return self.game.session.events

    def _export_markup(self) -> str:
        """The folder and the saved file names, and whether real names are in the files."""
        pal = self.app.palette
        info = self.exported or {}
        if "error" in info:
            return (f"<font color='{pal.bad}'>"
                    f"<b>{esc(self.t('debrief.export_error_title'))}</b></font>"
                    f"<br><br>{esc(info['error'])}")
        paths = info.get("paths", [])
        # the folder once, then each file name: a whole path does not wrap well (pygame_gui
        # would hyphenate a long folder name, and a hyphen in a path misleads)
        out = [esc(self.t("debrief.export_title"))]
        if paths:
            out.append(f"<b>{esc(str(paths[0][1].parent))}</b>")
        for kind, path, count in paths:
            if self.app.size[1] * 100 / self.app.scale >= 600:
                out.append("")
            out.append(esc(self.t(f"debrief.export_{kind}", rows=count, count=count)))
            out.append(f"<b>{esc(path.name)}</b>")
        out.append("")
        out.append(esc(self.t("debrief.export_pseudo" if info.get("pseudonymized")
                              else "debrief.export_named")))
        return "<br>".join(out)

    def toggle_pseudonyms(self) -> None:
        """Pseudonyms on/off for the next "Opslaan"."""
        self.pseudonymize = not self.pseudonymize
        self.app.rebuild()

    def new_game(self) -> None:
        """Back to the scenario picker."""
        self.app.nav.to_start()

    def on_number(self, number: int) -> bool:
        """1–4 switch tabs."""
        if 1 <= number <= len(TABS):
            self.app.defer(lambda: self.switch(TABS[number - 1]))
            return True
        return False


def _num(value) -> str:
    """A points figure without a pointless .0."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value)

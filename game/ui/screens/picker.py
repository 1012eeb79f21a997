"""The first screen: choose a case (bundled or the teacher's own), or resume a session."""

from __future__ import annotations

import webbrowser
from pathlib import Path

import pygame
import pygame_gui

from game.commands import klas as klas_command
from game.ui import catalog
from game.ui.filedialog import FileDialog
from game.ui.screens.base import Screen, draw_role_row, esc, problem_line, prose
from game.ui.screens.message import MessageScreen
from game.ui.theme import role_colour, role_initials
from game.ui.widgets import badge, text_size


def resume_label(app, entry: catalog.ResumeEntry) -> str:
    """'Doorgaan met sessie van 14:03 · case (names)', and which session a fork continues."""
    players = ", ".join(p.get("name", "") for p in entry.players)
    label = app.t("picker.resume", time=entry.started.strftime("%H:%M"),
                  title=entry.scenario_title, players=players)
    if entry.forked_from:
        label += " · " + app.t("picker.fork_of", name=entry.forked_from)
    return label


class PickerScreen(Screen):
    """Scenario picker: a list of cases, the details of the selected one, and resume links."""

    name = "picker"

    def __init__(self, app, entries: list[catalog.ScenarioEntry] | None = None,
                 resumable: list[catalog.ResumeEntry] | None = None, selected: int = 0) -> None:
        super().__init__(app)
        # Loading every scenario takes a moment (the loader validates each file): the first
        # frame shows the screen at once and the list fills in on the next frame.
        self.entries = entries
        self.resumable = resumable
        self.selected = selected
        self.drawn = False
        self.start_index: int | None = None
        self.dialog = None
        self.detail_rect = pygame.Rect(0, 0, 0, 0)
        self.role_rows: list[tuple[pygame.Rect, object]] = []
        self.roles_inline = False

    # ----- layout -------------------------------------------------------------------------

    def update(self, dt: float) -> bool:
        """Load the scenario list once the first frame is on screen."""
        if self.entries is not None:
            return False
        if not self.drawn:
            self.drawn = True
            return True
        self.entries = catalog.discover(self.app.scenario_folders)
        if self.resumable is None:
            self.resumable = catalog.interrupted_sessions(self.app.logs_dir or catalog.logs_dir())
        self.selected = min(self.selected, max(0, len(self.entries) - 1))
        self.app.rebuild()
        return True

    def wake_interval(self) -> float | None:
        """Come back at once while the list still has to be loaded."""
        return 0.01 if self.entries is None else None

    def layout(self) -> None:
        w, h = self.app.size
        if self.entries is None:
            self.label((self.px(24), self.px(24), w - self.px(48), self.px(48)),
                       "Samenspel", "title")
            self.label((self.px(24), self.px(72), w - self.px(48), self.px(34)),
                       self.t("picker.loading"), "muted")
            return
        compact = w * 100 / self.app.scale < 1000 or h * 100 / self.app.scale < 600
        m = self.px(24) if not compact else self.px(12)
        line = self.px(34)
        bw = self.px(170)
        replay_label = self.t("picker.replay")
        rw = min(text_size(replay_label, scale=self.app.scale)[0] + self.px(40), (w - 3 * m) // 3)
        head_w = w - 4 * m - bw - rw
        self.label((m, m, head_w, self.px(48)), "Samenspel", "title")
        top = m + self.px(56)
        if not compact:
            self.label((m, m + self.px(50), head_w, line), self.t("picker.subtitle"), "muted")
            top = m + self.px(92)
        self.button((w - 2 * m - bw - rw, m, rw, self.px(44)), replay_label, self.open_replay)
        self.button((w - m - bw, m, bw, self.px(44)), self.t("menu.settings"), self.open_settings)
        if self.resumable:
            # the newest interrupted session, and every one of them behind "Alle (N)"
            entry = self.resumable[0]
            more_w = 0
            if len(self.resumable) > 1:
                more = self.t("picker.resume_all", n=len(self.resumable))
                more_w = min(text_size(more, scale=self.app.scale)[0] + self.px(40),
                             (w - 2 * m) // 3)
                self.button((w - m - more_w, top, more_w, self.px(44)), more,
                            self.app.nav.resumable)
            label, tip = self.fit(resume_label(self.app, entry),
                                  w - 2 * m - more_w - self.px(48))
            self.button((m, top, w - 2 * m - (more_w + m if more_w else 0), self.px(44)), label,
                        lambda e=entry: self.resume(e), tooltip=tip)
            top += self.px(52)
        if compact:
            list_w = (w - 3 * m) * 2 // 5
        else:
            list_w = max(self.px(260), min(w // 3, self.px(420)))
        bottom = h - m - self.px(48)
        self._list(pygame.Rect(m, top, list_w, bottom - top - self.px(12)))
        self.button((m, bottom, list_w, self.px(48)), self.t("picker.open_file"), self.open_file)
        self.detail_rect = pygame.Rect(m + list_w + m, top, w - list_w - 3 * m, h - top - m)
        self._details()

    def _list(self, rect: pygame.Rect) -> None:
        row = self.px(64)
        container = pygame_gui.elements.UIScrollingContainer(rect, manager=self.manager,
                                                             allow_scroll_x=False)
        self.list_container = container
        self.list_row = row
        inner_w = rect.width - self.px(20) if len(self.entries) * row > rect.height else rect.width
        container.set_scrollable_area_dimensions((inner_w,
                                                  max(rect.height, len(self.entries) * row)))
        if not self.entries:
            self.label((0, 0, inner_w, self.px(40)), self.t("picker.none"), "muted",
                       container=container)
        for i, entry in enumerate(self.entries):
            title = entry.scenario.title if entry.ok else entry.path.name
            if entry.own:
                title = f"{title} · {self.t('picker.own')}"
            if not entry.ok:
                title = f"{title} · {self.t('picker.broken')}"
            kind = "toggle_on" if i == self.selected else "list"
            shown, tip = self.fit(title, inner_w - self.px(32))
            self.button((0, i * row, inner_w, row - self.px(8)), shown,
                        lambda i=i: self.select(i), kind=kind, container=container, tooltip=tip)

    def _details(self) -> None:
        r = self.detail_rect
        pad = self.px(20)
        self.role_rows = []
        self.start_index = None
        pygame_gui.elements.UIPanel(r, manager=self.manager, starting_height=0)
        if not self.entries:
            return
        entry = self.entries[self.selected]
        x, y, w = r.x + pad, r.y + pad, r.width - 2 * pad
        if not entry.ok:
            self.label((x, y, w, self.px(40)), entry.path.name, "subtitle")
            lines = "<br>".join(esc(problem_line(self.app, p)) for p in entry.problems[:30])
            self.textbox((x, y + self.px(48), w, r.bottom - y - self.px(48) - pad),
                         f"<b>{esc(self.t('picker.problems'))}</b><br>{lines}", "problems")
            return
        sc = entry.scenario
        self.label((x, y, w, self.px(44)), sc.title, "subtitle")
        y += self.px(46)
        scenes, minutes = catalog.length_estimate(sc)
        self.label((x, y, w, self.px(30)), self.t("picker.length", scenes=scenes, minutes=minutes,
                                                  roles=len(sc.roles)), "muted")
        y += self.px(36)
        start_h = self.px(56)
        bottom = r.bottom - pad - start_h - self.px(12)
        # Roles: one row each with academy; when space is short, one line of badges.
        self.roles_inline = bottom - y - (len(sc.roles) * self.px(44) + self.px(34)) < self.px(90)
        roles_h = self.px(48) if self.roles_inline else len(sc.roles) * self.px(44) + self.px(34)
        summary_h = max(self.px(40), bottom - roles_h - y)
        markup = prose(sc.summary or "")
        if sc.learning_goals:
            goals = "".join(f"<br>• {esc(g)}" for g in sc.learning_goals)
            markup += f"<br><br><b>{esc(self.t('picker.goals'))}</b>{goals}"
        self.textbox((x - self.px(4), y, w, summary_h), markup)
        y += summary_h + self.px(4)
        if self.roles_inline:
            self.role_rows.append((pygame.Rect(x, y, w, self.px(40)), tuple(sc.roles.values())))
        else:
            self.label((x, y, w, self.px(30)), self.t("picker.roles"), "muted")
            y += self.px(34)
            for role in sc.roles.values():
                self.role_rows.append((pygame.Rect(x, y, w, self.px(40)), role))
                y += self.px(44)
        bw = min(w, self.px(320))
        kw = min(self.px(280), w - bw - self.px(12))  # "Klassikaal spelen", when it fits
        if kw >= self.px(160):
            self.button((x, r.bottom - pad - start_h, kw, start_h), self.t("picker.klas"),
                        self.start_klas)
        self.button((r.right - pad - bw, r.bottom - pad - start_h, bw, start_h),
                    self.t("picker.start"), self.choose, kind="primary")
        self.start_index = len(self.focus.items) - 1

    # ----- drawing ------------------------------------------------------------------------

    def draw_over(self, surface: pygame.Surface) -> None:
        """Role rows: a badge in the role colour, the role name and its academy."""
        super().draw_over(surface)
        if self.dialog is not None and self.dialog.alive():
            return  # the file dialog lies on top of the details
        for rect, role in self.role_rows:
            if isinstance(role, tuple):  # compact: one badge per role, in its colour
                rad = rect.height // 2
                for i, one in enumerate(role):
                    badge(surface, (rect.x + rad + i * (2 * rad + self.px(8)), rect.centery), rad,
                          role_colour(one), role_initials(one), self.app.scale)
            else:
                draw_role_row(self, surface, rect, role)

    # ----- actions ------------------------------------------------------------------------

    @property
    def lang(self) -> str:
        """The interface language."""
        return self.app.lang

    def on_focus(self, target: object) -> None:
        """Scroll the list so that a scenario reached with Tab is visible."""
        container = getattr(self, "list_container", None)
        bar = getattr(container, "vert_scroll_bar", None)
        if bar is None or getattr(target, "ui_container", None) is not container.get_container():
            return
        index = round(target.relative_rect.y / self.list_row)
        bar.set_scroll_from_start_percentage(max(0.0, min(1.0, index / max(1, len(self.entries)))))

    def select(self, index: int) -> None:
        """Show the details of another scenario; the keyboard focus goes to "Kies deze casus"."""
        self.selected = index
        self.app.rebuild()
        start = self.start_index
        if start is not None and start < len(self.focus.items):
            self.focus._mark(False)
            self.focus.index = start
            self.focus._mark(True)

    def choose(self) -> None:
        """Go to the team set-up for the selected scenario."""
        entry = self.entries[self.selected] if self.entries else None
        if entry is None or not entry.ok:
            return
        self.app.nav.setup(entry)

    def start_klas(self) -> None:
        """Serve the selected case to a class (`samenspel klas`) and open the teacher's page."""
        entry = self.entries[self.selected] if self.entries else None
        if entry is None or not entry.ok:
            return
        launched = klas_command.launch(entry.path, self.lang)
        back = lambda: self.app.show(PickerScreen(self.app))  # noqa: E731
        if isinstance(launched, str):
            self.app.show(MessageScreen(self.app, self.t("picker.klas_failed"), launched,
                                        back=back))
            return
        webbrowser.open(launched.teacher_url)
        teams = "\n".join(self.t("picker.klas_team", number=n, code=code, url=url)
                          for n, code, url in launched.teams)
        body = self.t("picker.klas_body", address=launched.base, teacher=launched.teacher_url,
                      teams=teams, folder=str(launched.folder))
        self.app.show(MessageScreen(self.app, self.t("picker.klas_title"), body, back=back))

    def on_enter(self) -> bool:
        """Enter without focus starts the selected scenario."""
        self.choose()
        return True

    def on_number(self, number: int) -> bool:
        """1–9 select a scenario in the list."""
        if number <= len(self.entries):
            self.app.defer(lambda: self.select(number - 1))
            return True
        return False

    def resume(self, entry: catalog.ResumeEntry) -> None:
        """Continue an interrupted session from its log."""
        self.app.nav.resume_entry(entry, self.entries)

    def open_replay(self) -> None:
        """"Sessie terugkijken": the logs in the user's log folder."""
        self.app.nav.replays()

    def open_settings(self) -> None:
        """The settings screen, returning here."""
        self.app.nav.settings(back=self)

    def open_file(self) -> None:
        """A file dialog for a scenario anywhere on disk."""
        w, h = self.app.size
        rect = pygame.Rect(w // 8, h // 10, w * 3 // 4, h * 4 // 5)
        self.dialog = FileDialog(
            rect, self.manager, scale=self.app.scale, window_title=self.t("picker.open_title"),
            allowed_suffixes={".yaml", ".yml"}, initial_file_path=str(catalog.own_dir()),
            allow_existing_files_only=True,
        )

    def handle_event(self, event: pygame.event.Event) -> bool:
        """File picked in the dialog → load it and add it to the list."""
        if event.type == pygame_gui.UI_FILE_DIALOG_PATH_PICKED:
            self.add_file(Path(event.text))
            return True
        if self.dialog is not None and self.dialog.alive():
            return False  # keys belong to the dialog while it is open
        return super().handle_event(event)

    def add_file(self, path: Path) -> None:
        """Load a file chosen with "Open bestand..." and select it."""
        entry = catalog.load_entry(path, own=True)
        self.entries.append(entry)
        self.selected = len(self.entries) - 1
        self.app.defer(self.app.rebuild)

    def on_escape(self) -> None:
        """Esc on the first screen closes an open dialog, else opens the menu."""
        if self.dialog is not None and self.dialog.alive():
            self.dialog.kill()
            return
        super().on_escape()

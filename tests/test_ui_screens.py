"""Every screen renders in both languages and both themes; language switch; resize reflows."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")

pygame = pytest.importorskip("pygame")

from conftest import FakeClock  # noqa: E402

from game.ui import screenshots  # noqa: E402
from game.ui.app import App  # noqa: E402
from game.ui.driver import Driver  # noqa: E402
from game.ui.screens.picker import PickerScreen  # noqa: E402
from game.ui.settings import Settings  # noqa: E402

DATA = Path(__file__).parent / "data" / "valid"
SCREENS = {"picker", "setup", "handover", "briefing", "play", "play-feedback", "handover-consult",
           "advice", "pick-share", "share", "share-confirm", "play-team-card", "play-open-vote",
           "secret-vote", "play-consensus", "menu", "pause", "settings", "reload-errors", "ending",
           "debrief-scores", "debrief-timeline", "debrief-questions", "debrief-guide",
           "play-breach", "debrief-export", "replay-list", "replay", "replay-breach"}


@pytest.fixture
def home(tmp_path, monkeypatch):
    """User folders in a temporary place."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    return tmp_path


@pytest.mark.parametrize("lang,contrast", [("nl", False), ("en", True)])
def test_every_screen_renders(home, lang, contrast):
    """The screenshot script visits every screen; each PNG is a real picture, not a blank."""
    out = home / "shots"
    out.mkdir()
    files = screenshots.shoot_all(out, lang, contrast)
    names = {p.stem.split("-", 1)[1].rsplit("-", 2)[0] for p in files}
    assert names == SCREENS
    for path in files:
        img = pygame.image.load(str(path))
        assert img.get_size() == (1280, 720)
        colours = {tuple(img.get_at((x, y)))[:3]
                   for x in range(0, 1280, 40) for y in range(0, 720, 40)}
        assert len(colours) >= 2, f"{path.name} is one flat colour"


def _app(home, **settings):
    a = App(Settings(**settings), (1280, 720), logs_dir=home / "logs", scenario_folders=[DATA],
            persist_settings=False, clock=FakeClock())
    a.show(PickerScreen(a))
    a.step()
    return a


def test_language_switch_in_setup_relabels_every_button(home):
    """Clicking "English" in the team set-up switches all labels, keeping typed names."""
    a = _app(home)
    d = Driver(a)
    d.click("Het keukentafelgesprek")
    d.click("Kies deze casus")
    d.type_text("Anna")
    d.click("English")
    assert a.settings.lang == "en"
    labels = {b.text for b in d.buttons()}
    assert "Start the game" in labels and "Back" in labels
    assert "Start het spel" not in labels
    assert d.entries()[0].get_text() == "Anna"
    d.click("Nederlands")
    assert "Start het spel" in {b.text for b in d.buttons()}
    pygame.display.quit()


def test_resize_reflows_the_picker_inside_the_window(home):
    """After the window is made smaller every widget still lies inside it."""
    a = _app(home)
    d = Driver(a)
    d.resize(900, 600)
    assert a.size == (900, 600)
    area = pygame.Rect(0, 0, 900, 600)
    root = a.manager.get_root_container()
    for b in d.buttons():
        if b.ui_container is root:  # list entries scroll inside their own clipped container
            assert area.contains(b.rect), (b.text, b.rect)
    d.resize(1600, 900)
    start = d.button("Kies deze casus")
    assert start.rect.right > 1200  # moved with the right edge
    pygame.display.quit()


def test_font_scale_200_lays_out_every_screen(home):
    """At 200 % on a 1280×720 projector every screen still lays out (no label spills: a
    spilling label is a warning, and warnings are errors in this suite)."""
    out = home / "shots"
    out.mkdir()
    files = screenshots.shoot_all(out, "nl", False, size=(1280, 720), scale=200)
    assert len(files) == len(SCREENS)


def test_idle_loop_does_not_redraw(home):
    """With no input and nothing moving, a loop pass draws nothing (near-zero idle CPU)."""
    a = _app(home)
    a.active_until = 0
    a.step()
    drawn = a.frames_drawn
    for _ in range(3):
        a.step()
    assert a.frames_drawn == drawn
    pygame.event.post(pygame.event.Event(pygame.MOUSEMOTION, pos=(10, 10), rel=(1, 1),
                                         buttons=(0, 0, 0)))
    a.step()
    assert a.frames_drawn == drawn + 1
    pygame.display.quit()


def test_escape_opens_menu_and_settings_switch_contrast(home):
    """Esc opens the menu; the high-contrast setting rebuilds the theme with black background."""
    a = _app(home)
    d = Driver(a)
    d.key(pygame.K_ESCAPE)
    assert a.screen.name == "menu"
    d.click("Instellingen")
    d.click("Hoog")
    assert a.settings.high_contrast
    assert a.window.get_at((2, 2))[:3] == (0, 0, 0)
    d.key(pygame.K_ESCAPE)
    assert a.screen.name == "menu"
    pygame.display.quit()


def test_ctrl_plus_and_minus_change_the_font_scale(home):
    """Ctrl + and Ctrl − step the font scale (for a projector) and Ctrl 0 resets it."""
    a = _app(home)
    d = Driver(a)
    d.key(pygame.K_EQUALS, mod=pygame.KMOD_LCTRL)
    d.key(pygame.K_EQUALS, mod=pygame.KMOD_LCTRL)
    assert a.settings.font_scale == 150
    d.key(pygame.K_MINUS, mod=pygame.KMOD_LCTRL)
    assert a.settings.font_scale == 125
    d.key(pygame.K_0, mod=pygame.KMOD_LCTRL)
    assert a.settings.font_scale == 100
    pygame.display.quit()


def test_f11_fits_the_window_to_the_screen(home):
    """F11 makes the window exactly the desktop's size at the top-left corner (also without
    a window manager), and every button lies inside it."""
    a = _app(home)
    d = Driver(a)
    d.key(pygame.K_F11)
    assert a.settings.fullscreen
    assert a.size == pygame.display.get_desktop_sizes()[0]
    assert a._window_handle().position == (0, 0)
    area = pygame.Rect((0, 0), a.size)
    root = a.manager.get_root_container()
    for b in d.buttons():
        if b.ui_container is root:
            assert area.contains(b.rect), (b.text, b.rect)
    d.key(pygame.K_F11)
    assert not a.settings.fullscreen and a.size == (1280, 720)
    pygame.display.quit()


F11_SCRIPT = """
import os, subprocess, sys, tempfile, time
from pathlib import Path
import pygame
from game.ui.app import App
from game.ui.settings import Settings
app = App(Settings(), (1280, 720), logs_dir=Path(tempfile.mkdtemp()), persist_settings=False)
app.toggle_fullscreen()
for _ in range(10):
    pygame.event.pump()
    time.sleep(0.05)
tree = subprocess.run(["xwininfo", "-root", "-tree"], capture_output=True, text=True).stdout
print([line for line in tree.splitlines() if "Samenspel" in line][0])
"""


@pytest.mark.skipif(not (shutil.which("Xvfb") and shutil.which("xwininfo")),
                    reason="needs Xvfb and xwininfo (apt-get install xvfb x11-utils)")
def test_f11_without_a_window_manager_fills_the_screen_from_the_corner(home):
    """On a bare X server (no window manager, as on some projector set-ups) F11 puts the
    window at +0+0 with the screen's size; SDL's fullscreen mode left it where it was."""
    display = f":{90 + os.getpid() % 100}"
    server = subprocess.Popen(["Xvfb", display, "-screen", "0", "1600x900x24"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        time.sleep(1)
        env = {k: v for k, v in os.environ.items() if k != "SDL_VIDEODRIVER"}
        env["DISPLAY"] = display
        out = subprocess.run([sys.executable, "-c", F11_SCRIPT], env=env, capture_output=True,
                             text=True, timeout=60, cwd=Path(__file__).parent.parent)
        assert "1600x900+0+0" in out.stdout, out.stdout + out.stderr
    finally:
        server.terminate()
        server.wait()


def _overlaps(app) -> list[str]:
    """Pairs of things on screen that overlap, and things outside the window."""
    import pygame_gui

    root = app.manager.get_root_container()
    parts = []
    for e in app.manager.get_sprite_group().sprites():
        if e.ui_container is not root or not e.visible:
            continue
        if isinstance(e, (pygame_gui.elements.UIButton, pygame_gui.elements.UILabel,
                          pygame_gui.elements.UITextBox, pygame_gui.elements.UITextEntryLine,
                          pygame_gui.elements.UIScrollingContainer)):
            parts.append((type(e).__name__ + ":" + str(getattr(e, "text", ""))[:20], e.rect))
    screen = app.screen
    if getattr(screen, "choice_area", None) is not None and screen.choices:
        parts.append(("choices", screen.choice_area))
    if screen.name == "play":
        turn = screen.turn_rect.copy()
        turn.width = screen.turn_text_right - turn.x  # a button may share the row
        parts.append(("turn line", turn))
    window = pygame.Rect((0, 0), app.size)
    found = [f"{name} outside the window" for name, r in parts if not window.contains(r)]
    for i, (a, ra) in enumerate(parts):
        for b, rb in parts[i + 1:]:
            if ra.clip(rb).width > 1 and ra.clip(rb).height > 1:
                found.append(f"{a} {ra} overlaps {b} {rb}")
    return found


@pytest.mark.parametrize("scale", [100, 150, 200])
def test_no_screen_overlaps_at_100_150_and_200_percent(home, scale):
    """On a 1280×720 projector at 100, 150 and 200 %, no widget, label, text box, the choices
    or the turn line lies over another, and everything is inside the window."""
    out = home / "shots"
    out.mkdir()
    problems = {}

    def look(app, name):
        found = _overlaps(app)
        if found:
            problems[name] = found

    screenshots.shoot_all(out, "nl", False, size=(1280, 720), scale=scale, look=look)
    assert not problems


def test_a_long_label_ends_in_an_ellipsis_with_the_whole_text_on_hover(make_window):
    """At 200 % the picker's long case titles end in "…" and carry the whole title as the
    tooltip (shown on hover and keyboard focus)."""
    from game.ui.settings import Settings

    a = make_window(Settings(font_scale=200), picker=True)
    d = Driver(a)
    d.settle(3)
    cut = [b for b in d.buttons() if b.text.endswith("…")]
    assert cut
    for b in cut:
        assert b.tool_tip_text and b.tool_tip_text.startswith(b.text[:-1].rstrip())


@pytest.mark.parametrize("size,scale", [((1280, 720), 100), ((1280, 720), 150),
                                        ((1280, 720), 200), ((1024, 600), 200)])
def test_every_setting_is_visible_and_reachable_with_tab(home, size, scale):
    """The settings opened from the home page (the picker) show every control, the xAPI home
    page field too (it was left out at 200 % on 1280×720): Tab reaches each one and it is
    then inside the window, below the title and, where the rows scroll (a smaller window),
    inside the scrolling box; the field takes typed text with the keyboard alone."""
    import pygame_gui

    a = App(Settings(font_scale=scale), size, logs_dir=home / "logs", scenario_folders=[DATA],
            persist_settings=False, clock=FakeClock())
    a.show(PickerScreen(a))
    d = Driver(a)
    d.settle(3)
    d.click("Instellingen")
    screen = a.screen
    assert screen.name == "settings"
    assert screen.home_entry is not None
    window = pygame.Rect((0, 0), size)
    view = screen.scroller.rect if screen.scroller is not None else window
    assert (screen.scroller is not None) == (size == (1024, 600))
    reached = []
    for _ in range(len(screen.focus.items)):
        d.key(pygame.K_TAB)
        d.settle()
        target = screen.focus.items[screen.focus.index][0]
        reached.append(target)
        inside = view if target.ui_container is not a.manager.get_root_container() else window
        assert window.contains(target.rect) and inside.contains(target.rect), \
            (getattr(target, "text", ""), target.rect, inside)
        if isinstance(target, pygame_gui.elements.UITextEntryLine):
            d.type_text("https://hogeschool.example.nl/")
            assert target.is_focused
    assert screen.home_entry in reached
    assert {b.text for b in reached if hasattr(b, "select")} >= {"200%", "Geheim", "Klaar"}
    d.key(pygame.K_TAB)  # out of the field, on to the next control
    d.settle()
    assert not screen.home_entry.is_focused
    d.click("Klaar")
    assert a.settings.xapi_home == "https://hogeschool.example.nl/"
    pygame.display.quit()

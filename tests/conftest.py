"""Shared test fixtures: a controllable clock, data paths, and small scenarios built in code.

Keep this file small; fixtures used by one test module belong in that module.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings

from game.scenario.model import (
    Dimension,
    Ending,
    Role,
    Route,
    Scenario,
    Scene,
    Variable,
)

# Speed is measured in benchmarks/, never in tests: no per-example deadline (this machine and
# CI are noisy). Under CI (CI=true) the examples are derandomised, so a run is reproducible and
# a red CI can be replayed exactly; locally they stay random to keep exploring.
settings.register_profile("samenspel", deadline=None)
settings.register_profile("ci", deadline=None, derandomize=True, database=None, print_blob=True)
settings.load_profile("ci" if os.environ.get("CI") else "samenspel")

DATA = Path(__file__).parent / "data"
VALID = DATA / "valid"


class FakeClock:
    """A monotonic clock the test moves by hand: `clock.advance(seconds)`."""

    def __init__(self, start: float = 1000.0):
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        """Move time forward."""
        self.now += seconds


@pytest.fixture
def clock() -> FakeClock:
    """A fake clock starting at t=1000 s."""
    return FakeClock()


def go(to: str, **kwargs) -> tuple[Route, ...]:
    """A one-route `goto` (the loader's resolved form of `goto: to`)."""
    return (Route(to=to, **kwargs),)


def make_scenario(scenes: dict[str, Scene], endings=None, roles=("a", "b"), **kwargs) -> Scenario:
    """A Scenario built in code: roles `a`, `b` (academy pabo), dimension `d`, ending `end`.

    `scenes` maps id → Scene; the first is the start unless `start=` is given. Extra keyword
    arguments (variables, info, scores, ...) go to `Scenario`.
    """
    role_objs = {r: Role(id=r, name=f"Rol {r.upper()}", academy="pabo", briefing=f"Jij bent {r}.")
                 for r in roles}
    endings = endings or {"end": Ending(id="end", title="Einde", text="Klaar.", outcome="good")}
    kwargs.setdefault("scores", {"d": Dimension(id="d", label="D")})
    kwargs.setdefault("start", next(iter(scenes)))
    return Scenario(format=1, id="test", title="Test", roles=role_objs, scenes=scenes,
                    endings=endings, sha256="0" * 64, **kwargs)


def number(vid: str, initial, **kwargs) -> Variable:
    """A numeric variable."""
    return Variable(id=vid, initial=initial, **kwargs)


def to_play(d, names=("Anna", "Sara", "Daan")) -> None:
    """Drive a window on the picker (a `game.ui.driver.Driver`) into the example case's first
    scene: pick it, type the names, and let each player read their briefing."""
    import pygame

    d.click("Het keukentafelgesprek")
    d.click("Kies deze casus")
    for name in names:
        d.type_text(name)
        d.key(pygame.K_RETURN)
    for _ in names:
        d.hand_over()
        d.key(pygame.K_RETURN)


def to_plan(d) -> None:
    """`to_play`, then on to the example's timed scene (plan, 180 s): ask consent, and all
    three vote to look for family together (choices are clicked by label: the engine shuffles
    their order per session)."""
    to_play(d)
    d.click_choice("Vraag moeder wat zij zelf")
    d.click_choice("Vraag moeder om toestemming")
    for _ in range(3):
        d.click_choice("Onderzoek samen met moeder")
    assert d.app.game.session.scene_id == "plan"


__all__ = ["VALID", "FakeClock", "go", "make_scenario", "number", "to_plan", "to_play"]


@pytest.fixture
def make_window(tmp_path, monkeypatch):
    """A factory for game windows over tests/data/valid, with private user folders and logs.

    `make_window(settings=None, clock=FakeClock(start=100.0), picker=False)`: the window's
    clock only moves when a test moves it; `picker=True` opens the scenario picker. Every
    window made is closed (its session's log too) when the test ends. pygame is imported
    here only when a UI test asks for a window, so the rest of the suite never loads it.
    """
    from game.ui.app import App
    from game.ui.screens.picker import PickerScreen
    from game.ui.settings import Settings

    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    made = []

    def make(settings=None, clock=None, picker=False):
        app = App(settings or Settings(), (1280, 720), logs_dir=tmp_path / "logs",
                  scenario_folders=[VALID], persist_settings=False,
                  clock=clock if clock is not None else FakeClock(start=100.0))
        if picker:
            app.show(PickerScreen(app))
        made.append(app)
        return app

    yield make
    import pygame

    for app in made:
        if app.game is not None:
            app.game.session.close()
    pygame.display.quit()


def with_guide(scenario: Scenario) -> Scenario:
    """The scenario with a facilitator guide, one role prompt (leerkracht) and, on every
    ending, questions in two phases (describe, apply): for the report and window tests."""
    import attrs

    from game.scenario.model import Guide, LegalNote, Questions

    phases = Questions(describe=("Wat gebeurde er?",), apply=("Wat doe jij in je stage?",))
    endings = {eid: attrs.evolve(e, phases=phases, questions=phases.all())
               for eid, e in scenario.endings.items()}
    guide = Guide(duration=20, prebriefing="Niemand weet alles.\n\nVraag door.",
                  watch_for=("Vraagt iemand toestemming?",),
                  wrong_turns=("Alles met iedereen delen.",),
                  legal_background=(LegalNote(text="Delen met toestemming.",
                                              source="Jeugdwet art. 7.3.11"),))
    return attrs.evolve(scenario, endings=endings, guide=guide,
                        debrief_roles={"leerkracht": ("Wat wist jij?",)})

"""What the replay and the timeline show: no missing-glyph boxes, no raw variable ids."""

from __future__ import annotations

import os

import pytest

from game.scenario.loader import load_scenario
from game.scenario.model import Variable

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")


def test_arrows_are_drawn_as_text_the_font_has():
    """Noto Sans has no "→": the window draws "->" (same pixels), never a box."""
    pygame = pytest.importorskip("pygame")
    from game.ui import widgets

    pygame.font.init()
    a = widgets._render("nee → ja", "body", 100, False, "#000000", 0)
    b = widgets._render("nee -> ja", "body", 100, False, "#000000", 0)
    assert pygame.image.tobytes(a, "RGB") == pygame.image.tobytes(b, "RGB")


def test_a_variable_without_label_reads_as_words():
    """'toestemming_moeder' without a label is shown as 'Toestemming moeder'."""
    assert Variable(id="toestemming_moeder", initial=False).display_label == "Toestemming moeder"
    assert Variable(id="x", initial=1, label="Budget").display_label == "Budget"


def test_the_timeline_uses_labels_not_ids(tmp_path):
    """A consent change in the timeline reads 'Toestemming nee → ja', not the id."""
    from pathlib import Path

    from game.engine.session import Session
    from game.export.replay import timeline

    path = Path(__file__).parent / "data" / "valid" / "keukentafel.yaml"
    scenario = load_scenario(path)
    s = Session(scenario, players={"jeugdprofessional": "Anna", "leerkracht": "Sara",
                                   "verpleegkundige": "Daan"})
    s.choose("jeugdprofessional", "vraag_behoefte")
    s.choose("jeugdprofessional", "vraag_toestemming")
    texts = [m.text for m in timeline(s.events, scenario, "nl")]
    assert any("Toestemming nee → ja" in t for t in texts), texts
    assert not any("toestemming nee" in t for t in texts)

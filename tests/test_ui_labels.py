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


def test_changes_in_the_timeline_use_labels_not_ids():
    """A change of a variable without a label reads 'Toestemming nee → ja', not the id."""
    from pathlib import Path

    from game.export.replay import _changes_text

    path = Path(__file__).parent / "data" / "valid" / "keukentafel.yaml"
    scenario = load_scenario(path)
    text = _changes_text({"toestemming": [False, True]}, scenario, "nl")
    assert text == "Toestemming nee → ja"

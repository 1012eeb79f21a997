"""Tests for game.export.charts: the SVG charts of the HTML report."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from game.export import charts

SVG = "{http://www.w3.org/2000/svg}"

# A class of eight teams (the report draws a strip plot from seven on): per dimension one
# value per team, Team 3 without a value for the second dimension.
GROUPS = ["Regie bij het gezin", "Informatie <delen>"]
TEAMS = {f"Team {i}": [10.0 * i, None if i == 3 else 5.0 * i] for i in range(1, 9)}


def _dots_per_row(root: ET.Element) -> list[int]:
    return [len(list(g.iter(f"{SVG}use"))) for g in root.iter(f"{SVG}g")
            if g.get("id", "").startswith("PathCollection")]


def test_strip_plot_draws_a_dot_per_team_and_value_and_names_every_row():
    """One row per dimension with a dot per team that has a value (eight, then seven), the
    dimension names and the median's legend as text, and a chart CSS can size."""
    svg = charts.strip_plot(GROUPS, TEAMS, median_label="mediaan")
    root = ET.fromstring(svg)
    assert root.get("role") == "img" and root.get("width") is None and root.get("viewBox")
    assert _dots_per_row(root) == [8, 7]
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert set(GROUPS) <= set(texts) and "mediaan" in texts and "100%" in texts


def test_strip_plot_is_the_same_for_the_same_class():
    """The same figures give the same SVG (ids are salted per project, not per run), so a
    report written twice does not differ."""
    assert charts.strip_plot(GROUPS, TEAMS) == charts.strip_plot(GROUPS, TEAMS)


def test_strip_plot_keeps_breach_penalties_in_view_and_skips_empty_rows():
    """A value far below -100 % (a breach penalty) is drawn at the edge, not lost; a row where
    no team has a value draws no dots and still has its name."""
    svg = charts.strip_plot(["a", "b"], {"Team 1": [-400.0, None], "Team 2": [50.0, None]})
    root = ET.fromstring(svg)
    assert _dots_per_row(root) == [2]
    assert {"a", "b"} <= {t.text for t in root.iter(f"{SVG}text")}
    assert "-100" in {t.text for t in root.iter(f"{SVG}text")}

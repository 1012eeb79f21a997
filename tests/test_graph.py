"""Tests for the scene graph (game.authoring.graph) and the `samenspel graph` command."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from game.authoring import graph
from game.cli import main
from game.scenario.loader import load_scenario

ROOT = Path(__file__).parent.parent
KEUKENTAFEL = ROOT / "tests" / "data" / "valid" / "keukentafel.yaml"
BUNDLED = sorted((ROOT / "scenarios").glob("*.yaml"))


@pytest.fixture(scope="module")
def keukentafel():
    """The example scenario that uses every feature of the format once."""
    return load_scenario(KEUKENTAFEL)


def test_text_color_picks_the_better_contrast():
    """Black on light colours, white on dark ones, per the WCAG contrast ratio."""
    assert graph.text_color("#ffffff") == "#000000"
    assert graph.text_color("#264653") == "#ffffff"  # recht: dark blue
    assert graph.text_color("#e9c46a") == "#000000"  # economie: yellow
    assert graph.text_color("#c62828") == "#ffffff"  # bad ending red


@pytest.mark.parametrize("path", BUNDLED + [KEUKENTAFEL], ids=lambda p: p.stem)
def test_every_filled_shape_is_readable(path):
    """Every label reaches WCAG AA (4.5:1) on each of its fills, or sits on a white plate."""
    built = graph.build(load_scenario(path))
    for node in built.nodes:
        backgrounds = [graph.PLATE_COLOR] if node.plate else node.fills
        for fill in backgrounds:
            assert graph.contrast_ratio(node.font, fill) >= graph.AA_CONTRAST, (node.id, fill)
    for item in built.legend:
        assert graph.contrast_ratio(item.font, item.fill) >= graph.AA_CONTRAST, item


def test_dark_and_light_stripes_put_the_text_on_a_plate():
    """Recht's dark blue beside a light colour: no text colour reads on both, so a plate."""
    assert graph.readable_font("#264653", "#e9c46a") == ("#000000", True)
    assert graph.readable_font("#2a9d8f", "#f4a261") == ("#000000", False)
    assert graph.readable_font("#264653") == ("#ffffff", False)
    node = graph.Node("s", "scene", "Vader is boos", (), ("#264653", "#e9c46a"), "#000000",
                      plate=True)
    assert 'BGCOLOR="#ffffff"' in graph._dot_node_label(node)


def test_edge_labels_wrap_without_losing_words(keukentafel):
    """A long choice text is wrapped over lines, every word kept (not cut at 27 characters)."""
    text = "Vraag vader rustig wat hem zo boos maakt en luister zonder te onderbreken"
    lines = graph.wrap(text, graph.LABEL_WIDTH)
    assert " ".join(lines) == text
    assert len(lines) > 1 and all(len(line) <= graph.LABEL_WIDTH for line in lines)
    for edge in graph.build(keukentafel).edges:
        assert not any(line.endswith("…") for line in edge.lines), edge


@pytest.mark.parametrize(
    ("source", "nl", "en"),
    [
        ("vertrouwen >= 50", "Vertrouwen gezin ≥ 50", "Vertrouwen gezin ≥ 50"),
        ("knows(leerkracht, klasobservatie)", "Leerkracht groep 6 kent 'Wat de juf ziet'",
         "Leerkracht groep 6 knows 'Wat de juf ziet'"),
        ("not shared(slaapdagboek) or budget < 1000",
         "'Slaapdagboek' niet gedeeld of Budget < 1.000",
         "'Slaapdagboek' not shared or Budget < 1,000"),
        ("not toestemming", "Toestemming = nee", "Toestemming = no"),
        ("consulted(verpleegkundige)", "Jeugdverpleegkundige geraadpleegd",
         "Jeugdverpleegkundige consulted"),
        ("budget * 2 > 3", "budget * 2 > 3", "budget * 2 > 3"),
        ("a and b or c", "a and b or c", "a and b or c"),
    ],
)
def test_simple_conditions_read_as_words(keukentafel, source, nl, en):
    """Simple conditions use role names, card titles and labels; others stay as written."""
    assert graph.readable_condition(source, keukentafel, "nl") == nl
    assert graph.readable_condition(source, keukentafel, "en") == en


def test_contrast_ratio_known_values():
    """Black on white is 21:1 and a colour on itself is 1:1."""
    assert graph.contrast_ratio("#000000", "#ffffff") == pytest.approx(21.0)
    assert graph.contrast_ratio("#2a9d8f", "#2a9d8f") == pytest.approx(1.0)
    with pytest.raises(ValueError, match="'teal'"):
        graph.luminance("teal")


def test_build_colours_scenes_by_role_and_endings_by_outcome(keukentafel):
    """Single-actor scenes take the role colour, team scenes the team colour, endings outcome."""
    nodes = {n.id: n for n in graph.build(keukentafel).nodes}
    assert nodes["kennismaking"].fills == (keukentafel.roles["jeugdprofessional"].display_color,)
    assert nodes["teamoverleg"].is_team and nodes["teamoverleg"].fills == (graph.TEAM_COLOR,)
    assert nodes["plan"].fills == ("#2a9d8f", "#f4a261")  # two actors: striped
    assert nodes["te_laat"].fills == (graph.NARRATION_COLOR,)
    assert nodes["samen_verder"].fills == (graph.OUTCOME_COLORS["good"],)
    assert nodes["half_werk"].fills == (graph.OUTCOME_COLORS["mixed"],)
    assert nodes["vastgelopen"].fills == (graph.OUTCOME_COLORS["bad"],)


def test_build_marks_votes_consensus_and_timers(keukentafel):
    """The decision kind and the timer appear in the scene's lines, in the chosen language."""
    nodes = {n.id: n for n in graph.build(keukentafel, "nl").nodes}
    assert "hele team · stemming" in nodes["teamoverleg"].lines
    assert any("consensus" in line for line in nodes["plan"].lines)
    assert "timer 180 s" in nodes["plan"].lines
    en = {n.id: n for n in graph.build(keukentafel, "en").nodes}
    assert "whole team · vote" in en["teamoverleg"].lines


def test_build_labels_guards_weights_and_timeouts(keukentafel):
    """Edges carry the shortened `if`, the weight with its share, and a dashed timeout."""
    edges = graph.build(keukentafel).edges
    plan = [e for e in edges if e.source == "plan"]
    samen = [e for e in plan if e.target == "samen_verder"][0]
    label = " ".join(samen.lines)
    assert "zichtbaar als Jeugdprofessional kent 'Opa als steun' en Vertrouwen gezin ≥ 50" in label
    assert "als 'Slaapdagboek' gedeeld en Toestemming = ja" in label
    weights = sorted(line for e in plan for line in e.lines if line.startswith("gewicht"))
    assert weights == ["gewicht 1 (33%)", "gewicht 2 (67%)"]
    timeouts = [e for e in plan if e.dashed]
    assert [(e.target, e.lines) for e in timeouts] == [("te_laat", ("tijd op",))]
    assert ("te_laat", "vastgelopen") in {(e.source, e.target) for e in edges}
    assert ("start", "kennismaking") in {(e.source, e.target) for e in edges}


def test_shorten_cuts_long_text_with_ellipsis():
    """Long text is cut to the width with an ellipsis; whitespace and newlines collapse."""
    assert graph.shorten("a  b\nc", 10) == "a b c"
    cut = graph.shorten("x" * 50, 10)
    assert len(cut) == 10 and cut.endswith("…")


def test_legend_lists_acting_roles_team_narration_and_outcomes(keukentafel):
    """The legend names each acting role by its name (not its academy id) and every node kind."""
    legend = graph.build(keukentafel).legend
    assert [item.key for item in legend] == [
        "role_jeugdprofessional", "role_leerkracht", "team", "narration", "outcome_good",
        "outcome_mixed", "outcome_bad"]
    assert [item.label for item in legend[:2]] == ["Jeugdprofessional", "Leerkracht groep 6"]
    assert not any("sociale_studies" in item.label or "pabo" in item.label for item in legend)


def test_dot_source_is_well_formed(keukentafel):
    """The DOT text has every scene and ending, striped and dashed styles, and a legend."""
    dot = graph.to_dot(keukentafel)
    assert dot.startswith("digraph keukentafel {")
    for node_id in list(keukentafel.scenes) + list(keukentafel.endings):
        assert re.search(rf"^\s*{node_id} \[", dot, re.M), node_id
    plan = re.search(r"^\s*plan \[.*$", dot, re.M).group(0)
    assert 'fillcolor="#2a9d8f:#f4a261"' in plan and "style=striped" in plan
    assert re.search(r"plan -> te_laat \[.*style=dashed", dot)
    assert "cluster_legend" in dot


def test_dot_escapes_html_in_titles(keukentafel):
    """A title with <, & and quotes cannot break the HTML-like label."""
    import attrs

    scene = attrs.evolve(keukentafel.scenes["plan"], title='Plan <A & "B">')
    scenario = attrs.evolve(keukentafel, scenes={**keukentafel.scenes, "plan": scene})
    dot = graph.to_dot(scenario)
    assert "Plan &lt;A &amp; &quot;B&quot;&gt;" in dot


def test_mermaid_text(keukentafel):
    """Mermaid: prefixed ids (so `end` cannot clash), styles, dashed timeout, escaped quotes."""
    mmd = graph.to_mermaid(keukentafel)
    assert "flowchart TD" in mmd
    assert "n_plan -.->|\"tijd op\"| n_te_laat" in mmd
    assert "style n_samen_verder fill:#2e7d32,color:#ffffff" in mmd
    assert 'n_samen_verder(["' in mmd  # endings are rounded pills
    assert "linkStyle" in mmd
    assert '"' not in mmd.split("Kennismaking")[1].split("]")[0].strip('"')


def test_output_format_rejects_unknown_extension():
    """An extension the graph cannot write is refused, quoting the path."""
    assert graph.output_format("a/b.PNG") == "png"
    with pytest.raises(graph.GraphFormatError, match="'x.jpg'"):
        graph.output_format("x.jpg")


def test_render_text_formats_without_dot(tmp_path, keukentafel, monkeypatch):
    """.dot and .mmd are written even when Graphviz is not installed."""
    monkeypatch.setattr(graph.shutil, "which", lambda name: None)
    assert graph.render(keukentafel, tmp_path / "g.dot").read_text().startswith("digraph")
    assert "flowchart" in graph.render(keukentafel, tmp_path / "g.mmd").read_text()
    with pytest.raises(graph.GraphvizNotFoundError):
        graph.render(keukentafel, tmp_path / "g.svg")
    assert not (tmp_path / "g.svg").exists()


def test_command_without_dot_explains_how_to_install(tmp_path, monkeypatch, capsys):
    """Without `dot`, asking for PNG exits 1 with install steps and the .mmd alternative."""
    monkeypatch.setattr(graph.shutil, "which", lambda name: None)
    out = tmp_path / "g.png"
    code = main(["graph", str(KEUKENTAFEL), "-o", str(out)])
    err = capsys.readouterr().err
    assert code == 1
    assert "apt-get install graphviz" in err and "brew install graphviz" in err
    assert "winget install graphviz" in err and "graphviz.org" in err
    assert f"-o {tmp_path / 'g'}.mmd" in err
    assert not out.exists()


def test_command_refuses_bad_scenario_and_bad_extension(tmp_path, capsys):
    """A scenario with errors exits 1 listing them; an unknown extension exits 2."""
    bad = ROOT / "tests" / "data" / "invalid" / "unknown-scene.yaml"
    assert main(["graph", str(bad), "-o", str(tmp_path / "g.dot")]) == 1
    assert "error:" in capsys.readouterr().err
    assert main(["graph", str(KEUKENTAFEL), "-o", str(tmp_path / "g.jpg"), "--lang", "en"]) == 2
    assert "Unknown format '.jpg'" in capsys.readouterr().err
    assert main(["graph", str(tmp_path / "nope.yaml"), "-o", str(tmp_path / "g.dot")]) == 2


def test_command_writes_dot_and_mermaid(tmp_path, capsys):
    """The command writes the format its extension names and says where."""
    for ext in ("dot", "mmd"):
        out = tmp_path / f"g.{ext}"
        assert main(["graph", str(KEUKENTAFEL), "-o", str(out)]) == 0
        assert out.stat().st_size > 500
    assert "Graaf geschreven" in capsys.readouterr().out


@pytest.mark.skipif(not graph.has_dot(), reason="Graphviz 'dot' is not installed")
@pytest.mark.parametrize("path", BUNDLED + [KEUKENTAFEL], ids=lambda p: p.stem)
def test_render_svg_and_png_of_every_bundled_scenario(tmp_path, path):
    """With Graphviz installed, every bundled scenario renders to a valid SVG and PNG."""
    scenario = load_scenario(path)
    svg = graph.render(scenario, tmp_path / "g.svg").read_text(encoding="utf-8")
    assert "<svg" in svg and scenario.title.split()[0] in svg
    png = graph.render(scenario, tmp_path / "g.png").read_bytes()
    assert png.startswith(b"\x89PNG\r\n\x1a\n")


def test_timeout_legend_only_when_a_timer_exists(keukentafel):
    """The dashed 'time up' legend entry appears only for scenarios that have a timer."""
    import attrs

    assert "legend-timeout-a" in graph.to_dot(keukentafel)
    assert "legend_timeout_a" in graph.to_mermaid(keukentafel)
    scenes = {sid: attrs.evolve(s, timer=None, on_timeout=None)
              for sid, s in keukentafel.scenes.items()}
    calm = attrs.evolve(keukentafel, scenes=scenes)
    assert "legend-timeout-a" not in graph.to_dot(calm)
    assert "legend_timeout_a" not in graph.to_mermaid(calm)
    assert not any(e.dashed for e in graph.build(calm).edges)

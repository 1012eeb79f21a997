"""The scene graph of a scenario as a picture: Graphviz DOT, Mermaid, and SVG/PNG through `dot`.

A teacher reads the graph to see the shape of a case at a glance: which role acts where (scene
colour = the acting role's colour, a legend beside it), where the whole team decides (double
border), where the team votes or must reach consensus and where a timer runs (a text line in
the scene), which choices are hidden behind a condition (the `if` text on the edge, shortened),
how likely each weighted route is (weight and percentage on the edge), what happens when time
runs out (dashed edge), and how the case can end (green good, amber mixed, red bad).

Why not `transitions`' own diagram support (`GraphMachine`): it draws a `Machine`'s states and
triggers, so edge labels would be trigger names (`choose:c1`) and conditions the names of our
compiled callables, and it styles states by machine status (active, previous), not by data of
ours. Per-scene fill colours from roles, striped multi-actor scenes, outcome colours, guard and
weight labels and a legend would all have to be patched into its internals. We therefore build
the graph from the `Scenario` model with the `graphviz` package directly (it only writes DOT
text; the `dot` program is needed for SVG/PNG alone) and write Mermaid text by hand.

Text colour on every filled shape is black or white, whichever contrasts more (WCAG 2 contrast
ratio), and reaches level AA (4.5:1) everywhere: where a striped box has a dark and a light
stripe that no single colour reads on, the text sits on a white plate. Edge labels are wrapped,
not cut, and simple conditions are said in words with the scenario's names (`Leerkracht kent
'Zorgen' en Vertrouwen gezin ≥ 60`); the legend names roles as players know them.
"""

from __future__ import annotations

import html
import logging
import os
import re
import shutil
import textwrap
from collections.abc import Iterable, Iterator
from pathlib import Path

import graphviz
from attrs import frozen

from game.errors import SamenspelError
from game.i18n import format_number, t
from game.scenario.expressions import (
    Binary,
    Boolean,
    Call,
    ExpressionError,
    Name,
    Number,
    Text,
    Unary,
    parse,
    unparse,
)
from game.scenario.expressions import Node as ExprNode
from game.scenario.model import Choice, Route, Scenario, Scene

log = logging.getLogger(__name__)

FORMATS = ("dot", "gv", "mmd", "svg", "png", "pdf")
TEXT_FORMATS = ("dot", "gv", "mmd")
OUTCOME_COLORS = {"good": "#2e7d32", "mixed": "#f9a825", "bad": "#c62828"}
TEAM_COLOR = "#b4a7d6"
NARRATION_COLOR = "#ffffff"
EDGE_COLOR = "#444444"
LABEL_WIDTH = 28  # characters of a choice text on an edge
GUARD_WIDTH = 36  # characters of a condition on an edge
ROLE_WIDTH = 40  # characters of a role name inside a scene box
DOT_FONT = "Noto Sans,DejaVu Sans,Helvetica,Arial,sans-serif"


class GraphvizNotFoundError(SamenspelError, FileNotFoundError):
    """SVG/PNG output was asked for but Graphviz's `dot` program is not installed."""


class GraphFormatError(SamenspelError, ValueError):
    """The output file's extension names no format the graph can be written in."""


# ---------------------------------------------------------------------------------------------
# colours


def _channel(c: int) -> float:
    """One sRGB channel (0-255) as linear light, per WCAG 2."""
    s = c / 255
    return s / 12.92 if s <= 0.03928 else ((s + 0.055) / 1.055) ** 2.4


def luminance(color: str) -> float:
    """The WCAG relative luminance of a `#rrggbb` (or `#rgb`) colour, 0 (black) .. 1 (white)."""
    h = color.lstrip("#")
    if len(h) == 3:
        h = "".join(ch * 2 for ch in h)
    if not re.fullmatch(r"[0-9a-fA-F]{6}", h):
        raise ValueError(f"not a #rrggbb colour: {color!r}")
    r, g, b = (int(h[i : i + 2], 16) for i in (0, 2, 4))
    return 0.2126 * _channel(r) + 0.7152 * _channel(g) + 0.0722 * _channel(b)


def contrast_ratio(a: str, b: str) -> float:
    """The WCAG contrast ratio of two colours, 1 .. 21."""
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def text_color(*backgrounds: str) -> str:
    """`#000000` or `#ffffff`: whichever has the better worst-case contrast on all backgrounds."""
    black = min(contrast_ratio("#000000", bg) for bg in backgrounds)
    white = min(contrast_ratio("#ffffff", bg) for bg in backgrounds)
    return "#000000" if black >= white else "#ffffff"


AA_CONTRAST = 4.5
"""WCAG 2 level AA for normal text: the contrast every label must reach on its background."""
PLATE_COLOR = "#ffffff"


def readable_font(*backgrounds: str) -> tuple[str, bool]:
    """The text colour for a shape with these fills, and whether the text needs a plate.

    On one fill, black or white always reaches AA (4.5:1). On stripes of a dark and a light
    colour neither may: then the text goes on a white plate in black (21:1) instead of being
    unreadable on one of the stripes.
    """
    font = text_color(*backgrounds)
    if min(contrast_ratio(font, bg) for bg in backgrounds) >= AA_CONTRAST:
        return font, False
    return "#000000", True


def _safe_color(color: str) -> str:
    """The colour when it is a valid `#rrggbb`/`#rgb`, else the neutral grey (never crash)."""
    try:
        luminance(color)
    except ValueError:
        log.warning("graph: colour %r is not #rrggbb; using grey", color)
        return "#6c757d"
    return color


# ---------------------------------------------------------------------------------------------
# the graph as plain data (shared by the DOT and Mermaid writers)


@frozen
class Node:
    """A scene, an ending, or the start marker, with its look decided."""

    id: str
    kind: str  # "scene" | "ending" | "start"
    title: str
    lines: tuple[str, ...]  # extra lines under the title (id, decision, timer)
    fills: tuple[str, ...]  # one colour, or several for a striped multi-actor scene
    font: str
    is_team: bool = False
    outcome: str | None = None
    plate: bool = False  # the text sits on a light plate (stripes no text colour can read on)


@frozen
class Edge:
    """A way from one node to another, with its label lines and style."""

    source: str
    target: str
    lines: tuple[str, ...]
    dashed: bool = False


@frozen
class LegendItem:
    """One entry of the legend: a coloured swatch and what it means."""

    key: str
    label: str
    fill: str
    font: str
    is_team: bool = False


@frozen
class SceneGraph:
    """The whole picture as data: nodes, edges and legend, in a stable order."""

    title: str
    nodes: tuple[Node, ...]
    edges: tuple[Edge, ...]
    legend: tuple[LegendItem, ...]
    has_timeouts: bool = False


def shorten(text: str, width: int) -> str:
    """Whitespace collapsed, cut at `width` characters with an ellipsis."""
    flat = " ".join(str(text).split())
    return flat if len(flat) <= width else flat[: width - 1].rstrip() + "…"


def wrap(text: str, width: int, max_lines: int = 5) -> list[str]:
    """Text broken into lines of at most `width` characters at spaces, so no word is lost.

    Only a text longer than `max_lines` lines is cut, at the end of the last line, with an
    ellipsis (a choice text is a sentence; a whole paragraph would not fit on an edge).
    """
    lines = textwrap.wrap(" ".join(str(text).split()), width, break_long_words=False,
                          break_on_hyphens=False) or [""]
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = lines[-1].rstrip() + " …"
    return lines


def _scene_fills(scenario: Scenario, scene: Scene) -> tuple[str, ...]:
    """The fill colours of a scene: team colour, the actors' colours, or white for narration."""
    if scene.is_team:
        return (TEAM_COLOR,)
    colors = []
    for actor in scene.actors:
        role = scenario.roles.get(actor)
        color = _safe_color(role.display_color) if role else "#6c757d"
        if color not in colors:
            colors.append(color)
    return tuple(colors) or (NARRATION_COLOR,)


def _scene_lines(scenario: Scenario, scene: Scene, lang: str) -> tuple[str, ...]:
    """The small lines under a scene title: id, who acts and how, timer."""
    lines = [scene.id]
    if scene.is_team:
        who = t("authoring.graph.team", lang)
    else:
        # Long role names would make wide boxes: shorter still when several roles act.
        width = ROLE_WIDTH if len(scene.actors) == 1 else ROLE_WIDTH // 2
        who = ", ".join(
            shorten(scenario.roles[a].name if a in scenario.roles else a, width)
            for a in scene.actors
        )
    if scene.actors and len(scene.actors) > 1 or scene.is_team:
        how = t(f"authoring.graph.decision.{scene.decision}", lang)
        lines.append(f"{who} · {how}")
    elif who:
        lines.append(who)
    else:
        lines.append(t("authoring.graph.narration", lang))
    if scene.timer is not None:
        lines.append(t("authoring.graph.timer", lang, seconds=format_number(scene.timer, lang)))
    return tuple(lines)


_SYMBOLS = {">=": "≥", "<=": "≤", "==": "=", "!=": "≠", "<": "<", ">": ">"}
MAX_READABLE_PARTS = 3
"""Conditions with more parts than this (joined by and/or) are shown as written."""


def readable_condition(source: str, scenario: Scenario, lang: str = "nl") -> str:
    """A condition as a teacher reads it: `Leerkracht kent 'Zorgen' en Vertrouwen ≥ 60`.

    Simple conditions (up to three parts joined by `and`/`or`, each a comparison, a yes/no
    variable, a question such as `knows(...)`, or `not` of one) use role names, card and scene
    titles and variable labels; anything else (arithmetic, deeper nesting) is shown as written.
    """
    try:
        root = parse(source).root
    except ExpressionError:
        return " ".join(source.split())
    parts = _parts(root)
    if parts is None or len(parts) > MAX_READABLE_PARTS:
        return " ".join(source.split())
    words = _Words(scenario, lang)
    try:
        return words.say(root)
    except _NotSimple:
        return unparse(root)


class _NotSimple(Exception):
    """Raised inside `_Words.say` for a part that has no plain reading."""


def _parts(node: ExprNode) -> list[ExprNode] | None:
    """The parts of an and/or chain, or None when the operators are mixed."""
    if isinstance(node, Binary) and node.op in ("and", "or"):
        parts = []
        for side in (node.left, node.right):
            if isinstance(side, Binary) and side.op in ("and", "or") and side.op != node.op:
                return None
            inner = _parts(side)
            if inner is None:
                return None
            parts.extend(inner)
        return parts
    return [node]


class _Words:
    """Says expression parts in words, with the scenario's names for ids."""

    def __init__(self, scenario: Scenario, lang: str):
        self.s = scenario
        self.lang = lang

    def t(self, key: str, **values: object) -> str:
        """A condition phrase from the catalogue."""
        return t(f"authoring.graph.cond.{key}", self.lang, **values)

    def role(self, role_id: str) -> str:
        """A role's display name."""
        role = self.s.roles.get(role_id)
        return role.name if role else role_id

    def card(self, card_id: str) -> str:
        """A card's title, quoted."""
        card = self.s.info.get(card_id)
        return f"'{card.title if card else card_id}'"

    def scene(self, scene_id: str) -> str:
        """A scene's title, quoted."""
        scene = self.s.scenes.get(scene_id)
        return f"'{(scene.title if scene else None) or scene_id}'"

    def value(self, node: ExprNode) -> str:
        """A comparison operand: a variable's label, a number, a text, true/false."""
        if isinstance(node, Name):
            var = self.s.variables.get(node.name)
            return var.display_label if var else node.name
        if isinstance(node, Number):
            return format_number(node.value, self.lang)
        if isinstance(node, Boolean):
            return self.t("yes" if node.value else "no")
        if isinstance(node, Text):
            return f"'{node.value}'"
        if isinstance(node, Unary) and node.op == "-" and isinstance(node.operand, Number):
            return "-" + format_number(node.operand.value, self.lang)
        raise _NotSimple

    def say(self, node: ExprNode) -> str:
        """One part (or an and/or chain of them) in words."""
        if isinstance(node, Binary) and node.op in ("and", "or"):
            joiner = f" {self.t(node.op)} "
            return joiner.join(self.say(part) for part in _parts(node) or [node])
        if isinstance(node, Binary) and node.op in _SYMBOLS:
            return f"{self.value(node.left)} {_SYMBOLS[node.op]} {self.value(node.right)}"
        if isinstance(node, Unary) and node.op == "not":
            if isinstance(node.operand, Name):
                return f"{self.value(node.operand)} = {self.t('no')}"
            if isinstance(node.operand, Call):
                return self.call(node.operand, negated=True)
            raise _NotSimple
        if isinstance(node, Name):
            return f"{self.value(node)} = {self.t('yes')}"
        if isinstance(node, Call):
            return self.call(node)
        raise _NotSimple

    def call(self, node: Call, negated: bool = False) -> str:
        """A question about what happened (`knows`, `shared`, ...) in words."""
        a = [arg.id for arg in node.args]
        shapes = {
            ("knows", 2): lambda: {"role": self.role(a[0]), "card": self.card(a[1])},
            ("shared", 1): lambda: {"card": self.card(a[0])},
            ("consulted", 1): lambda: {"role": self.role(a[0])},
            ("visited", 1): lambda: {"scene": self.scene(a[0])},
            ("chose", 2): lambda: {"scene": self.scene(a[0]), "choice": a[1]},
            ("granted", 2): lambda: {"card": self.card(a[0]), "role": self.role(a[1])},
        }
        shape = shapes.get((node.function, len(a)))
        if shape is None:
            raise _NotSimple
        return self.t(("not_" if negated else "") + node.function, **shape())


def _route_lines(scenario: Scenario, routes: tuple[Route, ...], index: int,
                 lang: str) -> list[str]:
    """The label lines of route `index` of a choice: its condition, or its weight and chance."""
    route = routes[index]
    if route.weight is not None:
        # A run of consecutive weighted routes is one draw: show each route's share of its run.
        start = index
        while start > 0 and routes[start - 1].weight is not None:
            start -= 1
        stop = index
        while stop + 1 < len(routes) and routes[stop + 1].weight is not None:
            stop += 1
        total = sum(r.weight or 0 for r in routes[start : stop + 1])
        percent = round(100 * route.weight / total) if total else 0
        return [t("authoring.graph.weight", lang, weight=format_number(route.weight, lang),
                  percent=percent)]
    if route.if_ is not None:
        cond = readable_condition(route.if_, scenario, lang)
        return wrap(t("authoring.graph.route_if", lang, cond=cond), GUARD_WIDTH)
    if len(routes) > 1:
        return [t("authoring.graph.otherwise", lang)]
    return []


def _choice_edges(scenario: Scenario, scene: Scene, choice: Choice,
                  lang: str) -> Iterator[Edge]:
    """One edge per route of a choice: its text wrapped, its conditions in words."""
    head = wrap(choice.text, LABEL_WIDTH)
    if choice.if_ is not None:
        cond = readable_condition(choice.if_, scenario, lang)
        head += wrap(t("authoring.graph.choice_if", lang, cond=cond), GUARD_WIDTH)
    if choice.roles:
        names = ", ".join(scenario.roles[r].name if r in scenario.roles else r
                          for r in choice.roles)
        head += wrap(t("authoring.graph.only", lang, roles=names), GUARD_WIDTH)
    for i, route in enumerate(choice.goto):
        yield Edge(scene.id, route.to,
                   tuple(head + _route_lines(scenario, choice.goto, i, lang)))


def build(scenario: Scenario, lang: str = "nl") -> SceneGraph:
    """The scene graph of a loaded scenario, ready to be written as DOT or Mermaid."""
    nodes: list[Node] = [Node("start", "start", t("authoring.graph.start", lang), (),
                              ("#000000",), "#ffffff")]
    edges: list[Edge] = [Edge("start", scenario.start, ())]
    used_roles: list[str] = []
    has_team = has_narration = False
    for scene in scenario.scenes.values():
        fills = _scene_fills(scenario, scene)
        font, plate = readable_font(*fills)
        nodes.append(Node(scene.id, "scene", scene.title or scene.id,
                          _scene_lines(scenario, scene, lang), fills, font,
                          is_team=scene.is_team, plate=plate))
        if scene.is_team:
            has_team = True
        elif not scene.actors:
            has_narration = True
        for actor in () if scene.is_team else scene.actors:
            if actor not in used_roles:
                used_roles.append(actor)
        for choice in scene.choices:
            edges.extend(_choice_edges(scenario, scene, choice, lang))
        if scene.next is not None:
            edges.append(Edge(scene.id, scene.next, ()))
        if scene.on_timeout is not None:
            edges.append(Edge(scene.id, scene.on_timeout, (t("authoring.graph.timeout", lang),),
                              dashed=True))
    for ending in scenario.endings.values():
        fill = OUTCOME_COLORS.get(ending.outcome, "#6c757d")
        nodes.append(Node(ending.id, "ending", ending.title or ending.id,
                          (ending.id, t(f"authoring.graph.outcome.{ending.outcome}", lang)),
                          (fill,), text_color(fill), outcome=ending.outcome))
    legend: list[LegendItem] = []
    by_color: dict[str, list[str]] = {}
    for role_id in scenario.roles:
        if role_id in used_roles:
            role = scenario.roles[role_id]
            by_color.setdefault(_safe_color(role.display_color), []).append(role_id)
    for fill, role_ids in by_color.items():
        # Role names, as players know them; roles sharing a colour share one swatch.
        names = ", ".join(scenario.roles[r].name for r in role_ids)
        legend.append(LegendItem(f"role_{role_ids[0]}", names, fill, text_color(fill)))
    if has_team:
        legend.append(LegendItem("team", t("authoring.graph.legend.team", lang), TEAM_COLOR,
                                 text_color(TEAM_COLOR), is_team=True))
    if has_narration:
        legend.append(LegendItem("narration", t("authoring.graph.legend.narration", lang),
                                 NARRATION_COLOR, "#000000"))
    outcomes = {e.outcome for e in scenario.endings.values()}
    for outcome in ("good", "mixed", "bad"):
        if outcome in outcomes:
            fill = OUTCOME_COLORS[outcome]
            legend.append(LegendItem(f"outcome_{outcome}",
                                     t(f"authoring.graph.legend.{outcome}", lang), fill,
                                     text_color(fill)))
    return SceneGraph(scenario.title, tuple(nodes), tuple(edges), tuple(legend),
                      has_timeouts=any(e.dashed for e in edges))


# ---------------------------------------------------------------------------------------------
# DOT (Graphviz)


def _html(text: str) -> str:
    """Text escaped for a Graphviz HTML-like label."""
    return html.escape(text, quote=True)


def _dot_node_label(node: Node) -> str:
    """An HTML-like label: bold title, then the small lines (on a plate when needed)."""
    parts = [f"<B>{_html(node.title)}</B>"]
    parts.extend(f'<FONT POINT-SIZE="10">{_html(line)}</FONT>' for line in node.lines)
    text = "<BR/>".join(parts)
    if node.plate:
        text = (f'<TABLE BORDER="0" CELLBORDER="0" CELLPADDING="3" BGCOLOR="{PLATE_COLOR}">'
                f"<TR><TD>{text}</TD></TR></TABLE>")
    return "<" + text + ">"


def _dot_edge_label(lines: Iterable[str]) -> str | None:
    """An HTML-like edge label, one line each; None for an unlabelled edge."""
    lines = list(lines)
    if not lines:
        return None
    return "<" + "<BR/>".join(_html(line) for line in lines) + ">"


def to_dot(scenario: Scenario, lang: str = "nl") -> str:
    """The scene graph as Graphviz DOT text."""
    graph = build(scenario, lang)
    dot = graphviz.Digraph(name=scenario.id or "scenario")
    dot.attr(rankdir="TB", fontname=DOT_FONT, labelloc="t", fontsize="18",
             label=_html(graph.title), newrank="true")
    dot.attr("node", fontname=DOT_FONT, fontsize="12", shape="box", style="rounded,filled",
             color="#333333", penwidth="1.2", margin="0.15,0.08")
    dot.attr("edge", fontname=DOT_FONT, fontsize="10", color=EDGE_COLOR, fontcolor="#222222",
             arrowsize="0.8")
    for node in graph.nodes:
        attrs = {"label": _dot_node_label(node), "fontcolor": node.font}
        if node.kind == "start":
            attrs.update(shape="circle", style="filled", fillcolor="#000000", width="0.3",
                         label=_dot_node_label(node), fontsize="9", fixedsize="false")
        elif node.kind == "ending":
            attrs.update(shape="box", style="filled,bold", peripheries="2",
                         fillcolor=node.fills[0])
        elif len(node.fills) > 1:
            # Several actors: one stripe per actor's colour (rounded corners cannot stripe).
            attrs.update(style="striped", fillcolor=":".join(node.fills))
        else:
            attrs["fillcolor"] = node.fills[0]
            if node.fills[0] == NARRATION_COLOR:
                attrs.update(style="rounded,filled,dashed", color="#888888")
        if node.is_team:
            attrs.update(peripheries="2", penwidth="2")
        dot.node(node.id, **attrs)
    for edge in graph.edges:
        attrs = {}
        label = _dot_edge_label(edge.lines)
        if label:
            attrs["label"] = label
        if edge.dashed:
            attrs.update(style="dashed", color="#c62828", fontcolor="#c62828")
        dot.edge(edge.source, edge.target, **attrs)
    with dot.subgraph(name="cluster_legend") as legend:
        legend.attr(label=_html(t("authoring.graph.legend", lang)), style="rounded",
                    color="#999999", fontsize="12")
        previous = None
        for item in graph.legend:
            name = f"legend-{item.key}"
            attrs = {"label": _dot_node_label(Node(name, "legend", item.label, (), (item.fill,),
                                                   item.font)),
                     "fillcolor": item.fill, "fontcolor": item.font}
            if item.is_team:
                attrs.update(peripheries="2", penwidth="2")
            if item.key == "narration":
                attrs.update(style="rounded,filled,dashed", color="#888888")
            legend.node(name, **attrs)
            if previous:
                legend.edge(previous, name, style="invis")
            previous = name
        if graph.has_timeouts:
            timeout_a, timeout_b = "legend-timeout-a", "legend-timeout-b"
            legend.node(timeout_a, label="", shape="point", width="0.05")
            legend.node(timeout_b, label="", shape="point", width="0.05")
            legend.edge(timeout_a, timeout_b,
                        label=_html(t("authoring.graph.legend.timeout", lang)),
                        style="dashed", color="#c62828", fontcolor="#c62828")
            if previous:
                legend.edge(previous, timeout_a, style="invis")
    return dot.source


# ---------------------------------------------------------------------------------------------
# Mermaid

_MERMAID_ESCAPES = {'"': "#quot;", "<": "#lt;", ">": "#gt;", "#": "#35;", "|": "#124;"}


def _mm(text: str) -> str:
    """Text escaped for a Mermaid label in double quotes."""
    return "".join(_MERMAID_ESCAPES.get(ch, ch) for ch in text)


def _mm_id(node_id: str) -> str:
    """A Mermaid node id that cannot clash with keywords such as `end` or `graph`."""
    return "start_" if node_id == "start" else f"n_{node_id}"


def to_mermaid(scenario: Scenario, lang: str = "nl") -> str:
    """The scene graph as Mermaid flowchart text (renders on GitHub, GitLab and mermaid.live)."""
    graph = build(scenario, lang)
    out = [
        "---",
        f"title: {_mm(graph.title)}",
        "---",
        "flowchart TD",
    ]
    for node in graph.nodes:
        label = "<br/>".join([f"<b>{_mm(node.title)}</b>"] + [_mm(x) for x in node.lines])
        nid = _mm_id(node.id)
        if node.kind == "start":
            out.append(f'  {nid}(("{_mm(node.title)}"))')
        elif node.kind == "ending":
            out.append(f'  {nid}(["{label}"])')
        else:
            out.append(f'  {nid}["{label}"]')
    for edge in graph.edges:
        arrow = "-.->" if edge.dashed else "-->"
        src, dst = _mm_id(edge.source), _mm_id(edge.target)
        if edge.lines:
            label = "<br/>".join(_mm(x) for x in edge.lines)
            out.append(f'  {src} {arrow}|"{label}"| {dst}')
        else:
            out.append(f"  {src} {arrow} {dst}")
    out.append(f'  subgraph legend["{_mm(t("authoring.graph.legend", lang))}"]')
    out.append("    direction TB")
    for item in graph.legend:
        out.append(f'    legend_{item.key}["{_mm(item.label)}"]')
    if graph.has_timeouts:
        label = _mm(t("authoring.graph.legend.timeout", lang))
        out.append(f'    legend_timeout_a[" "] -.->|"{label}"| legend_timeout_b[" "]')
    out.append("  end")
    for node in graph.nodes:
        nid = _mm_id(node.id)
        if node.kind == "start":
            out.append(f"  style {nid} fill:#000000,color:#ffffff,stroke:#000000")
            continue
        fill = node.fills[0]
        stroke = node.fills[1] if len(node.fills) > 1 else "#333333"
        width = "4px" if node.is_team or len(node.fills) > 1 or node.kind == "ending" else "1px"
        dash = ",stroke-dasharray:5 3" if fill == NARRATION_COLOR else ""
        # Mermaid cannot stripe: the box has the first colour, so the text suits that one.
        font = text_color(fill) if len(node.fills) > 1 else node.font
        out.append(f"  style {nid} fill:{fill},color:{font},stroke:{stroke},"
                   f"stroke-width:{width}{dash}")
    for item in graph.legend:
        width = "4px" if item.is_team else "1px"
        dash = ",stroke-dasharray:5 3" if item.key == "narration" else ""
        out.append(f"  style legend_{item.key} fill:{item.fill},color:{item.font},"
                   f"stroke:#333333,stroke-width:{width}{dash}")
    for i, edge in enumerate(graph.edges):
        if edge.dashed:
            out.append(f"  linkStyle {i} stroke:#c62828,color:#c62828")
    return "\n".join(out) + "\n"


# ---------------------------------------------------------------------------------------------
# writing files


def output_format(path: str | os.PathLike[str]) -> str:
    """The format named by a file's extension; `GraphFormatError` when it names none."""
    suffix = Path(path).suffix.lower().lstrip(".")
    if suffix not in FORMATS:
        raise GraphFormatError(f"unknown graph format {suffix or '(none)'!r} in {str(path)!r}; "
                               f"use one of {', '.join('.' + f for f in FORMATS)}")
    return suffix


def has_dot() -> bool:
    """True when Graphviz's `dot` program is on the PATH."""
    return shutil.which("dot") is not None


def render(scenario: Scenario, out: str | os.PathLike[str], lang: str = "nl") -> Path:
    """Write the graph to `out` in the format its extension names; returns the path written.

    `.dot`/`.gv` and `.mmd` need nothing; `.svg`, `.png` and `.pdf` need Graphviz's `dot`
    program and raise `GraphvizNotFoundError` (nothing written) when it is missing.
    """
    path = Path(out)
    fmt = output_format(path)
    if fmt == "mmd":
        path.write_text(to_mermaid(scenario, lang), encoding="utf-8")
        return path
    source = to_dot(scenario, lang)
    if fmt in ("dot", "gv"):
        path.write_text(source, encoding="utf-8")
        return path
    if not has_dot():
        raise GraphvizNotFoundError(f"Graphviz 'dot' not found on PATH; cannot write {str(path)!r}")
    data = graphviz.Source(source).pipe(format=fmt, encoding=None)
    path.write_bytes(data)
    log.info("graph: wrote %s (%d bytes)", path, len(data))
    return path


__all__ = [
    "FORMATS",
    "Edge",
    "GraphFormatError",
    "GraphvizNotFoundError",
    "LegendItem",
    "Node",
    "SceneGraph",
    "build",
    "contrast_ratio",
    "has_dot",
    "luminance",
    "output_format",
    "render",
    "shorten",
    "text_color",
    "to_dot",
    "to_mermaid",
]

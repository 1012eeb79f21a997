"""Charts for the HTML report: matplotlib (Agg) drawn to SVG text that is inlined in the page.

Text stays text in the SVG (`svg.fonttype: none`), so the charts are small, sharp in print and
use the page's font. Labels come from scenario files and player names, so mathtext parsing is
switched off (a name like "$x$" is shown as typed) and matplotlib escapes the XML.
"""

from __future__ import annotations

import io
import re
import statistics
from collections.abc import Sequence

_RC = {
    "svg.fonttype": "none",
    "svg.hashsalt": "samenspel",
    "text.parse_math": False,
    "font.family": "sans-serif",
    "font.sans-serif": ["Noto Sans", "DejaVu Sans", "Arial", "sans-serif"],
    "font.size": 10,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.edgecolor": "#888888",
    "axes.labelcolor": "#333333",
    "xtick.color": "#333333",
    "ytick.color": "#333333",
}
SERIES = ["#2a9d8f", "#f4a261", "#e76f51", "#264653", "#e9c46a", "#8ab17d", "#6d597a", "#b56576"]


#: Percentages are drawn within these bounds; beyond them the table holds the exact figure.
LOWEST, HIGHEST = -100.0, 100.0


def clamp(value: float | None) -> float:
    """A percentage for drawing: None as 0, and within LOWEST..HIGHEST (breach penalties can
    push a dimension far below -100 %, which would squash every other bar)."""
    return 0.0 if value is None else max(LOWEST, min(HIGHEST, float(value)))


def _pyplot():
    """matplotlib's pyplot on the Agg backend, loaded on the first chart."""
    # matplotlib takes the better part of a second to import: the window (which imports the
    # report for its debrief screen) and the command line must not wait for it at start-up.
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _ticks(low: float) -> list[int]:
    step = 25 if low >= 0 else 50
    return [v for v in range(-100, 101, step) if v >= low]


def _svg(fig) -> str:
    """The figure as an inline <svg> element (no XML prolog, no fixed pixel size)."""
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None})
    _pyplot().close(fig)
    text = buffer.getvalue()
    text = text[text.index("<svg") :]
    # Let CSS size the chart: drop the fixed width/height, keep the viewBox.
    text = re.sub(r'^<svg([^>]*?) width="[^"]*" height="[^"]*"', r"<svg\1", text, count=1)
    return text.replace("<svg", '<svg role="img" preserveAspectRatio="xMidYMid meet"', 1)


def percent_bars(labels: Sequence[str], percents: Sequence[float | None], title: str = "") -> str:
    """Horizontal bars, one per dimension, 0..100 % of the maximum, value written at the bar."""
    plt = _pyplot()
    with plt.rc_context(_RC):
        height = 0.42 * len(labels) + 0.7
        fig, ax = plt.subplots(figsize=(7.0, height))
        values = [clamp(p) for p in percents]
        y = list(range(len(labels)))[::-1]
        low = min([0.0, *values])
        if low < 0:  # negative points (a breach penalty): show the bar left of zero
            low = min(-10.0, low * 1.1)
            ax.axvline(0, color="#888888", linewidth=0.8)
        ax.barh(y, [100] * len(values), color="#eeeeee", height=0.6)
        ax.barh(y, values, color=[SERIES[0] if v >= 0 else "#c62828" for v in values], height=0.6)
        for yi, p in zip(y, percents):
            text = "–" if p is None else f"{p:.0f}%"
            ax.text(max(0.0, clamp(p)) + 1.5, yi, text, va="center", fontsize=10)
        ax.set_yticks(y, labels)
        ax.set_xlim(low, 112)
        ticks = _ticks(low)
        ax.set_xticks(ticks, [f"{v}%" if v == 100 else str(v) for v in ticks])
        ax.tick_params(axis="y", length=0)
        if title:
            ax.set_title(title, loc="left", fontsize=11)
        return _svg(fig)


def stacked_bars(
    labels: Sequence[str],
    series: dict[str, Sequence[float]],
    colors: Sequence[str] | None = None,
    title: str = "",
    xlabel: str = "",
) -> str:
    """Horizontal stacked bars: one bar per label (a role), one segment per series (an action)."""
    plt = _pyplot()
    with plt.rc_context(_RC):
        height = 0.75 * len(labels) + 1.2
        fig, ax = plt.subplots(figsize=(7.0, height))
        y = list(range(len(labels)))[::-1]
        left = [0.0] * len(labels)
        colors = list(colors or SERIES)
        for i, (name, values) in enumerate(series.items()):
            ax.barh(y, values, left=left, color=colors[i % len(colors)], height=0.6, label=name)
            left = [a + b for a, b in zip(left, values)]
        for yi, total in zip(y, left):
            ax.text(total + 0.1, yi, f"{total:g}", va="center", fontsize=9)
        ax.set_yticks(y, labels)
        ax.tick_params(axis="y", length=0)
        ax.set_xlim(0, max(left + [1]) * 1.12)
        ax.xaxis.set_major_locator(plt.MaxNLocator(integer=True))
        if xlabel:
            ax.set_xlabel(xlabel)
        ax.legend(
            loc="upper center", bbox_to_anchor=(0.5, -0.18 if xlabel else -0.1),
            ncol=min(4, len(series)), frameon=False,
        )
        if title:
            ax.set_title(title, loc="left", fontsize=11)
        return _svg(fig)


def grouped_bars(
    groups: Sequence[str], series: dict[str, Sequence[float | None]], title: str = ""
) -> str:
    """Vertical grouped bars: per group (a dimension) one bar per series (a team), in percent."""
    plt = _pyplot()
    with plt.rc_context(_RC):
        n = max(1, len(series))
        width = 0.8 / n
        fig, ax = plt.subplots(figsize=(7.2, 3.4))
        for i, (name, values) in enumerate(series.items()):
            xs = [g + (i - (n - 1) / 2) * width for g in range(len(groups))]
            ax.bar(xs, [clamp(v) for v in values], width=width, label=name,
                   color=SERIES[i % len(SERIES)])
        ax.set_xticks(range(len(groups)), groups)
        low = min([0.0, *(clamp(v) for vs in series.values() for v in vs)])
        if low < 0:  # negative points (a breach penalty) go below the zero line
            ax.axhline(0, color="#888888", linewidth=0.8)
        bottom = min(0.0, low * 1.1)
        ax.set_ylim(bottom, 105)
        ticks = _ticks(bottom)
        ax.set_yticks(ticks, [f"{v}%" if v == 100 else str(v) for v in ticks])
        if n <= 12:
            ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.12), ncol=min(6, n),
                      frameon=False, fontsize=8)
        if title:
            ax.set_title(title, loc="left", fontsize=11)
        return _svg(fig)


def strip_plot(
    groups: Sequence[str], series: dict[str, Sequence[float | None]], median_label: str = ""
) -> str:
    """One row per group (a dimension), one dot per series (a team), the median as a bar.

    For a class with many teams, where grouped bars turn into a comb: the dots show the
    spread, the table under the chart says which team is which.
    """
    plt = _pyplot()
    with plt.rc_context(_RC):
        height = 0.55 * len(groups) + 1.0
        fig, ax = plt.subplots(figsize=(7.0, height))
        y = list(range(len(groups)))[::-1]
        low = 0.0
        for gi, yi in enumerate(y):
            values = [clamp(vs[gi]) for vs in series.values() if vs[gi] is not None]
            if not values:
                continue
            low = min(low, *values)
            n = len(values)
            offsets = [((i % 5) - 2) * 0.07 for i in range(n)]  # a little spread, no overlap
            ax.scatter(sorted(values), [yi + o for o in offsets], s=22, color=SERIES[0],
                       alpha=0.75, edgecolors="white", linewidths=0.5, zorder=3)
            median = statistics.median(values)
            ax.plot([median, median], [yi - 0.32, yi + 0.32], color="#1d2327", linewidth=2.2,
                    zorder=4, label=median_label if gi == 0 and median_label else None)
        if low < 0:
            ax.axvline(0, color="#888888", linewidth=0.8)
        low = min(0.0, low * 1.1 if low < 0 else 0.0)
        ax.set_xlim(low, 105)
        ticks = _ticks(low)
        ax.set_xticks(ticks, [f"{v}%" if v == 100 else str(v) for v in ticks])
        ax.set_yticks(y, groups)
        ax.set_ylim(-0.6, len(groups) - 0.4)
        ax.tick_params(axis="y", length=0)
        ax.grid(axis="x", color="#eeeeee", zorder=0)
        if median_label:
            ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.12), frameon=False, fontsize=8)
        return _svg(fig)

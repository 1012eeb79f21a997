"""How scoring writes numbers into its JSON-serialisable results."""

from __future__ import annotations

import math


def json_number(value: float) -> int | float:
    """A number as it should appear in JSON: integral values as int, others to 3 decimals."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return value
    if math.isfinite(value) and float(value).is_integer():
        return int(value)
    return round(value, 3)


def percent(points: float, maximum: float | None) -> float | None:
    """Points as a percentage of the maximum, one decimal, at most 100 (a loop walked more
    often than the search allows cannot push a team past it); None without a positive
    maximum."""
    if maximum is None or maximum <= 0:
        return None
    return min(100.0, round(100.0 * points / maximum, 1))


def ratio(part: float, whole: float) -> float | None:
    """part / whole rounded to 3 decimals, None when there is nothing to divide by."""
    if whole <= 0:
        return None
    return round(part / whole, 3)

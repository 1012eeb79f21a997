"""The team cooperation index 0-100: a weighted mean of the measurable parts."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

#: Weights of the cooperation index parts (docs/scoring.md explains each one). Parts that
#: cannot be measured in a session (for example no scene with advice) are left out and the
#: remaining weights are scaled up so that they still add up to 1.
INDEX_WEIGHTS: dict[str, float] = {
    "scores": 0.50,
    "participation": 0.15,
    "consultation": 0.15,
    "information": 0.10,
    "agreement": 0.10,
}
#: Index points taken off the information part for every breach of confidentiality.
BREACH_PENALTY = 25.0


def cooperation_index(scores: Mapping[str, Any], metrics: Mapping[str, Any]) -> dict[str, Any]:
    """The team cooperation index 0–100 with its parts and weights (docs/scoring.md).

    Parts, each 0–100: `scores` the mean percent of the dimensions (each clamped to 0–100),
    `participation` the balance × 100, `consultation` the rate × 100, `information` the timely
    share rate × 100 (or, when no guard asked for a card, the share rate × 100) minus
    `BREACH_PENALTY` per breach, `agreement` the share of votes cast for the final choice × 100.
    A part that cannot be measured is None and left out; `value` is the weighted mean of the
    others (weights scaled to add up to 1), rounded to a whole number, None when no part exists.
    Tempo is reported in the metrics but is not part of the index: fast is not better.
    """
    percents = [d["percent"] for d in scores.get("team", {}).values()
                if d.get("percent") is not None]
    score_part = (sum(min(100.0, max(0.0, p)) for p in percents) / len(percents)
                  if percents else None)

    def scaled(value: float | None) -> float | None:
        return None if value is None else 100.0 * value

    info = metrics.get("information", {})
    base = info.get("timely_rate")
    if base is None:
        base = info.get("share_rate")
    info_part = None
    if base is not None or info.get("breaches"):
        info_part = min(100.0, max(0.0, 100.0 * (base if base is not None else 1.0)
                                   - BREACH_PENALTY * info.get("breaches", 0)))
    values = {
        "scores": score_part,
        "participation": scaled(metrics.get("participation", {}).get("balance")),
        "consultation": scaled(metrics.get("consultation", {}).get("rate")),
        "information": info_part,
        "agreement": scaled(metrics.get("agreement", {}).get("rate")),
    }
    present = {k: w for k, w in INDEX_WEIGHTS.items() if values[k] is not None}
    total_weight = sum(present.values())
    parts = {}
    value = 0.0
    for name, weight in INDEX_WEIGHTS.items():
        v = values[name]
        effective = weight / total_weight if name in present and total_weight else 0.0
        contribution = (v or 0.0) * effective
        value += contribution
        parts[name] = {
            "value": None if v is None else round(v, 1),
            "weight": weight,
            "effective_weight": round(effective, 3),
            "contribution": round(contribution, 1),
        }
    return {
        "value": round(value) if present else None,
        "parts": parts,
        "weights": dict(INDEX_WEIGHTS),
        "breach_penalty": BREACH_PENALTY,
    }

"""The team cooperation index 0-100: a weighted mean of the measurable parts.

The weights follow what the source report names as interprofessional competence (see
docs/scoring.md for the reasons and a worked example): the author's outcome points weigh a
quarter, the rest is how the team worked together: consulting the role that knows, sharing
what another needs on time and within consent without oversharing, deliberating before a
decision (asking first; disagreement voiced and resolved counts for the team, a vote against
the majority never costs anything), balanced participation, and keeping the family in charge.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

#: Weights of the cooperation index parts (docs/scoring.md explains each one). Parts that
#: cannot be measured in a session (for example no scene with advice) are left out and the
#: remaining weights are scaled up so that they still add up to 1.
INDEX_WEIGHTS: dict[str, float] = {
    "scores": 0.25,
    "consultation": 0.20,
    "information": 0.20,
    "deliberation": 0.15,
    "participation": 0.10,
    "family": 0.10,
}
#: Index points taken off the information part for every breach of confidentiality.
BREACH_PENALTY = 25.0
#: Index points taken off the information part for every card shared with a role that did not
#: need it (counted once per card and role).
OVERSHARE_PENALTY = 10.0


def _clamp(value: float) -> float:
    return min(100.0, max(0.0, value))


def information_part(info: Mapping[str, Any]) -> float | None:
    """The information part 0-100: the timely share rate (else the share rate) × 100, minus
    `BREACH_PENALTY` per breach and `OVERSHARE_PENALTY` per overshared card and role; None when
    nothing about information can be measured."""
    base = info.get("timely_rate")
    if base is None:
        base = info.get("share_rate")
    breaches = info.get("breaches", 0) or 0
    overshared = info.get("overshared", 0) or 0
    if base is None and not breaches and not overshared:
        return None
    return _clamp(100.0 * (base if base is not None else 1.0)
                  - BREACH_PENALTY * breaches - OVERSHARE_PENALTY * overshared)


def cooperation_index(scores: Mapping[str, Any], metrics: Mapping[str, Any]) -> dict[str, Any]:
    """The team cooperation index 0–100 with its parts and weights (docs/scoring.md).

    Parts, each 0–100: `scores` the mean percent of the dimensions (each clamped to 0–100),
    `consultation` the rate × 100, `information` see `information_part`, `deliberation` the
    share of decisions the team deliberated × 100, `participation` the balance × 100,
    `family` the share of consent moves that kept the family in charge × 100. A part that
    cannot be measured is None and left out; `value` is the weighted mean of the others
    (weights scaled to add up to 1), rounded to a whole number, None when no part exists.
    Tempo is reported in the metrics but is not part of the index: fast is not better; nor is
    agreement: a vote against the majority never lowers the index.
    """
    percents = [d["percent"] for d in scores.get("team", {}).values()
                if d.get("percent") is not None]
    score_part = (sum(_clamp(p) for p in percents) / len(percents) if percents else None)

    def scaled(value: float | None) -> float | None:
        return None if value is None else 100.0 * value

    values = {
        "scores": score_part,
        "consultation": scaled(metrics.get("consultation", {}).get("rate")),
        "information": information_part(metrics.get("information", {})),
        "deliberation": scaled(metrics.get("deliberation", {}).get("rate")),
        "participation": scaled(metrics.get("participation", {}).get("balance")),
        "family": scaled(metrics.get("family", {}).get("rate")),
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
        "overshare_penalty": OVERSHARE_PENALTY,
    }

"""Class comparison: how the teams of one class ended, and where their decisions parted.

A class report puts the teams side by side. Besides the numbers (from `game.scoring`), a
teacher wants two things for the class discussion: which endings the teams reached, and the
scenes where teams made different choices ("Team 1 and 3 asked for consent first, Team 2 did
not"). Both are computed here from the logs alone.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from game.export.logs import TeamLog
from game.i18n import translate

if TYPE_CHECKING:
    from game.scenario.model import Scenario

#: The pseudo-choice recorded for a scene whose timer ran out before anyone decided.
TIMEOUT = "__timeout__"


def ending_counts(teams: Sequence[TeamLog], scenario: Scenario, lang: str = "nl") -> list[dict]:
    """Per ending of the scenario (in declaration order): title, outcome and the teams there.

    Sessions that reached no ending are listed last under "not finished" when there are any.
    """
    reached: dict[str, list[str]] = {}
    unfinished: list[str] = []
    for team in teams:
        ended = team.ended
        if ended is None:
            unfinished.append(team.label)
        else:
            reached.setdefault(str(ended.get("ending")), []).append(team.label)
    rows = []
    for ending_id, ending in scenario.endings.items():
        rows.append(
            {
                "id": ending_id,
                "title": ending.title,
                "outcome": ending.outcome,
                "outcome_label": translate(f"report.outcome.{ending.outcome}", lang),
                "teams": reached.pop(ending_id, []),
                "questions": list(ending.questions),
            }
        )
    for ending_id, labels in reached.items():  # an ending the scenario no longer has
        rows.append({"id": ending_id, "title": ending_id, "outcome": "", "outcome_label": "",
                     "teams": labels, "questions": []})
    if unfinished:
        rows.append(
            {
                "id": "",
                "title": translate("report.outcome.unfinished", lang),
                "outcome": "unfinished",
                "outcome_label": translate("report.outcome.unfinished", lang),
                "teams": unfinished,
                "questions": [],
            }
        )
    return rows


def first_decisions(team: TeamLog) -> dict[str, str]:
    """Scene id -> the choice the team made the first time it decided there (or `TIMEOUT`)."""
    decided: dict[str, str] = {}
    for event in team.events:
        kind = event.get("type")
        scene = str(event.get("scene", ""))
        if kind == "choice_made" and scene not in decided:
            decided[scene] = str(event.get("choice"))
        elif kind == "timer_expired" and scene not in decided:
            decided[scene] = TIMEOUT
    return decided


def divergences(teams: Sequence[TeamLog], scenario: Scenario, lang: str = "nl") -> list[dict]:
    """The scenes where at least two teams decided and did not all choose the same.

    In scene declaration order (the story's order). Each item: `scene`, `title`, `decided`
    (how many teams decided there) and `options`: per choice taken, its text and the team labels,
    most chosen first.
    """
    per_team = [(t.label, first_decisions(t)) for t in teams]
    out = []
    for scene_id, scene in scenario.scenes.items():
        taken: dict[str, list[str]] = {}
        for label, decided in per_team:
            if scene_id in decided:
                taken.setdefault(decided[scene_id], []).append(label)
        if sum(len(v) for v in taken.values()) < 2 or len(taken) < 2:
            continue
        options = []
        for choice_id, labels in sorted(taken.items(), key=lambda kv: -len(kv[1])):
            if choice_id == TIMEOUT:
                text = translate("report.divergence.timeout", lang)
            else:
                try:
                    text = scene.choice(choice_id).text
                except KeyError:
                    text = choice_id
            options.append({"choice": choice_id, "text": text, "teams": labels})
        out.append(
            {
                "scene": scene_id,
                "title": scene.title or scene_id,
                "decided": sum(len(v) for v in taken.values()),
                "options": options,
            }
        )
    return out

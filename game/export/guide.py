"""The teacher's part of the debrief: the facilitator guide and the discussion questions.

A case's `debrief.guide` (prebriefing, what to watch for, wrong turns, legal background with
sources) and `debrief.roles` (prompts per role) are for the teacher, never for students before
the ending. This module arranges them as plain values, once, for both places that show them
after the ending: the HTML report ("Handleiding voor de docent") and the window's debrief
screen (the "Docent" tab). It computes nothing about the session.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from game.i18n import translate

if TYPE_CHECKING:
    from game.scenario.model import Ending, Scenario

__all__ = ["PHASES", "question_groups", "teacher_guide"]

#: The three phases of a class discussion, in the order they are asked.
PHASES = ("describe", "analyse", "apply")


def question_groups(ending: Ending | None, lang: str = "nl") -> list[dict]:
    """An ending's questions as groups `{label, questions}`, one per phase that has questions.

    Questions written as a plain list are one group with an empty label.
    """
    if ending is None:
        return []
    if ending.phases is None:
        return [{"label": "", "questions": list(ending.questions)}] if ending.questions else []
    return [
        {"label": translate(f"report.guide.phase.{phase}", lang),
         "questions": list(getattr(ending.phases, phase))}
        for phase in PHASES
        if getattr(ending.phases, phase)
    ]


def teacher_guide(scenario: Scenario, lang: str = "nl") -> dict | None:
    """The facilitator guide and the role prompts of a case, or None when it has neither.

    Keys: `duration` (text such as "20 minuten", or ""), `prebriefing` (paragraphs),
    `goals` (the case's learning goals), `watch_for`, `wrong_turns`, `legal` (dicts with
    `text` and `source`) and `roles` (dicts with the role's `name`, `color` and `prompts`, in
    the scenario's role order).
    """
    guide = scenario.guide
    roles = [
        {"name": role.name, "color": role.display_color,
         "prompts": list(scenario.debrief_roles[role_id])}
        for role_id, role in scenario.roles.items()
        if scenario.debrief_roles.get(role_id)
    ]
    if guide is None and not roles:
        return None
    duration = ""
    if guide is not None and guide.duration:
        duration = translate("report.guide.minutes", lang, minutes=guide.duration)
    prebriefing = (guide.prebriefing or "") if guide is not None else ""
    return {
        "duration": duration,
        "prebriefing": [p.strip() for p in prebriefing.split("\n\n") if p.strip()],
        "goals": list(scenario.learning_goals),
        "watch_for": list(guide.watch_for) if guide else [],
        "wrong_turns": list(guide.wrong_turns) if guide else [],
        "legal": [{"text": n.text, "source": n.source} for n in guide.legal_background]
        if guide else [],
        "roles": roles,
    }

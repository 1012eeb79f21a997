"""The "Docent" tab of the debrief: the case's facilitator guide, after the ending only.

The text comes from `game.export.guide.teacher_guide` (the same values the HTML report shows
under "Handleiding voor de docent"); this module only writes them as pygame_gui markup. The
debrief screen is shown once the session has ended, so students never see the guide during
play.
"""

from __future__ import annotations

from game.export.guide import question_groups, teacher_guide
from game.i18n import translate
from game.ui.screens.base import esc


def guide_markup(scenario, ending, lang: str) -> str:
    """The guide as markup: discussion questions per phase, prompts per role, then the guide."""

    def t(key: str, **values: object) -> str:
        return esc(translate(key, lang, **values))

    out: list[str] = [f"<i>{t('report.guide.intro')}</i>", ""]
    guide = teacher_guide(scenario, lang)
    if guide and guide["duration"]:
        out += [f"<b>{t('report.guide.duration')}:</b> {esc(guide['duration'])}", ""]
    groups = [g for g in question_groups(ending, lang) if g["label"]]
    if groups:
        out.append(f"<b>{t('report.questions.ending')}: {esc(ending.title)}</b>")
        for g in groups:
            out.append(f"<i>{esc(g['label'])}</i>")
            out += [f"• {esc(q)}" for q in g["questions"]]
        out.append("")
    if guide is None:
        guide = {"roles": [], "prebriefing": [], "watch_for": [], "wrong_turns": [], "legal": []}
    for role in guide["roles"]:
        out.append(f"<b>{t('report.guide.roles')}: {esc(role['name'])}</b>")
        out += [f"• {esc(p)}" for p in role["prompts"]]
        out.append("")
    if guide["prebriefing"]:
        out.append(f"<b>{t('report.guide.prebriefing')}</b>")
        out += [esc(p) for p in guide["prebriefing"]]
        out.append("")
    for key in ("watch_for", "wrong_turns"):
        if guide[key]:
            out.append(f"<b>{t(f'report.guide.{key}')}</b>")
            out += [f"• {esc(item)}" for item in guide[key]]
            out.append("")
    if guide["legal"]:
        out.append(f"<b>{t('report.guide.legal')}</b>")
        for note in guide["legal"]:
            out.append(f"• {esc(note['text'])} <i>({t('report.guide.source')}: "
                       f"{esc(note['source'])})</i>")
    while out and not out[-1]:
        out.pop()
    return "<br>".join(out)

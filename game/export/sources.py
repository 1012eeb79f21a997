"""What the export writers accept: one team's events, a `TeamLog`, or several of them.

The window hands over `session.events` (a list of event dicts); the command line hands over
`TeamLog`s read from files. `team_logs` turns any of these into a list of `TeamLog`s, and
applies pseudonymisation once when asked, so each writer has one code path.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from attrs import evolve

from game.export.logs import TeamLog
from game.export.pseudonym import pseudonymize as _pseudonymize
from game.i18n import translate

if TYPE_CHECKING:
    from game.scenario.model import Scenario

Source = TeamLog | Sequence[TeamLog] | Sequence[dict]


def team_logs(
    source: Source,
    scenario: Scenario | None = None,
    pseudonymize: bool = False,
    lang: str = "nl",
) -> list[TeamLog]:
    """`source` as a list of `TeamLog`s, pseudonymised when asked.

    A plain list of event dicts becomes one `TeamLog` without a file (path ".").
    """
    if isinstance(source, TeamLog):
        logs = [source]
    else:
        items = list(source)
        if items and isinstance(items[0], dict):
            logs = [TeamLog(path=Path("."), events=tuple(items))]
        else:
            logs = items
    if not logs:
        raise ValueError("no events to export: the source is empty")
    for t in logs:
        if not t.events:
            raise ValueError(f"no events to export in {t.path}")
    # every team has a label (the CSV's team column, the report's headings): a log read on
    # its own, or the window's one session, is "Team 1" as in a class of one
    logs = [t if t.label else evolve(t, label=translate("report.team_label", lang, n=i))
            for i, t in enumerate(logs, start=1)]
    if pseudonymize:
        order = tuple(scenario.roles) if scenario is not None else ()
        logs = [t if t.pseudonymized else _pseudonymize(t, order, lang) for t in logs]
    return logs

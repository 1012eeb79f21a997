"""CSV export: one row per logged event, for a spreadsheet (columns in docs/debriefing.md).

Several teams go into one file, told apart by the `team` and `session_id` columns. The plain
form is RFC 4180 CSV in UTF-8 with commas and decimal points; `excel_nl=True` writes what Dutch
Excel opens correctly on a double click: semicolons, decimal commas and a UTF-8 byte-order mark.
Every cell that a spreadsheet would read as a formula is neutralised (`neutralise`).
"""

from __future__ import annotations

import csv
import io
import json
import os
from typing import TYPE_CHECKING

from game.export.replay import timeline
from game.export.sources import Source, team_logs

if TYPE_CHECKING:
    from game.scenario.model import Scenario

#: The columns, in order (documented in docs/debriefing.md).
COLUMNS = (
    "team",
    "session_id",
    "seq",
    "time",
    "elapsed_s",
    "type",
    "scene",
    "scene_title",
    "roles",
    "players",
    "targets",
    "choice",
    "choice_text",
    "info",
    "info_title",
    "round",
    "consent",
    "breach",
    "changes",
    "points",
    "ending",
    "outcome",
    "description",
    "granted",
    "overshared",
    "outside_consent",
    "choice_order",
    "choice_order_text",
)


#: What a spreadsheet may read as the start of a formula (OWASP, "CSV Injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(cell: str) -> str:
    """A cell a spreadsheet shows as text: one starting like a formula gets a `'` in front.

    Player names and descriptions come from people: `=HYPERLINK("http://...","klik")` as a
    name would be a live formula in Excel. OWASP's advice: prefix such cells with a single
    quote (and quote the field, which the csv module does where needed).
    """
    return "'" + cell if cell.startswith(FORMULA_STARTS) else cell


def _bool(value: bool | None) -> str:
    return "" if value is None else ("1" if value else "0")


def _compact(value: dict) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")) if value else ""


def rows(
    source: Source,
    scenario: Scenario | None = None,
    *,
    lang: str = "nl",
    pseudonymize: bool = False,
    decimal_comma: bool = False,
) -> list[dict[str, str]]:
    """The CSV rows as dicts keyed by `COLUMNS`, one per event of every team, in log order."""
    out = []
    for team in team_logs(source, scenario, pseudonymize, lang):
        sid = team.session_id
        label = team.label or ""
        for m in timeline(team.events, scenario, lang):
            seconds = f"{m.elapsed_ms / 1000:.1f}"
            if decimal_comma:
                seconds = seconds.replace(".", ",")
            out.append(
                {
                    "team": label,
                    "session_id": sid,
                    "seq": str(m.seq),
                    "time": m.time,
                    "elapsed_s": seconds,
                    "type": m.kind,
                    "scene": m.scene,
                    "scene_title": m.scene_title,
                    "roles": "|".join(m.roles),
                    "players": "|".join(m.players),
                    "targets": "|".join(m.targets),
                    "choice": m.choice,
                    "choice_text": m.choice_text,
                    "info": m.info,
                    "info_title": m.info_title,
                    "round": "" if m.round is None else str(m.round),
                    "consent": _bool(m.consent),
                    "breach": _bool(m.breach) if m.kind == "info_shared" else "",
                    "changes": _compact(m.changes),
                    "points": _compact(m.points),
                    "ending": m.ending,
                    "outcome": m.outcome,
                    "description": m.text,
                    "granted": _bool(m.granted),
                    "overshared": "|".join(m.overshared),
                    "outside_consent": "|".join(m.outside_consent),
                    "choice_order": "|".join(m.order),
                    "choice_order_text": " | ".join(m.order_texts),
                }
            )
    return out


def _render(data: list[dict[str, str]], excel_nl: bool) -> str:
    """CSV text for rows: header first, CRLF line ends (RFC 4180), BOM when `excel_nl`."""
    buffer = io.StringIO(newline="")
    writer = csv.DictWriter(
        buffer,
        fieldnames=COLUMNS,
        delimiter=";" if excel_nl else ",",
        lineterminator="\r\n",
        quoting=csv.QUOTE_MINIMAL,
    )
    writer.writeheader()
    # Here, in the one writer, so that every column (also ones added later) is covered.
    writer.writerows({k: neutralise(v) for k, v in row.items()} for row in data)
    text = buffer.getvalue()
    return ("\ufeff" + text) if excel_nl else text


def to_csv(
    source: Source,
    scenario: Scenario | None = None,
    *,
    lang: str = "nl",
    pseudonymize: bool = False,
    excel_nl: bool = False,
) -> str:
    """The CSV text (with a BOM in front when `excel_nl`); see `write_csv`."""
    data = rows(source, scenario, lang=lang, pseudonymize=pseudonymize, decimal_comma=excel_nl)
    return _render(data, excel_nl)


def write_csv(
    source: Source,
    path: str | os.PathLike,
    scenario: Scenario | None = None,
    *,
    lang: str = "nl",
    pseudonymize: bool = False,
    excel_nl: bool = False,
) -> int:
    """Write the events of one or more teams to a CSV file; returns the number of data rows.

    `source` is `session.events` (one team, from the window), a `TeamLog`, or a list of
    `TeamLog`s (a class). Give the `scenario` for titles; `lang` sets the language of the
    `description` column; `pseudonymize` replaces player names; `excel_nl` writes semicolons,
    decimal commas and a UTF-8 byte-order mark for Dutch Excel.
    """
    data = rows(source, scenario, lang=lang, pseudonymize=pseudonymize, decimal_comma=excel_nl)
    with open(path, "w", encoding="utf-8", newline="") as out:
        out.write(_render(data, excel_nl))
    return len(data)

"""The HTML debrief report: one team, or a whole class side by side.

One self-contained file: inline CSS, charts as inline SVG (matplotlib, Agg), no scripts, no
network; printable on A4. Built with Jinja2 with autoescaping on, because player names and
scenario text are untrusted input. Every number comes from `game.scoring` (through
`game.export.summary.numbers`); this module only arranges and explains them.

For the window: `write_report`, `write_csv` and `write_xapi` are importable from here, all
taking `session.events` (or `TeamLog`s) and the scenario.
"""

from __future__ import annotations

import os
import re
import statistics
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import PurePath
from typing import TYPE_CHECKING

from jinja2 import Environment, PackageLoader, select_autoescape

from game.__version__ import VERSION
from game.export import charts
from game.export.compare import divergences, ending_counts
from game.export.csv import write_csv
from game.export.guide import question_groups, teacher_guide
from game.export.logs import TeamLog
from game.export.replay import Moment, final_variables, timeline
from game.export.sources import Source, team_logs
from game.export.summary import Numbers, numbers
from game.export.xapi import write_xapi
from game.i18n import format_number, translate
from game.scenario.model import ACADEMY_COLORS, DEFAULT_ROLE_COLOR
from game.scenario.template import render
from game.scoring import INDEX_WEIGHTS

if TYPE_CHECKING:
    from game.scenario.model import Scenario

__all__ = ["write_report", "render_report", "write_csv", "write_xapi", "INDEX_PARTS"]

#: The parts of the cooperation index the catalogue explains (the report shows the parts
#: `game.scoring` returns, in its order; these are the fallback when it returns none).
INDEX_PARTS = tuple(INDEX_WEIGHTS)  # the order scoring weighs them in
#: How many decisions with large score effects the key moments list at most.
KEY_DECISIONS = 3

_ENV: Environment | None = None


def _env() -> Environment:
    global _ENV
    if _ENV is None:
        _ENV = Environment(
            loader=PackageLoader("game.export", "templates"),
            autoescape=select_autoescape(default=True, default_for_string=True),
            trim_blocks=True,
            lstrip_blocks=True,
        )
    return _ENV


# -- small formatting helpers ---------------------------------------------------------------


def text_color(background: str) -> str:
    """Black or white, whichever contrasts more with a `#rrggbb` background (WCAG luminance)."""

    def channel(c: int) -> float:
        v = c / 255
        return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4

    digits = background.strip().lstrip("#")
    if len(digits) == 3:
        digits = "".join(c * 2 for c in digits)
    try:
        r, g, b = (int(digits[i : i + 2], 16) for i in (0, 2, 4))
    except ValueError:
        return "#000000"
    lum = 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)
    return "#000000" if (lum + 0.05) / 0.05 >= 1.05 / (lum + 0.05) else "#ffffff"


_COLOR = re.compile(r"#[0-9a-fA-F]{3}(?:[0-9a-fA-F]{3})?|[a-zA-Z]{3,20}")


def safe_color(value: str | None, fallback: str = DEFAULT_ROLE_COLOR) -> str:
    """`value` when it is a plain CSS colour (#rgb, #rrggbb or a name), else `fallback`.

    Colours go into style attributes; a scenario colour such as
    `red; background: url(https://...)` must not smuggle CSS (or a network request) in.
    """
    return value if value and _COLOR.fullmatch(value.strip()) else fallback


def clock(ms: int | float) -> str:
    """Elapsed time as m:ss (or h:mm:ss past an hour)."""
    total = int(ms // 1000)
    h, rest = divmod(total, 3600)
    m, s = divmod(rest, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"


def duration(ms: int | float, lang: str) -> str:
    """Elapsed time as "12 min 5 s"."""
    minutes, seconds = divmod(int(ms // 1000), 60)
    return translate("report.duration", lang, minutes=minutes, seconds=seconds)


def local_date(iso: str, lang: str) -> str:
    """An ISO 8601 UTC time as local date and time, written the way the language does."""
    try:
        moment = datetime.fromisoformat(iso.replace("Z", "+00:00"))
    except (ValueError, AttributeError):
        return iso or ""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    moment = moment.astimezone()
    return moment.strftime("%d-%m-%Y %H:%M" if lang == "nl" else "%Y-%m-%d %H:%M")


def _num(value: float | int | None, lang: str, suffix: str = "") -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        value = round(value, 1)
    return format_number(value, lang) + suffix


def _academy_label(academy: str) -> str:
    return academy.replace("_", " ")


# -- one team -------------------------------------------------------------------------------


def _players(team: TeamLog, scenario: Scenario, lang: str = "nl") -> list[dict]:
    """One row per role: its player, or players in turn when someone took the role later
    (`name` "Sara → Piet"; `history` each name with the time it began, after the first)."""
    out = []
    logged = {p.get("role"): p for p in team.players}
    history: dict[str, list[dict]] = {}
    for seat in team.seatings:
        history.setdefault(seat["role"], []).append(
            {"name": seat["name"],
             "since": translate("report.player_since", lang, clock=clock(seat["elapsed_ms"]))
             if seat["seq"] else ""})
    for role_id in [r for r in scenario.roles if r in logged] + [
        r for r in logged if r not in scenario.roles
    ]:
        p = logged[role_id]
        role = scenario.roles.get(role_id)
        academy = p.get("academy") or (role.academy if role else "")
        color = safe_color(
            role.display_color if role else ACADEMY_COLORS.get(academy, DEFAULT_ROLE_COLOR),
            ACADEMY_COLORS.get(academy, DEFAULT_ROLE_COLOR),
        )
        turns = history.get(role_id) or [{"name": str(p.get("name") or ""), "since": ""}]
        out.append(
            {
                "role": role_id,
                "name": " → ".join(t["name"] for t in turns),
                "history": turns if len(turns) > 1 else [],
                "role_name": role.name if role else role_id,
                "academy": _academy_label(academy),
                "color": color,
                "text_color": text_color(color),
            }
        )
    return out


def _role_colors(players: list[dict]) -> dict[str, tuple[str, str]]:
    return {p["role"]: (p["color"], p["text_color"]) for p in players}


def _outcome(team: TeamLog, scenario: Scenario, lang: str) -> dict:
    ended = team.ended
    if ended is None:
        return {"finished": False, "outcome": "unfinished",
                "label": translate("report.outcome.unfinished", lang)}
    ending = scenario.endings.get(str(ended.get("ending")))
    outcome = str(ended.get("outcome") or (ending.outcome if ending else ""))
    text = ending.text if ending else ""
    if text:
        text = _render_text(text, team, scenario, lang)
    return {
        "finished": True,
        "outcome": outcome,
        "label": translate(f"report.outcome.{outcome}", lang),
        "title": ending.title if ending else str(ended.get("ending")),
        "text": text,
        "questions": list(ending.questions) if ending else [],
        "question_groups": question_groups(ending, lang),
    }


def _render_text(text: str, team: TeamLog, scenario: Scenario, lang: str) -> str:
    """Interpolate an ending text with the team's players and its final variable values."""
    players = {p.get("role"): str(p.get("name") or "") for p in team.final_players}
    role_names = {r: role.name for r, role in scenario.roles.items()}
    return render(text, final_variables(team.events, scenario), players, role_names, lang)


def _score_rows(n: Numbers, scenario: Scenario, lang: str) -> list[dict]:
    rows = []
    for dim_id, dim in scenario.scores.items():
        d = n.dimension(dim_id)
        rows.append(
            {
                "id": dim_id,
                "label": dim.label,
                "description": dim.description or "",
                "points": _num(d.get("points"), lang),
                "max": _num(d.get("max"), lang),
                "percent": d.get("percent"),
                "percent_text": _num(d.get("percent"), lang, "%"),
            }
        )
    return rows


def part_keys(index: dict) -> list[str]:
    """The index parts scoring returned, in its order (INDEX_PARTS when it gave none)."""
    parts = index.get("parts") if isinstance(index, dict) else None
    return list(parts) if isinstance(parts, dict) and parts else list(INDEX_PARTS)


def _part_text(key: str, lang: str, suffix: str = "") -> str:
    """The label (or `.meaning`) of an index part; a part the catalogue does not know yet
    shows its id rather than a raw catalogue key."""
    catalogue_key = f"report.part.{key}{suffix}"
    text = translate(catalogue_key, lang)
    return (key if not suffix else "") if text == catalogue_key else text


def _index(n: Numbers, lang: str) -> dict:
    parts = n.index.get("parts", {}) if isinstance(n.index, dict) else {}
    rows = []
    for key in part_keys(n.index):
        part = parts.get(key, {})
        value = part.get("value")
        rows.append(
            {
                "key": key,
                "label": _part_text(key, lang),
                "value": value,
                "value_text": _num(value, lang) if value is not None
                else translate("report.part.not_measured", lang),
                "weight_text": _num(round(100 * part.get("effective_weight", 0)), lang, "%")
                if value is not None else "–",
                "meaning": _part_text(key, lang, ".meaning"),
            }
        )
    return {
        "value": n.index_value,
        "value_text": _num(n.index_value, lang),
        "parts": rows,
        "breach_penalty": _num(n.index.get("breach_penalty"), lang)
        if isinstance(n.index, dict) and n.index.get("breach_penalty") else None,
    }


def _metric_rows(n: Numbers, lang: str) -> list[dict]:
    m = n.metrics
    info = m.get("information", {})
    agreement = m.get("agreement", {})
    family = m.get("family", {})
    tempo = m.get("tempo", {})
    median = tempo.get("median_ms")
    return [
        {"label": translate("report.metric.cards_shared", lang),
         "value": _num(len(info.get("cards_shared", [])), lang)},
        {"label": translate("report.metric.breaches", lang),
         "value": _num(info.get("breaches", 0), lang), "alert": bool(info.get("breaches"))},
        {"label": translate("report.metric.overshared", lang),
         "value": _num(info.get("overshared", 0), lang), "alert": bool(info.get("overshared"))},
        {"label": translate("report.metric.consent_asks", lang),
         "value": translate("report.metric.consent_asks_value", lang,
                            asks=_num(family.get("asks", 0), lang),
                            refused=_num(family.get("refused", 0), lang))},
        {"label": translate("report.metric.votes_against", lang),
         "value": _num(agreement.get("votes_against", 0), lang)},
        {"label": translate("report.metric.consensus_rounds", lang),
         "value": _num(agreement.get("extra_rounds", 0), lang)},
        {"label": translate("report.metric.tempo", lang),
         "value": "–" if median is None else f"{_num(median / 1000, lang)} s"},
    ]


def _late_cards(n: Numbers, scenario: Scenario, lang: str) -> list[str]:
    """Each card that counted as too late in the information part, and for whom, in words.

    A card is late when a condition asked for it (`shared(card)`, `knows(role, card)`) when
    the team first reached that scene, and it had not been shared (with that role) yet.
    """
    rows = []
    for need in n.metrics.get("information", {}).get("late", ()):
        card_id, role_id = need.get("card"), need.get("role")
        card = scenario.info.get(card_id)
        title = card.title if card else str(card_id)
        if role_id is None:
            rows.append(translate("report.late.shared", lang, card=title))
        else:
            role = scenario.roles.get(role_id)
            rows.append(translate("report.late.known", lang, card=title,
                                  role=role.name if role else role_id))
    return rows


def _contribution(n: Numbers, players: list[dict], scenario: Scenario, lang: str) -> dict:
    actions = n.metrics.get("participation", {}).get("actions", {})
    tempo = n.metrics.get("tempo", {}).get("roles", {})
    kinds = ("choices", "votes", "shares", "consults")
    labels = [f"{p['role_name']} ({p['name']})" if p["name"] and p["name"] != p["role_name"]
              else p["role_name"] for p in players]
    # Two short lines keep the chart narrow, so its text stays readable when scaled to the page.
    chart_labels = [f"{p['name']}\n{p['role_name']}" if p["name"] and p["name"] != p["role_name"]
                    else p["role_name"] for p in players]
    series = {
        translate(f"report.col.{k}", lang): [actions.get(p["role"], {}).get(k, 0) for p in players]
        for k in kinds
    }
    chart = charts.stacked_bars(
        chart_labels, series, xlabel=translate("report.chart.actions", lang)
    )
    rows = []
    for p, label in zip(players, labels):
        a = actions.get(p["role"], {})
        points = n.role_points(p["role"])
        median = tempo.get(p["role"], {}).get("median_ms")
        rows.append(
            {
                **p,
                "label": label,
                "counts": [_num(a.get(k, 0), lang) for k in kinds],
                "total": _num(a.get("total", sum(a.get(k, 0) for k in kinds)), lang),
                "points": [_num(points.get(d, 0), lang) for d in scenario.scores],
                "median": "–" if median is None else f"{_num(median / 1000, lang)} s",
            }
        )
    return {
        "chart": chart,
        "rows": rows,
        "kinds": [translate(f"report.col.{k}", lang) for k in kinds],
        "dimensions": [d.label for d in scenario.scores.values()],
    }


def _timeline_rows(moments: Sequence[Moment], colors: dict, lang: str) -> list[dict]:
    rows = []
    for m in moments:
        if m.kind == "session_started":
            continue
        who = []
        for role, name in zip(m.roles, m.players):
            color, fg = colors.get(role, ("", ""))
            who.append({"name": name, "color": color, "fg": fg})
        rows.append(
            {
                "seq": m.seq,
                "clock": clock(m.elapsed_ms),
                "kind": m.kind,
                "scene": m.scene_title,
                "who": who,
                "text": m.text,
                "flag": m.flag,
            }
        )
    return rows


def key_moments(moments: Sequence[Moment], scenario: Scenario, lang: str) -> list[dict]:
    """The moments worth discussing: breaches, timeouts, split votes, big decisions, the end.

    A split vote: the final round of a vote or consensus where the chosen option did not get
    more than half of the votes (a tie broken by the tiebreak role, or a narrow plurality); a
    consensus that needed three rounds or more. Big decisions: the `KEY_DECISIONS` choices
    with the largest total of absolute points (ties: earliest first).
    """
    found: dict[int, list[str]] = {}
    by_seq = {m.seq: m for m in moments}

    def note(seq: int, why: str) -> None:
        found.setdefault(seq, []).append(why)

    votes: list[Moment] = []
    for m in moments:
        if m.kind == "vote_cast":
            votes.append(m)
        elif m.kind == "choice_made":
            if votes:
                last_round = max((v.round or 1) for v in votes)
                final = [v for v in votes if (v.round or 1) == last_round]
                support = sum(1 for v in final if v.choice == m.choice)
                if final and support * 2 <= len(final):
                    note(m.seq, translate("report.key.split", lang, support=support,
                                          against=len(final) - support))
                if last_round >= 3:
                    note(m.seq, translate("report.key.rounds", lang, n=last_round))
            votes = []
        elif m.kind == "scene_entered":
            votes = []
        if m.flag == "breach":
            note(m.seq, translate("report.key.breach", lang))
        elif m.flag == "timeout":
            note(m.seq, translate("report.key.timeout", lang))
        elif m.flag == "overshare":
            note(m.seq, translate("report.key.overshare", lang))
        elif m.flag == "refused":
            note(m.seq, translate("report.key.refused", lang))
        elif m.kind == "session_ended":
            note(m.seq, translate("report.key.ending", lang))
    weighty = [m for m in moments if m.kind == "choice_made" and m.points]
    weighty.sort(key=lambda m: (-sum(abs(v) for v in m.points.values()), m.seq))
    for m in weighty[:KEY_DECISIONS]:
        pts = ", ".join(
            f"{scenario.scores[k].label if k in scenario.scores else k} "
            f"{'+' if v > 0 else ''}{_num(v, lang)}"
            for k, v in m.points.items()
        )
        note(m.seq, translate("report.key.points", lang, points=pts))
    return [
        {
            "seq": seq,
            "clock": clock(by_seq[seq].elapsed_ms),
            "scene": by_seq[seq].scene_title,
            "text": by_seq[seq].text,
            "why": reasons,
            "flag": by_seq[seq].flag,
        }
        for seq, reasons in sorted(found.items())
    ]


def _scenario_block(scenario: Scenario) -> dict:
    return {
        "title": scenario.title,
        "summary": (scenario.summary or "").strip(),
        "goals": list(scenario.learning_goals),
        "questions": list(scenario.debrief_questions),
    }


def _forked_note(team: TeamLog, lang: str) -> str:
    """A line saying this session continued an earlier one ("Speel verder vanaf hier"), or ""."""
    origin = team.started.get("forked_from")
    if not isinstance(origin, dict):
        return ""
    name = "" if team.pseudonymized else PurePath(str(origin.get("path", ""))).name
    return translate("report.forked", lang, seq=origin.get("seq", "?"), file=name or "–")


def team_context(team: TeamLog, scenario: Scenario, lang: str = "nl") -> dict:
    """Everything the team report shows, as plain values for the template."""
    n = numbers(team.events, scenario)
    players = _players(team, scenario, lang)
    moments = timeline(team.events, scenario, lang)
    scores = _score_rows(n, scenario, lang)
    last_ms = team.events[-1].get("elapsed_ms", 0) or 0
    return {
        "label": team.label,
        "file": None if team.pseudonymized or str(team.path) == "." else team.path.name,
        "pseudonymized": team.pseudonymized,
        "warnings": list(team.warnings),
        "played_on": translate(
            "report.played_on",
            lang,
            date=local_date(str(team.started.get("time", "")), lang),
            duration=duration(last_ms, lang),
        ),
        "forked": _forked_note(team, lang),
        "players": players,
        "outcome": _outcome(team, scenario, lang),
        "scores": scores,
        "scores_chart": charts.percent_bars(
            [r["label"] for r in scores], [r["percent"] for r in scores]
        ),
        "index": _index(n, lang),
        "metrics": _metric_rows(n, lang),
        "late_cards": _late_cards(n, scenario, lang),
        "contribution": _contribution(n, players, scenario, lang),
        "timeline": _timeline_rows(moments, _role_colors(players), lang),
        "key_moments": key_moments(moments, scenario, lang),
    }


# -- a class --------------------------------------------------------------------------------


#: Up to this many teams the class chart is grouped bars with a legend; beyond, a strip plot.
GROUPED_CHART_TEAMS = 6


def _median_text(values: list[float | None], lang: str, suffix: str = "") -> str:
    present = [v for v in values if v is not None]
    return _num(statistics.median(present), lang, suffix) if present else "–"


def class_context(teams: Sequence[TeamLog], scenario: Scenario, lang: str = "nl") -> dict:
    """Everything the class report shows: teams side by side, endings, diverging decisions.

    Tables have one row per team (so any class size fits the page) and a last row with the
    class median; the chart is grouped bars for a few teams and a strip plot for many.
    """
    all_numbers = [numbers(team.events, scenario) for team in teams]
    rows = []
    for team, n in zip(teams, all_numbers):
        last_ms = team.events[-1].get("elapsed_ms", 0) or 0
        rows.append(
            {
                "label": team.label,
                "players": _players(team, scenario, lang),
                "file": None if team.pseudonymized else team.path.name,
                "outcome": _outcome(team, scenario, lang),
                "index_text": _num(n.index_value, lang),
                "duration": duration(last_ms, lang),
                "warnings": list(team.warnings),
            }
        )
    dims = list(scenario.scores.items())
    percents = [[n.dimension(d).get("percent") for d, _ in dims] for n in all_numbers]
    score_table = {
        "header": [dim.label for _, dim in dims],
        "rows": [
            {"label": t.label, "cells": [_num(p, lang, "%") for p in row]}
            for t, row in zip(teams, percents)
        ],
        "median": [_median_text([row[i] for row in percents], lang, "%") for i in range(len(dims))],
    }
    labels = [dim.label for _, dim in dims]
    if len(teams) <= GROUPED_CHART_TEAMS:
        chart = charts.grouped_bars(labels, {t.label: row for t, row in zip(teams, percents)})
    else:
        chart = charts.strip_plot(
            labels,
            {t.label: row for t, row in zip(teams, percents)},
            median_label=translate("report.class.median", lang),
        )
    keys = part_keys(all_numbers[0].index) if all_numbers else list(INDEX_PARTS)
    part_values = [
        [n.index.get("parts", {}).get(key, {}).get("value") for key in keys] + [n.index_value]
        for n in all_numbers
    ]
    part_table = {
        "header": [_part_text(key, lang) for key in keys] + [translate("report.col.index", lang)],
        "rows": [
            {"label": t.label, "cells": [_num(v, lang) for v in row]}
            for t, row in zip(teams, part_values)
        ],
        "median": [
            _median_text([row[i] for row in part_values], lang) for i in range(len(keys) + 1)
        ],
        "legend": [
            {"label": _part_text(key, lang), "meaning": _part_text(key, lang, ".meaning")}
            for key in keys
        ],
    }
    per_team_metrics = [_metric_rows(n, lang) for n in all_numbers]
    metric_table = {
        "header": [m["label"] for m in per_team_metrics[0]] if per_team_metrics else [],
        "rows": [
            {"label": t.label, "cells": [m["value"] for m in metrics],
             "alerts": [bool(m.get("alert")) for m in metrics]}
            for t, metrics in zip(teams, per_team_metrics)
        ],
    }
    endings = ending_counts(teams, scenario, lang)
    return {
        "teams": rows,
        "count": len(teams),
        "score_table": score_table,
        "scores_chart": chart,
        "part_table": part_table,
        "metric_table": metric_table,
        "endings": endings,
        "divergences": divergences(teams, scenario, lang),
        "ending_questions": [
            {"title": e["title"], "questions": e["questions"],
             "groups": question_groups(scenario.endings.get(e["id"]), lang)}
            for e in endings
            if e["teams"] and e["questions"]
        ],
        "finished": any(team.ended is not None for team in teams),
    }


# -- rendering ------------------------------------------------------------------------------


def render_report(
    source: Source,
    scenario: Scenario,
    *,
    lang: str = "nl",
    pseudonymize: bool = False,
) -> str:
    """The report as an HTML string: a team report for one team, a class report for several."""
    teams = team_logs(source, scenario, pseudonymize, lang)
    now = datetime.now().astimezone()
    common = {
        "lang": lang,
        "t": lambda key, **kw: translate(key, lang, **kw),
        "scenario": _scenario_block(scenario),
        "generated": translate(
            "report.generated",
            lang,
            date=now.strftime("%d-%m-%Y %H:%M" if lang == "nl" else "%Y-%m-%d %H:%M"),
            version=VERSION,
        ),
        "pseudonymized": any(t.pseudonymized for t in teams),
        # the teacher's guide; the templates show it only once a team reached an ending
        "guide": teacher_guide(scenario, lang),
    }
    if len(teams) == 1:
        template = _env().get_template("team.html.j2")
        return template.render(
            **common,
            title=translate("report.title.team", lang, scenario=scenario.title),
            team=team_context(teams[0], scenario, lang),
        )
    template = _env().get_template("class.html.j2")
    return template.render(
        **common,
        title=translate("report.title.class", lang, scenario=scenario.title),
        klass=class_context(teams, scenario, lang),
    )


def write_report(
    source: Source,
    path: str | os.PathLike,
    scenario: Scenario,
    *,
    lang: str = "nl",
    pseudonymize: bool = False,
) -> str:
    """Write the HTML debrief report to `path` and return the path written.

    `source` is `session.events` (the window's debrief screen, one team), a `TeamLog`, or a list
    of `TeamLog`s of one scenario (a class report: teams side by side per dimension and metric,
    endings per team, the decisions where teams went different ways). `scenario` is the loaded
    scenario the sessions played; `lang` "nl" (default) or "en"; `pseudonymize` replaces player
    names by "Speler 1..n" everywhere in the report. The file is self-contained (inline CSS and
    SVG, no scripts, no network) and prints on A4.
    """
    html = render_report(source, scenario, lang=lang, pseudonymize=pseudonymize)
    with open(path, "w", encoding="utf-8") as out:
        out.write(html)
    return str(path)

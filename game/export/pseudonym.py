"""Pseudonymisation: player names replaced by stable pseudonyms in every debrief output.

A teacher who shares a report, a spreadsheet or xAPI statements outside the classroom should
not have to edit names out by hand. `pseudonymize` rewrites a team's events *before* any output
is made, so every writer (report, CSV, xAPI, class comparison) sees only pseudonyms, including
free text such as a `forked_from` path or any logged string that happens to contain a name.

Pseudonyms are "Speler 1..n" ("Player 1..n" in English), numbered in the scenario's role
declaration order (the order of the logged players when no scenario is given); a player who
took a role later (`player_changed`, class play) gets the next number, in log order. They depend on
nothing but the log and the scenario, so they are the same in every output of one run and in
every later run over the same class.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from attrs import evolve

from game.export.logs import TeamLog
from game.i18n import translate


def pseudonyms(players: Sequence[dict], role_order: Sequence[str] = (), lang: str = "nl") -> dict:
    """Map each role to its pseudonym: "Speler n", numbered in `role_order` (then log order)."""
    logged = [p.get("role") for p in players]
    order = [r for r in role_order if r in logged] + [r for r in logged if r not in role_order]
    return {role: translate("report.pseudonym", lang, n=i) for i, role in enumerate(order, 1)}


def name_map(players: Sequence[dict], role_order: Sequence[str] = (), lang: str = "nl",
             later: Sequence[str] = ()) -> dict:
    """Map each real player name to its pseudonym (several roles may share one player name).

    `later` are the names of players who took a role after the start (`player_changed`), in
    log order: a name not seen before gets the next number after the starting players.
    """
    by_role = pseudonyms(players, role_order, lang)
    mapping: dict[str, str] = {}
    for player in players:
        name = str(player.get("name") or "").strip()
        if name and name not in mapping:
            mapping[name] = by_role[player.get("role")]
    number = len(by_role)
    for name in later:
        name = str(name or "").strip()
        if name and name not in mapping:
            number += 1
            mapping[name] = translate("report.pseudonym", lang, n=number)
    return mapping


def _pattern(names: Sequence[str]) -> re.Pattern | None:
    """One regex for all names, longest first, matched as whole words, ignoring case."""
    names = sorted({n for n in names if n}, key=len, reverse=True)
    if not names:
        return None
    body = "|".join(re.escape(n) for n in names)
    return re.compile(rf"(?<!\w)(?:{body})(?!\w)", re.IGNORECASE)


def scrub(value: object, mapping: Mapping[str, str], pattern: re.Pattern | None = None) -> object:
    """`value` with every real name (in any string, at any depth) replaced by its pseudonym."""
    pattern = pattern if pattern is not None else _pattern(list(mapping))
    if pattern is None:
        return value
    if isinstance(value, str):
        return pattern.sub(lambda m: _pseudonym_for(m.group(0), mapping), value)
    if isinstance(value, list | tuple):
        return type(value)(scrub(v, mapping, pattern) for v in value)
    if isinstance(value, dict):
        return {k: scrub(v, mapping, pattern) for k, v in value.items()}
    return value


def _pseudonym_for(found: str, mapping: Mapping[str, str]) -> str:
    """The pseudonym of the name that matched `found` (same letters, any case)."""
    if found in mapping:
        return mapping[found]
    folded = found.casefold()
    for name, pseudonym in mapping.items():
        if name.casefold() == folded:
            return pseudonym
    # Case-insensitive matching of a few letters (the Turkish dotted İ, ß) does not survive
    # casefold(); find the name whose own pattern matches.
    for name in sorted(mapping, key=len, reverse=True):
        if re.fullmatch(re.escape(name), found, re.IGNORECASE):
            return mapping[name]
    return found  # unreachable: the pattern only matches names in the mapping


def pseudonymize(team_log: TeamLog, role_order: Sequence[str] = (), lang: str = "nl") -> TeamLog:
    """A copy of `team_log` whose events and warnings carry pseudonyms instead of player names.

    The players of `session_started` get their pseudonym as `name`, a player who took a role
    later (`player_changed`) the next free number; every other string in every event is
    scrubbed of the real names too. The result is marked `pseudonymized`, so
    writers also leave out the log's file name (which a teacher may have named after a team).
    """
    players = team_log.players
    later = [s["name"] for s in team_log.seatings if s["seq"] > 0]
    mapping = name_map(players, role_order, lang, later)
    by_role = pseudonyms(players, role_order, lang)
    pattern = _pattern(list(mapping))
    events = [scrub(e, mapping, pattern) for e in team_log.events]
    started = dict(events[0])
    started["players"] = [{**p, "name": by_role[p.get("role")]} for p in players]
    started = scrub(started, mapping, pattern)
    # The session's identity must not change with its names (a name like "2026" would
    # otherwise be scrubbed out of the time an old log's id is derived from).
    started["session_id"] = team_log.session_id
    events[0] = started
    warnings = tuple(scrub(w, mapping, pattern) for w in team_log.warnings)
    return evolve(team_log, events=tuple(events), warnings=warnings, pseudonymized=True)

"""xAPI 1.0.3 export: a session's events as Experience API statements for a Learning Record Store.

Mapping (one statement per player move, per player at start and end; see docs/debriefing.md):

| event | actor | verb (ADL) | object |
| --- | --- | --- | --- |
| session_started | each player | initialized | the scenario |
| player_changed | the new player | initialized | the scenario |
| scene_entered | the team (Group) | experienced | the scene |
| consulted | the player | asked | the consulted player (Agent) |
| info_shared | the player | shared | the information card |
| consent_asked | the player | asked-consent (Samenspel) | the information card |
| vote_cast | the player | responded | the scene (response: the choice id) |
| choice_made | the decider, or the team when several decided | answered | the scene (response) |
| timer_expired | the team (Group) | experienced | the scene's time-out |
| session_ended | each player | completed | the scenario, result.score.scaled = index/100 |

Every statement has `context.registration` = the session id (a UUID), the scenario as parent
activity, the team as `context.team` (unless the team is the actor) and the acting role and its
academy as context extensions. Players are identified by an `account` on the configured home
page whose name is `<session id>/<role>` (`<session id>/<role>/<n>` for the n-th player of a
role that changed hands during the session, `player_changed`); the readable `name` is the
player's name at that moment or, pseudonymised, "Speler n". Statements after a change have
the new player as actor and in the team. The team is always an identified Group (account
`<session id>/team`, with its members); a decision by several roles has the team as actor and
the deciding roles in a result extension.
Statement ids are UUIDv5s of the session id, event seq and role, so exporting twice gives the
same ids (an LRS then refuses the duplicates instead of counting them twice).
"""

from __future__ import annotations

import json
import os
import uuid
from typing import TYPE_CHECKING

from game.__version__ import VERSION
from game.export.sources import Source, team_logs
from game.export.summary import numbers

if TYPE_CHECKING:
    from game.export.logs import TeamLog
    from game.scenario.model import Scenario

#: Default base IRI for activities and extensions, and the account home page when none is
#: configured (a placeholder: a school sets its own with --xapi-home or the window's settings).
DEFAULT_BASE = "https://samenspel.example/xapi/"

ADL = "http://adlnet.gov/expapi/verbs/"
VERBS = {
    "initialized": {"nl-NL": "begon", "en-US": "initialized"},
    "experienced": {"nl-NL": "beleefde", "en-US": "experienced"},
    "asked": {"nl-NL": "raadpleegde", "en-US": "asked"},
    "shared": {"nl-NL": "deelde", "en-US": "shared"},
    "responded": {"nl-NL": "stemde", "en-US": "responded"},
    "answered": {"nl-NL": "koos", "en-US": "answered"},
    "completed": {"nl-NL": "voltooide", "en-US": "completed"},
}
#: Verbs of Samenspel's own (no ADL verb means "asked the family's consent"); their IRIs are
#: under the configured base, `<base>verbs/<name>`.
OWN_VERBS = {
    "asked-consent": {"nl-NL": "vroeg toestemming voor", "en-US": "asked consent for"},
}
ACTIVITY_TYPES = {
    "scenario": "http://adlnet.gov/expapi/activities/simulation",
    "scene": "http://adlnet.gov/expapi/activities/interaction",
    "info": "http://adlnet.gov/expapi/activities/media",
}
LANG_TAGS = {"nl": "nl-NL", "en": "en-US"}


def _verb(name: str) -> dict:
    return {"id": ADL + name, "display": dict(VERBS[name])}


class _Builder:
    """Builds the statements of one team."""

    def __init__(self, team: TeamLog, scenario: Scenario | None, base: str, lang: str,
                 home_page: str | None = None):
        self.team = team
        self.scenario = scenario
        self.base = base if base.endswith("/") else base + "/"
        self.home_page = home_page or self.base
        self.lang = lang
        self.registration = team.session_id
        self.started = team.started
        self.scenario_id = team.scenario_id
        self.players = {p.get("role"): dict(p) for p in team.players}
        self.turn = dict.fromkeys(self.players, 1)  # role -> how many players it has had
        self.tag = LANG_TAGS.get(scenario.language if scenario else "nl", "nl-NL")

    # -- identities -------------------------------------------------------------------------
    def agent(self, role: str) -> dict:
        player = self.players.get(role, {})
        turn = self.turn.get(role, 1)
        account = f"{self.registration}/{role}" + (f"/{turn}" if turn > 1 else "")
        return {
            "objectType": "Agent",
            "name": str(player.get("name") or role),
            "account": {"homePage": self.home_page, "name": account},
        }

    def group(self) -> dict:
        """The team: an identified Group (one account per session) with every player."""
        return {
            "objectType": "Group",
            "name": self.team.label or "Team",
            "account": {"homePage": self.home_page, "name": f"{self.registration}/team"},
            "member": [self.agent(r) for r in self.players],
        }

    # -- activities -------------------------------------------------------------------------
    def iri(self, *parts: str) -> str:
        return self.base + "/".join(parts)

    def scenario_activity(self) -> dict:
        title = self.started.get("scenario_title") or self.scenario_id
        definition = {"type": ACTIVITY_TYPES["scenario"], "name": {self.tag: str(title)}}
        if self.scenario is not None and self.scenario.summary:
            definition["description"] = {self.tag: self.scenario.summary.strip()}
        return {
            "objectType": "Activity",
            "id": self.iri("scenarios", self.scenario_id),
            "definition": definition,
        }

    def scene_activity(self, scene: str, suffix: str = "") -> dict:
        sc = self.scenario.scenes.get(scene) if self.scenario is not None else None
        title = (sc.title or scene) if sc is not None else scene
        definition: dict = {"type": ACTIVITY_TYPES["scene"], "name": {self.tag: title}}
        if sc is not None and sc.choices and not suffix:
            definition["interactionType"] = "choice"
            definition["choices"] = [
                {"id": c.id, "description": {self.tag: c.text}} for c in sc.choices
            ]
        parts = ["scenarios", self.scenario_id, "scenes", scene] + ([suffix] if suffix else [])
        return {"objectType": "Activity", "id": self.iri(*parts), "definition": definition}

    def info_activity(self, info: str) -> dict:
        card = self.scenario.info.get(info) if self.scenario is not None else None
        title = card.title if card is not None else info
        return {
            "objectType": "Activity",
            "id": self.iri("scenarios", self.scenario_id, "info", info),
            "definition": {"type": ACTIVITY_TYPES["info"], "name": {self.tag: title}},
        }

    # -- statements -------------------------------------------------------------------------
    def context(self, role: str | None, event: dict, team_is_actor: bool, parent: bool) -> dict:
        extensions = {self.iri("extensions", "seq"): int(event.get("seq", 0))}
        if role is not None:
            extensions[self.iri("extensions", "role")] = role
            academy = self.players.get(role, {}).get("academy")
            if academy is None and self.scenario is not None and role in self.scenario.roles:
                academy = self.scenario.roles[role].academy
            if academy:
                extensions[self.iri("extensions", "academy")] = academy
        context: dict = {
            "registration": self.registration,
            "platform": f"Samenspel {VERSION}",
            "language": self.tag,
            "extensions": extensions,
        }
        if not team_is_actor:
            context["team"] = self.group()
        if parent:
            context["contextActivities"] = {"parent": [self.scenario_activity()]}
        return context

    def statement(
        self,
        event: dict,
        key: str,
        actor: dict,
        verb: str,
        obj: dict,
        role: str | None = None,
        result: dict | None = None,
        parent: bool = True,
    ) -> dict:
        sid = uuid.uuid5(uuid.UUID(self.registration), f"{event.get('seq', 0)}/{key}")
        team_is_actor = actor.get("objectType") == "Group"
        context = self.context(role, event, team_is_actor, parent)
        if obj.get("objectType") != "Activity":  # the spec forbids these for non-activities
            context.pop("platform", None)
        statement = {
            "id": str(sid),
            "actor": actor,
            "verb": ({"id": self.iri("verbs", verb), "display": dict(OWN_VERBS[verb])}
                     if verb in OWN_VERBS else _verb(verb)),
            "object": obj,
            "context": context,
            "timestamp": str(event.get("time") or self.started.get("time")),
        }
        if result:
            statement["result"] = result
        return statement

    def for_event(self, event: dict, index_value: float | None, percents: dict) -> list[dict]:
        kind = event.get("type")
        scene = str(event.get("scene", ""))
        if kind == "session_started":
            return [
                self.statement(
                    event, r, self.agent(r), "initialized", self.scenario_activity(), r, None, False
                )
                for r in self.players
            ]
        if kind == "player_changed":
            role = str(event.get("role", ""))
            if role not in self.players:
                return []
            self.players[role] = {**self.players[role], "name": event.get("name")}
            self.turn[role] = self.turn.get(role, 1) + 1
            return [
                self.statement(
                    event, role, self.agent(role), "initialized", self.scenario_activity(), role,
                    None, False,
                )
            ]
        if kind == "scene_entered":
            order = event.get("order")
            result = ({"extensions": {self.iri("extensions", "choice-order"): list(order)}}
                      if order else None)
            return [
                self.statement(
                    event, "team", self.group(), "experienced", self.scene_activity(scene),
                    None, result,
                )
            ]
        if kind == "consulted":
            role, target = str(event.get("role")), str(event.get("target"))
            obj = self.agent(target)
            return [self.statement(event, role, self.agent(role), "asked", obj, role)]
        if kind == "info_shared":
            role = str(event.get("role"))
            to = event.get("to") or []
            result = {
                "extensions": {
                    self.iri("extensions", "recipients"): list(to),
                    self.iri("extensions", "consent"): bool(event.get("consent", True)),
                    self.iri("extensions", "breach"): bool(event.get("breach", False)),
                }
            }
            for name in ("overshared", "outside_consent"):
                if event.get(name):
                    key = self.iri("extensions", name.replace("_", "-"))
                    result["extensions"][key] = list(event[name])
            return [
                self.statement(
                    event,
                    role,
                    self.agent(role),
                    "shared",
                    self.info_activity(str(event.get("info"))),
                    role,
                    result,
                )
            ]
        if kind == "consent_asked":
            role = str(event.get("role"))
            result = {
                "success": bool(event.get("granted", False)),
                "extensions": {self.iri("extensions", "recipients"): list(event.get("to") or [])},
            }
            return [
                self.statement(
                    event,
                    role,
                    self.agent(role),
                    "asked-consent",
                    self.info_activity(str(event.get("info"))),
                    role,
                    result,
                )
            ]
        if kind == "vote_cast":
            role = str(event.get("role"))
            result = {
                "response": str(event.get("choice")),
                "extensions": {self.iri("extensions", "round"): int(event.get("round") or 1)},
            }
            return [
                self.statement(
                    event,
                    role,
                    self.agent(role),
                    "responded",
                    self.scene_activity(scene),
                    role,
                    result,
                )
            ]
        if kind == "choice_made":
            by = [str(r) for r in event.get("by") or []]
            # One decider acts as a player; several (a vote, a consensus) as the team, whose
            # deciding roles are named in the result (an anonymous Group of them would be no
            # identity an LRS can keep).
            actor = self.agent(by[0]) if len(by) == 1 else self.group()
            result = {"response": str(event.get("choice"))}
            extensions: dict = {self.iri("extensions", "deciders"): by} if len(by) > 1 else {}
            if event.get("points"):
                extensions[self.iri("extensions", "points")] = dict(event["points"])
            if event.get("changes"):
                extensions[self.iri("extensions", "changes")] = dict(event["changes"])
            if extensions:
                result["extensions"] = extensions
            role = by[0] if len(by) == 1 else None
            return [
                self.statement(
                    event, "choice", actor, "answered", self.scene_activity(scene), role, result
                )
            ]
        if kind == "timer_expired":
            return [
                self.statement(
                    event,
                    "timeout",
                    self.group(),
                    "experienced",
                    self.scene_activity(scene, "timeout"),
                )
            ]
        if kind == "session_ended":
            result: dict = {"completion": True}
            outcome = event.get("outcome")
            if outcome in ("good", "bad"):
                result["success"] = outcome == "good"
            if index_value is not None:
                scaled = max(0.0, min(1.0, index_value / 100))
                result["score"] = {
                    "scaled": round(scaled, 4),
                    "raw": round(index_value, 2),
                    "min": 0,
                    "max": 100,
                }
            ms = int(event.get("elapsed_ms") or 0)
            result["duration"] = f"PT{ms / 1000:.2f}S"
            result["extensions"] = {
                self.iri("extensions", "ending"): str(event.get("ending")),
                self.iri("extensions", "outcome"): str(outcome),
                self.iri("extensions", "dimension-percent"): percents,
            }
            return [
                self.statement(
                    event, r, self.agent(r), "completed", self.scenario_activity(), r, result, False
                )
                for r in self.players
            ]
        return []


def statements(
    source: Source,
    scenario: Scenario | None = None,
    *,
    lang: str = "nl",
    pseudonymize: bool = False,
    base_iri: str = DEFAULT_BASE,
    home_page: str | None = None,
) -> list[dict]:
    """The xAPI statements of one or more teams, in log order (see the module docstring).

    `home_page` is the school's home page on which players and teams get their accounts
    (default: `base_iri`)."""
    out: list[dict] = []
    for team in team_logs(source, scenario, pseudonymize, lang):
        index_value, percents = None, {}
        if scenario is not None and team.ended is not None:
            n = numbers(team.events, scenario)
            index_value = n.index_value
            percents = {d: n.dimension(d).get("percent") for d in scenario.scores}
        builder = _Builder(team, scenario, base_iri, lang, home_page)
        for event in team.events:
            out.extend(builder.for_event(event, index_value, percents))
    return out


def write_xapi(
    source: Source,
    path: str | os.PathLike,
    scenario: Scenario | None = None,
    *,
    lang: str = "nl",
    pseudonymize: bool = False,
    base_iri: str = DEFAULT_BASE,
    home_page: str | None = None,
) -> int:
    """Write a JSON array of xAPI 1.0.3 statements to `path`; returns how many were written.

    `source` is `session.events` (from the window), a `TeamLog` or a list of `TeamLog`s. Give the
    `scenario` for activity names and the final score (`completed` carries
    `result.score.scaled` = cooperation index / 100 only when it is known). `pseudonymize`
    replaces player names; `base_iri` is the school's own IRI prefix for activities, and
    `home_page` the home page of the accounts (default `base_iri`).
    """
    data = statements(source, scenario, lang=lang, pseudonymize=pseudonymize, base_iri=base_iri,
                      home_page=home_page)
    # One statement per line: still readable and diffable, and json's fast C encoder is only
    # used without `indent` (an order of magnitude faster; docs/performance.md, "Debrief").
    body = ",\n".join(json.dumps(s, ensure_ascii=False, separators=(",", ":")) for s in data)
    with open(path, "w", encoding="utf-8") as out:
        out.write("[\n" + body + "\n]\n" if data else "[]\n")
    return len(data)

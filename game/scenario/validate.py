"""Every check of docs/scenario-format.md ("Problem codes") on a structured scenario.

`validate(scenario, ...)` returns every problem at once: ids, references, effects, routes,
timers, expressions, text placeholders, and the graph warnings. It runs after structuring, on
the items that structured cleanly; `declared` carries the ids of every item the author wrote
(also the broken ones), so that a reference to a scene with a typo in its body is not also
reported as an unknown scene.

Reachability over-approximates guards: every route, `next` and `on_timeout` counts as a
possible edge whatever its condition, so "unreachable" and "no ending reachable" warnings are
certain, while a scene reported reachable may still be blocked by guards at run time.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from game.scenario.expressions import Scope, diagnose
from game.scenario.messages import SECTION_NOUNS, Kind, nearest_mark, problem, suggest
from game.scenario.model import ACADEMIES, FORMAT_VERSION, TEAM, Effects, Scenario, Scene
from game.scenario.problems import Problem
from game.scenario.template import TemplateError, check_template, parse_template
from game.scenario.yamlsafe import ScalarSpot

ID_PATTERN = re.compile(r"[a-z0-9_]+")
SCENARIO_ID_PATTERN = re.compile(r"[a-z0-9_-]+")
COLOR_PATTERN = re.compile(r"#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})")
LANGUAGES = ("nl", "en")
EVERYONE = frozenset({"iedereen", "allen", "alle", "allemaal", "alle_rollen", "everyone", "all",
                      "everybody", "samen", "het_team", "teams"})
"""Words an author writes for the whole team where the format wants `actor: team`."""
# Fields of study and professions an author may write as an academy, and the academy meant.
ACADEMY_WORDS = {
    "gezondheidszorg": ("verpleeg", "zorg", "gezond", "genees", "medisch", "arts", "ggz", "ggd",
                        "jgz", "health", "nurs", "psycholo", "fysio", "paramedisch"),
    "pabo": ("onderwijs", "leraar", "lerare", "leerkracht", "school", "educat", "teach",
             "docent"),
    "sociale_studies": ("sociaal", "sociale", "social", "maatschappelijk", "jeugdzorg", "welzijn",
                        "pedagog", "sph", "cmv", "wijk"),
    "recht": ("recht", "jurid", "jurist", "law", "legal", "advoca", "leerplicht"),
    "economie": ("econo", "bedrijf", "financ", "bestuur", "business", "gemeente", "beleid",
                 "manage"),
}


def academy_for(word: str) -> str | None:
    """The academy a field of study or profession belongs to (`verpleegkunde`), or None."""
    plain = word.lower().replace("-", "").replace(" ", "")
    # The longest stem that fits wins: `jeugdzorg` is social work, `zorg` alone is health.
    stems = sorted(((stem, academy) for academy, group in ACADEMY_WORDS.items()
                    for stem in group), key=lambda pair: -len(pair[0]))
    return next((academy for stem, academy in stems if stem in plain), None)



def validate(
    scenario: Scenario,
    *,
    declared: Mapping[str, frozenset[str] | None] | None = None,
    spots: Mapping[tuple, ScalarSpot] | None = None,
    choice_index: Mapping[str, tuple[int, ...]] | None = None,
    partial: bool = False,
) -> list[Problem]:
    """Every error and warning of a scenario, in file order.

    `declared`: ids per section as written (default: the scenario's own); a section mapped to
    None was unreadable and references into it are not checked. `spots`: where each scalar
    sits, to place expression and placeholder problems on the exact column. `choice_index`:
    the file index of each choice of a scene some of whose choices could not be read.
    `partial`: parts of the file could not be read, so the graph warnings (which would be
    guesses about a graph with holes) are left out until the errors are fixed.
    """
    checker = _Validator(scenario, declared, spots or {}, choice_index or {})
    checker.run(graph=not partial)
    return sorted(checker.problems, key=lambda p: (p.line, p.column, p.severity != "error"))


class _Validator:
    """One pass over a scenario, collecting problems."""

    def __init__(
        self,
        scenario: Scenario,
        declared: Mapping[str, frozenset[str] | None] | None,
        spots: Mapping[tuple, ScalarSpot],
        choice_index: Mapping[str, tuple[int, ...]],
    ):
        self.s = scenario
        self.spots = spots
        self.choice_index = choice_index
        self.problems: list[Problem] = []
        own = {
            "roles": frozenset(scenario.roles),
            "info": frozenset(scenario.info),
            "variables": frozenset(scenario.variables),
            "scores": frozenset(scenario.scores),
            "scenes": frozenset(scenario.scenes),
            "endings": frozenset(scenario.endings),
        }
        self.declared: dict[str, frozenset[str] | None] = dict(own)
        if declared is not None:
            self.declared.update(declared)
        scenes = self.declared["scenes"]
        endings = self.declared["endings"]
        self.nodes: frozenset[str] | None = (
            None if scenes is None or endings is None else scenes | endings
        )
        self.scope = Scope(
            variables={v.id: type(v.initial) for v in scenario.variables.values()},
            roles=self.declared["roles"] or (),
            infos=self.declared["info"] or (),
            scenes=self.nodes or (),
            choices={sid: [c.id for c in sc.choices] for sid, sc in scenario.scenes.items()},
        )

    # -- reporting ------------------------------------------------------------------------------

    def add(self, code: str, path: tuple, severity: str = "error", **kw: Any) -> None:
        """Record one problem at the marks of `path`."""
        self.problems.append(
            problem(code, path, source=self.s.source, marks=self.s.marks, severity=severity, **kw)
        )

    def ref(self, section: str, ref_id: object, path: tuple, code: str) -> bool:
        """Check that `ref_id` names an item of `section` (scenes: scenes or endings)."""
        pool = self.nodes if section == "nodes" else self.declared.get(section)
        if pool is None or ref_id in pool:
            return True
        hint = suggest(ref_id, pool)
        self.add(code, path, name=ref_id, hint="did_you_mean" if hint else None,
                 hint_values={"suggestion": hint})
        return False

    def role_ref(self, role: object, path: tuple) -> bool:
        """A role reference; `team` gets its own hint (it is only valid as a whole `actor`)."""
        pool = self.declared["roles"]
        if pool is None or role in pool:
            return True
        if role == TEAM:
            self.add("unknown-role", path, name=role, hint="team_alone")
            return False
        return self.ref("roles", role, path, "unknown-role")

    def written(self, path: tuple) -> bool:
        """True when the author wrote this key (even if its value could not be read)."""
        return path in self.s.marks

    def column_of(self, path: tuple, offset: int) -> tuple[int, int]:
        """Where a character of a scalar is: exact on a one-line scalar, else its start."""
        spot = self.spots.get(path)
        if spot is None:
            return nearest_mark(self.s.marks, path)
        if spot.single_line and spot.style not in ("|", ">"):
            quoted = 1 if spot.style in ("'", '"') else 0
            return spot.line, spot.column + offset + quoted
        return spot.line, spot.column

    # -- the checks -----------------------------------------------------------------------------

    def run(self, graph: bool = True) -> None:
        """All checks in turn; the graph warnings only when `graph`."""
        self.top()
        self.ids()
        for role in self.s.roles.values():
            self.role(role)
        for info in self.s.info.values():
            self.info(info)
        for var in self.s.variables.values():
            self.variable(var)
        for dim in self.s.scores.values():
            if dim.max is not None and dim.max <= 0:
                self.add("bad-value", ("scores", dim.id, "max"), key="bad-value-positive",
                         name="max", value=dim.max)
        for scene in self.s.scenes.values():
            self.scene(scene)
        for ending in self.s.endings.values():
            self.template(ending.text, ("endings", ending.id, "text"))
        self.debrief()
        if graph:
            self.graph()

    def top(self) -> None:
        """Format, language, minimum counts, start."""
        s = self.s
        if s.format != FORMAT_VERSION:
            self.add("bad-format", ("format",), value=s.format)
        if s.id and not SCENARIO_ID_PATTERN.fullmatch(s.id):
            self.add("bad-id", ("id",), key="bad-scenario-id", name=s.id)
        if s.language not in LANGUAGES:
            self.add("bad-value", ("language",), key="bad-value-options", name="language",
                     value=s.language, options=LANGUAGES)
        roles = self.declared["roles"]
        if roles is not None and len(roles) < 2:
            self.add("too-few-roles", ("roles",), count=len(roles))
        endings = self.declared["endings"]
        if endings is not None and not endings:
            self.add("no-endings", ("endings",))
        if s.start and self.nodes is not None:
            self.ref("nodes", s.start, ("start",), "unknown-scene")

    def ids(self) -> None:
        """Slugs for every id; scene and ending ids may not clash."""
        for section in SECTION_NOUNS:
            for item_id in sorted(self.declared.get(section) or ()):
                if not ID_PATTERN.fullmatch(item_id):
                    self.add("bad-id", (section, item_id), name=item_id,
                             kind=Kind(SECTION_NOUNS[section]))
        if TEAM in (self.declared["roles"] or ()):
            # `actor: team` means every role, so a role cannot be called team.
            self.add("bad-id", ("roles", TEAM), key="reserved-id", name=TEAM)
        scenes, endings = self.declared["scenes"], self.declared["endings"]
        for clash in sorted((scenes or frozenset()) & (endings or frozenset())):
            self.add("id-clash", ("endings", clash), name=clash)

    def role(self, role: Any) -> None:
        """Academy (a warning when unknown), colour, briefing placeholders."""
        path = ("roles", role.id)
        if role.academy == "TODO":
            # Written by `samenspel new` for a role it could not place: the teacher chooses.
            self.add("unknown-academy", path + ("academy",), severity="warning",
                     key="unknown-academy-todo", name=role.id, known=ACADEMIES,
                     hint="choose_academy")
        elif role.academy not in ACADEMIES:
            hint = suggest(role.academy, ACADEMIES) or academy_for(role.academy)
            self.add("unknown-academy", path + ("academy",), severity="warning",
                     name=role.academy, known=ACADEMIES,
                     hint="did_you_mean" if hint else None, hint_values={"suggestion": hint})
        if role.color is not None and not COLOR_PATTERN.fullmatch(role.color):
            self.add("bad-value", path + ("color",), key="bad-color", value=role.color)
        self.template(role.briefing, path + ("briefing",))

    def info(self, info: Any) -> None:
        """Owner, consent (either form), who needs the card, effects, text placeholders."""
        path = ("info", info.id)
        if info.owner is not None:
            self.role_ref(info.owner, path + ("owner",))
        terms = info.terms
        if terms is None:
            if info.consent is not None:
                self.expression(info.consent, path + ("consent",))
        else:
            cpath = path + ("consent",)
            if terms.if_ is not None:
                self.expression(terms.if_, cpath + ("if",))
            if terms.ask is not None:
                self.expression(terms.ask, cpath + ("ask",))
            if terms.for_ is not None:
                self.template(terms.for_, cpath + ("for",))
            for name in ("to", "asked_by"):
                for i, role in enumerate(getattr(terms, name) or ()):
                    self.role_ref(role, cpath + (name, i))
            if terms.ask is None and terms.asked_by is not None:
                self.add("consent-never-asked", cpath + ("asked_by",), severity="warning",
                         name="asked_by")
        if not info.can_be_asked and not info.on_refuse.is_empty():
            self.add("consent-never-asked", path + ("on_refuse",), severity="warning",
                     name="on_refuse")
        for i, role in enumerate(info.needed_by or ()):
            self.role_ref(role, path + ("needed_by", i))
        self.effects(info.on_share, path + ("on_share",))
        self.effects(info.on_breach, path + ("on_breach",))
        self.effects(info.on_refuse, path + ("on_refuse",))
        self.template(info.text, path + ("text",))

    def debrief(self) -> None:
        """Prompts name declared roles; the guide's discussion time is positive."""
        for role in self.s.debrief_roles:
            self.role_ref(role, ("debrief", "roles", role))
        guide = self.s.guide
        if guide is not None and guide.duration is not None and guide.duration <= 0:
            self.add("bad-value", ("debrief", "guide", "duration"), key="bad-value-positive",
                     name="duration", value=guide.duration)

    def variable(self, var: Any) -> None:
        """min <= max, the initial value inside them; no bounds on a true/false variable."""
        path = ("variables", var.id)
        if isinstance(var.initial, bool):
            for bound in ("min", "max"):
                if getattr(var, bound) is not None:
                    self.add("bad-value", path + (bound,), key="bad-bound-bool", name=bound)
            return
        if var.min is not None and var.max is not None and var.min > var.max:
            self.add("min-max", path + ("min",), min=var.min, max=var.max)
            return
        low = var.min is not None and var.initial < var.min
        high = var.max is not None and var.initial > var.max
        if low or high:
            self.add("initial-out-of-range", path + ("initial",), value=var.initial,
                     min="-" if var.min is None else var.min,
                     max="-" if var.max is None else var.max)

    def effects(self, effects: Effects, path: tuple) -> None:
        """Effects name declared variables and dimensions, with values of the right type."""
        variables = self.s.variables
        for name, value in effects.set.items():
            vpath = path + ("set", name)
            if not self.ref("variables", name, vpath, "unknown-variable"):
                continue
            var = variables.get(name)
            if var is None:
                continue
            if isinstance(var.initial, bool) != isinstance(value, bool):
                wanted = "bool" if isinstance(var.initial, bool) else "number"
                self.add("bad-effect", vpath, key="bad-effect-set", name=name, value=value,
                         wanted=Kind(wanted))
        for name in effects.add:
            vpath = path + ("add", name)
            if not self.ref("variables", name, vpath, "unknown-variable"):
                continue
            var = variables.get(name)
            if var is not None and isinstance(var.initial, bool):
                self.add("bad-effect", vpath, key="bad-effect-add", name=name)
        for name in effects.score:
            self.ref("scores", name, path + ("score", name), "unknown-dimension")

    def scene(self, scene: Scene) -> None:
        """A scene's exits, actors, decision, timer, advice, effects, text and choices."""
        path = ("scenes", scene.id)
        if scene.choices and scene.next is not None:
            self.add("choices-and-next", path + ("next",))
        if (not scene.choices and scene.next is None and scene.id not in self.choice_index
                and not self.written(path + ("next",)) and not self.written(path + ("choices",))):
            # A `next` or `choices` that was written but could not be read is reported
            # already; "no choices and no next" would only repeat it.
            self.add("no-choices-or-next", path)
        if scene.next is not None:
            self.ref("nodes", scene.next, path + ("next",), "unknown-scene")
        if scene.choices and not scene.actors:
            self.add("missing-actor", path)
        for i, actor in enumerate(scene.actors):
            if not scene.is_team and actor in EVERYONE and actor not in self.declared["roles"]:
                self.add("unknown-role", path + ("actor", i), name=actor, hint="everyone")
            elif not scene.is_team:
                self.role_ref(actor, path + ("actor", i))
        if scene.tiebreak is not None and self.role_ref(scene.tiebreak, path + ("tiebreak",)):
            if scene.actors and scene.tiebreak not in scene.actors:
                self.add("tiebreak-not-actor", path + ("tiebreak",), name=scene.tiebreak)
        for role in scene.advice:
            self.role_ref(role, path + ("advice", role))
        if scene.timer is not None and scene.timer <= 0:
            self.add("bad-value", path + ("timer",), key="bad-value-positive", name="timer",
                     value=scene.timer)
        timer_written = scene.timer is not None or self.written(path + ("timer",))
        timeout_written = scene.on_timeout is not None or self.written(path + ("on_timeout",))
        if timer_written != timeout_written:
            which = "timer" if timer_written else "on_timeout"
            self.add("timer-timeout", path + (which,), key=f"timer-timeout-{which}")
        if scene.on_timeout is not None:
            self.ref("nodes", scene.on_timeout, path + ("on_timeout",), "unknown-scene")
        self.effects(scene.on_enter, path + ("on_enter",))
        self.template(scene.text, path + ("text",))
        guards = [c.if_ for c in scene.choices]
        if guards and all(guards) and scene.on_timeout is None and not _covers(guards):
            self.add("all-choices-guarded", path, severity="warning")
        seen: dict[str, int] = {}
        indices = self.choice_index.get(scene.id, range(len(scene.choices)))
        for i, choice in zip(indices, scene.choices):
            cpath = path + ("choices", i)
            if choice.id in seen:
                self.add("duplicate-choice-id", cpath + ("id",), name=choice.id,
                         first=seen[choice.id] + 1)
            else:
                seen[choice.id] = i
                if not ID_PATTERN.fullmatch(choice.id):
                    self.add("bad-id", cpath + ("id",), name=choice.id, kind=Kind("choice"))
            self.choice(choice, cpath, scene.actors)

    def choice(self, choice: Any, path: tuple, actors: tuple[str, ...] = ()) -> None:
        """Roles, guard, effects, learned cards, feedback and routes of one choice."""
        for i, role in enumerate(choice.roles or ()):
            if self.role_ref(role, path + ("roles", i)) and actors and role not in actors:
                self.add("choice-role-not-actor", path + ("roles", i), severity="warning",
                         name=role)
        if choice.if_ is not None:
            self.expression(choice.if_, path + ("if",))
        self.effects(choice.effects, path)
        for role, cards in choice.learn.items():
            self.role_ref(role, path + ("learn", role))
            for j, card in enumerate(cards):
                self.ref("info", card, path + ("learn", role, j), "unknown-card")
        if choice.feedback is not None:
            self.template(choice.feedback, path + ("feedback",))
        if not choice.goto:
            self.add("bad-value", path + ("goto",), key="empty-goto")
            return
        shorthand = (path + ("goto", 0)) not in self.s.marks  # `goto: x`
        for j, route in enumerate(choice.goto):
            rpath = path + ("goto", j)
            to_path = path + ("goto",) if shorthand else rpath + ("to",)
            self.ref("nodes", route.to, to_path, "unknown-scene")
            if route.weight is not None and route.if_ is not None:
                self.add("route-mix", rpath + ("weight",))
            elif route.weight is not None and route.weight <= 0:
                self.add("bad-weight", rpath + ("weight",), value=route.weight)
            if route.if_ is not None:
                self.expression(route.if_, rpath + ("if",))
        last = choice.goto[-1]
        if last.if_ is not None and last.weight is None:
            at = nearest_mark(self.s.marks, path + ("goto", len(choice.goto) - 1, "if"))
            self.add("route-fallthrough", path, severity="warning", position=at)

    # -- expressions and templates ------------------------------------------------------------

    def expression(self, source: str, path: tuple) -> None:
        """Parse and type-check a guard; each issue at its column."""
        self._report("bad-expression", path, source, diagnose(source, self.scope, expect=bool))

    def template(self, text: str, path: tuple) -> None:
        """Check the `{...}` placeholders of a text."""
        roles = self.declared["roles"]
        try:
            issues = check_template(parse_template(text), self.s.variables, roles or ())
        except TemplateError as exc:
            issues = [exc.to_issue()]
        self._report("bad-placeholder", path, text, issues)

    def _report(self, code: str, path: tuple, source: str, issues: Iterable[Any]) -> None:
        """Record expression or placeholder issues, each placed on its character."""
        for issue in issues:
            self.problems.append(self._located(code, path, issue.offset, issue.message,
                                               issue.message_nl, source))

    def _located(self, code: str, path: tuple, offset: int, en: str, nl: str,
                 source: str) -> Problem:
        """A problem inside a piece of text, placed at the offending character."""
        return problem(code, path, source=self.s.source, marks=self.s.marks,
                       position=self.column_of(path, offset),
                       detail=en, detail_nl=nl, text=_short(source))

    # -- graph warnings -----------------------------------------------------------------------

    def graph(self) -> None:
        """Reachability warnings, cards nobody can know, roles that never act."""
        s = self.s
        edges = {sid: set(_targets(sc)) for sid, sc in s.scenes.items()}
        if s.start in edges or s.start in s.endings:
            reached = _reach([s.start], edges)
            for sid in s.scenes:
                if sid not in reached:
                    self.add("unreachable-scene", ("scenes", sid), severity="warning", name=sid)
            for eid in s.endings:
                if eid not in reached:
                    self.add("ending-never-reached", ("endings", eid), severity="warning",
                             name=eid)
        else:
            reached = set(s.scenes)
        if s.endings:
            reverse: dict[str, set[str]] = {}
            for src, targets in edges.items():
                for dst in targets:
                    reverse.setdefault(dst, set()).add(src)
            leads_to_end = _reach(list(s.endings), reverse)
            for sid in s.scenes:
                if sid in reached and sid not in leads_to_end:
                    self.add("no-ending-reachable", ("scenes", sid), severity="warning",
                             name=sid)
        learned = {card for sc in s.scenes.values() for c in sc.choices
                   for cards in c.learn.values() for card in cards}
        for info in s.info.values():
            if info.owner is None and info.id not in learned:
                self.add("card-never-known", ("info", info.id), severity="warning",
                         name=info.id)
        acting = {a for sc in s.scenes.values() for a in sc.actors}
        if s.scenes:
            for role in s.roles:
                if role not in acting:
                    self.add("role-never-acts", ("roles", role), severity="warning",
                             name=role)


_COMPARISON = re.compile(r"\s*(\w+)\s*(>=|<=|==|!=|<|>)\s*(\S+)\s*")
_OPPOSITE = {">=": "<", "<": ">=", ">": "<=", "<=": ">", "==": "!=", "!=": "=="}


def _covers(guards: list[str | None]) -> bool:
    """True when two guards are plainly each other's opposite (`x` and `not x`, `a >= 5` and
    `a < 5`), so one of them always holds; any other set of guards may all be false."""
    plain = {" ".join(g.split()) for g in guards if g}
    for guard in plain:
        for negated in (f"not {guard}", f"not ({guard})"):
            if negated in plain:
                return True
        found = _COMPARISON.fullmatch(guard)
        if found:
            name, op, value = found.groups()
            if any(_same_comparison(other, name, _OPPOSITE[op], value) for other in plain):
                return True
    return False


def _same_comparison(text: str, name: str, op: str, value: str) -> bool:
    """True when `text` is the comparison `name op value`, spaces aside."""
    found = _COMPARISON.fullmatch(text)
    return found is not None and found.groups() == (name, op, value)


def _targets(scene: Scene) -> Iterable[str]:
    """Every scene or ending a scene can lead to, guards ignored."""
    for choice in scene.choices:
        for route in choice.goto:
            yield route.to
    if scene.next is not None:
        yield scene.next
    if scene.on_timeout is not None:
        yield scene.on_timeout


def _reach(starts: list[str], edges: Mapping[str, set[str]]) -> set[str]:
    """Every node reachable from `starts` (included) along `edges`."""
    seen = set(starts)
    todo = list(starts)
    while todo:
        node = todo.pop()
        for nxt in edges.get(node, ()):
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return seen


def _short(text: str) -> str:
    """A piece of source text short enough to quote in a message."""
    text = " ".join(text.split())
    return text if len(text) <= 60 else text[:57] + "..."

"""The scenario model: frozen attrs classes for format v1, the shared vocabulary of the project.

The loader (`game.scenario.loader`) is the only producer of these objects from YAML; the
engine, scoring, export, authoring and UI only read them. Field names follow the YAML keys of
docs/scenario-format.md, except where Python forbids them (`if` → `if_`). Everything the format lets
an author leave out or abbreviate is already resolved here (defaults filled in, `goto: x` as one
route, `actor: team` as the tuple of all roles, `budget: 12000` as a `Variable`), so readers never
re-implement the format's shorthand rules.

Expressions (`if`, `consent`, `ask`, route conditions) are kept as their source text; the
loader has already parsed and type-checked every one, and `game.scenario.expressions` compiles
them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import Any, Literal, NoReturn

from attrs import field, fields, frozen
from attrs.converters import optional

FORMAT_VERSION = 1
ACADEMIES = ("sociale_studies", "pabo", "gezondheidszorg", "recht", "economie")
ACADEMY_COLORS = {
    "sociale_studies": "#2a9d8f",
    "pabo": "#f4a261",
    "gezondheidszorg": "#e76f51",
    "recht": "#264653",
    "economie": "#e9c46a",
}
DEFAULT_ROLE_COLOR = "#6c757d"
TEAM = "team"

Value = bool | int | float
Decision = Literal["single", "vote", "consensus"]
Outcome = Literal["good", "mixed", "bad"]


class FrozenDict(dict):
    """A dict that cannot be changed after it is built: the mappings of a frozen scenario.

    A subclass of `dict`, so lookups cost what a dict's cost and JSON, `==` and `isinstance`
    treat it as one; every method that would change it raises `TypeError`. It pickles (for
    simulation workers), which `types.MappingProxyType` does not.
    """

    __slots__ = ()

    def _refuse(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise TypeError(f"a scenario is read-only; {type(self).__name__} cannot be changed")

    __setitem__ = __delitem__ = __ior__ = _refuse
    clear = pop = popitem = setdefault = update = _refuse

    def __reduce__(self):
        return (FrozenDict, (dict(self),))

    def __repr__(self) -> str:
        return f"FrozenDict({dict.__repr__(self)})"


_EMPTY = FrozenDict()


def frozen_dict(value: Mapping | None = None) -> FrozenDict:
    """`value` as a `FrozenDict` (the same object when it already is one; one shared empty)."""
    if type(value) is FrozenDict:
        return value
    return FrozenDict(value) if value else _EMPTY


def _frozen_tuples(value: Mapping[str, Any] | None) -> FrozenDict:
    """A mapping of id → sequence as a `FrozenDict` of tuples (`learn`, `debrief.roles`)."""
    return frozen_dict({k: tuple(v) for k, v in (value or {}).items()})


_tuple_or_none = optional(tuple)


def _read_only(value: Mapping) -> Mapping:
    """A read-only view of `value` without copying it (the marks can be very many)."""
    return value if isinstance(value, MappingProxyType) else MappingProxyType(value)


def _mapping(**kwargs: Any):
    """An attrs field holding a `FrozenDict` (empty by default)."""
    return field(factory=FrozenDict, converter=frozen_dict, **kwargs)


@frozen
class Effects:
    """What a choice, a scene entry, a share or a breach changes: in this order set, add, score."""

    set: dict[str, Value] = _mapping()
    add: dict[str, int | float] = _mapping()
    score: dict[str, int | float] = _mapping()

    def is_empty(self) -> bool:
        """True when applying these effects changes nothing."""
        return not (self.set or self.add or self.score)


@frozen
class Role:
    """A player's role: display name, academy, private briefing and goals."""

    id: str
    name: str
    academy: str
    briefing: str
    goals: tuple[str, ...] = field(default=(), converter=tuple)
    color: str | None = None

    @property
    def display_color(self) -> str:
        """The role's own colour, else its academy's, else a neutral grey."""
        return self.color or ACADEMY_COLORS.get(self.academy, DEFAULT_ROLE_COLOR)


@frozen
class Consent:
    """The family's consent for a card, in the mapping form of `consent`.

    `if_` is the standing condition (expression source); `to` the roles the consent covers
    (None: every role); `for_` the purpose, shown when sharing and asking; `ask` the condition
    under which the family agrees when asked in play (None: consent cannot be asked for);
    `asked_by` the roles that may ask (None: any role that knows the card).
    """

    if_: str | None = None
    to: tuple[str, ...] | None = field(default=None, converter=_tuple_or_none)
    for_: str | None = None
    ask: str | None = None
    asked_by: tuple[str, ...] | None = field(default=None, converter=_tuple_or_none)

    @property
    def standing(self) -> str | None:
        """The standing condition as expression source; None means it always holds.

        Without `if`, consent that can be asked for does not stand until it is asked for
        (`false`); consent without `if` and without `ask` stands (only its scope limits it).
        """
        if self.if_ is not None:
            return self.if_
        return "false" if self.ask is not None else None

    def covers(self, role: str) -> bool:
        """True when the consent reaches that role (it is in `to`, or `to` is absent)."""
        return self.to is None or role in self.to


@frozen
class Info:
    """An information card: private knowledge a role holds and may share.

    `consent` is the standing consent condition as expression source (None: sharing is always
    allowed): the old string form as written, or derived from the mapping form in `terms`
    (`Consent.standing`), so readers that only need "does consent hold now" read one field.
    `needed_by` names the roles that need the card (None: everyone); sharing with any other
    role is oversharing. `on_refuse` applies when the family refuses an ask.
    """

    id: str
    title: str
    text: str
    owner: str | None = None
    sensitive: bool = False
    consent: str | None = None
    terms: Consent | None = None
    needed_by: tuple[str, ...] | None = field(default=None, converter=_tuple_or_none)
    on_share: Effects = field(factory=Effects)
    on_breach: Effects = field(factory=Effects)
    on_refuse: Effects = field(factory=Effects)

    def __attrs_post_init__(self) -> None:
        if self.terms is not None and self.consent is None:
            # Frozen: fill the derived standing condition once, at construction.
            object.__setattr__(self, "consent", self.terms.standing)

    def covers(self, role: str) -> bool:
        """True when the card's consent (if any) reaches that role."""
        return self.terms is None or self.terms.covers(role)

    def needs(self, role: str) -> bool:
        """True when that role needs the card (`needed_by` absent: every role does)."""
        return self.needed_by is None or role in self.needed_by

    @property
    def can_be_asked(self) -> bool:
        """True when consent for this card can be asked for in play."""
        return self.terms is not None and self.terms.ask is not None


@frozen
class Variable:
    """A game-state variable; `min`/`max` clamp after every change."""

    id: str
    initial: Value
    min: int | float | None = None
    max: int | float | None = None
    label: str | None = None
    unit: str | None = None
    show: bool = False
    # which end of a shown meter is good for the family: "high" (trust), "low" (tension,
    # weeks out of school); absent: neither (a budget is spent, not won)
    good: Literal["high", "low"] | None = None

    @property
    def display_label(self) -> str:
        """The label shown on meters and in timelines; without one, the id written as words
        ("toestemming_moeder" -> "Toestemming moeder"), never a raw id."""
        return self.label or self.id.replace("_", " ").strip().capitalize()

    def clamp(self, value: Value) -> Value:
        """The value held within `min`/`max` (booleans are never clamped)."""
        if isinstance(value, bool):
            return value
        if self.min is not None and value < self.min:
            value = self.min
        if self.max is not None and value > self.max:
            value = self.max
        return value


@frozen
class Dimension:
    """A cooperation dimension teams are scored on; `max` fixes the 100% mark when given."""

    id: str
    label: str
    description: str | None = None
    max: int | float | None = None


@frozen
class Route:
    """One way out of a choice: to a scene or ending, under a condition or with a weight."""

    to: str
    if_: str | None = None
    weight: int | float | None = None


@frozen
class Choice:
    """A choice in a scene. `id` defaults to c1, c2, ... in order (filled in by the loader)."""

    id: str
    text: str
    goto: tuple[Route, ...] = field(converter=tuple)
    roles: tuple[str, ...] | None = field(default=None, converter=_tuple_or_none)
    if_: str | None = None
    set: dict[str, Value] = _mapping()
    add: dict[str, int | float] = _mapping()
    score: dict[str, int | float] = _mapping()
    learn: dict[str, tuple[str, ...]] = field(factory=FrozenDict, converter=_frozen_tuples)
    feedback: str | None = None

    @property
    def effects(self) -> Effects:
        """The choice's set/add/score as one `Effects` value."""
        return Effects(set=self.set, add=self.add, score=self.score)


@frozen
class Scene:
    """A scene: text, who acts and how they decide, and either choices or `next`.

    `actors` is resolved: `team` becomes every role in declaration order (and `is_team` is
    set); a narration scene without `actor` has `actors == ()`. `decision` is resolved too:
    `single` for one actor, `vote` for several when the author gave none.
    """

    id: str
    text: str
    title: str | None = None
    speaker: str | None = None
    actors: tuple[str, ...] = field(default=(), converter=tuple)
    is_team: bool = False
    decision: Decision = "single"
    tiebreak: str | None = None
    advice: dict[str, str] = _mapping()
    timer: int | float | None = None
    on_timeout: str | None = None
    on_enter: Effects = field(factory=Effects)
    choices: tuple[Choice, ...] = field(default=(), converter=tuple)
    next: str | None = None
    keep_order: bool = False

    @property
    def is_narration(self) -> bool:
        """True for a scene that has `next` instead of choices."""
        return self.next is not None

    @property
    def tiebreak_role(self) -> str | None:
        """Who breaks a tie in a vote: the author's `tiebreak`, else the first actor."""
        return self.tiebreak or (self.actors[0] if self.actors else None)

    def choice(self, choice_id: str) -> Choice:
        """The choice with that id; KeyError when there is none."""
        for c in self.choices:
            if c.id == choice_id:
                return c
        raise KeyError(choice_id)


@frozen
class Questions:
    """An ending's reflection questions in the three phases of a class discussion.

    `describe`: what happened; `analyse`: why the team went that way; `apply`: what the student
    would do in practice, and where practice differs from the game.
    """

    describe: tuple[str, ...] = field(default=(), converter=tuple)
    analyse: tuple[str, ...] = field(default=(), converter=tuple)
    apply: tuple[str, ...] = field(default=(), converter=tuple)

    def all(self) -> tuple[str, ...]:
        """Every question in discussion order: describe, analyse, apply."""
        return self.describe + self.analyse + self.apply


@frozen
class Ending:
    """An ending of the case with its outcome and reflection questions.

    `questions` holds every question in order, however the author wrote them; `phases` is set
    when the author grouped them as `{describe, analyse, apply}` (then `questions` is
    `phases.all()`).
    """

    id: str
    title: str
    text: str
    outcome: Outcome
    questions: tuple[str, ...] = field(default=(), converter=tuple)
    phases: Questions | None = None


@frozen
class LegalNote:
    """A point of law or policy for the teacher, with where it comes from."""

    text: str
    source: str


@frozen
class Guide:
    """The facilitator guide of a case: for the teacher only, shown after the ending.

    `duration`: minutes of class discussion; `prebriefing`: what the teacher says before play;
    `watch_for`: what to watch while teams play; `wrong_turns`: the common wrong turns and why.
    The learning goals are the scenario's own `learning_goals`.
    """

    duration: int | None = None
    prebriefing: str | None = None
    watch_for: tuple[str, ...] = field(default=(), converter=tuple)
    wrong_turns: tuple[str, ...] = field(default=(), converter=tuple)
    legal_background: tuple[LegalNote, ...] = field(default=(), converter=tuple)


@frozen
class Scenario:
    """A whole loaded scenario. `source` is the file path, `sha256` the hash of its bytes.

    `marks` maps a path of keys/indices inside the YAML document (for example
    `("scenes", "plan", "choices", 0, "goto")`) to its `(line, column)`, 1-based; it is
    excluded from equality so that two loads of the same content compare equal.
    """

    format: int
    id: str
    title: str
    roles: dict[str, Role] = field(converter=frozen_dict)
    scores: dict[str, Dimension] = field(converter=frozen_dict)
    start: str
    scenes: dict[str, Scene] = field(converter=frozen_dict)
    endings: dict[str, Ending] = field(converter=frozen_dict)
    language: str = "nl"
    summary: str | None = None
    learning_goals: tuple[str, ...] = field(default=(), converter=tuple)
    info: dict[str, Info] = _mapping()
    variables: dict[str, Variable] = _mapping()
    debrief_questions: tuple[str, ...] = field(default=(), converter=tuple)
    debrief_roles: dict[str, tuple[str, ...]] = field(factory=FrozenDict,
                                                      converter=_frozen_tuples)
    guide: Guide | None = None
    source: str = field(default="", eq=False)
    sha256: str = field(default="", eq=False)
    marks: Mapping[tuple, tuple[int, int]] = field(factory=dict, converter=_read_only, eq=False,
                                                   repr=False)
    #: What other packages derive from this scenario and keep with it, computed once (for
    #: example scoring's maxima and static analysis): dies with the scenario, and a scenario
    #: changed with `attrs.evolve` starts empty. Not part of the scenario's value.
    derived: dict[str, object] = field(factory=dict, init=False, eq=False, repr=False)

    def derive(self, name: str, build: Callable[[Scenario], Any]) -> Any:
        """`build(self)`, computed on the first call for `name` and kept in `derived`.

        Kept on the scenario itself, not in a table keyed by its id elsewhere: it lives exactly
        as long as the scenario, and a scenario changed with `attrs.evolve` starts afresh.
        """
        try:
            return self.derived[name]
        except KeyError:
            return self.derived.setdefault(name, build(self))

    def __getstate__(self) -> dict[str, Any]:
        # `derived` holds compiled functions and machines, which do not pickle; a process that
        # unpickles the scenario (a simulation worker) derives them again. The marks view is
        # pickled as the dict it shows.
        state = {a.name: getattr(self, a.name) for a in fields(Scenario) if a.name != "derived"}
        state["marks"] = dict(self.marks)
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        for name, value in state.items():
            object.__setattr__(self, name, _read_only(value) if name == "marks" else value)
        object.__setattr__(self, "derived", {})

    def mark(self, *path: object) -> tuple[int, int]:
        """The (line, column) of the YAML node at that path, or of its nearest parent; (0, 0)."""
        p = tuple(path)
        while p:
            if p in self.marks:
                return self.marks[p]
            p = p[:-1]
        return self.marks.get((), (0, 0))

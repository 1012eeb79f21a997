"""A commented starter scenario for `samenspel new ID [--roles a,b,c]`.

The starter is a small, complete case (a father, a tired child, a school) that validates with
`--strict`, plays to an ending, and shows every feature of format v1 once, with a comment
beside each key, so a teacher learns the format by changing a file that already works. Dutch
by default (`templates/starter.nl.yaml.j2`); with `--lang en` the texts and comments are
English and `language: en` (`templates/starter.en.yaml.j2`). Rendered with Jinja2 (delimiters
`<< >>` and `<% %>`, so the scenario's own `{player:x}` and `{{ }}` stay untouched).

Role ids come from `--roles` (default: three roles of three academies). A known id
(`leerkracht`, `jurist`, ...) gets its usual Dutch name and academy; any other id gets a name
made from the id (abbreviations such as POH and GGZ in capitals) and `academy: TODO`, which
`validate` flags until the teacher has chosen.
"""

from __future__ import annotations

import json
import os
import re
import unicodedata
from importlib import resources
from pathlib import Path

import jinja2
from attrs import frozen

from game.bundled import schema_path
from game.errors import SamenspelError
from game.scenario.model import ACADEMY_COLORS, DEFAULT_ROLE_COLOR

SCENARIO_ID = re.compile(r"[a-z0-9_-]+")
ROLE_ID = re.compile(r"[a-z0-9_]+")
DEFAULT_ROLES = ("jeugdprofessional", "leerkracht", "jeugdverpleegkundige")
TEMPLATES = {"nl": "starter.nl.yaml.j2", "en": "starter.en.yaml.j2"}

# Usual display names and academies of role ids teachers are likely to type.
KNOWN_ROLES: dict[str, tuple[str, str]] = {
    "jeugdprofessional": ("Jeugdprofessional", "sociale_studies"),
    "gezinscoach": ("Gezinscoach", "sociale_studies"),
    "wijkteam": ("Medewerker wijkteam", "sociale_studies"),
    "maatschappelijk_werker": ("Maatschappelijk werker", "sociale_studies"),
    "leerkracht": ("Leerkracht", "pabo"),
    "juf": ("Leerkracht", "pabo"),
    "ib": ("Intern begeleider", "pabo"),
    "ib_er": ("Intern begeleider", "pabo"),
    "intern_begeleider": ("Intern begeleider", "pabo"),
    "jeugdverpleegkundige": ("Jeugdverpleegkundige", "gezondheidszorg"),
    "verpleegkundige": ("Jeugdverpleegkundige", "gezondheidszorg"),
    "jeugdarts": ("Jeugdarts", "gezondheidszorg"),
    "poh_ggz": ("POH GGZ", "gezondheidszorg"),
    "huisarts": ("Huisarts", "gezondheidszorg"),
    "jurist": ("Jurist", "recht"),
    "juridisch_adviseur": ("Juridisch adviseur", "recht"),
    "advocaat": ("Advocaat", "recht"),
    "econoom": ("Beleidseconoom", "economie"),
    "beleidseconoom": ("Beleidseconoom", "economie"),
    "beleidsmedewerker": ("Beleidsmedewerker gemeente", "economie"),
    "consulent": ("Consulent gemeente", "economie"),
}
ACADEMY_TODO = "TODO"
"""The academy the starter writes for a role it does not know (`validate` flags it)."""
# Abbreviations kept in capitals in a name made from an id.
ABBREVIATIONS = frozenset({
    "poh", "ggz", "ggd", "jgz", "cjg", "ib", "avg", "wmo", "pgb", "mdo", "zat", "sw", "vt",
    "rvdk", "bso", "vve", "ict", "hr", "jb", "vo", "po", "mbo", "hbo", "ssp",
})
# English display names of the known roles, for the English starter.
ENGLISH_NAMES = {
    "Jeugdprofessional": "Youth professional", "Gezinscoach": "Family coach",
    "Medewerker wijkteam": "Neighbourhood team worker", "Maatschappelijk werker": "Social worker",
    "Leerkracht": "Teacher", "Intern begeleider": "Special needs coordinator",
    "Jeugdverpleegkundige": "Youth nurse", "Jeugdarts": "Youth doctor", "Jurist": "Lawyer",
    "Juridisch adviseur": "Legal adviser", "Advocaat": "Lawyer",
    "Beleidseconoom": "Policy economist", "Beleidsmedewerker gemeente": "Municipal policy officer",
    "Consulent gemeente": "Municipal consultant",
}


class StarterError(SamenspelError, ValueError):
    """A bad argument for the starter: `key` names the message, `values` fill it in."""

    def __init__(self, key: str, **values: object):
        self.key = key
        self.values = values
        super().__init__(f"{key}: {values!r}")


@frozen
class StarterRole:
    """A role as the starter template writes it."""

    id: str
    name: str
    academy: str
    color: str


def slugify(text: str, *, allow_dash: bool = True) -> str:
    """A best guess at a valid id for a suggestion: `Zorg om Noor!` → `zorg_om_noor`."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    pattern = r"[^a-z0-9_-]+" if allow_dash else r"[^a-z0-9_]+"
    slug = re.sub(pattern, "_", plain.lower()).strip("_-")
    return re.sub(r"_+", "_", slug)


def check_id(scenario_id: str) -> str:
    """The scenario id when it is a valid slug; `StarterError('authoring.new.bad_id')` else."""
    if not SCENARIO_ID.fullmatch(scenario_id):
        raise StarterError("authoring.new.bad_id", id=scenario_id,
                           suggestion=slugify(scenario_id) or None)
    return scenario_id


def parse_roles(text: str | None) -> tuple[str, ...]:
    """Role ids from `a,b,c` (spaces around commas allowed); at least two, unique, valid."""
    if text is None:
        return DEFAULT_ROLES
    ids = tuple(part.strip() for part in text.split(",") if part.strip())
    for role in ids:
        if not ROLE_ID.fullmatch(role):
            raise StarterError("authoring.new.bad_role", role=role,
                               suggestion=slugify(role, allow_dash=False) or None)
    seen: set[str] = set()
    for role in ids:
        if role in seen:
            raise StarterError("authoring.new.duplicate_role", role=role, roles=text)
        seen.add(role)
    if len(ids) < 2:
        raise StarterError("authoring.new.too_few_roles", n=len(ids), roles=text)
    return ids


def role_name(role_id: str) -> str:
    """A display name made from an id: `poh_ggz` → `POH GGZ`, `wijkagent` → `Wijkagent`."""
    words = [w for w in role_id.split("_") if w]
    named = [w.upper() if w in ABBREVIATIONS else w for w in words]
    if named and named[0] == words[0]:
        named[0] = named[0].capitalize()
    return " ".join(named) or role_id


def in_sentence(name: str) -> str:
    """A role name inside a sentence: lower case, except abbreviations (`POH GGZ`)."""
    return " ".join(w if w.isupper() and len(w) > 1 else w.lower() for w in name.split(" "))


def starter_roles(ids: tuple[str, ...], lang: str = "nl") -> list[StarterRole]:
    """Display names and academies for the role ids.

    A known id gets its usual name and academy. For any other id the academy is `TODO`: a
    guess from the id is too often wrong (a leerplichtambtenaar is no nurse), so the teacher
    chooses, and `validate` flags the TODO until then.
    """
    roles = []
    for role_id in ids:
        if role_id in KNOWN_ROLES:
            name, academy = KNOWN_ROLES[role_id]
            if lang == "en":
                name = ENGLISH_NAMES.get(name, name)
        else:
            name, academy = role_name(role_id), ACADEMY_TODO
        roles.append(StarterRole(role_id, name, academy,
                                 ACADEMY_COLORS.get(academy, DEFAULT_ROLE_COLOR)))
    return roles


def _title(scenario_id: str) -> str:
    """A readable title from the id: `zorg_om_noor` → `Zorg om noor`."""
    return re.sub(r"[_-]+", " ", scenario_id).strip().capitalize()


def schema_reference(out: Path) -> str | None:
    """Where the JSON Schema is, as seen from the output file, for the editor modeline.

    A path relative to the file (the bundled schema: package data of an installed wheel, or
    docs/ of a source checkout); None when it cannot be found: then there is no modeline.
    """
    schema = schema_path()
    if not schema.is_file():
        return None
    try:
        return Path(os.path.relpath(schema, out.resolve().parent)).as_posix()
    except ValueError:  # another drive on Windows
        return schema.as_uri()


def render_starter(scenario_id: str, roles: tuple[str, ...] = DEFAULT_ROLES,
                   filename: str | None = None, schema: str | None = None,
                   lang: str = "nl") -> str:
    """The starter scenario's YAML text for that id and those role ids, in `nl` or `en`."""
    check_id(scenario_id)
    role_list = starter_roles(tuple(roles), lang)
    lead, second = role_list[0], role_list[1]
    third = role_list[2] if len(role_list) > 2 else second
    restricted = [second.id] + ([third.id] if third.id != second.id else [])
    env = jinja2.Environment(
        block_start_string="<%", block_end_string="%>",
        variable_start_string="<<", variable_end_string=">>",
        comment_start_string="<#", comment_end_string="#>",
        keep_trailing_newline=True, autoescape=False, undefined=jinja2.StrictUndefined,
    )
    env.filters["q"] = lambda value: json.dumps(str(value), ensure_ascii=False)
    env.filters["in_sentence"] = in_sentence
    env.globals["pad"] = lambda value, width=27: " " * max(1, width - len(str(value)))
    template = TEMPLATES.get(lang, TEMPLATES["nl"])
    source = resources.files("game.authoring").joinpath("templates", template).read_text(
        encoding="utf-8")
    filename = filename or f"{scenario_id}.yaml"
    return env.from_string(source).render(
        id=scenario_id, title=_title(scenario_id), roles=role_list, lead=lead, second=second,
        third=third, restricted=restricted, filename=filename,
        stem=filename.rsplit(".", 1)[0], schema=schema,
    )


def write_starter(scenario_id: str, roles: tuple[str, ...] = DEFAULT_ROLES,
                  out: str | os.PathLike[str] | None = None, *, force: bool = False,
                  lang: str = "nl") -> Path:
    """Write the starter to `out` (default `ID.yaml`); refuse an existing file unless `force`."""
    check_id(scenario_id)
    path = Path(out) if out is not None else Path(f"{scenario_id}.yaml")
    if path.exists() and not force:
        raise StarterError("authoring.new.exists", path=str(path))
    text = render_starter(scenario_id, roles, filename=str(path), schema=schema_reference(path),
                          lang=lang)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


__all__ = [
    "ACADEMY_TODO",
    "DEFAULT_ROLES",
    "KNOWN_ROLES",
    "StarterError",
    "StarterRole",
    "check_id",
    "parse_roles",
    "render_starter",
    "role_name",
    "schema_reference",
    "slugify",
    "starter_roles",
    "write_starter",
]

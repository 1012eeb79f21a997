"""The JSON Schema of scenario files as authors write them, generated from the model.

`python -m game.scenario.schema docs/scenario.schema.json` (or `make schema`) writes it;
`--check` exits 1 when the file on disk differs (the tests do the same). With the one-line
header `# yaml-language-server: $schema=<path or URL of this file>` at the top of a scenario,
VS Code (with Red Hat's YAML extension) and other editors using yaml-language-server offer
completion, show the Dutch descriptions as tooltips, and underline wrong keys and types in red.

The schema describes the YAML, not the model: it allows every shorthand of docs/scenario-format.md
(`goto` as a scene id or a list of routes, `actor` as a role, a list of roles or `team`, a
variable as a bare number/bool or a mapping, `if` rather than `if_`, a single text where a list
of texts is allowed, a number where a text is expected, as the loader allows). Which keys exist
and which are required comes from the attrs model and `structure.KEYS`, so a field added to the
model without a description here fails generation, and the committed file going stale fails a
test. The schema is deliberately no stricter than the loader (every file the loader accepts is
valid against it); it cannot check what needs the whole file (references, expressions, graph
warnings): that stays `samenspel validate`'s job.
"""

from __future__ import annotations

import argparse
import json
import sys
import types
import typing
from pathlib import Path
from typing import Any, Literal

import attrs

from game.scenario.model import (
    ACADEMIES,
    FORMAT_VERSION,
    TEAM,
    Choice,
    Consent,
    Dimension,
    Effects,
    Ending,
    Guide,
    Info,
    LegalNote,
    Questions,
    Role,
    Route,
    Scenario,
    Scene,
    Variable,
)
from game.scenario.structure import KEYS

DRAFT = "http://json-schema.org/draft-07/schema#"
ID = r"^[a-z0-9_]+$"
SCENARIO_ID = r"^[a-z0-9_-]+$"
COLOR = r"^#([0-9a-fA-F]{3}|[0-9a-fA-F]{6})$"
# The loader reads `{label: Delen, met toestemming.}` as one text with a comma (no key of the
# format is ever written without a value), but standard YAML, and so the editor, sees a second
# key `met toestemming.` without a value. Such keys (text with a space or punctuation, value
# empty) are tolerated; a misspelt key (letters, digits, _ and -) is still refused.
CONTINUATION = r"[^A-Za-z0-9_-]"

# The model class behind each kind of object, and YAML keys whose field name differs.
CLASSES: dict[str, type] = {
    "scenario": Scenario, "role": Role, "info": Info, "variable": Variable,
    "dimension": Dimension, "scene": Scene, "choice": Choice, "route": Route,
    "ending": Ending, "effects": Effects, "guide": Guide, "legal_note": LegalNote,
    "phases": Questions, "consent": Consent,
}
FIELD_OF_KEY = {"if": "if_", "for": "for_", "actor": "actors"}
# Kinds whose `id` comes from the mapping key (or, for choices, defaults to c1, c2, ...).
ID_FROM_KEY = ("role", "info", "variable", "dimension", "scene", "choice", "ending")

TITLES = {
    "scenario": "Samenspel-scenario (formaat 1)",
    "role": "Rol",
    "info": "Informatiekaart",
    "consent": "Toestemming (met bereik)",
    "variable": "Variabele",
    "dimension": "Scoredimensie",
    "scene": "Scène",
    "choice": "Keuze",
    "route": "Route",
    "ending": "Einde",
    "effects": "Effecten",
    "debrief": "Nabespreking",
    "guide": "Handleiding voor de docent",
    "legal_note": "Juridische achtergrond",
    "phases": "Reflectievragen in drie fasen",
}

# Dutch tooltip texts, one per YAML key per kind of object.
DESCRIPTIONS: dict[str, dict[str, str]] = {
    "scenario": {
        "format": "Versie van het scenarioformaat; altijd 1.",
        "id": "Vaste naam van het scenario, gebruikt in logbestanden: kleine letters, cijfers, "
              "_ en -.",
        "title": "Titel in het menu.",
        "language": "Taal van het scenario: nl (standaard) of en.",
        "summary": "Eén alinea voor de scenariokiezer.",
        "learning_goals": "Leerdoelen, getoond bij de briefing en de nabespreking.",
        "roles": "De rollen (minstens 2). Sleutel = rol-id; elke speler kiest één rol.",
        "info": "Informatiekaarten: kennis die een rol heeft en kan delen. Sleutel = kaart-id.",
        "variables": "De stand van het spel (budget, vertrouwen, toestemming ...). Sleutel = "
                     "variabele-id; een getal of ja/nee is de beginwaarde.",
        "scores": "Samenwerkingsdimensies waarop het team scoort. Sleutel = dimensie-id.",
        "start": "Id van de eerste scène.",
        "scenes": "De scènes van de casus. Sleutel = scène-id (scènes en eindes delen hun "
                  "namen).",
        "endings": "De eindes (minstens 1). Sleutel = einde-id.",
        "debrief": "De nabespreking: algemene vragen, vragen per rol en de handleiding voor de "
                   "docent.",
    },
    "role": {
        "name": "Naam van de rol zoals spelers die zien (verplicht).",
        "academy": "Academie: sociale_studies, pabo, gezondheidszorg, recht of economie "
                   "(een andere waarde geeft een waarschuwing). Bepaalt de kleur.",
        "briefing": "Wat alleen deze rol aan het begin leest (verplicht). Mag {player:rol}, "
                    "{role:rol} en {variabele} bevatten.",
        "goals": "Geheime doelen van deze rol (optioneel).",
        "color": "Eigen kleur als #rrggbb (optioneel; anders de kleur van de academie).",
    },
    "info": {
        "owner": "Rol die de kaart aan het begin kent; weglaten voor een kaart die pas later "
                 "bekend wordt (via learn).",
        "title": "Titel van de kaart.",
        "text": "Wat er op de kaart staat.",
        "sensitive": "Gevoelige informatie: delen met een rol buiten de toestemming is een "
                     "schending (standaard false).",
        "consent": "Toestemming: een voorwaarde waaronder delen mag, bijvoorbeeld "
                   "toestemming_ouders (standaard: altijd), of een blok met if, to, for, ask "
                   "en asked_by.",
        "needed_by": "Rollen die deze kaart nodig hebben; delen met een andere rol is "
                     "overdelen (geen schending, wel zichtbaar). Weglaten: iedereen.",
        "on_share": "Effecten de eerste keer dat de kaart gedeeld wordt met een rol binnen de "
                    "toestemming.",
        "on_breach": "Effecten bij elke keer delen van een gevoelige kaart buiten de "
                     "toestemming.",
        "on_refuse": "Effecten als het gezin weigert wanneer een speler om toestemming vraagt.",
    },
    "consent": {
        "if": "Voorwaarde waaronder de toestemming er al is, bijvoorbeeld toestemming_moeder "
              "(weglaten: pas na vragen als ask er staat, anders altijd).",
        "to": "Rollen waarvoor de toestemming geldt; delen met een andere rol is een "
              "schending (weglaten: alle rollen).",
        "for": "Doel van het delen, getoond bij delen en vragen.",
        "ask": "Voorwaarde waaronder het gezin instemt als een speler het vraagt, "
               "bijvoorbeeld vertrouwen >= 50 (weglaten: vragen kan niet).",
        "asked_by": "Rollen die om toestemming mogen vragen (weglaten: elke rol die de kaart "
                    "kent).",
    },
    "variable": {
        "initial": "Beginwaarde: een getal of true/false.",
        "min": "Ondergrens; de waarde wordt na elke wijziging begrensd.",
        "max": "Bovengrens; de waarde wordt na elke wijziging begrensd.",
        "label": "Naam op het scherm (standaard het id).",
        "unit": "Eenheid, bijvoorbeeld €.",
        "show": "true: de variabele staat op het scherm van elke speler (meter, balk).",
        "good": "Welke kant van de meter goed is: high (vertrouwen) of low (spanning, weken "
                "thuis). Zonder: geen van beide (een budget).",
    },
    "dimension": {
        "label": "Naam van de dimensie in scores en rapport.",
        "description": "Uitleg van de dimensie voor de nabespreking.",
        "max": "Zo veel punten is 100% (optioneel; anders berekent het spel het hoogst "
               "haalbare).",
    },
    "scene": {
        "title": "Titel van de scène.",
        "text": "De tekst van de scène (verplicht). Mag {player:rol}, {role:rol} en "
                "{variabele} bevatten; {{ en }} zijn gewone accolades.",
        "speaker": "Wie er spreekt (geen speler), bijvoorbeeld Moeder Lisa.",
        "actor": "Wie er kiest: een rol-id, een lijst rol-id's, of team (alle rollen). "
                 "Verplicht bij choices.",
        "decision": "Hoe er besloten wordt: single (één rol), vote (meerderheid) of consensus "
                    "(stemmen tot iedereen het eens is).",
        "tiebreak": "Bij vote: de rol die bij gelijke stemmen beslist (standaard de eerste).",
        "advice": "Wat een rol inbrengt als een speler haar hier raadpleegt. Sleutel = rol-id.",
        "timer": "Seconden voor deze scène; daarna volgt on_timeout.",
        "on_timeout": "Scène of einde als de tijd op is (hoort bij timer).",
        "on_enter": "Effecten bij binnenkomst in de scène.",
        "choices": "De keuzes (één of meer). Een scène heeft choices óf next.",
        "next": "Scène of einde waar iedereen naartoe gaat (een scène zonder keuzes).",
        "keep_order": "true: toon de keuzes in de geschreven volgorde (een schaal); standaard "
                      "husselt het spel de volgorde per sessie.",
    },
    "choice": {
        "id": "Id van de keuze (optioneel; standaard c1, c2, ... op volgorde).",
        "text": "De tekst op de knop (verplicht).",
        "roles": "Alleen deze rollen mogen deze keuze kiezen of ervoor stemmen.",
        "if": "Voorwaarde: de keuze is alleen zichtbaar als deze klopt, bijvoorbeeld "
              "vertrouwen >= 50 and knows(leerkracht, zorgen).",
        "set": "Geef variabelen een nieuwe waarde: {variabele: waarde}.",
        "add": "Tel op bij variabelen (negatief is aftrekken): {variabele: getal}.",
        "score": "Punten per dimensie: {dimensie: punten}.",
        "learn": "Kaarten die een rol nu kent: {rol: [kaart, ...]}.",
        "feedback": "Tekst die spelers na de keuze lezen.",
        "goto": "Waarheen: een scène- of einde-id, of een lijst routes "
                "({to, if} of {to, weight}).",
    },
    "route": {
        "to": "Scène of einde van deze route.",
        "if": "Voorwaarde: de eerste route waarvan de voorwaarde klopt wordt genomen.",
        "weight": "Gewicht voor een loting tussen routes met een gewicht (niet samen met if).",
    },
    "ending": {
        "title": "Titel van het einde.",
        "text": "Wat er gebeurt.",
        "outcome": "Afloop: good (goed), mixed (gemengd) of bad (slecht).",
        "questions": "Reflectievragen bij dit einde: een lijst, of per fase describe "
                     "(beschrijven), analyse (analyseren) en apply (toepassen).",
    },
    "effects": {
        "set": "Geef variabelen een nieuwe waarde: {variabele: waarde}.",
        "add": "Tel op bij variabelen (negatief is aftrekken): {variabele: getal}.",
        "score": "Punten per dimensie: {dimensie: punten}.",
    },
    "debrief": {
        "questions": "Vragen voor het hele team na afloop.",
        "roles": "Vragen per rol voor het klassengesprek. Sleutel = rol-id.",
        "guide": "Handleiding voor de docent; spelers zien die nooit, de docent pas na het "
                 "einde.",
    },
    "guide": {
        "duration": "Minuten voor de nabespreking in de klas.",
        "prebriefing": "Wat de docent vóór het spelen zegt.",
        "watch_for": "Waar de docent op let terwijl teams spelen.",
        "wrong_turns": "Veelgemaakte verkeerde afslagen, en waarom ze verkeerd zijn.",
        "legal_background": "Juridische achtergrond: een lijst van {text, source}.",
    },
    "legal_note": {
        "text": "Wat de wet, regeling of richtlijn zegt, in eigen woorden.",
        "source": "Waar het staat: wet en artikel, regeling of richtlijn.",
    },
    "phases": {
        "describe": "Beschrijven: wat gebeurde er?",
        "analyse": "Analyseren: waarom ging het zo?",
        "apply": "Toepassen: wat doe je in de praktijk, en waar wijkt die af van het spel?",
    },
}

TEXT: dict[str, Any] = {"type": ["string", "number", "boolean"]}
EXPRESSION: dict[str, Any] = {"type": ["string", "boolean", "number"]}
ID_REF: dict[str, Any] = {"type": "string", "pattern": ID}


def _texts(item: dict[str, Any]) -> dict[str, Any]:
    """One item or a list of items (the loader takes a single text as a one-item list)."""
    return {"anyOf": [item, {"type": "array", "items": item}]}


def _ids_map(value: dict[str, Any], **extra: Any) -> dict[str, Any]:
    """A mapping whose keys are ids."""
    return {"type": "object", "propertyNames": {"pattern": ID}, "additionalProperties": value,
            **extra}


def _ref(kind: str) -> dict[str, Any]:
    """A reference to a definition."""
    return {"$ref": f"#/definitions/{kind}"}


def _type_schema(tp: Any) -> dict[str, Any]:
    """The schema of a model field type, as the YAML writes it."""
    if tp is str:
        return dict(TEXT)
    if tp is bool:
        return {"type": "boolean"}
    if tp is int:
        return {"type": "integer"}
    if tp is float:
        return {"type": "number"}
    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    if origin is Literal:
        return {"type": "string", "enum": list(args)}
    if origin in (typing.Union, types.UnionType):
        kinds = [a for a in args if a is not type(None)]
        if len(kinds) == 1:
            return _type_schema(kinds[0])
        names = set()
        for a in kinds:
            names.add({bool: "boolean", int: "number", float: "number", str: "string"}[a])
        return {"type": sorted(names, key=["number", "boolean", "string"].index)}
    if origin is tuple and len(args) == 2 and args[1] is Ellipsis:
        inner = args[0]
        if inner is str:
            return _texts(dict(TEXT))
        return {"type": "array", "items": _type_schema(inner), "minItems": 1}
    if origin is dict:
        return _ids_map(_type_schema(args[1]))
    if isinstance(tp, type) and attrs.has(tp):
        kind = next(k for k, c in CLASSES.items() if c is tp)
        return _ref(kind)
    raise TypeError(f"no schema for model type {tp!r}")


# Keys whose schema is more than their model type says (ids, shorthand, options).
def _overrides() -> dict[tuple[str, str], dict[str, Any]]:
    """Per (kind, key): the schema replacing the one derived from the model type."""
    roles = {"anyOf": [ID_REF, {"type": "array", "items": ID_REF, "minItems": 1}]}
    any_roles = {"anyOf": [ID_REF, {"type": "array", "items": ID_REF}]}  # [] means nobody
    return {
        ("scenario", "format"): {"const": FORMAT_VERSION},
        ("scenario", "id"): {"type": "string", "pattern": SCENARIO_ID},
        ("scenario", "language"): {"type": "string", "enum": ["nl", "en"]},
        ("scenario", "start"): ID_REF,
        ("scenario", "roles"): _ids_map(_ref("role"), minProperties=2),
        ("scenario", "endings"): _ids_map(_ref("ending"), minProperties=1),
        ("scenario", "variables"): _ids_map({"anyOf": [{"type": ["number", "boolean"]},
                                                       _ref("variable")]}),
        ("scenario", "debrief"): _ref("debrief"),
        ("debrief", "roles"): _ids_map(_texts(dict(TEXT))),
        ("debrief", "guide"): _ref("guide"),
        ("guide", "duration"): {"type": "integer", "exclusiveMinimum": 0},
        ("ending", "questions"): {"anyOf": [*_texts(dict(TEXT))["anyOf"], _ref("phases")]},
        ("role", "academy"): {"anyOf": [{"enum": list(ACADEMIES)}, {"type": "string"}],
                              "examples": list(ACADEMIES)},
        ("role", "color"): {"type": "string", "pattern": COLOR},
        ("info", "owner"): ID_REF,
        ("info", "consent"): {"anyOf": [dict(EXPRESSION), _ref("consent")]},
        ("info", "needed_by"): any_roles,
        ("consent", "if"): dict(EXPRESSION),
        ("consent", "ask"): dict(EXPRESSION),
        ("consent", "to"): any_roles,
        ("consent", "asked_by"): any_roles,
        ("scene", "actor"): {"anyOf": [{"const": TEAM}, ID_REF,
                                       {"type": "array", "items": ID_REF, "minItems": 1}]},
        ("scene", "tiebreak"): ID_REF,
        ("scene", "timer"): {"type": "number", "exclusiveMinimum": 0},
        ("scene", "on_timeout"): ID_REF,
        ("scene", "next"): ID_REF,
        ("scene", "choices"): {"type": "array", "items": _ref("choice"), "minItems": 1},
        ("choice", "id"): ID_REF,
        ("choice", "if"): dict(EXPRESSION),
        ("choice", "roles"): roles,
        ("choice", "learn"): _ids_map(roles),
        ("choice", "goto"): {"anyOf": [ID_REF, {"type": "array", "items": _ref("route"),
                                                "minItems": 1}]},
        ("route", "to"): ID_REF,
        ("route", "if"): dict(EXPRESSION),
        ("route", "weight"): {"type": "number", "exclusiveMinimum": 0},
    }


# Rules between keys of one object that the loader enforces too.
EXTRA_RULES: dict[str, dict[str, Any]] = {
    "scene": {
        "oneOf": [{"required": ["choices"]}, {"required": ["next"]}],
        "if": {"required": ["choices"]},
        "then": {"required": ["actor"]},
        "dependencies": {"timer": ["on_timeout"], "on_timeout": ["timer"]},
    },
    "route": {"not": {"required": ["if", "weight"]}},
}


def _definition(kind: str, overrides: dict[tuple[str, str], dict[str, Any]]) -> dict[str, Any]:
    """The schema of one kind of object: its keys from KEYS, types from the model."""
    descriptions = DESCRIPTIONS[kind]
    properties: dict[str, Any] = {}
    required: list[str] = []
    cls = CLASSES.get(kind)
    fields = {}
    if cls is not None:
        fields = {f.name: f for f in attrs.fields(attrs.resolve_types(cls))}
    for key in KEYS[kind]:
        if key not in descriptions:
            raise KeyError(f"no Dutch description for key {key!r} of {kind!r} in DESCRIPTIONS")
        if (kind, key) in overrides:
            prop = dict(overrides[(kind, key)])
        elif kind == "debrief" and key == "questions":
            prop = _texts(dict(TEXT))
        else:
            field = fields[FIELD_OF_KEY.get(key, key)]
            prop = _type_schema(field.type)
        properties[key] = {"description": descriptions[key], **prop}
        field = fields.get(FIELD_OF_KEY.get(key, key))
        is_required = field is not None and field.default is attrs.NOTHING
        if is_required and not (key == "id" and kind in ID_FROM_KEY):
            required.append(key)
    if kind == "scenario":
        # Sections the model fills with {} but the format requires.
        required += [k for k in ("roles", "scores", "scenes", "endings") if k not in required]
        required.sort(key=list(KEYS["scenario"]).index)
    extra = set(descriptions) - set(KEYS[kind])
    if extra:
        raise KeyError(f"descriptions for keys the format does not have in {kind!r}: {extra}")
    out: dict[str, Any] = {
        "title": TITLES[kind], "type": "object", "properties": properties,
        "patternProperties": {CONTINUATION: {
            "type": "null",
            "description": "Vervolg van een tekst met een komma binnen { }. Zet zo'n tekst liever "
                           "tussen aanhalingstekens.",
        }},
        "additionalProperties": False,
    }
    if required:
        out["required"] = required
    out.update(EXTRA_RULES.get(kind, {}))
    return out


def build_schema() -> dict[str, Any]:
    """The whole JSON Schema (draft-07, which yaml-language-server supports best)."""
    overrides = _overrides()
    definitions = {kind: _definition(kind, overrides) for kind in KEYS if kind != "scenario"}
    top = _definition("scenario", overrides)
    return {
        "$schema": DRAFT,
        "title": top.pop("title"),
        "description": "Een Samenspel-scenario in formaat 1. Zet bovenaan je bestand: "
                       "# yaml-language-server: $schema=<pad naar dit bestand>. Controleer "
                       "altijd ook met: samenspel validate BESTAND.",
        **top,
        "definitions": definitions,
    }


def schema_text() -> str:
    """The schema as the committed file holds it: sorted-free, indented, UTF-8, newline end."""
    return json.dumps(build_schema(), ensure_ascii=False, indent=2) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Write the schema to a file (or stdout with `-`); `--check` compares instead."""
    parser = argparse.ArgumentParser(prog="python -m game.scenario.schema",
                                     description="Write the JSON Schema of scenario files.")
    parser.add_argument("output",
                        help="file to write, e.g. docs/scenario.schema.json; - for stdout")
    parser.add_argument("--check", action="store_true",
                        help="do not write; exit 1 when the file differs from the model")
    args = parser.parse_args(argv)
    text = schema_text()
    if args.output == "-":
        sys.stdout.write(text)
        return 0
    path = Path(args.output)
    if args.check:
        current = path.read_text(encoding="utf-8") if path.exists() else ""
        if current != text:
            print(f"{path} is stale: run `make schema`", file=sys.stderr)
            return 1
        return 0
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

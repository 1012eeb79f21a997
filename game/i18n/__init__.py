"""User-facing strings in Dutch (default) and English, and number formatting per language.

Catalogues are flat JSON files `game/i18n/locales/<lang>/<domain>.json` (domain: cli, problems,
ui, report, ...), merged per language; keys are namespaced by domain, e.g. `cli.prompt`. A key
missing in the requested language falls back to Dutch, then to the key itself, so a missing
translation is visible but never crashes. Each part of the program owns its own domain file.

Plural forms: a value may be an object keyed by CLDR plural category, e.g.
`{"one": "{n} kaart", "other": "{n} kaarten"}`; the form is picked with Babel's plural rules
for the language (the rules gettext's `ngettext` encodes per language), from the value `n`,
else `count`, else the first whole number given. Nobody writes "kaart(en)" by hand.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources

from babel import Locale

LANGUAGES = ("nl", "en")
DEFAULT_LANGUAGE = "nl"


@cache
def catalog(lang: str) -> dict[str, str | dict[str, str]]:
    """Every string of one language, merged from its domain files."""
    merged: dict[str, str | dict[str, str]] = {}
    folder = resources.files("game.i18n") / "locales" / lang
    if not folder.is_dir():
        return merged
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".json"):
            merged.update(json.loads(entry.read_text(encoding="utf-8")))
    return merged


def translate(key: str, lang: str = DEFAULT_LANGUAGE, **values: object) -> str:
    """The string for `key` in `lang`, with `{name}` placeholders filled from `values`."""
    text = catalog(lang).get(key) or catalog(DEFAULT_LANGUAGE).get(key) or key
    if isinstance(text, dict):
        text = _plural(text, lang, values)
    return text.format(**values) if values else text


@cache
def _plural_rule(lang: str):
    """Babel's CLDR plural rule of a language: a number -> "one", "other", ..."""
    return Locale.parse(lang if lang in LANGUAGES else DEFAULT_LANGUAGE).plural_form


def _plural(forms: dict[str, str], lang: str, values: dict) -> str:
    """The plural form of a catalogue entry for the number among `values`."""
    number = values.get("n", values.get("count"))
    if number is None:
        number = next((v for v in values.values()
                       if isinstance(v, int) and not isinstance(v, bool)), 0)
    category = _plural_rule(lang)(abs(number))
    return forms.get(category) or forms["other"]


t = translate


def format_number(value: float | int | bool, lang: str = DEFAULT_LANGUAGE) -> str:
    """A number as people in that language write it: 12.000 and 2,5 in Dutch; 12,000 in English.

    Booleans read as ja/nee (yes/no); floats keep at most two decimals, trailing zeros dropped.
    """
    if isinstance(value, bool):
        return translate("common.yes" if value else "common.no", lang)
    if isinstance(value, float) and not value.is_integer():
        text = f"{value:,.2f}".rstrip("0").rstrip(".")
    else:
        text = f"{int(value):,}"
    if lang == "nl":
        text = text.translate(str.maketrans({",": ".", ".": ","}))
    return text

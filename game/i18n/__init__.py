"""User-facing strings in Dutch (default) and English, and number formatting per language.

Catalogues are flat JSON files `game/i18n/locales/<lang>/<domain>.json` (domain: cli, problems,
ui, report, ...), merged per language; keys are namespaced by domain, e.g. `cli.prompt`. A key
missing in the requested language falls back to Dutch, then to the key itself, so a missing
translation is visible but never crashes. Each part of the program owns its own domain file.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources

LANGUAGES = ("nl", "en")
DEFAULT_LANGUAGE = "nl"


@cache
def catalog(lang: str) -> dict[str, str]:
    """Every string of one language, merged from its domain files."""
    merged: dict[str, str] = {}
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
    return text.format(**values) if values else text


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

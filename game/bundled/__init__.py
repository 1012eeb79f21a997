"""The data Samenspel ships: the bundled cases, the fonts and the scenario JSON Schema.

In the source tree they live at the top (`scenarios/`, `assets/fonts/`,
`docs/scenario.schema.json`), where authors and the docs expect them. The wheel carries them
as package data of this package (`game/bundled/scenarios/`, `.../fonts/`, `.../schema/`;
the mapping is in setup.py), read here with `importlib.resources`. An editable install or a
checkout has no such folders inside the package and reads the top-level ones instead. Nothing
else in the game may find these files through `__file__`.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

#: Where each bundled folder is in the source tree, relative to the repository root.
SOURCE_FOLDERS = {"scenarios": "scenarios", "fonts": "assets/fonts", "schema": "docs"}

_SOURCE_ROOT = Path(__file__).resolve().parents[2]


def folder(name: str) -> Path:
    """The bundled folder `name` ("scenarios", "fonts" or "schema") as a real path.

    The package data of an installed wheel when it is there, else the source tree's folder.
    """
    packaged = resources.files(__name__) / name
    if packaged.is_dir():
        return Path(str(packaged))  # installed from a wheel: a folder on disk
    return _SOURCE_ROOT / SOURCE_FOLDERS[name]


def scenarios_dir() -> Path:
    """The bundled cases (every `*.yaml` in it is listed by the window's picker)."""
    return folder("scenarios")


def fonts_dir() -> Path:
    """The Noto Sans files and their OFL licence."""
    return folder("fonts")


def schema_path() -> Path:
    """The JSON Schema of the scenario format (for editors; `samenspel new` points at it)."""
    return folder("schema") / "scenario.schema.json"

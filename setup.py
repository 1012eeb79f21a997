"""Packaging that pyproject.toml cannot say: the bundled data folders mapped into the package.

Everything else is in pyproject.toml. The cases (`scenarios/`), the fonts (`assets/fonts/`)
and the scenario JSON Schema (`docs/scenario.schema.json`) stay where authors and the docs
expect them in the source tree, and ship in the wheel as package data of `game.bundled`
(read with importlib.resources, see game/bundled/__init__.py). Every package under game/ is
found automatically, folders without `__init__.py` too (templates/, static/), and ships its
data files by extension, so new cases, templates and static files need no change here.
"""

from setuptools import find_namespace_packages, setup

#: package -> source folder of the bundled data (see game/bundled/__init__.py).
BUNDLED = {
    "game.bundled.scenarios": "scenarios",
    "game.bundled.fonts": "assets/fonts",
    "game.bundled.schema": "docs",
}

#: Data files shipped from every package under game/ (templates, static files, catalogues).
DATA = ["*.json", "*.yaml", "*.yml", "*.html", "*.j2", "*.jinja", "*.css", "*.js", "*.mjs",
        "*.map", "*.svg", "*.png", "*.jpg", "*.jpeg", "*.gif", "*.webp", "*.ico", "*.ttf",
        "*.otf", "*.woff", "*.woff2", "*.txt"]

setup(
    packages=find_namespace_packages(include=["game", "game.*"]) + list(BUNDLED),
    package_dir=BUNDLED,
    package_data={
        "": DATA,
        "game.bundled.scenarios": ["*.yaml", "*.yml"],
        "game.bundled.fonts": ["*.ttf", "*.txt"],
        "game.bundled.schema": ["scenario.schema.json"],
    },
)

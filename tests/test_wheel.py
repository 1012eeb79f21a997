"""The installed wheel: what a teacher gets from `pipx install .` has every case, font and schema.

The wheel is built from this tree and installed (with its dependencies, from pip's cache) into
a fresh virtual environment in a temporary folder; every command then runs from that folder,
so nothing can be found through the source tree. Before the bundled data became package data
(game/bundled, setup.py) an installed window said "Geen scenario's gevonden." and fell back to
another font. Takes about half a minute, most of it installing the dependencies.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SOURCE_CASES = sorted(p.name for p in (ROOT / "scenarios").glob("*.yaml"))


def run(args: list, cwd: Path, env: dict, stdin: str | None = None) -> subprocess.CompletedProcess:
    """Run a command of the installed environment; fail with its output when it fails."""
    done = subprocess.run([str(a) for a in args], cwd=cwd, env=env, input=stdin, text=True,
                          capture_output=True, timeout=600)
    assert done.returncode == 0, (args, done.stdout[-2000:], done.stderr[-2000:])
    return done


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """(folder, environment, bin folder, wheel) of a fresh venv with the wheel installed."""
    work = tmp_path_factory.mktemp("wheel")
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env.update(XDG_DATA_HOME=str(work / "data"), XDG_CONFIG_HOME=str(work / "config"),
               SDL_VIDEODRIVER="dummy", SDL_AUDIODRIVER="dummy", PYTHONDONTWRITEBYTECODE="1")
    run([sys.executable, "-m", "pip", "wheel", ROOT, "--no-deps", "-q", "-w", work / "dist"],
        work, env)
    (wheel,) = (work / "dist").glob("samenspel-*.whl")
    run([sys.executable, "-m", "venv", work / "venv"], work, env)
    bin_dir = work / "venv" / "bin"
    run([bin_dir / "python", "-m", "pip", "install", "-q", wheel], work, env)
    return work, env, bin_dir, wheel


def test_the_installed_game_finds_its_cases_fonts_and_schema(installed):
    """Inside the installed package, not the source tree: the cases, the fonts the window
    uses, the JSON Schema; and the window's catalogue lists every case of scenarios/."""
    work, env, bin_dir, _ = installed
    probe = (
        "import json; from game.bundled import scenarios_dir, schema_path; "
        "from game.ui import catalog, theme; "
        "print(json.dumps({'cases': str(scenarios_dir()), 'fonts': str(theme.font_dir()), "
        "'schema': str(schema_path()), 'schema_ok': schema_path().is_file(), "
        "'listed': sorted(e.path.name for e in catalog.discover() if e.ok and not e.own), "
        "'broken': [e.path.name for e in catalog.discover() if not e.ok]}))"
    )
    found = json.loads(run([bin_dir / "python", "-c", probe], work, env).stdout)
    site = str(work / "venv")
    for key in ("cases", "fonts", "schema"):
        assert found[key].startswith(site), (key, found[key])
    assert found["fonts"].endswith("bundled/fonts") and found["schema_ok"]
    assert found["broken"] == []
    assert found["listed"] == SOURCE_CASES


def test_the_installed_command_validates_and_plays_a_bundled_case(installed):
    """`samenspel validate` passes every installed case; `samenspel play CASE --text` plays
    one to an ending with piped input (option 1 every time)."""
    work, env, bin_dir, _ = installed
    cases = work / "venv" / "lib" / f"python{sys.version_info.major}.{sys.version_info.minor}"
    cases = cases / "site-packages" / "game" / "bundled" / "scenarios"
    assert sorted(p.name for p in cases.glob("*.yaml")) == SOURCE_CASES
    checked = run([bin_dir / "samenspel", "validate", *sorted(cases.glob("*.yaml"))], work, env)
    assert f"in {len(SOURCE_CASES)} bestanden" in checked.stdout
    played = run([bin_dir / "samenspel", "play", cases / "vechtscheiding.yaml", "--text"],
                 work, env, stdin="1\n" * 400)
    assert "Einde: " in played.stdout


def test_every_file_under_game_ships_in_the_wheel(installed):
    """The package-data rule is general: every file in game/ (templates, static files,
    catalogues, of any helper's package) is in the wheel, and so is every bundled case."""
    *_, wheel = installed
    names = set(zipfile.ZipFile(wheel).namelist())
    files = [p.relative_to(ROOT).as_posix() for p in (ROOT / "game").rglob("*")
             if p.is_file() and "__pycache__" not in p.parts]
    assert [f for f in files if f not in names] == []
    assert {f"game/bundled/scenarios/{case}" for case in SOURCE_CASES} <= names

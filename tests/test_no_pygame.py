"""Importing the game's core never imports pygame (only game.ui may)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_core_imports_do_not_pull_in_pygame():
    """`import game, game.engine.session, game.scenario.loader, game.textmode` leaves pygame out."""
    code = (
        "import sys\n"
        "import game, game.engine.session, game.scenario.loader, game.textmode\n"
        "import game.commands.play, game.commands.resume\n"
        "from game import Session, load_scenario\n"
        "assert 'pygame' not in sys.modules, sorted(m for m in sys.modules if 'pygame' in m)\n"
        "print('ok')\n"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"

"""Samenspel: an interprofessional simulation training game for Dutch youth-care education.

The public API: `load_scenario`, `Session`, `ScenarioError` (and the other errors in
`game.errors`). Imported lazily so that `import game` stays cheap and never pulls in pygame.
"""

from __future__ import annotations

import logging

from game.__version__ import VERSION as __version__
from game.errors import LogError, SamenspelError, ScenarioError, SessionError

logging.getLogger(__name__).addHandler(logging.NullHandler())

__all__ = [
    "__version__",
    "load_scenario",
    "Session",
    "ScenarioError",
    "SessionError",
    "SamenspelError",
    "LogError",
]


def __getattr__(name: str):
    if name == "load_scenario":
        from game.scenario.loader import load_scenario

        return load_scenario
    if name == "Session":
        from game.engine.session import Session

        return Session
    raise AttributeError(f"module 'game' has no attribute {name!r}")

"""The exception tree of Samenspel.

Every error the project raises on purpose subclasses `SamenspelError`, and each concrete
error also subclasses the builtin it behaves like, so callers can catch either.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from game.scenario.problems import Problem


class SamenspelError(Exception):
    """Base class of every error Samenspel raises on purpose."""


class ScenarioError(SamenspelError, ValueError):
    """A scenario file could not be loaded; holds every problem found, not just the first."""

    def __init__(self, problems: list[Problem], message: str | None = None):
        self.problems = list(problems)
        super().__init__(message or self.format())

    def format(self, lang: str = "en") -> str:
        """All problems, one `path:line:col: error: message` line each."""
        return "\n".join(p.format(lang) for p in self.problems)

    @property
    def errors(self) -> list[Problem]:
        """Only the problems of severity `error`."""
        return [p for p in self.problems if p.severity == "error"]


class SessionError(SamenspelError, RuntimeError):
    """A move the session cannot take: wrong role, unknown choice, move after the ending."""


class LogError(SamenspelError, ValueError):
    """A session log that cannot be read or does not belong to the scenario given.

    `line` is the 1-based line of the log the error is about, when it is about one line.
    """

    def __init__(self, message: str = "", line: int | None = None):
        super().__init__(message)
        self.line = line

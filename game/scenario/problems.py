"""A problem found in a scenario file: where it is, how bad, a stable code, and the message."""

from __future__ import annotations

from typing import Literal

from attrs import frozen

Severity = Literal["error", "warning"]


@frozen
class Problem:
    """One finding of the loader or validator.

    `code` is stable (documented in docs/scenario-format.md); `message` is in English,
    `message_nl` in Dutch; `hint` optional fix suggestion per language; `line`/`column` 1-based
    (0 when unknown).
    """

    path: str
    line: int
    column: int
    severity: Severity
    code: str
    message: str
    message_nl: str = ""
    hint: str = ""
    hint_nl: str = ""

    def text(self, lang: str = "nl") -> str:
        """The message in the requested language (Dutch falls back to English)."""
        if lang == "nl" and self.message_nl:
            return self.message_nl
        return self.message

    def format(self, lang: str = "nl") -> str:
        """The compiler-style line: `path:line:col: error: message`."""
        # The severity word stays English in every language (`error:`/`warning:`), so editors
        # and CI problem matchers can parse the line; the message itself is translated.
        return f"{self.path}:{self.line}:{self.column}: {self.severity}: {self.text(lang)}"

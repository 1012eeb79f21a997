"""Window settings a class keeps between sessions: language, font scale, contrast, timers, votes.

Stored as a small JSON file in the user's config folder (platformdirs). A missing or broken
file simply gives the defaults: settings must never stop a class from playing.
"""

from __future__ import annotations

import json
import logging
from dataclasses import asdict, dataclass, fields, replace
from pathlib import Path
from urllib.parse import urlsplit

import platformdirs

from game.i18n import LANGUAGES

log = logging.getLogger(__name__)

APP_NAME = "samenspel"
VOTE_MODES = ("open", "secret")


@dataclass(frozen=True)
class Settings:
    """What a teacher can switch in the window: all have classroom-friendly defaults."""

    lang: str = "nl"
    font_scale: int = 100  # percent, 100..200
    high_contrast: bool = False
    timers: bool = True
    vote_mode: str = "open"  # open: each clicks in turn on the shared screen; secret: hand-over
    fullscreen: bool = False
    # The school's home page for xAPI accounts (players, teams); "" is the placeholder.
    xapi_home: str = ""

    def normalised(self) -> Settings:
        """The same settings with out-of-range values brought back to something valid."""
        scale = min(200, max(100, int(self.font_scale)))
        return replace(
            self,
            lang=self.lang if self.lang in LANGUAGES else "nl",
            font_scale=scale,
            vote_mode=self.vote_mode if self.vote_mode in VOTE_MODES else "open",
            xapi_home=home_page(self.xapi_home),
        )

    def with_(self, **changes) -> Settings:
        """A copy with some fields changed (and normalised)."""
        return replace(self, **changes).normalised()


def home_page(text: object) -> str:
    """An xAPI home page as typed in the settings: an http(s) URL, else "" (the placeholder)."""
    if not isinstance(text, str):
        return ""
    text = text.strip()
    parts = urlsplit(text)
    return text if parts.scheme in ("http", "https") and parts.netloc else ""


def user_dir(kind: str) -> Path:
    """A per-user folder from platformdirs: `config` (settings) or `data` (logs, own scenarios)."""
    # appauthor=False: the same folders `samenspel play` uses (also on Windows)
    if kind == "config":
        return platformdirs.user_config_path(APP_NAME, appauthor=False)
    return platformdirs.user_data_path(APP_NAME, appauthor=False)


def settings_path() -> Path:
    """Where the settings file lives."""
    return user_dir("config") / "window.json"


def load_settings(path: Path | None = None) -> Settings:
    """The saved settings, or the defaults when there are none or the file is unreadable."""
    path = path or settings_path()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return Settings()
    except (OSError, ValueError) as exc:
        log.warning("ignoring unreadable settings file %s: %s", path, exc)
        return Settings()
    known = {f.name for f in fields(Settings)}
    try:
        return Settings(**{k: v for k, v in data.items() if k in known}).normalised()
    except (TypeError, ValueError) as exc:
        log.warning("ignoring bad settings in %s: %s", path, exc)
        return Settings()


def save_settings(settings: Settings, path: Path | None = None) -> None:
    """Write the settings; a read-only home folder is logged, not fatal."""
    path = path or settings_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(asdict(settings), indent=2), encoding="utf-8")
    except OSError as exc:
        log.warning("could not save settings to %s: %s", path, exc)

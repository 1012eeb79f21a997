"""Helpers for the class-play browser tests: a real `samenspel klas` server and Debian's Chromium.

The server runs as its own process (`python -m game klas ... --host 127.0.0.1`), exactly as a
teacher starts it; Playwright for Python drives the system Chromium (Playwright's own browser
download is not used). axe-core comes from the npm registry at test-setup time (`make
browser-deps`, into the git-ignored `.cache/npm`), never at run time of the product.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
AXE = ROOT / ".cache" / "npm" / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]


def chromium() -> str | None:
    """The system Chromium, or None."""
    return shutil.which("chromium") or shutil.which("chromium-browser")


def free_port() -> int:
    """A TCP port free on loopback right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class KlasServer:
    """`samenspel klas` in a subprocess on loopback; `kill()` is a SIGKILL (a crash)."""

    def __init__(self, scenario: Path, folder: Path, teams: int = 1, port: int | None = None):
        self.scenario = scenario
        self.folder = folder
        self.teams = teams
        self.port = port or free_port()
        self.process: subprocess.Popen | None = None
        self.output = folder.parent / f"server-{self.port}.log"

    @property
    def base(self) -> str:
        """The address the server prints."""
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> KlasServer:
        """Start (or, with an existing folder, resume) the class and wait until it answers."""
        command = [sys.executable, "-m", "game", "klas", "--host", "127.0.0.1",
                   "--port", str(self.port), "--dir", str(self.folder)]
        if not (self.folder / "klas.json").exists():
            command[4:4] = [str(self.scenario), "--teams", str(self.teams)]
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        with open(self.output, "ab") as out:
            self.process = subprocess.Popen(command, cwd=ROOT, stdout=out, stderr=out, env=env)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited: {self.output.read_text()}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return self
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(f"server did not answer: {self.output.read_text()}")

    def state(self) -> dict:
        """The class state file."""
        return json.loads((self.folder / "klas.json").read_text())

    def codes(self) -> list[str]:
        """Team codes by number."""
        return [t["code"] for t in self.state()["teams"]]

    def teacher_url(self) -> str:
        """The teacher's secret link."""
        return f"{self.base}/leraar#{self.state()['teacher_secret']}"

    def class_url(self) -> str:
        """The class screen's secret link."""
        return f"{self.base}/klasscherm#{self.state()['view_code']}"

    def kill(self) -> None:
        """SIGKILL: no shutdown code runs (a crash or a pulled plug)."""
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(10)

    def stop(self) -> None:
        """Stop normally (Ctrl+C)."""
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.kill()

    def __enter__(self) -> KlasServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

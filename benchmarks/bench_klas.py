"""Benchmark of class play (`samenspel klas`) on loopback: move-to-screen latency, CPU, memory.

Usage: `python benchmarks/bench_klas.py [--teams 10] [--tables 1] [--seconds 20] [--interval 1.0]
[--json]` (several runs: `--teams 10 40`)

The real server runs as its own process (`python -m game klas ...`, uvicorn, one team log
per team, fsync per event), on the four-role test case. This process opens the WebSocket
clients (asyncio, the `websockets` library): per team four students and `--tables`
projectors, plus the teacher. Every team then makes one move every `--interval` seconds (a
consult: always allowed, logged and fsynced, and it changes every screen of the team), all
teams at once, for `--seconds`. A move's latency is the time from sending it to the moment
*every* screen of that team (students and projector) has received a state that includes it
(`view.seq`); p50/p95/p99 over all moves. Server CPU (user + system, from /proc) over the
measured period as a share of one core, and its peak resident memory (VmHWM).

With `--flood`, two extra clients join during the first run and send 2,000 messages as fast
as they can: one garbage, one valid pings. The figures say how the server closed them (1008)
and how soon; the others' latencies include that moment.

The clients share the 2-core machine with the server, so the figures are an upper bound on
what the server alone costs.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CASE = ROOT / "tests" / "data" / "klas" / "vier_rollen.yaml"
ROLES = ("jeugdprofessional", "leerkracht", "jeugdarts", "sporttrainer")

from websockets.asyncio.client import connect  # noqa: E402
from websockets.exceptions import ConnectionClosed  # noqa: E402


def free_port() -> int:
    """A free TCP port on loopback."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def percentile(values: list[float], pct: float) -> float:
    """The pct-th percentile (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(pct / 100 * len(ordered)) - 1))]


def proc_cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of a process so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def proc_memory_mb(pid: int) -> tuple[float, float]:
    """(resident now, peak resident) of a process in MB."""
    values = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(("VmRSS:", "VmHWM:")):
            key, amount = line.split(":")
            values[key] = int(amount.split()[0]) / 1024
    return values.get("VmRSS", 0.0), values.get("VmHWM", 0.0)


class Screen:
    """One WebSocket client that records the newest `seq` it was sent."""

    def __init__(self, ws, changed: asyncio.Event):
        self.ws = ws
        self.seq = -1
        self.changed = changed
        self.token = None
        self.reader = asyncio.create_task(self.read())

    async def read(self) -> None:
        try:
            async for raw in self.ws:
                message = json.loads(raw)
                if message["type"] == "state":
                    seq = message["view"].get("seq", 0)
                    if seq > self.seq:
                        self.seq = seq
                        self.changed.set()
                elif message["type"] == "welcome":
                    self.token = message.get("token")
                    self.changed.set()
        except ConnectionClosed:
            pass

    async def wait(self, predicate, timeout: float = 30) -> None:
        deadline = time.perf_counter() + timeout
        while not predicate():
            self.changed.clear()
            if predicate():
                return
            left = deadline - time.perf_counter()
            if left <= 0:
                raise TimeoutError("no state in time")
            try:
                await asyncio.wait_for(self.changed.wait(), left)
            except TimeoutError:
                raise TimeoutError("no state in time") from None


class Team:
    """Four students and the projectors of one team."""

    def __init__(self, code: str):
        self.code = code
        self.changed = asyncio.Event()
        self.students: list[Screen] = []
        self.tables: list[Screen] = []

    @property
    def screens(self) -> list[Screen]:
        return self.students + self.tables

    async def wait_all(self, seq: int, timeout: float = 30) -> None:
        """Until every screen of the team has a state with at least `seq` events."""
        deadline = time.perf_counter() + timeout
        while any(s.seq < seq for s in self.screens):
            self.changed.clear()
            if all(s.seq >= seq for s in self.screens):
                return
            left = deadline - time.perf_counter()
            if left <= 0:
                raise TimeoutError(f"team {self.code}: screens did not reach seq {seq}")
            try:
                await asyncio.wait_for(self.changed.wait(), left)
            except TimeoutError:
                raise TimeoutError(f"team {self.code}: no state") from None


async def open_class(url: str, state: dict, tables: int) -> tuple[list[Team], Screen]:
    """Connect the teacher, every student (joined, seated) and the projectors; start."""
    teacher_ws = await connect(url, max_size=2**24)
    teacher = Screen(teacher_ws, asyncio.Event())
    await teacher_ws.send(json.dumps({"type": "teacher", "secret": state["teacher_secret"]}))
    teams = []
    for item in state["teams"]:
        team = Team(item["code"])
        for number, role in enumerate(ROLES):
            ws = await connect(url)
            screen = Screen(ws, team.changed)
            await ws.send(json.dumps({"type": "join", "team": team.code,
                                      "name": f"Student {number + 1}"}))
            await ws.send(json.dumps({"type": "claim", "role": role}))
            team.students.append(screen)
        for _ in range(tables):
            ws = await connect(url)
            await ws.send(json.dumps({"type": "watch", "team": team.code}))
            team.tables.append(Screen(ws, team.changed))
        teams.append(team)
    await asyncio.sleep(0.5)
    await teacher_ws.send(json.dumps({"type": "start", "team": "*"}))
    for team in teams:
        await team.wait_all(2)
    return teams, teacher


async def play(teams: list[Team], seconds: float, interval: float) -> list[float]:
    """Every team makes a move every `interval` s; the latencies (ms) of all moves."""
    latencies: list[float] = []
    stop = time.perf_counter() + seconds

    async def team_loop(team: Team, offset: float) -> None:
        await asyncio.sleep(offset)
        rng = random.Random(team.code)
        while time.perf_counter() < stop:
            began = time.perf_counter()
            student = rng.randrange(4)
            target = ROLES[(student + 1 + rng.randrange(3)) % 4]
            seq = max(s.seq for s in team.screens) + 1
            await team.students[student].ws.send(json.dumps({"type": "consult",
                                                             "target": target}))
            await team.wait_all(seq)
            latencies.append((time.perf_counter() - began) * 1000)
            await asyncio.sleep(max(0.0, interval - (time.perf_counter() - began)))

    await asyncio.gather(*(team_loop(t, i * interval / len(teams))
                           for i, t in enumerate(teams)))
    return latencies


async def rogue(url: str, code: str, message: str) -> dict:
    """A client that sends `message` 2,000 times as fast as it can, after joining a team.

    Returns the close code the server gave it and how long after its first message.
    """
    ws = await connect(url)
    screen = Screen(ws, asyncio.Event())  # reads what it is sent, so it sees the close
    await ws.send(json.dumps({"type": "join", "team": code, "name": "Rommel"}))
    began = time.perf_counter()
    try:
        for _ in range(2000):
            await ws.send(message)
        await asyncio.wait_for(ws.wait_closed(), 10)
    except (ConnectionClosed, TimeoutError):
        pass
    screen.reader.cancel()
    return {"close_code": ws.close_code, "closed_after_ms": (time.perf_counter() - began) * 1000}


async def measure(teams_n: int, tables: int, seconds: float, interval: float,
                  with_flood: bool) -> dict:
    """One run against a fresh server; the figures."""
    folder = Path(tempfile.mkdtemp(prefix="bench-klas-"))
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "game", "klas", str(CASE), "--teams", str(teams_n),
         "--host", "127.0.0.1", "--port", str(port), "--dir", str(folder / "klas")],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        for _ in range(300):
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                    break
            except OSError:
                await asyncio.sleep(0.1)
        state = json.loads((folder / "klas" / "klas.json").read_text())
        url = f"ws://127.0.0.1:{port}/ws"
        teams, teacher = await open_class(url, state, tables)
        clients = sum(len(t.screens) for t in teams) + 1
        cpu0, wall0 = proc_cpu_seconds(server.pid), time.perf_counter()
        tasks = [play(teams, seconds, interval)]
        if with_flood:
            tasks.append(rogue(url, teams[0].code, "garbage"))
            tasks.append(rogue(url, teams[1].code, json.dumps({"type": "ping"})))
        results = await asyncio.gather(*tasks)
        cpu = proc_cpu_seconds(server.pid) - cpu0
        wall = time.perf_counter() - wall0
        latencies = results[0]
        rss, peak = proc_memory_mb(server.pid)
        figures = {
            "teams": teams_n, "clients": clients, "moves": len(latencies),
            "moves_per_s": len(latencies) / wall,
            "p50_ms": percentile(latencies, 50), "p95_ms": percentile(latencies, 95),
            "p99_ms": percentile(latencies, 99), "max_ms": max(latencies),
            "mean_ms": statistics.fmean(latencies),
            "server_cpu_share": cpu / wall, "server_rss_mb": rss, "server_peak_mb": peak,
        }
        if with_flood:
            figures["garbage"], figures["flood"] = results[1], results[2]
        for team in teams:
            for screen in team.screens:
                await screen.ws.close()
        await teacher.ws.close()
        return figures
    finally:
        server.terminate()
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:
            server.kill()


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print the figures (one JSON object with --json)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--teams", type=int, nargs="+", default=[10])
    parser.add_argument("--tables", type=int, default=1)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--interval", type=float, default=1.0)
    parser.add_argument("--flood", action="store_true")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    runs = {}
    for n in args.teams:
        runs[str(n)] = asyncio.run(measure(n, args.tables, args.seconds, args.interval,
                                           args.flood and n == args.teams[0]))
    if args.json:
        print(json.dumps(runs))
    else:
        for n, r in runs.items():
            print(f"{n} teams, {r['clients']} clients, {r['moves']} moves "
                  f"({r['moves_per_s']:.1f}/s): p50 {r['p50_ms']:.1f} ms, p95 "
                  f"{r['p95_ms']:.1f} ms, p99 {r['p99_ms']:.1f} ms; server CPU "
                  f"{100 * r['server_cpu_share']:.0f}% of a core, peak {r['server_peak_mb']:.0f} MB"
                  + (f"; garbage sender closed {r['garbage']['close_code']} after "
                     f"{r['garbage']['closed_after_ms']:.0f} ms, flooder closed "
                     f"{r['flood']['close_code']} after {r['flood']['closed_after_ms']:.0f} ms"
                     if "flood" in r else ""))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

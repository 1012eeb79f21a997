"""Regenerate the golden debrief logs in this folder by playing real sessions through the engine.

Run from the repository root: `.venv/bin/python tests/data/logs/make_golden.py`. Each team is a
scripted playthrough of `keukentafel.yaml` (a byte-identical copy of the format's example, kept
here so the logs find their scenario by sha256 next to themselves) with known player names, a
fake clock and a fixed seed. The tests depend on the names and on what each team did:

- team1: consults, a consented share, a 2:1 vote, a 2-round consensus -> samen_verder (good)
- team2: a share without consent (breach), the timer runs out -> vastgelopen (bad)
- team3: a consult, a 2:1 vote, quick consensus -> half_werk (mixed)
- team1_truncated: team1 with its last line cut in half (a crash while writing)
"""

from __future__ import annotations

import shutil
from pathlib import Path

from game.engine.session import Session
from game.scenario.loader import load_scenario

HERE = Path(__file__).parent
NAMES = {
    "team1": {"jeugdprofessional": "Zoë Janssen", "leerkracht": "Mehmet Yıldız",
              "verpleegkundige": "Brecht Van Aelst"},
    "team2": {"jeugdprofessional": "Femke Oosterhuis", "leerkracht": "Kwame Mensah",
              "verpleegkundige": "Ilse Verbruggen"},
    "team3": {"jeugdprofessional": "Noor El Amrani", "leerkracht": "Pieter-Jan Dekker",
              "verpleegkundige": "Sanne Wijnaldum"},
}


class Clock:
    """A fake monotonic clock moved by hand."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now

    def wait(self, seconds: float) -> None:
        self.now += seconds


def _session(name: str, scenario, clock: Clock) -> Session:
    path = HERE / f"keukentafel_{name}.jsonl"
    path.unlink(missing_ok=True)
    return Session(scenario, players=NAMES[name], log=path, seed=7, clock=clock)


def team1(scenario) -> None:
    c = Clock()
    s = _session("team1", scenario, c)
    c.wait(20); s.consult("jeugdprofessional", "leerkracht")
    c.wait(35); s.choose("jeugdprofessional", "vraag_behoefte")
    c.wait(40); s.choose("jeugdprofessional", "vraag_toestemming")
    c.wait(15); s.consult("jeugdprofessional", "verpleegkundige")
    c.wait(25); s.share("verpleegkundige", "slaapdagboek", "team")
    c.wait(30); s.choose("jeugdprofessional", "netwerk")
    c.wait(5); s.choose("leerkracht", "netwerk")
    c.wait(8); s.choose("verpleegkundige", "slaaptraining")
    c.wait(50); s.choose("jeugdprofessional", "samen")
    c.wait(12); s.choose("leerkracht", "zelf")
    c.wait(45); s.choose("leerkracht", "samen")
    c.wait(6); s.choose("jeugdprofessional", "samen")
    assert s.finished and s.ending.id == "samen_verder", s.ending
    s.close()


def team2(scenario) -> None:
    c = Clock()
    s = _session("team2", scenario, c)
    c.wait(30); s.choose("jeugdprofessional", "leg_zorgen_uit")
    c.wait(20); s.share("verpleegkundige", "slaapdagboek", "jeugdprofessional")
    c.wait(25); s.choose("jeugdprofessional", "later")
    c.wait(40); s.choose("jeugdprofessional", "slaaptraining")
    c.wait(9); s.choose("leerkracht", "observeren")
    c.wait(14); s.choose("verpleegkundige", "slaaptraining")
    c.wait(60); s.choose("jeugdprofessional", "zelf")
    c.wait(130); s.tick()
    c.wait(10); s.proceed()
    assert s.finished and s.ending.id == "vastgelopen", s.ending
    s.close()


def team3(scenario) -> None:
    c = Clock()
    s = _session("team3", scenario, c)
    c.wait(25); s.choose("jeugdprofessional", "vraag_behoefte")
    c.wait(30); s.choose("jeugdprofessional", "later")
    c.wait(20); s.consult("leerkracht", "verpleegkundige")
    c.wait(30); s.choose("jeugdprofessional", "netwerk")
    c.wait(10); s.choose("leerkracht", "observeren")
    c.wait(12); s.choose("verpleegkundige", "netwerk")
    c.wait(40); s.choose("jeugdprofessional", "samen")
    c.wait(15); s.choose("leerkracht", "samen")
    assert s.finished and s.ending.id == "half_werk", s.ending
    s.close()


def main() -> None:
    scenario = load_scenario(HERE / "keukentafel.yaml")
    team1(scenario)
    team2(scenario)
    team3(scenario)
    truncated = HERE / "keukentafel_team1_truncated.jsonl"
    shutil.copy(HERE / "keukentafel_team1.jsonl", truncated)
    data = truncated.read_bytes().rstrip(b"\n")
    last = data.rfind(b"\n")
    truncated.write_bytes(data[: last + 1 + (len(data) - last) // 2])
    print("golden logs written to", HERE)


if __name__ == "__main__":
    main()

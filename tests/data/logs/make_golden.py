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


# Each step: the seconds the fake clock moves on, then one Session call (method, arguments).
STEPS = {
    "team1": [
        (20, "consult", "jeugdprofessional", "leerkracht"),
        (35, "choose", "jeugdprofessional", "vraag_behoefte"),
        (40, "choose", "jeugdprofessional", "vraag_toestemming"),
        (15, "consult", "jeugdprofessional", "verpleegkundige"),
        (25, "share", "verpleegkundige", "slaapdagboek", "team"),
        (30, "choose", "jeugdprofessional", "netwerk"),
        (5, "choose", "leerkracht", "netwerk"),
        (8, "choose", "verpleegkundige", "slaaptraining"),
        (50, "choose", "jeugdprofessional", "samen"),
        (12, "choose", "leerkracht", "zelf"),
        (45, "choose", "leerkracht", "samen"),
        (6, "choose", "jeugdprofessional", "samen"),
    ],
    "team2": [
        (30, "choose", "jeugdprofessional", "leg_zorgen_uit"),
        (20, "share", "verpleegkundige", "slaapdagboek", "jeugdprofessional"),
        (25, "choose", "jeugdprofessional", "later"),
        (40, "choose", "jeugdprofessional", "slaaptraining"),
        (9, "choose", "leerkracht", "observeren"),
        (14, "choose", "verpleegkundige", "slaaptraining"),
        (60, "choose", "jeugdprofessional", "zelf"),
        (130, "tick"),
        (10, "proceed"),
    ],
    "team3": [
        (25, "choose", "jeugdprofessional", "vraag_behoefte"),
        (30, "choose", "jeugdprofessional", "later"),
        (20, "consult", "leerkracht", "verpleegkundige"),
        (30, "choose", "jeugdprofessional", "netwerk"),
        (10, "choose", "leerkracht", "observeren"),
        (12, "choose", "verpleegkundige", "netwerk"),
        (40, "choose", "jeugdprofessional", "samen"),
        (15, "choose", "leerkracht", "samen"),
    ],
}
ENDINGS = {"team1": "samen_verder", "team2": "vastgelopen", "team3": "half_werk"}


def play_team(name: str, scenario) -> None:
    """Play one team's scripted steps on a fresh log and check the ending it reached."""
    c = Clock()
    s = _session(name, scenario, c)
    for seconds, method, *args in STEPS[name]:
        c.wait(seconds)
        getattr(s, method)(*args)
    assert s.finished and s.ending.id == ENDINGS[name], s.ending
    s.close()


def main() -> None:
    scenario = load_scenario(HERE / "keukentafel.yaml")
    for name in STEPS:
        play_team(name, scenario)
    truncated = HERE / "keukentafel_team1_truncated.jsonl"
    shutil.copy(HERE / "keukentafel_team1.jsonl", truncated)
    data = truncated.read_bytes().rstrip(b"\n")
    last = data.rfind(b"\n")
    truncated.write_bytes(data[: last + 1 + (len(data) - last) // 2])
    print("golden logs written to", HERE)


if __name__ == "__main__":
    main()

"""Tests for game.export.report: the HTML report parsed back, its sections and its numbers."""

from __future__ import annotations

import json
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import with_guide

from game.export.logs import find_scenario, read_team_log, read_team_logs
from game.export.replay import timeline
from game.export.report import key_moments, render_report, text_color, write_report
from game.export.summary import numbers
from game.i18n import format_number

LOGS = Path(__file__).parent / "data" / "logs"
TEAM_SECTIONS = ["scenario", "team", "outcome", "scores", "index", "contribution",
                 "key-moments", "timeline", "questions"]
CLASS_SECTIONS = ["scenario", "teams", "scores", "index", "endings", "divergence", "questions"]


class Page(HTMLParser):
    """Collects section ids, tags with external references, table rows and the visible text."""

    def __init__(self):
        super().__init__()
        self.sections: list[str] = []
        self.tags: list[tuple[str, dict]] = []
        self.text: list[str] = []
        self.timeline_rows: list[str] = []
        self._in_timeline = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append((tag, attrs))
        if tag == "section":
            self.sections.append(attrs.get("id", ""))
        if tag == "table" and "timeline" in (attrs.get("class") or ""):
            self._in_timeline = True
        if tag == "tr" and self._in_timeline and "class" in attrs:
            self.timeline_rows.append(attrs["class"])

    def handle_endtag(self, tag):
        if tag == "table":
            self._in_timeline = False

    def handle_data(self, data):
        if data.strip():
            self.text.append(data.strip())

    @property
    def visible(self) -> str:
        return " ".join(self.text)


def parse(html: str) -> Page:
    page = Page()
    page.feed(html)
    page.close()
    return page


@pytest.fixture(scope="module")
def scenario():
    """The keukentafel scenario of the golden logs."""
    return find_scenario(read_team_log(LOGS / "keukentafel_team1.jsonl"))


@pytest.fixture(scope="module")
def team2():
    """The golden log with a breach, a timeout and a bad ending."""
    return read_team_log(LOGS / "keukentafel_team2.jsonl")


def test_team_report_has_every_section_in_order(team2, scenario):
    """Scenario, team, outcome, scores, index, contribution, key moments, timeline, questions."""
    page = parse(render_report(team2, scenario))
    assert page.sections == TEAM_SECTIONS


def test_team_report_shows_what_scoring_computes(team2, scenario):
    """The index value and each dimension's percent are the numbers game.scoring returns."""
    n = numbers(team2.events, scenario)
    text = parse(render_report(team2, scenario)).visible
    assert f"{n.index_value:.0f} van 100" in text
    for dim in scenario.scores:
        percent = n.dimension(dim)["percent"]
        assert format_number(round(percent, 1), "nl") + "%" in text


def test_team_report_says_which_card_was_too_late(team2, scenario):
    """The information part names each card that counted as too late, and for whom."""
    text = parse(render_report(team2, scenario)).visible
    assert "Te laat gedeeld" in text
    assert "'Opa als steun': Jeugdprofessional kende de kaart nog niet" in text
    team1 = read_team_log(LOGS / "keukentafel_team1.jsonl")
    assert "Te laat gedeeld" not in parse(render_report(team1, scenario)).visible


def test_team_report_names_players_roles_outcome_and_questions(team2, scenario):
    """Players with roles and academies, the ending with its outcome, both kinds of question."""
    text = parse(render_report(team2, scenario)).visible
    for name in ("Femke Oosterhuis", "Kwame Mensah", "Ilse Verbruggen"):
        assert name in text
    assert "Leerkracht groep 6" in text and "gezondheidszorg" in text
    assert "Vastgelopen" in text and "slecht" in text
    assert "Op welk moment verloor het team het vertrouwen van moeder?" in text
    assert "Wie had in welk gesprek de regie, en merkte het gezin dat?" in text
    assert "Vraaggericht werken met het gezin" in text  # a learning goal


def test_timeline_has_a_row_per_event_and_flags_breach_and_timeout(team2, scenario):
    """Every event but the start is a timeline row; the breach and the timeout are flagged."""
    page = parse(render_report(team2, scenario))
    assert len(page.timeline_rows) == len(team2.events) - 1
    assert sum("breach" in c for c in page.timeline_rows) == 1
    assert sum("timeout" in c for c in page.timeline_rows) == 1
    assert "zonder toestemming (privacyschending)" in page.visible


def test_key_moments_list_breach_timeout_and_ending(team2, scenario):
    """The breach, the expired timer and the ending are key moments, in log order."""
    moments = key_moments(timeline(team2.events, scenario), scenario, "nl")
    reasons = [why for m in moments for why in m["why"]]
    assert any("zonder toestemming" in r for r in reasons)
    assert any("tijd liep af" in r for r in reasons)
    assert "Het einde" in reasons[-1]
    assert [m["seq"] for m in moments] == sorted(m["seq"] for m in moments)


def test_report_is_self_contained(team2, scenario):
    """No scripts, no external stylesheets, images or fonts: it opens offline; charts inline."""
    html = render_report(team2, scenario)
    page = parse(html)
    assert not [t for t, _ in page.tags if t in ("script", "link", "img", "iframe")]
    for _, attrs in page.tags:
        for key in ("src", "href"):
            assert not (attrs.get(key) or "").startswith(("http", "//")), attrs
    assert html.count("<svg") >= 2 and "@media print" in html and "size: A4" in html


def test_untrusted_names_are_escaped(tmp_path, scenario):
    """A player named like HTML shows as text, never as markup (autoescape is on)."""
    lines = (LOGS / "keukentafel_team1.jsonl").read_text(encoding="utf-8").splitlines()
    first = json.loads(lines[0])
    first["players"][0]["name"] = '<script>alert("x")</script>'
    log = tmp_path / "evil.jsonl"
    log.write_text("\n".join([json.dumps(first), *lines[1:]]) + "\n", encoding="utf-8")
    html = render_report(read_team_log(log), scenario)
    assert "<script>" not in html
    assert "&lt;script&gt;" in html
    assert '<script>alert("x")</script>' in parse(html).visible


def test_english_report(team2, scenario):
    """--lang en: English headings and outcome words, English number format."""
    text = parse(render_report(team2, scenario, lang="en")).visible
    assert "Cooperation index" in text and "Key moments" in text and "bad" in text


def test_unfinished_session_still_reports(scenario):
    """The truncated log has no ending: the report says so and still shows the timeline."""
    team = read_team_log(LOGS / "keukentafel_team1_truncated.jsonl")
    page = parse(render_report(team, scenario))
    assert page.sections == TEAM_SECTIONS
    assert "niet afgerond" in page.visible
    assert "de laatste regel is onvolledig" in page.visible


def test_class_report_puts_teams_side_by_side(tmp_path, scenario):
    """Several logs: the class sections, every team, every ending reached, the diverging scenes."""
    logs = read_team_logs([LOGS / f"keukentafel_team{i}.jsonl" for i in (1, 2, 3)])
    out = tmp_path / "klas.html"
    write_report(logs, out, scenario)
    page = parse(out.read_text(encoding="utf-8"))
    assert page.sections == CLASS_SECTIONS
    text = page.visible
    for label in ("Team 1", "Team 2", "Team 3"):
        assert label in text
    for ending in ("Samen verder", "Half werk", "Vastgelopen"):
        assert ending in text
    # Team 2 explained the school's worries where teams 1 and 3 asked what mother needs.
    assert "Leg uit welke zorgen de school heeft" in text
    for team in logs:
        assert f"{numbers(team.events, scenario).index_value:.0f}" in text


def test_text_on_a_colour_is_black_or_white_by_contrast():
    """Light academy colours get black text, dark ones white (WCAG contrast)."""
    assert text_color("#e9c46a") == "#000000"
    assert text_color("#264653") == "#ffffff"


def test_a_split_vote_is_a_key_moment_and_a_clear_majority_is_not(scenario):
    """1-1-1 decided by the tiebreak is 'verdeeld'; 2-1 is an ordinary majority, not listed."""

    def vote(seq, role, choice):
        return {"seq": seq, "type": "vote_cast", "elapsed_ms": seq * 1000, "scene": "teamoverleg",
                "role": role, "choice": choice, "round": 1}

    start = {"seq": 0, "type": "session_started", "players": [], "elapsed_ms": 0}
    decided = {"seq": 4, "type": "choice_made", "elapsed_ms": 4000, "scene": "teamoverleg",
               "choice": "netwerk", "by": ["jeugdprofessional"], "decision": "vote",
               "changes": {}, "points": {}}
    split = [start, vote(1, "jeugdprofessional", "netwerk"), vote(2, "leerkracht", "observeren"),
             vote(3, "verpleegkundige", "slaaptraining"), decided]
    moments = key_moments(timeline(split, scenario), scenario, "nl")
    assert [m["seq"] for m in moments] == [4]
    assert "1 stem voor deze keuze, 2 voor iets anders" in moments[0]["why"][0]
    majority = [start, vote(1, "jeugdprofessional", "netwerk"), vote(2, "leerkracht", "netwerk"),
                vote(3, "verpleegkundige", "slaaptraining"), decided]
    assert key_moments(timeline(majority, scenario), scenario, "nl") == []


def _random_session(scenario, path, seed):
    """Play one seeded random session (consults, shares, votes, timers) into `path`."""
    import random

    from game.engine.session import Session

    rng = random.Random(seed)
    now = [0.0]
    session = Session(scenario, log=path, seed=seed, clock=lambda: now[0])
    roles = list(scenario.roles)
    for _ in range(2000):
        if session.finished:
            break
        now[0] += rng.uniform(2, 30)
        role = rng.choice(roles)
        roll = rng.random()
        if roll < 0.1:
            session.consult(role, rng.choice([r for r in roles if r != role]))
        elif roll < 0.2 and session.cards(role):
            session.share(role, rng.choice(session.cards(role)).id, "team")
        elif session.scene.is_narration:
            session.proceed()
        else:
            able = [r for r in session.waiting_for() if session.options(r)]
            if able:
                actor = rng.choice(able)
                session.choose(actor, rng.choice(session.options(actor)).id)
            else:
                now[0] += (session.time_left() or 0) + 1
                session.tick()
    session.close()


def test_every_bundled_scenario_gives_a_valid_report_csv_and_xapi(tmp_path):
    """A random session of each bundled case: report parses with all sections, CSV rows ==
    events, every xAPI statement schema-valid."""
    import csv as stdcsv

    import jsonschema

    from game.export.report import write_csv, write_xapi
    from game.scenario.loader import load_scenario

    root = Path(__file__).parents[1]
    schema = json.loads((root / "tests" / "schemas" / "xapi-statement.schema.json").read_text(
        encoding="utf-8"))
    validator = jsonschema.Draft7Validator(schema)
    bundled = sorted((root / "scenarios").glob("*.yaml"))
    assert bundled
    for index, file in enumerate(bundled):
        scenario = load_scenario(file)
        log = tmp_path / f"{scenario.id}.jsonl"
        _random_session(scenario, log, seed=index + 1)
        team = read_team_log(log)
        page = parse(render_report(team, scenario))
        # a case with a facilitator guide or role prompts ends with the teacher's section
        has_guide = scenario.guide is not None or bool(scenario.debrief_roles)
        assert page.sections == TEAM_SECTIONS + ["guide"] * has_guide, file.name
        write_csv(team, tmp_path / "t.csv", scenario)
        with open(tmp_path / "t.csv", encoding="utf-8", newline="") as f:
            assert len(list(stdcsv.DictReader(f))) == len(team.events)
        write_xapi(team, tmp_path / "t.json", scenario)
        for statement in json.loads((tmp_path / "t.json").read_text(encoding="utf-8")):
            assert validator.is_valid(statement), (file.name, statement["verb"]["id"])


def test_a_scenario_colour_cannot_smuggle_css(team2, scenario):
    """A role colour with CSS after it falls back to the academy colour; plain ones are kept."""
    import attrs

    from game.export.report import safe_color

    roles = dict(scenario.roles)
    roles["leerkracht"] = attrs.evolve(
        roles["leerkracht"], color="red; background: url(https://tracker.example/x)"
    )
    html = render_report(team2, attrs.evolve(scenario, roles=roles))
    assert "tracker.example" not in html
    assert safe_color("#abc") == "#abc" and safe_color("teal") == "teal"
    assert text_color("#fff") == "#000000"


def test_index_shows_the_parts_scoring_returns(team2, scenario, monkeypatch):
    """Every part of scoring's index appears with its value; a new part shows by its id."""
    import game.export.report as report
    from game.export.summary import Numbers

    real = numbers(team2.events, scenario)
    text = parse(render_report(team2, scenario)).visible
    for key, part in real.index["parts"].items():
        label = report._part_text(key, "nl")
        assert label in text
        if part["value"] is not None:
            assert format_number(round(part["value"], 1), "nl") in text
    index = dict(real.index, parts={**real.index["parts"], "nieuw_deel": {"value": 42.0,
                                                                          "effective_weight": 0.1}})
    monkeypatch.setattr(report, "numbers", lambda e, s: Numbers(real.scores, real.metrics, index))
    page = parse(render_report(team2, scenario))
    assert "nieuw_deel" in page.visible and "report.part" not in page.visible


def test_team_report_shows_the_teacher_guide_after_the_ending(team2, scenario):
    """A finished team: "Handleiding voor de docent" last, with sources, prompts and phases."""
    page = parse(render_report(team2, with_guide(scenario)))
    assert page.sections == TEAM_SECTIONS + ["guide"]
    text = page.visible
    assert "Handleiding voor de docent" in text
    for part in ("20 minuten", "Niemand weet alles.",
                 "Vraagt iemand toestemming?", "Alles met iedereen delen.",
                 "Delen met toestemming.", "Jeugdwet art. 7.3.11", "Wat wist jij?",
                 "Beschrijven", "Toepassen", "Wat doe jij in je stage?", "Vraag door."):
        assert part in text, part
    assert "Analyseren" not in text  # an empty phase gets no heading


def test_unfinished_team_report_holds_the_guide_back(scenario):
    """No ending yet: the guide section only says it appears after the ending."""
    team = read_team_log(LOGS / "keukentafel_team1_truncated.jsonl")
    page = parse(render_report(team, with_guide(scenario)))
    assert page.sections[-1] == "guide"
    assert "zodra het team een einde heeft bereikt" in page.visible
    assert "Jeugdwet art. 7.3.11" not in page.visible
    assert "Wat wist jij?" not in page.visible


def test_class_report_shows_the_guide_and_grouped_questions(scenario):
    """The class report ends with the guide; ending questions keep their phase headings."""
    logs = read_team_logs([LOGS / f"keukentafel_team{i}.jsonl" for i in (1, 2, 3)])
    page = parse(render_report(logs, with_guide(scenario), lang="en"))
    assert page.sections == CLASS_SECTIONS + ["guide"]
    assert "Facilitator guide" in page.visible and "Describe" in page.visible
    assert "Jeugdwet art. 7.3.11" in page.visible

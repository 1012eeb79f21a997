"""The cooperation facts in every export: the shown choice order as texts, oversharing, and
consent asked (granted or refused), in the timeline (window debrief, replay), the HTML report,
CSV and xAPI, in Dutch and English."""

from __future__ import annotations

import pytest
from conftest import VALID, FakeClock

from game.engine.session import Session
from game.export.csv import rows
from game.export.replay import timeline
from game.export.report import render_report
from game.export.xapi import statements
from game.scenario.loader import load_scenario


@pytest.fixture(scope="module")
def scenario():
    """tests/data/valid/toestemming.yaml: scoped consent that can be asked for, needed_by."""
    return load_scenario(VALID / "toestemming.yaml")


@pytest.fixture(scope="module")
def played(scenario):
    """A finished session: a refused ask, a granted ask, a share with oversharing, the vote."""
    s = Session(scenario, seed=7, clock=FakeClock(), players={"leerkracht": "Sara"})
    s.ask_consent("jeugdprofessional", "verhaal_moeder", "team")  # jeugdarts: outside `to`
    s.share("jeugdarts", "groeicurve", "team")  # the leerkracht did not need it
    s.choose("jeugdprofessional", "afwachten")
    s.choose("leerkracht", "afwachten")
    s.choose("jeugdarts", "afwachten")
    s.choose("jeugdprofessional", "heel")
    assert s.finished
    return s


def test_timeline_shows_order_as_texts_oversharing_and_the_familys_answer(scenario, played):
    """scene_entered lists the choice texts in the order shown; the ask and the overshare are
    flagged and said in words, in both languages."""
    nl = timeline(played.events, scenario, "nl")
    entered = next(m for m in nl if m.kind == "scene_entered")
    order = played.events[1]["order"]
    assert entered.order == tuple(order)
    texts = [scenario.scenes["overleg"].choice(c).text for c in order]
    assert entered.order_texts == tuple(texts)
    assert f"1. {texts[0]}" in entered.text and f"3. {texts[2]}" in entered.text
    (asked,) = [m for m in nl if m.kind == "consent_asked"]
    assert asked.flag == "refused" and asked.granted is False
    assert "het gezin weigert" in asked.text and "Het verhaal van moeder" in asked.text
    (shared,) = [m for m in nl if m.kind == "info_shared"]
    assert shared.flag == "overshare" and shared.overshared == ("leerkracht",)
    assert "niet nodig" in shared.text
    en = timeline(played.events, scenario, "en")
    assert "the family refuses" in next(m for m in en if m.kind == "consent_asked").text
    assert "oversharing" in next(m for m in en if m.kind == "info_shared").text
    assert "Choices in the order shown" in next(m for m in en if m.kind == "scene_entered").text


def test_csv_has_the_new_columns(scenario, played):
    """granted, overshared, outside_consent and the choice order (ids and texts) per row."""
    table = rows(played.events, scenario)
    asked = next(r for r in table if r["type"] == "consent_asked")
    assert asked["granted"] == "0" and asked["targets"] == "leerkracht|jeugdarts"
    shared = next(r for r in table if r["type"] == "info_shared")
    assert shared["overshared"] == "leerkracht" and shared["granted"] == ""
    entered = next(r for r in table if r["type"] == "scene_entered")
    assert entered["choice_order"] == "|".join(played.events[1]["order"])
    assert entered["choice_order_text"].count(" | ") == 2


def test_xapi_states_the_ask_the_overshare_and_the_order(scenario, played):
    """The ask is its own statement (Samenspel verb, success = granted); the share carries
    the overshared roles; the scene entry the choice order."""
    out = statements(played.events, scenario)
    (asked,) = [s for s in out if s["verb"]["id"].endswith("verbs/asked-consent")]
    assert asked["result"]["success"] is False
    assert asked["verb"]["display"]["nl-NL"] == "vroeg toestemming voor"
    shared = next(s for s in out if s["verb"]["id"].endswith("/shared"))
    assert any(k.endswith("extensions/overshared") and v == ["leerkracht"]
               for k, v in shared["result"]["extensions"].items())
    entered = next(s for s in out if s["verb"]["id"].endswith("/experienced"))
    assert list(entered["result"]["extensions"].values()) == [played.events[1]["order"]]


@pytest.mark.parametrize(("lang", "overshared", "refused"), [
    ("nl", "Gedeeld met een rol die het niet nodig had", "het gezin weigerde toestemming"),
    ("en", "Shared with a role that did not need it", "the family refused consent"),
])
def test_report_counts_and_marks_them(scenario, played, lang, overshared, refused):
    """The report's metrics count oversharing and asks; key moments mark the refusal."""
    html = render_report(played.events, scenario, lang=lang)
    assert overshared in html and refused in html

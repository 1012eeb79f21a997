"""Tests for the cooperation rules of game.engine.session: shuffled choice order, consent with a
scope, oversharing, asking the family for consent and the expression `granted`.

Most tests play tests/data/valid/toestemming.yaml: `verhaal_moeder` (owned by the
jeugdprofessional, sensitive) may reach only the leerkracht and only after the family agreed
when asked (`ask: vertrouwen >= 50`); `groeicurve` has standing consent `vertrouwen >= 40`.
"""

from __future__ import annotations

import hashlib

import pytest
from conftest import VALID, FakeClock

from game.engine.session import Session, _shuffle
from game.errors import SessionError
from game.export.replay import fork
from game.scenario.loader import load_scenario

CASE = VALID / "toestemming.yaml"


@pytest.fixture(scope="module")
def scenario():
    """The small cooperation case, loaded once."""
    return load_scenario(CASE)


def events_of(s: Session, kind: str) -> list[dict]:
    """The events of one type."""
    return [e for e in s.events if e["type"] == kind]


# ------------------------------------------------------------------------ choice order


def test_choice_order_differs_between_seeds_and_is_logged(scenario):
    """The start scene's order depends on the seed, is logged, and is what options() shows."""
    orders = set()
    for seed in range(1, 30):
        s = Session(scenario, seed=seed, clock=FakeClock())
        entered = events_of(s, "scene_entered")[0]
        assert entered["order"] == list(s.choice_order)
        assert [c.id for c in s.open_choices()] == [
            c for c in s.choice_order if c != "klas"]  # `klas` waits for consent
        orders.add(s.choice_order)
    assert len(orders) > 1
    assert all(sorted(o) == ["afwachten", "klas", "melden"] for o in orders)


def test_choice_order_is_the_same_for_every_role(scenario):
    """Every voter sees the choices in the same order."""
    s = Session(scenario, seed=4, clock=FakeClock())
    shown = {role: [c.id for c in s.options(role)] for role in scenario.roles}
    assert len({tuple(v) for v in shown.values()}) == 1


def test_keep_order_keeps_the_written_order(scenario):
    """A scene with `keep_order: true` shows the written order whatever the seed."""
    for seed in range(1, 12):
        s = Session(scenario, seed=seed, clock=FakeClock())
        for role in scenario.roles:
            s.choose(role, "afwachten")
        assert s.scene_id == "schaal"
        assert s.choice_order == ("niet", "beetje", "heel")
        assert [c.id for c in s.options("jeugdprofessional")] == ["niet", "beetje", "heel"]


def test_order_is_identical_on_resume_replay_and_fork(scenario, tmp_path):
    """A resumed and a forked session show the order the log recorded."""
    log = tmp_path / "a.jsonl"
    s = Session(scenario, seed=17, clock=FakeClock(), log=log)
    first = s.choice_order
    s.choose("leerkracht", "melden")
    s.close()
    with Session.resume(log, scenario, clock=FakeClock()) as resumed:
        assert resumed.choice_order == first
        assert resumed.events[1]["order"] == list(first)
    with fork(log, 1, tmp_path / "b.jsonl", scenario) as forked:
        assert forked.choice_order == first


def test_shuffle_gives_the_orders_logs_already_hold():
    """The order of a key never changes: old logs record it and replay compares it. Pinned
    for 2 to 7 choices, from the implementation that first wrote `order` into logs."""
    expected = {
        (1, "start", 1): ["21", "231", "4213", "21453", "256431", "4273516"],
        (17, "overleg", 2): ["12", "312", "4312", "41235", "461352", "5763214"],
        (123456789, "schaal", 1): ["21", "132", "4231", "31524", "416235", "5713462"],
    }
    for (seed, scene, visit), orders in expected.items():
        for n, want in zip(range(2, 8), orders, strict=True):
            items = [str(i) for i in range(1, n + 1)]
            _shuffle(items, hashlib.blake2b(f"{seed}:{scene}:{visit}".encode(), digest_size=8))
            assert "".join(items) == want


def test_session_orders_follow_seed_scene_and_visit(scenario):
    """A session shows the shuffle of the key `seed:scene:visit` (here the first visit)."""
    s = Session(scenario, seed=17, clock=FakeClock())
    ids = [c.id for c in scenario.scenes[scenario.start].choices]
    _shuffle(ids, hashlib.blake2b(f"17:{scenario.start}:1".encode(), digest_size=8))
    assert list(s.choice_order) == ids


# ---------------------------------------------------------------------------- consent


def test_sharing_outside_the_scope_is_a_breach_and_oversharing_is_logged(scenario):
    """To the jeugdarts (outside `to`, not in needed_by): breach and overshared, on_breach once."""
    s = Session(scenario, seed=1, clock=FakeClock())
    s.share("jeugdprofessional", "verhaal_moeder", "team")
    (shared,) = events_of(s, "info_shared")
    assert shared["breach"] is True and shared["consent"] is False
    assert shared["outside_consent"] == ["leerkracht", "jeugdarts"]  # not asked yet
    assert shared["overshared"] == ["jeugdarts"]
    assert s.variables["vertrouwen"] == 35


def test_asked_consent_covers_only_its_scope(scenario):
    """A granted ask makes the leerkracht within consent; the jeugdarts stays outside."""
    s = Session(scenario, seed=1, clock=FakeClock())
    assert not s.granted("verhaal_moeder", "leerkracht")
    assert s.ask_consent("jeugdprofessional", "verhaal_moeder", "leerkracht") is True
    (asked,) = events_of(s, "consent_asked")
    assert (asked["role"], asked["info"], asked["to"], asked["granted"]) == (
        "jeugdprofessional", "verhaal_moeder", ["leerkracht"], True)
    assert s.granted("verhaal_moeder", "leerkracht")
    assert not s.granted("verhaal_moeder", "jeugdarts")
    s.share("jeugdprofessional", "verhaal_moeder", "leerkracht")
    shared = events_of(s, "info_shared")[-1]
    assert (shared["consent"], shared["breach"], shared["overshared"]) == (True, False, [])
    assert s.scores()["team"]["informatie"]["points"] == 2
    # the unlocked choice is open now
    assert "klas" in [c.id for c in s.options("leerkracht")]


def test_asking_for_the_team_is_refused_outside_the_scope_and_on_refuse_applies(scenario):
    """The team includes the jeugdarts, whom the consent does not cover: refused, -5 trust."""
    s = Session(scenario, seed=1, clock=FakeClock())
    assert s.ask_consent("jeugdprofessional", "verhaal_moeder", "team") is False
    asked = events_of(s, "consent_asked")[-1]
    assert asked["granted"] is False and asked["team"] is True
    assert asked["changes"] == {"vertrouwen": [50, 45]}
    assert s.consent_grants == frozenset()
    # trust fell below the ask condition: a later ask is refused too, and may be made again
    assert s.ask_consent("jeugdprofessional", "verhaal_moeder", "leerkracht") is False
    assert s.variables["vertrouwen"] == 40


def test_who_may_ask_and_which_cards_can_be_asked_for(scenario):
    """asked_by limits the askers; a card without `ask` cannot be asked for; nothing is logged."""
    s = Session(scenario, seed=1, clock=FakeClock())
    n = len(s.events)
    with pytest.raises(SessionError, match="leerkracht"):
        s.ask_consent("leerkracht", "verhaal_moeder", "jeugdarts")
    with pytest.raises(SessionError, match="groeicurve"):
        s.ask_consent("jeugdarts", "groeicurve", "jeugdprofessional")
    with pytest.raises(SessionError):
        s.ask_consent("jeugdprofessional", "verhaal_moeder", "jeugdprofessional")
    with pytest.raises(SessionError, match="'zz'"):
        s.ask_consent("jeugdprofessional", "verhaal_moeder", "zz")
    assert len(s.events) == n
    assert s.can_ask_consent("jeugdprofessional", "verhaal_moeder")
    assert not s.can_ask_consent("leerkracht", "verhaal_moeder")


def test_standing_consent_in_the_mapping_form_and_needed_by(scenario):
    """`consent: {if: ...}` works like the old string; a non-sensitive card is never a breach."""
    s = Session(scenario, seed=1, clock=FakeClock())
    s.share("jeugdarts", "groeicurve", "team")
    shared = events_of(s, "info_shared")[-1]
    assert (shared["consent"], shared["breach"]) == (True, False)
    assert shared["overshared"] == ["leerkracht"]


def test_consent_asks_replay_on_resume(scenario, tmp_path):
    """A log with a granted and a refused ask resumes to the same grants and trust."""
    log = tmp_path / "ask.jsonl"
    s = Session(scenario, seed=3, clock=FakeClock(), log=log)
    s.ask_consent("jeugdprofessional", "verhaal_moeder", "team")
    s.ask_consent("jeugdprofessional", "verhaal_moeder", "leerkracht")
    s.close()
    with Session.resume(log, scenario, clock=FakeClock()) as resumed:
        assert resumed.variables == s.variables
        assert resumed.consent_grants == s.consent_grants

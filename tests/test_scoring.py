"""Tests for game.scoring: authored points, maxima, derived metrics and the cooperation index.

Scenarios are built directly from the model classes and logs are hand-written event lists in
the log format (docs/engine.md, "The log"), so every expected number below is computed by hand
in the docstring.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from game import scoring
from game.scenario.model import (
    Choice,
    Dimension,
    Effects,
    Ending,
    Info,
    Role,
    Route,
    Scenario,
    Scene,
    Variable,
)
from game.scoring import log_metrics, search
from game.scoring.graph import SceneGraph, upper_bounds

ROLES = ("jp", "lk", "vp")


def role(rid: str) -> Role:
    """A role with a throwaway briefing."""
    return Role(id=rid, name=rid.upper(), academy="pabo", briefing="b")


def choice(cid: str, to: str | list, **kw) -> Choice:
    """A choice going to one target, or to a list of Route objects."""
    goto = tuple(to) if isinstance(to, list) else (Route(to=to),)
    return Choice(id=cid, text=cid, goto=goto, **kw)


def make(scenes: list[Scene], *, dims=("a", "b"), info=(), variables=(), endings=("end",),
         start: str | None = None, dim_max: dict | None = None) -> Scenario:
    """A scenario from scenes; dimensions without max unless `dim_max` gives one."""
    dim_max = dim_max or {}
    return Scenario(
        format=1, id="t", title="T",
        roles={r: role(r) for r in ROLES},
        scores={d: Dimension(id=d, label=d, max=dim_max.get(d)) for d in dims},
        start=start or scenes[0].id,
        scenes={s.id: s for s in scenes},
        endings={e: Ending(id=e, title=e, text=e, outcome="good") for e in endings},
        info={i.id: i for i in info},
        variables={v.id: v for v in variables},
    )


def ev(kind: str, **fields) -> dict:
    """One log event (seq/time are not read by scoring)."""
    return {"type": kind, **fields}


# ------------------------------------------------------------------------------ fixtures


@pytest.fixture
def team_case() -> Scenario:
    """Three scenes: a single decision, a team vote, a consensus of two; one card each kind."""
    s1 = Scene(id="s1", text="t", actors=("jp",), on_enter=Effects(score={"a": 1}),
               advice={"lk": "advies"},
               choices=(choice("ask", "s2", score={"a": 2}), choice("tell", "s2")))
    s2 = Scene(id="s2", text="t", actors=ROLES, is_team=True, decision="vote",
               advice={"vp": "advies"},
               choices=(choice("net", "s3", score={"a": 1, "b": 2}),
                        choice("train", "s3", score={"b": -1})))
    s3 = Scene(id="s3", text="t", actors=("jp", "lk"), decision="consensus",
               choices=(choice("together", "end", score={"a": 3},
                               if_="shared(diary)"),
                        choice("alone", "end", score={"a": -1})))
    info = (
        Info(id="diary", title="D", text="d", owner="vp", sensitive=True, consent="ok",
             on_share=Effects(score={"b": 2}), on_breach=Effects(score={"b": -3})),
        Info(id="obs", title="O", text="o", owner="lk"),
    )
    return make([s1, s2, s3], info=info, variables=(Variable(id="ok", initial=False),))


def team_log() -> list[dict]:
    """A full playthrough of `team_case` with a consult, a breach, a share and two rounds."""
    return [
        ev("session_started", elapsed_ms=0),
        ev("scene_entered", scene="s1", elapsed_ms=0),
        ev("consulted", scene="s1", role="jp", target="lk", elapsed_ms=1000),
        ev("choice_made", scene="s1", choice="ask", by=["jp"], decision="single",
           changes={}, points={"a": 2}, elapsed_ms=4000),
        ev("scene_entered", scene="s2", elapsed_ms=4000),
        ev("info_shared", scene="s2", role="vp", info="diary", to=["jp"], consent=False,
           breach=True, elapsed_ms=5000),
        ev("vote_cast", scene="s2", role="jp", choice="net", round=1, elapsed_ms=6000),
        ev("vote_cast", scene="s2", role="lk", choice="net", round=1, elapsed_ms=8000),
        ev("vote_cast", scene="s2", role="vp", choice="train", round=1, elapsed_ms=10000),
        ev("choice_made", scene="s2", choice="net", by=["jp", "lk", "vp"], decision="vote",
           changes={}, points={"a": 1, "b": 2}, elapsed_ms=10000),
        ev("scene_entered", scene="s3", elapsed_ms=10000),
        ev("info_shared", scene="s3", role="vp", info="diary", to=["jp", "lk"], consent=True,
           breach=False, elapsed_ms=11000),
        ev("info_shared", scene="s3", role="lk", info="obs", to=["jp"], consent=True,
           breach=False, elapsed_ms=11500),
        ev("vote_cast", scene="s3", role="jp", choice="together", round=1, elapsed_ms=12000),
        ev("vote_cast", scene="s3", role="lk", choice="alone", round=1, elapsed_ms=13000),
        ev("vote_cast", scene="s3", role="jp", choice="together", round=2, elapsed_ms=15000),
        ev("vote_cast", scene="s3", role="lk", choice="together", round=2, elapsed_ms=14000),
        ev("choice_made", scene="s3", choice="together", by=["jp", "lk"],
           decision="consensus", changes={}, points={"a": 3}, elapsed_ms=15000),
        ev("session_ended", ending="end", outcome="good", elapsed_ms=15000),
    ]


# ------------------------------------------------------------------------------ scores


def test_scores_credit_team_and_supporting_roles(team_case):
    """Team a = 1 (enter s1) + 2 + 1 + 3 = 7; b = 2 (vote) - 3 (breach) + 2 (share) = 1.

    jp: ask (a2) + net (a1 b2) + together (a3) = a6 b2; lk: net + together = a4 b2;
    vp voted against net, so only its breach and share: b -3 + 2 = -1.
    """
    result = scoring.scores(team_log(), team_case)
    assert result["team"]["a"]["points"] == 7
    assert result["team"]["b"]["points"] == 1
    assert {d: v["points"] for d, v in result["roles"]["jp"].items()} == {"a": 6, "b": 2}
    assert {d: v["points"] for d, v in result["roles"]["lk"].items()} == {"a": 4, "b": 2}
    assert {d: v["points"] for d, v in result["roles"]["vp"].items()} == {"a": 0, "b": -1}
    assert result["sources"]["b"] == {"choices": 2, "scenes": 0, "shares": 2, "breaches": -3}
    assert result["sources"]["a"]["scenes"] == 1


def test_scores_percent_of_computed_maximum(team_case):
    """Best a: 1 + 2 + 1 + 3 = 7 (together is possible: the diary can be shared) → 100%.

    Best b: net (2) = 2, so team b = 1 is 50%. The diary's on_share (b2) is not reachable:
    its consent `ok` starts false and no effect ever sets it (the hand-written log's
    consent=True share could not happen in this scenario).
    """
    result = scoring.scores(team_log(), team_case)
    assert result["team"]["a"] == {"points": 7, "max": 7, "percent": 100.0}
    assert result["team"]["b"] == {"points": 1, "max": 2, "percent": 50.0}
    assert result["roles"]["lk"]["a"]["percent"] == pytest.approx(57.1)
    assert result["maxima"]["a"]["approximate"] is False


def test_scores_json_serialisable_and_mid_session(team_case):
    """A partial log (first scene only) scores what happened so far and dumps to JSON."""
    partial = team_log()[:4]
    result = scoring.scores(partial, team_case)
    assert result["team"]["a"]["points"] == 3
    json.dumps(result)
    json.dumps(scoring.metrics(partial, team_case))


def test_on_share_only_first_allowed_share(team_case):
    """on_share counts once, for the first share while allowed; a breach never triggers it."""
    log = [
        ev("scene_entered", scene="s1"),
        ev("info_shared", scene="s1", role="vp", info="diary", to=["jp"], consent=False,
           breach=True),
        ev("info_shared", scene="s1", role="vp", info="diary", to=["lk"], consent=True,
           breach=False),
        ev("info_shared", scene="s1", role="jp", info="diary", to=["lk"], consent=True,
           breach=False),
    ]
    result = scoring.scores(log, team_case)
    assert result["team"]["b"]["points"] == -3 + 2
    assert result["roles"]["jp"]["b"]["points"] == 0


def test_author_max_overrides_and_zero_max_has_no_percent():
    """An author's max is the 100% mark; a dimension nobody can score has percent None."""
    s = Scene(id="s", text="t", actors=("jp",), choices=(choice("x", "end", score={"a": 3}),))
    sc = make([s], dim_max={"a": 6})
    result = scoring.scores([ev("scene_entered", scene="s"),
                             ev("choice_made", scene="s", choice="x", by=["jp"],
                                decision="single", points={"a": 3})], sc)
    assert result["team"]["a"] == {"points": 3, "max": 6, "percent": 50.0}
    assert result["team"]["b"]["percent"] is None
    assert result["maxima"]["a"] == {"max": 6, "computed": 3, "author": 6, "approximate": False,
                                     "path_sensitive": True}


def test_a_loop_walked_more_often_than_the_search_counts_stays_at_100_percent():
    """The search enters a scene at most twice, so `again` (+1, back to the same scene) counts
    once; a team that walks the loop three times has more points than the maximum, and its
    percentage (team and role) stops at 100."""
    s = Scene(id="s", text="t", actors=("jp",), choices=(
        choice("again", "s", score={"a": 1}), choice("out", "end")))
    sc = make([s])
    assert scoring.maxima(sc)["a"] == 1
    log = [ev("scene_entered", scene="s")]
    for _ in range(3):
        log += [ev("choice_made", scene="s", choice="again", by=["jp"], decision="single"),
                ev("scene_entered", scene="s")]
    result = scoring.scores(log, sc)
    assert result["team"]["a"] == {"points": 3, "max": 1, "percent": 100.0}
    assert result["roles"]["jp"]["a"]["percent"] == 100.0


def test_points_fall_back_to_scenario_when_event_has_none():
    """A choice_made without `points` (an older log) is scored from the scenario's choice."""
    s = Scene(id="s", text="t", actors=("jp",), choices=(choice("x", "end", score={"a": 2}),))
    sc = make([s])
    result = scoring.scores([ev("scene_entered", scene="s"),
                             ev("choice_made", scene="s", choice="x", by=["jp"])], sc)
    assert result["team"]["a"]["points"] == 2


# ------------------------------------------------------------------------------ maxima


def test_maxima_with_a_cycle_enters_each_scene_at_most_twice():
    """s (enter a1) -again(a2)-> t -back(a3)-> s; t -end-> end; s -leave-> end.

    Best: s1 again2 t back3 s1 again2 t end = 9 (s and t twice each; a third lap is barred).
    """
    s = Scene(id="s", text="t", actors=("jp",), on_enter=Effects(score={"a": 1}),
              choices=(choice("again", "t", score={"a": 2}), choice("leave", "end")))
    t = Scene(id="t", text="t", actors=("jp",),
              choices=(choice("back", "s", score={"a": 3}), choice("stop", "end")))
    sc = make([s, t])
    assert scoring.maxima(sc) == {"a": 9, "b": 0}


def test_maxima_self_loop_and_dag_branches():
    """A self-loop scene (a5 per lap, enter a1) is entered twice: 1 + 5 + 1 + 0 = 7, vs the
    other branch 4; dimension b prefers the other branch (b2)."""
    start = Scene(id="start", text="t", actors=("jp",),
                  choices=(choice("l", "loop"), choice("o", "other", score={"b": 2})))
    loop = Scene(id="loop", text="t", actors=("jp",), on_enter=Effects(score={"a": 1}),
                 choices=(choice("again", "loop", score={"a": 5}), choice("out", "end")))
    other = Scene(id="other", text="t", actors=("jp",),
                  choices=(choice("x", "end", score={"a": 4}),))
    assert scoring.maxima(make([start, loop, other])) == {"a": 7, "b": 2}


def test_maxima_respect_static_guards_roles_and_routes():
    """Closed guard (`false`, constant variable), a choice no actor may pick, a consensus
    choice only one actor may vote for, and a route list whose first route always holds all
    drop their points; a guard that depends on play stays possible."""
    s = Scene(id="s", text="t", actors=("jp", "lk"), decision="consensus", choices=(
        choice("closed", "end", score={"a": 100}, if_="false"),
        choice("const", "end", score={"a": 50}, if_="level > 3"),
        choice("nobody", "end", score={"a": 40}, roles=("vp",)),
        choice("half", "end", score={"a": 30}, roles=("jp",)),
        choice("routed", [Route(to="end", if_="level == 1"), Route(to="bonus")],
               score={"a": 1}),
        choice("open", "end", score={"a": 7}, if_="consulted(vp)"),
    ))
    bonus = Scene(id="bonus", text="t", actors=("jp",),
                  choices=(choice("x", "end", score={"a": 100}),))
    sc = make([s, bonus], variables=(Variable(id="level", initial=1),))
    assert scoring.maxima(sc)["a"] == 7


def test_maxima_weighted_routes_and_share_bonus():
    """Every weighted route is possible (best 10), and a card's positive on_share counts once
    when some role can know it (owned: +2; never knowable: nothing)."""
    s = Scene(id="s", text="t", actors=("jp",), choices=(
        choice("w", [Route(to="end", weight=2), Route(to="good", weight=1)]),))
    good = Scene(id="good", text="t", actors=("jp",),
                 choices=(choice("x", "end", score={"a": 10}),))
    info = (Info(id="k", title="k", text="k", owner="jp", on_share=Effects(score={"a": 2})),
            Info(id="lost", title="l", text="l", on_share=Effects(score={"a": 5})))
    assert scoring.maxima(make([s, good], info=info))["a"] == 12


def test_maxima_timeout_and_narration_edges():
    """A timed scene's on_timeout and a narration scene's next are paths too."""
    s = Scene(id="s", text="t", actors=("jp",), timer=10, on_timeout="n",
              choices=(choice("x", "end"),))
    n = Scene(id="n", text="t", next="end", on_enter=Effects(score={"a": 4}))
    assert scoring.maxima(make([s, n]))["a"] == 4


def test_maxima_without_reachable_ending_uses_best_prefix():
    """When no ending can be reached, the best prefix counts (a warning case for authors)."""
    s = Scene(id="s", text="t", actors=("jp",), on_enter=Effects(score={"a": 2}),
              choices=(choice("x", "dead", score={"a": 1}),))
    dead = Scene(id="dead", text="t", actors=("jp",),
                 choices=(choice("never", "end", if_="false"),))
    assert scoring.maxima(make([s, dead]))["a"] == 3


def test_maxima_cached_per_scenario():
    """The second call returns the cached object without searching again."""
    s = Scene(id="s", text="t", actors=("jp",), choices=(choice("x", "end", score={"a": 1}),))
    sc = make([s])
    assert scoring.maxima_details(sc) is scoring.maxima_details(sc)


def test_maxima_over_budget_fall_back_to_an_upper_bound(monkeypatch):
    """A ring of 12 scenes with a tiny budget: the maximum is the path-insensitive bound (no
    path scores more), flagged approximate and not path-sensitive."""
    monkeypatch.setattr(search, "PATH_BUDGET", 5)
    n = 12
    scenes = [Scene(id=f"r{i}", text="t", actors=("jp",), choices=(
        choice("next", f"r{(i + 1) % n}", score={"a": 1}), choice("out", "end")))
        for i in range(n)]
    details = scoring.maxima_details(make(scenes))
    assert details["a"]["approximate"] is True
    assert details["a"]["path_sensitive"] is False
    # the exact best is 2n - 1 laps of +1 (each scene twice, the last one leaves)
    assert details["a"]["computed"] >= 2 * n - 1


# ------------------------------------------------------------------------------ metrics


def test_participation_balance_by_hand(team_case):
    """Actions: jp consult + single + 3 votes = 5, lk vote + share + 2 votes = 4, vp breach
    share + share + vote = 3; entropy of (5, 4, 3)/12 over ln 3."""
    m = scoring.metrics(team_log(), team_case)
    actions = m["participation"]["actions"]
    assert [actions[r]["total"] for r in ROLES] == [5, 4, 3]
    assert actions["jp"] == {"choices": 1, "votes": 3, "shares": 0, "consults": 1, "total": 5}
    p = [5 / 12, 4 / 12, 3 / 12]
    expected = -sum(x * math.log(x) for x in p) / math.log(3)
    assert m["participation"]["balance"] == pytest.approx(expected, abs=1e-3)


def test_balance_extremes():
    """One role doing everything is 0; equal counts are 1; no action at all is None."""
    assert log_metrics._entropy_balance([4, 0, 0]) == 0.0
    assert log_metrics._entropy_balance([2, 2, 2]) == 1.0
    assert log_metrics._entropy_balance([0, 0, 0]) is None


def test_consultation_rate(team_case):
    """s1 (advice lk): jp consulted lk before deciding → yes; s2 (advice vp, team vote):
    nobody consulted → no. Rate 1/2."""
    m = scoring.metrics(team_log(), team_case)["consultation"]
    assert m["visits"] == [{"scene": "s1", "consulted": True}, {"scene": "s2", "consulted": False}]
    assert m["rate"] == 0.5


def test_consultation_after_decision_or_wrong_target_does_not_count(team_case):
    """A consult of a non-advised role, or after the decision, is no consultation."""
    log = [
        ev("scene_entered", scene="s1"),
        ev("consulted", scene="s1", role="jp", target="vp"),
        ev("choice_made", scene="s1", choice="ask", by=["jp"], decision="single"),
        ev("consulted", scene="s1", role="jp", target="lk"),
        ev("scene_entered", scene="s2"),
    ]
    m = scoring.metrics(log, team_case)["consultation"]
    assert (m["scenes"], m["consulted"], m["rate"]) == (1, 0, 0.0)


def test_information_flow(team_case):
    """s3's guard asks shared(diary); the diary was shared (by a breach, in s2) before s3 was
    entered → timely 1/1. Breaches 1. Cards held: obs (owned, not sensitive) + diary (shared
    with consent) = 2, both shared with consent → share rate 1."""
    m = scoring.metrics(team_log(), team_case)["information"]
    assert m["shares"] == 3
    assert m["cards_shared"] == ["diary", "obs"]
    assert (m["needed"], m["shared_before_needed"], m["timely_rate"]) == (1, 1, 1.0)
    assert m["breaches"] == 1
    assert m["breach_events"] == [{"card": "diary", "role": "vp", "scene": "s2"}]
    assert m["share_rate"] == 1.0


def test_information_late_share_is_not_timely(team_case):
    """A card shared only after the team decided in the scene that needs it is not timely;
    shared after entering that scene but before the decision, it is (the start scene's needs
    can be met too)."""
    decided = ev("choice_made", scene="s3", choice="together", by=["jp", "lk"],
                 decision="consensus", changes={}, points={})
    shared = ev("info_shared", scene="s3", role="vp", info="diary", to=["jp"], consent=True,
                breach=False)
    late = scoring.metrics([ev("scene_entered", scene="s3"), decided, shared],
                           team_case)["information"]
    assert (late["needed"], late["shared_before_needed"], late["timely_rate"]) == (1, 0, 0.0)
    in_time = scoring.metrics([ev("scene_entered", scene="s3"), shared, decided],
                              team_case)["information"]
    assert (in_time["needed"], in_time["shared_before_needed"]) == (1, 1)


def test_agreement_and_consensus_rounds(team_case):
    """Votes: s2 3 (1 against net), s3 4 (1 against together) → 7 votes, 2 against;
    consensus: one decision in 2 rounds → 1 extra round."""
    m = scoring.metrics(team_log(), team_case)["agreement"]
    assert (m["votes"], m["votes_against"]) == (7, 2)
    assert m["rate"] == round(5 / 7, 3)
    assert (m["vote_decisions"], m["consensus_decisions"]) == (1, 1)
    assert (m["consensus_rounds"], m["extra_rounds"]) == (2, 1)


def test_tempo_per_role(team_case):
    """jp: 3000 (single, s1 at 0..4000 minus... decision at 4000 − entry 0 = 4000), votes:
    s2 6000−4000 = 2000, s3 r1 12000−10000 = 2000, r2 15000−13000 = 2000.
    lk: s2 4000, s3 r1 3000, r2 14000−13000 = 1000. vp: s2 6000."""
    m = scoring.metrics(team_log(), team_case)["tempo"]
    assert m["roles"]["jp"] == {"decisions": 4, "median_ms": 2000, "mean_ms": 2500}
    assert m["roles"]["lk"] == {"decisions": 3, "median_ms": 3000, "mean_ms": pytest.approx(
        2666.667)}
    assert m["roles"]["vp"] == {"decisions": 1, "median_ms": 6000, "mean_ms": 6000}
    assert m["median_ms"] == 2500


def test_metrics_of_empty_log_are_undefined_not_zero(team_case):
    """Before anything happened every rate is None, so the index leaves it out."""
    m = scoring.metrics([], team_case)
    assert m["participation"]["balance"] is None
    assert m["consultation"]["rate"] is None
    assert m["agreement"]["rate"] is None
    assert m["tempo"]["median_ms"] is None



def test_family_counts_asks_and_consent_shares(team_case):
    """Two asks (one granted, one refused) and two shares of the diary (its consent needs
    `ok`): one within consent, one a breach; the obs card needs no consent and does not
    count. Rate (asks + within consent) / (asks + consent shares) = 3 / 4."""
    log = [
        ev("scene_entered", scene="s1"),
        ev("consent_asked", scene="s1", role="vp", info="diary", to=["jp"], granted=True),
        ev("consent_asked", scene="s1", role="vp", info="diary", to=["lk"], granted=False),
        ev("info_shared", scene="s1", role="vp", info="diary", to=["jp"], consent=True,
           breach=False),
        ev("info_shared", scene="s1", role="vp", info="diary", to=["lk"], consent=False,
           breach=True),
        ev("info_shared", scene="s1", role="lk", info="obs", to=["jp"], consent=True,
           breach=False),
    ]
    assert scoring.metrics(log, team_case)["family"] == {
        "rate": 0.75, "asks": 2, "granted": 1, "refused": 1, "consent_shares": 2,
        "within_consent": 1}


def test_oversharing_once_per_card_and_role_also_in_old_logs():
    """Shares with roles outside `needed_by` count once per (card, role), at the first scene;
    a log from before `needed_by` (no `overshared` field) is judged from the scenario; the
    recipients outside consent are counted per pair."""
    s1 = Scene(id="s1", text="t", actors=("jp",), choices=(choice("go", "end"),))
    info = (Info(id="diary", title="d", text="d", owner="vp", needed_by=("jp",)),)
    sc = make([s1], info=info)
    log = [
        ev("scene_entered", scene="s1"),
        ev("info_shared", scene="s1", role="vp", info="diary", to=["jp", "lk"],
           overshared=["lk"], outside_consent=["lk"], consent=False, breach=False),
        ev("info_shared", scene="s2", role="vp", info="diary", to=["lk"], consent=True,
           breach=False),  # no `overshared`: lk is outside needed_by, already counted
        ev("info_shared", scene="s2", role="jp", info="diary", to=["vp"],
           outside_consent=["vp"], consent=False, breach=False),
    ]
    m = scoring.metrics(log, sc)["information"]
    assert m["overshare_events"] == [{"card": "diary", "role": "lk", "scene": "s1"},
                                     {"card": "diary", "role": "vp", "scene": "s2"}]
    assert (m["overshared"], m["outside_consent"]) == (2, 2)


# ------------------------------------------------------------------------------ index


def test_index_formula_by_hand(team_case):
    """scores part: mean(100, 50) = 75; consultation 50; information 100 − 25 (one breach) =
    75; deliberation 100 (every decision had a consult or share before it, two also dissent);
    participation 100 × balance; family 50 (of the two shares of the consent card, one was
    within consent)."""
    result = scoring.scores(team_log(), team_case)
    index = result["index"]
    m = scoring.metrics(team_log(), team_case)
    parts = {k: v["value"] for k, v in index["parts"].items()}
    assert parts["scores"] == 75.0
    assert parts["consultation"] == 50.0
    assert parts["information"] == 75.0
    assert parts["deliberation"] == 100.0
    assert parts["family"] == 50.0
    assert m["deliberation"] == {"rate": 1.0, "decisions": 3, "deliberated": 3,
                                 "asked_first": 3, "dissent_resolved": 2}
    expected = (0.25 * 75 + 0.20 * 50 + 0.20 * 75 + 0.15 * 100
                + 0.10 * 100 * m["participation"]["balance"] + 0.10 * 50)
    assert index["value"] == round(expected)
    assert sum(p["effective_weight"] for p in index["parts"].values()) == pytest.approx(1)
    assert "agreement" not in index["parts"]  # reported in the metrics, never scored


def test_a_vote_against_the_majority_never_lowers_the_index(team_case):
    """The same log with vp voting with the majority in s2 scores no higher than with vp's
    dissent: disagreement voiced and resolved is deliberation, not a fault."""
    dissent = team_log()
    unanimous = [dict(e, choice="net") if e.get("type") == "vote_cast" and e.get("role") == "vp"
                 else e for e in team_log()]
    with_dissent = scoring.scores(dissent, team_case)["index"]["value"]
    without = scoring.scores(unanimous, team_case)["index"]["value"]
    assert with_dissent >= without


def test_oversharing_costs_information_points_not_a_breach():
    """Each (card, role) shared with a role outside `needed_by` takes OVERSHARE_PENALTY off
    the information part, counted once per pair."""
    from game.scoring.index import information_part

    base = {"timely_rate": 1.0, "breaches": 0}
    assert information_part({**base, "overshared": 0}) == 100.0
    assert information_part({**base, "overshared": 2}) == 100.0 - 2 * scoring.OVERSHARE_PENALTY
    assert information_part({"share_rate": None, "overshared": 1}) == 90.0


def test_index_renormalises_missing_parts():
    """With only the scores part measurable, the index equals it (weight scaled to 1)."""
    fake_scores = {"team": {"a": {"percent": 80.0}, "b": {"percent": 140.0}}}
    fake_metrics = {"participation": {"balance": None}, "consultation": {"rate": None},
                    "information": {}, "deliberation": {"rate": None}}
    index = scoring.cooperation_index(fake_scores, fake_metrics)
    assert index["value"] == 90  # 140% is clamped to 100
    assert index["parts"]["scores"]["effective_weight"] == 1.0
    assert index["parts"]["deliberation"]["value"] is None


def test_index_none_without_any_part():
    """No part measurable at all: the index is None, never a misleading 0."""
    index = scoring.cooperation_index({"team": {}}, {})
    assert index["value"] is None


def test_scores_index_uses_the_metrics_given(team_case):
    """scores(..., metrics=m) builds the index from m (the session passes the metrics it
    already computed at the ending) and equals the index of its own metrics otherwise."""
    log = team_log()
    own = scoring.scores(log, team_case)
    given = scoring.scores(log, team_case, metrics=scoring.metrics(log, team_case))
    assert given == own
    silent = scoring.metrics(log[:1], team_case)
    assert scoring.scores(log, team_case, metrics=silent)["index"] == scoring.cooperation_index(
        own, silent)


def test_knows_need_met_by_share_to_that_role_or_by_learning():
    """`knows(lk, diary)` is met when the diary was shared with lk (not with jp only);
    `knows(jp, opa)` is met when jp learned opa through an earlier choice."""
    s0 = Scene(id="s0", text="t", actors=("jp",),
               choices=(choice("learn", "s1", learn={"jp": ("opa",)}), choice("skip", "s1")))
    s1 = Scene(id="s1", text="t", actors=("jp",), choices=(
        choice("a", "end", if_="knows(lk, diary)"), choice("b", "end", if_="knows(jp, opa)"),
        choice("c", "end")))
    info = (Info(id="diary", title="d", text="d", owner="vp"),
            Info(id="opa", title="o", text="o"))
    sc = make([s0, s1], info=info)

    def run(first: str, to: list[str]) -> dict:
        log = [ev("scene_entered", scene="s0"),
               ev("info_shared", scene="s0", role="vp", info="diary", to=to, consent=True,
                  breach=False),
               ev("choice_made", scene="s0", choice=first, by=["jp"], decision="single"),
               ev("scene_entered", scene="s1"),
               ev("choice_made", scene="s1", choice="c", by=["jp"], decision="single")]
        return scoring.metrics(log, sc)["information"]

    good = run("learn", ["lk"])
    assert (good["needed"], good["shared_before_needed"]) == (2, 2)
    bad = run("skip", ["jp"])
    assert (bad["needed"], bad["shared_before_needed"]) == (2, 0)


def test_catalogues_name_every_index_part_in_both_languages():
    """The UI and the report label every index part from scoring.json, in nl and en."""
    from game.i18n import catalog

    for lang in ("nl", "en"):
        strings = catalog(lang)
        for part in scoring.INDEX_WEIGHTS:
            assert f"scoring.part.{part}" in strings
            assert f"scoring.part.{part}.explain" in strings
    assert {k for k in catalog("nl") if k.startswith("scoring.")} == {
        k for k in catalog("en") if k.startswith("scoring.")}


def test_session_scores_and_metrics_mid_session_and_at_the_end():
    """Through the real engine: Session.metrics() works mid-game and equals metrics() of its
    events; session_ended carries the same scores and metrics as recomputing from the log."""
    from game.engine.session import Session
    from game.scenario.loader import load_scenario

    scenario = load_scenario(Path(__file__).parent / "data" / "simulate" / "clean.yaml")
    now = [0.0]
    session = Session(scenario, log=None, seed=1, clock=lambda: now[0])
    now[0] = 5
    session.consult("jp", "lk")
    now[0] = 9
    session.choose("jp", "vraag")
    mid = session.metrics()
    assert mid == scoring.metrics(list(session.events), scenario)
    assert mid["consultation"]["rate"] == 1.0
    assert session.scores()["team"]["regie"]["points"] == 2
    session.share("vp", "dagboek", "team")
    for role in ("jp", "lk", "vp"):
        session.choose(role, "samen")
    session.choose("jp", "goed")
    session.choose("lk", "goed")
    assert session.ending is not None and session.ending.id == "klaar"
    ended = session.events[-1]
    assert ended["type"] == "session_ended"
    events = session.events[:-1]
    assert ended["scores"] == json.loads(json.dumps(scoring.scores(list(events), scenario)))
    assert ended["metrics"] == json.loads(json.dumps(scoring.metrics(list(events), scenario)))
    assert ended["scores"]["team"]["regie"] == {"points": 4, "max": 5, "percent": 80.0}
    assert ended["scores"]["team"]["delen"] == {"points": 3, "max": 3, "percent": 100.0}


def test_maxima_of_a_generated_thousand_scene_scenario_bound_every_play():
    """The 1,000-scene benchmark scenario (cycles every seven scenes, a budget that only a few
    costly choices can spend) finishes within the search budget; a dimension the exact search
    could not settle carries the path-insensitive bound, so no real playthrough scores more
    and no percentage passes 100."""
    import importlib.util
    import random

    from game.engine.session import Session
    from game.scenario.loader import load_scenario_text

    path = Path(__file__).parent.parent / "benchmarks" / "bench_simulate.py"
    spec = importlib.util.spec_from_file_location("bench_simulate", path)
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    big = load_scenario_text(bench.generate(1000), path="<generated>")
    details = scoring.maxima_details(big)
    assert all(d["approximate"] is not d["path_sensitive"] for d in details.values())
    rng = random.Random(3)
    session = Session(big, seed=3)
    while session.ending is None:
        if session.scene.next is not None and not session.scene.choices:
            session.proceed()
            continue
        role = session.waiting_for()[0]
        session.choose(role, rng.choice(session.options(role)).id)
    for dim, d in details.items():
        points = session.scores()["team"][dim]["points"]
        assert points <= d["computed"], dim


# ------------------------------------------------------------------------------ property


def brute_force_best(scenario: Scenario, dim: str) -> float | None:
    """The best total by enumerating every path (each scene entered at most twice)."""
    best = None

    def walk(sid: str, counts: dict, total: float) -> None:
        nonlocal best
        scene = scenario.scenes[sid]
        total += scene.on_enter.score.get(dim, 0)
        for c in scene.choices:
            target = c.goto[0].to
            gained = total + c.score.get(dim, 0)
            if target in scenario.endings:
                best = gained if best is None else max(best, gained)
            elif counts.get(target, 0) < 2:
                counts[target] = counts.get(target, 0) + 1
                walk(target, counts, gained)
                counts[target] -= 1

    walk(scenario.start, {scenario.start: 1}, 0)
    return best


@settings(max_examples=150, deadline=None)
@given(st.data())
def test_maxima_equal_brute_force_on_random_graphs(data):
    """On random small scene graphs with cycles, the component search finds exactly the best
    total that enumerating every path (each scene at most twice) finds."""
    n = data.draw(st.integers(1, 6), label="scenes")
    ids = [f"s{i}" for i in range(n)]
    targets = st.sampled_from(ids + ["end"])
    scenes = []
    for sid in ids:
        k = data.draw(st.integers(1, 3), label="choices")
        choices = tuple(
            choice(f"c{j}", data.draw(targets), score={"a": data.draw(st.integers(-3, 5))})
            for j in range(k))
        enter = data.draw(st.integers(-2, 3))
        scenes.append(Scene(id=sid, text="t", actors=("jp",), choices=choices,
                            on_enter=Effects(score={"a": enter})))
    sc = make(scenes)
    expected = brute_force_best(sc, "a")
    details = scoring.maxima_details(sc)["a"]
    if expected is not None:
        assert details["computed"] == expected
        assert details["approximate"] is False


# ------------------------------------------------------------------------------ path-sensitive


def test_maxima_mutually_exclusive_branches_via_variable_and_chose():
    """Two rewards that exclude each other are not added up.

    s0: `a` sets x (a1) or `b` (a2) → s1. s1: `bonus_x` (a5) needs x, `bonus_b` (a4) needs
    chose(s0, b); both → s2. s2: `late` (a3) needs `not x and chose(s0, a)` (impossible:
    choosing `a` sets x), `done` (a0). Best: a 1 + 5 = 6 (not 1 + 2 + 5 + 4 + 3).
    """
    s0 = Scene(id="s0", text="t", actors=("jp",), choices=(
        choice("a", "s1", score={"a": 1}, set={"x": True}), choice("b", "s1", score={"a": 2})))
    s1 = Scene(id="s1", text="t", actors=("jp",), choices=(
        choice("bonus_x", "s2", score={"a": 5}, if_="x"),
        choice("bonus_b", "s2", score={"a": 4}, if_="chose(s0, b)")))
    s2 = Scene(id="s2", text="t", actors=("jp",), choices=(
        choice("late", "end", score={"a": 3}, if_="not x and chose(s0, a)"),
        choice("done", "end")))
    sc = make([s0, s1, s2], variables=(Variable(id="x", initial=False),))
    details = scoring.maxima_details(sc)["a"]
    assert details["computed"] == 6
    assert details["path_sensitive"] is True
    # the old, path-insensitive bound adds the exclusive branches up
    bound = upper_bounds(SceneGraph(sc), "a", dead_end=-math.inf)
    assert bound["s0"] == 2 + 5 + 3


def test_maxima_routes_follow_added_values_with_clamping():
    """A route reads a clamped counter: trust starts at 90 (max 100); `warm` adds 20 (clamped
    to 100), `cold` adds -50. Route `trust >= 100` leads to a scene worth a10, else a1; `warm`
    itself scores 0 and `cold` 3. Best is warm → 10, not cold (3) + 10."""
    s0 = Scene(id="s0", text="t", actors=("jp",), choices=(
        choice("warm", "s1", add={"trust": 20}),
        choice("cold", "s1", add={"trust": -50}, score={"a": 3})))
    s1 = Scene(id="s1", text="t", actors=("jp",), choices=(
        choice("go", [Route(to="good", if_="trust >= 100"), Route(to="poor")]),))
    good = Scene(id="good", text="t", actors=("jp",),
                 choices=(choice("x", "end", score={"a": 10}),))
    poor = Scene(id="poor", text="t", actors=("jp",),
                 choices=(choice("x", "end", score={"a": 1}),))
    sc = make([s0, s1, good, poor],
              variables=(Variable(id="trust", initial=90, min=0, max=100),))
    assert scoring.maxima(sc)["a"] == 10


def test_share_bonus_counts_only_where_consent_can_hold():
    """A card with consent `ok` pays its on_share (a2) only on a path where `ok` became true:
    `ask` sets ok (a0), `skip` scores a1. Best: ask + share = 2, not skip + share = 3."""
    s0 = Scene(id="s0", text="t", actors=("jp",), choices=(
        choice("ask", "s1", set={"ok": True}), choice("skip", "s1", score={"a": 1})))
    s1 = Scene(id="s1", text="t", actors=("jp",), choices=(choice("x", "end"),))
    card = Info(id="d", title="d", text="d", owner="vp", sensitive=True, consent="ok",
                on_share=Effects(score={"a": 2}))
    sc = make([s0, s1], info=(card,), variables=(Variable(id="ok", initial=False),))
    assert scoring.maxima(sc)["a"] == 2
    steps = scoring.maxima_witness(sc, "a")
    assert [s["kind"] for s in steps] == ["choice", "choice"]
    assert steps[0]["choice"] == "ask"


def test_path_budget_falls_back_to_the_component_search(monkeypatch):
    """With a tiny state budget the search gives up; the maximum is then the path-insensitive
    one (here the sum of the exclusive branches) and flagged `path_sensitive: False`."""
    monkeypatch.setattr(search, "PATH_BUDGET", 1)
    s0 = Scene(id="s0", text="t", actors=("jp",), choices=(
        choice("a", "s1", set={"x": True}), choice("b", "s1", score={"a": 2})))
    s1 = Scene(id="s1", text="t", actors=("jp",), choices=(
        choice("bonus", "end", score={"a": 5}, if_="x"), choice("none", "end")))
    sc = make([s0, s1], variables=(Variable(id="x", initial=False),))
    details = scoring.maxima_details(sc)["a"]
    assert details["computed"] == 7
    assert details["path_sensitive"] is False
    assert scoring.maxima_witness(sc, "a") is None


BUNDLED = sorted((Path(__file__).parent.parent / "scenarios").glob("*.yaml"))


def _play_witness(scenario, dim: str, steps: list[dict], seed: int):
    """Drive a real Session along a witness path; returns it, or None when a weighted route
    drew another target than the witness took (try another seed)."""
    from game.engine.session import Session
    from game.scenario.expressions import compile_source, parse, references

    now = [0.0]
    session = Session(scenario, log=None, seed=seed, clock=lambda: now[0])
    info = scenario.info

    def holder(card: str) -> str:
        return next(r for r in scenario.roles if card in session.knowledge[r])

    # What the guards read of who knows which card: the search pays a card's score without
    # making anyone know it, so an eager share goes to a role whose knowing it no guard reads.
    read = set()
    for scene in scenario.scenes.values():
        for choice in scene.choices:
            for source in [choice.if_] + [r.if_ for r in choice.goto]:
                if source:
                    read |= set(references(parse(source)).calls)

    def askable(card: str) -> bool:
        terms = info[card].terms
        return (terms is not None and terms.ask is not None
                and session.can_ask_consent(holder(card), card)
                and compile_source(terms.ask)(session))

    def share_within(card: str, eager: bool = False) -> None:
        # with scoped consent the team may only hear a card from the roles the family agreed
        # to: share with those (the whole team when the consent names nobody)
        owner = holder(card)
        terms = info[card].terms
        if askable(card):
            # as the search does: the family is asked first where its `ask` holds now
            for role in terms.to or [r for r in scenario.roles if r != owner]:
                if role != owner and not session.is_within_consent(card, role):
                    session.ask_consent(owner, card, role)
        if terms is None or not terms.to:
            allowed = [r for r in scenario.roles if r != owner]
        else:
            allowed = [r for r in scenario.roles
                       if r != owner and session.is_within_consent(card, r)]
        if eager:
            quiet = [r for r in allowed if ("knows", (r, card)) not in read]
            if quiet and ("shared", (card,)) not in read:
                session.share(owner, card, quiet[0])
                return
        if terms is None or not terms.to:
            session.share(owner, card, "team")
            return
        for role in allowed:
            session.share(owner, card, role)

    def share_eager() -> None:
        # the search counts a score-only card's positive on_share at the first moment it may
        for cid, card in info.items():
            if (card.on_share.set or card.on_share.add or card.on_share.score.get(dim, 0) <= 0
                    or cid in paid or not any(cid in k for k in session.knowledge.values())):
                continue
            if card.consent is None or compile_source(card.consent)(session) or askable(cid):
                share_within(cid, eager=True)
                paid.add(cid)

    paid: set[str] = set()
    share_eager()
    for step in steps:
        assert session.scene is not None and session.scene.id == step["scene"]
        if step["kind"] == "share":
            share_within(step["card"])
            paid.add(step["card"])
        elif step["kind"] == "next":
            session.proceed()
        elif step["kind"] == "timeout":
            now[0] += float(session.scene.timer) + 1
            assert session.tick()
        else:
            scene = session.scene
            for need in step["needs"]:
                if need[0] == "consulted":
                    asker = next(r for r in scenario.roles if r != need[1])
                    session.consult(asker, need[1])
                elif need[0] == "shared" and not session.shared(need[1]):
                    share_within(need[1])
                elif need[0] == "knows" and not session.knows(need[1], need[2]):
                    # as the search does: ask the family first where the card lets the team ask
                    if askable(need[2]) and not session.is_within_consent(need[2], need[1]):
                        session.ask_consent(holder(need[2]), need[2], need[1])
                    session.share(holder(need[2]), need[2], need[1])
            target = scene.choice(step["choice"])
            for role in session.waiting_for():
                options = [c.id for c in session.options(role)]
                session.choose(role, target.id if target.id in options else options[0])
                if scene.decision == "single" or session.scene is not scene:
                    break
        here = session.ending.id if session.ending else session.scene.id
        if "to" in step and here != step["to"]:
            return None
        if session.ending is None and step["kind"] != "share":
            share_eager()
    return session


@pytest.mark.parametrize("path", BUNDLED, ids=lambda p: p.stem)
def test_bundled_maxima_are_attained_by_a_real_playthrough(path):
    """On every bundled scenario the search is exact (no hand-written `max:` needed), and the
    computed maximum of each dimension is exactly the score the engine gives a team that plays
    the witness path (its shares, consults and choices)."""
    from game.scenario.loader import load_scenario

    scenario = load_scenario(path)
    details = scoring.maxima_details(scenario)
    assert all(d["path_sensitive"] and not d["approximate"] for d in details.values())
    _assert_witnesses_attain(scenario, {dim: d["computed"] for dim, d in details.items()})


def _assert_witnesses_attain(scenario, expected: dict) -> None:
    """Every dimension's witness path, played through a Session, scores exactly `expected`."""
    found = scoring.maxima_witnesses(scenario)
    assert found is not None
    values, witnesses = found
    assert values == expected
    for dim, steps in witnesses.items():
        assert steps, dim
        for seed in range(1, 60):
            session = _play_witness(scenario, dim, steps, seed)
            if session is not None:
                break
        assert session is not None and session.ending is not None, dim
        assert session.scores()["team"][dim]["points"] == values[dim], dim


class _BruteContext:
    """The evaluation context of the guarded brute force: variables, visited, chose."""

    def __init__(self, variables, visited, chosen):
        self.variables, self._visited, self._chosen = variables, visited, chosen

    def visited(self, scene):
        return scene in self._visited

    def chose(self, scene, choice_id):
        return (scene, choice_id) in self._chosen


def brute_force_guarded(scenario: Scenario, dim: str) -> float | None:
    """The best total over every path (each scene at most twice), playing guards on a
    variable (clamped set/add), `visited` and `chose` exactly as the engine does."""
    from game.scenario.expressions import compile_source

    best = None
    spec = scenario.variables["x"]

    def clamp(v):
        return max(spec.min, min(spec.max, v))

    def walk(sid, counts, x, visited, chosen, total):
        nonlocal best
        scene = scenario.scenes[sid]
        visited = visited | {sid}
        total += scene.on_enter.score.get(dim, 0)
        for c in scene.choices:
            ctx = _BruteContext({"x": x}, visited, chosen)
            if c.if_ is not None and not compile_source(c.if_)(ctx):
                continue
            nx = x
            if "x" in c.set:
                nx = clamp(c.set["x"])
            if "x" in c.add:
                nx = clamp(nx + c.add["x"])
            target = c.goto[0].to
            gained = total + c.score.get(dim, 0)
            if target in scenario.endings:
                best = gained if best is None else max(best, gained)
            elif counts.get(target, 0) < 2:
                counts[target] = counts.get(target, 0) + 1
                walk(target, counts, nx, visited, chosen | {(sid, c.id)}, gained)
                counts[target] -= 1

    walk(scenario.start, {scenario.start: 1}, spec.initial, frozenset(), frozenset(), 0)
    return best


@settings(max_examples=150, deadline=None)
@given(st.data())
def test_path_sensitive_maxima_equal_guarded_brute_force(data):
    """On random small graphs with cycles, a clamped counter changed by set/add and guards on
    it, on `visited` and on `chose`, the path-sensitive search finds exactly the best total
    that playing every path (each scene at most twice) finds."""
    n = data.draw(st.integers(1, 5), label="scenes")
    ids = [f"s{i}" for i in range(n)]
    targets = st.sampled_from(ids + ["end"])
    guards = st.one_of(
        st.none(),
        st.integers(0, 4).map(lambda k: f"x >= {k}"),
        st.integers(0, 4).map(lambda k: f"x < {k}"),
        st.sampled_from(ids).map(lambda s: f"visited({s})"),
        st.sampled_from(ids).map(lambda s: f"not visited({s})"),
        st.tuples(st.sampled_from(ids), st.integers(0, 1)).map(
            lambda t: f"chose({t[0]}, c{t[1]})"),
        st.tuples(st.sampled_from(ids), st.integers(0, 1)).map(
            lambda t: f"not chose({t[0]}, c{t[1]})"),
    )
    scenes = []
    for sid in ids:
        k = 2
        choices = []
        for j in range(k):
            effects = data.draw(st.sampled_from(["none", "set", "add"]), label="effect")
            kw = {}
            if effects == "set":
                kw["set"] = {"x": data.draw(st.integers(0, 4))}
            elif effects == "add":
                kw["add"] = {"x": data.draw(st.integers(-3, 3))}
            choices.append(choice(f"c{j}", data.draw(targets), if_=data.draw(guards),
                                  score={"a": data.draw(st.integers(-3, 5))}, **kw))
        enter = data.draw(st.integers(-2, 3))
        scenes.append(Scene(id=sid, text="t", actors=("jp",), choices=tuple(choices),
                            on_enter=Effects(score={"a": enter})))
    sc = make(scenes, variables=(Variable(id="x", initial=data.draw(st.integers(0, 4)),
                                          min=0, max=4),))
    expected = brute_force_guarded(sc, "a")
    details = scoring.maxima_details(sc)["a"]
    assert details["path_sensitive"] is True
    if expected is not None:
        assert details["computed"] == expected


def test_worked_example_of_the_docs():
    """docs/scoring.md section 5 played through the engine: deliberation 3/4, family 1/1,
    index 85."""
    from conftest import VALID

    from game.engine.session import Session
    from game.scenario.loader import load_scenario

    now = [0.0]
    s = Session(load_scenario(VALID / "keukentafel.yaml"), seed=1, clock=lambda: now[0])
    moves = [
        (20, "consult", "jeugdprofessional", "leerkracht"),
        (50, "choose", "jeugdprofessional", "vraag_behoefte"),
        (80, "choose", "jeugdprofessional", "vraag_toestemming"),
        (100, "share", "verpleegkundige", "slaapdagboek"),
        (130, "choose", "jeugdprofessional", "netwerk"),
        (140, "choose", "leerkracht", "netwerk"),
        (170, "choose", "verpleegkundige", "slaaptraining"),
        (200, "choose", "jeugdprofessional", "samen"),
        (230, "choose", "leerkracht", "zelf"),
        (260, "choose", "leerkracht", "samen"),
        (270, "choose", "jeugdprofessional", "samen"),
    ]
    for at, move, role, arg in moves:
        now[0] = at
        if move == "consult":
            s.consult(role, arg)
        elif move == "share":
            s.share(role, arg, "team")
        else:
            s.choose(role, arg)
    ended = s.events[-1]
    assert s.ending_id == "samen_verder"
    parts = {k: v["value"] for k, v in ended["scores"]["index"]["parts"].items()}
    assert parts == {"scores": 100.0, "consultation": 50.0, "information": 100.0,
                     "deliberation": 75.0, "participation": 90.6, "family": 100.0}
    assert ended["scores"]["index"]["value"] == 85


def test_prepare_computes_the_maxima_once_in_a_background_thread():
    """`prepare` starts the search in another thread and keeps the result on the scenario, so
    the session's ending reads it; once computed, `prepare` starts nothing and a second caller
    gets the very same numbers."""
    import threading

    s = Scene(id="s", text="t", actors=("jp",), choices=(choice("x", "end", score={"a": 4}),))
    sc = make([s])
    thread = scoring.prepare(sc)
    assert thread is not None and thread is not threading.current_thread()
    thread.join(timeout=30)
    assert "maxima" in sc.derived
    assert scoring.prepare(sc) is None
    assert scoring.maxima_details(sc) is sc.derived["maxima"]["details"]
    assert scoring.maxima(sc) == {"a": 4, "b": 0}

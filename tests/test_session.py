"""Tests for game.engine.session: every rule of play, on small scenarios built in code."""

from __future__ import annotations

import json

import pytest
from conftest import go, make_scenario, number

from game.engine.session import Session
from game.errors import LogError, SessionError
from game.scenario.model import Choice, Effects, Ending, Info, Route, Scene, Variable

END = {"end": Ending(id="end", title="Einde", text="Klaar.", outcome="good"),
       "bad": Ending(id="bad", title="Mis", text="Mis.", outcome="bad")}


def single(scene_id="s", actors=("a",), choices=None, **kwargs) -> Scene:
    """A scene decided by one actor, with two choices to the ending by default."""
    choices = choices or (Choice(id="x", text="X", goto=go("end")),
                          Choice(id="y", text="Y", goto=go("bad")))
    return Scene(id=scene_id, text="Tekst", actors=actors, choices=choices, **kwargs)


def session(scenes, **kwargs) -> Session:
    """A session on a scenario made of these scenes (first is the start)."""
    scen_kwargs = {k: kwargs.pop(k) for k in list(kwargs)
                   if k in ("variables", "info", "endings", "roles", "start")}
    scen_kwargs.setdefault("endings", END)
    return Session(make_scenario({s.id: s for s in scenes}, **scen_kwargs), **kwargs)


def types(s: Session) -> list[str]:
    """The event types of a session, in order."""
    return [e["type"] for e in s.events]


# --------------------------------------------------------------------------- start


def test_start_logs_session_started_with_design_fields_and_enters_start():
    """session_started carries every required field plus what replay needs; the start is entered."""
    s = session([single()], players={"a": "Anna"}, seed=7, lang="en")
    started = s.events[0]
    for field in ("scenario_id", "scenario_title", "scenario_sha256", "format",
                  "engine_version", "seed", "players", "lang"):
        assert field in started
    assert started["seed"] == 7 and started["lang"] == "en"
    assert started["players"] == [
        {"role": "a", "name": "Anna", "academy": "pabo"},
        {"role": "b", "name": "Rol B", "academy": "pabo"},
    ]
    assert s.events[1]["type"] == "scene_entered" and s.events[1]["scene"] == "s"
    assert [e["seq"] for e in s.events] == [0, 1]
    assert s.scene.id == "s" and s.scene_id == "s" and not s.finished


def test_players_default_to_role_names_and_unknown_role_is_refused():
    """A role without a player is named after the role; a player for an unknown role is an error."""
    s = session([single()])
    assert s.players == {"a": "Rol A", "b": "Rol B"}
    with pytest.raises(SessionError, match="'zz'"):
        session([single()], players={"zz": "Mo"})


# ------------------------------------------------------------------------ choices


def test_effects_set_then_add_with_clamping_after_each_change():
    """set, then add, clamping after each change: set 200 → 100 (max), then add -10 → 90."""
    choice = Choice(id="x", text="X", goto=go("end"), set={"v": 200}, add={"v": -10, "w": 5},
                    score={"d": 3})
    s = session([single(choices=(choice,))],
                variables={"v": number("v", 50, min=0, max=100), "w": number("w", 1)})
    s.choose("a", "x")
    assert s.variables == {"v": 90, "w": 6}
    made = s.events[2]
    assert made["type"] == "choice_made"
    assert made["changes"] == {"v": [50, 90], "w": [1, 6]}
    assert made["points"] == {"d": 3}
    assert made["by"] == ["a"] and made["decision"] == "single"


def test_clamp_at_min_records_the_clamped_value():
    """A change below `min` ends at `min`, and the log shows the clamped value."""
    choice = Choice(id="x", text="X", goto=go("end"), add={"budget": -500})
    s = session([single(choices=(choice,))],
                variables={"budget": number("budget", 300, min=0)})
    s.choose("a", "x")
    assert s.variables["budget"] == 0
    assert s.events[2]["changes"] == {"budget": [300, 0]}


def test_single_with_several_actors_lets_any_of_them_decide():
    """An author's `single` with several actors: both wait, the first to choose decides."""
    s = session([single(actors=("a", "b"))])
    assert s.waiting_for() == ("a", "b")
    s.choose("b", "y")
    assert s.ending.id == "bad"
    assert s.events[2]["by"] == ["b"]


def test_role_out_of_turn_is_refused_and_nothing_is_logged():
    """A role that does not act here gets a SessionError quoting it; the log is unchanged."""
    s = session([single()])
    before = list(s.events)
    with pytest.raises(SessionError, match="'b'"):
        s.choose("b", "x")
    assert s.events == before


def test_unknown_choice_and_unknown_role_are_refused_with_the_input_quoted():
    """A wrong choice id or role raises, naming the input and the scene."""
    s = session([single()])
    with pytest.raises(SessionError, match="'nope'.*'s'"):
        s.choose("a", "nope")
    with pytest.raises(SessionError, match="'ghost'"):
        s.choose("ghost", "x")
    assert len(s.events) == 2


def test_error_messages_follow_the_session_language():
    """Messages are Dutch by default and English with lang='en'."""
    nl = session([single()])
    en = session([single()], lang="en")
    with pytest.raises(SessionError, match="onbekende keuze"):
        nl.choose("a", "nope")
    with pytest.raises(SessionError, match="unknown choice"):
        en.choose("a", "nope")


def test_guard_hides_a_choice_and_it_cannot_be_chosen():
    """A choice whose `if` is false is not in options() and choosing it raises."""
    choices = (Choice(id="x", text="X", goto=go("end"), if_="v > 5"),
               Choice(id="y", text="Y", goto=go("bad")))
    s = session([single(choices=choices)], variables={"v": number("v", 1)})
    assert [c.id for c in s.options("a")] == ["y"]
    with pytest.raises(SessionError, match="'x'"):
        s.choose("a", "x")


def test_roles_restriction_limits_who_may_pick_a_choice():
    """A choice with `roles` is offered only to those roles."""
    choices = (Choice(id="x", text="X", goto=go("end"), roles=("b",)),
               Choice(id="y", text="Y", goto=go("bad")))
    s = session([single(actors=("a", "b"), choices=choices)])
    assert [c.id for c in s.options("a")] == ["y"]
    assert [c.id for c in s.options("b")] == ["x", "y"]
    with pytest.raises(SessionError):
        s.choose("a", "x")


def test_learn_gives_cards_to_roles():
    """`learn` makes a role know a card, which a later guard can test."""
    card = Info(id="kaart", title="K", text="t")
    s1 = Scene(id="s1", text="t", actors=("a",), choices=(
        Choice(id="x", text="X", goto=go("s2"), learn={"b": ("kaart",)}),))
    s2 = single("s2", choices=(Choice(id="z", text="Z", goto=go("end"),
                                      if_="knows(b, kaart)"),))
    s = session([s1, s2], info={"kaart": card})
    assert not s.knows("b", "kaart")
    s.choose("a", "x")
    assert s.knows("b", "kaart") and "kaart" in s.knowledge["b"]
    assert [c.id for c in s.options("a")] == ["z"]


def test_last_decision_has_rendered_feedback_and_changes():
    """After a decision the UI can show what was chosen, by whom, the feedback and changes."""
    choice = Choice(id="x", text="X", goto=go("end"), add={"v": 1},
                    feedback="Nu {v} punten, {player:a}.")
    s = session([single(choices=(choice,))], variables={"v": number("v", 1000)},
                players={"a": "Anna"})
    s.choose("a", "x")
    d = s.last_decision
    assert d.choice == "x" and d.by == ("a",) and d.changes == {"v": (1000, 1001)}
    assert d.feedback == "Nu 1.001 punten, Anna."


# -------------------------------------------------------------------------- votes


def vote_scene(decision="vote", actors=("a", "b", "c"), tiebreak=None) -> Scene:
    """A scene where three roles vote between x, y and z."""
    return Scene(id="s", text="t", actors=actors, decision=decision, tiebreak=tiebreak,
                 choices=(Choice(id="x", text="X", goto=go("end")),
                          Choice(id="y", text="Y", goto=go("bad")),
                          Choice(id="z", text="Z", goto=go("end"))))


def test_vote_majority_wins_and_by_lists_its_voters():
    """Each actor votes once; the majority choice is made by the roles that voted for it."""
    s = session([vote_scene()], roles=("a", "b", "c"))
    s.choose("a", "y")
    assert s.waiting_for() == ("b", "c") and s.options("a") == []
    assert s.vote_round.votes == {"a": "y"}
    s.choose("b", "x")
    s.choose("c", "y")
    made = [e for e in s.events if e["type"] == "choice_made"][0]
    assert made["choice"] == "y" and made["by"] == ["a", "c"] and made["decision"] == "vote"
    assert [e["round"] for e in s.events if e["type"] == "vote_cast"] == [1, 1, 1]
    assert s.ending.id == "bad"


def test_vote_twice_in_a_round_is_refused():
    """A role cannot vote twice in one round."""
    s = session([vote_scene()], roles=("a", "b", "c"))
    s.choose("a", "x")
    with pytest.raises(SessionError, match="'a'"):
        s.choose("a", "y")


def test_vote_tie_goes_to_the_tiebreak_role():
    """A tie is broken by the vote of `tiebreak` (here b, not the first actor)."""
    s = session([Scene(id="s", text="t", actors=("a", "b"), decision="vote", tiebreak="b",
                       choices=vote_scene().choices)])
    s.choose("a", "x")
    s.choose("b", "y")
    assert s.ending.id == "bad"


def test_vote_tie_without_the_tiebreakers_vote_goes_to_the_first_listed_choice():
    """When the tiebreak role voted for neither tied choice, the tied choice listed first wins."""
    roles = ("a", "b", "c", "d", "e")
    s = session([Scene(id="s", text="t", actors=roles, decision="vote", tiebreak="e",
                       choices=vote_scene().choices)], roles=roles)
    for role, vote in zip(roles, ("y", "y", "x", "x", "z")):
        s.choose(role, vote)
    made = [e for e in s.events if e["type"] == "choice_made"][0]
    assert made["choice"] == "x" and made["by"] == ["c", "d"]


def test_vote_tie_defaults_to_the_first_actor():
    """Without `tiebreak`, the first actor breaks a tie."""
    s = session([Scene(id="s", text="t", actors=("a", "b"), decision="vote",
                       choices=vote_scene().choices)])
    s.choose("b", "y")
    s.choose("a", "x")
    assert s.ending.id == "end"


def test_consensus_disagreement_starts_a_new_round_until_unanimous():
    """Consensus: a split vote opens round 2 (previous round kept to show); unanimity decides."""
    s = session([vote_scene("consensus", actors=("a", "b"))])
    s.choose("a", "x")
    s.choose("b", "y")
    assert s.vote_round.number == 2 and s.vote_round.votes == {}
    assert s.previous_round.votes == {"a": "x", "b": "y"}
    assert s.waiting_for() == ("a", "b") and not s.finished
    s.choose("b", "x")
    s.choose("a", "x")
    rounds = [(e["role"], e["round"]) for e in s.events if e["type"] == "vote_cast"]
    assert rounds == [("a", 1), ("b", 1), ("b", 2), ("a", 2)]
    made = [e for e in s.events if e["type"] == "choice_made"][0]
    assert made["by"] == ["a", "b"] and made["decision"] == "consensus"
    assert s.ending.id == "end"


def test_an_actor_without_open_options_is_not_waited_for_in_a_vote():
    """A voter whose every option is closed to it does not block the round."""
    scene = Scene(id="s", text="t", actors=("a", "b"), decision="vote",
                  choices=(Choice(id="x", text="X", goto=go("end"), roles=("a",)),))
    s = session([scene])
    assert s.waiting_for() == ("a",)
    s.choose("a", "x")
    assert s.ending.id == "end"


# ------------------------------------------------------------------------- routes


def test_routes_are_tried_in_order_and_see_the_choice_effects():
    """The first route whose `if` holds wins; conditions see the choice's own `set`."""
    choice = Choice(id="x", text="X", set={"ok": True},
                    goto=(Route(to="end", if_="ok"), Route(to="bad")))
    s = session([single(choices=(choice,))], variables={"ok": Variable(id="ok", initial=False)})
    s.choose("a", "x")
    assert s.ending.id == "end"


def test_a_plain_route_is_taken_when_earlier_conditions_fail():
    """A route without `if` or `weight` is taken when reached."""
    choice = Choice(id="x", text="X", goto=(Route(to="end", if_="v > 5"), Route(to="bad")))
    s = session([single(choices=(choice,))], variables={"v": number("v", 1)})
    s.choose("a", "x")
    assert s.ending.id == "bad"


def test_a_choice_whose_routes_cannot_be_taken_is_not_offered():
    """When no route can be taken, the choice is treated as closed."""
    choices = (Choice(id="x", text="X", goto=(Route(to="end", if_="v > 5"),)),
               Choice(id="y", text="Y", goto=go("bad")))
    s = session([single(choices=choices)], variables={"v": number("v", 1)})
    assert [c.id for c in s.options("a")] == ["y"]
    with pytest.raises(SessionError):
        s.choose("a", "x")


def weighted_scene() -> Scene:
    """A choice with a run of two weighted routes (end 1 : bad 1)."""
    return single(choices=(Choice(id="x", text="X", goto=(Route(to="end", weight=1),
                                                         Route(to="bad", weight=1))),))


def test_weighted_routes_are_a_seeded_pick():
    """The same seed always picks the same route; different seeds reach both."""
    outcomes = {}
    for seed in range(40):
        picks = set()
        for _ in range(2):
            s = session([weighted_scene()], seed=seed)
            s.choose("a", "x")
            picks.add(s.ending.id)
        assert len(picks) == 1, f"seed {seed} not reproducible"
        outcomes[seed] = picks.pop()
    assert set(outcomes.values()) == {"end", "bad"}


def test_weighted_pick_follows_the_weights():
    """A 9:1 weighting picks the heavy route most of the time."""
    scene = single(choices=(Choice(id="x", text="X", goto=(Route(to="end", weight=9),
                                                           Route(to="bad", weight=1))),))
    heavy = 0
    for seed in range(200):
        s = session([scene], seed=seed)
        s.choose("a", "x")
        heavy += s.ending.id == "end"
    assert 150 < heavy < 200


def test_no_route_after_the_effects_keeps_the_team_in_the_scene():
    """When the choice's own effects close every route, the session stays and votes reset."""
    choice = Choice(id="x", text="X", set={"ok": False}, goto=(Route(to="end", if_="ok"),))
    s = session([single(choices=(choice, Choice(id="y", text="Y", goto=go("bad"))))],
                variables={"ok": Variable(id="ok", initial=True)})
    s.choose("a", "x")
    assert s.scene.id == "s" and not s.finished
    assert types(s)[-1] == "choice_made"
    assert [c.id for c in s.options("a")] == ["y"]


# ------------------------------------------------------------ scenes, next, on_enter


def test_on_enter_applies_on_every_entry_and_visited_chose_work():
    """A scene entered twice applies `on_enter` twice; visited() and chose() see history."""
    loop = Scene(id="loop", text="t", actors=("a",), on_enter=Effects(add={"n": 1}), choices=(
        Choice(id="again", text="A", goto=go("loop"), if_="not chose(loop, again)"),
        Choice(id="stop", text="S", goto=go("end"), if_="visited(loop)")))
    s = session([loop], variables={"n": number("n", 0)})
    assert s.variables["n"] == 1
    assert s.events[1]["changes"] == {"n": [0, 1]}
    s.choose("a", "again")
    assert s.variables["n"] == 2
    assert [c.id for c in s.options("a")] == ["stop"]
    s.choose("a", "stop")
    assert s.ending.id == "end"


def test_narration_scene_proceeds_by_anyone_and_refuses_choices():
    """A `next` scene waits for anyone; choose() is refused there, proceed() elsewhere."""
    intro = Scene(id="intro", text="t", next="s")
    s = session([intro, single()])
    assert s.waiting_for() == ("a", "b") and s.options("a") == []
    with pytest.raises(SessionError):
        s.choose("a", "x")
    s.proceed()
    assert s.scene.id == "s" and s.events[-1]["via"] == "next"
    with pytest.raises(SessionError):
        s.proceed()


def test_stall_leaves_nobody_to_wait_for():
    """A scene where no actor has an open option waits for nobody (a stall the simulator finds)."""
    choices = (Choice(id="x", text="X", goto=go("end"), if_="v > 5"),)
    s = session([single(choices=choices)], variables={"v": number("v", 1)})
    assert s.waiting_for() == () and not s.finished


# ------------------------------------------------------------------------- timers


def timed() -> list[Scene]:
    """A timed vote scene whose timeout leads to a narration scene."""
    scene = Scene(id="s", text="t", actors=("a", "b"), decision="vote", timer=60,
                  on_timeout="late", choices=vote_scene().choices)
    return [scene, Scene(id="late", text="Te laat", next="bad")]


def test_timer_counts_down_on_the_injected_clock_and_tick_takes_on_timeout(clock):
    """time_left follows the clock; tick() before the deadline does nothing, after it times out."""
    s = session(timed(), clock=clock)
    assert s.time_left() == 60
    s.choose("a", "x")
    clock.advance(59)
    assert s.time_left() == pytest.approx(1)
    assert s.tick() is False
    clock.advance(1)
    assert s.tick() is True
    assert types(s)[-2:] == ["timer_expired", "scene_entered"]
    assert s.events[-2]["scene"] == "s"
    assert s.scene.id == "late" and s.vote_round.votes == {}
    assert s.time_left() is None and s.tick() is False


def test_extend_timer_moves_the_deadline_and_needs_a_timer(clock):
    """extend_timer adds seconds to the running timer; without one it is a SessionError."""
    s = session(timed(), clock=clock)
    clock.advance(50)
    s.extend_timer(30)
    assert s.time_left() == pytest.approx(40)
    clock.advance(39)
    assert s.tick() is False
    clock.advance(1)
    assert s.tick() is True
    with pytest.raises(SessionError):
        s.extend_timer(10)


def test_untimed_scene_has_no_time_left(clock):
    """time_left() is None in a scene without a timer."""
    assert session([single()], clock=clock).time_left() is None


def test_elapsed_ms_follows_the_clock(clock):
    """elapsed_ms counts milliseconds of the injected clock since the start."""
    s = session([single()], clock=clock)
    clock.advance(2.5)
    s.choose("a", "x")
    assert s.events[2]["elapsed_ms"] == 2500
    assert s.events[2]["time"].endswith("Z") and len(s.events[2]["time"]) == 24


# -------------------------------------------------------------------------- share


def share_scenario(**kwargs) -> Session:
    """A scene where role a holds a sensitive card whose consent is the variable `ok`."""
    card = Info(id="geheim", title="Geheim", text="t", owner="a", sensitive=True, consent="ok",
                on_share=Effects(score={"d": 2}),
                on_breach=Effects(add={"trust": -10}, score={"d": -3}))
    choices = (Choice(id="toestemming", text="T", set={"ok": True}, goto=go("s")),
               Choice(id="x", text="X", goto=go("end")))
    return session([single(choices=choices)], roles=("a", "b", "c"),
                   info={"geheim": card, "los": Info(id="los", title="L", text="t", owner="b")},
                   variables={"ok": Variable(id="ok", initial=False),
                              "trust": number("trust", 50, min=0)}, **kwargs)


def test_share_without_consent_is_a_breach_every_time():
    """A sensitive card shared while consent is false: shared, breach=true, on_breach each time."""
    s = share_scenario()
    s.share("a", "geheim", "b")
    s.share("a", "geheim", "team")
    shares = [e for e in s.events if e["type"] == "info_shared"]
    assert [(e["to"], e["consent"], e["breach"]) for e in shares] == [
        (["b"], False, True), (["b", "c"], False, True)]
    assert s.variables["trust"] == 30
    assert s.knows("b", "geheim") and s.knows("c", "geheim") and s.shared("geheim")


def test_on_share_applies_once_when_sharing_is_allowed():
    """After consent, on_share applies the first time only; it is not a breach."""
    s = share_scenario()
    s.choose("a", "toestemming")
    s.share("a", "geheim", "b")
    s.share("a", "geheim", "c")
    shares = [e for e in s.events if e["type"] == "info_shared"]
    assert [(e["consent"], e["breach"]) for e in shares] == [(True, False), (True, False)]
    assert s.variables["trust"] == 50


def test_share_errors_unknown_card_unknown_target_and_card_not_known():
    """Sharing a card the role does not know, an unknown card or recipient is refused."""
    s = share_scenario()
    n = len(s.events)
    with pytest.raises(SessionError, match="'geheim'"):
        s.share("b", "geheim", "a")
    with pytest.raises(SessionError, match="'nergens'"):
        s.share("a", "nergens", "b")
    with pytest.raises(SessionError, match="'zz'"):
        s.share("a", "geheim", "zz")
    with pytest.raises(SessionError):
        s.share("a", "geheim", "a")
    assert len(s.events) == n


def test_cards_lists_what_a_role_knows():
    """cards(role) lists the Info cards a role knows, in declaration order."""
    s = share_scenario()
    assert [c.id for c in s.cards("a")] == ["geheim"]
    s.share("b", "los", "a")
    assert [c.id for c in s.cards("a")] == ["geheim", "los"]


# ------------------------------------------------------------------------ consult


def test_consult_logs_shows_advice_and_resets_on_the_next_scene():
    """Consulting shows the target its advice, sets consulted() for this scene only."""
    s1 = Scene(id="s1", text="t", actors=("a",), advice={"b": "Let op {player:a}."},
               choices=(Choice(id="x", text="X", goto=go("s2"), if_="consulted(b)"),))
    s = session([s1, single("s2")], players={"a": "Anna"})
    assert s.options("a") == []
    assert s.consult("a", "b") == "Let op Anna."
    assert s.advice_shown == {"b": "Let op Anna."}
    assert s.events[-1] == {**s.events[-1], "type": "consulted", "scene": "s1", "role": "a",
                            "target": "b"}
    assert s.consulted("b")
    s.choose("a", "x")
    assert not s.consulted("b") and s.advice_shown == {}
    assert s.consult("b", "a") is None
    with pytest.raises(SessionError):
        s.consult("a", "a")


# ---------------------------------------------------------------------- the ending


def test_session_ended_carries_ending_outcome_scores_metrics_and_refuses_moves():
    """The ending logs session_ended with outcome, scores and metrics; later moves raise."""
    s = session([single()], lang="en")
    s.choose("a", "y")
    end = s.events[-1]
    assert end["type"] == "session_ended" and end["ending"] == "bad" and end["outcome"] == "bad"
    assert "scores" in end and "metrics" in end
    assert s.finished and s.scene is None and s.waiting_for() == () and s.options("a") == []
    for move in (lambda: s.choose("a", "x"), s.proceed, lambda: s.share("a", "x", "b"),
                 lambda: s.consult("a", "b")):
        with pytest.raises(SessionError, match="ended"):
            move()
    assert s.scene_text() == "Mis."


# ---------------------------------------------------------------------------- log


def test_log_file_holds_exactly_the_events(tmp_path):
    """With a log path, every event is one JSON line equal to session.events."""
    path = tmp_path / "s.jsonl"
    with session([single()], log=path) as s:
        s.share  # noqa: B018 - the session is usable inside `with`
        s.choose("a", "x")
    lines = path.read_text(encoding="utf-8").splitlines()
    assert [json.loads(line) for line in lines] == s.events


def test_an_existing_log_is_not_overwritten(tmp_path):
    """Starting a new session on a non-empty log file is refused (resume it instead)."""
    path = tmp_path / "s.jsonl"
    path.write_text('{"seq": 0}\n', encoding="utf-8")
    with pytest.raises(LogError, match="resume"):
        session([single()], log=path)
    assert path.read_text(encoding="utf-8") == '{"seq": 0}\n'

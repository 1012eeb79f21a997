"""Class play in process: every message and every refusal of the WebSocket protocol, the pages.

The Starlette test client runs the real app (ticker included) with a hand-moved clock.
"""

from __future__ import annotations

import contextlib
import json

import pytest
from klas_helpers import (
    ROLES,
    FakeClock,
    at_seq,
    client,
    error,
    join,
    make_room,
    state,
    teacher,
    until,
)
from starlette.websockets import WebSocketDisconnect

from game.klas import limits
from game.klas.protocol import MAX_MESSAGE_BYTES

# A receive that waits for a message that never comes would hang the suite: fail instead.
pytestmark = pytest.mark.timeout(60)


@pytest.fixture
def clock():
    """The hand-moved clock shared by the class and the server."""
    return FakeClock()


@pytest.fixture
def room(tmp_path, clock):
    """A class of two teams on the four-role case."""
    return make_room(tmp_path / "klas", 2, clock)


@pytest.fixture
def app(room, clock):
    """A running test client (ticker started)."""
    with client(room, clock) as c, contextlib.ExitStack() as stack:
        c.stack = stack  # sockets opened by seated_team, closed before the client
        yield c


def codes(room):
    """The team codes by team number."""
    return [t.code for t in room.ordered_teams()]


def seated_team(app, room, code, names=("Sara", "Ahmed", "Iris", "Tom")):
    """Four students seated in the four roles (open websockets, in ROLES order)."""
    sockets = []
    for name, role in zip(names, ROLES):
        ws = app.stack.enter_context(app.websocket_connect("/ws"))
        join(ws, code, name, role)
        sockets.append(ws)
    return sockets


# ---------------------------------------------------------------------- pages


def test_pages_are_served_in_dutch_by_default_and_english_on_request(app, room):
    """Join, team, table and teacher pages answer 200 with the page language and the CSP."""
    code = codes(room)[0]
    for path in ("/", f"/t/{code}", f"/tafel/{code}", "/leraar", "/klasscherm"):
        page = app.get(path)
        assert page.status_code == 200, path
        assert '<html lang="nl">' in page.text
        assert "default-src 'self'" in page.headers["content-security-policy"]
        assert app.get(path + "?lang=en").text.count('<html lang="en">') == 1


def test_pages_use_no_outside_address(app, room):
    """Every script, style and image comes from the server itself (no CDN)."""
    code = codes(room)[0]
    for path in ("/", f"/t/{code}", f"/tafel/{code}", "/leraar", "/klasscherm",
                 "/static/klas.js", "/static/class.js"):
        text = app.get(path).text
        assert "https://" not in text and "http://" not in text.replace(
            "http://testserver", ""), path


def test_join_form_redirects_to_the_team_page_without_scripts(app):
    """`/?code=ab c-d` leads to `/t/ABCD` (codes are typed loosely)."""
    answer = app.get("/?code=ab c-d", follow_redirects=False)
    assert answer.status_code == 303
    assert answer.headers["location"] == "/t/ABCD"


def test_qr_code_encodes_the_team_address(app, room):
    """A team's QR code is an SVG made on the server; an unknown code is 404."""
    code = codes(room)[0]
    svg = app.get(f"/qr/{code}.svg")
    assert svg.status_code == 200
    assert svg.headers["content-type"].startswith("image/svg+xml")
    assert f"http://testserver/t/{code}" in svg.text
    assert app.get("/qr/ZZZZZZ.svg").status_code == 404


def test_static_modules_and_unknown_pages(app):
    """The scripts are served as files; an unknown page is a 404 page, not a traceback."""
    assert app.get("/static/student.js").status_code == 200
    missing = app.get("/nergens")
    assert missing.status_code == 404
    assert "bestaat niet" in missing.text


# ---------------------------------------------------------------------- joining


def test_join_gives_a_token_and_a_lobby_view(app, room):
    """`join` answers `welcome` with a device token, then the lobby state with every role free."""
    with app.websocket_connect("/ws") as ws:
        ws.send_json({"type": "join", "team": codes(room)[0].lower(), "name": "  Sara  "})
        welcome = until(ws, lambda m: m["type"] == "welcome")
        assert welcome["as"] == "student" and len(welcome["token"]) >= 20
        view = state(ws)
        assert view["phase"] == "lobby" and view["me"]["name"] == "Sara"
        assert [r["taken"] for r in view["roles"]] == [False] * 4
    saved = json.loads((room.folder / "klas.json").read_text())
    assert welcome["token"] not in json.dumps(saved)  # only its hash is stored


def test_claim_release_and_taken_roles(app, room):
    """A role taken by one device is refused to another; released, it is free again."""
    code = codes(room)[0]
    with app.websocket_connect("/ws") as a, app.websocket_connect("/ws") as b:
        join(a, code, "Sara", "leerkracht")
        join(b, code, "Ahmed")
        b.send_json({"type": "claim", "role": "leerkracht"})
        assert "Leerkracht groep 5" in error(b, "role_taken")["message"]
        b.send_json({"type": "claim", "role": "kok"})
        error(b, "unknown_role")
        a.send_json({"type": "release"})
        state(a, lambda v: v["me"]["role"] is None)
        b.send_json({"type": "claim", "role": "leerkracht"})
        assert state(b, lambda v: v["me"]["role"] == "leerkracht")["roles"][1]["player"] == "Ahmed"


def test_name_is_required(app, room):
    """An empty name is refused with a clear message."""
    with app.websocket_connect("/ws") as ws:
        ws.send_json({"type": "join", "team": codes(room)[0], "name": "   "})
        assert error(ws, "name_missing")["message"] == "Vul je naam in."


def test_rejoin_restores_the_device_and_its_role(app, room):
    """A phone that lost its connection comes back with its token to the same seat and view."""
    code = codes(room)[0]
    with app.websocket_connect("/ws") as t:
        teacher(t, room)
        with app.websocket_connect("/ws") as ws:
            token = join(ws, code, "Sara", "jeugdprofessional")
        t.send_json({"type": "start", "team": code})
        with app.websocket_connect("/ws") as again:
            again.send_json({"type": "rejoin", "team": code, "token": token})
            assert until(again, lambda m: m["type"] == "welcome").get("token") is None
            view = state(again, lambda v: v["phase"] == "playing")
            assert view["me"]["name"] == "Sara" and view["me"]["role"] == "jeugdprofessional"
            assert view["briefing"].startswith("Jij bent Sara")
            # the shown order is shuffled per session (seeded at random by the classroom)
            assert sorted(o["id"] for o in view["options"]) == ["toestemming", "zorgen"]


def test_rejoin_with_a_wrong_token_is_refused(app, room):
    """An unknown token is refused (and counted as a guess)."""
    with app.websocket_connect("/ws") as ws:
        ws.send_json({"type": "rejoin", "team": codes(room)[0], "token": "x" * 30})
        error(ws, "unknown_device")


def test_unknown_team_code_is_refused(app):
    """A code no team has is refused, quoting the code as typed (normalised)."""
    with app.websocket_connect("/ws") as ws:
        ws.send_json({"type": "join", "team": "abc-def", "name": "Sara"})
        assert "ABCDEF" in error(ws, "unknown_team")["message"]


def test_guessing_codes_is_rate_limited(app):
    """After GUESS_BURST wrong codes from one address even a guess is cut off."""
    for _ in range(limits.GUESS_BURST):
        with app.websocket_connect("/ws") as ws:
            ws.send_json({"type": "watch", "team": "AAAAAA"})
            error(ws, "unknown_team")
    with app.websocket_connect("/ws") as ws:
        ws.send_json({"type": "watch", "team": "AAAAAA"})
        error(ws, "rate_limited")
        with pytest.raises(WebSocketDisconnect) as closed:
            ws.receive_json()
        assert closed.value.code == 1008


def test_rate_limit_refills_with_time(app, room, clock):
    """The guess limit is a token bucket: waiting lets the address try again."""
    for _ in range(limits.GUESS_BURST):
        with app.websocket_connect("/ws") as ws:
            ws.send_json({"type": "teacher", "secret": "nope"})
            error(ws, "not_teacher")
    clock.advance(1 / limits.GUESS_RATE + 0.1)
    with app.websocket_connect("/ws") as ws:
        teacher(ws, room)


def test_move_before_hello_is_refused(app):
    """A connection must say who it is first."""
    with app.websocket_connect("/ws") as ws:
        ws.send_json({"type": "choose", "choice": "x"})
        error(ws, "hello_first")


def test_second_hello_is_refused(app, room):
    """A known connection cannot become someone else."""
    with app.websocket_connect("/ws") as ws:
        join(ws, codes(room)[0], "Sara")
        ws.send_json({"type": "teacher", "secret": room.teacher_secret})
        error(ws, "already_known")


def test_ping_is_answered(app):
    """`ping` gets `pong`, also before the hello."""
    with app.websocket_connect("/ws") as ws:
        ws.send_json({"type": "ping"})
        assert ws.receive_json() == {"type": "pong"}


# ---------------------------------------------------------------------- malformed messages


@pytest.mark.parametrize("raw, code", [
    ("not json", "bad_json"),
    ("[1, 2]", "bad_message"),
    ('{"type": "dance"}', "bad_message"),
    ('{"type": "join", "team": "A"}', "bad_message"),
    ('{"type": "join", "team": "A", "name": "S", "admin": true}', "bad_message"),
    ('{"type": "join", "team": 5, "name": "S"}', "bad_message"),
    ('{"type": "extend", "team": "A", "seconds": "60"}', "bad_message"),
])
def test_malformed_messages_get_an_error(app, raw, code):
    """Not JSON, not an object, unknown type, missing, extra or ill-typed fields."""
    with app.websocket_connect("/ws") as ws:
        ws.send_text(raw)
        error(ws, code)


def test_too_big_message_closes_the_connection(app):
    """A message over the size limit is refused and the connection closed (1009)."""
    with app.websocket_connect("/ws") as ws:
        ws.send_text(json.dumps({"type": "join", "team": "A", "name": "x" * MAX_MESSAGE_BYTES}))
        error(ws, "too_big")
        with pytest.raises(WebSocketDisconnect) as closed:
            ws.receive_json()
        assert closed.value.code == 1009


def test_garbage_cuts_the_sender_off_but_not_the_others(app, room):
    """MAX_BAD_MESSAGES malformed messages close that connection; a teammate plays on."""
    code = codes(room)[0]
    with app.websocket_connect("/ws") as good, app.websocket_connect("/ws") as bad:
        join(good, code, "Sara", "jeugdprofessional")
        join(bad, code, "Ahmed", "leerkracht")
        for _ in range(limits.MAX_BAD_MESSAGES):
            bad.send_text("\x00\x01garbage")
        with pytest.raises(WebSocketDisconnect) as closed:
            while True:
                bad.receive_json()
        assert closed.value.code == 1008
        good.send_json({"type": "ping"})
        assert until(good, lambda m: m["type"] == "pong")


def test_flooding_cuts_the_sender_off_but_not_the_others(app, room):
    """More than MESSAGE_BURST messages at once close that connection; others keep playing."""
    code = codes(room)[0]
    with app.websocket_connect("/ws") as t, app.websocket_connect("/ws") as good, \
            app.websocket_connect("/ws") as flood:
        teacher(t, room)
        join(good, code, "Sara", "jeugdprofessional")
        join(flood, code, "Ahmed", "leerkracht")
        t.send_json({"type": "start", "team": code})
        for _ in range(limits.MESSAGE_BURST + 5):
            flood.send_json({"type": "ping"})
        with pytest.raises(WebSocketDisconnect) as closed:
            while True:
                flood.receive_json()
        assert closed.value.code == 1008
        good.send_json({"type": "choose", "choice": "toestemming"})
        assert state(good, lambda v: v.get("scene", {}).get("id") == "overleg")


# ---------------------------------------------------------------------- crafted moves


def test_crafted_moves_are_refused(app, room):
    """Another role's id, another team's code, a forged share: clear refusals, nothing leaks."""
    code, other = codes(room)
    with app.websocket_connect("/ws") as t:
        teacher(t, room)
        sockets = seated_team(app, room, code)
        pro, juf, arts, trainer = sockets
        t.send_json({"type": "start", "team": code})
        state(pro, lambda v: v["phase"] == "playing")
        pro.send_json({"type": "choose", "choice": "zorgen", "role": "leerkracht"})
        error(pro, "not_your_role")
        pro.send_json({"type": "choose", "choice": "zorgen", "team": other})
        error(pro, "other_team")
        juf.send_json({"type": "choose", "choice": "zorgen"})
        assert "leerkracht" in error(juf, "refused")["message"]
        pro.send_json({"type": "share", "card": "dossier_arts", "to": "leerkracht"})
        refusal = error(pro, "refused")
        assert "dossier_arts" in refusal["message"]
        assert "buikpijn" not in json.dumps(refusal)
        pro.send_json({"type": "share", "card": "geheim", "to": "team"})
        error(pro, "refused")
        arts.send_json({"type": "share", "card": "dossier_arts", "to": "jeugdarts"})
        error(arts, "refused")  # sharing with oneself
        arts.send_json({"type": "consult", "target": "schoolarts"})
        error(arts, "refused")
        trainer.send_json({"type": "proceed"})
        error(trainer, "refused")
        trainer.send_json({"type": "start", "team": code})
        error(trainer, "not_allowed")
        assert room.team(code).seq == 2  # nothing was logged


def test_moves_before_the_start_and_without_role(app, room):
    """No move before the teacher starts the team; no move without a role."""
    code = codes(room)[0]
    with app.websocket_connect("/ws") as t, app.websocket_connect("/ws") as ws, \
            app.websocket_connect("/ws") as roleless:
        teacher(t, room)
        join(ws, code, "Sara", "jeugdprofessional")
        join(roleless, code, "Ahmed")
        ws.send_json({"type": "choose", "choice": "zorgen"})
        error(ws, "not_started")
        t.send_json({"type": "start", "team": code})
        roleless.send_json({"type": "proceed"})
        error(roleless, "no_role")
        roleless.send_json({"type": "claim", "role": "leerkracht"})
        view = state(roleless, lambda v: v["me"]["role"] == "leerkracht")
        assert view["phase"] == "playing"
        ws.send_json({"type": "release"})
        error(ws, "role_fixed")


def test_table_can_only_watch(app, room):
    """The projector gets the public view and may not move."""
    code = codes(room)[0]
    with app.websocket_connect("/ws") as table:
        table.send_json({"type": "watch", "team": code})
        assert until(table, lambda m: m["type"] == "welcome")["as"] == "table"
        view = state(table)
        assert view["kind"] == "table" and "briefing" not in view and "cards" not in view
        table.send_json({"type": "choose", "choice": "zorgen"})
        error(table, "watch_only")


# ---------------------------------------------------------------------- playing


def test_a_whole_round_with_secret_votes_consult_share_and_consensus(app, room):
    """Four students play to the good ending; every screen follows; votes stay secret."""
    code = codes(room)[0]
    with app.websocket_connect("/ws") as t, app.websocket_connect("/ws") as table:
        teacher(t, room)
        table.send_json({"type": "watch", "team": code})
        pro, juf, arts, trainer = seated_team(app, room, code)
        t.send_json({"type": "start", "team": code})
        team = room.team(code)
        view = state(arts, lambda v: v["phase"] == "playing")
        assert [c["id"] for c in view["cards"]] == ["dossier_arts"]
        assert view["options"] == []  # not an actor in the first scene

        pro.send_json({"type": "consult", "target": "jeugdarts"})
        view = at_seq(arts, 3)
        assert view["advice"].startswith("Vraag of je met de jeugdarts")
        assert at_seq(juf, 3)["advice"] is None
        assert "Sara raadpleegde Iris" in at_seq(table, 3)["feed"]

        pro.send_json({"type": "choose", "choice": "toestemming"})
        assert at_seq(table, 5)["scene"]["id"] == "overleg"
        arts.send_json({"type": "share", "card": "dossier_arts", "to": "jeugdprofessional"})
        view = at_seq(pro, 6)
        assert [c["id"] for c in view["cards"]] == ["dossier_arts", "thuissituatie"]

        pro.send_json({"type": "choose", "choice": "samen"})
        mine = at_seq(pro, 7)
        assert mine["my_vote"]["id"] == "samen" and mine["options"] == []
        other = at_seq(juf, 7)
        assert other["voted"] == ["jeugdprofessional"] and other["my_vote"] is None
        assert "samen" not in json.dumps(other["voted"])
        table_view = at_seq(table, 7)
        assert "my_vote" not in table_view
        for ws, choice in ((juf, "samen"), (arts, "afwachten"), (trainer, "samen")):
            ws.send_json({"type": "choose", "choice": choice})
        view = at_seq(juf, 12)
        assert view["scene"]["id"] == "plan" and view["last_decision"]["by"] == []
        assert view["timer"]["left"] == 600

        pro.send_json({"type": "choose", "choice": "sport"})
        juf.send_json({"type": "choose", "choice": "school"})
        view = at_seq(trainer, 14)
        assert sorted(view["previous_round"]["tally"], key=lambda r: r["text"]) == [
            {"text": "Houd het plan bij school", "count": 1},
            {"text": "Laat de sportclub meedoen in het plan", "count": 1}]
        pro.send_json({"type": "choose", "choice": "sport"})
        juf.send_json({"type": "choose", "choice": "sport"})
        view = state(table, lambda v: v["phase"] == "ended")
        assert view["ending"]["outcome"] == "good"
        teacher_view = state(t, lambda v: v["teams"][0]["phase"] == "ended")
        assert teacher_view["teams"][0]["index"] is not None
        assert team.session.finished and team.session.events[0]["players"][0]["name"] == "Sara"
        pro.send_json({"type": "proceed"})
        error(pro, "finished")


def test_breach_is_shown_to_the_teacher_only(app, room):
    """Sharing the sensitive card without consent counts as a breach in the teacher's view."""
    code = codes(room)[0]
    with app.websocket_connect("/ws") as t:
        teacher(t, room)
        pro, juf, arts, trainer = seated_team(app, room, code)
        t.send_json({"type": "start", "team": code})
        arts.send_json({"type": "share", "card": "dossier_arts", "to": "team"})
        view = state(t, lambda v: v["teams"][0]["breaches"] == 1)
        assert view["teams"][0]["meters"][0]["value"] == "30"
        student = at_seq(juf, 3)
        assert "breaches" not in student
        assert [c["id"] for c in student["cards"]] == ["dossier_arts", "klasbeeld"]


def test_asking_the_familys_consent(app, room):
    """A student asks consent for a card; only the asker sees the answer, the team the ask."""
    code = codes(room)[0]
    with app.websocket_connect("/ws") as t:
        teacher(t, room)
        pro, juf, arts, trainer = seated_team(app, room, code)
        t.send_json({"type": "start", "team": code})
        view = state(pro, lambda v: v["phase"] == "playing")
        card = next(c for c in view["cards"] if c["id"] == "thuissituatie")
        assert card["can_ask"] and card["purpose"].startswith("Afspreken wie Noor")
        pro.send_json({"type": "ask_consent", "card": "thuissituatie", "to": "leerkracht"})
        view = at_seq(pro, 3)
        assert view["consent_answers"] == [
            {"card": "Thuissituatie", "to": ["Ahmed"], "granted": True}]
        pro.send_json({"type": "ask_consent", "card": "thuissituatie", "to": "jeugdarts"})
        view = at_seq(pro, 4)
        assert view["consent_answers"][-1]["granted"] is False
        assert view["meters"][0]["value"] == "45"  # on_refuse
        other = at_seq(juf, 4)
        assert other["consent_answers"] == [] and "Thuissituatie" not in json.dumps(other)
        assert "Sara vroeg het gezin om toestemming" in other["feed"]
        juf.send_json({"type": "ask_consent", "card": "thuissituatie", "to": "team"})
        error(juf, "refused")  # the juf does not know the card
        pro.send_json({"type": "share", "card": "thuissituatie", "to": "leerkracht"})
        view = state(t, lambda v: v["teams"][0]["seq"] >= 5)
        assert view["teams"][0]["breaches"] == 0  # within the consent the family gave


# ---------------------------------------------------------------------- the teacher


def test_wrong_teacher_secret_is_refused(app):
    """The teacher page needs the secret link."""
    with app.websocket_connect("/ws") as ws:
        ws.send_json({"type": "teacher", "secret": "raden"})
        error(ws, "not_teacher")


def test_teacher_pause_resume_extend_and_timer(app, room, clock):
    """Pause stops moves and the clock; extend adds time; the timer fires on the server."""
    code = codes(room)[0]
    with app.websocket_connect("/ws") as t:
        teacher(t, room)
        pro, juf, arts, trainer = seated_team(app, room, code)
        t.send_json({"type": "start", "team": code})
        team = room.team(code)
        pro.send_json({"type": "choose", "choice": "zorgen"})
        for ws in (pro, juf, arts, trainer):
            ws.send_json({"type": "choose", "choice": "afwachten"})
        state(pro, lambda v: v.get("scene", {}).get("id") == "plan")
        t.send_json({"type": "extend", "team": code, "seconds": 60})
        assert state(pro, lambda v: v["timer"]["left"] == 660)["timer"]["running"]
        t.send_json({"type": "pause", "team": "*"})
        view = state(pro, lambda v: v["paused"])
        assert view["timer"]["running"] is False
        clock.advance(5000)
        pro.send_json({"type": "choose", "choice": "sport"})
        error(pro, "paused")
        assert team.session.time_left() == 660
        t.send_json({"type": "resume", "team": code})
        state(pro, lambda v: not v["paused"])
        clock.advance(661)
        view = state(trainer, lambda v: v.get("scene", {}).get("id") == "te_laat")
        assert view["scene"]["narration"] and "De tijd is om" in view["feed"]
        trainer.send_json({"type": "proceed"})
        view = state(pro, lambda v: v["phase"] == "ended")
        assert view["ending"]["title"] == "Half werk"
        assert [e["type"] for e in team.session.events[-3:]] == [
            "timer_expired", "scene_entered", "session_ended"]
        t.send_json({"type": "extend", "team": code, "seconds": 60})
        error(t, "finished")


def test_teacher_extend_limits(app, room):
    """An extension needs a running timer and a sensible number of seconds."""
    code = codes(room)[0]
    with app.websocket_connect("/ws") as t:
        teacher(t, room)
        t.send_json({"type": "start", "team": code})
        t.send_json({"type": "extend", "team": code, "seconds": 60})
        error(t, "no_timer")
        t.send_json({"type": "extend", "team": code, "seconds": -5})
        error(t, "bad_seconds")
        t.send_json({"type": "pause", "team": "QQQQQQ"})
        error(t, "unknown_team")


def test_teacher_message_reaches_the_team_and_table(app, room):
    """A message to a team shows on its students' and projector's screens, not other teams'."""
    code, other = codes(room)
    with app.websocket_connect("/ws") as t, app.websocket_connect("/ws") as ws, \
            app.websocket_connect("/ws") as table, app.websocket_connect("/ws") as far:
        teacher(t, room)
        join(ws, code, "Sara")
        table.send_json({"type": "watch", "team": code})
        join(far, other, "Tom")
        t.send_json({"type": "message", "team": code, "text": "Nog  vijf minuten"})
        assert state(ws, lambda v: v["messages"])["messages"][-1]["text"] == "Nog vijf minuten"
        assert state(table, lambda v: v["messages"])["messages"][-1]["text"] == "Nog vijf minuten"
        t.send_json({"type": "message", "team": code, "text": "   "})
        error(t, "message_empty")
        far.send_json({"type": "ping"})
        until(far, lambda m: m["type"] == "pong")
    assert room.team(other).messages == []


def test_teacher_assigns_and_unassigns_roles(app, room):
    """The teacher can seat a joined device in a role, and free it again before the start."""
    code = codes(room)[0]
    with app.websocket_connect("/ws") as t, app.websocket_connect("/ws") as ws:
        teacher(t, room)
        join(ws, code, "Sara")
        t.send_json({"type": "assign", "team": code, "device": "d1", "role": "jeugdarts"})
        assert state(ws, lambda v: v["me"]["role"] == "jeugdarts")
        t.send_json({"type": "unassign", "team": code, "device": "d1"})
        assert state(ws, lambda v: v["me"]["role"] is None)
        t.send_json({"type": "assign", "team": code, "device": "d9", "role": "jeugdarts"})
        error(t, "unknown_device")


# The class report's chart warns when a team has no share yet (game.export.charts, not ours).
@pytest.mark.filterwarnings("ignore:No artists with labels:UserWarning")
def test_end_round_writes_the_class_report(app, room):
    """Ending the round closes play, writes the class report and serves it behind its token."""
    code, other = codes(room)
    with app.websocket_connect("/ws") as t, app.websocket_connect("/ws") as ws:
        teacher(t, room)
        join(ws, code, "Sara", "jeugdprofessional")
        t.send_json({"type": "start", "team": "*"})
        ws.send_json({"type": "choose", "choice": "toestemming"})
        at_seq(ws, 4)
        t.send_json({"type": "end_round"})
        url = until(t, lambda m: m["type"] == "report")["url"]
        assert state(ws, lambda v: v["phase"] == "closed")
        ws.send_json({"type": "consult", "target": "jeugdarts"})
        error(ws, "round_ended")
    report = app.get(url)
    assert report.status_code == 200 and "Zorgen om Noor" in report.text
    assert app.get("/rapport/verkeerd").status_code == 404
    with app.websocket_connect("/ws") as late:
        late.send_json({"type": "join", "team": other, "name": "Laat"})
        error(late, "round_ended")


# ---------------------------------------------------------------------- restart


def test_a_restarted_server_resumes_every_team(tmp_path):
    """A class opened again from its folder has the same seats, moves, pause and extension."""
    from klas_helpers import CASE

    from game.klas.classroom import Classroom
    from game.scenario.loader import load_scenario

    clock = FakeClock()
    room = make_room(tmp_path / "k", 2, clock)
    code, other = codes(room)
    with client(room, clock) as app, contextlib.ExitStack() as stack, \
            app.websocket_connect("/ws") as t:
        app.stack = stack
        teacher(t, room)
        sockets = seated_team(app, room, code)
        token = join(stack.enter_context(app.websocket_connect("/ws")), other, "Tom",
                     "leerkracht")
        t.send_json({"type": "start", "team": code})
        sockets[0].send_json({"type": "choose", "choice": "toestemming"})
        for ws in sockets:
            ws.send_json({"type": "choose", "choice": "samen"})
        state(t, lambda v: v["teams"][0].get("scene", {}).get("id") == "plan")
        clock.advance(100)
        t.send_json({"type": "extend", "team": code, "seconds": 30})
        t.send_json({"type": "pause", "team": code})
        state(t, lambda v: v["teams"][0]["paused"])
        events = list(room.team(code).session.events)
    again = Classroom.open(load_scenario(CASE), room.folder, base_clock=FakeClock())
    team = again.team(code)
    assert team.session.events == events
    # The engine resumes a timer with the time left at the last logged event (docs/engine.md):
    # 600 s + the 30 s extension; the 100 s without a move are given back.
    assert team.paused and team.session.time_left() == pytest.approx(630, abs=0.01)
    assert team.seat_of("leerkracht").name == "Ahmed"
    assert again.team(other).device_by_token(token).role == "leerkracht"
    assert not again.team(other).started
    assert again.teacher_secret == room.teacher_secret
    again.close()


# ---------------------------------------------------------------------- seats after the start


def test_a_late_student_is_named_in_the_log(app, room):
    """A student who takes a free role after the start is logged as that role's player
    (`player_changed`); the class report names them; a restart keeps the name."""
    from klas_helpers import CASE

    from game.export.logs import read_team_log
    from game.klas.classroom import Classroom
    from game.scenario.loader import load_scenario

    code = codes(room)[0]
    with app.websocket_connect("/ws") as t, app.websocket_connect("/ws") as ws, \
            app.websocket_connect("/ws") as late:
        teacher(t, room)
        join(ws, code, "Sara", "jeugdprofessional")
        t.send_json({"type": "start", "team": code})
        ws.send_json({"type": "choose", "choice": "toestemming"})
        at_seq(ws, 4)
        join(late, code, "Piet")
        late.send_json({"type": "claim", "role": "jeugdarts"})
        view = state(late, lambda v: v["me"]["role"] == "jeugdarts")
        assert view["seq"] == 5 and view["briefing"]
        assert [r["player"] for r in view["roles"]][2] == "Piet"
        late.send_json({"type": "consult", "target": "jeugdprofessional"})
        at_seq(late, 6)
    team = room.team(code)
    changed = [e for e in team.session.events if e["type"] == "player_changed"]
    assert [(e["role"], e["name"]) for e in changed] == [("jeugdarts", "Piet")]
    logged = read_team_log(team.log_path)
    assert {s["role"]: s["name"] for s in logged.seatings}["jeugdarts"] == "Piet"
    again = Classroom.open(load_scenario(CASE), room.folder, base_clock=FakeClock())
    assert again.team(code).session.players["jeugdarts"] == "Piet"
    assert again.team(code).session.events == team.session.events
    again.close()


def test_teacher_gives_a_taken_role_to_a_new_device(app, room):
    """After the start the teacher may hand a role to another device (a student on a new
    phone): the old device loses it; a new name is logged, the same name is not."""
    code = codes(room)[0]
    with app.websocket_connect("/ws") as t, app.websocket_connect("/ws") as old, \
            app.websocket_connect("/ws") as same, app.websocket_connect("/ws") as other:
        teacher(t, room)
        join(old, code, "Sara", "jeugdprofessional")
        t.send_json({"type": "start", "team": code})
        at_seq(old, 2)
        join(same, code, "Sara")
        same.send_json({"type": "claim", "role": "jeugdprofessional"})
        error(same, "role_taken")  # a student cannot take a seat that is taken
        t.send_json({"type": "assign", "team": code, "device": "d2", "role": "jeugdprofessional"})
        state(old, lambda v: v["me"]["role"] is None)
        assert state(same, lambda v: v["me"]["role"] == "jeugdprofessional")["briefing"]
        assert room.team(code).seq == 2  # Sara is still Sara: nothing to log
        join(other, code, "Noa")
        t.send_json({"type": "assign", "team": code, "device": "d3", "role": "jeugdprofessional"})
        state(other, lambda v: v["me"]["role"] == "jeugdprofessional")
        t.send_json({"type": "assign", "team": code, "device": "d3", "role": "jeugdarts"})
        error(t, "role_fixed")  # a seated device keeps its role once the team plays
    events = room.team(code).session.events
    assert [e["name"] for e in events if e["type"] == "player_changed"] == ["Noa"]


# ---------------------------------------------------------------------- the class screen


def watch_class(ws, secret: str) -> dict:
    """Open the class screen with that secret; returns its first view."""
    ws.send_json({"type": "watch_class", "secret": secret})
    assert until(ws, lambda m: m["type"] == "welcome")["as"] == "class"
    return state(ws)


def test_class_screen_shows_every_team_and_nothing_private(app, room, clock):
    """The class screen follows every team live: scene title, who is to act (names), the
    timer and progress; never a team code, a card, a briefing, a vote, the index or the
    ending reached."""
    code, other = codes(room)
    with app.websocket_connect("/ws") as t, app.websocket_connect("/ws") as screen:
        teacher(t, room)
        view = watch_class(screen, room.view_code)
        assert [team["number"] for team in view["teams"]] == [1, 2]
        assert [team["phase"] for team in view["teams"]] == ["lobby", "lobby"]
        pro, juf, arts, trainer = seated_team(app, room, code)
        t.send_json({"type": "start", "team": code})
        view = state(screen, lambda v: v["teams"][0]["phase"] == "playing")
        first = view["teams"][0]
        assert first["scene"] == "Het eerste gesprek"
        assert first["waiting_for"] == [{"role": "Jeugdprofessional", "player": "Sara"}]
        assert first["progress"] == {"done": 0, "left": 3, "percent": 0}
        assert first["seats"] == 4 and first["online"] == 4
        assert view["teams"][1]["phase"] == "lobby" and "scene" not in view["teams"][1]
        pro.send_json({"type": "choose", "choice": "toestemming"})
        arts.send_json({"type": "share", "card": "dossier_arts", "to": "team"})
        pro.send_json({"type": "choose", "choice": "samen"})
        view = state(screen, lambda v: v["teams"][0].get("waiting_for") and len(
            v["teams"][0]["waiting_for"]) == 3)
        first = view["teams"][0]
        assert first["scene"] == "Teamoverleg" and first["progress"]["done"] == 1
        assert {w["player"] for w in first["waiting_for"]} == {"Ahmed", "Iris", "Tom"}
        for ws in (juf, arts, trainer):
            ws.send_json({"type": "choose", "choice": "samen"})
        view = state(screen, lambda v: v["teams"][0].get("timer") is not None)
        assert view["teams"][0]["timer"] == {"left": 600, "total": 600, "running": True}
        assert view["teams"][0]["progress"] == {"done": 2, "left": 1, "percent": 67}
        t.send_json({"type": "pause", "team": code})
        view = state(screen, lambda v: v["teams"][0]["paused"])
        assert view["teams"][0]["timer"]["running"] is False
        t.send_json({"type": "resume", "team": code})
        pro.send_json({"type": "choose", "choice": "sport"})
        juf.send_json({"type": "choose", "choice": "sport"})
        view = state(screen, lambda v: v["teams"][0]["phase"] == "ended")
        assert view["teams"][0]["progress"]["percent"] == 100
        text = json.dumps(view, ensure_ascii=False) + json.dumps(first, ensure_ascii=False)
        for secret in (code, other, room.teacher_secret, room.view_code, room.report_token):
            assert secret not in text
        for private in ("buikpijn", "Dossier jeugdarts", "Jij bent", "briefing", "cards",
                        "index", "breaches", "ending", "Goede", "samen", "feed"):
            assert private not in text, private
        screen.send_json({"type": "choose", "choice": "sport"})
        error(screen, "watch_only")
        screen.send_json({"type": "start", "team": "*"})
        error(screen, "watch_only")


def test_class_screen_needs_the_view_code_or_the_teachers_secret(app, room):
    """The teacher's secret opens it too; a team code or a wrong code does not (and counts as
    a guess). Only the teacher's view carries the class screen's link."""
    code = codes(room)[0]
    with app.websocket_connect("/ws") as ws:
        assert watch_class(ws, room.teacher_secret)["kind"] == "class"
    for wrong in (code, room.view_code[:-1], ""):
        with app.websocket_connect("/ws") as ws:
            ws.send_json({"type": "watch_class", "secret": wrong})
            error(ws, "not_class_view")
    with app.websocket_connect("/ws") as t, app.websocket_connect("/ws") as table, \
            app.websocket_connect("/ws") as student:
        view = teacher(t, room)
        assert view["class_url"] == f"http://testserver/klasscherm#{room.view_code}"
        table.send_json({"type": "watch", "team": code})
        join(student, code, "Sara")
        for ws in (table, student):
            assert room.view_code not in json.dumps(state(ws))


def test_class_screen_guesses_are_rate_limited(app, room):
    """Guessing the class screen's code is cut off like guessing a team code."""
    for _ in range(limits.GUESS_BURST):
        with app.websocket_connect("/ws") as ws:
            ws.send_json({"type": "watch_class", "secret": "raden"})
            error(ws, "not_class_view")
    with app.websocket_connect("/ws") as ws:
        ws.send_json({"type": "watch_class", "secret": room.view_code})
        error(ws, "rate_limited")


def test_class_view_code_is_kept_and_added_to_an_old_class(tmp_path):
    """The code survives a restart; a class saved before the class screen gets one."""
    from klas_helpers import CASE

    from game.klas.classroom import Classroom
    from game.scenario.loader import load_scenario

    room = make_room(tmp_path / "k", 1)
    assert len(room.view_code) >= 24 and room.view_code != room.teacher_secret
    again = Classroom.open(load_scenario(CASE), room.folder)
    assert again.view_code == room.view_code
    path = room.folder / "klas.json"
    data = json.loads(path.read_text())
    del data["view_code"]
    path.write_text(json.dumps(data))
    old = Classroom.open(load_scenario(CASE), room.folder)
    assert old.view_code and old.view_code != room.view_code
    assert json.loads(path.read_text())["view_code"] == old.view_code

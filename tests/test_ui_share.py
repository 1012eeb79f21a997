"""Sharing is a team moment: a card, then the recipient, then a confirmation; the card stays
highlighted; a card shared with the whole team is shown on the shared screen; a card cannot be
shared twice with the same role by accident. Driven by clicks and keys only."""

from __future__ import annotations

import os

import pytest

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")

pygame = pytest.importorskip("pygame")

from conftest import to_play  # noqa: E402

from game.ui.driver import Driver  # noqa: E402


@pytest.fixture
def app(make_window):
    """A window playing the example case, past the briefings, consent given (scene 2)."""
    a = make_window(picker=True)
    d = Driver(a)
    to_play(d)
    d.click_choice("Vraag moeder wat zij zelf")
    d.click_choice("Vraag moeder om toestemming")  # the family agrees
    return a


def _open_share(d, who="Daan"):
    d.click("Kaarten delen")
    d.click_choice(who)
    d.hand_over()
    assert d.app.screen.name == "share"


def _shared(app):
    return [e for e in app.game.session.events if e["type"] == "info_shared"]


def test_a_share_takes_a_card_a_recipient_and_a_confirmation(app):
    """No card is chosen at first; choosing a card or a recipient shares nothing; only
    "Delen" does. The chosen card stays highlighted meanwhile."""
    d = Driver(app)
    _open_share(d)
    assert app.screen.card is None
    with pytest.raises(LookupError):
        d.button("Het hele team")  # no recipients before a card is chosen
    d.key(pygame.K_1)
    assert app.screen.card == "slaapdagboek"
    assert [c.selected for c in d.choices()] == [True]
    d.click("Het hele team")
    assert not _shared(app)
    assert [c.selected for c in d.choices()] == [True]
    assert app.screen.target == "team"
    d.click("Delen")
    (event,) = _shared(app)
    assert event["info"] == "slaapdagboek" and event["team"] is True
    assert app.screen.name == "play"


def test_a_card_shared_with_the_team_is_shown_on_the_shared_screen(app):
    """After a share with the whole team, the play screen shows the card's title and text
    for everyone to read."""
    d = Driver(app)
    _open_share(d)
    d.key(pygame.K_1)
    d.click("Het hele team")
    d.click("Delen")
    cards = [markup for kind, markup in app.screen._banners() if kind == "card"]
    assert cards and "Slaapdagboek" in cards[0]
    text = app.game.session.render(app.game.scenario.info["slaapdagboek"].text)
    assert text.split()[0] in cards[0]


def test_a_card_cannot_be_shared_twice_with_the_same_role(app):
    """Once the team knows the card, every recipient button for it is disabled."""
    d = Driver(app)
    _open_share(d)
    d.key(pygame.K_1)
    d.click("Sara")
    d.click("Delen")
    _open_share(d)
    d.key(pygame.K_1)
    assert not d.button("Sara (Leerkracht").is_enabled
    assert d.button("Anna (Jeugdprofessional)").is_enabled
    d.click("Sara (Leerkracht")
    d.click("Delen")  # disabled: no recipient chosen
    assert len(_shared(app)) == 1
    d.click("Het hele team")
    d.click("Delen")
    assert len(_shared(app)) == 2
    _open_share(d)
    d.key(pygame.K_1)
    assert not d.button("Het hele team").is_enabled


def test_asking_consent_shows_the_purpose_and_the_answer(make_window):
    """With a card whose consent can be asked: the share screen names what the consent is
    for, "Vraag toestemming" asks the family (a logged move), the answer shows on the card,
    and after a refusal the refusal is said on the shared screen too."""
    from pathlib import Path

    from game.engine.session import Session
    from game.scenario.loader import load_scenario
    from game.ui.flow import Game

    if not hasattr(Session, "ask_consent"):
        pytest.skip("asking for consent is not in the engine yet (issue 12)")
    path = Path(__file__).parent / "data" / "ui" / "toestemming_vragen.yaml"
    app = make_window()
    Game.start(app, path, load_scenario(path), {"a": "Anna", "b": "Bram"}, briefings=False)
    d = Driver(app)
    d.click("Kaarten delen")
    d.click_choice("Anna")
    d.hand_over()
    d.key(pygame.K_1)
    d.click("Bram")
    boxes = [e.html_text for e in app.manager.get_sprite_group().sprites()
             if type(e).__name__ == "UITextBox"]
    assert any("Afstemmen van de begeleiding in de klas" in b for b in boxes)
    d.click("Vraag toestemming")
    asked = [e for e in app.game.session.events if e["type"] == "consent_asked"]
    assert len(asked) == 1 and asked[0]["granted"] is True
    boxes = [e.html_text for e in app.manager.get_sprite_group().sprites()
             if type(e).__name__ == "UITextBox"]
    assert any("geeft toestemming" in b for b in boxes)
    with pytest.raises(LookupError):
        d.button("Vraag toestemming")  # within consent now: nothing left to ask
    d.click("Delen")
    (shared,) = [e for e in app.game.session.events if e["type"] == "info_shared"]
    assert shared["breach"] is False

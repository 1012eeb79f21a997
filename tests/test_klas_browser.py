"""End to end in a real browser: four students and a teacher in five Chromium contexts,
with a team's projector and the class screen.

Skipped (with the reason printed by pytest -ra) when Debian's Chromium or Playwright is not
installed; `.ci/run` installs Chromium so CI always runs them. Set KLAS_SCREENSHOTS=folder to
also save the screenshots of every page at a phone and a laptop size.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
from klas_browser import AXE, CHROMIUM_ARGS, KlasServer, chromium
from klas_helpers import CASE

pytestmark = [
    pytest.mark.timeout(240),
    pytest.mark.skipif(chromium() is None,
                       reason="browser tests skipped: Chromium is not installed "
                              "(apt-get install chromium; .ci/run does this)"),
]
sync_api = pytest.importorskip("playwright.sync_api",
                               reason="browser tests skipped: playwright is not installed")

PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1366, "height": 768}
STUDENTS = [("Sara", "jeugdprofessional", "Kies Jeugdprofessional"),
            ("Ahmed", "leerkracht", "Kies Leerkracht groep 5"),
            ("Iris", "jeugdarts", "Kies Jeugdarts"),
            ("Tom", "sporttrainer", "Kies Trainer van de sportclub")]
SHOTS = os.environ.get("KLAS_SCREENSHOTS")
# Contexts bypass the pages' Content-Security-Policy only so that axe-core can be injected;
# the policy itself is checked in test_klas_server.py.


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium, headless, driven by Playwright."""
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium(), args=CHROMIUM_ARGS,
                                    headless=True)
        yield browser
        browser.close()


def axe_problems(page) -> list[str]:
    """axe-core's serious and critical violations on the page (WCAG 2.1 A and AA rules).

    Without axe-core (not fetched: `make browser-deps`) there is nothing to run: the play
    test goes on, the accessibility test below is skipped.
    """
    if not AXE.exists():
        return []
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "async () => await axe.run(document, {runOnly: {type: 'tag', values: "
        "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})")
    return [f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
            for v in result["violations"] if v["impact"] in ("serious", "critical")]


def shoot(page, name: str) -> None:
    """Save a screenshot when KLAS_SCREENSHOTS names a folder."""
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)


def choose(page, text: str) -> None:
    """Click a choice button by its text."""
    page.get_by_role("button", name=text).click()


def test_a_class_plays_a_case_in_five_browsers(browser, tmp_path):
    """Join, take roles, start (one student comes late), consult, share, vote (one device
    drops and returns), end; the class screen follows, and no secret stays in an address."""
    with KlasServer(CASE, tmp_path / "klas", teams=1) as server:
        code = server.codes()[0]
        teacher_ctx = browser.new_context(viewport=LAPTOP, bypass_csp=True)
        teacher = teacher_ctx.new_page()
        teacher.goto(server.teacher_url())
        team_card = teacher.locator("section.team")
        sync_api.expect(team_card).to_contain_text(f"Code {code}")
        assert "#" not in teacher.url  # the secret is taken out of the address bar
        assert axe_problems(teacher) == []
        with teacher_ctx.expect_page() as opened:
            teacher.get_by_role("link", name="Klasscherm (beamer)").click()
        screen = opened.value
        screen_card = screen.locator("section.class-team")
        sync_api.expect(screen_card).to_contain_text("wacht op start")
        assert "#" not in screen.url

        contexts, pages = {}, {}

        def arrive(name, role, button):
            ctx = browser.new_context(viewport=PHONE, bypass_csp=True)
            page = ctx.new_page()
            page.goto(f"{server.base}/t/{code}")
            page.get_by_label("Je naam").fill(name)
            page.get_by_role("button", name="Meedoen").click()
            page.get_by_role("button", name=button).click()
            sync_api.expect(page.locator(".who")).to_contain_text(name)
            contexts[role], pages[role] = ctx, page

        for student in STUDENTS[:3]:
            arrive(*student)
        assert axe_problems(pages["jeugdprofessional"]) == []
        shoot(pages["jeugdprofessional"], "student-lobby-phone")

        table = teacher_ctx.new_page()
        table.goto(f"{server.base}/tafel/{code}")
        teacher.get_by_role("button", name="Start alle teams").click()
        arrive(*STUDENTS[3])  # Tom comes late: his name goes into the log from now on
        pro, juf, arts, trainer = (pages[r] for _, r, _ in STUDENTS)
        sync_api.expect(pro.get_by_role("button", name="Vertel welke zorgen de school heeft")) \
            .to_be_visible()
        sync_api.expect(screen_card).to_contain_text("Het eerste gesprek")
        sync_api.expect(screen_card).to_contain_text("Sara (Jeugdprofessional)")
        sync_api.expect(screen_card).to_contain_text("4/4 verbonden")
        sync_api.expect(juf.locator("#act-h")).to_have_text("Jouw keuze")
        sync_api.expect(juf.locator(".act")).to_contain_text("Jij hoeft nu niet te kiezen")

        # Consult: only the consulted role sees its advice.
        pro.get_by_label("Wie wil je raadplegen?").select_option("jeugdarts")
        pro.get_by_role("button", name="Raadplegen", exact=True).click()
        sync_api.expect(arts.locator(".advice")).to_contain_text("Vraag of je met de jeugdarts")
        sync_api.expect(table.locator(".feed")).to_contain_text("Sara raadpleegde Iris")
        assert juf.locator(".advice").count() == 0
        choose(pro, "Vraag moeder om toestemming om met school en jeugdarts te praten")

        # Share the doctor's card with the family coach (consent was given).
        arts.get_by_label("Delen met").select_option("jeugdprofessional")
        arts.get_by_role("button", name="Delen", exact=True).click()
        sync_api.expect(pro.locator("#card-dossier_arts-h")).to_have_text("Dossier jeugdarts")
        sync_api.expect(pro.locator(".info").first).to_contain_text("buikpijn")
        assert "buikpijn" not in juf.content() and "buikpijn" not in table.content()

        # Ask the family's consent before sharing the coach's own card (only Sara sees why).
        sync_api.expect(pro.get_by_text("Doel: Afspreken wie Noor")).to_be_visible()
        pro.locator("#to-thuissituatie").select_option("leerkracht")
        pro.locator("#ask-thuissituatie").click()
        sync_api.expect(pro.locator(".answers")).to_contain_text("Het gezin gaf toestemming")

        # The juf's phone drops out of Wi-Fi: her page is gone while the others vote.
        juf.close()
        for page in (pro, arts, trainer):
            choose(page, "Maak samen met moeder een plan")
        sync_api.expect(pro.locator(".act")).to_contain_text("Je stemde: Maak samen met")
        sync_api.expect(table.locator(".facts")).to_contain_text("Iris")
        assert "Maak samen met moeder een plan" not in table.locator(".facts").inner_text()
        juf = contexts["leerkracht"].new_page()
        juf.goto(f"{server.base}/t/{code}")
        sync_api.expect(juf.locator(".who")).to_contain_text("Ahmed")
        sync_api.expect(juf.locator(".who")).to_contain_text("Leerkracht groep 5")
        assert juf.get_by_label("Je naam").count() == 0  # recognised, no new sign-in
        choose(juf, "Maak samen met moeder een plan")

        # The timed consensus: the projector shows the timer; both agree.
        sync_api.expect(table.locator(".scene")).to_contain_text("Het plan")
        sync_api.expect(table.locator("[data-countdown]")).to_have_text("10:00")
        sync_api.expect(screen_card.locator("[data-class-timer]")).to_have_text(
            re.compile(r"^(10:00|9:[0-5]\d)$"))  # counting down on the projector's own clock
        sync_api.expect(screen_card.locator("progress")).to_have_attribute("value", "67")
        assert code not in screen.content() and "buikpijn" not in screen.content()
        assert axe_problems(screen) == []
        shoot(table, "table-play-laptop")
        shoot(pro, "student-play-phone")
        assert axe_problems(table) == []
        assert axe_problems(pro) == []
        choose(pro, "Laat de sportclub meedoen in het plan")
        choose(juf, "Laat de sportclub meedoen in het plan")
        for page in (pro, juf, arts, trainer, table):
            sync_api.expect(page.locator(".ending")).to_contain_text("Samen verder")
        sync_api.expect(team_card).to_contain_text("afgelopen")
        sync_api.expect(team_card).to_contain_text("Samen verder")
        sync_api.expect(screen_card).to_contain_text("afgerond")
        assert "Samen verder" not in screen.content()  # the ending stays with the team
        shoot(teacher, "teacher-play-laptop")

        # End the round: the class report opens from the teacher's page.
        teacher.once("dialog", lambda dialog: dialog.accept())
        with teacher_ctx.expect_page() as popup:
            teacher.get_by_role("button", name="Ronde beëindigen en klasrapport openen").click()
        report = popup.value
        report.wait_for_load_state()
        assert "Zorgen om Noor" in report.content()
        for ctx in [teacher_ctx, *contexts.values()]:
            ctx.close()

    log = next((tmp_path / "klas").glob("team-1-*.jsonl"))
    events = [json.loads(line) for line in log.read_text().splitlines()]
    assert [p["name"] for p in events[0]["players"]] == [
        "Sara", "Ahmed", "Iris", "Trainer van de sportclub"]
    assert [(e["role"], e["name"]) for e in events if e["type"] == "player_changed"] == [
        ("sporttrainer", "Tom")]
    assert events[-1]["type"] == "session_ended" and events[-1]["ending"] == "goed"
    kinds = [e["type"] for e in events]
    assert kinds.count("vote_cast") == 6 and "consulted" in kinds and "info_shared" in kinds


@pytest.mark.skipif(not AXE.exists(), reason="axe-core not fetched: run `make browser-deps`")
def test_pages_at_phone_and_laptop_size_pass_axe(browser, tmp_path):
    """Join, student, table, class screen and teacher pages: no serious axe violations at
    either size."""
    with KlasServer(CASE, tmp_path / "klas", teams=2) as server:
        code = server.codes()[0]
        for size, viewport in (("phone", PHONE), ("laptop", LAPTOP)):
            ctx = browser.new_context(viewport=viewport, bypass_csp=True)
            page = ctx.new_page()
            for name, url in (("join", f"{server.base}/"),
                              ("student-name", f"{server.base}/t/{code}"),
                              ("teacher", server.teacher_url()),
                              ("table", f"{server.base}/tafel/{code}"),
                              ("class", server.class_url()),
                              ("english", f"{server.base}/t/{code}?lang=en")):
                page.goto(url)
                page.wait_for_load_state("networkidle")
                assert axe_problems(page) == [], (name, size)
                shoot(page, f"{name}-{size}")
            ctx.close()

"""Tests for game.textmode and the `play`/`resume` commands: the terminal protocol, piped."""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import VALID, FakeClock

from game.commands import play as play_command
from game.engine.log import read_log
from game.engine.session import Session
from game.scenario.loader import load_scenario
from game.textmode import play_text

KEUKENTAFEL = VALID / "keukentafel.yaml"
ROOT = Path(__file__).resolve().parents[1]

# A whole game of keukentafel: consent, share the diary, consult, vote, a failed consensus.
GOOD_GAME = [
    "vraag_behoefte",  # kennismaking: ask what mother needs (choices by id: the order shown
    "vraag_toestemming",  # is shuffled per session, so a number means another choice per seed)
    "deel slaapdagboek team als verpleegkundige",
    "raadpleeg verpleegkundige",
    "netwerk", "netwerk", "netwerk",  # teamoverleg: everyone votes netwerk
    "samen", "zelf",  # plan: no consensus
    "samen", "samen",  # plan round 2: samen
]


def play(lines, lang="nl", clock=None, log=None, **kwargs):
    """Play keukentafel from these input lines; returns (exit code, output, session)."""
    scenario = load_scenario(KEUKENTAFEL)
    session = Session(scenario, players={"leerkracht": "Sara"}, lang=lang, seed=1,
                      clock=clock or FakeClock(), log=log)
    out = io.StringIO()
    code = play_text(session, io.StringIO("".join(x + "\n" for x in lines)), out, **kwargs)
    return code, out.getvalue(), session


def test_a_whole_game_reaches_the_ending_with_scores_and_questions(tmp_path):
    """Numbers, ids, share and consult play to the good ending; scores and questions show."""
    code, out, s = play(GOOD_GAME, log=tmp_path / "k.jsonl")
    assert code == 0 and s.ending_id == "samen_verder"
    assert "[jeugdprofessional] Kies 1-2: vraag_behoefte" in out
    assert "[leerkracht] Kies 1-3:" in out  # the teacher may also vote `observeren`
    assert "Einde: Samen verder (goede afloop)" in out
    assert "Regie bij het gezin: 6 / 6 (100%)" in out
    assert "? Welke informatie maakte het verschil, en wie had die?" in out
    assert "? Wie had in welk gesprek de regie, en merkte het gezin dat?" in out
    assert list(read_log(tmp_path / "k.jsonl").events) == s.events


def test_scene_shows_title_speaker_text_variables_and_timer():
    """A scene shows its title, speaker, rendered text, shown variables and the time left."""
    _, out, _ = play(GOOD_GAME)
    assert "Kennismaking\n" in out and "Moeder Lisa:\n" in out
    assert '"Fijn dat u er bent, Jeugdprofessional.' in out
    assert "Budget: €6.000   Vertrouwen gezin: 50" in out
    assert "Tijd: nog 03:00" in out
    assert "Vertrouwen gezin: 50 -> 60" in out and "Moeder ontspant zichtbaar." in out


def test_private_text_comes_after_a_hand_over_line():
    """Every briefing, card list and advice is preceded by a hand-over line naming the player."""
    _, out, _ = play(GOOD_GAME)
    handover = out.index(">>> Geef het toetsenbord aan Sara (Leerkracht groep 6)")
    assert handover < out.index("Jij bent de juf van Sem.")
    assert out.index(">>> Geef het toetsenbord aan Jeugdverpleegkundige") < out.index(
        "Sem sliep vorig jaar al slecht")
    advice = out.index("Slaapproblemen die met de wisseling")
    assert out.rindex(">>> Geef het toetsenbord aan Jeugdverpleegkundige", 0, advice) < advice


def test_consensus_disagreement_is_shown_to_everyone():
    """A failed consensus round lists who voted what and opens round 2."""
    _, out, _ = play(GOOD_GAME)
    assert "Geen overeenstemming" in out and "(ronde 2)" in out
    assert "Sara (Leerkracht groep 6): Schrijf zelf een plan en stuur het op" in out


def test_english_interface():
    """With lang=en every interface string is English (scenario text stays as written)."""
    _, out, _ = play(GOOD_GAME, lang="en")
    assert "[jeugdprofessional] Choose 1-2:" in out
    assert ">>> Hand the keyboard to Sara (Leerkracht groep 6)" in out
    assert "Ending: Samen verder (good outcome)" in out
    assert "Kies" not in out


def test_end_of_input_saves_and_says_how_to_resume(tmp_path):
    """EOF mid-game exits 0 with a resume line; resuming continues to the same ending."""
    log = tmp_path / "k.jsonl"
    code, out, first = play(GOOD_GAME[:5], log=log)
    assert code == 0 and not first.finished
    assert f"samenspel resume {log} --text" in out
    scenario = load_scenario(KEUKENTAFEL)
    resumed = Session.resume(log, scenario, clock=FakeClock())
    out2 = io.StringIO()
    code = play_text(resumed, io.StringIO("".join(x + "\n" for x in GOOD_GAME[5:])), out2,
                     intro=False)
    assert code == 0 and resumed.ending_id == "samen_verder"
    assert "Sessie hervat in 'teamoverleg'" in out2.getvalue()


def test_stop_saves_and_unknown_input_and_refused_moves_are_explained():
    """`stop` ends with 0; nonsense and illegal moves print a message and ask again."""
    code, out, s = play(["onzin", "deel slaapdagboek team", "raadpleeg jeugdprofessional",
                         "9", "help", "stop"])
    assert code == 0 and not s.finished
    assert "Onbekende invoer 'onzin'" in out
    assert "Kies een nummer van 1 tot en met 2 (niet 9)." in out
    assert "Dat kan niet: rol 'jeugdprofessional' kent kaart 'slaapdagboek' niet" in out
    assert "Dat kan niet: rol 'jeugdprofessional' kan zichzelf niet raadplegen" in out
    assert "deel KAART ROL" in out  # help
    assert "Sessie opgeslagen." in out
    assert out.count("[jeugdprofessional] Kies 1-2:") == 6


def test_secret_vote_hides_each_vote_behind_a_hand_over():
    """With secret voting a vote shows only that the role voted, after a hand-over line."""
    _, out, _ = play(GOOD_GAME, secret_vote=True)
    assert "Sara (Leerkracht groep 6) heeft gestemd." in out
    assert "stemt voor" not in out
    vote = out.index("Stem van Sara (Leerkracht groep 6) (ronde 1)")
    assert out.rindex(">>> Geef het toetsenbord aan Sara", 0, vote) < vote


class ClockedInput(io.StringIO):
    """An input stream that lets time pass before handing over a line."""

    def __init__(self, lines, clock, pause):
        super().__init__("".join(x + "\n" for x in lines))
        self.clock, self.pause = clock, pause

    def readline(self, *args):
        self.clock.advance(self.pause.pop(0) if self.pause else 0)
        return super().readline(*args)


def test_timer_runs_out_while_the_team_thinks():
    """Input that arrives after the deadline does not count; on_timeout is taken."""
    clock = FakeClock()
    scenario = load_scenario(KEUKENTAFEL)
    s = Session(scenario, clock=clock)
    out = io.StringIO()
    lines = ["vraag_behoefte", "vraag_toestemming", "netwerk", "netwerk", "netwerk", "samen", ""]
    pauses = [0, 0, 0, 0, 0, 500]  # the vote in `plan` comes 500 s late
    code = play_text(s, ClockedInput(lines, clock, pauses), out)
    text = out.getvalue()
    assert code == 0
    assert "De tijd was al om" in text and "Tijd op" in text
    assert s.ending_id == "vastgelopen"


def test_timers_off_never_run_out_and_show_no_time():
    """With the timers off (`--geen-timer`), the same late vote counts and no time is shown."""
    clock = FakeClock()
    s = Session(load_scenario(KEUKENTAFEL), clock=clock)
    out = io.StringIO()
    lines = ["1", "1", "1", "1", "1", "1", "1", "1", ""]
    pauses = [0, 0, 0, 0, 0, 500]
    play_text(s, ClockedInput(lines, clock, pauses), out, timers=False)
    text = out.getvalue()
    assert "De tijd was al om" not in text and "Tijd op" not in text
    assert "Tijd: " not in text and "timer" not in text.lower()
    assert not any(e["type"] == "timer_expired" for e in s.events)
    assert s.finished


# --------------------------------------------------------------------- the commands


def run_cli(*args, stdin="", cwd=ROOT):
    """Run `python -m game ...` in a subprocess."""
    return subprocess.run([sys.executable, "-m", "game", *args], input=stdin, cwd=cwd,
                          capture_output=True, text=True, timeout=60)


def test_cli_play_text_to_the_end_and_resume_a_stopped_game(tmp_path):
    """`play --text` piped plays; `resume --text` continues the same log to the ending."""
    log = tmp_path / "cli.jsonl"
    first = run_cli("play", str(KEUKENTAFEL), "--text", "--log", str(log), "--seed", "2",
                    "--player", "leerkracht=Sara", stdin="\n".join(GOOD_GAME[:4]) + "\n")
    assert first.returncode == 0, first.stderr
    assert f"samenspel resume {log} --text" in first.stdout
    second = run_cli("resume", str(log), "--text", "--lang", "en",
                     stdin="\n".join(GOOD_GAME[4:]) + "\n")
    assert second.returncode == 0, second.stderr
    assert "Ending: Samen verder" in second.stdout
    events = [json.loads(x) for x in log.read_text(encoding="utf-8").splitlines()]
    assert events[0]["seed"] == 2 and events[-1]["type"] == "session_ended"
    assert [e["seq"] for e in events] == list(range(len(events)))


def test_cli_geen_timer_hides_the_timer_and_keeps_it_off_on_resume(tmp_path):
    """`--geen-timer` (or `--no-timer`) switches the timers off; the resume line keeps it off."""
    log = tmp_path / "t.jsonl"
    run = run_cli("play", str(KEUKENTAFEL), "--text", "--geen-timer", "--log", str(log),
                  "--seed", "2", stdin="\n".join(GOOD_GAME[:4]) + "\n")
    assert run.returncode == 0, run.stderr
    assert f"samenspel resume {log} --text --no-timer" in run.stdout
    assert "Tijd: nog" not in run.stdout
    with_timer = run_cli("play", str(KEUKENTAFEL), "--text", "--log", str(tmp_path / "u.jsonl"),
                         "--seed", "2", stdin="\n".join(GOOD_GAME) + "\n")
    assert "Tijd: nog" in with_timer.stdout


def test_cli_bad_scenario_exits_1_with_compiler_style_problems(tmp_path):
    """A scenario with errors: exit 1, `path:line:col: error: ...`, no traceback."""
    bad = tmp_path / "bad.yaml"
    bad.write_text(KEUKENTAFEL.read_text(encoding="utf-8").replace("goto: plan", "gotoo: plan"),
                   encoding="utf-8")
    result = run_cli("play", str(bad), "--text")
    assert result.returncode == 1
    assert f"{bad}:" in result.stderr and ": error: " in result.stderr
    assert "Traceback" not in result.stderr


def test_cli_usage_errors_exit_2(tmp_path):
    """A malformed --player, a player for an unknown role, or no scenario: exit 2."""
    bad_player = run_cli("play", str(KEUKENTAFEL), "--text", "--player", "Sara")
    assert bad_player.returncode == 2 and "ROL=NAAM" in bad_player.stderr
    unknown = run_cli("play", str(KEUKENTAFEL), "--text", "--player", "piloot=Mo")
    assert unknown.returncode == 2 and "'piloot'" in unknown.stderr
    assert run_cli("play").returncode == 2


def test_cli_resume_of_a_damaged_log_exits_1(tmp_path):
    """A log with garbage in the middle cannot be resumed: exit 1 with the line named."""
    log = tmp_path / "x.jsonl"
    run_cli("play", str(KEUKENTAFEL), "--text", "--log", str(log), stdin="1\n1\n")
    lines = log.read_text(encoding="utf-8").splitlines()
    lines[1] = "{kapot"
    log.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = run_cli("resume", str(log), "--text")
    assert result.returncode == 1 and f"{log}:2:" in result.stderr


@pytest.mark.parametrize("value", ["a=b", "leerkracht = Sara"])
def test_parse_players_accepts_role_equals_name(value):
    """`ROLE=NAME` (spaces around are fine) parses to a mapping."""
    role, name = (x.strip() for x in value.split("="))
    assert play_command.parse_players([value], "nl") == {role: name}


def test_narration_continues_on_enter_or_1_and_resume_shows_votes_already_cast(tmp_path):
    """`1` continues a narration scene; after a resume mid-vote, the cast votes are shown."""
    scenario = load_scenario(VALID / "engine_loop.yaml")
    log = tmp_path / "loop.jsonl"
    first = Session(scenario, log=log, clock=FakeClock())
    out = io.StringIO()
    # the vote by choice id: the order shown is shuffled per session
    assert play_text(first, io.StringIO("1\ntoestemming\n"), out) == 0
    assert "[team] Enter = verder: 1" in out.getvalue()
    resumed = Session.resume(log, scenario, clock=FakeClock())
    out = io.StringIO()
    assert play_text(resumed, io.StringIO(""), out, intro=False) == 0
    text = out.getvalue()
    assert "Jeugdprofessional stemt voor: Vraag het gezin om toestemming" in text
    assert text.index("stemt voor") < text.index("[beleid] Kies 1-2:")


def test_at_a_terminal_private_text_waits_for_enter_then_clears_and_redraws():
    """Interactive: Enter before and after private text, the screen cleared, the scene redrawn."""
    scenario = load_scenario(KEUKENTAFEL)
    s = Session(scenario, players={"leerkracht": "Sara"})
    lines = ["", ""] * 3 + ["vraag_behoefte", "vraag_toestemming", "kaarten", "", "", "stop"]
    out = io.StringIO()
    assert play_text(s, io.StringIO("\n".join(lines) + "\n"), out, interactive=True) == 0
    text = out.getvalue()
    ready = text.index("Sara, druk op Enter als je klaar bent om te lezen:")
    assert ready < text.index("Jij bent de juf van Sem.")
    assert text.count("\033[2J") == 4  # three briefings and one card list
    after_cards = text[text.rindex("\033[2J"):]
    assert "Kort overleg" in after_cards and "[jeugdprofessional] Kies 1-2:" in after_cards


def test_ctrl_c_saves_like_stop(tmp_path):
    """A KeyboardInterrupt while waiting for input saves and prints how to resume."""

    class Interrupting(io.StringIO):
        def readline(self, *args):
            raise KeyboardInterrupt

    scenario = load_scenario(KEUKENTAFEL)
    log = tmp_path / "c.jsonl"
    s = Session(scenario, log=log)
    out = io.StringIO()
    assert play_text(s, Interrupting(), out) == 0
    assert f"samenspel resume {log} --text" in out.getvalue()
    assert len(read_log(log).events) == 2


def test_cli_resume_of_an_edited_scenario_needs_force(tmp_path):
    """After the scenario file changed, resume refuses (exit 1, mentions --force) until forced."""
    scenario = tmp_path / "keukentafel.yaml"
    scenario.write_text(KEUKENTAFEL.read_text(encoding="utf-8"), encoding="utf-8")
    log = tmp_path / "f.jsonl"
    run_cli("play", str(scenario), "--text", "--log", str(log), stdin="1\n")
    scenario.write_text(scenario.read_text(encoding="utf-8").replace(
        "Moeder ontspant zichtbaar.", "Moeder glimlacht."), encoding="utf-8")
    refused = run_cli("resume", str(log), "--text")
    assert refused.returncode == 1 and "--force" in refused.stderr
    forced = run_cli("resume", str(log), "--text", "--force", stdin="stop\n")
    assert forced.returncode == 0 and "Sessie hervat in 'toestemming_vragen'" in forced.stdout


@pytest.mark.parametrize("width", [30, 52, 80])
def test_text_wraps_at_the_width_on_word_boundaries(width):
    """Every line fits the width and no word is split (the terminal used to break words in the
    middle: "Joo st"); wrapped, the output holds the same words as unwrapped; a continuation
    line of a numbered option lines up under its text."""
    _, plain, _ = play(GOOD_GAME)
    _, wrapped, _ = play(GOOD_GAME, width=width)
    for line in wrapped.splitlines():
        if line.startswith("[") and line.endswith(tuple(GOOD_GAME)):
            continue  # a prompt with the typed line echoed (a terminal wraps what is typed)
        assert len(line) <= width or " " not in line.strip(), line
    def words(text):
        return [w for w in text.split() if len(set(w)) > 1]  # rules are cut to the width

    assert words(wrapped) == words(plain)
    options = [line for line in plain.splitlines() if re.match(r"  1\. ", line)]
    assert options
    long = [line for line in options if len(line) > width]
    if long:
        lines = wrapped.splitlines()
        first = next(i for i, line in enumerate(lines)
                     if line.startswith("  1. ") and line != long[0] and long[0].startswith(line))
        assert lines[first + 1].startswith(" " * 5) and lines[first + 1][5] != " "


def test_width_comes_from_the_terminal_and_piped_output_is_not_wrapped(monkeypatch):
    """At a terminal the width is the terminal's (shutil, COLUMNS); piped, lines stay whole."""
    from game.textmode import TextPlayer

    class Terminal(io.StringIO):
        def isatty(self):
            return True

    monkeypatch.setenv("COLUMNS", "44")
    session = Session(load_scenario(KEUKENTAFEL), seed=1, clock=FakeClock())
    assert TextPlayer(session, io.StringIO(), Terminal()).width == 44
    assert TextPlayer(session, io.StringIO(), io.StringIO()).width is None


def test_ask_for_consent_and_numbers_follow_the_shown_order():
    """`vraag KAART ROL` asks the family (purpose and answer printed); a number picks the
    choice at that position of the shown (shuffled) order, not of the file."""
    scenario = load_scenario(VALID / "toestemming.yaml")
    s = Session(scenario, seed=5, clock=FakeClock())
    shown = [c.id for c in s.options("jeugdprofessional")]
    out = io.StringIO()
    lines = ["vraag verhaal_moeder team", "vraag verhaal_moeder leerkracht", "help", "2"]
    assert play_text(s, io.StringIO("\n".join(lines) + "\n"), out) == 0
    text = out.getvalue()
    assert "Doel: Afstemmen van de begeleiding in de klas" in text
    assert "Het gezin weigert." in text and text.count("Het gezin weigert.") == 2  # 50 → 45
    assert "vraag KAART ROL" in text  # help
    (vote,) = [e for e in s.events if e["type"] == "vote_cast"]
    assert vote["choice"] == shown[1]


def test_piped_output_reflows_a_quote_as_a_terminal_does():
    """The author's line break inside Moeder Lisa's quote (a YAML block scalar) is joined
    piped as at a terminal: the same quote, one line (it used to stay broken when piped)."""
    quote = ('"Fijn dat u er bent, Jeugdprofessional. Ik weet eigenlijk niet goed waarom de '
             'school mij naar u stuurde."')
    _, piped, _ = play(GOOD_GAME)
    _, terminal, _ = play(GOOD_GAME, width=200)
    assert quote in piped.splitlines()
    assert quote in terminal.splitlines()


@pytest.mark.parametrize("lang,heading", [
    ("nl", "Jouw advies als Jeugdverpleegkundige, gevraagd door Jeugdprofessional. "
           "Alleen jij leest dit:"),
    ("en", "Your advice as Jeugdverpleegkundige, asked for by Jeugdprofessional. "
           "Only you read this:"),
])
def test_advice_says_who_gives_it_and_who_reads_it(lang, heading):
    """After the hand-over to the consulted role, the advice is headed as that role's own
    advice, asked for by the consulting player (not "advice for <consulted role>")."""
    _, out, _ = play(GOOD_GAME, lang=lang)
    lines = out.splitlines()
    at = lines.index(heading)
    assert lines[at - 1].startswith(">>> ") and "Jeugdverpleegkundige" in lines[at - 1]
    assert lines[at + 1].startswith("Slaapproblemen die met de wisseling")


@pytest.mark.parametrize("lang,line", [
    ("nl", "Jeugdverpleegkundige deelt 'Slaapdagboek' met het hele team."),
    ("en", "Jeugdverpleegkundige shares 'Slaapdagboek' with the whole team."),
])
def test_a_share_with_the_team_reads_as_a_sentence(lang, line):
    """A card shared with everyone is shared "met het hele team", not "met team" (the id)."""
    _, out, _ = play(GOOD_GAME, lang=lang)
    assert line in out.splitlines()

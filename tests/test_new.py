"""Tests for the starter scenario (game.authoring.new) and the `samenspel new` command."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from game.authoring import new
from game.cli import main
from game.engine.session import Session
from game.scenario.loader import load_scenario, load_scenario_text_with_problems

ROOT = Path(__file__).parent.parent
ROLE_SETS = [
    None,
    "a,b",
    "jurist,econoom,ib,leerkracht,gezinscoach",
    "x1,jeugdarts",
    "jeugdprofessional, leerkracht ,jeugdverpleegkundige,jurist",
]


def _problems(text: str) -> list:
    """Every problem the loader finds in YAML text."""
    return load_scenario_text_with_problems(text, "starter.yaml")[1]


@pytest.mark.parametrize("lang", ["nl", "en"])
@pytest.mark.parametrize("roles", ROLE_SETS)
def test_starter_validates_strictly(roles, lang):
    """The starter has no error and no warning but the TODO of each role it could not place."""
    ids = new.parse_roles(roles)
    text = new.render_starter("start_case", ids, lang=lang)
    unknown = [r for r in ids if r not in new.KNOWN_ROLES]
    problems = _problems(text)
    assert [(p.severity, p.code) for p in problems] == [("warning", "unknown-academy")] * len(
        unknown), [p.format("en") for p in problems]
    assert all("TODO" in p.message for p in problems)


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_starter_uses_every_feature_of_the_format(lang):
    """Every key the format allows appears in the starter (the shared example's promise)."""
    from game.scenario.structure import KEYS

    data = yaml.safe_load(new.render_starter("s1", lang=lang))
    seen: dict[str, set[str]] = {kind: set() for kind in KEYS}
    seen["scenario"] |= set(data)
    for role in data["roles"].values():
        seen["role"] |= set(role)
    for card in data["info"].values():
        seen["info"] |= set(card)
        if isinstance(card.get("consent"), dict):
            seen["consent"] |= set(card["consent"])
        for key in ("on_share", "on_breach", "on_refuse"):
            seen["effects"] |= set(card.get(key, {}))
    for var in data["variables"].values():
        if isinstance(var, dict):
            seen["variable"] |= set(var)
    for dim in data["scores"].values():
        seen["dimension"] |= set(dim)
    for scene in data["scenes"].values():
        seen["scene"] |= set(scene)
        seen["effects"] |= set(scene.get("on_enter", {}))
        for choice in scene.get("choices", []):
            seen["choice"] |= set(choice)
            seen["effects"] |= set(choice) & {"set", "add", "score"}
            if isinstance(choice["goto"], list):
                for route in choice["goto"]:
                    seen["route"] |= set(route)
    for ending in data["endings"].values():
        seen["ending"] |= set(ending)
        if isinstance(ending.get("questions"), dict):
            seen["phases"] |= set(ending["questions"])
    seen["debrief"] |= set(data["debrief"])
    guide = data["debrief"].get("guide", {})
    seen["guide"] |= set(guide)
    for note in guide.get("legal_background", []):
        seen["legal_note"] |= set(note)
    for kind, keys in KEYS.items():
        assert set(keys) <= seen[kind], (kind, set(keys) - seen[kind])
    assert any(not isinstance(v, dict) for v in data["variables"].values())  # shorthand
    decisions = {s.get("decision") for s in data["scenes"].values()}
    assert {"vote", "consensus"} <= decisions
    assert {e["outcome"] for e in data["endings"].values()} == {"good", "mixed", "bad"}
    text = new.render_starter("s1", lang=lang)
    for placeholder in ("{player:", "{role:", "{budget}", "{{"):
        assert placeholder in text
    assert data["language"] == lang


def test_starter_has_dutch_comments():
    """The starter explains itself in Dutch comments."""
    text = new.render_starter("s1")
    comments = [line for line in text.splitlines() if line.lstrip().startswith("#")]
    assert len(comments) > 15
    assert "samenspel validate s1.yaml" in text
    assert "# alle rollen samen" in text


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_starter_plays_to_an_ending_through_the_api(lang):
    """Driving the session with the first open option everywhere reaches an ending."""
    text = new.render_starter("s1", lang=lang)
    scenario = load_scenario_text_with_problems(text)[0]
    session = Session(scenario, players={}, log=None, seed=1)
    for _ in range(50):
        if session.finished:
            break
        waiting = session.waiting_for()
        if not waiting:
            session.proceed()
            continue
        for role in waiting:
            options = session.options(role)
            if options:
                session.choose(role, options[0].id)
                break
    assert session.finished and session.ending is not None


def test_starter_roles_known_and_unknown():
    """Known ids get their usual name and academy; unknown ids a TODO, never a wrong guess."""
    roles = new.starter_roles(("jurist", "leerplichtambtenaar", "poh_ggz", "ib_coach"))
    assert (roles[0].name, roles[0].academy) == ("Jurist", "recht")
    assert new.starter_roles(("jurist", "zus"), "en")[0].name == "Lawyer"
    assert (roles[1].name, roles[1].academy) == ("Leerplichtambtenaar", "TODO")
    assert (roles[2].name, roles[2].academy) == ("POH GGZ", "gezondheidszorg")
    assert (roles[3].name, roles[3].academy) == ("IB coach", "TODO")
    assert new.in_sentence("POH GGZ") == "POH GGZ" and new.in_sentence("Leerkracht") == "leerkracht"


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_starter_follows_the_guides_quoting_rule(lang):
    """Text with a comma inside `{ }` is quoted, as the guide tells teachers to do."""
    text = new.render_starter("s", lang=lang)
    for line in text.splitlines():
        if "description:" in line and "{" in line:
            value = line.split("description:", 1)[1].strip().rstrip("}").strip()
            assert "," not in value or value.startswith('"'), line


@pytest.mark.parametrize("bad", ["Zorg om Noor", "", "zorg.noor", "ZORG"])
def test_check_id_refuses_bad_slugs(bad):
    """An id that is not a slug is refused with a suggestion when one can be made."""
    with pytest.raises(new.StarterError) as info:
        new.check_id(bad)
    assert info.value.key == "authoring.new.bad_id"
    assert info.value.values["id"] == bad


def test_parse_roles_refusals():
    """Too few, duplicate and invalid role ids are refused with the offending input."""
    for text, key in [("a", "too_few_roles"), ("a,a", "duplicate_role"),
                      ("a,Rol B", "bad_role"), ("a,b-c", "bad_role")]:
        with pytest.raises(new.StarterError) as info:
            new.parse_roles(text)
        assert info.value.key == f"authoring.new.{key}", text
    assert new.parse_roles(" a , b ") == ("a", "b")


def test_command_writes_file_and_refuses_to_overwrite(tmp_path, capsys):
    """`new` writes ID.yaml, refuses an existing file, and overwrites with --force."""
    out = tmp_path / "zorg.yaml"
    assert main(["new", "zorg", "-o", str(out)]) == 0
    assert "Nieuw scenario geschreven" in capsys.readouterr().out
    out.write_text("mijn werk", encoding="utf-8")
    assert main(["new", "zorg", "-o", str(out)]) == 1
    assert "bestaat al" in capsys.readouterr().err
    assert out.read_text(encoding="utf-8") == "mijn werk"
    assert main(["new", "zorg", "-o", str(out), "--force"]) == 0
    assert load_scenario(out).id == "zorg"


def test_command_default_path_and_messages(tmp_path, monkeypatch, capsys):
    """Without -o the file is ID.yaml here; refusals are clear; --lang en writes English."""
    monkeypatch.chdir(tmp_path)
    assert main(["new", "pgb-gesprek", "--roles", "gezinscoach,consulent"]) == 0
    assert set(load_scenario(tmp_path / "pgb-gesprek.yaml").roles) == {"gezinscoach", "consulent"}
    capsys.readouterr()
    assert main(["new", "Zorg om Noor"]) == 1
    assert "'zorg_om_noor'" in capsys.readouterr().err
    assert main(["new", "x", "--roles", "a", "--lang", "en"]) == 1
    assert "at least 2 roles" in capsys.readouterr().err
    assert main(["new", "engels", "--lang", "en"]) == 0
    text = (tmp_path / "engels.yaml").read_text(encoding="utf-8")
    assert "language: en" in text and "# who chooses" in text
    assert load_scenario(tmp_path / "engels.yaml").language == "en"


def test_schema_reference_is_relative_to_the_file(tmp_path):
    """The editor modeline points at docs/scenario.schema.json as seen from the new file."""
    ref = new.schema_reference(ROOT / "scenarios" / "x.yaml")
    if not (ROOT / "docs" / "scenario.schema.json").exists():
        pytest.skip("schema not generated in this checkout")
    assert ref == "../docs/scenario.schema.json"
    text = new.render_starter("s1", schema=ref)
    assert text.startswith("# yaml-language-server: $schema=../docs/scenario.schema.json\n")
    assert _problems(text) == []


def test_starter_plays_to_an_ending_in_text_mode(tmp_path):
    """`new`, `validate --strict`, then `play --text` with piped input ends the case (exit 0)."""
    env = {**os.environ, "SDL_VIDEODRIVER": "dummy", "PYTHONIOENCODING": "utf-8"}
    path = tmp_path / "starter.yaml"
    cmd = [sys.executable, "-m", "game"]
    subprocess.run(cmd + ["new", "starter", "-o", str(path)], check=True, env=env,
                   capture_output=True, cwd=ROOT)
    checked = subprocess.run(cmd + ["validate", "--strict", "--json", str(path)], env=env,
                             capture_output=True, text=True, cwd=ROOT)
    assert checked.returncode == 0 and json.loads(checked.stdout) == []
    log = tmp_path / "log.jsonl"
    played = subprocess.run(cmd + ["play", str(path), "--text", "--seed", "1", "--log", str(log)],
                            input="1\n" * 40, env=env, capture_output=True, text=True,
                            cwd=ROOT, timeout=120)
    assert played.returncode == 0, played.stderr
    assert "Einde:" in played.stdout
    events = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
    assert events[-1]["type"] == "session_ended"
    assert events[-1]["ending"] in ("samen_verder", "half_werk", "vastgelopen")

"""Every YAML example in the guides is checked, so the documentation cannot rot.

Documents: docs/handleiding-scenario-schrijven.md (Dutch guide), docs/scenario-format.md
(English reference) and the README's ten-line scenario. Each fenced ```yaml block is one example:

- A block with top-level `format:` and `scenes:` keys is a **whole scenario**: it must load
  with no problem at all (no error, no warning), as `samenspel validate --strict` requires.
- Any other block is a **fragment** written under its top-level keys (`scenes:`, `info:` ...).
  The test puts it first in a file (so its line numbers stay those of the block) and appends a
  small base scenario for every top-level key it lacks: three roles (jeugdprofessional,
  leerkracht, verpleegkundige), cards zorgen_school (owner leerkracht) and opa (no owner),
  variables budget/vertrouwen/toestemming, dimensions
  regie_gezin/informatiedeling/netwerk, endings samen_verder/half_werk/vastgelopen, and a
  team scene `begin` (start is the fragment's first scene when it has scenes). The result
  must have no error (warnings such as "unreachable" are expected for fragments).
- `<!-- fragment -->` on the line before a block: only checked to be readable YAML (for
  snippets that cannot stand in a scenario, such as a lone editor header).
- `<!-- invalid: CODE -->` on the line before a block: the (wrapped) block must produce that
  problem code. When a ```text block follows it, that block must appear, line for line, in
  what `samenspel validate mijn_casus.yaml` prints for it: the messages shown are the tool's.
"""

from __future__ import annotations

import re
from pathlib import Path

import attrs
import pytest
import yaml

from game.cli import main
from game.scenario.loader import load_scenario_text_with_problems

ROOT = Path(__file__).parent.parent
DOCS = [
    ROOT / "docs" / "handleiding-scenario-schrijven.md",
    ROOT / "docs" / "scenario-format.md",
    ROOT / "README.md",
]
FILENAME = "mijn_casus.yaml"
MARKER = re.compile(r"<!--\s*(fragment|invalid:\s*([a-z0-9-]+))\s*-->")
TOP_KEYS = ("format", "id", "title", "language", "summary", "learning_goals", "roles", "info",
            "variables", "scores", "start", "scenes", "endings", "debrief")

BASE: dict = {
    "format": 1,
    "id": "voorbeeld",
    "title": "Voorbeeld",
    "roles": {
        "jeugdprofessional": {"name": "Jeugdprofessional", "academy": "sociale_studies",
                              "briefing": "Jij bent de gezinscoach."},
        "leerkracht": {"name": "Leerkracht", "academy": "pabo", "briefing": "Jij bent de juf."},
        "verpleegkundige": {"name": "Jeugdverpleegkundige", "academy": "gezondheidszorg",
                            "briefing": "Jij werkt bij de GGD."},
    },
    "info": {
        "zorgen_school": {"owner": "leerkracht", "title": "Zorgen", "text": "Sem is moe."},
        "opa": {"title": "Opa", "text": "Opa wil helpen."},
    },
    "variables": {
        "budget": {"initial": 6000, "min": 0},
        "vertrouwen": {"initial": 50, "min": 0, "max": 100},
        "toestemming": False,
    },
    "scores": {
        "regie_gezin": {"label": "Regie bij het gezin"},
        "informatiedeling": {"label": "Informatie delen"},
        "netwerk": {"label": "Netwerk betrekken"},
    },
    "start": "begin",
    "scenes": {
        "begin": {"text": "Het team begint.", "actor": "team", "choices": [
            {"text": "Goed", "goto": "samen_verder"},
            {"text": "Half", "goto": "half_werk"},
            {"text": "Mis", "goto": "vastgelopen"},
        ]},
    },
    "endings": {
        "samen_verder": {"title": "Samen verder", "text": "Goed.", "outcome": "good"},
        "half_werk": {"title": "Half werk", "text": "Half.", "outcome": "mixed"},
        "vastgelopen": {"title": "Vastgelopen", "text": "Mis.", "outcome": "bad"},
    },
}


@attrs.frozen
class Example:
    """One ```yaml block of a document, with its marker and the output shown after it."""

    doc: str
    line: int  # 1-based line of the opening fence
    text: str
    marker: str | None  # None, "fragment" or "invalid"
    code: str | None
    shown_output: tuple[str, ...] | None

    @property
    def id(self) -> str:
        """A readable test id: document stem and line."""
        return f"{Path(self.doc).stem}:{self.line}"

    @property
    def is_whole(self) -> bool:
        """True when the block is a whole scenario (top-level `format:` and `scenes:` keys)."""
        return all(re.search(rf"^{key}\s*:", self.text, re.M) for key in ("format", "scenes"))


def extract(path: Path) -> list[Example]:
    """Every ```yaml block of a Markdown file with its marker and any ```text block after it."""
    lines = path.read_text(encoding="utf-8").splitlines()
    examples = []
    i = 0
    while i < len(lines):
        if lines[i].strip() in ("```yaml", "```yml"):
            start = i
            j = i + 1
            while j < len(lines) and lines[j].strip() != "```":
                j += 1
            body = "\n".join(lines[start + 1 : j]) + "\n"
            k = start - 1
            while k >= 0 and not lines[k].strip():
                k -= 1
            match = MARKER.fullmatch(lines[k].strip()) if k >= 0 else None
            marker = code = None
            if match:
                marker = "fragment" if match.group(1) == "fragment" else "invalid"
                code = match.group(2)
            shown = None
            n = j + 1
            while n < len(lines) and not lines[n].strip():
                n += 1
            if marker == "invalid" and n < len(lines) and lines[n].strip() == "```text":
                m = n + 1
                while m < len(lines) and lines[m].strip() != "```":
                    m += 1
                shown = tuple(lines[n + 1 : m])
            examples.append(Example(str(path.relative_to(ROOT)), start + 1, body, marker, code,
                                    shown))
            i = j + 1
        else:
            i += 1
    return examples


def wrap(fragment: str) -> str:
    """The fragment first (its line numbers unchanged), then the base for every missing key."""
    data = yaml.load(fragment, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    if data is None:
        data = {}
    assert isinstance(data, dict), "a fragment must be a mapping of top-level keys"
    stray = set(data) - set(TOP_KEYS)
    assert not stray, (f"fragment has keys {sorted(stray)} that are not top-level keys of a "
                       "scenario; write it under its section (scenes:, info: ...) or mark it "
                       "<!-- fragment -->")
    rest = {k: v for k, v in BASE.items() if k not in data}
    if "scenes" in data and "start" not in data and isinstance(data["scenes"], dict):
        rest["start"] = next(iter(data["scenes"]))
    tail = yaml.safe_dump(rest, allow_unicode=True, sort_keys=False)
    return fragment.rstrip("\n") + "\n" + tail


EXAMPLES = [ex for doc in DOCS if doc.exists() for ex in extract(doc)]


def test_the_guide_has_examples_of_every_kind():
    """The Dutch guide exists and has whole, fragment and invalid examples (with output)."""
    guide = [ex for ex in EXAMPLES if ex.doc.endswith("handleiding-scenario-schrijven.md")]
    assert any(ex.is_whole and ex.marker is None for ex in guide)
    assert sum(ex.marker == "invalid" and ex.shown_output is not None for ex in guide) >= 10
    assert sum(not ex.is_whole and ex.marker is None for ex in guide) >= 8


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda ex: ex.id)
def test_example(example, tmp_path, monkeypatch, capsys):
    """Each example loads (whole: no problem; fragment: no error) or fails as its marker says."""
    if example.marker == "fragment":
        yaml.load(example.text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
        return
    if example.marker == "invalid":
        try:
            text = example.text if example.is_whole else wrap(example.text)
        except yaml.YAMLError:
            text = example.text  # a syntax error is the point of the example
        _, problems = load_scenario_text_with_problems(text, FILENAME)
        assert example.code in {p.code for p in problems}, [p.format("nl") for p in problems]
        if example.shown_output is not None:
            (tmp_path / FILENAME).write_bytes(text.encode("utf-8"))
            monkeypatch.chdir(tmp_path)
            main(["validate", FILENAME])
            printed = capsys.readouterr().out.splitlines()
            shown = list(example.shown_output)
            assert any(printed[i : i + len(shown)] == shown for i in range(len(printed))), (
                "the output shown in the guide is not what the tool prints:\n"
                + "\n".join(printed))
        return
    if example.is_whole:
        _, problems = load_scenario_text_with_problems(example.text, FILENAME)
        assert [p.format("nl") for p in problems] == []
    else:
        _, problems = load_scenario_text_with_problems(wrap(example.text), FILENAME)
        assert [p.format("nl") for p in problems if p.severity == "error"] == []


def test_extract_reads_markers_and_output(tmp_path):
    """The extractor sees markers on the line before a block and the text block after it."""
    doc = tmp_path / "d.md"
    doc.write_text("a\n\n<!-- invalid: unknown-key -->\n```yaml\nx: 1\n```\n\n```text\nout\n```\n"
                   "<!-- fragment -->\n```yaml\ny\n```\n```yaml\nformat: 1\nscenes: {}\n```\n",
                   encoding="utf-8")
    global ROOT
    old, ROOT = ROOT, tmp_path
    try:
        found = extract(doc)
    finally:
        ROOT = old
    assert [(e.marker, e.code, e.shown_output, e.is_whole) for e in found] == [
        ("invalid", "unknown-key", ("out",), False),
        ("fragment", None, None, False),
        (None, None, None, True),
    ]


def test_wrap_keeps_fragment_lines_and_fills_the_rest():
    """Wrapping puts the fragment on its own line numbers and completes a loadable scenario."""
    fragment = "scenes:\n  plan:\n    text: Plan.\n    next: half_werk\n"
    wrapped = wrap(fragment)
    assert wrapped.startswith(fragment)
    scenario, problems = load_scenario_text_with_problems(wrapped)
    assert scenario is not None and scenario.start == "plan"
    with pytest.raises(AssertionError, match="not top-level keys"):
        wrap("text: los\n")


@pytest.mark.parametrize(
    "phrase",
    [
        "als ROL",  # acting for another role in text mode
        "--player ROL=NAAM",
        "samenspel\\logs",  # where logs are stored (Windows), and the other systems
        "~/.local/share/samenspel/logs",
        "Alleen de geraadpleegde rol ziet die tekst",  # who sees advice
        "--geen-timer",  # the timer off in class, also in text mode
        "**stil team**",  # the two teams of simulate --all-paths
        "**open team**",
        "`next` wijst naar precies één scène of einde",  # next takes no routes
        "samenwerkingsindex telt een dimensie nooit lager dan 0%",  # negative totals
        "Een score-dimensie heeft geen\nminimum",
        "**te laat**",  # which card counted as too late
        "een verborgen variabele blijft ook in de\nnabespreking verborgen",
    ],
)
def test_guide_answers_the_teachers_questions(phrase):
    """Issue 17 item 11: each question the teacher could not answer from the guide is answered."""
    guide = (ROOT / "docs" / "handleiding-scenario-schrijven.md").read_text(encoding="utf-8")
    assert phrase in guide

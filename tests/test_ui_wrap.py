"""Wrapped text in the window breaks lines only at spaces and hyphens, never inside a word.

pygame's own wrapping broke a word anywhere ("Slaapdagboe" / "k" on the share screen's card
list at 200 % on 1280×720). A single word wider than its column now shrinks (choice buttons)
or is hyphenated.
"""

from __future__ import annotations

import os
import re

import pytest

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")

pygame = pytest.importorskip("pygame")

from game.ui import screenshots, widgets  # noqa: E402


def _breaks_between_words(label: str, lines: list[str], f, width: int) -> list[str]:
    """What is wrong with `lines` as a wrapping of `label`: a line too wide, a break inside a
    word without a hyphen, a hyphen added to a word that would have fitted, text lost."""
    wrong = []
    rest = " ".join(label.split())
    for i, line in enumerate(lines):
        if f.size(line)[0] > width:
            wrong.append(f"too wide: {line!r}")
        last = i == len(lines) - 1
        if rest.startswith(line):
            rest = rest[len(line):]
            if not last and not (rest.startswith(" ") or line.endswith("-")):
                wrong.append(f"broken inside a word after {line!r}")
            rest = rest.lstrip(" ")
        elif line.endswith("-") and rest.startswith(line[:-1]):  # a hyphen added
            word = re.match(r"[^\s-]+-?", rest).group(0)
            if f.size(word)[0] <= width:
                wrong.append(f"hyphenated a word that fits: {word!r}")
            rest = rest[len(line) - 1:]
        else:
            wrong.append(f"{line!r} is not the next part of {rest!r}")
            break
    if rest:
        wrong.append(f"lost {rest!r}")
    return wrong


def test_wrapping_breaks_at_spaces_and_after_hyphens_only():
    """Lines break at spaces and after a hyphen; a word wider than the line is hyphenated."""
    pygame.font.init()
    f = widgets.font("choice", 200)
    width = f.size("Slaapdag")[0] + 4
    lines = widgets.wrap_text("Het slaapdagboek van ouder-kindgesprek", f, width)
    assert not _breaks_between_words("Het slaapdagboek van ouder-kindgesprek", lines, f, width)
    assert "ouder-" in lines  # the author's hyphen is a place to break
    assert any(line.endswith("-") and line != "ouder-" for line in lines)  # a hyphen added
    assert widgets.wrap_text("a\n\nb", f, width) == ["a", "", "b"]


def test_drawn_wrapped_text_is_the_wrapped_lines():
    """The text the window draws in a narrow column is those lines, one under the other
    (pygame's wrapping drew "Slaapdagboe" and "k")."""
    pygame.font.init()
    f = widgets.font("choice", 200)
    width = f.size("Slaapdagboe")[0] + 2
    lines = widgets.wrap_text("Slaapdagboek", f, width)
    assert lines[0].endswith("-") and "".join(lines).replace("-", "") == "Slaapdagboek"
    drawn = widgets._render("Slaapdagboek", "choice", 200, False, "#000000", width)
    expected = pygame.Surface(drawn.get_size(), pygame.SRCALPHA)
    for i, line in enumerate(lines):
        expected.blit(f.render(line, True, (0, 0, 0)), (0, i * f.get_linesize()))
    assert pygame.image.tobytes(drawn, "RGBA") == pygame.image.tobytes(expected, "RGBA")


@pytest.mark.parametrize("scale", [100, 150, 200])
def test_no_choice_breaks_a_word_on_any_screen(tmp_path, monkeypatch, scale):
    """On every screen with choices (play, votes, consult and share pickers, the share
    screen's card list) at 100/150/200 % on 1280×720, each choice's label breaks only
    between words, in both languages; the share screen's card title fits at a smaller size."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    problems: dict[str, list[str]] = {}
    seen: dict[str, list[tuple[str, str, int]]] = {}

    def look(app, name):
        for c in app.screen.choices:
            pad, key_w = round(14 * scale / 100), round(44 * scale / 100)
            column = c.rect.width - key_w - 3 * pad
            kind = widgets.ChoiceButton.label_kind(c.label, column, scale)
            f = widgets.font(kind, scale)
            lines = widgets.wrap_text(c.label, f, column)
            wrong = _breaks_between_words(c.label, lines, f, column)
            # what is drawn is those lines
            if widgets.text_size(c.label, kind=kind, scale=scale, width=column)[1] != \
                    len(lines) * f.get_linesize():
                wrong.append(f"drawn height of {c.label!r} is not {len(lines)} lines")
            if wrong:
                problems.setdefault(name, []).extend(wrong)
            seen.setdefault(name, []).append((c.label, kind, len(lines)))

    for lang in ("nl", "en"):
        out = tmp_path / lang
        out.mkdir()
        screenshots.shoot_all(out, lang, False, size=(1280, 720), scale=scale, look=look)
    assert not problems
    assert {"play", "share", "pick-share", "secret-vote"} <= set(seen)
    if scale == 200:
        for label, kind, n in seen["share"]:  # once per language
            assert label == "Slaapdagboek" and n == 1 and kind != "choice"  # smaller, whole

"""Tests for the role badge letters of game.ui.theme: unique within a team."""

from game.ui.theme import initials, team_initials


def test_single_word_roles_that_share_two_letters_get_distinct_badges():
    """Jeugdprofessional and Jeugdverpleegkundige must not both read 'JE' on the projector."""
    badges = team_initials(["Jeugdprofessional", "Leerkracht groep 6", "Jeugdverpleegkundige"])
    assert badges == ["JP", "LG", "JV"]


def test_badges_without_a_clash_are_the_plain_initials():
    """No clash: each badge is the first letters of the first two words."""
    names = ["Jeugdprofessional basisteam", "Jurist", "Intern begeleider"]
    assert team_initials(names) == [initials(n) for n in names] == ["JB", "JU", "IB"]

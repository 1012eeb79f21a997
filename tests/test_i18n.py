"""Tests for game.i18n: catalogue fallback and number formatting per language."""

from game.i18n import format_number, translate


def test_dutch_number_uses_dot_for_thousands_and_comma_for_decimals():
    """12000 reads 12.000 and 2.5 reads 2,5 in Dutch."""
    assert format_number(12000, "nl") == "12.000"
    assert format_number(2.5, "nl") == "2,5"


def test_english_number_uses_comma_for_thousands():
    """12000 reads 12,000 and 2.5 reads 2.5 in English."""
    assert format_number(12000, "en") == "12,000"
    assert format_number(2.5, "en") == "2.5"


def test_booleans_read_as_words():
    """Booleans are shown as ja/nee or yes/no, never True/False."""
    assert format_number(True, "nl") == "ja"
    assert format_number(False, "en") == "no"


def test_missing_key_falls_back_to_key_and_english_falls_back_to_dutch(tmp_path):
    """An unknown key comes back as itself, so a missing string is visible but harmless."""
    assert translate("no.such.key", "en") == "no.such.key"
    assert translate("common.yes", "en") == "yes"

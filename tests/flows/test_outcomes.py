"""Closing the loop, the pure parts: theme slugs, Dutch numbers and dates, excerpts."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from flows.outcomes import MAX_TOPIC_CHARS, theme_slug
from flows.schema import SLUG
from flows.texts.formats import date, number, shorten


@pytest.mark.parametrize(
    ("theme", "slug"),
    [
        ("Afval en containers", "afval-en-containers"),
        ("Groen en buitenruimte", "groen-en-buitenruimte"),
        ("  Café & terrassen (zomer 2027)! ", "cafe-terrassen-zomer-2027"),
        ("Één ding", "een-ding"),
    ],
)
def test_theme_slugs(theme: str, slug: str) -> None:
    assert theme_slug(theme) == slug
    assert SLUG.match(slug)


def test_theme_slugs_are_short_and_stable_without_latin_letters() -> None:
    long = theme_slug("Verkeersveiligheid rond scholen en kinderopvang in alle wijken")
    assert len(long) <= MAX_TOPIC_CHARS and not long.endswith("-")
    greek = theme_slug("Ελληνικά")
    assert greek.startswith("thema-") and greek == theme_slug("Ελληνικά")
    assert greek != theme_slug("Русский")
    assert len(f"sub:s:i:{long}:1".encode()) <= 64


def test_dutch_numbers_and_dates() -> None:
    assert [number(n) for n in (0, 999, 1234, 10_000, 1_234_567)] == [
        "0",
        "999",
        "1.234",
        "10.000",
        "1.234.567",
    ]
    late = datetime(2027, 1, 11, 23, 30, tzinfo=UTC)  # already the 12th in Amsterdam
    zone = ZoneInfo("Europe/Amsterdam")
    assert date(late, "nl", zone) == "12 januari 2027"
    assert date(late, "en", zone) == "12 January 2027"


def test_shorten_cuts_at_a_word() -> None:
    assert shorten("  kort  ", 10) == "kort"
    assert shorten("een twee drie vier", 12) == "een twee…"
    assert shorten("eenheelheellangwoord", 8) == "eenheel…"

"""Cutting the old format's English out of a texts module: exactly the ``"en"`` item, with
its parentheses and comma, whatever the layout; comments (a comment on the English line
too) and every other item stay."""

from __future__ import annotations

from pathlib import Path

import pytest

from flows.texts import legacy

BEFORE = '''\
"""Texts."""

# A comment at the top.
TEXTS: dict[str, dict[str, str]] = {
    "a": {"nl": "Één", "en": "One"},
    "b": {"en": "Two", "nl": "Twee"},
    # A comment about c.
    "c": {
        "nl": "Drie, met é",  # the Dutch
        "en": "Three",
    },
    "d": {
        "nl": (
            "Vier regels "
            "lang"
        ),
        "en": (
            "Four lines "  # a comment inside
            "long"
        ),
    },
    "e": {"nl": "Vijf",
          "en": "Five"},
    "f": {
        "en": "Six",  # said first
        "nl": "Zes",
    },
    "g[one]": {"nl": "{count} ding", "en": "{count} thing"},
    "g[other]": {"nl": "{count} dingen", "en": "{count} things"},
    "h": {"nl": "Alleen Nederlands"},
}
MENU = {"nl": [("start", "Begin")], "en": [("start", "Start")]}
'''

AFTER = '''\
"""Texts."""

# A comment at the top.
TEXTS: dict[str, dict[str, str]] = {
    "a": {"nl": "Één"},
    "b": {"nl": "Twee"},
    # A comment about c.
    "c": {
        "nl": "Drie, met é",  # the Dutch
    },
    "d": {
        "nl": (
            "Vier regels "
            "lang"
        ),
    },
    "e": {"nl": "Vijf"},
    "f": {
        # said first
        "nl": "Zes",
    },
    "g[one]": {"nl": "{count} ding"},
    "g[other]": {"nl": "{count} dingen"},
    "h": {"nl": "Alleen Nederlands"},
}
MENU = {"nl": [("start", "Begin")], "en": [("start", "Start")]}
'''


def test_the_english_items_and_nothing_else_are_cut(tmp_path: Path) -> None:
    path = tmp_path / "texts.py"
    path.write_text(BEFORE, "utf-8")
    found = legacy.find(path)
    assert {item.key: item.english for item in found} == {
        "a": "One",
        "b": "Two",
        "c": "Three",
        "d": "Four lines long",
        "e": "Five",
        "f": "Six",
        "g[one]": "{count} thing",
        "g[other]": "{count} things",
    }
    assert legacy.cut(found) == [path]
    assert path.read_text("utf-8") == AFTER
    assert legacy.find(path) == []


def test_english_that_is_not_a_plain_string_is_left_for_a_person(tmp_path: Path) -> None:
    path = tmp_path / "texts.py"
    path.write_text('ENGLISH = "x"\nTEXTS = {"a": {"nl": "Een", "en": ENGLISH}}\n', "utf-8")
    with pytest.raises(ValueError, match="a: the English is not a plain string"):
        legacy.find(path)

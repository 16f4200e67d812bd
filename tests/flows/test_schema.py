"""Field-level pieces of the format: conditions, areas, texts."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from flows.schema import Area, Condition, Text


@pytest.mark.parametrize(
    ("condition", "answer", "expected"),
    [
        ({"equals": "a"}, "a", True),
        ({"equals": "a"}, "b", False),
        ({"equals": "a"}, ["b", "a"], True),
        ({"equals": "a"}, [], False),
        ({"equals": "a"}, None, False),
        ({"equals": 3}, 3, True),
        ({"equals": 3}, 3.0, True),
        ({"equals": "3"}, 3, True),
        ({"equals": 3}, 3.5, False),
        ({"equals": 3}, "3", True),
        ({"equals": "yes"}, "yes", True),
        ({"one_of": ["a", "c"]}, "c", True),
        ({"one_of": ["a", "c"]}, ["b", "c"], True),
        ({"one_of": ["a", "c"]}, "b", False),
        ({"at_least": 3}, 3, True),
        ({"at_least": 3}, 2, False),
        ({"at_most": 2}, 2, True),
        ({"at_most": 2}, 2.5, False),
        ({"at_least": 2, "at_most": 4}, 3, True),
        ({"at_least": 2, "at_most": 4}, 5, False),
        ({"at_least": 1}, "5", False),
        ({"at_least": 0}, True, False),
        ({"at_least": 0}, None, False),
    ],
)
def test_condition_matches(condition: dict[str, Any], answer: Any, expected: bool) -> None:
    assert Condition.model_validate({"question": "q", **condition}).matches(answer) is expected


@pytest.mark.parametrize(
    ("condition", "code"),
    [
        ({}, "condition.none"),
        ({"equals": "a", "at_least": 1}, "condition.mixed"),
        ({"equals": "a", "one_of": ["b"]}, "condition.both"),
    ],
)
def test_condition_needs_exactly_one_kind_of_test(condition: dict[str, Any], code: str) -> None:
    """Refused with a code, which the loader words (tests/flows/test_loader.py)."""
    with pytest.raises(ValidationError) as caught:
        Condition.model_validate({"question": "q", **condition})
    assert caught.value.errors()[0]["type"] == code


def test_area_covers_postcodes_and_ranges() -> None:
    area = Area.model_validate(
        {"id": "a", "label": {"nl": "A", "en": "A"}, "postcodes": ["1011-1018", 1020]}
    )
    assert area.postcodes == ["1011-1018", "1020"]
    covered = ("1010", "1011", "1015", "1018", "1019", "1020", "1021")
    assert [area.covers(code) for code in covered] == [False, True, True, True, False, True, False]


def test_text_get_and_whitespace() -> None:
    text = Text.model_validate({"nl": "  Hallo ", "en": "Hello"})
    assert (text.get("nl"), text.get("en"), text.get("fr")) == ("Hallo", "Hello", "Hallo")
    with pytest.raises(ValidationError):
        Text.model_validate({"nl": "   ", "en": "x"})

"""The deliberation format: the shipped example loads; every problem has its file, line and
field; typed votes and near-duplicate statements are read as residents write them."""

from __future__ import annotations

import pytest

from flows.deliberation import (
    MAX_STATEMENT_CHARS,
    Vote,
    near_duplicate,
    parse,
    read_directory,
    read_vote,
    statement_text_problem,
)
from flows.loader import QuestionnaireError
from tests.conftest import QUESTIONNAIRES

GOOD = """\
schema_version: 1
kind: stellingen
id: proef
version: 1
theme: {nl: Verkeer, en: Traffic}
title: {nl: Een proef, en: A trial}
intro: {nl: Wat vind jij, en: What do you think}
statements:
  - {id: een, text: {nl: Minder auto's in het centrum., en: Fewer cars in the centre.}}
  - {id: twee, text: {nl: Meer bomen op de Markt., en: More trees on the Markt.}}
  - {id: drie, dimension: bestuur, text: {nl: De raad luistert goed., en: The council listens.}}
"""


def problems(source: str) -> list[str]:
    with pytest.raises(QuestionnaireError) as caught:
        parse(source, "proef.yaml")
    return [problem.text("en") for problem in caught.value.problems]


def test_the_shipped_deliberation_loads_with_its_defaults() -> None:
    [(deliberation, source)] = read_directory(QUESTIONNAIRES)
    assert deliberation.id == "autoluw-centrum" and "kind: stellingen" in source
    assert 3 <= len(deliberation.statements) <= 50
    assert all(len(s.text.nl) <= MAX_STATEMENT_CHARS for s in deliberation.statements)
    small = parse(GOOD, "proef.yaml")
    assert small.resident_statements and small.statements_per_resident == 3 and small.may_add


def test_a_long_statement_unknown_field_and_too_few_statements_each_have_file_and_line() -> None:
    long_text = "x" * (MAX_STATEMENT_CHARS + 1)
    source = GOOD.replace("Meer bomen op de Markt.", long_text).replace(
        "dimension: bestuur", "dimensie: 1"
    )
    found = problems(source)
    assert (
        f"proef.yaml:10: statements[1].text: the 'nl' text has {MAX_STATEMENT_CHARS + 1} "
        f"characters; at most {MAX_STATEMENT_CHARS}" in found
    )
    assert any(p.startswith("proef.yaml:11: statements[2].dimensie:") for p in found), found
    two = GOOD.rsplit("  - {id: drie", 1)[0]
    assert problems(two) == ["proef.yaml:8: statements: has 2; allowed: 3 to 50"]


def test_statement_ids_and_texts_are_used_once() -> None:
    source = GOOD.replace("id: twee", "id: een").replace(
        "Meer bomen op de Markt.", "Minder auto's in het centrum!"
    )
    found = problems(source)
    assert "proef.yaml:10: statements[1].id: 'een' is used twice" in found
    assert any(p.startswith("proef.yaml:10: statements[1].text.nl:") for p in found), found


def test_the_kind_must_be_stellingen_and_dates_in_order() -> None:
    wrong_kind = GOOD.replace("kind: stellingen", "kind: peiling")
    assert problems(wrong_kind) == ["proef.yaml:2: kind: must be stellingen (not 'peiling')"]
    dated = GOOD + "opens_at: 2026-05-01T00:00:00+02:00\ncloses_at: 2026-04-01T00:00:00+02:00\n"
    assert any("closes_at must come after opens_at" in p for p in problems(dated))


@pytest.mark.parametrize(
    ("typed", "vote"),
    [
        ("eens", Vote.AGREE),
        ("Ja!", Vote.AGREE),
        ("  Oneens ", Vote.DISAGREE),
        ("nee", Vote.DISAGREE),
        ("pas", Vote.PASS),
        ("Weet ik niet", Vote.PASS),
        ("agree", Vote.AGREE),
        ("misschien wel", None),
        ("", None),
    ],
)
def test_typed_votes(typed: str, vote: Vote | None) -> None:
    assert read_vote(typed) is vote


def test_near_duplicates_ignore_case_accents_punctuation_and_a_typing_error() -> None:
    existing = [
        (1, "Er mogen minder auto's door het centrum rijden."),
        (2, "Meer bomen op de Markt."),
    ]
    assert near_duplicate("er mogen minder autos door het centrum rijden", existing) == 1
    assert near_duplicate("Er mogen minder auto's door het cetrum rijden!", existing) == 1
    assert near_duplicate("Méér bomen op de markt", existing) == 2
    assert near_duplicate("Parkeren moet gratis blijven.", existing) is None
    assert near_duplicate("!!!", existing) is None


def test_what_a_typed_statement_may_be() -> None:
    assert statement_text_problem("x" * 2000) == "too_long"
    assert statement_text_problem(" ?! ") == "empty"
    assert statement_text_problem("Meer zebrapaden bij scholen.") is None

"""The deliberation format: the shipped example loads; every problem has its file, line and
field; typed votes and near-duplicate statements are read as residents write them."""

from __future__ import annotations

import pytest

from flows.deliberation import (
    MAX_STATEMENT_CHARS,
    Deliberation,
    VersionPlan,
    Vote,
    is_deliberation,
    load_file,
    near_duplicate,
    parse,
    plan_version,
    read_directory,
    read_vote,
    statement_text_problem,
    untranslated,
)
from flows.loader import QuestionnaireError
from tests.conftest import QUESTIONNAIRES

SHIPPED = QUESTIONNAIRES / "stellingen" / "autoluw-centrum.yaml"

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


def test_an_upload_is_a_deliberation_when_it_says_kind_stellingen_at_its_top() -> None:
    assert is_deliberation(SHIPPED.read_text(encoding="utf-8"))
    assert is_deliberation("id: x\nkind: 'stellingen'  # a comment\n")
    assert not is_deliberation((QUESTIONNAIRES / "afvalinzameling.yaml").read_text("utf-8"))
    assert not is_deliberation("intro:\n  kind: stellingen\n")  # not at the top level


def test_a_new_version_keeps_reworded_removed_and_added_statements_apart() -> None:
    old = load_file(SHIPPED)
    data = old.model_dump(mode="json")
    statements = data["statements"]
    statements[0]["text"]["nl"] = statements[0]["text"]["nl"].upper()  # case only: kept
    statements[0]["text"]["en"] = "Other English."  # English only: kept
    statements[1]["text"]["nl"] = "Iets heel anders over winkels."  # reworded
    removed = statements.pop(2)["id"]
    statements.append({"id": "nieuw", "text": {"nl": "Een nieuwe stelling.", "en": "New."}})
    new = Deliberation.model_validate({**data, "version": 2})
    plan = plan_version(old, new)
    assert plan.reworded == (old.statements[1].id,)
    assert plan.removed == (removed,) and plan.added == ("nieuw",)
    assert plan.kept == tuple(
        s.id for s in new.statements if s.id not in {old.statements[1].id, "nieuw"}
    )
    assert plan_version(old, old) == VersionPlan(tuple(s.id for s in old.statements), (), (), ())
    assert untranslated(old) == []

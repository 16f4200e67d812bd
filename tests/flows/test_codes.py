"""flows.codes: codes are random enough, never show look-alike characters, are written in
groups and read back however a resident types them; ordinary answers are never codes."""

from __future__ import annotations

import pytest

from flows import codes


def test_a_code_has_at_least_40_bits_and_no_look_alikes() -> None:
    assert codes.bits() >= 40
    assert not set("0O1IL") & set(codes.ALPHABET)
    drawn = codes.new_codes(2000)
    assert len(set(drawn)) == 2000
    for code in drawn:
        assert len(code) == codes.LENGTH and set(code) <= set(codes.ALPHABET)
        assert any(c.isalpha() for c in code) and any(c.isdigit() for c in code)
    # Every character of the alphabet turns up: the draw uses all of it.
    assert set("".join(drawn)) == set(codes.ALPHABET)


def test_codes_are_written_in_groups_and_read_back_however_typed() -> None:
    code = "ABCD2345EF"
    assert codes.grouped(code) == "ABCD-2345-EF"
    for typed in ("ABCD-2345-EF", "abcd 2345 ef", " abcd2345ef ", "Abcd–2345–eF", "ABCD.2345.EF"):
        assert codes.normalise(typed) == code, typed
        assert codes.looks_like_code(typed), typed


@pytest.mark.parametrize(
    "typed",
    ["4108 AB", "Oost", "ABCDEFGHJK", "2345678923", "ABCD-2345-E", "ABCD-2345-EFG", "", "x" * 500],
)
def test_ordinary_answers_are_not_codes(typed: str) -> None:
    assert not codes.looks_like_code(typed)
    assert codes.normalise(typed) is None


def test_a_look_alike_makes_a_code_shaped_text_no_code() -> None:
    # Shaped like a code (so tried, and counted as a wrong guess), but never one.
    assert codes.looks_like_code("ABCD-2O45-EF")
    assert codes.normalise("ABCD-2O45-EF") is None


def test_the_stored_digest_depends_on_the_key() -> None:
    one, other = codes.code_key(b"secret one"), codes.code_key(b"secret two")
    assert codes.code_digest(one, "ABCD2345EF") == codes.code_digest(one, "ABCD2345EF")
    assert codes.code_digest(one, "ABCD2345EF") != codes.code_digest(other, "ABCD2345EF")
    assert one != b"secret one"  # a key of its own, not the pseudonyms' secret


def test_a_request_is_refused_outside_its_bounds() -> None:
    with pytest.raises(ValueError):
        codes.new_codes(0)
    with pytest.raises(ValueError):
        codes.new_codes(codes.MOST_PER_REQUEST + 1)


def test_a_questionnaire_says_who_may_answer() -> None:
    from flows.loader import QuestionnaireError, parse
    from tests.storage.helpers import mini_source

    source = mini_source()
    assert parse(source, "mini.yaml").access == "open"
    with_codes = source.replace("questions:\n", "access: codes\nquestions:\n", 1)
    assert parse(with_codes, "mini.yaml").access == "codes"
    wrong = source.replace("questions:\n", "access: iedereen\nquestions:\n", 1)
    with pytest.raises(QuestionnaireError, match="access"):
        parse(wrong, "mini.yaml")

"""Uploaded questionnaires are untrusted: the loader's safety limits.

Safe loading (no object from a tag), a size limit, a depth limit, a value limit, no
anchors or aliases, bounded numbers. Each hostile file gets one clear problem, never a
``MemoryError``, a ``RecursionError`` or a crash. "Fast" is shown without a clock: by how
few parser events the loader reads before it refuses (speed itself is for bench/).
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from flows import loader, yamlsafe
from flows.loader import MAX_FILE_BYTES, MAX_PROBLEMS, parse
from flows.yamlsafe import MAX_DEPTH, MAX_NODES, MAX_NUMBER_CHARS
from tests.flows.helpers import (
    BILLION_LAUGHS,
    HEADER,
    MINI,
    Said,
    document,
    only_problem,
    problems,
)

ALIASES = (
    "anchors and aliases (& and *) are not allowed. To share one answer list between "
    "questions, put it under option_sets and write options: with its name"
)


@pytest.fixture
def events(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many parser events the loader took, one count per parse."""
    taken: list[int] = []
    compose, get_event = loader.compose, yamlsafe.GuardedLoader.get_event

    def counted_compose(text: str) -> yaml.Node | None:
        taken.append(0)
        return compose(text)

    def counted_event(self: yamlsafe.GuardedLoader) -> yaml.Event:
        taken[-1] += 1
        return get_event(self)

    monkeypatch.setattr(loader, "compose", counted_compose)
    monkeypatch.setattr(yamlsafe.GuardedLoader, "get_event", counted_event)
    return taken


# --- billion laughs ---------------------------------------------------------------------------


def refused(text: str) -> list[Said]:
    """The problems of ``text`` that the safe reader found (anchors, aliases, tags)."""
    return [p for p in problems(text) if not p.field]


def test_billion_laughs_is_refused_on_every_line_without_following_an_alias(
    events: list[int],
) -> None:
    assert BILLION_LAUGHS.count("*") == 72
    assert refused(BILLION_LAUGHS) == [
        Said("x.yaml", 1, "", f"{ALIASES} (also on line 2, 3, 4, 5, 6, 7, 8, 9)")
    ]
    # Every event of the text is read once and no alias is followed: the stream, the
    # document, the mapping, 9 keys and 9 lists of 9 items, not 10^9 "lol"s.
    assert events == [9 * 12 + 6]


def test_billion_laughs_in_block_style_and_as_merge_keys() -> None:
    block = "base: &x\n  - lol\n  - lol\nmore:\n  - *x\n  - *x\n"
    merge = "base: &x {a: lol}\nmore:\n  <<: *x\n"
    assert refused(block) == [Said("x.yaml", 1, "", f"{ALIASES} (also on line 5, 6)")]
    assert refused(merge) == [Said("x.yaml", 1, "", f"{ALIASES} (also on line 3)")]


def test_an_alias_without_anchor_is_refused_as_alias() -> None:
    text = HEADER + "outro: *nergens\nquestions: []\n"
    assert refused(text) == [Said("x.yaml", 7, "", ALIASES)]
    assert "outro" not in [p.field for p in problems(text)]  # the refused value: said once


def test_an_anchor_inside_a_real_questionnaire_is_refused_where_it_is() -> None:
    text = MINI.read_text().replace("  - id: wijk\n", "  - &w id: wijk\n")
    assert only_problem(text) == Said("x.yaml", 29, "", ALIASES)


def test_every_anchor_alias_and_tag_is_reported_at_once() -> None:
    text = (
        MINI.read_text()
        .replace("  - id: wijk\n", "  - &w id: wijk\n")
        .replace("title: {nl: Mini, en: Mini}", "title: !vertaald {nl: Mini, en: Mini}")
        .replace('    text: {nl: "Waarom?", en: "Why?"}', "    text: *w")
    )
    assert problems(text) == [
        Said("x.yaml", 5, "", "YAML tag !vertaald is not allowed"),
        Said("x.yaml", 21, "", f"{ALIASES} (also on line 29)"),
    ]


def test_a_long_list_of_aliases_names_twenty_lines() -> None:
    text = "a: &a [x]\n" + "".join(f"k{n}: *a\n" for n in range(30))
    [said] = refused(text)
    lines = ", ".join(str(n) for n in range(2, 22))
    assert said == Said("x.yaml", 1, "", f"{ALIASES} (also on line {lines}, …)")


# --- depth ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "[" * 100_000 + "]" * 100_000,
        "a: " + "{a: " * 50_000 + "1" + "}" * 50_000 + "\n",
        "".join(f"{'  ' * i}k{i}:\n" for i in range(500)) + "  " * 500 + "end\n",
        "".join(f"{'  ' * i}- \n" for i in range(500)),
    ],
    ids=["flow lists", "flow mappings", "block mappings", "block lists"],
)
def test_deep_nesting_is_refused_after_reading_the_first_levels(
    text: str, events: list[int]
) -> None:
    assert len(text.encode()) <= MAX_FILE_BYTES
    found = only_problem(text)
    assert found.message == f"nested deeper than {MAX_DEPTH} levels"
    assert events[0] <= 2 * MAX_DEPTH + 5


def test_nesting_up_to_the_limit_is_fine() -> None:
    depth = MAX_DEPTH - 1  # plus the document's own mapping
    found = problems("a: " + "[" * depth + "]" * depth + "\n")
    assert not any("nested" in p.message for p in found)


# --- values -----------------------------------------------------------------------------------


def test_too_many_values_are_refused_without_reading_on(events: list[int]) -> None:
    text = "a: [" + "1," * (MAX_NODES + 5_000) + "1]\n"
    assert len(text.encode()) <= MAX_FILE_BYTES
    assert only_problem(text) == Said(
        "x.yaml", 1, "", f"has more than {MAX_NODES} values; a questionnaire needs far fewer"
    )
    assert events[0] <= MAX_NODES + 10


def test_the_value_limit_is_exact(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(yamlsafe, "MAX_NODES", 10)
    # The document's mapping, 1 key, the list and 7 items: 10 values.
    assert not any("values" in p.message for p in problems("a: [1, 2, 3, 4, 5, 6, 7]\n"))
    assert only_problem("a: [1, 2, 3, 4, 5, 6, 7, 8]\n").message == (
        "has more than 10 values; a questionnaire needs far fewer"
    )


def test_every_questionnaire_the_schema_allows_fits_in_the_value_limit() -> None:
    areas = "\n".join(
        f"      - {{id: w{a}, label: {{nl: W{a}, en: W{a}}}, postcodes: ['1000-1999']}}"
        for a in range(30)
    )
    questions = "\n".join(
        f"- id: q{i}\n  type: area\n  text: {{nl: Vraag {i}, en: Question {i}}}\n  areas:\n"
        + areas.replace("      - ", "    - ")
        for i in range(60)
    )
    text = document(questions)
    assert len(text.encode()) <= MAX_FILE_BYTES
    assert len(parse(text).questions) == 60


# --- numbers ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        "1" * 200_000,  # a huge integer
        "1" + ":1" * 80_000,  # YAML 1.1 base 60: quadratic to convert
        "1" + ":1" * 80_000 + ".5",  # base-60 float: overflowed into an OverflowError
        "0x" + "f" * 200_000,
        "1" + "0" * 200_000 + ".5",
    ],
    ids=["integer", "base 60", "base 60 float", "hex", "float"],
)
def test_huge_numbers_are_refused_before_conversion(value: str) -> None:
    text = document("- id: q\n  type: yesno\n  text: {nl: A, en: B}").replace(
        "\nversion: 1", f"\nversion: {value}"
    )
    found = problems(text)
    assert found[0].field == "version"
    assert found[0].message == f"'{value[:59]}…' is too long for a number"


def test_a_number_just_within_the_length_limit_is_converted() -> None:
    value = "1" + "0" * (MAX_NUMBER_CHARS - 1)
    text = HEADER.replace("\nversion: 1", f"\nversion: {value}") + "questions: []\n"
    assert not any("too long" in p.message for p in problems(text))


# --- safe loading -----------------------------------------------------------------------------


def test_no_object_is_ever_constructed_from_a_tag(tmp_path: Path) -> None:
    target = tmp_path / "pwned"
    payload = f"import pathlib; pathlib.Path({str(target)!r}).write_text('x')"
    for tag in ("!!python/object/apply:builtins.exec", "!!python/object/new:builtins.exec"):
        text = HEADER + f"outro: {tag} [{payload!r}]\nquestions: []\n"
        assert refused(text) == [Said("x.yaml", 7, "", f"YAML tag {tag} is not allowed")]
    assert not target.exists()


def test_two_documents_in_one_file_are_refused() -> None:
    found = only_problem(MINI.read_text() + "---\n" + MINI.read_text())
    assert found.message.startswith("not valid YAML")
    assert "another document" in found.message


# --- size -------------------------------------------------------------------------------------


def test_size_is_checked_before_any_parsing(monkeypatch: pytest.MonkeyPatch) -> None:
    def never(*args: object, **kwargs: object) -> None:
        raise AssertionError("the parser ran on a file that is too large")

    monkeypatch.setattr(yamlsafe.GuardedLoader, "__init__", never)
    text = "a: " + "x" * MAX_FILE_BYTES + "\n"
    assert only_problem(text) == Said(
        "x.yaml", None, "", f"file is {len(text)} bytes; at most {MAX_FILE_BYTES}"
    )


# --- what a problem shows ---------------------------------------------------------------------


def test_many_problems_are_capped_with_a_count() -> None:
    extra = "".join(f"onbekend{i}: 1\n" for i in range(MAX_PROBLEMS + 50))
    found = problems(MINI.read_text() + extra)
    assert len(found) == MAX_PROBLEMS + 1
    assert found[-1] == Said("x.yaml", None, "", "and 50 more problems; fix the ones above first")
    assert found[0].message.startswith("is not a known field. Known here: schema_version,")


def test_a_long_key_is_shortened_in_the_problem() -> None:
    key = "k" * 5_000
    # Longer than 1024 characters, a key must be written explicitly ("? key").
    found = problems(MINI.read_text() + f"? {key}\n: 1\n")
    [unknown] = [p for p in found if p.message.startswith("is not a known field")]
    assert unknown.field == "k" * 59 + "…"

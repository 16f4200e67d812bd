"""The loader: every problem in a questionnaire file names the file, the line and the field."""

from __future__ import annotations

import textwrap
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from flows import yamlsafe
from flows.loader import (
    MAX_FILE_BYTES,
    Problem,
    QuestionnaireError,
    load_directory,
    load_file,
    parse,
)
from flows.problems import Message
from flows.schema import (
    MAX_BUTTON_LABEL_CHARS,
    MAX_OPTION_ID_BYTES,
    MAX_QUESTION_CHARS,
    AreaQuestion,
    ChoiceQuestion,
    Dimension,
    MultiQuestion,
    ScaleQuestion,
    TextQuestion,
)
from flows.yamlsafe import MAX_DEPTH
from tests.flows.helpers import (
    HEADER,
    MINI,
    Said,
    document,
    line_of,
    only_problem,
    problems,
    said,
)

YESNO = """\
- id: q1
  type: yesno
  text: {nl: Eerste vraag, en: First question}
- id: q2
  type: yesno
  text: {nl: Tweede vraag, en: Second question}
"""

CHOICE = """\
- id: q1
  type: choice
  text: {nl: Welke kleur, en: Which colour}
  options:
    - {id: rood, label: {nl: Rood, en: Red}}
    - {id: groen, label: {nl: Groen, en: Green}}
"""

#: The first question, ``q1``, of each type the branching cases need (without ``- id``).
FIRST = {
    "yesno": "type: yesno\ntext: {nl: Eerste, en: First}",
    "choice": textwrap.dedent(CHOICE.removeprefix("- id: q1\n")),
    "text": "type: text\ntext: {nl: Vertel, en: Tell}",
    "scale": "type: scale\ntext: {nl: Cijfer, en: Score}",
    "number": "type: number\nmax: 10\ntext: {nl: Hoeveel, en: How many}",
}
SECOND = "- id: q2\n  type: yesno\n  text: {nl: Tweede, en: Second}\n"


def branching(*rules: tuple[str | None, str], first: str = "yesno", second: bool = False) -> str:
    """A questionnaire whose first question ``q1`` (of type ``first``) has the ``next:``
    rules ``(when, goto)`` (``when`` None: a rule without condition), followed by a yes/no
    question ``q2`` if ``second``."""
    lines = ["- id: q1", *(f"  {line}" for line in FIRST[first].splitlines()), "  next:"]
    for when, goto in rules:
        lines += (
            [f"    - when: {when}", f"      goto: {goto}"] if when else [f"    - goto: {goto}"]
        )
    return document("\n".join(lines) + "\n" + (SECOND if second else ""))


def otherwise(when: str, first: str = "yesno") -> str:
    """:func:`branching` with one condition: ``when`` goes to the end, and so does the rest."""
    return branching((when, "end"), (None, "end"), first=first)


# --- A good file ------------------------------------------------------------------------------


def test_mini_example_loads_with_every_field() -> None:
    questionnaire = load_file(MINI)

    assert questionnaire.key == "mini@1"
    assert questionnaire.theme.get("en") == "Waste"
    assert [q.id for q in questionnaire.questions] == ["tevreden", "waarom", "bakken", "wijk"]
    scale = questionnaire.question("tevreden")
    assert isinstance(scale, ScaleQuestion)
    assert (scale.min, scale.max, scale.dimension) == (1, 5, Dimension.DIENSTVERLENING)
    assert [(r.when and r.when.at_most, r.goto) for r in scale.rules()] == [
        (2, "waarom"),
        (None, "bakken"),
    ]
    assert isinstance(questionnaire.question("waarom"), TextQuestion)
    assert questionnaire.question("waarom").optional is True
    bakken = questionnaire.question("bakken")
    assert isinstance(bakken, MultiQuestion)
    assert [o.id for o in bakken.options] == ["gft", "papier", "pmd"]
    wijk = questionnaire.question("wijk")
    assert isinstance(wijk, AreaQuestion)
    assert wijk.area_for_postcode("1015") is not None
    assert wijk.area_for_postcode("1015").id == "centrum"  # type: ignore[union-attr]
    assert wijk.area_for_postcode("1019") is None
    assert questionnaire.dimensions == {Dimension.DIENSTVERLENING}


def test_short_next_is_one_rule_without_condition() -> None:
    questionnaire = parse(document(YESNO + "  next: end\n"))
    assert [(r.when, r.goto) for r in questionnaire.question("q2").rules()] == [(None, "end")]
    assert questionnaire.question("q1").rules() == []


def test_problem_text_names_file_line_and_field() -> None:
    message = Message.of("required")
    assert str(Problem("x.yaml", 3, "questions.q1.text", message)) == (
        "x.yaml:3: questions.q1.text: is required"
    )
    assert Problem("x.yaml", 3, "questions.q1.text", message).text("nl") == (
        "x.yaml:3: questions.q1.text: ontbreekt; dit veld is verplicht"
    )
    empty = Problem("x.yaml", None, "", Message.of("empty_file"))
    assert str(empty) == "x.yaml: the file is empty"
    error = QuestionnaireError([Problem("a.yaml", 1, "id", message), empty])
    assert str(error) == "a.yaml:1: id: is required\nx.yaml: the file is empty"


# --- One case per kind of problem -------------------------------------------------------------

QUESTION_FIELDS = (
    "id, text, optional, dimension, label, variable, next, show_if, image, image_alt, type"
)
TOP_FIELDS = (
    "schema_version, id, version, theme, title, intro, outro, address, opens_at, closes_at, "
    "max_responses, access, questions, option_sets"
)
UNKNOWN = f"is not a known field. Did you mean 'optional'? Known here: {QUESTION_FIELDS}"
NOT_A_QUESTION = "goes to 'nergens', which is not a question (or 'end')"
TYPES = "choice, multi, scale, yesno, text, number, area, grid, ranking, date"
TOO_LONG_ID = "o" * (MAX_OPTION_ID_BYTES + 1)
TOO_LONG_TEXT = "x" * (MAX_QUESTION_CHARS + 1)
TOO_LONG_LABEL = "L" * (MAX_BUTTON_LABEL_CHARS + 1)
ALIASES = (
    "anchors and aliases (& and *) are not allowed. To share one answer list between "
    "questions, put it under option_sets and write options: with its name"
)

#: A file (or the questions of one) with exactly one problem: (the text, where the problem
#: is: the line that holds this (or the n-th such line, or no line), the field, the message).
ONE_PROBLEM: dict[str, tuple[str, str | tuple[str, int] | None, str, str]] = {
    # Fields of a question
    "unknown key in a question": (
        document(YESNO.replace("  type: yesno", "  optinal: true\n  type: yesno", 1)),
        "optinal",
        "questions.q1.optinal",
        UNKNOWN,
    ),
    "missing required field of a question": (
        document(YESNO.replace("  text: {nl: Tweede vraag, en: Second question}\n", "")),
        "- id: q2",
        "questions.q2.text",
        "is required",
    ),
    "missing required number maximum": (
        document(
            "- id: kinderen\n  type: number\n"
            "  text: {nl: Hoeveel kinderen, en: How many children}\n"
        ),
        "- id: kinderen",
        "questions.kinderen.max",
        "is required",
    ),
    "wrong question type": (
        document(YESNO.replace("type: yesno", "type: janee", 1)),
        "type: janee",
        "questions.q1.type",
        f"must be one of: {TYPES} (not 'janee')",
    ),
    "missing question type": (
        document(YESNO.replace("  type: yesno\n", "", 1)),
        "- id: q1",
        "questions.q1.type",
        f"is required (one of: {TYPES})",
    ),
    # Twice the same
    "duplicate question ids": (
        document(YESNO.replace("id: q2", "id: q1")),
        ("- id: q1", 2),
        "questions.q1.id",
        "'q1' is used by two questions",
    ),
    "duplicate option ids": (
        document(CHOICE.replace("id: groen", "id: rood")),
        "{nl: Groen",
        "questions.q1.options[1].id",
        "'rood' is used twice",
    ),
    "duplicate area ids": (
        document(
            "- id: wijk\n  type: area\n  text: {nl: Waar, en: Where}\n  areas:\n"
            "    - {id: noord, label: {nl: Noord, en: North}}\n"
            "    - {id: noord, label: {nl: Zuid, en: South}}\n"
        ),
        "Zuid",
        "questions.wijk.areas[1].id",
        "'noord' is used twice",
    ),
    "duplicate yaml key": (
        document(YESNO.replace("  type: yesno\n", "  type: yesno\n  text: {nl: A, en: B}\n", 1)),
        ("text:", 2),
        "questions.q1.text",
        "appears twice",
    ),
    "duplicate top-level key": (
        document(YESNO, header=HEADER + "version: 2\n"),
        "version: 2",
        "version",
        "appears twice",
    ),
    # Where the questions lead
    "next to a missing question in a rule": (
        branching(('{question: q1, equals: "yes"}', "nergens"), (None, "q2"), second=True),
        "goto: nergens",
        "questions.q1.next[0].goto",
        NOT_A_QUESTION,
    ),
    "unreachable question": (
        document(YESNO.replace("  type: yesno", "  next: end\n  type: yesno", 1)),
        "- id: q2",
        "questions.q2.id",
        "'q2' can never be reached",
    ),
    "loop": (
        document(YESNO + "  next: q1\n"),
        "next: q1",
        "questions.q2.next",
        "makes a loop: q1 -> q2 -> q1",
    ),
    "last rule with when and no default": (
        branching(('{question: q1, equals: "yes"}', "q2"), second=True),
        "next:",
        "questions.q1.next",
        "the last rule needs no 'when': it is the default when no other rule applies",
    ),
    "rule without when before the last": (
        branching((None, "q2"), (None, "end"), second=True),
        "goto: q2",
        "questions.q1.next[0]",
        "only the last rule may leave out 'when': the rules after this one are never used",
    ),
    # Conditions
    "condition on a later question": (
        branching(('{question: q2, equals: "yes"}', "end"), (None, "q2"), second=True),
        "when: {question: q2",
        "questions.q1.next[0].when.question",
        "'q2' comes after this question, so it has no answer yet",
    ),
    "condition on an unknown question": (
        otherwise('{question: q9, equals: "yes"}'),
        "question: q9",
        "questions.q1.next[0].when.question",
        "'q9' is not a question",
    ),
    "condition value that is not an option": (
        otherwise("{question: q1, equals: paars}", first="choice"),
        "equals: paars",
        "questions.q1.next[0].when",
        "paars is not an answer of 'q1' (groen, rood)",
    ),
    "condition one_of with a wrong value on a yesno": (
        otherwise('{question: q1, one_of: ["yes", "misschien"]}'),
        "one_of",
        "questions.q1.next[0].when",
        "misschien is not an answer of 'q1' (no, yes)",
    ),
    "at_least on a choice question": (
        otherwise("{question: q1, at_least: 2}", first="choice"),
        "at_least",
        "questions.q1.next[0].when",
        "at_least/at_most need a scale or number question; 'q1' is not",
    ),
    "condition on a text question": (
        otherwise("{question: q1, equals: iets}", first="text"),
        "equals: iets",
        "questions.q1.next[0].when",
        "'q1' is a text question; branch on closed questions only",
    ),
    "condition without a test": (
        otherwise("{question: q1}"),
        "when:",
        "questions.q1.next[0].when",
        "give one of: equals, one_of, at_least, at_most",
    ),
    "condition equals outside the scale": (
        otherwise("{question: q1, equals: 7}", first="scale"),
        "equals: 7",
        "questions.q1.next[0].when",
        "7 is not an answer of 'q1' (1 to 5)",
    ),
    "condition equals a word on a number question": (
        otherwise("{question: q1, equals: veel}", first="number"),
        "equals: veel",
        "questions.q1.next[0].when",
        "equals must be a number: 'q1' is a number question",
    ),
    "value that fits no member of a union is one problem": (
        otherwise("{question: q1, equals: [a, b]}"),
        "equals",
        "questions.q1.next[0].when.equals",
        "must be text; must be a whole number, like 3 (not a list)",
    ),
    # Texts and what Telegram allows
    "missing dutch text": (
        document(YESNO, header=HEADER.replace("title: {nl: Proef, en: Trial}", "title: {en: T}")),
        "title:",
        "title.nl",
        "the Dutch text ('nl') is missing",
    ),
    "empty translation": (
        document(YESNO.replace("en: Second question", 'en: ""')),
        'en: ""',
        "questions.q2.text.en",
        "must not be empty",
    ),
    "text instead of translations": (
        document(YESNO.replace("{nl: Tweede vraag, en: Second question}", "Tweede vraag")),
        "text: Tweede",
        "questions.q2.text",
        "must be a mapping of fields (a text needs 'nl:' and 'en:' lines)",
    ),
    "option id too long for callback data": (
        document(CHOICE.replace("id: rood", f"id: {TOO_LONG_ID}")),
        TOO_LONG_ID,
        "questions.q1.options[0].id",
        "is 54 bytes; Telegram's button data allows at most 53 bytes for an option id",
    ),
    "option id that is not a slug": (
        document(CHOICE.replace("id: rood", "id: Rood rood")),
        "Rood rood",
        "questions.q1.options[0].id",
        "use lowercase letters, digits, '-' and '_' only, starting with a letter or digit "
        "(not 'Rood rood')",
    ),
    "question text over the limit": (
        document(YESNO.replace("nl: Tweede vraag", f"nl: {TOO_LONG_TEXT}")),
        TOO_LONG_TEXT,
        "questions.q2.text",
        "the 'nl' text has 3501 characters; at most 3500",
    ),
    "button label over the limit": (
        document(CHOICE.replace("en: Green", f"en: {TOO_LONG_LABEL}")),
        TOO_LONG_LABEL,
        "questions.q1.options[1].label",
        "the 'en' text has 65 characters; at most 64",
    ),
    # The questionnaire as a whole
    "opens_at after closes_at": (
        document(YESNO, header=HEADER + "opens_at: 2025-04-01\ncloses_at: 2025-03-01T12:00:00\n"),
        "closes_at",
        "closes_at",
        "closes_at must come after opens_at",
    ),
    "opens_at equal to closes_at": (
        document(YESNO, header=HEADER + "opens_at: 2025-04-01T00:00:00\ncloses_at: 2025-04-01\n"),
        "closes_at",
        "closes_at",
        "closes_at must come after opens_at",
    ),
    "wrong schema version": (
        document(YESNO, header=HEADER.replace("schema_version: 1", "schema_version: 2")),
        "schema_version",
        "schema_version",
        "must be 1 (not '2')",
    ),
    "questions must not be empty": (
        HEADER + "questions: []\n",
        "questions",
        "questions",
        "has 0; allowed: 1 to 60",
    ),
    # YAML itself
    "invalid yaml syntax reports the line": (
        document(YESNO).replace("  type: yesno", " type: yesno", 1),
        " type: yesno",
        "",
        "not valid YAML: the indentation is off here; fields of one block start in the same "
        "column, indented with spaces",
    ),
    "two documents in one file": (
        "a: 1\n---\nb: 2\n",
        "---",
        "",
        "not valid YAML: but found another document (---); one questionnaire per file",
    ),
    "deep nesting is refused": (
        "a: " + "[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1) + "\n",
        "a: ",
        "",
        "nested deeper than 20 levels",
    ),
    "file too large": (
        "# " + "x" * MAX_FILE_BYTES + "\n",
        None,
        "",
        f"file is {MAX_FILE_BYTES + 3} bytes; at most {MAX_FILE_BYTES}",
    ),
}


@pytest.mark.parametrize(("text", "at", "field", "message"), ONE_PROBLEM.values(), ids=ONE_PROBLEM)
def test_one_problem_with_its_line_and_field(
    text: str, at: str | tuple[str, int] | None, field: str, message: str
) -> None:
    line = line_of(text, *at) if isinstance(at, tuple) else at and line_of(text, at)
    assert only_problem(text) == Said("x.yaml", line, field, message)


def test_unknown_top_level_key_and_the_field_it_should_have_been() -> None:
    text = document(YESNO, header=HEADER.replace("title:", "titel:"))
    assert problems(text) == [
        Said("x.yaml", 1, "title", "is required"),
        Said(
            "x.yaml",
            line_of(text, "titel"),
            "titel",
            f"is not a known field. Did you mean 'title'? Known here: {TOP_FIELDS}",
        ),
    ]


def test_next_to_a_missing_question_short_form() -> None:
    text = document(YESNO.replace("  type: yesno", "  next: nergens\n  type: yesno", 1))
    assert problems(text) == [
        Said("x.yaml", line_of(text, "next: nergens"), "questions.q1.next", NOT_A_QUESTION),
        # Its real target is missing, so the question below is not reached either.
        Said("x.yaml", line_of(text, "- id: q2"), "questions.q2.id", "'q2' can never be reached"),
    ]


def test_loop_to_itself() -> None:
    text = document(YESNO.replace("  type: yesno", "  next: q1\n  type: yesno", 1))
    found = problems(text)
    assert found[0] == Said(
        "x.yaml", line_of(text, "next: q1"), "questions.q1.next", "makes a loop: q1 -> q1"
    )
    assert [p.field for p in found] == ["questions.q1.next", "questions.q2.id"]


def test_reserved_question_id_end() -> None:
    text = document(YESNO.replace("id: q2", "id: end"))
    found = problems(text)
    assert found[0] == Said(
        "x.yaml",
        line_of(text, "id: end"),
        "questions.end.id",
        "'end' is reserved for the end of the questionnaire",
    )


def test_option_id_at_the_limit_is_fine() -> None:
    assert MAX_OPTION_ID_BYTES == 53  # as "option id too long for callback data" says
    longest = "o" * MAX_OPTION_ID_BYTES
    questionnaire = parse(document(CHOICE.replace("id: rood", f"id: {longest}")), "x.yaml")
    question = questionnaire.question("q1")
    assert isinstance(question, ChoiceQuestion)
    assert question.options[0].id == longest


def test_question_text_at_the_limit_is_fine() -> None:
    longest = "x" * MAX_QUESTION_CHARS
    questionnaire = parse(document(YESNO.replace("en: Second question", f"en: {longest}")))
    assert questionnaire.question("q2").text.en == longest


def test_button_label_at_the_limit_is_fine() -> None:
    label = "L" * MAX_BUTTON_LABEL_CHARS
    questionnaire = parse(document(CHOICE.replace("en: Green", f"en: {label}")))
    question = questionnaire.question("q1")
    assert isinstance(question, ChoiceQuestion)
    assert question.options[1].label.en == label


@pytest.mark.parametrize(
    ("postcodes", "index", "message"),
    [
        ('["2000-1999"]', 0, "postcode range '2000-1999' runs backwards"),
        ('["1011", "12345"]', 1, "postcode '12345' is not 4 digits or a range like 1011-1018"),
        ('["1011-18"]', 0, "postcode '1011-18' is not 4 digits or a range like 1011-1018"),
        ('["1011 AB"]', 0, "postcode '1011 AB' is not 4 digits or a range like 1011-1018"),
    ],
)
def test_bad_postcodes(postcodes: str, index: int, message: str) -> None:
    text = document(f"""
        - id: wijk
          type: area
          text: {{nl: Waar, en: Where}}
          areas:
            - {{id: noord, label: {{nl: Noord, en: North}}, postcodes: {postcodes}}}
            - {{id: zuid, label: {{nl: Zuid, en: South}}}}
    """)
    assert only_problem(text) == Said(
        "x.yaml",
        line_of(text, "postcodes"),
        f"questions.wijk.areas[0].postcodes[{index}]",
        message,
    )


def test_postcodes_written_as_numbers_are_read_as_text() -> None:
    questionnaire = parse(
        document("""
            - id: wijk
              type: area
              text: {nl: Waar, en: Where}
              areas:
                - {id: noord, label: {nl: Noord, en: North}, postcodes: [6811, 6812-6815]}
                - {id: zuid, label: {nl: Zuid, en: South}}
        """)
    )
    question = questionnaire.question("wijk")
    assert isinstance(question, AreaQuestion)
    assert question.areas[0].postcodes == ["6811", "6812-6815"]


def test_opens_and_closes_with_and_without_time_zone() -> None:
    header = HEADER + "opens_at: 2025-03-01\ncloses_at: 2025-03-31T18:00:00+02:00\n"
    questionnaire = parse(document(YESNO, header=header))
    assert questionnaire.opens_at == datetime(2025, 3, 1)
    assert questionnaire.closes_at == datetime(2025, 3, 31, 16, 0, tzinfo=UTC)
    backwards = HEADER + "opens_at: 2025-04-01T00:00:00+02:00\ncloses_at: 2025-03-31\n"
    text = document(YESNO, header=backwards)
    assert only_problem(text) == Said(
        "x.yaml", line_of(text, "closes_at"), "closes_at", "closes_at must come after opens_at"
    )


def test_dates_are_parsed_by_pydantic() -> None:
    header = HEADER + "opens_at: 2025-03-01 09:30\ncloses_at: 2025-03-31T18:00:00+01:00\n"
    questionnaire = parse(document(YESNO, header=header))
    assert questionnaire.opens_at == datetime(2025, 3, 1, 9, 30)
    assert questionnaire.closes_at == datetime(
        2025, 3, 31, 18, tzinfo=timezone(timedelta(hours=1))
    )
    text = document(YESNO, header=HEADER + "opens_at: morgen\n")
    problem = only_problem(text)
    assert (problem.line, problem.field) == (line_of(text, "opens_at"), "opens_at")


def test_unclosed_flow_mapping_reports_the_line() -> None:
    text = document(YESNO.replace("en: Second question}", "en: Second question"))
    problem = only_problem(text)
    assert problem.line == line_of(text, "en: Second question") + 1
    assert problem.message.startswith("not valid YAML: ")


def test_merge_key_is_refused() -> None:
    text = "base: &base {a: 1}\nother:\n  <<: *base\n"
    found = problems(text)
    assert [(p.line, p.message) for p in found if not p.field] == [
        (1, f"{ALIASES} (also on line 3)")
    ]
    assert [p.field for p in found if p.field in {"base", "other"}] == ["base", "other"]


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("!env SECRET", "!env"),
        ("!!python/object/apply:os.system [echo hi]", "!!python/object/apply:os.system"),
        ("!!python/name:os.system x", "!!python/name:os.system"),
        ("!!binary aGVsbG8=", "!!binary"),
        ("!!set {a, b}", "!!set"),
    ],
)
def test_custom_and_unsafe_tags_are_refused(value: str, shown: str) -> None:
    text = document(YESNO, header=HEADER + f"outro: {value}\n")
    assert only_problem(text) == Said(
        "x.yaml", line_of(text, "outro"), "", f"YAML tag {shown} is not allowed"
    )


def test_standard_tags_are_fine_and_checked() -> None:
    text = document(YESNO, header=HEADER.replace("\nversion: 1", "\nversion: !!int 3"))
    assert parse(text).version == 3
    bad = document(YESNO, header=HEADER.replace("\nversion: 1", "\nversion: !!int drie"))
    found = problems(bad)
    assert found[0] == Said("x.yaml", 3, "version", "'drie' is not a valid !!int")
    assert [p.field for p in found] == ["version", "version"]


def test_nesting_up_to_the_limit_is_parsed() -> None:
    depth = MAX_DEPTH - 1  # plus the document's own mapping
    found = problems("a: " + "[" * depth + "]" * depth + "\n")
    assert "nested" not in " ".join(p.message for p in found)


def test_very_deep_nesting_fails_fast_without_recursion_error() -> None:
    text = "[" * 100_000 + "]" * 100_000
    assert only_problem(text).message == "nested deeper than 20 levels"


def test_size_limit_counts_bytes_not_characters() -> None:
    text = "# " + "é" * (MAX_FILE_BYTES // 2) + "\n"
    assert len(text) < MAX_FILE_BYTES
    assert only_problem(text).message == f"file is {len(text.encode())} bytes; at most 262144"


def test_file_too_large_on_disk(tmp_path: Path) -> None:
    path = tmp_path / "groot.yaml"
    path.write_bytes(b"#" * (MAX_FILE_BYTES + 1))
    with pytest.raises(QuestionnaireError) as caught:
        load_file(path)
    assert [said(p) for p in caught.value.problems] == [
        Said(str(path), None, "", f"file is {MAX_FILE_BYTES + 1} bytes; at most 262144")
    ]


def test_non_utf8_file(tmp_path: Path) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes(document(YESNO).replace("Eerste", "Eérste").encode("latin-1"))
    with pytest.raises(QuestionnaireError) as caught:
        load_file(path)
    assert [said(p) for p in caught.value.problems] == [
        Said(str(path), None, "", "not UTF-8 text; save the file as UTF-8")
    ]


def test_utf8_file_with_byte_order_mark(tmp_path: Path) -> None:
    path = tmp_path / "bom.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + document(YESNO).encode())
    assert load_file(path).id == "proef"


def test_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "weg.yaml"
    with pytest.raises(QuestionnaireError) as caught:
        load_file(path)
    assert [said(p) for p in caught.value.problems] == [
        Said(str(path), None, "", "cannot read: No such file or directory")
    ]


@pytest.mark.parametrize("text", ["", "\n\n", "# alleen commentaar\n", "---\n"])
def test_empty_file(text: str) -> None:
    assert only_problem(text) == Said("x.yaml", None, "", "the file is empty")


@pytest.mark.parametrize("text", ["- id: a\n- id: b\n", "gewoon tekst\n", "42\n"])
def test_top_level_must_be_a_mapping(text: str) -> None:
    assert only_problem(text) == Said(
        "x.yaml", 1, "", "a questionnaire is a mapping of fields (id, title, ...)"
    )


# --- YAML 1.1 surprises -----------------------------------------------------------------------


def test_yes_and_no_stay_text() -> None:
    questionnaire = parse(
        document("""
            - id: q1
              type: choice
              optional: yes
              text: {nl: Akkoord, en: Agree}
              options:
                - {id: "on", label: {nl: Ja, en: Yes}}
                - {id: "off", label: {nl: Nee, en: No}}
              next:
                - when: {question: q1, equals: on}
                  goto: q2
                - goto: end
            - id: q2
              type: yesno
              text: {nl: Zeker, en: Sure}
              next:
                - when: {question: q2, equals: yes}
                  goto: end
                - goto: end
        """)
    )
    q1 = questionnaire.question("q1")
    assert isinstance(q1, ChoiceQuestion)
    assert q1.optional is True
    assert [o.label.en for o in q1.options] == ["Yes", "No"]
    q1_rule = q1.rules()[0]
    assert q1_rule.when is not None
    assert q1_rule.when.equals == "on"
    q2_rule = questionnaire.question("q2").rules()[0]
    assert q2_rule.when is not None
    assert q2_rule.when.equals == "yes"
    assert q2_rule.when.matches("yes") is True
    assert q2_rule.when.matches("no") is False


def test_true_and_false_are_still_booleans() -> None:
    text = document(YESNO.replace("  type: yesno", "  optional: true\n  type: yesno", 1))
    assert parse(text).question("q1").optional is True
    text = document(CHOICE.replace("en: Red", "en: true"))
    problem = only_problem(text)
    assert (problem.line, problem.field) == (
        line_of(text, "en: true"),
        "questions.q1.options[0].label.en",
    )
    assert problem.message == "must be text"


def test_parsing_keeps_no_nodes_alive() -> None:
    for _ in range(3):
        load_file(MINI)
    assert yamlsafe._CONSTRUCTOR.constructed_objects == {}


# --- All problems at once ----------------------------------------------------------------------


def test_all_problems_of_a_file_are_reported_at_once() -> None:
    text = document(
        CHOICE.replace("  type: choice", "  tpye: choice\n  type: choice")
        .replace("en: Which colour", 'en: ""')
        .replace("id: groen", "id: " + "g" * 60)
    )
    assert problems(text) == [
        Said("x.yaml", line_of(text, 'en: ""'), "questions.q1.text.en", "must not be empty"),
        Said(
            "x.yaml",
            line_of(text, "g" * 60),
            "questions.q1.options[1].id",
            "is 60 bytes; Telegram's button data allows at most 53 bytes for an option id",
        ),
        Said(
            "x.yaml",
            line_of(text, "tpye"),
            "questions.q1.tpye",
            "is not a known field. Did you mean 'type'? Known here: id, text, optional, "
            "dimension, label, variable, next, show_if, image, image_alt, "
            "type, options, shuffle, profile",
        ),
    ]


def test_graph_problems_are_all_reported_at_once() -> None:
    text = document("""
        - id: q1
          type: yesno
          text: {nl: Eerste, en: First}
          next: nergens
        - id: q2
          type: yesno
          text: {nl: Tweede, en: Second}
        - id: q2
          type: choice
          text: {nl: Derde, en: Third}
          options:
            - {id: a, label: {nl: A, en: A}}
            - {id: a, label: {nl: B, en: B}}
    """)
    assert [(p.line, p.field, p.message) for p in problems(text)] == [
        (line_of(text, "- id: q2", 2), "questions.q2.id", "'q2' is used by two questions"),
        (line_of(text, "nl: B"), "questions.q2.options[1].id", "'a' is used twice"),
        (
            line_of(text, "next: nergens"),
            "questions.q1.next",
            "goes to 'nergens', which is not a question (or 'end')",
        ),
        (line_of(text, "- id: q2"), "questions.q2.id", "'q2' can never be reached"),
    ]


def test_duplicate_keys_are_reported_together_with_schema_problems() -> None:
    text = document(
        YESNO.replace("  type: yesno\n", "  type: yesno\n  type: yesno\n  kleur: 1\n", 1)
    )
    assert [(p.line, p.field, p.message) for p in problems(text)] == [
        (line_of(text, "type: yesno", 2), "questions.q1.type", "appears twice"),
        (
            line_of(text, "kleur"),
            "questions.q1.kleur",
            f"is not a known field. Known here: {QUESTION_FIELDS}",
        ),
    ]


# --- Folders ---------------------------------------------------------------------------------


def test_load_directory_reports_every_file_and_duplicate_versions(tmp_path: Path) -> None:
    good = document(YESNO)
    (tmp_path / "a_goed.yaml").write_text(good)
    (tmp_path / "b_zelfde.yml").write_text(good)  # same id and version as a_goed.yaml
    (tmp_path / "c_nieuw.yaml").write_text(good.replace("\nversion: 1", "\nversion: 2"))
    broken = document(YESNO.replace("type: yesno", "type: janee", 1))
    (tmp_path / "d_kapot.yaml").write_text(broken)
    (tmp_path / "e_leeg.yaml").write_text("")
    (tmp_path / "notities.txt").write_text("geen vragenlijst")
    (tmp_path / "map.yaml").mkdir()

    with pytest.raises(QuestionnaireError) as caught:
        load_directory(tmp_path)

    assert [said(p) for p in caught.value.problems] == [
        Said(str(tmp_path / "b_zelfde.yml"), None, "id", "proef version 1 is also in a_goed.yaml"),
        Said(
            str(tmp_path / "d_kapot.yaml"),
            line_of(broken, "type: janee"),
            "questions.q1.type",
            "must be one of: choice, multi, scale, yesno, text, number, area, grid, ranking, "
            "date (not 'janee')",
        ),
        Said(str(tmp_path / "e_leeg.yaml"), None, "", "the file is empty"),
    ]


def test_load_directory_returns_every_questionnaire(tmp_path: Path) -> None:
    (tmp_path / "mini.yaml").write_bytes(MINI.read_bytes())
    (tmp_path / "proef.yaml").write_text(document(YESNO))
    (tmp_path / "proef2.yaml").write_text(document(YESNO).replace("\nversion: 1", "\nversion: 2"))
    assert [q.key for q in load_directory(tmp_path)] == ["mini@1", "proef@1", "proef@2"]


def test_load_directory_of_a_missing_folder(tmp_path: Path) -> None:
    with pytest.raises(QuestionnaireError) as caught:
        load_directory(tmp_path / "weg")
    assert [said(p) for p in caught.value.problems] == [
        Said(str(tmp_path / "weg"), None, "", "folder not found (set QUESTIONNAIRES_DIR)")
    ]

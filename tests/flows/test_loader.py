"""The loader: every problem in a questionnaire file names the file, the line and the field."""

from __future__ import annotations

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
from tests.flows.helpers import HEADER, MINI, document, line_of, only_problem, problems

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
    assert str(Problem("x.yaml", 3, "questions.q1.text", "is required")) == (
        "x.yaml:3: questions.q1.text: is required"
    )
    assert str(Problem("x.yaml", None, "", "the file is empty")) == "x.yaml: the file is empty"
    error = QuestionnaireError([Problem("a.yaml", 1, "id", "x"), Problem("b.yaml", 2, "", "y")])
    assert str(error) == "a.yaml:1: id: x\nb.yaml:2: y"


# --- One test per kind of problem ---------------------------------------------------------------


def test_unknown_key_in_a_question() -> None:
    text = document(YESNO.replace("  type: yesno", "  optinal: true\n  type: yesno", 1))
    problem = only_problem(text)
    assert problem == Problem(
        "x.yaml",
        line_of(text, "optinal"),
        "questions.q1.optinal",
        "is not a known field (check the spelling)",
    )


def test_unknown_top_level_key_and_the_field_it_should_have_been() -> None:
    text = document(YESNO, header=HEADER.replace("title:", "titel:"))
    assert problems(text) == [
        Problem("x.yaml", 1, "title", "is required"),
        Problem(
            "x.yaml", line_of(text, "titel"), "titel", "is not a known field (check the spelling)"
        ),
    ]


def test_missing_required_field_of_a_question() -> None:
    text = document(YESNO.replace("  text: {nl: Tweede vraag, en: Second question}\n", ""))
    assert only_problem(text) == Problem(
        "x.yaml", line_of(text, "- id: q2"), "questions.q2.text", "is required"
    )


def test_missing_required_number_maximum() -> None:
    text = document("""
        - id: kinderen
          type: number
          text: {nl: Hoeveel kinderen, en: How many children}
    """)
    assert only_problem(text) == Problem(
        "x.yaml", line_of(text, "- id: kinderen"), "questions.kinderen.max", "is required"
    )


def test_duplicate_question_ids() -> None:
    text = document(YESNO.replace("id: q2", "id: q1"))
    assert only_problem(text) == Problem(
        "x.yaml", line_of(text, "- id: q1", 2), "questions.q1.id", "'q1' is used by two questions"
    )


def test_duplicate_option_ids() -> None:
    text = document(CHOICE.replace("id: groen", "id: rood"))
    assert only_problem(text) == Problem(
        "x.yaml",
        line_of(text, "{nl: Groen"),
        "questions.q1.options[1].id",
        "'rood' is used twice",
    )


def test_duplicate_area_ids() -> None:
    text = document("""
        - id: wijk
          type: area
          text: {nl: Waar, en: Where}
          areas:
            - {id: noord, label: {nl: Noord, en: North}}
            - {id: noord, label: {nl: Zuid, en: South}}
    """)
    assert only_problem(text) == Problem(
        "x.yaml", line_of(text, "Zuid"), "questions.wijk.areas[1].id", "'noord' is used twice"
    )


def test_duplicate_yaml_key() -> None:
    text = document(YESNO.replace("  type: yesno\n", "  type: yesno\n  text: {nl: A, en: B}\n", 1))
    assert only_problem(text) == Problem(
        "x.yaml", line_of(text, "text:", 2), "questions.q1.text", "appears twice"
    )


def test_duplicate_top_level_key() -> None:
    text = document(YESNO, header=HEADER + "version: 2\n")
    assert only_problem(text) == Problem("x.yaml", 7, "version", "appears twice")


def test_next_to_a_missing_question_short_form() -> None:
    text = document(YESNO.replace("  type: yesno", "  next: nergens\n  type: yesno", 1))
    assert problems(text) == [
        Problem(
            "x.yaml",
            line_of(text, "next: nergens"),
            "questions.q1.next",
            "goes to 'nergens', which is not a question (or 'end')",
        ),
        # Its real target is missing, so the question below is not reached either.
        Problem(
            "x.yaml", line_of(text, "- id: q2"), "questions.q2.id", "'q2' can never be reached"
        ),
    ]


def test_next_to_a_missing_question_in_a_rule() -> None:
    text = document("""
        - id: q1
          type: yesno
          text: {nl: Eerste, en: First}
          next:
            - when: {question: q1, equals: "yes"}
              goto: nergens
            - goto: q2
        - id: q2
          type: yesno
          text: {nl: Tweede, en: Second}
    """)
    assert only_problem(text) == Problem(
        "x.yaml",
        line_of(text, "goto: nergens"),
        "questions.q1.next[0].goto",
        "goes to 'nergens', which is not a question (or 'end')",
    )


def test_unreachable_question() -> None:
    text = document(YESNO.replace("  type: yesno", "  next: end\n  type: yesno", 1))
    assert only_problem(text) == Problem(
        "x.yaml", line_of(text, "- id: q2"), "questions.q2.id", "'q2' can never be reached"
    )


def test_loop() -> None:
    text = document(YESNO + "  next: q1\n")
    assert only_problem(text) == Problem(
        "x.yaml", line_of(text, "next: q1"), "questions.q2.next", "makes a loop: q1 -> q2 -> q1"
    )


def test_loop_to_itself() -> None:
    text = document(YESNO.replace("  type: yesno", "  next: q1\n  type: yesno", 1))
    found = problems(text)
    assert found[0] == Problem(
        "x.yaml", line_of(text, "next: q1"), "questions.q1.next", "makes a loop: q1 -> q1"
    )
    assert [p.field for p in found] == ["questions.q1.next", "questions.q2.id"]


def test_missing_english_translation() -> None:
    text = document(
        YESNO.replace("text: {nl: Tweede vraag, en: Second question}", "text:\n    nl: Tweede?")
    )
    assert only_problem(text) == Problem(
        "x.yaml",
        line_of(text, "text:", 2),
        "questions.q2.text.en",
        "the English translation ('en') is missing",
    )


def test_missing_dutch_text() -> None:
    text = document(
        YESNO, header=HEADER.replace("title: {nl: Proef, en: Trial}", "title: {en: T}")
    )
    assert only_problem(text) == Problem(
        "x.yaml", line_of(text, "title:"), "title.nl", "the Dutch text ('nl') is missing"
    )


def test_empty_translation() -> None:
    text = document(YESNO.replace("en: Second question", 'en: ""'))
    problem = only_problem(text)
    assert (problem.line, problem.field) == (line_of(text, 'en: ""'), "questions.q2.text.en")
    assert problem.message == "String should have at least 1 character"


def test_text_instead_of_translations() -> None:
    text = document(YESNO.replace("{nl: Tweede vraag, en: Second question}", "Tweede vraag"))
    assert only_problem(text) == Problem(
        "x.yaml",
        line_of(text, "text: Tweede"),
        "questions.q2.text",
        "must be a mapping of fields (a text needs 'nl:' and 'en:' lines)",
    )


def test_option_id_too_long_for_callback_data() -> None:
    too_long = "o" * (MAX_OPTION_ID_BYTES + 1)
    text = document(CHOICE.replace("id: rood", f"id: {too_long}"))
    assert MAX_OPTION_ID_BYTES == 53
    assert only_problem(text) == Problem(
        "x.yaml",
        line_of(text, too_long),
        "questions.q1.options[0].id",
        "is 54 bytes; Telegram's button data allows at most 53 bytes for an option id",
    )


def test_option_id_at_the_limit_is_fine() -> None:
    longest = "o" * MAX_OPTION_ID_BYTES
    questionnaire = parse(document(CHOICE.replace("id: rood", f"id: {longest}")), "x.yaml")
    question = questionnaire.question("q1")
    assert isinstance(question, ChoiceQuestion)
    assert question.options[0].id == longest


def test_option_id_that_is_not_a_slug() -> None:
    text = document(CHOICE.replace("id: rood", "id: Rood rood"))
    assert only_problem(text) == Problem(
        "x.yaml",
        line_of(text, "Rood rood"),
        "questions.q1.options[0].id",
        "use lowercase letters, digits, '-' and '_' only, starting with a letter or digit",
    )


def test_question_text_over_the_limit() -> None:
    long_text = "x" * (MAX_QUESTION_CHARS + 1)
    text = document(YESNO.replace("nl: Tweede vraag", f"nl: {long_text}"))
    assert only_problem(text) == Problem(
        "x.yaml",
        line_of(text, long_text),
        "questions.q2.text",
        "the 'nl' text has 3501 characters; at most 3500",
    )


def test_question_text_at_the_limit_is_fine() -> None:
    longest = "x" * MAX_QUESTION_CHARS
    questionnaire = parse(document(YESNO.replace("en: Second question", f"en: {longest}")))
    assert questionnaire.question("q2").text.en == longest


def test_button_label_over_the_limit() -> None:
    label = "L" * (MAX_BUTTON_LABEL_CHARS + 1)
    text = document(CHOICE.replace("en: Green", f"en: {label}"))
    assert only_problem(text) == Problem(
        "x.yaml",
        line_of(text, label),
        "questions.q1.options[1].label",
        "the 'en' text has 65 characters; at most 64",
    )


def test_button_label_at_the_limit_is_fine() -> None:
    label = "L" * MAX_BUTTON_LABEL_CHARS
    questionnaire = parse(document(CHOICE.replace("en: Green", f"en: {label}")))
    question = questionnaire.question("q1")
    assert isinstance(question, ChoiceQuestion)
    assert question.options[1].label.en == label


def test_wrong_question_type() -> None:
    text = document(YESNO.replace("type: yesno", "type: janee", 1))
    assert only_problem(text) == Problem(
        "x.yaml",
        line_of(text, "type: janee"),
        "questions.q1.type",
        "must be one of: choice, multi, scale, yesno, text, number, area",
    )


def test_missing_question_type() -> None:
    text = document(YESNO.replace("  type: yesno\n", "", 1))
    assert only_problem(text) == Problem(
        "x.yaml",
        line_of(text, "- id: q1"),
        "questions.q1.type",
        "is required (one of: choice, multi, scale, yesno, text, number, area)",
    )


def test_condition_on_a_later_question() -> None:
    text = document("""
        - id: q1
          type: yesno
          text: {nl: Eerste, en: First}
          next:
            - when: {question: q2, equals: "yes"}
              goto: end
            - goto: q2
        - id: q2
          type: yesno
          text: {nl: Tweede, en: Second}
    """)
    assert only_problem(text) == Problem(
        "x.yaml",
        line_of(text, "when: {question: q2"),
        "questions.q1.next[0].when.question",
        "'q2' comes after this question, so it has no answer yet",
    )


def test_condition_on_an_unknown_question() -> None:
    text = document("""
        - id: q1
          type: yesno
          text: {nl: Eerste, en: First}
          next:
            - when: {question: q9, equals: "yes"}
              goto: end
            - goto: end
    """)
    assert only_problem(text) == Problem(
        "x.yaml",
        line_of(text, "question: q9"),
        "questions.q1.next[0].when.question",
        "'q9' is not a question",
    )


def test_condition_value_that_is_not_an_option() -> None:
    text = document(
        CHOICE
        + """\
  next:
    - when: {question: q1, equals: paars}
      goto: end
    - goto: end
"""
    )
    assert only_problem(text) == Problem(
        "x.yaml",
        line_of(text, "equals: paars"),
        "questions.q1.next[0].when",
        "paars is not an answer of 'q1' (groen, rood)",
    )


def test_condition_one_of_with_a_wrong_value_on_a_yesno() -> None:
    text = document("""
        - id: q1
          type: yesno
          text: {nl: Eerste, en: First}
          next:
            - when: {question: q1, one_of: ["yes", "misschien"]}
              goto: end
            - goto: end
    """)
    assert only_problem(text) == Problem(
        "x.yaml",
        line_of(text, "one_of"),
        "questions.q1.next[0].when",
        "misschien is not an answer of 'q1' (no, yes)",
    )


def test_at_least_on_a_choice_question() -> None:
    text = document(
        CHOICE
        + """\
  next:
    - when: {question: q1, at_least: 2}
      goto: end
    - goto: end
"""
    )
    assert only_problem(text) == Problem(
        "x.yaml",
        line_of(text, "at_least"),
        "questions.q1.next[0].when",
        "at_least/at_most need a scale or number question; 'q1' is not",
    )


def test_condition_on_a_text_question() -> None:
    text = document("""
        - id: q1
          type: text
          text: {nl: Vertel, en: Tell}
          next:
            - when: {question: q1, equals: iets}
              goto: end
            - goto: end
    """)
    assert only_problem(text) == Problem(
        "x.yaml",
        line_of(text, "equals: iets"),
        "questions.q1.next[0].when",
        "'q1' is a text question; branch on closed questions only",
    )


def test_condition_without_a_test() -> None:
    text = document("""
        - id: q1
          type: yesno
          text: {nl: Eerste, en: First}
          next:
            - when: {question: q1}
              goto: end
            - goto: end
    """)
    assert only_problem(text) == Problem(
        "x.yaml",
        line_of(text, "when:"),
        "questions.q1.next[0].when",
        "give one of: equals, one_of, at_least, at_most",
    )


def test_condition_equals_outside_the_scale() -> None:
    text = document("""
        - id: q1
          type: scale
          text: {nl: Cijfer, en: Score}
          next:
            - when: {question: q1, equals: 7}
              goto: end
            - goto: end
    """)
    assert only_problem(text) == Problem(
        "x.yaml",
        line_of(text, "equals: 7"),
        "questions.q1.next[0].when",
        "7 is not an answer of 'q1' (1 to 5)",
    )


def test_condition_equals_a_word_on_a_number_question() -> None:
    text = document("""
        - id: q1
          type: number
          max: 10
          text: {nl: Hoeveel, en: How many}
          next:
            - when: {question: q1, equals: veel}
              goto: end
            - goto: end
    """)
    assert only_problem(text) == Problem(
        "x.yaml",
        line_of(text, "equals: veel"),
        "questions.q1.next[0].when",
        "equals must be a number: 'q1' is a number question",
    )


def test_last_rule_with_when_and_no_default() -> None:
    text = document("""
        - id: q1
          type: yesno
          text: {nl: Eerste, en: First}
          next:
            - when: {question: q1, equals: "yes"}
              goto: q2
        - id: q2
          type: yesno
          text: {nl: Tweede, en: Second}
    """)
    assert only_problem(text) == Problem(
        "x.yaml",
        line_of(text, "next:"),
        "questions.q1.next",
        "the last rule needs no 'when': it is the default when no other rule applies",
    )


def test_rule_without_when_before_the_last() -> None:
    text = document("""
        - id: q1
          type: yesno
          text: {nl: Eerste, en: First}
          next:
            - goto: q2
            - goto: end
        - id: q2
          type: yesno
          text: {nl: Tweede, en: Second}
    """)
    assert only_problem(text) == Problem(
        "x.yaml",
        line_of(text, "goto: q2"),
        "questions.q1.next[0]",
        "only the last rule may leave out 'when': the rules after this one are never used",
    )


def test_reserved_question_id_end() -> None:
    text = document(YESNO.replace("id: q2", "id: end"))
    found = problems(text)
    assert found[0] == Problem(
        "x.yaml",
        line_of(text, "id: end"),
        "questions.end.id",
        "'end' is reserved for the end of the questionnaire",
    )


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
    assert only_problem(text) == Problem(
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


def test_opens_at_after_closes_at() -> None:
    header = HEADER + "opens_at: 2025-04-01\ncloses_at: 2025-03-01T12:00:00\n"
    text = document(YESNO, header=header)
    assert only_problem(text) == Problem(
        "x.yaml", line_of(text, "closes_at"), "closes_at", "closes_at must come after opens_at"
    )


def test_opens_at_equal_to_closes_at() -> None:
    header = HEADER + "opens_at: 2025-04-01T00:00:00\ncloses_at: 2025-04-01\n"
    assert only_problem(document(YESNO, header=header)).field == "closes_at"


def test_opens_and_closes_with_and_without_time_zone() -> None:
    header = HEADER + "opens_at: 2025-03-01\ncloses_at: 2025-03-31T18:00:00+02:00\n"
    questionnaire = parse(document(YESNO, header=header))
    assert questionnaire.opens_at == datetime(2025, 3, 1)
    assert questionnaire.closes_at == datetime(2025, 3, 31, 16, 0, tzinfo=UTC)
    backwards = HEADER + "opens_at: 2025-04-01T00:00:00+02:00\ncloses_at: 2025-03-31\n"
    text = document(YESNO, header=backwards)
    assert only_problem(text) == Problem(
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


def test_wrong_schema_version() -> None:
    text = document(YESNO, header=HEADER.replace("schema_version: 1", "schema_version: 2"))
    assert only_problem(text) == Problem("x.yaml", 1, "schema_version", "must be 1")


def test_invalid_yaml_syntax_reports_the_line() -> None:
    text = document(YESNO).replace("  type: yesno", " type: yesno", 1)
    assert only_problem(text) == Problem(
        "x.yaml",
        line_of(text, " type: yesno"),
        "",
        "not valid YAML: expected <block end>, but found '<block mapping start>'",
    )


def test_unclosed_flow_mapping_reports_the_line() -> None:
    text = document(YESNO.replace("en: Second question}", "en: Second question"))
    problem = only_problem(text)
    assert problem.line == line_of(text, "en: Second question") + 1
    assert problem.message.startswith("not valid YAML: ")


def test_two_documents_in_one_file() -> None:
    assert only_problem("a: 1\n---\nb: 2\n") == Problem(
        "x.yaml", 2, "", "not valid YAML: but found another document"
    )


BILLION_LAUGHS = """\
a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]
b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]
e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]
f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]
g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]
h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g]
i: &i [*h, *h, *h, *h, *h, *h, *h, *h, *h]
"""


def test_billion_laughs_is_refused() -> None:
    assert only_problem(BILLION_LAUGHS) == Problem(
        "x.yaml", 1, "", "anchors and aliases (& and *) are not allowed"
    )


def test_anchor_and_alias_in_a_questionnaire_are_refused() -> None:
    text = document(YESNO.replace("{nl: Eerste vraag", "&vraag {nl: Eerste vraag"))
    text = text.replace("{nl: Tweede vraag, en: Second question}", "*vraag")
    assert only_problem(text) == Problem(
        "x.yaml", line_of(text, "&vraag"), "", "anchors and aliases (& and *) are not allowed"
    )


def test_merge_key_is_refused() -> None:
    text = "base: &base {a: 1}\nother:\n  <<: *base\n"
    assert only_problem(text).message == "anchors and aliases (& and *) are not allowed"


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
    assert only_problem(text) == Problem(
        "x.yaml", line_of(text, "outro"), "", f"YAML tag {shown} is not allowed"
    )


def test_standard_tags_are_fine_and_checked() -> None:
    text = document(YESNO, header=HEADER.replace("\nversion: 1", "\nversion: !!int 3"))
    assert parse(text).version == 3
    bad = document(YESNO, header=HEADER.replace("\nversion: 1", "\nversion: !!int drie"))
    found = problems(bad)
    assert found[0] == Problem("x.yaml", 3, "version", "'drie' is not a valid !!int")
    assert [p.field for p in found] == ["version", "version"]


def test_deep_nesting_is_refused() -> None:
    depth = MAX_DEPTH + 1
    text = "a: " + "[" * depth + "]" * depth + "\n"
    assert only_problem(text) == Problem("x.yaml", 1, "", "nested deeper than 20 levels")


def test_nesting_up_to_the_limit_is_parsed() -> None:
    depth = MAX_DEPTH - 1  # plus the document's own mapping
    found = problems("a: " + "[" * depth + "]" * depth + "\n")
    assert "nested" not in " ".join(p.message for p in found)


def test_very_deep_nesting_fails_fast_without_recursion_error() -> None:
    text = "[" * 100_000 + "]" * 100_000
    assert only_problem(text).message == "nested deeper than 20 levels"


def test_file_too_large() -> None:
    text = "# " + "x" * MAX_FILE_BYTES + "\n"
    assert only_problem(text) == Problem(
        "x.yaml", None, "", f"file is {len(text)} bytes; at most {MAX_FILE_BYTES}"
    )


def test_size_limit_counts_bytes_not_characters() -> None:
    text = "# " + "é" * (MAX_FILE_BYTES // 2) + "\n"
    assert len(text) < MAX_FILE_BYTES
    assert only_problem(text).message == f"file is {len(text.encode())} bytes; at most 262144"


def test_file_too_large_on_disk(tmp_path: Path) -> None:
    path = tmp_path / "groot.yaml"
    path.write_bytes(b"#" * (MAX_FILE_BYTES + 1))
    with pytest.raises(QuestionnaireError) as caught:
        load_file(path)
    assert caught.value.problems == [
        Problem(str(path), None, "", f"file is {MAX_FILE_BYTES + 1} bytes; at most 262144")
    ]


def test_non_utf8_file(tmp_path: Path) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes(document(YESNO).replace("Eerste", "Eérste").encode("latin-1"))
    with pytest.raises(QuestionnaireError) as caught:
        load_file(path)
    assert caught.value.problems == [
        Problem(str(path), None, "", "not UTF-8 text; save the file as UTF-8")
    ]


def test_utf8_file_with_byte_order_mark(tmp_path: Path) -> None:
    path = tmp_path / "bom.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + document(YESNO).encode())
    assert load_file(path).id == "proef"


def test_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "weg.yaml"
    with pytest.raises(QuestionnaireError) as caught:
        load_file(path)
    assert caught.value.problems == [
        Problem(str(path), None, "", "cannot read: No such file or directory")
    ]


@pytest.mark.parametrize("text", ["", "\n\n", "# alleen commentaar\n", "---\n"])
def test_empty_file(text: str) -> None:
    assert only_problem(text) == Problem("x.yaml", None, "", "the file is empty")


@pytest.mark.parametrize("text", ["- id: a\n- id: b\n", "gewoon tekst\n", "42\n"])
def test_top_level_must_be_a_mapping(text: str) -> None:
    assert only_problem(text) == Problem(
        "x.yaml", 1, "", "a questionnaire is a mapping of fields (id, title, ...)"
    )


def test_questions_must_not_be_empty() -> None:
    text = HEADER + "questions: []\n"
    assert only_problem(text) == Problem(
        "x.yaml",
        line_of(text, "questions"),
        "questions",
        "List should have at least 1 item after validation, not 0",
    )


def test_value_that_fits_no_member_of_a_union_is_one_problem() -> None:
    text = document("""
        - id: q1
          type: yesno
          text: {nl: Eerste, en: First}
          next:
            - when: {question: q1, equals: [a, b]}
              goto: end
            - goto: end
    """)
    assert only_problem(text) == Problem(
        "x.yaml",
        line_of(text, "equals"),
        "questions.q1.next[0].when.equals",
        "Input should be a valid string; Input should be a valid integer",
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
    assert problem.message == "Input should be a valid string"


def test_parsing_keeps_no_nodes_alive() -> None:
    for _ in range(3):
        load_file(MINI)
    assert yamlsafe._CONSTRUCTOR.constructed_objects == {}


# --- All problems at once ----------------------------------------------------------------------


def test_all_problems_of_a_file_are_reported_at_once() -> None:
    text = document(
        CHOICE.replace("  type: choice", "  tpye: choice\n  type: choice")
        .replace(", en: Which colour", "")
        .replace("id: groen", "id: " + "g" * 60)
    )
    assert problems(text) == [
        Problem(
            "x.yaml",
            line_of(text, "{nl: Welke kleur}"),
            "questions.q1.text.en",
            "the English translation ('en') is missing",
        ),
        Problem(
            "x.yaml",
            line_of(text, "g" * 60),
            "questions.q1.options[1].id",
            "is 60 bytes; Telegram's button data allows at most 53 bytes for an option id",
        ),
        Problem(
            "x.yaml",
            line_of(text, "tpye"),
            "questions.q1.tpye",
            "is not a known field (check the spelling)",
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
            "is not a known field (check the spelling)",
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

    assert caught.value.problems == [
        Problem(
            str(tmp_path / "b_zelfde.yml"), None, "id", "proef version 1 is also in a_goed.yaml"
        ),
        Problem(
            str(tmp_path / "d_kapot.yaml"),
            line_of(broken, "type: janee"),
            "questions.q1.type",
            "must be one of: choice, multi, scale, yesno, text, number, area",
        ),
        Problem(str(tmp_path / "e_leeg.yaml"), None, "", "the file is empty"),
    ]


def test_load_directory_returns_every_questionnaire(tmp_path: Path) -> None:
    (tmp_path / "mini.yaml").write_bytes(MINI.read_bytes())
    (tmp_path / "proef.yaml").write_text(document(YESNO))
    (tmp_path / "proef2.yaml").write_text(document(YESNO).replace("\nversion: 1", "\nversion: 2"))
    assert [q.key for q in load_directory(tmp_path)] == ["mini@1", "proef@1", "proef@2"]


def test_load_directory_of_a_missing_folder(tmp_path: Path) -> None:
    with pytest.raises(QuestionnaireError) as caught:
        load_directory(tmp_path / "weg")
    assert caught.value.problems == [
        Problem(str(tmp_path / "weg"), None, "", "folder not found (set QUESTIONNAIRES_DIR)")
    ]

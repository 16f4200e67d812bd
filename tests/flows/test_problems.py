"""How the validator speaks to an administrator: in their language (Dutch here), in plain
words, saying what is allowed (known fields with a "did you mean", ranges, values), with a
quoting hint where YAML trips over a ``:``, ``?`` or ``#``, and one warning per file for
texts without English. Never pydantic's or PyYAML's own English."""

from __future__ import annotations

import re

import pytest

from flows.loader import parse, warnings
from flows.problems import Message
from flows.schema import ChoiceQuestion
from flows.texts import CATALOG, TRANSLATIONS
from tests.flows.helpers import HEADER, MINI, Said, document, line_of, only_problem, problems
from tests.flows.test_loader import CHOICE, ONE_PROBLEM, YESNO, otherwise

FIELDS = "id, text, optional, dimension, label, variable, next, show_if, image, image_alt, type"
SCALE = "- id: s\n  type: scale\n  text: {nl: Cijfer, en: Score}\n"
QUOTE_HINT = (
    "Staat er in een tekst een dubbele punt (:), een vraagteken (?) of een hekje (#)? Zet "
    "die tekst dan tussen aanhalingstekens, zo: "
)

#: A file with one problem: (text, the line that holds it, the field, the Dutch message).
IN_DUTCH: dict[str, tuple[str, str | None, str, str]] = {
    "unknown key, close to a known one": (
        document(YESNO.replace("  type: yesno", "  optinal: true\n  type: yesno", 1)),
        "optinal",
        "questions.q1.optinal",
        f"is geen veld dat ik ken. Bedoel je 'optional'? Hier kan: {FIELDS}",
    ),
    "unknown key, nothing like it": (
        document(YESNO.replace("  type: yesno", "  uitleg: kort\n  type: yesno", 1)),
        "uitleg",
        "questions.q1.uitleg",
        f"is geen veld dat ik ken. Hier kan: {FIELDS}",
    ),
    "unknown key of a choice question lists its options field": (
        document(CHOICE.replace("  options:", "  opties: []\n  options:")),
        "opties",
        "questions.q1.opties",
        "is geen veld dat ik ken. Bedoel je 'options'? "
        f"Hier kan: {FIELDS}, options, shuffle, profile",
    ),
    "a comma inside { } splits a text": (
        document(YESNO.replace("{nl: Tweede vraag,", "{nl: Ja, dat klopt,")),
        "dat klopt",
        "questions.q2.text.dat klopt",
        "is geen taal die ik ken (hier kan: nl, en). Staat er een komma in de tekst tussen "
        "{ }? Zet de tekst dan tussen aanhalingstekens",
    ),
    "scale above its range": (
        document(SCALE + "  max: 11\n"),
        "max: 11",
        "questions.s.max",
        "moet 2 tot en met 10 zijn, niet 11",
    ),
    "scale minimum above its range": (
        document(SCALE + "  min: 3\n"),
        "min: 3",
        "questions.s.min",
        "moet 0 tot en met 1 zijn, niet 3",
    ),
    "version below its range": (
        document(YESNO, header=HEADER.replace("\nversion: 1", "\nversion: 0")),
        "version: 0",
        "version",
        "moet 1 tot en met 999999 zijn, niet 0",
    ),
    "version that is not a number": (
        document(YESNO, header=HEADER.replace("\nversion: 1", "\nversion: een")),
        "version: een",
        "version",
        "hier hoort een heel getal, zoals 3 (niet 'een')",
    ),
    "question type": (
        document(YESNO.replace("type: yesno", "type: janee", 1)),
        "type: janee",
        "questions.q1.type",
        "'janee' is geen soort vraag. Kies uit: choice, multi, scale, yesno, text, number, "
        "area, grid, ranking, date",
    ),
    "missing question type": (
        document(YESNO.replace("  type: yesno\n", "", 1)),
        "- id: q1",
        "questions.q1.type",
        "ontbreekt. Geef de soort vraag: choice, multi, scale, yesno, text, number, area, "
        "grid, ranking, date",
    ),
    "dimension": (
        document(YESNO.replace("  type: yesno", "  dimension: geld\n  type: yesno", 1)),
        "dimension",
        "questions.q1.dimension",
        "'geld' kan hier niet. Kies uit: dienstverlening, organisatie, bestuur",
    ),
    "too few options": (
        document(CHOICE.replace("    - {id: groen, label: {nl: Groen, en: Green}}\n", "")),
        "options:",
        "questions.q1.options",
        "heeft er 1; het moeten er 2 tot en met 12 zijn",
    ),
    "id too long": (
        document(YESNO, header=HEADER.replace("id: proef", "id: " + "p" * 41)),
        "p" * 41,
        "id",
        "is 41 tekens lang; het mag 40 of minder tekens zijn",
    ),
    "empty text": (
        document(YESNO.replace("en: Second question", 'en: ""')),
        'en: ""',
        "questions.q2.text.en",
        "is leeg; schrijf hier een tekst",
    ),
    "text written as one line": (
        document(YESNO.replace("{nl: Tweede vraag, en: Second question}", "Tweede vraag")),
        "text: Tweede",
        "questions.q2.text",
        "een tekst heeft een regel nl: (en en: voor Engels), of {nl: …, en: …}",
    ),
    "missing Dutch": (
        document(YESNO, header=HEADER.replace("title: {nl: Proef, en: Trial}", "title: {en: T}")),
        "title:",
        "title.nl",
        "de Nederlandse tekst (nl) ontbreekt",
    ),
    "yes or no that is not true or false": (
        document(YESNO.replace("  type: yesno", "  optional: misschien\n  type: yesno", 1)),
        "optional",
        "questions.q1.optional",
        "hier hoort true (ja) of false (nee), niet 'misschien'",
    ),
    "date": (
        document(YESNO, header=HEADER + "opens_at: morgen\n"),
        "opens_at",
        "opens_at",
        "hier hoort een datum, zoals 2026-11-01 of 2026-11-01 09:00 (niet 'morgen')",
    ),
    "option id": (
        document(CHOICE.replace("id: rood", "id: Rood rood")),
        "Rood rood",
        "questions.q1.options[0].id",
        "gebruik alleen kleine letters, cijfers, '-' en '_', en begin met een letter of cijfer "
        "(niet 'Rood rood')",
    ),
    "a value that fits no member of a union": (
        otherwise("{question: q1, equals: [a, b]}"),
        "equals",
        "questions.q1.next[0].when.equals",
        "hier hoort tekst; hier hoort een heel getal, zoals 3 (niet een lijst)",
    ),
    "goto, with the question meant": (
        document(YESNO + "  next: ende\n"),
        "next: ende",
        "questions.q2.next",
        "gaat naar 'ende', maar die vraag bestaat niet. Bedoel je 'end'?",
    ),
    "condition on a question that does not exist": (
        otherwise("{question: q11, equals: 'yes'}"),
        "question: q11",
        "questions.q1.next[0].when.question",
        "'q11' is geen vraag in deze lijst. Bedoel je 'q1'?",
    ),
    "condition with an answer that does not exist": (
        otherwise("{question: q1, equals: paars}", first="choice"),
        "equals: paars",
        "questions.q1.next[0].when",
        "paars is geen antwoord op 'q1'. Kan wel: groen, rood",
    ),
    # YAML that cannot be read: what to do about it
    "colon in a text between { }": (
        document(YESNO.replace("{nl: Tweede vraag,", "{nl: Let op: tweede vraag,")),
        "Let op",
        "",
        "een blok tussen { } of [ ] loopt hier niet goed. "
        + QUOTE_HINT
        + 'nl: "Let op: tweede vraag"',
    ),
    "question mark in a text between { }": (
        document(YESNO.replace("{nl: Tweede vraag,", "{nl: Waarom?,")),
        "Waarom?",
        "",
        "een blok tussen { } of [ ] loopt hier niet goed. " + QUOTE_HINT + 'nl: "Waarom?"',
    ),
    "hash in a text between { }": (
        document(YESNO.replace("{nl: Tweede vraag, en: Second question}", "{nl: Nr #2, en: No}")),
        "{nl: Nr #2",
        "",
        "een blok tussen { } of [ ] loopt hier niet goed. " + QUOTE_HINT + 'nl: "Nr #2"',
    ),
    "colon in a text on its own line": (
        document(
            YESNO.replace(
                "text: {nl: Tweede vraag, en: Second question}",
                "text:\n    nl: Let op: de tweede vraag\n    en: Second",
            )
        ),
        "Let op",
        "",
        "hier staat een dubbele punt (:) die YAML niet verwacht. "
        + QUOTE_HINT
        + 'nl: "Let op: de tweede vraag"',
    ),
    "a tab": (
        document(YESNO).replace("  type: yesno", "\ttype: yesno", 1),
        "\ttype",
        "",
        "hier staat een tab; spring in met spaties",
    ),
    "indentation": (
        document(YESNO).replace("  type: yesno", " type: yesno", 1),
        " type: yesno",
        "",
        "de inspringing klopt hier niet: zet velden van hetzelfde blok precies onder elkaar, "
        "met spaties",
    ),
    "quote not closed": (
        document(YESNO.replace("{nl: Tweede vraag,", '{nl: "Tweede vraag,')),
        None,
        "",
        "een aanhalingsteken (\" of ') wordt niet gesloten",
    ),
}
HINT_LINES = {"hash in a text between { }": 1}  # PyYAML notices on the next line


@pytest.mark.parametrize(("text", "at", "field", "message"), IN_DUTCH.values(), ids=IN_DUTCH)
def test_a_problem_in_dutch_says_what_is_allowed(
    text: str, at: str | None, field: str, message: str
) -> None:
    found = only_problem(text, language="nl")
    if at is not None:
        name = next(k for k, v in IN_DUTCH.items() if v[0] == text)
        assert found.line == line_of(text, at) + HINT_LINES.get(name, 0)
    assert (found.field, found.message) == (field, message)


# Pydantic's and PyYAML's own words, which must never reach an administrator.
LIBRARY = re.compile(
    r"Input should|Value error|Field required|Extra inputs|String should|List should|"
    r"validation error|should have|expected <|found character|while parsing|while scanning|"
    r"mapping values|<block|<scalar>|could not find"
)
ALL_CASES = {**{k: v[0] for k, v in ONE_PROBLEM.items()}, **{k: v[0] for k, v in IN_DUTCH.items()}}


def test_every_case_reads_in_dutch_and_never_in_the_librarys_words() -> None:
    """Every file of this module and of test_loader.py: each problem in Dutch differs from
    its English, and neither uses pydantic's or PyYAML's words."""
    for name, text in ALL_CASES.items():
        dutch, english = problems(text, language="nl"), problems(text, language="en")
        for nl, en in zip(dutch, english, strict=True):
            assert nl.message != en.message, (name, nl)
            assert not LIBRARY.search(nl.message + en.message), (name, nl, en)


def test_every_problem_text_is_in_both_languages_with_the_same_parameters() -> None:
    keys = [key for key in CATALOG if key.startswith("problem.")]
    assert len(keys) > 80
    for key in keys:
        dutch = CATALOG[key]["nl"]
        english = TRANSLATIONS["en"].get(key, dutch)
        assert isinstance(english, str), key
        fields = re.compile(r"(?<!{){(\w+)}")
        assert set(fields.findall(dutch)) == set(fields.findall(english)), key
        assert "<" not in dutch + english, key  # plain text: a terminal prints it as it is


def test_every_problem_of_a_file_at_once_in_dutch() -> None:
    text = document(
        SCALE.replace("  type: scale", "  type: scale\n  max: 11\n  lables: {}")
        + YESNO.replace("type: yesno", "type: janee", 1)
    )
    assert problems(text, language="nl") == [
        Said(
            "x.yaml",
            line_of(text, "max: 11"),
            "questions.s.max",
            "moet 2 tot en met 10 zijn, niet 11",
        ),
        Said(
            "x.yaml",
            line_of(text, "lables"),
            "questions.s.lables",
            f"is geen veld dat ik ken. Bedoel je 'labels'? Hier kan: {FIELDS}, min, max, labels, "
            "decimals, report",
        ),
        Said(
            "x.yaml",
            line_of(text, "janee"),
            "questions.q1.type",
            "'janee' is geen soort vraag. Kies uit: choice, multi, scale, yesno, text, number, "
            "area, grid, ranking, date",
        ),
    ]


# --- missing translations: one warning per file ----------------------------------------------


def untranslated_file() -> str:
    return document(
        CHOICE.replace("{nl: Welke kleur, en: Which colour}", "{nl: Welke kleur}").replace(
            "{nl: Rood, en: Red}", "{nl: Rood}"
        )
        + SCALE.replace("id: s", "id: cijfer").replace("{nl: Cijfer, en: Score}", "{nl: Cijfer}"),
        header=HEADER.replace("title: {nl: Proef, en: Trial}", "title: {nl: Proef}"),
    )


def test_missing_english_is_one_warning_for_the_whole_file() -> None:
    questionnaire = parse(untranslated_file(), "x.yaml")  # not an error
    [warning] = warnings(questionnaire, "x.yaml")
    assert warning.warning
    assert warning.text("en") == (
        "x.yaml: warning: the English translation ('en') is missing in: title; questions q1, "
        "cijfer (4 in all). Residents who use English see the Dutch text there"
    )
    assert warning.text("nl") == (
        "x.yaml: let op: de Engelse vertaling (en) ontbreekt bij: title; vragen q1, cijfer (4 in "
        "totaal). Wie de bot in het Engels gebruikt, ziet daar de Nederlandse tekst"
    )


def test_a_text_without_english_is_shown_in_dutch_but_dutch_is_required() -> None:
    questionnaire = parse(untranslated_file(), "x.yaml")
    assert questionnaire.title.get("en") == "Proef"
    question = questionnaire.question("q1")
    assert isinstance(question, ChoiceQuestion)
    assert [o.label.get("en") for o in question.options] == ["Rood", "Green"]
    assert question.options[0].label.untranslated == ("en",)
    assert question.options[1].label.untranslated == ()
    text = document(YESNO.replace("{nl: Tweede vraag, en: Second question}", "{en: Second}"))
    assert only_problem(text) == Said(
        "x.yaml",
        line_of(text, "{en: Second}"),
        "questions.q2.text.nl",
        "the Dutch text ('nl') is missing",
    )


def test_a_file_with_every_translation_has_no_warning() -> None:
    assert warnings(parse(MINI.read_text(), "mini.yaml"), "mini.yaml") == []


def test_messages_render_their_parameters_in_the_same_language() -> None:
    inner = Message.of("range.between", low=2, high=10)
    outer = Message.of("range", range=inner, value="<11>")
    assert outer.text("nl") == "moet 2 tot en met 10 zijn, niet <11>"
    assert outer.html("nl") == "moet 2 tot en met 10 zijn, niet &lt;11&gt;"
    assert str(outer) == "must be 2 to 10, not <11>"

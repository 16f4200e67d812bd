"""Forgiving typed answers: case, accents, punctuation and spacing ignored, a part of a label
split on "/", a unique beginning, a question back when several options fit, the read-back
of a loose match, decimal commas where a question allows them, and exclusive options."""

from __future__ import annotations

from typing import Any

import pytest

from flows.engine import (
    Back,
    Confirm,
    Input,
    Outcome,
    SessionState,
    Toggle,
    Typed,
    answer_label,
    apply,
    hint,
)
from flows.machine import Flow
from flows.reading import Match, Number, loose, match, number
from flows.schema import NumberQuestion
from tests.flows.helpers import Said, document, flow_of, line_of, load, only_problem

QUESTIONS = """
- id: vervoer
  type: choice
  text: {nl: Hoe kwam je, en: How did you come}
  options:
    - {id: fiets, label: {nl: Met de fiets, en: By bike}}
    - {id: bus, label: {nl: Met de bus, en: By bus}}
    - {id: auto, label: {nl: Met de auto, en: By car}}
    - {id: lopend, label: {nl: Lopend, en: On foot}}
- id: wachten
  type: choice
  text: {nl: Hoe ging het, en: How did it go}
  options:
    - {id: ja, label: {nl: Ja, en: "Yes"}}
    - {id: ja-lang, label: {nl: "Ja, maar het duurde lang", en: "Yes, but it took long"}}
    - {id: ja-snel, label: {nl: "Ja, en het ging snel", en: "Yes, and it was quick"}}
    - {id: nee, label: {nl: Nee, en: "No"}}
    - {id: terugbellen, label: {nl: Terugbellen graag, en: Please call back}}
    - {id: weet-niet, label: {nl: weet niet / geen mening, en: don't know / no opinion}}
- id: plek
  type: choice
  text: {nl: Waar, en: Where}
  options:
    - {id: cafe, label: {nl: Café-restaurant, en: Café}}
    - {id: buurthuis, label: {nl: Het buurthuis, en: The community centre}}
- id: wijk
  type: area
  text: {nl: Welke wijk, en: Which neighbourhood}
  areas:
    - {id: noord, label: {nl: Noord, en: North}}
    - {id: noordoost, label: {nl: Noordoost, en: North-east}}
    - {id: zuid, label: {nl: Zuid, en: South}}
- id: cijfer
  type: scale
  min: 1
  max: 10
  decimals: 1
  text: {nl: Welk rapportcijfer, en: Which grade}
- id: heel
  type: scale
  max: 10
  text: {nl: Heel cijfer, en: Whole grade}
- id: afstand
  type: number
  max: 50
  decimals: 1
  text: {nl: Hoe ver, en: How far}
- id: actief
  type: multi
  text: {nl: Waar ben je actief, en: Where are you active}
  options:
    - {id: sport, label: {nl: Sportvereniging, en: Sports club}}
    - {id: muziek, label: {nl: Muziekvereniging, en: Music society}}
    - {id: school, label: {nl: Muziekschool, en: Music school}}
    - {id: buurt, label: {nl: "Buurt, straat of wijk", en: "Neighbourhood, street"}}
    - {id: niet, label: {nl: Ik ben niet actief, en: I am not active}, exclusive: true}
"""


@pytest.fixture(scope="module")
def flow() -> Flow:
    return flow_of(QUESTIONS)


def at(question: str, draft: tuple[str, ...] = ()) -> SessionState:
    return SessionState(current=question, draft=draft)


def answer(flow: Flow, question: str, typed: str, language: str = "nl") -> Outcome:
    outcome = apply(flow, at(question), Typed(typed), language)
    assert outcome.problem is None, outcome.problem
    assert outcome.accepted is not None
    return outcome


def value(flow: Flow, question: str, typed: str) -> Any:
    accepted = answer(flow, question, typed).accepted
    assert accepted is not None
    return accepted[1]


def refused(
    flow: Flow, question: str, given: Input, draft: tuple[str, ...] = (), language: str = "nl"
) -> str:
    outcome = apply(flow, at(question, draft), given, language)
    assert outcome.problem is not None and outcome.accepted is None, outcome
    return str(outcome.problem)


# --- The rules, on their own ------------------------------------------------------------------


def test_loose_ignores_case_accents_punctuation_and_spacing() -> None:
    assert loose("  Ja,  maar het duurde LANG! ") == "ja maar het duurde lang"
    assert loose("Café-restaurant") == "cafe restaurant"
    assert loose("weet niet / geen mening") == "weet niet geen mening"
    assert loose("🙂 ...") == ""


ITEMS = [
    ("ja", ["Ja", "Yes"]),
    ("ja-lang", ["Ja, maar het duurde lang", "Yes, but it took long"]),
    ("ja-snel", ["Ja, en het ging snel", "Yes, and it was quick"]),
    ("weet-niet", ["weet niet / geen mening", "don't know / no opinion"]),
    ("sport", ["Sportvereniging", "Sports club"]),
]


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        # Its number, or its exact label in either language (case, spacing, a closing "."
        # or "!" aside): exact, nothing to read back.
        ("2", Match("ja-lang")),
        ("ja", Match("ja")),
        ("JA,  MAAR HET DUURDE LANG.", Match("ja-lang")),
        ("Weet niet / geen mening", Match("weet-niet")),
        ("yes!", Match("ja")),
        # The whole label, punctuation and accents aside; its id.
        ("ja maar het duurde lang", Match("ja-lang", loose=True)),
        ("ja   maar, het duurde lang!?", Match("ja-lang", loose=True)),
        ("ja,", Match("ja", loose=True)),
        ("ja-snel", Match("ja-snel", loose=True)),
        # One part of a label split on "/".
        ("geen mening", Match("weet-niet", loose=True)),
        ("weet niet", Match("weet-niet", loose=True)),
        ("Wéét níet", Match("weet-niet", loose=True)),
        ("no opinion", Match("weet-niet", loose=True)),
        # A beginning of a label, or of a part, that fits one option.
        ("sport", Match("sport", loose=True)),
        ("ja maar", Match("ja-lang", loose=True)),
        ("ja e", Match("ja-snel", loose=True)),
        ("geen", Match("weet-niet", loose=True)),
        # Nothing.
        ("j", Match()),  # too short to be a beginning
        ("ja m het", Match()),
        ("", Match()),
        ("🙂", Match()),
        ("6", Match()),
        ("0", Match()),
    ],
)
def test_match(typed: str, expected: Match) -> None:
    assert match(typed, ITEMS) == expected


def test_a_beginning_that_fits_several_options_asks_which() -> None:
    items = [("a", ["Ja, maar het duurde lang"]), ("b", ["Ja, en snel"]), ("c", ["Nee"])]
    assert match("ja", items) == Match(candidates=("a", "b"))
    assert match("Ja!", items) == Match(candidates=("a", "b"))
    assert match("ja", items, prefix=False) == Match()
    # Two languages of one option fitting are one option.
    assert match("s", ITEMS) == Match()
    assert match("sp", ITEMS) == Match("sport", loose=True)


@pytest.mark.parametrize(
    ("typed", "places", "expected"),
    [
        ("7,5", 1, Number(7.5, 1)),
        ("7.5", 1, Number(7.5, 1)),
        ("7,50", 1, Number(7.5, 1)),
        ("7,25", 1, Number(7.25, 2)),
        ("7", 0, Number(7.0, 0)),
        ("7,0", 0, Number(7.0, 0)),
        ("-2,5", 1, Number(-2.5, 1)),
        ("1.000", 0, Number(1000.0, 0)),  # a thousand where few decimals are allowed
        ("1.000", 6, Number(1.0, 0)),
        ("zeven", 1, Number(None)),
        ("7,5,5", 1, Number(None)),
        (",5", 1, Number(None)),
    ],
)
def test_number(typed: str, places: int, expected: Number) -> None:
    assert number(typed, places) == expected


# --- Choice and area, through the engine ------------------------------------------------------


def test_a_part_of_a_label_on_a_required_question_is_an_answer_not_a_skip(flow: Flow) -> None:
    for typed in ["geen mening", "weet niet", "Geen mening.", "GEEN  MENING"]:
        outcome = answer(flow, "wachten", typed)
        assert outcome.accepted == ("wachten", "weet-niet"), typed
        assert outcome.noted == "weet niet / geen mening", typed


def test_a_loose_match_is_read_back_and_an_exact_one_is_not(flow: Flow) -> None:
    outcome = answer(flow, "wachten", "ja maar het duurde lang")
    assert outcome.accepted == ("wachten", "ja-lang")
    assert outcome.noted == "Ja, maar het duurde lang"
    english = answer(flow, "wachten", "yes but it took long", "en")
    assert english.noted == "Yes, but it took long"
    for typed in ["Ja, maar het duurde lang", "2", "ja", "Nee."]:
        assert answer(flow, "wachten", typed).noted is None, typed
    assert answer(flow, "plek", "cafe restaurant").noted == "Café-restaurant"
    assert value(flow, "plek", "het buurt") == "buurthuis"
    # Not a beginning of "Het buurthuis", and a beginning is all that counts.
    assert refused(flow, "plek", Typed("buurt")).startswith("Dat antwoord ken ik niet.")


def test_several_fitting_options_are_listed_with_their_numbers(flow: Flow) -> None:
    assert refused(flow, "vervoer", Typed("met de")) == (
        "Ik weet niet welk antwoord je bedoelt met „met de”. Bedoel je een van deze?\n"
        "1. Met de fiets\n2. Met de bus\n3. Met de auto\n"
        "Tik op een knop, of typ het nummer."
    )
    assert refused(flow, "vervoer", Typed("by"), language="en") == (
        "I'm not sure which answer you mean by “by”. Do you mean one of these?\n"
        "1. By bike\n2. By bus\n3. By car\n"
        "Tap a button, or type the number."
    )
    assert value(flow, "vervoer", "met de b") == "bus"


def test_areas_by_a_beginning_and_several_fitting(flow: Flow) -> None:
    assert value(flow, "wijk", "Noord") == "noord"
    assert value(flow, "wijk", "noordo") == "noordoost"
    assert refused(flow, "wijk", Typed("noo")) == (
        "Ik weet niet welke wijk je bedoelt met „noo”. Bedoel je een van deze?\n"
        "• Noord\n• Noordoost\n"
        "Tik op je wijk."
    )


def test_the_word_for_back_beats_a_beginning_of_a_label(flow: Flow) -> None:
    state = SessionState(current="wachten", path=("vervoer",), answers={"vervoer": "fiets"})
    back = apply(flow, state, Typed("terug"), "nl")
    assert (back.problem, back.state.current) == (None, "vervoer")
    assert value(flow, "wachten", "terugb") == "terugbellen"
    assert value(flow, "wachten", "terugbellen") == "terugbellen"


def test_typed_text_in_the_question_back_is_escaped_and_short(flow: Flow) -> None:
    problem = refused(flow, "vervoer", Typed("<Met de>"))
    assert problem.startswith("Ik weet niet welk antwoord je bedoelt met „&lt;Met de&gt;”.")
    # Punctuation does not count, so what fits may be long: it is shortened in the reply.
    problem = refused(flow, "vervoer", Typed("met de" + "!?" * 3000))
    assert problem.startswith("Ik weet niet welk antwoord je bedoelt met „met…”.")
    assert len(problem) < 300


# --- Decimals ---------------------------------------------------------------------------------


def test_a_scale_with_decimals_takes_a_decimal_comma_or_point(flow: Flow) -> None:
    assert value(flow, "cijfer", "7,5") == 7.5
    assert value(flow, "cijfer", "7.5") == 7.5
    assert value(flow, "cijfer", "7,50") == 7.5
    whole = value(flow, "cijfer", "7")
    assert (whole, type(whole)) == (7, int)  # as its button stores it
    assert value(flow, "cijfer", "10") == 10
    assert apply(flow, at("cijfer"), Confirm(), "nl").problem is not None


def test_a_scale_with_decimals_explains_what_it_takes(flow: Flow) -> None:
    question = flow.questions["cijfer"]
    assert hint(question, "nl") == (
        "Tik op een cijfer, of typ een getal van 1 tot en met 10, bijvoorbeeld 9,5."
    )
    assert hint(question, "en") == "Tap a number, or type a number from 1 to 10, for example 9.5."
    assert refused(flow, "cijfer", Typed("10,5")) == (
        "Typ een getal van 1 tot en met 10, bijvoorbeeld 9,5. Of tik op een knop."
    )
    assert refused(flow, "cijfer", Typed("zeven")) == (
        "Typ een getal van 1 tot en met 10, bijvoorbeeld 9,5. Of tik op een knop."
    )
    assert refused(flow, "cijfer", Typed("7,25")) == (
        "Zoveel cijfers achter de komma kan niet. Typ bijvoorbeeld 7,2."
    )
    assert answer_label(question, 7.5, "nl") == "7,5 / 10"
    assert answer_label(question, 7.5, "en") == "7.5 / 10"


def test_a_whole_number_scale_says_so_for_a_decimal(flow: Flow) -> None:
    assert refused(flow, "heel", Typed("7,5")) == (
        "Hier kan alleen een heel getal, zonder komma. Typ een getal van 1 tot en met 10, "
        "of tik op een knop."
    )
    assert refused(flow, "heel", Typed("7.5"), language="en") == (
        "Only a whole number works here, without decimals. Type a number from 1 to 10, "
        "or tap a button."
    )
    assert refused(flow, "heel", Typed("11")) == (
        "Typ een heel getal van 1 tot en met 10, of tik op een knop."
    )
    assert value(flow, "heel", "7,0") == 7


def test_a_number_with_decimals(flow: Flow) -> None:
    question = flow.questions["afstand"]
    assert isinstance(question, NumberQuestion)
    assert (question.integer, question.places) == (False, 1)
    assert value(flow, "afstand", "2,5") == 2.5
    assert value(flow, "afstand", "3") == 3.0
    assert refused(flow, "afstand", Typed("2,25")) == (
        "Zoveel cijfers achter de komma kan niet. Typ bijvoorbeeld 2,2."
    )


# --- Exclusive options ------------------------------------------------------------------------

NOT_ALONE = (
    "„Ik ben niet actief” kies je alleen, niet samen met andere antwoorden. Kies alleen "
    "„Ik ben niet actief”, of kies de andere antwoorden."
)


def test_ticking_an_exclusive_option_clears_the_others_and_the_other_way_round(
    flow: Flow,
) -> None:
    state = at("actief")
    for option, draft in [
        ("sport", ("sport",)),
        ("buurt", ("sport", "buurt")),
        ("niet", ("niet",)),
        ("muziek", ("muziek",)),
        ("niet", ("niet",)),
        ("niet", ()),
    ]:
        outcome = apply(flow, state, Toggle(option), "nl")
        assert outcome.problem is None
        assert outcome.state.draft == draft, option
        state = outcome.state


def test_typing_an_exclusive_option_with_others_is_refused(flow: Flow) -> None:
    assert refused(flow, "actief", Typed("1, 5")) == NOT_ALONE
    assert refused(flow, "actief", Typed("sportvereniging; ik ben niet actief")) == NOT_ALONE
    assert refused(flow, "actief", Confirm(), draft=("sport", "niet")) == NOT_ALONE
    assert refused(flow, "actief", Typed("1, 5"), language="en") == (
        "“I am not active” goes on its own, not together with other answers. Choose only "
        "“I am not active”, or choose the other answers."
    )
    assert value(flow, "actief", "5") == ["niet"]
    assert value(flow, "actief", "ik ben niet") == ["niet"]


def test_typed_multi_answers_match_loosely_and_ask_which(flow: Flow) -> None:
    outcome = answer(flow, "actief", "sport, muziekv")
    assert outcome.accepted == ("actief", ["sport", "muziek"])
    assert outcome.noted == "Sportvereniging, Muziekvereniging"
    exact = answer(flow, "actief", "Buurt, straat of wijk")  # a label with a comma
    assert (exact.accepted, exact.noted) == (("actief", ["buurt"]), None)
    assert answer(flow, "actief", "1, 2").noted is None
    assert refused(flow, "actief", Typed("sport, muz")) == (
        "Ik weet niet welk antwoord je bedoelt met „muz”. Bedoel je een van deze?\n"
        "2. Muziekvereniging\n3. Muziekschool\n"
        "Tik op een knop, of typ het nummer."
    )


def test_back_still_works_on_a_multi_question(flow: Flow) -> None:
    state = SessionState(current="actief", path=("afstand",), answers={"afstand": 2.0})
    assert apply(flow, state, Back(), "nl").state.current == "afstand"


# --- What the validator says ------------------------------------------------------------------

CHOICE_WITH_EXCLUSIVE = """
- id: kleur
  type: choice
  text: {nl: Welke kleur, en: Which colour}
  options:
    - {id: rood, label: {nl: Rood, en: Red}}
    - {id: geen, label: {nl: Geen, en: None}, exclusive: true}
"""


def test_exclusive_on_a_choice_question_is_refused_with_its_line() -> None:
    text = document(CHOICE_WITH_EXCLUSIVE)
    assert only_problem(text) == Said(
        "x.yaml",
        line_of(text, "exclusive: true"),
        "questions.kleur.options[1].exclusive",
        "only the options of a multi question can be exclusive; 'kleur' is a choice "
        "question, where one answer is chosen anyway",
    )


def test_exclusive_where_at_least_two_answers_are_asked_is_refused() -> None:
    text = document(CHOICE_WITH_EXCLUSIVE.replace("type: choice", "type: multi\n  min_choices: 2"))
    assert only_problem(text) == Said(
        "x.yaml",
        line_of(text, "exclusive: true"),
        "questions.kleur.options[1].exclusive",
        "an exclusive option is chosen on its own, but 'kleur' asks for at least 2 answers "
        "(min_choices)",
    )


def test_decimals_that_contradict_integer_are_refused_with_their_line() -> None:
    text = document(
        """
        - id: afstand
          type: number
          max: 50
          integer: true
          decimals: 1
          text: {nl: Hoe ver, en: How far}
        """
    )
    assert only_problem(text) == Said(
        "x.yaml",
        line_of(text, "decimals: 1"),
        "questions.afstand.decimals",
        "integer: true says whole numbers; leave out integer and let decimals say how many "
        "digits may follow the comma",
    )


def test_a_scale_takes_at_most_two_decimals() -> None:
    text = document("- id: c\n  type: scale\n  decimals: 3\n  text: {nl: C, en: C}\n")
    problem = only_problem(text)
    assert (problem.line, problem.field) == (line_of(text, "decimals: 3"), "questions.c.decimals")


def test_the_new_keys_are_optional() -> None:
    questionnaire = load(
        """
        - id: c
          type: scale
          text: {nl: C, en: C}
        - id: n
          type: number
          max: 5
          text: {nl: N, en: N}
        - id: m
          type: multi
          text: {nl: M, en: M}
          options:
            - {id: a, label: {nl: A, en: A}}
            - {id: b, label: {nl: B, en: B}}
        """
    )
    scale, amount, multi = questionnaire.questions
    assert scale.type == "scale" and scale.decimals == 0
    assert isinstance(amount, NumberQuestion) and (amount.integer, amount.places) == (True, 0)
    assert multi.type == "multi" and not any(o.exclusive for o in multi.options)


def test_not_knowing_skips_a_grade_that_may_be_skipped_and_only_that() -> None:
    """The Burgerpeiling's grades take "weet niet" as a skip (it counts as missing), as its
    button "Sla over" does; on a grade that must be answered it is no answer."""
    grades = flow_of(
        """
- id: cijfer
  type: scale
  min: 1
  max: 10
  optional: true
  text: {nl: Welk rapportcijfer, en: Which grade}
- id: verplicht
  type: scale
  min: 1
  max: 10
  text: {nl: Welk cijfer, en: Which grade}
"""
    )
    for typed in ["weet niet", "Weet het niet", "weet ik niet", "geen mening"]:
        skipped = apply(grades, at("cijfer"), Typed(typed), "nl")
        assert skipped.problem is None, typed
        assert skipped.accepted == ("cijfer", None), typed
        refused = apply(grades, at("verplicht"), Typed(typed), "nl")
        assert refused.accepted is None and refused.problem is not None, typed

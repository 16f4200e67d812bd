"""The conversation engine: every question type, by button and by typed text."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest

from flows.engine import (
    Back,
    Confirm,
    Input,
    Outcome,
    Pick,
    SessionState,
    Skip,
    Toggle,
    Typed,
    answer_label,
    apply,
    hint,
    invalid,
    prompt,
    start,
    summary,
)
from flows.lifecycle import availability
from flows.loader import load_file, parse
from flows.machine import Flow
from flows.reading import clean
from flows.schema import END
from flows.texts import Html, escape, t
from tests.flows.helpers import HEADER, MINI, document, flow_of

ALL = """
- id: kleur
  type: choice
  text: {nl: Welke kleur, en: Which colour}
  options:
    - {id: rood, label: {nl: Rood, en: Red}}
    - {id: groen, label: {nl: Groen, en: Green}}
    - {id: blauw, label: {nl: Blauw, en: Blue}}
- id: bakken
  type: multi
  min_choices: 2
  max_choices: 3
  text: {nl: Welke bakken, en: Which bins}
  options:
    - {id: gft, label: {nl: GFT, en: Organic}}
    - {id: papier, label: {nl: Oud papier, en: Paper}}
    - {id: pmd, label: {nl: PMD, en: Plastic}}
    - {id: glas, label: {nl: Glas, en: Glass}}
- id: cijfer
  type: scale
  text: {nl: Welk cijfer, en: Which score}
- id: eens
  type: yesno
  text: {nl: Eens, en: Agree}
- id: uitleg
  type: text
  optional: true
  min_length: 5
  max_length: 200
  text: {nl: Leg uit, en: Explain}
- id: afstand
  type: number
  min: 0.5
  max: 50
  integer: false
  unit: {nl: km, en: km}
  text: {nl: Hoe ver, en: How far}
- id: bedrag
  type: number
  max: 100000
  unit: {nl: euro, en: euros}
  text: {nl: Hoeveel, en: How much}
- id: wijk
  type: area
  text: {nl: Waar woon je, en: Where do you live}
  areas:
    - {id: centrum, label: {nl: Centrum, en: Centre}, postcodes: ["6811-6815"]}
    - {id: noord, label: {nl: Noord, en: North}, postcodes: ["6821", "6822-6824"]}
    - {id: buiten, label: {nl: Buitengebied, en: Countryside}}
- id: mening
  type: choice
  optional: true
  text: {nl: Goed plan, en: Good plan}
  options:
    - {id: ja, label: {nl: Ja, en: "Yes"}}
    - {id: gm, label: {nl: Geen mening, en: No opinion}}
- id: los
  type: multi
  optional: true
  text: {nl: Wat nog meer, en: What else}
  options:
    - {id: a, label: {nl: Aa, en: Aa}}
    - {id: b, label: {nl: Bee, en: Bee}}
"""

ORDER = [
    "kleur",
    "bakken",
    "cijfer",
    "eens",
    "uitleg",
    "afstand",
    "bedrag",
    "wijk",
    "mening",
    "los",
    END,
]


@pytest.fixture(scope="module")
def flow() -> Flow:
    return flow_of(ALL)


@pytest.fixture(scope="module")
def mini() -> Flow:
    return Flow(load_file(MINI))


def at(question_id: str, draft: tuple[str, ...] = ()) -> SessionState:
    return SessionState(current=question_id, draft=draft)


def accepted(flow: Flow, question_id: str, given: Input, language: str = "nl") -> Any:
    """The value stored for ``given`` on ``question_id``; checks the move to the next one."""
    outcome = apply(flow, at(question_id), given, language)
    assert outcome.problem is None, outcome.problem
    assert outcome.accepted is not None
    assert outcome.accepted[0] == question_id
    following = ORDER[ORDER.index(question_id) + 1]
    assert (outcome.state.current, outcome.state.path) == (following, (question_id,))
    assert outcome.state.answers == {question_id: outcome.accepted[1]}
    assert outcome.moved is True
    return outcome.accepted[1]


def refused(
    flow: Flow, question_id: str, given: Input, language: str = "nl", draft: tuple[str, ...] = ()
) -> str:
    """The problem shown for ``given``; checks that nothing changed."""
    state = at(question_id, draft)
    outcome = apply(flow, state, given, language)
    assert outcome.state is state
    assert outcome.accepted is None
    assert (outcome.moved, outcome.discard, outcome.changed) == (False, (), False)
    assert isinstance(outcome.problem, Html)
    return str(outcome.problem)


def run(flow: Flow, inputs: list[Input], language: str = "nl") -> tuple[SessionState, Outcome]:
    """Feed inputs from the start; every one must be taken without a problem."""
    state = start(flow)
    outcome = Outcome(state)
    for given in inputs:
        outcome = apply(flow, state, given, language)
        assert outcome.problem is None, (given, outcome.problem)
        state = outcome.state
    return state, outcome


# --- Choice -------------------------------------------------------------------------------------

CHOICE_INVALID = "Dat antwoord ken ik niet. Tik op een knop of typ een nummer van 1 tot en met 3."


def test_choice_by_button(flow: Flow) -> None:
    assert accepted(flow, "kleur", Pick("groen")) == "groen"


def test_choice_by_unknown_button(flow: Flow) -> None:
    assert refused(flow, "kleur", Pick("paars")) == CHOICE_INVALID
    assert refused(flow, "kleur", Pick("2")) == CHOICE_INVALID


@pytest.mark.parametrize(
    ("typed", "value"),
    [
        ("1", "rood"),
        ("3", "blauw"),
        (" 2 ", "groen"),
        ("Groen", "groen"),
        ("GROEN", "groen"),
        ("green", "groen"),
        ("Blue!", "blauw"),
        ("rood.", "rood"),
        ("blauw", "blauw"),
    ],
)
def test_choice_typed(flow: Flow, typed: str, value: str) -> None:
    assert accepted(flow, "kleur", Typed(typed)) == value
    assert accepted(flow, "kleur", Typed(typed), "en") == value


@pytest.mark.parametrize("typed", ["0", "4", "-1", "paars", "rood groen", ""])
def test_choice_typed_invalid(flow: Flow, typed: str) -> None:
    assert refused(flow, "kleur", Typed(typed)) == CHOICE_INVALID
    assert refused(flow, "kleur", Typed(typed), "en") == (
        "I don't know that answer. Tap a button or type a number from 1 to 3."
    )


def test_choice_refuses_multi_buttons(flow: Flow) -> None:
    tap = "Tik op een knop, of typ het nummer van je keuze."
    assert refused(flow, "kleur", Toggle("rood")) == tap
    assert refused(flow, "kleur", Confirm()) == tap


# --- Multi --------------------------------------------------------------------------------------


def test_multi_toggles_keep_the_option_order(flow: Flow) -> None:
    state = at("bakken")
    for option, draft in [
        ("pmd", ("pmd",)),
        ("gft", ("gft", "pmd")),
        ("glas", ("gft", "pmd", "glas")),
        ("gft", ("pmd", "glas")),
    ]:
        outcome = apply(flow, state, Toggle(option), "nl")
        assert (outcome.problem, outcome.accepted, outcome.moved) == (None, None, True)
        assert outcome.state.current == "bakken"
        assert outcome.state.draft == draft
        state = outcome.state
    outcome = apply(flow, state, Confirm(), "nl")
    assert outcome.accepted == ("bakken", ["pmd", "glas"])
    assert outcome.state.current == "cijfer"
    assert outcome.state.draft == ()


def test_multi_toggle_over_the_maximum(flow: Flow) -> None:
    full = ("gft", "papier", "pmd")
    assert refused(flow, "bakken", Toggle("glas"), draft=full) == "Kies er hoogstens 3."
    # Deselecting is always possible.
    assert apply(flow, at("bakken", full), Toggle("pmd"), "nl").state.draft == ("gft", "papier")


def test_multi_toggle_of_an_unknown_option(flow: Flow) -> None:
    assert refused(flow, "bakken", Toggle("hout")) == (
        "Dat snap ik niet. Tik op de antwoorden, of typ nummers, bijvoorbeeld: 1, 3"
    )


def test_multi_confirm_under_the_minimum(flow: Flow) -> None:
    assert refused(flow, "bakken", Confirm(), draft=("gft",)) == "Kies er minstens 2."
    assert refused(flow, "bakken", Confirm()) == "Kies er minstens 2."
    assert refused(flow, "bakken", Confirm(), "en", draft=("gft",)) == "Choose at least 2."


@pytest.mark.parametrize("word", ["klaar", "Klaar ✓", "done", "DONE"])
def test_multi_typed_done_confirms_the_selection(flow: Flow, word: str) -> None:
    outcome = apply(flow, at("bakken", ("gft", "glas")), Typed(word), "nl")
    assert outcome.accepted == ("bakken", ["gft", "glas"])


@pytest.mark.parametrize(
    ("typed", "value"),
    [
        ("1, 3", ["gft", "pmd"]),
        ("3,1", ["gft", "pmd"]),
        ("3 1", ["gft", "pmd"]),
        ("1;2;4", ["gft", "papier", "glas"]),
        ("1, 1, 3", ["gft", "pmd"]),
        ("oud papier, glas", ["papier", "glas"]),
        ("Plastic; ORGANIC", ["gft", "pmd"]),
        ("2, glas", ["papier", "glas"]),
    ],
)
def test_multi_typed(flow: Flow, typed: str, value: list[str]) -> None:
    assert accepted(flow, "bakken", Typed(typed)) == value


def test_multi_typed_replaces_the_draft(flow: Flow) -> None:
    outcome = apply(flow, at("bakken", ("papier", "glas")), Typed("1, 3"), "nl")
    assert outcome.accepted == ("bakken", ["gft", "pmd"])


@pytest.mark.parametrize(
    ("typed", "problem"),
    [
        ("1", "Kies er minstens 2."),
        ("1, 2, 3, 4", "Kies er hoogstens 3."),
        ("1, 5", "Dat snap ik niet. Tik op de antwoorden, of typ nummers, bijvoorbeeld: 1, 3"),
        (
            "gft en glas",
            "Dat snap ik niet. Tik op de antwoorden, of typ nummers, bijvoorbeeld: 1, 3",
        ),
        (",", "Dat snap ik niet. Tik op de antwoorden, of typ nummers, bijvoorbeeld: 1, 3"),
    ],
)
def test_multi_typed_invalid(flow: Flow, typed: str, problem: str) -> None:
    assert refused(flow, "bakken", Typed(typed)) == problem


def test_multi_refuses_a_pick(flow: Flow) -> None:
    assert refused(flow, "bakken", Pick("gft")) == (
        "Dat snap ik niet. Tik op de antwoorden, of typ nummers, bijvoorbeeld: 1, 3"
    )


def test_multi_shown_again_starts_from_the_earlier_selection(flow: Flow) -> None:
    state, _ = run(flow, [Pick("rood"), Typed("2, 4")])
    assert state.current == "cijfer"
    back = apply(flow, state, Back(), "nl")
    assert back.state.current == "bakken"
    assert back.state.draft == ("papier", "glas")
    assert prompt(flow, back.state).selected == ("papier", "glas")
    assert prompt(flow, back.state).previous == ["papier", "glas"]


# --- Scale --------------------------------------------------------------------------------------

SCALE_INVALID = "Typ een heel getal van 1 tot en met 5, of tik op een knop."


@pytest.mark.parametrize(("given", "value"), [(Pick("1"), 1), (Pick("5"), 5), (Typed("3"), 3)])
def test_scale_in_range(flow: Flow, given: Input, value: int) -> None:
    assert accepted(flow, "cijfer", given) == value


@pytest.mark.parametrize(
    "given", [Pick("0"), Pick("6"), Pick("x"), Typed("0"), Typed("6"), Typed("drie")]
)
def test_scale_out_of_range(flow: Flow, given: Input) -> None:
    assert refused(flow, "cijfer", given) == SCALE_INVALID


def test_scale_with_decimals_where_whole_numbers_are_asked(flow: Flow) -> None:
    assert refused(flow, "cijfer", Typed("3,5")) == (
        "Hier kan alleen een heel getal, zonder komma. Typ een getal van 1 tot en met 5, "
        "of tik op een knop."
    )


def test_scale_problem_in_english(flow: Flow) -> None:
    assert refused(flow, "cijfer", Typed("9"), "en") == (
        "Type a whole number from 1 to 5, or tap a button."
    )


# --- Yes/no -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "value"),
    [
        (Pick("yes"), "yes"),
        (Pick("no"), "no"),
        (Typed("ja"), "yes"),
        (Typed("Ja!"), "yes"),
        (Typed("Nee"), "no"),
        (Typed("yes"), "yes"),
        (Typed("n"), "no"),
        (Typed("NO"), "no"),
        (Typed("oké"), "yes"),
    ],
)
def test_yesno(flow: Flow, given: Input, value: str) -> None:
    assert accepted(flow, "eens", given) == value


@pytest.mark.parametrize("given", [Pick("ja"), Pick("maybe"), Typed("misschien"), Typed("1")])
def test_yesno_invalid(flow: Flow, given: Input) -> None:
    assert refused(flow, "eens", given) == "Antwoord met ja of nee, of tik op een knop."


# --- Text ---------------------------------------------------------------------------------------


def test_text_is_stored_as_typed(flow: Flow) -> None:
    assert accepted(flow, "uitleg", Typed("  Meer bomen <graag> & bankjes  ")) == (
        "Meer bomen <graag> & bankjes"
    )


def test_text_too_short(flow: Flow) -> None:
    assert refused(flow, "uitleg", Typed("kort")) == (
        "Je antwoord is wat kort. Schrijf minstens 5 tekens."
    )


def test_text_of_ten_thousand_characters(flow: Flow) -> None:
    problem = refused(flow, "uitleg", Typed("a" * 10_000))
    assert problem == (
        "Je tekst is te lang: 10.000 tekens. Het mag maximaal 200 tekens zijn. "
        "Maak het wat korter en stuur het opnieuw."
    )
    assert refused(flow, "uitleg", Typed("a" * 10_000), "en") == (
        "Your text is too long: 10,000 characters. The limit is 200 characters. "
        "Please shorten it and send it again."
    )


def test_text_at_the_maximum(flow: Flow) -> None:
    assert accepted(flow, "uitleg", Typed("a" * 200)) == "a" * 200
    assert "201 tekens" in refused(flow, "uitleg", Typed("a" * 201))


def test_text_control_characters_and_nul_are_stripped(flow: Flow) -> None:
    value = accepted(flow, "uitleg", Typed("Re\x00gel\x07 een\x1b\ntwee\tdrie\x7f"))
    assert value == "Regel een\ntwee\tdrie"


def test_text_length_counts_after_cleaning(flow: Flow) -> None:
    assert "minstens 5" in refused(flow, "uitleg", Typed("ab\x00\x00\x00\x00cd"))


def test_text_is_normalised_to_nfc(flow: Flow) -> None:
    assert accepted(flow, "uitleg", Typed("Cafe\u0301 open")) == "Café open"


@pytest.mark.parametrize("word", ["sla over", "Sla over.", "overslaan", "skip"])
def test_the_skip_buttons_word_alone_skips_a_text_question(flow: Flow, word: str) -> None:
    # On a phone people type what the button says; as an answer it would mean nothing.
    assert accepted(flow, "uitleg", Typed(word)) is None


def test_the_back_buttons_word_alone_goes_back_from_a_text_question(flow: Flow) -> None:
    before = at("uitleg")
    state = SessionState(current="uitleg", path=("eens",), answers={"eens": 4})
    for word in ["vorige", "Terug", "« Vorige", "back"]:
        outcome = apply(flow, state, Typed(word), "nl")
        assert (outcome.problem, outcome.accepted) == (None, None)
        assert (outcome.state.current, outcome.state.path) == ("eens", ())
    assert "eerste vraag" in str(apply(flow, before, Typed("vorige"), "nl").problem)


def test_an_opinion_or_a_sentence_with_the_words_is_a_text_answer(flow: Flow) -> None:
    assert accepted(flow, "uitleg", Typed("weet ik niet")) == "weet ik niet"
    assert accepted(flow, "uitleg", Typed("Geen mening")) == "Geen mening"
    assert accepted(flow, "uitleg", Typed("vorige week was het vol")) == "vorige week was het vol"
    assert accepted(flow, "uitleg", Typed("sla over de brug")) == "sla over de brug"


def test_clean() -> None:
    assert clean("\x00 a\x01b\x0bc\x0c \r\n") == "abc"
    assert clean("regel\r\nregel") == "regel\r\nregel"


# --- Number -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "value"),
    [
        ("2,5", 2.5),
        ("2.5", 2.5),
        ("12", 12.0),
        ("0,5", 0.5),
        ("50", 50.0),
        ("3 km", 3.0),
        ("3km", 3.0),
        ("3,25 KM", 3.25),
    ],
)
def test_number_with_decimals(flow: Flow, typed: str, value: float) -> None:
    stored = accepted(flow, "afstand", Typed(typed))
    assert stored == value
    assert isinstance(stored, float)


@pytest.mark.parametrize(
    ("typed", "value"),
    [
        ("250", 250),
        ("250 euro", 250),
        ("250 euros", 250),
        ("250,0", 250),
        ("1.000", 1000),
        ("12.500", 12500),
        ("1,000", 1000),
        ("100.000", 100000),
        ("0", 0),
    ],
)
def test_number_whole(flow: Flow, typed: str, value: int) -> None:
    stored = accepted(flow, "bedrag", Typed(typed))
    assert stored == value
    assert isinstance(stored, int)


@pytest.mark.parametrize("typed", ["2,5", "1.5", "99,99"])
def test_number_must_be_whole(flow: Flow, typed: str) -> None:
    assert refused(flow, "bedrag", Typed(typed)) == (
        "Hier kan alleen een heel getal, zonder komma. Typ een getal van 0 tot en met 100000."
    )


@pytest.mark.parametrize("typed", ["veel", "2,5,5", "1.000.000,5", ""])
def test_number_that_is_not_a_number(flow: Flow, typed: str) -> None:
    assert refused(flow, "afstand", Typed(typed)) == "Typ een getal van 0,5 tot en met 50."
    assert refused(flow, "afstand", Typed(typed), "en") == "Type a number from 0.5 to 50."


@pytest.mark.parametrize(("typed", "side"), [("0,4", "laag"), ("-1", "laag"), ("50,5", "hoog")])
def test_number_out_of_range(flow: Flow, typed: str, side: str) -> None:
    assert refused(flow, "afstand", Typed(typed)) == (
        f"Dat getal is te {side}. Typ een getal van 0,5 tot en met 50."
    )
    english = {"laag": "low", "hoog": "high"}[side]
    assert refused(flow, "afstand", Typed(typed), "en") == (
        f"That number is too {english}. Type a number from 0.5 to 50."
    )


def test_number_above_the_maximum(flow: Flow) -> None:
    assert refused(flow, "bedrag", Typed("100.001")) == (
        "Dat getal is te hoog. Typ een getal van 0 tot en met 100000."
    )


def test_number_refuses_buttons(flow: Flow) -> None:
    assert refused(flow, "afstand", Pick("5")) == "Typ een getal van 0,5 tot en met 50."


# --- Area ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "value"),
    [
        (Pick("noord"), "noord"),
        (Typed("6811 AB"), "centrum"),
        (Typed("6815ab"), "centrum"),
        (Typed("6821"), "noord"),
        (Typed(" 6823  XY "), "noord"),
        (Typed("Buitengebied"), "buiten"),
        (Typed("north"), "noord"),
        (Typed("3"), "buiten"),
    ],
)
def test_area(flow: Flow, given: Input, value: str) -> None:
    assert accepted(flow, "wijk", given) == value


@pytest.mark.parametrize(
    "given", [Pick("oost"), Typed("6816"), Typed("1234 AB"), Typed("4"), Typed("Oost")]
)
def test_area_unknown(flow: Flow, given: Input) -> None:
    assert refused(flow, "wijk", given) == (
        "Die wijk of postcode ken ik niet. Kies je wijk met een knop."
    )


# --- Skip ---------------------------------------------------------------------------------------


def test_skip_an_optional_question(flow: Flow) -> None:
    assert accepted(flow, "uitleg", Skip()) is None
    assert accepted(flow, "mening", Skip()) is None
    assert accepted(flow, "los", Skip()) is None


def test_skip_a_question_that_is_not_optional(flow: Flow) -> None:
    for question in ["kleur", "bakken", "cijfer", "eens", "afstand", "wijk"]:
        assert refused(flow, question, Skip()) == "Deze vraag kun je niet overslaan."
    assert refused(flow, "kleur", Skip(), "en") == "You can't skip this question."


@pytest.mark.parametrize("word", ["sla over", "Sla over", "overslaan", "skip"])
def test_typed_skip_word(flow: Flow, word: str) -> None:
    assert accepted(flow, "los", Typed(word)) is None
    # Said once, with what the question does take (the question is not sent again).
    assert refused(flow, "kleur", Typed(word)) == (
        "Deze vraag kun je niet overslaan. Tik op een knop, of typ het nummer van je keuze."
    )


@pytest.mark.parametrize("word", ["weet ik niet", "Geen mening"])
def test_an_opinion_skips_an_optional_question_and_is_no_answer_elsewhere(
    flow: Flow, word: str
) -> None:
    assert accepted(flow, "los", Typed(word)) is None
    # Not "you cannot skip this": the resident gave an opinion the question does not offer.
    assert refused(flow, "kleur", Typed(word)) == CHOICE_INVALID


def test_an_option_label_wins_over_a_skip_word(flow: Flow) -> None:
    assert accepted(flow, "mening", Typed("Geen mening")) == "gm"
    assert accepted(flow, "mening", Typed("geen mening")) == "gm"
    assert accepted(flow, "mening", Typed("ja")) == "ja"
    assert accepted(flow, "mening", Typed("sla over")) is None


def test_skip_moves_on_and_counts_in_the_summary(flow: Flow) -> None:
    outcome = apply(flow, at("uitleg"), Skip(), "nl")
    assert outcome.accepted == ("uitleg", None)
    assert outcome.changed is True
    assert summary(flow, outcome.state, "nl") == [("Leg uit", "(overgeslagen)")]
    assert summary(flow, outcome.state, "en") == [("Explain", "(skipped)")]


# --- Back ---------------------------------------------------------------------------------------


def test_back_at_the_first_question(flow: Flow) -> None:
    assert refused(flow, "kleur", Back()) == "Dit is de eerste vraag. Terug kan niet."
    assert refused(flow, "kleur", Typed("vorige")) == "Dit is de eerste vraag. Terug kan niet."
    assert refused(flow, "kleur", Back(), "en") == (
        "This is the first question. You can't go back."
    )


@pytest.mark.parametrize("given", [Back(), Typed("vorige"), Typed("Terug"), Typed("« Vorige")])
def test_back_returns_to_the_previous_question(flow: Flow, given: Input) -> None:
    state, _ = run(flow, [Pick("rood"), Typed("1, 2"), Pick("4")])
    assert (state.current, state.path) == ("eens", ("kleur", "bakken", "cijfer"))
    outcome = apply(flow, state, given, "nl")
    assert outcome.problem is None
    assert (outcome.moved, outcome.accepted, outcome.changed) == (True, None, True)
    assert (outcome.state.current, outcome.state.path) == ("cijfer", ("kleur", "bakken"))
    assert outcome.state.answers == {"kleur": "rood", "bakken": ["gft", "papier"], "cijfer": 4}
    shown = prompt(flow, outcome.state)
    assert (shown.number, shown.previous, shown.can_back) == (3, 4, True)


def test_back_with_a_path_that_has_no_such_edge(mini: Flow) -> None:
    state = SessionState(current="wijk", path=("tevreden",), answers={"tevreden": 4})
    outcome = apply(mini, state, Back(), "nl")
    assert outcome.state is state
    assert outcome.problem == "Dit is de eerste vraag. Terug kan niet."


def test_back_all_the_way_to_the_start(flow: Flow) -> None:
    state, _ = run(flow, [Pick("rood"), Typed("1, 2")])
    state = apply(flow, state, Back(), "nl").state
    state = apply(flow, state, Back(), "nl").state
    assert (state.current, state.path) == ("kleur", ())
    assert prompt(flow, state).can_back is False
    assert prompt(flow, state).previous == "rood"


def test_reanswering_after_back_takes_another_branch(mini: Flow) -> None:
    state, _ = run(mini, [Pick("2"), Typed("De bakken zijn vaak vol")])
    assert (state.current, state.path) == ("bakken", ("tevreden", "waarom"))
    state = apply(mini, state, Back(), "nl").state
    state = apply(mini, state, Back(), "nl").state
    assert (state.current, state.path) == ("tevreden", ())

    outcome = apply(mini, state, Pick("4"), "nl")
    assert (outcome.state.current, outcome.discard) == ("bakken", ())
    assert outcome.state.answers["waarom"] == "De bakken zijn vaak vol"  # kept until the end

    outcome = apply(mini, outcome.state, Typed("gft, pmd"), "nl")
    outcome = apply(mini, outcome.state, Typed("6811 AB"), "nl")  # no area has it
    assert outcome.problem is not None
    outcome = apply(mini, outcome.state, Typed("1015"), "nl")
    assert outcome.finished is True
    assert outcome.accepted == ("wijk", "centrum")
    assert outcome.discard == ("waarom",)
    assert outcome.state.path == ("tevreden", "bakken", "wijk")
    assert outcome.state.answers == {"tevreden": 4, "bakken": ["gft", "pmd"], "wijk": "centrum"}


def test_an_answer_off_the_branch_does_not_steer() -> None:
    flow = flow_of("""
        - id: route
          type: choice
          text: {nl: Route, en: Route}
          options:
            - {id: a, label: {nl: A, en: A}}
            - {id: b, label: {nl: B, en: B}}
          next:
            - when: {question: route, equals: a}
              goto: alleen_a
            - goto: alleen_b
        - id: alleen_a
          type: yesno
          text: {nl: Alleen A, en: Only A}
          next: samen
        - id: alleen_b
          type: yesno
          text: {nl: Alleen B, en: Only B}
        - id: samen
          type: yesno
          text: {nl: Samen, en: Together}
          next:
            - when: {question: alleen_a, equals: "yes"}
              goto: extra
            - goto: end
        - id: extra
          type: yesno
          text: {nl: Extra, en: Extra}
    """)
    state, _ = run(flow, [Pick("a"), Pick("yes")])
    assert state.current == "samen"
    assert prompt(flow, state).total == 4
    state = apply(flow, state, Back(), "nl").state
    state = apply(flow, state, Back(), "nl").state
    state = apply(flow, state, Pick("b"), "nl").state
    state = apply(flow, state, Pick("no"), "nl").state
    assert (state.current, prompt(flow, state).total) == ("samen", 3)
    outcome = apply(flow, state, Pick("yes"), "nl")
    assert outcome.finished is True  # not to 'extra': 'alleen_a' is not on this branch
    assert outcome.discard == ("alleen_a",)
    assert outcome.state.answers == {"route": "b", "alleen_b": "no", "samen": "yes"}


def test_apply_on_a_finished_session(mini: Flow) -> None:
    with pytest.raises(ValueError, match="already finished"):
        apply(mini, SessionState(current=END), Typed("hallo"), "nl")


# --- Progress and summary ---------------------------------------------------------------------


def progress(flow: Flow, state: SessionState) -> tuple[int, int]:
    shown = prompt(flow, state)
    assert shown.question.id == state.current
    return shown.number, shown.total


def test_progress_along_the_short_branch(mini: Flow) -> None:
    state = start(mini)
    assert state == SessionState(current="tevreden")
    assert progress(mini, state) == (1, 3)
    state, _ = run(mini, [Pick("5")])
    assert progress(mini, state) == (2, 3)
    state, _ = run(mini, [Pick("5"), Typed("1 3")])
    assert progress(mini, state) == (3, 3)


def test_progress_along_the_long_branch(mini: Flow) -> None:
    state, _ = run(mini, [Pick("1")])
    assert progress(mini, state) == (2, 4)
    state, _ = run(mini, [Pick("1"), Skip()])
    assert progress(mini, state) == (3, 4)
    state, _ = run(mini, [Pick("1"), Skip(), Toggle("gft"), Confirm()])
    assert progress(mini, state) == (4, 4)


def test_progress_after_back_expects_the_earlier_answer(mini: Flow) -> None:
    state, _ = run(mini, [Pick("1"), Skip(), Back(), Back()])
    assert progress(mini, state) == (1, 4)
    state, _ = run(mini, [Pick("1"), Skip(), Back(), Back(), Pick("3")])
    assert progress(mini, state) == (2, 3)


def test_prompt_fields(flow: Flow) -> None:
    shown = prompt(flow, at("bakken", ("gft",)))
    assert shown.question.id == "bakken"
    assert (shown.number, shown.total) == (1, 9)
    assert (shown.selected, shown.previous, shown.can_back) == (("gft",), None, False)


def test_summary_labels(mini: Flow) -> None:
    state, outcome = run(mini, [Pick("2"), Typed("Te <vol> & vies"), Typed("1, 3"), Pick("noord")])
    assert outcome.finished is True
    assert summary(mini, state, "nl") == [
        ("Hoe tevreden ben je?", "2 / 5"),
        ("Waarom?", "Te <vol> & vies"),
        ("Welke bakken?", "GFT, PMD"),
        ("Waar woon je?", "Noord"),
    ]
    assert summary(mini, state, "en") == [
        ("How satisfied are you?", "2 / 5"),
        ("Why?", "Te <vol> & vies"),
        ("Which bins?", "Organic, Plastic"),
        ("Where do you live?", "North"),
    ]


def test_summary_of_every_type(flow: Flow) -> None:
    state, outcome = run(
        flow,
        [
            Typed("blauw"),
            Typed("2, 3"),
            Pick("4"),
            Typed("nee"),
            Skip(),
            Typed("2,5"),
            Typed("1.250"),
            Typed("6822"),
            Typed("geen mening"),
            Toggle("b"),
            Confirm(),
        ],
    )
    assert outcome.finished is True
    assert outcome.discard == ()
    assert [answer for _, answer in summary(flow, state, "nl")] == [
        "Blauw",
        "Oud papier, PMD",
        "4 / 5",
        "Nee",
        "(overgeslagen)",
        "2,5 km",
        "1250 euro",
        "Noord",
        "Geen mening",
        "Bee",
    ]
    assert [answer for _, answer in summary(flow, state, "en")] == [
        "Blue",
        "Paper, Plastic",
        "4 / 5",
        "No",
        "(skipped)",
        "2.5 km",
        "1250 euros",
        "North",
        "No opinion",
        "Bee",
    ]


def test_answer_label_of_unknown_values(flow: Flow) -> None:
    assert answer_label(flow.questions["kleur"], "paars", "nl") == "paars"
    assert answer_label(flow.questions["wijk"], "oost", "en") == "oost"
    assert answer_label(flow.questions["eens"], "yes", "en") == "Yes"
    assert answer_label(flow.questions["bedrag"], 7.0, "nl") == "7 euro"


def test_hints(flow: Flow) -> None:
    assert hint(flow.questions["cijfer"], "nl") == (
        "Tik op een cijfer, of typ een getal van 1 tot en met 5."
    )
    assert hint(flow.questions["afstand"], "nl") == "Typ een getal van 0,5 tot en met 50."
    assert hint(flow.questions["afstand"], "en") == "Type a number from 0.5 to 50."
    assert hint(flow.questions["uitleg"], "en") == (
        "Type your answer in a message (at most 200 characters)."
    )
    assert hint(flow.questions["wijk"], "nl") == (
        "Kies je wijk, of typ de 4 cijfers van je postcode."
    )
    assert invalid(flow.questions["uitleg"], "nl") == (
        "Typ je antwoord in een bericht (maximaal 200 tekens)."
    )


def test_outcome_changed() -> None:
    state = SessionState(current="q")
    assert Outcome(state).changed is False
    assert Outcome(state, problem=Html("x")).changed is False
    assert Outcome(state, accepted=("q", None)).changed is True
    assert Outcome(state, moved=True).changed is True
    assert Outcome(state, discard=("q",)).changed is True


# --- Availability -------------------------------------------------------------------------------

CET = timezone(timedelta(hours=1))

YESNO = """
- id: q1
  type: yesno
  text: {nl: Vraag, en: Question}
"""


def dated(opens_at: str, closes_at: str) -> Any:
    header = HEADER + f"opens_at: {opens_at}\ncloses_at: {closes_at}\n"
    return parse(document(YESNO, header=header))


def test_availability_with_naive_dates_in_the_local_zone() -> None:
    questionnaire = dated("2025-03-01T09:00:00", "2025-03-31T18:00:00")
    assert availability(questionnaire, datetime(2025, 3, 1, 7, 59, tzinfo=UTC), CET) == "not_yet"
    assert availability(questionnaire, datetime(2025, 3, 1, 8, 0, tzinfo=UTC), CET) == "open"
    assert availability(questionnaire, datetime(2025, 3, 1, 9, 0, tzinfo=UTC), UTC) == "open"
    assert availability(questionnaire, datetime(2025, 3, 1, 8, 0, tzinfo=UTC), UTC) == "not_yet"
    assert availability(questionnaire, datetime(2025, 3, 31, 16, 59, tzinfo=UTC), CET) == "open"
    assert availability(questionnaire, datetime(2025, 3, 31, 17, 0, tzinfo=UTC), CET) == "closed"


def test_availability_with_aware_dates_ignores_the_local_zone() -> None:
    questionnaire = dated("2025-03-01T09:00:00+00:00", "2025-03-31T18:00:00+02:00")
    just_before = datetime(2025, 3, 1, 8, 59, 59, tzinfo=UTC)
    assert availability(questionnaire, just_before, CET) == "not_yet"
    assert availability(questionnaire, just_before + timedelta(seconds=1), CET) == "open"
    closing = datetime(2025, 3, 31, 16, 0, tzinfo=UTC)
    assert availability(questionnaire, closing - timedelta(microseconds=1), UTC) == "open"
    assert availability(questionnaire, closing, UTC) == "closed"
    assert availability(questionnaire, closing.astimezone(CET), CET) == "closed"


def test_availability_without_dates(mini: Flow) -> None:
    now = datetime(2030, 1, 1, tzinfo=UTC)
    assert availability(mini.questionnaire, now, CET) == "open"


# --- Texts --------------------------------------------------------------------------------------


def test_t_escapes_parameters() -> None:
    assert t("nl", "chosen", answer="<b>Tom & Jerry</b>") == (
        "Je antwoord: &lt;b&gt;Tom &amp; Jerry&lt;/b&gt;"
    )
    assert t("en", "previous_answer", answer='"a" > b') == 'Your earlier answer: "a" &gt; b'
    assert isinstance(t("nl", "chosen", answer="x"), Html)


def test_t_passes_html_through() -> None:
    assert t("nl", "chosen", answer=Html("<i>schoon</i>")) == "Je antwoord: <i>schoon</i>"
    assert escape(Html("<b>")) == "<b>"
    assert escape("<b>") == "&lt;b&gt;"
    assert escape(3) == "3"


def test_t_falls_back_to_dutch() -> None:
    assert t("de", "progress", number=2, total=5) == "Vraag 2 van 5"
    assert t("en", "progress", number=2, total=5) == "Question 2 of 5"

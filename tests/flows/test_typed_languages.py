"""Typing an answer in the resident's own language works as in Dutch: yes and no, back,
skip and done in Turkish and Arabic (with or without Arabic vowel marks, Turkish letters
or none), and numbers in Arabic-Indic digits. Every catalog's own button labels, typed,
do what the button does: a language added without its words fails here."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from flows.dates import read_date
from flows.engine import Outcome, SessionState, Typed, apply
from flows.machine import Flow
from flows.reading import BACK, DONE, NO, SKIP, YES, loose, norm
from flows.texts import LANGUAGES, plain_text, raw
from tests.flows.helpers import flow_of

QUESTIONS = """
- id: eens
  type: yesno
  text: {nl: Eens, en: Agree}
- id: uitleg
  type: text
  optional: true
  text: {nl: Waarom, en: Why}
- id: cijfer
  type: scale
  min: 1
  max: 10
  decimals: 1
  text: {nl: Welk rapportcijfer, en: Which grade}
- id: aantal
  type: number
  max: 5000
  text: {nl: Hoeveel, en: How many}
- id: actief
  type: multi
  text: {nl: Waar ben je actief, en: Where are you active}
  options:
    - {id: sport, label: {nl: Sportvereniging, en: Sports club}}
    - {id: muziek, label: {nl: Muziekvereniging, en: Music society}}
    - {id: buurt, label: {nl: Buurthuis, en: Community centre}}
- id: wijk
  type: choice
  text: {nl: Welke wijk, en: Which neighbourhood}
  options:
    - {id: noord, label: {nl: Noord, en: North}}
    - {id: zuid, label: {nl: Zuid, en: South}}
- id: eerst
  type: ranking
  text: {nl: Wat eerst, en: What first}
  options:
    - {id: groen, label: {nl: Groen, en: Green}}
    - {id: veilig, label: {nl: Veilig, en: Safe}}
    - {id: schoon, label: {nl: Schoon, en: Clean}}
- id: dag
  type: date
  earliest: 2027-01-01
  latest: 2027-12-31
  text: {nl: Welke dag, en: Which day}
"""


@pytest.fixture(scope="module")
def flow() -> Flow:
    return flow_of(QUESTIONS)


def typed(
    flow: Flow, question: str, text: str, language: str, draft: tuple[str, ...] = ()
) -> Outcome:
    state = SessionState(
        current=question, path=("eens",) if question != "eens" else (), draft=draft
    )
    return apply(flow, state, Typed(text), language)


def accepted(flow: Flow, question: str, text: str, language: str) -> object:
    outcome = typed(flow, question, text, language)
    assert outcome.problem is None, (text, outcome.problem)
    assert outcome.accepted is not None and outcome.accepted[0] == question, (text, outcome)
    return outcome.accepted[1]


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        ("evet", "tr", "yes"),
        ("Evet.", "tr", "yes"),
        ("EVET", "tr", "yes"),
        ("Tamam", "tr", "yes"),
        ("hayır", "tr", "no"),
        ("Hayir", "tr", "no"),  # without a Turkish keyboard
        ("HAYIR", "tr", "no"),
        ("نعم", "ar", "yes"),
        ("أجل", "ar", "yes"),
        ("اجل", "ar", "yes"),  # no hamza
        ("لا", "ar", "no"),
        ("لَا", "ar", "no"),  # with a vowel mark
        ("كلا!", "ar", "no"),
        ("ja", "ar", "yes"),  # Dutch works in any language, as before
    ],
)
def test_yes_and_no_in_turkish_and_arabic(
    flow: Flow, text: str, language: str, expected: str
) -> None:
    assert accepted(flow, "eens", text, language) == expected


@pytest.mark.parametrize(
    ("text", "language"),
    [("geri", "tr"), ("Önceki", "tr"), ("« Geri", "tr"), ("السابق", "ar"), ("رجوع", "ar")],
)
def test_back_in_turkish_and_arabic(flow: Flow, text: str, language: str) -> None:
    outcome = typed(flow, "uitleg", text, language)
    assert outcome.problem is None and outcome.accepted is None
    assert outcome.state.current == "eens", "back to the question before"


@pytest.mark.parametrize(
    ("text", "language"),
    [("atla", "tr"), ("Atla", "tr"), ("تخطَّ", "ar"), ("تخط", "ar"), ("تجاوز", "ar")],
)
def test_skip_in_turkish_and_arabic(flow: Flow, text: str, language: str) -> None:
    outcome = typed(flow, "uitleg", text, language)
    assert outcome.accepted == ("uitleg", None), "skipped, not stored as the answer"


def test_a_free_text_in_turkish_or_arabic_is_kept_as_written(flow: Flow) -> None:
    for text, language in (
        ("Çöp kutuları hep dolu", "tr"),
        ("الحاويات ممتلئة دائماً", "ar"),
        ("لا أعرف متى يأتون", "ar"),  # begins with "no", but is an answer
    ):
        assert accepted(flow, "uitleg", text, language) == text


@pytest.mark.parametrize(
    ("question", "text", "expected"),
    [
        ("cijfer", "٧", 7),
        ("cijfer", "٧٫٥", 7.5),  # the Arabic decimal separator
        ("cijfer", "٧,٥", 7.5),
        ("cijfer", "١٠", 10),
        ("cijfer", "۸", 8),  # Persian digits, as some keyboards give them
        ("aantal", "٢٥٠٠", 2500),
        ("aantal", "٠", 0),
    ],
)
def test_arabic_indic_digits(flow: Flow, question: str, text: str, expected: float) -> None:
    assert accepted(flow, question, text, "ar") == expected


def test_arabic_indic_digits_out_of_range_get_the_usual_hint(flow: Flow) -> None:
    outcome = typed(flow, "cijfer", "١١", "ar")
    assert outcome.accepted is None and outcome.problem is not None


def test_options_by_arabic_indic_numbers_and_done_words(flow: Flow) -> None:
    assert accepted(flow, "wijk", "٢", "ar") == "zuid"
    picked = typed(flow, "actief", "١، ٣", "ar")  # with the Arabic comma
    assert picked.accepted == ("actief", ["sport", "buurt"])
    for done, language in (("Tamam", "tr"), ("bitti", "tr"), ("تم", "ar")):
        finished = typed(flow, "actief", done, language, draft=("muziek",))
        assert finished.accepted == ("actief", ["muziek"]), done


def test_a_ranking_and_a_date_in_arabic_indic_digits(flow: Flow) -> None:
    assert accepted(flow, "eerst", "٣، ١، ٢", "ar") == ["schoon", "groen", "veilig"]
    assert accepted(flow, "dag", "١٢-٣-٢٠٢٧", "ar") == "2027-03-12"
    assert accepted(flow, "dag", "2027-03-12", "tr") == "2027-03-12"


@pytest.mark.parametrize(
    ("typed", "days"),
    [("bugün", 0), ("Yarın", 1), ("yarin", 1), ("dün", -1), ("اليوم", 0), ("غداً", 1), ("أمس", -1)],
)
def test_today_tomorrow_and_yesterday_in_turkish_and_arabic(typed: str, days: int) -> None:
    today = date(2027, 3, 12)
    assert read_date(norm(typed), today) == today + timedelta(days=days)


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_catalogs_button_labels_typed_do_what_the_button_does(language: str) -> None:
    """What a button says, typed as it says it or without its « or ✓, is the same word."""
    for key, words in (
        ("button.yes", YES),
        ("button.no", NO),
        ("button.back", BACK),
        ("button.skip", SKIP),
        ("button.done", DONE),
    ):
        label = plain_text(raw(language, key))
        bare = label.strip("«»✓ ")
        for form in (label, bare):
            assert norm(form) in words or loose(form) in words, (language, key, form)

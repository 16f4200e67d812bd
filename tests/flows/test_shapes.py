"""The question shapes of issue 16 in the format and the engine: grids and "anders" written
out by the loader (every problem at the line the administrator wrote), rankings and dates
answered by tapping and typing, and typed dates read."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from flows import dates, engine
from flows.engine import Back, Pick, Skip, Toggle, Typed, Undo, apply, start
from flows.loader import parse
from flows.machine import Flow
from flows.schema import GridQuestion, RankingQuestion, TextQuestion
from flows.texts import Locale
from tests.flows.helpers import Said, document, line_of, problems

GRID = """\
- id: eerst
  type: yesno
  text: {nl: "Woont u hier?", en: "Do you live here?"}
  next: stellingen
- id: stellingen
  type: grid
  label: Uitspraken
  text: {nl: "Eens of oneens?", en: "Agree or disagree?"}
  options:
    - {id: eens, label: {nl: Eens, en: Agree}}
    - {id: oneens, label: {nl: Oneens, en: Disagree}}
    - {id: weet-niet, label: {nl: Weet niet, en: Don't know}}
  items:
    - {id: thuis, text: {nl: "Ik voel me thuis.", en: "I feel at home."}}
    - {id: schoon, text: {nl: "Het is schoon.", en: "It is clean."}, variable: wl08}
- id: vervoer
  type: choice
  text: {nl: "Hoe reist u?", en: "How do you travel?"}
  options:
    - {id: fiets, label: {nl: Fiets, en: Bike}}
    - {id: anders, label: {nl: "Anders, namelijk", en: "Other, namely"}, other: true}
- id: volgorde
  type: ranking
  text: {nl: "Wat eerst?", en: "What first?"}
  options:
    - {id: groen, label: {nl: Groen, en: Green}}
    - {id: veilig, label: {nl: Veilig, en: Safe}}
    - {id: schoon, label: {nl: Schoon, en: Clean}}
- id: dag
  type: date
  optional: true
  earliest: 2027-01-01
  latest: 2027-12-31
  text: {nl: "Welke dag?", en: "Which day?"}
"""
EENS = "{id: eens, label: {nl: Eens, en: Agree}}"
FIETS = "{id: fiets, label: {nl: Fiets, en: Bike}}"
SCHOON = "    - {id: schoon, label: {nl: Schoon, en: Clean}}"


def flow() -> Flow:
    return Flow(parse(document(GRID)))


def test_a_grid_is_a_question_per_statement_and_anders_adds_a_text_question() -> None:
    questionnaire = parse(document(GRID))
    ids = [q.id for q in questionnaire.questions]
    assert ids == ["eerst", "thuis", "schoon", "vervoer", "vervoer-anders", "volgorde", "dag"]
    thuis, schoon = questionnaire.question("thuis"), questionnaire.question("schoon")
    assert isinstance(thuis, GridQuestion) and isinstance(schoon, GridQuestion)
    assert (thuis.grid, thuis.position, thuis.count, thuis.grid_label) == (
        "stellingen",
        1,
        2,
        "Uitspraken",
    )
    assert thuis.stem.nl == "Eens of oneens?" and schoon.variable == "wl08"
    # A goto to the grid goes to its first statement.
    assert [r.goto for r in questionnaire.question("eerst").rules()] == ["thuis"]
    follow = questionnaire.question("vervoer-anders")
    assert isinstance(follow, TextQuestion) and follow.max_length == 200
    assert (
        follow.text.nl
        == "Je koos „Anders, namelijk”. Wat bedoel je? Schrijf het in een paar woorden."
    )
    assert follow.text.en.startswith("You chose “Other, namely”.")


def test_anders_is_asked_only_when_chosen() -> None:
    f = flow()
    state = start(f)
    for given in (Typed("ja"), Pick("eens"), Pick("oneens")):
        state = apply(f, state, given, "nl").state
    chose_other = apply(f, state, Pick("anders"), "nl").state
    assert chose_other.current == "vervoer-anders"
    assert apply(f, chose_other, Typed("Met de step"), "nl").state.current == "volgorde"
    assert apply(f, state, Pick("fiets"), "nl").state.current == "volgorde"


@pytest.mark.parametrize(
    ("change", "needle", "field", "message"),
    [
        (
            ("    - {id: schoon, text", "    - {id: schoon, tekst: {nl: x}, text"),
            "tekst",
            "questions.stellingen.items[1].tekst",
            "is not a known field. Did you mean 'text'? Known here: id, text, label, variable",
        ),
        (
            ("  items:\n", "  items: veel\n  oud:\n"),
            "items: veel",
            "questions.stellingen.items",
            "a grid has items: a list of 2 to 12 statements",
        ),
        (
            (EENS, EENS.replace("}}", "}, other: true}")),
            "other: true}",
            "questions.stellingen.options[0].other",
            "other (anders, namelijk) belongs on a choice or multi question only",
        ),
        (
            (FIETS, FIETS.replace("}}", "}, other: true}")),
            '"Other, namely"}, other',
            "questions.vervoer.options[1].other",
            "one option per question can be other",
        ),
        (
            (SCHOON, SCHOON.replace("schoon", "groen")),
            "{id: groen, label: {nl: Schoon",
            "questions.volgorde.options[2].id",
            "groen",
        ),
        (
            ("  earliest: 2027-01-01", "  earliest: 2028-01-01"),
            "- id: dag",
            "questions.dag",
            "earliest must be on or before latest",
        ),
    ],
)  # fmt: skip
def test_problems_with_shapes_are_said_at_their_line(
    change: tuple[str, str], needle: str, field: str, message: str
) -> None:
    text = document(GRID.replace(*change, 1))
    assert change[0] in GRID
    found = problems(text)
    assert any(
        p.field == field and message in p.message and p.line == line_of(text, needle)
        for p in found
    ), found


def test_a_scale_reported_as_nps_runs_from_0_to_10() -> None:
    text = document(
        "- id: s\n  type: scale\n  report: nps\n  max: 10\n  text: {nl: Cijfer, en: Mark}\n"
    )
    assert problems(text) == [
        Said(
            "x.yaml",
            line_of(text, "report: nps"),
            "questions.s.report",
            "report: nps belongs on a scale from 0 to 10 (min: 0, max: 10)",
        )
    ]


def test_a_rapportcijfer_runs_up_to_10() -> None:
    text = document(
        "- id: s\n  type: scale\n  report: grade\n  max: 5\n  text: {nl: Cijfer, en: Mark}\n"
    )
    assert problems(text) == [
        Said(
            "x.yaml",
            line_of(text, "report: grade"),
            "questions.s.report",
            "report: grade (a mark) belongs on a scale up to 10 (max: 10)",
        )
    ]
    assert problems(text, language="nl")[0].message == (
        "report: grade (rapportcijfer) hoort bij een schaal tot en met 10 (max: 10)"
    )


def test_last_is_a_flag_of_a_choice_or_multi_option() -> None:
    ranking = document(GRID.replace(SCHOON, SCHOON[:-1] + ", last: true}", 1))
    assert problems(ranking) == [
        Said(
            "x.yaml",
            line_of(ranking, "last: true"),
            "questions.volgorde.options[2].last",
            "last (stays at the end) does not fit a ranking: the resident puts every option in "
            "order",
        )
    ]
    wrong = document(GRID.replace(FIETS, FIETS[:-1] + ", last: ja}", 1))
    (found,) = problems(wrong)
    assert (found.line, found.field) == (
        line_of(wrong, "last: ja"),
        "questions.vervoer.options[0].last",
    )


def _through(f: Flow, *inputs: Any) -> engine.Outcome:
    state = start(f)
    for given in (Typed("ja"), Pick("eens"), Pick("oneens"), Pick("fiets")):
        state = apply(f, state, given, "nl").state
    outcome = engine.Outcome(state)
    for given in inputs:
        outcome = apply(f, outcome.state, given, "nl")
    return outcome


def test_a_ranking_by_taps_with_an_undo() -> None:
    f = flow()
    # With one option left, the last one takes the last place: two taps rank three.
    tapped = _through(f, Toggle("veilig"), Undo(), Toggle("schoon"), Toggle("groen"))
    assert tapped.accepted == ("volgorde", ["schoon", "groen", "veilig"])
    again = _through(f, Toggle("veilig"), Toggle("veilig"))
    assert (
        again.problem
        == "„Veilig” heeft al plek 1. Tik op een ander antwoord, of op Wis de laatste."
    )
    assert _through(f, Undo()).problem == "Er is nog niets om terug te zetten."
    assert _through(f, Toggle("fiets")).accepted is None


@pytest.mark.parametrize(
    ("typed", "accepted", "problem"),
    [
        ("3 1 2", ["schoon", "groen", "veilig"], None),
        ("2, 3", ["veilig", "schoon", "groen"], None),
        ("3 1 3", None, "Je noemde 3 twee keer."),
        ("3 1 4", None, "Gebruik elk nummer van 1 tot en met 3 één keer."),
        ("groen", None, "Typ de nummers in je volgorde"),
        ("1", None, "Typ de nummers in je volgorde"),
    ],
)
def test_a_ranking_typed(typed: str, accepted: list[str] | None, problem: str | None) -> None:
    outcome = _through(flow(), Typed(typed))
    assert outcome.accepted == (("volgorde", accepted) if accepted else None)
    assert (problem or "") in (outcome.problem or "")
    assert (outcome.problem is None) == (problem is None)


def test_a_date_is_read_back_and_bounded() -> None:
    f = flow()
    ranked = _through(f, Typed("1 2 3")).state
    good = apply(f, ranked, Typed("12-3-2027"), "nl")
    assert (good.accepted, good.noted) == (("dag", "2027-03-12"), "vrijdag 12 maart 2027")
    far = apply(f, ranked, Typed("12 maart 3000"), "nl")
    assert far.accepted is None
    assert far.problem == (
        "12 maart 3000 kan niet. Kies een datum van 1 januari 2027 tot en met 31 december 2027."
    )
    assert apply(f, ranked, Typed("de dag na pasen"), "nl").problem == (
        "Die datum begrijp ik niet. Typ de dag, de maand en het jaar, bijvoorbeeld: "
        "12 maart 2027, of 12-3-2027."
    )
    assert apply(f, ranked, Typed("sla over"), "nl").accepted == ("dag", None)
    # Without a year: the year within the question's bounds (2027), whatever today is.
    assert apply(f, ranked, Typed("12 maart"), "nl").accepted == ("dag", "2027-03-12")
    assert apply(f, ranked, Typed("12-3"), "nl").accepted == ("dag", "2027-03-12")
    # A weekday that does not fit the date: asked, not stored.
    wrong = apply(f, ranked, Typed("dinsdag 12 maart 2027"), "nl")
    assert wrong.accepted is None
    assert wrong.problem == (
        "12 maart 2027 is een vrijdag, geen dinsdag. Welke datum bedoel je? Typ hem nog een keer."
    )
    formal = apply(f, ranked, Typed("di 12 maart 2027"), Locale("nl", "u"))
    assert formal.problem is not None and "Welke datum bedoelt u?" in formal.problem
    english = apply(f, ranked, Typed("Tuesday 12 March 2027"), "en")
    assert english.problem == (
        "12 March 2027 is a Friday, not a Tuesday. Which date do you mean? Type it again."
    )
    assert apply(f, ranked, Typed("vrijdag 12 maart 2027"), "nl").accepted == (
        "dag",
        "2027-03-12",
    )
    assert apply(f, ranked, Skip(), "nl").accepted == ("dag", None)
    assert apply(f, ranked, Back(), "nl").state.current == "volgorde"
    assert apply(f, ranked, Pick("2027-03-12"), "nl").accepted is None


def test_ranking_and_date_answers_in_words() -> None:
    questionnaire = parse(document(GRID))
    volgorde = questionnaire.question("volgorde")
    assert isinstance(volgorde, RankingQuestion)
    words = engine.answer_label(volgorde, ["veilig", "groen", "schoon"], "en")
    assert words == "1. Safe, 2. Green, 3. Clean"
    assert engine.answer_label(questionnaire.question("dag"), "2027-03-12", "en") == (
        "Friday 12 March 2027"
    )


TODAY = date(2026, 12, 7)


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("12 maart", date(2027, 3, 12)),  # without a year: the next 12 maart
        ("7 december", date(2026, 12, 7)),  # today comes round today
        ("29 februari", date(2028, 2, 29)),
        ("30 februari", None),
        ("12-3", date(2027, 3, 12)),
        ("di 12-3", date(2027, 3, 12)),  # a weekday before digits too
        ("vr, 12/3/2027", date(2027, 3, 12)),
        ("vrijdag 2027-03-12", date(2027, 3, 12)),
        ("dinsdag 12 maart", date(2027, 3, 12)),  # the weekday is checked by the engine
        ("12 maart 2027", date(2027, 3, 12)),
        ("vrijdag 12 maart 2027", date(2027, 3, 12)),
        ("12 mrt 2027", date(2027, 3, 12)),
        ("12-3-2027", date(2027, 3, 12)),
        ("12/03/27", date(2027, 3, 12)),
        ("12.3.2027", date(2027, 3, 12)),
        ("2027-03-12", date(2027, 3, 12)),
        ("12 March 2027", date(2027, 3, 12)),
        ("March 12, 2027", date(2027, 3, 12)),
        ("morgen", date(2026, 12, 8)),
        ("Vandaag", date(2026, 12, 7)),
        ("overmorgen", date(2026, 12, 9)),
        ("31-2-2027", None),
        ("12 foo 2027", None),
        ("3 1 2", None),
        ("", None),
    ],
)
def test_typed_dates(typed: str, meant: date | None) -> None:
    assert dates.read_date(typed, TODAY) == meant


@pytest.mark.parametrize(
    ("typed", "earliest", "latest", "meant"),
    [
        # The next time it comes round, when that fits the bounds.
        ("12 maart", date(2027, 1, 1), date(2027, 12, 31), date(2027, 3, 12)),
        ("12 december", date(2026, 1, 1), date(2027, 12, 31), date(2026, 12, 12)),
        # Else the first fitting one to come.
        ("12 december", date(2027, 6, 1), date(2029, 12, 31), date(2027, 12, 12)),
        ("29 februari", date(2029, 1, 1), date(2033, 1, 1), date(2032, 2, 29)),
        # The bounds lie in the past: the latest fitting one.
        ("12 maart", date(2020, 1, 1), date(2026, 11, 30), date(2026, 3, 12)),
        ("12-3", date(1900, 1, 1), date(2026, 12, 7), date(2026, 3, 12)),
        # No year fits: the next time it comes round (the engine then names the bounds).
        ("12 maart", date(2027, 4, 1), date(2027, 12, 31), date(2027, 3, 12)),
        # A year typed is kept, whatever the bounds.
        ("12 maart 2030", date(2027, 1, 1), date(2027, 12, 31), date(2030, 3, 12)),
    ],
)
def test_a_date_without_a_year_fits_the_bounds(
    typed: str, earliest: date, latest: date, meant: date
) -> None:
    assert dates.read_date(typed, TODAY, earliest, latest) == meant


@pytest.mark.parametrize(
    ("typed", "weekday"),
    [
        ("dinsdag 12 maart 2027", 1),
        ("di 12-3", 1),
        ("Vrijdag, 12 maart", 4),
        ("Tuesday 12 March 2027", 1),
        ("zo 1 jan", 6),
        ("12 maart 2027", None),
        ("op 12 maart", None),
        ("morgen", None),
    ],
)
def test_the_weekday_typed_before_a_date(typed: str, weekday: int | None) -> None:
    assert dates.named_weekday(typed) == weekday

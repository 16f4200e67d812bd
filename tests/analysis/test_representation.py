"""Respondents against inhabitants: the figures per wijk and age band, the rule for
under-represented, the one-line verdict and whom to invite first."""

from __future__ import annotations

import numpy as np
import pytest

from analysis.population import ADULT_BANDS
from analysis.representation import (
    ALPHA,
    MIN_RESPONDENTS,
    OVER,
    UNDER,
    Label,
    Representation,
    representation,
    weighting_notes,
)
from analysis.weighting import rake

AREAS = [
    Label("centrum", "Centrum", "City centre"),
    Label("noord", "Noord", "North"),
    Label("de-hoven", "De Hoven", "De Hoven"),
]
# Inhabitants per wijk x 15-24, 25-44, 45-64, 65+: 12,000 in all, 1,000 per cell.
POPULATION = np.full((3, 4), 1000)


def _of(respondents: list[list[int]]) -> Representation:
    return representation(np.array(respondents), POPULATION, AREAS, ADULT_BANDS)


def test_the_figures_per_wijk_and_band() -> None:
    result = _of([[10, 20, 30, 40], [10, 20, 30, 40], [10, 20, 30, 40]])
    centrum = result.areas[0]
    assert (centrum.respondents, centrum.inhabitants) == (100, 4000)
    assert centrum.per_1000 == pytest.approx(25.0)
    assert centrum.share_respondents == pytest.approx(1 / 3)
    assert centrum.share_population == pytest.approx(1 / 3)
    assert centrum.status == "fair"
    young, _, _, old = result.bands
    assert young.nl == "15 tot 25 jaar" and young.respondents == 30
    assert young.ratio == pytest.approx(0.1 / 0.25) and young.status == "under"
    assert old.ratio == pytest.approx(0.4 / 0.25) and old.status == "over"
    assert result.verdict_nl == "Jongeren van 15 tot 25 zijn ondervertegenwoordigd."
    assert result.verdict_en == "Young people aged 15 to 24 are under-represented."


def test_the_verdict_names_bands_and_wijken_together() -> None:
    result = _of([[10, 40, 40, 40], [2, 10, 10, 10], [10, 40, 40, 40]])
    assert result.verdict_nl == (
        "Jongeren van 15 tot 25 en wijk Noord zijn ondervertegenwoordigd."
    )
    assert result.verdict_en == (
        "Young people aged 15 to 24 and the North area are under-represented."
    )


def test_one_wijk_is_and_two_wijken_are() -> None:
    one = _of([[40, 40, 40, 40], [5, 5, 5, 5], [40, 40, 40, 40]])
    assert one.verdict_nl == "Wijk Noord is ondervertegenwoordigd."
    assert one.verdict_en == "The North area is under-represented."
    two = _of([[60, 60, 60, 60], [5, 5, 5, 5], [5, 5, 5, 5]])
    assert two.verdict_nl == "De wijken Noord en De Hoven zijn ondervertegenwoordigd."


def test_a_wijk_nobody_answered_from_is_named() -> None:
    result = _of([[30, 30, 30, 30], [30, 30, 30, 30], [0, 0, 0, 0]])
    assert result.areas[2].status == "empty"
    assert result.verdict_nl == "Wijk De Hoven is ondervertegenwoordigd."


def test_no_verdict_on_too_few_answers_and_none_when_fair() -> None:
    few = _of([[1, 2, 3, 4], [1, 2, 3, 4], [1, 2, 3, 4]])
    assert few.respondents == 30 == MIN_RESPONDENTS
    fewer = _of([[1, 2, 3, 4], [1, 2, 3, 4], [1, 2, 3, 3]])
    assert fewer.verdict_nl.startswith("Nog te weinig antwoorden (29)")
    assert fewer.verdict_en.startswith("Too few answers yet (29)")
    fair = _of([[20, 21, 19, 20], [19, 20, 22, 20], [21, 20, 19, 20]])
    assert fair.verdict_nl == "Geen wijk of leeftijdsgroep is duidelijk ondervertegenwoordigd."


def test_a_small_shortfall_that_may_be_chance_is_not_under_represented() -> None:
    # Noord has 0.75 of its share, below the 0.8 of the rule, but on 45 respondents that is
    # well within chance.
    result = _of([[5, 4, 4, 5], [3, 2, 3, 3], [4, 4, 4, 4]])
    noord = result.areas[1]
    assert noord.ratio is not None and noord.ratio < UNDER
    assert noord.p_value > ALPHA and noord.status == "fair"
    assert OVER == 1.25


def test_small_cells_are_not_shown_on_their_own() -> None:
    result = _of([[0, 4, 5, 40], [1, 20, 30, 40], [10, 20, 30, 40]])
    assert result.cells[0] == (0, None, 5, 40)
    assert result.cells[1] == (None, 20, 30, 40)


def test_respondents_known_in_one_dimension_count_there() -> None:
    result = representation(
        np.array([[10, 20, 30, 40], [10, 20, 30, 40], [10, 20, 30, 40]]),
        POPULATION,
        AREAS,
        ADULT_BANDS,
        area_only=np.array([5, 0, 0]),
        band_only=np.array([0, 0, 0, 7]),
        unknown=3,
    )
    assert result.respondents == 300 and result.unknown == 15
    assert result.areas[0].respondents == 105
    assert result.bands[3].respondents == 127


def test_whom_to_invite_first() -> None:
    # The young: 9 where 67 were expected; Noord: 65 where 90 were.
    result = _of([[2, 40, 40, 40], [5, 20, 20, 20], [2, 40, 40, 40]])
    first = result.invite_first()
    assert [(r.dimension, r.id) for r in first] == [("band", "15-24"), ("area", "noord")]
    assert first[0].expected - first[0].respondents > first[1].expected - first[1].respondents


def test_an_area_without_inhabitants_in_the_file() -> None:
    population = POPULATION.copy()
    population[2] = 0
    result = representation(np.full((3, 4), 10), population, AREAS, ADULT_BANDS)
    assert result.areas[2].status == "no_population"
    assert result.areas[2].per_1000 is None and result.areas[2].ratio is None


def test_shapes_must_agree() -> None:
    with pytest.raises(ValueError, match="shapes"):
        representation(np.ones((2, 4)), POPULATION, AREAS, ADULT_BANDS)


def test_notes_on_what_was_not_weighted_and_what_was_trimmed() -> None:
    respondents = np.array([[40, 30, 20, 0], [10, 50, 60, 0], [1, 0, 1, 0]])
    weights = rake(respondents, POPULATION)
    assert weighting_notes(weights, AREAS, ADULT_BANDS) == (
        (
            "Maar 2 antwoorden uit De Hoven: die tellen we niet zwaarder mee.",
            "Only 2 answers from De Hoven: not weighted up.",
        ),
        (
            "Niemand van 65 jaar of ouder heeft geantwoord: de gewogen cijfers gaan over de "
            "andere inwoners.",
            "Nobody aged 65 and older answered: the weighted figures are about the other "
            "inhabitants.",
        ),
    )
    scarce = np.array([[6, 60, 60, 60], [60, 60, 60, 60], [60, 60, 60, 60]])
    population = POPULATION.copy()
    population[0, 0] = 20_000
    trimmed = rake(scarce, population)
    notes = weighting_notes(trimmed, AREAS, ADULT_BANDS)
    assert notes[0] == (
        "Bij 6 antwoorden is het gewicht afgetopt op 5.",
        "6 answers had their weight capped at 5.",
    )
    assert notes[1][0].startswith("Daardoor wijken de gewogen cijfers tot ")
    assert notes[1][0].endswith(
        " procentpunt af van de verdeling van de inwoners over wijken en leeftijden."
    )
    small = np.array([[2, 40, 40, 40], [40, 40, 40, 40], [40, 40, 40, 40]])
    assert weighting_notes(rake(small, POPULATION), AREAS, ADULT_BANDS) == (
        (
            "2 antwoorden komen uit groepjes van minder dan 5 (één wijk en leeftijd): die "
            "tellen we niet zwaarder mee.",
            "2 answers come from groups of fewer than 5 (one wijk and age band): they are not "
            "weighted up.",
        ),
    )
    fine = rake(np.full((3, 4), 20), POPULATION)
    assert weighting_notes(fine, AREAS, ADULT_BANDS) == ()


def test_no_population_figures_for_an_area() -> None:
    population = POPULATION.copy()
    population[1] = 0
    weights = rake(np.full((3, 4), 20), population)
    assert weighting_notes(weights, AREAS, ADULT_BANDS) == (
        (
            "Geen inwonersaantallen voor wijk Noord: die antwoorden wegen we niet.",
            "No population figures for the North area: those answers are not weighted.",
        ),
    )


def test_one_answer_is_singular() -> None:
    respondents = np.array([[40, 30, 20, 20], [10, 50, 60, 20], [1, 0, 0, 0]])
    notes = weighting_notes(rake(respondents, POPULATION), AREAS, ADULT_BANDS)
    assert notes[0] == (
        "Maar 1 antwoord uit De Hoven: die tellen we niet zwaarder mee.",
        "Only 1 answer from De Hoven: not weighted up.",
    )


def test_a_small_wijk_without_answers_among_few_is_not_called_under_represented() -> None:
    population = POPULATION.copy()
    population[2] = 10  # De Hoven: 40 of 8,040 inhabitants
    result = representation(
        np.array([[10, 10, 10, 10], [10, 10, 10, 10], [0, 0, 0, 0]]),
        population,
        AREAS,
        ADULT_BANDS,
    )
    assert result.areas[2].status == "empty" and result.areas[2].p_value > ALPHA
    assert result.verdict_nl == "Geen wijk of leeftijdsgroep is duidelijk ondervertegenwoordigd."
    assert [r.id for r in result.invite_first()] == ["de-hoven"]  # still where nobody spoke


def test_respondents_of_an_area_without_inhabitants_do_not_dilute_the_others() -> None:
    population = POPULATION.copy()
    population[2] = 0
    result = representation(
        np.array([[10, 10, 10, 10], [10, 10, 10, 10], [50, 50, 50, 50]]),
        population,
        AREAS,
        ADULT_BANDS,
    )
    assert result.areas[0].share_respondents == pytest.approx(0.5)
    assert result.areas[0].status == "fair"

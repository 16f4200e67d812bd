"""Who did we hear, for one questionnaire's digest: counts in, figures out.

From the counts :mod:`storage.heard` reads (respondents per wijk and age band, answers of
closed questions per wijk, band and value) and the stored population: the population mapped
onto the questionnaire's wijken (:func:`analysis.areas.map_population`), respondents against
inhabitants with the one-line verdict (:func:`analysis.representation.representation`),
weights by raking on the wijk and age margins (:func:`analysis.weighting.rake`), and per
closed question the weighted shares with their 95% margins (:func:`analysis.weighting.
estimate`; for multiple choice each option's share of the weighted respondents who answered,
so the shares add up to more than 100%). The counts become tables with the functions of
:mod:`analysis.weighting` (:func:`~analysis.weighting.respondent_counts`,
:func:`~analysis.weighting.option_counts`), as everywhere else. No Telegram, no database.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from analysis.areas import AreaMapping, AreaOption, map_population
from analysis.counts import MIN_CELL
from analysis.population import ADULT_BANDS, Population, Wijk
from analysis.representation import Label, Representation, representation
from analysis.weighting import (
    QuestionEstimate,
    Weights,
    estimate,
    option_counts,
    rake,
    respondent_counts,
)
from flows.schema import (
    AnyQuestion,
    AreaQuestion,
    ChoiceQuestion,
    MultiQuestion,
    Questionnaire,
    ScaleQuestion,
    YesNoQuestion,
)

#: A stored population cell: (wijk name, CBS wijk code, age band, inhabitants).
CellRow = tuple[str, str | None, str, int]


@dataclass(frozen=True, slots=True)
class WeightedQuestion:
    question_id: str
    options: tuple[str, ...]  # option ids (or scale points) in the questionnaire's order
    estimate: QuestionEstimate


@dataclass(frozen=True, slots=True)
class Heard:
    """Representativeness and weighted results of one questionnaire."""

    representation: Representation
    weights: Weights
    questions: tuple[WeightedQuestion, ...]
    unmatched_areas: tuple[str, ...]  # wijken of the questionnaire without inhabitants
    min_cell: int


def population_from(cells: Iterable[CellRow]) -> Population:
    """Stored cells as :mod:`analysis.population` reads a file."""
    bands: dict[tuple[str, str | None], dict[str, int]] = {}
    for name, code, band, count in cells:
        bands.setdefault((name, code), {})[band] = int(count)
    return Population(
        wijken=tuple(Wijk(name, code, counts) for (name, code), counts in bands.items()),
        source="cbs",
    )


def mapping_for(population: Population, question: AreaQuestion) -> AreaMapping:
    return map_population(population, AreaOption.of(question))


def options_of(question: AnyQuestion, seen: Iterable[str]) -> tuple[str, ...]:
    """The values a closed question's answers take, in its order (then any others)."""
    if isinstance(question, ChoiceQuestion | MultiQuestion):
        known = [o.id for o in question.options]
    elif isinstance(question, YesNoQuestion):
        known = ["yes", "no"]
    elif isinstance(question, ScaleQuestion):
        known = [str(v) for v in range(question.min, question.max + 1)]
    else:
        known = []
    extra = sorted(set(seen) - set(known))
    return (*known, *extra)


def who_we_heard(
    questionnaire: Questionnaire,
    question: AreaQuestion,
    cells: Iterable[CellRow],
    respondents: Mapping[tuple[str | None, str | None], int],
    answers: Mapping[str, Mapping[tuple[str, str, str], int]],
    *,
    answered: Mapping[str, Mapping[tuple[str, str], int]] | None = None,
    min_cell: int = MIN_CELL,
) -> Heard:
    """The figures of :class:`Heard` from the counts (see the module). ``answered`` gives,
    for a multiple-choice question, the respondents per (wijk, band) who answered it: each
    option's weighted share is then of them, not of the ticks (a single-choice question's
    respondents are the sum over its options)."""
    mapping = mapping_for(population_from(cells), question)
    areas, bands = list(mapping.areas), list(mapping.bands)
    counted = respondent_counts(
        ((area, band, count) for (area, band), count in respondents.items()), areas, bands
    )
    shown = representation(
        counted.cells,
        mapping.inhabitants,
        Label.of(question),
        bands,
        area_only=counted.area_only,
        band_only=counted.band_only,
        unknown=counted.unknown,
        min_cell=min_cell,
    )
    weights = rake(counted.cells, mapping.inhabitants, min_cell=min_cell)
    estimates = []
    for q in questionnaire.questions:
        given = answers.get(q.id)
        if not given:
            continue
        options = options_of(q, (value for _, _, value in given))
        rows = ((area, band, value, count) for (area, band, value), count in given.items())
        chosen = option_counts(rows, areas, bands, options)
        if chosen.sum() == 0:
            continue
        per_cell = None
        if isinstance(q, MultiQuestion):
            who = (answered or {}).get(q.id, {})
            per_cell = respondent_counts(
                ((area, band, count) for (area, band), count in who.items()), areas, bands
            ).cells
            if per_cell.sum() == 0:
                continue  # ticks without who answered: no share of respondents to give
        estimates.append(
            WeightedQuestion(q.id, options, estimate(weights, chosen, options, answered=per_cell))
        )
    return Heard(shown, weights, tuple(estimates), mapping.unmatched_areas, min_cell)


def response_weights(
    heard: Heard, respondents: Iterable[tuple[str | None, str | None]]
) -> list[float | None]:
    """Each response's weight from its (wijk, age band); None where either is unknown or
    its stratum is not weighted (no weight can be given to a cell nobody else is in)."""
    areas = {row.id: i for i, row in enumerate(heard.representation.areas)}
    bands = {row.id: j for j, row in enumerate(heard.representation.bands)}
    cell = heard.weights.cell
    out: list[float | None] = []
    for area, band in respondents:
        i, j = areas.get(area or ""), bands.get(band or "")
        weight = float(cell[i, j]) if i is not None and j is not None else 0.0
        out.append(round(weight, 4) if weight > 0 else None)
    return out


__all__ = ["ADULT_BANDS", "Heard", "WeightedQuestion", "response_weights", "who_we_heard"]

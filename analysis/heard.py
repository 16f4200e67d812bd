"""Who did we hear, for one questionnaire's digest: counts in, figures out.

From the counts :mod:`storage.heard` reads (respondents per wijk and age band, answers of
closed questions per wijk, band and value) and the stored population: the population mapped
onto the questionnaire's wijken (:func:`analysis.areas.map_population`), respondents against
inhabitants with the one-line verdict (:func:`analysis.representation.representation`),
weights by raking on the wijk and age margins (:func:`analysis.weighting.rake`), and per
closed question the weighted shares with their 95% margins (:func:`analysis.weighting.
estimate`). No Telegram, no database.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np

from analysis.areas import AreaMapping, AreaOption, map_population
from analysis.counts import MIN_CELL
from analysis.population import ADULT_BANDS, Population, Wijk
from analysis.representation import Label, Representation, representation
from analysis.weighting import QuestionEstimate, Weights, estimate, rake
from flows.schema import (
    AnyQuestion,
    AreaQuestion,
    ChoiceQuestion,
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
    if isinstance(question, ChoiceQuestion):
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
    min_cell: int = MIN_CELL,
) -> Heard:
    """The figures of :class:`Heard` from the counts (see the module)."""
    mapping = mapping_for(population_from(cells), question)
    areas = {area: i for i, area in enumerate(mapping.areas)}
    bands = {band: j for j, band in enumerate(mapping.bands)}
    both = np.zeros((len(areas), len(bands)), dtype=np.int64)
    area_only = np.zeros(len(areas), dtype=np.int64)
    band_only = np.zeros(len(bands), dtype=np.int64)
    unknown = 0
    for (area, band), count in respondents.items():
        i, j = areas.get(area or ""), bands.get(band or "")
        if i is not None and j is not None:
            both[i, j] += count
        elif i is not None:
            area_only[i] += count
        elif j is not None:
            band_only[j] += count
        else:
            unknown += count
    labels = Label.of(question)
    shown = representation(
        both,
        mapping.inhabitants,
        labels,
        list(mapping.bands),
        area_only=area_only,
        band_only=band_only,
        unknown=unknown,
        min_cell=min_cell,
    )
    weights = rake(both, mapping.inhabitants, min_cell=min_cell)
    estimates = []
    for q in questionnaire.questions:
        counted = answers.get(q.id)
        if not counted:
            continue
        options = options_of(q, (value for _, _, value in counted))
        index = {option: k for k, option in enumerate(options)}
        chosen = np.zeros((len(areas), len(bands), len(options)), dtype=np.int64)
        for (area, band, value), count in counted.items():
            i, j = areas.get(area), bands.get(band)
            if i is not None and j is not None:
                chosen[i, j, index[value]] += count
        if chosen.sum() == 0:
            continue
        estimates.append(WeightedQuestion(q.id, options, estimate(weights, chosen, options)))
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

"""The public-value scorecard: dienstverlening, organisatie and bestuur on one 0-100 scale.

Public value is the sum of three qualities (service delivery, the organisation, public
governance); a questionnaire tags questions with one of them (``dimension``). Every scored
answer is put on 0..100 and pooled per dimension, from the digest's counts per value (and,
for number questions, their mean): scale and number questions by their place between
``min`` and ``max``, yes/no as 100/0, choice and multi questions by the ``score`` of the
options chosen, placed between the lowest and the highest score of the question (every
ticked option of a multi question is one scored answer; options without a score are not
scored). Which tagged questions cannot count, and why, is :mod:`flows.public_value`.
"""

from __future__ import annotations

from collections.abc import Iterable

from analysis.figures import DimensionScore, Distribution, NumberStats
from flows.public_value import option_scores, uncounted
from flows.schema import (
    AnyQuestion,
    ChoiceQuestion,
    Dimension,
    MultiQuestion,
    NumberQuestion,
    Questionnaire,
    ScaleQuestion,
    YesNoQuestion,
)


def _between(value: float, low: float, high: float) -> float | None:
    if not low <= value <= high or high <= low:
        return None
    return (value - low) / (high - low) * 100


def normalised(question: AnyQuestion, value: object) -> float | None:
    """An answer on the 0..100 public-value scale: scale and number (v-min)/(max-min)*100,
    yes/no as 100/0, a choice or multi option by its score between the question's lowest
    and highest. Other question types, options without a score, skipped and unexpected
    values are not scored."""
    if isinstance(question, ScaleQuestion | NumberQuestion):
        if isinstance(value, bool) or not isinstance(value, int | float):
            return None
        return _between(value, question.min, question.max)
    if isinstance(question, YesNoQuestion):
        return {"yes": 100.0, "no": 0.0}.get(str(value))
    if isinstance(question, ChoiceQuestion | MultiQuestion):
        scores = option_scores(question)
        score = scores.get(str(value))
        if score is None:
            return None
        return _between(score, min(scores.values()), max(scores.values()))
    return None


def scorecard(
    questionnaire: Questionnaire,
    distributions: Iterable[Distribution],
    numbers: Iterable[NumberStats] = (),
) -> tuple[DimensionScore, ...]:
    """Per dimension that questions are tagged with, the mean of every scored answer to
    them. With no answers yet (or no tagged question that can count) the score is None;
    ``uncounted`` says how many tagged questions cannot count."""
    by_question = {d.question_id: d for d in distributions}
    means = {n.question_id: n for n in numbers}
    sums: dict[str, float] = {}
    totals: dict[str, int] = {}
    missing: dict[str, int] = {}
    for question in questionnaire.questions:
        if question.dimension is None:
            continue
        dim = question.dimension.value
        sums.setdefault(dim, 0.0)
        totals.setdefault(dim, 0)
        missing.setdefault(dim, 0)
        if uncounted(question) is not None:
            missing[dim] += 1
            continue
        if isinstance(question, NumberQuestion):
            stats = means.get(question.id)
            score = normalised(question, stats.mean) if stats and stats.mean is not None else None
            if stats is not None and score is not None and stats.respondents > 0:
                sums[dim] += score * stats.respondents
                totals[dim] += stats.respondents
            continue
        found = by_question.get(question.id)
        for key, count in found.counts if found else ():
            score = normalised(question, _stored(question, key))
            if score is not None and count > 0:
                sums[dim] += score * count
                totals[dim] += count
    return tuple(
        DimensionScore(
            dim.value,
            sums[dim] / totals[dim] if totals[dim] else None,
            totals[dim],
            missing[dim],
        )
        for dim in Dimension
        if dim.value in totals
    )


def _stored(question: AnyQuestion, key: str) -> object:
    """A distribution key back as the stored value (scale keys are numbers: 7, or 7.5 where
    the scale takes decimals)."""
    if isinstance(question, ScaleQuestion):
        try:
            number = float(key)
        except ValueError:
            return None
        return int(number) if number.is_integer() else number
    return key

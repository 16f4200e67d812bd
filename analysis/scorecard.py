"""The public-value scorecard: dienstverlening, organisatie and bestuur on one 0-100 scale.

Public value is the sum of three qualities (service delivery, the organisation, public
governance); a questionnaire tags scale and yes/no questions with one of them. Every scored
answer is put on 0..100 and pooled per dimension, from the counts per value of the digest.
"""

from __future__ import annotations

from collections.abc import Iterable

from analysis.figures import DimensionScore, Distribution
from flows.schema import AnyQuestion, Dimension, Questionnaire, ScaleQuestion, YesNoQuestion


def normalised(question: AnyQuestion, value: object) -> float | None:
    """An answer on the 0..100 public-value scale: scale (v-min)/(max-min)*100, yes/no as
    100/0. Other question types, skipped and unexpected values are not scored."""
    if isinstance(question, ScaleQuestion):
        if isinstance(value, bool) or not isinstance(value, int | float):
            return None
        if not question.min <= value <= question.max:
            return None
        return (value - question.min) / (question.max - question.min) * 100
    if isinstance(question, YesNoQuestion):
        return {"yes": 100.0, "no": 0.0}.get(str(value))
    return None


def scorecard(
    questionnaire: Questionnaire, distributions: Iterable[Distribution]
) -> tuple[DimensionScore, ...]:
    """Per dimension, the mean of every scored answer (scale and yes/no questions tagged with
    that dimension). Dimensions without such questions are left out; with such questions but
    no answers yet the score is None."""
    by_question = {d.question_id: d for d in distributions}
    sums: dict[str, float] = {}
    totals: dict[str, int] = {}
    for question in questionnaire.questions:
        if question.dimension is None or not isinstance(question, ScaleQuestion | YesNoQuestion):
            continue
        dim = question.dimension.value
        sums.setdefault(dim, 0.0)
        totals.setdefault(dim, 0)
        found = by_question.get(question.id)
        for key, count in found.counts if found else ():
            score = normalised(question, _stored(question, key))
            if score is not None and count > 0:
                sums[dim] += score * count
                totals[dim] += count
    return tuple(
        DimensionScore(dim.value, sums[dim] / totals[dim] if totals[dim] else None, totals[dim])
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

"""Which questions count in the public-value scorecard, and the checks on their scores.

A question tagged with a ``dimension`` counts when its answers have a place on one scale:
scale and number questions between their ``min`` and ``max``, yes/no as yes = 100 and
no = 0, choice and multi questions through the ``score`` of their options. A choice or
multi question without scores (what to do first, how you heard of it) has no such place,
and free text and wijken never have: they are tagged but cannot count, and
:func:`uncounted` says why; the digest says how many questions of a dimension do not count.
Files that tag such questions stay valid: tags written before scores existed must not stop
a stored questionnaire from loading (its answers would drop out of digests and exports).
"""

from __future__ import annotations

from collections.abc import Iterator

from flows.problems import Message
from flows.schema import (
    AnyQuestion,
    AreaQuestion,
    ChoiceQuestion,
    MultiQuestion,
    Questionnaire,
    TextQuestion,
)
from flows.yamlsafe import Path_


def option_scores(question: AnyQuestion) -> dict[str, float]:
    """The scores of a choice or multi question's options, by option id (only scored ones)."""
    if not isinstance(question, ChoiceQuestion | MultiQuestion):
        return {}
    return {o.id: o.score for o in question.options if o.score is not None}


def uncounted(question: AnyQuestion) -> str | None:
    """Why a question tagged with a dimension cannot count in the scorecard; None when it
    counts, or when it has no dimension."""
    if question.dimension is None:
        return None
    if isinstance(question, ChoiceQuestion | MultiQuestion) and not option_scores(question):
        return "its options have no score, so its answers have no place on the scale"
    if isinstance(question, TextQuestion):
        return "free text has no place on the scale"
    if isinstance(question, AreaQuestion):
        return "a wijk has no place on the scale"
    return None


def check_scores(questionnaire: Questionnaire) -> Iterator[tuple[Path_, Message]]:
    """Scores that cannot work: on a question without a dimension, or all the same."""
    for i, question in enumerate(questionnaire.questions):
        scores = option_scores(question)
        if not scores:
            continue
        options = getattr(question, "options", [])
        if question.dimension is None:
            first = next(j for j, o in enumerate(options) if o.score is not None)
            yield ("questions", i, "options", first, "score"), Message.of("score.no_dimension")
        elif len(set(scores.values())) < 2:
            yield ("questions", i, "options"), Message.of("score.same")

"""How the conversation words a question: how to answer it, what was wrong with an answer
that could not be used, and a stored answer as residents and civil servants read it.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flows import dates
from flows.schema import (
    AnyQuestion,
    AreaQuestion,
    ChoiceQuestion,
    DateQuestion,
    MultiQuestion,
    NumberQuestion,
    RankingQuestion,
    ScaleQuestion,
    TextQuestion,
    YesNoQuestion,
)
from flows.texts import Html, Language, formats, raw, t


def answer_label(question: AnyQuestion, value: Any, language: Language) -> str:
    """A stored answer as a resident or civil servant reads it."""
    if value is None:
        return raw(language, "skipped")
    if isinstance(question, RankingQuestion | DateQuestion):
        return _shaped_label(question, value, language)
    if isinstance(question, ChoiceQuestion | MultiQuestion):
        labels = {o.id: o.label.get(language) for o in question.options}
        values = value if isinstance(value, list) else [value]
        return formats.list_separator(language).join(labels.get(str(v), str(v)) for v in values)
    if isinstance(question, AreaQuestion):
        areas = {a.id: a.label.get(language) for a in question.areas}
        return areas.get(str(value), str(value))
    if isinstance(question, YesNoQuestion):
        return raw(language, "button.yes" if value == "yes" else "button.no")
    if isinstance(question, ScaleQuestion):
        return f"{format_number(value, language)} / {question.max}"
    if isinstance(question, NumberQuestion):
        number = format_number(value, language)
        return f"{number} {question.unit.get(language)}" if question.unit else number
    return str(value)


def hint(question: AnyQuestion, language: Language) -> Html:
    """How to answer this kind of question."""
    if isinstance(question, TextQuestion):
        return t(language, "hint.text", max=characters(question.max_length, language))
    return _worded("hint", question, language)


def invalid(question: AnyQuestion, language: Language) -> Html:
    """What was wrong with an answer that could not be used."""
    if isinstance(question, TextQuestion):
        return t(language, "hint.text", max=characters(question.max_length, language))
    if isinstance(question, ChoiceQuestion):
        return t(language, "invalid.choice", max=len(question.options))
    return _worded("invalid", question, language)


def _worded(kind: str, question: AnyQuestion, language: Language) -> Html:
    """``hint.<type>`` or ``invalid.<type>`` with the bounds the question allows."""
    match question:
        case ScaleQuestion() if question.places:
            return t(
                language,
                f"{kind}.scale_decimals",
                min=question.min,
                max=question.max,
                example=example(question, language),
            )
        case ScaleQuestion():
            return t(language, f"{kind}.scale", min=question.min, max=question.max)
        case RankingQuestion() if kind == "invalid":
            return t(language, "invalid.ranking", max=len(question.options))
        case NumberQuestion():
            return t(
                language,
                f"{kind}.number",
                min=format_number(question.min, language),
                max=format_number(question.max, language),
            )
    return t(language, f"{kind}.{question.type}")


def characters(count: int, language: Language) -> Html:
    """``1 teken``, ``1.000 tekens``: a length in characters, with its plural form."""
    return t(language, "unit.characters", count=count)


def example(question: ScaleQuestion, language: Language) -> str:
    """A number with decimals that a scale question takes, for its hint: 9,5 on 1 to 10."""
    return format_number(question.max - 1 + 0.5**question.places, language)


def format_number(value: Any, language: Language = "nl") -> str:
    """A number as typed back to a resident: 12, 2,5 (Dutch, Turkish) or 2.5 (English,
    Arabic): the language's decimal sign, no grouping."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, float):
        return str(value).replace(".", formats.decimal_sign(str(language)))
    return str(value)


def _shaped_label(question: RankingQuestion | DateQuestion, value: Any, language: Language) -> str:
    """A ranking as "1. Fiets, 2. Bus", a date as "vrijdag 12 maart 2027"."""
    if isinstance(question, RankingQuestion):
        labels = {o.id: o.label.get(language) for o in question.options}
        values = value if isinstance(value, list) else [value]
        ranked = (f"{i}. {labels.get(str(v), str(v))}" for i, v in enumerate(values, 1))
        return formats.list_separator(language).join(ranked)
    try:
        return dates.spoken_date(date.fromisoformat(str(value)), language)
    except ValueError:
        return str(value)

"""What an answer value is called, in Dutch or English: options, areas, yes/no, scale ends,
effect-check answers, scorecard dimensions. Digests (Dutch) and reports (both) use these."""

from __future__ import annotations

import re
from datetime import date, timedelta

from babel import Locale as BabelLocale
from babel import UnknownLocaleError

from analysis.counts import OTHER
from flows.dates import MONTHS_EN, MONTHS_NL
from flows.outcomes import EFFECT_VALUES, STATUSES
from flows.schema import (
    AnyQuestion,
    AreaQuestion,
    ChoiceQuestion,
    DateQuestion,
    Dimension,
    MultiQuestion,
    RankingQuestion,
    ScaleQuestion,
    YesNoQuestion,
)
from flows.texts import raw
from flows.texts.formats import number

DIMENSIONS = {
    Dimension.DIENSTVERLENING.value: ("Dienstverlening", "Service delivery"),
    Dimension.ORGANISATIE.value: ("Organisatie", "Organisation"),
    Dimension.BESTUUR.value: ("Bestuur", "Governance"),
}


def dimension_label(dimension: str, language: str = "nl") -> str:
    nl, en = DIMENSIONS.get(dimension, (dimension, dimension))
    return en if language == "en" else nl


def effect_label(value: str, language: str = "nl") -> str:
    """An effect-check answer (``een_beetje``: ``Een beetje``)."""
    if value == OTHER:
        return "Other" if language == "en" else "Overig"
    return raw(language, f"effect.{value}") if value in EFFECT_VALUES else value


def status_label(status: str, language: str = "nl") -> str:
    """An outcome status (``besluit``: ``besluit genomen``)."""
    return raw(language, f"status.{status}") if status in STATUSES else status


def option_label(question: AnyQuestion, key: str, merged: int = 0, language: str = "nl") -> str:
    """The label of a distribution key."""
    en = language == "en"
    if key == OTHER and isinstance(question, AreaQuestion):
        if en:
            return f"Other ({merged} {'area' if merged == 1 else 'areas'})"
        return f"Overig ({merged} {'wijk' if merged == 1 else 'wijken'})"
    if isinstance(question, ChoiceQuestion | MultiQuestion | RankingQuestion):
        labels = {o.id: (o.label.en if en else o.label.nl) for o in question.options}
        return labels.get(key, key)
    if isinstance(question, AreaQuestion):
        return {a.id: (a.label.en if en else a.label.nl) for a in question.areas}.get(key, key)
    if isinstance(question, DateQuestion):
        return period_label(key, language)
    if isinstance(question, YesNoQuestion):
        return ({"yes": "Yes", "no": "No"} if en else {"yes": "Ja", "no": "Nee"}).get(key, key)
    if isinstance(question, ScaleQuestion) and "." in key:
        try:  # a typed 7,5 (``decimals``), grouped as "7.5": written the language's way
            return number(float(key), question.decimals or 1, language)
        except ValueError:
            return key
    if isinstance(question, ScaleQuestion) and question.labels:
        ends = question.labels
        if key == str(question.min):
            return f"{key} {ends.min.en if en else ends.min.nl}"
        if key == str(question.max):
            return f"{key} {ends.max.en if en else ends.max.nl}"
    return key


_MONTH_KEY = re.compile(r"^(\d{4})-(\d{2})$")
_WEEK_KEY = re.compile(r"^(\d{4})-W(\d{2})$")


def period_label(key: str, language: str = "nl") -> str:
    """A date question's period (:func:`analysis.shapes.date_stats`) in words: ``maart 2027``,
    ``week 11: 15–21 maart 2027``, ``week 13: 29 maart – 4 april 2027``; OTHER as ``Overig``."""
    en = language == "en"
    if key == OTHER:
        return "Other" if en else "Overig"
    months = [m.capitalize() for m in MONTHS_EN] if en else list(MONTHS_NL)
    if match := _MONTH_KEY.match(key):
        month = int(match[2])
        return f"{months[month - 1]} {match[1]}" if 1 <= month <= 12 else key
    if match := _WEEK_KEY.match(key):
        try:
            first = date.fromisocalendar(int(match[1]), int(match[2]), 1)
        except ValueError:
            return key
        last = first + timedelta(days=6)
        if first.month == last.month:
            span = f"{first.day}–{last.day} {months[last.month - 1]} {last.year}"
        elif first.year == last.year:
            span = (
                f"{first.day} {months[first.month - 1]} – {last.day} {months[last.month - 1]}"
                f" {last.year}"
            )
        else:
            span = (
                f"{first.day} {months[first.month - 1]} {first.year} – {last.day}"
                f" {months[last.month - 1]} {last.year}"
            )
        return f"week {int(match[2])}: {span}"
    return key


def language_label(code: str, language: str = "nl") -> str:
    """A language's name in Dutch or English (``Engels``, ``Arabic``), from CLDR; the code
    itself for one CLDR does not know."""
    try:
        name = BabelLocale.parse(code.replace("-", "_")).get_display_name(
            "en" if language == "en" else "nl"
        )
    except (ValueError, UnknownLocaleError):
        name = None
    return name[:1].upper() + name[1:] if name else code


def written_in(quoted: str | None, language: str = "nl") -> str | None:
    """The mark for a quote written in ``quoted`` shown in a text in ``language``
    (``[Engels]``), or None when it is written in that language or its language is unknown:
    a resident's words are quoted as written, never translated, and say in what language."""
    if not quoted or quoted.split("-")[0].lower() == language:
        return None
    return f"[{language_label(quoted, language)}]"

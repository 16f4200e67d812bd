""" "About you, once": the standard short profile a resident may give (age band on CBS's
bands, wijk or 4-digit postcode), and how a questionnaire's questions marked ``profile:``
are answered from it or teach it. Pure: no Telegram, no database.

Bands only, never a birth date. The bands are CBS's ("Kerncijfers wijken en buurten":
15 tot 25, 25 tot 45, 45 tot 65, 65 jaar of ouder); children under 15 do not answer.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from flows.schema import AnyQuestion, Area, AreaQuestion, ChoiceQuestion

#: CBS's age bands a resident can be in, youngest first.
AGE_BANDS: tuple[str, ...] = ("15-24", "25-44", "45-64", "65+")
#: The option id a ``profile: age_band`` question gives each band (option ids have no "+").
BAND_OPTIONS: dict[str, str] = {band: band.replace("+", "-plus") for band in AGE_BANDS}
OPTION_BANDS: dict[str, str] = {option: band for band, option in BAND_OPTIONS.items()}
WIJK, AGE_BAND = "wijk", "age_band"
POSTCODE = re.compile(r"^\s*(\d{4})\s*(?:[A-Za-z]{2})?\s*$")


@dataclass(frozen=True, slots=True)
class Known:
    """What a resident's profile holds (any of it may be missing)."""

    age_band: str | None = None
    wijk: str | None = None
    postcode: str | None = None


def postcode_of(text: str) -> str | None:
    """The 4 digits of a typed Dutch postcode ("4108", "4108 AB"), else None."""
    found = POSTCODE.match(text)
    return found.group(1) if found else None


def answer_from(question: AnyQuestion, known: Known) -> str | None:
    """The stored value a ``profile:`` question gets from the profile, or None (then it is
    asked): an age band among the question's options; an area the postcode falls in, or
    the wijk's own id."""
    if isinstance(question, ChoiceQuestion) and question.profile == AGE_BAND:
        ids = {o.id for o in question.options}
        option = BAND_OPTIONS.get(known.age_band or "")
        return option if option in ids else None
    if isinstance(question, AreaQuestion) and question.profile == WIJK:
        if known.postcode is not None:
            area = question.area_for_postcode(known.postcode)
            if area is not None:
                return area.id
        ids = {a.id for a in question.areas}
        return known.wijk if known.wijk in ids else None
    return None


def learned(question: AnyQuestion, value: object) -> dict[str, str]:
    """What an answer to a ``profile:`` question teaches the profile: {field: value}."""
    if not isinstance(value, str):
        return {}
    if isinstance(question, ChoiceQuestion) and question.profile == AGE_BAND:
        return {AGE_BAND: OPTION_BANDS[value]} if value in OPTION_BANDS else {}
    if isinstance(question, AreaQuestion) and question.profile == WIJK:
        return {WIJK: value} if any(a.id == value for a in question.areas) else {}
    return {}


def profile_areas(questions: Iterable[AnyQuestion]) -> list[Area]:
    """The wijken a resident can choose in their profile: the areas of the ``profile: wijk``
    questions, each id once, in the order first met."""
    seen: dict[str, Area] = {}
    for question in questions:
        if isinstance(question, AreaQuestion) and question.profile == WIJK:
            for area in question.areas:
                seen.setdefault(area.id, area)
    return list(seen.values())

"""Dates as residents type them, in Dutch or English: "12 maart", "12 maart 2027",
"12-3-2027", "12/03/27", "2027-03-12", "morgen", "vandaag", "overmorgen", "gisteren"; today,
tomorrow and yesterday also in Turkish and Arabic ("yarın", "غدا"), and digits in Arabic-Indic
as the engine passes the text through :func:`flows.reading.norm` ("١٢-٣-٢٠٢٧").

:func:`read_date` gives the date or None; :func:`spoken_date` writes one back for the
resident to check ("vrijdag 12 maart 2027"). A day and month without a year get the year that
puts them within the question's ``earliest``–``latest``: the next time that day comes round
when that fits, else the first fitting one to come, else (the bounds lie in the past) the
latest fitting one; when no year fits, the next time it comes round (the caller then says
which dates can). :func:`named_weekday` gives the weekday typed before a date ("dinsdag 12
maart"), for the caller to check against the date. Pure: ``today`` is given by the caller.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from babel.dates import format_date

MONTHS_NL = (
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
)
MONTHS_EN = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)
DAYS_NL = ("maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag")
DAYS_EN = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
RELATIVE = {
    "vandaag": 0,
    "today": 0,
    "morgen": 1,
    "tomorrow": 1,
    "overmorgen": 2,
    "gisteren": -1,
    "yesterday": -1,
    "eergisteren": -2,
    # Turkish and Arabic (as flows.reading.norm gives them: Arabic without vowel marks).
    "bugün": 0,
    "bugun": 0,
    "yarın": 1,
    "yarin": 1,
    "dün": -1,
    "dun": -1,
    "اليوم": 0,
    "غدا": 1,
    "بكرة": 1,
    "امس": -1,
}


def _month(word: str) -> int | None:
    """A month's number from its name or its first three letters ("mrt" too)."""
    word = word.rstrip(".")
    if word == "mrt":
        return 3
    for names in (MONTHS_NL, MONTHS_EN):
        for number, name in enumerate(names, 1):
            if len(word) >= 3 and name.startswith(word):
                return number
    return None


def _year(text: str) -> int | None:
    number = int(text)
    if len(text) == 2:
        return 2000 + number
    return number if len(text) == 4 else None


def _on(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:  # 31 februari, 29 februari outside a leap year, month 13
        return None


def _make(
    year: str | None, month: int | None, day: int, today: date, bounds: tuple[date, date]
) -> date | None:
    if month is None:
        return None
    if year is not None:
        found = _year(year)
        return _on(found, month, day) if found is not None else None
    if _on(2000, month, day) is None:  # not a day in any year (2000 has 29 februari)
        return None
    earliest, latest = bounds
    # The next time it comes round: this year, or a later one (29 februari: within 8 years).
    upcoming = next(
        d for y in range(today.year, today.year + 9) if (d := _on(y, month, day)) and d >= today
    )
    if earliest <= upcoming <= latest:
        return upcoming
    inside = [
        d
        for y in range(earliest.year, latest.year + 1)
        if (d := _on(y, month, day)) is not None and earliest <= d <= latest
    ]
    if not inside:
        return upcoming
    coming = [d for d in inside if d >= today]
    return coming[0] if coming else inside[-1]


_WEEKDAY = r"(?:[a-z]+,?\s+)?"  # "vrijdag 12 maart": see named_weekday
_NAMED = re.compile(
    rf"^{_WEEKDAY}(\d{{1,2}})(?:e|de|ste)?\s+([a-z]+\.?)(?:\s+(\d{{2}}|\d{{4}}))?$"
)
_NAMED_EN = re.compile(r"^([a-z]+\.?)\s+(\d{1,2})(?:st|nd|rd|th)?,?(?:\s+(\d{4}))?$")
_NUMERIC = re.compile(rf"^{_WEEKDAY}(\d{{1,2}})[-/.](\d{{1,2}})(?:[-/.](\d{{2}}|\d{{4}}))?$")
_ISO = re.compile(rf"^{_WEEKDAY}(\d{{4}})-(\d{{1,2}})-(\d{{1,2}})$")


def read_date(
    text: str, today: date, earliest: date = date.min, latest: date = date.max
) -> date | None:
    """The date ``text`` names, or None; without a year, in the year that fits ``earliest``
    to ``latest`` (see the module)."""
    word = " ".join(text.strip().lower().split())
    bounds = (earliest, latest)
    if word in RELATIVE:
        return today + timedelta(days=RELATIVE[word])
    if match := _ISO.match(word):
        return _on(int(match[1]), int(match[2]), int(match[3]))
    if match := _NUMERIC.match(word):
        return _make(match[3], int(match[2]), int(match[1]), today, bounds)
    if match := _NAMED.match(word):
        return _make(match[3], _month(match[2]), int(match[1]), today, bounds)
    if match := _NAMED_EN.match(word):
        return _make(match[3], _month(match[1]), int(match[2]), today, bounds)
    return None


_NAMED_DAY = re.compile(r"^([a-z]+)\.?,?\s+\d")


def named_weekday(text: str) -> int | None:
    """The weekday named before a date ("dinsdag 12 maart", "di 12-3", "Tuesday, 12 March";
    0 is Monday), or None when none is named."""
    match = _NAMED_DAY.match(" ".join(text.strip().lower().split()))
    if match is None:
        return None
    word = match[1]
    for names, shortest in ((DAYS_NL, 2), (DAYS_EN, 3)):
        for number, name in enumerate(names):
            if len(word) >= shortest and name.lower().startswith(word):
                return number
    return None


def weekday_name(weekday: int, language: str) -> str:
    """``dinsdag`` (0 is Monday), ``Tuesday``, ``Salı``: as :func:`spoken_date` writes it."""
    if language == "nl":
        return DAYS_NL[weekday]
    if language == "en":
        return DAYS_EN[weekday]
    monday = date(2024, 1, 1)  # a Monday
    return str(format_date(monday + timedelta(days=weekday), "EEEE", locale=_babel(language)))


def spoken_date(day: date, language: str) -> str:
    """``vrijdag 12 maart 2027`` (Dutch) or ``Friday 12 March 2027`` (``Cuma 12 Mart 2027``:
    every other language as Babel writes it)."""
    if language not in ("nl", "en"):
        return str(format_date(day, "EEEE d MMMM y", locale=_babel(language)))
    if language == "en":
        month = MONTHS_EN[day.month - 1].capitalize()
        return f"{DAYS_EN[day.weekday()]} {day.day} {month} {day.year}"
    return f"{DAYS_NL[day.weekday()]} {day.day} {MONTHS_NL[day.month - 1]} {day.year}"


def short_date(day: date, language: str) -> str:
    """``12 maart 2027`` (Dutch) or ``12 March 2027``: a bound in a hint."""
    if language not in ("nl", "en"):
        return str(format_date(day, "d MMMM y", locale=_babel(language)))
    months = MONTHS_EN if language == "en" else MONTHS_NL
    month = months[day.month - 1]
    return f"{day.day} {month.capitalize() if language == 'en' else month} {day.year}"


def _babel(language: str) -> str:
    """A language code as Babel takes it (``pt-BR`` → ``pt_BR``)."""
    return str(language).replace("-", "_")

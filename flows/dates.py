"""Dates as residents type them, in Dutch or English: "12 maart", "12 maart 2027",
"12-3-2027", "12/03/27", "2027-03-12", "morgen", "vandaag", "overmorgen", "gisteren"; today,
tomorrow and yesterday also in Turkish and Arabic ("yarın", "غدا"), and digits in Arabic-Indic
as the engine passes the text through :func:`flows.reading.norm` ("١٢-٣-٢٠٢٧").

:func:`read_date` gives the date or None; :func:`spoken_date` writes one back for the
resident to check ("vrijdag 12 maart 2027"). A day and month without a year are in the year
of ``today``. Pure: ``today`` is given by the caller.
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


def _year(text: str | None, today: date) -> int | None:
    if text is None:
        return today.year
    number = int(text)
    if len(text) == 2:
        return 2000 + number
    return number if len(text) == 4 else None


def _make(year: int | None, month: int | None, day: int) -> date | None:
    if year is None or month is None:
        return None
    try:
        return date(year, month, day)
    except ValueError:  # 31 februari, month 13
        return None


_WEEKDAY = r"(?:[a-z]+,?\s+)?"  # "vrijdag 12 maart": the day's name is not checked
_NAMED = re.compile(
    rf"^{_WEEKDAY}(\d{{1,2}})(?:e|de|ste)?\s+([a-z]+\.?)(?:\s+(\d{{2}}|\d{{4}}))?$"
)
_NAMED_EN = re.compile(r"^([a-z]+\.?)\s+(\d{1,2})(?:st|nd|rd|th)?,?(?:\s+(\d{4}))?$")
_NUMERIC = re.compile(r"^(\d{1,2})[-/.](\d{1,2})(?:[-/.](\d{2}|\d{4}))?$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")


def read_date(text: str, today: date) -> date | None:
    """The date ``text`` names, or None."""
    word = " ".join(text.strip().lower().split())
    if word in RELATIVE:
        return today + timedelta(days=RELATIVE[word])
    if match := _ISO.match(word):
        return _make(int(match[1]), int(match[2]), int(match[3]))
    if match := _NUMERIC.match(word):
        return _make(_year(match[3], today), int(match[2]), int(match[1]))
    if match := _NAMED.match(word):
        return _make(_year(match[3], today), _month(match[2]), int(match[1]))
    if match := _NAMED_EN.match(word):
        return _make(_year(match[3], today), _month(match[1]), int(match[2]))
    return None


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

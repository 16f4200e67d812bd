"""Numbers, shares, dates and shortened text the way each language writes them (Babel's
CLDR data; Dutch by default): one place for what residents, civil servants and
administrators read."""

from __future__ import annotations

import re
from datetime import UTC, datetime, tzinfo

from babel.dates import format_date
from babel.numbers import format_decimal, get_decimal_symbol

_SHORT_MONTHS = (
    *("jan", "feb", "mrt", "apr", "mei", "jun"),
    *("jul", "aug", "sep", "okt", "nov", "dec"),
)


def number(value: float, decimals: int = 0, language: str = "nl") -> str:
    """``10.000``, ``1.234,5`` in Dutch; ``10,000`` in English; in ``language``'s way
    (with Western digits, which every resident can type back)."""
    pattern = "#,##0" + ("." + "0" * decimals if decimals > 0 else "")
    return str(
        format_decimal(
            round(value, decimals), format=pattern, locale=language, group_separator=True
        )
    )


def decimal_sign(language: str) -> str:
    """The sign before the decimals: ``,`` in Dutch and Turkish, ``.`` in English."""
    return str(get_decimal_symbol(language.replace("-", "_")))


#: Languages that separate the items of a list with the Arabic comma.
ARABIC_COMMA = frozenset({"ar", "fa", "ur"})


def list_separator(language: str) -> str:
    """What goes between listed answers: ``، `` in Arabic (and Persian, Urdu), else ``, ``."""
    return "، " if str(language).split("-")[0] in ARABIC_COMMA else ", "


def percent(share: float) -> str:
    """``0.625`` as ``62%``."""
    return f"{round(share * 100)}%"


def day(moment: datetime, zone: tzinfo = UTC) -> str:
    """``3 nov 2026`` in ``zone``: short, for digests and administrators' lists."""
    local = moment.astimezone(zone)
    return f"{local.day} {_SHORT_MONTHS[local.month - 1]} {local.year}"


def date(moment: datetime, language: str, zone: tzinfo) -> str:
    """``12 januari 2027`` (``12 January 2027``, ``12 Ocak 2027``, ``12 يناير 2027``) in
    ``zone``: for residents, the month named in their language."""
    local = moment.astimezone(zone)
    return str(format_date(local.date(), "d MMMM y", locale=language))


def shorten(text: str, limit: int) -> str:
    """At most ``limit`` characters, cut at a word with an ellipsis when too long."""
    text = text.strip()
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(None, 1)[0] if " " in text[: limit - 1] else text[: limit - 1]
    return cut.rstrip() + "…"


def short_title(text: str, limit: int = 90) -> str:
    """A question as a heading: its first sentence, cut at a word when still too long."""
    text = " ".join(text.split())
    first = re.match(r"(.+?[?.!])(?:\s|$)", text)
    title = first.group(1) if first else text
    if len(title) <= limit:
        return title
    cut = title[: limit - 1].rsplit(" ", 1)[0] if " " in title[: limit - 1] else title[: limit - 1]
    return cut.rstrip(",;:") + "…"

"""Personal data scrubbed out of free text before anyone reads or counts it.

E-mail addresses, phone numbers, postcodes with house numbers, IBANs, BSN-like numbers,
links and @names become ``[verwijderd]``. Pure. Digests scrub every text before it is
quoted or mined for words; nothing a resident typed reaches civil servants unscrubbed.
"""

from __future__ import annotations

import re

REMOVED = "[verwijderd]"

_STREET = (
    r"straat|weg|laan|plein|singel|gracht|kade|dijk|pad|hof|steeg|dreef|park|markt|baan|wal"
    r"|veld|erf|ring|boulevard|plantsoen"
)
_END_OF_LINK = r"(?=[.,;:!?)\]]*(?:\s|$))"  # a link ends before closing punctuation
_HOUSE = r"(?:[\s,]+(?:nr\.?\s*)?\d{1,5}(?:\s?[a-zA-Z]\b|[-/]\d{1,4})?)"
# IBAN: country, check digits, 11-30 letters/digits, maybe in groups of four; checked for
# at least 8 digits so that words after a number ("nr12 deze week") stay.
# After the bank code every group has a digit, so a word after the number is not taken in.
_IBAN = re.compile(
    r"\b[A-Za-z]{2}\d{2} ?[A-Za-z0-9]{4}(?: ?(?=[A-Za-z]*\d)[A-Za-z0-9]{4}){1,6}"
    r"(?:[A-Za-z0-9]{1,3}| \d{1,3})?\b"
)


def _iban(match: re.Match[str]) -> str:
    found = match.group(0)
    return REMOVED if sum(c.isdigit() for c in found) >= 8 else found


_SCRUB_BEFORE_IBAN: tuple[tuple[re.Pattern[str], str], ...] = (
    # Links first, so an address inside a link goes with it.
    (re.compile(r"\b(?:https?://|www\.|t\.me/)\S+?" + _END_OF_LINK, re.I), REMOVED),
    (re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"), REMOVED),  # e-mail
    (
        re.compile(
            r"\b(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+(?:nl|com|org|net|eu|info|io|app)\b"
            r"(?:/\S*?)?" + _END_OF_LINK,
            re.I,
        ),
        REMOVED,
    ),
    (re.compile(r"(?<![\w.])@[A-Za-z][A-Za-z0-9_]{3,31}\b"), REMOVED),  # Telegram @name
)
_SCRUB_AFTER_IBAN: tuple[tuple[re.Pattern[str], str], ...] = (
    # Dutch phone numbers: 0612345678, 06-1234 5678, 020 123 4567, +31 (0)6 12345678, 0031...
    (
        re.compile(
            r"(?<![\w+])(?:(?:\+|00)\s?31[\s.-]?(?:\(0\)[\s.-]?)?|\(?0)"
            r"(?:\d\)?[\s.-]?){8}\d(?!\d)"
        ),
        REMOVED,
    ),
    (re.compile(r"(?<![\w+])\+\d{1,3}[\s.-]?\d(?:[\s.-]?\d){6,12}(?!\d)"), REMOVED),
    # Postcode (1234 AB, 1234AB, 1234ab) with or without a house number; "1234 ab" only
    # with a house number and not when it reads as a year and a word ("2024 en 2025").
    (
        re.compile(
            r"\b[1-9]\d{3}(?: ?[A-Z]{2}|(?!km|kg|mg|ml|cm|mm|uu)[a-z]{2})\b" + _HOUSE + "?"
            r"|\b[1-9]\d{3} (?!(?:en|of|in|op|om|te|ik|je|de|na|nu|al|is|zo|ja|er|ze|we|me)\b)"
            r"[a-z]{2}\b" + _HOUSE
        ),
        REMOVED,
    ),
    # A house number after a street name: keep the street, drop the number.
    (
        re.compile(
            rf"(\b[A-Za-z][\w'-]+(?:{_STREET})\b)\s+(?:nr\.?\s*)?\d{{1,5}}"
            r"(?:\s?[a-zA-Z]\b|[-/]\d{1,4})?(?!\d)"
        ),
        rf"\1 {REMOVED}",
    ),
    # BSN-like: nine digits, maybe written 123.456.789 or 123 456 789.
    (re.compile(r"(?<![\d.,])\d{3}([.\s]?)\d{3}\1\d{3}(?![\d.,]?\d)"), REMOVED),
)


def scrub(text: str) -> str:
    """Text with e-mail addresses, phone numbers, postcodes with house numbers, IBANs,
    BSN-like numbers, links and @names replaced by ``[verwijderd]``; whitespace collapsed."""
    for pattern, replacement in _SCRUB_BEFORE_IBAN:
        text = pattern.sub(replacement, text)
    text = _IBAN.sub(_iban, text)
    for pattern, replacement in _SCRUB_AFTER_IBAN:
        text = pattern.sub(replacement, text)
    return " ".join(text.split())

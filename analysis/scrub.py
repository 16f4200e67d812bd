"""Free text made fit for staff to read: invisible characters out (:func:`legible`), and
personal data scrubbed out before anyone reads or counts it (:func:`scrub`).

Every text a resident typed that staff read goes through :func:`legible`: the moderation
view, digest quotes (through :func:`scrub`), ``samenspraak digest`` and the exports. Bidi
controls (U+202E "right-to-left override" and its kin) and other invisible format
characters would otherwise reorder or hide what a civil servant reads. The database keeps
the answer as the resident gave it; /mijngegevens shows it so.

E-mail addresses, phone numbers, postcodes with house numbers, IBANs, BSN-like numbers,
links and @names become ``[verwijderd]``. Pure. Digests scrub every text before it is
quoted or mined for words; nothing a resident typed reaches civil servants unscrubbed.
"""

from __future__ import annotations

import re
import unicodedata

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


# --- Invisible characters ---------------------------------------------------------------------

ZWNJ, ZWJ = "\u200c", "\u200d"
_LINE_BREAKS = "\x0b\x0c\x85\u2028\u2029"  # become a plain newline
#: Every character removed (or, for line breaks, made a newline): control characters but
#: newline and tab (a terminal obeys ESC sequences and carriage returns); the invisible
#: format characters (category Cf: soft hyphen, bidi marks, embeddings, overrides and
#: isolates, zero-width spaces and joiners, word joiner, invisible operators, byte order
#: mark, interlinear annotation, Egyptian, shorthand and musical format controls, tags),
#: but not the few that show as a sign in Arabic, Syriac and Kaithi text (U+0600-U+0605,
#: U+06DD, U+070F, U+0890, U+0891, U+08E2, U+110BD, U+110CD: "prepended concatenation
#: marks" such as ARABIC NUMBER SIGN); and the line and paragraph separators. A test checks
#: that this covers every such character Python's Unicode database knows.
_HIDDEN = (
    "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"
    "\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u206f"
    "\ufeff\ufff9-\ufffb\U00013430-\U0001343f\U0001bca0-\U0001bca3\U0001d173-\U0001d17a"
    "\U000e0001\U000e0020-\U000e007f"
)
_SUSPECT = re.compile(f"[\r{_HIDDEN}]")
# An emoji flag of a region (England, Scotland, Wales) is a black flag, tag characters and
# a cancel tag: kept whole. A carriage return (with its newline) is one newline.
_FLAG = "\U0001f3f4[\U000e0020-\U000e007e]{1,32}\U000e007f"
_INVISIBLE = re.compile(f"[{_HIDDEN}]|\r\n?|({_FLAG})")
_PICTOGRAPHIC_RANGES = ((0x1F000, 0x1FAFF), (0x2190, 0x2BFF))
_PICTOGRAPHIC = frozenset("\u00a9\u00ae\u203c\u2049\u2122\u2139\u3030\u303d\u3297\u3299\ufe0f")


def _pictographic(char: str) -> bool:
    """An emoji, its skin tone or its emoji presentation selector (U+FE0F)."""
    point = ord(char)
    return char in _PICTOGRAPHIC or any(low <= point <= high for low, high in _PICTOGRAPHIC_RANGES)


def _joining(char: str) -> bool:
    """A letter or mark of a script that joins with ZWJ and ZWNJ (Arabic, Persian, Hebrew,
    the Indic scripts, ...: everything from U+0590 on, so not Latin, Greek or Cyrillic)."""
    return ord(char) >= 0x0590 and unicodedata.category(char)[0] in "LM"


def _kept(found: re.Match[str]) -> str:
    char = found.group(0)
    if found.group(1) is not None:  # a regional flag
        return char
    if char[0] == "\r" or char in _LINE_BREAKS:
        return "\n"
    if char in (ZWJ, ZWNJ):
        text, at = found.string, found.start()
        before, after = text[at - 1 : at], text[at + 1 : at + 2]
        if before and after:
            if char == ZWJ and _pictographic(before) and _pictographic(after):
                return char  # an emoji sequence: 👩‍💻, 🏳️‍🌈
            if _joining(before) and _joining(after):
                return char  # inside a word: می‌خواهم
    return ""


def legible(text: str) -> str:
    """``text`` as staff may safely read it: bidi controls (U+202A-U+202E, U+2066-U+2069,
    U+200E, U+200F, U+061C), zero-width and other invisible format characters and control
    characters removed, line separators made newlines. Kept: newlines and tabs, the
    zero-width joiners of emoji sequences and of words in scripts that join (Persian's
    ZWNJ), emoji flags of regions, and every visible character."""
    return _INVISIBLE.sub(_kept, text) if _SUSPECT.search(text) else text


# --- Personal data ----------------------------------------------------------------------------


def scrub(text: str) -> str:
    """Text with e-mail addresses, phone numbers, postcodes with house numbers, IBANs,
    BSN-like numbers, links and @names replaced by ``[verwijderd]``; invisible characters
    removed first (:func:`legible`), so none can hide personal data; whitespace
    collapsed."""
    text = legible(text)
    for pattern, replacement in _SCRUB_BEFORE_IBAN:
        text = pattern.sub(replacement, text)
    text = _IBAN.sub(_iban, text)
    for pattern, replacement in _SCRUB_AFTER_IBAN:
        text = pattern.sub(replacement, text)
    return " ".join(text.split())

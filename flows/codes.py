"""Invitation codes ("uitnodigingscodes") for a random sample of addresses, pure: how a code
is made, written, read back from what a resident typed, and hashed for storage.

A code is 10 characters from an alphabet without look-alikes (no 0/O, 1/I/L), drawn with
:mod:`secrets`: 31**10, about 2**49.5 possibilities. It is written in groups for typing
(``ABCD-EFGH-JK``) and read back whatever its case, spaces or dashes. Every code has at least
one letter and one digit, so that an ordinary word or number a resident types is never taken
for a code (this costs less than a tenth of a bit).

The database keeps only :func:`code_digest`: an HMAC of the code under a server key, so that
someone holding a copy of the database cannot test guesses without that key too.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets

#: The characters of a code: A-Z and 2-9 without O, I and L (and without 0 and 1).
ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
#: Characters in a code.
LENGTH = 10
#: How a code is written: groups of these sizes, joined by dashes.
GROUPS = (4, 4, 2)
#: The most codes one request may make (a CSV and PDF an administrator can still handle).
MOST_PER_REQUEST = 10_000
#: Characters a resident may put between the groups; they are left out when reading.
_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015.]+")
#: What a typed text must look like to be read as a code at all (before normalising): the
#: groups with at most one separator between them, nothing else.
_SHAPE = re.compile(
    r"^\s*[A-Za-z0-9]{4}[\s\-\u2010-\u2015.]?[A-Za-z0-9]{4}[\s\-\u2010-\u2015.]?[A-Za-z0-9]{2}\s*$"
)
_ALLOWED = frozenset(ALPHABET)
_LETTERS = frozenset(c for c in ALPHABET if c.isalpha())
_DIGITS = frozenset(c for c in ALPHABET if c.isdigit())


def bits() -> float:
    """The randomness of one code, in bits (before the letter-and-digit rule)."""
    import math

    return LENGTH * math.log2(len(ALPHABET))


def _acceptable(code: str) -> bool:
    chars = set(code)
    return bool(chars & _LETTERS) and bool(chars & _DIGITS)


def new_code() -> str:
    """A fresh random code, normalised (10 characters, no dashes)."""
    while True:
        code = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
        if _acceptable(code):
            return code


def new_codes(count: int) -> list[str]:
    """``count`` different fresh codes."""
    if not 1 <= count <= MOST_PER_REQUEST:
        raise ValueError(f"between 1 and {MOST_PER_REQUEST} codes at a time")
    found: dict[str, None] = {}
    while len(found) < count:
        found[new_code()] = None
    return list(found)


def grouped(code: str) -> str:
    """A normalised code as it is printed: ``ABCD-EFGH-JK``."""
    parts, start = [], 0
    for size in GROUPS:
        parts.append(code[start : start + size])
        start += size
    return "-".join(parts)


def normalise(text: str) -> str | None:
    """What a resident typed or a link carried, read as a code: upper case, without spaces,
    dashes or dots; None when it cannot be a code (wrong length, a character no code has,
    or no letter and digit both)."""
    if len(text) > 40:
        return None
    code = _SEPARATORS.sub("", text).upper()
    if len(code) != LENGTH or not set(code) <= _ALLOWED or not _acceptable(code):
        return None
    return code


def looks_like_code(text: str) -> bool:
    """Whether a typed message has the shape of a code (10 letters and digits, in groups
    of 4, 4 and 2 or not, with a letter and a digit): only such a text is tried as one, and
    counts as a wrong guess when it is none. A typed answer ("4108 AB", "Oost") never is."""
    if not _SHAPE.match(text):
        return False
    code = _SEPARATORS.sub("", text).upper()
    return len(code) == LENGTH and _acceptable(code)


def code_digest(key: bytes, code: str) -> str:
    """What the database keeps of a normalised code: its HMAC-SHA256 under ``key``, hex."""
    return hmac.new(key, f"code:{code}".encode(), hashlib.sha256).hexdigest()


def code_key(secret: bytes) -> bytes:
    """The key for :func:`code_digest`, derived from the server secret (the pseudonym
    secret) so that it is never the same key as the pseudonyms'."""
    return hmac.new(secret, b"samenspraak uitnodigingscodes", hashlib.sha256).digest()

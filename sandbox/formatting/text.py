"""Formatted text as Telegram keeps it: plain text with entities, measured in UTF-16 units.

The pieces the parsers (:mod:`sandbox.formatting.html`, :mod:`sandbox.formatting.markdown`)
share: the result (:class:`FormattedText`), the errors with Telegram's wording, and a builder
that collects text and entities while a parser walks the input.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

__all__ = [
    "SPACE",
    "Builder",
    "Entity",
    "EntityParseError",
    "FormattedText",
    "UnsupportedParseMode",
    "check_unicode",
    "utf8_offset",
    "utf16_len",
]

Entity = dict[str, Any]

# td's is_space: ' ', '\t', '\r', '\n', '\0', '\v'
SPACE = frozenset(" \t\r\n\0\v")


class EntityParseError(ValueError):
    """The text can't be parsed in the requested parse mode."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason

    @property
    def description(self) -> str:
        """The ``description`` of Telegram's error answer."""
        return f"Bad Request: can't parse entities: {self.reason}"


class UnsupportedParseMode(ValueError):
    """The parse mode is not one of HTML, MarkdownV2 and Markdown."""

    description = "Bad Request: unsupported parse_mode"


@dataclass(frozen=True, slots=True)
class FormattedText:
    """Plain text with its entities (Bot API ``MessageEntity`` dictionaries)."""

    text: str
    entities: tuple[Entity, ...] = ()

    @property
    def length(self) -> int:
        """Length in UTF-16 code units, the unit of Telegram's limits and entity offsets."""
        return utf16_len(self.text)

    def stripped(self) -> FormattedText:
        """The text without leading and trailing whitespace, as Telegram stores it."""
        text = self.text
        start = len(text) - len(text.lstrip())
        end = len(text.rstrip())
        if start == 0 and end == len(text):
            return self
        if start >= end:
            return FormattedText("")
        lo = utf16_len(text[:start])
        hi = lo + utf16_len(text[start:end])
        entities = []
        for entity in self.entities:
            a = max(int(entity["offset"]), lo)
            b = min(int(entity["offset"]) + int(entity["length"]), hi)
            if b > a:
                entities.append({**entity, "offset": a - lo, "length": b - a})
        return FormattedText(text[start:end], tuple(entities))


def utf16_len(text: str) -> int:
    """Length of ``text`` in UTF-16 code units."""
    if text.isascii():
        return len(text)
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def utf8_offset(text: str, index: int) -> int:
    """Where ``text[index]`` starts in UTF-8 bytes (Telegram's errors count bytes)."""
    prefix = text[:index]
    if prefix.isascii():
        return len(prefix)
    return len(prefix.encode("utf-8", "surrogatepass"))


class Builder:
    """Collects output text and entities; offsets are kept in code points until the end."""

    __slots__ = ("entities", "parts", "pos")

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.pos = 0
        self.entities: list[tuple[int, int, Entity]] = []

    def add(self, chunk: str) -> None:
        self.parts.append(chunk)
        self.pos += len(chunk)

    def add_plain(self, text: str, i: int, special: re.Pattern[str]) -> int:
        """Add ``text`` from ``i`` up to the next ``special`` character; returns where that
        is (``len(text)`` when there is none)."""
        match = special.search(text, i)
        j = len(text) if match is None else match.start()
        if j > i:
            self.add(text[i:j])
        return j

    def entity(self, start: int, kind: str, **extra: Any) -> None:
        if self.pos > start:
            self.entities.append((start, self.pos, {"type": kind, **extra}))

    def text_since(self, start: int) -> str:
        return "".join(self.parts)[start:]

    def finish(self) -> FormattedText:
        text = "".join(self.parts)
        if not self.entities:
            return FormattedText(text)
        if text.isascii() or utf16_len(text) == len(text):
            conv: Callable[[int], int] = int
        else:
            prefix = [0]
            total = 0
            for ch in text:
                total += 2 if ord(ch) > 0xFFFF else 1
                prefix.append(total)
            conv = prefix.__getitem__
        out = []
        for start, end, entity in sorted(self.entities, key=lambda e: (e[0], -e[1])):
            a, b = conv(start), conv(end)
            item: Entity = {"type": entity["type"], "offset": a, "length": b - a}
            item.update((k, v) for k, v in entity.items() if k != "type" and k[0] != "_")
            out.append(item)
        return FormattedText(text, tuple(out))


def check_unicode(text: str) -> None:
    """Raise Telegram's error for a text that is not valid Unicode (a lone surrogate)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise EntityParseError("text must be encoded in UTF-8") from None

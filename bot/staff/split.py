"""Cutting a long digest into messages Telegram takes (:data:`flows.limits.MESSAGE_CHARS`).

Lengths are counted as Telegram counts them (UTF-16 code units). A digest is cut between
paragraphs where it can, else between lines; a single line longer than a message loses its
tags and is cut at spaces, never inside an entity such as ``&amp;``.
"""

from __future__ import annotations

import re

from flows.limits import MESSAGE_CHARS
from flows.texts import Html


def units(text: str) -> int:
    """Length as Telegram counts it (UTF-16 code units)."""
    return len(text.encode("utf-16-le")) // 2


_TAG = re.compile(r"<[^>]*>")


def _hard_split(line: str, limit: int) -> list[str]:
    """A line longer than a message: drop its tags and cut it at spaces, never in an entity."""
    plain = _TAG.sub("", line)
    parts: list[str] = []
    while units(plain) > limit:
        cut = limit
        while units(plain[:cut]) > limit:
            cut -= 1
        space = plain.rfind(" ", 0, cut)
        if space > limit // 2:
            cut = space
        amp = plain.rfind("&", 0, cut)
        if amp > 0 and ";" not in plain[amp:cut]:
            cut = amp  # not inside &amp; and friends
        parts.append(plain[:cut].rstrip())
        plain = plain[cut:].lstrip()
    if plain:
        parts.append(plain)
    return parts


def split_messages(text: str, limit: int = MESSAGE_CHARS) -> list[Html]:
    """Cut a digest into messages of at most ``limit`` characters, between lines.

    Paragraphs (blocks between blank lines) stay together when they fit. Needs text whose
    tags open and close on the same line, as :func:`compose` writes it.
    """
    messages: list[str] = []
    current: list[str] = []

    def size(lines: list[str]) -> int:
        return units("\n".join(lines))

    def flush() -> None:
        while current and not current[-1].strip():
            current.pop()
        if current:
            messages.append("\n".join(current))
        current.clear()

    for paragraph in text.strip("\n").split("\n\n"):
        lines = paragraph.split("\n")
        candidate = [*current, "", *lines] if current else lines
        if size(candidate) <= limit:
            current[:] = candidate
            continue
        flush()
        for line in lines:
            pieces = [line] if units(line) <= limit else _hard_split(line, limit)
            for piece in pieces:
                if current and size([*current, piece]) > limit:
                    flush()
                current.append(piece)
    flush()
    return [Html(m) for m in messages]

"""Telegram's text formatting: HTML, MarkdownV2 and legacy Markdown, parsed like Telegram.

The parsers follow the Bot API server (tdlib's ``MessageEntity.cpp``): they return the plain
text with the entities (offsets and lengths in UTF-16 code units, as in the Bot API) or raise
:class:`EntityParseError` with Telegram's wording, e.g. ``Bad Request: can't parse entities:
Unsupported start tag "br" at byte offset 5``. :func:`format_text` picks the parser of a
``parse_mode``; the parsers live in :mod:`~sandbox.formatting.html` and
:mod:`~sandbox.formatting.markdown`, what they share in :mod:`~sandbox.formatting.text`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from sandbox.formatting.html import parse_html
from sandbox.formatting.markdown import parse_markdown, parse_markdown_v2
from sandbox.formatting.text import (
    EntityParseError,
    FormattedText,
    UnsupportedParseMode,
    utf16_len,
)

__all__ = [
    "EntityParseError",
    "FormattedText",
    "UnsupportedParseMode",
    "format_text",
    "parse_html",
    "parse_markdown",
    "parse_markdown_v2",
    "utf16_len",
]

_PARSERS: dict[str, Callable[[str], FormattedText]] = {
    "html": parse_html,
    "markdownv2": parse_markdown_v2,
    "markdown": parse_markdown,
}


def format_text(
    text: str, parse_mode: str | None = None, entities: Iterable[Mapping[str, Any]] | None = None
) -> FormattedText:
    """Parse ``text`` like the Bot API does for ``text``/``caption`` + ``parse_mode``.

    Explicit ``entities`` win over ``parse_mode`` (which is then ignored, as by Telegram).
    Raises :class:`EntityParseError` or :class:`UnsupportedParseMode`.
    """
    if entities:
        return FormattedText(text, tuple(dict(e) for e in entities))
    if not parse_mode:
        return FormattedText(text)
    parser = _PARSERS.get(parse_mode.lower())
    if parser is None:
        raise UnsupportedParseMode(parse_mode)
    return parser(text)

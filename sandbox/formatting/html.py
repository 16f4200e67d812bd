"""Telegram's HTML (``parse_mode=HTML``): the tags Telegram knows, its entities, its errors.

Like the Bot API server (tdlib's ``MessageEntity.cpp``), with one deliberate difference: an
``&`` that does not start one of the supported entities (``&lt; &gt; &amp; &quot;`` or a
numeric one) is rejected, as the documentation demands, where the real server lets it
through literally.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sandbox.formatting.text import (
    SPACE,
    Builder,
    EntityParseError,
    FormattedText,
    check_unicode,
    utf8_offset,
)

__all__ = ["parse_html"]

_HTML_TAGS = frozenset(
    {
        "a",
        "b",
        "strong",
        "i",
        "em",
        "u",
        "ins",
        "s",
        "strike",
        "del",
        "span",
        "tg-spoiler",
        "tg-emoji",
        "tg-time",
        "code",
        "pre",
        "blockquote",
    }
)
_SIMPLE_HTML = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
}
_HTML_SPECIAL = re.compile(r"[<&]")
_NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}


def _decode_html_entity(text: str, pos: int) -> tuple[str, int] | None:
    """Decode the character reference at ``text[pos] == "&"``: (character, next position)."""
    n = len(text)
    end = pos + 1
    if end < n and text[end] == "#":
        end += 1
        code = 0
        if end < n and text[end] == "x":
            end += 1
            start = end
            while end < n and text[end] in "0123456789abcdefABCDEF":
                end += 1
            if end > start:
                code = int(text[start:end], 16)
        else:
            start = end
            while end < n and text[end].isdigit() and text[end].isascii():
                end += 1
            if end > start:
                code = int(text[start:end])
        if code == 0 or code >= 0x10FFFF or end - pos >= 10:
            return None
        char = chr(code)
    else:
        while end < n and text[end].isascii() and text[end].isalpha():
            end += 1
        named = _NAMED_ENTITIES.get(text[pos + 1 : end])
        if named is None:
            return None
        char = named
    if end < n and text[end] == ";":
        end += 1
    return char, end


@dataclass(slots=True)
class _OpenTag:
    name: str
    start: int
    byte_offset: int
    attrs: dict[str, str]


def parse_html(text: str) -> FormattedText:
    """Parse Telegram HTML (``parse_mode=HTML``)."""
    check_unicode(text)
    out = Builder()
    stack: list[_OpenTag] = []
    n = len(text)
    i = 0

    def fail(reason: str) -> EntityParseError:
        return EntityParseError(reason)

    while i < n:
        i = out.add_plain(text, i, _HTML_SPECIAL)
        if i >= n:
            break
        if text[i] == "&":
            decoded = _decode_html_entity(text, i)
            if decoded is None:
                raise fail(
                    f'Character "&" must be escaped as "&amp;" at byte offset '
                    f"{utf8_offset(text, i)}"
                )
            out.add(decoded[0])
            i = decoded[1]
            continue
        # '<': a start or an end tag
        begin = i
        i += 1
        if i < n and text[i] == "/":
            if not stack:
                raise fail(f"Unexpected end tag at byte offset {utf8_offset(text, begin)}")
            i += 1
            while i < n and text[i] not in SPACE and text[i] != ">":
                i += 1
            end_name = text[begin + 2 : i].lower()
            while i < n and text[i] in SPACE:
                i += 1
            if i >= n or text[i] != ">":
                raise fail(f"Unclosed end tag at byte offset {utf8_offset(text, begin)}")
            i += 1
            top = stack[-1]
            if end_name and end_name != top.name:
                raise fail(
                    f"Unmatched end tag at byte offset {utf8_offset(text, begin)}, "
                    f'expected "</{top.name}>", found "</{end_name}>"'
                )
            stack.pop()
            _close_html_tag(out, top)
            continue
        while i < n and text[i] not in SPACE and text[i] != ">":
            i += 1
        if i >= n:
            raise fail(f"Unclosed start tag at byte offset {utf8_offset(text, begin)}")
        name = text[begin + 1 : i].lower()
        if name not in _HTML_TAGS:
            raise fail(f'Unsupported start tag "{name}" at byte offset {utf8_offset(text, begin)}')
        attrs: dict[str, str] = {}
        while text[i] != ">":
            while i < n and text[i] in SPACE:
                i += 1
            if i >= n:
                raise fail(f"Unclosed start tag at byte offset {utf8_offset(text, begin)}")
            if text[i] == ">":
                break
            attr_begin = i
            while i < n and text[i] not in SPACE and text[i] != "=" and text[i] != ">":
                i += 1
            attr = text[attr_begin:i]
            if not attr:
                raise fail(
                    f'Empty attribute name in the tag "{name}" at byte offset '
                    f"{utf8_offset(text, begin)}"
                )
            while i < n and text[i] in SPACE:
                i += 1
            if i >= n:
                raise fail(
                    f'Unclosed start tag "{name}" at byte offset {utf8_offset(text, begin)}'
                )
            if text[i] != "=":
                if attr == "expandable":  # <blockquote expandable>
                    attrs[attr] = ""
                    continue
                raise fail(
                    f'Expected equal sign in declaration of an attribute of the tag "{name}" '
                    f"at byte offset {utf8_offset(text, begin)}"
                )
            i += 1
            while i < n and text[i] in SPACE:
                i += 1
            if i >= n:
                raise fail(
                    f'Unclosed start tag "{name}" at byte offset {utf8_offset(text, begin)}'
                )
            if text[i] not in "'\"":
                token_begin = i
                while i < n and (text[i].isascii() and (text[i].isalnum() or text[i] in ".-")):
                    i += 1
                value = text[token_begin:i].lower()
                if i >= n or (text[i] not in SPACE and text[i] != ">"):
                    raise fail(
                        f"Unexpected end of name token at byte offset "
                        f"{utf8_offset(text, token_begin)}"
                    )
            else:
                quote = text[i]
                i += 1
                chars: list[str] = []
                while i < n and text[i] != quote:
                    if text[i] == "&":
                        decoded = _decode_html_entity(text, i)
                        if decoded is not None:
                            chars.append(decoded[0])
                            i = decoded[1]
                            continue
                    chars.append(text[i])
                    i += 1
                if i < n:
                    i += 1
                value = "".join(chars)
            if i >= n:
                raise fail(f"Unclosed start tag at byte offset {utf8_offset(text, begin)}")
            attrs[attr] = value
        i += 1  # '>'
        if name == "span" and attrs.get("class") != "tg-spoiler":
            raise fail(
                f'Tag "span" must have class "tg-spoiler" at byte offset '
                f"{utf8_offset(text, begin)}"
            )
        stack.append(_OpenTag(name, out.pos, utf8_offset(text, begin), attrs))
    if stack:
        raise fail(f'Can\'t find end tag corresponding to start tag "{stack[-1].name}"')
    return out.finish()


def _close_html_tag(out: Builder, tag: _OpenTag) -> None:
    name = tag.name
    if out.pos <= tag.start:
        return
    simple = _SIMPLE_HTML.get(name)
    if simple is not None:
        out.entity(tag.start, simple)
    elif name == "a":
        url = tag.attrs.get("href") or out.text_since(tag.start)
        if url.strip():
            out.entity(tag.start, "text_link", url=url.strip())
    elif name == "code":
        css = tag.attrs.get("class", "")
        language = css[len("language-") :] if css.startswith("language-") else ""
        last = out.entities[-1] if out.entities else None
        if (
            language
            and last is not None
            and last[2]["type"] == "pre"
            and (last[0], last[1]) == (tag.start, out.pos)
        ):
            last[2]["language"] = language
        elif language:
            out.entity(tag.start, "code", _language=language)
        else:
            out.entity(tag.start, "code")
    elif name == "pre":
        last = out.entities[-1] if out.entities else None
        if (
            last is not None
            and last[2]["type"] == "code"
            and (last[0], last[1]) == (tag.start, out.pos)
            and last[2].get("_language")
        ):
            out.entities[-1] = (
                last[0],
                last[1],
                {"type": "pre", "language": last[2]["_language"]},
            )
        else:
            out.entity(tag.start, "pre")
    elif name == "blockquote":
        kind = "expandable_blockquote" if "expandable" in tag.attrs else "blockquote"
        out.entity(tag.start, kind)
    elif name == "tg-emoji":
        emoji_id = tag.attrs.get("emoji-id", "")
        if not emoji_id.isdigit() or int(emoji_id) == 0:
            raise EntityParseError("Invalid custom emoji identifier specified")
        out.entity(tag.start, "custom_emoji", custom_emoji_id=emoji_id)
    elif name == "tg-time":
        unix = tag.attrs.get("unix", "")
        if not unix.lstrip("-").isdigit():
            raise EntityParseError("Invalid Unix time specified")
        extra: dict[str, Any] = {"unix_time": int(unix)}
        if tag.attrs.get("format"):
            extra["date_time_format"] = tag.attrs["format"]
        out.entity(tag.start, "date_time", **extra)

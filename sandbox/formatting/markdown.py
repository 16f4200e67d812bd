"""Telegram's Markdown: MarkdownV2 (``parse_mode=MarkdownV2``) and legacy Markdown.

MarkdownV2 nests entities and wants every reserved character escaped; legacy Markdown knows
four entities, no nesting and few escapes. Both follow the Bot API server (tdlib's
``MessageEntity.cpp``), down to its error messages.
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

__all__ = ["parse_markdown", "parse_markdown_v2"]

# ---------------------------------------------------------------------------- MarkdownV2

_MDV2_RESERVED = frozenset("_*[]()~`>#+-=|{}.!\n")
_MDV2_SPECIAL = re.compile(r"[\\_*\[\]()~`>#+\-=|{}.!\n]")
_MD_SPECIAL = re.compile(r"[\\_*`\[]")
#: Entities opened by two characters, whose first is reserved on its own: "||", "![".
_PAIRED_STARTS = {"|": ("|", "spoiler"), "!": ("[", "custom_emoji")}
_TYPE_NAMES = {
    "bold": "Bold",
    "italic": "Italic",
    "underline": "Underline",
    "strikethrough": "Strikethrough",
    "spoiler": "Spoiler",
    "code": "Code",
    "pre": "Pre",
    "text_link": "TextUrl",
    "custom_emoji": "CustomEmoji",
    "blockquote": "BlockQuote",
    "expandable_blockquote": "ExpandableBlockQuote",
}


@dataclass(slots=True)
class _MdEntity:
    kind: str
    start: int
    byte_offset: int
    argument: str = ""


def _reserved(char: str) -> EntityParseError:
    return EntityParseError(
        f"Character '{char}' is reserved and must be escaped with the preceding '\\'"
    )


def _unclosed(entity: _MdEntity) -> EntityParseError:
    name = _TYPE_NAMES.get(entity.kind, entity.kind)
    if entity.kind == "pre" and entity.argument:
        name = "PreCode"
    return EntityParseError(f"Can't find end of {name} entity at byte offset {entity.byte_offset}")


def parse_markdown_v2(text: str) -> FormattedText:
    """Parse MarkdownV2 (``parse_mode=MarkdownV2``)."""
    check_unicode(text)
    out = Builder()
    stack: list[_MdEntity] = []
    n = len(text)
    i = 0
    have_blockquote = False
    while i < n:
        top = stack[-1] if stack else None
        in_code = top is not None and top.kind in ("code", "pre")
        c = text[i]
        if c == "\\" and i + 1 < n and 0 < ord(text[i + 1]) <= 126:
            out.add(text[i + 1])
            i += 2
            continue
        if in_code:
            if c != "`":
                j = i + 1
                while j < n and text[j] not in "`\\":
                    j += 1
                out.add(text[i:j])
                i = j
                continue
        elif c not in _MDV2_RESERVED:
            match = _MDV2_SPECIAL.search(text, i)
            j = n if match is None else match.start()
            if j == i:  # a lone backslash
                j = i + 1
            out.add(text[i:j])
            i = j
            continue

        is_end = False
        if top is not None:
            if have_blockquote and c == "\n" and (i + 1 == n or text[i + 1] != ">"):
                is_end = True
            else:
                kind = top.kind
                nxt = text[i + 1] if i + 1 < n else ""
                if kind == "bold":
                    is_end = c == "*"
                elif kind == "italic":
                    is_end = c == "_" and nxt != "_"
                elif kind == "code":
                    is_end = c == "`"
                elif kind == "pre":
                    is_end = text.startswith("```", i)
                elif kind in ("text_link", "custom_emoji"):
                    is_end = c == "]"
                elif kind == "underline":
                    is_end = c == "_" and nxt == "_"
                elif kind == "strikethrough":
                    is_end = c == "~"
                elif kind == "spoiler":
                    is_end = c == "|" and nxt == "|"
                elif kind == "expandable_blockquote":
                    is_end = text.startswith("||", i) and (i + 2 == n or text[i + 2] == "\n")

        if not is_end:
            byte_offset = utf8_offset(text, i)
            kind = ""
            argument = ""
            if c == "_":
                if i + 1 < n and text[i + 1] == "_":
                    kind = "underline"
                    i += 1
                else:
                    kind = "italic"
            elif c == "*":
                if (i == 0 or text[i - 1] == "\n") and text.startswith("**>", i) and not stack:
                    kind = "expandable_blockquote"
                    have_blockquote = True
                    i += 2
                else:
                    kind = "bold"
            elif c == "~":
                kind = "strikethrough"
            elif c in _PAIRED_STARTS:
                second, kind = _PAIRED_STARTS[c]
                if not text.startswith(second, i + 1):
                    raise _reserved(c)
                i += 1
            elif c == "[":
                kind = "text_link"
            elif c == "`":
                if text.startswith("```", i):
                    kind = "pre"
                    argument, i = _code_block_start(text, i + 3)
                    i -= 1
                else:
                    kind = "code"
            elif c == "\n":
                out.add("\n")
                if i + 1 < n and text[i + 1] == ">":
                    i += 1
                    if not have_blockquote:
                        kind = "blockquote"
                        have_blockquote = True
                elif text.startswith("**>", i + 1) and not have_blockquote and not stack:
                    i += 3
                    kind = "expandable_blockquote"
                    have_blockquote = True
                if not kind:
                    i += 1
                    continue
            elif c == ">":
                if i == 0:
                    kind = "blockquote"
                    have_blockquote = True
                else:
                    raise _reserved(c)
            else:
                raise _reserved(c)
            stack.append(_MdEntity(kind, out.pos, byte_offset, argument))
            i += 1
            continue

        # the end of the innermost entity
        assert top is not None
        kind = top.kind
        if c == "\n" and kind not in ("blockquote", "expandable_blockquote"):
            raise _unclosed(top)
        extra: dict[str, Any] = {}
        skip = out.pos == top.start
        if kind in ("underline", "spoiler"):
            i += 1
        elif kind == "pre":
            i += 2
            if top.argument:
                extra["language"] = top.argument
        elif kind == "expandable_blockquote" and c == "|":
            i += 1
            have_blockquote = False
        elif kind in ("blockquote", "expandable_blockquote"):
            have_blockquote = False
            out.add("\n")
        elif kind in ("text_link", "custom_emoji"):
            if i + 1 < n and text[i + 1] == "(":
                i += 2
                url_begin = i
                url: list[str] = []
                while i < n and text[i] != ")":
                    if text[i] == "\\" and i + 1 < n and 0 < ord(text[i + 1]) <= 126:
                        url.append(text[i + 1])
                        i += 2
                        continue
                    url.append(text[i])
                    i += 1
                if i >= n:
                    what = "a URL" if kind == "text_link" else "a custom emoji URL"
                    raise EntityParseError(
                        f"Can't find end of {what} at byte offset {utf8_offset(text, url_begin)}"
                    )
                link = "".join(url)
            elif kind == "custom_emoji":
                raise EntityParseError("Custom emoji entity must contain a tg://emoji URL")
            else:
                link = out.text_since(top.start)
            if kind == "custom_emoji":
                kind, extra = _custom_emoji_link(link)
            elif link.strip():
                extra["url"] = link.strip()
            else:
                skip = True
        if not skip:
            out.entity(top.start, kind, **extra)
        stack.pop()
        i += 1
    if have_blockquote and stack and stack[-1].kind in ("blockquote", "expandable_blockquote"):
        top = stack.pop()
        out.entity(top.start, top.kind)
    if stack:
        raise _unclosed(stack[-1])
    return out.finish()


def _code_block_start(text: str, i: int) -> tuple[str, int]:
    """A code block's language ("" if none) and where its code starts, from after its backticks.

    The code starts past the line break that ends the opening line, if there is one.
    """
    n = len(text)
    language = ""
    lang_end = i
    while lang_end < n and text[lang_end] not in SPACE and text[lang_end] != "`":
        lang_end += 1
    if i != lang_end and lang_end < n and text[lang_end] != "`":
        language = text[i:lang_end]
        i = lang_end
    if i < n and text[i] in "\r\n":
        if i + 1 < n and text[i + 1] in "\r\n" and text[i] != text[i + 1]:
            i += 2
        else:
            i += 1
    return language, i


def _custom_emoji_link(link: str) -> tuple[str, dict[str, Any]]:
    emoji = re.fullmatch(r"tg://emoji\?id=(\d+)", link)
    if emoji is not None:
        return "custom_emoji", {"custom_emoji_id": emoji.group(1)}
    time = re.fullmatch(r"tg://time\?unix=(-?\d+)(?:&format=([A-Za-z]*))?", link)
    if time is not None:
        extra: dict[str, Any] = {"unix_time": int(time.group(1))}
        if time.group(2):
            extra["date_time_format"] = time.group(2)
        return "date_time", extra
    raise EntityParseError("Custom emoji entity must contain a tg://emoji URL")


# ------------------------------------------------------------------------ legacy Markdown


def parse_markdown(text: str) -> FormattedText:
    """Parse legacy Markdown (``parse_mode=Markdown``): no nesting, few escapes."""
    check_unicode(text)
    out = Builder()
    n = len(text)
    i = 0
    while i < n:
        i = out.add_plain(text, i, _MD_SPECIAL)
        if i >= n:
            break
        c = text[i]
        if c == "\\":
            if i + 1 < n and text[i + 1] in "_*`[":
                out.add(text[i + 1])
                i += 2
            else:
                out.add(c)
                i += 1
            continue
        begin = i
        end_char = "]" if c == "[" else c
        i += 1
        is_pre = False
        language = ""
        if c == "`" and text.startswith("``", i):
            is_pre = True
            language, i = _code_block_start(text, i + 2)
        start = out.pos
        content_begin = i
        if is_pre:
            while i < n and not text.startswith("```", i):
                i += 1
        else:
            while i < n and text[i] != end_char:
                i += 1
        if i >= n:
            raise EntityParseError(
                f"Can't find end of the entity starting at byte offset {utf8_offset(text, begin)}"
            )
        out.add(text[content_begin:i])
        if out.pos > start:
            if c == "_":
                out.entity(start, "italic")
            elif c == "*":
                out.entity(start, "bold")
            elif c == "[":
                if i + 1 < n and text[i + 1] == "(":
                    url_begin = i + 2
                    close = text.find(")", url_begin)
                    close = n if close < 0 else close
                    url = text[url_begin:close]
                    i = close
                else:
                    url = text[content_begin:i]
                if url.strip():
                    out.entity(start, "text_link", url=url.strip())
            elif is_pre:
                if language:
                    out.entity(start, "pre", language=language)
                else:
                    out.entity(start, "pre")
            else:
                out.entity(start, "code")
        elif c == "[" and i + 1 < n and text[i + 1] == "(":
            close = text.find(")", i + 2)
            i = n if close < 0 else close
        i += 3 if is_pre else 1
    return out.finish()

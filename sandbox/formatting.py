"""Telegram's text formatting: HTML, MarkdownV2 and legacy Markdown.

The parsers follow the Bot API server (tdlib's ``MessageEntity.cpp``): they return the plain
text with the entities (offsets and lengths in UTF-16 code units, as in the Bot API) or raise
:class:`EntityParseError` with Telegram's wording, e.g. ``Bad Request: can't parse entities:
Unsupported start tag "br" at byte offset 5``.

One deliberate difference: in HTML an ``&`` that does not start one of the supported entities
(``&lt; &gt; &amp; &quot;`` or a numeric one) is rejected, as the documentation demands, where
the real server lets it through literally.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

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

Entity = dict[str, Any]

# td's is_space: ' ', '\t', '\r', '\n', '\0', '\v'
_SPACE = frozenset(" \t\r\n\0\v")
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
_MDV2_RESERVED = frozenset("_*[]()~`>#+-=|{}.!\n")
_MDV2_SPECIAL = re.compile(r"[\\_*\[\]()~`>#+\-=|{}.!\n]")
_MD_SPECIAL = re.compile(r"[\\_*`\[]")
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


def _byte_offset(text: str, index: int) -> int:
    prefix = text[:index]
    if prefix.isascii():
        return len(prefix)
    return len(prefix.encode("utf-8", "surrogatepass"))


class _Builder:
    """Collects output text and entities; offsets are kept in code points until the end."""

    __slots__ = ("entities", "parts", "pos")

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.pos = 0
        self.entities: list[tuple[int, int, Entity]] = []

    def add(self, chunk: str) -> None:
        self.parts.append(chunk)
        self.pos += len(chunk)

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


# ---------------------------------------------------------------------------------- HTML


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
    _check_unicode(text)
    out = _Builder()
    stack: list[_OpenTag] = []
    n = len(text)
    i = 0

    def fail(reason: str) -> EntityParseError:
        return EntityParseError(reason)

    while i < n:
        match = _HTML_SPECIAL.search(text, i)
        if match is None:
            out.add(text[i:])
            break
        j = match.start()
        if j > i:
            out.add(text[i:j])
        i = j
        if text[i] == "&":
            decoded = _decode_html_entity(text, i)
            if decoded is None:
                raise fail(
                    f'Character "&" must be escaped as "&amp;" at byte offset '
                    f"{_byte_offset(text, i)}"
                )
            out.add(decoded[0])
            i = decoded[1]
            continue
        # '<': a start or an end tag
        begin = i
        i += 1
        if i < n and text[i] == "/":
            if not stack:
                raise fail(f"Unexpected end tag at byte offset {_byte_offset(text, begin)}")
            i += 1
            while i < n and text[i] not in _SPACE and text[i] != ">":
                i += 1
            end_name = text[begin + 2 : i].lower()
            while i < n and text[i] in _SPACE:
                i += 1
            if i >= n or text[i] != ">":
                raise fail(f"Unclosed end tag at byte offset {_byte_offset(text, begin)}")
            i += 1
            top = stack[-1]
            if end_name and end_name != top.name:
                raise fail(
                    f"Unmatched end tag at byte offset {_byte_offset(text, begin)}, "
                    f'expected "</{top.name}>", found "</{end_name}>"'
                )
            stack.pop()
            _close_html_tag(out, top)
            continue
        while i < n and text[i] not in _SPACE and text[i] != ">":
            i += 1
        if i >= n:
            raise fail(f"Unclosed start tag at byte offset {_byte_offset(text, begin)}")
        name = text[begin + 1 : i].lower()
        if name not in _HTML_TAGS:
            raise fail(
                f'Unsupported start tag "{name}" at byte offset {_byte_offset(text, begin)}'
            )
        attrs: dict[str, str] = {}
        while text[i] != ">":
            while i < n and text[i] in _SPACE:
                i += 1
            if i >= n:
                raise fail(f"Unclosed start tag at byte offset {_byte_offset(text, begin)}")
            if text[i] == ">":
                break
            attr_begin = i
            while i < n and text[i] not in _SPACE and text[i] != "=" and text[i] != ">":
                i += 1
            attr = text[attr_begin:i]
            if not attr:
                raise fail(
                    f'Empty attribute name in the tag "{name}" at byte offset '
                    f"{_byte_offset(text, begin)}"
                )
            while i < n and text[i] in _SPACE:
                i += 1
            if i >= n:
                raise fail(
                    f'Unclosed start tag "{name}" at byte offset {_byte_offset(text, begin)}'
                )
            if text[i] != "=":
                if attr == "expandable":  # <blockquote expandable>
                    attrs[attr] = ""
                    continue
                raise fail(
                    f'Expected equal sign in declaration of an attribute of the tag "{name}" '
                    f"at byte offset {_byte_offset(text, begin)}"
                )
            i += 1
            while i < n and text[i] in _SPACE:
                i += 1
            if i >= n:
                raise fail(
                    f'Unclosed start tag "{name}" at byte offset {_byte_offset(text, begin)}'
                )
            if text[i] not in "'\"":
                token_begin = i
                while i < n and (text[i].isascii() and (text[i].isalnum() or text[i] in ".-")):
                    i += 1
                value = text[token_begin:i].lower()
                if i >= n or (text[i] not in _SPACE and text[i] != ">"):
                    raise fail(
                        f"Unexpected end of name token at byte offset "
                        f"{_byte_offset(text, token_begin)}"
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
                raise fail(f"Unclosed start tag at byte offset {_byte_offset(text, begin)}")
            attrs[attr] = value
        i += 1  # '>'
        if name == "span" and attrs.get("class") != "tg-spoiler":
            raise fail(
                f'Tag "span" must have class "tg-spoiler" at byte offset '
                f"{_byte_offset(text, begin)}"
            )
        stack.append(_OpenTag(name, out.pos, _byte_offset(text, begin), attrs))
    if stack:
        raise fail(f'Can\'t find end tag corresponding to start tag "{stack[-1].name}"')
    return out.finish()


def _close_html_tag(out: _Builder, tag: _OpenTag) -> None:
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


# ---------------------------------------------------------------------------- MarkdownV2


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
    _check_unicode(text)
    out = _Builder()
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
            byte_offset = _byte_offset(text, i)
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
            elif c == "|":
                if i + 1 < n and text[i + 1] == "|":
                    i += 1
                    kind = "spoiler"
                else:
                    raise _reserved(c)
            elif c == "[":
                kind = "text_link"
            elif c == "`":
                if text.startswith("```", i):
                    i += 3
                    kind = "pre"
                    lang_end = i
                    while lang_end < n and text[lang_end] not in _SPACE and text[lang_end] != "`":
                        lang_end += 1
                    if i != lang_end and lang_end < n and text[lang_end] != "`":
                        argument = text[i:lang_end]
                        i = lang_end
                    if i < n and text[i] in "\r\n":
                        if i + 1 < n and text[i + 1] in "\r\n" and text[i] != text[i + 1]:
                            i += 2
                        else:
                            i += 1
                    i -= 1
                else:
                    kind = "code"
            elif c == "!":
                if i + 1 < n and text[i + 1] == "[":
                    i += 1
                    kind = "custom_emoji"
                else:
                    raise _reserved(c)
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
                        f"Can't find end of {what} at byte offset {_byte_offset(text, url_begin)}"
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
    _check_unicode(text)
    out = _Builder()
    n = len(text)
    i = 0
    while i < n:
        match = _MD_SPECIAL.search(text, i)
        if match is None:
            out.add(text[i:])
            break
        j = match.start()
        if j > i:
            out.add(text[i:j])
        i = j
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
            i += 2
            is_pre = True
            lang_end = i
            while lang_end < n and text[lang_end] not in _SPACE and text[lang_end] != "`":
                lang_end += 1
            if i != lang_end and lang_end < n and text[lang_end] != "`":
                language = text[i:lang_end]
                i = lang_end
            if i < n and text[i] in "\r\n":
                if i + 1 < n and text[i + 1] in "\r\n" and text[i] != text[i + 1]:
                    i += 2
                else:
                    i += 1
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
                f"Can't find end of the entity starting at byte offset {_byte_offset(text, begin)}"
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


def _check_unicode(text: str) -> None:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise EntityParseError("text must be encoded in UTF-8") from None


_PARSERS: dict[str, Callable[[str], FormattedText]] = {
    "html": parse_html,
    "markdownv2": parse_markdown_v2,
    "markdown": parse_markdown,
}

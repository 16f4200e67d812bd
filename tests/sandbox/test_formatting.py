"""Telegram's formatting rules: what parses to which entities, and what is rejected."""

from __future__ import annotations

import pytest

from sandbox.formatting import (
    EntityParseError,
    FormattedText,
    UnsupportedParseMode,
    format_text,
    parse_html,
    parse_markdown,
    parse_markdown_v2,
    utf16_len,
)


def rejects(parser: object, text: str) -> str:
    with pytest.raises(EntityParseError) as info:
        parser(text)  # type: ignore[operator]
    assert info.value.description.startswith("Bad Request: can't parse entities: ")
    return info.value.reason


# ----------------------------------------------------------------------------------- HTML


def test_html_tags_become_entities() -> None:
    parsed = parse_html(
        "<b>vet</b> <strong>s</strong> <i>c</i> <em>e</em> <u>o</u> <ins>n</ins> <s>d</s> "
        "<strike>t</strike> <del>x</del> <tg-spoiler>g</tg-spoiler> "
        '<span class="tg-spoiler">h</span> <a href="https://example.org/?a=1&amp;b=2">link</a> '
        "<code>c()</code> <blockquote>q</blockquote> <blockquote expandable>e</blockquote>"
    )
    assert parsed.text == "vet s c e o n d t x g h link c() q e"
    types = [e["type"] for e in parsed.entities]
    assert types == [
        "bold",
        "bold",
        "italic",
        "italic",
        "underline",
        "underline",
        "strikethrough",
        "strikethrough",
        "strikethrough",
        "spoiler",
        "spoiler",
        "text_link",
        "code",
        "blockquote",
        "expandable_blockquote",
    ]
    link = parsed.entities[11]
    assert link["url"] == "https://example.org/?a=1&b=2"
    assert parsed.text[link["offset"] : link["offset"] + link["length"]] == "link"


def test_html_pre_with_language_and_custom_emoji() -> None:
    parsed = parse_html(
        '<pre><code class="language-python">print(1)</code></pre>'
        '<tg-emoji emoji-id="5368324170671202286">👍</tg-emoji>'
    )
    assert parsed.text == "print(1)👍"
    assert parsed.entities[0] == {"type": "pre", "offset": 0, "length": 8, "language": "python"}
    assert parsed.entities[1]["type"] == "custom_emoji"
    assert parsed.entities[1]["length"] == 2  # UTF-16 code units


def test_html_entities_are_decoded() -> None:
    assert parse_html("&lt;b&gt; &amp; &quot;x&quot; &#65;&#x42;").text == '<b> & "x" AB'


def test_html_tags_are_case_insensitive() -> None:
    assert parse_html("<B>x</B>").entities == ({"type": "bold", "offset": 0, "length": 1},)


def test_html_offsets_count_utf16_code_units() -> None:
    parsed = parse_html("😀 <b>vet</b>")
    assert parsed.entities == ({"type": "bold", "offset": 3, "length": 3},)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("<b>vet", 'Can\'t find end tag corresponding to start tag "b"'),
        ("3 < 4", 'Unsupported start tag "" at byte offset 2'),
        ("<br>", 'Unsupported start tag "br" at byte offset 0'),
        ("<p>alinea</p>", 'Unsupported start tag "p" at byte offset 0'),
        ("<b>x</i>", 'Unmatched end tag at byte offset 4, expected "</b>", found "</i>"'),
        ("x</b>", "Unexpected end tag at byte offset 1"),
        ("<b", "Unclosed start tag at byte offset 0"),
        ("<span>x</span>", 'Tag "span" must have class "tg-spoiler" at byte offset 0'),
        ("Q & A", 'Character "&" must be escaped as "&amp;" at byte offset 2'),
        ("&nbsp;", 'Character "&" must be escaped as "&amp;" at byte offset 0'),
        ("é <i>", 'Can\'t find end tag corresponding to start tag "i"'),
        ("é <x>", 'Unsupported start tag "x" at byte offset 3'),
        ('<a href="x>', "Unclosed start tag at byte offset 0"),
    ],
)
def test_html_errors(text: str, reason: str) -> None:
    assert rejects(parse_html, text) == reason


# ------------------------------------------------------------------------------ MarkdownV2


def test_markdown_v2_entities() -> None:
    parsed = parse_markdown_v2(
        "*vet* _schuin_ __onder__ ~door~ ||spoiler|| [link](https://example.org/a\\)b) "
        "`code` ```python\nprint(1)\n``` 1\\.5\\!"
    )
    assert parsed.text == "vet schuin onder door spoiler link code print(1)\n 1.5!"
    by_type = {e["type"]: e for e in parsed.entities}
    assert by_type["text_link"]["url"] == "https://example.org/a)b"
    assert by_type["pre"]["language"] == "python"
    assert set(by_type) == {
        "bold",
        "italic",
        "underline",
        "strikethrough",
        "spoiler",
        "text_link",
        "code",
        "pre",
    }


def test_markdown_v2_blockquotes() -> None:
    parsed = parse_markdown_v2(">citaat\n>regel twee\nerna")
    assert parsed.text == "citaat\nregel twee\nerna"
    assert parsed.entities[0]["type"] == "blockquote"
    expandable = parse_markdown_v2("**>verborgen\n>meer||")
    assert expandable.text == "verborgen\nmeer"
    assert expandable.entities[0]["type"] == "expandable_blockquote"


def test_markdown_v2_code_needs_only_backticks_escaped() -> None:
    assert parse_markdown_v2("`a.b-c!`").text == "a.b-c!"


@pytest.mark.parametrize("char", list("_*[]()~`>#+-=|{}.!"))
def test_markdown_v2_reserved_characters_must_be_escaped(char: str) -> None:
    text = f"a {char}"
    if char in "_*[`~":  # these start an entity that then never ends
        assert rejects(parse_markdown_v2, text).startswith("Can't find end of")
    else:
        assert rejects(parse_markdown_v2, text) == (
            f"Character '{char}' is reserved and must be escaped with the preceding '\\'"
        )
    assert parse_markdown_v2(f"a \\{char}").text == f"a {char}"


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("*vet", "Can't find end of Bold entity at byte offset 0"),
        ("x _schuin", "Can't find end of Italic entity at byte offset 2"),
        ("__onder", "Can't find end of Underline entity at byte offset 0"),
        ("[link](https://example.org", "Can't find end of a URL at byte offset 7"),
        ("Dag allemaal.", "Character '.' is reserved and must be escaped with the preceding '\\'"),
    ],
)
def test_markdown_v2_errors(text: str, reason: str) -> None:
    assert rejects(parse_markdown_v2, text) == reason


# ------------------------------------------------------------------------- legacy Markdown


def test_legacy_markdown_is_lenient() -> None:
    parsed = parse_markdown("*vet* _schuin_ [link](https://example.org) `c` 1.5! (ja) #1")
    assert parsed.text == "vet schuin link c 1.5! (ja) #1"
    assert [e["type"] for e in parsed.entities] == ["bold", "italic", "text_link", "code"]


@pytest.mark.parametrize("text", ["*vet", "snake_case", "`code", "[link"])
def test_legacy_markdown_unclosed_entities(text: str) -> None:
    assert rejects(parse_markdown, text).startswith("Can't find end of the entity starting at")


# ------------------------------------------------------------------------------- helpers


def test_format_text_dispatch_and_explicit_entities() -> None:
    assert format_text("<b>x</b>", "html").text == "x"
    assert format_text("<b>x</b>", None).text == "<b>x</b>"
    entities = [{"type": "bold", "offset": 0, "length": 1}]
    assert format_text("*x", "MarkdownV2", entities).entities == tuple(entities)
    with pytest.raises(UnsupportedParseMode):
        format_text("x", "BBCode")


def test_stripping_moves_entities() -> None:
    text = FormattedText("\n  hoi  \n", ({"type": "bold", "offset": 1, "length": 6},))
    assert text.stripped() == FormattedText("hoi", ({"type": "bold", "offset": 0, "length": 3},))


def test_utf16_len() -> None:
    assert utf16_len("abc") == 3
    assert utf16_len("é") == 1
    assert utf16_len("😀") == 2

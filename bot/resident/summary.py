"""The closing message of a questionnaire: the thanks, every answer the resident gave and
what happens next, over as many messages as Telegram needs. Never cut short: a long summary
continues in the next message, between answers where it can, and an answer longer than a
message continues at a space. Every question and answer is escaped: residents' text is data.
"""

from __future__ import annotations

from flows.limits import MESSAGE_CHARS, units
from flows.machine import Flow
from flows.texts import Html, Language, escape, plain_text, t

INDENT = "  "


def finished_messages(
    flow: Flow,
    rows: list[tuple[str, str]],
    language: Language,
    after: Html | None = None,
    limit: int = MESSAGE_CHARS,
) -> list[Html]:
    """The thanks, the resident's (question, answer) ``rows`` and what happens next, as
    messages of at most ``limit`` characters as Telegram counts them; ``after``: a paragraph
    added at the end (the opt-ins offered under the last message)."""
    outro = flow.questionnaire.outro
    if outro is not None:
        closing = [escape(chunk) for chunk in _chunks(outro.get(language), limit)]
    else:
        closing = [t(language, "finished.default_outro")]
    if after is not None:
        closing.append(after)
    messages: list[str] = []
    current = str(t(language, "finished"))
    for question, answer in rows:
        for piece in _entry(question, answer, limit):
            current = _add(messages, current, piece, "\n", limit)
    for piece in closing:
        current = _add(messages, current, piece, "\n\n", limit)
    messages.append(current)
    return [Html(m) for m in messages]


def _size(html: str) -> int:
    """Characters as Telegram counts them: after the tags and entities are parsed."""
    return units(plain_text(html))


def _add(messages: list[str], current: str, piece: str, joint: str, limit: int) -> str:
    """``piece`` after ``current`` if the message has room, else ``current`` is full."""
    joined = f"{current}{joint}{piece}"
    if _size(joined) <= limit:
        return joined
    messages.append(current)
    return piece


def _entry(question: str, answer: str, limit: int) -> list[str]:
    """One answer: "• question" and the answer in italics below it; in pieces when it is
    longer than a message (a question of 3500 emoji, a long text answer)."""
    whole = f"• {escape(question)}\n{INDENT}<i>{escape(answer)}</i>"
    if _size(whole) <= limit:
        return [whole]
    room = limit - len(INDENT)
    first, *rest = _chunks(question, room) or [""]
    return [
        f"• {escape(first)}",
        *(escape(chunk) for chunk in rest),
        *(f"{INDENT}<i>{escape(chunk)}</i>" for chunk in _chunks(answer, room)),
    ]


def _chunks(text: str, limit: int) -> list[str]:
    """Plain ``text`` in pieces of at most ``limit`` units, cut at a space where there is one
    in the second half of a piece."""
    chunks: list[str] = []
    while units(text) > limit:
        cut, size = 0, 0
        for character in text:
            size += units(character)
            if size > limit:
                break
            cut += 1
        cut = max(cut, 1)
        space = text.rfind(" ", 0, cut)
        if space > cut // 2:
            cut = space
        chunks.append(text[:cut].rstrip())
        text = text[cut:].lstrip()
    if text:
        chunks.append(text)
    return chunks

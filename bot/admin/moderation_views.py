"""What a moderator sees: one text waiting for a decision, with its questionnaire and
question, the day it came in, how many are left, and the buttons to judge it; or "Klaar".
Presentation only.
"""

from __future__ import annotations

from datetime import tzinfo

from analysis.scrub import legible
from bot.admin.buttons import Approve, AskWhy, BackToText, Reject
from bot.core.keyboards import Keyboard, button
from flows.catalog import Catalog
from flows.texts import Html, Language, raw, t
from flows.texts.formats import day, short_title
from storage.moderation import REASONS, PendingText

# A longer text is shortened on screen. Telegram counts a message's characters
# (flows.limits.MESSAGE_CHARS) in UTF-16 code units (an emoji counts two): the text gets
# 3000, the rest of the screen (title and question shortened below) stays well under what
# is left.
SHOWN_UNITS = 3000
TITLE_CHARS = 120

Screen = tuple[Html, Keyboard | None]


def shorten(text: str, limit: int) -> str:
    """``text``, or its first part and "…" when longer than ``limit`` UTF-16 code units (as
    Telegram counts: a character outside the Basic Multilingual Plane, an emoji, counts two)."""
    units = 0
    for index, char in enumerate(text):
        units += 2 if ord(char) > 0xFFFF else 1
        if units > limit:
            return text[: _fit(text, index, limit - 1)] + "…"
    return text


def _fit(text: str, end: int, limit: int) -> int:
    """How many characters of ``text[:end]`` fit in ``limit`` UTF-16 code units."""
    units = sum(2 if ord(char) > 0xFFFF else 1 for char in text[:end])
    while units > limit:
        end -= 1
        units -= 2 if ord(text[end]) > 0xFFFF else 1
    return end


def screen(
    catalog: Catalog,
    zone: tzinfo,
    language: Language,
    item: PendingText | None,
    left: int,
    *,
    notice: Html | None = None,
    asking: bool = False,
) -> Screen:
    """The message for one pending text (or "Klaar"), with its buttons; ``notice`` above it
    (what became of the text before), ``asking``: why it is rejected."""
    head = [notice, ""] if notice else []
    if item is None:
        done = "moderation.done" if notice else "moderation.none"
        return Html("\n".join([*head, t(language, done)])), None
    flow = catalog.get(item.questionnaire_id, item.version)
    title, question = item.questionnaire_id, item.question_id
    if flow is not None:
        title = short_title(flow.questionnaire.title.get(language), TITLE_CHARS)
        asked = flow.questions.get(item.question_id)
        if asked is not None:
            question = short_title(asked.text.get(language), TITLE_CHARS)
    # The day only: the moderator needs no time that could help recognise the writer.
    when = day(item.answered_at, zone)
    # As typed, but without the invisible characters that could reorder or hide words.
    text = legible(item.text)
    shown = shorten(text, SHOWN_UNITS)
    count = t(language, "moderation.left", count=left)
    lines = [
        *head,
        count,
        t(language, "moderation.item", title=title, question=question, when=when, text=shown),
    ]
    if shown != text:
        lines.append(t(language, "moderation.shortened"))
    lines += ["", t(language, "moderation.why" if asking else "moderation.rule")]
    answer = item.answer_id
    if asking:
        rows = [
            [button(raw(language, f"moderation.reason.{reason}"), Reject.because(answer, reason))]
            for reason in REASONS
        ]
        rows.append([button(raw(language, "moderation.back"), BackToText.of(answer))])
    else:
        rows = [
            [
                button(raw(language, "moderation.approve"), Approve.of(answer)),
                button(raw(language, "moderation.reject"), AskWhy.of(answer)),
            ]
        ]
    return Html("\n".join(lines)), Keyboard(rows)

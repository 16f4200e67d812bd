"""Telegram's limits, defined once (https://core.telegram.org/bots/api): what a message, a
caption, a button and a callback answer may hold. The questionnaire validator checks files
against them, and the bot keeps within them when it writes.

The fake Bot API (``sandbox/``) keeps its own copy on purpose: it plays Telegram, and a
wrong figure here must make the tests fail, not be mirrored by the fake.
"""

from __future__ import annotations

#: Characters in a message's text (after entities are parsed).
MESSAGE_CHARS = 4096
#: Characters in a photo's or document's caption.
CAPTION_CHARS = 1024
#: Bytes of an inline button's ``callback_data`` (1 to 64).
CALLBACK_DATA_BYTES = 64
#: Characters in the short notice of ``answerCallbackQuery``.
NOTICE_CHARS = 200
#: Characters of a button label that still shows in full on a phone (Telegram cuts longer).
BUTTON_LABEL_CHARS = 64
#: Characters of the parameter of a deep link (``t.me/<bot>?start=<parameter>``).
DEEP_LINK_CHARS = 64
#: Room kept free below :data:`MESSAGE_CHARS` when the bot assembles a message of parts
#: whose lengths are only known at run time (problems of an upload, /resultaten, ...).
MESSAGE_MARGIN = 96


def units(text: str) -> int:
    """A text's length as Telegram counts it against these limits (UTF-16 code units: an
    emoji outside the Basic Multilingual Plane counts twice)."""
    return len(text.encode("utf-16-le")) // 2

"""Telegram's limits as the fake Telegram enforces them, defined once for the whole sandbox.

The fake keeps its OWN copy on purpose: it plays Telegram. The bot's figures are in
``flows/limits.py``; a wrong figure there must make the tests fail, not be mirrored here, so
nothing in ``sandbox/`` takes them from the bot. The fake Bot API rejects calls beyond these
(:mod:`sandbox.fakeapi.rules`), and the web chat lets a person type and send only what
Telegram would accept from a phone (:mod:`sandbox.web`).
"""

from __future__ import annotations

#: Characters (UTF-16 code units) in a message's text, after entities are parsed.
MAX_TEXT = 4096
#: Characters (UTF-16 code units) in a caption of a photo, document or other media.
MAX_CAPTION = 1024
#: Bytes of an inline button's ``callback_data`` (at least 1).
MAX_CALLBACK_DATA = 64
#: Buttons in one inline keyboard.
MAX_INLINE_BUTTONS = 100
#: Characters (UTF-16 code units) in the notice of ``answerCallbackQuery``.
MAX_CALLBACK_TEXT = 200
#: Bytes of a file a bot can download (``getFile``).
MAX_DOWNLOAD = 20 * 1024 * 1024
#: Characters of a user's first name.
MAX_NAME = 64

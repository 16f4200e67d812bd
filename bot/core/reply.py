"""Replies: what a handler says back, computed inside its unit of work and sent after the
commit. The one way every feature talks to Telegram about an update.

A handler reads and changes the database, returns a :class:`Reply`, and only once that is
committed does :class:`Postman` send it: the notice on a pressed button and the edit first,
then the new messages. So whatever a resident or administrator is told has been stored, and
a crash before the commit tells nobody anything.

Edits never ask Telegram for a change that changes nothing (it refuses those, "message is
not modified"): the postman remembers what its recent messages show (:class:`Screen`),
which happens when a button is pressed on an older copy of a message, pressed twice before
the first edit arrived, or handled by another worker meanwhile.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Hashable
from dataclasses import dataclass, field
from typing import Literal

from telegram import Bot, CallbackQuery, Message
from telegram.constants import ParseMode
from telegram.error import BadRequest, TelegramError

from bot.core.images import Pictures
from bot.core.keyboards import Keyboard
from bot.core.recent import Recent
from flows.images import Media
from flows.texts import Html, plain_text

log = logging.getLogger(__name__)

#: Messages whose contents a postman remembers (a few hundred bytes each at most).
REMEMBERED = 20_000


@dataclass(frozen=True, slots=True)
class Send:
    """A new message. ``tag``: the caller wants to know its message id (see ``deliver``)."""

    text: Html
    keyboard: Keyboard | None = None
    tag: Hashable | None = None
    # A picture sent as a photo of its own just before the text (a question's ``image:``);
    # sent by the postman's :class:`~bot.core.images.Pictures`, the text goes also when the
    # picture cannot.
    photo: Media | None = None


@dataclass(frozen=True, slots=True)
class Document:
    """A file, with an optional caption."""

    data: bytes
    filename: str
    caption: Html | None = None


@dataclass(frozen=True, slots=True)
class Edit:
    """Change a message: the one a button was pressed on, or ``message_id``.

    ``text`` None keeps the text and changes only the buttons. When the message cannot be
    edited (deleted, too old, no longer there): ``"raise"`` the error, ``"send"`` it as a new
    message instead, or ``"ignore"`` it (cosmetic: logged).

    A pressed message that has no text (a document such as an export file, a photo) or is
    not in the chat the reply goes to is never edited into ``text``: the text and buttons
    come as a new message instead, whatever ``failing`` says.
    """

    text: Html | None
    keyboard: Keyboard | None = None
    message_id: int | None = None
    failing: Literal["raise", "send", "ignore"] = "raise"


@dataclass
class Reply:
    """What to tell the chat once the unit of work is committed."""

    messages: list[Send | Document] = field(default_factory=list)
    edit: Edit | None = None
    notice: str | None = None  # the short text on a pressed button (answerCallbackQuery)

    def then(self, *messages: Send | Document) -> Reply:
        self.messages.extend(messages)
        return self


#: What the bot last put on a message: fingerprints of its text and of its buttons (0: no
#: buttons); ``None`` where not known (a message edited by id only, or before a restart).
Shown = tuple[int | None, int | None]


def _buttons(keyboard: Keyboard | None) -> int:
    return hash(keyboard) if keyboard is not None and keyboard.inline_keyboard else 0


class Screen:
    """What the bot last showed on its recent messages (at most ``size``)."""

    def __init__(self, size: int = REMEMBERED) -> None:
        self._shown: Recent[tuple[int, int], Shown] = Recent(size)

    def remember(
        self, chat_id: int, message_id: int, text: str | None, keyboard: Keyboard | None
    ) -> None:
        known = self._shown.get((chat_id, message_id))
        text_print = hash(text) if text is not None else (known[0] if known else None)
        self._shown.put((chat_id, message_id), (text_print, _buttons(keyboard)))

    def unchanged(
        self,
        chat_id: int,
        message: Message | None,
        message_id: int,
        text: str | None,
        keyboard: Keyboard | None,
    ) -> bool:
        """Whether showing ``text`` (None: keep it) and ``keyboard`` would change nothing.
        Without a memory of the message, the pressed message's copy in the update tells."""
        known_text, known_buttons = self._shown.get((chat_id, message_id)) or (None, None)
        if known_buttons is not None:
            same_buttons = known_buttons == _buttons(keyboard)
        elif message is not None:
            same_buttons = _buttons(message.reply_markup) == _buttons(keyboard)
        else:
            return False
        if text is None or not same_buttons:
            return same_buttons
        if known_text is not None:
            return known_text == hash(text)
        return message is not None and message.text == plain_text(text)


def _takes(message: Message, chat_id: int, edit: Edit) -> bool:
    """Whether the pressed ``message`` can show ``edit``: it is in the chat the reply goes to,
    and a new text replaces a text (Telegram refuses editMessageText on a document or photo,
    "there is no text in the message to edit"; their buttons can change)."""
    if message.chat.id != chat_id:
        return False
    return edit.text is None or message.text is not None


class Postman:
    """Delivers replies, after the commit, and remembers what its messages show."""

    def __init__(self, size: int = REMEMBERED, pictures: Pictures | None = None) -> None:
        self.screen = Screen(size)
        self.pictures = pictures

    async def deliver(
        self, bot: Bot, chat_id: int, reply: Reply, query: CallbackQuery | None = None
    ) -> dict[Hashable, Message]:
        """Notice and edit first (at once), then the messages in order; the messages sent
        with a ``tag``, by tag."""
        first: list[Awaitable[object]] = []
        if query is not None:
            first.append(query.answer(text=reply.notice))
        edit = reply.edit
        new: Send | None = None  # an edit that could not be made, sent as a message
        if edit is not None and edit.message_id is not None:
            first.append(self._edit_by_id(bot, chat_id, edit))
        elif edit is not None and query is not None:
            message = query.message
            if isinstance(message, Message) and _takes(message, chat_id, edit):
                if not self.screen.unchanged(
                    chat_id, message, message.id, edit.text, edit.keyboard
                ):
                    first.append(self._edit_pressed(bot, chat_id, message.id, edit))
            elif isinstance(message, Message) and edit.text is not None:
                # No text to replace (a document: an export file), or not in this chat.
                new = Send(edit.text, edit.keyboard)
            elif edit.failing == "send" and edit.text is not None:  # too old to reach
                new = Send(edit.text, edit.keyboard)
        if first:
            results = await asyncio.gather(*first)
            new = next((r for r in results if isinstance(r, Send)), new)
        tagged: dict[Hashable, Message] = {}
        for item in [new, *reply.messages] if new is not None else reply.messages:
            if isinstance(item, Document):
                await bot.send_document(
                    chat_id,
                    document=item.data,
                    filename=item.filename,
                    caption=item.caption,
                    parse_mode=ParseMode.HTML if item.caption is not None else None,
                )
                continue
            if item.photo is not None and self.pictures is not None:
                await self.pictures.send(bot, chat_id, item.photo)
            sent = await self.send(bot, chat_id, item.text, item.keyboard)
            if item.tag is not None:
                tagged[item.tag] = sent
        return tagged

    async def send(
        self, bot: Bot, chat_id: int, text: Html, keyboard: Keyboard | None = None
    ) -> Message:
        """One message now (for what is not a reply to an update: jobs, broadcasts)."""
        sent = await bot.send_message(
            chat_id, text, parse_mode=ParseMode.HTML, reply_markup=keyboard
        )
        if keyboard is not None:
            self.screen.remember(chat_id, sent.message_id, text, keyboard)
        return sent

    async def _edit(self, bot: Bot, chat_id: int, message_id: int, edit: Edit) -> None:
        if edit.text is not None:
            await bot.edit_message_text(
                edit.text,
                chat_id=chat_id,
                message_id=message_id,
                parse_mode=ParseMode.HTML,
                reply_markup=edit.keyboard,
            )
        else:
            await bot.edit_message_reply_markup(
                chat_id=chat_id, message_id=message_id, reply_markup=edit.keyboard
            )
        self.screen.remember(chat_id, message_id, edit.text, edit.keyboard)

    async def _edit_pressed(
        self, bot: Bot, chat_id: int, message_id: int, edit: Edit
    ) -> Send | None:
        """Edit the pressed message; the message to send instead when it cannot be."""
        try:
            await self._edit(bot, chat_id, message_id, edit)
        except BadRequest as exc:
            if "not modified" in exc.message.lower():  # done by another worker meanwhile
                self.screen.remember(chat_id, message_id, edit.text, edit.keyboard)
                return None
            return self._failed(edit, exc)
        except TelegramError as exc:
            return self._failed(edit, exc)
        return None

    def _failed(self, edit: Edit, exc: TelegramError) -> Send | None:
        if edit.failing == "raise":
            raise exc
        log.info("could not edit a message (%s)", exc)
        if edit.failing == "send" and edit.text is not None:
            return Send(edit.text, edit.keyboard)
        return None

    async def _edit_by_id(self, bot: Bot, chat_id: int, edit: Edit) -> None:
        """Edit an earlier message, known by id only (a typed answer shown on its question)."""
        assert edit.message_id is not None
        if self.screen.unchanged(chat_id, None, edit.message_id, edit.text, edit.keyboard):
            return
        try:
            await self._edit(bot, chat_id, edit.message_id, edit)
        except TelegramError as exc:
            if edit.failing == "raise":
                raise
            log.info("could not update an earlier message: %s", exc)

"""Simulated Telegram clients: residents in a private chat with the bot, and group chats.

Just over 500 lines on purpose: the one place a test talks to the fake as a person
(a private chat and a group), so every way a person can act stands together.

Every client keeps a cursor over the bot's messages in its chat, so that a test can wait for
"the next message of the bot" (:meth:`ChatClient.next_message`) without caring about the
messages it has already seen.

The server owns the chats and the updates; a client only acts on it through the small
:class:`Telegram` interface (what a person can do in a Telegram app). The fake Bot API
(:mod:`sandbox.fakeapi`) implements it and hands out the clients
(:meth:`~sandbox.fakeapi.FakeBotApi.user`, :meth:`~sandbox.fakeapi.FakeBotApi.group`); this
module never imports the fake.
"""

# The waiting helpers take a ``timeout`` argument on purpose: it is the API tests use.
# ruff: noqa: ASYNC109

from __future__ import annotations

import asyncio
import functools
import re
import struct
import zlib
from collections.abc import Callable
from typing import Any, Protocol, Unpack

from sandbox.formatting import utf16_len
from sandbox.models import (
    BotMessage,
    CallbackAnswer,
    ChatState,
    JsonDict,
    PendingCallbackQuery,
    Profile,
    StoredFile,
    UserInfo,
)

__all__ = [
    "ChatClient",
    "FakeGroup",
    "FakeGroupMember",
    "FakeUser",
    "Telegram",
    "Uploads",
    "UserClient",
    "default_png",
]

_COMMAND_RE = re.compile(r"(?<!\S)/[A-Za-z0-9_]{1,64}(?:@[A-Za-z0-9_]{3,32})?(?!\S)")


@functools.cache
def default_png(width: int = 64, height: int = 48) -> bytes:
    """A small valid PNG image (solid colour) to use as a photo."""
    row = b"\x00" + b"\x2a\x7f\xd4" * width
    raw = zlib.compress(row * height)

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", raw) + chunk(b"IEND", b"")
    )


_DEFAULT_VOICE = b"OggS\x00\x02" + b"\x00" * 58  # not playable, but has Ogg's signature


class Uploads(Protocol):
    """Where the files a user sends are kept (``getFile`` serves them to the bot)."""

    def store(
        self,
        kind: str,
        data: bytes | None,
        *,
        file_name: str | None = None,
        mime_type: str | None = None,
        declared_size: int | None = None,
    ) -> StoredFile:
        """Keep a file of ``kind`` (photo, document, voice, sticker...)."""
        ...

    def photo_sizes(self, stored: StoredFile) -> list[JsonDict]:
        """The ``PhotoSize`` objects of a kept photo."""
        ...


class Telegram(Protocol):
    """The fake Telegram as the simulated clients use it: the server side of a person's app."""

    @property
    def files(self) -> Uploads:
        """Where a user's files go before they are sent."""
        ...

    def user_info(self, user_id: int | None = None, **profile: Unpack[Profile]) -> UserInfo:
        """The user ``user_id`` (created with ``profile`` if new; a new id if ``None``)."""
        ...

    def deliver_message(
        self, chat: ChatState, sender: UserInfo, content: JsonDict, *, reply_to: int | None = None
    ) -> JsonDict:
        """``sender`` sends a message (``content``: its text or media fields) into ``chat``."""
        ...

    def deliver_edit(
        self,
        chat: ChatState,
        sender: UserInfo,
        message_id: int,
        text: str,
        entities: list[JsonDict] | None = None,
    ) -> JsonDict:
        """``sender`` edits one of their text messages."""
        ...

    def deliver_callback_query(
        self, chat: ChatState, sender: UserInfo, message: BotMessage, data: str
    ) -> PendingCallbackQuery:
        """``sender`` presses a button with ``data`` under the bot's ``message``."""
        ...

    def block(self, user_id: int) -> None:
        """The user blocks the bot."""
        ...

    async def wait_callback_answered(self, query_id: str, timeout: float = 10) -> CallbackAnswer:
        """Wait until the bot answers a pressed button."""
        ...

    def describe_chat(self, chat_id: int, last: int = 5) -> str:
        """A readable summary of a chat, for a test that waited in vain."""
        ...


def _command_entities(text: str) -> list[dict[str, Any]]:
    entities = []
    for match in _COMMAND_RE.finditer(text):
        entities.append(
            {
                "type": "bot_command",
                "offset": utf16_len(text[: match.start()]),
                "length": utf16_len(match.group()),
            }
        )
    return entities


class ChatClient:
    """A view on one chat: the bot's messages in it, with a reading cursor."""

    def __init__(self, telegram: Telegram, chat: ChatState) -> None:
        self._telegram = telegram
        self._chat = chat
        self._cursor = 0
        self._edit_cursor = len(chat.edits)

    @property
    def chat_id(self) -> int:
        """Identifier of the chat."""
        return self._chat.id

    @property
    def chat(self) -> ChatState:
        """The chat's state on the fake server."""
        return self._chat

    @property
    def messages(self) -> list[BotMessage]:
        """All messages the bot sent to this chat (current state, deleted ones included)."""
        return list(self._chat.bot_messages)

    def last(self) -> BotMessage:
        """The bot's most recent message in this chat."""
        if not self._chat.bot_messages:
            raise AssertionError(f"The bot has not sent anything to chat {self.chat_id}")
        return self._chat.bot_messages[-1]

    def unread(self) -> list[BotMessage]:
        """Bot messages not yet returned by :meth:`next_message`."""
        return self._chat.bot_messages[self._cursor :]

    def drain(self) -> list[BotMessage]:
        """Mark every bot message so far as read; returns the ones that were unread."""
        unread = self.unread()
        self._cursor = len(self._chat.bot_messages)
        return unread

    def reply_keyboard(self) -> list[list[str]] | None:
        """The custom reply keyboard the bot currently shows in this chat, if any."""
        for message in reversed(self._chat.bot_messages):
            markup = message.reply_markup or {}
            if markup.get("remove_keyboard"):
                return None
            if "keyboard" in markup:
                return message.reply_keyboard
        return None

    async def next_message(self, timeout: float = 10) -> BotMessage:
        """The bot's next new message in this chat not yet consumed by this client.

        Raises :class:`TimeoutError` describing the chat's recent messages (and the bot's
        rejected calls) if none arrives within ``timeout`` seconds.
        """
        await self._wait(lambda: self._cursor < len(self._chat.bot_messages), timeout, "message")
        message = self._chat.bot_messages[self._cursor]
        self._cursor += 1
        return message

    async def next_messages(self, n: int, timeout: float = 10) -> list[BotMessage]:
        """The bot's next ``n`` new messages in this chat (one timeout for all of them)."""
        await self._wait(
            lambda: self._cursor + n <= len(self._chat.bot_messages), timeout, f"{n} messages"
        )
        messages = self._chat.bot_messages[self._cursor : self._cursor + n]
        self._cursor += n
        return messages

    async def next_edit(self, timeout: float = 10) -> BotMessage:
        """The next message of the bot in this chat that was edited (one call per edit)."""
        await self._wait(lambda: self._edit_cursor < len(self._chat.edits), timeout, "edit")
        message = self._chat.edits[self._edit_cursor]
        self._edit_cursor += 1
        return message

    async def wait_for(
        self, condition: Callable[[], bool], timeout: float = 10, what: str = "condition"
    ) -> None:
        """Wait until ``condition()`` holds; it is re-checked whenever the chat changes."""
        await self._wait(condition, timeout, what)

    async def _wait(self, condition: Callable[[], bool], timeout: float, what: str) -> None:
        if not await self._chat.changed.wait_until(condition, timeout):
            raise TimeoutError(
                f"No {what} from the bot in chat {self.chat_id} within {timeout:g} s.\n"
                + self._telegram.describe_chat(self.chat_id)
            )


class UserClient(ChatClient):
    """A user who sends messages into a chat and presses buttons there."""

    def __init__(self, telegram: Telegram, chat: ChatState, info: UserInfo) -> None:
        super().__init__(telegram, chat)
        self.info = info

    @property
    def id(self) -> int:
        """The user's Telegram identifier."""
        return self.info.id

    @property
    def first_name(self) -> str:
        """The user's first name."""
        return self.info.first_name

    @property
    def language_code(self) -> str | None:
        """The user's interface language (``language_code`` of the ``User`` object)."""
        return self.info.language_code

    # ------------------------------------------------------------------ sending

    async def _deliver(self, content: dict[str, Any], reply_to: BotMessage | int | None) -> int:
        reply_id = reply_to.message_id if isinstance(reply_to, BotMessage) else reply_to
        message = self._telegram.deliver_message(self._chat, self.info, content, reply_to=reply_id)
        await asyncio.sleep(0)
        return int(message["message_id"])

    async def send(self, text: str, *, reply_to: BotMessage | int | None = None) -> int:
        """Send a text message; ``/commands`` get ``bot_command`` entities like in Telegram.

        Returns the new message's identifier.
        """
        content: dict[str, Any] = {"text": text}
        entities = _command_entities(text)
        if entities:
            content["entities"] = entities
        return await self._deliver(content, reply_to)

    async def ask(self, text: str, timeout: float = 10) -> BotMessage:
        """Send ``text`` and return the bot's next new message."""
        await self.send(text)
        return await self.next_message(timeout)

    async def send_sticker(self, emoji: str = "👍") -> int:
        """Send a (regular, static) sticker."""
        stored = self._telegram.files.store(
            "sticker", b"RIFF\x00\x00\x00\x00WEBPVP8 ", mime_type=None
        )
        sticker = {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
            "emoji": emoji,
            "set_name": "SamenspraakTest",
            "file_size": stored.file_size,
        }
        return await self._deliver({"sticker": sticker}, None)

    async def send_photo(self, content: bytes | None = None, *, caption: str | None = None) -> int:
        """Send a photo (a small generated PNG unless ``content`` is given)."""
        stored = self._telegram.files.store(
            "photo", content or default_png(), mime_type="image/png"
        )
        message: dict[str, Any] = {"photo": self._telegram.files.photo_sizes(stored)}
        if caption:
            message["caption"] = caption
        return await self._deliver(message, None)

    async def send_voice(self, content: bytes | None = None, *, duration: int = 3) -> int:
        """Send a voice message."""
        stored = self._telegram.files.store(
            "voice", content or _DEFAULT_VOICE, mime_type="audio/ogg"
        )
        voice = {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "duration": duration,
            "mime_type": "audio/ogg",
            "file_size": stored.file_size,
        }
        return await self._deliver({"voice": voice}, None)

    async def send_location(self, latitude: float, longitude: float) -> int:
        """Share a location."""
        return await self._deliver(
            {"location": {"latitude": latitude, "longitude": longitude}}, None
        )

    async def send_contact(
        self, phone_number: str = "+31612345678", *, first_name: str | None = None
    ) -> int:
        """Share a contact; by default the user's own (with ``user_id``), as the phone app does."""
        contact: dict[str, Any] = {
            "phone_number": phone_number,
            "first_name": first_name or self.info.first_name,
        }
        if first_name is None:
            contact["user_id"] = self.info.id
        return await self._deliver({"contact": contact}, None)

    async def send_document(
        self,
        filename: str,
        content: bytes,
        mime_type: str = "application/octet-stream",
        *,
        caption: str | None = None,
        declared_size: int | None = None,
    ) -> int:
        """Send a file; the bot can download it with getFile. ``declared_size``: the size
        Telegram states, when it is to differ from the real one (see
        :mod:`sandbox.fakeapi.files`)."""
        stored = self._telegram.files.store(
            "document",
            content,
            file_name=filename,
            mime_type=mime_type,
            declared_size=declared_size,
        )
        document = {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_name": filename,
            "mime_type": mime_type,
            "file_size": stored.file_size,
        }
        message: dict[str, Any] = {"document": document}
        if caption:
            message["caption"] = caption
        return await self._deliver(message, None)

    async def edit(self, message_id: int, text: str) -> None:
        """Edit one of the user's own text messages (an ``edited_message`` update)."""
        self._telegram.deliver_edit(
            self._chat, self.info, message_id, text, _command_entities(text)
        )
        await asyncio.sleep(0)

    # ------------------------------------------------------------------ buttons

    async def press(self, label: str, *, message: BotMessage | None = None) -> str:
        """Press an inline button: exact label, or else a unique part of it.

        Looks at ``message`` or else at the bot's messages in this chat, newest first, and
        uses the first one with a matching button.  Returns the callback query id.
        """
        candidates = [message] if message is not None else reversed(self._chat.bot_messages)
        for candidate in candidates:
            if candidate.deleted:
                if message is not None:
                    raise AssertionError(f"Can't press a button on a deleted message: {message!r}")
                continue
            found = candidate.find_buttons(label)
            if not found:
                continue
            if len(found) > 1:
                labels = [b.get("text") for b in found]
                raise AssertionError(
                    f"Button label {label!r} is ambiguous in {candidate!r}: {labels}"
                )
            button = found[0]
            if "callback_data" not in button:
                kind = next((k for k in button if k != "text"), "?")
                raise AssertionError(
                    f"Button {button.get('text')!r} is a {kind} button, not a callback button"
                )
            return await self._press(candidate, str(button["callback_data"]))
        available = {
            m.message_id: m.buttons for m in self._chat.bot_messages if m.buttons and not m.deleted
        }
        where = f"message #{message.message_id}" if message is not None else "this chat"
        raise AssertionError(
            f"No inline button {label!r} in {where} (chat {self.chat_id}). "
            f"Available buttons by message id: {available}"
        )

    async def press_data(self, data: str, *, message_id: int | None = None) -> str:
        """Send a callback query with arbitrary (possibly forged) ``data``.

        It is attached to message ``message_id`` or to the bot's latest message in the chat.
        """
        if message_id is None:
            live = [m for m in self._chat.bot_messages if not m.deleted]
            if not live:
                raise AssertionError(f"No bot message in chat {self.chat_id} to attach to")
            target = live[-1]
        else:
            found = self._chat.by_id.get(message_id)
            if found is None or found.deleted:
                raise AssertionError(f"No bot message #{message_id} in chat {self.chat_id}")
            target = found
        return await self._press(target, data)

    async def _press(self, message: BotMessage, data: str) -> str:
        query = self._telegram.deliver_callback_query(self._chat, self.info, message, data)
        await asyncio.sleep(0)
        return query.id

    async def wait_callback_answered(self, query_id: str, timeout: float = 10) -> CallbackAnswer:
        """Wait until the bot answers the callback query (``answerCallbackQuery``)."""
        return await self._telegram.wait_callback_answered(query_id, timeout)


class FakeUser(UserClient):
    """A resident in a private chat with the bot (the chat id is the user id)."""

    def block_bot(self) -> None:
        """The user blocks the bot: further messages to them fail with 403."""
        self._telegram.block(self.id)

    def __repr__(self) -> str:
        return f"<FakeUser {self.id} {self.first_name!r}>"


class FakeGroupMember(UserClient):
    """A member of a group chat; sends into the group, reads the group's bot messages."""

    def __init__(self, telegram: Telegram, group: FakeGroup, info: UserInfo) -> None:
        super().__init__(telegram, group.chat, info)
        self.group = group

    def __repr__(self) -> str:
        return f"<FakeGroupMember {self.id} {self.first_name!r} of {self.group.id}>"


class FakeGroup(ChatClient):
    """A group chat with the bot in it; its members are :class:`FakeGroupMember` objects."""

    @property
    def id(self) -> int:
        """The group's chat identifier (negative)."""
        return self._chat.id

    @property
    def title(self) -> str:
        """The group's title."""
        return self._chat.title or ""

    def member(
        self,
        user_id: int | None = None,
        *,
        first_name: str = "Ambtenaar",
        language_code: str | None = "nl",
        admin: bool = False,
    ) -> FakeGroupMember:
        """Add a member (or take an existing user) who can send into this group."""
        info = self._telegram.user_info(
            user_id, first_name=first_name, language_code=language_code
        )
        self._chat.members[info.id] = info
        if admin:
            self._chat.admins.add(info.id)
        return FakeGroupMember(self._telegram, self, info)

    def __repr__(self) -> str:
        return f"<FakeGroup {self.id} {self.title!r}>"

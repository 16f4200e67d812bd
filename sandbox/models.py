"""Data kept by the fake Bot API: chats, messages, calls, callback queries and events.

Shared by the fake (:mod:`sandbox.fakeapi`), the simulated clients (:mod:`sandbox.clients`)
and the web chat (:mod:`sandbox.web`), so that none of them needs another to read them.
"""

# The waiting helpers take a ``timeout`` argument on purpose: it is the API tests use.
# ruff: noqa: ASYNC109

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Literal, TypedDict

__all__ = [
    "Activity",
    "ApiCall",
    "BotMessage",
    "CallbackAnswer",
    "ChatState",
    "JsonDict",
    "PendingCallbackQuery",
    "Profile",
    "SandboxEvent",
    "Signal",
    "StoredFile",
    "Tasks",
    "UserInfo",
    "dumps",
    "now",
]

#: A Bot API object (or any JSON object) as a dictionary.
JsonDict = dict[str, Any]


def now() -> int:
    """The time as Telegram gives it in ``date`` fields: whole seconds since the epoch."""
    return int(time.time())


def dumps(value: Any) -> str:
    """JSON as the sandbox sends it: compact, with the text as is (no ``\\u`` escapes)."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


class Signal:
    """Wakes every coroutine waiting on it whenever :meth:`fire` is called."""

    __slots__ = ("_future",)

    def __init__(self) -> None:
        self._future: asyncio.Future[None] | None = None

    def fire(self) -> None:
        """Wake all current waiters."""
        future, self._future = self._future, None
        if future is not None and not future.done():
            future.set_result(None)

    async def wait(self, timeout: float) -> bool:
        """Wait for the next :meth:`fire`, at most ``timeout`` seconds; ``False`` on timeout."""
        if timeout <= 0:
            return False
        if self._future is None:
            self._future = asyncio.get_running_loop().create_future()
        done, _ = await asyncio.wait((self._future,), timeout=timeout)
        return bool(done)

    async def wait_until(
        self, condition: Callable[[], bool], timeout: float, *, recheck: float | None = None
    ) -> bool:
        """Wait until ``condition()`` holds, checking it again whenever the signal fires (and
        at least every ``recheck`` seconds, if given); ``False`` if ``timeout`` passed first."""
        deadline = time.monotonic() + timeout
        while not condition():
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return False
            await self.wait(remaining if recheck is None else min(remaining, recheck))
        return True


class Tasks:
    """Tasks started in the background (deliveries, subscribers' coroutines), to cancel
    together when the fake stops."""

    __slots__ = ("_tasks",)

    def __init__(self) -> None:
        self._tasks: set[asyncio.Future[Any]] = set()

    def start(self, work: Awaitable[Any]) -> None:
        """Run ``work`` as a task."""
        task = asyncio.ensure_future(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def cancel(self) -> None:
        """Cancel every task still running and wait until they have ended."""
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        if tasks:
            await asyncio.gather(*tasks, return_exceptions=True)


class Activity:
    """When the fake last did something: a test waits for a quiet moment with it."""

    __slots__ = ("last", "signal")

    def __init__(self) -> None:
        #: :func:`time.monotonic` of the last activity.
        self.last = time.monotonic()
        #: Fired on every activity.
        self.signal = Signal()

    def touch(self) -> None:
        """Something happened just now."""
        self.last = time.monotonic()
        self.signal.fire()


class Profile(TypedDict, total=False):
    """What a Telegram user shows of themselves (a :class:`UserInfo` without its ``id``)."""

    first_name: str
    last_name: str | None
    username: str | None
    language_code: str | None


@dataclass(slots=True)
class UserInfo:
    """A Telegram user (a simulated resident or group member)."""

    id: int
    first_name: str
    last_name: str | None = None
    username: str | None = None
    language_code: str | None = None
    is_bot: bool = False

    def to_api(self) -> JsonDict:
        """The Bot API ``User`` object."""
        data: JsonDict = {"id": self.id, "is_bot": self.is_bot, "first_name": self.first_name}
        if self.last_name:
            data["last_name"] = self.last_name
        if self.username:
            data["username"] = self.username
        if self.language_code:
            data["language_code"] = self.language_code
        return data


@dataclass(slots=True)
class StoredFile:
    """A file known to the fake server (uploaded by the bot or sent by a simulated user)."""

    file_id: str
    file_unique_id: str
    kind: str  # photo, document, voice, sticker, audio, video, animation, video_note
    data: bytes | None = field(repr=False)
    file_path: str
    file_name: str | None = None
    mime_type: str | None = None
    #: The size Telegram states (in a Document and in getFile) when a test wants it to say
    #: less than the file holds; such a file is downloaded streamed (sandbox.fakeapi.files).
    declared_size: int | None = None
    #: Bytes of a streamed download written to the bot so far.
    bytes_served: int = 0

    @property
    def file_size(self) -> int:
        """Size in bytes as Telegram states it (0 when the content is unknown, e.g. sent by
        URL)."""
        if self.declared_size is not None:
            return self.declared_size
        return len(self.data) if self.data is not None else 0


@dataclass(eq=False)
class BotMessage:
    """A message sent by the bot, as it currently is (after edits and deletion).

    ``text`` is the plain text after entity parsing ("" for media messages, see ``caption``);
    ``html`` the raw text or caption exactly as sent and ``parse_mode`` the mode it was sent
    with.  ``reply_markup`` is the markup as sent (an inline keyboard is removed by an edit
    that doesn't repeat it, as in Telegram).
    """

    message_id: int
    chat_id: int
    kind: str
    date: int
    text: str = ""
    html: str | None = None
    parse_mode: str | None = None
    entities: list[JsonDict] = field(default_factory=list)
    caption: str | None = None
    caption_entities: list[JsonDict] = field(default_factory=list)
    reply_markup: JsonDict | None = None
    photo: bytes | None = field(default=None, repr=False)
    document: bytes | None = field(default=None, repr=False)
    document_name: str | None = None
    mime_type: str | None = None
    file_id: str | None = None
    media: JsonDict = field(default_factory=dict, repr=False)
    reply_to_message_id: int | None = None
    edits: int = 0
    edit_date: int | None = None
    deleted: bool = False
    method: str = "sendMessage"
    params: JsonDict = field(default_factory=dict, repr=False)
    sender: JsonDict = field(default_factory=dict, repr=False)
    chat: JsonDict = field(default_factory=dict, repr=False)

    def __repr__(self) -> str:
        body = self.text if self.kind == "text" else f"[{self.kind}] {self.caption or ''}"
        if len(body) > 80:
            body = body[:77] + "..."
        flags = "".join(
            (f" edits={self.edits}" if self.edits else "", " deleted" if self.deleted else "")
        )
        buttons = f" buttons={self.buttons}" if self.buttons else ""
        return f"<BotMessage #{self.message_id} chat={self.chat_id} {body!r}{buttons}{flags}>"

    # ------------------------------------------------------------------ keyboards

    @property
    def inline_keyboard(self) -> list[list[JsonDict]]:
        """The rows of inline buttons (Bot API ``InlineKeyboardButton`` dictionaries)."""
        markup = self.reply_markup or {}
        rows = markup.get("inline_keyboard")
        return rows if isinstance(rows, list) else []

    @property
    def buttons(self) -> list[list[str]]:
        """The labels of the inline keyboard, row by row."""
        return [[str(b.get("text", "")) for b in row] for row in self.inline_keyboard]

    @property
    def button_data(self) -> list[list[str]]:
        """The ``callback_data`` of the inline keyboard ("" for buttons without it)."""
        return [[str(b.get("callback_data", "")) for b in row] for row in self.inline_keyboard]

    @property
    def reply_keyboard(self) -> list[list[str]] | None:
        """The labels of a custom reply keyboard sent with this message, if any."""
        markup = self.reply_markup or {}
        rows = markup.get("keyboard")
        if not isinstance(rows, list):
            return None
        return [[b if isinstance(b, str) else str(b.get("text", "")) for b in row] for row in rows]

    def find_buttons(self, label: str) -> list[JsonDict]:
        """Inline buttons labelled exactly ``label``, else those containing it."""
        flat = [b for row in self.inline_keyboard for b in row]
        exact = [b for b in flat if b.get("text") == label]
        return exact or [b for b in flat if label in str(b.get("text", ""))]

    # ------------------------------------------------------------------ Bot API shape

    def to_api(self, *, with_reply: JsonDict | None = None) -> JsonDict:
        """The Bot API ``Message`` object for the current state of this message."""
        data: JsonDict = {
            "message_id": self.message_id,
            "from": self.sender,
            "chat": self.chat,
            "date": self.date,
        }
        if self.edit_date is not None:
            data["edit_date"] = self.edit_date
        if with_reply is not None:
            data["reply_to_message"] = with_reply
        if self.kind == "text":
            data["text"] = self.text
            if self.entities:
                data["entities"] = self.entities
        else:
            data.update(self.media)
            if self.caption:
                data["caption"] = self.caption
                if self.caption_entities:
                    data["caption_entities"] = self.caption_entities
        if self.inline_keyboard:
            data["reply_markup"] = {"inline_keyboard": self.inline_keyboard}
        return data


@dataclass(slots=True)
class ChatState:
    """A chat known to the fake server, with the messages in it."""

    id: int
    type: Literal["private", "group", "supergroup"]
    title: str | None = None
    user: UserInfo | None = None  # the other party of a private chat
    username: str | None = None
    bot_messages: list[BotMessage] = field(default_factory=list)
    by_id: dict[int, BotMessage] = field(default_factory=dict)
    user_messages: dict[int, JsonDict] = field(default_factory=dict)
    deleted_user_messages: set[int] = field(default_factory=set)
    edits: list[BotMessage] = field(default_factory=list)
    members: dict[int, UserInfo] = field(default_factory=dict)
    admins: set[int] = field(default_factory=set)
    menu_button: JsonDict | None = None
    last_message_id: int = 0
    changed: Signal = field(default_factory=Signal)

    def next_message_id(self) -> int:
        """Allocate the next message identifier of this chat."""
        self.last_message_id += 1
        return self.last_message_id

    def to_api(self) -> JsonDict:
        """The Bot API ``Chat`` object."""
        data: JsonDict = {"id": self.id, "type": self.type}
        if self.type == "private" and self.user is not None:
            data["first_name"] = self.user.first_name
            if self.user.last_name:
                data["last_name"] = self.user.last_name
            if self.user.username:
                data["username"] = self.user.username
        else:
            data["title"] = self.title or ""
            if self.username:
                data["username"] = self.username
        return data

    def message_exists(self, message_id: int) -> bool:
        """Whether a (not deleted) message with this identifier is in the chat."""
        bot = self.by_id.get(message_id)
        if bot is not None:
            return not bot.deleted
        return message_id in self.user_messages and message_id not in self.deleted_user_messages


@dataclass(slots=True)
class CallbackAnswer:
    """How the bot answered a callback query (``answerCallbackQuery``)."""

    query_id: str
    text: str | None = None
    show_alert: bool = False
    url: str | None = None
    cache_time: int = 0


@dataclass(slots=True)
class PendingCallbackQuery:
    """A callback query sent by a simulated user (a pressed inline button)."""

    id: str
    user_id: int
    chat_id: int
    message_id: int
    data: str
    created: float = field(default_factory=time.monotonic)
    answer: CallbackAnswer | None = None
    answered: Signal = field(default_factory=Signal, repr=False)

    @property
    def age(self) -> float:
        """Seconds since the button was pressed."""
        return time.monotonic() - self.created


@dataclass(slots=True)
class ApiCall:
    """One request the bot made to the fake API."""

    method: str
    params: JsonDict
    ok: bool = True
    error_code: int | None = None
    description: str | None = None
    result: Any = field(default=None, repr=False)
    injected: bool = False  # failed by fail_next / block / flood limit, not by a bot mistake
    time: float = field(default_factory=time.time, repr=False)

    def __str__(self) -> str:
        params = {
            k: (v if len(repr(v)) < 120 else f"{repr(v)[:117]}...") for k, v in self.params.items()
        }
        status = "ok" if self.ok else f"{self.error_code} {self.description}"
        return f"{self.method}({params}) -> {status}"


EventKind = Literal[
    "message",
    "edited",
    "deleted",
    "user_message",
    "callback_query",
    "callback_answered",
    "chat_action",
]


@dataclass(slots=True)
class SandboxEvent:
    """Something that happened in the fake Telegram, for subscribers (e.g. a live web view)."""

    kind: EventKind
    chat_id: int | None
    message: BotMessage | None = None
    update: JsonDict | None = None
    query: PendingCallbackQuery | None = None
    data: JsonDict = field(default_factory=dict)

"""A fake Telegram Bot API server that rejects what Telegram rejects.

The unmodified bot (python-telegram-bot) talks to it over real HTTP::

    async with FakeBotApi() as fake:
        bot = telegram.Bot(fake.token, base_url=fake.base_url, base_file_url=fake.base_file_url)
        resident = fake.user(first_name="Anna")
        await resident.send("/start")
        reply = await resident.next_message()
        ...
        await fake.settle()
        fake.assert_clean()

Every call is checked against the official specification (``botapi.json``) and against the
rules Telegram enforces (text length, formatting, keyboards, editing, callback queries...).
A rejected call is answered like Telegram does (``{"ok": false, "error_code": 400,
"description": "Bad Request: ..."}``) and recorded in :attr:`FakeBotApi.rejected`.
"""

# The waiting helpers take a ``timeout`` argument on purpose: it is the API tests use.
# ruff: noqa: ASYNC109

from __future__ import annotations

import asyncio
import inspect
import json
import logging
import math
import re
import struct
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import urlsplit

import aiohttp
from aiohttp import BodyPartReader, hdrs, web

from sandbox.clients import ChatClient, FakeGroup, FakeGroupMember, FakeUser, UserClient
from sandbox.formatting import (
    EntityParseError,
    FormattedText,
    UnsupportedParseMode,
    format_text,
    utf16_len,
)
from sandbox.models import (
    ApiCall,
    BotMessage,
    CallbackAnswer,
    ChatState,
    PendingCallbackQuery,
    SandboxEvent,
    Signal,
    StoredFile,
    UserInfo,
)
from sandbox.spec import ApiError, BotApiSpec, MethodSpec, UploadedFile, load_spec

__all__ = [
    "ApiCall",
    "ApiError",
    "BotMessage",
    "CallbackAnswer",
    "ChatClient",
    "FakeBotApi",
    "FakeGroup",
    "FakeGroupMember",
    "FakeUser",
    "InjectedFault",
    "PendingCallbackQuery",
    "SandboxEvent",
    "UserClient",
]

_LOG = logging.getLogger("sandbox.fakeapi")

JsonDict = dict[str, Any]
Params = dict[str, Any]
Handler = Callable[[MethodSpec, Params, web.Request], Awaitable[Any]]
Subscriber = Callable[[SandboxEvent], object]

MAX_TEXT = 4096
MAX_CAPTION = 1024
MAX_CALLBACK_TEXT = 200
MAX_DOWNLOAD = 20 * 1024 * 1024
NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly the "
    "same as a current content and reply markup of the message"
)
QUERY_TOO_OLD = "query is too old and response timeout expired or query ID is invalid"
_DEFAULT_EXCLUDED_UPDATES = frozenset(
    {"chat_member", "message_reaction", "message_reaction_count"}
)
_FLOOD_PREFIXES = ("send", "edit", "copy", "forward")
_CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)
_COMMAND_RE = re.compile(r"[a-z0-9_]{1,32}")
_LANGUAGE_RE = re.compile(r"[a-z]{2}")
_SECRET_RE = re.compile(r"[A-Za-z0-9_-]{1,256}")
_DOMAIN_RE = re.compile(r"[\w-]+(\.[\w-]+)*\.[A-Za-z]{2,}(:\d+)?([/?#].*)?")
_SCOPE_TYPES = frozenset(
    {
        "default",
        "all_private_chats",
        "all_group_chats",
        "all_chat_administrators",
        "chat",
        "chat_administrators",
        "chat_member",
    }
)
_MEDIA_METHODS = {
    "sendphoto": "photo",
    "senddocument": "document",
    "sendaudio": "audio",
    "sendvoice": "voice",
    "sendvideo": "video",
    "sendanimation": "animation",
    "sendvideonote": "video_note",
    "sendsticker": "sticker",
}
_FILE_FOLDERS = {
    "photo": ("photos", ".jpg"),
    "document": ("documents", ""),
    "audio": ("music", ".mp3"),
    "voice": ("voice", ".oga"),
    "video": ("videos", ".mp4"),
    "animation": ("animations", ".mp4"),
    "video_note": ("video_notes", ".mp4"),
    "sticker": ("stickers", ".webp"),
}


class InjectedFault(ApiError):
    """An error caused on purpose by the test (fail_next, block, flood limit).

    Such errors are recorded in :attr:`FakeBotApi.calls` but not in ``rejected``.
    """


@dataclass(slots=True)
class _Fault:
    status: int
    description: str
    retry_after: int | None
    remaining: int
    # "error": answer with ``status``; "delay": look at the call only after ``seconds``;
    # "drop": close the connection without an answer.
    kind: Literal["error", "delay", "drop"] = "error"
    seconds: float = 0.0


class _Bucket:
    """A token bucket: ``rate`` calls per second, bursts of up to ``max(1, rate)``."""

    __slots__ = ("capacity", "rate", "stamp", "tokens")

    def __init__(self, rate: float) -> None:
        if rate <= 0:
            raise ValueError("a flood limit must be positive")
        self.rate = rate
        self.capacity = max(1.0, rate)
        self.tokens = self.capacity
        self.stamp = time.monotonic()

    def wait_time(self, now: float) -> float:
        if now > self.stamp:
            self.tokens = min(self.capacity, self.tokens + (now - self.stamp) * self.rate)
            self.stamp = now
        return 0.0 if self.tokens >= 1 else (1 - self.tokens) / self.rate

    def take(self) -> None:
        self.tokens -= 1


@dataclass(slots=True)
class _Webhook:
    url: str
    secret_token: str | None
    max_connections: int
    ip_address: str | None
    semaphore: asyncio.Semaphore
    last_error_date: int | None = None
    last_error_message: str | None = None


def _bad(detail: str) -> ApiError:
    return ApiError.bad_request(detail)


def _now() -> int:
    return int(time.time())


def _chat_instance(chat_id: int) -> str:
    return str((chat_id * 2654435761) % 9_000_000_000_000_000_000 + 1_000_000_000)


def _image_size(data: bytes | None) -> tuple[int, int]:
    """Width and height of a PNG, GIF or JPEG image (800x600 when unknown)."""
    if not data:
        return 800, 600
    if data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) >= 24:
        width, height = struct.unpack(">II", data[16:24])
        return int(width), int(height)
    if data[:6] in (b"GIF87a", b"GIF89a") and len(data) >= 10:
        width, height = struct.unpack("<HH", data[6:10])
        return int(width), int(height)
    if data.startswith(b"\xff\xd8"):
        i = 2
        while i + 9 < len(data):
            if data[i] != 0xFF:
                break
            marker = data[i + 1]
            length = int.from_bytes(data[i + 2 : i + 4], "big")
            if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
                height, width = struct.unpack(">HH", data[i + 5 : i + 9])
                return int(width), int(height)
            i += 2 + length
    return 800, 600


def _inline_rows(markup: JsonDict | None) -> list[Any] | None:
    """The inline keyboard of a markup for comparisons; ``None`` when there is none."""
    if not markup:
        return None
    rows = markup.get("inline_keyboard")
    return rows if rows else None


class FakeBotApi:
    """A fake Telegram Bot API server with simulated residents and groups.

    Start it with :meth:`start` (or ``async with``); point the bot at :attr:`base_url` and
    :attr:`base_file_url`.  Several instances can run side by side in one process.
    """

    #: How often a webhook delivery is attempted before it is given up.
    webhook_attempts: int = 4
    #: Delay before the first webhook retry (doubled for each further one), in seconds.
    webhook_retry_delay: float = 0.05
    #: Timeout of one webhook POST, in seconds.
    webhook_timeout: float = 10.0

    def __init__(
        self,
        token: str = "123456:TEST-TOKEN",  # noqa: S107 - a fake token for a fake server
        *,
        bot_username: str = "samenspraak_test_bot",
        bot_first_name: str = "Samenspraak",
    ) -> None:
        prefix = token.split(":", 1)[0]
        self.token = token
        self.bot_id = int(prefix) if prefix.isdigit() else 123456
        self.bot_username = bot_username
        self.bot_user: JsonDict = {
            "id": self.bot_id,
            "is_bot": True,
            "first_name": bot_first_name,
            "username": bot_username,
        }
        self.spec: BotApiSpec = load_spec()
        #: Every call the bot made, in order of completion.
        self.calls: list[ApiCall] = []
        #: Calls Telegram would have rejected (injected faults excluded).
        self.rejected: list[ApiCall] = []
        #: Webhook deliveries given up after all attempts: (update, last error).
        self.webhook_failures: list[tuple[JsonDict, str]] = []

        self._url: str | None = None
        self._runner: web.AppRunner | None = None
        self._session: aiohttp.ClientSession | None = None
        self._closing = False

        self._users: dict[int, UserInfo] = {}
        self._fake_users: dict[int, FakeUser] = {}
        self._chats: dict[int, ChatState] = {}
        self._groups: dict[int, FakeGroup] = {}
        self._next_user_id = 1_000_001
        self._next_group_id = 1_000_001

        self._updates: deque[JsonDict] = deque()
        self._last_update_id = 0
        self._updates_signal = Signal()
        self._poll_generation = 0
        self._allowed_updates: frozenset[str] = frozenset()
        self._webhook: _Webhook | None = None
        self._delivery_locks: dict[int | None, asyncio.Lock] = {}
        self._tasks: set[asyncio.Task[Any]] = set()
        self._deliveries = 0

        self._queries: dict[str, PendingCallbackQuery] = {}
        self._query_counter = 0
        self._files: dict[str, StoredFile] = {}
        self._files_by_path: dict[str, StoredFile] = {}
        self._file_counter = 0
        self._commands: dict[tuple[str, int | None, int | None, str], list[JsonDict]] = {}
        self._default_menu_button: JsonDict = {"type": "default"}

        self._faults: dict[str, deque[_Fault]] = {}
        self._delayed = 0
        self._blocked: set[int] = set()
        self._global_bucket: _Bucket | None = None
        self._chat_rate: float | None = None
        self._chat_buckets: dict[object, _Bucket] = {}
        self._subscribers: list[Subscriber] = []
        self._activity = Signal()
        self._last_activity = time.monotonic()

        self._handlers: dict[str, Handler] = {
            "getme": self._get_me,
            "logout": self._true,
            "close": self._true,
            "getupdates": self._get_updates,
            "setwebhook": self._set_webhook,
            "deletewebhook": self._delete_webhook,
            "getwebhookinfo": self._get_webhook_info,
            "setmycommands": self._set_my_commands,
            "getmycommands": self._get_my_commands,
            "deletemycommands": self._delete_my_commands,
            "sendmessage": self._send_message,
            "editmessagetext": self._edit_message_text,
            "editmessagecaption": self._edit_message_caption,
            "editmessagereplymarkup": self._edit_message_reply_markup,
            "deletemessage": self._delete_message,
            "deletemessages": self._delete_messages,
            "answercallbackquery": self._answer_callback_query,
            "getfile": self._get_file,
            "sendchataction": self._send_chat_action,
            "getchat": self._get_chat,
            "getchatmember": self._get_chat_member,
            "getchatadministrators": self._get_chat_administrators,
            "getchatmembercount": self._get_chat_member_count,
            "setchatmenubutton": self._set_chat_menu_button,
            "getchatmenubutton": self._get_chat_menu_button,
            "sendlocation": self._send_location,
            "sendcontact": self._send_contact,
            "senddice": self._send_dice,
            "sendpoll": self._send_poll,
        }
        for method in _MEDIA_METHODS:
            self._handlers[method] = self._send_media

    # ================================================================== lifecycle

    def add_routes(self, app: web.Application) -> None:
        """Serve this fake's Bot API (``/bot<token>/<method>``) and its file downloads
        (``/file/bot<token>/<path>``) from ``app``, e.g. next to a web view of the chats."""
        app.router.add_route("*", "/bot{token}/{method}", self._handle_api)
        app.router.add_route("GET", "/file/bot{token}/{path:.+}", self._handle_file)

    async def start(
        self, host: str = "127.0.0.1", port: int = 0, *, app: web.Application | None = None
    ) -> None:
        """Start serving on ``host``:``port`` (port 0: a free port); sets :attr:`url`.

        ``app``: serve from this application (the fake's routes are added to it, see
        :meth:`add_routes`) instead of a new one; it is cleaned up by :meth:`stop`.
        """
        if self._runner is not None:
            raise RuntimeError("FakeBotApi is already running")
        if app is None:
            app = web.Application(client_max_size=64 * 1024 * 1024)
        self.add_routes(app)
        runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await runner.setup()
        site = web.TCPSite(runner, host, port)
        await site.start()
        self._runner = runner
        self._closing = False
        actual_port = runner.addresses[0][1]
        self._url = f"http://{host}:{actual_port}"
        _LOG.info("Fake Bot API listening on %s", self._url)

    async def stop(self) -> None:
        """Stop the server, end pending long polls and webhook deliveries."""
        self._closing = True
        self._updates_signal.fire()
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        if tasks:
            await asyncio.gather(*tasks, return_exceptions=True)
        if self._session is not None:
            await self._session.close()
            self._session = None
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> FakeBotApi:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    @property
    def url(self) -> str:
        """The API root, e.g. ``http://127.0.0.1:41234``."""
        if self._url is None:
            raise RuntimeError("FakeBotApi has not been started")
        return self._url

    @property
    def base_url(self) -> str:
        """``base_url`` for python-telegram-bot (the token is appended by the library)."""
        return f"{self.url}/bot"

    @property
    def base_file_url(self) -> str:
        """``base_file_url`` for python-telegram-bot."""
        return f"{self.url}/file/bot"

    # ================================================================== simulated people

    def user_info(
        self,
        user_id: int | None = None,
        *,
        first_name: str = "Inwoner",
        language_code: str | None = "nl",
        last_name: str | None = None,
        username: str | None = None,
    ) -> UserInfo:
        """The Telegram user ``user_id`` (created if new; identifiers assigned if ``None``)."""
        if user_id is not None and user_id in self._users:
            return self._users[user_id]
        if user_id is None:
            while self._next_user_id in self._users:
                self._next_user_id += 1
            user_id = self._next_user_id
            self._next_user_id += 1
        if user_id <= 0:
            raise ValueError("user identifiers are positive")
        info = UserInfo(
            id=user_id,
            first_name=first_name,
            last_name=last_name,
            username=username,
            language_code=language_code,
        )
        self._users[user_id] = info
        return info

    def user(
        self,
        user_id: int | None = None,
        *,
        first_name: str = "Inwoner",
        language_code: str | None = "nl",
        last_name: str | None = None,
        username: str | None = None,
    ) -> FakeUser:
        """A resident with a private chat with the bot (the same object for the same id)."""
        if user_id is not None and user_id in self._fake_users:
            return self._fake_users[user_id]
        info = self.user_info(
            user_id,
            first_name=first_name,
            language_code=language_code,
            last_name=last_name,
            username=username,
        )
        chat = ChatState(id=info.id, type="private", user=info, username=info.username)
        self._chats[info.id] = chat
        fake = FakeUser(self, chat, info)
        self._fake_users[info.id] = fake
        return fake

    def group(
        self,
        chat_id: int | None = None,
        *,
        title: str = "Ambtenaren",
        supergroup: bool = False,
    ) -> FakeGroup:
        """A group chat the bot is a member of (the same object for the same id)."""
        if chat_id is not None and chat_id in self._groups:
            return self._groups[chat_id]
        if chat_id is None:
            while True:
                number = self._next_group_id
                self._next_group_id += 1
                chat_id = -(1_000_000_000_000 + number) if supergroup else -number
                if chat_id not in self._chats:
                    break
        if chat_id >= 0:
            raise ValueError("group chat identifiers are negative")
        chat = ChatState(id=chat_id, type="supergroup" if supergroup else "group", title=title)
        self._chats[chat_id] = chat
        group = FakeGroup(self, chat)
        self._groups[chat_id] = group
        return group

    def chat(self, chat_id: int) -> ChatState:
        """The state of a chat (``KeyError`` if unknown)."""
        return self._chats[chat_id]

    def file(self, file_id: str) -> StoredFile:
        """A file the fake knows, by ``file_id`` (``KeyError`` if unknown)."""
        return self._files[file_id]

    def file_url(self, stored: StoredFile) -> str:
        """The path (without host) the file is downloaded from, as the bot would."""
        return f"/file/bot{self.token}/{stored.file_path}"

    def reset(self) -> None:
        """Forget every user, chat, message, file, update, callback query and call.

        The server keeps running and subscribers stay subscribed; update identifiers keep
        counting up, so a bot that polls again after the reset gets only new updates.
        Meant for a stopped bot (e.g. the sandbox's "start again").
        """
        self.calls.clear()
        self.rejected.clear()
        self.webhook_failures.clear()
        self._users.clear()
        self._fake_users.clear()
        self._chats.clear()
        self._groups.clear()
        self._next_user_id = 1_000_001
        self._next_group_id = 1_000_001
        self._updates.clear()
        self._allowed_updates = frozenset()
        self._webhook = None
        self._queries.clear()
        self._files.clear()
        self._files_by_path.clear()
        self._commands.clear()
        self._default_menu_button = {"type": "default"}
        self._faults.clear()
        self._blocked.clear()
        self._global_bucket = None
        self._chat_rate = None
        self._chat_buckets.clear()
        self._updates_signal.fire()
        self._touch()

    def commands(
        self,
        scope: JsonDict | None = None,
        language_code: str = "",
    ) -> list[JsonDict] | None:
        """The command list set with setMyCommands for a scope and language (``None``: unset)."""
        return self._commands.get(self._scope_key(scope or {"type": "default"}, language_code))

    # ================================================================== test controls

    def fail_next(
        self,
        method: str,
        *,
        status: int = 500,
        count: int = 1,
        description: str = "Internal Server Error",
        retry_after: int | None = None,
    ) -> None:
        """Answer the next ``count`` calls of ``method`` (``"*"``: any) with an error."""
        if method != "*" and self.spec.method(method) is None:
            raise ValueError(f"unknown Bot API method {method!r}")
        if status == 429 and description == "Internal Server Error":
            description = f"Too Many Requests: retry after {retry_after or 1}"
        self._add_fault(method, _Fault(status, description, retry_after, count))

    def delay_next(self, method: str, seconds: float, *, count: int = 1) -> None:
        """Look at the next ``count`` calls of ``method`` (``"*"``: any) only after ``seconds``.

        A slow Bot API: the call is carried out late. If the bot stopped waiting meanwhile
        (its read timeout), the call has no effect, as if Telegram never received it; it is
        recorded as an injected failure "client went away".
        """
        if seconds < 0:
            raise ValueError("a delay cannot be negative")
        self._add_fault(method, _Fault(0, "delayed", None, count, kind="delay", seconds=seconds))

    def drop_next(self, method: str, *, count: int = 1) -> None:
        """Cut off the next ``count`` calls of ``method`` (``"*"``: any): the connection is
        closed without an answer and the call has no effect (recorded as injected)."""
        self._add_fault(method, _Fault(0, "connection dropped", None, count, kind="drop"))

    def _add_fault(self, method: str, fault: _Fault) -> None:
        if method != "*" and self.spec.method(method) is None:
            raise ValueError(f"unknown Bot API method {method!r}")
        if fault.remaining < 1:
            raise ValueError("count must be at least 1")
        self._faults.setdefault(method.lower(), deque()).append(fault)

    @property
    def delayed_calls(self) -> int:
        """Calls being held back by :meth:`delay_next` right now."""
        return self._delayed

    def block(self, user_id: int) -> None:
        """The user blocks the bot: calls sending to them fail with 403 from now on.

        Like Telegram, the bot gets a ``my_chat_member`` update (status ``kicked``).
        """
        self._blocked.add(user_id)
        self._chat_member_update(user_id, "member", "kicked")

    def unblock(self, user_id: int) -> None:
        """The user unblocks the bot (restarts it)."""
        if user_id in self._blocked:
            self._blocked.discard(user_id)
            self._chat_member_update(user_id, "kicked", "member")

    def set_flood_limit(
        self, *, per_second: float | None, per_chat_per_second: float | None = None
    ) -> None:
        """Limit the bot's sending calls; exceeding answers 429 with ``retry_after``."""
        self._global_bucket = _Bucket(per_second) if per_second else None
        self._chat_rate = per_chat_per_second or None
        self._chat_buckets.clear()

    def subscribe(self, callback: Subscriber) -> Callable[[], None]:
        """Call ``callback(event)`` for every :class:`SandboxEvent`; returns an unsubscriber.

        A coroutine returned by the callback is run as a task.
        """
        self._subscribers.append(callback)

        def unsubscribe() -> None:
            if callback in self._subscribers:
                self._subscribers.remove(callback)

        return unsubscribe

    def unanswered_callback_queries(self) -> list[PendingCallbackQuery]:
        """Callback queries (pressed buttons) the bot has not answered yet."""
        return [q for q in self._queries.values() if q.answer is None]

    def callback_query(self, query_id: str) -> PendingCallbackQuery:
        """A callback query sent by a simulated user (``KeyError`` if unknown)."""
        return self._queries[query_id]

    async def wait_callback_answered(self, query_id: str, timeout: float = 10) -> CallbackAnswer:
        """Wait until the bot answers the callback query ``query_id``."""
        query = self._queries[query_id]
        deadline = time.monotonic() + timeout
        while query.answer is None:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(
                    f"Callback query {query_id} (data {query.data!r}) was not answered within "
                    f"{timeout:g} s.\n" + self.describe_chat(query.chat_id)
                )
            await query.answered.wait(remaining)
        return query.answer

    def _busy(self, callbacks: bool = True) -> bool:
        return bool(
            (callbacks and self.unanswered_callback_queries())
            or self._updates
            or self._deliveries
            or self._delayed
        )

    async def settle(
        self, timeout: float = 5.0, *, quiet: float = 0.05, callbacks: bool = True
    ) -> bool:
        """Wait until the bot is idle: all callback queries answered, all updates fetched
        or delivered, and no call for ``quiet`` seconds.  ``False`` if ``timeout`` passed.

        ``callbacks=False``: unanswered callback queries do not count (after a crash, the
        queries a killed bot had fetched are never answered).
        """
        deadline = time.monotonic() + timeout
        while True:
            now = time.monotonic()
            busy = self._busy(callbacks)
            idle_for = now - self._last_activity
            if not busy and idle_for >= quiet:
                return True
            if now >= deadline:
                return False
            wait = deadline - now
            if not busy:
                wait = min(wait, quiet - idle_for)
            await self._activity.wait(max(wait, 0.001))

    def assert_clean(self) -> None:
        """Fail with a list of every rejected call and unanswered callback query."""
        problems: list[str] = []
        if self.rejected:
            problems.append(f"{len(self.rejected)} call(s) Telegram would reject:")
            problems.extend(f"  - {call}" for call in self.rejected)
        pending = self.unanswered_callback_queries()
        if pending:
            problems.append(f"{len(pending)} callback query(ies) never answered:")
            problems.extend(
                f"  - id={q.id} data={q.data!r} chat={q.chat_id} message={q.message_id} "
                f"({q.age:.1f} s ago)"
                for q in pending
            )
        if problems:
            raise AssertionError("\n".join(problems))

    async def assert_clean_settled(self, timeout: float = 5.0) -> None:
        """:meth:`settle` (up to ``timeout`` seconds), then :meth:`assert_clean`."""
        await self.settle(timeout)
        self.assert_clean()

    def describe_chat(self, chat_id: int, last: int = 5) -> str:
        """A readable summary of a chat's recent bot messages and the rejected calls in it."""
        lines: list[str] = []
        chat = self._chats.get(chat_id)
        if chat is not None:
            recent = chat.bot_messages[-last:]
            lines.append(f"Last {len(recent)} bot message(s) of {len(chat.bot_messages)}:")
            lines.extend(f"  {m!r}" for m in recent)
        related = [c for c in self.rejected if c.params.get("chat_id") in (chat_id, str(chat_id))]
        if related:
            lines.append("Rejected calls in this chat:")
            lines.extend(f"  - {c}" for c in related[-last:])
        elif self.rejected:
            lines.append(
                f"Rejected calls (any chat): {len(self.rejected)}; last: {self.rejected[-1]}"
            )
        return "\n".join(lines)

    # ================================================================== client side

    def deliver_message(
        self,
        chat: ChatState,
        sender: UserInfo,
        content: JsonDict,
        *,
        reply_to: int | None = None,
    ) -> JsonDict:
        """A user message appears in ``chat`` (used by the simulated clients)."""
        message: JsonDict = {
            "message_id": chat.next_message_id(),
            "from": sender.to_api(),
            "chat": chat.to_api(),
            "date": _now(),
        }
        if reply_to is not None:
            target = self._message_dict(chat, reply_to, nested=False)
            if target is not None:
                message["reply_to_message"] = target
        message.update(content)
        if chat.type == "private" and sender.id in self._blocked:
            self.unblock(sender.id)  # writing to the bot again unblocks it, as in Telegram
        chat.user_messages[message["message_id"]] = message
        update = self._push_update("message", message, chat.id)
        self._emit(SandboxEvent("user_message", chat.id, update=update, data=message))
        return message

    def deliver_edit(
        self,
        chat: ChatState,
        sender: UserInfo,
        message_id: int,
        text: str,
        entities: list[JsonDict] | None = None,
    ) -> JsonDict:
        """A user edits one of their text messages (``edited_message`` update)."""
        original = chat.user_messages.get(message_id)
        if original is None or original["from"]["id"] != sender.id or "text" not in original:
            raise AssertionError(f"User {sender.id} has no text message #{message_id} to edit")
        edited = {**original, "text": text, "edit_date": _now()}
        edited.pop("entities", None)
        if entities:
            edited["entities"] = entities
        chat.user_messages[message_id] = edited
        update = self._push_update("edited_message", edited, chat.id)
        self._emit(SandboxEvent("user_message", chat.id, update=update, data=edited))
        return edited

    def deliver_callback_query(
        self, chat: ChatState, sender: UserInfo, message: BotMessage, data: str
    ) -> PendingCallbackQuery:
        """A user presses an inline button (used by the simulated clients)."""
        self._query_counter += 1
        query_id = str(
            4_000_000_000_000_000 + self.bot_id % 1000 * 10_000_000 + self._query_counter
        )
        query = PendingCallbackQuery(query_id, sender.id, chat.id, message.message_id, data)
        self._queries[query_id] = query
        payload = {
            "id": query_id,
            "from": sender.to_api(),
            "chat_instance": _chat_instance(chat.id),
            "message": self._message_api(chat, message),
            "data": data,
        }
        update = self._push_update("callback_query", payload, chat.id)
        self._emit(
            SandboxEvent("callback_query", chat.id, message=message, update=update, query=query)
        )
        return query

    def store_file(
        self,
        kind: str,
        data: bytes | None,
        *,
        file_name: str | None = None,
        mime_type: str | None = None,
    ) -> StoredFile:
        """Register a file so that getFile and the file URL serve it."""
        self._file_counter += 1
        n = self._file_counter
        folder, default_ext = _FILE_FOLDERS.get(kind, ("documents", ""))
        ext = default_ext
        if file_name and "." in file_name:
            ext = "." + file_name.rsplit(".", 1)[1][:10]
        stored = StoredFile(
            file_id=f"AgAC{kind[:2].upper()}{self.bot_id % 100000:05d}x{n:08d}",
            file_unique_id=f"AQAD{n:08d}",
            kind=kind,
            data=data,
            file_path=f"{folder}/file_{n}{ext}",
            file_name=file_name,
            mime_type=mime_type,
        )
        self._files[stored.file_id] = stored
        self._files_by_path[stored.file_path] = stored
        return stored

    def photo_sizes(self, stored: StoredFile) -> list[JsonDict]:
        """``PhotoSize`` objects (a thumbnail and the full size) for a stored photo."""
        width, height = _image_size(stored.data)
        scale = min(1.0, 90 / max(width, height, 1))
        thumb_id = stored.file_id + "_t"
        self._files[thumb_id] = stored
        return [
            {
                "file_id": thumb_id,
                "file_unique_id": stored.file_unique_id + "t",
                "file_size": stored.file_size,
                "width": max(1, round(width * scale)),
                "height": max(1, round(height * scale)),
            },
            {
                "file_id": stored.file_id,
                "file_unique_id": stored.file_unique_id,
                "file_size": stored.file_size,
                "width": width,
                "height": height,
            },
        ]

    # ================================================================== updates

    def _push_update(self, kind: str, payload: JsonDict, chat_id: int | None) -> JsonDict | None:
        if self._allowed_updates:
            if kind not in self._allowed_updates:
                return None
        elif kind in _DEFAULT_EXCLUDED_UPDATES:
            return None
        self._last_update_id += 1
        update = {"update_id": self._last_update_id, kind: payload}
        self._touch()
        if self._webhook is not None:
            try:
                loop = asyncio.get_running_loop()
            except RuntimeError:
                loop = None
            if loop is not None:
                self._deliveries += 1
                lock = self._delivery_locks.setdefault(chat_id, asyncio.Lock())
                task = loop.create_task(self._deliver(update, lock))
                self._tasks.add(task)
                task.add_done_callback(self._tasks.discard)
                return update
        self._updates.append(update)
        self._updates_signal.fire()
        return update

    def _chat_member_update(self, user_id: int, old: str, new: str) -> None:
        chat = self._chats.get(user_id)
        info = self._users.get(user_id)
        if chat is None or info is None:
            return

        def member(status: str) -> JsonDict:
            data: JsonDict = {"status": status, "user": dict(self.bot_user)}
            if status == "kicked":
                data["until_date"] = 0
            return data

        payload = {
            "chat": chat.to_api(),
            "from": info.to_api(),
            "date": _now(),
            "old_chat_member": member(old),
            "new_chat_member": member(new),
        }
        self._push_update("my_chat_member", payload, user_id)

    def _touch(self) -> None:
        self._last_activity = time.monotonic()
        self._activity.fire()

    async def _deliver(self, update: JsonDict, lock: asyncio.Lock) -> None:
        try:
            async with lock:
                attempt = 0
                error = "not delivered"
                while attempt < self.webhook_attempts:
                    webhook = self._webhook
                    if webhook is None:  # deleted meanwhile: back to getUpdates
                        self._updates.append(update)
                        self._updates = deque(sorted(self._updates, key=lambda u: u["update_id"]))
                        self._updates_signal.fire()
                        return
                    async with webhook.semaphore:
                        result = await self._post_update(webhook, update)
                    if result is None:
                        return
                    error = result
                    webhook.last_error_date = _now()
                    webhook.last_error_message = error
                    attempt += 1
                    if attempt < self.webhook_attempts:
                        await asyncio.sleep(self.webhook_retry_delay * 2 ** (attempt - 1))
                _LOG.warning(
                    "Webhook delivery of update %s failed: %s", update["update_id"], error
                )
                self.webhook_failures.append((update, error))
        finally:
            self._deliveries -= 1
            self._touch()

    async def _post_update(self, webhook: _Webhook, update: JsonDict) -> str | None:
        if self._session is None:
            self._session = aiohttp.ClientSession()
        headers = {}
        if webhook.secret_token:
            headers["X-Telegram-Bot-Api-Secret-Token"] = webhook.secret_token
        try:
            async with self._session.post(
                webhook.url,
                json=update,
                headers=headers,
                timeout=aiohttp.ClientTimeout(total=self.webhook_timeout),
            ) as response:
                await response.read()
                if 200 <= response.status < 300:
                    return None
                return f"Wrong response from the webhook: {response.status} {response.reason}"
        except TimeoutError:
            return "Read timeout expired"
        except aiohttp.ClientError as err:
            return f"Connection failed: {err}"

    # ================================================================== HTTP layer

    async def _handle_api(self, request: web.Request) -> web.StreamResponse:
        name = request.match_info["method"]
        if request.match_info["token"] != self.token:
            return self._failed(ApiCall(name, {}), ApiError(401, "Unauthorized"))
        spec = self.spec.method(name)
        if spec is None:
            return self._failed(ApiCall(name, {}), ApiError(404, "Not Found"))
        call = ApiCall(spec.name, {})
        try:
            raw = await self._read_params(request)
            call.params = raw
            fault = self._take_fault(spec)
            if fault is not None and fault.kind == "delay":
                self._delayed += 1
                try:
                    await asyncio.sleep(fault.seconds)
                finally:
                    self._delayed -= 1
                transport = request.transport
                if transport is None or transport.is_closing():
                    # 499: "client closed request"; the answer reaches nobody.
                    raise InjectedFault(499, "client went away")
            elif fault is not None and fault.kind == "drop":
                call.ok = False
                call.description = fault.description
                call.injected = True
                self.calls.append(call)
                self._touch()
                if request.transport is not None:
                    request.transport.close()
                return web.Response(status=500)  # never reaches the client
            params = self.spec.validate(spec, raw)
            call.params = params
            self._check_flood(spec, params)
            handler = self._handlers.get(spec.name.lower(), self._generic)
            result = await handler(spec, params, request)
        except ApiError as err:
            return self._failed(call, err)
        call.result = result
        self.calls.append(call)
        if spec.name != "getUpdates":
            self._touch()
        return web.json_response({"ok": True, "result": result}, dumps=_dumps)

    def _failed(self, call: ApiCall, err: ApiError) -> web.StreamResponse:
        call.ok = False
        call.error_code = err.error_code
        call.description = err.description
        call.injected = isinstance(err, InjectedFault)
        self.calls.append(call)
        if not call.injected:
            self.rejected.append(call)
            _LOG.warning("Rejected %s: %s", call.method, err.description)
        self._touch()
        return web.json_response(err.payload(), status=err.error_code, dumps=_dumps)

    async def _read_params(self, request: web.Request) -> Params:
        params: Params = dict(request.query)
        if request.method != "POST" or not request.body_exists:
            return params
        ctype = request.content_type
        if ctype == "application/json":
            try:
                body = json.loads(await request.read())
            except ValueError:
                raise _bad("can't parse JSON object") from None
            if not isinstance(body, dict):
                raise _bad("JSON object expected as request body")
            params.update(body)
        elif ctype.startswith("multipart/"):
            reader = await request.multipart()
            while True:
                part = await reader.next()
                if part is None:
                    break
                if not isinstance(part, BodyPartReader) or not part.name:
                    continue
                if part.filename is not None:
                    data = await part.read()
                    params[part.name] = UploadedFile(
                        name=part.name,
                        filename=part.filename,
                        content_type=part.headers.get(
                            hdrs.CONTENT_TYPE, "application/octet-stream"
                        ),
                        data=bytes(data),
                    )
                else:
                    params[part.name] = await part.text()
        else:
            form = await request.post()
            for key, value in form.items():
                if isinstance(value, str):
                    params[key] = value
                elif isinstance(value, bytes):
                    params[key] = value.decode("utf-8", "replace")
        return params

    async def _handle_file(self, request: web.Request) -> web.StreamResponse:
        if request.match_info["token"] != self.token:
            return web.json_response(ApiError(401, "Unauthorized").payload(), status=401)
        stored = self._files_by_path.get(request.match_info["path"])
        if stored is None or stored.data is None:
            return web.json_response(ApiError(404, "Not Found").payload(), status=404)
        return web.Response(
            body=stored.data, content_type=stored.mime_type or "application/octet-stream"
        )

    def _take_fault(self, spec: MethodSpec) -> _Fault | None:
        """The fault for this call, if one is due; an error fault is raised at once."""
        for key in (spec.name.lower(), "*"):
            queue = self._faults.get(key)
            if not queue:
                continue
            fault = queue[0]
            fault.remaining -= 1
            if fault.remaining <= 0:
                queue.popleft()
            if fault.kind != "error":
                return fault
            parameters = {"retry_after": fault.retry_after} if fault.retry_after else None
            raise InjectedFault(fault.status, fault.description, parameters=parameters)
        return None

    def _check_flood(self, spec: MethodSpec, params: Params) -> None:
        if self._global_bucket is None and self._chat_rate is None:
            return
        if not spec.name.startswith(_FLOOD_PREFIXES) or spec.name == "sendChatAction":
            return
        now = time.monotonic()
        buckets: list[_Bucket] = []
        if self._global_bucket is not None:
            buckets.append(self._global_bucket)
        chat_key = params.get("chat_id")
        if self._chat_rate is not None and chat_key is not None:
            bucket = self._chat_buckets.get(chat_key)
            if bucket is None:
                bucket = self._chat_buckets[chat_key] = _Bucket(self._chat_rate)
            buckets.append(bucket)
        wait = max(b.wait_time(now) for b in buckets)
        if wait > 0:
            retry_after = max(1, math.ceil(wait))
            raise InjectedFault(
                429,
                f"Too Many Requests: retry after {retry_after}",
                parameters={"retry_after": retry_after},
            )
        for bucket in buckets:
            bucket.take()

    # ================================================================== helpers

    def _chat(self, chat_id: int | str, *, sending: bool = False) -> ChatState:
        chat: ChatState | None = None
        if isinstance(chat_id, int):
            chat = self._chats.get(chat_id)
        elif chat_id.startswith("@"):
            name = chat_id[1:].lower()
            chat = next(
                (c for c in self._chats.values() if c.username and c.username.lower() == name),
                None,
            )
        if chat is None:
            if isinstance(chat_id, int) and chat_id in self._users:
                raise ApiError(403, "Forbidden: bot can't initiate conversation with a user")
            raise _bad("chat not found")
        if sending and chat.type == "private" and chat.id in self._blocked:
            raise InjectedFault(403, "Forbidden: bot was blocked by the user")
        return chat

    def _formatted(
        self, text: str, parse_mode: str | None, entities: Any, *, caption: bool
    ) -> FormattedText:
        try:
            formatted = format_text(text, parse_mode, entities).stripped()
        except (EntityParseError, UnsupportedParseMode) as err:
            raise ApiError(400, err.description) from None
        length = formatted.length
        if caption:
            if length > MAX_CAPTION:
                raise _bad("message caption is too long")
        else:
            if not formatted.text:
                raise _bad("message text is empty")
            if length > MAX_TEXT:
                raise _bad("message is too long")
        return formatted

    def _checked_markup(
        self, markup: JsonDict | None, *, inline_only: bool = False
    ) -> JsonDict | None:
        if markup is None:
            return None
        if "inline_keyboard" in markup:
            self._check_inline_keyboard(markup["inline_keyboard"])
            return markup
        if inline_only:
            raise _bad("inline keyboard expected")
        if "keyboard" in markup:
            rows = markup["keyboard"]
            for row in rows:
                for button in row:
                    label = button if isinstance(button, str) else button.get("text", "")
                    if not str(label).strip():
                        raise _bad("can't parse keyboard button: text must be non-empty")
        return markup

    def _check_inline_keyboard(self, rows: list[list[JsonDict]]) -> None:
        button_type = self.spec.type("InlineKeyboardButton")
        assert button_type is not None
        actions = [
            f for f in button_type.fields if f not in ("text", "icon_custom_emoji_id", "style")
        ]
        total = 0
        for row in rows:
            for button in row:
                total += 1
                if not str(button.get("text", "")).strip():
                    raise _bad("can't parse inline keyboard button: text must be non-empty")
                present = [a for a in actions if button.get(a) is not None]
                if not present:
                    raise _bad(
                        "can't parse inline keyboard button: "
                        "Text buttons are unallowed in the inline keyboard"
                    )
                if len(present) > 1:
                    raise _bad(
                        "can't parse inline keyboard button: exactly one of the optional fields "
                        f"must be used, found {', '.join(present)}"
                    )
                if "callback_data" in present:
                    size = len(str(button["callback_data"]).encode("utf-8", "surrogatepass"))
                    if not 1 <= size <= 64:
                        raise _bad("BUTTON_DATA_INVALID")
                if "url" in present:
                    url = str(button["url"])
                    if not _valid_button_url(url):
                        raise _bad(
                            f"inline keyboard button URL '{url}' is invalid: Wrong HTTP URL"
                        )
        if total > 100:
            raise _bad("reply markup is too long")

    def _reply_target(self, chat: ChatState, params: Params) -> int | None:
        reply = params.get("reply_parameters")
        if not reply:
            return None
        message_id = int(reply["message_id"])
        target_chat = chat
        if reply.get("chat_id") not in (None, chat.id):
            target_chat = self._chat(reply["chat_id"])
        if target_chat.message_exists(message_id):
            return message_id if target_chat is chat else None
        if reply.get("allow_sending_without_reply"):
            return None
        raise _bad("message to be replied not found")

    def _message_dict(
        self, chat: ChatState, message_id: int, *, nested: bool = True
    ) -> JsonDict | None:
        bot_message = chat.by_id.get(message_id)
        if bot_message is not None:
            return self._message_api(chat, bot_message) if nested else bot_message.to_api()
        user_message = chat.user_messages.get(message_id)
        if user_message is None:
            return None
        if nested:
            return user_message
        return {k: v for k, v in user_message.items() if k != "reply_to_message"}

    def _message_api(self, chat: ChatState, message: BotMessage) -> JsonDict:
        reply = None
        if message.reply_to_message_id is not None:
            reply = self._message_dict(chat, message.reply_to_message_id, nested=False)
        return message.to_api(with_reply=reply)

    def _new_message(
        self, chat: ChatState, spec: MethodSpec, params: Params, kind: str
    ) -> BotMessage:
        return BotMessage(
            message_id=chat.next_message_id(),
            chat_id=chat.id,
            kind=kind,
            date=_now(),
            method=spec.name,
            params=params,
            sender=self.bot_user,
            chat=chat.to_api(),
        )

    def _publish(self, chat: ChatState, message: BotMessage) -> JsonDict:
        chat.bot_messages.append(message)
        chat.by_id[message.message_id] = message
        chat.changed.fire()
        self._emit(SandboxEvent("message", chat.id, message=message))
        return self._message_api(chat, message)

    def _apply_caption(self, message: BotMessage, params: Params) -> None:
        caption = params.get("caption")
        if caption is None:
            return
        formatted = self._formatted(
            caption, params.get("parse_mode"), params.get("caption_entities"), caption=True
        )
        message.caption = formatted.text or None
        message.caption_entities = list(formatted.entities)
        message.html = caption
        message.parse_mode = params.get("parse_mode")

    def _emit(self, event: SandboxEvent) -> None:
        for callback in list(self._subscribers):
            try:
                result = callback(event)
            except Exception:
                _LOG.exception("Sandbox event subscriber failed")
                continue
            if inspect.isawaitable(result):
                task = asyncio.ensure_future(result)
                self._tasks.add(task)
                task.add_done_callback(self._tasks.discard)

    def _edit_target(
        self, params: Params, action: Literal["edit", "delete"]
    ) -> tuple[ChatState, BotMessage]:
        if params.get("inline_message_id"):
            raise _bad("MESSAGE_ID_INVALID")
        if params.get("chat_id") is None:
            raise _bad('parameter "chat_id" is required')
        if params.get("message_id") is None:
            raise _bad('parameter "message_id" is required')
        chat = self._chat(params["chat_id"], sending=action == "edit")
        message_id = params["message_id"]
        message = chat.by_id.get(message_id)
        if message is None or message.deleted:
            if action == "edit" and chat.message_exists(message_id):
                raise _bad("message can't be edited")
            raise _bad(f"message to {action} not found")
        return chat, message

    def _record_edit(self, chat: ChatState, message: BotMessage) -> JsonDict:
        message.edits += 1
        message.edit_date = _now()
        chat.edits.append(message)
        chat.changed.fire()
        self._emit(SandboxEvent("edited", chat.id, message=message))
        return self._message_api(chat, message)

    def _input_file(self, value: Any, kind: str) -> StoredFile:
        if isinstance(value, UploadedFile):
            if not value.data:
                raise _bad("file must be non-empty")
            return self.store_file(
                kind, value.data, file_name=value.filename, mime_type=value.content_type
            )
        text = str(value)
        stored = self._files.get(text)
        if stored is not None:
            if stored.kind != kind and not (kind == "document" and stored.kind != "photo"):
                wanted = kind.replace("_", " ").title()
                raise _bad(f"can't use file of type {stored.kind.title()} as {wanted}")
            return stored
        parts = urlsplit(text)
        if parts.scheme in ("http", "https") and parts.netloc:
            name = parts.path.rsplit("/", 1)[-1] or None
            return self.store_file(kind, None, file_name=name)
        raise _bad("wrong file identifier/HTTP URL specified")

    def _scope_key(
        self, scope: JsonDict, language_code: str
    ) -> tuple[str, int | None, int | None, str]:
        kind = str(scope.get("type", "default"))
        if kind not in _SCOPE_TYPES:
            raise _bad("unsupported bot command scope type")
        chat_id: int | None = None
        user_id: int | None = None
        if kind in ("chat", "chat_administrators", "chat_member"):
            raw = scope.get("chat_id")
            chat_id = self._chat(
                int(raw)
                if isinstance(raw, int | str) and str(raw).lstrip("-").isdigit()
                else str(raw)
            ).id
        if kind == "chat_member":
            user_id = int(scope.get("user_id", 0))
            if user_id not in self._users:
                raise _bad("user not found")
        return kind, chat_id, user_id, language_code

    # ================================================================== methods

    async def _true(self, spec: MethodSpec, params: Params, request: web.Request) -> Any:
        return True

    async def _generic(self, spec: MethodSpec, params: Params, request: web.Request) -> Any:
        _LOG.info("%s accepted (not simulated)", spec.name)
        ret = spec.returns[0] if spec.returns else None
        if ret is None:
            return True
        if ret.depth:
            return []
        if ret.name in ("Message", "MessageId") and params.get("chat_id") is not None:
            chat = self._chat(params["chat_id"], sending=True)
            kind = spec.name[4:].lower() if spec.name.startswith("send") else "message"
            message = self._new_message(chat, spec, params, kind or "message")
            self._apply_caption(message, params)
            result = self._publish(chat, message)
            return result if ret.name == "Message" else {"message_id": message.message_id}
        if ret.name in ("Boolean", "True"):
            return True
        if ret.name == "Integer":
            return 0
        if ret.name == "String":
            return ""
        type_spec = self.spec.type(ret.name)
        if type_spec is not None and not type_spec.subtypes:
            return self.spec.defaults(ret.name)
        return True

    async def _get_me(self, spec: MethodSpec, params: Params, request: web.Request) -> Any:
        return {
            **self.bot_user,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    async def _get_updates(self, spec: MethodSpec, params: Params, request: web.Request) -> Any:
        if self._webhook is not None:
            raise ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; "
                "use deleteWebhook to delete the webhook first",
            )
        offset: int | None = params.get("offset")
        limit = min(max(int(params.get("limit", 100)), 1), 100)
        timeout = max(0, int(params.get("timeout", 0)))
        if "allowed_updates" in params:
            self._allowed_updates = frozenset(str(u) for u in params["allowed_updates"])
        self._poll_generation += 1
        generation = self._poll_generation
        self._updates_signal.fire()  # terminates an older long poll
        if offset is not None:
            if offset < 0:
                while len(self._updates) > -offset:
                    self._updates.popleft()
            else:
                while self._updates and self._updates[0]["update_id"] < offset:
                    self._updates.popleft()
            self._touch()
        deadline = time.monotonic() + timeout
        while not self._updates and not self._closing:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                break
            await self._updates_signal.wait(remaining)
            if generation != self._poll_generation:
                await self._conflict(request)
        if generation != self._poll_generation:
            await self._conflict(request)
        return [self._updates[i] for i in range(min(limit, len(self._updates)))]

    async def _conflict(self, request: web.Request) -> None:
        for _ in range(20):  # give a cancelled client's closing connection time to show
            transport = request.transport
            if transport is None or transport.is_closing():
                raise InjectedFault(409, "Conflict: client went away")
            await asyncio.sleep(0.01)
        raise ApiError(
            409,
            "Conflict: terminated by other getUpdates request; "
            "make sure that only one bot instance is running",
        )

    async def _set_webhook(self, spec: MethodSpec, params: Params, request: web.Request) -> Any:
        url = str(params.get("url", ""))
        if not url:
            return await self._delete_webhook(spec, params, request)
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise _bad("bad webhook: invalid webhook URL specified")
        secret = params.get("secret_token")
        if secret is not None and not _SECRET_RE.fullmatch(secret):
            raise _bad("bad webhook: secret token contains unallowed characters")
        max_connections = int(params.get("max_connections", 40))
        if not 1 <= max_connections <= 100:
            raise _bad("bad webhook: max_connections must be between 1 and 100")
        if "allowed_updates" in params:
            self._allowed_updates = frozenset(str(u) for u in params["allowed_updates"])
        if params.get("drop_pending_updates"):
            self._updates.clear()
        self._webhook = _Webhook(
            url=url,
            secret_token=secret,
            max_connections=max_connections,
            ip_address=params.get("ip_address"),
            semaphore=asyncio.Semaphore(max_connections),
        )
        self._updates_signal.fire()
        pending = list(self._updates)
        self._updates.clear()
        for update in pending:
            self._deliveries += 1
            chat_id = _update_chat_id(update)
            lock = self._delivery_locks.setdefault(chat_id, asyncio.Lock())
            task = asyncio.get_running_loop().create_task(self._deliver(update, lock))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
        return True

    async def _delete_webhook(self, spec: MethodSpec, params: Params, request: web.Request) -> Any:
        self._webhook = None
        if params.get("drop_pending_updates"):
            self._updates.clear()
        return True

    async def _get_webhook_info(
        self, spec: MethodSpec, params: Params, request: web.Request
    ) -> Any:
        webhook = self._webhook
        info: JsonDict = {
            "url": webhook.url if webhook else "",
            "has_custom_certificate": False,
            "pending_update_count": len(self._updates) + self._deliveries,
        }
        if webhook is not None:
            info["max_connections"] = webhook.max_connections
            if webhook.ip_address:
                info["ip_address"] = webhook.ip_address
            if webhook.last_error_date is not None:
                info["last_error_date"] = webhook.last_error_date
                info["last_error_message"] = webhook.last_error_message
        if self._allowed_updates:
            info["allowed_updates"] = sorted(self._allowed_updates)
        return info

    def _commands_key(self, params: Params) -> tuple[str, int | None, int | None, str]:
        language = str(params.get("language_code", ""))
        if language and not _LANGUAGE_RE.fullmatch(language):
            raise _bad("invalid language code specified")
        return self._scope_key(params.get("scope") or {"type": "default"}, language)

    async def _set_my_commands(
        self, spec: MethodSpec, params: Params, request: web.Request
    ) -> Any:
        commands: list[JsonDict] = params["commands"]
        if len(commands) > 100:
            raise _bad("too many commands specified")
        for command in commands:
            name = str(command["command"])
            if not _COMMAND_RE.fullmatch(name):
                raise _bad("BOT_COMMAND_INVALID")
            description = str(command["description"])
            if not 1 <= len(description.strip()) <= 256:
                raise _bad("BOT_COMMAND_DESCRIPTION_INVALID")
        key = self._commands_key(params)
        if commands:
            self._commands[key] = [
                {"command": str(c["command"]), "description": str(c["description"])}
                for c in commands
            ]
        else:
            self._commands.pop(key, None)
        return True

    async def _get_my_commands(
        self, spec: MethodSpec, params: Params, request: web.Request
    ) -> Any:
        return list(self._commands.get(self._commands_key(params), []))

    async def _delete_my_commands(
        self, spec: MethodSpec, params: Params, request: web.Request
    ) -> Any:
        self._commands.pop(self._commands_key(params), None)
        return True

    async def _send_message(self, spec: MethodSpec, params: Params, request: web.Request) -> Any:
        chat = self._chat(params["chat_id"], sending=True)
        formatted = self._formatted(
            params["text"], params.get("parse_mode"), params.get("entities"), caption=False
        )
        markup = self._checked_markup(params.get("reply_markup"))
        reply_to = self._reply_target(chat, params)
        message = self._new_message(chat, spec, params, "text")
        message.text = formatted.text
        message.entities = list(formatted.entities)
        message.html = params["text"]
        message.parse_mode = params.get("parse_mode")
        message.reply_markup = markup
        message.reply_to_message_id = reply_to
        return self._publish(chat, message)

    async def _send_media(self, spec: MethodSpec, params: Params, request: web.Request) -> Any:
        kind = _MEDIA_METHODS[spec.name.lower()]
        chat = self._chat(params["chat_id"], sending=True)
        message = self._new_message(chat, spec, params, kind)
        self._apply_caption(message, params)
        message.reply_markup = self._checked_markup(params.get("reply_markup"))
        message.reply_to_message_id = self._reply_target(chat, params)
        stored = self._input_file(params[kind], kind)
        message.file_id = stored.file_id
        message.mime_type = stored.mime_type
        base: JsonDict = {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": stored.file_size,
        }
        if kind == "photo":
            message.photo = stored.data
            message.media = {"photo": self.photo_sizes(stored)}
            return self._publish(chat, message)
        if kind == "document":
            message.document = stored.data
            message.document_name = stored.file_name
            if stored.file_name:
                base["file_name"] = stored.file_name
            if stored.mime_type:
                base["mime_type"] = stored.mime_type
        elif kind in ("audio", "voice"):
            base["duration"] = int(params.get("duration", 0))
            if stored.mime_type:
                base["mime_type"] = stored.mime_type
        elif kind in ("video", "animation"):
            base["width"] = int(params.get("width", 640))
            base["height"] = int(params.get("height", 480))
            base["duration"] = int(params.get("duration", 0))
        elif kind == "video_note":
            base["length"] = int(params.get("length", 240))
            base["duration"] = int(params.get("duration", 0))
        elif kind == "sticker":
            base.update(
                {
                    "type": "regular",
                    "width": 512,
                    "height": 512,
                    "is_animated": False,
                    "is_video": False,
                }
            )
            if params.get("emoji"):
                base["emoji"] = params["emoji"]
        message.media = {kind: base}
        return self._publish(chat, message)

    async def _send_content(
        self, spec: MethodSpec, params: Params, kind: str, content: JsonDict
    ) -> Any:
        chat = self._chat(params["chat_id"], sending=True)
        message = self._new_message(chat, spec, params, kind)
        message.reply_markup = self._checked_markup(params.get("reply_markup"))
        message.reply_to_message_id = self._reply_target(chat, params)
        message.media = {kind: content}
        return self._publish(chat, message)

    async def _send_location(self, spec: MethodSpec, params: Params, request: web.Request) -> Any:
        latitude, longitude = float(params["latitude"]), float(params["longitude"])
        if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
            raise _bad("wrong latitude or longitude specified")
        return await self._send_content(
            spec, params, "location", {"latitude": latitude, "longitude": longitude}
        )

    async def _send_contact(self, spec: MethodSpec, params: Params, request: web.Request) -> Any:
        contact = {"phone_number": params["phone_number"], "first_name": params["first_name"]}
        if params.get("last_name"):
            contact["last_name"] = params["last_name"]
        return await self._send_content(spec, params, "contact", contact)

    async def _send_dice(self, spec: MethodSpec, params: Params, request: web.Request) -> Any:
        emoji = str(params.get("emoji", "🎲"))
        return await self._send_content(spec, params, "dice", {"emoji": emoji, "value": 1})

    async def _send_poll(self, spec: MethodSpec, params: Params, request: web.Request) -> Any:
        question = str(params["question"])
        if not 1 <= len(question) <= 300:
            raise _bad("poll question length must be between 1 and 300")
        options = params["options"]
        if not 2 <= len(options) <= 12:
            raise _bad("poll must have 2-12 options")
        poll = self.spec.defaults("Poll")
        option_list = []
        for index, option in enumerate(options):
            item = self.spec.defaults("PollOption")
            text = option["text"] if isinstance(option, dict) else option
            item.update({"persistent_id": str(index), "text": str(text), "voter_count": 0})
            option_list.append(item)
        self._file_counter += 1
        poll.update(
            {
                "id": str(5_000_000_000_000_000 + self._file_counter),
                "question": question,
                "options": option_list,
                "is_closed": bool(params.get("is_closed", False)),
                "is_anonymous": bool(params.get("is_anonymous", True)),
                "type": str(params.get("type", "regular")),
                "allows_multiple_answers": bool(params.get("allows_multiple_answers", False)),
            }
        )
        return await self._send_content(spec, params, "poll", poll)

    async def _edit_message_text(
        self, spec: MethodSpec, params: Params, request: web.Request
    ) -> Any:
        chat, message = self._edit_target(params, "edit")
        if message.kind != "text":
            raise _bad("there is no text in the message to edit")
        formatted = self._formatted(
            params["text"], params.get("parse_mode"), params.get("entities"), caption=False
        )
        markup = self._checked_markup(params.get("reply_markup"), inline_only=True)
        if (
            formatted.text == message.text
            and list(formatted.entities) == message.entities
            and _inline_rows(markup) == _inline_rows(message.reply_markup)
        ):
            raise _bad(NOT_MODIFIED)
        message.text = formatted.text
        message.entities = list(formatted.entities)
        message.html = params["text"]
        message.parse_mode = params.get("parse_mode")
        message.reply_markup = markup
        return self._record_edit(chat, message)

    async def _edit_message_caption(
        self, spec: MethodSpec, params: Params, request: web.Request
    ) -> Any:
        chat, message = self._edit_target(params, "edit")
        if message.kind == "text":
            raise _bad("there is no caption in the message to edit")
        formatted = self._formatted(
            params.get("caption", ""),
            params.get("parse_mode"),
            params.get("caption_entities"),
            caption=True,
        )
        markup = self._checked_markup(params.get("reply_markup"), inline_only=True)
        if (
            (formatted.text or None) == message.caption
            and list(formatted.entities) == message.caption_entities
            and _inline_rows(markup) == _inline_rows(message.reply_markup)
        ):
            raise _bad(NOT_MODIFIED)
        message.caption = formatted.text or None
        message.caption_entities = list(formatted.entities)
        message.html = params.get("caption", "")
        message.parse_mode = params.get("parse_mode")
        message.reply_markup = markup
        return self._record_edit(chat, message)

    async def _edit_message_reply_markup(
        self, spec: MethodSpec, params: Params, request: web.Request
    ) -> Any:
        chat, message = self._edit_target(params, "edit")
        markup = self._checked_markup(params.get("reply_markup"), inline_only=True)
        if _inline_rows(markup) == _inline_rows(message.reply_markup):
            raise _bad(NOT_MODIFIED)
        message.reply_markup = markup
        return self._record_edit(chat, message)

    async def _delete_message(self, spec: MethodSpec, params: Params, request: web.Request) -> Any:
        chat = self._chat(params["chat_id"])
        message_id = params["message_id"]
        if not self._delete_one(chat, message_id):
            raise _bad("message to delete not found")
        return True

    async def _delete_messages(
        self, spec: MethodSpec, params: Params, request: web.Request
    ) -> Any:
        chat = self._chat(params["chat_id"])
        ids = params["message_ids"]
        if not 1 <= len(ids) <= 100:
            raise _bad("message_ids must contain 1-100 identifiers")
        for message_id in ids:
            self._delete_one(chat, int(message_id))
        return True

    def _delete_one(self, chat: ChatState, message_id: int) -> bool:
        if not chat.message_exists(message_id):
            return False
        message = chat.by_id.get(message_id)
        if message is not None:
            message.deleted = True
        else:
            chat.deleted_user_messages.add(message_id)
        chat.changed.fire()
        self._emit(
            SandboxEvent("deleted", chat.id, message=message, data={"message_id": message_id})
        )
        return True

    async def _answer_callback_query(
        self, spec: MethodSpec, params: Params, request: web.Request
    ) -> Any:
        query = self._queries.get(params["callback_query_id"])
        if query is None or query.answer is not None:
            raise _bad(QUERY_TOO_OLD)
        text = params.get("text")
        if text is not None and utf16_len(text) > MAX_CALLBACK_TEXT:
            raise _bad("MESSAGE_TOO_LONG")
        query.answer = CallbackAnswer(
            query_id=query.id,
            text=text,
            show_alert=bool(params.get("show_alert", False)),
            url=params.get("url"),
            cache_time=int(params.get("cache_time", 0)),
        )
        query.answered.fire()
        chat = self._chats.get(query.chat_id)
        if chat is not None:
            chat.changed.fire()
        self._emit(SandboxEvent("callback_answered", query.chat_id, query=query))
        return True

    async def _get_file(self, spec: MethodSpec, params: Params, request: web.Request) -> Any:
        stored = self._files.get(params["file_id"])
        if stored is None:
            raise _bad("invalid file_id")
        if stored.data is None:
            raise _bad("wrong file_id or the file is temporarily unavailable")
        if stored.file_size > MAX_DOWNLOAD:
            raise _bad("file is too big")
        return {
            "file_id": params["file_id"],
            "file_unique_id": stored.file_unique_id,
            "file_size": stored.file_size,
            "file_path": stored.file_path,
        }

    async def _send_chat_action(
        self, spec: MethodSpec, params: Params, request: web.Request
    ) -> Any:
        chat = self._chat(params["chat_id"], sending=True)
        action = params["action"]
        if action not in _CHAT_ACTIONS:
            raise _bad("wrong parameter action in request")
        self._emit(SandboxEvent("chat_action", chat.id, data={"action": action}))
        return True

    async def _get_chat(self, spec: MethodSpec, params: Params, request: web.Request) -> Any:
        chat = self._chat(params["chat_id"])
        info = chat.to_api()
        info.update(
            {
                "accent_color_id": 0,
                "max_reaction_count": 11,
                "accepted_gift_types": self.spec.defaults("AcceptedGiftTypes"),
            }
        )
        return info

    def _member(self, chat: ChatState, user_id: int) -> JsonDict:
        if user_id == self.bot_id:
            user: JsonDict = self.bot_user
            status = "member" if chat.type == "private" else "administrator"
        else:
            info = self._users.get(user_id)
            if info is None:
                raise _bad("user not found")
            user = info.to_api()
            if chat.type == "private":
                status = (
                    "member" if chat.id == user_id and user_id not in self._blocked else "left"
                )
            elif user_id in chat.admins:
                status = "administrator"
            elif user_id in chat.members:
                status = "member"
            else:
                status = "left"
        type_name = {
            "administrator": "ChatMemberAdministrator",
            "member": "ChatMemberMember",
            "left": "ChatMemberLeft",
        }[status]
        member = self.spec.defaults(type_name)
        member.update({"status": status, "user": user})
        if status == "administrator":
            member.update({"can_manage_chat": True, "can_delete_messages": True})
        return member

    async def _get_chat_member(
        self, spec: MethodSpec, params: Params, request: web.Request
    ) -> Any:
        return self._member(self._chat(params["chat_id"]), int(params["user_id"]))

    async def _get_chat_administrators(
        self, spec: MethodSpec, params: Params, request: web.Request
    ) -> Any:
        chat = self._chat(params["chat_id"])
        if chat.type == "private":
            raise _bad("there are no administrators in the private chat")
        return [self._member(chat, user_id) for user_id in [self.bot_id, *sorted(chat.admins)]]

    async def _get_chat_member_count(
        self, spec: MethodSpec, params: Params, request: web.Request
    ) -> Any:
        chat = self._chat(params["chat_id"])
        return 2 if chat.type == "private" else len(chat.members) + 1

    async def _set_chat_menu_button(
        self, spec: MethodSpec, params: Params, request: web.Request
    ) -> Any:
        button = params.get("menu_button") or {"type": "default"}
        if params.get("chat_id") is None:
            self._default_menu_button = button
        else:
            self._chat(params["chat_id"]).menu_button = button
        return True

    async def _get_chat_menu_button(
        self, spec: MethodSpec, params: Params, request: web.Request
    ) -> Any:
        if params.get("chat_id") is None:
            return self._default_menu_button
        return self._chat(params["chat_id"]).menu_button or self._default_menu_button


def _valid_button_url(url: str) -> bool:
    parts = urlsplit(url)
    if parts.scheme in ("http", "https"):
        return bool(parts.hostname) and " " not in url
    if parts.scheme == "tg":
        return bool(parts.netloc or parts.path)
    if not parts.scheme:
        return _DOMAIN_RE.fullmatch(url) is not None
    return False


def _update_chat_id(update: JsonDict) -> int | None:
    for key, value in update.items():
        if key == "update_id" or not isinstance(value, dict):
            continue
        chat = value.get("chat") or (value.get("message") or {}).get("chat")
        if isinstance(chat, dict) and isinstance(chat.get("id"), int):
            return int(chat["id"])
    return None


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))

"""A fake Telegram Bot API server that rejects what Telegram rejects: :class:`FakeBotApi`.

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

:class:`FakeBotApi` is the one entry point; it puts together the parts of this package:

=============  ================================================================================
``server``     the HTTP side: routes, reading a call, answering it, recording it
``state``      the memory: users, chats, messages, pressed buttons, calls; what users do
``updates``    how updates reach the bot: ``getUpdates`` and webhooks
``rules``      Telegram's rules for texts, captions and keyboards
``messages``   ``sendMessage``, edits, deletions
``media``      files, locations, contacts, dice and polls
``callbacks``  ``answerCallbackQuery``
``files``      the files held, ``getFile``
``commands``   the command menus
``chats``      ``getMe``, chats, members, chat actions; every other method, accepted as is
``faults``     the failures, delays and flood limits a test arms
=============  ================================================================================
"""

# The waiting helpers take a ``timeout`` argument on purpose: it is the API tests use.
# ruff: noqa: ASYNC109

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Unpack

from aiohttp import web

from sandbox.clients import FakeGroup, FakeUser
from sandbox.fakeapi.callbacks import CallbackMethods
from sandbox.fakeapi.chats import ChatMethods
from sandbox.fakeapi.commands import CommandMenus
from sandbox.fakeapi.faults import Fault, Faults, FloodLimit
from sandbox.fakeapi.files import FileStore
from sandbox.fakeapi.media import MEDIA_METHODS, MediaMethods
from sandbox.fakeapi.messages import MessageMethods
from sandbox.fakeapi.server import ApiServer, Handler
from sandbox.fakeapi.state import Subscriber, TelegramState
from sandbox.fakeapi.updates import UpdateFeed
from sandbox.guard import local_only
from sandbox.models import (
    Activity,
    ApiCall,
    CallbackAnswer,
    ChatState,
    JsonDict,
    PendingCallbackQuery,
    Profile,
    StoredFile,
)
from sandbox.serving import LocalServer
from sandbox.spec import BotApiSpec, load_spec

# isort: split
__all__ = ["FakeBotApi"]

_LOG = logging.getLogger("sandbox.fakeapi")


class FakeBotApi:
    """A fake Telegram Bot API server with simulated residents and groups.

    Start it with :meth:`start` (or ``async with``); point the bot at :attr:`base_url` and
    :attr:`base_file_url`.  Several instances can run side by side in one process.
    """

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
        self._activity = Activity()
        self._feed = UpdateFeed(self._activity)
        self._files = FileStore(self.bot_id)
        self._state = TelegramState(self.bot_user, self._feed, self._files, self._activity)
        self._faults = Faults(self.spec)
        self._menus = CommandMenus(self._state)
        self._chat_methods = ChatMethods(self._state, self.spec)
        self._server = ApiServer(
            token,
            self.spec,
            self._state,
            self._files,
            self._faults,
            self._handlers(),
            fallback=self._chat_methods.other,
        )
        self._site: LocalServer | None = None
        self._residents: dict[int, FakeUser] = {}
        self._groups: dict[int, FakeGroup] = {}

    def _handlers(self) -> dict[str, Handler]:
        """Which part carries out which method (any other: :meth:`ChatMethods.other`)."""
        state, spec, feed, menus, chats = (
            self._state,
            self.spec,
            self._feed,
            self._menus,
            self._chat_methods,
        )
        messages = MessageMethods(state, spec)
        media = MediaMethods(state, self._files, spec)
        callbacks = CallbackMethods(state)
        return {
            "getUpdates": feed.get_updates,
            "setWebhook": feed.set_webhook,
            "deleteWebhook": feed.delete_webhook,
            "getWebhookInfo": feed.get_webhook_info,
            "setMyCommands": menus.set_my_commands,
            "getMyCommands": menus.get_my_commands,
            "deleteMyCommands": menus.delete_my_commands,
            "sendMessage": messages.send_message,
            "editMessageText": messages.edit_message_text,
            "editMessageCaption": messages.edit_message_caption,
            "editMessageReplyMarkup": messages.edit_message_reply_markup,
            "deleteMessage": messages.delete_message,
            "deleteMessages": messages.delete_messages,
            **dict.fromkeys(MEDIA_METHODS, media.send_media),
            "sendLocation": media.send_location,
            "sendContact": media.send_contact,
            "sendDice": media.send_dice,
            "sendPoll": media.send_poll,
            "answerCallbackQuery": callbacks.answer_callback_query,
            "getFile": self._files.get_file,
            "getMe": chats.get_me,
            "logOut": chats.true,
            "close": chats.true,
            "sendChatAction": chats.send_chat_action,
            "getChat": chats.get_chat,
            "getChatMember": chats.get_chat_member,
            "getChatAdministrators": chats.get_chat_administrators,
            "getChatMemberCount": chats.get_chat_member_count,
            "setChatMenuButton": chats.set_chat_menu_button,
            "getChatMenuButton": chats.get_chat_menu_button,
        }

    # ================================================================== lifecycle

    def add_routes(self, app: web.Application) -> None:
        """Serve this fake's Bot API (``/bot<token>/<method>``) and its file downloads
        (``/file/bot<token>/<path>``) from ``app``, e.g. next to a web view of the chats."""
        self._files.add_routes(app, self.token)
        self._server.add_routes(app)

    async def start(
        self, host: str = "127.0.0.1", port: int = 0, *, app: web.Application | None = None
    ) -> None:
        """Start serving on ``host``:``port`` (port 0: a free port); sets :attr:`url`.

        ``app``: serve from this application (the fake's routes are added to it, see
        :meth:`add_routes`) instead of a new one; it is cleaned up by :meth:`stop`.
        Every route of the application, the fake's and the others, answers only requests
        addressed to this machine's names and never those from other web sites
        (:func:`sandbox.guard.local_only`, put in front of the application's middlewares).
        """
        if self._site is not None:
            raise RuntimeError("FakeBotApi is already running")
        if app is None:
            app = web.Application(client_max_size=64 * 1024 * 1024)
        app.middlewares.insert(0, local_only(host))
        self.add_routes(app)
        site = LocalServer(host, port, app=app, shutdown_timeout=1.0)
        await site.start()
        self._site = site
        self._feed.open()
        _LOG.info("Fake Bot API listening on %s", site.url)

    async def stop(self) -> None:
        """Stop the server, end pending long polls and webhook deliveries."""
        await self._feed.close()
        await self._state.close()
        if self._site is not None:
            await self._site.stop()
            self._site = None

    async def __aenter__(self) -> FakeBotApi:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    @property
    def url(self) -> str:
        """The API root, e.g. ``http://127.0.0.1:41234``."""
        if self._site is None:
            raise RuntimeError("FakeBotApi has not been started")
        return self._site.url

    @property
    def base_url(self) -> str:
        """``base_url`` for python-telegram-bot (the token is appended by the library)."""
        return f"{self.url}/bot"

    @property
    def base_file_url(self) -> str:
        """``base_file_url`` for python-telegram-bot."""
        return f"{self.url}/file/bot"

    # ================================================================== what happened

    @property
    def calls(self) -> list[ApiCall]:
        """Every call the bot made, in order of completion."""
        return self._state.calls

    @property
    def rejected(self) -> list[ApiCall]:
        """Calls Telegram would have rejected (injected faults excluded)."""
        return self._state.rejected

    @property
    def webhook_failures(self) -> list[tuple[JsonDict, str]]:
        """Webhook deliveries given up after all attempts: (update, last error)."""
        return self._feed.failures

    def retry_webhook(self, attempts: int, first_delay: float, longest_delay: float) -> None:
        """Deliver each webhook update up to ``attempts`` times, waiting ``first_delay``
        seconds before the first retry, doubled for each further one up to
        ``longest_delay``: Telegram keeps trying for much longer than the defaults (4
        attempts within half a second), which a run with the database down needs."""
        self._feed.webhook_attempts = attempts
        self._feed.webhook_retry_delay = first_delay
        self._feed.webhook_longest_delay = longest_delay

    # ================================================================== simulated people

    def user(self, user_id: int | None = None, **profile: Unpack[Profile]) -> FakeUser:
        """A resident with a private chat with the bot (the same object for the same id).

        A new one gets a new id if ``user_id`` is ``None``, and ``profile``: ``first_name``
        (default "Inwoner"), ``language_code`` (default "nl"), ``last_name``, ``username``.
        """
        if user_id is not None and user_id in self._residents:
            return self._residents[user_id]
        info = self._state.user_info(user_id, **profile)
        resident = FakeUser(self._state, self._state.private_chat(info), info)
        self._residents[info.id] = resident
        return resident

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
        chat = self._state.group_chat(chat_id, title=title, supergroup=supergroup)
        group = FakeGroup(self._state, chat)
        self._groups[chat.id] = group
        return group

    def chat(self, chat_id: int) -> ChatState:
        """The state of a chat (``KeyError`` if unknown)."""
        return self._state.chats[chat_id]

    def file(self, file_id: str) -> StoredFile:
        """A file the fake knows, by ``file_id`` (``KeyError`` if unknown)."""
        return self._files.file(file_id)

    def file_url(self, stored: StoredFile) -> str:
        """The path (without host) the file is downloaded from, as the bot would."""
        return f"/file/bot{self.token}/{stored.file_path}"

    def commands(
        self,
        scope: JsonDict | None = None,
        language_code: str = "",
    ) -> list[JsonDict] | None:
        """The command list set with setMyCommands for a scope and language (``None``: unset)."""
        return self._menus.menu(scope or {"type": "default"}, language_code)

    def continue_updates_after(self, update_id: int) -> None:
        """Give new updates ids above ``update_id`` (never lower than those given already):
        for a bot that handled updates up to ``update_id`` before this fake started, e.g.
        the sandbox's bot on the database of an earlier run."""
        self._feed.continue_after(update_id)

    def continue_user_ids_after(self, user_id: int) -> None:
        """Give users created without an id (:meth:`user`) ids above ``user_id`` (never lower
        than those given already; a reset starts from the first id again)."""
        self._state.continue_user_ids_after(user_id)

    @property
    def last_update_id(self) -> int:
        """The id of the newest update handed out (0 before the first)."""
        return self._feed.last_update_id

    def reset(self) -> None:
        """Forget every user, chat, message, file, update, callback query and call.

        The server keeps running and subscribers stay subscribed; update identifiers keep
        counting up, so a bot that polls again after the reset gets only new updates.
        Meant for a stopped bot (e.g. the sandbox's "start again").
        """
        self._state.reset()
        self._residents.clear()
        self._groups.clear()
        self._files.reset()
        self._menus.reset()
        self._chat_methods.reset()
        self._faults.reset()
        self._feed.reset()
        self._activity.touch()

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
        if status == 429 and description == "Internal Server Error":
            description = f"Too Many Requests: retry after {retry_after or 1}"
        self._faults.arm(method, Fault(status, description, retry_after, count))

    def delay_next(self, method: str, seconds: float, *, count: int = 1) -> None:
        """Look at the next ``count`` calls of ``method`` (``"*"``: any) only after ``seconds``.

        A slow Bot API: the call is carried out late. If the bot stopped waiting meanwhile
        (its read timeout), the call has no effect, as if Telegram never received it; it is
        recorded as an injected failure "client went away".
        """
        if seconds < 0:
            raise ValueError("a delay cannot be negative")
        self._faults.arm(method, Fault(0, "delayed", None, count, kind="delay", seconds=seconds))

    def drop_next(self, method: str, *, count: int = 1) -> None:
        """Cut off the next ``count`` calls of ``method`` (``"*"``: any): the connection is
        closed without an answer and the call has no effect (recorded as injected)."""
        self._faults.arm(method, Fault(0, "connection dropped", None, count, kind="drop"))

    @property
    def delayed_calls(self) -> int:
        """Calls being held back by :meth:`delay_next` right now."""
        return self._faults.delayed

    def set_flood_limit(
        self, *, per_second: float | None, per_chat_per_second: float | None = None
    ) -> None:
        """Limit the bot's sending calls; exceeding answers 429 with ``retry_after``."""
        self._faults.flood = FloodLimit(per_second, per_chat_per_second)

    def block(self, user_id: int) -> None:
        """The user blocks the bot: calls sending to them fail with 403 from now on.

        Like Telegram, the bot gets a ``my_chat_member`` update (status ``kicked``).
        """
        self._state.block(user_id)

    def unblock(self, user_id: int) -> None:
        """The user unblocks the bot (restarts it)."""
        self._state.unblock(user_id)

    def subscribe(self, callback: Subscriber) -> Callable[[], None]:
        """Call ``callback(event)`` for every :class:`SandboxEvent`; returns an unsubscriber.

        A coroutine returned by the callback is run as a task.
        """
        return self._state.subscribe(callback)

    # ================================================================== waiting and checking

    def unanswered_callback_queries(self) -> list[PendingCallbackQuery]:
        """Callback queries (pressed buttons) the bot has not answered yet."""
        return self._state.unanswered_callback_queries()

    def callback_query(self, query_id: str) -> PendingCallbackQuery:
        """A callback query sent by a simulated user (``KeyError`` if unknown)."""
        return self._state.queries[query_id]

    async def wait_callback_answered(self, query_id: str, timeout: float = 10) -> CallbackAnswer:
        """Wait until the bot answers the callback query ``query_id``."""
        return await self._state.wait_callback_answered(query_id, timeout)

    def _busy(self, callbacks: bool = True) -> bool:
        return bool(
            (callbacks and self.unanswered_callback_queries())
            or self._feed.busy
            or self._faults.delayed
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
        activity = self._activity
        while True:
            now = time.monotonic()
            busy = self._busy(callbacks)
            idle_for = now - activity.last
            if not busy and idle_for >= quiet:
                return True
            if now >= deadline:
                return False
            wait = deadline - now
            if not busy:
                wait = min(wait, quiet - idle_for)
            await activity.signal.wait(max(wait, 0.001))

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
        return self._state.describe_chat(chat_id, last)

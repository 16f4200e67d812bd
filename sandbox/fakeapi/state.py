"""The fake Telegram's memory: users, chats and their messages, pressed buttons, calls made.

:class:`TelegramState` owns what Telegram would know and keeps it consistent: a bot message
is stored, then announced to subscribers (:class:`~sandbox.models.SandboxEvent`); a user's
message is stored, then becomes an update for the bot. It is also the server side of the
simulated clients (it implements :class:`sandbox.clients.Telegram`): they act only through it.
"""

# ruff: noqa: ASYNC109 - the waiting helpers take a ``timeout``: the API tests use.

from __future__ import annotations

import inspect
import logging
from collections.abc import Callable
from typing import Literal, Unpack

from sandbox.fakeapi.faults import InjectedFault
from sandbox.fakeapi.files import FileStore
from sandbox.fakeapi.updates import UpdateFeed
from sandbox.models import (
    Activity,
    ApiCall,
    BotMessage,
    CallbackAnswer,
    ChatState,
    JsonDict,
    PendingCallbackQuery,
    Profile,
    SandboxEvent,
    Tasks,
    UserInfo,
    now,
)
from sandbox.spec import ApiError

__all__ = ["Subscriber", "TelegramState"]

_LOG = logging.getLogger("sandbox.fakeapi")

#: Called with every :class:`SandboxEvent`; a coroutine it returns is run as a task.
Subscriber = Callable[[SandboxEvent], object]

#: A new user's profile where the caller leaves it open.
_DEFAULT_PROFILE = Profile(first_name="Inwoner", language_code="nl")
_FIRST_ID = 1_000_001


class TelegramState:
    """Users, chats, messages, callback queries, files and updates of one fake Telegram."""

    def __init__(
        self, bot_user: JsonDict, updates: UpdateFeed, files: FileStore, activity: Activity
    ) -> None:
        self.bot_user = bot_user
        self.bot_id = int(bot_user["id"])
        self.updates = updates
        self.files = files
        self.activity = activity
        #: Every call the bot made, in order of completion.
        self.calls: list[ApiCall] = []
        #: Calls Telegram would have rejected (injected faults excluded).
        self.rejected: list[ApiCall] = []
        self.users: dict[int, UserInfo] = {}
        self.chats: dict[int, ChatState] = {}
        #: Users who blocked the bot.
        self.blocked: set[int] = set()
        self.queries: dict[str, PendingCallbackQuery] = {}
        self._query_counter = 0
        self._next_user_id = _FIRST_ID
        self._next_group_id = _FIRST_ID
        self._subscribers: list[Subscriber] = []
        self._tasks = Tasks()

    def continue_user_ids_after(self, user_id: int) -> None:
        """Give users created without an id (:meth:`user_info`) ids above ``user_id``
        (the count never goes down)."""
        self._next_user_id = max(self._next_user_id, user_id + 1)

    def reset(self) -> None:
        """Forget every call, user, chat and callback query (query ids keep counting)."""
        self.calls.clear()
        self.rejected.clear()
        self.users.clear()
        self.chats.clear()
        self._next_user_id = _FIRST_ID
        self._next_group_id = _FIRST_ID
        self.queries.clear()
        self.blocked.clear()

    async def close(self) -> None:
        """Cancel what subscribers still run."""
        await self._tasks.cancel()

    # ================================================================== users and chats

    def user_info(self, user_id: int | None = None, **profile: Unpack[Profile]) -> UserInfo:
        """The Telegram user ``user_id`` (created if new; identifiers assigned if ``None``).

        A new user is "Inwoner" speaking ``nl`` unless ``profile`` says otherwise.
        """
        if user_id is not None and user_id in self.users:
            return self.users[user_id]
        if user_id is None:
            while self._next_user_id in self.users:
                self._next_user_id += 1
            user_id = self._next_user_id
            self._next_user_id += 1
        if user_id <= 0:
            raise ValueError("user identifiers are positive")
        info = UserInfo(id=user_id, **(_DEFAULT_PROFILE | profile))
        self.users[user_id] = info
        return info

    def private_chat(self, info: UserInfo) -> ChatState:
        """A new private chat of ``info`` with the bot (its id is the user's)."""
        chat = ChatState(id=info.id, type="private", user=info, username=info.username)
        self.chats[info.id] = chat
        return chat

    def group_chat(self, chat_id: int | None, *, title: str, supergroup: bool) -> ChatState:
        """A new group chat with the bot in it (a new negative id if ``None``)."""
        if chat_id is None:
            while True:
                number = self._next_group_id
                self._next_group_id += 1
                chat_id = -(1_000_000_000_000 + number) if supergroup else -number
                if chat_id not in self.chats:
                    break
        if chat_id >= 0:
            raise ValueError("group chat identifiers are negative")
        chat = ChatState(id=chat_id, type="supergroup" if supergroup else "group", title=title)
        self.chats[chat_id] = chat
        return chat

    def chat(self, chat_id: int | str, *, sending: bool = False) -> ChatState:
        """The chat a call names by ``chat_id`` (a number or ``@username``), as Telegram finds
        it; ``sending``: the bot sends there, so a user who blocked it answers 403."""
        chat: ChatState | None = None
        if isinstance(chat_id, int):
            chat = self.chats.get(chat_id)
        elif chat_id.startswith("@"):
            name = chat_id[1:].lower()
            chat = next(
                (c for c in self.chats.values() if c.username and c.username.lower() == name),
                None,
            )
        if chat is None:
            if isinstance(chat_id, int) and chat_id in self.users:
                raise ApiError(403, "Forbidden: bot can't initiate conversation with a user")
            raise ApiError.bad_request("chat not found")
        if sending and chat.type == "private" and chat.id in self.blocked:
            raise InjectedFault(403, "Forbidden: bot was blocked by the user")
        return chat

    def block(self, user_id: int) -> None:
        """The user blocks the bot: calls sending to them fail with 403 from now on.

        Like Telegram, the bot gets a ``my_chat_member`` update (status ``kicked``).
        """
        self.blocked.add(user_id)
        self._chat_member_update(user_id, "member", "kicked")

    def unblock(self, user_id: int) -> None:
        """The user unblocks the bot (restarts it)."""
        if user_id in self.blocked:
            self.blocked.discard(user_id)
            self._chat_member_update(user_id, "kicked", "member")

    def _chat_member_update(self, user_id: int, old: str, new: str) -> None:
        chat = self.chats.get(user_id)
        info = self.users.get(user_id)
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
            "date": now(),
            "old_chat_member": member(old),
            "new_chat_member": member(new),
        }
        self.updates.push("my_chat_member", payload, user_id)

    # ================================================================== the bot's messages

    def new_message(self, chat: ChatState, method: str, params: JsonDict, kind: str) -> BotMessage:
        """A message the bot is sending with ``method`` (not in the chat until published)."""
        return BotMessage(
            message_id=chat.next_message_id(),
            chat_id=chat.id,
            kind=kind,
            date=now(),
            method=method,
            params=params,
            sender=self.bot_user,
            chat=chat.to_api(),
        )

    def publish(self, chat: ChatState, message: BotMessage) -> JsonDict:
        """Put the bot's new message in its chat; returns the ``Message`` the bot gets."""
        chat.bot_messages.append(message)
        chat.by_id[message.message_id] = message
        chat.changed.fire()
        self.emit(SandboxEvent("message", chat.id, message=message))
        return self.message_api(chat, message)

    def edit_target(
        self, params: JsonDict, action: Literal["edit", "delete"]
    ) -> tuple[ChatState, BotMessage]:
        """The bot message an edit names (``chat_id`` and ``message_id``)."""
        if params.get("inline_message_id"):
            raise ApiError.bad_request("MESSAGE_ID_INVALID")
        if params.get("chat_id") is None:
            raise ApiError.bad_request('parameter "chat_id" is required')
        if params.get("message_id") is None:
            raise ApiError.bad_request('parameter "message_id" is required')
        chat = self.chat(params["chat_id"], sending=action == "edit")
        message_id = params["message_id"]
        message = chat.by_id.get(message_id)
        if message is None or message.deleted:
            if action == "edit" and chat.message_exists(message_id):
                raise ApiError.bad_request("message can't be edited")
            raise ApiError.bad_request(f"message to {action} not found")
        return chat, message

    def record_edit(self, chat: ChatState, message: BotMessage) -> JsonDict:
        """The bot has just changed ``message``; returns the ``Message`` the bot gets."""
        message.edits += 1
        message.edit_date = now()
        chat.edits.append(message)
        chat.changed.fire()
        self.emit(SandboxEvent("edited", chat.id, message=message))
        return self.message_api(chat, message)

    def delete(self, chat: ChatState, message_id: int) -> bool:
        """Delete a message of the bot or of a user; ``False`` if there is none to delete."""
        if not chat.message_exists(message_id):
            return False
        message = chat.by_id.get(message_id)
        if message is not None:
            message.deleted = True
        else:
            chat.deleted_user_messages.add(message_id)
        chat.changed.fire()
        self.emit(
            SandboxEvent("deleted", chat.id, message=message, data={"message_id": message_id})
        )
        return True

    def reply_target(self, chat: ChatState, params: JsonDict) -> int | None:
        """The message the bot replies to (``reply_parameters``), if it is in this chat."""
        reply = params.get("reply_parameters")
        if not reply:
            return None
        message_id = int(reply["message_id"])
        target_chat = chat
        if reply.get("chat_id") not in (None, chat.id):
            target_chat = self.chat(reply["chat_id"])
        if target_chat.message_exists(message_id):
            return message_id if target_chat is chat else None
        if reply.get("allow_sending_without_reply"):
            return None
        raise ApiError.bad_request("message to be replied not found")

    def message_api(self, chat: ChatState, message: BotMessage) -> JsonDict:
        """The Bot API ``Message`` of a bot message, with the message it replies to."""
        reply = None
        if message.reply_to_message_id is not None:
            reply = self._message_dict(chat, message.reply_to_message_id, nested=False)
        return message.to_api(with_reply=reply)

    def _message_dict(self, chat: ChatState, message_id: int, *, nested: bool) -> JsonDict | None:
        bot_message = chat.by_id.get(message_id)
        if bot_message is not None:
            return self.message_api(chat, bot_message) if nested else bot_message.to_api()
        user_message = chat.user_messages.get(message_id)
        if user_message is None:
            return None
        if nested:
            return user_message
        return {k: v for k, v in user_message.items() if k != "reply_to_message"}

    # ================================================================== what users do

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
            "date": now(),
        }
        if reply_to is not None:
            target = self._message_dict(chat, reply_to, nested=False)
            if target is not None:
                message["reply_to_message"] = target
        message.update(content)
        if chat.type == "private" and sender.id in self.blocked:
            self.unblock(sender.id)  # writing to the bot again unblocks it, as in Telegram
        chat.user_messages[message["message_id"]] = message
        update = self.updates.push("message", message, chat.id)
        self.emit(SandboxEvent("user_message", chat.id, update=update, data=message))
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
        edited = {**original, "text": text, "edit_date": now()}
        edited.pop("entities", None)
        if entities:
            edited["entities"] = entities
        chat.user_messages[message_id] = edited
        update = self.updates.push("edited_message", edited, chat.id)
        self.emit(SandboxEvent("user_message", chat.id, update=update, data=edited))
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
        self.queries[query_id] = query
        payload = {
            "id": query_id,
            "from": sender.to_api(),
            "chat_instance": _chat_instance(chat.id),
            "message": self.message_api(chat, message),
            "data": data,
        }
        update = self.updates.push("callback_query", payload, chat.id)
        self.emit(
            SandboxEvent("callback_query", chat.id, message=message, update=update, query=query)
        )
        return query

    # ================================================================== pressed buttons

    def unanswered_callback_queries(self) -> list[PendingCallbackQuery]:
        """Callback queries (pressed buttons) the bot has not answered yet."""
        return [q for q in self.queries.values() if q.answer is None]

    async def wait_callback_answered(self, query_id: str, timeout: float = 10) -> CallbackAnswer:
        """Wait until the bot answers the callback query ``query_id``."""
        query = self.queries[query_id]
        if not await query.answered.wait_until(lambda: query.answer is not None, timeout):
            raise TimeoutError(
                f"Callback query {query_id} (data {query.data!r}) was not answered within "
                f"{timeout:g} s.\n" + self.describe_chat(query.chat_id)
            )
        assert query.answer is not None
        return query.answer

    # ================================================================== events and reports

    def subscribe(self, callback: Subscriber) -> Callable[[], None]:
        """Call ``callback(event)`` for every :class:`SandboxEvent`; returns an unsubscriber."""
        self._subscribers.append(callback)

        def unsubscribe() -> None:
            if callback in self._subscribers:
                self._subscribers.remove(callback)

        return unsubscribe

    def emit(self, event: SandboxEvent) -> None:
        """Tell every subscriber about ``event``."""
        for callback in list(self._subscribers):
            try:
                result = callback(event)
            except Exception:
                _LOG.exception("Sandbox event subscriber failed")
                continue
            if inspect.isawaitable(result):
                self._tasks.start(result)

    def describe_chat(self, chat_id: int, last: int = 5) -> str:
        """A readable summary of a chat's recent bot messages and the rejected calls in it."""
        lines: list[str] = []
        chat = self.chats.get(chat_id)
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


def _chat_instance(chat_id: int) -> str:
    return str((chat_id * 2654435761) % 9_000_000_000_000_000_000 + 1_000_000_000)

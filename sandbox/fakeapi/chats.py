"""What the bot asks about itself, chats and members, and the methods the fake only accepts.

``getMe``, ``getChat``, ``getChatMember``, ``getChatAdministrators``,
``getChatMemberCount``, the menu button, ``sendChatAction``; and every other method of the
specification, answered with a neutral result of the right type (:meth:`ChatMethods.other`).
"""

from __future__ import annotations

import logging
from typing import Any

from aiohttp import web

from sandbox.fakeapi.messages import apply_caption
from sandbox.fakeapi.state import TelegramState
from sandbox.models import ChatState, JsonDict, SandboxEvent
from sandbox.spec import ApiError, BotApiSpec, MethodSpec

__all__ = ["ChatMethods"]

_LOG = logging.getLogger("sandbox.fakeapi")

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
_MEMBER_TYPES = {
    "administrator": "ChatMemberAdministrator",
    "member": "ChatMemberMember",
    "left": "ChatMemberLeft",
}
_DEFAULT_MENU_BUTTON: JsonDict = {"type": "default"}


class ChatMethods:
    """The bot, its chats and their members; the menu button; any method not simulated."""

    def __init__(self, state: TelegramState, spec: BotApiSpec) -> None:
        self._state = state
        self._spec = spec
        self._default_menu_button: JsonDict = dict(_DEFAULT_MENU_BUTTON)

    def reset(self) -> None:
        """Back to Telegram's default menu button."""
        self._default_menu_button = dict(_DEFAULT_MENU_BUTTON)

    async def true(self, spec: MethodSpec, params: JsonDict, request: web.Request) -> Any:
        """A method that only says it worked (``logOut``, ``close``)."""
        return True

    async def other(self, spec: MethodSpec, params: JsonDict, request: web.Request) -> Any:
        """A method the fake does not simulate: accepted, with a neutral answer of its type
        (a message it sends is stored like any other)."""
        _LOG.info("%s accepted (not simulated)", spec.name)
        ret = spec.returns[0] if spec.returns else None
        if ret is None:
            return True
        if ret.depth:
            return []
        if ret.name in ("Message", "MessageId") and params.get("chat_id") is not None:
            chat = self._state.chat(params["chat_id"], sending=True)
            kind = spec.name[4:].lower() if spec.name.startswith("send") else "message"
            message = self._state.new_message(chat, spec.name, params, kind or "message")
            apply_caption(message, params)
            result = self._state.publish(chat, message)
            return result if ret.name == "Message" else {"message_id": message.message_id}
        if ret.name in ("Boolean", "True"):
            return True
        if ret.name == "Integer":
            return 0
        if ret.name == "String":
            return ""
        type_spec = self._spec.type(ret.name)
        if type_spec is not None and not type_spec.subtypes:
            return self._spec.defaults(ret.name)
        return True

    async def get_me(self, spec: MethodSpec, params: JsonDict, request: web.Request) -> Any:
        return {
            **self._state.bot_user,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    async def send_chat_action(
        self, spec: MethodSpec, params: JsonDict, request: web.Request
    ) -> Any:
        chat = self._state.chat(params["chat_id"], sending=True)
        action = params["action"]
        if action not in _CHAT_ACTIONS:
            raise ApiError.bad_request("wrong parameter action in request")
        self._state.emit(SandboxEvent("chat_action", chat.id, data={"action": action}))
        return True

    async def get_chat(self, spec: MethodSpec, params: JsonDict, request: web.Request) -> Any:
        chat = self._state.chat(params["chat_id"])
        info = chat.to_api()
        info.update(
            {
                "accent_color_id": 0,
                "max_reaction_count": 11,
                "accepted_gift_types": self._spec.defaults("AcceptedGiftTypes"),
            }
        )
        return info

    async def get_chat_member(
        self, spec: MethodSpec, params: JsonDict, request: web.Request
    ) -> Any:
        return self._member(self._state.chat(params["chat_id"]), int(params["user_id"]))

    async def get_chat_administrators(
        self, spec: MethodSpec, params: JsonDict, request: web.Request
    ) -> Any:
        chat = self._state.chat(params["chat_id"])
        if chat.type == "private":
            raise ApiError.bad_request("there are no administrators in the private chat")
        bot_id = self._state.bot_id
        return [self._member(chat, user_id) for user_id in [bot_id, *sorted(chat.admins)]]

    async def get_chat_member_count(
        self, spec: MethodSpec, params: JsonDict, request: web.Request
    ) -> Any:
        chat = self._state.chat(params["chat_id"])
        return 2 if chat.type == "private" else len(chat.members) + 1

    async def set_chat_menu_button(
        self, spec: MethodSpec, params: JsonDict, request: web.Request
    ) -> Any:
        button = params.get("menu_button") or dict(_DEFAULT_MENU_BUTTON)
        if params.get("chat_id") is None:
            self._default_menu_button = button
        else:
            self._state.chat(params["chat_id"]).menu_button = button
        return True

    async def get_chat_menu_button(
        self, spec: MethodSpec, params: JsonDict, request: web.Request
    ) -> Any:
        if params.get("chat_id") is None:
            return self._default_menu_button
        return self._state.chat(params["chat_id"]).menu_button or self._default_menu_button

    def _member(self, chat: ChatState, user_id: int) -> JsonDict:
        state = self._state
        if user_id == state.bot_id:
            user: JsonDict = state.bot_user
            status = "member" if chat.type == "private" else "administrator"
        else:
            info = state.users.get(user_id)
            if info is None:
                raise ApiError.bad_request("user not found")
            user = info.to_api()
            if chat.type == "private":
                status = (
                    "member" if chat.id == user_id and user_id not in state.blocked else "left"
                )
            elif user_id in chat.admins:
                status = "administrator"
            elif user_id in chat.members:
                status = "member"
            else:
                status = "left"
        member = self._spec.defaults(_MEMBER_TYPES[status])
        member.update({"status": status, "user": user})
        if status == "administrator":
            member.update({"can_manage_chat": True, "can_delete_messages": True})
        return member

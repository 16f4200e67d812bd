"""The bot's command menus: ``setMyCommands``, ``getMyCommands``, ``deleteMyCommands``.

A menu is kept per scope (everyone, private chats, groups, one chat, its administrators, one
member) and language, as Telegram keeps it; the web chat shows the one that applies.
"""

from __future__ import annotations

import re
from typing import Any

from aiohttp import web

from sandbox.fakeapi.state import TelegramState
from sandbox.models import JsonDict
from sandbox.spec import ApiError, MethodSpec

__all__ = ["CommandMenus"]

#: A menu's key: scope type, chat id, user id, language ("" for all languages).
_Key = tuple[str, int | None, int | None, str]

_COMMAND_RE = re.compile(r"[a-z0-9_]{1,32}")
_LANGUAGE_RE = re.compile(r"[a-z]{2}")
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


class CommandMenus:
    """The command lists the bot set, by scope and language, and the three methods."""

    def __init__(self, state: TelegramState) -> None:
        self._state = state
        self._menus: dict[_Key, list[JsonDict]] = {}

    def reset(self) -> None:
        """Forget every menu."""
        self._menus.clear()

    def menu(self, scope: JsonDict, language_code: str) -> list[JsonDict] | None:
        """The list set for exactly this scope and language (``None``: unset)."""
        return self._menus.get(self._scope_key(scope, language_code))

    async def set_my_commands(
        self, spec: MethodSpec, params: JsonDict, request: web.Request
    ) -> Any:
        commands: list[JsonDict] = params["commands"]
        if len(commands) > 100:
            raise ApiError.bad_request("too many commands specified")
        for command in commands:
            name = str(command["command"])
            if not _COMMAND_RE.fullmatch(name):
                raise ApiError.bad_request("BOT_COMMAND_INVALID")
            description = str(command["description"])
            if not 1 <= len(description.strip()) <= 256:
                raise ApiError.bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
        key = self._params_key(params)
        if commands:
            self._menus[key] = [
                {"command": str(c["command"]), "description": str(c["description"])}
                for c in commands
            ]
        else:
            self._menus.pop(key, None)
        return True

    async def get_my_commands(
        self, spec: MethodSpec, params: JsonDict, request: web.Request
    ) -> Any:
        return list(self._menus.get(self._params_key(params), []))

    async def delete_my_commands(
        self, spec: MethodSpec, params: JsonDict, request: web.Request
    ) -> Any:
        self._menus.pop(self._params_key(params), None)
        return True

    def _params_key(self, params: JsonDict) -> _Key:
        language = str(params.get("language_code", ""))
        if language and not _LANGUAGE_RE.fullmatch(language):
            raise ApiError.bad_request("invalid language code specified")
        return self._scope_key(params.get("scope") or {"type": "default"}, language)

    def _scope_key(self, scope: JsonDict, language_code: str) -> _Key:
        kind = str(scope.get("type", "default"))
        if kind not in _SCOPE_TYPES:
            raise ApiError.bad_request("unsupported bot command scope type")
        chat_id: int | None = None
        user_id: int | None = None
        if kind in ("chat", "chat_administrators", "chat_member"):
            raw = scope.get("chat_id")
            chat_id = self._state.chat(
                int(raw)
                if isinstance(raw, int | str) and str(raw).lstrip("-").isdigit()
                else str(raw)
            ).id
        if kind == "chat_member":
            user_id = int(scope.get("user_id", 0))
            if user_id not in self._state.users:
                raise ApiError.bad_request("user not found")
        return kind, chat_id, user_id, language_code

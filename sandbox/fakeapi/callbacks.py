"""Answering pressed buttons: ``answerCallbackQuery``, once per query, with a short notice."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from sandbox.fakeapi.state import TelegramState
from sandbox.formatting import utf16_len
from sandbox.limits import MAX_CALLBACK_TEXT
from sandbox.models import CallbackAnswer, JsonDict, SandboxEvent
from sandbox.spec import ApiError, MethodSpec

__all__ = ["QUERY_TOO_OLD", "CallbackMethods"]

#: Telegram's answer to a second answer, or to a query it does not know.
QUERY_TOO_OLD = "query is too old and response timeout expired or query ID is invalid"


class CallbackMethods:
    """``answerCallbackQuery`` on the queries of the simulated users' pressed buttons."""

    def __init__(self, state: TelegramState) -> None:
        self._state = state

    async def answer_callback_query(
        self, spec: MethodSpec, params: JsonDict, request: web.Request
    ) -> Any:
        query = self._state.queries.get(params["callback_query_id"])
        if query is None or query.answer is not None:
            raise ApiError.bad_request(QUERY_TOO_OLD)
        text = params.get("text")
        if text is not None and utf16_len(text) > MAX_CALLBACK_TEXT:
            raise ApiError.bad_request("MESSAGE_TOO_LONG")
        query.answer = CallbackAnswer(
            query_id=query.id,
            text=text,
            show_alert=bool(params.get("show_alert", False)),
            url=params.get("url"),
            cache_time=int(params.get("cache_time", 0)),
        )
        query.answered.fire()
        chat = self._state.chats.get(query.chat_id)
        if chat is not None:
            chat.changed.fire()
        self._state.emit(SandboxEvent("callback_answered", query.chat_id, query=query))
        return True

"""The bot's text messages: ``sendMessage``, the three edit methods and deleting messages.

An edit must change something ("message is not modified" otherwise) and an inline keyboard
it does not repeat is removed, as in Telegram.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from sandbox.fakeapi.rules import NOT_MODIFIED, checked_markup, formatted, inline_rows
from sandbox.fakeapi.state import TelegramState
from sandbox.formatting import FormattedText
from sandbox.models import BotMessage, ChatState, JsonDict
from sandbox.spec import ApiError, BotApiSpec, MethodSpec

__all__ = ["MessageMethods", "apply_caption"]


def apply_caption(message: BotMessage, params: JsonDict) -> None:
    """Give a media message the ``caption`` of its call, formatted as Telegram stores it."""
    caption = params.get("caption")
    if caption is None:
        return
    text = formatted(
        caption, params.get("parse_mode"), params.get("caption_entities"), caption=True
    )
    message.caption = text.text or None
    message.caption_entities = list(text.entities)
    message.html = caption
    message.parse_mode = params.get("parse_mode")


class MessageMethods:
    """``sendMessage``, ``editMessageText``/``Caption``/``ReplyMarkup``, ``deleteMessage(s)``."""

    def __init__(self, state: TelegramState, spec: BotApiSpec) -> None:
        self._state = state
        self._spec = spec

    async def send_message(self, spec: MethodSpec, params: JsonDict, request: web.Request) -> Any:
        state = self._state
        chat = state.chat(params["chat_id"], sending=True)
        text = formatted(
            params["text"], params.get("parse_mode"), params.get("entities"), caption=False
        )
        markup = checked_markup(self._spec, params.get("reply_markup"))
        reply_to = state.reply_target(chat, params)
        message = state.new_message(chat, spec.name, params, "text")
        message.text = text.text
        message.entities = list(text.entities)
        message.html = params["text"]
        message.parse_mode = params.get("parse_mode")
        message.reply_markup = markup
        message.reply_to_message_id = reply_to
        return state.publish(chat, message)

    async def edit_message_text(
        self, spec: MethodSpec, params: JsonDict, request: web.Request
    ) -> Any:
        chat, message = self._state.edit_target(params, "edit")
        if message.kind != "text":
            raise ApiError.bad_request("there is no text in the message to edit")
        text = formatted(
            params["text"], params.get("parse_mode"), params.get("entities"), caption=False
        )
        return self._edit(chat, message, params, text, params["text"])

    async def edit_message_caption(
        self, spec: MethodSpec, params: JsonDict, request: web.Request
    ) -> Any:
        chat, message = self._state.edit_target(params, "edit")
        if message.kind == "text":
            raise ApiError.bad_request("there is no caption in the message to edit")
        caption = formatted(
            params.get("caption", ""),
            params.get("parse_mode"),
            params.get("caption_entities"),
            caption=True,
        )
        return self._edit(chat, message, params, caption, params.get("caption", ""))

    def _edit(
        self,
        chat: ChatState,
        message: BotMessage,
        params: JsonDict,
        content: FormattedText,
        raw: str,
    ) -> JsonDict:
        """Replace the text (of a media message: the caption) and the inline keyboard."""
        markup = checked_markup(self._spec, params.get("reply_markup"), inline_only=True)
        is_text = message.kind == "text"
        text = content.text if is_text else content.text or None
        entities = list(content.entities)
        if is_text:
            unchanged = (text, entities) == (message.text, message.entities)
        else:
            unchanged = (text, entities) == (message.caption, message.caption_entities)
        if unchanged and inline_rows(markup) == inline_rows(message.reply_markup):
            raise ApiError.bad_request(NOT_MODIFIED)
        if is_text:
            message.text, message.entities = content.text, entities
        else:
            message.caption, message.caption_entities = text, entities
        message.html = raw
        message.parse_mode = params.get("parse_mode")
        message.reply_markup = markup
        return self._state.record_edit(chat, message)

    async def edit_message_reply_markup(
        self, spec: MethodSpec, params: JsonDict, request: web.Request
    ) -> Any:
        chat, message = self._state.edit_target(params, "edit")
        markup = checked_markup(self._spec, params.get("reply_markup"), inline_only=True)
        if inline_rows(markup) == inline_rows(message.reply_markup):
            raise ApiError.bad_request(NOT_MODIFIED)
        message.reply_markup = markup
        return self._state.record_edit(chat, message)

    async def delete_message(
        self, spec: MethodSpec, params: JsonDict, request: web.Request
    ) -> Any:
        chat = self._state.chat(params["chat_id"])
        if not self._state.delete(chat, params["message_id"]):
            raise ApiError.bad_request("message to delete not found")
        return True

    async def delete_messages(
        self, spec: MethodSpec, params: JsonDict, request: web.Request
    ) -> Any:
        chat = self._state.chat(params["chat_id"])
        ids = params["message_ids"]
        if not 1 <= len(ids) <= 100:
            raise ApiError.bad_request("message_ids must contain 1-100 identifiers")
        for message_id in ids:
            self._state.delete(chat, int(message_id))
        return True

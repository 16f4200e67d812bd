"""The bot's messages that carry more than text: files, locations, contacts, dice and polls.

A file is uploaded with the call, named by the ``file_id`` of a file the fake already holds,
or given as an HTTP URL (:meth:`~sandbox.fakeapi.files.FileStore.input_file`).
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from sandbox.fakeapi.files import FileStore, image_size
from sandbox.fakeapi.messages import apply_caption
from sandbox.fakeapi.rules import checked_markup
from sandbox.fakeapi.state import TelegramState
from sandbox.models import JsonDict
from sandbox.spec import ApiError, BotApiSpec, MethodSpec, UploadedFile

__all__ = ["MEDIA_METHODS", "MediaMethods"]

#: The methods that send a file, and the kind of file each sends.
MEDIA_METHODS = {
    "sendPhoto": "photo",
    "sendDocument": "document",
    "sendAudio": "audio",
    "sendVoice": "voice",
    "sendVideo": "video",
    "sendAnimation": "animation",
    "sendVideoNote": "video_note",
    "sendSticker": "sticker",
}


#: Telegram's limits on an uploaded photo (core.telegram.org/bots/api#sendphoto): at most
#: 10 MB, width and height together at most 10000, one at most 20 times the other.
MAX_PHOTO_BYTES = 10 * 1024 * 1024
MAX_PHOTO_SIDES = 10_000
MAX_PHOTO_RATIO = 20


def check_photo(data: bytes) -> None:
    """Refuse an uploaded photo as Telegram does: not an image it can read, too large, or
    of sizes it will not take."""
    if len(data) > MAX_PHOTO_BYTES:
        raise ApiError.bad_request("PHOTO_SAVE_FILE_INVALID")
    found = image_size(data)
    if found is None:
        raise ApiError.bad_request("IMAGE_PROCESS_FAILED")
    width, height = found
    if width + height > MAX_PHOTO_SIDES or max(width, height) > MAX_PHOTO_RATIO * max(
        1, min(width, height)
    ):
        raise ApiError.bad_request("PHOTO_INVALID_DIMENSIONS")


class MediaMethods:
    """``sendPhoto`` and the other file methods, ``sendLocation``, ``sendContact``,
    ``sendDice``, ``sendPoll``."""

    def __init__(self, state: TelegramState, files: FileStore, spec: BotApiSpec) -> None:
        self._state = state
        self._files = files
        self._spec = spec

    async def send_media(self, spec: MethodSpec, params: JsonDict, request: web.Request) -> Any:
        """Any of :data:`MEDIA_METHODS`: a file, uploaded or named, with a caption."""
        state = self._state
        kind = MEDIA_METHODS[spec.name]
        chat = state.chat(params["chat_id"], sending=True)
        message = state.new_message(chat, spec.name, params, kind)
        apply_caption(message, params)
        message.reply_markup = checked_markup(self._spec, params.get("reply_markup"))
        message.reply_to_message_id = state.reply_target(chat, params)
        if kind == "photo" and isinstance(params[kind], UploadedFile):
            check_photo(params[kind].data)
        stored = self._files.input_file(params[kind], kind)
        message.file_id = stored.file_id
        message.mime_type = stored.mime_type
        base: JsonDict = {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": stored.file_size,
        }
        if kind == "photo":
            message.photo = stored.data
            message.media = {"photo": self._files.photo_sizes(stored)}
            return state.publish(chat, message)
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
        return state.publish(chat, message)

    async def _send_content(
        self, spec: MethodSpec, params: JsonDict, kind: str, content: JsonDict
    ) -> Any:
        state = self._state
        chat = state.chat(params["chat_id"], sending=True)
        message = state.new_message(chat, spec.name, params, kind)
        message.reply_markup = checked_markup(self._spec, params.get("reply_markup"))
        message.reply_to_message_id = state.reply_target(chat, params)
        message.media = {kind: content}
        return state.publish(chat, message)

    async def send_location(self, spec: MethodSpec, params: JsonDict, request: web.Request) -> Any:
        latitude, longitude = float(params["latitude"]), float(params["longitude"])
        if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
            raise ApiError.bad_request("wrong latitude or longitude specified")
        return await self._send_content(
            spec, params, "location", {"latitude": latitude, "longitude": longitude}
        )

    async def send_contact(self, spec: MethodSpec, params: JsonDict, request: web.Request) -> Any:
        contact = {"phone_number": params["phone_number"], "first_name": params["first_name"]}
        if params.get("last_name"):
            contact["last_name"] = params["last_name"]
        return await self._send_content(spec, params, "contact", contact)

    async def send_dice(self, spec: MethodSpec, params: JsonDict, request: web.Request) -> Any:
        emoji = str(params.get("emoji", "🎲"))
        return await self._send_content(spec, params, "dice", {"emoji": emoji, "value": 1})

    async def send_poll(self, spec: MethodSpec, params: JsonDict, request: web.Request) -> Any:
        question = str(params["question"])
        if not 1 <= len(question) <= 300:
            raise ApiError.bad_request("poll question length must be between 1 and 300")
        options = params["options"]
        if not 2 <= len(options) <= 12:
            raise ApiError.bad_request("poll must have 2-12 options")
        poll = self._spec.defaults("Poll")
        option_list = []
        for index, option in enumerate(options):
            item = self._spec.defaults("PollOption")
            text = option["text"] if isinstance(option, dict) else option
            item.update({"persistent_id": str(index), "text": str(text), "voter_count": 0})
            option_list.append(item)
        poll.update(
            {
                "id": str(5_000_000_000_000_000 + self._files.next_number()),
                "question": question,
                "options": option_list,
                "is_closed": bool(params.get("is_closed", False)),
                "is_anonymous": bool(params.get("is_anonymous", True)),
                "type": str(params.get("type", "regular")),
                "allows_multiple_answers": bool(params.get("allows_multiple_answers", False)),
            }
        )
        return await self._send_content(spec, params, "poll", poll)

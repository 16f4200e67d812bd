"""How the web chat shows a chat: the bot's and the users' messages as the page's JSON.

A view is what ``sandbox/static/app.js`` draws: the text with its entities, the media, the
inline keyboard (button data included, so the page can press them), the custom keyboard the
message brings, and the message it replies to. Events of the fake become the page's live
updates here too (:meth:`MessageViews.event`).
"""

from __future__ import annotations

from typing import Any

from sandbox.fakeapi import FakeBotApi
from sandbox.models import BotMessage, ChatState, JsonDict, SandboxEvent

__all__ = ["MessageViews"]

#: Media whose only detail on the page is their length.
_TIMED_MEDIA = ("audio", "voice", "video", "animation", "video_note")


class MessageViews:
    """The views of one fake's chats."""

    def __init__(self, fake: FakeBotApi) -> None:
        self.fake = fake

    def bot(self, message: BotMessage) -> JsonDict:
        """A bot message as the page shows it."""
        chat = self.fake.chat(message.chat_id)
        is_text = message.kind == "text"
        return {
            "chat_id": message.chat_id,
            "id": message.message_id,
            "out": False,
            "from": self.fake.bot_user["first_name"],
            "date": message.date,
            "edited": message.edit_date is not None,
            "text": message.text if is_text else (message.caption or ""),
            "entities": message.entities if is_text else message.caption_entities,
            "media": None if is_text else self._media(message.to_api()),
            "keyboard": _keyboard(message.reply_markup),
            "reply_keyboard": _reply_keyboard(message.reply_markup),
            "reply_to": self._reply_to(chat, message.reply_to_message_id),
        }

    def user(self, chat: ChatState, data: JsonDict) -> JsonDict:
        """A message of a simulated user (a Bot API ``Message``) as the page shows it."""
        reply = data.get("reply_to_message")
        return {
            "chat_id": chat.id,
            "id": data["message_id"],
            "out": True,
            "from": _user_name(data.get("from")),
            "date": data.get("date"),
            "edited": "edit_date" in data,
            "text": data.get("text") or data.get("caption") or "",
            "entities": data.get("entities") or data.get("caption_entities") or [],
            "media": self._media(data),
            "keyboard": [],
            "reply_keyboard": None,
            "reply_to": self._reply_to(chat, reply["message_id"]) if reply else None,
        }

    def history(self, chat_id: int) -> list[JsonDict]:
        """Every message in a chat that was not deleted, oldest first."""
        chat = self.fake.chat(chat_id)
        views: list[JsonDict] = [self.bot(m) for m in chat.bot_messages if not m.deleted]
        views.extend(
            self.user(chat, m)
            for message_id, m in chat.user_messages.items()
            if message_id not in chat.deleted_user_messages
        )
        views.sort(key=lambda v: int(v["id"]))
        return views

    def event(self, event: SandboxEvent) -> JsonDict | None:
        """What the page hears of an event in a chat (``None``: nothing)."""
        if event.kind in ("message", "edited") and event.message is not None:
            return {"type": event.kind, "message": self.bot(event.message)}
        if event.kind == "user_message" and event.chat_id is not None:
            chat = self.fake.chat(event.chat_id)
            kind = "edited" if "edit_date" in event.data else "message"
            return {"type": kind, "message": self.user(chat, event.data)}
        if event.kind == "deleted":
            return {"type": "deleted", "message_id": event.data.get("message_id")}
        if event.kind == "callback_answered" and event.query is not None:
            answer = event.query.answer
            return {
                "type": "answered",
                "query_id": event.query.id,
                "message_id": event.query.message_id,
                "text": answer.text if answer else None,
                "alert": bool(answer and answer.show_alert),
                "url": answer.url if answer else None,
            }
        if event.kind == "chat_action":
            return {"type": "typing", "action": event.data.get("action")}
        return None

    # ------------------------------------------------------------------ parts of a view

    def _file(self, file_id: str | None) -> JsonDict:
        """Where the page downloads a file from, and its size ({} when unknown)."""
        if not file_id:
            return {}
        try:
            stored = self.fake.file(file_id)
        except KeyError:
            return {}
        if stored.data is None:
            return {"size": 0}
        return {"url": self.fake.file_url(stored), "size": stored.file_size}

    def _media(self, data: JsonDict) -> JsonDict | None:
        """What a message carries besides text (``None``: nothing)."""
        if data.get("photo"):
            largest = data["photo"][-1]
            size = {"width": largest.get("width"), "height": largest.get("height")}
            return _view("photo", **size, **self._file(largest.get("file_id")))
        if "document" in data:
            document = data["document"]
            name = document.get("file_name") or "document"
            details = {"name": name, "mime": document.get("mime_type")}
            return _view("document", **details, **self._file(document.get("file_id")))
        for kind in _TIMED_MEDIA:
            if kind in data:
                media = data[kind]
                duration = media.get("duration")
                return _view(kind, duration=duration, **self._file(media.get("file_id")))
        if "sticker" in data:
            return _view("sticker", emoji=data["sticker"].get("emoji") or "🖼")
        if "location" in data:
            place = data["location"]
            return _view(
                "location", latitude=place.get("latitude"), longitude=place.get("longitude")
            )
        if "contact" in data:
            contact = data["contact"]
            return _view("contact", name=_user_name(contact), phone=contact.get("phone_number"))
        if "poll" in data:
            poll = data["poll"]
            options = [o.get("text") for o in poll.get("options", [])]
            return _view("poll", question=poll.get("question"), options=options)
        if "dice" in data:
            return _view("dice", emoji=data["dice"].get("emoji"))
        return None

    def _reply_to(self, chat: ChatState, message_id: int | None) -> JsonDict | None:
        """The quoted message above a reply."""
        if message_id is None:
            return None
        bot = chat.by_id.get(message_id)
        if bot is not None:
            text = bot.text or bot.caption or f"[{bot.kind}]"
            return {"id": message_id, "from": self.fake.bot_user["first_name"], "text": text}
        user = chat.user_messages.get(message_id)
        if user is None:
            return None
        text = str(user.get("text") or user.get("caption") or "[media]")
        return {"id": message_id, "from": _user_name(user.get("from")), "text": text}


def _view(kind: str, **details: Any) -> JsonDict:
    return {"type": kind, **details}


def _keyboard(markup: JsonDict | None) -> list[list[JsonDict]]:
    """The inline keyboard: each button's label and what pressing it does."""
    rows = (markup or {}).get("inline_keyboard")
    if not isinstance(rows, list):
        return []
    keyboard: list[list[JsonDict]] = []
    for row in rows:
        buttons: list[JsonDict] = []
        for button in row:
            view: JsonDict = {"text": str(button.get("text", ""))}
            if button.get("callback_data") is not None:
                view["data"] = str(button["callback_data"])
            elif button.get("url"):
                view["url"] = str(button["url"])
            elif isinstance(button.get("copy_text"), dict):
                view["copy"] = str(button["copy_text"].get("text", ""))
            else:
                view["unsupported"] = next((k for k in button if k != "text"), "?")
            buttons.append(view)
        keyboard.append(buttons)
    return keyboard


def _reply_keyboard(markup: JsonDict | None) -> JsonDict | None:
    """What a bot message does to the custom keyboard: show one, remove it, or nothing."""
    if not markup:
        return None
    if markup.get("remove_keyboard"):
        return {"remove": True}
    rows = markup.get("keyboard")
    if not isinstance(rows, list):
        return None
    keyboard = []
    for row in rows:
        buttons = []
        for button in row:
            if isinstance(button, str):
                buttons.append({"text": button})
                continue
            view: JsonDict = {"text": str(button.get("text", ""))}
            if button.get("request_contact"):
                view["request"] = "contact"
            elif button.get("request_location"):
                view["request"] = "location"
            buttons.append(view)
        keyboard.append(buttons)
    return {"rows": keyboard, "placeholder": markup.get("input_field_placeholder")}


def _user_name(user: JsonDict | None) -> str:
    if not user:
        return ""
    name = str(user.get("first_name", ""))
    if user.get("last_name"):
        name += f" {user['last_name']}"
    return name

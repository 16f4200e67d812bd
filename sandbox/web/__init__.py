"""A web chat on top of the fake Bot API: try Samenspraak in a browser, without Telegram.

One aiohttp application serves both sides of the sandbox on one port:

* the Bot API of a :class:`~sandbox.fakeapi.FakeBotApi` (``/bot<token>/<method>`` and
  ``/file/bot<token>/<path>``), which the unmodified bot talks to;
* a web chat for people: ``GET /`` (the page, ``sandbox/static``), ``GET /events``
  (server-sent events: new, edited and deleted messages, typing, button answers, resets)
  and a small JSON API under ``/api`` to add residents, send text, press inline buttons and
  upload documents in the name of the simulated residents, the civil servants' group and
  the administrator.

Start it with ``fake.start(host, port, app=WebChat(fake).application())``;
:mod:`sandbox.run` does that and runs the bot against it.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from aiohttp import BodyPartReader, web

from sandbox.clients import UserClient
from sandbox.fakeapi import FakeBotApi
from sandbox.models import BotMessage, ChatState, SandboxEvent
from sandbox.spec import ApiError

__all__ = [
    "ADMIN_USER_ID",
    "GROUP_CHAT_ID",
    "ChatEntry",
    "WebChat",
]

_LOG = logging.getLogger("sandbox.web")

JsonDict = dict[str, Any]
ChatKind = Literal["resident", "group", "admin"]

STATIC = Path(__file__).resolve().parent / "static"

#: The sandbox administrator (ADMIN_USER_IDS of the bot run by the sandbox).
ADMIN_USER_ID = 1_000_000
ADMIN_NAME = "Beheerder"
#: The civil servants' group (DIGEST_CHAT_ID of the bot run by the sandbox).
GROUP_CHAT_ID = -1_001_234_567_890
GROUP_TITLE = "Ambtenaren Rivierstad"
#: Where Rivierstad's town hall would be, for a shared location.
TOWN_HALL = (51.8126, 5.8372)

LANGUAGES = ("nl", "en")
MAX_NAME = 64
MAX_TEXT = 4096
MAX_UPLOAD = 20 * 1024 * 1024
#: Header every state-changing request must carry: a cross-site form cannot set it, and a
#: cross-site script cannot send it without a CORS preflight, which is never allowed.
CSRF_HEADER = "X-Sandbox"
_STREAM_QUEUE = 2000
_KEEPALIVE = 15.0

_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'"
)
_SAFE_FILENAME = re.compile(r"[^A-Za-z0-9._ -]+")


@dataclass(slots=True)
class ChatEntry:
    """A chat shown in the web chat, and who types in it."""

    id: int
    kind: ChatKind
    title: str
    user_id: int  # the simulated user who sends: resident, administrator, group member
    sender_name: str
    language: str

    def summary(self) -> JsonDict:
        return {
            "id": self.id,
            "kind": self.kind,
            "title": self.title,
            "user_id": self.user_id,
            "sender_name": self.sender_name,
            "language": self.language,
        }


class _BadInput(ValueError):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _json(value: Any, status: int = 200) -> web.Response:
    return web.json_response(value, status=status, dumps=_dumps)


def _user_name(user: JsonDict | None) -> str:
    if not user:
        return ""
    name = str(user.get("first_name", ""))
    if user.get("last_name"):
        name += f" {user['last_name']}"
    return name


class WebChat:
    """The web chat's state and HTTP handlers, on top of one :class:`FakeBotApi`.

    :meth:`populate` creates the administrator's chat, the civil servants' group and a
    first resident; ``reset`` (a coroutine function, e.g. :meth:`sandbox.run.Sandbox.reset`)
    is what ``POST /api/reset`` calls to wipe everything and start the bot again.
    """

    def __init__(
        self,
        fake: FakeBotApi,
        *,
        reset: Callable[[], Awaitable[None]] | None = None,
        first_resident: tuple[str, str] | None = ("Anna", "nl"),
    ) -> None:
        self.fake = fake
        self._reset = reset
        self.first_resident = first_resident
        self.entries: dict[int, ChatEntry] = {}
        self.epoch = 1
        self.busy: str | None = None  # e.g. "resetting": actions are refused meanwhile
        self._streams: set[asyncio.Queue[str | None]] = set()
        self._unsubscribe = fake.subscribe(self._on_event)

    # ================================================================== people

    def populate(self) -> None:
        """The administrator, the civil servants' group and the first resident."""
        self.entries.clear()
        admin = self.fake.user(ADMIN_USER_ID, first_name=ADMIN_NAME, language_code="nl")
        group = self.fake.group(GROUP_CHAT_ID, title=GROUP_TITLE, supergroup=True)
        group.member(ADMIN_USER_ID, admin=True)
        if self.first_resident is not None:
            self.add_resident(*self.first_resident)
        self.entries[group.id] = ChatEntry(
            group.id, "group", GROUP_TITLE, admin.id, ADMIN_NAME, "nl"
        )
        self.entries[admin.id] = ChatEntry(
            admin.id, "admin", ADMIN_NAME, admin.id, ADMIN_NAME, "nl"
        )

    def add_resident(self, name: str, language: str) -> ChatEntry:
        """A new simulated resident with a private chat with the bot."""
        name = " ".join(name.split())
        if not name:
            raise _BadInput(400, "a resident needs a name")
        if len(name) > MAX_NAME:
            raise _BadInput(400, f"a name has at most {MAX_NAME} characters")
        if language not in LANGUAGES:
            raise _BadInput(400, "the language is nl or en")
        user = self.fake.user(first_name=name, language_code=language)
        entry = ChatEntry(user.id, "resident", name, user.id, name, language)
        self.entries[user.id] = entry
        return entry

    def residents(self) -> list[ChatEntry]:
        return [e for e in self.entries.values() if e.kind == "resident"]

    def _entry(self, request: web.Request) -> ChatEntry:
        try:
            chat_id = int(request.match_info["chat_id"])
        except ValueError:
            raise _BadInput(404, "no such chat") from None
        entry = self.entries.get(chat_id)
        if entry is None:
            raise _BadInput(404, "no such chat")
        return entry

    def _sender(self, entry: ChatEntry) -> UserClient:
        """The simulated client that sends in ``entry``'s chat."""
        if entry.kind == "group":
            return self.fake.group(entry.id).member(entry.user_id, admin=True)
        return self.fake.user(entry.user_id)

    # ================================================================== views

    def _file(self, file_id: str | None) -> JsonDict:
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
        if data.get("photo"):
            sizes = data["photo"]
            largest = sizes[-1]
            return {
                "type": "photo",
                "width": largest.get("width"),
                "height": largest.get("height"),
                **self._file(largest.get("file_id")),
            }
        if "document" in data:
            document = data["document"]
            return {
                "type": "document",
                "name": document.get("file_name") or "document",
                "mime": document.get("mime_type"),
                **self._file(document.get("file_id")),
            }
        for kind in ("audio", "voice", "video", "animation", "video_note"):
            if kind in data:
                media = data[kind]
                return {
                    "type": kind,
                    "duration": media.get("duration"),
                    **self._file(media.get("file_id")),
                }
        if "sticker" in data:
            return {"type": "sticker", "emoji": data["sticker"].get("emoji") or "🖼"}
        if "location" in data:
            location = data["location"]
            return {
                "type": "location",
                "latitude": location.get("latitude"),
                "longitude": location.get("longitude"),
            }
        if "contact" in data:
            contact = data["contact"]
            return {
                "type": "contact",
                "name": _user_name(contact),
                "phone": contact.get("phone_number"),
            }
        if "poll" in data:
            poll = data["poll"]
            return {
                "type": "poll",
                "question": poll.get("question"),
                "options": [o.get("text") for o in poll.get("options", [])],
            }
        if "dice" in data:
            return {"type": "dice", "emoji": data["dice"].get("emoji")}
        return None

    @staticmethod
    def _keyboard(markup: JsonDict | None) -> list[list[JsonDict]]:
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

    @staticmethod
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

    def _reply_to(self, chat: ChatState, message_id: int | None) -> JsonDict | None:
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

    def bot_view(self, message: BotMessage) -> JsonDict:
        """A bot message as the page shows it."""
        chat = self.fake.chat(message.chat_id)
        data = message.to_api()
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
            "media": None if is_text else self._media(data),
            "keyboard": self._keyboard(message.reply_markup),
            "reply_keyboard": self._reply_keyboard(message.reply_markup),
            "reply_to": self._reply_to(chat, message.reply_to_message_id),
        }

    def user_view(self, chat: ChatState, data: JsonDict) -> JsonDict:
        """A message of a simulated user as the page shows it."""
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
        views: list[JsonDict] = [self.bot_view(m) for m in chat.bot_messages if not m.deleted]
        views.extend(
            self.user_view(chat, m)
            for message_id, m in chat.user_messages.items()
            if message_id not in chat.deleted_user_messages
        )
        views.sort(key=lambda v: int(v["id"]))
        return views

    def commands(self, entry: ChatEntry) -> list[JsonDict]:
        """The bot's command menu in this chat, resolved the way Telegram does."""
        scopes: list[JsonDict] = []
        if entry.kind == "group":
            scopes += [
                {"type": "chat_member", "chat_id": entry.id, "user_id": entry.user_id},
                {"type": "chat_administrators", "chat_id": entry.id},
                {"type": "chat", "chat_id": entry.id},
                {"type": "all_chat_administrators"},
                {"type": "all_group_chats"},
            ]
        else:
            scopes += [{"type": "chat", "chat_id": entry.id}, {"type": "all_private_chats"}]
        scopes.append({"type": "default"})
        for scope in scopes:
            for language in (entry.language, ""):
                try:
                    found = self.fake.commands(scope, language)
                except ApiError:
                    found = None
                if found is not None:
                    return found
        return []

    def state(self) -> JsonDict:
        chats = []
        for entry in self.entries.values():
            summary = entry.summary()
            summary["commands"] = self.commands(entry)
            history = self.history(entry.id)
            summary["count"] = len(history)
            summary["last"] = history[-1] if history else None
            chats.append(summary)
        return {
            "epoch": self.epoch,
            "busy": self.busy,
            "bot": {
                "name": self.fake.bot_user["first_name"],
                "username": self.fake.bot_username,
            },
            "chats": chats,
        }

    # ================================================================== events

    def _on_event(self, event: SandboxEvent) -> None:
        if event.chat_id is None or event.chat_id not in self.entries:
            return
        payload: JsonDict | None = None
        if event.kind in ("message", "edited") and event.message is not None:
            payload = {"type": event.kind, "message": self.bot_view(event.message)}
        elif event.kind == "user_message":
            chat = self.fake.chat(event.chat_id)
            kind = "edited" if "edit_date" in event.data else "message"
            payload = {"type": kind, "message": self.user_view(chat, event.data)}
        elif event.kind == "deleted":
            payload = {"type": "deleted", "message_id": event.data.get("message_id")}
        elif event.kind == "callback_answered" and event.query is not None:
            answer = event.query.answer
            payload = {
                "type": "answered",
                "query_id": event.query.id,
                "message_id": event.query.message_id,
                "text": answer.text if answer else None,
                "alert": bool(answer and answer.show_alert),
                "url": answer.url if answer else None,
            }
        elif event.kind == "chat_action":
            payload = {"type": "typing", "action": event.data.get("action")}
        if payload is not None:
            payload["chat_id"] = event.chat_id
            self.broadcast(payload)

    def broadcast(self, payload: JsonDict) -> None:
        """Push an event to every open ``/events`` stream."""
        line = f"data: {_dumps(payload)}\n\n"
        for queue in list(self._streams):
            try:
                queue.put_nowait(line)
            except asyncio.QueueFull:  # a stalled page: drop it, it reconnects and resyncs
                self._streams.discard(queue)
                with contextlib.suppress(asyncio.QueueFull):
                    queue.put_nowait(None)

    async def close(self) -> None:
        """End every event stream (the pages reconnect when the server is back)."""
        for queue in list(self._streams):
            try:
                queue.put_nowait(None)
            except asyncio.QueueFull:
                with contextlib.suppress(asyncio.QueueEmpty):
                    queue.get_nowait()
                queue.put_nowait(None)
        self._streams.clear()

    def detach(self) -> None:
        """Stop listening to the fake."""
        self._unsubscribe()

    # ================================================================== HTTP

    def application(self) -> web.Application:
        """The web chat's routes; add the fake's with ``fake.start(..., app=...)``."""
        app = web.Application(
            client_max_size=MAX_UPLOAD + 1024 * 1024,
            middlewares=[self._middleware],
        )
        app.router.add_get("/", self._index)
        app.router.add_get("/events", self._events)
        app.router.add_get("/api/state", self._get_state)
        app.router.add_post("/api/residents", self._post_resident)
        app.router.add_get("/api/chats/{chat_id}/messages", self._get_messages)
        app.router.add_post("/api/chats/{chat_id}/messages", self._post_message)
        app.router.add_post("/api/chats/{chat_id}/buttons", self._post_button)
        app.router.add_post("/api/chats/{chat_id}/documents", self._post_document)
        app.router.add_post("/api/reset", self._post_reset)
        app.router.add_static("/static/", STATIC, follow_symlinks=False)
        app.on_shutdown.append(self._on_shutdown)
        return app

    async def _on_shutdown(self, app: web.Application) -> None:
        await self.close()

    @web.middleware
    async def _middleware(
        self,
        request: web.Request,
        handler: Callable[[web.Request], Awaitable[web.StreamResponse]],
    ) -> web.StreamResponse:
        path = request.path
        if path.startswith("/api/") and request.method == "POST":
            if request.headers.get(CSRF_HEADER) != "1":
                return _json({"error": f"the {CSRF_HEADER} header is missing"}, 403)
            if self.busy is not None and path != "/api/reset":
                return _json({"error": f"the sandbox is {self.busy}; try again"}, 503)
        try:
            response = await handler(request)
        except _BadInput as err:
            response = _json({"error": err.message}, err.status)
        headers = response.headers
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("Referrer-Policy", "no-referrer")
        if path.startswith("/file/"):
            # Files come from the bot or from uploads: never let one run as a page here.
            headers["Content-Security-Policy"] = "sandbox; default-src 'none'; img-src 'self'"
            if not str(headers.get("Content-Type", "")).startswith("image/"):
                name = _SAFE_FILENAME.sub("_", path.rsplit("/", 1)[-1]) or "file"
                headers["Content-Disposition"] = f'attachment; filename="{name}"'
        elif not path.startswith("/bot"):
            headers.setdefault("Content-Security-Policy", _CSP)
            if path.startswith("/api/"):
                headers.setdefault("Cache-Control", "no-store")
        return response

    async def _index(self, request: web.Request) -> web.StreamResponse:
        return web.FileResponse(STATIC / "index.html", headers={"Cache-Control": "no-cache"})

    async def _get_state(self, request: web.Request) -> web.StreamResponse:
        return _json(self.state())

    async def _get_messages(self, request: web.Request) -> web.StreamResponse:
        entry = self._entry(request)
        return _json({"chat_id": entry.id, "messages": self.history(entry.id)})

    @staticmethod
    async def _body(request: web.Request) -> JsonDict:
        if request.content_type != "application/json":
            raise _BadInput(415, "send JSON (Content-Type: application/json)")
        try:
            body = await request.json()
        except ValueError:
            raise _BadInput(400, "the body is not valid JSON") from None
        if not isinstance(body, dict):
            raise _BadInput(400, "the body is a JSON object")
        return body

    async def _post_resident(self, request: web.Request) -> web.StreamResponse:
        body = await self._body(request)
        entry = self.add_resident(str(body.get("name", "")), str(body.get("language", "nl")))
        summary = entry.summary()
        summary.update(commands=self.commands(entry), count=0, last=None)
        self.broadcast({"type": "chats"})
        return _json({"chat": summary}, 201)

    async def _post_message(self, request: web.Request) -> web.StreamResponse:
        entry = self._entry(request)
        body = await self._body(request)
        sender = self._sender(entry)
        if body.get("contact"):
            message_id = await sender.send_contact("+31612345678")
        elif body.get("location"):
            message_id = await sender.send_location(*TOWN_HALL)
        else:
            text = body.get("text")
            if not isinstance(text, str) or not text.strip():
                raise _BadInput(400, "the message is empty")
            if len(text.encode("utf-16-le")) // 2 > MAX_TEXT:
                raise _BadInput(400, f"a message has at most {MAX_TEXT} characters")
            reply_to = body.get("reply_to")
            message_id = await sender.send(
                text, reply_to=int(reply_to) if isinstance(reply_to, int) else None
            )
        chat = self.fake.chat(entry.id)
        return _json({"message": self.user_view(chat, chat.user_messages[message_id])}, 201)

    async def _post_button(self, request: web.Request) -> web.StreamResponse:
        entry = self._entry(request)
        body = await self._body(request)
        message_id, data = body.get("message_id"), body.get("data")
        if not isinstance(message_id, int) or not isinstance(data, str):
            raise _BadInput(400, "give message_id (a number) and data (the button's data)")
        chat = self.fake.chat(entry.id)
        message = chat.by_id.get(message_id)
        if message is None or message.deleted:
            raise _BadInput(404, "that message is gone")
        if data not in {d for row in message.button_data for d in row if d}:
            raise _BadInput(409, "that button is no longer there")
        sender = self._sender(entry)
        query_id = await sender.press_data(data, message_id=message_id)
        return _json({"query_id": query_id}, 201)

    async def _post_document(self, request: web.Request) -> web.StreamResponse:
        entry = self._entry(request)
        if not request.content_type.startswith("multipart/"):
            raise _BadInput(415, "send the file as multipart/form-data")
        reader = await request.multipart()
        filename: str | None = None
        content = b""
        mime = "application/octet-stream"
        caption: str | None = None
        while True:
            part = await reader.next()
            if part is None:
                break
            if not isinstance(part, BodyPartReader):
                continue
            if part.name == "file" and part.filename:
                filename = Path(part.filename).name[:128] or "document"
                content = bytes(await part.read())
                mime = part.headers.get("Content-Type", mime)
            elif part.name == "caption":
                caption = (await part.text()).strip()[:1024] or None
        if filename is None:
            raise _BadInput(400, "choose a file")
        if not content:
            raise _BadInput(400, "the file is empty")
        if filename.lower().endswith((".yaml", ".yml")):
            mime = "application/x-yaml"
        sender = self._sender(entry)
        message_id = await sender.send_document(filename, content, mime, caption=caption)
        chat = self.fake.chat(entry.id)
        return _json({"message": self.user_view(chat, chat.user_messages[message_id])}, 201)

    async def _post_reset(self, request: web.Request) -> web.StreamResponse:
        if self._reset is None:
            raise _BadInput(501, "this sandbox cannot start again")
        if self.busy is not None:
            raise _BadInput(409, f"the sandbox is already {self.busy}")
        self.busy = "resetting"
        self.broadcast({"type": "busy", "busy": self.busy})
        try:
            await self._reset()
        except Exception as exc:
            _LOG.exception("starting the sandbox again failed")
            raise _BadInput(500, f"starting again failed: {exc}") from None
        finally:
            self.busy = None
            self.epoch += 1
            self.broadcast({"type": "reset", "epoch": self.epoch})
        return _json({"epoch": self.epoch})

    async def _events(self, request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(
            headers={
                "Content-Type": "text/event-stream; charset=utf-8",
                "Cache-Control": "no-cache, no-store",
                "X-Accel-Buffering": "no",
            }
        )
        await response.prepare(request)
        queue: asyncio.Queue[str | None] = asyncio.Queue(_STREAM_QUEUE)
        self._streams.add(queue)
        hello = {"type": "hello", "epoch": self.epoch, "busy": self.busy}
        try:
            await response.write(f"retry: 1000\ndata: {_dumps(hello)}\n\n".encode())
            while True:
                try:
                    line = await asyncio.wait_for(queue.get(), _KEEPALIVE)
                except TimeoutError:
                    await response.write(b": keep-alive\n\n")
                    continue
                if line is None:
                    break
                await response.write(line.encode())
        except (ConnectionError, RuntimeError):
            pass  # the page went away
        finally:
            self._streams.discard(queue)
        return response

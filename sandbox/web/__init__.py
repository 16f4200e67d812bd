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
:mod:`sandbox.run` does that and runs the bot against it. The fake then puts
:func:`sandbox.guard.local_only` in front of every route, these and its own: requests for
another host name (DNS rebinding) or from another web site are refused. On top of that,
every state-changing request of the page carries :data:`CSRF_HEADER`.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import Any, Literal

from aiohttp import BodyPartReader, web
from babel import Locale as BabelLocale

from flows.texts import LANGUAGES as TEXT_LANGUAGES
from flows.texts import direction, language_name
from sandbox.clients import UserClient
from sandbox.fakeapi import FakeBotApi
from sandbox.limits import MAX_CAPTION, MAX_NAME, MAX_TEXT
from sandbox.models import BotMessage, JsonDict, SandboxEvent, dumps
from sandbox.spec import ApiError
from sandbox.web.stream import EventStream
from sandbox.web.views import MessageViews

__all__ = [
    "ADMIN_USER_ID",
    "CSRF_HEADER",
    "GROUP_CHAT_ID",
    "ChatEntry",
    "WebChat",
]

_LOG = logging.getLogger("sandbox.web")

ChatKind = Literal["resident", "group", "admin"]

#: The page, its script and its style (``sandbox/static``).
STATIC = Path(__file__).resolve().parent.parent / "static"

#: The sandbox administrator (ADMIN_USER_IDS of the bot run by the sandbox).
ADMIN_USER_ID = 1_000_000
ADMIN_NAME = "Beheerder"
#: The civil servants' group (DIGEST_CHAT_ID of the bot run by the sandbox).
GROUP_CHAT_ID = -1_001_234_567_890
GROUP_TITLE = "Ambtenaren Rivierstad"
#: Where Rivierstad's town hall would be, for a shared location.
TOWN_HALL = (51.8126, 5.8372)

LANGUAGES = TEXT_LANGUAGES  # every language the bot has a catalog for
#: Where index.html takes the resident dialog's language choices (:func:`_choices`).
LANGUAGE_MARK = "<!-- languages: one choice per catalog of the bot, written in by the server -->"


def _english_name(code: str) -> str:
    return BabelLocale.parse(code.replace("-", "_")).get_display_name("en") or code


def _choices() -> str:
    """A radio button per language the bot has a catalog for: its own name (right to left
    where it is written so), and its English name; Dutch first and chosen."""
    lines = []
    for index, code in enumerate(LANGUAGES):
        own, english = language_name(code), _english_name(code)
        side = ' dir="rtl"' if direction(code) == "rtl" else ""
        said = f'<span lang="{escape(code)}"{side}>{escape(own)}</span>'
        if english.casefold() != own.casefold():
            said += f" ({escape(english)})"
        checked = " checked" if index == 0 else ""
        lines.append(
            f'        <label class="choice"><input type="radio" name="language" '
            f'value="{escape(code)}"{checked}> {said}</label>\n'
        )
    return "".join(lines)


#: Bytes of a file a person may upload in the web chat.
MAX_UPLOAD = 20 * 1024 * 1024
#: Header every state-changing request must carry: a cross-site form cannot set it, and a
#: cross-site script cannot send it without a CORS preflight, which is never allowed.
CSRF_HEADER = "X-Sandbox"

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


def _json(value: Any, status: int = 200) -> web.Response:
    return web.json_response(value, status=status, dumps=dumps)


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
        self.views = MessageViews(fake)
        self._stream = EventStream()
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
            raise _BadInput(400, f"the language is one of {', '.join(LANGUAGES)}")
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

    # ================================================================== what the page shows

    def bot_view(self, message: BotMessage) -> JsonDict:
        """A bot message as the page shows it."""
        return self.views.bot(message)

    def history(self, chat_id: int) -> list[JsonDict]:
        """Every message in a chat that was not deleted, oldest first."""
        return self.views.history(chat_id)

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
            "languages": {code: _english_name(code) for code in LANGUAGES},
        }

    # ================================================================== events

    def _on_event(self, event: SandboxEvent) -> None:
        if event.chat_id is None or event.chat_id not in self.entries:
            return
        payload = self.views.event(event)
        if payload is not None:
            payload["chat_id"] = event.chat_id
            self.broadcast(payload)

    def broadcast(self, payload: JsonDict) -> None:
        """Push an event to every open ``/events`` stream."""
        self._stream.broadcast(payload)

    async def close(self) -> None:
        """End every event stream (the pages reconnect when the server is back)."""
        await self._stream.close()

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
        page = (STATIC / "index.html").read_text("utf-8").replace(LANGUAGE_MARK, _choices(), 1)
        return web.Response(
            text=page, content_type="text/html", headers={"Cache-Control": "no-cache"}
        )

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
        return self._sent(entry, message_id)

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
                caption = (await part.text()).strip()[:MAX_CAPTION] or None
        if filename is None:
            raise _BadInput(400, "choose a file")
        if not content:
            raise _BadInput(400, "the file is empty")
        if filename.lower().endswith((".yaml", ".yml")):
            mime = "application/x-yaml"
        sender = self._sender(entry)
        message_id = await sender.send_document(filename, content, mime, caption=caption)
        return self._sent(entry, message_id)

    def _sent(self, entry: ChatEntry, message_id: int) -> web.StreamResponse:
        """The answer to a message sent from the page: how the page shows it."""
        chat = self.fake.chat(entry.id)
        return _json({"message": self.views.user(chat, chat.user_messages[message_id])}, 201)

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
        return await self._stream.serve(
            request, lambda: {"type": "hello", "epoch": self.epoch, "busy": self.busy}
        )

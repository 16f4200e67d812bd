"""One resident, two doors: the same small API on Telegram (a ``FakeUser`` of the fake Bot
API) and on the web door (real HTTP to the chat page), so that one contract suite
(``tests/e2e/test_doors.py``) runs the same cases against every channel adapter.

What a step said comes back as :class:`Said`: the new messages as plain text with their
button rows, the edits of the message pressed on, and the notice on a pressed button.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from typing import Protocol

import aiohttp

from flows.texts import plain_text
from sandbox.clients import FakeUser
from sandbox.models import BotMessage

_LINE = re.compile(r'<li id="m(\d+)" class="(\w+)">(.*?)</li>', re.S)
_TEXT = re.compile(r'<div class="text">(.*?)</div>', re.S)
_ROW = re.compile(r'<div class="row">(.*?)</div>', re.S)
_BUTTON = re.compile(r'<button type="submit" name="press" value="([^"]*)">(.*?)</button>', re.S)
_CSRF = re.compile(r'name="csrf" value="([^"]*)"')
_STEP = re.compile(r'name="step" value="([^"]*)"')
_FILE = re.compile(r'<a class="file" href="[^"]*" download="([^"]*)"')


@dataclass
class Message:
    """A message as a resident reads it."""

    text: str
    buttons: list[list[str]] = field(default_factory=list)
    document: str | None = None
    before: str | None = None  # an edit: the text it had

    def labels(self) -> list[str]:
        return [label for row in self.buttons for label in row]


@dataclass
class Said:
    messages: list[Message] = field(default_factory=list)
    edits: list[Message] = field(default_factory=list)
    notice: str | None = None

    @property
    def texts(self) -> list[str]:
        return [message.text for message in self.messages]

    @property
    def last(self) -> Message:
        return self.messages[-1]


class Resident(Protocol):
    """A resident at one door. ``n``: how many new messages the step brings (the web door
    checks it, unless it is -1; Telegram waits for them); ``edits``: how many edits of
    messages already shown."""

    channel: str

    async def open(self, questionnaire: str, n: int) -> Said: ...
    async def say(self, text: str, n: int, edits: int = 0) -> Said: ...
    async def press(self, label: str, n: int, edits: int = 0) -> Said: ...


def _telegram_message(message: BotMessage) -> Message:
    if message.document is not None or message.document_name is not None:
        return Message(message.caption or "", document=message.document_name)
    return Message(message.text, message.buttons)


class TelegramResident:
    """A resident in their private chat, through the fake Bot API."""

    channel = "telegram"

    def __init__(self, user: FakeUser) -> None:
        self.user = user

    async def open(self, questionnaire: str, n: int) -> Said:
        await self.user.send(f"/start {questionnaire}")
        return await self._read(n, 0)

    async def say(self, text: str, n: int, edits: int = 0) -> Said:
        await self.user.send(text)
        return await self._read(n, edits)

    async def press(self, label: str, n: int, edits: int = 0) -> Said:
        query = await self.user.press(label)
        said = await self._read(n, edits)
        answer = await self.user.wait_callback_answered(query)
        said.notice = answer.text or None
        return said

    async def _read(self, n: int, edits: int) -> Said:
        messages = await self.user.next_messages(n) if n else []
        changed = [await self.user.next_edit() for _ in range(edits)]
        return Said(
            [_telegram_message(message) for message in messages],
            [_telegram_message(message) for message in changed],
        )


def _web_message(body: str) -> Message:
    found = _TEXT.search(body)
    text = plain_text(found.group(1)) if found else ""
    rows = [
        [html.unescape(label) for _value, label in _BUTTON.findall(row)]
        for row in _ROW.findall(body)
    ]
    rows = [row for row in rows if row]
    document = _FILE.search(body)
    return Message(text, rows, html.unescape(document.group(1)) if document else None)


class WebResident:
    """A resident on the chat page, over real HTTP (the script's JSON posts, or with
    ``javascript=False`` the plain form posts and the page they lead back to)."""

    channel = "web"

    def __init__(self, base_url: str, *, language: str = "nl", javascript: bool = True) -> None:
        self.base_url = base_url
        self.http = aiohttp.ClientSession(
            cookie_jar=aiohttp.CookieJar(unsafe=True), headers={"Accept-Language": language}
        )
        self.javascript = javascript
        self.questionnaire = ""
        self.csrf = ""
        self.step = ""  # the step a typed answer answers, as the page (or its script) has it
        self.lines: dict[int, tuple[str, str]] = {}  # id: (class, html)
        self.last_status = 0
        self.last_page = ""

    async def close(self) -> None:
        await self.http.close()

    @property
    def page_url(self) -> str:
        return f"{self.base_url}/praat/{self.questionnaire}"

    async def open(self, questionnaire: str, n: int) -> Said:
        """The page, as a new tab shows it: every line on it counts as new."""
        self.questionnaire = questionnaire
        async with self.http.get(self.page_url) as response:
            self.last_status = response.status
            page = await response.text()
        found = self._read_page(page)
        self.lines = {i: (kind, body) for i, kind, body in found}
        return self._check(
            Said([_web_message(body) for _, kind, body in found if kind != "mine"]), n
        )

    async def visit(self, path: str, n: int, *, headers: dict[str, str] | None = None) -> Said:
        """Another address of the door (a letter's ``/doe-mee/<code>``), followed to the
        page it leads to: its questionnaire's chat (every line on it counts as new) or a
        page that says one thing (``last_page``, no lines)."""
        async with self.http.get(self.base_url + path, headers=headers or {}) as response:
            self.last_status = response.status
            self.last_page = await response.text()
            landed = response.url.path
        if landed.startswith("/praat/"):
            self.questionnaire = landed.removeprefix("/praat/")
        found = self._read_page(self.last_page)
        self.lines = {i: (kind, body) for i, kind, body in found}
        return self._check(
            Said([_web_message(body) for _, kind, body in found if kind != "mine"]), n
        )

    def _read_page(self, page: str) -> list[tuple[int, str, str]]:
        csrf = _CSRF.search(page)
        self.csrf = csrf.group(1) if csrf else ""
        step = _STEP.search(page)
        self.step = html.unescape(step.group(1)) if step else ""
        found = [(int(i), kind, body) for i, kind, body in _LINE.findall(page)]
        return found

    async def say(self, text: str, n: int, edits: int = 0) -> Said:
        return await self._post({"text": text, "step": self.step}, None, n, edits)

    async def press(self, label: str, n: int, edits: int = 0) -> Said:
        for line_id in sorted(self.lines, reverse=True):
            _kind, body = self.lines[line_id]
            matches = [
                (value, name)
                for value, name in _BUTTON.findall(body)
                if html.unescape(name) == label
            ] or [
                (value, name)
                for value, name in _BUTTON.findall(body)
                if label in html.unescape(name)
            ]
            if len(matches) == 1:
                return await self._post(
                    {"press": html.unescape(matches[0][0]), "line": str(line_id)},
                    line_id,
                    n,
                    edits,
                )
        raise AssertionError(f"no button {label!r} on the page: {self.lines}")

    async def post(
        self, form: dict[str, str], *, cookie: str | None = None
    ) -> aiohttp.ClientResponse:
        """A raw post (forged, replayed...): the response, read."""
        headers = {"Accept": "application/json"} if self.javascript else {}
        if cookie is None:
            response = await self.http.post(
                self.page_url, data=form, headers=headers, allow_redirects=False
            )
            await response.read()
            return response
        async with aiohttp.ClientSession() as http:  # only this cookie, none of the jar's
            headers["Cookie"] = cookie
            response = await http.post(
                self.page_url, data=form, headers=headers, allow_redirects=False
            )
            await response.read()
            return response

    async def _post(self, form: dict[str, str], pressed: int | None, n: int, edits: int) -> Said:
        form = {"csrf": self.csrf, **form}
        if not self.javascript:
            before = max(self.lines, default=0)
            async with self.http.post(self.page_url, data=form) as response:
                self.last_status = response.status
                page = await response.text()
            found = self._read_page(page)
            changed = [
                (i, kind, body)
                for i, kind, body in found
                if i > before or i == pressed or self.lines.get(i, (kind, body))[1] != body
            ]
        else:
            response = await self.post(form)
            self.last_status = response.status
            answer = await response.json()
            self.step = answer["step"]
            changed = []
            for item in answer["lines"]:
                match = _LINE.search(item["html"])
                assert match is not None
                changed.append((int(match.group(1)), match.group(2), match.group(3)))
        said = Said()
        for line_id, kind, body in changed:
            known = line_id in self.lines
            before = _web_message(self.lines[line_id][1]).text if known else None
            self.lines[line_id] = (kind, body)
            if kind == "mine":
                continue
            if kind == "notice":
                said.notice = _web_message(body).text
            elif known and (line_id == pressed or _web_message(body).text != before):
                edit = _web_message(body)
                edit.before = before
                said.edits.append(edit)
            elif not known:
                said.messages.append(_web_message(body))
        if not self.javascript:
            self.lines = {i: (kind, body) for i, kind, body in found}
        return self._check(said, n, edits)

    def _check(self, said: Said, n: int, edits: int = 0) -> Said:
        if n < 0:  # a recording: whatever was said
            return said
        assert len(said.messages) == n, f"expected {n} new message(s), got {said.texts}"
        assert len(said.edits) == edits, f"expected {edits} edit(s), got {said.edits}"
        if not said.edits and said.messages:
            pass
        return said

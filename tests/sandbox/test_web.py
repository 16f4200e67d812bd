"""The sandbox's web chat over real HTTP, with the real bot running against the fake.

Every test drives the page's JSON endpoints and reads the live ``/events`` stream the way
the browser does; the bot behind them is the unmodified application.
"""

# The waiting helpers take a ``timeout`` argument on purpose.
# ruff: noqa: ASYNC109

from __future__ import annotations

import asyncio
import contextlib
import json
import re
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from sqlalchemy import text

from flows.loader import QuestionnaireError
from flows.texts import LANGUAGES
from sandbox.run import (
    BANNER,
    Sandbox,
    SandboxError,
    main,
    prepare_preview,
    run_sandbox,
)
from sandbox.web import ADMIN_USER_ID, CSRF_HEADER, GROUP_CHAT_ID
from tests.conftest import QUESTIONNAIRES

Json = dict[str, Any]
HEADERS = {CSRF_HEADER: "1"}


class Events:
    """The page's ``/events`` stream: server-sent events, decoded."""

    def __init__(self, response: aiohttp.ClientResponse) -> None:
        self.response = response
        self.seen: list[Json] = []

    async def _read(self) -> Json:
        data: list[str] = []
        while True:
            raw = await self.response.content.readline()
            if not raw:
                raise ConnectionError("the event stream ended")
            line = raw.decode().rstrip("\n")
            if line.startswith("data: "):
                data.append(line[6:])
            elif line == "" and data:
                event: Json = json.loads("\n".join(data))
                self.seen.append(event)
                return event

    async def next(self, match: Callable[[Json], bool], timeout: float = 10) -> Json:
        """The next event for which ``match`` holds (earlier ones are skipped)."""
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(f"no matching event; seen: {self.seen[-8:]}")
            event = await asyncio.wait_for(self._read(), remaining)
            if match(event):
                return event

    async def bot_message(self, chat_id: int, timeout: float = 10) -> Json:
        event = await self.next(
            lambda e: (
                e["type"] == "message" and e["chat_id"] == chat_id and not e["message"]["out"]
            ),
            timeout,
        )
        message: Json = event["message"]
        return message


class Client:
    """The page's side of the JSON API."""

    def __init__(self, session: aiohttp.ClientSession, url: str) -> None:
        self.session = session
        self.url = url

    async def get(self, path: str) -> Json:
        async with self.session.get(self.url + path) as response:
            assert response.status == 200, await response.text()
            body: Json = await response.json()
            return body

    async def post(self, path: str, body: Json | None = None, *, status: int = 201) -> Json:
        async with self.session.post(self.url + path, json=body, headers=HEADERS) as response:
            answer: Json = await response.json()
            assert response.status == status, answer
            return answer

    async def messages(self, chat_id: int) -> list[Json]:
        messages: list[Json] = (await self.get(f"/api/chats/{chat_id}/messages"))["messages"]
        return messages

    @contextlib.asynccontextmanager
    async def events(self) -> AsyncIterator[Events]:
        timeout = aiohttp.ClientTimeout(total=None, sock_read=None)
        async with self.session.get(self.url + "/events", timeout=timeout) as response:
            assert response.headers["Content-Type"].startswith("text/event-stream")
            stream = Events(response)
            hello = await stream.next(lambda e: e["type"] == "hello")
            assert hello["epoch"] >= 1
            yield stream


@pytest.fixture
async def client(sandbox: Sandbox) -> AsyncIterator[Client]:
    async with aiohttp.ClientSession() as session:
        yield Client(session, sandbox.url)


def button(message: Json, label: str) -> str:
    """The callback data of the button labelled ``label`` (or containing it)."""
    flat = [b for row in message["keyboard"] for b in row]
    exact = [b for b in flat if b["text"] == label]
    found = exact or [b for b in flat if label in b["text"]]
    assert len(found) == 1, f"no single button {label!r} in {[b['text'] for b in flat]}"
    data: str = found[0]["data"]
    return data


async def test_page_static_files_and_bot_api_share_one_port(
    sandbox: Sandbox, client: Client
) -> None:
    async with client.session.get(client.url + "/") as response:
        assert response.status == 200
        page = await response.text()
        assert "/static/app.js" in page and "/static/app.css" in page
        assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    for name in ("app.js", "app.css"):
        async with client.session.get(f"{client.url}/static/{name}") as response:
            assert response.status == 200
    async with client.session.get(f"{client.url}/bot{sandbox.token}/getMe") as response:
        me = await response.json()
        assert me["ok"] and me["result"]["username"] == "samenspraak_sandbox_bot"


async def test_state_lists_the_residents_group_and_administrator(client: Client) -> None:
    state = await client.get("/api/state")
    kinds = {chat["kind"]: chat for chat in state["chats"]}
    assert set(kinds) == {"resident", "group", "admin"}
    assert kinds["group"]["id"] == GROUP_CHAT_ID
    assert kinds["admin"]["id"] == ADMIN_USER_ID
    assert kinds["resident"]["title"] == "Anna" and kinds["resident"]["language"] == "nl"
    commands = {c["command"] for c in kinds["resident"]["commands"]}
    assert "start" in commands, "the bot's command menu (setMyCommands) is shown"
    assert state["languages"] == {
        "nl": "Dutch",
        "en": "English",
        "ar": "Arabic",
        "tr": "Turkish",
    }
    assert list(state["languages"]) == list(LANGUAGES)  # every catalog of the bot


async def test_a_new_residents_languages_are_the_catalogs_of_the_bot(client: Client) -> None:
    async with client.session.get(client.url + "/") as response:
        page = await response.text()
    assert re.findall(r'name="language" value="([^"]+)"', page) == list(LANGUAGES)
    assert '<span lang="ar" dir="rtl">العربية</span> (Arabic)' in page
    assert '<span lang="tr">Türkçe</span> (Turkish)' in page
    assert 'value="nl" checked> <span lang="nl">Nederlands</span> (Dutch)' in page


async def test_resident_starts_answers_and_sees_it_live(sandbox: Sandbox, client: Client) -> None:
    async with client.events() as events:
        created = await client.post("/api/residents", {"name": "Sam", "language": "en"})
        chat_id = created["chat"]["id"]
        assert created["chat"]["language"] == "en"
        await events.next(lambda e: e["type"] == "chats")

        sent = await client.post(f"/api/chats/{chat_id}/messages", {"text": "/start"})
        assert sent["message"]["out"] and sent["message"]["text"] == "/start"
        echoed = await events.next(lambda e: e["type"] == "message" and e["message"]["out"])
        assert echoed["message"]["id"] == sent["message"]["id"]

        welcome = await events.bot_message(chat_id)
        assert "Will you take part?" in welcome["text"], "English, the resident's language"
        assert any(e["type"] == "bold" for e in welcome["entities"])

        pressed = await client.post(
            f"/api/chats/{chat_id}/buttons",
            {"message_id": welcome["id"], "data": button(welcome, "Yes")},
        )
        answered = await events.next(lambda e: e["type"] == "answered")
        assert answered["query_id"] == pressed["query_id"]

        thanks = await events.bot_message(chat_id)
        assert "Great that you are taking part" in thanks["text"]
        pick = await events.bot_message(chat_id)
        await client.post(
            f"/api/chats/{chat_id}/buttons",
            {"message_id": pick["id"], "data": button(pick, "Waste")},
        )
        await events.bot_message(chat_id)  # the questionnaire's introduction
        question = await events.bot_message(chat_id)
        assert "Which neighbourhood" in question["text"]
        await client.post(
            f"/api/chats/{chat_id}/buttons",
            {"message_id": question["id"], "data": button(question, "North")},
        )
        edited = await events.next(
            lambda e: e["type"] == "edited" and e["message"]["id"] == question["id"]
        )
        assert edited["message"]["edited"] and "North" in edited["message"]["text"]
        assert edited["message"]["keyboard"] == [], "the answered question lost its buttons"

    history = await client.messages(chat_id)
    ids = [m["id"] for m in history]
    assert ids == sorted(ids)
    assert history[0]["out"] and history[0]["text"] == "/start"
    assert [m["id"] for m in history if not m["out"]][:2] == [welcome["id"], thanks["id"]]
    assert next(m for m in history if m["id"] == question["id"])["edited"]
    await sandbox.fake.assert_clean_settled()


async def test_group_and_administrator_chats_send_as_the_administrator(
    sandbox: Sandbox, client: Client
) -> None:
    sent = await client.post(f"/api/chats/{GROUP_CHAT_ID}/messages", {"text": "/digest"})
    assert sent["message"]["from"] == "Beheerder"
    update = sandbox.fake.chat(GROUP_CHAT_ID).user_messages[sent["message"]["id"]]
    assert update["from"]["id"] == ADMIN_USER_ID
    assert update["entities"] == [{"type": "bot_command", "offset": 0, "length": 7}]

    await client.post(f"/api/chats/{ADMIN_USER_ID}/messages", {"text": "/help"})
    reply = await sandbox.fake.user(ADMIN_USER_ID).next_message()
    assert reply.text
    await sandbox.fake.settle()


async def test_upload_a_document_and_download_it(sandbox: Sandbox, client: Client) -> None:
    source = (QUESTIONNAIRES / "afvalinzameling.yaml").read_bytes()
    form = aiohttp.FormData()
    form.add_field("file", source, filename="nieuw.yaml", content_type="text/plain")
    url = f"{client.url}/api/chats/{ADMIN_USER_ID}/documents"
    async with client.session.post(url, data=form, headers=HEADERS) as response:
        assert response.status == 201, await response.text()
        message = (await response.json())["message"]
    media = message["media"]
    assert media["type"] == "document" and media["name"] == "nieuw.yaml"
    assert media["size"] == len(source)
    stored = sandbox.fake.chat(ADMIN_USER_ID).user_messages[message["id"]]["document"]
    assert stored["mime_type"] == "application/x-yaml"

    async with client.session.get(client.url + media["url"]) as response:
        assert response.status == 200
        assert await response.read() == source
        assert response.headers["Content-Disposition"].startswith("attachment")
        assert response.headers["Content-Security-Policy"].startswith("sandbox")
    assert next(m["id"] for m in await client.messages(ADMIN_USER_ID)) == message["id"]
    await sandbox.fake.settle()


async def test_refuses_bad_requests(sandbox: Sandbox, client: Client) -> None:
    resident = next(
        c for c in (await client.get("/api/state"))["chats"] if c["kind"] == "resident"
    )
    chat = resident["id"]
    async with client.session.post(
        f"{client.url}/api/chats/{chat}/messages", json={"text": "hoi"}
    ) as response:
        assert response.status == 403, "a state change needs the sandbox header (no CSRF)"
    await client.post(f"/api/chats/{chat}/messages", {"text": "   "}, status=400)
    await client.post(f"/api/chats/{chat}/messages", {"text": "x" * 4097}, status=400)
    await client.post("/api/chats/424242/messages", {"text": "hoi"}, status=404)
    await client.post("/api/chats/abc/messages", {"text": "hoi"}, status=404)
    await client.post("/api/residents", {"name": "Eve", "language": "de"}, status=400)
    await client.post("/api/residents", {"name": "  ", "language": "nl"}, status=400)
    await client.post("/api/residents", {"name": "x" * 65, "language": "nl"}, status=400)
    await client.post(f"/api/chats/{chat}/buttons", {"message_id": 99, "data": "c:y"}, status=404)

    await client.post(f"/api/chats/{chat}/messages", {"text": "/start"})
    welcome = await sandbox.fake.user(chat).next_message()
    await client.post(
        f"/api/chats/{chat}/buttons",
        {"message_id": welcome.message_id, "data": "forged:data"},
        status=409,
    )
    async with client.session.post(
        f"{client.url}/api/chats/{chat}/messages",
        data="not json",
        headers={**HEADERS, "Content-Type": "application/json"},
    ) as response:
        assert response.status == 400
    await sandbox.fake.settle()


async def test_reset_wipes_chats_and_database(sandbox: Sandbox, client: Client) -> None:
    anna = next(c for c in (await client.get("/api/state"))["chats"] if c["kind"] == "resident")
    await client.post("/api/residents", {"name": "Piet", "language": "nl"})
    await client.post(f"/api/chats/{anna['id']}/messages", {"text": "/start"})
    welcome = await sandbox.fake.user(anna["id"]).next_message()
    await client.post(
        f"/api/chats/{anna['id']}/buttons",
        {"message_id": welcome.message_id, "data": button(sandbox.web.bot_view(welcome), "Ja")},
    )
    await sandbox.fake.user(anna["id"]).next_messages(2)
    assert sandbox.services is not None
    async with sandbox.services.sessions() as db:
        assert (await db.execute(text("select count(*) from residents"))).scalar_one() == 1

    async with client.events() as events:
        result = await client.post("/api/reset", status=200)
        reset = await events.next(lambda e: e["type"] == "reset")
        assert reset["epoch"] == result["epoch"] == 2

    state = await client.get("/api/state")
    assert [c["title"] for c in state["chats"] if c["kind"] == "resident"] == ["Anna"]
    assert all(c["count"] == 0 for c in state["chats"])
    assert await client.messages(anna["id"]) == []
    assert sandbox.services is not None
    async with sandbox.services.sessions() as db:
        assert (await db.execute(text("select count(*) from residents"))).scalar_one() == 0

    # Anna is a stranger to the bot again: /start asks for her consent once more.
    await client.post(f"/api/chats/{anna['id']}/messages", {"text": "/start"})
    again = await sandbox.fake.user(anna["id"]).next_message()
    assert "Doe je mee?" in again.text
    await sandbox.fake.settle()


async def test_the_production_database_is_refused() -> None:
    with pytest.raises(SandboxError, match="production"):
        Sandbox(port=0, database_url="sqlite+aiosqlite:///./data/samenspraak.db")


def _preview_source(questionnaire_id: str) -> str:
    source = (QUESTIONNAIRES / "afvalinzameling.yaml").read_text(encoding="utf-8")
    return source.replace("id: afvalinzameling", f"id: {questionnaire_id}", 1).replace(
        "nl: Afval ophalen in Rivierstad", "nl: Proef met een nieuwe vragenlijst", 1
    )


async def test_preview_opens_the_questionnaire_for_the_first_resident(tmp_path: Path) -> None:
    preview = tmp_path / "proef.yaml"
    preview.write_text(_preview_source("proef"), encoding="utf-8")
    into = tmp_path / "copy"
    assert prepare_preview(QUESTIONNAIRES, preview, into) == "proef"
    assert sorted(p.name for p in into.iterdir()) == sorted(
        [p.name for p in QUESTIONNAIRES.glob("*.yaml")] + ["proef.yaml", "images"]
    )
    assert (into / "images" / "buurtschouw.png").read_bytes() == (
        QUESTIONNAIRES / "images" / "buurtschouw.png"
    ).read_bytes()  # the wijkpeiling's image: came along

    box = Sandbox(
        port=0,
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'sandbox.db'}",
        questionnaires_dir=into,
        deep_link="proef",
    )
    await box.start()
    try:
        anna = box.fake.user(box.web.residents()[0].user_id)
        welcome = await anna.next_message()
        assert welcome.button_data[0][0] == "c:y:proef", "consent, then straight to the preview"
        await anna.press(welcome.buttons[0][0], message=welcome)
        messages = await anna.next_messages(2)
        assert any("Proef met een nieuwe vragenlijst" in m.text for m in messages)
        await box.fake.assert_clean_settled()
    finally:
        await box.stop()


def test_a_deliberation_preview_goes_where_deliberations_are_read(tmp_path: Path) -> None:
    """``kind: stellingen``: checked as a deliberation, copied into ``stellingen/``."""
    source = (QUESTIONNAIRES / "stellingen" / "autoluw-centrum.yaml").read_text("utf-8")
    preview = tmp_path / "proefgesprek.yaml"
    preview.write_text(source.replace("id: autoluw-centrum", "id: proefgesprek", 1), "utf-8")
    into = tmp_path / "copy"
    assert prepare_preview(QUESTIONNAIRES, preview, into) == "proefgesprek"
    assert sorted(p.name for p in (into / "stellingen").iterdir()) == [
        "autoluw-centrum.yaml",
        "proefgesprek.yaml",
    ]
    assert {p.name for p in QUESTIONNAIRES.glob("*.yaml")} <= {p.name for p in into.iterdir()}
    # The same id as a shipped deliberation: the preview replaces it.
    same = tmp_path / "zelfde.yaml"
    same.write_text(source, "utf-8")
    again = tmp_path / "again"
    assert prepare_preview(QUESTIONNAIRES, same, again) == "autoluw-centrum"
    assert [p.name for p in (again / "stellingen").iterdir()] == ["zelfde.yaml"]
    broken = tmp_path / "kapot.yaml"
    broken.write_text(source.replace("statements:", "stellingen:", 1), "utf-8")
    with pytest.raises(QuestionnaireError):
        prepare_preview(QUESTIONNAIRES, broken, tmp_path / "never")


async def test_a_preview_that_does_not_validate_stops_everything(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = tmp_path / "kapot.yaml"
    broken.write_text(
        _preview_source("kapot").replace("type: choice", "type: keuze", 1), encoding="utf-8"
    )
    with pytest.raises(QuestionnaireError) as raised:
        await run_sandbox(
            port=0, database_url=f"sqlite+aiosqlite:///{tmp_path / 's.db'}", preview=broken
        )
    assert raised.value.problems and "kapot.yaml" in str(raised.value)
    out = capsys.readouterr().out
    assert out.splitlines() == [BANNER], "nothing started, no address to open"
    assert not (tmp_path / "s.db").exists()


def test_main_reports_an_invalid_preview(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = tmp_path / "kapot.yaml"
    broken.write_text("id: kapot\n", encoding="utf-8")
    assert main(["--port", "0", "--questionnaire", str(broken)]) == 1
    err = capsys.readouterr().err
    assert "not valid; the sandbox does not start" in err and "kapot.yaml" in err
    assert main(["--questionnaire", str(tmp_path / "missing.yaml")]) == 2


async def test_run_sandbox_says_what_it_is_then_where_to_go(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    stop = asyncio.Event()
    task = asyncio.create_task(
        run_sandbox(port=0, database_url=f"sqlite+aiosqlite:///{tmp_path / 's.db'}", stop=stop)
    )
    lines: list[str] = []
    for _ in range(500):
        lines += capsys.readouterr().out.splitlines()
        if any("Open http://" in line for line in lines) or task.done():
            break
        await asyncio.sleep(0.02)
    url = next(line for line in lines if "Open http://" in line).split()[1]
    async with aiohttp.ClientSession() as session, session.get(url + "/api/state") as response:
        assert response.status == 200
    stop.set()
    await asyncio.wait_for(task, 30)
    lines += capsys.readouterr().out.splitlines()
    first = lines[0]
    assert first == BANNER
    assert "SANDBOX" in first and "TELEGRAM_BOT_TOKEN" in first and "make run" in first
    assert lines[-1] == "Sandbox stopped."
    assert (tmp_path / "s.db").exists(), "its own SQLite file"


async def test_a_preview_uses_a_throwaway_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    preview = tmp_path / "proef.yaml"
    preview.write_text(_preview_source("proef"), encoding="utf-8")
    stop = asyncio.Event()
    task = asyncio.create_task(
        run_sandbox(port=0, questionnaires_dir=QUESTIONNAIRES, preview=preview, stop=stop)
    )
    lines: list[str] = []
    while not any("Open http://" in line for line in lines):
        assert not task.done(), lines
        lines += capsys.readouterr().out.splitlines()
        await asyncio.sleep(0.02)
    assert "Previewing questionnaire 'proef' (only in this sandbox)." in lines
    url = next(line for line in lines if "Open http://" in line).split()[1]
    assert f"The chat page for residents without Telegram: {url}/praat/proef" in lines
    async with aiohttp.ClientSession() as session:
        async with session.get(f"{url}/praat/proef") as response:
            assert response.status == 200  # the preview on the chat page too
        client = Client(session, url)
        anna = next(
            c for c in (await client.get("/api/state"))["chats"] if c["kind"] == "resident"
        )
        for _ in range(200):
            messages = await client.messages(anna["id"])
            if len(messages) >= 2:
                break
            await asyncio.sleep(0.02)
        assert messages[0]["text"] == "/start proef"
        assert button(messages[1], "Ja") == "c:y:proef"
    stop.set()
    await asyncio.wait_for(task, 30)
    assert not (tmp_path / "data").exists(), "nothing of a preview is kept"


async def _consent(client: Client, box: Sandbox, chat_id: int) -> Json:
    """``/start`` in a resident's chat, and "Ja" to the consent question; returns what the
    page sent for that press."""
    await client.post(f"/api/chats/{chat_id}/messages", {"text": "/start"})
    welcome = await box.fake.user(chat_id).next_message()
    assert "Doe je mee?" in welcome.text
    pressed = {"message_id": welcome.message_id, "data": button(box.web.bot_view(welcome), "Ja")}
    await client.post(f"/api/chats/{chat_id}/buttons", pressed)
    await box.fake.user(chat_id).next_messages(2)
    return pressed


async def test_a_restart_on_the_same_database_answers_at_once(tmp_path: Path) -> None:
    """Stopped and started again on its database (as `make run` twice), the sandbox answers
    the first message: the database keeps the update ids its bot handled and drops a new
    update with such an id as a redelivery, so the fake goes on above them (Telegram's
    update ids only go up). Anna keeps her id (the bot knows her); a resident added after
    the restart is a stranger to the bot, not one added before it."""
    database_url = f"sqlite+aiosqlite:///{tmp_path / 'sandbox.db'}"
    first = Sandbox(port=0, database_url=database_url)
    await first.start()
    try:
        async with aiohttp.ClientSession() as session:
            client = Client(session, first.url)
            anna = first.web.residents()[0].user_id
            pressed = await _consent(client, first, anna)
            piet = await client.post("/api/residents", {"name": "Piet", "language": "nl"})
            await _consent(client, first, piet["chat"]["id"])
        await first.fake.settle()
    finally:
        await first.stop()

    second = Sandbox(port=0, database_url=database_url)
    await second.start()
    try:
        async with aiohttp.ClientSession() as session:
            client = Client(session, second.url)
            async with client.events() as events:
                await client.post(f"/api/chats/{ADMIN_USER_ID}/messages", {"text": "/help"})
                helped = await events.bot_message(ADMIN_USER_ID)
            assert "/beheer" in helped["text"]

            assert second.web.residents()[0].user_id == anna
            await client.post(f"/api/chats/{anna}/messages", {"text": "/start"})
            assert "Doe je mee?" not in (await second.fake.user(anna).next_message()).text
            # "Ja" on the first run's welcome, from a page left open: the fake's chats went
            # with that run (message ids start again), so the press is refused and never
            # reaches the bot.
            async with session.post(
                f"{second.url}/api/chats/{anna}/buttons", json=pressed, headers=HEADERS
            ) as response:
                assert response.status in (404, 409), await response.text()

            sara = await client.post("/api/residents", {"name": "Sara", "language": "nl"})
            assert sara["chat"]["id"] != piet["chat"]["id"]
            await _consent(client, second, sara["chat"]["id"])
        await second.fake.assert_clean_settled()
    finally:
        await second.stop()
    assert second.fake.rejected == []

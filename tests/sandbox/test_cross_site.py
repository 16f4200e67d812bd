"""Web pages elsewhere cannot drive the sandbox: over real HTTP, as a browser would send them.

A page on any site can make the tester's browser send "simple" requests to the sandbox's
local port (a form POST, an image, a link), and with DNS rebinding (its own name pointed
at 127.0.0.1) even read the answers. Each test sends what such a page would make the
browser send, with the real token (as if it had leaked), and checks it is refused while
the sandbox's own page and the bot keep working.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
import telegram

from bot.core.config import TOKEN_PATTERN
from sandbox.fakeapi import FakeBotApi
from sandbox.guard import LOCAL_NAMES, allowed_names
from sandbox.run import Sandbox
from sandbox.web import CSRF_HEADER

EVIL = "https://evil.example"
#: What a browser adds to a form a page on another site posts to the sandbox.
CROSS_SITE_FORM = {"Origin": EVIL, "Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "navigate"}
#: What a browser adds to an image or script a page on another site points at the sandbox.
CROSS_SITE_IMAGE = {"Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "no-cors"}


@pytest.fixture
async def session() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as client:
        yield client


async def answer(
    session: aiohttp.ClientSession,
    method: str,
    url: str,
    *,
    headers: dict[str, str] | None = None,
    **kwargs: Any,
) -> tuple[int, str]:
    """(HTTP status, body as text) of one request."""
    async with session.request(method, url, headers=headers, **kwargs) as response:
        return response.status, await response.text()


def test_every_run_has_its_own_random_token(tmp_path: Path) -> None:
    database = f"sqlite+aiosqlite:///{tmp_path / 'sandbox.db'}"
    one, two = Sandbox(database_url=database), Sandbox(database_url=database)
    assert one.fake.token != two.fake.token, "a page elsewhere cannot know the Bot API address"
    for token in (one.fake.token, two.fake.token):
        assert TOKEN_PATTERN.match(token), "the bot accepts it as a token"
        assert len(token.split(":", 1)[1]) >= 32, "too long to guess"
        assert token != "424242:SANDBOX-samenspraak-local-only"


async def test_a_page_elsewhere_cannot_set_the_webhook_or_speak_as_the_bot(
    sandbox: Sandbox, session: aiohttp.ClientSession
) -> None:
    api = f"{sandbox.url}/bot{sandbox.fake.token}"
    anna = sandbox.web.residents()[0].user_id
    hook = {"url": f"{EVIL}/hook"}

    status, reason = await answer(
        session, "POST", f"{api}/setWebhook", data=hook, headers=CROSS_SITE_FORM
    )
    assert status == 403 and "another site" in reason
    # Older browsers send no Sec-Fetch-Site with a form, but always the Origin.
    status, _ = await answer(
        session, "POST", f"{api}/setWebhook", data=hook, headers={"Origin": EVIL}
    )
    assert status == 403
    # A sandboxed frame or a data: page posts with "Origin: null".
    status, _ = await answer(
        session,
        "POST",
        f"{api}/sendMessage",
        data={"chat_id": str(anna), "text": "Gehackt"},
        headers={"Origin": "null"},
    )
    assert status == 403
    # A multipart form is "simple" too.
    form = aiohttp.FormData({"chat_id": str(anna), "text": "Gehackt"})
    status, _ = await answer(
        session, "POST", f"{api}/sendMessage", data=form, headers=CROSS_SITE_FORM
    )
    assert status == 403
    # <img src="http://127.0.0.1:8080/bot.../sendMessage?..."> carries no Origin at all.
    status, reason = await answer(
        session,
        "GET",
        f"{api}/sendMessage",
        params={"chat_id": anna, "text": "Gehackt"},
        headers=CROSS_SITE_IMAGE,
    )
    assert status == 403 and "another page" in reason
    # Nor the page's own JSON API, even if a page managed to add the custom header.
    status, _ = await answer(
        session,
        "POST",
        f"{sandbox.url}/api/chats/{anna}/messages",
        json={"text": "/stop"},
        headers={"Origin": EVIL, CSRF_HEADER: "1"},
    )
    assert status == 403
    status, _ = await answer(
        session,
        "OPTIONS",
        f"{sandbox.url}/api/residents",
        headers={
            "Origin": EVIL,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": CSRF_HEADER,
        },
    )
    assert status == 403, "no CORS preflight passes"

    assert not [c for c in sandbox.fake.calls if c.method in ("setWebhook", "sendMessage")]
    assert sandbox.fake.chat(anna).bot_messages == []
    # The bot still polls and answers: no webhook took its updates away.
    status, _ = await answer(
        session,
        "POST",
        f"{sandbox.url}/api/chats/{anna}/messages",
        json={"text": "/start"},
        headers={CSRF_HEADER: "1"},
    )
    assert status == 201
    welcome = await sandbox.fake.user(anna).next_message()
    assert "Doe je mee?" in welcome.text
    await sandbox.fake.settle()


async def test_other_host_names_are_refused_against_dns_rebinding(
    sandbox: Sandbox, session: aiohttp.ClientSession
) -> None:
    port = sandbox.fake.url.rsplit(":", 1)[1]
    token = sandbox.fake.token
    for path in ("/api/state", "/", "/events", f"/bot{token}/getMe", f"/bot{token}/getUpdates"):
        for host in (f"evil.example:{port}", f"127.0.0.1.nip.io:{port}", "127.0.0.1:1"):
            status, reason = await answer(
                session, "GET", sandbox.url + path, headers={"Host": host}
            )
            assert status == 421, (path, host)
            assert reason.startswith("Misdirected request") and "http://127.0.0.1:" in reason
    status, _ = await answer(session, "GET", sandbox.url + "/api/state", headers={"Host": ""})
    assert status == 421
    for host in ("127.0.0.1", "localhost", "LOCALHOST", "[::1]"):
        status, body = await answer(
            session, "GET", sandbox.url + "/api/state", headers={"Host": f"{host}:{port}"}
        )
        assert status == 200 and '"chats"' in body, host


async def test_the_page_itself_passes_and_is_all_that_passes(
    sandbox: Sandbox, session: aiohttp.ClientSession
) -> None:
    port = sandbox.fake.url.rsplit(":", 1)[1]
    anna = sandbox.web.residents()[0].user_id
    for name in ("127.0.0.1", "localhost"):
        own = {
            "Host": f"{name}:{port}",
            "Origin": f"http://{name}:{port}",
            "Sec-Fetch-Site": "same-origin",
            "Sec-Fetch-Mode": "cors",
            CSRF_HEADER: "1",
        }
        status, _ = await answer(
            session,
            "POST",
            f"{sandbox.url}/api/chats/{anna}/messages",
            json={"text": "hallo"},
            headers=own,
        )
        assert status == 201
    # A link elsewhere may open the page (it changes nothing) ...
    status, page = await answer(
        session,
        "GET",
        sandbox.url + "/",
        headers={"Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "navigate"},
    )
    assert status == 200 and "/static/app.js" in page
    # ... but nothing else comes in from another page, the same site's other ports included.
    for site in ("cross-site", "same-site"):
        for path in ("/api/state", "/events", "/static/app.js"):
            status, _ = await answer(
                session,
                "GET",
                sandbox.url + path,
                headers={"Sec-Fetch-Site": site, "Sec-Fetch-Mode": "no-cors"},
            )
            assert status == 403, (site, path)
    for origin in (f"http://127.0.0.1:{int(port) + 1}", f"https://127.0.0.1:{port}", EVIL):
        status, _ = await answer(
            session, "GET", sandbox.url + "/api/state", headers={"Origin": origin}
        )
        assert status == 403, origin
    await sandbox.fake.settle()


async def test_the_tests_fake_answers_python_telegram_bot_but_no_page_elsewhere() -> None:
    """The same guard on a plain FakeBotApi, here started on a host of its own."""
    async with (
        FakeBotApi() as fake,
        aiohttp.ClientSession() as session,
        telegram.Bot(fake.token, base_url=fake.base_url, base_file_url=fake.base_file_url) as bot,
    ):
        resident = fake.user(first_name="Anna")
        me = await bot.get_me()  # form-encoded, as python-telegram-bot sends every call
        assert me.username == fake.bot_username
        sent = await bot.send_document(resident.chat_id, b"id;antwoord\n", filename="a.csv")
        assert sent.document is not None  # multipart, with the file
        status, _ = await answer(
            session,
            "POST",
            f"{fake.base_url}{fake.token}/setWebhook",
            data={"url": f"{EVIL}/hook"},
            headers=CROSS_SITE_FORM,
        )
        assert status == 403
        stored = fake.file(sent.document.file_id)
        status, _ = await answer(
            session, "GET", fake.url + fake.file_url(stored), headers=CROSS_SITE_IMAGE
        )
        assert status == 403
        status, _ = await answer(
            session, "GET", fake.url + fake.file_url(stored), headers={"Host": "evil.example"}
        )
        assert status == 421
        assert not [c for c in fake.calls if c.method == "setWebhook"]
        fake.assert_clean()


async def test_the_host_it_was_started_on_is_one_of_its_names() -> None:
    fake = FakeBotApi()
    await fake.start("127.0.0.2")
    try:
        port = fake.url.rsplit(":", 1)[1]
        async with aiohttp.ClientSession() as session:
            for host, expected in (
                (f"127.0.0.2:{port}", 200),
                (f"localhost:{port}", 200),
                (f"127.0.0.3:{port}", 421),
            ):
                status, _ = await answer(
                    session, "GET", f"{fake.base_url}{fake.token}/getMe", headers={"Host": host}
                )
                assert status == expected, host
    finally:
        await fake.stop()
    # Listening everywhere names no host: only this machine's own names are answered.
    assert allowed_names("0.0.0.0") == allowed_names("::") == frozenset(LOCAL_NAMES)
    assert allowed_names("::1") == frozenset(LOCAL_NAMES)
    assert "sandbox.example" in allowed_names("Sandbox.Example")

"""The web door as a browser reaches it, over real HTTP to ``samenspraak serve``: without
JavaScript (plain form posts), resuming after a closed tab or a restart, on another device,
its one cookie, and bad input (forged or foreign forms and cookies). The conversation's
own cases, the same at every door, are in ``test_doors.py``."""

from __future__ import annotations

import asyncio
import re
import socket
from collections.abc import Coroutine
from typing import Any

import aiohttp
import pytest

from bot.app.application import run_polling
from bot.app.webdoor import Visitor
from bot.core.services import Services
from flows.texts import t
from sandbox.fakeapi import FakeBotApi
from tests.e2e.conftest import BotRunner, WebhookRunner, running_bot
from tests.e2e.test_conversation import count, sql
from tests.e2e.test_webhook import WELCOME
from tests.support.doors import WebResident
from tests.support.ports import reserve_port

AFVAL = "afvalinzameling"
PAGE = f"/praat/{AFVAL}"
RESUME = "Welkom terug! We gaan verder waar je was gebleven."
FORGED = "Dit formulier is verlopen of komt niet van deze pagina. Er is niets opgeslagen."
CONTINUE = "Doorgaan met het gesprek van het andere apparaat?"
FOREIGN = "Dit bewijs van je sessie hoort bij een andere vragenlijst. Het werkt hier niet."


async def at_question_2(resident: WebResident) -> None:
    await resident.open(AFVAL, n=1)
    await resident.press("Ja, ik doe mee", n=3, edits=1)
    said = await resident.say("Noord", n=1, edits=1)
    assert said.last.text.startswith("Vraag 2 van 7")


async def test_a_whole_questionnaire_without_javascript(
    fake: FakeBotApi, database_url: str
) -> None:
    """Plain forms: every post answers 303 to the page, which shows what was said; on both
    databases, to the end, stored once."""
    async with running_bot(fake, database_url, webhook=True) as bot:
        assert isinstance(bot, WebhookRunner)
        resident = WebResident(bot.base_url, javascript=False)
        try:
            await resident.open("groen-in-de-wijk", n=1)
            await resident.press("Ja, ik doe mee", n=3, edits=1)
            for typed in ["Centrum", "1", "4", "2", "6", "3", "nee"]:
                said = await resident.say(typed, n=1, edits=1)
            assert "Heb je een idee om je wijk groener" in said.last.text
            said = await resident.say("Meer bomen! " * 834, n=1)
            assert said.last.text.startswith("Je tekst is te lang: 10.007 tekens.")
            said = await resident.say("Meer bankjes bij de vijver.", n=2, edits=1)
            assert said.texts[0].startswith("Klaar! Dank je wel voor je mening.")
        finally:
            await resident.close()
        rows = await sql(bot, "SELECT status FROM sessions")
        assert rows == [("completed",)]
        answers = await sql(bot, "SELECT question_id FROM answers ORDER BY question_id")
        assert len(answers) == len(set(answers)) == 8


async def test_closing_the_tab_and_coming_back(served: WebhookRunner, web: WebResident) -> None:
    await at_question_2(web)
    again = await web.open(AFVAL, n=5)  # a new tab: the conversation so far
    assert again.last.text.startswith("Vraag 2 van 7")
    await served.restart()  # the transcript was in memory only: the question in progress
    after = await web.open(AFVAL, n=2)
    assert after.texts == [RESUME, after.texts[1]]
    assert after.texts[1].startswith("Vraag 2 van 7")
    said = await web.press("2. Ondergrondse containers", n=1, edits=1)
    assert said.last.text.startswith("Vraag 3 van 7")


async def test_continuing_on_another_device(served: WebhookRunner, web: WebResident) -> None:
    await at_question_2(web)
    async with web.http.get(web.page_url) as response:
        page = await response.text()
    link = re.search(r'href="(http://[^"]+/verder/[^"]+)"', page)
    assert link is not None
    other = WebResident(served.base_url)
    try:
        async with other.http.get(link.group(1)) as response:  # it asks first
            assert CONTINUE in await response.text()
            assert "samenspraak" not in response.cookies
        async with other.http.post(
            link.group(1), data={"continue": "yes"}, headers={"Origin": served.base_url}
        ) as response:
            assert str(response.url).endswith(PAGE)  # the secret leaves the address bar
        other.questionnaire = AFVAL
        shown = await other.open(AFVAL, n=5)
        assert shown.last.text.startswith("Vraag 2 van 7")
        said = await other.press("3. Allebei", n=1, edits=1)
        assert said.last.text.startswith("Vraag 3 van 8")
    finally:
        await other.close()
    assert await count(served, "residents") == 1


async def test_the_one_cookie(served: WebhookRunner) -> None:
    async with aiohttp.ClientSession() as http:
        async with http.get(served.base_url + PAGE) as response:
            cookies = response.headers.getall("Set-Cookie")
            policy = response.headers["Content-Security-Policy"]
            page = await response.text()
        async with http.get(
            served.base_url + PAGE, headers={"X-Forwarded-Proto": "https"}
        ) as response:
            secure = response.headers.getall("Set-Cookie")
    assert len(cookies) == 1
    cookie = cookies[0]
    assert cookie.startswith("samenspraak=")
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and f"Path={PAGE}" in cookie
    assert "Secure" not in cookie and "Secure" in secure[0]
    assert "default-src 'none'" in policy and "frame-ancestors 'none'" in policy
    # Nothing on the page comes from elsewhere.
    assert not re.search(r'(src|href)="(https?:)?//', page.replace(served.base_url, ""))
    assert '<html lang="nl" dir="ltr">' in page
    assert 'role="log"' in page and 'aria-live="polite"' in page
    # Nothing is stored before consent.
    assert await count(served, "residents") == 0


async def test_forged_and_foreign_posts_change_nothing(
    served: WebhookRunner, web: WebResident
) -> None:
    await at_question_2(web)
    before = await sql(served, "SELECT count(*) FROM answers")
    no_token = await web.post({"text": "Noord"})
    assert no_token.status == 403 and FORGED in await no_token.text()
    wrong = await web.post({"text": "2", "csrf": "x" * 16})
    assert wrong.status == 403
    other_site = await web.http.post(
        web.page_url,
        data={"text": "2", "csrf": web.csrf},
        headers={"Origin": "https://elders.example"},
        allow_redirects=False,
    )
    assert other_site.status == 403
    # A cookie of another questionnaire (a real one, from the same browser) is refused.
    async with web.http.get(f"{served.base_url}/praat/groen-in-de-wijk") as response:
        groen = response.cookies["samenspraak"].value
    foreign = await web.post({"text": "2", "csrf": web.csrf}, cookie=f"samenspraak={groen}")
    assert foreign.status == 400 and FOREIGN in await foreign.text()
    async with (
        aiohttp.ClientSession() as http,
        http.get(served.base_url + PAGE, headers={"Cookie": f"samenspraak={groen}"}) as response,
    ):
        assert response.status == 400 and FOREIGN in await response.text()
    assert await sql(served, "SELECT count(*) FROM answers") == before
    # The real form still works, once.
    said = await web.press("2. Ondergrondse containers", n=1, edits=1)
    assert said.last.text.startswith("Vraag 3 van 7")


async def test_unknown_questionnaire_and_posters(served: WebhookRunner) -> None:
    async with aiohttp.ClientSession() as http:
        async with http.get(served.base_url + "/praat/bestaat-niet") as response:
            assert response.status == 404
            assert "Deze vragenlijst bestaat niet." in await response.text()
        async with http.get(served.base_url + PAGE + "/qr.png") as response:
            assert response.content_type == "image/png"
            assert (await response.read()).startswith(b"\x89PNG\r\n\x1a\n")
        async with http.get(served.base_url + PAGE + "/qr.svg") as response:
            assert response.content_type == "image/svg+xml"
            assert "<svg" in await response.text()
        async with http.get(served.base_url + PAGE + "/insluiten") as response:
            embed = await response.text()
    assert f'href="{served.base_url}{PAGE}"' in embed
    assert f'src="{served.base_url}{PAGE}/qr.svg"' in embed


def test_a_browser_session_is_slowed_down_after_a_burst() -> None:
    now = [100.0]
    visitor = Visitor(allowance=3, clock=lambda: now[0])
    assert [visitor.allowed(3, 1.0) for _ in range(4)] == [True, True, True, False]
    now[0] += 1.0
    assert visitor.allowed(3, 1.0)
    assert not visitor.allowed(3, 1.0)


class PollingWithPages(BotRunner):
    """The bot as ``samenspraak run`` runs it: long polling, and the chat pages on a port."""

    def __init__(self, fake: FakeBotApi, database_url: str, port: int, **overrides: Any) -> None:
        super().__init__(fake, database_url, **overrides)
        self.port = port

    def _run(self, services: Services, stop: asyncio.Event) -> Coroutine[Any, Any, None]:
        return run_polling(services, stop, web_at=("127.0.0.1", self.port))


async def test_samenspraak_run_serves_the_chat_pages_too(
    fake: FakeBotApi, sqlite_url: str
) -> None:
    with reserve_port() as reserved:
        runner = PollingWithPages(fake, sqlite_url, reserved.port)
        await runner.start()
        try:
            resident = WebResident(reserved.url)
            try:
                await at_question_2(resident)
            finally:
                await resident.close()
        finally:
            await runner.stop()


async def test_samenspraak_run_without_its_port_still_runs_the_bot(
    fake: FakeBotApi, sqlite_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    """Another program listens on HTTP_PORT: the bot runs all the same, one warning says
    the chat pages are off."""
    with reserve_port() as reserved, socket.create_server(("127.0.0.1", reserved.port)):
        runner = PollingWithPages(fake, sqlite_url, reserved.port)
        await runner.start()
        try:
            assert WELCOME in (await fake.user().ask("/start")).text
        finally:
            await runner.stop()
    off = [r.getMessage() for r in caplog.records if "chat pages are off" in r.getMessage()]
    assert off == [
        "the residents' chat pages are off: cannot listen on "
        f"127.0.0.1:{reserved.port}: address already in use"
    ]


async def test_an_arabic_speaking_browser_gets_the_page_right_to_left(
    served: WebhookRunner,
) -> None:
    """The browser's language picks the first language, as Telegram's does: the page says
    ``lang="ar" dir="rtl"`` and the bot's own texts come in Arabic."""
    resident = WebResident(served.base_url, language="ar-EG,ar;q=0.9,en;q=0.5")
    try:
        said = await resident.open(AFVAL, n=1)
        assert '<html lang="ar" dir="rtl">' in await page(resident)
        assert said.last.buttons[0][0] == t("ar", "consent.yes")
        joined = await resident.press(t("ar", "consent.yes"), n=3, edits=1)
        assert joined.texts[0] == t("ar", "consent.given")
    finally:
        await resident.close()


async def page(resident: WebResident) -> str:
    async with resident.http.get(resident.page_url) as response:
        return await response.text()

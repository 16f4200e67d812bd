"""The sandbox serves the residents' chat pages (/praat/<id>, the web door) on its own port,
for the bot running in it, behind its local-only guard; after "Start again…" the same
address reaches the new bot."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import aiohttp
import pytest
from sqlalchemy import text

from sandbox.run import Sandbox
from sandbox.web import CSRF_HEADER
from tests.support.doors import WebResident

AFVAL = "afvalinzameling"
PAGE = f"/praat/{AFVAL}"
EVIL = "https://evil.example"


@pytest.fixture
async def resident(sandbox: Sandbox) -> AsyncIterator[WebResident]:
    web = WebResident(sandbox.url)
    try:
        yield web
    finally:
        await web.close()


async def answers(sandbox: Sandbox) -> int:
    assert sandbox.services is not None
    async with sandbox.services.sessions() as db:
        return int((await db.execute(text("SELECT count(*) FROM answers"))).scalar_one())


async def at_question_2(resident: WebResident) -> None:
    opened = await resident.open(AFVAL, n=1)
    assert "Doe je mee?" in opened.last.text
    await resident.press("Ja, ik doe mee", n=3, edits=1)
    said = await resident.say("Noord", n=1, edits=1)
    assert said.last.text.startswith("Vraag 2 van 7")


async def test_the_chat_page_in_the_sandbox_and_after_starting_again(
    sandbox: Sandbox, resident: WebResident
) -> None:
    await at_question_2(resident)
    assert await answers(sandbox) == 1

    # The page's own rules hold at the sandbox's address: its policy, its cookie's path, and
    # the link to go on elsewhere pointing at the sandbox (PUBLIC_URL is the sandbox's).
    async with aiohttp.ClientSession() as http, http.get(sandbox.url + PAGE) as response:
        assert response.status == 200
        policy = response.headers["Content-Security-Policy"]
        cookie = response.headers["Set-Cookie"]
        page = await response.text()
    assert "default-src 'none'" in policy and "form-action 'self'" in policy
    assert f"Path={PAGE}" in cookie and "HttpOnly" in cookie and "Secure" not in cookie
    link = re.search(r'href="([^"]+/verder/[^"]+)"', page)
    assert link is not None and link.group(1).startswith(f"{sandbox.url}{PAGE}/verder/")

    reset = {CSRF_HEADER: "1"}  # "Start again…" on the sandbox's page
    async with (
        aiohttp.ClientSession() as http,
        http.post(sandbox.url + "/api/reset", headers=reset) as started,
    ):
        assert started.status == 200

    # The same page, now of the bot started afresh: a stranger again, asked for consent.
    assert await answers(sandbox) == 0
    await at_question_2(resident)
    assert await answers(sandbox) == 1


async def test_the_guard_keeps_other_sites_away_from_the_chat_page(
    sandbox: Sandbox, resident: WebResident
) -> None:
    await resident.open(AFVAL, n=1)
    await resident.press("Ja, ik doe mee", n=3, edits=1)
    form = {"text": "Noord", "step": resident.step, "csrf": resident.csrf}
    # A form on another site, posted by the resident's own browser (with their cookie).
    async with resident.http.post(
        resident.page_url,
        data=form,
        headers={"Origin": EVIL, "Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "navigate"},
        allow_redirects=False,
    ) as response:
        assert response.status == 403
        assert "another site" in await response.text()  # the sandbox's guard said no
    # DNS rebinding: another name for this port.
    port = sandbox.url.rsplit(":", 1)[1]
    async with resident.http.get(
        resident.page_url, headers={"Host": f"evil.example:{port}"}
    ) as response:
        assert response.status == 421
    assert await answers(sandbox) == 0
    # The page itself still answers.
    said = await resident.say("Noord", n=1, edits=1)
    assert said.last.text.startswith("Vraag 2 van 7")
    assert await answers(sandbox) == 1

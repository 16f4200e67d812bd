"""Fixtures for the tests of the fake Bot API and of the sandbox."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
import telegram

from sandbox.fakeapi import FakeBotApi
from sandbox.run import Sandbox


class RawApi:
    """Plain HTTP access to the fake API, to check its answers byte for byte."""

    def __init__(self, fake: FakeBotApi, session: aiohttp.ClientSession) -> None:
        self.fake = fake
        self.session = session

    def url(self, method: str, token: str | None = None) -> str:
        return f"{self.fake.url}/bot{token or self.fake.token}/{method}"

    async def call(self, method: str, **params: Any) -> tuple[int, dict[str, Any]]:
        """POST ``params`` as a JSON body; returns (HTTP status, decoded answer)."""
        async with self.session.post(self.url(method), json=params) as response:
            return response.status, await response.json()

    async def form(self, method: str, **params: str) -> tuple[int, dict[str, Any]]:
        """POST ``params`` form-encoded, as python-telegram-bot does."""
        async with self.session.post(self.url(method), data=params) as response:
            return response.status, await response.json()

    async def ok(self, method: str, **params: Any) -> Any:
        """Call and insist on success; returns ``result``."""
        status, body = await self.call(method, **params)
        assert status == 200 and body["ok"], body
        return body["result"]

    async def error(self, method: str, **params: Any) -> tuple[int, str]:
        """Call and insist on failure; returns (error_code, description)."""
        status, body = await self.call(method, **params)
        assert body["ok"] is False, body
        assert body["error_code"] == status
        return status, body["description"]


@pytest.fixture
async def fake() -> AsyncIterator[FakeBotApi]:
    async with FakeBotApi() as api:
        yield api


@pytest.fixture
async def raw(fake: FakeBotApi) -> AsyncIterator[RawApi]:
    async with aiohttp.ClientSession() as session:
        yield RawApi(fake, session)


@pytest.fixture
async def bot(fake: FakeBotApi) -> AsyncIterator[telegram.Bot]:
    async with telegram.Bot(
        fake.token, base_url=fake.base_url, base_file_url=fake.base_file_url
    ) as tg_bot:
        yield tg_bot


@pytest.fixture
async def sandbox(tmp_path: Path) -> AsyncIterator[Sandbox]:
    """The whole sandbox (fake Bot API, its page, the bot) on a free port and a database of
    its own; afterwards, the bot made no call Telegram would have rejected."""
    box = Sandbox(port=0, database_url=f"sqlite+aiosqlite:///{tmp_path / 'sandbox.db'}")
    await box.start()
    try:
        yield box
    finally:
        await box.stop()
    assert box.fake.rejected == [], "the bot made calls Telegram would reject"

"""End-to-end harness: the unmodified application, started the way ``samenspraak run``
starts it, talks real HTTP to the project's fake Bot API server.

Every test fails if the bot made a call Telegram would reject or left a button spinning
(``fake.assert_clean()`` at teardown).
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import socket
from collections.abc import AsyncIterator, Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from bot.app.application import run_polling, run_webhook
from bot.core.config import Settings, load_settings
from bot.core.services import Services, build_services
from sandbox.fakeapi import FakeBotApi, FakeUser
from tests.conftest import QUESTIONNAIRES

TOKEN = "123456:TEST-TOKEN-samenspraak"
WEBHOOK_SECRET = "test-webhook-secret_0123456789"


class BotRunner:
    """Starts, stops, restarts and kills the bot inside the test's event loop."""

    def __init__(self, fake: FakeBotApi, database_url: str, **overrides: Any) -> None:
        self.fake = fake
        self.database_url = database_url
        self.overrides = overrides
        self.services: Services | None = None
        self._stop: asyncio.Event | None = None
        self._task: asyncio.Task[None] | None = None
        self.clock: Callable[[], datetime] | None = None

    def settings(self) -> Settings:
        values: dict[str, Any] = {
            "_env_file": None,
            "telegram_bot_token": TOKEN,
            "telegram_api_url": self.fake.url,
            "database_url": self.database_url,
            "questionnaires_dir": QUESTIONNAIRES,
            "pseudonym_secret": "test-pseudonym-secret",
            "rate_limit_per_second": 0,
            "municipality_name": "Rivierstad",
        }
        values.update(self.overrides)
        return load_settings(**values)

    async def start(self) -> Services:
        services = await build_services(self.settings())
        if self.clock is not None:
            services.clock = self.clock
        self.services = services
        self._stop = asyncio.Event()
        polls_before = self._polls()
        self._task = asyncio.create_task(run_polling(services, self._stop))
        for _ in range(500):
            if self._polls() > polls_before:
                return services
            if self._task.done():
                self._task.result()  # raises what went wrong
            await asyncio.sleep(0.01)
        raise TimeoutError("the bot did not start polling")

    def _polls(self) -> int:
        # python-telegram-bot deletes any webhook right before it starts long polling.
        return sum(1 for call in self.fake.calls if call.method.lower() == "deletewebhook")

    async def stop(self) -> None:
        """A clean shutdown, as on SIGTERM."""
        if self._task is not None and self._stop is not None:
            self._stop.set()
            await asyncio.wait_for(self._task, 30)
        await self._close()

    async def kill(self) -> None:
        """An abrupt end: the task is cancelled wherever it is, nothing is flushed."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._task
        await self._close()

    async def _close(self) -> None:
        if self.services is not None:
            await self.services.close()
        self.services = None
        self._task = None

    async def restart(self) -> Services:
        await self.stop()
        return await self.start()


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now.

    Taken below Linux's range for outgoing connections (32768-60999): a port the kernel
    hands out for ``bind(0)`` may meanwhile become the local end of some connection.
    """
    for _ in range(100):
        port = random.randrange(20_000, 32_000)
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise OSError("no free port found")


class WebhookRunner(BotRunner):
    """The bot as ``samenspraak serve`` runs it: its own web server on a free port of
    127.0.0.1, with the fake Bot API posting updates to it. ``url`` (default: this server's
    ``/telegram``) is the WEBHOOK_URL registered with the fake, e.g. a load balancer's."""

    def __init__(
        self, fake: FakeBotApi, database_url: str, *, url: str | None = None, **overrides: Any
    ) -> None:
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        values: dict[str, Any] = {
            "webhook_url": url or f"{self.base_url}/telegram",
            "webhook_secret": WEBHOOK_SECRET,
            "http_host": "127.0.0.1",
            "http_port": self.port,
        }
        values.update(overrides)
        super().__init__(fake, database_url, **values)

    @property
    def webhook_url(self) -> str:
        """Where this worker itself takes updates (not through a load balancer)."""
        return f"{self.base_url}/telegram"

    async def start(self) -> Services:
        services = await build_services(self.settings())
        if self.clock is not None:
            services.clock = self.clock
        self.services = services
        self._stop = asyncio.Event()
        registered_before = self._registrations()
        self._task = asyncio.create_task(run_webhook(services, self._stop))
        try:
            for _ in range(500):
                if self._registrations() > registered_before:
                    return services
                if self._task.done():
                    self._task.result()  # raises what went wrong
                await asyncio.sleep(0.01)
            raise TimeoutError("the bot did not register its webhook")
        except BaseException:
            await self.kill()
            raise

    def _registrations(self) -> int:
        return sum(1 for call in self.fake.calls if call.method.lower() == "setwebhook")


@pytest.fixture
async def fake() -> AsyncIterator[FakeBotApi]:
    api = FakeBotApi(TOKEN)
    await api.start()
    try:
        yield api
    finally:
        await api.stop()


@pytest.fixture
async def bot(fake: FakeBotApi, database_url: str) -> AsyncIterator[BotRunner]:
    runner = BotRunner(fake, database_url)
    await runner.start()
    try:
        yield runner
    finally:
        await runner.stop()
    await fake.settle()
    fake.assert_clean()


@pytest.fixture
async def webhook(fake: FakeBotApi, database_url: str) -> AsyncIterator[WebhookRunner]:
    """The bot in webhook mode (``samenspraak serve``), like ``bot`` for polling."""
    runner = WebhookRunner(fake, database_url)
    await runner.start()
    try:
        yield runner
    finally:
        await runner.stop()
    await fake.settle()
    fake.assert_clean()


async def join(user: FakeUser, *, then: str | None = None) -> None:
    """/start and consent; afterwards the resident sees the list (or ``then``'s intro)."""
    welcome = await user.ask("/start" + (f" {then}" if then else ""))
    assert welcome.buttons, "the welcome has consent buttons"
    await user.press(welcome.buttons[0][0], message=welcome)
    await user.next_message()  # "Fijn dat je meedoet!"


def questionnaire_path(name: str) -> Path:
    return QUESTIONNAIRES / f"{name}.yaml"

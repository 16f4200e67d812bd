"""End-to-end harness: the unmodified application, started the way ``samenspraak run``
starts it, talks real HTTP to the project's fake Bot API server.

Every test fails if the bot made a call Telegram would reject or left a button spinning
(``fake.assert_clean()`` at teardown).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable, Coroutine
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

import pytest

from bot.app.application import run_polling, run_webhook
from bot.core.config import Settings
from bot.core.services import Services, build_services
from sandbox.balancer import RoundRobin
from sandbox.clients import FakeUser
from sandbox.fakeapi import FakeBotApi
from tests.conftest import QUESTIONNAIRES
from tests.support.bots import TOKEN, WEBHOOK_SECRET, bot_settings
from tests.support.doors import WebResident
from tests.support.ports import reserve_port

__all__ = [
    "TOKEN",
    "WEBHOOK_SECRET",
    "BotRunner",
    "WebhookRunner",
    "behind_a_front",
    "running_bot",
]


class BotRunner:
    """Starts, stops, restarts and kills the bot inside the test's event loop, as
    ``samenspraak run`` runs it (long polling)."""

    #: The Bot API call that shows the bot is online: python-telegram-bot deletes any
    #: webhook right before it starts long polling.
    ONLINE = "deleteWebhook"

    def __init__(self, fake: FakeBotApi, database_url: str, **overrides: Any) -> None:
        self.fake = fake
        self.database_url = database_url
        self.overrides = overrides
        self.services: Services | None = None
        self._stop: asyncio.Event | None = None
        self._task: asyncio.Task[None] | None = None
        self.clock: Callable[[], datetime] | None = None

    def settings(self) -> Settings:
        return bot_settings(self.database_url, self.fake.url, **self.overrides)

    async def start(self) -> Services:
        """Start, and wait until the bot is online (a failed start is cleaned up)."""
        services = await build_services(self.settings())
        if self.clock is not None:
            services.clock = self.clock
        self.services = services
        self._stop = asyncio.Event()
        online = self._online()
        self._task = asyncio.create_task(self._run(services, self._stop))
        try:
            for _ in range(500):
                if self._online() > online:
                    return services
                if self._task.done():
                    self._task.result()  # raises what went wrong
                await asyncio.sleep(0.01)
            raise TimeoutError(f"the bot did not come online ({self.ONLINE} was never called)")
        except BaseException:
            await self.kill()
            raise

    def _run(self, services: Services, stop: asyncio.Event) -> Coroutine[Any, Any, None]:
        return run_polling(services, stop)

    def _online(self) -> int:
        return sum(1 for call in self.fake.calls if call.method == self.ONLINE)

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


class WebhookRunner(BotRunner):
    """The bot as ``samenspraak serve`` runs it: its own web server on 127.0.0.1, with the
    fake Bot API posting updates to it. ``url`` (default: this server's ``/telegram``) is the
    WEBHOOK_URL registered with the fake, e.g. a load balancer's.

    Its port is reserved for it from the start (``tests.support.ports``) for as long as the
    runner exists: it may stop and start again on the same port, and no other test or
    process is given that port meanwhile.
    """

    ONLINE = "setWebhook"

    def __init__(
        self, fake: FakeBotApi, database_url: str, *, url: str | None = None, **overrides: Any
    ) -> None:
        self.reservation = reserve_port()
        self.port = self.reservation.port
        self.base_url = self.reservation.url
        values: dict[str, Any] = {
            "webhook_url": url or self.webhook_url,
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

    def _run(self, services: Services, stop: asyncio.Event) -> Coroutine[Any, Any, None]:
        return run_webhook(services, stop)


@contextlib.asynccontextmanager
async def running_bot(
    fake: FakeBotApi,
    database_url: str,
    *,
    clock: Callable[[], datetime] | None = None,
    webhook: bool = False,
    settle: float | None = None,
    clean: bool = True,
    **settings: Any,
) -> AsyncIterator[BotRunner]:
    """The bot with the tests' settings plus ``settings`` (and ``clock``, if given), in
    webhook mode if ``webhook``; stopped cleanly at the end. Then, once the fake Bot API has
    settled (``settle``: seconds at most, if not the fake's default), it must have seen no
    call Telegram would reject and no button left spinning (unless ``clean`` is False: for
    a test that provokes rejections and checks them itself).

    ``async with running_bot(fake, database_url, flood_max_updates=10) as bot: ...``
    """
    runner = (WebhookRunner if webhook else BotRunner)(fake, database_url, **settings)
    runner.clock = clock
    await runner.start()
    try:
        yield runner
    finally:
        await runner.stop()
    await (fake.settle() if settle is None else fake.settle(settle))
    if clean:
        fake.assert_clean()


Front = TypeVar("Front", bound=RoundRobin)


@contextlib.asynccontextmanager
async def behind_a_front(
    front: Callable[..., Front], fake: FakeBotApi, database_url: str, workers: int = 2
) -> AsyncIterator[tuple[Front, list[WebhookRunner]]]:
    """``workers`` webhook workers on ``database_url`` and, registered as their WEBHOOK_URL,
    the front ``front(their base URLs, port=...)`` that passes the updates on to them
    (``sandbox.balancer.RoundRobin``, or one of ``tests.e2e.fronts``); all started, and
    stopped afterwards. What the fake Bot API saw is for the test to check."""
    with reserve_port() as port:  # held until the front listens on it
        url = f"{port.url}/telegram"
        runners = [WebhookRunner(fake, database_url, url=url) for _ in range(workers)]
        started = front([runner.base_url for runner in runners], port=port.port)
        await started.start()
    try:
        for runner in runners:
            await runner.start()
        yield started, runners
    finally:
        for runner in runners:
            await runner.stop()
        await started.stop()


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
    async with running_bot(fake, database_url) as runner:
        yield runner


@pytest.fixture
async def webhook(fake: FakeBotApi, database_url: str) -> AsyncIterator[WebhookRunner]:
    """The bot in webhook mode (``samenspraak serve``), like ``bot`` for polling."""
    async with running_bot(fake, database_url, webhook=True) as runner:
        assert isinstance(runner, WebhookRunner)
        yield runner


async def join(user: FakeUser, *, then: str | None = None) -> None:
    """/start and consent; afterwards the resident sees the list (or ``then``'s intro)."""
    welcome = await user.ask("/start" + (f" {then}" if then else ""))
    assert welcome.buttons, "the welcome has consent buttons"
    await user.press(welcome.buttons[0][0], message=welcome)
    await user.next_message()  # "Fijn dat je meedoet!"


def questionnaire_path(name: str) -> Path:
    return QUESTIONNAIRES / f"{name}.yaml"


# --- the web door, served by a webhook bot on SQLite -----------------------------------------


@pytest.fixture
async def served(fake: FakeBotApi, sqlite_url: str) -> AsyncIterator[WebhookRunner]:
    """A bot behind its own web server (webhook), which serves the web door's pages too."""
    async with running_bot(fake, sqlite_url, webhook=True) as bot:
        assert isinstance(bot, WebhookRunner)
        yield bot


@pytest.fixture
async def web(served: WebhookRunner) -> AsyncIterator[WebResident]:
    """A resident in a browser of their own at :func:`served`'s web door."""
    resident = WebResident(served.base_url)
    yield resident
    await resident.close()

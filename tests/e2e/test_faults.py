"""Faults on the way to Telegram and in the database: retried, and nothing accepted is lost.

A Bot API that answers 500 once, and one that keeps failing, are in ``test_resilience.py``;
here the call times out or the connection drops, and the database is locked by someone else.
Each test checks what the resident sees (exactly one next question, no apology) and what
the database holds.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest
from prometheus_client import REGISTRY
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

import bot.app.request as bot_request  # by this name: the ``bot`` fixture shadows the package
from sandbox.clients import FakeUser
from sandbox.fakeapi import FakeBotApi
from sandbox.models import BotMessage
from storage.db import is_sqlite
from tests.e2e.conftest import BotRunner, running_bot
from tests.e2e.test_resilience import (
    PLAN,
    answer,
    assert_complete,
    assert_summary,
    first_answers,
    open_afval,
    perform,
    progress,
    stored_answers,
    walk,
)

#: What the database does under it is this test's subject: it runs on both.
pytestmark = pytest.mark.both_databases

READ_TIMEOUT = 0.5  # seconds the bot waits for the Bot API in these tests
TOO_SLOW = 3 * READ_TIMEOUT  # a delay the bot does not wait for
APOLOGY = "Sorry, er ging iets mis"


@pytest.fixture
async def quick(
    fake: FakeBotApi, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[BotRunner]:
    """The bot with a short read timeout and short pauses between tries."""
    monkeypatch.setattr(bot_request, "READ_TIMEOUT", READ_TIMEOUT)
    monkeypatch.setattr(bot_request, "RETRY_DELAYS", (0.05, 0.2))
    async with running_bot(fake, database_url, settle=TOO_SLOW + 5) as runner:
        yield runner


@pytest.fixture
async def patient(fake: FakeBotApi, database_url: str) -> AsyncIterator[BotRunner]:
    """The bot with its own timeouts: for a test whose fault is not Telegram's (a busy
    machine makes the Bot API's answers slower than ``quick``'s half second now and then,
    and a call tried again after it did arrive is refused, as by Telegram)."""
    async with running_bot(fake, database_url) as runner:
        yield runner


@pytest.fixture
def errors(caplog: pytest.LogCaptureFixture) -> Callable[[], list[logging.LogRecord]]:
    """Errors logged by the bot (a handler that failed reaches the error handler)."""
    caplog.set_level(logging.WARNING)
    return lambda: [r for r in caplog.records if r.levelno >= logging.ERROR]


def errors_counted(code: str) -> float:
    value = REGISTRY.get_sample_value("samenspraak_telegram_api_errors_total", {"code": code})
    return value or 0.0


def failures(fake: FakeBotApi, description: str) -> list[str]:
    """Methods of the calls that failed with ``description`` (injected by the test)."""
    return [c.method for c in fake.calls if not c.ok and c.description == description]


async def assert_exactly(user: FakeUser, fake: FakeBotApi, expected: tuple[int, int]) -> None:
    """Nothing more arrived than the question already seen (no duplicate, no apology)."""
    await fake.settle(TOO_SLOW + 5)
    assert user.unread() == [], [m.text for m in user.unread()]
    assert not any(m.text.startswith(APOLOGY) for m in user.messages)
    assert progress(user.last()) == expected


# --- the Bot API timing out -------------------------------------------------------------------


async def test_a_reply_that_times_out_is_sent_again(
    fake: FakeBotApi, quick: BotRunner, database_url: str, errors: Callable[[], list[Any]]
) -> None:
    resident = fake.user()
    question = await open_afval(resident)
    before = errors_counted("network")

    fake.delay_next("sendMessage", TOO_SLOW)  # the next question hangs past the timeout
    nxt = await answer(resident, question, PLAN[0])  # a button
    assert progress(nxt) == (2, 7)
    await assert_exactly(resident, fake, (2, 7))
    # The held call came to nothing: the bot had stopped waiting for it.
    assert failures(fake, "client went away") == ["sendMessage"]
    assert errors_counted("network") - before == 1
    assert await stored_answers(database_url, resident) == first_answers(1)

    # The button answer and the edit hang; a typed answer after that.
    fake.delay_next("answerCallbackQuery", TOO_SLOW)
    fake.delay_next("editMessageText", TOO_SLOW)
    query = await resident.press("Allebei", message=nxt)
    assert (await resident.wait_callback_answered(query)).text is None
    nxt = await resident.next_message()
    assert progress(nxt) == (3, 8)
    assert nxt.text.count("Vraag 3 van 8") == 1
    await assert_exactly(resident, fake, (3, 8))
    assert sorted(failures(fake, "client went away")) == [
        "answerCallbackQuery",
        "editMessageText",
        "sendMessage",
    ]
    assert await stored_answers(database_url, resident) == first_answers(2)
    assert errors() == []


async def test_a_slow_reply_is_waited_for_not_sent_twice(
    fake: FakeBotApi, quick: BotRunner, database_url: str
) -> None:
    resident = fake.user()
    question = await open_afval(resident)
    fake.delay_next("sendMessage", READ_TIMEOUT / 5)  # slow, but within the timeout
    nxt = await answer(resident, question, PLAN[0])
    assert progress(nxt) == (2, 7)
    assert failures(fake, "client went away") == []
    await assert_exactly(resident, fake, (2, 7))


# --- the connection dropping --------------------------------------------------------------------


async def test_a_dropped_connection_is_tried_again(
    fake: FakeBotApi, quick: BotRunner, database_url: str, errors: Callable[[], list[Any]]
) -> None:
    resident = fake.user()
    question = await open_afval(resident)
    before = errors_counted("network")
    for method in ("answerCallbackQuery", "editMessageText", "sendMessage"):
        fake.drop_next(method)
    query = await resident.press("Noord", message=question)
    assert (await resident.wait_callback_answered(query)).text is None
    nxt = await resident.next_message()
    assert progress(nxt) == (2, 7)
    assert question.text.endswith("✅ Je antwoord: Noord")  # the edit came through too
    assert sorted(failures(fake, "connection dropped")) == [
        "answerCallbackQuery",
        "editMessageText",
        "sendMessage",
    ]
    assert errors_counted("network") - before == 3
    await assert_exactly(resident, fake, (2, 7))
    assert await stored_answers(database_url, resident) == first_answers(1)
    assert errors() == []


async def test_every_kind_of_fault_along_a_whole_questionnaire(
    fake: FakeBotApi, quick: BotRunner, database_url: str, errors: Callable[[], list[Any]]
) -> None:
    """Before each answer another fault (twice in a row where the bot can take it): the
    resident notices nothing but a short wait and ends with every answer stored once."""

    def toggle_and_send() -> None:
        fake.drop_next("editMessageReplyMarkup")  # a toggled option
        fake.fail_next("sendMessage", status=500, count=2)

    def slow_then_cut() -> None:
        fake.delay_next("sendMessage", TOO_SLOW)
        fake.drop_next("sendMessage")

    faults: list[Callable[[], None]] = [
        lambda: fake.fail_next("sendMessage", status=502, description="Bad Gateway"),
        lambda: fake.drop_next("sendMessage", count=2),
        lambda: fake.delay_next("sendMessage", TOO_SLOW),
        toggle_and_send,
        lambda: fake.fail_next("editMessageText", status=503, description="Unavailable"),
        lambda: fake.drop_next("answerCallbackQuery"),
        lambda: fake.delay_next("editMessageText", TOO_SLOW),
        slow_then_cut,
        lambda: fake.drop_next("editMessageText"),
        lambda: fake.fail_next("sendMessage", status=500),
    ]
    assert len(faults) == len(PLAN)
    resident = fake.user()
    question = await open_afval(resident)

    async def fault(i: int) -> None:
        await fake.settle(TOO_SLOW + 5)  # the previous fault is used up
        faults[i]()

    done = await walk(resident, question, PLAN, between=fault)
    assert_summary(done)
    await fake.settle(TOO_SLOW + 5)
    assert resident.unread()[0].text.startswith("Wil je nog een vragenlijst")
    assert len(resident.unread()) == 1
    assert not any(m.text.startswith(APOLOGY) for m in resident.messages)
    injected = [c for c in fake.calls if c.injected]
    assert len(injected) == 14  # every fault was met, and got over
    await assert_complete(database_url, resident)
    assert errors() == []


# --- the database locked by someone else ---------------------------------------------------------


class OutsideLock:
    """Another program holding the database's write lock (SQLite) or the answer tables
    (PostgreSQL) until :meth:`release`."""

    def __init__(self, database_url: str) -> None:
        self.database_url = database_url
        self._loop = asyncio.get_running_loop()
        self._release = asyncio.Event()
        self._held = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    async def __aenter__(self) -> OutsideLock:
        if is_sqlite(self.database_url):
            self._task = asyncio.create_task(asyncio.to_thread(self._sqlite))
        else:
            self._task = asyncio.create_task(self._postgres())
        waiter = asyncio.create_task(self._held.wait())
        await asyncio.wait([waiter, self._task], return_when=asyncio.FIRST_COMPLETED)
        if not self._held.is_set():
            waiter.cancel()
            await self._task  # raises what went wrong
        return self

    def _sqlite(self) -> None:
        path = make_url(self.database_url).database
        assert path is not None
        connection = sqlite3.connect(path, isolation_level=None)
        try:
            connection.execute("BEGIN IMMEDIATE")  # SQLite's one write lock
            self._loop.call_soon_threadsafe(self._held.set)
            asyncio.run_coroutine_threadsafe(self._release.wait(), self._loop).result()
            connection.execute("COMMIT")
        finally:
            connection.close()

    async def _postgres(self) -> None:
        engine = create_async_engine(self.database_url)
        try:
            async with engine.begin() as connection:
                await connection.execute(text("LOCK TABLE sessions, answers IN EXCLUSIVE MODE"))
                self._held.set()
                await self._release.wait()
        finally:
            await engine.dispose()

    async def release(self) -> None:
        self._release.set()
        assert self._task is not None
        await self._task

    async def __aexit__(self, *exc_info: object) -> None:
        if not self._release.is_set():
            await self.release()


async def test_a_locked_database_is_waited_for(
    fake: FakeBotApi, patient: BotRunner, database_url: str, errors: Callable[[], list[Any]]
) -> None:
    """Under load, with the database locked by another program for a while: every answer
    waits, then is stored once and confirmed; nothing fails."""
    residents = [fake.user() for _ in range(12)]
    questions = await asyncio.gather(*(open_afval(r) for r in residents))
    calls = len(fake.calls)
    async with OutsideLock(database_url) as lock:
        for resident, question in zip(residents, questions, strict=True):
            await perform(resident, question, PLAN[0] if resident.id % 2 else ("type", "4105"))
        await asyncio.sleep(0.5)
        # Nothing could be stored, so nothing was confirmed.
        assert [c for c in fake.calls[calls:] if c.method == "sendMessage"] == []
        await lock.release()
    received: list[BotMessage] = await asyncio.gather(*(r.next_message() for r in residents))
    assert [progress(m) for m in received] == [(2, 7)] * len(residents)
    for resident in residents:
        await assert_exactly(resident, fake, (2, 7))
        assert await stored_answers(database_url, resident) == first_answers(1)
    assert errors() == []

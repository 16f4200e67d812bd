"""SIGTERM to ``samenspraak run`` while answers are in flight: they are finished (stored and
confirmed), the process exits with status 0, and after a restart nothing is lost or
handled twice."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest

from sandbox.clients import FakeUser
from sandbox.fakeapi import FakeBotApi
from sandbox.models import BotMessage
from tests.e2e.conftest import TOKEN
from tests.e2e.process import BotProcess
from tests.e2e.test_resilience import PLAN, first_answers, open_afval, progress, stored_answers
from tests.e2e.test_resilience import walk as walk_plan

pytestmark = [pytest.mark.both_databases, pytest.mark.slow]
IN_FLIGHT = 4
SLOW_REPLY = 1.0  # seconds the fake holds each in-flight reply (the bot waits up to 5)


@pytest.fixture
async def api() -> AsyncIterator[FakeBotApi]:
    async with FakeBotApi(TOKEN) as fake:
        yield fake


async def wait_until(condition: Callable[[], bool], what: str, patience: float = 20) -> None:
    deadline = time.monotonic() + patience
    while not condition():
        assert time.monotonic() < deadline, f"gave up waiting for {what}"
        await asyncio.sleep(0.01)


async def test_sigterm_finishes_the_answers_in_flight_then_exits_cleanly(
    api: FakeBotApi, database_url: str, tmp_path: Path
) -> None:
    bot = BotProcess(api, database_url, tmp_path)
    try:
        await bot.start()
        residents = [api.user() for _ in range(2 * IN_FLIGHT)]

        async def second_question(resident: FakeUser) -> BotMessage:
            return await walk_plan(resident, await open_afval(resident), PLAN[:1])

        await asyncio.gather(*(second_question(r) for r in residents))
        in_flight, later = residents[:IN_FLIGHT], residents[IN_FLIGHT:]

        # Each answer is committed, then its next question is slow to go out.
        api.delay_next("sendMessage", SLOW_REPLY, count=IN_FLIGHT)
        for resident in in_flight:
            await resident.send("3")  # Allebei
        await wait_until(lambda: api.delayed_calls == IN_FLIGHT, "the replies in flight")
        status = await bot.terminate()
        for resident in later:  # while the bot is down
            await resident.send("3")

        assert status == 0, bot.log()
        log = bot.log()
        assert "stopping: finishing updates in progress" in log
        assert "Traceback" not in log and " ERROR " not in log, log
        # Every answer in flight was finished before the process ended.
        for resident in in_flight:
            assert [progress(m) for m in resident.unread()] == [(3, 8)]
            assert await stored_answers(database_url, resident) == first_answers(2)
        # Whatever was not confirmed is not stored.
        for resident in later:
            assert resident.unread() == []
            assert await stored_answers(database_url, resident) == first_answers(1)

        # After a restart the rest is handled, and nothing twice.
        await bot.start()
        for resident in later:
            assert progress(await resident.next_message(30)) == (3, 8)
        await api.settle(10)
        for resident in residents:
            assert len(resident.drain()) <= 1
            assert progress(resident.last()) == (3, 8)
            assert await stored_answers(database_url, resident) == first_answers(2)
        assert await bot.terminate() == 0, bot.log()
    finally:
        await bot.close()
    api.assert_clean()

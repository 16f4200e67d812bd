"""Background jobs run on one worker at a time, under a lease in the shared database, and
another worker takes a job over when its holder dies. Time is an injected clock."""

from __future__ import annotations

import asyncio
import os
import socket
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
from telegram import Bot
from telegram.ext import ApplicationBuilder

from bot.core import jobs
from bot.core.config import load_settings
from bot.core.jobs import LeasedJob, lease_duration, worker_name
from bot.core.services import Services
from storage import leases, updates
from tests.support.bots import TOKEN, built_services
from tests.support.clocks import Fixed

#: What the database does under it is this test's subject: it runs on both.
pytestmark = pytest.mark.both_databases

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def clock() -> Fixed:
    return Fixed(T0)


@pytest.fixture
async def services(database_url: str, clock: Fixed) -> AsyncIterator[Services]:
    async with built_services(database_url, clock=clock, seed=False) as built:
        yield built


class Counting:
    """A job that counts its runs (and which worker ran it)."""

    def __init__(self) -> None:
        self.runs: list[str] = []

    def on(self, worker: str) -> jobs.Job:
        async def job(services: Services, bot: Bot) -> None:
            self.runs.append(worker)

        return job


BOT = Bot(TOKEN)  # never called: the jobs here do not talk to Telegram
TTL = lease_duration(60)


def leased(counting: Counting, worker: str, ttl: timedelta = TTL) -> LeasedJob:
    return LeasedJob("digests", counting.on(worker), worker, ttl)


async def test_one_worker_runs_the_job_and_keeps_it(services: Services, clock: Fixed) -> None:
    counting = Counting()
    a, b, c = (leased(counting, w) for w in ("worker-a", "worker-b", "worker-c"))
    for _ in range(5):  # every worker's timer fires every minute
        assert [await w.run(services, BOT) for w in (a, b, c)] == [True, False, False]
        clock.advance(timedelta(seconds=60))
    assert counting.runs == ["worker-a"] * 5


async def test_another_worker_takes_over_when_the_holder_dies(
    services: Services, clock: Fixed
) -> None:
    counting = Counting()
    a, b = leased(counting, "worker-a"), leased(counting, "worker-b")
    assert await a.run(services, BOT)
    # a dies: it renews no more. Until its lease expires, b waits.
    clock.advance(TTL - timedelta(seconds=1))
    assert not await b.run(services, BOT)
    clock.advance(timedelta(seconds=1))
    assert await b.run(services, BOT)
    clock.advance(timedelta(seconds=60))
    assert await b.run(services, BOT)
    # a was only paused and comes back: b has the job now.
    assert not await a.run(services, BOT)
    assert counting.runs == ["worker-a", "worker-b", "worker-b"]


async def test_the_lease_outlasts_two_intervals() -> None:
    assert lease_duration(60) > timedelta(seconds=120)
    assert lease_duration(0.5) > timedelta(seconds=1)


async def test_a_long_run_renews_its_lease(services: Services, clock: Fixed) -> None:
    ttl = timedelta(seconds=0.3)  # renewed every 0.1 s of real time
    renewed = asyncio.Event()

    async def slow(services: Services, bot: Bot) -> None:
        clock.advance(timedelta(seconds=0.25))  # most of the lease goes by
        while not renewed.is_set():
            async with services.sessions() as db:
                info = await leases.current(db, "digests", now=clock())
            if info is not None and info.expires_at > T0 + ttl:
                renewed.set()
            else:
                await asyncio.sleep(0.02)

    a = LeasedJob("digests", slow, "worker-a", ttl)
    assert await asyncio.wait_for(a.run(services, BOT), 10)
    clock.advance(timedelta(seconds=0.1))  # past the first expiry, not the renewed one
    other = LeasedJob("digests", Counting().on("worker-b"), "worker-b", ttl)
    assert not await other.run(services, BOT)


async def test_a_run_stops_when_another_worker_took_the_lease(
    services: Services, clock: Fixed
) -> None:
    ttl = timedelta(seconds=0.3)
    started, stopped = asyncio.Event(), asyncio.Event()

    async def endless(services: Services, bot: Bot) -> None:
        started.set()
        try:
            await asyncio.Event().wait()
        finally:
            stopped.set()

    a = LeasedJob("digests", endless, "worker-a", ttl)
    run = asyncio.create_task(a.run(services, BOT))
    await asyncio.wait_for(started.wait(), 10)
    # a stalled (a long pause) and its lease expired; b took the job over.
    clock.advance(ttl)
    async with services.sessions.begin() as db:
        assert await leases.acquire(db, "digests", "worker-b", ttl=ttl * 100, now=clock())
    assert await asyncio.wait_for(run, 10)  # a's next renewal fails: its run is cancelled
    assert stopped.is_set()


async def test_a_failing_job_raises_and_keeps_its_lease(services: Services) -> None:
    async def broken(services: Services, bot: Bot) -> None:
        raise RuntimeError("the database went away")

    a = LeasedJob("digests", broken, "worker-a", TTL)
    with pytest.raises(RuntimeError):
        await a.run(services, BOT)
    counting = Counting()
    assert not await leased(counting, "worker-b").run(services, BOT)


async def test_repeating_registers_and_release_hands_the_job_over(
    services: Services, clock: Fixed
) -> None:
    application = ApplicationBuilder().token(TOKEN).build()
    application.bot_data["services"] = services
    counting = Counting()
    jobs.repeating(application, "digests", counting.on("here"), interval=60)
    assert jobs.registered(application) == ["digests"]
    mine: list[LeasedJob] = application.bot_data["leased_jobs"]
    assert [job.holder for job in mine] == [worker_name(services.settings)]
    assert await mine[0].run(services, BOT)
    other = leased(counting, "worker-b")
    assert not await other.run(services, BOT)
    await jobs.release(application)  # a clean stop
    assert await other.run(services, BOT)  # at once, without waiting for the expiry
    assert counting.runs == ["here", "worker-b"]


async def test_job_names_fit_the_lease_table(services: Services) -> None:
    with pytest.raises(ValueError):
        LeasedJob("x" * 41, Counting().on("a"), "worker-a", TTL)


def test_worker_name() -> None:
    default = load_settings(_env_file=None)
    name = worker_name(default)
    assert name.endswith(f":{os.getpid()}") and name.startswith(socket.gethostname()[:40])
    assert worker_name(load_settings(_env_file=None, worker_name="web-2")) == "web-2"
    assert len(worker_name(load_settings(_env_file=None, worker_name="w" * 200))) == 80


async def test_forgetting_update_ids_older_than_a_day(services: Services, clock: Fixed) -> None:
    async with services.sessions.begin() as db:
        await updates.record(db, 1, now=T0 - timedelta(days=2))
        await updates.record(db, 2, now=T0 - timedelta(hours=1))
    await jobs.forget_updates(services, BOT)
    async with services.sessions() as db:
        assert not await updates.was_processed(db, 1)
        assert await updates.was_processed(db, 2)

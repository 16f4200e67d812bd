"""storage.leases on each database: one holder at a time, taken over after expiry."""

from __future__ import annotations

import asyncio
import contextlib
import time
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage import leases, migrate
from storage.db import BRIEF_HOLD_MS, create_engine, session_factory
from tests.conftest import _reset_postgres

Sessions = async_sessionmaker[AsyncSession]
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
TTL = timedelta(seconds=30)


async def acquire(sessions: Sessions, holder: str, now: datetime, name: str = "digests") -> bool:
    async with sessions.begin() as db:
        return await leases.acquire(db, name, holder, ttl=TTL, now=now)


async def holder(sessions: Sessions, now: datetime, name: str = "digests") -> str | None:
    async with sessions() as db:
        info = await leases.current(db, name, now=now)
    return info.holder if info else None


async def test_one_holder_until_the_lease_expires(sessions: Sessions) -> None:
    assert await acquire(sessions, "worker-a", T0)
    assert not await acquire(sessions, "worker-b", T0 + timedelta(seconds=1))
    assert await holder(sessions, T0 + timedelta(seconds=1)) == "worker-a"
    # Still a's one moment before it expires; b takes it over at expiry.
    assert not await acquire(sessions, "worker-b", T0 + TTL - timedelta(microseconds=1))
    assert await acquire(sessions, "worker-b", T0 + TTL)
    assert await holder(sessions, T0 + TTL) == "worker-b"
    # a comes back (it was only paused): it no longer has the lease.
    assert not await acquire(sessions, "worker-a", T0 + TTL + timedelta(seconds=1))


async def test_acquiring_again_renews(sessions: Sessions) -> None:
    assert await acquire(sessions, "worker-a", T0)
    assert await acquire(sessions, "worker-a", T0 + timedelta(seconds=20))
    # Renewed at +20 s: still a's at +40 s, which is after the first expiry.
    assert not await acquire(sessions, "worker-b", T0 + timedelta(seconds=40))
    assert await holder(sessions, T0 + timedelta(seconds=49)) == "worker-a"
    assert await holder(sessions, T0 + timedelta(seconds=50)) is None


async def test_renew_only_by_the_holder(sessions: Sessions) -> None:
    async with sessions.begin() as db:
        assert not await leases.renew(db, "digests", "worker-a", ttl=TTL, now=T0)
    assert await acquire(sessions, "worker-a", T0)
    async with sessions.begin() as db:
        assert await leases.renew(db, "digests", "worker-a", ttl=TTL, now=T0 + TTL)
        assert not await leases.renew(db, "digests", "worker-b", ttl=TTL, now=T0 + TTL)
    assert await holder(sessions, T0 + TTL + timedelta(seconds=29)) == "worker-a"
    assert await acquire(sessions, "worker-b", T0 + 2 * TTL)
    async with sessions.begin() as db:  # taken over: a's renewal tells it to stop
        assert not await leases.renew(db, "digests", "worker-a", ttl=TTL, now=T0 + 2 * TTL)


async def test_release_frees_the_lease_at_once(sessions: Sessions) -> None:
    assert await acquire(sessions, "worker-a", T0)
    async with sessions.begin() as db:
        assert not await leases.release(db, "digests", "worker-b")
        assert await leases.release(db, "digests", "worker-a")
        assert not await leases.release(db, "digests", "worker-a")
    assert await holder(sessions, T0) is None
    assert await acquire(sessions, "worker-b", T0 + timedelta(seconds=1))


async def test_leases_are_independent(sessions: Sessions) -> None:
    assert await acquire(sessions, "worker-a", T0, name="digests")
    assert await acquire(sessions, "worker-b", T0, name="outbox")
    assert await holder(sessions, T0, name="digests") == "worker-a"
    assert await holder(sessions, T0, name="outbox") == "worker-b"


async def test_many_workers_at_once_one_wins(sessions: Sessions) -> None:
    results = await asyncio.gather(*(acquire(sessions, f"worker-{n}", T0) for n in range(8)))
    assert sum(results) == 1
    winner = f"worker-{results.index(True)}"
    assert await holder(sessions, T0) == winner


@pytest.mark.postgres
@pytest.mark.parametrize("step", ["acquire", "renew", "release"])
@pytest.mark.timeout(60)
async def test_a_worker_stopped_before_committing_holds_nobody_up(
    postgres_database: str, step: str
) -> None:
    """A worker stopped between a lease's statement and its commit (SIGSTOP, a frozen VM)
    holds the row's lock: another worker taking over the expired lease would wait until it
    went on. On PostgreSQL the server ends the stopped one's session after BRIEF_HOLD_MS
    instead, and its change is rolled back. (SQLite's lock ends with its process.)"""
    await _reset_postgres(postgres_database)
    engine = create_engine(postgres_database)
    await migrate.upgrade(engine)
    sessions = session_factory(engine)
    assert await acquire(sessions, "worker-a", T0)
    stopped, go_on = asyncio.Event(), asyncio.Event()

    async def stop_before_committing() -> None:
        async with sessions.begin() as db:
            if step == "acquire":  # a's renewing by acquiring again
                await leases.acquire(db, "digests", "worker-a", ttl=TTL, now=T0)
            elif step == "renew":
                await leases.renew(db, "digests", "worker-a", ttl=TTL, now=T0)
            else:
                await leases.release(db, "digests", "worker-a")
            stopped.set()
            await go_on.wait()  # idle in transaction, the row locked

    frozen = asyncio.create_task(stop_before_committing())
    await stopped.wait()
    began = time.monotonic()
    try:
        taken = await asyncio.wait_for(
            acquire(sessions, "worker-b", T0 + TTL), timeout=BRIEF_HOLD_MS / 1000 + 15
        )
        waited = time.monotonic() - began
        go_on.set()
        with contextlib.suppress(DBAPIError):
            await frozen
        held_by = await holder(sessions, T0 + TTL)
    finally:
        go_on.set()
        await engine.dispose()
    assert taken and waited >= BRIEF_HOLD_MS / 1000 - 0.5
    # The stopped worker's session was ended: its commit failed, its change rolled back.
    assert isinstance(frozen.exception(), DBAPIError)
    assert held_by == "worker-b"


@pytest.mark.parametrize(
    ("name", "holder_name", "ttl"),
    [
        ("", "w", TTL),
        ("x" * 41, "w", TTL),
        ("jobs", "", TTL),
        ("jobs", "w" * 81, TTL),
        ("jobs", "w", timedelta(0)),
    ],
)
async def test_bad_arguments_are_refused(
    sessions: Sessions, name: str, holder_name: str, ttl: timedelta
) -> None:
    async with sessions.begin() as db:
        with pytest.raises(ValueError):
            await leases.acquire(db, name, holder_name, ttl=ttl, now=T0)

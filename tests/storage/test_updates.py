"""storage.updates on each database: an update id is recorded once, with its unit of work."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage import updates
from storage.models import ProcessedUpdate

Sessions = async_sessionmaker[AsyncSession]
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
BIG = 9_000_000_000  # beyond 32 bits: update ids are BIGINT


async def test_recorded_once(sessions: Sessions) -> None:
    async with sessions.begin() as db:
        assert not await updates.was_processed(db, BIG)
        assert await updates.record(db, BIG, now=T0)
        assert not await updates.record(db, BIG, now=T0)  # same transaction
    async with sessions.begin() as db:
        assert await updates.was_processed(db, BIG)
        assert not await updates.record(db, BIG, now=T0 + timedelta(seconds=1))
        assert not await updates.was_processed(db, BIG + 1)


async def test_a_rolled_back_claim_leaves_nothing(sessions: Sessions) -> None:
    """A crash before the commit: the redelivered update must still be handled."""
    async with sessions() as db, db.begin():
        assert await updates.record(db, 7, now=T0)
        await db.rollback()
    async with sessions.begin() as db:
        assert not await updates.was_processed(db, 7)
        assert await updates.record(db, 7, now=T0)


async def test_claim_on_the_connection_of_a_unit_of_work(sessions: Sessions) -> None:
    async with sessions.begin() as db:
        connection = await db.connection()
        assert await connection.run_sync(lambda sync: updates.claim(sync, 11, now=T0))
        assert not await connection.run_sync(lambda sync: updates.claim(sync, 11, now=T0))
    async with sessions() as db:
        at = await db.scalar(select(ProcessedUpdate.at).where(ProcessedUpdate.update_id == 11))
    assert at == T0


async def test_highest(sessions: Sessions) -> None:
    async with sessions.begin() as db:
        assert await updates.highest(db) is None
        for update_id in (5, BIG, 12):
            await updates.record(db, update_id, now=T0)
    async with sessions() as db:
        assert await updates.highest(db) == BIG


async def test_prune_forgets_old_ids_only(sessions: Sessions) -> None:
    async with sessions.begin() as db:
        await updates.record(db, 1, now=T0 - timedelta(days=2))
        await updates.record(db, 2, now=T0 - timedelta(days=1, seconds=1))
        await updates.record(db, 3, now=T0 - timedelta(hours=23))
        await updates.record(db, 4, now=T0)
    async with sessions.begin() as db:
        assert await updates.prune(db, before=T0 - timedelta(days=1)) == 2
    async with sessions() as db:
        kept = (await db.scalars(select(ProcessedUpdate.update_id))).all()
    assert sorted(kept) == [3, 4]

"""Many residents joining a deliberation at the same moment, each in their own transaction
(on PostgreSQL truly at once): every one gets in, with a participant number of their own."""

from __future__ import annotations

import asyncio

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage import deliberations as store
from tests.storage.test_deliberations import NOW, _resident, _seeded

Sessions = async_sessionmaker[AsyncSession]
AT_ONCE = 30


async def test_residents_joining_at_once_all_get_a_number_of_their_own(
    sessions: Sessions,
) -> None:
    talk = await _seeded(sessions)
    async with sessions.begin() as db:
        ids = [await _resident(db, f"resident-{i}") for i in range(AT_ONCE)]

    async def join(resident_id: int) -> int:
        async with sessions.begin() as db:
            participant, new = await store.join(db, talk, resident_id, now=NOW)
            assert new
            return participant.number

    numbers = await asyncio.gather(*(join(resident_id) for resident_id in ids))
    assert sorted(numbers) == list(range(AT_ONCE))

"""storage.population and storage.profiles on each database (PostgreSQL too with
TEST_DATABASE_URL): versioned reference populations and residents' profiles."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from flows.engine import SessionState
from storage import population, profiles, repo
from storage.models import PopulationCell, ResidentProfile
from storage.population import Cell
from storage.privacy import erase_resident

Sessions = async_sessionmaker[AsyncSession]
JAN_2025 = datetime(2025, 1, 1, tzinfo=UTC)
JAN_2026 = datetime(2026, 1, 1, tzinfo=UTC)


def _cells(scale: int) -> list[Cell]:
    return [
        Cell("Noord", "WK999901", "15-24", 100 * scale),
        Cell("Noord", "WK999901", "65+", 50 * scale),
        Cell("Zuid", "WK999902", "15-24", 80 * scale),
    ]


async def test_a_new_years_figures_replace_the_old_from_their_date(sessions: Sessions) -> None:
    async with sessions.begin() as db:
        old = await population.store_population(
            db, _cells(1), valid_from=JAN_2025, source="2024.csv"
        )
        new = await population.store_population(
            db, _cells(2), valid_from=JAN_2026, source="2025.csv", uploaded_by=7
        )
    async with sessions() as db:
        assert await population.population_at(db, datetime(2024, 6, 1, tzinfo=UTC)) is None
        before = await population.population_at(db, datetime(2025, 12, 31, tzinfo=UTC))
        after = await population.population_at(db, datetime(2026, 3, 1, tzinfo=UTC))
        listed = await population.populations(db)
    assert before is not None and before.id == old and before.total == 230
    assert after is not None and after.id == new and after.total == 460
    assert after.uploaded_by == 7 and after.source == "2025.csv"
    assert Cell("Noord", "WK999901", "65+", 100) in after.cells
    assert [p.id for p in listed] == [new, old]


async def test_split_rows_of_one_cell_add_up(sessions: Sessions) -> None:
    cells = [Cell("Noord", None, "15-24", 10), Cell("Noord", None, "15-24", 5)]
    async with sessions.begin() as db:
        pid = await population.store_population(db, cells, valid_from=JAN_2025, source="x")
    async with sessions() as db:
        stored = await population.population(db, pid)
    assert stored is not None and stored.cells == (Cell("Noord", None, "15-24", 15),)


async def test_negative_counts_are_refused_and_nothing_is_stored(sessions: Sessions) -> None:
    with pytest.raises(ValueError):
        async with sessions.begin() as db:
            await population.store_population(
                db, [Cell("Noord", None, "15-24", -1)], valid_from=JAN_2025, source="x"
            )
    async with sessions.begin() as db:
        pid = await population.store_population(db, _cells(1), valid_from=JAN_2025, source="x")
    with pytest.raises(IntegrityError):  # and the database says so too
        async with sessions.begin() as db:
            db.add(
                PopulationCell(population_id=pid, wijk_name="W", age_band="65+", inhabitants=-3)
            )
    async with sessions() as db:
        assert await db.scalar(select(func.count()).select_from(PopulationCell)) == 3


async def test_profile_given_changed_declined_and_erased(sessions: Sessions, mini: str) -> None:
    async with sessions.begin() as db:
        resident = await repo.register_resident(
            db, "p" * 64, language="nl", consent="given", chat_id=1
        )
        assert await profiles.get_profile(db, resident.id) is None
        await profiles.set_profile(db, resident.id, age_band="25-44")
        changed = await profiles.set_profile(db, resident.id, wijk="noord", postcode=None)
    assert (changed.age_band, changed.wijk, changed.declined) == ("25-44", "noord", False)
    async with sessions.begin() as db:
        session = await repo.start_session(
            db, resident.id, "mini", 1, SessionState(current="tevreden")
        )
    async with sessions() as db:
        assert await profiles.age_bands_of_sessions(db, "mini") == {session.id: "25-44"}
        assert await profiles.age_bands_of_sessions(db, "other") == {}
    async with sessions.begin() as db:
        await profiles.decline_profile(db, resident.id)
        declined = await profiles.get_profile(db, resident.id)
    assert declined is not None and declined.declined and declined.empty
    async with sessions.begin() as db:
        await profiles.set_profile(db, resident.id, age_band="65+")
        await erase_resident(db, resident.id)
    async with sessions() as db:
        assert await db.scalar(select(func.count()).select_from(ResidentProfile)) == 0


async def test_a_draft_is_used_only_once_confirmed_and_can_be_discarded(
    sessions: Sessions,
) -> None:
    async with sessions.begin() as db:
        draft = await population.store_population(
            db, _cells(1), valid_from=JAN_2025, source="x", confirmed=False
        )
        other = await population.store_population(
            db, _cells(3), valid_from=JAN_2025, source="y", confirmed=False
        )
    async with sessions.begin() as db:
        assert await population.population_at(db, JAN_2026) is None
        assert await population.confirm(db, draft)
        assert not await population.confirm(db, draft)  # pressed twice
        assert await population.discard(db, other)
        assert not await population.discard(db, draft)  # confirmed: stays
    async with sessions() as db:
        found = await population.population_at(db, JAN_2026)
        assert found is not None and found.id == draft and found.confirmed
        assert await population.population(db, other) is None
        assert await db.scalar(select(func.count()).select_from(PopulationCell)) == 3

"""The questions asked for every row of a large questionnaire go through an index: read from
the database's own query plan, not from a clock (speed is measured in bench/).

Leaving abandoned tries out of digests and exports (``storage.repo.superseded``) asks, for
every unfinished response, whether the resident has a completed one: without an index by
resident SQLite searched every completed response of the questionnaire each time, minutes
at 100,000 responses.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from storage.models import Session
from storage.repo import superseded


async def test_an_abandoned_try_is_found_through_the_residents_index(
    engine: AsyncEngine,
) -> None:
    query = (
        select(func.count())
        .select_from(Session)
        .where(Session.questionnaire_id == "afvalinzameling", superseded())
    )
    async with engine.connect() as connection:
        if connection.dialect.name == "sqlite":
            compiled = query.compile(connection, compile_kwargs={"literal_binds": True})
            rows = await connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {compiled}")
            plan = " | ".join(str(row[-1]) for row in rows)
            assert "USING INDEX ix_sessions_resident_questionnaire (resident_id=?" in plan, plan
        else:
            # PostgreSQL plans by statistics; the index must at least exist.
            names = await connection.exec_driver_sql(
                "SELECT indexname FROM pg_indexes WHERE tablename = 'sessions'"
            )
            assert "ix_sessions_resident_questionnaire" in {row[0] for row in names}
        assert (await connection.execute(query)).scalar_one() == 0

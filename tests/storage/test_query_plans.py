"""The questions asked for every row of a large questionnaire go through an index: read from
the database's own query plan, not from a clock (speed is measured in bench/).

Leaving abandoned tries out of digests and exports (``storage.repo.superseded``) asks, for
every unfinished response, whether the resident has a completed one: without an index by
resident SQLite searched every completed response of the questionnaire each time, minutes
at 100,000 responses.
"""

from __future__ import annotations

from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from flows.loader import load_file
from storage import admin, digest
from storage.db import plan_each_read, session_factory
from storage.models import Session, utcnow
from storage.repo import superseded
from tests.digest.helpers import ROOT, SINCE, UNTIL, ZONE

AFVAL = ROOT / "questionnaires" / "afvalinzameling.yaml"


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


async def test_the_digest_reads_are_planned_for_their_own_values(engine: AsyncEngine) -> None:
    """On PostgreSQL the digest's reads run with a plan for their own dates (never the
    generic plan of a prepared statement's sixth run) and without JIT compiling, for their
    transaction only; SQLite has neither setting and is left alone."""
    questionnaire = load_file(AFVAL)
    sessions = session_factory(engine)
    async with sessions.begin() as db:
        await admin.seed(
            db, questionnaire, AFVAL.read_text(encoding="utf-8"), now=utcnow(), zone=ZONE
        )
    async with sessions() as db:
        configured = await settings(db)
        await plan_each_read(db)
        if db.get_bind().dialect.name == "sqlite":
            return
        assert await settings(db) == ("force_custom_plan", "off")
    async with sessions() as db:  # for that transaction only
        assert await settings(db) == configured
        await digest.gather(db, questionnaire, SINCE, UNTIL)
        assert await settings(db) == ("force_custom_plan", "off")
    async with sessions() as db:
        assert await settings(db) == configured


async def settings(db: AsyncSession) -> tuple[str, str]:
    """PostgreSQL's plan_cache_mode and jit for this transaction (SQLite: none)."""
    if db.get_bind().dialect.name == "sqlite":
        return ("", "")
    plans = await db.scalar(text("SELECT current_setting('plan_cache_mode')"))
    jit = await db.scalar(text("SELECT current_setting('jit')"))
    return str(plans), str(jit)

"""Committed work lasts, failed work leaves nothing, and concurrent writers all get through."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from flows.engine import SessionState
from flows.schema import END
from storage import repo
from storage.db import create_engine, session_factory
from storage.models import Answer, Contact, Resident, Session
from tests.storage.helpers import (
    FIRST,
    MINI_ANSWERS,
    answer,
    register,
    reload,
    run,
    save,
    start,
    stored_answers,
)

Sessions = async_sessionmaker[AsyncSession]


class Boom(Exception):
    """Something going wrong halfway through handling an update."""


async def counts(sessions: Sessions) -> dict[str, int]:
    async with sessions.begin() as db:
        return {
            model.__tablename__: await db.scalar(select(func.count()).select_from(model)) or 0
            for model in (Resident, Contact, Session, Answer)
        }


async def test_a_committed_answer_survives_a_new_engine(
    database_url: str, engine: AsyncEngine, sessions: Sessions, mini: str
) -> None:
    resident = await register(sessions, "p1", chat_id=7_000_000_000)
    session = await run(sessions, await start(sessions, resident.id), MINI_ANSWERS[:2])
    await engine.dispose()  # every connection closed (for SQLite: the WAL checkpointed)

    reopened = create_engine(database_url)
    try:
        fresh = session_factory(reopened)
        async with fresh.begin() as db:
            assert await repo.find_resident(db, "p1") == resident
            assert await repo.chat_id_of(db, resident.id) == 7_000_000_000
            found = await repo.active_session(db, resident.id)
        assert found == session
        assert found.state.answers == {"tevreden": 2, "waarom": "De bakken zitten altijd vol"}
    finally:
        await reopened.dispose()


async def test_an_exception_rolls_the_whole_update_back(sessions: Sessions, mini: str) -> None:
    with pytest.raises(Boom):
        async with sessions.begin() as db:
            resident = await repo.register_resident(
                db, "p1", language="nl", consent="given", chat_id=111
            )
            session = await repo.start_session(db, resident.id, "mini", 1, SessionState(FIRST))
            await repo.save_outcome(db, session, answer(session.state, FIRST, 3, "bakken"))
            raise Boom

    assert await counts(sessions) == {"residents": 0, "contacts": 0, "sessions": 0, "answers": 0}


async def test_a_failed_update_leaves_earlier_work_as_it_was(
    sessions: Sessions, mini: str
) -> None:
    resident = await register(sessions, "p1", chat_id=111)
    session = await run(sessions, await start(sessions, resident.id), MINI_ANSWERS[:1])

    with pytest.raises(Boom):
        async with sessions.begin() as db:
            await repo.set_language(db, resident.id, "en")
            await repo.register_resident(db, "p1", language="en", consent="refused", chat_id=None)
            back = SessionState(FIRST, answers=session.state.answers)
            await repo.save_outcome(db, session, answer(back, FIRST, 5, "bakken"))
            await repo.start_session(db, resident.id, "mini", 1, SessionState(FIRST))
            raise Boom

    async with sessions.begin() as db:
        assert await repo.find_resident(db, "p1") == resident
        assert await repo.chat_id_of(db, resident.id) == 111
        assert await stored_answers(db, session.id) == {"tevreden": 2}
    assert await reload(sessions, session.id) == session
    assert await counts(sessions) == {"residents": 1, "contacts": 1, "sessions": 1, "answers": 1}


TASKS = 50
QUESTIONS = ("q1", "q2", "q3", "q4", "q5")


async def test_concurrent_residents_all_get_through(sessions: Sessions, mini: str) -> None:
    """Fifty residents at once, every step its own transaction: nothing lost, nothing locked."""
    ready = asyncio.Barrier(TASKS)

    async def resident_answers(n: int) -> int:
        resident = await register(sessions, f"resident-{n:02d}", chat_id=7_000_000_000 + n)
        session = await start(sessions, resident.id)
        await ready.wait()  # all sessions exist: now everyone answers at the same time
        state = SessionState(QUESTIONS[0])
        for index, question in enumerate(QUESTIONS):
            following = QUESTIONS[index + 1] if index + 1 < len(QUESTIONS) else END
            outcome = answer(state, question, n * 10 + index, following)
            await save(sessions, session, outcome)
            state = outcome.state
        return session.id

    async with asyncio.timeout(60):
        session_ids = await asyncio.gather(*(resident_answers(n) for n in range(TASKS)))

    assert len(set(session_ids)) == TASKS
    assert await counts(sessions) == {
        "residents": TASKS,
        "contacts": TASKS,
        "sessions": TASKS,
        "answers": TASKS * len(QUESTIONS),
    }
    async with sessions.begin() as db:
        assert await repo.count_sessions(db, "mini") == {repo.COMPLETED: TASKS}
        for n, session_id in enumerate(session_ids):
            info = await repo.get_session(db, session_id)
            assert info is not None
            assert info.state.answers == {q: n * 10 + i for i, q in enumerate(QUESTIONS)}
            assert info.state.path == QUESTIONS
            assert info.resident_id is not None
            assert await repo.chat_id_of(db, info.resident_id) == 7_000_000_000 + n

"""Retention and deliberations, on SQLite and PostgreSQL: a resident taking part in a
deliberation that is still open is kept with their votes; a deliberation closes by its
``closes_at`` date as well as by hand, and then its residents' statements and, once nothing
else keeps them, its participants go after the retention period."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from flows.deliberation import Vote, parse, read_directory
from storage import deliberations as store
from storage import repo, retention
from storage.models import DeliberationParticipant, DeliberationVote, Resident
from tests.conftest import QUESTIONNAIRES

NOW = datetime(2026, 6, 1, 12, tzinfo=ZoneInfo("UTC"))
ZONE = ZoneInfo("Europe/Amsterdam")
PERIOD = timedelta(days=90)
Sessions = async_sessionmaker[AsyncSession]


async def due(db: AsyncSession, cutoff: datetime) -> Sequence[str]:
    """The deliberations closed at or before ``cutoff`` (what retention passes on)."""
    closed = await retention.deliberation_closing_times(db, now=cutoff, zone=ZONE)
    return sorted(talk for talk, moment in closed.items() if moment <= cutoff)


async def _seeded(sessions: Sessions, closes_at: datetime | None = None) -> str:
    [(deliberation, source)] = read_directory(QUESTIONNAIRES)
    if closes_at is not None:
        lines = [
            f"closes_at: {closes_at.isoformat()}" if line.startswith("closes_at:") else line
            for line in source.splitlines()
        ]
        source = "\n".join(lines) + "\n"
        deliberation = parse(source)
        assert deliberation.closes_at == closes_at
    async with sessions.begin() as db:
        assert await store.seed(db, deliberation, source, now=NOW)
    return deliberation.id


async def _resident(db: AsyncSession, name: str) -> int:
    found = await repo.register_resident(
        db, name, language="nl", consent="given", chat_id=abs(hash(name)) % 10**9, now=NOW
    )
    return found.id


async def _retain(sessions: Sessions, now: datetime) -> retention.Retained:
    async with sessions.begin() as db:
        return await retention.apply_retention(db, retention=PERIOD, now=now, zone=ZONE)


async def _left(sessions: Sessions) -> tuple[int, int, int]:
    """(votes, participants, residents) still stored."""
    async with sessions() as db:
        counts = []
        for table in (DeliberationVote, DeliberationParticipant, Resident):
            counts.append(await db.scalar(select(func.count()).select_from(table)) or 0)
    return counts[0], counts[1], counts[2]


async def test_a_participant_of_an_open_deliberation_is_kept(sessions: Sessions) -> None:
    talk = await _seeded(sessions)  # the shipped file closes at the end of 2027
    async with sessions.begin() as db:
        anna = await _resident(db, "anna")
        await store.join(db, talk, anna, now=NOW)
        live = await store.statements(db, talk)
        await store.vote(db, live[0], anna, Vote.AGREE, now=NOW)
        await store.vote(db, live[1], anna, Vote.AGREE, now=NOW + timedelta(days=5))
    done = await _retain(sessions, NOW + timedelta(days=100))
    assert done.residents == 0
    assert await _left(sessions) == (2, 1, 1)
    # Closed by hand: kept for the period after closing, then forgotten with their votes.
    closed = NOW + timedelta(days=100)
    async with sessions.begin() as db:
        await store.set_status(db, talk, "closed", now=closed)
    assert (await _retain(sessions, closed + PERIOD - timedelta(days=1))).residents == 0
    assert await _left(sessions) == (2, 1, 1)
    assert (await _retain(sessions, closed + PERIOD)).residents == 1
    assert await _left(sessions) == (0, 0, 0)


async def test_a_deliberation_closes_by_its_date_for_retention(sessions: Sessions) -> None:
    closes = NOW + timedelta(days=10)
    talk = await _seeded(sessions, closes_at=closes)
    async with sessions.begin() as db:
        anna = await _resident(db, "anna")
        await store.join(db, talk, anna, now=NOW)
        live = await store.statements(db, talk)
        await store.vote(db, live[0], anna, Vote.DISAGREE, now=NOW)
        await store.add_statement(db, talk, anna, "Een markt op zondag.", now=NOW)
        kept = await store.add_statement(db, talk, anna, "Meer bankjes.", now=NOW)
        await store.decide(db, kept.id, approve=True, anonymise=True, by=7, now=NOW)
        assert (await store.get(db, talk)).status == store.OPEN  # type: ignore[union-attr]
        assert await due(db, closes - timedelta(seconds=1)) == []
        assert await due(db, closes) == [talk]

    early = await _retain(sessions, closes + PERIOD - timedelta(days=1))
    assert (early.texts, early.residents) == (0, 0)
    assert await _left(sessions) == (1, 1, 1)

    done = await _retain(sessions, closes + PERIOD)
    assert (done.texts, done.residents) == (1, 1)
    assert await _left(sessions) == (0, 0, 0)
    async with sessions() as db:
        left = await store.statements(db, talk, None)
        assert (await store.get(db, talk)).status == store.OPEN  # type: ignore[union-attr]
    assert [(s.text_nl, s.author_id) for s in left if s.origin == "resident"] == [
        ("Meer bankjes.", None)
    ]

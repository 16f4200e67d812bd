"""The language a resident wrote their statement in (deliberation_statements.language):
kept with the statement, read wherever the statement is, and gone when the text goes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from flows.deliberation import read_directory
from storage import deliberations as store
from storage import repo
from tests.conftest import QUESTIONNAIRES
from tests.storage.test_deliberation_retention import due

NOW = datetime(2026, 6, 1, 12, tzinfo=UTC)
Sessions = async_sessionmaker[AsyncSession]


async def _seeded(sessions: Sessions) -> str:
    [(deliberation, source)] = read_directory(QUESTIONNAIRES)
    async with sessions.begin() as db:
        assert await store.seed(db, deliberation, source, now=NOW)
    return deliberation.id


async def test_a_statement_keeps_the_language_it_was_written_in(sessions: Sessions) -> None:
    talk = await _seeded(sessions)
    async with sessions.begin() as db:
        ayse = await repo.register_resident(
            db, "ayse", language="tr", consent="given", chat_id=4242, now=NOW
        )
        added = await store.add_statement(
            db, talk, ayse.id, "Parkta daha fazla bank olsun.", now=NOW, language="tr"
        )
        assert added.language == "tr"
        waiting = await store.next_pending(db)
        assert waiting is not None and waiting.language == "tr"
        await store.decide(db, added.id, approve=True, by=7, now=NOW)
    async with sessions() as db:
        every = await store.statements(db, talk)
        assert {s.language for s in every if s.origin == store.SEED} == {None}
        assert [s.language for s in every if s.origin == store.RESIDENT] == ["tr"]
        again = await store.statement(db, added.id)
        assert again is not None and again.language == "tr"
        # The vote tap's one query reads it too (next to the resident's own language).
        context = await store.vote_context(db, "ayse", added.id)
        assert context is not None and context.resident.language == "tr"
        assert context.statement == again
        _, own = await store.resident_rows(db, ayse.id)
        assert [(s.text, s.language) for s in own] == [("Parkta daha fazla bank olsun.", "tr")]


async def test_the_language_goes_with_the_text_on_erasure_and_retention(
    sessions: Sessions,
) -> None:
    """/vergeetmij and retention delete a statement with its language; an anonymous one
    stays unlinked, its language with it (a mark beside an approved quote)."""
    talk = await _seeded(sessions)
    async with sessions.begin() as db:
        john = await repo.register_resident(
            db, "john", language="en", consent="given", chat_id=4343, now=NOW
        )
        kept = await store.add_statement(
            db, talk, john.id, "More benches.", now=NOW, language="en"
        )
        await store.decide(db, kept.id, approve=True, anonymise=True, by=7, now=NOW)
        await store.add_statement(db, talk, john.id, "A Sunday market.", now=NOW, language="en")
        assert await store.erase_author(db, john.id) == 1
        mary = await repo.register_resident(
            db, "mary", language="en", consent="given", chat_id=4444, now=NOW
        )
        await store.add_statement(db, talk, mary.id, "Fewer cars.", now=NOW, language="en")
        await store.set_status(db, talk, "closed", now=NOW)
    async with sessions.begin() as db:
        assert await store.apply_retention(db, await due(db, NOW + timedelta(days=1))) == 1
    async with sessions() as db:
        left = await store.statements(db, talk, None)
        assert [(s.text_nl, s.language, s.author_id) for s in left if s.origin == "resident"] == [
            ("More benches.", "en", None)
        ]

"""Deliberations in the database, on SQLite and PostgreSQL: seeding from the file, one vote
per resident and statement (a changed vote replaces it), pseudonymous numbers, statements
waiting for moderation, and erasure with the resident."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from flows.deliberation import Vote, read_directory
from storage import deliberations as store
from storage import repo, report
from storage.models import DeliberationRecord, DeliberationVote, PublishedDeliberation, Resident
from tests.conftest import QUESTIONNAIRES
from tests.storage.helpers import start
from tests.storage.test_deliberation_retention import due

NOW = datetime(2026, 6, 1, 12, tzinfo=UTC)
Sessions = async_sessionmaker[AsyncSession]


async def _seeded(sessions: Sessions) -> str:
    [(deliberation, source)] = read_directory(QUESTIONNAIRES)
    async with sessions.begin() as db:
        assert await store.seed(db, deliberation, source, now=NOW)
        assert not await store.seed(db, deliberation, source, now=NOW)  # stored once
    return deliberation.id


async def _resident(db: AsyncSession, name: str) -> int:
    found = await repo.register_resident(
        db, name, language="nl", consent="given", chat_id=abs(hash(name)) % 10**9, now=NOW
    )
    return found.id


async def test_seed_votes_replace_and_numbers(sessions: Sessions) -> None:
    talk = await _seeded(sessions)
    async with sessions.begin() as db:
        live = await store.statements(db, talk)
        assert [s.number for s in live] == list(range(12))
        assert live[0].text("en") == "Fewer cars should drive through the city centre."
        anna, bram = await _resident(db, "anna"), await _resident(db, "bram")
        first, new = await store.join(db, talk, anna, now=NOW)
        second, _ = await store.join(db, talk, bram, now=NOW)
        again, new_again = await store.join(db, talk, anna, now=NOW)
        assert (first.number, second.number, new, new_again) == (0, 1, True, False)
        assert again.number == 0 and again.active
        await store.vote(db, live[0], anna, Vote.AGREE, now=NOW)
        await store.vote(db, live[0], anna, Vote.AGREE, now=NOW)  # a replayed button
        await store.vote(db, live[1], anna, Vote.PASS, now=NOW)
        await store.vote(db, live[1], anna, Vote.DISAGREE, now=NOW)  # changed
        await store.vote(db, live[0], bram, Vote.DISAGREE, now=NOW)
    async with sessions() as db:
        count = await db.scalar(select(func.count()).select_from(DeliberationVote))
        assert count == 3
        assert await store.votes_of(db, talk, anna) == {
            live[0].id: Vote.AGREE,
            live[1].id: Vote.DISAGREE,
        }
        assert await store.vote_counts(db, talk) == {live[0].id: 2, live[1].id: 1}
        rows = sorted(
            (r.participant, r.statement, r.vote) for r in await store.vote_rows(db, talk)
        )
        assert rows == [(0, 0, 1), (0, 1, -1), (1, 0, -1)]


async def test_one_active_deliberation_and_pausing(sessions: Sessions) -> None:
    talk = await _seeded(sessions)
    async with sessions.begin() as db:
        anna = await _resident(db, "anna")
        await store.join(db, talk, anna, now=NOW)
        live = await store.statements(db, talk)
        await store.set_place(db, talk, anna, current=live[3].id, mode=store.ADDING, now=NOW)
        found = await store.active(db, anna)
        assert found is not None and found.current_statement_id == live[3].id
        assert found.mode == store.ADDING
        await store.leave_all(db, anna, now=NOW)
        assert await store.active(db, anna) is None
        back, new = await store.join(db, talk, anna, now=NOW)
        assert not new and back.current_statement_id == live[3].id and back.mode == store.VOTING


async def test_takes_part_says_whether_a_pseudonym_is_in_a_deliberation_now(
    sessions: Sessions,
) -> None:
    talk = await _seeded(sessions)
    async with sessions.begin() as db:
        anna = await _resident(db, "anna")
        await _resident(db, "bram")  # never joined
        assert not await store.takes_part(db, "anna")
        await store.join(db, talk, anna, now=NOW)
        assert await store.takes_part(db, "anna")
        assert not await store.takes_part(db, "bram")
        assert not await store.takes_part(db, "nobody")
        await store.leave_all(db, anna, now=NOW)  # paused, or a questionnaire chosen
        assert not await store.takes_part(db, "anna")
        assert (await store.active(db, anna)) is None


async def test_resident_at_says_where_they_are_in_their_deliberation_in_the_same_read(
    sessions: Sessions, mini: str
) -> None:
    """find_resident_at (the web door's step) gives the deliberation the resident is in now,
    its mode and the statement shown, beside the response in progress: what
    :func:`store.active` and :func:`repo.active_session` give, in one statement."""
    talk = await _seeded(sessions)
    async with sessions.begin() as db:
        anna, bram = await _resident(db, "anna"), await _resident(db, "bram")
        live = await store.statements(db, talk)
    session = await start(sessions, anna)  # a questionnaire in progress as well

    async def at(pseudonym: str) -> repo.ResidentAt | None:
        async with sessions.begin() as db:
            return await repo.find_resident_at(db, pseudonym)

    found = await at("anna")
    assert found is not None and found.deliberation is None
    assert found.session == (session.id, session.state.current)
    async with sessions.begin() as db:
        await store.join(db, talk, anna, now=NOW)
        await store.join(db, talk, bram, now=NOW)
    found = await at("anna")
    assert found is not None
    assert found.deliberation == repo.Place(talk, store.VOTING, None)
    assert found.session == (session.id, session.state.current)  # still one row
    async with sessions.begin() as db:
        await store.set_place(db, talk, anna, current=live[2].id, now=NOW)
        await store.set_place(db, talk, bram, current=live[5].id, now=NOW)
    found = await at("anna")
    assert found is not None and found.deliberation == (talk, store.VOTING, live[2].id)
    async with sessions.begin() as db:
        await store.set_place(db, talk, anna, current=live[2].id, mode=store.ADDING, now=NOW)
        active = await store.active(db, anna)
    found = await at("anna")
    assert found is not None and active is not None
    assert found.deliberation == (talk, store.ADDING, live[2].id)
    assert found.deliberation == (
        active.deliberation_id,
        active.mode,
        active.current_statement_id,
    )
    async with sessions.begin() as db:
        await store.leave_all(db, anna, now=NOW)  # paused, or a questionnaire chosen
    found = await at("anna")
    assert found is not None and found.deliberation is None
    bram_at = await at("bram")
    assert bram_at is not None and bram_at.deliberation == (talk, store.VOTING, live[5].id)
    assert bram_at.session is None
    assert await at("nobody") is None


async def test_statements_wait_for_one_moderators_decision(sessions: Sessions) -> None:
    talk = await _seeded(sessions)
    async with sessions.begin() as db:
        anna = await _resident(db, "anna")
        added = await store.add_statement(db, talk, anna, "Meer zebrapaden bij scholen.", now=NOW)
        other = await store.add_statement(db, talk, anna, "Iets onaardigs.", now=NOW)
        assert (added.number, added.status, other.number) == (12, store.PENDING, 13)
        assert await store.count_added(db, talk, anna) == 2
        assert await store.count_pending(db) == 2
        assert len(await store.statements(db, talk)) == 12  # not live yet
        first = await store.next_pending(db)
        assert first is not None and first.id == added.id
        approved = await store.decide(db, added.id, approve=True, by=7, now=NOW)
        assert approved is not None and approved.status == store.LIVE
        assert (
            await store.decide(db, added.id, approve=False, reason="spam", by=8, now=NOW) is None
        )
        rejected = await store.decide(
            db, other.id, approve=False, reason="offensive", by=7, now=NOW
        )
        assert rejected is not None and rejected.status == store.REJECTED
    async with sessions() as db:
        live = await store.statements(db, talk)
        assert [s.number for s in live][-1] == 12
        assert await store.count_pending(db) == 0
        assert await store.count_added(db, talk, anna) == 2  # a rejected one counts


async def test_erasing_a_resident_takes_their_votes(sessions: Sessions) -> None:
    talk = await _seeded(sessions)
    async with sessions.begin() as db:
        anna = await _resident(db, "anna")
        live = await store.statements(db, talk)
        await store.join(db, talk, anna, now=NOW)
        await store.vote(db, live[0], anna, Vote.AGREE, now=NOW)
    async with sessions.begin() as db:
        await db.execute(delete(Resident).where(Resident.id == anna))
    async with sessions() as db:
        assert await db.scalar(select(func.count()).select_from(DeliberationVote)) == 0
        assert await store.participant(db, talk, anna) is None


async def test_retention_deletes_residents_statements_of_a_long_closed_deliberation(
    sessions: Sessions,
) -> None:
    talk = await _seeded(sessions)
    async with sessions.begin() as db:
        anna = await _resident(db, "anna")
        kept = await store.add_statement(db, talk, anna, "Meer bankjes.", now=NOW)
        await store.decide(db, kept.id, approve=True, anonymise=True, by=7, now=NOW)
        await store.add_statement(db, talk, anna, "Een markt op zondag.", now=NOW)
        still_open = await due(db, NOW + timedelta(days=1))
        assert still_open == [] and await store.apply_retention(db, still_open) == 0
        await store.set_status(db, talk, "closed", now=NOW)
    async with sessions.begin() as db:
        not_yet = await due(db, NOW - timedelta(days=1))
        assert not_yet == [] and await store.apply_retention(db, not_yet) == 0
        assert await store.apply_retention(db, await due(db, NOW + timedelta(days=1))) == 1
    async with sessions() as db:
        left = await store.statements(db, talk, None)
        assert [(s.text_nl, s.author_id) for s in left if s.origin == "resident"] == [
            ("Meer bankjes.", None)
        ]
        assert len(left) == 13  # the seeds stay


async def test_vote_context_reads_a_tap_in_one_query_and_stamps_change_with_the_live_set(
    sessions: Sessions,
) -> None:
    """What a vote tap reads: the resident, the statement, the deliberation's status, the
    resident's place, the live statements' stamp and how many they added. An approval and a
    deletion each change the stamp (a worker's cached list is then read again); a place is
    written with ``only_live`` only on a statement that is still live."""
    talk = await _seeded(sessions)
    async with sessions.begin() as db:
        anna = await _resident(db, "anna")
        live = await store.statements(db, talk)
        assert await store.vote_context(db, "nobody", live[0].id) is None
        before = await store.vote_context(db, "anna", live[0].id)
        assert before is not None and before.resident.id == anna
        assert before.statement == live[0] and before.status == "open"
        assert before.participant is None and before.added == 0
        assert before.live == store.LiveStamp(
            len(live), sum(s.id for s in live), max(s.id for s in live)
        )
        assert before.live == await store.live_stamp(db, talk)
        await store.join(db, talk, anna, now=NOW)
        own = await store.add_statement(db, talk, anna, "Meer bankjes op het plein", now=NOW)
        # A pending statement is not live: the stamp stays, a place on it is refused.
        after_add = await store.vote_context(db, "anna", live[0].id)
        assert after_add is not None and after_add.live == before.live and after_add.added == 1
        assert after_add.participant is not None and after_add.participant.active
        assert not await store.set_place(db, talk, anna, current=own.id, now=NOW, only_live=True)
        assert await store.set_place(db, talk, anna, current=live[0].id, now=NOW, only_live=True)
        # Her votes come with the tap, as votes_of reads them (a changed vote replaced).
        assert after_add.votes == {}
        await store.vote(db, live[0], anna, Vote.AGREE, now=NOW)
        await store.vote(db, live[1], anna, Vote.PASS, now=NOW)
        await store.vote(db, live[2], anna, Vote.AGREE, now=NOW)
        await store.vote(db, live[2], anna, Vote.DISAGREE, now=NOW)
        voted = await store.vote_context(db, "anna", live[3].id)
        assert voted is not None and voted.votes == await store.votes_of(db, talk, anna)
        assert voted.votes == {
            live[0].id: Vote.AGREE,
            live[1].id: Vote.PASS,
            live[2].id: Vote.DISAGREE,
        }
        await store.decide(db, own.id, approve=True, by=None, now=NOW)
        approved = await store.live_stamp(db, talk)
        assert approved != before.live and approved.size == len(live) + 1
        assert await store.set_place(db, talk, anna, current=own.id, now=NOW, only_live=True)
        # The author is forgotten: the statement goes, the stamp changes back, and the place
        # on it is refused (and was set to nothing by the foreign key).
        await store.erase_author(db, anna)
        assert await store.live_stamp(db, talk) == before.live
        assert not await store.set_place(db, talk, anna, current=own.id, now=NOW, only_live=True)
        place = await store.participant(db, talk, anna)
        assert place is not None and place.current_statement_id is None
        await store.set_status(db, talk, "closed", now=NOW)
        closed = await store.vote_context(db, "anna", live[1].id)
        assert closed is not None and closed.status == "closed"
        missing = await store.vote_context(db, "anna", 10**9)
        assert missing is not None and missing.statement is None and missing.status is None


async def test_vote_arrays_read_with_or_without_the_index_give_the_same_votes(
    sessions: Sessions,
) -> None:
    """The digest's lean read: numbers (not ids), live statements only, the same whether
    SQLite scans the table (this deliberation holds most votes) or walks the index."""
    talk = await _seeded(sessions)
    async with sessions.begin() as db:
        live = await store.statements(db, talk)
        people = [await _resident(db, name) for name in ("a", "b", "c")]
        for index, who in enumerate(people):
            await store.join(db, talk, who, now=NOW)
            for statement in live[index:]:
                await store.vote(db, statement, who, Vote((index % 3) - 1), now=NOW)
        pending = await store.add_statement(db, talk, people[0], "Nog niet live", now=NOW)
        await store.vote(db, pending, people[1], Vote.AGREE, now=NOW)  # not analysed
        arrays = await store.vote_arrays(db, talk)
        assert arrays.participants.dtype.kind == "i" and len(arrays.votes) == 12 + 11 + 10
        expected = sorted(
            (index, s.number, (index % 3) - 1) for index in range(3) for s in live[index:]
        )
        assert sorted(arrays.rows()) == expected
        for scan in (True, False):
            found = await db.execute(
                select(DeliberationVote.vote).where(store._votes_of(talk, scan))
            )
            assert len(found.all()) == 34
        assert len((await store.vote_arrays(db, "no-such-talk")).votes) == 0


async def test_a_deliberations_page_is_published_and_its_stamp_follows_votes(
    sessions: Sessions,
) -> None:
    talk = await _seeded(sessions)
    later = NOW + timedelta(minutes=1)
    async with sessions.begin() as db:
        assert await report.published_at(db, talk) is None
        assert await report.publish(db, talk, now=NOW, deliberation=True)
        assert not await report.publish(db, talk, now=NOW, deliberation=True)  # already
        assert await report.published_at(db, talk) == NOW
        empty = await report.deliberation_stamp(db, talk)
        live = await store.statements(db, talk)
        anna = await _resident(db, "anna")
        await store.join(db, talk, anna, now=NOW)
        joined = await report.deliberation_stamp(db, talk)
        await store.vote(db, live[0], anna, Vote.AGREE, now=NOW)
        voted = await report.deliberation_stamp(db, talk)
        await store.vote(db, live[0], anna, Vote.DISAGREE, now=later)  # changed ...
        await store.set_place(db, talk, anna, current=live[1].id, now=later)  # ... moves on
        changed = await report.deliberation_stamp(db, talk)
        assert len({empty, joined, voted, changed}) == 4
        assert await report.deliberation_stamp(db, talk) == changed  # nothing new: same
        assert await report.unpublish(db, talk)
        assert not await report.unpublish(db, talk)
        assert await report.published_at(db, talk) is None
        await report.publish(db, talk, now=NOW, deliberation=True)
        await db.execute(delete(DeliberationRecord).where(DeliberationRecord.id == talk))
    async with sessions() as db:  # the publication goes with its deliberation
        assert await db.scalar(select(func.count()).select_from(PublishedDeliberation)) == 0

"""The durable outbox and the closing-the-loop repositories on a real SQLite file and on
PostgreSQL: one row per recipient, claims that never overlap (also from several workers at
once), recovery of rows left by a dead worker (at most once), progress, finishing once;
subscriptions, recipients, outcomes and effect answers."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from storage import outbox, outcomes, repo
from storage.models import Contact, OutboxMessage, Session
from tests.storage.helpers import Sessions

NOW = datetime(2027, 3, 1, 12, 0, tzinfo=UTC)


async def residents(sessions: Sessions, count: int, *, language: str = "nl") -> list[int]:
    ids = []
    async with sessions.begin() as db:
        for number in range(count):
            resident = await repo.register_resident(
                db,
                f"pseudonym-{language}-{number}",
                language=language,
                consent="given",
                chat_id=10_000 + number,
                now=NOW,
            )
            ids.append(resident.id)
    return ids


async def broadcast(sessions: Sessions, recipients: list[int]) -> outbox.BroadcastInfo:
    async with sessions.begin() as db:
        return await outbox.create_broadcast(
            db,
            "invitation",
            payload={"nl": {"text": "Hallo"}, "meta": {"title": "T"}},
            recipients=recipients,
            now=NOW,
        )


async def test_a_broadcast_has_one_row_per_recipient(sessions: Sessions) -> None:
    people = await residents(sessions, 5)
    created = await broadcast(sessions, [*people, people[0], people[1]])  # duplicates: once
    assert created.total == 5 and created.status == "sending"
    async with sessions() as db:
        assert await outbox.statuses(db, created.id) == [(r, "pending") for r in people]
        progress = await outbox.progress(db, created.id)
    assert progress == outbox.Progress(total=5, waiting=5)
    with pytest.raises(IntegrityError):
        async with sessions.begin() as db:
            db.add(OutboxMessage(broadcast_id=created.id, resident_id=people[0]))
    empty = await broadcast(sessions, [])
    assert (empty.total, empty.status) == (0, "done")


async def test_claims_are_exclusive_and_carry_the_contact(sessions: Sessions) -> None:
    people = await residents(sessions, 3) + await residents(sessions, 1, language="en")
    created = await broadcast(sessions, people)
    async with sessions.begin() as db:
        first = await outbox.claim(db, "w1", limit=2, now=NOW)
    async with sessions.begin() as db:
        second = await outbox.claim(db, "w2", limit=5, now=NOW)
    async with sessions.begin() as db:
        third = await outbox.claim(db, "w3", limit=5, now=NOW)
    assert [c.resident_id for c in first + second] == people
    assert third == []
    assert first[0].chat_id == 10_000 and first[0].attempts == 1
    assert second[-1].language == "en"
    assert {c.broadcast_id for c in first + second} == {created.id}
    async with sessions() as db:
        claimed = (await db.execute(select(OutboxMessage.claimed_by))).scalars().all()
    assert sorted(claimed) == ["w1", "w1", "w2", "w2"]


async def test_concurrent_workers_never_claim_the_same_row(sessions: Sessions) -> None:
    people = await residents(sessions, 60)
    await broadcast(sessions, people)

    async def worker(name: str) -> list[int]:
        got: list[int] = []
        while True:
            async with sessions.begin() as db:
                rows = await outbox.claim(db, name, limit=3, now=NOW)
            if not rows:
                return got
            got += [row.id for row in rows]
            await asyncio.sleep(0)

    results = await asyncio.gather(*(worker(f"w{i}") for i in range(4)))
    claimed = [row for result in results for row in result]
    assert len(claimed) == 60 and len(set(claimed)) == 60


async def test_results_and_retries(sessions: Sessions) -> None:
    people = await residents(sessions, 4)
    created = await broadcast(sessions, people)
    async with sessions.begin() as db:
        rows = await outbox.claim(db, "w", limit=4, now=NOW)
        await outbox.mark_sent(db, rows[0].id, now=NOW)
        await outbox.mark_unreachable(
            db, rows[1].id, rows[1].resident_id, error="blocked", now=NOW
        )
        await outbox.mark_failed(db, rows[2].id, error="Bad Request: message is too long")
        later = NOW + timedelta(seconds=30)
        await outbox.retry_later(db, rows[3].id, at=later, error="flood", count=False)
    async with sessions() as db:
        progress = await outbox.progress(db, created.id)
        assert await outbox.next_due(db) == later
        unreachable = await db.scalar(
            select(Contact.unreachable_at).where(Contact.resident_id == rows[1].resident_id)
        )
    assert progress == outbox.Progress(total=4, sent=1, unreachable=1, failed=1, waiting=1)
    assert unreachable == NOW
    async with sessions.begin() as db:
        assert await outbox.claim(db, "w", now=NOW) == []  # not due yet
        assert not await outbox.finish(db, created.id, now=NOW)
        (again,) = await outbox.claim(db, "w", now=later)
    assert again.attempts == 1  # the flood wait did not count as a try
    async with sessions.begin() as db:
        await outbox.mark_sent(db, again.id, now=later)
        assert await outbox.finish(db, created.id, now=later)
    async with sessions.begin() as db:
        assert not await outbox.finish(db, created.id, now=later)  # done once
        done = await outbox.get_broadcast(db, created.id)
        assert await outbox.next_due(db) is None
    assert done is not None and (done.status, done.finished_at) == ("done", later)
    # A done broadcast's rows are not claimed any more, even if one were pending.
    async with sessions.begin() as db:
        await db.execute(update(OutboxMessage).values(status="pending"))
        assert await outbox.claim(db, "w", now=later) == []


async def test_rows_left_by_a_dead_worker_are_given_up_not_resent(sessions: Sessions) -> None:
    people = await residents(sessions, 5)
    created = await broadcast(sessions, people)
    lease = timedelta(minutes=2)
    async with sessions.begin() as db:
        dead = await outbox.claim(db, "dead", limit=3, now=NOW, lease=lease)
        alive = await outbox.claim(
            db, "alive", limit=1, now=NOW + timedelta(minutes=1), lease=lease
        )
        # The dead worker began to send two of its three; the live one its one.
        for row in dead[:2]:
            assert await outbox.start_sending(db, row.id, "dead", now=NOW, lease=lease)
        assert await outbox.start_sending(
            db, alive[0].id, "alive", now=NOW + timedelta(minutes=1), lease=lease
        )
        # Only the worker that claimed a row may send it, or give it back.
        assert not await outbox.start_sending(db, dead[2].id, "alive", now=NOW)
        assert not await outbox.unclaim(db, dead[2].id, "alive", at=NOW)
    # Before the claims run out nothing happens...
    async with sessions.begin() as db:
        assert await outbox.recover(db, now=NOW + timedelta(seconds=90)) == 0
    # ...after, the dead worker's rows being sent are failed (interrupted): they may have
    # arrived; the one it had only claimed goes back to the queue; the live one's stay.
    async with sessions.begin() as db:
        assert await outbox.recover(db, now=NOW + timedelta(minutes=2, seconds=1)) == 2
        back = await outbox.claim(db, "new", limit=5, now=NOW + timedelta(minutes=2, seconds=2))
    # (with the one nobody had claimed yet; the first try of each)
    assert [(r.resident_id, r.attempts) for r in back] == [(people[2], 1), (people[4], 1)]
    assert dead[2].resident_id == people[2]
    # The dead worker, had it only stalled, finds the row is no longer its own: it can
    # neither send it nor give it back.
    async with sessions.begin() as db:
        assert not await outbox.start_sending(db, dead[2].id, "dead", now=NOW)
        assert not await outbox.unclaim(db, dead[2].id, "dead", at=NOW)
        # The worker that holds it now can give it back (not counted as a try).
        assert await outbox.unclaim(db, back[0].id, "new", at=NOW + timedelta(minutes=2))
        again = await outbox.claim(db, "new", limit=1, now=NOW + timedelta(minutes=2, seconds=3))
        assert [(r.id, r.attempts) for r in again] == [(back[0].id, 1)]
    # A worker restarting under its own name gives up its earlier claims at once.
    async with sessions.begin() as db:
        assert await outbox.recover(db, now=NOW, worker="alive") == 1
        progress = await outbox.progress(db, created.id)
    assert progress == outbox.Progress(total=5, failed=3, interrupted=3, waiting=2)
    assert {r.resident_id for r in dead + alive} == set(people[:4])
    # A message that did arrive after all is recorded as sent.
    async with sessions.begin() as db:
        await outbox.mark_sent(db, dead[0].id)
        progress = await outbox.progress(db, created.id)
    assert (progress.sent, progress.interrupted) == (1, 2)


async def test_residents_without_contact_are_claimed_without_a_chat(sessions: Sessions) -> None:
    people = await residents(sessions, 2)
    await broadcast(sessions, people)
    async with sessions.begin() as db:  # consent withdrawn: the contact is gone
        await repo.register_resident(
            db, "pseudonym-nl-1", language="nl", consent="refused", chat_id=None, now=NOW
        )
    async with sessions.begin() as db:
        rows = await outbox.claim(db, "w", limit=2, now=NOW)
    assert [(r.resident_id, r.chat_id) for r in rows] == [(people[0], 10_000), (people[1], None)]


# --- subscriptions, recipients, outcomes, effect answers --------------------------------------


async def took_part(sessions: Sessions, resident: int, questionnaire: str, status: str) -> None:
    async with sessions.begin() as db:
        db.add(
            Session(
                resident_id=resident,
                questionnaire_id=questionnaire,
                questionnaire_version=1,
                status=status,
                current="end",
                started_at=NOW,
                updated_at=NOW,
            )
        )


async def test_subscriptions_and_recipients(sessions: Sessions, mini: str) -> None:
    a, b, c, d = await residents(sessions, 4)
    (e,) = await residents(sessions, 1, language="en")
    async with sessions.begin() as db:
        for resident in (a, b, c, e):
            assert await outcomes.set_subscription(db, resident, "outcomes", "mini", True)
        assert not await outcomes.set_subscription(db, a, "outcomes", "mini", True)
        for resident in (a, b, d, e):
            await outcomes.set_subscription(db, resident, "invitations", "afval", True)
        assert await outcomes.subscriptions(db, a) == {
            ("outcomes", "mini"),
            ("invitations", "afval"),
        }
    await took_part(sessions, a, "mini", "completed")
    await took_part(sessions, b, "mini", "active")  # unfinished counts as taking part
    await took_part(sessions, e, "mini", "completed")
    async with sessions.begin() as db:  # c never took part; b blocked the bot
        await db.execute(
            update(Contact).where(Contact.resident_id == b).values(unreachable_at=NOW)
        )
        assert await outcomes.outcome_recipients(db, "mini") == [(a, "nl"), (e, "en")]
        # Invitations skip whoever completed it already.
        assert await outcomes.invitation_recipients(db, "afval", "mini") == [(d, "nl")]
        assert await outcomes.questionnaires_taken(db, a) == ["mini"]
        assert await outcomes.took_part(db, b, "mini")
        assert not await outcomes.took_part(db, c, "mini")
        await outcomes.clear_unreachable(db, b)
        assert [r for r, _ in await outcomes.outcome_recipients(db, "mini")] == [a, b, e]
        assert await outcomes.set_subscription(db, a, "outcomes", "mini", False)
        assert await outcomes.subscriptions(db, a) == {("invitations", "afval")}


async def test_outcomes_and_effect_answers(sessions: Sessions, mini: str) -> None:
    (a, b) = await residents(sessions, 2)
    async with sessions.begin() as db:
        assert await outcomes.outcome_status(db, "mini") == "ontvangen"
        first = await outcomes.record_outcome(
            db, "mini", "besluit", "Besloten.", None, created_by=7, now=NOW
        )
        second = await outcomes.record_outcome(
            db, "mini", "uitgevoerd", "Gedaan.", "Done.", created_by=7, now=NOW + timedelta(days=1)
        )
        assert await outcomes.outcome_status(db, "mini") == "uitgevoerd"
        assert [o.id for o in await outcomes.outcomes_of(db, ["mini"])] == [second.id, first.id]
        check = await outcomes.schedule_effect_check(
            db, "mini", second.id, NOW + timedelta(weeks=4), created_by=7, now=NOW
        )
        assert await outcomes.effect_check_of(db, second.id) == check
        assert await outcomes.due_effect_checks(db, NOW + timedelta(weeks=3)) == []
        assert await outcomes.due_effect_checks(db, NOW + timedelta(weeks=4)) == [check]
        sent = await outbox.create_broadcast(
            db, "effect_check", payload={}, recipients=[a, b], now=NOW
        )
        assert await outcomes.attach_broadcast(db, check.id, sent.id)
        assert not await outcomes.attach_broadcast(db, check.id, sent.id)  # once
        assert await outcomes.due_effect_checks(db, NOW + timedelta(weeks=5)) == []
        assert await outcomes.answer_effect_check(db, check.id, a, "ja", now=NOW)
        assert not await outcomes.answer_effect_check(db, check.id, a, "ja", now=NOW)
        assert await outcomes.answer_effect_check(db, check.id, a, "nee", now=NOW)
        assert await outcomes.answer_effect_check(db, check.id, b, "nee", now=NOW)
        assert await outcomes.effect_answer(db, check.id, a) == "nee"
        assert await outcomes.effect_counts(db, check.id) == {"nee": 2}

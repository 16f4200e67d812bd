"""An update delivered twice is handled once: webhook redeliveries, updates fetched again
after a crash, and a crash half-way through handling (then the redelivery *is* handled).

The first tests drive the update processor directly with small units of work, to pin the
crash semantics down; the others run the whole bot against the fake Bot API.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from types import SimpleNamespace
from typing import cast

import pytest
from prometheus_client import REGISTRY
from sqlalchemy import func, select, text
from telegram import Chat, Message, Update, User

from bot.app.processor import UPDATES_AT_ONCE, DuplicateUpdate, PerResidentUpdateProcessor
from bot.core.channel import Who
from bot.core.services import Services
from bot.resident.conversation import ResidentHandlers
from bot.resident.stellingen import Deliberations
from sandbox.fakeapi import FakeBotApi
from storage import audit, repo
from storage.models import AuditEntry, ProcessedUpdate
from tests.e2e.conftest import BotRunner, behind_a_front
from tests.e2e.fronts import LosingFront
from tests.e2e.test_resilience import (
    ANSWERS,
    PLAN,
    PROGRESS,
    answer,
    assert_complete,
    assert_summary,
    open_afval,
    progress,
    stored,
    walk,
)
from tests.support.bots import built_services

#: What the database does under it is this test's subject: it runs on both.
pytestmark = pytest.mark.both_databases

ANN = 5_000_001
#: Bot messages of one complete afvalinzameling response along PLAN: welcome, thanks, list,
#: intro, 10 questions, summary, "Wil je nog een vragenlijst".
MESSAGES_PER_RESPONSE = 16


def duplicates_dropped() -> float:
    value = REGISTRY.get_sample_value("samenspraak_updates_dropped_total", {"reason": "duplicate"})
    return value or 0.0


def message(update_id: int, user_id: int = ANN) -> Update:
    """A private text message from ``user_id``."""
    sender = User(user_id, "Bewoner", is_bot=False)
    chat = Chat(user_id, Chat.PRIVATE)
    sent = Message(update_id, datetime.now(UTC), chat, from_user=sender, text="hallo")
    return Update(update_id, message=sent)


async def work(services: Services, marker: str) -> None:
    """A unit of work like a handler's: one transaction that stores one row."""
    async with services.sessions.begin() as db:
        await audit.record(db, "test.work", actor=None, target=marker, now=services.clock())


async def rows(services: Services, marker: str) -> int:
    async with services.sessions() as db:
        count = await db.scalar(
            select(func.count()).select_from(AuditEntry).where(AuditEntry.target == marker)
        )
    return int(count or 0)


async def recorded(services: Services, update_id: int) -> bool:
    async with services.sessions() as db:
        found = await db.get(ProcessedUpdate, update_id)
    return found is not None


class Worker:
    """One process's update processor on the test's database (``restart`` = a new one)."""

    def __init__(self, services: Services, limit: int = 8) -> None:
        self.services = services
        self.processor = PerResidentUpdateProcessor(limit, services)

    async def __aenter__(self) -> PerResidentUpdateProcessor:
        await self.processor.initialize()
        return self.processor

    async def __aexit__(self, *exc: object) -> None:
        await self.processor.shutdown()


@pytest.fixture
async def services(database_url: str) -> AsyncIterator[Services]:
    async with built_services(database_url) as built:
        yield built


# --- the update processor -------------------------------------------------------------------


async def test_an_update_is_handled_once_and_recorded_with_its_work(services: Services) -> None:
    dropped = duplicates_dropped()
    async with Worker(services) as processor:
        for _ in range(3):
            await processor.process_update(message(101), work(services, "once"))
    assert await rows(services, "once") == 1
    assert await recorded(services, 101)
    assert duplicates_dropped() == dropped + 2


async def test_a_burst_of_updates_waits_for_slots_not_for_a_database_connection(
    services: Services,
) -> None:
    """Everybody at once (a few hundred residents coming back after a restart): at most
    UPDATES_AT_ONCE updates are in the database at a time; the others wait for a
    slot in the order they came. On SQLite, all share one connection: without the slots
    they queued in the pool, and one that waited past its timeout (15 s, on a busy
    machine) got an apology instead of its answer. Every update is handled, once."""
    inside = peak = 0

    async def handler(marker: str) -> None:
        nonlocal inside, peak
        inside += 1
        peak = max(peak, inside)
        try:
            await work(services, marker)
            await asyncio.sleep(0)  # a reply on its way to Telegram
        finally:
            inside -= 1

    burst = 200
    async with Worker(services, limit=256) as processor:
        await asyncio.gather(
            *(
                processor.process_update(message(400 + i, ANN + i), handler("burst"))
                for i in range(burst)
            )
        )
    assert 1 < peak <= UPDATES_AT_ONCE
    assert await rows(services, "burst") == burst
    assert all([await recorded(services, 400 + i) for i in range(burst)])


async def test_a_crash_before_the_commit_leaves_the_update_to_be_handled_again(
    services: Services,
) -> None:
    async def crash(marker: str) -> None:
        async with services.sessions.begin() as db:
            await audit.record(db, "test.work", actor=None, target=marker)
            raise RuntimeError("the worker dies before the commit")

    async with Worker(services) as processor:
        with pytest.raises(RuntimeError):
            await processor.process_update(message(102), crash("crash"))
        assert await rows(services, "crash") == 0
        assert not await recorded(services, 102)
        # Telegram delivers it again: it is handled, once.
        await processor.process_update(message(102), work(services, "crash"))
        await processor.process_update(message(102), work(services, "crash"))
    assert await rows(services, "crash") == 1


async def test_a_crash_after_the_commit_counts_as_handled(services: Services) -> None:
    """The answer is stored (though never confirmed): a redelivery must not store it again."""

    async def store_then_crash() -> None:
        await work(services, "after")
        raise RuntimeError("the worker dies before it replies")

    async with Worker(services) as processor:
        with pytest.raises(RuntimeError):
            await processor.process_update(message(104), store_then_crash())
    assert await recorded(services, 104)
    async with Worker(services) as processor:  # Telegram delivers it to another process
        await processor.process_update(message(104), work(services, "after"))
    assert await rows(services, "after") == 1


async def test_an_update_cut_off_half_way_is_handled_by_the_next_process(
    services: Services,
) -> None:
    inside = asyncio.Event()

    async def stuck() -> None:
        async with services.sessions.begin() as db:
            await audit.record(db, "test.work", actor=None, target="stuck")
            inside.set()
            await asyncio.Event().wait()  # never committed

    async with Worker(services) as processor:
        task = asyncio.create_task(processor.process_update(message(103), stuck()))
        await inside.wait()
        processor.abort()  # an abrupt end, as when the process is killed
        with pytest.raises(asyncio.CancelledError):
            await task
    async with Worker(services) as processor:  # the restarted process gets it again
        await processor.process_update(message(103), work(services, "stuck"))
        await processor.process_update(message(103), work(services, "stuck"))
    assert await rows(services, "stuck") == 1


async def test_after_a_restart_handled_updates_are_still_recognised(services: Services) -> None:
    async with Worker(services) as processor:
        for update_id in (201, 202, 203):
            await processor.process_update(message(update_id), work(services, f"u{update_id}"))
    dropped = duplicates_dropped()
    async with Worker(services) as processor:  # a new process: it remembers nothing itself
        for update_id in (202, 201, 203, 204):
            await processor.process_update(message(update_id), work(services, f"u{update_id}"))
    assert [await rows(services, f"u{n}") for n in (201, 202, 203, 204)] == [1, 1, 1, 1]
    assert duplicates_dropped() == dropped + 3


async def test_the_record_goes_with_the_first_unit_of_work_that_commits(
    services: Services,
) -> None:
    async def look_then_store() -> None:
        async with services.sessions() as db:  # read only: rolled back, as in /help
            await repo.find_resident(db, "nobody")
        await work(services, "second")

    async with Worker(services) as processor:
        await processor.process_update(message(301), look_then_store())
    assert await recorded(services, 301)
    async with Worker(services) as processor:
        await processor.process_update(message(301), look_then_store())
    assert await rows(services, "second") == 1


async def test_an_update_that_stores_nothing(services: Services) -> None:
    handled: list[int] = []

    async def reply_only(n: int) -> None:
        async with services.sessions() as db:
            await db.execute(text("SELECT 1"))
        handled.append(n)

    async with Worker(services) as processor:
        await processor.process_update(message(401), reply_only(1))
        await processor.process_update(message(401), reply_only(2))  # to the same process
    assert handled == [1]
    async with Worker(services) as processor:  # to another worker, or after a restart
        await processor.process_update(message(401), reply_only(3))
    if services.engine.dialect.name == "postgresql":
        # Several workers: the id is recorded after handling, so each replies once.
        assert handled == [1]
    else:
        # One process: nothing is written for it, so after a restart it is answered again
        # (nothing is stored twice: it stored nothing).
        assert handled == [1, 3]


async def test_two_processes_never_store_one_update_twice(services: Services) -> None:
    """Two processes on one database. With SQLite that is not a supported set-up, but the
    record in the unit of work still stops the second one before it stores anything."""
    async with Worker(services) as first, Worker(services) as second:
        await first.process_update(message(501), work(services, "warm"))  # first is running
        await second.process_update(message(502), work(services, "twice"))
        if services.engine.dialect.name == "postgresql":
            await first.process_update(message(502), work(services, "twice"))  # dropped
        else:
            with pytest.raises(DuplicateUpdate):
                await first.process_update(message(502), work(services, "twice"))
    assert await rows(services, "twice") == 1


# --- the whole bot ----------------------------------------------------------------------------


async def test_webhook_redelivery_records_each_answer_once_and_replies_once(
    fake: FakeBotApi, database_url: str
) -> None:
    """Every update's "200 OK" is lost once, so Telegram delivers every update twice."""
    dropped = duplicates_dropped()
    async with behind_a_front(LosingFront, fake, database_url, workers=1) as (front, _):
        resident = fake.user()
        question = await open_afval(resident)
        summary = await walk(resident, question, PLAN)
        assert_summary(summary)
        await resident.next_message()  # "Wil je nog een vragenlijst invullen?"
        await fake.settle()
        await assert_complete(database_url, resident)
    updates = sorted(front.deliveries)
    assert len(updates) >= 3 + len(PLAN)  # /start, consent, the list, then every answer
    assert all(front.deliveries[n] == 2 for n in updates), "every update came twice"
    assert duplicates_dropped() == dropped + len(updates)
    sent = resident.messages
    assert len(sent) == MESSAGES_PER_RESPONSE
    assert [progress(m) for m in sent if m.text.startswith("Vraag ")] == PROGRESS
    assert resident.unread() == []
    fake.assert_clean()  # no button answered twice, nothing edited twice


async def test_an_update_fetched_again_after_a_crash_is_not_handled_again(
    fake: FakeBotApi, database_url: str
) -> None:
    """Polling: the bot crashes before Telegram learnt which updates it fetched."""
    runner = BotRunner(fake, database_url)
    await runner.start()
    try:
        resident = fake.user()
        question = await open_afval(resident)
        question = await walk(resident, question, PLAN[:2])
        # The bot's next getUpdates would confirm the answer below; it is held back, and so
        # is python-telegram-bot's last one on the way down, so Telegram keeps the update.
        fake.delay_next("getUpdates", 8.0, count=2)
        question = await answer(resident, question, PLAN[2])  # typed "4"
        fetched = [c for c in fake.calls if c.method == "getUpdates" and c.result]
        update_id = fetched[-1].result[-1]["update_id"]
        await runner.kill()
        dropped = duplicates_dropped()
        await runner.start()
        question = await walk(resident, question, PLAN[3:], first=3)
        assert_summary(question)
        await resident.next_message()
    finally:
        await runner.stop()
    again = [
        c
        for c in fake.calls
        if c.method == "getUpdates" and any(u["update_id"] == update_id for u in c.result or [])
    ]
    assert len(again) == 2, "the restarted bot fetched the update again"
    assert duplicates_dropped() == dropped + 1
    await assert_complete(database_url, resident)
    session = await stored(database_url, resident)
    assert session is not None and session.state.answers == ANSWERS
    await fake.settle()
    assert len(resident.messages) == MESSAGES_PER_RESPONSE
    assert [progress(m) for m in resident.messages if m.text.startswith("Vraag ")] == PROGRESS
    assert resident.unread() == []
    fake.assert_clean()


async def test_looking_for_a_deliberation_leaves_the_update_to_the_answer(
    services: Services,
) -> None:
    """A typed text first asks whether the resident is in a deliberation; only the answer it
    then gives to the questionnaire may record the update. If the answer's commit fails,
    the redelivery is handled (before, the look had recorded it, and the answer was lost)."""
    talks = Deliberations(services, cast(ResidentHandlers, SimpleNamespace(opener=None)))
    async with services.sessions.begin() as db:
        await repo.register_resident(
            db, "in-no-deliberation", language="nl", consent="given", chat_id=ANN
        )
    residents = [Who("in-no-deliberation", "nl", ANN), Who("unknown", "nl", ANN + 1)]

    async def typed_then(marker: str, *, fail: bool) -> None:
        for who in residents:
            assert await talks.typed(who, "2") is None  # in no deliberation: not for them
        async with services.sessions.begin() as db:
            await audit.record(db, "test.answer", actor=None, target=marker)
            if fail:
                raise RuntimeError("the database goes away before the answer commits")

    async with Worker(services) as processor:
        with pytest.raises(RuntimeError):
            await processor.process_update(message(501), typed_then("answer", fail=True))
        assert not await recorded(services, 501)
        await processor.process_update(message(501), typed_then("answer", fail=False))
        await processor.process_update(message(501), typed_then("answer", fail=False))
    assert await rows(services, "answer") == 1
    assert await recorded(services, 501)

"""Outcomes waiting for residents of the web door (storage.outcomes), on each database:
who gets one, shown once, and gone with the resident on erasure and retention."""

from __future__ import annotations

from sqlalchemy import select

from storage import outcomes as store
from storage.models import Outcome, Subscription, WaitingOutcome
from storage.privacy import erase_resident, resident_data
from tests.storage.test_privacy import (
    DAY,
    RETENTION,
    T0,
    Sessions,
    close,
    join,
    resident_ids,
    respond,
    retain,
    rows,
    subscribe,
)

WEB = "web-" + "a" * 60


async def publish(sessions: Sessions, message: str = "Er komen meer bakken.") -> int:
    """An outcome of mini kept for the web residents who opted in; its id."""
    async with sessions.begin() as db:
        outcome = await store.record_outcome(db, "mini", "besluit", message, None, created_by=None)
        waiting = await store.waiting_recipients(db, "mini")
        await store.keep_waiting(db, outcome.id, waiting, now=T0 + DAY)
        return outcome.id


async def test_only_web_participants_who_opted_in_wait_and_see_it_once(
    sessions: Sessions, mini: str
) -> None:
    web = await join(sessions, WEB, chat_id=None)
    quiet = await join(sessions, "web-" + "b" * 60, chat_id=None)  # did not opt in
    stranger = await join(sessions, "web-" + "c" * 60, chat_id=None)  # opted in, not taken part
    telegram = await join(sessions, "telegram", chat_id=7)  # gets it as a message instead
    for resident in (web, quiet, telegram):
        await respond(sessions, resident.id)
    for resident in (web, stranger, telegram):
        await subscribe(sessions, resident.id)
    async with sessions() as db:
        assert await store.waiting_recipients(db, "mini") == [web.id]
        assert await store.outcome_recipients(db, "mini") == [(telegram.id, "nl")]
    first = await publish(sessions)
    second = await publish(sessions, "En ze worden vaker geleegd.")
    async with sessions.begin() as db:
        shown = await store.take_waiting(db, web.id)
    assert [(o.id, o.message_nl) for o in shown] == [
        (first, "Er komen meer bakken."),
        (second, "En ze worden vaker geleegd."),
    ]
    async with sessions.begin() as db:
        assert await store.take_waiting(db, web.id) == []  # once
        assert await store.take_waiting(db, quiet.id) == []
    assert len(await rows(sessions, Outcome.id)) == 2  # the outcomes themselves stay


async def test_the_resident_sees_what_waits_and_erasure_drops_it(
    sessions: Sessions, mini: str
) -> None:
    web = await join(sessions, WEB, chat_id=None)
    await respond(sessions, web.id)
    await subscribe(sessions, web.id)
    await publish(sessions)
    async with sessions() as db:
        data = await resident_data(db, web.id)
    assert data is not None
    assert [(m.kind, m.questionnaire_id, m.status) for m in data.messages] == [
        ("outcome", "mini", "waiting")
    ]
    async with sessions.begin() as db:
        erased = await erase_resident(db, web.id)
    assert erased is not None and erased.messages == 1 and erased.subscriptions == 1
    assert await rows(sessions, WaitingOutcome.resident_id) == []


async def test_retention_forgets_a_web_subscriber_who_never_came_back(
    sessions: Sessions, mini: str
) -> None:
    """A subscription keeps a Telegram resident (a message can reach them), not a web one:
    once the period has passed without a visit, they and what waits for them are gone."""
    web = await join(sessions, WEB, chat_id=None)
    telegram = await join(sessions, "telegram", chat_id=7)
    for resident in (web, telegram):
        await respond(sessions, resident.id)
        await subscribe(sessions, resident.id)
    await publish(sessions)
    await close(sessions, "mini", T0 + DAY)
    assert (await retain(sessions, T0 + DAY + RETENTION - DAY)).residents == 0
    assert (await retain(sessions, T0 + DAY + RETENTION)).residents == 1
    assert await resident_ids(sessions) == [telegram.id]
    assert await rows(sessions, WaitingOutcome.resident_id) == []
    async with sessions() as db:
        kept = await db.scalars(select(Subscription.resident_id))
        assert list(kept) == [telegram.id]

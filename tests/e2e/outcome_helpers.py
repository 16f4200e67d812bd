"""Helpers for the opt-in, outcome and broadcast tests: a bot with an administrator and
fast jobs, and residents put straight into the database (many of them, quickly)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import func, insert, select, text

from bot.core.services import Services
from flows.outcomes import theme_slug
from sandbox.clients import FakeUser
from sandbox.fakeapi import FakeBotApi
from sandbox.models import BotMessage
from storage import outbox
from storage.models import Contact, OutboxMessage, Resident, Session, Subscription
from tests.e2e.conftest import BotRunner
from tests.support.shipped import shipped_version

ADMIN_ID = 4242
AFVAL = "afvalinzameling"
SCHOOL = "schoolroutes"
AFVAL_THEME = theme_slug("Afval en containers")
SCHOOL_THEME = theme_slug("Verkeersveiligheid")


def runner(fake: FakeBotApi, database_url: str, **overrides: Any) -> BotRunner:
    """A bot with one administrator, jobs every 0.5 s and a quick broadcast pace."""
    values: dict[str, Any] = {
        "admin_user_ids": [ADMIN_ID],
        "jobs_interval": 0.5,
        "broadcast_rate": 200,
        "broadcast_chat_interval": 0.2,
    }
    values.update(overrides)
    return BotRunner(fake, database_url, **values)


def services_of(bot: BotRunner) -> Services:
    assert bot.services is not None, "the bot is not running"
    return bot.services


async def seed(
    bot: BotRunner,
    fake: FakeBotApi,
    count: int,
    *,
    language: str = "nl",
    took_part: Sequence[str] = (),
    outcomes: Sequence[str] = (),
    invitations: Sequence[str] = (),
    first_id: int | None = None,
) -> list[FakeUser]:
    """``count`` consenting residents with a private chat in the fake, who took part in
    ``took_part`` (a completed response each) and opted in to ``outcomes`` of questionnaires
    and ``invitations`` on themes."""
    services = services_of(bot)
    users = [
        fake.user(None if first_id is None else first_id + i, language_code=language)
        for i in range(count)
    ]
    now = services.clock()
    async with services.sessions.begin() as db:
        await db.execute(
            insert(Resident),
            [
                {
                    "pseudonym": services.pseudonyms.of(user.id),
                    "language": language,
                    "consent": "given",
                    "consent_at": now,
                    "created_at": now,
                }
                for user in users
            ],
        )
        ids = {
            pseudonym: resident_id
            for resident_id, pseudonym in await db.execute(
                select(Resident.id, Resident.pseudonym).where(
                    Resident.pseudonym.in_([services.pseudonyms.of(u.id) for u in users])
                )
            )
        }
        residents = [ids[services.pseudonyms.of(user.id)] for user in users]
        await db.execute(
            insert(Contact),
            [{"resident_id": r, "chat_id": u.id} for r, u in zip(residents, users, strict=True)],
        )
        rows: list[dict[str, Any]] = []
        for kind, topics in (("outcomes", outcomes), ("invitations", invitations)):
            rows += [
                {"resident_id": r, "kind": kind, "topic": topic, "created_at": now}
                for r in residents
                for topic in topics
            ]
        if rows:
            await db.execute(insert(Subscription), rows)
        sessions = [
            {
                "resident_id": r,
                "questionnaire_id": questionnaire,
                "questionnaire_version": shipped_version(questionnaire),
                "status": "completed",
                "current": "end",
                "path": [],
                "draft": [],
                "is_test": False,
                "started_at": now,
                "updated_at": now,
                "completed_at": now,
            }
            for r in residents
            for questionnaire in took_part
        ]
        if sessions:
            await db.execute(insert(Session), sessions)
    return users


async def resident_of(bot: BotRunner, user: FakeUser) -> int:
    services = services_of(bot)
    async with services.sessions() as db:
        found = await db.scalar(
            select(Resident.id).where(Resident.pseudonym == services.pseudonyms.of(user.id))
        )
    assert found is not None
    return int(found)


async def sql(bot: BotRunner, statement: str, **params: Any) -> list[tuple[Any, ...]]:
    async with services_of(bot).sessions() as db:
        return [tuple(row) for row in await db.execute(text(statement), params)]


async def outbox_counts(bot: BotRunner, broadcast_id: int | None = None) -> dict[str, int]:
    query = select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)
    if broadcast_id is not None:
        query = query.where(OutboxMessage.broadcast_id == broadcast_id)
    async with services_of(bot).sessions() as db:
        return {status: int(n) for status, n in await db.execute(query)}


async def latest_broadcast(bot: BotRunner) -> outbox.BroadcastInfo:
    async with services_of(bot).sessions() as db:
        found = await outbox.broadcasts(db)
    assert found, "no broadcast yet"
    return found[-1]


async def until(condition: Callable[[], Any], within: float = 20, what: str = "condition") -> None:
    """Wait (without sleeping long) until ``condition()`` -- sync or async -- is true."""
    deadline = time.monotonic() + within
    while True:
        result = condition()
        if asyncio.iscoroutine(result):
            result = await result
        if result:
            return
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what} did not happen within {within} s")
        await asyncio.sleep(0.02)


def received(user: FakeUser, start: str) -> list[BotMessage]:
    """The bot's messages to ``user`` whose text starts with ``start``."""
    return [m for m in user.messages if m.text.startswith(start)]


async def final_report(admin: FakeUser, message: BotMessage, within: float = 30) -> str:
    """Wait until the progress message became the final report; its text."""
    await admin.wait_for(lambda: "Klaar" in message.text or "niemand" in message.text, within)
    return message.text


def report_text(what: str, total: int, *, sent: int, unreachable: int = 0, failed: int = 0) -> str:
    """The final report the administrator's progress message ends as (``what``: its first
    line, e.g. "Uitnodiging: <title>")."""
    residents = "1 inwoner" if total == 1 else f"{total} inwoners"
    return (
        f"{what}\nKlaar: {residents}.\n"
        f"Verstuurd: {sent}\nOnbereikbaar (bot geblokkeerd): {unreachable}\nMislukt: {failed}"
    )

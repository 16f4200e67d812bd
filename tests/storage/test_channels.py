"""Counting per door on both databases: a web resident (pseudonym ``web-...``) and a
Telegram one (64 hex digits) in the same questionnaire count together, with the web
door's share apart (:func:`storage.digest.response_stats`)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from sqlalchemy import select, text

from analysis.deliberation_digest import DeliberationFigures
from bot.core.channel import TELEGRAM, WEB, channel_of
from bot.staff.stellingen import compose
from flows.deliberation import read_directory
from storage import deliberations as talks
from storage import migrate
from storage.db import create_engine
from storage.digest import response_stats
from storage.models import Contact, Resident
from storage.repo import WEB_PREFIX
from tests.conftest import QUESTIONNAIRES
from tests.storage.helpers import Sessions, complete, register, start


async def test_both_doors_count_together_with_the_web_share_apart(
    sessions: Sessions, mini: str
) -> None:
    telegram = await register(sessions, "a" * 64)
    web = await register(sessions, WEB_PREFIX + "b" * 60, chat_id=None)
    almost = await register(sessions, "webb" + "c" * 60)  # not the prefix: Telegram-like
    await complete(sessions, telegram.id)
    await complete(sessions, web.id)
    await complete(sessions, almost.id)
    other_web = await register(sessions, WEB_PREFIX + "d" * 60, chat_id=None)
    await start(sessions, other_web.id)  # unfinished: counted, not completed
    now = datetime.now(UTC)
    async with sessions() as db:
        tally = await response_stats(db, "mini", now - timedelta(days=1), now + timedelta(1))
    assert (tally.total, tally.completed, tally.completed_on_web) == (4, 3, 1)


def test_a_pseudonym_names_its_door() -> None:
    assert channel_of(WEB_PREFIX + "0" * 60) == WEB
    assert channel_of("0" * 64) == TELEGRAM


async def test_a_deliberation_counts_its_participants_per_door(sessions: Sessions) -> None:
    """The deliberation's part of the digest: every door together, the web door's share
    apart (:func:`storage.deliberations.digest_counts`, then the digest's line)."""
    [(deliberation, source)] = read_directory(QUESTIONNAIRES)
    now = datetime.now(UTC)
    telegram = await register(sessions, "a" * 64)
    web = await register(sessions, WEB_PREFIX + "b" * 60, chat_id=None)
    other = await register(sessions, "c" * 64)
    async with sessions.begin() as db:
        await talks.seed(db, deliberation, source, now=now)
        for resident in (telegram, web, other):
            await talks.join(db, deliberation.id, resident.id, now=now)
    async with sessions() as db:
        counts = await talks.digest_counts(db, deliberation.id, now - timedelta(1), now)
    assert (counts.participants, counts.participants_on_web) == (3, 1)
    figures = DeliberationFigures(
        deliberation.id, "Het plein", counts, 0, (), (), 0, (), (), {}, ()
    )
    text = compose(figures, now - timedelta(1), now, UTC)
    assert "3 deelnemers (via Telegram 2, via de website 1) · 0 stemmen" in text
    alone = replace(counts, participants_on_web=0)  # one door only: no split
    text = compose(replace(figures, counts=alone), now - timedelta(1), now, UTC)
    assert "3 deelnemers · 0 stemmen" in text


async def test_the_door_is_stored_with_the_resident_and_the_contact(sessions: Sessions) -> None:
    web = await register(sessions, WEB_PREFIX + "e" * 60, chat_id=None)
    telegram = await register(sessions, "f" * 64)
    async with sessions() as db:
        doors = dict((await db.execute(select(Resident.id, Resident.channel))).all())
        contacts = (await db.execute(select(Contact.resident_id, Contact.channel))).all()
    assert (doors[web.id], doors[telegram.id]) == (WEB, TELEGRAM)
    assert [tuple(row) for row in contacts] == [(telegram.id, TELEGRAM)]


async def test_the_migration_reads_the_door_of_every_resident_from_its_pseudonym(
    empty_database_url: str,
) -> None:
    engine = create_engine(empty_database_url)
    insert = (
        "INSERT INTO residents (id, pseudonym, language, consent, consent_at, created_at) "
        "VALUES (:id, :pseudonym, 'nl', 'given', :now, :now)"
    )
    try:
        await migrate.upgrade(engine, "0020")
        now = datetime(2026, 12, 1, tzinfo=UTC)
        async with engine.begin() as connection:
            for number, pseudonym in enumerate(
                [WEB_PREFIX + "1" * 60, "2" * 64, "web_" + "3" * 60]
            ):
                await connection.execute(
                    text(insert), {"id": number + 1, "pseudonym": pseudonym, "now": now}
                )
            await connection.execute(
                text("INSERT INTO contacts (resident_id, chat_id) VALUES (2, 42)")
            )
        await migrate.upgrade(engine)
        async with engine.connect() as connection:
            doors = (await connection.execute(text("SELECT id, channel FROM residents"))).all()
            contacts = (await connection.execute(text("SELECT channel FROM contacts"))).all()
        assert sorted(tuple(row) for row in doors) == [(1, WEB), (2, TELEGRAM), (3, TELEGRAM)]
        assert [tuple(row) for row in contacts] == [(TELEGRAM,)]
    finally:
        await migrate.downgrade(engine, "base")
        await engine.dispose()

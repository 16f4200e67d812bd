"""Counting per door on both databases: a web resident (pseudonym ``web-...``) and a
Telegram one (64 hex digits) in the same questionnaire count together, with the web
door's share apart (:func:`storage.digest.response_stats`)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from analysis.deliberation_digest import DeliberationFigures
from bot.core.channel import TELEGRAM, WEB, channel_of
from bot.staff.stellingen import compose
from flows.deliberation import read_directory
from storage import deliberations as talks
from storage.digest import response_stats
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

"""Counting per door on both databases: a web resident (pseudonym ``web-...``) and a
Telegram one (64 hex digits) in the same questionnaire count together, with the web
door's share apart (:func:`storage.digest.response_stats`)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.core.channel import TELEGRAM, WEB, channel_of
from storage.digest import response_stats
from storage.repo import WEB_PREFIX
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

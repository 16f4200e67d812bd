"""The duplicate-response signal read from the database (storage.duplicates), on both
databases: identical answer sets completed close together, test runs left out."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import update

from storage.digest import response_stats
from storage.duplicates import count_possible_duplicates
from storage.models import Session
from storage.repo import WEB_PREFIX
from tests.storage.helpers import MINI_ANSWERS, Sessions, complete, register, run, start

OTHER = [*MINI_ANSWERS[:3], ("wijk", "centrum", MINI_ANSWERS[3][2])]


async def test_identical_responses_close_together_are_signalled(
    sessions: Sessions, mini: str
) -> None:
    ann = await register(sessions, "a" * 64)
    bob = await register(sessions, WEB_PREFIX + "b" * 60, chat_id=None)
    cas = await register(sessions, "c" * 64)
    dirk = await register(sessions, "d" * 64)
    eva = await register(sessions, WEB_PREFIX + "e" * 60, chat_id=None)
    await complete(sessions, ann.id)
    await complete(sessions, bob.id)  # the same answers, moments later: a possible copy
    await run(sessions, await start(sessions, cas.id), OTHER)  # another wijk: no copy
    await complete(sessions, dirk.id, is_test=True)  # a test run never counts
    late = await complete(sessions, eva.id)
    async with sessions.begin() as db:  # eva finished two hours later: no copy
        await db.execute(
            update(Session)
            .where(Session.id == late.id)
            .values(completed_at=datetime.now(UTC) + timedelta(hours=2))
        )
    now = datetime.now(UTC)
    since, until = now - timedelta(days=1), now + timedelta(days=1)
    async with sessions() as db:
        found = await count_possible_duplicates(db, "mini", since, until)
        tally = await response_stats(db, "mini", since, until)
        later = await count_possible_duplicates(db, "mini", now + timedelta(hours=1), until)
    assert found == 1
    assert (tally.completed, tally.possible_duplicates) == (4, 1)
    assert later == 0  # a period with only eva's response: no copy in it

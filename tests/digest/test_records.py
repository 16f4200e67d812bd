"""The digests table: what was sent, where the next scheduled period starts, and the
figures the next digest compares with."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.exc import IntegrityError

from analysis.digest import PreviousFigures
from storage import digest as storage_digest
from tests.digest.helpers import PROEF, SINCE, UNTIL, Sessions, store

GROUP = -100123
OTHER_GROUP = -100456
WEEK = timedelta(days=7)


def figures(mean: float, score: float, total: int = 10) -> dict[str, object]:
    return {
        "new": 4,
        "total": total,
        "scale_means": {"tevreden": mean},
        "dimensions": {"bestuur": score},
    }


async def test_record_and_last_scheduled(sessions: Sessions) -> None:
    await store(sessions, PROEF)
    async with sessions.begin() as db:
        assert await storage_digest.last_scheduled(db) is None
        first = await storage_digest.record_digest(
            db,
            kind="scheduled",
            chat_id=GROUP,
            period_start=SINCE,
            period_end=UNTIL,
            figures={"proef": figures(3.5, 60)},
            sent_at=UNTIL,
        )
        await storage_digest.record_digest(
            db,
            kind="on_demand",
            chat_id=GROUP,
            period_start=SINCE,
            period_end=UNTIL + timedelta(days=2),
            figures={"proef": figures(3.6, 61)},
            questionnaire_id="proef",
        )
        second = await storage_digest.record_digest(
            db,
            kind="scheduled",
            chat_id=OTHER_GROUP,
            period_start=UNTIL,
            period_end=UNTIL + WEEK,
            figures={},
            sent_at=UNTIL + WEEK,
        )
    assert first.questionnaire_id is None and first.kind == "scheduled"
    assert first.figures == {"proef": figures(3.5, 60)}
    async with sessions() as db:
        latest = await storage_digest.last_scheduled(db)
        assert latest is not None and latest.id == second.id
        assert latest.period_end == UNTIL + WEEK
        assert latest.period_end.tzinfo is not None
        mine = await storage_digest.last_scheduled(db, chat_id=GROUP)
        assert mine is not None and mine.id == first.id and mine.period_end == UNTIL


async def test_previous_figures(sessions: Sessions) -> None:
    await store(sessions, PROEF)
    day = timedelta(days=1)
    async with sessions.begin() as db:
        # All questionnaires, then one of its own, then an all-questionnaires one without it.
        await storage_digest.record_digest(
            db,
            kind="scheduled",
            chat_id=GROUP,
            period_start=SINCE,
            period_end=UNTIL,
            figures={"proef": figures(3.1, 50), "ander": figures(1, 1)},
            sent_at=UNTIL,
        )
        await storage_digest.record_digest(
            db,
            kind="on_demand",
            chat_id=GROUP,
            period_start=SINCE,
            period_end=UNTIL + day,
            figures={"proef": figures(3.4, 55, total=12)},
            questionnaire_id="proef",
            sent_at=UNTIL + day,
        )
        await storage_digest.record_digest(
            db,
            kind="scheduled",
            chat_id=GROUP,
            period_start=UNTIL,
            period_end=UNTIL + WEEK,
            figures={"ander": figures(2, 2)},
            sent_at=UNTIL + 2 * day,
        )
    async with sessions() as db:
        found = await storage_digest.previous_figures(db, "proef")
        assert found == PreviousFigures(UNTIL + day, 4, 12, {"tevreden": 3.4}, {"bestuur": 55.0})
        scheduled = await storage_digest.previous_figures(db, "proef", kinds=["scheduled"])
        assert scheduled is not None and scheduled.scale_means == {"tevreden": 3.1}
        earlier = await storage_digest.previous_figures(db, "proef", before=UNTIL + day)
        assert earlier is not None and earlier.sent_at == UNTIL
        assert await storage_digest.previous_figures(db, "proef", chat_id=OTHER_GROUP) is None
        assert await storage_digest.previous_figures(db, "onbekend") is None


async def test_kind_is_checked(sessions: Sessions) -> None:
    await store(sessions, PROEF)
    async with sessions.begin() as db:
        with pytest.raises(ValueError, match="kind"):
            await storage_digest.record_digest(
                db,
                kind="weekly",
                chat_id=GROUP,
                period_start=SINCE,
                period_end=UNTIL,
                figures={},
            )


async def test_database_refuses_unknown_kind_and_questionnaire(sessions: Sessions) -> None:
    """The CHECK constraint and the foreign key hold even past the repository."""
    from storage.models import Digest

    await store(sessions, PROEF)
    now = datetime(2026, 11, 9, tzinfo=UTC)
    for wrong in (
        Digest(kind="weekly", chat_id=GROUP, period_start=now, period_end=now, figures={}),
        Digest(
            kind="final",
            questionnaire_id="bestaat-niet",
            chat_id=GROUP,
            period_start=now,
            period_end=now,
            figures={},
        ),
    ):
        with pytest.raises(IntegrityError):
            async with sessions.begin() as db:
                db.add(wrong)


def test_previous_figures_are_read_leniently() -> None:
    now = datetime(2026, 11, 9, tzinfo=UTC)
    read = PreviousFigures.from_figures(
        now, {"new": "x", "total": True, "scale_means": {"a": 2, "b": "3", "c": None}}
    )
    assert read == PreviousFigures(now, None, None, {"a": 2.0}, {})

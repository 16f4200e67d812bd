"""The digests table: what was sent, where the next scheduled period starts, and the
figures the next digest compares with."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from analysis.figures import PreviousFigures
from storage import digest_log
from storage.digest_log import DigestRecord
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


async def note(
    db: AsyncSession,
    kind: str,
    period: tuple[datetime, datetime],
    figures: dict[str, dict[str, object]],
    *,
    sent_at: datetime | None = None,
    chat_id: int = GROUP,
    questionnaire_id: str | None = None,
) -> DigestRecord:
    """:func:`digest_log.record_digest` with a period as (start, end)."""
    return await digest_log.record_digest(
        db,
        kind=kind,
        chat_id=chat_id,
        period_start=period[0],
        period_end=period[1],
        figures=figures,
        questionnaire_id=questionnaire_id,
        sent_at=sent_at,
    )


async def test_record_and_last_scheduled(sessions: Sessions) -> None:
    await store(sessions, PROEF)
    async with sessions.begin() as db:
        assert await digest_log.last_scheduled(db) is None
        first = await note(
            db, "scheduled", (SINCE, UNTIL), {"proef": figures(3.5, 60)}, sent_at=UNTIL
        )
        await note(
            db,
            "on_demand",
            (SINCE, UNTIL + timedelta(days=2)),
            {"proef": figures(3.6, 61)},
            questionnaire_id="proef",
        )
        second = await note(
            db,
            "scheduled",
            (UNTIL, UNTIL + WEEK),
            {},
            sent_at=UNTIL + WEEK,
            chat_id=OTHER_GROUP,
        )
    assert first.questionnaire_id is None and first.kind == "scheduled"
    assert first.figures == {"proef": figures(3.5, 60)}
    async with sessions() as db:
        latest = await digest_log.last_scheduled(db)
        assert latest is not None and latest.id == second.id
        assert latest.period_end == UNTIL + WEEK
        assert latest.period_end.tzinfo is not None
        mine = await digest_log.last_scheduled(db, chat_id=GROUP)
        assert mine is not None and mine.id == first.id and mine.period_end == UNTIL


async def test_previous_figures(sessions: Sessions) -> None:
    await store(sessions, PROEF)
    day = timedelta(days=1)
    async with sessions.begin() as db:
        # All questionnaires, then one of its own, then an all-questionnaires one without it.
        both = {"proef": figures(3.1, 50), "ander": figures(1, 1)}
        await note(db, "scheduled", (SINCE, UNTIL), both, sent_at=UNTIL)
        await note(
            db,
            "on_demand",
            (SINCE, UNTIL + day),
            {"proef": figures(3.4, 55, total=12)},
            questionnaire_id="proef",
            sent_at=UNTIL + day,
        )
        other = {"ander": figures(2, 2)}
        await note(db, "scheduled", (UNTIL, UNTIL + WEEK), other, sent_at=UNTIL + 2 * day)
    async with sessions() as db:
        found = await digest_log.previous_figures(db, "proef")
        assert found == PreviousFigures(UNTIL + day, 4, 12, {"tevreden": 3.4}, {"bestuur": 55.0})
        scheduled = await digest_log.previous_figures(db, "proef", kinds=["scheduled"])
        assert scheduled is not None and scheduled.scale_means == {"tevreden": 3.1}
        earlier = await digest_log.previous_figures(db, "proef", before=UNTIL + day)
        assert earlier is not None and earlier.sent_at == UNTIL
        assert await digest_log.previous_figures(db, "proef", chat_id=OTHER_GROUP) is None
        assert await digest_log.previous_figures(db, "onbekend") is None


async def test_kind_is_checked(sessions: Sessions) -> None:
    await store(sessions, PROEF)
    async with sessions.begin() as db:
        with pytest.raises(ValueError, match="kind"):
            await note(db, "weekly", (SINCE, UNTIL), {})


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

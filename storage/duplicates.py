"""What the duplicate-response signal reads (:mod:`analysis.duplicates`): the completed
responses of a period, and the answers of those completed close after another one.

Two reads, both bounded: one row per response completed in the period (not per answer),
then the answers of the responses that have a neighbour completed within
:data:`analysis.duplicates.WINDOW` (only those can be copies), at most
:data:`MAX_CHECKED` of them, the newest. Nothing but stored answers and times is used: no
network address or device is ever stored for this.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from analysis.duplicates import WINDOW, Completed, possible_duplicates
from storage.models import Answer, Session
from storage.repo import COMPLETED

#: The most responses whose answers one digest compares (the newest, when more qualify).
MAX_CHECKED = 2_000
CHUNK = 500  # session ids per IN (...) list


def _close_to_another(finished: Sequence[tuple[int, datetime, int]]) -> list[int]:
    """The ids of responses completed within the window of another on the same version
    (``finished`` sorted by completion time)."""
    close: set[int] = set()
    previous: dict[int, tuple[int, datetime]] = {}
    for session_id, at, version in finished:
        before = previous.get(version)
        if before is not None and at - before[1] <= WINDOW:
            close.update((before[0], session_id))
        previous[version] = (session_id, at)
    return [session_id for session_id, _, _ in finished if session_id in close]


async def count_possible_duplicates(
    db: AsyncSession, questionnaire_id: str, since: datetime, until: datetime
) -> int:
    """How many responses completed in [since, until) repeat, answer for answer, one
    completed at most the window before them (test runs and replaced revisions left out)."""
    rows = await db.execute(
        select(Session.id, Session.completed_at, Session.questionnaire_version)
        .where(
            Session.questionnaire_id == questionnaire_id,
            Session.is_test.is_(False),
            Session.status == COMPLETED,
            Session.completed_at >= since - WINDOW,
            Session.completed_at < until,
        )
        .order_by(Session.completed_at, Session.id)
    )
    finished = [(int(i), at, int(v)) for i, at, v in rows if at is not None]
    candidates = _close_to_another(finished)[-MAX_CHECKED:]
    if not candidates:
        return 0
    answers: dict[int, dict[str, Any]] = {i: {} for i in candidates}
    for start in range(0, len(candidates), CHUNK):
        chunk = candidates[start : start + CHUNK]
        found = await db.execute(
            select(Answer.session_id, Answer.question_id, Answer.value).where(
                Answer.session_id.in_(chunk), Answer.off_branch.is_(False)
            )
        )
        for session_id, question_id, value in found:
            answers[int(session_id)][str(question_id)] = value
    when = {i: (at, version) for i, at, version in finished}
    return possible_duplicates(
        (Completed(when[i][0], when[i][1], answers[i]) for i in candidates), since
    )

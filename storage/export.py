"""Responses for export: one row per response that counts, with its answers.

:mod:`analysis.export` turns these rows into a table; :mod:`bot.admin.export` sends it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Answer, Resident, ResidentProfile, Session
from storage.repo import REPLACED, superseded


@dataclass(frozen=True, slots=True)
class ExportRow:
    pseudonym: str | None
    version: int
    status: str
    started_at: datetime
    completed_at: datetime | None
    answers: dict[str, Any]
    age_band: str | None = None  # from the resident's profile ("about you, once")
    #: The door it came in through (``storage.repo.TELEGRAM`` or ``WEB``, the resident's
    #: ``channel``); None once the resident was erased (the door is not kept).
    channel: str | None = None


async def export_rows(
    db: AsyncSession, questionnaire_id: str, *, include_test: bool = False
) -> Sequence[ExportRow]:
    """One row per response that counts: replaced revisions, unfinished tries beside a
    completed response (:func:`superseded`) and test runs left out."""
    query = (
        select(Session, Resident.pseudonym, ResidentProfile.age_band, Resident.channel)
        .outerjoin(Resident, Resident.id == Session.resident_id)
        .outerjoin(ResidentProfile, ResidentProfile.resident_id == Session.resident_id)
        .where(
            Session.questionnaire_id == questionnaire_id,
            Session.status != REPLACED,
            ~superseded(),
        )
        .order_by(Session.started_at, Session.id)
    )
    if not include_test:
        query = query.where(Session.is_test.is_(False))
    sessions = (await db.execute(query)).all()
    ids = [s.id for s, _, _, _ in sessions]
    answers: dict[int, dict[str, Any]] = {i: {} for i in ids}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        rows = await db.execute(
            select(Answer.session_id, Answer.question_id, Answer.value).where(
                Answer.session_id.in_(chunk)
            )
        )
        for session_id, question_id, value in rows:
            answers[session_id][question_id] = value
    return [
        ExportRow(
            pseudonym,
            s.questionnaire_version,
            s.status,
            s.started_at,
            s.completed_at,
            answers[s.id],
            band,
            channel,
        )
        for s, pseudonym, band, channel in sessions
    ]

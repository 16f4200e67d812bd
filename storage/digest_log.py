"""The digests sent: where the next scheduled period starts, and the figures to compare with.

Each digest sent is one row in ``digests`` with a snapshot of its figures per questionnaire
(:func:`analysis.figures.figures_of`); the next digest of a questionnaire shows what changed
since the latest one that had figures for it (:func:`previous_figures`).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from analysis.figures import PreviousFigures
from storage.models import Digest, QuestionnaireRecord, utcnow

KINDS = ("scheduled", "on_demand", "final")


@dataclass(frozen=True, slots=True)
class DigestRecord:
    id: int
    questionnaire_id: str | None
    kind: str
    period_start: datetime
    period_end: datetime
    sent_at: datetime
    chat_id: int
    figures: Mapping[str, Any]


def _record(row: Digest) -> DigestRecord:
    return DigestRecord(
        row.id,
        row.questionnaire_id,
        row.kind,
        row.period_start,
        row.period_end,
        row.sent_at,
        row.chat_id,
        dict(row.figures or {}),
    )


async def record_digest(
    db: AsyncSession,
    *,
    kind: str,
    chat_id: int,
    period_start: datetime,
    period_end: datetime,
    figures: Mapping[str, Mapping[str, Any]],
    questionnaire_id: str | None = None,
    sent_at: datetime | None = None,
) -> DigestRecord:
    """Note a digest as sent. ``figures``: per questionnaire id, :func:`figures_of` of its
    digest; ``questionnaire_id`` None for the scheduled digest of all questionnaires."""
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {', '.join(KINDS)}")
    row = Digest(
        questionnaire_id=questionnaire_id,
        kind=kind,
        period_start=period_start,
        period_end=period_end,
        sent_at=sent_at or utcnow(),
        chat_id=chat_id,
        figures={str(k): dict(v) for k, v in figures.items()},
    )
    db.add(row)
    await db.flush()
    return _record(row)


async def last_scheduled(db: AsyncSession, chat_id: int | None = None) -> DigestRecord | None:
    """The latest scheduled digest (to this chat); the next period starts at its end."""
    query = select(Digest).where(Digest.kind == "scheduled")
    if chat_id is not None:
        query = query.where(Digest.chat_id == chat_id)
    row = await db.scalar(query.order_by(Digest.period_end.desc(), Digest.id.desc()).limit(1))
    return _record(row) if row else None


async def previous_figures(
    db: AsyncSession,
    questionnaire_id: str,
    *,
    chat_id: int | None = None,
    before: datetime | None = None,
    kinds: Collection[str] = KINDS,
    scan: int = 50,
) -> PreviousFigures | None:
    """The figures for a questionnaire in the latest digest that had them: one of its own,
    or a scheduled digest of all questionnaires (the latest ``scan`` digests are looked at)."""
    query = select(Digest.sent_at, Digest.figures).where(
        or_(Digest.questionnaire_id == questionnaire_id, Digest.questionnaire_id.is_(None)),
        Digest.kind.in_(list(kinds)),
    )
    if chat_id is not None:
        query = query.where(Digest.chat_id == chat_id)
    if before is not None:
        query = query.where(Digest.sent_at < before)
    rows = await db.execute(query.order_by(Digest.sent_at.desc(), Digest.id.desc()).limit(scan))
    for sent_at, figures in rows:
        mine = figures.get(questionnaire_id) if isinstance(figures, dict) else None
        if isinstance(mine, dict):
            return PreviousFigures.from_figures(sent_at, mine)
    return None


async def final_sent(db: AsyncSession, questionnaire_id: str) -> bool:
    """Whether the closing digest of a questionnaire went out already."""
    found = await db.scalar(
        select(Digest.id)
        .where(Digest.kind == "final", Digest.questionnaire_id == questionnaire_id)
        .limit(1)
    )
    return found is not None


async def closed_at(db: AsyncSession, questionnaire_id: str) -> datetime | None:
    """When the questionnaire was closed (by hand or by its ``closes_at``), if it was."""
    return await db.scalar(
        select(QuestionnaireRecord.closed_at).where(QuestionnaireRecord.id == questionnaire_id)
    )

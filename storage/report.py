"""What a report reads besides the digest's tallies, and whether its results page is public.

:func:`gather_report` is :func:`storage.digest.gather` over the period, plus the
invitations sent, the outcomes told, the scorecard of each scheduled and closing digest (the
trend) and when the first and last answers came. :func:`stamp` is a cheap fingerprint of
everything a report shows, so a cached page is made again only when something changed (a
new answer, a moderation decision, an outcome, an effect-check answer, publication);
:func:`deliberation_stamp` is the same for a deliberation's page (votes, statements).
Publishing and unpublishing are audited by the caller (:mod:`storage.audit`).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from analysis.report import Invitations, OutcomeNote, TrendPoint
from analysis.report_build import ReportInputs
from flows.schema import Questionnaire
from storage import digest as digest_store
from storage.deliberations import LIVE
from storage.models import (
    Answer,
    AuditEntry,
    Broadcast,
    DeliberationParticipant,
    DeliberationRecord,
    DeliberationStatement,
    DeliberationVote,
    Digest,
    EffectAnswer,
    Outcome,
    PublishedDeliberation,
    PublishedReport,
    Session,
)
from storage.outcomes import outcomes_of
from storage.repo import REPLACED

TREND_POINTS = 26  # the latest scheduled and closing digests in the trend


async def gather_report(
    db: AsyncSession, questionnaire: Questionnaire, since: datetime, until: datetime
) -> ReportInputs:
    """Everything a report of ``questionnaire`` over [since, until) shows."""
    tallies = await digest_store.gather(db, questionnaire, since, until)
    qid = questionnaire.id
    first, last = (
        await db.execute(
            select(func.min(Answer.answered_at), func.max(Answer.answered_at))
            .select_from(Answer)
            .join(Session, Session.id == Answer.session_id)
            .where(
                Session.questionnaire_id == qid,
                Session.is_test.is_(False),
                Session.status != REPLACED,
                Answer.answered_at >= since,
                Answer.answered_at < until,
            )
        )
    ).one()
    sent, recipients = (
        await db.execute(
            select(func.count(), func.coalesce(func.sum(Broadcast.total), 0)).where(
                Broadcast.kind == "invitation",
                Broadcast.questionnaire_id == qid,
                Broadcast.created_at < until,
            )
        )
    ).one()
    outcomes = tuple(
        OutcomeNote(o.status, o.created_at, o.message_nl, o.message_en)
        for o in await outcomes_of(db, [qid])
        if o.created_at < until
    )
    return ReportInputs(
        tallies=tallies,
        invitations=Invitations(int(sent), int(recipients)),
        outcomes=outcomes,
        trend=await trend(db, qid, until),
        first_answer=first,
        last_answer=last,
    )


async def trend(
    db: AsyncSession, questionnaire_id: str, until: datetime
) -> tuple[TrendPoint, ...]:
    """The scorecard of the latest scheduled and closing digests that had figures for the
    questionnaire, oldest first (on-demand digests overlap them and are left out)."""
    rows = await db.execute(
        select(Digest.sent_at, Digest.figures)
        .where(Digest.kind.in_(("scheduled", "final")), Digest.sent_at < until)
        .where((Digest.questionnaire_id == questionnaire_id) | Digest.questionnaire_id.is_(None))
        .order_by(Digest.sent_at.desc(), Digest.id.desc())
        .limit(TREND_POINTS * 4)
    )
    points: list[TrendPoint] = []
    for sent_at, figures in rows:
        mine = (figures or {}).get(questionnaire_id)
        dimensions = mine.get("dimensions") if isinstance(mine, dict) else None
        if not isinstance(dimensions, dict) or not dimensions:
            continue
        scores = tuple(
            (str(k), float(v))
            for k, v in sorted(dimensions.items())
            if isinstance(v, int | float) and not isinstance(v, bool)
        )
        if scores:
            points.append(TrendPoint(sent_at, scores))
        if len(points) == TREND_POINTS:
            break
    return tuple(reversed(points))


async def stamp(db: AsyncSession, questionnaire_id: str) -> tuple[object, ...]:
    """A fingerprint that changes whenever a report of the questionnaire could, cheap
    enough to ask on every request: its responses (how many, the latest change; every
    answer touches its response), and the latest audit entry (moderation decisions,
    outcomes, publication are audited), outcome and effect-check answer of any
    questionnaire."""
    sessions = (
        await db.execute(
            select(
                func.count(), func.max(Session.updated_at), func.max(Session.completed_at)
            ).where(Session.questionnaire_id == questionnaire_id)
        )
    ).one()
    latest = await _latest_changes(db)
    return (*sessions, *latest)


async def quick_stamp(db: AsyncSession) -> tuple[object, ...]:
    """The newest answer, response, audit entry, outcome and effect-check answer of any
    questionnaire: five primary-key lookups. While it is unchanged nothing a report shows
    can have changed (a change elsewhere moves it too; :func:`stamp` then tells whether it
    concerns this questionnaire)."""
    row = (
        await db.execute(
            select(
                *(
                    select(func.max(column)).scalar_subquery()
                    for column in (
                        Answer.id,
                        Session.id,
                        AuditEntry.id,
                        Outcome.id,
                        EffectAnswer.id,
                    )
                )
            )
        )
    ).one()
    return tuple(row)


async def deliberation_stamp(db: AsyncSession, deliberation_id: str) -> tuple[object, ...]:
    """:func:`stamp` for a deliberation, cheap enough to ask on every request (indexed
    reads): its lifecycle, its votes (how many; a changed vote moves its participant's
    ``updated_at``, every vote tap does), its participants, its statements (how many, how
    many live, the latest moderation), and the latest audit entry, outcome and effect-check
    answer of anything."""
    record = (
        await db.execute(
            select(
                DeliberationRecord.version, DeliberationRecord.status, DeliberationRecord.closed_at
            ).where(DeliberationRecord.id == deliberation_id)
        )
    ).one_or_none()
    votes = await db.scalar(
        select(func.count()).where(DeliberationVote.deliberation_id == deliberation_id)
    )
    people = (
        await db.execute(
            select(func.count(), func.max(DeliberationParticipant.updated_at)).where(
                DeliberationParticipant.deliberation_id == deliberation_id
            )
        )
    ).one()
    statements = (
        await db.execute(
            select(
                func.count(),
                func.count().filter(DeliberationStatement.status == LIVE),
                func.max(DeliberationStatement.moderated_at),
            ).where(DeliberationStatement.deliberation_id == deliberation_id)
        )
    ).one()
    latest = await _latest_changes(db)
    return (tuple(record or ()), votes, *people, *statements, *latest)


async def _latest_changes(db: AsyncSession) -> tuple[Any, ...]:
    """The newest audit entry, outcome and effect-check answer of any questionnaire or
    deliberation: moderation, outcomes and publication change a report through them."""
    return tuple(
        (
            await db.execute(
                select(
                    select(func.max(AuditEntry.id)).scalar_subquery(),
                    select(func.max(Outcome.id)).scalar_subquery(),
                    select(func.max(EffectAnswer.id)).scalar_subquery(),
                )
            )
        ).one()
    )


# --- Publication -------------------------------------------------------------------------------


async def published_at(db: AsyncSession, subject_id: str) -> datetime | None:
    """When the results page of the questionnaire or deliberation was published; None: it
    is not public."""
    found = await db.scalar(
        select(PublishedReport.published_at).where(PublishedReport.questionnaire_id == subject_id)
    )
    if found is None:
        found = await db.scalar(
            select(PublishedDeliberation.published_at).where(
                PublishedDeliberation.deliberation_id == subject_id
            )
        )
    return found


async def publish(
    db: AsyncSession, subject_id: str, *, now: datetime, deliberation: bool = False
) -> bool:
    """Make the results page of a questionnaire (or, with ``deliberation``, of a
    deliberation) public; False when it already was (the caller audits who)."""
    if await published_at(db, subject_id) is not None:
        return False
    if deliberation:
        db.add(PublishedDeliberation(deliberation_id=subject_id, published_at=now))
    else:
        db.add(PublishedReport(questionnaire_id=subject_id, published_at=now))
    await db.flush()
    return True


async def unpublish(db: AsyncSession, subject_id: str) -> bool:
    """Take the results page of a questionnaire or deliberation offline; False when it was
    not public."""
    removed = 0
    for table, column in (
        (PublishedReport, PublishedReport.questionnaire_id),
        (PublishedDeliberation, PublishedDeliberation.deliberation_id),
    ):
        result = await db.execute(delete(table).where(column == subject_id))
        removed += int(getattr(result, "rowcount", 0) or 0)
    return bool(removed)

"""The retention rule (also in PRIVACY.md), as a condition over the data, not a timer: run
again after any downtime, it deletes exactly what became due in the meantime.

- A questionnaire *closed* at the earliest of its ``closed_at`` (when its status is
  ``closed`` or ``archived``) and the ``closes_at`` of its current version, once passed.
  A draft never closes; a reopened questionnaire is open again. A deliberation closes the
  same way: at the earliest of its ``closed_at`` (status ``closed``) and the ``closes_at``
  in its file, once passed.
- ``retention`` after it closed, the free-text answers given to it are deleted; of a
  deliberation, the statements residents added (unless a moderator made one anonymous:
  then it stays, unlinked).
- A resident is forgotten altogether (as with :func:`storage.privacy.erase_resident`:
  contact details deleted, answers unlinked so they still count, the resident record
  deleted) when nothing is left to reach them for: every response of theirs is to a
  questionnaire closed at least ``retention`` ago, every deliberation they took part in
  closed at least ``retention`` ago (their votes there are deleted with them, as with
  /vergeetmij: they are keyed by the resident, see PRIVACY.md), they opted in to no further
  messages (no subscription), no message to them is still waiting in the outbox, and they did
  nothing for ``retention`` (consent, answers, effect-check answers). Someone who consented
  but never answered is forgotten ``retention`` after their consent. A subscription does not keep a
  resident who blocked the bot (``contacts.unreachable_at``) at least ``retention`` ago:
  nothing can reach them any more; nor does it keep a resident of the web door (who can
  only be told on a visit): they are forgotten as if they had none.
- Administrators' traces are kept :data:`AUDIT_RETENTION` (two years) for accountability:
  older audit-log lines are deleted, and the Telegram ids of administrators in other tables
  (who moderated a text, uploaded a version, wrote an outcome, planned an effect check,
  started a broadcast, and the chat of its progress report) are set to NULL.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from typing import Any

from sqlalchemy import and_, delete, exists, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from flows.catalog import Catalog
from flows.deliberation import parse as parse_deliberation
from storage import audit, deliberations
from storage.models import (
    Answer,
    AuditEntry,
    Broadcast,
    Contact,
    DeliberationParticipant,
    EffectAnswer,
    EffectCheck,
    OutboxMessage,
    Outcome,
    QuestionnaireRecord,
    QuestionnaireVersion,
    ReferencePopulation,
    Resident,
    Session,
    Subscription,
)
from storage.privacy import Versions, count_of, delete_free_text, erase_resident
from storage.repo import WEB

CLOSED_STATUSES = ("closed", "archived")
WAITING = ("pending", "sending")  # outbox rows not sent (or given up on) yet
ERASE_BATCH = 200  # residents forgotten per retention run; the next run goes on
# How long administrators' traces are kept (audit log, their ids in other tables). Fixed:
# accountability, not a resident's data; PRIVACY.md states it.
AUDIT_RETENTION = timedelta(days=730)


@dataclass(frozen=True, slots=True)
class Retained:
    """What one retention run did."""

    texts: int  # free-text answers deleted
    residents: int  # residents forgotten
    due: tuple[str, ...]  # questionnaires closed at least the retention period ago
    audit: int = 0  # audit-log lines deleted after AUDIT_RETENTION
    admin_ids: int = 0  # rows whose administrator id was cleared after AUDIT_RETENTION


def closed_since(
    status: str, closed_at: datetime | None, closes_at: datetime | None, now: datetime
) -> datetime | None:
    """When a questionnaire closed, or None while it is not closed (draft, open, reopened)."""
    if status == "draft":
        return None
    moments = []
    if status in CLOSED_STATUSES and closed_at is not None:
        moments.append(closed_at)
    if closes_at is not None and closes_at <= now:
        moments.append(closes_at)
    return min(moments) if moments else None


async def closing_times(
    db: AsyncSession, *, now: datetime, zone: tzinfo, versions: Versions
) -> dict[str, datetime]:
    """Every closed questionnaire and when it closed (dates without a zone are in ``zone``)."""
    closed: dict[str, datetime] = {}
    rows = await db.execute(
        select(
            QuestionnaireRecord.id,
            QuestionnaireRecord.status,
            QuestionnaireRecord.current_version,
            QuestionnaireRecord.closed_at,
        )
    )
    for questionnaire_id, status, version, closed_at in rows:
        questionnaire = await versions.get(db, questionnaire_id, version)
        closes_at = questionnaire.closes_at if questionnaire else None
        if closes_at is not None and closes_at.tzinfo is None:
            closes_at = closes_at.replace(tzinfo=zone)
        moment = closed_since(status, closed_at, closes_at, now)
        if moment is not None:
            closed[questionnaire_id] = moment
    return closed


# A deliberation's ``closes_at``, by the checksum of its stored source (parsed once).
_CLOSES_AT: dict[str, datetime | None] = {}


async def deliberation_closing_times(
    db: AsyncSession, *, now: datetime, zone: tzinfo
) -> dict[str, datetime]:
    """Every closed deliberation and when it closed: as a questionnaire, by its status or by
    the ``closes_at`` in its file (dates without a zone are in ``zone``)."""
    closed: dict[str, datetime] = {}
    for deliberation_id, status, closed_at, checksum, source in await deliberations.lifecycle(db):
        if checksum not in _CLOSES_AT:
            _CLOSES_AT[checksum] = parse_deliberation(source, deliberation_id).closes_at
        closes_at = _CLOSES_AT[checksum]
        if closes_at is not None and closes_at.tzinfo is None:
            closes_at = closes_at.replace(tzinfo=zone)
        moment = closed_since(status, closed_at, closes_at, now)
        if moment is not None:
            closed[deliberation_id] = moment
    return closed


async def apply_retention(
    db: AsyncSession,
    *,
    retention: timedelta,
    now: datetime,
    zone: tzinfo,
    catalog: Catalog | None = None,
    batch: int = ERASE_BATCH,
) -> Retained:
    """Delete what the retention rule (see the module's docstring) says is due at ``now``."""
    versions = Versions(catalog)
    cutoff = now - retention
    closed = await closing_times(db, now=now, zone=zone, versions=versions)
    due = sorted(qid for qid, moment in closed.items() if moment <= cutoff)
    talks = await deliberation_closing_times(db, now=now, zone=zone)
    due_talks = sorted(tid for tid, moment in talks.items() if moment <= cutoff)

    texts = await delete_free_text(db, versions, Session.questionnaire_id.in_(due)) if due else 0
    # Residents' own statements in deliberations closed as long ago (unless anonymous).
    texts += await deliberations.apply_retention(db, due_talks)

    forgotten = 0
    for resident_id in await _forgettable(db, due, due_talks, cutoff, batch):
        if await erase_resident(db, resident_id, now=now, via="system", versions=versions):
            forgotten += 1
    old = now - AUDIT_RETENTION
    audit_lines = count_of(
        await db.execute(
            delete(AuditEntry)
            .where(AuditEntry.at <= old)
            .execution_options(synchronize_session=False)
        )
    )
    admin_ids = await _forget_administrators(db, old)
    if texts or forgotten or audit_lines or admin_ids:
        await audit.record(
            db,
            "privacy.retention",
            actor=None,
            via="system",
            detail={
                "texts": texts,
                "residents": forgotten,
                "questionnaires": due,
                "deliberations": due_talks,
                "audit": audit_lines,
                "admin_ids": admin_ids,
            },
            now=now,
        )
    return Retained(texts, forgotten, tuple(due), audit_lines, admin_ids)


async def _forget_administrators(db: AsyncSession, old: datetime) -> int:
    """Clear administrators' Telegram ids set at or before ``old``; how many rows changed."""
    changes: list[Any] = [
        # ``moderation`` is indexed: only free text is looked at, not every answer.
        update(Answer)
        .where(
            Answer.moderation.in_(("approved", "rejected")),
            Answer.moderated_by.is_not(None),
            Answer.moderated_at <= old,
        )
        .values(moderated_by=None),
        update(QuestionnaireVersion)
        .where(
            QuestionnaireVersion.uploaded_by.is_not(None), QuestionnaireVersion.loaded_at <= old
        )
        .values(uploaded_by=None),
        update(Outcome)
        .where(Outcome.created_by.is_not(None), Outcome.created_at <= old)
        .values(created_by=None),
        update(ReferencePopulation)
        .where(
            ReferencePopulation.uploaded_by.is_not(None), ReferencePopulation.uploaded_at <= old
        )
        .values(uploaded_by=None),
        update(EffectCheck)
        .where(EffectCheck.created_by.is_not(None), EffectCheck.created_at <= old)
        .values(created_by=None),
        # A broadcast still sending keeps its report chat: its progress message is edited.
        update(Broadcast)
        .where(
            or_(
                Broadcast.created_by.is_not(None),
                Broadcast.report_chat_id.is_not(None),
                Broadcast.report_message_id.is_not(None),
            ),
            Broadcast.created_at <= old,
            Broadcast.status != "sending",
        )
        .values(created_by=None, report_chat_id=None, report_message_id=None),
    ]
    changed = 0
    for statement in changes:
        result = await db.execute(statement.execution_options(synchronize_session=False))
        changed += count_of(result)
    return changed


async def _forgettable(
    db: AsyncSession, due: Iterable[str], due_talks: Iterable[str], cutoff: datetime, batch: int
) -> list[int]:
    """Residents with nothing left to reach them for (see the module's docstring)."""
    due, due_talks = list(due), list(due_talks)
    live_session = exists().where(
        Session.resident_id == Resident.id,
        # In a questionnaire not closed long enough, or active within the period.
        (Session.questionnaire_id.not_in(due) if due else Session.id.is_not(None))
        | (Session.updated_at > cutoff),
    )
    # Taking part in a deliberation not closed long enough keeps a resident (their votes
    # count in it); a vote is always a participant's, so the participant row says it.
    _P = DeliberationParticipant
    in_deliberation = exists().where(
        _P.resident_id == Resident.id,
        (_P.deliberation_id.not_in(due_talks) if due_talks else _P.number.is_not(None))
        | (_P.updated_at > cutoff),
    )
    # A subscription keeps someone only while they can be reached: not when they blocked
    # the bot at least the retention period ago.
    blocked = exists().where(
        Contact.resident_id == Resident.id,
        Contact.unreachable_at.is_not(None),
        Contact.unreachable_at <= cutoff,
    )
    # Nor on the web door, which reaches nobody: its outcomes wait for a visit that, once
    # the period has passed without one, is not counted on (the waiting ones go too).
    web = Resident.channel == WEB
    subscribed = and_(exists().where(Subscription.resident_id == Resident.id), ~blocked, ~web)
    recent_effect = exists().where(
        EffectAnswer.resident_id == Resident.id, EffectAnswer.answered_at > cutoff
    )
    waiting = exists().where(
        OutboxMessage.resident_id == Resident.id, OutboxMessage.status.in_(WAITING)
    )
    rows = await db.scalars(
        select(Resident.id)
        .where(
            and_(
                Resident.consent_at <= cutoff,
                Resident.created_at <= cutoff,
                ~live_session,
                ~in_deliberation,
                ~subscribed,
                ~recent_effect,
                ~waiting,
            )
        )
        .order_by(Resident.id)
        .limit(batch)
    )
    return list(rows)

"""Opt-ins, outcomes and effect checks: closing the loop with residents.

Repositories in the style of :mod:`storage.repo`: an ``AsyncSession`` in, frozen data out,
no commits (the caller owns the unit of work).

Who counts as a participant of a questionnaire: a resident with a session of it that is not
a test run (any status: an unfinished response is input too).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import (
    ColumnElement,
    SQLColumnExpression,
    and_,
    delete,
    exists,
    func,
    or_,
    select,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession

from flows.outcomes import INVITATIONS, OUTCOMES
from storage.models import (
    AuditEntry,
    Contact,
    DeliberationParticipant,
    DeliberationRecord,
    EffectAnswer,
    EffectCheck,
    Outcome,
    QuestionnaireRecord,
    Resident,
    Session,
    Subscription,
    WaitingOutcome,
    utcnow,
)
from storage.repo import WEB

# An administrator's /terugkoppeling, step by step, as audit-log actions: the draft in
# progress is read back from them (see bot.outcomes.feedback.Drafts).
DRAFT_START = "outcome.start"
DRAFT_STATUS = "outcome.status"
DRAFT_DUTCH = "outcome.text_nl"
DRAFT_ENGLISH = "outcome.text_en"
DRAFT_CANCELLED = "outcome.cancelled"
PUBLISHED = "outcome.published"
DRAFT_ACTIONS = (DRAFT_START, DRAFT_STATUS, DRAFT_DUTCH, DRAFT_ENGLISH, DRAFT_CANCELLED, PUBLISHED)


@dataclass(frozen=True, slots=True)
class OutcomeInfo:
    id: int
    questionnaire_id: str
    status: str
    message_nl: str
    message_en: str | None
    created_by: int | None
    created_at: datetime


@dataclass(frozen=True, slots=True)
class EffectCheckInfo:
    id: int
    questionnaire_id: str
    outcome_id: int | None
    due_at: datetime
    broadcast_id: int | None
    created_by: int | None


Info = TypeVar("Info", OutcomeInfo, EffectCheckInfo)
Row = TypeVar("Row", Subscription, Outcome, EffectCheck, EffectAnswer)


def _frozen(kind: type[Info], row: object) -> Info:
    """The frozen copy of a row: each field of ``kind`` read from the column of its name."""
    return kind(*(getattr(row, field.name) for field in dataclasses.fields(kind)))


def _outcome(row: Outcome) -> OutcomeInfo:
    return _frozen(OutcomeInfo, row)


def _check(row: EffectCheck) -> EffectCheckInfo:
    return _frozen(EffectCheckInfo, row)


async def _added(db: AsyncSession, row: Row) -> Row:
    """``row`` inserted (flushed, so that its id is known) in the caller's unit of work."""
    db.add(row)
    await db.flush()
    return row


def _took_part(questionnaire_id: str, resident: SQLColumnExpression[int] | int) -> Any:
    """A (not test) session of this questionnaire, or a place in this deliberation (ids are
    never shared between the two)."""
    answered = exists().where(
        Session.resident_id == resident,
        Session.questionnaire_id == questionnaire_id,
        Session.is_test.is_(False),
    )
    joined = exists().where(
        DeliberationParticipant.resident_id == resident,
        DeliberationParticipant.deliberation_id == questionnaire_id,
    )
    return or_(answered, joined)


# --- Subscriptions ----------------------------------------------------------------------------


async def subscriptions(db: AsyncSession, resident_id: int) -> set[tuple[str, str]]:
    """(kind, topic) of everything the resident opted in to."""
    rows = await db.execute(
        select(Subscription.kind, Subscription.topic).where(
            Subscription.resident_id == resident_id
        )
    )
    return {(kind, topic) for kind, topic in rows}


async def set_subscription(
    db: AsyncSession,
    resident_id: int,
    kind: str,
    topic: str,
    wanted: bool,
    *,
    now: datetime | None = None,
) -> bool:
    """Opt in (``wanted``) or out; True when something changed."""
    where = (
        Subscription.resident_id == resident_id,
        Subscription.kind == kind,
        Subscription.topic == topic,
    )
    found = await db.scalar(select(Subscription.id).where(*where))
    if wanted == (found is not None):
        return False
    if wanted:
        row = Subscription(
            resident_id=resident_id, kind=kind, topic=topic, created_at=now or utcnow()
        )
        await _added(db, row)
    else:
        await db.execute(delete(Subscription).where(*where))
    return True


async def questionnaires_taken(db: AsyncSession, resident_id: int) -> list[str]:
    """Ids of the questionnaires the resident took part in (test runs left out), then of
    the deliberations they joined, each in the order they began."""
    rows = await db.scalars(
        select(Session.questionnaire_id)
        .where(Session.resident_id == resident_id, Session.is_test.is_(False))
        .group_by(Session.questionnaire_id)
        .order_by(func.min(Session.started_at))
    )
    joined = await db.scalars(
        select(DeliberationParticipant.deliberation_id)
        .where(DeliberationParticipant.resident_id == resident_id)
        .order_by(DeliberationParticipant.joined_at, DeliberationParticipant.deliberation_id)
    )
    return [*rows, *joined]


async def took_part(db: AsyncSession, resident_id: int, questionnaire_id: str) -> bool:
    found = await db.scalar(select(_took_part(questionnaire_id, resident_id)))
    return bool(found)


async def outcome_recipients(db: AsyncSession, questionnaire_id: str) -> list[tuple[int, str]]:
    """(resident id, language) of everyone to tell about an outcome: participants who opted
    in and can be reached."""
    took_part = _took_part(questionnaire_id, Subscription.resident_id)
    return await _followers(db, OUTCOMES, questionnaire_id, took_part)


async def invitation_recipients(
    db: AsyncSession, theme: str, questionnaire_id: str
) -> list[tuple[int, str]]:
    """(resident id, language) of everyone who wants invitations on ``theme`` (a slug) and
    can be reached, except those who already completed this questionnaire."""
    completed = exists().where(
        Session.resident_id == Subscription.resident_id,
        Session.questionnaire_id == questionnaire_id,
        Session.status == "completed",
        Session.is_test.is_(False),
    )
    return await _followers(db, INVITATIONS, theme, ~completed)


async def _followers(
    db: AsyncSession, kind: str, topic: str, *also: ColumnElement[bool]
) -> list[tuple[int, str]]:
    """(resident id, language) of the consenting residents who can be reached and opted in
    to ``kind`` on ``topic`` (and meet ``also``), by id."""
    rows = await db.execute(
        select(Subscription.resident_id, Resident.language)
        .join(Resident, Resident.id == Subscription.resident_id)
        .join(Contact, Contact.resident_id == Subscription.resident_id)
        .where(
            Subscription.kind == kind,
            Subscription.topic == topic,
            Resident.consent == "given",
            Contact.unreachable_at.is_(None),
            *also,
        )
        .order_by(Subscription.resident_id)
    )
    return [(resident_id, language) for resident_id, language in rows]


async def waiting_recipients(db: AsyncSession, questionnaire_id: str) -> list[int]:
    """Ids of the participants who opted in to an outcome but whom no message can reach
    (residents of the web door): the outcome waits for their next visit."""
    rows = await db.scalars(
        select(Subscription.resident_id)
        .join(Resident, Resident.id == Subscription.resident_id)
        .where(
            Subscription.kind == OUTCOMES,
            Subscription.topic == questionnaire_id,
            Resident.consent == "given",
            Resident.channel == WEB,
            _took_part(questionnaire_id, Subscription.resident_id),
        )
        .order_by(Subscription.resident_id)
    )
    return list(rows)


async def keep_waiting(
    db: AsyncSession, outcome_id: int, resident_ids: Sequence[int], *, now: datetime
) -> int:
    """The outcome waits for each of these residents' next visit; how many."""
    db.add_all(
        WaitingOutcome(resident_id=resident_id, outcome_id=outcome_id, created_at=now)
        for resident_id in resident_ids
    )
    await db.flush()
    return len(resident_ids)


async def take_waiting(db: AsyncSession, resident_id: int) -> list[OutcomeInfo]:
    """The outcomes waiting for the resident, oldest first, and no longer waiting: each is
    shown once (``/resultaten`` lists them all again)."""
    rows = await db.scalars(
        select(Outcome)
        .join(WaitingOutcome, WaitingOutcome.outcome_id == Outcome.id)
        .where(WaitingOutcome.resident_id == resident_id)
        .order_by(Outcome.created_at, Outcome.id)
    )
    found = [_outcome(row) for row in rows]
    if found:
        await db.execute(delete(WaitingOutcome).where(WaitingOutcome.resident_id == resident_id))
    return found


async def clear_unreachable(db: AsyncSession, resident_id: int) -> None:
    """The resident talks to the bot again: they can be reached again."""
    await db.execute(
        update(Contact)
        .where(Contact.resident_id == resident_id, Contact.unreachable_at.is_not(None))
        .values(unreachable_at=None)
    )


# --- Outcomes ---------------------------------------------------------------------------------


async def outcome_status(db: AsyncSession, questionnaire_id: str) -> str | None:
    """The questionnaire's (or deliberation's) outcome status; None when there is none."""
    for record in (QuestionnaireRecord, DeliberationRecord):
        status: str | None = await db.scalar(
            select(record.outcome_status).where(record.id == questionnaire_id)
        )
        if status is not None:
            return status
    return None


async def outcome_statuses(db: AsyncSession) -> dict[str, str]:
    """Every questionnaire's and deliberation's outcome status, by id."""
    found: dict[str, str] = {}
    for record in (QuestionnaireRecord, DeliberationRecord):
        rows = await db.execute(select(record.id, record.outcome_status))
        found.update({qid: status for qid, status in rows})
    return found


async def record_outcome(
    db: AsyncSession,
    questionnaire_id: str,
    status: str,
    message_nl: str,
    message_en: str | None,
    *,
    created_by: int | None,
    now: datetime | None = None,
) -> OutcomeInfo:
    """Store an outcome and make ``status`` the questionnaire's outcome status."""
    for record in (QuestionnaireRecord, DeliberationRecord):
        await db.execute(
            update(record).where(record.id == questionnaire_id).values(outcome_status=status)
        )
    row = Outcome(
        questionnaire_id=questionnaire_id,
        status=status,
        message_nl=message_nl,
        message_en=message_en,
        created_by=created_by,
        created_at=now or utcnow(),
    )
    return _outcome(await _added(db, row))


async def get_outcome(db: AsyncSession, outcome_id: int) -> OutcomeInfo | None:
    row = await db.get(Outcome, outcome_id)
    return _outcome(row) if row else None


async def outcomes_of(db: AsyncSession, questionnaire_ids: Sequence[str]) -> list[OutcomeInfo]:
    """Every outcome of these questionnaires, newest first."""
    if not questionnaire_ids:
        return []
    rows = await db.scalars(
        select(Outcome)
        .where(Outcome.questionnaire_id.in_(list(questionnaire_ids)))
        .order_by(Outcome.created_at.desc(), Outcome.id.desc())
    )
    return [_outcome(row) for row in rows]


# --- Effect checks ----------------------------------------------------------------------------


async def effect_check_of(db: AsyncSession, outcome_id: int) -> EffectCheckInfo | None:
    row = await db.scalar(select(EffectCheck).where(EffectCheck.outcome_id == outcome_id).limit(1))
    return _check(row) if row else None


async def get_effect_check(db: AsyncSession, check_id: int) -> EffectCheckInfo | None:
    row = await db.get(EffectCheck, check_id)
    return _check(row) if row else None


async def schedule_effect_check(
    db: AsyncSession,
    questionnaire_id: str,
    outcome_id: int,
    due_at: datetime,
    *,
    created_by: int | None,
    now: datetime | None = None,
) -> EffectCheckInfo:
    row = EffectCheck(
        questionnaire_id=questionnaire_id,
        outcome_id=outcome_id,
        due_at=due_at,
        created_by=created_by,
        created_at=now or utcnow(),
    )
    return _check(await _added(db, row))


async def due_effect_checks(db: AsyncSession, now: datetime) -> list[EffectCheckInfo]:
    """Effect checks whose time has come and that have not gone out yet."""
    rows = await db.scalars(
        select(EffectCheck)
        .where(EffectCheck.due_at <= now, EffectCheck.broadcast_id.is_(None))
        .order_by(EffectCheck.due_at, EffectCheck.id)
    )
    return [_check(row) for row in rows]


async def attach_broadcast(db: AsyncSession, check_id: int, broadcast_id: int) -> bool:
    """Record the broadcast that carries an effect check; False when another worker
    already did (the caller then rolls back)."""
    result = await db.execute(
        update(EffectCheck)
        .where(EffectCheck.id == check_id, EffectCheck.broadcast_id.is_(None))
        .values(broadcast_id=broadcast_id)
    )
    return int(getattr(result, "rowcount", 0) or 0) == 1


async def effect_answer(db: AsyncSession, check_id: int, resident_id: int) -> str | None:
    value: str | None = await db.scalar(
        select(EffectAnswer.value).where(
            and_(EffectAnswer.effect_check_id == check_id, EffectAnswer.resident_id == resident_id)
        )
    )
    return value


async def answer_effect_check(
    db: AsyncSession,
    check_id: int,
    resident_id: int,
    value: str,
    *,
    now: datetime | None = None,
) -> bool:
    """Store (or change) the resident's answer; True when it changed."""
    now = now or utcnow()
    row = await db.scalar(
        select(EffectAnswer).where(
            EffectAnswer.effect_check_id == check_id, EffectAnswer.resident_id == resident_id
        )
    )
    if row is None:
        await _added(
            db,
            EffectAnswer(
                effect_check_id=check_id, resident_id=resident_id, value=value, answered_at=now
            ),
        )
        return True
    if row.value == value:
        return False
    row.value, row.answered_at = value, now
    await db.flush()
    return True


async def effect_counts(db: AsyncSession, check_id: int) -> dict[str, int]:
    """Answers per value (for reports; digests read the table themselves)."""
    rows = await db.execute(
        select(EffectAnswer.value, func.count())
        .where(EffectAnswer.effect_check_id == check_id)
        .group_by(EffectAnswer.value)
    )
    return {value: count for value, count in rows}


async def draft_steps(
    db: AsyncSession, admin: int, *, since: datetime
) -> list[tuple[str, str, dict[str, Any]]]:
    """(action, questionnaire id, detail) of the administrator's /terugkoppeling steps since
    ``since``, oldest first."""
    rows = await db.execute(
        select(AuditEntry.action, AuditEntry.target, AuditEntry.detail)
        .where(
            AuditEntry.actor == admin,
            AuditEntry.action.in_(DRAFT_ACTIONS),
            AuditEntry.allowed.is_(True),
            AuditEntry.at >= since,
        )
        .order_by(AuditEntry.id)
    )
    return [(action, target or "", dict(detail or {})) for action, target, detail in rows]

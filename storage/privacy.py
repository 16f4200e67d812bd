"""Residents' rights and retention: everything held about a resident, erasure, and the
retention rule. An ``AsyncSession`` in, plain frozen data out; the caller owns the unit of
work, so an erasure is committed as a whole or not at all.

Which answers are free text depends on the questionnaire version a session ran on: the
ids of its ``text`` questions come from the compiled catalog when it is given, else from
the version's stored YAML source.

The retention rule (also in PRIVACY.md):

- A questionnaire *closed* at the earliest of its ``closed_at`` (when its status is
  ``closed`` or ``archived``) and the ``closes_at`` of its current version, once passed.
  A draft never closes; a reopened questionnaire is open again.
- ``retention`` after it closed, the free-text answers given to it are deleted.
- A resident is forgotten altogether (as with :func:`erase_resident`: contact details
  deleted, answers unlinked so they still count, the resident record deleted) when nothing
  is left to reach them for: every response of theirs is to a questionnaire closed at
  least ``retention`` ago, they opted in to no further messages (no subscription), no
  message to them is still waiting in the outbox, and they did nothing for ``retention``
  (consent, answers, effect-check answers). Someone who consented but never answered is
  forgotten ``retention`` after their consent. A subscription does not keep a resident who
  blocked the bot (``contacts.unreachable_at``) at least ``retention`` ago: nothing can
  reach them any more.
- Administrators' traces are kept :data:`AUDIT_RETENTION` (two years) for accountability:
  older audit-log lines are deleted, and the Telegram ids of administrators in other tables
  (who moderated a text, uploaded a version, wrote an outcome, planned an effect check,
  started a broadcast, and the chat of its progress report) are set to NULL.

The rule is a condition over the data, not a timer: run again after any downtime, it
deletes exactly what became due in the meantime.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from typing import Any

from sqlalchemy import and_, case, delete, exists, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from flows.catalog import Catalog
from flows.loader import QuestionnaireError, parse
from flows.schema import Questionnaire, TextQuestion
from storage import audit
from storage.models import (
    Answer,
    AuditEntry,
    Broadcast,
    Contact,
    EffectAnswer,
    EffectCheck,
    OutboxMessage,
    Outcome,
    QuestionnaireRecord,
    QuestionnaireVersion,
    Resident,
    Session,
    Subscription,
    utcnow,
)

CLOSED_STATUSES = ("closed", "archived")
WAITING = ("pending", "sending")  # outbox rows not sent (or given up on) yet
ERASE_BATCH = 200  # residents forgotten per retention run; the next run goes on
# How long administrators' traces are kept (audit log, their ids in other tables). Fixed:
# accountability, not a resident's data; PRIVACY.md states it.
AUDIT_RETENTION = timedelta(days=730)
# Refused admin attempts name the sender by this many characters of their pseudonym
# (bot.core.access.refuse); an erasure finds those lines by it.
AUDIT_PSEUDONYM_CHARS = 12
CHUNK = 1_000  # ids per statement, far below what a statement may carry


# --- What is held about a resident ------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class StoredAnswer:
    question_id: str
    value: Any
    answered_at: datetime
    moderation: str | None  # free text only: pending, approved or rejected
    moderation_reason: str | None
    moderated_at: datetime | None  # who moderated is the administrator's data, not theirs


@dataclass(frozen=True, slots=True)
class StoredResponse:
    id: int
    questionnaire_id: str
    version: int
    status: str
    current: str  # the question the response stands at (or the end)
    path: tuple[str, ...]  # the questions on the resident's way, in order
    draft: tuple[str, ...]  # options ticked on a multiple-choice question not yet sent
    is_test: bool
    started_at: datetime
    updated_at: datetime
    completed_at: datetime | None
    answers: tuple[StoredAnswer, ...]


@dataclass(frozen=True, slots=True)
class StoredSubscription:
    kind: str  # outcomes, invitations
    topic: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class StoredEffectAnswer:
    questionnaire_id: str
    value: str
    answered_at: datetime


@dataclass(frozen=True, slots=True)
class StoredMessage:
    """One broadcast addressed to the resident (an invitation, outcome or effect check)."""

    kind: str
    questionnaire_id: str | None
    status: str
    attempts: int
    sent_at: datetime | None
    error: str | None  # Telegram's answer when it failed, e.g. that the bot was blocked


@dataclass(frozen=True, slots=True)
class StoredAttempt:
    """An administrator command tried by the resident and refused (in the audit log)."""

    action: str
    at: datetime


@dataclass(frozen=True, slots=True)
class ResidentData:
    """Everything the database holds about one resident (their right of access)."""

    pseudonym: str
    language: str
    consent: str
    consent_at: datetime
    created_at: datetime
    chat_id: int | None
    unreachable_at: datetime | None
    subscriptions: tuple[StoredSubscription, ...]
    responses: tuple[StoredResponse, ...]
    effect_answers: tuple[StoredEffectAnswer, ...]
    messages: tuple[StoredMessage, ...]
    refused_attempts: tuple[StoredAttempt, ...] = ()


def _refused_by(pseudonym: str) -> Any:
    """Audit-log lines of refused admin attempts that name this resident's pseudonym."""
    return and_(
        AuditEntry.allowed.is_(False),
        AuditEntry.detail["pseudonym"].as_string() == pseudonym[:AUDIT_PSEUDONYM_CHARS],
    )


async def resident_data(db: AsyncSession, resident_id: int) -> ResidentData | None:
    """All rows about ``resident_id``; None when there is no such resident."""
    resident = await db.get(Resident, resident_id)
    if resident is None:
        return None
    contact = await db.get(Contact, resident_id)
    subscriptions = await db.execute(
        select(Subscription.kind, Subscription.topic, Subscription.created_at)
        .where(Subscription.resident_id == resident_id)
        .order_by(Subscription.created_at, Subscription.id)
    )
    sessions = (
        await db.scalars(
            select(Session)
            .where(Session.resident_id == resident_id)
            .order_by(Session.started_at, Session.id)
        )
    ).all()
    answers: dict[int, list[StoredAnswer]] = defaultdict(list)
    if sessions:
        rows = await db.execute(
            select(
                Answer.session_id,
                Answer.question_id,
                Answer.value,
                Answer.answered_at,
                Answer.moderation,
                Answer.moderation_reason,
                Answer.moderated_at,
            )
            .where(Answer.session_id.in_([s.id for s in sessions]))
            .order_by(Answer.answered_at, Answer.id)
        )
        for session_id, *stored in rows:
            answers[session_id].append(StoredAnswer(*stored))
    effects = await db.execute(
        select(EffectCheck.questionnaire_id, EffectAnswer.value, EffectAnswer.answered_at)
        .join(EffectCheck, EffectCheck.id == EffectAnswer.effect_check_id)
        .where(EffectAnswer.resident_id == resident_id)
        .order_by(EffectAnswer.answered_at, EffectAnswer.id)
    )
    messages = await db.execute(
        select(
            Broadcast.kind,
            Broadcast.questionnaire_id,
            OutboxMessage.status,
            OutboxMessage.attempts,
            OutboxMessage.sent_at,
            OutboxMessage.error,
        )
        .join(Broadcast, Broadcast.id == OutboxMessage.broadcast_id)
        .where(OutboxMessage.resident_id == resident_id)
        .order_by(OutboxMessage.id)
    )
    attempts = await db.execute(
        select(AuditEntry.action, AuditEntry.at)
        .where(_refused_by(resident.pseudonym))
        .order_by(AuditEntry.at, AuditEntry.id)
    )
    return ResidentData(
        pseudonym=resident.pseudonym,
        language=resident.language,
        consent=resident.consent,
        consent_at=resident.consent_at,
        created_at=resident.created_at,
        chat_id=contact.chat_id if contact else None,
        unreachable_at=contact.unreachable_at if contact else None,
        subscriptions=tuple(StoredSubscription(*row) for row in subscriptions),
        responses=tuple(
            StoredResponse(
                s.id,
                s.questionnaire_id,
                s.questionnaire_version,
                s.status,
                s.current,
                tuple(s.path or ()),
                tuple(s.draft or ()),
                s.is_test,
                s.started_at,
                s.updated_at,
                s.completed_at,
                tuple(answers.get(s.id, ())),
            )
            for s in sessions
        ),
        effect_answers=tuple(StoredEffectAnswer(*row) for row in effects),
        messages=tuple(StoredMessage(*row) for row in messages),
        refused_attempts=tuple(StoredAttempt(*row) for row in attempts),
    )


# --- Questionnaire facts: free-text questions, closing dates ----------------------------------


class Versions:
    """Questionnaire versions by (id, version): from the catalog, else parsed from the stored
    source (a version another worker published, or no catalog at hand). Cached per use."""

    def __init__(self, catalog: Catalog | None = None) -> None:
        self.catalog = catalog
        self._parsed: dict[tuple[str, int], Questionnaire | None] = {}

    async def get(
        self, db: AsyncSession, questionnaire_id: str, version: int
    ) -> Questionnaire | None:
        flow = self.catalog.get(questionnaire_id, version) if self.catalog else None
        if flow is not None:
            return flow.questionnaire
        key = (questionnaire_id, version)
        if key not in self._parsed:
            source = await db.scalar(
                select(QuestionnaireVersion.source).where(
                    QuestionnaireVersion.questionnaire_id == questionnaire_id,
                    QuestionnaireVersion.version == version,
                )
            )
            try:
                self._parsed[key] = (
                    parse(source, f"{questionnaire_id}@{version}") if source else None
                )
            except QuestionnaireError:
                self._parsed[key] = None
        return self._parsed[key]

    async def text_questions(
        self, db: AsyncSession, questionnaire_id: str, version: int
    ) -> frozenset[str] | None:
        """Ids of the free-text questions; None when the version cannot be read."""
        questionnaire = await self.get(db, questionnaire_id, version)
        if questionnaire is None:
            return None
        return frozenset(q.id for q in questionnaire.questions if isinstance(q, TextQuestion))


async def _delete_free_text(db: AsyncSession, versions: Versions, scope: Any) -> int:
    """Delete the free-text answers of the sessions ``scope`` (a condition on ``Session``)
    selects, per questionnaire version. Sessions are selected in SQL, never listed as
    parameters: a closed questionnaire may have more responses than a statement may carry.

    A version that cannot be read (it should not happen: every stored version was valid
    when stored) loses every answer that is text and not an option id of any kind, i.e.
    every string answer: better one closed answer too many than a free text kept.
    """
    pairs = await db.execute(
        select(Session.questionnaire_id, Session.questionnaire_version).where(scope).distinct()
    )
    deleted = 0
    for questionnaire_id, version in sorted(pairs.all()):
        texts = await versions.text_questions(db, questionnaire_id, version)
        where = Answer.session_id.in_(
            select(Session.id).where(
                scope,
                Session.questionnaire_id == questionnaire_id,
                Session.questionnaire_version == version,
            )
        )
        if texts is None:
            rows = await db.execute(select(Answer.id, Answer.value).where(where))
            doomed = [answer_id for answer_id, value in rows if isinstance(value, str)]
            for start in range(0, len(doomed), CHUNK):
                result = await db.execute(
                    delete(Answer)
                    .where(Answer.id.in_(doomed[start : start + CHUNK]))
                    .execution_options(synchronize_session=False)
                )
                deleted += _count(result)
            continue
        if texts:
            result = await db.execute(
                delete(Answer)
                .where(where, Answer.question_id.in_(sorted(texts)))
                .execution_options(synchronize_session=False)
            )
            deleted += _count(result)
    return deleted


def _count(result: object) -> int:
    return int(getattr(result, "rowcount", 0) or 0)


# --- Erasure ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Erased:
    """What an erasure did (counts only: nothing that identifies the resident)."""

    texts: int  # free-text answers deleted
    responses: int  # responses unlinked from the resident; they still count
    subscriptions: int  # deleted
    messages: int  # outbox rows deleted
    effect_answers: int  # unlinked; they still count
    contact: bool  # a chat id was deleted
    attempts: int = 0  # refused admin attempts whose pseudonym was struck from the audit log

    def detail(self) -> dict[str, int | bool]:
        return {
            "texts": self.texts,
            "responses": self.responses,
            "subscriptions": self.subscriptions,
            "messages": self.messages,
            "effect_answers": self.effect_answers,
            "contact": self.contact,
            "attempts": self.attempts,
        }


async def erase_resident(
    db: AsyncSession,
    resident_id: int,
    *,
    catalog: Catalog | None = None,
    now: datetime | None = None,
    via: str = "telegram",
    versions: Versions | None = None,
) -> Erased | None:
    """Forget a resident (/vergeetmij, consent withdrawn, retention), in the caller's unit of
    work: contact details, subscriptions, free-text answers and waiting messages deleted;
    closed answers and effect-check answers unlinked (they keep counting in the figures
    already reported); a response in progress ends as expired; the pseudonym struck from the
    audit-log lines of admin commands they tried (the attempts stay logged, without a link to
    them); the resident record deleted, so a returning user is new and is asked for consent
    again.

    The audit log gets one line with the counts and nothing that identifies the resident.
    None when there is no such resident (erased already).
    """
    now = now or utcnow()
    versions = versions or Versions(catalog)
    pseudonym = await db.scalar(select(Resident.pseudonym).where(Resident.id == resident_id))
    if pseudonym is None:
        return None
    texts = await _delete_free_text(db, versions, Session.resident_id == resident_id)
    unlinked = await db.execute(
        update(Session)
        .where(Session.resident_id == resident_id)
        .values(
            resident_id=None,
            # Nobody can go on with it: end it as the session timeout would.
            status=case(
                (Session.status.in_(("active", "paused")), "expired"), else_=Session.status
            ),
        )
        .execution_options(synchronize_session=False)
    )
    effects = await db.execute(
        update(EffectAnswer)
        .where(EffectAnswer.resident_id == resident_id)
        .values(resident_id=None)
        .execution_options(synchronize_session=False)
    )
    messages = await db.execute(
        delete(OutboxMessage)
        .where(OutboxMessage.resident_id == resident_id)
        .execution_options(synchronize_session=False)
    )
    subscriptions = await db.execute(
        delete(Subscription)
        .where(Subscription.resident_id == resident_id)
        .execution_options(synchronize_session=False)
    )
    contact = await db.execute(
        delete(Contact)
        .where(Contact.resident_id == resident_id)
        .execution_options(synchronize_session=False)
    )
    attempts = 0
    for entry in await db.scalars(select(AuditEntry).where(_refused_by(pseudonym))):
        entry.detail = {**dict(entry.detail or {}), "pseudonym": None}
        attempts += 1
    await db.flush()
    await db.execute(
        delete(Resident)
        .where(Resident.id == resident_id)
        .execution_options(synchronize_session=False)
    )
    erased = Erased(
        texts=texts,
        responses=_count(unlinked),
        subscriptions=_count(subscriptions),
        messages=_count(messages),
        effect_answers=_count(effects),
        contact=_count(contact) > 0,
        attempts=attempts,
    )
    await audit.record(db, "privacy.erase", actor=None, via=via, detail=erased.detail(), now=now)
    return erased


# --- Retention --------------------------------------------------------------------------------


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

    texts = await _delete_free_text(db, versions, Session.questionnaire_id.in_(due)) if due else 0

    forgotten = 0
    for resident_id in await _forgettable(db, due, cutoff, batch):
        if await erase_resident(db, resident_id, now=now, via="system", versions=versions):
            forgotten += 1
    old = now - AUDIT_RETENTION
    audit_lines = _count(
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
        changed += _count(result)
    return changed


async def _forgettable(
    db: AsyncSession, due: Iterable[str], cutoff: datetime, batch: int
) -> list[int]:
    """Residents with nothing left to reach them for (see the module's docstring)."""
    due = list(due)
    live_session = exists().where(
        Session.resident_id == Resident.id,
        # In a questionnaire not closed long enough, or active within the period.
        (Session.questionnaire_id.not_in(due) if due else Session.id.is_not(None))
        | (Session.updated_at > cutoff),
    )
    # A subscription keeps someone only while they can be reached: not when they blocked
    # the bot at least the retention period ago.
    blocked = exists().where(
        Contact.resident_id == Resident.id,
        Contact.unreachable_at.is_not(None),
        Contact.unreachable_at <= cutoff,
    )
    subscribed = and_(exists().where(Subscription.resident_id == Resident.id), ~blocked)
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
                ~subscribed,
                ~recent_effect,
                ~waiting,
            )
        )
        .order_by(Resident.id)
        .limit(batch)
    )
    return list(rows)

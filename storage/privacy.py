"""Residents' rights: everything held about a resident (access) and erasure. An
``AsyncSession`` in, plain frozen data out; the caller owns the unit of work, so an erasure
is committed as a whole or not at all. The retention rule is in :mod:`storage.retention`.

Which answers are free text depends on the questionnaire version a session ran on: the
ids of its ``text`` questions come from the compiled catalog when it is given, else from
the version's stored YAML source.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, case, delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from flows.catalog import Catalog
from flows.loader import QuestionnaireError, parse
from flows.schema import Questionnaire, TextQuestion
from storage import audit, deliberations
from storage.models import (
    Answer,
    AuditEntry,
    Broadcast,
    Contact,
    EffectAnswer,
    EffectCheck,
    OutboxMessage,
    Outcome,
    QuestionnaireVersion,
    Resident,
    Session,
    Subscription,
    WaitingOutcome,
    utcnow,
)
from storage.profiles import Profile, get_profile

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
    language: str | None = None  # free text only: the language it was written in


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
    sample: bool = False  # came in with an invitation code (not which one)


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
    """One broadcast addressed to the resident (an invitation, outcome or effect check), or
    an outcome waiting for their next visit (the web door: status ``waiting``)."""

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
    profile: Profile | None = None  # "about you, once" (storage.profiles)
    # Deliberations ("gesprek met stellingen"): their votes and their own statements.
    votes: tuple[deliberations.StoredVote, ...] = ()
    statements: tuple[deliberations.StoredStatement, ...] = ()


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
                Answer.language,
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
    # Outcomes waiting for a visit (the web door): messages not shown yet.
    waiting = await db.execute(
        select(Outcome.questionnaire_id)
        .join(WaitingOutcome, WaitingOutcome.outcome_id == Outcome.id)
        .where(WaitingOutcome.resident_id == resident_id)
        .order_by(Outcome.id)
    )
    attempts = await db.execute(
        select(AuditEntry.action, AuditEntry.at)
        .where(_refused_by(resident.pseudonym))
        .order_by(AuditEntry.at, AuditEntry.id)
    )
    votes, statements = await deliberations.resident_rows(db, resident_id)
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
                s.sample,
            )
            for s in sessions
        ),
        effect_answers=tuple(StoredEffectAnswer(*row) for row in effects),
        messages=(
            *(StoredMessage(*row) for row in messages),
            *(StoredMessage("outcome", qid, "waiting", 0, None, None) for (qid,) in waiting),
        ),
        refused_attempts=tuple(StoredAttempt(*row) for row in attempts),
        profile=await get_profile(db, resident_id),
        votes=votes,
        statements=statements,
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


async def delete_free_text(db: AsyncSession, versions: Versions, scope: Any) -> int:
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
                deleted += count_of(result)
            continue
        if texts:
            result = await db.execute(
                delete(Answer)
                .where(where, Answer.question_id.in_(sorted(texts)))
                .execution_options(synchronize_session=False)
            )
            deleted += count_of(result)
    return deleted


def count_of(result: object) -> int:
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
    statements: int = 0  # own statements in deliberations deleted (votes go with the resident)

    def detail(self) -> dict[str, int | bool]:
        return {
            "texts": self.texts,
            "responses": self.responses,
            "subscriptions": self.subscriptions,
            "messages": self.messages,
            "effect_answers": self.effect_answers,
            "contact": self.contact,
            "attempts": self.attempts,
            "statements": self.statements,
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
    texts = await delete_free_text(db, versions, Session.resident_id == resident_id)
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
    waiting = await db.execute(
        delete(WaitingOutcome)
        .where(WaitingOutcome.resident_id == resident_id)
        .execution_options(synchronize_session=False)
    )
    contact = await db.execute(
        delete(Contact)
        .where(Contact.resident_id == resident_id)
        .execution_options(synchronize_session=False)
    )
    statements = await deliberations.erase_author(db, resident_id)
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
        responses=count_of(unlinked),
        subscriptions=count_of(subscriptions),
        messages=count_of(messages) + count_of(waiting),
        effect_answers=count_of(effects),
        contact=count_of(contact) > 0,
        attempts=attempts,
        statements=statements,
    )
    await audit.record(db, "privacy.erase", actor=None, via=via, detail=erased.detail(), now=now)
    return erased

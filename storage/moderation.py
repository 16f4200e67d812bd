"""Moderation of free text: the queue of texts that wait, and administrators' decisions.

A text answer may be quoted in a digest only once an administrator approved it. New text
answers are stored with ``moderation = 'pending'`` (:func:`storage.repo.save_outcome`).
Text answers stored before moderation existed (migration 0003) have ``moderation`` NULL:
they are treated as pending too, so nothing unjudged is ever quoted. Which answers are free
text follows from the questionnaire version they were given on (``TextQuestions``, built
by the caller from the compiled questionnaires). Test runs and replaced revisions never
appear in a digest, so they are not in the queue.

Deciding is one conditional ``UPDATE ... WHERE moderation = 'pending'``: when two
administrators judge the same text at once, exactly one decision counts, and the other
hears that the text was judged already. Every decision lands in the audit log in the same
transaction, with who and when; the text itself never goes into the log.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import ColumnElement, Select, and_, false, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage import audit
from storage.models import Answer, QuestionnaireVersion, Session, utcnow
from storage.repo import PENDING, REPLACED

APPROVED = "approved"
REJECTED = "rejected"
DECIDED = (APPROVED, REJECTED)
# Why a text was rejected (stored in answers.moderation_reason).
REASONS = ("personal_data", "offensive", "off_topic", "spam")

# (questionnaire id, version) -> the ids of its free-text questions
TextQuestions = Mapping[tuple[str, int], Collection[str]]
Result = Literal["decided", "already", "unknown"]


@dataclass(frozen=True, slots=True)
class PendingText:
    """A text answer waiting for a decision. ``text`` is the resident's own words, unscrubbed:
    for the administrator's eyes only."""

    answer_id: int
    questionnaire_id: str
    version: int
    question_id: str
    text: str
    answered_at: datetime


def waits(texts: TextQuestions) -> ColumnElement[bool]:
    """Answers waiting for moderation: marked pending, or free text never judged (NULL)."""
    legacy = [
        and_(
            Session.questionnaire_id == questionnaire_id,
            Session.questionnaire_version == version,
            Answer.question_id.in_(sorted(ids)),
        )
        for (questionnaire_id, version), ids in sorted(texts.items())
        if ids
    ]
    never_judged = and_(Answer.moderation.is_(None), or_(*legacy)) if legacy else false()
    return or_(Answer.moderation == PENDING, never_judged)


def _queue(texts: TextQuestions) -> list[ColumnElement[bool]]:
    return [
        Session.is_test.is_(False),
        Session.status != REPLACED,
        Answer.value.is_not(None),
        waits(texts),
    ]


def _pending(
    answer_id: int,
    questionnaire_id: str,
    version: int,
    question_id: str,
    value: Any,
    answered_at: datetime,
) -> PendingText:
    return PendingText(
        int(answer_id),
        str(questionnaire_id),
        int(version),
        str(question_id),
        str(value),
        answered_at,
    )


def _texts() -> Select[tuple[int, str, int, str, Any, datetime]]:
    return (
        select(
            Answer.id,
            Session.questionnaire_id,
            Session.questionnaire_version,
            Answer.question_id,
            Answer.value,
            Answer.answered_at,
        )
        .select_from(Answer)
        .join(Session, Session.id == Answer.session_id)
    )


async def stored_versions(db: AsyncSession) -> list[tuple[str, int]]:
    """Every stored (questionnaire id, version): to build :data:`TextQuestions`."""
    rows = await db.execute(
        select(QuestionnaireVersion.questionnaire_id, QuestionnaireVersion.version).order_by(
            QuestionnaireVersion.questionnaire_id, QuestionnaireVersion.version
        )
    )
    return [(str(q), int(v)) for q, v in rows]


async def next_pending(db: AsyncSession, texts: TextQuestions) -> PendingText | None:
    """The text that waits longest (oldest answer first)."""
    query = _texts().where(*_queue(texts)).order_by(Answer.answered_at, Answer.id).limit(1)
    row = (await db.execute(query)).first()
    return _pending(*row) if row else None


async def count_pending(db: AsyncSession, texts: TextQuestions) -> int:
    """How many texts wait for a decision."""
    query = (
        select(func.count())
        .select_from(Answer)
        .join(Session, Session.id == Answer.session_id)
        .where(*_queue(texts))
    )
    return int(await db.scalar(query) or 0)


async def pending_text(
    db: AsyncSession, answer_id: int, texts: TextQuestions
) -> PendingText | None:
    """This answer, if it is a text that still waits for a decision."""
    query = _texts().where(Answer.id == answer_id, *_queue(texts))
    row = (await db.execute(query)).first()
    return _pending(*row) if row else None


async def decide(
    db: AsyncSession,
    answer_id: int,
    *,
    texts: TextQuestions,
    approve: bool,
    reason: str | None = None,
    by: int | None,
    via: str = "telegram",
    now: datetime | None = None,
) -> Result:
    """Approve or reject one text; ``"already"`` when someone else was first.

    ``reason`` (one of :data:`REASONS`) is required to reject. ``by`` is the administrator's
    Telegram user id (None from the command line). ``"unknown"``: no such text waits (a
    forged or very old button, a test run, a skipped question).
    """
    if approve and reason is not None:
        raise ValueError("an approved text has no reason")
    if not approve and reason not in REASONS:
        raise ValueError(f"reason must be one of {', '.join(REASONS)}")
    now = now or utcnow()
    found = await pending_text(db, answer_id, texts)
    if found is None:
        state = await db.scalar(select(Answer.moderation).where(Answer.id == answer_id))
        return "already" if state in DECIDED else "unknown"
    decision = APPROVED if approve else REJECTED
    result = await db.execute(
        update(Answer)
        .where(
            Answer.id == answer_id,
            or_(Answer.moderation == PENDING, Answer.moderation.is_(None)),
        )
        .values(moderation=decision, moderation_reason=reason, moderated_by=by, moderated_at=now)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        return "already"  # another administrator's decision came first
    await audit.record(
        db,
        "moderation.approve" if approve else "moderation.reject",
        actor=by,
        via=via,
        target=f"answer:{answer_id}",
        detail={
            "questionnaire": found.questionnaire_id,
            "version": found.version,
            "question": found.question_id,
            **({"reason": reason} if reason else {}),
        },
        now=now,
    )
    return "decided"


@dataclass(frozen=True, slots=True)
class Judgement:
    """A decision as stored (for tests and the audit trail)."""

    moderation: str | None
    reason: str | None
    by: int | None
    at: datetime | None


async def judgement(db: AsyncSession, answer_id: int) -> Judgement | None:
    row = (
        await db.execute(
            select(
                Answer.moderation,
                Answer.moderation_reason,
                Answer.moderated_by,
                Answer.moderated_at,
            ).where(Answer.id == answer_id)
        )
    ).first()
    return Judgement(*row) if row else None

"""Invitation codes of a questionnaire's random sample ("uitnodigingscodes"): storing a new
batch (as keyed hashes only), using a code once, marking the responses that came in with
one, and counting the sample's response for digests and reports.

The codes themselves are never stored: :func:`flows.codes.code_digest` is, under a key
derived from the server secret. Nor is which response a code opened: a response is only
marked as from the sample (``sessions.sample``), so the list of addresses a municipality
keeps for its letters cannot be joined to the answers through the database.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import case, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from analysis.tallies import SampleTally
from storage.models import QuestionnaireRecord, SampleCode, Session, utcnow

#: Rows per INSERT when a batch is stored (well below SQLite's limit of bound parameters).
CHUNK = 500


class Found(enum.Enum):
    """What a code turned out to be."""

    OK = "ok"  # unused, and its questionnaire is open: now used
    USED = "used"  # used before (by someone, maybe the same resident)
    EXPIRED = "expired"  # past its expiry, the questionnaire still open
    CLOSED = "closed"  # its questionnaire is closed (or archived, or not open yet)
    WRONG = "wrong"  # no such code


@dataclass(frozen=True, slots=True)
class Redemption:
    found: Found
    questionnaire_id: str | None = None


async def store_codes(
    db: AsyncSession,
    questionnaire_id: str,
    digests: Sequence[str],
    *,
    expires_at: datetime | None = None,
    now: datetime | None = None,
) -> int:
    """Keep a new batch of codes (their digests) for a questionnaire; how many."""
    now = now or utcnow()
    rows = [
        {
            "questionnaire_id": questionnaire_id,
            "digest": digest,
            "used": False,
            "created_at": now,
            "expires_at": expires_at,
        }
        for digest in digests
    ]
    for start in range(0, len(rows), CHUNK):
        await db.execute(insert(SampleCode), rows[start : start + CHUNK])
    return len(rows)


async def _find(db: AsyncSession, digest: str, now: datetime) -> tuple[Redemption, int | None]:
    """What the code with this digest is now (OK: unused, unexpired, its questionnaire
    open), and its row."""
    row = (
        await db.execute(
            select(SampleCode.id, SampleCode.questionnaire_id, SampleCode.used)
            .add_columns(SampleCode.expires_at, QuestionnaireRecord.status)
            .join(QuestionnaireRecord, QuestionnaireRecord.id == SampleCode.questionnaire_id)
            .where(SampleCode.digest == digest)
        )
    ).first()
    if row is None:
        return Redemption(Found.WRONG), None
    code_id, questionnaire_id, used, expires_at, status = row
    if status != "open":
        return Redemption(Found.CLOSED, questionnaire_id), code_id
    if used:
        return Redemption(Found.USED, questionnaire_id), code_id
    if expires_at is not None and expires_at <= now:
        return Redemption(Found.EXPIRED, questionnaire_id), code_id
    return Redemption(Found.OK, questionnaire_id), code_id


async def look(db: AsyncSession, digest: str, *, now: datetime | None = None) -> Redemption:
    """What the code with this digest is, without using it (:attr:`Found.OK`: it would
    work now). The web door asks this to know which questionnaire's page a code's address
    leads to; the code is used only after the resident's consent (:func:`redeem`)."""
    found, _row = await _find(db, digest, now or utcnow())
    return found


async def redeem(db: AsyncSession, digest: str, *, now: datetime | None = None) -> Redemption:
    """Use the code with this digest once: :attr:`Found.OK` only for the first use of an
    unexpired code of an open questionnaire. Two residents using one code at once: one gets
    OK, the other USED (the update only takes an unused row)."""
    found, code_id = await _find(db, digest, now or utcnow())
    if found.found is not Found.OK:
        return found
    questionnaire_id = found.questionnaire_id
    taken = await db.execute(
        update(SampleCode)
        .where(SampleCode.id == code_id, SampleCode.used.is_(False))
        .values(used=True)
    )
    if getattr(taken, "rowcount", 1) != 1:
        return Redemption(Found.USED, questionnaire_id)
    return Redemption(Found.OK, questionnaire_id)


async def mark_sample(db: AsyncSession, session_id: int) -> None:
    """This response came in with a code of the sample."""
    await db.execute(update(Session).where(Session.id == session_id).values(sample=True))


async def in_sample(db: AsyncSession, resident_id: int, questionnaire_id: str) -> bool:
    """Whether the resident answered (or answers) this questionnaire with a code: a
    revision of their response, or a return to it, stays in the sample."""
    found = await db.scalar(
        select(Session.id)
        .where(
            Session.resident_id == resident_id,
            Session.questionnaire_id == questionnaire_id,
            Session.sample.is_(True),
        )
        .limit(1)
    )
    return found is not None


async def sample_tally(
    db: AsyncSession, questionnaire_id: str, until: datetime | None = None
) -> SampleTally | None:
    """The questionnaire's sample, or None when it has no codes (made before ``until``).
    Two aggregates. Responses replaced by a revision do not count (their revision does)."""
    made = [SampleCode.questionnaire_id == questionnaire_id]
    started = [Session.started_at < until] if until is not None else []
    done = Session.status == "completed"
    if until is not None:
        made.append(SampleCode.created_at < until)
        done = done & (Session.completed_at < until)
    codes = (
        await db.execute(
            select(
                func.count(SampleCode.id),
                func.coalesce(func.sum(case((SampleCode.used.is_(True), 1), else_=0)), 0),
            ).where(*made)
        )
    ).one()
    sent, used = int(codes[0] or 0), int(codes[1] or 0)
    if sent == 0:
        return None
    responses = (
        await db.execute(
            select(
                func.count(Session.id),
                func.coalesce(func.sum(case((done, 1), else_=0)), 0),
            ).where(
                *started,
                Session.questionnaire_id == questionnaire_id,
                Session.sample.is_(True),
                Session.is_test.is_(False),
                Session.status != "replaced",
            )
        )
    ).one()
    return SampleTally(sent, used, int(responses[0] or 0), int(responses[1] or 0))


async def sampled_questionnaires(db: AsyncSession, resident_id: int) -> set[str]:
    """The questionnaires the resident answers (or answered) with a code."""
    rows = await db.scalars(
        select(Session.questionnaire_id)
        .where(Session.resident_id == resident_id, Session.sample.is_(True))
        .distinct()
    )
    return set(rows)


async def questionnaire_status(db: AsyncSession, questionnaire_id: str) -> str | None:
    """The questionnaire's status as stored now (draft, open, closed, archived)."""
    found = await db.scalar(
        select(QuestionnaireRecord.status).where(QuestionnaireRecord.id == questionnaire_id)
    )
    return None if found is None else str(found)


async def release(db: AsyncSession, digest: str) -> None:
    """Make a code just used unused again: the questionnaire it opens could not be started
    after all (full, or not open yet in this worker's view), so the letter still works."""
    await db.execute(update(SampleCode).where(SampleCode.digest == digest).values(used=False))

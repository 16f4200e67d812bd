"""The durable outbox: one row per recipient of a broadcast, claimed before it is sent and
marked after.

A row goes ``pending`` -> ``claimed`` (by one worker; ``next_attempt_at`` then holds the
claim's deadline) -> ``sending`` (right before its request leaves, :func:`start_sending`)
-> ``sent``, ``unreachable`` (403: blocked) or ``failed``; a failure worth retrying goes
back to ``pending`` with a later ``next_attempt_at``.

Delivery is at most once. Telegram has no idempotency key, so a message whose send was under
way when its worker died may or may not have arrived. Such rows (``sending`` past their
deadline, or of this worker's previous run) are never sent again: they become ``failed``
with the error :data:`INTERRUPTED` and are counted apart in the report. A row only
``claimed`` never left: it goes back to ``pending`` (:func:`recover`). So a crash leaves at
most the messages in flight in doubt; everything else resumes exactly where it was.

Claims: on PostgreSQL ``FOR UPDATE SKIP LOCKED`` lets workers claim side by side without
waiting for each other; SQLite has one writer at a time, so the single ``UPDATE ...
RETURNING`` is atomic there as it is.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Broadcast, Contact, OutboxMessage, Resident, utcnow

PENDING = "pending"
CLAIMED = "claimed"  # taken by a worker, not sent yet: safe to send again if it dies
SENDING = "sending"  # the request may have left: in doubt if its worker dies
SENT = "sent"
UNREACHABLE = "unreachable"
FAILED = "failed"
INTERRUPTED = "interrupted"  # error of a row in doubt after a crash
WAITING = (PENDING, CLAIMED, SENDING)  # not done yet

_INSERT_CHUNK = 2_000


@dataclass(frozen=True, slots=True)
class BroadcastInfo:
    id: int
    kind: str
    questionnaire_id: str | None
    payload: dict[str, Any]
    status: str
    total: int
    created_by: int | None
    created_at: datetime
    finished_at: datetime | None
    report_chat_id: int | None
    report_message_id: int | None


@dataclass(frozen=True, slots=True)
class Claimed:
    """One recipient's copy, claimed for sending, with what is needed to send it."""

    id: int
    broadcast_id: int
    resident_id: int
    attempts: int  # including this one
    chat_id: int | None  # None: no way to reach them any more (consent withdrawn)
    language: str
    unreachable: bool


@dataclass(frozen=True, slots=True)
class Progress:
    total: int
    sent: int = 0
    unreachable: int = 0
    failed: int = 0
    interrupted: int = 0  # of the failed: in doubt after a crash
    waiting: int = 0  # pending or being sent

    @property
    def done(self) -> bool:
        return self.waiting == 0


def _broadcast(row: Broadcast) -> BroadcastInfo:
    return BroadcastInfo(
        row.id,
        row.kind,
        row.questionnaire_id,
        dict(row.payload),
        row.status,
        row.total,
        row.created_by,
        row.created_at,
        row.finished_at,
        row.report_chat_id,
        row.report_message_id,
    )


def _rowcount(result: object) -> int:
    return int(getattr(result, "rowcount", 0) or 0)


async def create_broadcast(
    db: AsyncSession,
    kind: str,
    *,
    payload: dict[str, Any],
    recipients: Iterable[int],
    questionnaire_id: str | None = None,
    created_by: int | None = None,
    report_chat_id: int | None = None,
    report_message_id: int | None = None,
    now: datetime | None = None,
) -> BroadcastInfo:
    """A broadcast and one pending outbox row per recipient, in the caller's transaction.

    A broadcast without recipients is stored as done at once.
    """
    now = now or utcnow()
    residents = sorted(set(recipients))
    row = Broadcast(
        kind=kind,
        questionnaire_id=questionnaire_id,
        payload=payload,
        status="sending" if residents else "done",
        total=len(residents),
        created_by=created_by,
        created_at=now,
        finished_at=None if residents else now,
        report_chat_id=report_chat_id,
        report_message_id=report_message_id,
    )
    db.add(row)
    await db.flush()
    for start in range(0, len(residents), _INSERT_CHUNK):
        chunk = residents[start : start + _INSERT_CHUNK]
        await db.execute(
            insert(OutboxMessage),
            [
                {
                    "broadcast_id": row.id,
                    "resident_id": resident_id,
                    "status": PENDING,
                    "attempts": 0,
                    "next_attempt_at": now,
                }
                for resident_id in chunk
            ],
        )
    return _broadcast(row)


async def get_broadcast(db: AsyncSession, broadcast_id: int) -> BroadcastInfo | None:
    row = await db.get(Broadcast, broadcast_id)
    return _broadcast(row) if row else None


async def broadcasts(
    db: AsyncSession,
    *,
    kind: str | None = None,
    questionnaire_id: str | None = None,
    status: str | None = None,
) -> list[BroadcastInfo]:
    query = select(Broadcast).order_by(Broadcast.id)
    if kind is not None:
        query = query.where(Broadcast.kind == kind)
    if questionnaire_id is not None:
        query = query.where(Broadcast.questionnaire_id == questionnaire_id)
    if status is not None:
        query = query.where(Broadcast.status == status)
    return [_broadcast(row) for row in await db.scalars(query)]


async def set_report_message(
    db: AsyncSession, broadcast_id: int, chat_id: int, message_id: int
) -> None:
    await db.execute(
        update(Broadcast)
        .where(Broadcast.id == broadcast_id)
        .values(report_chat_id=chat_id, report_message_id=message_id)
    )


async def claim(
    db: AsyncSession,
    worker: str,
    *,
    limit: int = 1,
    now: datetime | None = None,
    lease: timedelta = timedelta(minutes=2),
) -> list[Claimed]:
    """Claim up to ``limit`` due rows of running broadcasts, oldest first.

    The claim lasts ``lease``: a row still ``claimed`` after that belongs to a worker that
    died or stalled, and goes back to the queue (see :func:`recover`). Commit right after
    claiming, and call :func:`start_sending` right before the request leaves.
    """
    now = now or utcnow()
    due = (
        select(OutboxMessage.id)
        .where(
            OutboxMessage.status == PENDING,
            OutboxMessage.next_attempt_at <= now,
            OutboxMessage.broadcast_id.in_(
                select(Broadcast.id).where(Broadcast.status == "sending")
            ),
        )
        .order_by(OutboxMessage.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    rows = (
        await db.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id.in_(due.scalar_subquery()))
            .values(
                status=CLAIMED,
                claimed_by=worker,
                next_attempt_at=now + lease,
                attempts=OutboxMessage.attempts + 1,
            )
            .returning(
                OutboxMessage.id,
                OutboxMessage.broadcast_id,
                OutboxMessage.resident_id,
                OutboxMessage.attempts,
            )
            .execution_options(synchronize_session=False)
        )
    ).all()
    if not rows:
        return []
    residents = [row.resident_id for row in rows]
    contacts = {
        resident_id: (chat_id, language, unreachable_at)
        for resident_id, chat_id, language, unreachable_at in await db.execute(
            select(Resident.id, Contact.chat_id, Resident.language, Contact.unreachable_at)
            .outerjoin(Contact, Contact.resident_id == Resident.id)
            .where(Resident.id.in_(residents))
        )
    }
    claimed = []
    for row in sorted(rows, key=lambda r: r.id):
        chat_id, language, unreachable_at = contacts.get(row.resident_id, (None, "nl", None))
        claimed.append(
            Claimed(
                row.id,
                row.broadcast_id,
                row.resident_id,
                row.attempts,
                chat_id,
                language or "nl",
                unreachable_at is not None,
            )
        )
    return claimed


async def start_sending(
    db: AsyncSession,
    row_id: int,
    worker: str,
    *,
    now: datetime | None = None,
    lease: timedelta = timedelta(minutes=2),
) -> bool:
    """``worker``'s claimed row is about to be sent: from now on it is in doubt if the
    worker dies (at most once: :func:`recover` gives it up instead of sending it again).
    False when the claim was no longer this worker's (it stalled past the claim's lease and
    the row went back to the queue): then it must not be sent. Commit before sending."""
    now = now or utcnow()
    return await _while_claimed(db, row_id, worker, status=SENDING, next_attempt_at=now + lease)


async def mark_sent(db: AsyncSession, row_id: int, *, now: datetime | None = None) -> None:
    """Sent. Also when the row was meanwhile given up as interrupted: it did arrive."""
    await db.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == row_id)
        .values(status=SENT, sent_at=now or utcnow(), error=None)
    )


async def mark_unreachable(
    db: AsyncSession,
    row_id: int,
    resident_id: int,
    *,
    error: str | None = None,
    now: datetime | None = None,
) -> None:
    """Blocked (403) or no contact: not retried, and the contact is marked unreachable."""
    now = now or utcnow()
    await db.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == row_id)
        .values(status=UNREACHABLE, error=error and error[:200])
    )
    await db.execute(
        update(Contact)
        .where(Contact.resident_id == resident_id, Contact.unreachable_at.is_(None))
        .values(unreachable_at=now)
    )


async def mark_failed(db: AsyncSession, row_id: int, *, error: str) -> None:
    await db.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == row_id)
        .values(status=FAILED, error=error[:200])
    )


async def retry_later(
    db: AsyncSession, row_id: int, *, at: datetime, error: str | None, count: bool = True
) -> None:
    """Back to pending until ``at``. ``count=False``: this try does not count as an attempt
    (a flood wait, or the chat had a message too recently)."""
    values: dict[str, Any] = {
        "status": PENDING,
        "next_attempt_at": at,
        "claimed_by": None,
        "error": error and error[:200],
    }
    if not count:
        values["attempts"] = OutboxMessage.attempts - 1
    await db.execute(update(OutboxMessage).where(OutboxMessage.id == row_id).values(**values))


async def unclaim(db: AsyncSession, row_id: int, worker: str, *, at: datetime) -> bool:
    """Give a row ``worker`` claimed and did not send back to the queue, due ``at``, not
    counted as a try. Only while it is still that worker's claim: a worker that stalled
    past the claim's lease cannot take back a row another worker has claimed since."""
    return await _while_claimed(
        db,
        row_id,
        worker,
        status=PENDING,
        next_attempt_at=at,
        claimed_by=None,
        attempts=OutboxMessage.attempts - 1,
    )


async def _while_claimed(db: AsyncSession, row_id: int, worker: str, **values: Any) -> bool:
    """Set ``values`` on the row if it is still ``worker``'s claim; whether it was."""
    result = await db.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.id == row_id,
            OutboxMessage.status == CLAIMED,
            OutboxMessage.claimed_by == worker,
        )
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    return _rowcount(result) == 1


async def recover(
    db: AsyncSession, *, now: datetime | None = None, worker: str | None = None
) -> int:
    """Rows of a worker that died (past their claim's deadline, or claimed under ``worker``:
    this worker's name, by an earlier run of it). A row only ``claimed`` never left: back to
    the queue, to be sent by whoever claims it next. A row left ``sending`` may have
    arrived: given up, at most once, not sent again. Returns how many were given up."""
    now = now or utcnow()
    stale = OutboxMessage.next_attempt_at < now
    if worker is not None:
        stale = stale | (OutboxMessage.claimed_by == worker)
    await db.execute(
        update(OutboxMessage)
        .where(OutboxMessage.status == CLAIMED, stale)
        .values(
            status=PENDING,
            claimed_by=None,
            next_attempt_at=now,
            attempts=OutboxMessage.attempts - 1,  # it was not tried
        )
        .execution_options(synchronize_session=False)
    )
    result = await db.execute(
        update(OutboxMessage)
        .where(OutboxMessage.status == SENDING, stale)
        .values(status=FAILED, error=INTERRUPTED)
        .execution_options(synchronize_session=False)
    )
    return _rowcount(result)


async def progress(db: AsyncSession, broadcast_id: int) -> Progress:
    rows = await db.execute(
        select(OutboxMessage.status, OutboxMessage.error, func.count())
        .where(OutboxMessage.broadcast_id == broadcast_id)
        .group_by(OutboxMessage.status, OutboxMessage.error)
    )
    counts: dict[str, int] = {}
    interrupted = 0
    for status, error, number in rows:
        counts[status] = counts.get(status, 0) + int(number)
        if status == FAILED and error == INTERRUPTED:
            interrupted += int(number)
    return Progress(
        total=sum(counts.values()),
        sent=counts.get(SENT, 0),
        unreachable=counts.get(UNREACHABLE, 0),
        failed=counts.get(FAILED, 0),
        interrupted=interrupted,
        waiting=counts.get(PENDING, 0) + counts.get(CLAIMED, 0) + counts.get(SENDING, 0),
    )


async def finish(db: AsyncSession, broadcast_id: int, *, now: datetime | None = None) -> bool:
    """Mark a broadcast done once nothing is waiting; True only for the caller that did it
    (so the final report goes out once)."""
    waiting = (
        select(OutboxMessage.id)
        .where(
            OutboxMessage.broadcast_id == broadcast_id,
            OutboxMessage.status.in_(WAITING),
        )
        .exists()
    )
    result = await db.execute(
        update(Broadcast)
        .where(Broadcast.id == broadcast_id, Broadcast.status == "sending", ~waiting)
        .values(status="done", finished_at=now or utcnow())
        .execution_options(synchronize_session=False)
    )
    return _rowcount(result) == 1


async def next_due(db: AsyncSession) -> datetime | None:
    """When the next pending row of a running broadcast is due (None: nothing pending)."""
    due: datetime | None = await db.scalar(
        select(func.min(OutboxMessage.next_attempt_at)).where(
            OutboxMessage.status == PENDING,
            OutboxMessage.broadcast_id.in_(
                select(Broadcast.id).where(Broadcast.status == "sending")
            ),
        )
    )
    return due


async def queue_length(db: AsyncSession) -> int:
    """Rows waiting to be sent (for the ``broadcast_queue_length`` gauge)."""
    number = await db.scalar(
        select(func.count()).select_from(OutboxMessage).where(OutboxMessage.status.in_(WAITING))
    )
    return int(number or 0)


async def was_recipient(db: AsyncSession, broadcast_id: int, resident_id: int) -> bool:
    found = await db.scalar(
        select(OutboxMessage.id).where(
            OutboxMessage.broadcast_id == broadcast_id, OutboxMessage.resident_id == resident_id
        )
    )
    return found is not None


async def statuses(db: AsyncSession, broadcast_id: int) -> Sequence[tuple[int, str]]:
    """(resident id, status) of every row, for tests and reports."""
    rows = await db.execute(
        select(OutboxMessage.resident_id, OutboxMessage.status)
        .where(OutboxMessage.broadcast_id == broadcast_id)
        .order_by(OutboxMessage.resident_id)
    )
    return [(int(r), str(s)) for r, s in rows]

"""Telegram update ids already handled, so that a redelivered update records nothing twice.

Telegram delivers an update again when it was not acknowledged: a webhook POST that failed
or timed out, or a ``getUpdates`` offset that was never confirmed because the bot stopped.
An update's id is recorded *in the same transaction as what handling it stored* (see
:func:`claim`): a crash before that commit leaves no record, so the redelivery is handled;
after it, the redelivery is recognised (:func:`was_processed`) and dropped.

Rows are only needed while Telegram may still redeliver (at most a day): :func:`prune`.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, bindparam, delete, exists, func, select, text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from storage.models import ProcessedUpdate

#: Record ``:update_id`` at ``:at``; returns the id, or no row when it was recorded before.
#: One statement for every backend (SQLite >= 3.35 and PostgreSQL both have ON CONFLICT ...
#: DO NOTHING and RETURNING), built once: it runs on the hot path.
CLAIM = text(
    "INSERT INTO processed_updates (update_id, at) VALUES (:update_id, :at) "
    "ON CONFLICT (update_id) DO NOTHING RETURNING update_id"
).bindparams(
    bindparam("update_id", type_=ProcessedUpdate.__table__.c.update_id.type),
    bindparam("at", type_=ProcessedUpdate.__table__.c.at.type),
)
_PROCESSED = select(exists().where(ProcessedUpdate.update_id == bindparam("update_id")))


def claim(connection: Connection, update_id: int, *, now: datetime) -> bool:
    """Record ``update_id`` in the transaction under way on ``connection``.

    False when it is already recorded: the update was handled before and this transaction
    must not commit. (Synchronous: it runs inside SQLAlchemy's ``after_begin`` event.)
    """
    row = connection.execute(CLAIM, {"update_id": update_id, "at": now}).first()
    return row is not None


async def record(db: AsyncSession | AsyncConnection, update_id: int, *, now: datetime) -> bool:
    """:func:`claim` in a unit of work (or in autocommit on a connection): True when recorded
    now, False when it already was."""
    row = (await db.execute(CLAIM, {"update_id": update_id, "at": now})).first()
    return row is not None


async def was_processed(db: AsyncSession | AsyncConnection, update_id: int) -> bool:
    """True when ``update_id`` was recorded (and committed) before."""
    return bool(await db.scalar(_PROCESSED, {"update_id": update_id}))


async def highest(db: AsyncSession) -> int | None:
    """The highest update id recorded, or None when there is none."""
    return await db.scalar(select(func.max(ProcessedUpdate.update_id)))


async def prune(db: AsyncSession, *, before: datetime) -> int:
    """Forget the ids recorded before ``before``; returns how many were forgotten."""
    result = await db.execute(
        delete(ProcessedUpdate).where(ProcessedUpdate.at < before),
        execution_options={"synchronize_session": False},
    )
    return int(getattr(result, "rowcount", 0) or 0)

"""Small read-only queries for ``/healthz`` and the Prometheus gauges of ``/metrics``."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, literal, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import OutboxMessage, Session
from storage.repo import ACTIVE

#: Outbox messages still to be sent: waiting, or claimed by a worker that is sending them.
QUEUED = ("pending", "sending")


@dataclass(frozen=True)
class Gauges:
    sessions_active: int  # questionnaires in progress (not administrators' test runs)
    broadcast_queue: int  # broadcast messages waiting to be sent


async def ping(db: AsyncSession) -> None:
    """Raises when the database does not answer."""
    await db.execute(select(literal(1)))


async def gauges(db: AsyncSession) -> Gauges:
    active = await db.scalar(
        select(func.count())
        .select_from(Session)
        .where(Session.status == ACTIVE, Session.is_test.is_(False))
    )
    queued = await db.scalar(
        select(func.count()).select_from(OutboxMessage).where(OutboxMessage.status.in_(QUEUED))
    )
    return Gauges(sessions_active=int(active or 0), broadcast_queue=int(queued or 0))

"""The audit log: who did what as an administrator, and when. Append-only."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import AuditEntry, utcnow


@dataclass(frozen=True)
class AuditRecord:
    id: int
    at: datetime
    actor: int | None
    via: str
    action: str
    target: str | None
    detail: dict[str, Any]
    allowed: bool


async def record(
    db: AsyncSession,
    action: str,
    *,
    actor: int | None,
    via: str = "telegram",
    target: str | None = None,
    detail: dict[str, Any] | None = None,
    allowed: bool = True,
    now: datetime | None = None,
) -> None:
    """Add one entry, in the caller's transaction (so it lands with what it describes).

    ``detail`` must not hold residents' text or Telegram ids of residents.
    """
    db.add(
        AuditEntry(
            at=now or utcnow(),
            actor=actor,
            via=via,
            action=action,
            target=target,
            detail=detail or {},
            allowed=allowed,
        )
    )
    await db.flush()


async def entries(
    db: AsyncSession,
    *,
    since: datetime | None = None,
    action: str | None = None,
    limit: int | None = None,
) -> Sequence[AuditRecord]:
    """Entries oldest first (the newest ``limit`` when given)."""
    query = select(AuditEntry)
    if since is not None:
        query = query.where(AuditEntry.at >= since)
    if action is not None:
        query = query.where(AuditEntry.action == action)
    if limit is not None:
        query = query.order_by(AuditEntry.id.desc()).limit(limit)
    rows = list((await db.scalars(query.order_by(AuditEntry.id))).all())
    if limit is not None:
        rows.sort(key=lambda row: row.id)
    return [
        AuditRecord(r.id, r.at, r.actor, r.via, r.action, r.target, dict(r.detail), r.allowed)
        for r in rows
    ]

"""Leases: a job that must run on one worker at a time, taken over when its holder dies.

A lease is a row (name, holder, expires_at). A worker may run the job while it holds an
unexpired lease; it renews the lease before it expires. A worker that dies stops renewing,
so after ``expires_at`` another worker acquires it. Every change is one atomic statement,
so two workers asking at the same time never both get it (PostgreSQL locks the row for the
upsert; SQLite has one writer at a time). A worker stopped between taking the row's lock
and committing (SIGSTOP, a frozen VM) does not hold the others up: on PostgreSQL each of
these functions asks the server to end the session if the transaction then sits idle
(:func:`storage.db.hold_briefly`), so call them in a transaction of their own.

Times come from the caller (``now=``), so tests move a clock instead of waiting. Workers on
different machines need clocks that agree to well within a lease's duration (NTP does).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from storage.db import hold_briefly
from storage.models import Lease

#: Longest name and holder the table stores.
MAX_NAME = 40
MAX_HOLDER = 80


@dataclass(frozen=True, slots=True)
class LeaseInfo:
    name: str
    holder: str
    expires_at: datetime


def _insert(db: AsyncSession) -> Any:
    return pg_insert if db.get_bind().dialect.name == "postgresql" else sqlite_insert


def _check(name: str, holder: str, ttl: timedelta) -> None:
    if not name or len(name) > MAX_NAME:
        raise ValueError(f"a lease name has 1 to {MAX_NAME} characters: {name!r}")
    if not holder or len(holder) > MAX_HOLDER:
        raise ValueError(f"a lease holder has 1 to {MAX_HOLDER} characters: {holder!r}")
    if ttl <= timedelta(0):
        raise ValueError("a lease must last longer than 0")


async def acquire(
    db: AsyncSession, name: str, holder: str, *, ttl: timedelta, now: datetime
) -> bool:
    """Take the lease ``name`` for ``holder`` until ``now + ttl``.

    True when ``holder`` has it now: it was free, expired, or already ``holder``'s (then it
    is renewed). False while another holder's lease runs.
    """
    _check(name, holder, ttl)
    await hold_briefly(db)
    insert = _insert(db)
    statement = insert(Lease).values(name=name, holder=holder, expires_at=now + ttl)
    statement = statement.on_conflict_do_update(
        index_elements=[Lease.name],
        set_={"holder": statement.excluded.holder, "expires_at": statement.excluded.expires_at},
        where=(Lease.holder == holder) | (Lease.expires_at <= now),
    ).returning(Lease.name)
    return (await db.execute(statement)).first() is not None


async def renew(
    db: AsyncSession, name: str, holder: str, *, ttl: timedelta, now: datetime
) -> bool:
    """Extend ``holder``'s lease to ``now + ttl``; False when another worker has taken it
    (or nobody holds it), so the job must stop."""
    _check(name, holder, ttl)
    await hold_briefly(db)
    result = await db.execute(
        update(Lease)
        .where(Lease.name == name, Lease.holder == holder)
        .values(expires_at=now + ttl)
        .returning(Lease.name)
    )
    return result.first() is not None


async def release(db: AsyncSession, name: str, holder: str) -> bool:
    """Give the lease up (on a clean stop), so another worker need not wait for it to
    expire. False when ``holder`` did not hold it."""
    await hold_briefly(db)
    result = await db.execute(
        delete(Lease).where(Lease.name == name, Lease.holder == holder).returning(Lease.name)
    )
    return result.first() is not None


async def current(db: AsyncSession, name: str, *, now: datetime) -> LeaseInfo | None:
    """Who holds ``name`` at ``now``; None when nobody does (never taken, or expired)."""
    row = (
        await db.execute(
            select(Lease.name, Lease.holder, Lease.expires_at).where(
                Lease.name == name, Lease.expires_at > now
            )
        )
    ).first()
    return LeaseInfo(row.name, row.holder, row.expires_at) if row is not None else None

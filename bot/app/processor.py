"""One resident's updates one at a time, also across workers; every update handled once.
(Just over 500 lines: the two guarantees share the gate that admits an update, its slots
and its claim; split apart, each half would need the other's internals.)

Two guarantees, kept here so that the handlers need not know about them:

* **Turns.** python-telegram-bot's handlers assume one user's updates come one by one. In
  this process an asyncio lock per resident keeps that true while other residents go on.
  With PostgreSQL several workers share the database and any of them may get any update,
  so the resident's turn is also held in the database: a session-level advisory lock
  (keyed by a hash of the Telegram user id), taken from before the update is looked at
  until its replies are sent. One worker's locks are held by two long-lived connections
  of its own ("lanes"; a connection can hold any number of locks), taken with
  ``pg_try_advisory_lock`` and retried after a short pause, so a worker never waits
  inside the database and never needs a connection per update: waiting for a turn costs
  no connection at all, and the handlers' pool is untouched. A worker that dies closes
  its connections, and PostgreSQL frees its locks at once. An update still waiting for its
  turn when the webhook must answer Telegram is withdrawn (:mod:`bot.app.turn`): it comes
  again, and the copy that waited here never runs, so it cannot follow a later update.

* **Once.** Telegram delivers an update again when it was not acknowledged (a webhook
  POST that failed or timed out, a ``getUpdates`` offset never confirmed because the bot
  stopped). Its id is recorded in ``processed_updates`` *inside the handler's own unit of
  work*: while an update is processed, a SQLAlchemy ``after_begin`` hook adds one
  ``INSERT .. ON CONFLICT DO NOTHING`` to the first transaction it opens, so the record
  commits with the answer it protects. A crash before that commit leaves no record and
  the redelivery is handled; after it, the redelivery is dropped before any handler runs
  (counted as ``samenspraak_updates_dropped_total{reason="duplicate"}``). A crash between
  the commit and the replies means the stored answer is not confirmed to the resident; it
  is never stored twice.

  Recognising a redelivery costs nothing extra on SQLite (one process): ids handled by
  this process are remembered, and an id above the highest one stored at start-up was
  never handled before, so the database is asked only about the few updates fetched again
  right after a restart. With PostgreSQL the database is asked for every update, in the
  same statement that takes the resident's turn.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import inspect
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Engine, TextClause, event, text
from sqlalchemy.exc import StatementError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine
from sqlalchemy.orm import Session, SessionTransaction
from telegram import Update
from telegram.ext import ApplicationHandlerStop, BaseUpdateProcessor

from bot.app.turn import take_turn, withdrawn
from bot.core.metrics import UPDATES_DROPPED
from bot.core.recent import Recent
from bot.core.services import Services
from storage import updates
from storage.db import LOOK_ONLY, is_sqlite

log = logging.getLogger(__name__)

# python-telegram-bot takes its own semaphore *before* ``do_process_update``. A resident whose
# updates wait for their lock would hold its slots, so one resident sending many updates at
# once could take every slot and stall everybody else. Its semaphore therefore gets no real
# limit; the configured limit is applied after the resident's lock (see ``do_process_update``).
_UNLIMITED = 2**31 - 1
#: Connections (per worker) that hold residents' advisory locks; each holds many.
LOCK_LANES = 2
#: Updates one worker processes at once. PostgreSQL: each uses a connection of the main
#: pool (10, up to 30 with overflow: storage.db), and the overflow stays for the jobs (the
#: outbox sends up to 16 messages at once), so no update waits for the pool's timeout and
#: a worker needs about 10 + 2 connections, more while it sends a broadcast. SQLite: all
#: share its one connection; the others wait here, in the order they came, rather than in
#: the pool's queue, where a burst of a few hundred updates (everyone coming back after a
#: restart) waited past the pool's timeout on a busy machine and got an apology.
UPDATES_AT_ONCE = 10
#: Update ids this process remembers having handled.
REMEMBERED = 10_000

# Take the resident's turn if nobody has it and, only then, look the update up: NULL when
# another worker has the turn, else whether the update was handled before. (PostgreSQL
# evaluates the sub-select of the THEN branch only after the WHEN.)
_TAKE = text(
    "SELECT CASE WHEN pg_try_advisory_lock(:key) THEN EXISTS "
    "(SELECT 1 FROM processed_updates WHERE update_id = :update_id) END"
)
_UNLOCK = text("SELECT pg_advisory_unlock(:key)")
# Waiting for another worker to finish with a resident: the first pause, and the longest.
_FIRST_PAUSE = 0.005
_LONGEST_PAUSE = 0.1


def update_key(update: object) -> int | None:
    """Whose update this is: the user (a resident), else the chat."""
    if isinstance(update, Update):
        if update.effective_user is not None:
            return update.effective_user.id
        if update.effective_chat is not None:
            return update.effective_chat.id
    return None


def lock_key(key: int | None, update_id: int) -> int:
    """The advisory lock (a signed 64-bit number) of a resident, or of a lone update."""
    name = f"samenspraak:resident:{key}" if key is not None else f"samenspraak:update:{update_id}"
    digest = hashlib.blake2b(name.encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def _discard(coroutine: Awaitable[Any]) -> None:
    """Close a coroutine that will never run (no "was never awaited" warning)."""
    if inspect.iscoroutine(coroutine):
        coroutine.close()


# --- recording the update in the handler's unit of work ------------------------------------


class DuplicateUpdate(ApplicationHandlerStop):
    """A safety net: the update was recorded by another process after this one admitted it
    (two processes on one SQLite file, which is not supported). Its handling stops before
    anything is stored, and python-telegram-bot ends it quietly."""


@dataclass(slots=True, eq=False)
class _Claim:
    """The update being processed in this task, to be recorded with its first commit."""

    update_id: int
    engine: Engine
    now: Callable[[], datetime]
    holder: Session | None = None  # the session whose open transaction holds the record
    recorded: bool = False
    withdrawn: bool = False  # not handled here after all (see Turn): nothing to record


_CLAIM: ContextVar[_Claim | None] = ContextVar("samenspraak_update_claim", default=None)


def _after_begin(
    session: Session, transaction: SessionTransaction, connection: Connection
) -> None:
    claim = _CLAIM.get()
    if (
        claim is None
        or claim.recorded
        or claim.holder is not None  # another unit of work of this update already has it
        or transaction.nested
        or connection.engine is not claim.engine  # e.g. the reports engine
        or session.info.get(LOOK_ONLY, False)  # only looking: nothing to record with it
    ):
        return
    if not updates.claim(connection, claim.update_id, now=claim.now()):
        UPDATES_DROPPED.labels(reason="duplicate").inc()
        log.info("update %s was handled meanwhile elsewhere; dropped", claim.update_id)
        raise DuplicateUpdate
    claim.holder = session


def _after_commit(session: Session) -> None:
    claim = _CLAIM.get()
    if claim is not None and claim.holder is session:
        claim.recorded = True
        claim.holder = None


def _after_transaction_end(session: Session, transaction: SessionTransaction) -> None:
    claim = _CLAIM.get()
    if claim is not None and claim.holder is session and transaction.parent is None:
        claim.holder = None  # rolled back: the next unit of work of the update records it


def _install_hooks() -> None:
    """Listen to every Session once per process; the hooks act only inside an update."""
    for name, hook in (
        ("after_begin", _after_begin),
        ("after_commit", _after_commit),
        ("after_transaction_end", _after_transaction_end),
    ):
        if not event.contains(Session, name, hook):
            event.listen(Session, name, hook)


# --- admission: is it this resident's turn, and is the update new? -------------------------


class _Remembered:
    """Update ids handled by this process, at most ``size``.

    ``forgotten`` is the highest id pushed out; together with the ids kept, every id this
    process handled that is above ``forgotten`` is known.
    """

    def __init__(self, size: int) -> None:
        self.forgotten = 0
        self._ids: Recent[int, None] = Recent(size, self._forget)

    def _forget(self, update_id: int, _: None) -> None:
        self.forgotten = max(self.forgotten, update_id)

    def __contains__(self, update_id: int) -> bool:
        return update_id in self._ids

    def add(self, update_id: int) -> None:
        self._ids.put(update_id, None)


@dataclass(eq=False)
class _Lane:
    """One connection holding advisory locks: statements on it go one at a time."""

    connection: AsyncConnection | None = None
    mutex: asyncio.Lock = field(default_factory=asyncio.Lock)


@dataclass
class _Gate:
    """Admits an update: waits for the resident's turn and says whether the update is new."""

    services: Services
    lanes: int
    updates_at_once: int
    remembered: _Remembered = field(default_factory=lambda: _Remembered(REMEMBERED))
    # SQLite: the highest id stored when this process started (read at the first update).
    _stored_before: int | None = None
    _engine: AsyncEngine | None = None
    _lanes: list[_Lane] = field(default_factory=list)
    _slots: asyncio.Semaphore = field(init=False)
    shared: bool = field(init=False)  # several workers may share the database (PostgreSQL)

    def __post_init__(self) -> None:
        self.shared = not is_sqlite(self.services.engine.url)
        self._slots = asyncio.Semaphore(self.updates_at_once)

    @asynccontextmanager
    async def admit(self, key: int | None, update_id: int) -> AsyncIterator[_Claim | None]:
        """Inside: the resident's turn. Yields None when the update was handled before, else
        the claim that records it with the handler's first commit."""
        services = self.services
        claim = _Claim(update_id, services.engine.sync_engine, services.clock)
        if update_id in self.remembered:
            yield None
        elif self.shared:
            async with self._slots, self._turn(lock_key(key, update_id), claim) as fresh:
                yield claim if fresh else None
        else:
            async with self._slots:
                yield claim if await self._new_here(update_id) else None
        # Handled to the end (not cancelled): a redelivery to this process is dropped at once.
        if not claim.withdrawn:
            self.remembered.add(update_id)

    async def _new_here(self, update_id: int) -> bool:
        """One process on the database: ask it only about ids it may have seen before."""
        if self._stored_before is None:
            async with self.services.sessions() as db:
                self._stored_before = await updates.highest(db) or 0
        if update_id > max(self._stored_before, self.remembered.forgotten):
            return True
        async with self.services.sessions() as db:
            return not await updates.was_processed(db, update_id)

    @asynccontextmanager
    async def _turn(self, key: int, claim: _Claim) -> AsyncIterator[bool]:
        """Hold the advisory lock ``key``; yields whether the update is new."""
        lane = self._lane(key)
        pause = _FIRST_PAUSE
        while True:
            # NULL: another worker has the resident's turn; else whether already handled.
            try:
                done = await self._on(lane, _TAKE, {"key": key, "update_id": claim.update_id})
            except StatementError:
                # Refused, perhaps after the lock was taken (a timeout in the look-up):
                # let it go. (PostgreSQL only warns about a lock that was not held.)
                await self._release(lane, key)
                raise
            if done is not None:
                break
            await asyncio.sleep(pause)
            pause = min(2 * pause, _LONGEST_PAUSE)
        try:
            yield not done
            if not done and not claim.recorded and not claim.withdrawn:
                # Nothing was stored (a question asked again, /help): still tell the other
                # workers, so that they reply only once.
                await self._on(
                    lane, updates.CLAIM, {"update_id": claim.update_id, "at": claim.now()}
                )
        finally:
            await self._release(lane, key)

    async def _release(self, lane: _Lane, key: int) -> None:
        """Give the resident's turn back."""
        try:
            await self._on(lane, _UNLOCK, {"key": key})
        except StatementError:
            # Refused: the lock stays held, and only the end of the database session frees
            # it (with the other turns it holds). Rare enough to pay that price.
            async with lane.mutex:
                await self._drop(lane)
            raise

    def _lane(self, key: int) -> _Lane:
        if self._engine is None:
            # Autocommit: a lane never sits in an open transaction. Its connections are
            # kept for the life of the process; the handlers' pool is another one.
            self._engine = create_async_engine(
                self.services.engine.url,
                isolation_level="AUTOCOMMIT",
                pool_size=self.lanes,
                max_overflow=0,
            )
            self._lanes = [_Lane() for _ in range(self.lanes)]
        return self._lanes[key % self.lanes]

    async def _on(self, lane: _Lane, statement: TextClause, params: dict[str, Any]) -> Any:
        """One statement on ``lane``'s connection (opened when needed).

        The connection holds the turns of every resident whose update this worker handles on
        this lane, so it is given up only when it must be: when it is broken, or when a
        statement was cut off half-way (perhaps holding a lock it was taking). A statement
        the database refuses (a value out of range, a table being migrated) leaves the
        connection, and every lock on it, as it was: that error is the update's own.
        """
        assert self._engine is not None
        async with lane.mutex:
            if lane.connection is None:
                lane.connection = await self._engine.connect()
            try:
                return (await lane.connection.execute(statement, params)).scalar()
            except StatementError as exc:
                if getattr(exc, "connection_invalidated", False):  # broken: its locks are gone
                    await self._drop(lane)
                raise
            except BaseException:
                await self._drop(lane)
                raise

    async def _drop(self, lane: _Lane) -> None:
        """End ``lane``'s database session, which frees every lock it held (mutex held)."""
        connection, lane.connection = lane.connection, None
        if connection is not None:
            with contextlib.suppress(Exception):
                await connection.invalidate()
        log.warning("a connection holding residents' turns was lost")

    async def close(self) -> None:
        for lane in self._lanes:
            if lane.connection is not None:
                with contextlib.suppress(Exception):
                    await lane.connection.close()
                lane.connection = None
        if self._engine is not None:
            await self._engine.dispose()
            self._engine = None


class PerResidentUpdateProcessor(BaseUpdateProcessor):
    """Processes updates concurrently, but serially per resident, and each update once.

    Locks exist only while a resident has updates in flight, so memory does not grow with
    the number of residents. At most ``max_concurrent_updates`` updates run at the same
    time, and at most ``updates_at_once`` of them in the database; updates waiting for their
    resident's lock do not count, so a resident who sends many updates at once delays only
    themselves. Without ``services`` (tests of the scheduling alone) updates are not
    checked for redelivery.
    """

    def __init__(
        self,
        max_concurrent_updates: int,
        services: Services | None = None,
        *,
        lanes: int = LOCK_LANES,
        updates_at_once: int = UPDATES_AT_ONCE,
    ) -> None:
        if max_concurrent_updates < 1:
            raise ValueError("max_concurrent_updates must be a positive integer")
        if lanes < 1 or updates_at_once < 1:
            raise ValueError("lanes and updates_at_once must be positive integers")
        self._limit = _UNLIMITED  # read by the base class while it builds its semaphore
        super().__init__(_UNLIMITED)
        self._limit = max_concurrent_updates
        self._slots = asyncio.BoundedSemaphore(max_concurrent_updates)
        self._locks: dict[int, asyncio.Lock] = {}
        self._waiting: dict[int, int] = {}
        self._running: set[asyncio.Task[Any]] = set()
        self._aborted = False
        self._gate = (
            _Gate(services, lanes, min(updates_at_once, max_concurrent_updates))
            if services is not None
            else None
        )
        if services is not None:
            _install_hooks()

    @property
    def max_concurrent_updates(self) -> int:
        return self._limit

    @property
    def current_concurrent_updates(self) -> int:
        return len(self._running)

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        if self._aborted:
            _discard(coroutine)
            return
        key = update_key(update)
        if key is None:
            await self._run(update, key, coroutine)
            return
        lock = self._locks.setdefault(key, asyncio.Lock())
        self._waiting[key] = self._waiting.get(key, 0) + 1
        try:
            async with lock:
                await self._run(update, key, coroutine)
        finally:
            self._waiting[key] -= 1
            if not self._waiting[key]:
                del self._waiting[key]
                del self._locks[key]

    async def _run(self, update: object, key: int | None, coroutine: Awaitable[Any]) -> None:
        started = False
        try:
            async with self._slots:
                if self._aborted:
                    return
                task = asyncio.current_task()
                assert task is not None
                self._running.add(task)
                started = True
                try:
                    await self._once(update, key, coroutine)
                finally:
                    self._running.discard(task)
        finally:
            if not started:  # cancelled or aborted while waiting: it never runs
                _discard(coroutine)

    async def _once(self, update: object, key: int | None, coroutine: Awaitable[Any]) -> None:
        """Run ``coroutine`` unless the update was handled before; record it with its work."""
        if self._gate is None or not isinstance(update, Update):
            if take_turn():
                await coroutine
            else:
                _discard(coroutine)
            return
        if withdrawn():  # while it waited for a slot: no need to ask the database
            _discard(coroutine)
            return
        try:
            async with self._gate.admit(key, update.update_id) as claim:
                if not take_turn():
                    # Withdrawn while it waited for its turn: it comes again (and is handled
                    # then, here or elsewhere); this copy records nothing and does nothing.
                    if claim is not None:
                        claim.withdrawn = True
                    _discard(coroutine)
                    return
                if claim is None:
                    _discard(coroutine)
                    UPDATES_DROPPED.labels(reason="duplicate").inc()
                    log.info("update %s was handled before; dropped", update.update_id)
                    return
                token = _CLAIM.set(claim)
                try:
                    await coroutine
                finally:
                    _CLAIM.reset(token)
        except BaseException:
            _discard(coroutine)  # the database refused the update before it ran (else a no-op)
            raise

    @property
    def residents_in_flight(self) -> int:
        return len(self._locks)

    def abort(self) -> None:
        """Stop at once: updates in progress are cancelled, waiting ones never run.

        For an abrupt end (the task running the bot is cancelled); a clean stop lets the
        Application finish every update instead.
        """
        self._aborted = True
        for task in list(self._running):
            task.cancel()

    async def initialize(self) -> None:
        """Nothing to set up: the lock pool opens with the first update that needs it."""
        self._aborted = False

    async def shutdown(self) -> None:
        """Close the lock pool; in-flight updates were awaited by the Application."""
        if self._gate is not None:
            await self._gate.close()

"""aiosqlite's interface without its thread: every call runs at once in the caller's thread.

SQLAlchemy's aiosqlite adapter sends each ``cursor()``, ``execute()``, ``fetchall()`` and
``close()`` to aiosqlite's worker thread and waits for the event loop to pick the result up:
about 20 such round trips for one resident's answer, and during every one of them the
transaction -- with ``BEGIN IMMEDIATE``, SQLite's single write lock -- stays held while the
loop serves everything else. That lock, not the CPU, limited the bot to about 75 answers a
second (see BENCHMARKS.md). A statement on a local SQLite file takes microseconds, far
less than such a round trip, so here it simply runs in the event loop's thread.

Waiting for the write lock never blocks the event loop: SQLite's own busy handler is off
(``timeout=0``) and a statement that finds the database busy is retried after an
``asyncio.sleep`` until ``busy_timeout`` has passed. Use it with one pooled connection
(``pool_size=1, max_overflow=0``) so that the bot's own units of work queue for that
connection in the pool instead of for SQLite's lock.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Callable, Generator
from typing import Any

import aiosqlite

_BUSY = frozenset({sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED})
_FIRST_PAUSE = 0.001
_LONGEST_PAUSE = 0.05


class _RunNow:
    """Stands in for aiosqlite's queue to its thread (SQLAlchemy uses that queue directly
    to set ``isolation_level``)."""

    def put_nowait(self, item: tuple[asyncio.Future[Any] | None, Callable[[], Any]]) -> None:
        future, function = item
        try:
            result = function()
        except BaseException as error:  # handed to whoever awaits the future
            if future is not None and not future.done():
                future.set_exception(error)
            return
        if future is not None and not future.done():
            future.set_result(result)


class InlineConnection(aiosqlite.Connection):
    """An ``aiosqlite.Connection`` whose calls run in the calling (event loop) thread."""

    def __init__(self, connector: Callable[[], sqlite3.Connection], busy_timeout: float) -> None:
        super().__init__(connector, iter_chunk_size=64)
        self._tx = _RunNow()  # type: ignore[assignment]
        self._busy_timeout = busy_timeout

    async def _execute(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        if not self._running or not self._connection:
            raise ValueError("Connection closed")
        pause = _FIRST_PAUSE
        deadline: float | None = None
        while True:
            try:
                return fn(*args, **kwargs)
            except sqlite3.OperationalError as error:
                if getattr(error, "sqlite_errorcode", None) not in _BUSY:
                    raise
                # Another connection (another process) holds the write lock: a statement
                # that failed with SQLITE_BUSY did nothing and may simply be tried again.
                now = asyncio.get_running_loop().time()
                deadline = now + self._busy_timeout if deadline is None else deadline
                if now >= deadline:
                    raise
                await asyncio.sleep(pause)
                pause = min(2 * pause, _LONGEST_PAUSE)

    async def _connect(self) -> InlineConnection:
        if self._connection is None:
            self._connection = self._connector()
        return self

    def __await__(self) -> Generator[Any, None, InlineConnection]:
        return self._connect().__await__()  # no worker thread to start

    def stop(self) -> None:
        self._running = False
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    async def close(self) -> None:
        self.stop()


def connector(database: str, busy_timeout: float) -> Callable[[], InlineConnection]:
    """``async_creator`` for ``create_async_engine``: inline connections to ``database``."""

    def connect() -> InlineConnection:
        return InlineConnection(
            lambda: sqlite3.connect(database, timeout=0, check_same_thread=False), busy_timeout
        )

    return connect

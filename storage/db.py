"""Engine and unit-of-work factory for SQLite (embedded default) and PostgreSQL."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.ext.asyncio import (
    AsyncConnection,
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from storage import inline_sqlite

BUSY_TIMEOUT_MS = 15_000
#: SQLite: how long a unit of work waits for the bot's one connection, which its own other
#: units hold a few milliseconds each (updates queue for it in order, bot.app.processor):
#: longer than another program's lock may be waited for, so that a slow machine makes a
#: resident wait rather than get an apology.
SQLITE_POOL_TIMEOUT = 60.0


def is_sqlite(url: str | URL) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def create_engine(
    url: str, *, schema: str | None = None, echo: bool = False, reading: bool = False
) -> AsyncEngine:
    """An async engine with the settings each backend needs.

    SQLite: WAL, ``synchronous=NORMAL``, foreign keys, a long busy timeout, and ``BEGIN
    IMMEDIATE`` so that concurrent writers queue instead of failing with "database is
    locked" when a read transaction later wants to write; one connection used from the
    event loop's thread (:mod:`storage.inline_sqlite`, which waits out another program's
    lock without blocking the event loop). ``reading=True`` makes an engine
    for long read-only queries (digests, exports) instead: aiosqlite's worker thread, so
    the event loop stays free, and plain ``BEGIN``, so in WAL mode it blocks no writer.
    PostgreSQL: ``schema`` sets the search path (tests use a schema per run).
    """
    parsed = make_url(url)
    kwargs: dict[str, Any] = {"echo": echo}
    if is_sqlite(parsed):
        database = parsed.database
        if database and database != ":memory:" and not database.startswith("file:"):
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        kwargs["connect_args"] = {"timeout": BUSY_TIMEOUT_MS / 1000}
        inline = False
        if (
            not reading
            and database
            and database != ":memory:"
            and not database.startswith("file:")
        ):
            inline = True
            # One connection, used from the event loop's thread (see storage.inline_sqlite).
            kwargs.update(
                async_creator=inline_sqlite.connector(database, BUSY_TIMEOUT_MS / 1000),
                pool_size=1,
                max_overflow=0,
                pool_timeout=SQLITE_POOL_TIMEOUT,
            )
        engine = create_async_engine(parsed, **kwargs)
        _sqlite_pragmas(
            engine,
            begin="BEGIN" if reading else "BEGIN IMMEDIATE",
            # Inline connections run in the event loop's thread: SQLite's own busy handler
            # would stop the whole bot while another program holds the lock, so it is off
            # and storage.inline_sqlite waits with asyncio.sleep instead.
            busy_timeout_ms=0 if inline else BUSY_TIMEOUT_MS,
        )
        return engine
    if schema:
        kwargs["connect_args"] = {"server_settings": {"search_path": schema}}
    kwargs.update(pool_size=10, max_overflow=20, pool_pre_ping=True)
    return create_async_engine(parsed, **kwargs)


def _sqlite_pragmas(engine: AsyncEngine, *, begin: str, busy_timeout_ms: int) -> None:
    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy's "begin" event issue BEGIN itself (see below).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={busy_timeout_ms}")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(connection: Any) -> None:
        connection.exec_driver_sql(begin)


def session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)


#: ``Session.info`` key of a session that only looks (``services.looking()``): it writes
#: nothing and commits nothing, so the update being handled is not recorded in its
#: transaction (``bot.app.processor``) but in the next unit of work that commits.
LOOK_ONLY = "samenspraak.look_only"


#: What :func:`plan_each_read` sets for the rest of a transaction on PostgreSQL.
_PLAN_EACH_READ = text(
    "SELECT set_config('plan_cache_mode', 'force_custom_plan', true), "
    "set_config('jit', 'off', true)"
)


async def plan_each_read(db: AsyncSession) -> None:
    """On PostgreSQL, for the rest of ``db``'s transaction: every statement planned for its
    own values, and no JIT compilation; nothing on SQLite. For the big counting reads of
    digests, reports and "who did we hear" (a few statements, each scanning many rows).

    asyncpg prepares each statement once per connection, and from its sixth run PostgreSQL
    may switch to a generic plan that does not know the period's dates: it then guesses a
    few thousand answers where there are hundreds of thousands and counts them with a
    nested loop (the main statement of the digest's own read of 100,000 responses: 2.4 s
    instead of 0.6 s, from the sixth digest on a pooled connection). JIT compiles the same
    reads because their estimated cost is high: 0.2-0.3 s of compiling for that statement,
    gaining nothing back (issue #14)."""
    if db.get_bind().dialect.name == "postgresql":
        await db.execute(_PLAN_EACH_READ)


#: Milliseconds a short transaction holding a lock that every worker needs (the budget's
#: rows, a job's lease) may sit idle on PostgreSQL before the server ends it. A worker
#: stopped in the middle of one (SIGSTOP, a frozen VM, a debugger, a long GC pause) would
#: otherwise hold that lock, and with it every other worker, until it goes on: the server
#: ends its session instead, the lock is freed and its transaction rolled back. The longest
#: such transaction takes milliseconds; this is far above a busy event loop's delays.
BRIEF_HOLD_MS = 3_000
_BRIEF_HOLD = text(
    "SELECT set_config('idle_in_transaction_session_timeout', :ms, true)"
).bindparams(ms=str(BRIEF_HOLD_MS))


async def hold_briefly(db: AsyncSession | AsyncConnection) -> None:
    """On PostgreSQL, for the rest of ``db``'s transaction: end the session if it sits
    idle for :data:`BRIEF_HOLD_MS` (nothing on SQLite, whose locks end with the process).
    Call it first in a transaction that takes a lock every worker waits for."""
    dialect = db.get_bind().dialect if isinstance(db, AsyncSession) else db.dialect
    if dialect.name == "postgresql":
        await db.execute(_BRIEF_HOLD)

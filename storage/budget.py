"""The bot's budget of Telegram calls, shared by every worker: who may send when.

Telegram allows a bot about 30 messages a second in all, 20 a minute into one group and
about one a second into one chat, however many processes send them. Each limit is a *key*
(``global``, ``bulk``, ``g:<chat id>``, ``c:<chat id>``) with a spacing and a burst, kept
as in the generic cell rate algorithm (GCRA): per key one number, the theoretical time at
which its next call is due (``tat``). A call that needs several keys goes at the latest of
their times, and moves each of them on by its spacing. A ``pause`` key holds the end of a
429's ``retry_after``: no call of any kind goes before it.

Two ways to take a turn (:meth:`Store.take`):

- *reserve* (``within=None``): the caller gets a time, however late, and sleeps until it;
  nobody else gets that slot. Live replies to residents do this, so they queue in order.
- *only if soon* (``within=s``): granted only when the turn comes within ``s`` seconds;
  otherwise nothing changes and the caller learns how long to wait before asking again.
  Broadcasts and digests do this, so a live reply that reserved a slot always comes first:
  bulk traffic takes only the slots nobody reserved.

Where the numbers live:

- :class:`MemoryStore`: in the process (SQLite, one worker), on ``time.monotonic``.
- :class:`PostgresStore`: one row per key in ``send_budget``, on the database's clock
  (``clock_timestamp()``, so the workers' clocks need not agree). A turn is one short
  transaction: the rows of its keys are locked in key order (``FOR UPDATE``: no deadlock,
  no two workers get one slot), the new times written, committed. A worker stopped in the
  middle (SIGSTOP, a frozen VM) does not hold the others up: the database ends its session
  after :data:`storage.db.BRIEF_HOLD_MS` (:func:`storage.db.hold_briefly`; a turn sets it in
  its locking statement, one round trip). Rows of chats are
  created on first use and forgotten once long past (:meth:`PostgresStore.prune`).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from storage.db import BRIEF_HOLD_MS, hold_briefly

PAUSE = "pause"
#: Keys of chats whose time is this far in the past are forgotten by :meth:`Store.prune`.
FORGET_AFTER = 300.0
#: Seconds the clock offset of the quickest round trip is trusted before a slower one counts.
OFFSET_KEPT = 30.0
#: Longest key (the column's width).
MAX_KEY = 40


@dataclass(frozen=True, slots=True)
class Rule:
    """One limit: calls under ``key`` go ``spacing`` seconds apart, ``burst`` of them may
    go at once after a quiet spell (then the spacing holds again)."""

    key: str
    spacing: float
    burst: int = 1

    def __post_init__(self) -> None:
        if not 0 < len(self.key) <= MAX_KEY:
            raise ValueError(f"a budget key has 1 to {MAX_KEY} characters: {self.key!r}")
        if self.spacing <= 0 or self.burst < 1:
            raise ValueError("a budget rule needs a positive spacing and a burst of at least 1")

    @property
    def tolerance(self) -> float:
        return (self.burst - 1) * self.spacing


@dataclass(frozen=True, slots=True)
class Turn:
    """The answer to :meth:`Store.take`: ``granted`` and go in ``wait`` seconds (negative:
    the turn has passed while the answer came), or not granted and ask again in ``wait``
    seconds."""

    granted: bool
    wait: float


def plan(
    times: dict[str, float], rules: Sequence[Rule], now: float, within: float | None
) -> tuple[Turn, dict[str, float]]:
    """The turn for ``rules`` at ``now`` given each key's time (missing: long past), and
    the keys' new times (empty when not granted). Pure: both stores use it."""
    start = max(now, times.get(PAUSE, 0.0))
    for rule in rules:
        start = max(start, times.get(rule.key, 0.0) - rule.tolerance)
    wait = start - now
    if within is not None and wait > within:
        return Turn(False, wait - within), {}
    moved = {rule.key: max(times.get(rule.key, 0.0), start) + rule.spacing for rule in rules}
    return Turn(True, wait), moved


class Store:
    """Where the keys' times are kept (see the module docstring)."""

    async def take(self, rules: Sequence[Rule], *, within: float | None = None) -> Turn:
        raise NotImplementedError

    async def pause(self, seconds: float) -> None:
        """Nobody sends for ``seconds`` from now (Telegram answered 429)."""
        raise NotImplementedError

    async def paused_for(self) -> float:
        """Seconds the pause still lasts (0: none)."""
        raise NotImplementedError

    async def prune(self) -> int:
        """Forget chats' times long past; how many were forgotten."""
        raise NotImplementedError


class MemoryStore(Store):
    """The budget of one process (SQLite: one worker)."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        # Monotonic time starts anywhere: keys never used count as long past.
        self._times: dict[str, float] = {}

    async def take(self, rules: Sequence[Rule], *, within: float | None = None) -> Turn:
        now = self.clock()
        times = {k: self._times[k] for k in (PAUSE, *(r.key for r in rules)) if k in self._times}
        turn, moved = plan(_relative(times, now), rules, 0.0, within)
        self._times.update({key: now + at for key, at in moved.items()})
        return turn

    async def pause(self, seconds: float) -> None:
        until = self.clock() + seconds
        self._times[PAUSE] = max(self._times.get(PAUSE, until), until)

    async def paused_for(self) -> float:
        until = self._times.get(PAUSE)
        return 0.0 if until is None else max(0.0, until - self.clock())

    async def prune(self) -> int:
        horizon = self.clock() - FORGET_AFTER
        old = [k for k, at in self._times.items() if k.startswith("c:") and at < horizon]
        for key in old:
            del self._times[key]
        return len(old)


def _relative(times: dict[str, float], now: float) -> dict[str, float]:
    """Times relative to ``now``, with a floor far in the past for :func:`plan`'s 0."""
    return {key: at - now for key, at in times.items()}


NOW = "extract(epoch from clock_timestamp())"
# A turn is the hot path of every send: the rows' lock and storage.db.hold_briefly's
# setting in one round trip (the one-row subquery runs once, before the rows are read).
_LOCK = text(
    f"SELECT key, tat, {NOW} AS now "  # noqa: S608 (constant SQL)
    "FROM (SELECT set_config('idle_in_transaction_session_timeout', "
    f"'{BRIEF_HOLD_MS}', true)) AS brief, send_budget "
    "WHERE key = ANY(:keys) ORDER BY key FOR UPDATE OF send_budget"
)
_CREATE = text("INSERT INTO send_budget (key, tat) VALUES (:key, 0) ON CONFLICT DO NOTHING")
_MOVE = text("UPDATE send_budget SET tat = :tat WHERE key = :key")
_PAUSE = text(
    f"INSERT INTO send_budget (key, tat) VALUES ('{PAUSE}', {NOW} + :seconds) "  # noqa: S608
    "ON CONFLICT (key) DO UPDATE SET tat = greatest(send_budget.tat, excluded.tat)"
)
_PAUSED = text(f"SELECT tat - {NOW} FROM send_budget WHERE key = '{PAUSE}'")  # noqa: S608
_PRUNE = text(f"DELETE FROM send_budget WHERE key LIKE 'c:%' AND tat < {NOW} - :after")  # noqa: S608


class PostgresStore(Store):
    """The budget of every worker on one PostgreSQL database."""

    #: Keys this process knows to exist (created once; a pruned one is created again).
    KNOWN_MAX = 10_000

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self._known: set[str] = set()
        # The database's clock minus this machine's, from the quickest answer lately
        # (NTP's way: the quicker the round trip, the less it can be off).
        self._offset = 0.0
        self._round_trip = float("inf")
        self._sampled = 0.0

    def _sample(self, db_now: float, asked: float, answered: float) -> None:
        round_trip = answered - asked
        stale = answered - self._sampled > OFFSET_KEPT
        if round_trip <= self._round_trip or stale:
            self._offset = db_now - (asked + answered) / 2
            self._round_trip = round_trip
            self._sampled = answered

    async def _create(self, keys: Iterable[str]) -> None:
        # In a transaction of its own: creating a row while holding another's lock could
        # deadlock with a worker doing the same the other way round.
        async with self.engine.begin() as conn:
            await hold_briefly(conn)
            for key in sorted(keys):
                await conn.execute(_CREATE, {"key": key})
        if len(self._known) > self.KNOWN_MAX:
            self._known.clear()
        self._known.update(keys)

    async def take(self, rules: Sequence[Rule], *, within: float | None = None) -> Turn:
        keys = sorted({PAUSE, *(rule.key for rule in rules)})
        missing = set(keys) - self._known
        for _ in range(3):
            if missing:
                await self._create(missing)
            async with self.engine.begin() as conn:
                asked = time.time()
                rows = (await conn.execute(_LOCK, {"keys": keys})).all()
                missing = set(keys) - {row.key for row in rows}
                if missing:  # forgotten by another worker's prune meanwhile
                    self._known -= missing
                    continue
                now = float(rows[0].now)
                self._sample(now, asked, time.time())
                times = {row.key: float(row.tat) - now for row in rows}
                turn, moved = plan(times, rules, 0.0, within)
                if moved:
                    await conn.execute(
                        _MOVE, [{"key": key, "tat": now + at} for key, at in moved.items()]
                    )
            # The turn's time on this machine's clock, whatever the answer's delay: a
            # worker whose answer came late must not send later (crowding the next turn).
            return Turn(turn.granted, now + turn.wait - self._offset - time.time())
        raise RuntimeError("budget keys disappeared three times in a row")

    async def pause(self, seconds: float) -> None:
        async with self.engine.begin() as conn:
            await hold_briefly(conn)
            await conn.execute(_PAUSE, {"seconds": seconds})

    async def paused_for(self) -> float:
        async with self.engine.connect() as conn:
            left = (await conn.execute(_PAUSED)).scalar()
        return 0.0 if left is None else max(0.0, float(left))

    async def prune(self) -> int:
        async with self.engine.begin() as conn:
            await hold_briefly(conn)
            result = await conn.execute(_PRUNE, {"after": FORGET_AFTER})
        self._known = {k for k in self._known if not k.startswith("c:")}
        return int(getattr(result, "rowcount", 0) or 0)

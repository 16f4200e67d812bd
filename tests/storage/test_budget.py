"""The shared budget of Telegram calls (storage.budget), in memory and on PostgreSQL:
turns evenly spaced, live reservations before bulk, a pause for everyone, group bursts,
and workers on separate connections never sharing a slot."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Sequence
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.core.budget import Budget
from storage import budget as storage_budget
from storage import migrate
from storage.budget import NOW, MemoryStore, PostgresStore, Rule, Store, Turn, plan
from storage.db import BRIEF_HOLD_MS, create_engine
from tests.conftest import _reset_postgres

EVERY = Rule("global", 0.1)  # ten a second
SLACK = 0.1  # the database answers a little later each time (a busy machine)


def store_for(engine: AsyncEngine) -> Store:
    return PostgresStore(engine) if engine.dialect.name == "postgresql" else MemoryStore()


def test_plan_spaces_turns_and_lets_a_burst_go_at_once() -> None:
    times: dict[str, float] = {}
    waits = []
    for _ in range(4):
        turn, moved = plan(times, [EVERY], 0.0, None)
        times.update(moved)
        waits.append(round(turn.wait, 6))
    assert waits == [0.0, 0.1, 0.2, 0.3]
    group = Rule("g:-1", 6.0, burst=10)
    times = {}
    waits = []
    for _ in range(12):
        turn, moved = plan(times, [group], 0.0, None)
        times.update(moved)
        waits.append(round(turn.wait, 6))
    assert waits == [0.0] * 10 + [6.0, 12.0]


def test_plan_grants_bulk_only_within_its_lead_and_changes_nothing_otherwise() -> None:
    times = {"global": 0.5}
    turn, moved = plan(times, [EVERY], 0.0, 0.05)
    assert not turn.granted and turn.wait == pytest.approx(0.45) and moved == {}
    turn, moved = plan(times, [EVERY], 0.46, 0.05)
    assert turn.granted and turn.wait == pytest.approx(0.04) and moved == {"global": 0.6}


async def test_turns_are_spaced_and_bulk_waits_for_live(engine: AsyncEngine) -> None:
    store = store_for(engine)
    began = time.monotonic()
    at = [time.monotonic() - began + (await store.take([EVERY])).wait for _ in range(5)]
    for n, when in enumerate(at):
        assert when == pytest.approx(n * 0.1, abs=SLACK), at
    # Live reserved half a second ahead: bulk is refused, told when to ask again.
    bulk = await store.take([EVERY], within=0.05)
    assert not bulk.granted and 0.3 <= bulk.wait <= 0.5
    await asyncio.sleep(bulk.wait)
    bulk = await store.take([EVERY], within=0.05)
    assert bulk.granted and bulk.wait <= 0.05 + SLACK


async def test_a_pause_holds_every_key(engine: AsyncEngine) -> None:
    store = store_for(engine)
    paused = time.monotonic()
    await store.pause(2.0)

    def left() -> float:
        """What is left of the pause (time passes between the calls on a busy machine)."""
        return 2.0 - (time.monotonic() - paused)

    assert left() - 0.2 <= await store.paused_for() <= 2.0
    turn = await store.take([Rule("c:5", 1.0)])
    assert turn.granted and left() - 0.2 <= turn.wait <= 2.0
    refused = await store.take([Rule("c:6", 1.0)], within=0.0)
    assert not refused.granted and left() - 0.2 <= refused.wait <= 2.0


@pytest.mark.postgres
async def test_workers_on_their_own_connections_never_share_a_slot(
    postgres_database: str,
) -> None:
    await _reset_postgres(postgres_database)
    engines = [create_engine(postgres_database) for _ in range(3)]
    try:
        await migrate.upgrade(engines[0])
        stores = [PostgresStore(e) for e in engines]
        rule = Rule("global", 0.1)
        # Ten connections open on each (as a worker's pool would be), before the clock runs.
        warm = [Rule("c:0", 1e-6)]
        await asyncio.gather(*(stores[n % 3].take(warm) for n in range(30)))
        # The key's next slot two seconds ahead: every turn is a reservation after it.
        async with engines[0].begin() as conn:
            ahead = text(f"INSERT INTO send_budget VALUES ('global', {NOW} + 2) RETURNING tat")
            first = float((await conn.execute(ahead)).scalar_one())
        turns = await asyncio.gather(*(stores[n % 3].take([rule]) for n in range(30)))
        async with engines[0].connect() as conn:
            tat = (
                await conn.execute(text("SELECT tat FROM send_budget WHERE key = 'global'"))
            ).scalar_one()
    finally:
        for engine in engines:
            await engine.dispose()
    assert all(t.granted for t in turns)
    # Thirty slots a tenth of a second apart: two turns sharing one would leave it earlier.
    assert tat - first == pytest.approx(3.0, abs=1e-4)


async def test_memory_prune_forgets_chats_long_past() -> None:
    now = [0.0]
    store = MemoryStore(clock=lambda: now[0])
    await store.take([Rule("c:1", 1.0), EVERY])
    now[0] = 1_000.0
    assert await store.prune() == 1
    assert (await store.take([EVERY])).wait == 0.0


class Broken(Store):
    """A shared store whose database is down."""

    async def take(self, rules: Sequence[Rule], *, within: float | None = None) -> Turn:
        raise OSError("connection refused")

    async def pause(self, seconds: float) -> None:
        raise OSError("connection refused")


async def test_without_the_database_a_worker_paces_alone_and_says_so() -> None:
    told: list[str] = []
    budget = Budget(Broken(), per_second=10, unreachable=told.append)
    first = await budget.take(budget.rules(None))
    second = await budget.take(budget.rules(None))
    assert first.granted and first.wait == 0.0
    assert second.granted and second.wait == pytest.approx(1 / 9.6, abs=0.01)
    await budget.pause(3.0)  # a 429 still holds this worker back
    assert (await budget.take(budget.rules(None))).wait == pytest.approx(3.0, abs=0.05)
    assert told == ["OSError"] * 4


@pytest.mark.postgres
@pytest.mark.timeout(60)
async def test_a_worker_stopped_while_holding_the_rows_holds_nobody_up(
    postgres_database: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A worker stopped between locking the budget's rows and committing (SIGSTOP, a frozen
    VM) would hold every worker's sending until it went on; the database ends its session
    after storage.db.BRIEF_HOLD_MS instead, and the turn it was planning never counts.

    The stopped worker is a thread with its own event loop, frozen inside ``take`` (in the
    planning, between the lock and the commit) as a stopped process would be."""
    await _reset_postgres(postgres_database)
    engine = create_engine(postgres_database)
    holding, go_on = threading.Event(), threading.Event()
    planning = storage_budget.plan
    frozen: threading.Thread | None = None

    def plan_then_freeze(*args: Any, **kwargs: Any) -> Any:
        if threading.current_thread() is frozen:
            holding.set()
            go_on.wait(timeout=50)  # the whole worker stops here, the rows locked
        return planning(*args, **kwargs)

    monkeypatch.setattr(storage_budget, "plan", plan_then_freeze)
    outcome: list[BaseException | Turn] = []

    def stopped_worker() -> None:
        async def take() -> Turn:
            own = create_engine(postgres_database)
            try:
                return await PostgresStore(own).take([EVERY])
            finally:
                await own.dispose()

        try:
            outcome.append(asyncio.run(take()))
        except BaseException as error:
            outcome.append(error)

    try:
        await migrate.upgrade(engine)
        store = PostgresStore(engine)
        await store.take([EVERY])  # the rows exist
        frozen = threading.Thread(target=stopped_worker)
        frozen.start()
        assert await asyncio.to_thread(holding.wait, 20)
        began = time.monotonic()
        turn = await asyncio.wait_for(store.take([EVERY]), timeout=BRIEF_HOLD_MS / 1000 + 15)
        waited = time.monotonic() - began
        go_on.set()
        await asyncio.to_thread(frozen.join, 20)
        again = await store.take([EVERY])
    finally:
        go_on.set()
        await engine.dispose()
    assert turn.granted and again.granted
    assert waited >= BRIEF_HOLD_MS / 1000 - 0.5, "it did wait for the stopped worker's lock"
    # The stopped worker's session was ended: its transaction, and the turn, are gone.
    assert len(outcome) == 1 and isinstance(outcome[0], DBAPIError), outcome

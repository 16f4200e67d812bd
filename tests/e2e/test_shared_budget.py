"""Several ``samenspraak serve`` processes on one PostgreSQL database (needs
TEST_DATABASE_URL).

* Three workers share one budget of Telegram calls (bot.core.budget): with a low overall
  cap, the fake Bot API, counting every sending call in every rolling second, never sees
  more than the cap, and its own flood limit (set to the cap) never has to answer 429,
  while all three workers answer residents and one of them sends a broadcast.
* A worker that stalls (SIGSTOP, 30 s) holds no job lease for ever: another worker takes
  the outbox job over and sends the broadcast meanwhile; once the stalled one goes on,
  nobody gets the message twice.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from sandbox.clients import FakeUser
from sandbox.fakeapi import FakeBotApi
from storage import leases
from storage.db import create_engine, session_factory
from tests.e2e.conftest import WEBHOOK_SECRET
from tests.e2e.fronts import SpreadingFront
from tests.e2e.test_workers import front, postgres_url  # noqa: F401 (fixtures)
from tests.support.bots import bot_environment
from tests.support.processes import ServeWorker, environment, healthy
from tests.support.sending import NEWS, most_in_a_second, seed_broadcast, sending

pytestmark = pytest.mark.postgres

CAP = 10  # messages a second, for the whole bot
RECIPIENTS = 40
TALKERS = 10  # residents asking for /help during the broadcast, twice each


@pytest.mark.slow
@pytest.mark.pacing  # counts sends per second at the fake: run alone
@pytest.mark.timeout(240)
async def test_three_workers_never_exceed_the_shared_cap(
    fake: FakeBotApi,
    postgres_url: str,  # noqa: F811
    front: SpreadingFront,  # noqa: F811
    tmp_path: Path,
) -> None:
    env = environment(
        **bot_environment(
            postgres_url,
            fake.url,
            log_level=os.environ.get("WORKERS_LOG_LEVEL", "WARNING"),
            webhook_url=front.webhook_url,
            webhook_secret=WEBHOOK_SECRET,
            rate_limit_per_second=CAP,
            broadcast_rate=25,  # above the cap: only the shared budget holds it back
            jobs_interval=1,
        )
    )
    workers = [
        ServeWorker(f"worker-{n}", int(backend.rsplit(":", 1)[1]), env, tmp_path)
        for n, backend in enumerate(front.backends, 1)
    ]
    try:
        workers[0].launch()  # creates the schema; then the others join
        await workers[0].wait_until(healthy(workers[0].url))
        for worker in workers[1:]:
            worker.launch()
        for worker in workers[1:]:
            await worker.wait_until(healthy(worker.url))
        fake.set_flood_limit(per_second=CAP)
        began = time.time()

        recipients = [fake.user(first_name=f"Ontvanger {i}") for i in range(RECIPIENTS)]
        talkers = [fake.user(first_name=f"Inwoner {i}") for i in range(TALKERS)]
        await seed_broadcast(postgres_url, recipients)

        async def talk(user: FakeUser) -> float:
            """Ask for help twice; the slowest reply's seconds."""
            slowest = 0.0
            for _ in range(2):
                asked = time.monotonic()
                await user.ask("/help", timeout=30)
                slowest = max(slowest, time.monotonic() - asked)
            return slowest

        waits = await asyncio.gather(*(talk(user) for user in talkers))

        async def delivered() -> int:
            return sum(1 for u in recipients for m in u.messages if m.text == NEWS)

        deadline = time.monotonic() + 60
        while await delivered() < RECIPIENTS:
            assert time.monotonic() < deadline, f"broadcast: {await delivered()} of {RECIPIENTS}"
            await asyncio.sleep(0.2)
        await fake.settle(timeout=10)
        for worker in workers:
            assert await worker.stop() == 0, worker.log_tail()
    finally:
        for worker in workers:
            worker.kill()

    calls = [c for c in fake.calls if sending(c) and c.time >= began]
    flooded = [c for c in calls if c.error_code == 429]
    assert flooded == [], f"the fake answered 429 {len(flooded)} times"
    busiest = most_in_a_second([c.time for c in calls])
    assert busiest <= CAP, f"{busiest} calls in one second"
    # The cap was the limit that mattered: the workers together sent at nearly its pace.
    assert busiest >= CAP - 2, f"only {busiest} calls in the busiest second"
    assert [sum(1 for m in u.messages if m.text == NEWS) for u in recipients] == [1] * RECIPIENTS
    # Every worker answered residents (the front spreads the updates).
    assert all(front.passed[w.url] > 0 for w in workers)
    assert fake.rejected == []
    print(
        f"\n{len(calls)} sending calls, at most {busiest} in one second (cap {CAP}); "
        f"slowest /help reply {max(waits):.2f} s"
    )


STALL = 30.0  # seconds the stalled worker stays stopped


@pytest.mark.slow
@pytest.mark.timeout(300)
async def test_a_stalled_worker_holds_no_lease_for_ever(
    fake: FakeBotApi,
    postgres_url: str,  # noqa: F811
    front: SpreadingFront,  # noqa: F811
    tmp_path: Path,
) -> None:
    env = environment(
        **bot_environment(
            postgres_url,
            fake.url,
            log_level=os.environ.get("WORKERS_LOG_LEVEL", "WARNING"),
            webhook_url=front.webhook_url,
            webhook_secret=WEBHOOK_SECRET,
            jobs_interval=1,  # leases last 2 x 1 s + 10 s
        )
    )
    workers = [
        ServeWorker(f"worker-{n}", int(backend.rsplit(":", 1)[1]), env, tmp_path)
        for n, backend in enumerate(front.backends[:2], 1)
    ]
    engine = create_engine(postgres_url)
    sessions = session_factory(engine)
    stalled: ServeWorker | None = None
    try:
        workers[0].launch()
        await workers[0].wait_until(healthy(workers[0].url))
        workers[1].launch()
        await workers[1].wait_until(healthy(workers[1].url))

        async def holder() -> str | None:
            async with sessions() as db:
                held = await leases.current(db, "outbox", now=datetime.now(UTC))
            return held.holder if held is not None else None

        deadline = time.monotonic() + 30
        while (name := await holder()) is None:
            assert time.monotonic() < deadline, "nobody took the outbox job"
            await asyncio.sleep(0.2)
        stalled = next(w for w in workers if w.name == name)
        other = next(w for w in workers if w is not stalled)
        stalled._process().suspend()  # SIGSTOP
        stopped_at = time.monotonic()
        users = [fake.user(first_name=f"Ontvanger {i}") for i in range(20)]
        await seed_broadcast(postgres_url, users, prefix="stall")

        def delivered() -> int:
            return sum(1 for u in users for m in u.messages if m.text == NEWS)

        while delivered() < len(users):
            assert time.monotonic() - stopped_at < STALL, (
                f"{delivered()} of {len(users)} sent while {stalled.name} stalled"
            )
            await asyncio.sleep(0.2)
        assert await holder() == other.name
        taken_over = time.monotonic() - stopped_at
        await asyncio.sleep(max(0.0, STALL - taken_over))
        stalled._process().resume()  # SIGCONT: it finds its lease gone and carries on
        await asyncio.sleep(3)
        await fake.settle(timeout=10)
        for worker in workers:
            assert await worker.stop() == 0, worker.log_tail()
    finally:
        if stalled is not None:
            with contextlib.suppress(Exception):
                stalled._process().resume()
        for worker in workers:
            worker.kill()
        await engine.dispose()
    assert [sum(1 for m in u.messages if m.text == NEWS) for u in users] == [1] * len(users)
    assert fake.rejected == []
    print(f"\nthe broadcast went out {taken_over:.1f} s after the lease holder stalled")

"""PostgreSQL restarted under a worker: while it is down the webhook answers 503 (so
Telegram delivers the update again) and ``/healthz`` says so; when it is back the worker
reconnects by itself, without a restart, and the answer given meanwhile is stored once.

The database is a throw-away PostgreSQL server of this test's own
(:class:`tests.support.pgcluster.Cluster`), never the shared one other tests use; the test
is skipped where PostgreSQL's server binaries are missing. The same fault under load, with
counts: ``python -m bench faults`` (BENCHMARKS.md).
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from sandbox.fakeapi import FakeBotApi
from storage.db import create_engine, session_factory
from storage.models import Answer
from tests.e2e.fronts import CountingFront
from tests.e2e.test_resilience import PLAN, open_afval, perform, progress
from tests.support.bots import WEBHOOK_SECRET, bot_environment
from tests.support.pgcluster import Cluster, binaries
from tests.support.ports import reserve_port
from tests.support.processes import ServeWorker, environment, healthy

pytestmark = [
    pytest.mark.slow,
    pytest.mark.timeout(240),
    pytest.mark.skipif(binaries() is None, reason="needs PostgreSQL's initdb and pg_ctl"),
]


@pytest.fixture
def cluster() -> Iterator[Cluster]:
    with Cluster() as made:
        yield made


async def _health(url: str) -> bool:
    return await healthy(url)()


async def _answers(url: str) -> int:
    engine = create_engine(url)
    try:
        async with session_factory(engine)() as db:
            return int(await db.scalar(select(func.count()).select_from(Answer)) or 0)
    finally:
        await engine.dispose()


async def test_a_database_restart_gets_503_then_the_answer_once(
    fake: FakeBotApi, cluster: Cluster, tmp_path: Path
) -> None:
    reserved = reserve_port()
    front = CountingFront([reserved.url])
    await front.start()
    env = environment(
        **bot_environment(
            cluster.url,
            fake.url,
            webhook_url=front.webhook_url,
            webhook_secret=WEBHOOK_SECRET,
        )
    )
    reserved.release()  # the worker takes the port now
    worker = ServeWorker("worker-1", reserved.port, env, tmp_path)
    fake.retry_webhook(attempts=60, first_delay=0.2, longest_delay=0.5)
    try:
        worker.launch()
        await worker.wait_until(healthy(worker.url), within=120)
        pid = worker.popen.pid if worker.popen else None
        user = fake.user(first_name="Noor")
        question = await open_afval(user, patience=30)
        assert progress(question)[0] == 1
        before = await _answers(cluster.url)

        await asyncio.to_thread(cluster.stop)  # immediate: connections cut, as in a crash
        assert not await _health(worker.url)  # /healthz: 503 database unavailable
        await perform(user, question, PLAN[0])  # the answer, while the database is down
        while not front.statuses[503]:  # the worker could not take the resident's turn
            await user.chat.changed.wait(0.1)
        assert not user.unread()  # no apology, no reply: Telegram will try again

        await asyncio.to_thread(cluster.start)
        following = await user.next_message(60)  # delivered again, handled now
        assert progress(following)[0] == 2
        assert await _health(worker.url)
        assert worker.running() and worker.popen is not None and worker.popen.pid == pid
        assert await _answers(cluster.url) == before + 1  # stored once
        assert fake.webhook_failures == []
        assert worker.returncode is None
        assert await worker.stop() == 0, worker.log_tail()
    finally:
        worker.kill()
        await front.stop()

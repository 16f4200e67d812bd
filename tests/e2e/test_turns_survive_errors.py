"""A database error in one update does not take other residents' turns away (PostgreSQL).

A worker holds the turns of the residents whose updates it handles as advisory locks on a
few long-lived connections. An update the database refuses (here an ``update_id`` beyond
BIGINT, which the webhook refuses before it gets this far, but a Bot API server reached
with long polling could still send) must fail on its own: if its connection were given up,
PostgreSQL would free every lock on it, and another worker would start on a resident whose
update is still being handled.
"""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy.exc import StatementError

from bot.app.processor import PerResidentUpdateProcessor
from tests.e2e.test_idempotency import message
from tests.e2e.test_workers import postgres_url  # noqa: F401 - a fixture
from tests.support.bots import built_services

pytestmark = pytest.mark.postgres

ANN, BOB = 8_000_001, 8_000_002


async def test_a_refused_update_leaves_the_other_residents_turns_held(
    postgres_url: str,  # noqa: F811 - the fixture
) -> None:
    async with (
        built_services(postgres_url, worker_name="worker-1") as first,
        built_services(postgres_url, worker_name="worker-2") as second,
    ):
        # One lane: Ann's turn and Bob's refused update share the connection.
        one = PerResidentUpdateProcessor(8, first, lanes=1)
        other = PerResidentUpdateProcessor(8, second)
        events: list[str] = []
        started, release = asyncio.Event(), asyncio.Event()

        async def ann_first() -> None:
            events.append("ann 1 in")
            started.set()
            await release.wait()
            events.append("ann 1 out")

        async def ann_second() -> None:
            events.append("ann 2 in")

        async def bob() -> None:
            events.append("bob")

        await one.initialize()
        await other.initialize()
        try:
            holding = asyncio.create_task(one.process_update(message(3001, ANN), ann_first()))
            await asyncio.wait_for(started.wait(), 10)

            with pytest.raises(StatementError):
                await one.process_update(message(2**63, BOB), bob())

            # Ann's next update reaches the other worker while her first is still handled:
            # it must wait for her turn.
            waiting = asyncio.create_task(other.process_update(message(3002, ANN), ann_second()))
            await asyncio.sleep(0.5)
            release.set()
            await asyncio.wait_for(asyncio.gather(holding, waiting), 10)

            # The connection still works for everybody: Bob's next update is handled.
            await one.process_update(message(3003, BOB), bob())
        finally:
            release.set()
            await one.shutdown()
            await other.shutdown()
    assert events == ["ann 1 in", "ann 1 out", "ann 2 in", "bob"]

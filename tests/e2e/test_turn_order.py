"""A resident's updates are handled in the order they were sent, also across workers and
when one of them waits for its turn (needs TEST_DATABASE_URL; CI sets it).

Telegram sends a chat's next update only after the webhook answered the one before. A
worker answers an update once it is handled, or after ``ANSWER_WITHIN`` seconds when it is
still being handled ("it is ours"). An update that by then has not even got the resident's
turn (the worker is busy with others) must not be answered 200: Telegram would send the
resident's next update, another worker would handle it first, and a typed answer meant for
one question would land on another. This is what the fault benchmark's database restart
showed once (BENCHMARKS.md, issue #18): resident 3 typed "2" for the kind of containers,
heard nothing, asked again with ``/start afvalinzameling``, was shown the same question and
typed "2" again; the first "2", handled last, was stored as the answer to the next question
("1, 4" became "2": ``['kapot']`` instead of ``['vol', 'vies']``).

Here one worker is kept busy on purpose: the test holds another resident's turn (their
advisory lock), that resident's update takes the busy worker's only slot, and the answer
under test goes to that worker and waits behind it.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, create_async_engine

import bot.app.webhook as webhook_module
from bot.app.processor import lock_key
from sandbox.clients import FakeUser
from sandbox.fakeapi import FakeBotApi
from sandbox.models import BotMessage
from tests.conftest import _reset_postgres
from tests.e2e.conftest import WebhookRunner
from tests.e2e.fronts import SteeringFront
from tests.e2e.test_kill import DEEP_LINK, kill_plan
from tests.e2e.test_resilience import open_afval, perform, progress, stored_answers
from tests.support.ports import reserve_port

pytestmark = [pytest.mark.postgres, pytest.mark.timeout(180)]

#: Resident 3 of the fault benchmark: "2" (underground containers), then "1, 4".
STEPS, ANSWERS = kill_plan(3)
BUSY, OTHER = 0, 1  # the workers, by their place behind the front
PATIENCE = 30.0


@pytest.fixture
def postgres_url(request: pytest.FixtureRequest) -> str:
    """An empty PostgreSQL database (skipped without TEST_DATABASE_URL)."""
    url: str = request.getfixturevalue("postgres_database")
    asyncio.run(_reset_postgres(url))
    return url


@pytest.fixture
async def held_turn(postgres_url: str) -> AsyncIterator[AsyncConnection]:
    """A connection of the test's own, to hold residents' turns on (advisory locks)."""
    engine = create_async_engine(postgres_url, isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as connection:
            yield connection
    finally:
        await engine.dispose()


def chat_of(update: dict[str, Any]) -> int | None:
    message = update.get("message")
    return int(message["chat"]["id"]) if isinstance(message, dict) else None


def questions(messages: list[BotMessage]) -> list[BotMessage]:
    return [m for m in messages if m.text.startswith("Vraag ")]


async def answer_to_the_end(user: FakeUser, fake: FakeBotApi) -> None:
    """Like a person, once the chat is quiet: answer the last question shown, wait for the
    next one, and so on until the thanks."""
    assert await fake.settle(PATIENCE, quiet=0.5)
    shown = questions(user.drain())
    assert shown, user.messages[-3:]
    question = shown[-1]
    while True:
        await perform(user, question, STEPS[progress(question)[0] - 1])
        message = await user.next_message(PATIENCE)
        while not message.text.startswith(("Vraag ", "Klaar! Dank je wel")):
            message = await user.next_message(PATIENCE)
        if message.text.startswith("Klaar! Dank je wel"):
            return
        question = message


@pytest.mark.parametrize(
    "attempts",
    [
        pytest.param(200, id="sent-again"),
        # Telegram gives up on it (here at once): the copy waiting in BUSY must not run later.
        pytest.param(1, id="given-up"),
    ],
)
async def test_an_answer_waiting_for_its_turn_is_not_overtaken_by_the_next(
    fake: FakeBotApi,
    postgres_url: str,
    held_turn: AsyncConnection,
    monkeypatch: pytest.MonkeyPatch,
    attempts: int,
) -> None:
    # A second instead of five: the test waits for each answer of the front, not for time.
    monkeypatch.setattr(webhook_module, "ANSWER_WITHIN", 1.0)
    fake.retry_webhook(attempts=attempts, first_delay=0.2, longest_delay=0.5)
    with reserve_port() as port:  # held until the front listens on it
        url = f"{port.url}/telegram"
        workers = [
            WebhookRunner(fake, postgres_url, url=url, max_concurrent_updates=1),  # BUSY
            WebhookRunner(fake, postgres_url, url=url),  # OTHER
        ]
        front = SteeringFront([w.base_url for w in workers], port=port.port)
        await front.start()
    try:
        for worker in workers:
            await worker.start()
        ann, noor = fake.user(first_name="Ann"), fake.user(first_name="Noor")
        question = await open_afval(noor, patience=PATIENCE)  # all through OTHER
        await perform(noor, question, STEPS[0])
        question = await noor.next_message(PATIENCE)
        assert progress(question)[0] == 2

        # Ann's turn is held: her update takes BUSY's only slot and waits there.
        key = lock_key(ann.id, 0)
        await held_turn.execute(text("SELECT pg_advisory_lock(:key)"), {"key": key})
        first: list[int] = []  # the update id of Noor's "2", once the front saw it
        waiting: list[int] = []  # Ann's

        def steer(update: dict[str, Any]) -> int:
            chat = chat_of(update)
            if chat == ann.chat_id:
                waiting.append(int(update["update_id"]))
                return BUSY
            if chat == noor.chat_id and update["message"].get("text") == "2" and not first:
                first.append(int(update["update_id"]))
            return BUSY if update["update_id"] in first else OTHER

        front.steer = steer
        await ann.send("/start")
        # Answered (200 or 503): either way it still waits for her turn, in BUSY's slot.
        assert await front.changed.wait_until(
            lambda: any(u in front.answers for u in waiting), PATIENCE
        )

        # Noor types "2" (to BUSY, behind Ann), hears nothing and asks where she is.
        await perform(noor, question, STEPS[1])
        await noor.send(DEEP_LINK)
        # Either BUSY answered her "2" without having handled it, or Telegram gave up on
        # it, and OTHER answered her /start first (the question she already answered, shown
        # again); or BUSY asked for the "2" again and Telegram keeps her /start until then.
        assert await front.changed.wait_until(
            lambda: (
                bool(questions(noor.unread()))
                or (attempts > 1 and bool(first) and 503 in front.answers.get(first[0], []))
            ),
            PATIENCE,
            recheck=0.1,
        )
        shown = questions(noor.drain())
        if shown:
            # As a person does: she answers the question shown, again "2" (through OTHER).
            assert progress(shown[-1])[0] == 2
            await perform(noor, shown[-1], STEPS[1])
            await noor.wait_for(lambda: bool(questions(noor.unread())), PATIENCE, "question")

        await held_turn.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": key})
        await answer_to_the_end(noor, fake)
        assert await fake.settle(PATIENCE, quiet=0.5)
    finally:
        await held_turn.execute(text("SELECT pg_advisory_unlock_all()"))
        for worker in workers:
            await worker.stop()
        await front.stop()

    # Every answer as she gave it: no "2" stored for the question after the one it answered.
    stored = await stored_answers(postgres_url, noor)
    assert stored == ANSWERS

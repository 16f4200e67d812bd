"""Flood protection: a resident who sends too much at once gets one "rustig aan" and the
excess is dropped for the rest of the window; nobody else notices, nothing is lost.

The guard's clock (``bot.app.flood.clock``) is replaced by one the test moves on, so the
window is exact however slow the machine is.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from prometheus_client import REGISTRY

import bot.app.flood as flood  # by this name: the ``bot`` fixture shadows the package
from bot.app.flood import FloodGuard, Verdict
from sandbox.fakeapi import FakeBotApi
from sandbox.models import BotMessage
from tests.e2e.conftest import BotRunner, running_bot
from tests.e2e.test_resilience import (
    PLAN,
    answer,
    assert_complete,
    assert_summary,
    first_answers,
    open_afval,
    progress,
    stored_answers,
    walk,
)

LIMIT = 10  # updates per window
WINDOW = 60.0  # seconds on the test's clock
FLOOD = 50
RUSTIG_AAN = "Rustig aan! Je stuurt veel berichten tegelijk."
UNSUPPORTED = "Daar kan ik niets mee, sorry."


class Clock:
    """Seconds, moved on by the test."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    moment = Clock()
    monkeypatch.setattr(flood, "clock", moment)
    return moment


@pytest.fixture
async def guarded(fake: FakeBotApi, database_url: str, clock: Clock) -> AsyncIterator[BotRunner]:
    async with running_bot(
        fake, database_url, flood_max_updates=LIMIT, flood_window=WINDOW
    ) as runner:
        yield runner


def dropped() -> float:
    value = REGISTRY.get_sample_value("samenspraak_updates_dropped_total", {"reason": "flood"})
    return value or 0.0


# --- the guard on its own -----------------------------------------------------------------------


def test_the_guard_counts_per_resident_in_windows() -> None:
    clock = Clock()
    guard = FloodGuard(3, 10, now=clock)
    assert [guard.check(1) for _ in range(3)] == [Verdict.HANDLE] * 3
    assert guard.check(2) is Verdict.HANDLE  # someone else is not affected
    assert guard.check(1) is Verdict.WARN  # once
    assert [guard.check(1) for _ in range(5)] == [Verdict.DROP] * 5
    clock.now += 9.9
    assert guard.check(1) is Verdict.DROP  # still the same window
    clock.now += 0.1
    assert [guard.check(1) for _ in range(3)] == [Verdict.HANDLE] * 3
    assert guard.check(1) is Verdict.WARN  # a new window, a new warning


def test_the_guard_forgets_residents_whose_window_ended() -> None:
    clock = Clock()
    guard = FloodGuard(3, 10, now=clock)
    for resident in range(10_000):
        guard.check(resident)
    assert len(guard) == 10_000
    clock.now += 10
    guard.check(10_000)
    assert len(guard) == 1

    capped = FloodGuard(3, 10, now=clock, max_tracked=100)
    for resident in range(1_000):
        capped.check(resident)
    assert len(capped) == 100


def test_the_guard_refuses_a_limit_that_lets_nothing_through() -> None:
    with pytest.raises(ValueError, match="at least one update"):
        FloodGuard(0, 10)


# --- through the bot -----------------------------------------------------------------------------


async def test_a_flood_gets_one_rustig_aan_and_the_rest_is_dropped(
    fake: FakeBotApi, guarded: BotRunner, database_url: str, clock: Clock
) -> None:
    flooder = fake.user()
    others = [fake.user() for _ in range(3)]
    everyone = [flooder, *others]
    firsts = await asyncio.gather(*(open_afval(u) for u in everyone))
    seconds = await asyncio.gather(
        *(walk(u, q, PLAN[:1]) for u, q in zip(everyone, firsts, strict=True))
    )
    clock.now += WINDOW  # everyone starts a fresh window
    before = dropped()

    # 50 stickers at once, while the others go on answering.
    async def flood_them() -> None:
        for _ in range(FLOOD):
            await flooder.send_sticker()

    thirds, _ = await asyncio.gather(
        asyncio.gather(*(answer(o, q, PLAN[1]) for o, q in zip(others, seconds[1:], strict=True))),
        flood_them(),
    )
    for message in thirds:
        assert progress(message) == (3, 8)  # the others were answered as usual
    # Dropping makes no Bot API call: wait for the count rather than for a quiet fake.
    for _ in range(2000):  # at most 20 s
        if dropped() - before >= FLOOD - LIMIT:
            break
        await asyncio.sleep(0.01)
    await fake.settle()

    # The first LIMIT stickers got the usual hint and the question again; then one warning.
    received = flooder.drain()
    assert len(received) == 2 * LIMIT + 1
    assert [m.text.startswith(UNSUPPORTED) for m in received[:-1:2]] == [True] * LIMIT
    assert [progress(m) for m in received[1:-1:2]] == [(2, 7)] * LIMIT
    assert received[-1].text.startswith(RUSTIG_AAN)
    assert received[-1].buttons == []
    assert dropped() - before == FLOOD - LIMIT
    assert all(o.unread() == [] for o in others)

    # A button pressed in the same window is dropped too, but answered (it stops spinning).
    question: BotMessage = received[-2]
    query = await flooder.press("Ondergrondse", message=question)
    assert (await flooder.wait_callback_answered(query)).text is None
    await fake.settle()
    assert flooder.unread() == []  # no second warning, no answer taken
    assert await stored_answers(database_url, flooder) == first_answers(1)

    # After the window the resident goes on where they were; nothing was lost.
    async def take_time(_step: int) -> None:
        clock.now += WINDOW  # an unhurried resident: one window per answer

    done = await walk(flooder, question, PLAN[1:], first=1, between=take_time)
    assert_summary(done)
    await assert_complete(database_url, flooder)


async def test_the_warning_comes_in_the_residents_language(
    fake: FakeBotApi, guarded: BotRunner, clock: Clock
) -> None:
    """Also before consent: the language of the resident's Telegram app."""
    visitor = fake.user(language_code="en")
    for _ in range(LIMIT + 5):
        await visitor.send("hello?")
    # Waited for, not only settled: on a busy machine the fake can be quiet for a moment
    # before the first reply.
    received = await visitor.next_messages(LIMIT + 1)
    await fake.settle()
    assert visitor.unread() == []  # and nothing after the warning
    assert received[-1].text.startswith("Easy there! You are sending many messages at once.")

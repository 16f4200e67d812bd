"""The rate limiter checks a prepaid call's turn the moment the request leaves: a broadcast
message that is late (a slow claim, a busy machine) takes another turn rather than crowd
the messages of the turns after it; one on time goes at once, without another turn."""

from __future__ import annotations

from typing import Any

from bot.core.budget import LATE, Budget, SharedRateLimiter
from storage.budget import MemoryStore


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


async def _send(limiter: SharedRateLimiter, clock: Clock, due: float) -> tuple[int, list[float]]:
    """A prepaid sendMessage due at ``due``; how often it took another turn, and when it
    left (on the clock)."""
    retakes = 0
    left: list[float] = []

    async def again() -> float:
        nonlocal retakes
        retakes += 1
        clock.now += 0.001  # taking a turn takes a moment; the new one is now
        return 0.0

    async def callback(*_args: Any, **_kwargs: Any) -> bool:
        left.append(clock.now)
        return True

    options = {"prepaid": True, "due": due, "again": again}
    await limiter.process_request(callback, (), {}, "sendMessage", {"chat_id": 7}, options)
    return retakes, left


async def test_a_late_prepaid_call_takes_another_turn_and_one_on_time_does_not() -> None:
    clock = Clock()
    limiter = SharedRateLimiter(Budget(MemoryStore(), per_second=30, clock=clock))
    assert await _send(limiter, clock, due=clock.now) == (0, [100.0])
    assert await _send(limiter, clock, due=clock.now - LATE / 2) == (0, [100.0])
    retakes, left = await _send(limiter, clock, due=clock.now - 3 * LATE)
    assert retakes == 1 and left == [100.001]


async def test_a_prepaid_call_without_a_turn_goes_as_it_is() -> None:
    clock = Clock()
    limiter = SharedRateLimiter(Budget(MemoryStore(), per_second=30, clock=clock))
    sent: list[str] = []

    async def callback(*_args: Any, **_kwargs: Any) -> bool:
        sent.append("sent")
        return True

    await limiter.process_request(
        callback, (), {}, "sendMessage", {"chat_id": 7}, {"prepaid": True}
    )
    assert sent == ["sent"]

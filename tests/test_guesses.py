"""bot.core.guesses: 10,000 wrong codes from one resident are slowed down to a handful per
hour, and nobody else is slowed down by them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.core.guesses import REFILL, TRIES, Guesses


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2031, 5, 1, 10, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


def test_ten_thousand_wrong_guesses_from_one_key_are_slowed_down_alone() -> None:
    clock = Clock()
    guesses = Guesses(clock=clock)
    looked_up = 0
    for _ in range(10_000):  # as fast as a script can: one a second
        if guesses.wait("guesser") is None:
            looked_up += 1
            guesses.wrong("guesser")
        # Another resident, typing a code now and then, is never held up.
        assert guesses.wait("neighbour") is None
        clock.now += timedelta(seconds=1)
    # 10,000 seconds: the first few, then one per REFILL.
    allowed = TRIES + int(timedelta(seconds=10_000) / REFILL)
    assert looked_up <= allowed + 1
    assert looked_up < 70  # of 10,000
    assert guesses.wait("guesser") is not None


def test_a_few_wrong_codes_then_a_wait_that_ends() -> None:
    clock = Clock()
    guesses = Guesses(tries=3, refill=timedelta(minutes=2), clock=clock)
    for _ in range(3):
        assert guesses.wait("a") is None
        guesses.wrong("a")
    wait = guesses.wait("a")
    assert wait == timedelta(minutes=2)
    clock.now += timedelta(minutes=1)
    assert guesses.wait("a") == timedelta(minutes=1)
    clock.now += timedelta(minutes=1)
    assert guesses.wait("a") is None  # one try back
    guesses.wrong("a")
    assert guesses.wait("a") is not None


def test_memory_stays_bounded() -> None:
    guesses = Guesses(keys=100, clock=Clock())
    for key in range(1000):
        guesses.wrong(str(key))
    assert len(guesses) == 100

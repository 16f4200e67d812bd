"""Slowing down guessed invitation codes: a few wrong codes from one resident (or, for the
web door, one network address) and further tries are refused for a while.

Kept in this process's memory only, never stored: a key is a resident's pseudonym or an
address, and nothing of it outlives the process. Each key has its own bucket, so one
guesser is slowed down and nobody else is: a bucket holds :attr:`Guesses.tries` wrong
codes and refills by one every :attr:`Guesses.refill`. While a key's bucket is empty, a
code from it is refused without being looked up, so guessing faster only wastes the
guesser's own tries. A right code costs nothing. Memory stays bounded (:class:`Recent`):
the keys that guessed longest ago are forgotten first.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from bot.core.recent import Recent

#: Wrong codes one key may try before it must wait.
TRIES = 5
#: One more try comes back after this long.
REFILL = timedelta(minutes=3)
#: Keys remembered at most.
KEYS = 100_000


@dataclass(frozen=True, slots=True)
class _Bucket:
    tries: float  # wrong codes still allowed, at ``at``
    at: datetime


def _utc_now() -> datetime:
    return datetime.now(UTC)


class Guesses:
    """Per key: may it try a code now, and what a wrong one costs it."""

    def __init__(
        self,
        *,
        tries: int = TRIES,
        refill: timedelta = REFILL,
        keys: int = KEYS,
        clock: Callable[[], datetime] = _utc_now,
    ) -> None:
        self.tries = tries
        self.refill = refill
        self.clock = clock
        self._buckets: Recent[str, _Bucket] = Recent(keys)

    def _now(self, key: str) -> _Bucket:
        now = self.clock()
        bucket = self._buckets.get(key)
        if bucket is None:
            return _Bucket(float(self.tries), now)
        earned = max(0.0, (now - bucket.at) / self.refill)
        return _Bucket(min(float(self.tries), bucket.tries + earned), now)

    def wait(self, key: str) -> timedelta | None:
        """None when ``key`` may try a code now; else how long until it may."""
        bucket = self._now(key)
        if bucket.tries >= 1:
            return None
        return self.refill * (1 - bucket.tries)

    def wrong(self, key: str) -> None:
        """``key`` tried a code that was none (or not one of a questionnaire's)."""
        bucket = self._now(key)
        self._buckets.put(key, _Bucket(max(0.0, bucket.tries - 1), bucket.at))

    def __len__(self) -> int:
        return len(self._buckets)

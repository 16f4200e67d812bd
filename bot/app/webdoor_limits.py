"""Limits of the web door (:mod:`bot.app.webdoor`): per browser session, and per network
address for new sessions and for posts, so that dropping the cookie does not dodge them.

Everything here lives in this process's memory only: an address is never stored or
logged, and nothing of it outlives the process (nor is it shared with other workers, so
each worker allows as much again). Each key has its own bucket (a token bucket: a burst,
then a steady rate), so one busy address is slowed down and no other. The numbers are
generous enough for a household or an office behind one address (NAT): an office whose
staff open the page from the same newsletter at once gets :data:`NEW_SESSIONS_BURST`
sessions at once and then one every 1 / :data:`NEW_SESSIONS_PER_SECOND` seconds; a
script that drops its cookie after every answer is held to that rate.
Memory stays bounded (:class:`Recent`): the addresses seen longest ago are forgotten first.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from bot.core.recent import Recent

#: Posts per browser session in quick succession, and how many more per second after.
BURST = 30
PER_SECOND = 1.0
#: New browser sessions (a page without a cookie, a "continue on another device" link)
#: from one network address at once, and how many more per second after (one in 5 s).
NEW_SESSIONS_BURST = 60
NEW_SESSIONS_PER_SECOND = 0.2
#: Posts (answers, buttons) from one network address at once, and how many more per second
#: after: an office of a few hundred people answering at the same time stays under it.
POSTS_BURST = 600
POSTS_PER_SECOND = 20.0
#: Addresses remembered at most.
ADDRESSES = 100_000


@dataclass(slots=True)
class Bucket:
    """A token bucket: ``allowance`` tries now, refilling at a steady rate up to a burst."""

    allowance: float
    checked: float = -1.0

    def take(self, now: float, burst: int, per_second: float) -> bool:
        """Take one try at ``now``; False when there is none left."""
        if self.checked < 0:
            self.checked = now
        self.allowance = min(burst, self.allowance + (now - self.checked) * per_second)
        self.checked = now
        if self.allowance < 1:
            return False
        self.allowance -= 1
        return True


@dataclass(frozen=True, slots=True)
class Rate:
    """A burst, then ``per_second``."""

    burst: int
    per_second: float


class Addresses:
    """Per network address: may it open a new session, may it post now."""

    def __init__(
        self,
        *,
        sessions: Rate = Rate(NEW_SESSIONS_BURST, NEW_SESSIONS_PER_SECOND),
        posts: Rate = Rate(POSTS_BURST, POSTS_PER_SECOND),
        keys: int = ADDRESSES,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.sessions, self.posts = sessions, posts
        self.clock = clock
        self._buckets: Recent[tuple[str, str], Bucket] = Recent(keys)

    def _take(self, kind: str, address: str, rate: Rate) -> bool:
        bucket = self._buckets.get((kind, address))
        if bucket is None:
            bucket = Bucket(float(rate.burst))
            self._buckets.put((kind, address), bucket)
        return bucket.take(self.clock(), rate.burst, rate.per_second)

    def new_session(self, address: str) -> bool:
        """A new browser session from ``address``: allowed now?"""
        return self._take("session", address, self.sessions)

    def post(self, address: str) -> bool:
        """A post from ``address``: allowed now?"""
        return self._take("post", address, self.posts)

    def __len__(self) -> int:
        return len(self._buckets)

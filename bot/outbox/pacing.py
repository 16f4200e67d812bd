"""The broadcast's pace: overall spacing with a small catch-up, one message per chat per
interval, pauses after a 429, and giving way to residents' live replies.

Pure timing on an injected clock (``time.monotonic`` by default); the sender
(:mod:`bot.outbox.sender`) asks it when the next message may go.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable

CALLS_PER_UPDATE = 2.0  # Bot API calls the bot makes for one resident's update (edit + send)
MIN_SHARE = 0.2  # the broadcast never slows below this share of BROADCAST_RATE
LIVE_WINDOW = 2.0  # seconds over which live updates are counted
CHATS_REMEMBERED = 50_000  # chats whose last message time is kept before old ones go


class LiveTraffic:
    """How many updates residents sent lately (per second, over :data:`LIVE_WINDOW`)."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self._times: deque[float] = deque()

    def hit(self) -> None:
        now = self.clock()
        self._times.append(now)
        self._forget(now)

    def per_second(self) -> float:
        self._forget(self.clock())
        return len(self._times) / LIVE_WINDOW

    def _forget(self, now: float) -> None:
        while self._times and self._times[0] < now - LIVE_WINDOW:
            self._times.popleft()


def allowed_rate(rate: float, budget: float, live_updates_per_second: float) -> float:
    """The broadcast's pace: ``rate``, less what live replies need of ``budget``."""
    left = budget - CALLS_PER_UPDATE * live_updates_per_second
    return max(rate * MIN_SHARE, min(rate, left))


class Pacer:
    """When the next broadcast message may go: overall spacing, per chat, and pauses."""

    def __init__(
        self,
        rate: float,
        chat_interval: float,
        clock: Callable[[], float] = time.monotonic,
        *,
        burst: float = 2,
    ) -> None:
        self.rate = rate
        self.spacing = 1.0 / rate
        self.burst = burst
        self.chat_interval = chat_interval
        self.clock = clock
        self._next = 0.0
        self._paused_until = 0.0
        self._chats: dict[int, float] = {}

    def set_rate(self, rate: float) -> None:
        self.rate = rate
        self.spacing = 1.0 / rate

    def delay(self) -> float:
        """Seconds until the next message may go overall (0: now)."""
        return max(0.0, max(self._next, self._paused_until) - self.clock())

    def chat_delay(self, chat_id: int) -> float:
        last = self._chats.get(chat_id)
        return 0.0 if last is None else max(0.0, last + self.chat_interval - self.clock())

    def take(self, chat_id: int | None = None) -> None:
        """A message goes now."""
        now = self.clock()
        # Slots missed by a little (the loop was busy) may be caught up, ``burst`` at most.
        self._next = max(self._next, now - self.burst * self.spacing) + self.spacing
        if chat_id is not None:
            self.mark_chat(chat_id)

    def mark_chat(self, chat_id: int) -> None:
        """A message goes to this chat now."""
        now = self.clock()
        self._chats[chat_id] = now
        if len(self._chats) > CHATS_REMEMBERED:
            horizon = now - self.chat_interval
            self._chats = {c: at for c, at in self._chats.items() if at > horizon}

    def pause(self, seconds: float) -> None:
        self._paused_until = max(self._paused_until, self.clock() + seconds)

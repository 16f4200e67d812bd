"""Clocks a test injects (``services.clock``, ``BotRunner.clock``) and moves by hand.

``Fixed(now)`` stands still until the test sets ``now`` or calls ``advance``;
``Offset()`` runs with real time plus an offset the test moves forward, for code that also
compares with timestamps the database stamps itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta


@dataclass
class Fixed:
    """A clock that only moves when the test moves it."""

    now: datetime

    def __call__(self) -> datetime:
        return self.now

    def advance(self, delta: timedelta) -> None:
        self.now += delta


@dataclass
class Offset:
    """Real time plus ``offset``, which the test moves forward."""

    offset: timedelta = field(default_factory=timedelta)

    def __call__(self) -> datetime:
        return datetime.now(UTC) + self.offset

"""What the deliberation handlers share across updates: parsed deliberation files (by the
checksum of their stored source) and recent opinion analyses (by deliberation), both in
this worker's memory.

The analysis (:mod:`analysis.opinions`) runs off the event loop, at most once per
:data:`ANALYSIS_TTL` seconds per deliberation for routing and "Waar sta ik?"; a digest runs
its own. Statements are known to the analysis by their number (Polis's comment id) and
participants by their pseudonymous number, never by a resident id.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Sequence
from datetime import datetime, tzinfo
from typing import TYPE_CHECKING

from sqlalchemy.ext.asyncio import AsyncSession

from flows.deliberation import Deliberation, parse
from storage import deliberations as store
from storage.deliberations import DeliberationInfo, VoteRow

if TYPE_CHECKING:  # numpy and scikit-learn load when an analysis first runs
    from analysis.opinions import OpinionAnalysis

#: Seconds an analysis serves routing and "Waar sta ik?" before it is made again.
ANALYSIS_TTL = 30.0


def run_analysis(
    rows: Sequence[VoteRow],
    numbers: Sequence[int],
    previous: OpinionAnalysis | None = None,
) -> OpinionAnalysis:
    """The opinion analysis of stored votes (participants and statements by number); with
    ``previous``, groups keep their numbers (letters) from that analysis where they can."""
    from analysis.opinions import analyse

    votes = [(str(r.participant), r.statement, r.vote) for r in rows]
    earlier = previous.groups if previous is not None else None
    return analyse(votes, list(numbers), previous=earlier)


class DeliberationState:
    """Parsed files and recent analyses of this worker."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._parsed: dict[str, Deliberation] = {}
        self._analyses: dict[str, tuple[float, OpinionAnalysis]] = {}
        self._running: dict[str, asyncio.Lock] = {}
        self._clock = clock

    def deliberation(self, info: DeliberationInfo) -> Deliberation:
        """The stored source, parsed once (it was valid when it was stored)."""
        found = self._parsed.get(info.checksum)
        if found is None:
            found = parse(info.source, f"{info.id}@{info.version}")
            self._parsed[info.checksum] = found
        return found

    @staticmethod
    def is_open(
        info: DeliberationInfo, deliberation: Deliberation, now: datetime, zone: tzinfo
    ) -> bool:
        """Open for votes: its status, and now between its opening and closing moments."""
        if info.status != store.OPEN:
            return False

        def aware(moment: datetime) -> datetime:
            return moment if moment.tzinfo else moment.replace(tzinfo=zone)

        if deliberation.opens_at is not None and now < aware(deliberation.opens_at):
            return False
        return not (deliberation.closes_at is not None and now >= aware(deliberation.closes_at))

    def cached(self, deliberation_id: str) -> OpinionAnalysis | None:
        """The last analysis, however old (routing makes do with it)."""
        found = self._analyses.get(deliberation_id)
        return found[1] if found else None

    def stale(self, deliberation_id: str) -> bool:
        found = self._analyses.get(deliberation_id)
        return found is None or self._clock() - found[0] > ANALYSIS_TTL

    async def fresh(self, db: AsyncSession, deliberation_id: str) -> OpinionAnalysis:
        """An analysis at most :data:`ANALYSIS_TTL` seconds old (made now if needed)."""
        lock = self._running.setdefault(deliberation_id, asyncio.Lock())
        async with lock:
            found = self._analyses.get(deliberation_id)
            if found is not None and not self.stale(deliberation_id):
                return found[1]
            rows = await store.vote_rows(db, deliberation_id)
            live = await store.statements(db, deliberation_id)
            earlier = found[1] if found is not None else None
            numbers = [s.number for s in live]
            result = await asyncio.to_thread(run_analysis, rows, numbers, earlier)
            self._analyses[deliberation_id] = (self._clock(), result)
            return result

    def forget(self, deliberation_id: str) -> None:
        self._analyses.pop(deliberation_id, None)

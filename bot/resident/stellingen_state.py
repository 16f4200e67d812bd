"""What the deliberation handlers share across updates: parsed deliberation files (by the
checksum of their stored source), each deliberation's live statements (by the stamp of the
stored set, :class:`storage.deliberations.LiveStamp`) and recent opinion analyses (by
deliberation), all in this worker's memory.

Several workers may share one database, so nothing here is trusted on its own: a vote
reads the deliberation's status and the live stamp fresh in its one query (a closed
deliberation takes no vote; a statement approved or deleted by another worker changes the
stamp and the list is read again), and the statement chosen from the list is shown only
if it is still live when the resident's place is written (``set_place(only_live=True)``).

The analysis (:mod:`analysis.opinions`) runs off the event loop, at most once per
:data:`ANALYSIS_TTL` seconds per deliberation. Routing never waits for it: it routes with the
last one this worker made (none at first: then every statement counts as new) and, when that
one is missing or older than :data:`ANALYSIS_TTL`, has a new one made in the background
(:meth:`DeliberationState.refresh_soon`, one at a time per deliberation, reading in a session
of its own), so a vote tap never runs an analysis. "Waar sta ik?" waits for a fresh one
(:meth:`DeliberationState.fresh`); a digest runs its own. Statements are known to the
analysis by their number (Polis's comment id) and participants by their pseudonymous number,
never by a resident id.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable, Coroutine, Sequence
from contextlib import AbstractAsyncContextManager
from datetime import datetime, tzinfo
from typing import TYPE_CHECKING

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from flows.deliberation import Deliberation, parse
from storage import deliberations as store
from storage.deliberations import DeliberationInfo, LiveStamp, StatementInfo, VoteArrays

if TYPE_CHECKING:  # numpy and scikit-learn load when an analysis first runs
    from analysis.opinions import OpinionAnalysis

log = logging.getLogger(__name__)

#: Seconds an analysis serves routing and "Waar sta ik?" before it is made again ...
ANALYSIS_TTL = 30.0
#: ... or this many times as long as the last one took to make, if that is longer: a large
#: deliberation (5 s for a million votes) then costs a worker at most a tenth of a CPU.
ANALYSIS_COST_FACTOR = 10.0


def run_analysis(
    rows: VoteArrays,
    numbers: Sequence[int],
    previous: OpinionAnalysis | None = None,
) -> OpinionAnalysis:
    """The opinion analysis of stored votes (participants and statements by number); with
    ``previous``, groups keep their numbers (letters) from that analysis where they can.

    The votes go to :func:`analysis.opinions.analyse_columns` as the arrays they were read
    into: no tuple per vote."""
    from analysis.opinions import analyse_columns

    earlier = previous.groups if previous is not None else None
    return analyse_columns(
        rows.participants, rows.statements, rows.votes, list(numbers), previous=earlier
    )


class DeliberationState:
    """Parsed files and recent analyses of this worker."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._parsed: dict[str, Deliberation] = {}
        self._analyses: dict[str, tuple[float, OpinionAnalysis]] = {}
        self._live: dict[str, tuple[LiveStamp, list[StatementInfo]]] = {}
        self._running: dict[str, asyncio.Lock] = {}
        self._refreshing: dict[str, asyncio.Task[None]] = {}
        self._took: dict[str, float] = {}  # seconds the last analysis took to make
        self._clock = clock

    def deliberation(self, info: DeliberationInfo) -> Deliberation:
        """The stored source, parsed once (it was valid when it was stored)."""
        found = self._parsed.get(info.checksum)
        if found is None:
            found = parse(info.source, f"{info.id}@{info.version}")
            self._parsed[info.checksum] = found
        return found

    def parsed(self, checksum: str) -> Deliberation | None:
        """The parsed file of this stored source, if this worker has parsed it."""
        return self._parsed.get(checksum)

    async def live(
        self, db: AsyncSession, deliberation_id: str, stamp: LiveStamp | None = None
    ) -> list[StatementInfo]:
        """The live statements, by number: this worker's list while ``stamp`` (read now; read
        here when not given) is the one it was made with, else read again."""
        if stamp is None:
            stamp = await store.live_stamp(db, deliberation_id)
        found = self._live.get(deliberation_id)
        if found is not None and found[0] == stamp:
            return found[1]
        rows = await store.statements(db, deliberation_id)
        # The stamp of what was read (not the one given: it may be older by a moment).
        ids = [s.id for s in rows]
        self._live[deliberation_id] = (LiveStamp(len(ids), sum(ids), max(ids, default=0)), rows)
        return rows

    def forget_live(self, deliberation_id: str) -> None:
        self._live.pop(deliberation_id, None)

    @staticmethod
    def is_open(status: str, deliberation: Deliberation, now: datetime, zone: tzinfo) -> bool:
        """Open for votes: its stored status, and now between its opening and closing
        moments."""
        if status != store.OPEN:
            return False

        def aware(moment: datetime) -> datetime:
            return moment if moment.tzinfo else moment.replace(tzinfo=zone)

        if deliberation.opens_at is not None and now < aware(deliberation.opens_at):
            return False
        return not (deliberation.closes_at is not None and now >= aware(deliberation.closes_at))

    def cached(self, deliberation_id: str) -> OpinionAnalysis | None:
        """The last analysis this worker made, however old (None before the first): what
        routing uses, without waiting; :meth:`refresh_soon` keeps it recent."""
        found = self._analyses.get(deliberation_id)
        return found[1] if found else None

    def stale(self, deliberation_id: str) -> bool:
        found = self._analyses.get(deliberation_id)
        if found is None:
            return True
        lasts = max(ANALYSIS_TTL, ANALYSIS_COST_FACTOR * self._took.get(deliberation_id, 0.0))
        return self._clock() - found[0] > lasts

    async def fresh(self, db: AsyncSession, deliberation_id: str) -> OpinionAnalysis:
        """An analysis at most :data:`ANALYSIS_TTL` seconds old (made now if needed)."""
        return await self._made(deliberation_id, contextlib.nullcontext(db))

    def refresh_soon(
        self,
        deliberation_id: str,
        sessions: async_sessionmaker[AsyncSession],
        spawn: Callable[[Coroutine[object, object, None]], asyncio.Task[None]],
    ) -> None:
        """When the analysis is missing or stale, have a new one made in the background
        (``spawn`` starts the task), reading in a session of its own; one at a time per
        deliberation. Returns at once: the caller routes with :meth:`cached` meanwhile."""
        if deliberation_id in self._refreshing or not self.stale(deliberation_id):
            return
        task = spawn(self._refresh(deliberation_id, sessions))
        self._refreshing[deliberation_id] = task
        task.add_done_callback(lambda done: self._refreshed(deliberation_id, done))

    async def _refresh(
        self, deliberation_id: str, sessions: async_sessionmaker[AsyncSession]
    ) -> None:
        made = await self._made(deliberation_id, sessions())
        log.info(
            "opinion analysis of %s made for routing (%d voters, %d statements)",
            deliberation_id,
            made.voters,
            len(made.statements),
        )

    def _refreshed(self, deliberation_id: str, task: asyncio.Task[None]) -> None:
        self._refreshing.pop(deliberation_id, None)
        if not task.cancelled() and task.exception() is not None:
            log.error(
                "the opinion analysis of %s could not be made for routing",
                deliberation_id,
                exc_info=task.exception(),
            )

    async def _made(
        self, deliberation_id: str, reading: AbstractAsyncContextManager[AsyncSession]
    ) -> OpinionAnalysis:
        """The analysis, made now from what ``reading`` reads unless a recent one exists
        (one at a time per deliberation: a second caller waits and gets the first's)."""
        lock = self._running.setdefault(deliberation_id, asyncio.Lock())
        async with lock:
            found = self._analyses.get(deliberation_id)
            if found is not None and not self.stale(deliberation_id):
                return found[1]
            async with reading as db:
                rows = await store.vote_arrays(db, deliberation_id)
                live = await store.statements(db, deliberation_id)
            earlier = found[1] if found is not None else None
            numbers = [s.number for s in live]
            began = self._clock()
            result = await asyncio.to_thread(run_analysis, rows, numbers, earlier)
            self.remember(deliberation_id, result, took=self._clock() - began)
            return result

    def remember(self, deliberation_id: str, analysis: OpinionAnalysis, *, took: float) -> None:
        """Keep ``analysis``, made now in ``took`` seconds: it serves until
        :data:`ANALYSIS_TTL` has passed, or :data:`ANALYSIS_COST_FACTOR` times ``took``."""
        self._took[deliberation_id] = took
        self._analyses[deliberation_id] = (self._clock(), analysis)

    def forget(self, deliberation_id: str) -> None:
        self._analyses.pop(deliberation_id, None)

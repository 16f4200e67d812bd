"""Background jobs that must run on one worker at a time: digests, questionnaire opens and
closes, retention, the broadcast outbox, forgetting old update ids.

Every job is registered through :func:`repeating`, which runs it on python-telegram-bot's
job queue and logs (never raises) its failures, so the next run tries again.

Every worker schedules every job, but a run goes ahead only on the worker holding the job's
lease (:mod:`storage.leases`, a row in the shared database; no coordinator). The holder
renews it at each run and, during a long run, every third of its duration, so it keeps the
job while it lives; when it dies the lease expires and the next worker whose timer fires
takes the job over. A worker that finds its lease taken while a run is under way cancels
that run (its transaction rolls back). With SQLite there is one worker and it always gets
the lease.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from telegram import Bot
from telegram.ext import Application, ContextTypes

from bot.core.budget import background
from bot.core.config import Settings
from bot.core.services import Services
from storage import leases, updates

log = logging.getLogger(__name__)

Job = Callable[[Services, Bot], Awaitable[None]]

#: A lease lasts this long beyond two intervals: time for a late timer or a slow run.
LEASE_MARGIN = timedelta(seconds=10)
#: Update ids are kept this long: Telegram gives up redelivering an update within a day.
UPDATES_KEPT = timedelta(days=1)
#: Seconds between two runs of the job that forgets old update ids.
FORGET_UPDATES_INTERVAL = 3600.0
#: Where :func:`repeating` keeps the application's leased jobs (for :func:`release`).
_JOBS_KEY = "leased_jobs"


def worker_name(settings: Settings) -> str:
    """WORKER_NAME, else host name and process id: who holds a lease."""
    if settings.worker_name:
        return settings.worker_name[: leases.MAX_HOLDER]
    pid = f":{os.getpid()}"
    return socket.gethostname()[: leases.MAX_HOLDER - len(pid)] + pid


def lease_duration(interval: float) -> timedelta:
    """How long a lease lasts: its holder renews it well before, at every run."""
    return 2 * timedelta(seconds=interval) + LEASE_MARGIN


@dataclass
class LeasedJob:
    """One job under one lease, as seen from one worker (``holder``)."""

    name: str
    job: Job
    holder: str
    ttl: timedelta

    def __post_init__(self) -> None:
        if not 0 < len(self.name) <= leases.MAX_NAME:
            raise ValueError(f"a job name has 1 to {leases.MAX_NAME} characters: {self.name!r}")

    async def run(self, services: Services, bot: Bot) -> bool:
        """Run the job once if this worker holds (or can take) its lease; True if it ran.

        The job's own exceptions propagate; a run cancelled because the lease was lost
        counts as run.
        """
        async with services.sessions.begin() as db:
            held = await leases.acquire(
                db, self.name, self.holder, ttl=self.ttl, now=services.clock()
            )
        if not held:
            return False
        task = asyncio.ensure_future(self.job(services, bot))
        try:
            while True:
                done, _ = await asyncio.wait({task}, timeout=self.ttl.total_seconds() / 3)
                if done:
                    break
                if not await self._renew(services):
                    log.warning(
                        "job %s: another worker took its lease during a run; run stopped",
                        self.name,
                    )
                    task.cancel()
                    with contextlib.suppress(asyncio.CancelledError):
                        await task
                    return True
            task.result()  # the job's exception, if any
            return True
        finally:
            if not task.done():  # this run itself was cancelled (shutdown)
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task

    async def _renew(self, services: Services) -> bool:
        async with services.sessions.begin() as db:
            return await leases.renew(
                db, self.name, self.holder, ttl=self.ttl, now=services.clock()
            )

    async def release(self, services: Services) -> bool:
        """Give the lease up (on a clean stop) so that another worker takes over at once."""
        async with services.sessions.begin() as db:
            return await leases.release(db, self.name, self.holder)


def repeating(
    application: Application,  # type: ignore[type-arg]
    name: str,
    job: Job,
    *,
    interval: float,
    first: float = 0.5,
) -> None:
    """Run ``job(services, bot)`` every ``interval`` seconds, the first time after ``first``,
    on the one worker that holds the lease ``name`` (at most 40 characters)."""
    queue = application.job_queue
    if queue is None:  # python-telegram-bot without its job-queue extra
        raise RuntimeError("python-telegram-bot[job-queue] is needed for background jobs")
    services: Services = application.bot_data["services"]
    leased = LeasedJob(name, job, worker_name(services.settings), lease_duration(interval))
    application.bot_data.setdefault(_JOBS_KEY, []).append(leased)

    async def callback(context: ContextTypes.DEFAULT_TYPE) -> None:
        services: Services = context.bot_data["services"]
        try:
            with background():  # its Telegram calls give way to replies (bot.core.budget)
                await leased.run(services, context.bot)
        except Exception:
            log.exception("job %s failed; it runs again in %s s", name, interval)

    queue.run_repeating(callback, interval=interval, first=first, name=name)


async def release(application: Application) -> None:  # type: ignore[type-arg]
    """Give up this worker's leases, after the job queue has stopped (a clean shutdown)."""
    services: Services | None = application.bot_data.get("services")
    if services is None:
        return
    for leased in application.bot_data.get(_JOBS_KEY, []):
        try:
            await leased.release(services)
        except Exception:  # the database is gone: the lease simply expires
            log.warning("could not release the lease of job %s", leased.name)


async def forget_updates(services: Services, bot: Bot) -> None:
    """Forget update ids older than a day: Telegram no longer redelivers them."""
    async with services.sessions.begin() as db:
        forgotten = await updates.prune(db, before=services.clock() - UPDATES_KEPT)
    if forgotten:
        log.info("forgot %d handled update id(s) older than a day", forgotten)


def registered(application: Application) -> list[str]:  # type: ignore[type-arg]
    """Names of the jobs on the application's queue (for tests and logs)."""
    queue = application.job_queue
    jobs: Any = queue.jobs() if queue is not None else ()
    return [job.name for job in jobs]

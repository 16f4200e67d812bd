"""Background jobs that must run on one worker at a time: digests, questionnaire opens and
closes, retention, the broadcast outbox.

Every job is registered through :func:`repeating`, which runs it on python-telegram-bot's
job queue and logs (never raises) its failures, so the next run tries again.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from telegram import Bot
from telegram.ext import Application, ContextTypes

from bot.services import Services

log = logging.getLogger(__name__)

Job = Callable[[Services, Bot], Awaitable[None]]


def repeating(
    application: Application,  # type: ignore[type-arg]
    name: str,
    job: Job,
    *,
    interval: float,
    first: float = 0.5,
) -> None:
    """Run ``job(services, bot)`` every ``interval`` seconds, the first time after ``first``."""
    queue = application.job_queue
    if queue is None:  # python-telegram-bot without its job-queue extra
        raise RuntimeError("python-telegram-bot[job-queue] is needed for background jobs")

    async def callback(context: ContextTypes.DEFAULT_TYPE) -> None:
        services: Services = context.bot_data["services"]
        try:
            await job(services, context.bot)
        except Exception:
            log.exception("job %s failed; it runs again in %s s", name, interval)

    queue.run_repeating(callback, interval=interval, first=first, name=name)


def registered(application: Application) -> list[str]:  # type: ignore[type-arg]
    """Names of the jobs on the application's queue (for tests and logs)."""
    queue = application.job_queue
    jobs: Any = queue.jobs() if queue is not None else ()
    return [job.name for job in jobs]

"""Questionnaires on their dates: the job that opens and closes them on ``opens_at`` and
``closes_at`` (once across workers), and every worker's refresh of its catalog."""

from __future__ import annotations

import logging

from telegram import Bot
from telegram.ext import ContextTypes

from bot.core.services import Services
from flows import lifecycle
from storage import audit
from storage.schedule import apply_schedule

log = logging.getLogger(__name__)


class Schedule:
    """The lifecycle job and the catalog refresh (registered through
    :mod:`bot.admin.handlers`)."""

    def __init__(self, services: Services) -> None:
        self.services = services

    async def lifecycle(self, _services: Services, _bot: Bot) -> None:
        """A :data:`bot.core.jobs.Job`: open questionnaires whose opens_at has come and close
        those whose closes_at has. A condition over the stored data, so a moment missed while
        the bot was down is caught up at the first run after a restart."""
        services = self.services
        await services.refresh_catalog()  # another worker may have published meanwhile
        now = services.clock()
        async with services.sessions.begin() as db:
            changes = await apply_schedule(
                db, now=now, zone=services.settings.zone, known=services.catalog.parsed()
            )
            for change in changes:
                await audit.record(
                    db,
                    "open" if change.after == lifecycle.OPEN else "close",
                    actor=None,
                    via="system",
                    target=change.questionnaire_id,
                    detail={
                        "from": change.before,
                        "to": change.after,
                        "at": change.at.isoformat(),
                    },
                    now=now,
                )
        if changes:
            await services.refresh_catalog()
            for change in changes:
                log.info(
                    "questionnaire %s: %s -> %s on schedule",
                    change.questionnaire_id,
                    change.before,
                    change.after,
                )

    async def refresh_catalog(self, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Every JOBS_INTERVAL on every worker: the catalog lives in each worker's memory,
        so this is no :mod:`bot.core.jobs` job (those run on one worker at a time)."""
        try:
            await self.services.refresh_catalog()
        except Exception:
            log.exception("refreshing the questionnaire catalog failed; trying again later")

"""A questionnaire that closes itself after ``max_responses`` completed responses (#16).

When a resident's response completes it and the count reaches the maximum, the
questionnaire is closed in the same transaction, as an administrator's "close" would
(:func:`storage.admin.transition`, audited as done by the system), and after the commit every
administrator hears of it. Residents who arrive afterwards get a friendly word instead of the
first question (:meth:`Capacity.full` is asked before a questionnaire opens, also on a worker
whose catalog does not know yet); residents still answering may finish, as when a
questionnaire closes on its date, so the count can end a little over the maximum.
"""

from __future__ import annotations

import logging

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import Bot
from telegram.error import TelegramError

from bot.core.services import Services
from flows import lifecycle
from flows.lifecycle import Refused
from flows.schema import Questionnaire
from flows.texts import t
from storage import admin, audit, repo

log = logging.getLogger(__name__)


class Capacity:
    """Counts completed responses against ``max_responses`` and closes when it is reached."""

    def __init__(self, services: Services) -> None:
        self.services = services
        self._closed: list[tuple[str, str, int]] = []  # (id, Dutch title, count) to announce

    async def full(self, db: AsyncSession, questionnaire: Questionnaire) -> bool:
        """Whether the questionnaire has its maximum of completed responses already."""
        if questionnaire.max_responses is None:
            return False
        return lifecycle.full(questionnaire, await repo.count_completed(db, questionnaire.id))

    async def completed(self, db: AsyncSession, questionnaire: Questionnaire) -> None:
        """After a response completed: close the questionnaire when it is now full."""
        if questionnaire.max_responses is None:
            return
        count = await repo.count_completed(db, questionnaire.id)
        if not lifecycle.full(questionnaire, count):
            return
        services = self.services
        now = services.clock()
        try:
            change = await admin.transition(
                db,
                questionnaire.id,
                "close",
                now=now,
                zone=services.settings.zone,
                known=services.catalog.parsed(),
            )
        except Refused:
            return  # closed already: by an administrator, or by another resident just now
        await audit.record(
            db,
            "close",
            actor=None,
            via="system",
            target=questionnaire.id,
            detail={
                "from": change.before,
                "to": change.after,
                "at": change.at.isoformat(),
                "max_responses": questionnaire.max_responses,
                "completed": count,
            },
            now=now,
        )
        log.info("questionnaire %s closed itself after %d responses", questionnaire.id, count)
        self._closed.append((questionnaire.id, questionnaire.title.nl, count))

    async def announce(self, bot: Bot) -> None:
        """After the commit: the catalog learns, and every administrator hears, of each
        questionnaire that closed itself."""
        if not self._closed:
            return
        closed, self._closed = self._closed, []
        await self.services.refresh_catalog()
        for questionnaire_id, title, count in closed:
            text = t("nl", "admin.full", title=title, id=questionnaire_id, count=count)
            for admin_id in self.services.settings.admin_user_ids:
                try:
                    await bot.send_message(admin_id, text, parse_mode="HTML")
                except TelegramError:
                    log.warning(
                        "could not tell administrator %s that %s closed",
                        admin_id,
                        questionnaire_id,
                    )

"""Effect checks: scheduled by an administrator after "uitgevoerd", sent by a job when due.

"Merk je iets van deze verandering?" goes to everyone who opted in to the questionnaire's
outcomes, as a broadcast with its answer buttons (answered in :mod:`bot.outcomes.residents`;
the answers appear in the digests). Scheduling is for administrators only (``admin_only``,
in the handler table) and is written to the audit log; the job runs on one worker at a time
(``effect_checks``, every ``JOBS_INTERVAL``).
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from telegram import Bot, CallbackQuery, Message, Update
from telegram.error import TelegramError

from bot.core.keyboards import notice
from bot.core.reply import Edit, Postman, Reply
from bot.core.services import Services
from bot.core.voice import speaking
from bot.outbox.sender import OutboxSender, describe
from bot.outcomes import views
from bot.outcomes.buttons import ScheduleCheck
from bot.outcomes.shared import Context, Handled, Part, press, queue_broadcast, stale, subject_of
from flows import outcomes as loop
from flows.texts import LANGUAGES, formats, t
from storage import audit
from storage import outbox as outbox_repo
from storage import outcomes as store
from storage.outbox import BroadcastInfo, Progress

log = logging.getLogger(__name__)

EXCERPT_CHARS = 300  # of the outcome message, quoted in an effect check


class _AlreadyStarted(Exception):
    """Another worker started this effect check first: roll back."""


class EffectChecks(Part):
    """The administrator's "in 4 / 8 / 12 weeks" buttons, and the job that sends the checks."""

    def __init__(self, services: Services, postman: Postman, sender: OutboxSender) -> None:
        super().__init__(services, postman, sender)
        self._handled = Handled()

    # --- scheduling ---------------------------------------------------------------------------

    async def schedule_button(self, update: Update, context: Context) -> None:
        """4 / 8 / 12 weeks, or no effect check."""
        await press(update, context, self.postman, self._schedule)

    async def _schedule(self, query: CallbackQuery) -> Reply:
        pressed, message = ScheduleCheck.unpack(query.data), query.message
        if pressed is None or not isinstance(message, Message):
            return stale()
        weeks = pressed.weeks
        if message in self._handled or (weeks and weeks not in loop.EFFECT_WEEKS):
            return stale()
        admin, now = query.from_user.id, self.services.clock()
        async with self.services.sessions.begin() as db:
            outcome = await store.get_outcome(db, pressed.outcome_id)
            if outcome is None or outcome.status != loop.DONE:
                return stale()
            if await store.effect_check_of(db, outcome.id) is not None:
                return Reply([], notice=notice(t("nl", "effectmeting.already")))
            if weeks == 0:
                await audit.record(
                    db,
                    "effect_check.declined",
                    actor=admin,
                    target=outcome.questionnaire_id,
                    detail={"outcome": outcome.id},
                    now=now,
                )
                text = t("nl", "effectmeting.declined")
            else:
                due = now + timedelta(weeks=weeks)
                check = await store.schedule_effect_check(
                    db, outcome.questionnaire_id, outcome.id, due, created_by=admin, now=now
                )
                await audit.record(
                    db,
                    "effect_check.scheduled",
                    actor=admin,
                    target=outcome.questionnaire_id,
                    detail={"outcome": outcome.id, "check": check.id, "weeks": weeks},
                    now=now,
                )
                zone = self.services.settings.zone
                text = t("nl", "effectmeting.planned", date=formats.date(due, "nl", zone))
        self._handled.add(message)
        return Reply([], edit=Edit(text))

    # --- the job ------------------------------------------------------------------------------

    async def tick(self, services: Services, bot: Bot) -> None:
        """The ``effect_checks`` job: send the effect checks that are due."""
        async with services.sessions() as db:
            due = await store.due_effect_checks(db, services.clock())
        for check in due:
            broadcast = await self._start(check)
            if broadcast is None:
                continue
            await self._report(bot, broadcast)
        if due:
            self.sender.wake()

    async def _start(self, check: store.EffectCheckInfo) -> BroadcastInfo | None:
        """Queue the check for everyone who follows the questionnaire's outcomes; None when
        it cannot go (questionnaire gone) or another worker started it."""
        now = self.services.clock()
        try:
            async with self.services.sessions.begin() as db:
                subject = await subject_of(self.services, db, check.questionnaire_id)
                if subject is None:
                    return None
                title = subject.title
                outcome = (
                    await store.get_outcome(db, check.outcome_id) if check.outcome_id else None
                )
                recipients = await store.outcome_recipients(db, check.questionnaire_id)
                payload: dict[str, Any] = {"meta": {"title": title.nl, "check": check.id}}
                for language in LANGUAGES:  # each resident gets it in their own language
                    told = ""
                    if outcome is not None:
                        told = (
                            outcome.message_en
                            if language == "en" and outcome.message_en
                            else outcome.message_nl
                        )
                    payload[language] = {
                        "text": views.effect_text(
                            title.get(language),
                            formats.shorten(told, EXCERPT_CHARS),
                            speaking(self.services.settings, language),
                            self.services.settings.municipality_name,
                        ),
                        "buttons": views.effect_buttons(check.id, None, language),
                    }
                broadcast = await queue_broadcast(
                    db,
                    "effect_check",
                    payload,
                    check.questionnaire_id,
                    recipients,
                    audited="effect_check.sent",
                    detail={"check": check.id},
                    admin=check.created_by,
                    confirmed=None,
                    now=now,
                )
                if not await store.attach_broadcast(db, check.id, broadcast.id):
                    raise _AlreadyStarted
        except _AlreadyStarted:
            return None
        log.info("effect check %s to %s residents", check.id, broadcast.total)
        return broadcast

    async def _report(self, bot: Bot, broadcast: BroadcastInfo) -> None:
        """A progress message for the administrator who scheduled the check."""
        if broadcast.report_chat_id is None:
            return
        progress = Progress(total=broadcast.total, waiting=broadcast.total)
        try:
            sent = await self.postman.send(
                bot, broadcast.report_chat_id, describe(broadcast, progress)
            )
        except TelegramError as error:
            log.info("could not tell the administrator about effect check: %s", error)
            return
        if broadcast.total:
            async with self.services.sessions.begin() as db:
                await outbox_repo.set_report_message(
                    db, broadcast.id, sent.chat_id, sent.message_id
                )

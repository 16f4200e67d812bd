"""/terugkoppeling: an administrator tells the participants what was done with their input.

A small conversation: the status (buttons) -> the message in Dutch -> in English, or
"Overslaan" -> a preview with how many residents will get it -> "Versturen" (or "Opslaan"
when nobody is to be told) or "Annuleren" at any step. Sending stores the outcome, sets the
questionnaire's outcome status and queues one broadcast; after "uitgevoerd" an effect check
is offered (:mod:`bot.outcomes.effects`).

The conversation in progress is not kept in a worker's memory: every step is written to the
audit log and :class:`Drafts` reads the draft back from those steps. So it survives a
restart and works whichever worker gets the administrator's next update; a draft left for
:data:`DRAFT_LIFETIME` is gone. Every handler here is for administrators only
(``admin_only``, in the handler table); what they change is in the audit log.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from datetime import timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import CallbackQuery, Message, Update
from telegram.ext import ApplicationHandlerStop, filters

from bot.core.access import is_admin
from bot.core.callbacks import decode
from bot.core.keyboards import notice
from bot.core.links import results_url
from bot.core.reply import Document, Edit, Postman, Reply, Send
from bot.core.services import Services
from bot.core.voice import speaking
from bot.outbox import cost
from bot.outbox.sender import OutboxSender
from bot.outcomes import views
from bot.outcomes.buttons import Cancel, ChooseStatus, Confirm, SkipEnglish
from bot.outcomes.shared import (
    Context,
    Part,
    Queued,
    Subject,
    every_subject,
    press,
    progress_edit,
    queue_broadcast,
    stale,
    subject_of,
)
from flows import outcomes as loop
from flows.texts import LANGUAGES, Html, formats, t
from storage import audit
from storage import outcomes as store
from storage.outbox import BroadcastInfo
from storage.report import published_at

log = logging.getLogger(__name__)

DRAFT_LIFETIME = timedelta(hours=1)  # a /terugkoppeling waits this long for its next step
MIN_OUTCOME_CHARS = 10


@dataclass
class Draft:
    """An administrator's /terugkoppeling in progress."""

    questionnaire_id: str
    step: str = "status"  # status, nl, en, confirm
    status: str | None = None
    message_nl: str | None = None
    message_en: str | None = None
    status_message: int | None = None  # the message the status was chosen on


class Drafts:
    """The administrators' /terugkoppeling in progress, kept as steps in the audit log."""

    def __init__(self, services: Services) -> None:
        self.services = services

    async def current(self, db: AsyncSession, admin: int) -> Draft | None:
        """The administrator's draft, read back from their steps of the last
        :data:`DRAFT_LIFETIME`; None when there is none (published, cancelled, too old)."""
        since = self.services.clock() - DRAFT_LIFETIME
        draft: Draft | None = None
        for action, target, detail in await store.draft_steps(db, admin, since=since):
            if action == store.DRAFT_START:
                draft = Draft(target)
            elif action == store.DRAFT_STATUS:
                draft = Draft(
                    target,
                    step="nl",
                    status=str(detail.get("status")),
                    status_message=detail.get("message"),
                )
            elif draft is None:
                continue
            elif action == store.DRAFT_DUTCH:
                draft.message_nl, draft.step = str(detail.get("text")), "en"
            elif action == store.DRAFT_ENGLISH:
                english = detail.get("text")
                draft.message_en, draft.step = (str(english) if english else None), "confirm"
            else:  # published or cancelled
                draft = None
        return draft

    async def record(
        self, db: AsyncSession, admin: int, action: str, questionnaire_id: str, **detail: Any
    ) -> None:
        """One step (a ``store.DRAFT_*`` action), in the caller's unit of work."""
        await audit.record(
            db,
            action,
            actor=admin,
            target=questionnaire_id,
            detail=detail,
            now=self.services.clock(),
        )


class FromAdmin(filters.MessageFilter):
    """A message from one of ADMIN_USER_IDS."""

    def __init__(self, services: Services) -> None:
        super().__init__(name="from_admin")
        self.services = services

    def filter(self, message: Message) -> bool:
        user = message.from_user
        return user is not None and is_admin(self.services, user.id)


class Feedback(Part):
    """The /terugkoppeling command, the administrator's texts and the buttons."""

    def __init__(self, services: Services, postman: Postman, sender: OutboxSender) -> None:
        super().__init__(services, postman, sender)
        self.drafts = Drafts(services)
        #: The residents' Dutch, in the bot's form of address.
        self._dutch = speaking(services.settings, "nl")

    async def command(self, update: Update, context: Context) -> None:
        """/terugkoppeling [<id>]: the list of questionnaires, or step 1 for one of them."""
        user, message = update.effective_user, update.effective_message
        if user is None or message is None:
            return
        questionnaire_id = context.args[0].lower() if context.args else None
        async with self.services.sessions.begin() as db:
            current = await store.outcome_statuses(db)
            subject = (
                await subject_of(self.services, db, questionnaire_id) if questionnaire_id else None
            )
            if questionnaire_id is None:
                reply = Reply(
                    [Send(self._listing(await every_subject(self.services, db), current))]
                )
            elif subject is None or questionnaire_id not in current:
                unknown = t("nl", "terugkoppeling.unknown", id=questionnaire_id)
                reply = Reply([Send(unknown)])
            else:
                await self.drafts.record(db, user.id, store.DRAFT_START, subject.id)
                status = current[subject.id]
                text = t(
                    "nl",
                    "terugkoppeling.status",
                    title=subject.title.nl,
                    status=views.status_label(status, "nl"),
                )
                reply = Reply([Send(text, views.status_keyboard(subject.id, status))])
        await self.postman.deliver(context.bot, message.chat_id, reply)

    def _listing(self, subjects: list[Subject], current: dict[str, str]) -> Html:
        """Every questionnaire and deliberation with its outcome status."""
        lines = [
            t(
                "nl",
                "terugkoppeling.line",
                id=subject.id,
                title=subject.title.nl,
                status=views.status_label(current.get(subject.id, loop.STATUSES[0]), "nl"),
            )
            for subject in subjects
        ]
        municipality = self.services.settings.municipality_name
        return t(
            "nl", "terugkoppeling.usage", list=Html("\n".join(lines)), municipality=municipality
        )

    async def text(self, update: Update, context: Context) -> None:
        """The Dutch text, then the English one. Runs in a handler group ahead of the
        others; a text that no /terugkoppeling waits for goes on to them."""
        user, message = update.effective_user, update.effective_message
        if user is None or message is None or message.text is None:
            return
        text = message.text.strip()
        # Without begin(): when the text is not for us the read is rolled back, and the
        # update is recorded as handled by the handler that does take it.
        async with self.services.sessions() as db:
            draft = await self.drafts.current(db, user.id)
            if draft is None or draft.step not in ("nl", "en"):
                return
            if len(text) > loop.MAX_OUTCOME_CHARS:
                problem = t(
                    "nl",
                    "terugkoppeling.too_long",
                    length=t("nl", "unit.characters", count=len(text)),
                    max=formats.number(loop.MAX_OUTCOME_CHARS),
                )
                reply = Reply([Send(problem)])
            elif len(text) < MIN_OUTCOME_CHARS:
                reply = Reply([Send(t("nl", "terugkoppeling.too_short"))])
            elif draft.step == "nl":
                await self.drafts.record(
                    db, user.id, store.DRAFT_DUTCH, draft.questionnaire_id, text=text
                )
                await db.commit()
                reply = Reply([Send(t("nl", "terugkoppeling.write_en"), views.skip_keyboard())])
            else:
                await self.drafts.record(
                    db, user.id, store.DRAFT_ENGLISH, draft.questionnaire_id, text=text
                )
                preview = await self._preview(db, replace(draft, message_en=text))
                await db.commit()
                reply = Reply(preview)
        await self.postman.deliver(context.bot, message.chat_id, reply)
        raise ApplicationHandlerStop

    async def _preview(self, db: AsyncSession, draft: Draft) -> list[Send | Document]:
        """The message as residents will get it, how many will, and the question to send."""
        subject = await subject_of(self.services, db, draft.questionnaire_id)
        assert subject is not None and draft.status is not None and draft.message_nl is not None
        recipients = await store.outcome_recipients(db, draft.questionnaire_id)
        title = subject.title
        dutch = views.outcome_text(title.nl, draft.status, draft.message_nl, self._dutch)
        messages: list[Send | Document] = [
            Send(Html(f"{t('nl', 'terugkoppeling.preview')}\n\n{dutch}"))
        ]
        in_english = 0
        if draft.message_en is not None:
            english = views.outcome_text(title.en, draft.status, draft.message_en, "en")
            messages.append(Send(Html(f"{t('nl', 'terugkoppeling.preview_en')}\n\n{english}")))
            in_english = sum(1 for _, language in recipients if language == "en")
        status = views.status_label(draft.status, "nl")
        waiting = len(await store.waiting_recipients(db, draft.questionnaire_id))
        on_web = f"{t('nl', 'terugkoppeling.waiting', count=waiting)}\n\n" if waiting else ""
        if recipients:
            text = t(
                "nl",
                "terugkoppeling.confirm",
                count=len(recipients),
                english=formats.number(in_english),
                status=status,
            )
            text = Html(on_web + text + cost.estimate(self.services.settings, len(recipients)))
        elif waiting:  # only residents of the web door: it waits for their next visit
            text = Html(on_web + t("nl", "terugkoppeling.confirm_web", status=status))
        else:
            text = t("nl", "terugkoppeling.confirm_none", status=status)
        messages.append(Send(text, views.confirm_keyboard(anyone=bool(recipients))))
        return messages

    async def button(self, update: Update, context: Context) -> None:
        """Status, "Overslaan", "Versturen" and "Annuleren" of /terugkoppeling."""
        reply = await press(update, context, self.postman, self._button)
        if isinstance(reply, Queued):
            self.sender.wake()

    async def _button(self, query: CallbackQuery) -> Reply:
        pressed, message, admin = decode(query.data), query.message, query.from_user.id
        if not isinstance(message, Message):
            return stale()
        if isinstance(pressed, ChooseStatus):
            return await self._choose_status(admin, message, pressed)
        async with self.services.sessions.begin() as db:
            draft = await self.drafts.current(db, admin)
            if draft is None:
                return Reply([], notice=notice(t("nl", "terugkoppeling.expired")))
            qid = draft.questionnaire_id
            if isinstance(pressed, Cancel):
                await self.drafts.record(db, admin, store.DRAFT_CANCELLED, qid)
                cancelled = Send(t("nl", "terugkoppeling.cancelled"))
                return Reply([cancelled], edit=Edit(None, None))
            if isinstance(pressed, SkipEnglish) and draft.step == "en":
                await self.drafts.record(db, admin, store.DRAFT_ENGLISH, qid)
                return Reply(await self._preview(db, draft), edit=Edit(None, None))
            if isinstance(pressed, Confirm) and draft.step == "confirm":
                broadcast, offer = await self._publish(db, message, draft, admin)
                subject = await subject_of(self.services, db, qid)
                title = subject.title.nl if subject is not None else qid
                return self._published(draft, broadcast, offer, title)
        return stale()

    async def _choose_status(self, admin: int, message: Message, pressed: ChooseStatus) -> Reply:
        if pressed.status >= len(loop.STATUSES):
            return stale()
        status = loop.STATUSES[pressed.status]
        async with self.services.sessions.begin() as db:
            subject = await subject_of(self.services, db, pressed.questionnaire_id)
            if subject is None:
                return stale()
            draft = await self.drafts.current(db, admin)
            if draft is not None and draft.status_message == message.message_id:
                return stale()  # a second tap: the status is already chosen
            await self.drafts.record(
                db,
                admin,
                store.DRAFT_STATUS,
                pressed.questionnaire_id,
                status=status,
                message=message.message_id,
            )
        chosen = t(
            "nl",
            "terugkoppeling.chosen",
            title=subject.title.nl,
            status=views.status_label(status, "nl"),
        )
        write = t("nl", "terugkoppeling.write_nl", max=formats.number(loop.MAX_OUTCOME_CHARS))
        return Reply([Send(write)], edit=Edit(chosen))

    async def _publish(
        self, db: AsyncSession, message: Message, draft: Draft, admin: int
    ) -> tuple[BroadcastInfo, Send | None]:
        """Store the outcome, set the status, and queue it for everyone who opted in, in
        the caller's unit of work; with it, the offer of an effect check after "uitgevoerd"."""
        subject = await subject_of(self.services, db, draft.questionnaire_id)
        assert subject is not None and draft.status is not None and draft.message_nl is not None
        title = subject.title
        now = self.services.clock()
        recipients = await store.outcome_recipients(db, draft.questionnaire_id)
        outcome = await store.record_outcome(
            db,
            draft.questionnaire_id,
            draft.status,
            draft.message_nl,
            draft.message_en,
            created_by=admin,
            now=now,
        )
        # Residents of the web door cannot be sent anything: it waits for their next visit.
        waiting = await store.waiting_recipients(db, draft.questionnaire_id)
        await store.keep_waiting(db, outcome.id, waiting, now=now)
        public = await published_at(db, draft.questionnaire_id) is not None
        settings = self.services.settings
        link_nl = results_url(settings, draft.questionnaire_id) if public else None
        link_en = results_url(settings, draft.questionnaire_id, "en") if public else None
        payload: dict[str, Any] = {
            "meta": {"title": title.nl, "outcome": outcome.id},
            "nl": {
                "text": views.outcome_text(
                    title.nl, draft.status, draft.message_nl, self._dutch, link_nl
                )
            },
        }
        if draft.message_en is not None:
            payload["en"] = {
                "text": views.outcome_text(title.en, draft.status, draft.message_en, "en", link_en)
            }
        # Other languages: the bot's words in the resident's language around the message
        # as the municipality wrote it, in Dutch.
        for language in LANGUAGES:
            if language not in ("nl", "en"):  # English without its own message: all Dutch
                payload[language] = {
                    "text": views.outcome_text(
                        title.get(language), draft.status, draft.message_nl, language, link_nl
                    )
                }
        broadcast = await queue_broadcast(
            db,
            "outcome",
            payload,
            draft.questionnaire_id,
            recipients,
            audited=store.PUBLISHED,
            detail={
                "outcome": outcome.id,
                "status": draft.status,
                "english": draft.message_en is not None,
                "waiting": len(waiting),
            },
            admin=admin,
            confirmed=message,
            now=now,
        )
        offer = None
        if draft.status == loop.DONE:
            keyboard = views.effect_schedule_keyboard(outcome.id)
            offer = Send(t("nl", "effectmeting.offer"), keyboard)
        return broadcast, offer

    def _published(
        self, draft: Draft, broadcast: BroadcastInfo, offer: Send | None, title: str
    ) -> Reply:
        """The confirmation becomes the progress message (or says it is stored, when nobody
        is to be told); "uitgevoerd" offers an effect check."""
        assert draft.status is not None
        log.info(
            "outcome %s for %s to %s residents",
            draft.status,
            draft.questionnaire_id,
            broadcast.total,
        )
        messages: list[Send | Document] = [offer] if offer is not None else []
        if broadcast.total:
            return Queued(messages, edit=progress_edit(broadcast))
        saved = t(
            "nl",
            "terugkoppeling.saved",
            title=title,
            status=views.status_label(draft.status, "nl"),
        )
        return Reply(messages, edit=Edit(saved))

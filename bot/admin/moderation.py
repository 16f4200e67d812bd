"""Moderation of free text (``/moderatie``), for administrators in their private chat (in
a group, :func:`bot.core.access.admin_only` points them there and shows nothing).

One message walks the administrator through the queue: the text that waits longest, with
its questionnaire and question, and the buttons "Goedkeuren" and "Afwijzen" (which asks for
a reason). After each decision the same message shows the next text and how many are
left, until "Klaar". Every press is checked against ADMIN_USER_IDS
(:func:`bot.core.access.admin_only`) and against the database: a text judged meanwhile by
another administrator is not judged twice. The buttons' data: :mod:`bot.admin.buttons`.
"""

from __future__ import annotations

import logging

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import Update
from telegram.ext import ContextTypes

from bot.admin import moderation_stellingen as statements
from bot.admin import moderation_views as views
from bot.admin.buttons import AskWhy, BackToText, OnText, Reject
from bot.admin.press import Press, handle_press
from bot.core.access import Handler, admin_only
from bot.core.callbacks import decode
from bot.core.reply import Edit, Postman, Reply, Send
from bot.core.services import Services
from flows.schema import TextQuestion
from flows.texts import Html, Language, language_of, raw, t
from storage import audit
from storage import moderation as store

log = logging.getLogger(__name__)
Context = ContextTypes.DEFAULT_TYPE

COMMAND = "moderatie"


class ModerationHandlers:
    """/moderatie and its buttons, built from ``services`` (database, catalog, clock);
    ``command`` and ``button`` are checked against ADMIN_USER_IDS themselves."""

    def __init__(self, services: Services) -> None:
        self.services = services
        self.postman = Postman()
        guarded = admin_only("moderation")
        self.command: Handler = guarded(self._command)
        self.button: Handler = guarded(self._button)

    async def _texts(self, db: AsyncSession) -> store.TextQuestions:
        """The free-text questions of every stored questionnaire version."""
        found: dict[tuple[str, int], tuple[str, ...]] = {}
        for questionnaire_id, version in await store.stored_versions(db):
            flow = self.services.catalog.get(questionnaire_id, version)
            if flow is not None:
                found[(questionnaire_id, version)] = tuple(
                    q.id for q in flow.questionnaire.questions if isinstance(q, TextQuestion)
                )
        return found

    async def _next(
        self,
        db: AsyncSession,
        texts: store.TextQuestions,
        language: Language,
        notice: Html | None = None,
    ) -> views.Screen:
        """The text that waits longest (or "Klaar"), below ``notice``."""
        item = await store.next_pending(db, texts)
        if item is None:  # then residents' statements in deliberations
            zone = self.services.settings.zone
            found = await statements.screen(db, language, zone, notice=notice)
            if found is not None:
                return found
        left = await store.count_pending(db, texts)
        return self._screen(language, item, left, notice=notice)

    def _screen(
        self,
        language: Language,
        item: store.PendingText | None,
        left: int,
        *,
        notice: Html | None = None,
        asking: bool = False,
    ) -> views.Screen:
        catalog, zone = self.services.catalog, self.services.settings.zone
        return views.screen(catalog, zone, language, item, left, notice=notice, asking=asking)

    async def _command(self, update: Update, context: Context) -> None:
        """/moderatie: the first text that waits, or that none does."""
        message, user = update.effective_message, update.effective_user
        if message is None or user is None:
            return
        language = language_of(user.language_code)
        async with self.services.sessions.begin() as db:
            texts = await self._texts(db)
            left = await store.count_pending(db, texts)
            await audit.record(
                db,
                "moderation.open",
                actor=user.id,
                detail={"pending": left},
                now=self.services.clock(),
            )
            text, keyboard = await self._next(db, texts, language)
        await self.postman.deliver(context.bot, message.chat_id, Reply([Send(text, keyboard)]))

    async def _button(self, update: Update, context: Context) -> None:
        await handle_press(update, context, self.postman, self._press)

    async def _press(self, press: Press) -> None:
        """A moderation button: decide, or ask why, or go back; then show what is next."""
        found = decode(press.query.data)
        if isinstance(found, statements.OnStatement):
            await self._statement(press, found)
            return
        answer_id = found.answer_id if isinstance(found, OnText) else None
        if not isinstance(found, OnText) or answer_id is None:
            await press.stale()
            return
        if isinstance(found, AskWhy | BackToText):
            await self._show(press, answer_id, asking=isinstance(found, AskWhy))
            return
        reason = found.why if isinstance(found, Reject) else None
        if isinstance(found, Reject) and reason is None:
            await press.stale()
            return
        await self._decide(press, answer_id, reason)

    async def _show(self, press: Press, answer_id: int, *, asking: bool) -> None:
        """This text again, with the reasons to reject it (``asking``) or without."""
        language = press.language
        said: str | None = None
        async with self.services.sessions() as db:
            texts = await self._texts(db)
            item = await store.pending_text(db, answer_id, texts)
            if item is not None:
                left = await store.count_pending(db, texts)
                text, keyboard = self._screen(language, item, left, asking=asking)
            else:  # judged meanwhile, or gone (or never ours): on to the next one
                found = await store.judgement(db, answer_id)
                judged = found is not None and found.moderation in store.DECIDED
                said = raw(language, "moderation.already.short" if judged else "stale.short")
                shown = t(language, "moderation.already") if judged else None
                text, keyboard = await self._next(db, texts, language, shown)
        await press.answer(Reply(edit=Edit(text, keyboard, failing="send"), notice=said))

    async def _decide(self, press: Press, answer_id: int, reason: str | None) -> None:
        """Approve (no ``reason``) or reject; then the next text."""
        language = press.language
        async with self.services.sessions.begin() as db:
            texts = await self._texts(db)
            result = await store.decide(
                db,
                answer_id,
                texts=texts,
                approve=reason is None,
                reason=reason,
                by=press.user.id,
                now=self.services.clock(),
            )
            shown: Html | None
            if result == "decided" and reason is None:
                said = raw(language, "moderation.approved.short")
                shown = t(language, "moderation.approved")
            elif result == "decided":
                said = raw(language, "moderation.rejected.short")
                why = raw(language, f"moderation.reason.{reason}").lower()
                shown = t(language, "moderation.rejected", reason=why)
            elif result == "already":
                said = raw(language, "moderation.already.short")
                shown = t(language, "moderation.already")
            else:
                said, shown = raw(language, "stale.short"), None
            text, keyboard = await self._next(db, texts, language, shown)
        log.info("moderation: answer %s %s", answer_id, result)
        await press.answer(Reply(edit=Edit(text, keyboard, failing="send"), notice=said))

    async def _statement(self, press: Press, pressed: statements.OnStatement) -> None:
        """A resident's statement in a deliberation: approve, reject, or ask why."""
        language, zone = press.language, self.services.settings.zone
        if isinstance(pressed, statements.AskWhyStatement | statements.BackToStatement):
            asking = pressed.statement if isinstance(pressed, statements.AskWhyStatement) else None
            async with self.services.sessions() as db:
                texts = await self._texts(db)
                found = await statements.screen(db, language, zone, asking=asking)
                if asking is None and found is not None:
                    found = await statements.screen(db, language, zone)
                text, keyboard = found or await self._next(db, texts, language)
            await press.answer(Reply(edit=Edit(text, keyboard, failing="send")))
            return
        async with self.services.sessions.begin() as db:
            decision = await statements.decide(
                db, pressed, language, by=press.user.id, now=self.services.clock()
            )
            texts = await self._texts(db)
            text, keyboard = await self._next(db, texts, language, decision.shown)
        await press.answer(
            Reply(edit=Edit(text, keyboard, failing="send"), notice=decision.notice)
        )
        address = self.services.settings.form_of_address
        await statements.tell_author(press.bot, self.postman, decision, address)

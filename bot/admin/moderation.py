"""Handlers: moderation of free text (``/moderatie``), for administrators in a private chat.

One message walks the administrator through the queue: the text that waits longest, with
its questionnaire and question, and the buttons "Goedkeuren" and "Afwijzen" (which asks for
a reason). After each decision the same message shows the next text and how many are
left, until "Klaar". Buttons carry ``mod:<action>:<answer id>[:<reason>]``; every press is
checked against ADMIN_USER_IDS (:func:`bot.core.access.admin_only`) and against the database:
a text judged meanwhile by another administrator is not judged twice.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.constants import ParseMode
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, ContextTypes, filters

from bot.core.access import admin_only, is_admin
from bot.core.services import Services
from flows.schema import TextQuestion
from flows.texts import Html, language_of, plain_text, raw, t
from flows.texts.formats import day, short_title
from storage import audit
from storage import moderation as store

log = logging.getLogger(__name__)
Context = ContextTypes.DEFAULT_TYPE

PREFIX = "mod:"
COMMAND = "moderatie"
# A longer text is shortened on screen. Telegram allows 4096 characters per message, counted
# in UTF-16 code units (an emoji counts two): the text gets 3000, the rest of the screen
# (title and question shortened below) stays well under the remaining 1096.
SHOWN_UNITS = 3000
TITLE_CHARS = 120
_DATA = re.compile(
    r"^mod:(?:(?P<action>ok|no|bk):(?P<id>\d{1,10})"
    r"|rj:(?P<rid>\d{1,10}):(?P<reason>[a-z_]{1,20}))$"
)
MAX_ID = 2**31 - 1  # answers.id is an INTEGER: a larger number is no answer of ours


@dataclass(frozen=True, slots=True)
class Pressed:
    action: str  # ok (approve), no (ask why), bk (back from the reasons), rj (reject)
    answer_id: int
    reason: str | None = None


def parse(data: str | None) -> Pressed | None:
    """A moderation button's data, or None when it is not one of ours (forged, garbled)."""
    found = _DATA.match(data or "")
    if found is None:
        return None
    answer_id = int(found["id"] or found["rid"])
    if answer_id > MAX_ID:
        return None
    if found["action"]:
        return Pressed(found["action"], answer_id)
    if found["reason"] not in store.REASONS:
        return None
    return Pressed("rj", answer_id, found["reason"])


def shorten(text: str, limit: int) -> str:
    """``text``, or its first part and "…" when longer than ``limit`` UTF-16 code units (as
    Telegram counts: a character outside the Basic Multilingual Plane, an emoji, counts two)."""
    units = 0
    for index, char in enumerate(text):
        units += 2 if ord(char) > 0xFFFF else 1
        if units > limit:
            return text[: _fit(text, index, limit - 1)] + "…"
    return text


def _fit(text: str, end: int, limit: int) -> int:
    """How many characters of ``text[:end]`` fit in ``limit`` UTF-16 code units."""
    units = sum(2 if ord(char) > 0xFFFF else 1 for char in text[:end])
    while units > limit:
        end -= 1
        units -= 2 if ord(text[end]) > 0xFFFF else 1
    return end


@dataclass(frozen=True, slots=True)
class Screen:
    text: Html
    keyboard: InlineKeyboardMarkup | None


class ModerationHandlers:
    """Registered by :func:`register`; ``services`` give the database, catalog and clock."""

    def __init__(self, services: Services) -> None:
        self.services = services

    async def _texts(self, db: AsyncSession) -> dict[tuple[str, int], tuple[str, ...]]:
        """The free-text questions of every stored questionnaire version."""
        found: dict[tuple[str, int], tuple[str, ...]] = {}
        for questionnaire_id, version in await store.stored_versions(db):
            flow = self.services.catalog.get(questionnaire_id, version)
            if flow is not None:
                found[(questionnaire_id, version)] = tuple(
                    q.id for q in flow.questionnaire.questions if isinstance(q, TextQuestion)
                )
        return found

    async def _queue(self, answer_id: int | None = None) -> tuple[store.PendingText | None, int]:
        """The text to show (``answer_id`` if it still waits, else the next) and the count."""
        async with self.services.sessions() as db:
            texts = await self._texts(db)
            item = (
                await store.pending_text(db, answer_id, texts) if answer_id is not None else None
            )
            if item is None and answer_id is None:
                item = await store.next_pending(db, texts)
            return item, await store.count_pending(db, texts)

    def _screen(
        self,
        language: str,
        item: store.PendingText | None,
        left: int,
        *,
        notice: Html | None = None,
        asking: bool = False,
    ) -> Screen:
        """The message for one pending text (or "Klaar"), with its buttons."""
        head = [notice, ""] if notice else []
        if item is None:
            done = "moderation.done" if notice else "moderation.none"
            return Screen(Html("\n".join([*head, t(language, done)])), None)
        flow = self.services.catalog.get(item.questionnaire_id, item.version)
        title, question = item.questionnaire_id, item.question_id
        if flow is not None:
            title = short_title(flow.questionnaire.title.get(language), TITLE_CHARS)
            asked = flow.questions.get(item.question_id)
            if asked is not None:
                question = short_title(asked.text.get(language), TITLE_CHARS)
        # The day only: the moderator needs no time that could help recognise the writer.
        when = day(item.answered_at, self.services.settings.zone)
        shown = shorten(item.text, SHOWN_UNITS)
        count = (
            t(language, "moderation.left.one")
            if left == 1
            else t(language, "moderation.left.many", count=left)
        )
        lines = [
            *head,
            count,
            t(language, "moderation.item", title=title, question=question, when=when, text=shown),
        ]
        if shown != item.text:
            lines.append(t(language, "moderation.shortened"))
        lines += ["", t(language, "moderation.why" if asking else "moderation.rule")]
        answer = item.answer_id
        if asking:
            rows = [
                [
                    InlineKeyboardButton(
                        raw(language, f"moderation.reason.{reason}"),
                        callback_data=f"{PREFIX}rj:{answer}:{reason}",
                    )
                ]
                for reason in store.REASONS
            ]
            rows.append(
                [
                    InlineKeyboardButton(
                        raw(language, "moderation.back"), callback_data=f"{PREFIX}bk:{answer}"
                    )
                ]
            )
        else:
            rows = [
                [
                    InlineKeyboardButton(
                        raw(language, "moderation.approve"), callback_data=f"{PREFIX}ok:{answer}"
                    ),
                    InlineKeyboardButton(
                        raw(language, "moderation.reject"), callback_data=f"{PREFIX}no:{answer}"
                    ),
                ]
            ]
        return Screen(Html("\n".join(lines)), InlineKeyboardMarkup(rows))

    async def command(self, update: Update, context: Context) -> None:
        """/moderatie: the first text that waits, or that none does."""
        message, user = update.effective_message, update.effective_user
        if message is None or user is None:
            return
        language = language_of(user.language_code)
        item, left = await self._queue()
        async with self.services.sessions.begin() as db:
            await audit.record(
                db,
                "moderation.open",
                actor=user.id,
                detail={"pending": left},
                now=self.services.clock(),
            )
        screen = self._screen(language, item, left)
        await message.reply_text(
            screen.text, parse_mode=ParseMode.HTML, reply_markup=screen.keyboard
        )

    async def in_group(self, update: Update, context: Context) -> None:
        """/moderatie in a group: shows no resident's text there. An administrator is told
        where to go; anyone else gets nothing, as with residents' commands in the group."""
        message, user = update.effective_message, update.effective_user
        if message is None or user is None or not is_admin(self.services, user.id):
            return
        await message.reply_text(
            t(language_of(user.language_code), "moderation.private"), parse_mode=ParseMode.HTML
        )

    async def button(self, update: Update, context: Context) -> None:
        """A moderation button: decide, or ask why, or go back; then show what is next."""
        query = update.callback_query
        if query is None:
            return
        user = query.from_user
        language = language_of(user.language_code)
        notice: str | None = None
        try:
            pressed = parse(query.data)
            chat = update.effective_chat
            if pressed is None or chat is None or chat.type != "private":
                notice = raw(language, "stale.short")
                return
            if pressed.action in ("no", "bk"):
                item, left = await self._queue(pressed.answer_id)
                if item is not None:
                    screen = self._screen(language, item, left, asking=pressed.action == "no")
                else:  # judged meanwhile, or gone (or never ours): on to the next one
                    async with self.services.sessions() as db:
                        found = await store.judgement(db, pressed.answer_id)
                    judged = found is not None and found.moderation in store.DECIDED
                    notice = raw(language, "moderation.already.short" if judged else "stale.short")
                    item, left = await self._queue()
                    shown = t(language, "moderation.already") if judged else None
                    screen = self._screen(language, item, left, notice=shown)
                await self._show(context, query.message, chat.id, screen)
                return
            async with self.services.sessions.begin() as db:
                texts = await self._texts(db)
                result = await store.decide(
                    db,
                    pressed.answer_id,
                    texts=texts,
                    approve=pressed.action == "ok",
                    reason=pressed.reason,
                    by=user.id,
                    now=self.services.clock(),
                )
            if result == "decided":
                if pressed.reason is None:
                    notice = raw(language, "moderation.approved.short")
                    shown = t(language, "moderation.approved")
                else:
                    notice = raw(language, "moderation.rejected.short")
                    reason = raw(language, f"moderation.reason.{pressed.reason}").lower()
                    shown = t(language, "moderation.rejected", reason=reason)
            elif result == "already":
                notice = raw(language, "moderation.already.short")
                shown = t(language, "moderation.already")
            else:
                notice = raw(language, "stale.short")
                shown = None
            log.info("moderation: answer %s %s", pressed.answer_id, result)
            item, left = await self._queue()
            screen = self._screen(language, item, left, notice=shown)
            await self._show(context, query.message, chat.id, screen)
        finally:
            await query.answer(notice)

    async def _show(self, context: Context, message: object, chat_id: int, screen: Screen) -> None:
        """Edit the button's message into ``screen`` (unless it shows that already)."""
        if isinstance(message, Message):
            if message.text == plain_text(screen.text) and message.reply_markup == (
                screen.keyboard
            ):
                return  # Telegram refuses an edit that changes nothing
            await message.edit_text(
                screen.text, parse_mode=ParseMode.HTML, reply_markup=screen.keyboard
            )
            return
        # The message is too old to edit: send the screen anew.
        await context.bot.send_message(
            chat_id, screen.text, parse_mode=ParseMode.HTML, reply_markup=screen.keyboard
        )


def register(application: Application, services: Services) -> None:  # type: ignore[type-arg]
    """Add this feature's handlers and jobs to the application."""
    handlers = ModerationHandlers(services)
    private = filters.ChatType.PRIVATE & filters.UpdateType.MESSAGE
    groups = filters.ChatType.GROUPS & filters.UpdateType.MESSAGE
    guarded = admin_only("moderation")
    application.add_handler(CommandHandler(COMMAND, guarded(handlers.command), filters=private))
    application.add_handler(CommandHandler(COMMAND, handlers.in_group, filters=groups))
    application.add_handler(CallbackQueryHandler(guarded(handlers.button), pattern=f"^{PREFIX}"))

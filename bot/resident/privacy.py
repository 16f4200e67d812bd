"""Residents' rights in their chat: /mijngegevens (access), /vergeetmij (erasure, also for
consent withdrawn after joining) and the retention job.

The erase buttons (:class:`Forget`, ``vm:<y|n>:<token>``) carry a keyed hash of the resident
record (its id and when it was made) and the pseudonym of whoever got the question, so a
button pressed by anyone else, forged, or left over from before an earlier erasure (SQLite
may give a new record the id of an erased one) does nothing but say so.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from telegram import InlineKeyboardMarkup, Message, Update, User
from telegram.ext import ContextTypes

from bot.core.callbacks import Button
from bot.core.channel import TELEGRAM, Who
from bot.core.keyboards import Keyboard, button
from bot.core.reply import Document, Edit, Postman, Reply, Send
from bot.core.services import Services
from bot.core.voice import speaking
from bot.resident.mydata import export_document, summary_text
from flows.schema import Questionnaire
from flows.texts import Html, Language, formats, language_of, plain_text, raw, t
from storage import repo
from storage.models import Resident
from storage.privacy import Versions, erase_resident, resident_data
from storage.retention import apply_retention

log = logging.getLogger(__name__)
Context = ContextTypes.DEFAULT_TYPE

MYDATA_COMMANDS = ["mijngegevens", "mydata"]
FORGET_COMMANDS = ["vergeetmij", "forgetme"]


@dataclass(frozen=True, slots=True)
class Forget(Button, prefix="vm"):
    """An erase question's button: ``vm:y:<token>`` erases, ``vm:n:<token>`` keeps."""

    answer: str  # "y" or "n"; anything else is answered as a stale button
    token: str = ""


async def retention_job(services: Services, bot: object) -> None:
    """Delete what the retention rule says is due (see storage.privacy); catches up after
    downtime because it is a condition over the data, not a timer."""
    settings = services.settings
    async with services.sessions.begin() as db:
        done = await apply_retention(
            db,
            retention=timedelta(days=settings.retention_days),
            now=services.clock(),
            zone=settings.zone,
            catalog=services.catalog,
        )
    if done.texts or done.residents or done.audit or done.admin_ids:
        log.info(
            "retention: %d free-text answer(s) deleted, %d resident(s) forgotten, "
            "%d audit-log line(s) deleted, %d administrator id(s) cleared",
            done.texts,
            done.residents,
            done.audit,
            done.admin_ids,
        )


def forget_token(services: Services, resident: repo.ResidentInfo, created_at: datetime) -> str:
    """8 characters binding an erase button to one resident record of one person."""
    made = created_at.astimezone(UTC).isoformat(timespec="microseconds")
    digest = hmac.new(
        services.pseudonyms.secret,
        f"forget:{resident.id}:{made}:{resident.pseudonym}".encode(),
        hashlib.sha256,
    ).digest()
    return base64.urlsafe_b64encode(digest[:6]).decode()


async def _token(db: AsyncSession, services: Services, resident: repo.ResidentInfo) -> str:
    created_at = await db.scalar(select(Resident.created_at).where(Resident.id == resident.id))
    return forget_token(services, resident, created_at or datetime.min.replace(tzinfo=UTC))


def forget_keyboard(language: Language, token: str) -> Keyboard:
    return InlineKeyboardMarkup(
        [
            [
                button(raw(language, "forget.yes"), Forget("y", token)),
                button(raw(language, "forget.no"), Forget("n", token)),
            ]
        ]
    )


async def forget_question(
    db: AsyncSession, services: Services, resident: repo.ResidentInfo
) -> tuple[Html, Keyboard]:
    """The erase question and its buttons (also for consent withdrawn after joining)."""
    language = speaking(services.settings, resident.language)
    token = await _token(db, services, resident)
    municipality = services.settings.municipality_name
    return t(language, "forget.ask", municipality=municipality), forget_keyboard(language, token)


class PrivacyHandlers:
    """/mijngegevens, /vergeetmij and the erase buttons (registered in bot.app.application)."""

    def __init__(self, services: Services) -> None:
        self.services = services
        self.settings = services.settings
        self._postman = Postman()

    def _language(self, resident: repo.ResidentInfo | None, who: Who) -> Language:
        """The resident's language (their device's for a stranger), in the bot's form of
        address."""
        language = resident.language if resident is not None else language_of(who.language_code)
        return speaking(self.settings, language)

    def who(self, user: User) -> Who:
        return Who(self.services.pseudonyms.of(user.id), user.language_code, user.id, TELEGRAM)

    # --- /mijngegevens ------------------------------------------------------------------------

    async def my_data(self, update: Update, context: Context) -> None:
        """/mijngegevens: everything held about the resident, as a JSON file and in short."""
        user, message = update.effective_user, update.effective_message
        if user is None or message is None:
            return
        reply = await self.my_data_reply(self.who(user))
        await self._postman.deliver(context.bot, message.chat_id, reply)

    async def my_data_reply(self, who: Who) -> Reply:
        """Everything held about the resident, as a JSON file and in short."""
        pseudonym = who.pseudonym
        async with self.services.sessions() as db:
            resident = await repo.find_resident(db, pseudonym)
            data = await resident_data(db, resident.id) if resident else None
            versions = Versions(self.services.catalog)
            questionnaires: dict[tuple[str, int], Questionnaire | None] = {}
            for response in data.responses if data else ():
                key = (response.questionnaire_id, response.version)
                if key not in questionnaires:
                    questionnaires[key] = await versions.get(db, *key)
        language = self._language(resident, who)
        if resident is None or data is None:
            return Reply([Send(t(language, "mydata.none"))])
        now = self.services.clock()
        about = t(
            language,
            "mydata.about",
            municipality=self.settings.municipality_name,
            date=formats.date(now, language, self.settings.zone),
            contact=self.settings.privacy_contact,
        )
        document = export_document(
            data,
            questionnaires,
            language,
            zone=self.settings.zone,
            now=now,
            about=plain_text(about),
        )
        content = json.dumps(document, ensure_ascii=False, indent=2).encode("utf-8")
        summary = summary_text(data, questionnaires, language, self.settings.zone)
        name, caption = raw(language, "mydata.filename"), t(language, "mydata.caption")
        log.info("resident %s asked for their data", pseudonym[:12])
        return Reply([Document(content, name, caption), Send(summary)])

    # --- /vergeetmij --------------------------------------------------------------------------

    async def forget(self, update: Update, context: Context) -> None:
        """/vergeetmij: ask for confirmation with two buttons bound to this resident."""
        user, message = update.effective_user, update.effective_message
        if user is None or message is None:
            return
        reply = await self.forget_reply(self.who(user))
        await self._postman.deliver(context.bot, message.chat_id, reply)

    async def forget_reply(self, who: Who) -> Reply:
        """The erase question, with two buttons bound to this resident."""
        async with self.services.sessions() as db:
            resident = await repo.find_resident(db, who.pseudonym)
            question = await forget_question(db, self.services, resident) if resident else None
        if question is None:
            return Reply([Send(t(self._language(None, who), "forget.none"))])
        return Reply([Send(*question)])

    async def button(self, update: Update, context: Context) -> None:
        """A press on an erase button: erase, keep, or refuse a foreign or forged one. The
        press is answered after the commit, so "gewist" is only said of what is gone."""
        query = update.callback_query
        if query is None:
            return
        reply = Reply()
        try:
            reply = await self.press(
                self.who(query.from_user), query.data, shows_buttons=_has_buttons(query.message)
            )
        finally:
            # Always answered (the button stops spinning), also when the erasure failed.
            await self._postman.deliver(context.bot, query.from_user.id, reply, query)

    async def press(self, who: Who, data: object, *, shows_buttons: bool) -> Reply:
        """An erase button pressed; ``shows_buttons``: the message pressed on still shows
        the erase buttons (not a second press on an answered question)."""
        pressed = Forget.unpack(data)
        pseudonym = who.pseudonym
        async with self.services.sessions.begin() as db:
            resident = await repo.find_resident(db, pseudonym)
            language = self._language(resident, who)
            if resident is None:
                reply = Reply(notice=raw(language, "forget.already"))
                # A second erase question, or one asked before: its buttons do nothing.
                if shows_buttons:
                    reply.edit = Edit(t(language, "forget.already"), failing="send")
                return reply
            token = await _token(db, self.services, resident)
            if (
                pressed is None
                or pressed.answer not in ("y", "n")
                or not hmac.compare_digest(pressed.token.encode(), token.encode())
            ):
                log.info("resident %s pressed an erase button not theirs", pseudonym[:12])
                return Reply(notice=raw(language, "stale.short"))
            if pressed.answer == "n":
                if not shows_buttons:  # pressed twice: the message says so already
                    return Reply()
                return Reply(edit=Edit(t(language, "forget.cancelled"), failing="send"))
            await erase_resident(
                db, resident.id, catalog=self.services.catalog, now=self.services.clock()
            )
            log.info("resident %s erased their data", pseudonym[:12])
            return Reply(edit=Edit(t(language, "forget.done"), failing="send"))


def _has_buttons(message: object) -> bool:
    """Whether the message pressed on still shows our erase buttons."""
    if not isinstance(message, Message) or message.reply_markup is None:
        return False
    return any(
        Forget.matches(item.callback_data)
        for row in message.reply_markup.inline_keyboard
        for item in row
    )

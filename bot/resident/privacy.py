"""Residents' rights: /mijngegevens (access), /vergeetmij (erasure, also withdrawing
consent) and the retention job. Registered in :mod:`bot.app.application` before the resident
conversation.

The erase buttons carry ``vm:<y|n>:<token>``; the token is a keyed hash of the resident
record (its id and when it was made) and pseudonym of whoever got the question, so a button
pressed by anyone else, or forged, or left over from before an earlier erasure (SQLite may
give a new record the id of an erased one), does nothing but say so.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
from collections import OrderedDict
from datetime import UTC, datetime, timedelta, tzinfo
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update, User
from telegram.constants import ParseMode
from telegram.error import TelegramError
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, ContextTypes, filters
from telegram.ext.filters import BaseFilter

from bot.core import jobs
from bot.core.services import Services
from flows.engine import answer_label
from flows.schema import END, Questionnaire, TextQuestion
from flows.texts import CATALOG, Html, Language, formats, language_of, plain_text, raw, t
from storage import repo
from storage.models import Resident
from storage.privacy import (
    ResidentData,
    StoredResponse,
    Versions,
    apply_retention,
    erase_resident,
    resident_data,
)

log = logging.getLogger(__name__)
Context = ContextTypes.DEFAULT_TYPE

PREFIX = "vm"  # callback data: vm:y:<token> (erase) or vm:n:<token> (keep)
PATTERN = rf"^{PREFIX}:"
MYDATA_COMMANDS = ["mijngegevens", "mydata"]
FORGET_COMMANDS = ["vergeetmij", "forgetme"]


def register(application: Application, services: Services) -> None:  # type: ignore[type-arg]
    """Add this feature's handlers and jobs to the application."""
    handlers = PrivacyHandlers(services)
    private: BaseFilter = filters.ChatType.PRIVATE & filters.UpdateType.MESSAGE
    application.add_handler(CommandHandler(MYDATA_COMMANDS, handlers.my_data, filters=private))
    application.add_handler(CommandHandler(FORGET_COMMANDS, handlers.forget, filters=private))
    application.add_handler(CallbackQueryHandler(handlers.button, pattern=PATTERN))
    jobs.repeating(
        application, "retention", retention_job, interval=services.settings.jobs_interval
    )


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


def forget_keyboard(language: Language, token: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    raw(language, "forget.yes"), callback_data=f"{PREFIX}:y:{token}"
                ),
                InlineKeyboardButton(
                    raw(language, "forget.no"), callback_data=f"{PREFIX}:n:{token}"
                ),
            ]
        ]
    )


async def forget_question(
    db: AsyncSession, services: Services, resident: repo.ResidentInfo
) -> tuple[Html, InlineKeyboardMarkup]:
    """The erase question and its buttons (also for consent withdrawn after joining)."""
    language = resident.language
    token = await _token(db, services, resident)
    return t(language, "forget.ask"), forget_keyboard(language, token)


#: Erase questions this process answered "keep" on, remembered to edit each only once.
KEPT_REMEMBERED = 10_000


class PrivacyHandlers:
    def __init__(self, services: Services) -> None:
        self.services = services
        self.settings = services.settings
        # A second "keep" pressed before the first edit arrived still shows the buttons in
        # its update; editing again would be refused by Telegram ("message is not modified").
        self._kept: OrderedDict[tuple[int, int], None] = OrderedDict()

    def _first_keep(self, message: object) -> bool:
        if not isinstance(message, Message):
            return False
        key = (message.chat_id, message.message_id)
        if key in self._kept:
            return False
        self._kept[key] = None
        while len(self._kept) > KEPT_REMEMBERED:
            self._kept.popitem(last=False)
        return True

    @staticmethod
    def _language(resident: repo.ResidentInfo | None, user: User) -> Language:
        return resident.language if resident is not None else language_of(user.language_code)

    # --- /mijngegevens ------------------------------------------------------------------------

    async def my_data(self, update: Update, context: Context) -> None:
        """/mijngegevens: everything held about the resident, as a JSON file and in short."""
        user, message = update.effective_user, update.effective_message
        if user is None or message is None:
            return
        pseudonym = self.services.pseudonyms.of(user.id)
        async with self.services.sessions() as db:
            resident = await repo.find_resident(db, pseudonym)
            data = await resident_data(db, resident.id) if resident else None
            versions = Versions(self.services.catalog)
            questionnaires: dict[tuple[str, int], Questionnaire | None] = {}
            for response in data.responses if data else ():
                key = (response.questionnaire_id, response.version)
                if key not in questionnaires:
                    questionnaires[key] = await versions.get(db, *key)
        language = self._language(resident, user)
        if resident is None or data is None:
            await _send(message, t(language, "mydata.none"))
            return
        now = self.services.clock()
        document = export_document(
            data,
            questionnaires,
            language,
            zone=self.settings.zone,
            now=now,
            about=plain_text(
                t(
                    language,
                    "mydata.about",
                    municipality=self.settings.municipality_name,
                    date=formats.date(now, language, self.settings.zone),
                    contact=self.settings.privacy_contact,
                )
            ),
        )
        content = json.dumps(document, ensure_ascii=False, indent=2).encode("utf-8")
        await message.reply_document(
            content,
            filename=raw(language, "mydata.filename"),
            caption=t(language, "mydata.caption"),
            parse_mode=ParseMode.HTML,
            do_quote=False,
        )
        await _send(message, summary_text(data, questionnaires, language, self.settings.zone))
        log.info("resident %s asked for their data", pseudonym[:12])

    # --- /vergeetmij --------------------------------------------------------------------------

    async def forget(self, update: Update, context: Context) -> None:
        """/vergeetmij: ask for confirmation with two buttons bound to this resident."""
        user, message = update.effective_user, update.effective_message
        if user is None or message is None:
            return
        async with self.services.sessions() as db:
            resident = await repo.find_resident(db, self.services.pseudonyms.of(user.id))
            question = await forget_question(db, self.services, resident) if resident else None
        if question is None:
            await _send(message, t(self._language(None, user), "forget.none"))
            return
        await _send(message, *question)

    async def button(self, update: Update, context: Context) -> None:
        """A press on an erase button: erase, keep, or refuse a foreign or forged one."""
        query = update.callback_query
        if query is None:
            return
        notice: str | None = None
        text: Html | None = None
        try:
            user = query.from_user
            _, answer, token = [*(query.data or "").split(":"), "", ""][:3]
            pseudonym = self.services.pseudonyms.of(user.id)
            async with self.services.sessions.begin() as db:
                resident = await repo.find_resident(db, pseudonym)
                language = self._language(resident, user)
                if resident is None:
                    notice = raw(language, "forget.already")
                    # A second erase question, or one asked before: its buttons do nothing.
                    if _has_buttons(query.message):
                        text = t(language, "forget.already")
                elif answer not in ("y", "n") or not hmac.compare_digest(
                    token.encode(), (await _token(db, self.services, resident)).encode()
                ):
                    log.info("resident %s pressed an erase button not theirs", pseudonym[:12])
                    notice = raw(language, "stale.short")
                elif answer == "n":
                    # Pressed twice: the message already says so (an edit to the same
                    # text is refused by Telegram).
                    if _has_buttons(query.message) and self._first_keep(query.message):
                        text = t(language, "forget.cancelled")
                else:
                    await erase_resident(
                        db, resident.id, catalog=self.services.catalog, now=self.services.clock()
                    )
                    log.info("resident %s erased their data", pseudonym[:12])
                    text = t(language, "forget.done")
        finally:
            # Always answer, so the button stops spinning; after the commit, so "gewist"
            # is only said of what is gone.
            await query.answer(notice)
        if text is None:
            return
        if isinstance(query.message, Message):
            try:
                await query.message.edit_text(text, parse_mode=ParseMode.HTML)
                return
            except TelegramError as exc:  # a message too old to edit: say it anew
                log.info("could not edit the erase question: %s", exc)
        await context.bot.send_message(query.from_user.id, text, parse_mode=ParseMode.HTML)


def _has_buttons(message: object) -> bool:
    """Whether the message pressed on still shows our erase buttons."""
    if not isinstance(message, Message) or message.reply_markup is None:
        return False
    return any(
        str(button.callback_data or "").startswith(f"{PREFIX}:")
        for row in message.reply_markup.inline_keyboard
        for button in row
    )


async def _send(
    message: Message, text: Html, keyboard: InlineKeyboardMarkup | None = None
) -> None:
    await message.reply_text(
        text, parse_mode=ParseMode.HTML, reply_markup=keyboard, do_quote=False
    )


# --- the document ---------------------------------------------------------------------------


def _when(moment: datetime | None, zone: tzinfo) -> str | None:
    return moment.astimezone(zone).isoformat(timespec="seconds") if moment else None


def _answers(
    response: StoredResponse, questionnaire: Questionnaire | None, language: Language, zone: tzinfo
) -> list[dict[str, Any]]:
    """Answers along the resident's path (then any others), with question text and label."""
    index = {q.id: q for q in questionnaire.questions} if questionnaire else {}
    order = {qid: i for i, qid in enumerate(response.path)}
    ordered = sorted(
        response.answers, key=lambda a: (order.get(a.question_id, len(order)), a.answered_at)
    )
    out: list[dict[str, Any]] = []
    for answer in ordered:
        question = index.get(answer.question_id)
        entry: dict[str, Any] = {
            "question_id": answer.question_id,
            "question": question.text.get(language) if question else None,
            "type": question.type if question else None,
            "answer": (
                answer_label(question, answer.value, language)
                if question
                else (None if answer.value is None else str(answer.value))
            ),
            "value": answer.value,
            "answered_at": _when(answer.answered_at, zone),
        }
        if answer.moderation is not None:
            entry["moderation"] = answer.moderation
            if answer.moderation_reason:
                entry["moderation_reason"] = answer.moderation_reason
            if answer.moderated_at is not None:
                entry["moderated_at"] = _when(answer.moderated_at, zone)
        out.append(entry)
    return out


def export_document(
    data: ResidentData,
    questionnaires: dict[tuple[str, int], Questionnaire | None],
    language: Language,
    *,
    zone: tzinfo,
    now: datetime,
    about: str,
) -> dict[str, Any]:
    """Everything held about one resident, as a JSON-ready document (their own chat id
    included: it is theirs). Times in the municipality's time zone, to the second."""
    responses = []
    for response in data.responses:
        questionnaire = questionnaires.get((response.questionnaire_id, response.version))
        responses.append(
            {
                "questionnaire": response.questionnaire_id,
                "title": questionnaire.title.get(language) if questionnaire else None,
                "version": response.version,
                "status": response.status,
                # Where the response stands, and options ticked but not yet sent.
                "current_question": None if response.current == END else response.current,
                "selection_not_sent": list(response.draft),
                "test": response.is_test,
                "started_at": _when(response.started_at, zone),
                "last_activity_at": _when(response.updated_at, zone),
                "completed_at": _when(response.completed_at, zone),
                "answers": _answers(response, questionnaire, language, zone),
            }
        )
    return {
        "about": about,
        "created_at": _when(now, zone),
        "resident": {
            "pseudonym": data.pseudonym,
            "language": data.language,
            "consent": data.consent,
            "consent_at": _when(data.consent_at, zone),
            "first_seen_at": _when(data.created_at, zone),
        },
        "contact": (
            {"chat_id": data.chat_id, "unreachable_since": _when(data.unreachable_at, zone)}
            if data.chat_id is not None
            else None
        ),
        "subscriptions": [
            {"kind": s.kind, "topic": s.topic, "since": _when(s.created_at, zone)}
            for s in data.subscriptions
        ],
        "responses": responses,
        "effect_check_answers": [
            {
                "questionnaire": e.questionnaire_id,
                "answer": e.value,
                "answered_at": _when(e.answered_at, zone),
            }
            for e in data.effect_answers
        ],
        "messages": [
            {
                "kind": m.kind,
                "questionnaire": m.questionnaire_id,
                "status": m.status,
                "attempts": m.attempts,
                "sent_at": _when(m.sent_at, zone),
                "error": m.error,
            }
            for m in data.messages
        ],
        "refused_admin_commands": [
            {"action": a.action, "at": _when(a.at, zone)} for a in data.refused_attempts
        ],
    }


def summary_text(
    data: ResidentData,
    questionnaires: dict[tuple[str, int], Questionnaire | None],
    language: Language,
    zone: tzinfo,
) -> Html:
    """A few B1 lines: what the JSON file holds, counted."""
    answers = [a for r in data.responses for a in r.answers if a.value is not None]
    texts = 0
    for response in data.responses:
        questionnaire = questionnaires.get((response.questionnaire_id, response.version))
        kinds = {q.id: q for q in questionnaire.questions} if questionnaire else {}
        texts += sum(
            1
            for a in response.answers
            if a.value is not None and isinstance(kinds.get(a.question_id), TextQuestion)
        )
    completed = sum(1 for r in data.responses if r.status == repo.COMPLETED)
    name_key = f"mydata.language.{data.language}"
    language_name = raw(language, name_key) if name_key in CATALOG else data.language
    lines = [
        t(language, "mydata.code", code=data.pseudonym[:12]),
        t(
            language,
            "mydata.language" if data.consent == "given" else "mydata.consent.refused",
            language=language_name,
            date=formats.date(data.consent_at, language, zone),
        ),
        t(language, "mydata.contact.yes" if data.chat_id is not None else "mydata.contact.no"),
        t(language, "mydata.responses", count=len(data.responses), completed=completed),
        t(language, "mydata.answers", count=len(answers), texts=texts),
        (
            t(language, "mydata.subscriptions", count=len(data.subscriptions))
            if data.subscriptions
            else t(language, "mydata.subscriptions.none")
        ),
    ]
    if data.effect_answers:
        lines.append(t(language, "mydata.effects", count=len(data.effect_answers)))
    return t(language, "mydata.summary", lines=Html("\n".join(lines)))

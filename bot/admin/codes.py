"""Invitation codes for a random sample of addresses ("uitnodigingscodes"): an administrator
asks for N codes of a questionnaire (``/codes <id> <N>`` in their chat, or
``samenspraak codes create``) and gets the files for the letters (:mod:`bot.admin.code_sheets`).

The codes are drawn here (:func:`flows.codes.new_codes`), their keyed hashes stored in one
unit of work with the audit entry (:mod:`storage.codes`), and the files built off the event
loop. A code expires when its questionnaire closes (whenever that is: a later ``closes_at``
in a new version keeps the codes working), or earlier at a date of its own (``--until`` on
the command line, for a round of letters with a deadline).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime

from telegram import Update
from telegram.ext import ContextTypes

from bot.admin.code_sheets import Letter, csv_bytes, pdf_bytes, qr_zip
from bot.core.links import code_url, telegram_start_url
from bot.core.reply import Document, Postman, Reply, Send
from bot.core.services import Services
from flows import codes as shapes
from flows.texts import Html, Language, language_of, t
from flows.texts.formats import date, number
from storage import audit, codes

Context = ContextTypes.DEFAULT_TYPE
#: Characters of a typed questionnaire id looked up (an id has at most 40).
MAX_WANTED_CHARS = 80
#: From this many codes on, the administrator hears first that the files take a while.
BUSY_FROM = 500


@dataclass(frozen=True, slots=True)
class Batch:
    """A new batch of codes: the letters, for which questionnaire, until when."""

    questionnaire_id: str
    title: str
    letters: list[Letter]
    expires_at: datetime | None  # a date of the batch's own; None: when the questionnaire closes
    closes_at: datetime | None  # the questionnaire's planned end, if it has one


class CodeRefused(Exception):
    """The batch cannot be made: ``key`` is the text that says why (``admin.codes.*``)."""

    def __init__(self, key: str, questionnaire_id: str) -> None:
        super().__init__(key)
        self.key = key
        self.questionnaire_id = questionnaire_id


async def make_batch(
    services: Services,
    questionnaire_id: str,
    count: int,
    *,
    bot_username: str | None,
    actor: int | None,
    via: str,
    detail: dict[str, object] | None = None,
    expires_at: datetime | None = None,
) -> Batch:
    """Draw ``count`` codes for the questionnaire and store their hashes (audited as
    ``codes.create``); raises :class:`CodeRefused` for an unknown, closed or archived one,
    ValueError for a count out of range."""
    if not 1 <= count <= shapes.MOST_PER_REQUEST:
        raise ValueError(f"between 1 and {shapes.MOST_PER_REQUEST} codes at a time")
    catalog, settings = services.catalog, services.settings
    flow = catalog.current(questionnaire_id)
    if flow is None:
        raise CodeRefused("admin.codes.unknown", questionnaire_id)
    questionnaire = flow.questionnaire
    closes = questionnaire.closes_at
    if closes is not None and closes.tzinfo is None:
        closes = closes.replace(tzinfo=settings.zone)
    drawn = shapes.new_codes(count)
    key = shapes.code_key(settings.secret())
    now = services.clock()
    async with services.sessions.begin() as db:
        # As stored now: another worker (or the command line) may have closed it meanwhile.
        if await codes.questionnaire_status(db, questionnaire_id) in ("closed", "archived"):
            raise CodeRefused("admin.codes.not_open", questionnaire_id)
        await codes.store_codes(
            db,
            questionnaire_id,
            [shapes.code_digest(key, code) for code in drawn],
            expires_at=expires_at,
            now=now,
        )
        await audit.record(
            db,
            "codes.create",
            actor=actor,
            via=via,
            target=questionnaire_id,
            detail={"count": count, **(detail or {})},
            now=now,
        )
    letters = [
        Letter(code, code_url(settings, code), telegram_start_url(bot_username, code))
        for code in drawn
    ]
    return Batch(questionnaire_id, questionnaire.title.nl, letters, expires_at, closes)


class CodeHandlers:
    """``/codes <id> <N>`` in an administrator's private chat (wrapped in ``admin_only``)."""

    def __init__(self, services: Services) -> None:
        self.services = services
        self.postman = Postman()

    async def command(self, update: Update, context: Context) -> None:
        message, user = update.effective_message, update.effective_user
        if message is None or user is None:
            return
        language = language_of(user.language_code)
        args = list(context.args or [])
        if (
            len(args) == 2
            and args[1].isdigit()
            and BUSY_FROM <= int(args[1]) <= shapes.MOST_PER_REQUEST
        ):
            busy = t(language, "admin.codes.busy", number=number(int(args[1])))
            await self.postman.deliver(context.bot, message.chat_id, Reply([Send(busy)]))
        reply = await self._reply(language, args, context.bot.username, user.id)
        await self.postman.deliver(context.bot, message.chat_id, reply)

    async def _reply(
        self, language: Language, args: list[str], username: str | None, actor: int
    ) -> Reply:
        usage = Reply([Send(self._usage(language))])
        if len(args) != 2 or not args[1].isdigit():
            return usage
        wanted = args[0].strip().lower()[:MAX_WANTED_CHARS]
        count = int(args[1])
        try:
            batch = await make_batch(
                self.services, wanted, count, bot_username=username, actor=actor, via="telegram"
            )
        except ValueError:
            return usage
        except CodeRefused as refused:
            return Reply([Send(t(language, refused.key, id=refused.questionnaire_id))])
        letters = batch.letters
        sheet = await asyncio.to_thread(csv_bytes, letters)
        printable = await asyncio.to_thread(pdf_bytes, letters, batch.title)
        images = await asyncio.to_thread(qr_zip, letters)
        zone = self.services.settings.zone
        ends = [moment for moment in (batch.expires_at, batch.closes_at) if moment is not None]
        until = (
            t(language, "admin.codes.until", date=date(min(ends), language, zone)) if ends else ""
        )
        caption = t(language, "admin.codes.made", title=batch.title, count=count, until=until)
        stamp = self.services.clock().astimezone(zone).strftime("%Y%m%d-%H%M")
        name = f"{batch.questionnaire_id}-codes-{stamp}"
        reply = Reply(
            [
                Document(sheet, f"{name}.csv", caption),
                Document(printable, f"{name}.pdf"),
                Document(images, f"{name}-qr.zip"),
            ]
        )
        if letters and letters[0].url is None:
            reply.then(Send(t(language, "admin.codes.no_url")))
        return reply

    def _usage(self, language: Language) -> Html:
        currents = list(self.services.catalog.currents())
        example = currents[0].questionnaire.id if currents else "afvalinzameling"
        return t(language, "admin.codes.usage", example=example, most=shapes.MOST_PER_REQUEST)

"""The civil servants' group: /digest on demand and /help. Residents' commands do nothing here."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.constants import ParseMode
from telegram.ext import ContextTypes

from bot.staff.digests import DigestService
from flows.schema import SLUG
from flows.texts import Html, escape

log = logging.getLogger(__name__)
Context = ContextTypes.DEFAULT_TYPE

HELP = (
    "<b>Samenspraak in deze groep</b>\n"
    "Hier komen de overzichten van wat inwoners zeggen: {schedule}, en één keer als een "
    "vragenlijst sluit. Er staat niets in waarmee je een inwoner kunt herkennen. Teksten van "
    "inwoners staan er pas als citaat in als een beheerder ze heeft goedgekeurd.\n\n"
    "/digest – overzicht van alles wat nieuw is sinds het laatste geplande overzicht\n"
    "/digest &lt;id&gt; – overzicht van één vragenlijst ({ids}) of één gesprek met "
    "stellingen\n"
    "/rapport &lt;id&gt; – rapport voor de raad, als Word-bestand\n"
    "/help – deze uitleg"
)


class GroupHandlers:
    """Registered in :func:`bot.app.application.build_application` for group chats."""

    def __init__(self, digests: DigestService) -> None:
        self.digests = digests

    def _ours(self, update: Update) -> bool:
        chat = update.effective_chat
        return chat is not None and chat.id == self.digests.chat_id

    async def help(self, update: Update, context: Context) -> None:
        """/help in the group: what arrives here and the digest commands."""
        message = update.effective_message
        if message is None or not self._ours(update):
            return
        ids = ", ".join(f.questionnaire.id for f in self.digests.services.catalog.currents())
        text = HELP.format(
            schedule=escape(self.digests.schedule.describe()), ids=escape(ids or "nog geen")
        )
        await message.reply_text(Html(text), parse_mode=ParseMode.HTML)

    async def digest(self, update: Update, context: Context) -> None:
        """/digest [questionnaire-id or deliberation-id], by any member of the digest
        group."""
        message = update.effective_message
        if message is None:
            return
        if not self._ours(update):
            await message.reply_text("Overzichten stuur ik alleen naar de groep van de gemeente.")
            return
        wanted = context.args[0].lower() if context.args else None
        catalog = self.digests.services.catalog
        if wanted is not None and (not SLUG.match(wanted) or catalog.current(wanted) is None):
            talks = await self.digests.deliberation_ids()
            if not SLUG.match(wanted) or wanted not in talks:
                ids = ", ".join(f.questionnaire.id for f in catalog.currents()) or "geen"
                said = f"Die vragenlijst of dat gesprek ken ik niet. Kies uit: {escape(ids)}"
                if talks:
                    said += f"\nGesprekken met stellingen: {escape(', '.join(talks))}"
                await message.reply_text(Html(said), parse_mode=ParseMode.HTML)
                return
        try:
            await self.digests.on_demand(context.bot, message.chat_id, wanted)
        except Exception:
            log.exception("on-demand digest failed")
            await message.reply_text("Het overzicht lukte niet. Probeer het later nog eens.")

"""/rapport and /publiceer in chat.

/rapport &lt;id&gt; sends the Word report as a document: in the civil servants' group (any
member, as /digest), or to an administrator in their private chat. Anybody else's /rapport
is answered as an unknown command (in a private chat) or with where reports go (in another
group); nothing of a report reaches them.

/publiceer &lt;id&gt; (an administrator, in private) makes the results page of a questionnaire
or a deliberation (its opinion groups and common ground) public; /publiceer &lt;id&gt; uit
takes it offline. Both are audited. The closing-the-loop message to participants links to
the page once it is public (:mod:`bot.outcomes.feedback`).
"""

from __future__ import annotations

import logging

from telegram import Update
from telegram.constants import ChatType, ParseMode
from telegram.ext import ContextTypes

from bot.core.access import is_admin, refuse
from bot.core.links import results_path
from bot.core.services import Services
from bot.staff.report_docx import TemplateError
from bot.staff.reports import ReportService
from flows.schema import SLUG
from flows.texts import Html, escape
from storage import audit
from storage import report as store

log = logging.getLogger(__name__)
Context = ContextTypes.DEFAULT_TYPE

ELSEWHERE = "Rapporten stuur ik alleen naar de groep van de gemeente en naar beheerders."
OFF = ("uit", "off")


class ReportHandlers:
    def __init__(self, services: Services, reports: ReportService | None = None) -> None:
        self.services = services
        self.reports = reports or ReportService(services)

    def _ids(self) -> str:
        return ", ".join(f.questionnaire.id for f in self.services.catalog.currents()) or "geen"

    def _unknown(self, wanted: str) -> Html:
        return Html(
            f"Die vragenlijst ken ik niet: {escape(wanted)}. Kies uit: {escape(self._ids())}"
        )

    def _wanted(self, context: Context) -> str | None:
        return context.args[0].lower() if context.args else None

    async def rapport(self, update: Update, context: Context) -> None:
        """/rapport &lt;id&gt;: the Word report, in the staff group or an admin's chat."""
        message, user = update.effective_message, update.effective_user
        if message is None:
            return
        chat = message.chat
        staff_group = chat.id == self.services.settings.digest_chat_id
        if chat.type == ChatType.PRIVATE:
            if not is_admin(self.services, user.id if user else None):
                await refuse(update, context, "report")
                return
        elif not staff_group:
            await message.reply_text(ELSEWHERE)
            return
        wanted = self._wanted(context)
        if wanted is None:
            await message.reply_text(
                Html(
                    "Van welke vragenlijst wil je het rapport? Typ /rapport en de id, "
                    f"bijvoorbeeld: /rapport {escape(self._ids().split(', ')[0])}\n"
                    f"Kies uit: {escape(self._ids())}"
                ),
                parse_mode=ParseMode.HTML,
            )
            return
        if not SLUG.match(wanted) or not await self.reports.known(wanted):
            await message.reply_text(self._unknown(wanted), parse_mode=ParseMode.HTML)
            return
        await context.bot.send_chat_action(chat.id, "upload_document")
        try:
            report, data = await self.reports.docx(wanted)
        except TemplateError as exc:
            log.error("report template: %s", exc)
            await message.reply_text(
                "Het rapport lukte niet: het Word-sjabloon van de gemeente (REPORT_TEMPLATE) "
                "is kapot of geen Word-bestand. Vraag de beheerder van de server om het te "
                "vervangen of de instelling leeg te maken."
            )
            return
        except Exception:
            log.exception("report failed")
            await message.reply_text("Het rapport lukte niet. Probeer het later nog eens.")
            return
        day = self.services.clock().astimezone(self.services.settings.zone).date().isoformat()
        await context.bot.send_document(
            chat.id,
            document=data,
            filename=f"rapport-{wanted}-{day}.docx",
            caption=_caption(report.title.nl, report.level, report.min_cell),
        )
        async with self.services.sessions.begin() as db:
            await audit.record(
                db,
                "report",
                actor=user.id if user and not staff_group else None,
                target=wanted,
                detail={"chat": "group" if staff_group else "private"},
                now=self.services.clock(),
            )

    async def publiceer(self, update: Update, context: Context) -> None:
        """/publiceer &lt;id&gt; [uit] by an administrator in private (wrapped in admin_only)."""
        message, user = update.effective_message, update.effective_user
        if message is None or user is None:
            return
        wanted = self._wanted(context)
        choose = escape(", ".join(await self.reports.subjects()) or "geen")
        if wanted is None:
            await message.reply_text(
                Html(
                    "Welke resultatenpagina wil je openbaar maken? Typ /publiceer en de id "
                    "van een vragenlijst of een gesprek met stellingen, "
                    "of /publiceer &lt;id&gt; uit om hem offline te halen.\n"
                    f"Kies uit: {choose}"
                ),
                parse_mode=ParseMode.HTML,
            )
            return
        kind = await self.reports.kind(wanted) if SLUG.match(wanted) else None
        if kind is None:
            await message.reply_text(
                Html(
                    f"Die vragenlijst of dat gesprek ken ik niet: {escape(wanted)}. "
                    f"Kies uit: {choose}"
                ),
                parse_mode=ParseMode.HTML,
            )
            return
        args = context.args or []
        off = len(args) > 1 and args[1].lower() in OFF
        now = self.services.clock()
        async with self.services.sessions.begin() as db:
            if off:
                changed = await store.unpublish(db, wanted)
            else:
                changed = await store.publish(
                    db, wanted, now=now, deliberation=kind == "deliberation"
                )
            if changed:
                action = "report.unpublish" if off else "report.publish"
                await audit.record(db, action, actor=user.id, target=wanted, now=now)
        url = self.reports.public_url(wanted) or results_path(wanted)
        if off:
            text = (
                f"De resultatenpagina van {escape(wanted)} is offline."
                if changed
                else f"De resultatenpagina van {escape(wanted)} was niet openbaar."
            )
        else:
            lead = "staat nu online" if changed else "stond al online"
            text = (
                f"De resultatenpagina van {escape(wanted)} {lead}: {escape(url)}\n"
                "Deelnemers krijgen de link bij de volgende terugkoppeling (/terugkoppeling). "
                f"Offline halen: /publiceer {escape(wanted)} uit"
            )
        await message.reply_text(Html(text), parse_mode=ParseMode.HTML)


def _caption(title: str, level: str, min_cell: int) -> str:
    if level == "empty":
        return (
            f"Rapport: {title}. Er zijn nog geen antwoorden, dus er staan nog geen uitkomsten in."
        )
    if level == "suppressed":
        return (
            f"Rapport: {title}. Minder dan {min_cell} inwoners deden mee. Daarom staan er geen "
            "cijfers in: anders kun je misschien zien wie wat antwoordde."
        )
    return f"Rapport: {title}. Een Word-bestand dat je kunt aanpassen."

"""/rapport and /publiceer in chat.

/rapport &lt;id&gt; [van] [tot] sends the Word report of a questionnaire or a deliberation as a
document, over its whole life or from the day ``van`` up to and including ``tot`` (dates as
the bot reads them elsewhere: 2026-11-02, 2-11-2026, 2/11, vandaag, gisteren): in the civil
servants' group (any member, as /digest), or to an administrator in their private chat.
Anybody else's /rapport is answered as an unknown command (in a private chat) or with where
reports go (in another group); nothing of a report reaches them.

/publiceer &lt;id&gt; (an administrator, in private) makes the results page of a questionnaire
or a deliberation (its opinion groups and common ground) public; /publiceer &lt;id&gt; uit
takes it offline. Both are audited. The closing-the-loop message to participants links to
the page once it is public (:mod:`bot.outcomes.feedback`).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta

from telegram import Update
from telegram.constants import ChatType, ParseMode
from telegram.ext import ContextTypes

from bot.core.access import is_admin, refuse
from bot.core.links import results_path
from bot.core.services import Services
from bot.staff.report_docx import TemplateError
from bot.staff.reports import ReportService
from flows.dates import read_date
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

    async def _ids(self) -> str:
        """Every questionnaire and deliberation id, for "Kies uit"."""
        return ", ".join(await self.reports.subjects()) or "geen"

    async def _unknown(self, wanted: str) -> Html:
        return Html(
            f"Die vragenlijst of dat gesprek ken ik niet: {escape(wanted)}. "
            f"Kies uit: {escape(await self._ids())}"
        )

    def _period(self, args: Sequence[str]) -> tuple[datetime | None, datetime | None] | str:
        """The period of ``/rapport <id> [van] [tot]``: from the start of ``van`` to the end
        of ``tot`` in the municipality's time zone; a sentence saying what is wrong."""
        zone = self.services.settings.zone
        today = self.services.clock().astimezone(zone).date()
        days: list[date] = []
        for text in args[:2]:
            found = read_date(text, today)
            if found is None:
                return (
                    f"Die datum begrijp ik niet: {escape(text)}. Typ de datums zo: "
                    "/rapport &lt;id&gt; 1-11-2026 30-11-2026 (van en tot en met)."
                )
            days.append(found)
        if len(args) > 2:
            return "Typ na de id hoogstens twee datums: van en tot en met."
        since = datetime.combine(days[0], time(), tzinfo=zone) if days else None
        until = None
        if len(days) == 2:
            if days[1] < days[0]:
                return "De eerste datum moet voor de tweede liggen (van en tot en met)."
            until = datetime.combine(days[1] + timedelta(days=1), time(), tzinfo=zone)
        if since is not None and since >= (until or self.services.clock()):
            return "Die periode is nog niet begonnen. Kies een datum van vandaag of eerder."
        return since, until

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
            ids = await self._ids()
            await message.reply_text(
                Html(
                    "Van welke vragenlijst of welk gesprek wil je het rapport? Typ /rapport en "
                    f"de id, bijvoorbeeld: /rapport {escape(ids.split(', ')[0])}\n"
                    "Voor een periode: /rapport &lt;id&gt; van tot, bijvoorbeeld "
                    "1-11-2026 30-11-2026.\n"
                    f"Kies uit: {escape(ids)}"
                ),
                parse_mode=ParseMode.HTML,
            )
            return
        if not SLUG.match(wanted) or not await self.reports.known(wanted):
            await message.reply_text(await self._unknown(wanted), parse_mode=ParseMode.HTML)
            return
        period = self._period((context.args or [])[1:])
        if isinstance(period, str):
            await message.reply_text(Html(period), parse_mode=ParseMode.HTML)
            return
        since, until = period
        await context.bot.send_chat_action(chat.id, "upload_document")
        try:
            report, data = await self.reports.docx(wanted, since=since, until=until)
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
                detail={
                    "chat": "group" if staff_group else "private",
                    **({"since": since.date().isoformat()} if since else {}),
                    **({"until": until.date().isoformat()} if until else {}),
                },
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

"""/export and the "Exporteren" button: a questionnaire's responses sent to the administrator
as a CSV, an Excel and an SPSS document, pseudonymous (see :mod:`analysis.export` and
:mod:`analysis.spss`)."""

from __future__ import annotations

import asyncio

from telegram import User

from bot.admin import buttons
from bot.admin.export import csv_text, export_data, sav_bytes, xlsx_bytes
from bot.admin.export_stellingen import polis_zip
from bot.admin.press import Press
from bot.admin.views import ids_text
from bot.core.reply import Document, Reply, Send
from bot.core.services import Services
from flows.texts import Language, language_of, t
from storage import audit

#: Characters of a typed questionnaire id looked up (an id has at most 40).
MAX_WANTED_CHARS = 80


class Downloads:
    """The export files for an administrator (registered through :mod:`bot.admin.handlers`)."""

    def __init__(self, services: Services) -> None:
        self.services = services

    async def command(self, user: User, args: list[str]) -> Reply:
        """/export <id>: the files; without an id, which ids there are."""
        language = language_of(user.language_code)
        wanted = args[0].strip().lower() if args else ""
        if wanted:
            return await self.files(wanted[:MAX_WANTED_CHARS], user)
        currents = list(self.services.catalog.currents())
        if not currents:
            return Reply([Send(t(language, "admin.export.none"))])
        text = t(
            language,
            "admin.export.usage",
            example=currents[0].questionnaire.id,
            ids=ids_text(currents, language),
        )
        return Reply([Send(text)])

    async def button(self, press: Press, pressed: buttons.Export) -> None:
        qid = pressed.qid
        if qid is None:
            await press.stale()
            return
        # Answered at once: the files of thousands of responses take a moment.
        await press.answer(Reply())
        await press.send(await self.files(qid, press.user))

    async def files(self, questionnaire_id: str, user: User) -> Reply:
        """The CSV, Excel and SPSS files of one questionnaire (audited); for an unknown one,
        the ids there are."""
        services = self.services
        language: Language = language_of(user.language_code)
        try:
            data = await export_data(services, questionnaire_id)
        except LookupError:
            polis = await self._polis(questionnaire_id, user, language)
            if polis is not None:
                return polis
            currents = list(services.catalog.currents())
            ids = ids_text(currents, language)
            return Reply([Send(t(language, "admin.export.unknown", id=questionnaire_id, ids=ids))])
        flow = data.current
        title = flow.questionnaire.title.get(language)
        # The files are built off the event loop: thousands of rows take a moment.
        table = await asyncio.to_thread(data.table, services)
        sheet = await asyncio.to_thread(csv_text, table)
        spreadsheet = await asyncio.to_thread(xlsx_bytes, table, flow.questionnaire.title.nl)
        spss = await asyncio.to_thread(sav_bytes, data.dataset(services))
        now = services.clock()
        name = f"{questionnaire_id}-{now.astimezone(services.settings.zone).date().isoformat()}"
        caption = t(language, "admin.export.caption", title=title, count=len(table.rows))
        async with services.sessions.begin() as db:
            await audit.record(
                db,
                "export",
                actor=user.id,
                target=questionnaire_id,
                detail={"rows": len(table.rows), "formats": ["csv", "xlsx", "sav"]},
                now=now,
            )
        return Reply(
            [
                Document(sheet.encode("utf-8"), f"{name}.csv", caption),
                Document(spreadsheet, f"{name}.xlsx"),
                Document(spss, f"{name}.sav"),
            ]
        )

    async def _polis(self, deliberation_id: str, user: User, language: Language) -> Reply | None:
        """A deliberation in Polis's open-data format (one zip; audited); None when
        ``deliberation_id`` is not one."""
        services = self.services
        try:
            data, title, count = await polis_zip(services, deliberation_id)
        except LookupError:
            return None
        now = services.clock()
        name = (
            f"{deliberation_id}-polis-{now.astimezone(services.settings.zone).date().isoformat()}"
        )
        async with services.sessions.begin() as db:
            await audit.record(
                db,
                "export",
                actor=user.id,
                target=deliberation_id,
                detail={"participants": count, "formats": ["polis"]},
                now=now,
            )
        caption = t(language, "admin.export.polis", title=title, count=count)
        return Reply([Document(data, f"{name}.zip", caption)])

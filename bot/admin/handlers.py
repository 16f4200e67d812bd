"""The administrators' handlers in their private chat as one object built from the services
(uploads, the buttons of drafts, /beheer, /export, the schedule of questionnaires);
:mod:`bot.app.handlers` registers them. Their command menu is set with everyone's
(:mod:`bot.app.menus`).

Every command and every button is checked against ADMIN_USER_IDS on the server
(:func:`bot.core.access.admin_only`), whatever the chat shows, and written to the audit log
under its own action name, a stranger's refused attempt too. Replies are computed in each
handler's unit of work and delivered after the commit by one :class:`Postman`, so that the
messages it sent (previews, /beheer) are the ones it edits safely.
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import (
    ContextTypes,
)

from bot.admin import buttons
from bot.admin.beheer import Beheer
from bot.admin.beheer_stellingen import STELLINGEN, BeheerStellingen, DeliberationStatus
from bot.admin.buttons import AdminButton
from bot.admin.downloads import Downloads
from bot.admin.drafts import Drafts
from bot.admin.population import PopulationUploads, looks_like_csv
from bot.admin.press import Press, handle_press
from bot.admin.schedule import Schedule
from bot.admin.stellingen_test import DeliberationTests, ShowDeliberationDraft, TrialVote
from bot.admin.upload_stellingen import CancelDeliberation, PublishDeliberation, TryDeliberation
from bot.admin.uploads import Uploads
from bot.core.access import Handler, admin_only
from bot.core.callbacks import decode
from bot.core.reply import Postman, Reply
from bot.core.services import Services
from flows.texts import language_of

Context = ContextTypes.DEFAULT_TYPE


class Administrators:
    """Every handler and job for administrators; ``upload``, ``beheer``, ``export`` and
    ``button`` are checked against ADMIN_USER_IDS themselves."""

    def __init__(self, services: Services) -> None:
        self.services = services
        self.postman = Postman()
        self.uploads = Uploads(services)
        self.population = PopulationUploads(services)
        self.drafts = Drafts(services)
        self.questionnaires = Beheer(services)
        self.deliberations = BeheerStellingen(services)
        self.deliberation_tests = DeliberationTests(services)
        self.downloads = Downloads(services)
        self.schedule = Schedule(services)
        self.upload: Handler = admin_only("upload")(self._upload)
        self.beheer: Handler = admin_only("beheer")(self._beheer)
        self.export: Handler = admin_only("export")(self._export)
        self.population_button: Handler = admin_only("population")(self.population.button)

    async def _upload(self, update: Update, context: Context) -> None:
        """A questionnaire YAML sent as a document: validated, kept as a draft, previewed."""
        message, user = update.effective_message, update.effective_user
        if message is None or user is None or message.document is None:
            return
        document = message.document
        if looks_like_csv(document.file_name, document.mime_type):
            # A CSV is a reference population (inhabitants per wijk and age band).
            reply = await self.population.receive(document, user, message.caption)
        else:
            reply = await self.uploads.receive(document, user)
        await self.postman.deliver(context.bot, message.chat_id, reply)

    async def _beheer(self, update: Update, context: Context) -> None:
        """/beheer: every questionnaire with its status and responses, as buttons."""
        message, user = update.effective_message, update.effective_user
        if message is None or user is None:
            return
        language = language_of(user.language_code)
        if [a.lower() for a in context.args or []] == [STELLINGEN]:
            # /beheer stellingen: the deliberations, each with its open/close button.
            reply = Reply().then(*await self.deliberations.reply(language))
        else:
            reply = await self.questionnaires.command(language)
            # Deliberation drafts are listed in /beheer stellingen; /beheer says they wait.
            reply = reply.then(*await self.deliberations.waiting(language))
        await self.postman.deliver(context.bot, message.chat_id, reply)

    async def _export(self, update: Update, context: Context) -> None:
        """/export <id>: the responses as CSV and Excel, pseudonymous."""
        message, user = update.effective_message, update.effective_user
        if message is None or user is None:
            return
        reply = await self.downloads.command(user, list(context.args or []))
        await self.postman.deliver(context.bot, message.chat_id, reply)

    async def button(self, update: Update, context: Context) -> None:
        """Every ``adm:`` button; each kind is checked against ADMIN_USER_IDS (and a refused
        attempt audited under its own action name) before anything happens."""
        query = update.callback_query
        if query is None:
            return
        found = decode(query.data)
        pressed = found if isinstance(found, AdminButton) else buttons.OtherAdmin()

        async def press(update: Update, context: Context) -> None:
            await handle_press(
                update, context, self.postman, lambda press: self._press(press, pressed)
            )

        await admin_only(pressed.action)(press)(update, context)

    async def _press(self, press: Press, pressed: AdminButton) -> None:
        match pressed:
            case buttons.ListPage():
                await self.questionnaires.page(press, pressed)
            case buttons.Detail():
                await self.questionnaires.detail(press, pressed)
            case buttons.Confirm():
                await self.questionnaires.confirm(press, pressed)
            case buttons.ChangeStatus():
                await self.questionnaires.change(press, pressed)
            case buttons.Export():
                await self.downloads.button(press, pressed)
            case buttons.ShowDraft():
                await self.drafts.show(press, pressed)
            case buttons.TryDraft():
                await self.drafts.try_out(press, pressed)
            case buttons.Publish():
                await self.drafts.publish(press, pressed)
            case buttons.Cancel():
                await self.drafts.cancel(press, pressed)
            case PublishDeliberation():
                await self.uploads.deliberations.publish(press, pressed)
            case CancelDeliberation():
                await self.uploads.deliberations.cancel(press, pressed)
            case TryDeliberation():
                await self.deliberation_tests.try_out(press, pressed)
            case ShowDeliberationDraft():
                await self.deliberation_tests.show(press, pressed)
            case TrialVote():
                await self.deliberation_tests.vote(press, pressed)
            case DeliberationStatus():
                await self.deliberations.change(press, pressed)
            case _:
                await press.stale()

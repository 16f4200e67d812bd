"""The one table of every handler and job the bot has, in the order they run.

python-telegram-bot runs, for every update, the first matching handler of each handler
group, lowest group first; a handler that raises ``ApplicationHandlerStop`` ends the update
there. The groups have names (:class:`Stage`) instead of numbers. Within
:attr:`Stage.FEATURES` the order of the rows is the order of matching: features with their
own commands and button data come before the residents' conversation, whose handlers take
every other message and button.

A feature is an object built from the services (see :class:`Features`); its handlers are
its methods. Adding a command is adding a row here (and its line in the command menu,
``flows/texts``); CONTRIBUTING.md says which test goes with it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass
from enum import IntEnum
from typing import Any

from telegram import Bot, Update
from telegram.ext import (
    Application,
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot.admin.buttons import AdminButton, ModerationButton
from bot.admin.codes import CodeHandlers
from bot.admin.handlers import Administrators
from bot.admin.moderation import COMMAND as MODERATION
from bot.admin.moderation import ModerationHandlers
from bot.admin.population import PopulationButton
from bot.app.flood import Flood
from bot.app.menus import Menus
from bot.core import jobs
from bot.core.access import admin_only
from bot.core.services import Services
from bot.outcomes.buttons import (
    EffectAnswer,
    FeedbackStep,
    InvitationChoice,
    OptIn,
    ScheduleCheck,
)
from bot.outcomes.handlers import Outcomes
from bot.resident import privacy
from bot.resident import profile as about_you
from bot.resident.conversation import ResidentHandlers
from bot.resident.stellingen import Deliberations
from bot.resident.stellingen_views import Stelling
from bot.staff.digests import DigestService
from bot.staff.group import GroupHandlers
from bot.staff.report_chat import ReportHandlers

PRIVATE = filters.ChatType.PRIVATE
GROUPS = filters.ChatType.GROUPS
NEW = filters.UpdateType.MESSAGE
EDITED = filters.UpdateType.EDITED_MESSAGE
COMMANDS, TEXT = filters.COMMAND, filters.TEXT

Handler = BaseHandler[Update, Any, Any]
Callback = Callable[[Update, ContextTypes.DEFAULT_TYPE], Coroutine[Any, Any, None]]
Filter = filters.BaseFilter
Job = Callable[[Services, Bot], Awaitable[None]]


class Stage(IntEnum):
    """Handler groups, in the order they run for every update."""

    #: A chat's own command menu (an administrator's, the staff group's), set at its first
    #: update of any kind when Telegram refused it at start-up. Never stops the update.
    MENUS = -10
    #: An administrator's typed /terugkoppeling text: only the database knows whether a text
    #: is one, so this looks first; other texts go on.
    ADMIN_TEXT = -3
    #: Drops a flooding resident's updates (and says "rustig aan" once).
    FLOOD = -1
    #: The one feature that answers the update.
    FEATURES = 0


@dataclass(frozen=True)
class Features:
    """Every feature of the bot, built once per application."""

    flood: Flood
    menus: Menus
    residents: ResidentHandlers
    deliberations: Deliberations
    privacy: privacy.PrivacyHandlers
    profile: about_you.ProfileHandlers
    admins: Administrators
    codes: CodeHandlers
    moderation: ModerationHandlers
    outcomes: Outcomes
    digests: DigestService
    group: GroupHandlers
    reports: ReportHandlers

    @classmethod
    def build(cls, application: Application, services: Services) -> Features:  # type: ignore[type-arg]
        settings = services.settings
        digests = DigestService(services, settings.schedule, settings.digest_chat_id)
        residents = ResidentHandlers(services)
        return cls(
            flood=Flood(services),
            menus=Menus(settings),
            residents=residents,
            deliberations=Deliberations(services, residents, spawn=application.create_task),
            privacy=privacy.PrivacyHandlers(services),
            profile=about_you.ProfileHandlers(
                services, lambda user: residents.sessions.welcome(user, None, again=True)
            ),
            admins=Administrators(services),
            codes=CodeHandlers(services),
            moderation=ModerationHandlers(services),
            outcomes=Outcomes(application, services),
            digests=digests,
            group=GroupHandlers(digests),
            reports=ReportHandlers(services),
        )


def command(names: str | list[str], callback: Callback, where: Filter = PRIVATE) -> Handler:
    """A command in private chats (or ``where``), new messages only."""
    return CommandHandler(names, callback, filters=where & NEW)


def admin_command(names: str | list[str], callback: Callback) -> Handler:
    """An administrator's command (``callback`` wrapped in ``admin_only``), taken in private
    chats and in groups alike: ``admin_only`` acts on it only in the administrator's private
    chat, and answers one typed in a group with where to go (nothing of it reaches the group)."""
    return command(names, callback, PRIVATE | GROUPS)


def press(callback: Callback, pattern: Callable[[object], bool] | None = None) -> Handler:
    """A button press whose data ``pattern`` accepts (None: any press)."""
    return CallbackQueryHandler(callback, pattern=pattern)


def every(callback: Callback) -> Handler:
    """Every update, whatever it is."""
    return TypeHandler(Update, callback)


def table(features: Features, services: Services) -> list[tuple[Stage, Handler]]:
    """Every handler, in order: (group, handler)."""
    settings = services.settings
    resident, rights, admins = features.residents, features.privacy, features.admins
    talks = features.deliberations
    loop, moderation, group = features.outcomes, features.moderation, features.group
    outcome, invite, check = (
        admin_only("outcome"),
        admin_only("invite"),
        admin_only("effect_check"),
    )
    admin_text = PRIVATE & NEW & TEXT & ~COMMANDS & loop.from_admin
    rows: list[tuple[Stage, Handler]] = [
        (Stage.FLOOD, every(features.flood.check)),
        # A press without data matches every CallbackQueryHandler whatever its pattern
        # (python-telegram-bot only checks a pattern against data that is there): the
        # residents' handler answers it, before any feature can take it.
        (Stage.FEATURES, press(resident.button, _never)),
        # Residents' rights.
        (Stage.FEATURES, command(privacy.MYDATA_COMMANDS, rights.my_data)),
        (Stage.FEATURES, command(privacy.FORGET_COMMANDS, rights.forget)),
        (Stage.FEATURES, press(rights.button, privacy.Forget.claims)),
        # About you, once: age band and wijk, reused by every questionnaire.
        (Stage.FEATURES, command(about_you.COMMANDS, features.profile.command)),
        (Stage.FEATURES, press(features.profile.button, about_you.ProfileButton.claims)),
        # Administrators: questionnaires (each handler checks ADMIN_USER_IDS itself). Their
        # commands and buttons act in the administrator's private chat only (admin_only).
        (Stage.FEATURES, admin_command("beheer", admins.beheer)),
        (Stage.FEATURES, admin_command("export", admins.export)),
        # Invitation codes for a random sample of addresses: the files for the letters.
        (Stage.FEATURES, admin_command("codes", admin_only("codes")(features.codes.command))),
        # Reports: /rapport in the staff group or an administrator's chat (it checks which
        # itself), /publiceer the public results page (administrators, in private).
        (Stage.FEATURES, command("rapport", features.reports.rapport, PRIVATE | GROUPS)),
        (
            Stage.FEATURES,
            admin_command("publiceer", admin_only("publish_report")(features.reports.publiceer)),
        ),
    ]
    if settings.admin_user_ids:
        # Only administrators' documents: anybody else's go on to the conversation.
        upload = PRIVATE & NEW & filters.Document.ALL & filters.User(settings.admin_user_ids)
        rows.append((Stage.FEATURES, MessageHandler(upload, admins.upload)))
    if features.menus.chats:
        rows.append((Stage.MENUS, every(features.menus.on_first_contact)))
    rows += [
        (Stage.FEATURES, press(admins.button, AdminButton.matches)),
        # A reference population's preview: Opslaan / Annuleren (administrators only).
        (Stage.FEATURES, press(admins.population_button, PopulationButton.claims)),
        # Moderation of free text: administrators in private, a pointer in a group.
        (Stage.FEATURES, admin_command(MODERATION, moderation.command)),
        (Stage.FEATURES, press(moderation.button, ModerationButton.matches)),
        # Closing the loop: residents' opt-ins and results, administrators' outcomes and
        # invitations, effect checks.
        (Stage.FEATURES, command(["instellingen", "settings"], loop.residents.settings)),
        (Stage.FEATURES, command(["resultaten", "results"], loop.residents.results)),
        (Stage.FEATURES, admin_command("terugkoppeling", outcome(loop.feedback.command))),
        (Stage.FEATURES, admin_command("uitnodigen", invite(loop.invitations.command))),
        (Stage.ADMIN_TEXT, MessageHandler(admin_text, outcome(loop.feedback.text))),
        (Stage.FEATURES, press(loop.residents.opt_in_button, OptIn.claims)),
        (Stage.FEATURES, press(loop.residents.effect_button, EffectAnswer.claims)),
        (Stage.FEATURES, press(invite(loop.invitations.button), InvitationChoice.claims)),
        (Stage.FEATURES, press(outcome(loop.feedback.button), FeedbackStep.claims)),
        (Stage.FEATURES, press(check(loop.effect_checks.schedule_button), ScheduleCheck.claims)),
        # Deliberations ("gesprek met stellingen"): their buttons; /start, /stop, text and
        # the rest come to them first and go on to the questionnaires when not theirs.
        (Stage.FEATURES, press(talks.button, Stelling.claims)),
        # The residents' conversation: every other private message and button.
        (Stage.FEATURES, command("start", talks.start)),
        (Stage.FEATURES, command(["vragenlijsten", "questionnaires"], talks.questionnaires)),
        (Stage.FEATURES, command("help", resident.help)),
        (Stage.FEATURES, command("privacy", resident.privacy)),
        (Stage.FEATURES, command(["taal", "language"], resident.language)),
        (Stage.FEATURES, command("stop", talks.stop)),
        (
            Stage.FEATURES,
            MessageHandler(PRIVATE & NEW & filters.COMMAND, resident.unknown_command),
        ),
        (Stage.FEATURES, MessageHandler(PRIVATE & NEW & filters.TEXT, talks.text)),
        (Stage.FEATURES, MessageHandler(PRIVATE & EDITED, resident.edited)),
        (Stage.FEATURES, MessageHandler(PRIVATE & NEW, talks.unsupported)),
        (Stage.FEATURES, press(resident.button)),
        # The civil servants' group.
        (Stage.FEATURES, command("digest", group.digest, GROUPS)),
        (Stage.FEATURES, command("help", group.help, GROUPS)),
    ]
    return rows


def leased_jobs(features: Features, services: Services) -> list[tuple[str, Job, float]]:
    """Background jobs that run on one worker at a time (:mod:`bot.core.jobs`): (name, job,
    interval in seconds)."""
    settings = services.settings
    every = settings.jobs_interval
    found: list[tuple[str, Job, float]] = [
        ("forget-updates", jobs.forget_updates, jobs.FORGET_UPDATES_INTERVAL),
        ("retention", privacy.retention_job, every),
        # Opening and closing on opens_at/closes_at, also when a moment passed while down.
        ("lifecycle", features.admins.schedule.lifecycle, every),
        ("outbox", features.outcomes.sender.tick, every),
        ("effect_checks", features.outcomes.effect_checks.tick, every),
    ]
    if settings.digest_chat_id is not None:
        # Scheduled and closing digests; a missed slot is caught up once after downtime.
        digests = features.digests
        found.append(
            ("digests", lambda _services, bot: digests.tick(bot), settings.digest_check_interval)
        )
    return found


def install(application: Application, services: Services) -> Features:  # type: ignore[type-arg]
    """Build the features and add every handler and job of the table to ``application``."""
    features = Features.build(application, services)
    for stage, handler in table(features, services):
        application.add_handler(handler, group=stage)
    for name, job, interval in leased_jobs(features, services):
        jobs.repeating(application, name, job, interval=interval)
    # The catalog lives in each worker's memory: every worker refreshes its own (not a
    # leased job, which runs on one worker only).
    queue = application.job_queue
    if queue is not None:
        interval = services.settings.jobs_interval
        queue.run_repeating(
            features.admins.schedule.refresh_catalog,
            interval=interval,
            first=interval,
            name="catalog",
        )
    return features


def _never(data: object) -> bool:
    """A pattern no callback data matches: with it, a handler takes only presses without data."""
    return False

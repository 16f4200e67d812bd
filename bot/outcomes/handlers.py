"""Closing the loop, wired: every handler and job of the feature in one object, and
:func:`register`, which adds them to the application.

The handlers themselves are by audience: residents (:mod:`bot.outcomes.residents`), the
administrators' /terugkoppeling (:mod:`bot.outcomes.feedback`), invitations
(:mod:`bot.outcomes.invitations`) and effect checks (:mod:`bot.outcomes.effects`); the
broadcasts they queue are sent by :class:`bot.outbox.sender.OutboxSender`. All of them
share one postman, which remembers what the feature's messages show.
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot.core import jobs
from bot.core.access import admin_only
from bot.core.reply import Postman
from bot.core.services import Services
from bot.outbox.sender import OutboxSender
from bot.outcomes.buttons import EffectAnswer, FeedbackStep, InvitationChoice, OptIn, ScheduleCheck
from bot.outcomes.effects import EffectChecks
from bot.outcomes.feedback import Feedback, FromAdmin
from bot.outcomes.invitations import Invitations
from bot.outcomes.residents import Residents

PRIVATE = filters.ChatType.PRIVATE
NEW = filters.UpdateType.MESSAGE
LIVE_GROUP = -2  # handler group of the update counter
ADMIN_TEXT_GROUP = -3  # handler group of the administrator's /terugkoppeling texts


class Outcomes:
    """Every handler and job of closing the loop, built from the services (and the
    application, whose connection pool and tasks the broadcast sender uses)."""

    def __init__(self, application: Application, services: Services) -> None:  # type: ignore[type-arg]
        self.postman = Postman()
        self.sender = OutboxSender(application, services)
        self.residents = Residents(services, self.postman, self.sender)
        self.feedback = Feedback(services, self.postman, self.sender)
        self.invitations = Invitations(services, self.postman, self.sender)
        self.effect_checks = EffectChecks(services, self.postman, self.sender)
        self.from_admin = FromAdmin(services)


def register(application: Application, services: Services) -> None:  # type: ignore[type-arg]
    """Add this feature's handlers and jobs to the application."""
    feature = Outcomes(application, services)
    residents, feedback = feature.residents, feature.feedback
    add = application.add_handler
    add(CommandHandler(["instellingen", "settings"], residents.settings, filters=PRIVATE & NEW))
    add(CommandHandler(["resultaten", "results"], residents.results, filters=PRIVATE & NEW))
    add(
        CommandHandler(
            "terugkoppeling", admin_only("outcome")(feedback.command), filters=PRIVATE & NEW
        )
    )
    add(
        CommandHandler(
            "uitnodigen",
            admin_only("invite")(feature.invitations.command),
            filters=PRIVATE & NEW,
        )
    )
    # The administrator's texts for /terugkoppeling: ahead of every other group, as only the
    # database knows whether a text is for it; other texts go on to the other handlers.
    add(
        MessageHandler(
            PRIVATE & NEW & filters.TEXT & ~filters.COMMAND & feature.from_admin,
            admin_only("outcome")(feedback.text),
        ),
        group=ADMIN_TEXT_GROUP,
    )
    add(CallbackQueryHandler(residents.opt_in_button, pattern=OptIn.claims))
    # Counts residents' updates so that broadcasts give way to live replies (bot.outbox.sender);
    # a group of its own, ahead of flood protection (-1) and the handlers (0).
    add(TypeHandler(Update, feature.sender.count_update), group=LIVE_GROUP)
    add(CallbackQueryHandler(residents.effect_button, pattern=EffectAnswer.claims))
    add(
        CallbackQueryHandler(
            admin_only("invite")(feature.invitations.button), pattern=InvitationChoice.claims
        )
    )
    add(CallbackQueryHandler(admin_only("outcome")(feedback.button), pattern=FeedbackStep.claims))
    add(
        CallbackQueryHandler(
            admin_only("effect_check")(feature.effect_checks.schedule_button),
            pattern=ScheduleCheck.claims,
        )
    )
    interval = services.settings.jobs_interval
    jobs.repeating(application, "outbox", feature.sender.tick, interval=interval)
    jobs.repeating(application, "effect_checks", feature.effect_checks.tick, interval=interval)

"""Closing the loop, wired: every handler and job of the feature in one object
(:mod:`bot.app.handlers` registers them).

The handlers themselves are by audience: residents (:mod:`bot.outcomes.residents`), the
administrators' /terugkoppeling (:mod:`bot.outcomes.feedback`), invitations
(:mod:`bot.outcomes.invitations`) and effect checks (:mod:`bot.outcomes.effects`); the
broadcasts they queue are sent by :class:`bot.outbox.sender.OutboxSender`. All of them
share one postman, which remembers what the feature's messages show.
"""

from __future__ import annotations

from telegram.ext import (
    Application,
)

from bot.core.reply import Postman
from bot.core.services import Services
from bot.outbox.sender import OutboxSender
from bot.outcomes.effects import EffectChecks
from bot.outcomes.feedback import Feedback, FromAdmin
from bot.outcomes.invitations import Invitations
from bot.outcomes.residents import Residents


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

"""Handlers: outcomes (being built; registered by bot.app.build_application)."""

from __future__ import annotations

from telegram import Bot
from telegram.ext import Application

from bot.services import Services


def register(application: Application, services: Services) -> None:  # type: ignore[type-arg]
    """Add this feature's handlers and jobs to the application."""


async def offer_invitation(
    bot: Bot, services: Services, chat_id: int, admin_id: int, questionnaire_id: str
) -> None:
    """After publishing: show the administrator how many subscribers of the theme an
    invitation would reach, with buttons to send it or not. Called by the admin handlers."""

"""Handlers: moderation (being built; registered by bot.app.build_application)."""

from __future__ import annotations

from telegram.ext import Application

from bot.services import Services


def register(application: Application, services: Services) -> None:  # type: ignore[type-arg]
    """Add this feature's handlers and jobs to the application."""

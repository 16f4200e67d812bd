"""Where a questionnaire's public results page lives: a stable path on the bot's web server
and, when the bot has a public address (PUBLIC_URL, else WEBHOOK_URL's origin), its URL."""

from __future__ import annotations

from urllib.parse import urlsplit

from bot.core.config import Settings

RESULTS_PATH = "/resultaten"


def results_path(questionnaire_id: str, language: str = "nl") -> str:
    """``/resultaten/<id>`` (Dutch) or ``/resultaten/<id>/en``."""
    tail = "/en" if language == "en" else ""
    return f"{RESULTS_PATH}/{questionnaire_id}{tail}"


def results_url(settings: Settings, questionnaire_id: str, language: str = "nl") -> str | None:
    """The page's public address; None when the bot has none."""
    base = settings.public_url or _origin(settings.webhook_url)
    if not base:
        return None
    return base.rstrip("/") + results_path(questionnaire_id, language)


def _origin(url: str | None) -> str | None:
    if not url:
        return None
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else None

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


def public_base(settings: Settings) -> str | None:
    """The bot's public web address, without a trailing ``/``: PUBLIC_URL, else the origin
    of WEBHOOK_URL; None when the bot has neither. Every link the bot makes to its own
    pages starts with it (results pages, letters' codes, the chat pages' own links)."""
    base = settings.public_url or _origin(settings.webhook_url)
    return base.rstrip("/") if base else None


def results_url(settings: Settings, questionnaire_id: str, language: str = "nl") -> str | None:
    """The page's public address; None when the bot has none."""
    base = public_base(settings)
    if not base:
        return None
    return base + results_path(questionnaire_id, language)


def _origin(url: str | None) -> str | None:
    if not url:
        return None
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else None


#: Where an invitation code's personal web address points (the web door's page for it).
CODE_PATH = "/doe-mee"


def code_url(settings: Settings, code: str) -> str | None:
    """An invitation code's personal web address, ``<PUBLIC_URL>/doe-mee/<code>``; None
    when the bot has no public address."""
    base = public_base(settings)
    if not base:
        return None
    return f"{base}{CODE_PATH}/{code}"


def telegram_start_url(bot_username: str | None, parameter: str) -> str | None:
    """``https://t.me/<bot>?start=<parameter>``; None without the bot's username."""
    if not bot_username:
        return None
    return f"https://t.me/{bot_username.lstrip('@')}?start={parameter}"

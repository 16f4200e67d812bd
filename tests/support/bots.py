"""The bot as the tests configure it, in one place: the same token, pseudonym secret and
settings for the bot in the test's own event loop (``tests.e2e.conftest.BotRunner``), for its
services on their own (:func:`built_services`), and, as environment variables
(:func:`bot_environment`), for ``samenspraak`` in a child process.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Callable
from datetime import datetime
from typing import Any

from bot.core.config import Settings, load_settings
from bot.core.services import Services, build_services
from tests.support.processes import QUESTIONNAIRES

TOKEN = "123456:TEST-TOKEN-samenspraak"
SECRET = "test-pseudonym-secret"
WEBHOOK_SECRET = "test-webhook-secret_0123456789"


def bot_values(
    database_url: str,
    api_url: str | None = None,
    *,
    token: str = TOKEN,
    secret: str = SECRET,
    **overrides: Any,
) -> dict[str, Any]:
    """Settings by field name: the shipped questionnaires, no rate limiter (the fake Bot API
    has none either), the municipality the tests expect; then ``overrides``."""
    values: dict[str, Any] = {
        "telegram_bot_token": token,
        "database_url": database_url,
        "questionnaires_dir": QUESTIONNAIRES,
        "pseudonym_secret": secret,
        "rate_limit_per_second": 0,
        "municipality_name": "Rivierstad",
    }
    if api_url is not None:
        values["telegram_api_url"] = api_url
    values.update(overrides)
    return values


def bot_settings(database_url: str, api_url: str | None = None, **overrides: Any) -> Settings:
    """:func:`bot_values` as Settings; nothing from the environment or a ``.env`` file."""
    return load_settings(_env_file=None, **bot_values(database_url, api_url, **overrides))


def bot_environment(database_url: str, api_url: str, **overrides: Any) -> dict[str, str]:
    """:func:`bot_values` as the environment variables ``samenspraak`` reads."""
    values = bot_values(database_url, api_url, **overrides)
    return {name.upper(): str(value) for name, value in values.items()}


@contextlib.asynccontextmanager
async def built_services(
    database_url: str,
    *,
    clock: Callable[[], datetime] | None = None,
    seed: bool = True,
    **overrides: Any,
) -> AsyncIterator[Services]:
    """The bot's services on a migrated database (seeded with the shipped questionnaires
    unless ``seed`` is false), with ``clock`` if given; closed afterwards."""
    services = await build_services(bot_settings(database_url, **overrides), seed=seed)
    if clock is not None:
        services.clock = clock
    try:
        yield services
    finally:
        await services.close()

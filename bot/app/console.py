"""What every ``samenspraak`` subcommand shares: logging set-up and one-line failures."""

from __future__ import annotations

import logging
import sys
from collections.abc import Mapping

#: The most a third-party logger says, whatever LOG_LEVEL is, unless LOG_LIBRARIES names it.
#: Below these levels they log what must not be in a log or drowns what should be.
LIBRARY_LEVELS: dict[str, int] = {
    # DEBUG: every SQL statement with its bound parameters (chat ids, answers).
    "aiosqlite": logging.INFO,
    "asyncpg": logging.INFO,
    # INFO: every SQL statement with its parameters (SQLAlchemy's own echo).
    "sqlalchemy": logging.WARNING,
    # INFO: the migrations it runs, worth seeing; DEBUG: each step of them.
    "alembic": logging.INFO,
    # INFO: each of its plugins, on every start.
    "alembic.runtime.plugins": logging.WARNING,
    # DEBUG and INFO: every step of every resident's conversation.
    "transitions": logging.WARNING,
    # DEBUG: hundreds of lines about fonts and images for every chart.
    "matplotlib": logging.WARNING,
    "PIL": logging.WARNING,
    "fontTools": logging.WARNING,
    # INFO: two lines for every run of every job, every JOBS_INTERVAL.
    "apscheduler": logging.WARNING,
    # INFO: a line for every request (webhook server); DEBUG of the rest: connections.
    "aiohttp.access": logging.WARNING,
    "aiohttp": logging.INFO,
    # INFO: every request URL, and a Bot API URL contains the token.
    "httpx": logging.WARNING,
    "httpcore": logging.WARNING,
    # DEBUG: every update (names, usernames, message text), every Bot API call's
    # parameters (chat ids, texts) and the API URL with the token.
    "telegram": logging.INFO,
    "asyncio": logging.INFO,
}


def setup_logging(level: str, libraries: Mapping[str, str] | None = None) -> None:
    """Log to standard error at ``level``; never what would leak a token or residents' words.

    Third-party loggers say no more than :data:`LIBRARY_LEVELS` allows (nor more than
    ``level``); ``libraries`` (LOG_LIBRARIES) sets the level of the loggers it names, for an
    operator who is chasing a problem in one of them."""
    logging.basicConfig(
        level=level,
        format="%(asctime)s %(levelname)-7s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    floor = logging.getLevelName(level)
    for name, cap in LIBRARY_LEVELS.items():
        logging.getLogger(name).setLevel(max(cap, floor))
    for name, asked in (libraries or {}).items():
        logging.getLogger(name).setLevel(asked)


def fail(message: str, status: int = 2) -> int:
    """Say what went wrong on one line, prefixed with the command's name; the exit status."""
    print(f"samenspraak: {message}", file=sys.stderr)
    return status


def reason(exc: BaseException) -> str:
    """The driver's own words, on one line (never the URL, which may hold a password)."""
    cause = getattr(exc, "orig", None) or exc  # a DBAPIError wraps the driver's exception
    text = str(cause).strip().splitlines()
    return text[0] if text else type(cause).__name__

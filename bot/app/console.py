"""What every ``samenspraak`` subcommand shares: logging set-up and one-line failures."""

from __future__ import annotations

import logging
import sys


def setup_logging(level: str) -> None:
    """Log to standard error at ``level``; never what would leak a token or residents' words."""
    logging.basicConfig(
        level=level,
        format="%(asctime)s %(levelname)-7s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    # httpx logs every request URL at INFO, and a Bot API URL contains the token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.WARNING)
    # At DEBUG python-telegram-bot logs every update (names, usernames, message text), every
    # Bot API call's parameters (chat ids, texts) and the API URL with the token: never
    # below INFO, whatever LOG_LEVEL says.
    if logging.getLevelName(level) < logging.INFO:
        logging.getLogger("telegram").setLevel(logging.INFO)
    # Alembic announces each of its plugins at INFO on every start: noise for an operator.
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)


def fail(message: str, status: int = 2) -> int:
    """Say what went wrong on one line, prefixed with the command's name; the exit status."""
    print(f"samenspraak: {message}", file=sys.stderr)
    return status


def reason(exc: BaseException) -> str:
    """The driver's own words, on one line (never the URL, which may hold a password)."""
    cause = getattr(exc, "orig", None) or exc  # a DBAPIError wraps the driver's exception
    text = str(cause).strip().splitlines()
    return text[0] if text else type(cause).__name__

"""The logging every ``samenspraak`` command sets up: libraries' loggers capped whatever
LOG_LEVEL says, unless LOG_LIBRARIES names them (what a whole run logs at DEBUG is in
tests/e2e/test_logging.py)."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest

from bot.app.console import LIBRARY_LEVELS, setup_logging


@pytest.fixture(autouse=True)
def logging_restored() -> Iterator[None]:
    """The root logger's handlers and level, and the libraries' levels, as they were."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    levels = {name: logging.getLogger(name).level for name in LIBRARY_LEVELS}
    try:
        yield
    finally:
        root.handlers[:] = handlers
        root.setLevel(level)
        for name, was in levels.items():
            logging.getLogger(name).setLevel(was)


def configure(level: str, libraries: dict[str, str] | None = None) -> None:
    """:func:`setup_logging` as on a fresh start (``basicConfig`` does nothing while the root
    logger has a handler, and pytest gives it one)."""
    logging.getLogger().handlers.clear()
    setup_logging(level, libraries)


def effective(name: str) -> str:
    return logging.getLevelName(logging.getLogger(name).getEffectiveLevel())


def test_at_debug_the_libraries_stay_at_info_or_warning() -> None:
    configure("DEBUG")
    assert effective("bot.resident.conversation") == "DEBUG"
    assert effective("aiosqlite") == "INFO"
    assert effective("sqlalchemy.engine.Engine") == "WARNING"
    assert effective("transitions.core") == "WARNING"
    assert effective("matplotlib.font_manager") == "WARNING"
    assert effective("telegram.ext.Application") == "INFO"
    assert effective("alembic.runtime.migration") == "INFO"


def test_a_library_never_says_more_than_log_level() -> None:
    configure("ERROR")
    assert effective("aiosqlite") == "ERROR"
    assert effective("httpx") == "ERROR"
    assert effective("telegram") == "ERROR"


def test_log_libraries_lets_the_ones_named_say_more() -> None:
    configure("DEBUG", {"aiosqlite": "DEBUG", "transitions": "INFO"})
    assert effective("aiosqlite") == "DEBUG"
    assert effective("transitions.core") == "INFO"
    assert effective("matplotlib") == "WARNING"

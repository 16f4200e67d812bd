"""Flood protection per resident.

More than ``FLOOD_MAX_UPDATES`` updates from one resident within ``FLOOD_WINDOW`` get one
friendly "rustig aan" message; the rest of that window their updates are dropped (a pressed
button is still answered, so it does not keep spinning). The guard runs in its own handler
group before the features (``Stage.FLOOD`` in :mod:`bot.app.application`) and stops a dropped
update there with ``ApplicationHandlerStop`` (python-telegram-bot's way to keep an update from
later groups).

Nobody else is slowed down: updates are processed per resident (``bot.app.processor``), and a
dropped update costs a dictionary lookup. Memory stays bounded: the guard remembers only
residents whose window is still running, at most :data:`MAX_TRACKED` of them.
"""

from __future__ import annotations

import enum
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.exc import SQLAlchemyError
from telegram import Update
from telegram.constants import ChatType, ParseMode
from telegram.error import TelegramError
from telegram.ext import ApplicationHandlerStop, ContextTypes

from bot.core.metrics import UPDATES_DROPPED
from bot.core.recent import Recent
from bot.core.services import Services
from bot.core.voice import speaking
from flows.texts import Language, language_of, t
from storage import repo

log = logging.getLogger(__name__)

#: At most this many residents are remembered; beyond it the oldest window is forgotten.
MAX_TRACKED = 100_000


def clock() -> float:
    """Seconds on a monotonic clock (a test replaces this function to move time on)."""
    return time.monotonic()


class Verdict(enum.Enum):
    HANDLE = "handle"  # let the update through
    WARN = "warn"  # the first update over the limit: say "rustig aan", then drop it
    DROP = "drop"  # drop silently


@dataclass(slots=True)
class _Window:
    start: float
    count: int = 0
    warned: bool = False


class FloodGuard:
    """Counts updates per resident in fixed windows that start with their first update."""

    def __init__(
        self,
        max_updates: int,
        window: float,
        *,
        now: Callable[[], float] | None = None,
        max_tracked: int = MAX_TRACKED,
    ) -> None:
        if max_updates < 1 or window <= 0:
            raise ValueError("a flood limit needs at least one update in a positive window")
        self.max_updates = max_updates
        self.window = window
        self._now = now
        # Oldest window first: windows are only ever added at the end, with a start time
        # that never decreases, so expired ones are always at the front.
        self._windows: Recent[int, _Window] = Recent(max_tracked)

    def __len__(self) -> int:
        return len(self._windows)

    def check(self, key: int) -> Verdict:
        """Count one update of ``key`` and say what to do with it."""
        now = self._now() if self._now is not None else clock()
        self._forget(now)
        window = self._windows.get(key)
        if window is None:
            window = _Window(now)
            self._windows.put(key, window)
        window.count += 1
        if window.count <= self.max_updates:
            return Verdict.HANDLE
        if window.warned:
            return Verdict.DROP
        window.warned = True
        return Verdict.WARN

    def _forget(self, now: float) -> None:
        while (oldest := self._windows.oldest()) is not None:
            if now - oldest[1].start < self.window:
                return
            self._windows.pop_oldest()


def resident_key(update: Update) -> int | None:
    """The resident an update comes from: private chats only (groups are not limited)."""
    user, chat = update.effective_user, update.effective_chat
    if user is None or user.is_bot:
        return None
    if chat is not None and chat.type != ChatType.PRIVATE:
        return None
    return user.id


class Flood:
    """The guard as a handler: runs first for every update (see bot.app.application)."""

    def __init__(self, services: Services) -> None:
        settings = services.settings
        self.services = services
        self.guard = FloodGuard(settings.flood_max_updates, settings.flood_window.total_seconds())

    async def check(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Let the update through, or drop it (saying "rustig aan" once per window)."""
        key = resident_key(update)
        if key is None:
            return
        guard = self.guard
        verdict = guard.check(key)
        if verdict is Verdict.HANDLE:
            return
        UPDATES_DROPPED.labels(reason="flood").inc()
        if verdict is Verdict.WARN:
            pseudonym = self.services.pseudonyms.of(key)
            log.info(
                "resident %s sent more than %d updates in %g s; dropping the rest of the window",
                pseudonym[:12],
                guard.max_updates,
                guard.window,
            )
            await _warn(update, context, await _language(self.services, pseudonym, update))
        query = update.callback_query
        if query is not None:
            try:
                await query.answer()
            except TelegramError as exc:
                log.info("could not answer a dropped button press: %s", exc)
        raise ApplicationHandlerStop


async def _language(services: Services, pseudonym: str, update: Update) -> Language:
    """The resident's chosen language, else their Telegram app's."""
    try:
        async with services.sessions() as db:
            resident = await repo.find_resident(db, pseudonym)
    except SQLAlchemyError:  # the warning matters more than its language
        log.warning("could not look up the language for the flood warning", exc_info=True)
        resident = None
    if resident is not None and resident.consented:
        return speaking(services.settings, resident.language)
    user = update.effective_user
    return speaking(services.settings, language_of(user.language_code if user else None))


async def _warn(update: Update, context: ContextTypes.DEFAULT_TYPE, language: Language) -> None:
    chat = update.effective_chat
    user = update.effective_user
    chat_id = chat.id if chat is not None else user.id if user is not None else None
    if chat_id is None:
        return
    try:
        await context.bot.send_message(chat_id, t(language, "flood"), parse_mode=ParseMode.HTML)
    except TelegramError as exc:
        log.warning("could not send the flood warning: %s", exc)

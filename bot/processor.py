"""One resident's updates one at a time; different residents in parallel."""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Awaitable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

# python-telegram-bot takes its own semaphore *before* ``do_process_update``. A resident whose
# updates wait for their lock would hold its slots, so one resident sending many updates at
# once could take every slot and stall everybody else. Its semaphore therefore gets no real
# limit; the configured limit is applied after the resident's lock (see ``do_process_update``).
_UNLIMITED = 2**31 - 1


def update_key(update: object) -> int | None:
    """Whose update this is: the user (a resident), else the chat."""
    if isinstance(update, Update):
        if update.effective_user is not None:
            return update.effective_user.id
        if update.effective_chat is not None:
            return update.effective_chat.id
    return None


def _discard(coroutine: Awaitable[Any]) -> None:
    """Close a coroutine that will never run (no "was never awaited" warning)."""
    if inspect.iscoroutine(coroutine):
        coroutine.close()


class PerResidentUpdateProcessor(BaseUpdateProcessor):
    """Processes updates concurrently, but serially per resident.

    python-telegram-bot's handlers assume one user's updates come one by one; with
    ``concurrent_updates`` this keeps that true per resident while others go on. Locks
    exist only while a resident has updates in flight, so memory does not grow with the
    number of residents. At most ``max_concurrent_updates`` updates run at the same time;
    updates waiting for their resident's lock do not count, so a resident who sends many
    updates at once delays only themselves.
    """

    def __init__(self, max_concurrent_updates: int) -> None:
        if max_concurrent_updates < 1:
            raise ValueError("max_concurrent_updates must be a positive integer")
        self._limit = _UNLIMITED  # read by the base class while it builds its semaphore
        super().__init__(_UNLIMITED)
        self._limit = max_concurrent_updates
        self._slots = asyncio.BoundedSemaphore(max_concurrent_updates)
        self._locks: dict[int, asyncio.Lock] = {}
        self._waiting: dict[int, int] = {}
        self._running: set[asyncio.Task[Any]] = set()
        self._aborted = False

    @property
    def max_concurrent_updates(self) -> int:
        return self._limit

    @property
    def current_concurrent_updates(self) -> int:
        return len(self._running)

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        if self._aborted:
            _discard(coroutine)
            return
        key = update_key(update)
        if key is None:
            await self._run(coroutine)
            return
        lock = self._locks.setdefault(key, asyncio.Lock())
        self._waiting[key] = self._waiting.get(key, 0) + 1
        try:
            async with lock:
                await self._run(coroutine)
        finally:
            self._waiting[key] -= 1
            if not self._waiting[key]:
                del self._waiting[key]
                del self._locks[key]

    async def _run(self, coroutine: Awaitable[Any]) -> None:
        started = False
        try:
            async with self._slots:
                if self._aborted:
                    return
                task = asyncio.current_task()
                assert task is not None
                self._running.add(task)
                started = True
                try:
                    await coroutine
                finally:
                    self._running.discard(task)
        finally:
            if not started:  # cancelled or aborted while waiting: it never runs
                _discard(coroutine)

    @property
    def residents_in_flight(self) -> int:
        return len(self._locks)

    def abort(self) -> None:
        """Stop at once: updates in progress are cancelled, waiting ones never run.

        For an abrupt end (the task running the bot is cancelled); a clean stop lets the
        Application finish every update instead.
        """
        self._aborted = True
        for task in list(self._running):
            task.cancel()

    async def initialize(self) -> None:
        """Nothing to set up."""
        self._aborted = False

    async def shutdown(self) -> None:
        """Nothing to tear down; in-flight updates are awaited by the Application."""

"""One budget of Telegram calls for the whole bot, however many workers send.

Every Bot API call of every worker goes through :class:`SharedRateLimiter`, python-telegram-
bot's rate limiter hook (``Application.builder().rate_limiter``): the broadcast sender, the
digests and the replies to residents alike. A call that sends something (``send*`` but
``sendChatAction``, ``edit*``, ``copy*``, ``forward*``: what Telegram counts) first takes a
turn from the :class:`Budget`, whose numbers live where all workers see them
(:mod:`storage.budget`: PostgreSQL, or the process's memory on SQLite):

- overall at most ``RATE_LIMIT_PER_SECOND`` (0: no overall limit), less
  :data:`HEADROOM`, evenly spaced, so that no rolling second holds more than the limit even
  when requests travel at slightly different speeds;
- into a group at most 20 a minute (:data:`GROUP_PER_MINUTE`, bursts of
  :data:`GROUP_BURST`);
- broadcasts at most ``BROADCAST_RATE`` a second, one message per chat per
  ``BROADCAST_CHAT_INTERVAL`` (replies to a resident are not spaced: they answer what the
  resident just did);
- live before bulk: a reply to a resident *reserves* the next free slot, however far ahead,
  and sleeps until it; broadcasts, digests and other background jobs (:func:`background`)
  take a slot only when it is free within :data:`LEAD` seconds, so they only get the slots
  nobody reserved;
- a 429 anywhere pauses everyone: its ``retry_after`` is stored as a pause that every
  worker's next turn waits out; a reply is tried again after it (``max_retries``).

A turn costs one short transaction on PostgreSQL. Waiting for a turn is an ``await`` in the
task of the update (or job) that sends: other residents' updates go on meanwhile. When the
database cannot be reached, turns come from a budget in the process's memory (a warning a
minute says so), so residents are not left without an answer while it is back.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import logging
import time
import warnings
from collections.abc import Awaitable, Callable, Coroutine, Iterator, Sequence
from datetime import timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine
from telegram._utils.types import JSONDict
from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter
from telegram.warnings import PTBDeprecationWarning

from storage.budget import MemoryStore, PostgresStore, Rule, Store, Turn

log = logging.getLogger(__name__)

#: The bot aims this share below RATE_LIMIT_PER_SECOND: room for requests that travel
#: faster than the one before them (see the module docstring).
HEADROOM = 0.04
#: Telegram's limit for one group, and the burst allowed after a quiet spell: with spacing
#: 60 / (20 - burst) no minute ever holds more than 20.
GROUP_PER_MINUTE = 20
GROUP_BURST = 10
#: Bulk traffic takes a slot only when it is free within this many seconds.
LEAD = 0.05
#: Seconds past its turn a call may still go; later, it takes another turn.
LATE = 0.02
#: Seconds between two clean-ups of chats' spacing rows.
PRUNE_EVERY = 60.0
#: Methods Telegram counts against the limits (sendChatAction excepted).
COUNTED = ("send", "edit", "copy", "forward")

#: True while a background job runs (digests, the outbox): its calls are bulk traffic.
_BACKGROUND: contextvars.ContextVar[bool] = contextvars.ContextVar("background", default=False)


@contextlib.contextmanager
def background() -> Iterator[None]:
    """Calls made inside (and in tasks started inside) are bulk traffic."""
    token = _BACKGROUND.set(True)
    try:
        yield
    finally:
        _BACKGROUND.reset(token)


def retry_after(error: RetryAfter) -> float:
    """A 429's ``retry_after`` in seconds."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        value: Any = error.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


def counted(endpoint: str) -> bool:
    return endpoint.startswith(COUNTED) and endpoint != "sendChatAction"


def chat_key(chat_id: object) -> tuple[str, bool] | None:
    """The key of a chat and whether it is a group (negative id or @name), or None."""
    if chat_id is None:
        return None
    with contextlib.suppress(ValueError, TypeError):
        chat_id = int(chat_id)  # type: ignore[call-overload]
    if isinstance(chat_id, int):
        return str(chat_id), chat_id < 0
    return str(chat_id)[:36], True


class Budget:
    """Turns for the calls of one worker, from the store all workers share."""

    def __init__(
        self,
        store: Store,
        *,
        per_second: float,
        lead: float = LEAD,
        clock: Callable[[], float] = time.monotonic,
        unreachable: Callable[[str], None] | None = None,
    ) -> None:
        self.store = store
        self.per_second = per_second
        self.lead = lead
        self.clock = clock
        overall = per_second * (1 - HEADROOM)
        self.overall = Rule("global", 1 / overall) if per_second > 0 else None
        self._local = MemoryStore()  # while the shared store cannot be reached
        # Told the error's class name each time the shared store fails (bot.app throttles
        # the log line); by default a warning each time.
        self._unreachable = unreachable or _warn
        self._next_prune = clock() + PRUNE_EVERY

    @classmethod
    def for_engine(cls, engine: AsyncEngine, per_second: float, **kwargs: Any) -> Budget:
        """Shared through PostgreSQL; in memory on SQLite (one worker)."""
        shared = engine.dialect.name == "postgresql"
        store = PostgresStore(engine) if shared else MemoryStore()
        return cls(store, per_second=per_second, **kwargs)

    def rules(
        self, chat_id: object, extra: Sequence[Rule] = (), *, paid: bool = False
    ) -> list[Rule]:
        """The limits a call into ``chat_id`` is under; ``paid``: a paid broadcast's, which
        Telegram does not count against the overall limit (``extra`` holds its own)."""
        rules = list(extra)
        chat = chat_key(chat_id)
        if chat is not None and chat[1]:
            spacing = 60.0 / (GROUP_PER_MINUTE - GROUP_BURST)
            rules.append(Rule(f"g:{chat[0]}", spacing, GROUP_BURST))
        if self.overall is not None and not paid:
            rules.append(self.overall)
        return rules

    async def take(self, rules: Sequence[Rule], *, within: float | None = None) -> Turn:
        """A turn from the shared store, else from this worker's own."""
        self._maybe_prune()
        try:
            return await self.store.take(rules, within=within)
        except Exception as error:  # the database is down: pace alone meanwhile
            self._unreachable(type(error).__name__)
            return await self._local.take(rules, within=within)

    async def live(self, chat_id: object) -> None:
        """Wait for this worker's reserved turn to send into ``chat_id``.

        A worker that wakes up well after its turn (a busy machine) takes another one
        (twice at most): sent late, the message would crowd the turns after it.
        """
        rules = self.rules(chat_id)

        async def turn() -> float:
            return (await self.take(rules)).wait

        first = await turn()
        await self.on_turn(self.clock() + first, turn if rules else None)

    async def on_turn(
        self, due: float, again: Callable[[], Awaitable[float]] | None, *, retakes: int = 2
    ) -> None:
        """Wait until ``due`` (on :attr:`clock`); a call that wakes up more than :data:`LATE`
        after it takes another turn (``again``: the seconds to wait for it), ``retakes``
        times at most, rather than crowd the turns after it."""
        for retake in range(retakes + 1):
            wait = due - self.clock()
            if wait > 0:
                await asyncio.sleep(wait)
            if again is None or retake == retakes or self.clock() - due <= LATE:
                return
            due = self.clock() + await again()

    async def bulk(
        self, chat_id: object = None, extra: Sequence[Rule] = (), *, paid: bool = False
    ) -> float:
        """A bulk turn, asked again until granted; the seconds still to wait before it."""
        rules = self.rules(chat_id, extra, paid=paid)
        while True:
            turn = await self.take(rules, within=self.lead)
            if turn.granted:
                return turn.wait
            await asyncio.sleep(turn.wait)

    async def try_bulk(
        self, extra: Sequence[Rule] = (), *, paid: bool = False, lead: float | None = None
    ) -> Turn:
        """One try at a bulk turn (the broadcast sender sleeps in between itself), granted
        when free within ``lead`` seconds (default :data:`LEAD`): time the caller needs to
        prepare the call, so that it goes right on its turn."""
        within = self.lead if lead is None else max(self.lead, lead)
        return await self.take(self.rules(None, extra, paid=paid), within=within)

    async def chat_turn(self, chat_id: int, interval: float) -> Turn:
        """The chat's turn for a broadcast message if it is free now (not reserved ahead)."""
        return await self.take([Rule(f"c:{chat_id}", interval)], within=0.0)

    async def pause(self, seconds: float) -> None:
        """Telegram answered 429: nobody sends for ``seconds``."""
        await self._local.pause(seconds)
        try:
            await self.store.pause(seconds)
        except Exception as error:
            self._unreachable(type(error).__name__)

    def _maybe_prune(self) -> None:
        now = self.clock()
        if now < self._next_prune:
            return
        self._next_prune = now + PRUNE_EVERY
        task = asyncio.get_running_loop().create_task(self._prune(), name="budget-prune")
        _PRUNING.add(task)
        task.add_done_callback(_PRUNING.discard)

    async def _prune(self) -> None:
        try:
            await self.store.prune()
            await self._local.prune()
        except Exception as error:
            self._unreachable(type(error).__name__)


_PRUNING: set[asyncio.Task[None]] = set()


def _warn(error: str) -> None:
    log.warning("the shared Telegram budget cannot be reached (%s); pacing alone", error)


Callback = Callable[..., Coroutine[Any, Any, bool | JSONDict | list[JSONDict]]]


class SharedRateLimiter(BaseRateLimiter[dict[str, Any]]):
    """python-telegram-bot's rate limiter, on the shared :class:`Budget`.

    ``rate_limit_args`` (a dict) may say ``bulk=True`` (a turn only when free, see
    :meth:`Budget.bulk`) and ``prepaid=True``: the caller took its turn already
    (:meth:`Budget.try_bulk`), and handles a 429 itself (no retry here, the pause is
    stored all the same). A prepaid call may say when its turn is (``due``, on the
    budget's clock) and how to take another (``again``, which returns the seconds to wait):
    checked here, the last moment before the request leaves, a call more than
    :data:`LATE` past its turn takes another instead of crowding the turns after it.
    """

    def __init__(self, budget: Budget, *, max_retries: int = 3) -> None:
        self.budget = budget
        self.max_retries = max_retries

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None

    async def process_request(
        self,
        callback: Callback,
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: dict[str, Any] | None,
    ) -> bool | JSONDict | list[JSONDict]:
        options = rate_limit_args or {}
        prepaid = bool(options.get("prepaid"))
        bulk = bool(options.get("bulk", _BACKGROUND.get()))
        limited = counted(endpoint)
        retries = 0 if prepaid else self.max_retries
        attempt = 0
        while True:
            if limited and prepaid and attempt == 0:
                if options.get("due") is not None:
                    await self.budget.on_turn(options["due"], options.get("again"))
            elif limited:
                if bulk:
                    wait = await self.budget.bulk(data.get("chat_id"))
                    if wait > 0:
                        await asyncio.sleep(wait)
                else:
                    await self.budget.live(data.get("chat_id"))
            try:
                return await callback(*args, **kwargs)
            except RetryAfter as error:
                seconds = retry_after(error)
                log.info("Telegram: flood limit on %s; everyone waits %g s", endpoint, seconds)
                await self.budget.pause(seconds)
                if attempt >= retries:
                    raise
                attempt += 1

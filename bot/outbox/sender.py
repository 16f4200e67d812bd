# Over 500 lines on purpose: the pacing, claiming, retrying and progress of a broadcast read
# together, as one loop.
"""The broadcast sender: works through the durable outbox (:mod:`storage.outbox`), within
the bot's shared budget of Telegram calls (:mod:`bot.core.budget`), and keeps the
administrator's progress message up to date.

Pace: every worker's sender takes its turns from the one budget all workers share, as
bulk traffic, so however many workers drain the outbox at once, together they stay
within:

- ``RATE_LIMIT_PER_SECOND`` overall, giving way to replies to residents (which reserve
  their turns first: a broadcast takes only the slots nobody reserved);
- ``BROADCAST_RATE`` messages a second for broadcasts (a key of its own in the budget);
- one message per chat per ``BROADCAST_CHAT_INTERVAL``, counted at the sends;
- a 429 pauses every worker for ``retry_after``; the message waits and is not counted as
  a failed attempt.

A turn is taken first, then a message is claimed (``claimed``), then, right before its
request leaves, marked ``sending``, then sent. A worker that dies leaves its ``claimed``
messages to the others (they never left) and only its ``sending`` ones, the few in flight,
in doubt.

A 403 (the resident blocked the bot) marks the contact unreachable: not retried. Network
errors and server errors are retried with a growing pause, up to :data:`MAX_ATTEMPTS`
tries, then the message counts as failed. A send that timed out after the request went
out may have arrived: it is not retried (at most once, see :mod:`storage.outbox`).

One drain task per process: started by the repeating ``outbox`` job and right after an
administrator confirms a broadcast; it stops when nothing is due, and when the application
stops (it finishes the messages in flight first, so a clean stop leaves nothing in doubt).
The job runs on the worker that holds its lease (bot.core.jobs); a confirmation handled by
another worker starts a drain there too. Claims never overlap, so nobody gets a message
twice.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from datetime import timedelta
from typing import Any

import aiohttp
from telegram import Bot
from telegram.constants import ParseMode
from telegram.error import (
    BadRequest,
    Forbidden,
    NetworkError,
    RetryAfter,
    TelegramError,
    TimedOut,
)
from telegram.ext import Application

from bot.core import metrics
from bot.core.budget import Budget, SharedRateLimiter, retry_after
from bot.core.jobs import worker_name
from bot.core.keyboards import from_json
from bot.core.recent import Recent
from bot.core.services import Services
from bot.outbox import cost
from flows.texts import Html, formats, t
from storage import outbox
from storage.budget import Rule
from storage.outbox import BroadcastInfo, Claimed, Progress

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 5  # tries per message for errors worth retrying
BACKOFF_FIRST = 2.0  # seconds before the second try; doubled each time
BACKOFF_MAX = 300.0
CLAIM_LEASE = timedelta(minutes=2)  # of a message being sent: longer than any send takes
#: Of a claimed message not sent yet: it goes within CLAIM_LEAD, or takes another turn or
#: two; a worker that holds it longer died or stalled, and the message goes back.
CLAIMED_LEASE = timedelta(seconds=30)
STARTING_MAX = 0.05  # longest time ahead a message is marked sending before its turn
#: A message Telegram took is recorded as sent even when the database is away a while (it
#: restarts): tried again every RECORD_PAUSE seconds, within the claim's lease, instead of
#: leaving the row in doubt ("onderbroken") although this worker knows it arrived.
RECORD_TRIES = 90
RECORD_PAUSE = 1.0
MAX_IN_FLIGHT = 16  # sends under way at once (rate x latency; the pool has 64 connections)
PROGRESS_EVERY = 3.0  # seconds between edits of the administrator's progress message
IDLE_CHECK = 5.0  # longest sleep while waiting for a retry that is due later
BROADCASTS_REMEMBERED = 100  # broadcasts whose payload and last progress text are kept
CLAIM_LEAD = 0.5  # longest time ahead a turn is taken for claiming the message
BULK = {"bulk": True}  # rate_limit_args of the progress reports
PREPAID = {"prepaid": True}  # rate_limit_args of a message whose turn was taken


def _sent_nothing(error: TimedOut) -> bool:
    """A timeout while connecting (or waiting for a pooled connection): the request never
    went out, so trying again cannot deliver the message twice."""
    return isinstance(error.__cause__, aiohttp.ConnectionTimeoutError)


def describe(broadcast: BroadcastInfo, progress: Progress) -> Html:
    """The administrator's progress message, or the final report once nothing waits."""
    meta = broadcast.payload.get("meta") or {}
    what = t("nl", f"verzending.{broadcast.kind}", title=str(meta.get("title", "")))
    if not progress.done:
        return t(
            "nl",
            "verzending.progress",
            what=what,
            sent=formats.number(progress.sent),
            total=formats.number(progress.total),
        )
    if progress.total == 0:
        return t("nl", "verzending.nobody", what=what)
    text = t(
        "nl",
        "verzending.done",
        what=what,
        count=progress.total,
        sent=formats.number(progress.sent),
        unreachable=formats.number(progress.unreachable),
        failed=formats.number(progress.failed),
    )
    if progress.interrupted:
        more = t("nl", "verzending.interrupted", count=progress.interrupted)
        text = Html(text + more)
    return text


class OutboxSender:
    """Drains the outbox for one application (see the module docstring)."""

    def __init__(self, application: Application, services: Services) -> None:  # type: ignore[type-arg]
        self.application = application
        self.services = services
        settings = services.settings
        self.worker = worker_name(settings)
        # Catching up one slot missed by a little (the loop was busy) keeps the pace.
        self.paid = settings.paid_broadcasts
        if self.paid:  # Telegram's paid broadcasts: their own, far higher limit
            self.rules = [Rule("paid", 1.0 / cost.paid_rate(settings), burst=2)]
        else:
            self.rules = [Rule("bulk", 1.0 / settings.broadcast_rate, burst=2)]
        self.chat_interval = settings.broadcast_chat_interval.total_seconds()
        self._task: asyncio.Task[None] | None = None
        self._claiming = 0.0  # seconds claiming a message takes lately (with a margin)
        self._starting = 0.0  # seconds marking a message sending takes lately (the same)
        self._in_flight: set[asyncio.Task[None]] = set()
        self._nothing_due = False
        self._recovered_own = False
        # Broadcasts being sent, and the progress text last shown for each (a broadcast
        # finished by another worker is never popped here: bounded).
        self._payloads: Recent[int, BroadcastInfo] = Recent(BROADCASTS_REMEMBERED)
        self._reported: Recent[int, str] = Recent(BROADCASTS_REMEMBERED)
        self._sent_since_report: dict[int, int] = {}
        self._final: dict[int, tuple[BroadcastInfo, Progress]] = {}  # reports still to edit
        self._next_report = 0.0
        self._wake = asyncio.Event()

    # --- starting -----------------------------------------------------------------------------

    async def tick(self, _services: Services, _bot: Bot) -> None:
        """The repeating ``outbox`` job: make sure due messages are being sent."""
        self.wake()

    def wake(self) -> None:
        """Start draining, unless already draining (then look again at once)."""
        self._wake.set()
        if self._task is not None and not self._task.done():
            return
        if not self.application.running:
            return
        self._task = self.application.create_task(self._drain(), name="outbox")

    @property
    def budget(self) -> Budget:
        """The budget of the application's rate limiter (bot.app.application)."""
        limiter = self.application.bot.rate_limiter
        if not isinstance(limiter, SharedRateLimiter):
            raise RuntimeError("the application has no shared budget (bot.core.budget)")
        return limiter.budget

    # --- the drain loop -----------------------------------------------------------------------

    def _running(self) -> bool:
        return bool(self.application.running)

    async def _sleep(self, seconds: float) -> None:
        """Sleep, but wake at once when stopping or woken."""
        deadline = time.monotonic() + seconds
        while self._running():
            left = deadline - time.monotonic()
            if left <= 0:
                return
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), min(left, 0.25))
            if self._wake.is_set():
                return

    async def _drain(self) -> None:
        errors = 0
        try:
            if not self._recovered_own:
                await self._recover(own=True)
                self._recovered_own = True
            self._next_report = time.monotonic() + PROGRESS_EVERY
            while self._running():
                self._wake.clear()
                try:
                    busy = await self._step()
                    if time.monotonic() >= self._next_report:
                        await self._housekeeping()
                    if busy:
                        errors = 0
                        continue
                    await self._settle()
                    await self._housekeeping()
                    wait = await self._until_next_due()
                    if wait is None and self._final:  # a final report waits for a flood pause
                        wait = max(await self.budget.store.paused_for(), 0.5)
                    errors = 0
                except Exception:
                    errors += 1
                    log.exception("outbox: sending failed (%s in a row)", errors)
                    if errors >= 5:
                        return  # the next tick of the job starts again
                    await self._sleep(1.0)
                    continue
                if wait is None:
                    return
                await self._sleep(min(wait, IDLE_CHECK))
        finally:
            await self._settle()

    async def _settle(self) -> None:
        """Wait for every send under way to finish."""
        if self._in_flight:
            await asyncio.gather(*list(self._in_flight), return_exceptions=True)

    async def _step(self) -> bool:
        """Start one message when its turn comes; False once a claim found nothing due.

        Claiming and sending run in a task of their own, so the database's and Telegram's
        response times do not slow the pace down; the claim happens right before the send,
        so a crash leaves only messages in flight in doubt.
        """
        if self._nothing_due:
            self._nothing_due = False
            return False
        while len(self._in_flight) >= MAX_IN_FLIGHT:
            await asyncio.wait(list(self._in_flight), return_when=asyncio.FIRST_COMPLETED)
        # Turns are taken as far ahead as claiming a message takes lately, so that the
        # message is ready when its turn comes.
        turn = await self.budget.try_bulk(self.rules, paid=self.paid, lead=self._claiming)
        if not turn.granted:
            await self._sleep(turn.wait)
            return True  # the loop checks again (and whether to stop)
        go_at = self.budget.clock() + turn.wait
        task = asyncio.create_task(self._claim_and_send(go_at), name="outbox-send")
        self._in_flight.add(task)
        task.add_done_callback(self._in_flight.discard)
        return True

    async def _claim_and_send(self, go_at: float) -> None:
        """Claim the next due message and send it at ``go_at`` (its turn). Never raises."""
        try:
            now = self.services.clock()
            began = time.monotonic()
            async with self.services.sessions.begin() as db:
                rows = await outbox.claim(db, self.worker, limit=1, now=now, lease=CLAIMED_LEASE)
            if not rows:
                self._nothing_due = True
                return
            row = rows[0]
            if row.chat_id is None or row.unreachable:
                async with self.services.sessions.begin() as db:
                    await outbox.mark_unreachable(
                        db, row.id, row.resident_id, error="no contact", now=now
                    )
                metrics.BROADCAST_MESSAGES.labels(result="unreachable").inc()
                return
            try:
                # The chat's turn is taken now, at the claim; the message goes at its own
                # turn, up to CLAIM_LEAD later (and the one before it maybe not): asked with
                # that much more, two messages to one chat never go out closer together than
                # BROADCAST_CHAT_INTERVAL (Telegram counts the sends).
                chat = await self.budget.chat_turn(row.chat_id, self.chat_interval + CLAIM_LEAD)
            except Exception:
                await self._unclaim(row)  # not sent: not in doubt either
                raise
            took = time.monotonic() - began
            # Mostly the latest, quickly back down after a slow moment (at most CLAIM_LEAD).
            self._claiming = min(CLAIM_LEAD, max(took * 1.5, self._claiming * 0.8))
            if not chat.granted:  # this chat had a message moments ago: later, not a try
                async with self.services.sessions.begin() as db:
                    await outbox.unclaim(
                        db, row.id, self.worker, at=now + timedelta(seconds=chat.wait)
                    )
                return
        except Exception:
            log.exception("outbox: could not claim a message")
            self._nothing_due = True  # the loop pauses, then looks again
            return
        # Marked sending just before the turn: as far ahead as that takes lately.
        wait = go_at - self.budget.clock() - self._starting
        if wait > 0:
            await asyncio.sleep(wait)
        await self._send(row, go_at)

    async def _payload(self, broadcast_id: int) -> BroadcastInfo | None:
        found = self._payloads.get(broadcast_id)
        if found is None:
            async with self.services.sessions() as db:
                found = await outbox.get_broadcast(db, broadcast_id)
            if found is not None:
                self._payloads.put(broadcast_id, found)
        return found

    async def _again(self) -> float:
        """Another turn for a message whose turn passed before it could leave."""
        return await self.budget.bulk(None, self.rules, paid=self.paid)

    async def _send(self, row: Claimed, due: float) -> None:
        """Send one message on its turn (``due``) and record what happened. Never raises.

        Claiming may take long (a busy database or machine): the rate limiter checks the
        turn the moment the request leaves, and a message past it takes another rather
        than crowd the messages of the turns after it.
        """
        try:
            await self._send_and_record(row, {**PREPAID, "due": due, "again": self._again})
        except Exception:
            # Recording failed: the row stays "sending" and is given up as interrupted
            # once its claim runs out (it may well have arrived).
            log.exception("outbox: could not record message %s", row.id)

    async def _send_and_record(self, row: Claimed, turn: dict[str, Any]) -> None:
        try:
            broadcast = await self._payload(row.broadcast_id)
        except Exception:
            await self._unclaim(row)  # not sent: back to the queue, not in doubt
            raise
        content = None
        if broadcast is not None:
            content = broadcast.payload.get(row.language) or broadcast.payload.get("nl")
        sessions = self.services.sessions
        if not content or row.chat_id is None:
            async with sessions.begin() as db:
                await outbox.mark_failed(db, row.id, error="nothing to send")
            metrics.BROADCAST_MESSAGES.labels(result="failed").inc()
            return
        if not await self._start(row):
            return  # the rate limiter waits for its turn, the moment the request leaves
        try:
            await self.application.bot.send_message(
                row.chat_id,
                content["text"],
                parse_mode=ParseMode.HTML,
                reply_markup=from_json(content.get("buttons")),
                rate_limit_args=turn,
                allow_paid_broadcast=self.paid or None,
            )
        except RetryAfter as error:  # the limiter paused every worker already
            seconds = retry_after(error)
            log.info("outbox: flood limit, pausing broadcasts for %s s", seconds)
            await self._later(row, seconds, "flood limit", count=False)
        except Forbidden as error:
            async with sessions.begin() as db:
                await outbox.mark_unreachable(
                    db, row.id, row.resident_id, error=error.message, now=self.services.clock()
                )
            metrics.BROADCAST_MESSAGES.labels(result="unreachable").inc()
        except BadRequest as error:  # the same request would fail again
            await self._fail(row, error.message)
        except TimedOut as error:
            if _sent_nothing(error):
                await self._retry(row, "timeout while connecting")
            else:
                await self._fail(row, "timed out: may have arrived, not sent again")
        except (NetworkError, TelegramError) as error:
            await self._retry(row, error.message)
        else:
            await self._record_sent(row)
            metrics.BROADCAST_MESSAGES.labels(result="sent").inc()
            self._sent_since_report[row.broadcast_id] = (
                self._sent_since_report.get(row.broadcast_id, 0) + 1
            )

    async def _start(self, row: Claimed) -> bool:
        """Mark ``row`` sending, right before its request leaves; False (do not send) when
        it is no longer this worker's or cannot be marked (then it goes back unsent)."""
        began = time.monotonic()
        try:
            async with self.services.sessions.begin() as db:
                mine = await outbox.start_sending(
                    db, row.id, self.worker, now=self.services.clock(), lease=CLAIM_LEASE
                )
        except Exception:
            await self._unclaim(row)  # not sent: back to the queue, not in doubt
            raise
        took = time.monotonic() - began
        self._starting = min(STARTING_MAX, max(took * 1.5, self._starting * 0.8))
        if not mine:
            log.warning(
                "outbox: message %s went back to the queue meanwhile; not sent here", row.id
            )
        return mine

    async def _unclaim(self, row: Claimed) -> None:
        """Give a claimed row that was not sent back, due now; while the database cannot be
        reached, try again (else it would be given up as in doubt, though it never left)."""
        for attempt in range(1, RECORD_TRIES + 1):
            try:
                async with self.services.sessions.begin() as db:
                    await outbox.unclaim(db, row.id, self.worker, at=self.services.clock())
                return
            except Exception:
                if attempt == RECORD_TRIES:
                    raise
                await asyncio.sleep(RECORD_PAUSE)

    async def _record_sent(self, row: Claimed) -> None:
        """Mark ``row`` sent; while the database cannot be reached, try again (it arrived)."""
        for attempt in range(1, RECORD_TRIES + 1):
            try:
                async with self.services.sessions.begin() as db:
                    await outbox.mark_sent(db, row.id, now=self.services.clock())
                return
            except Exception:
                if attempt == RECORD_TRIES:
                    raise
                if attempt == 1:
                    log.warning("outbox: message %s sent, not yet recorded; trying again", row.id)
                await asyncio.sleep(RECORD_PAUSE)

    async def _fail(self, row: Claimed, error: str) -> None:
        log.warning("outbox: message %s failed: %s", row.id, error)
        async with self.services.sessions.begin() as db:
            await outbox.mark_failed(db, row.id, error=error)
        metrics.BROADCAST_MESSAGES.labels(result="failed").inc()

    async def _retry(self, row: Claimed, error: str) -> None:
        if row.attempts >= MAX_ATTEMPTS:
            await self._fail(row, f"{error} (after {row.attempts} tries)")
            return
        pause = min(BACKOFF_MAX, BACKOFF_FIRST * 2 ** (row.attempts - 1))
        await self._later(row, pause, error, count=True)

    async def _later(self, row: Claimed, seconds: float, error: str, *, count: bool) -> None:
        at = self.services.clock() + timedelta(seconds=seconds)
        async with self.services.sessions.begin() as db:
            await outbox.retry_later(db, row.id, at=at, error=error, count=count)
        metrics.BROADCAST_MESSAGES.labels(result="retried").inc()
        self._wake.set()

    async def _until_next_due(self) -> float | None:
        """Seconds until a waiting message is due; None when nothing waits."""
        async with self.services.sessions() as db:
            due = await outbox.next_due(db)
        if due is None:
            return None
        return max(0.05, (due - self.services.clock()).total_seconds())

    # --- recovery and reports -----------------------------------------------------------------

    async def _recover(self, *, own: bool = False) -> None:
        async with self.services.sessions.begin() as db:
            given_up = await outbox.recover(
                db, now=self.services.clock(), worker=self.worker if own else None
            )
        if given_up:
            metrics.BROADCAST_MESSAGES.labels(result="failed").inc(given_up)
            log.warning(
                "outbox: %s message(s) were being sent when a worker stopped; they may have "
                "arrived and are not sent again",
                given_up,
            )

    async def _housekeeping(self) -> None:
        """Give up rows of dead workers, edit progress messages, finish broadcasts."""
        self._next_report = time.monotonic() + PROGRESS_EVERY
        for broadcast, final in list(self._final.values()):
            await self._report(broadcast, final)
        await self._recover()
        async with self.services.sessions() as db:
            running = await outbox.broadcasts(db, status="sending")
            figures = [(b, await outbox.progress(db, b.id)) for b in running]
        waiting = 0
        for broadcast, progress in figures:
            waiting += progress.waiting
            if progress.done:
                async with self.services.sessions.begin() as db:
                    finished = await outbox.finish(db, broadcast.id, now=self.services.clock())
                if finished:
                    log.info(
                        "outbox: broadcast %s done: %s sent, %s unreachable, %s failed",
                        broadcast.id,
                        progress.sent,
                        progress.unreachable,
                        progress.failed,
                    )
                    await self._report(broadcast, progress)
                    self._payloads.pop(broadcast.id)
            elif self._sent_since_report.get(broadcast.id):
                await self._report(broadcast, progress)
        metrics.BROADCAST_QUEUE.set(waiting)

    async def _report(self, broadcast: BroadcastInfo, progress: Progress) -> None:
        """Edit the administrator's progress message (when there is one and it changed).

        The final report is kept until it went through: a flood wait does not lose it.
        """
        self._sent_since_report.pop(broadcast.id, None)
        chat_id, message_id = broadcast.report_chat_id, broadcast.report_message_id
        if chat_id is None or message_id is None:
            return
        text = describe(broadcast, progress)
        if self._reported.get(broadcast.id) == text:
            return
        try:
            await self.application.bot.edit_message_text(
                text,
                chat_id=chat_id,
                message_id=message_id,
                parse_mode=ParseMode.HTML,
                rate_limit_args=BULK,
            )
        except RetryAfter:  # after the limiter's retries
            if progress.done:
                self._final[broadcast.id] = (broadcast, progress)
            return
        except TelegramError as error:
            log.info(
                "outbox: could not update the progress of broadcast %s: %s", broadcast.id, error
            )
        self._final.pop(broadcast.id, None)
        if progress.done:
            self._reported.pop(broadcast.id)
        else:
            self._reported.put(broadcast.id, text)

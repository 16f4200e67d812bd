"""How updates reach the bot: the queue ``getUpdates`` reads, or webhook deliveries.

Whatever users do becomes an update (:meth:`UpdateFeed.push`). Without a webhook it waits in
the queue for the bot's next ``getUpdates`` (long polling, offsets, one poller at a time); with
one (``setWebhook``) it is POSTed there, one update at a time per chat, retried like Telegram
retries, and given up after :attr:`UpdateFeed.webhook_attempts` attempts.
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
from collections import deque
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import aiohttp
from aiohttp import web

from sandbox.fakeapi.faults import InjectedFault
from sandbox.models import Activity, JsonDict, Signal, Tasks, now
from sandbox.spec import ApiError, MethodSpec

__all__ = ["UpdateFeed"]

_LOG = logging.getLogger("sandbox.fakeapi")

#: Updates Telegram sends only to a bot that asks for them (``allowed_updates``).
_DEFAULT_EXCLUDED_UPDATES = frozenset(
    {"chat_member", "message_reaction", "message_reaction_count"}
)
_SECRET_RE = re.compile(r"[A-Za-z0-9_-]{1,256}")


@dataclass(slots=True)
class _Webhook:
    url: str
    secret_token: str | None
    max_connections: int
    ip_address: str | None
    semaphore: asyncio.Semaphore
    last_error_date: int | None = None
    last_error_message: str | None = None


class UpdateFeed:
    """The bot's updates, and the four methods that say how it gets them."""

    #: How often a webhook delivery is attempted before it is given up.
    webhook_attempts: int = 4
    #: Delay before the first webhook retry (doubled for each further one), in seconds.
    webhook_retry_delay: float = 0.05
    #: The longest delay between two webhook attempts, in seconds.
    webhook_longest_delay: float = 60.0
    #: Timeout of one webhook POST, in seconds.
    webhook_timeout: float = 10.0

    def __init__(self, activity: Activity) -> None:
        self._activity = activity
        #: Webhook deliveries given up after all attempts: (update, last error).
        self.failures: list[tuple[JsonDict, str]] = []
        self._updates: deque[JsonDict] = deque()
        self._last_update_id = 0
        self._signal = Signal()
        self._poll_generation = 0
        self._allowed: frozenset[str] = frozenset()
        self._webhook: _Webhook | None = None
        self._delivery_locks: dict[int | None, asyncio.Lock] = {}
        self._tasks = Tasks()
        self._deliveries = 0
        self._session: aiohttp.ClientSession | None = None
        self._closing = False

    @property
    def busy(self) -> bool:
        """Whether updates wait to be fetched or are being delivered."""
        return bool(self._updates or self._deliveries)

    def open(self) -> None:
        """Serve long polls again (after :meth:`close`)."""
        self._closing = False

    async def close(self) -> None:
        """End pending long polls and webhook deliveries."""
        self._closing = True
        self._signal.fire()
        await self._tasks.cancel()
        if self._session is not None:
            await self._session.close()
            self._session = None

    def reset(self) -> None:
        """Forget the queue, the webhook and given-up deliveries (update ids keep counting)."""
        self.failures.clear()
        self._updates.clear()
        self._allowed = frozenset()
        self._webhook = None
        self._signal.fire()

    @property
    def last_update_id(self) -> int:
        """The id of the newest update handed out (0 before the first)."""
        return self._last_update_id

    def continue_after(self, update_id: int) -> None:
        """Number new updates above ``update_id`` (the count never goes down): a bot whose
        database has handled updates up to there takes the next ones as new, as with
        Telegram, whose update ids only go up."""
        self._last_update_id = max(self._last_update_id, update_id)

    def push(self, kind: str, payload: JsonDict, chat_id: int | None) -> JsonDict | None:
        """A new update of ``kind``; ``None`` if the bot does not take that kind."""
        if self._allowed:
            if kind not in self._allowed:
                return None
        elif kind in _DEFAULT_EXCLUDED_UPDATES:
            return None
        self._last_update_id += 1
        update = {"update_id": self._last_update_id, kind: payload}
        self._activity.touch()
        if self._webhook is not None:
            try:
                asyncio.get_running_loop()
            except RuntimeError:
                pass
            else:
                self._start_delivery(update, chat_id)
                return update
        self._updates.append(update)
        self._signal.fire()
        return update

    # ------------------------------------------------------------------ webhook deliveries

    def _start_delivery(self, update: JsonDict, chat_id: int | None) -> None:
        self._deliveries += 1
        lock = self._delivery_locks.setdefault(chat_id, asyncio.Lock())
        self._tasks.start(self._deliver(update, lock))

    async def _deliver(self, update: JsonDict, lock: asyncio.Lock) -> None:
        try:
            async with lock:
                attempt = 0
                error = "not delivered"
                while attempt < self.webhook_attempts:
                    webhook = self._webhook
                    if webhook is None:  # deleted meanwhile: back to getUpdates
                        self._updates.append(update)
                        self._updates = deque(sorted(self._updates, key=lambda u: u["update_id"]))
                        self._signal.fire()
                        return
                    async with webhook.semaphore:
                        result = await self._post(webhook, update)
                    if result is None:
                        return
                    error = result
                    webhook.last_error_date = now()
                    webhook.last_error_message = error
                    attempt += 1
                    if attempt < self.webhook_attempts:
                        await asyncio.sleep(
                            min(
                                self.webhook_retry_delay * 2 ** (attempt - 1),
                                self.webhook_longest_delay,
                            )
                        )
                _LOG.warning(
                    "Webhook delivery of update %s failed: %s", update["update_id"], error
                )
                self.failures.append((update, error))
        finally:
            self._deliveries -= 1
            self._activity.touch()

    async def _post(self, webhook: _Webhook, update: JsonDict) -> str | None:
        """POST one update; ``None`` when the webhook took it, else what went wrong."""
        if self._session is None:
            self._session = aiohttp.ClientSession()
        headers = {}
        if webhook.secret_token:
            headers["X-Telegram-Bot-Api-Secret-Token"] = webhook.secret_token
        try:
            async with self._session.post(
                webhook.url,
                json=update,
                headers=headers,
                timeout=aiohttp.ClientTimeout(total=self.webhook_timeout),
            ) as response:
                await response.read()
                if 200 <= response.status < 300:
                    return None
                return f"Wrong response from the webhook: {response.status} {response.reason}"
        except TimeoutError:
            return "Read timeout expired"
        except aiohttp.ClientError as err:
            return f"Connection failed: {err}"

    # ------------------------------------------------------------------ the methods

    async def get_updates(self, spec: MethodSpec, params: JsonDict, request: web.Request) -> Any:
        """``getUpdates``: the queued updates from ``offset`` on, waiting up to ``timeout``."""
        if self._webhook is not None:
            raise ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; "
                "use deleteWebhook to delete the webhook first",
            )
        offset: int | None = params.get("offset")
        limit = min(max(int(params.get("limit", 100)), 1), 100)
        timeout = max(0, int(params.get("timeout", 0)))
        if "allowed_updates" in params:
            self._allowed = frozenset(str(u) for u in params["allowed_updates"])
        self._poll_generation += 1
        generation = self._poll_generation
        self._signal.fire()  # terminates an older long poll
        if offset is not None:
            if offset < 0:
                while len(self._updates) > -offset:
                    self._updates.popleft()
            else:
                while self._updates and self._updates[0]["update_id"] < offset:
                    self._updates.popleft()
            self._activity.touch()
        deadline = time.monotonic() + timeout
        while not self._updates and not self._closing:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                break
            await self._signal.wait(remaining)
            if generation != self._poll_generation:
                await self._conflict(request)
        if generation != self._poll_generation:
            await self._conflict(request)
        return [self._updates[i] for i in range(min(limit, len(self._updates)))]

    async def _conflict(self, request: web.Request) -> None:
        for _ in range(20):  # give a cancelled client's closing connection time to show
            transport = request.transport
            if transport is None or transport.is_closing():
                raise InjectedFault(409, "Conflict: client went away")
            await asyncio.sleep(0.01)
        raise ApiError(
            409,
            "Conflict: terminated by other getUpdates request; "
            "make sure that only one bot instance is running",
        )

    async def set_webhook(self, spec: MethodSpec, params: JsonDict, request: web.Request) -> Any:
        """``setWebhook``: from now on, POST updates to ``url`` (queued ones first)."""
        url = str(params.get("url", ""))
        if not url:
            return await self.delete_webhook(spec, params, request)
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ApiError.bad_request("bad webhook: invalid webhook URL specified")
        secret = params.get("secret_token")
        if secret is not None and not _SECRET_RE.fullmatch(secret):
            raise ApiError.bad_request("bad webhook: secret token contains unallowed characters")
        max_connections = int(params.get("max_connections", 40))
        if not 1 <= max_connections <= 100:
            raise ApiError.bad_request("bad webhook: max_connections must be between 1 and 100")
        if "allowed_updates" in params:
            self._allowed = frozenset(str(u) for u in params["allowed_updates"])
        if params.get("drop_pending_updates"):
            self._updates.clear()
        self._webhook = _Webhook(
            url=url,
            secret_token=secret,
            max_connections=max_connections,
            ip_address=params.get("ip_address"),
            semaphore=asyncio.Semaphore(max_connections),
        )
        self._signal.fire()
        pending = list(self._updates)
        self._updates.clear()
        for update in pending:
            self._start_delivery(update, _update_chat_id(update))
        return True

    async def delete_webhook(
        self, spec: MethodSpec, params: JsonDict, request: web.Request
    ) -> Any:
        """``deleteWebhook``: back to ``getUpdates``."""
        self._webhook = None
        if params.get("drop_pending_updates"):
            self._updates.clear()
        return True

    async def get_webhook_info(
        self, spec: MethodSpec, params: JsonDict, request: web.Request
    ) -> Any:
        """``getWebhookInfo``: the webhook, the updates pending and the last error."""
        webhook = self._webhook
        info: JsonDict = {
            "url": webhook.url if webhook else "",
            "has_custom_certificate": False,
            "pending_update_count": len(self._updates) + self._deliveries,
        }
        if webhook is not None:
            info["max_connections"] = webhook.max_connections
            if webhook.ip_address:
                info["ip_address"] = webhook.ip_address
            if webhook.last_error_date is not None:
                info["last_error_date"] = webhook.last_error_date
                info["last_error_message"] = webhook.last_error_message
        if self._allowed:
            info["allowed_updates"] = sorted(self._allowed)
        return info


def _update_chat_id(update: JsonDict) -> int | None:
    """The chat an update comes from (its deliveries keep their order per chat)."""
    for key, value in update.items():
        if key == "update_id" or not isinstance(value, dict):
            continue
        chat = value.get("chat") or (value.get("message") or {}).get("chat")
        if isinstance(chat, dict) and isinstance(chat.get("id"), int):
            return int(chat["id"])
    return None

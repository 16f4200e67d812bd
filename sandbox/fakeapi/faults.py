"""Fault injection for the tests: failed, slow and cut-off calls, and flood limits (429s).

A test arms a fault through :class:`~sandbox.fakeapi.FakeBotApi` (``fail_next``,
``delay_next``, ``drop_next``, ``set_flood_limit``); the HTTP side asks :meth:`Faults.take`
and :meth:`Faults.check_flood` about every call. An error caused this way is an
:class:`InjectedFault`: recorded among the calls, never among the rejected ones (it is not
the bot's mistake).
"""

from __future__ import annotations

import asyncio
import math
import time
from collections import deque
from dataclasses import dataclass
from typing import Any, Literal

from aiohttp import web

from sandbox.spec import ApiError, BotApiSpec, MethodSpec

__all__ = ["Fault", "Faults", "FloodLimit", "InjectedFault"]

#: Methods a flood limit counts (sendChatAction excepted).
_FLOOD_PREFIXES = ("send", "edit", "copy", "forward")


class InjectedFault(ApiError):
    """An error caused on purpose by the test (fail_next, block, flood limit), or by the
    connection (a client that went away): not the bot's mistake.

    Such errors are recorded in :attr:`FakeBotApi.calls` but not in ``rejected``.
    """


@dataclass(slots=True)
class Fault:
    """One armed fault, for the next ``remaining`` calls of a method."""

    status: int
    description: str
    retry_after: int | None
    remaining: int
    # "error": answer with ``status``; "delay": look at the call only after ``seconds``;
    # "drop": close the connection without an answer.
    kind: Literal["error", "delay", "drop"] = "error"
    seconds: float = 0.0


class _Bucket:
    """A token bucket: ``rate`` calls per second, bursts of up to ``max(1, rate)``."""

    __slots__ = ("capacity", "rate", "stamp", "tokens")

    def __init__(self, rate: float) -> None:
        if rate <= 0:
            raise ValueError("a flood limit must be positive")
        self.rate = rate
        self.capacity = max(1.0, rate)
        self.tokens = self.capacity
        self.stamp = time.monotonic()

    def wait_time(self, now: float) -> float:
        if now > self.stamp:
            self.tokens = min(self.capacity, self.tokens + (now - self.stamp) * self.rate)
            self.stamp = now
        return 0.0 if self.tokens >= 1 else (1 - self.tokens) / self.rate

    def take(self) -> None:
        self.tokens -= 1


#: Telegram's limit for calls with ``allow_paid_broadcast`` (paid in Stars), which do not
#: count against the usual overall limit.
PAID_PER_SECOND = 1000.0


class FloodLimit:
    """At most ``per_second`` sending calls, and ``per_chat_per_second`` into one chat; paid
    broadcasts (``allow_paid_broadcast``) up to :data:`PAID_PER_SECOND` instead."""

    def __init__(self, per_second: float | None, per_chat_per_second: float | None) -> None:
        self._global_bucket = _Bucket(per_second) if per_second else None
        self._paid_bucket = _Bucket(PAID_PER_SECOND) if per_second else None
        self._chat_rate = per_chat_per_second or None
        self._chat_buckets: dict[object, _Bucket] = {}

    def check(self, spec: MethodSpec, params: dict[str, Any]) -> None:
        """Raise a 429 if this sending call goes beyond the limit; else count it."""
        if self._global_bucket is None and self._chat_rate is None:
            return
        if not spec.name.startswith(_FLOOD_PREFIXES) or spec.name == "sendChatAction":
            return
        now = time.monotonic()
        buckets: list[_Bucket] = []
        paid = params.get("allow_paid_broadcast") is True
        overall = self._paid_bucket if paid else self._global_bucket
        if overall is not None:
            buckets.append(overall)
        chat_key = params.get("chat_id")
        if self._chat_rate is not None and chat_key is not None:
            bucket = self._chat_buckets.get(chat_key)
            if bucket is None:
                bucket = self._chat_buckets[chat_key] = _Bucket(self._chat_rate)
            buckets.append(bucket)
        wait = max(b.wait_time(now) for b in buckets)
        if wait > 0:
            retry_after = max(1, math.ceil(wait))
            raise InjectedFault(
                429,
                f"Too Many Requests: retry after {retry_after}",
                parameters={"retry_after": retry_after},
            )
        for bucket in buckets:
            bucket.take()


class Faults:
    """The faults a test armed, by method (``"*"``: any), and the flood limit."""

    def __init__(self, spec: BotApiSpec) -> None:
        self._spec = spec
        self._faults: dict[str, deque[Fault]] = {}
        #: The limit of :meth:`FakeBotApi.set_flood_limit`, if any.
        self.flood: FloodLimit | None = None
        #: Calls being held back by a delay right now.
        self.delayed = 0

    def reset(self) -> None:
        """Disarm every fault and the flood limit."""
        self._faults.clear()
        self.flood = None

    def arm(self, method: str, fault: Fault) -> None:
        """Apply ``fault`` to the next calls of ``method`` (``"*"``: any method)."""
        if method != "*" and self._spec.method(method) is None:
            raise ValueError(f"unknown Bot API method {method!r}")
        if fault.remaining < 1:
            raise ValueError("count must be at least 1")
        self._faults.setdefault(method.lower(), deque()).append(fault)

    # ------------------------------------------------------------------ applying

    def take(self, spec: MethodSpec) -> Fault | None:
        """The delay or drop due for this call, if any; an error fault is raised at once."""
        for key in (spec.name.lower(), "*"):
            queue = self._faults.get(key)
            if not queue:
                continue
            fault = queue[0]
            fault.remaining -= 1
            if fault.remaining <= 0:
                queue.popleft()
            if fault.kind != "error":
                return fault
            parameters = {"retry_after": fault.retry_after} if fault.retry_after else None
            raise InjectedFault(fault.status, fault.description, parameters=parameters)
        return None

    async def hold(self, fault: Fault, request: web.Request) -> None:
        """Hold a delayed call back; raise if its client stopped waiting meanwhile."""
        self.delayed += 1
        try:
            await asyncio.sleep(fault.seconds)
        finally:
            self.delayed -= 1
        self.gone(request)

    @staticmethod
    def gone(request: web.Request) -> None:
        """Raise if the call's client stopped waiting before the call was carried out (a
        delayed call, or the bot's read timeout on a busy machine): it comes to nothing, as
        the bot assumes when it tries again (an edit carried out anyway would make the
        bot's second try "message is not modified")."""
        transport = request.transport
        if transport is None or transport.is_closing():
            # 499: "client closed request"; the answer reaches nobody.
            raise InjectedFault(499, "client went away")

    def check_flood(self, spec: MethodSpec, params: dict[str, Any]) -> None:
        """Raise a 429 if this call goes beyond the flood limit."""
        if self.flood is not None:
            self.flood.check(spec, params)

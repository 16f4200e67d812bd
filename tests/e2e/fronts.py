"""Web fronts between the fake Bot API and webhook workers, for tests that need to see or
spoil what passes: both are ``sandbox.balancer.RoundRobin`` (its server, its session, its
:attr:`~sandbox.balancer.RoundRobin.passed` count per worker) with their own way of passing
a webhook POST on.

:class:`LosingFront` passes every update on to its one worker unchanged, then answers the
fake Bot API "502 Bad Gateway" the first time it sees an update: as if the worker's
"200 OK" was lost on the way back (a proxy timing out, a dropped connection). Telegram then
delivers the same update again, and the worker must recognise it.

:class:`SpreadingFront` passes each update to the next worker in turn, and notes which
workers each update reached and which are still open, so a test knows which updates may
have gone down with a worker it killed.

:class:`SteeringFront` passes each update to the worker the test names, and notes each
answer per update, so a test can make one worker hold an update while another goes on.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from typing import Any

import aiohttp
from aiohttp import web

from sandbox.balancer import RoundRobin
from sandbox.models import Signal

_PASSED_HEADERS = ("Content-Type", "X-Telegram-Bot-Api-Secret-Token")

UpdateKey = tuple[str, int, int | str]


def update_key(update: dict[str, object]) -> UpdateKey | None:
    """What identifies an update to the resident who caused it: ("m", chat, message id) for a
    message, ("q", 0, query id) for a pressed button."""
    for kind in ("message", "edited_message"):
        message = update.get(kind)
        if isinstance(message, dict):
            chat = message.get("chat")
            if isinstance(chat, dict):
                return ("m", int(chat["id"]), int(message["message_id"]))
    query = update.get("callback_query")
    if isinstance(query, dict):
        return ("q", 0, str(query["id"]))
    return None


class _Front(RoundRobin):
    """A RoundRobin that passes a webhook POST on with :meth:`_pass`; started on a free
    port (``port``: on this one) until :meth:`stop`."""

    @property
    def webhook_url(self) -> str:
        """The WEBHOOK_URL to register: this front's ``/telegram``."""
        return f"{self.url}/telegram"

    async def _pass(self, backend: str, request: web.Request, body: bytes) -> int:
        """POST ``body`` to ``backend``'s ``/telegram``; its status."""
        assert self._session is not None, "the front is not started"
        headers = {k: request.headers[k] for k in _PASSED_HEADERS if k in request.headers}
        async with self._session.post(f"{backend}/telegram", data=body, headers=headers) as got:
            await got.read()
        self.passed[backend] += 1
        return got.status


class LosingFront(_Front):
    """``front = LosingFront([worker.base_url]); await front.start()``: register
    ``front.webhook_url`` (one worker)."""

    def __init__(self, backends: list[str], *, port: int = 0) -> None:
        if len(backends) != 1:
            raise ValueError("a LosingFront passes updates on to one worker")
        super().__init__(backends, port=port)
        #: How often each update id reached the worker.
        self.deliveries: Counter[int] = Counter()

    async def _forward(self, request: web.Request) -> web.Response:
        body = await request.read()
        update_id = int(json.loads(body)["update_id"])
        status = await self._pass(self.backends[0], request, body)
        self.deliveries[update_id] += 1
        if self.deliveries[update_id] == 1 and status == 200:
            return web.Response(status=502, text="bad gateway\n")  # the "200" got lost
        return web.Response(status=status)


class SpreadingFront(_Front):
    """A round-robin load balancer in front of several workers, as a reverse proxy would be:
    each POST goes to the next worker in turn; a worker that refuses the connection (it is
    down) is passed over, every time, and the request goes to the next one.

    It notes which workers each update reached (:attr:`reached`) and which requests are
    still open (:attr:`open`).
    """

    def __init__(self, backends: list[str], *, port: int = 0) -> None:
        super().__init__(backends, port=port)
        self.reached: dict[UpdateKey, set[str]] = {}
        self.open: Counter[UpdateKey] = Counter()
        self._turn = 0

    async def _forward(self, request: web.Request) -> web.Response:
        body = await request.read()
        key = update_key(json.loads(body))
        first = self._turn
        self._turn = (self._turn + 1) % len(self.backends)
        if key is not None:
            self.open[key] += 1
        try:
            for n in range(len(self.backends)):
                backend = self.backends[(first + n) % len(self.backends)]
                if key is not None:
                    self.reached.setdefault(key, set()).add(backend)
                try:
                    status = await self._pass(backend, request, body)
                except (aiohttp.ClientConnectionError, OSError):
                    continue  # down (or died while handling it): the next one
                return web.Response(status=status)
            return web.Response(status=502, text="no worker answers\n")
        finally:
            if key is not None:
                self.open[key] -= 1


class CountingFront(SpreadingFront):
    """A :class:`SpreadingFront` that counts the statuses it answers the fake Bot API with
    (:attr:`statuses`): a 503 from a worker is passed back, and Telegram delivers again."""

    def __init__(self, backends: list[str], *, port: int = 0) -> None:
        super().__init__(backends, port=port)
        self.statuses: Counter[int] = Counter()

    async def _forward(self, request: web.Request) -> web.Response:
        response = await super()._forward(request)
        self.statuses[response.status] += 1
        return response


class SteeringFront(_Front):
    """Passes each update to the worker :attr:`steer` names (an index into the backends;
    by default the last one) and notes each answer per update id (:attr:`answers`, in
    order), firing :attr:`changed` after each."""

    def __init__(self, backends: list[str], *, port: int = 0) -> None:
        super().__init__(backends, port=port)
        self.steer: Callable[[dict[str, Any]], int] = lambda update: len(self.backends) - 1
        self.answers: dict[int, list[int]] = {}
        self.changed = Signal()

    async def _forward(self, request: web.Request) -> web.Response:
        body = await request.read()
        update = json.loads(body)
        status = await self._pass(self.backends[self.steer(update)], request, body)
        self.answers.setdefault(int(update["update_id"]), []).append(status)
        self.changed.fire()
        return web.Response(status=status)

"""A web front between the fake Bot API and a worker that makes Telegram deliver again.

:class:`LosingFront` passes every webhook POST on to its worker unchanged, then answers the
fake Bot API "502 Bad Gateway" the first time it sees an update: as if the worker's "200 OK"
was lost on the way back (a proxy timing out, a dropped connection). Telegram then delivers
the same update again, and the worker must recognise it.
"""

from __future__ import annotations

import json
from collections import Counter

import aiohttp
from aiohttp import web

_PASSED_HEADERS = ("Content-Type", "X-Telegram-Bot-Api-Secret-Token")


class LosingFront:
    """``front = LosingFront(); await front.start(); front.target = worker_url``"""

    def __init__(self) -> None:
        self.target: str | None = None
        #: How often each update id reached the worker.
        self.passed: Counter[int] = Counter()
        self._runner: web.AppRunner | None = None
        self._session: aiohttp.ClientSession | None = None
        self.port = 0

    @property
    def url(self) -> str:
        """The WEBHOOK_URL to register: this front's ``/telegram``."""
        return f"http://127.0.0.1:{self.port}/telegram"

    async def start(self) -> None:
        app = web.Application()
        app.router.add_post("/telegram", self._forward)
        self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=30))
        self._runner = web.AppRunner(app, access_log=None, handle_signals=False)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = int(self._runner.addresses[0][1])

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def _forward(self, request: web.Request) -> web.Response:
        assert self._session is not None and self.target is not None
        body = await request.read()
        update_id = int(json.loads(body)["update_id"])
        headers = {k: request.headers[k] for k in _PASSED_HEADERS if k in request.headers}
        async with self._session.post(self.target, data=body, headers=headers) as response:
            await response.read()
            status = response.status
        self.passed[update_id] += 1
        if self.passed[update_id] == 1 and status == 200:
            return web.Response(status=502, text="bad gateway\n")  # the "200" got lost
        return web.Response(status=status)


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


class SpreadingFront:
    """A round-robin load balancer in front of several workers, as a reverse proxy would be:
    each POST goes to the next worker in turn; a worker that refuses the connection (it is
    down) is passed over and the request goes to the next one.

    It notes which workers each update reached (:attr:`reached`) and which requests are
    still open (:attr:`open`), so a test knows which updates may have gone down with a
    worker it killed.
    """

    def __init__(self, backends: list[str]) -> None:
        self.backends = backends
        self.reached: dict[UpdateKey, set[str]] = {}
        self.open: Counter[UpdateKey] = Counter()
        #: Requests each worker answered.
        self.passed: Counter[str] = Counter()
        self._next = 0
        self._runner: web.AppRunner | None = None
        self._session: aiohttp.ClientSession | None = None
        self.port = 0

    @property
    def url(self) -> str:
        """The WEBHOOK_URL to register: this front's ``/telegram``."""
        return f"http://127.0.0.1:{self.port}/telegram"

    async def start(self) -> None:
        app = web.Application()
        app.router.add_post("/telegram", self._forward)
        self._session = aiohttp.ClientSession(
            connector=aiohttp.TCPConnector(limit=0),
            timeout=aiohttp.ClientTimeout(total=30),
        )
        self._runner = web.AppRunner(app, access_log=None, handle_signals=False)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = int(self._runner.addresses[0][1])

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def _forward(self, request: web.Request) -> web.Response:
        assert self._session is not None
        body = await request.read()
        key = update_key(json.loads(body))
        headers = {k: request.headers[k] for k in _PASSED_HEADERS if k in request.headers}
        first = self._next
        self._next = (self._next + 1) % len(self.backends)
        if key is not None:
            self.open[key] += 1
        try:
            for n in range(len(self.backends)):
                backend = self.backends[(first + n) % len(self.backends)]
                if key is not None:
                    self.reached.setdefault(key, set()).add(backend)
                try:
                    async with self._session.post(
                        f"{backend}/telegram", data=body, headers=headers
                    ) as response:
                        await response.read()
                        status = response.status
                except (aiohttp.ClientConnectionError, OSError):
                    continue  # down (or died while handling it): the next one
                self.passed[backend] += 1
                return web.Response(status=status)
            return web.Response(status=502, text="no worker answers\n")
        finally:
            if key is not None:
                self.open[key] -= 1

"""A round-robin load balancer in front of several ``samenspraak serve`` workers.

It stands in for the reverse proxy of a real deployment, in tests and benchmarks. Point
WEBHOOK_URL at :attr:`RoundRobin.url` plus the webhook path; every request is passed on,
path, body and headers unchanged, to the next worker in turn. A worker that refuses the
connection is skipped for :attr:`RoundRobin.pause` seconds and the request goes to the next
one, like a proxy with passive health checks; a worker's own answer (also a 4xx or 5xx)
goes back as it is.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import Sequence

import aiohttp
from aiohttp import web

from sandbox.serving import LocalServer

_PASSED_HEADERS = ("Content-Type", "X-Telegram-Bot-Api-Secret-Token")


class RoundRobin(LocalServer):
    """``async with RoundRobin(["http://127.0.0.1:8081", ...]) as front: front.url``"""

    #: Seconds a worker that refused a connection is left out.
    pause: float = 1.0

    def __init__(self, backends: Sequence[str], *, host: str = "127.0.0.1", port: int = 0):
        if not backends:
            raise ValueError("at least one backend is needed")
        super().__init__(host, port)
        self.backends = [b.rstrip("/") for b in backends]
        #: Requests passed to each backend (by its base URL), and how many were refused.
        self.passed: Counter[str] = Counter()
        self.refused: Counter[str] = Counter()
        self._next = 0
        self._down_until: dict[str, float] = {}

    def application(self) -> web.Application:
        app = web.Application(client_max_size=8 * 1024 * 1024)
        app.router.add_route("*", "/{tail:.*}", self._forward)
        return app

    def client_session(self) -> aiohttp.ClientSession:
        return aiohttp.ClientSession(
            connector=aiohttp.TCPConnector(limit=0),
            timeout=aiohttp.ClientTimeout(total=30),
        )

    def _order(self) -> list[str]:
        """Backends from the next in turn; those left out for now at the end."""
        start = self._next
        self._next = (self._next + 1) % len(self.backends)
        turn = self.backends[start:] + self.backends[:start]
        now = time.monotonic()
        up = [b for b in turn if self._down_until.get(b, 0) <= now]
        return up + [b for b in turn if b not in up]

    async def _forward(self, request: web.Request) -> web.Response:
        body = await request.read()
        headers = {k: request.headers[k] for k in _PASSED_HEADERS if k in request.headers}
        for backend in self._order():
            try:
                async with self.session.request(
                    request.method, backend + request.path_qs, data=body, headers=headers
                ) as response:
                    payload = await response.read()
                    self.passed[backend] += 1
                    return web.Response(
                        status=response.status,
                        body=payload,
                        content_type=response.content_type,
                    )
            except (aiohttp.ClientConnectionError, OSError):
                # Refused, reset or gone mid-request: that worker is down; try the next.
                self.refused[backend] += 1
                self._down_until[backend] = time.monotonic() + self.pause
        return web.Response(status=502, text="no worker answers\n")


async def _serve(backends: Sequence[str], host: str, port: int) -> None:
    import signal

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    async with RoundRobin(backends, host=host, port=port) as front:
        print(f"round-robin on {front.url} to {', '.join(front.backends)}", flush=True)
        await stop.wait()


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m sandbox.balancer --port 8443 http://127.0.0.1:8081 http://127.0.0.1:8082``"""
    import argparse

    parser = argparse.ArgumentParser(prog="python -m sandbox.balancer", description=__doc__)
    parser.add_argument("backends", nargs="+", metavar="URL", help="worker base URLs")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args(argv)
    asyncio.run(_serve(args.backends, args.host, args.port))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Ports on 127.0.0.1 for servers that tests and benchmarks start, without races.

A server that can listen on port 0 and tell which port it got needs nothing from here: the
fake Bot API, ``sandbox.balancer.RoundRobin`` and the fronts of ``tests/e2e/fronts.py`` do
that. The bot cannot (HTTP_PORT is 1-65535), and often a port must be known before its
server starts: a WEBHOOK_URL names it, a front is given its workers' addresses. For those,
:func:`reserve_port`.

Probing for a free port and closing the probe ("bind, close, use it later") races: between
the close and the server's own bind, another pytest-xdist worker (or any program on the
machine) can be given the same port. A reservation instead keeps a socket bound to the port,
not listening, until it is released. Meanwhile, on Linux:

* nobody else gets the port: not from ``bind(0)`` (another reservation, the fake Bot API),
  not as the local end of an outgoing connection, and a plain ``bind`` to it fails;
* a server that binds with SO_REUSEADDR, as asyncio and aiohttp do by default (the bot, the
  balancer), can still bind it and listen, in this process or in a child, and again after
  it stopped (a restart on the same port);
* nothing listens on the reserved socket itself: a connection to the port is refused until
  the server is up.

So hold a reservation for as long as something may (again) listen on the port, and release
it when that is over. A reservation that is dropped without :meth:`~Reservation.release`
is released when it is garbage-collected.
"""

from __future__ import annotations

import socket
import weakref

HOST = "127.0.0.1"


class Reservation:
    """A port on 127.0.0.1 held for a server: ``with reserve_port() as port: ... port.port``"""

    def __init__(self) -> None:
        held = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        held.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        held.bind((HOST, 0))
        self.port: int = held.getsockname()[1]
        self._release = weakref.finalize(self, held.close)

    @property
    def url(self) -> str:
        """``http://127.0.0.1:<port>``"""
        return f"http://{HOST}:{self.port}"

    def release(self) -> None:
        """The port may go to anyone again (idempotent)."""
        self._release()

    def __enter__(self) -> Reservation:
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()

    def __repr__(self) -> str:
        state = "held" if self._release.alive else "released"
        return f"<Reservation {HOST}:{self.port} {state}>"


def reserve_port() -> Reservation:
    """A port on 127.0.0.1 that nothing listens on and nobody else will be given until it
    is released; a server binding with SO_REUSEADDR can listen on it meanwhile."""
    return Reservation()

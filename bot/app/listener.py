"""The web servers' listening sockets and the connections they hold: every connection must
deliver a complete request in time, idle ones are closed, and no more are held than the
process has files for.

aiohttp's server has none of this: it has no deadline for receiving a request (only a
keep-alive timeout, an hour by default), so a connection that sends half its headers stays
open, and it accepts connections until ``accept()`` fails with "too many open files", when
asyncio logs that failure many times a second and ``/healthz`` no longer answers. So the
bot accepts connections itself (:class:`Listener`) and hands each one to aiohttp's
protocol (``AppRunner.server``) inside a thin :class:`_Connection` that keeps the time,
using only public asyncio and aiohttp interfaces:

* **A request in time.** From the moment a connection opens, or the first byte of its next
  request arrives, it has ``request_timeout`` seconds to deliver the request line, the
  headers and the whole body; else it is closed. A request being handled (its body is in)
  has no deadline here: the handler answers within seconds by itself.
* **Idle connections.** A kept-alive connection waiting for its next request is closed
  after ``keepalive_timeout`` seconds.
* **A cap.** At most ``max_connections`` connections are open (by default half the
  open-file limit, so the database and the Bot API keep theirs). When a new connection
  comes and the cap is reached, the connection that has waited longest without a complete
  request is closed to make room: a slow client can hold the cap for no longer than it
  takes others to connect, and Telegram's requests, which arrive complete at once, are
  never the ones waiting. Only when every connection is busy with a request does the
  next one wait (in the kernel's backlog, not accepted) until one ends.
* **Out of files all the same** (the limit was lowered, the database took more): when
  ``accept()`` fails for want of files, the slowest client is closed to free one, and the
  cap is lowered by a quarter for a while, growing back by one connection a second.
* **No log floods.** Time-outs, evictions and accept errors are logged once a minute with
  a count (:class:`bot.app.throttle.Throttled`).

Both web servers listen this way, through :func:`listen`: ``samenspraak serve``'s (the
webhook, :mod:`bot.app.webhook`) and ``samenspraak run``'s (the residents' chat pages and
the results pages, :func:`bot.app.application.serve_web_door`).
"""

from __future__ import annotations

import asyncio
import errno
import logging
import os
import resource
import socket
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from aiohttp import web

from bot.app.throttle import ClientFaults, Throttled
from bot.core.config import Settings

log = logging.getLogger(__name__)

#: Connections held at most by default, however high the open-file limit.
MOST_CONNECTIONS = 1000
#: Open files kept for everything else when HTTP_MAX_CONNECTIONS is set explicitly (the
#: database pools, the Bot API's connections, logs, the questionnaires being read).
OTHER_FILES = 128
#: The kernel's queue of connections not yet accepted.
BACKLOG = 128
#: After ``accept()`` failed for want of resources: seconds before trying again.
ACCEPT_PAUSE = 0.25
#: Seconds for a lowered cap to grow back by one connection.
RECOVERY = 1.0
_OUT_OF_RESOURCES = {errno.EMFILE, errno.ENFILE, errno.ENOBUFS, errno.ENOMEM}

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def open_file_limit() -> int:
    """This process's soft limit on open files (``ulimit -n``)."""
    soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    return MOST_CONNECTIONS * 4 if soft == resource.RLIM_INFINITY else int(soft)


def connection_cap(configured: int | None, files: int | None = None) -> int:
    """How many connections to hold: ``configured`` (HTTP_MAX_CONNECTIONS), but never so
    many that the process runs out of files (``files``: the open-file limit); by default
    half the open-file limit, at most :data:`MOST_CONNECTIONS`."""
    files = open_file_limit() if files is None else files
    safe = max(8, files - OTHER_FILES)
    if configured is None:
        return max(8, min(MOST_CONNECTIONS, files // 2))
    if configured > safe:
        log.warning(
            "HTTP_MAX_CONNECTIONS=%d leaves too few of the %d open files this process may "
            "have (ulimit -n) for the database and Telegram: holding at most %d connections",
            configured,
            files,
            safe,
        )
        return safe
    return configured


@dataclass(frozen=True)
class Limits:
    """How long a connection may take, and how many may be open."""

    request_timeout: float  # seconds to deliver a complete request
    keepalive_timeout: float  # seconds a connection may wait idle for its next request
    max_connections: int

    @classmethod
    def of(cls, settings: Settings) -> Limits:
        """HTTP_REQUEST_TIMEOUT, HTTP_KEEPALIVE_TIMEOUT and HTTP_MAX_CONNECTIONS (never more
        connections than the open files allow: :func:`connection_cap`)."""
        return cls(
            request_timeout=settings.http_request_timeout.total_seconds(),
            keepalive_timeout=settings.http_keepalive_timeout.total_seconds(),
            max_connections=connection_cap(settings.http_max_connections),
        )


class CannotListen(Exception):
    """The web server cannot listen where it should (address in use, not this host's...)."""


#: Seconds that stopping a server waits for the requests in progress to be answered.
SHUTDOWN_TIMEOUT = 10


@dataclass(frozen=True)
class Serving:
    """An aiohttp application being served by :func:`listen`; :meth:`stop` ends it."""

    runner: web.AppRunner
    listener: Listener

    @property
    def limits(self) -> Limits:
        return self.listener.limits

    async def stop(self) -> None:
        """Stop accepting; requests in progress are answered first (at most
        :data:`SHUTDOWN_TIMEOUT` seconds), then every connection still open is closed."""
        await self.listener.close()
        await self.runner.cleanup()  # idle connections closed, busy ones answered
        self.listener.abort()


async def listen(app: web.Application, host: str, port: int, settings: Settings) -> Serving:
    """Serve ``app`` on ``host``:``port`` behind a :class:`Listener` with the limits of
    ``settings`` (:meth:`Limits.of`); :class:`CannotListen` (one line saying why) if that is
    not possible. :func:`track_requests` is added to ``app``'s middlewares if it is not
    there yet, so that a request's deadline ends once it is in.

    No access log (one line per request says nothing an operator needs); no signal handlers
    (the caller's: :mod:`bot.app.run`); aiohttp's own log goes through
    :class:`~bot.app.throttle.ClientFaults`: a malformed request is not worth a traceback.
    """
    if track_requests not in app.middlewares:
        app.middlewares.insert(0, track_requests)
    limits = Limits.of(settings)
    runner = web.AppRunner(
        app,
        access_log=None,
        handle_signals=False,
        shutdown_timeout=SHUTDOWN_TIMEOUT,
        keepalive_timeout=limits.keepalive_timeout,
        logger=server_log(),
    )
    await runner.setup()
    assert runner.server is not None
    listener = Listener(runner.server, limits)
    try:
        await listener.start(host, port)
    except OSError as exc:
        await runner.cleanup()
        reason = exc.strerror if isinstance(exc, socket.gaierror) else None
        reason = reason or (os.strerror(exc.errno).lower() if exc.errno else str(exc))
        raise CannotListen(f"cannot listen on {host}:{port}: {reason}") from None
    return Serving(runner, listener)


def server_log() -> logging.Logger:
    """The logger aiohttp's servers write to, with :class:`ClientFaults` on it (once)."""
    logger = logging.getLogger(f"{__name__}.http")
    if not any(isinstance(f, ClientFaults) for f in logger.filters):
        logger.addFilter(ClientFaults(logger))
    return logger


class Listener:
    """Listens on a host and port, accepts connections up to the cap and hands each one to
    ``protocol`` (aiohttp's ``AppRunner.server``); :meth:`close` stops accepting."""

    def __init__(self, protocol: Callable[[], asyncio.Protocol], limits: Limits) -> None:
        self.protocol = protocol
        self.limits = limits
        # (cap, since when): lowered when the process runs out of files all the same.
        self._lowered: tuple[int, float] | None = None
        self._sockets: list[socket.socket] = []
        self._tasks: list[asyncio.Task[None]] = []
        self._open: set[_Connection] = set()  # not closed, nor being closed
        self._accepting = 0  # accepted sockets not yet handed over
        # Connections without a complete request, the longest waiting first.
        self._waiting: OrderedDict[_Connection, None] = OrderedDict()
        self._room = asyncio.Event()
        self.timed_out = Throttled(
            log, "closed connections that sent no complete request within %g s"
        )
        self.evicted = Throttled(
            log,
            "%d connections open, the most allowed (HTTP_MAX_CONNECTIONS): closed the one "
            "waiting longest without a complete request to make room",
        )
        self.full = Throttled(
            log, "%d connections open, all busy with a request: new ones wait to be accepted"
        )
        self.accept_failed = Throttled(log, "cannot accept a connection: %s")
        self.lowered = Throttled(
            log,
            "out of open files (limit %d) with %d connections open: holding at most %d "
            "for now (one more each second without this)",
        )

    @property
    def cap(self) -> int:
        """Connections held at most now: ``max_connections``, or less for a while after
        the process ran out of files."""
        if self._lowered is None:
            return self.limits.max_connections
        lowered, since = self._lowered
        grown = lowered + int((time.monotonic() - since) / RECOVERY)
        if grown >= self.limits.max_connections:
            self._lowered = None
            return self.limits.max_connections
        return grown

    @property
    def connections(self) -> int:
        """Connections open now."""
        return len(self._open) + self._accepting

    async def start(self, host: str, port: int) -> None:
        """Listen on every address ``host`` has; ``OSError`` if that is not possible."""
        loop = asyncio.get_running_loop()
        found = await loop.getaddrinfo(
            host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
        )
        try:
            for family, *_, address in dict.fromkeys(found):
                listening = socket.create_server(address, family=family, backlog=BACKLOG)
                listening.setblocking(False)
                self._sockets.append(listening)
        except OSError:
            self._close_sockets()
            raise
        self._tasks = [asyncio.create_task(self._accept(s)) for s in self._sockets]

    async def close(self) -> None:
        """Stop accepting; open connections stay (aiohttp ends them: ``AppRunner.cleanup``)."""
        tasks, self._tasks = self._tasks, []
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        self._close_sockets()

    def abort(self) -> None:
        """Close every connection still open, at once."""
        for connection in list(self._open):
            connection.abort()

    def _close_sockets(self) -> None:
        for listening in self._sockets:
            listening.close()
        self._sockets = []

    # --- accepting ---------------------------------------------------------------------------

    async def _accept(self, listening: socket.socket) -> None:
        loop = asyncio.get_running_loop()
        while True:
            try:
                accepted, _ = await loop.sock_accept(listening)
            except (ConnectionAbortedError, InterruptedError):
                continue
            except OSError as exc:
                # After closing a connection its file is free at the loop's next round.
                await asyncio.sleep(0 if self._accept_failed(exc) else ACCEPT_PAUSE)
                continue
            self._accepting += 1
            try:
                await self._make_room()
                await loop.connect_accepted_socket(lambda: _Connection(self), accepted)
            except OSError:  # the client has gone already
                accepted.close()
            except BaseException:  # closing
                accepted.close()
                raise
            finally:
                self._accepting -= 1

    async def _make_room(self) -> None:
        """Below the cap for one more (the one just accepted is counted already)."""
        while self.connections > self.cap:
            if self._evict():
                self.evicted.note(self.cap)
                continue
            self.full.note(self.cap)
            self._room.clear()
            await self._room.wait()

    def _evict(self) -> bool:
        """Close the connection that has waited longest without a complete request."""
        while self._waiting:
            connection, _ = self._waiting.popitem(last=False)
            if connection.closed:
                continue
            if not connection.busy():  # a busy one comes back when its request is answered
                connection.abort()
                return True
        return False

    def _accept_failed(self, exc: OSError) -> bool:
        """Log (once a minute); True when a connection was closed to free a file."""
        self.accept_failed.note(exc.strerror or str(exc))
        if exc.errno not in _OUT_OF_RESOURCES:
            return False
        # The connections leave too few files for the rest of the process (the database,
        # the Bot API): hold a quarter fewer for now (the cap grows back by one a second),
        # and let the slowest client give its file back at once.
        lowered = max(1, min(self.cap, self.connections) * 3 // 4)
        if lowered < self.cap:
            self.lowered.note(open_file_limit(), self.connections, lowered)
            self._lowered = (lowered, time.monotonic())
        return self._evict()

    # --- what connections tell --------------------------------------------------------------

    def _opened(self, connection: _Connection) -> None:
        self._open.add(connection)
        self._waiting[connection] = None

    def _waits(self, connection: _Connection) -> None:
        """``connection`` waits for (the rest of) a request again: the last to be evicted."""
        self._waiting[connection] = None
        self._waiting.move_to_end(connection)

    def _busy(self, connection: _Connection) -> None:
        self._waiting.pop(connection, None)

    def _closing(self, connection: _Connection) -> None:
        self._waiting.pop(connection, None)
        if connection in self._open:
            self._open.discard(connection)
            self._room.set()


class _Connection(asyncio.Protocol):
    """One accepted connection: aiohttp's protocol inside, with a deadline outside."""

    def __init__(self, listener: Listener) -> None:
        self.listener = listener
        self.inner = listener.protocol()
        self.transport: asyncio.Transport | None = None
        self.request: web.BaseRequest | None = None  # being handled
        self.idle = False  # answered, waiting for the next request
        self.more = False  # bytes arrived while a request was being handled
        self.closed = False
        self._deadline: asyncio.TimerHandle | None = None

    # asyncio's side: passed on to aiohttp's protocol

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport
        self.listener._opened(self)
        self._wait(self.listener.limits.request_timeout)
        self.inner.connection_made(transport)

    def data_received(self, data: bytes) -> None:
        if self.idle:  # the next request begins
            self.idle = False
            self._wait(self.listener.limits.request_timeout)
            self.listener._waits(self)
        elif self.request is not None:
            self.more = True
        self.inner.data_received(data)

    def eof_received(self) -> bool | None:
        return self.inner.eof_received()

    def pause_writing(self) -> None:
        self.inner.pause_writing()

    def resume_writing(self) -> None:
        self.inner.resume_writing()

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        self._stop_clock()
        self.listener._closing(self)
        self.inner.connection_lost(exc)

    # aiohttp's side: told by :func:`track_requests`

    def began(self, request: web.BaseRequest) -> None:
        self.request = request
        # (A request sent right behind the previous one finds the connection idle.)
        self.idle = self.more = False
        if self.busy() and not self.closed:
            self._stop_clock()
            self.listener._busy(self)

    def ended(self, request: web.BaseRequest) -> None:
        self.request = None
        if self.closed:  # the client went away meanwhile
            return
        if not request.content.is_eof():  # aiohttp reads the rest: within the same deadline
            if self._deadline is None:
                self._wait(self.listener.limits.request_timeout)
        elif self.more:  # the next request was already coming in
            self._wait(self.listener.limits.request_timeout)
        else:
            self.idle = True
            self._wait(self.listener.limits.keepalive_timeout)
        self.listener._waits(self)

    def busy(self) -> bool:
        """Handling a request whose body is in (such a connection is never evicted)."""
        return self.request is not None and self.request.content.is_eof()

    def abort(self) -> None:
        """Close at once, without waiting for anything to be sent."""
        if self.closed:
            return
        self.closed = True
        self._stop_clock()
        self.listener._closing(self)
        if self.transport is not None:
            self.transport.abort()

    # the clock

    def _wait(self, seconds: float) -> None:
        self._stop_clock()
        loop = asyncio.get_running_loop()
        self._deadline = loop.call_later(seconds, self._expired)

    def _stop_clock(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None

    def _expired(self) -> None:
        self._deadline = None
        if self.busy():  # the body came in just now
            self.listener._busy(self)
            return
        if not self.idle:
            self.listener.timed_out.note(self.listener.limits.request_timeout)
        self.abort()


@web.middleware
async def track_requests(request: web.Request, handler: Handler) -> web.StreamResponse:
    """aiohttp middleware: tells a connection of a :class:`Listener` which request it is
    handling, so that its deadline ends once the whole request is in."""
    transport = request.transport
    connection = transport.get_protocol() if transport is not None else None
    if not isinstance(connection, _Connection):
        return await handler(request)
    connection.began(request)
    try:
        return await handler(request)
    finally:
        connection.ended(request)

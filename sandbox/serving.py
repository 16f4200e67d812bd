"""Serving an aiohttp application on a local port: the fake Bot API, the balancer, test fronts.

Give it the application, or subclass it and build one in :meth:`LocalServer.application`; a
server that passes requests on (a proxy) opens its client session in
:meth:`LocalServer.client_session` and uses it as :attr:`LocalServer.session`::

    async with LocalServer(app) as server:      # port 0: a free port
        ... server.url ...                      # http://127.0.0.1:41234
"""

from __future__ import annotations

from typing import Self

import aiohttp
from aiohttp import web

__all__ = ["LocalServer"]


class LocalServer:
    """An application served on ``host``:``port`` (0: a free port) from :meth:`start` to
    :meth:`stop`."""

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        app: web.Application | None = None,
        shutdown_timeout: float = 60.0,
    ) -> None:
        self.host = host
        #: The port asked for; once started, the port it listens on.
        self.port = port
        self._app = app
        #: Seconds that requests still open get to finish when the server stops.
        self.shutdown_timeout = shutdown_timeout
        self._runner: web.AppRunner | None = None
        self._session: aiohttp.ClientSession | None = None

    def application(self) -> web.Application:
        """What to serve: the ``app`` given, or (in a subclass) a new one at each start."""
        if self._app is None:
            raise NotImplementedError("give an app, or build one in application()")
        return self._app

    def client_session(self) -> aiohttp.ClientSession | None:
        """The session to pass requests on with (:attr:`session`); none unless overridden."""
        return None

    @property
    def session(self) -> aiohttp.ClientSession:
        """The session of :meth:`client_session`, while running."""
        if self._session is None:
            raise RuntimeError("the server is not running, or passes nothing on")
        return self._session

    @property
    def running(self) -> bool:
        """Whether it is serving (started and not yet stopped)."""
        return self._runner is not None

    @property
    def url(self) -> str:
        """The root of the server, e.g. ``http://127.0.0.1:41234``."""
        return f"http://{self.host}:{self.port}"

    async def start(self) -> None:
        """Listen; raises :class:`OSError` when the port is taken."""
        if self._runner is not None:
            raise RuntimeError("the server is already running")
        runner = web.AppRunner(
            self.application(),
            access_log=None,
            handle_signals=False,
            shutdown_timeout=self.shutdown_timeout,
        )
        await runner.setup()
        session = self.client_session()
        try:
            await web.TCPSite(runner, self.host, self.port).start()
        except BaseException:
            await runner.cleanup()
            if session is not None:
                await session.close()
            raise
        self._runner, self._session = runner, session
        self.port = int(runner.addresses[0][1])

    async def stop(self) -> None:
        """Stop listening, end open requests, close the session (when running)."""
        runner, self._runner = self._runner, None
        session, self._session = self._session, None
        if runner is not None:
            await runner.cleanup()
        if session is not None:
            await session.close()

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

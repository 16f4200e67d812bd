"""The small pieces the sandbox builds on: serving on a local port, waiting on a signal."""

from __future__ import annotations

import asyncio
import time

import aiohttp
import pytest
from aiohttp import web

from sandbox.models import Signal
from sandbox.serving import LocalServer


async def hello(request: web.Request) -> web.Response:
    return web.Response(text="hallo")


def application() -> web.Application:
    app = web.Application()
    app.router.add_get("/", hello)
    return app


async def test_a_local_server_takes_a_free_port_and_stops_once() -> None:
    server = LocalServer(app=application())
    assert not server.running
    async with server:
        assert server.running and server.port != 0
        async with aiohttp.ClientSession() as session, session.get(server.url) as response:
            assert await response.text() == "hallo"
        with pytest.raises(RuntimeError):
            await server.start()
    assert not server.running
    await server.stop()  # stopping again does nothing


async def test_a_taken_port_raises_and_leaves_nothing_running() -> None:
    async with LocalServer(app=application()) as first:
        second = LocalServer(port=first.port, app=application())
        with pytest.raises(OSError):
            await second.start()
        assert not second.running


async def test_a_subclass_builds_its_application_and_session() -> None:
    class Proxy(LocalServer):
        def application(self) -> web.Application:
            return application()

        def client_session(self) -> aiohttp.ClientSession:
            return aiohttp.ClientSession()

    async with Proxy() as proxy, proxy.session.get(proxy.url) as response:
        assert response.status == 200
    with pytest.raises(RuntimeError):
        proxy.session  # noqa: B018 - closed with the server


async def test_wait_until_checks_again_on_every_fire_and_every_recheck() -> None:
    signal = Signal()
    state = {"ready": False}

    async def later() -> None:
        await asyncio.sleep(0.05)
        state["ready"] = True
        signal.fire()

    task = asyncio.create_task(later())
    assert await signal.wait_until(lambda: state["ready"], 5)
    await task
    assert not await signal.wait_until(lambda: False, 0.05)
    started = time.monotonic()
    deadline = started + 0.1
    # Nobody fires: only the recheck notices that the time has come.
    assert await signal.wait_until(lambda: time.monotonic() >= deadline, 5, recheck=0.02)
    assert time.monotonic() - started < 1

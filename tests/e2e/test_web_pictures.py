"""The web door's pictures (``/praat/<id>/beeld/<key>``) as anyone can ask for them: a
picture the server has to fetch costs one fetch however many ask at once, and one that
cannot be had is not fetched again at every request (``bot/app/webdoor_images.py``)."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import cast

import aiohttp
import pytest
from aiohttp import web

from bot.app.webdoor_images import FAILED_SECONDS, WebPictures
from bot.app.webdoor_page import picture_key
from bot.core.services import Services
from sandbox.fakeapi import FakeBotApi
from tests.e2e.conftest import WebhookRunner, running_bot
from tests.e2e.test_images import PLAN, folder, plan_yaml, serving_https

__all__ = ["folder"]  # a fixture


@dataclass
class ImageServer:
    """A local https server with one picture, ``/plan.png``, that counts how often it was
    asked for; it can hold its answers back (``gate``) or answer 404 (``broken``)."""

    url: str = ""
    asked: Counter[str] = field(default_factory=Counter)
    gate: asyncio.Event = field(default_factory=asyncio.Event)
    arrived: asyncio.Event = field(default_factory=asyncio.Event)  # asked at least once
    broken: bool = False


@pytest.fixture
async def image_server() -> AsyncIterator[ImageServer]:
    server = ImageServer()
    server.gate.set()

    async def plan(request: web.Request) -> web.Response:
        server.asked[request.path] += 1
        server.arrived.set()
        await server.gate.wait()
        if server.broken:
            raise web.HTTPNotFound
        return web.Response(body=PLAN.read_bytes(), content_type="image/png")

    app = web.Application()
    app.router.add_get("/plan.png", plan)
    async with serving_https(app) as server.url:
        yield server


async def test_a_picture_that_cannot_be_had_is_asked_for_once(
    fake: FakeBotApi, sqlite_url: str, folder: Path, image_server: ImageServer
) -> None:
    """The other server answers 404 now: however often the page's picture is asked for,
    this server asks once (and the question shows without it)."""
    source = f"{image_server.url}/plan.png"
    (folder / "verre.yaml").write_text(plan_yaml(source, "verre"), encoding="utf-8")
    async with running_bot(fake, sqlite_url, webhook=True, questionnaires_dir=folder) as bot:
        assert isinstance(bot, WebhookRunner)
        image_server.asked.clear()  # (checked once when the questionnaire was loaded)
        image_server.broken = True
        address = f"{bot.base_url}/praat/verre/beeld/{picture_key(source)}"
        async with aiohttp.ClientSession() as http:
            for _ in range(5):
                async with http.get(address) as response:
                    assert response.status == 404
    assert image_server.asked == {"/plan.png": 1}


def stub_pictures(source: str, now: list[float]) -> WebPictures:
    """The door's pictures for one questionnaire, ``verre``, whose one question shows
    ``source``; ``now`` is the clock."""
    questionnaire = SimpleNamespace(id="verre", questions=[SimpleNamespace(image=source)])
    services = SimpleNamespace(
        catalog=SimpleNamespace(parsed=lambda: {"verre": questionnaire}),
        settings=SimpleNamespace(questionnaires_dir=Path(".")),
    )
    return WebPictures(cast(Services, services), clock=lambda: now[0])


async def test_a_picture_asked_for_at_once_is_fetched_once(image_server: ImageServer) -> None:
    """Ten requests while the other server is slow: all wait for the one fetch."""
    source = f"{image_server.url}/plan.png"
    pictures = stub_pictures(source, [1000.0])
    image_server.gate.clear()
    waiting = [
        asyncio.create_task(pictures.picture("verre", picture_key(source))) for _ in range(10)
    ]
    await asyncio.sleep(0)  # every request has started (and is waiting)
    await image_server.arrived.wait()
    image_server.gate.set()
    found = await asyncio.gather(*waiting)
    assert found == [(PLAN.read_bytes(), "image/png")] * 10
    assert image_server.asked == {"/plan.png": 1}
    assert await pictures.picture("verre", picture_key(source)) == found[0]  # kept
    assert image_server.asked == {"/plan.png": 1}


async def test_a_picture_that_cannot_be_had_rests_for_a_while(
    image_server: ImageServer,
) -> None:
    source = f"{image_server.url}/plan.png"
    now = [1000.0]
    pictures = stub_pictures(source, now)
    key = picture_key(source)
    image_server.broken = True
    for _ in range(5):
        assert await pictures.picture("verre", key) is None
    assert image_server.asked == {"/plan.png": 1}
    now[0] += FAILED_SECONDS - 1
    assert await pictures.picture("verre", key) is None
    assert image_server.asked == {"/plan.png": 1}
    image_server.broken = False  # back, and the rest is over: fetched again, then kept
    now[0] += 1
    found = await pictures.picture("verre", key)
    assert found is not None and found[0] == PLAN.read_bytes()
    assert await pictures.picture("verre", key) == found
    assert image_server.asked == {"/plan.png": 2}

"""Slow and idle connections to ``samenspraak serve`` (and to ``samenspraak run``'s chat
pages, which listen the same way), as an attacker holds them open.

A connection must deliver its whole request (headers and body) within HTTP_REQUEST_TIMEOUT,
an idle kept-alive one is closed after HTTP_KEEPALIVE_TIMEOUT, and at most
HTTP_MAX_CONNECTIONS are held (by default half the open-file limit): over the cap the one
waiting longest without a complete request makes room. The last test is the attack itself:
a thousand half-open connections against a real ``serve`` process allowed 256 open files.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import resource
import sys
import time
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import psutil
import pytest

from bot.app.webhook import SECRET_HEADER
from sandbox.fakeapi import FakeBotApi
from tests.e2e.conftest import TOKEN, WEBHOOK_SECRET, WebhookRunner, running_bot
from tests.e2e.test_web_door import PollingWithPages
from tests.e2e.test_webhook import WELCOME, start_update
from tests.support.bots import bot_environment
from tests.support.ports import Reservation, reserve_port
from tests.support.processes import ServeWorker, environment, healthy, registered

#: Request and keep-alive timeouts of these tests, in seconds.
TIMEOUT = 1.0
#: How much later than its timeout a connection may be closed (a busy machine).
SLACK = 3.0
#: The start of a request, without the end of its headers.
HALF = b"POST /telegram HTTP/1.1\r\nHost: bot.gemeente.example\r\nContent-Ty"

Connection = tuple[asyncio.StreamReader, asyncio.StreamWriter]


async def connect(port: int, first: bytes = b"") -> Connection:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    if first:
        writer.write(first)
        await writer.drain()
    return reader, writer


async def closed_after(connection: Connection, since: float, within: float) -> float:
    """Seconds from ``since`` until the server closes ``connection`` (read to the end);
    fails if it is still open ``within`` seconds after ``since``."""
    reader, writer = connection
    try:
        left = since + within - time.monotonic()
        async with asyncio.timeout(max(left, 0.01)):
            while await reader.read(65536):
                pass
    except ConnectionError:
        pass  # reset: closed as well
    except TimeoutError:
        raise AssertionError(f"still open after {within:g} s") from None
    finally:
        writer.close()
    return time.monotonic() - since


async def healthz(port: int) -> bytes:
    """The answer to ``GET /healthz`` on a connection of its own."""
    reader, writer = await connect(port, b"GET /healthz HTTP/1.1\r\nHost: bot\r\n\r\n")
    try:
        return await asyncio.wait_for(reader.readuntil(b"ok\n"), 30)  # generous: a busy machine
    finally:
        writer.close()


async def healthy_again(port: int, within: float = 30) -> None:
    """``/healthz`` answers 200 within ``within`` seconds. While the open files run out, a
    check may find none left for the database (503) until the cap has come down and the
    slowest client has given its file back: asked again every half second meanwhile."""
    deadline = time.monotonic() + within
    while True:
        try:
            reader, writer = await connect(port, b"GET /healthz HTTP/1.1\r\nHost: bot\r\n\r\n")
            try:
                head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 10)
            finally:
                writer.close()
            if head.startswith(b"HTTP/1.1 200"):
                return
            last = head.split(b"\r\n", 1)[0].decode()
        except (OSError, asyncio.IncompleteReadError, TimeoutError) as exc:
            last = repr(exc)
        if time.monotonic() > deadline:
            raise AssertionError(f"/healthz was not healthy within {within:g} s: {last}")
        await asyncio.sleep(0.5)


def no_errors(caplog: pytest.LogCaptureFixture) -> None:
    errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert errors == []


@contextlib.asynccontextmanager
async def webhook_bot(
    fake: FakeBotApi, database_url: str, keepalive: float = TIMEOUT
) -> AsyncIterator[WebhookRunner]:
    """The bot in webhook mode with a one-second request timeout and ``keepalive``."""
    async with running_bot(
        fake,
        database_url,
        webhook=True,
        http_request_timeout=timedelta(seconds=TIMEOUT),
        http_keepalive_timeout=timedelta(seconds=keepalive),
    ) as runner:
        assert isinstance(runner, WebhookRunner)
        yield runner


@pytest.fixture
async def webhook(fake: FakeBotApi, database_url: str) -> AsyncIterator[WebhookRunner]:
    """The bot in webhook mode with one-second timeouts."""
    async with webhook_bot(fake, database_url) as runner:
        yield runner


# --- one slow client --------------------------------------------------------------------------


SLOW_STARTS = {
    "nothing at all": b"",
    "half the headers": HALF,
    "the headers without their end": HALF + b"pe: application/json\r\n",
}


@pytest.mark.parametrize("first", list(SLOW_STARTS.values()), ids=list(SLOW_STARTS))
async def test_a_connection_without_a_complete_request_is_closed_in_time(
    fake: FakeBotApi, webhook: WebhookRunner, caplog: pytest.LogCaptureFixture, first: bytes
) -> None:
    since = time.monotonic()
    connection = await connect(webhook.port, first)
    await closed_after(connection, since, TIMEOUT + SLACK)
    assert WELCOME in (await fake.user().ask("/start")).text
    no_errors(caplog)


async def test_a_trickle_of_header_bytes_does_not_keep_a_connection_open(
    webhook: WebhookRunner,
) -> None:
    """One byte every 0.2 s: every byte is news, but the request is never complete."""
    since = time.monotonic()
    reader, writer = await connect(webhook.port)

    async def trickle() -> None:
        for byte in HALF:
            writer.write(bytes([byte]))
            await asyncio.sleep(0.2)

    sending = asyncio.create_task(trickle())
    try:
        await closed_after((reader, writer), since, TIMEOUT + SLACK)
    finally:
        sending.cancel()


async def test_a_body_that_never_ends_is_closed_in_time_and_not_handled(
    fake: FakeBotApi, webhook: WebhookRunner, caplog: pytest.LogCaptureFixture
) -> None:
    """The right secret and whole headers, but only half the body."""
    resident = fake.user(first_name="Eva")
    body = start_update(resident, 992_001)
    head = (
        f"POST /telegram HTTP/1.1\r\nHost: bot\r\n{SECRET_HEADER}: {WEBHOOK_SECRET}\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
    ).encode()
    since = time.monotonic()
    connection = await connect(webhook.port, head + body[: len(body) // 2])
    await closed_after(connection, since, TIMEOUT + SLACK)
    await fake.settle()
    assert resident.messages == []  # never handled
    no_errors(caplog)


async def test_an_idle_connection_is_closed_and_a_busy_one_serves_request_after_request(
    fake: FakeBotApi, database_url: str
) -> None:
    """Each request has its own deadline: five requests on one connection, half the request
    timeout apart, so that they span twice that timeout, are all answered; then the
    connection, idle, is closed after the keep-alive timeout. (That is three times the
    request timeout here: the test and the server share an event loop, and a pause of the
    loop on a busy machine must not let the server's idle timer overtake the next request.)
    """
    keepalive = 3 * TIMEOUT
    async with webhook_bot(fake, database_url, keepalive) as webhook:
        reader, writer = await connect(webhook.port)
        started = time.monotonic()
        for request in range(5):
            if request:
                await asyncio.sleep(0.5 * TIMEOUT)
            writer.write(b"GET /healthz HTTP/1.1\r\nHost: bot\r\n\r\n")
            answer = await asyncio.wait_for(reader.readuntil(b"ok\n"), 10)
            assert answer.startswith(b"HTTP/1.1 200")
        assert time.monotonic() - started >= 2 * TIMEOUT
        await closed_after((reader, writer), time.monotonic(), keepalive + SLACK)


# --- many slow clients ------------------------------------------------------------------------


async def test_over_the_cap_the_connection_waiting_longest_makes_room(
    fake: FakeBotApi, database_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    """Four connections at most, all taken by slow clients (with long timeouts): Telegram's
    updates and ``/healthz`` still get in, each closing the oldest slow connection."""
    async with running_bot(fake, database_url, webhook=True, http_max_connections=4) as runner:
        assert isinstance(runner, WebhookRunner)
        slow = [await connect(runner.port, HALF) for _ in range(4)]
        await asyncio.sleep(0.2)  # all four accepted
        assert (await healthz(runner.port)).startswith(b"HTTP/1.1 200")
        residents = [fake.user(first_name=f"Inwoner{i}") for i in range(3)]
        for resident in residents:
            assert WELCOME in (await resident.ask("/start")).text
        # The oldest slow connection was closed to make room: long before its timeout (10 s).
        await closed_after(slow[0], time.monotonic(), SLACK)
        for _, writer in slow:
            writer.close()
    evicted = [r for r in caplog.records if "closed the one waiting longest" in r.getMessage()]
    assert len(evicted) == 1  # one line, however many


# --- samenspraak run's chat pages ---------------------------------------------------------------

#: Half a request for a chat page.
HALF_PAGE = b"GET /praat/afvalinzameling HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept-Lang"


@contextlib.asynccontextmanager
async def polling_with_pages(
    fake: FakeBotApi, database_url: str, **settings: object
) -> AsyncIterator[PollingWithPages]:
    """The bot as ``samenspraak run`` runs it, its chat pages on a port of their own."""
    with reserve_port() as reserved:
        runner = PollingWithPages(fake, database_url, reserved.port, **settings)
        await runner.start()
        try:
            yield runner
        finally:
            await runner.stop()


async def page_answers(port: int) -> bytes:
    """The status line of ``GET /praat/afvalinzameling`` on a connection of its own."""
    reader, writer = await connect(port, HALF_PAGE + b"uage: nl\r\n\r\n")
    try:
        return await asyncio.wait_for(reader.readuntil(b"\r\n"), 30)
    finally:
        writer.close()


async def test_samenspraak_run_closes_a_half_request_for_a_chat_page_in_time(
    fake: FakeBotApi, sqlite_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    """``run`` has no webhook, but its chat pages are as open to a slow client as ``serve``
    is: HTTP_REQUEST_TIMEOUT holds there too."""
    async with polling_with_pages(
        fake, sqlite_url, http_request_timeout=timedelta(seconds=TIMEOUT)
    ) as runner:
        since = time.monotonic()
        connection = await connect(runner.port, HALF_PAGE)
        await closed_after(connection, since, TIMEOUT + SLACK)
        assert (await page_answers(runner.port)).startswith(b"HTTP/1.1 200")
        assert WELCOME in (await fake.user().ask("/start")).text
    no_errors(caplog)


async def test_samenspraak_run_holds_no_more_connections_than_the_cap(
    fake: FakeBotApi, sqlite_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    """HTTP_MAX_CONNECTIONS=4, all four taken by slow clients: a resident's page still
    opens, and the oldest slow connection is closed to make room."""
    async with polling_with_pages(fake, sqlite_url, http_max_connections=4) as runner:
        slow = [await connect(runner.port, HALF_PAGE) for _ in range(4)]
        await asyncio.sleep(0.2)  # all four accepted
        assert (await page_answers(runner.port)).startswith(b"HTTP/1.1 200")
        # Closed to make room: long before its timeout (10 s).
        await closed_after(slow[0], time.monotonic(), SLACK)
        for _, writer in slow:
            writer.close()
    evicted = [r for r in caplog.records if "closed the one waiting longest" in r.getMessage()]
    assert len(evicted) == 1
    no_errors(caplog)


def with_open_files(argv: list[str], limit: int) -> list[str]:
    """``argv``, run with at most ``limit`` open files (soft and hard)."""
    code = (
        "import os, resource, sys; "
        f"resource.setrlimit(resource.RLIMIT_NOFILE, ({limit}, {limit})); "
        "os.execv(sys.argv[1], sys.argv[1:])"
    )
    return [sys.executable, "-c", code, *argv]


@contextlib.asynccontextmanager
async def serving(
    folder: Path, fake: FakeBotApi, port: Reservation, files: int
) -> AsyncIterator[ServeWorker]:
    """``samenspraak serve`` on SQLite, allowed ``files`` open files, ready; stopped (with
    exit status 0) afterwards."""
    database = f"sqlite+aiosqlite:///{folder / 'samenspraak.db'}"
    variables = bot_environment(
        database,
        fake.url,
        webhook_url=f"{port.url}/telegram",
        webhook_secret=WEBHOOK_SECRET,
        http_request_timeout=TIMEOUT,
    )
    serve = ServeWorker("serve", port.port, environment(home=folder, **variables), folder)
    serve.argv = with_open_files(serve.argv, files)
    serve.launch()
    try:
        await serve.wait_until(registered(fake), healthy(serve.url), within=60)
        yield serve
        assert await serve.terminate() == 0
    finally:
        await serve.stop()


async def attack(serve: ServeWorker, fake: FakeBotApi, attackers: int) -> list[str]:
    """``attackers`` half-open connections (part of the headers, no secret) at once; meanwhile
    residents are answered and ``/healthz`` answers, and every connection is closed within
    the timeout. Returns what ``serve`` logged meanwhile, but for the scheduler's lines."""
    logged = len(serve.log_lines())

    async def attacker() -> float:
        since = time.monotonic()
        connection = await connect(serve.port, HALF)
        return await closed_after(connection, since, TIMEOUT + SLACK)

    attacking = asyncio.gather(*(attacker() for _ in range(attackers)))
    await asyncio.sleep(0.3)  # well under way
    residents = [fake.user(first_name=f"Inwoner{i}") for i in range(5)]
    welcomes = await asyncio.gather(*(r.ask("/start") for r in residents))
    assert all(WELCOME in welcome.text for welcome in welcomes)
    await healthy_again(serve.port)

    durations = await attacking  # each one closed in time, or it fails
    assert len(durations) == attackers
    await healthy_again(serve.port)
    assert WELCOME in (await fake.user(first_name="Later").ask("/start")).text

    # The scheduler's jobs log each run (INFO): those lines are not the attack's.
    lines = serve.log_lines()[logged:]
    assert len(lines) < 50, "\n".join(lines[:50])
    about = [line for line in lines if "apscheduler" not in line]
    assert not [line for line in about if " ERROR " in line or "Traceback" in line], about
    return about


async def test_a_thousand_half_open_connections_against_serve_with_256_files(
    tmp_path: Path,
) -> None:
    """The attack as it was made: 1,000 connections that send part of their headers and
    no secret, against ``samenspraak serve`` allowed 256 open files. Residents keep being
    answered, ``/healthz`` answers, every half-open connection is closed within the
    timeout, and the log stays a few lines long."""
    with reserve_port() as port:
        async with FakeBotApi(TOKEN) as fake, serving(tmp_path, fake, port, 256) as serve:
            assert any("at most 128 connections" in line for line in serve.log_lines())
            logged = await attack(serve, fake, 1000)
            assert len(logged) <= 5, "\n".join(logged)
        fake.assert_clean()


async def test_when_files_run_out_all_the_same_the_cap_comes_down(tmp_path: Path) -> None:
    """The open-file limit drops under a running ``serve`` to a dozen files more than it
    holds: ``accept()`` runs out of files long before the cap of 128. The cap comes down
    (one line says so), the slowest client gives its file back, and residents and
    ``/healthz`` are still answered, without a line per failed ``accept()``."""
    with reserve_port() as port:
        async with FakeBotApi(TOKEN) as fake, serving(tmp_path, fake, port, 256) as serve:
            assert serve.popen is not None
            pid = serve.popen.pid
            left = psutil.Process(pid).num_fds() + 12
            resource.prlimit(pid, resource.RLIMIT_NOFILE, (left, left))
            logged = await attack(serve, fake, 300)
            assert len(logged) <= 8, "\n".join(logged)
            assert any("out of open files" in line for line in logged), logged
        fake.assert_clean()

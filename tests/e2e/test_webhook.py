"""Webhook mode (``samenspraak serve``) end to end: the fake Bot API posts updates to the
bot's own web server, with the secret token, and the bot answers through the Bot API.

Also what Telegram never sends but the internet does: requests without the secret, broken
bodies, huge bodies; and the two endpoints for operators, ``/healthz`` and ``/metrics``.
"""

from __future__ import annotations

import asyncio
import io
import json
import logging
import os
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from bot.app.application import ALLOWED_UPDATES, DEFAULT_MAX_CONNECTIONS
from bot.app.webhook import MAX_BODY, SECRET_HEADER
from sandbox.balancer import RoundRobin
from sandbox.clients import FakeUser
from sandbox.fakeapi import FakeBotApi
from storage.db import is_sqlite
from tests.conftest import PG_ENV
from tests.e2e.conftest import WEBHOOK_SECRET, WebhookRunner, behind_a_front, join, running_bot
from tests.e2e.test_transcripts import HERE, parse, play

WELCOME = "Doe je mee?"
METRICS = [
    "samenspraak_updates_total",
    "samenspraak_update_processing_seconds",
    "samenspraak_answers_stored_total",
    "samenspraak_sessions_active",
    "samenspraak_digests_sent_total",
    "samenspraak_broadcast_queue_length",
    "samenspraak_broadcast_messages_total",
    "samenspraak_telegram_api_errors_total",
]


# --- helpers ----------------------------------------------------------------------------------


async def request(
    method: str,
    url: str,
    *,
    body: Any = b"",
    secret: str | None = WEBHOOK_SECRET,
    content_type: str | None = "application/json",
) -> tuple[int, str, str]:
    """(status, body, content type) of one plain HTTP request."""
    headers: dict[str, str] = {}
    if secret is not None:
        headers[SECRET_HEADER] = secret
    if content_type is not None:
        headers["Content-Type"] = content_type
    if isinstance(body, bytes):
        body = io.BytesIO(body)  # sent with its length, without blocking the event loop
    async with (
        aiohttp.ClientSession() as session,
        session.request(method, url, data=body, headers=headers) as response,
    ):
        return response.status, await response.text(), response.headers.get("Content-Type", "")


def start_update(user: FakeUser, update_id: int) -> bytes:
    """What Telegram posts when ``user`` sends /start."""
    sender = {"id": user.id, "is_bot": False, "first_name": user.first_name}
    message = {
        "message_id": 1,
        "date": int(time.time()),
        "chat": {"id": user.id, "type": "private", "first_name": user.first_name},
        "from": sender,
        "text": "/start",
        "entities": [{"type": "bot_command", "offset": 0, "length": 6}],
    }
    return json.dumps({"update_id": update_id, "message": message}).encode()


async def metrics(webhook: WebhookRunner) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Every sample of ``/metrics``: (name, labels) -> value."""
    status, body, content_type = await request("GET", f"{webhook.base_url}/metrics")
    assert status == 200
    assert content_type.startswith("text/plain")
    samples = {}
    for family in text_string_to_metric_families(body):
        for sample in family.samples:
            samples[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return samples


async def health(webhook: WebhookRunner) -> tuple[int, str]:
    status, body, _ = await request("GET", f"{webhook.base_url}/healthz")
    return status, body.strip()


# --- conversations ----------------------------------------------------------------------------


async def test_serve_registers_its_webhook_and_never_polls(
    fake: FakeBotApi, webhook: WebhookRunner
) -> None:
    registrations = [c for c in fake.calls if c.method == "setWebhook"]
    assert len(registrations) == 1
    params = registrations[0].params
    assert params["url"] == webhook.webhook_url
    assert params["secret_token"] == WEBHOOK_SECRET
    allowed = params["allowed_updates"]
    assert (json.loads(allowed) if isinstance(allowed, str) else allowed) == ALLOWED_UPDATES
    assert int(params["max_connections"]) == DEFAULT_MAX_CONNECTIONS
    assert not any(c.method in ("getUpdates", "deleteWebhook") for c in fake.calls)
    # the command menu, as in polling
    assert fake.commands({"type": "all_private_chats"}) is not None


TRANSCRIPTS = ["afvalinzameling.ondergronds.txt", "schoolroutes.geen-kinderen.en.txt"]


@pytest.mark.parametrize("name", TRANSCRIPTS)
async def test_a_resident_completes_a_questionnaire_over_the_webhook(
    fake: FakeBotApi, webhook: WebhookRunner, name: str
) -> None:
    """The golden transcripts, word for word, with updates posted to the webhook."""
    path = HERE / name
    expected = path.read_text(encoding="utf-8")
    language = "en" if name.endswith(".en.txt") else "nl"
    resident = fake.user(first_name="Sanne", language_code=language)
    actual = await play(fake, {"": resident}, parse(expected))
    assert actual == expected
    assert not fake.webhook_failures
    assert not any(c.method == "getUpdates" for c in fake.calls)


# Workers in one process cannot share SQLite (each holds the event loop while it waits for
# the other's write lock); separate processes can, but several workers are for PostgreSQL.
@pytest.mark.parametrize(
    "database_url", [pytest.param("postgresql", marks=pytest.mark.postgres)], indirect=True
)
async def test_several_workers_behind_a_load_balancer(fake: FakeBotApi, database_url: str) -> None:
    """Two workers on one database, updates spread round-robin: both take part."""
    async with behind_a_front(RoundRobin, fake, database_url) as (front, workers):
        residents = [fake.user(first_name=f"Inwoner{i}") for i in range(4)]
        await asyncio.gather(*(join(resident) for resident in residents))
        for resident in residents:
            pick = await resident.next_message()
            assert "Kies een vragenlijst" in pick.text
    # Four residents, two updates each (/start and the consent button), taken in turns.
    assert [front.passed[worker.base_url] for worker in workers] == [4, 4]
    await fake.settle()
    fake.assert_clean()


# --- what Telegram never sends ----------------------------------------------------------------


@pytest.mark.parametrize("secret", [None, "", "wrong-secret", WEBHOOK_SECRET + "x"])
async def test_a_request_without_the_right_secret_is_refused(
    fake: FakeBotApi, webhook: WebhookRunner, caplog: pytest.LogCaptureFixture, secret: str | None
) -> None:
    resident = fake.user(first_name="Eva")
    with caplog.at_level(logging.WARNING, logger="bot.app.webhook"):
        status, _, _ = await request(
            "POST", webhook.webhook_url, body=start_update(resident, 990_001), secret=secret
        )
    assert status == 403
    refused = [r.getMessage() for r in caplog.records if "refused" in r.getMessage()]
    assert len(refused) == 1
    assert "/start" not in refused[0] and str(resident.id) not in refused[0]
    await fake.settle()
    assert resident.messages == []  # nothing was handled

    # The real Telegram (the fake, with the secret) still gets through.
    welcome = await resident.ask("/start")
    assert WELCOME in welcome.text


def _chunks(size: int) -> AsyncIterator[bytes]:
    async def body() -> AsyncIterator[bytes]:
        sent = 0
        while sent < size:
            yield b" " * 65536
            sent += 65536

    return body()


BAD_REQUESTS: list[tuple[str, Any, str | None, int]] = [
    ("malformed JSON", b'{"update_id": 5, "message": ', "application/json", 400),
    ("not UTF-8", b"\xff\xfe\x00", "application/json", 400),
    ("a list", b"[1, 2, 3]", "application/json", 400),
    ("no update_id", b'{"message": {"text": "hallo"}}', "application/json", 400),
    ("update_id a string", b'{"update_id": "5"}', "application/json", 400),
    ("update_id true", b'{"update_id": true}', "application/json", 400),
    ("a broken message", b'{"update_id": 6, "message": {"text": "hallo"}}', None, 400),
    ("text/plain", b'{"update_id": 7}', "text/plain", 400),
    ("form data", b"update_id=8", "application/x-www-form-urlencoded", 400),
    ("no content type", b'{"update_id": 9}', "", 400),
    ("too large", b'{"update_id": 10, "x": "' + b"x" * MAX_BODY + b'"}', None, 413),
]


@pytest.mark.parametrize(
    ("body", "content_type", "status"),
    [case[1:] for case in BAD_REQUESTS],
    ids=[case[0] for case in BAD_REQUESTS],
)
async def test_a_bad_request_gets_a_4xx_and_the_bot_goes_on(
    fake: FakeBotApi,
    webhook: WebhookRunner,
    caplog: pytest.LogCaptureFixture,
    body: bytes,
    content_type: str | None,
    status: int,
) -> None:
    if content_type is None:
        content_type = "application/json"
    got, _, _ = await request(
        "POST", webhook.webhook_url, body=body, content_type=content_type or None
    )
    assert got == status
    resident = fake.user(first_name="Daan")
    welcome = await resident.ask("/start")
    assert WELCOME in welcome.text
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


async def test_a_huge_body_without_a_length_gets_413(
    fake: FakeBotApi, webhook: WebhookRunner
) -> None:
    """Sent in chunks, so the server learns the size only while reading."""
    status, _, _ = await request("POST", webhook.webhook_url, body=_chunks(2 * MAX_BODY))
    assert status == 413
    status, _, _ = await request("GET", webhook.webhook_url)
    assert status == 405
    resident = fake.user(first_name="Daan")
    assert WELCOME in (await resident.ask("/start")).text


async def test_an_update_the_bot_does_not_know_is_accepted_and_ignored(
    fake: FakeBotApi, webhook: WebhookRunner
) -> None:
    """Telegram adds update types over time: a 200, so Telegram does not send it again."""
    status, _, _ = await request(
        "POST", webhook.webhook_url, body=b'{"update_id": 11, "some_future_update": {"id": "1"}}'
    )
    assert status == 200
    await fake.settle()
    assert not [c for c in fake.calls if c.method.startswith("send")]


async def test_when_too_many_updates_wait_telegram_is_asked_to_come_back(
    fake: FakeBotApi, database_url: str
) -> None:
    """One update at a time and at most four waiting: the fifth and sixth get 503 (Telegram
    sends them again later), and once the queue is short they are taken."""
    async with running_bot(fake, database_url, webhook=True, max_concurrent_updates=1) as runner:
        assert runner.services is not None
        # The first welcome is refused once with "retry after 1 s": the first update holds
        # the only slot for a second while the others arrive.
        fake.fail_next("sendMessage", status=429, retry_after=1)
        residents = [fake.user(first_name=f"Inwoner{i}") for i in range(6)]
        bodies = [start_update(user, 991_000 + i) for i, user in enumerate(residents)]
        # A webhook request is answered once its update is handled (at most 5 s): the first
        # one's answer comes after the others were posted.
        first_answer = asyncio.create_task(request("POST", runner.webhook_url, body=bodies[0]))
        deadline = time.monotonic() + 10
        while not any(c.method == "sendMessage" and not c.ok for c in fake.calls):
            assert time.monotonic() < deadline, "the bot never tried to answer"
            await asyncio.sleep(0.01)
        rest = await asyncio.gather(
            *(request("POST", runner.webhook_url, body=body) for body in bodies[1:])
        )
        first = await first_answer
        statuses = [first[0], *(status for status, _, _ in rest)]
        assert sorted(statuses) == [200, 200, 200, 200, 503, 503]
        for body, status in zip(bodies, statuses, strict=True):
            if status == 503:  # Telegram tries again
                while (await request("POST", runner.webhook_url, body=body))[0] != 200:
                    assert time.monotonic() < deadline + 20, "never taken"
                    await asyncio.sleep(0.1)
        for resident in residents:
            assert WELCOME in (await resident.next_message()).text


# --- health -----------------------------------------------------------------------------------


async def _pg_connections(database_url: str, *, allowed: bool) -> None:
    """Let nobody (``allowed=False``, and end every connection) or everybody in again."""
    name = make_url(database_url).database
    engine = create_async_engine(os.environ[PG_ENV], isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as connection:
            flag = "true" if allowed else "false"
            await connection.execute(text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS {flag}'))
            if not allowed:
                await connection.execute(
                    text(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                        "WHERE datname = :name AND pid <> pg_backend_pid()"
                    ),
                    {"name": name},
                )
    finally:
        await engine.dispose()


async def test_healthz_follows_the_database(
    fake: FakeBotApi, webhook: WebhookRunner, database_url: str, tmp_path: Path
) -> None:
    assert await health(webhook) == (200, "ok")
    services = webhook.services
    assert services is not None
    if is_sqlite(database_url):
        # The folder with the database file disappears (a volume that is unmounted).
        moved = tmp_path.with_name(tmp_path.name + "-moved")
        tmp_path.rename(moved)  # noqa: ASYNC240 - a rename, at once
        try:
            if services.reports_engine is not None:
                await services.reports_engine.dispose()  # its open connections still work
            assert await health(webhook) == (503, "database unavailable")
        finally:
            moved.rename(tmp_path)
    else:
        await _pg_connections(database_url, allowed=False)
        try:
            assert await health(webhook) == (503, "database unavailable")
            status, body, _ = await request("GET", f"{webhook.base_url}/metrics")
            assert status == 200 and "samenspraak_updates_total" in body  # still served
        finally:
            await _pg_connections(database_url, allowed=True)
    assert await health(webhook) == (200, "ok")
    resident = fake.user(first_name="Noor")
    assert WELCOME in (await resident.ask("/start")).text


# --- metrics ----------------------------------------------------------------------------------


def _value(samples: dict[Any, float], name: str, **labels: str) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


async def test_metrics_count_updates_and_read_the_database(
    fake: FakeBotApi, webhook: WebhookRunner
) -> None:
    status, body, _ = await request("GET", f"{webhook.base_url}/metrics")
    assert status == 200
    for name in METRICS:
        assert f"# TYPE {name} " in body, name
    before = await metrics(webhook)
    assert _value(before, "samenspraak_sessions_active") == 0
    assert _value(before, "samenspraak_broadcast_queue_length") == 0

    resident = fake.user(first_name="Sem")
    await join(resident)  # /start (a command), then the consent button (a callback query)
    pick = await resident.next_message()
    await resident.press("Afval", message=pick)  # a session is now in progress
    await resident.next_messages(2)
    await fake.settle()

    after = await metrics(webhook)
    updates = "samenspraak_updates_total"
    assert _value(after, updates, kind="command") - _value(before, updates, kind="command") == 1
    assert (
        _value(after, updates, kind="callback_query")
        - _value(before, updates, kind="callback_query")
        == 2
    )
    handled = "samenspraak_update_processing_seconds_count"
    assert _value(after, handled) - _value(before, handled) == 3
    assert _value(after, "samenspraak_sessions_active") == 1

    await resident.ask("/stop")  # paused: no longer in progress
    await resident.send("hallo")  # a plain message
    await resident.next_message()
    await fake.settle()
    later = await metrics(webhook)
    assert _value(later, "samenspraak_sessions_active") == 0
    assert _value(later, updates, kind="message") - _value(after, updates, kind="message") == 1

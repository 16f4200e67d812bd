"""What an attacker sends to ``samenspraak serve``'s webhook, over real HTTP.

The rule: 403 for any bad secret, 400 (or 413 for too large) for malformed or out-of-range
input of any kind, never a 500, and the bot goes on answering residents afterwards. Some
requests are written byte by byte on a plain socket, because an HTTP client would refuse
to send them (a secret that is not UTF-8, a broken chunked body).
"""

from __future__ import annotations

import asyncio
import gzip
import json
import logging
import time
from typing import Any

import pytest

from bot.app.webhook import MAX_BODY, SECRET_HEADER
from sandbox.fakeapi import FakeBotApi
from tests.e2e.conftest import WEBHOOK_SECRET, WebhookRunner
from tests.e2e.test_webhook import WELCOME, request, start_update

SECRET = WEBHOOK_SECRET.encode()


# --- helpers ----------------------------------------------------------------------------------


async def raw(webhook: WebhookRunner, data: bytes) -> tuple[int, bytes]:
    """Write ``data`` as it is to the bot's port; (status, body) of the answer."""
    reader, writer = await asyncio.open_connection("127.0.0.1", webhook.port)
    try:
        writer.write(data)
        await writer.drain()
        head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 10)
        status = int(head.split(b" ", 2)[1])
        length = 0
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value)
        body = await asyncio.wait_for(reader.readexactly(length), 10)
        return status, body
    finally:
        writer.close()
        await writer.wait_closed()


def post(
    body: bytes,
    *,
    secret: bytes = SECRET,
    headers: bytes = b"Content-Type: application/json\r\n",
    length: bool = True,
) -> bytes:
    """A POST to /telegram, with ``secret`` and ``headers``, written by hand."""
    secret_line = SECRET_HEADER.encode() + b": " + secret + b"\r\n"
    size = b"Content-Length: %d\r\n" % len(body) if length else b""
    return (
        b"POST /telegram HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
        + secret_line
        + headers
        + size
        + b"\r\n"
        + body
    )


def update(update_id: Any, **fields: Any) -> bytes:
    return json.dumps({"update_id": update_id, **fields}).encode()


def message(user_id: Any = 1234, **changes: Any) -> dict[str, Any]:
    """A private text message, with ``changes`` to its fields."""
    fields: dict[str, Any] = {
        "message_id": 1,
        "date": int(time.time()),
        "chat": {"id": user_id, "type": "private", "first_name": "Eva"},
        "from": {"id": user_id, "is_bot": False, "first_name": "Eva"},
        "text": "hallo",
    }
    fields.update(changes)
    return fields


async def still_answers(fake: FakeBotApi) -> None:
    """A resident who sends /start gets the welcome: the bot goes on."""
    resident = fake.user(first_name="Daan")
    welcome = await resident.ask("/start")
    assert WELCOME in welcome.text


def no_errors(caplog: pytest.LogCaptureFixture) -> None:
    errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert errors == []


# --- a bad secret: always 403 -----------------------------------------------------------------


BAD_SECRETS = {
    "not UTF-8": b"\xff\xfe",
    "the secret, then not UTF-8": SECRET + b"\xff",
    "Latin-1": "geh\u00e9im".encode("latin-1"),
    "UTF-8 beyond ASCII": "geh\u00e9im-\U0001f600".encode(),
    "the secret, quoted": b'"' + SECRET + b'"',
    "the secret twice": SECRET + b", " + SECRET,
    "empty": b"",
}


@pytest.mark.parametrize("secret", list(BAD_SECRETS.values()), ids=list(BAD_SECRETS))
async def test_any_bad_secret_gets_403(
    fake: FakeBotApi,
    webhook: WebhookRunner,
    caplog: pytest.LogCaptureFixture,
    secret: bytes,
) -> None:
    with caplog.at_level(logging.WARNING):
        status, _ = await raw(webhook, post(update(990_101), secret=secret))
    assert status == 403
    no_errors(caplog)
    await still_answers(fake)


async def test_two_secret_headers_get_403(fake: FakeBotApi, webhook: WebhookRunner) -> None:
    """The right one and a wrong one: which one a proxy passes on is not ours to guess."""
    data = post(update(990_102), headers=b"Content-Type: application/json\r\n")
    doubled = data.replace(b"\r\n\r\n", b"\r\n" + SECRET_HEADER.encode() + b": wrong\r\n\r\n", 1)
    status, _ = await raw(webhook, doubled)
    assert status == 403
    await still_answers(fake)


# --- malformed or out-of-range bodies: always 400 ---------------------------------------------


def nested_lists(depth: int) -> bytes:
    return b'{"update_id": 990201, "message": ' + b"[" * depth + b"]" * depth + b"}"


def nested_objects(depth: int) -> bytes:
    return b'{"update_id": 990202, "x": ' + b'{"a": ' * depth + b"1" + b"}" * depth + b"}"


def nested_replies(depth: int) -> bytes:
    """Messages that reply to messages that reply to ... (what python-telegram-bot reads)."""
    inner = message()
    for _ in range(depth):
        inner = message(reply_to_message=inner)
    return update(990_203, message=inner)


BIG = 2**63
BAD_BODIES: dict[str, bytes] = {
    "100,000 nested lists": nested_lists(100_000),
    "5,000 nested objects": nested_objects(5_000),
    "500 nested objects": nested_objects(500),
    "300 nested replies": nested_replies(300),
    "update_id 2^63": update(BIG, message=message()),
    "update_id 2^64": update(2**64, message=message()),
    "update_id -1": update(-1, message=message()),
    "update_id 2^63 without a message": update(BIG),
    "update_id 1e3": b'{"update_id": 1e3}',
    "update_id NaN": b'{"update_id": NaN}',
    "update_id null": b'{"update_id": null}',
    "update_id 5000 digits": b'{"update_id": ' + b"9" * 5000 + b"}",
    "a user id of 2^63": update(990_204, message=message(BIG)),
    "a user id of -2^63-1": update(990_205, message=message(-BIG - 1)),
    "a message_id of 2^70": update(990_206, message=message(message_id=2**70)),
    "a date of 2^62": update(990_207, message=message(date=2**62)),
    "a date of 1e308": update(990_208, message=message(date=1e308)),
    "an Infinity": b'{"update_id": 990209, "message": {"date": Infinity}}',
    "a lone surrogate in the text": update(990_210, message=message(text="\ud800")),
    "a lone surrogate in a key": b'{"update_id": 990211, "\\udfff": 1}',
    "a message that is a list": update(990_212, message=[1, 2]),
    "a message that is a string": update(990_213, message="hallo"),
    "a text that is a number": update(990_214, message=message(text=5)),
    "a chat that is a number": update(990_215, message=message(chat=5)),
    "a callback_query without fields": update(990_216, callback_query={}),
    "button data that is an object": update(
        990_217,
        callback_query={
            "id": "1",
            "from": message()["from"],
            "chat_instance": "1",
            "message": message(),
            "data": {"c": "y"},
        },
    ),
    "a language that is a number": update(
        990_222,
        message=message(
            **{"from": {"id": 1234, "is_bot": False, "first_name": "E", "language_code": 31}}
        ),
    ),
    "an empty body": b"",
    "two objects": b'{"update_id": 990218}{"update_id": 990219}',
    "UTF-16": '{"update_id": 990220}'.encode("utf-16"),
    "a byte order mark": b'\xef\xbb\xbf{"update_id": 990221}',
}


@pytest.mark.parametrize("body", list(BAD_BODIES.values()), ids=list(BAD_BODIES))
async def test_malformed_or_out_of_range_input_gets_400(
    fake: FakeBotApi,
    webhook: WebhookRunner,
    caplog: pytest.LogCaptureFixture,
    body: bytes,
) -> None:
    with caplog.at_level(logging.WARNING):
        status, _, _ = await request("POST", webhook.webhook_url, body=body)
    assert status == 400
    no_errors(caplog)
    await fake.settle()
    assert not [c for c in fake.calls if c.method.startswith("send")], "nobody was answered"
    await still_answers(fake)


# --- odd headers and framing: 4xx, never 500 --------------------------------------------------


def chunked(*chunks: bytes) -> bytes:
    return b"".join(b"%x\r\n%s\r\n" % (len(c), c) for c in chunks) + b"0\r\n\r\n"


ODD_REQUESTS: dict[str, tuple[bytes, int]] = {
    "no body, no length": (post(b"", length=False), 400),
    "a length beyond the body's end": (
        post(b'{"update_id": 1}', headers=b"Content-Type: application/json\r\n")
        .replace(b"Connection: close\r\n", b"")
        .replace(b"Content-Length: 16", b"Content-Length: 1x"),
        400,
    ),
    "a negative length": (
        post(b"{}").replace(b"Content-Length: 2", b"Content-Length: -2"),
        400,
    ),
    "a chunked body over the limit": (
        post(
            chunked(*[b" " * 65536] * (MAX_BODY // 65536 + 2)),
            headers=b"Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n",
            length=False,
        ),
        413,
    ),
    "a broken chunk size": (
        post(
            b"zz\r\n{}\r\n0\r\n\r\n",
            headers=b"Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n",
            length=False,
        ),
        400,
    ),
    "a gzip bomb": (
        post(
            gzip.compress(b" " * (64 * MAX_BODY)),
            headers=b"Content-Type: application/json\r\nContent-Encoding: gzip\r\n",
        ),
        413,
    ),
    "broken gzip": (
        post(
            b"\x1f\x8b not gzip at all",
            headers=b"Content-Type: application/json\r\nContent-Encoding: gzip\r\n",
        ),
        400,
    ),
    "JSON with a charset": (
        post(b"[]", headers=b"Content-Type: application/json; charset=latin-1\r\n"),
        400,
    ),
    "a broken content type": (
        post(b"{}", headers=b"Content-Type: ;;;===\r\n"),
        400,
    ),
    "a multipart form": (
        post(
            b"--x\r\nContent-Disposition: form-data; name=update_id\r\n\r\n5\r\n--x--\r\n",
            headers=b"Content-Type: multipart/form-data; boundary=x\r\n",
        ),
        400,
    ),
    # Not valid HTTP: the HTTP parser refuses it before the secret is looked at.
    "the secret with a NUL": (post(b"{}", secret=SECRET + b"\x00"), 400),
    "a header line that is not UTF-8": (
        post(b"{}", headers=b"Content-Type: application/json\r\nX-Odd: \xff\xfe\r\n"),
        400,
    ),
}


@pytest.mark.parametrize(("data", "status"), list(ODD_REQUESTS.values()), ids=list(ODD_REQUESTS))
async def test_odd_requests_get_a_4xx_never_a_500(
    fake: FakeBotApi,
    webhook: WebhookRunner,
    caplog: pytest.LogCaptureFixture,
    data: bytes,
    status: int,
) -> None:
    with caplog.at_level(logging.WARNING):
        got, _ = await raw(webhook, data)
    assert got == status
    no_errors(caplog)
    await still_answers(fake)


async def test_the_largest_update_id_is_handled_and_one_more_is_refused(
    fake: FakeBotApi, webhook: WebhookRunner
) -> None:
    """What fits the database's BIGINT is Telegram's to send; one more is not."""
    resident = fake.user(first_name="Eva")
    status, _, _ = await request("POST", webhook.webhook_url, body=start_update(resident, 2**63))
    assert status == 400
    status, _, _ = await request(
        "POST", webhook.webhook_url, body=start_update(resident, 2**63 - 1)
    )
    assert status == 200
    assert WELCOME in (await resident.next_message()).text
    await still_answers(fake)

"""Uploads that cost the bot more than a questionnaire should: a file far larger than
Telegram says (a self-hosted Bot API server serves up to 2 GB) is refused without being
read whole."""

from __future__ import annotations

from sandbox.fakeapi import FakeBotApi
from tests.e2e.test_admin import ADMIN, admin, audit_log, running

#: What the fake states, and what the file really holds: far beyond the 256 KB allowed and
#: beyond what the sockets between the fake and the bot buffer.
DECLARED, REAL = 1024, 64 * 1024 * 1024


async def test_a_file_larger_than_telegram_says_is_refused_unread(
    fake: FakeBotApi, database_url: str
) -> None:
    async with running(fake, database_url) as runner:
        boss = admin(fake)
        sent = await boss.send_document(
            "groot.yaml", b"#" * REAL, "application/x-yaml", declared_size=DECLARED
        )
        reply = await boss.next_message(30)
        assert reply.text == "Dit bestand is te groot. Een vragenlijst is hoogstens 256 KB."
        document = fake.chat(ADMIN).user_messages[sent]["document"]
        assert document["file_size"] == DECLARED
        served = fake.file(document["file_id"]).bytes_served
        assert 256 * 1024 < served < REAL // 4, f"the bot read {served} bytes"
        [entry] = await audit_log(runner, "upload")
        assert entry.detail == {"file": "groot.yaml", "result": "too_big"}


async def test_a_file_telegram_cannot_give_gets_a_friendly_answer(
    fake: FakeBotApi, database_url: str
) -> None:
    async with running(fake, database_url):
        boss = admin(fake)
        fake.fail_next("getFile", status=400, description="Bad Request: file is too big")
        await boss.send_document("fietsen.yaml", b"id: fietsen\n", "application/x-yaml")
        reply = await boss.next_message()
        assert reply.text == "Het ophalen van het bestand lukte niet. Stuur het nog een keer."

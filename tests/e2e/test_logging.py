"""What ``samenspraak run`` logs at ``LOG_LEVEL=DEBUG``: the bot's own lines, never the
libraries' chatter. Below INFO or WARNING the database drivers log every SQL statement with
its parameters (chat ids, answers), transitions every step of every conversation, and
matplotlib hundreds of lines per chart; they stay quiet unless ``LOG_LIBRARIES`` names them.
"""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from sandbox.fakeapi import FakeBotApi
from tests.e2e.conftest import TOKEN
from tests.e2e.process import BotProcess
from tests.e2e.test_resilience import PLAN, open_afval, walk

pytestmark = pytest.mark.slow

RESIDENT = 7_391_446_812
GROUP = -1_004_815_162_342
#: A log line: date, time, level, logger name.
LINE = re.compile(r"^\S+ \S+ [A-Z]+ +([\w.]+): ", re.M)
SECRET_WORDS = "Kwispelende egelwaakhond aan de Zonnebloemstraat"


@pytest.fixture
async def api() -> AsyncIterator[FakeBotApi]:
    async with FakeBotApi(TOKEN) as fake:
        yield fake


async def test_debug_logging_keeps_sql_ids_and_resident_text_out(
    api: FakeBotApi, database_url: str, tmp_path: Path
) -> None:
    group = api.group(GROUP, title="Team participatie")
    bot = BotProcess(
        api,
        database_url,
        tmp_path,
        LOG_LEVEL="DEBUG",
        DIGEST_CHAT_ID=str(GROUP),
        DIGEST_SCHEDULE="off",
    )
    try:
        await bot.start()
        resident = api.user(RESIDENT, first_name="Anna")
        question = await open_afval(resident)
        *steps, _ = PLAN
        done = await walk(resident, question, [*steps, ("type", SECRET_WORDS)])
        assert done.text.startswith("Klaar!")
        await group.member().send("/digest")  # a chart: matplotlib and PIL at work
        deadline = time.monotonic() + 30
        while not any(message.kind == "photo" for message in group.unread()):
            assert time.monotonic() < deadline, "no digest chart"
            await asyncio.sleep(0.05)
        assert await bot.terminate() == 0
    finally:
        await bot.close()

    log = bot.log()
    assert "answered afvalinzameling/" in log, "the bot's own lines are there"
    for secret in (str(RESIDENT), str(GROUP).lstrip("-"), "Kwispelende", "Zonnebloemstraat"):
        assert secret not in log
    loggers = {found.group(1).split(".")[0] for found in LINE.finditer(log)}
    assert "bot" in loggers
    assert not loggers & {"aiosqlite", "asyncpg", "transitions", "matplotlib", "PIL"}
    assert "apscheduler" not in loggers, "two INFO lines for every run of every job"
    for sql in ("SELECT ", "INSERT ", "UPDATE "):
        assert sql not in log

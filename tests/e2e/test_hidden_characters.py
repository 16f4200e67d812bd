"""Bidi controls and other invisible characters a resident types reach no civil servant.

U+202E (right-to-left override), U+2066 (left-to-right isolate), U+200F (right-to-left
mark), a zero-width space: in a message they reorder or hide what a civil servant reads. The
moderation view, the digest's quotes and the /export files show the words without them;
emoji sequences and Persian words keep their joiners. The database and /mijngegevens keep
the answer as the resident gave it. (``samenspraak digest``: tests/test_cli_digest.py.)
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import AsyncIterator

import openpyxl
import pytest
from sqlalchemy import select

from sandbox.fakeapi import FakeBotApi
from storage.models import Answer
from tests.e2e.conftest import BotRunner, running_bot
from tests.e2e.test_digest import block, respond, sent
from tests.e2e.test_export import read_sav

ADMIN, RESIDENT = 4_242_777, 4_242_778
QUESTION = "Wat kan de gemeente beter doen bij het ophalen van afval?"
ZWJ, ZWNJ = "\u200d", "\u200c"  # zero-width joiner and non-joiner: part of what is written
#: "STOP" written backwards, shown forwards by the override; the sentence's end moved.
TYPED = (
    "Leg \u202ePOTS\u202c bij de school \u2066neer\u2069\u200f, graag!\u200b "
    f"👩{ZWJ}💻 می{ZWNJ}خواهم"
)
SHOWN = f"Leg POTS bij de school neer, graag! 👩{ZWJ}💻 می{ZWNJ}خواهم"
HIDDEN = ("\u202e", "\u202c", "\u2066", "\u2069", "\u200f", "\u200b")


def plan(text: str) -> list[str]:
    """Afval through the short branch (own containers), ending with ``text``."""
    return ["4104", "1", "4", "0", "2", "1", text]


def hides(text: str) -> list[str]:
    return [f"U+{ord(char):04X}" for char in HIDDEN if char in text]


@pytest.fixture
async def runner(fake: FakeBotApi, database_url: str) -> AsyncIterator[BotRunner]:
    """The bot with an administrator and a digest group; a resident answered with ``TYPED``."""
    group = fake.group(title="Team participatie")
    fake.user(ADMIN, first_name="Beheerder")
    settings = {
        "admin_user_ids": [ADMIN],
        "digest_chat_id": group.id,
        "digest_schedule": "off",
    }
    async with running_bot(fake, database_url, **settings) as bot:
        await respond(fake.user(RESIDENT, first_name="Anna"), plan(TYPED))
        yield bot


async def test_the_moderation_view_and_the_digest_quote_show_the_words_plainly(
    fake: FakeBotApi, runner: BotRunner
) -> None:
    admin = fake.user(ADMIN)
    screen = await admin.ask("/moderatie")
    assert f"Vraag: {QUESTION}\n" in screen.text
    assert f"«{SHOWN}»" in screen.text
    assert screen.html is not None
    assert hides(screen.text) == hides(screen.html) == []

    await admin.press("Goedkeuren", message=screen)
    await admin.next_edit()
    assert runner.services is not None
    group = fake.group(runner.services.settings.digest_chat_id or 0)
    await group.member().send("/digest afvalinzameling")
    await sent(runner, 1)
    text = group.drain()[0].text
    assert block(text, "Wat kan de gemeente beter doen")[1] == f"«{SHOWN}»"
    assert hides(text) == []


async def test_the_export_files_hold_the_words_plainly(
    fake: FakeBotApi, runner: BotRunner
) -> None:
    admin = fake.user(ADMIN)
    await admin.send("/export afvalinzameling")
    sheet_csv, sheet_xlsx, sheet_sav = await admin.next_messages(3)
    assert sheet_csv.document is not None and sheet_xlsx.document is not None
    assert sheet_sav.document is not None

    rows = list(csv.reader(io.StringIO(sheet_csv.document.decode("utf-8"))))
    assert rows[0][-1] == "idee" and rows[2][-1] == SHOWN
    book = openpyxl.load_workbook(io.BytesIO(sheet_xlsx.document))
    table = [list(row) for row in book["Antwoorden"].iter_rows(values_only=True)]
    assert table[0][-1] == "idee" and table[2][-1] == SHOWN
    data, _meta = read_sav(sheet_sav.document)
    assert data["idee"] == [SHOWN]


async def test_the_answer_is_kept_as_given(fake: FakeBotApi, runner: BotRunner) -> None:
    assert runner.services is not None
    async with runner.services.sessions() as db:
        stored = await db.scalar(select(Answer.value).where(Answer.question_id == "idee"))
    assert stored == TYPED

    anna = fake.user(RESIDENT)
    anna.drain()
    await anna.send("/mijngegevens")
    document, _summary = await anna.next_messages(2)
    assert document.document is not None
    assert TYPED in json.dumps(json.loads(document.document), ensure_ascii=False)

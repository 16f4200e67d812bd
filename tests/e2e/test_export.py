"""/export in the administrator's chat: a CSV and an Excel file arrive as documents, parse,
hold one row per response without Telegram ids, dates per day, and leave test runs out."""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import openpyxl
import pytest

from sandbox.fakeapi import FakeBotApi
from storage import digest
from tests.e2e.conftest import BotRunner
from tests.e2e.test_admin import ADMIN, admin, audit_log, running
from tests.e2e.test_resilience import ORDER, PLAN, open_afval, walk

FIXED = ["response", "version", "started", "completed", "status"]
LABELS = ["Reactie (pseudoniem)", "Versie", "Begonnen (dag)", "Afgerond (dag)", "Status"]


def today() -> str:
    return datetime.now(ZoneInfo("Europe/Amsterdam")).date().isoformat()


async def test_export_sends_a_csv_and_an_excel_file(fake: FakeBotApi, database_url: str) -> None:
    async with running(fake, database_url) as runner:
        full, half = fake.user(first_name="Anna"), fake.user(first_name="Bas")
        await walk(full, await open_afval(full), PLAN)
        await walk(half, await open_afval(half), PLAN[:2])
        boss = admin(fake)
        # The administrator tries the published questionnaire too: a test run.
        menu = await boss.ask("/beheer")
        await boss.press_data("adm:test:afvalinzameling:1", message_id=menu.message_id)
        _notice, _intro, question = await boss.next_messages(3)
        await walk(boss, question, PLAN)
        await fake.settle()
        boss.drain()

        await boss.send("/export afvalinzameling")
        sheet_csv, sheet_xlsx = await boss.next_messages(2)
        day = today()
        assert sheet_csv.document_name == f"afvalinzameling-{day}.csv"
        assert sheet_xlsx.document_name == f"afvalinzameling-{day}.xlsx"
        assert sheet_csv.caption == (
            "Afval ophalen in Rivierstad: 2 reacties. Zonder namen of Telegram-nummers, "
            "datums per dag. Testantwoorden tellen niet mee."
        )
        assert sheet_csv.document is not None and sheet_xlsx.document is not None

        rows = list(csv.reader(io.StringIO(sheet_csv.document.decode("utf-8"))))
        assert rows[0] == FIXED + ORDER
        assert rows[1][:6] == [*LABELS, "In welke wijk woon je?"]
        assert len(rows) == 4  # two header rows, two residents; not the test run
        complete, partial = rows[2], rows[3]
        assert complete[1:5] == ["1", day, day, "complete"]
        assert complete[5:7] == ["Noord", "Allebei"]
        assert complete[-1] == "Vaker legen in de zomer"
        assert partial[1:5] == ["1", day, "", "incomplete"]
        assert partial[5:] == ["Noord", "Allebei", *[""] * 8]

        book = openpyxl.load_workbook(io.BytesIO(sheet_xlsx.document))
        assert book.sheetnames == ["Antwoorden", "Vragen"]
        table = [list(row) for row in book["Antwoorden"].iter_rows(values_only=True)]
        assert table[0] == FIXED + ORDER
        assert table[1][:5] == LABELS
        assert len(table) == 4
        assert table[2][0] == complete[0]  # the same pseudonymous response id
        assert table[2][7] == 4  # a score is a number a spreadsheet can count with
        started = table[2][2]
        assert isinstance(started, datetime) and started.date().isoformat() == day  # a day
        codebook = [list(row) for row in book["Vragen"].iter_rows(values_only=True)]
        assert codebook[0] == ["vraag", "tekst", "soort", "antwoorden"]
        assert [row[0] for row in codebook[1:]] == ORDER

        # No Telegram id (the private chat id) and no name anywhere.
        cells = " ".join(str(cell) for row in table + codebook for cell in row)
        for person in (full, half, boss):
            for text in (sheet_csv.document.decode("utf-8"), cells):
                assert str(person.id) not in text
                assert person.first_name not in text
        await fake.settle()
        [entry] = await audit_log(runner, "export")
        assert (entry.actor, entry.target) == (ADMIN, "afvalinzameling")
        assert entry.detail == {"rows": 2, "formats": ["csv", "xlsx"]}

        # The test run counts nowhere else either: not in /beheer, not in digests.
        overview = await boss.ask("/beheer")
        assert "afvalinzameling · versie 1 · 1 klaar, 1 bezig" in overview.text
        assert runner.services is not None
        async with runner.services.sessions() as db:
            stats = await digest.response_stats(
                db,
                "afvalinzameling",
                datetime(2000, 1, 1, tzinfo=UTC),
                datetime(2999, 1, 1, tzinfo=UTC),
            )
        assert (stats.total, stats.completed) == (2, 1)


@pytest.fixture
async def admin_bot(fake: FakeBotApi, database_url: str) -> AsyncIterator[BotRunner]:
    async with running(fake, database_url) as runner:
        yield runner


async def test_export_asks_which_questionnaire(fake: FakeBotApi, admin_bot: BotRunner) -> None:
    boss = admin(fake)
    usage = await boss.ask("/export")
    assert usage.text.splitlines() == [
        "Welke vragenlijst? Typ /export en de id, bijvoorbeeld: /export afvalinzameling",
        "",
        "afvalinzameling – Afval ophalen in Rivierstad",
        "groen-in-de-wijk – Groen in de wijk",
        "schoolroutes – Veilig naar school",
    ]
    unknown = await boss.ask("/export <parkeren>")
    assert unknown.text.startswith("Die vragenlijst ken ik niet: <parkeren>.")
    assert "&lt;parkeren&gt;" in (unknown.html or "")
    # From /beheer: the Exporteren button of a questionnaire without responses.
    overview = await boss.ask("/beheer")
    await boss.press("Groen in de wijk", message=overview)
    await boss.next_edit()
    await boss.press("Exporteren", message=overview)
    sheet_csv, _sheet_xlsx = await boss.next_messages(2)
    assert sheet_csv.caption is not None and sheet_csv.caption.startswith("Groen in de wijk: 0")
    assert sheet_csv.document is not None
    assert len(list(csv.reader(io.StringIO(sheet_csv.document.decode("utf-8"))))) == 2
    await fake.settle()
    assert [e.action for e in await audit_log(admin_bot)] == ["export"]

"""/export in the administrator's chat: a CSV and an Excel file arrive as documents, parse,
hold one row per response without Telegram ids, dates per day, and leave test runs out."""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import openpyxl
import pyreadstat
import pytest

from sandbox.fakeapi import FakeBotApi
from storage import digest
from tests.e2e import peiling
from tests.e2e.conftest import BotRunner
from tests.e2e.test_admin import ADMIN, admin, audit_log, running
from tests.e2e.test_resilience import ORDER, PLAN, open_afval, walk
from tests.support.shipped import shipped_version

FIXED = ["response", "version", "started", "completed", "status", "channel"]
LABELS = [
    "Reactie (pseudoniem)",
    "Versie",
    "Begonnen (dag)",
    "Afgerond (dag)",
    "Status",
    "Kanaal (telegram of web)",
]


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
        version = shipped_version("afvalinzameling")
        await boss.press_data(f"adm:test:afvalinzameling:{version}", message_id=menu.message_id)
        _notice, _intro, question = await boss.next_messages(3)
        await walk(boss, question, PLAN)
        await fake.settle()
        boss.drain()

        await boss.send("/export afvalinzameling")
        sheet_csv, sheet_xlsx, sheet_sav = await boss.next_messages(3)
        day = today()
        assert sheet_csv.document_name == f"afvalinzameling-{day}.csv"
        assert sheet_xlsx.document_name == f"afvalinzameling-{day}.xlsx"
        assert sheet_sav.document_name == f"afvalinzameling-{day}.sav"
        assert sheet_csv.caption == (
            "Afval ophalen in Rivierstad: 2 reacties. Zonder namen of Telegram-nummers, "
            "datums per dag. Testantwoorden tellen niet mee."
        )
        assert sheet_csv.document is not None and sheet_xlsx.document is not None

        rows = list(csv.reader(io.StringIO(sheet_csv.document.decode("utf-8"))))
        assert rows[0] == FIXED + ORDER
        assert rows[1][:7] == [*LABELS, "In welke wijk woon je?"]
        assert len(rows) == 4  # two header rows, two residents; not the test run
        complete, partial = rows[2], rows[3]
        version = str(shipped_version("afvalinzameling"))
        assert complete[1:6] == [version, day, day, "complete", "telegram"]
        assert complete[6:8] == ["Noord", "Allebei"]
        assert complete[-1] == "Vaker legen in de zomer"
        assert partial[1:6] == [version, day, "", "incomplete", "telegram"]
        assert partial[6:] == ["Noord", "Allebei", *[""] * 8]

        book = openpyxl.load_workbook(io.BytesIO(sheet_xlsx.document))
        assert book.sheetnames == ["Antwoorden", "Vragen"]
        table = [list(row) for row in book["Antwoorden"].iter_rows(values_only=True)]
        assert table[0] == FIXED + ORDER
        assert table[1][:6] == LABELS
        assert len(table) == 4
        assert table[2][0] == complete[0]  # the same pseudonymous response id
        assert table[2][8] == 4  # a score is a number a spreadsheet can count with
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
        assert entry.detail == {"rows": 2, "formats": ["csv", "xlsx", "sav"]}

        # The test run counts nowhere else either: not in /beheer, not in digests.
        overview = await boss.ask("/beheer")
        assert f"afvalinzameling · versie {version} · 1 klaar, 1 bezig" in overview.text
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
        "burgerpeiling – Burgerpeiling Rivierstad",
        "groen-in-de-wijk – Groen in de wijk",
        "schoolroutes – Veilig naar school",
        "wijkpeiling – Wijkpeiling Rivierstad",
    ]
    unknown = await boss.ask("/export <parkeren>")
    assert unknown.text.startswith("Die vragenlijst ken ik niet: <parkeren>.")
    assert "&lt;parkeren&gt;" in (unknown.html or "")
    # From /beheer: the Exporteren button of a questionnaire without responses.
    overview = await boss.ask("/beheer")
    await boss.press("Groen in de wijk", message=overview)
    await boss.next_edit()
    await boss.press("Exporteren", message=overview)
    sheet_csv, _sheet_xlsx, sheet_sav = await boss.next_messages(3)
    assert sheet_csv.caption is not None and sheet_csv.caption.startswith("Groen in de wijk: 0")
    assert sheet_csv.document is not None
    assert len(list(csv.reader(io.StringIO(sheet_csv.document.decode("utf-8"))))) == 2
    assert sheet_sav.document is not None
    _data, meta = read_sav(sheet_sav.document)
    assert meta.number_rows == 0 and meta.column_names[:6] == FIXED  # no responses: no cases
    await fake.settle()
    assert [e.action for e in await audit_log(admin_bot)] == ["export"]


def read_sav(content: bytes) -> tuple[dict[str, list[Any]], Any]:
    """An SPSS file as the research office opens it: pyreadstat reads the values (skipped
    answers as their user-missing code) and the metadata (names, labels, missing values)."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "export.sav"
        path.write_bytes(content)
        data, meta = pyreadstat.read_sav(str(path), output_format="dict", user_missing=True)
    return dict(data), meta


async def test_export_as_spss_has_the_questionnaires_names_labels_and_missing_values(
    fake: FakeBotApi, database_url: str, tmp_path: Path
) -> None:
    folder = peiling.folder(tmp_path)
    async with running(fake, database_url, questionnaires_dir=folder) as runner:
        for plan in peiling.PLANS:
            await peiling.answer(fake.user(), plan)
        boss = admin(fake)
        await boss.send("/export peiling")
        sheet_csv, _xlsx, sheet_sav = await boss.next_messages(3)
        assert sheet_csv.document is not None
        header = list(csv.reader(io.StringIO(sheet_csv.document.decode("utf-8"))))[1]
        assert header[6:9] == [peiling.SPORT, peiling.BIEB, peiling.VERTROUWEN_LABEL]
        assert sheet_sav.document_name == f"peiling-{today()}.sav"
        assert sheet_sav.document is not None
        data, meta = read_sav(sheet_sav.document)

        # The questionnaire's own names (tevr_sport, V30, V40 and its option columns), a
        # name made from the id where it gives none (bieb), in questionnaire order.
        assert meta.column_names == [
            *FIXED,
            "tevr_sport",
            "bieb",
            "V30",
            "V40_1",
            "V40_2",
            "V40_3",
            "leeftijd",
            "toelichting",
        ]
        assert meta.number_rows == 3
        assert meta.file_label == peiling.TITLE
        labels = dict(zip(meta.column_names, meta.column_labels, strict=True))
        assert labels["V30"] == peiling.VERTROUWEN  # the question's text
        assert labels["V40_2"] == f"Telefoon – {peiling.KANAAL}"
        assert labels["response"] == "Reactie (pseudoniem)"
        # Value labels: the options, in order; 0/1 for a multi question's columns.
        values = meta.variable_value_labels
        assert values["tevr_sport"] == {
            1: "Tevreden",
            2: "Neutraal",
            3: "Ontevreden",
            4: "Weet niet",
            -9: "Overgeslagen",
        }
        assert values["V40_1"] == {1: "Gekozen", 0: "Niet gekozen", -9: "Overgeslagen"}
        assert values["status"] == {1: "Afgerond", 0: "Niet afgerond"}
        assert values["channel"] == {1: "Telegram", 2: "Website"}
        # Skipped is a declared missing value: -9 wherever it cannot be an answer.
        assert meta.missing_ranges["leeftijd"] == [{"lo": -9.0, "hi": -9.0}]
        # The answers, typed by the residents in tests/e2e/peiling.py.
        assert data["tevr_sport"] == [1, 3, 1]
        assert data["bieb"] == [2, 4, 1]
        assert data["V30"] == [1, 3, 4]
        assert [data[f"V40_{k}"] for k in (1, 2, 3)] == [[1, 0, 1], [0, 1, 0], [0, 0, 1]]
        assert data["leeftijd"] == [45, 70, -9]
        assert data["toelichting"] == ["Prima zo", "", ""]
        assert data["status"] == [1, 1, 1]
        assert data["channel"] == [1, 1, 1]  # all three through Telegram
        assert data["started"] == [datetime.fromisoformat(today()).date()] * 3
        assert meta.variable_measure["V30"] == "nominal"
        # Nobody's Telegram id or name.
        everything = " ".join(str(v) for column in data.values() for v in column)
        assert str(boss.id) not in everything
        await fake.settle()
        [entry] = await audit_log(runner, "export")
        assert entry.detail == {"rows": 3, "formats": ["csv", "xlsx", "sav"]}

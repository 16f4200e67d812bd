"""storage.export.export_rows: one row per response that counts, on each database; and the
CSV and Excel files bot.admin.export makes of them."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import openpyxl
from sqlalchemy import delete, insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from analysis.export import COMPLETED, build_table
from bot.admin.export import csv_text, xlsx_bytes
from flows.loader import parse
from flows.machine import Flow
from flows.schema import END
from storage import repo
from storage.export import ExportRow, export_rows
from storage.models import Answer, Resident, Session
from tests.storage.helpers import (
    MINI_ANSWERS,
    complete,
    mini_source,
    register,
    reload,
    run,
    start,
    sync,
    variant,
)

Sessions = async_sessionmaker[AsyncSession]

ALL_ANSWERS = {
    "tevreden": 2,
    "waarom": "De bakken zitten altijd vol",
    "bakken": ["gft", "pmd"],
    "wijk": "noord",
}


def row(pseudonym: str | None, session: repo.SessionInfo) -> ExportRow:
    return ExportRow(
        pseudonym,
        session.version,
        session.status,
        session.started_at,
        session.completed_at,
        session.state.answers,
        channel=None if pseudonym is None else repo.channel_of(pseudonym),
    )


async def export(sessions: Sessions, questionnaire_id: str = "mini", **kwargs: Any) -> list[Any]:
    async with sessions.begin() as db:
        return list(await export_rows(db, questionnaire_id, **kwargs))


async def test_export_rows(sessions: Sessions, mini: str) -> None:
    await sync(sessions, "mini", 2, variant(mini, version=2))
    await sync(sessions, "afval", 1, variant(mini, questionnaire_id="afval"))
    ann, bob, cas, dirk, eva = [
        await register(sessions, name) for name in ("ann", "bob", "cas", "dirk", "eva")
    ]

    ann_done = await complete(sessions, ann.id)
    bob_first = await complete(sessions, bob.id)
    bob_revised = await start(sessions, bob.id, version=2)
    bob_revised = await run(
        sessions, bob_revised, [("tevreden", 5, "bakken"), ("bakken", ["papier"], "wijk")]
    )
    bob_revised = await run(sessions, bob_revised, [("wijk", "centrum", END)])
    cas_partial = await run(sessions, await start(sessions, cas.id), MINI_ANSWERS[:1])
    dirk_trial = await complete(sessions, dirk.id, is_test=True)
    eva_done = await complete(sessions, eva.id, version=2)
    ann_afval = await complete(sessions, ann.id, questionnaire_id="afval")

    assert (await reload(sessions, bob_first.id)).status == repo.REPLACED
    assert await export(sessions) == [
        row("ann", ann_done),
        row("bob", bob_revised),
        row("cas", cas_partial),
        row("eva", eva_done),
    ]
    assert await export(sessions, include_test=True) == [
        row("ann", ann_done),
        row("bob", bob_revised),
        row("cas", cas_partial),
        row("dirk", dirk_trial),
        row("eva", eva_done),
    ]
    # Spot checks on what the rows hold.
    ann_row, bob_row, cas_row, eva_row = await export(sessions)
    assert ann_row.answers == ALL_ANSWERS
    assert (ann_row.version, ann_row.status) == (1, repo.COMPLETED)
    assert bob_row.answers == {"tevreden": 5, "bakken": ["papier"], "wijk": "centrum"}
    assert (bob_row.version, bob_row.status) == (2, repo.COMPLETED)
    assert cas_row == ExportRow(
        "cas", 1, repo.ACTIVE, cas_partial.started_at, None, {"tevreden": 2}, None, "telegram"
    )
    assert eva_row.completed_at is not None
    assert eva_row.started_at.utcoffset() == eva_row.completed_at.utcoffset() == timedelta(0)
    # Each questionnaire exports its own responses only.
    assert await export(sessions, "afval") == [row("ann", ann_afval)]


async def test_an_unfinished_try_beside_a_completed_response_is_no_second_row(
    sessions: Sessions, mini: str
) -> None:
    await sync(sessions, "afval", 1, variant(mini, questionnaire_id="afval"))
    ann, bob, cas = [await register(sessions, name) for name in ("ann", "bob", "cas")]

    # Ann completes, starts a revision, answers one question and leaves it (paused when
    # she starts another questionnaire, later expired).
    ann_done = await complete(sessions, ann.id)
    revision = await run(sessions, await start(sessions, ann.id), MINI_ANSWERS[:1])
    await start(sessions, ann.id, "afval")
    # Bob's first try expired; he started again and completed.
    first_try = await run(sessions, await start(sessions, bob.id), MINI_ANSWERS[:2])
    async with sessions.begin() as db:
        await repo.set_status(db, first_try.id, repo.EXPIRED)
    bob_done = await complete(sessions, bob.id)
    # Cas never completed: his unfinished response is his response.
    cas_partial = await run(sessions, await start(sessions, cas.id), MINI_ANSWERS[:1])

    assert (await reload(sessions, revision.id)).status == repo.PAUSED
    assert await export(sessions) == [
        row("ann", ann_done),
        row("bob", bob_done),
        row("cas", cas_partial),
    ]
    async with sessions.begin() as db:
        await repo.set_status(db, revision.id, repo.EXPIRED)
    assert [r.pseudonym for r in await export(sessions)] == ["ann", "bob", "cas"]


async def test_an_erased_resident_leaves_an_anonymous_row(sessions: Sessions, mini: str) -> None:
    ann, bob = await register(sessions, "ann"), await register(sessions, "bob")
    ann_done = await complete(sessions, ann.id)
    bob_done = await complete(sessions, bob.id)

    async with sessions.begin() as db:
        await db.execute(delete(Resident).where(Resident.id == ann.id))

    erased = await reload(sessions, ann_done.id)
    assert erased.resident_id is None
    assert erased.state == ann_done.state  # the answers stay, without a person
    assert await export(sessions) == [row(None, ann_done), row("bob", bob_done)]


async def test_export_of_nothing(sessions: Sessions, mini: str) -> None:
    assert await export(sessions) == []
    assert await export(sessions, "onbekend", include_test=True) == []


async def test_export_beyond_one_chunk_of_answers(sessions: Sessions, mini: str) -> None:
    """Answers are fetched 500 sessions at a time; the 501st keeps its answers."""
    count = 501
    async with sessions.begin() as db:
        await db.execute(
            insert(Session),
            [
                {
                    "id": n,
                    "resident_id": None,
                    "questionnaire_id": "mini",
                    "questionnaire_version": 1,
                    "status": repo.COMPLETED,
                    "current": END,
                }
                for n in range(1, count + 1)
            ],
        )
        await db.execute(
            insert(Answer),
            [
                {"session_id": n, "question_id": "tevreden", "value": n % 5 + 1}
                for n in range(1, count + 1)
            ]
            + [{"session_id": n, "question_id": "wijk", "value": "noord"} for n in (1, 500, 501)],
        )

    rows = await export(sessions)
    assert len(rows) == count
    assert [r.answers["tevreden"] for r in rows] == [n % 5 + 1 for n in range(1, count + 1)]
    assert [n for n, r in enumerate(rows, 1) if "wijk" in r.answers] == [1, 500, 501]
    assert {r.pseudonym for r in rows} == {None}


# --- the table: analysis.export; the files: bot.admin.export ---------------------------------


def test_the_table_calls_complete_what_storage_calls_completed() -> None:
    assert COMPLETED == repo.COMPLETED


def test_an_unfinished_response_exports_the_answers_on_its_branch() -> None:
    """A resident answered "2" (why?), went back, answered "5" (no "why") and stopped: the
    "why" they gave on the branch they left stays stored, to show again, but is not theirs."""
    flows = {1: Flow(parse(mini_source()))}
    started = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
    left = {"tevreden": 5, "waarom": "Te vaak vol", "bakken": ["gft"]}
    stays = {"tevreden": 2, "waarom": "Te vaak vol", "bakken": ["gft"]}
    rows = [
        ExportRow("ann", 1, repo.PAUSED, started, None, left),
        ExportRow("bob", 1, repo.PAUSED, started, None, stays),
    ]
    table = build_table(flows, rows, ZoneInfo("Europe/Amsterdam"))
    ann, bob = (dict(zip(table.ids, cells, strict=True)) for cells in table.rows)
    assert (ann["tevreden"], ann["waarom"], ann["bakken"]) == (5, None, "GFT")
    assert (bob["tevreden"], bob["waarom"], bob["bakken"]) == (2, "Te vaak vol", "GFT")


async def test_export_files_have_ids_and_dutch_labels(sessions: Sessions, mini: str) -> None:
    """Two header rows in CSV and Excel alike; a typed formula stays text in both."""
    second = variant(mini, version=2).replace('"Waarom?"', '"Waarom ben je (on)tevreden?"')
    await sync(sessions, "mini", 2, second)
    ann, bob = await register(sessions, "ann"), await register(sessions, "web-bob", chat_id=None)
    done = await complete(sessions, ann.id)
    formula = '=HYPERLINK("http://example.invalid","klik")'
    typed = await run(
        sessions,
        await start(sessions, bob.id, version=2),
        [("tevreden", 1, "waarom"), ("waarom", formula, "bakken")],
    )
    flows = {1: Flow(parse(mini)), 2: Flow(parse(second))}
    table = build_table(flows, await export(sessions), ZoneInfo("Europe/Amsterdam"))

    rows = list(csv.reader(io.StringIO(csv_text(table))))
    assert rows[0] == [
        "response", "version", "started", "completed", "status", "channel",
        "tevreden", "waarom", "bakken", "wijk",
    ]  # fmt: skip
    assert rows[1] == [
        "Reactie (pseudoniem)",
        "Versie",
        "Begonnen (dag)",
        "Afgerond (dag)",
        "Status",
        "Kanaal (telegram of web)",
        "Hoe tevreden ben je?",
        "Waarom ben je (on)tevreden?",
        "Welke bakken?",
        "Waar woon je?",
    ]  # fmt: skip
    assert rows[2][:2] == ["ann", "1"] and rows[2][4:] == [
        "complete", "telegram", "2", "De bakken zitten altijd vol", "GFT; PMD", "Noord",
    ]  # fmt: skip
    assert rows[3][:2] == ["web-bob", "2"] and rows[3][4:] == [
        "incomplete",
        "web",  # the door, from the pseudonym's prefix (storage.repo.channel_of)
        "1",
        "'" + formula,
        "",
        "",
    ]
    assert done.completed_at is not None and typed.completed_at is None

    book = openpyxl.load_workbook(io.BytesIO(xlsx_bytes(table, "Mini")))
    sheet = book["Antwoorden"]
    assert sheet.freeze_panes == "B3"
    assert sheet["H4"].value == formula and sheet["H4"].data_type == "s"  # text, not a formula
    assert sheet["G3"].value == 2  # a number
    assert (sheet["F3"].value, sheet["F4"].value) == ("telegram", "web")
    codebook = [list(r) for r in book["Vragen"].iter_rows(values_only=True)]
    assert codebook[1:] == [
        ["tevreden", "Hoe tevreden ben je?", "schaal", "1 tot en met 5"],
        ["waarom", "Waarom ben je (on)tevreden?", "open tekst", None],
        ["bakken", "Welke bakken?", "meerdere keuzes", "gft = GFT; papier = Papier; pmd = PMD"],
        ["wijk", "Waar woon je?", "wijk", "centrum = Centrum; noord = Noord"],
    ]

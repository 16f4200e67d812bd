"""A database with responses to the shipped afvalinzameling questionnaire for report tests:
realistic answers walked through the engine, written answers approved, waiting and
rejected, and a questionnaire with only three respondents."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, update

from analysis.report import Report
from analysis.report_build import build_report
from flows.schema import AreaQuestion
from storage import migrate
from storage import report as store
from storage.db import create_engine, session_factory
from storage.models import Answer
from tests.conftest import QUESTIONNAIRES
from tests.digest.helpers import ZONE, Response, add, fill
from tests.digest.helpers import store as store_questionnaire

AFVAL = QUESTIONNAIRES / "afvalinzameling.yaml"
GROEN = QUESTIONNAIRES / "groen-in-de-wijk.yaml"
SCHOOL = QUESTIONNAIRES / "schoolroutes.yaml"
SINCE = datetime(2026, 11, 2, tzinfo=UTC)
NOW = datetime(2026, 11, 20, tzinfo=UTC)
#: Written answers that wait for moderation or were rejected: never in a report.
UNMODERATED = "Ongemodereerd geheim antwoord over de container bij Pietje Puk"
REJECTED = "Afgewezen antwoord vol scheldwoorden over de vuilniswagen"
#: An approved answer with a phone number: quoted, scrubbed.
PHONE = "06-12345678"
RESPONSES = 60


@dataclass(frozen=True)
class Seeded:
    url: str
    path: Path


def _seed(path: Path) -> None:
    async def run() -> None:
        url = f"sqlite+aiosqlite:///{path}"
        engine = create_engine(url)
        await migrate.upgrade(engine)
        sessions = session_factory(engine)
        afval = await store_questionnaire(sessions, AFVAL)
        await store_questionnaire(sessions, GROEN)
        school = await store_questionnaire(sessions, SCHOOL)
        await fill(sessions, afval, RESPONSES, since=SINCE)
        text_ids = [q.id for q in afval.questions if q.type.value == "text"]
        async with sessions.begin() as db:
            rows = (
                await db.execute(select(Answer.id, Answer.question_id).order_by(Answer.id))
            ).all()
            texts = [i for i, q in rows if q in text_ids]
            await db.execute(
                update(Answer).where(Answer.id.in_(texts)).values(moderation="approved")
            )
            await db.execute(
                update(Answer)
                .where(Answer.id == texts[0])
                .values(value=UNMODERATED, moderation="pending")
            )
            await db.execute(
                update(Answer)
                .where(Answer.id == texts[1])
                .values(value=REJECTED, moderation="rejected")
            )
            await db.execute(
                update(Answer)
                .where(Answer.id == texts[2])
                .values(value=f"Bel me op {PHONE} over de kapotte container in de straat")
            )
            # Three residents answered schoolroutes: too few to show anything.
            first = school.questions[0]
            value = first.areas[0].id if isinstance(first, AreaQuestion) else first.options[0].id  # type: ignore[union-attr]
            for i in range(3):
                moment = SINCE + timedelta(days=1, hours=i)
                await add(
                    db, school.id, Response({first.id: value}, started=moment, answered=moment)
                )
        await engine.dispose()

    asyncio.run(run())


@pytest.fixture(scope="session")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Seeded]:
    """One SQLite file for every report test (read only)."""
    path = tmp_path_factory.mktemp("report") / "samenspraak.db"
    _seed(path)
    yield Seeded(f"sqlite+aiosqlite:///{path}", path)


def report_of(seeded: Seeded, path: Path, *, min_cell: int = 5) -> Report:
    """The report of a questionnaire file's questionnaire, built as the service builds it."""
    from flows.loader import load_file

    questionnaire = load_file(path)

    async def run() -> Report:
        engine = create_engine(seeded.url)
        try:
            async with session_factory(engine)() as db:
                inputs = await store.gather_report(
                    db, questionnaire, SINCE - timedelta(days=30), NOW
                )
        finally:
            await engine.dispose()
        return build_report(
            inputs, questionnaire, municipality="Rivierstad", generated_at=NOW, min_cell=min_cell
        )

    return asyncio.run(run())


__all__ = ["ZONE"]

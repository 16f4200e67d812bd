"""``samenspraak population import FILE [--from DATE]``: the shipped Rivierstad figures are
read, mapped onto the questionnaires' wijken and stored from their date; a bad file (wrong
columns, a negative or blank count, a wijk that matches nothing, too large) is refused with
its line numbers and stores nothing."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import func, select

from storage import population
from storage.db import create_engine, session_factory
from storage.models import ReferencePopulation
from tests.test_cli_admin import Run, samenspraak

__all__ = ["samenspraak"]  # the fixture, shared with the questionnaire commands' tests

SHIPPED = Path(__file__).resolve().parents[1] / "populations" / "rivierstad-2026.csv"
SIMPLE = "wijk,leeftijd,inwoners\n" + "".join(
    f"{wijk},{band},{count}\n"
    for wijk in ("Centrum", "Noord", "Oost", "Zuid", "West", "De Hoven", "Dorpen en buitengebied")
    for band, count in (("15-24", 100), ("25-44", 200), ("45-64", 150), ("65+", 90))
)


def _stored(database_url: str) -> tuple[int, datetime | None, int | None]:
    async def go() -> tuple[int, datetime | None, int | None]:
        engine = create_engine(database_url)
        try:
            async with session_factory(engine)() as db:
                count = await db.scalar(select(func.count()).select_from(ReferencePopulation))
                found = await population.population_at(db, datetime(2030, 1, 1, tzinfo=UTC))
        finally:
            await engine.dispose()
        return int(count or 0), found.valid_from if found else None, found.total if found else None

    return asyncio.run(go())


def test_the_shipped_cbs_file_is_imported_from_its_date(
    samenspraak: Run, database_url: str
) -> None:
    status, out, err = samenspraak("population", "import", str(SHIPPED), "--from", "2026-01-01")
    assert status == 0, out + err
    assert "Bevolking uit rivierstad-2026.csv (CBS Kerncijfers)" in out
    assert "Geldt vanaf 1 jan 2026." in out or "Geldt vanaf 1 januari 2026." in out
    assert "• Noord: " in out and "• Dorpen en buitengebied: " in out
    assert out.rstrip().endswith("stored as population 1")
    count, valid_from, total = _stored(database_url)
    assert count == 1 and valid_from is not None
    assert valid_from.astimezone(UTC) == datetime(2025, 12, 31, 23, tzinfo=UTC)  # Amsterdam
    assert total is not None and total > 40_000


def test_bad_files_are_refused_with_line_numbers_and_change_nothing(
    samenspraak: Run, database_url: str, tmp_path: Path
) -> None:
    cases = {
        "columns.csv": ("naam;aantal\nNoord;5\n", "kolom"),
        "negative.csv": (SIMPLE.replace("Noord,25-44,200", "Noord,25-44,-4"), "regel 7"),
        "blank.csv": (SIMPLE.replace("Zuid,45-64,150", "Zuid,45-64,"), "regel 16"),
        "unmatched.csv": (
            SIMPLE.replace("De Hoven,", "Atlantis,"),
            "wijk Atlantis hoort bij geen wijk van de vragenlijsten",
        ),
    }
    for name, (content, said) in cases.items():
        path = tmp_path / name
        path.write_text(content, encoding="utf-8")
        status, out, err = samenspraak("population", "import", str(path))
        assert status == 1, (name, out, err)
        assert said in out, (name, out)
        assert all(line.startswith(f"{path}: ") for line in out.splitlines()), out
        assert "nothing was stored" in err
    big = tmp_path / "big.csv"
    with big.open("wb") as file:
        file.truncate(50 * 1024 * 1024)  # 50 MB (sparse)
    status, out, err = samenspraak("population", "import", str(big))
    assert (status, out) == (1, "") and "too large (50 MB)" in err
    assert _stored(database_url) == (0, None, None)

"""A reference population uploaded by an administrator in chat, through the fake Bot API:
bad files (wrong columns, a negative or blank count, a wijk that matches nothing, 50 MB) get
clear, line-numbered answers and change nothing; the CBS file is previewed per wijk and used
once the administrator taps Opslaan; Annuleren keeps nothing."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import func, select

from sandbox.fakeapi import FakeBotApi
from storage import population
from storage.models import ReferencePopulation
from tests.e2e.conftest import BotRunner
from tests.e2e.test_admin import admin, audit_log, running, scalar, upload

SHIPPED = Path(__file__).resolve().parents[2] / "populations" / "rivierstad-2026.csv"
CBS = SHIPPED.read_bytes()
SIMPLE = "wijk;leeftijd;inwoners\n" + "".join(
    f"{wijk};{band};{count}\n"
    for wijk in ("Centrum", "Noord", "Oost", "Zuid", "West", "De Hoven", "Dorpen en buitengebied")
    for band, count in (("15-24", 100), ("25-44", 200), ("45-64", 150), ("65+", 90))
)


async def stored(runner: BotRunner) -> int:
    return int(await scalar(runner, select(func.count()).select_from(ReferencePopulation)))


async def test_bad_population_files_get_clear_errors_and_change_nothing(
    fake: FakeBotApi, database_url: str
) -> None:
    async with running(fake, database_url, municipality_name="Rivierstad") as runner:
        boss = admin(fake)
        columns = await upload(boss, "bevolking.csv", "naam;aantal\nNoord;5\n", "text/csv")
        assert "bevolking.csv kan ik niet gebruiken als bevolking. Er is niets veranderd." in (
            columns.text
        )
        assert "kolom" in columns.text
        negative = SIMPLE.replace("Noord;25-44;200", "Noord;25-44;-4")
        reply = await upload(boss, "negatief.csv", negative, "text/csv")
        assert "• regel 7: " in reply.text and "-4" in reply.text
        blank = SIMPLE.replace("Zuid;45-64;150", "Zuid;45-64;")
        reply = await upload(boss, "leeg.csv", blank, "text/csv")
        assert "• regel 16: " in reply.text
        unknown = SIMPLE.replace("De Hoven;", "<b>Atlantis</b>;")
        reply = await upload(boss, "atlantis.csv", unknown, "text/csv")
        assert "wijk <b>Atlantis</b> hoort bij geen wijk van de vragenlijsten" in reply.text
        assert "&lt;b&gt;Atlantis" in (reply.html or ""), "a wijk's name is text, not markup"
        await boss.send_document(
            "groot.csv", b"wijk;leeftijd;inwoners\n", "text/csv", declared_size=50 * 1024 * 1024
        )
        big = await boss.next_message()
        assert big.text == (
            "Dit bestand is te groot (50 MB). Een bevolkingsbestand is hoogstens 20 MB. "
            "Er is niets veranderd."
        )
        assert await stored(runner) == 0
        results = [e.detail["result"] for e in await audit_log(runner, "population.upload")]
        assert results == ["invalid", "invalid", "invalid", "invalid", "too_big"]


async def test_a_cbs_file_is_previewed_and_used_once_saved(
    fake: FakeBotApi, database_url: str
) -> None:
    async with running(fake, database_url, municipality_name="Rivierstad") as runner:
        boss = admin(fake)
        await boss.send_document("kerncijfers.csv", CBS, "text/csv", caption="vanaf 2026-01-01")
        preview = await boss.next_message()
        assert preview.text.startswith("Bevolking uit kerncijfers.csv (CBS Kerncijfers)")
        assert "Geldt vanaf 1 jan" in preview.text
        assert "• Noord: " in preview.text and "15 tot 25 jaar: " in preview.text
        assert [b for row in preview.buttons for b in row] == ["Opslaan", "Annuleren"]
        assert runner.services is not None
        async with runner.services.sessions() as db:  # a draft: no digest uses it yet
            assert await population.population_at(db, datetime(2030, 1, 1, tzinfo=UTC)) is None
        await boss.press("Opslaan", message=preview)
        saved = await boss.next_edit()
        assert saved.text.startswith("Opgeslagen: de bevolking uit kerncijfers.csv geldt vanaf")
        async with runner.services.sessions() as db:
            found = await population.population_at(db, datetime(2030, 1, 1, tzinfo=UTC))
        assert found is not None and found.source == "kerncijfers.csv"
        assert found.valid_from == datetime(2025, 12, 31, 23, tzinfo=UTC)
        await boss.press_data(f"pop:y:{found.id}", message_id=preview.message_id)  # again
        again = await boss.next_edit()
        assert again.text == "Deze bevolking is al opgeslagen of geannuleerd."
        await boss.send_document("tweede.csv", SIMPLE.encode(), "text/csv")
        second = await boss.next_message()
        await boss.press("Annuleren", message=second)
        cancelled = await boss.next_edit()
        assert cancelled.text == "Niet opgeslagen. Er is niets veranderd."
        assert await stored(runner) == 1
        actions = [e.action for e in await audit_log(runner)]
        assert actions.count("population.confirm") == 1
        assert actions.count("population.cancel") == 1

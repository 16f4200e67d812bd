"""The catalog refresh every worker runs every JOBS_INTERVAL: when nothing changed it reads
no source and parses nothing; a new version is parsed once; a stored source that no longer
parses is reported once, not parsed again at every refresh."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

import bot.core.parsing
from bot.core.services import Services
from flows.loader import parse
from storage import admin
from storage.admin import checksum
from storage.models import QuestionnaireRecord, QuestionnaireVersion
from tests.conftest import QUESTIONNAIRES
from tests.storage.helpers import mini_source, variant
from tests.support.bots import built_services

NOW = datetime(2031, 5, 1, 10, 0, tzinfo=UTC)


@pytest.fixture
async def services(database_url: str) -> AsyncIterator[Services]:
    async with built_services(database_url) as built:
        yield built


async def test_refreshing_without_changes_parses_nothing(
    services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    parsed: list[str] = []

    def counting(text: str, source: str = "<questionnaire>", images: Path | None = None) -> object:
        parsed.append(source)
        return parse(text, source, images)

    read: list[object] = []
    real_sources = admin.sources

    async def counted_sources(db: object, keys: object) -> object:
        read.append(sorted(keys))  # type: ignore[call-overload]
        return await real_sources(db, keys)  # type: ignore[arg-type]

    monkeypatch.setattr(bot.core.parsing, "parse", counting)
    monkeypatch.setattr(admin, "sources", counted_sources)
    assert len(services.catalog) == len(list(QUESTIONNAIRES.glob("*.yaml")))
    for _ in range(5):
        assert not await services.refresh_catalog()
    assert (parsed, read) == ([], [])

    text = variant(mini_source(), questionnaire_id="fiets")
    async with services.sessions.begin() as db:
        await admin.store_draft(db, parse(text), text, uploaded_by=7, now=NOW)
    assert await services.refresh_catalog()
    assert (parsed, read) == (["fiets@1"], [[("fiets", 1)]])
    assert services.catalog.get("fiets", 1) is not None
    assert services.catalog.current("fiets") is None  # a draft: residents cannot start it
    async with services.sessions.begin() as db:
        await admin.publish(db, "fiets", 1, now=NOW, zone=services.settings.zone)
    assert await services.refresh_catalog()  # now current, and not parsed again
    assert services.catalog.current("fiets") is services.catalog.get("fiets", 1)
    assert not await services.refresh_catalog()
    assert parsed == ["fiets@1"]

    # A version stored before a stricter validator: reported once, left out, not retried.
    broken = text.replace("type: scale", "type: schaal").replace("id: fiets", "id: oud")
    async with services.sessions.begin() as db:
        db.add(QuestionnaireRecord(id="oud", current_version=1, status="open", created_at=NOW))
        await db.flush()
        db.add(
            QuestionnaireVersion(
                questionnaire_id="oud",
                version=1,
                source=broken,
                checksum=checksum(broken),
                loaded_at=NOW,
                published_at=NOW,
            )
        )
    await services.refresh_catalog()
    for _ in range(3):
        assert not await services.refresh_catalog()
    assert parsed == ["fiets@1", "oud@1"]
    assert services.catalog.current("oud") is None

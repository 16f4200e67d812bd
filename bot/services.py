"""What the handlers need, built once at start-up and passed down (no globals)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cached_property
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.config import Settings
from flows.catalog import Catalog
from flows.loader import load_directory, parse, questionnaire_files
from storage import migrate, repo
from storage.db import create_engine, is_sqlite, session_factory

log = logging.getLogger(__name__)


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class Pseudonyms:
    """Keyed hashes: the same Telegram id always maps to the same pseudonym, and a
    pseudonym cannot be turned back into an id without the secret."""

    secret: bytes

    def of(self, telegram_id: int) -> str:
        return hmac.new(self.secret, f"user:{telegram_id}".encode(), hashlib.sha256).hexdigest()

    def button_token(self, session_id: int, question_id: str) -> str:
        """8 characters binding a button to one session and question."""
        digest = hmac.new(
            self.secret, f"button:{session_id}:{question_id}".encode(), hashlib.sha256
        ).digest()
        return base64.urlsafe_b64encode(digest[:6]).decode()


@dataclass
class Services:
    settings: Settings
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    catalog: Catalog
    pseudonyms: Pseudonyms
    # Long read-only queries (digests): on SQLite a second engine that keeps the event loop
    # free and blocks no writer; on PostgreSQL the same pool as ``sessions``.
    reports_engine: AsyncEngine | None = None
    clock: Callable[[], datetime] = field(default=utc_now)

    @cached_property
    def reports(self) -> async_sessionmaker[AsyncSession]:
        return session_factory(self.reports_engine) if self.reports_engine else self.sessions

    async def close(self) -> None:
        await self.engine.dispose()
        if self.reports_engine is not None:
            await self.reports_engine.dispose()


def read_questionnaires(directory: Path) -> list[tuple[str, int, str]]:
    """(id, version, source) of every file; raises QuestionnaireError listing all problems."""
    load_directory(directory)  # validates every file and reports all problems at once
    found = []
    for path in questionnaire_files(directory):
        text = path.read_text(encoding="utf-8")
        questionnaire = parse(text, str(path))
        found.append((questionnaire.id, questionnaire.version, text))
    return found


async def load_catalog(sessions: async_sessionmaker[AsyncSession]) -> Catalog:
    """Every stored questionnaire version, compiled."""
    catalog = Catalog()
    async with sessions() as db:
        versions = await repo.stored_versions(db)
    for stored in versions:
        questionnaire = parse(stored.source, f"{stored.questionnaire_id}@{stored.version}")
        catalog.add(questionnaire, status=stored.status, current=stored.current)
    return catalog


async def build_services(settings: Settings, *, seed: bool = True) -> Services:
    """Migrate the database, seed it from QUESTIONNAIRES_DIR and compile the catalog."""
    engine = create_engine(settings.database_url)
    try:
        await migrate.upgrade(engine)
        sessions = session_factory(engine)
        if seed:
            sources = read_questionnaires(settings.questionnaires_dir)
            async with sessions.begin() as db:
                for questionnaire_id, version, source in sources:
                    if await repo.sync_questionnaire(db, questionnaire_id, version, source):
                        log.info("loaded questionnaire %s version %s", questionnaire_id, version)
        catalog = await load_catalog(sessions)
    except BaseException:
        await engine.dispose()
        raise
    reports = (
        create_engine(settings.database_url, reading=True)
        if is_sqlite(settings.database_url)
        else None
    )
    return Services(
        settings, engine, sessions, catalog, Pseudonyms(settings.secret()), reports_engine=reports
    )

"""What the handlers need, built once at start-up and passed down (no globals)."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cached_property
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.core.config import Settings
from bot.core.parsing import Parser
from flows.catalog import Catalog, Key
from flows.deliberation import read_directory as read_deliberations
from flows.loader import QuestionnaireError, load_sources
from flows.schema import Questionnaire
from storage import admin, deliberations, migrate
from storage.db import LOOK_ONLY, create_engine, is_sqlite, session_factory

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
    # Questionnaires uploaded or stored meanwhile, parsed off the event loop.
    parser: Parser = field(default_factory=Parser)
    _refreshing: asyncio.Lock = field(default_factory=asyncio.Lock, repr=False)
    # Stored versions whose source no longer parses, by checksum: reported once, not read
    # and parsed again every JOBS_INTERVAL.
    _unparsable: dict[Key, str] = field(default_factory=dict, repr=False)

    def looking(self) -> AsyncSession:
        """A session for a look that writes and commits nothing (:data:`LOOK_ONLY`): the
        update being handled is recorded by the unit of work that follows, not by it."""
        return self.sessions(info={LOOK_ONLY: True})

    @cached_property
    def reports(self) -> async_sessionmaker[AsyncSession]:
        return session_factory(self.reports_engine) if self.reports_engine else self.sessions

    async def refresh_catalog(self, known: Mapping[str, Questionnaire] | None = None) -> bool:
        """Bring :attr:`catalog` up to date with the database; True when it changed.

        Cheap when nothing changed (one small query, nothing compiled), so every worker
        runs it every JOBS_INTERVAL seconds, and right after it changed a questionnaire
        itself: uploads, publications and status changes made by another worker or by
        the command line reach every worker. Only new versions are parsed (off the event
        loop, :mod:`bot.core.parsing`) and compiled; ``known``: questionnaires parsed
        already, by the checksum of their source (an upload), are not parsed again.
        """
        known = known or {}
        async with self._refreshing:  # an older listing never overwrites a newer one
            async with self.reports() as db:
                listing = await admin.catalog_listing(db)
                checksums = {item.key: item.checksum for item in listing}
                missing = [
                    key
                    for key in self.catalog.missing(listing)
                    if self._unparsable.get(key) != checksums[key]
                ]
                unknown = [key for key in missing if checksums[key] not in known]
                found = await admin.sources(db, unknown) if unknown else {}
            parsed = {key: known[checksums[key]] for key in missing if checksums[key] in known}
            for (qid, version), source in found.items():
                try:
                    parsed[(qid, version)] = await self.parser.parse(source, f"{qid}@{version}")
                except QuestionnaireError as exc:  # stored before a stricter validator
                    log.error("stored questionnaire %s@%s is not valid: %s", qid, version, exc)
                    self._unparsable[(qid, version)] = checksums[(qid, version)]
            return self.catalog.sync(listing, parsed)

    async def close(self) -> None:
        await self.parser.close()
        await self.engine.dispose()
        if self.reports_engine is not None:
            await self.reports_engine.dispose()


def read_questionnaires(directory: Path) -> list[tuple[Questionnaire, str]]:
    """Every file, parsed once, with its text; raises QuestionnaireError listing all
    problems of all files."""
    return load_sources(directory)


async def seed_questionnaires(
    sessions: async_sessionmaker[AsyncSession],
    settings: Settings,
    now: datetime,
    parsed: dict[str, Questionnaire] | None = None,
) -> int:
    """Store the files in QUESTIONNAIRES_DIR that the database does not have yet; the number
    stored. The database is the source of truth: this only adds new (id, version) pairs, as
    published versions, and never reopens a questionnaire closed or archived since.
    ``parsed``: filled with every file's questionnaire by the checksum of its text, so that
    the catalog does not parse them again."""
    found = read_questionnaires(settings.questionnaires_dir)
    if parsed is not None:
        parsed.update((admin.checksum(source), questionnaire) for questionnaire, source in found)
    talks = read_deliberations(settings.questionnaires_dir)  # in its folder "stellingen"
    added = 0
    async with sessions.begin() as db:
        for questionnaire, source in found:
            if await admin.seed(db, questionnaire, source, now=now, zone=settings.zone):
                log.info("loaded questionnaire %s", questionnaire.key)
                added += 1
        for deliberation, source in talks:
            if await deliberations.seed(db, deliberation, source, now=now):
                log.info("loaded deliberation %s", deliberation.key)
                added += 1
    return added


async def build_services(settings: Settings, *, seed: bool = True) -> Services:
    """Migrate the database, seed it from QUESTIONNAIRES_DIR and compile the catalog."""
    engine = create_engine(settings.database_url)
    reports: AsyncEngine | None = None
    try:
        await migrate.upgrade(engine)
        sessions = session_factory(engine)
        parsed: dict[str, Questionnaire] = {}
        if seed:
            await seed_questionnaires(sessions, settings, utc_now(), parsed)
        if is_sqlite(settings.database_url):
            reports = create_engine(settings.database_url, reading=True)
        services = Services(
            settings,
            engine,
            sessions,
            Catalog(),
            Pseudonyms(settings.secret()),
            reports_engine=reports,
        )
        await services.refresh_catalog(parsed)
    except BaseException:
        await engine.dispose()
        if reports is not None:
            await reports.dispose()
        raise
    return services

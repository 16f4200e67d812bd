"""Shared fixtures: a real database per test, SQLite always and PostgreSQL when
TEST_DATABASE_URL is set (CI sets it; without it those cases are skipped)."""

from __future__ import annotations

import asyncio
import os
import shutil
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from storage import migrate
from storage.db import create_engine, session_factory

ROOT = Path(__file__).resolve().parent.parent
QUESTIONNAIRES = ROOT / "questionnaires"
PG_ENV = "TEST_DATABASE_URL"


#: Test folders whose subject is the database: every test there runs on SQLite and PostgreSQL.
STORAGE_LEVEL = ("storage", "digest")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """The storage-level tests run on both databases. A test above that level (end to end,
    the command line, the web) runs on SQLite, unless its module is marked
    ``both_databases`` because its subject is what the database does under it (a kill, a
    restart, workers sharing leases, the outbox): the repositories it calls are tested on
    PostgreSQL at their own level, and running every conversation twice doubled the suite."""
    tests = Path(__file__).resolve().parent
    kept: list[pytest.Item] = []
    dropped: list[pytest.Item] = []
    for item in items:
        callspec = getattr(item, "callspec", None)
        params = callspec.params if callspec is not None else {}
        on_postgres = "postgresql" in (
            params.get("database_url"),
            params.get("empty_database_url"),
        )
        folder = Path(str(item.path)).resolve().relative_to(tests).parts[0]
        if (
            on_postgres
            and folder not in STORAGE_LEVEL
            and item.get_closest_marker("both_databases") is None
        ):
            dropped.append(item)
        else:
            kept.append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept


async def _admin(sql: str) -> None:
    engine = create_async_engine(os.environ[PG_ENV], isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as connection:
            await connection.execute(text(sql))
    finally:
        await engine.dispose()


@pytest.fixture(scope="session")
def postgres_database() -> Iterator[str]:
    """A database of its own for this test run, dropped at the end."""
    if not os.environ.get(PG_ENV):
        pytest.skip(
            f"PostgreSQL tests need {PG_ENV} (e.g. postgresql+asyncpg://postgres@127.0.0.1/test)"
        )
    name = f"samenspraak_test_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    asyncio.run(_admin(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(os.environ[PG_ENV]).set(database=name).render_as_string(hide_password=False)
    finally:
        asyncio.run(_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


async def _reset_postgres(url: str) -> None:
    engine = create_async_engine(url, isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as connection:
            await connection.execute(text("DROP SCHEMA public CASCADE"))
            await connection.execute(text("CREATE SCHEMA public"))
    finally:
        await engine.dispose()


async def _clean_postgres(url: str) -> None:
    """Empty every table of a database at the newest schema; migrate only if it is not there.

    Emptying takes milliseconds where migrating from nothing takes a good part of a second,
    and nearly every test wants the newest schema with no rows."""
    engine = create_async_engine(url, isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as connection:
            tables = (
                (
                    await connection.execute(
                        text("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
                    )
                )
                .scalars()
                .all()
            )
            at_head = (
                "alembic_version" in tables
                and (
                    await connection.execute(text("SELECT version_num FROM alembic_version"))
                ).scalar()
                == migrate.head()
            )
            if at_head:
                names = ", ".join(f'"{name}"' for name in tables if name != "alembic_version")
                if names:
                    await connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
                return
            await connection.execute(text("DROP SCHEMA public CASCADE"))
            await connection.execute(text("CREATE SCHEMA public"))
    finally:
        await engine.dispose()
    migrating = create_engine(url)
    try:
        await migrate.upgrade(migrating)
    finally:
        await migrating.dispose()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One SQLite file at the newest schema per test process, copied for each test."""
    path = tmp_path_factory.mktemp("template") / "samenspraak.db"

    async def build() -> None:
        engine = create_engine(f"sqlite+aiosqlite:///{path}")
        try:
            await migrate.upgrade(engine)
        finally:
            await engine.dispose()

    asyncio.run(build())
    return path


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def empty_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A database with no schema at all: a new SQLite file, or an empty PostgreSQL schema
    (for the tests of migrating itself)."""
    if request.param == "sqlite":
        return f"sqlite+aiosqlite:///{tmp_path / 'samenspraak.db'}"
    url: str = request.getfixturevalue("postgres_database")
    asyncio.run(_reset_postgres(url))
    return url


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A database at the newest schema with no rows: a copy of the migrated SQLite
    template, or the PostgreSQL test database with every table emptied."""
    if request.param == "sqlite":
        path = tmp_path / "samenspraak.db"
        shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
        return f"sqlite+aiosqlite:///{path}"
    url: str = request.getfixturevalue("postgres_database")
    asyncio.run(_clean_postgres(url))
    return url


@pytest.fixture
def sqlite_url(tmp_path: Path, sqlite_template: Path) -> str:
    """A migrated, empty SQLite database only: for end-to-end tests whose subject is the
    conversation, not the database (the storage tests and a chosen set of end-to-end
    tests cover PostgreSQL through ``database_url``)."""
    path = tmp_path / "samenspraak.db"
    shutil.copyfile(sqlite_template, path)
    return f"sqlite+aiosqlite:///{path}"


@pytest.fixture
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    """A database at the newest schema (``database_url`` is migrated already)."""
    engine = create_engine(database_url)
    yield engine
    await engine.dispose()


@pytest.fixture
def sessions(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return session_factory(engine)

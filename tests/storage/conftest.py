"""Fixtures for repository tests (on top of ``database_url``/``engine``/``sessions``)."""

from __future__ import annotations

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from tests.storage.helpers import mini_source, sync


@pytest.fixture
async def mini(sessions: async_sessionmaker[AsyncSession]) -> str:
    """A migrated database with mini.yaml stored as questionnaire ``mini`` version 1."""
    source = mini_source()
    assert await sync(sessions, "mini", 1, source)
    return source

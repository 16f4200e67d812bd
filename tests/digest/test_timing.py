"""How long a digest of 100,000 responses takes: a note, not a limit.

Run with ``DIGEST_TIMING=1 .venv/bin/pytest tests/digest/test_timing.py -s`` (add
TEST_DATABASE_URL for PostgreSQL too). Skipped otherwise: filling the database takes a while.
"""

from __future__ import annotations

import os
import time
from zoneinfo import ZoneInfo

import pytest

from bot import charts
from flows import digest as d
from storage import digest as storage_digest
from tests.digest.helpers import ROOT, SINCE, UNTIL, Sessions, bulk_fill, store

RESPONSES = int(os.environ.get("DIGEST_TIMING_RESPONSES", "100000"))

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not os.environ.get("DIGEST_TIMING"), reason="set DIGEST_TIMING=1"),
]


async def test_digest_of_many_responses(sessions: Sessions, database_url: str) -> None:
    questionnaire = await store(sessions, ROOT / "questionnaires" / "afvalinzameling.yaml")
    started = time.perf_counter()
    answers = await bulk_fill(sessions, questionnaire, RESPONSES)
    filled = time.perf_counter() - started

    started = time.perf_counter()
    async with sessions() as db:
        digest = await storage_digest.aggregate(db, questionnaire, SINCE, UNTIL)
    aggregated = time.perf_counter() - started

    zone = ZoneInfo("Europe/Amsterdam")
    started = time.perf_counter()
    messages = d.split_messages(d.compose(digest, questionnaire, zone=zone))
    d.caption(digest, questionnaire, zone=zone)
    composed = time.perf_counter() - started

    started = time.perf_counter()
    png = charts.render_chart(digest, questionnaire, zone=zone)
    drawn = time.perf_counter() - started

    assert digest.responses.total == RESPONSES
    backend = database_url.split(":", 1)[0]
    print(
        f"\n{backend}: {RESPONSES:,} responses, {answers:,} answers (filled in {filled:.1f} s)\n"
        f"  aggregates {aggregated:.2f} s · text {composed * 1000:.0f} ms "
        f"({len(messages)} messages) · chart {drawn:.2f} s {charts.png_size(png)}\n"
        f"  total {aggregated + composed + drawn:.2f} s"
    )

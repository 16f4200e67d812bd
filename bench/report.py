"""Benchmark: the report of a big questionnaire, and its public page served from the cache.

``python -m bench.report`` (or ``python -m bench report``). A temporary SQLite database is
filled as for the digest benchmark (:func:`bench.digest.fill`: 100,000 realistic responses
to ``afvalinzameling``, about 755,000 answers). Then, the way the bot does it:

- the Word report (:meth:`ReportService.docx`: the digest's aggregates over the whole
  period, the model, a chart per closed question, the .docx), best of a few;
- the public page published, built once (cold), then fetched over HTTP from the web
  server's route (:mod:`bot.staff.report_web`) many times while nothing changes: each
  request checks that nothing changed (:func:`storage.report.quick_stamp`) and serves the
  cached page; then again with the questionnaire's own stamp checked on every request (as
  happens while residents answer other questionnaires); median and 95th percentile;
- for comparison, the digest's aggregates over the same answers on the same machine (the
  machine's load average is recorded too: on a shared machine it dominates).

Targets: the report in under 10 s, the cached page in under 200 ms.
Settings (environment): ``BENCH_REPORT_RESPONSES`` (default 100000).
"""

from __future__ import annotations

import asyncio
import json
import os
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web

from bench.digest import QUESTIONNAIRE, QUESTIONNAIRES, SINCE, UNTIL, fill
from flows.loader import load_file
from storage import digest as storage_digest
from storage.db import create_engine

RESPONSES = 100_000
REPORT_TARGET_S = 10.0
PAGE_TARGET_MS = 200.0
REPEATS = 3
REQUESTS = 50


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


async def run(database_url: str, count: int) -> dict[str, Any]:
    from bot.core.config import load_settings
    from bot.core.services import build_services
    from bot.staff import report_web
    from bot.staff.reports import ReportService
    from storage import report as store

    questionnaire = load_file(QUESTIONNAIRES / f"{QUESTIONNAIRE}.yaml")
    engine = create_engine(database_url)
    try:
        figures = await fill(engine, questionnaire, count)
    finally:
        await engine.dispose()
    _say(f"   filled: {figures['responses']:,} responses, {figures['answers']:,} answers")
    settings = load_settings(
        _env_file=None,
        database_url=database_url,
        questionnaires_dir=QUESTIONNAIRES,
        telegram_bot_token="123456:" + "x" * 35,
    )
    services = await build_services(settings)
    try:
        service = ReportService(services)
        timings, size, level = [], 0, ""
        for _ in range(REPEATS):
            began = time.perf_counter()
            report, data = await service.docx(QUESTIONNAIRE)
            timings.append(time.perf_counter() - began)
            size, level = len(data), report.level
        began = time.perf_counter()
        await service.build(QUESTIONNAIRE)
        model_s = time.perf_counter() - began
        figures.update(
            report_s=round(min(timings), 2),
            report_runs_s=[round(t, 2) for t in timings],
            model_s=round(model_s, 2),
            docx_bytes=size,
            level=level,
            charts=len(report.shown()),
        )
        _say(f"   Word report: best {min(timings):.2f} s of {REPEATS} (model {model_s:.2f} s)")

        async with services.sessions.begin() as db:
            await store.publish(db, QUESTIONNAIRE, now=datetime.now(UTC))
        app = web.Application()
        report_web.add_routes(app, lambda: service)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port = runner.addresses[0][1]
        url = f"http://127.0.0.1:{port}/resultaten/{QUESTIONNAIRE}"
        try:
            async with aiohttp.ClientSession() as http:
                began = time.perf_counter()
                async with http.get(url) as response:
                    assert response.status == 200, response.status
                    page_bytes = len(await response.read())
                cold = time.perf_counter() - began
                served = await _fetch(http, url)
                service.recheck_after = 0  # the questionnaire's own stamp on every request
                checked = await _fetch(http, url)
        finally:
            await runner.cleanup()
        figures.update(
            page_cold_s=round(cold, 2),
            page_cached_median_ms=_median(served),
            page_cached_p95_ms=_p95(served),
            page_checked_median_ms=_median(checked),
            page_checked_p95_ms=_p95(checked),
            page_bytes=page_bytes,
            requests=REQUESTS,
        )
        _say(
            f"   page: cold {cold:.2f} s; cached median {figures['page_cached_median_ms']} ms, "
            f"p95 {figures['page_cached_p95_ms']} ms; with the questionnaire's stamp checked "
            f"each time median {figures['page_checked_median_ms']} ms, "
            f"p95 {figures['page_checked_p95_ms']} ms"
        )
        # The digest's own aggregates over the same answers, for comparison on this machine.
        questionnaire = service.questionnaire(QUESTIONNAIRE)
        began = time.perf_counter()
        async with services.reports() as db:
            await storage_digest.gather(db, questionnaire, SINCE, UNTIL)
        figures["digest_aggregates_s"] = round(time.perf_counter() - began, 2)
        figures["load_average"] = [round(x, 1) for x in os.getloadavg()]
        _say(f"   the digest's aggregates alone: {figures['digest_aggregates_s']} s")
    finally:
        await services.close()
    figures["meets_target"] = (
        figures["report_s"] < REPORT_TARGET_S and figures["page_cached_p95_ms"] < PAGE_TARGET_MS
    )
    return figures


async def _fetch(http: aiohttp.ClientSession, url: str) -> list[float]:
    """Milliseconds per GET of ``url``, one after the other."""
    served = []
    for _ in range(REQUESTS):
        began = time.perf_counter()
        async with http.get(url) as response:
            assert response.status == 200
            await response.read()
        served.append((time.perf_counter() - began) * 1000)
    return sorted(served)


def _median(values: list[float]) -> float:
    return round(statistics.median(values), 1)


def _p95(values: list[float]) -> float:
    return round(sorted(values)[int(len(values) * 0.95) - 1], 1)


def main() -> dict[str, Any]:
    count = int(os.environ.get("BENCH_REPORT_RESPONSES", RESPONSES))
    with tempfile.TemporaryDirectory(prefix="samenspraak-bench-report-") as folder:
        _say(f"== report of {count:,} responses: SQLite")
        url = f"sqlite+aiosqlite:///{Path(folder) / 'report.db'}"
        result = asyncio.run(run(url, count))
    result["targets"] = {"report_s": REPORT_TARGET_S, "page_cached_ms": PAGE_TARGET_MS}
    return result


if __name__ == "__main__":
    print(json.dumps(main(), indent=2))

"""Benchmark: the files for a round of letters with invitation codes.

``python -m bench.codes`` times, for ``BENCH_CODES`` codes (default 1,000): drawing the
codes and their keyed hashes (:mod:`flows.codes`), the CSV, the zip of QR PNG files and
the printable PDF (:mod:`bot.admin.code_sheets`), and storing the hashes and using every
code once on a temporary SQLite database (:mod:`storage.codes`). It prints JSON.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

CODES = 1_000


def _timed(results: dict[str, Any], name: str, began: float) -> None:
    results[name] = round(time.perf_counter() - began, 3)
    print(f"{name}: {results[name]} s", file=sys.stderr, flush=True)


async def _database(url: str, digests: list[str]) -> dict[str, Any]:
    from storage import codes, migrate
    from storage.codes import Found
    from storage.db import create_engine, session_factory
    from tests.storage.helpers import mini_source, sync

    engine = create_engine(url)
    await migrate.upgrade(engine)
    sessions = session_factory(engine)
    results: dict[str, Any] = {}
    try:
        assert await sync(sessions, "mini", 1, mini_source())
        began = time.perf_counter()
        async with sessions.begin() as db:
            await codes.store_codes(db, "mini", digests)
        _timed(results, "store_hashes_s", began)
        began = time.perf_counter()
        found = []
        for digest in digests:  # one unit of work per code, as residents use them
            async with sessions.begin() as db:
                found.append((await codes.redeem(db, digest)).found)
        _timed(results, "use_each_once_s", began)
        assert set(found) == {Found.OK}
    finally:
        await engine.dispose()
    return results


def main() -> dict[str, Any]:
    from bot.admin.code_sheets import Letter, csv_bytes, pdf_bytes, qr_zip
    from flows import codes as shapes

    count = int(os.environ.get("BENCH_CODES", CODES))
    results: dict[str, Any] = {"codes": count, "load_average": os.getloadavg()}
    began = time.perf_counter()
    key = shapes.code_key(b"bench secret")
    drawn = shapes.new_codes(count)
    digests = [shapes.code_digest(key, code) for code in drawn]
    _timed(results, "draw_and_hash_s", began)
    letters = [
        Letter(c, f"https://bot.gemeente.example/doe-mee/{c}", f"https://t.me/bot?start={c}")
        for c in drawn
    ]
    began = time.perf_counter()
    results["csv_bytes"] = len(csv_bytes(letters))
    _timed(results, "csv_s", began)
    began = time.perf_counter()
    results["zip_bytes"] = len(qr_zip(letters))
    _timed(results, "qr_zip_s", began)
    began = time.perf_counter()
    results["pdf_bytes"] = len(pdf_bytes(letters, "Benchmark"))
    _timed(results, "pdf_s", began)
    with tempfile.TemporaryDirectory(prefix="samenspraak-bench-codes-") as folder:
        url = f"sqlite+aiosqlite:///{Path(folder) / 'codes.db'}"
        results.update(asyncio.run(_database(url, digests)))
    return results


if __name__ == "__main__":
    print(json.dumps(main(), indent=2))

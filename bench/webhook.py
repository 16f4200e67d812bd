"""Benchmark 4: webhook throughput and latency at a fixed offered load, by number of workers.

Samenspraak runs as ``samenspraak serve`` worker processes: one on SQLite, then one, two and
four on PostgreSQL (with ``BENCH_DATABASE_URL``, else ``TEST_DATABASE_URL``; a database of
its own per set-up, dropped afterwards). The fake Bot API in this process delivers every
update by webhook to a round-robin load balancer (``sandbox.balancer``, a child process), which
passes it to the workers in turn. Simulated residents (``bench.residents``) hold whole
conversations; a pacer lets them send at most ``rate`` updates per second in all, so the
offered load is the same for every set-up. Measured over a window after a warm-up:
answers per second and the update-to-reply latency of each answer (from posting the
update until the bot's next question arrives), p50 and p99. Afterwards every answer a
resident saw confirmed must be in the database.
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
import psutil
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from bench.common import PSEUDONYM_SECRET, TOKEN, _self_cpu, _system_busy, bot_env, mib
from bench.residents import REPLY_TIMEOUT, Resident, Stats, crowd
from bot.core.services import Pseudonyms
from sandbox.fakeapi import FakeBotApi
from sandbox.models import BotMessage
from tests.support.ports import Reservation, reserve_port
from tests.support.processes import (
    ChildProcess,
    ServeWorker,
    environment,
    healthy,
    listening,
    registered,
)

WEBHOOK_SECRET = "bench-webhook-secret"
SETUPS: tuple[tuple[str, int], ...] = (
    ("sqlite", 1),
    ("postgresql", 1),
    ("postgresql", 2),
    ("postgresql", 4),
)


def postgres_url() -> str | None:
    return os.environ.get("BENCH_DATABASE_URL") or os.environ.get("TEST_DATABASE_URL")


@dataclass(frozen=True)
class Settings:
    rate: float = 150.0  # offered load: updates per second, all residents together
    residents: int = 400
    warmup: float = 10.0
    window: float = 20.0
    setups: tuple[tuple[str, int], ...] = SETUPS
    # An admin URL; each set-up gets a database of its own.
    postgres_url: str | None = field(default_factory=postgres_url)


async def run(settings: Settings) -> dict[str, Any]:
    results: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="samenspraak-bench-webhook-") as folder:
        for number, (backend, workers) in enumerate(settings.setups, 1):
            name = f"{backend}-{workers}"
            print(f"   {name}: {workers} worker(s) on {backend}", flush=True)
            workdir = Path(folder) / f"{number}-{name}"
            workdir.mkdir()
            if backend == "sqlite":
                url = f"sqlite+aiosqlite:///{workdir / 'webhook.db'}"
                result = await _setup(url, workers, workdir, settings)
            elif settings.postgres_url is None:
                result = {"skipped": "set BENCH_DATABASE_URL=postgresql+asyncpg://... to run it"}
            else:
                async with _database(settings.postgres_url) as url:
                    result = await _setup(url, workers, workdir, settings)
            results.append({"backend": backend, "workers": workers, **result})
    return {
        "settings": {
            "offered_updates_per_second": settings.rate,
            "residents": settings.residents,
            "warmup_s": settings.warmup,
            "window_s": settings.window,
        },
        "setups": results,
        "durability_ok": all(r.get("durability", {}).get("ok", True) for r in results),
    }


# --- one set-up -------------------------------------------------------------------------------


class Pacer:
    """Send slots at a fixed rate. A slot nobody is ready for is lost (no bursts later), so
    the load offered never exceeds ``rate``; it falls short only if every resident is
    waiting for a reply, which the number of residents is chosen to prevent."""

    def __init__(self, rate: float) -> None:
        self.interval = 1 / rate
        self.next = time.monotonic()

    async def slot(self) -> None:
        now = time.monotonic()
        self.next = max(self.next, now - self.interval)
        wait = self.next - now
        self.next += self.interval
        if wait > 0:
            await asyncio.sleep(wait)


class PacedResident(Resident):
    """A resident who sends only in the pacer's slots; latency counts from the send."""

    def __init__(self, *args: Any, pacer: Pacer, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.pacer = pacer

    async def _send(self, text: str) -> None:
        await self.pacer.slot()
        if self.pending_since is not None:
            self.pending_since = time.monotonic()
        await super()._send(text)

    async def _press(self, data: str, message: BotMessage) -> str:
        await self.pacer.slot()
        if self.pending_since is not None:
            self.pending_since = time.monotonic()
        return await super()._press(data, message)


class ServeProcess(ServeWorker):
    """``samenspraak serve`` in a child process, on a port reserved for it
    (``tests.support.ports``); started when it registered its webhook and answers
    ``/healthz``."""

    async def start(self, fake: FakeBotApi, within: float = 60.0) -> float:
        self.launch()
        return await self.wait_until(registered(fake), healthy(self.url), within=within)


class Front(ChildProcess):
    """The round-robin load balancer (``python -m sandbox.balancer``) in a child process, so
    that its work shows apart from the fake Bot API's and the residents'."""

    def __init__(self, port: Reservation, backends: list[str], workdir: Path) -> None:
        argv = [sys.executable, "-m", "sandbox.balancer", "--port", str(port.port), *backends]
        super().__init__("balancer", argv, environment(), workdir)
        self.url = port.url

    async def start(self) -> None:
        self.launch()
        await self.wait_until(listening(self.url), within=10)


async def _updates_counted(port: int) -> int:
    """The sum of ``samenspraak_updates_total`` on a worker's ``/metrics``."""
    async with (
        aiohttp.ClientSession() as session,
        session.get(f"http://127.0.0.1:{port}/metrics") as response,
    ):
        body = await response.text()
    return round(
        sum(
            sample.value
            for family in text_string_to_metric_families(body)
            for sample in family.samples
            if sample.name == "samenspraak_updates_total"
        )
    )


async def _database_cpu(database_url: str) -> dict[int, float]:
    """CPU seconds so far of each PostgreSQL process connected to the database (a local
    server only; nothing for SQLite, whose work is done inside the workers)."""
    if not database_url.startswith("postgresql"):
        return {}
    engine = create_async_engine(database_url)
    try:
        async with engine.connect() as connection:
            rows = await connection.execute(
                text(
                    "SELECT pid FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )
            )
            pids = [int(pid) for (pid,) in rows]
    finally:
        await engine.dispose()
    used: dict[int, float] = {}
    for pid in pids:
        try:
            times = psutil.Process(pid).cpu_times()
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue
        used[pid] = float(times.user + times.system)
    return used


def _cpu_used(before: dict[int, float], after: dict[int, float]) -> float:
    """CPU used between two readings; a process that came meanwhile counts from its start."""
    return sum(seconds - before.get(pid, 0.0) for pid, seconds in after.items())


async def _setup(
    database_url: str, count: int, workdir: Path, settings: Settings
) -> dict[str, Any]:
    fake = FakeBotApi(TOKEN)
    await fake.start()
    ports = [reserve_port() for _ in range(count + 1)]  # the front's, then the workers'
    front = Front(ports[0], [port.url for port in ports[1:]], workdir)
    await front.start()
    env = serve_env(fake, database_url, f"{front.url}/telegram")
    workers = [
        ServeProcess(f"worker-{n}", port.port, env, workdir) for n, port in enumerate(ports[1:], 1)
    ]
    for worker in workers:
        worker.argv += ["--max-connections", "100"]
    residents: list[PacedResident] = []
    late: set[asyncio.Task[None]] = set()
    stats = Stats()
    try:
        startup = []
        for worker in workers:  # one after the other: the first one migrates the database
            startup.append(round(await worker.start(fake), 2))
        pacer = Pacer(settings.rate)
        residents = crowd(fake, settings.residents, stats, PacedResident, pacer=pacer)
        stop = asyncio.Event()
        tasks = [asyncio.create_task(resident.run(stop)) for resident in residents]
        await asyncio.sleep(settings.warmup)
        cpu_before = [w.cpu_seconds() for w in workers]
        database_before = await _database_cpu(database_url)
        front_before = front.cpu_seconds()
        self_before, system_before = _self_cpu(), _system_busy()
        start = time.monotonic()
        await asyncio.sleep(settings.window)
        end = time.monotonic()
        worker_cpu = [w.cpu_seconds() - b for w, b in zip(workers, cpu_before, strict=True)]
        front_cpu = front.cpu_seconds() - front_before
        database_cpu = _cpu_used(database_before, await _database_cpu(database_url))
        own = _self_cpu() - self_before
        busy = _system_busy() - system_before
        stop.set()
        # Each resident waits for the reply to its last update, at most REPLY_TIMEOUT.
        _, late = await asyncio.wait(tasks, timeout=REPLY_TIMEOUT + 15)
        for task in late:
            task.cancel()
        settled = await fake.settle(15)
        rss = [w.rss() for w in workers]
        handled = [await _updates_counted(w.port) for w in workers]
    finally:
        codes = [await worker.stop() for worker in workers]
        await front.stop(grace=10)
        await fake.stop()
        for port in ports:
            port.release()
    seconds = end - start
    answers = stats.in_window(stats.confirmed_at, start, end)
    updates = stats.in_window(stats.interactions_at, start, end)
    latencies = [
        lat
        for lat, at in zip(stats.latencies, stats.confirmed_at, strict=True)
        if start <= at < end
    ]
    failures = [r.failed for r in residents if r.failed]
    result: dict[str, Any] = {
        "startup_s": startup,
        "updates_per_second": round(updates / seconds, 1),
        "answers_per_second": round(answers / seconds, 1),
        "answers_in_window": answers,
        "latency": percentiles(latencies),
        "workers_cpu_percent": [round(100 * c / seconds, 1) for c in worker_cpu],
        "load_balancer_cpu_percent": round(100 * front_cpu / seconds, 1),
        # PostgreSQL's processes serving this set-up's database (0 for SQLite).
        "database_cpu_percent": round(100 * database_cpu / seconds, 1),
        "bench_process_cpu_percent": round(100 * own / seconds, 1),
        "other_processes_cpu_percent": round(
            100 * max(0.0, busy - sum(worker_cpu) - front_cpu - database_cpu - own) / seconds,
            1,
        ),
        "bot_cpu_ms_per_answer": round(1000 * sum(worker_cpu) / answers, 2) if answers else None,
        "rss_mib": [mib(r) for r in rss],
        # samenspraak_updates_total of each worker's /metrics, over the whole run.
        "updates_per_worker": handled,
        "webhook_failures": len(fake.webhook_failures),
        "rejected_calls": len(fake.rejected),
        "questionnaires_completed": stats.completed,
        "revisions_started": stats.revisions,
        "timeouts": stats.timeouts,
        "residents_still_waiting_at_the_end": len(late),
        "unexpected_replies": dict(stats.unexpected),
        "settled": settled,
        "exit_codes": codes,
        "worker_logs": [w.log_summary() for w in workers],
        "durability": await _durability(database_url, residents),
    }
    if failures:
        result["first_failure"] = failures[0]
    return result


def serve_env(fake: FakeBotApi, database_url: str, webhook_url: str) -> dict[str, str]:
    """The environment of a ``samenspraak serve`` worker whose webhook (``webhook_url``) the
    fake Bot API posts updates to (:class:`ServeProcess` adds its address and name)."""
    return bot_env(fake, database_url, WEBHOOK_URL=webhook_url, WEBHOOK_SECRET=WEBHOOK_SECRET)


def percentiles(values: Sequence[float]) -> dict[str, float | None]:
    """p50, p90, p99 and the maximum, in milliseconds."""
    if not values:
        return {"p50_ms": None, "p90_ms": None, "p99_ms": None, "max_ms": None}
    ordered = sorted(values)

    def at(share: float) -> float:
        return round(1000 * ordered[min(len(ordered) - 1, int(share * len(ordered)))], 1)

    return {
        "p50_ms": at(0.50),
        "p90_ms": at(0.90),
        "p99_ms": at(0.99),
        "max_ms": round(1000 * ordered[-1], 1),
    }


async def _durability(database_url: str, residents: list[PacedResident]) -> dict[str, Any]:
    """Every answer a resident saw confirmed must be stored."""
    pseudonyms = Pseudonyms(PSEUDONYM_SECRET.encode())
    engine = create_async_engine(database_url)
    try:
        async with engine.connect() as connection:
            total = (await connection.execute(text("SELECT COUNT(*) FROM answers"))).scalar_one()
            rows = await connection.execute(
                text(
                    "SELECT r.pseudonym, COUNT(a.id) FROM answers a "
                    "JOIN sessions s ON s.id = a.session_id "
                    "JOIN residents r ON r.id = s.resident_id GROUP BY r.pseudonym"
                )
            )
            stored = {str(p): int(n) for p, n in rows}
    finally:
        await engine.dispose()
    lost = 0
    for resident in residents:
        lost += max(0, resident.confirmed - stored.get(pseudonyms.of(resident.user.id), 0))
    return {
        "answers_confirmed": sum(r.confirmed for r in residents),
        "answers_in_database": int(total),
        "confirmed_but_missing": lost,
        "ok": lost == 0,
    }


class _database:
    """``async with _database(admin_url) as url``: a PostgreSQL database of its own."""

    def __init__(self, admin_url: str) -> None:
        url = make_url(admin_url)
        if url.drivername in {"postgresql", "postgres", "postgresql+psycopg2"}:
            url = url.set(drivername="postgresql+asyncpg")
        self.admin = url.render_as_string(hide_password=False)
        self.name = f"samenspraak_bench_{os.getpid()}_{uuid.uuid4().hex[:6]}"
        self.url = url.set(database=self.name).render_as_string(hide_password=False)

    async def _execute(self, statement: str) -> None:
        engine = create_async_engine(self.admin, isolation_level="AUTOCOMMIT")
        try:
            async with engine.connect() as connection:
                await connection.execute(text(statement))
        finally:
            await engine.dispose()

    async def __aenter__(self) -> str:
        await self._execute(f'CREATE DATABASE "{self.name}"')
        return self.url

    async def __aexit__(self, *exc: object) -> None:
        await self._execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')

"""Benchmark 2: the bot's memory with many stored sessions.

A database is filled directly (migrations first, then bulk inserts with SQLAlchemy core)
with residents who each have a questionnaire in progress with a few answers. The bot is
started against it in a child process, some traffic is run through it (new residents, and
stored ones who come back to finish their questionnaire), and its resident set size is
read with psutil. Done at two sizes; state belongs in the database, so the bot's memory
should not grow with the number of stored sessions.

Two kinds of process are measured at each size: ``samenspraak run`` (long polling) on
SQLite, and one ``samenspraak serve`` worker (the aiohttp webhook server; the fake Bot API
posts every update to it) on PostgreSQL with ``BENCH_DATABASE_URL`` or
``TEST_DATABASE_URL`` (a database of its own, dropped afterwards), else on the same SQLite
file as ``run``.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, cast
from zoneinfo import ZoneInfo

from sqlalchemy import Table, func, insert, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from bench.common import (
    PSEUDONYM_SECRET,
    QUESTIONNAIRES,
    TOKEN,
    BotProcess,
    bot_env,
    mib,
    samenspraak_executable,
)
from bench.residents import REPLY_TIMEOUT, Knowledge, typed_answer
from bench.residents import Resident as SimulatedResident
from bench.residents import Stats as ResidentStats
from bench.webhook import ServeProcess, _database, postgres_url, serve_env
from bot.core.services import Pseudonyms, read_questionnaires
from flows import engine as flow_engine
from flows.loader import load_directory
from flows.machine import Flow
from sandbox.fakeapi import FakeBotApi
from storage import admin, migrate, repo
from storage.db import create_engine, session_factory
from storage.models import Answer, Contact, Resident, Session, utcnow
from tests.support.ports import reserve_port

ZONE = ZoneInfo("Europe/Amsterdam")  # the questionnaires' dates, as in .env.example

STORED_USER_BASE = 2_000_000_000  # Telegram ids of the stored residents: base + index
ANSWERS_PER_SESSION = 3
CHUNK = 5_000
#: Growth per 10,000 stored sessions still called "flat" (about 100 bytes per session).
FLAT_MIB_PER_10K = 1.0


@dataclass(frozen=True)
class Settings:
    sizes: tuple[int, ...] = (10_000, 100_000)
    new_residents: int = 150  # traffic: residents who start fresh
    returning_residents: int = 50  # traffic: stored residents who come back
    answers_each: int = 3
    # An admin URL for the ``serve`` worker's database (one of its own is created and
    # dropped); None: the worker uses the SQLite file of ``run``.
    postgres_url: str | None = field(default_factory=postgres_url)


async def run(settings: Settings) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="samenspraak-bench-") as folder:
        workdir = Path(folder)
        async with contextlib.AsyncExitStack() as stack:
            polling = _Filler(f"sqlite+aiosqlite:///{workdir / 'memory.db'}")
            stack.push_async_callback(polling.close)
            await polling.prepare()
            if settings.postgres_url is None:
                webhook = polling  # the same file; filled once for both
            else:
                url = await stack.enter_async_context(_database(settings.postgres_url))
                webhook = _Filler(url)
                stack.push_async_callback(webhook.close)  # before the database is dropped
                await webhook.prepare()
            fake = FakeBotApi(TOKEN)
            await fake.start()
            stack.push_async_callback(fake.stop)
            traffic = _Traffic(fake, settings)
            points: dict[str, list[dict[str, Any]]] = {"run": [], "serve": []}
            for size in sorted(settings.sizes):
                for command, fill in (("run", polling), ("serve", webhook)):
                    await fill.grow_to(size)
                    with reserve_port() as port:  # for serve
                        bot = _process(command, fake, fill.url, workdir, size, port.port)
                        point = await traffic.measure(bot, size)
                    point["fill_s"] = fill.fill_seconds[size]
                    point["database_mib"] = mib(await fill.size_bytes())
                    points[command].append(point)
                    print(
                        f"   {command} on {fill.backend}, {size:,} stored sessions: filled in "
                        f"{point['fill_s']} s, RSS {point['rss_idle_mib']} MiB idle, "
                        f"{point['rss_after_traffic_mib']} MiB after {point['traffic_s']} s "
                        "of traffic",
                        file=sys.stderr,
                        flush=True,
                    )
    # ``run`` keeps the keys it always had; the ``serve`` worker is a section of its own.
    return {
        "command": "run",
        "backend": polling.backend,
        **_report(points["run"]),
        "serve": {"command": "serve", "backend": webhook.backend, **_report(points["serve"])},
    }


def _report(points: list[dict[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {"points": points}
    if len(points) >= 2:
        sizes = [p["stored_sessions"] / 10_000 for p in points]
        growth = _slope(sizes, [p["rss_after_traffic_mib"] for p in points])
        idle_growth = _slope(sizes, [p["rss_idle_mib"] for p in points])
        result.update(
            {
                # Least-squares slope of RSS over the stored sessions (first to last point
                # when there are two).
                "growth_mib_per_10k_sessions": round(growth, 2) + 0.0,  # no "-0.0"
                "idle_growth_mib_per_10k_sessions": round(idle_growth, 2) + 0.0,
                "flat_threshold_mib_per_10k": FLAT_MIB_PER_10K,
                "flat": growth <= FLAT_MIB_PER_10K,
            }
        )
    return result


def _slope(xs: list[float], ys: list[float]) -> float:
    x_mean, y_mean = sum(xs) / len(xs), sum(ys) / len(ys)
    spread = sum((x - x_mean) ** 2 for x in xs)
    return sum((x - x_mean) * (y - y_mean) for x, y in zip(xs, ys, strict=True)) / spread


# --- traffic and measurement ------------------------------------------------------------------


def _process(
    command: str, fake: FakeBotApi, url: str, workdir: Path, size: int, port: int
) -> BotProcess | ServeProcess:
    """``samenspraak run`` (long polling), or one ``samenspraak serve`` worker on ``port``
    that the fake Bot API posts its updates to directly (one worker needs no load
    balancer)."""
    name = f"samenspraak-{command}-memory-{size}"
    if command == "run":
        return BotProcess(name, [*samenspraak_executable(), "run"], bot_env(fake, url), workdir)
    env = serve_env(fake, url, f"http://127.0.0.1:{port}/telegram")
    return ServeProcess(name, port, env, workdir)


class _Traffic:
    """The same kind of traffic for every process measured, through one fake Bot API."""

    def __init__(self, fake: FakeBotApi, settings: Settings) -> None:
        self.fake = fake
        self.settings = settings
        # Stored residents who came back already: each comes back once (their simulated
        # chat, kept by the fake, is not reused by a later measurement).
        self.returned: set[int] = set()

    async def measure(self, bot: BotProcess | ServeProcess, size: int) -> dict[str, Any]:
        fake, settings = self.fake, self.settings
        failures_before = len(fake.webhook_failures)
        startup = await bot.start(fake)
        try:
            await asyncio.sleep(1.0)
            rss_idle = bot.rss()
            knowledge = Knowledge()
            stats = ResidentStats()
            rng = random.Random(bot.name)
            residents: list[SimulatedResident] = []
            firsts: list[str] = []
            for i in range(settings.new_residents):
                user = fake.user(first_name=f"Nieuw-{bot.name}-{i}")
                residents.append(
                    SimulatedResident(
                        user,
                        knowledge,
                        stats,
                        questionnaire=knowledge.ids[i % len(knowledge.ids)],
                        seed=size + i,
                        max_answers=settings.answers_each,
                    )
                )
                firsts.append("/start")
            # Returning residents come from the whole stored range, the newest rows included.
            for index in self._returning(rng, size):
                user = fake.user(STORED_USER_BASE + index, first_name=f"Terug{index}")
                questionnaire = knowledge.ids[index % len(knowledge.ids)]
                residents.append(
                    SimulatedResident(
                        user,
                        knowledge,
                        stats,
                        questionnaire=questionnaire,
                        seed=index,
                        max_answers=settings.answers_each,
                    )
                )
                firsts.append(f"/start {questionnaire}")
            never = asyncio.Event()
            started = time.monotonic()
            await asyncio.wait_for(
                asyncio.gather(
                    *(
                        resident.run(never, first)
                        for resident, first in zip(residents, firsts, strict=True)
                    )
                ),
                REPLY_TIMEOUT * 4,
            )
            traffic_seconds = time.monotonic() - started
            await fake.settle(10)
            await asyncio.sleep(0.5)
            rss_after = bot.rss()
            peak = bot.peak_rss()
        finally:
            returncode = await bot.stop()
        returning = residents[settings.new_residents :]
        failures = [r.failed for r in residents if r.failed]
        point: dict[str, Any] = {
            "stored_sessions": size,
            "startup_s": round(startup, 2),
            "rss_idle_mib": mib(rss_idle),
            "rss_after_traffic_mib": mib(rss_after),
            "peak_rss_mib": mib(peak),
            "traffic_residents": len(residents),
            "traffic_returning_residents": len(returning),
            "traffic_answers_confirmed": sum(r.confirmed for r in residents),
            "traffic_returning_answers_confirmed": sum(r.confirmed for r in returning),
            "traffic_s": round(traffic_seconds, 1),
            "timeouts": stats.timeouts,
            "unexpected_replies": dict(stats.unexpected),
            "exit_code": returncode,
            "bot_log": bot.log_summary(),
            "first_failure": failures[0] if failures else None,
        }
        if isinstance(bot, ServeProcess):
            point["webhook_failures"] = len(fake.webhook_failures) - failures_before
        return point

    def _returning(self, rng: random.Random, size: int) -> list[int]:
        """Indices of stored residents who have not come back in an earlier measurement."""
        candidates = [index for index in range(size) if index not in self.returned]
        chosen = rng.sample(candidates, min(self.settings.returning_residents, len(candidates)))
        self.returned.update(chosen)
        return chosen


# --- filling the database ---------------------------------------------------------------------


class _Filler:
    """Bulk-inserts stored residents with an active session and a few answers each."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.backend: str = make_url(url).get_backend_name()  # "sqlite" or "postgresql"
        self.engine: AsyncEngine = create_engine(url)
        self.pseudonyms = Pseudonyms(PSEUDONYM_SECRET.encode())
        self.count = 0
        self.fill_seconds: dict[int, float] = {}  # stored sessions: seconds taken to get there
        self.templates: list[tuple[str, int, flow_engine.SessionState, list[tuple[str, Any]]]] = []

    async def prepare(self) -> None:
        """Migrations, then the questionnaires as the bot stores them at start-up."""
        await migrate.upgrade(self.engine)
        sessions = session_factory(self.engine)
        async with sessions.begin() as db:
            for questionnaire, source in read_questionnaires(QUESTIONNAIRES):
                await admin.seed(db, questionnaire, source, now=utcnow(), zone=ZONE)
        for questionnaire in sorted(load_directory(QUESTIONNAIRES), key=lambda q: q.id):
            flow = Flow(questionnaire)
            state, answers = _answered(flow, ANSWERS_PER_SESSION)
            self.templates.append((questionnaire.id, questionnaire.version, state, answers))

    async def grow_to(self, size: int) -> None:
        if size in self.fill_seconds:
            return
        started = time.monotonic()
        while self.count < size:
            end = min(size, self.count + CHUNK)
            await self._insert(self.count, end)
            self.count = end
        self.fill_seconds[size] = round(time.monotonic() - started, 1)

    async def size_bytes(self) -> int:
        """The database on disk: the SQLite file and its write-ahead log, or PostgreSQL's
        ``pg_database_size``."""
        if self.backend == "postgresql":
            async with self.engine.connect() as connection:
                query = select(func.pg_database_size(func.current_database()))
                return int((await connection.execute(query)).scalar_one())
        database = Path(make_url(self.url).database or "")
        return sum(
            path.stat().st_size
            for path in (database, database.with_name(database.name + "-wal"))
            if path.exists()
        )

    async def _insert(self, start: int, end: int) -> None:
        now = datetime.now(UTC) - timedelta(minutes=5)  # well within the session timeout
        async with self.engine.connect() as connection:
            # The bot adds residents and sessions of its own between two fills.
            first_resident = await _next_id(connection, Resident.id)
            first_session = await _next_id(connection, Session.id)
        residents: list[dict[str, Any]] = []
        contacts: list[dict[str, Any]] = []
        sessions: list[dict[str, Any]] = []
        answers: list[dict[str, Any]] = []
        for offset, index in enumerate(range(start, end)):
            row_id = first_resident + offset
            session_id = first_session + offset
            user_id = STORED_USER_BASE + index
            questionnaire_id, version, state, given = self.templates[index % len(self.templates)]
            residents.append(
                {
                    "id": row_id,
                    "pseudonym": self.pseudonyms.of(user_id),
                    "language": "nl",
                    "consent": "given",
                    "consent_at": now,
                    "created_at": now,
                }
            )
            contacts.append({"resident_id": row_id, "chat_id": user_id})
            sessions.append(
                {
                    "id": session_id,
                    "resident_id": row_id,
                    "questionnaire_id": questionnaire_id,
                    "questionnaire_version": version,
                    "status": repo.ACTIVE,
                    "current": state.current,
                    "path": list(state.path),
                    "draft": list(state.draft),
                    "is_test": False,
                    "started_at": now,
                    "updated_at": now,
                    "completed_at": None,
                }
            )
            answers.extend(
                {"session_id": session_id, "question_id": qid, "value": value, "answered_at": now}
                for qid, value in given
            )
        async with self.engine.begin() as connection:
            for model, rows in (
                (Resident, residents),
                (Contact, contacts),
                (Session, sessions),
                (Answer, answers),
            ):
                await connection.execute(insert(cast(Table, model.__table__)), rows)
            if self.backend == "postgresql":
                # Explicit ids leave PostgreSQL's sequences behind: move them past the rows,
                # or the bot's own inserts would collide with them.
                for model in (Resident, Session):
                    table = cast(Table, model.__table__).name
                    await connection.execute(
                        text(
                            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                            f"(SELECT max(id) FROM {table}))"
                        )
                    )

    async def close(self) -> None:
        await self.engine.dispose()


async def _next_id(connection: AsyncConnection, column: Any) -> int:
    return int((await connection.execute(select(func.max(column)))).scalar() or 0) + 1


def _answered(flow: Flow, count: int) -> tuple[flow_engine.SessionState, list[tuple[str, Any]]]:
    """A session state after ``count`` answers, made by the flow engine itself."""
    state = flow_engine.start(flow)
    given: list[tuple[str, Any]] = []
    rng = random.Random(flow.questionnaire.id)  # the same answers every run
    while len(given) < count and not state.finished:
        question = flow.questions[state.current]
        typed = flow_engine.Typed(typed_answer(question, rng))  # as a resident types it
        outcome = flow_engine.apply(flow, state, typed, "nl")
        if outcome.accepted is None:
            raise RuntimeError(f"the filler's answer to {question.id} was refused")
        given.append(outcome.accepted)
        state = outcome.state
    if state.finished:
        raise RuntimeError(f"{flow.questionnaire.id} ends before {count} answers")
    return state, given

# Over 500 lines on purpose: one benchmark, read top to bottom (realistic responses generated,
# bulk-filled, the digest built step by step, each step timed).
"""Benchmark: how long the digest of a big questionnaire takes to build.

``python -m bench.digest``. A temporary SQLite database (and, when ``BENCH_DATABASE_URL``
points at PostgreSQL, a temporary database next to that one) is migrated and filled with
100,000 responses to ``afvalinzameling`` by bulk inserts: about 755,000 answers (7 to 10
questions a branch, and one response in seven stops early), every one of them in the digest's
week (the worst case: the digest counts every answer there is).

The responses are realistic: each is a walk through the questionnaire's real branches with
the engine, with skewed choices (busy and quiet areas, satisfaction leaning positive, most
people never reporting anything), answers spread over the week with an evening peak,
about one in seven left unfinished, and free text made from residents' phrases, now and
then with a phone number or e-mail address in it for the scrubbing to find.

Then the digest is built the way the bot builds it (:meth:`DigestService.build`: the SQL
aggregates, the figures computed from them, the text, the chart) and each step is timed on
its own as well. Target: the whole digest in under 3 seconds on SQLite.

Settings (environment): ``BENCH_DIGEST_RESPONSES`` (default 100000), ``BENCH_DATABASE_URL``
(PostgreSQL, optional; needs the right to create a database).

``python -m bench.digest --example docs`` writes ``docs/digest-example.txt`` and ``.png``
from the same kind of data: a week of about 430 responses after a week of 520.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, insert, select, text, update
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from analysis.digest import compute
from flows.engine import Confirm, Input, Pick, Skip, Toggle, Typed, apply, start
from flows.loader import load_file
from flows.machine import Flow
from flows.schema import END, AnyQuestion, Questionnaire
from storage import admin, digest_log, migrate
from storage import digest as storage_digest
from storage.db import create_engine, session_factory
from storage.models import Answer, Session, utcnow

ZONE = ZoneInfo("Europe/Amsterdam")  # the questionnaires' dates, as in .env.example

ROOT = Path(__file__).resolve().parent.parent
QUESTIONNAIRES = ROOT / "questionnaires"
QUESTIONNAIRE = "afvalinzameling"
RESPONSES = 100_000
TARGET_S = 3.0
HEARD_TARGET_S = 0.5  # what "who did we hear" and the weighting may add to the digest
WALKS = 6_000  # distinct ways through the questionnaire, reused with new times and texts
SEED = 20261102
SINCE = datetime(2026, 11, 2, 8, 0, tzinfo=UTC)  # Monday 09:00 in Amsterdam
UNTIL = SINCE + timedelta(days=7)
SESSION_CHUNK = 20_000
ANSWER_CHUNK = 50_000
REPEATS = 3


# --- realistic answers ------------------------------------------------------------------------

AREAS = {
    "centrum": 14,
    "noord": 22,
    "oost": 18,
    "zuid": 20,
    "west": 15,
    "de-hoven": 8,
    "buitengebied": 3,
}
CHOICES: dict[str, dict[str, int]] = {
    "inzameling": {"kliko": 55, "ondergronds": 30, "allebei": 15},
    "melding": {"geen": 62, "snel": 12, "traag": 13, "niet_opgelost": 7, "geen_reactie": 6},
}
SCALES: dict[str, list[int]] = {  # weight per value, lowest value first
    "ophaaldagen": [6, 12, 22, 38, 22],
    "grofvuil_tevreden": [8, 14, 25, 35, 18],
    "app_cijfer": [1, 1, 1, 2, 3, 6, 10, 18, 22, 12, 6],
}
MULTI: dict[str, dict[str, float]] = {  # chance each option is ticked
    "containers": {"vol": 0.45, "kapot": 0.15, "bijplaatsing": 0.35, "vies": 0.25, "ver": 0.08},
    "informatie": {
        "afvalapp": 0.40,
        "kalender": 0.35,
        "website": 0.20,
        "brief": 0.15,
        "krant": 0.10,
        "buren": 0.12,
        "niet": 0.10,
    },
}
NOTHING = {"containers": "niets"}  # chosen alone when nothing else is
GROFVUIL = [0] * 45 + [1] * 20 + [2] * 14 + [3] * 9 + [4] * 5 + [5] * 3 + [6, 8, 10, 15]
TEXT_SKIPPED = 0.35
UNFINISHED = 0.14

PHRASES = [
    "De container in onze straat zit op zaterdag altijd vol",
    "Het afval wordt vaak naast de container gezet en blijft dagen liggen",
    "Graag vaker legen in de zomer, de gft-container stinkt enorm",
    "De klep van de ondergrondse container klemt al weken",
    "De afvalapp geeft soms de verkeerde ophaaldag aan",
    "Meer containers voor plastic en papier in de wijk",
    "Grofvuil ophalen duurt te lang, drie weken wachten op een afspraak",
    "De milieustraat zou op zondag open moeten zijn",
    "Ophalen gaat prima, complimenten voor de vuilnismannen",
    "Zet de ophaaldagen weer op papier, niet iedereen heeft een app",
    "De pas voor de container werkt vaak niet",
    "Op de hoek ligt steeds zwerfafval rond de containers",
    "Minder vaak restafval ophalen is prima als de containers groter worden",
    "Ik mis een container voor oud textiel in de buurt",
    "Laat de vuilniswagen niet zo vroeg komen, om zes uur is erg vroeg",
    "Betere uitleg over wat in welke bak mag",
    "Bij de flat is de container veel te klein voor zoveel huishoudens",
    "Na een feestdag wordt de route vaak vergeten",
]
TAILS = [
    "",
    "",
    "",
    ", dat trekt ratten aan",
    ", vooral in het weekend",
    ". Graag snel oplossen",
    ". Dit speelt al maanden",
    ", mijn buren vinden dat ook",
]
PERSONAL = [
    "Bel me gerust op 06-{n8}",
    "Mail naar bewoner{n3}@example.nl voor meer info",
    "Ik woon op 41{n2} AB {n2} als jullie willen kijken",
]


def idea(rng: random.Random) -> str:
    """A resident's free text: one or two phrases, sometimes with personal data in it."""
    parts = [rng.choice(PHRASES) + rng.choice(TAILS)]
    if rng.random() < 0.3:
        parts.append(rng.choice(PHRASES))
    if rng.random() < 0.04:
        template = rng.choice(PERSONAL)
        parts.append(
            template.format(
                n8=rng.randrange(10**7, 10**8), n3=rng.randrange(1000), n2=rng.randrange(10, 99)
            )
        )
    return ". ".join(parts) + "."


def _weighted(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _answer(question: AnyQuestion, rng: random.Random) -> list[Input]:
    """What a resident gives to ``question``: the inputs, in order."""
    qid = question.id
    if qid == "wijk":
        return [Pick(_weighted(rng, AREAS))]
    if qid in CHOICES:
        return [Pick(_weighted(rng, CHOICES[qid]))]
    if qid in SCALES:
        low = int(getattr(question, "min", 0))
        value = rng.choices(range(low, low + len(SCALES[qid])), weights=SCALES[qid])[0]
        return [Pick(str(value))]
    if qid in MULTI:
        ticked = [option for option, chance in MULTI[qid].items() if rng.random() < chance]
        if not ticked:
            ticked = [NOTHING.get(qid) or rng.choice(list(MULTI[qid]))]
        return [*(Toggle(option) for option in ticked), Confirm()]
    if qid == "grofvuil":
        return [Typed(str(rng.choice(GROFVUIL)))]
    if qid == "idee":
        # The text itself is made per response (see :func:`rows`).
        return [Skip()] if rng.random() < TEXT_SKIPPED else [Typed("tekst")]
    raise ValueError(f"no answers planned for question {qid!r}")


def walk(flow: Flow, rng: random.Random) -> tuple[list[tuple[str, Any]], str]:
    """One resident's way through the questionnaire with the engine (so every path is a real
    one): the answers in order, and where the resident is (``end`` when finished)."""
    state = start(flow)
    answers: dict[str, Any] = {}
    stop_after = rng.randrange(1, 8) if rng.random() < UNFINISHED else None
    while state.current != END and len(answers) != stop_after:
        question = flow.questions[state.current]
        for given in _answer(question, rng):
            outcome = apply(flow, state, given, "nl")
            if outcome.problem is not None:
                raise AssertionError(f"{question.id}: {given!r} refused: {outcome.problem}")
            state = outcome.state
        if outcome.accepted:
            answers[outcome.accepted[0]] = outcome.accepted[1]
        for gone in outcome.discard:
            answers.pop(gone, None)
    return list(answers.items()), state.current


HOURS = [1, 1, 1, 1, 1, 2, 4, 6, 7, 7, 6, 6, 7, 6, 6, 6, 7, 9, 12, 14, 13, 9, 5, 2]  # UTC


def moment(rng: random.Random, since: datetime) -> datetime:
    """When a response starts: any day of the week from ``since``, mostly in the evening."""
    hour = rng.choices(range(24), weights=HOURS)[0]
    start_of_day = since.replace(hour=0, minute=0) + timedelta(days=rng.randrange(7))
    began = start_of_day + timedelta(hours=hour, seconds=rng.randrange(3600))
    if began < since:  # the first day's early hours: the same hours on the day after the week
        began += timedelta(days=7)
    return min(began, since + timedelta(days=7, hours=-1))  # done before the week ends


Rows = tuple[dict[str, Any], list[dict[str, Any]]]


def rows(
    questionnaire: Questionnaire,
    count: int,
    *,
    seed: int = SEED,
    since: datetime = SINCE,
    first_id: int = 1,
) -> Iterator[Rows]:
    """A session row and its answer rows, ``count`` times, in the week from ``since``."""
    rng = random.Random(seed)
    flow = Flow(questionnaire)
    walks = [walk(flow, rng) for _ in range(min(WALKS, count * 2))]
    for number in range(first_id, first_id + count):
        answers, current = rng.choice(walks)
        began = moment(rng, since)
        at = began
        answer_rows = []
        for question_id, value in answers:
            at += timedelta(seconds=rng.randint(6, 45))
            if question_id == "idee" and value is not None:
                value = idea(rng)
            answer_rows.append(
                {
                    "session_id": number,
                    "question_id": question_id,
                    "value": value,
                    "answered_at": at,
                }
            )
        done = current == END
        status = (
            "completed" if done else rng.choices(["expired", "paused", "active"], [7, 1, 2])[0]
        )
        session = {
            "id": number,
            "resident_id": None,
            "questionnaire_id": questionnaire.id,
            "questionnaire_version": questionnaire.version,
            "status": status,
            "current": current,
            "path": [q for q, _ in answers],
            "draft": [],
            "is_test": False,
            "started_at": began,
            "updated_at": at,
            "completed_at": at + timedelta(seconds=3) if done else None,
        }
        yield session, answer_rows


# --- filling ----------------------------------------------------------------------------------


async def prepare(engine: AsyncEngine, questionnaire: Questionnaire) -> None:
    """Migrate and store the questionnaire, as the bot does at start-up."""
    await migrate.upgrade(engine)
    source = (QUESTIONNAIRES / f"{questionnaire.id}.yaml").read_text(encoding="utf-8")
    async with session_factory(engine).begin() as db:
        await admin.seed(db, questionnaire, source, now=utcnow(), zone=ZONE)


async def insert_rows(engine: AsyncEngine, generated: Iterable[Rows]) -> int:
    """Bulk insert sessions and their answers (core executemany, in chunks); the number of
    answers."""
    session_rows: list[dict[str, Any]] = []
    answer_rows: list[dict[str, Any]] = []
    answers = 0
    async with engine.begin() as connection:
        for session, given in generated:
            session_rows.append(session)
            answer_rows.extend(given)
            answers += len(given)
            if len(session_rows) >= SESSION_CHUNK:
                await connection.execute(insert(Session), session_rows)  # answers refer to them
                session_rows.clear()
                for chunk in range(0, len(answer_rows), ANSWER_CHUNK):
                    await connection.execute(
                        insert(Answer), answer_rows[chunk : chunk + ANSWER_CHUNK]
                    )
                answer_rows.clear()
        if session_rows:
            await connection.execute(insert(Session), session_rows)
        for chunk in range(0, len(answer_rows), ANSWER_CHUNK):
            await connection.execute(insert(Answer), answer_rows[chunk : chunk + ANSWER_CHUNK])
    if engine.dialect.name == "postgresql":
        async with engine.begin() as connection:  # fresh statistics, as autovacuum soon has
            await connection.execute(text("ANALYZE sessions"))
            await connection.execute(text("ANALYZE answers"))
    return answers


#: Age bands of the residents behind the responses (older people answer more), and the
#: population they are compared with and weighted to: the shipped Rivierstad figures.
BANDS = {"15-24": 6, "25-44": 22, "45-64": 34, "65+": 38}
POPULATION = ROOT / "populations" / "rivierstad-2026.csv"


async def fill_profiles(engine: AsyncEngine, count: int) -> None:
    """A resident with an age band in their profile behind every response (one in twenty
    without one), and the population valid from before the period: what "who did we hear"
    and the weighting read."""
    from analysis.population import parse_population
    from bot.admin.population import cells_of
    from storage.models import Resident, ResidentProfile
    from storage.population import store_population

    rng = random.Random(SEED + 1)
    async with engine.begin() as connection:
        for first in range(1, count + 1, SESSION_CHUNK):
            ids = range(first, min(first + SESSION_CHUNK, count + 1))
            await connection.execute(
                insert(Resident),
                [
                    {
                        "id": i,
                        "pseudonym": f"{i:064x}",
                        "language": "nl",
                        "consent": "given",
                        "consent_at": SINCE,
                        "created_at": SINCE,
                    }
                    for i in ids
                ],
            )
            await connection.execute(
                insert(ResidentProfile),
                [
                    {
                        "resident_id": i,
                        "age_band": _weighted(rng, BANDS) if rng.random() > 0.05 else None,
                        "declined": False,
                        "updated_at": SINCE,
                    }
                    for i in ids
                ],
            )
        await connection.execute(update(Session).values(resident_id=Session.id))
    async with session_factory(engine).begin() as db:
        population = parse_population(POPULATION.read_bytes())
        await store_population(
            db, cells_of(population), valid_from=SINCE - timedelta(days=30), source=POPULATION.name
        )
    if engine.dialect.name == "postgresql":
        async with engine.begin() as connection:
            await connection.execute(text("ANALYZE sessions"))
            await connection.execute(text("ANALYZE resident_profiles"))


async def fill(engine: AsyncEngine, questionnaire: Questionnaire, count: int) -> dict[str, Any]:
    """Migrate, store the questionnaire, bulk insert ``count`` responses; figures."""
    started = time.perf_counter()
    await prepare(engine, questionnaire)
    answers = await insert_rows(engine, rows(questionnaire, count))
    await fill_profiles(engine, count)
    return {
        "responses": count,
        "answers": answers,
        "fill_s": round(time.perf_counter() - started, 1),
    }


# --- timing -----------------------------------------------------------------------------------


async def measure(engine: AsyncEngine, questionnaire: Questionnaire) -> dict[str, Any]:
    """The digest built as the bot builds it, and each step on its own; best of a few."""
    from bot.core.schedule import parse_schedule
    from bot.staff.digests import DigestService

    # As the bot: on SQLite the digest reads through an engine of its own (aiosqlite's
    # worker thread per connection, so two reads run side by side); PostgreSQL's pool.
    reading = (
        create_engine(engine.url.render_as_string(hide_password=False), reading=True)
        if engine.dialect.name == "sqlite"
        else None
    )
    services = _Services(engine, questionnaire, reading)
    service = DigestService(services, parse_schedule("off"), None)  # type: ignore[arg-type]
    try:
        return await _measure(engine, questionnaire, service)
    finally:
        if reading is not None:
            await reading.dispose()


async def _measure(
    engine: AsyncEngine, questionnaire: Questionnaire, service: Any
) -> dict[str, Any]:
    from zoneinfo import ZoneInfo

    from analysis.heard import who_we_heard
    from bot.staff import render
    from bot.staff.charts import png_size, render_chart_pages, render_heard_chart
    from bot.staff.heard import heard_lines
    from bot.staff.split import split_messages
    from storage.heard import area_question, gather_heard

    zone = ZoneInfo("Europe/Amsterdam")
    sessions = session_factory(engine)
    gather: list[float] = []
    figures: list[float] = []
    text_: list[float] = []
    chart: list[float] = []
    build: list[float] = []
    heard: list[float] = []
    heard_read: list[float] = []
    heard_figures: list[float] = []
    heard_chart: list[float] = []
    messages = 0
    size = (0, 0)
    for _ in range(REPEATS):
        started = time.perf_counter()
        async with sessions() as db:
            tallies = await storage_digest.gather(db, questionnaire, SINCE, UNTIL)
        gather.append(time.perf_counter() - started)
        started = time.perf_counter()
        data = compute(tallies, questionnaire)
        figures.append(time.perf_counter() - started)
        started = time.perf_counter()
        composed = split_messages(render.compose(data, questionnaire, kind="scheduled", zone=zone))
        render.caption(data, questionnaire, zone=zone)
        text_.append(time.perf_counter() - started)
        messages = len(composed)
        started = time.perf_counter()
        png = render_chart_pages(data, questionnaire, zone=zone, limit=1)[0]
        chart.append(time.perf_counter() - started)
        size = png_size(png)
        # Who did we hear, step by step: its one GROUP BY statement, then the figures
        # (mapping, representativeness, raking, weighted shares) and the text, then its chart.
        started = time.perf_counter()
        async with sessions() as db:
            tally = await gather_heard(db, questionnaire, UNTIL)
        heard_read.append(time.perf_counter() - started)
        assert tally is not None
        started = time.perf_counter()
        area = area_question(questionnaire)
        assert area is not None
        cells = [
            (c.wijk_name, c.wijk_code, c.age_band, c.inhabitants) for c in tally.population.cells
        ]
        who = who_we_heard(
            questionnaire, area, cells, tally.respondents, tally.answers, answered=tally.answered
        )
        heard_lines(who, questionnaire, source="x", valid_from=SINCE, zone=zone)
        heard_figures.append(time.perf_counter() - started)
        started = time.perf_counter()
        render_heard_chart(
            [(r.nl, r.share_respondents, r.share_population) for r in who.representation.areas],
            questionnaire.title.nl,
        )
        heard_chart.append(time.perf_counter() - started)
        heard.append(heard_read[-1] + heard_figures[-1])
        started = time.perf_counter()
        digest = await service.build(
            kind="scheduled", since=SINCE, until=UNTIL, questionnaire_id=questionnaire.id
        )
        build.append(time.perf_counter() - started)
        assert digest.parts and digest.parts[0].chart is not None
    added = await added_by_heard(engine, service, questionnaire)
    async with sessions() as db:
        counted = await db.scalar(select(func.count()).select_from(Answer))
    assert data.responses.total > 0
    best = {
        name: min(values)
        for name, values in {
            "gather": gather,
            "figures": figures,
            "text": text_,
            "chart": chart,
            "build": build,
            "heard": heard,
            "heard_read": heard_read,
            "heard_figures": heard_figures,
            "heard_chart": heard_chart,
        }.items()
    }
    aggregate = best["gather"] + best["figures"]  # as the aggregates of earlier versions
    steps = aggregate + best["text"] + best["chart"]
    return {
        "answers_in_database": int(counted or 0),
        "responses_counted": data.responses.total,
        "completed": data.responses.completed,
        "aggregate_s": round(aggregate, 3),
        "aggregate_first_s": round(gather[0] + figures[0], 3),
        "gather_s": round(best["gather"], 3),
        "figures_ms": round(best["figures"] * 1000, 1),
        "text_ms": round(best["text"] * 1000, 1),
        "chart_s": round(best["chart"], 3),
        # Who did we hear (respondents against the population, raking, weighted shares and
        # their text; its chart apart, as the digest's own chart): part of the build,
        # target < 0.5 s.
        "heard_s": round(best["heard"], 3),
        "heard_read_s": round(best["heard_read"], 3),
        "heard_figures_ms": round(best["heard_figures"] * 1000, 1),
        "heard_chart_s": round(best["heard_chart"], 3),
        "heard_first_s": round(heard[0], 3),
        "heard_within_target": best["heard"] < HEARD_TARGET_S,
        # The whole digest built with the reference population and without it (no
        # weighting, no representativeness), alternately: what they add, wall and CPU.
        **added,
        "steps_total_s": round(steps, 3),
        "digest_build_s": round(best["build"], 3),
        "digest_build_median_s": round(statistics.median(build), 3),
        "messages": messages,
        "chart_px": list(size),
        "target_s": TARGET_S,
        "within_target": best["build"] < TARGET_S,
    }


ADDED_REPEATS = 5  # pairs of builds with and without the population


async def added_by_heard(
    engine: AsyncEngine, service: Any, questionnaire: Questionnaire
) -> dict[str, Any]:
    """The digest built as the bot builds it (:meth:`DigestService.build`, charts and all),
    with the reference population and with it taken out of use, alternately (which comes
    first alternates too); wall and CPU time of this process (all its threads; on
    PostgreSQL the server's own CPU is not in it). What weighting and representativeness
    add: the median of the pairs' differences, target < 0.5 s wall."""
    from storage.models import ReferencePopulation

    async def population(in_use: bool) -> None:
        async with engine.begin() as connection:
            await connection.execute(
                update(ReferencePopulation).values(confirmed_at=SINCE if in_use else None)
            )

    async def timed(in_use: bool) -> tuple[float, float]:
        await population(in_use)
        wall, cpu = time.perf_counter(), time.process_time()
        digest = await service.build(
            kind="scheduled", since=SINCE, until=UNTIL, questionnaire_id=questionnaire.id
        )
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        (part,) = digest.parts
        assert ("heard" in part.figures) is in_use  # weighted only with a population
        return wall, cpu

    with_: list[tuple[float, float]] = []
    without: list[tuple[float, float]] = []
    try:
        for round_ in range(ADDED_REPEATS):
            for in_use in (True, False) if round_ % 2 else (False, True):
                (with_ if in_use else without).append(await timed(in_use))
    finally:
        await population(True)
    wall_added = [w[0] - o[0] for w, o in zip(with_, without, strict=True)]
    cpu_added = [w[1] - o[1] for w, o in zip(with_, without, strict=True)]
    return {
        "build_with_population_s": round(statistics.median(w for w, _ in with_), 3),
        "build_with_population_cpu_s": round(statistics.median(c for _, c in with_), 3),
        "build_without_population_s": round(statistics.median(w for w, _ in without), 3),
        "build_without_population_cpu_s": round(statistics.median(c for _, c in without), 3),
        "heard_added_s": round(statistics.median(wall_added), 3),
        "heard_added_cpu_s": round(statistics.median(cpu_added), 3),
        "heard_added_pairs_s": [round(x, 3) for x in wall_added],
        "heard_added_within_target": statistics.median(wall_added) < HEARD_TARGET_S,
    }


class _Services:
    """The little of :class:`bot.core.services.Services` a DigestService uses to build."""

    def __init__(
        self,
        engine: AsyncEngine,
        questionnaire: Questionnaire,
        reports_engine: AsyncEngine | None = None,
    ) -> None:
        from bot.core.config import load_settings
        from flows.catalog import Catalog

        self.settings = load_settings(_env_file=None, database_url=str(engine.url))
        self.sessions = session_factory(engine)
        self.reports = session_factory(reports_engine) if reports_engine else self.sessions
        self.catalog = Catalog()
        self.catalog.add(questionnaire)
        self.clock = lambda: UNTIL


async def run_one(database_url: str, count: int) -> dict[str, Any]:
    questionnaire = load_file(QUESTIONNAIRES / f"{QUESTIONNAIRE}.yaml")
    engine = create_engine(database_url)
    try:
        figures = await fill(engine, questionnaire, count)
        _say(
            f"   filled: {figures['responses']:,} responses, {figures['answers']:,} answers "
            f"in {figures['fill_s']} s; building the digest ..."
        )
        figures.update(await measure(engine, questionnaire))
    finally:
        await engine.dispose()
    return figures


# --- PostgreSQL: a database of its own --------------------------------------------------------


async def _admin(url: str, statement: str) -> None:
    engine = create_async_engine(url, isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as connection:
            await connection.execute(text(statement))
    finally:
        await engine.dispose()


async def run_postgres(admin_url: str, count: int) -> dict[str, Any]:
    url = make_url(admin_url)
    if url.drivername in {"postgresql", "postgres", "postgresql+psycopg2"}:
        url = url.set(drivername="postgresql+asyncpg")
    admin = url.render_as_string(hide_password=False)
    name = f"samenspraak_bench_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    await _admin(admin, f'CREATE DATABASE "{name}"')
    try:
        return await run_one(url.set(database=name).render_as_string(hide_password=False), count)
    finally:
        await _admin(admin, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# --- the example in docs/ ---------------------------------------------------------------------

EXAMPLE_CHAT = -1001234567890
EXAMPLE_WEEKS = (520, 430)  # responses in the week before and in the digest's week


async def example() -> tuple[str, bytes]:
    """A realistic scheduled digest of Afval, as the group sees it in Telegram: the message
    as plain text (with the photo's caption) and the chart. The week before has a digest of
    its own, so the changes since (▲/▼) show."""
    from bot.core.schedule import parse_schedule
    from bot.staff.digests import DigestService
    from sandbox.formatting import parse_html

    questionnaire = load_file(QUESTIONNAIRES / f"{QUESTIONNAIRE}.yaml")
    before, during = EXAMPLE_WEEKS
    week_before = SINCE - timedelta(days=7)
    with tempfile.TemporaryDirectory(prefix="samenspraak-example-") as folder:
        engine = create_engine(f"sqlite+aiosqlite:///{Path(folder) / 'example.db'}")
        try:
            await prepare(engine, questionnaire)
            await insert_rows(engine, rows(questionnaire, before, seed=1, since=week_before))
            await insert_rows(
                engine, rows(questionnaire, during, seed=2, since=SINCE, first_id=before + 1)
            )
            async with engine.begin() as connection:  # moderated, but for the last day
                await connection.execute(
                    update(Answer)
                    .where(
                        Answer.question_id == "idee",
                        Answer.value.is_not(None),
                        Answer.answered_at < UNTIL - timedelta(days=1),
                    )
                    .values(moderation="approved")
                )
            services = _Services(engine, questionnaire)
            service = DigestService(services, parse_schedule("mon 09:00"), EXAMPLE_CHAT)  # type: ignore[arg-type]
            last_week = await service.build(
                kind="scheduled", since=week_before, until=SINCE, questionnaire_id=QUESTIONNAIRE
            )
            async with services.sessions.begin() as db:
                await digest_log.record_digest(
                    db,
                    kind="scheduled",
                    chat_id=EXAMPLE_CHAT,
                    period_start=week_before,
                    period_end=SINCE,
                    figures={p.questionnaire_id: p.figures for p in last_week.parts},
                    sent_at=SINCE + timedelta(minutes=1),
                )
            digest = await service.build(
                kind="scheduled", since=SINCE, until=UNTIL, questionnaire_id=QUESTIONNAIRE
            )
        finally:
            await engine.dispose()
    (part,) = digest.parts
    assert part.chart is not None
    messages = [parse_html(m).text for m in part.messages]
    caption = parse_html(part.caption).text
    shown = "\n\n-- volgend bericht --\n\n".join(messages)
    return f"{shown}\n\n[foto: digest-example.png]\n{caption}\n", part.chart


def write_example(folder: Path) -> None:
    """``docs/digest-example.txt`` and ``.png`` (for the README)."""
    shown, chart = asyncio.run(example())
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "digest-example.txt").write_text(shown, encoding="utf-8")
    (folder / "digest-example.png").write_bytes(chart)
    _say(f"written: {folder / 'digest-example.txt'} and {folder / 'digest-example.png'}")


# --- entry ------------------------------------------------------------------------------------


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def main() -> dict[str, Any]:
    """Run the benchmark on SQLite (and PostgreSQL with BENCH_DATABASE_URL); the figures."""
    count = int(os.environ.get("BENCH_DIGEST_RESPONSES", RESPONSES))
    results: dict[str, Any] = {
        "questionnaire": QUESTIONNAIRE,
        "period": [SINCE.isoformat(), UNTIL.isoformat()],
    }
    with tempfile.TemporaryDirectory(prefix="samenspraak-bench-digest-") as folder:
        _say(f"== digest of {count:,} responses: SQLite")
        url = f"sqlite+aiosqlite:///{Path(folder) / 'digest.db'}"
        results["sqlite"] = asyncio.run(run_one(url, count))
    postgres = os.environ.get("BENCH_DATABASE_URL")
    if postgres:
        _say(f"== digest of {count:,} responses: PostgreSQL")
        results["postgresql"] = asyncio.run(run_postgres(postgres, count))
    for backend in ("sqlite", "postgresql"):
        if backend in results:
            r = results[backend]
            _say(
                f"{backend}: digest built in {r['digest_build_s']:.2f} s (target < {TARGET_S:g} s)"
                f" = aggregates {r['gather_s']:.2f} s + figures {r['figures_ms']:.1f} ms"
                f" + text {r['text_ms']:.1f} ms"
                f" + chart {r['chart_s']:.2f} s"
                f"; who did we hear: {r['heard_s']:.3f} s (target < {HEARD_TARGET_S:g} s) ="
                f" reads {r['heard_read_s']:.3f} s + figures {r['heard_figures_ms']:.1f} ms"
                f", its chart {r['heard_chart_s']:.2f} s"
            )
            _say(
                f"{backend}: weighting + representativeness add {r['heard_added_s']:.3f} s wall,"
                f" {r['heard_added_cpu_s']:.3f} s CPU to the digest (target < "
                f"{HEARD_TARGET_S:g} s): built in {r['build_with_population_s']:.2f} s"
                f" (CPU {r['build_with_population_cpu_s']:.2f} s) with the population,"
                f" {r['build_without_population_s']:.2f} s"
                f" (CPU {r['build_without_population_cpu_s']:.2f} s) without"
            )
    return results


if __name__ == "__main__":
    if sys.argv[1:2] == ["--example"]:  # python -m bench.digest --example docs
        write_example(Path(sys.argv[2] if len(sys.argv) > 2 else "docs"))
    else:
        print(json.dumps(main(), indent=2))

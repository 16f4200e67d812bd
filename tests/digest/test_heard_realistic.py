"""Who did we hear on a real questionnaire filled by a few hundred simulated residents, on
SQLite and PostgreSQL: what storage counts (respondents per wijk and age band; the closed
questions' answers per wijk, band and value, a multiple-choice answer per ticked option) is
what a count in Python over every response gives, so the representativeness and the
weighted results made from it are those of the count by hand; and the digest shows the same
block, figure for figure, however often it is built over the same pooled connections
(PostgreSQL may plan a prepared statement anew from its sixth run)."""

from __future__ import annotations

import random
from collections import Counter
from datetime import timedelta
from typing import Any

import numpy
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from analysis.heard import Heard, who_we_heard
from analysis.population import parse_population
from bot.admin.population import cells_of
from bot.core.schedule import parse_schedule
from bot.core.services import Pseudonyms, Services
from bot.staff.digests import DigestService
from bot.staff.heard import heard_figures, heard_lines
from flows.catalog import Catalog
from flows.schema import MultiQuestion, Questionnaire
from storage import profiles
from storage.heard import WEIGHTED_TYPES, area_question, gather_heard
from storage.models import Resident, Session
from storage.population import store_population
from tests.digest.helpers import ROOT, SINCE, UNTIL, ZONE, Response, Sessions, fill, store
from tests.support.bots import bot_settings

AFVAL = ROOT / "questionnaires" / "afvalinzameling.yaml"
POPULATION = ROOT / "populations" / "rivierstad-2026.csv"
BANDS = {"15-24": 6, "25-44": 22, "45-64": 34, "65+": 38}  # older residents answer more
RESPONSES = 300

Cell = tuple[str | None, str | None]
Known = tuple[str, str]  # a wijk and an age band, both known


async def residents(sessions: Sessions, ids: list[int]) -> dict[int, str | None]:
    """A resident behind each response, most with an age band in their profile; some
    without a profile, some who declined it ("liever niet"), some who changed their band
    after answering, some who erased themselves (the response kept, unlinked), and a few
    test runs. The age band each response counts with, by session id (None: not known);
    test runs are left out."""
    rng = random.Random(11)
    bands: dict[int, str | None] = {}
    async with sessions.begin() as db:
        for number, session_id in enumerate(ids):
            resident = Resident(pseudonym=f"{number:064x}", language="nl", consent="given")
            db.add(resident)
            await db.flush()
            await db.execute(
                update(Session).where(Session.id == session_id).values(resident_id=resident.id)
            )
            band: str | None = rng.choices(list(BANDS), weights=list(BANDS.values()))[0]
            roll = rng.random()
            if roll < 0.08:
                band = None  # never gave one
            elif roll < 0.14:
                await profiles.decline_profile(db, resident.id)
                band = None
            else:
                await profiles.set_profile(db, resident.id, age_band=band)
                if roll > 0.95:  # changed later: the band they have now counts
                    band = "25-44" if band != "25-44" else "65+"
                    await profiles.set_profile(db, resident.id, age_band=band)
            if rng.random() < 0.03:  # erased themselves: the response stays, unlinked
                await db.execute(
                    update(Session).where(Session.id == session_id).values(resident_id=None)
                )
                band = None
            if rng.random() < 0.04:
                await db.execute(
                    update(Session).where(Session.id == session_id).values(is_test=True)
                )
                continue
            bands[session_id] = band
    return bands


def by_hand(
    questionnaire: Questionnaire, made: dict[int, Response], bands: dict[int, str | None]
) -> tuple[
    dict[Cell, int], dict[str, dict[tuple[str, str, str], int]], dict[str, dict[Known, int]]
]:
    """Respondents per (wijk, band), and per weighted question the answers per (wijk, band,
    value) and for multiple choice who answered per (wijk, band): the completed responses
    (by session id) that are no test runs, counted one by one."""
    respondents: Counter[Cell] = Counter()
    given: dict[str, Counter[tuple[str, str, str]]] = {}
    answered: dict[str, Counter[Known]] = {}
    weighted = [q for q in questionnaire.questions if q.type in WEIGHTED_TYPES]
    for session_id, response in made.items():
        if response.status != "completed" or session_id not in bands:
            continue
        wijk = response.answers.get("wijk")
        band = bands[session_id]
        respondents[(wijk, band)] += 1
        if wijk is None or band is None:
            continue
        for question in weighted:
            value: Any = response.answers.get(question.id)
            if value is None:
                continue
            if isinstance(question, MultiQuestion):
                ticked = list(dict.fromkeys(str(option) for option in value))
                if not ticked:
                    continue
                answered.setdefault(question.id, Counter())[(wijk, band)] += 1
            else:
                ticked = [str(value)]
            for option in ticked:
                given.setdefault(question.id, Counter())[(wijk, band, option)] += 1
    return (
        dict(respondents),
        {q: dict(c) for q, c in given.items()},
        {q: dict(c) for q, c in answered.items()},
    )


def weighted(
    questionnaire: Questionnaire,
    cells: list[tuple[str, str | None, str, int]],
    respondents: dict[Cell, int],
    answers: dict[str, dict[tuple[str, str, str], int]],
    answered: dict[str, dict[Known, int]],
    min_cell: int,
) -> Heard:
    area = area_question(questionnaire)
    assert area is not None
    return who_we_heard(
        questionnaire, area, cells, respondents, answers, answered=answered, min_cell=min_cell
    )


async def test_who_we_heard_is_the_count_by_hand(engine: AsyncEngine, sessions: Sessions) -> None:
    questionnaire = await store(sessions, AFVAL)
    made = await fill(sessions, questionnaire, RESPONSES)
    async with sessions() as db:  # inserted in order: the ids follow the responses
        ids = list(await db.scalars(select(Session.id).order_by(Session.id)))
    bands = await residents(sessions, ids)
    async with sessions.begin() as db:
        await store_population(
            db,
            cells_of(parse_population(POPULATION.read_bytes())),
            valid_from=SINCE - timedelta(days=30),
            source=POPULATION.name,
        )
    respondents, answers, answered = by_hand(
        questionnaire, dict(zip(ids, made, strict=True)), bands
    )
    assert sum(respondents.values()) > 200 and len(answers) == 7 and len(answered) == 2

    # What storage counts is the count by hand.
    async with sessions() as db:
        tally = await gather_heard(db, questionnaire, UNTIL)
        only = await gather_heard(db, questionnaire, UNTIL, answers=False)
    assert tally is not None and only is not None
    assert dict(tally.respondents) == respondents == dict(only.respondents)
    assert {q: dict(c) for q, c in tally.answers.items()} == answers
    assert {q: dict(c) for q, c in tally.answered.items()} == answered
    assert not only.answers and not only.answered

    # So representativeness and the weighted results are those of the count by hand.
    settings = bot_settings(str(engine.url))
    min_cell = settings.digest_min_cell
    population = tally.population
    cells = [(c.wijk_name, c.wijk_code, c.age_band, c.inhabitants) for c in population.cells]
    expected = weighted(questionnaire, cells, respondents, answers, answered, min_cell)
    assert expected.weights.n > 0 and expected.questions
    found = weighted(
        questionnaire,
        cells,
        dict(tally.respondents),
        {q: dict(c) for q, c in tally.answers.items()},
        {q: dict(c) for q, c in tally.answered.items()},
        min_cell,
    )
    assert found.representation == expected.representation
    assert found.questions == expected.questions  # every weighted share and margin
    assert numpy.array_equal(found.weights.cell, expected.weights.cell)
    lines = heard_lines(
        expected,
        questionnaire,
        source=population.source,
        valid_from=population.valid_from,
        zone=ZONE,
    )
    assert (
        heard_lines(
            found,
            questionnaire,
            source=population.source,
            valid_from=population.valid_from,
            zone=ZONE,
        )
        == lines
    )

    # The digest shows that block and those figures, the same every time it is built.
    catalog = Catalog()
    catalog.add(questionnaire)
    services = Services(
        settings=settings,
        engine=engine,
        sessions=sessions,
        catalog=catalog,
        pseudonyms=Pseudonyms(b"test"),
        clock=lambda: UNTIL,
    )
    digests = DigestService(services, parse_schedule("off"), None)
    built = [
        await digests.build(
            kind="scheduled",
            since=SINCE,
            until=UNTIL,
            questionnaire_id=questionnaire.id,
            charts=False,
        )
        for _ in range(8)  # past PostgreSQL's five runs of a prepared statement
    ]
    (part,) = built[0].parts
    assert part.figures["heard"] == {**heard_figures(expected), "population": population.id}
    shown = "\n".join(part.messages)
    at = 0
    for line in lines:
        at = shown.index(line, at) + len(line)
    for again in built[1:]:
        assert again.parts == built[0].parts

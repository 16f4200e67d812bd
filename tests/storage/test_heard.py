"""storage.heard on each database (PostgreSQL too with TEST_DATABASE_URL): respondents per
wijk (their answer to the ``profile: wijk`` question) and age band (their profile), and the
answers of closed questions per wijk, band and value, of completed responses only;
nothing without a population valid at the end of the period."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from flows.loader import parse
from storage import profiles
from storage.heard import gather_heard
from storage.models import Answer, Session
from storage.population import Cell, store_population
from tests.storage.helpers import mini_source, register, start, sync, variant

Sessions = async_sessionmaker[AsyncSession]
LATER = datetime(2099, 1, 1, tzinfo=UTC)


def source() -> str:
    return variant(mini_source(), questionnaire_id="buurt").replace(
        "    type: area\n", "    type: area\n    profile: wijk\n", 1
    )


async def answered(
    sessions: Sessions,
    name: str,
    band: str | None,
    wijk: str | None,
    tevreden: int | None,
    *,
    done: bool = True,
    bakken: list[str] | None = None,
) -> None:
    resident = await register(sessions, name * 8)
    if band is not None:
        async with sessions.begin() as db:
            await profiles.set_profile(db, resident.id, age_band=band)
    session = await start(sessions, resident.id, "buurt")
    async with sessions.begin() as db:
        if wijk is not None:
            db.add(Answer(session_id=session.id, question_id="wijk", value=wijk))
        db.add(Answer(session_id=session.id, question_id="tevreden", value=tevreden))
        db.add(Answer(session_id=session.id, question_id="bakken", value=bakken))
        if done:
            await db.execute(
                update(Session).where(Session.id == session.id).values(status="completed")
            )


async def test_respondents_and_answers_per_wijk_and_band(sessions: Sessions) -> None:
    text = source()
    assert await sync(sessions, "buurt", 1, text)
    questionnaire = parse(text, "buurt")
    for i, (band, wijk, score, bakken) in enumerate(
        [
            ("65+", "noord", 4, ["gft", "papier"]),
            ("65+", "noord", 4, ["papier"]),
            ("65+", "noord", None, None),  # skipped both: a respondent, no answers
            ("25-44", "centrum", 2, ["pmd", "gft", "papier"]),
            (None, "centrum", 5, ["gft"]),  # no profile: wijk known, band not
            ("15-24", None, 3, ["gft"]),  # band known, no wijk answer
        ]
    ):
        await answered(sessions, f"{i:08x}", band, wijk, score, bakken=bakken)
    # An unfinished response does not count.
    await answered(sessions, "ffffffff", "65+", "noord", 1, done=False, bakken=["pmd"])
    async with sessions() as db:
        assert await gather_heard(db, questionnaire, LATER) is None  # no population yet
    async with sessions.begin() as db:
        await store_population(
            db,
            [Cell("Noord", None, "65+", 100), Cell("Centrum", None, "25-44", 50)],
            valid_from=datetime(2020, 1, 1, tzinfo=UTC),
            source="test.csv",
        )
    async with sessions() as db:
        tally = await gather_heard(db, questionnaire, LATER)
        before = await gather_heard(db, questionnaire, datetime(2019, 1, 1, tzinfo=UTC))
    assert before is None
    assert tally is not None and tally.population.source == "test.csv"
    assert dict(tally.respondents) == {
        ("noord", "65+"): 3,
        ("centrum", "25-44"): 1,
        ("centrum", None): 1,
        (None, "15-24"): 1,
    }
    assert dict(tally.answers["tevreden"]) == {
        ("noord", "65+", "4"): 2,
        ("centrum", "25-44", "2"): 1,
    }
    # Multiple choice: each ticked option per wijk and band, and who answered it at all.
    assert dict(tally.answers["bakken"]) == {
        ("noord", "65+", "gft"): 1,
        ("noord", "65+", "papier"): 2,
        ("centrum", "25-44", "pmd"): 1,
        ("centrum", "25-44", "gft"): 1,
        ("centrum", "25-44", "papier"): 1,
    }
    assert dict(tally.answered["bakken"]) == {("noord", "65+"): 2, ("centrum", "25-44"): 1}
    assert "tevreden" not in tally.answered  # one option per answer: the sum of its counts
    async with sessions() as db:
        only = await gather_heard(db, questionnaire, LATER, answers=False)
    assert only is not None and only.respondents == tally.respondents
    assert not only.answers and not only.answered


async def test_the_sample_alone_is_counted_apart(sessions: Sessions) -> None:
    """``sample_only``: only responses that came in with an invitation code count, so the
    sample's results can be weighted apart from open participation."""
    text = source()
    assert await sync(sessions, "buurt", 1, text)
    questionnaire = parse(text, "buurt")
    for i, (band, wijk, score) in enumerate(
        [("65+", "noord", 4), ("65+", "noord", 2), ("25-44", "centrum", 5)]
    ):
        await answered(sessions, f"{i:08x}", band, wijk, score)
    async with sessions.begin() as db:
        await store_population(
            db,
            [Cell("Noord", None, "65+", 100), Cell("Centrum", None, "25-44", 50)],
            valid_from=datetime(2020, 1, 1, tzinfo=UTC),
            source="test.csv",
        )
        # The first two residents came in with a code.
        rows = (await db.execute(select(Session.id).order_by(Session.id))).scalars().all()
        await db.execute(update(Session).where(Session.id.in_(rows[:2])).values(sample=True))
    async with sessions() as db:
        everyone = await gather_heard(db, questionnaire, LATER)
        sample = await gather_heard(db, questionnaire, LATER, sample_only=True)
    assert everyone is not None and sample is not None
    assert dict(everyone.respondents) == {("noord", "65+"): 2, ("centrum", "25-44"): 1}
    assert dict(sample.respondents) == {("noord", "65+"): 2}
    assert dict(sample.answers["tevreden"]) == {("noord", "65+", "4"): 1, ("noord", "65+", "2"): 1}

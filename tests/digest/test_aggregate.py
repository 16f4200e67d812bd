"""SQL aggregates for digests against hand-computed figures, on SQLite and PostgreSQL.

The period is [SINCE, UNTIL). Twelve responses, chosen so that every rule shows: answers
outside the period, test runs and replaced revisions never count; a response started
before the period adds the answers it gave in the period.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from flows.digest import OTHER, Distribution, DropOff, QuestionnaireDigest
from flows.schema import Questionnaire
from storage import digest as storage_digest
from tests.digest.helpers import (
    AFTER,
    BEFORE,
    IN,
    PROEF,
    SINCE,
    UNTIL,
    Response,
    Sessions,
    add,
    store,
)

T1 = "De container zit altijd vol, bel me op 06-12345678"
T2 = "Container vaker legen aub, mail piet@example.nl"
T3 = "De container stinkt in de zomer <b>echt</b> & erg"

FULL_1 = {
    "wijk": "centrum", "vervoer": "fiets", "bakken": ["gft", "pmd"], "tevreden": 5,
    "cijfer": 10, "gehoord": "yes", "melding": "ja", "aantal": 3, "afstand": 2.5, "idee": T1,
}  # fmt: skip
FULL_2 = {
    "wijk": "centrum", "vervoer": "auto", "bakken": ["gft"], "tevreden": 4,
    "cijfer": 5, "gehoord": "no", "melding": "nee", "aantal": 1, "afstand": 10, "idee": None,
}  # fmt: skip
FULL_3 = {
    "wijk": "noord", "vervoer": "fiets", "bakken": ["papier"], "tevreden": 2,
    "cijfer": 0, "gehoord": "yes", "melding": "ja", "aantal": None, "afstand": None, "idee": T2,
}  # fmt: skip
FULL_4 = {
    "wijk": "noord", "vervoer": "bus", "bakken": ["gft", "papier", "pmd"], "tevreden": 3,
    "cijfer": 8, "gehoord": "yes", "melding": "ja", "aantal": 10, "afstand": 0.5, "idee": T3,
}  # fmt: skip
NOISE = {
    "wijk": "oost", "vervoer": "bus", "bakken": ["papier"], "tevreden": 1, "cijfer": 1,
    "gehoord": "no", "melding": "nee", "aantal": 50, "afstand": 99.9,
    "idee": "Dit mag nergens meetellen",
}  # fmt: skip


@pytest.fixture
async def proef(sessions: Sessions) -> tuple[Questionnaire, dict[str, int]]:
    """The questionnaire with the twelve responses; the answer ids of the three texts."""
    questionnaire = await store(sessions, PROEF)
    texts: dict[str, int] = {}
    async with sessions.begin() as db:
        one = await add(db, "proef", Response(FULL_1, when={"idee": IN}))
        texts["T1"] = one["idee"]
        await add(db, "proef", Response(FULL_2))
        three = await add(db, "proef", Response(FULL_3, when={"idee": IN + timedelta(hours=1)}))
        texts["T2"] = three["idee"]
        # Started before the period, finished in it.
        four = await add(
            db,
            "proef",
            Response(FULL_4, started=BEFORE, when={"idee": IN + timedelta(hours=2)}),
        )
        texts["T3"] = four["idee"]
        await add(
            db,
            "proef",
            Response(
                {"wijk": "centrum", "vervoer": "fiets", "bakken": ["pmd"]},
                status="paused",
                current="tevreden",
            ),
        )
        await add(
            db,
            "proef",
            Response(
                {"wijk": "oost", "vervoer": "auto", "bakken": ["gft"]},
                status="expired",
                current="tevreden",
            ),
        )
        await add(
            db,
            "proef",
            Response({"wijk": "zuid", "vervoer": "fiets"}, status="active", current="bakken"),
        )
        await add(db, "proef", Response(NOISE, is_test=True))  # a test run
        await add(db, "proef", Response(NOISE, status="replaced"))  # revised later
        # Entirely before the period: counts in the totals only.
        await add(db, "proef", Response(NOISE, started=BEFORE, answered=BEFORE))
        # Entirely after the period: not even in the totals.
        await add(db, "proef", Response(NOISE, started=AFTER, answered=AFTER))
        # Started before, still going: only its answer in the period counts.
        await add(
            db,
            "proef",
            Response(
                {"wijk": "centrum", "vervoer": "fiets", "bakken": ["gft"], "tevreden": 4},
                status="active",
                current="cijfer",
                started=BEFORE,
                answered=BEFORE,
                when={"tevreden": IN},
            ),
        )
    return questionnaire, texts


async def _aggregate(
    sessions: Sessions, questionnaire: Questionnaire, **kwargs: object
) -> QuestionnaireDigest:
    async with sessions() as db:
        return await storage_digest.aggregate(db, questionnaire, SINCE, UNTIL, **kwargs)  # type: ignore[arg-type]


def _dist(digest: QuestionnaireDigest, question_id: str) -> Distribution:
    found = digest.distribution(question_id)
    assert found is not None
    return found


async def test_responses(sessions: Sessions, proef: tuple[Questionnaire, dict[str, int]]) -> None:
    digest = await _aggregate(sessions, proef[0])
    stats = digest.responses
    assert (stats.new, stats.completed_in_period, stats.total, stats.completed) == (6, 4, 9, 5)
    assert stats.incomplete == 4
    assert stats.completion_rate == pytest.approx(5 / 9)
    assert stats.drop_off == DropOff("tevreden", 2)


async def test_closed_questions(
    sessions: Sessions, proef: tuple[Questionnaire, dict[str, int]]
) -> None:
    digest = await _aggregate(sessions, proef[0])
    assert [d.question_id for d in digest.distributions] == [
        "wijk", "vervoer", "bakken", "tevreden", "cijfer", "gehoord", "melding",
    ]  # fmt: skip
    vervoer = _dist(digest, "vervoer")
    assert vervoer.counts == (("fiets", 4), ("auto", 2), ("bus", 1))
    assert (vervoer.respondents, vervoer.skipped) == (7, 0)
    bakken = _dist(digest, "bakken")
    assert bakken.counts == (("gft", 4), ("papier", 2), ("pmd", 3))
    assert bakken.respondents == 6
    assert bakken.share(4) == pytest.approx(4 / 6)
    assert _dist(digest, "gehoord").counts == (("yes", 3), ("no", 1))
    assert _dist(digest, "melding").counts == (("ja", 3), ("nee", 1))


async def test_scales(sessions: Sessions, proef: tuple[Questionnaire, dict[str, int]]) -> None:
    digest = await _aggregate(sessions, proef[0])
    tevreden = _dist(digest, "tevreden")
    assert tevreden.counts == (("1", 0), ("2", 1), ("3", 1), ("4", 2), ("5", 1))
    assert tevreden.mean == pytest.approx(18 / 5)
    assert tevreden.median == 4
    cijfer = _dist(digest, "cijfer")
    assert dict(cijfer.counts) == {str(v): (1 if v in (0, 5, 8, 10) else 0) for v in range(11)}
    assert cijfer.mean == pytest.approx(23 / 4)
    assert cijfer.median == pytest.approx(6.5)


async def test_numbers_and_skips(
    sessions: Sessions, proef: tuple[Questionnaire, dict[str, int]]
) -> None:
    digest = await _aggregate(sessions, proef[0])
    aantal, afstand = digest.numbers
    # Whole numbers in a small range: counted per value.
    assert (aantal.question_id, aantal.respondents, aantal.skipped) == ("aantal", 3, 1)
    assert aantal.mean == pytest.approx(14 / 3)
    assert aantal.median == 3
    # Fractions: AVG and a median from the sorted values, in SQL.
    assert (afstand.question_id, afstand.respondents, afstand.skipped) == ("afstand", 3, 1)
    assert afstand.mean == pytest.approx(13 / 3)
    assert afstand.median == 2.5


async def test_number_median_of_an_even_count(sessions: Sessions) -> None:
    questionnaire = await store(sessions, PROEF)
    async with sessions.begin() as db:
        for value in (7.5, 1, 3.25, 100):
            await add(db, "proef", Response({"afstand": value, "aantal": int(value)}))
    digest = await _aggregate(sessions, questionnaire)
    aantal, afstand = digest.numbers
    assert (afstand.median, afstand.mean) == (pytest.approx(5.375), pytest.approx(111.75 / 4))
    assert (aantal.median, aantal.mean) == (5.0, pytest.approx(111 / 4))


async def test_scorecard(sessions: Sessions, proef: tuple[Questionnaire, dict[str, int]]) -> None:
    digest = await _aggregate(sessions, proef[0])
    scores = {s.dimension: (s.score, s.answers) for s in digest.scorecard}
    # dienstverlening: tevreden 5,4,2,3,4 on 1..5 -> 100,75,25,50,75.
    # bestuur: cijfer 10,5,0,8 on 0..10 -> 100,50,0,80; gehoord yes,no,yes,yes -> 100,0,100,100.
    # organisatie only has a choice question, which is not scored.
    assert scores == {"dienstverlening": (65.0, 5), "bestuur": (pytest.approx(530 / 8), 8)}


@pytest.mark.parametrize(
    ("min_cell", "cells", "merged"),
    [
        # centrum 3, noord 2, oost 1, zuid 1.
        (3, (("centrum", 3), (OTHER, 4)), 3),
        (1, (("centrum", 3), (OTHER, 4)), 3),  # never below 3
        (5, ((OTHER, 7),), 4),
        (2, (("centrum", 3), (OTHER, 4)), 3),
    ],
)
async def test_areas_are_suppressed(
    sessions: Sessions,
    proef: tuple[Questionnaire, dict[str, int]],
    min_cell: int,
    cells: tuple[tuple[str, int], ...],
    merged: int,
) -> None:
    digest = await _aggregate(sessions, proef[0], min_cell=min_cell)
    wijk = _dist(digest, "wijk")
    assert (wijk.counts, wijk.merged, wijk.respondents) == (cells, merged, 7)
    assert digest.min_cell == max(3, min_cell)


async def test_free_text(sessions: Sessions, proef: tuple[Questionnaire, dict[str, int]]) -> None:
    digest = await _aggregate(sessions, proef[0])
    (idee,) = digest.texts
    assert idee.count == 3
    assert idee.words == (("container", 3),)  # every other word is in fewer than 3 answers
    assert [q.text for q in idee.quotes] == [  # most recent first, personal data removed
        "De container stinkt in de zomer <b>echt</b> & erg",
        "Container vaker legen aub, mail [verwijderd]",
        "De container zit altijd vol, bel me op [verwijderd]",
    ]
    texts = proef[1]
    assert [q.answer_id for q in idee.quotes] == [texts["T3"], texts["T2"], texts["T1"]]


async def test_excluded_answers_are_not_quoted(
    sessions: Sessions, proef: tuple[Questionnaire, dict[str, int]]
) -> None:
    questionnaire, texts = proef
    digest = await _aggregate(sessions, questionnaire, exclude_answer_ids=[texts["T3"]], quotes=5)
    (idee,) = digest.texts
    assert idee.count == 3  # still counted
    assert idee.words == ()  # "container" now in 2 answers only
    assert [q.answer_id for q in idee.quotes] == [texts["T2"], texts["T1"]]


async def test_text_limit(sessions: Sessions, proef: tuple[Questionnaire, dict[str, int]]) -> None:
    digest = await _aggregate(sessions, proef[0], max_texts=2)
    (idee,) = digest.texts
    assert idee.count == 3
    assert [q.text[:10] for q in idee.quotes] == ["De contain", "Container "]


async def test_empty_period(
    sessions: Sessions, proef: tuple[Questionnaire, dict[str, int]]
) -> None:
    async with sessions() as db:
        digest = await storage_digest.aggregate(
            db, proef[0], UNTIL + timedelta(days=30), UNTIL + timedelta(days=37)
        )
    assert digest.responses.new == 0
    assert digest.responses.total == 10  # everything that counts, the late one included
    assert all(d.respondents == 0 for d in digest.distributions)
    assert _dist(digest, "wijk").counts == ()
    assert _dist(digest, "tevreden").mean is None
    assert all(n.mean is None and n.median is None for n in digest.numbers)
    assert digest.texts[0].quotes == ()
    assert {s.dimension: s.score for s in digest.scorecard} == {
        "dienstverlening": None,
        "bestuur": None,
    }


async def test_period_must_run_forwards(
    sessions: Sessions, proef: tuple[Questionnaire, dict[str, int]]
) -> None:
    async with sessions() as db:
        with pytest.raises(ValueError, match="since"):
            await storage_digest.aggregate(db, proef[0], UNTIL, SINCE)


async def test_unknown_values_are_kept_apart(sessions: Sessions) -> None:
    """An option an older version had, and an out-of-range scale value, show after the rest
    and are not scored."""
    questionnaire = await store(sessions, PROEF)
    async with sessions.begin() as db:
        await add(db, "proef", Response({"vervoer": "tram", "tevreden": 7, "bakken": ["glas"]}))
        await add(db, "proef", Response({"vervoer": "fiets", "tevreden": 5}))
    digest = await _aggregate(sessions, questionnaire)
    assert _dist(digest, "vervoer").counts[-1] == ("tram", 1)
    assert _dist(digest, "bakken").counts[-1] == ("glas", 1)
    tevreden = _dist(digest, "tevreden")
    assert tevreden.counts[-1] == ("7", 1)
    assert (tevreden.mean, tevreden.median) == (5.0, 5.0)  # 7 is outside 1..5
    assert {s.dimension: s.score for s in digest.scorecard}["dienstverlening"] == 100.0


async def test_active_questionnaires(
    sessions: Sessions, proef: tuple[Questionnaire, dict[str, int]]
) -> None:
    async with sessions() as db:
        assert await storage_digest.active_questionnaires(db, SINCE, UNTIL) == ["proef"]
        later = UNTIL + timedelta(days=30)
        assert await storage_digest.active_questionnaires(db, later, later + timedelta(1)) == []


def test_json_sql_refuses_other_databases() -> None:
    with pytest.raises(ValueError, match="mysql"):
        storage_digest.JsonSql("mysql")

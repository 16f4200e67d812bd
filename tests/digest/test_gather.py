"""SQL aggregates for digests against hand-computed figures, on SQLite and PostgreSQL: one
read (:func:`storage.digest.gather`), then the figures (:func:`analysis.digest.compute`).

The period is [SINCE, UNTIL). Twelve responses, chosen so that every rule shows: answers
outside the period, test runs and replaced revisions never count; a response started
before the period adds the answers it gave in the period. The three texts in the period are
approved in moderation unless a test says otherwise; the other texts wait (and must never
show up as waiting: they are outside the period, a test run or replaced).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import case, func, literal_column, select, true, update

from analysis.counts import MIN_CELL, OTHER
from analysis.digest import compute, effect_stats
from analysis.figures import Distribution, DropOff, EffectStats, QuestionnaireDigest
from analysis.words import QUOTES
from flows.schema import Questionnaire
from storage import digest as storage_digest
from storage.models import Answer, EffectAnswer, EffectCheck, Resident, Session
from tests.analysis.test_digest import tallies as by_hand
from tests.digest.helpers import (
    AFTER,
    BEFORE,
    IN,
    PROEF,
    ROOT,
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
APPROVED = {"idee": "approved"}
WAITING = {"idee": "pending"}


@pytest.fixture
async def proef(sessions: Sessions) -> tuple[Questionnaire, dict[str, int]]:
    """The questionnaire with the twelve responses; the answer ids of the three texts."""
    questionnaire = await store(sessions, PROEF)
    texts: dict[str, int] = {}
    async with sessions.begin() as db:
        one = await add(db, "proef", Response(FULL_1, when={"idee": IN}, moderation=APPROVED))
        texts["T1"] = one["idee"]
        await add(db, "proef", Response(FULL_2))
        three = await add(
            db,
            "proef",
            Response(FULL_3, when={"idee": IN + timedelta(hours=1)}, moderation=APPROVED),
        )
        texts["T2"] = three["idee"]
        # Started before the period, finished in it.
        four = await add(
            db,
            "proef",
            Response(
                FULL_4,
                started=BEFORE,
                when={"idee": IN + timedelta(hours=2)},
                moderation=APPROVED,
            ),
        )
        texts["T3"] = four["idee"]
        for answers, status, current in (
            ({"wijk": "centrum", "vervoer": "fiets", "bakken": ["pmd"]}, "paused", "tevreden"),
            ({"wijk": "oost", "vervoer": "auto", "bakken": ["gft"]}, "expired", "tevreden"),
            ({"wijk": "zuid", "vervoer": "fiets"}, "active", "bakken"),
        ):
            await add(db, "proef", Response(answers, status=status, current=current))
        await add(db, "proef", Response(NOISE, is_test=True, moderation=WAITING))  # a test run
        await add(db, "proef", Response(NOISE, status="replaced", moderation=WAITING))
        # Entirely before the period: counts in the totals only.
        await add(
            db, "proef", Response(NOISE, started=BEFORE, answered=BEFORE, moderation=WAITING)
        )
        # Entirely after the period: not even in the totals.
        await add(db, "proef", Response(NOISE, started=AFTER, answered=AFTER, moderation=WAITING))
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
    sessions: Sessions,
    questionnaire: Questionnaire,
    *,
    since: datetime = SINCE,
    until: datetime = UNTIL,
    min_cell: int = MIN_CELL,
    quotes: int = QUOTES,
    **read: Any,
) -> QuestionnaireDigest:
    """The digest's figures as the bot makes them: one read, then the figures."""
    async with sessions() as db:
        tallies = await storage_digest.gather(db, questionnaire, since, until, **read)
    return compute(tallies, questionnaire, min_cell=min_cell, quotes=quotes)


async def _effects(sessions: Sessions, since: datetime, until: datetime) -> EffectStats | None:
    async with sessions() as db:
        found = await storage_digest.effects(db, "proef", since, until)
    return effect_stats(found.counts, found.new)


async def test_gather_reads_the_tallies_counted_by_hand(
    sessions: Sessions, proef: tuple[Questionnaire, dict[str, int]]
) -> None:
    """What the database gives is the plain data tests/analysis/test_digest.py computes
    from (in whatever order the rows come), with the real answer ids."""
    questionnaire, texts = proef
    async with sessions() as db:
        read = await storage_digest.gather(db, questionnaire, SINCE, UNTIL)
    expected = by_hand()
    assert (read.questionnaire_id, read.since, read.until) == ("proef", SINCE, UNTIL)
    assert sorted(read.responses.unfinished) == sorted(expected.responses.unfinished)
    assert (
        read.responses.new,
        read.responses.completed_in_period,
        read.responses.total,
        read.responses.completed,
    ) == (6, 4, 9, 5)
    assert [a.question_id for a in read.answers] == [q.id for q in questionnaire.questions]
    for found, wanted in zip(read.answers, expected.answers, strict=True):
        assert (found.question_id, found.answered, found.skipped, found.pending) == (
            wanted.question_id,
            wanted.answered,
            wanted.skipped,
            wanted.pending,
        )
        assert dict(found.values) == dict(wanted.values)
    ((afstand, mean, median),) = [(n.question_id, n.mean, n.median) for n in read.numbers]
    assert (afstand, mean, median) == ("afstand", pytest.approx(13 / 3), 2.5)
    (idee,) = read.texts
    assert [(t.answer_id, t.text, t.approved) for t in idee.recent] == [
        (texts["T3"], T3, True),
        (texts["T2"], T2, True),
        (texts["T1"], T1, True),
    ]
    assert idee.approved is None  # every text read: no need to look further
    assert (dict(read.effects.counts), read.effects.new, read.previous) == ({}, 0, None)


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


async def test_a_residents_opinion_counts_once(sessions: Sessions) -> None:
    """An unfinished revision beside a completed response, or an expired first try before
    it, is no second response: neither its answers nor the response count."""
    questionnaire = await store(sessions, PROEF)
    async with sessions.begin() as db:
        ann, bob = (
            Resident(pseudonym=name * 32, language="nl", consent="given", consent_at=BEFORE)
            for name in ("a", "b")
        )
        db.add_all([ann, bob])
        await db.flush()
        await add(db, "proef", Response(FULL_1), resident_id=ann.id)
        revision = {"wijk": "oost", "vervoer": "bus"}
        await add(
            db, "proef", Response(revision, status="paused", current="bakken"), resident_id=ann.id
        )
        await add(
            db, "proef", Response(revision, status="expired", current="bakken"), resident_id=bob.id
        )
        await add(db, "proef", Response(FULL_2), resident_id=bob.id)
        # Only unfinished: their response, as any unfinished one.
        await add(db, "proef", Response(revision, status="active", current="bakken"))

    digest = await _aggregate(sessions, questionnaire)
    stats = digest.responses
    assert (stats.total, stats.completed, stats.incomplete) == (3, 2, 1)
    assert _dist(digest, "vervoer").counts == (("fiets", 1), ("auto", 1), ("bus", 1))
    assert _dist(digest, "wijk").respondents == 3


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
    # organisatie only has a choice question without scores: it cannot count.
    assert scores == {
        "dienstverlening": (65.0, 5),
        "organisatie": (None, 0),
        "bestuur": (pytest.approx(530 / 8), 8),
    }


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
    assert idee.pending == 0  # the waiting texts are a test run, replaced or out of the period


async def test_quotes_keep_the_language_they_were_written_in(
    sessions: Sessions, proef: tuple[Questionnaire, dict[str, int]]
) -> None:
    """Each quote carries the language its resident wrote in: the one kept with the answer,
    else (a text from before it was kept) the resident's language, else none known."""
    questionnaire, texts = proef
    async with sessions.begin() as db:
        for pseudonym, language, text in (("r-ar", "ar", "T3"), ("r-tr", "tr", "T2")):
            resident = Resident(pseudonym=pseudonym, language=language, consent="given")
            db.add(resident)
            await db.flush()
            answered = select(Answer.session_id).where(Answer.id == texts[text])
            await db.execute(
                update(Session)
                .where(Session.id == answered.scalar_subquery())
                .values(resident_id=resident.id)
            )
        # T2 was written in English by a resident who reads Turkish now: the answer's own.
        await db.execute(update(Answer).where(Answer.id == texts["T2"]).values(language="en"))
    (idee,) = (await _aggregate(sessions, questionnaire)).texts
    assert [(q.answer_id, q.language) for q in idee.quotes] == [
        (texts["T3"], "ar"),
        (texts["T2"], "en"),
        (texts["T1"], None),  # anonymous and never kept
    ]
    # Behind a moderation backlog, the quotes read further keep their language too.
    await _moderate(sessions, [texts["T3"]], "pending")
    (idee,) = (await _aggregate(sessions, questionnaire, max_texts=1)).texts
    assert [(q.answer_id, q.language) for q in idee.quotes] == [(texts["T2"], "en")]


async def _moderate(sessions: Sessions, answer_ids: Sequence[int], state: str | None) -> None:
    async with sessions.begin() as db:
        await db.execute(update(Answer).where(Answer.id.in_(answer_ids)).values(moderation=state))


async def test_only_approved_texts_are_quoted(
    sessions: Sessions, proef: tuple[Questionnaire, dict[str, int]]
) -> None:
    questionnaire, texts = proef
    await _moderate(sessions, [texts["T2"]], "pending")
    await _moderate(sessions, [texts["T3"]], "rejected")
    (idee,) = (await _aggregate(sessions, questionnaire, quotes=5)).texts
    assert idee.count == 3  # every text counts, whatever its moderation
    assert idee.pending == 1
    assert [q.answer_id for q in idee.quotes] == [texts["T1"]]
    assert idee.words == ()  # only the approved T1 gives words: "container" in 1 answer


async def test_quotes_behind_a_moderation_backlog(
    sessions: Sessions, proef: tuple[Questionnaire, dict[str, int]]
) -> None:
    """The newest texts read for words all wait: the quote is the newest approved one."""
    questionnaire, texts = proef
    await _moderate(sessions, [texts["T2"], texts["T3"]], "pending")
    (idee,) = (await _aggregate(sessions, questionnaire, max_texts=2)).texts
    assert [q.answer_id for q in idee.quotes] == [texts["T1"]]
    assert (idee.count, idee.pending) == (3, 2)


async def test_texts_never_judged_wait_and_are_not_quoted(
    sessions: Sessions, proef: tuple[Questionnaire, dict[str, int]]
) -> None:
    """Text stored before moderation existed (moderation NULL) counts as waiting."""
    questionnaire, texts = proef
    await _moderate(sessions, list(texts.values()), None)
    (idee,) = (await _aggregate(sessions, questionnaire)).texts
    assert (idee.count, idee.pending, idee.quotes) == (3, 3, ())
    # Words come from texts moderation allows to be shown only: waiting texts give none.
    assert idee.words == ()


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
    later = UNTIL + timedelta(days=30)
    digest = await _aggregate(sessions, proef[0], since=later, until=later + timedelta(days=7))
    assert digest.responses.new == 0
    assert digest.responses.total == 10  # everything that counts, the late one included
    assert all(d.respondents == 0 for d in digest.distributions)
    assert _dist(digest, "wijk").counts == ()
    assert _dist(digest, "tevreden").mean is None
    assert all(n.mean is None and n.median is None for n in digest.numbers)
    assert digest.texts[0].quotes == ()
    assert {s.dimension: s.score for s in digest.scorecard} == {
        "dienstverlening": None,
        "organisatie": None,
        "bestuur": None,
    }


async def test_period_must_run_forwards(
    sessions: Sessions, proef: tuple[Questionnaire, dict[str, int]]
) -> None:
    async with sessions() as db:
        with pytest.raises(ValueError, match="since"):
            await storage_digest.gather(db, proef[0], UNTIL, SINCE)


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


async def _effect_check(sessions: Sessions, questionnaire_id: str) -> int:
    async with sessions.begin() as db:
        check = EffectCheck(questionnaire_id=questionnaire_id, due_at=BEFORE)
        db.add(check)
        await db.flush()
        return check.id


async def _effect_answers(
    sessions: Sessions, check: int, values: dict[str, int], when: datetime
) -> None:
    async with sessions.begin() as db:
        for value, count in values.items():
            for _ in range(count):
                db.add(EffectAnswer(effect_check_id=check, value=value, answered_at=when))


async def test_effect_checks(
    sessions: Sessions, proef: tuple[Questionnaire, dict[str, int]]
) -> None:
    """Two checks of the questionnaire, answers before, in and after the period, and a
    check of another questionnaire. Counted by hand: before UNTIL, ja 4 + 3 = 7, een_beetje
    5, nee 3 + 1 = 4, weet_niet 1: 17 answers, 12 of them in the period. nee (4) and
    weet_niet (1) are small cells: together 5, shown as Overig."""
    questionnaire = proef[0]
    await store(sessions, ROOT / "questionnaires" / "afvalinzameling.yaml")
    first = await _effect_check(sessions, "proef")
    second = await _effect_check(sessions, "proef")
    other = await _effect_check(sessions, "afvalinzameling")
    await _effect_answers(sessions, first, {"ja": 4, "nee": 1}, BEFORE)
    await _effect_answers(sessions, first, {"een_beetje": 5, "nee": 3}, IN)
    await _effect_answers(sessions, second, {"ja": 3, "weet_niet": 1}, IN)
    await _effect_answers(sessions, second, {"ja": 9, "nee": 9}, AFTER)
    await _effect_answers(sessions, other, {"nee": 20}, IN)

    effects = (await _aggregate(sessions, questionnaire)).effects
    assert effects is not None
    assert (effects.total, effects.new, effects.merged) == (17, 12, 2)
    assert effects.counts == (("ja", 7), ("een_beetje", 5), (OTHER, 5))

    # Before the period: ja 4 and nee 1, both small cells; all in Overig says nothing, so
    # only the totals are shown.
    early = await _effects(sessions, BEFORE - timedelta(days=1), SINCE)
    assert early is not None and (early.total, early.new, early.counts) == (5, 5, ())
    assert await _effects(sessions, SINCE - timedelta(days=30), BEFORE) is None
    async with sessions() as db:
        assert await storage_digest.effect_questionnaires(db, SINCE, UNTIL) == [
            "afvalinzameling",
            "proef",
        ]
        assert await storage_digest.effect_questionnaires(db, UNTIL, AFTER) == []


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


# Odd stored values: what a single-value question's answers are grouped on (the stored text
# on SQLite, decoded in Python) and how a multiple-choice answer is split into options must
# give what the database's own JSON functions give (json_extract / #>>, json_each /
# json_array_elements_text), so one pass over the answers counts as the separate reads did.
ODD_VALUES: list[Any] = [
    "noord", "4", 4, 4.0, 2.5, -3, True, False, "", "a \"quoted\" ü", 10**12,
    ["gft", "pmd"], ["gft", "gft"], [], "gft", 7, [1, 2.5, True, None, "x"], ["a", ["b"]],
]  # fmt: skip


async def test_values_read_in_python_as_the_database_reads_them(sessions: Sessions) -> None:
    await store(sessions, PROEF)
    async with sessions.begin() as db:
        ids = [
            (await add(db, "proef", Response({"vervoer": value})))["vervoer"]
            for value in ODD_VALUES
        ]
    async with sessions() as db:
        json = storage_digest.JsonSql.of(db)
        for answer_id, value in zip(ids, ODD_VALUES, strict=True):
            where = Answer.id == answer_id
            if not isinstance(value, list):
                by_sql, grouped = (
                    await db.execute(
                        select(json.scalar(Answer.value), json.grouped(Answer.value)).where(where)
                    )
                ).one()
                assert json.decoded(grouped) == by_sql, value
                assert type(json.decoded(grouped)) is type(by_sql), value
            if json.postgres:
                array = func.json_array_elements_text(
                    case(
                        (func.json_typeof(Answer.value) == "array", Answer.value),
                        else_=literal_column("'[]'::json"),
                    )
                ).table_valued("value", joins_implicitly=True)
            else:
                array = func.json_each(Answer.value).table_valued("value", joins_implicitly=True)
            listed = list(
                await db.scalars(
                    select(array.c.value).select_from(Answer).join(array, true()).where(where)
                )
            )
            whole = await db.scalar(select(json.whole(Answer.value)).where(where))
            assert json.ticks(whole) == listed, value
            assert [type(t) for t in json.ticks(whole)] == [type(t) for t in listed], value

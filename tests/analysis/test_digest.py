"""Digest figures from tallies made by hand: plain data in, figures out, no database.

The tallies are what :func:`storage.digest.gather` reads for the responses of
``tests/digest/test_gather.py`` (counted there against the database); here the figures are
checked against the same hand counts, and the rules that need no database: order of values,
small cells, quotes only from approved texts, the change since the previous digest.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from analysis.counts import OTHER
from analysis.digest import changes, compute, effect_stats, response_stats
from analysis.figures import DropOff, EffectStats, PreviousFigures
from analysis.tallies import (
    AnswerTally,
    EffectTally,
    NumberSummary,
    RecentText,
    ResponseTally,
    Tallies,
    TextSample,
)
from flows.schema import Questionnaire
from tests.digest.helpers import SINCE, UNTIL

T1 = "De container zit altijd vol, bel me op 06-12345678"
T2 = "Container vaker legen aub, mail piet@example.nl"
T3 = "De container stinkt in de zomer <b>echt</b> & erg"


def tallies(**changed: object) -> Tallies:
    """The tallies of the twelve responses of tests/digest/test_gather.py, as the database
    gives them (values in the order rows come back, 3 and "3" already alike)."""
    made = Tallies(
        questionnaire_id="proef",
        since=SINCE,
        until=UNTIL,
        responses=ResponseTally(6, 4, 9, 5, (("cijfer", 1), ("tevreden", 2), ("bakken", 1))),
        answers=(
            AnswerTally("wijk", 7, 0, (("centrum", 3), ("noord", 2), ("oost", 1), ("zuid", 1))),
            AnswerTally("vervoer", 7, 0, (("auto", 2), ("bus", 1), ("fiets", 4))),
            AnswerTally("bakken", 6, 0, (("gft", 4), ("papier", 2), ("pmd", 3))),
            AnswerTally("tevreden", 5, 0, (("2", 1), ("3", 1), ("4", 2), ("5", 1))),
            AnswerTally("cijfer", 4, 0, (("0", 1), ("10", 1), ("5", 1), ("8", 1))),
            AnswerTally("gehoord", 4, 0, (("no", 1), ("yes", 3))),
            AnswerTally("melding", 4, 0, (("ja", 3), ("nee", 1))),
            AnswerTally("aantal", 3, 1, (("1", 1), ("10", 1), ("3", 1))),
            AnswerTally("afstand", 3, 1),
            AnswerTally("idee", 3, 1),
        ),
        numbers=(NumberSummary("afstand", 13 / 3, 2.5),),
        texts=(
            TextSample(
                "idee", (RecentText(3, T3, True), RecentText(2, T2, True), RecentText(1, T1, True))
            ),
        ),
    )
    return replace(made, **changed)  # type: ignore[arg-type]


def test_responses_and_where_they_stop(proef: Questionnaire) -> None:
    stats = compute(tallies(), proef).responses
    assert (stats.new, stats.completed_in_period, stats.total, stats.completed) == (6, 4, 9, 5)
    assert stats.drop_off == DropOff("tevreden", 2)
    # A tie goes to the first question id in alphabetical order; nobody unfinished: none.
    tie = ResponseTally(1, 1, 9, 5, (("tevreden", 2), ("bakken", 2), ("cijfer", 1)))
    assert response_stats(tie).drop_off == DropOff("bakken", 2)
    assert response_stats(ResponseTally(1, 1, 1, 1)).drop_off is None


def test_closed_questions_in_questionnaire_order(proef: Questionnaire) -> None:
    digest = compute(tallies(), proef, min_cell=3)
    assert [d.question_id for d in digest.distributions] == [
        "wijk", "vervoer", "bakken", "tevreden", "cijfer", "gehoord", "melding",
    ]  # fmt: skip
    vervoer = digest.distribution("vervoer")
    assert vervoer is not None
    assert vervoer.counts == (("fiets", 4), ("auto", 2), ("bus", 1))
    assert (vervoer.respondents, vervoer.skipped, vervoer.type) == (7, 0, "choice")
    bakken = digest.distribution("bakken")
    assert bakken is not None and bakken.counts == (("gft", 4), ("papier", 2), ("pmd", 3))
    gehoord = digest.distribution("gehoord")
    assert gehoord is not None and gehoord.counts == (("yes", 3), ("no", 1))
    # centrum 3, noord 2, oost 1, zuid 1: the three small ones together.
    wijk = digest.distribution("wijk")
    assert wijk is not None
    assert (wijk.counts, wijk.merged, wijk.respondents) == ((("centrum", 3), (OTHER, 4)), 3, 7)
    assert digest.answered == 7 + 7 + 6 + 5 + 4 + 4 + 4


def test_scales_numbers_and_scorecard(proef: Questionnaire) -> None:
    digest = compute(tallies(), proef)
    tevreden = digest.distribution("tevreden")
    assert tevreden is not None
    assert tevreden.counts == (("1", 0), ("2", 1), ("3", 1), ("4", 2), ("5", 1))
    assert (tevreden.mean, tevreden.median) == (pytest.approx(18 / 5), 4)
    cijfer = digest.distribution("cijfer")
    assert cijfer is not None
    assert (cijfer.mean, cijfer.median) == (pytest.approx(23 / 4), pytest.approx(6.5))
    aantal, afstand = digest.numbers
    # Counted per value (aantal) or summarised by the database (afstand).
    assert (aantal.respondents, aantal.skipped, aantal.median) == (3, 1, 3)
    assert aantal.mean == pytest.approx(14 / 3)
    assert (afstand.respondents, afstand.skipped) == (3, 1)
    assert (afstand.mean, afstand.median) == (pytest.approx(13 / 3), 2.5)
    scores = {s.dimension: (s.score, s.answers) for s in digest.scorecard}
    # organisatie only tags a choice question without scores: named, but it cannot count.
    assert scores == {
        "dienstverlening": (65.0, 5),
        "organisatie": (None, 0),
        "bestuur": (pytest.approx(530 / 8), 8),
    }


def test_unknown_values_come_last_and_are_not_scored(proef: Questionnaire) -> None:
    odd = tallies(
        answers=(
            AnswerTally("vervoer", 2, 0, (("tram", 1), ("fiets", 1))),
            AnswerTally("tevreden", 2, 0, (("7", 1), ("5", 1))),
        ),
        numbers=(),
        texts=(),
    )
    digest = compute(odd, proef)
    vervoer, tevreden = digest.distribution("vervoer"), digest.distribution("tevreden")
    assert vervoer is not None and vervoer.counts[-1] == ("tram", 1)
    assert tevreden is not None and tevreden.counts[-1] == ("7", 1)
    assert (tevreden.mean, tevreden.median) == (5.0, 5.0)  # 7 is outside 1..5
    assert {s.dimension: s.score for s in digest.scorecard}["dienstverlening"] == 100.0
    # Questions nobody answered in the period: zeros, no mean.
    wijk, cijfer = digest.distribution("wijk"), digest.distribution("cijfer")
    assert wijk is not None and (wijk.counts, wijk.respondents) == ((), 0)
    assert cijfer is not None and cijfer.mean is None
    assert all(n.respondents == 0 for n in digest.numbers)
    assert digest.texts[0].count == 0 and digest.texts[0].quotes == ()


def test_a_grade_typed_with_decimals_counts_in_its_place(proef: Questionnaire) -> None:
    # A scale with ``decimals: 1`` stores a typed 7,5 as 7.5; the database groups it as "7.5".
    grades = AnswerTally("cijfer", 4, 0, (("8", 1), ("7.5", 2), ("7", 1), ("12.5", 1)))
    digest = compute(tallies(answers=(grades,), numbers=(), texts=()), proef)
    cijfer = digest.distribution("cijfer")
    assert cijfer is not None
    assert [k for k, c in cijfer.counts if c] == ["7", "7.5", "8", "12.5"]
    assert cijfer.counts[7:10] == (("7", 1), ("7.5", 2), ("8", 1))
    assert (cijfer.mean, cijfer.median) == (7.5, 7.5)  # 12.5 lies outside 0..10
    scores = {s.dimension: (s.score, s.answers) for s in digest.scorecard}
    assert scores["bestuur"] == (75.0, 4)


def test_words_and_quotes_are_scrubbed(proef: Questionnaire) -> None:
    (idee,) = compute(tallies(), proef).texts
    assert (idee.count, idee.pending) == (3, 0)
    assert idee.words == (("container", 3),)
    assert [(q.answer_id, q.text) for q in idee.quotes] == [
        (3, "De container stinkt in de zomer <b>echt</b> & erg"),
        (2, "Container vaker legen aub, mail [verwijderd]"),
        (1, "De container zit altijd vol, bel me op [verwijderd]"),
    ]


def test_only_approved_texts_are_quoted(proef: Questionnaire) -> None:
    waiting = TextSample("idee", (RecentText(3, T3, False), RecentText(1, T1, True)))
    counted = tallies(
        answers=(AnswerTally("idee", 3, 0, pending=1),), texts=(waiting,)
    )  # T2 rejected: not in the sample, still counted
    (idee,) = compute(counted, proef, quotes=5).texts
    assert (idee.count, idee.pending) == (3, 1)
    assert [q.answer_id for q in idee.quotes] == [1]
    assert idee.words == ()  # "container" in 2 texts only


def test_quotes_behind_a_moderation_backlog(proef: Questionnaire) -> None:
    """The sample is cut at its limit and holds no approved text: the newest approved ones
    of the period are quoted instead."""
    backlog = TextSample(
        "idee", (RecentText(3, T3, False), RecentText(2, T2, False)), approved=((1, T1),)
    )
    (idee,) = compute(tallies(texts=(backlog,)), proef).texts
    assert [q.answer_id for q in idee.quotes] == [1]
    # Enough approved texts in the sample itself: those.
    enough = TextSample("idee", (RecentText(3, T3, True),), approved=((1, T1),))
    (idee,) = compute(tallies(texts=(enough,)), proef, quotes=1).texts
    assert [q.answer_id for q in idee.quotes] == [3]


def test_effect_checks_are_computed(proef: Questionnaire) -> None:
    found = {"nee": 4, "ja": 7, "weet_niet": 1, "een_beetje": 5}
    digest = compute(tallies(effects=EffectTally(found, 12)), proef)
    assert digest.effects == EffectStats(
        17, 12, (("ja", 7), ("een_beetje", 5), (OTHER, 5)), merged=2
    )
    assert compute(tallies(), proef).effects is None


def test_effect_stats_apply_the_small_cell_rule() -> None:
    # 17 answers: nee 4 and weet_niet 1 are small cells, 5 together.
    found = {"nee": 4, "ja": 7, "weet_niet": 1, "een_beetje": 5}
    stats = effect_stats(found, 12)
    assert stats == EffectStats(17, 12, (("ja", 7), ("een_beetje", 5), (OTHER, 5)), merged=2)
    # Fewer than 5 in all, or every cell small: totals only.
    assert effect_stats({"ja": 3, "nee": 1}, 0) == EffectStats(4, 0, ())
    assert effect_stats({"ja": 4, "nee": 4}, 8) == EffectStats(8, 8, ())
    # A lower threshold (never below 3); an unknown value after the known ones.
    assert effect_stats({"ja": 3, "nee": 3, "later": 3}, 9, min_cell=2) == EffectStats(
        9, 9, (("ja", 3), ("nee", 3), ("later", 3))
    )
    assert effect_stats({}, 0) is None


def test_change_since_the_previous_digest(proef: Questionnaire) -> None:
    sent = datetime(2026, 11, 1, 22, 30, tzinfo=UTC)
    previous = PreviousFigures(
        sent_at=sent,
        new=4,
        total=7,
        scale_means={"tevreden": 3.9, "weg": 1.0},
        dimensions={"bestuur": 70.0},
    )
    digest = compute(tallies(previous=previous), proef)
    assert digest.changes is not None
    assert digest.changes.since == sent
    # Only where both digests have a figure: cijfer had none before, weg has none now.
    assert digest.changes.scale_means == {"tevreden": pytest.approx(18 / 5 - 3.9)}
    assert digest.changes.dimensions == {"bestuur": pytest.approx(530 / 8 - 70)}
    assert compute(tallies(), proef).changes is None
    # Responses are not compared: the period says what is new, once.
    assert not hasattr(changes(digest, previous), "responses")


def test_min_cell_is_never_below_three(proef: Questionnaire) -> None:
    digest = compute(tallies(), proef, min_cell=1)
    assert digest.min_cell == 3
    wijk = digest.distribution("wijk")
    assert wijk is not None and wijk.counts == (("centrum", 3), (OTHER, 4))
    everything = compute(tallies(), proef, min_cell=5).distribution("wijk")
    assert everything is not None
    assert (everything.counts, everything.merged) == (((OTHER, 7),), 4)

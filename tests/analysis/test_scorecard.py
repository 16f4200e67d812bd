"""The public-value scorecard: answers on 0..100, pooled per dimension."""

from __future__ import annotations

import pytest

from analysis.figures import DimensionScore, Distribution, NumberStats
from analysis.scorecard import normalised, scorecard
from flows.loader import parse
from flows.public_value import uncounted
from flows.schema import Questionnaire


def test_normalised(proef: Questionnaire) -> None:
    tevreden, cijfer, gehoord, melding = (
        proef.question(q) for q in ("tevreden", "cijfer", "gehoord", "melding")
    )
    assert [normalised(tevreden, v) for v in (1, 2, 3, 4, 5)] == [0, 25, 50, 75, 100]
    assert normalised(cijfer, 7) == pytest.approx(70)
    assert (normalised(gehoord, "yes"), normalised(gehoord, "no")) == (100, 0)
    assert normalised(melding, "ja") is None  # choice questions are not scored
    assert normalised(tevreden, None) is None
    assert normalised(tevreden, 9) is None  # outside the range
    assert normalised(tevreden, True) is None


def test_scorecard_pools_answers_per_dimension(proef: Questionnaire) -> None:
    distributions = [
        Distribution("tevreden", "scale", 4, 0, (("1", 1), ("5", 3))),  # 0, 100, 100, 100
        Distribution("cijfer", "scale", 2, 0, (("0", 0), ("4", 2))),  # 40, 40
        Distribution("gehoord", "yesno", 4, 1, (("yes", 1), ("no", 3))),  # 100, 0, 0, 0
        Distribution("melding", "choice", 9, 0, (("ja", 9),)),  # not scored
    ]
    assert scorecard(proef, distributions) == (
        DimensionScore("dienstverlening", 75.0, 4),
        DimensionScore("organisatie", None, 0, uncounted=1),  # melding has no scores
        DimensionScore("bestuur", pytest.approx(180 / 6), 6),  # type: ignore[arg-type]
    )
    assert scorecard(proef, []) == (
        DimensionScore("dienstverlening", None, 0),
        DimensionScore("organisatie", None, 0, uncounted=1),
        DimensionScore("bestuur", None, 0),
    )


# A Burgerpeiling-like questionnaire: a five-point agreement scale as a choice question with
# a score per option and "weet niet" without one, a multi question whose options are scored,
# a grade 1-10 typed as a number, and tagged questions that cannot count.
PEILING = """
schema_version: 1
id: peiling
version: 1
theme: {nl: Peiling, en: Survey}
title: {nl: Burgerpeiling, en: Survey}
intro: {nl: Hallo., en: Hello.}
questions:
  - id: vertrouwen
    type: choice
    dimension: bestuur
    text: {nl: "Ik heb vertrouwen in het gemeentebestuur.", en: "I trust the council."}
    options:
      - {id: eens, label: {nl: Eens, en: Agree}, score: 5}
      - {id: neutraal, label: {nl: Neutraal, en: Neutral}, score: 3}
      - {id: oneens, label: {nl: Oneens, en: Disagree}, score: 1}
      - {id: weet_niet, label: {nl: Weet niet, en: Don't know}}
  - id: contact
    type: multi
    dimension: organisatie
    text: {nl: "Hoe was het contact?", en: "How was the contact?"}
    options:
      - {id: snel, label: {nl: Snel, en: Fast}, score: 100}
      - {id: vriendelijk, label: {nl: Vriendelijk, en: Friendly}, score: 100}
      - {id: traag, label: {nl: Traag, en: Slow}, score: 0}
  - id: cijfer
    type: number
    dimension: dienstverlening
    text: {nl: "Welk cijfer geeft u de dienstverlening?", en: "Your grade?"}
    min: 1
    max: 10
  - id: kanaal
    type: choice
    dimension: organisatie
    text: {nl: "Hoe nam u contact op?", en: "How did you get in touch?"}
    options:
      - {id: balie, label: {nl: Balie, en: Desk}}
      - {id: telefoon, label: {nl: Telefoon, en: Phone}}
  - id: waarom
    type: text
    dimension: bestuur
    text: {nl: "Waarom?", en: "Why?"}
"""


def test_choice_multi_and_number_questions_count_by_their_scores() -> None:
    peiling = parse(PEILING)
    vertrouwen, contact, cijfer = (
        peiling.question(q) for q in ("vertrouwen", "contact", "cijfer")
    )
    # Between the lowest (1) and highest (5) score of the question; no score, no place.
    assert [normalised(vertrouwen, v) for v in ("eens", "neutraal", "oneens")] == [100, 50, 0]
    assert normalised(vertrouwen, "weet_niet") is None
    assert (normalised(contact, "snel"), normalised(contact, "traag")) == (100, 0)
    assert normalised(cijfer, 7) == pytest.approx(600 / 9)
    distributions = [
        # eens 3, neutraal 1, oneens 2, weet niet 4: (300 + 50 + 0) / 6.
        Distribution(
            "vertrouwen",
            "choice",
            10,
            0,
            (("eens", 3), ("neutraal", 1), ("oneens", 2), ("weet_niet", 4)),
        ),
        # Every ticked scored option is one answer: snel 2, vriendelijk 1, traag 1.
        Distribution("contact", "multi", 3, 0, (("snel", 2), ("vriendelijk", 1), ("traag", 1))),
        Distribution("kanaal", "choice", 5, 0, (("balie", 5),)),
    ]
    numbers = [NumberStats("cijfer", 4, 0, 8.2, 8.0)]  # mean 8.2 on 1..10
    assert scorecard(peiling, distributions, numbers) == (
        DimensionScore("dienstverlening", pytest.approx(720 / 9), 4),  # type: ignore[arg-type]
        DimensionScore("organisatie", 75.0, 4, uncounted=1),  # kanaal has no scores
        DimensionScore("bestuur", pytest.approx(350 / 6), 6, uncounted=1),  # type: ignore[arg-type]
    )


def test_which_tagged_questions_cannot_count() -> None:
    peiling = parse(PEILING)
    assert {q.id: uncounted(q) for q in peiling.questions} == {
        "vertrouwen": None,
        "contact": None,
        "cijfer": None,
        "kanaal": "its options have no score, so its answers have no place on the scale",
        "waarom": "free text has no place on the scale",
    }

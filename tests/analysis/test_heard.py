"""analysis.heard.who_we_heard on counts small enough to check by hand: the weights of two
wijken raked to the population, a multiple-choice question weighted as each option's share
of the weighted respondents who answered it (not of the ticks), and a single-choice question
whose figures must stay what they were before the counting moved to analysis.weighting."""

from __future__ import annotations

from fractions import Fraction

import pytest

from analysis.heard import who_we_heard
from flows.loader import load_file
from flows.schema import AreaQuestion, Questionnaire
from tests.report.conftest import AFVAL

# Inhabitants: Noord 600 and Zuid 400, all 65 or older; no other wijk or band has any.
CELLS = [("Noord", None, "65+", 600), ("Zuid", None, "65+", 400)]
# Respondents: 10 from Noord, 30 from Zuid. Raked to 60:40, a Noord respondent weighs
# w_N with 10 w_N = 0.6 * 40, so 2.4; a Zuid respondent w_Z with 30 w_Z = 0.4 * 40, so 8/15.
RESPONDENTS: dict[tuple[str | None, str | None], int] = {
    ("noord", "65+"): 10,
    ("zuid", "65+"): 30,
    (None, "65+"): 3,  # wijk unknown: counted in the band, never weighted
}
W_NOORD, W_ZUID = Fraction(12, 5), Fraction(8, 15)


@pytest.fixture(scope="module")
def afval() -> tuple[Questionnaire, AreaQuestion]:
    questionnaire = load_file(AFVAL)
    question = questionnaire.question("wijk")
    assert isinstance(question, AreaQuestion)
    return questionnaire, question


def test_multiple_choice_is_weighted_per_respondent_who_answered(
    afval: tuple[Questionnaire, AreaQuestion],
) -> None:
    questionnaire, question = afval
    # "containers" (tick one or more): 8 of Noord's 10 answered, 20 of Zuid's 30.
    ticks = {
        ("noord", "65+", "vol"): 6,
        ("noord", "65+", "vies"): 4,
        ("zuid", "65+", "vol"): 5,
        ("zuid", "65+", "vies"): 15,
        ("zuid", "65+", "kapot"): 2,
    }
    answered = {("noord", "65+"): 8, ("zuid", "65+"): 20}
    heard = who_we_heard(
        questionnaire,
        question,
        CELLS,
        RESPONDENTS,
        {"containers": ticks},
        answered={"containers": answered},
    )
    area_at = {row.id: i for i, row in enumerate(heard.representation.areas)}
    band = [row.id for row in heard.representation.bands].index("65+")
    assert heard.representation.areas[area_at["noord"]].respondents == 10
    assert heard.weights.cell[area_at["noord"], band] == pytest.approx(float(W_NOORD))
    assert heard.weights.cell[area_at["zuid"], band] == pytest.approx(float(W_ZUID))

    (item,) = heard.questions
    assert item.question_id == "containers"
    # Weighted respondents who answered: 8 * 12/5 + 20 * 8/15 = 448/15.
    base = 8 * W_NOORD + 20 * W_ZUID
    assert base == Fraction(448, 15)
    shares = {s.option: s for s in item.estimate.shares}
    assert item.estimate.answered == 28
    # vol: (6 * 12/5 + 5 * 8/15) / (448/15) = 4/7; vies 33/56; kapot 1/28: together 67/56,
    # more than 100%, as a question where one ticks several options gives.
    expected = {"vol": Fraction(4, 7), "vies": Fraction(33, 56), "kapot": Fraction(1, 28)}
    for option, share in expected.items():
        assert shares[option].weighted == pytest.approx(float(share))
    assert shares["vol"].unweighted == pytest.approx(11 / 28)
    assert shares["vies"].unweighted == pytest.approx(19 / 28)
    assert shares["vol"].count == 11 and shares["niets"].count == 0
    # Kish: (448/15)^2 / (8 * (12/5)^2 + 20 * (8/15)^2) = 224/13.
    assert item.estimate.n_eff == pytest.approx(224 / 13)
    margin = 1.959963984540054 * (float(expected["vol"]) * (3 / 7) / (224 / 13)) ** 0.5
    assert shares["vol"].margin == pytest.approx(margin)


def test_single_choice_shares_are_of_its_answers(
    afval: tuple[Questionnaire, AreaQuestion],
) -> None:
    """A choice question needs no ``answered``: its respondents are the sum over its options
    (the figures the digest showed before multiple choice was weighted)."""
    questionnaire, question = afval
    counts = {
        ("noord", "65+", "kliko"): 10,
        ("zuid", "65+", "kliko"): 10,
        ("zuid", "65+", "ondergronds"): 20,
    }
    heard = who_we_heard(questionnaire, question, CELLS, RESPONDENTS, {"inzameling": counts})
    (item,) = heard.questions
    shares = {s.option: s for s in item.estimate.shares}
    # kliko: (10 * 12/5 + 10 * 8/15) / (10 * 12/5 + 30 * 8/15) = (24 + 16/3) / 40 = 11/15.
    assert shares["kliko"].weighted == pytest.approx(11 / 15)
    assert shares["ondergronds"].weighted == pytest.approx(4 / 15)
    assert shares["kliko"].unweighted == pytest.approx(0.5)
    assert item.estimate.answered == 40


def test_multiple_choice_without_answered_counts_is_not_guessed(
    afval: tuple[Questionnaire, AreaQuestion],
) -> None:
    """Ticks without the respondents who answered give no weighted shares, never shares
    of the ticks passed off as shares of respondents."""
    questionnaire, question = afval
    heard = who_we_heard(
        questionnaire, question, CELLS, RESPONDENTS, {"containers": {("noord", "65+", "vol"): 6}}
    )
    assert heard.questions == ()

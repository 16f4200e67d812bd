"""analysis.report_sample.sample_results: the random sample's own results for the report,
on counts small enough to check by hand; weighted with the same raking as everyone's where
a population is known, said plainly when not, and nothing per question while fewer than
``min_cell`` of the sample completed."""

from __future__ import annotations

from dataclasses import replace

import pytest

from analysis.heard import who_we_heard
from analysis.report_sample import sample_results
from analysis.tallies import AnswerTally, ResponseTally, SampleTally, Tallies
from flows.loader import load_file
from flows.schema import AreaQuestion, Questionnaire
from tests.digest.helpers import SINCE, UNTIL
from tests.report.conftest import AFVAL

# Inhabitants: Noord 600 and Zuid 400, all 65 or older. The sample: 10 from Noord (all
# kliko), 30 from Zuid (10 kliko, 20 ondergronds). Raked to 60:40 a Noord respondent weighs
# 2.4 and a Zuid one 8/15, so kliko is (24 + 16/3) / 40 = 11/15 weighted, 1/2 unweighted.
CELLS = [("Noord", None, "65+", 600), ("Zuid", None, "65+", 400)]
RESPONDENTS: dict[tuple[str | None, str | None], int] = {("noord", "65+"): 10, ("zuid", "65+"): 30}
GIVEN = {
    ("noord", "65+", "kliko"): 10,
    ("zuid", "65+", "kliko"): 10,
    ("zuid", "65+", "ondergronds"): 20,
}


@pytest.fixture(scope="module")
def afval() -> tuple[Questionnaire, AreaQuestion]:
    questionnaire = load_file(AFVAL)
    question = questionnaire.question("wijk")
    assert isinstance(question, AreaQuestion)
    return questionnaire, question


def tallies(completed: int) -> Tallies:
    """40 of the sample answered "inzameling" (``completed`` of them completed), and 25
    others without a code: their answers are not the sample's."""
    return Tallies(
        "afvalinzameling",
        SINCE,
        UNTIL,
        ResponseTally(new=65, completed_in_period=65, total=65, completed=completed + 25),
        answers=(AnswerTally("inzameling", 65, 0, (("kliko", 20), ("ondergronds", 45))),),
        sample=SampleTally(sent=200, used=41, started=40, completed=completed),
        sample_answers=(AnswerTally("inzameling", 40, 0, (("kliko", 20), ("ondergronds", 20))),),
    )


def test_the_samples_results_are_weighted_like_everyones(
    afval: tuple[Questionnaire, AreaQuestion],
) -> None:
    questionnaire, question = afval
    heard = who_we_heard(questionnaire, question, CELLS, RESPONDENTS, {"inzameling": GIVEN})
    section = sample_results(tallies(40), questionnaire, heard, min_cell=5)
    assert section is not None
    assert section.stats.response_rate == pytest.approx(0.2)
    assert section.stats.open_completed == 25
    (plain,) = [q for q in section.questions if q.question_id == "inzameling"]
    assert {r.key: r.count for r in plain.rows}["kliko"] == 20  # the sample's, not everyone's
    (weighted,) = section.weighted
    shares = {s.label.nl: s for s in weighted.shares}
    kliko = shares["Eigen containers bij huis"]
    assert kliko.unweighted == pytest.approx(0.5)
    assert kliko.weighted == pytest.approx(11 / 15)
    assert kliko.margin is not None and 0 < kliko.margin < 0.5
    assert section.respondents == 40 and section.n_eff is not None and section.n_eff < 40
    assert section.note.nl.startswith("De antwoorden van de steekproef zijn gewogen")


def test_without_a_population_the_sample_is_shown_unweighted(
    afval: tuple[Questionnaire, AreaQuestion],
) -> None:
    questionnaire, _ = afval
    section = sample_results(tallies(40), questionnaire, None, min_cell=5)
    assert section is not None and section.weighted == ()
    assert any(q.rows for q in section.questions)
    assert "niet gewogen" in section.note.nl and "geen cijfers over de inwoners" in section.note.nl


def test_too_few_known_by_wijk_and_age_are_not_weighted(
    afval: tuple[Questionnaire, AreaQuestion],
) -> None:
    questionnaire, question = afval
    few = {("noord", "65+"): 2, ("zuid", "65+"): 2}
    given = {("noord", "65+", "kliko"): 2, ("zuid", "65+", "ondergronds"): 2}
    heard = who_we_heard(questionnaire, question, CELLS, few, {"inzameling": given})
    section = sample_results(tallies(40), questionnaire, heard, min_cell=5)
    assert section is not None and section.weighted == ()
    assert section.note.nl.startswith("De antwoorden van de steekproef zijn niet gewogen: minder")


def test_fewer_than_min_cell_completed_shows_nothing_per_question(
    afval: tuple[Questionnaire, AreaQuestion],
) -> None:
    questionnaire, question = afval
    heard = who_we_heard(questionnaire, question, CELLS, RESPONDENTS, {"inzameling": GIVEN})
    section = sample_results(tallies(4), questionnaire, heard, min_cell=5)
    assert section is not None
    assert section.questions == () and section.weighted == ()
    assert section.note.nl.startswith("Minder dan 5 mensen uit de steekproef")


def test_a_few_without_a_code_keep_the_sample_from_being_shown_apart(
    afval: tuple[Questionnaire, AreaQuestion],
) -> None:
    """Everyone's results minus the sample's would be the answers of the 3 without a code."""
    questionnaire, question = afval
    heard = who_we_heard(questionnaire, question, CELLS, RESPONDENTS, {"inzameling": GIVEN})
    few = tallies(40)
    few = replace(few, responses=replace(few.responses, total=43, completed=43))
    section = sample_results(few, questionnaire, heard, min_cell=5)
    assert section is not None and section.stats.open_completed == 3
    assert section.questions == () and section.weighted == ()
    assert section.note.nl.startswith("Minder dan 5 mensen deden mee zonder code.")


def test_no_codes_no_section(afval: tuple[Questionnaire, AreaQuestion]) -> None:
    questionnaire, _ = afval
    without = Tallies("afvalinzameling", SINCE, UNTIL, ResponseTally(1, 1, 1, 1), answers=())
    assert sample_results(without, questionnaire, None, min_cell=5) is None

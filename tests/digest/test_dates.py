"""Date answers in digests and reports: the Wijkpeiling's buurtschouw counted per day in SQL
(SQLite and PostgreSQL), grouped per month with small months merged, written in Dutch date
words, drawn as a panel, and in the report per question. Figures by hand."""

from __future__ import annotations

import io
import zipfile
from datetime import date

import pytest

from analysis.counts import OTHER
from analysis.digest import compute
from analysis.figures import QuestionnaireDigest
from analysis.report_build import build_report, date_results, question_labels
from bot.staff import report_docx
from bot.staff.charts import _panels, png_size, render_chart
from bot.staff.gridchart import GridPanel
from bot.staff.render import compose
from bot.staff.report_html import write_html
from flows.schema import Questionnaire
from storage import digest as storage_digest
from storage.report import gather_report
from tests.digest.helpers import IN, SINCE, UNTIL, ZONE, Response, Sessions, add, store
from tests.digest.test_shapes import WIJKPEILING

# Five days in March 2027; three in June and two in September (fewer than five each: merged,
# together five); two skipped.
DAYS = [
    "2027-03-02", "2027-03-05", "2027-03-12", "2027-03-12", "2027-03-30",
    "2027-06-01", "2027-06-20", "2027-06-21", "2027-09-01", "2027-09-15", None, None,
]  # fmt: skip


@pytest.fixture
async def schouw(sessions: Sessions) -> tuple[Questionnaire, QuestionnaireDigest]:
    questionnaire = await store(sessions, WIJKPEILING)
    async with sessions.begin() as db:
        for value in DAYS:
            await add(db, "wijkpeiling", Response({"buurt": 7, "schouw": value}))
    async with sessions() as db:
        tallies = await storage_digest.gather(db, questionnaire, SINCE, UNTIL)
    counted = tallies.answer("schouw")
    assert (counted.answered, counted.skipped) == (10, 2)
    assert dict(counted.values) == {
        "2027-03-02": 1, "2027-03-05": 1, "2027-03-12": 2, "2027-03-30": 1,
        "2027-06-01": 1, "2027-06-20": 1, "2027-06-21": 1, "2027-09-01": 1, "2027-09-15": 1,
    }  # fmt: skip
    return questionnaire, compute(tallies, questionnaire)


async def test_dates_are_counted_per_month_with_small_months_merged(
    schouw: tuple[Questionnaire, QuestionnaireDigest],
) -> None:
    _, digest = schouw
    (stats,) = digest.dates
    assert (stats.question_id, stats.respondents, stats.skipped) == ("schouw", 10, 2)
    assert stats.unit == "month"
    assert stats.periods == (("2027-03", 5), (OTHER, 5))
    assert stats.merged == 2
    # From the months shown only: September's two lone days are not given away.
    assert (stats.earliest, stats.latest) == (date(2027, 3, 2), date(2027, 3, 30))
    assert stats.busiest == ("2027-03", 5)
    assert not digest.quiet


async def test_the_digest_text_has_a_line_for_the_date_question(
    schouw: tuple[Questionnaire, QuestionnaireDigest],
) -> None:
    questionnaire, digest = schouw
    text = compose(digest, questionnaire, zone=ZONE)
    block = text.split("<b>Datum voor de buurtschouw</b>", 1)[1].split("\n\n", 1)[0]
    assert block.splitlines() == [
        " (10 antwoorden, 2 overgeslagen)",
        "Van 2 maart 2027 tot en met 30 maart 2027 · vaakst gekozen: maart 2027 (5)",
        "█████ 50% (5) maart 2027",
        "█████ 50% (5) Overig",
        "<i>Maanden met minder dan 5 antwoorden staan samen onder ‘Overig’.</i>",
    ]


async def test_too_few_dates_give_only_the_count(sessions: Sessions) -> None:
    questionnaire = await store(sessions, WIJKPEILING)
    async with sessions.begin() as db:
        for value in ("2027-03-02", "2027-03-05", "2027-03-12", None):
            await add(db, "wijkpeiling", Response({"schouw": value}))
    async with sessions() as db:
        tallies = await storage_digest.gather(db, questionnaire, SINCE, UNTIL)
    digest = compute(tallies, questionnaire)
    (stats,) = digest.dates
    assert (stats.respondents, stats.periods, stats.earliest, stats.latest) == (3, (), None, None)
    text = compose(digest, questionnaire, zone=ZONE)
    assert "<b>Datum voor de buurtschouw</b> (3 antwoorden, 1 overgeslagen)" in text
    assert (
        "<i>Te weinig antwoorden om de gekozen dagen te tonen (minder dan 5 per week).</i>" in text
    )
    assert "2 maart" not in text and "12 maart" not in text


async def test_the_chart_has_a_panel_per_month(
    schouw: tuple[Questionnaire, QuestionnaireDigest],
) -> None:
    questionnaire, digest = schouw
    panels = [p for p in _panels(digest, questionnaire, None) if not isinstance(p, GridPanel)]
    (dated,) = [p for p in panels if p.question.id == "schouw"]
    assert dated.distribution.counts == (("2027-03", 5), (OTHER, 5))
    assert dated.title == ["Datum voor de buurtschouw: gekozen dagen per maand (10)"]
    width, _ = png_size(render_chart(digest, questionnaire, zone=ZONE))
    assert width == 1080


async def test_the_report_shows_dates_per_month(
    schouw: tuple[Questionnaire, QuestionnaireDigest],
) -> None:
    questionnaire, digest = schouw
    positions = {q.id: i for i, q in enumerate(questionnaire.questions, start=1)}
    names = question_labels(questionnaire)
    (result,) = date_results(digest, questionnaire, names, positions, False, 5)
    assert (result.question_id, result.type, result.respondents) == ("schouw", "date", 10)
    assert [(r.label.nl, r.label.en, r.count) for r in result.rows] == [
        ("maart 2027", "March 2027", 5),
        ("Overig", "Other", 5),
    ]
    assert not result.suppressed
    (hidden,) = date_results(digest, questionnaire, names, positions, False, 11)
    assert hidden.suppressed and hidden.rows == ()


async def test_the_report_and_its_page_show_the_dates_in_questionnaire_order(
    sessions: Sessions,
) -> None:
    questionnaire = await store(sessions, WIJKPEILING)
    async with sessions.begin() as db:
        for value in DAYS:
            await add(db, "wijkpeiling", Response({"buurt": 7, "schouw": value}))
    async with sessions() as db:
        inputs = await gather_report(db, questionnaire, SINCE, UNTIL)
    report = build_report(
        inputs, questionnaire, municipality="Rivierstad", generated_at=IN, min_cell=5
    )
    ids = [r.question_id for r in report.questions]
    assert ids.index("buurt") < ids.index("schouw")  # in questionnaire order
    (schouw,) = [r for r in report.questions if r.question_id == "schouw"]
    assert [(r.label.nl, r.count) for r in schouw.rows] == [("maart 2027", 5), ("Overig", 5)]
    page = write_html(report.public(), language="nl", zone=ZONE, path="/uitslag/wijkpeiling")
    assert "maart 2027" in page and "Datum voor de buurtschouw" in page
    english = write_html(report.public(), language="en", zone=ZONE, path="/uitslag/wijkpeiling")
    assert "March 2027" in english
    word = report_docx.write_docx(report, chart=report_docx.chart_of(questionnaire), zone=ZONE)
    with zipfile.ZipFile(io.BytesIO(word)) as docx:
        body = docx.read("word/document.xml").decode()
        pictures = [n for n in docx.namelist() if n.startswith("word/media/")]
    assert "Datum voor de buurtschouw" in body and "maart 2027" in body
    assert pictures  # the results drawn, the date's months among them

"""The question shapes in the report, with the shipped Wijkpeiling answered twice over by
the four residents of the digest's shape test: a ranking (mean place and first places), a
rapportcijfer and an NPS (the digest's own figures), a grid as one table and one stacked
chart, in the Word file and on the page; each hidden below the small-cell limit."""

from __future__ import annotations

import asyncio
import io
from pathlib import Path

import pytest
from docx import Document

from analysis.digest import compute
from analysis.report import Report
from analysis.report_build import build_report
from analysis.shapes import nps
from bot.staff.report_docx import chart_of, write_docx
from bot.staff.report_html import write_html
from flows.loader import load_file
from storage import migrate
from storage import report as store
from storage.db import create_engine, session_factory
from tests.digest.helpers import ROOT, SINCE, UNTIL, ZONE, Response, add
from tests.digest.helpers import store as store_questionnaire
from tests.digest.test_shapes import ANSWERS

WIJKPEILING = ROOT / "questionnaires" / "wijkpeiling.yaml"


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> dict[int, Report]:
    """The report with the small-cell limit 5 (everything shown) and 7 (the ranking, six
    answers, and the rapportcijfer, six, hidden)."""
    path = tmp_path_factory.mktemp("shapes") / "samenspraak.db"

    async def run() -> dict[int, Report]:
        engine = create_engine(f"sqlite+aiosqlite:///{path}")
        await migrate.upgrade(engine)
        sessions = session_factory(engine)
        questionnaire = await store_questionnaire(sessions, WIJKPEILING)
        async with sessions.begin() as db:
            for answers in ANSWERS * 2:
                await add(db, "wijkpeiling", Response(answers))
        async with sessions() as db:
            inputs = await store.gather_report(db, questionnaire, SINCE, UNTIL)
        await engine.dispose()
        digest = compute(inputs.tallies, questionnaire)
        aanraden = digest.distribution("aanraden")
        assert aanraden is not None and nps(aanraden) == pytest.approx(25.0)
        return {
            k: build_report(
                inputs, questionnaire, municipality="Rivierstad", generated_at=UNTIL, min_cell=k
            )
            for k in (5, 7)
        }

    return asyncio.run(run())


def _tables(data: bytes) -> list[list[list[str]]]:
    document = Document(io.BytesIO(data))
    return [[[c.text for c in r.cells] for r in t.rows] for t in document.tables]


def test_the_model(reports: dict[int, Report]) -> None:
    report = reports[5]
    (ranking,) = report.rankings
    assert (ranking.respondents, ranking.skipped) == (6, 2)
    assert [(o.key, o.first) for o in ranking.options[:2]] == [("veiligheid", 4), ("groen", 2)]
    assert ranking.options[0].mean_place == pytest.approx(4 / 3)
    grade, score = report.score("buurt"), report.score("aanraden")
    assert grade is not None and grade.value == pytest.approx((7.5 + 6 + 8) / 3)
    assert score is not None and score.value == pytest.approx(25.0)
    assert [(r.key, r.count) for r in score.rows] == [
        ("promoters", 4),
        ("passives", 2),
        ("detractors", 2),
    ]
    (grid,) = report.grids
    assert [s.question_id for s in grid.statements] == ["thuis", "omgang", "schoon", "veilig"]
    hidden = reports[7]
    assert hidden.rankings[0].suppressed and not hidden.rankings[0].options
    assert hidden.score("buurt") is None and hidden.score("aanraden") is not None


def test_word(reports: dict[int, Report]) -> None:
    data = write_docx(reports[5], chart=chart_of(load_file(WIJKPEILING)), zone=ZONE)
    document = Document(io.BytesIO(data))
    tables = _tables(data)
    assert [
        ["Keuze", "Gemiddelde plek", "Op plek 1", "%"],
        ["Veiligheid op straat", "1,3", "4", "67%"],
        ["Meer groen", "2,0", "2", "33%"],
        ["Betaalbare woningen", "3,0", "0", "0%"],
        ["Veilig verkeer", "4,0", "0", "0%"],
        ["Plekken om te spelen", "4,7", "0", "0%"],
    ] in tables
    assert [
        ["Groep", "Aantal", "Percentage"],
        ["Aanbevelers (9–10)", "4", "50%"],
        ["Neutraal (7–8)", "2", "25%"],
        ["Criticasters (0–6)", "2", "25%"],
    ] in tables
    grid = next(t for t in tables if t[0][0] == "Uitspraak")
    assert grid[0] == [
        "Uitspraak",
        "Helemaal eens",
        "Eens",
        "Niet eens en niet oneens",
        "Oneens",
        "Helemaal oneens",
        "Weet niet / geen mening",
        "Antwoorden",
    ]
    assert grid[1] == ["Ik voel me thuis in de buurt", "25%", "50%", "0%", "25%", "0%", "0%", "8"]
    assert len(grid) == 5
    text = [p.text for p in document.paragraphs]
    results = text[text.index("Uitkomsten per vraag") : text.index("Publieke waarde")]
    assert "Rapportcijfer: 7,2 (het gemiddelde van alle cijfers)." in results
    assert any(t.startswith("Net Promoter Score (NPS): +25.") for t in results)
    assert "2. Uitspraken over de buurt" in results
    assert "2. Ik voel me thuis in de buurt" not in results  # in the grid's table
    alts = [s._inline.docPr.get("descr") for s in document.inline_shapes]
    assert any(
        a.startswith("Gestapeld staafdiagram van ‘Uitspraken over de buurt’")
        and "Ik voel me thuis in de buurt: Helemaal eens 25%" in a
        for a in alts
    ), alts
    assert any(a.startswith("Staafdiagram van hoe vaak elke keuze op plek 1 stond") for a in alts)


@pytest.mark.parametrize("language", ["nl", "en"])
def test_page(reports: dict[int, Report], language: str) -> None:
    page = write_html(reports[5].public(), language=language, zone=ZONE, path="/r/w")
    en = language == "en"
    assert (
        '<tr><th scope="row">Safety in the street</th><td class="n">1.3</td>'
        if en
        else '<tr><th scope="row">Veiligheid op straat</th><td class="n">1,3</td>'
    ) in page
    assert ("Mark: 7.2" if en else "Rapportcijfer: 7,2") in page
    assert "Net Promoter Score (NPS): +25." in page
    assert ("Promoters (9–10)" if en else "Aanbevelers (9–10)") in page
    assert page.count("<caption>Uitspraken over de buurt</caption>") == 1
    assert ("Stacked bar chart of" if en else "Gestapeld staafdiagram van") in page
    assert ("Bar chart of how often each option was put first" if en else "op plek 1 stond") in (
        page
    )


def test_below_the_limit(reports: dict[int, Report], tmp_path: Path) -> None:
    page = write_html(reports[7].public(), language="nl", zone=ZONE, path="/r/w")
    ranking = page.split("Waar de gemeente eerst aan moet werken</h3>", 1)[1].split("<h3", 1)[0]
    assert "Minder dan 7 mensen beantwoordden deze vraag" in ranking
    assert "Veiligheid op straat" not in ranking
    assert "Rapportcijfer" not in page
    tables = _tables(write_docx(reports[7], chart=None, zone=ZONE))
    assert not any(t[0][0] == "Keuze" for t in tables)

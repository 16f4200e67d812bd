"""The public-value trend (the scorecards of stored digests), the outcomes and the effect
check, in the Word report and on the page in both languages: each as a heading, its own
words and a real table."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import UTC, datetime
from html import unescape

import pytest
from docx import Document

from analysis.report import Bilingual, EffectResult, OutcomeEntry, Report, Row, TrendPoint
from bot.staff.report_docx import write_docx
from bot.staff.report_html import write_html
from tests.report.conftest import AFVAL, ZONE, Seeded, report_of

TREND = (
    TrendPoint(datetime(2026, 11, 9, 8, tzinfo=UTC), (("dienstverlening", 61.0),)),
    # "bestuur" only in a later digest: a question was tagged since (no score now).
    TrendPoint(
        datetime(2026, 11, 16, 8, tzinfo=UTC),
        (("bestuur", 40.0), ("dienstverlening", 65.4)),
    ),
)
OUTCOMES = (
    OutcomeEntry(
        "uitgevoerd",
        Bilingual("uitgevoerd", "carried out"),
        datetime(2026, 11, 19, 10, tzinfo=UTC),
        Bilingual("De containers worden vaker geleegd.", "The containers are emptied more often."),
    ),
    OutcomeEntry(
        "besluit",
        Bilingual("besluit genomen", "decision taken"),
        datetime(2026, 11, 18, 10, tzinfo=UTC),
        Bilingual("We gaan vaker legen.\nVanaf januari.", "We will empty more often."),
    ),
)
EFFECTS = EffectResult(
    12,
    (
        Row("ja", Bilingual("Ja", "Yes"), 7, 7 / 12),
        Row("nee", Bilingual("Nee", "No"), 5, 5 / 12),
    ),
)


@pytest.fixture(scope="module")
def report(seeded: Seeded) -> Report:
    found = report_of(seeded, AFVAL)
    assert {s.dimension for s in found.scorecard} == {"dienstverlening", "organisatie"}
    return replace(found, trend=TREND, outcomes=OUTCOMES, effects=EFFECTS)


def _section(paragraphs: list[tuple[str, str]], title: str) -> list[tuple[str, str]]:
    start = paragraphs.index(("Heading 1", title))
    end = next(
        (i for i in range(start + 1, len(paragraphs)) if paragraphs[i][0] == "Heading 1"),
        len(paragraphs),
    )
    return paragraphs[start + 1 : end]


def test_word(report: Report) -> None:
    document = Document(io.BytesIO(write_docx(report, chart=None, zone=ZONE)))
    paragraphs = [(p.style.name, p.text) for p in document.paragraphs if p.text]  # type: ignore[union-attr]
    value = _section(paragraphs, "Publieke waarde")
    assert ("Heading 2", "Verloop") in value
    tables = [[[c.text for c in r.cells] for r in t.rows] for t in document.tables]
    assert [
        ["Datum", "Dienstverlening", "Organisatie", "Bestuur"],
        ["9 november 2026", "61", "–", "–"],
        ["16 november 2026", "65", "–", "40"],
    ] in tables, tables
    done = _section(paragraphs, "Wat de gemeente ermee doet")
    assert done[:4] == [
        ("Heading 2", "19 november 2026: uitgevoerd"),
        ("Normal", "De containers worden vaker geleegd."),
        ("Heading 2", "18 november 2026: besluit genomen"),
        ("Normal", "We gaan vaker legen.\nVanaf januari."),
    ]
    assert done[4] == ("Heading 2", "Effectmeting")
    assert "12 mensen antwoordden" in done[5][1]
    assert [
        ["Antwoord", "Aantal", "Percentage"],
        ["Ja", "7", "58%"],
        ["Nee", "5", "42%"],
    ] in tables
    assert "De gemeente heeft nog niet verteld" not in "\n".join(t for _, t in done)


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        (
            "nl",
            [
                "<h3>Verloop</h3>",
                '<th scope="col" class="n">Bestuur</th>',
                '<tr><th scope="row">16 november 2026</th><td class="n">65</td>'
                '<td class="n">–</td><td class="n">40</td></tr>',
                "<h3>19 november 2026: uitgevoerd</h3>",
                "<p>We gaan vaker legen.</p>\n<p>Vanaf januari.</p>",
                "<h3>Merk je verschil?</h3>",
                "12 mensen antwoordden.",
                '<tr><th scope="row">Ja</th><td class="n">7</td><td class="n">58%</td></tr>',
            ],
        ),
        (
            "en",
            [
                "<h3>Over time</h3>",
                '<th scope="col" class="n">Governance</th>',
                '<tr><th scope="row">9 November 2026</th><td class="n">61</td>'
                '<td class="n">–</td><td class="n">–</td></tr>',
                "<h3>19 November 2026: carried out</h3>",
                "<p>We will empty more often.</p>",
                "<h3>Did it make a difference?</h3>",
                "12 answered.",
                '<tr><th scope="row">No</th><td class="n">5</td><td class="n">42%</td></tr>',
            ],
        ),
    ],
)
def test_page(report: Report, language: str, expected: list[str]) -> None:
    page = unescape(write_html(report.public(), language=language, zone=ZONE, path="/r/afval"))
    for part in expected:
        assert part in page, part
    value = page.split('<h2 id="public-value">', 1)[1].split("<h2", 1)[0]
    assert value.count("<table>") == 2  # the scorecard and its trend

"""The report's representativeness section, filled from the digest's own figures
(:func:`analysis.heard.who_we_heard` over counts as :func:`storage.heard.gather_heard` reads
them): respondents against inhabitants per wijk and age band, the verdict, the strata nobody
answered from, the chart with its text alternative, and the weighted shares beside the
unweighted with the 95% margin; in the Word file and on the page in both languages, small
cells never shown on their own."""

from __future__ import annotations

import io
import re
from dataclasses import replace
from datetime import UTC, datetime

from docx import Document

from analysis.heard import who_we_heard
from analysis.report import Report
from analysis.report_heard import representativeness
from bot.staff.report_docx import chart_of, write_docx
from bot.staff.report_html import write_html
from flows.loader import load_file
from flows.schema import AreaQuestion
from tests.report.conftest import AFVAL, ZONE, Seeded, report_of

BANDS = ("15-24", "25-44", "45-64", "65+")
WIJKEN = {"Centrum": 6000, "Noord": 9000, "Oost": 8000, "Zuid": 10000, "De Hoven": 4000}
# (wijk, band, answer to "inzameling", how many): older people from Noord, nobody young,
# nobody from De Hoven, three from Oost (plus one whose age is unknown).
PLAN = [
    ("noord", "65+", "kliko", 12),
    ("noord", "65+", "ondergronds", 2),
    ("noord", "45-64", "kliko", 6),
    ("centrum", "25-44", "ondergronds", 6),
    ("zuid", "45-64", "allebei", 5),
    ("oost", "25-44", "kliko", 3),
]


def _filled(seeded: Seeded) -> Report:
    questionnaire = load_file(AFVAL)
    question = questionnaire.question("wijk")
    assert isinstance(question, AreaQuestion)
    cells = [(name, None, band, total // 4) for name, total in WIJKEN.items() for band in BANDS]
    respondents: dict[tuple[str | None, str | None], int] = {("oost", None): 1}
    answers: dict[tuple[str, str, str], int] = {}
    for wijk, band, answer, count in PLAN:
        respondents[(wijk, band)] = respondents.get((wijk, band), 0) + count
        answers[(wijk, band, answer)] = answers.get((wijk, band, answer), 0) + count
    heard = who_we_heard(questionnaire, question, cells, respondents, {"inzameling": answers})
    section = representativeness(
        heard,
        questionnaire,
        source="kerncijfers-2026.csv",
        valid_from=datetime(2026, 1, 1, tzinfo=UTC),
        zone=ZONE,
    )
    return replace(report_of(seeded, AFVAL), representativeness=section)


def test_the_page_shows_who_was_heard_and_the_weighted_results(seeded: Seeded) -> None:
    report = _filled(seeded)
    path = "/resultaten/afvalinzameling"
    page = write_html(report.public(), language="nl", zone=ZONE, path=path)
    section = page[page.index('<h2 id="representativeness">') : page.index('<h2 id="results">')]
    assert "Niet beschikbaar" not in section
    assert "<p><strong>Jongeren van 15 tot 25" in section and "ondervertegenwoordigd" in section
    assert "kerncijfers-2026.csv, geldig vanaf 1 januari 2026" in section
    assert re.search(r"Geen reacties uit: [^<]*De Hoven[^<]*15 tot 25 jaar", section)
    # Noord: 20 of 32 respondents; Oost: 4, fewer than 5, so neither its count nor share.
    assert '<th scope="row">Wijk: Noord</th><td class="n">20</td>' in section
    oost = re.search(r'<th scope="row">Wijk: Oost</th>(.*?)</tr>', section)
    assert oost is not None and "minder dan 5" in oost.group(1)
    assert not re.search(r">\s*4\s*<|>3<|13%", oost.group(1))
    assert "Minder dan 5 antwoorden uit Oost" in section
    assert not re.search(r"\b[34] antwoorden", section), "small counts stay hidden"
    assert 'role="img" aria-label="Staafdiagram van het aandeel van de reacties' in section
    assert "Oost: te weinig van de reacties" in section
    assert "<h3>Gewogen naar wijk en leeftijd</h3>" in section
    weighted = re.search(
        r"<caption>2\. [^<]*\(34\)</caption>.*?Eigen containers bij huis</th>"
        r'<td class="n">(\d+)%</td><td class="n">(\d+)%</td><td class="n">(\d+) pp</td>',
        section,
        re.S,
    )
    assert weighted is not None, section
    unweighted, reweighted, margin = (int(g) for g in weighted.groups())
    assert unweighted == 62  # 21 of 34 with wijk and age known
    assert reweighted < unweighted - 5, "the older Noord respondents weigh less"
    assert 5 <= margin <= 40
    english = write_html(report.public(), language="en", zone=ZONE, path=path)
    assert "Compared with the inhabitants aged 15 and over" in english
    assert "<h3>Weighted by area and age</h3>" in english
    assert "No responses from: " in english and "are under-represented." in english
    assert "Bar chart of the share of respondents against the share of inhabitants" in english


def test_the_word_report_has_the_section_with_tables_and_an_alt_texted_chart(
    seeded: Seeded,
) -> None:
    report = _filled(seeded)
    data = write_docx(report, chart=chart_of(load_file(AFVAL)), zone=ZONE)
    document = Document(io.BytesIO(data))
    texts = [p.text for p in document.paragraphs]
    start = texts.index("Respons en representativiteit")
    end = texts.index("Uitkomsten per vraag")
    section = texts[start:end]
    assert "Niet beschikbaar" not in "\n".join(section)
    assert section[1].startswith("Jongeren van 15 tot 25")
    assert any(t.startswith("Geen reacties uit: ") and "De Hoven" in t for t in section)
    assert "Gewogen naar wijk en leeftijd" in section
    styles = {p.text: p.style.name for p in document.paragraphs[start:end]}
    assert styles["Gewogen naar wijk en leeftijd"] == "Heading 2"
    headers = [[c.text for c in t.rows[0].cells] for t in document.tables]
    assert ["Groep", "Reacties", "Inwoners", "Van de reacties", "Van de inwoners", ""] in headers
    assert ["Antwoord", "Ongewogen", "Gewogen", "±"] in headers
    groups = next(t for t in document.tables if t.rows[0].cells[0].text == "Groep")
    oost = next(r for r in groups.rows if r.cells[0].text == "Wijk: Oost")
    assert oost.cells[1].text == "minder dan 5" and oost.cells[3].text == "–"
    pictures = document.inline_shapes
    described = [s._inline.docPr.get("descr") for s in pictures]
    assert any(d.startswith("Staafdiagram van het aandeel van de reacties") for d in described)


def test_without_a_population_the_section_says_so_plainly(seeded: Seeded) -> None:
    report = report_of(seeded, AFVAL)
    page = write_html(report.public(), language="nl", zone=ZONE, path="/r")
    assert "Niet beschikbaar: voor deze vragenlijst is de respons niet vergeleken" in page

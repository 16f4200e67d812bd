"""The public page as text: escaped resident words, both languages, no internal notes, no
reference to anything outside the page; and the two sections other features will fill,
written when their data is there."""

from __future__ import annotations

import io
import re
from dataclasses import replace

from docx import Document

from analysis.report import (
    Bilingual,
    OpinionGroup,
    OpinionGroups,
    Quoted,
    Report,
)
from bot.staff.report_docx import write_docx
from bot.staff.report_html import write_html
from tests.report.conftest import AFVAL, UNMODERATED, ZONE, Seeded, report_of


def _page(report: Report, language: str = "nl") -> str:
    return write_html(report.public(), language=language, zone=ZONE, path="/resultaten/afval")


def test_page_is_self_contained_and_escaped(seeded: Seeded) -> None:
    report = report_of(seeded, AFVAL)
    markup = replace(
        report,
        texts=tuple(
            replace(t, quotes=(*t.quotes, Quoted("Zet <script>alert(1)</script> & meer")))
            for t in report.texts
        ),
    )
    page = _page(markup)
    assert "<script" not in page
    assert "Zet &lt;script&gt;alert(1)&lt;/script&gt; &amp; meer" in page
    # Nothing is loaded from elsewhere: no src at all, links only to the other language.
    assert not re.search(r"\bsrc=", page)
    assert re.findall(r'href="([^"]*)"', page) == ["#main", "/resultaten/afval/en"]
    assert "Content-Security-Policy" in page and "default-src 'none'" in page
    assert UNMODERATED not in page
    assert "Interne notities" not in page and "moderatie" not in page
    english = _page(report, "en")
    assert english.startswith('<!doctype html>\n<html lang="en">')
    assert 'hreflang="nl" lang="nl">Nederlands</a>' in english
    assert '<h2 id="results">Results per question</h2>' in english
    assert "Bar chart of the answers to" in english


def test_sections_of_other_features_are_written_when_there(seeded: Seeded) -> None:
    """Opinion groups here; representativeness in test_representativeness.py."""
    report = replace(
        report_of(seeded, AFVAL),
        opinion_groups=OpinionGroups(
            groups=(
                OpinionGroup(
                    Bilingual("Groep A", "Group A"), 12, (Bilingual("Meer bomen", "More trees"),)
                ),
            ),
            common_ground=(Bilingual("Veilige fietspaden", "Safe cycle paths"),),
            note=Bilingual("Twee groepen.", "Two groups."),
        ),
    )
    page = _page(report)
    assert "Niet beschikbaar: dit was geen gesprek" not in page
    assert "<li>Veilige fietspaden</li>" in page
    document = Document(io.BytesIO(write_docx(report, chart=None, zone=ZONE)))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "Niet beschikbaar: dit was geen gesprek" not in text
    assert "Twee groepen." in text and "Groep A (12 deelnemers)" in text


def test_quotes_in_another_language_are_shown_as_written_and_marked(seeded: Seeded) -> None:
    """A resident's words stay as written; in another language than the page's they carry
    that language's ``lang`` and direction and its name, in the page's language."""
    report = report_of(seeded, AFVAL)
    written = (
        Quoted("الحاويات ممتلئة دائماً في الصيف", "ar"),
        Quoted("De bakken zijn vaak vol op zaterdag", "nl"),
    )
    marked = replace(report, texts=tuple(replace(t, quotes=written) for t in report.texts))
    dutch, english = _page(marked), _page(marked, "en")
    arabic = '<span lang="ar" dir="rtl">“الحاويات ممتلئة دائماً في الصيف”</span>'
    assert f"<blockquote><p>{arabic} [Arabisch]</p></blockquote>" in dutch
    assert f"<blockquote><p>{arabic} [Arabic]</p></blockquote>" in english
    assert "<blockquote><p>“De bakken zijn vaak vol op zaterdag”</p></blockquote>" in dutch
    assert (
        '<span lang="nl" dir="ltr">“De bakken zijn vaak vol op zaterdag”</span> [Dutch]'
    ) in english

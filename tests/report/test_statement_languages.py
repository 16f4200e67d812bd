"""A resident's statement written in another language than the document's is marked with
that language, as quotes of free text are: in the deliberation's digest part (Dutch), and
in the report and results page (Dutch and English); seeds and statements in the page's
own language are not marked, and the mark is escaped like the statement."""

from __future__ import annotations

import io
from datetime import UTC, datetime

from docx import Document

from analysis.deliberation_digest import Agreement, Counts, DeliberationFigures
from analysis.report import Bilingual
from analysis.report_opinions import deliberation_report
from bot.staff.report_docx import write_docx
from bot.staff.report_html import write_html
from bot.staff.stellingen import compose
from tests.report.conftest import ZONE
from tests.report.test_opinion_groups import PLEIN

NOW = datetime(2026, 11, 27, 9, tzinfo=UTC)
SEED = Agreement(1, "Meer bomen.", (0.9, 0.8))
TURKISH = Agreement(2, "Parkta daha fazla bank olsun.", (0.8, 0.7), language="tr")
DUTCH = Agreement(3, "Minder auto's.", (0.9, 0.2), "agree", language="nl")
ENGLISH = Agreement(4, "More <b>light</b> at night.", (0.6, 0.1), "disagree", language="en")
ODD = Agreement(5, "Iets.", (0.7, 0.6), language="x<y")  # a code CLDR does not know


def figures() -> DeliberationFigures:
    return DeliberationFigures(
        deliberation_id="plein",
        title="Het plein",
        counts=Counts(23, 200, 20, 5, 0, 3),
        clustered=23,
        groups=(0, 1),
        group_sizes=(12, 8),
        hidden=3,
        consensus=(TURKISH, SEED, ODD),
        divisive=(DUTCH,),
        representative={0: (DUTCH,), 1: (ENGLISH,)},
        points=(),
    )


def test_the_digest_marks_statements_in_another_language_than_dutch() -> None:
    text = compose(figures(), NOW, NOW, ZONE)
    lines = text.splitlines()
    assert "• Parkta daha fazla bank olsun. [Turks]" in lines
    assert "• Meer bomen." in lines  # a seed
    assert "• Minder auto's. <i>(eens)</i>" in lines  # written in Dutch: no mark
    assert "• More &lt;b&gt;light&lt;/b&gt; at night. [Engels] <i>(oneens)</i>" in lines
    assert "• Iets. [x&lt;y]" in lines
    assert "<b>light" not in text and "[x<y]" not in text


def test_the_report_and_page_mark_statements_in_another_language_than_theirs() -> None:
    report = deliberation_report(
        PLEIN,
        figures(),
        {1: "More trees."},
        municipality="gemeente Rivierstad",
        generated_at=NOW,
        min_cell=5,
    )
    assert report.summary[-2] == Bilingual(  # the last says what the municipality does
        "Alle groepen zijn het vooral eens over: ‘Parkta daha fazla bank olsun.’ [Turks].",
        "All groups agree most on: ‘Parkta daha fazla bank olsun.’ [Turkish].",
    )
    section = report.opinion_groups
    assert section is not None
    assert section.groups[0].statements[0] == Bilingual(
        "Eens: Minder auto's. (90% van de groep eens)",
        "Agree: Minder auto's. [Dutch] (90% of the group agreed)",
    )
    assert section.groups[1].statements[0] == Bilingual(
        "Oneens: More <b>light</b> at night. [Engels] (10% van de groep eens)",
        "Disagree: More <b>light</b> at night. (10% of the group agreed)",
    )
    assert section.common_ground[0].nl == (
        "Parkta daha fazla bank olsun. [Turks] (eens: A 80% · B 70%)"
    )
    document = Document(io.BytesIO(write_docx(report, chart=None, zone=ZONE)))
    word = "\n".join(p.text for p in document.paragraphs)
    assert "Oneens: More <b>light</b> at night. [Engels] (10% van de groep eens)" in word
    public = report.public()
    dutch = write_html(public, language="nl", zone=ZONE, path="/resultaten/plein")
    english = write_html(public, language="en", zone=ZONE, path="/resultaten/plein")
    assert "More &lt;b&gt;light&lt;/b&gt; at night. [Engels]" in dutch
    assert "Minder auto&#x27;s. [Dutch]" in english
    assert "Parkta daha fazla bank olsun. [Turkish]" in english
    assert "<b>light" not in dutch + english

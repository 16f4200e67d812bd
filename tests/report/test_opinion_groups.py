"""The opinion-groups section of a deliberation's report from hand-made figures: each
shown group with its own statements (agree or disagree, how many of the group agreed), the
common ground a majority of every group agrees with, statements scrubbed, the English
texts, and a plain note when there are no groups; written into Word and read back."""

from __future__ import annotations

import io
from datetime import UTC, datetime

from docx import Document

from analysis.deliberation_digest import Agreement, Counts, DeliberationFigures
from analysis.report import Bilingual
from analysis.report_opinions import (
    DeliberationFacts,
    common_ground,
    deliberation_report,
    opinion_groups,
)
from bot.staff.report_docx import write_docx
from bot.staff.report_html import write_html
from tests.report.conftest import ZONE

NOW = datetime(2026, 11, 27, 9, tzinfo=UTC)
#: The deliberation the report tests are about.
PLEIN = DeliberationFacts(
    "plein",
    Bilingual("Het plein", "The square"),
    Bilingual("Buurt", "Neighbourhood"),
    Bilingual("Over het plein.", "About the square."),
    None,
    None,
    datetime(2026, 1, 1, tzinfo=UTC),
    NOW,
)
PHONE = "Bel me op 06-12345678 over bomen."


def figures(groups: tuple[int, ...] = (0, 1), hidden: int = 3) -> DeliberationFigures:
    both = Agreement(1, "Meer bomen.", (0.9, 0.8))
    split = Agreement(2, "Minder auto's.", (0.9, 0.2))  # consensus ranking, not common ground
    rejected = Agreement(3, "Alles blijft zo.", (0.1, 0.0))  # all against: not common ground
    return DeliberationFigures(
        deliberation_id="plein",
        title="Het plein",
        counts=Counts(23, 200, 20, 4, 1, 1),
        clustered=23,
        groups=groups,
        group_sizes=(12, 8)[: len(groups)],
        hidden=hidden,
        consensus=(both, split, rejected) if groups else (),
        divisive=(split,),
        representative={
            0: (Agreement(2, "Minder auto's.", (0.9, 0.2), "agree"),),
            1: (Agreement(4, PHONE, (0.6, 0.1), "disagree"),),
        }
        if groups
        else {},
        points=(),
    )


def test_groups_their_statements_and_the_common_ground() -> None:
    found = figures()
    assert [a.number for a in common_ground(found)] == [1]
    section = opinion_groups(found, {1: "More trees.", 2: "Fewer cars."}, min_cell=5)
    assert [(g.label.nl, g.size) for g in section.groups] == [("Groep A", 12), ("Groep B", 8)]
    assert section.groups[0].statements == (
        Bilingual(
            "Eens: Minder auto's. (90% van de groep eens)",
            "Agree: Fewer cars. (90% of the group agreed)",
        ),
    )
    own = section.groups[1].statements[0]
    assert own.nl == "Oneens: Bel me op [verwijderd] over bomen. (10% van de groep eens)"
    assert "06-12345678" not in own.en
    assert section.common_ground == (
        Bilingual("Meer bomen. (eens: A 90% · B 80%)", "More trees. (agreed: A 90% · B 80%)"),
    )
    assert "3 deelnemers zitten in groepen van minder dan 5 mensen" in section.note.nl


def test_the_word_report_of_a_deliberation() -> None:
    facts = PLEIN
    report = deliberation_report(
        facts, figures(), {}, municipality="gemeente Rivierstad", generated_at=NOW, min_cell=5
    )
    assert report.kind == "deliberation" and report.level == "full"
    assert [s.nl for s in report.summary] == [
        "23 inwoners deden mee. Ze stemden 200 keer over 4 stellingen.",
        "Er zijn 2 meningsgroepen.",
        "Alle groepen zijn het vooral eens over: ‘Meer bomen.’.",
        "De gemeente heeft nog niet verteld wat ze met de uitkomsten doet.",
    ]
    document = Document(io.BytesIO(write_docx(report, chart=None, zone=ZONE)))
    paragraphs = [(p.style.name, p.text) for p in document.paragraphs if p.text]
    start = paragraphs.index(("Heading 1", "Meningsgroepen en gedeelde grond"))
    end = next(i for i in range(start + 1, len(paragraphs)) if paragraphs[i][0] == "Heading 1")
    part = paragraphs[start + 1 : end]
    assert [text for style, text in part if style == "Heading 2"] == [
        "Groep A (12 deelnemers)",
        "Groep B (8 deelnemers)",
        "Gedeelde grond",
    ]
    assert part[-1] == ("List Bullet", "Meer bomen. (eens: A 90% · B 80%)")
    text = "\n".join(t for _, t in paragraphs)
    assert "Inwoners stemden over 4 stellingen" in text
    assert "06-12345678" not in text

    # Too few votes for groups: said plainly, no empty headings.
    quiet = deliberation_report(
        facts, figures(groups=(), hidden=0), {}, municipality="x", generated_at=NOW, min_cell=5
    )
    assert quiet.opinion_groups is not None and not quiet.opinion_groups.groups
    assert quiet.opinion_groups.note.nl.startswith("Er zijn nog te weinig stemmen")
    document = Document(io.BytesIO(write_docx(quiet, chart=None, zone=ZONE)))
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 2"]
    assert "Gedeelde grond" not in headings


def test_the_page_of_a_deliberation_in_dutch_and_english() -> None:
    facts = PLEIN
    report = deliberation_report(
        facts, figures(), {1: "More trees."}, municipality="x", generated_at=NOW, min_cell=5
    ).public()
    dutch = write_html(report, language="nl", zone=ZONE, path="/resultaten/plein")
    assert "<h3>Groep A (12)</h3>" in dutch and "<h3>Gedeelde grond</h3>" in dutch
    assert "Meer bomen. (eens: A 90% · B 80%)" in dutch
    english = write_html(report, language="en", zone=ZONE, path="/resultaten/plein")
    assert "<h3>Group B (8)</h3>" in english and "More trees. (agreed: A 90% · B 80%)" in english
    assert "Residents voted on 4 statements" in english
    assert "06-12345678" not in dutch + english

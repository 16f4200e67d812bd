"""What the report says where it used to read oddly: a piped answer in a question's name
reads "[wijk]", not "{answer:wijk}"; a questionnaire's page and Word file have no empty
opinion-groups section; a deliberation's report speaks of statements, not of a
questionnaire, and says it ran on Telegram and the website."""

from __future__ import annotations

import io

from docx import Document

from analysis.report_opinions import deliberation_report
from bot.staff.report_docx import write_docx
from bot.staff.report_html import write_html
from tests.report.conftest import AFVAL, GROEN, ZONE, Seeded, report_of
from tests.report.test_opinion_groups import NOW, PLEIN, figures


def _text(data: bytes) -> str:
    document = Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    parts += [c.text for t in document.tables for r in t.rows for c in r.cells]
    return "\n".join(parts)


def test_a_piped_answer_reads_as_its_question(seeded: Seeded) -> None:
    report = report_of(seeded, GROEN)
    names = [q.name for q in report.questions]
    assert any("[wijk]" in n.nl and "[wijk]" in n.en for n in names), names
    word = _text(write_docx(report, chart=None, zone=ZONE))
    assert "[wijk]" in word and "{answer:" not in word
    for language in ("nl", "en"):
        page = write_html(report.public(), language=language, zone=ZONE, path="/r/g")
        assert "{answer:" not in page


def test_a_questionnaire_has_no_opinion_groups_section(seeded: Seeded) -> None:
    report = report_of(seeded, AFVAL)
    for language in ("nl", "en"):
        page = write_html(report.public(), language=language, zone=ZONE, path="/r/a")
        assert 'id="opinion-groups"' not in page
    assert "Meningsgroepen" not in _text(write_docx(report, chart=None, zone=ZONE))


def test_a_deliberation_is_not_called_a_questionnaire() -> None:
    report = deliberation_report(
        PLEIN, figures(), {}, municipality="gemeente Rivierstad", generated_at=NOW, min_cell=5
    )
    word = _text(write_docx(report, chart=None, zone=ZONE))
    assert "deze vragenlijst" not in word.lower()
    assert "Bijlage: alle gesloten vragen" not in word
    assert "Een gesprek met stellingen meet geen publieke waarde." in word
    assert "op Telegram of op de website van de gemeente: eens, oneens of overslaan" in word
    assert "Telegram (chat), website (chatpagina)" in word
    english = write_html(report.public(), language="en", zone=ZONE, path="/r/p")
    assert "this questionnaire" not in english.lower()
    assert "A deliberation does not measure public value." in english
    assert "on Telegram or on the municipality&#x27;s website: agree" in english

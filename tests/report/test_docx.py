"""The Word report opened with python-docx: headings Word's navigation pane lists, real
tables, charts with alt text, nothing a resident could be recognised by and no text that
was not approved; a municipality's template; LibreOffice renders it to a sane PDF."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import zipfile
from dataclasses import replace
from pathlib import Path

import pytest
from docx import Document
from docx.document import Document as DocxDocument
from docx.shared import Pt

from analysis.report import Quoted, Report
from analysis.scrub import REMOVED
from bot.staff import report_docx
from bot.staff.report_docx import TemplateError, load_template, write_docx
from flows.loader import load_file
from tests.report.conftest import (
    AFVAL,
    GROEN,
    PHONE,
    REJECTED,
    SCHOOL,
    UNMODERATED,
    ZONE,
    Seeded,
    report_of,
)


@pytest.fixture(scope="module")
def afval(seeded: Seeded) -> Report:
    return report_of(seeded, AFVAL)


@pytest.fixture(scope="module")
def written(afval: Report) -> bytes:
    return write_docx(afval, chart=report_docx.chart_of(load_file(AFVAL)), zone=ZONE)


def _open(data: bytes) -> DocxDocument:
    return Document(io.BytesIO(data))


def _headings(document: DocxDocument, level: int) -> list[str]:
    return [p.text for p in document.paragraphs if p.style.name == f"Heading {level}"]


def _all_text(document: DocxDocument) -> str:
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        parts += [cell.text for row in table.rows for cell in row.cells]
    return "\n".join(parts)


def test_structure(written: bytes, afval: Report) -> None:
    document = _open(written)
    titles = [p.text for p in document.paragraphs if p.style.name == "Title"]
    assert titles == [afval.title.nl]
    assert _headings(document, 1) == [
        "Samenvatting",
        "Hoe we het vroegen",
        "Respons en representativiteit",
        "Uitkomsten per vraag",
        "Publieke waarde",
        "Wat de gemeente ermee doet",
        "Interne notities",
        "Bijlage: alle gesloten vragen",
    ]
    shown = afval.shown()
    assert len(shown) >= 5
    level2 = _headings(document, 2)
    for result in afval.questions:  # once in the results, once in the appendix
        assert level2.count(f"{result.position}. {result.name.nl}") == 2
    # A table per question shown (results and appendix), the method's, the scorecard's.
    assert len(document.tables) >= 2 * len(shown) + 2
    method = document.tables[0]
    assert [c.text for c in method.rows[0].cells] == ["Kenmerk", "Waarde"]
    assert method.rows[4].cells[1].text.startswith(str(afval.method.started))
    first = next(t for t in document.tables if t.rows[0].cells[0].text == "Antwoord")
    row = shown[0].rows[0]
    assert [c.text for c in first.rows[1].cells] == [
        row.label.nl,
        str(row.count),
        f"{round(row.share * 100)}%",
    ]
    # The sections that wait for other features say plainly that they are not there.
    assert "Niet beschikbaar: voor deze vragenlijst is de respons niet vergeleken" in _all_text(
        document
    )
    # Only a deliberation has opinion groups: no empty section for a questionnaire.
    assert "Meningsgroepen" not in _all_text(document)


def test_charts_are_pictures_with_alt_text(written: bytes, afval: Report) -> None:
    document = _open(written)
    shapes = list(document.inline_shapes)
    assert len(shapes) == len(afval.shown())
    for shape, result in zip(shapes, afval.shown(), strict=True):
        properties = shape._inline.docPr
        alt = properties.get("descr")
        assert alt.startswith(f"Staafdiagram van de antwoorden op ‘{result.name.nl}’")
        for row in result.rows:
            assert f"{row.label.nl}: {round(row.share * 100)}%" in alt
        assert properties.get("title") == result.name.nl


def test_nothing_identifies_a_resident_or_was_not_approved(written: bytes, afval: Report) -> None:
    document = _open(written)
    text = _all_text(document)
    quotes = [q for t in afval.texts for q in t.quotes]
    assert quotes, "the seeded approved texts are quoted"
    for quote in quotes:
        assert f"“{quote.text}”" in text
    assert UNMODERATED not in text
    assert REJECTED not in text
    assert PHONE not in text  # scrubbed
    assert REMOVED in text
    with zipfile.ZipFile(io.BytesIO(written)) as package:
        xml = b"".join(package.read(name) for name in package.namelist() if name.endswith(".xml"))
    assert UNMODERATED.encode() not in xml
    assert PHONE.encode() not in xml
    # Only counts: no response, resident or answer ids.
    assert not re.search(rb"resident|pseudonym|session_id", xml, re.IGNORECASE)


def test_summary_fits_on_one_page_in_plain_words(written: bytes) -> None:
    document = _open(written)
    paragraphs = document.paragraphs
    start = next(i for i, p in enumerate(paragraphs) if p.text == "Samenvatting")
    end = next(i for i, p in enumerate(paragraphs) if p.text == "Hoe we het vroegen")
    lines = [p.text for p in paragraphs[start + 1 : end] if p.text]
    assert 3 <= len(lines) <= 8
    assert lines[0] == "60 inwoners deden mee. 54 van hen vulden de hele vragenlijst in."
    assert sum(len(line.split()) for line in lines) < 250  # one page
    for line in lines:  # B1: short sentences
        for sentence in re.split(r"(?<=[.!?])\s", line):
            assert len(sentence.split()) <= 25, sentence


def test_too_few_residents_everything_suppressed(seeded: Seeded) -> None:
    report = report_of(seeded, SCHOOL)
    assert report.level == "suppressed"
    document = _open(write_docx(report, chart=report_docx.chart_of(load_file(SCHOOL)), zone=ZONE))
    text = _all_text(document)
    assert (
        "Er deden 3 inwoners mee. Dat is minder dan 5. Daarom laten we geen uitkomsten zien"
        in text
    )
    assert not list(document.inline_shapes)
    assert all(t.rows[0].cells[0].text != "Antwoord" for t in document.tables)
    assert "Minder dan 5 mensen beantwoordden deze vraag" in text


def test_empty_questionnaire(seeded: Seeded) -> None:
    report = report_of(seeded, GROEN)
    assert report.level == "empty"
    document = _open(write_docx(report, chart=None, zone=ZONE))
    assert "Er zijn nog geen antwoorden." in _all_text(document)
    assert _headings(document, 1)[0] == "Samenvatting"


# --- A municipality's own template ----------------------------------------------------------


def _template(folder: Path, suffix: str) -> Path:
    """A template with its own heading font and a header text (the 'logo')."""
    document = Document()
    document.styles["Heading 1"].font.size = Pt(21)
    document.styles["Heading 1"].font.name = "Gemeente Sans"
    document.sections[0].header.paragraphs[0].text = "Gemeente Rivierstad – logo"
    document.add_paragraph("Deze tekst hoort bij het sjabloon en verdwijnt.")
    path = folder / f"huisstijl{suffix}"
    document.save(path)
    if suffix == ".dotx":  # the same package, marked as a template
        data = path.read_bytes()
        out = io.BytesIO()
        with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
            for item in source.infolist():
                body = source.read(item.filename)
                if item.filename == "[Content_Types].xml":
                    body = body.replace(report_docx.DOCUMENT_TYPE, report_docx.TEMPLATE_TYPE)
                target.writestr(item, body)
        path.write_bytes(out.getvalue())
    return path


@pytest.mark.parametrize("suffix", [".docx", ".dotx"])
def test_the_municipalitys_template(afval: Report, tmp_path: Path, suffix: str) -> None:
    template = load_template(_template(tmp_path, suffix))
    document = _open(write_docx(afval, chart=None, zone=ZONE, template=template))
    assert document.styles["Heading 1"].font.name == "Gemeente Sans"
    assert document.sections[0].header.paragraphs[0].text == "Gemeente Rivierstad – logo"
    assert "verdwijnt" not in _all_text(document)
    assert _headings(document, 1)[0] == "Samenvatting"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"not a zip at all", "is not a Word document or template (.docx/.dotx)"),
        (None, "cannot be read"),
    ],
)
def test_a_broken_template_says_what_is_wrong(
    tmp_path: Path, content: bytes | None, message: str
) -> None:
    path = tmp_path / "kapot.dotx"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(TemplateError, match=re.escape(message)):
        load_template(path)


def test_a_zip_that_is_not_word(tmp_path: Path) -> None:
    path = tmp_path / "archief.docx"
    with zipfile.ZipFile(path, "w") as package:
        package.writestr("readme.txt", "hello")
    with pytest.raises(TemplateError, match="is not a Word document or template"):
        load_template(path)


# --- LibreOffice ------------------------------------------------------------------------------


def test_libreoffice_renders_it_to_a_pdf(written: bytes, tmp_path: Path) -> None:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice is not installed (apt-get install libreoffice-writer-nogui)")
    source = tmp_path / "rapport.docx"
    source.write_bytes(written)
    result = subprocess.run(
        [
            soffice,
            f"-env:UserInstallation=file://{tmp_path / 'profile'}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(source),
        ],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    pdf = tmp_path / "rapport.pdf"
    assert result.returncode == 0 and pdf.exists(), result.stderr
    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf.read_bytes()))
    # Title page, summary, then a dozen questions with a chart and a table each.
    assert 6 <= pages <= 40, pages


def test_quotes_in_another_language_are_marked(afval: Report) -> None:
    written = (Quoted("Please empty the bins more often", "en"), Quoted("Vaker legen graag", "nl"))
    marked = replace(afval, texts=tuple(replace(t, quotes=written) for t in afval.texts))
    paragraphs = [p.text for p in _open(write_docx(marked, chart=None, zone=ZONE)).paragraphs]
    assert "“Please empty the bins more often” [Engels]" in paragraphs
    assert "“Vaker legen graag”" in paragraphs

"""The Word report's styles: a municipality's template without heading styles still gives
headings Word's navigation pane lists (styles made on its Normal, with an outline level),
and the text is marked as Dutch, not as the python-docx template's American English."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from docx import Document
from docx.oxml.ns import qn

from analysis.report import Report
from bot.staff.report_docx import load_template, write_docx
from tests.report.conftest import AFVAL, ZONE, Seeded, report_of


@pytest.fixture(scope="module")
def afval(seeded: Seeded) -> Report:
    return report_of(seeded, AFVAL)


def _without_headings(path: Path) -> Path:
    """A template whose Title and Heading N styles were removed, in Gemeente Sans."""
    template = Document()
    template.styles["Normal"].font.name = "Gemeente Sans"
    styles = template.styles.element
    for style in list(styles.findall(qn("w:style"))):
        if style.get(qn("w:styleId")).startswith(("Heading", "Title")):
            styles.remove(style)
    template.save(path)
    return path


def test_a_template_without_heading_styles_still_gives_headings(
    afval: Report, tmp_path: Path
) -> None:
    template = load_template(_without_headings(tmp_path / "kaal.docx"))
    document = Document(io.BytesIO(write_docx(afval, chart=None, zone=ZONE, template=template)))
    used = {p.style.name for p in document.paragraphs if p.style is not None}
    assert {"Title", "Heading 1", "Heading 2"} <= used, used
    first = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]  # type: ignore[union-attr]
    assert first[0] == "Samenvatting"
    for level in (1, 2):
        style = document.styles[f"Heading {level}"]
        assert style.base_style is not None and style.base_style.name == "Normal"
        assert style.font.bold and style.font.name is None  # the template's font, inherited
        outline = style.element.pPr.find(qn("w:outlineLvl"))
        assert outline is not None and outline.get(qn("w:val")) == str(level - 1)
        assert style.element.get(qn("w:customStyle")) is None
    # No bold Normal paragraph standing in for a heading.
    assert not any(
        p.style.name == "Normal" and p.runs and all(r.bold for r in p.runs) and p.text in first  # type: ignore[union-attr]
        for p in document.paragraphs
    )


@pytest.mark.parametrize("templated", [False, True])
def test_the_text_is_dutch(afval: Report, tmp_path: Path, templated: bool) -> None:
    template = load_template(_without_headings(tmp_path / "t.docx")) if templated else None
    document = Document(io.BytesIO(write_docx(afval, chart=None, zone=ZONE, template=template)))
    styles = document.styles.element.xml
    defaults = styles.split("<w:docDefaults>", 1)[1].split("</w:docDefaults>", 1)[0]
    assert re.findall(r'<w:lang w:val="([^"]+)"', defaults) == ["nl-NL"]
    assert "en-US" not in re.findall(r'<w:lang w:val="([^"]+)"', styles)
    assert document.core_properties.language == "nl-NL"

"""The report as an editable Word file (.docx), for the college and the gemeenteraad.
Over 500 lines on purpose: the writer and every section's layout read best side by side;
the question shapes' sections (rankings, scores, grids) are the part to move out next.

Written with python-docx from a :class:`~analysis.report.Report`; computes nothing itself.
Real headings (the styles ``Title``, ``Heading 1`` and ``Heading 2``, which Word's
navigation pane lists; a template without them gets them, based on its Normal style, with
their outline level), text marked as Dutch (nl-NL) for spelling and screen readers, real
tables, and each chart as a picture with alt text (the
``descr`` of its ``wp:docPr``). A municipality's own template (.dotx or .docx: its styles,
its header with the logo) is used when REPORT_TEMPLATE names one; its body text is left out,
its headers and footers stay.

Resident text is only there as quotes the model already scrubbed and an administrator
approved; python-docx writes every text as text, never as markup.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable, Sequence
from datetime import tzinfo
from pathlib import Path
from typing import Any

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_BREAK
from docx.opc.exceptions import PackageNotFoundError
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from docx.table import Table
from docx.text.paragraph import Paragraph

from analysis import labels
from analysis.figures import Distribution
from analysis.report import GridResult, QuestionResult, RankingResult, Report
from bot.staff import report_sample_text as sample_words
from bot.staff import report_shapes_text as shapes
from bot.staff import report_text as words
from flows.schema import GridQuestion, Questionnaire
from flows.texts.formats import number

CHART_WIDTH = Cm(15)
#: The content type of a template's main part, which python-docx does not open as such.
TEMPLATE_TYPE = b"application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml"
DOCUMENT_TYPE = b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
MAX_TEMPLATE_BYTES = 20 * 1024 * 1024
#: The language of the report's text (w:lang): Word's spelling check and screen readers.
LANGUAGE = "nl-NL"
#: Sizes (points) of the heading styles made for a template that lacks them.
HEADING_PT = {0: 26, 1: 16, 2: 13, 3: 12}

#: Draws the charts of questions: per question id a PNG.
Charts = Callable[[Sequence[QuestionResult]], dict[str, bytes]]


class TemplateError(Exception):
    """The configured template cannot be used: one line saying why."""


def load_template(path: Path | None) -> bytes | None:
    """The template file's bytes as a .docx (a .dotx is read as one), checked to open;
    None without a template. :class:`TemplateError` says what is wrong with it."""
    if path is None:
        return None
    try:
        if path.stat().st_size > MAX_TEMPLATE_BYTES:
            raise TemplateError(f"REPORT_TEMPLATE {path} is larger than 20 MB")
        data = path.read_bytes()
    except OSError as exc:
        raise TemplateError(f"REPORT_TEMPLATE {path} cannot be read: {exc.strerror}") from None
    try:
        data = _as_document(data)
        Document(io.BytesIO(data))
    except (zipfile.BadZipFile, PackageNotFoundError, KeyError, ValueError) as exc:
        raise TemplateError(
            f"REPORT_TEMPLATE {path} is not a Word document or template (.docx/.dotx): {exc}"
        ) from None
    except Exception as exc:  # lxml and python-docx raise many kinds on a damaged file
        raise TemplateError(f"REPORT_TEMPLATE {path} is damaged: {type(exc).__name__}") from None
    return data


def _as_document(data: bytes) -> bytes:
    """A .dotx as a .docx: the same parts, with the main part's content type changed."""
    source = zipfile.ZipFile(io.BytesIO(data))
    types = source.read("[Content_Types].xml")
    if TEMPLATE_TYPE not in types:
        return data
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            body = source.read(item.filename)
            if item.filename == "[Content_Types].xml":
                body = body.replace(TEMPLATE_TYPE, DOCUMENT_TYPE)
            target.writestr(item, body)
    return out.getvalue()


def _start(template: bytes | None) -> DocxDocument:
    if template is None:
        return Document()
    document = Document(io.BytesIO(template))
    body = document.element.body
    for child in list(body):
        if not child.tag.endswith("}sectPr"):  # keep the page setup, headers and footers
            body.remove(child)
    return document


class _Writer:
    def __init__(self, document: DocxDocument) -> None:
        self.doc = document
        # Style objects, looked up once: python-docx finds a style by name by going through
        # every style, each time one is used.
        self.styles: dict[str, Any] = {s.name: s for s in document.styles if s.name}
        self.has = self.styles.__contains__
        _set_language(_default_run_properties(document.styles.element), LANGUAGE)

    def style(self, wanted: str, fallback: str | None = None) -> Any:
        if self.has(wanted):
            return self.styles[wanted]
        return self.styles[fallback] if fallback and self.has(fallback) else None

    def heading(self, text: str, level: int) -> Paragraph:
        name = "Title" if level == 0 else f"Heading {level}"
        if not self.has(name):  # a template without it: made, so the navigation pane works
            self.styles[name] = self._heading_style(name, level)
        heading: Paragraph = self.doc.add_paragraph(text, self.styles[name])
        return heading

    def _heading_style(self, name: str, level: int) -> Any:
        """A heading style the template lacks: its Normal, bold and larger, kept with the
        next paragraph, with the outline level Word's navigation pane reads (the title has
        none, as in Word's own Title style)."""
        style = self.doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.element.attrib.pop(qn("w:customStyle"), None)  # Word's own, as Word names it
        if self.has("Normal"):
            style.base_style = self.styles["Normal"]
        style.next_paragraph_style = self.styles.get("Normal")
        style.quick_style = True
        style.font.bold = True
        style.font.size = Pt(HEADING_PT.get(level, 12))
        style.paragraph_format.keep_with_next = True
        style.paragraph_format.space_before = Pt(12 if level else 0)
        if level:
            outline = OxmlElement("w:outlineLvl")
            outline.set(qn("w:val"), str(level - 1))
            style.element.get_or_add_pPr().append(outline)
        _set_language(style.element.get_or_add_rPr(), LANGUAGE)
        return style

    def text(self, text: str, *, italic: bool = False) -> Paragraph:
        paragraph = self.doc.add_paragraph()
        paragraph.add_run(text).italic = italic
        return paragraph

    def bullets(self, items: Sequence[str]) -> None:
        style = self.style("List Bullet")
        for item in items:
            self.doc.add_paragraph(item if style else f"• {item}", style=style)

    def table(self, header: Sequence[str], rows: Sequence[Sequence[str]]) -> Table:
        table: Table = self.doc.add_table(rows=1, cols=len(header))
        style = self.style("Table Grid", "Light Grid")
        if style:
            table.style = style
        for cell, text in zip(table.rows[0].cells, header, strict=True):
            cell.text = ""
            cell.paragraphs[0].add_run(text).bold = True
        _repeat_header(table)
        for row in rows:
            cells = table.add_row().cells  # type: ignore[no-untyped-call]
            for cell, text in zip(cells, row, strict=True):
                cell.text = text
        self.doc.add_paragraph()
        return table

    def picture(self, png: bytes, alt: str, title: str) -> None:
        shape = self.doc.add_picture(io.BytesIO(png), width=CHART_WIDTH)
        properties = shape._inline.docPr
        properties.set("descr", alt)
        properties.set("title", title)

    def page_break(self) -> None:
        self.doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


def _default_run_properties(styles: Any) -> Any:
    """The ``w:rPr`` of the styles part's ``w:docDefaults`` (made where missing)."""
    defaults = styles.find(qn("w:docDefaults"))
    if defaults is None:
        defaults = OxmlElement("w:docDefaults")
        styles.insert(0, defaults)
    run = defaults.find(qn("w:rPrDefault"))
    if run is None:
        run = OxmlElement("w:rPrDefault")
        defaults.insert(0, run)
    properties = run.find(qn("w:rPr"))
    if properties is None:
        properties = OxmlElement("w:rPr")
        run.append(properties)
    return properties


def _set_language(properties: Any, language: str) -> None:
    """``w:lang`` of these run properties set to ``language`` (for Latin text; other
    scripts keep theirs)."""
    lang = properties.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        properties.append(lang)
    lang.set(qn("w:val"), language)


def _repeat_header(table: Table) -> None:
    """The header row repeats on every page the table runs over (w:tblHeader)."""
    properties = table.rows[0]._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    properties.append(header)


def chart_of(questionnaire: Questionnaire) -> Charts:
    """The charts of questions, each drawn as the digest draws it (matplotlib loads on
    first use), all in one drawing pass; a grid's statements as one stacked chart under
    :func:`grid_key`, a ranking (type ``ranking``) as its first places."""

    def draw(results: Sequence[QuestionResult]) -> dict[str, bytes]:
        from bot.staff.charts import render_grid, render_questions

        def found(r: QuestionResult) -> Distribution:
            return Distribution(
                r.question_id,
                r.type,
                r.respondents,
                r.skipped,
                tuple((row.key, row.count) for row in r.rows),
                merged=r.merged,
            )

        single = [r for r in results if r.type != "grid"]
        items = [(questionnaire.question(r.question_id), found(r), r.name.nl) for r in single]
        pictures = dict(zip((r.question_id for r in single), render_questions(items), strict=True))
        grids: dict[str, list[tuple[GridQuestion, str, Distribution]]] = {}
        titles: dict[str, str] = {}
        for r in results:
            question = questionnaire.question(r.question_id)
            if r.type == "grid" and isinstance(question, GridQuestion):
                grids.setdefault(question.grid, []).append((question, r.name.nl, found(r)))
                titles[question.grid] = question.grid_label or question.stem.nl
        for grid, statements in grids.items():
            pictures[grid_key(grid)] = render_grid(statements, titles[grid])
        return pictures

    return draw


def grid_key(grid: str) -> str:
    """The key of a grid's chart among the question ids (``:`` is in no id)."""
    return f"grid:{grid}"


def write_docx(
    report: Report,
    *,
    chart: Charts | None,
    zone: tzinfo,
    template: bytes | None = None,
) -> bytes:
    """The .docx of ``report`` (with its internal notes, for staff); ``chart`` draws a
    question's chart (None: tables only)."""
    w = _Writer(_start(template))
    _title_page(w, report, zone)
    w.heading("Samenvatting", 1)
    w.bullets([line.nl for line in report.summary])
    w.page_break()
    _sample(w, report)  # the random sample leads, as in the Burgerpeiling
    _method(w, report, zone)
    _representativeness(w, report, chart is not None)
    drawn = [*report.shown(), *(shapes.first_places(r) for r in report.rankings if r.options)]
    _results(w, report, chart(drawn) if chart is not None else {})
    _scorecard(w, report, zone)
    _opinion_groups(w, report)
    _outcomes(w, report, zone)
    if report.internal is not None:
        w.heading("Interne notities", 1)
        w.text("Alleen voor medewerkers van de gemeente; deze staan niet op de openbare pagina.")
        w.bullets(words.internal_lines(report.internal))
    _appendix(w, report)
    out = io.BytesIO()
    w.doc.core_properties.title = report.title.nl
    w.doc.core_properties.language = "nl-NL"
    w.doc.core_properties.author = report.municipality
    w.doc.save(out)
    return out.getvalue()


def _title_page(w: _Writer, report: Report, zone: tzinfo) -> None:
    w.heading(report.title.nl, 0)
    w.text(f"Wat inwoners zeggen over {report.theme.nl.lower()}")
    w.text(report.municipality.capitalize())
    w.text(f"Periode: {words.period(report, zone, 'nl')}")
    w.text(f"Gemaakt op {words.when(report.generated_at, zone, 'nl')} met Samenspraak")
    w.page_break()


def _method(w: _Writer, report: Report, zone: tzinfo) -> None:
    w.heading(words.HEADINGS["method"][0], 1)
    for line in words.method_lines(report, zone, "nl"):
        w.text(line)
    w.table(["Kenmerk", "Waarde"], words.method_rows(report, zone, "nl"))


def _representativeness(w: _Writer, report: Report, charts: bool) -> None:
    w.heading(words.HEADINGS["representativeness"][0], 1)
    section = report.representativeness
    if section is None:
        w.text(words.not_heard(report, "nl"))
        return
    if section.verdict is not None:
        w.doc.add_paragraph().add_run(section.verdict.nl).bold = True
    for line in words.heard_lines(section, "nl"):
        w.text(line)
    if section.rows:
        w.table(words.heard_header("nl"), words.heard_rows(section, report.min_cell, "nl"))
    if charts and section.chart:
        # matplotlib when first drawn, as the digest's own chart.
        from bot.staff.charts import render_heard_chart

        bars = [(b.label.nl, b.respondents, b.population) for b in section.chart]
        w.picture(
            render_heard_chart(bars, report.title.nl),
            words.heard_alt(section, "nl"),
            "Wie hebben we gehoord?",
        )
    for note in section.notes:
        w.text(note.nl, italic=True)
    if not section.results:
        return
    w.heading("Gewogen naar wijk en leeftijd", 2)
    w.text(words.weighted_intro(section, "nl"))
    for result in section.results:
        w.heading(f"{result.position}. {result.name.nl} ({number(result.answered)})", 3)
        w.table(words.weighted_header("nl"), words.weighted_rows(result, "nl"))


def _sample(w: _Writer, report: Report) -> None:
    """The random sample's results, before those of everyone together."""
    section = report.sample
    if section is None or report.level == "empty":
        return
    w.heading(sample_words.heading("nl"), 1)
    for line in sample_words.response_lines(section, "nl"):
        w.text(line)
    if section.weighted:
        w.heading(sample_words.WEIGHTED[0], 2)
        w.text(sample_words.weighted_intro(section, "nl"))
        for weighted in section.weighted:
            w.heading(f"{weighted.position}. {weighted.name.nl} ({number(weighted.answered)})", 3)
            w.table(words.weighted_header("nl"), words.weighted_rows(weighted, "nl"))
    if not section.questions:
        return
    w.heading(sample_words.UNWEIGHTED[0], 2)
    for result in section.questions:
        w.heading(f"{result.position}. {result.name.nl}", 3)
        if result.suppressed or not result.rows:
            w.text(sample_words.suppressed(report.min_cell, "nl"), italic=True)
            continue
        w.table(["Antwoord", "Aantal", "Percentage"], words.answer_rows(result, "nl"))


def _opinion_groups(w: _Writer, report: Report) -> None:
    section = report.opinion_groups
    if section is None and report.kind == "questionnaire":
        return  # only a deliberation has opinion groups
    w.heading(words.HEADINGS["opinion_groups"][0], 1)
    if section is None:
        w.text(words.NOT_AVAILABLE["opinion_groups"][0])
        return
    w.text(section.note.nl)
    for group in section.groups:
        w.heading(f"{group.label.nl} ({number(group.size)} deelnemers)", 2)
        if group.statements:
            w.bullets([s.nl for s in group.statements])
    if section.common_ground:
        w.heading("Gedeelde grond", 2)
        w.bullets([s.nl for s in section.common_ground])


def _results(w: _Writer, report: Report, charts: dict[str, bytes]) -> None:
    w.heading(words.HEADINGS["results"][0], 1)
    if report.level != "full":
        w.text(report.summary[0].nl)
        return
    if report.kind == "deliberation":
        w.text(words.deliberation_results("nl"))
        return
    w.text(words.results_intro(report, "nl"))
    for result in report.questions:
        grid = report.grid_of(result.question_id)
        if grid is not None:  # its statements together, where the first stands
            if grid.statements[0] is result:
                _grid(w, report, grid, charts)
            continue
        w.heading(f"{result.position}. {result.name.nl}", 2)
        if result.suppressed or not result.rows:
            w.text(words.suppressed_line(result.respondents, report.min_cell, "nl"), italic=True)
            continue
        if result.question_id in charts:
            picture = charts[result.question_id]
            w.picture(picture, words.alt_text(result, "nl"), result.name.nl)
        w.table(["Antwoord", "Aantal", "Percentage"], words.answer_rows(result, "nl"))
        for line in words.result_notes(result, report, "nl"):
            w.text(line, italic=True)
        _score(w, report, result.question_id)
    for ranking in report.rankings:
        _ranking(w, report, ranking, charts)
    for item in report.numbers:
        w.heading(f"{item.position}. {item.name.nl}", 2)
        w.text(words.number_line(item, report.min_cell, "nl"))
    for text in report.texts:
        w.heading(f"{text.position}. {text.name.nl}", 2)
        for line in words.text_lines(text, report.min_cell, "nl"):
            w.text(line)
        for quote in text.quotes:
            mark = labels.written_in(quote.language, "nl")
            said = f"“{quote.text}”" + (f" {mark}" if mark else "")
            w.doc.add_paragraph(said, style=w.style("Quote"))


def _score(w: _Writer, report: Report, question_id: str) -> None:
    """A scale's rapportcijfer or NPS (with its three groups), as the digest gives it."""
    score = report.score(question_id)
    if score is None:
        return
    w.doc.add_paragraph().add_run(shapes.score_line(score, "nl")).bold = True
    if score.rows:
        w.table(shapes.nps_header("nl"), shapes.nps_rows(score, "nl"))


def _ranking(w: _Writer, report: Report, result: RankingResult, charts: dict[str, bytes]) -> None:
    w.heading(f"{result.position}. {result.name.nl}", 2)
    if result.suppressed or not result.options:
        w.text(words.suppressed_line(result.respondents, report.min_cell, "nl"), italic=True)
        return
    w.text(shapes.ranking_intro(result, "nl"))
    if result.question_id in charts:
        w.picture(charts[result.question_id], shapes.ranking_alt(result, "nl"), result.name.nl)
    w.table(shapes.ranking_header("nl"), shapes.ranking_rows(result, "nl"))


def _grid(w: _Writer, report: Report, grid: GridResult, charts: dict[str, bytes]) -> None:
    w.heading(f"{grid.position}. {grid.name.nl}", 2)
    w.text(shapes.grid_intro(grid, report.min_cell, "nl"))
    if not shapes.grid_shown(grid):
        return
    if grid_key(grid.grid) in charts:
        alt = shapes.grid_alt(grid, report.min_cell, "nl")
        w.picture(charts[grid_key(grid.grid)], alt, grid.name.nl)
    w.table(shapes.grid_header(grid, "nl"), shapes.grid_rows(grid, report.min_cell, "nl"))


def _scorecard(w: _Writer, report: Report, zone: tzinfo) -> None:
    w.heading(words.HEADINGS["scorecard"][0], 1)
    if not report.scorecard:
        w.text(words.no_scorecard(report, "nl"))
        return
    w.text(words.SCORECARD_INTRO[0])
    w.table(["Onderdeel", "Score (0-100)", "Antwoorden"], words.score_rows(report, "nl"))
    if report.trend:
        w.heading("Verloop", 2)
        header, rows = words.trend_table(report, zone, "nl")
        w.table(header, rows)


def _outcomes(w: _Writer, report: Report, zone: tzinfo) -> None:
    w.heading(words.HEADINGS["outcomes"][0], 1)
    if not report.outcomes:
        w.text(words.NO_OUTCOMES[0])
    for entry in report.outcomes:
        w.heading(
            f"{words.when(entry.at, zone, 'nl')}: {entry.status_label.nl}",
            2,
        )
        w.text(entry.message.nl)
    if report.effects is not None:
        w.heading("Effectmeting", 2)
        for line in words.effect_lines(report, "nl"):
            w.text(line)
        if report.effects.rows:
            w.table(["Antwoord", "Aantal", "Percentage"], words.effect_rows(report, "nl"))


def _appendix(w: _Writer, report: Report) -> None:
    if report.kind == "deliberation":
        return  # no questions: its statements and groups are the report itself
    w.heading(words.HEADINGS["appendix"][0], 1)
    w.text(words.appendix_intro(report, "nl"))
    if not report.questions:
        w.text("Deze vragenlijst heeft geen gesloten vragen.")
    for result in report.questions:
        w.heading(f"{result.position}. {result.name.nl}", 2)
        if result.suppressed or not result.rows:
            w.text(words.suppressed_line(result.respondents, report.min_cell, "nl"), italic=True)
            continue
        w.table(["Antwoord", "Aantal", "Percentage"], words.answer_rows(result, "nl"))

"""Pseudonymous exports: one row per response, never a Telegram id or a name.

Two header rows, in CSV and Excel alike: the column ids (``response``, ``version``, ...,
then the question ids), and below them the Dutch labels (the question texts). Dates are
coarsened to the day in the municipality's time zone (AVG: no time of day that could help
recognise someone). Test runs and revised (replaced) responses are left out.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, tzinfo
from typing import Any, TextIO, cast

from bot.core.services import Services
from flows import engine
from flows.engine import answer_label
from flows.machine import Flow
from flows.schema import (
    AreaQuestion,
    ChoiceQuestion,
    MultiQuestion,
    NumberQuestion,
    ScaleQuestion,
    TextQuestion,
)
from flows.texts import raw
from storage import repo

STATUS = {repo.COMPLETED: "complete"}
PSEUDONYM_CHARS = 16  # enough to tell responses apart; shorter than the stored key
# A cell starting with one of these is a formula to Excel and LibreOffice: a resident could
# type "=HYPERLINK(...)" into a free-text answer. In CSV such text gets a leading
# apostrophe; in Excel files every text cell is stored as text, never as a formula.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
FIXED = [
    ("response", "Reactie (pseudoniem)"),
    ("version", "Versie"),
    ("started", "Begonnen (dag)"),
    ("completed", "Afgerond (dag)"),
    ("status", "Status"),
]


class FreeText(str):
    """Text a resident typed: data, never a formula."""

    __slots__ = ()


Cell = str | int | float | date | None


@dataclass(frozen=True)
class Table:
    ids: list[str]
    labels: list[str]
    rows: list[list[Cell]]
    questions: list[tuple[str, str, str, str]]  # id, Dutch text, type, answers (codebook)


def build_table(flows: dict[int, Flow], rows: Sequence[repo.ExportRow], zone: tzinfo) -> Table:
    """Question ids of every version (newest first) as columns; answers as Dutch labels,
    scores and numbers as numbers."""
    question_ids: list[str] = []
    labels: dict[str, str] = {}
    codebook: list[tuple[str, str, str, str]] = []
    for version in sorted(flows, reverse=True):
        newest = flows[version]
        for qid in newest.order:
            if qid in labels:
                continue
            question = newest.questions[qid]
            question_ids.append(qid)
            labels[qid] = question.text.nl
            kind = raw("nl", f"admin.type.{question.type}")  # as the preview names it
            codebook.append((qid, question.text.nl, kind, _answers(question)))
    table: list[list[Cell]] = []
    for row in rows:
        flow = flows.get(row.version)
        cells: list[Cell] = [
            (row.pseudonym or "(erased)")[:PSEUDONYM_CHARS],
            row.version,
            _day(row.started_at, zone),
            _day(row.completed_at, zone),
            STATUS.get(row.status, "incomplete"),
        ]
        # An unfinished response: only the answers along the branch the resident is on.
        answers = engine.answers_on_branch(flow, row.answers) if flow else row.answers
        cells.extend(_cell(flow, qid, answers) for qid in question_ids)
        table.append(cells)
    return Table(
        [name for name, _ in FIXED] + question_ids,
        [label for _, label in FIXED] + [labels[qid] for qid in question_ids],
        table,
        codebook,
    )


def header_and_rows(
    flows: dict[int, Flow], rows: list[repo.ExportRow], zone: tzinfo = UTC
) -> tuple[list[str], list[list[str]]]:
    """The column ids and the rows as CSV text."""
    table = build_table(flows, rows, zone)
    return table.ids, [[_text(cell) for cell in row] for row in table.rows]


def _answers(question: Any) -> str:
    if isinstance(question, ChoiceQuestion | MultiQuestion):
        return "; ".join(f"{o.id} = {o.label.nl}" for o in question.options)
    if isinstance(question, AreaQuestion):
        return "; ".join(f"{a.id} = {a.label.nl}" for a in question.areas)
    if isinstance(question, ScaleQuestion):
        return f"{question.min} tot en met {question.max}"
    if isinstance(question, NumberQuestion):
        low, high = (_number(v) for v in (question.min, question.max))
        return f"{low} tot en met {high}" + (f" {question.unit.nl}" if question.unit else "")
    return ""


def _day(moment: datetime | None, zone: tzinfo) -> date | None:
    return moment.astimezone(zone).date() if moment else None


def _number(value: Any) -> int | float:
    number = float(value)
    return int(number) if number.is_integer() else number


def _cell(flow: Flow | None, qid: str, answers: dict[str, Any]) -> Cell:
    """Empty when the question was not reached; "(overgeslagen)" when skipped. Scores and
    numbers stay numbers, so a spreadsheet can count with them."""
    if qid not in answers:
        return None
    value = answers[qid]
    question = flow.questions.get(qid) if flow else None
    if question is None:
        return None if value is None else FreeText(value)
    if value is not None and isinstance(question, ScaleQuestion | NumberQuestion):
        return _number(value)
    if isinstance(question, MultiQuestion) and isinstance(value, list):
        return "; ".join(answer_label(question, [v], "nl") for v in value)
    if isinstance(question, TextQuestion) and value is not None:
        return FreeText(value)
    return answer_label(question, value, "nl")


def _text(cell: Cell) -> str:
    if cell is None:
        return ""
    if isinstance(cell, FreeText):
        return "'" + cell if cell.startswith(FORMULA_START) else str(cell)
    if isinstance(cell, date):
        return cell.isoformat()
    return str(cell)


def csv_text(table: Table) -> str:
    out = io.StringIO(newline="")
    _write_csv(table, out)
    return out.getvalue()


def _write_csv(table: Table, out: TextIO) -> None:
    writer = csv.writer(out)
    writer.writerow(table.ids)
    writer.writerow([_text(FreeText(label)) for label in table.labels])
    writer.writerows([_text(cell) for cell in row] for row in table.rows)


def xlsx_bytes(table: Table, title: str) -> bytes:
    """An Excel workbook: the responses (ids and labels as two header rows, frozen), and a
    sheet "Vragen" describing every question."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Font
    from openpyxl.worksheet.worksheet import Worksheet

    book = Workbook(write_only=True)
    sheet: Worksheet = book.create_sheet("Antwoorden")
    sheet.freeze_panes = "B3"
    bold, italic = Font(bold=True), Font(italic=True)

    def cell(value: Cell, font: Font | None = None) -> Any:
        if isinstance(value, str):  # control characters cannot be stored in the file
            value = ILLEGAL_CHARACTERS_RE.sub("", value)
        made = WriteOnlyCell(sheet, value=cast(Any, value))
        if isinstance(value, str):
            made.data_type = "s"  # never a formula, whatever the text starts with
        if isinstance(value, date):
            made.number_format = "yyyy-mm-dd"
        if font is not None:
            made.font = font
        return made

    sheet.append([cell(value, bold) for value in table.ids])
    sheet.append([cell(value, italic) for value in table.labels])
    for row in table.rows:
        sheet.append([cell(value) for value in row])
    codebook: Worksheet = book.create_sheet("Vragen")
    codebook.append([cell(value, bold) for value in ("vraag", "tekst", "soort", "antwoorden")])
    for entry in table.questions:
        codebook.append([cell(value) for value in entry])
    book.properties.title = title[:200]
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


async def export_table(services: Services, questionnaire_id: str) -> tuple[Table, Flow]:
    """The table of a questionnaire's responses and its current version; raises
    LookupError for an unknown questionnaire (or one that was never published)."""
    catalog = services.catalog
    current = catalog.current(questionnaire_id)
    if current is None:
        known = ", ".join(f.questionnaire.id for f in catalog.currents()) or "none"
        raise LookupError(
            f"no questionnaire {questionnaire_id!r} in the database (known: {known})"
        )
    async with services.reports() as db:
        rows = list(await repo.export_rows(db, questionnaire_id))
    versions = {row.version for row in rows} | {current.questionnaire.version}
    flows = {v: f for v in versions if (f := catalog.get(questionnaire_id, v)) is not None}
    return build_table(flows, rows, services.settings.zone), current


async def write_csv(services: Services, questionnaire_id: str, out: TextIO) -> int:
    """Write the export as CSV; raises LookupError for an unknown questionnaire."""
    table, _ = await export_table(services, questionnaire_id)
    _write_csv(table, out)
    return len(table.rows)

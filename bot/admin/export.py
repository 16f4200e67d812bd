"""The export files: a questionnaire's responses (:mod:`analysis.export`'s table) written as
CSV and as an Excel workbook, for /export and ``samenspraak export``.

In CSV and Excel alike the two header rows, ids and Dutch labels, come first. A cell a
resident typed that starts like a formula stays text in both (see :data:`FORMULA_START`).
"""

from __future__ import annotations

import csv
import io
from datetime import date
from typing import Any, cast

from analysis.export import Cell, FreeText, Table, build_table
from bot.core.services import Services
from flows.machine import Flow
from storage.export import export_rows

# A cell starting with one of these is a formula to Excel and LibreOffice: a resident could
# type "=HYPERLINK(...)" into a free-text answer. In CSV such text gets a leading
# apostrophe; in Excel files every text cell is stored as text, never as a formula.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
#: Characters of the questionnaire's title kept in the workbook's properties.
TITLE_CHARS = 200


def _text(cell: Cell) -> str:
    if cell is None:
        return ""
    if isinstance(cell, FreeText):
        return "'" + cell if cell.startswith(FORMULA_START) else str(cell)
    if isinstance(cell, date):
        return cell.isoformat()
    return str(cell)


def csv_text(table: Table) -> str:
    """The table as CSV text: the ids, the labels, then a row per response."""
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(table.ids)
    writer.writerow([_text(FreeText(label)) for label in table.labels])
    writer.writerows([_text(cell) for cell in row] for row in table.rows)
    return out.getvalue()


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
    book.properties.title = title[:TITLE_CHARS]
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
        rows = list(await export_rows(db, questionnaire_id))
    versions = {row.version for row in rows} | {current.questionnaire.version}
    flows = {v: f for v in versions if (f := catalog.get(questionnaire_id, v)) is not None}
    return build_table(flows, rows, services.settings.zone), current

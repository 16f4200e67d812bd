"""The export files: a questionnaire's responses (:mod:`analysis.export`'s table) written as
CSV and as an Excel workbook, and as an SPSS file (:mod:`analysis.spss`'s dataset), for
/export and ``samenspraak export``.

In CSV and Excel alike the two header rows, ids and Dutch labels, come first. A cell a
resident typed that starts like a formula stays text in both (see :data:`FORMULA_START`).
The SPSS file has variable and value labels and user-missing codes, written by pyreadstat.
"""

from __future__ import annotations

import csv
import io
import math
import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, cast

from analysis.export import Cell, FreeText, Table, build_table
from analysis.heard import response_weights, who_we_heard
from analysis.spss import Dataset, Variable, build_dataset
from bot.core.services import Services
from flows.machine import Flow
from storage.export import ExportRow, export_rows
from storage.heard import HeardTally, area_question, gather_heard

#: The weight column of every export format: weights to the population by wijk and age.
WEIGHT, WEIGHT_LABEL = "weight", "Gewicht (wijk en leeftijd)"

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


#: The export formats, as ``samenspraak export --format`` names them.
FORMATS = ("csv", "xlsx", "sav")
#: Day 0 of SPSS dates (seconds since then).
SPSS_EPOCH = date(1582, 10, 14)


def _spss_column(variable: Variable) -> list[Any]:
    """A variable's values as pyreadstat writes them: numbers (NaN when missing), text,
    dates as SPSS seconds."""
    if variable.kind == "text":
        return [value if isinstance(value, str) else "" for value in variable.values]
    if variable.kind == "date":
        return [
            float((value - SPSS_EPOCH).days * 86_400) if isinstance(value, date) else math.nan
            for value in variable.values
        ]
    return [value if isinstance(value, float) else math.nan for value in variable.values]


def _spss_format(variable: Variable) -> str | None:
    if variable.kind == "date":
        return "DATE11"
    if variable.kind == "number" and all(
        isinstance(v, float) and v.is_integer() for v in variable.values if v is not None
    ):
        return "F8.0"  # codes and whole numbers
    return None


def sav_bytes(dataset: Dataset) -> bytes:
    """The dataset as an SPSS ``.sav`` file: variable and value labels, measures, and the
    user-missing code for skipped answers."""
    import pandas
    import pyreadstat

    frame = pandas.DataFrame(
        {
            v.name: pandas.Series(_spss_column(v), dtype=object if v.kind == "text" else "float64")
            for v in dataset.variables
        }
    )
    formats = {v.name: f for v in dataset.variables if (f := _spss_format(v))}
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "export.sav"
        pyreadstat.write_sav(
            frame,
            str(path),
            file_label=dataset.label,
            column_labels={v.name: v.label for v in dataset.variables},
            variable_value_labels={
                v.name: dict(v.value_labels) for v in dataset.variables if v.value_labels
            },
            missing_ranges={v.name: list(v.missing) for v in dataset.variables if v.missing},
            variable_measure={v.name: v.measure for v in dataset.variables},
            variable_format=formats,
        )
        return path.read_bytes()


@dataclass(frozen=True, slots=True)
class Export:
    """What every export format is made from: the responses, the versions they were given
    on, and the current version."""

    rows: list[ExportRow]
    flows: dict[int, Flow]
    current: Flow
    #: Per row its weight to the population by wijk and age band (None: not weighted);
    #: None when there is no population or the questionnaire asks no wijk.
    weights: list[float | None] | None = None

    def table(self, services: Services) -> Table:
        table = build_table(self.flows, self.rows, services.settings.zone)
        if self.weights is not None:
            table.ids.append(WEIGHT)
            table.labels.append(WEIGHT_LABEL)
            for cells, weight in zip(table.rows, self.weights, strict=True):
                cells.append(weight)
        return table

    def dataset(self, services: Services) -> Dataset:
        title = self.current.questionnaire.title.nl
        dataset = build_dataset(self.flows, self.rows, services.settings.zone, title)
        if self.weights is not None:
            values: list[float | str | date | None] = list(self.weights)
            dataset.variables.append(
                Variable(WEIGHT, WEIGHT_LABEL, "number", values=values, measure="scale")
            )
        return dataset


async def export_data(services: Services, questionnaire_id: str) -> Export:
    """A questionnaire's responses and versions; raises LookupError for an unknown
    questionnaire (or one that was never published)."""
    catalog = services.catalog
    current = catalog.current(questionnaire_id)
    if current is None:
        known = ", ".join(f.questionnaire.id for f in catalog.currents()) or "none"
        raise LookupError(
            f"no questionnaire {questionnaire_id!r} in the database (known: {known})"
        )
    async with services.reports() as db:
        rows = list(await export_rows(db, questionnaire_id))
        tally = await gather_heard(db, current.questionnaire, services.clock(), answers=False)
    versions = {row.version for row in rows} | {current.questionnaire.version}
    flows = {v: f for v in versions if (f := catalog.get(questionnaire_id, v)) is not None}
    return Export(rows, flows, current, _weights(services, current, rows, tally))


def _weights(
    services: Services, current: Flow, rows: list[ExportRow], tally: HeardTally | None
) -> list[float | None] | None:
    """The weight column: each response weighted to the population valid now."""
    question = area_question(current.questionnaire)
    if tally is None or question is None:
        return None
    cells = [(c.wijk_name, c.wijk_code, c.age_band, c.inhabitants) for c in tally.population.cells]
    heard = who_we_heard(
        current.questionnaire,
        question,
        cells,
        tally.respondents,
        {},
        min_cell=services.settings.digest_min_cell,
    )
    wijk = question.id
    return response_weights(heard, ((_value(r.answers.get(wijk)), r.age_band) for r in rows))


def _value(value: object) -> str | None:
    return None if value is None else str(value)


async def export_table(services: Services, questionnaire_id: str) -> tuple[Table, Flow]:
    """The table of a questionnaire's responses and its current version; raises
    LookupError for an unknown questionnaire (or one that was never published)."""
    data = await export_data(services, questionnaire_id)
    return data.table(services), data.current

"""Pseudonymous exports: one row per response, never a Telegram id or a name."""

from __future__ import annotations

import csv
from datetime import UTC, datetime, tzinfo
from typing import Any, TextIO

from bot.services import Services
from flows.engine import answer_label
from flows.machine import Flow
from flows.schema import MultiQuestion, NumberQuestion, ScaleQuestion, TextQuestion
from storage import repo

STATUS = {repo.COMPLETED: "complete"}
PSEUDONYM_CHARS = 16  # enough to tell responses apart; shorter than the stored key
# A cell starting with one of these is a formula to Excel and LibreOffice: a resident could
# type "=HYPERLINK(...)" into a free-text answer. Such text gets a leading apostrophe.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def header_and_rows(
    flows: dict[int, Flow], rows: list[repo.ExportRow], zone: tzinfo = UTC
) -> tuple[list[str], list[list[str]]]:
    """Question ids of every version (newest first) as columns; answers as Dutch labels.

    Dates are coarsened to the day in the municipality's time zone.
    """
    question_ids: list[str] = []
    for version in sorted(flows, reverse=True):
        for qid in flows[version].order:
            if qid not in question_ids:
                question_ids.append(qid)
    header = ["response", "version", "started", "completed", "status", *question_ids]
    table: list[list[str]] = []
    for row in rows:
        flow = flows.get(row.version)
        cells = [
            (row.pseudonym or "(erased)")[:PSEUDONYM_CHARS],
            str(row.version),
            _day(row.started_at, zone),
            _day(row.completed_at, zone),
            STATUS.get(row.status, "incomplete"),
        ]
        cells.extend(_cell(flow, qid, row.answers) for qid in question_ids)
        table.append(cells)
    return header, table


def _day(moment: datetime | None, zone: tzinfo) -> str:
    return moment.astimezone(zone).date().isoformat() if moment else ""


def _cell(flow: Flow | None, qid: str, answers: dict[str, Any]) -> str:
    """Empty when the question was not reached; "(overgeslagen)" when skipped. Scores and
    numbers stay plain numbers, so a spreadsheet can count with them."""
    if qid not in answers:
        return ""
    value = answers[qid]
    question = flow.questions.get(qid) if flow else None
    if question is None:
        return "" if value is None else _safe(str(value))
    if value is not None and isinstance(question, ScaleQuestion | NumberQuestion):
        return str(int(value)) if float(value).is_integer() else str(value)
    if isinstance(question, MultiQuestion) and isinstance(value, list):
        return "; ".join(answer_label(question, [v], "nl") for v in value)
    if isinstance(question, TextQuestion) and value is not None:
        return _safe(str(value))
    return answer_label(question, value, "nl")


def _safe(text: str) -> str:
    return "'" + text if text.startswith(FORMULA_START) else text


async def write_csv(services: Services, questionnaire_id: str, out: TextIO) -> int:
    """Write the export; raises LookupError for an unknown questionnaire."""
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
    header, table = header_and_rows(flows, rows, services.settings.zone)
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(table)
    return len(table)

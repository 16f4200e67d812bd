"""Pseudonymous exports: one row per response, never a Telegram id or a name."""

from __future__ import annotations

import csv
from typing import Any, TextIO

from bot.services import Services
from flows.engine import answer_label
from flows.machine import Flow
from storage import repo

STATUS = {repo.COMPLETED: "complete"}


def header_and_rows(
    flows: dict[int, Flow], rows: list[repo.ExportRow]
) -> tuple[list[str], list[list[str]]]:
    """Question ids of every version in order of appearance; labels in Dutch."""
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
            (row.pseudonym or "(erased)")[:16],
            str(row.version),
            row.started_at.date().isoformat(),
            row.completed_at.date().isoformat() if row.completed_at else "",
            STATUS.get(row.status, "incomplete"),
        ]
        for qid in question_ids:
            cells.append(_cell(flow, qid, row.answers))
        table.append(cells)
    return header, table


def _cell(flow: Flow | None, qid: str, answers: dict[str, Any]) -> str:
    if qid not in answers:
        return ""
    value = answers[qid]
    if flow is None or qid not in flow.questions:
        return "" if value is None else str(value)
    return (
        answer_label(flow.questions[qid], value, "nl").replace(", ", "; ")
        if isinstance(value, list)
        else answer_label(flow.questions[qid], value, "nl")
    )


async def write_csv(services: Services, questionnaire_id: str, out: TextIO) -> int:
    """Write the export; raises LookupError for an unknown questionnaire."""
    catalog = services.catalog
    if catalog.current(questionnaire_id) is None:
        known = ", ".join(f.questionnaire.id for f in catalog.currents()) or "none"
        raise LookupError(
            f"no questionnaire {questionnaire_id!r} in the database (known: {known})"
        )
    async with services.sessions() as db:
        rows = list(await repo.export_rows(db, questionnaire_id))
    versions = {row.version for row in rows} | {catalog.current(questionnaire_id).version}  # type: ignore[union-attr]
    flows = {v: f for v in versions if (f := catalog.get(questionnaire_id, v)) is not None}
    header, table = header_and_rows(flows, rows)
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(table)
    return len(table)

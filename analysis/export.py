"""The export table of a questionnaire's responses: one row per response, never a Telegram id
or a name. Pure: rows in (as :func:`storage.export.export_rows` reads them), a table out, which
:mod:`bot.admin.export` writes as CSV and Excel.

Two header rows: the column ids (``response``, ``version``, ..., then the question ids), and
below them the Dutch labels (the question texts). Dates are coarsened to the day in the
municipality's time zone (AVG: no time of day that could help recognise someone). Answers
are Dutch labels; scores and numbers stay numbers, so a spreadsheet can count with them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from typing import Any, Protocol

from analysis.scrub import legible
from flows import engine
from flows.engine import answer_label
from flows.machine import Flow
from flows.schema import (
    AnyQuestion,
    AreaQuestion,
    ChoiceQuestion,
    DateQuestion,
    MultiQuestion,
    NumberQuestion,
    Option,
    RankingQuestion,
    ScaleQuestion,
    TextQuestion,
)
from flows.texts import raw

#: A session's status once the resident finished (``storage.repo.COMPLETED``).
COMPLETED = "completed"
PSEUDONYM_CHARS = 16  # enough to tell responses apart; shorter than the stored key
FIXED = [
    ("response", "Reactie (pseudoniem)"),
    ("version", "Versie"),
    ("started", "Begonnen (dag)"),
    ("completed", "Afgerond (dag)"),
    ("status", "Status"),
    ("channel", "Kanaal (telegram of web)"),
]


class Response(Protocol):
    """One response as storage reads it (``storage.export.ExportRow``)."""

    @property
    def pseudonym(self) -> str | None: ...
    @property
    def version(self) -> int: ...
    @property
    def status(self) -> str: ...
    @property
    def started_at(self) -> datetime: ...
    @property
    def completed_at(self) -> datetime | None: ...
    @property
    def answers(self) -> dict[str, Any]: ...
    @property
    def channel(self) -> str | None: ...


class FreeText(str):
    """Text a resident typed: data, never a formula; without invisible characters (see
    :func:`free_text`)."""

    __slots__ = ()


def free_text(value: object) -> FreeText:
    """An answer as the export shows it: as typed, without the bidi controls and other
    invisible characters that could reorder or hide what a civil servant reads
    (:func:`analysis.scrub.legible`)."""
    return FreeText(legible(str(value)))


Cell = str | int | float | date | None


@dataclass(frozen=True)
class Table:
    ids: list[str]
    labels: list[str]
    rows: list[list[Cell]]
    questions: list[tuple[str, str, str, str]]  # id, Dutch text, type, answers (codebook)


def build_table(flows: Mapping[int, Flow], rows: Sequence[Response], zone: tzinfo) -> Table:
    """Question ids of every version (newest first) as columns; test runs and replaced
    revisions are left out by the caller's query."""
    question_ids: list[str] = []
    labels: dict[str, str] = {}
    codebook: list[tuple[str, str, str, str]] = []
    ranked: dict[str, tuple[str, str]] = {}  # a ranking's column: (question, option)
    for version in sorted(flows, reverse=True):
        newest = flows[version]
        for qid in newest.order:
            if qid in labels:
                continue
            question = newest.questions[qid]
            if isinstance(question, RankingQuestion):  # tidy: a column per option, its place
                for column, option in _ranked_columns(question):
                    question_ids.append(column)
                    labels[column] = f"{question.label or question.text.nl}: {option.label.nl}"
                    ranked[column] = (qid, option.id)
                labels[qid] = question.label or question.text.nl
                codebook.append((qid, question.text.nl, _kind(question), _answers(question)))
                continue
            question_ids.append(qid)
            labels[qid] = question.label or question.text.nl
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
            "complete" if row.status == COMPLETED else "incomplete",
            row.channel,  # "telegram" or "web"; empty once the resident was erased
        ]
        # An unfinished response: only the answers along the branch the resident is on.
        answers = engine.answers_on_branch(flow, row.answers) if flow else row.answers
        cells.extend(
            _place(answers, *ranked[qid]) if qid in ranked else _cell(flow, qid, answers)
            for qid in question_ids
        )
        table.append(cells)
    return Table(
        [name for name, _ in FIXED] + question_ids,
        [label for _, label in FIXED] + [labels[qid] for qid in question_ids],
        table,
        codebook,
    )


def _kind(question: AnyQuestion) -> str:
    return raw("nl", f"admin.type.{question.type}")


def _ranked_columns(question: RankingQuestion) -> list[tuple[str, Option]]:
    """A ranking's columns: ``<question>.<option>``, each holding the option's place."""
    return [(f"{question.id}.{option.id}", option) for option in question.options]


def _place(answers: dict[str, Any], qid: str, option: str) -> Cell:
    """The place (1 = first) a resident gave ``option``; "(overgeslagen)" when skipped."""
    if qid not in answers:
        return None
    value = answers[qid]
    if value is None:
        return raw("nl", "skipped")
    order = [str(v) for v in value] if isinstance(value, list) else []
    return order.index(option) + 1 if option in order else None


def _answers(question: AnyQuestion) -> str:
    if isinstance(question, RankingQuestion):
        places = ", ".join(f"{o.id} = {o.label.nl}" for o in question.options)
        return f"plek 1 (eerst) tot en met {len(question.options)} per optie: {places}"
    if isinstance(question, DateQuestion):
        return "datum (dag-maand-jaar)"
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
    """Empty when the question was not reached; "(overgeslagen)" when skipped."""
    if qid not in answers:
        return None
    value = answers[qid]
    question = flow.questions.get(qid) if flow else None
    if question is None:
        return None if value is None else free_text(value)
    if value is not None and isinstance(question, ScaleQuestion | NumberQuestion):
        return _number(value)
    if isinstance(question, MultiQuestion) and isinstance(value, list):
        return "; ".join(answer_label(question, [v], "nl") for v in value)
    if isinstance(question, TextQuestion) and value is not None:
        return free_text(value)
    if isinstance(question, DateQuestion) and value is not None:
        try:
            return date.fromisoformat(str(value))
        except ValueError:
            return free_text(value)
    return answer_label(question, value, "nl")

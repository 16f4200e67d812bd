"""Who did we hear? The counts a digest needs to compare respondents with the population and
to weight the results: one statement per questionnaire, never a row per response. It finds
each response's cell (its wijk answer and its resident's age band) once, counts the
respondents per cell, and joins the answers to that cell (one lookup per answer, not three),
grouping on the stored JSON text (decoded in Python: a handful of distinct values), not on a
value decoded in SQL for every answer; see BENCHMARKS.md (issue 14).

A respondent's **wijk** is their answer to the questionnaire's ``profile: wijk`` question
(the first one); their **age band** is the one in their profile ("about you, once"), read
through the response's resident (a response whose resident erased themselves has none).
Completed responses count (no tests; a replaced revision is never completed, so each
resident's finished response counts once), from the start up to the end of the digest's
period: representativeness and weighting are about everyone heard so far, not one week.

:func:`gather_heard` returns plain data (:class:`HeardTally`); :mod:`analysis` weights it.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    CompoundSelect,
    Select,
    String,
    Text,
    and_,
    cast,
    func,
    null,
    select,
    text,
    type_coerce,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from flows.schema import AreaQuestion, Questionnaire, QuestionType
from storage.db import plan_each_read
from storage.models import Answer, ResidentProfile, Session
from storage.population import StoredPopulation, population_at
from storage.repo import COMPLETED

#: Questions whose weighted shares a digest shows: one option (or scale point) per answer,
#: and multiple choice (each ticked option's share of the weighted respondents who answered).
WEIGHTED_TYPES = frozenset(
    {QuestionType.CHOICE, QuestionType.YESNO, QuestionType.SCALE, QuestionType.MULTI}
)


@dataclass(frozen=True, slots=True)
class HeardTally:
    """Respondents per (wijk, age band), either None when not known, and per closed question
    the answers of respondents whose wijk and band are both known, per (wijk, band, value);
    for a multiple-choice question per (wijk, band, ticked option), with ``answered`` the
    respondents per (wijk, band) who answered it (ticking one or more)."""

    questionnaire_id: str
    area_question: str
    population: StoredPopulation
    respondents: Mapping[tuple[str | None, str | None], int]
    answers: Mapping[str, Mapping[tuple[str, str, str], int]] = field(default_factory=dict)
    answered: Mapping[str, Mapping[tuple[str, str], int]] = field(default_factory=dict)


def area_question(questionnaire: Questionnaire) -> AreaQuestion | None:
    """The question that says where a respondent lives: the first ``profile: wijk`` one."""
    return next(
        (q for q in questionnaire.questions if isinstance(q, AreaQuestion) and q.profile),
        None,
    )


def _stored(db: AsyncSession) -> Callable[[Any], ColumnElement[str]]:
    """A JSON column's stored text, to group by: decoding it in SQL for every answer
    (``json_extract``, ``#>>``) costs more than the grouping itself on SQLite; the few
    distinct texts are decoded in Python (:func:`_decoded`). PostgreSQL cannot group a
    ``json`` value, its text it can."""
    if db.get_bind().dialect.name == "postgresql":
        return lambda column: cast(column, Text)
    return lambda column: type_coerce(column, Text)


def _decoded(raw: str | float | None) -> str | None:
    """A stored JSON scalar as the digest's text (``4.0`` and ``4`` alike: ``"4"``). SQLite
    gives a JSON number back as a number (the column's numeric affinity), the rest as text."""
    if raw is None or not isinstance(raw, str):
        return _text(raw)
    return _text(json.loads(raw))


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


async def gather_heard(
    db: AsyncSession,
    questionnaire: Questionnaire,
    until: datetime,
    *,
    answers: bool = True,
    sample_only: bool = False,
) -> HeardTally | None:
    """The counts for ``questionnaire`` up to ``until``, against the population valid at
    ``until``; None when it asks no wijk or there is no population (yet). ``answers=False``:
    the respondents only (weights and representativeness, no weighted shares), without the
    read of every answer. ``sample_only``: the random sample's responses alone (those that
    came in with an invitation code), to weight the sample's results apart."""
    question = area_question(questionnaire)
    if question is None:
        return None
    population = await population_at(db, until)
    if population is None:
        return None
    await plan_each_read(db)
    stored = _stored(db)
    wijk = aliased(Answer)
    # Completed responses only: each resident's finished response counts once (a replaced
    # revision or an unfinished try is never "completed"), without the per-response check
    # for an unfinished try beside a completed one that the rest of the digest needs.
    completed = [
        Session.questionnaire_id == questionnaire.id,
        Session.status == COMPLETED,
        Session.is_test.is_(False),
        Session.started_at < until,
        *([Session.sample.is_(True)] if sample_only else []),
    ]
    # Each response's cell, once: its wijk answer (at most one: answers are unique per
    # response and question) and its resident's age band (one profile per resident).
    cells = (
        select(
            Session.id.label("session_id"),
            stored(wijk.value).label("area"),
            ResidentProfile.age_band.label("band"),
        )
        .select_from(Session)
        .outerjoin(wijk, and_(wijk.session_id == Session.id, wijk.question_id == question.id))
        .outerjoin(ResidentProfile, ResidentProfile.resident_id == Session.resident_id)
        .where(*completed)
        .cte("cells")
        .prefix_with("MATERIALIZED")  # read once, counted twice
    )
    # Respondents per cell: the rows without a question.
    per_cell = select(
        cast(null(), String).label("question_id"),
        cells.c.area,
        cells.c.band,
        cast(null(), Text).label("value"),
        func.count(),
    ).group_by(cells.c.area, cells.c.band)
    read: Select[Any] | CompoundSelect[Any] = per_cell
    weighted = [q.id for q in questionnaire.questions if q.type in WEIGHTED_TYPES and answers]
    multi = {q.id for q in questionnaire.questions if q.type == QuestionType.MULTI}
    if weighted:
        if db.get_bind().dialect.name == "postgresql":
            # PostgreSQL guesses hundreds of thousands of groups where there are hundreds
            # (it cannot know the values of a cast): with the default 4 MB it sorts on disk
            # instead of hashing in memory. For this read only (SET LOCAL: the transaction).
            await db.execute(text("SET LOCAL work_mem = '64MB'"))
        # Then the answers of responses whose wijk and band are both known, each joined to
        # its response's cell once (not to the response, its wijk answer and its profile in
        # turn). A multiple-choice answer groups on its whole stored array (a few dozen
        # distinct ticks), split in Python.
        value = stored(Answer.value)
        known = select(cells).where(cells.c.area.is_not(None), cells.c.band.is_not(None))
        known_cells = known.subquery("known")
        read = per_cell.union_all(
            select(
                Answer.question_id,
                known_cells.c.area,
                known_cells.c.band,
                value,
                func.count(),
            )
            .select_from(Answer)
            .join(known_cells, known_cells.c.session_id == Answer.session_id)
            .where(Answer.question_id.in_(weighted), Answer.value.is_not(None))
            .group_by(Answer.question_id, known_cells.c.area, known_cells.c.band, value)
        )
    respondents: dict[tuple[str | None, str | None], int] = {}
    given: dict[str, dict[tuple[str, str, str], int]] = {}
    answered: dict[str, dict[tuple[str, str], int]] = {}
    for question_id, raw_area, band, raw, count in await db.execute(read):
        area_text = _decoded(raw_area)
        if question_id is None:
            key = (area_text, band)
            respondents[key] = respondents.get(key, 0) + int(count)
            continue
        if area_text is None or band is None:
            continue
        if question_id in multi:
            ticked = _ticked(raw)
            if not ticked:
                continue
            who = answered.setdefault(question_id, {})
            who[(area_text, str(band))] = who.get((area_text, str(band)), 0) + int(count)
        else:
            single = _decoded(raw)
            ticked = [] if single is None else [single]
        cell = given.setdefault(question_id, {})
        for option in ticked:
            chosen = (area_text, str(band), option)
            cell[chosen] = cell.get(chosen, 0) + int(count)
    return HeardTally(questionnaire.id, question.id, population, respondents, given, answered)


def _ticked(raw: str | float | None) -> list[str]:
    """The options of a stored multiple-choice answer (a JSON array), each once."""
    if not isinstance(raw, str):
        return []
    value = json.loads(raw)
    if not isinstance(value, list):
        return []
    return list(dict.fromkeys(text for item in value if (text := _text(item)) is not None))

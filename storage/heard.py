"""Who did we hear? The counts a digest needs to compare respondents with the population and
to weight the results: two GROUP BY reads per questionnaire, never a row per response.

A respondent's **wijk** is their answer to the questionnaire's ``profile: wijk`` question
(the first one); their **age band** is the one in their profile ("about you, once"), read
through the response's resident (a response whose resident erased themselves has none).
Completed responses count (no tests; a replaced revision is never completed, so each
resident's finished response counts once), from the start up to the end of the digest's
period: representativeness and weighting are about everyone heard so far, not one week.

:func:`gather_heard` returns plain data (:class:`HeardTally`); :mod:`analysis` weights it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import and_, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from flows.schema import AreaQuestion, Questionnaire, QuestionType
from storage.digest import JsonSql
from storage.models import Answer, ResidentProfile, Session
from storage.population import StoredPopulation, population_at
from storage.repo import COMPLETED

#: Questions whose weighted shares a digest shows: one option (or scale point) per answer.
WEIGHTED_TYPES = frozenset({QuestionType.CHOICE, QuestionType.YESNO, QuestionType.SCALE})


@dataclass(frozen=True, slots=True)
class HeardTally:
    """Respondents per (wijk, age band), either None when not known, and per closed question
    the answers of respondents whose wijk and band are both known, per (wijk, band, value)."""

    questionnaire_id: str
    area_question: str
    population: StoredPopulation
    respondents: Mapping[tuple[str | None, str | None], int]
    answers: Mapping[str, Mapping[tuple[str, str, str], int]] = field(default_factory=dict)


def area_question(questionnaire: Questionnaire) -> AreaQuestion | None:
    """The question that says where a respondent lives: the first ``profile: wijk`` one."""
    return next(
        (q for q in questionnaire.questions if isinstance(q, AreaQuestion) and q.profile),
        None,
    )


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


async def gather_heard(
    db: AsyncSession, questionnaire: Questionnaire, until: datetime
) -> HeardTally | None:
    """The counts for ``questionnaire`` up to ``until``, against the population valid at
    ``until``; None when it asks no wijk or there is no population (yet)."""
    question = area_question(questionnaire)
    if question is None:
        return None
    population = await population_at(db, until)
    if population is None:
        return None
    json = JsonSql.of(db)
    wijk = aliased(Answer)
    # Completed responses only: each resident's finished response counts once (a replaced
    # revision or an unfinished try is never "completed"), without the per-response check
    # for an unfinished try beside a completed one that the rest of the digest needs.
    completed = [
        Session.questionnaire_id == questionnaire.id,
        Session.status == COMPLETED,
        Session.is_test.is_(False),
        Session.started_at < until,
    ]
    # Each response's wijk and age band, once; the answers are joined to it.
    cells = (
        select(
            Session.id.label("session_id"),
            json.scalar(wijk.value).label("area"),
            ResidentProfile.age_band.label("band"),
        )
        .select_from(Session)
        .outerjoin(wijk, and_(wijk.session_id == Session.id, wijk.question_id == question.id))
        .outerjoin(ResidentProfile, ResidentProfile.resident_id == Session.resident_id)
        .where(*completed)
        .subquery("cells")
    )
    rows = await db.execute(
        select(cells.c.area, cells.c.band, func.count()).group_by(cells.c.area, cells.c.band)
    )
    respondents: dict[tuple[str | None, str | None], int] = {}
    for area, band, count in rows:
        key = (_text(area), band)
        respondents[key] = respondents.get(key, 0) + int(count)
    weighted = [q.id for q in questionnaire.questions if q.type in WEIGHTED_TYPES]
    answers: dict[str, dict[tuple[str, str, str], int]] = {}
    if weighted:
        value = json.scalar(Answer.value)
        rows = await db.execute(
            select(Answer.question_id, cells.c.area, cells.c.band, value, func.count())
            .select_from(Answer)
            .join(cells, cells.c.session_id == Answer.session_id)
            .where(
                Answer.question_id.in_(weighted),
                Answer.value.is_not(None),
                cells.c.area.is_not(None),
                cells.c.band.is_not(None),
            )
            .group_by(Answer.question_id, cells.c.area, cells.c.band, value)
        )
        for question_id, area, band, answer, count in rows:
            area_text, answer_text = _text(area), _text(answer)
            if area_text is None or answer_text is None or band is None:
                continue
            cell = answers.setdefault(question_id, {})
            given = (area_text, str(band), answer_text)
            cell[given] = cell.get(given, 0) + int(count)
    return HeardTally(questionnaire.id, question.id, population, respondents, answers)

"""Digest figures straight from SQL, and the record of digests sent.

Everything is counted in the database (GROUP BY, COUNT, AVG); only per-option counts come
back, never every answer. The one exception is free text: the most recent text answers of
the period (at most :data:`analysis.digest.MAX_TEXTS` per question) are read to find top words,
and the most recent approved ones to pick quotes. Test runs and replaced revisions never
count.

Moderation (:mod:`storage.moderation`): only texts an administrator approved are quoted;
rejected texts give no words either. Every text counts in the numbers, and texts waiting
for moderation (``pending``, or NULL: given before moderation existed) are counted so the
digest can say how many wait. Effect checks: answers to every effect check of a
questionnaire given before the end of the period, per answer value.

Answers are counted in the period they were given (``answered_at`` in [since, until)), so a
response that runs over two periods adds to both and every answer shows up in exactly one
scheduled digest. Answers are read with the JSON functions of each database:
``json_extract``/``json_each`` on SQLite, ``#>>``/``json_array_elements_text`` on PostgreSQL.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Float,
    Select,
    SQLColumnExpression,
    Text,
    case,
    cast,
    func,
    literal_column,
    or_,
    select,
    true,
)
from sqlalchemy.ext.asyncio import AsyncSession

from analysis.digest import (
    KINDS,
    MAX_TEXTS,
    MIN_CELL,
    QUOTES,
    TOP_WORDS,
    Distribution,
    DropOff,
    EffectStats,
    NumberStats,
    PreviousFigures,
    QuestionnaireDigest,
    ResponseStats,
    TextStats,
    clamp_min_cell,
    effect_stats,
    mean_from_counts,
    median_from_counts,
    pick_quotes,
    scorecard,
    scrub,
    suppress_small_cells,
    top_words,
)
from flows.schema import (
    AnyQuestion,
    AreaQuestion,
    ChoiceQuestion,
    MultiQuestion,
    NumberQuestion,
    Questionnaire,
    ScaleQuestion,
    TextQuestion,
    YesNoQuestion,
)
from storage.models import (
    Answer,
    Digest,
    EffectAnswer,
    EffectCheck,
    QuestionnaireRecord,
    Session,
    utcnow,
)
from storage.moderation import APPROVED, REJECTED
from storage.repo import COMPLETED, INCOMPLETE, PENDING, REPLACED, superseded

QUOTE_ROWS = 200  # the most recent approved texts read to pick quotes from

# --- JSON per database ------------------------------------------------------------------------


class JsonSql:
    """The few JSON expressions the digest needs, for one SQL dialect."""

    def __init__(self, dialect: str) -> None:
        if dialect not in {"sqlite", "postgresql"}:
            raise ValueError(f"digests support SQLite and PostgreSQL, not {dialect}")
        self.postgres = dialect == "postgresql"

    @classmethod
    def of(cls, db: AsyncSession) -> JsonSql:
        return cls(db.get_bind().dialect.name)

    def scalar(self, column: SQLColumnExpression[Any]) -> ColumnElement[Any]:
        """A JSON scalar as SQL: text for strings; on SQLite numbers stay numbers."""
        if self.postgres:
            return column.op("#>>", return_type=Text)(literal_column("'{}'"))
        return func.json_extract(column, "$")

    def is_number(self, column: SQLColumnExpression[Any]) -> ColumnElement[bool]:
        if self.postgres:
            return func.json_typeof(column) == "number"
        return func.json_type(column).in_(("integer", "real"))

    def number(self, column: SQLColumnExpression[Any]) -> ColumnElement[float]:
        return cast(self.scalar(column), Float)

    def elements(self, column: SQLColumnExpression[Any]) -> Any:
        """A table of the text elements of a JSON array (one column: ``value``), to join."""
        if self.postgres:
            array = case(
                (func.json_typeof(column) == "array", column),
                else_=literal_column("'[]'::json"),
            )
            function = func.json_array_elements_text(array)
        else:
            function = func.json_each(column)
        return function.table_valued("value", joins_implicitly=True).alias("element")


# --- Aggregation ------------------------------------------------------------------------------


MAX_NUMBER_VALUES = 1_000  # number questions with a wider range get AVG and a sorted median


def _counting(questionnaire_id: str) -> list[ColumnElement[bool]]:
    """Responses that count: not a test, not replaced by a revision, not an unfinished try
    beside the resident's completed response (each resident's opinion counts once)."""
    return [
        Session.questionnaire_id == questionnaire_id,
        Session.is_test.is_(False),
        Session.status != REPLACED,
        ~superseded(),
    ]


def _answers(
    questionnaire_id: str, since: datetime, until: datetime, question_ids: Collection[str]
) -> list[ColumnElement[bool]]:
    return [
        *_counting(questionnaire_id),
        Answer.answered_at >= since,
        Answer.answered_at < until,
        Answer.question_id.in_(list(question_ids)),
    ]


def _joined(*columns: Any) -> Select[Any]:
    return select(*columns).select_from(Answer).join(Session, Session.id == Answer.session_id)


async def response_stats(
    db: AsyncSession, questionnaire_id: str, since: datetime, until: datetime
) -> ResponseStats:
    done = (Session.status == COMPLETED) & (Session.completed_at < until)
    row = (
        await db.execute(
            select(
                func.count(),
                func.coalesce(func.sum(case((Session.started_at >= since, 1), else_=0)), 0),
                func.coalesce(func.sum(case((done, 1), else_=0)), 0),
                func.coalesce(
                    func.sum(case((done & (Session.completed_at >= since), 1), else_=0)), 0
                ),
            ).where(*_counting(questionnaire_id), Session.started_at < until)
        )
    ).one()
    total, new, completed, completed_in_period = (int(v) for v in row)
    count = func.count().label("n")
    top = (
        await db.execute(
            select(Session.current, count)
            .where(
                *_counting(questionnaire_id),
                Session.started_at < until,
                Session.status.in_(INCOMPLETE),
            )
            .group_by(Session.current)
            .order_by(count.desc(), Session.current)
            .limit(1)
        )
    ).first()
    drop_off = DropOff(str(top[0]), int(top[1])) if top else None
    return ResponseStats(new, completed_in_period, total, completed, drop_off)


def _key(value: object) -> str:
    """A grouped JSON scalar as a distribution key: 3 and "3" alike, 3.0 as "3"."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _float(key: str) -> float | None:
    try:
        return float(key)
    except ValueError:
        return None


def _grouped(question: AnyQuestion) -> bool:
    """Whether answers are counted per value: closed single-value questions, and whole-number
    questions with at most :data:`MAX_NUMBER_VALUES` possible values."""
    if isinstance(question, NumberQuestion):
        return question.integer and question.max - question.min <= MAX_NUMBER_VALUES
    return isinstance(question, ChoiceQuestion | YesNoQuestion | ScaleQuestion | AreaQuestion)


def _ordered(known: list[str], found: Mapping[str, int]) -> tuple[tuple[str, int], ...]:
    """Every known key in order (zeros included), then keys only older versions had."""
    extra = sorted(k for k in found if k not in set(known))
    return tuple((k, found.get(k, 0)) for k in [*known, *extra])


def _keys(question: AnyQuestion) -> list[str]:
    if isinstance(question, ChoiceQuestion | MultiQuestion):
        return [o.id for o in question.options]
    if isinstance(question, AreaQuestion):
        return [a.id for a in question.areas]
    if isinstance(question, YesNoQuestion):
        return ["yes", "no"]
    if isinstance(question, ScaleQuestion):
        return [str(v) for v in range(question.min, question.max + 1)]
    return []


async def aggregate(
    db: AsyncSession,
    questionnaire: Questionnaire,
    since: datetime,
    until: datetime,
    *,
    min_cell: int = MIN_CELL,
    exclude_answer_ids: Collection[int] = (),
    max_texts: int = MAX_TEXTS,
    top: int = TOP_WORDS,
    quotes: int = QUOTES,
) -> QuestionnaireDigest:
    """Everything a digest shows for one questionnaire and the period [since, until).

    ``questionnaire`` (normally the current version) gives question types, options and
    scale ranges. Texts are quoted only when approved in moderation, and rejected texts give
    no words; ``exclude_answer_ids`` are further text answers never to quote or mine for
    words. All of them still count.
    """
    if since >= until:
        raise ValueError("since must come before until")
    min_cell = clamp_min_cell(min_cell)
    json = JsonSql.of(db)
    qid = questionnaire.id
    questions = {q.id: q for q in questionnaire.questions}

    # One pass over the period's answers: answered and skipped per question, counts per
    # value for single-value questions (their JSON scalar; other types group as one value),
    # and for free text whether it still waits for moderation.
    single = [q.id for q in questionnaire.questions if _grouped(q)]
    text_ids = [q.id for q in questionnaire.questions if isinstance(q, TextQuestion)]
    skipped_flag = Answer.value.is_(None).label("skipped")
    key = case((Answer.question_id.in_(single), json.scalar(Answer.value)), else_=None).label("v")
    waiting = case(
        (
            Answer.question_id.in_(text_ids)
            & or_(Answer.moderation.is_(None), Answer.moderation == PENDING),
            1,
        ),
        else_=0,
    ).label("waiting")
    rows = await db.execute(
        _joined(Answer.question_id, skipped_flag, key, waiting, func.count())
        .where(*_answers(qid, since, until, questions))
        .group_by(Answer.question_id, skipped_flag, key, waiting)
    )
    given_count: Counter[str] = Counter()
    skipped_count: Counter[str] = Counter()
    pending_count: Counter[str] = Counter()
    found: dict[str, dict[str, int]] = {}
    for question_id, skipped, value, waits, count in rows:
        name = str(question_id)
        if skipped:
            skipped_count[name] += int(count)
            continue
        given_count[name] += int(count)
        if waits:
            pending_count[name] += int(count)
        if value is not None:
            counts = found.setdefault(name, {})
            counts[_key(value)] = counts.get(_key(value), 0) + int(count)
    answered = {name: (given_count[name], skipped_count[name]) for name in questions}

    multi = [q.id for q in questionnaire.questions if isinstance(q, MultiQuestion)]
    if multi:
        element = json.elements(Answer.value)
        rows = await db.execute(
            _joined(Answer.question_id, element.c.value, func.count())
            .join(element, true())
            .where(*_answers(qid, since, until, multi), Answer.value.is_not(None))
            .group_by(Answer.question_id, element.c.value)
        )
        for question_id, key, count in rows:
            counts = found.setdefault(str(question_id), {})
            counts[_key(key)] = counts.get(_key(key), 0) + int(count)

    distributions: list[Distribution] = []
    for question in questionnaire.questions:
        if isinstance(question, NumberQuestion) or (
            question.id not in single and question.id not in multi
        ):
            continue
        given, skipped = answered.get(question.id, (0, 0))
        ordered = _ordered(_keys(question), found.get(question.id, {}))
        if isinstance(question, AreaQuestion):
            cells, merged = suppress_small_cells(ordered, min_cell)
            distributions.append(
                Distribution(question.id, question.type, given, skipped, cells, merged=merged)
            )
            continue
        mean = median = None
        if isinstance(question, ScaleQuestion):
            # Within the current range only, as the scorecard (older versions may differ).
            span = range(question.min, question.max + 1)
            values = [(float(k), c) for k, c in ordered if k in {str(v) for v in span}]
            mean, median = mean_from_counts(values), median_from_counts(values)
        distributions.append(
            Distribution(question.id, question.type, given, skipped, ordered, mean, median)
        )

    numbers: list[NumberStats] = []
    for question in questionnaire.questions:
        if not isinstance(question, NumberQuestion):
            continue
        if question.id in single:  # counted per value above
            values = [
                (number, c)
                for k, c in found.get(question.id, {}).items()
                if (number := _float(k)) is not None
            ]
            given, skipped = answered[question.id]
            numbers.append(
                NumberStats(
                    question.id,
                    given,
                    skipped,
                    mean_from_counts(values),
                    median_from_counts(values),
                )
            )
        else:
            numbers.append(
                await _number_stats(
                    db, json, qid, since, until, question.id, answered[question.id]
                )
            )
    texts = []
    for question in questionnaire.questions:
        if isinstance(question, TextQuestion):
            stats = await _text_stats(
                db,
                json,
                qid,
                since,
                until,
                question.id,
                answered.get(question.id, (0, 0))[0],
                pending_count[question.id],
                exclude=exclude_answer_ids,
                max_texts=max_texts,
                top=top,
                quotes=quotes,
            )
            texts.append(stats)
    return QuestionnaireDigest(
        questionnaire_id=qid,
        since=since,
        until=until,
        responses=await response_stats(db, qid, since, until),
        distributions=tuple(distributions),
        numbers=tuple(numbers),
        texts=tuple(texts),
        scorecard=scorecard(questionnaire, distributions),
        min_cell=min_cell,
        effects=await effects(db, qid, since, until, min_cell=min_cell),
    )


async def _number_stats(
    db: AsyncSession,
    json: JsonSql,
    questionnaire_id: str,
    since: datetime,
    until: datetime,
    question_id: str,
    answered: tuple[int, int],
) -> NumberStats:
    where = [
        *_answers(questionnaire_id, since, until, [question_id]),
        Answer.value.is_not(None),
        json.is_number(Answer.value),
    ]
    amount = json.number(Answer.value)
    row = (await db.execute(_joined(func.count(), func.avg(amount)).where(*where))).one()
    count, mean = int(row[0]), (float(row[1]) if row[1] is not None else None)
    median = None
    if count:
        # The middle one or two values, found by the database.
        middle = await db.scalars(
            _joined(amount)
            .where(*where)
            .order_by(amount)
            .offset((count - 1) // 2)
            .limit(2 - count % 2)
        )
        values = [float(v) for v in middle]
        median = sum(values) / len(values) if values else None
    return NumberStats(question_id, answered[0], answered[1], mean, median)


async def _text_stats(
    db: AsyncSession,
    json: JsonSql,
    questionnaire_id: str,
    since: datetime,
    until: datetime,
    question_id: str,
    count: int,
    pending: int,
    *,
    exclude: Collection[int],
    max_texts: int,
    top: int,
    quotes: int,
) -> TextStats:
    where = [
        *_answers(questionnaire_id, since, until, [question_id]),
        Answer.value.is_not(None),
    ]
    if exclude:
        where.append(Answer.id.not_in(list(exclude)))
    newest = (Answer.answered_at.desc(), Answer.id.desc())
    not_rejected = or_(Answer.moderation.is_(None), Answer.moderation != REJECTED)
    # One read gives the words and, normally, the quotes: the approved among the newest texts.
    rows = [
        (int(i), str(text), state)
        for i, text, state in await db.execute(
            _joined(Answer.id, json.scalar(Answer.value), Answer.moderation)
            .where(*where, not_rejected)
            .order_by(*newest)
            .limit(max_texts)
        )
        if text is not None
    ]
    picked = pick_quotes(
        ((i, text) for i, text, state in rows if state == APPROVED), question_id, quotes
    )
    if len(picked) < quotes and len(rows) == max_texts:
        # More texts than were read (a long moderation backlog): the newest approved ones.
        approved = await db.execute(
            _joined(Answer.id, json.scalar(Answer.value))
            .where(*where, Answer.moderation == APPROVED)
            .order_by(*newest)
            .limit(min(max_texts, QUOTE_ROWS))
        )
        candidates = [(int(i), str(text)) for i, text in approved if text is not None]
        picked = pick_quotes(candidates, question_id, quotes)
    return TextStats(
        question_id,
        count,
        top_words((scrub(text) for _, text, _ in rows), top),
        picked,
        pending,
    )


async def effects(
    db: AsyncSession,
    questionnaire_id: str,
    since: datetime,
    until: datetime,
    *,
    min_cell: int = MIN_CELL,
) -> EffectStats | None:
    """Answers to the questionnaire's effect checks given before ``until``, per value (and
    how many in [since, until)); None when there are none."""
    new = func.coalesce(func.sum(case((EffectAnswer.answered_at >= since, 1), else_=0)), 0)
    rows = await db.execute(
        select(EffectAnswer.value, func.count(), new)
        .select_from(EffectAnswer)
        .join(EffectCheck, EffectCheck.id == EffectAnswer.effect_check_id)
        .where(EffectCheck.questionnaire_id == questionnaire_id, EffectAnswer.answered_at < until)
        .group_by(EffectAnswer.value)
    )
    found: dict[str, int] = {}
    fresh = 0
    for value, count, in_period in rows:
        found[str(value)] = int(count)
        fresh += int(in_period)
    return effect_stats(found, fresh, min_cell)


async def effect_questionnaires(db: AsyncSession, since: datetime, until: datetime) -> list[str]:
    """Questionnaires whose effect checks got answers in [since, until), sorted."""
    rows = await db.scalars(
        select(EffectCheck.questionnaire_id)
        .select_from(EffectAnswer)
        .join(EffectCheck, EffectCheck.id == EffectAnswer.effect_check_id)
        .where(EffectAnswer.answered_at >= since, EffectAnswer.answered_at < until)
        .group_by(EffectCheck.questionnaire_id)
        .order_by(EffectCheck.questionnaire_id)
    )
    return [str(r) for r in rows]


async def active_questionnaires(db: AsyncSession, since: datetime, until: datetime) -> list[str]:
    """Questionnaires with answers (that count) given in [since, until), sorted."""
    rows = await db.scalars(
        _joined(Session.questionnaire_id)
        .where(
            Session.is_test.is_(False),
            Session.status != REPLACED,
            Answer.answered_at >= since,
            Answer.answered_at < until,
        )
        .group_by(Session.questionnaire_id)
        .order_by(Session.questionnaire_id)
    )
    return [str(r) for r in rows]


# --- Digests sent -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DigestRecord:
    id: int
    questionnaire_id: str | None
    kind: str
    period_start: datetime
    period_end: datetime
    sent_at: datetime
    chat_id: int
    figures: Mapping[str, Any]


def _record(row: Digest) -> DigestRecord:
    return DigestRecord(
        row.id,
        row.questionnaire_id,
        row.kind,
        row.period_start,
        row.period_end,
        row.sent_at,
        row.chat_id,
        dict(row.figures or {}),
    )


async def record_digest(
    db: AsyncSession,
    *,
    kind: str,
    chat_id: int,
    period_start: datetime,
    period_end: datetime,
    figures: Mapping[str, Mapping[str, Any]],
    questionnaire_id: str | None = None,
    sent_at: datetime | None = None,
) -> DigestRecord:
    """Note a digest as sent. ``figures``: per questionnaire id, :func:`figures_of` of its
    digest; ``questionnaire_id`` None for the scheduled digest of all questionnaires."""
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {', '.join(KINDS)}")
    row = Digest(
        questionnaire_id=questionnaire_id,
        kind=kind,
        period_start=period_start,
        period_end=period_end,
        sent_at=sent_at or utcnow(),
        chat_id=chat_id,
        figures={str(k): dict(v) for k, v in figures.items()},
    )
    db.add(row)
    await db.flush()
    return _record(row)


async def last_scheduled(db: AsyncSession, chat_id: int | None = None) -> DigestRecord | None:
    """The latest scheduled digest (to this chat); the next period starts at its end."""
    query = select(Digest).where(Digest.kind == "scheduled")
    if chat_id is not None:
        query = query.where(Digest.chat_id == chat_id)
    row = await db.scalar(query.order_by(Digest.period_end.desc(), Digest.id.desc()).limit(1))
    return _record(row) if row else None


async def previous_figures(
    db: AsyncSession,
    questionnaire_id: str,
    *,
    chat_id: int | None = None,
    before: datetime | None = None,
    kinds: Collection[str] = KINDS,
    scan: int = 50,
) -> PreviousFigures | None:
    """The figures for a questionnaire in the latest digest that had them: one of its own,
    or a scheduled digest of all questionnaires (the latest ``scan`` digests are looked at)."""
    query = select(Digest.sent_at, Digest.figures).where(
        or_(Digest.questionnaire_id == questionnaire_id, Digest.questionnaire_id.is_(None)),
        Digest.kind.in_(list(kinds)),
    )
    if chat_id is not None:
        query = query.where(Digest.chat_id == chat_id)
    if before is not None:
        query = query.where(Digest.sent_at < before)
    rows = await db.execute(query.order_by(Digest.sent_at.desc(), Digest.id.desc()).limit(scan))
    for sent_at, figures in rows:
        mine = figures.get(questionnaire_id) if isinstance(figures, dict) else None
        if isinstance(mine, dict):
            return PreviousFigures.from_figures(sent_at, mine)
    return None


async def final_sent(db: AsyncSession, questionnaire_id: str) -> bool:
    """Whether the closing digest of a questionnaire went out already."""
    found = await db.scalar(
        select(Digest.id)
        .where(Digest.kind == "final", Digest.questionnaire_id == questionnaire_id)
        .limit(1)
    )
    return found is not None


async def closed_at(db: AsyncSession, questionnaire_id: str) -> datetime | None:
    """When the questionnaire was closed (by hand or by its ``closes_at``), if it was."""
    return await db.scalar(
        select(QuestionnaireRecord.closed_at).where(QuestionnaireRecord.id == questionnaire_id)
    )

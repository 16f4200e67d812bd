# Over 500 lines on purpose: every count a digest shows, read in one module so that the rules of
# what counts (below) are written once.
"""Digest tallies straight from SQL: one read per questionnaire and period.

:func:`gather` counts in the database (GROUP BY, COUNT, AVG) and returns plain data
(:class:`analysis.tallies.Tallies`); :func:`analysis.digest.compute` makes the figures.
Only per-value counts come back, never every answer. The one exception is free text: the
most recent texts of the period (at most :data:`MAX_TEXTS` per question) are read for top
words and quotes. Test runs, replaced revisions and unfinished tries beside a resident's
completed response never count, nor answers given on a branch the resident later left by
going back and answering otherwise (``answers.off_branch``).

Moderation (:mod:`storage.moderation`): rejected texts are not read, and only approved ones
are marked quotable. Every text counts in the numbers, and texts waiting for moderation
(``pending``, or NULL: given before moderation existed) are counted so the digest can say
how many wait. Effect checks: answers to every effect check of a questionnaire given before
the end of the period, per answer value.

Answers are counted in the period they were given (``answered_at`` in [since, until)), so a
response that runs over two periods adds to both and every answer shows up in exactly one
scheduled digest. Answers are read with the JSON functions of each database (``json_extract``
on SQLite, ``#>>`` on PostgreSQL), or grouped on their stored text and decoded in Python as
those functions would (a single value on SQLite; a multiple-choice answer's ticked options,
as ``json_each`` and ``json_array_elements_text`` would list them): one pass over the
period's answers counts every closed question.
"""

from __future__ import annotations

import json as jsonlib
from collections import Counter
from collections.abc import Collection
from datetime import UTC, datetime
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
    type_coerce,
)
from sqlalchemy.ext.asyncio import AsyncSession

from analysis.shapes import ranked_key
from analysis.tallies import (
    AnswerTally,
    EffectTally,
    NumberSummary,
    RecentText,
    ResponseTally,
    Tallies,
    TextSample,
)
from flows.schema import AnyQuestion, NumberQuestion, Questionnaire, QuestionType
from storage.codes import sample_tally
from storage.db import plan_each_read
from storage.digest_log import previous_figures
from storage.duplicates import count_possible_duplicates
from storage.models import Answer, EffectAnswer, EffectCheck, Resident, Session
from storage.moderation import APPROVED, REJECTED
from storage.repo import COMPLETED, INCOMPLETE, PENDING, REPLACED, WEB, superseded

#: Before any answer: the start of "everything so far".
EVER = datetime(2000, 1, 1, tzinfo=UTC)
MAX_TEXTS = 5_000  # most recent text answers per question read for top words and quotes
QUOTE_ROWS = 200  # the most recent approved texts read to quote from behind a backlog
MAX_NUMBER_VALUES = 1_000  # number questions with a wider range get AVG and a sorted median
# Questions whose answer is one JSON scalar, counted per value.
SINGLE_VALUE = frozenset(
    {
        QuestionType.CHOICE,
        QuestionType.YESNO,
        QuestionType.SCALE,
        QuestionType.AREA,
        QuestionType.GRID,  # a statement of a grid: a choice question
        QuestionType.DATE,  # per day ("2027-03-12"); analysis.shapes.date_stats groups them
    }
)

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

    def grouped(self, column: SQLColumnExpression[Any]) -> ColumnElement[Any]:
        """A JSON scalar to group by, given back as :meth:`decoded` reads it. On SQLite the
        stored text itself: decoding every answer in SQL (``json_extract``) costs more than
        decoding the few distinct values in Python. On PostgreSQL :meth:`scalar`."""
        if self.postgres:
            return self.scalar(column)
        return type_coerce(column, Text)

    def decoded(self, grouped: Any) -> Any:
        """A value of :meth:`grouped` as :meth:`scalar` gives it: on SQLite a JSON number
        comes back as a number (the column's numeric affinity), a string as its JSON text,
        decoded here as ``json_extract`` would (true and false as 1 and 0)."""
        if self.postgres or not isinstance(grouped, str):
            return grouped
        value = jsonlib.loads(grouped)
        if isinstance(value, bool):
            return int(value)
        if isinstance(value, list | dict):
            return jsonlib.dumps(value, separators=(",", ":"))  # json_extract's minified text
        return value

    def whole(self, column: SQLColumnExpression[Any]) -> ColumnElement[Any]:
        """A JSON value's text, to group by (an array of ticked options)."""
        return cast(column, Text) if self.postgres else type_coerce(column, Text)

    def ticks(self, whole: Any) -> list[Any]:
        """The elements of a :meth:`whole` value, as SQL's table of a JSON array's elements
        gives them: SQLite's ``json_each`` (a scalar is one element; true and false are 1 and
        0), PostgreSQL's ``json_array_elements_text`` (a scalar is none; each as text)."""
        value = jsonlib.loads(whole) if isinstance(whole, str) else whole
        if not isinstance(value, list):
            return [] if self.postgres or value is None else [self._element(value)]
        if self.postgres:
            return [_pg_text(item) for item in value]
        return [self._element(item) for item in value]

    @staticmethod
    def _element(item: Any) -> Any:
        if isinstance(item, bool):
            return int(item)
        if isinstance(item, list | dict):
            return jsonlib.dumps(item, separators=(",", ":"))
        return item

    def number(self, column: SQLColumnExpression[Any]) -> ColumnElement[float]:
        return cast(self.scalar(column), Float)

    def at(self, column: SQLColumnExpression[Any], index: int) -> ColumnElement[Any]:
        """The element ``index`` of a JSON array as text (NULL past its end)."""
        if self.postgres:
            return column.op("#>>", return_type=Text)(literal_column(f"'{{{int(index)}}}'"))
        return func.json_extract(column, f"$[{int(index)}]")


def _pg_text(item: Any) -> str | None:
    """An array element as PostgreSQL's ``json_array_elements_text`` gives it."""
    if item is None:
        return None
    if isinstance(item, bool):
        return "true" if item else "false"
    if isinstance(item, str):
        return item
    return jsonlib.dumps(item)


# --- Which answers count ----------------------------------------------------------------------


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
    questionnaire_id: str,
    since: datetime,
    until: datetime,
    question_ids: Collection[str],
    *,
    sample_only: bool = False,
) -> list[ColumnElement[bool]]:
    return [
        *_counting(questionnaire_id),
        # Only responses that came in with an invitation code (storage.codes).
        *([Session.sample.is_(True)] if sample_only else []),
        Answer.answered_at >= since,
        Answer.answered_at < until,
        Answer.question_id.in_(list(question_ids)),
        # Not given on a branch the resident left by going back (flows.engine.Outcome.branch).
        Answer.off_branch.is_(False),
    ]


def _given(
    questionnaire_id: str, since: datetime, until: datetime, question_id: str
) -> list[ColumnElement[bool]]:
    """Answers to one question in the period that were not skipped."""
    return [*_answers(questionnaire_id, since, until, [question_id]), Answer.value.is_not(None)]


def _joined(*columns: Any) -> Select[Any]:
    return select(*columns).select_from(Answer).join(Session, Session.id == Answer.session_id)


def _per_value(question: AnyQuestion) -> bool:
    """Whether answers are counted per value: closed single-value questions, and whole-number
    questions with at most :data:`MAX_NUMBER_VALUES` possible values."""
    if isinstance(question, NumberQuestion):
        return question.integer and question.max - question.min <= MAX_NUMBER_VALUES
    return question.type in SINGLE_VALUE


def _key(value: object) -> str:
    """A grouped JSON scalar as a distribution key: 3 and "3" alike, 3.0 as "3"."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


# --- One read ---------------------------------------------------------------------------------


async def gather(
    db: AsyncSession,
    questionnaire: Questionnaire,
    since: datetime,
    until: datetime,
    *,
    chat_id: int | None = None,
    exclude_answer_ids: Collection[int] = (),
    max_texts: int = MAX_TEXTS,
) -> Tallies:
    """Everything counted for one questionnaire's digest of the period [since, until), and
    the figures of the latest digest before ``until`` to compare with (sent to ``chat_id``;
    None: to any chat).

    ``questionnaire`` (normally the current version) says which questions are counted per
    value, per ticked option, as numbers or as free text. ``exclude_answer_ids`` are text
    answers never to quote or mine for words; they still count.
    """
    if since >= until:
        raise ValueError("since must come before until")
    await plan_each_read(db)
    json = JsonSql.of(db)
    qid = questionnaire.id
    sample = await sample_tally(db, qid, until)
    answers = await _answer_tallies(db, json, questionnaire, since, until)
    numbers = [
        await _number_summary(db, json, _given(qid, since, until, question.id), question.id)
        for question in questionnaire.questions
        if question.type == QuestionType.NUMBER and not _per_value(question)
    ]
    texts = [
        await _text_sample(
            db,
            json,
            _given(qid, since, until, question.id),
            question.id,
            exclude=exclude_answer_ids,
            max_texts=max_texts,
        )
        for question in questionnaire.questions
        if question.type == QuestionType.TEXT
    ]
    return Tallies(
        questionnaire_id=qid,
        since=since,
        until=until,
        responses=await response_stats(db, qid, since, until),
        answers=answers,
        numbers=tuple(numbers),
        texts=tuple(texts),
        effects=await effects(db, qid, since, until),
        previous=await previous_figures(db, qid, chat_id=chat_id, before=until),
        sample=sample,
        # The sample's answers so far, to lead with (not only the period's).
        sample_answers=(
            await _answer_tallies(db, json, questionnaire, EVER, until, sample_only=True)
            if sample is not None and sample.started
            else ()
        ),
    )


async def _answer_tallies(
    db: AsyncSession,
    json: JsonSql,
    questionnaire: Questionnaire,
    since: datetime,
    until: datetime,
    *,
    sample_only: bool = False,
) -> tuple[AnswerTally, ...]:
    """Answered and skipped per question, counts per value, texts waiting for moderation
    (``sample_only``: of the random sample's responses alone)."""
    qid = questionnaire.id
    questions = [q.id for q in questionnaire.questions]
    # One pass over the period's answers: answered and skipped per question, counts per
    # value for single-value questions (their JSON scalar; other types group as one value),
    # and for free text whether it still waits for moderation.
    # A multiple-choice answer groups on its whole array (a few dozen distinct ticks), split
    # into its options in Python (:func:`_ticks`): no second pass over the answers.
    single = [q.id for q in questionnaire.questions if _per_value(q)]
    multi = [q.id for q in questionnaire.questions if q.type == QuestionType.MULTI]
    text_ids = [q.id for q in questionnaire.questions if q.type == QuestionType.TEXT]
    skipped_flag = Answer.value.is_(None).label("skipped")
    key = case(
        (Answer.question_id.in_(single), json.grouped(Answer.value)),
        (Answer.question_id.in_(multi), json.whole(Answer.value)),
        else_=None,
    ).label("v")
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
        .where(*_answers(qid, since, until, questions, sample_only=sample_only))
        .group_by(Answer.question_id, skipped_flag, key, waiting)
    )
    given: Counter[str] = Counter()
    skipped: Counter[str] = Counter()
    pending: Counter[str] = Counter()
    values: dict[str, dict[str, int]] = {}

    def add(question_id: str, value: object, count: int) -> None:
        counts = values.setdefault(question_id, {})
        counts[_key(value)] = counts.get(_key(value), 0) + count

    ticked = set(multi)
    for question_id, is_skipped, value, waits, count in rows:
        name = str(question_id)
        if is_skipped:
            skipped[name] += int(count)
            continue
        given[name] += int(count)
        if waits:
            pending[name] += int(count)
        if value is None:
            continue
        if name in ticked:
            for option in json.ticks(value):
                add(name, option, int(count))
        else:
            add(name, json.decoded(value), int(count))
    for name in ticked & values.keys():  # in the order the options' own GROUP BY gave
        values[name] = dict(sorted(values[name].items()))
    ranked = await _rankings(db, json, questionnaire, since, until, sample_only=sample_only)
    for question_id, option, place, count in ranked:
        add(question_id, ranked_key(option, place), count)
    return tuple(
        AnswerTally(
            name,
            given[name],
            skipped[name],
            tuple(values.get(name, {}).items()),
            pending[name],
        )
        for name in questions
    )


async def _rankings(
    db: AsyncSession,
    json: JsonSql,
    questionnaire: Questionnaire,
    since: datetime,
    until: datetime,
    *,
    sample_only: bool = False,
) -> list[tuple[str, str, int, int]]:
    """(question, option, place, count) for the period's rankings: how often each option
    was put in each place (a query per place; a ranking has at most a few)."""
    ranking = [q for q in questionnaire.questions if q.type == QuestionType.RANKING]
    found: list[tuple[str, str, int, int]] = []
    places = max((len(getattr(q, "options", ())) for q in ranking), default=0)
    ids = [q.id for q in ranking]
    for index in range(places):
        element = json.at(Answer.value, index).label("option")
        rows = await db.execute(
            _joined(Answer.question_id, element, func.count())
            .where(
                *_answers(questionnaire.id, since, until, ids, sample_only=sample_only),
                Answer.value.is_not(None),
            )
            .group_by(Answer.question_id, element)
        )
        found.extend(
            (str(qid), str(option), index + 1, int(count))
            for qid, option, count in rows
            if option is not None
        )
    return found


async def _number_summary(
    db: AsyncSession, json: JsonSql, given: list[ColumnElement[bool]], question_id: str
) -> NumberSummary:
    """Mean and median of the numbers given (the answers in ``given``), by the database."""
    where = [*given, json.is_number(Answer.value)]
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
        found = [float(v) for v in middle]
        median = sum(found) / len(found) if found else None
    return NumberSummary(question_id, mean, median)


async def _text_sample(
    db: AsyncSession,
    json: JsonSql,
    given: list[ColumnElement[bool]],
    question_id: str,
    *,
    exclude: Collection[int],
    max_texts: int,
) -> TextSample:
    """The newest ``max_texts`` texts in ``given`` that were not rejected, with whether each
    is approved; when that many were read, also the newest approved ones."""
    where = [*given]
    if exclude:
        where.append(Answer.id.not_in(list(exclude)))
    newest = (Answer.answered_at.desc(), Answer.id.desc())
    not_rejected = or_(Answer.moderation.is_(None), Answer.moderation != REJECTED)
    languages: dict[int, str] = {}
    rows = await db.execute(
        _written_in(_joined(Answer.id, json.scalar(Answer.value), Answer.moderation, _LANGUAGE))
        .where(*where, not_rejected)
        .order_by(*newest)
        .limit(max_texts)
    )
    found: list[RecentText] = []
    for i, text, state, language in rows:
        if text is not None:
            found.append(RecentText(int(i), str(text), state == APPROVED))
            _note(languages, i, language)
    recent = tuple(found)
    if len(recent) < max_texts:
        return TextSample(question_id, recent, languages=languages)
    # More texts than were read. The approved ones among them are the newest approved ones
    # of the period; only when they are few is it worth reading further (a moderation
    # backlog may hide every approved text behind the newest waiting ones).
    wanted = min(max_texts, QUOTE_ROWS)
    approved = [(t.answer_id, t.text) for t in recent if t.approved]
    if len(approved) < wanted:
        more = await db.execute(
            _written_in(_joined(Answer.id, json.scalar(Answer.value), _LANGUAGE))
            .where(*where, Answer.moderation == APPROVED)
            .order_by(*newest)
            .limit(wanted)
        )
        approved = []
        for i, text, language in more:
            if text is not None:
                approved.append((int(i), str(text)))
                _note(languages, i, language)
    return TextSample(question_id, recent, tuple(approved[:wanted]), languages)


# The language a text was written in: kept with the answer, or for a text given before that
# was kept, the resident's language (NULL once the resident is forgotten).
_LANGUAGE = func.coalesce(Answer.language, Resident.language)


def _written_in(query: Select[Any]) -> Select[Any]:
    return query.outerjoin(Resident, Resident.id == Session.resident_id)


def _note(languages: dict[int, str], answer_id: int, language: str | None) -> None:
    """Remember the language ``answer_id`` was written in, when it is known."""
    if language:
        languages[int(answer_id)] = str(language)


async def response_stats(
    db: AsyncSession, questionnaire_id: str, since: datetime, until: datetime
) -> ResponseTally:
    """Responses started before ``until``: new, completed, and unfinished per question;
    how many completed through the web door, and how many completed in the period look
    like a copy of another (:mod:`storage.duplicates`)."""
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
    on_web = await db.scalar(
        select(func.count())
        .select_from(Session)
        .join(Resident, Resident.id == Session.resident_id)
        .where(
            *_counting(questionnaire_id),
            done,
            Session.started_at < until,
            Resident.channel == WEB,
        )
    )
    unfinished = await db.execute(
        select(Session.current, func.count())
        .where(
            *_counting(questionnaire_id),
            Session.started_at < until,
            Session.status.in_(INCOMPLETE),
        )
        .group_by(Session.current)
    )
    return ResponseTally(
        new,
        completed_in_period,
        total,
        completed,
        tuple((str(current), int(count)) for current, count in unfinished),
        int(on_web or 0),
        await count_possible_duplicates(db, questionnaire_id, since, until),
    )


async def effects(
    db: AsyncSession, questionnaire_id: str, since: datetime, until: datetime
) -> EffectTally:
    """Answers to the questionnaire's effect checks given before ``until``, per value, and
    how many of them in [since, until)."""
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
    return EffectTally(found, fresh)


# --- Which questionnaires ---------------------------------------------------------------------


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

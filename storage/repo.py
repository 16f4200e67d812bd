# Over 500 lines on purpose: the statements every answer runs are built once, at import, beside
# the functions that run them (see the last paragraph below).
"""Async repositories: an ``AsyncSession`` in, plain frozen data out.

The caller owns the unit of work (``async with factory.begin() as db``); nothing here
commits, so one update's changes are committed together or not at all.

This module holds residents and their sessions: what every answer reads and writes. It is
longer than most because the statements on that path are built once, at import, beside the
functions that run them (building a statement costs more CPU than SQLite takes to run it;
BENCHMARKS.md). Exports read through :mod:`storage.export`, publishing through
:mod:`storage.admin`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, NamedTuple, cast

from sqlalchemy import Row, Table, and_, bindparam, delete, func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased
from sqlalchemy.sql.elements import ColumnElement

from flows.engine import Outcome, SessionState

# The doors (``residents.channel``; a web door pseudonym starts with WEB_PREFIX, which the
# doors write, ``bot.core.channel``) are defined with the schema.
from storage.models import TELEGRAM as TELEGRAM
from storage.models import WEB as WEB
from storage.models import WEB_PREFIX as WEB_PREFIX
from storage.models import (
    Answer,
    Contact,
    DeliberationParticipant,
    Resident,
    Session,
    utcnow,
)
from storage.models import channel_of as channel_of

ACTIVE = "active"
PAUSED = "paused"
COMPLETED = "completed"
EXPIRED = "expired"
REPLACED = "replaced"
INCOMPLETE = (ACTIVE, PAUSED, EXPIRED)


@dataclass(frozen=True, slots=True)
class ResidentInfo:
    id: int
    pseudonym: str
    language: str
    consent: str

    @property
    def consented(self) -> bool:
        return self.consent == "given"


class Place(NamedTuple):
    """Where a resident is in the deliberation that is their conversation now: the
    deliberation, whether a statement is shown (``vote``) or their next text is a new one
    (``adding``), and the statement shown (None: none left)."""

    deliberation_id: str
    mode: str
    statement_id: int | None


class ResidentAt(NamedTuple):
    """A resident and where their conversation is (:func:`find_resident_at`)."""

    resident: ResidentInfo
    #: The response in progress: its id and current question.
    session: tuple[int, str] | None
    #: The deliberation they are in now (an active participant), if any.
    deliberation: Place | None


@dataclass(frozen=True, slots=True)
class SessionInfo:
    id: int
    resident_id: int | None
    questionnaire_id: str
    version: int
    status: str
    state: SessionState
    started_at: datetime
    updated_at: datetime
    completed_at: datetime | None
    is_test: bool


# --- Residents --------------------------------------------------------------------------------


# Core tables, for the statements every answer runs (no ORM layer in between).
_RESIDENTS = cast(Table, Resident.__table__)
_SESSIONS = cast(Table, Session.__table__)
_ANSWERS = cast(Table, Answer.__table__)
_S = _SESSIONS.c
_A = _ANSWERS.c
_SESSION_COLUMNS = (
    _S.id,
    _S.resident_id,
    _S.questionnaire_id,
    _S.questionnaire_version,
    _S.status,
    _S.current,
    _S.path,
    _S.draft,
    _S.started_at,
    _S.updated_at,
    _S.completed_at,
    _S.is_test,
)

# The statements every answer runs, built once with bound parameters: building a statement
# (coercing columns, making bind parameters, computing its cache key) costs more CPU than
# SQLite takes to run it, and a prebuilt one skips all of that.
_FIND_RESIDENT = select(
    _RESIDENTS.c.id, _RESIDENTS.c.pseudonym, _RESIDENTS.c.language, _RESIDENTS.c.consent
).where(_RESIDENTS.c.pseudonym == bindparam("pseudonym"))
_ACTIVE_SESSION = (
    select(*_SESSION_COLUMNS, _A.question_id, _A.value)
    .select_from(_SESSIONS.outerjoin(_ANSWERS, _A.session_id == _S.id))
    .where(_S.resident_id == bindparam("resident_id"), _S.status == ACTIVE)
)
_SESSION_BY_ID = (
    select(*_SESSION_COLUMNS, _A.question_id, _A.value)
    .select_from(_SESSIONS.outerjoin(_ANSWERS, _A.session_id == _S.id))
    .where(_S.id == bindparam("session_id"))
)
# A resident with the questionnaire they have in progress and its answers: what every typed
# answer and every pressed answer button needs, in one statement instead of two.
_R = _RESIDENTS.c
_RESIDENT_COLUMNS = (
    _R.id.label("r_id"),
    _R.pseudonym.label("r_pseudonym"),
    _R.language.label("r_language"),
    _R.consent.label("r_consent"),
)
# The resident (by pseudonym) with the session they have in progress, if any.
_RESIDENT_AND_ACTIVE = _RESIDENTS.outerjoin(
    _SESSIONS, and_(_S.resident_id == _R.id, _S.status == ACTIVE)
)
_RESIDENT_IN_SESSION = (
    select(*_RESIDENT_COLUMNS, *_SESSION_COLUMNS, _A.question_id, _A.value)
    .select_from(_RESIDENT_AND_ACTIVE.outerjoin(_ANSWERS, _A.session_id == _S.id))
    .where(_R.pseudonym == bindparam("pseudonym"))
)
# The same without the answers: where the response in progress is, and where the resident is
# in the deliberation that is their conversation now, if any (find_resident_at).
_PARTICIPANTS = cast(Table, DeliberationParticipant.__table__)
_P = _PARTICIPANTS.c
_RESIDENT_AT = (
    select(
        *_RESIDENT_COLUMNS,
        _S.id,
        _S.current,
        _P.deliberation_id.label("p_deliberation"),
        _P.mode.label("p_mode"),
        _P.current_statement_id.label("p_statement"),
    )
    .select_from(
        _RESIDENT_AND_ACTIVE.outerjoin(
            _PARTICIPANTS, and_(_P.resident_id == _R.id, _P.active.is_(True))
        )
    )
    .where(_R.pseudonym == bindparam("pseudonym"))
    .limit(1)
)
_DISCARD_ANSWERS = delete(_ANSWERS).where(
    _A.session_id == bindparam("b_session_id"),
    _A.question_id.in_(bindparam("b_question_ids", expanding=True)),
)
_REPLACE_EARLIER = (
    update(_SESSIONS)
    .where(
        _S.resident_id == bindparam("b_resident_id"),
        _S.questionnaire_id == bindparam("b_questionnaire_id"),
        _S.status == COMPLETED,
        _S.is_test == bindparam("b_is_test"),
        _S.id != bindparam("b_session_id"),
    )
    .values(status=REPLACED)
)
_MOVE_SESSION = (
    update(_SESSIONS)
    .where(_S.id == bindparam("b_session_id"))
    .values(
        current=bindparam("b_current"),
        path=bindparam("b_path", type_=_S.path.type),
        draft=bindparam("b_draft", type_=_S.draft.type),
        updated_at=bindparam("b_updated_at", type_=_S.updated_at.type),
    )
)
_FINISH_SESSION = _MOVE_SESSION.values(
    status=COMPLETED, completed_at=bindparam("b_completed_at", type_=_S.completed_at.type)
)


def _save_answer(insert: Any) -> Any:
    statement = insert(_ANSWERS).values(
        session_id=bindparam("b_session_id"),
        question_id=bindparam("b_question_id"),
        value=bindparam("b_value", type_=_A.value.type),
        answered_at=bindparam("b_answered_at", type_=_A.answered_at.type),
    )
    return statement.on_conflict_do_update(
        index_elements=[_A.session_id, _A.question_id],
        set_={"value": statement.excluded.value, "answered_at": statement.excluded.answered_at},
    )


_SAVE_ANSWER = {"postgresql": _save_answer(pg_insert), "sqlite": _save_answer(sqlite_insert)}


def _resident(row: Resident) -> ResidentInfo:
    return ResidentInfo(row.id, row.pseudonym, row.language, row.consent)


async def find_resident(db: AsyncSession, pseudonym: str) -> ResidentInfo | None:
    # Runs for every update a resident sends: a statement built once (see _FIND_RESIDENT).
    connection = await db.connection()
    row = (await connection.execute(_FIND_RESIDENT, {"pseudonym": pseudonym})).first()
    return ResidentInfo(row.id, row.pseudonym, row.language, row.consent) if row else None


async def register_resident(
    db: AsyncSession,
    pseudonym: str,
    *,
    language: str,
    consent: str,
    chat_id: int | None,
    now: datetime | None = None,
) -> ResidentInfo:
    """Record a consent answer. With consent the chat id is kept (apart) to reply later."""
    row = await db.scalar(select(Resident).where(Resident.pseudonym == pseudonym))
    now = now or utcnow()
    if row is None:
        row = Resident(
            pseudonym=pseudonym, language=language, consent=consent, consent_at=now, created_at=now
        )
        db.add(row)
        await db.flush()
    else:
        row.consent, row.consent_at, row.language = consent, now, language
    if consent == "given" and chat_id is not None:
        await db.merge(Contact(resident_id=row.id, chat_id=chat_id, channel=row.channel))
    else:
        await db.execute(delete(Contact).where(Contact.resident_id == row.id))
    return _resident(row)


async def set_language(db: AsyncSession, resident_id: int, language: str) -> None:
    await db.execute(update(Resident).where(Resident.id == resident_id).values(language=language))


async def chat_id_of(db: AsyncSession, resident_id: int) -> int | None:
    return await db.scalar(select(Contact.chat_id).where(Contact.resident_id == resident_id))


# --- Sessions ---------------------------------------------------------------------------------


async def active_session(db: AsyncSession, resident_id: int) -> SessionInfo | None:
    """The response in progress with its answers, in one query."""
    connection = await db.connection()
    rows = (await connection.execute(_ACTIVE_SESSION, {"resident_id": resident_id})).all()
    return _session_of(rows) if rows else None


async def find_resident_in_session(
    db: AsyncSession, pseudonym: str
) -> tuple[ResidentInfo, SessionInfo | None] | None:
    """The resident and the response they have in progress (with its answers), in one
    query: :func:`find_resident` and :func:`active_session` together, for every answer."""
    connection = await db.connection()
    rows = (await connection.execute(_RESIDENT_IN_SESSION, {"pseudonym": pseudonym})).all()
    if not rows:
        return None
    first = rows[0]
    resident = ResidentInfo(first.r_id, first.r_pseudonym, first.r_language, first.r_consent)
    return resident, (_session_of(rows) if first.id is not None else None)


async def find_resident_at(db: AsyncSession, pseudonym: str) -> ResidentAt | None:
    """The resident and where their response in progress is (its id and current question),
    without its answers: what :func:`find_resident_in_session` gives, at a fraction of the
    cost, for a door that needs only to know where the conversation is. In the same read:
    where they are in the deliberation they are in now (what
    :func:`storage.deliberations.active` gives), which takes their typed texts first."""
    connection = await db.connection()
    row = (await connection.execute(_RESIDENT_AT, {"pseudonym": pseudonym})).first()
    if row is None:
        return None
    resident = ResidentInfo(row.r_id, row.r_pseudonym, row.r_language, row.r_consent)
    session = (row.id, row.current) if row.id is not None else None
    place = None
    if row.p_deliberation is not None:
        place = Place(row.p_deliberation, row.p_mode, row.p_statement)
    return ResidentAt(resident, session, place)


def _session_of(rows: Sequence[Row[Any, *tuple[Any, ...]]]) -> SessionInfo:
    """A session from rows of its columns, each with one of its answers (or none)."""
    first = rows[0]
    state = SessionState(
        current=first.current,
        path=tuple(first.path),
        answers={row.question_id: row.value for row in rows if row.question_id is not None},
        draft=tuple(first.draft),
        seed=first.id,
    )
    return SessionInfo(
        first.id,
        first.resident_id,
        first.questionnaire_id,
        first.questionnaire_version,
        first.status,
        state,
        first.started_at,
        first.updated_at,
        first.completed_at,
        first.is_test,
    )


async def get_session(db: AsyncSession, session_id: int) -> SessionInfo | None:
    connection = await db.connection()
    rows = (await connection.execute(_SESSION_BY_ID, {"session_id": session_id})).all()
    return _session_of(rows) if rows else None


_L = _SESSIONS.alias("latest").c
_LATEST_SESSION = (
    select(*_SESSION_COLUMNS, _A.question_id, _A.value)
    .select_from(_SESSIONS.outerjoin(_ANSWERS, _A.session_id == _S.id))
    .where(
        _S.id
        == select(_L.id)
        .where(
            _L.resident_id == bindparam("resident_id"),
            _L.questionnaire_id == bindparam("questionnaire_id"),
            _L.status != REPLACED,
            _L.is_test.is_(False),  # an administrator's test run is not their response
        )
        .order_by(_L.started_at.desc(), _L.id.desc())
        .limit(1)
        .scalar_subquery()
    )
)


async def latest_session(
    db: AsyncSession, resident_id: int, questionnaire_id: str
) -> SessionInfo | None:
    """The resident's most recent response to a questionnaire that still counts."""
    connection = await db.connection()
    parameters = {"resident_id": resident_id, "questionnaire_id": questionnaire_id}
    rows = (await connection.execute(_LATEST_SESSION, parameters)).all()
    return _session_of(rows) if rows else None


async def count_completed(db: AsyncSession, questionnaire_id: str) -> int:
    """Completed responses to a questionnaire that count (any version; no test runs; a
    revision replaces its earlier response, so a resident counts once)."""
    found = await db.scalar(
        select(func.count()).where(
            Session.questionnaire_id == questionnaire_id,
            Session.status == COMPLETED,
            Session.is_test.is_(False),
        )
    )
    return int(found or 0)


async def has_completed(db: AsyncSession, resident_id: int, questionnaire_id: str) -> bool:
    found = await db.scalar(
        select(Session.id)
        .where(
            Session.resident_id == resident_id,
            Session.questionnaire_id == questionnaire_id,
            Session.status == COMPLETED,
            Session.is_test.is_(False),
        )
        .limit(1)
    )
    return found is not None


async def completed_questionnaires(db: AsyncSession, resident_id: int) -> set[str]:
    rows = await db.scalars(
        select(Session.questionnaire_id).where(
            Session.resident_id == resident_id,
            Session.status == COMPLETED,
            Session.is_test.is_(False),
        )
    )
    return set(rows)


async def _pause_active(db: AsyncSession, resident_id: int) -> None:
    await db.execute(
        update(Session)
        .where(Session.resident_id == resident_id, Session.status == ACTIVE)
        .values(status=PAUSED)
    )


async def start_session(
    db: AsyncSession,
    resident_id: int,
    questionnaire_id: str,
    version: int,
    state: SessionState,
    *,
    is_test: bool = False,
    now: datetime | None = None,
) -> SessionInfo:
    """Begin a new response; a questionnaire in progress is paused, not lost."""
    await _pause_active(db, resident_id)
    now = now or utcnow()
    row = Session(
        resident_id=resident_id,
        questionnaire_id=questionnaire_id,
        questionnaire_version=version,
        status=ACTIVE,
        current=state.current,
        path=list(state.path),
        draft=list(state.draft),
        is_test=is_test,
        started_at=now,
        updated_at=now,
    )
    db.add(row)
    await db.flush()
    return SessionInfo(  # a new session: no answers yet
        row.id,
        resident_id,
        questionnaire_id,
        version,
        ACTIVE,
        SessionState(current=state.current, path=state.path, draft=state.draft, seed=row.id),
        now,
        now,
        None,
        is_test,
    )


async def resume_session(
    db: AsyncSession, session: SessionInfo, *, now: datetime | None = None
) -> SessionInfo:
    """Make a paused response the one in progress again."""
    if session.resident_id is not None:
        await _pause_active(db, session.resident_id)
    await db.execute(
        update(Session)
        .where(Session.id == session.id)
        .values(status=ACTIVE, updated_at=now or utcnow())
    )
    resumed = await get_session(db, session.id)
    assert resumed is not None
    return resumed


async def set_status(
    db: AsyncSession, session_id: int, status: str, *, now: datetime | None = None
) -> None:
    await db.execute(
        update(Session)
        .where(Session.id == session_id)
        .values(status=status, updated_at=now or utcnow())
    )


# Sessions are handed out as plain data (SessionInfo), never kept as ORM objects in the
# unit of work, so an UPDATE need not look for loaded objects to bring up to date.
_NO_SYNC = {"synchronize_session": False}


def _upsert(db: AsyncSession) -> Any:
    return pg_insert if db.get_bind().dialect.name == "postgresql" else sqlite_insert


# Free text that may be quoted in a digest waits for an administrator (``/moderatie``).
PENDING = "pending"
_UNMODERATED = {
    "moderation": None,
    "moderation_reason": None,
    "moderated_by": None,
    "moderated_at": None,
}


async def save_outcome(
    db: AsyncSession,
    session: SessionInfo,
    outcome: Outcome,
    *,
    now: datetime | None = None,
    moderate: bool = False,
    language: str | None = None,
) -> None:
    """Store what one input did: the answer, the new position and, at the end, completion.

    ``moderate``: the accepted answer is free text (a ``text`` question). Given text then
    enters the moderation queue (``pending``), also when a resident changes an answer that
    was judged before; a test run's text and a skipped question need no moderation. It is
    kept with ``language``, the language the resident writes in (digests quote it as such).
    """
    now = now or utcnow()
    # Prebuilt core statements on the session's connection: no ORM layer for every answer.
    connection = await db.connection()
    if outcome.accepted is not None:
        question_id, value = outcome.accepted
        if moderate:  # free text: rare, so its statement is built when needed
            waits = value is not None and not session.is_test
            judged = {
                **_UNMODERATED,
                "moderation": PENDING if waits else None,
                "language": None if value is None or language is None else str(language),
            }
            insert = _upsert(db)(_ANSWERS).values(
                session_id=session.id,
                question_id=question_id,
                value=value,
                answered_at=now,
                **judged,
            )
            await connection.execute(
                insert.on_conflict_do_update(
                    index_elements=[_A.session_id, _A.question_id],
                    set_={"value": insert.excluded.value, "answered_at": now, **judged},
                )
            )
        else:
            await connection.execute(
                _SAVE_ANSWER[connection.dialect.name],
                {
                    "b_session_id": session.id,
                    "b_question_id": question_id,
                    "b_value": value,
                    "b_answered_at": now,
                },
            )
    if outcome.branch is not None:
        # After going back: answers the branch no longer reaches stop counting (and count
        # again when the resident returns to their branch).
        await connection.execute(
            update(_ANSWERS)
            .where(_A.session_id == session.id)
            .values(off_branch=_A.question_id.not_in(list(outcome.branch)))
        )
    if outcome.discard:
        await connection.execute(
            _DISCARD_ANSWERS, {"b_session_id": session.id, "b_question_ids": list(outcome.discard)}
        )
    state = outcome.state
    values: dict[str, Any] = {
        "b_session_id": session.id,
        "b_current": state.current,
        "b_path": list(state.path),
        "b_draft": list(state.draft),
        "b_updated_at": now,
    }
    if state.finished:
        if session.resident_id is not None:
            # A revision replaces the earlier complete response.
            await connection.execute(
                _REPLACE_EARLIER,
                {
                    "b_resident_id": session.resident_id,
                    "b_questionnaire_id": session.questionnaire_id,
                    "b_is_test": session.is_test,
                    "b_session_id": session.id,
                },
            )
        await connection.execute(_FINISH_SESSION, {**values, "b_completed_at": now})
    else:
        await connection.execute(_MOVE_SESSION, values)


async def expire_sessions(db: AsyncSession, idle_since: datetime) -> int:
    """Close responses in progress that nobody touched since ``idle_since``."""
    result = await db.execute(
        update(Session)
        .where(Session.status.in_((ACTIVE, PAUSED)), Session.updated_at < idle_since)
        .values(status=EXPIRED)
    )
    return int(getattr(result, "rowcount", 0) or 0)


async def count_sessions(db: AsyncSession, questionnaire_id: str | None = None) -> dict[str, int]:
    query = select(Session.status, func.count()).group_by(Session.status)
    if questionnaire_id:
        query = query.where(Session.questionnaire_id == questionnaire_id)
    return {status: count for status, count in await db.execute(query)}


# --- Responses that count ----------------------------------------------------------------------


def superseded() -> ColumnElement[bool]:
    """True for an unfinished try (in progress, paused or expired) of a resident who has a
    completed response to the same questionnaire: an abandoned revision, or an earlier
    attempt that expired before they started again. Their completed response is their
    answer; the try beside it is not a second response (exports, digests)."""
    done = aliased(Session)
    return Session.status.in_(INCOMPLETE) & (
        select(done.id)
        .where(
            done.resident_id == Session.resident_id,
            done.questionnaire_id == Session.questionnaire_id,
            done.status == COMPLETED,
            done.is_test == Session.is_test,
        )
        .exists()
    )

"""Deliberations in the database: the deliberation, its statements, its participants and
their votes. Session in, plain frozen data out. Over 500 lines because it holds all four
tables' queries, the vote path's one-read context and the digest's array read; the next
change should split it (votes and statements apart from the deliberation itself).

A vote is one row per resident and statement: a changed vote replaces the earlier one
(an upsert), so a replayed button never stores anything twice. A resident's statement is
stored ``pending`` and becomes ``live`` only when a moderator approves it; the decision is
one conditional ``UPDATE ... WHERE status = 'pending'``, so of two moderators at once exactly
one decides.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal, NamedTuple, cast

from sqlalchemy import String, Table, and_, bindparam, delete, func, select, update
from sqlalchemy import cast as cast_
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from analysis.deliberation_digest import Counts
from flows.deliberation import Deliberation, SeedStatement, Vote
from storage import audit
from storage.models import (
    Contact,
    DeliberationParticipant,
    DeliberationRecord,
    DeliberationStatement,
    DeliberationVote,
    Resident,
)
from storage.repo import WEB, ResidentInfo

LIVE, PENDING, REJECTED = "live", "pending", "rejected"
SEED, RESIDENT = "seed", "resident"
OPEN, CLOSED = "open", "closed"
VOTING, ADDING = "vote", "adding"
# Tries at taking the next free number (participants, statements) when another
# transaction took the same one at the same moment (PostgreSQL; SQLite writes one at a time).
NUMBER_TRIES = 5

_S, _P, _V = DeliberationStatement, DeliberationParticipant, DeliberationVote


@dataclass(frozen=True, slots=True)
class DeliberationInfo:
    id: str
    version: int
    status: str
    source: str
    checksum: str


@dataclass(frozen=True, slots=True)
class StatementInfo:
    id: int
    deliberation_id: str
    number: int
    origin: str
    status: str
    text_nl: str
    text_en: str | None
    author_id: int | None
    anonymised: bool = False
    created_at: datetime | None = None
    language: str | None = None  # a resident's: the language they wrote it in

    def text(self, language: str) -> str:
        """In ``language`` if the file has it (a resident's own statement: as written)."""
        return self.text_en if language == "en" and self.text_en else self.text_nl


@dataclass(frozen=True, slots=True)
class ParticipantInfo:
    deliberation_id: str
    resident_id: int
    number: int
    active: bool
    mode: str
    current_statement_id: int | None


def checksum(source: str) -> str:
    return hashlib.sha256(source.encode("utf-8")).hexdigest()


def _statement(row: DeliberationStatement) -> StatementInfo:
    return StatementInfo(
        row.id,
        row.deliberation_id,
        row.number,
        row.origin,
        row.status,
        row.text_nl,
        row.text_en,
        row.author_id,
        row.anonymised,
        row.created_at,
        row.language,
    )


def _participant(row: DeliberationParticipant) -> ParticipantInfo:
    return ParticipantInfo(
        row.deliberation_id,
        row.resident_id,
        row.number,
        row.active,
        row.mode,
        row.current_statement_id,
    )


# --- the deliberation ---------------------------------------------------------------------------


async def seed(
    db: AsyncSession, deliberation: Deliberation, source: str, *, now: datetime
) -> bool:
    """Store a deliberation from a file, with its seed statements, if its id is new (the
    database is the source of truth: a stored one is never changed from a file)."""
    if await db.get(DeliberationRecord, deliberation.id) is not None:
        return False
    db.add(
        DeliberationRecord(
            id=deliberation.id,
            version=deliberation.version,
            source=source,
            checksum=checksum(source),
            status=OPEN,
            created_at=now,
            opened_at=now,
        )
    )
    await db.flush()
    for number, statement in enumerate(deliberation.statements):
        db.add(seed_row(deliberation.id, number, statement, now))
    await db.flush()
    return True


def seed_row(
    deliberation_id: str, number: int, statement: SeedStatement, now: datetime
) -> DeliberationStatement:
    """A seed statement of the file as the live row residents vote on."""
    return DeliberationStatement(
        deliberation_id=deliberation_id,
        number=number,
        origin=SEED,
        seed_id=statement.id,
        text_nl=statement.text.nl,
        text_en=statement.text.en,
        dimension=statement.dimension.value if statement.dimension else None,
        status=LIVE,
        created_at=now,
    )


async def get(db: AsyncSession, deliberation_id: str) -> DeliberationInfo | None:
    row = await db.get(DeliberationRecord, deliberation_id)
    if row is None:
        return None
    return DeliberationInfo(row.id, row.version, row.status, row.source, row.checksum)


async def listing(db: AsyncSession) -> list[DeliberationInfo]:
    rows = (await db.scalars(select(DeliberationRecord).order_by(DeliberationRecord.id))).all()
    return [DeliberationInfo(r.id, r.version, r.status, r.source, r.checksum) for r in rows]


async def set_status(
    db: AsyncSession, deliberation_id: str, status: Literal["open", "closed"], *, now: datetime
) -> bool:
    """Open or close; False when there is no such deliberation."""
    values: dict[str, Any] = {"status": status}
    values["opened_at" if status == OPEN else "closed_at"] = now
    result = await db.execute(
        update(DeliberationRecord)
        .where(DeliberationRecord.id == deliberation_id)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


# --- participants -------------------------------------------------------------------------------


async def participant(
    db: AsyncSession, deliberation_id: str, resident_id: int
) -> ParticipantInfo | None:
    row = await db.get(DeliberationParticipant, (deliberation_id, resident_id))
    return _participant(row) if row is not None else None


async def active(db: AsyncSession, resident_id: int) -> ParticipantInfo | None:
    """The deliberation this resident is in now, if any."""
    row = await db.scalar(
        select(DeliberationParticipant)
        .where(_P.resident_id == resident_id, _P.active.is_(True))
        .limit(1)
    )
    return _participant(row) if row is not None else None


async def takes_part(db: AsyncSession, pseudonym: str) -> bool:
    """Whether the resident known as ``pseudonym`` is in a deliberation now (see
    :func:`active`), in one small read: the look every typed text takes first."""
    found = await db.scalar(
        select(_P.resident_id)
        .join(Resident, Resident.id == _P.resident_id)
        .where(Resident.pseudonym == pseudonym, _P.active.is_(True))
        .limit(1)
    )
    return found is not None


async def leave_all(db: AsyncSession, resident_id: int, *, now: datetime) -> None:
    """No deliberation is this resident's conversation any more (they paused it, or chose a
    questionnaire)."""
    await db.execute(
        update(DeliberationParticipant)
        .where(_P.resident_id == resident_id, _P.active.is_(True))
        .values(active=False, mode=VOTING, updated_at=now)
        .execution_options(synchronize_session=False)
    )


async def join(
    db: AsyncSession, deliberation_id: str, resident_id: int, *, now: datetime
) -> tuple[ParticipantInfo, bool]:
    """Make this deliberation the resident's conversation: (participant, True when new).
    A new participant gets the next pseudonymous number of the deliberation."""
    await leave_all(db, resident_id, now=now)
    row = await db.get(DeliberationParticipant, (deliberation_id, resident_id))
    if row is not None:
        row.active, row.mode, row.updated_at = True, VOTING, now
        await db.flush()
        return _participant(row), False
    for attempt in range(NUMBER_TRIES):
        number = await _next_number(db, _P.number, _P.deliberation_id, deliberation_id)
        try:
            async with db.begin_nested():
                row = DeliberationParticipant(
                    deliberation_id=deliberation_id,
                    resident_id=resident_id,
                    number=number,
                    active=True,
                    mode=VOTING,
                    joined_at=now,
                    updated_at=now,
                )
                db.add(row)
            return _participant(row), True
        except IntegrityError:
            if attempt == NUMBER_TRIES - 1:
                raise
            found = await db.get(DeliberationParticipant, (deliberation_id, resident_id))
            if found is not None:  # joined meanwhile by a second update of theirs
                return _participant(found), False
    raise AssertionError("unreachable")


async def _next_number(db: AsyncSession, column: Any, owner: Any, owner_id: str) -> int:
    """The next free number of a deliberation's participants or statements. On PostgreSQL
    the deliberation's row is locked first, so that transactions taking a number of the
    same deliberation take turns (each sees the number the one before committed) instead of
    racing to the same one: thirty residents joining at once outran any number of tries.
    ``FOR NO KEY UPDATE`` does not wait for votes (their foreign key takes ``FOR KEY
    SHARE``); SQLite writes one at a time anyway and has no such clause."""
    await db.execute(
        select(DeliberationRecord.id)
        .where(DeliberationRecord.id == owner_id)
        .with_for_update(key_share=True)
    )
    highest = await db.scalar(select(func.max(column)).where(owner == owner_id))
    return 0 if highest is None else int(highest) + 1


async def set_place(
    db: AsyncSession,
    deliberation_id: str,
    resident_id: int,
    *,
    current: int | None,
    mode: str = VOTING,
    now: datetime,
    only_live: bool = False,
) -> bool:
    """The statement shown to the resident now, and whether their next text is a new one.

    With ``only_live``, False (nothing changed) when ``current`` is not a live statement
    any more: a worker that routed from a cached list learns here, in the same statement,
    that it must not show it."""
    query = _SET_PLACE_IF_LIVE if only_live and current is not None else _SET_PLACE
    connection = await db.connection()  # core, prebuilt: once per vote tap
    result = await connection.execute(
        query,
        {
            "b_deliberation": deliberation_id,
            "b_resident": resident_id,
            "b_current": current,
            "b_mode": mode,
            "b_now": now,
        },
    )
    return bool(result.rowcount)


def _set_place(only_live: bool) -> Any:
    table = cast(Table, DeliberationParticipant.__table__)
    query = update(table).where(
        table.c.deliberation_id == bindparam("b_deliberation"),
        table.c.resident_id == bindparam("b_resident"),
    )
    if only_live:
        statements = cast(Table, DeliberationStatement.__table__)
        still_live = (
            select(statements.c.id)
            .where(statements.c.id == bindparam("b_current"), statements.c.status == LIVE)
            .exists()
        )
        query = query.where(still_live)
    return query.values(
        current_statement_id=bindparam("b_current"),
        mode=bindparam("b_mode"),
        active=True,
        updated_at=bindparam("b_now"),
    )


_SET_PLACE = _set_place(only_live=False)
_SET_PLACE_IF_LIVE = _set_place(only_live=True)


# --- one vote tap -------------------------------------------------------------------------------


class LiveStamp(NamedTuple):
    """What identifies a deliberation's set of live statements: how many, and the sum and
    largest of their ids. Statements only ever go ``pending`` -> ``live`` (or are deleted),
    so an approval or a deletion changes the stamp; a worker's cached list of live
    statements is used only while the stamp it was read with is still the one stored."""

    size: int
    total: int
    top: int


@dataclass(frozen=True, slots=True)
class VoteContext:
    """Everything a vote tap needs, read in one query: the resident (by pseudonym), the
    statement on the button, its deliberation's status (read fresh: a closed deliberation
    takes no vote, whatever a worker remembers), the resident's place in it, the stamp of
    its live statements and how many statements the resident added there."""

    resident: ResidentInfo
    statement: StatementInfo | None
    status: str | None
    checksum: str | None
    participant: ParticipantInfo | None
    live: LiveStamp
    added: int
    #: The resident's votes in the statement's deliberation (statement id -> vote), as
    #: :func:`votes_of` reads them: the earlier vote on this statement, and for routing.
    votes: dict[int, Vote]


_ST = cast(Table, DeliberationStatement.__table__)
_PT = cast(Table, DeliberationParticipant.__table__)
_RT = cast(Table, Resident.__table__)
_DT = cast(Table, DeliberationRecord.__table__)
_LIVE_OF = _ST.alias("live_of")
_ADDED_OF = _ST.alias("added_of")
_MINE_OF = cast(Table, DeliberationVote.__table__).alias("mine_of")


def _live_of(aggregate: Any) -> Any:
    return (
        select(aggregate)
        .where(_LIVE_OF.c.deliberation_id == _ST.c.deliberation_id, _LIVE_OF.c.status == LIVE)
        .scalar_subquery()
    )


_VOTE_CONTEXT = (
    select(
        _RT.c.id.label("r_id"),
        _RT.c.pseudonym,
        _RT.c.language,
        _RT.c.consent,
        *(c for c in _ST.c if c.name != "language"),
        _ST.c.language.label("s_language"),
        _DT.c.status.label("d_status"),
        _DT.c.checksum.label("d_checksum"),
        _PT.c.number.label("p_number"),
        _PT.c.active.label("p_active"),
        _PT.c.mode.label("p_mode"),
        _PT.c.current_statement_id.label("p_current"),
        _live_of(func.count()).label("live_count"),
        _live_of(func.coalesce(func.sum(_LIVE_OF.c.id), 0)).label("live_total"),
        _live_of(func.coalesce(func.max(_LIVE_OF.c.id), 0)).label("live_top"),
        select(func.count())
        .where(
            _ADDED_OF.c.deliberation_id == _ST.c.deliberation_id,
            _ADDED_OF.c.author_id == _RT.c.id,
        )
        .scalar_subquery()
        .label("added"),
        # "statement:vote,statement:vote": the resident's votes in the same read
        # (group_concat on SQLite, string_agg on PostgreSQL).
        select(
            func.aggregate_strings(
                cast_(_MINE_OF.c.statement_id, String) + ":" + cast_(_MINE_OF.c.vote, String),
                ",",
            )
        )
        .where(
            _MINE_OF.c.deliberation_id == _ST.c.deliberation_id,
            _MINE_OF.c.resident_id == _RT.c.id,
        )
        .scalar_subquery()
        .label("mine"),
    )
    .select_from(
        _RT.outerjoin(_ST, _ST.c.id == bindparam("statement_id"))
        .outerjoin(_DT, _DT.c.id == _ST.c.deliberation_id)
        .outerjoin(
            _PT,
            and_(_PT.c.deliberation_id == _ST.c.deliberation_id, _PT.c.resident_id == _RT.c.id),
        )
    )
    .where(_RT.c.pseudonym == bindparam("pseudonym"))
)


async def vote_context(db: AsyncSession, pseudonym: str, statement_id: int) -> VoteContext | None:
    """What a vote tap on ``statement_id`` needs (see :class:`VoteContext`); None when no
    resident has ``pseudonym``."""
    connection = await db.connection()
    row = (
        await connection.execute(
            _VOTE_CONTEXT, {"pseudonym": pseudonym, "statement_id": statement_id}
        )
    ).first()
    if row is None:
        return None
    resident = ResidentInfo(row.r_id, row.pseudonym, row.language, row.consent)
    found = (
        StatementInfo(
            row.id,
            row.deliberation_id,
            row.number,
            row.origin,
            row.status,
            row.text_nl,
            row.text_en,
            row.author_id,
            bool(row.anonymised),
            row.created_at,
            row.s_language,
        )
        if row.id is not None
        else None
    )
    place = (
        ParticipantInfo(
            row.deliberation_id,
            resident.id,
            row.p_number,
            bool(row.p_active),
            row.p_mode,
            row.p_current,
        )
        if row.p_number is not None
        else None
    )
    return VoteContext(
        resident,
        found,
        row.d_status,
        row.d_checksum,
        place,
        LiveStamp(int(row.live_count or 0), int(row.live_total or 0), int(row.live_top or 0)),
        int(row.added or 0),
        _votes(row.mine),
    )


def _votes(joined: str | None) -> dict[int, Vote]:
    """``"12:1,13:-1"`` as ``{12: Vote(1), 13: Vote(-1)}``."""
    if not joined:
        return {}
    pairs = (item.split(":") for item in joined.split(","))
    return {int(statement): Vote(int(vote)) for statement, vote in pairs}


async def live_stamp(db: AsyncSession, deliberation_id: str) -> LiveStamp:
    """The stamp of a deliberation's live statements now (see :class:`LiveStamp`)."""
    row = (
        await db.execute(
            select(
                func.count(), func.coalesce(func.sum(_S.id), 0), func.coalesce(func.max(_S.id), 0)
            ).where(_S.deliberation_id == deliberation_id, _S.status == LIVE)
        )
    ).one()
    return LiveStamp(int(row[0]), int(row[1]), int(row[2]))


# --- statements ---------------------------------------------------------------------------------


async def statement(db: AsyncSession, statement_id: int) -> StatementInfo | None:
    row = await db.get(DeliberationStatement, statement_id)
    return _statement(row) if row is not None else None


async def statements(
    db: AsyncSession, deliberation_id: str, status: str | None = LIVE
) -> list[StatementInfo]:
    """The deliberation's statements (only those with ``status``; None: all), by number."""
    query = select(DeliberationStatement).where(_S.deliberation_id == deliberation_id)
    if status is not None:
        query = query.where(_S.status == status)
    rows = (await db.scalars(query.order_by(_S.number))).all()
    return [_statement(r) for r in rows]


async def count_added(db: AsyncSession, deliberation_id: str, resident_id: int) -> int:
    """How many statements this resident added here (rejected ones count too)."""
    found = await db.scalar(
        select(func.count())
        .select_from(DeliberationStatement)
        .where(_S.deliberation_id == deliberation_id, _S.author_id == resident_id)
    )
    return int(found or 0)


async def add_statement(
    db: AsyncSession,
    deliberation_id: str,
    resident_id: int,
    text: str,
    *,
    now: datetime,
    language: str | None = None,
) -> StatementInfo:
    """A resident's statement, waiting for a moderator; ``language``: the one they wrote in."""
    for attempt in range(NUMBER_TRIES):
        number = await _next_number(db, _S.number, _S.deliberation_id, deliberation_id)
        try:
            async with db.begin_nested():
                row = DeliberationStatement(
                    deliberation_id=deliberation_id,
                    number=number,
                    origin=RESIDENT,
                    text_nl=text,
                    language=language,
                    status=PENDING,
                    author_id=resident_id,
                    created_at=now,
                )
                db.add(row)
            return _statement(row)
        except IntegrityError:
            if attempt == NUMBER_TRIES - 1:
                raise
    raise AssertionError("unreachable")


async def next_pending(db: AsyncSession) -> StatementInfo | None:
    """The oldest resident's statement that waits for a moderator."""
    row = await db.scalar(
        select(DeliberationStatement)
        .where(_S.status == PENDING)
        .order_by(_S.created_at, _S.id)
        .limit(1)
    )
    return _statement(row) if row is not None else None


async def count_pending(db: AsyncSession) -> int:
    found = await db.scalar(
        select(func.count()).select_from(DeliberationStatement).where(_S.status == PENDING)
    )
    return int(found or 0)


async def decide(
    db: AsyncSession,
    statement_id: int,
    *,
    approve: bool,
    reason: str | None = None,
    anonymise: bool = False,
    by: int | None,
    now: datetime,
) -> StatementInfo | None:
    """Approve (live) or reject one pending statement; None when it does not wait (decided
    by someone else first, or no such statement). Written to the audit log, without text."""
    values: dict[str, Any] = {
        "status": LIVE if approve else REJECTED,
        "moderation_reason": reason,
        "moderated_by": by,
        "moderated_at": now,
    }
    if approve and anonymise:
        values["anonymised"] = True
    result = await db.execute(
        update(DeliberationStatement)
        .where(_S.id == statement_id, _S.status == PENDING)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        return None
    found = await statement(db, statement_id)
    assert found is not None
    await audit.record(
        db,
        "stellingen.approve" if approve else "stellingen.reject",
        actor=by,
        via="telegram",
        target=f"statement:{statement_id}",
        detail={"deliberation": found.deliberation_id, **({"reason": reason} if reason else {})},
        now=now,
    )
    return found


# --- votes --------------------------------------------------------------------------------------


def _vote_upsert(insert: Any) -> Any:
    statement = insert(DeliberationVote)
    return statement.on_conflict_do_update(
        index_elements=[_V.statement_id, _V.resident_id],
        set_={"vote": statement.excluded.vote, "voted_at": statement.excluded.voted_at},
    )


_VOTE = {"postgresql": _vote_upsert(pg_insert), "sqlite": _vote_upsert(sqlite_insert)}


async def previous_vote(db: AsyncSession, statement_id: int, resident_id: int) -> Vote | None:
    found = await db.scalar(
        select(_V.vote).where(_V.statement_id == statement_id, _V.resident_id == resident_id)
    )
    return None if found is None else Vote(found)


async def vote(
    db: AsyncSession,
    statement: StatementInfo,
    resident_id: int,
    given: Vote,
    *,
    now: datetime,
) -> None:
    """Store (or replace) a resident's vote on a statement."""
    connection = await db.connection()  # core, prebuilt: once per vote tap
    dialect = connection.dialect.name
    await connection.execute(
        _VOTE["postgresql" if dialect == "postgresql" else "sqlite"],
        {
            "statement_id": statement.id,
            "resident_id": resident_id,
            "deliberation_id": statement.deliberation_id,
            "vote": int(given),
            "voted_at": now,
        },
    )


async def votes_of(db: AsyncSession, deliberation_id: str, resident_id: int) -> dict[int, Vote]:
    """A resident's votes in a deliberation: statement id -> vote."""
    connection = await db.connection()  # core, prebuilt: once per vote tap
    rows = await connection.execute(
        _VOTES_OF, {"deliberation_id": deliberation_id, "resident_id": resident_id}
    )
    return {sid: Vote(v) for sid, v in rows.all()}


_VOTES_OF = select(_V.statement_id, _V.vote).where(
    _V.deliberation_id == bindparam("deliberation_id"), _V.resident_id == bindparam("resident_id")
)


async def vote_counts(db: AsyncSession, deliberation_id: str) -> dict[int, int]:
    """Votes per live statement (statement id -> number of votes, passes included)."""
    rows = await db.execute(
        select(_V.statement_id, func.count())
        .join(_S, and_(_S.id == _V.statement_id, _S.status == LIVE))
        .where(_V.deliberation_id == deliberation_id)
        .group_by(_V.statement_id)
    )
    return {sid: int(n) for sid, n in rows.all()}


class VoteRow(NamedTuple):
    """One vote for the analysis: participant number, statement number, vote."""

    participant: int
    statement: int
    vote: int


class VoteArrays(NamedTuple):
    """Every vote on a live statement as three equally long numpy int64 arrays: participant
    number, statement number, vote (+1, -1, 0). A million votes are 24 MB here, where a
    million Python tuples are well over a hundred."""

    participants: Any  # numpy.ndarray (numpy loads when a digest or an analysis first runs)
    statements: Any
    votes: Any

    def rows(self) -> list[VoteRow]:
        return [
            VoteRow(*row)
            for row in zip(
                self.participants.tolist(),
                self.statements.tolist(),
                self.votes.tolist(),
                strict=True,
            )
        ]


async def vote_arrays(db: AsyncSession, deliberation_id: str) -> VoteArrays:
    """Every vote on a live statement, by participant and statement number (pseudonymous:
    no resident id leaves the database).

    A million votes is the digest's largest read, so it is lean: the database joins the
    three integer columns into text itself (one aggregate row: no driver or SQLAlchemy row
    per vote), which numpy parses off the event loop; statement and participant ids become
    numbers through two small sorted maps (numpy ``searchsorted``), not a join row by
    row."""
    import asyncio

    import numpy as np

    statements = (
        await db.execute(
            select(_S.id, _S.number).where(
                _S.deliberation_id == deliberation_id, _S.status == LIVE
            )
        )
    ).all()
    people = (
        await db.execute(
            select(_P.resident_id, _P.number).where(_P.deliberation_id == deliberation_id)
        )
    ).all()
    scan = await _scan_votes(db, deliberation_id)
    where = _votes_of(deliberation_id, scan)
    if db.get_bind().dialect.name == "postgresql":
        # One text of "statement,resident,vote" triples: aligned by construction.
        triple = func.concat_ws(",", _V.statement_id, _V.resident_id, _V.vote)
        texts = (await db.execute(select(func.string_agg(triple, ",")).where(where))).one()
    else:
        # Three texts, one per column: SQLite steps every aggregate of a row together, so
        # the n-th number of each is the same vote's.
        texts = (
            await db.execute(
                select(
                    func.group_concat(_V.statement_id),
                    func.group_concat(_V.resident_id),
                    func.group_concat(_V.vote),
                ).where(where)
            )
        ).one()
    votes = await asyncio.to_thread(_parsed, tuple(texts))
    del texts
    statement_ids, statement_numbers = _sorted_map(statements)
    resident_ids, participant_numbers = _sorted_map(people)
    s_at, s_found = _lookup(statement_ids, votes[:, 0])
    r_at, r_found = _lookup(resident_ids, votes[:, 1])
    keep = s_found & r_found
    return VoteArrays(
        participant_numbers[r_at[keep]],
        statement_numbers[s_at[keep]],
        np.ascontiguousarray(votes[keep, 2]),
    )


async def _scan_votes(db: AsyncSession, deliberation_id: str) -> bool:
    """Whether to read this deliberation's votes by scanning the whole table (SQLite only).

    SQLite otherwise walks the (deliberation, statement) index and fetches every vote's row
    from the table at random: for a million votes that is about four times the CPU of one
    sequential scan. The scan wins while this deliberation holds at least a quarter of all
    votes; two counts on indexes (a few milliseconds per hundred thousand votes) decide."""
    if db.get_bind().dialect.name != "sqlite":
        return False  # PostgreSQL's planner weighs this itself
    ours = await db.scalar(
        select(func.count()).select_from(_V).where(_V.deliberation_id == deliberation_id)
    )
    every = await db.scalar(select(func.count()).select_from(_V))
    return int(ours or 0) * 4 >= int(every or 0)


def _votes_of(deliberation_id: str, scan: bool) -> Any:
    """``deliberation_id = :id`` on the votes; with ``scan``, written so that SQLite does not
    use an index for it (an expression on the column: ``deliberation_id || ''``)."""
    column = _V.deliberation_id.concat("") if scan else _V.deliberation_id
    return column == deliberation_id


def _parsed(texts: tuple[str | None, ...]) -> Any:
    """Votes as an (n, 3) int64 array from the texts :func:`vote_arrays` reads: one text of
    comma-separated triples, or one text per column."""
    import numpy as np

    columns = [
        np.fromstring(text, dtype=np.int64, sep=",") if text else np.empty(0, dtype=np.int64)
        for text in texts
    ]
    if len(columns) == 1:
        return columns[0].reshape(-1, 3)
    return np.stack(columns, axis=1)


def _sorted_map(pairs: Sequence[Any]) -> tuple[Any, Any]:
    """(keys, values) of (key, value) pairs as two numpy arrays sorted by key."""
    import numpy as np

    table = np.array([(int(k), int(v)) for k, v in pairs], dtype=np.int64).reshape(-1, 2)
    table = table[np.argsort(table[:, 0], kind="stable")]
    return table[:, 0].copy(), table[:, 1].copy()


def _lookup(keys: Any, wanted: Any) -> tuple[Any, Any]:
    """Where each of ``wanted`` is in the sorted ``keys``, and whether it is there."""
    import numpy as np

    at = np.searchsorted(keys, wanted)
    inside = at < len(keys)
    found = np.zeros(len(wanted), dtype=bool)
    found[inside] = keys[at[inside]] == wanted[inside]
    return np.where(found, at, 0), found


async def vote_rows(db: AsyncSession, deliberation_id: str) -> list[VoteRow]:
    """:func:`vote_arrays` as a list of rows (small deliberations, tests)."""
    return (await vote_arrays(db, deliberation_id)).rows()


async def participant_number(
    db: AsyncSession, deliberation_id: str, resident_id: int
) -> int | None:
    found = await db.scalar(
        select(_P.number).where(
            _P.deliberation_id == deliberation_id, _P.resident_id == resident_id
        )
    )
    return None if found is None else int(found)


def live_texts(found: Sequence[StatementInfo], language: str) -> list[tuple[int, str]]:
    """(id, text) pairs for a near-duplicate check."""
    return [(s.id, s.text(language)) for s in found]


async def author_contact(db: AsyncSession, statement_id: int) -> tuple[int, str] | None:
    """(chat id, language) of a statement's author, to tell them it went live; None for a
    seed, an anonymised or erased author, or one the bot cannot reach."""
    row = (
        await db.execute(
            select(Contact.chat_id, Resident.language)
            .select_from(_S)
            .join(Resident, Resident.id == _S.author_id)
            .join(Contact, Contact.resident_id == Resident.id)
            .where(_S.id == statement_id, Contact.unreachable_at.is_(None))
        )
    ).first()
    return (int(row[0]), str(row[1])) if row else None


async def digest_counts(
    db: AsyncSession, deliberation_id: str, since: datetime, until: datetime
) -> Counts:
    """Participants (all, and those who came through the web door), votes (all, and in the
    period), statements live / waiting / added by residents: SQL aggregates, nothing loaded
    row by row."""
    on_web = Resident.channel == WEB
    participants, participants_on_web = (
        await db.execute(
            select(func.count(), func.count().filter(on_web))
            .select_from(_P)
            .join(Resident, Resident.id == _P.resident_id)
            .where(_P.deliberation_id == deliberation_id)
        )
    ).one()
    scan = await _scan_votes(db, deliberation_id)
    votes = await db.execute(
        select(
            func.count(),
            func.count().filter(_V.voted_at >= since, _V.voted_at < until),
        ).where(_votes_of(deliberation_id, scan))
    )
    total, in_period = votes.one()
    by_status = dict(
        (
            await db.execute(
                select(_S.status, func.count())
                .where(_S.deliberation_id == deliberation_id)
                .group_by(_S.status)
            )
        ).all()
    )
    by_residents = await db.scalar(
        select(func.count())
        .select_from(_S)
        .where(_S.deliberation_id == deliberation_id, _S.origin == RESIDENT)
    )
    return Counts(
        int(participants or 0),
        int(total or 0),
        int(in_period or 0),
        int(by_status.get(LIVE, 0)),
        int(by_status.get(PENDING, 0)),
        int(by_residents or 0),
        int(participants_on_web or 0),
    )


# --- privacy ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class StoredVote:
    deliberation_id: str
    statement: int  # the statement's number in its deliberation
    vote: int
    voted_at: datetime


@dataclass(frozen=True, slots=True)
class StoredStatement:
    deliberation_id: str
    statement: int
    text: str
    status: str
    anonymised: bool
    created_at: datetime
    language: str | None = None


async def resident_rows(
    db: AsyncSession, resident_id: int
) -> tuple[tuple[StoredVote, ...], tuple[StoredStatement, ...]]:
    """A resident's votes and own statements (/mijngegevens)."""
    votes = await db.execute(
        select(_V.deliberation_id, _S.number, _V.vote, _V.voted_at)
        .join(_S, _S.id == _V.statement_id)
        .where(_V.resident_id == resident_id)
        .order_by(_V.voted_at, _S.number)
    )
    own = await db.execute(
        select(
            _S.deliberation_id,
            _S.number,
            _S.text_nl,
            _S.status,
            _S.anonymised,
            _S.created_at,
            _S.language,
        )
        .where(_S.author_id == resident_id)
        .order_by(_S.created_at, _S.id)
    )
    return (
        tuple(StoredVote(*row) for row in votes.all()),
        tuple(StoredStatement(*row) for row in own.all()),
    )


async def erase_author(db: AsyncSession, resident_id: int) -> int:
    """Before a resident is forgotten: their statements go, unless a moderator made one
    anonymous (then it stays, unlinked). Their votes and places go with the resident
    (ON DELETE CASCADE). The number of statements deleted."""
    deleted = await db.execute(
        delete(DeliberationStatement)
        .where(_S.author_id == resident_id, _S.anonymised.is_(False))
        .execution_options(synchronize_session=False)
    )
    await db.execute(
        update(DeliberationStatement)
        .where(_S.author_id == resident_id)
        .values(author_id=None)
        .execution_options(synchronize_session=False)
    )
    return int(deleted.rowcount or 0)  # type: ignore[attr-defined]


async def lifecycle(db: AsyncSession) -> list[tuple[str, str, datetime | None, str, str]]:
    """Every deliberation's id, status, ``closed_at``, checksum and source: for retention,
    which counts a deliberation as closed from its ``closes_at`` date too."""
    rows = await db.execute(
        select(
            DeliberationRecord.id,
            DeliberationRecord.status,
            DeliberationRecord.closed_at,
            DeliberationRecord.checksum,
            DeliberationRecord.source,
        ).order_by(DeliberationRecord.id)
    )
    return [tuple(row) for row in rows]  # type: ignore[misc]


async def apply_retention(db: AsyncSession, due: Sequence[str]) -> int:
    """Residents' statements of the deliberations ``due`` (closed at least the retention
    period ago): deleted, unless made anonymous (then unlinked from their author). The
    number deleted."""
    if not due:
        return 0
    scope = and_(_S.deliberation_id.in_(list(due)), _S.author_id.is_not(None))
    deleted = await db.execute(
        delete(DeliberationStatement)
        .where(scope, _S.anonymised.is_(False))
        .execution_options(synchronize_session=False)
    )
    await db.execute(
        update(DeliberationStatement)
        .where(scope)
        .values(author_id=None)
        .execution_options(synchronize_session=False)
    )
    return int(deleted.rowcount or 0)  # type: ignore[attr-defined]


# --- export -------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ExportStatement:
    number: int
    author: int | None  # the author's participant number; None: a seed or unlinked
    created_at: datetime
    text: str


@dataclass(frozen=True, slots=True)
class ExportVote:
    participant: int
    statement: int
    vote: int
    voted_at: datetime


async def export_rows(
    db: AsyncSession, deliberation_id: str
) -> tuple[list[ExportStatement], list[ExportVote]]:
    """The live statements (with their author's participant number) and every vote on them,
    by participant number: what a Polis export holds, and nothing that names a resident."""
    author = (
        select(_P.number)
        .where(_P.deliberation_id == _S.deliberation_id, _P.resident_id == _S.author_id)
        .scalar_subquery()
    )
    statements = await db.execute(
        select(_S.number, author, _S.created_at, _S.text_nl)
        .where(_S.deliberation_id == deliberation_id, _S.status == LIVE)
        .order_by(_S.number)
    )
    votes = await db.execute(
        select(_P.number, _S.number, _V.vote, _V.voted_at)
        .select_from(_V)
        .join(_S, and_(_S.id == _V.statement_id, _S.status == LIVE))
        .join(_P, and_(_P.deliberation_id == _V.deliberation_id, _P.resident_id == _V.resident_id))
        .where(_V.deliberation_id == deliberation_id)
        .order_by(_V.voted_at, _P.number, _S.number)
    )
    return (
        [ExportStatement(*row) for row in statements.all()],
        [ExportVote(*row) for row in votes.all()],
    )

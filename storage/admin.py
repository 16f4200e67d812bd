"""Questionnaire administration in the database: drafts, publishing, seeding, changes of
status by hand, and response counts. The rules (which status, which refusal, which step) are
:mod:`flows.lifecycle`'s; this module reads and writes around them.

Longer than 500 lines on purpose: a questionnaire's whole life in the database,
draft to archive, in one place, so the order of its steps reads at once.

A *draft version* is a row in ``questionnaire_versions`` with ``published_at`` NULL: an
upload being previewed or tested. Residents never start one. A questionnaire that was never
published has status ``draft`` and points (``current_version``) at its draft.

``opens_at`` and ``closes_at`` of the current version are honoured by
:func:`storage.schedule.apply_schedule`.

As everywhere in ``storage``: the caller owns the transaction; nothing here commits.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, tzinfo

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from flows import lifecycle
from flows.catalog import Key, Listed
from flows.lifecycle import ARCHIVED, CLOSED, DRAFT, OPEN, Refused
from flows.loader import parse
from flows.schema import Questionnaire
from storage.models import Answer, QuestionnaireRecord, QuestionnaireVersion, Session
from storage.repo import ACTIVE, COMPLETED, EXPIRED, PAUSED, REPLACED


class ChangedVersionError(Exception):
    """A published (id, version) whose content changed: it needs a new version number."""


def checksum(source: str) -> str:
    """What tells two stored versions apart: the SHA-256 of the file's text."""
    return hashlib.sha256(source.encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class Draft:
    questionnaire_id: str
    version: int
    new_questionnaire: bool  # no version of this id was published before
    replaced: bool  # an earlier draft of this questionnaire was thrown away
    live_version: int | None  # the published version residents start on now
    checksum: str  # of the stored source


@dataclass(frozen=True, slots=True)
class VersionInfo:
    questionnaire_id: str
    version: int
    source: str
    checksum: str
    loaded_at: datetime
    published_at: datetime | None
    uploaded_by: int | None

    @property
    def published(self) -> bool:
        return self.published_at is not None


@dataclass(frozen=True, slots=True)
class Published:
    questionnaire_id: str
    version: int
    status: str  # the questionnaire's status afterwards
    previous_version: int | None  # the version residents started on before


@dataclass(frozen=True, slots=True)
class Change:
    questionnaire_id: str
    before: str
    after: str
    at: datetime


@dataclass(frozen=True, slots=True)
class QuestionnaireState:
    """One questionnaire as /beheer and ``questionnaire list`` show it."""

    id: str
    status: str
    current_version: int
    published: bool  # False: never published, only a draft so far
    opened_at: datetime | None
    closed_at: datetime | None
    draft_version: int | None  # an unpublished upload waiting for preview/test/publish
    completed: int  # responses that count (no tests, no replaced revisions)
    in_progress: int  # active or paused


# --- Catalog --------------------------------------------------------------------------------


async def catalog_listing(db: AsyncSession) -> list[Listed]:
    """Every stored version without its source: cheap enough to run every few seconds."""
    rows = await db.execute(
        select(
            QuestionnaireVersion.questionnaire_id,
            QuestionnaireVersion.version,
            QuestionnaireVersion.checksum,
            QuestionnaireVersion.published_at,
            QuestionnaireRecord.status,
            QuestionnaireRecord.current_version,
        )
        .join(QuestionnaireRecord, QuestionnaireRecord.id == QuestionnaireVersion.questionnaire_id)
        .order_by(QuestionnaireVersion.questionnaire_id, QuestionnaireVersion.version)
    )
    return [
        Listed(
            qid,
            version,
            digest,
            status,
            current=published_at is not None and version == current_version,
        )
        for qid, version, digest, published_at, status, current_version in rows
    ]


async def sources(db: AsyncSession, keys: Iterable[Key]) -> dict[Key, str]:
    """The YAML sources of the versions ``keys``."""
    wanted = set(keys)
    found: dict[Key, str] = {}
    for qid in {qid for qid, _ in wanted}:
        rows = await db.execute(
            select(QuestionnaireVersion.version, QuestionnaireVersion.source).where(
                QuestionnaireVersion.questionnaire_id == qid
            )
        )
        for version, source in rows:
            if (qid, version) in wanted:
                found[(qid, version)] = source
    return found


# --- Versions -------------------------------------------------------------------------------


async def get_version(db: AsyncSession, questionnaire_id: str, version: int) -> VersionInfo | None:
    row = await db.get(QuestionnaireVersion, (questionnaire_id, version))
    if row is None:
        return None
    return VersionInfo(
        row.questionnaire_id,
        row.version,
        row.source,
        row.checksum,
        row.loaded_at,
        row.published_at,
        row.uploaded_by,
    )


async def _published_top(db: AsyncSession, questionnaire_id: str) -> int | None:
    top = await db.scalar(
        select(func.max(QuestionnaireVersion.version)).where(
            QuestionnaireVersion.questionnaire_id == questionnaire_id,
            QuestionnaireVersion.published_at.is_not(None),
        )
    )
    return int(top) if top is not None else None


async def _drop_version(db: AsyncSession, questionnaire_id: str, version: int) -> None:
    """An unpublished version and its test runs (nobody else can have started it)."""
    on_version = select(Session.id).where(
        Session.questionnaire_id == questionnaire_id, Session.questionnaire_version == version
    )
    await db.execute(delete(Answer).where(Answer.session_id.in_(on_version)))
    await db.execute(
        delete(Session).where(
            Session.questionnaire_id == questionnaire_id, Session.questionnaire_version == version
        )
    )
    await db.execute(
        delete(QuestionnaireVersion).where(
            QuestionnaireVersion.questionnaire_id == questionnaire_id,
            QuestionnaireVersion.version == version,
            QuestionnaireVersion.published_at.is_(None),
        )
    )


async def _add_version(
    db: AsyncSession,
    questionnaire: Questionnaire,
    source: str,
    digest: str,
    now: datetime,
    *,
    published: bool,
    by: int | None = None,
) -> None:
    db.add(
        QuestionnaireVersion(
            questionnaire_id=questionnaire.id,
            version=questionnaire.version,
            source=source,
            checksum=digest,
            loaded_at=now,
            published_at=now if published else None,
            uploaded_by=by,
        )
    )
    await db.flush()


async def _locked_draft(
    db: AsyncSession, questionnaire_id: str, version: int
) -> QuestionnaireVersion | None:
    """The version row, read anew and locked (PostgreSQL; SQLite has one writer at a time):
    of two administrators pressing "Publiceren" or "Annuleren" at once, one wins."""
    return await db.get(
        QuestionnaireVersion,
        (questionnaire_id, version),
        with_for_update=True,
        populate_existing=True,
    )


async def store_draft(
    db: AsyncSession,
    questionnaire: Questionnaire,
    source: str,
    *,
    uploaded_by: int | None,
    now: datetime,
) -> Draft:
    """Keep a validated upload as the questionnaire's draft (one draft per questionnaire:
    an earlier one, with its test runs, is replaced). Raises :class:`Refused`."""
    qid, version = questionnaire.id, questionnaire.version
    lifecycle.check_version(version)
    digest = checksum(source)
    existing = await db.get(QuestionnaireVersion, (qid, version))
    if existing is not None and existing.published_at is not None:
        raise lifecycle.already_published(qid, version, same=existing.checksum == digest)
    top = await _published_top(db, qid)
    lifecycle.check_newer(qid, version, top)
    record = await db.get(QuestionnaireRecord, qid)
    if record is not None and record.status == ARCHIVED:
        raise lifecycle.archived(qid)
    drafts = list(
        await db.scalars(
            select(QuestionnaireVersion.version).where(
                QuestionnaireVersion.questionnaire_id == qid,
                QuestionnaireVersion.published_at.is_(None),
            )
        )
    )
    for old in drafts:
        await _drop_version(db, qid, old)
    if existing is not None:  # the same draft uploaded again: deleted above, added below
        db.expunge(existing)
    if record is None:
        db.add(QuestionnaireRecord(id=qid, current_version=version, status=DRAFT, created_at=now))
        await db.flush()
    elif top is None:
        record.current_version = version  # never published: the record points at the draft
    await _add_version(db, questionnaire, source, digest, now, published=False, by=uploaded_by)
    return Draft(qid, version, top is None, bool(drafts), top, digest)


async def discard_draft(
    db: AsyncSession, questionnaire_id: str, version: int, *, mark: str | None = None
) -> bool:
    """Throw a draft away with its test runs; a questionnaire that only had this draft goes
    too. False when there is no such draft (already published or discarded).

    ``mark``: the start of the checksum of the file the administrator saw; a draft with
    other content (sent later with the same version number) is refused (``replaced``)."""
    row = await _locked_draft(db, questionnaire_id, version)
    if row is None or row.published_at is not None:
        return False
    lifecycle.check_mark(questionnaire_id, version, row.checksum, mark)
    await _drop_version(db, questionnaire_id, version)
    left = await db.scalar(
        select(func.count()).where(QuestionnaireVersion.questionnaire_id == questionnaire_id)
    )
    if not left:
        await db.execute(
            delete(QuestionnaireRecord).where(QuestionnaireRecord.id == questionnaire_id)
        )
    await db.flush()
    db.expunge_all()  # rows deleted in SQL must not linger in the identity map
    return True


def _first_publication(
    record: QuestionnaireRecord,
    questionnaire: Questionnaire,
    now: datetime,
    zone: tzinfo,
    *,
    seeding: bool = False,
) -> None:
    opening = lifecycle.first_publication(questionnaire, now, zone, seeding=seeding)
    record.status = opening.status
    record.opened_at = opening.opened_at
    record.closed_at = opening.closed_at


async def publish(
    db: AsyncSession,
    questionnaire_id: str,
    version: int,
    *,
    now: datetime,
    zone: tzinfo,
    mark: str | None = None,
    known: Mapping[str, Questionnaire] | None = None,
) -> Published:
    """Make a draft the version new sessions start on. Sessions already running stay on
    the version they started with. A first publication opens the questionnaire (or leaves
    it to the schedule when ``opens_at`` lies ahead); a later one keeps its status.

    Two administrators pressing "Publiceren" (or "Annuleren") at once: one wins and the
    other is refused. ``mark`` as for :func:`discard_draft`; ``known`` as for
    :func:`stored_questionnaire`."""
    row = await _locked_draft(db, questionnaire_id, version)
    if row is None:
        raise lifecycle.gone(questionnaire_id, version)
    if row.published_at is not None:
        raise lifecycle.already_published(questionnaire_id, version)
    lifecycle.check_mark(questionnaire_id, version, row.checksum, mark)
    record = await db.get(QuestionnaireRecord, questionnaire_id)
    assert record is not None  # a version always has its questionnaire (foreign key)
    if record.status == ARCHIVED:  # archived after this draft was uploaded
        raise lifecycle.archived(questionnaire_id)
    top = await _published_top(db, questionnaire_id)
    lifecycle.check_newer(questionnaire_id, version, top)
    row.published_at = now
    if top is None:
        _first_publication(record, stored_questionnaire(row, known), now, zone)
    record.current_version = version
    await db.flush()
    return Published(questionnaire_id, version, record.status, top)


async def seed(
    db: AsyncSession, questionnaire: Questionnaire, source: str, *, now: datetime, zone: tzinfo
) -> bool:
    """Store a version read from QUESTIONNAIRES_DIR, published at once; True when new.

    Idempotent, and it never changes a known questionnaire's status: a closed or archived
    questionnaire is not opened again by a file. The same (id, version) with other content
    is refused (:class:`ChangedVersionError`); a draft uploaded with that
    number is left alone.
    """
    qid, version = questionnaire.id, questionnaire.version
    digest = checksum(source)
    stored = await db.get(QuestionnaireVersion, (qid, version))
    if stored is not None:
        if stored.published_at is not None and stored.checksum != digest:
            raise ChangedVersionError(
                f"questionnaire {qid} version {version} differs from the version "
                f"already in the database; raise 'version' to publish the change"
            )
        return False
    top = await _published_top(db, qid)
    record = await db.get(QuestionnaireRecord, qid)
    if record is None:
        record = QuestionnaireRecord(id=qid, current_version=version, created_at=now)
        db.add(record)
    if top is None:
        _first_publication(record, questionnaire, now, zone, seeding=True)
        record.current_version = version
    elif version > top:
        record.current_version = version
    await db.flush()
    await _add_version(db, questionnaire, source, digest, now, published=True)
    return True


# --- Changes of status ----------------------------------------------------------------------


@functools.lru_cache(maxsize=16)
def parse_stored(source: str) -> Questionnaire:
    """A stored source, validated when it was stored; parsed again only for its dates (when
    publishing or opening; :mod:`storage.schedule` remembers them by checksum)."""
    return parse(source, "<stored questionnaire>")


def stored_questionnaire(
    row: QuestionnaireVersion, known: Mapping[str, Questionnaire] | None
) -> Questionnaire:
    """The questionnaire of a stored version: from ``known`` (parsed already, by the
    checksum of its source: the bot's catalog, parsed off the event loop), else parsed here
    (a large one takes a second: the command line may, the bot should not)."""
    found = known.get(row.checksum) if known else None
    return found if found is not None else parse_stored(row.source)


async def set_status(
    db: AsyncSession, questionnaire_id: str, before: str, step: lifecycle.Step
) -> bool:
    """Record ``step`` unless the status is no longer ``before`` (someone was quicker)."""
    result = await db.execute(
        update(QuestionnaireRecord)
        .where(QuestionnaireRecord.id == questionnaire_id, QuestionnaireRecord.status == before)
        .values(status=step.after, **step.stamps)
        .execution_options(synchronize_session=False)
    )
    return bool(getattr(result, "rowcount", 0))


async def transition(
    db: AsyncSession,
    questionnaire_id: str,
    action: str,
    *,
    now: datetime,
    zone: tzinfo,
    known: Mapping[str, Questionnaire] | None = None,
) -> Change:
    """``open``, ``close`` or ``archive`` a questionnaire by hand, as
    :mod:`flows.lifecycle` allows. Raises :class:`Refused`. ``known`` as for
    :func:`stored_questionnaire`.

    A resident who is answering when a questionnaire closes may finish (until
    SESSION_TIMEOUT); archiving ends what is still in progress.
    """
    if action not in lifecycle.ACTIONS:
        raise ValueError(f"unknown action {action!r}")
    record = await db.get(QuestionnaireRecord, questionnaire_id)
    if record is None:
        raise lifecycle.unknown(questionnaire_id)
    published = await _published_top(db, questionnaire_id) is not None
    before = record.status
    refused = lifecycle.refusal(questionnaire_id, action, before, published=published)
    if refused is not None:
        raise refused
    step = lifecycle.by_hand(action, now, closed_at=record.closed_at)
    if step.after == OPEN:
        version = await db.get(QuestionnaireVersion, (questionnaire_id, record.current_version))
        assert version is not None
        questionnaire = stored_questionnaire(version, known)
        lifecycle.check_opening(
            questionnaire_id, questionnaire.opens_at, questionnaire.closes_at, now, zone
        )
    if not await set_status(db, questionnaire_id, before, step):
        # Another administrator was quicker.
        raise Refused(
            "same", f"{questionnaire_id} changed meanwhile; look again", status=step.after
        )
    if step.after == ARCHIVED:
        await db.execute(
            update(Session)
            .where(
                Session.questionnaire_id == questionnaire_id,
                Session.status.in_((ACTIVE, PAUSED)),
            )
            .values(status=EXPIRED, updated_at=now)
            .execution_options(synchronize_session=False)
        )
    db.expire_all()
    return Change(questionnaire_id, before, step.after, now)


# --- Overview -------------------------------------------------------------------------------


async def response_counts(
    db: AsyncSession, questionnaire_id: str | None = None
) -> dict[str, tuple[int, int]]:
    """(completed, in progress) per questionnaire; test runs and replaced revisions left out."""
    query = (
        select(Session.questionnaire_id, Session.status, func.count())
        .where(Session.is_test.is_(False), Session.status != REPLACED)
        .group_by(Session.questionnaire_id, Session.status)
    )
    if questionnaire_id is not None:
        query = query.where(Session.questionnaire_id == questionnaire_id)
    counts: dict[str, tuple[int, int]] = {}
    for qid, status, count in await db.execute(query):
        done, going = counts.get(qid, (0, 0))
        if status == COMPLETED:
            done += count
        elif status in (ACTIVE, PAUSED):
            going += count
        counts[qid] = (done, going)
    return counts


async def overview(
    db: AsyncSession, questionnaire_id: str | None = None
) -> list[QuestionnaireState]:
    """Every questionnaire (or one) with its status, draft and response counts; open ones
    first, then drafts, closed and archived, each by id."""
    records = select(QuestionnaireRecord)
    if questionnaire_id is not None:
        records = records.where(QuestionnaireRecord.id == questionnaire_id)
    versions = select(
        QuestionnaireVersion.questionnaire_id,
        QuestionnaireVersion.version,
        QuestionnaireVersion.published_at,
    )
    if questionnaire_id is not None:
        versions = versions.where(QuestionnaireVersion.questionnaire_id == questionnaire_id)
    published: set[str] = set()
    drafts: dict[str, int] = {}
    for qid, version, published_at in await db.execute(versions):
        if published_at is None:
            drafts[qid] = max(version, drafts.get(qid, 0))
        else:
            published.add(qid)
    counts = await response_counts(db, questionnaire_id)
    found = [
        QuestionnaireState(
            record.id,
            record.status,
            record.current_version,
            record.id in published,
            record.opened_at,
            record.closed_at,
            drafts.get(record.id),
            *counts.get(record.id, (0, 0)),
        )
        for record in (await db.scalars(records)).all()
    ]
    order = {OPEN: 0, DRAFT: 1, CLOSED: 2, ARCHIVED: 3}
    return sorted(found, key=lambda q: (order.get(q.status, 9), q.id))


async def state_of(db: AsyncSession, questionnaire_id: str) -> QuestionnaireState | None:
    found = await overview(db, questionnaire_id)
    return found[0] if found else None

"""Deliberation files uploaded by an administrator: kept as a draft until published or
thrown away, and what publishing a new version does to the statements and their votes.

The version rules are those of questionnaires: a new version has a higher number than the
published one; the same number again is refused (``published`` when the file is the same,
``changed`` when it is not), a lower one too (``older``). A draft's buttons act only on the
file they previewed (the start of its checksum, ``mark``). What a new version does to the
published seed statements is :class:`flows.deliberation.VersionPlan`: statements whose
Dutch text stays keep every vote; a reworded or removed statement is retired (status
``rejected`` with reason :data:`RETIRED`: not shown, not counted, not exported) and a
reworded one starts afresh under a new number. Residents' statements and participants are
not touched, so a resident carries on where they were.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from flows.deliberation import Deliberation, VersionPlan, parse, plan_version
from flows.lifecycle import Refused, already_published, check_newer
from storage import deliberations
from storage.deliberations import LIVE, REJECTED, SEED, checksum
from storage.models import (
    DeliberationDraft,
    DeliberationRecord,
    DeliberationStatement,
    QuestionnaireRecord,
)

#: The moderation reason of a seed statement retired by a new version.
RETIRED = "version"

_S = DeliberationStatement


@dataclass(frozen=True, slots=True)
class StoredDraft:
    """An uploaded file kept as the deliberation's draft."""

    checksum: str
    live_version: int | None  # the published version it would replace
    replaced: bool  # it replaces another waiting draft
    plan: VersionPlan | None  # what it does to the published statements


@dataclass(frozen=True, slots=True)
class WaitingDraft:
    deliberation_id: str
    version: int
    source: str
    checksum: str


@dataclass(frozen=True, slots=True)
class PublishedDeliberation:
    deliberation_id: str
    version: int
    previous_version: int | None
    status: str
    plan: VersionPlan | None

    def audit_detail(self) -> dict[str, object]:
        """What the audit log keeps of this publication, wherever it was done (in chat or
        with ``samenspraak questionnaire import --publish``)."""
        detail: dict[str, object] = {"version": self.version, "kind": "stellingen"}
        if self.plan is not None:
            detail.update(
                previous=self.previous_version,
                kept=len(self.plan.kept),
                reworded=len(self.plan.reworded),
                removed=len(self.plan.removed),
                added=len(self.plan.added),
            )
        return detail


async def _check_version(
    db: AsyncSession, deliberation: Deliberation, digest: str
) -> DeliberationRecord | None:
    """The published deliberation this file would replace; refused when its number is not
    higher, or when a questionnaire has the id (the link ``?start=<id>`` would be ambiguous)."""
    did, version = deliberation.id, deliberation.version
    if await db.get(QuestionnaireRecord, did) is not None:
        raise Refused(
            "taken",
            f"{did} is the id of a questionnaire; give the deliberation another id",
            questionnaire=did,
        )
    live = await db.get(DeliberationRecord, did)
    if live is None:
        return None
    if version == live.version:
        raise already_published(did, version, same=live.checksum == digest)
    check_newer(did, version, live.version)
    return live


async def store_draft(
    db: AsyncSession,
    deliberation: Deliberation,
    source: str,
    *,
    uploaded_by: int | None,
    now: datetime,
) -> StoredDraft:
    """Keep ``source`` as the draft of its deliberation (replacing a waiting one); raises
    :class:`Refused` when its version cannot follow the published one."""
    digest = checksum(source)
    live = await _check_version(db, deliberation, digest)
    plan = plan_version(parse(live.source, live.id), deliberation) if live else None
    existing = await db.get(DeliberationDraft, deliberation.id)
    replaced = existing is not None and existing.checksum != digest
    if existing is None:
        db.add(
            DeliberationDraft(
                deliberation_id=deliberation.id,
                version=deliberation.version,
                source=source,
                checksum=digest,
                uploaded_by=uploaded_by,
                uploaded_at=now,
            )
        )
    else:
        existing.version, existing.source, existing.checksum = deliberation.version, source, digest
        existing.uploaded_by, existing.uploaded_at = uploaded_by, now
    await db.flush()
    return StoredDraft(digest, live.version if live else None, replaced, plan)


async def draft(db: AsyncSession, deliberation_id: str) -> WaitingDraft | None:
    row = await db.get(DeliberationDraft, deliberation_id)
    if row is None:
        return None
    return WaitingDraft(row.deliberation_id, row.version, row.source, row.checksum)


async def waiting(db: AsyncSession) -> list[WaitingDraft]:
    """Every draft waiting to be published or thrown away, by id (for /beheer)."""
    rows = (
        await db.scalars(select(DeliberationDraft).order_by(DeliberationDraft.deliberation_id))
    ).all()
    return [WaitingDraft(r.deliberation_id, r.version, r.source, r.checksum) for r in rows]


async def shown_again(
    db: AsyncSession, deliberation_id: str, version: int, *, mark: str | None = None
) -> tuple[Deliberation, StoredDraft]:
    """The waiting draft as its preview showed it (what it replaces, what it does to the
    published statements), to show it again or test it; :class:`Refused` ``gone`` or
    ``replaced`` as for publishing."""
    row = await _waiting(db, deliberation_id, version, mark)
    new = parse(row.source, deliberation_id)
    live = await db.get(DeliberationRecord, deliberation_id)
    plan = plan_version(parse(live.source, live.id), new) if live else None
    return new, StoredDraft(row.checksum, live.version if live else None, False, plan)


async def _waiting(
    db: AsyncSession, deliberation_id: str, version: int, mark: str | None
) -> DeliberationDraft:
    row = await db.get(DeliberationDraft, deliberation_id)
    if row is None or row.version != version:
        raise Refused("gone", f"no draft {deliberation_id}@{version}")
    if mark is not None and not row.checksum.startswith(mark):
        raise Refused("replaced", f"draft {deliberation_id}@{version} was replaced")
    return row


async def discard(
    db: AsyncSession, deliberation_id: str, version: int, *, mark: str | None
) -> None:
    """Throw the draft away; :class:`Refused` ``gone`` or ``replaced`` as for publishing."""
    await db.delete(await _waiting(db, deliberation_id, version, mark))
    await db.flush()


async def publish(
    db: AsyncSession, deliberation_id: str, version: int, *, mark: str | None, now: datetime
) -> PublishedDeliberation:
    """Publish the waiting draft: a new deliberation opens; a new version replaces the
    published one as :class:`VersionPlan` says (its status, open or closed, stays)."""
    row = await _waiting(db, deliberation_id, version, mark)
    source = row.source
    new = parse(source, deliberation_id)
    live = await _check_version(db, new, row.checksum)
    await db.delete(row)
    if live is None:
        await deliberations.seed(db, new, source, now=now)
        return PublishedDeliberation(deliberation_id, version, None, deliberations.OPEN, None)
    plan = plan_version(parse(live.source, live.id), new)
    await _apply(db, new, plan, now=now)
    previous = live.version
    live.version, live.source, live.checksum = version, source, row.checksum
    await db.flush()
    return PublishedDeliberation(deliberation_id, version, previous, live.status, plan)


async def _apply(db: AsyncSession, new: Deliberation, plan: VersionPlan, *, now: datetime) -> None:
    did = new.id
    seeds = _S.deliberation_id == did, _S.origin == SEED, _S.status == LIVE
    gone = (*plan.reworded, *plan.removed)
    if gone:
        await db.execute(
            update(_S)
            .where(*seeds, _S.seed_id.in_(gone))
            .values(status=REJECTED, moderation_reason=RETIRED, moderated_at=now)
            .execution_options(synchronize_session=False)
        )
    by_id = {statement.id: statement for statement in new.statements}
    for seed_id in plan.kept:  # the same words: English, dimension and spelling follow
        statement = by_id[seed_id]
        await db.execute(
            update(_S)
            .where(*seeds, _S.seed_id == seed_id)
            .values(
                text_nl=statement.text.nl,
                text_en=statement.text.en,
                dimension=statement.dimension.value if statement.dimension else None,
            )
            .execution_options(synchronize_session=False)
        )
    fresh = [by_id[i] for i in (*plan.reworded, *plan.added)]
    if not fresh:
        return
    highest = await db.scalar(select(func.max(_S.number)).where(_S.deliberation_id == did))
    number = 0 if highest is None else int(highest) + 1
    for offset, statement in enumerate(fresh):
        db.add(deliberations.seed_row(did, number + offset, statement, now))
    await db.flush()

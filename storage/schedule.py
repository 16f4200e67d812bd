"""The questionnaires' schedule in the database: which ``opens_at`` and ``closes_at`` have
come, and the steps :func:`flows.lifecycle.scheduled` takes for them (run by a job every
JOBS_INTERVAL; a condition over the stored data, so a moment that passed while the bot was
down is caught up at the next run).

As everywhere in ``storage``: the caller owns the transaction; nothing here commits.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, tzinfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from flows import lifecycle
from flows.lifecycle import DRAFT, OPEN
from flows.schema import Questionnaire
from storage import admin
from storage.models import QuestionnaireRecord, QuestionnaireVersion


async def apply_schedule(
    db: AsyncSession,
    *,
    now: datetime,
    zone: tzinfo,
    known: Mapping[str, Questionnaire] | None = None,
) -> list[admin.Change]:
    """Take the steps :func:`flows.lifecycle.scheduled` says: open and close questionnaires
    whose ``opens_at``/``closes_at`` has come (also when the bot was down at that moment).

    Runs every JOBS_INTERVAL: the dates of a version are read from its source once (by
    checksum) and remembered, so a run without changes reads no source and parses nothing;
    a version in ``known`` (parsed already, by checksum: the bot's catalog) is not parsed
    at all.
    """
    rows = await db.execute(
        select(
            QuestionnaireRecord.id,
            QuestionnaireRecord.status,
            QuestionnaireVersion.version,
            QuestionnaireVersion.checksum,
        )
        .join(
            QuestionnaireVersion,
            (QuestionnaireVersion.questionnaire_id == QuestionnaireRecord.id)
            & (QuestionnaireVersion.version == QuestionnaireRecord.current_version),
        )
        .where(
            QuestionnaireRecord.status.in_((DRAFT, OPEN)),
            QuestionnaireVersion.published_at.is_not(None),
        )
        .order_by(QuestionnaireRecord.id)
    )
    candidates = rows.all()
    unknown = {(qid, version): digest for qid, _, version, digest in candidates}
    unknown = {key: digest for key, digest in unknown.items() if digest not in _DATES}
    for key, digest in list(unknown.items()):
        if known and (parsed := known.get(digest)) is not None:
            _remember_dates(digest, parsed.opens_at, parsed.closes_at)
            del unknown[key]
    if unknown:
        for key, text in (await admin.sources(db, unknown)).items():
            questionnaire = admin.parse_stored(text)
            _remember_dates(unknown[key], questionnaire.opens_at, questionnaire.closes_at)
    changes: list[admin.Change] = []
    for qid, status, _version, digest in candidates:
        if digest not in _DATES:
            continue  # changed between the two queries: the next run sees it
        step = lifecycle.scheduled(status, *_DATES[digest], now, zone)
        if step is not None and await admin.set_status(db, qid, status, step):
            changes.append(admin.Change(qid, status, step.after, step.at))
    return changes


# opens_at and closes_at of each stored source, by its checksum (a few bytes each).
_DATES: dict[str, tuple[datetime | None, datetime | None]] = {}
MAX_REMEMBERED_DATES = 10_000


def _remember_dates(digest: str, opens_at: datetime | None, closes_at: datetime | None) -> None:
    if len(_DATES) >= MAX_REMEMBERED_DATES:
        _DATES.clear()
    _DATES[digest] = (opens_at, closes_at)

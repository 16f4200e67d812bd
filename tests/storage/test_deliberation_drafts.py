"""Deliberation drafts and new versions in the database, on SQLite and PostgreSQL: the
version rules of questionnaires (same number refused, lower refused, a questionnaire's id
refused), a draft replaced by a newer upload and bound to its checksum, and what a new
version does to the statements and their votes (kept, reworded, removed, added)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from flows.deliberation import Vote, parse
from flows.lifecycle import Refused
from storage import deliberation_drafts as drafts
from storage import deliberations as store
from storage.models import DeliberationStatement
from tests.storage.helpers import mini_source, sync, variant
from tests.storage.test_deliberations import _resident

NOW = datetime(2026, 6, 1, 12, tzinfo=UTC)
Sessions = async_sessionmaker[AsyncSession]


def source(version: int, statements: dict[str, str]) -> str:
    lines = [
        "schema_version: 1",
        "kind: stellingen",
        "id: plein",
        f"version: {version}",
        "theme: {nl: Buurt, en: Neighbourhood}",
        "title: {nl: Het plein, en: The square}",
        "intro: {nl: Over het plein., en: About the square.}",
        "statements:",
    ]
    for sid, text in statements.items():
        lines += [f"  - id: {sid}", f"    text: {{nl: '{text}', en: '{text} (en)'}}"]
    return "\n".join(lines) + "\n"


V1 = {
    "bank": "Er moeten bankjes op het plein.",
    "licht": "Het plein is te donker.",
    "markt": "Meer markt.",
}
V2 = {
    "bank": "Er moeten BANKJES op het plein!",
    "licht": "Er moet meer licht op het plein.",
    "kunst": "Kunst op het plein.",
}


async def _store(sessions: Sessions, text: str) -> drafts.StoredDraft:
    async with sessions.begin() as db:
        return await drafts.store_draft(db, parse(text), text, uploaded_by=1, now=NOW)


async def _publish(
    sessions: Sessions, version: int, mark: str | None = None
) -> drafts.PublishedDeliberation:
    async with sessions.begin() as db:
        return await drafts.publish(db, "plein", version, mark=mark, now=NOW)


async def test_versions_keep_the_votes_of_unchanged_statements(sessions: Sessions) -> None:
    first = await _store(sessions, source(1, V1))
    assert (first.live_version, first.replaced, first.plan) == (None, False, None)
    published = await _publish(sessions, 1, first.checksum[:6])
    assert (published.previous_version, published.status) == (None, "open")
    async with sessions.begin() as db:
        live = await store.statements(db, "plein")
        anna = await _resident(db, "anna")
        await store.join(db, "plein", anna, now=NOW)
        for statement in live:
            await store.vote(db, statement, anna, Vote.AGREE, now=NOW)
    # The same number again: refused, as published (same file) or changed (another file).
    for text, code in ((source(1, V1), "published"), (source(1, V2), "changed")):
        with pytest.raises(Refused) as refused:
            await _store(sessions, text)
        assert refused.value.code == code
    second = await _store(sessions, source(2, V2))
    assert second.live_version == 1 and second.plan is not None
    assert second.plan == drafts.VersionPlan(("bank",), ("licht",), ("markt",), ("kunst",))
    # A newer upload of the same version replaces the draft; the old preview's mark fails.
    newer = await _store(sessions, source(2, {**V2, "kunst": "Beelden op het plein."}))
    assert newer.replaced
    with pytest.raises(Refused) as refused:
        await _publish(sessions, 2, second.checksum[:6])
    assert refused.value.code == "replaced"
    done = await _publish(sessions, 2, newer.checksum[:6])
    assert (done.previous_version, done.status) == (1, "open")
    async with sessions() as db:
        rows = (
            await db.scalars(
                select(DeliberationStatement)
                .where(DeliberationStatement.deliberation_id == "plein")
                .order_by(DeliberationStatement.number)
            )
        ).all()
        votes = await store.votes_of(db, "plein", anna)
        info = await store.get(db, "plein")
    assert [(r.number, r.seed_id, r.status, r.text_nl) for r in rows] == [
        (0, "bank", "live", V2["bank"]),
        (1, "licht", "rejected", V1["licht"]),
        (2, "markt", "rejected", V1["markt"]),
        (3, "licht", "live", V2["licht"]),
        (4, "kunst", "live", "Beelden op het plein."),
    ]
    assert rows[1].moderation_reason == drafts.RETIRED
    # Every vote is still stored; only the one on the kept statement is on a live one.
    assert set(votes) == {rows[0].id, rows[1].id, rows[2].id}
    assert info is not None and (info.version, info.checksum) == (2, newer.checksum)
    async with sessions() as db:
        assert await drafts.draft(db, "plein") is None
    # Lower than the published version: refused.
    with pytest.raises(Refused) as refused:
        await _store(sessions, source(1, {**V1, "extra": "Nog een stelling."}))
    assert refused.value.code == "older"


async def test_a_draft_is_thrown_away_and_a_questionnaire_id_is_refused(
    sessions: Sessions,
) -> None:
    stored = await _store(sessions, source(1, V1))
    async with sessions.begin() as db:
        await drafts.discard(db, "plein", 1, mark=stored.checksum[:6])
    with pytest.raises(Refused) as refused:
        await _publish(sessions, 1)
    assert refused.value.code == "gone"
    async with sessions() as db:
        assert await store.get(db, "plein") is None
    await sync(sessions, "plein", 1, variant(mini_source(), questionnaire_id="plein"))
    with pytest.raises(Refused) as refused:
        await _store(sessions, source(1, V1))
    assert refused.value.code == "taken"


async def test_waiting_drafts_are_listed_and_shown_again_as_their_preview_showed_them(
    sessions: Sessions,
) -> None:
    async with sessions() as db:
        assert await drafts.waiting(db) == []
    first = await _store(sessions, source(1, V1))
    async with sessions() as db:
        [waiting] = await drafts.waiting(db)
        assert (waiting.deliberation_id, waiting.version) == ("plein", 1)
        found, again = await drafts.shown_again(db, "plein", 1, mark=first.checksum[:6])
        assert found.version == 1 and [s.id for s in found.statements] == list(V1)
        assert (again.checksum, again.live_version, again.plan) == (first.checksum, None, None)
        with pytest.raises(Refused) as replaced:
            await drafts.shown_again(db, "plein", 1, mark="000000")
        assert replaced.value.code == "replaced"
        with pytest.raises(Refused) as gone:
            await drafts.shown_again(db, "plein", 2)
        assert gone.value.code == "gone"
    await _publish(sessions, 1)
    second = await _store(sessions, source(2, V2))
    async with sessions() as db:
        [waiting] = await drafts.waiting(db)
        assert waiting.version == 2
        _, again = await drafts.shown_again(db, "plein", 2)
        # What the upload's preview said: the version it replaces and the plan for votes.
        assert (again.live_version, again.plan) == (1, second.plan)
        assert again.plan is not None and again.plan.kept and again.plan.added

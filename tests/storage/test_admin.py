"""storage.admin on each database: drafts, publishing, seeding, the lifecycle and its
schedule, response counts, and the catalog listing every worker refreshes from."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from flows.catalog import Catalog
from flows.lifecycle import Refused
from flows.loader import parse
from flows.schema import Questionnaire
from storage import admin, audit, repo
from storage import schedule as timetable
from storage.admin import checksum
from storage.models import Answer, QuestionnaireRecord, Session
from tests.storage.helpers import (
    MINI_ANSWERS,
    Stored,
    complete,
    mini_source,
    register,
    run,
    start,
    stored_versions,
    sync,
    variant,
)

Sessions = async_sessionmaker[AsyncSession]
ZONE = ZoneInfo("Europe/Amsterdam")
NOW = datetime(2031, 5, 1, 10, 0, tzinfo=UTC)


def source(
    questionnaire_id: str = "fiets",
    version: int = 1,
    *,
    opens: str | None = None,
    closes: str | None = None,
) -> str:
    text = variant(mini_source(), questionnaire_id=questionnaire_id, version=version)
    dates = "".join(
        f'{key}: "{value}"\n'
        for key, value in (("opens_at", opens), ("closes_at", closes))
        if value
    )
    return text.replace("questions:\n", f"{dates}questions:\n", 1)


def parsed(text: str) -> Questionnaire:
    return parse(text, "test.yaml")


async def draft(
    sessions: Sessions, text: str, *, by: int | None = 7, now: datetime = NOW
) -> admin.Draft:
    async with sessions.begin() as db:
        return await admin.store_draft(db, parsed(text), text, uploaded_by=by, now=now)


async def publish(
    sessions: Sessions, questionnaire_id: str = "fiets", version: int = 1, now: datetime = NOW
) -> admin.Published:
    async with sessions.begin() as db:
        return await admin.publish(db, questionnaire_id, version, now=now, zone=ZONE)


async def seed(sessions: Sessions, text: str, now: datetime = NOW) -> bool:
    async with sessions.begin() as db:
        return await admin.seed(db, parsed(text), text, now=now, zone=ZONE)


async def change(
    sessions: Sessions, action: str, questionnaire_id: str = "fiets", now: datetime = NOW
) -> admin.Change:
    async with sessions.begin() as db:
        return await admin.transition(db, questionnaire_id, action, now=now, zone=ZONE)


async def state(sessions: Sessions, questionnaire_id: str = "fiets") -> admin.QuestionnaireState:
    async with sessions() as db:
        found = await admin.state_of(db, questionnaire_id)
    assert found is not None
    return found


async def schedule(sessions: Sessions, now: datetime) -> list[tuple[str, str, str, datetime]]:
    async with sessions.begin() as db:
        changes = await timetable.apply_schedule(db, now=now, zone=ZONE)
    return [(c.questionnaire_id, c.before, c.after, c.at) for c in changes]


# --- drafts -----------------------------------------------------------------------------------


async def test_a_new_questionnaire_starts_as_an_unpublished_draft(sessions: Sessions) -> None:
    stored = await draft(sessions, source())
    assert stored == admin.Draft("fiets", 1, True, False, None, checksum(source()))
    found = await state(sessions)
    assert (found.status, found.published, found.draft_version) == ("draft", False, 1)
    async with sessions() as db:
        listing = await admin.catalog_listing(db)
        version = await admin.get_version(db, "fiets", 1)
    assert [(i.key, i.status, i.current) for i in listing] == [(("fiets", 1), "draft", False)]
    assert version is not None and (version.published, version.uploaded_by) == (False, 7)


async def test_refused_uploads(sessions: Sessions, mini: str) -> None:
    with pytest.raises(Refused) as same:
        await draft(sessions, mini)
    assert same.value.code == "published"
    with pytest.raises(Refused) as changed:
        await draft(sessions, mini.replace("Korte lijst.", "Andere lijst."))
    assert changed.value.code == "changed"
    await seed(sessions, variant(mini, version=3))
    with pytest.raises(Refused) as older:
        await draft(sessions, variant(mini, version=2))
    assert (older.value.code, older.value.params["live"]) == ("older", 3)
    # The schema refuses such a number already; the store refuses it too, whatever calls it.
    huge_text = variant(mini, version=5)
    huge_questionnaire = parsed(huge_text).model_copy(update={"version": 10_000_000})
    with pytest.raises(Refused) as huge:
        async with sessions.begin() as db:
            await admin.store_draft(db, huge_questionnaire, huge_text, uploaded_by=7, now=NOW)
    assert huge.value.code == "version"
    async with sessions() as db:
        assert [i.version for i in await admin.catalog_listing(db)] == [1, 3]


async def test_a_new_upload_replaces_the_draft_and_its_test_runs(sessions: Sessions) -> None:
    await draft(sessions, source())
    tester = await register(sessions, "beheerder")
    await complete(sessions, tester.id, questionnaire_id="fiets", is_test=True)
    replaced = await draft(sessions, source(version=2))
    assert (replaced.version, replaced.replaced, replaced.new_questionnaire) == (2, True, True)
    again = await draft(sessions, source(version=2).replace("Korte lijst.", "Kort."))
    assert again.replaced
    async with sessions() as db:
        assert [i.key for i in await admin.catalog_listing(db)] == [("fiets", 2)]
        assert await db.scalar(select(func.count()).select_from(Session)) == 0
        assert await db.scalar(select(func.count()).select_from(Answer)) == 0
        version = await admin.get_version(db, "fiets", 2)
    assert version is not None and "Kort." in version.source


async def test_a_draft_is_published_or_discarded_only_as_it_was_seen(
    sessions: Sessions,
) -> None:
    seen = await draft(sessions, source())
    newer = await draft(sessions, source().replace("Korte lijst.", "Nieuwe lijst."))
    assert (seen.version, newer.version) == (1, 1) and seen.checksum != newer.checksum
    with pytest.raises(Refused) as publishing:
        async with sessions.begin() as db:
            await admin.publish(db, "fiets", 1, now=NOW, zone=ZONE, mark=seen.checksum[:6])
    assert publishing.value.code == "replaced"
    with pytest.raises(Refused) as discarding:
        async with sessions.begin() as db:
            await admin.discard_draft(db, "fiets", 1, mark=seen.checksum[:6])
    assert discarding.value.code == "replaced"
    async with sessions.begin() as db:
        published = await admin.publish(
            db, "fiets", 1, now=NOW, zone=ZONE, mark=newer.checksum[:6]
        )
    assert published.status == "open"
    async with sessions() as db:
        version = await admin.get_version(db, "fiets", 1)
    assert version is not None and "Nieuwe lijst." in version.source


async def test_an_archived_questionnaire_takes_no_new_version(
    sessions: Sessions, mini: str
) -> None:
    await draft(sessions, variant(mini, version=2))  # waiting while it is archived
    await change(sessions, "close", "mini")
    await change(sessions, "archive", "mini")
    with pytest.raises(Refused) as uploading:
        await draft(sessions, variant(mini, version=3))
    assert uploading.value.code == "archived"
    with pytest.raises(Refused) as publishing:
        await publish(sessions, "mini", 2)
    assert publishing.value.code == "archived"
    assert (await state(sessions, "mini")).current_version == 1


async def test_discard_a_draft(sessions: Sessions, mini: str) -> None:
    await draft(sessions, source())
    tester = await register(sessions, "beheerder")
    await start(sessions, tester.id, "fiets", is_test=True)
    async with sessions.begin() as db:
        assert await admin.discard_draft(db, "fiets", 1)
    async with sessions.begin() as db:
        assert not await admin.discard_draft(db, "fiets", 1)  # gone already
        assert not await admin.discard_draft(db, "mini", 1)  # published: never discarded
        assert await db.get(QuestionnaireRecord, "fiets") is None
        assert await db.scalar(select(func.count()).select_from(Session)) == 0
    # A draft of a published questionnaire goes, the questionnaire stays.
    await draft(sessions, variant(mini, version=2))
    async with sessions.begin() as db:
        assert await admin.discard_draft(db, "mini", 2)
    found = await state(sessions, "mini")
    assert (found.current_version, found.status, found.draft_version) == (1, "open", None)


# --- publishing -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("opens", "closes", "status"),
    [
        (None, None, "open"),
        ("2031-06-01T09:00:00", None, "draft"),  # the schedule opens it
        (None, "2031-04-01T09:00:00", "closed"),
    ],
)
async def test_first_publication(
    sessions: Sessions, opens: str | None, closes: str | None, status: str
) -> None:
    await draft(sessions, source(opens=opens, closes=closes))
    published = await publish(sessions)
    assert published == admin.Published("fiets", 1, status, None)
    found = await state(sessions)
    assert (found.status, found.published, found.draft_version) == (status, True, None)
    assert found.opened_at == (NOW if status == "open" else None)
    closed_at = datetime(2031, 4, 1, 7, 0, tzinfo=UTC) if status == "closed" else None
    assert found.closed_at == closed_at  # its closes_at
    with pytest.raises(Refused) as twice:
        await publish(sessions)
    assert twice.value.code == "published"


async def test_a_new_version_leaves_running_sessions_on_theirs(
    sessions: Sessions, mini: str
) -> None:
    ann, bob = await register(sessions, "ann"), await register(sessions, "bob")
    running = await run(sessions, await start(sessions, ann.id), MINI_ANSWERS[:1])
    await change(sessions, "close", "mini")
    await draft(sessions, variant(mini, version=2))
    assert (await state(sessions, "mini")).current_version == 1  # not before publishing
    published = await publish(sessions, "mini", 2)
    assert published == admin.Published("mini", 2, "closed", 1)  # the status stays
    found = await state(sessions, "mini")
    assert (found.current_version, found.draft_version) == (2, None)
    async with sessions() as db:
        kept = await repo.get_session(db, running.id)
        listing = await admin.catalog_listing(db)
    assert kept is not None and kept.version == 1
    assert [(i.version, i.current) for i in listing] == [(1, False), (2, True)]
    # Sessions go on on version 1; a new one starts on version 2.
    await run(sessions, kept, MINI_ANSWERS[1:])
    assert (await start(sessions, bob.id, version=2)).version == 2


async def test_publishing_a_draft_that_is_gone(sessions: Sessions) -> None:
    with pytest.raises(Refused) as gone:
        await publish(sessions, "nergens", 1)
    assert gone.value.code == "gone"


# --- seeding ----------------------------------------------------------------------------------


async def test_seeding_is_idempotent_and_reopens_nothing(sessions: Sessions) -> None:
    assert await seed(sessions, source())
    assert not await seed(sessions, source())
    await change(sessions, "close")
    assert not await seed(sessions, source())
    assert await seed(sessions, source(version=2))  # a new version: current, still closed
    found = await state(sessions)
    assert (found.status, found.current_version) == ("closed", 2)
    await change(sessions, "archive")
    assert await seed(sessions, source(version=3))
    assert (await state(sessions)).status == "archived"
    with pytest.raises(admin.ChangedVersionError):
        await seed(sessions, source(version=3).replace("Korte lijst.", "Ander."))


async def test_seeding_with_dates_and_next_to_a_draft(sessions: Sessions) -> None:
    assert await seed(sessions, source("later", opens="2031-06-01T09:00:00"))
    assert await seed(sessions, source("voorbij", closes="2031-04-01T09:00:00"))
    assert (await state(sessions, "later")).status == "draft"
    # Past its closes_at: the schedule closes it, on the bot's clock.
    found = await state(sessions, "voorbij")
    assert (found.status, found.opened_at) == ("open", None)
    assert await schedule(sessions, NOW) == [
        ("voorbij", "open", "closed", datetime(2031, 4, 1, 7, 0, tzinfo=UTC))
    ]
    await draft(sessions, source("nieuw"))
    assert not await seed(sessions, source("nieuw").replace("Korte lijst.", "Anders."))
    found = await state(sessions, "nieuw")
    assert (found.status, found.published) == ("draft", False)  # the upload stays a draft


# --- lifecycle --------------------------------------------------------------------------------


async def test_open_close_archive(sessions: Sessions, mini: str) -> None:
    ann = await register(sessions, "ann")
    busy = await start(sessions, ann.id)
    closed = await change(sessions, "close", "mini")
    assert (closed.before, closed.after) == ("open", "closed")
    assert (await state(sessions, "mini")).closed_at == NOW
    later = NOW + timedelta(hours=1)
    opened = await change(sessions, "open", "mini", later)
    assert (opened.before, opened.after) == ("closed", "open")
    found = await state(sessions, "mini")
    assert (found.opened_at, found.closed_at) == (later, None)
    # Closing leaves a resident who is answering alone; archiving ends it.
    await change(sessions, "close", "mini")
    async with sessions() as db:
        assert (await repo.get_session(db, busy.id)).status == repo.ACTIVE  # type: ignore[union-attr]
    await change(sessions, "archive", "mini")
    async with sessions() as db:
        assert (await repo.get_session(db, busy.id)).status == repo.EXPIRED  # type: ignore[union-attr]
    assert (await state(sessions, "mini")).status == "archived"


@pytest.mark.parametrize(
    ("setup", "action", "code"),
    [
        ([], "open", "same"),
        ([], "archive", "not_allowed"),
        (["close", "archive"], "open", "archived"),
        (["close", "archive"], "close", "archived"),
        (["close", "archive"], "archive", "same"),
    ],
)
async def test_refused_transitions(
    sessions: Sessions, mini: str, setup: list[str], action: str, code: str
) -> None:
    for step in setup:
        await change(sessions, step, "mini")
    with pytest.raises(Refused) as refused:
        await change(sessions, action, "mini")
    assert refused.value.code == code


async def test_transitions_of_unknown_unpublished_and_past_questionnaires(
    sessions: Sessions,
) -> None:
    with pytest.raises(Refused) as unknown:
        await change(sessions, "open", "nergens")
    assert unknown.value.code == "unknown"
    await draft(sessions, source())
    with pytest.raises(Refused) as unpublished:
        await change(sessions, "open")
    assert unpublished.value.code == "unpublished"
    await seed(sessions, source("voorbij", closes="2031-04-01T09:00:00"))
    await schedule(sessions, NOW)
    with pytest.raises(Refused) as past:
        await change(sessions, "open", "voorbij")
    assert past.value.code == "past"
    assert past.value.params["closes_at"] == datetime(2031, 4, 1, 7, 0, tzinfo=UTC)
    # A scheduled questionnaire is not opened early by hand (residents could not start it
    # before opens_at anyway); it can be closed before it ever opened.
    await seed(sessions, source("later", opens="2031-06-01T09:00:00"))
    with pytest.raises(Refused) as early:
        await change(sessions, "open", "later")
    assert early.value.code == "early"
    assert early.value.params["opens_at"] == datetime(2031, 6, 1, 7, 0, tzinfo=UTC)
    assert (await state(sessions, "later")).status == "draft"
    opens = datetime(2031, 6, 1, 7, 0, tzinfo=UTC)
    assert await schedule(sessions, opens) == [("later", "draft", "open", opens)]
    await seed(sessions, source("nooit", opens="2031-06-01T09:00:00"))
    assert (await change(sessions, "close", "nooit")).after == "closed"


async def test_the_schedule_opens_and_closes_on_the_dates(sessions: Sessions) -> None:
    await seed(sessions, source("a", opens="2031-06-01T09:00:00", closes="2031-06-10T17:00:00"))
    await seed(sessions, source("b", opens="2031-06-01T09:00:00", closes="2031-06-02T17:00:00"))
    await seed(sessions, source("c", closes="2031-06-05T12:00:00+00:00"))
    await seed(sessions, source("d", closes="2031-06-05T12:00:00+00:00"))
    await change(sessions, "close", "d")  # closed by hand: the schedule leaves it
    await draft(sessions, source("e", opens="2031-06-01T09:00:00"))  # never published
    assert await schedule(sessions, NOW) == []
    opens = datetime(2031, 6, 1, 7, 0, tzinfo=UTC)  # 09:00 in Amsterdam (summer time)
    assert await schedule(sessions, opens) == [
        ("a", "draft", "open", opens),
        ("b", "draft", "open", opens),
    ]
    assert await schedule(sessions, opens) == []  # a condition over the data: nothing twice
    # Much later, as after downtime: closed on their closes_at.
    late = datetime(2031, 7, 1, tzinfo=UTC)
    assert await schedule(sessions, late) == [
        ("a", "open", "closed", datetime(2031, 6, 10, 15, 0, tzinfo=UTC)),
        ("b", "open", "closed", datetime(2031, 6, 2, 15, 0, tzinfo=UTC)),
        ("c", "open", "closed", datetime(2031, 6, 5, 12, 0, tzinfo=UTC)),
    ]
    found = await state(sessions, "a")
    assert (found.opened_at, found.closed_at) == (opens, datetime(2031, 6, 10, 15, tzinfo=UTC))
    assert (await state(sessions, "d")).closed_at == NOW
    assert (await state(sessions, "e")).status == "draft"


async def test_the_schedule_reads_each_source_once(
    sessions: Sessions, monkeypatch: pytest.MonkeyPatch
) -> None:
    """It runs every JOBS_INTERVAL: without a new version it reads and parses nothing."""
    await seed(sessions, source("a", opens="2031-06-01T09:00:00", closes="2031-06-10T17:00:00"))
    await seed(sessions, source("b", closes="2031-06-20T17:00:00"))
    read: list[object] = []
    real_sources = admin.sources

    async def counted(db: AsyncSession, keys: object) -> dict[tuple[str, int], str]:
        read.append(sorted(keys))  # type: ignore[call-overload]
        return await real_sources(db, keys)  # type: ignore[arg-type]

    monkeypatch.setattr(admin, "sources", counted)
    timetable._DATES.clear()
    assert await schedule(sessions, NOW) == []
    assert read == [[("a", 1), ("b", 1)]]
    for _ in range(3):
        assert await schedule(sessions, NOW) == []
    opens = datetime(2031, 6, 1, 7, 0, tzinfo=UTC)
    assert await schedule(sessions, opens) == [("a", "draft", "open", opens)]
    assert read == [[("a", 1), ("b", 1)]]  # the dates were remembered
    async with sessions.begin() as db:  # a new version: only its source is read
        text = source("b", 2, closes="2031-06-30T17:00:00")
        await admin.store_draft(db, parsed(text), text, uploaded_by=7, now=NOW)
        await admin.publish(db, "b", 2, now=NOW, zone=ZONE)
    assert await schedule(sessions, datetime(2031, 6, 8, tzinfo=UTC)) == []
    assert read[1:] == [[("b", 2)]]


async def test_the_schedule_catches_up_a_whole_period_missed(sessions: Sessions) -> None:
    await seed(sessions, source("a", opens="2031-06-01T09:00:00", closes="2031-06-10T17:00:00"))
    late = datetime(2031, 7, 1, tzinfo=UTC)
    assert await schedule(sessions, late) == [
        ("a", "draft", "closed", datetime(2031, 6, 10, 15, 0, tzinfo=UTC))
    ]
    found = await state(sessions, "a")
    assert found.opened_at == datetime(2031, 6, 1, 7, 0, tzinfo=UTC)


# --- counts and overview ----------------------------------------------------------------------


async def test_counts_leave_out_test_runs_and_replaced_revisions(
    sessions: Sessions, mini: str
) -> None:
    ann, bob, cas = [await register(sessions, name) for name in ("ann", "bob", "cas")]
    await complete(sessions, ann.id)
    await complete(sessions, ann.id)  # a revision: the first one is replaced
    await start(sessions, bob.id)
    await complete(sessions, cas.id, is_test=True)
    await seed(sessions, source("leeg"))
    await draft(sessions, variant(mini, version=2))
    async with sessions() as db:
        counts = await admin.response_counts(db)
        overview = await admin.overview(db)
    assert counts == {"mini": (1, 1)}
    assert [(q.id, q.status, q.completed, q.in_progress, q.draft_version) for q in overview] == [
        ("leeg", "open", 0, 0, None),
        ("mini", "open", 1, 1, 2),
    ]


async def test_overview_orders_by_status(sessions: Sessions) -> None:
    for name in ("z-open", "a-open", "gesloten", "archief", "gepland"):
        await seed(
            sessions, source(name, opens="2031-06-01T09:00:00" if name == "gepland" else None)
        )
    await change(sessions, "close", "gesloten")
    await change(sessions, "close", "archief")
    await change(sessions, "archive", "archief")
    async with sessions() as db:
        order = [(q.id, q.status) for q in await admin.overview(db)]
    assert order == [
        ("a-open", "open"),
        ("z-open", "open"),
        ("gepland", "draft"),
        ("gesloten", "closed"),
        ("archief", "archived"),
    ]


# --- the catalog every worker refreshes -------------------------------------------------------


async def test_catalog_follows_the_listing(sessions: Sessions, mini: str) -> None:
    catalog = Catalog()

    async def refresh() -> bool:
        async with sessions() as db:
            listing = await admin.catalog_listing(db)
            found = await admin.sources(db, catalog.missing(listing))
        return catalog.sync(listing, {key: parsed(text) for key, text in found.items()})

    assert await refresh()
    flow = catalog.current("mini")
    assert flow is not None and catalog.status("mini") == "open"
    assert not await refresh()  # nothing changed: nothing compiled
    await draft(sessions, variant(mini, version=2))
    assert await refresh()
    assert catalog.current("mini") is flow  # the draft is not what residents start
    assert catalog.get("mini", 2) is not None  # but a test run can use it
    await publish(sessions, "mini", 2)
    await change(sessions, "close", "mini")
    assert await refresh()
    assert catalog.current("mini") is catalog.get("mini", 2)
    assert catalog.get("mini", 1) is flow  # compiled once, kept for running sessions
    assert catalog.status("mini") == "closed"
    await draft(sessions, source())
    async with sessions.begin() as db:
        await admin.discard_draft(db, "fiets", 1)
    await refresh()
    assert catalog.get("fiets", 1) is None


async def test_audit_entries_filter(sessions: Sessions) -> None:
    async with sessions.begin() as db:
        for n, action in enumerate(("upload", "publish", "close")):
            await audit.record(db, action, actor=5, target="fiets", now=NOW + timedelta(days=n))
        await audit.record(db, "beheer", actor=None, allowed=False, now=NOW + timedelta(days=3))
    async with sessions() as db:
        since = await audit.entries(db, since=NOW + timedelta(days=1))
        publish_only = await audit.entries(db, action="publish")
        newest = await audit.entries(db, limit=2)
    assert [e.action for e in since] == ["publish", "close", "beheer"]
    assert [(e.action, e.actor, e.via, e.allowed) for e in publish_only] == [
        ("publish", 5, "telegram", True)
    ]
    assert [e.action for e in newest] == ["close", "beheer"]


# --- seeding, version by version -----------------------------------------------------------------


async def test_sync_new_then_idempotent(sessions: Sessions) -> None:
    source = mini_source()

    assert await sync(sessions, "mini", 1, source) is True
    assert await sync(sessions, "mini", 1, source) is False

    assert await stored_versions(sessions) == [Stored("mini", 1, source, "open", True)]


async def test_sync_refuses_changed_content_under_the_same_version(
    sessions: Sessions, mini: str
) -> None:
    changed = mini.replace("Korte lijst.", "Een andere tekst.")
    assert changed != mini

    with pytest.raises(admin.ChangedVersionError, match="mini version 1"):
        await sync(sessions, "mini", 1, changed)

    assert await stored_versions(sessions) == [Stored("mini", 1, mini, "open", True)]


async def test_higher_version_becomes_current(sessions: Sessions, mini: str) -> None:
    second = variant(mini, version=2)

    assert await sync(sessions, "mini", 2, second) is True
    assert await sync(sessions, "mini", 1, mini) is False  # the old file still there

    assert await stored_versions(sessions) == [
        Stored("mini", 1, mini, "open", False),
        Stored("mini", 2, second, "open", True),
    ]


async def test_lower_version_stored_later_does_not_become_current(sessions: Sessions) -> None:
    source = mini_source()
    first, third = variant(source, version=1), variant(source, version=3)

    assert await sync(sessions, "mini", 3, third)
    assert await sync(sessions, "mini", 1, first)

    assert [(v.version, v.current) for v in await stored_versions(sessions)] == [
        (1, False),
        (3, True),
    ]


async def test_stored_versions_of_several_questionnaires(sessions: Sessions, mini: str) -> None:
    afval = variant(mini, questionnaire_id="afval")
    afval_2 = variant(mini, questionnaire_id="afval", version=2)
    assert await sync(sessions, "afval", 2, afval_2)
    assert await sync(sessions, "afval", 1, afval)
    assert not await sync(sessions, "afval", 1, afval)

    assert await stored_versions(sessions) == [
        Stored("afval", 1, afval, "open", False),
        Stored("afval", 2, afval_2, "open", True),
        Stored("mini", 1, mini, "open", True),
    ]


async def test_no_stored_versions(sessions: Sessions) -> None:
    assert await stored_versions(sessions) == []


async def test_dates_come_from_the_questionnaires_the_bot_parsed_already(
    sessions: Sessions, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The bot passes the questionnaires its catalog parsed off the event loop: publishing,
    the schedule and opening by hand then parse no stored source again (a large one takes a
    second of the event loop)."""
    text = source("datums", opens="2031-05-02T09:00:00+02:00")
    await draft(sessions, text)
    known = {checksum(text): parsed(text)}
    admin.parse_stored.cache_clear()

    def parsed_again(*_: object) -> Questionnaire:
        raise AssertionError("a stored source was parsed again")

    monkeypatch.setattr(admin, "parse", parsed_again)
    async with sessions.begin() as db:
        published = await admin.publish(db, "datums", 1, now=NOW, zone=ZONE, known=known)
    assert published.status == "draft"  # until opens_at
    later = NOW + timedelta(days=2)
    async with sessions.begin() as db:
        opened = await timetable.apply_schedule(db, now=later, zone=ZONE, known=known)
    assert [(c.questionnaire_id, c.after) for c in opened] == [("datums", "open")]
    await change(sessions, "close", "datums", later)
    async with sessions.begin() as db:
        again = await admin.transition(db, "datums", "open", now=later, zone=ZONE, known=known)
    assert (again.before, again.after) == ("closed", "open")

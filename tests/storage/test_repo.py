"""storage.repo on each database: residents, questionnaires and sessions.

Every test runs on SQLite and (with TEST_DATABASE_URL) PostgreSQL through the ``engine`` and
``sessions`` fixtures; each step is its own transaction, as in the bot.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import delete, func, inspect, select, text, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from flows import engine as flow_engine
from flows.engine import Outcome, SessionState
from flows.loader import parse
from flows.machine import Flow
from flows.schema import END
from storage import repo
from storage.models import Answer, Contact, Resident, Session
from tests.storage.helpers import (
    FIRST,
    MINI_ANSWERS,
    answer,
    complete,
    register,
    reload,
    run,
    save,
    start,
    stored_answers,
    sync,
    toggle,
    variant,
)

Sessions = async_sessionmaker[AsyncSession]
BIG_CHAT_ID = 7_000_000_000  # beyond 32 bits: contacts.chat_id must be a BIGINT


def is_utc(moment: datetime) -> bool:
    return moment.utcoffset() == timedelta(0)


async def contacts(sessions: Sessions) -> list[tuple[int, int]]:
    async with sessions.begin() as db:
        rows = await db.execute(select(Contact.resident_id, Contact.chat_id))
        return sorted(rows.all())


async def statuses(sessions: Sessions) -> dict[int, str]:
    async with sessions.begin() as db:
        return dict((await db.execute(select(Session.id, Session.status))).all())


# --- Residents --------------------------------------------------------------------------------


async def test_register_with_consent_keeps_chat_id_apart(
    engine: AsyncEngine, sessions: Sessions
) -> None:
    resident = await register(sessions, "a" * 64, chat_id=BIG_CHAT_ID, language="en")

    assert isinstance(resident.id, int)
    assert resident == repo.ResidentInfo(resident.id, "a" * 64, "en", "given")
    assert resident.consented
    assert await contacts(sessions) == [(resident.id, BIG_CHAT_ID)]
    async with sessions.begin() as db:
        assert await repo.chat_id_of(db, resident.id) == BIG_CHAT_ID
        row = await db.scalar(select(Resident))
        assert row is not None
        assert row.consent_at is not None and row.created_at is not None
    # The residents table itself holds no way to reach or name anyone.
    async with engine.connect() as connection:
        columns = await connection.run_sync(
            lambda c: {col["name"] for col in inspect(c).get_columns("residents")}
        )
    assert columns == {
        "id",
        "pseudonym",
        "language",
        "consent",
        "consent_at",
        "created_at",
        "channel",
    }


async def test_register_refused_keeps_no_contact(sessions: Sessions) -> None:
    resident = await register(sessions, "refuser", consent="refused", chat_id=None)

    assert resident == repo.ResidentInfo(resident.id, "refuser", "nl", "refused")
    assert not resident.consented
    assert await contacts(sessions) == []
    async with sessions.begin() as db:
        assert await repo.chat_id_of(db, resident.id) is None
        assert await repo.find_resident(db, "refuser") == resident


async def test_refused_with_a_chat_id_still_keeps_no_contact(sessions: Sessions) -> None:
    resident = await register(sessions, "refuser", consent="refused", chat_id=42)

    assert not resident.consented
    assert await contacts(sessions) == []


async def test_consent_withdrawn_and_given_again(sessions: Sessions) -> None:
    given = await register(sessions, "p1", chat_id=111)
    async with sessions.begin() as db:
        first_consent_at = await db.scalar(select(Resident.consent_at))
    assert await contacts(sessions) == [(given.id, 111)]

    withdrawn = await register(sessions, "p1", consent="refused", chat_id=None)
    assert withdrawn == repo.ResidentInfo(given.id, "p1", "nl", "refused")
    assert await contacts(sessions) == []
    async with sessions.begin() as db:
        second_consent_at = await db.scalar(select(Resident.consent_at))
    assert first_consent_at is not None and second_consent_at is not None
    assert second_consent_at >= first_consent_at

    again = await register(sessions, "p1", chat_id=222, language="en")
    assert again == repo.ResidentInfo(given.id, "p1", "en", "given")
    assert await contacts(sessions) == [(given.id, 222)]
    async with sessions.begin() as db:
        assert await db.scalar(select(func.count()).select_from(Resident)) == 1


async def test_consent_given_twice_updates_the_chat_id(sessions: Sessions) -> None:
    first = await register(sessions, "p1", chat_id=111)
    second = await register(sessions, "p1", chat_id=BIG_CHAT_ID)

    assert second.id == first.id
    assert await contacts(sessions) == [(first.id, BIG_CHAT_ID)]


async def test_erasing_a_resident_removes_the_contact(sessions: Sessions) -> None:
    resident = await register(sessions, "p1", chat_id=111)
    keep = await register(sessions, "p2", chat_id=222)
    async with sessions.begin() as db:
        await db.execute(delete(Resident).where(Resident.id == resident.id))

    assert await contacts(sessions) == [(keep.id, 222)]


async def test_set_language(sessions: Sessions) -> None:
    resident = await register(sessions, "p1")
    other = await register(sessions, "p2")
    async with sessions.begin() as db:
        await repo.set_language(db, resident.id, "en")

    async with sessions.begin() as db:
        assert await repo.find_resident(db, "p1") == repo.ResidentInfo(
            resident.id, "p1", "en", "given"
        )
        assert await repo.find_resident(db, "p2") == other
        assert other.language == "nl"


async def test_find_resident_by_pseudonym(sessions: Sessions) -> None:
    one = await register(sessions, "p1")
    two = await register(sessions, "p2", consent="refused", chat_id=None)

    async with sessions.begin() as db:
        assert await repo.find_resident(db, "p1") == one
        assert await repo.find_resident(db, "p2") == two
        assert await repo.find_resident(db, "p3") is None
        assert await repo.find_resident(db, "P1") is None  # pseudonyms are exact
    assert one.id != two.id


async def test_pseudonym_is_unique(sessions: Sessions) -> None:
    first = await register(sessions, "p1")
    again = await register(sessions, "p1")  # registering again updates the one row
    assert again.id == first.id

    with pytest.raises(IntegrityError):
        async with sessions.begin() as db:
            db.add(Resident(pseudonym="p1", consent="given"))
            await db.flush()

    async with sessions.begin() as db:
        assert (await db.scalars(select(Resident.pseudonym))).all() == ["p1"]


# --- Sessions: starting, the one active response ----------------------------------------------


async def test_start_session(sessions: Sessions, mini: str) -> None:
    resident = await register(sessions, "p1")
    session = await start(sessions, resident.id)

    assert session == repo.SessionInfo(
        session.id,
        resident.id,
        "mini",
        1,
        repo.ACTIVE,
        SessionState(FIRST),
        session.started_at,
        session.started_at,
        None,
        False,
    )
    assert is_utc(session.started_at)
    assert await reload(sessions, session.id) == session


async def test_start_session_pauses_the_active_one(sessions: Sessions, mini: str) -> None:
    await sync(sessions, "afval", 1, variant(mini, questionnaire_id="afval"))
    resident = await register(sessions, "p1")
    other = await register(sessions, "p2")
    first = await start(sessions, resident.id)
    untouched = await start(sessions, other.id)

    second = await start(sessions, resident.id, "afval")

    assert await statuses(sessions) == {
        first.id: repo.PAUSED,
        untouched.id: repo.ACTIVE,
        second.id: repo.ACTIVE,
    }
    async with sessions.begin() as db:
        active = await repo.active_session(db, resident.id)
    assert active == second


async def test_only_one_active_session_per_resident(sessions: Sessions, mini: str) -> None:
    resident = await register(sessions, "p1")
    other = await register(sessions, "p2")
    await start(sessions, resident.id)

    def row(resident_id: int, status: str) -> Session:
        return Session(
            resident_id=resident_id,
            questionnaire_id="mini",
            questionnaire_version=1,
            status=status,
            current=FIRST,
        )

    with pytest.raises(IntegrityError):
        async with sessions.begin() as db:
            db.add(row(resident.id, repo.ACTIVE))
            await db.flush()

    # Other statuses, and other residents, are not limited.
    async with sessions.begin() as db:
        db.add_all(
            [
                row(resident.id, repo.PAUSED),
                row(resident.id, repo.PAUSED),
                row(resident.id, repo.COMPLETED),
                row(other.id, repo.ACTIVE),
            ]
        )
    async with sessions.begin() as db:
        found = await db.execute(select(Session.resident_id, Session.status).order_by(Session.id))
        assert found.all() == [
            (resident.id, repo.ACTIVE),
            (resident.id, repo.PAUSED),
            (resident.id, repo.PAUSED),
            (resident.id, repo.COMPLETED),
            (other.id, repo.ACTIVE),
        ]

    # Making a paused one active again next to the active one is refused as well.
    with pytest.raises(IntegrityError):
        async with sessions.begin() as db:
            await db.execute(
                update(Session)
                .where(Session.resident_id == resident.id, Session.status == repo.PAUSED)
                .values(status=repo.ACTIVE)
            )


async def test_session_needs_a_stored_questionnaire_version(sessions: Sessions, mini: str) -> None:
    resident = await register(sessions, "p1")
    with pytest.raises(IntegrityError):
        await start(sessions, resident.id, version=2)


# --- Sessions: reading back -------------------------------------------------------------------


async def test_state_is_restored_with_answers_and_draft(sessions: Sessions, mini: str) -> None:
    resident = await register(sessions, "p1")
    session = await start(sessions, resident.id)
    session = await run(sessions, session, MINI_ANSWERS[:2])
    await save(sessions, session, toggle(session.state, "gft", "papier"))

    expected = SessionState(
        current="bakken",
        path=("tevreden", "waarom"),
        answers={"tevreden": 2, "waarom": "De bakken zitten altijd vol"},
        draft=("gft", "papier"),
    )
    async with sessions.begin() as db:
        active = await repo.active_session(db, resident.id)
        by_id = await repo.get_session(db, session.id)
        latest = await repo.latest_session(db, resident.id, "mini")
    assert active is not None
    assert active.state == expected
    assert active.status == repo.ACTIVE
    assert by_id == active
    assert latest == active
    assert is_utc(active.updated_at) and active.updated_at >= active.started_at


async def test_nothing_found(sessions: Sessions, mini: str) -> None:
    resident = await register(sessions, "p1")
    async with sessions.begin() as db:
        assert await repo.active_session(db, resident.id) is None
        assert await repo.get_session(db, 12345) is None
        assert await repo.latest_session(db, resident.id, "mini") is None
        assert await repo.count_sessions(db) == {}
        assert await repo.count_sessions(db, "mini") == {}
        assert await repo.completed_questionnaires(db, resident.id) == set()
        assert await repo.has_completed(db, resident.id, "mini") is False


async def test_resident_in_session_reads_both_in_one_go(sessions: Sessions, mini: str) -> None:
    await sync(sessions, "afval", 1, variant(mini, questionnaire_id="afval"))
    resident = await register(sessions, "p1")
    other = await register(sessions, "p2")
    async with sessions.begin() as db:
        assert await repo.find_resident_in_session(db, "nobody") is None
        # Known, with nothing in progress.
        assert await repo.find_resident_in_session(db, "p1") == (resident, None)

    session = await start(sessions, resident.id)
    async with sessions.begin() as db:  # started, nothing answered yet
        found = await repo.find_resident_in_session(db, "p1")
        assert found == (resident, await repo.active_session(db, resident.id))
    session = await run(sessions, session, MINI_ANSWERS[:2])
    await start(sessions, other.id, "afval")  # someone else's session is not theirs
    async with sessions.begin() as db:
        found = await repo.find_resident_in_session(db, "p1")
        active = await repo.active_session(db, resident.id)
    assert found is not None and active is not None
    assert found == (resident, active)
    assert active.state.answers == {"tevreden": 2, "waarom": "De bakken zitten altijd vol"}

    # Paused (another questionnaire started) or completed: not in progress.
    second = await start(sessions, resident.id, "afval")
    async with sessions.begin() as db:
        found = await repo.find_resident_in_session(db, "p1")
    assert found is not None and found[1] is not None
    assert (found[1].id, found[1].questionnaire_id) == (second.id, "afval")
    await run(sessions, second, MINI_ANSWERS)
    async with sessions.begin() as db:
        assert await repo.find_resident_in_session(db, "p1") == (resident, None)


async def _agree(sessions: Sessions, pseudonym: str) -> tuple[int, str] | None:
    """find_resident_at says where find_resident_in_session's response is, without answers."""
    async with sessions.begin() as db:
        whole = await repo.find_resident_in_session(db, pseudonym)
        light = await repo.find_resident_at(db, pseudonym)
    if whole is None:
        assert light is None
        return None
    assert light is not None and light[0] == whole[0]
    session = whole[1]
    assert light[1] == ((session.id, session.state.current) if session is not None else None)
    return light[1]


async def test_resident_at_says_where_the_response_in_progress_is(
    sessions: Sessions, mini: str
) -> None:
    await sync(sessions, "afval", 1, variant(mini, questionnaire_id="afval"))
    assert await _agree(sessions, "nobody") is None
    resident = await register(sessions, "p1")
    assert await _agree(sessions, "p1") is None
    session = await start(sessions, resident.id)
    first = await _agree(sessions, "p1")
    assert first is not None and first[0] == session.id
    session = await run(sessions, session, MINI_ANSWERS[:2])
    moved = await _agree(sessions, "p1")
    assert moved is not None and moved != first
    second = await start(sessions, resident.id, "afval")  # the first is paused
    now = await _agree(sessions, "p1")
    assert now is not None and now[0] == second.id
    await run(sessions, second, MINI_ANSWERS)
    assert await _agree(sessions, "p1") is None


async def test_latest_session_is_the_newest_that_counts(sessions: Sessions, mini: str) -> None:
    await sync(sessions, "afval", 1, variant(mini, questionnaire_id="afval"))
    resident = await register(sessions, "p1")
    old = await complete(sessions, resident.id)
    revision = await start(sessions, resident.id)
    await start(sessions, resident.id, "afval")  # pauses the revision

    async with sessions.begin() as db:
        latest = await repo.latest_session(db, resident.id, "mini")
    assert latest is not None
    assert (latest.id, latest.status) == (revision.id, repo.PAUSED)

    revision = await run(sessions, revision, MINI_ANSWERS)
    # The replaced response does not count, even when it were the newest.
    async with sessions.begin() as db:
        await db.execute(
            update(Session)
            .where(Session.id == old.id)
            .values(started_at=revision.started_at + timedelta(hours=1))
        )
    async with sessions.begin() as db:
        latest = await repo.latest_session(db, resident.id, "mini")
    assert latest == revision
    assert (await reload(sessions, old.id)).status == repo.REPLACED


async def test_resume_session(sessions: Sessions, mini: str) -> None:
    await sync(sessions, "afval", 1, variant(mini, questionnaire_id="afval"))
    resident = await register(sessions, "p1")
    first = await start(sessions, resident.id)
    first = await run(sessions, first, MINI_ANSWERS[:1])
    second = await start(sessions, resident.id, "afval")
    paused = await reload(sessions, first.id)
    assert paused.status == repo.PAUSED

    async with sessions.begin() as db:
        resumed = await repo.resume_session(db, paused)

    assert resumed.id == first.id
    assert resumed.status == repo.ACTIVE
    assert resumed.state == first.state
    assert resumed.state.answers == {"tevreden": 2}
    assert resumed.updated_at >= paused.updated_at
    assert await statuses(sessions) == {first.id: repo.ACTIVE, second.id: repo.PAUSED}
    async with sessions.begin() as db:
        assert await repo.active_session(db, resident.id) == resumed

    # As the bot does it: look the response up and resume it in one transaction (the rows
    # are then already loaded in the session and must not come back stale).
    async with sessions.begin() as db:
        latest = await repo.latest_session(db, resident.id, "afval")
        assert latest is not None and latest.status == repo.PAUSED
        again = await repo.resume_session(db, latest)
        assert (again.id, again.status) == (second.id, repo.ACTIVE)
        assert await repo.active_session(db, resident.id) == again
        paused_again = await repo.get_session(db, first.id)
        assert paused_again is not None and paused_again.status == repo.PAUSED
    assert await statuses(sessions) == {first.id: repo.PAUSED, second.id: repo.ACTIVE}


async def test_set_status(sessions: Sessions, mini: str) -> None:
    resident = await register(sessions, "p1")
    session = await start(sessions, resident.id)
    async with sessions.begin() as db:
        await repo.set_status(db, session.id, repo.PAUSED)

    paused = await reload(sessions, session.id)
    assert paused.status == repo.PAUSED
    assert paused.updated_at >= session.updated_at
    async with sessions.begin() as db:
        assert await repo.active_session(db, resident.id) is None


# --- Sessions: saving outcomes ----------------------------------------------------------------


async def test_answering_again_keeps_one_row_with_the_new_value(
    sessions: Sessions, mini: str
) -> None:
    resident = await register(sessions, "p1")
    session = await start(sessions, resident.id)
    first = answer(session.state, "tevreden", 2, "waarom")
    await save(sessions, session, first)
    async with sessions.begin() as db:
        answered_at = await db.scalar(select(Answer.answered_at))
    back = Outcome(state=SessionState(FIRST, answers=first.state.answers), moved=True)
    await save(sessions, session, back)
    assert (await reload(sessions, session.id)).state == back.state
    await save(sessions, session, answer(back.state, "tevreden", 4, "bakken"))

    async with sessions.begin() as db:
        rows = await db.execute(select(Answer.session_id, Answer.question_id, Answer.value))
        assert rows.all() == [(session.id, "tevreden", 4)]
        answered_again = await db.scalar(select(Answer.answered_at))
    assert answered_at is not None and answered_again is not None
    assert answered_again >= answered_at
    restored = await reload(sessions, session.id)
    assert restored.state == SessionState("bakken", ("tevreden",), {"tevreden": 4})


async def test_skipped_is_stored_as_sql_null(sessions: Sessions, mini: str) -> None:
    resident = await register(sessions, "p1")
    session = await start(sessions, resident.id)
    session = await run(sessions, session, [("tevreden", 1, "waarom"), ("waarom", None, "bakken")])

    async def nulls() -> list[str]:
        async with sessions.begin() as db:
            found = await db.scalars(text("SELECT question_id FROM answers WHERE value IS NULL"))
            return list(found)

    assert await nulls() == ["waarom"]
    assert session.state.answers == {"tevreden": 1, "waarom": None}

    # Answered after all, then skipped again: the upsert writes NULL over a value too.
    back = Outcome(state=SessionState("waarom", ("tevreden",), session.state.answers), moved=True)
    await save(sessions, session, back)
    await save(sessions, session, answer(back.state, "waarom", "toch wel", "bakken"))
    assert await nulls() == []
    await save(sessions, session, back)
    await save(sessions, session, answer(back.state, "waarom", None, "bakken"))
    assert await nulls() == ["waarom"]
    assert (await reload(sessions, session.id)).state.answers == {"tevreden": 1, "waarom": None}


async def test_discard_deletes_only_this_sessions_answers(sessions: Sessions, mini: str) -> None:
    one = await register(sessions, "p1")
    two = await register(sessions, "p2")
    mine = await run(sessions, await start(sessions, one.id), MINI_ANSWERS[:2])
    theirs = await run(sessions, await start(sessions, two.id), MINI_ANSWERS[:2])

    state = SessionState("bakken", ("tevreden",), {"tevreden": 4})
    await save(sessions, mine, Outcome(state=state, discard=("waarom", "nooit"), moved=True))

    async with sessions.begin() as db:
        # Only what was accepted is written: "tevreden" keeps its stored value.
        assert await stored_answers(db, mine.id) == {"tevreden": 2}
        assert await stored_answers(db, theirs.id) == {
            "tevreden": 2,
            "waarom": "De bakken zitten altijd vol",
        }


async def test_completion(sessions: Sessions, mini: str) -> None:
    resident = await register(sessions, "p1")
    session = await start(sessions, resident.id)
    done = await run(sessions, session, MINI_ANSWERS)

    assert done.status == repo.COMPLETED
    assert done.state == SessionState(
        END,
        ("tevreden", "waarom", "bakken", "wijk"),
        {
            "tevreden": 2,
            "waarom": "De bakken zitten altijd vol",
            "bakken": ["gft", "pmd"],
            "wijk": "noord",
        },
    )
    assert done.completed_at is not None and is_utc(done.completed_at)
    assert done.completed_at == done.updated_at
    assert done.completed_at >= done.started_at
    async with sessions.begin() as db:
        assert await repo.active_session(db, resident.id) is None
        assert await repo.has_completed(db, resident.id, "mini") is True
        assert await repo.completed_questionnaires(db, resident.id) == {"mini"}
        assert await repo.count_sessions(db, "mini") == {repo.COMPLETED: 1}


async def test_completing_a_revision_replaces_the_earlier_response(
    sessions: Sessions, mini: str
) -> None:
    resident = await register(sessions, "p1")
    other = await register(sessions, "p2")
    first = await complete(sessions, resident.id)
    theirs = await complete(sessions, other.id)
    trial = await complete(sessions, resident.id, is_test=True)

    revision = await start(sessions, resident.id)
    # While the revision is in progress the first response still counts.
    assert (await reload(sessions, first.id)).status == repo.COMPLETED
    revision = await run(sessions, revision, MINI_ANSWERS)

    assert await statuses(sessions) == {
        first.id: repo.REPLACED,
        theirs.id: repo.COMPLETED,
        trial.id: repo.COMPLETED,  # a test run replaces, and is replaced by, test runs only
        revision.id: repo.COMPLETED,
    }
    replaced = await reload(sessions, first.id)
    assert replaced.completed_at == first.completed_at  # kept, and its answers too
    assert replaced.state.answers == first.state.answers
    async with sessions.begin() as db:
        assert await repo.has_completed(db, resident.id, "mini") is True
        assert await repo.count_sessions(db, "mini") == {repo.COMPLETED: 3, repo.REPLACED: 1}


async def test_a_real_run_through_the_flow_engine(sessions: Sessions, mini: str) -> None:
    """The bot's loop: load the active session, apply an input, save the outcome."""
    flow = Flow(parse(mini, "mini.yaml"))
    resident = await register(sessions, "p1")
    started = await start(sessions, resident.id)
    inputs: list[flow_engine.Input] = [
        flow_engine.Pick("2"),
        flow_engine.Typed("Te vol"),
        flow_engine.Back(),
        flow_engine.Back(),
        flow_engine.Pick("4"),  # satisfied after all: "waarom" is off the branch now
        flow_engine.Toggle("gft"),
        flow_engine.Toggle("pmd"),
        flow_engine.Confirm(),
        flow_engine.Typed("1021"),
    ]
    outcomes: list[Outcome] = []
    for given in inputs:
        async with sessions.begin() as db:
            session = await repo.active_session(db, resident.id)
            assert session is not None
            outcome = flow_engine.apply(flow, session.state, given, "nl")
            assert outcome.problem is None, (given, outcome.problem)
            await repo.save_outcome(db, session, outcome)
            outcomes.append(outcome)
        if isinstance(given, flow_engine.Toggle):
            restored = await reload(sessions, started.id)
            assert restored.state.draft == outcome.state.draft

    assert outcomes[-1].discard == ("waarom",)
    done = await reload(sessions, started.id)
    assert done.status == repo.COMPLETED
    assert done.state == outcomes[-1].state
    async with sessions.begin() as db:
        assert await stored_answers(db, done.id) == {
            "tevreden": 4,
            "bakken": ["gft", "pmd"],
            "wijk": "noord",
        }


# --- Sessions: expiry and counts --------------------------------------------------------------


async def test_expire_sessions_before_the_cut_off(sessions: Sessions, mini: str) -> None:
    residents = [await register(sessions, f"p{n}") for n in range(4)]
    started = [await start(sessions, r.id) for r in residents]
    old_active, old_paused, recent, old_completed = (s.id for s in started)
    async with sessions.begin() as db:
        await repo.set_status(db, old_paused, repo.PAUSED)
        await repo.set_status(db, old_completed, repo.COMPLETED)
        for session_id, hour, minute in [
            (old_active, 9, 30),
            (old_paused, 9, 0),
            (recent, 10, 30),
            (old_completed, 8, 0),
        ]:
            await db.execute(
                update(Session)
                .where(Session.id == session_id)
                .values(updated_at=datetime(2030, 1, 1, hour, minute, tzinfo=UTC))
            )

    # 12:00 in Amsterdam summer time is 10:00 UTC, whatever zone the cut-off is given in.
    cut_off = datetime(2030, 1, 1, 12, 0, tzinfo=timezone(timedelta(hours=2)))
    async with sessions.begin() as db:
        assert await repo.expire_sessions(db, cut_off) == 2
    async with sessions.begin() as db:
        assert await repo.expire_sessions(db, cut_off) == 0

    assert await statuses(sessions) == {
        old_active: repo.EXPIRED,
        old_paused: repo.EXPIRED,
        recent: repo.ACTIVE,
        old_completed: repo.COMPLETED,
    }
    async with sessions.begin() as db:
        assert await repo.expire_sessions(db, datetime(2030, 1, 1, 10, 31, tzinfo=UTC)) == 1
    assert (await reload(sessions, recent)).status == repo.EXPIRED


async def test_count_sessions(sessions: Sessions, mini: str) -> None:
    await sync(sessions, "afval", 1, variant(mini, questionnaire_id="afval"))
    one, two, three = [await register(sessions, f"p{n}") for n in range(3)]
    await complete(sessions, one.id)
    await complete(sessions, one.id)  # replaces the first
    await start(sessions, two.id)
    await start(sessions, two.id, "afval")  # pauses two's mini
    await start(sessions, three.id)

    async with sessions.begin() as db:
        assert await repo.count_sessions(db, "mini") == {
            repo.ACTIVE: 1,
            repo.PAUSED: 1,
            repo.COMPLETED: 1,
            repo.REPLACED: 1,
        }
        assert await repo.count_sessions(db, "afval") == {repo.ACTIVE: 1}
        assert await repo.count_sessions(db) == {
            repo.ACTIVE: 2,
            repo.PAUSED: 1,
            repo.COMPLETED: 1,
            repo.REPLACED: 1,
        }
        assert await repo.count_sessions(db, "elders") == {}


async def test_completed_questionnaires_and_has_completed(sessions: Sessions, mini: str) -> None:
    for name in ("afval", "groen"):
        await sync(sessions, name, 1, variant(mini, questionnaire_id=name))
    one, two = await register(sessions, "p1"), await register(sessions, "p2")
    await complete(sessions, one.id)
    await complete(sessions, one.id, questionnaire_id="afval")
    await start(sessions, one.id, "groen")  # in progress: not completed
    await start(sessions, two.id)

    async with sessions.begin() as db:
        assert await repo.completed_questionnaires(db, one.id) == {"mini", "afval"}
        assert await repo.completed_questionnaires(db, two.id) == set()
        assert await repo.has_completed(db, one.id, "mini") is True
        assert await repo.has_completed(db, one.id, "afval") is True
        assert await repo.has_completed(db, one.id, "groen") is False
        assert await repo.has_completed(db, two.id, "mini") is False

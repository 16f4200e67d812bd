"""storage.privacy on each database: what is held about a resident, erasure, retention.

Time is injected (``now=``/``at=``), never waited for: a retention run "90 days later" is a
call with a later ``now``. Every step is its own transaction, as in the bot.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from flows.catalog import Catalog
from flows.engine import SessionState
from flows.loader import parse
from flows.schema import END
from storage import audit, moderation, repo
from storage.models import (
    Answer,
    Base,
    Broadcast,
    Contact,
    EffectAnswer,
    EffectCheck,
    OutboxMessage,
    Outcome,
    QuestionnaireRecord,
    QuestionnaireVersion,
    Resident,
    Session,
    Subscription,
)
from storage.privacy import Erased, erase_resident, resident_data
from storage.retention import AUDIT_RETENTION, apply_retention, closed_since
from tests.storage.helpers import (
    FIRST,
    MINI_ANSWERS,
    answer,
    mini_source,
    sync,
    toggle,
    variant,
)

Sessions = async_sessionmaker[AsyncSession]
T0 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
DAY = timedelta(days=1)
RETENTION = timedelta(days=90)
ZONE = ZoneInfo("Europe/Amsterdam")
WHY = "De bakken zitten altijd vol"
# The "happy" branch of mini.yaml: no free text.
HAPPY: list[tuple[str, Any, str]] = [
    ("tevreden", 4, "bakken"),
    ("bakken", ["papier"], "wijk"),
    ("wijk", "centrum", END),
]


# --- helpers ----------------------------------------------------------------------------------


async def join(
    sessions: Sessions, pseudonym: str, *, at: datetime = T0, chat_id: int | None = 1001
) -> repo.ResidentInfo:
    async with sessions.begin() as db:
        return await repo.register_resident(
            db, pseudonym, language="nl", consent="given", chat_id=chat_id, now=at
        )


async def respond(
    sessions: Sessions,
    resident_id: int,
    questionnaire_id: str = "mini",
    *,
    steps: list[tuple[str, Any, str]] = MINI_ANSWERS,
    at: datetime = T0,
) -> int:
    """A response answered ``steps`` (all of mini by default, with free text); its id."""
    async with sessions.begin() as db:
        session = await repo.start_session(
            db, resident_id, questionnaire_id, 1, SessionState(FIRST), now=at
        )
    state = session.state
    for question, value, following in steps:
        outcome = answer(state, question, value, following)
        async with sessions.begin() as db:
            await repo.save_outcome(db, session, outcome, now=at)
        state = outcome.state
    return session.id


async def add_questionnaire(sessions: Sessions, questionnaire_id: str, extra: str = "") -> str:
    source = variant(mini_source(), questionnaire_id=questionnaire_id)
    if extra:
        source = source.replace("version: 1\n", f"version: 1\n{extra}", 1)
    assert await sync(sessions, questionnaire_id, 1, source)
    return source


async def close(
    sessions: Sessions, questionnaire_id: str, at: datetime, status: str = "closed"
) -> None:
    async with sessions.begin() as db:
        await db.execute(
            update(QuestionnaireRecord)
            .where(QuestionnaireRecord.id == questionnaire_id)
            .values(status=status, closed_at=at)
        )


async def retain(sessions: Sessions, now: datetime, **kwargs: Any) -> Any:
    async with sessions.begin() as db:
        return await apply_retention(db, retention=RETENTION, now=now, zone=ZONE, **kwargs)


async def rows(sessions: Sessions, *columns: Any, where: Any = None) -> list[tuple[Any, ...]]:
    async with sessions() as db:
        query = select(*columns)
        if where is not None:
            query = query.where(where)
        return [tuple(r) for r in await db.execute(query.order_by(*columns))]


async def answer_ids(sessions: Sessions, session_id: int) -> list[str]:
    return [
        q
        for (q,) in await rows(sessions, Answer.question_id, where=Answer.session_id == session_id)
    ]


async def resident_ids(sessions: Sessions) -> list[int]:
    return [r for (r,) in await rows(sessions, Resident.id)]


async def chat_ids(sessions: Sessions) -> list[int]:
    return [c for (c,) in await rows(sessions, Contact.chat_id)]


async def subscribe(sessions: Sessions, resident_id: int, topic: str = "mini") -> None:
    async with sessions.begin() as db:
        db.add(Subscription(resident_id=resident_id, kind="outcomes", topic=topic, created_at=T0))


async def broadcast(
    sessions: Sessions, resident_id: int, status: str, error: str | None = None
) -> int:
    async with sessions.begin() as db:
        sent = Broadcast(kind="outcome", questionnaire_id="mini", payload={}, total=1)
        db.add(sent)
        await db.flush()
        db.add(
            OutboxMessage(
                broadcast_id=sent.id, resident_id=resident_id, status=status, error=error
            )
        )
        return sent.id


async def effect_answer(sessions: Sessions, resident_id: int, at: datetime = T0) -> int:
    async with sessions.begin() as db:
        check = EffectCheck(questionnaire_id="mini", due_at=at)
        db.add(check)
        await db.flush()
        db.add(
            EffectAnswer(
                effect_check_id=check.id, resident_id=resident_id, value="ja", answered_at=at
            )
        )
        return check.id


async def refused(sessions: Sessions, pseudonym: str, at: datetime = T0) -> None:
    """An administrator's command tried by someone else, as bot.core.access.refuse logs it."""
    async with sessions.begin() as db:
        await audit.record(
            db,
            "admin.beheer",
            actor=None,
            detail={"pseudonym": pseudonym[:12]},
            allowed=False,
            now=at,
        )


async def counts(sessions: Sessions, questionnaire_id: str = "mini") -> dict[str, int]:
    async with sessions() as db:
        return await repo.count_sessions(db, questionnaire_id)


# --- what is held -----------------------------------------------------------------------------


async def test_resident_data_holds_every_row_about_the_resident(
    sessions: Sessions, mini: str
) -> None:
    anna = await join(sessions, "anna", chat_id=555)
    other = await join(sessions, "bert", chat_id=666)
    first = await respond(sessions, anna.id, at=T0)
    await respond(sessions, other.id, steps=HAPPY)
    await subscribe(sessions, anna.id)
    await effect_answer(sessions, anna.id, at=T0 + DAY)
    await broadcast(sessions, anna.id, "sent")
    await broadcast(
        sessions, anna.id, "unreachable", error="Forbidden: bot was blocked by the user"
    )
    await refused(sessions, "anna", at=T0 + DAY)
    await refused(sessions, "bert", at=T0 + DAY)
    # Half-way through a second questionnaire, two options ticked on a multi question.
    async with sessions.begin() as db:
        going = await repo.start_session(db, anna.id, "mini", 1, SessionState(FIRST), now=T0)
    outcome = answer(going.state, "tevreden", 4, "bakken")
    async with sessions.begin() as db:
        await repo.save_outcome(db, going, outcome, now=T0)
        await repo.save_outcome(db, going, toggle(outcome.state, "gft", "rest"), now=T0)
    async with sessions.begin() as db:
        waarom = await db.scalar(
            select(Answer.id).where(Answer.session_id == first, Answer.question_id == "waarom")
        )
        assert waarom is not None
        await moderation.decide(
            db,
            waarom,
            texts={("mini", 1): ["waarom"]},
            approve=False,
            reason="spam",
            by=4242,
            now=T0 + DAY,
        )

    async with sessions() as db:
        data = await resident_data(db, anna.id)
    assert data is not None
    assert (data.pseudonym, data.language, data.consent) == ("anna", "nl", "given")
    assert data.consent_at == T0
    assert (data.chat_id, data.unreachable_at) == (555, None)
    assert [(s.kind, s.topic) for s in data.subscriptions] == [("outcomes", "mini")]
    assert [r.id for r in data.responses] == [first, going.id]
    response, half = data.responses
    assert (response.questionnaire_id, response.version, response.status) == (
        "mini",
        1,
        "completed",
    )
    assert (response.current, response.draft) == (END, ())
    assert response.path == ("tevreden", "waarom", "bakken", "wijk")
    assert {a.question_id: a.value for a in response.answers} == {
        "tevreden": 2,
        "waarom": WHY,
        "bakken": ["gft", "pmd"],
        "wijk": "noord",
    }
    [why] = [a for a in response.answers if a.question_id == "waarom"]
    assert (why.moderation, why.moderation_reason, why.moderated_at) == (
        "rejected",
        "spam",
        T0 + DAY,
    )
    assert (half.status, half.current, half.draft) == ("active", "bakken", ("gft", "rest"))
    assert [(e.questionnaire_id, e.value) for e in data.effect_answers] == [("mini", "ja")]
    assert [(m.kind, m.questionnaire_id, m.status, m.error) for m in data.messages] == [
        ("outcome", "mini", "sent", None),
        ("outcome", "mini", "unreachable", "Forbidden: bot was blocked by the user"),
    ]
    assert [(a.action, a.at) for a in data.refused_attempts] == [("admin.beheer", T0 + DAY)]


async def test_resident_data_of_an_unknown_resident_is_none(sessions: Sessions, mini: str) -> None:
    async with sessions() as db:
        assert await resident_data(db, 999) is None


# --- erasure ----------------------------------------------------------------------------------


async def test_erase_deletes_contact_subscriptions_free_text_and_unlinks_the_rest(
    sessions: Sessions, mini: str
) -> None:
    anna = await join(sessions, "anna", chat_id=555)
    bert = await join(sessions, "bert", chat_id=666)
    done = await respond(sessions, anna.id)
    going = await respond(sessions, anna.id, steps=MINI_ANSWERS[:2])  # a revision, half-way
    berts = await respond(sessions, bert.id)
    await subscribe(sessions, anna.id)
    await subscribe(sessions, bert.id)
    await effect_answer(sessions, anna.id)
    await broadcast(sessions, anna.id, "pending")
    await broadcast(sessions, bert.id, "pending")
    before = await counts(sessions)

    async with sessions.begin() as db:
        erased = await erase_resident(db, anna.id, now=T0 + DAY)

    assert erased == Erased(
        texts=2, responses=2, subscriptions=1, messages=1, effect_answers=1, contact=True
    )
    assert await resident_ids(sessions) == [bert.id]
    assert await chat_ids(sessions) == [666]
    assert await rows(sessions, Subscription.resident_id) == [(bert.id,)]
    assert await rows(sessions, OutboxMessage.resident_id) == [(bert.id,)]
    # Closed answers stay, without a link; free text is gone; Bert keeps everything.
    assert await answer_ids(sessions, done) == ["bakken", "tevreden", "wijk"]
    assert await answer_ids(sessions, going) == ["tevreden"]
    assert await answer_ids(sessions, berts) == ["bakken", "tevreden", "waarom", "wijk"]
    assert await rows(sessions, Session.id, Session.resident_id, Session.status) == [
        (done, None, "completed"),
        (going, None, "expired"),  # nobody can go on with it
        (berts, bert.id, "completed"),
    ]
    assert await rows(sessions, EffectAnswer.resident_id, EffectAnswer.value) == [(None, "ja")]
    # The figures already reported stay correct: incomplete stays incomplete.
    after = await counts(sessions)
    assert after["completed"] == before["completed"] == 2
    assert sum(after.values()) == sum(before.values())


async def test_erase_is_recorded_in_the_audit_log_without_identifying_anyone(
    sessions: Sessions, mini: str
) -> None:
    anna = await join(sessions, "anna-pseudonym", chat_id=424242)
    await respond(sessions, anna.id)
    # Anna once tried an administrator's command; so did someone else.
    await refused(sessions, "anna-pseudonym")
    await refused(sessions, "someone-else")
    async with sessions.begin() as db:
        await erase_resident(db, anna.id, now=T0 + DAY)
    async with sessions() as db:
        entries = await audit.entries(db, action="privacy.erase")
        attempts = await audit.entries(db, action="admin.beheer")
    assert len(entries) == 1
    entry = entries[0]
    assert (entry.at, entry.actor, entry.via, entry.target) == (T0 + DAY, None, "telegram", None)
    assert entry.detail == {
        "texts": 1,
        "responses": 1,
        "subscriptions": 0,
        "messages": 0,
        "effect_answers": 0,
        "contact": True,
        "attempts": 1,
        "statements": 0,
    }
    assert "anna" not in str(entry.detail) and "424242" not in str(entry.detail)
    # Her attempt stays logged, without the link to her; the other one is untouched.
    assert [(a.detail, a.allowed) for a in attempts] == [
        ({"pseudonym": None}, False),
        ({"pseudonym": "someone-else"}, False),
    ]


async def test_erasing_twice_does_nothing_the_second_time(sessions: Sessions, mini: str) -> None:
    anna = await join(sessions, "anna")
    async with sessions.begin() as db:
        assert await erase_resident(db, anna.id) is not None
    async with sessions.begin() as db:
        assert await erase_resident(db, anna.id) is None


async def test_a_returning_resident_is_new(sessions: Sessions, mini: str) -> None:
    anna = await join(sessions, "anna")
    await respond(sessions, anna.id)
    async with sessions.begin() as db:
        await erase_resident(db, anna.id)
    async with sessions() as db:
        assert await repo.find_resident(db, "anna") is None
    again = await join(sessions, "anna")
    async with sessions() as db:
        assert not await repo.has_completed(db, again.id, "mini")
        assert await repo.latest_session(db, again.id, "mini") is None


async def test_free_text_is_found_through_the_catalog_or_the_stored_source(
    sessions: Sessions, mini: str
) -> None:
    catalog = Catalog()
    catalog.add(parse(mini, "mini"))
    for name, given in (("met", catalog), ("zonder", None), ("leeg", Catalog())):
        resident = await join(sessions, name)
        session = await respond(sessions, resident.id)
        async with sessions.begin() as db:
            erased = await erase_resident(db, resident.id, catalog=given)
        assert erased is not None and erased.texts == 1, name
        assert await answer_ids(sessions, session) == ["bakken", "tevreden", "wijk"]


async def test_a_refused_resident_without_contact_is_erased_too(
    sessions: Sessions, mini: str
) -> None:
    async with sessions.begin() as db:
        resident = await repo.register_resident(
            db, "nee", language="nl", consent="refused", chat_id=None
        )
    async with sessions.begin() as db:
        erased = await erase_resident(db, resident.id)
    assert erased is not None and not erased.contact
    assert await resident_ids(sessions) == []


# --- retention --------------------------------------------------------------------------------


def test_closed_since() -> None:
    later = T0 + 10 * DAY
    assert closed_since("open", None, None, later) is None
    assert closed_since("draft", T0, T0, later) is None
    assert closed_since("closed", T0, None, later) == T0
    assert closed_since("archived", T0, None, later) == T0
    assert closed_since("open", T0, None, later) is None  # reopened
    assert closed_since("open", None, T0 + DAY, later) == T0 + DAY  # closes_at passed
    assert closed_since("open", None, later + DAY, later) is None  # not yet
    assert closed_since("closed", T0 + 2 * DAY, T0 + DAY, later) == T0 + DAY  # the earliest
    assert closed_since("closed", None, None, later) is None  # unknown: kept


async def test_nothing_is_deleted_before_the_retention_period_ends(
    sessions: Sessions, mini: str
) -> None:
    anna = await join(sessions, "anna")
    session = await respond(sessions, anna.id)
    await close(sessions, "mini", T0 + DAY)

    done = await retain(sessions, T0 + DAY + RETENTION - timedelta(seconds=1))

    assert (done.texts, done.residents, done.due) == (0, 0, ())
    assert await answer_ids(sessions, session) == ["bakken", "tevreden", "waarom", "wijk"]
    assert await resident_ids(sessions) == [anna.id]
    assert await chat_ids(sessions) == [1001]


async def test_after_retention_free_text_and_contact_go_and_counts_stay(
    sessions: Sessions, mini: str
) -> None:
    anna = await join(sessions, "anna")
    bert = await join(sessions, "bert", chat_id=2002)
    annas = await respond(sessions, anna.id)
    berts = await respond(sessions, bert.id, steps=MINI_ANSWERS[:2])  # incomplete
    await close(sessions, "mini", T0 + DAY)
    before = await counts(sessions)

    done = await retain(sessions, T0 + DAY + RETENTION)

    assert (done.texts, done.residents, done.due) == (2, 2, ("mini",))
    assert await answer_ids(sessions, annas) == ["bakken", "tevreden", "wijk"]
    assert await answer_ids(sessions, berts) == ["tevreden"]
    assert await resident_ids(sessions) == []
    assert await chat_ids(sessions) == []
    assert await rows(sessions, Session.resident_id) == [(None,), (None,)]
    # One complete, one incomplete response, before and after (a response nobody can go on
    # with ends as expired, as the session timeout would end it).
    assert before == {"completed": 1, "active": 1}
    assert await counts(sessions) == {"completed": 1, "expired": 1}


async def test_subscribers_and_open_questionnaires_keep_their_contact(
    sessions: Sessions, mini: str
) -> None:
    await add_questionnaire(sessions, "open")
    subscriber = await join(sessions, "abonnee", chat_id=1)
    busy = await join(sessions, "bezig", chat_id=2)
    waiting = await join(sessions, "wacht", chat_id=3)
    gone = await join(sessions, "klaar", chat_id=4)
    for resident in (subscriber, busy, waiting, gone):
        await respond(sessions, resident.id)
    await subscribe(sessions, subscriber.id, topic="nieuws")
    await respond(sessions, busy.id, "open", steps=HAPPY)  # still in an open questionnaire
    await broadcast(sessions, waiting.id, "pending")  # a message still to deliver
    await close(sessions, "mini", T0 + DAY)

    done = await retain(sessions, T0 + 200 * DAY)

    assert done.residents == 1
    assert done.texts == 4  # everybody's free text in the closed questionnaire
    assert await resident_ids(sessions) == [subscriber.id, busy.id, waiting.id]
    assert await chat_ids(sessions) == [1, 2, 3]
    assert await rows(sessions, Answer.id, where=Answer.question_id == "waarom") == []
    # Those kept are still linked to their answers.
    assert len(await rows(sessions, Session.id, where=Session.resident_id.is_not(None))) == 4


async def test_retention_counts_from_closes_at_in_the_file(sessions: Sessions, mini: str) -> None:
    # closes_at without a zone is Amsterdam time: 2026-02-01 00:00 CET is 23:00 UTC.
    await add_questionnaire(sessions, "datum", extra="closes_at: 2026-02-01\n")
    anna = await join(sessions, "anna")
    session = await respond(sessions, anna.id, "datum")
    closes = datetime(2026, 1, 31, 23, 0, tzinfo=UTC)

    early = await retain(sessions, closes + RETENTION - timedelta(seconds=1))
    assert early.due == ()
    assert await answer_ids(sessions, session) == ["bakken", "tevreden", "waarom", "wijk"]

    due = await retain(sessions, closes + RETENTION)
    assert (due.texts, due.residents, due.due) == (1, 1, ("datum",))
    assert await answer_ids(sessions, session) == ["bakken", "tevreden", "wijk"]


async def test_a_reopened_or_draft_questionnaire_is_not_closed(
    sessions: Sessions, mini: str
) -> None:
    await add_questionnaire(sessions, "concept")
    anna = await join(sessions, "anna")
    first = await respond(sessions, anna.id)
    second = await respond(sessions, anna.id, "concept")
    await close(sessions, "mini", T0, status="open")  # closed once, then reopened
    await close(sessions, "concept", T0, status="draft")

    done = await retain(sessions, T0 + 400 * DAY)

    assert (done.texts, done.residents, done.due) == (0, 0, ())
    assert "waarom" in await answer_ids(sessions, first)
    assert "waarom" in await answer_ids(sessions, second)


async def test_retention_catches_up_once_and_then_does_nothing(
    sessions: Sessions, mini: str
) -> None:
    anna = await join(sessions, "anna")
    await respond(sessions, anna.id)
    await close(sessions, "mini", T0 + DAY)

    # The bot was down for a year: the first run does everything that became due.
    first = await retain(sessions, T0 + 365 * DAY)
    second = await retain(sessions, T0 + 366 * DAY)

    assert (first.texts, first.residents) == (1, 1)
    assert (second.texts, second.residents) == (0, 0)
    async with sessions() as db:
        runs = await audit.entries(db, action="privacy.retention")
        erasures = await audit.entries(db, action="privacy.erase")
    assert [(e.via, e.detail) for e in runs] == [
        (
            "system",
            {
                "texts": 1,
                "residents": 1,
                "questionnaires": ["mini"],
                "deliberations": [],
                "audit": 0,
                "admin_ids": 0,
            },
        )
    ]
    assert [e.via for e in erasures] == ["system"]


async def test_someone_who_never_answered_is_forgotten_after_the_period(
    sessions: Sessions, mini: str
) -> None:
    old = await join(sessions, "oud", at=T0)
    new = await join(sessions, "nieuw", at=T0 + 60 * DAY)

    done = await retain(sessions, T0 + RETENTION)

    assert done.residents == 1
    assert await resident_ids(sessions) == [new.id]
    assert old.id != new.id


async def test_recent_effect_check_answers_keep_a_resident(sessions: Sessions, mini: str) -> None:
    anna = await join(sessions, "anna")
    await respond(sessions, anna.id)
    await close(sessions, "mini", T0 + DAY)
    await effect_answer(sessions, anna.id, at=T0 + 150 * DAY)

    assert (await retain(sessions, T0 + 200 * DAY)).residents == 0
    assert await resident_ids(sessions) == [anna.id]
    assert (await retain(sessions, T0 + 240 * DAY)).residents == 1
    assert await rows(sessions, EffectAnswer.resident_id) == [(None,)]


async def test_retention_forgets_in_batches(sessions: Sessions, mini: str) -> None:
    for name in ("a", "b", "c"):
        await join(sessions, name)
    later = T0 + RETENTION

    assert (await retain(sessions, later, batch=2)).residents == 2
    assert (await retain(sessions, later, batch=2)).residents == 1
    assert await resident_ids(sessions) == []


async def test_retention_on_an_empty_database(sessions: Sessions) -> None:
    done = await retain(sessions, T0)
    assert (done.texts, done.residents, done.due) == (0, 0, ())
    async with sessions() as db:
        assert await db.scalar(select(func.count()).select_from(Answer)) == 0


@pytest.mark.parametrize("status", ["closed", "archived"])
async def test_closed_and_archived_both_count(sessions: Sessions, mini: str, status: str) -> None:
    anna = await join(sessions, "anna")
    session = await respond(sessions, anna.id)
    await close(sessions, "mini", T0, status=status)
    assert (await retain(sessions, T0 + RETENTION)).due == ("mini",)
    assert "waarom" not in await answer_ids(sessions, session)


async def test_retention_of_a_questionnaire_with_very_many_responses(
    sessions: Sessions, mini: str
) -> None:
    """More responses than a statement may carry parameters (32,767 on PostgreSQL, 32,766 on
    SQLite): the free text goes all the same, in one run."""
    many = 33_000
    async with sessions.begin() as db:
        await db.execute(
            insert(Session),
            [
                {
                    "questionnaire_id": "mini",
                    "questionnaire_version": 1,
                    "status": "completed",
                    "current": END,
                    "started_at": T0,
                    "updated_at": T0,
                }
                for _ in range(many)
            ],
        )
        first = await db.scalar(select(func.min(Session.id)))
        assert first is not None
        await db.execute(
            insert(Answer),
            [
                {"session_id": first + n, "question_id": question, "value": value}
                for n in range(0, many, 1000)
                for question, value in (("waarom", WHY), ("tevreden", 2))
            ],
        )
    await close(sessions, "mini", T0)

    done = await retain(sessions, T0 + RETENTION)

    assert (done.texts, done.due) == (many // 1000, ("mini",))
    assert {q for (q,) in await rows(sessions, Answer.question_id)} == {"tevreden"}


async def test_a_subscriber_who_blocked_the_bot_is_forgotten_after_the_period(
    sessions: Sessions, mini: str
) -> None:
    blocked = await join(sessions, "geblokkeerd", chat_id=1)
    reachable = await join(sessions, "bereikbaar", chat_id=2)
    for resident in (blocked, reachable):
        await respond(sessions, resident.id)
        await subscribe(sessions, resident.id, topic="nieuws")
    await close(sessions, "mini", T0 + DAY)
    blocked_at = T0 + 30 * DAY
    async with sessions.begin() as db:
        await db.execute(
            update(Contact)
            .where(Contact.resident_id == blocked.id)
            .values(unreachable_at=blocked_at)
        )

    # Blocked less than the period ago: still kept (they may unblock).
    assert (await retain(sessions, blocked_at + RETENTION - DAY)).residents == 0
    assert (await retain(sessions, blocked_at + RETENTION)).residents == 1
    assert await resident_ids(sessions) == [reachable.id]
    assert await rows(sessions, Subscription.resident_id) == [(reachable.id,)]


async def test_administrators_traces_go_after_two_years(sessions: Sessions, mini: str) -> None:
    anna = await join(sessions, "anna")
    session = await respond(sessions, anna.id)
    await subscribe(sessions, anna.id)  # Anna stays: her answers stay linked
    async with sessions.begin() as db:
        waarom = await db.scalar(
            select(Answer.id).where(Answer.session_id == session, Answer.question_id == "waarom")
        )
        assert waarom is not None
        await moderation.decide(
            db, waarom, texts={("mini", 1): ["waarom"]}, approve=True, by=4242, now=T0
        )
        await db.execute(update(QuestionnaireVersion).values(uploaded_by=4242, loaded_at=T0))
        outcome = Outcome(
            questionnaire_id="mini", status="besluit", message_nl="Besloten", created_by=4242
        )
        outcome.created_at = T0
        db.add(outcome)
        db.add(EffectCheck(questionnaire_id="mini", due_at=T0, created_by=4242, created_at=T0))
        for status in ("done", "sending"):
            db.add(
                Broadcast(
                    kind="outcome",
                    questionnaire_id="mini",
                    status=status,
                    created_by=4242,
                    created_at=T0,
                    report_chat_id=4242,
                    report_message_id=7,
                )
            )
    later = await join(sessions, "later", at=T0 + 400 * DAY)  # a line of a year later
    async with sessions.begin() as db:
        await erase_resident(db, later.id, now=T0 + 400 * DAY)

    early = await retain(sessions, T0 + AUDIT_RETENTION - timedelta(seconds=1))
    assert (early.audit, early.admin_ids) == (0, 0)

    done = await retain(sessions, T0 + AUDIT_RETENTION)

    # The moderation decision's line, gone; the erasure a year later stays.
    assert done.audit == 1
    assert done.admin_ids == 5  # answer, version, outcome, effect check, finished broadcast
    async with sessions() as db:
        assert [e.action for e in await audit.entries(db)] == [
            "privacy.erase",
            "privacy.retention",
        ]
        judged = await moderation.judgement(db, waarom)
    assert judged == moderation.Judgement("approved", None, None, T0)
    assert await rows(sessions, QuestionnaireVersion.uploaded_by) == [(None,)]
    assert await rows(sessions, Outcome.created_by) == [(None,)]
    assert await rows(sessions, EffectCheck.created_by) == [(None,)]
    assert await rows(
        sessions,
        Broadcast.status,
        Broadcast.created_by,
        Broadcast.report_chat_id,
        Broadcast.report_message_id,
    ) == [("done", None, None, None), ("sending", 4242, 4242, 7)]
    assert (await retain(sessions, T0 + AUDIT_RETENTION + DAY)).admin_ids == 0


# --- PRIVACY.md -------------------------------------------------------------------------------


def documented_columns(text: str) -> dict[str, set[str]]:
    """Per table, the columns PRIVACY.md names in the first cell of a field table's rows:
    ``table.column``, or ``table.*`` followed by the columns it means."""
    found: dict[str, set[str]] = {}
    for line in text.splitlines():
        if not line.startswith("| `"):
            continue
        first = line.split("|")[1]
        names = re.findall(r"`([^`]+)`", first)
        star = next((n.removesuffix(".*") for n in names if n.endswith(".*")), None)
        for name in names:
            table, dot, column = name.partition(".")
            if dot and column != "*":
                found.setdefault(table, set()).add(column)
            elif not dot and star is not None:
                found.setdefault(star, set()).add(name)
    return found


def test_privacy_md_lists_every_stored_column() -> None:
    """A column added to storage/models.py without a line in PRIVACY.md fails here."""
    text = (Path(__file__).resolve().parents[2] / "PRIVACY.md").read_text(encoding="utf-8")
    documented = documented_columns(text)
    missing = [
        f"{table.name}.{column.name}"
        for table in Base.metadata.sorted_tables
        for column in table.columns
        if column.name not in documented.get(table.name, set())
    ]
    assert missing == [], "describe these in PRIVACY.md (purpose, basis, retention, who)"
    unknown = [
        f"{table}.{column}"
        for table, columns in documented.items()
        for column in columns
        if table not in Base.metadata.tables or column not in Base.metadata.tables[table].c
    ]
    assert unknown == [], "PRIVACY.md names columns that do not exist"

"""The moderation queue and decisions (storage.moderation), and how save_outcome puts new
free text in the queue. On SQLite and PostgreSQL.

mini.yaml has one free-text question, ``waarom``; the others are closed questions.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select, update

from flows.engine import SessionState
from storage import audit, repo
from storage import moderation as mod
from storage.models import Answer
from tests.storage.helpers import Sessions, answer, register, start

TEXTS = {("mini", 1): ("waarom",)}
T0 = datetime(2026, 11, 3, 10, tzinfo=UTC)
ADMIN, OTHER_ADMIN = 424242, 434343


async def text_answer(
    sessions: Sessions,
    pseudonym: str,
    text: str | None,
    *,
    at: datetime = T0,
    is_test: bool = False,
    moderate: bool = True,
) -> tuple[repo.SessionInfo, int]:
    """A resident who answered tevreden 1 and then ``text`` on waarom; the session and the
    id of the text answer."""
    resident = await register(sessions, pseudonym)
    session = await start(sessions, resident.id, is_test=is_test)
    first = answer(session.state, "tevreden", 1, "waarom")
    second = answer(first.state, "waarom", text, "bakken")
    async with sessions.begin() as db:
        await repo.save_outcome(db, session, first, now=at)
        await repo.save_outcome(db, session, second, now=at, moderate=moderate)
        answer_id = await db.scalar(
            select(Answer.id).where(
                Answer.session_id == session.id, Answer.question_id == "waarom"
            )
        )
    assert answer_id is not None
    return session, answer_id


async def moderation_of(sessions: Sessions, session_id: int) -> dict[str, Any]:
    async with sessions() as db:
        rows = await db.execute(
            select(Answer.question_id, Answer.moderation).where(Answer.session_id == session_id)
        )
        return dict(rows.all())


async def decide(sessions: Sessions, answer_id: int, **kwargs: Any) -> str:
    kwargs.setdefault("by", ADMIN)
    kwargs.setdefault("approve", True)
    async with sessions.begin() as db:
        return await mod.decide(db, answer_id, texts=TEXTS, now=T0 + timedelta(hours=1), **kwargs)


# --- Saving ---------------------------------------------------------------------------------


async def test_new_free_text_waits_for_moderation(sessions: Sessions, mini: str) -> None:
    session, _ = await text_answer(sessions, "a", "De bakken zitten altijd vol")
    assert await moderation_of(sessions, session.id) == {"tevreden": None, "waarom": "pending"}
    skipped, _ = await text_answer(sessions, "b", None)
    assert await moderation_of(sessions, skipped.id) == {"tevreden": None, "waarom": None}
    test_run, _ = await text_answer(sessions, "c", "Even proberen", is_test=True)
    assert await moderation_of(sessions, test_run.id) == {"tevreden": None, "waarom": None}


async def test_a_changed_text_waits_again(sessions: Sessions, mini: str) -> None:
    session, answer_id = await text_answer(sessions, "a", "Eerste versie van mijn idee")
    assert await decide(sessions, answer_id, approve=False, reason="spam") == "decided"
    again = answer(SessionState("waarom", path=("tevreden",)), "waarom", "Nieuw idee", "bakken")
    async with sessions.begin() as db:
        await repo.save_outcome(db, session, again, now=T0 + timedelta(days=1), moderate=True)
    async with sessions() as db:
        judged = await mod.judgement(db, answer_id)
    assert judged == mod.Judgement("pending", None, None, None)


async def test_free_text_keeps_the_language_it_was_written_in(
    sessions: Sessions, mini: str
) -> None:
    """The resident's language when they typed the text goes with it (a digest quotes it
    as such); a skipped question and a closed answer have none."""
    resident = await register(sessions, "tr-1")
    session = await start(sessions, resident.id)
    first = answer(session.state, "tevreden", 1, "waarom")
    second = answer(first.state, "waarom", "Çöp kutuları hep dolu", "bakken")
    async with sessions.begin() as db:
        await repo.save_outcome(db, session, first, now=T0, language="tr")
        await repo.save_outcome(db, session, second, now=T0, moderate=True, language="tr")
    skipped, _ = await text_answer(sessions, "b", None)
    async with sessions.begin() as db:
        await repo.save_outcome(
            db,
            skipped,
            answer(SessionState("waarom", path=("tevreden",)), "waarom", None, "bakken"),
            now=T0,
            moderate=True,
            language="ar",
        )
    async with sessions() as db:
        rows = await db.execute(
            select(Answer.session_id, Answer.question_id, Answer.language).order_by(Answer.id)
        )
        kept = {(s, q): language for s, q, language in rows}
    assert kept == {
        (session.id, "tevreden"): None,
        (session.id, "waarom"): "tr",
        (skipped.id, "tevreden"): None,
        (skipped.id, "waarom"): None,
    }


# --- The queue --------------------------------------------------------------------------------


async def test_the_queue_oldest_first_never_judged_included(sessions: Sessions, mini: str) -> None:
    _, late = await text_answer(sessions, "a", "Later geschreven", at=T0 + timedelta(hours=2))
    # Stored before moderation existed (moderation NULL): waits as well.
    _, legacy = await text_answer(sessions, "b", "Van voor de moderatie", moderate=False)
    _, early = await text_answer(sessions, "c", "Eerder geschreven", at=T0 - timedelta(hours=1))
    await text_answer(sessions, "d", None)  # skipped: nothing to judge
    await text_answer(sessions, "e", "Proefrit van een beheerder", is_test=True)
    replaced, _ = await text_answer(sessions, "f", "Herzien, dus vervangen")
    async with sessions.begin() as db:
        await repo.set_status(db, replaced.id, repo.REPLACED)

    async with sessions() as db:
        assert await mod.count_pending(db, TEXTS) == 3
        first = await mod.next_pending(db, TEXTS)
        assert first == mod.PendingText(
            early, "mini", 1, "waarom", "Eerder geschreven", T0 - timedelta(hours=1)
        )
        # Without the free-text questions only what is marked pending waits.
        assert await mod.count_pending(db, {}) == 2
        assert await mod.pending_text(db, legacy, TEXTS) is not None
        assert await mod.pending_text(db, legacy, {}) is None
    assert await decide(sessions, early) == "decided"
    assert await decide(sessions, legacy, approve=False, reason="off_topic") == "decided"
    async with sessions() as db:
        assert await mod.count_pending(db, TEXTS) == 1
        found = await mod.next_pending(db, TEXTS)
        assert found is not None and found.answer_id == late
    assert await decide(sessions, late) == "decided"
    async with sessions() as db:
        assert await mod.next_pending(db, TEXTS) is None
        assert await mod.count_pending(db, TEXTS) == 0


async def test_closed_answers_never_wait(sessions: Sessions, mini: str) -> None:
    session, _ = await text_answer(sessions, "a", None)
    async with sessions() as db:
        closed = await db.scalar(
            select(Answer.id).where(
                Answer.session_id == session.id, Answer.question_id == "tevreden"
            )
        )
        assert closed is not None
        assert await mod.count_pending(db, TEXTS) == 0
    assert await decide(sessions, closed) == "unknown"
    assert await decide(sessions, 999_999) == "unknown"


# --- Decisions --------------------------------------------------------------------------------


async def test_decisions_are_stored_and_logged(sessions: Sessions, mini: str) -> None:
    _, good = await text_answer(sessions, "a", "Een goed idee over de bakken")
    _, bad = await text_answer(sessions, "b", "Bel mij op 0612345678")
    assert await decide(sessions, good) == "decided"
    assert await decide(sessions, bad, approve=False, reason="personal_data", by=None) == (
        "decided"
    )
    async with sessions() as db:
        assert await mod.judgement(db, good) == mod.Judgement(
            "approved", None, ADMIN, T0 + timedelta(hours=1)
        )
        assert await mod.judgement(db, bad) == mod.Judgement(
            "rejected", "personal_data", None, T0 + timedelta(hours=1)
        )
        entries = await audit.entries(db)
    assert [(e.action, e.actor, e.target, e.detail, e.at) for e in entries] == [
        (
            "moderation.approve",
            ADMIN,
            f"answer:{good}",
            {"questionnaire": "mini", "version": 1, "question": "waarom"},
            T0 + timedelta(hours=1),
        ),
        (
            "moderation.reject",
            None,
            f"answer:{bad}",
            {
                "questionnaire": "mini",
                "version": 1,
                "question": "waarom",
                "reason": "personal_data",
            },
            T0 + timedelta(hours=1),
        ),
    ]
    for entry in entries:
        assert "0612345678" not in str(entry.detail), "no resident's text in the log"

    # Judged once: a second decision changes nothing.
    assert await decide(sessions, good, approve=False, reason="spam", by=OTHER_ADMIN) == (
        "already"
    )
    async with sessions() as db:
        assert (await mod.judgement(db, good)) == mod.Judgement(
            "approved", None, ADMIN, T0 + timedelta(hours=1)
        )
        assert len(await audit.entries(db)) == 2


async def test_a_reason_is_needed_to_reject(sessions: Sessions, mini: str) -> None:
    _, answer_id = await text_answer(sessions, "a", "Een idee over de bakken")
    with pytest.raises(ValueError, match="reason"):
        await decide(sessions, answer_id, approve=False)
    with pytest.raises(ValueError, match="reason"):
        await decide(sessions, answer_id, approve=False, reason="lelijk")
    with pytest.raises(ValueError, match="reason"):
        await decide(sessions, answer_id, approve=True, reason="spam")
    async with sessions() as db:
        assert await mod.judgement(db, answer_id) == mod.Judgement("pending", None, None, None)


async def test_two_administrators_at_once_one_decision(sessions: Sessions, mini: str) -> None:
    _, answer_id = await text_answer(sessions, "a", "Een idee dat twee mensen zien")
    results = await asyncio.gather(
        decide(sessions, answer_id, by=ADMIN),
        decide(sessions, answer_id, approve=False, reason="spam", by=OTHER_ADMIN),
    )
    assert sorted(results) == ["already", "decided"]
    async with sessions() as db:
        judged = await mod.judgement(db, answer_id)
        entries = await audit.entries(db)
    assert judged is not None
    winner = ADMIN if results[0] == "decided" else OTHER_ADMIN
    assert judged.by == winner
    assert judged.moderation == ("approved" if winner == ADMIN else "rejected")
    assert [(e.action, e.actor) for e in entries] == [
        ("moderation.approve" if winner == ADMIN else "moderation.reject", winner)
    ]


async def test_a_conditional_update_is_what_guards(
    sessions: Sessions, mini: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Someone else's decision lands between reading the text and judging it: the update
    finds nothing to change, and that is what decide reports."""
    _, answer_id = await text_answer(sessions, "a", "Een idee dat net beoordeeld wordt")
    original = mod.pending_text

    async def read_then_lose(db: Any, found_id: int, texts: Any) -> Any:
        found = await original(db, found_id, texts)
        await db.execute(update(Answer).where(Answer.id == found_id).values(moderation="approved"))
        return found

    monkeypatch.setattr(mod, "pending_text", read_then_lose)
    assert await decide(sessions, answer_id, approve=False, reason="spam") == "already"
    async with sessions() as db:
        assert (await mod.judgement(db, answer_id)) == mod.Judgement("approved", None, None, None)
        assert await audit.entries(db) == []

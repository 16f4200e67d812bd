"""Builders for repository tests: residents, sessions and engine outcomes in a line each."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from flows.engine import Outcome, SessionState
from flows.loader import parse
from flows.schema import END
from storage import admin, repo
from storage.models import Answer, QuestionnaireRecord, QuestionnaireVersion, utcnow

MINI = Path(__file__).resolve().parent.parent / "flows" / "data" / "mini.yaml"
FIRST = "tevreden"
ZONE = ZoneInfo("Europe/Amsterdam")

Sessions = async_sessionmaker[AsyncSession]


def mini_source() -> str:
    return MINI.read_text(encoding="utf-8")


def variant(source: str, *, questionnaire_id: str = "mini", version: int = 1) -> str:
    """The mini source under another id and/or version number."""
    changed, ids = re.subn(r"^id: mini$", f"id: {questionnaire_id}", source, flags=re.M)
    changed, versions = re.subn(r"^version: 1$", f"version: {version}", changed, flags=re.M)
    assert (ids, versions) == (1, 1), "mini.yaml no longer starts as expected"
    return changed


def answer(state: SessionState, question: str, value: Any, following: str) -> Outcome:
    """What the engine returns when ``question`` (the current one) is answered with ``value``."""
    assert state.current == question
    new = SessionState(
        current=following,
        path=(*state.path, question),
        answers={**state.answers, question: value},
    )
    return Outcome(state=new, accepted=(question, value), moved=True)


def toggle(state: SessionState, *draft: str) -> Outcome:
    """A multi question's selection changed; nothing is answered yet."""
    return Outcome(state=replace(state, draft=draft), moved=True)


# The whole of mini.yaml on its "unhappy" branch: tevreden <= 2 asks why.
MINI_ANSWERS: list[tuple[str, Any, str]] = [
    ("tevreden", 2, "waarom"),
    ("waarom", "De bakken zitten altijd vol", "bakken"),
    ("bakken", ["gft", "pmd"], "wijk"),
    ("wijk", "noord", END),
]


async def register(
    sessions: Sessions,
    pseudonym: str,
    *,
    consent: str = "given",
    chat_id: int | None = 1001,
    language: str = "nl",
) -> repo.ResidentInfo:
    async with sessions.begin() as db:
        return await repo.register_resident(
            db, pseudonym, language=language, consent=consent, chat_id=chat_id
        )


async def sync(sessions: Sessions, questionnaire_id: str, version: int, source: str) -> bool:
    """Store a questionnaire version as the bot seeds QUESTIONNAIRES_DIR; True when new."""
    questionnaire = parse(source, f"<{questionnaire_id}>")
    assert (questionnaire.id, questionnaire.version) == (questionnaire_id, version)
    async with sessions.begin() as db:
        return await admin.seed(db, questionnaire, source, now=utcnow(), zone=ZONE)


@dataclass(frozen=True)
class Stored:
    questionnaire_id: str
    version: int
    source: str
    status: str
    current: bool


async def stored_versions(sessions: Sessions) -> list[Stored]:
    """Every stored version with its questionnaire's status, and whether it is current."""
    async with sessions.begin() as db:
        rows = await db.execute(
            select(QuestionnaireVersion, QuestionnaireRecord)
            .join(
                QuestionnaireRecord,
                QuestionnaireRecord.id == QuestionnaireVersion.questionnaire_id,
            )
            .order_by(QuestionnaireVersion.questionnaire_id, QuestionnaireVersion.version)
        )
        return [
            Stored(
                v.questionnaire_id, v.version, v.source, q.status, v.version == q.current_version
            )
            for v, q in rows
        ]


async def start(
    sessions: Sessions,
    resident_id: int,
    questionnaire_id: str = "mini",
    *,
    version: int = 1,
    is_test: bool = False,
) -> repo.SessionInfo:
    async with sessions.begin() as db:
        return await repo.start_session(
            db, resident_id, questionnaire_id, version, SessionState(FIRST), is_test=is_test
        )


async def save(sessions: Sessions, session: repo.SessionInfo, outcome: Outcome) -> None:
    async with sessions.begin() as db:
        await repo.save_outcome(db, session, outcome)


async def reload(sessions: Sessions, session_id: int) -> repo.SessionInfo:
    async with sessions.begin() as db:
        found = await repo.get_session(db, session_id)
    assert found is not None
    return found


async def run(
    sessions: Sessions, session: repo.SessionInfo, steps: list[tuple[str, Any, str]]
) -> repo.SessionInfo:
    """Answer ``steps`` one transaction at a time, as the bot does; the session afterwards."""
    state = session.state
    for question, value, following in steps:
        outcome = answer(state, question, value, following)
        await save(sessions, session, outcome)
        state = outcome.state
    return await reload(sessions, session.id)


async def complete(sessions: Sessions, resident_id: int, **start_kwargs: Any) -> repo.SessionInfo:
    """A new response to mini, answered to the end."""
    session = await start(sessions, resident_id, **start_kwargs)
    return await run(sessions, session, MINI_ANSWERS)


async def stored_answers(db: AsyncSession, session_id: int) -> dict[str, Any]:
    rows = await db.execute(
        select(Answer.question_id, Answer.value).where(Answer.session_id == session_id)
    )
    return dict(rows.all())

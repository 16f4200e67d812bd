"""Item 3 of #16: answers a resident gave on a branch they later left (by going back and
answering otherwise) are not counted in a digest, and count again when the resident returns
to that branch; on SQLite and PostgreSQL.

Before: an unfinished response (in progress, paused or expired, without a completed one
beside it) kept every answer it had given, and the digest counted them all, also those on a
branch the resident had left. A finished response lost such answers at the end already.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession

from analysis.digest import compute
from flows.engine import Back, Input, Pick, SessionState, Typed, apply, start
from flows.machine import Flow
from flows.schema import Questionnaire
from storage import digest as storage_digest
from storage import repo
from tests.digest.helpers import IN, SINCE, UNTIL, Sessions, store

BRANCHING = """\
schema_version: 1
id: takken
version: 1
theme: {nl: Verkeer, en: Traffic}
title: {nl: Takken, en: Branches}
intro: {nl: Kort., en: Short.}
questions:
  - id: vervoer
    type: choice
    text: {nl: "Hoe reis je?", en: "How do you travel?"}
    options:
      - {id: fiets, label: {nl: Fiets, en: Bike}}
      - {id: auto, label: {nl: Auto, en: Car}}
    next:
      - when: {question: vervoer, equals: fiets}
        goto: fietspad
      - goto: parkeren
  - id: fietspad
    type: scale
    text: {nl: "Hoe goed is het fietspad?", en: "How good is the cycle path?"}
    next: slot
  - id: parkeren
    type: scale
    text: {nl: "Hoe goed is parkeren?", en: "How good is parking?"}
  - id: slot
    type: yesno
    text: {nl: "Klaar?", en: "Done?"}
"""


async def _step(
    db: AsyncSession, session: repo.SessionInfo, state: SessionState, given: Input, flow: Flow
) -> SessionState:
    outcome = apply(flow, state, given, "nl")
    assert outcome.problem is None, outcome.problem
    await repo.save_outcome(db, session, outcome, now=IN)
    return outcome.state


async def _counts(sessions: Sessions, questionnaire: Questionnaire) -> dict[str, int]:
    async with sessions() as db:
        tallies = await storage_digest.gather(db, questionnaire, SINCE, UNTIL)
    digest = compute(tallies, questionnaire, min_cell=1)
    return {d.question_id: d.respondents for d in digest.distributions if d.question_id != "slot"}


async def test_answers_on_a_branch_left_behind_do_not_count(
    sessions: Sessions, tmp_path: Path
) -> None:
    path = tmp_path / "takken.yaml"
    path.write_text(BRANCHING, encoding="utf-8")
    questionnaire = await store(sessions, path)
    flow = Flow(questionnaire)
    async with sessions.begin() as db:
        resident = await repo.register_resident(
            db, "p-takken", language="nl", consent="given", chat_id=None, now=IN
        )
        session = await repo.start_session(db, resident.id, "takken", 1, start(flow), now=IN)
        state = session.state
        for given in (Typed("fiets"), Pick("2")):
            state = await _step(db, session, state, given, flow)
        assert state.current == "slot"
    assert await _counts(sessions, questionnaire) == {"vervoer": 1, "fietspad": 1, "parkeren": 0}

    # Back to the first question, another answer: the cycle-path answer is off the branch.
    async with sessions.begin() as db:
        for given in (Back(), Back(), Typed("auto"), Pick("4")):
            state = await _step(db, session, state, given, flow)
        assert state.current == "slot" and state.answers["fietspad"] == 2
    # The response stops here (never finished): only the branch it is on counts.
    assert await _counts(sessions, questionnaire) == {"vervoer": 1, "fietspad": 0, "parkeren": 1}

    # Back again to the bike: the kept answer counts again, parking no longer.
    async with sessions.begin() as db:
        for given in (Back(), Back(), Typed("fiets")):
            state = await _step(db, session, state, given, flow)
        assert state.current == "fietspad"
    assert await _counts(sessions, questionnaire) == {"vervoer": 1, "fietspad": 1, "parkeren": 0}

    # Finished: the answer off the branch is deleted, as before.
    async with sessions.begin() as db:
        for given in (Pick("3"), Typed("ja")):
            state = await _step(db, session, state, given, flow)
        assert state.finished
    assert await _counts(sessions, questionnaire) == {"vervoer": 1, "fietspad": 1, "parkeren": 0}

"""SIGKILL at random moments while 100 residents answer, then a restart: no answer that was
confirmed to a resident is lost, none is stored twice, and every response completes.

The bot runs as ``samenspraak run`` in a subprocess; the fake Bot API and the residents run
in the test. The moments of the kills are drawn from a seeded random generator, as a number
of answers given so far (so they fall in the middle of the conversations on any machine);
``SAMENSPRAAK_KILL_SEED`` picks another seed.

A resident behaves like a person: they answer the question they see, and when the bot does
not react (it was killed before it replied) they send ``/start afvalinzameling`` again and
go on with the question it shows. An answer is *confirmed* when the next question (or the
summary) arrives. The resident's own bookkeeping catches a confirmed answer being asked
again (lost) and a question arriving before its predecessor was answered (an answer applied
twice); the database, read afterwards, must hold exactly every planned answer once.
"""

from __future__ import annotations

import asyncio
import os
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import pytest
from sqlalchemy import select

from sandbox.clients import FakeUser
from sandbox.fakeapi import FakeBotApi
from sandbox.models import BotMessage
from storage import repo
from storage.db import create_engine, session_factory
from storage.models import Answer, Session
from tests.e2e.process import BotProcess
from tests.e2e.test_concurrency import CHANNELS, PROBLEMS, plan
from tests.e2e.test_resilience import AFVAL, Step, perform, progress, pseudonym

# Bounded, but four starts of a Python process and 100 residents take a while on 2 cores.
pytestmark = [pytest.mark.both_databases, pytest.mark.slow, pytest.mark.timeout(300)]

RESIDENTS = 100
KILLS = 3
SEED = int(os.environ.get("SAMENSPRAAK_KILL_SEED", "5417"))
DEEP_LINK = f"/start {AFVAL}"
APOLOGY = "Sorry, er ging iets mis"
RESUMED = "Welkom terug"
#: Seconds after which a resident stops waiting for the reply to a ``/start`` of theirs (the
#: update went down with a killed bot, or its reply did).
FORGET_NUDGE = 60.0


def kill_plan(i: int) -> tuple[list[Step], dict[str, Any]]:
    """Resident ``i``'s answers (tests.e2e.test_concurrency.plan), with every multiple choice
    typed ("1, 4"): one update per answer, so each is confirmed or not as a whole."""
    steps, answers = plan(i)
    typed: list[Step] = []
    for kind, value in steps:
        if kind != "multi":
            typed.append((kind, value))
            continue
        problems = value[0] in {label for _, label in PROBLEMS}
        options, chosen = (PROBLEMS, "containers") if problems else (CHANNELS, "informatie")
        ids = [option for option, _ in options]
        typed.append(("type", ", ".join(str(ids.index(a) + 1) for a in answers[chosen])))
    return typed, answers


@dataclass(eq=False)
class Resident:
    """One person answering afvalinzameling through whatever the bot goes through."""

    user: FakeUser
    steps: list[Step]
    answers: dict[str, Any]
    performed: int = 0  # steps given (the next one to give)
    confirmed: int = 0  # steps confirmed by the bot showing a later question
    done: bool = False
    nudge: bool = False  # asked by the test: the bot is idle and this resident got nothing
    nudged: bool = False  # sent /start again since the last step
    # When each /start sent again was sent, while its reply ("Welkom terug") has not come.
    waiting: list[float] = field(default_factory=list)
    anomalies: list[str] = field(default_factory=list)

    async def run(self, running: asyncio.Event) -> None:
        await running.wait()
        await self.user.send(DEEP_LINK)
        while not self.done:
            await running.wait()
            batch = self.user.drain()
            if batch:
                await self.react(batch)
            elif self.nudge:  # the bot lost what we sent: ask where we are
                self.nudge, self.nudged = False, True
                self.waiting.append(time.monotonic())
                await self.user.send(DEEP_LINK)
            else:
                await self.user.chat.changed.wait(0.5)

    async def react(self, batch: list[BotMessage]) -> None:
        actionable: BotMessage | None = None
        for message in batch:
            text = message.text
            if text.startswith(APOLOGY):
                self.anomalies.append(f"apology: {text!r}")
            elif text.startswith(RESUMED):
                self.waiting[:1] = []  # the replies come in the order the /starts went
            elif text.startswith("Klaar! Dank je wel"):
                self.confirmed, self.done = len(self.steps), True
            elif text.startswith("Je hebt deze vragenlijst al ingevuld"):
                self.done = True  # completed; the summary was lost in a kill
            elif text.startswith("Vraag ") or "Ja, ik doe mee" in str(message.buttons):
                actionable = message
        if self.done or actionable is None:
            return
        if not actionable.text.startswith("Vraag "):
            await self.user.press("Ja, ik doe mee", message=actionable)
            return
        index = progress(actionable)[0] - 1
        if index < self.confirmed:
            self.anomalies.append(f"question {index + 1} again: a confirmed answer was lost")
        elif index > self.performed:
            self.anomalies.append(f"question {index + 1} before answer {self.performed + 1}")
        elif index == self.performed or (index == self.performed - 1 and self.answered()):
            self.confirmed, self.performed, self.nudged = index, index + 1, False
            await perform(self.user, actionable, self.steps[index])
        # else: the question shown again in reply to a nudge already overtaken: ignore it

    def answered(self) -> bool:
        """The previous question is shown in reply to the latest /start sent again: the bot
        lost the answer to it. The reply to an earlier /start (sent before that answer) shows
        the previous question too, and says nothing about the answer: answering it again
        would give the next question this answer."""
        now = time.monotonic()
        self.waiting = [sent for sent in self.waiting if now - sent < FORGET_NUDGE]
        return self.nudged and not self.waiting


class Person(Protocol):
    """Someone talking to the bot through the kills: a :class:`Resident` here, a voter in
    :mod:`tests.e2e.test_kill_votes`."""

    user: FakeUser
    done: bool
    nudge: bool
    waiting: list[float]
    anomalies: list[str]

    async def run(self, running: asyncio.Event) -> None: ...


def failing(residents: Sequence[Person]) -> bool:
    """Something is wrong already: stop early and report it."""
    return any(r.anomalies for r in residents)


async def through_kills(
    fake: FakeBotApi,
    bot: BotProcess,
    people: Sequence[Person],
    moments: list[int],
    given: Callable[[], int],
    rng: random.Random,
) -> None:
    """Start the bot and ``people``; SIGKILL the bot and start it again once ``given()``
    (what they gave so far) reaches each of ``moments``; go on until all are done. Then
    what every kill test checks: nobody saw anything wrong, Telegram refused no call, no
    button pressed after the last kill was left spinning, and no traceback."""
    running = asyncio.Event()
    tasks = [asyncio.create_task(person.run(running)) for person in people]
    last_kill = 0.0
    try:
        await bot.start()
        running.set()
        for moment in moments:
            deadline = time.monotonic() + 60
            while given() < moment and not failing(people):
                assert time.monotonic() < deadline, "the residents made no progress"
                await asyncio.sleep(0.005)
            await asyncio.sleep(rng.uniform(0, 0.05))  # somewhere inside an update
            running.clear()
            await bot.kill()
            last_kill = time.monotonic()
            assert not all(person.done for person in people)
            await bot.start()
            await recover(fake, people)
            running.set()

        deadline = time.monotonic() + 90
        while not all(person.done for person in people) and not failing(people):
            assert time.monotonic() < deadline, [p for p in people if not p.done][:3]
            await asyncio.sleep(0.5)
            await recover(fake, people)
        if not failing(people):
            await asyncio.wait_for(asyncio.gather(*tasks), 10)
            assert await bot.terminate() == 0, bot.log()
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await bot.close()

    problems = {person.user.id: person.anomalies for person in people if person.anomalies}
    assert problems == {}, bot.errors()
    assert fake.rejected == []
    # Only buttons pressed before the last kill may be left spinning: the killed bot had
    # fetched them (Telegram counts them as delivered) but never handled them.
    assert [q for q in fake.unanswered_callback_queries() if q.created > last_kill] == []
    assert "Traceback" not in bot.log(), bot.log()


async def recover(fake: FakeBotApi, residents: Sequence[Person]) -> None:
    """With the residents paused: let the bot handle what reached it, then nudge everyone
    who is waiting for a reply that will never come."""
    await fake.settle(30, quiet=0.3, callbacks=False)
    for resident in residents:
        if not resident.done and not resident.user.unread():
            resident.waiting.clear()  # the bot is idle: no reply to an earlier /start is coming
            resident.nudge = True
            resident.user.chat.changed.fire()


async def stored(database_url: str, residents: list[Resident]) -> dict[int, list[Any]]:
    """Per resident: (status, answers, path) of each of their afvalinzameling sessions."""
    engine = create_engine(database_url)
    found: dict[int, list[Any]] = {}
    try:
        async with session_factory(engine)() as db:
            for resident in residents:
                info = await repo.find_resident(db, pseudonym(resident.user))
                assert info is not None, resident.user
                sessions = (
                    await db.execute(
                        select(Session.id, Session.status, Session.path).where(
                            Session.resident_id == info.id, Session.questionnaire_id == AFVAL
                        )
                    )
                ).all()
                rows: list[Any] = []
                for session_id, status, path in sessions:
                    answers = (
                        await db.execute(
                            select(Answer.question_id, Answer.value).where(
                                Answer.session_id == session_id
                            )
                        )
                    ).all()
                    rows.append((status, dict(answers), list(path), len(answers)))
                found[resident.user.id] = rows
    finally:
        await engine.dispose()
    return found


async def test_sigkill_loses_no_confirmed_answer_and_duplicates_none(
    database_url: str, tmp_path: Path
) -> None:
    rng = random.Random(SEED)
    residents_plans = [kill_plan(i) for i in range(RESIDENTS)]
    total = sum(len(steps) for steps, _ in residents_plans)
    # Kill after this many answers were given in all: spread over the middle of the run.
    moments = sorted(rng.sample(range(total // 10, total * 8 // 10), KILLS))
    print(f"SAMENSPRAAK_KILL_SEED={SEED}: kills after {moments} of {total} answers")

    async with FakeBotApi("123456:TEST-TOKEN-samenspraak") as fake:
        bot = BotProcess(fake, database_url, tmp_path, FLOOD_MAX_UPDATES="10000")
        residents = [Resident(fake.user(), steps, answers) for steps, answers in residents_plans]
        await through_kills(
            fake, bot, residents, moments, lambda: sum(r.performed for r in residents), rng
        )

    sessions = await stored(database_url, residents)
    for resident in residents:
        rows = sessions[resident.user.id]
        assert len(rows) == 1, (resident.user, rows)  # one response, never a second one
        status, answers, path, count = rows[0]
        assert status == repo.COMPLETED, resident.user
        assert answers == resident.answers, resident.user  # each answer as given
        assert path == list(resident.answers), resident.user
        assert count == len(resident.answers)

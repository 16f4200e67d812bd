"""SIGKILL at random moments while residents vote in a deliberation, then a restart: no vote
that was confirmed to a resident is lost, none is stored twice, and everyone gets through
every statement. The votes' counterpart of :mod:`tests.e2e.test_kill` (answers).

The bot runs as ``samenspraak run`` in a subprocess; the fake Bot API and the residents run
in the test. The kills fall after a number of votes drawn from a seeded random generator
(``SAMENSPRAAK_KILL_SEED`` picks another seed).

A resident votes with the buttons under the statement they see, each statement the way
their plan says. When the bot does not react (it was killed before it replied) they send
``/start autoluw-centrum`` again and go on with the statement it shows. A vote is
*confirmed* when another statement (or "all voted") arrives after it. A confirmed statement
shown again is a lost vote; the database, read afterwards, must hold exactly the planned
vote on every statement, once.
"""

from __future__ import annotations

import asyncio
import os
import random
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from sqlalchemy import select

from sandbox.clients import FakeUser
from sandbox.fakeapi import FakeBotApi
from sandbox.models import BotMessage
from storage import repo
from storage.db import create_engine, session_factory
from storage.models import DeliberationStatement, DeliberationVote
from tests.e2e.process import BotProcess
from tests.e2e.test_kill import APOLOGY, through_kills
from tests.e2e.test_resilience import pseudonym
from tests.e2e.test_stellingen import AGREE, DISAGREE, PASS, STATEMENT, TALK

pytestmark = [pytest.mark.both_databases, pytest.mark.slow, pytest.mark.timeout(300)]

RESIDENTS = 30
SEEDS = 12  # statements in the shipped autoluw-centrum
KILLS = 3
SEED = int(os.environ.get("SAMENSPRAAK_KILL_SEED", "5417"))
DEEP_LINK = f"/start {TALK}"
RESUMED = "Welkom terug bij het gesprek"
ALL_DONE = "Je hebt op alle stellingen gestemd."
CONSENT = "Ja, ik doe mee"
VALUES = {AGREE: 1, DISAGREE: -1, PASS: 0}


@dataclass(eq=False)
class Voter:
    """One person voting through autoluw-centrum, whatever the bot goes through. The
    attributes :func:`tests.e2e.test_kill.through_kills` uses are those of a ``Person``."""

    user: FakeUser
    index: int
    given: int = 0  # button presses on statements
    pending: str | None = None  # the statement voted on last, not confirmed yet
    confirmed: set[str] = field(default_factory=set)
    planned: dict[str, str] = field(default_factory=dict)  # statement -> button, as voted
    done: bool = False
    nudge: bool = False
    waiting: list[float] = field(default_factory=list)
    anomalies: list[str] = field(default_factory=list)

    def plan(self, statement: str) -> str:
        """The button for this statement: fixed per resident and statement."""
        return random.Random(f"{self.index}:{statement}").choice([AGREE, DISAGREE, PASS])

    async def run(self, running: asyncio.Event) -> None:
        await running.wait()
        await self.user.send(DEEP_LINK)
        while not self.done:
            await running.wait()
            batch = self.user.drain()
            if batch:
                await self.react(batch)
            elif self.nudge:  # the bot lost what we sent: ask where we are
                self.nudge = False
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
                self.waiting[:1] = []
            elif text.startswith(ALL_DONE):
                self.confirm(None)
                self.done = True
            elif (text.startswith(STATEMENT) and message.buttons) or CONSENT in str(
                message.buttons
            ):
                actionable = message  # a statement to vote on, or consent asked again
        if self.done or actionable is None:
            return
        if not actionable.text.startswith(STATEMENT):
            await self.user.press(CONSENT, message=actionable)
            return
        statement = actionable.text.removeprefix(STATEMENT)
        if statement in self.confirmed:
            self.anomalies.append(f"{statement!r} again: a confirmed vote was lost")
            return
        self.confirm(statement)
        label = self.plan(statement)
        self.planned[statement] = label
        self.pending = statement
        self.given += 1
        await self.user.press(label, message=actionable)

    def confirm(self, shown: str | None) -> None:
        """Another statement (``shown``; None: all voted) came after the pending vote."""
        if self.pending is not None and self.pending != shown:
            self.confirmed.add(self.pending)
            self.pending = None


async def stored(database_url: str, voters: list[Voter]) -> dict[int, list[tuple[str, int]]]:
    """Per resident: (statement, vote) of every vote of theirs in the database."""
    engine = create_engine(database_url)
    found: dict[int, list[tuple[str, int]]] = {}
    try:
        async with session_factory(engine)() as db:
            for voter in voters:
                info = await repo.find_resident(db, pseudonym(voter.user))
                assert info is not None, voter.user
                rows = await db.execute(
                    select(DeliberationStatement.text_nl, DeliberationVote.vote)
                    .join(DeliberationStatement)
                    .where(DeliberationVote.resident_id == info.id)
                    .order_by(DeliberationStatement.text_nl)
                )
                found[voter.user.id] = [(text, vote) for text, vote in rows.all()]
    finally:
        await engine.dispose()
    return found


async def test_sigkill_loses_no_confirmed_vote_and_stores_none_twice(
    database_url: str, tmp_path: Path
) -> None:
    rng = random.Random(SEED)
    total = RESIDENTS * SEEDS
    moments = sorted(rng.sample(range(total // 10, total * 8 // 10), KILLS))
    print(f"SAMENSPRAAK_KILL_SEED={SEED}: kills after {moments} of {total} votes")

    async with FakeBotApi("123456:TEST-TOKEN-samenspraak") as fake:
        bot = BotProcess(fake, database_url, tmp_path, FLOOD_MAX_UPDATES="10000")
        voters = [Voter(fake.user(), i) for i in range(RESIDENTS)]
        await through_kills(fake, bot, voters, moments, lambda: sum(v.given for v in voters), rng)

    votes = await stored(database_url, voters)
    for voter in voters:
        assert len(voter.planned) == SEEDS, voter.user  # every statement was shown
        planned = sorted((text, VALUES[label]) for text, label in voter.planned.items())
        assert votes[voter.user.id] == planned, voter.user  # each once, as voted

"""Several workers on one PostgreSQL database (needs TEST_DATABASE_URL; CI sets it).

* Two update processors in one process stand for two workers: one resident's updates take
  turns across them (the advisory lock), different residents' run side by side.
* Two webhook workers in one process, every update to the other one: a typed answer
  marks its own question message as answered, never an older one the other worker sent.
  (With the webhook answered before the update is handled, two workers can handle one
  resident's quick taps in another order than they were made: an option after "Klaar".
  So this test lets each tap be handled before the next.)
* Three ``samenspraak serve`` processes behind a round-robin front; 80 residents answer a
  questionnaire; halfway the worker holding the jobs is killed with SIGKILL. Afterwards
  every response is complete and correct, nobody got a question twice, the digests and
  the broadcast went out once, and another worker took the jobs over.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import time
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.app.processor import PerResidentUpdateProcessor
from sandbox.clients import FakeUser
from sandbox.fakeapi import FakeBotApi
from sandbox.models import BotMessage
from storage import admin, export, leases, outbox, repo
from storage.db import create_engine, session_factory
from storage.models import Answer, Digest, Session
from storage.models import Resident as ResidentRow
from tests.conftest import _reset_postgres
from tests.e2e.conftest import WEBHOOK_SECRET, behind_a_front
from tests.e2e.fronts import SpreadingFront, UpdateKey
from tests.e2e.test_concurrency import CHANNELS, PROBLEMS, plan
from tests.e2e.test_idempotency import message
from tests.e2e.test_resilience import (
    AFVAL,
    PLAN,
    PROGRESS,
    Step,
    answer,
    assert_summary,
    open_afval,
    progress,
    pseudonym,
)
from tests.support.bots import bot_environment, built_services
from tests.support.ports import reserve_port
from tests.support.processes import ServeWorker, environment, healthy

pytestmark = pytest.mark.postgres

ZONE = ZoneInfo("Europe/Amsterdam")
GROEN = "groen-in-de-wijk"


@pytest.fixture
def postgres_url(request: pytest.FixtureRequest) -> str:
    """An empty PostgreSQL database (skipped without TEST_DATABASE_URL)."""
    url: str = request.getfixturevalue("postgres_database")
    asyncio.run(_reset_postgres(url))
    return url


# --- turns across workers ---------------------------------------------------------------------


def most_at_once(events: list[tuple[int, str]], user: int | None = None) -> int:
    running = most = 0
    for who, kind in events:
        if user is None or who == user:
            running += 1 if kind == "in" else -1
            most = max(most, running)
    return most


async def test_one_residents_updates_take_turns_across_workers(postgres_url: str) -> None:
    async with (
        built_services(postgres_url, worker_name="worker-1") as first,
        built_services(postgres_url, worker_name="worker-2") as second,
    ):
        workers = [PerResidentUpdateProcessor(8, first), PerResidentUpdateProcessor(8, second)]
        events: list[tuple[int, str]] = []

        async def handle(user: int) -> None:
            events.append((user, "in"))
            await asyncio.sleep(0.05)
            events.append((user, "out"))

        ann, bob = 7_000_001, 7_000_002
        try:
            for worker in workers:
                await worker.initialize()
            # Each resident's updates alternate between the two workers, all at once.
            await asyncio.gather(
                *(
                    workers[n % 2].process_update(message(1000 + 2 * n + k, user), handle(user))
                    for n in range(6)
                    for k, user in enumerate((ann, bob))
                )
            )
        finally:
            for worker in workers:
                await worker.shutdown()
    assert len(events) == 24
    assert most_at_once(events, ann) == 1, "never two of one resident's updates at once"
    assert most_at_once(events, bob) == 1
    assert most_at_once(events) == 2, "the two residents did run side by side"


async def test_updates_spread_over_two_workers_keep_every_question_in_place(
    fake: FakeBotApi, postgres_url: str
) -> None:
    """Each update goes to the other worker. A typed answer updates the question message
    it answers (to show the answer), never an older one the other worker sent."""
    async with behind_a_front(SpreadingFront, fake, postgres_url) as (front, workers):
        resident = fake.user()
        question = await open_afval(resident)
        for step in PLAN:
            kind, value = step
            if kind == "multi":  # each tap handled before the next (see the module doc)
                for label in (*value, "Klaar"):
                    tapped = await resident.press(label, message=question)
                    await resident.wait_callback_answered(tapped)
                question = await resident.next_message()
            else:
                question = await answer(resident, question, step)
        assert_summary(question)
        await resident.next_message()
        await fake.settle()
    assert all(front.passed[worker.base_url] > 5 for worker in workers)
    asked = [(m, asked_number(m)) for m in resident.messages]
    assert [n for _, n in asked if n is not None] == [n for n, _ in PROGRESS]
    for sent, number in asked:
        if number is not None:
            assert progress(sent)[0] == number, sent.text
    fake.assert_clean()


# --- three worker processes ---------------------------------------------------------------------

RESIDENTS = 80
WORKERS = 3
#: Longest wait for a reply (unless the update went down with the killed worker): beyond
#: it, something is wrong.
PATIENCE = 90.0
#: Seconds a resident whose update may have gone down with the killed worker still waits.
GRACE = 2.0
BROADCAST = "Nieuws uit Rivierstad: de gemeente heeft jullie ideeën gelezen."


def typed_plan(i: int) -> tuple[list[Step], dict[str, Any]]:
    """Resident ``i``'s varied afvalinzameling response, with multiple choice typed ("2, 5").

    Tapping options one by one is several updates for one answer; one of them lost with the
    killed worker would silently change the answer, which a test cannot tell from a bug.
    """
    steps, answers = plan(i)
    typed: list[Step] = []
    for kind, value in steps:
        if kind == "multi":
            problems = [label for _, label in PROBLEMS]
            if all(label in problems for label in value):
                numbers = [str(problems.index(label) + 1) for label in value]
                typed.append(("type", ", ".join(numbers)))
            else:
                channels = [label for _, label in CHANNELS]
                typed.append(("type", " ".join(str(channels.index(v) + 1) for v in value)))
        else:
            typed.append((kind, value))
    return typed, answers


@dataclass
class Run:
    """What happened while the residents answered."""

    sessions: async_sessionmaker[AsyncSession]
    front: SpreadingFront
    fake: FakeBotApi
    steps_total: int = 0
    steps_done: int = 0
    victim: str | None = None  # the killed worker's URL
    halfway: asyncio.Event = field(default_factory=asyncio.Event)
    lost: list[int] = field(default_factory=list)  # residents whose update went down
    lost_queries: set[str] = field(default_factory=set)

    def done_one(self) -> None:
        self.steps_done += 1
        if self.steps_done * 2 >= self.steps_total:
            self.halfway.set()

    def may_be_lost(self, key: UpdateKey) -> bool:
        """The update reached the worker that was killed since, and no worker has it now:
        it went down with that worker, or its reply did (it was stored, and another worker
        it was passed on to then dropped it as handled before)."""
        return (
            self.victim is not None
            and self.victim in self.front.reached.get(key, ())
            and not self.front.open[key]
        )


class Resident:
    """One resident answering. A resident whose message went to the worker that was killed
    gets no answer; like a person, they try again (or, if their answer was stored before
    the worker died, they ask for the question again with /vragenlijsten)."""

    def __init__(self, number: int, user: FakeUser, run: Run) -> None:
        self.number = number
        self.user = user
        self.run = run
        self.steps, self.answers = typed_plan(number)
        self.key: UpdateKey = ("m", 0, 0)  # the update of the current attempt
        self.lost_since: float | None = None

    async def respond(self) -> None:
        welcome = await self.attempt(partial(self.send, f"/start {AFVAL}"), 1)
        assert welcome is not None
        thanks = await self.attempt(
            partial(self.press, "Ja, ik doe mee", welcome[0]), 3, self.answered(0)
        )
        question = thanks[-1] if thanks else await self.resume()
        assert progress(question)[0] == 1, question.text
        for number, step in enumerate(self.steps, 1):
            last = number == len(self.steps)
            act = partial(self.press, step[1], question) if step[0] == "press" else None
            replies = await self.attempt(
                act or partial(self.send, step[1]), 2 if last else 1, self.answered(number)
            )
            if last:
                break
            question = replies[0] if replies else await self.resume()
            assert progress(question)[0] == number + 1, question.text

    async def send(self, text: str) -> None:
        self.key = ("m", self.user.chat_id, await self.user.send(text))

    async def press(self, label: str, message: BotMessage) -> None:
        self.key = ("q", 0, await self.user.press(label, message=message))

    def answered(self, count: int) -> Callable[[], Awaitable[bool]]:
        """Whether the database has the first ``count`` answers (0: the consent)."""

        async def check() -> bool:
            async with self.run.sessions() as db:
                resident = await repo.find_resident(db, pseudonym(self.user))
                if resident is None or not resident.consented:
                    return False
                session = await repo.latest_session(db, resident.id, AFVAL)
            if session is None:
                return False
            return session.status == repo.COMPLETED or len(session.state.path) >= count

        return check

    async def attempt(
        self,
        act: Callable[[], Awaitable[None]],
        replies: int,
        stored: Callable[[], Awaitable[bool]] | None = None,
    ) -> list[BotMessage] | None:
        """Act and read ``replies`` messages. When the update went down with the killed
        worker instead: act again if nothing was stored, else return None (the answer is
        in, its reply was lost; the caller asks for the question again)."""
        for _ in range(3):
            await act()
            self.lost_since = None
            wanted = len(self.user.messages) - len(self.user.unread()) + replies
            await self.wait(partial(self.arrived_or_lost, wanted))
            if len(self.user.messages) >= wanted:
                self.run.done_one()
                return await self.user.next_messages(replies)
            self.run.lost.append(self.number)
            if self.key[0] == "q":
                self.run.lost_queries.add(str(self.key[2]))
            self.user.drain()  # a reply cut off half-way
            if stored is not None and await stored():
                self.run.done_one()
                return None
        raise AssertionError(f"resident {self.number}: three tries went down")

    def arrived_or_lost(self, wanted: int) -> bool:
        if len(self.user.messages) >= wanted:
            return True
        if not self.run.may_be_lost(self.key):
            self.lost_since = None
            return False
        # Replies already on their way get a moment to arrive.
        self.lost_since = self.lost_since or time.monotonic()
        return time.monotonic() - self.lost_since >= GRACE

    async def wait(self, condition: Callable[[], bool]) -> None:
        """Until ``condition()``: re-checked when the chat changes, and every second."""
        deadline = time.monotonic() + PATIENCE
        while not condition():
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(
                    f"resident {self.number}: no reply within {PATIENCE:g} s\n"
                    + self.run.fake.describe_chat(self.user.chat_id)
                )
            await self.user.chat.changed.wait(min(remaining, 1.0))

    async def resume(self) -> BotMessage:
        """The list, the questionnaire again: "Je was al bezig", and the current question."""
        listing = await self.attempt(partial(self.send, "/vragenlijsten"), 1)
        assert listing is not None
        resumed = await self.attempt(partial(self.press, "Afval", listing[0]), 2)
        assert resumed is not None
        return resumed[1]


def asked_number(message: BotMessage) -> int | None:
    """The question number of a question message as it was sent (before any edit)."""
    sent = re.match(r"(?:<i>)?Vraag (\d+) van \d+", str(message.params.get("text", "")))
    return int(sent.group(1)) if sent else None


def headings(messages: list[BotMessage], prefix: str) -> list[str]:
    return [m.text.split("\n")[0] for m in messages if m.text.startswith(prefix)]


async def until(condition: Callable[[], Awaitable[bool]], within: float, what: str) -> None:
    deadline = time.monotonic() + within
    while not await condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {within:g} s: {what}")
        await asyncio.sleep(0.2)


@pytest.fixture
async def front() -> AsyncIterator[SpreadingFront]:
    """A front to WORKERS workers, whose ports are reserved for them meanwhile."""
    with contextlib.ExitStack() as ports:
        reserved = [ports.enter_context(reserve_port()) for _ in range(WORKERS)]
        balancer = SpreadingFront([port.url for port in reserved])
        await balancer.start()
        try:
            yield balancer
        finally:
            await balancer.stop()


@pytest.mark.slow
@pytest.mark.timeout(420)
async def test_three_workers_one_killed_halfway(
    fake: FakeBotApi, postgres_url: str, front: SpreadingFront, tmp_path: Path
) -> None:
    group = fake.group(title="Team participatie")
    slot = (datetime.now(ZONE) - timedelta(minutes=1)).strftime("%H:%M")
    env = environment(
        **bot_environment(
            postgres_url,
            fake.url,
            log_level=os.environ.get("WORKERS_LOG_LEVEL", "WARNING"),
            webhook_url=front.webhook_url,
            webhook_secret=WEBHOOK_SECRET,
            digest_chat_id=group.id,
            digest_schedule=f"daily {slot}",  # its slot has just passed: a digest at start
            digest_check_interval=1,
            jobs_interval=2,
        )
    )
    workers = [
        ServeWorker(f"worker-{n}", int(backend.rsplit(":", 1)[1]), env, tmp_path)
        for n, backend in enumerate(front.backends, 1)
    ]
    engine = create_engine(postgres_url)
    sessions = session_factory(engine)
    began = time.monotonic()
    marks: dict[str, float] = {}
    answering: asyncio.Future[Any] | None = None
    try:
        # The first one creates the schema; then the others join.
        workers[0].launch()
        await workers[0].wait_until(healthy(workers[0].url))
        for worker in workers[1:]:
            worker.launch()
        for worker in workers[1:]:
            await worker.wait_until(healthy(worker.url))
        marks["workers ready"] = time.monotonic() - began

        users = [fake.user(first_name=f"Inwoner {i}") for i in range(RESIDENTS)]
        run = Run(sessions, front, fake)
        residents = [Resident(i, user, run) for i, user in enumerate(users)]
        run.steps_total = sum(len(r.steps) + 2 for r in residents)

        async def respond(resident: Resident) -> None:
            await asyncio.sleep(resident.number * 0.02)  # they come in over four seconds
            try:
                await resident.respond()
            except Exception as exc:
                chat = fake.describe_chat(resident.user.chat_id, last=8)
                raise AssertionError(f"resident {resident.number}: {exc}\n{chat}") from exc

        answering = asyncio.ensure_future(asyncio.gather(*(respond(r) for r in residents)))
        halfway = asyncio.ensure_future(run.halfway.wait())
        first: set[asyncio.Future[Any]] = {answering, halfway}
        await asyncio.wait(first, timeout=150, return_when=asyncio.FIRST_COMPLETED)
        if answering.done():
            answering.result()  # a resident's failure, before halfway
        assert halfway.done(), f"halfway in 150 s: {run.steps_done} of {run.steps_total} steps"

        # Halfway: kill the worker that holds the jobs, without warning.
        async with sessions() as db:
            holder = await leases.current(db, "digests", now=datetime.now(ZONE))
        assert holder is not None, "some worker runs the digest job"
        victim = next(w for w in workers if w.name == holder.holder)
        victim.kill()
        run.victim = victim.url
        marks["killed"] = time.monotonic() - began
        survivors = [w for w in workers if w is not victim]

        # Work for the jobs, which must move to a survivor: a questionnaire closes, so a
        # closing digest is due; when everybody is done, a broadcast goes to all of them.
        async with sessions.begin() as db:
            await admin.transition(db, GROEN, "close", now=datetime.now(ZONE), zone=ZONE)
        await asyncio.wait({answering}, timeout=150)
        assert answering.done(), f"answered in 150 s: {run.steps_done} of {run.steps_total} steps"
        answering.result()
        marks["all answered"] = time.monotonic() - began
        async with sessions.begin() as db:
            joined = (await db.scalars(select(ResidentRow.id))).all()
            broadcast = await outbox.create_broadcast(
                db,
                "outcome",
                payload={"nl": {"text": BROADCAST}, "en": {"text": BROADCAST}},
                recipients=joined,
            )

        async def broadcast_done() -> bool:
            async with sessions() as db:
                return (await outbox.progress(db, broadcast.id)).done

        await until(broadcast_done, 60, "the broadcast is sent")
        marks["broadcast sent"] = time.monotonic() - began
        await group.wait_for(
            lambda: bool(headings(group.messages, "Eindoverzicht")), 60, "the closing digest"
        )
        marks["closing digest"] = time.monotonic() - began
        await fake.settle(timeout=10)
        for worker in survivors:
            assert await worker.stop() == 0, worker.log_tail()
    finally:
        if answering is not None and not answering.done():
            answering.cancel()
            with contextlib.suppress(BaseException):
                await answering
        for worker in workers:
            worker.kill()
        await engine.dispose()

    # Every response complete and correct, one per resident, nothing stored twice.
    engine = create_engine(postgres_url)
    try:
        async with session_factory(engine)() as db:
            assert await repo.count_sessions(db, AFVAL) == {repo.COMPLETED: RESIDENTS}
            rows = {row.pseudonym: row for row in await export.export_rows(db, AFVAL)}
            for resident in residents:
                row = rows[pseudonym(resident.user)]
                assert (row.status, row.answers) == (repo.COMPLETED, resident.answers)
            stored_answers = await db.scalar(
                select(func.count())
                .select_from(Answer)
                .join(Session)
                .where(Session.questionnaire_id == AFVAL)
            )
            assert stored_answers == sum(len(r.answers) for r in residents)
            progress_ = await outbox.progress(db, broadcast.id)
            scheduled_runs = await db.scalar(
                select(func.count()).select_from(Digest).where(Digest.kind == "scheduled")
            )
    finally:
        await engine.dispose()

    # Every resident got each question once, in order; a question message that was edited
    # afterwards (to show the answer) still shows its own question.
    for resident in residents:
        asked = [(m, asked_number(m)) for m in resident.user.messages]
        numbers = [n for _, n in asked if n is not None]
        assert numbers == list(range(1, len(resident.steps) + 1)), resident.number
        for sent, number in asked:
            if number is not None:
                assert progress(sent)[0] == number, f"resident {resident.number}:\n" + "\n".join(
                    f"#{m.message_id} edits={m.edits} sent {str(m.params.get('text'))[:24]!r}"
                    f" now {m.text[:60]!r}"
                    for m in resident.user.messages
                )

    # Only buttons pressed on the killed worker were left unanswered (spinning).
    unanswered = {q.id for q in fake.unanswered_callback_queries()}
    assert unanswered <= run.lost_queries
    assert fake.rejected == []

    # The digests ran once: the scheduled one at the start (made by one worker, recorded once,
    # and not posted: nothing had happened yet, and a quiet digest stays quiet), the closing
    # one after the kill (by a survivor, which took the digest job over).
    scheduled = headings(group.messages, "Overzicht: ")
    closing = headings(group.messages, "Eindoverzicht: ")
    assert scheduled_runs == 1
    assert scheduled == []
    assert closing == ["Eindoverzicht: Groen in de wijk"]

    # The broadcast (sent by a survivor, which took the outbox job over): once each.
    got = Counter(r.number for r in residents for m in r.user.messages if m.text == BROADCAST)
    assert max(got.values(), default=0) == 1
    assert sum(got.values()) == progress_.sent
    assert progress_.sent + progress_.failed + progress_.unreachable == len(joined) == RESIDENTS

    # The front spread the updates over all three workers.
    assert all(front.passed[w.url] > 0 for w in workers)
    print("\n" + ", ".join(f"{what} {at:.1f} s" for what, at in marks.items()))
    print(
        f"{RESIDENTS} residents, {len(run.lost)} updates went down with the killed worker, "
        f"broadcast {progress_.sent}/{len(joined)} sent ({progress_.interrupted} interrupted)"
    )

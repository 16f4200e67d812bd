"""Random updates thrown at the running bot through the fake Bot API (hypothesis).

Random text (control characters, markup, far beyond 4096 characters), real and forged
buttons (valid prefixes and tokens with junk), every kind of message, commands in the
wrong place, newcomers and groups the bot never heard of, in random interleavings across
many residents. After each batch, once the bot is idle:

* no exception reached the error handler and nothing was logged as an error;
* the fake rejected no call, and every pressed button was answered;
* the database is consistent: no answer without its session, at most one questionnaire
  in progress per resident, and every session in a state the questionnaire can reach
  (its path replays over the questionnaire's graph to its current question).

One bot runs for all examples of a test (starting one per example would take most of the
time). Two tests: one with a fixed seed, one with a new seed each run, printed (and taken
from ``SAMENSPRAAK_FUZZ_SEED`` when set) so that a failure can be replayed.
"""

from __future__ import annotations

import asyncio
import logging
import os
import random
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st
from sqlalchemy import select, text

from flows.catalog import Catalog
from flows.schema import END, MultiQuestion, RankingQuestion, TextQuestion
from flows.texts import COMMANDS
from sandbox.clients import FakeGroup, FakeGroupMember, FakeUser
from sandbox.fakeapi import FakeBotApi
from storage import repo
from storage.db import create_engine, session_factory
from storage.models import Answer, Session
from tests.e2e.conftest import BotRunner, join

pytestmark = pytest.mark.slow

RESIDENTS = 8
FIXED_SEED = 12345
CHANGING_SEED = int(os.environ.get("SAMENSPRAAK_FUZZ_SEED") or random.randrange(2**32))
QUESTIONNAIRES = ["afvalinzameling", "groen-in-de-wijk", "schoolroutes"]
STATUSES = {repo.ACTIVE, repo.PAUSED, repo.COMPLETED, repo.EXPIRED, repo.REPLACED}

# --- what a resident can do ----------------------------------------------------------------------

COMMAND_NAMES = sorted(
    {name for commands in COMMANDS.values() for name, _ in commands}
    | {"digest", "beheer", "export", "uitnodigen", "moderatie", "help", "onbekend", "START"}
)
PREFIXES = ["c:", "l:", "p:", "r:", "a:", "t:", "d:", "s:", "b:", "vm:", "mod:", "x:", ""]
TYPICAL = ["1", "2", "3", "4", "5", "0", "10", "4105", "4109 AB", "ja", "nee", "yes", "1, 3"]
TYPICAL += ["2 4", "Klaar", "Vaker legen graag", "-1", "1e9", "nan", "3,5", "٣", "½"]

letters = st.characters(codec="utf-8")  # no lone surrogates: they are not UTF-8
controls = st.characters(max_codepoint=0x9F).filter(lambda c: c < " " or c >= "\x7f")
texts = st.one_of(
    st.sampled_from(TYPICAL),
    st.text(letters, min_size=1, max_size=120),
    st.text(st.one_of(controls, letters), min_size=1, max_size=40),
    st.integers(4000, 12000).map(lambda n: ("é<b>&x " * n)[:n]),  # beyond 4096
    st.sampled_from(["<b>vet</b>", "</i>", "&amp;", "<script>", "@admin", "https://x.example"]),
).filter(lambda value: bool(value.strip()))
commands = st.builds(
    lambda name, suffix, args: f"/{name}{suffix}{' ' + args if args else ''}",
    st.sampled_from(COMMAND_NAMES),
    st.sampled_from(["", "", "@samenspraak_test_bot", "@een_andere_bot"]),
    st.one_of(st.just(""), st.sampled_from(["afvalinzameling", "../etc", "x" * 80]), texts),
)


def data_bytes(value: str) -> str:
    """At most 64 bytes of UTF-8 (Telegram's limit for button data), at least 1."""
    while len(value.encode()) > 64:
        value = value[:-1]
    return value or "x"


Action = tuple[int, str, Any]
KINDS = ["button"] * 6 + ["answer"] * 4 + ["text"] * 3 + ["command"] * 3 + ["forge"] * 2
KINDS += ["data", "media", "media", "edit", "group", "newcomer", "pause"]
PAYLOADS: dict[str, st.SearchStrategy[Any]] = {
    "button": st.integers(0, 1000),
    "answer": st.sampled_from(TYPICAL),
    "text": texts,
    "command": commands,
    "forge": st.tuples(
        st.integers(0, 1000), st.sampled_from(["append", "tail", "cut", "prefix"]), texts
    ),
    "data": st.tuples(st.sampled_from(PREFIXES), st.text(letters, max_size=64)),
    "media": st.sampled_from(
        ["sticker", "photo", "caption", "voice", "location", "contact", "someone", "document"]
    ),
    "edit": texts,
    "group": st.tuples(st.sampled_from(["digest", "other", "super"]), st.one_of(commands, texts)),
    "newcomer": st.tuples(st.sampled_from(["nl", "en", None]), st.one_of(commands, texts)),
    "pause": st.floats(0, 0.2),
}
actions = st.lists(
    st.tuples(
        st.integers(0, RESIDENTS - 1),
        st.sampled_from(KINDS).flatmap(lambda kind: st.tuples(st.just(kind), PAYLOADS[kind])),
    ).map(lambda pair: (pair[0], pair[1][0], pair[1][1])),
    min_size=20,
    max_size=40,
)


@dataclass
class World:
    """The bot, its fake Telegram, and everyone talking to it."""

    fake: FakeBotApi
    runner: BotRunner
    residents: list[FakeUser]
    groups: dict[str, FakeGroup]
    members: dict[str, FakeGroupMember]
    errors: list[logging.LogRecord]
    database_url: str


class _Errors(logging.Handler):
    def __init__(self, found: list[logging.LogRecord]) -> None:
        super().__init__(logging.ERROR)
        self.found = found

    def emit(self, record: logging.LogRecord) -> None:
        self.found.append(record)


@pytest.fixture
def errors() -> Iterator[list[logging.LogRecord]]:
    """Every record logged at ERROR or above, from any logger, while the test runs."""
    found: list[logging.LogRecord] = []
    handler = _Errors(found)
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        yield found
    finally:
        root.removeHandler(handler)


@pytest.fixture
async def world(
    fake: FakeBotApi, database_url: str, errors: list[logging.LogRecord]
) -> AsyncIterator[World]:
    groups = {
        "digest": fake.group(title="Ambtenaren"),
        "other": fake.group(title="Buurtapp"),
        "super": fake.group(title="Grote groep", supergroup=True),
    }
    members = {name: group.member() for name, group in groups.items()}
    runner = BotRunner(
        fake,
        database_url,
        digest_chat_id=groups["digest"].id,
        digest_schedule="off",
        # Tight enough to be met now and then (more than 15 updates in a second), loose
        # enough to leave most of what the residents do to the rest of the bot.
        flood_max_updates=15,
        flood_window=1,
    )
    await runner.start()
    residents = [fake.user(language_code="en" if i % 3 == 2 else "nl") for i in range(RESIDENTS)]
    # Most of them are already in a questionnaire (deeper states); the last two are new.
    await asyncio.gather(
        *(join(r, then=QUESTIONNAIRES[i % 3]) for i, r in enumerate(residents[:-2]))
    )
    try:
        yield World(fake, runner, residents, groups, members, errors, database_url)
    finally:
        await runner.stop()


# --- doing it ------------------------------------------------------------------------------------


def buttons(user: FakeUser, choice: int) -> list[tuple[int, str]]:
    """(message id, data) of the buttons on the resident's last message with buttons, or
    (one time in four) on their last few messages, where older questions are."""
    found: list[tuple[int, str]] = []
    for message in reversed(user.messages[-4:]):
        if message.deleted:
            continue
        found.extend(
            (message.message_id, data) for row in message.button_data for data in row if data
        )
        if found and choice % 4:
            break
    return found


def forged(data: str, how: str, junk: str) -> str:
    _, _, rest = data.partition(":")
    match how:
        case "append":
            return data_bytes(data + junk)
        case "tail":
            return data_bytes(data.rsplit(":", 1)[0] + ":" + junk)
        case "cut":
            return data_bytes(data[: max(1, len(data) // 2)])
    return data_bytes(junk[:3] + ":" + rest)


async def act(world: World, action: Action) -> None:
    index, kind, payload = action
    user = world.residents[index]
    match kind:
        case "button":
            found = buttons(user, payload)
            if found:
                message_id, data = found[payload % len(found)]
                await user.press_data(data, message_id=message_id)
        case "forge":
            at, how, junk = payload
            found = buttons(user, at)
            if found:
                message_id, data = found[at % len(found)]
                await user.press_data(forged(data, how, junk), message_id=message_id)
        case "data":
            if any(not m.deleted for m in user.messages):
                prefix, rest = payload
                await user.press_data(data_bytes(prefix + rest))
        case "answer" | "text" | "command":
            await user.send(payload)
        case "media":
            await send_media(user, payload)
        case "edit":
            own = [i for i, m in user.chat.user_messages.items() if "text" in m]
            if own:
                await user.edit(own[-1], payload)
        case "group":
            where, said = payload
            await world.members[where].send(said)
        case "newcomer":  # someone the bot never heard of
            language, said = payload
            await world.fake.user(language_code=language).send(said)
        case "pause":
            await asyncio.sleep(payload)
    await asyncio.sleep(0)


async def send_media(user: FakeUser, kind: str) -> None:
    match kind:
        case "sticker":
            await user.send_sticker()
        case "photo":
            await user.send_photo()
        case "caption":
            await user.send_photo(caption="4105 " + "x" * 1000)
        case "voice":
            await user.send_voice()
        case "location":
            await user.send_location(51.69, 5.30)
        case "contact":
            await user.send_contact()
        case "someone":
            await user.send_contact("+31600000000", first_name="Buurman")
        case _:
            await user.send_document("antwoord.txt", b"4105\n", "text/plain")


# --- checking it ---------------------------------------------------------------------------------


async def check(world: World) -> None:
    fake = world.fake
    settled = await fake.settle(60, quiet=0.1)
    assert settled, "the bot did not become idle"
    fake.assert_clean()  # first: a rejected call says more than the error it caused
    assert [
        f"{r.name}: {r.getMessage()} ({r.exc_info and r.exc_info[1]!r})" for r in world.errors
    ] == []
    services = world.runner.services
    assert services is not None
    await check_database(world.database_url, services.catalog)


async def check_database(database_url: str, catalog: Catalog) -> None:
    engine = create_engine(database_url, reading=True)
    try:
        async with session_factory(engine)() as db:
            orphans = await db.scalar(
                text(
                    "SELECT count(*) FROM answers a LEFT JOIN sessions s ON s.id = a.session_id"
                    " WHERE s.id IS NULL"
                )
            )
            assert orphans == 0, "answers without a session"
            doubles = (
                await db.execute(
                    text(
                        "SELECT resident_id FROM sessions WHERE status = 'active' AND "
                        "resident_id IS NOT NULL GROUP BY resident_id HAVING count(*) > 1"
                    )
                )
            ).all()
            assert doubles == [], "residents with two questionnaires in progress"
            answers: dict[int, dict[str, Any]] = {}
            for session_id, question_id, value in await db.execute(
                select(Answer.session_id, Answer.question_id, Answer.value)
            ):
                answers.setdefault(session_id, {})[question_id] = value
            for row in (await db.execute(select(Session))).scalars():
                check_session(row, answers.get(row.id, {}), catalog)
    finally:
        await engine.dispose()


def check_session(row: Session, answers: dict[str, Any], catalog: Catalog) -> None:
    """The session is somewhere its questionnaire can bring it."""
    where = f"session {row.id} ({row.questionnaire_id}@{row.questionnaire_version}, {row.status})"
    assert row.status in STATUSES, where
    flow = catalog.get(row.questionnaire_id, row.questionnaire_version)
    assert flow is not None, f"{where}: unknown questionnaire version"
    assert set(answers) <= set(flow.questions), f"{where}: answers to unknown questions"
    finished = row.status in (repo.COMPLETED, repo.REPLACED)
    assert (row.current == END) == finished, f"{where}: at {row.current}"
    assert row.current == END or row.current in flow.questions, where
    if row.status == repo.COMPLETED:
        assert row.completed_at is not None, where
        off = sorted(set(answers) - set(row.path))
        assert off == [], f"{where}: answers off the final branch {row.path}: {off}"
    # Replay the path over the questionnaire's graph: it must lead to the current question.
    path = list(row.path)
    assert len(set(path)) == len(path), f"{where}: a question twice on the path {path}"
    current = flow.first
    for i, question_id in enumerate(path):
        assert question_id == current, f"{where}: path {path} leaves the graph at {i}"
        # Erasure (/vergeetmij) deletes free text and unlinks the session: only then may an
        # answer on the path be missing.
        erased = row.resident_id is None and isinstance(flow.questions[question_id], TextQuestion)
        assert question_id in answers or erased, f"{where}: no answer to {question_id}"
        known = {q: answers[q] for q in path[: i + 1] if q in answers}
        current = flow.next_of(question_id, known)
    assert current == row.current, f"{where}: path {path} leads to {current}"
    if row.draft:
        question = flow.questions.get(row.current)
        # Ticks of a multi question, or the places tapped so far in a ranking.
        kinds = MultiQuestion | RankingQuestion
        assert isinstance(question, kinds), f"{where}: a draft on {row.current}"
        options = {option.id for option in question.options}
        assert set(row.draft) <= options, f"{where}: draft {row.draft}"


# --- the tests -----------------------------------------------------------------------------------

FUZZ = settings(
    max_examples=15,
    deadline=None,
    database=None,  # a shared bot keeps state between examples: replay by seed, not example
    phases=[Phase.explicit, Phase.generate],  # shrinking means nothing with shared state
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.filter_too_much,
    ],
)


@seed(FIXED_SEED)
@FUZZ
@given(batch=actions)
async def test_fuzz_with_a_fixed_seed(world: World, batch: list[Action]) -> None:
    for action in batch:
        await act(world, action)
    await check(world)


@seed(CHANGING_SEED)
@FUZZ
@given(batch=actions)
async def test_fuzz_with_a_new_seed(world: World, batch: list[Action]) -> None:
    print(f"SAMENSPRAAK_FUZZ_SEED={CHANGING_SEED}")
    for action in batch:
        await act(world, action)
    await check(world)

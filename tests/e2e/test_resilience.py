"""The bot survives restarts, crashes, Bot API errors and bad questionnaires.

Each test checks what the resident sees *and* what the database holds (through
``storage.repo``, on a connection of its own, independent of the bot's).
"""

from __future__ import annotations

import asyncio
import re
import shutil
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

import bot.app.request as bot_request  # by this name: the ``bot`` fixture shadows the package
from bot.core.services import Pseudonyms
from bot.resident.conversation import ResidentHandlers
from flows.loader import QuestionnaireError, questionnaire_files
from sandbox.clients import FakeUser
from sandbox.fakeapi import FakeBotApi
from sandbox.models import BotMessage
from storage import repo
from storage.admin import ChangedVersionError
from storage.db import create_engine, session_factory
from storage.repo import SessionInfo
from tests.conftest import QUESTIONNAIRES
from tests.e2e.conftest import BotRunner
from tests.support import bots
from tests.support.shipped import renumbered, shipped_version

AFVAL = "afvalinzameling"
SECRET = bots.SECRET.encode()  # what BotRunner configures

# One step: ("press", label), ("type", text) or ("multi", (label, ...)) = toggle, then Klaar.
Step = tuple[str, Any]

# A whole afvalinzameling response through its longest branch, buttons and typing mixed.
PLAN: list[Step] = [
    ("press", "Noord"),
    ("press", "Allebei"),
    ("type", "4"),
    ("multi", ("vaak vol", "Vies of stinkt")),
    ("type", "2"),
    ("press", "5"),
    ("multi", ("afvalapp",)),
    ("type", "8"),
    ("press", "snel opgelost"),
    ("type", "Vaker legen in de zomer"),
]
ANSWERS: dict[str, Any] = {
    "wijk": "noord",
    "inzameling": "allebei",
    "ophaaldagen": 4,
    "containers": ["vol", "vies"],
    "grofvuil": 2,
    "grofvuil_tevreden": 5,
    "informatie": ["afvalapp"],
    "app_cijfer": 8,
    "melding": "snel",
    "idee": "Vaker legen in de zomer",
}
ORDER = list(ANSWERS)  # the questions in the questionnaire's order (an export's columns)
# "Vraag n van m" shown with each question along PLAN: the total grows with the branch.
PROGRESS = [(1, 7), (2, 7), (3, 8), (4, 8), (5, 8), (6, 9), (7, 9), (8, 10), (9, 10), (10, 10)]
SUMMARY = [
    "Noord",
    "Allebei",
    "4 / 5",
    "Hij is vaak vol, Vies of stinkt",
    "2 keer",
    "5 / 5",
    "Via de afvalapp",
    "8 / 10",
    "Ja, en snel opgelost",
    "Vaker legen in de zomer",
]


# --- helpers ----------------------------------------------------------------------------------


def progress(message: BotMessage) -> tuple[int, int]:
    found = re.match(r"Vraag (\d+) van (\d+)\n", message.text)
    assert found, f"not a question: {message.text!r}"
    return int(found.group(1)), int(found.group(2))


async def open_afval(user: FakeUser, patience: float = 10) -> BotMessage:
    """Consent, pick the questionnaire; returns the first question. ``patience``: how many
    seconds each reply may take.

    A send that timed out is tried again and may have arrived the first time as well
    (Telegram has no way to tell): with the faults tests' short timeouts a message can come
    twice, so each step takes the next message that has what it needs."""
    welcome = await with_button(
        user, "Ja, ik doe mee", patience, await user.ask("/start", patience)
    )
    await user.press("Ja, ik doe mee", message=welcome)
    pick = await with_button(user, "Afval", patience)
    await user.press("Afval", message=pick)
    question = await user.next_message(patience)
    while not question.buttons:  # the intro (and any twin of it)
        assert question.text.startswith("Afval ophalen in Rivierstad"), question.text
        question = await user.next_message(patience)
    return question


async def with_button(
    user: FakeUser, label: str, patience: float, first: BotMessage | None = None
) -> BotMessage:
    """``first`` or else the next message with a button ``label``, skipping any without."""
    message = first or await user.next_message(patience)
    while not message.find_buttons(label):
        message = await user.next_message(patience)
    return message


async def perform(user: FakeUser, question: BotMessage, step: Step) -> None:
    """Give one answer to ``question`` without waiting for the bot."""
    kind, value = step
    if kind == "press":
        await user.press(value, message=question)
    elif kind == "type":
        await user.send(value)
    else:
        for label in value:
            await user.press(label, message=question)
        await user.press("Klaar", message=question)


async def answer(
    user: FakeUser, question: BotMessage, step: Step, patience: float = 10
) -> BotMessage:
    """Give one answer; returns the bot's next message (next question or summary)."""
    await perform(user, question, step)
    return await user.next_message(patience)


async def walk(
    user: FakeUser,
    question: BotMessage,
    steps: Sequence[Step],
    first: int = 0,
    between: Callable[[int], Awaitable[None]] | None = None,
) -> BotMessage:
    """Answer ``steps`` in order, checking the progress line of every question;
    ``between(i)`` runs before step ``i``. Returns the message after the last step."""
    for i, step in enumerate(steps, first):
        assert progress(question) == PROGRESS[i]
        if between is not None:
            await between(i)
        question = await answer(user, question, step)
    return question


def pseudonym(user: FakeUser) -> str:
    return Pseudonyms(SECRET).of(user.id)


async def stored(database_url: str, user: FakeUser) -> SessionInfo | None:
    """The resident's latest afvalinzameling response as the database has it."""
    engine = create_engine(database_url)
    try:
        async with session_factory(engine)() as db:
            resident = await repo.find_resident(db, pseudonym(user))
            if resident is None:
                return None
            return await repo.latest_session(db, resident.id, AFVAL)
    finally:
        await engine.dispose()


async def stored_answers(database_url: str, user: FakeUser) -> dict[str, Any]:
    session = await stored(database_url, user)
    assert session is not None
    return session.state.answers


def first_answers(n: int) -> dict[str, Any]:
    return {qid: ANSWERS[qid] for qid in ORDER[:n]}


def assert_summary(message: BotMessage) -> None:
    assert message.text.startswith("Klaar! Dank je wel voor je mening.")
    found = [line.strip() for line in message.text.splitlines() if line.startswith("  ")]
    assert found == SUMMARY


async def assert_complete(database_url: str, user: FakeUser) -> None:
    session = await stored(database_url, user)
    assert session is not None
    assert session.status == repo.COMPLETED
    assert session.state.answers == ANSWERS
    assert session.state.path == tuple(ORDER)


# --- restarts ---------------------------------------------------------------------------------


async def test_restart_mid_questionnaire_continues_where_the_resident_was(
    fake: FakeBotApi, bot: BotRunner, database_url: str
) -> None:
    resident = fake.user()
    question = await open_afval(resident)
    question = await walk(resident, question, PLAN[:3])
    assert await stored_answers(database_url, resident) == first_answers(3)

    async def restart_at(i: int) -> None:
        if i in (3, 4):  # before a button answer (on the old message), then a typed one
            await bot.restart()

    done = await walk(resident, question, PLAN[3:], first=3, between=restart_at)
    assert_summary(done)
    assert (await resident.next_message()).text.startswith("Wil je nog een vragenlijst")
    await assert_complete(database_url, resident)
    await fake.settle()
    assert resident.unread() == []
    assert not any("Welkom terug" in m.text for m in resident.messages)


async def test_kill_loses_no_accepted_answer(
    fake: FakeBotApi, bot: BotRunner, database_url: str
) -> None:
    resident = fake.user()
    question = await walk(resident, await open_afval(resident), PLAN[:3])
    await bot.kill()
    assert await stored_answers(database_url, resident) == first_answers(3)

    # Nothing of the killed bot runs on: it polls no more and answers nobody.
    calls = len(fake.calls)
    await perform(resident, question, PLAN[3])
    await asyncio.sleep(0.3)
    assert len(fake.calls) == calls
    assert resident.unread() == []
    assert await stored_answers(database_url, resident) == first_answers(3)

    await bot.start()  # the answer given while it was down is handled now
    nxt = await resident.next_message()
    assert progress(nxt) == PROGRESS[4]
    assert await stored_answers(database_url, resident) == first_answers(4)
    done = await walk(resident, nxt, PLAN[4:], first=4)
    assert_summary(done)
    await assert_complete(database_url, resident)


async def test_kill_during_an_answer_stores_all_of_it_or_nothing(
    fake: FakeBotApi, bot: BotRunner, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The bot dies after writing an answer but before the commit: nothing of that answer
    stays (not the answer, not the new position), and the resident can give it again."""
    resident = fake.user()
    question = await walk(resident, await open_afval(resident), PLAN[:2])
    saving = asyncio.Event()
    original = repo.save_outcome

    async def save_then_hang(*args: Any, **kwargs: Any) -> None:
        await original(*args, **kwargs)
        saving.set()
        await asyncio.Event().wait()  # until the task is cancelled

    monkeypatch.setattr(repo, "save_outcome", save_then_hang)
    await resident.send("4")
    await asyncio.wait_for(saving.wait(), 10)
    await bot.kill()
    monkeypatch.setattr(repo, "save_outcome", original)
    # The answer was never confirmed: no reply, and no trace of it in the database.
    assert resident.unread() == []
    session = await stored(database_url, resident)
    assert session is not None
    assert session.state.answers == first_answers(2)
    assert session.state.current == "ophaaldagen"
    assert session.state.path == ("wijk", "inzameling")

    await bot.start()
    done = await walk(resident, question, PLAN[2:], first=2)
    assert_summary(done)
    await assert_complete(database_url, resident)


async def test_button_pressed_right_before_restart(
    fake: FakeBotApi, bot: BotRunner, database_url: str
) -> None:
    """The press reaches the old bot, both, or only the new one, depending on the moment of
    the stop; it is handled exactly once either way."""
    for delay in (0, 0.005, 0.03):
        resident = fake.user()
        question = await walk(resident, await open_afval(resident), PLAN[:1])
        query = await resident.press("Allebei", message=question)
        await asyncio.sleep(delay)
        calls = len(fake.calls)
        await bot.stop()
        # Stopping told Telegram which updates were fetched (a last getUpdates that does
        # not wait), so none comes again after the start.
        final = [c for c in fake.calls[calls:] if c.method == "getUpdates" and c.ok]
        assert final and final[-1].params.get("timeout") == 0, delay
        await bot.start()

        answered = await resident.wait_callback_answered(query)
        assert answered.text is None
        nxt = await resident.next_message()
        assert progress(nxt) == (3, 8)
        assert "ophaaldagen van je eigen containers" in nxt.text
        await fake.settle()
        assert resident.unread() == []  # exactly one next question
        session = await stored(database_url, resident)
        assert session is not None
        assert session.state.answers == first_answers(2)
        assert session.state.current == "ophaaldagen"


async def test_clean_stop_finishes_the_updates_in_flight(
    fake: FakeBotApi, bot: BotRunner, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As on SIGTERM: answers being handled when the stop comes are finished (stored and
    confirmed); answers not yet fetched are handled after the next start. None is lost or
    handled twice."""
    residents = [fake.user() for _ in range(8)]

    async def at_second_question(resident: FakeUser) -> BotMessage:
        return await walk(resident, await open_afval(resident), PLAN[:1])

    await asyncio.gather(*(at_second_question(r) for r in residents))
    # Hold every reply for a moment after its commit: the answers are surely in flight.
    inside = 0
    all_inside = asyncio.Event()
    original = ResidentHandlers._deliver
    deliver = original

    async def slow_deliver(*args: Any, **kwargs: Any) -> None:
        nonlocal inside
        inside += 1
        if inside == 4:
            all_inside.set()
        await asyncio.sleep(0.1)
        await deliver(*args, **kwargs)

    monkeypatch.setattr(ResidentHandlers, "_deliver", slow_deliver)
    first, second = residents[:4], residents[4:]
    for resident in first:
        await resident.send("3")  # Allebei
    await asyncio.wait_for(all_inside.wait(), 10)
    for resident in second:
        await resident.send("3")
    calls = len(fake.calls)
    await bot.stop()
    monkeypatch.setattr(ResidentHandlers, "_deliver", original)

    # Every answer in flight was finished before stop() returned.
    for resident in first:
        assert [progress(m) for m in resident.unread()] == [(3, 8)]
    # Whatever the bot confirmed is stored; whatever it did not confirm is not.
    for resident in residents:
        answers = await stored_answers(database_url, resident)
        assert answers == first_answers(2 if resident.unread() else 1)
    # Telegram was told which updates were fetched (none comes twice after a restart).
    final = [c for c in fake.calls[calls:] if c.method == "getUpdates" and c.ok]
    assert final[-1].params.get("timeout") == 0

    await bot.start()
    for resident in residents:
        nxt = await resident.next_message()
        assert progress(nxt) == (3, 8)
        assert await stored_answers(database_url, resident) == first_answers(2)
    await fake.settle()
    assert all(r.unread() == [] for r in residents)


# --- the Bot API failing ----------------------------------------------------------------------


def failed(fake: FakeBotApi, method: str) -> int:
    return sum(1 for call in fake.calls if call.method == method and not call.ok)


async def test_bot_api_500_once_is_retried(
    fake: FakeBotApi, bot: BotRunner, database_url: str
) -> None:
    resident = fake.user()
    question = await open_afval(resident)
    fake.fail_next("sendMessage", status=500)
    nxt = await answer(resident, question, PLAN[0])
    assert failed(fake, "sendMessage") == 1
    assert progress(nxt) == (2, 7)  # the next question arrived after all
    assert await stored_answers(database_url, resident) == first_answers(1)

    fake.fail_next("sendMessage", status=500)
    nxt = await answer(resident, nxt, PLAN[1])  # typed this time
    assert failed(fake, "sendMessage") == 2
    assert progress(nxt) == (3, 8)
    await fake.settle()
    assert resident.unread() == []
    assert not any("Sorry" in m.text for m in resident.messages)
    assert await stored_answers(database_url, resident) == first_answers(2)


async def test_bot_api_failing_for_a_while_gets_an_apology_and_nothing_breaks(
    fake: FakeBotApi, bot: BotRunner, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bot_request, "RETRY_DELAYS", (0.01, 0.01))
    resident = fake.user()
    question = await open_afval(resident)
    fake.fail_next("sendMessage", status=500, count=3)  # the call and both retries
    await resident.press("Noord", message=question)
    apology = await resident.next_message()
    assert apology.text == "Sorry, er ging iets mis aan onze kant. Probeer het zo nog eens."
    assert failed(fake, "sendMessage") == 3
    assert await stored_answers(database_url, resident) == first_answers(1)

    # The bot goes on: the resident picks the questionnaire again and is where they were.
    pick = await resident.ask("/vragenlijsten")
    await resident.press("Afval", message=pick)
    welcome, question = await resident.next_messages(2)
    assert welcome.text.startswith("Welkom terug")
    done = await walk(resident, question, PLAN[1:], first=1)
    assert_summary(done)
    await assert_complete(database_url, resident)


# --- refusing to start ------------------------------------------------------------------------


def copy_questionnaires(tmp_path: Path) -> Path:
    folder = tmp_path / "questionnaires"
    shutil.copytree(QUESTIONNAIRES, folder)
    return folder


async def count_rows(database_url: str, table: str) -> int:
    engine = create_engine(database_url)
    try:
        async with engine.connect() as connection:
            result = await connection.execute(text(f"SELECT count(*) FROM {table}"))
            return int(result.scalar_one())
    finally:
        await engine.dispose()


async def test_refuses_to_start_with_an_invalid_questionnaire(
    fake: FakeBotApi, database_url: str, tmp_path: Path
) -> None:
    folder = copy_questionnaires(tmp_path)
    broken = folder / "kapot.yaml"
    source = (folder / "schoolroutes.yaml").read_text(encoding="utf-8")
    source = source.replace("id: schoolroutes", "id: kapot").replace(
        "    type: yesno", "    type: jaofnee", 1
    )
    broken.write_text(source, encoding="utf-8")
    line = source.splitlines().index("    type: jaofnee") + 1

    runner = BotRunner(fake, database_url, questionnaires_dir=folder)
    with pytest.raises(QuestionnaireError) as caught:
        await runner.start()
    assert len(caught.value.problems) == 1
    assert str(caught.value).startswith(
        f"{broken}:{line}: questions.kinderen.type: must be one of"
    )
    assert fake.calls == []  # it never went online
    assert await count_rows(database_url, "questionnaire_versions") == 0


async def test_refuses_to_start_with_a_changed_questionnaire_under_the_same_version(
    fake: FakeBotApi, bot: BotRunner, database_url: str, tmp_path: Path
) -> None:
    await bot.stop()
    folder = copy_questionnaires(tmp_path)
    path = folder / "afvalinzameling.yaml"
    source = path.read_text(encoding="utf-8")
    changed = source.replace("In welke wijk woon je?", "Waar woon je?", 1)
    assert changed != source
    path.write_text(changed, encoding="utf-8")
    calls = len(fake.calls)

    runner = BotRunner(fake, database_url, questionnaires_dir=folder)
    old = shipped_version(AFVAL)
    with pytest.raises(ChangedVersionError, match=f"afvalinzameling version {old} differs"):
        await runner.start()
    assert len(fake.calls) == calls
    shipped = len(questionnaire_files(QUESTIONNAIRES))
    assert await count_rows(database_url, "questionnaire_versions") == shipped

    # With a new version number the change is published.
    path.write_text(renumbered(changed, old + 1), encoding="utf-8")
    services = await runner.start()
    try:
        current = services.catalog.current(AFVAL)
        assert current is not None
        assert current.questionnaire.version == old + 1
        assert await count_rows(database_url, "questionnaire_versions") == shipped + 1
    finally:
        await runner.stop()

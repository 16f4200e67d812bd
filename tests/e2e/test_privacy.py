"""Residents' rights end to end: /mijngegevens, /vergeetmij and the retention job, against
the unmodified bot over the fake Bot API, checked in the chat and in the database.

Retention runs on an injected clock: the test moves the clock, never waits for 90 days.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select, text

from bot.core.services import Services
from bot.resident import privacy
from sandbox.clients import FakeUser
from sandbox.fakeapi import FakeBotApi
from sandbox.models import BotMessage
from storage import repo
from storage.models import Answer
from tests.e2e.conftest import BotRunner, join
from tests.e2e.test_conversation import (
    CONSENT_BUTTONS,
    SCHOOL,
    count,
    resident_id,
    services_of,
    sql,
    start_questionnaire,
)
from tests.support.clocks import Fixed
from tests.support.shipped import shipped_version

PLEK = "Kruispunt <Dorpsstraat> & Kerkweg: auto's rijden er te hard"
ASK_BUTTONS = [["Ja, wis alles", "Nee, toch niet"]]
DONE = (
    "Klaar. We hebben je gegevens gewist en je toestemming is ingetrokken. "
    "We weten nu niet meer wie je bent. Wil je later weer meedoen? Stuur dan /start."
)
CANCELLED = "Goed, we wissen niets. Alles blijft zoals het was."
NOTHING_STORED = (
    "We bewaren niets over jou. Je doet nog niet mee, of je gegevens zijn gewist. "
    "Met /privacy lees je hoe we met gegevens omgaan."
)
# Veilig naar school, typed, through the free-text question "plek".
SCHOOL_WITH_TEXT = ["4116", "nee", "2", "1, 2", PLEK, "2", "nee"]
SCHOOL_ANSWERS = [
    ("wijk", "In welke wijk woon je?", "West", "west"),
    (
        "kinderen",
        "Heb je kinderen die naar de basisschool of de middelbare school gaan?",
        "Nee",
        "no",
    ),
    ("veiligheid", "Hoe veilig vind je de routes naar de scholen in je wijk?", "2 / 5", 2),
    (
        "knelpunten",
        "Wat maakt de route naar school vooral onveilig? Kies er hoogstens 3.",
        "Auto's rijden te hard, Moeilijk oversteken",
        ["snelheid", "oversteken"],
    ),
    (
        "plek",
        "Welke plek op de route naar school vind je het gevaarlijkst? Noem de straat of het "
        "kruispunt en vertel waarom.",
        PLEK,
        PLEK,
    ),
    (
        "maatregel",
        "Wat moet de gemeente als eerste doen om de routes naar school veiliger te maken?",
        "Betere oversteekplaatsen",
        "oversteekplaats",
    ),
    (
        "gemeld",
        "Heb je de afgelopen twee jaar een gevaarlijke verkeerssituatie bij de gemeente gemeld?",
        "Nee",
        "no",
    ),
    (
        "luisteren",
        "Welk cijfer geef je de gemeente voor hoe ze luistert naar ouders en bewoners over "
        "veilige routes naar school?",
        "8 / 10",
        8,
    ),
]


# --- helpers ----------------------------------------------------------------------------------


async def answer_school(user: FakeUser) -> None:
    """Join and fill in Veilig naar school, with a free-text answer."""
    await join(user)
    first = await start_questionnaire(user, SCHOOL)
    assert first.text
    for typed in SCHOOL_WITH_TEXT:
        await user.ask(typed)
    await user.send("8")
    done = await user.next_messages(2)
    assert done[0].text.startswith("Klaar! Dank je wel voor je mening.")


async def my_data(user: FakeUser) -> tuple[BotMessage, dict[str, Any], BotMessage]:
    """/mijngegevens: the document, its JSON and the summary after it."""
    await user.send("/mijngegevens")
    document, summary = await user.next_messages(2)
    assert document.kind == "document"
    assert document.document_name == "mijngegevens.json"
    assert document.document is not None
    return document, json.loads(document.document.decode("utf-8")), summary


async def ask_forget(user: FakeUser) -> BotMessage:
    question = await user.ask("/vergeetmij")
    assert question.text.startswith("Alles van jou wissen?")
    assert question.buttons == ASK_BUTTONS
    return question


async def texts(bot: BotRunner) -> list[str]:
    """Every free-text answer in the database."""
    async with services_of(bot).sessions() as db:
        rows = await db.scalars(
            select(Answer.value).where(Answer.question_id == "plek").order_by(Answer.id)
        )
        return [str(value) for value in rows]


async def sessions_by_status(bot: BotRunner) -> dict[str, int]:
    rows = await sql(bot, "SELECT status, count(*) FROM sessions GROUP BY status")
    return {str(status): int(n) for status, n in rows}


def data_of(message: BotMessage) -> str:
    return str(message.reply_markup["inline_keyboard"][0][0]["callback_data"])  # type: ignore[index]


# --- /mijngegevens ----------------------------------------------------------------------------


async def test_my_data_arrives_as_a_json_document_with_everything(
    bot: BotRunner, fake: FakeBotApi
) -> None:
    anna = fake.user(first_name="Anna", username="anna_r")
    await answer_school(anna)
    services = services_of(bot)

    _, data, summary = await my_data(anna)

    assert data["resident"]["pseudonym"] == services.pseudonyms.of(anna.id)
    assert data["resident"]["language"] == "nl"
    assert data["resident"]["consent"] == "given"
    assert data["resident"]["consent_at"]
    assert data["contact"] == {"chat_id": anna.id, "unreachable_since": None}
    assert data["subscriptions"] == []
    assert data["effect_check_answers"] == []
    [response] = data["responses"]
    assert (response["questionnaire"], response["title"], response["version"]) == (
        "schoolroutes",
        SCHOOL,
        shipped_version("schoolroutes"),
    )
    assert response["status"] == "completed"
    assert response["completed_at"] and response["started_at"]
    assert [
        (a["question_id"], a["question"], a["answer"], a["value"]) for a in response["answers"]
    ] == [tuple(row) for row in SCHOOL_ANSWERS]
    assert data["about"].startswith("Alle gegevens die de vragenbot van Rivierstad over jou")
    # Never the name or username Telegram sent along.
    raw = json.dumps(data)
    assert "Anna" not in raw and "anna_r" not in raw

    code = services.pseudonyms.of(anna.id)[:12]
    assert summary.text.split("\n") == [
        "Dit bewaren we over jou",
        "In het bestand hierboven staat alles. Kort gezegd:",
        "",
        f"• Je code: {code}. Dat is niet je naam en niet je Telegram-nummer.",
        summary.text.split("\n")[4],
        "• Je chatnummer, zodat we je een bericht kunnen sturen.",
        "• Vragenlijsten: 1, waarvan 1 helemaal ingevuld.",
        "• Antwoorden: 8, waarvan 1 in je eigen woorden.",
        "• Je krijgt geen berichten over uitkomsten of nieuwe vragenlijsten.",
        "",
        "Wil je dat we dit wissen? Stuur /vergeetmij.",
    ]
    assert summary.text.split("\n")[4].startswith("• Taal: Nederlands. Je doet mee sinds ")


async def test_my_data_in_english(bot: BotRunner, fake: FakeBotApi) -> None:
    emma = fake.user(language_code="en")
    await join(emma)
    assert (await emma.next_message()).text.startswith("Which topic")
    await emma.send("/mydata")
    document, summary = await emma.next_messages(2)
    assert document.document_name == "mydata.json"
    assert document.document is not None
    data = json.loads(document.document)
    assert data["resident"]["language"] == "en"
    assert data["responses"] == []
    assert summary.text.startswith("This is what we store about you")
    assert "• Questionnaires: 0, of which 0 completed." in summary.text


async def test_my_data_of_a_stranger_says_nothing_is_stored(
    bot: BotRunner, fake: FakeBotApi
) -> None:
    stranger = fake.user()
    reply = await stranger.ask("/mijngegevens")
    assert reply.text == NOTHING_STORED
    assert await count(bot, "residents") == 0


async def test_my_data_of_someone_who_said_no_says_so(bot: BotRunner, fake: FakeBotApi) -> None:
    """A record with consent "refused" (left when a resident withdrew by saying no)."""
    anna = fake.user()
    services = services_of(bot)
    async with services.sessions.begin() as db:
        await repo.register_resident(
            db, services.pseudonyms.of(anna.id), language="nl", consent="refused", chat_id=None
        )
    _, data, summary = await my_data(anna)
    assert (data["resident"]["consent"], data["contact"]) == ("refused", None)
    lines = summary.text.split("\n")
    assert lines[4].startswith("• Taal: Nederlands. Je zei op ")
    assert lines[4].endswith(" dat je niet wilt meedoen.")
    assert lines[5] == "• Geen chatnummer: we kunnen je geen bericht sturen."


# --- /vergeetmij ------------------------------------------------------------------------------


async def test_forget_me_erases_and_a_returning_user_is_asked_for_consent_again(
    bot: BotRunner, fake: FakeBotApi
) -> None:
    anna, bert = fake.user(), fake.user()
    await answer_school(anna)
    await answer_school(bert)
    before = await sessions_by_status(bot)
    assert before == {"completed": 2}
    assert await texts(bot) == [PLEK, PLEK]

    question = await ask_forget(anna)
    query = await anna.press("Ja, wis alles", message=question)
    assert (await anna.wait_callback_answered(query)).text is None
    await anna.wait_for(lambda: question.text == DONE)
    assert question.buttons == []  # the buttons are gone

    assert await resident_id(bot, anna) is None
    assert await resident_id(bot, bert) is not None
    assert await count(bot, "residents") == 1
    assert await count(bot, "contacts") == 1
    assert await texts(bot) == [PLEK]  # only Bert's
    # The figures already reported stay correct: both responses still count.
    assert await sessions_by_status(bot) == before
    assert await sql(bot, "SELECT count(*) FROM sessions WHERE resident_id IS NULL") == [(1,)]
    assert await count(bot, "answers") == 15  # 8 + 8, minus Anna's free text

    # Coming back, Anna is someone new: asked for consent, with nothing of before.
    welcome = await anna.ask("/start")
    assert welcome.buttons == CONSENT_BUTTONS
    assert (await anna.ask("/mijngegevens")).text == NOTHING_STORED


async def test_forget_me_cancelled_keeps_everything(bot: BotRunner, fake: FakeBotApi) -> None:
    anna = fake.user()
    await answer_school(anna)
    question = await ask_forget(anna)
    await anna.press("Nee, toch niet", message=question)
    await anna.wait_for(lambda: question.text == CANCELLED)
    assert question.buttons == []
    assert await resident_id(bot, anna) is not None
    assert await texts(bot) == [PLEK]
    assert await count(bot, "contacts") == 1
    _, data, _ = await my_data(anna)
    assert len(data["responses"]) == 1


async def test_keep_pressed_twice_changes_nothing(bot: BotRunner, fake: FakeBotApi) -> None:
    anna = fake.user()
    await answer_school(anna)
    question = await ask_forget(anna)
    button = data_of(question).replace("vm:y:", "vm:n:")
    await anna.press("Nee, toch niet", message=question)
    await anna.wait_for(lambda: question.text == CANCELLED)
    query = await anna.press_data(button, message_id=question.message_id)
    await anna.wait_callback_answered(query)
    await fake.settle()
    assert question.text == CANCELLED
    assert anna.unread() == []
    assert await resident_id(bot, anna) is not None


async def test_keep_tapped_twice_quickly_edits_once(bot: BotRunner, fake: FakeBotApi) -> None:
    anna = fake.user()
    await answer_school(anna)
    question = await ask_forget(anna)
    keep = data_of(question).replace("vm:y:", "vm:n:")
    first = await anna.press_data(keep, message_id=question.message_id)
    second = await anna.press_data(keep, message_id=question.message_id)  # before any reply
    await anna.wait_callback_answered(first)
    await anna.wait_callback_answered(second)
    await fake.settle()
    assert question.text == CANCELLED
    assert question.edits == 1
    assert anna.unread() == []


async def test_a_forged_or_foreign_erase_button_does_nothing(
    bot: BotRunner, fake: FakeBotApi
) -> None:
    anna, mallory = fake.user(), fake.user()
    await answer_school(anna)
    await join(mallory)
    question = await ask_forget(anna)
    annas_button = data_of(question)

    # Mallory sends Anna's button data from her own chat, and some made-up data.
    forgeries = (annas_button, "vm:y:AAAAAAAA", "vm:y", "vm:x:" + annas_button[5:], "vm:")
    for forged in (*forgeries, "vm:y:\u00e9\u00e9\u00e9", "vm:n:\U0001f5d1"):
        query = await mallory.press_data(forged)
        answer = await mallory.wait_callback_answered(query)
        assert answer.text == "Die knop werkt niet meer.", forged
    assert await resident_id(bot, anna) is not None
    assert await resident_id(bot, mallory) is not None
    assert await texts(bot) == [PLEK]
    assert question.buttons == ASK_BUTTONS, "Anna's question is untouched"

    # Anna's own button still works.
    await anna.press("Ja, wis alles", message=question)
    await anna.wait_for(lambda: question.text == DONE)
    assert await resident_id(bot, anna) is None
    assert await resident_id(bot, mallory) is not None


async def test_erase_pressed_again_after_erasing(bot: BotRunner, fake: FakeBotApi) -> None:
    anna = fake.user()
    await join(anna)
    await anna.next_message()  # the list of questionnaires
    question = await ask_forget(anna)
    button = data_of(question)
    await anna.press("Ja, wis alles", message=question)
    await anna.wait_for(lambda: question.text == DONE)

    query = await anna.press_data(button, message_id=question.message_id)
    assert (await anna.wait_callback_answered(query)).text == "Je gegevens zijn al gewist."
    assert question.text == DONE
    assert await count(bot, "residents") == 0


async def test_forget_me_for_a_stranger(bot: BotRunner, fake: FakeBotApi) -> None:
    stranger = fake.user()
    reply = await stranger.ask("/vergeetmij")
    assert reply.text == "We bewaren niets over jou. Er is dus niets om te wissen."
    assert reply.buttons == []


async def test_forget_me_in_the_middle_of_a_questionnaire(
    bot: BotRunner, fake: FakeBotApi
) -> None:
    anna = fake.user()
    await join(anna)
    first = await start_questionnaire(anna, SCHOOL)
    old_button = data_of(first)
    await anna.ask("4116")
    question = await ask_forget(anna)
    await anna.press("Ja, wis alles", message=question)
    await anna.wait_for(lambda: question.text == DONE)
    assert await sessions_by_status(bot) == {"expired": 1}

    # An old question button now leads to the consent question, not to the old session.
    await anna.press_data(old_button, message_id=first.message_id)
    welcome = await anna.next_message()
    assert welcome.buttons == CONSENT_BUTTONS


async def test_forget_me_asked_twice_the_second_question_goes_quiet(
    bot: BotRunner, fake: FakeBotApi
) -> None:
    anna = fake.user()
    await answer_school(anna)
    first, second = await ask_forget(anna), await ask_forget(anna)
    await anna.press("Ja, wis alles", message=first)
    await anna.wait_for(lambda: first.text == DONE)

    query = await anna.press("Ja, wis alles", message=second)
    assert (await anna.wait_callback_answered(query)).text == "Je gegevens zijn al gewist."
    await anna.wait_for(lambda: second.text == "Je gegevens zijn al gewist.")
    assert second.buttons == [], "no buttons left that do nothing"
    assert await count(bot, "residents") == 0


async def test_an_erase_button_from_before_an_erasure_does_not_erase_the_new_record(
    bot: BotRunner, fake: FakeBotApi
) -> None:
    """On SQLite the new record gets the id of the erased one: the token still differs."""
    anna = fake.user()
    await join(anna)
    await anna.next_message()  # the list
    old = await ask_forget(anna)
    button = data_of(old)
    await anna.press("Ja, wis alles", message=old)
    await anna.wait_for(lambda: old.text == DONE)
    await join(anna)  # back again: a new record
    await anna.next_message()
    new_id = await resident_id(bot, anna)
    assert new_id is not None

    query = await anna.press_data(button)
    assert (await anna.wait_callback_answered(query)).text == "Die knop werkt niet meer."
    assert await resident_id(bot, anna) == new_id


async def test_my_data_shows_a_response_in_progress_and_refused_admin_commands(
    bot: BotRunner, fake: FakeBotApi
) -> None:
    anna = fake.user()
    await join(anna)
    first = await start_questionnaire(anna, SCHOOL)
    assert first.text
    await anna.ask("4116")
    vervoer = await anna.ask("ja")  # kinderen: ja leads to a multiple-choice question
    await anna.press("▫️ 1. Lopend", message=vervoer)  # ticked, not sent yet
    await anna.next_edit()
    # Anna tries an administrator's command: refused, and logged under her pseudonym.
    assert (await anna.ask("/moderatie")).text.startswith("Dat commando ken ik niet.")

    _, data, summary = await my_data(anna)

    [response] = data["responses"]
    assert response["status"] == "active"
    assert response["current_question"] == "vervoer"
    assert response["selection_not_sent"] == ["lopen"]
    assert [a["question_id"] for a in response["answers"]] == ["wijk", "kinderen"]
    [attempt] = data["refused_admin_commands"]
    assert attempt["action"] == "moderation" and attempt["at"]
    assert "• Vragenlijsten: 1, waarvan 0 helemaal ingevuld." in summary.text

    # Erasing takes her pseudonym out of that audit-log line too.
    question = await ask_forget(anna)
    await anna.press("Ja, wis alles", message=question)
    await anna.wait_for(lambda: question.text == DONE)
    code = services_of(bot).pseudonyms.of(anna.id)[:12]
    details = await sql(bot, "SELECT detail FROM audit_log WHERE allowed = false")
    assert len(details) == 1
    assert code not in str(details[0][0])


async def test_logs_name_residents_only_by_pseudonym_and_hold_no_text(
    bot: BotRunner, fake: FakeBotApi, caplog: pytest.LogCaptureFixture
) -> None:
    """At the default level, and our own modules even at DEBUG: a whole questionnaire with
    free text, /mijngegevens, an administrator's command tried, /vergeetmij."""
    caplog.set_level(logging.INFO)
    for ours in ("bot", "storage", "flows"):
        caplog.set_level(logging.DEBUG, logger=ours)
    anna = fake.user(7712345678, first_name="Annabel", last_name="Zwartveld", username="anna_zw")
    await answer_school(anna)
    await my_data(anna)
    await anna.ask("/moderatie")
    question = await ask_forget(anna)
    await anna.press("Ja, wis alles", message=question)
    await anna.wait_for(lambda: question.text == DONE)

    logged = "\n".join(record.getMessage() + (record.exc_text or "") for record in caplog.records)
    assert "erased their data" in logged, "the log was captured"
    assert services_of(bot).pseudonyms.of(anna.id)[:12] in logged
    for secret in ("7712345678", "Annabel", "Zwartveld", "anna_zw", "Dorpsstraat", "4116"):
        assert secret not in logged, secret


# --- retention --------------------------------------------------------------------------------


@dataclass
class Runs:
    """The retention job's runs."""

    finished: int = 0

    async def wait(self, count: int, within: float = 10) -> None:
        target = self.finished + count
        deadline = time.monotonic() + within
        while self.finished < target:
            if time.monotonic() > deadline:
                raise TimeoutError(f"the retention job ran {self.finished} times, not {target}")
            await asyncio.sleep(0.01)


@pytest.fixture
def runs(monkeypatch: pytest.MonkeyPatch) -> Runs:
    counter = Runs()
    original = privacy.retention_job

    async def counted(services: Services, bot: object) -> None:
        try:
            await original(services, bot)
        finally:
            counter.finished += 1

    monkeypatch.setattr(privacy, "retention_job", counted)
    return counter


async def test_retention_job_deletes_free_text_and_contact_after_closing(
    fake: FakeBotApi, database_url: str, runs: Runs
) -> None:
    start = datetime(2026, 11, 4, 12, 0, tzinfo=UTC)
    clock = Fixed(start)
    runner = BotRunner(fake, database_url, jobs_interval=0.05, retention_days=90)
    runner.clock = clock
    await runner.start()
    try:
        anna = fake.user()
        await answer_school(anna)
        closed = start + timedelta(days=1)
        async with services_of(runner).sessions.begin() as db:
            await db.execute(
                text(
                    "UPDATE questionnaires SET status = 'closed', closed_at = :at "
                    "WHERE id = 'schoolroutes'"
                ),
                {"at": closed},
            )

        clock.now = closed + timedelta(days=89)
        await runs.wait(2)
        assert await texts(runner) == [PLEK]
        assert await resident_id(runner, anna) is not None

        # The bot was down past the day it became due: the next run catches up.
        clock.now = closed + timedelta(days=120)
        await runs.wait(2)
        assert await texts(runner) == []
        assert await resident_id(runner, anna) is None
        assert await count(runner, "contacts") == 0
        assert await sessions_by_status(runner) == {"completed": 1}
        assert await count(runner, "answers") == 7

        welcome = await anna.ask("/start")
        assert welcome.buttons == CONSENT_BUTTONS
    finally:
        await runner.stop()
    await fake.settle()
    fake.assert_clean()


# --- withdrawing consent ---------------------------------------------------------------------


async def test_withdrawing_consent_after_joining_asks_then_erases(
    bot: BotRunner, fake: FakeBotApi
) -> None:
    anna = fake.user()
    first = await anna.ask("/start")
    second = await anna.ask("/start")  # a second welcome, its buttons still there
    await anna.press("Ja, ik doe mee", message=first)
    await anna.next_messages(2)  # thanks, the list
    await anna.press("Nee, liever niet", message=second)
    question = await anna.next_message()
    assert question.text.startswith("Alles van jou wissen?")
    assert question.buttons == ASK_BUTTONS
    assert second.buttons == []
    assert await resident_id(bot, anna) is not None, "nothing erased before confirming"

    await anna.press("Ja, wis alles", message=question)
    await anna.wait_for(lambda: question.text == DONE)
    assert await resident_id(bot, anna) is None
    assert await count(bot, "contacts") == 0


async def test_no_to_consent_forgets_a_record_left_from_before(
    bot: BotRunner, fake: FakeBotApi
) -> None:
    anna = fake.user()
    services = services_of(bot)
    async with services.sessions.begin() as db:
        await repo.register_resident(
            db, services.pseudonyms.of(anna.id), language="nl", consent="refused", chat_id=None
        )
    welcome = await anna.ask("/start")
    await anna.press("Nee, liever niet", message=welcome)
    refused = await anna.next_message()
    assert refused.text.startswith("Helemaal goed. We bewaren niets over jou.")
    assert await count(bot, "residents") == 0

"""What residents send that the bot cannot use: media, odd texts, stale, forged and
foreign buttons. Each gets a friendly answer (a wrong answer in one message, under the
question that stays where it is; anything else with the question again), nothing is stored,
and every pressed button is answered (the harness checks that at teardown).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path

from sandbox.clients import FakeUser
from sandbox.fakeapi import FakeBotApi
from sandbox.models import BotMessage
from storage.repo import SessionInfo
from tests.conftest import QUESTIONNAIRES
from tests.e2e.conftest import BotRunner, join
from tests.e2e.test_conversation import (
    AFVAL,
    BURGER,
    GROEN,
    PICK,
    PICK_BUTTONS,
    SCHOOL,
    WIJK,
    answers,
    count,
    finish_schoolroutes,
    latest,
    progress,
    question_text,
    start_questionnaire,
    statuses,
    tap,
)
from tests.support.shipped import renumbered, shipped_version

UNSUPPORTED = "Daar kan ik niets mee, sorry. Ik begrijp alleen tekst en knoppen."
CHOICE_INVALID = "Dat antwoord ken ik niet. Tik op een knop of typ een nummer van 1 tot en met 3."
SCALE_INVALID = "Typ een heel getal van 1 tot en met 5, of tik op een knop."
SCALE_WHOLE = (
    "Hier kan alleen een heel getal, zonder komma. Typ een getal van 1 tot en met 5, "
    "of tik op een knop."
)
STALE_SHORT = "Die knop werkt niet meer."
ALREADY_SAVED = "Je antwoord is al opgeslagen."
STALE = "Die knop hoort bij een oudere vraag. Hier is je vraag van nu."


async def at_choice_question(fake: FakeBotApi) -> tuple[FakeUser, BotMessage, BotMessage]:
    """A resident at question 2 of Afval (a choice), having pressed Noord for question 1."""
    resident = fake.user()
    await join(resident)
    first = await start_questionnaire(resident, AFVAL)
    choice = await tap(resident, "Noord", first)
    assert question_text(choice) == "Welke containers gebruik je voor je afval?"
    return resident, first, choice


def same_state(before: SessionInfo, after: SessionInfo) -> bool:
    return (before.status, before.state) == (after.status, after.state)


async def assert_question_again(
    resident: FakeUser, problem: str, question: BotMessage
) -> BotMessage:
    """The bot explains ``problem`` and shows the same question again, with its buttons."""
    explained, again = await resident.next_messages(2)
    assert explained.text == problem
    assert explained.buttons == []
    assert (again.text, again.buttons, again.button_data) == (
        question.text,
        question.buttons,
        question.button_data,
    )
    return again


async def assert_told_once(
    fake: FakeBotApi, resident: FakeUser, problem: str, question: BotMessage
) -> None:
    """A wrong answer: the bot says ``problem`` in one message and nothing more; the question
    stays where it is, with its buttons."""
    explained = await resident.next_message()
    assert (explained.text, explained.buttons) == (problem, [])
    await fake.settle()
    assert resident.unread() == [], "one message per wrong answer"
    assert question.buttons and not question.deleted


# --- things that are not text -----------------------------------------------------------------


async def test_media_get_a_hint_and_the_question_again(fake: FakeBotApi, bot: BotRunner) -> None:
    resident, _, choice = await at_choice_question(fake)
    before = await latest(bot, resident, "afvalinzameling")
    sends: dict[str, Callable[[], Awaitable[int]]] = {
        "sticker": lambda: resident.send_sticker("🗑️"),
        "photo": lambda: resident.send_photo(caption="2"),
        "voice": lambda: resident.send_voice(),
        "location": lambda: resident.send_location(51.84, 5.86),
        "contact": lambda: resident.send_contact(),
        "document": lambda: resident.send_document("antwoord.pdf", b"%PDF-1.4", "application/pdf"),
    }
    for kind, send in sends.items():
        await send()
        explained, again = await resident.next_messages(2)
        assert explained.text == UNSUPPORTED, kind
        assert (again.text, again.buttons) == (choice.text, choice.buttons), kind
        assert same_state(before, await latest(bot, resident, "afvalinzameling")), kind
    assert await answers(bot, resident, "afvalinzameling") == {"wijk": "noord"}
    # The question still works afterwards.
    nxt = await tap(resident, "Allebei", again)
    assert progress(nxt) == (3, 8)


async def test_media_without_a_questionnaire_show_the_list(
    fake: FakeBotApi, bot: BotRunner
) -> None:
    resident = fake.user()
    await join(resident)
    assert (await resident.next_message()).text == PICK
    await resident.send_voice()
    explained, pick = await resident.next_messages(2)
    assert explained.text == UNSUPPORTED
    assert (pick.text, pick.buttons) == (PICK, PICK_BUTTONS)
    assert await count(bot, "sessions") == 0


# --- odd texts --------------------------------------------------------------------------------


async def test_a_huge_text_on_a_choice_question(fake: FakeBotApi, bot: BotRunner) -> None:
    resident, _, choice = await at_choice_question(fake)
    before = await latest(bot, resident, "afvalinzameling")
    await resident.send("2" * 10_000)
    await assert_told_once(fake, resident, CHOICE_INVALID, choice)
    await resident.send("Ondergrondse containers " * 400)
    await assert_told_once(fake, resident, CHOICE_INVALID, choice)
    assert same_state(before, await latest(bot, resident, "afvalinzameling"))


async def test_a_too_long_text_answer_is_counted(fake: FakeBotApi, bot: BotRunner) -> None:
    resident = fake.user()
    await join(resident)
    await start_questionnaire(resident, GROEN)
    for typed in ["Centrum", "1", "4", "2", "6", "3"]:
        await resident.ask(typed)
    idee = await resident.ask("nee")
    assert question_text(idee).startswith("Heb je een idee om je wijk groener")
    assert idee.text.endswith("Typ je antwoord in een bericht (maximaal 1.000 tekens).")
    before = await latest(bot, resident, "groen-in-de-wijk")

    await resident.send("Meer bomen! " * 834)  # 10,008 characters, 10,007 without the last space
    too_long = (
        "Je tekst is te lang: 10.007 tekens. Het mag maximaal 1.000 tekens zijn. "
        "Maak het wat korter en stuur het opnieuw."
    )
    await assert_told_once(fake, resident, too_long, idee)
    await resident.send("x" * 1001)
    one_too_many = too_long.replace("10.007", "1.001")
    await assert_told_once(fake, resident, one_too_many, idee)
    assert same_state(before, await latest(bot, resident, "groen-in-de-wijk"))

    await resident.send("y" * 1000)
    end, _ = await resident.next_messages(2)
    assert end.text.startswith("Klaar! Dank je wel voor je mening.")
    assert (await answers(bot, resident, "groen-in-de-wijk"))["idee"] == "y" * 1000


async def test_an_edited_message_is_not_an_answer(fake: FakeBotApi, bot: BotRunner) -> None:
    resident = fake.user()
    await join(resident)
    await start_questionnaire(resident, AFVAL)
    sent = await resident.send("Noord")
    choice = await resident.next_message()
    assert choice.text.startswith("Vraag 2 van 7")
    before = await latest(bot, resident, "afvalinzameling")

    await resident.edit(sent, "Zuid")
    edited = (
        "Een aangepast bericht kan ik niet gebruiken. Wil je een antwoord veranderen? "
        "Tik dan op « Vorige."
    )
    await assert_question_again(resident, edited, choice)
    assert same_state(before, await latest(bot, resident, "afvalinzameling"))
    assert await answers(bot, resident, "afvalinzameling") == {"wijk": "noord"}


async def test_an_unknown_command_mid_questionnaire(fake: FakeBotApi, bot: BotRunner) -> None:
    resident, _, choice = await at_choice_question(fake)
    before = await latest(bot, resident, "afvalinzameling")
    await resident.send("/kliko")
    unknown = "Dat commando ken ik niet. Stuur /help voor uitleg."
    await assert_question_again(resident, unknown, choice)
    assert same_state(before, await latest(bot, resident, "afvalinzameling"))
    # Without a questionnaire in progress: the explanation and the list.
    await resident.ask("/stop")
    await resident.send("/kliko")
    explained, pick = await resident.next_messages(2)
    assert (explained.text, pick.text) == (unknown, PICK)


async def test_random_text_on_a_scale_question(fake: FakeBotApi, bot: BotRunner) -> None:
    resident, _, choice = await at_choice_question(fake)
    scale = await tap(resident, "Allebei", choice)
    assert scale.buttons[0] == ["1", "2", "3", "4", "5"]
    before = await latest(bot, resident, "afvalinzameling")
    for typed in ["heel tevreden", "0", "6", "-1", "vier", "🙂", "1 2"]:
        await resident.send(typed)
        await assert_told_once(fake, resident, SCALE_INVALID, scale)
    await resident.send("3,5")  # a decimal where whole numbers are asked: said so
    await assert_told_once(fake, resident, SCALE_WHOLE, scale)
    assert same_state(before, await latest(bot, resident, "afvalinzameling"))
    nxt = await resident.ask(" 4 ")
    assert nxt.text.startswith("Vraag 4 van 8\n\nWat gaat er weleens mis")


# --- stale buttons ----------------------------------------------------------------------------


async def test_a_button_of_an_answered_question(fake: FakeBotApi, bot: BotRunner) -> None:
    resident = fake.user()
    await join(resident)
    first = await start_questionnaire(resident, AFVAL)
    centrum = first.button_data[0][0]
    choice = await resident.ask("Oost")  # typed: the question shows the answer, buttons gone
    await fake.settle()
    assert first.buttons == [] and first.text.endswith("Je antwoord: Oost")
    pressed = choice.button_data[2][0]
    scale = await tap(resident, "Allebei", choice)
    before = await latest(bot, resident, "afvalinzameling")
    sent_before = len(resident.messages)

    # A button of the first question, pressed after all (the update still carried it).
    query = await resident.press_data(centrum, message_id=first.message_id)
    assert (await resident.wait_callback_answered(query)).text == ALREADY_SAVED
    # The pressed message lost its buttons; its old data pressed again (a double tap).
    query = await resident.press_data(pressed, message_id=choice.message_id)
    assert (await resident.wait_callback_answered(query)).text == ALREADY_SAVED
    await fake.settle()
    assert len(resident.messages) == sent_before, "no new message"
    assert first.buttons == [] and choice.buttons == []
    assert same_state(before, await latest(bot, resident, "afvalinzameling"))
    assert await answers(bot, resident, "afvalinzameling") == {
        "wijk": "oost",
        "inzameling": "allebei",
    }
    assert scale.buttons  # still the question of now


FORGED = [
    "a:XXXXXXXX:foo",
    "zzz",
    "",
    "l:fr",
    "r:afvalinzameling:x",
    "c:maybe",
    "\u00e9" * 32,  # 64 bytes of UTF-8
    "a:" + "\U0001f5d1" * 15 + "::",  # 64 bytes, emoji
]


async def test_forged_button_data_is_refused(fake: FakeBotApi, bot: BotRunner) -> None:
    resident, _, choice = await at_choice_question(fake)
    before = await latest(bot, resident, "afvalinzameling")
    for data in FORGED:
        query = await resident.press_data(data, message_id=choice.message_id)
        answer = await resident.wait_callback_answered(query)
        assert answer.text == STALE_SHORT, data
        if data.startswith("a:"):  # an answer for no question of now: the question again
            await assert_question_again(resident, STALE, choice)
        await fake.settle()
        assert resident.unread() == [], data
        assert choice.buttons and choice.edits == 0
        assert same_state(before, await latest(bot, resident, "afvalinzameling")), data
    assert await statuses(bot) == [("afvalinzameling", "active")]


async def test_forged_button_data_before_consent(fake: FakeBotApi, bot: BotRunner) -> None:
    resident = fake.user()
    welcome = await resident.ask("/start")
    assert welcome.text.startswith("Hallo! Ik ben de vragenbot van Rivierstad.")
    for data in [*FORGED, "p:schoolroutes", "r:schoolroutes:y", "a:AAAAAAAA:1", "l:fr"]:
        query = await resident.press_data(data, message_id=welcome.message_id)
        await resident.wait_callback_answered(query)
        if data.startswith(("c:", "l:")):  # the consent and language buttons answer briefly
            continue
        # Perhaps a forwarded message from someone who never met the bot: the welcome.
        again = await resident.next_message()
        assert again.text == welcome.text, data
        assert again.button_data == [["c:y", "c:n"]]
    await fake.settle()
    assert resident.unread() == []
    for table in ("residents", "contacts", "sessions"):
        assert await count(bot, table) == 0, table


async def test_forged_data_with_the_right_token(fake: FakeBotApi, bot: BotRunner) -> None:
    """The token is the resident's own, the rest is made up."""
    resident, first, choice = await at_choice_question(fake)
    token = choice.button_data[0][0].split(":")[1]
    before = await latest(bot, resident, "afvalinzameling")
    refused = {
        f"a:{token}:foo": CHOICE_INVALID,
        f"a:{token}:../../etc": CHOICE_INVALID,
        f"a:{token}:": CHOICE_INVALID,
        f"t:{token}:kliko": "Tik op een knop, of typ het nummer van je keuze.",
        f"d:{token}": "Tik op een knop, of typ het nummer van je keuze.",
        f"s:{token}": "Deze vraag kun je niet overslaan.",
    }
    for data, notice in refused.items():
        query = await resident.press_data(data, message_id=choice.message_id)
        assert (await resident.wait_callback_answered(query)).text == notice, data
    await fake.settle()
    assert resident.unread() == []
    assert same_state(before, await latest(bot, resident, "afvalinzameling"))
    # A questionnaire id that is not an id at all: explained, with the list.
    query = await resident.press_data("p:../../etc/passwd", message_id=choice.message_id)
    await resident.wait_callback_answered(query)
    unknown, pick = await resident.next_messages(2)
    assert unknown.text.startswith("Die vragenlijst kan ik niet vinden.")
    assert (pick.text, pick.buttons) == (PICK, PICK_BUTTONS)
    assert same_state(before, await latest(bot, resident, "afvalinzameling"))
    assert first.button_data == [], "question 1 was answered with a button"


async def test_a_button_pressed_by_another_resident(fake: FakeBotApi, bot: BotRunner) -> None:
    anna, _, choice = await at_choice_question(fake)
    anna_before = await latest(bot, anna, "afvalinzameling")
    anna_sent = len(anna.messages)

    # Bram has not started anything: Anna's button (forwarded to him) does nothing.
    bram = fake.user(first_name="Bram")
    await join(bram)
    assert (await bram.next_message()).text == PICK
    query = await bram.press_data(choice.button_data[1][0])
    assert (await bram.wait_callback_answered(query)).text == STALE_SHORT
    pick = await bram.next_message()
    assert pick.text == PICK

    # Bram in a questionnaire of his own: Anna's button is not for his question either.
    await bram.press(AFVAL, message=pick)
    _, bram_first = await bram.next_messages(2)
    query = await bram.press_data(choice.button_data[1][0], message_id=bram_first.message_id)
    assert (await bram.wait_callback_answered(query)).text == STALE_SHORT
    stale, again = await bram.next_messages(2)
    assert (stale.text, again.text) == (STALE, bram_first.text)
    await fake.settle()

    assert len(anna.messages) == anna_sent, "Anna hears nothing"
    assert same_state(anna_before, await latest(bot, anna, "afvalinzameling"))
    assert await answers(bot, bram, "afvalinzameling") == {}
    assert choice.buttons and choice.edits == 0
    assert await statuses(bot) == [("afvalinzameling", "active"), ("afvalinzameling", "active")]


async def test_a_button_of_a_finished_questionnaire(fake: FakeBotApi, bot: BotRunner) -> None:
    resident = fake.user()
    await join(resident)
    first = await start_questionnaire(resident, SCHOOL)
    noord = first.button_data[0][1]
    await finish_schoolroutes(resident, first)  # typed: the buttons went with each answer
    before = await latest(bot, resident, "schoolroutes")
    query = await resident.press_data(noord, message_id=first.message_id)
    assert (await resident.wait_callback_answered(query)).text == STALE_SHORT
    pick = await resident.next_message()
    assert pick.text == PICK
    assert pick.buttons == [[AFVAL], [BURGER], [GROEN], [f"✓ {SCHOOL}"], [WIJK]]
    after = await latest(bot, resident, "schoolroutes")
    assert same_state(before, after) and after.status == "completed"
    assert await statuses(bot) == [("schoolroutes", "completed")]


async def test_a_button_of_a_paused_questionnaire(fake: FakeBotApi, bot: BotRunner) -> None:
    resident, _, choice = await at_choice_question(fake)
    await resident.ask("/stop")
    query = await resident.press("Allebei", message=choice)
    assert (await resident.wait_callback_answered(query)).text == STALE_SHORT
    assert (await resident.next_message()).text == PICK
    assert await statuses(bot) == [("afvalinzameling", "paused")]
    assert await answers(bot, resident, "afvalinzameling") == {"wijk": "noord"}


async def test_buttons_of_an_older_questionnaire_version(
    fake: FakeBotApi, database_url: str, tmp_path: Path
) -> None:
    """A response begun on the shipped version goes on with that version's questions and
    buttons after the next version is published; a button of an answered question is
    refused."""
    old = shipped_version("afvalinzameling")
    folder = tmp_path / "questionnaires"
    folder.mkdir()
    source = (QUESTIONNAIRES / "afvalinzameling.yaml").read_text(encoding="utf-8")
    (folder / "afvalinzameling.yaml").write_text(source, encoding="utf-8")
    runner = BotRunner(fake, database_url, questionnaires_dir=folder)
    await runner.start()
    try:
        resident = fake.user()
        await join(resident)
        first = await start_questionnaire(resident, AFVAL)
        centrum = first.button_data[0][0]
        choice = await resident.ask("Noord")
        await runner.stop()

        changed = renumbered(source, old + 1).replace(
            "Welke containers gebruik je voor je afval?", "Welke afvalbakken gebruik je?"
        )
        (folder / "afvalinzameling.yaml").write_text(changed, encoding="utf-8")
        await runner.start()

        scale = await tap(resident, "Allebei", choice)  # an old version's button, still valid
        assert choice.text.startswith("Vraag 2 van 7\n\nWelke containers gebruik je")
        assert progress(scale) == (3, 8)
        session = await latest(runner, resident, "afvalinzameling")
        assert (session.version, session.state.answers) == (
            old,
            {"wijk": "noord", "inzameling": "allebei"},
        )
        query = await resident.press_data(centrum, message_id=first.message_id)  # typed
        assert (await resident.wait_callback_answered(query)).text == ALREADY_SAVED

        await resident.ask("/stop")
        offer = await resident.ask("/start afvalinzameling")  # resumes the old version
        assert offer.text == "Welkom terug! We gaan verder waar je was gebleven."
        resumed = await resident.next_message()
        assert resumed.text == scale.text
        assert await count(runner, "questionnaire_versions") == 2
    finally:
        await runner.stop()
    await fake.settle()
    fake.assert_clean()


# --- presses that would change nothing ----------------------------------------------------------
# Telegram refuses an edit that leaves a message as it is ("message is not modified"); the
# fake does too, and the harness fails the test on any refused call.


async def test_a_toggle_on_an_older_copy_of_the_question(fake: FakeBotApi, bot: BotRunner) -> None:
    resident = fake.user()
    await join(resident)
    first = await start_questionnaire(resident, GROEN)
    older = await tap(resident, "Zuid", first)
    await resident.send_sticker("🌳")  # the hint and the same question again
    _, newer = await resident.next_messages(2)
    await resident.press("Wandelen", message=newer)
    await resident.wait_for(lambda: newer.buttons[0] == ["✅ 1. Wandelen"])
    # The older copy still shows Wandelen unticked; pressing it there unticks the draft, which
    # that copy already shows: nothing to edit there.
    query = await resident.press("Wandelen", message=older)
    await resident.wait_callback_answered(query)
    await fake.settle()
    assert older.buttons[0] == ["▫️ 1. Wandelen"]
    session = await latest(bot, resident, "groen-in-de-wijk")
    assert session.state.draft == ()
    # Both copies work on.
    await resident.press("Sporten", message=older)
    await resident.wait_for(lambda: older.buttons[3] == ["✅ 4. Sporten of bewegen"])
    nxt = await tap(resident, "Klaar ✓", older)
    assert progress(nxt) == (3, 8)
    assert await answers(bot, resident, "groen-in-de-wijk") == {
        "wijk": "zuid",
        "gebruik": ["sporten"],
    }


async def test_back_pressed_twice_quickly(fake: FakeBotApi, bot: BotRunner) -> None:
    resident, _, choice = await at_choice_question(fake)
    scale = await tap(resident, "Allebei", choice)
    back = scale.button_data[-1][0]
    first = await resident.press_data(back, message_id=scale.message_id)
    second = await resident.press_data(back, message_id=scale.message_id)  # before any reply
    await resident.wait_callback_answered(first)
    await resident.wait_callback_answered(second)
    again = await resident.next_message()
    await fake.settle()
    assert question_text(again) == "Welke containers gebruik je voor je afval?"
    assert resident.unread() == []
    session = await latest(bot, resident, "afvalinzameling")
    assert session.state.current == "inzameling"

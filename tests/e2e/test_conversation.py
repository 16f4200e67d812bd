"""The resident conversation end to end: consent, links, the list, answering every way,
going back, skipping, pausing, revising, language, commands mid-way, timeouts, closing.

Every test talks to the unmodified bot over real HTTP and checks exact texts, buttons and
what ended up in the database.
"""

from __future__ import annotations

import re
import shutil
from datetime import timedelta
from functools import partial
from pathlib import Path
from typing import Any

from sqlalchemy import text

from bot.core.services import Services
from sandbox.clients import FakeUser
from sandbox.fakeapi import FakeBotApi
from sandbox.models import BotMessage
from storage import export, repo
from tests.conftest import QUESTIONNAIRES
from tests.e2e.conftest import BotRunner, join
from tests.support.clocks import Offset

AFVAL = "Afval ophalen in Rivierstad"
GROEN = "Groen in de wijk"
SCHOOL = "Veilig naar school"
BURGER = "Burgerpeiling Rivierstad"
WIJK = "Wijkpeiling Rivierstad"
PICK = "Over welk onderwerp wil je iets zeggen? Kies een vragenlijst."
PICK_BUTTONS = [[AFVAL], [BURGER], [GROEN], [SCHOOL], [WIJK]]
CONSENT_BUTTONS = [["Ja, ik doe mee", "Nee, liever niet"]]
CONSENT_NEEDED = "Eerst even dit: doe je mee? Kies hieronder."
GIVEN = "Fijn dat je meedoet! Je kunt altijd stoppen met /stop."
REFUSED = (
    "Helemaal goed. We bewaren niets over jou. Wil je later toch meedoen? "
    "Stuur dan /start. Met /privacy lees je hoe we met gegevens omgaan."
)
WIJK_NL = "In welke wijk woon je?"
WIJK_BUTTONS = [
    ["Centrum", "Noord"],
    ["Oost", "Zuid"],
    ["West", "De Hoven"],
    ["Dorpen en buitengebied"],
]
AREA_HINT = "Kies je wijk, of typ de 4 cijfers van je postcode."
CHOICE_HINT = "Tik op een knop, of typ het nummer van je keuze."
FINISHED_MORE = "Wil je nog een vragenlijst invullen? Stuur /vragenlijsten."


# --- helpers (also used by test_bad_input.py) -------------------------------------------------


def services_of(bot: BotRunner) -> Services:
    assert bot.services is not None, "the bot is not running"
    return bot.services


async def sql(bot: BotRunner, statement: str, **params: Any) -> list[tuple[Any, ...]]:
    """Rows of a raw SQL query on the bot's database."""
    async with services_of(bot).sessions() as db:
        return [tuple(row) for row in await db.execute(text(statement), params)]


async def count(bot: BotRunner, table: str) -> int:
    rows = await sql(bot, f"SELECT count(*) FROM {table}")
    return int(rows[0][0])


async def resident_id(bot: BotRunner, user: FakeUser) -> int | None:
    services = services_of(bot)
    async with services.sessions() as db:
        resident = await repo.find_resident(db, services.pseudonyms.of(user.id))
    return resident.id if resident else None


async def latest(bot: BotRunner, user: FakeUser, questionnaire: str) -> repo.SessionInfo:
    """The resident's latest response to ``questionnaire`` (not a replaced one)."""
    rid = await resident_id(bot, user)
    assert rid is not None, "the resident is not in the database"
    async with services_of(bot).sessions() as db:
        session = await repo.latest_session(db, rid, questionnaire)
    assert session is not None, f"no session for {questionnaire}"
    return session


async def answers(bot: BotRunner, user: FakeUser, questionnaire: str) -> dict[str, Any]:
    return dict((await latest(bot, user, questionnaire)).state.answers)


async def statuses(bot: BotRunner) -> list[tuple[str, str]]:
    """(questionnaire, status) of every session, oldest first."""
    rows = await sql(bot, "SELECT questionnaire_id, status FROM sessions ORDER BY id")
    return [(str(q), str(s)) for q, s in rows]


def edited_times(message: BotMessage, times: int) -> bool:
    return message.edits == times


def progress(message: BotMessage) -> tuple[int, int]:
    found = re.search(r"(?:Vraag|Question) (\d+) (?:van|of) (\d+)", message.text)
    assert found, f"no progress line in {message.text!r}"
    return int(found.group(1)), int(found.group(2))


def question_text(message: BotMessage) -> str:
    """The question itself: the paragraph after the progress line."""
    paragraphs = message.text.split("\n\n")
    index = next(i for i, p in enumerate(paragraphs) if re.match(r"(Vraag|Question) \d", p))
    return paragraphs[index + 1]


async def start_questionnaire(user: FakeUser, title: str) -> BotMessage:
    """From the list (the next unread message): pick ``title``; returns its first question."""
    pick = await user.next_message()
    assert pick.text == PICK
    await user.press(title, message=pick)
    intro, question = await user.next_messages(2)
    assert intro.text.startswith(title)
    return question


async def tap(user: FakeUser, label: str, message: BotMessage) -> BotMessage:
    """Press a button and return the bot's next message."""
    await user.press(label, message=message)
    return await user.next_message()


async def finish_schoolroutes(user: FakeUser, first: BotMessage) -> list[BotMessage]:
    """The shortest way through Veilig naar school (6 questions), typed; returns the end."""
    assert question_text(first) == WIJK_NL
    for typed in ["4116", "nee", "5", "2", "nee"]:
        await user.ask(typed)
    await user.send("8")
    done = await user.next_messages(2)
    assert done[0].text.startswith("Klaar! Dank je wel voor je mening.")
    assert done[1].text == FINISHED_MORE
    return done


SCHOOL_SHORT = {
    "wijk": "west",
    "kinderen": "no",
    "veiligheid": 5,
    "maatregel": "oversteekplaats",
    "gemeld": "no",
    "luisteren": 8,
}


# --- consent ----------------------------------------------------------------------------------


async def test_consent_yes_keeps_the_chat_apart_and_shows_the_list(
    fake: FakeBotApi, bot: BotRunner
) -> None:
    resident = fake.user(language_code="nl")
    welcome = await resident.ask("/start")
    assert welcome.text.startswith("Hallo! Ik ben de vragenbot van Rivierstad.")
    assert welcome.text.endswith("Doe je mee?")
    assert welcome.buttons == CONSENT_BUTTONS
    assert welcome.button_data == [["c:y", "c:n"]]
    assert await count(bot, "residents") == 0, "nothing is stored before consent"

    await resident.press("Ja, ik doe mee", message=welcome)
    given, pick = await resident.next_messages(2)
    assert (given.text, pick.text, pick.buttons) == (GIVEN, PICK, PICK_BUTTONS)
    assert welcome.buttons == [], "the consent buttons are taken away"
    rid = await resident_id(bot, resident)
    assert await sql(bot, "SELECT consent, language FROM residents") == [("given", "nl")]
    assert await sql(bot, "SELECT resident_id, chat_id FROM contacts") == [(rid, resident.id)]
    assert await count(bot, "sessions") == 0


async def test_consent_no_stores_nothing_and_asks_again(fake: FakeBotApi, bot: BotRunner) -> None:
    resident = fake.user(language_code="nl")
    welcome = await resident.ask("/start")
    await resident.press("Nee, liever niet", message=welcome)
    assert (await resident.next_message()).text == REFUSED
    assert welcome.buttons == []
    for table in ("residents", "contacts", "sessions", "answers"):
        assert await count(bot, table) == 0, table

    privacy = await resident.ask("/privacy")
    assert privacy.text.startswith("Privacy\nWat we bewaren: je antwoorden")
    assert "90 dagen" in privacy.text and "privacy@gemeente.example" in privacy.text

    for text_ in ("Hallo?", "/vragenlijsten", "/stop", "2"):
        again = await resident.ask(text_)
        assert (again.text, again.buttons) == (CONSENT_NEEDED, CONSENT_BUTTONS), text_
    await resident.send_sticker()
    again = await resident.next_message()
    assert (again.text, again.buttons) == (CONSENT_NEEDED, CONSENT_BUTTONS)
    for table in ("residents", "contacts", "sessions", "answers"):
        assert await count(bot, table) == 0, table

    # Changing one's mind later works from the repeated question.
    await resident.press("Ja, ik doe mee", message=again)
    given, pick = await resident.next_messages(2)
    assert (given.text, pick.text) == (GIVEN, PICK)
    assert await sql(bot, "SELECT consent FROM residents") == [("given",)]


async def test_english_client_gets_english(fake: FakeBotApi, bot: BotRunner) -> None:
    resident = fake.user(language_code="en-GB")
    welcome = await resident.ask("/start")
    assert welcome.text.startswith("Hello! I am the survey bot of Rivierstad.")
    assert welcome.buttons == [["Yes, I'll take part", "No, thanks"]]
    await resident.press("Yes, I'll take part", message=welcome)
    given, pick = await resident.next_messages(2)
    assert given.text == "Great that you are taking part! You can always stop with /stop."
    assert pick.buttons == [
        ["Waste collection in Rivierstad"],
        ["Residents' survey Rivierstad"],
        ["Green in your neighbourhood"],
        ["Safe routes to school"],
        ["Neighbourhood survey Rivierstad"],
    ]
    assert await sql(bot, "SELECT language FROM residents") == [("en",)]


async def test_language_chosen_before_consent_is_kept(fake: FakeBotApi, bot: BotRunner) -> None:
    """A Dutch resident whose Telegram is in English picks Nederlands before saying yes."""
    resident = fake.user(language_code="en")
    picker = await resident.ask("/language")
    assert picker.buttons == [["Nederlands", "English"], ["العربية", "Türkçe"]]
    await resident.press("Nederlands", message=picker)
    told, welcome = await resident.next_messages(2)
    assert told.text == "Ik praat nu Nederlands met je."
    assert welcome.text.startswith("Hallo! Ik ben de vragenbot van Rivierstad.")
    assert welcome.button_data == [["c:y::nl", "c:n::nl"]]
    assert await count(bot, "residents") == 0
    await resident.press("Ja, ik doe mee", message=welcome)
    given, pick = await resident.next_messages(2)
    assert (given.text, pick.text) == (GIVEN, PICK)
    assert await sql(bot, "SELECT language FROM residents") == [("nl",)]


# --- deep links -------------------------------------------------------------------------------


async def test_deep_link_before_consent_opens_the_questionnaire(
    fake: FakeBotApi, bot: BotRunner
) -> None:
    resident = fake.user()
    welcome = await resident.ask("/start schoolroutes")
    assert welcome.button_data == [["c:y:schoolroutes", "c:n"]]
    await resident.press("Ja, ik doe mee", message=welcome)
    given, intro, question = await resident.next_messages(3)
    assert given.text == GIVEN
    assert intro.text.startswith("Veilig naar school\n\nKinderen moeten veilig naar school")
    assert intro.text.endswith("Deze vragenlijst heeft ongeveer 8 vragen.")
    assert question.text == f"Vraag 1 van 8\n\n{WIJK_NL}\n\n{AREA_HINT}"
    assert question.buttons == WIJK_BUTTONS
    assert await statuses(bot) == [("schoolroutes", "active")]


async def test_deep_link_after_consent_opens_the_questionnaire(
    fake: FakeBotApi, bot: BotRunner
) -> None:
    resident = fake.user()
    await join(resident)
    assert (await resident.next_message()).text == PICK
    intro, question = [
        await resident.ask("/start GROEN-in-de-wijk"),
        await resident.next_message(),
    ]
    assert intro.text.startswith("Groen in de wijk\n\nVolgens de Omgevingswet")
    assert progress(question) == (1, 8)
    assert await statuses(bot) == [("groen-in-de-wijk", "active")]


async def test_unknown_deep_link_shows_the_list(fake: FakeBotApi, bot: BotRunner) -> None:
    resident = fake.user()
    welcome = await resident.ask("/start bestaat-niet")
    assert welcome.button_data == [["c:y", "c:n"]], "an unknown id is not carried along"
    await resident.press("Ja, ik doe mee", message=welcome)
    given, pick = await resident.next_messages(2)
    assert (given.text, pick.text, pick.buttons) == (GIVEN, PICK, PICK_BUTTONS)

    unknown, pick = [await resident.ask("/start bestaat-niet"), await resident.next_message()]
    assert unknown.text == (
        "Die vragenlijst kan ik niet vinden. Hier zijn de vragenlijsten die open staan."
    )
    assert (pick.text, pick.buttons) == (PICK, PICK_BUTTONS)
    odd = await resident.ask("/start ../../etc/passwd")  # not an id at all: just the list
    assert (odd.text, odd.buttons) == (PICK, PICK_BUTTONS)
    assert await count(bot, "sessions") == 0


# --- the list ---------------------------------------------------------------------------------


async def test_the_list_marks_completed_questionnaires(fake: FakeBotApi, bot: BotRunner) -> None:
    resident = fake.user()
    await join(resident)
    first = await start_questionnaire(resident, SCHOOL)
    await finish_schoolroutes(resident, first)
    pick = await resident.ask("/vragenlijsten")
    assert pick.text == PICK
    assert pick.buttons == [[AFVAL], [BURGER], [GROEN], [f"✓ {SCHOOL}"], [WIJK]]
    assert pick.button_data == [
        ["p:afvalinzameling"],
        ["p:burgerpeiling"],
        ["p:groen-in-de-wijk"],
        ["p:schoolroutes"],
        ["p:wijkpeiling"],
    ]
    assert await answers(bot, resident, "schoolroutes") == SCHOOL_SHORT
    assert await statuses(bot) == [("schoolroutes", "completed")]


# --- answering --------------------------------------------------------------------------------


async def test_typing_the_words_of_the_buttons_on_an_open_question(
    fake: FakeBotApi, bot: BotRunner
) -> None:
    resident = fake.user()
    await join(resident)
    await start_questionnaire(resident, SCHOOL)
    for typed in ["4116", "nee", "2"]:  # a 2 for safety leads to what makes it unsafe
        await resident.ask(typed)
    plek = await resident.ask("1")
    assert "gevaarlijkst" in plek.text and "Sla over" in str(plek.buttons)

    again = await resident.ask("Vorige")
    assert "onveilig" in again.text, "typed like the button: back to the question before"
    plek = await resident.ask("1")
    assert "gevaarlijkst" in plek.text
    following = await resident.ask("sla over")
    assert "als eerste doen" in following.text, "typed like the button: skipped"
    stored = await answers(bot, resident, "schoolroutes")
    assert stored["knelpunten"] == ["snelheid"]
    assert "plek" in stored and stored["plek"] is None


async def test_back_changes_an_earlier_answer(fake: FakeBotApi, bot: BotRunner) -> None:
    resident = fake.user()
    await join(resident)
    first = await start_questionnaire(resident, AFVAL)
    assert first.buttons == WIJK_BUTTONS, "the first question has no « Vorige"
    refused = await resident.ask("vorige")
    assert refused.text == "Dit is de eerste vraag. Terug kan niet."
    again = first  # the question stays where it is, with its buttons
    token = again.button_data[0][0].split(":")[1]
    query = await resident.press_data(f"b:{token}", message_id=again.message_id)  # forged
    notice = await resident.wait_callback_answered(query)
    assert notice.text == "Dit is de eerste vraag. Terug kan niet."

    choice = await tap(resident, "Noord", again)
    scale = await tap(resident, "Allebei", choice)
    assert progress(scale) == (3, 8)
    assert await answers(bot, resident, "afvalinzameling") == {
        "wijk": "noord",
        "inzameling": "allebei",
    }

    back = await tap(resident, "« Vorige", scale)
    assert scale.text.endswith("« Je ging terug naar de vorige vraag.") and scale.buttons == []
    assert back.text == (
        "Vraag 2 van 8\n\nWelke containers gebruik je voor je afval?\n\n"
        f"Je gaf eerder: Allebei\n\n{CHOICE_HINT}"
    )
    assert back.buttons == [
        ["1. Eigen containers bij huis"],
        ["2. Ondergrondse containers"],
        ["3. Allebei"],
        ["« Vorige"],
    ]
    nxt = await tap(resident, "Eigen containers bij huis", back)
    assert progress(nxt) == (3, 7), "without the underground containers one question less"
    assert question_text(nxt).startswith("Hoe tevreden ben je over de ophaaldagen")
    assert await answers(bot, resident, "afvalinzameling") == {
        "wijk": "noord",
        "inzameling": "kliko",
    }
    # Back by the first question's « Vorige again: the stored path is one question long.
    session = await latest(bot, resident, "afvalinzameling")
    assert (session.state.path, session.state.current) == (("wijk", "inzameling"), "ophaaldagen")


async def test_skip_stores_sql_null(fake: FakeBotApi, bot: BotRunner) -> None:
    resident = fake.user()
    await join(resident)
    await start_questionnaire(resident, SCHOOL)
    await resident.ask("4101")
    vervoer = await resident.ask("ja")
    vervoer_buttons = vervoer.buttons
    age = await resident.ask("1")
    assert age.buttons == [["« Vorige", "Sla over"]]
    nxt = await tap(resident, "Sla over", age)
    assert age.text.endswith("✅ Je antwoord: (overgeslagen)") and age.buttons == []
    assert progress(nxt) == (5, 8)
    assert vervoer_buttons[-1] == ["« Vorige"], "a required question has no Sla over"
    rows = await sql(bot, "SELECT question_id FROM answers WHERE value IS NULL")
    assert rows == [("leeftijd",)]
    stored = await answers(bot, resident, "schoolroutes")
    assert stored == {"wijk": "centrum", "kinderen": "yes", "vervoer": ["lopen"], "leeftijd": None}


async def test_multi_toggles_edit_the_keyboard_then_done(fake: FakeBotApi, bot: BotRunner) -> None:
    resident = fake.user()
    await join(resident)
    first = await start_questionnaire(resident, GROEN)
    multi = await tap(resident, "Zuid", first)
    assert multi.buttons[:2] == [["▫️ 1. Wandelen"], ["▫️ 2. Hond uitlaten"]]
    assert multi.buttons[-2:] == [["Klaar ✓"], ["« Vorige"]]
    text_before = multi.text

    done = await resident.press("Klaar ✓", message=multi)
    notice = await resident.wait_callback_answered(done)
    assert notice.text == "Kies er minstens 1."
    labels = ("Spelen met kinderen", "Wandelen", "Spelen met kinderen", "Samen tuinieren")
    for edits, label in enumerate(labels, 1):
        await resident.press(label, message=multi)
        await resident.wait_for(partial(edited_times, multi, edits))
        assert multi.text == text_before
    assert [row[0] for row in multi.buttons[:8]] == [
        "✅ 1. Wandelen",
        "▫️ 2. Hond uitlaten",
        "▫️ 3. Spelen met kinderen",
        "▫️ 4. Sporten of bewegen",
        "▫️ 5. Zitten en mensen ontmoeten",
        "▫️ 6. Genieten van de natuur",
        "✅ 7. Samen tuinieren",
        "▫️ 8. Ik gebruik het bijna niet",
    ]
    assert multi.edits == 4
    session = await latest(bot, resident, "groen-in-de-wijk")
    assert session.state.draft == ("wandelen", "tuinieren")
    assert "gebruik" not in session.state.answers, "toggling is not answering"

    nxt = await tap(resident, "Klaar ✓", multi)
    assert multi.text.endswith("✅ Je antwoord: Wandelen, Samen tuinieren")
    assert multi.buttons == []
    assert progress(nxt) == (3, 8)
    stored = await answers(bot, resident, "groen-in-de-wijk")
    assert stored == {"wijk": "zuid", "gebruik": ["wandelen", "tuinieren"]}


async def test_typed_answers_for_every_question_type(fake: FakeBotApi, bot: BotRunner) -> None:
    resident = fake.user()
    await join(resident)
    await start_questionnaire(resident, AFVAL)
    typed = [  # what is typed, and the question that follows
        ("4108 AB", (2, 7), "Welke containers gebruik je"),  # area by postcode
        ("allebei", (3, 8), "Hoe tevreden ben je over de ophaaldagen"),  # choice by label
        ("4", (4, 8), "Wat gaat er weleens mis"),  # scale
        ("1, 4", (5, 8), "Hoe vaak heb je het afgelopen jaar grofvuil"),  # multi by numbers
        ("2 keer", (6, 9), "Hoe tevreden ben je over het ophalen"),  # number with its unit
        ("5", (7, 9), "Hoe hoor je over wijzigingen"),
        ("Via de afvalapp; brief van de gemeente", (8, 10), "Welk cijfer geef je"),  # labels
        ("10", (9, 10), "Heb je het afgelopen jaar een klacht"),
        ("3", (10, 10), "Wat kan de gemeente beter doen"),  # choice by number
    ]
    for answer, number, question in typed:
        reply = await resident.ask(answer)
        assert progress(reply) == number, answer
        assert question_text(reply).startswith(question), answer
    await resident.send("Vaker legen in de zomer")
    end, more = await resident.next_messages(2)
    assert "• Wat kan de gemeente beter doen" in end.text
    assert "  Vaker legen in de zomer" in end.text
    assert more.text == FINISHED_MORE
    assert await answers(bot, resident, "afvalinzameling") == {
        "wijk": "oost",
        "inzameling": "allebei",
        "ophaaldagen": 4,
        "containers": ["vol", "vies"],
        "grofvuil": 2,
        "grofvuil_tevreden": 5,
        "informatie": ["afvalapp", "brief"],
        "app_cijfer": 10,
        "melding": "traag",
        "idee": "Vaker legen in de zomer",
    }
    # Yes/no and a number in another questionnaire.
    first = await start_questionnaire_by_command(resident, SCHOOL)
    assert progress(first) == (1, 8)
    for answer in ("De Hoven", "Ja", "lopend, met de bus", "9 jaar"):
        await resident.ask(answer)
    stored = await answers(bot, resident, "schoolroutes")
    assert stored == {"wijk": "de-hoven", "kinderen": "yes", "vervoer": ["lopen", "bus"]} | {
        "leeftijd": 9
    }


async def start_questionnaire_by_command(user: FakeUser, title: str) -> BotMessage:
    await user.send("/vragenlijsten")
    return await start_questionnaire(user, title)


async def test_a_pressed_button_shows_the_answer_instead_of_buttons(
    fake: FakeBotApi, bot: BotRunner
) -> None:
    resident = fake.user()
    await join(resident)
    first = await start_questionnaire(resident, GROEN)
    nxt = await tap(resident, "De Hoven", first)
    assert first.text == f"Vraag 1 van 8\n\n{WIJK_NL}\n\n✅ Je antwoord: De Hoven"
    assert first.buttons == [] and first.edits == 1
    assert first.html == (f"<i>Vraag 1 van 8</i>\n\n<b>{WIJK_NL}</b>\n\n✅ Je antwoord: De Hoven")
    assert progress(nxt) == (2, 8)


# --- pausing, resuming, revising --------------------------------------------------------------


async def test_stop_then_choose_again_resumes(fake: FakeBotApi, bot: BotRunner) -> None:
    resident = fake.user()
    await join(resident)
    first = await start_questionnaire(resident, GROEN)
    multi = await tap(resident, "Centrum", first)
    await resident.press("Wandelen", message=multi)
    await resident.next_edit()
    stopped = await resident.ask("/stop")
    assert stopped.text == (
        "Gestopt. Je antwoorden tot nu toe zijn bewaard. Kies deze vragenlijst later "
        "opnieuw om verder te gaan."
    )
    assert await statuses(bot) == [("groen-in-de-wijk", "paused")]
    nothing = await resident.ask("/stop")
    assert nothing.text == (
        "Je bent nu niet met een vragenlijst bezig. Stuur /vragenlijsten om er een te kiezen."
    )
    # Typing while paused answers nothing; the list comes instead.
    pick = await resident.ask("Wandelen")
    assert (pick.text, pick.buttons) == (PICK, PICK_BUTTONS)
    await resident.press(GROEN, message=pick)
    welcome_back, question = await resident.next_messages(2)
    assert welcome_back.text == "Welkom terug! We gaan verder waar je was gebleven."
    assert progress(question) == (2, 8)
    assert question.buttons[0] == ["✅ 1. Wandelen"], "the selection so far is kept"
    assert await statuses(bot) == [("groen-in-de-wijk", "active")]
    assert await answers(bot, resident, "groen-in-de-wijk") == {"wijk": "centrum"}


async def test_completing_again_offers_to_revise(fake: FakeBotApi, bot: BotRunner) -> None:
    resident = fake.user()
    await join(resident)
    first = await start_questionnaire(resident, SCHOOL)
    await finish_schoolroutes(resident, first)

    pick = await resident.ask("/vragenlijsten")
    offer = await tap(resident, f"✓ {SCHOOL}", pick)
    assert offer.text == (
        "Je hebt deze vragenlijst al ingevuld. Wil je je antwoorden aanpassen? "
        "Je nieuwe antwoorden komen dan in de plaats van de oude."
    )
    assert offer.buttons == [["Ja, aanpassen", "Nee, laat maar"]]
    await resident.press("Ja, aanpassen", message=offer)
    intro, question = await resident.next_messages(2)
    assert offer.buttons == []
    assert intro.text.startswith("Veilig naar school")
    assert progress(question) == (1, 8) and question_text(question) == WIJK_NL
    assert await statuses(bot) == [("schoolroutes", "completed"), ("schoolroutes", "active")]

    for typed in ["4123", "nee", "1"]:
        await resident.ask(typed)
    plek = await resident.ask("4")
    assert question_text(plek).startswith("Welke plek op de route")
    await tap(resident, "Sla over", plek)  # typed, "Sla over" would be the answer text
    for typed in ["schoolstraat", "ja"]:
        await resident.ask(typed)
    await resident.send("3")
    end, _ = await resident.next_messages(2)
    assert end.text.startswith("Klaar!")
    assert await statuses(bot) == [("schoolroutes", "replaced"), ("schoolroutes", "completed")]
    async with services_of(bot).sessions() as db:
        rows = await export.export_rows(db, "schoolroutes")
    assert len(rows) == 1
    assert rows[0].status == "completed"
    assert rows[0].answers == {
        "wijk": "buitengebied",
        "kinderen": "no",
        "veiligheid": 1,
        "knelpunten": ["druk"],
        "plek": None,
        "maatregel": "schoolstraat",
        "gemeld": "yes",
        "luisteren": 3,
    }


async def test_revise_no_keeps_the_answers(fake: FakeBotApi, bot: BotRunner) -> None:
    resident = fake.user()
    await join(resident)
    first = await start_questionnaire(resident, SCHOOL)
    await finish_schoolroutes(resident, first)
    offer = await resident.ask("/start schoolroutes")
    assert offer.buttons == [["Ja, aanpassen", "Nee, laat maar"]]
    kept = await tap(resident, "Nee, laat maar", offer)
    assert kept.text == "Prima, je antwoorden blijven zoals ze waren."
    assert offer.buttons == []
    assert await statuses(bot) == [("schoolroutes", "completed")]
    assert await answers(bot, resident, "schoolroutes") == SCHOOL_SHORT


async def test_revise_pressed_twice_starts_one_revision(fake: FakeBotApi, bot: BotRunner) -> None:
    resident = fake.user()
    await join(resident)
    first = await start_questionnaire(resident, SCHOOL)
    await finish_schoolroutes(resident, first)
    offer = await resident.ask("/start schoolroutes")
    data = offer.button_data[0][0]
    await resident.press("Ja, aanpassen", message=offer)
    _, question = await resident.next_messages(2)
    await resident.ask("Noord")  # answered the first question of the revision
    await resident.press_data(data, message_id=offer.message_id)  # a double tap
    again, same = await resident.next_messages(2)
    assert again.text == "Welkom terug! We gaan verder waar je was gebleven."
    assert progress(same) == (2, 8)
    assert await statuses(bot) == [("schoolroutes", "completed"), ("schoolroutes", "active")]
    assert question.message_id < same.message_id


# --- language and commands mid-way ------------------------------------------------------------


async def test_taal_switches_to_english_mid_questionnaire(
    fake: FakeBotApi, bot: BotRunner
) -> None:
    resident = fake.user(language_code="nl")
    await join(resident)
    first = await start_questionnaire(resident, SCHOOL)
    yesno = await tap(resident, "Zuid", first)
    picker = await resident.ask("/taal")
    assert picker.text == "Welke taal wil je? / Which language do you prefer?"
    assert picker.buttons == [["Nederlands", "English"], ["العربية", "Türkçe"]]
    await resident.press("English", message=picker)
    told, question = await resident.next_messages(2)
    assert picker.buttons == []
    assert told.text == "I will speak English with you now."
    assert question.text == (
        "Question 2 of 8\n\nDo you have children who go to primary or secondary school?"
        "\n\nTap Yes or No."
    )
    assert question.buttons == [["Yes", "No"], ["« Back"]]
    assert await sql(bot, "SELECT language FROM residents") == [("en",)]
    # The Dutch message's buttons still count for the same question.
    nxt = await tap(resident, "Nee", yesno)
    assert yesno.text.endswith("✅ Your answer: No")
    assert nxt.text.startswith("Question 3 of 6\n\nHow safe do you find the routes")
    help_ = await resident.ask("/help")
    assert help_.text.startswith("How it works\n")
    back = await resident.ask("/language")
    await resident.press("Nederlands", message=back)
    told, question = await resident.next_messages(2)
    assert told.text == "Ik praat nu Nederlands met je."
    assert question.text.startswith("Vraag 3 van 6\n\nHoe veilig vind je de routes")


async def test_help_and_list_take_precedence_mid_questionnaire(
    fake: FakeBotApi, bot: BotRunner
) -> None:
    resident = fake.user()
    await join(resident)
    first = await start_questionnaire(resident, AFVAL)
    await tap(resident, "West", first)

    help_ = await resident.ask("/help")
    assert help_.text == (
        "Zo werkt het\n"
        "Ik stel je korte vragen over onderwerpen in je buurt. Tik op een knop of typ je "
        "antwoord.\n"
        "Soms is er een gesprek met stellingen. Dan zeg je of je het eens bent met korte "
        "stellingen. Je kunt ook zelf een stelling toevoegen. Zo'n gesprek open je met de "
        "link van de gemeente.\n\n"
        "/vragenlijsten – kies een vragenlijst\n"
        "/stop – stop met de vragenlijst of het gesprek (je antwoorden blijven bewaard)\n"
        "/resultaten – wat er met de antwoorden is gedaan\n"
        "/instellingen – kies welke berichten je krijgt\n"
        "/taal – kies je taal\n"
        "/privacy – wat we bewaren en waarom\n"
        "/mijngegevens – alles wat we over je bewaren\n"
        "/vergeetmij – wis je gegevens\n"
        "/help – deze uitleg\n\n"
        f"Je bent bezig met {AFVAL}. Vraag 2 van 7 staat hierboven en wacht op je antwoord."
    )
    scale = await resident.ask("2")  # the questionnaire goes on
    assert scale.text.startswith("Vraag 3 van 7\n\nWat gaat er weleens mis")

    pick = await resident.ask("/vragenlijsten")
    assert (pick.text, pick.buttons) == (PICK, PICK_BUTTONS)
    await resident.press("Vies of stinkt", message=scale)  # still the question of now
    await resident.next_edit()
    assert await statuses(bot) == [("afvalinzameling", "active")]

    # Choosing another questionnaire pauses this one; choosing it again resumes it.
    await resident.press(GROEN, message=pick)
    await resident.next_messages(2)
    assert await statuses(bot) == [("afvalinzameling", "paused"), ("groen-in-de-wijk", "active")]
    pick = await resident.ask("/vragenlijsten")
    back, question = [await tap(resident, AFVAL, pick), await resident.next_message()]
    assert back.text == "Welkom terug! We gaan verder waar je was gebleven."
    assert progress(question) == (3, 7)
    assert question.buttons[3] == ["✅ 4. Vies of stinkt"]
    assert await statuses(bot) == [("afvalinzameling", "active"), ("groen-in-de-wijk", "paused")]


# --- time -------------------------------------------------------------------------------------


async def test_session_times_out(fake: FakeBotApi, bot: BotRunner) -> None:
    clock = Offset()
    services_of(bot).clock = clock
    resident = fake.user()
    await join(resident)
    first = await start_questionnaire(resident, AFVAL)
    choice = await tap(resident, "Zuid", first)

    clock.offset = timedelta(days=3, minutes=1)  # SESSION_TIMEOUT is 3 days
    expired, pick = [await resident.ask("1"), await resident.next_message()]
    assert expired.text == (
        "Je was een tijd weg, dus je vorige vragenlijst is afgesloten. Je antwoorden tot dan "
        "zijn bewaard. Kies een vragenlijst om opnieuw te beginnen."
    )
    assert (pick.text, pick.buttons) == (PICK, PICK_BUTTONS)
    assert await statuses(bot) == [("afvalinzameling", "expired")]
    assert await answers(bot, resident, "afvalinzameling") == {"wijk": "zuid"}
    # An old button does nothing either.
    query = await resident.press("Allebei", message=choice)
    assert (await resident.wait_callback_answered(query)).text == "Die knop werkt niet meer."
    pick = await resident.next_message()
    assert (pick.text, pick.buttons) == (PICK, PICK_BUTTONS)

    # storage.repo stamps sessions with the real time, not services.clock: the clock goes
    # back so that the new session is not idle at once.
    clock.offset = timedelta()
    await resident.press(AFVAL, message=pick)
    intro, question = await resident.next_messages(2)
    assert intro.text.startswith(AFVAL)
    assert progress(question) == (1, 7) and question.buttons == WIJK_BUTTONS
    nxt = await resident.ask("Zuid")
    assert progress(nxt) == (2, 7)
    assert await statuses(bot) == [("afvalinzameling", "expired"), ("afvalinzameling", "active")]


async def test_choosing_a_timed_out_questionnaire_starts_over(
    fake: FakeBotApi, bot: BotRunner
) -> None:
    clock = Offset()
    services_of(bot).clock = clock
    resident = fake.user()
    await join(resident)
    first = await start_questionnaire(resident, GROEN)
    await tap(resident, "Oost", first)
    await resident.ask("/stop")
    clock.offset = timedelta(days=4)
    pick = await resident.ask("/vragenlijsten")
    await resident.press(GROEN, message=pick)
    expired, intro, question = await resident.next_messages(3)
    clock.offset = timedelta()  # see test_session_times_out
    assert expired.text.startswith("Je was een tijd weg")
    assert intro.text.startswith(GROEN)
    assert progress(question) == (1, 8)
    assert await statuses(bot) == [("groen-in-de-wijk", "expired"), ("groen-in-de-wijk", "active")]


def _with_dates(tmp_path: Path, **dates: str) -> Path:
    """A copy of the shipped questionnaires, with opens_at/closes_at set per file."""
    folder = tmp_path / "questionnaires"
    folder.mkdir()
    for source in QUESTIONNAIRES.glob("*.yaml"):
        content = source.read_text(encoding="utf-8")
        extra = dates.get(source.stem.replace("-", "_"))
        if extra:
            content = content.replace("\nquestions:\n", f"\n{extra}\nquestions:\n", 1)
        (folder / source.name).write_text(content, encoding="utf-8")
    shutil.copytree(QUESTIONNAIRES / "images", folder / "images")  # image: of the wijkpeiling
    return folder


async def test_closed_questionnaire_is_not_offered(
    fake: FakeBotApi, database_url: str, tmp_path: Path
) -> None:
    folder = _with_dates(
        tmp_path,
        schoolroutes='closes_at: "2020-06-30T17:00:00+02:00"',
        groen_in_de_wijk='opens_at: "2999-01-01T09:00:00"',
    )
    runner = BotRunner(fake, database_url, questionnaires_dir=folder)
    await runner.start()
    try:
        resident = fake.user()
        welcome = await resident.ask("/start schoolroutes")
        await resident.press("Ja, ik doe mee", message=welcome)
        given, closed, pick = await resident.next_messages(3)
        assert given.text == GIVEN
        assert closed.text == "Deze vragenlijst is gesloten. Je kunt hem niet meer invullen."
        assert (pick.text, pick.buttons) == (PICK, [[AFVAL], [BURGER], [WIJK]])
        again = await resident.ask("/vragenlijsten")
        assert again.buttons == [[AFVAL], [BURGER], [WIJK]]
        query = await resident.press_data("p:schoolroutes", message_id=again.message_id)
        await resident.wait_callback_answered(query)
        closed, pick = await resident.next_messages(2)
        assert closed.text.startswith("Deze vragenlijst is gesloten.")
        assert pick.buttons == [[AFVAL], [BURGER], [WIJK]]
        assert await count(runner, "sessions") == 0
    finally:
        await runner.stop()
    await fake.settle()
    fake.assert_clean()


async def test_no_open_questionnaires(fake: FakeBotApi, database_url: str, tmp_path: Path) -> None:
    closed = 'closes_at: "2021-01-01"'
    folder = _with_dates(
        tmp_path,
        schoolroutes=closed,
        groen_in_de_wijk=closed,
        afvalinzameling=closed,
        burgerpeiling=closed,
        wijkpeiling=closed,
    )
    runner = BotRunner(fake, database_url, questionnaires_dir=folder)
    await runner.start()
    try:
        resident = fake.user()
        await join(resident)
        none = await resident.next_message()
        assert none.text == (
            "Er staan nu geen vragenlijsten open. Kijk later nog eens, of stuur /help."
        )
        assert none.buttons == []
    finally:
        await runner.stop()
    await fake.settle()
    fake.assert_clean()

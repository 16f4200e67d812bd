"""The channel contract: the same cases, word for word, at every door.

Each case is one resident's conversation written once against ``tests.support.doors``
and played at Telegram (a ``FakeUser`` through the fake Bot API) and at the web door (real
HTTP to ``/praat/<questionnaire>`` of the same running ``samenspraak serve``). A new door
gets an adapter there and its id in ``DOORS``.
"""

from __future__ import annotations

import io
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from docx import Document
from sqlalchemy import text

from analysis.digest import response_stats as compute_response_stats
from bot.admin.export import export_data
from bot.core.channel import WEB_PREFIX
from bot.resident.door import COMMANDS
from bot.staff import report_text as words
from bot.staff.render import _responses
from bot.staff.report_docx import write_docx
from bot.staff.reports import ReportService
from sandbox.clients import FakeUser
from sandbox.fakeapi import FakeBotApi
from storage.digest import response_stats
from tests.e2e.conftest import WebhookRunner, running_bot
from tests.e2e.outcome_helpers import ADMIN_ID
from tests.support.doors import Resident, TelegramResident, WebResident

AFVAL = "afvalinzameling"
WELCOME = "Hallo! Ik ben de vragenbot van Rivierstad."
CONSENT = [["Ja, ik doe mee", "Nee, liever niet"]]
JOINED = "Fijn dat je meedoet! Je kunt altijd stoppen met /stop."
REFUSED = "Helemaal goed. We bewaren niets over jou."
Q1 = "Vraag 1 van 7\n\nIn welke wijk woon je?"
Q2 = "Vraag 2 van 7\n\nWelke containers gebruik je voor je afval?"
Q3 = "Vraag 3 van 7\n\nWat gaat er weleens mis bij de ondergrondse container in je buurt?"
STOPPED = "Gestopt. Je antwoorden tot nu toe zijn bewaard."
RESUME = "Welkom terug! We gaan verder waar je was gebleven."
FORGET_DONE = "Klaar. We hebben je gegevens gewist en je toestemming is ingetrokken."
NOTHING_STORED = "We bewaren niets over jou."
DOORS = ["telegram", "web"]
ZONE = ZoneInfo("Europe/Amsterdam")

Case = Callable[[Resident], Awaitable[None]]


async def joined(resident: Resident) -> None:
    """Consent through the questionnaire's own link; at question 1."""
    welcome = await resident.open(AFVAL, n=1)
    assert welcome.last.text.startswith(WELCOME)
    if resident.channel == "web":  # no chat number on the web: one cookie
        assert "chatnummer" not in welcome.last.text and "één cookie" in welcome.last.text
    else:
        assert "Je chatnummer en de teksten die je zelf typt" in welcome.last.text
    assert welcome.last.buttons == CONSENT
    said = await resident.press("Ja, ik doe mee", n=3, edits=1)
    assert said.texts[0] == JOINED
    assert said.texts[1].startswith("Afval ophalen in Rivierstad")
    assert said.texts[2].startswith(Q1)
    assert "Noord" in said.last.labels()
    assert said.edits[0].buttons == []  # the consent buttons are gone


async def consent(resident: Resident) -> None:
    await joined(resident)


async def refusal(resident: Resident) -> None:
    await resident.open(AFVAL, n=1)
    said = await resident.press("Nee, liever niet", n=1, edits=1)
    assert REFUSED in said.last.text


async def answer(resident: Resident) -> None:
    await joined(resident)
    typed = await resident.say("Noord", n=1, edits=1)
    assert typed.last.text.startswith(Q2)
    assert typed.edits[0].text.endswith("✅ Je antwoord: Noord")
    pressed = await resident.press("2. Ondergrondse containers", n=1, edits=1)
    assert pressed.last.text.startswith(Q3)
    assert pressed.edits[0].text.endswith("✅ Je antwoord: Ondergrondse containers")
    wrong = await resident.say("geen idee", n=1)  # not an answer: said so, nothing moves
    assert "Kies" in wrong.last.text or "nummer" in wrong.last.text
    ticked = await resident.press("Hij is vaak vol", n=0, edits=1)  # more than one answer
    assert "✅ 1. Hij is vaak vol" in ticked.edits[0].labels()


async def huge_answer(resident: Resident) -> None:
    """10,000 characters at a choice question: the same friendly answer, nothing moves."""
    await joined(resident)
    said = await resident.say("2" * 10_000, n=1)
    assert said.last.text == "Die wijk of postcode ken ik niet. Kies je wijk met een knop."
    assert not said.last.buttons
    after = await resident.say("Noord", n=1, edits=1)
    assert after.last.text.startswith(Q2)


async def back(resident: Resident) -> None:
    await joined(resident)
    await resident.say("Noord", n=1, edits=1)
    said = await resident.press("« Vorige", n=1, edits=1)
    assert said.last.text.startswith(Q1)
    again = await resident.say("Zuid", n=1, edits=1)
    assert again.last.text.startswith(Q2)


async def skip(resident: Resident) -> None:
    await joined(resident)
    for typed in ["Oost", "2"]:
        await resident.say(typed, n=1, edits=1)
    await resident.press("Hij is vaak vol", n=0, edits=1)
    await resident.press("Klaar", n=1, edits=1)
    for typed in ["3 keer", "4", "1, 3"]:
        said = await resident.say(typed, n=1, edits=1)
    while "Sla over" not in said.last.labels():
        said = await resident.press(said.last.labels()[0], n=1, edits=1)
    done = await resident.press("Sla over", n=2, edits=1)
    assert done.edits[0].text.endswith("✅ Je antwoord: (overgeslagen)")
    assert done.texts[0].startswith("Klaar! Dank je wel voor je mening.")


async def stop_and_resume(resident: Resident) -> None:
    await joined(resident)
    await resident.say("Noord", n=1, edits=1)
    stopped = await resident.say("/stop", n=1)
    assert STOPPED in stopped.last.text
    resumed = await resident.say(f"/start {AFVAL}", n=2)
    assert resumed.texts[0] == RESUME
    assert resumed.texts[1].startswith(Q2)


async def language(resident: Resident) -> None:
    await joined(resident)
    pick = await resident.say("/taal", n=1)
    assert pick.last.buttons == [["Nederlands", "English"], ["العربية", "Türkçe"]]
    said = await resident.press("English", n=2, edits=1)
    assert said.texts[0] == "I will speak English with you now."
    assert said.texts[1].startswith("Question 1 of 7\n\nWhich neighbourhood do you live in?")


async def privacy(resident: Resident) -> None:
    await joined(resident)
    await resident.say("Noord", n=1, edits=1)
    about = await resident.say("/privacy", n=1)
    assert about.last.text.startswith("Privacy\nWat we bewaren: je antwoorden")
    # Each door says what it itself keeps, and offers only the commands it knows.
    helped = await resident.say("/help", n=1)
    offered = {word.split()[0] for word in helped.last.text.split("/")[1:]}
    if resident.channel == "web":
        assert "de ene cookie van deze pagina" in about.last.text
        assert "Je internetadres bewaren we niet" in about.last.text
        for telegram_only in ("Telegram", "chatnummer", "/instellingen"):
            assert telegram_only not in about.last.text
        assert offered <= COMMANDS, offered - COMMANDS
    else:
        assert "niet onder je Telegram-nummer" in about.last.text
        assert "bewaren we je chatnummer apart" in about.last.text
        assert "instellingen" in offered
    data = await resident.say("/mijngegevens", n=2)
    assert data.messages[0].document is not None
    assert data.messages[1].text.startswith("Dit bewaren we over jou")
    ask = await resident.say("/vergeetmij", n=1)
    assert ask.last.buttons == [["Ja, wis alles", "Nee, toch niet"]]
    gone = await resident.press("Ja, wis alles", n=0, edits=1)
    assert gone.edits[0].text.startswith(FORGET_DONE)
    nothing = await resident.say("/mijngegevens", n=1)
    assert nothing.last.text.startswith(NOTHING_STORED)


CASES: list[Case] = [
    consent,
    refusal,
    answer,
    huge_answer,
    back,
    skip,
    stop_and_resume,
    language,
    privacy,
]


OUTCOME_OFF = "▫️ Horen wat Rivierstad ermee doet"
OUTCOME_ON = "✅ Horen wat Rivierstad ermee doet"
OUTCOME = "De gemeente zet in 2027 meer <containers> & prullenbakken neer in Noord."
NEWS = "Nieuws over: Afval ophalen in Rivierstad"
# One administrator; outcomes go out at once.
TELLING = {"admin_user_ids": [ADMIN_ID], "jobs_interval": 0.5, "broadcast_rate": 200}


async def opted_in(resident: Resident) -> None:
    """Finishes the questionnaire and asks to hear what the municipality does with it."""
    await skip(resident)
    said = await resident.press(OUTCOME_OFF, n=0, edits=1)
    assert OUTCOME_ON in said.edits[0].labels()
    assert said.notice == "Aangezet. Je krijgt hierover een bericht."


async def publish_outcome(admin: FakeUser, *, web: bool) -> None:
    """/terugkoppeling afvalinzameling: "besluit genomen", a Dutch message, no English."""
    start = await admin.ask(f"/terugkoppeling {AFVAL}")
    await admin.press("besluit genomen", message=start)
    await admin.next_message()
    await admin.send(OUTCOME)
    english = await admin.next_message()
    await admin.press("Overslaan", message=english)
    *_, confirm = await admin.next_messages(2)
    if web:  # the administrator is told the web residents read it on their next visit
        assert confirm.text.startswith(
            "Op de website leest 1 inwoner het bij het volgende bezoek.\n\n"
            "Het bericht wordt bewaard."
        )
    [[go, _cancel]] = confirm.buttons
    await admin.wait_callback_answered(await admin.press(go, message=confirm))


@pytest.mark.parametrize("door", DOORS)
async def test_the_outcome_message_reaches_every_door(
    door: str, fake: FakeBotApi, sqlite_url: str
) -> None:
    """A resident finishes, opts in to hear the outcome, and hears it: in the chat on
    Telegram, on the next visit of the page on the web (once), and in /resultaten at both.
    A resident who did not opt in hears nothing."""
    admin = fake.user(ADMIN_ID, first_name="Beheerder")
    async with running_bot(fake, sqlite_url, webhook=True, **TELLING) as bot:
        assert isinstance(bot, WebhookRunner) and bot.services is not None
        async with resident_at(door, fake, bot) as resident, resident_at(door, fake, bot) as quiet:
            await opted_in(resident)
            await skip(quiet)
            await publish_outcome(admin, web=door == "web")
            if isinstance(resident, TelegramResident):
                news = await resident.user.next_message()
                assert news.text.startswith(NEWS)
                assert OUTCOME in news.text
            else:
                assert isinstance(resident, WebResident) and isinstance(quiet, WebResident)
                visit = await resident.open(AFVAL, n=-1)
                assert visit.last.text.startswith(NEWS)
                assert OUTCOME in visit.last.text
                assert "Alles teruglezen: /resultaten." in visit.last.text
                again = await resident.open(AFVAL, n=-1)  # shown once
                assert sum(NEWS in text for text in again.texts) == 1
                assert not any(NEWS in text for text in (await quiet.open(AFVAL, n=-1)).texts)
            results = await resident.say("/resultaten", n=1)
            assert "Status nu: besluit genomen" in results.last.text
            assert OUTCOME in results.last.text
            async with bot.services.engine.connect() as db:
                waiting = (
                    await db.execute(text("SELECT count(*) FROM waiting_outcomes"))
                ).scalar()
            assert waiting == 0  # shown, or (on Telegram) sent as a message instead


@pytest.mark.parametrize("door", DOORS)
async def test_forgetting_drops_an_outcome_not_yet_seen(
    door: str, fake: FakeBotApi, sqlite_url: str
) -> None:
    """/vergeetmij before the next visit: the waiting outcome is erased with the rest."""
    admin = fake.user(ADMIN_ID, first_name="Beheerder")
    async with running_bot(fake, sqlite_url, webhook=True, **TELLING) as bot:
        assert isinstance(bot, WebhookRunner) and bot.services is not None
        async with resident_at(door, fake, bot) as resident:
            await opted_in(resident)
            if isinstance(resident, WebResident):  # the outcome waits for the next visit
                await publish_outcome(admin, web=True)
                async with bot.services.engine.connect() as db:
                    query = text("SELECT count(*) FROM waiting_outcomes")
                    assert (await db.execute(query)).scalar() == 1
            await resident.say("/vergeetmij", n=1)
            gone = await resident.press("Ja, wis alles", n=0, edits=1)
            assert gone.edits[0].text.startswith(FORGET_DONE)
            async with bot.services.engine.connect() as db:
                for table in ("waiting_outcomes", "subscriptions", "residents"):
                    query = text(f"SELECT count(*) FROM {table}")
                    assert (await db.execute(query)).scalar() == 0, table
            if isinstance(resident, WebResident):
                visit = await resident.open(AFVAL, n=-1)
                assert not any(NEWS in said for said in visit.texts)


@asynccontextmanager
async def resident_at(door: str, fake: FakeBotApi, bot: WebhookRunner) -> AsyncIterator[Resident]:
    if door == "telegram":
        yield TelegramResident(fake.user())
        return
    web = WebResident(bot.base_url)
    try:
        yield web
    finally:
        await web.close()


@pytest.mark.parametrize("door", DOORS)
async def test_the_contract_holds_at_every_door(
    door: str, fake: FakeBotApi, sqlite_url: str
) -> None:
    async with running_bot(fake, sqlite_url, webhook=True) as bot:
        assert isinstance(bot, WebhookRunner)
        for case in CASES:
            async with resident_at(door, fake, bot) as resident:
                try:
                    await case(resident)
                except AssertionError as failed:
                    raise AssertionError(f"{case.__name__} at {door}: {failed}") from failed
        assert bot.services is not None
        async with bot.services.engine.connect() as db:
            pseudonyms = (await db.execute(text("SELECT pseudonym FROM residents"))).scalars()
            on_web = [p.startswith(WEB_PREFIX) for p in pseudonyms]
    # Web residents are known by a web pseudonym, Telegram ones by theirs.
    assert on_web and all(on_web) == (door == "web") and any(on_web) == (door == "web")


async def test_one_questionnaire_through_both_doors_counts_once_each(
    fake: FakeBotApi, sqlite_url: str
) -> None:
    """A resident at each door finishes the same questionnaire, and one more web resident
    stops half-way: the digest, the export and the report give the totals one door would
    give (each response once), and say how many came through which door."""
    async with running_bot(fake, sqlite_url, webhook=True) as bot:
        assert isinstance(bot, WebhookRunner) and bot.services is not None
        web, halfway = WebResident(bot.base_url), WebResident(bot.base_url)
        try:
            await skip(TelegramResident(fake.user()))
            await skip(web)
            await answer(halfway)
        finally:
            await web.close()
            await halfway.close()
        now = datetime.now(UTC)
        async with bot.services.sessions() as db:
            tally = await response_stats(db, AFVAL, now - timedelta(days=1), now)
        table = (await export_data(bot.services, AFVAL)).table(bot.services)
        report = await ReportService(bot.services).build(AFVAL)
        document = Document(io.BytesIO(write_docx(report, chart=None, zone=ZONE)))
    assert (tally.completed, tally.completed_on_web, tally.total) == (2, 1, 3)
    lines = _responses(compute_response_stats(tally), {})
    assert "Totaal: 2 van 3 afgerond (67%); via Telegram 1, via de website 1" in lines
    # Both gave the same answers within minutes: a signal in the digest, still counted.
    assert tally.possible_duplicates == 1
    assert any(line.startswith("Mogelijk dubbel: 1. ") for line in lines)
    # The export: a row per response, the door of each in its own column.
    rows = [dict(zip(table.ids, row, strict=True)) for row in table.rows]
    assert sorted((r["status"], r["channel"]) for r in rows) == [
        ("complete", "telegram"),
        ("complete", "web"),
        ("incomplete", "web"),
    ]
    assert len({r["response"] for r in rows}) == 3
    # The report's method section: the same totals, the same split.
    method = dict((key, value) for key, value in words.method_rows(report, ZONE, "nl"))
    assert method["Begonnen"] == "3"
    assert method["Afgerond"] == "2 (67%); via Telegram 1, via de website 1"
    assert method["Kanaal"] == "Telegram (chat), website (chatpagina)"
    english = dict((key, value) for key, value in words.method_rows(report, ZONE, "en"))
    assert english["Completed"] == "2 (67%); via Telegram 1, via the website 1"
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    assert "2 (67%); via Telegram 1, via de website 1" in cells

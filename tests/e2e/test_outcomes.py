"""Closing the loop end to end: opting in at the end of a questionnaire, /instellingen,
/terugkoppeling from the administrator to the residents who opted in (in their language),
/resultaten, and the effect check some weeks later on an injected clock.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest

from flows import engine
from sandbox.clients import FakeUser
from sandbox.fakeapi import FakeBotApi
from sandbox.models import BotMessage
from storage import repo
from tests.e2e.conftest import BotRunner, join
from tests.e2e.outcome_helpers import (
    ADMIN_ID,
    AFVAL,
    SCHOOL,
    final_report,
    latest_broadcast,
    received,
    report_text,
    resident_of,
    runner,
    seed,
    sql,
)
from tests.support.clocks import Offset

SCHOOL_TITLE = "Veilig naar school"
OUTCOMES_OFF = "▫️ Horen wat Rivierstad ermee doet"
OUTCOMES_ON = "✅ Horen wat Rivierstad ermee doet"
THEME_OFF = "▫️ Uitnodigingen over Verkeersveiligheid"
THEME_ON = "✅ Uitnodigingen over Verkeersveiligheid"
DUTCH = "De gemeente legt in 2027 drie nieuwe zebrapaden aan <bij scholen> & fietsstroken."
ENGLISH = "In 2027 the municipality builds three new zebra crossings near schools."
NEWS_NL = "Nieuws over: Veilig naar school"
NEWS_EN = "News about: Safe routes to school"
EFFECT = "Merk je iets van deze verandering?"


@pytest.fixture
async def admin(fake: FakeBotApi) -> FakeUser:
    return fake.user(ADMIN_ID, first_name="Beheerder")


@pytest.fixture
async def clock() -> Offset:
    return Offset()


@pytest.fixture
async def bot(
    fake: FakeBotApi, database_url: str, admin: FakeUser, clock: Offset
) -> AsyncIterator[BotRunner]:
    runner_ = runner(fake, database_url)
    runner_.clock = clock
    await runner_.start()
    try:
        yield runner_
    finally:
        await runner_.stop()
    await fake.settle()
    fake.assert_clean()


async def finish_schoolroutes(user: FakeUser) -> BotMessage:
    """/start, consent, the shortest way through Veilig naar school; the "finished" message."""
    await join(user)
    pick = await user.next_message()
    await user.press(SCHOOL_TITLE, message=pick)
    await user.next_messages(2)
    for typed in ["4116", "nee", "5", "2", "nee"]:
        await user.ask(typed)
    await user.send("8")
    done, more = await user.next_messages(2)
    assert more.text == "Wil je nog een vragenlijst invullen? Stuur /vragenlijsten."
    return done


async def subscriptions(bot: BotRunner, user: FakeUser) -> list[tuple[str, str]]:
    resident = await resident_of(bot, user)
    rows = await sql(
        bot,
        "SELECT kind, topic FROM subscriptions WHERE resident_id = :r ORDER BY kind, topic",
        r=resident,
    )
    return [(str(kind), str(topic)) for kind, topic in rows]


async def tap(user: FakeUser, label: str, message: BotMessage) -> str | None:
    """Press a button; the short notice the bot answers with."""
    query = await user.press(label, message=message)
    return (await user.wait_callback_answered(query)).text


async def forged(user: FakeUser, data: str, message: BotMessage | None = None) -> str | None:
    query = await user.press_data(data, message_id=message.message_id if message else None)
    return (await user.wait_callback_answered(query)).text


# --- opting in --------------------------------------------------------------------------------


async def test_opt_in_at_the_end_of_a_questionnaire(bot: BotRunner, fake: FakeBotApi) -> None:
    resident = fake.user()
    done = await finish_schoolroutes(resident)
    assert done.text.startswith("Klaar! Dank je wel voor je mening.")
    assert done.text.endswith(
        "Op de hoogte blijven?\n"
        "Tik aan wat je wilt. Je kunt het altijd veranderen met /instellingen."
    )
    assert done.buttons == [[OUTCOMES_OFF], [THEME_OFF]]

    assert await tap(resident, OUTCOMES_OFF, done) == "Aangezet. Je krijgt hierover een bericht."
    await resident.wait_for(lambda: done.buttons == [[OUTCOMES_ON], [THEME_OFF]])
    # A second tap on the old button (as if the edit had not arrived yet) changes nothing.
    assert await forged(resident, f"sub:e:{SCHOOL}:o:1", done) == (
        "Aangezet. Je krijgt hierover een bericht."
    )
    assert await tap(resident, THEME_OFF, done) == "Aangezet. Je krijgt hierover een bericht."
    await resident.wait_for(lambda: done.buttons == [[OUTCOMES_ON], [THEME_ON]])
    assert await subscriptions(bot, resident) == [
        ("invitations", "verkeersveiligheid"),
        ("outcomes", SCHOOL),
    ]
    assert await tap(resident, OUTCOMES_ON, done) == (
        "Uitgezet. Je krijgt hierover geen bericht meer."
    )
    await resident.wait_for(lambda: done.buttons == [[OUTCOMES_OFF], [THEME_ON]])
    assert await subscriptions(bot, resident) == [("invitations", "verkeersveiligheid")]
    await fake.settle()
    assert resident.unread() == []


async def test_instellingen_shows_and_changes_both(bot: BotRunner, fake: FakeBotApi) -> None:
    resident = fake.user()
    done = await finish_schoolroutes(resident)
    await tap(resident, OUTCOMES_OFF, done)
    settings = await resident.ask("/instellingen")
    assert settings.text.startswith("Je berichten\nTik op een regel om hem aan of uit te zetten.")
    assert settings.buttons == [
        ["✅ Uitkomsten: Veilig naar school"],
        ["▫️ Uitnodigingen: Afval en containers"],
        ["▫️ Uitnodigingen: Groen en buitenruimte"],
        ["▫️ Uitnodigingen: Verkeersveiligheid"],
        ["▫️ Uitnodigingen: Wonen en leven in Rivierstad"],
    ]
    await tap(resident, "Uitnodigingen: Groen en buitenruimte", settings)
    await resident.wait_for(
        lambda: settings.buttons[2] == ["✅ Uitnodigingen: Groen en buitenruimte"]
    )
    assert await tap(resident, "Uitkomsten: Veilig naar school", settings) == (
        "Uitgezet. Je krijgt hierover geen bericht meer."
    )
    await resident.wait_for(lambda: settings.buttons[0] == ["▫️ Uitkomsten: Veilig naar school"])
    assert await subscriptions(bot, resident) == [("invitations", "groen-en-buitenruimte")]
    # The same line pressed twice quickly: one change, no second edit.
    assert await forged(resident, "sub:s:o:schoolroutes:0", settings) == (
        "Uitgezet. Je krijgt hierover geen bericht meer."
    )
    await fake.settle()


async def test_forged_and_foreign_opt_in_buttons_do_nothing(
    bot: BotRunner, fake: FakeBotApi
) -> None:
    resident = fake.user()
    await finish_schoolroutes(resident)
    stale = "Die knop werkt niet meer."
    made_up = [
        f"sub:s:o:{AFVAL}:1",  # outcomes of a questionnaire they did not take part in
        f"sub:e:{AFVAL}:o:1",
        "sub:s:i:onbekend-thema:1",  # an unknown theme
        "sub:x",  # nonsense
        "sub:e:bestaat-niet:i:1",
        f"sub:e:{AFVAL}:i:1",  # not taken: not offered
        # Data no button of ours has: answered as every unknown button is.
        "sub:e:schoolroutes:o",
        "eff:x:ja",
        "inv:y:schoolroutes",
        "tk:q",
        "efs:1",
    ]
    for data in made_up:
        assert await forged(resident, data) == stale, data
    assert await subscriptions(bot, resident) == []
    # Someone else pressing this resident's button changes only their own settings: here
    # nothing, as they did not take part.
    other = fake.user()
    await join(other)
    await other.next_message()
    assert await forged(other, f"sub:e:{SCHOOL}:o:1") == stale
    assert await subscriptions(bot, other) == []
    # Without consent: a friendly pointer, nothing stored.
    stranger = fake.user()
    reply = await stranger.ask("/instellingen")
    assert reply.text == "Eerst even dit: doe je mee? Stuur /start."
    reply = await stranger.ask("/resultaten")
    assert reply.text == "Eerst even dit: doe je mee? Stuur /start."
    assert await forged(stranger, f"sub:e:{SCHOOL}:o:1", reply) == (
        "Eerst even dit: doe je mee? Stuur /start."
    )
    await fake.settle()


async def test_an_administrator_test_run_ends_without_opt_ins(
    bot: BotRunner, fake: FakeBotApi
) -> None:
    """A test run ("Zelf testen", a session marked as test) finishes without the opt-ins."""
    tester = fake.user()
    await join(tester)
    await tester.next_message()
    services = bot.services
    assert services is not None
    flow = services.catalog.current(SCHOOL)
    assert flow is not None
    async with services.sessions.begin() as db:
        resident = await resident_of(bot, tester)
        await repo.start_session(
            db, resident, SCHOOL, flow.questionnaire.version, engine.start(flow), is_test=True
        )
    for typed in ["4116", "nee", "5", "2", "nee"]:
        await tester.ask(typed)
    await tester.send("8")
    done, _ = await tester.next_messages(2)
    assert done.text.startswith("Klaar! Dank je wel voor je mening.")
    assert "Op de hoogte blijven?" not in done.text
    assert done.buttons == []


# --- /terugkoppeling --------------------------------------------------------------------------


async def participants(bot: BotRunner, fake: FakeBotApi) -> dict[str, list[FakeUser]]:
    """Who took part in Veilig naar school and who wants to hear about it."""
    return {
        "dutch": await seed(bot, fake, 3, took_part=[SCHOOL], outcomes=[SCHOOL]),
        "english": await seed(bot, fake, 2, language="en", took_part=[SCHOOL], outcomes=[SCHOOL]),
        "silent": await seed(bot, fake, 2, took_part=[SCHOOL]),  # did not opt in
        "forged": await seed(bot, fake, 1, outcomes=[SCHOOL]),  # opted in, never took part
        "other": await seed(bot, fake, 1, took_part=[AFVAL], outcomes=[AFVAL]),
    }


async def write_outcome(
    admin: FakeUser,
    status: str,
    dutch: str = DUTCH,
    english: str | None = ENGLISH,
    *,
    now: str = "ontvangen",
) -> BotMessage:
    """Walk /terugkoppeling schoolroutes up to the confirmation; returns that message."""
    start = await admin.ask(f"/terugkoppeling {SCHOOL}")
    assert start.text == (
        f"Terugkoppeling: Veilig naar school\nStatus nu: {now}\n\n"
        "Stap 1 van 3: kies de nieuwe status."
    )
    labels = ["ontvangen", "in behandeling", "besluit genomen", "uitgevoerd"]
    assert start.buttons == [
        *[[("✅ " if label == now else "") + label] for label in labels],
        ["Annuleren"],
    ]
    await admin.press(status, message=start)
    prompt = await admin.next_message()
    assert prompt.text.startswith("Stap 2 van 3: schrijf het bericht voor de inwoners")
    assert start.text == f"Terugkoppeling: Veilig naar school\nNieuwe status: {status}"
    await admin.send(dutch)
    english_prompt = await admin.next_message()
    assert english_prompt.text.startswith("Stap 3 van 3: wil je er ook een Engelse vertaling")
    if english is None:
        await admin.press("Overslaan", message=english_prompt)
    else:
        await admin.send(english)
    count = 2 if english is None else 3
    messages = await admin.next_messages(count)
    assert messages[0].text.startswith("Voorbeeld: zo krijgt een inwoner het bericht.")
    return messages[-1]


async def test_terugkoppeling_reaches_participants_who_opted_in_in_their_language(
    bot: BotRunner, fake: FakeBotApi, admin: FakeUser
) -> None:
    people = await participants(bot, fake)
    listing = await admin.ask("/terugkoppeling")
    assert "• schoolroutes: Veilig naar school (ontvangen)" in listing.text
    unknown = await admin.ask("/terugkoppeling bestaat-niet")
    assert unknown.text == (
        "De vragenlijst bestaat-niet ken ik niet. Stuur /terugkoppeling voor de lijst."
    )

    start = await admin.ask(f"/terugkoppeling {SCHOOL}")
    await admin.press("besluit genomen", message=start)
    await admin.next_message()
    short = await admin.ask("ok")
    assert short.text == "Dat is wel erg kort. Schrijf een zin of twee."
    long = await admin.ask("x" * 3001)
    assert long.text == "Dat zijn 3.001 tekens; het mag hoogstens 3.000 zijn. Maak het korter."
    await admin.send(DUTCH)
    await admin.next_message()
    await admin.send(ENGLISH)
    preview, preview_en, confirm = await admin.next_messages(3)
    assert f"{NEWS_NL}\nStatus: besluit genomen\n\n{DUTCH}\n\n" in preview.text
    assert f"{NEWS_EN}\nStatus: decision taken\n\n{ENGLISH}" in preview_en.text
    assert confirm.text == (
        "Dit bericht gaat naar 5 inwoners die meededen en op de hoogte willen blijven "
        "(2 van hen in het Engels). De status wordt: besluit genomen. Versturen?\n\n"
        "Duur en kosten (5 berichten)\n"
        "Gewoon: ongeveer 1 seconde, gratis.\n"
        "Betaald: ongeveer 1 seconde, 0,5 Telegram Stars (0,1 per bericht).\n"
        "Deze bot verstuurt gewoon (instelling PAID_BROADCASTS)."
    )
    assert confirm.buttons == [["Versturen", "Annuleren"]]
    await admin.press("Versturen", message=confirm)
    report = await final_report(admin, confirm)
    assert report == report_text("Terugkoppeling: Veilig naar school", 5, sent=5)
    for user in people["dutch"]:
        (message,) = received(user, NEWS_NL)
        assert message.text.startswith(f"{NEWS_NL}\nStatus: besluit genomen\n\n{DUTCH}")
        assert message.html is not None and "&lt;bij scholen&gt; &amp;" in message.html
    for user in people["english"]:
        (message,) = received(user, NEWS_EN)
        assert message.text.startswith(f"{NEWS_EN}\nStatus: decision taken\n\n{ENGLISH}")
    for user in people["silent"] + people["forged"] + people["other"]:
        assert user.messages == []
    assert await sql(bot, "SELECT outcome_status FROM questionnaires WHERE id = :q", q=SCHOOL) == [
        ("besluit",)
    ]
    assert await sql(bot, "SELECT status, message_nl, message_en FROM outcomes") == [
        ("besluit", DUTCH, ENGLISH)
    ]
    audit = await sql(bot, "SELECT action, actor, target FROM audit_log WHERE allowed")
    assert ("outcome.published", ADMIN_ID, SCHOOL) in audit
    # A second tap on "Versturen" sends nothing more.
    assert await forged(admin, "tk:y", confirm) == (
        "Dit gesprek is verlopen. Begin opnieuw met /terugkoppeling."
    )
    await fake.settle()
    assert (await latest_broadcast(bot)).total == 5


async def test_terugkoppeling_without_translation_and_cancelled(
    bot: BotRunner, fake: FakeBotApi, admin: FakeUser
) -> None:
    people = await participants(bot, fake)
    confirm = await write_outcome(admin, "in behandeling", english=None)
    assert "(0 van hen in het Engels)" in confirm.text
    await admin.press("Annuleren", message=confirm)
    assert (await admin.next_message()).text == "Geannuleerd. Er is niets opgeslagen of verstuurd."
    assert await sql(bot, "SELECT count(*) FROM outcomes") == [(0,)]

    confirm = await write_outcome(admin, "in behandeling", english=None)
    await admin.press("Versturen", message=confirm)
    await final_report(admin, confirm)
    # Without a translation English speakers get the Dutch text.
    for user in people["dutch"] + people["english"]:
        (message,) = received(user, NEWS_NL)
        assert "Status: in behandeling" in message.text


async def test_terugkoppeling_reaches_arabic_and_turkish_speakers_in_their_language(
    bot: BotRunner, fake: FakeBotApi, admin: FakeUser
) -> None:
    """The bot's words in their language, the municipality's message as it wrote it."""
    arabic = await seed(bot, fake, 1, language="ar", took_part=[SCHOOL], outcomes=[SCHOOL])
    turkish = await seed(bot, fake, 1, language="tr", took_part=[SCHOOL], outcomes=[SCHOOL])
    confirm = await write_outcome(admin, "besluit genomen")
    await admin.press("Versturen", message=confirm)
    await final_report(admin, confirm)
    (message,) = received(arabic[0], "أخبار عن: Veilig naar school")
    assert message.text.startswith(
        f"أخبار عن: Veilig naar school\nالحالة: اتُّخذ قرار\n\n{DUTCH}\n\n"
    )
    assert message.html is not None and "&lt;bij scholen&gt; &amp;" in message.html
    (message,) = received(turkish[0], "Haber: Veilig naar school")
    assert message.text.startswith(f"Haber: Veilig naar school\nDurum: karar verildi\n\n{DUTCH}")


async def test_terugkoppeling_with_nobody_to_tell_is_stored(
    bot: BotRunner, fake: FakeBotApi, admin: FakeUser
) -> None:
    await seed(bot, fake, 2, took_part=[SCHOOL])  # nobody opted in
    confirm = await write_outcome(admin, "besluit genomen", english=None)
    assert confirm.text.startswith("Nog niemand die meedeed wil op de hoogte blijven.")
    assert confirm.buttons == [["Opslaan", "Annuleren"]]
    await admin.press("Opslaan", message=confirm)
    await admin.wait_for(
        lambda: confirm.text.endswith("Opgeslagen. De status is nu: besluit genomen.")
    )
    assert await sql(bot, "SELECT count(*) FROM outcomes") == [(1,)]
    assert await sql(bot, "SELECT total, status FROM broadcasts") == [(0, "done")]


async def test_residents_cannot_use_terugkoppeling(
    bot: BotRunner, fake: FakeBotApi, admin: FakeUser
) -> None:
    resident = fake.user()
    await join(resident)
    await resident.next_message()
    reply = await resident.ask(f"/terugkoppeling {SCHOOL}")
    assert reply.text == "Dat commando ken ik niet. Stuur /help voor uitleg."
    for data in ("tk:s:schoolroutes:3", "tk:y", "efs:1:4"):
        assert await forged(resident, data) == "Die knop werkt niet meer."
    await fake.settle()
    refused = await sql(bot, "SELECT action FROM audit_log WHERE NOT allowed ORDER BY id")
    assert refused == [("outcome",), ("outcome",), ("outcome",), ("effect_check",)]
    assert await sql(bot, "SELECT count(*) FROM outcomes") == [(0,)]


# --- /resultaten ------------------------------------------------------------------------------


async def test_resultaten_shows_the_history(
    bot: BotRunner, fake: FakeBotApi, admin: FakeUser, clock: Offset
) -> None:
    people = await participants(bot, fake)
    nothing = fake.user()
    await join(nothing)
    await nothing.next_message()
    assert (await nothing.ask("/resultaten")).text.startswith(
        "Je hebt nog geen vragenlijst ingevuld."
    )
    first = await people["dutch"][0].ask("/resultaten")
    assert first.text == (
        "Wat er met je mening is gedaan\n\nVeilig naar school\nStatus nu: ontvangen\n\n"
        "Nog geen nieuws."
    )
    confirm = await write_outcome(admin, "in behandeling", dutch="We kijken naar alle plekken.")
    await admin.press("Versturen", message=confirm)
    await final_report(admin, confirm)
    clock.offset += timedelta(days=40)
    confirm = await write_outcome(admin, "besluit genomen", now="in behandeling")
    await admin.press("Versturen", message=confirm)
    await final_report(admin, confirm)

    for user in people["dutch"] + people["english"]:
        user.drain()  # the news itself
    history = await people["dutch"][0].ask("/resultaten")
    lines = history.text.split("\n\n")
    assert lines[:2] == [
        "Wat er met je mening is gedaan",
        "Veilig naar school\nStatus nu: besluit genomen",
    ]
    assert lines[2].endswith("· besluit genomen\n" + DUTCH)
    assert lines[3].endswith("· in behandeling\nWe kijken naar alle plekken.")
    english = await people["english"][0].ask("/resultaten")
    assert english.text.startswith("What was done with your opinion\n\nSafe routes to school")
    assert ENGLISH in english.text
    # Someone who took part without opting in still reads it here, with a hint.
    silent = await people["silent"][0].ask("/resultaten")
    assert DUTCH in silent.text
    assert silent.text.endswith(
        "Een bericht krijgen als er nieuws is? Zet het aan met /instellingen."
    )


# --- effect checks ----------------------------------------------------------------------------


async def test_effect_check_is_scheduled_sent_answered_and_changeable(
    bot: BotRunner, fake: FakeBotApi, admin: FakeUser, clock: Offset
) -> None:
    people = await participants(bot, fake)
    confirm = await write_outcome(admin, "uitgevoerd")
    await admin.press("Versturen", message=confirm)
    offer = await admin.next_message()
    assert offer.text.startswith("De status is nu uitgevoerd.")
    assert offer.buttons == [["Over 4 weken", "Over 8 weken", "Over 12 weken"], ["Niet"]]
    await final_report(admin, confirm)
    await admin.press("Over 8 weken", message=offer)
    await admin.wait_for(lambda: offer.text.startswith("Ingepland: op "))
    assert offer.buttons == []
    assert await forged(admin, "efs:1:4", offer) == "Die knop werkt niet meer."
    assert await sql(bot, "SELECT count(*) FROM effect_checks") == [(1,)]

    # Not yet: seven weeks later nothing has gone out.
    clock.offset += timedelta(weeks=7)
    await asyncio.sleep(1.5)  # three runs of the job (every 0.5 s)
    await fake.settle()
    assert all(received(u, "Veilig naar school\nEen tijd") == [] for u in people["dutch"])

    clock.offset += timedelta(weeks=1, hours=1)
    progress = await admin.next_message(timeout=10)
    assert progress.text.startswith("Effectmeting: Veilig naar school\n")
    await final_report(admin, progress)
    assert "Verstuurd: 5\n" in progress.text
    first = people["dutch"][0]
    (check,) = received(first, "Veilig naar school\nEen tijd geleden vertelde Rivierstad je dit:")
    assert check.text.endswith(EFFECT)
    assert DUTCH in check.text
    assert check.buttons == [["Ja", "Een beetje"], ["Nee", "Weet ik niet"]]
    (english,) = received(people["english"][0], "Safe routes to school")
    assert english.buttons == [["Yes", "A little"], ["No", "I don't know"]]
    for user in people["silent"] + people["forged"] + people["other"]:
        assert user.messages == []

    thanks = "Dank je! Je antwoord is opgeslagen. Je kunt het nog veranderen."
    assert await tap(first, "Een beetje", check) == thanks
    await first.wait_for(lambda: check.buttons[0] == ["Ja", "✅ Een beetje"])
    assert await tap(first, "Nee", check) == thanks
    await first.wait_for(lambda: check.buttons[1] == ["✅ Nee", "Weet ik niet"])
    check_id = (await sql(bot, "SELECT id FROM effect_checks"))[0][0]
    assert await forged(first, f"eff:{check_id}:nee", check) == "Dat antwoord had je al gegeven."
    assert await tap(people["english"][0], "Yes", english) == (
        "Thank you! Your answer is saved. You can still change it."
    )
    # Someone who did not receive it, and nonsense, change nothing.
    outsider = people["silent"][0]
    await outsider.ask("/resultaten")
    assert await forged(outsider, f"eff:{check_id}:ja") == "Die knop werkt niet meer."
    assert await forged(first, f"eff:{check_id}:misschien", check) == "Die knop werkt niet meer."
    assert await forged(first, "eff:999:ja", check) == "Die knop werkt niet meer."
    answers = await sql(bot, "SELECT value FROM effect_answers ORDER BY value")
    assert answers == [("ja",), ("nee",)]
    await fake.settle()


async def test_no_effect_check(bot: BotRunner, fake: FakeBotApi, admin: FakeUser) -> None:
    await participants(bot, fake)
    confirm = await write_outcome(admin, "uitgevoerd", english=None)
    await admin.press("Versturen", message=confirm)
    offer = await admin.next_message()
    await admin.press("Niet", message=offer)
    await admin.wait_for(lambda: offer.text == "Geen effectmeting ingepland.")
    assert await sql(bot, "SELECT count(*) FROM effect_checks") == [(0,)]
    await final_report(admin, confirm)


async def test_a_terugkoppeling_in_progress_survives_a_restart(
    bot: BotRunner, fake: FakeBotApi, admin: FakeUser
) -> None:
    """The steps are kept in the audit log, not in one worker's memory."""
    people = await participants(bot, fake)
    start = await admin.ask(f"/terugkoppeling {SCHOOL}")
    await admin.press("besluit genomen", message=start)
    await admin.next_message()
    await admin.send(DUTCH)
    await admin.next_message()  # step 3: the English text
    await bot.restart()
    await admin.send(ENGLISH)
    _, _, confirm = await admin.next_messages(3)
    await admin.press("Versturen", message=confirm)
    await final_report(admin, confirm)
    for user in people["english"]:
        assert len(received(user, NEWS_EN)) == 1
    steps = await sql(bot, "SELECT action FROM audit_log WHERE actor = :a ORDER BY id", a=ADMIN_ID)
    assert [s for (s,) in steps] == [
        "outcome.start",
        "outcome.status",
        "outcome.text_nl",
        "outcome.text_en",
        "outcome.published",
    ]
    # A text after that is an ordinary message again (here: the admin has no questionnaire).
    reply = await admin.ask("Nog een bericht")
    assert not reply.text.startswith("Stap")

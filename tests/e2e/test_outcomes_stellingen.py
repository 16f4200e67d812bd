"""Closing the loop for a deliberation, end to end through the fake Bot API: a participant
who voted on every statement opts in to hear what the municipality does with it (also in
/instellingen), /terugkoppeling sends the outcome to the participants who opted in and no
one else, an effect check follows "uitgevoerd" and is answered, its answers show in the
deliberation's part of the digest, and /resultaten shows the history. Once its results page
is published (/publiceer), the outcome message links to it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import pytest

from sandbox.clients import FakeGroup, FakeUser
from sandbox.fakeapi import FakeBotApi
from storage import deliberations as talks
from tests.e2e.conftest import BotRunner, join
from tests.e2e.outcome_helpers import (
    ADMIN_ID,
    final_report,
    received,
    runner,
    services_of,
    sql,
)
from tests.e2e.test_stellingen import AGREE, DISAGREE, STATEMENT, TALK, TITLE, tap
from tests.support.clocks import Offset

OPTIN_OFF = "▫️ Horen wat Rivierstad ermee doet"
OPTIN_ON = "✅ Horen wat Rivierstad ermee doet"
NEWS = f"Nieuws over: {TITLE}"
SITE = "https://inspraak.rivierstad.example"
DONE = "Het centrum blijft voorlopig open voor auto's; de raad kiest eerst een proefzomer."


@pytest.fixture
async def loop_bot(
    fake: FakeBotApi, sqlite_url: str
) -> AsyncIterator[tuple[BotRunner, Offset, FakeGroup]]:
    fake.user(ADMIN_ID, first_name="Beheerder")
    clock = Offset()
    group = fake.group(title="Team participatie")
    bot = runner(fake, sqlite_url, digest_chat_id=group.id, digest_schedule="off", public_url=SITE)
    bot.clock = clock
    await bot.start()
    try:
        yield bot, clock, group
    finally:
        await bot.stop()
    await fake.settle()
    fake.assert_clean()


async def vote_everything(user: FakeUser) -> tuple[object, object]:
    """Through the deep link, a vote on every statement: the last two messages (all
    voted, and the opt-in)."""
    await join(user, then=TALK)
    await user.next_message()  # the intro
    current = await user.next_message()
    label = AGREE
    while current.text.startswith(STATEMENT):
        _, current = await tap(user, label, current)
        label = DISAGREE if label == AGREE else AGREE
    optin = await user.next_message()
    return current, optin


async def test_the_loop_closes_for_a_deliberation(
    loop_bot: tuple[BotRunner, Offset, FakeGroup], fake: FakeBotApi
) -> None:
    bot, clock, group = loop_bot
    anna, bram = fake.user(first_name="Anna"), fake.user(first_name="Bram")
    done, optin = await vote_everything(anna)
    assert done.text.startswith("Je hebt op alle stellingen gestemd."), done.text
    assert optin.text == (
        "Wil je horen wat Rivierstad met de uitkomsten doet? Tik dan hieronder. Je kunt het "
        "altijd veranderen met /instellingen."
    )
    assert optin.buttons == [[OPTIN_OFF]]
    query = await anna.press(OPTIN_OFF, message=optin)
    assert (await anna.wait_callback_answered(query)).text.startswith("Aangezet.")
    await anna.wait_for(lambda: optin.buttons == [[OPTIN_ON]])
    settings = await anna.ask("/instellingen")
    assert settings.buttons[0] == [f"✅ Uitkomsten: {TITLE}"], settings.buttons
    _, bram_optin = await vote_everything(bram)  # takes part, does not opt in
    assert bram_optin.buttons == [[OPTIN_OFF]]
    stranger = fake.user(first_name="Cas")
    await join(stranger)  # never joined the deliberation
    # A forged opt-in of someone who never took part, or for invitations on a deliberation
    # (it has no theme), changes nothing.
    for data, who in ((f"sub:e:{TALK}:o:1", stranger), (f"sub:e:{TALK}:i:1", anna)):
        query = await who.press_data(data)
        assert (await who.wait_callback_answered(query)).text == "Die knop werkt niet meer."
    assert await sql(bot, "SELECT topic FROM subscriptions ORDER BY id") == [(TALK,)]

    admin = fake.user(ADMIN_ID)
    # Its results page is public: the outcome message links to it.
    published = await admin.ask(f"/publiceer {TALK}")
    assert f"staat nu online: {SITE}/resultaten/{TALK}\n" in published.text, published.text
    listing = await admin.ask("/terugkoppeling")
    assert f"• {TALK}: {TITLE} (ontvangen)" in listing.text, listing.text
    start = await admin.ask(f"/terugkoppeling {TALK}")
    assert start.text.startswith(f"Terugkoppeling: {TITLE}\nStatus nu: ontvangen")
    await admin.press("uitgevoerd", message=start)
    await admin.next_message()
    await admin.send(DONE)
    english = await admin.next_message()
    await admin.press("Overslaan", message=english)
    _, confirm = await admin.next_messages(2)
    assert confirm.text.startswith("Dit bericht gaat naar 1 inwoner die meedeed"), confirm.text
    await admin.press("Versturen", message=confirm)
    offer = await admin.next_message()
    assert offer.text.startswith("De status is nu uitgevoerd.")
    await final_report(admin, confirm)
    (news,) = received(anna, NEWS)
    assert news.text.startswith(f"{NEWS}\nStatus: uitgevoerd\n\n{DONE}")
    assert f"Alle uitkomsten op een rij: {SITE}/resultaten/{TALK}\n" in news.text, news.text
    assert received(bram, NEWS) == [] and received(stranger, NEWS) == []
    assert await sql(bot, "SELECT outcome_status FROM deliberations WHERE id = :d", d=TALK) == [
        ("uitgevoerd",)
    ]
    anna.drain()
    history = await anna.ask("/resultaten")
    assert f"{TITLE}\nStatus nu: uitgevoerd" in history.text, history.text

    # The effect check: in four weeks, to Anna only; her answer shows in the digest.
    await admin.press("Over 4 weken", message=offer)
    await admin.wait_for(lambda: offer.text.startswith("Ingepland: op "))
    clock.offset += timedelta(weeks=4, hours=1)
    progress = await admin.next_message(timeout=10)
    assert progress.text.startswith(f"Effectmeting: {TITLE}\n"), progress.text
    await final_report(admin, progress)
    (check,) = received(anna, f"{TITLE}\nEen tijd geleden vertelde Rivierstad je dit:")
    assert DONE in check.text and check.text.endswith("Merk je iets van deze verandering?")
    assert received(bram, f"{TITLE}\nEen tijd") == []
    query = await anna.press("Ja", message=check)
    assert (await anna.wait_callback_answered(query)).text.startswith("Dank je!")
    assert await sql(bot, "SELECT value FROM effect_answers") == [("ja",)]
    group.drain()
    await group.member().send(f"/digest {TALK}")
    digest = await group.next_message(timeout=30)
    assert digest.text.startswith(f"Gesprek met stellingen: {TITLE}"), digest.text
    assert "Effectmeting: Merk je iets van deze verandering?\n1 antwoord, 1 nieuw" in digest.text
    # Closed, it is still in the digest of a period in which its effect check was answered.
    services = services_of(bot)
    async with services.sessions.begin() as db:
        assert await talks.set_status(db, TALK, "closed", now=services.clock())
    group.drain()
    await group.member().send("/digest")
    digest = await group.next_message(timeout=30)
    assert digest.text.startswith(f"Gesprek met stellingen: {TITLE}"), digest.text
    assert "Effectmeting" in digest.text

"""Broadcasts end to end through the fake Bot API: invitations to a theme's subscribers, the
durable outbox under flood limits (429), blocked residents (403), a restart in the middle,
rows left behind by a worker that died, the administrator's progress message, and residents
answering a questionnaire while a large broadcast goes out.

Every resident's chat is checked afterwards: exactly one copy for everyone who should get
one, none for anyone else.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import timedelta

import pytest
from sqlalchemy import text, update

from bot.outcomes.invitations import offer_invitation
from sandbox.clients import FakeUser
from sandbox.fakeapi import FakeBotApi
from sandbox.models import BotMessage
from storage import outbox
from storage.models import OutboxMessage
from tests.e2e.conftest import BotRunner, join
from tests.e2e.outcome_helpers import (
    ADMIN_ID,
    AFVAL,
    AFVAL_THEME,
    SCHOOL,
    SCHOOL_THEME,
    final_report,
    latest_broadcast,
    outbox_counts,
    received,
    report_text,
    resident_of,
    runner,
    seed,
    services_of,
    sql,
    until,
)

#: What the database does under it is this test's subject: it runs on both.
pytestmark = pytest.mark.both_databases

INVITATION = "Nieuwe vragenlijst: Afval ophalen in Rivierstad"


@pytest.fixture
async def admin(fake: FakeBotApi) -> FakeUser:
    return fake.user(ADMIN_ID, first_name="Beheerder")


Start = Callable[..., Awaitable[BotRunner]]


@pytest.fixture
async def start(fake: FakeBotApi, database_url: str) -> AsyncIterator[Start]:
    """Starts a bot with these settings (see ``runner``); every bot a test started is
    stopped at the end, and then the fake must be clean."""
    bots: list[BotRunner] = []

    async def start_(**overrides: object) -> BotRunner:
        bot = runner(fake, database_url, **overrides)
        bots.append(bot)
        await bot.start()
        return bot

    yield start_
    for bot in bots:
        await bot.stop()
    await fake.settle()
    fake.assert_clean()


async def invite(admin: FakeUser, questionnaire: str = AFVAL) -> BotMessage:
    """/uitnodigen, then "Uitnodigen": returns the message that shows the progress."""
    offer = await admin.ask(f"/uitnodigen {questionnaire}")
    assert offer.text.startswith("Uitnodigen?"), offer.text
    await admin.press("Uitnodigen", message=offer)
    await admin.wait_for(lambda: "verstuurd" in offer.text or "Klaar" in offer.text)
    return offer


def copies(users: list[FakeUser], start: str = INVITATION) -> list[int]:
    return [len(received(user, start)) for user in users]


# --- invitations ------------------------------------------------------------------------------


async def test_invitation_reaches_every_subscriber_once_and_opens_the_questionnaire(
    fake: FakeBotApi, admin: FakeUser, start: Start
) -> None:
    bot = await start()
    subscribers = await seed(bot, fake, 12, invitations=[AFVAL_THEME])
    english = await seed(bot, fake, 3, language="en", invitations=[AFVAL_THEME])
    others = await seed(bot, fake, 4, invitations=[SCHOOL_THEME])
    done_already = await seed(bot, fake, 2, invitations=[AFVAL_THEME], took_part=[AFVAL])
    blocked = subscribers[:2]
    for user in blocked:
        fake.block(user.id)

    offer = await admin.ask(f"/uitnodigen {AFVAL}")
    # The count: subscribers of the theme who can be reached and did not take part yet.
    assert offer.text.startswith("Uitnodigen?\n15 inwoners willen uitnodigingen over")
    assert offer.buttons == [["Uitnodigen (15)", "Niet nu"]]
    await admin.press("Uitnodigen (15)", message=offer)
    report = await final_report(admin, offer)
    assert report == report_text(
        "Uitnodiging: Afval ophalen in Rivierstad", 15, sent=13, unreachable=2
    )
    assert offer.buttons == []

    reached = [u for u in subscribers if u not in blocked]
    assert copies(reached) == [1] * len(reached)
    assert copies(english, "New questionnaire: Waste collection in Rivierstad") == [1, 1, 1]
    assert copies(others + done_already + blocked) == [0] * 8
    message = received(reached[0], INVITATION)[0]
    assert message.buttons == [["Doe mee"]]
    assert "Uitzetten: /instellingen." in message.text

    # Blocked residents are marked unreachable; the rest is sent.
    broadcast = await latest_broadcast(bot)
    assert await outbox_counts(bot, broadcast.id) == {"sent": 13, "unreachable": 2}
    unreachable = await sql(bot, "SELECT count(*) FROM contacts WHERE unreachable_at IS NOT NULL")
    assert unreachable == [(2,)]
    audit = await sql(bot, "SELECT action, actor, target FROM audit_log WHERE allowed")
    assert ("invite.sent", ADMIN_ID, AFVAL) in audit

    # The button opens the questionnaire, as the list does.
    reached[0].drain()
    await reached[0].press("Doe mee", message=message)
    intro, question = await reached[0].next_messages(2, timeout=10)
    assert intro.text.startswith("Afval ophalen in Rivierstad")
    assert "Vraag 1 van" in question.text

    # The same version is not sent twice, even from a forged button.
    query = await admin.press_data(f"inv:y:{AFVAL}:1", message_id=offer.message_id)
    answer = await admin.wait_callback_answered(query)
    assert answer.text == "Die knop werkt niet meer."
    again = await admin.ask(f"/uitnodigen {AFVAL}")
    await admin.press("Uitnodigen", message=again)
    await until(lambda: fake.unanswered_callback_queries() == [])
    assert again.text.startswith("Uitnodigen?")  # left as it was
    assert copies(reached) == [1] * len(reached)


async def test_invitation_offer_not_now_and_nobody_to_invite(
    fake: FakeBotApi, admin: FakeUser, start: Start
) -> None:
    bot = await start()
    subscribers = await seed(bot, fake, 3, invitations=[AFVAL_THEME])

    # offer_invitation is what the admin handlers call right after publishing.
    services = services_of(bot)
    from telegram import Bot

    api = services.settings.telegram_api_url
    async with Bot(services.settings.token, base_url=f"{api}/bot") as plain:
        await offer_invitation(plain, services, admin.id, AFVAL)
        await offer_invitation(plain, services, admin.id, "groen-in-de-wijk")
    offer, nobody = await admin.next_messages(2)
    assert offer.text.startswith("Uitnodigen?\n3 inwoners")
    assert nobody.text.startswith("Nog niemand wil uitnodigingen over Groen en buitenruimte")
    assert nobody.buttons == []
    await admin.press("Niet nu", message=offer)
    await admin.wait_for(lambda: offer.text.startswith("Geen uitnodiging verstuurd"))
    assert (
        offer.text == "Geen uitnodiging verstuurd. Later alsnog? Stuur /uitnodigen afvalinzameling"
    )
    # A second tap on the same message changes nothing (and edits nothing).
    query = await admin.press_data(f"inv:n:{AFVAL}", message_id=offer.message_id)
    await admin.wait_callback_answered(query)
    await fake.settle()
    assert copies(subscribers) == [0, 0, 0]
    assert await sql(bot, "SELECT count(*) FROM broadcasts") == [(0,)]


async def test_residents_and_forged_buttons_cannot_invite(
    fake: FakeBotApi, admin: FakeUser, start: Start
) -> None:
    bot = await start()
    await seed(bot, fake, 3, invitations=[AFVAL_THEME])
    resident = fake.user()
    await join(resident)
    await resident.next_message()  # the list of questionnaires
    reply = await resident.ask(f"/uitnodigen {AFVAL}")
    assert reply.text == "Dat commando ken ik niet. Stuur /help voor uitleg."
    query = await resident.press_data(f"inv:y:{AFVAL}:1")
    assert (await resident.wait_callback_answered(query)).text == "Die knop werkt niet meer."
    await fake.settle()
    assert await sql(bot, "SELECT count(*) FROM broadcasts") == [(0,)]
    refused = await sql(bot, "SELECT action FROM audit_log WHERE NOT allowed ORDER BY id")
    assert refused == [("invite",), ("invite",)]


# --- pacing, flood limits, blocked residents --------------------------------------------------


async def test_a_429_pauses_the_broadcast_and_nothing_is_lost_or_doubled(
    fake: FakeBotApi, admin: FakeUser, start: Start
) -> None:
    # The bot is told it may send 40 a second; the fake allows 4: it answers 429s (a busy
    # machine sends fewer than 40 a second, but always more than 4).
    bot = await start(broadcast_rate=40)
    users = await seed(bot, fake, 45, invitations=[AFVAL_THEME])
    fake.set_flood_limit(per_second=4)
    offer = await invite(admin)
    report = await final_report(admin, offer, within=90)
    assert "Verstuurd: 45\n" in report and "Mislukt: 0" in report
    assert copies(users) == [1] * 45
    flooded = [c for c in fake.calls if c.method == "sendMessage" and c.error_code == 429]
    assert flooded, "the fake never answered 429: the test did not test anything"
    broadcast = await latest_broadcast(bot)
    attempts = await sql(
        bot, "SELECT max(attempts) FROM outbox WHERE broadcast_id = :b", b=broadcast.id
    )
    assert attempts == [(1,)]  # a flood wait is not a failed try
    fake.set_flood_limit(per_second=None)


@pytest.mark.pacing  # counts sends per second into a chat at the fake: run alone
async def test_at_most_one_message_per_chat_per_interval(
    fake: FakeBotApi, admin: FakeUser, start: Start
) -> None:
    # Two broadcasts to the same residents at once: the second copy to a chat waits a second
    # and a half (a message can be on its way longer than the next one on a busy machine:
    # Telegram, like the fake, counts when they arrive).
    bot = await start(broadcast_chat_interval=1.5)
    users = await seed(bot, fake, 8, invitations=[AFVAL_THEME, SCHOOL_THEME], took_part=[])
    chats = {user.id for user in users}
    fake.set_flood_limit(per_second=None, per_chat_per_second=1.0)
    first = await admin.ask(f"/uitnodigen {AFVAL}")
    second = await admin.ask(f"/uitnodigen {SCHOOL}")
    await admin.press("Uitnodigen", message=first)
    await admin.press("Uitnodigen", message=second)
    await final_report(admin, first)
    await final_report(admin, second)
    assert copies(users) == [1] * 8
    assert copies(users, "Nieuwe vragenlijst: Veilig naar school") == [1] * 8
    flooded = [c for c in fake.calls if c.error_code == 429 and c.params.get("chat_id") in chats]
    assert flooded == []
    fake.set_flood_limit(per_second=None)


async def test_a_resident_who_blocked_the_bot_is_not_retried(
    fake: FakeBotApi, admin: FakeUser, start: Start
) -> None:
    bot = await start()
    users = await seed(bot, fake, 5, invitations=[AFVAL_THEME, SCHOOL_THEME])
    users[1].block_bot()
    offer = await invite(admin)
    assert "Onbereikbaar (bot geblokkeerd): 1" in await final_report(admin, offer)
    calls = [
        c
        for c in fake.calls
        if c.method == "sendMessage" and c.params.get("chat_id") == users[1].id
    ]
    assert len(calls) == 1 and calls[0].error_code == 403
    # The next broadcast skips them: unreachable residents are not even tried.
    second = await invite(admin, SCHOOL)
    report = await final_report(admin, second)
    assert report.startswith("Uitnodiging: Veilig naar school\nKlaar: 4 inwoners.")
    calls = [
        c
        for c in fake.calls
        if c.method == "sendMessage" and c.params.get("chat_id") == users[1].id
    ]
    assert len(calls) == 1
    # After the resident comes back (opens /instellingen), they can be reached again.
    fake.unblock(users[1].id)
    await users[1].ask("/instellingen")
    assert await sql(bot, "SELECT count(*) FROM contacts WHERE unreachable_at IS NOT NULL") == [
        (0,)
    ]


async def test_server_errors_are_retried_and_reported_when_they_persist(
    fake: FakeBotApi, admin: FakeUser, start: Start, monkeypatch: pytest.MonkeyPatch
) -> None:
    import bot.outbox.sender as sender

    monkeypatch.setattr(sender, "BACKOFF_FIRST", 0.05)
    monkeypatch.setattr(sender, "MAX_ATTEMPTS", 3)
    bot = await start()

    async def invite_failing(questionnaire: str, failures: int) -> str:
        """Invite with the next ``failures`` sends answered 502; the final report."""
        offer = await admin.ask(f"/uitnodigen {questionnaire}")
        fake.fail_next("sendMessage", status=502, count=failures, description="Bad Gateway")
        await admin.press("Uitnodigen", message=offer)
        return await final_report(admin, offer)

    users = await seed(bot, fake, 1, invitations=[AFVAL_THEME])
    # The HTTP layer already tries a call three times on a server error: three 502s in a
    # row make the send fail once; the outbox tries again a moment later.
    report = await invite_failing(AFVAL, 3)
    assert "Verstuurd: 1\n" in report and report.endswith("Mislukt: 0")
    assert copies(users) == [1]
    broadcast = await latest_broadcast(bot)
    tries = await sql(bot, "SELECT attempts FROM outbox WHERE broadcast_id = :b", b=broadcast.id)
    assert tries == [(2,)]
    # A resident whose every try fails: reported as failed after MAX_ATTEMPTS.
    more = await seed(bot, fake, 1, invitations=[SCHOOL_THEME])
    report = await invite_failing(SCHOOL, 9)
    assert "Verstuurd: 0\n" in report and report.endswith("Mislukt: 1")
    assert copies(more, "Nieuwe vragenlijst: Veilig naar school") == [0]


# --- crashes and restarts ---------------------------------------------------------------------


async def test_kill_mid_broadcast_and_restart_resumes_without_duplicates_or_gaps(
    fake: FakeBotApi, admin: FakeUser, start: Start
) -> None:
    bot = await start(broadcast_rate=25)
    users = await seed(bot, fake, 60, invitations=[AFVAL_THEME])
    offer = await invite(admin)
    await until(lambda: sum(copies(users)) >= 15, what="a quarter sent")
    await bot.kill()
    stopped_at = sum(copies(users))
    assert stopped_at < 60, "the broadcast was already done: nothing to resume"
    await bot.start()
    report = await final_report(admin, offer)
    assert "Verstuurd: 60\n" in report and "Mislukt: 0" in report
    assert copies(users) == [1] * 60  # nobody twice, nobody skipped
    broadcast = await latest_broadcast(bot)
    assert await outbox_counts(bot, broadcast.id) == {"sent": 60}


async def test_messages_in_doubt_after_a_crash_are_not_sent_twice(
    fake: FakeBotApi, admin: FakeUser, start: Start
) -> None:
    """A worker died while sending: its rows being sent may or may not have arrived. They
    are given up (at most once) once their claim runs out, counted apart in the report; a
    row it had only claimed never left and is sent by another; the rest of the broadcast
    goes out as usual."""
    bot = await start()
    users = await seed(bot, fake, 7, invitations=[AFVAL_THEME])
    services = services_of(bot)
    residents = [await resident_of(bot, user) for user in users]
    now = services.clock()
    async with services.sessions.begin() as db:
        broadcast = await outbox.create_broadcast(
            db,
            "invitation",
            payload={"nl": {"text": "Hallo"}, "meta": {"title": "Test"}},
            recipients=residents,
            report_chat_id=admin.id,
            now=now,
        )
        # Two rows of a dead worker being sent (claim expired), one of a live worker (claim
        # running), and one the dead worker had claimed but not begun to send.
        for resident, deadline, status in (
            (residents[0], -60, "sending"),
            (residents[1], -1, "sending"),
            (residents[2], 5, "sending"),
            (residents[3], -1, "claimed"),
        ):
            await db.execute(
                update(OutboxMessage)
                .where(
                    OutboxMessage.broadcast_id == broadcast.id,
                    OutboxMessage.resident_id == resident,
                )
                .values(
                    status=status,
                    claimed_by="dead-worker" if deadline < 0 else "other-worker",
                    attempts=1,
                    next_attempt_at=now + timedelta(seconds=deadline),
                )
            )
    progress = await admin.ask("/start")  # any message of the admin's chat to edit later
    async with services.sessions.begin() as db:
        await outbox.set_report_message(db, broadcast.id, admin.id, progress.message_id)
    # The outbox job picks the broadcast up.
    await until(lambda: copies(users[3:], "Hallo") == [1, 1, 1, 1], what="the others sent")
    # The live worker's row is left alone until its claim runs out, then given up too.
    await until(
        lambda: counts_are(bot, broadcast.id, {"sent": 4, "failed": 2, "sending": 1}),
        what="the others recorded",
    )
    await until(
        lambda: counts_are(bot, broadcast.id, {"sent": 4, "failed": 3}),
        within=20,
        what="the running claim to run out",
    )
    assert copies(users[:3], "Hallo") == [0, 0, 0]
    errors = await sql(bot, "SELECT DISTINCT error FROM outbox WHERE status = 'failed'")
    assert errors == [("interrupted",)]
    await admin.wait_for(lambda: "Klaar" in progress.text)
    assert progress.text.endswith(
        "Mislukt: 3\n3 daarvan werden onderbroken door een herstart: misschien toch "
        "aangekomen, niet nog eens verstuurd."
    )


async def counts_are(bot: BotRunner, broadcast_id: int, expected: dict[str, int]) -> bool:
    return await outbox_counts(bot, broadcast_id) == expected


# --- live replies during a large broadcast ----------------------------------------------------


async def test_a_resident_answering_during_a_large_broadcast_is_not_held_up(
    fake: FakeBotApi, admin: FakeUser, start: Start
) -> None:
    """The broadcast has its own pace and skips the shared rate limiter's queue: a resident
    answering a questionnaire finishes it while the broadcast is still going."""
    bot = await start(broadcast_rate=40, rate_limit_per_second=40)
    users = await seed(bot, fake, 200, invitations=[AFVAL_THEME])
    resident = fake.user()
    await join(resident)
    pick = await resident.next_message()
    offer = await invite(admin)
    await until(lambda: sum(copies(users)) >= 10, what="the broadcast to be under way")
    await resident.press("Veilig naar school", message=pick)
    await resident.next_messages(2)
    for typed in ["4116", "nee", "5", "2", "nee"]:
        await resident.ask(typed)
    await resident.send("8")
    done = await resident.next_message()
    assert done.text.startswith("Klaar! Dank je wel voor je mening.")
    during = sum(copies(users))
    assert during < 200, "the broadcast finished before the resident did"
    report = await final_report(admin, offer, within=30)
    assert "Verstuurd: 200\n" in report
    assert copies(users) == [1] * 200


async def test_no_invitation_offer_for_a_closed_questionnaire(
    fake: FakeBotApi, admin: FakeUser, start: Start
) -> None:
    bot = await start()
    await seed(bot, fake, 2, invitations=[AFVAL_THEME])
    services = services_of(bot)
    async with services.sessions.begin() as db:
        await db.execute(
            text("UPDATE questionnaires SET status = 'closed' WHERE id = :id"), {"id": AFVAL}
        )
    await services.refresh_catalog()
    refused = await admin.ask(f"/uitnodigen {AFVAL}")
    assert refused.text.startswith("Afval ophalen in Rivierstad staat nu niet open")
    assert refused.buttons == []
    assert await outbox_counts(bot) == {}

"""Moderation of free text end to end: residents write, administrators judge their texts in
/moderatie through the fake Bot API, and the digest in the group quotes only what was
approved while counting everything. Two administrators at once, strangers, forged and
stale buttons. On SQLite and PostgreSQL.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from typing import Any

import pytest
from sqlalchemy import select, update

from sandbox.clients import FakeGroup, FakeUser
from sandbox.fakeapi import FakeBotApi
from sandbox.models import BotMessage
from storage import audit
from storage.models import Answer
from tests.e2e.conftest import BotRunner, running_bot
from tests.e2e.test_digest import block, respond, sent

ADMIN, OTHER_ADMIN = 424242, 434343
AFVAL = "Afval ophalen in Rivierstad"
QUESTION = "Wat kan de gemeente beter doen bij het ophalen van afval?"
# The digest names a question by its whole text (or its label), so that questions that
# begin alike read apart.
IN_DIGEST = f"{QUESTION} Schrijf het in je eigen woorden."
RULE = (
    "Alleen goedgekeurde teksten komen als citaat in het overzicht voor de ambtenaren. "
    "Alle teksten tellen mee in de aantallen."
)
STALE = "Die knop werkt niet meer."
ALREADY = "Deze tekst is al beoordeeld."
UNKNOWN_COMMAND = "Dat commando ken ik niet. Stuur /help voor uitleg."

GOOD = "Zet <b>meer</b> containers neer & leeg ze *vaker* op zaterdag"
PERSONAL = "Mijn buurman Piet de Vries op nummer 12 zet altijd zijn afval buiten"
LATER = "Een afvalkalender op papier zou fijn zijn voor ouderen"
TEXTS = [GOOD, PERSONAL, LATER]


def plan(text: str) -> list[str]:
    """Afval through the short branch (own containers), ending with ``text``."""
    return ["4104", "1", "4", "0", "2", "1", text]


@pytest.fixture
async def runner(fake: FakeBotApi, database_url: str) -> AsyncIterator[BotRunner]:
    """The bot with two administrators and a digest group; three residents wrote a text, one
    after the other (so the oldest comes first in the queue)."""
    group = fake.group(title="Team participatie")
    for admin in (ADMIN, OTHER_ADMIN):  # their chats exist before the bot sets their menu
        fake.user(admin, first_name="Beheerder")
    settings: dict[str, Any] = {
        "admin_user_ids": [ADMIN, OTHER_ADMIN],
        "digest_chat_id": group.id,
        "digest_schedule": "off",
    }
    async with running_bot(fake, database_url, **settings) as bot:
        for text in TEXTS:
            await respond(fake.user(), plan(text))
        yield bot


def digest_group(fake: FakeBotApi, runner: BotRunner) -> FakeGroup:
    assert runner.services is not None
    chat_id = runner.services.settings.digest_chat_id
    assert chat_id is not None
    return fake.group(chat_id)


def item(left: str, text: str) -> str:
    """The moderation screen of one text, as Telegram shows it (without the date line)."""
    return f"Moderatie · {left}\nVragenlijst: {AFVAL}\nVraag: {QUESTION}\n\n«{text}»"


def shown(message: BotMessage) -> str:
    """The message without its "Ingestuurd: ..." line (the time of answering varies)."""
    return "\n".join(line for line in message.text.split("\n") if not line.startswith("Ingest"))


async def press(user: FakeUser, label: str, message: BotMessage) -> tuple[str | None, BotMessage]:
    """Press a button; the callback answer's text and the edited message."""
    query = await user.press(label, message=message)
    answer = await user.wait_callback_answered(query)
    return answer.text, await user.next_edit()


async def answer_ids(runner: BotRunner) -> dict[str, int]:
    """The answer id of each text, by text."""
    assert runner.services is not None
    async with runner.services.sessions() as db:
        rows = await db.execute(
            select(Answer.value, Answer.id).where(Answer.question_id == "idee")
        )
        return {str(value): int(answer_id) for value, answer_id in rows}


async def states(runner: BotRunner) -> dict[str, tuple[str | None, str | None, int | None]]:
    """(moderation, reason, moderated by) of each text, by text. A text never judged is
    "pending" whether it was stored so or as NULL (see storage.moderation)."""
    assert runner.services is not None
    async with runner.services.sessions() as db:
        rows = await db.execute(
            select(
                Answer.value, Answer.moderation, Answer.moderation_reason, Answer.moderated_by
            ).where(Answer.question_id == "idee")
        )
        return {str(v): (m or "pending", r, b) for v, m, r, b in rows}


async def decisions(runner: BotRunner) -> list[tuple[str, int | None, str | None, bool]]:
    """(action, actor, target, allowed) of every moderation entry in the audit log."""
    assert runner.services is not None
    async with runner.services.sessions() as db:
        entries = await audit.entries(db)
    return [
        (e.action, e.actor, e.target, e.allowed)
        for e in entries
        if e.action.startswith("moderation")
    ]


async def test_the_bot_stores_free_text_as_pending_and_nothing_else(runner: BotRunner) -> None:
    assert runner.services is not None
    async with runner.services.sessions() as db:
        rows = await db.execute(select(Answer.question_id, Answer.value, Answer.moderation))
        marks = {
            (question, value if question == "idee" else None, mark)
            for question, value, mark in rows
        }
    assert {(q, v, m) for q, v, m in marks if q == "idee"} == {
        ("idee", text, "pending") for text in TEXTS
    }
    assert {m for q, _, m in marks if q != "idee"} == {None}, "only free text is moderated"


async def test_approve_reject_and_the_digest_quotes_only_approved_texts(
    fake: FakeBotApi, runner: BotRunner
) -> None:
    admin = fake.user(ADMIN)
    ids = await answer_ids(runner)
    screen = await admin.ask("/moderatie")
    assert shown(screen) == item("nog 3 teksten", GOOD) + f"\n\n{RULE}"
    # The day only, no time of day that could help recognise the writer.
    assert re.fullmatch(r"Ingestuurd: \d{1,2} [a-z]{3} \d{4}", screen.text.split("\n")[3])
    assert screen.buttons == [["Goedkeuren", "Afwijzen"]]
    assert screen.html is not None and "&lt;b&gt;meer&lt;/b&gt; containers neer &amp;" in (
        screen.html
    ), "the resident's text is data, not markup"

    notice, screen = await press(admin, "Goedkeuren", screen)
    assert notice == "Goedgekeurd"
    assert shown(screen) == "✓ Goedgekeurd.\n\n" + item("nog 2 teksten", PERSONAL) + f"\n\n{RULE}"

    notice, screen = await press(admin, "Afwijzen", screen)
    assert notice is None
    assert shown(screen) == item("nog 2 teksten", PERSONAL) + "\n\nWaarom wijs je deze tekst af?"
    assert screen.buttons == [
        ["Persoonsgegevens"],
        ["Beledigend"],
        ["Niet ter zake"],
        ["Spam"],
        ["« Terug"],
    ]
    notice, screen = await press(admin, "« Terug", screen)
    assert screen.buttons == [["Goedkeuren", "Afwijzen"]] and PERSONAL in screen.text
    _, screen = await press(admin, "Afwijzen", screen)
    notice, screen = await press(admin, "Persoonsgegevens", screen)
    assert notice == "Afgewezen"
    assert shown(screen) == (
        "✗ Afgewezen: persoonsgegevens.\n\n" + item("nog 1 tekst", LATER) + f"\n\n{RULE}"
    )

    assert await states(runner) == {
        GOOD: ("approved", None, ADMIN),
        PERSONAL: ("rejected", "personal_data", ADMIN),
        LATER: ("pending", None, None),
    }
    assert await decisions(runner) == [
        ("moderation.open", ADMIN, None, True),
        ("moderation.approve", ADMIN, f"answer:{ids[GOOD]}", True),
        ("moderation.reject", ADMIN, f"answer:{ids[PERSONAL]}", True),
    ]

    # The digest: three texts counted, one quoted, one still waiting.
    group = digest_group(fake, runner)
    await group.member().send("/digest afvalinzameling")
    await sent(runner, 1)
    text = group.drain()[0].text
    assert block(text, "Wat kan de gemeente beter doen") == [
        f"{IN_DIGEST} (3 antwoorden)",
        f"«{GOOD}»",
        "1 tekst wacht op moderatie.",
    ]
    assert "Piet" not in text and "afvalkalender" not in text

    notice, screen = await press(admin, "Goedkeuren", screen)
    assert notice == "Goedgekeurd"
    assert screen.text == "✓ Goedgekeurd.\n\nKlaar! Er wachten geen teksten meer op moderatie."
    assert screen.buttons == []
    again = await admin.ask("/moderatie")
    assert again.text == "Er wachten geen teksten op moderatie."
    assert again.buttons == []


async def test_two_administrators_at_once_never_judge_a_text_twice(
    fake: FakeBotApi, runner: BotRunner
) -> None:
    first, second = fake.user(ADMIN), fake.user(OTHER_ADMIN)
    ids = await answer_ids(runner)
    one, two = await first.ask("/moderatie"), await second.ask("/moderatie")
    assert GOOD in one.text and GOOD in two.text, "both see the oldest text"

    # Both press Goedkeuren on the same text at the same moment.
    queries = await asyncio.gather(
        first.press("Goedkeuren", message=one), second.press("Goedkeuren", message=two)
    )
    answers = [
        await u.wait_callback_answered(q) for u, q in zip((first, second), queries, strict=True)
    ]
    assert sorted(str(a.text) for a in answers) == [ALREADY, "Goedgekeurd"]
    one, two = await first.next_edit(), await second.next_edit()
    for screen in (one, two):
        assert PERSONAL in screen.text and "nog 2 teksten" in screen.text, "on to the next"
    loser = one if answers[0].text == ALREADY else two
    assert loser.text.startswith("Die tekst was al beoordeeld door een andere beheerder.\n")
    approvals = [d for d in await decisions(runner) if d[0] == "moderation.approve"]
    assert len(approvals) == 1 and approvals[0][2] == f"answer:{ids[GOOD]}"

    # One asks why to reject while the other approves: the reason button comes too late.
    _, asking = await press(first, "Afwijzen", one)
    notice, _ = await press(second, "Goedkeuren", two)
    assert notice == "Goedgekeurd"
    notice, one = await press(first, "Beledigend", asking)
    assert notice == ALREADY
    assert LATER in one.text and "nog 1 tekst" in one.text
    assert (await states(runner))[PERSONAL] == ("approved", None, OTHER_ADMIN)

    # A stale button of a text judged before: refused, nothing changes.
    before, edits = await states(runner), len(first.chat.edits)
    query = await first.press_data(f"mod:rj:{ids[GOOD]}:spam", message_id=one.message_id)
    assert (await first.wait_callback_answered(query)).text == ALREADY
    await fake.settle(quiet=0.1)
    assert len(first.chat.edits) == edits, "it shows the next text already: no edit"
    assert await states(runner) == before
    assert before[GOOD][:2] == ("approved", None)
    assert len([d for d in await decisions(runner) if d[0] != "moderation.open"]) == 2


async def test_strangers_get_nothing(fake: FakeBotApi, runner: BotRunner) -> None:
    resident = fake.user()
    await respond(resident, plan("Nog een idee over de containers in de wijk"))
    ids = await answer_ids(runner)
    refused = await resident.ask("/moderatie")
    assert refused.text == UNKNOWN_COMMAND
    # A forged button, as an administrator's would be.
    query = await resident.press_data(f"mod:ok:{ids[GOOD]}")
    assert (await resident.wait_callback_answered(query)).text == STALE
    query = await resident.press_data(f"mod:rj:{ids[PERSONAL]}:spam")
    assert (await resident.wait_callback_answered(query)).text == STALE
    assert {m for m, _, _ in (await states(runner)).values()} == {"pending"}
    refusals = await decisions(runner)
    assert refusals == [("moderation", None, None, False)] * 3, "logged, without an id"

    # In the group: no text of a resident is ever shown there.
    group = digest_group(fake, runner)
    await group.member().send("/moderatie")
    admin_in_group = group.member(ADMIN)
    await admin_in_group.send("/moderatie")
    told = await group.next_message()
    assert told.text == "Dit doe je in een privégesprek met mij. Stuur me daar het commando."
    await fake.settle(quiet=0.1)
    assert group.unread() == []


async def test_forged_and_odd_buttons_of_an_administrator(
    fake: FakeBotApi, runner: BotRunner
) -> None:
    admin = fake.user(ADMIN)
    screen = await admin.ask("/moderatie")
    assert runner.services is not None
    async with runner.services.sessions() as db:
        choice = await db.scalar(select(Answer.id).where(Answer.question_id == "inzameling"))
    ids = await answer_ids(runner)
    for data in (
        "mod:ok:abc",  # garbled
        "mod:rj:1:belediging",  # no such reason
        "mod:xx:1",  # no such action
        f"mod:ok:{10**12}",  # no such answer
        "mod:ok:4294967296",  # larger than any answer id
        f"mod:ok:{choice}",  # not a text
        f"mod:no:{choice}",
        "mod:bk:999999",
    ):
        query = await admin.press_data(data, message_id=screen.message_id)
        assert (await admin.wait_callback_answered(query)).text == STALE, data
    await fake.settle(quiet=0.1)
    assert admin.chat.edits == [], "the screen already shows the oldest text"
    # "Afwijzen" forged for a text that is not the one shown still asks about that text.
    query = await admin.press_data(f"mod:no:{ids[LATER]}", message_id=screen.message_id)
    await admin.wait_callback_answered(query)
    asking = await admin.next_edit()
    assert LATER in asking.text and "Waarom wijs je deze tekst af?" in asking.text
    # Pressed twice: nothing changes, so the message is left alone (Telegram refuses an
    # edit that changes nothing).
    edits = len(admin.chat.edits)
    query = await admin.press_data(f"mod:no:{ids[LATER]}", message_id=screen.message_id)
    await admin.wait_callback_answered(query)
    await fake.settle(quiet=0.1)
    assert len(admin.chat.edits) == edits
    assert {m for m, _, _ in (await states(runner)).values()} == {"pending"}
    async with runner.services.sessions() as db:
        assert await db.scalar(select(Answer.moderation).where(Answer.id == choice)) is None


async def test_a_very_long_text_is_shortened_to_what_telegram_accepts(
    fake: FakeBotApi, runner: BotRunner
) -> None:
    """3,400 emoji are 6,800 UTF-16 code units, as Telegram counts: far over its 4,096."""
    ids = await answer_ids(runner)
    long = "🗑️" * 1700  # two characters each (the bin and a variation selector)
    assert runner.services is not None
    async with runner.services.sessions.begin() as db:
        await db.execute(update(Answer).where(Answer.id == ids[GOOD]).values(value=long))
    admin = fake.user(ADMIN)
    screen = await admin.ask("/moderatie")
    assert screen.text.endswith("…»\n(ingekort: de tekst is langer)\n\n" + RULE)
    quoted = screen.text.split("«", 1)[1].split("»", 1)[0]
    assert long.startswith(quoted.removesuffix("…")) and len(quoted) > 1000
    assert screen.buttons == [["Goedkeuren", "Afwijzen"]]
    _, screen = await press(admin, "Goedkeuren", screen)
    assert PERSONAL in screen.text
    assert (await states(runner))[long][0] == "approved"

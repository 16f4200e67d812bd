"""Statements residents add, end to end through the fake Bot API (SQLite and PostgreSQL):
one like a statement still waiting for moderation is neither quoted to another resident nor
stored twice; once approved, a new statement is routed first to residents who have not
voted on it, with the analysis made in the background (nobody pressed "Waar sta ik?")."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import func, select

from sandbox.fakeapi import FakeBotApi
from sandbox.models import BotMessage
from storage.models import DeliberationStatement
from tests.e2e.conftest import BotRunner, running_bot
from tests.e2e.outcome_helpers import until
from tests.e2e.test_stellingen import (
    ADMIN,
    AGREE,
    DISAGREE,
    PASS,
    STATEMENT,
    add,
    enter,
    planted,
)

# Someone's unmoderated text: it names a person, so a moderator might well reject it.
WAITING = "Wethouder Jansen van de Dorpsstraat moet weg uit het college"
LIKE_IT = "wethouder jansen van de dorpsstraat moet weg uit het college!"
NEW = "Zet meer fietsenrekken bij het station"
ROUTING = "bot.resident.stellingen_state"


async def residents_statements(bot: BotRunner) -> int:
    assert bot.services is not None
    async with bot.services.sessions() as db:
        query = select(func.count()).where(DeliberationStatement.origin == "resident")
        return await db.scalar(query.select_from(DeliberationStatement)) or 0


async def approve(fake: FakeBotApi, text: str) -> None:
    admin = fake.user(ADMIN)
    screen = await admin.ask("/moderatie")
    assert f"«{text}»" in screen.text, screen.text
    query = await admin.press("Goedkeuren", message=screen)
    assert (await admin.wait_callback_answered(query)).text == "Goedgekeurd"


async def test_a_statement_like_one_waiting_for_moderation_is_not_quoted_or_stored_again(
    fake: FakeBotApi, database_url: str
) -> None:
    fake.user(ADMIN, first_name="Beheerder")
    async with running_bot(fake, database_url, admin_user_ids=[ADMIN]) as bot:
        anna, bram = fake.user(first_name="Anna"), fake.user(first_name="Bram")
        first = await enter(anna)
        waiting = await add(anna, first, WAITING)
        assert waiting.text.startswith("Dank je! Je stelling wacht nu op een moderator.")
        await anna.next_message()  # the statement she was at
        at = await enter(bram)
        said = await add(bram, at, LIKE_IT)
        assert said.text == (
            "Zo'n stelling is al ingestuurd. Hij wacht nog op een moderator. Is hij "
            "goedgekeurd, dan kun je erop stemmen. We gaan verder met stemmen."
        )
        assert "Jansen" not in said.text and not said.buttons
        again: BotMessage = await bram.next_message()
        assert again.text == at.text, "then the statement he was at"
        assert await residents_statements(bot) == 1, "not stored twice"
        # Approved, it is live: now it is quoted, and Bram may vote on it right there.
        await approve(fake, WAITING)
        await anna.next_message()  # "Goed nieuws: je stelling staat nu ..."
        live = await add(bram, again, LIKE_IT)
        assert live.text == f"Zo'n stelling is er al:\n\n{WAITING}\n\nStem je daarop?"
        assert live.buttons[:2] == [[AGREE, DISAGREE], [PASS]]
        assert await residents_statements(bot) == 1


def routing_analyses(caplog: pytest.LogCaptureFixture) -> int:
    return sum(
        1
        for record in caplog.records
        if record.name == ROUTING and record.getMessage().startswith("opinion analysis of")
    )


async def test_a_newly_approved_statement_comes_first_for_residents_who_did_not_vote_on_it(
    fake: FakeBotApi, database_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger=ROUTING)
    fake.user(ADMIN, first_name="Beheerder")
    async with running_bot(fake, database_url, admin_user_ids=[ADMIN]) as bot:
        await planted(bot, 20)  # every seed statement has 20 votes
        anna = fake.user(first_name="Anna")
        first = await enter(anna)
        # Routing her first statement had the analysis made, in the background: nobody
        # pressed "Waar sta ik?".
        await until(
            lambda: routing_analyses(caplog) > 0, within=60, what="the analysis for routing"
        )
        await add(anna, first, NEW)
        await anna.next_message()  # the statement she was at
        await approve(fake, NEW)
        told = await anna.next_message()
        assert told.text.endswith(NEW)
        # It has no votes yet, every other one has 20: whoever has not voted on it sees it
        # first.
        for name in ("Bram", "Carla", "Dirk", "Eva"):
            shown = await enter(fake.user(first_name=name))
            assert shown.text == f"{STATEMENT}{NEW}", name

"""A first conversation end to end."""

from __future__ import annotations

import pytest

from sandbox.fakeapi import FakeBotApi
from tests.e2e.conftest import BotRunner, join

#: What the database does under it is this test's subject: it runs on both.
pytestmark = pytest.mark.both_databases


async def test_resident_answers_first_question(fake: FakeBotApi, bot: BotRunner) -> None:
    resident = fake.user(language_code="nl")
    await join(resident)
    pick = await resident.next_message()
    assert "Kies een vragenlijst" in pick.text
    await resident.press("Afval", message=pick)
    intro = await resident.next_message()
    question = await resident.next_message()
    print(intro.text)
    print(question.text, question.buttons)
    await resident.press(question.buttons[0][0], message=question)
    nxt = await resident.next_message()
    print(resident.messages[-2].text)
    print(nxt.text, nxt.buttons)
    reply = await resident.ask("blabla")
    print(reply.text)

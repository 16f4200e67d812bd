"""Where administrators' commands and buttons act: only in the administrator's private chat
with the bot. Pressed on a bot message in a group (the staff group or any other) they are
refused, audited and change nothing; typed in a group they get a pointer to the private
chat and nothing else. Buttons pressed on a message without text (an export file) get a new
message instead of an edit Telegram refuses."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest

from sandbox.clients import FakeGroup, FakeGroupMember, FakeUser
from sandbox.fakeapi import FakeBotApi
from sandbox.models import BotMessage
from tests.e2e.conftest import BotRunner
from tests.e2e.test_admin import ADMIN, admin, running

#: The notice on a button an administrator pressed outside their private chat.
BUTTON_ELSEWHERE = "Deze knop werkt alleen in je privégesprek met mij."
#: The reply to an administrator's command typed in a group.
COMMAND_ELSEWHERE = "Dit doe je in een privégesprek met mij. Stuur me daar het commando."

ADMIN_COMMANDS = (
    "/beheer",
    "/export afvalinzameling",
    "/export",
    "/moderatie",
    "/terugkoppeling afvalinzameling",
    "/uitnodigen afvalinzameling",
)


@dataclass
class Groups:
    """The bot with an administrator who is a member of the staff group and of another."""

    runner: BotRunner
    boss: FakeUser
    staff: FakeGroup
    other: FakeGroup

    def member(self, group: FakeGroup) -> FakeGroupMember:
        """The administrator, as a member of ``group``."""
        return group.member(ADMIN)


@pytest.fixture
async def groups(fake: FakeBotApi, database_url: str) -> AsyncIterator[Groups]:
    staff, other = fake.group(title="Team participatie"), fake.group(title="Buurtapp")
    settings = {"digest_chat_id": staff.id, "digest_schedule": "off", "flood_max_updates": 1_000}
    async with running(fake, database_url, **settings) as runner:
        yield Groups(runner, admin(fake), staff, other)


def data_of(message: BotMessage) -> list[str]:
    """The data of every button on ``message``."""
    return [data for row in message.button_data for data in row if data]


async def bot_message_in(groups: Groups, group: FakeGroup) -> BotMessage:
    """A message of the bot in ``group`` to press forged buttons on."""
    member = group.member()  # not an administrator
    if group is groups.staff:
        await member.send("/help")
    else:  # in another group the bot says nothing to anyone: an administrator's command
        await groups.member(group).send("/moderatie")
    message = await group.next_message()
    group.drain()
    return message


async def test_buttons_on_an_export_file_answer_with_a_new_message(
    fake: FakeBotApi, groups: Groups
) -> None:
    """An export file is a document: it has a caption, no text. A button pressed on it (a
    forged one: the files carry none) cannot edit it into a text; the answer comes as a new
    message, and Telegram is asked nothing it refuses."""
    boss = groups.boss
    await boss.send("/export afvalinzameling")
    sheet_csv, sheet_xlsx = await boss.next_messages(2)
    assert sheet_csv.document is not None and sheet_csv.text == ""
    for data, message, expected in (
        ("adm:l:0", sheet_csv, "afvalinzameling"),
        ("adm:q:afvalinzameling", sheet_xlsx, "Afval ophalen in Rivierstad"),
        ("inv:n:afvalinzameling", sheet_csv, "afvalinzameling"),
    ):
        query = await boss.press_data(data, message_id=message.message_id)
        await boss.wait_callback_answered(query)
        shown = await boss.next_message()
        assert expected in shown.text, data
        await fake.settle(quiet=0.1)
        assert fake.rejected == [], data
    assert boss.chat.edits == []
    assert sheet_csv.caption is not None and sheet_csv.caption.startswith("Afval ophalen")

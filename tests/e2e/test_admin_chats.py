"""Where administrators' commands and buttons act: only in the administrator's private chat
with the bot. Pressed on a bot message in a group (the staff group or any other) they are
refused, audited and change nothing; typed in a group they get a pointer to the private
chat and nothing else. Buttons pressed on a message without text (an export file) get a new
message instead of an edit Telegram refuses."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest
from sqlalchemy import func, select

from sandbox.clients import FakeGroup, FakeGroupMember, FakeUser
from sandbox.fakeapi import FakeBotApi
from sandbox.models import BotMessage
from storage.models import Session
from tests.e2e.conftest import BotRunner
from tests.e2e.test_admin import ADMIN, admin, audit_log, fiets_source, running, scalar, state
from tests.e2e.test_admin import upload as upload_draft

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
    "/publiceer afvalinzameling",
    "/codes afvalinzameling 10",
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


async def test_admin_buttons_pressed_in_a_group_change_nothing_and_show_nothing(
    fake: FakeBotApi, groups: Groups
) -> None:
    runner, boss = groups.runner, groups.boss
    # Real button data, taken from the administrator's own chat: a draft's preview and the
    # first step of /terugkoppeling.
    preview = await upload_draft(boss, "fietsen.yaml", fiets_source())
    status = await boss.ask("/terugkoppeling afvalinzameling")
    pressed = [
        "adm:l:0",
        "adm:q:afvalinzameling",
        "adm:close?:afvalinzameling",
        "adm:close:afvalinzameling",
        "adm:export:afvalinzameling",
        "adm:draft:fietsen:1",
        *data_of(preview),  # test, publish, cancel
        "mod:ok:1",
        "mod:no:1",
        *data_of(status)[:2],
        "tk:x",
        "inv:y:afvalinzameling:1",
        "inv:n:afvalinzameling",
        "efs:1:4",
    ]
    assert any(data.startswith("adm:pub:") for data in pressed)
    assert any(data.startswith("tk:s:") for data in pressed)
    targets = {
        group: await bot_message_in(groups, group) for group in (groups.staff, groups.other)
    }
    await fake.settle()
    boss.drain()
    before = await audit_log(runner)

    for group, message in targets.items():
        member = groups.member(group)
        answers = []
        for data in pressed:
            query = await member.press_data(data, message_id=message.message_id)
            answers.append((data, (await member.wait_callback_answered(query)).text))
        await fake.settle(quiet=0.1)
        assert group.unread() == [], "nothing about a questionnaire in the group"
        assert group.chat.edits == [], "the pressed message stays as it was"
        assert all(m.document is None for m in group.messages)
        assert answers == [(data, BUTTON_ELSEWHERE) for data in pressed]
    # Nothing went to the administrator either, and nothing changed.
    assert boss.unread() == []
    assert (await state(runner, "afvalinzameling")).status == "open"  # type: ignore[union-attr]
    draft = await state(runner, "fietsen")
    assert draft is not None and (draft.status, draft.published) == ("draft", False)
    assert await scalar(runner, select(func.count()).select_from(Session)) == 0
    # Every press is in the audit log as refused, under its own action, with the
    # administrator (who is known) and where it was pressed.
    after = await audit_log(runner)
    refused = after[len(before) :]
    assert len(refused) == 2 * len(pressed)
    assert all(not e.allowed and e.actor == ADMIN for e in refused)
    assert all(e.detail.get("chat") in ("group", "supergroup") for e in refused)
    actions = {e.action for e in refused}
    assert {"beheer", "close", "export", "publish", "moderation", "outcome", "invite"} <= actions
    assert "effect_check" in actions


async def test_admin_commands_typed_in_a_group_get_a_pointer_and_nothing_else(
    fake: FakeBotApi, groups: Groups
) -> None:
    runner, boss = groups.runner, groups.boss
    for group in (groups.staff, groups.other):
        resident = group.member()
        for command in ADMIN_COMMANDS:  # somebody else: nothing at all
            await resident.send(command)
        await fake.settle(quiet=0.1)
        assert group.unread() == []
        member = groups.member(group)
        for command in ADMIN_COMMANDS:
            await member.send(command)
            told = await group.next_message()
            assert told.text == COMMAND_ELSEWHERE, command
        # A questionnaire file sent into the group is no upload: no draft, no preview.
        await member.send_document("fietsen.yaml", fiets_source().encode(), "application/x-yaml")
        await fake.settle(quiet=0.1)
        assert await state(runner, "fietsen") is None
        assert group.unread() == []
        assert all(m.document is None and not m.buttons for m in group.messages)
    assert boss.unread() == []
    entries = await audit_log(runner)
    mine = [e for e in entries if e.actor == ADMIN]
    assert len(mine) == 2 * len(ADMIN_COMMANDS)
    assert all(not e.allowed and e.detail.get("chat") == "group" for e in mine)
    strangers = [e for e in entries if e.actor is None]
    assert len(strangers) == 2 * len(ADMIN_COMMANDS)
    assert all(not e.allowed and e.detail["pseudonym"] for e in strangers)
    assert not any(e.action == "export" and e.allowed for e in entries)
    # In the private chat everything works as before.
    files = await boss.ask("/export afvalinzameling")
    assert files.document_name is not None and files.document_name.endswith(".csv")


async def test_buttons_on_an_export_file_answer_with_a_new_message(
    fake: FakeBotApi, groups: Groups
) -> None:
    """An export file is a document: it has a caption, no text. A button pressed on it (a
    forged one: the files carry none) cannot edit it into a text; the answer comes as a new
    message, and Telegram is asked nothing it refuses."""
    boss = groups.boss
    await boss.send("/export afvalinzameling")
    sheet_csv, sheet_xlsx, _sheet_sav = await boss.next_messages(3)
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

"""The fake Bot API over real HTTP: raw requests and python-telegram-bot's ``Bot``."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator
from typing import Any, cast

import aiohttp
import pytest
import telegram
from aiohttp import web
from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter

from sandbox.fakeapi import FakeBotApi
from sandbox.fakeapi.faults import Faults, InjectedFault
from sandbox.models import SandboxEvent
from tests.conftest import QUESTIONNAIRES
from tests.sandbox.conftest import RawApi

KEYBOARD = {"inline_keyboard": [[{"text": "Ja", "callback_data": "ja"}]]}


def keyboard(*labels: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(label, callback_data=label.lower()) for label in labels]]
    )


# ================================================================== transport and routing


async def test_every_encoding_of_parameters_is_understood(fake: FakeBotApi, raw: RawApi) -> None:
    user = fake.user()
    url = raw.url("sendMessage")
    async with raw.session.get(url, params={"chat_id": str(user.id), "text": "query"}) as r:
        assert (await r.json())["result"]["text"] == "query"
    async with raw.session.post(url, json={"chat_id": user.id, "text": "json"}) as r:
        assert (await r.json())["result"]["text"] == "json"
    async with raw.session.post(url, data={"chat_id": str(user.id), "text": "form"}) as r:
        assert (await r.json())["result"]["text"] == "form"
    form = aiohttp.FormData()
    form.add_field("chat_id", str(user.id))
    form.add_field("text", "multipart")
    async with raw.session.post(url, data=form()) as r:
        assert (await r.json())["result"]["text"] == "multipart"
    # method names are case-insensitive, and the call is recorded under its real name
    async with raw.session.post(raw.url("SENDMESSAGE"), json={"chat_id": user.id, "text": "x"}):
        pass
    assert [c.method for c in fake.calls] == ["sendMessage"] * 5
    assert [m.text for m in user.messages] == ["query", "json", "form", "multipart", "x"]


async def test_wrong_token_is_unauthorized(raw: RawApi) -> None:
    async with raw.session.post(raw.url("getMe", token="123456:WRONG")) as response:
        assert response.status == 401
        assert await response.json() == {
            "ok": False,
            "error_code": 401,
            "description": "Unauthorized",
        }


async def test_unknown_method_is_not_found(fake: FakeBotApi, raw: RawApi) -> None:
    assert await raw.error("sendTelepathy", chat_id=1) == (404, "Not Found")
    assert [c.method for c in fake.rejected] == ["sendTelepathy"]


async def test_missing_required_parameter(fake: FakeBotApi, raw: RawApi) -> None:
    fake.user()
    assert await raw.error("sendMessage", text="hoi") == (
        400,
        'Bad Request: parameter "chat_id" is required',
    )


async def test_unknown_parameters_are_ignored(fake: FakeBotApi, raw: RawApi) -> None:
    user = fake.user()
    await raw.ok("sendMessage", chat_id=user.id, text="hoi", made_up_option=True)


async def test_unknown_chat(fake: FakeBotApi, raw: RawApi) -> None:
    assert await raw.error("sendMessage", chat_id=42, text="x") == (
        400,
        "Bad Request: chat not found",
    )
    member = fake.group().member()  # known user, but never talked to the bot privately
    assert await raw.error("sendMessage", chat_id=member.id, text="x") == (
        403,
        "Forbidden: bot can't initiate conversation with a user",
    )


async def test_get_me(bot: telegram.Bot, fake: FakeBotApi) -> None:
    me = await bot.get_me()
    assert me.id == 123456
    assert me.username == "samenspraak_test_bot"
    assert me.is_bot


async def test_instances_are_independent() -> None:
    async with FakeBotApi("111:A") as one, FakeBotApi("222:B", bot_username="b_bot") as two:
        assert one.url != two.url
        one_user, two_user = one.user(), two.user()
        async with aiohttp.ClientSession() as session:
            await session.post(
                f"{one.url}/bot111:A/sendMessage", json={"chat_id": one_user.id, "text": "1"}
            )
        assert one_user.last().text == "1"
        assert two_user.messages == []
        assert len(one.calls) == 1 and two.calls == []


# ================================================================== Telegram's rules


async def test_text_length_limits(fake: FakeBotApi, raw: RawApi) -> None:
    user = fake.user()
    await raw.ok("sendMessage", chat_id=user.id, text="a" * 4096)
    await raw.ok(
        "sendMessage", chat_id=user.id, text="<b>" + "a" * 4096 + "</b>", parse_mode="HTML"
    )
    await raw.ok("sendMessage", chat_id=user.id, text="é" * 4096)
    assert await raw.error("sendMessage", chat_id=user.id, text="a" * 4097) == (
        400,
        "Bad Request: message is too long",
    )
    # an emoji counts as two UTF-16 code units
    assert (await raw.error("sendMessage", chat_id=user.id, text="😀" * 2049))[1] == (
        "Bad Request: message is too long"
    )
    for empty in ("", "   \n ", "<b> </b>"):
        assert await raw.error("sendMessage", chat_id=user.id, text=empty, parse_mode="HTML") == (
            400,
            "Bad Request: message text is empty",
        )
    # leading and trailing whitespace is stripped, like Telegram does
    await raw.ok("sendMessage", chat_id=user.id, text="\n  hoi  \n")
    assert user.last().text == "hoi"


async def test_caption_length_limit(fake: FakeBotApi, raw: RawApi, bot: telegram.Bot) -> None:
    user = fake.user()
    photo = await bot.send_photo(user.id, photo=b"\x89PNG\r\n\x1a\n" + bytes(20))
    file_id = photo.photo[-1].file_id
    await raw.ok("sendPhoto", chat_id=user.id, photo=file_id, caption="c" * 1024)
    assert await raw.error("sendPhoto", chat_id=user.id, photo=file_id, caption="c" * 1025) == (
        400,
        "Bad Request: message caption is too long",
    )


async def test_photos_by_upload_and_file_id_and_what_telegram_refuses(
    fake: FakeBotApi, raw: RawApi, bot: telegram.Bot
) -> None:
    user = fake.user()
    png = (QUESTIONNAIRES / "images" / "buurtschouw.png").read_bytes()
    sent = await bot.send_photo(user.id, photo=png)
    assert (sent.photo[-1].width, sent.photo[-1].height) == (480, 320)
    again = await bot.send_photo(user.id, photo=sent.photo[-1].file_id)
    assert again.photo[-1].file_id == sent.photo[-1].file_id and user.last().photo == png
    refused = [
        (b"<html>404 Not Found</html>", "Bad Request: IMAGE_PROCESS_FAILED"),
        (
            b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + (9000).to_bytes(4) + (2000).to_bytes(4),
            "Bad Request: PHOTO_INVALID_DIMENSIONS",
        ),
        (
            b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + (4200).to_bytes(4) + (100).to_bytes(4),
            "Bad Request: PHOTO_INVALID_DIMENSIONS",
        ),
    ]
    for data, said in refused:
        with pytest.raises(telegram.error.BadRequest) as caught:
            await bot.send_photo(user.id, photo=data)
        assert f"Bad Request: {caught.value.message}".lower() == said.lower()
    assert await raw.error("sendPhoto", chat_id=user.id, photo="AgACnotafileid") == (
        400,
        "Bad Request: wrong file identifier/HTTP URL specified",
    )
    document = await bot.send_document(user.id, document=b"tekst", filename="a.txt")
    assert await raw.error("sendPhoto", chat_id=user.id, photo=document.document.file_id) == (
        400,
        "Bad Request: can't use file of type Document as Photo",
    )


async def test_formatting_errors(fake: FakeBotApi, raw: RawApi) -> None:
    user = fake.user()
    cases = [
        ("HTML", "<b>vet", 'Can\'t find end tag corresponding to start tag "b"'),
        ("HTML", "1 < 2", 'Unsupported start tag "" at byte offset 2'),
        ("HTML", "<br>", 'Unsupported start tag "br" at byte offset 0'),
        ("MarkdownV2", "Klaar.", "Character '.' is reserved and must be escaped with the"),
        ("MarkdownV2", "*vet", "Can't find end of Bold entity at byte offset 0"),
        ("Markdown", "snake_case", "Can't find end of the entity starting at byte offset 5"),
    ]
    for mode, text, reason in cases:
        status, description = await raw.error(
            "sendMessage", chat_id=user.id, text=text, parse_mode=mode
        )
        assert status == 400
        assert description.startswith(f"Bad Request: can't parse entities: {reason}")
    assert await raw.error("sendMessage", chat_id=user.id, text="x", parse_mode="BBCode") == (
        400,
        "Bad Request: unsupported parse_mode",
    )
    assert len(fake.rejected) == len(cases) + 1
    assert user.messages == []


async def test_formatted_message_is_stored_with_entities(fake: FakeBotApi, raw: RawApi) -> None:
    user = fake.user()
    result = await raw.ok(
        "sendMessage", chat_id=user.id, text="<b>Dag</b> &amp; welkom", parse_mode="HTML"
    )
    assert result["text"] == "Dag & welkom"
    assert result["entities"] == [{"type": "bold", "offset": 0, "length": 3}]
    assert result["from"]["is_bot"] is True
    message = user.last()
    assert (message.text, message.html, message.parse_mode) == (
        "Dag & welkom",
        "<b>Dag</b> &amp; welkom",
        "HTML",
    )


@pytest.mark.parametrize(
    ("button", "description"),
    [
        ({"text": "x", "callback_data": "a" * 65}, "Bad Request: BUTTON_DATA_INVALID"),
        ({"text": "x", "callback_data": "é" * 33}, "Bad Request: BUTTON_DATA_INVALID"),
        ({"text": "x", "callback_data": ""}, "Bad Request: BUTTON_DATA_INVALID"),
        (
            {"text": "x"},
            "Bad Request: can't parse inline keyboard button: "
            "Text buttons are unallowed in the inline keyboard",
        ),
        (
            {"text": "x", "callback_data": "a", "url": "https://example.org"},
            "Bad Request: can't parse inline keyboard button: exactly one of the optional "
            "fields must be used, found url, callback_data",
        ),
        (
            {"text": "x", "url": "not a url"},
            "Bad Request: inline keyboard button URL 'not a url' is invalid: Wrong HTTP URL",
        ),
        (
            {"callback_data": "a"},
            "Bad Request: can't parse parameter \"reply_markup\": can't find field "
            '"inline_keyboard[0][0].text" (required in InlineKeyboardButton)',
        ),
    ],
)
async def test_inline_keyboard_rules(
    fake: FakeBotApi, raw: RawApi, button: dict[str, Any], description: str
) -> None:
    user = fake.user()
    markup = {"inline_keyboard": [[button]]}
    assert await raw.error("sendMessage", chat_id=user.id, text="x", reply_markup=markup) == (
        400,
        description,
    )


async def test_callback_data_limit_is_in_bytes(fake: FakeBotApi, raw: RawApi) -> None:
    user = fake.user()
    for data in ("a" * 64, "é" * 32, "x"):
        markup = {"inline_keyboard": [[{"text": "ok", "callback_data": data}]]}
        await raw.ok("sendMessage", chat_id=user.id, text="x", reply_markup=markup)
    assert user.last().button_data == [["x"]]


async def test_editing(fake: FakeBotApi, raw: RawApi) -> None:
    user = fake.user()
    sent = await raw.ok("sendMessage", chat_id=user.id, text="Vraag", reply_markup=KEYBOARD)
    ids = {"chat_id": user.id, "message_id": sent["message_id"]}
    not_modified = (
        "Bad Request: message is not modified: specified new message content and reply markup "
        "are exactly the same as a current content and reply markup of the message"
    )
    assert await raw.error("editMessageText", text="Vraag", reply_markup=KEYBOARD, **ids) == (
        400,
        not_modified,
    )
    # the same text in another notation is still the same content
    assert (await raw.error("editMessageReplyMarkup", reply_markup=KEYBOARD, **ids))[1] == (
        not_modified
    )
    # an edit without reply_markup removes the inline keyboard, as in Telegram
    edited = await raw.ok("editMessageText", text="Vraag", **ids)
    assert "reply_markup" not in edited
    assert edited["edit_date"] >= edited["date"]
    message = user.last()
    assert (message.text, message.buttons, message.edits) == ("Vraag", [], 1)
    await raw.ok("editMessageText", text="<i>Nieuw</i>", parse_mode="HTML", **ids)
    assert (message.text, message.html, message.edits) == ("Nieuw", "<i>Nieuw</i>", 2)
    assert await raw.error("editMessageText", chat_id=user.id, message_id=999, text="x") == (
        400,
        "Bad Request: message to edit not found",
    )
    assert await raw.error("editMessageCaption", caption="x", **ids) == (
        400,
        "Bad Request: there is no caption in the message to edit",
    )
    own = await user.send("mijn bericht")
    assert await raw.error("editMessageText", chat_id=user.id, message_id=own, text="gehackt") == (
        400,
        "Bad Request: message can't be edited",
    )


async def test_deleting(fake: FakeBotApi, raw: RawApi) -> None:
    user = fake.user()
    sent = await raw.ok("sendMessage", chat_id=user.id, text="weg ermee")
    ids = {"chat_id": user.id, "message_id": sent["message_id"]}
    assert await raw.ok("deleteMessage", **ids) is True
    assert user.last().deleted
    assert await raw.error("deleteMessage", **ids) == (
        400,
        "Bad Request: message to delete not found",
    )
    assert await raw.error("editMessageText", text="x", **ids) == (
        400,
        "Bad Request: message to edit not found",
    )


async def test_reply_to_unknown_message(fake: FakeBotApi, raw: RawApi) -> None:
    user = fake.user()
    own = await user.send("vraag")
    result = await raw.ok(
        "sendMessage", chat_id=user.id, text="antwoord", reply_parameters={"message_id": own}
    )
    assert result["reply_to_message"]["text"] == "vraag"
    assert await raw.error(
        "sendMessage", chat_id=user.id, text="x", reply_parameters={"message_id": 999}
    ) == (400, "Bad Request: message to be replied not found")


async def test_chat_action(fake: FakeBotApi, raw: RawApi) -> None:
    user = fake.user()
    assert await raw.ok("sendChatAction", chat_id=user.id, action="typing") is True
    assert await raw.error("sendChatAction", chat_id=user.id, action="dancing") == (
        400,
        "Bad Request: wrong parameter action in request",
    )


async def test_bot_commands(fake: FakeBotApi, raw: RawApi, bot: telegram.Bot) -> None:
    await bot.set_my_commands([("start", "Beginnen"), ("help", "Hulp")])
    await bot.set_my_commands([("start", "Start")], language_code="en")
    assert [c.command for c in await bot.get_my_commands()] == ["start", "help"]
    assert [c.description for c in await bot.get_my_commands(language_code="en")] == ["Start"]
    assert fake.commands(language_code="en") == [{"command": "start", "description": "Start"}]
    bad_commands = [
        ([{"command": "Start", "description": "x"}], "Bad Request: BOT_COMMAND_INVALID"),
        ([{"command": "a-b", "description": "x"}], "Bad Request: BOT_COMMAND_INVALID"),
        ([{"command": "a" * 33, "description": "x"}], "Bad Request: BOT_COMMAND_INVALID"),
        ([{"command": "a", "description": ""}], "Bad Request: BOT_COMMAND_DESCRIPTION_INVALID"),
        (
            [{"command": "a", "description": "d" * 257}],
            "Bad Request: BOT_COMMAND_DESCRIPTION_INVALID",
        ),
    ]
    for commands, description in bad_commands:
        assert await raw.error("setMyCommands", commands=commands) == (400, description)
    assert await raw.error(
        "setMyCommands", commands=[{"command": "a", "description": "b"}], language_code="nld"
    ) == (400, "Bad Request: invalid language code specified")
    await bot.delete_my_commands()
    assert await bot.get_my_commands() == ()


async def test_other_methods_of_the_spec_are_accepted(fake: FakeBotApi, bot: telegram.Bot) -> None:
    assert await bot.set_my_description("Inspraak voor inwoners") is True
    assert (await bot.get_my_name()).name == ""
    assert await bot.set_chat_menu_button() is True
    user = fake.user()
    venue = await bot.send_venue(user.id, 52.1, 5.1, "Stadhuis", "Markt 1")
    assert venue.message_id == user.last().message_id
    chat = await bot.get_chat(user.id)
    assert (chat.id, chat.type, chat.first_name) == (user.id, "private", "Inwoner")
    assert fake.rejected == []


async def test_poll_and_location(fake: FakeBotApi, bot: telegram.Bot) -> None:
    user = fake.user()
    poll = await bot.send_poll(user.id, "Meer groen in de wijk?", ["Ja", "Nee"])
    assert poll.poll is not None and [o.text for o in poll.poll.options] == ["Ja", "Nee"]
    location = await bot.send_location(user.id, 52.09, 5.12)
    assert location.location is not None and location.location.latitude == 52.09


# ================================================================== callback queries


async def test_press_and_answer(fake: FakeBotApi, bot: telegram.Bot) -> None:
    user = fake.user(first_name="Anna")
    await bot.send_message(user.id, "Doe je mee?", reply_markup=keyboard("Ja, graag", "Nee"))
    shown = await user.next_message()
    assert shown.buttons == [["Ja, graag", "Nee"]]
    assert shown.button_data == [["ja, graag", "nee"]]
    query_id = await user.press("graag")  # a unique part of the label is enough
    assert [q.id for q in fake.unanswered_callback_queries()] == [query_id]
    (update,) = await bot.get_updates()
    query = update.callback_query
    assert query is not None and query.id == query_id
    assert query.data == "ja, graag"
    assert query.from_user.first_name == "Anna"
    assert query.message is not None and query.message.message_id == shown.message_id
    assert query.chat_instance
    await query.answer("Bedankt!")
    answer = await user.wait_callback_answered(query_id)
    assert (answer.text, answer.show_alert) == ("Bedankt!", False)
    fake.assert_clean()
    with pytest.raises(BadRequest, match="Query is too old and response timeout expired"):
        await query.answer()
    assert fake.rejected[-1].method == "answerCallbackQuery"


async def test_answer_rules(fake: FakeBotApi, raw: RawApi) -> None:
    assert await raw.error("answerCallbackQuery", callback_query_id="123") == (
        400,
        "Bad Request: query is too old and response timeout expired or query ID is invalid",
    )
    user = fake.user()
    await raw.ok("sendMessage", chat_id=user.id, text="?", reply_markup=KEYBOARD)
    query_id = await user.press("Ja")
    assert await raw.error("answerCallbackQuery", callback_query_id=query_id, text="x" * 201) == (
        400,
        "Bad Request: MESSAGE_TOO_LONG",
    )
    await raw.ok("answerCallbackQuery", callback_query_id=query_id, text="x" * 200)


async def test_press_errors(fake: FakeBotApi, raw: RawApi) -> None:
    user = fake.user()
    with pytest.raises(AssertionError, match="No inline button 'Ja'"):
        await user.press("Ja")
    markup = {
        "inline_keyboard": [
            [{"text": "Optie 1", "callback_data": "1"}, {"text": "Optie 2", "callback_data": "2"}],
            [{"text": "Website", "url": "https://example.org"}],
        ]
    }
    await raw.ok("sendMessage", chat_id=user.id, text="Kies", reply_markup=markup)
    with pytest.raises(AssertionError, match="ambiguous"):
        await user.press("Optie")
    with pytest.raises(AssertionError, match="is a url button"):
        await user.press("Website")
    with pytest.raises(AssertionError, match=r"Available buttons by message id: \{1: "):
        await user.press("Misschien")


async def test_press_uses_the_newest_message_with_the_button(
    fake: FakeBotApi, raw: RawApi, bot: telegram.Bot
) -> None:
    user = fake.user()
    first = await raw.ok("sendMessage", chat_id=user.id, text="1", reply_markup=KEYBOARD)
    second = await raw.ok("sendMessage", chat_id=user.id, text="2", reply_markup=KEYBOARD)
    await raw.ok("sendMessage", chat_id=user.id, text="zonder knoppen")
    await user.press("Ja")
    await user.press("Ja", message=user.messages[0])
    updates = await bot.get_updates()
    pressed_on = [
        u.callback_query.message.message_id
        for u in updates
        if u.callback_query and u.callback_query.message
    ]
    assert pressed_on == [second["message_id"], first["message_id"]]


async def test_forged_callback_data(fake: FakeBotApi, raw: RawApi, bot: telegram.Bot) -> None:
    user = fake.user()
    sent = await raw.ok("sendMessage", chat_id=user.id, text="?", reply_markup=KEYBOARD)
    await user.press_data("admin:delete_all")
    await user.press_data("x" * 300, message_id=sent["message_id"])
    updates = await bot.get_updates()
    assert [u.callback_query.data for u in updates if u.callback_query] == [
        "admin:delete_all",
        "x" * 300,
    ]


async def test_assert_clean_lists_problems(fake: FakeBotApi, raw: RawApi) -> None:
    user = fake.user()
    fake.assert_clean()
    await raw.ok("sendMessage", chat_id=user.id, text="?", reply_markup=KEYBOARD)
    query_id = await user.press("Ja")
    await raw.error("sendMessage", chat_id=user.id, text="a" * 5000)
    with pytest.raises(AssertionError) as info:
        fake.assert_clean()
    report = str(info.value)
    assert "message is too long" in report
    assert f"id={query_id}" in report
    assert not await fake.settle(timeout=0.2)

    async def answer_later() -> None:
        await asyncio.sleep(0.1)
        await raw.ok("answerCallbackQuery", callback_query_id=query_id)

    task = asyncio.create_task(answer_later())
    await raw.ok("getUpdates", offset=10**6)  # the "bot" fetched everything
    assert await fake.settle(timeout=5)
    await task
    fake.rejected.clear()
    fake.assert_clean()


# ================================================================== faults and limits


# python-telegram-bot 22 warns (PTBDeprecationWarning) whenever it builds a RetryAfter
@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")
async def test_injected_failures(fake: FakeBotApi, raw: RawApi, bot: telegram.Bot) -> None:
    user = fake.user()
    fake.fail_next("sendMessage", count=2)
    with pytest.raises(NetworkError, match="Internal Server Error"):
        await bot.send_message(user.id, "1")
    status, body = await raw.call("sendMessage", chat_id=user.id, text="2")
    assert (status, body) == (
        500,
        {"ok": False, "error_code": 500, "description": "Internal Server Error"},
    )
    await bot.send_message(user.id, "3")
    fake.fail_next("sendmessage", status=429, retry_after=7)
    with pytest.raises(RetryAfter, match="Retry in 7"):
        await bot.send_message(user.id, "4")
    assert [m.text for m in user.messages] == ["3"]
    assert fake.rejected == []  # injected faults are not the bot's fault
    assert [c.ok for c in fake.calls if c.method == "sendMessage"] == [False, False, True, False]
    with pytest.raises(ValueError, match="unknown Bot API method"):
        fake.fail_next("sendTelepathy")


async def test_flood_limit(fake: FakeBotApi, raw: RawApi) -> None:
    user = fake.user()
    fake.set_flood_limit(per_second=3)
    for i in range(3):
        await raw.ok("sendMessage", chat_id=user.id, text=str(i))
    status, body = await raw.call("sendMessage", chat_id=user.id, text="te veel")
    assert status == 429
    assert body["description"] == "Too Many Requests: retry after 1"
    assert body["parameters"] == {"retry_after": 1}
    fake.set_flood_limit(per_second=None, per_chat_per_second=1)
    other = fake.user()
    await raw.ok("sendMessage", chat_id=user.id, text="a")
    await raw.ok("sendMessage", chat_id=other.id, text="b")
    assert (await raw.call("sendMessage", chat_id=user.id, text="c"))[0] == 429
    fake.set_flood_limit(per_second=None)
    await raw.ok("sendMessage", chat_id=user.id, text="d")
    assert fake.rejected == []


async def test_blocked_user(fake: FakeBotApi, bot: telegram.Bot) -> None:
    user = fake.user()
    await user.send("/start")
    user.block_bot()
    with pytest.raises(Forbidden, match="bot was blocked by the user"):
        await bot.send_message(user.id, "Nieuwe peiling!")
    updates = await bot.get_updates()
    member_update = updates[-1].my_chat_member
    assert member_update is not None
    assert member_update.new_chat_member.status == "kicked"
    assert fake.rejected == []
    await user.send("/start")  # writing to the bot again unblocks it
    offset = updates[-1].update_id + 1
    unblocked, start = await bot.get_updates(offset=offset)
    assert unblocked.my_chat_member is not None
    assert unblocked.my_chat_member.new_chat_member.status == "member"
    assert start.message is not None and start.message.text == "/start"
    await bot.send_message(user.id, "Welkom terug")
    fake.block(user.id)
    fake.unblock(user.id)
    await bot.send_message(user.id, "Nog steeds welkom")
    assert fake.rejected == []


# ================================================================== updates


async def test_update_and_user_ids_go_on_above_those_given_before(
    fake: FakeBotApi, raw: RawApi
) -> None:
    """For a bot whose database saw ids of an earlier fake (the sandbox started again):
    new updates and users are numbered above them, and the count never goes down."""
    fake.continue_updates_after(500)
    fake.continue_user_ids_after(2_000_000)
    user = fake.user()
    assert user.id == 2_000_001
    await user.send("hallo")
    fake.continue_updates_after(7)  # lower: changes nothing
    fake.continue_user_ids_after(5)
    await user.send("nog eens")
    assert fake.user().id == 2_000_002
    updates = await raw.ok("getUpdates")
    assert [u["update_id"] for u in updates] == [501, 502]
    assert fake.last_update_id == 502


async def test_long_polling_and_offsets(fake: FakeBotApi, raw: RawApi) -> None:
    user = fake.user()
    started = time.monotonic()
    poll = asyncio.create_task(raw.ok("getUpdates", timeout=5))
    await asyncio.sleep(0.1)
    assert not poll.done()
    await user.send("hallo")
    updates = await poll
    assert time.monotonic() - started < 2
    assert len(updates) == 1
    update = updates[0]
    message = update["message"]
    assert message["text"] == "hallo"
    assert message["from"] == {
        "id": user.id,
        "is_bot": False,
        "first_name": "Inwoner",
        "language_code": "nl",
    }
    assert message["chat"] == {"id": user.id, "type": "private", "first_name": "Inwoner"}
    # not confirmed yet: returned again
    assert await raw.ok("getUpdates") == updates
    await user.send("/start")
    await user.send("/help extra")
    both = await raw.ok("getUpdates", offset=update["update_id"] + 1)
    assert [u["message"]["text"] for u in both] == ["/start", "/help extra"]
    assert both[0]["message"]["entities"] == [{"type": "bot_command", "offset": 0, "length": 6}]
    assert [u["update_id"] for u in both] == [update["update_id"] + 1, update["update_id"] + 2]
    assert len(await raw.ok("getUpdates", offset=both[0]["update_id"] + 1, limit=5)) == 1
    assert await raw.ok("getUpdates", offset=-1) == [both[1]]
    started = time.monotonic()
    assert await raw.ok("getUpdates", offset=both[1]["update_id"] + 1, timeout=1) == []
    assert time.monotonic() - started >= 0.9


async def test_a_second_poller_terminates_the_first(fake: FakeBotApi, raw: RawApi) -> None:
    first = asyncio.create_task(raw.call("getUpdates", timeout=5))
    await asyncio.sleep(0.1)
    assert await raw.ok("getUpdates") == []
    status, body = await first
    assert status == 409
    assert body["description"].startswith("Conflict: terminated by other getUpdates request")
    assert len(fake.rejected) == 1


async def test_user_messages_deserialize_in_python_telegram_bot(
    fake: FakeBotApi, bot: telegram.Bot
) -> None:
    user = fake.user(first_name="Piet")
    await user.send("/start@samenspraak_test_bot")
    await user.send_sticker()
    await user.send_photo(caption="De stoep")
    await user.send_voice()
    await user.send_location(52.37, 4.89)
    await user.send_contact()
    await user.send_document("wensen.txt", b"meer bankjes", "text/plain", caption="zie bijlage")
    reply = await user.send("antwoord", reply_to=2)
    messages = [u.message for u in await bot.get_updates()]
    assert all(m is not None for m in messages)
    start, sticker, photo, voice, location, contact, document, answer = messages
    assert start is not None and start.entities[0].length == len("/start@samenspraak_test_bot")
    assert sticker is not None and sticker.sticker is not None and sticker.sticker.emoji == "👍"
    assert photo is not None and photo.caption == "De stoep" and len(photo.photo) == 2
    assert photo.photo[-1].width == 64
    assert voice is not None and voice.voice is not None and voice.voice.mime_type == "audio/ogg"
    assert location is not None and location.location is not None
    assert contact is not None and contact.contact is not None
    assert contact.contact.user_id == user.id
    assert document is not None and document.document is not None
    assert document.document.file_name == "wensen.txt"
    file = await bot.get_file(document.document.file_id)
    assert bytes(await file.download_as_bytearray()) == b"meer bankjes"
    photo_file = await bot.get_file(photo.photo[0].file_id)
    assert (await photo_file.download_as_bytearray()).startswith(b"\x89PNG")
    assert answer is not None and answer.message_id == reply
    assert answer.reply_to_message is not None and answer.reply_to_message.message_id == 2


@pytest.fixture
async def receiver() -> AsyncIterator[
    tuple[str, list[tuple[dict[str, Any], str | None]], list[int]]
]:
    """A webhook endpoint; fails with 500 as long as ``failures[0] > 0``."""
    received: list[tuple[dict[str, Any], str | None]] = []
    failures = [0]

    async def handle(request: web.Request) -> web.Response:
        if failures[0] > 0:
            failures[0] -= 1
            return web.Response(status=500)
        received.append(
            (await request.json(), request.headers.get("X-Telegram-Bot-Api-Secret-Token"))
        )
        return web.Response()

    app = web.Application()
    app.router.add_post("/hook", handle)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    try:
        yield f"http://127.0.0.1:{port}/hook", received, failures
    finally:
        await runner.cleanup()


async def test_webhook_delivery(
    fake: FakeBotApi,
    raw: RawApi,
    receiver: tuple[str, list[tuple[dict[str, Any], str | None]], list[int]],
) -> None:
    url, received, failures = receiver
    user = fake.user()
    await user.send("voor de webhook")  # pending, delivered once the webhook is set
    assert await raw.ok("setWebhook", url=url, secret_token="geheim_123") is True
    assert await raw.error("getUpdates") == (
        409,
        "Conflict: can't use getUpdates method while webhook is active; "
        "use deleteWebhook to delete the webhook first",
    )
    failures[0] = 2  # the bot is briefly down: Telegram retries
    await user.send("na de webhook")
    assert await fake.settle(timeout=5)
    assert [u["message"]["text"] for u, _ in received] == ["voor de webhook", "na de webhook"]
    assert {secret for _, secret in received} == {"geheim_123"}
    info = await raw.ok("getWebhookInfo")
    assert info["url"] == url
    assert info["pending_update_count"] == 0
    assert (
        info["last_error_message"] == "Wrong response from the webhook: 500 Internal Server Error"
    )
    failures[0] = 100
    await user.send("komt nooit aan")
    assert await fake.settle(timeout=5)
    assert [u["message"]["text"] for u, _ in fake.webhook_failures] == ["komt nooit aan"]
    assert await raw.error("setWebhook", url=url, secret_token="met spatie") == (
        400,
        "Bad Request: bad webhook: secret token contains unallowed characters",
    )
    assert await raw.ok("deleteWebhook") is True
    await user.send("weer via getUpdates")
    assert [u["message"]["text"] for u in await raw.ok("getUpdates")] == ["weer via getUpdates"]


# ================================================================== files


async def test_document_upload_and_download(fake: FakeBotApi, raw: RawApi) -> None:
    user = fake.user()
    form = aiohttp.FormData()
    form.add_field("chat_id", str(user.id))
    form.add_field("caption", "<b>Verslag</b>")
    form.add_field("parse_mode", "HTML")
    form.add_field("reply_markup", json.dumps(KEYBOARD))
    form.add_field(
        "document", b"%PDF-1.4 verslag", filename="verslag.pdf", content_type="application/pdf"
    )
    async with raw.session.post(raw.url("sendDocument"), data=form) as response:
        body = await response.json()
    assert body["ok"], body
    document = body["result"]["document"]
    assert document["file_name"] == "verslag.pdf"
    assert document["mime_type"] == "application/pdf"
    assert body["result"]["caption"] == "Verslag"
    message = await user.next_message()
    assert (message.document, message.document_name, message.caption) == (
        b"%PDF-1.4 verslag",
        "verslag.pdf",
        "Verslag",
    )
    assert message.buttons == [["Ja"]]
    file = await raw.ok("getFile", file_id=document["file_id"])
    assert file["file_size"] == len(b"%PDF-1.4 verslag")
    async with raw.session.get(f"{fake.url}/file/bot{fake.token}/{file['file_path']}") as r:
        assert r.status == 200
        assert await r.read() == b"%PDF-1.4 verslag"
    async with raw.session.get(f"{fake.url}/file/botWRONG/{file['file_path']}") as r:
        assert r.status == 401
    async with raw.session.get(f"{fake.url}/file/bot{fake.token}/documents/nope.pdf") as r:
        assert r.status == 404
    assert await raw.error("getFile", file_id="nope") == (400, "Bad Request: invalid file_id")
    assert await raw.error("sendDocument", chat_id=user.id, document="nope") == (
        400,
        "Bad Request: wrong file identifier/HTTP URL specified",
    )


async def test_ptb_upload_photo_and_document(fake: FakeBotApi, bot: telegram.Bot) -> None:
    user = fake.user()
    sent = await bot.send_document(
        user.id, document=b"a;b\n1;2\n", filename="uitslag.csv", caption="Uitslag"
    )
    assert sent.document is not None and sent.document.file_name == "uitslag.csv"
    file = await bot.get_file(sent.document.file_id)
    assert bytes(await file.download_as_bytearray()) == b"a;b\n1;2\n"
    message = await user.next_message()
    assert message.document == b"a;b\n1;2\n"
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x02\x00\x00\x00\x01\x80" + bytes(20)
    photo = await bot.send_photo(user.id, photo=png, caption="Kaart")
    assert (photo.photo[-1].width, photo.photo[-1].height) == (512, 384)
    shown = await user.next_message()
    assert (shown.kind, shown.photo, shown.caption) == ("photo", png, "Kaart")
    # a file id can be sent again
    again = await bot.send_document(user.id, document=sent.document.file_id)
    assert again.document is not None and again.document.file_name == "uitslag.csv"


# ================================================================== PTB error mapping


async def test_ptb_sees_telegram_errors(fake: FakeBotApi, bot: telegram.Bot) -> None:
    user = fake.user()
    with pytest.raises(BadRequest, match="Message is too long"):
        await bot.send_message(user.id, "x" * 4097)
    with pytest.raises(BadRequest, match="Can't parse entities: unsupported start tag"):
        await bot.send_message(user.id, "<p>Hallo</p>", parse_mode="HTML")
    with pytest.raises(BadRequest, match=r"(?i)character '!' is reserved"):
        await bot.send_message(user.id, "Hallo!", parse_mode="MarkdownV2")
    with pytest.raises(BadRequest, match="Button_data_invalid"):
        await bot.send_message(user.id, "x", reply_markup=keyboard("x" * 65))
    with pytest.raises(BadRequest, match="Chat not found"):
        await bot.send_message(999, "x")
    sent = await bot.send_message(user.id, "Vraag", reply_markup=keyboard("Ja"))
    with pytest.raises(BadRequest, match="Message is not modified"):
        await sent.edit_text("Vraag", reply_markup=keyboard("Ja"))
    assert len(fake.rejected) == 6


# ================================================================== groups and events


async def test_group_chat(fake: FakeBotApi, bot: telegram.Bot) -> None:
    group = fake.group(title="Ambtenaren Wonen")
    alice = group.member(first_name="Alice", admin=True)
    bob = group.member(first_name="Bob")
    await alice.send("/stats@samenspraak_test_bot")
    (update,) = await bot.get_updates()
    message = update.message
    assert message is not None
    assert (message.chat.id, message.chat.type, message.chat.title) == (
        group.id,
        "group",
        "Ambtenaren Wonen",
    )
    assert message.from_user is not None and message.from_user.id == alice.id
    assert message.entities[0].length == len("/stats@samenspraak_test_bot")
    await bot.send_message(group.id, "Er zijn 12 reacties", reply_markup=keyboard("Details"))
    assert (await group.next_message()).text == "Er zijn 12 reacties"
    assert (await bob.next_message()).text == "Er zijn 12 reacties"
    query_id = await bob.press("Details")
    assert fake.callback_query(query_id).user_id == bob.id
    admins = await bot.get_chat_administrators(group.id)
    assert {a.user.id for a in admins} == {fake.bot_id, alice.id}
    assert (await bot.get_chat_member(group.id, bob.id)).status == "member"
    assert group.id < 0


async def test_next_message_timeout_explains(fake: FakeBotApi, raw: RawApi) -> None:
    user = fake.user()
    await raw.ok("sendMessage", chat_id=user.id, text="eerste")
    assert (await user.next_message()).text == "eerste"
    await raw.error("sendMessage", chat_id=user.id, text="<b>kapot", parse_mode="HTML")
    with pytest.raises(TimeoutError) as info:
        await user.next_message(timeout=0.2)
    text = str(info.value)
    assert "No message from the bot in chat" in text
    assert "'eerste'" in text
    assert "Can't find end tag" in text


async def test_cursor_helpers(fake: FakeBotApi, raw: RawApi) -> None:
    user = fake.user()
    for text in ("a", "b", "c"):
        await raw.ok("sendMessage", chat_id=user.id, text=text)
    assert [m.text for m in await user.next_messages(2)] == ["a", "b"]
    assert [m.text for m in user.drain()] == ["c"]
    reply = asyncio.create_task(user.ask("nog iets?", timeout=2))
    await asyncio.sleep(0.05)
    await raw.ok("sendMessage", chat_id=user.id, text="ja")
    assert (await reply).text == "ja"
    keyboard_markup = {"keyboard": [["Ja", "Nee"]], "resize_keyboard": True}
    await raw.ok("sendMessage", chat_id=user.id, text="kies", reply_markup=keyboard_markup)
    assert user.reply_keyboard() == [["Ja", "Nee"]]
    await raw.ok(
        "sendMessage", chat_id=user.id, text="dank", reply_markup={"remove_keyboard": True}
    )
    assert user.reply_keyboard() is None


async def test_subscribers_see_events(fake: FakeBotApi, raw: RawApi) -> None:
    seen: list[SandboxEvent] = []
    async_seen: list[str] = []

    async def async_subscriber(event: SandboxEvent) -> None:
        async_seen.append(event.kind)

    unsubscribe = fake.subscribe(seen.append)
    fake.subscribe(async_subscriber)
    user = fake.user()
    await user.send("hoi")
    sent = await raw.ok("sendMessage", chat_id=user.id, text="?", reply_markup=KEYBOARD)
    query_id = await user.press("Ja")
    await raw.ok("answerCallbackQuery", callback_query_id=query_id)
    await raw.ok("editMessageText", chat_id=user.id, message_id=sent["message_id"], text="!")
    await raw.ok("deleteMessage", chat_id=user.id, message_id=sent["message_id"])
    await asyncio.sleep(0.01)
    kinds = ["user_message", "message", "callback_query", "callback_answered", "edited", "deleted"]
    assert [e.kind for e in seen] == kinds
    assert async_seen == kinds
    unsubscribe()
    await user.send("stil")
    assert len(seen) == len(kinds)


async def test_user_edits_own_message(fake: FakeBotApi, bot: telegram.Bot) -> None:
    user = fake.user()
    message_id = await user.send("Ik wil meer parkeerplaatsen")
    await user.edit(message_id, "Ik wil meer fietsenstallingen")
    _original, second = await bot.get_updates()
    assert second.edited_message is not None
    assert second.edited_message.message_id == message_id
    assert second.edited_message.text == "Ik wil meer fietsenstallingen"
    with pytest.raises(AssertionError, match="no text message"):
        await user.edit(999, "x")


class _Transport:
    def __init__(self, closing: bool) -> None:
        self.closing = closing

    def is_closing(self) -> bool:
        return self.closing


class _Request:
    def __init__(self, transport: _Transport | None) -> None:
        self.transport = transport


@pytest.mark.parametrize("transport", [None, _Transport(closing=True)], ids=["gone", "closing"])
def test_a_call_whose_client_went_away_comes_to_nothing(transport: _Transport | None) -> None:
    """A bot that stopped waiting (its read timeout, on a busy machine) assumes the call did
    nothing and tries again; the fake does not carry out a call whose client went away
    before it got to it (else the second try of an edit would be refused as "message is not
    modified"), and says so as a fault of the connection, not of the bot."""
    with pytest.raises(InjectedFault) as raised:
        Faults.gone(cast(web.Request, _Request(transport)))
    assert (raised.value.error_code, raised.value.description) == (499, "client went away")
    Faults.gone(cast(web.Request, _Request(_Transport(closing=False))))  # still there: goes on

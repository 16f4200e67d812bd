"""A complete python-telegram-bot ``Application`` (long polling) against the fake API."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from sandbox.fakeapi import FakeBotApi


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.message is not None
    await update.message.reply_html(
        "<b>Welkom!</b> Wil je meedoen aan de peiling over <i>groen in de wijk</i>?",
        reply_markup=InlineKeyboardMarkup(
            [
                [
                    InlineKeyboardButton("Ja, graag", callback_data="join:yes"),
                    InlineKeyboardButton("Nee", callback_data="join:no"),
                ]
            ]
        ),
    )


async def button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    assert query is not None
    await query.answer("Bedankt!")
    await query.edit_message_text(f"Je koos: {query.data}")


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.message is not None and update.message.text is not None
    await update.message.reply_text(f"Ontvangen: {update.message.text}")


def build(fake: FakeBotApi) -> Application:  # type: ignore[type-arg]
    app = (
        Application.builder()
        .token(fake.token)
        .base_url(fake.base_url)
        .base_file_url(fake.base_file_url)
        .build()
    )
    app.add_handler(CommandHandler("start", start))
    app.add_handler(CallbackQueryHandler(button))
    app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, echo))
    return app


@contextlib.asynccontextmanager
async def polling(fake: FakeBotApi) -> AsyncIterator[None]:
    """The application long-polling the fake until the block ends (then idle and stopped)."""
    app = build(fake)
    async with app:
        await app.start()
        assert app.updater is not None
        await app.updater.start_polling(poll_interval=0, timeout=5)
        yield
        assert await fake.settle()
        await app.updater.stop()
        await app.stop()
    # stopping the updater aborts a long poll: not a rejected call
    fake.assert_clean()


async def test_application_with_polling(fake: FakeBotApi) -> None:
    async with polling(fake):
        resident = fake.user(first_name="Fatima")
        welcome = await resident.ask("/start")
        assert welcome.text == "Welkom! Wil je meedoen aan de peiling over groen in de wijk?"
        assert welcome.parse_mode == "HTML"
        assert welcome.buttons == [["Ja, graag", "Nee"]]
        query_id = await resident.press("Ja")
        answer = await resident.wait_callback_answered(query_id)
        assert answer.text == "Bedankt!"
        edited = await resident.next_edit()
        assert edited is welcome
        assert (welcome.text, welcome.buttons, welcome.edits) == ("Je koos: join:yes", [], 1)
        assert (await resident.ask("Meer bomen!")).text == "Ontvangen: Meer bomen!"


async def test_many_concurrent_residents(fake: FakeBotApi) -> None:
    async with polling(fake):
        residents = [fake.user(first_name=f"Inwoner {i}") for i in range(100)]

        async def converse(index: int) -> None:
            resident = residents[index]
            for turn in range(3):
                reply = await resident.ask(f"bericht {index}.{turn}", timeout=20)
                assert reply.text == f"Ontvangen: bericht {index}.{turn}"

        await asyncio.gather(*(converse(i) for i in range(len(residents))))
    sent = [c for c in fake.calls if c.method == "sendMessage"]
    assert len(sent) == 300

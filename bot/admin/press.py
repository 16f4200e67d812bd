"""A pressed administrator's button: who pressed it, and the way its reply goes back to them
(through the feature's :class:`~bot.core.reply.Postman`, after the unit of work), always in
their private chat with the bot."""

from __future__ import annotations

import contextlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from telegram import Bot, CallbackQuery, Update, User
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from bot.core.keyboards import notice
from bot.core.reply import Postman, Reply
from flows.texts import Language, language_of, raw


@dataclass
class Press:
    query: CallbackQuery
    bot: Bot
    postman: Postman
    answered: bool = False

    @property
    def user(self) -> User:
        return self.query.from_user

    @property
    def language(self) -> Language:
        return language_of(self.user.language_code)

    @property
    def chat_id(self) -> int:
        """Where the reply goes: the administrator's private chat with the bot, never the chat
        of the pressed message (``admin_only`` lets only presses made there through)."""
        return self.user.id

    async def answer(self, reply: Reply) -> None:
        """The reply to the press: its notice and edit first, then its messages."""
        self.answered = True
        await self.postman.deliver(self.bot, self.chat_id, reply, self.query)

    async def send(self, reply: Reply) -> None:
        """More messages, once the press was answered."""
        await self.postman.deliver(self.bot, self.chat_id, reply)

    async def notice(self, text: str) -> None:
        """Only a short text on the button (Telegram HTML is made plain and shortened)."""
        await self.answer(Reply(notice=notice(text)))

    async def stale(self) -> None:
        """The answer to a button whose data no longer (or never) meant anything."""
        await self.answer(Reply(notice=raw(self.language, "stale.short")))


async def handle_press(
    update: Update,
    context: ContextTypes.DEFAULT_TYPE,
    postman: Postman,
    handle: Callable[[Press], Awaitable[None]],
) -> None:
    """Run ``handle`` for a pressed button; whatever happens, the button does not keep
    spinning (an error is re-raised for the error handler, which apologises and logs)."""
    query = update.callback_query
    if query is None:
        return
    press = Press(query, context.bot, postman)
    try:
        await handle(press)
    finally:
        if not press.answered:
            with contextlib.suppress(TelegramError):
                await query.answer()

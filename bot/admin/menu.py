"""The administrators' command menu, in their own private chats: the residents' commands plus
/beheer, /moderatie, /terugkoppeling, /uitnodigen and /export.

Set at start-up for every administrator. Telegram refuses it for someone who never wrote to
the bot ("chat not found"); for them it is set at their first update of any kind, then tried
again at most every :data:`RETRY` seconds while it keeps failing.
"""

from __future__ import annotations

import logging
import time

from telegram import Bot, BotCommand, BotCommandScopeChat, Update
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from flows.texts import COMMANDS
from flows.texts.admin import ADMIN_COMMANDS

log = logging.getLogger(__name__)

RETRY = 300.0  # seconds between attempts for one administrator


class AdminMenu:
    """Which administrators still wait for their menu, and setting it."""

    def __init__(self, admin_ids: list[int] | tuple[int, ...]) -> None:
        self.admin_ids = tuple(admin_ids)
        # administrator -> when to try again (time.monotonic()); one entry per administrator
        self._pending: dict[int, float] = {}

    async def set_all(self, bot: Bot) -> None:
        """At start-up: every administrator's menu; whose fails waits for their first update."""
        for admin_id in self.admin_ids:
            if not await self._set(bot, admin_id):
                self._pending[admin_id] = 0.0

    async def on_first_contact(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Any update from an administrator whose menu is not set yet: set it now (also when
        they begin with /start). Never stops the update."""
        user, chat = update.effective_user, update.effective_chat
        if user is None or chat is None or chat.type != chat.PRIVATE:
            return
        retry = self._pending.get(user.id)
        if retry is None or time.monotonic() < retry:
            return
        if await self._set(context.bot, user.id):
            self._pending.pop(user.id, None)
        else:
            self._pending[user.id] = time.monotonic() + RETRY

    @staticmethod
    async def _set(bot: Bot, admin_id: int) -> bool:
        scope = BotCommandScopeChat(admin_id)  # a private chat's id is the user's id
        try:
            for language, code in (("nl", None), ("en", "en")):
                commands = [
                    BotCommand(name, text)
                    for name, text in COMMANDS[language] + ADMIN_COMMANDS[language]
                ]
                await bot.set_my_commands(commands, scope=scope, language_code=code)
        except TelegramError as exc:  # "chat not found": the administrator never wrote to us
            log.warning("administrator menu not set yet (%s); set at their first message", exc)
            return False
        return True

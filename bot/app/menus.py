"""The bot's command menus, one per audience, each in Dutch (for every language) and in
every other language the bot speaks (``language_code="en"``, ``"ar"``...), set with
Telegram's command scopes:

- residents: every private chat (``BotCommandScopeAllPrivateChats``);
- each administrator: their own private chat (``BotCommandScopeChat``), the residents'
  commands and theirs;
- the civil servants' group, DIGEST_CHAT_ID: the group's own commands
  (``BotCommandScopeChat``).

Telegram shows a chat the menu of its most specific scope, so an administrator's chat shows
theirs and the staff group the group's; other groups show none. The default scope (every
chat, groups too) is left empty: versions before these scopes put the residents' menu there,
and Telegram keeps a menu until it is deleted.

Telegram refuses a chat's menu for a chat it does not know (an administrator who never
wrote to the bot); such a chat gets its menu at its first update of any kind, tried again at
most every :data:`RETRY` seconds while it keeps failing.
"""

from __future__ import annotations

import logging
import time

from telegram import (
    Bot,
    BotCommand,
    BotCommandScope,
    BotCommandScopeAllPrivateChats,
    BotCommandScopeChat,
    BotCommandScopeDefault,
    Update,
)
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from bot.core.config import Settings
from flows.texts import (
    DEFAULT_LANGUAGE,
    GROUP_MENU_LANGUAGES,
    LANGUAGES,
    admin_commands,
    commands,
    group_commands,
)

log = logging.getLogger(__name__)

RETRY = 300.0  # seconds between attempts for one chat
#: A menu in every language: language -> (command, description).
Menu = dict[str, list[tuple[str, str]]]
#: Languages a menu of the default scope was set in before the scopes (all deleted).
OLD_DEFAULT_LANGUAGES = (None, "nl", "en")


class Menus:
    """The menus per audience, and which chats still wait for theirs."""

    def __init__(self, settings: Settings) -> None:
        #: The menus of single chats: each administrator's private chat, the staff group.
        self.chats: dict[int, Menu] = {
            admin_id: {lang: commands(lang) + admin_commands(lang) for lang in LANGUAGES}
            for admin_id in settings.admin_user_ids
        }
        if settings.digest_chat_id is not None:
            self.chats[settings.digest_chat_id] = {
                lang: group_commands(lang) for lang in GROUP_MENU_LANGUAGES if lang in LANGUAGES
            }
        # chat -> when to try again (time.monotonic()); one entry per chat
        self._pending: dict[int, float] = {}

    async def set_all(self, bot: Bot) -> None:
        """At start-up: every menu; a chat whose menu fails waits for its first update."""
        for code in OLD_DEFAULT_LANGUAGES:
            await bot.delete_my_commands(BotCommandScopeDefault(), language_code=code)
        residents = {lang: commands(lang) for lang in LANGUAGES}
        await _set(bot, BotCommandScopeAllPrivateChats(), residents)
        for chat_id in self.chats:
            if not await self._set_chat(bot, chat_id):
                self._pending[chat_id] = 0.0

    async def on_first_contact(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Any update in a chat whose menu is not set yet: set it now (an administrator who
        begins with /start too). Never stops the update."""
        chat = update.effective_chat
        if chat is None:
            return
        retry = self._pending.get(chat.id)
        if retry is None or time.monotonic() < retry:
            return
        if await self._set_chat(context.bot, chat.id):
            self._pending.pop(chat.id, None)
        else:
            self._pending[chat.id] = time.monotonic() + RETRY

    async def _set_chat(self, bot: Bot, chat_id: int) -> bool:
        try:
            await _set(bot, BotCommandScopeChat(chat_id), self.chats[chat_id])
        except TelegramError as exc:  # "chat not found": nobody there ever wrote to us
            log.warning("a chat's command menu is not set yet (%s); set at its next update", exc)
            return False
        return True


async def _set(bot: Bot, scope: BotCommandScope, menu: Menu) -> None:
    """``menu`` for ``scope``: Dutch for every language, and each other language its own."""
    for language, items in menu.items():
        listed = [BotCommand(name, text) for name, text in items]
        code = None if language == DEFAULT_LANGUAGE else language
        await bot.set_my_commands(listed, scope=scope, language_code=code)

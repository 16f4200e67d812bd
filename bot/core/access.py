"""Who may do what, and where: administrator checks on the server side, for every admin action.

A hidden command or a button is no protection: anyone can type ``/beheer`` or forge a
callback. Every admin handler is wrapped in :func:`admin_only`, which checks the sender
against ADMIN_USER_IDS, answers a stranger exactly as an unknown command would be answered
(so it reveals nothing; in a group, not at all), and writes the refused attempt to the
audit log.

An administrator acts only in their private chat with the bot: what an admin command or
button shows (questionnaires, drafts, residents' texts, export files) is never posted into
a group. A button pressed on a bot message in a group (the staff group or any other, or an
inline message) and a command typed in a group are refused there: the button is answered
with a short notice, the command with a pointer to the private chat, nothing changes, and
the attempt is in the audit log.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Coroutine
from typing import Any

from telegram import Update
from telegram.constants import ChatType, ParseMode
from telegram.ext import ContextTypes

from bot.core.services import Services
from flows.texts import language_of, raw, t
from storage import audit

log = logging.getLogger(__name__)

Context = ContextTypes.DEFAULT_TYPE
Handler = Callable[[Update, Context], Coroutine[Any, Any, None]]


def is_admin(services: Services, user_id: int | None) -> bool:
    return user_id is not None and user_id in services.settings.admin_user_ids


def admin_only(action: str) -> Callable[[Handler], Handler]:
    """Run the handler for administrators in their private chat only; log and refuse
    anybody else, and an administrator anywhere else."""

    def decorate(handler: Handler) -> Handler:
        @functools.wraps(handler)
        async def guarded(update: Update, context: Context) -> None:
            services: Services = context.bot_data["services"]
            user = update.effective_user
            if not is_admin(services, user.id if user else None):
                await refuse(update, context, action)
                return
            where = elsewhere(update)
            if where is not None:
                await refuse_elsewhere(update, context, action, where)
                return
            await handler(update, context)

        return guarded

    return decorate


def elsewhere(update: Update) -> str | None:
    """Where the update comes from when that is not the sender's private chat with the bot:
    the chat's type ("group", "supergroup", "channel"), or "inline" for a button on an
    inline message; None in the sender's private chat."""
    user = update.effective_user
    query = update.callback_query
    if query is not None:
        if query.message is None:  # an inline message: in whatever chat it was put
            return "inline"
        chat = query.message.chat
    elif update.effective_chat is not None:
        chat = update.effective_chat
    else:
        return "unknown"
    if chat.type == ChatType.PRIVATE and user is not None and chat.id == user.id:
        return None
    return str(chat.type)


async def _record(
    services: Services, action: str, actor: int | None, detail: dict[str, Any]
) -> None:
    async with services.sessions.begin() as db:
        await audit.record(
            db,
            action,
            actor=actor,
            target=None,
            detail=detail,
            allowed=False,
            now=services.clock(),
        )


async def refuse(update: Update, context: Context, action: str) -> None:
    """Log the attempt (by pseudonym, in the audit log) and answer as to an unknown command;
    in a group, a command gets no answer (as residents' commands there)."""
    services: Services = context.bot_data["services"]
    user = update.effective_user
    pseudonym = services.pseudonyms.of(user.id)[:12] if user else None
    log.warning("refused admin action %s for %s", action, pseudonym)
    # Not an administrator: no Telegram id in the log.
    await _record(services, action, None, {"pseudonym": pseudonym})
    language = language_of(user.language_code if user else None)
    query, message = update.callback_query, update.effective_message
    if query is not None:
        await query.answer(raw(language, "stale.short"))
    elif message is not None and message.chat.type == ChatType.PRIVATE:
        await message.reply_text(t(language, "unknown_command"), parse_mode=ParseMode.HTML)


async def refuse_elsewhere(update: Update, context: Context, action: str, where: str) -> None:
    """An administrator's command or button outside their private chat: log it (under the
    administrator, with the kind of chat), change nothing, and say where it does work: on
    the button, or in a reply to the command. Nothing of the action reaches that chat."""
    services: Services = context.bot_data["services"]
    user = update.effective_user
    assert user is not None  # an administrator
    log.warning("refused admin action %s outside the private chat (%s)", action, where)
    await _record(services, action, user.id, {"chat": where})
    language = language_of(user.language_code)
    query = update.callback_query
    if query is not None:
        await query.answer(raw(language, "admin.private.button"))
    elif update.effective_message is not None:
        await update.effective_message.reply_text(
            t(language, "admin.private.command"), parse_mode=ParseMode.HTML
        )

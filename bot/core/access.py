"""Who may do what: administrator checks on the server side, for every admin action.

A hidden command or a button is no protection: anyone can type ``/beheer`` or forge a
callback. Every admin handler is wrapped in :func:`admin_only`, which checks the sender
against ADMIN_USER_IDS, answers a stranger exactly as an unknown command would be answered
(so it reveals nothing), and writes the refused attempt to the audit log.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Coroutine
from typing import Any

from telegram import Update
from telegram.constants import ParseMode
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
    """Run the handler for administrators only; log and refuse anybody else."""

    def decorate(handler: Handler) -> Handler:
        @functools.wraps(handler)
        async def guarded(update: Update, context: Context) -> None:
            services: Services = context.bot_data["services"]
            user = update.effective_user
            if is_admin(services, user.id if user else None):
                await handler(update, context)
                return
            await refuse(update, context, action)

        return guarded

    return decorate


async def refuse(update: Update, context: Context, action: str) -> None:
    """Log the attempt (by pseudonym, in the audit log) and answer as to an unknown command."""
    services: Services = context.bot_data["services"]
    user = update.effective_user
    pseudonym = services.pseudonyms.of(user.id)[:12] if user else None
    log.warning("refused admin action %s for %s", action, pseudonym)
    async with services.sessions.begin() as db:
        await audit.record(
            db,
            action,
            actor=None,  # not an administrator: no Telegram id in the log
            target=None,
            detail={"pseudonym": pseudonym},
            allowed=False,
            now=services.clock(),
        )
    language = language_of(user.language_code if user else None)
    query = update.callback_query
    if query is not None:
        await query.answer(raw(language, "stale.short"))
    elif update.effective_message is not None:
        await update.effective_message.reply_text(
            t(language, "unknown_command"), parse_mode=ParseMode.HTML
        )

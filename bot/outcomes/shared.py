"""What the closing-the-loop handlers share: pressed buttons answered with a reply delivered
after the commit, theme slugs, and the progress message of a broadcast just queued."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from telegram import CallbackQuery, Update
from telegram.ext import ContextTypes

from bot.core.reply import Edit, Postman, Reply
from bot.outbox.sender import describe
from flows import outcomes as loop
from flows.catalog import Catalog
from flows.machine import Flow
from flows.texts import Language, raw
from storage.outbox import BroadcastInfo, Progress

Context = ContextTypes.DEFAULT_TYPE


@dataclass
class Queued(Reply):
    """The reply to a confirmation that queued a broadcast. Once it is delivered (the
    confirmed message became the progress message), the sender starts; not before, or a
    small broadcast could show its final report first and have "0 van 1 verstuurd" put
    over it."""


def stale(language: Language = "nl") -> Reply:
    """The answer to a button that does nothing (any more)."""
    return Reply([], notice=raw(language, "stale.short"))


async def press(
    update: Update,
    context: Context,
    postman: Postman,
    work: Callable[[CallbackQuery], Awaitable[Reply]],
) -> Reply | None:
    """Handle a pressed button: ``work`` computes the reply in its unit of work, ``postman``
    delivers it after the commit (the notice and the edit first). The press is answered also
    when ``work`` fails, so the button never keeps spinning. Returns the delivered reply."""
    query = update.callback_query
    if query is None:
        return None
    answered = False
    try:
        reply = await work(query)
        answered = True
        chat_id = query.message.chat.id if query.message else query.from_user.id
        await postman.deliver(context.bot, chat_id, reply, query=query)
    finally:
        if not answered:
            await query.answer()
    return reply


def slug(flow: Flow) -> str:
    """The topic of invitations on the questionnaire's theme."""
    return loop.theme_slug(flow.questionnaire.theme.nl)


def questionnaire_ids(catalog: Catalog) -> str:
    """Every questionnaire id, for an administrator who gave none or a wrong one."""
    return ", ".join(flow.questionnaire.id for flow in catalog.currents())


def progress_edit(broadcast: BroadcastInfo) -> Edit:
    """The confirmed message, turned into the broadcast's progress message (the sender
    edits it from then on, and turns it into the report)."""
    return Edit(describe(broadcast, Progress(total=broadcast.total, waiting=broadcast.total)))

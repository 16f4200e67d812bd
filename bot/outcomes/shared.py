"""What the closing-the-loop handlers share: their base class, pressed buttons answered with
a reply delivered after the commit, theme slugs, the progress message of a broadcast just
queued, and what residents took part in (:class:`Subject`: a questionnaire or a
deliberation, whose ids are never shared)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import CallbackQuery, Message, Update
from telegram.ext import ContextTypes

from bot.core.recent import Recent
from bot.core.reply import Edit, Postman, Reply
from bot.core.services import Services
from bot.outbox.sender import OutboxSender, describe
from flows import outcomes as loop
from flows.catalog import Catalog
from flows.deliberation import parse as parse_deliberation
from flows.machine import Flow
from flows.schema import Text
from flows.texts import Language, raw
from storage import audit, deliberations, outbox
from storage.outbox import BroadcastInfo, Progress

Context = ContextTypes.DEFAULT_TYPE

#: Offer messages whose buttons a worker remembers having handled.
HANDLED_OFFERS = 2_000


class Part:
    """A part of closing the loop (residents, /terugkoppeling, invitations, effect checks):
    the services, the feature's one postman (it remembers what the feature's messages show)
    and its broadcast sender."""

    def __init__(self, services: Services, postman: Postman, sender: OutboxSender) -> None:
        self.services = services
        self.catalog = services.catalog
        self.postman = postman
        self.sender = sender


@dataclass(frozen=True, slots=True)
class Subject:
    """What residents took part in and hear the outcome of: a questionnaire (``flow``, its
    current version) or a deliberation (``flow`` None)."""

    id: str
    title: Text
    theme: Text
    flow: Flow | None = None


async def subject_of(services: Services, db: AsyncSession, subject_id: str) -> Subject | None:
    """The questionnaire or deliberation with this id; None when there is neither."""
    flow = services.catalog.current(subject_id)
    if flow is not None:
        questionnaire = flow.questionnaire
        return Subject(questionnaire.id, questionnaire.title, questionnaire.theme, flow)
    info = await deliberations.get(db, subject_id)
    if info is None:
        return None
    deliberation = parse_deliberation(info.source, info.id)
    return Subject(info.id, deliberation.title, deliberation.theme)


async def every_subject(services: Services, db: AsyncSession) -> list[Subject]:
    """Every current questionnaire, then every deliberation."""
    found = [
        Subject(f.questionnaire.id, f.questionnaire.title, f.questionnaire.theme, f)
        for f in services.catalog.currents()
    ]
    for info in await deliberations.listing(db):
        deliberation = parse_deliberation(info.source, info.id)
        found.append(Subject(info.id, deliberation.title, deliberation.theme))
    return found


class Handled:
    """Administrators' offer messages whose buttons this worker already handled: a second
    tap is answered at once as stale. (Other workers find out from the database, and the
    postman leaves an edit that is already done alone.)"""

    def __init__(self, size: int = HANDLED_OFFERS) -> None:
        self._messages: Recent[tuple[int, int], bool] = Recent(size)

    def __contains__(self, message: Message) -> bool:
        return (message.chat_id, message.message_id) in self._messages

    def add(self, message: Message) -> None:
        self._messages.put((message.chat_id, message.message_id), True)


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


async def queue_broadcast(
    db: AsyncSession,
    kind: str,
    payload: dict[str, Any],
    questionnaire_id: str,
    recipients: Sequence[tuple[int, str]],
    *,
    audited: str,
    detail: dict[str, Any] | None = None,
    admin: int | None,
    confirmed: Message | None,
    now: datetime,
) -> BroadcastInfo:
    """Queue one message for each of ``recipients`` ((resident id, language), as the
    recipient queries give them) and write ``audited`` (with ``detail``) to the audit log,
    in the caller's unit of work.

    ``confirmed``: the message the administrator confirmed the broadcast on, which becomes
    its progress message; None when the system sends it on its own (an effect check): the
    progress then goes to ``admin`` in a new message.
    """
    broadcast = await outbox.create_broadcast(
        db,
        kind,
        payload=payload,
        recipients=[resident_id for resident_id, _ in recipients],
        questionnaire_id=questionnaire_id,
        created_by=admin,
        report_chat_id=confirmed.chat_id if confirmed is not None else admin,
        report_message_id=confirmed.message_id if confirmed is not None else None,
        now=now,
    )
    await audit.record(
        db,
        audited,
        actor=admin if confirmed is not None else None,
        via="telegram" if confirmed is not None else "system",
        target=questionnaire_id,
        detail={**(detail or {}), "broadcast": broadcast.id, "recipients": broadcast.total},
        now=now,
    )
    return broadcast

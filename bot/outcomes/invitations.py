"""Invitations: an administrator invites the followers of a theme to a questionnaire.

Offered right after publishing (:func:`offer_invitation`, called by the administrators'
upload handlers) and with ``/uitnodigen <id>``: the offer says how many residents it would
reach; "Uitnodigen" queues one broadcast (once per version of the questionnaire), "Niet
nu" sends nothing. For administrators only (``admin_only``, in the handler table); what
they decide is in the audit log.
"""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import Bot, CallbackQuery, Message, Update

from bot.core.keyboards import Keyboard, button, notice
from bot.core.reply import Edit, Postman, Reply, Send
from bot.core.services import Services
from bot.core.voice import speaking
from bot.outbox import cost
from bot.outbox.sender import OutboxSender
from bot.outcomes import views
from bot.outcomes.buttons import InvitationChoice, Invite, NotNow
from bot.outcomes.invite_first import InviteFirst, first_recipients, invited_before
from bot.outcomes.shared import (
    Context,
    Handled,
    Part,
    Queued,
    press,
    progress_edit,
    questionnaire_ids,
    queue_broadcast,
    slug,
    stale,
)
from flows.machine import Flow
from flows.texts import LANGUAGES, Html, formats, raw, t
from storage import audit
from storage import outbox as outbox_repo
from storage import outcomes as store

log = logging.getLogger(__name__)


async def invitation_offer(db: AsyncSession, services: Services, questionnaire_id: str) -> Send:
    """How many followers of the theme an invitation would reach, with the buttons to send
    it or not (none when nobody would get it)."""
    flow = services.catalog.current(questionnaire_id)
    if flow is None:
        ids = questionnaire_ids(services.catalog)
        return Send(t("nl", "uitnodiging.unknown", id=questionnaire_id, ids=ids))
    questionnaire = flow.questionnaire
    if questionnaire.access == "codes":  # for the sample only: invited by letter, not here
        return Send(
            t(
                "nl",
                "admin.codes.no_invitations",
                title=questionnaire.title.nl,
                id=questionnaire_id,
            )
        )
    recipients = await _recipients(db, services, flow, questionnaire.version)
    theme, title = questionnaire.theme.nl, questionnaire.title.nl
    if not recipients:
        return Send(t("nl", "uitnodiging.offer_none", theme=theme))
    count = len(recipients)
    offer = t("nl", "uitnodiging.offer", count=count, theme=theme, title=title)
    text = Html(offer + cost.estimate(services.settings, count))
    keyboard = views.invitation_offer_keyboard(questionnaire_id, questionnaire.version, count)
    # Those we hear least first: a line saying who and how many, and a button for them.
    first = await first_recipients(db, services, flow, recipients)
    if first is not None and 0 < len(first.recipients) < count:
        many = len(first.recipients)
        groups = ", ".join(first.groups)
        text = Html(f"{text}\n\n{t('nl', 'uitnodiging.first', groups=groups, count=many)}")
        label = raw("nl", "uitnodiging.first_button").format(count=formats.number(many))
        only = button(label, InviteFirst(questionnaire_id, questionnaire.version))
        keyboard = Keyboard([*keyboard.inline_keyboard, [only]])
    return Send(text, keyboard)


async def _recipients(
    db: AsyncSession, services: Services, flow: Flow, version: int
) -> list[tuple[int, str]]:
    """Who an invitation to ``version`` would reach: the theme's followers, without those
    an earlier "invite first" of the same version reached already."""
    questionnaire_id = flow.questionnaire.id
    recipients = await store.invitation_recipients(db, slug(flow), questionnaire_id)
    earlier = await outbox_repo.broadcasts(
        db, kind="invitation", questionnaire_id=questionnaire_id
    )
    first = [
        b.id
        for b in earlier
        if (meta := b.payload.get("meta") or {}).get("version") == version and meta.get("first")
    ]
    reached = await invited_before(db, first)
    return [(r, language) for r, language in recipients if r not in reached]


async def offer_invitation(
    bot: Bot, services: Services, chat_id: int, questionnaire_id: str
) -> None:
    """After publishing: show the administrator the invitation offer (see
    :func:`invitation_offer`). Called by the admin handlers, after their own commit."""
    async with services.sessions() as db:
        offer = await invitation_offer(db, services, questionnaire_id)
    # A postman of its own: a new message, nothing earlier to remember.
    await Postman(1).deliver(bot, chat_id, Reply([offer]))


class Invitations(Part):
    """/uitnodigen and the buttons under an invitation offer."""

    def __init__(self, services: Services, postman: Postman, sender: OutboxSender) -> None:
        super().__init__(services, postman, sender)
        self._handled = Handled()

    async def command(self, update: Update, context: Context) -> None:
        """/uitnodigen <id>: offer an invitation to the theme's followers (again)."""
        user, message = update.effective_user, update.effective_message
        if user is None or message is None:
            return
        if not context.args:
            example = next(iter(questionnaire_ids(self.catalog).split(", ")), "afvalinzameling")
            usage = t("nl", "uitnodiging.usage", example=f"/uitnodigen {example}")
            await self.postman.deliver(context.bot, message.chat_id, Reply([Send(usage)]))
            return
        questionnaire_id = context.args[0].lower()
        flow = self.catalog.current(questionnaire_id)
        if flow is not None and not self._open(questionnaire_id):
            # An invitation to something residents cannot start yet (or any more).
            title = flow.questionnaire.title.nl
            refused = t("nl", "uitnodiging.not_open", title=title, id=questionnaire_id)
            reply = Reply([Send(refused)])
        else:
            async with self.services.sessions() as db:
                reply = Reply([await invitation_offer(db, self.services, questionnaire_id)])
        await self.postman.deliver(context.bot, message.chat_id, reply)

    def _open(self, questionnaire_id: str) -> bool:
        settings = self.services.settings
        return self.catalog.is_open(questionnaire_id, self.services.clock(), settings.zone)

    async def button(self, update: Update, context: Context) -> None:
        """ "Uitnodigen" or "Niet nu" under an invitation offer."""
        reply = await press(update, context, self.postman, self._button)
        if isinstance(reply, Queued):
            self.sender.wake()

    async def _button(self, query: CallbackQuery) -> Reply:
        pressed, message = InvitationChoice.unpack(query.data), query.message
        if pressed is None or not isinstance(message, Message):
            return stale()
        flow = self.catalog.current(pressed.questionnaire_id)
        if message in self._handled or flow is None:
            return stale()
        questionnaire, questionnaire_id = flow.questionnaire, pressed.questionnaire_id
        admin, now = query.from_user.id, self.services.clock()
        if isinstance(pressed, NotNow):
            async with self.services.sessions.begin() as db:
                await audit.record(
                    db, "invite.declined", actor=admin, target=questionnaire_id, now=now
                )
            self._handled.add(message)
            return Reply([], edit=Edit(t("nl", "uitnodiging.declined", id=questionnaire_id)))
        assert isinstance(pressed, Invite | InviteFirst)
        if questionnaire.access == "codes":
            title = questionnaire.title.nl
            return Reply(
                [],
                notice=notice(
                    t("nl", "admin.codes.no_invitations", title=title, id=questionnaire_id)
                ),
            )
        if not self._open(questionnaire_id):
            title = questionnaire.title.nl
            return Reply(
                [],
                notice=notice(t("nl", "uitnodiging.not_open", title=title, id=questionnaire_id)),
            )
        async with self.services.sessions.begin() as db:
            earlier = await outbox_repo.broadcasts(
                db, kind="invitation", questionnaire_id=questionnaire_id
            )
            same = [
                (b.payload.get("meta") or {})
                for b in earlier
                if (b.payload.get("meta") or {}).get("version") == pressed.version
            ]
            # Once per version; after "invite first" only the others are left to invite.
            if any(not meta.get("first") for meta in same) or (
                same and isinstance(pressed, InviteFirst)
            ):
                already = t("nl", "uitnodiging.already", title=questionnaire.title.nl)
                return Reply([], notice=notice(already))
            recipients = await _recipients(db, self.services, flow, pressed.version)
            if isinstance(pressed, InviteFirst):
                first = await first_recipients(db, self.services, flow, recipients)
                recipients = first.recipients if first is not None else []
            payload: dict[str, Any] = {
                "meta": {
                    "title": questionnaire.title.nl,
                    "version": pressed.version,
                    **({"first": True} if isinstance(pressed, InviteFirst) else {}),
                }
            }
            for language in LANGUAGES:  # each resident gets it in their own language
                payload[language] = {
                    "text": views.invitation_text(
                        questionnaire.title.get(language),
                        questionnaire.intro.get(language),
                        questionnaire.theme.get(language),
                        speaking(self.services.settings, language),
                    ),
                    "buttons": views.invitation_buttons(questionnaire_id, language),
                }
            broadcast = await queue_broadcast(
                db,
                "invitation",
                payload,
                questionnaire_id,
                recipients,
                audited="invite.sent",
                admin=admin,
                confirmed=message,
                now=now,
            )
        self._handled.add(message)
        log.info("invitation %s to %s residents", questionnaire_id, broadcast.total)
        return Queued([], edit=progress_edit(broadcast))

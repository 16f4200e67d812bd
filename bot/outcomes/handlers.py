"""Closing the loop: opt-ins, /instellingen, /resultaten, invitations, /terugkoppeling and
effect checks. Registered by :func:`bot.app.application.build_application` before the resident
handlers; every button here has its own prefix (see :mod:`bot.outcomes.views`).

Residents' buttons are bound to whoever presses them: a press changes only the presser's own
settings or answer, and only where that makes sense (outcomes of a questionnaire they took
part in, an effect check they received). Administrator commands and buttons go through
:func:`bot.core.access.admin_only`; what they change is written to the audit log.

The /terugkoppeling conversation (status, Dutch text, English text, preview) is kept in
memory per administrator: after a restart, or after an hour, it starts again.
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import Bot, CallbackQuery, Message, Update, User
from telegram.constants import ParseMode
from telegram.error import BadRequest, TelegramError
from telegram.ext import (
    Application,
    ApplicationHandlerStop,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot.core import jobs
from bot.core.access import admin_only, is_admin
from bot.core.keyboards import notice as plain
from bot.core.services import Services
from bot.outbox.sender import OutboxSender, describe
from bot.outcomes import views as render
from bot.outcomes.views import Keyboard, Setting
from flows import outcomes as loop
from flows.machine import Flow
from flows.texts import Html, Language, formats, language_of, raw, t
from storage import audit, repo
from storage import outbox as outbox_repo
from storage import outcomes as store
from storage.outbox import BroadcastInfo, Progress
from storage.repo import ResidentInfo

log = logging.getLogger(__name__)
Context = ContextTypes.DEFAULT_TYPE

PRIVATE = filters.ChatType.PRIVATE
NEW = filters.UpdateType.MESSAGE
DRAFT_LIFETIME = timedelta(hours=1)  # a /terugkoppeling waits this long for its next step
MIN_OUTCOME_CHARS = 10
EXCERPT_CHARS = 300  # of the outcome message, quoted in an effect check
RESULTS_CHARS = 3900  # room for /resultaten in one message
LIVE_GROUP = -2  # handler group of the update counter
ADMIN_TEXT_GROUP = -3  # handler group of the administrator's /terugkoppeling texts


class _Recent(OrderedDict[Any, Any]):
    """A dict that forgets its oldest entries beyond ``size``."""

    def __init__(self, size: int) -> None:
        super().__init__()
        self.size = size

    def remember(self, key: Any, value: Any = True) -> None:
        self[key] = value
        self.move_to_end(key)
        while len(self) > self.size:
            self.popitem(last=False)


@dataclass
class Draft:
    """An administrator's /terugkoppeling in progress."""

    questionnaire_id: str
    step: str = "status"  # status, nl, en, confirm
    status: str | None = None
    message_nl: str | None = None
    message_en: str | None = None
    status_message: int | None = None  # the message the status was chosen on


def register(application: Application, services: Services) -> None:  # type: ignore[type-arg]
    """Add this feature's handlers and jobs to the application."""
    feature = Outcomes(application, services)
    application.bot_data["outcomes"] = feature
    add = application.add_handler
    add(CommandHandler(["instellingen", "settings"], feature.settings, filters=PRIVATE & NEW))
    add(CommandHandler(["resultaten", "results"], feature.results, filters=PRIVATE & NEW))
    add(
        CommandHandler(
            "terugkoppeling", admin_only("outcome")(feature.feedback), filters=PRIVATE & NEW
        )
    )
    add(CommandHandler("uitnodigen", admin_only("invite")(feature.invite), filters=PRIVATE & NEW))
    # The administrator's texts for /terugkoppeling: ahead of every other group, as only the
    # database knows whether a text is for it; other texts go on to the other handlers.
    add(
        MessageHandler(
            PRIVATE & NEW & filters.TEXT & ~filters.COMMAND & _FromAdmin(services),
            admin_only("outcome")(feature.feedback_text),
        ),
        group=ADMIN_TEXT_GROUP,
    )
    add(CallbackQueryHandler(feature.subscription_button, pattern=r"^sub:"))
    # Counts residents' updates so that broadcasts give way to live replies (bot.outbox.sender);
    # a group of its own, ahead of flood protection (-1) and the handlers (0).
    add(TypeHandler(Update, feature.sender.count_update), group=LIVE_GROUP)
    add(CallbackQueryHandler(feature.effect_button, pattern=r"^eff:"))
    add(CallbackQueryHandler(admin_only("invite")(feature.invite_button), pattern=r"^inv:"))
    add(CallbackQueryHandler(admin_only("outcome")(feature.feedback_button), pattern=r"^tk:"))
    add(
        CallbackQueryHandler(admin_only("effect_check")(feature.schedule_button), pattern=r"^efs:")
    )
    interval = services.settings.jobs_interval
    jobs.repeating(application, "outbox", feature.sender.tick, interval=interval)
    jobs.repeating(application, "effect_checks", feature.effect_tick, interval=interval)


async def offer_invitation(
    bot: Bot, services: Services, chat_id: int, admin_id: int, questionnaire_id: str
) -> None:
    """After publishing: show the administrator how many subscribers of the theme an
    invitation would reach, with buttons to send it or not. Called by the admin handlers."""
    flow = services.catalog.current(questionnaire_id)
    if flow is None:
        await bot.send_message(
            chat_id,
            t("nl", "uitnodiging.unknown", id=questionnaire_id, ids=_ids(services)),
            parse_mode=ParseMode.HTML,
        )
        return
    questionnaire = flow.questionnaire
    async with services.sessions() as db:
        recipients = await store.invitation_recipients(db, _slug(flow), questionnaire_id)
    theme, title = questionnaire.theme.nl, questionnaire.title.nl
    if not recipients:
        text = t("nl", "uitnodiging.offer_none", theme=theme)
        await bot.send_message(chat_id, text, parse_mode=ParseMode.HTML)
        return
    count = len(recipients)
    await bot.send_message(
        chat_id,
        t("nl", "uitnodiging.offer", count=formats.number(count), theme=theme, title=title),
        parse_mode=ParseMode.HTML,
        reply_markup=render.invitation_offer_keyboard(
            questionnaire_id, questionnaire.version, count
        ),
    )


async def end_offer(
    db: AsyncSession, resident_id: int, language: Language, flow: Flow
) -> tuple[Html, Keyboard]:
    """The opt-ins under the "finished" message: hear about the outcome of this
    questionnaire, and invitations on its theme. Finishing also shows the resident can be
    reached again (after having blocked the bot once)."""
    await store.clear_unreachable(db, resident_id)
    chosen = await store.subscriptions(db, resident_id)
    questionnaire = flow.questionnaire
    keyboard = render.optin_keyboard(
        questionnaire.id,
        questionnaire.theme.get(language),
        outcomes_on=(store.OUTCOMES, questionnaire.id) in chosen,
        invitations_on=(store.INVITATIONS, _slug(flow)) in chosen,
        language=language,
    )
    return t(language, "optin.offer"), keyboard


def _slug(flow: Flow) -> str:
    return loop.theme_slug(flow.questionnaire.theme.nl)


def _ids(services: Services) -> str:
    return ", ".join(flow.questionnaire.id for flow in services.catalog.currents())


class _FromAdmin(filters.MessageFilter):
    """A message from one of ADMIN_USER_IDS."""

    def __init__(self, services: Services) -> None:
        super().__init__(name="from_admin")
        self.services = services

    def filter(self, message: Message) -> bool:
        user = message.from_user
        return user is not None and is_admin(self.services, user.id)


async def _edit(message: Message, text: str, keyboard: Keyboard | None = None) -> None:
    """Edit a message; one that already reads so (a second tap handled by another worker)
    is left alone."""
    try:
        await message.edit_text(text, parse_mode=ParseMode.HTML, reply_markup=keyboard)
    except BadRequest as error:
        if "not modified" not in error.message.lower():
            raise


async def _without_buttons(message: Message) -> None:
    if message.reply_markup is None:
        return
    try:
        await message.edit_reply_markup(reply_markup=None)
    except BadRequest as error:
        if "not modified" not in error.message.lower():
            raise


class Outcomes:
    """Every callback of this feature."""

    def __init__(self, application: Application, services: Services) -> None:  # type: ignore[type-arg]
        self.services = services
        self.catalog = services.catalog
        self.sender = OutboxSender(application, services)
        # The keyboard last put on a message, so that a second tap (whose update still
        # shows the old keyboard) does not edit to the same one ("message is not modified").
        self._markups: _Recent = _Recent(20_000)
        # Administrator messages whose buttons were already handled here (other workers
        # find out from the database, or leave an edit that is already done alone).
        self._handled: _Recent = _Recent(2_000)

    # === residents ============================================================================

    async def _resident(self, db: AsyncSession, user: User) -> ResidentInfo | None:
        resident = await repo.find_resident(db, self.services.pseudonyms.of(user.id))
        return resident if resident is not None and resident.consented else None

    async def settings(self, update: Update, context: Context) -> None:
        """/instellingen: what the resident wants to hear about, as toggles."""
        user, message = update.effective_user, update.effective_message
        if user is None or message is None:
            return
        async with self.services.sessions.begin() as db:
            resident = await self._resident(db, user)
            if resident is None:
                text, keyboard = t(language_of(user.language_code), "instellingen.consent"), None
            else:
                await store.clear_unreachable(db, resident.id)
                entries = await self._settings(db, resident)
                keyboard = render.settings_keyboard(entries, resident.language)
                key = "instellingen.text" if entries else "instellingen.empty"
                text = t(resident.language, key)
        sent = await context.bot.send_message(
            message.chat_id, text, parse_mode=ParseMode.HTML, reply_markup=keyboard
        )
        if keyboard is not None:
            self._markups.remember((sent.chat_id, sent.message_id), keyboard.to_dict())

    async def _settings(self, db: AsyncSession, resident: ResidentInfo) -> list[Setting]:
        language = resident.language
        chosen = await store.subscriptions(db, resident.id)
        entries = []
        for questionnaire_id in await store.questionnaires_taken(db, resident.id):
            flow = self.catalog.current(questionnaire_id)
            if flow is None:
                continue
            on = (store.OUTCOMES, questionnaire_id) in chosen
            title = flow.questionnaire.title.get(language)
            entries.append(Setting(store.OUTCOMES, questionnaire_id, title, on))
        themes = self._themes(language)
        for kind, topic in chosen:
            if kind == store.INVITATIONS and topic not in themes:
                themes[topic] = topic  # a theme no questionnaire has any more
        for slug, label in sorted(themes.items(), key=lambda item: item[1].lower()):
            on = (store.INVITATIONS, slug) in chosen
            entries.append(Setting(store.INVITATIONS, slug, label, on))
        return entries

    def _themes(self, language: Language) -> dict[str, str]:
        """Theme slug -> name, of every questionnaire that is not a draft."""
        themes: dict[str, str] = {}
        for flow in self.catalog.currents():
            if self.catalog.status(flow.questionnaire.id) == "draft":
                continue
            themes.setdefault(_slug(flow), flow.questionnaire.theme.get(language))
        return themes

    async def subscription_button(self, update: Update, context: Context) -> None:
        """An opt-in toggle, at the end of a questionnaire or in /instellingen."""
        await _answering(update, self._subscription)

    async def _subscription(self, query: CallbackQuery) -> str:
        user = query.from_user
        parts = (query.data or "").split(":")
        async with self.services.sessions.begin() as db:
            resident = await self._resident(db, user)
            if resident is None:
                return plain(t(language_of(user.language_code), "instellingen.consent"))
            language = resident.language
            stale = raw(language, "stale.short")
            if len(parts) != 5 or parts[4] not in ("0", "1"):
                return stale
            view, wanted = parts[1], parts[4] == "1"
            if view == "e":
                questionnaire_id, code = parts[2], parts[3]
            elif view == "s":
                code, questionnaire_id = parts[2], parts[3]
            else:
                return stale
            flow = self.catalog.current(questionnaire_id) if code == "o" or view == "e" else None
            if code == "o":
                if flow is None or not await store.took_part(db, resident.id, questionnaire_id):
                    return stale
                kind, topic = store.OUTCOMES, questionnaire_id
            elif code == "i":
                if view == "e":  # offered at the end of a questionnaire they took part in
                    taken = await store.took_part(db, resident.id, questionnaire_id)
                    if flow is None or not taken:
                        return stale
                    topic = _slug(flow)
                else:
                    topic = questionnaire_id
                    known = self._themes(language)
                    chosen = await store.subscriptions(db, resident.id)
                    if topic not in known and (store.INVITATIONS, topic) not in chosen:
                        return stale
                kind = store.INVITATIONS
            else:
                return stale
            await store.set_subscription(
                db, resident.id, kind, topic, wanted, now=self.services.clock()
            )
            await store.clear_unreachable(db, resident.id)
            if view == "e":
                assert flow is not None
                _, keyboard = await end_offer(db, resident.id, language, flow)
            else:
                keyboard_or_none = render.settings_keyboard(
                    await self._settings(db, resident), language
                )
                assert keyboard_or_none is not None  # the pressed line is on it
                keyboard = keyboard_or_none
        log.info("resident %s set %s %s: %s", resident.pseudonym[:12], kind, topic, wanted)
        await self._show_keyboard(query, keyboard)
        return raw(language, "optin.on" if wanted else "optin.off")

    async def _show_keyboard(self, query: CallbackQuery, keyboard: Keyboard) -> None:
        message = query.message
        if not isinstance(message, Message):
            return
        key = (message.chat_id, message.message_id)
        wanted = keyboard.to_dict()
        shown = self._markups.get(key)
        if shown is None:
            shown = message.reply_markup.to_dict() if message.reply_markup else None
        if shown == wanted:
            return
        self._markups.remember(key, wanted)
        try:
            await message.edit_reply_markup(reply_markup=keyboard)
        except BadRequest as error:  # a second tap handled by another worker
            if "not modified" not in error.message.lower():
                raise

    async def results(self, update: Update, context: Context) -> None:
        """/resultaten: what was done with the questionnaires the resident took part in."""
        user, message = update.effective_user, update.effective_message
        if user is None or message is None:
            return
        async with self.services.sessions() as db:
            resident = await self._resident(db, user)
            if resident is None:
                text = t(language_of(user.language_code), "instellingen.consent")
            else:
                text = await self._results(db, resident)
        await context.bot.send_message(message.chat_id, text, parse_mode=ParseMode.HTML)

    async def _results(self, db: AsyncSession, resident: ResidentInfo) -> Html:
        language = resident.language
        taken = await store.questionnaires_taken(db, resident.id)
        chosen = await store.subscriptions(db, resident.id)
        followed = [topic for kind, topic in sorted(chosen) if kind == store.OUTCOMES]
        ids = list(dict.fromkeys([*taken, *followed]))
        if not ids:
            return t(language, "resultaten.nothing")
        found = await store.outcomes_of(db, ids)
        current = await store.outcome_statuses(db)
        by_questionnaire: dict[str, list[store.OutcomeInfo]] = {qid: [] for qid in ids}
        for outcome in found:
            by_questionnaire[outcome.questionnaire_id].append(outcome)
        # Questionnaires with the newest news first, then the others in the order taken.
        order = sorted(
            ids,
            key=lambda qid: (
                -(by_questionnaire[qid][0].created_at.timestamp() if by_questionnaire[qid] else 0)
            ),
        )
        zone = self.services.settings.zone
        parts: list[str] = [t(language, "resultaten.title")]
        size = len(parts[0])
        cut = False
        for questionnaire_id in order:
            flow = self.catalog.current(questionnaire_id)
            title = flow.questionnaire.title.get(language) if flow else questionnaire_id
            status = current.get(questionnaire_id, loop.STATUSES[0])
            block = [
                t(
                    language,
                    "resultaten.questionnaire",
                    title=title,
                    status=render.status_label(status, language),
                )
            ]
            for outcome in by_questionnaire[questionnaire_id]:
                message = (
                    outcome.message_en
                    if language == "en" and outcome.message_en
                    else outcome.message_nl
                )
                block.append(
                    t(
                        language,
                        "resultaten.item",
                        date=formats.date(outcome.created_at, language, zone),
                        status=render.status_label(outcome.status, language),
                        message=message,
                    )
                )
            if not by_questionnaire[questionnaire_id]:
                block.append(t(language, "resultaten.no_news"))
            while block:
                text = "\n\n".join(block)
                if size + len(text) + 2 <= RESULTS_CHARS:
                    break
                block.pop()  # the oldest message of this questionnaire does not fit
                cut = True
            if len(block) <= 1 and by_questionnaire[questionnaire_id]:
                cut = True
                break
            parts.append("\n\n".join(block))
            size += len(parts[-1]) + 2
        if cut:
            parts.append(t(language, "resultaten.more"))
        if any((store.OUTCOMES, qid) not in chosen for qid in taken):
            parts.append(t(language, "resultaten.hint"))
        return Html("\n\n".join(parts))

    async def effect_button(self, update: Update, context: Context) -> None:
        """A resident's answer to "Merk je iets van deze verandering?"."""
        await _answering(update, self._effect_answer)

    async def _effect_answer(self, query: CallbackQuery) -> str:
        user = query.from_user
        _, check_text, value = ((query.data or "") + "::").split(":")[:3]
        async with self.services.sessions.begin() as db:
            resident = await self._resident(db, user)
            if resident is None:
                return raw(language_of(user.language_code), "stale.short")
            stale = raw(resident.language, "stale.short")
            if not check_text.isdigit() or value not in loop.EFFECT_VALUES:
                return stale
            check = await store.get_effect_check(db, int(check_text))
            if check is None or check.broadcast_id is None:
                return stale
            if not await outbox_repo.was_recipient(db, check.broadcast_id, resident.id):
                return stale
            broadcast = await outbox_repo.get_broadcast(db, check.broadcast_id)
            changed = await store.answer_effect_check(
                db, check.id, resident.id, value, now=self.services.clock()
            )
        if not changed:
            return raw(resident.language, "effect.same")
        log.info("resident %s answered effect check %s", resident.pseudonym[:12], check.id)
        # The buttons are in the language the message was sent in.
        payload = broadcast.payload if broadcast else {}
        language = resident.language if resident.language in payload else "nl"
        keyboard = render.keyboard(render.effect_buttons(check.id, value, language))
        if keyboard is not None:
            await self._show_keyboard(query, keyboard)
        return raw(resident.language, "effect.thanks")

    # === administrators: invitations ==========================================================

    async def invite(self, update: Update, context: Context) -> None:
        """/uitnodigen <id>: offer an invitation to the theme's subscribers (again)."""
        user, message = update.effective_user, update.effective_message
        if user is None or message is None:
            return
        if not context.args:
            example = next(iter(_ids(self.services).split(", ")), "afvalinzameling")
            await message.reply_text(
                t("nl", "uitnodiging.usage", example=f"/uitnodigen {example}"),
                parse_mode=ParseMode.HTML,
            )
            return
        questionnaire_id = context.args[0].lower()
        flow = self.catalog.current(questionnaire_id)
        now = self.services.clock()
        if flow is not None and not self.catalog.is_open(
            questionnaire_id, now, self.services.settings.zone
        ):  # an invitation to something residents cannot start yet (or any more)
            await message.reply_text(
                t(
                    "nl",
                    "uitnodiging.not_open",
                    title=flow.questionnaire.title.nl,
                    id=questionnaire_id,
                ),
                parse_mode=ParseMode.HTML,
            )
            return
        await offer_invitation(
            context.bot, self.services, message.chat_id, user.id, questionnaire_id
        )

    async def invite_button(self, update: Update, context: Context) -> None:
        """ "Uitnodigen" or "Niet nu" under an invitation offer."""
        await _answering(update, self._invite)

    async def _invite(self, query: CallbackQuery) -> str | None:
        parts = (query.data or "").split(":")
        message = query.message
        stale = raw("nl", "stale.short")
        if len(parts) < 3 or not isinstance(message, Message):
            return stale
        key = (message.chat_id, message.message_id)
        if key in self._handled:
            return stale
        answer, questionnaire_id = parts[1], parts[2]
        flow = self.catalog.current(questionnaire_id)
        if flow is None:
            return stale
        questionnaire = flow.questionnaire
        admin = query.from_user.id
        now = self.services.clock()
        if answer == "n":
            async with self.services.sessions.begin() as db:
                await audit.record(
                    db, "invite.declined", actor=admin, target=questionnaire_id, now=now
                )
            self._handled.remember(key)
            await _edit(message, t("nl", "uitnodiging.declined", id=questionnaire_id))
            return None
        if answer != "y" or len(parts) != 4 or not parts[3].isdigit():
            return stale
        version = int(parts[3])
        if not self.catalog.is_open(questionnaire_id, now, self.services.settings.zone):
            return plain(
                t("nl", "uitnodiging.not_open", title=questionnaire.title.nl, id=questionnaire_id)
            )
        async with self.services.sessions.begin() as db:
            earlier = await outbox_repo.broadcasts(
                db, kind="invitation", questionnaire_id=questionnaire_id
            )
            if any((b.payload.get("meta") or {}).get("version") == version for b in earlier):
                return plain(t("nl", "uitnodiging.already", title=questionnaire.title.nl))
            recipients = await store.invitation_recipients(db, _slug(flow), questionnaire_id)
            payload: dict[str, Any] = {
                "meta": {"title": questionnaire.title.nl, "version": version}
            }
            for language in ("nl", "en"):
                payload[language] = {
                    "text": render.invitation_text(
                        questionnaire.title.get(language),
                        questionnaire.intro.get(language),
                        questionnaire.theme.get(language),
                        language,
                    ),
                    "buttons": render.invitation_buttons(questionnaire_id, language),
                }
            broadcast = await outbox_repo.create_broadcast(
                db,
                "invitation",
                payload=payload,
                recipients=[resident_id for resident_id, _ in recipients],
                questionnaire_id=questionnaire_id,
                created_by=admin,
                report_chat_id=message.chat_id,
                report_message_id=message.message_id,
                now=now,
            )
            await audit.record(
                db,
                "invite.sent",
                actor=admin,
                target=questionnaire_id,
                detail={"broadcast": broadcast.id, "recipients": broadcast.total},
                now=now,
            )
        self._handled.remember(key)
        log.info("invitation %s to %s residents", questionnaire_id, broadcast.total)
        await self._start_report(message, broadcast)
        return None

    async def _start_report(self, message: Message, broadcast: BroadcastInfo) -> None:
        """Turn the confirmed message into the progress message, then start sending."""
        progress = Progress(total=broadcast.total, waiting=broadcast.total)
        meta = broadcast.payload.get("meta") or {}
        await _edit(message, describe(progress, broadcast.kind, str(meta.get("title", ""))))
        self.sender.wake()

    # === administrators: /terugkoppeling =======================================================

    async def _draft(self, db: AsyncSession, admin: int) -> Draft | None:
        """The administrator's /terugkoppeling in progress, read from their steps in the
        audit log: it survives a restart and works whichever worker gets the next update."""
        since = self.services.clock() - DRAFT_LIFETIME
        draft: Draft | None = None
        for action, target, detail in await store.draft_steps(db, admin, since=since):
            if action == store.DRAFT_START:
                draft = Draft(target)
            elif action == store.DRAFT_STATUS:
                draft = Draft(
                    target,
                    step="nl",
                    status=str(detail.get("status")),
                    status_message=detail.get("message"),
                )
            elif draft is None:
                continue
            elif action == store.DRAFT_DUTCH:
                draft.message_nl, draft.step = str(detail.get("text")), "en"
            elif action == store.DRAFT_ENGLISH:
                english = detail.get("text")
                draft.message_en, draft.step = (str(english) if english else None), "confirm"
            else:  # published or cancelled
                draft = None
        return draft

    async def _record(
        self, db: AsyncSession, admin: int, action: str, target: str, **detail: Any
    ) -> None:
        await audit.record(
            db, action, actor=admin, target=target, detail=detail, now=self.services.clock()
        )

    async def feedback(self, update: Update, context: Context) -> None:
        """/terugkoppeling [<id>]: the list of questionnaires, or step 1 for one of them."""
        user, message = update.effective_user, update.effective_message
        if user is None or message is None:
            return
        async with self.services.sessions.begin() as db:
            current = await store.outcome_statuses(db)
            questionnaire_id = context.args[0].lower() if context.args else None
            flow = self.catalog.current(questionnaire_id) if questionnaire_id else None
            if flow is not None and questionnaire_id in current:
                await self._record(db, user.id, store.DRAFT_START, flow.questionnaire.id)
        if questionnaire_id is None:
            lines = [
                t(
                    "nl",
                    "terugkoppeling.line",
                    id=flow.questionnaire.id,
                    title=flow.questionnaire.title.nl,
                    status=render.status_label(
                        current.get(flow.questionnaire.id, loop.STATUSES[0]), "nl"
                    ),
                )
                for flow in self.catalog.currents()
            ]
            await message.reply_text(
                t("nl", "terugkoppeling.usage", list=Html("\n".join(lines))),
                parse_mode=ParseMode.HTML,
            )
            return
        if flow is None or questionnaire_id not in current:
            await message.reply_text(
                t("nl", "terugkoppeling.unknown", id=questionnaire_id), parse_mode=ParseMode.HTML
            )
            return
        status = current[flow.questionnaire.id]
        await message.reply_text(
            t(
                "nl",
                "terugkoppeling.status",
                title=flow.questionnaire.title.nl,
                status=render.status_label(status, "nl"),
            ),
            parse_mode=ParseMode.HTML,
            reply_markup=render.status_keyboard(flow.questionnaire.id, status),
        )

    async def feedback_text(self, update: Update, context: Context) -> None:
        """The Dutch text, then the English one. Runs in a handler group ahead of the
        others; a text that no /terugkoppeling waits for goes on to them."""
        user, message = update.effective_user, update.effective_message
        if user is None or message is None or message.text is None:
            return
        text = message.text.strip()
        problem: Html | None = None
        # Without begin(): when the text is not for us the read is rolled back, and the
        # update is recorded as handled by the handler that does take it.
        async with self.services.sessions() as db:
            draft = await self._draft(db, user.id)
            if draft is None or draft.step not in ("nl", "en"):
                return
            if len(text) > loop.MAX_OUTCOME_CHARS:
                problem = t(
                    "nl", "terugkoppeling.too_long", length=len(text), max=loop.MAX_OUTCOME_CHARS
                )
            elif len(text) < MIN_OUTCOME_CHARS:
                problem = t("nl", "terugkoppeling.too_short")
            else:
                dutch = draft.step == "nl"
                step = store.DRAFT_DUTCH if dutch else store.DRAFT_ENGLISH
                await self._record(db, user.id, step, draft.questionnaire_id, text=text)
                await db.commit()
        if problem is not None:
            await message.reply_text(problem, parse_mode=ParseMode.HTML)
        elif dutch:
            await message.reply_text(
                t("nl", "terugkoppeling.write_en"),
                parse_mode=ParseMode.HTML,
                reply_markup=render.skip_keyboard(),
            )
        else:
            draft.message_en = text
            await self._preview(context.bot, message.chat_id, draft)
        raise ApplicationHandlerStop

    async def _preview(self, bot: Bot, chat_id: int, draft: Draft) -> None:
        """Show the message as residents will get it, with how many will, and confirm."""
        flow = self.catalog.current(draft.questionnaire_id)
        assert flow is not None and draft.status is not None and draft.message_nl is not None
        async with self.services.sessions() as db:
            recipients = await store.outcome_recipients(db, draft.questionnaire_id)
        title = flow.questionnaire.title
        dutch = render.outcome_text(title.nl, draft.status, draft.message_nl, "nl")
        await bot.send_message(
            chat_id,
            Html(f"{t('nl', 'terugkoppeling.preview')}\n\n{dutch}"),
            parse_mode=ParseMode.HTML,
        )
        if draft.message_en is not None:
            english = render.outcome_text(title.en, draft.status, draft.message_en, "en")
            await bot.send_message(
                chat_id,
                Html(f"{t('nl', 'terugkoppeling.preview_en')}\n\n{english}"),
                parse_mode=ParseMode.HTML,
            )
        in_english = sum(1 for _, language in recipients if language == "en")
        if draft.message_en is None:
            in_english = 0
        status = render.status_label(draft.status, "nl")
        if recipients:
            text = t(
                "nl",
                "terugkoppeling.confirm",
                count=formats.number(len(recipients)),
                english=formats.number(in_english),
                status=status,
            )
        else:
            text = t("nl", "terugkoppeling.confirm_none", status=status)
        await bot.send_message(
            chat_id,
            text,
            parse_mode=ParseMode.HTML,
            reply_markup=render.confirm_keyboard(anyone=bool(recipients)),
        )

    async def feedback_button(self, update: Update, context: Context) -> None:
        """Status, "Overslaan", "Versturen" and "Annuleren" of /terugkoppeling."""
        await _answering(update, lambda query: self._feedback_button(query, context.bot))

    async def _feedback_button(self, query: CallbackQuery, bot: Bot) -> str | None:
        parts = (query.data or "").split(":")
        message = query.message
        admin = query.from_user.id
        stale = raw("nl", "stale.short")
        if not isinstance(message, Message) or len(parts) < 2:
            return stale
        action = parts[1]
        if action == "s":
            return await self._choose_status(query, message, parts, bot)
        async with self.services.sessions.begin() as db:
            draft = await self._draft(db, admin)
            if draft is None:
                return plain(t("nl", "terugkoppeling.expired"))
            if action == "x":
                await self._record(db, admin, store.DRAFT_CANCELLED, draft.questionnaire_id)
            elif action == "e" and draft.step == "en":
                await self._record(db, admin, store.DRAFT_ENGLISH, draft.questionnaire_id)
            elif action == "y" and draft.step == "confirm":
                outcome, broadcast = await self._store_outcome(db, message, draft, admin)
            else:
                return stale
        if action == "y":
            await self._announce(message, draft, outcome, broadcast, bot)
        elif action == "x":
            await _without_buttons(message)
            await bot.send_message(
                message.chat_id, t("nl", "terugkoppeling.cancelled"), parse_mode=ParseMode.HTML
            )
        else:
            await _without_buttons(message)
            await self._preview(bot, message.chat_id, draft)
        return None

    async def _choose_status(
        self, query: CallbackQuery, message: Message, parts: list[str], bot: Bot
    ) -> str | None:
        admin = query.from_user.id
        stale = raw("nl", "stale.short")
        if len(parts) != 4 or not parts[3].isdigit() or int(parts[3]) >= len(loop.STATUSES):
            return stale
        questionnaire_id, status = parts[2], loop.STATUSES[int(parts[3])]
        flow = self.catalog.current(questionnaire_id)
        if flow is None:
            return stale
        async with self.services.sessions.begin() as db:
            draft = await self._draft(db, admin)
            if draft is not None and draft.status_message == message.message_id:
                return stale  # a second tap: the status is already chosen
            await self._record(
                db,
                admin,
                store.DRAFT_STATUS,
                questionnaire_id,
                status=status,
                message=message.message_id,
            )
        await _edit(
            message,
            t(
                "nl",
                "terugkoppeling.chosen",
                title=flow.questionnaire.title.nl,
                status=render.status_label(status, "nl"),
            ),
        )
        await bot.send_message(
            message.chat_id,
            t("nl", "terugkoppeling.write_nl", max=loop.MAX_OUTCOME_CHARS),
            parse_mode=ParseMode.HTML,
        )
        return None

    async def _store_outcome(
        self, db: AsyncSession, message: Message, draft: Draft, admin: int
    ) -> tuple[store.OutcomeInfo, BroadcastInfo]:
        """Store the outcome, set the status, and queue it for everyone who opted in, in
        the caller's unit of work (Telegram is told after it is committed)."""
        flow = self.catalog.current(draft.questionnaire_id)
        assert flow is not None and draft.status is not None and draft.message_nl is not None
        title = flow.questionnaire.title
        now = self.services.clock()
        recipients = await store.outcome_recipients(db, draft.questionnaire_id)
        outcome = await store.record_outcome(
            db,
            draft.questionnaire_id,
            draft.status,
            draft.message_nl,
            draft.message_en,
            created_by=admin,
            now=now,
        )
        payload: dict[str, Any] = {
            "meta": {"title": title.nl, "outcome": outcome.id},
            "nl": {"text": render.outcome_text(title.nl, draft.status, draft.message_nl, "nl")},
        }
        if draft.message_en is not None:
            payload["en"] = {
                "text": render.outcome_text(title.en, draft.status, draft.message_en, "en")
            }
        broadcast = await outbox_repo.create_broadcast(
            db,
            "outcome",
            payload=payload,
            recipients=[resident_id for resident_id, _ in recipients],
            questionnaire_id=draft.questionnaire_id,
            created_by=admin,
            report_chat_id=message.chat_id,
            report_message_id=message.message_id,
            now=now,
        )
        await audit.record(
            db,
            "outcome.published",
            actor=admin,
            target=draft.questionnaire_id,
            detail={
                "outcome": outcome.id,
                "status": draft.status,
                "english": draft.message_en is not None,
                "broadcast": broadcast.id,
                "recipients": broadcast.total,
            },
            now=now,
        )
        return outcome, broadcast

    async def _announce(
        self,
        message: Message,
        draft: Draft,
        outcome: store.OutcomeInfo,
        broadcast: BroadcastInfo,
        bot: Bot,
    ) -> None:
        """The confirmation becomes the progress message; "uitgevoerd" offers an effect check."""
        assert draft.status is not None
        flow = self.catalog.current(draft.questionnaire_id)
        assert flow is not None
        title = flow.questionnaire.title
        log.info(
            "outcome %s for %s to %s residents",
            draft.status,
            draft.questionnaire_id,
            broadcast.total,
        )
        if broadcast.total:
            await self._start_report(message, broadcast)
        else:
            await _edit(
                message,
                t(
                    "nl",
                    "terugkoppeling.saved",
                    title=title.nl,
                    status=render.status_label(draft.status, "nl"),
                ),
            )
        if draft.status == loop.DONE:
            await bot.send_message(
                message.chat_id,
                t("nl", "effectmeting.offer"),
                parse_mode=ParseMode.HTML,
                reply_markup=render.effect_schedule_keyboard(outcome.id),
            )

    # === administrators: effect checks ========================================================

    async def schedule_button(self, update: Update, context: Context) -> None:
        """4 / 8 / 12 weeks, or no effect check."""
        await _answering(update, self._schedule)

    async def _schedule(self, query: CallbackQuery) -> str | None:
        parts = (query.data or "").split(":")
        message = query.message
        stale = raw("nl", "stale.short")
        if len(parts) != 3 or not parts[1].isdigit() or not parts[2].isdigit():
            return stale
        if not isinstance(message, Message):
            return stale
        key = (message.chat_id, message.message_id)
        weeks = int(parts[2])
        if key in self._handled or (weeks and weeks not in loop.EFFECT_WEEKS):
            return stale
        admin, now = query.from_user.id, self.services.clock()
        async with self.services.sessions.begin() as db:
            outcome = await store.get_outcome(db, int(parts[1]))
            if outcome is None or outcome.status != loop.DONE:
                return stale
            if await store.effect_check_of(db, outcome.id) is not None:
                return plain(t("nl", "effectmeting.already"))
            if weeks == 0:
                await audit.record(
                    db,
                    "effect_check.declined",
                    actor=admin,
                    target=outcome.questionnaire_id,
                    detail={"outcome": outcome.id},
                    now=now,
                )
                text = t("nl", "effectmeting.declined")
            else:
                due = now + timedelta(weeks=weeks)
                check = await store.schedule_effect_check(
                    db, outcome.questionnaire_id, outcome.id, due, created_by=admin, now=now
                )
                await audit.record(
                    db,
                    "effect_check.scheduled",
                    actor=admin,
                    target=outcome.questionnaire_id,
                    detail={"outcome": outcome.id, "check": check.id, "weeks": weeks},
                    now=now,
                )
                text = t(
                    "nl",
                    "effectmeting.planned",
                    date=formats.date(due, "nl", self.services.settings.zone),
                )
        self._handled.remember(key)
        await _edit(message, text)
        return None

    async def effect_tick(self, services: Services, bot: Bot) -> None:
        """The ``effect_checks`` job: send the effect checks that are due."""
        async with services.sessions() as db:
            due = await store.due_effect_checks(db, services.clock())
        for check in due:
            broadcast = await self._start_effect_check(check)
            if broadcast is None:
                continue
            await self._report_effect_check(bot, broadcast)
        if due:
            self.sender.wake()

    async def _start_effect_check(self, check: store.EffectCheckInfo) -> BroadcastInfo | None:
        flow = self.catalog.current(check.questionnaire_id)
        if flow is None:
            return None
        title = flow.questionnaire.title
        now = self.services.clock()
        try:
            async with self.services.sessions.begin() as db:
                outcome = (
                    await store.get_outcome(db, check.outcome_id) if check.outcome_id else None
                )
                recipients = await store.outcome_recipients(db, check.questionnaire_id)
                payload: dict[str, Any] = {"meta": {"title": title.nl, "check": check.id}}
                for language in ("nl", "en"):
                    told = ""
                    if outcome is not None:
                        told = (
                            outcome.message_en
                            if language == "en" and outcome.message_en
                            else outcome.message_nl
                        )
                    payload[language] = {
                        "text": render.effect_text(
                            title.get(language), formats.shorten(told, EXCERPT_CHARS), language
                        ),
                        "buttons": render.effect_buttons(check.id, None, language),
                    }
                broadcast = await outbox_repo.create_broadcast(
                    db,
                    "effect_check",
                    payload=payload,
                    recipients=[resident_id for resident_id, _ in recipients],
                    questionnaire_id=check.questionnaire_id,
                    created_by=check.created_by,
                    report_chat_id=check.created_by,
                    now=now,
                )
                if not await store.attach_broadcast(db, check.id, broadcast.id):
                    raise _AlreadyStarted
                await audit.record(
                    db,
                    "effect_check.sent",
                    actor=None,
                    via="system",
                    target=check.questionnaire_id,
                    detail={
                        "check": check.id,
                        "broadcast": broadcast.id,
                        "recipients": broadcast.total,
                    },
                    now=now,
                )
        except _AlreadyStarted:
            return None
        log.info("effect check %s to %s residents", check.id, broadcast.total)
        return broadcast

    async def _report_effect_check(self, bot: Bot, broadcast: BroadcastInfo) -> None:
        """A progress message for the administrator who scheduled the check."""
        if broadcast.report_chat_id is None:
            return
        progress = Progress(total=broadcast.total, waiting=broadcast.total)
        meta = broadcast.payload.get("meta") or {}
        try:
            sent = await bot.send_message(
                broadcast.report_chat_id,
                describe(progress, broadcast.kind, str(meta.get("title", ""))),
                parse_mode=ParseMode.HTML,
            )
        except TelegramError as error:
            log.info("could not tell the administrator about effect check: %s", error)
            return
        if broadcast.total:
            async with self.services.sessions.begin() as db:
                await outbox_repo.set_report_message(
                    db, broadcast.id, sent.chat_id, sent.message_id
                )


class _AlreadyStarted(Exception):
    """Another worker started this effect check first: roll back."""


async def _answering(
    update: Update, work: Callable[[CallbackQuery], Awaitable[str | None]]
) -> None:
    """Handle a pressed button and always answer it (with ``work``'s notice, if any), also
    when ``work`` fails, so the button never keeps spinning."""
    query = update.callback_query
    if query is None:
        return
    notice: str | None = None
    try:
        notice = await work(query)
    finally:
        await query.answer(notice)

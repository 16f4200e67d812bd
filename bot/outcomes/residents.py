"""Closing the loop for residents: the opt-ins offered at the end of a questionnaire,
/instellingen, /resultaten and answering an effect check.

A resident's button is bound to whoever presses it: a press changes only the presser's own
settings or answer, and only where that makes sense (outcomes of a questionnaire they took
part in, an effect check they received). Every handler computes its reply in its unit of
work; the postman delivers it after the commit.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import CallbackQuery, Update, User

from bot.core.callbacks import decode
from bot.core.channel import TELEGRAM, Who, channel_of
from bot.core.keyboards import Keyboard, from_json, notice
from bot.core.links import results_url
from bot.core.reply import Document, Edit, Reply, Send
from bot.core.voice import addressed, speaking
from bot.outcomes import views
from bot.outcomes.buttons import EffectAnswer, OptInAtEnd, OptInSetting
from bot.outcomes.shared import Context, Part, press, slug, stale, subject_of
from bot.outcomes.views import Setting
from flows import outcomes as loop
from flows.limits import MESSAGE_CHARS, MESSAGE_MARGIN
from flows.machine import Flow
from flows.texts import Html, Language, formats, language_of, raw, t
from storage import outbox, repo
from storage import outcomes as store
from storage.repo import ResidentInfo
from storage.report import published_at

log = logging.getLogger(__name__)

#: /resultaten in one message: the history, the closing lines included, within this.
RESULTS_CHARS = MESSAGE_CHARS - MESSAGE_MARGIN
_SEPARATOR = "\n\n"


async def end_offer(
    db: AsyncSession, resident_id: int, language: Language, flow: Flow, *, municipality: str
) -> tuple[Html, Keyboard]:
    """The opt-ins under the "finished" message: hear about the outcome of this
    questionnaire (what ``municipality`` does with it), and invitations on its theme.
    Finishing also shows the resident can be reached again (after having blocked the bot
    once)."""
    await store.clear_unreachable(db, resident_id)
    chosen = await store.subscriptions(db, resident_id)
    questionnaire = flow.questionnaire
    keyboard = views.optin_keyboard(
        questionnaire.id,
        questionnaire.theme.get(language),
        outcomes_on=(loop.OUTCOMES, questionnaire.id) in chosen,
        invitations_on=(loop.INVITATIONS, slug(flow)) in chosen,
        language=language,
        municipality=municipality,
    )
    return t(language, "optin.offer"), keyboard


def web_offer(
    language: Language, questionnaire_id: str, *, outcomes_on: bool, municipality: str
) -> tuple[Html, Keyboard]:
    """The opt-in at the end on a door that reaches nobody unasked (the web): hearing the
    outcome on the next visit (no invitations: nothing could carry them)."""
    keyboard = views.deliberation_optin_keyboard(
        questionnaire_id, outcomes_on=outcomes_on, language=language, municipality=municipality
    )
    return t(language, "web.optin", municipality=municipality), keyboard


class Residents(Part):
    """The residents' commands and buttons of closing the loop."""

    async def _resident(self, db: AsyncSession, user: User | Who) -> ResidentInfo | None:
        """The consenting resident, speaking in the bot's form of address; else None."""
        pseudonym = (
            user.pseudonym if isinstance(user, Who) else self.services.pseudonyms.of(user.id)
        )
        resident = await repo.find_resident(db, pseudonym)
        if resident is None or not resident.consented:
            return None
        return addressed(self.services.settings, resident)

    def _stranger(self, user: User | Who) -> Language:
        """The language for someone who has not joined (yet): their device's."""
        return speaking(self.services.settings, language_of(user.language_code))

    # --- /instellingen and the opt-in toggles -------------------------------------------------

    async def _command(
        self,
        update: Update,
        context: Context,
        action: Callable[[AsyncSession, ResidentInfo], Awaitable[Reply]],
    ) -> None:
        """A resident's command: ``action(db, resident)`` in one unit of work for a consenting
        resident (anyone else is pointed to /start), its reply delivered after the commit."""
        user, message = update.effective_user, update.effective_message
        if user is None or message is None:
            return
        async with self.services.sessions.begin() as db:
            resident = await self._resident(db, user)
            if resident is None:
                reply = Reply([Send(t(self._stranger(user), "instellingen.consent"))])
            else:
                reply = await action(db, resident)
        await self.postman.deliver(context.bot, message.chat_id, reply)

    async def settings(self, update: Update, context: Context) -> None:
        """/instellingen: what the resident wants to hear about, as toggles."""
        await self._command(update, context, self._settings_reply)

    async def _settings_reply(self, db: AsyncSession, resident: ResidentInfo) -> Reply:
        await store.clear_unreachable(db, resident.id)
        entries = await self._settings(db, resident)
        key = "instellingen.text" if entries else "instellingen.empty"
        keyboard = views.settings_keyboard(entries, resident.language)
        municipality = self.services.settings.municipality_name
        return Reply([Send(t(resident.language, key, municipality=municipality), keyboard)])

    async def _settings(self, db: AsyncSession, resident: ResidentInfo) -> list[Setting]:
        language = resident.language
        chosen = await store.subscriptions(db, resident.id)
        entries = []
        for questionnaire_id in await store.questionnaires_taken(db, resident.id):
            subject = await subject_of(self.services, db, questionnaire_id)
            if subject is None:
                continue
            on = (loop.OUTCOMES, questionnaire_id) in chosen
            title = subject.title.get(language)
            entries.append(Setting(loop.OUTCOMES, questionnaire_id, title, on))
        themes = self._themes(language)
        for kind, topic in chosen:
            if kind == loop.INVITATIONS and topic not in themes:
                themes[topic] = topic  # a theme no questionnaire has any more
        for theme, label in sorted(themes.items(), key=lambda item: item[1].lower()):
            on = (loop.INVITATIONS, theme) in chosen
            entries.append(Setting(loop.INVITATIONS, theme, label, on))
        return entries

    def _themes(self, language: Language) -> dict[str, str]:
        """Theme slug -> name, of every questionnaire that is not a draft."""
        themes: dict[str, str] = {}
        for flow in self.catalog.currents():
            if self.catalog.status(flow.questionnaire.id) == "draft":
                continue
            themes.setdefault(slug(flow), flow.questionnaire.theme.get(language))
        return themes

    async def opt_in_button(self, update: Update, context: Context) -> None:
        """An opt-in toggle, at the end of a questionnaire or in /instellingen."""
        await press(update, context, self.postman, self._opt_in)

    async def _opt_in(self, query: CallbackQuery) -> Reply:
        return await self.opt_in_reply(query.from_user, query.data or "")

    async def opt_in_reply(self, user: User | Who, data: str) -> Reply:
        """An opt-in toggle pressed by ``user`` (a Telegram user, or a resident at another
        door: there only the outcome of what they took part in, heard on their next visit)."""
        pressed = decode(data)
        on_web = isinstance(user, Who) and channel_of(user.pseudonym) != TELEGRAM
        async with self.services.sessions.begin() as db:
            resident = await self._resident(db, user)
            if resident is None:
                consent = t(self._stranger(user), "instellingen.consent")
                return Reply([], notice=notice(consent))
            language = resident.language
            if not isinstance(pressed, OptInAtEnd | OptInSetting):
                return stale(language)
            if on_web and (not isinstance(pressed, OptInAtEnd) or pressed.kind != loop.OUTCOMES):
                return stale(language)
            kind, flow, talk = pressed.kind, None, None
            if isinstance(pressed, OptInAtEnd):  # a questionnaire they took part in
                questionnaire_id = pressed.questionnaire_id
                subject = await subject_of(self.services, db, questionnaire_id)
                if subject is None or not await store.took_part(db, resident.id, questionnaire_id):
                    return stale(language)
                flow = subject.flow
                if flow is None:  # a deliberation: only its outcomes
                    if kind != loop.OUTCOMES:
                        return stale(language)
                    talk = questionnaire_id
                language = speaking(self.services.settings, language, flow)  # its conversation
                topic = questionnaire_id if kind == loop.OUTCOMES or flow is None else slug(flow)
            elif kind == loop.OUTCOMES:  # /instellingen: likewise
                topic = pressed.topic
                known = await subject_of(self.services, db, topic) is not None
                if not known or not await store.took_part(db, resident.id, topic):
                    return stale(language)
            else:  # /instellingen: a theme of now, or one they still follow
                topic = pressed.topic
                chosen = await store.subscriptions(db, resident.id)
                if topic not in self._themes(language) and (kind, topic) not in chosen:
                    return stale(language)
            await store.set_subscription(
                db, resident.id, kind, topic, pressed.wanted, now=self.services.clock()
            )
            await store.clear_unreachable(db, resident.id)
            if on_web:  # at the end, on a door that reaches nobody unasked
                _, keyboard = web_offer(
                    language,
                    topic,
                    outcomes_on=pressed.wanted,
                    municipality=self.services.settings.municipality_name,
                )
            elif flow is not None:  # at the end of the questionnaire
                municipality = self.services.settings.municipality_name
                _, keyboard = await end_offer(
                    db, resident.id, language, flow, municipality=municipality
                )
            elif talk is not None:  # under a deliberation's last statement
                keyboard = views.deliberation_optin_keyboard(
                    talk,
                    outcomes_on=pressed.wanted,
                    language=language,
                    municipality=self.services.settings.municipality_name,
                )
            else:
                shown = views.settings_keyboard(await self._settings(db, resident), language)
                assert shown is not None  # the pressed line is on it
                keyboard = shown
        log.info("resident %s set %s %s: %s", resident.pseudonym[:12], kind, topic, pressed.wanted)
        turned = "optin.on" if pressed.wanted else "optin.off"
        return Reply([], edit=Edit(None, keyboard), notice=raw(language, turned))

    # --- /resultaten --------------------------------------------------------------------------

    async def results(self, update: Update, context: Context) -> None:
        """/resultaten: what was done with the questionnaires the resident took part in."""

        async def history(db: AsyncSession, resident: ResidentInfo) -> Reply:
            return Reply([Send(await self._results(db, resident))])

        await self._command(update, context, history)

    async def results_reply(self, who: Who) -> Reply:
        """/resultaten at a door other than Telegram's handler table (the web)."""
        async with self.services.sessions.begin() as db:
            resident = await self._resident(db, who)
            if resident is None:
                return Reply([Send(t(self._stranger(who), "instellingen.consent"))])
            return Reply([Send(await self._results(db, resident, settings=False))])

    async def waiting_reply(self, who: Who) -> Reply:
        """The outcomes waiting for a resident of the web door (who opted in), each shown
        once: taken from the waiting list in the same unit of work."""
        async with self.services.sessions.begin() as db:
            resident = await self._resident(db, who)
            if resident is None:
                return Reply([])
            found = await store.take_waiting(db, resident.id)
            messages: list[Send | Document] = [
                Send(await self._outcome_text(db, outcome, resident.language)) for outcome in found
            ]
        return Reply(messages)

    async def _outcome_text(
        self, db: AsyncSession, outcome: store.OutcomeInfo, language: Language
    ) -> Html:
        """An outcome in the resident's language, as the broadcast of it says it."""
        subject = await subject_of(self.services, db, outcome.questionnaire_id)
        title = subject.title.get(language) if subject else outcome.questionnaire_id
        english = language == "en" and outcome.message_en
        message = outcome.message_en if english and outcome.message_en else outcome.message_nl
        settings = self.services.settings
        public = await published_at(db, outcome.questionnaire_id) is not None
        link = None
        if public:
            link = results_url(settings, outcome.questionnaire_id, "en" if english else "nl")
        return views.outcome_text(
            title, outcome.status, message, language, link, key="web.outcome"
        )

    async def _results(
        self, db: AsyncSession, resident: ResidentInfo, *, settings: bool = True
    ) -> Html:
        language = resident.language
        taken = await store.questionnaires_taken(db, resident.id)
        chosen = await store.subscriptions(db, resident.id)
        followed = [topic for kind, topic in sorted(chosen) if kind == loop.OUTCOMES]
        ids = list(dict.fromkeys([*taken, *followed]))
        if not ids:
            municipality = self.services.settings.municipality_name
            return t(language, "resultaten.nothing", municipality=municipality)
        found = await store.outcomes_of(db, ids)
        current = await store.outcome_statuses(db)
        news: dict[str, list[store.OutcomeInfo]] = {qid: [] for qid in ids}
        for outcome in found:
            news[outcome.questionnaire_id].append(outcome)
        # Questionnaires with the newest news first, then the others in the order taken.
        order = sorted(
            ids, key=lambda qid: -(news[qid][0].created_at.timestamp() if news[qid] else 0)
        )
        more, hint = t(language, "resultaten.more"), t(language, "resultaten.hint")
        room = RESULTS_CHARS - len(more) - len(hint) - 2 * len(_SEPARATOR)
        parts: list[str] = [t(language, "resultaten.title")]
        size = len(parts[0])
        cut = False
        titles = {}
        for questionnaire_id in order:
            subject = await subject_of(self.services, db, questionnaire_id)
            titles[questionnaire_id] = subject.title.get(language) if subject else questionnaire_id
        for questionnaire_id in order:
            block = self._history(
                titles[questionnaire_id],
                questionnaire_id,
                current,
                news[questionnaire_id],
                language,
            )
            while block:
                text = _SEPARATOR.join(block)
                if size + len(text) + len(_SEPARATOR) <= room:
                    break
                block.pop()  # the oldest message of this questionnaire does not fit
                cut = True
            if len(block) <= 1 and news[questionnaire_id]:
                cut = True
                break
            parts.append(_SEPARATOR.join(block))
            size += len(parts[-1]) + len(_SEPARATOR)
        if cut:
            parts.append(more)
        if settings and any((loop.OUTCOMES, qid) not in chosen for qid in taken):
            parts.append(hint)  # /instellingen: not on a door without settings
        return Html(_SEPARATOR.join(parts))

    def _history(
        self,
        title: str,
        questionnaire_id: str,
        current: dict[str, str],
        outcomes: list[store.OutcomeInfo],
        language: Language,
    ) -> list[str]:
        """One questionnaire (or deliberation) in /resultaten: its title and status now,
        then its outcomes, newest first."""
        status = current.get(questionnaire_id, loop.STATUSES[0])
        block: list[str] = [
            t(
                language,
                "resultaten.questionnaire",
                title=title,
                status=views.status_label(status, language),
            )
        ]
        zone = self.services.settings.zone
        for outcome in outcomes:
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
                    status=views.status_label(outcome.status, language),
                    message=message,
                )
            )
        if not outcomes:
            block.append(t(language, "resultaten.no_news"))
        return block

    # --- effect checks ------------------------------------------------------------------------

    async def effect_button(self, update: Update, context: Context) -> None:
        """A resident's answer to "Merk je iets van deze verandering?"."""
        await press(update, context, self.postman, self._effect_answer)

    async def _effect_answer(self, query: CallbackQuery) -> Reply:
        user, pressed = query.from_user, EffectAnswer.unpack(query.data)
        async with self.services.sessions.begin() as db:
            resident = await self._resident(db, user)
            if resident is None:
                return stale(self._stranger(user))
            language = resident.language
            if pressed is None or pressed.value not in loop.EFFECT_VALUES:
                return stale(language)
            check = await store.get_effect_check(db, pressed.check_id)
            if check is None or check.broadcast_id is None:
                return stale(language)
            if not await outbox.was_recipient(db, check.broadcast_id, resident.id):
                return stale(language)
            broadcast = await outbox.get_broadcast(db, check.broadcast_id)
            changed = await store.answer_effect_check(
                db, check.id, resident.id, pressed.value, now=self.services.clock()
            )
            if not changed:
                return Reply([], notice=raw(language, "effect.same"))
            # The buttons are in the language the message was sent in.
            payload = broadcast.payload if broadcast else {}
            sent_in = language if language in payload else "nl"
            keyboard = from_json(views.effect_buttons(check.id, pressed.value, sent_in))
        log.info("resident %s answered effect check %s", resident.pseudonym[:12], check.id)
        edit = Edit(None, keyboard) if keyboard is not None else None
        return Reply([], edit=edit, notice=raw(language, "effect.thanks"))

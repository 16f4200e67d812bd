"""Residents in a private chat: a thin adapter from Telegram updates to the flow engine.

Each handler runs one unit of work: read the resident's state, apply the input, commit,
and only then talk to Telegram. So an answer confirmed to a resident is always stored,
and a crash before the commit loses nothing that was confirmed.
"""

from __future__ import annotations

import enum
import logging
from collections.abc import Awaitable, Callable
from typing import cast

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import Bot, CallbackQuery, Update, User
from telegram.ext import ContextTypes

from bot.core.buttons import Pick
from bot.core.callbacks import decode
from bot.core.keyboards import notice
from bot.core.recent import Recent
from bot.core.reply import Edit, Postman, Reply, Send
from bot.core.services import Services
from bot.outcomes.residents import end_offer
from bot.resident import buttons, privacy
from bot.resident import views as render
from flows import engine
from flows.engine import Input
from flows.machine import Flow
from flows.schema import LANGUAGES, SLUG, TextQuestion
from flows.texts import Language, language_of, t
from storage import repo
from storage.privacy import erase_resident
from storage.repo import ResidentInfo, SessionInfo

log = logging.getLogger(__name__)
Context = ContextTypes.DEFAULT_TYPE
QUESTION_CACHE = 20_000


class _Unread(enum.Enum):
    """Marks an active session not read yet (None means: read, and there is none)."""

    UNREAD = "unread"


UNREAD = _Unread.UNREAD


#: What ``_simple`` runs: the unit of work, the resident, their questionnaire in progress.
Action = Callable[[AsyncSession, ResidentInfo, SessionInfo | None], Awaitable[Reply]]


class ResidentHandlers:
    """Every callback for residents (registered in :mod:`bot.app.application`)."""

    def __init__(self, services: Services) -> None:
        self.services = services
        # The last question message per session, so that a typed answer can update it.
        # Memory stays bounded; after a restart an old message simply keeps its buttons.
        self._questions: Recent[int, tuple[int, str]] = Recent(QUESTION_CACHE)
        self._postman = Postman(QUESTION_CACHE)
        self.catalog = services.catalog
        self.settings = services.settings

    # --- commands -----------------------------------------------------------------------------

    async def start(self, update: Update, context: Context) -> None:
        """/start, optionally with a deep link to one questionnaire (t.me/<bot>?start=<id>)."""
        user, message = update.effective_user, update.effective_message
        if user is None or message is None:
            return
        wanted = context.args[0].lower() if context.args else None
        if wanted is not None and not SLUG.match(wanted):
            wanted = None
        async with self.services.sessions.begin() as db:
            resident = await self._resident(db, user)
            if resident is None or not resident.consented:
                reply = self._welcome(user, wanted)
            elif wanted:
                reply = await self._open(db, resident, wanted)
            else:
                reply = await self._pick(db, resident)
        await self._deliver(context.bot, message.chat_id, reply)

    async def questionnaires(self, update: Update, context: Context) -> None:
        """/vragenlijsten (/questionnaires): the open questionnaires as buttons."""
        await self._simple(update, context, lambda db, resident, _: self._pick(db, resident))

    async def help(self, update: Update, context: Context) -> None:
        """/help: how it works and the commands."""
        user, message = update.effective_user, update.effective_message
        if user is None or message is None:
            return
        async with self.services.sessions() as db:
            resident = await self._resident(db, user)
        await self._deliver(
            context.bot, message.chat_id, Reply([Send(t(self._lang(resident, user), "help"))])
        )

    async def privacy(self, update: Update, context: Context) -> None:
        """/privacy: what is stored, why, for how long, who sees it. Works without consent."""
        user, message = update.effective_user, update.effective_message
        if user is None or message is None:
            return
        async with self.services.sessions() as db:
            resident = await self._resident(db, user)
        text = t(
            self._lang(resident, user),
            "privacy",
            retention=self.settings.retention_days,
            contact=self.settings.privacy_contact,
        )
        await self._deliver(context.bot, message.chat_id, Reply([Send(text)]))

    async def language(self, update: Update, context: Context) -> None:
        """/taal (/language): choose Dutch or English."""
        user, message = update.effective_user, update.effective_message
        if user is None or message is None:
            return
        async with self.services.sessions() as db:
            resident = await self._resident(db, user)
        text = t(self._lang(resident, user), "language.pick")
        await self._deliver(
            context.bot, message.chat_id, Reply([Send(text, render.language_keyboard())])
        )

    async def stop(self, update: Update, context: Context) -> None:
        """/stop: pause the questionnaire; the answers so far are kept."""

        async def action(
            db: AsyncSession, resident: ResidentInfo, session: SessionInfo | None
        ) -> Reply:
            if session is None:
                return Reply([Send(t(resident.language, "stop.nothing"))])
            await repo.set_status(db, session.id, repo.PAUSED, now=self.services.clock())
            log.info("resident %s paused %s", resident.pseudonym[:12], session.questionnaire_id)
            return Reply([Send(t(resident.language, "stopped"))])

        await self._simple(update, context, action)

    async def unknown_command(self, update: Update, context: Context) -> None:
        """A command the bot does not know: explain, then the current question again."""
        await self._with_session(update, context, None, "unknown_command")

    # --- messages -----------------------------------------------------------------------------

    async def text(self, update: Update, context: Context) -> None:
        """A typed answer."""
        message = update.effective_message
        if message is None or message.text is None:
            return
        await self._with_session(update, context, engine.Typed(message.text))

    async def unsupported(self, update: Update, context: Context) -> None:
        """Stickers, photos, voice, locations...: a friendly hint and the question again."""
        await self._with_session(update, context, None)

    async def edited(self, update: Update, context: Context) -> None:
        """An edited message is not a new answer; « Vorige changes an answer."""
        await self._with_session(update, context, None, "edited")

    # --- buttons ------------------------------------------------------------------------------

    async def button(self, update: Update, context: Context) -> None:
        """Every inline button. The callback query is always answered."""
        query = update.callback_query
        if query is None:
            return
        answered = False
        try:
            reply = await self._button(query)
            answered = True
            await self._deliver(
                context.bot,
                query.message.chat.id if query.message else query.from_user.id,
                reply,
                query=query,
            )
        finally:
            if not answered:
                await query.answer()

    async def _button(self, query: CallbackQuery) -> Reply:
        pressed = decode(query.data)
        user = query.from_user
        async with self.services.sessions.begin() as db:
            if isinstance(pressed, buttons.OnQuestion):  # resident and questionnaire at once
                found = await repo.find_resident_in_session(db, self._pseudonym(user))
                if found is None or not found[0].consented:
                    return self._welcome(user, None)
                return await self._answer_button(db, *found, pressed)
            resident = await self._resident(db, user)
            if isinstance(pressed, buttons.Consent):
                return await self._consent(db, user, resident, query, pressed)
            if isinstance(pressed, buttons.ChooseLanguage):
                return await self._set_language(db, resident, user, pressed.code)
            if resident is None or not resident.consented:
                return self._welcome(user, None)
            if isinstance(pressed, Pick):
                return await self._open(db, resident, pressed.questionnaire_id)
            if isinstance(pressed, buttons.Revise):
                return await self._revise(db, resident, pressed)
        return Reply([], notice=t(resident.language, "stale.short"))

    async def _consent(
        self,
        db: AsyncSession,
        user: User,
        existing: ResidentInfo | None,
        query: CallbackQuery,
        pressed: buttons.Consent,
    ) -> Reply:
        language = language_of(user.language_code)
        if existing is not None:
            language = existing.language
        answer, then = pressed.answer, pressed.then
        if pressed.language in LANGUAGES:  # picked with /taal before consenting
            language = pressed.language
        edit = Edit(None, None)  # take the consent buttons away
        if answer == "n":
            if existing is not None and existing.consented:
                # Withdrawing consent after joining is /vergeetmij: confirm, then erase.
                text, keyboard = await privacy.forget_question(db, self.services, existing)
                return Reply([Send(text, keyboard)], edit=edit)
            if existing is not None:  # a record left from before: forget it now
                await erase_resident(
                    db, existing.id, catalog=self.catalog, now=self.services.clock()
                )
            # Someone who says no leaves no trace, as the reply promises.
            return Reply([Send(t(language, "consent.refused"))], edit=edit)
        if answer != "y":
            return Reply([], notice=t(language, "stale.short"))
        if existing is not None and existing.consented:  # a second tap on "Ja"
            return Reply([], notice=t(language, "consent.already"))
        resident = await repo.register_resident(
            db,
            self._pseudonym(user),
            language=language,
            consent="given",
            chat_id=query.message.chat.id if query.message else user.id,
            now=self.services.clock(),
        )
        log.info("resident %s gave consent", resident.pseudonym[:12])
        reply = Reply([Send(t(language, "consent.given"))], edit=edit)
        if then and SLUG.match(then):
            follow = await self._open(db, resident, then)
        else:
            follow = await self._pick(db, resident)
        return reply.then(*follow.messages)

    async def _set_language(
        self, db: AsyncSession, resident: ResidentInfo | None, user: User, code: str
    ) -> Reply:
        if code not in LANGUAGES:
            return Reply([], notice=t(self._lang(resident, user), "stale.short"))
        reply = Reply([Send(t(code, "language.set"))], edit=Edit(None, None))
        if resident is None or not resident.consented:
            # Nothing is stored before consent: the consent buttons carry the language.
            return reply.then(*self._welcome(user, None, language=code).messages)
        await repo.set_language(db, resident.id, code)
        resident = ResidentInfo(resident.id, resident.pseudonym, code, resident.consent)
        session = await self._active(db, resident, reply)
        flow = self._flow(session)
        if session is not None and flow is not None:
            reply.then(self._question(flow, session, code))
        return reply

    async def _revise(
        self, db: AsyncSession, resident: ResidentInfo, pressed: buttons.Revise
    ) -> Reply:
        questionnaire_id, answer = pressed.questionnaire_id, pressed.answer
        language = resident.language
        flow = self.catalog.current(questionnaire_id)
        if answer == "n":
            return Reply([Send(t(language, "revise.kept"))], edit=Edit(None, None))
        if flow is None or answer != "y":
            return Reply([], notice=t(language, "stale.short"))
        if not self.catalog.is_open(questionnaire_id, self.services.clock(), self.settings.zone):
            return Reply([Send(t(language, "closed"))], edit=Edit(None, None))
        latest = await repo.latest_session(db, resident.id, questionnaire_id)
        old_flow = self._flow(latest)
        if (
            latest is not None
            and old_flow is not None
            and latest.status in (repo.ACTIVE, repo.PAUSED)
            and not self._timed_out(latest)
        ):
            # "Ja, aanpassen" pressed twice (or on an older offer): go on with the revision
            # under way instead of starting another one.
            session = await repo.resume_session(db, latest, now=self.services.clock())
            reply = Reply(
                [Send(t(language, "resume")), self._question(old_flow, session, language)]
            )
        else:
            reply = await self._begin(db, resident, flow)
        reply.edit = Edit(None, None)
        return reply

    async def _answer_button(
        self,
        db: AsyncSession,
        resident: ResidentInfo,
        active: SessionInfo | None,
        pressed: buttons.OnQuestion,
    ) -> Reply:
        language = resident.language
        token = pressed.token
        reply = Reply([])
        session = await self._active(db, resident, reply, active)
        flow = self._flow(session) if session else None
        if session is None or flow is None:
            reply.notice = t(language, "stale.short")
            return reply.then(*(await self._pick(db, resident)).messages)
        tokens = self.services.pseudonyms
        if token != tokens.button_token(session.id, session.state.current):
            if any(token == tokens.button_token(session.id, q) for q in session.state.path):
                return Reply([], notice=t(language, "already_saved"))
            if isinstance(pressed, buttons.Back):  # « Vorige on a question left behind
                return Reply([], notice=t(language, "stale.short"))
            return Reply(
                [Send(t(language, "stale")), self._question(flow, session, language)],
                notice=t(language, "stale.short"),
            )
        given: Input
        match pressed:
            case buttons.Answer(value=value):
                given = engine.Pick(value)
            case buttons.Toggle(option=option):
                given = engine.Toggle(option)
            case buttons.Done():
                given = engine.Confirm()
            case buttons.Skip():
                given = engine.Skip()
            case _:
                given = engine.Back()
        return await self._step(db, resident, session, flow, given, pressed=True)

    # --- the conversation step ----------------------------------------------------------------

    async def _with_session(
        self, update: Update, context: Context, given: Input | None, why: str = "unsupported"
    ) -> None:
        """Typed text (``given``), or something unusable (``None``, explained by ``why``)."""

        async def action(
            db: AsyncSession, resident: ResidentInfo, active: SessionInfo | None
        ) -> Reply:
            reply = Reply([])
            session = await self._active(db, resident, reply, active)
            flow = self._flow(session) if session else None
            language = resident.language
            if session is None or flow is None:
                if given is None:
                    reply.then(Send(t(language, why)))
                return reply.then(*(await self._pick(db, resident)).messages)
            if given is None:
                return reply.then(Send(t(language, why)), self._question(flow, session, language))
            return await self._step(db, resident, session, flow, given, pressed=False)

        await self._simple(update, context, action)

    async def _step(
        self,
        db: AsyncSession,
        resident: ResidentInfo,
        session: SessionInfo,
        flow: Flow,
        given: Input,
        *,
        pressed: bool,
    ) -> Reply:
        language = resident.language
        before = engine.prompt(flow, session.state)
        outcome = engine.apply(flow, session.state, given, language)
        if outcome.problem is not None:
            if pressed:
                return Reply([], notice=notice(outcome.problem))
            return Reply([Send(outcome.problem), self._question(flow, session, language)])
        if outcome.changed:
            accepted = outcome.accepted
            # Free text waits for moderation before a digest may quote it.
            moderate = accepted is not None and isinstance(
                flow.questions.get(accepted[0]), TextQuestion
            )
            await repo.save_outcome(
                db, session, outcome, now=self.services.clock(), moderate=moderate
            )
        updated = SessionInfo(
            session.id,
            session.resident_id,
            session.questionnaire_id,
            session.version,
            session.status,
            outcome.state,
            session.started_at,
            session.updated_at,
            session.completed_at,
            session.is_test,
        )
        reply = Reply([])
        if isinstance(given, engine.Toggle):
            token = self.services.pseudonyms.button_token(session.id, session.state.current)
            keyboard = render.question_keyboard(
                engine.prompt(flow, outcome.state), token, language
            )
            reply.edit = Edit(None, keyboard)
            return reply
        # The question message shows the answer (or that the resident went back) and loses
        # its buttons: the pressed message, or, for a typed answer, the last question sent.
        # Only if this process sent the question being answered: with several workers
        # another one may have sent a later question since, and this entry is stale.
        last = self._questions.pop(session.id)
        message_id = last[0] if last is not None and last[1] == session.state.current else None
        if pressed or message_id is not None:
            target = None if pressed else message_id
            if outcome.accepted is not None:
                text = render.answered_text(before, outcome.accepted[1], language)
            else:
                text = render.went_back_text(before, language)
            reply.edit = Edit(text, message_id=target, failing="raise" if pressed else "ignore")
        if outcome.accepted is not None:
            log.info(
                "resident %s answered %s/%s",
                resident.pseudonym[:12],
                session.questionnaire_id,
                outcome.accepted[0],
            )
        if outcome.finished:
            rows = engine.summary(flow, outcome.state, language)
            if session.is_test:  # an administrator trying it out: nothing to opt in to
                finished = Send(render.finished_text(flow, rows, language))
            else:  # hear what becomes of it, and invitations on its theme
                offer, keyboard = await end_offer(db, resident.id, language, flow)
                finished = Send(render.finished_text(flow, rows, language, offer), keyboard)
            return reply.then(finished, Send(t(language, "finished.more")))
        return reply.then(self._question(flow, updated, language))

    # --- helpers ------------------------------------------------------------------------------

    def _pseudonym(self, user: User) -> str:
        return self.services.pseudonyms.of(user.id)

    async def _resident(self, db: AsyncSession, user: User) -> ResidentInfo | None:
        return await repo.find_resident(db, self._pseudonym(user))

    @staticmethod
    def _lang(resident: ResidentInfo | None, user: User) -> Language:
        if resident is not None and resident.consented:
            return resident.language
        return language_of(user.language_code)

    def _flow(self, session: SessionInfo | None) -> Flow | None:
        if session is None:
            return None
        return self.catalog.get(session.questionnaire_id, session.version)

    def _timed_out(self, session: SessionInfo) -> bool:
        idle = self.services.clock() - session.updated_at
        return idle > self.settings.session_timeout

    async def _active(
        self,
        db: AsyncSession,
        resident: ResidentInfo,
        reply: Reply,
        known: SessionInfo | _Unread | None = UNREAD,
    ) -> SessionInfo | None:
        """The questionnaire in progress (``known``: read with the resident, in this unit of
        work); an idle one expires and the resident is told."""
        if isinstance(known, _Unread):
            session = await repo.active_session(db, resident.id)
        else:
            session = known
        if session is not None and self._flow(session) is None:
            # A version another worker published (or an administrator's draft) that this
            # worker has not loaded yet.
            await self.services.refresh_catalog()
        if session is not None and (self._timed_out(session) or self._flow(session) is None):
            await repo.set_status(db, session.id, repo.EXPIRED, now=self.services.clock())
            reply.then(Send(t(resident.language, "expired")))
            return None
        return session

    def _question(self, flow: Flow, session: SessionInfo, language: Language) -> Send:
        prompt = engine.prompt(flow, session.state)
        token = self.services.pseudonyms.button_token(session.id, session.state.current)
        return Send(
            render.question_text(prompt, language),
            render.question_keyboard(prompt, token, language),
            tag=(session.id, session.state.current),
        )

    def _welcome(
        self,
        user: User,
        then: str | None,
        *,
        again: bool = False,
        language: Language | None = None,
    ) -> Reply:
        """The consent question; ``language`` when the resident chose one with /taal."""
        chosen = language is not None
        language = language or language_of(user.language_code)
        if then is not None and self.catalog.current(then) is None:
            then = None
        if again:
            keyboard = render.consent_keyboard(language, chosen=chosen)
            return Reply([Send(t(language, "consent.needed"), keyboard)])
        text = t(
            language,
            "welcome",
            municipality=self.settings.municipality_name,
            retention=self.settings.retention_days,
        )
        return Reply([Send(text, render.consent_keyboard(language, then, chosen=chosen))])

    async def _pick(self, db: AsyncSession, resident: ResidentInfo) -> Reply:
        language = resident.language
        flows = self.catalog.open_flows(self.services.clock(), self.settings.zone)
        if not flows:
            return Reply([Send(t(language, "pick.none"))])
        done = await repo.completed_questionnaires(db, resident.id)
        return Reply([Send(t(language, "pick"), render.pick_keyboard(flows, done, language))])

    async def _open(
        self, db: AsyncSession, resident: ResidentInfo, questionnaire_id: str
    ) -> Reply:
        """Start, resume or offer to revise one questionnaire."""
        language = resident.language
        flow = self.catalog.current(questionnaire_id)
        if flow is None:
            pick = await self._pick(db, resident)
            return Reply([Send(t(language, "unknown_questionnaire")), *pick.messages])
        if not self.catalog.is_open(questionnaire_id, self.services.clock(), self.settings.zone):
            pick = await self._pick(db, resident)
            return Reply([Send(t(language, "closed")), *pick.messages])
        reply = Reply([])
        latest = await repo.latest_session(db, resident.id, questionnaire_id)
        if latest is not None and latest.status in (repo.ACTIVE, repo.PAUSED):
            old_flow = self._flow(latest)
            if self._timed_out(latest) or old_flow is None:
                await repo.set_status(db, latest.id, repo.EXPIRED, now=self.services.clock())
                reply.then(Send(t(language, "expired")))
            else:
                session = await repo.resume_session(db, latest, now=self.services.clock())
                return reply.then(
                    Send(t(language, "resume")), self._question(old_flow, session, language)
                )
        if await repo.has_completed(db, resident.id, questionnaire_id):
            return reply.then(
                Send(t(language, "revise"), render.revise_keyboard(questionnaire_id, language))
            )
        begun = await self._begin(db, resident, flow)
        return reply.then(*begun.messages)

    async def _begin(self, db: AsyncSession, resident: ResidentInfo, flow: Flow) -> Reply:
        language = resident.language
        questionnaire = flow.questionnaire
        session = await repo.start_session(
            db,
            resident.id,
            questionnaire.id,
            questionnaire.version,
            engine.start(flow),
            now=self.services.clock(),
        )
        log.info("resident %s started %s", resident.pseudonym[:12], questionnaire.key)
        return Reply(
            [Send(render.intro_text(flow, language)), self._question(flow, session, language)]
        )

    async def _simple(self, update: Update, context: Context, action: Action) -> None:
        """Run ``action(db, resident, active)`` for a consented resident, else ask for
        consent. The resident and their questionnaire in progress (``active``) are read in
        one query."""
        user, message = update.effective_user, update.effective_message
        if user is None or message is None:
            return
        async with self.services.sessions.begin() as db:
            found = await repo.find_resident_in_session(db, self._pseudonym(user))
            if found is None or not found[0].consented:
                reply = self._welcome(user, None, again=True)
            else:
                reply = await action(db, *found)
        await self._deliver(context.bot, message.chat_id, reply)

    async def _deliver(
        self, bot: Bot, chat_id: int, reply: Reply, query: CallbackQuery | None = None
    ) -> None:
        """Talk to Telegram after the commit; remember which message asks which question."""
        sent = await self._postman.deliver(bot, chat_id, reply, query)
        for tag, message in sent.items():
            session_id, question_id = cast(tuple[int, str], tag)
            self._questions.put(session_id, (message.message_id, question_id))

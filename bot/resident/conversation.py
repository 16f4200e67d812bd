"""Residents in a private chat: a thin adapter from Telegram updates to the flow engine,
through the resident's side of the conversation that every door shares.

Just over 500 lines on purpose: every Telegram entry point of the resident's
conversation in one place, and beside each the channel-neutral method it calls (a
:class:`~bot.core.channel.Who` in, a ``Reply`` out), which every other door reaches through
:mod:`bot.resident.door` (opening and resuming live in :mod:`bot.resident.sessions`).

Each handler runs one unit of work: read the resident's state, apply the input, commit,
and only then talk to Telegram. So an answer confirmed to a resident is always stored,
and a crash before the commit loses nothing that was confirmed.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Hashable
from typing import cast

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import Bot, CallbackQuery, Update, User
from telegram.ext import ContextTypes

from bot.core.buttons import Pick
from bot.core.callbacks import decode
from bot.core.channel import TELEGRAM, WEB, Who, channel_of
from bot.core.images import Pictures
from bot.core.keyboards import Keyboard, notice
from bot.core.recent import Recent
from bot.core.reply import Edit, Postman, Reply, Send
from bot.core.services import Services
from bot.core.voice import addressed, speaking
from bot.outcomes.residents import end_offer, web_offer
from bot.resident import buttons, privacy, profile
from bot.resident import views as render
from bot.resident.codes import CodeDoor, takes_text
from bot.resident.sessions import Sessions, Speaker
from bot.resident.summary import finished_messages
from flows import engine
from flows import outcomes as loop
from flows.codes import looks_like_code, normalise
from flows.engine import Input
from flows.machine import Flow
from flows.schema import SLUG, TextQuestion
from flows.texts import LANGUAGES, Html, Language, language_of, t
from storage import outcomes as outcome_store
from storage import repo
from storage.privacy import erase_resident
from storage.repo import ResidentInfo, SessionInfo

log = logging.getLogger(__name__)
Context = ContextTypes.DEFAULT_TYPE
QUESTION_CACHE = 20_000


#: What ``_simple`` runs: the unit of work, the resident, their questionnaire in progress.
Action = Callable[[AsyncSession, ResidentInfo, SessionInfo | None], Awaitable[Reply]]
#: Opens something other than a questionnaire by id (a deliberation) after consent; None
#: when the id is not one of its own.
Opener = Callable[[AsyncSession, ResidentInfo, str], Awaitable[Reply | None]]


class ResidentHandlers:
    """Every callback for residents (registered in :mod:`bot.app.application`)."""

    def __init__(self, services: Services) -> None:
        self.services = services
        # The last question message per session, so that a typed answer can update it.
        # Memory stays bounded; after a restart an old message simply keeps its buttons.
        self._questions: Recent[int, tuple[int, str]] = Recent(QUESTION_CACHE)
        self._postman = Postman(QUESTION_CACHE, Pictures(services.settings.questionnaires_dir))
        self.sessions = Sessions(services)
        self.codes = CodeDoor(services, self.sessions)
        self.catalog = services.catalog
        self.settings = services.settings
        # Set by the deliberations (bot.resident.stellingen): a deep link may name one.
        self.opener: Opener | None = None

    # --- Telegram: each update as an event of the channel seam (bot.core.channel) ---------

    def who(self, user: User, chat_id: int | None = None) -> Who:
        """A Telegram user as the conversation knows them: the keyed hash of their id."""
        return Who(self._pseudonym(user), user.language_code, chat_id or user.id, TELEGRAM)

    async def start(self, update: Update, context: Context) -> None:
        """/start, optionally with a deep link to one questionnaire (t.me/<bot>?start=<id>)
        or with an invitation code (t.me/<bot>?start=<code>)."""
        user, message = update.effective_user, update.effective_message
        if user is None or message is None:
            return
        wanted = context.args[0] if context.args else None
        reply = await self.begin(self.who(user, message.chat_id), wanted)
        await self._deliver(context.bot, message.chat_id, reply)

    async def questionnaires(self, update: Update, context: Context) -> None:
        """/vragenlijsten (/questionnaires): the open questionnaires as buttons."""
        await self._telegram(update, context, self.questionnaires_reply)

    async def help(self, update: Update, context: Context) -> None:
        """/help (see :meth:`help_reply`)."""
        user = update.effective_user
        admin = user is not None and user.id in self.settings.admin_user_ids
        await self._telegram(update, context, lambda who: self.help_reply(who, admin=admin))

    async def privacy(self, update: Update, context: Context) -> None:
        """/privacy: what is stored, why, for how long, who sees it. Works without consent."""
        await self._telegram(update, context, self.privacy_reply)

    async def language(self, update: Update, context: Context) -> None:
        """/taal (/language): choose Dutch or English."""
        await self._telegram(update, context, self.language_reply)

    async def stop(self, update: Update, context: Context) -> None:
        """/stop: pause the questionnaire; the answers so far are kept."""
        await self._telegram(update, context, self.stop_reply)

    async def unknown_command(self, update: Update, context: Context) -> None:
        """A command the bot does not know: explain, then the current question again."""
        await self._telegram(update, context, lambda who: self.other(who, "unknown_command"))

    async def text(self, update: Update, context: Context) -> None:
        """A typed answer."""
        message = update.effective_message
        if message is None or message.text is None:
            return
        typed = message.text
        await self._telegram(update, context, lambda who: self.typed(who, typed))

    async def unsupported(self, update: Update, context: Context) -> None:
        """Stickers, photos, voice, locations...: a friendly hint and the question again."""
        await self._telegram(update, context, lambda who: self.other(who, "unsupported"))

    async def edited(self, update: Update, context: Context) -> None:
        """An edited message is not a new answer; « Vorige changes an answer."""
        await self._telegram(update, context, lambda who: self.other(who, "edited"))

    async def button(self, update: Update, context: Context) -> None:
        """Every inline button. The callback query is always answered."""
        query = update.callback_query
        if query is None:
            return
        answered = False
        try:
            chat_id = query.message.chat.id if query.message else query.from_user.id
            reply = await self.press(self.who(query.from_user, chat_id), query.data)
            answered = True
            await self._deliver(context.bot, chat_id, reply, query=query)
        finally:
            if not answered:
                await query.answer()

    async def _telegram(
        self, update: Update, context: Context, respond: Callable[[Who], Awaitable[Reply]]
    ) -> None:
        """A message from a private chat: ``respond`` for its sender, delivered after."""
        user, message = update.effective_user, update.effective_message
        if user is None or message is None:
            return
        reply = await respond(self.who(user, message.chat_id))
        await self._deliver(context.bot, message.chat_id, reply)

    # --- the resident's side, for every door --------------------------------------------------

    async def begin(self, who: Who, given: str | None) -> Reply:
        """The conversation opens: consent first, then what ``given`` names (a
        questionnaire's id, or the invitation code of a letter) or the list to pick from."""
        wanted = given.lower() if given else None
        if wanted is not None and not SLUG.match(wanted):
            wanted = None
        # Not a questionnaire's id but shaped like a code: the code of a letter.
        code = normalise(given) if given else None
        if wanted is not None and self.catalog.current(wanted) is not None:
            code = None
        async with self.services.sessions.begin() as db:
            resident = await self._resident(db, who)
            if resident is None or not resident.consented:
                return self.sessions.welcome(who, code or wanted, keep=code is not None)
            if code is not None:
                return await self.codes.use(db, resident, code, address=who.address)
            if wanted:
                return await self.sessions.open(db, resident, wanted)
            return await self.sessions.pick(db, resident)

    async def questionnaires_reply(self, who: Who) -> Reply:
        return await self._simple(who, lambda db, resident, _: self.sessions.pick(db, resident))

    async def help_reply(self, who: Who, *, admin: bool = False) -> Reply:
        """How it works and the residents' commands; for an administrator theirs too;
        during a questionnaire (in its form of address), a last line pointing back to its
        question."""
        language, session, flow = await self._speaker(who)
        # The web door has no /instellingen (it reaches nobody unasked): its own list.
        parts = [t(language, "web.help_text" if who.channel == WEB else "help")]
        if admin:
            parts.append(t(language, "help.admin"))
        if session is not None and flow is not None:
            prompt = engine.prompt(flow, session.state)
            title = flow.questionnaire.title.get(language)
            where = t(
                language, "help.question", title=title, number=prompt.number, total=prompt.total
            )
            parts.append(where)
        return Reply([Send(Html("\n\n".join(parts)))])

    async def privacy_reply(self, who: Who) -> Reply:
        language, _session, _flow = await self._speaker(who)
        text = t(
            language,
            "web.about_privacy" if who.channel == WEB else "privacy",
            municipality=self.settings.municipality_name,
            retention=t(language, "unit.days", count=self.settings.retention_days),
            contact=self.settings.privacy_contact,
        )
        return Reply([Send(text)])

    async def language_reply(self, who: Who) -> Reply:
        language, _session, _flow = await self._speaker(who)
        return Reply([Send(t(language, "language.pick"), render.language_keyboard())])

    async def _speaker(self, who: Who) -> tuple[Language, SessionInfo | None, Flow | None]:
        """Read only: the language of whoever asks (their device's, for someone who has not
        joined), in the form of address of the questionnaire they are answering, if any;
        that session and its questionnaire."""
        async with self.services.sessions() as db:
            found = await repo.find_resident_in_session(db, who.pseudonym)
        if found is None or not found[0].consented:
            return self._lang(None, who), None, None
        resident, session = found
        flow = self.sessions.flow(session)
        if session is None or flow is None or self.sessions.timed_out(session):
            return speaking(self.settings, resident.language), None, None
        return speaking(self.settings, resident.language, flow), session, flow

    async def stop_reply(self, who: Who) -> Reply:
        async def action(
            db: AsyncSession, resident: ResidentInfo, session: SessionInfo | None
        ) -> Reply:
            if session is None:
                return Reply([Send(t(resident.language, "stop.nothing"))])
            await repo.set_status(db, session.id, repo.PAUSED, now=self.services.clock())
            log.info("resident %s paused %s", resident.pseudonym[:12], session.questionnaire_id)
            language = speaking(self.settings, resident.language, self.sessions.flow(session))
            return Reply([Send(t(language, "stopped"))])

        return await self._simple(who, action)

    async def typed(self, who: Who, text: str) -> Reply:
        """A typed answer, or a typed invitation code (not where free text is asked)."""
        if looks_like_code(text):
            async with self.services.sessions.begin() as db:
                found = await repo.find_resident_in_session(db, who.pseudonym)
                if found is None or not found[0].consented:
                    return self.sessions.welcome(who, normalise(text), keep=True)
                if not takes_text(self.sessions.flow(found[1]), found[1]):
                    resident = addressed(self.settings, found[0])
                    return await self.codes.use(db, resident, text, address=who.address)
        return await self._with_session(who, engine.Typed(text))

    async def other(self, who: Who, why: str) -> Reply:
        """Something that is no answer (``why``: unsupported, edited, unknown_command): a
        friendly hint and the question again."""
        return await self._with_session(who, None, why)

    async def press(self, who: Who, data: str | None) -> Reply:
        """A button of the conversation pressed (consent, language, a questionnaire, an
        answer, « Vorige, ...)."""
        pressed = decode(data)
        async with self.services.sessions.begin() as db:
            if isinstance(pressed, buttons.OnQuestion):  # resident and questionnaire at once
                found = await repo.find_resident_in_session(db, who.pseudonym)
                if found is None or not found[0].consented:
                    return self.sessions.welcome(who, None)
                return await self._answer_button(
                    db, addressed(self.settings, found[0]), found[1], pressed
                )
            resident = await self._resident(db, who)
            if isinstance(pressed, buttons.Consent):
                return await self._consent(db, who, resident, pressed)
            if isinstance(pressed, buttons.ChooseLanguage):
                return await self._set_language(db, resident, who, pressed.code)
            if resident is None or not resident.consented:
                return self.sessions.welcome(who, None)
            if isinstance(pressed, Pick):
                return await self.sessions.open(db, resident, pressed.questionnaire_id)
            if isinstance(pressed, buttons.Revise):
                return await self.sessions.revise(db, resident, pressed)
        return Reply([], notice=t(resident.language, "stale.short"))

    async def _consent(
        self,
        db: AsyncSession,
        who: Who,
        existing: ResidentInfo | None,
        pressed: buttons.Consent,
    ) -> Reply:
        language = language_of(who.language_code)
        if existing is not None:
            language = existing.language
        answer, then = pressed.answer, pressed.then
        if pressed.language in LANGUAGES:  # picked with /taal before consenting
            language = pressed.language
        language = speaking(self.settings, language)
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
            who.pseudonym,
            language=str(language),
            consent="given",
            chat_id=who.chat_id,
            now=self.services.clock(),
        )
        log.info("resident %s gave consent", resident.pseudonym[:12])
        resident = addressed(self.settings, resident)
        reply = Reply([Send(t(language, "consent.given"))], edit=edit)
        opened = await self.opener(db, resident, then) if then and self.opener else None
        if opened is not None:
            follow = opened
        elif then and normalise(then) == then:  # the invitation code of a letter
            follow = await self.codes.use(db, resident, then, address=who.address)
        elif then and SLUG.match(then):
            follow = await self.sessions.open(db, resident, then)
        else:
            follow = await self.sessions.pick(db, resident)
        return reply.then(*follow.messages)

    async def _set_language(
        self, db: AsyncSession, resident: ResidentInfo | None, who: Who, code: str
    ) -> Reply:
        if code not in LANGUAGES:
            return Reply([], notice=t(self._lang(resident, who), "stale.short"))
        reply = Reply([], edit=Edit(None, None))
        if resident is None or not resident.consented:
            # Nothing is stored before consent: the consent buttons carry the language.
            told = Send(t(speaking(self.settings, code), "language.set"))
            return reply.then(told, *self.sessions.welcome(who, None, language=code).messages)
        await repo.set_language(db, resident.id, code)
        resident = ResidentInfo(
            resident.id, resident.pseudonym, speaking(self.settings, code), resident.consent
        )
        session = await self.sessions.active(db, resident, reply)  # may say it expired
        flow = self.sessions.flow(session)
        told = Send(t(speaking(self.settings, code, flow if session else None), "language.set"))
        reply.messages.insert(0, told)
        if session is not None and flow is not None:
            reply.then(self.sessions.question(flow, session, code))
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
        session = await self.sessions.active(db, resident, reply, active)
        flow = self.sessions.flow(session) if session else None
        if session is None or flow is None:
            reply.notice = t(language, "stale.short")
            return reply.then(*(await self.sessions.pick(db, resident)).messages)
        language = speaking(self.settings, language, flow)
        tokens = self.services.pseudonyms
        if token != tokens.button_token(session.id, session.state.current):
            if any(token == tokens.button_token(session.id, q) for q in session.state.path):
                return Reply([], notice=t(language, "already_saved"))
            if isinstance(pressed, buttons.Back):  # « Vorige on a question left behind
                return Reply([], notice=t(language, "stale.short"))
            return Reply(
                [Send(t(language, "stale")), self.sessions.question(flow, session, language)],
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
            case buttons.Undo():
                given = engine.Undo()
            case _:
                given = engine.Back()
        return await self._step(db, resident, session, flow, given, pressed=True)

    # --- the conversation step ----------------------------------------------------------------

    async def _with_session(
        self, who: Who, given: Input | None, why: str = "unsupported"
    ) -> Reply:
        """Typed text (``given``), or something unusable (``None``, explained by ``why``)."""

        async def action(
            db: AsyncSession, resident: ResidentInfo, active: SessionInfo | None
        ) -> Reply:
            reply = Reply([])
            session = await self.sessions.active(db, resident, reply, active)
            flow = self.sessions.flow(session) if session else None
            language = speaking(self.settings, resident.language, flow)
            if session is None or flow is None:
                if given is None:
                    reply.then(Send(t(language, why)))
                return reply.then(*(await self.sessions.pick(db, resident)).messages)
            if given is None:
                return reply.then(
                    Send(t(language, why)), self.sessions.question(flow, session, language)
                )
            return await self._step(db, resident, session, flow, given, pressed=False)

        return await self._simple(who, action)

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
        resident = addressed(self.settings, resident, flow)  # the questionnaire's "je" or "u"
        language = resident.language
        before = engine.prompt(flow, session.state)
        outcome = engine.apply(flow, session.state, given, language)
        if outcome.problem is not None:
            if pressed:
                return Reply([], notice=notice(outcome.problem))
            # One message: what was wrong and what is allowed. The question stays where it
            # is, and its buttons still work.
            return Reply([Send(outcome.problem)])
        if outcome.changed:
            accepted = outcome.accepted
            # Free text waits for moderation before a digest may quote it.
            moderate = accepted is not None and isinstance(
                flow.questions.get(accepted[0]), TextQuestion
            )
            await repo.save_outcome(
                db,
                session,
                outcome,
                now=self.services.clock(),
                moderate=moderate,
                language=str(language),
            )
            if accepted is not None and not session.is_test:
                await profile.remember(db, self.services, resident.id, flow, accepted)
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
        # A tap that changes the selection (a multi's tick, a ranking's place) edits the
        # buttons; the tap that completes a ranking answers it like any other answer.
        if isinstance(given, engine.Toggle | engine.Undo) and outcome.accepted is None:
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
        if not outcome.finished and not isinstance(given, engine.Back):
            # A question marked ``profile:`` is answered from the resident's profile.
            updated, known = await profile.answer_known(
                db, self.services, resident, updated, flow, language
            )
            reply.then(*(Send(line) for line in known))
        if updated.state.finished:
            if not session.is_test:  # max_responses: a questionnaire may now be full
                await self.sessions.capacity.completed(db, flow.questionnaire)
            return reply.then(*await self._finished(db, resident, updated, flow))
        # The picture comes with a question reached going forward; after « Vorige (or on
        # the same question) it is still just above.
        moved = updated.state.current != session.state.current
        forward = moved and not isinstance(given, engine.Back)
        return reply.then(
            self.sessions.question(flow, updated, language, outcome.noted, image=forward)
        )

    async def _finished(
        self, db: AsyncSession, resident: ResidentInfo, session: SessionInfo, flow: Flow
    ) -> list[Send]:
        """The thanks and every answer (in as many messages as needed), the opt-ins under
        the last of them, and the pointer to other questionnaires."""
        language = resident.language
        rows = engine.summary(flow, session.state, language)
        offer: Html | None = None
        opt_ins: Keyboard | None = None
        # An administrator trying it out has nothing to opt in to; a door that cannot reach
        # anyone later (the web) offers the outcome only, shown on the next visit.
        municipality = self.settings.municipality_name
        if session.is_test:
            pass
        elif channel_of(resident.pseudonym) == TELEGRAM:
            offer, opt_ins = await end_offer(
                db, resident.id, language, flow, municipality=municipality
            )
        else:
            qid = flow.questionnaire.id
            chosen = (loop.OUTCOMES, qid) in await outcome_store.subscriptions(db, resident.id)
            offer, opt_ins = web_offer(
                language, qid, outcomes_on=chosen, municipality=municipality
            )
        *first, last = finished_messages(flow, rows, language, offer)
        return [
            *(Send(part) for part in first),
            Send(last, opt_ins),
            Send(t(language, "finished.more")),
        ]

    # --- helpers ------------------------------------------------------------------------------

    def _pseudonym(self, user: User) -> str:
        return self.services.pseudonyms.of(user.id)

    async def _resident(self, db: AsyncSession, who: Who) -> ResidentInfo | None:
        """The resident (if known), speaking in the bot's form of address."""
        resident = await repo.find_resident(db, who.pseudonym)
        return addressed(self.settings, resident) if resident is not None else None

    def _lang(self, resident: ResidentInfo | None, who: Speaker) -> Language:
        if resident is not None and resident.consented:
            return resident.language
        return speaking(self.settings, language_of(who.language_code))

    async def _simple(self, who: Who, action: Action) -> Reply:
        """Run ``action(db, resident, active)`` for a consented resident, else ask for
        consent. The resident and their questionnaire in progress (``active``) are read in
        one query."""
        async with self.services.sessions.begin() as db:
            found = await repo.find_resident_in_session(db, who.pseudonym)
            if found is None or not found[0].consented:
                return self.sessions.welcome(who, None, again=True)
            return await action(db, addressed(self.settings, found[0]), found[1])

    async def _deliver(
        self, bot: Bot, chat_id: int, reply: Reply, query: CallbackQuery | None = None
    ) -> None:
        """Talk to Telegram after the commit; remember which message asks which question."""
        sent = await self._postman.deliver(bot, chat_id, reply, query)
        await self.sessions.capacity.announce(bot)
        for tag, message in sent.items():
            self.shown(tag, message.message_id)

    def shown(self, tag: Hashable, message_id: int) -> None:
        """A door shows the question ``tag`` (session id, question id) as ``message_id``."""
        session_id, question_id = cast(tuple[int, str], tag)
        self._questions.put(session_id, (message_id, question_id))

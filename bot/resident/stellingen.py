"""Residents in a deliberation ("gesprek met stellingen"): one statement at a time, voted
on with [Eens] [Oneens] [Weet niet / sla over] or typed (eens/oneens/ja/nee/pas), their own
statements added, and "Waar sta ik?". Over 500 lines because voting, adding a statement and
"Waar sta ik?" share one handler class; adding a statement is the part to move out next.

A thin adapter, like :mod:`bot.resident.conversation`, and in front of it: /start, /stop,
text and everything else a resident sends come here first; when the resident is not in a
deliberation (and /start names none), the questionnaire conversation takes the update as
before. Each handler is one unit of work: the vote is committed before the next statement
is shown (``Reply`` is delivered by the postman after the commit).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Coroutine, Hashable, Iterable
from typing import cast

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import CallbackQuery, Update
from telegram.ext import ContextTypes

from analysis.scrub import scrub
from bot.core.callbacks import decode
from bot.core.channel import TELEGRAM, Who, channel_of
from bot.core.recent import Recent
from bot.core.reply import Edit, Postman, Reply, Send
from bot.core.services import Services
from bot.core.voice import addressed
from bot.outcomes.views import deliberation_optin_keyboard
from bot.resident import stellingen_views as views
from bot.resident.conversation import ResidentHandlers
from bot.resident.stellingen_state import DeliberationState
from bot.resident.stellingen_views import Extras
from flows.codes import looks_like_code
from flows.deliberation import (
    MAX_STATEMENT_CHARS,
    MIN_VOTES_TO_PLACE,
    Deliberation,
    Vote,
    near_duplicate,
    read_vote,
    statement_text_problem,
)
from flows.outcomes import OUTCOMES
from flows.schema import SLUG
from flows.texts import Html, Language, escape, t
from storage import deliberations as store
from storage import outcomes as outcome_store
from storage import repo
from storage.deliberations import DeliberationInfo, LiveStamp, ParticipantInfo, StatementInfo
from storage.repo import ResidentInfo

log = logging.getLogger(__name__)
Context = ContextTypes.DEFAULT_TYPE
#: What runs for a resident in a deliberation: the unit of work, the resident, where they are.
Action = Callable[[AsyncSession, ResidentInfo, ParticipantInfo], Awaitable[Reply]]
#: A group is described to a resident only when it has at least this many members.
MIN_GROUP = 5
#: Statements quoted in "Waar sta ik?": per group, and agreed by all.
PLACE_QUOTES = 3
STATEMENT_MESSAGES = 20_000
#: Starts a background task (``asyncio.create_task``, or the application's).
Spawn = Callable[[Coroutine[object, object, None]], "asyncio.Task[None]"]
#: Tries at routing when the chosen statement stopped being live meanwhile.
ROUTE_TRIES = 3


class Deliberations:
    """The residents' side of deliberations (registered in :mod:`bot.app.handlers`)."""

    def __init__(
        self,
        services: Services,
        residents: ResidentHandlers,
        spawn: Spawn = asyncio.create_task,
    ) -> None:
        """``spawn`` starts background work (the routing analysis): the application's
        ``create_task``, so that stopping the bot waits for it."""
        self.services = services
        self._spawn = spawn
        self.residents = residents
        self.settings = services.settings
        self.state = DeliberationState()
        self._postman = Postman(STATEMENT_MESSAGES)
        # The statement message last sent to a resident, so that a typed vote can show on it.
        self._shown: Recent[tuple[str, int], tuple[int, int]] = Recent(STATEMENT_MESSAGES)
        residents.opener = self.open_after_consent

    # --- entry points -------------------------------------------------------------------------

    async def start(self, update: Update, context: Context) -> None:
        """/start <deliberation id> opens it; anything else is the questionnaires' /start
        (and ends the resident's deliberation as their conversation)."""
        user, message = update.effective_user, update.effective_message
        if user is None or message is None:
            return
        wanted = context.args[0] if context.args else None
        reply = await self.begin(self.residents.who(user, message.chat_id), wanted)
        if reply is None:
            await self.residents.start(update, context)
            return
        await self._deliver(context, message.chat_id, reply)

    async def questionnaires(self, update: Update, context: Context) -> None:
        """/vragenlijsten: the resident leaves the deliberation for a questionnaire."""
        user = update.effective_user
        if user is not None:
            await self.leave(self.residents.who(user))
        await self.residents.questionnaires(update, context)

    async def stop(self, update: Update, context: Context) -> None:
        """/stop: pause the deliberation (votes are kept), else the questionnaire's /stop."""
        if not await self._in_deliberation(update, context, self._stop):
            await self.residents.stop(update, context)

    async def _stop(
        self, db: AsyncSession, resident: ResidentInfo, participant: ParticipantInfo
    ) -> Reply:
        await store.leave_all(db, resident.id, now=self.services.clock())
        log.info("resident %s paused a deliberation", resident.pseudonym[:12])
        text = t(resident.language, "stellingen.stopped", id=participant.deliberation_id)
        return Reply([Send(text)])

    async def text(self, update: Update, context: Context) -> None:
        """A typed vote, or the text of a new statement."""
        message = update.effective_message
        if message is None or message.text is None:
            return
        if not await self._in_deliberation(update, context, self._typing(message.text)):
            await self.residents.text(update, context)

    def _typing(self, typed: str) -> Action:
        """What a typed text does in a deliberation: a vote, a new statement, or a code."""

        async def action(
            db: AsyncSession, resident: ResidentInfo, participant: ParticipantInfo
        ) -> Reply:
            if participant.mode == "vote" and looks_like_code(typed):
                # The invitation code of a letter: it opens its questionnaire instead.
                async def leave() -> None:
                    await store.leave_all(db, resident.id, now=self.services.clock())

                reply = await self.residents.codes.use(db, resident, typed, leaving=leave)
                # Delivered by this feature's postman: it knows no tags of the questionnaires.
                reply.messages = [
                    Send(m.text, m.keyboard) if isinstance(m, Send) else m for m in reply.messages
                ]
                return reply
            return await self._typed(db, resident, participant, typed)

        return action

    async def unsupported(self, update: Update, context: Context) -> None:
        """A sticker, photo, voice...: how to vote, and the statement stays."""

        async def action(
            db: AsyncSession, resident: ResidentInfo, participant: ParticipantInfo
        ) -> Reply:
            return Reply([Send(t(resident.language, "stellingen.unsupported"))])

        if not await self._in_deliberation(update, context, action):
            await self.residents.unsupported(update, context)

    async def button(self, update: Update, context: Context) -> None:
        """Every deliberation button; the callback query is always answered."""
        query = update.callback_query
        if query is None:
            return
        answered = False
        try:
            async with self.services.sessions.begin() as db:
                reply = await self._button(db, self.residents.who(query.from_user), query.data)
            answered = True
            chat_id = query.message.chat.id if query.message else query.from_user.id
            await self._deliver(context, chat_id, reply, query)
        finally:
            if not answered:
                await query.answer()

    async def open_after_consent(
        self, db: AsyncSession, resident: ResidentInfo, wanted: str
    ) -> Reply | None:
        """Right after consent from a deep link: the deliberation, if ``wanted`` is one."""
        info = await store.get(db, wanted)
        if info is None:
            return None
        reply = await self._open(db, resident, info)
        # The questionnaires' postman delivers it: it knows no tags of ours.
        reply.messages = [
            Send(m.text, m.keyboard) if isinstance(m, Send) else m for m in reply.messages
        ]
        return reply

    # --- any door (bot.resident.door): a Who in, a committed Reply out; None: not ours -----

    async def begin(self, who: Who, wanted: str | None) -> Reply | None:
        """/start <deliberation id> opens it (consent first); None for anything else, which
        also ends the resident's deliberation as their conversation."""
        wanted = wanted.lower() if wanted else None
        async with self.services.sessions.begin() as db:
            resident = await self._resident(db, who)
            info = await store.get(db, wanted) if wanted and SLUG.match(wanted) else None
            if info is not None:
                if resident is None or not resident.consented:
                    return self.residents.sessions.welcome(who, info.id, keep=True)
                return await self._open(db, resident, info)
            if resident is not None and await store.active(db, resident.id) is not None:
                await store.leave_all(db, resident.id, now=self.services.clock())
        return None

    async def title(self, deliberation_id: str, language: Language) -> str | None:
        """The deliberation's title (for a door's page); None when there is no such one."""
        async with self.services.sessions() as db:
            info = await store.get(db, deliberation_id)
        return self.state.deliberation(info).title.get(language) if info is not None else None

    async def leave(self, who: Who) -> None:
        """The resident leaves their deliberation (for a questionnaire)."""
        async with self.services.sessions.begin() as db:
            resident = await self._resident(db, who)
            if resident is not None:
                await store.leave_all(db, resident.id, now=self.services.clock())

    async def typed(self, who: Who, text: str) -> Reply | None:
        """A typed vote or statement; None when the resident is in no deliberation."""
        return await self._within(who, self._typing(text))

    async def again(self, who: Who, why: str) -> Reply | None:
        """Something that is no vote or statement (``why``: ``web.stale``, a typed text for
        a statement that is no longer shown): it is said, nothing is stored, and the
        statement shown now comes again with its buttons (or, while the resident adds one,
        the request for their statement); None when the resident is in no deliberation."""

        async def action(
            db: AsyncSession, resident: ResidentInfo, participant: ParticipantInfo
        ) -> Reply:
            language = resident.language
            said = Send(t(language, why))
            deliberation = await self._still_open(db, resident, participant)
            if deliberation is None:
                return Reply([said, Send(t(language, "stellingen.closed"))])
            if participant.mode == store.ADDING:
                asked = t(language, "stellingen.add.ask", max=MAX_STATEMENT_CHARS)
                return Reply([said, Send(asked)])
            current = await self._current(db, participant)
            return await self._show_next(
                db, resident, participant, deliberation, Reply([said]), current
            )

        return await self._within(who, action)

    async def stop_reply(self, who: Who) -> Reply | None:
        """/stop in a deliberation; None when the resident is in none."""
        return await self._within(who, self._stop)

    async def press(self, who: Who, data: str) -> Reply:
        """A deliberation's button (``Stelling.claims``), pressed on its own message."""
        async with self.services.sessions.begin() as db:
            return await self._button(db, who, data)

    # --- the conversation ---------------------------------------------------------------------

    async def _open(
        self, db: AsyncSession, resident: ResidentInfo, info: DeliberationInfo
    ) -> Reply:
        """Join (or come back to) a deliberation: its intro, then the statement to vote on."""
        deliberation = self.state.deliberation(info)
        language = resident.language
        title = deliberation.title.get(language)
        if not self._open_now(info, deliberation):
            return Reply(
                [Send(Html(f"<b>{escape(title)}</b>\n\n{t(language, 'stellingen.closed')}"))]
            )
        now = self.services.clock()
        participant, new = await store.join(db, info.id, resident.id, now=now)
        log.info("resident %s joined deliberation %s", resident.pseudonym[:12], info.id)
        if new:
            intro = t(
                language, "stellingen.intro", title=title, intro=deliberation.intro.get(language)
            )
        else:
            intro = t(language, "stellingen.resumed", title=title)
        reply = Reply([Send(intro)])
        current = None
        if participant.current_statement_id is not None:
            current = await store.statement(db, participant.current_statement_id)
            voted = await store.previous_vote(db, current.id, resident.id) if current else None
            if current is not None and (current.status != store.LIVE or voted is not None):
                current = None
        return await self._show_next(db, resident, participant, deliberation, reply, current)

    async def _show_next(
        self,
        db: AsyncSession,
        resident: ResidentInfo,
        participant: ParticipantInfo,
        deliberation: Deliberation,
        reply: Reply,
        current: StatementInfo | None = None,
        *,
        mine: dict[int, Vote] | None = None,
        stamp: LiveStamp | None = None,
        added: int | None = None,
    ) -> Reply:
        """Add the next statement (``current`` if given, else routed) to ``reply``.

        ``mine`` (the resident's votes), ``stamp`` (of the live statements) and ``added``
        are read here unless the caller has them already. The statement is routed from
        this worker's list of live statements; it is shown only if it is still live when
        the resident's place is written, else the list is read again."""
        deliberation_id = participant.deliberation_id
        if mine is None:
            mine = await store.votes_of(db, deliberation_id, resident.id)
        now = self.services.clock()
        for _attempt in range(ROUTE_TRIES):
            if current is None:
                current = await self._route(db, participant, mine, stamp)
            placed = await store.set_place(
                db,
                deliberation_id,
                resident.id,
                current=current.id if current else None,
                now=now,
                only_live=True,
            )
            if placed:
                break
            # Approved, deleted or not live any more since this worker read its list.
            self.state.forget_live(deliberation_id)
            current, stamp = None, None
        else:
            current = None
            await store.set_place(db, deliberation_id, resident.id, current=None, now=now)
        language = resident.language
        extras = await self._extras(db, resident, deliberation, len(mine), added)
        if current is None:
            done = t(language, "stellingen.all_done", id=deliberation_id)
            return reply.then(
                Send(done, views.extras_keyboard(language, extras)),
                await self._optin(db, resident, deliberation_id),
            )
        token = self._token(resident, current.id)
        text = views.statement_text(current.text(language), language)
        keyboard = views.statement_keyboard(current.id, token, language, extras)
        return reply.then(Send(text, keyboard, tag=(deliberation_id, resident.id, current.id)))

    async def _optin(self, db: AsyncSession, resident: ResidentInfo, deliberation_id: str) -> Send:
        """Whether to hear what the municipality does with the deliberation (closing the
        loop, as at the end of a questionnaire); /instellingen changes it later too."""
        municipality = self.services.settings.municipality_name
        chosen = await outcome_store.subscriptions(db, resident.id)
        keyboard = deliberation_optin_keyboard(
            deliberation_id,
            outcomes_on=(OUTCOMES, deliberation_id) in chosen,
            language=resident.language,
            municipality=municipality,
        )
        # A door that reaches nobody unasked (the web) shows it on the next visit instead.
        key = "stellingen.optin" if channel_of(resident.pseudonym) == TELEGRAM else "web.optin"
        return Send(t(resident.language, key, municipality=municipality), keyboard)

    async def _route(
        self,
        db: AsyncSession,
        participant: ParticipantInfo,
        mine: dict[int, Vote],
        stamp: LiveStamp | None,
    ) -> StatementInfo | None:
        """The next statement for this participant, as Polis routes (None: all voted)."""
        live = await self.state.live(db, participant.deliberation_id, stamp)
        by_number = {s.number: s for s in live}
        voted_numbers = [s.number for s in live if s.id in mine]
        from analysis.opinions import next_statement  # numpy/scikit-learn: on first use

        deliberation_id = participant.deliberation_id
        chosen = next_statement(
            list(by_number),
            voted_numbers,
            analysis=self.state.cached(deliberation_id),
            seed=f"{participant.number}:{len(mine)}",
        )
        # Never waited for: the next statements are routed with it once it is made.
        self.state.refresh_soon(deliberation_id, self.services.reports, self._spawn)
        return by_number.get(chosen) if chosen is not None else None

    async def _extras(
        self,
        db: AsyncSession,
        resident: ResidentInfo,
        deliberation: Deliberation,
        votes: int,
        added: int | None = None,
    ) -> Extras:
        place_token = add_token = None
        if votes >= MIN_VOTES_TO_PLACE:
            place_token = self._token(resident, f"w:{deliberation.id}")
        if deliberation.may_add:
            if added is None:
                added = await store.count_added(db, deliberation.id, resident.id)
            if added < deliberation.statements_per_resident:
                add_token = self._token(resident, f"n:{deliberation.id}")
        return Extras(deliberation.id, place_token, add_token)

    async def _typed(
        self, db: AsyncSession, resident: ResidentInfo, participant: ParticipantInfo, typed: str
    ) -> Reply:
        language = resident.language
        deliberation = await self._still_open(db, resident, participant)
        if deliberation is None:
            return Reply([Send(t(language, "stellingen.closed"))])
        if participant.mode == store.ADDING:
            return await self._add(db, resident, participant, deliberation, typed)
        given = read_vote(typed)
        current = await self._current(db, participant)
        if current is None:
            reply = (
                Reply([]) if given is not None else Reply([Send(t(language, "stellingen.hint"))])
            )
            return await self._show_next(db, resident, participant, deliberation, reply)
        if given is None:
            reply = Reply([Send(t(language, "stellingen.hint"))])
            return await self._show_next(db, resident, participant, deliberation, reply, current)
        return await self._vote(db, resident, participant, deliberation, current, given, False)

    async def _still_open(
        self, db: AsyncSession, resident: ResidentInfo, participant: ParticipantInfo
    ) -> Deliberation | None:
        """The participant's deliberation while it is open; None (and they leave it) when
        it was closed or removed meanwhile."""
        info = await store.get(db, participant.deliberation_id)
        if info is not None:
            deliberation = self.state.deliberation(info)
            if self._open_now(info, deliberation):
                return deliberation
        await store.leave_all(db, resident.id, now=self.services.clock())
        return None

    async def _current(
        self, db: AsyncSession, participant: ParticipantInfo
    ) -> StatementInfo | None:
        """The statement shown to the participant now, while it is live."""
        if participant.current_statement_id is None:
            return None
        current = await store.statement(db, participant.current_statement_id)
        return current if current is not None and current.status == store.LIVE else None

    async def _vote(
        self,
        db: AsyncSession,
        resident: ResidentInfo,
        participant: ParticipantInfo,
        deliberation: Deliberation,
        statement: StatementInfo,
        given: Vote,
        pressed: bool,
        *,
        stamp: LiveStamp | None = None,
        added: int | None = None,
        mine: dict[int, Vote] | None = None,
    ) -> Reply:
        """Store the vote; on the statement shown now, go on to the next one. ``mine``: the
        resident's votes before this one, when the caller read them already (a vote tap
        reads them with its context)."""
        language = resident.language
        now = self.services.clock()
        current = statement.id == participant.current_statement_id
        # The resident's votes before this one: the earlier vote on this statement (to say
        # "aangepast") and, with this one added, what routing needs.
        if mine is None:
            mine = await store.votes_of(db, participant.deliberation_id, resident.id)
        before = mine.get(statement.id)
        await store.vote(db, statement, resident.id, given, now=now)
        mine[statement.id] = given
        shown = views.voted_text(statement.text(language), given, language)
        if not current:
            # An older statement's button: the vote is changed, the conversation stays.
            said = "stellingen.saved" if before in (None, given) else "stellingen.changed"
            return Reply([], edit=Edit(shown, None), notice=t(language, said))
        reply = Reply([])
        if pressed:  # on the statement's own message
            reply.edit = Edit(shown, None)
        else:
            last = self._shown.pop((participant.deliberation_id, resident.id))
            if last is not None and last[1] == statement.id:
                reply.edit = Edit(shown, None, message_id=last[0], failing="ignore")
        log.info("resident %s voted in %s", resident.pseudonym[:12], participant.deliberation_id)
        return await self._show_next(
            db, resident, participant, deliberation, reply, mine=mine, stamp=stamp, added=added
        )

    async def _add(
        self,
        db: AsyncSession,
        resident: ResidentInfo,
        participant: ParticipantInfo,
        deliberation: Deliberation,
        typed: str,
    ) -> Reply:
        """The typed text of a new statement: checked, scrubbed, stored for moderation."""
        language = resident.language
        problem = statement_text_problem(typed)
        if problem == "too_long":
            size = len(typed.strip())
            text = t(language, "stellingen.add.too_long", size=size, max=MAX_STATEMENT_CHARS)
            return Reply([Send(text)])
        if problem == "empty":
            return Reply([Send(t(language, "stellingen.add.empty"))])
        cleaned = scrub(typed)
        now = self.services.clock()
        current = (
            await store.statement(db, participant.current_statement_id)
            if participant.current_statement_id is not None
            else None
        )
        # Only a live statement is quoted and offered to vote on: one waiting for moderation
        # is someone's unchecked text. A statement like a waiting one is not stored again
        # (the moderator would only reject the copy), and the resident is told so, unquoted.
        existing = await store.statements(db, deliberation.id, None)
        live = [s for s in existing if s.status == store.LIVE]
        waiting = [s for s in existing if s.status == store.PENDING]
        same_live = near_duplicate(cleaned, _texts(live))
        same_waiting = near_duplicate(cleaned, _texts(waiting)) if same_live is None else None
        await store.set_place(
            db,
            deliberation.id,
            resident.id,
            current=current.id if current else None,
            now=now,
        )
        participant = ParticipantInfo(
            participant.deliberation_id,
            participant.resident_id,
            participant.number,
            True,
            store.VOTING,
            participant.current_statement_id,
        )
        if same_live is not None:
            found = next(s for s in live if s.id == same_live)
            said = t(language, "stellingen.add.duplicate", text=found.text(language))
            token = self._token(resident, found.id)
            keyboard = views.statement_keyboard(found.id, token, language)
            return Reply([Send(said, keyboard)])
        if same_waiting is not None:
            reply = Reply([Send(t(language, "stellingen.add.duplicate_waiting"))])
            return await self._show_next(db, resident, participant, deliberation, reply, current)
        await store.add_statement(
            db, deliberation.id, resident.id, cleaned, now=now, language=language
        )
        log.info("resident %s added a statement to %s", resident.pseudonym[:12], deliberation.id)
        reply = Reply([Send(t(language, "stellingen.add.waiting"))])
        return await self._show_next(db, resident, participant, deliberation, reply, current)

    # --- buttons ------------------------------------------------------------------------------

    async def _button(self, db: AsyncSession, user: Who, data: str | None) -> Reply:
        pressed = decode(data)
        if isinstance(pressed, views.VoteButton):
            return await self._vote_button(db, user, pressed)
        resident = await self._resident(db, user)
        language = resident.language if resident is not None else self.residents._lang(None, user)
        stale = Reply([], notice=t(language, "stellingen.stale"))
        if resident is None or not resident.consented:
            return self.residents.sessions.welcome(user, None)
        if isinstance(pressed, views.PlaceButton | views.AddButton):
            wanted = f"{'w' if isinstance(pressed, views.PlaceButton) else 'n'}:"
            if pressed.token != self._token(resident, wanted + pressed.deliberation_id):
                return stale
            info = await store.get(db, pressed.deliberation_id)
            participant = await store.participant(db, pressed.deliberation_id, resident.id)
            if info is None or participant is None:
                return stale
            deliberation = self.state.deliberation(info)
            if isinstance(pressed, views.PlaceButton):
                return await self._place(db, resident, deliberation)
            return await self._ask_statement(db, resident, info, deliberation)
        return stale

    async def _vote_button(self, db: AsyncSession, user: Who, pressed: views.VoteButton) -> Reply:
        """A vote tap: one read (:func:`storage.deliberations.vote_context`) for the resident,
        the statement, the deliberation's status, their place, their votes and the live
        statements' stamp; then the vote and their next place."""
        context = await store.vote_context(db, user.pseudonym, pressed.statement_id)
        resident = addressed(self.settings, context.resident) if context is not None else None
        if context is None or resident is None or not resident.consented:
            return self.residents.sessions.welcome(user, None)
        language = resident.language
        stale = Reply([], notice=t(language, "stellingen.stale"))
        if pressed.token != self._token(resident, pressed.statement_id):
            return stale  # another resident's button, or made up
        statement = context.statement
        if statement is None or statement.status != store.LIVE or context.checksum is None:
            return stale
        deliberation = self.state.parsed(context.checksum)
        if deliberation is None:  # this worker has not parsed this version yet
            info = await store.get(db, statement.deliberation_id)
            if info is None:
                return stale
            deliberation = self.state.deliberation(info)
        if not self._open_status(context.status or store.CLOSED, deliberation):
            closed = t(language, "stellingen.closed.short")
            return Reply(
                [Send(t(language, "stellingen.closed"))], edit=Edit(None, None), notice=closed
            )
        participant = context.participant
        if participant is None:
            return stale
        if not participant.active:  # voting again after /stop: the deliberation is back
            participant, _ = await store.join(
                db, statement.deliberation_id, resident.id, now=self.services.clock()
            )
        given = views.VOTES[pressed.vote]
        return await self._vote(
            db,
            resident,
            participant,
            deliberation,
            statement,
            given,
            True,
            stamp=context.live,
            added=context.added,
            mine=context.votes,
        )

    async def _ask_statement(
        self,
        db: AsyncSession,
        resident: ResidentInfo,
        info: DeliberationInfo,
        deliberation: Deliberation,
    ) -> Reply:
        language = resident.language
        if not self._open_now(info, deliberation):
            return Reply([Send(t(language, "stellingen.closed"))])
        if not deliberation.may_add:
            return Reply([Send(t(language, "stellingen.add.not_allowed"))])
        added = await store.count_added(db, info.id, resident.id)
        if added >= deliberation.statements_per_resident:
            return Reply([Send(t(language, "stellingen.add.limit", count=added))])
        participant, _ = await store.join(db, info.id, resident.id, now=self.services.clock())
        await store.set_place(
            db,
            info.id,
            resident.id,
            current=participant.current_statement_id,
            mode=store.ADDING,
            now=self.services.clock(),
        )
        return Reply([Send(t(language, "stellingen.add.ask", max=MAX_STATEMENT_CHARS))])

    async def _place(
        self, db: AsyncSession, resident: ResidentInfo, deliberation: Deliberation
    ) -> Reply:
        """ "Waar sta ik?": the group the resident votes most like, what it agrees with, and
        what every group agrees on; in words, without numbers that could identify anyone."""
        language = resident.language
        mine = await store.votes_of(db, deliberation.id, resident.id)
        if len(mine) < MIN_VOTES_TO_PLACE:
            text = t(
                language, "stellingen.place.too_few", need=MIN_VOTES_TO_PLACE, count=len(mine)
            )
            return Reply([Send(text)])
        analysis = await self.state.fresh(db, deliberation.id)
        live = {s.number: s for s in await store.statements(db, deliberation.id)}
        by_id = {s.id: s.number for s in live.values()}
        numbers = {by_id[sid]: int(v) for sid, v in mine.items() if sid in by_id}
        from analysis.opinions import place

        group = place(analysis, numbers)
        sizes = analysis.group_sizes
        if group is None or len(sizes) < 2 or sizes[group] < MIN_GROUP:
            return Reply([Send(t(language, "stellingen.place.early"))])
        typical = [
            r.statement
            for r in analysis.representative.get(group, ())
            if r.direction == "agree" and r.statement in live
        ][:PLACE_QUOTES]
        common = [n for n in analysis.consensus if n in live][:PLACE_QUOTES]
        text = t(
            language,
            "stellingen.place.group",
            groups=len(sizes),
            group=_group_name(group),
            typical=_bullets(live[n].text(language) for n in typical) if typical else "–",
        )
        if common:
            bullets = _bullets(live[n].text(language) for n in common)
            after = t(language, "stellingen.place.common", common=bullets)
        else:
            after = t(language, "stellingen.place.no_common")
        return Reply([Send(Html(text + after))])

    # --- helpers ------------------------------------------------------------------------------

    def _open_now(self, info: DeliberationInfo, deliberation: Deliberation) -> bool:
        return self._open_status(info.status, deliberation)

    def _open_status(self, status: str, deliberation: Deliberation) -> bool:
        return self.state.is_open(status, deliberation, self.services.clock(), self.settings.zone)

    def _token(self, resident: ResidentInfo, target: int | str) -> str:
        return self.services.pseudonyms.button_token(resident.id, f"st:{target}")

    async def _resident(self, db: AsyncSession, who: Who) -> ResidentInfo | None:
        found = await repo.find_resident(db, who.pseudonym)
        return addressed(self.settings, found) if found is not None else None

    async def _in_deliberation(self, update: Update, context: Context, action: Action) -> bool:
        """Run ``action(db, resident, participant)`` when the resident is in a deliberation
        now; False (nothing done) otherwise."""
        user, message = update.effective_user, update.effective_message
        if user is None or message is None:
            return False
        reply = await self._within(self.residents.who(user, message.chat_id), action)
        if reply is None:
            return False
        await self._deliver(context, message.chat_id, reply)
        return True

    async def _within(self, who: Who, action: Action) -> Reply | None:
        """``action(db, resident, participant)`` when the resident is in a deliberation now,
        committed; None (nothing done) otherwise.

        It looks first, in one small read that records nothing (``services.looking``):
        most typed texts answer a questionnaire, and for them that look is all this costs.
        The update being handled is recorded with the first unit of work that commits
        (:mod:`bot.app.processor`), and that must be the answer a typed text then gives to
        a questionnaire, not this look. Otherwise a failure between the two would leave
        the update recorded as handled, its redelivery dropped, and the answer not
        stored."""
        async with self.services.looking() as db:  # closed without a commit: rolled back
            if not await store.takes_part(db, who.pseudonym):
                return None
        async with self.services.sessions() as db:  # closed without a commit: rolled back
            resident = await self._resident(db, who)
            if resident is None or not resident.consented:
                return None
            participant = await store.active(db, resident.id)
            if participant is None:
                return None
            reply = await action(db, resident, participant)
            await db.commit()
            return reply

    async def _deliver(
        self, context: Context, chat_id: int, reply: Reply, query: CallbackQuery | None = None
    ) -> None:
        sent = await self._postman.deliver(context.bot, chat_id, reply, query)
        for tag, message in sent.items():
            self.shown(tag, message.message_id)

    def shown(self, tag: Hashable, message_id: int) -> None:
        """A door shows the statement ``tag`` (deliberation, resident, statement) as
        ``message_id``: a typed vote then shows on it."""
        deliberation_id, resident_id, statement_id = cast(tuple[str, int, int], tag)
        self._shown.put((deliberation_id, resident_id), (message_id, statement_id))


def _group_name(group: int) -> str:
    """Groups are letters (A, B, ...): a name, not a count."""
    return chr(ord("A") + group)


def _bullets(texts: Iterable[str]) -> Html:
    """Statements as a list, each escaped (residents' own words are data, never markup)."""
    return Html("\n".join(f"• {escape(text)}" for text in texts))


def _texts(statements: list[StatementInfo]) -> list[tuple[int, str]]:
    """(id, text) pairs to compare a new statement with: its Dutch and its English text."""
    return [(s.id, s.text_nl) for s in statements] + [
        (s.id, s.text_en) for s in statements if s.text_en
    ]

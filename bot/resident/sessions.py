"""A resident's questionnaires, inside their unit of work: the welcome and the consent
question, the list of open questionnaires, opening one (start, resume, or offer to revise a
finished one), the question in progress, and expiring what was left too long.

Each function reads and changes the database through the session it is given and returns
what to say (:class:`bot.core.reply.Reply`); :mod:`bot.resident.conversation` delivers it
after the commit.
"""

from __future__ import annotations

import enum
import logging
from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.channel import WEB
from bot.core.reply import Edit, Reply, Send
from bot.core.services import Services
from bot.core.voice import speaking
from bot.resident import buttons, profile
from bot.resident import views as render
from bot.resident.capacity import Capacity
from flows import engine
from flows.machine import Flow
from flows.texts import Language, language_of, t
from storage import codes, repo
from storage.repo import ResidentInfo, SessionInfo

log = logging.getLogger(__name__)


class Speaker(Protocol):
    """Whoever asks: a Telegram ``User`` or a door's :class:`~bot.core.channel.Who`."""

    @property
    def language_code(self) -> str | None: ...


class _Unread(enum.Enum):
    """Marks an active session not read yet (None means: read, and there is none)."""

    UNREAD = "unread"


UNREAD = _Unread.UNREAD


class Sessions:
    """Opening, resuming and expiring a resident's questionnaires."""

    def __init__(self, services: Services) -> None:
        self.services = services
        self.catalog = services.catalog
        self.settings = services.settings
        self.capacity = Capacity(services)

    def welcome(
        self,
        user: Speaker,
        then: str | None,
        *,
        again: bool = False,
        language: Language | None = None,
        keep: bool = False,
    ) -> Reply:
        """The consent question; ``language`` when the resident chose one with /taal;
        ``keep``: ``then`` is known to the caller (a deliberation), keep it."""
        chosen = language is not None
        language = speaking(self.settings, language or language_of(user.language_code))
        if then is not None and not keep and self.catalog.current(then) is None:
            then = None
        if again:
            keyboard = render.consent_keyboard(language, chosen=chosen)
            return Reply([Send(t(language, "consent.needed"), keyboard)])
        # The web door keeps no chat number: it says what it does keep (flows/texts/web.py).
        key = "web.welcome" if getattr(user, "channel", None) == WEB else "welcome"
        text = t(
            language,
            key,
            municipality=self.settings.municipality_name,
            retention=t(language, "unit.days", count=self.settings.retention_days),
        )
        return Reply([Send(text, render.consent_keyboard(language, then, chosen=chosen))])

    async def pick(self, db: AsyncSession, resident: ResidentInfo) -> Reply:
        language = resident.language
        flows = self.catalog.open_flows(self.services.clock(), self.settings.zone)
        if any(f.questionnaire.access == "codes" for f in flows):
            # Open to the sample only: listed for a resident who came in with a code.
            sampled = await codes.sampled_questionnaires(db, resident.id)
            flows = [
                f
                for f in flows
                if f.questionnaire.access == "open" or f.questionnaire.id in sampled
            ]
        if not flows:
            return Reply([Send(t(language, "pick.none"))])
        done = await repo.completed_questionnaires(db, resident.id)
        return Reply([Send(t(language, "pick"), render.pick_keyboard(flows, done, language))])

    async def open(
        self,
        db: AsyncSession,
        resident: ResidentInfo,
        questionnaire_id: str,
        *,
        sample: bool = False,
    ) -> Reply:
        """Start, resume or offer to revise one questionnaire; ``sample``: the resident
        came with an invitation code of its random sample, and their response counts as
        the sample's."""
        language = resident.language
        flow = self.catalog.current(questionnaire_id)
        if flow is None:
            pick = await self.pick(db, resident)
            return Reply([Send(t(language, "unknown_questionnaire")), *pick.messages])
        language = speaking(self.settings, language, flow)
        # Full (max_responses reached) says so, also before this worker's catalog knows.
        full = await self.capacity.full(db, flow.questionnaire)
        if full or not self.catalog.is_open(
            questionnaire_id, self.services.clock(), self.settings.zone
        ):
            pick = await self.pick(db, resident)
            return Reply([Send(t(language, "closed.full" if full else "closed")), *pick.messages])
        if (
            flow.questionnaire.access == "codes"
            and not sample
            and not await codes.in_sample(db, resident.id, questionnaire_id)
        ):
            pick = await self.pick(db, resident)
            return Reply([Send(t(language, "codes.only")), *pick.messages])
        reply = Reply([])
        latest = await repo.latest_session(db, resident.id, questionnaire_id)
        if sample and latest is not None and latest.status != repo.EXPIRED:
            await codes.mark_sample(db, latest.id)  # their response so far is the sample's
        if latest is not None and latest.status in (repo.ACTIVE, repo.PAUSED):
            old_flow = self.flow(latest)
            if self.timed_out(latest) or old_flow is None:
                await repo.set_status(db, latest.id, repo.EXPIRED, now=self.services.clock())
                reply.then(Send(t(language, "expired")))
            else:
                session = await repo.resume_session(db, latest, now=self.services.clock())
                language = speaking(self.settings, language, old_flow)
                return reply.then(
                    Send(t(language, "resume")),
                    self.question(old_flow, session, language, image=True),
                )
        if await repo.has_completed(db, resident.id, questionnaire_id):
            return reply.then(
                Send(t(language, "revise"), render.revise_keyboard(questionnaire_id, language))
            )
        begun = await self.begin(db, resident, flow, sample=sample)
        return reply.then(*begun.messages)

    async def begin(
        self, db: AsyncSession, resident: ResidentInfo, flow: Flow, *, sample: bool = False
    ) -> Reply:
        language = speaking(self.settings, resident.language, flow)
        questionnaire = flow.questionnaire
        # A revision (or a new start) of a response that came in with a code stays the
        # sample's.
        sample = sample or await codes.in_sample(db, resident.id, questionnaire.id)
        session = await repo.start_session(
            db,
            resident.id,
            questionnaire.id,
            questionnaire.version,
            engine.start(flow),
            now=self.services.clock(),
        )
        if sample:
            await codes.mark_sample(db, session.id)
        log.info("resident %s started %s", resident.pseudonym[:12], questionnaire.key)
        reply = Reply([Send(render.intro_text(flow, language))])
        # A first question marked ``profile:`` is answered from the resident's profile.
        session, known = await profile.answer_known(
            db, self.services, resident, session, flow, language
        )
        return reply.then(
            *(Send(line) for line in known), self.question(flow, session, language, image=True)
        )

    async def revise(
        self, db: AsyncSession, resident: ResidentInfo, pressed: buttons.Revise
    ) -> Reply:
        questionnaire_id, answer = pressed.questionnaire_id, pressed.answer
        flow = self.catalog.current(questionnaire_id)
        language = speaking(self.settings, resident.language, flow)
        if answer == "n":
            return Reply([Send(t(language, "revise.kept"))], edit=Edit(None, None))
        if flow is None or answer != "y":
            return Reply([], notice=t(language, "stale.short"))
        if not self.catalog.is_open(questionnaire_id, self.services.clock(), self.settings.zone):
            return Reply([Send(t(language, "closed"))], edit=Edit(None, None))
        latest = await repo.latest_session(db, resident.id, questionnaire_id)
        old_flow = self.flow(latest)
        if (
            latest is not None
            and old_flow is not None
            and latest.status in (repo.ACTIVE, repo.PAUSED)
            and not self.timed_out(latest)
        ):
            # "Ja, aanpassen" pressed twice (or on an older offer): go on with the revision
            # under way instead of starting another one.
            session = await repo.resume_session(db, latest, now=self.services.clock())
            language = speaking(self.settings, language, old_flow)
            reply = Reply(
                [
                    Send(t(language, "resume")),
                    self.question(old_flow, session, language, image=True),
                ]
            )
        else:
            reply = await self.begin(db, resident, flow)
        reply.edit = Edit(None, None)
        return reply

    async def active(
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
        if session is not None and self.flow(session) is None:
            # A version another worker published (or an administrator's draft) that this
            # worker has not loaded yet.
            await self.services.refresh_catalog()
        if session is not None and (self.timed_out(session) or self.flow(session) is None):
            await repo.set_status(db, session.id, repo.EXPIRED, now=self.services.clock())
            language = speaking(self.settings, resident.language, self.flow(session))
            reply.then(Send(t(language, "expired")))
            return None
        return session

    def question(
        self,
        flow: Flow,
        session: SessionInfo,
        language: Language,
        noted: str | None = None,
        *,
        image: bool = False,
    ) -> Send:
        """The current question with its buttons, in the questionnaire's form of address;
        ``noted``: the previous answer, typed loosely, read back above it. With ``image``,
        the question's picture (``image:``) comes just before it: when the resident comes to
        the question going forward, or comes back to the questionnaire later; not when the
        question is shown again after « Vorige, a stale button or a wrong answer, where the
        picture is still just above."""
        language = speaking(self.settings, language, flow)
        prompt = engine.prompt(flow, session.state)
        token = self.services.pseudonyms.button_token(session.id, session.state.current)
        return Send(
            render.question_text(prompt, language, noted),
            render.question_keyboard(prompt, token, language),
            tag=(session.id, session.state.current),
            photo=prompt.media if image else None,
        )

    def flow(self, session: SessionInfo | None) -> Flow | None:
        if session is None:
            return None
        return self.catalog.get(session.questionnaire_id, session.version)

    def timed_out(self, session: SessionInfo) -> bool:
        idle = self.services.clock() - session.updated_at
        return idle > self.settings.session_timeout

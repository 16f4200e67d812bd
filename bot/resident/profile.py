""" "About you, once" in the resident's chat: /overmij (/aboutme) shows the short profile
(age band, wijk or postcode) with buttons to give or change it, or to keep nothing; and,
inside a questionnaire, a question marked ``profile:`` is answered from the profile when it
holds the answer (said in one line), or teaches the profile when the resident answers it.

Button data (:class:`ProfileButton`): ``pf:a:<band>`` an age band, ``pf:w:<area id>`` a
wijk, ``pf:x`` nothing kept ("liever niet"). They carry no secret: a press changes only the
presser's own profile.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import InlineKeyboardMarkup, Update, User
from telegram.ext import ContextTypes

from bot.core.callbacks import Button
from bot.core.keyboards import Keyboard, button, rows
from bot.core.reply import Edit, Postman, Reply, Send
from bot.core.services import Services
from bot.core.voice import addressed
from flows import engine
from flows import profile as about
from flows.machine import Flow
from flows.schema import Area
from flows.texts import Html, Language, raw, t
from flows.wording import answer_label
from storage import profiles, repo
from storage.profiles import Profile
from storage.repo import ResidentInfo, SessionInfo

log = logging.getLogger(__name__)
Context = ContextTypes.DEFAULT_TYPE

COMMANDS = ["overmij", "aboutme"]


@dataclass(frozen=True, slots=True)
class ProfileButton(Button, prefix="pf"):
    """``pf:a:<band>``, ``pf:w:<area id>`` or ``pf:x``."""

    what: Literal["a", "w", "x"]
    value: str = ""


def age_label(language: Language, band: str | None) -> str:
    if band is None or band not in about.AGE_BANDS:
        return raw(language, "profile.unknown")
    return raw(language, f"profile.age.{band}")


def wijk_label(language: Language, known: Profile | None, areas: list[Area]) -> str:
    if known is None:
        return raw(language, "profile.unknown")
    names = {a.id: a.label.get(language) for a in areas}
    if known.wijk is not None:
        name = names.get(known.wijk, known.wijk)
        if known.postcode is not None:
            return f"{name} ({raw(language, 'profile.postcode').format(postcode=known.postcode)})"
        return name
    if known.postcode is not None:
        return raw(language, "profile.postcode").format(postcode=known.postcode)
    return raw(language, "profile.unknown")


def view(language: Language, known: Profile | None, areas: list[Area]) -> tuple[Html, Keyboard]:
    """The /overmij message: what is known, and buttons to give or change it."""
    if known is not None and known.declined:
        current = t(language, "profile.declined")
    else:
        current = t(
            language,
            "profile.current",
            age=age_label(language, known.age_band if known else None),
            wijk=wijk_label(language, known, areas),
        )
    text = t(language, "profile.intro", current=current)
    chosen_age = known.age_band if known else None
    chosen_wijk = known.wijk if known else None

    def mark(label: str, on: bool) -> str:
        return f"✅ {label}" if on else label

    ages = [
        button(mark(age_label(language, band), band == chosen_age), ProfileButton("a", band))
        for band in about.AGE_BANDS
    ]
    wijken = [
        button(mark(area.label.get(language), area.id == chosen_wijk), ProfileButton("w", area.id))
        for area in areas
    ]
    keyboard = InlineKeyboardMarkup(
        [
            *rows(ages, 2),
            *rows(wijken, 3),
            [button(raw(language, "profile.button.decline"), ProfileButton("x"))],
        ]
    )
    return text, keyboard


def areas_of(services: Services) -> list[Area]:
    """The wijken to choose from: those of the questionnaires' ``profile: wijk`` questions."""
    return about.profile_areas(
        q for flow in services.catalog.currents() for q in flow.questionnaire.questions
    )


class ProfileHandlers:
    """/overmij and its buttons (registered in :mod:`bot.app.handlers`)."""

    def __init__(self, services: Services, welcome: Callable[[User], Reply]) -> None:
        self.services = services
        self.settings = services.settings
        #: The consent question, for someone who has not joined (yet).
        self._welcome = welcome
        self._postman = Postman()

    async def command(self, update: Update, context: Context) -> None:
        """/overmij [postcode]: the profile and its buttons; with 4 digits, the postcode."""
        user, message = update.effective_user, update.effective_message
        if user is None or message is None:
            return
        typed = " ".join(context.args or [])
        areas = areas_of(self.services)
        async with self.services.sessions.begin() as db:
            resident = await repo.find_resident(db, self.services.pseudonyms.of(user.id))
            if resident is None or not resident.consented:
                reply = self._welcome(user)
            else:
                resident = addressed(self.settings, resident)
                language = resident.language
                reply = Reply()
                if typed:
                    postcode = about.postcode_of(typed)
                    if postcode is None:
                        reply.then(Send(t(language, "profile.bad_postcode")))
                    else:
                        area = next((a for a in areas if a.covers(postcode)), None)
                        await profiles.set_profile(
                            db,
                            resident.id,
                            postcode=postcode,
                            wijk=area.id if area else None,
                            now=self.services.clock(),
                        )
                        reply.then(Send(t(language, "profile.saved")))
                known = await profiles.get_profile(db, resident.id)
                reply.then(Send(*view(language, known, areas)))
        await self._postman.deliver(context.bot, message.chat_id, reply)

    async def button(self, update: Update, context: Context) -> None:
        """A press on a profile button: change the presser's own profile, show it again."""
        query = update.callback_query
        if query is None:
            return
        reply = Reply()
        try:
            reply = await self._press(update, ProfileButton.unpack(query.data))
        finally:
            await self._postman.deliver(context.bot, query.from_user.id, reply, query)

    async def _press(self, update: Update, pressed: ProfileButton | None) -> Reply:
        user = update.effective_user
        if user is None:
            return Reply()
        areas = areas_of(self.services)
        now = self.services.clock()
        async with self.services.sessions.begin() as db:
            resident = await repo.find_resident(db, self.services.pseudonyms.of(user.id))
            if resident is None or not resident.consented:
                return self._welcome(user)
            language = addressed(self.settings, resident).language
            if pressed is None:
                return Reply(notice=raw(language, "stale.short"))
            if pressed.what == "a" and pressed.value in about.AGE_BANDS:
                await profiles.set_profile(db, resident.id, age_band=pressed.value, now=now)
                notice = raw(language, "profile.saved")
            elif pressed.what == "w" and any(a.id == pressed.value for a in areas):
                await profiles.set_profile(
                    db, resident.id, wijk=pressed.value, postcode=None, now=now
                )
                notice = raw(language, "profile.saved")
            elif pressed.what == "x":
                await profiles.decline_profile(db, resident.id, now=now)
                notice = raw(language, "profile.erased")
            else:
                return Reply(notice=raw(language, "stale.short"))
            known = await profiles.get_profile(db, resident.id)
        text, keyboard = view(language, known, areas)
        log.info("resident %s changed their profile", resident.pseudonym[:12])
        return Reply(edit=Edit(text, keyboard, failing="send"), notice=notice)


# --- inside a questionnaire -------------------------------------------------------------------


def _known(found: Profile | None) -> about.Known | None:
    if found is None or found.declined or found.empty:
        return None
    return about.Known(found.age_band, found.wijk, found.postcode)


async def answer_known(
    db: AsyncSession,
    services: Services,
    resident: ResidentInfo,
    session: SessionInfo,
    flow: Flow,
    language: Language,
) -> tuple[SessionInfo, list[Html]]:
    """Answer the questions marked ``profile:`` the resident stands at from their profile,
    one after the other (stored as any answer); one line per answer given this way. The
    session as it stands after them (maybe finished)."""
    question = flow.questions.get(session.state.current)
    if question is None or getattr(question, "profile", None) is None:
        return session, []
    known = _known(await profiles.get_profile(db, resident.id))
    said: list[Html] = []
    while known is not None and question is not None:
        value = about.answer_from(question, known)
        if value is None:
            break
        outcome = engine.apply(flow, session.state, engine.Pick(value), language)
        if outcome.problem is not None or not outcome.changed:
            break
        await repo.save_outcome(db, session, outcome, now=services.clock())
        said.append(
            t(
                language,
                "profile.filled",
                question=question.text.get(language),
                answer=answer_label(question, value, language),
            )
        )
        session = _moved(session, outcome.state)
        question = flow.questions.get(session.state.current)
    return session, said


async def remember(
    db: AsyncSession, services: Services, resident_id: int, flow: Flow, accepted: object
) -> None:
    """An answer to a ``profile:`` question goes into the profile of a resident who keeps
    one: who gave something with /overmij (a resident who never did, or chose "liever
    niet", keeps none; nothing is kept about them unasked)."""
    if not isinstance(accepted, tuple) or len(accepted) != 2:
        return
    question = flow.questions.get(str(accepted[0]))
    if question is None or getattr(question, "profile", None) is None:
        return
    learned = about.learned(question, accepted[1])
    if not learned:
        return
    found = await profiles.get_profile(db, resident_id)
    if found is None or found.declined:
        return
    if about.WIJK in learned:
        await profiles.set_profile(
            db, resident_id, wijk=learned[about.WIJK], postcode=None, now=services.clock()
        )
    if about.AGE_BAND in learned:
        await profiles.set_profile(
            db, resident_id, age_band=learned[about.AGE_BAND], now=services.clock()
        )


def _moved(session: SessionInfo, state: engine.SessionState) -> SessionInfo:
    return SessionInfo(
        session.id,
        session.resident_id,
        session.questionnaire_id,
        session.version,
        session.status,
        state,
        session.started_at,
        session.updated_at,
        session.completed_at,
        session.is_test,
    )

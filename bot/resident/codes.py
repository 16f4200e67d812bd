"""Invitation codes in the resident's chat: a code from a letter, as ``/start <code>`` (the
link ``t.me/<bot>?start=<code>`` or its QR code) or typed, opens its questionnaire and
marks the response as the random sample's.

A used, expired, closed or unknown code gets its own short answer. Wrong codes are slowed
down per resident (:class:`bot.core.guesses.Guesses`, in memory only): after a few, a
code is refused for a while without being looked up, and nobody else notices. On a door
that sees a network address (the web, where a new cookie is a new resident) the address
is slowed down too, also in memory only; it is never stored or logged.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.guesses import Guesses
from bot.core.reply import Reply, Send
from bot.core.services import Services
from bot.core.voice import speaking
from bot.resident.sessions import Sessions
from flows import codes as shapes
from flows.machine import Flow
from flows.schema import TextQuestion
from flows.texts import t
from storage import codes
from storage.codes import Found, Redemption
from storage.repo import ResidentInfo, SessionInfo

log = logging.getLogger(__name__)

_TOLD = {
    Found.USED: "codes.used",
    Found.EXPIRED: "codes.expired",
    Found.CLOSED: "codes.closed",
    Found.WRONG: "codes.wrong",
}


@dataclass(frozen=True, slots=True)
class Looked:
    """What a code is, looked at but not used (:meth:`CodeDoor.look`): ``found`` None when
    the address guessed too often and must wait ``wait`` (the code was not looked up)."""

    found: Found | None
    questionnaire_id: str | None = None
    code: str | None = None  # normalised
    wait: timedelta | None = None

    @property
    def minutes(self) -> int:
        return _minutes(self.wait or timedelta(0))


def _minutes(wait: timedelta) -> int:
    return max(1, math.ceil(wait.total_seconds() / 60))


def told(found: Found) -> str:
    """The text key of what a resident hears about a code that does not open anything."""
    return _TOLD[found]


def _address_key(address: str) -> str:
    return "address:" + address


def takes_text(flow: Flow | None, session: SessionInfo | None) -> bool:
    """Whether the question in progress asks for free text: there a code-like text is an
    answer, not a code."""
    if flow is None or session is None or session.state.current not in flow.questions:
        return False
    return isinstance(flow.questions[session.state.current], TextQuestion)


class CodeDoor:
    """Using a code: look it up (unless the resident guessed too often), then open."""

    def __init__(self, services: Services, sessions: Sessions) -> None:
        self.services = services
        self.sessions = sessions
        self._key = shapes.code_key(services.settings.secret())
        # The services' clock, read at each call: tests move it.
        self.guesses = Guesses(clock=lambda: self.services.clock())

    async def _startable(self, db: AsyncSession, flow: Flow | None) -> bool:
        if flow is None:
            return False
        settings, questionnaire = self.services.settings, flow.questionnaire
        if not self.sessions.catalog.is_open(
            questionnaire.id, self.services.clock(), settings.zone
        ):
            return False
        return not await self.sessions.capacity.full(db, questionnaire)

    def digest(self, code: str) -> str:
        return shapes.code_digest(self._key, code)

    def _wait(self, keys: list[str]) -> timedelta | None:
        waits = [wait for wait in map(self.guesses.wait, keys) if wait is not None]
        return max(waits, default=None)

    async def look(self, typed: str, address: str) -> Looked:
        """What ``typed`` (a code's address on the web) is, without using it: which
        questionnaire it opens and whether it still would. Slowed down per network
        ``address`` like :meth:`use`: a wrong code costs a try, and while the address
        must wait nothing is looked up."""
        key = _address_key(address)
        wait = self.guesses.wait(key)
        if wait is not None:
            return Looked(None, wait=wait)
        code = shapes.normalise(typed)
        if code is None:
            self.guesses.wrong(key)
            return Looked(Found.WRONG)
        async with self.services.sessions() as db:
            found = await codes.look(db, self.digest(code), now=self.services.clock())
        if found.found is Found.WRONG:
            self.guesses.wrong(key)
        return Looked(found.found, found.questionnaire_id, code)

    async def use(
        self,
        db: AsyncSession,
        resident: ResidentInfo,
        typed: str,
        *,
        leaving: Callable[[], Awaitable[None]] | None = None,
        address: str | None = None,
    ) -> Reply:
        """``typed``: what the resident typed or the link carried, a code or not;
        ``leaving``: run just before a questionnaire opens (a deliberation the resident is
        in ends as their conversation); ``address``: the network address the door saw
        (the web), slowed down as the resident is."""
        language = resident.language
        keys = [resident.pseudonym, *([_address_key(address)] if address else [])]
        wait = self._wait(keys)
        if wait is not None:
            return Reply([Send(t(language, "codes.slow", count=_minutes(wait)))])
        code = shapes.normalise(typed)
        digest = self.digest(code) if code is not None else ""
        if code is None:
            found = Redemption(Found.WRONG)
        else:
            found = await codes.redeem(db, digest, now=self.services.clock())
        flow = self.sessions.catalog.current(found.questionnaire_id or "")
        if found.found is Found.OK and not await self._startable(db, flow):
            # Full, or not open by its dates: the code is not spent on nothing.
            await codes.release(db, digest)
            found = Redemption(Found.CLOSED, found.questionnaire_id)
        language = speaking(self.services.settings, language, flow)
        log.info("resident %s used a code: %s", resident.pseudonym[:12], found.found.value)
        if found.found is Found.WRONG:
            for key in keys:
                self.guesses.wrong(key)
        qid = found.questionnaire_id
        opens = found.found is Found.OK or (
            found.found is Found.USED and qid and await codes.in_sample(db, resident.id, qid)
        )
        if opens and qid is not None and leaving is not None:
            await leaving()
        if found.found is Found.OK and qid is not None:
            opened = await self.sessions.open(db, resident, qid, sample=True)
            return Reply([Send(t(language, "codes.ok")), *opened.messages])
        if opens and qid is not None:
            # Their own code again (the link in their letter, clicked twice): go on.
            return await self.sessions.open(db, resident, qid, sample=True)
        return Reply([Send(t(language, _TOLD[found.found]))])

"""The resident's side of the conversation for any door: one event in, one reply out.

A door (:mod:`bot.core.channel`) turns what its resident did into an :data:`Event` and
hands it to :meth:`Door.respond`, which runs the same code Telegram's handlers run
(:mod:`bot.resident.conversation`, :mod:`bot.resident.privacy`): consent, the questions,
« Vorige / skip / /stop / /help / /taal, the privacy commands, the thanks at the end. The
reply is computed inside the unit of work and committed before ``respond`` returns; the
door then shows it.

Telegram routes its updates through its handler table (:mod:`bot.app.handlers`, where
deliberations and the other features come first); a door without such a table uses
:meth:`Door.respond`, which knows the residents' commands itself and routes as that table
does: a deliberation's buttons, ``/start <deliberation>``, ``/stop`` and typed votes to
:mod:`bot.resident.stellingen` while the resident is in one, the rest to the questionnaires;
the opt-in at the end and ``/resultaten`` to :mod:`bot.outcomes.residents`.
"""

from __future__ import annotations

from collections.abc import Hashable

from bot.core.channel import Event, Press, Start, Text, Who
from bot.core.reply import Reply
from bot.outcomes.buttons import OptIn
from bot.outcomes.residents import Residents
from bot.resident.conversation import ResidentHandlers
from bot.resident.privacy import FORGET_COMMANDS, MYDATA_COMMANDS, Forget, PrivacyHandlers
from bot.resident.stellingen import Deliberations
from bot.resident.stellingen_views import Stelling

#: The residents' commands a door understands when typed, by name (Dutch and English).
COMMANDS = frozenset(
    {"start", "stop", "help", "privacy", "taal", "language", "vragenlijsten", "questionnaires"}
    | {"resultaten", "results"}
    | set(MYDATA_COMMANDS)
    | set(FORGET_COMMANDS)
)


def command_of(text: str) -> tuple[str, str | None] | None:
    """``/name`` or ``/name argument`` as (name, argument); None for anything else."""
    if not text.startswith("/"):
        return None
    name, _, rest = text[1:].strip().partition(" ")
    name = name.split("@", 1)[0].lower()
    return name, (rest.strip() or None)


class Door:
    """The conversation behind every door but Telegram's own handler table."""

    def __init__(
        self,
        residents: ResidentHandlers,
        rights: PrivacyHandlers,
        loop: Residents,
        talks: Deliberations | None = None,
    ) -> None:
        self.residents = residents
        self.rights = rights
        self.loop = loop  # closing the loop: the opt-in at the end, /resultaten, outcomes
        self.talks = talks  # deliberations: they come first, as in Telegram's handler table

    async def waiting(self, who: Who) -> Reply:
        """What waits for the resident since their last visit (outcomes they opted in to),
        committed as shown: each once."""
        return await self.loop.waiting_reply(who)

    def shown(self, tag: Hashable, message_id: int) -> None:
        """The door shows the message ``tag`` (a question, see ``Sessions.question``) as
        ``message_id``: a typed answer to it then edits it, as on Telegram. (A statement
        of a deliberation is tagged with three parts, a question with two.)"""
        if self.talks is not None and isinstance(tag, tuple) and len(tag) == 3:
            self.talks.shown(tag, message_id)
        else:
            self.residents.shown(tag, message_id)

    async def respond(self, who: Who, event: Event, *, shows_buttons: bool = True) -> Reply:
        """The reply to ``event`` from ``who``, committed. ``shows_buttons``: the message a
        pressed button was on still shows it (an erase question not yet answered)."""
        residents, talks = self.residents, self.talks
        match event:
            case Start(wanted=wanted):
                return await self._begin(who, wanted)
            case Press(data=data):
                if Forget.claims(data):
                    return await self.rights.press(who, data, shows_buttons=shows_buttons)
                if OptIn.claims(data):
                    return await self.loop.opt_in_reply(who, data)
                if talks is not None and Stelling.claims(data):
                    return await talks.press(who, data)
                return await residents.press(who, data)
            case Text(text=text):
                command = command_of(text)
                if command is not None:
                    return await self._command(who, *command)
                voted = await talks.typed(who, text) if talks is not None else None
                return voted if voted is not None else await residents.typed(who, text)

    async def stale(self, who: Who) -> Reply:
        """A typed answer to a question that is no longer the current one (a replayed
        form, a stale tab): nothing is stored; it says so and asks the current question
        again: the statement shown now while the resident is in a deliberation (which takes
        their typed texts first, as in :meth:`respond`), else the questionnaire's."""
        talks = self.talks
        shown = await talks.again(who, "web.stale_statement") if talks is not None else None
        return shown if shown is not None else await self.residents.other(who, "web.stale")

    async def _begin(self, who: Who, wanted: str | None) -> Reply:
        """A deliberation by id, else the questionnaires' start."""
        opened = await self.talks.begin(who, wanted) if self.talks is not None else None
        return opened if opened is not None else await self.residents.begin(who, wanted)

    async def _command(self, who: Who, name: str, argument: str | None) -> Reply:
        residents, talks = self.residents, self.talks
        if name == "start":
            return await self._begin(who, argument)
        if name == "stop":
            paused = await talks.stop_reply(who) if talks is not None else None
            return paused if paused is not None else await residents.stop_reply(who)
        if name == "help":
            return await residents.help_reply(who)
        if name == "privacy":
            return await residents.privacy_reply(who)
        if name in ("taal", "language"):
            return await residents.language_reply(who)
        if name in ("vragenlijsten", "questionnaires"):
            if talks is not None:
                await talks.leave(who)
            return await residents.questionnaires_reply(who)
        if name in ("resultaten", "results"):
            return await self.loop.results_reply(who)
        if name in MYDATA_COMMANDS:
            return await self.rights.my_data_reply(who)
        if name in FORGET_COMMANDS:
            return await self.rights.forget_reply(who)
        return await residents.other(who, "unknown_command")

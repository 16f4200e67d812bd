"""The channel seam: who a resident is on a door (Telegram, the browser, ...) and what
comes in from them.

The resident's side of the conversation (:mod:`bot.resident.door`) is written once against
this: an :data:`Event` comes in for a :class:`Who` (:meth:`bot.resident.door.Door.respond`),
a committed :class:`~bot.core.reply.Reply` goes out (its messages are the steps: text,
options as buttons, a picture). A door is an adapter, not a class to implement: it turns
its own input into events and shows the reply its own way. Telegram is one door
(:mod:`bot.resident.conversation`, through the handler table; its ``Postman`` sends the
reply after the commit), the web chat page another (:mod:`bot.app.webdoor`, which answers
the HTTP request with it).

A resident is known per door by a pseudonym only: on Telegram the keyed hash of their user
id, on the web a keyed hash of a random token in their session cookie, prefixed with
:data:`WEB_PREFIX` so that counts can be split per door. Neither is ever an external id.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from storage.repo import TELEGRAM as TELEGRAM
from storage.repo import WEB as WEB
from storage.repo import WEB_PREFIX as WEB_PREFIX
from storage.repo import channel_of as channel_of


@dataclass(frozen=True, slots=True)
class Who:
    """A resident as a door knows them: their pseudonym, the language their device speaks
    (for someone who has not joined yet), and a chat id where the door has one to reach
    them later (Telegram); ``None`` on a door that cannot reach anyone unasked.
    ``address``: the network address a door sees (the web), only to slow down guessed
    invitation codes in memory (:mod:`bot.resident.codes`); never stored or logged."""

    pseudonym: str
    language_code: str | None
    chat_id: int | None
    channel: str = TELEGRAM
    address: str | None = field(default=None, repr=False)


@dataclass(frozen=True, slots=True)
class Start:
    """The conversation opens (Telegram's /start), optionally at one questionnaire."""

    wanted: str | None = None


@dataclass(frozen=True, slots=True)
class Text:
    """Something typed: an answer, or a command such as ``/stop``."""

    text: str


@dataclass(frozen=True, slots=True)
class Press:
    """A button pressed: its packed data, as the step offered it."""

    data: str


Event = Start | Text | Press

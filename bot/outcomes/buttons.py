"""The buttons of closing the loop, as typed button data (:mod:`bot.core.callbacks`).

==============================  ====================================================
``sub:e:<qid>:o|i:1|0``         at the end of a questionnaire: outcomes of it, or
                                invitations on its theme, on (1) or off (0)
``sub:s:o:<qid>:1|0``           /instellingen: outcomes of a questionnaire on or off
``sub:s:i:<theme>:1|0``         /instellingen: invitations on a theme on or off
``eff:<check id>:<value>``      a resident's answer to an effect check
``inv:y:<qid>:<version>``       administrator: send the invitation
``inv:n:<qid>``                 administrator: no invitation now
``tk:s:<qid>:<status number>``  administrator: /terugkoppeling, the new outcome status
``tk:e`` / ``tk:y`` / ``tk:x``  administrator: no English text / send / cancel
``efs:<outcome id>:<weeks>``    administrator: schedule an effect check (0: none)
==============================  ====================================================

At most 64 bytes: questionnaire ids and theme slugs have at most 40 characters. These
strings are in chats already, and effect checks carry theirs inside broadcasts stored in the
outbox (as JSON): they never change. The invitation's own "Doe mee" button is the
residents' ``p:<qid>`` (:class:`bot.core.buttons.Pick`).

The residents' buttons carry no secret: whoever presses one changes only their own settings
or answer, and the handlers check that they may (took part, received the check). Data that
starts like one of these but is none of them (made up, cut short) is claimed by this
feature's handler (``Button.claims``) and answered as a stale button; an administrator's
handler writes the attempt of anyone else to the audit log first.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from bot.core.callbacks import Button
from flows import outcomes as loop

#: What a subscription line is about, in button data: outcomes of a questionnaire ("o") or
#: invitations on a theme ("i").
About = Literal["o", "i"]
_SUBSCRIPTIONS: dict[str, str] = {"o": loop.OUTCOMES, "i": loop.INVITATIONS}


def about_of(kind: str) -> About:
    """The button letter of a subscription kind (``loop.OUTCOMES`` or ``loop.INVITATIONS``)."""
    return "o" if kind == loop.OUTCOMES else "i"


# --- residents --------------------------------------------------------------------------------


class OptIn(Button, family="sub"):
    """A subscription toggle: at the end of a questionnaire or in /instellingen."""

    __slots__ = ()
    about: About
    wanted: bool

    @property
    def kind(self) -> str:
        """``loop.OUTCOMES`` or ``loop.INVITATIONS``."""
        return _SUBSCRIPTIONS[self.about]


@dataclass(frozen=True, slots=True)
class OptInAtEnd(OptIn, prefix="sub:e"):
    """Offered under the "finished" message: the questionnaire, or its theme."""

    questionnaire_id: str
    about: About
    wanted: bool


@dataclass(frozen=True, slots=True)
class OptInSetting(OptIn, prefix="sub:s"):
    """A line of /instellingen: ``topic`` is a questionnaire id or a theme slug."""

    about: About
    topic: str
    wanted: bool


@dataclass(frozen=True, slots=True)
class EffectAnswer(Button, prefix="eff"):
    """An answer to "Merk je iets van deze verandering?"; ``value`` is checked against
    ``loop.EFFECT_VALUES`` by the handler (anything else is answered as a stale button)."""

    check_id: int
    value: str


# --- administrators ---------------------------------------------------------------------------


class InvitationChoice(Button, family="inv"):
    """The administrator's answer to an invitation offer."""

    __slots__ = ()
    questionnaire_id: str


@dataclass(frozen=True, slots=True)
class Invite(InvitationChoice, prefix="inv:y"):
    """Send the invitation to this version of the questionnaire."""

    questionnaire_id: str
    version: int


@dataclass(frozen=True, slots=True)
class NotNow(InvitationChoice, prefix="inv:n"):
    questionnaire_id: str


class FeedbackStep(Button, family="tk"):
    """A button of /terugkoppeling."""

    __slots__ = ()


@dataclass(frozen=True, slots=True)
class ChooseStatus(FeedbackStep, prefix="tk:s"):
    """Step 1: the new outcome status, by its place in ``loop.STATUSES`` (checked by the
    handler: a number beyond them is answered as a stale button)."""

    questionnaire_id: str
    status: int


@dataclass(frozen=True, slots=True)
class SkipEnglish(FeedbackStep, prefix="tk:e"):
    """Step 3: no English text."""


@dataclass(frozen=True, slots=True)
class Confirm(FeedbackStep, prefix="tk:y"):
    """After the preview: send (or, with nobody to tell, store)."""


@dataclass(frozen=True, slots=True)
class Cancel(FeedbackStep, prefix="tk:x"):
    """Any step: stop, nothing stored."""


@dataclass(frozen=True, slots=True)
class ScheduleCheck(Button, prefix="efs"):
    """An effect check on an outcome in ``weeks`` (one of ``loop.EFFECT_WEEKS``; 0: none)."""

    outcome_id: int
    weeks: int

"""How the bot speaks to a resident: their language with the Dutch form of address that
applies, "je" or "u" (a questionnaire's ``address`` inside its conversation, else the bot's
FORM_OF_ADDRESS).

The result is a :class:`flows.texts.Locale`: it goes wherever a language goes, and every
text written with it (:func:`flows.texts.t`) takes the form of address it carries. So a
handler chooses once, where it learns who it speaks to and about which questionnaire.
"""

from __future__ import annotations

from dataclasses import replace

from bot.core.config import Settings
from flows.machine import Flow
from flows.texts import Language, Locale
from storage.repo import ResidentInfo


def speaking(settings: Settings, language: Language, flow: Flow | None = None) -> Locale:
    """``language`` with the form of address for a resident: ``flow``'s own, if it has
    one, else FORM_OF_ADDRESS."""
    address = flow.questionnaire.address if flow is not None else None
    return Locale(str(language), address or settings.form_of_address)


def addressed(
    settings: Settings, resident: ResidentInfo, flow: Flow | None = None
) -> ResidentInfo:
    """``resident`` whose language is :func:`speaking` (every text for them follows it)."""
    return replace(resident, language=speaking(settings, resident.language, flow))

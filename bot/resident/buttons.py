"""The residents' buttons, as typed button data (:mod:`bot.core.callbacks`).

=======================  ========================================================
``c:y[:<qid>[:<lang>]]``  consent yes (then start a questionnaire; in the language
                          chosen with /taal before consenting)
``c:n[::<lang>]``        consent no
``l:<lang>``             language
``p:<qid>``              pick a questionnaire (:class:`bot.core.buttons.Pick`: an
                         invitation offers it too)
``r:<qid>:y|n``          revise an earlier complete response, or not
``a:<tok>:<val>``        answer a closed question
``t:<tok>:<opt>``        toggle an option of a multi question
``d:<tok>``              done with a multi question
``s:<tok>``              skip
``b:<tok>``              back
``u:<tok>``              undo the last place given on a ranking question
=======================  ========================================================

``<tok>`` binds a question's button to one session and question (see
``Pseudonyms.button_token``), so a button from an old message, from another resident, or
made up by hand changes nothing. The erase question's buttons are in
:mod:`bot.resident.privacy`; opt-ins and effect checks in :mod:`bot.outcomes.buttons`.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.callbacks import Button


@dataclass(frozen=True, slots=True)
class Consent(Button, prefix="c"):
    answer: str  # "y" or "n"; anything else is answered as a stale button
    then: str = ""  # a questionnaire to start right after consenting
    language: str = ""  # chosen with /taal before consenting (nothing is stored before)


@dataclass(frozen=True, slots=True)
class ChooseLanguage(Button, prefix="l"):
    code: str


@dataclass(frozen=True, slots=True)
class Revise(Button, prefix="r"):
    questionnaire_id: str
    answer: str  # "y" or "n"; anything else is answered as a stale button


class OnQuestion(Button):
    """A button of the question in progress, bound to it by ``token``."""

    __slots__ = ()
    token: str


@dataclass(frozen=True, slots=True)
class Answer(OnQuestion, prefix="a"):
    token: str
    value: str = ""  # made up or cut short: refused as an answer the question does not know


@dataclass(frozen=True, slots=True)
class Toggle(OnQuestion, prefix="t"):
    token: str
    option: str = ""


@dataclass(frozen=True, slots=True)
class Done(OnQuestion, prefix="d"):
    token: str


@dataclass(frozen=True, slots=True)
class Skip(OnQuestion, prefix="s"):
    token: str


@dataclass(frozen=True, slots=True)
class Back(OnQuestion, prefix="b"):
    token: str


@dataclass(frozen=True, slots=True)
class Undo(OnQuestion, prefix="u"):
    token: str

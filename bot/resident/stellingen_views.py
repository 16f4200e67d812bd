"""A deliberation's buttons and messages for residents: presentation only.

=============================  ====================================================
``st:v:<tok>:<sid>:a|d|p``     vote agree / disagree / pass on statement ``sid``
``st:w:<tok>:<did>``           "Waar sta ik?" in deliberation ``did``
``st:n:<tok>:<did>``           add a statement to deliberation ``did``
=============================  ====================================================

``<tok>`` binds the button to one resident and one statement (or deliberation): see
``Pseudonyms.button_token``. A button of another resident, or made up, changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.core.callbacks import Button
from bot.core.keyboards import Keyboard, button
from flows.deliberation import Vote
from flows.texts import Html, Language, raw, t

VoteCode = Literal["a", "d", "p"]
VOTES: dict[str, Vote] = {"a": Vote.AGREE, "d": Vote.DISAGREE, "p": Vote.PASS}
VOTE_KEYS: dict[Vote, str] = {
    Vote.AGREE: "stellingen.vote.agree",
    Vote.DISAGREE: "stellingen.vote.disagree",
    Vote.PASS: "stellingen.vote.pass",
}


class Stelling(Button, family="st"):
    """Every button of a deliberation."""

    __slots__ = ()
    token: str


@dataclass(frozen=True, slots=True)
class VoteButton(Stelling, prefix="st:v"):
    token: str
    statement_id: int
    vote: VoteCode


@dataclass(frozen=True, slots=True)
class PlaceButton(Stelling, prefix="st:w"):
    token: str
    deliberation_id: str


@dataclass(frozen=True, slots=True)
class AddButton(Stelling, prefix="st:n"):
    token: str
    deliberation_id: str


def statement_text(text: str, language: Language) -> Html:
    return t(language, "stellingen.statement", text=text)


def voted_text(text: str, given: Vote, language: Language) -> Html:
    vote = raw(language, VOTE_KEYS[given])
    return t(language, "stellingen.voted", text=text, vote=vote)


@dataclass(frozen=True, slots=True)
class Extras:
    """The buttons under the vote buttons: "Waar sta ik?" (its token) once enough votes are
    in, "Stelling toevoegen" (its token) while the resident may add one."""

    deliberation_id: str
    place: str | None = None
    add: str | None = None


def statement_keyboard(
    statement_id: int, token: str, language: Language, extras: Extras | None = None
) -> Keyboard:
    rows = [
        [
            button(raw(language, "stellingen.vote.agree"), VoteButton(token, statement_id, "a")),
            button(
                raw(language, "stellingen.vote.disagree"), VoteButton(token, statement_id, "d")
            ),
        ],
        [button(raw(language, "stellingen.vote.pass"), VoteButton(token, statement_id, "p"))],
    ]
    rows += extra_rows(language, extras)
    return InlineKeyboardMarkup(rows)


def extra_rows(language: Language, extras: Extras | None) -> list[list[InlineKeyboardButton]]:
    if extras is None:
        return []
    row = []
    if extras.place is not None:
        row.append(
            button(
                raw(language, "stellingen.button.place"),
                PlaceButton(extras.place, extras.deliberation_id),
            )
        )
    if extras.add is not None:
        row.append(
            button(
                raw(language, "stellingen.button.add"),
                AddButton(extras.add, extras.deliberation_id),
            )
        )
    return [row] if row else []


def extras_keyboard(language: Language, extras: Extras) -> Keyboard | None:
    rows = extra_rows(language, extras)
    return InlineKeyboardMarkup(rows) if rows else None

"""Options in another order for each resident, where a question asks for it (``shuffle:
true`` on a choice or multi question), so no option gains from standing first.

The order follows from the session's seed (:attr:`flows.engine.SessionState.seed`, its
number in the database) and the question's id: the same response sees the same order every
time, also after « Vorige and when it is resumed a day later, without storing it apart.
Options that close a list keep their place at the end, in the file's order: those marked
``last: true`` ("Zeg ik liever niet"), ``other: true`` ("Anders, namelijk ...") or
``exclusive: true``, and, for files that mark nothing, options whose label says so ("weet
niet", "geen mening", "geen idee", "anders", "overig", "een andere reden"). A session without
a seed (a preview before it is stored) sees the file's order.

Only the order shown changes: buttons carry option ids, typed numbers follow the buttons
shown, and a multi question's answer is stored in the file's order.
"""

from __future__ import annotations

import random
from collections.abc import Sequence

from flows import reading
from flows.schema import AnyQuestion, ChoiceQuestion, MultiQuestion, Option

#: Labels (Dutch or English, as :func:`flows.reading.norm` reads them) that close a list.
CLOSING = frozenset(
    {
        *reading.OPINIONS,
        *("weet niet / geen mening", "geen idee", "zeg ik liever niet", "wil ik niet zeggen"),
        *("don't know", "no opinion", "no idea", "prefer not to say", "rather not say"),
    }
)
#: The start of a label that closes a list ("Anders, namelijk", "Overig", "Een andere reden").
CLOSING_START = (
    *("anders", "overig", "iets anders", "een andere reden", "op een andere manier"),
    *("other", "something else", "another reason", "in another way", "in some other way"),
)


def closes_list(option: Option) -> bool:
    """Whether ``option`` stays at the end of a shuffled list: marked so (``last``,
    ``other``, ``exclusive``), or, as a fallback, so worded."""
    if option.last or option.other or option.exclusive:
        return True
    for label in option.label.translations.values():
        word = reading.norm(label)
        if word in CLOSING or word.startswith(CLOSING_START):
            return True
    return False


def order(options: Sequence[Option], seed: int, question_id: str) -> list[Option]:
    """``options`` shuffled for the session ``seed``; the ones that close the list last."""
    moving = [o for o in options if not closes_list(o)]
    last = [o for o in options if closes_list(o)]
    # A string seed is hashed with SHA-512: the same order on every run and machine.
    random.Random(f"{seed}:{question_id}").shuffle(moving)
    return [*moving, *last]


def arranged(question: AnyQuestion, seed: int | None) -> AnyQuestion:
    """``question`` with its options in the order the session ``seed`` sees them."""
    if seed is None or not isinstance(question, ChoiceQuestion | MultiQuestion):
        return question
    if not question.shuffle:
        return question
    return question.model_copy(update={"options": order(question.options, seed, question.id)})

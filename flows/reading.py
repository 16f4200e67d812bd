"""Reading what a resident typed: the text as stored, compared loosely (case, spacing,
closing punctuation), whole numbers, an option by its number, id or label, and the words
that mean back, skip, done, yes and no.
"""

from __future__ import annotations

import re
import unicodedata

from flows.schema import AnyQuestion, AreaQuestion, ChoiceQuestion, MultiQuestion

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
YES = {"ja", "j", "yes", "y", "jazeker", "zeker", "jawel", "ok", "oké", "oke"}
NO = {"nee", "n", "no", "nope", "neen"}
BACK = {"vorige", "terug", "back", "previous", "« vorige", "« back"}
OPINIONS = {"weet ik niet", "geen mening"}
SKIP = {"sla over", "overslaan", "skip", *OPINIONS}
DONE = {"klaar", "done", "klaar ✓", "done ✓"}


def clean(text: str) -> str:
    """Text as stored: control characters (and NUL, which PostgreSQL refuses) removed."""
    return unicodedata.normalize("NFC", _CONTROL.sub("", text)).strip()


def norm(text: str) -> str:
    return " ".join(clean(text).casefold().rstrip(".!").split())


def whole(text: str) -> int | None:
    text = text.strip()
    return int(text) if re.fullmatch(r"-?\d{1,9}", text) else None


def by_label(text: str, items: list[tuple[str, list[str]]]) -> str | None:
    """An option id typed as its number, id or label in either language."""
    wanted = norm(text)
    number = whole(wanted)
    if number is not None:
        return items[number - 1][0] if 1 <= number <= len(items) else None
    for ident, labels in items:
        if wanted == ident or wanted in (norm(label) for label in labels):
            return ident
    return None


def is_label(question: AnyQuestion, word: str) -> bool:
    """Whether ``word`` is the id or a label of one of the question's options or areas."""
    if isinstance(question, ChoiceQuestion | MultiQuestion):
        items = [(o.id, o.label) for o in question.options]
    elif isinstance(question, AreaQuestion):
        items = [(a.id, a.label) for a in question.areas]
    else:
        return False
    return any(word in {ident, norm(label.nl), norm(label.en)} for ident, label in items)


def only_numbers(word: str) -> bool:
    return bool(re.fullmatch(r"[\d,;\s]+", word))

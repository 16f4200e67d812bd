"""Earlier answers in later texts: ``{answer:<id>}`` in a question's text or an option's
label is replaced by the resident's answer to question ``<id>``.

The answer goes in as plain text, in the resident's language (an option's label, not its
id), shortened to :data:`PIPED_CHARS`; the view escapes the whole text afterwards, so what
a resident typed is shown as typed and never read as markup. One pass: an answer that itself
contains ``{answer:...}`` is not replaced again. The validator (:mod:`flows.validator`)
checks that every reference names a question that comes before.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from flows.schema import AnyQuestion
from flows.texts import Language, formats, raw
from flows.wording import answer_label

REFERENCE = re.compile(r"\{answer:([a-z0-9][a-z0-9_-]*)\}")
#: An answer longer than this (a long text) is shortened where it is piped in.
PIPED_CHARS = 200


def references(text: str) -> Iterator[str]:
    """The question ids ``text`` pipes in, in order."""
    for found in REFERENCE.finditer(text):
        yield found.group(1)


def pipes(text: str) -> bool:
    return "{answer:" in text


def piped(
    text: str,
    questions: Mapping[str, AnyQuestion],
    answers: Mapping[str, Any],
    language: Language,
) -> str:
    """``text`` with every ``{answer:<id>}`` replaced by the answer given (plain text: escape
    it where it becomes HTML). An answer not given or skipped reads "(geen antwoord)"."""
    if not pipes(text):
        return text

    def answer(found: re.Match[str]) -> str:
        ident = found.group(1)
        value = answers.get(ident)
        question = questions.get(ident)
        if value is None or question is None:
            return raw(language, "piped.none")
        return formats.shorten(answer_label(question, value, language), PIPED_CHARS)

    return REFERENCE.sub(answer, text)

"""What digests and exports call each question: its ``label``, or its full Dutch text.

A long text is shortened only at a word, and never so that two questions read the same:
where shortening would make them alike (eight questions that share a long first sentence
and differ only after it), the name keeps the end that tells them apart,
``Hoe tevreden bent u over … sportvoorzieningen?``. A label is the author's own short name
and is used as written.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from flows.schema import AnyQuestion

NAME_CHARS = 150  # the longest name a digest shows
ELLIPSIS = "…"


def full_name(question: AnyQuestion) -> str:
    """The label, or the whole Dutch text on one line."""
    return question.label or " ".join(question.text.nl.split())


def shorten(text: str, limit: int) -> str:
    """``text`` within ``limit`` characters, cut after a whole word, ending in "…"."""
    if len(text) <= limit:
        return text
    room = text[: max(1, limit - 1)]
    cut = room.rsplit(" ", 1)[0] if " " in room else room
    return cut.rstrip(",;:—–- ") + ELLIPSIS


def _tail(text: str, others: Sequence[str]) -> str:
    """The end of ``text`` from the word where it starts to differ from ``others``."""
    shared = max(
        (next((i for i, (a, b) in enumerate(zip(text, o, strict=False)) if a != b), 0))
        for o in others
    )
    start = text.rfind(" ", 0, shared) + 1
    return text[start:]


def _apart(text: str, others: Sequence[str], limit: int) -> str:
    """A name for ``text`` that keeps the part where it differs from ``others``."""
    tail = _tail(text, others)
    if len(tail) >= limit - 10:
        return ELLIPSIS + " " + shorten(tail, limit - 2)
    head = shorten(text[: len(text) - len(tail)].rstrip(), limit - len(tail) - 2)
    return f"{head.removesuffix(ELLIPSIS).rstrip()} {ELLIPSIS} {tail}"


def question_names(questions: Sequence[AnyQuestion], limit: int = NAME_CHARS) -> dict[str, str]:
    """Per question id the name to show, at most ``limit`` characters (labels as written),
    no two alike unless their texts (or labels) are."""
    full = {q.id: full_name(q) for q in questions}
    labelled = {q.id for q in questions if q.label}
    names = {qid: text if qid in labelled else shorten(text, limit) for qid, text in full.items()}
    alike: dict[str, list[str]] = defaultdict(list)
    for qid, name in names.items():
        alike[name].append(qid)
    for group in alike.values():
        if len(group) < 2:
            continue
        for qid in group:
            others = [full[o] for o in group if o != qid and full[o] != full[qid]]
            if qid not in labelled and others:
                names[qid] = _apart(full[qid], others, limit)
    return names

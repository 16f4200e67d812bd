"""The duplicate-response signal of a digest: completed responses that look like a copy of
another one. A signal, not a block: they still count; the digest says how many there are,
so civil servants can judge whether someone answered twice (a second browser tab, a
second account) before they lean on a figure.

A completed response is *possibly a duplicate* when another completed response to the
same questionnaire version gave exactly the same answers (every question, skipped ones
alike, answers on a branch the resident left not counted) and was completed at most
:data:`WINDOW` before it. Only answer sets with at least :data:`MIN_ANSWERS` answers count:
on a short questionnaire two residents easily agree on everything by chance. Nothing about
a resident is used but what they answered and when they finished (no network address, no
device): pure, the responses in (as :func:`storage.duplicates.completed_answer_sets` reads
them), a number out.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

#: How close together two identical responses must be completed to be signalled.
WINDOW = timedelta(minutes=10)
#: How many answers (not skipped) an answer set needs before identical ones mean anything.
MIN_ANSWERS = 4


@dataclass(frozen=True, slots=True)
class Completed:
    """One completed response: when it was finished, on which version, with what answers."""

    completed_at: datetime
    version: int
    answers: Mapping[str, Any]


def fingerprint(answers: Mapping[str, Any]) -> str:
    """The answers as one comparable text: the order they were given in plays no part."""
    return json.dumps(sorted(answers.items()), sort_keys=True, separators=(",", ":"))


def possible_duplicates(
    responses: Iterable[Completed], since: datetime, window: timedelta = WINDOW
) -> int:
    """How many responses completed from ``since`` on repeat the answers of a response
    completed at most ``window`` before them (each copy counted once; the first of a
    series is not a copy)."""
    last_seen: dict[tuple[int, str], datetime] = {}
    found = 0
    for response in sorted(responses, key=lambda r: r.completed_at):
        given = sum(1 for value in response.answers.values() if value is not None)
        if given < MIN_ANSWERS:
            continue
        key = (response.version, fingerprint(response.answers))
        before = last_seen.get(key)
        if (
            before is not None
            and response.completed_at - before <= window
            and response.completed_at >= since
        ):
            found += 1
        last_seen[key] = response.completed_at
    return found

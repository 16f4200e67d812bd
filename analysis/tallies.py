"""What storage counts for one questionnaire's digest: plain frozen data, no figures yet.

:func:`storage.digest.gather` fills a :class:`Tallies` with SQL aggregates (counts per
question and value, never every answer; the one exception is a bounded sample of recent
free text); :func:`analysis.digest.compute` turns it into the figures a digest shows. Only
answers and responses that count are in it: no test runs, no replaced revisions, no
unfinished try beside a resident's completed response.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from analysis.figures import PreviousFigures


@dataclass(frozen=True, slots=True)
class ResponseTally:
    """Responses started before the end of the period."""

    new: int  # started in the period
    completed_in_period: int  # finished in the period, whenever they started
    total: int
    completed: int  # of ``total``, finished before the end of the period
    # Unfinished responses (active, paused, expired) per question they stand at.
    unfinished: tuple[tuple[str, int], ...] = ()
    completed_on_web: int = 0  # of ``completed``, through the web door (the rest: Telegram)
    # Completed in the period with the same answers as one completed just before
    # (analysis.duplicates): a signal, they still count.
    possible_duplicates: int = 0


@dataclass(frozen=True, slots=True)
class AnswerTally:
    """Answers given in the period to one question."""

    question_id: str
    answered: int = 0  # not skipped
    skipped: int = 0
    # Per value, as text (3 and "3" alike): single-value questions per stored value, multi
    # per ticked option, dates per day, whole numbers in a small range per number. Empty for
    # free text and for numbers summarised in :class:`NumberSummary`.
    values: tuple[tuple[str, int], ...] = ()
    pending: int = 0  # free text: answers still waiting for moderation


@dataclass(frozen=True, slots=True)
class NumberSummary:
    """A number question with too many possible values to count each: the database's mean
    and median of the numbers given in the period."""

    question_id: str
    mean: float | None
    median: float | None


@dataclass(frozen=True, slots=True)
class RecentText:
    answer_id: int
    text: str  # as the resident typed it: scrub before showing or counting
    approved: bool  # by an administrator, in moderation: only these may be quoted


@dataclass(frozen=True, slots=True)
class TextSample:
    """The most recent texts of the period for one free-text question, newest first, to find
    words and quotes in. Rejected texts and texts excluded by the caller are left out."""

    question_id: str
    recent: tuple[RecentText, ...]  # at most a fixed number
    # Only when ``recent`` is cut at its limit: the newest approved texts of the period
    # (a long moderation backlog may leave too few of them in ``recent`` to quote).
    approved: tuple[tuple[int, str], ...] | None = None
    # The language each text was written in, by answer id ("en", "ar"); unknown ones left out.
    languages: Mapping[int, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class EffectTally:
    """Answers to the questionnaire's effect checks given before the end of the period."""

    counts: Mapping[str, int] = field(default_factory=dict)  # per answer value
    new: int = 0  # of them, given in the period


@dataclass(frozen=True, slots=True)
class SampleTally:
    """A questionnaire's random sample (invitation codes, :mod:`storage.codes`): codes made
    (letters sent) and used, and the responses that came in with one, started and completed
    before the end of the period (test runs and replaced revisions never count)."""

    sent: int
    used: int  # at the time of the digest: a code's use is not dated (it would link)
    started: int
    completed: int


@dataclass(frozen=True, slots=True)
class Tallies:
    """Everything counted for one questionnaire and the period [since, until)."""

    questionnaire_id: str
    since: datetime
    until: datetime
    responses: ResponseTally
    answers: tuple[AnswerTally, ...]  # questions answered (or skipped) in the period
    numbers: tuple[NumberSummary, ...] = ()
    texts: tuple[TextSample, ...] = ()
    effects: EffectTally = field(default_factory=EffectTally)
    previous: PreviousFigures | None = None  # the latest digest sent that had figures for it
    sample: SampleTally | None = None  # None: the questionnaire has no invitation codes
    # The sample's answers up to the end of the period (not only in it), to lead with.
    sample_answers: tuple[AnswerTally, ...] = ()

    def answer(self, question_id: str) -> AnswerTally:
        """The tally of one question; all zeros when nobody answered it in the period."""
        found = next((a for a in self.answers if a.question_id == question_id), None)
        return found or AnswerTally(question_id)

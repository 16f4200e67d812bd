"""What a digest shows for one questionnaire and period, as plain frozen data.

:func:`analysis.digest.compute` fills these from what storage counted; ``bot/staff`` writes
them as text and a chart. Nothing here identifies a resident: areas and effect-check answers
have their small cells merged, quotes are scrubbed and only come from approved texts.
:func:`figures_of` is the snapshot stored with each digest sent, read back as
:class:`PreviousFigures` so that the next digest can show what changed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from analysis.counts import MIN_CELL, OTHER


@dataclass(frozen=True, slots=True)
class DropOff:
    """The question where most unfinished responses stand."""

    question_id: str
    count: int  # unfinished responses whose current question this is


@dataclass(frozen=True, slots=True)
class ResponseStats:
    """Responses that count (no test runs, no replaced revisions)."""

    new: int  # started in the period
    completed_in_period: int  # finished in the period, whenever they started
    total: int  # started before the end of the period
    completed: int  # of ``total``, finished before the end of the period
    drop_off: DropOff | None  # over all unfinished responses (active, paused, expired)
    completed_on_web: int = 0  # of ``completed``, through the web door (the rest: Telegram)
    possible_duplicates: int = 0  # completed in the period; see analysis.duplicates

    @property
    def incomplete(self) -> int:
        return self.total - self.completed

    @property
    def completion_rate(self) -> float | None:
        """Finished share of all responses, 0..1; None without responses."""
        return self.completed / self.total if self.total else None


@dataclass(frozen=True, slots=True)
class Distribution:
    """Answers given in the period to one closed question (choice, multi, scale, yesno, area).

    ``counts`` has every option (area, scale value, yes/no) in questionnaire order, zeros
    included, then ids that only older versions knew. For an area question small areas are
    already merged into :data:`analysis.counts.OTHER` and areas nobody chose are left out.
    """

    question_id: str
    type: str  # a QuestionType value
    respondents: int  # answers that were not skipped
    skipped: int
    counts: tuple[tuple[str, int], ...]
    mean: float | None = None  # scale questions only
    median: float | None = None  # scale questions only
    merged: int = 0  # area questions: how many areas are in OTHER

    def count(self, key: str) -> int:
        return dict(self.counts).get(key, 0)

    def share(self, count: int) -> float:
        """A count as a share of the respondents (multi: shares add up to more than 1)."""
        return count / self.respondents if self.respondents else 0.0


@dataclass(frozen=True, slots=True)
class NumberStats:
    question_id: str
    respondents: int
    skipped: int
    mean: float | None
    median: float | None


@dataclass(frozen=True, slots=True)
class Quote:
    """A recent text answer, scrubbed of personal data. ``answer_id`` is for moderation only
    and never shown."""

    answer_id: int
    question_id: str
    text: str
    language: str | None = None  # the language the resident wrote it in; None: not known


@dataclass(frozen=True, slots=True)
class TextStats:
    """Free text given in the period. Words come from texts not rejected in moderation,
    quotes only from approved texts; ``count`` is every text, whatever its moderation."""

    question_id: str
    count: int  # text answers given in the period (skipped ones not counted)
    words: tuple[tuple[str, int], ...]  # (word, answers using it), most used first
    quotes: tuple[Quote, ...]
    pending: int = 0  # of ``count``, texts still waiting for moderation


@dataclass(frozen=True, slots=True)
class EffectStats:
    """Answers to the effect checks of one questionnaire, all checks together, given before
    the end of the period. ``counts`` has small cells merged into OTHER and is empty when
    fewer than ``min_cell`` residents answered or every cell is small (then only the totals
    are shown)."""

    total: int
    new: int  # given in the period
    counts: tuple[tuple[str, int], ...]
    merged: int = 0  # how many answers are in OTHER

    def share(self, count: int) -> float:
        return count / self.total if self.total else 0.0


@dataclass(frozen=True, slots=True)
class DimensionScore:
    dimension: str  # a Dimension value
    score: float | None  # 0..100; None when the scored questions got no answers
    answers: int  # scored answers behind the score
    uncounted: int = 0  # questions tagged with this dimension that cannot count


@dataclass(frozen=True, slots=True)
class Changes:
    """What changed since the previous digest: now minus then, only where both are known."""

    since: datetime  # when the previous digest was sent
    scale_means: Mapping[str, float] = field(default_factory=dict)  # per scale question
    dimensions: Mapping[str, float] = field(default_factory=dict)  # per scorecard dimension


@dataclass(frozen=True, slots=True)
class RankingStats:
    """Rankings given in the period to one question (:mod:`analysis.shapes`)."""

    question_id: str
    respondents: int
    skipped: int
    # (option id, mean place or None, times put first), lowest mean place first.
    options: tuple[tuple[str, float | None, int], ...]


@dataclass(frozen=True, slots=True)
class DateStats:
    """Dates given in the period to one question (:func:`analysis.shapes.date_stats`): how
    many per month or per ISO week, periods with fewer than ``min_cell`` answers merged into
    OTHER. ``periods`` is empty when fewer than ``min_cell`` answered or every period is
    small; ``earliest`` and ``latest`` are then None (they come from shown periods only)."""

    question_id: str
    respondents: int
    skipped: int
    unit: str  # "month" ("2027-03") or "week" (ISO week, "2027-W11")
    periods: tuple[tuple[str, int], ...]  # in time order, OTHER last
    earliest: date | None = None
    latest: date | None = None
    merged: int = 0  # periods in OTHER

    @property
    def busiest(self) -> tuple[str, int] | None:
        """The period chosen most often (the earliest on a tie), OTHER never."""
        shown = [(key, count) for key, count in self.periods if key != OTHER]
        return max(shown, key=lambda kc: kc[1]) if shown else None


@dataclass(frozen=True, slots=True)
class SampleStats:
    """The random sample's response (invitation codes) beside open participation."""

    sent: int  # codes made: letters sent
    used: int  # codes used
    started: int  # responses that came in with a code
    completed: int  # of them, completed
    open_completed: int  # completed responses without a code (open participation)
    # The closed questions as the sample answered them so far, questionnaire order; empty
    # while fewer than ``min_cell`` of the sample completed (too few to show apart).
    distributions: tuple[Distribution, ...] = ()

    @property
    def response_rate(self) -> float | None:
        """Completed responses of the sample per letter sent, 0..1."""
        return self.completed / self.sent if self.sent else None

    @property
    def use_rate(self) -> float | None:
        return self.used / self.sent if self.sent else None


@dataclass(frozen=True, slots=True)
class QuestionnaireDigest:
    questionnaire_id: str
    since: datetime
    until: datetime
    responses: ResponseStats
    distributions: tuple[Distribution, ...]  # closed questions, questionnaire order
    numbers: tuple[NumberStats, ...]
    texts: tuple[TextStats, ...]
    scorecard: tuple[DimensionScore, ...]
    min_cell: int = MIN_CELL
    effects: EffectStats | None = None
    changes: Changes | None = None  # None without a previous digest
    rankings: tuple[RankingStats, ...] = ()  # ranking questions, questionnaire order
    sample: SampleStats | None = None  # None: no invitation codes for this questionnaire
    dates: tuple[DateStats, ...] = ()  # date questions, questionnaire order

    def distribution(self, question_id: str) -> Distribution | None:
        return next((d for d in self.distributions if d.question_id == question_id), None)

    @property
    def answered(self) -> int:
        """Answers (not skipped) to closed questions in the period."""
        return sum(d.respondents for d in self.distributions)

    @property
    def quiet(self) -> bool:
        """Nothing happened in the period: no response started or finished, no question
        answered or skipped, no effect check answered."""
        stats = self.responses
        return not (
            stats.new
            or stats.completed_in_period
            or any(d.respondents or d.skipped for d in self.distributions)
            or any(n.respondents or n.skipped for n in self.numbers)
            or any(t.count for t in self.texts)
            or any(r.respondents or r.skipped for r in self.rankings)
            or any(d.respondents or d.skipped for d in self.dates)
            or (self.effects is not None and self.effects.new)
        )


# --- The snapshot stored with a digest sent ---------------------------------------------------


@dataclass(frozen=True, slots=True)
class PreviousFigures:
    """What the previous digest showed for a questionnaire, to show the change since."""

    sent_at: datetime
    new: int | None
    total: int | None
    scale_means: Mapping[str, float]
    dimensions: Mapping[str, float]

    @classmethod
    def from_figures(cls, sent_at: datetime, figures: Mapping[str, Any]) -> PreviousFigures:
        """Read a stored snapshot leniently: unknown or malformed entries are ignored."""

        def numbers(value: object) -> dict[str, float]:
            if not isinstance(value, Mapping):
                return {}
            return {
                str(k): float(v)
                for k, v in value.items()
                if isinstance(v, int | float) and not isinstance(v, bool)
            }

        def whole(value: object) -> int | None:
            return value if isinstance(value, int) and not isinstance(value, bool) else None

        return cls(
            sent_at=sent_at,
            new=whole(figures.get("new")),
            total=whole(figures.get("total")),
            scale_means=numbers(figures.get("scale_means")),
            dimensions=numbers(figures.get("dimensions")),
        )


def figures_of(digest: QuestionnaireDigest) -> dict[str, Any]:
    """The snapshot stored with a digest so the next one can show what changed."""
    return {
        "new": digest.responses.new,
        "total": digest.responses.total,
        "scale_means": {
            d.question_id: round(d.mean, 4) for d in digest.distributions if d.mean is not None
        },
        "dimensions": {
            s.dimension: round(s.score, 4) for s in digest.scorecard if s.score is not None
        },
    }

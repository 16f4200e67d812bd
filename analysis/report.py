"""The report of one questionnaire and period, as plain frozen data: one model, three outputs.

:func:`analysis.report_build.build_report` fills a :class:`Report` from the same figures as
the digest (:func:`analysis.digest.compute` over :func:`storage.digest.gather`), and
``bot/staff`` writes it as an editable Word file and as a public web page. Nothing here
identifies a resident: the small-cell rule (``min_cell``, at least 5 by default) is applied
before anything is put in the model, quotes are scrubbed and only come from texts an
administrator approved, and what only staff may read is kept apart in :class:`InternalNotes`
(:meth:`Report.public` drops it).

Two sections wait for features that are built elsewhere: :class:`Representativeness`
(response against the population, weighted results) and :class:`OpinionGroups` (opinion
groups and common ground in a deliberation). Each is an optional field of :class:`Report`:
filling it is one function that returns its dataclass, passed to ``build_report``; every
output already writes the section when it is there and says plainly that it is not
available when it is not.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Literal

from analysis.figures import SampleStats

Level = Literal["empty", "suppressed", "full"]


@dataclass(frozen=True, slots=True)
class Bilingual:
    """A text in Dutch and English (English falls back to Dutch where a questionnaire has
    no translation)."""

    nl: str
    en: str

    def of(self, language: str) -> str:
        return self.en if language == "en" else self.nl


# --- What storage gathers besides the digest's tallies ----------------------------------------


@dataclass(frozen=True, slots=True)
class Invitations:
    """Invitations sent for the questionnaire through the bot (broadcasts)."""

    broadcasts: int = 0
    recipients: int = 0


@dataclass(frozen=True, slots=True)
class OutcomeNote:
    """What the municipality told participants it did with the results."""

    status: str  # flows.outcomes.STATUSES
    at: datetime
    message_nl: str
    message_en: str | None


@dataclass(frozen=True, slots=True)
class TrendPoint:
    """The scorecard of one scheduled or closing digest: the score per dimension of its
    period."""

    at: datetime
    scores: tuple[tuple[str, float], ...]


# --- The sections ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Method:
    """How and when residents were asked, and how many took part."""

    since: datetime
    until: datetime
    opens_at: datetime | None
    closes_at: datetime | None
    first_answer: datetime | None
    last_answer: datetime | None
    started: int  # responses that count (no tests, no replaced revisions)
    completed: int
    questions: int
    closed_questions: int
    invitations: Invitations
    min_cell: int
    # A random sample of addresses got letters with invitation codes (None: no codes).
    sample: SampleStats | None = None
    completed_on_web: int = 0  # of ``completed``, through the web door (the rest: Telegram)

    @property
    def completion_rate(self) -> float | None:
        return self.completed / self.started if self.started else None


@dataclass(frozen=True, slots=True)
class Row:
    """One answer option: its label, how often it was given and its share of respondents."""

    key: str
    label: Bilingual
    count: int
    share: float


@dataclass(frozen=True, slots=True)
class QuestionResult:
    """The answers to one closed question. ``suppressed``: fewer than ``min_cell``
    respondents, so no breakdown (``rows`` is empty and the count is not shown)."""

    question_id: str
    position: int  # 1-based, in questionnaire order
    name: Bilingual
    type: str
    respondents: int
    skipped: int
    rows: tuple[Row, ...]
    suppressed: bool = False
    mean: float | None = None
    median: float | None = None
    merged: int = 0  # areas in "overig"
    multi: bool = False  # shares add up to more than 100%

    @property
    def top(self) -> Row | None:
        """The answer given most often (the first on a tie)."""
        shown = [r for r in self.rows if r.count > 0]
        return max(shown, key=lambda r: r.count) if shown else None


@dataclass(frozen=True, slots=True)
class RankedOption:
    """One option of a ranking: its mean place (1 is first; None: nobody placed it) and
    how often it was put first, as a share of the respondents too."""

    key: str
    label: Bilingual
    mean_place: float | None
    first: int
    first_share: float


@dataclass(frozen=True, slots=True)
class RankingResult:
    """A ranking question as the digest figures it (:func:`analysis.shapes.ranking_stats`):
    options by mean place, best first; none when fewer than ``min_cell`` answered it."""

    question_id: str
    position: int
    name: Bilingual
    respondents: int
    skipped: int
    suppressed: bool
    options: tuple[RankedOption, ...]


@dataclass(frozen=True, slots=True)
class ScaleScore:
    """A scale reported as a rapportcijfer (``grade``: its mean) or, 0-10, as a Net
    Promoter Score (``nps``: -100..100, with its three groups as ``rows``)."""

    question_id: str
    kind: Literal["grade", "nps"]
    value: float
    rows: tuple[Row, ...] = ()


@dataclass(frozen=True, slots=True)
class GridResult:
    """The statements of one grid (several statements on one scale) together: one table,
    one stacked chart. ``statements`` are their results (suppressed ones included)."""

    grid: str
    position: int  # of the first statement
    name: Bilingual
    options: tuple[tuple[str, Bilingual], ...]  # the shared scale, in order
    statements: tuple[QuestionResult, ...]


@dataclass(frozen=True, slots=True)
class NumberResult:
    question_id: str
    position: int
    name: Bilingual
    respondents: int
    suppressed: bool
    mean: float | None
    median: float | None


@dataclass(frozen=True, slots=True)
class Quoted:
    """A resident's words as they wrote them (scrubbed, approved), with the language they
    wrote in (None: not known). Shown as written, marked with the language when it is not
    the report's (:func:`analysis.labels.written_in`)."""

    text: str
    language: str | None = None


@dataclass(frozen=True, slots=True)
class TextResult:
    """Free text: words many answers use and quotes (scrubbed, approved in moderation)."""

    question_id: str
    position: int
    name: Bilingual
    count: int
    suppressed: bool
    words: tuple[tuple[str, int], ...]
    quotes: tuple[Quoted, ...]


@dataclass(frozen=True, slots=True)
class ScoreLine:
    """One dimension of the public-value scorecard (0-100)."""

    dimension: str
    label: Bilingual
    score: float | None
    answers: int
    uncounted: int
    tagged: int


@dataclass(frozen=True, slots=True)
class OutcomeEntry:
    status: str
    status_label: Bilingual
    at: datetime
    message: Bilingual


@dataclass(frozen=True, slots=True)
class EffectResult:
    """Answers to "Merk je iets van deze verandering?"; ``rows`` empty when too few to split."""

    total: int
    rows: tuple[Row, ...]


@dataclass(frozen=True, slots=True)
class RepresentativenessRow:
    """One group (a wijk, an age band): its share of respondents and of the population.
    ``sample_share`` and ``respondents`` are None for 1 to ``min_cell - 1`` respondents (not
    shown on their own, as in digests)."""

    variable: Bilingual
    group: Bilingual
    sample_share: float | None
    population_share: float
    respondents: int | None = None
    inhabitants: int | None = None
    per_1000: float | None = None  # respondents per 1,000 inhabitants
    status: Bilingual | None = None  # "ondervertegenwoordigd", "geen reacties"...


@dataclass(frozen=True, slots=True)
class WeightedShare:
    """One answer of a closed question: unweighted and weighted share (0..1) and the 95%
    margin of the weighted one (None when it cannot be given)."""

    label: Bilingual
    unweighted: float
    weighted: float
    margin: float | None


@dataclass(frozen=True, slots=True)
class WeightedResult:
    question_id: str
    position: int
    name: Bilingual
    answered: int  # respondents with wijk and age band known who answered it
    shares: tuple[WeightedShare, ...]


@dataclass(frozen=True, slots=True)
class ChartBar:
    """One wijk in the chart of respondents against the population (shares 0..1;
    ``respondents`` None: fewer than ``min_cell``, no bar)."""

    label: Bilingual
    respondents: float | None
    population: float


@dataclass(frozen=True, slots=True)
class Representativeness:
    """Response against the population, the one-line verdict, what could not be weighted
    and the weighted results (:func:`analysis.report_heard.representativeness`)."""

    rows: tuple[RepresentativenessRow, ...]
    weighted: bool
    note: Bilingual
    margin: float | None = None  # the largest margin of error of the weighted results, 0..1
    verdict: Bilingual | None = None
    empty: tuple[Bilingual, ...] = ()  # strata with inhabitants and no respondents
    notes: tuple[Bilingual, ...] = ()  # about the weighting: not weighted, trimmed...
    results: tuple[WeightedResult, ...] = ()
    respondents: int = 0  # with wijk and age band known
    n_eff: float | None = None  # their effective number after weighting
    chart: tuple[ChartBar, ...] = ()


@dataclass(frozen=True, slots=True)
class SampleResults:
    """The random sample's own results, shown before open participation (as the
    Burgerpeiling does; :func:`analysis.report_sample.sample_results`): how it answered the
    closed questions (empty while fewer than ``min_cell`` of it completed) and, where a
    population is loaded and enough of the sample is known by wijk and age band, its shares
    weighted to the population. ``note`` says plainly which it is, and why."""

    stats: SampleStats
    questions: tuple[QuestionResult, ...]
    weighted: tuple[WeightedResult, ...]
    note: Bilingual
    respondents: int = 0  # of the sample, with wijk and age band known (weighted)
    n_eff: float | None = None  # their effective number after weighting


@dataclass(frozen=True, slots=True)
class OpinionGroup:
    label: Bilingual
    size: int
    statements: tuple[Bilingual, ...]  # what sets this group apart


@dataclass(frozen=True, slots=True)
class OpinionGroups:
    """Opinion groups and common ground of a deliberation (filled by that feature)."""

    groups: tuple[OpinionGroup, ...]
    common_ground: tuple[Bilingual, ...]
    note: Bilingual


@dataclass(frozen=True, slots=True)
class InternalNotes:
    """What staff may read and the public page leaves out."""

    pending_moderation: int
    drop_off: Bilingual | None  # the question where most unfinished responses stop
    incomplete: int


@dataclass(frozen=True, slots=True)
class Report:
    questionnaire_id: str
    title: Bilingual
    theme: Bilingual
    intro: Bilingual
    municipality: str
    generated_at: datetime
    level: Level  # empty: nobody answered; suppressed: fewer than min_cell responded
    method: Method
    summary: tuple[Bilingual, ...]
    questions: tuple[QuestionResult, ...]
    numbers: tuple[NumberResult, ...]
    texts: tuple[TextResult, ...]
    scorecard: tuple[ScoreLine, ...]
    trend: tuple[TrendPoint, ...]
    outcomes: tuple[OutcomeEntry, ...]
    effects: EffectResult | None
    internal: InternalNotes | None
    representativeness: Representativeness | None = None
    opinion_groups: OpinionGroups | None = None
    sample: SampleResults | None = None  # the random sample's results, shown first
    # A deliberation's report has no questions: its results are the opinion groups.
    kind: Literal["questionnaire", "deliberation"] = "questionnaire"
    # The shapes a distribution does not show (analysis.report_shapes).
    rankings: tuple[RankingResult, ...] = ()
    scores: tuple[ScaleScore, ...] = ()  # per scale reported as rapportcijfer or NPS
    grids: tuple[GridResult, ...] = ()

    def score(self, question_id: str) -> ScaleScore | None:
        return next((s for s in self.scores if s.question_id == question_id), None)

    def grid_of(self, question_id: str) -> GridResult | None:
        """The grid this statement belongs to."""
        return next(
            (g for g in self.grids if any(q.question_id == question_id for q in g.statements)),
            None,
        )

    @property
    def min_cell(self) -> int:
        return self.method.min_cell

    def public(self) -> Report:
        """The same report without what only staff read."""
        return replace(self, internal=None)

    def shown(self) -> tuple[QuestionResult, ...]:
        """Closed questions with a breakdown."""
        return tuple(q for q in self.questions if not q.suppressed and q.rows)

"""The figures of a digest, computed from what storage counted: numbers in, numbers out.

:func:`compute` is the one step between :func:`storage.digest.gather` (SQL aggregates, as
:class:`~analysis.tallies.Tallies`) and the text and chart of ``bot/staff``: distributions
with small cells merged, means and medians, the public-value scorecard, top words and
quotes from scrubbed texts, where unfinished responses stop, effect checks, and the change
since the previous digest. No Telegram, no database.

Quotes and top words come only from texts an administrator approved (``/moderatie``); texts
waiting for moderation or rejected still count in the numbers, and the digest says how many
wait.
Answers to effect checks ("Merk je iets van deze verandering?") get the small-cell rule of
areas.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace

from analysis.counts import (
    MIN_CELL,
    OTHER,
    clamp_min_cell,
    mean_from_counts,
    median_from_counts,
    suppress_small_cells,
)
from analysis.figures import (
    Changes,
    Distribution,
    DropOff,
    EffectStats,
    NumberStats,
    PreviousFigures,
    QuestionnaireDigest,
    ResponseStats,
    SampleStats,
    TextStats,
)
from analysis.scorecard import scorecard
from analysis.scrub import scrub
from analysis.shapes import date_stats, ranking_stats
from analysis.tallies import AnswerTally, NumberSummary, ResponseTally, Tallies, TextSample
from analysis.words import QUOTES, TOP_WORDS, pick_quotes, top_words
from flows.outcomes import EFFECT_VALUES
from flows.schema import (
    CLOSED_TYPES,
    AnyQuestion,
    AreaQuestion,
    ChoiceQuestion,
    DateQuestion,
    MultiQuestion,
    NumberQuestion,
    Questionnaire,
    RankingQuestion,
    ScaleQuestion,
    TextQuestion,
    YesNoQuestion,
)


def compute(
    tallies: Tallies,
    questionnaire: Questionnaire,
    *,
    min_cell: int = MIN_CELL,
    top: int = TOP_WORDS,
    quotes: int = QUOTES,
) -> QuestionnaireDigest:
    """The figures of one questionnaire's digest from its tallies.

    ``questionnaire`` (normally the current version) gives question types, options and
    scale ranges; values only older versions knew are shown after the known ones and not
    scored. Areas and effect-check answers with fewer than ``min_cell`` (never below 3)
    are merged into :data:`~analysis.counts.OTHER`. At most ``top`` words and ``quotes``
    quotes per free-text question.
    """
    min_cell = clamp_min_cell(min_cell)
    questions = questionnaire.questions
    distributions = tuple(
        distribution(q, tallies.answer(q.id), min_cell)
        for q in questions
        if q.type in CLOSED_TYPES
    )
    summaries = {n.question_id: n for n in tallies.numbers}
    numbers = tuple(
        number_stats(tallies.answer(q.id), summaries.get(q.id))
        for q in questions
        if isinstance(q, NumberQuestion)
    )
    samples = {s.question_id: s for s in tallies.texts}
    texts = tuple(
        text_stats(tallies.answer(q.id), samples.get(q.id) or TextSample(q.id, ()), top, quotes)
        for q in questions
        if isinstance(q, TextQuestion)
    )
    digest = QuestionnaireDigest(
        questionnaire_id=tallies.questionnaire_id,
        since=tallies.since,
        until=tallies.until,
        responses=response_stats(tallies.responses),
        distributions=distributions,
        numbers=numbers,
        texts=texts,
        scorecard=scorecard(questionnaire, distributions, numbers),
        min_cell=min_cell,
        effects=effect_stats(tallies.effects.counts, tallies.effects.new, min_cell),
        rankings=tuple(
            ranking_stats(q, (a := tallies.answer(q.id)).answered, a.skipped, a.values)
            for q in questions
            if isinstance(q, RankingQuestion)
        ),
        sample=sample_stats(tallies, questionnaire, min_cell),
        dates=tuple(
            date_stats(q.id, (a := tallies.answer(q.id)).answered, a.skipped, a.values, min_cell)
            for q in questions
            if isinstance(q, DateQuestion)
        ),
    )
    if tallies.previous is None:
        return digest
    return replace(digest, changes=changes(digest, tallies.previous))


# --- Responses --------------------------------------------------------------------------------


def sample_stats(
    tallies: Tallies, questionnaire: Questionnaire | None = None, min_cell: int = MIN_CELL
) -> SampleStats | None:
    """The sample's response beside open participation, and (with ``questionnaire``) its
    answers to the closed questions so far; None without invitation codes."""
    sample = tallies.sample
    if sample is None:
        return None
    open_completed = max(0, tallies.responses.completed - sample.completed)
    distributions: tuple[Distribution, ...] = ()
    if questionnaire is not None and sample.completed >= clamp_min_cell(min_cell):
        given = {a.question_id: a for a in tallies.sample_answers}
        distributions = tuple(
            distribution(q, given.get(q.id) or AnswerTally(q.id), min_cell)
            for q in questionnaire.questions
            if q.type in CLOSED_TYPES
        )
    return SampleStats(
        sample.sent, sample.used, sample.started, sample.completed, open_completed, distributions
    )


def response_stats(tally: ResponseTally) -> ResponseStats:
    """Response counts, and the question where most unfinished responses stand (on a tie
    the first question id in alphabetical order)."""
    drop_off = None
    if tally.unfinished:
        question_id, count = min(tally.unfinished, key=lambda qc: (-qc[1], qc[0]))
        drop_off = DropOff(question_id, count)
    return ResponseStats(
        tally.new,
        tally.completed_in_period,
        tally.total,
        tally.completed,
        drop_off,
        tally.completed_on_web,
        tally.possible_duplicates,
    )


# --- Closed questions -------------------------------------------------------------------------


def distribution(question: AnyQuestion, tally: AnswerTally, min_cell: int) -> Distribution:
    """The answers to a closed question: every known value in questionnaire order (zeros
    included), then values only older versions had; areas with small cells merged; scale
    questions with mean and median within the current range."""
    ordered = _ordered(_keys(question), tally.values)
    if isinstance(question, AreaQuestion):
        cells, merged = suppress_small_cells(ordered, min_cell)
        return Distribution(
            question.id, question.type, tally.answered, tally.skipped, cells, merged=merged
        )
    mean = median = None
    if isinstance(question, ScaleQuestion):
        # Within the current range only, as the scorecard (older versions may differ); a
        # typed 7,5 (``decimals``) in its place between 7 and 8.
        on_scale = {k: v for k, _ in ordered if (v := _on_scale(question, k)) is not None}
        ordered = tuple(
            sorted((kc for kc in ordered if kc[0] in on_scale), key=lambda kc: on_scale[kc[0]])
            + [kc for kc in ordered if kc[0] not in on_scale]
        )
        values = [(on_scale[k], c) for k, c in ordered if k in on_scale]
        mean, median = mean_from_counts(values), median_from_counts(values)
    return Distribution(
        question.id, question.type, tally.answered, tally.skipped, ordered, mean, median
    )


def _keys(question: AnyQuestion) -> list[str]:
    """The values a closed question knows, in questionnaire order."""
    if isinstance(question, ChoiceQuestion | MultiQuestion):
        return [o.id for o in question.options]
    if isinstance(question, AreaQuestion):
        return [a.id for a in question.areas]
    if isinstance(question, YesNoQuestion):
        return ["yes", "no"]
    if isinstance(question, ScaleQuestion):
        return [str(v) for v in range(question.min, question.max + 1)]
    return []


def _on_scale(question: ScaleQuestion, key: str) -> float | None:
    """A scale answer's key as its number, when it lies within the current range."""
    try:
        number = float(key)
    except ValueError:
        return None
    return number if question.min <= number <= question.max else None


def _ordered(known: list[str], found: Iterable[tuple[str, int]]) -> tuple[tuple[str, int], ...]:
    """Every known key in order (zeros included), then keys only older versions had."""
    counts = dict(found)
    extra = sorted(k for k in counts if k not in set(known))
    return tuple((k, counts.get(k, 0)) for k in [*known, *extra])


# --- Numbers ----------------------------------------------------------------------------------


def number_stats(tally: AnswerTally, summary: NumberSummary | None) -> NumberStats:
    """Mean and median of a number question: from its counts per value, or the database's
    when it had too many values to count each (``summary``)."""
    if summary is not None:
        mean, median = summary.mean, summary.median
    else:
        values = [(v, c) for k, c in tally.values if (v := _float(k)) is not None]
        mean, median = mean_from_counts(values), median_from_counts(values)
    return NumberStats(tally.question_id, tally.answered, tally.skipped, mean, median)


def _float(key: str) -> float | None:
    try:
        return float(key)
    except ValueError:
        return None


# --- Free text --------------------------------------------------------------------------------


def text_stats(
    tally: AnswerTally, sample: TextSample, top: int = TOP_WORDS, quotes: int = QUOTES
) -> TextStats:
    """Words and quotes from the texts moderation allows to be shown: the approved ones in
    the sample (or, when the sample has too few, the newest approved texts of the period),
    all scrubbed. Texts that wait or were rejected count in the numbers only: a word from an
    unjudged text could be a name or an insult."""
    approved = [(t.answer_id, t.text) for t in sample.recent if t.approved]
    if sample.approved is not None and len(sample.approved) > len(approved):
        approved = list(sample.approved)
    picked = pick_quotes(approved, tally.question_id, quotes, sample.languages)
    return TextStats(
        tally.question_id,
        tally.answered,
        top_words((scrub(text) for _, text in approved), top),
        picked,
        tally.pending,
    )


# --- Effect checks ----------------------------------------------------------------------------


def effect_stats(
    found: Mapping[str, int], new: int, min_cell: int = MIN_CELL
) -> EffectStats | None:
    """Effect-check figures from the count per answer value; None without answers.

    Known values come in :data:`flows.outcomes.EFFECT_VALUES` order, unknown ones after
    them. The small-cell rule of areas applies: no breakdown below ``min_cell`` answers in
    all, and values given fewer than ``min_cell`` times are merged into OTHER.
    """
    ordered = [(key, found.get(key, 0)) for key in EFFECT_VALUES]
    ordered += sorted((key, count) for key, count in found.items() if key not in EFFECT_VALUES)
    total = sum(count for _, count in ordered)
    if total == 0:
        return None
    if total < clamp_min_cell(min_cell):
        return EffectStats(total, new, ())
    cells, merged = suppress_small_cells(ordered, min_cell)
    if all(key == OTHER for key, _ in cells):
        return EffectStats(total, new, ())  # everything merged: a breakdown of one cell
    return EffectStats(total, new, cells, merged)


# --- Since the previous digest ----------------------------------------------------------------


def changes(digest: QuestionnaireDigest, previous: PreviousFigures) -> Changes:
    """What changed since ``previous``: per scale mean and scorecard dimension, now minus
    then (only where both are known). Responses are not compared: the digest's period says
    what is new, once (a digest on demand and the one before it may cover the same period)."""
    return Changes(
        since=previous.sent_at,
        scale_means={
            d.question_id: d.mean - previous.scale_means[d.question_id]
            for d in digest.distributions
            if d.mean is not None and d.question_id in previous.scale_means
        },
        dimensions={
            s.dimension: s.score - previous.dimensions[s.dimension]
            for s in digest.scorecard
            if s.score is not None and s.dimension in previous.dimensions
        },
    )

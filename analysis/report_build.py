"""A :class:`~analysis.report.Report` from what storage gathered: the digest's figures, put
in order, suppressed where small, labelled in Dutch and English, with a short summary.

The figures are :func:`analysis.digest.compute`'s, over the whole period asked for (by
default the questionnaire's whole life), so a report and a digest of the same period agree.
On top of the digest's own rules (areas and effect-check answers merged below
``min_cell``, quotes only approved and scrubbed) a report shows no breakdown at all for a
question fewer than ``min_cell`` residents answered, and nothing per question when fewer
than ``min_cell`` residents took part.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from analysis import labels
from analysis.counts import clamp_min_cell
from analysis.digest import compute, sample_stats
from analysis.figures import Distribution, EffectStats, QuestionnaireDigest, SampleStats
from analysis.names import question_names, shorten
from analysis.report import (
    Bilingual,
    EffectResult,
    InternalNotes,
    Invitations,
    Level,
    Method,
    NumberResult,
    OpinionGroups,
    OutcomeEntry,
    OutcomeNote,
    QuestionResult,
    Quoted,
    Report,
    Representativeness,
    Row,
    SampleResults,
    ScoreLine,
    TextResult,
    TrendPoint,
)
from analysis.report_shapes import with_shapes
from analysis.tallies import Tallies
from flows.piping import REFERENCE
from flows.schema import (
    CLOSED_TYPES,
    AnyQuestion,
    DateQuestion,
    MultiQuestion,
    NumberQuestion,
    Questionnaire,
    TextQuestion,
)
from flows.texts.formats import number, percent

SUMMARY_QUESTIONS = 4  # closed questions named in the one-page summary
SUMMARY_NAME = 90  # characters of a question's name in the summary


@dataclass(frozen=True, slots=True)
class ReportInputs:
    """Everything storage reads for a report (:func:`storage.report.gather_report`)."""

    tallies: Tallies
    invitations: Invitations
    outcomes: tuple[OutcomeNote, ...]
    trend: tuple[TrendPoint, ...]
    first_answer: datetime | None
    last_answer: datetime | None


def question_labels(questionnaire: Questionnaire) -> dict[str, Bilingual]:
    """Per question its name in both languages (a label is the author's, in Dutch); an
    earlier answer piped into the text (``{answer:wijk}``) reads ``[wijk]``: each resident
    saw their own."""
    dutch = question_names(questionnaire.questions)
    return {
        q.id: Bilingual(unpiped(dutch[q.id]), unpiped(q.label or " ".join(q.text.en.split())))
        for q in questionnaire.questions
    }


def unpiped(text: str) -> str:
    """``Zijn er in {answer:wijk} genoeg plekken?``: ``Zijn er in [wijk] genoeg plekken?``."""
    return REFERENCE.sub(lambda found: f"[{found[1]}]", text)


def option_rows(question: AnyQuestion, found: Distribution) -> tuple[Row, ...]:
    return tuple(
        Row(
            key,
            Bilingual(
                labels.option_label(question, key, found.merged, "nl"),
                labels.option_label(question, key, found.merged, "en"),
            ),
            count,
            found.share(count),
        )
        for key, count in found.counts
    )


def effect_result(stats: EffectStats | None) -> EffectResult | None:
    """The effect checks' answers as the digest counted them (small cells merged)."""
    if stats is None:
        return None
    return EffectResult(
        stats.total,
        tuple(
            Row(
                key,
                Bilingual(labels.effect_label(key, "nl"), labels.effect_label(key, "en")),
                count,
                stats.share(count),
            )
            for key, count in stats.counts
        ),
    )


def outcome_entries(notes: Sequence[OutcomeNote]) -> tuple[OutcomeEntry, ...]:
    """What the municipality told participants, newest first as stored, in both languages."""
    return tuple(
        OutcomeEntry(
            o.status,
            Bilingual(labels.status_label(o.status, "nl"), labels.status_label(o.status, "en")),
            o.at,
            Bilingual(o.message_nl, o.message_en or o.message_nl),
        )
        for o in notes
    )


def build_report(
    inputs: ReportInputs,
    questionnaire: Questionnaire,
    *,
    municipality: str,
    generated_at: datetime,
    min_cell: int,
    representativeness: Representativeness | None = None,
    opinion_groups: OpinionGroups | None = None,
    sample: SampleResults | None = None,
) -> Report:
    """The report of ``questionnaire`` (its current version) over the gathered period."""
    limit = clamp_min_cell(min_cell)
    tallies = inputs.tallies
    digest = compute(tallies, questionnaire, min_cell=limit)
    stats = digest.responses
    level: Level = "empty" if stats.total == 0 else "suppressed" if stats.total < limit else "full"
    hidden = level != "full"
    names = question_labels(questionnaire)
    positions = {q.id: i for i, q in enumerate(questionnaire.questions, start=1)}

    questions = []
    for question in questionnaire.questions:
        found = digest.distribution(question.id)
        if question.type not in CLOSED_TYPES or found is None:
            continue
        small = hidden or found.respondents < limit
        questions.append(
            QuestionResult(
                question.id,
                positions[question.id],
                names[question.id],
                question.type.value,
                found.respondents,
                found.skipped,
                () if small else option_rows(question, found),
                suppressed=small,
                mean=None if small else found.mean,
                median=None if small else found.median,
                merged=found.merged,
                multi=isinstance(question, MultiQuestion),
            )
        )
    questions += date_results(digest, questionnaire, names, positions, hidden, limit)
    questions.sort(key=lambda r: r.position)
    numbers = tuple(
        NumberResult(
            n.question_id,
            positions[n.question_id],
            names[n.question_id],
            n.respondents,
            small := hidden or n.respondents < limit,
            None if small else n.mean,
            None if small else n.median,
        )
        for n in digest.numbers
        if isinstance(questionnaire.question(n.question_id), NumberQuestion)
    )
    texts = tuple(
        TextResult(
            t.question_id,
            positions[t.question_id],
            names[t.question_id],
            t.count,
            small := hidden or t.count < limit,
            () if small else t.words,
            () if small else tuple(Quoted(q.text, q.language) for q in t.quotes),
        )
        for t in digest.texts
        if isinstance(questionnaire.question(t.question_id), TextQuestion)
    )
    scorecard = () if hidden else _scorecard(digest, questionnaire)
    effects = effect_result(digest.effects)
    outcomes = outcome_entries(inputs.outcomes)
    drop = stats.drop_off
    internal = InternalNotes(
        pending_moderation=sum(t.pending for t in digest.texts),
        drop_off=names.get(drop.question_id) if drop is not None and not hidden else None,
        incomplete=stats.incomplete,
    )
    method = Method(
        since=tallies.since,
        until=tallies.until,
        opens_at=questionnaire.opens_at,
        closes_at=questionnaire.closes_at,
        first_answer=inputs.first_answer,
        last_answer=inputs.last_answer,
        started=stats.total,
        completed=stats.completed,
        questions=len(questionnaire.questions),
        closed_questions=sum(1 for q in questionnaire.questions if q.type in CLOSED_TYPES),
        invitations=inputs.invitations,
        min_cell=limit,
        sample=sample_stats(tallies),
        completed_on_web=stats.completed_on_web,
    )
    report = Report(
        questionnaire_id=questionnaire.id,
        title=Bilingual(questionnaire.title.nl, questionnaire.title.en),
        theme=Bilingual(questionnaire.theme.nl, questionnaire.theme.en),
        intro=Bilingual(questionnaire.intro.nl, questionnaire.intro.en),
        municipality=municipality,
        generated_at=generated_at,
        level=level,
        method=method,
        summary=(),
        questions=tuple(questions),
        numbers=numbers,
        texts=texts,
        scorecard=scorecard,
        trend=() if hidden else inputs.trend,
        outcomes=outcomes,
        effects=effects,
        internal=internal,
        representativeness=representativeness,
        opinion_groups=opinion_groups,
        sample=sample,
    )
    return _with_summary(with_shapes(report, digest, questionnaire, names, limit=limit))


def date_results(
    digest: QuestionnaireDigest,
    questionnaire: Questionnaire,
    names: dict[str, Bilingual],
    positions: dict[str, int],
    hidden: bool,
    limit: int,
) -> list[QuestionResult]:
    """Date questions as results per month or week (:func:`analysis.shapes.date_stats`):
    no breakdown below ``limit`` answers, small periods together under ‘Overig’."""
    results = []
    for stats in digest.dates:
        question = questionnaire.question(stats.question_id)
        if not isinstance(question, DateQuestion):
            continue
        small = hidden or stats.respondents < limit or not stats.periods
        found = Distribution(
            stats.question_id, stats.unit, stats.respondents, stats.skipped, stats.periods
        )
        results.append(
            QuestionResult(
                question.id,
                positions[question.id],
                names[question.id],
                question.type.value,
                stats.respondents,
                stats.skipped,
                () if small else option_rows(question, found),
                suppressed=small,
            )
        )
    return results


def _scorecard(digest: QuestionnaireDigest, questionnaire: Questionnaire) -> tuple[ScoreLine, ...]:
    return tuple(
        ScoreLine(
            s.dimension,
            Bilingual(
                labels.dimension_label(s.dimension, "nl"),
                labels.dimension_label(s.dimension, "en"),
            ),
            s.score,
            s.answers,
            s.uncounted,
            sum(
                1
                for q in questionnaire.questions
                if q.dimension is not None and q.dimension.value == s.dimension
            ),
        )
        for s in digest.scorecard
    )


# --- The one-page summary, in plain words (B1) -------------------------------------------------


def _count_en(value: int) -> str:
    return f"{value:,}"


def _with_summary(report: Report) -> Report:
    return replace(report, summary=tuple(summary(report)))


def summary(report: Report) -> list[Bilingual]:
    """Short sentences: who took part, the clearest answers, the scorecard, what was done."""
    method, k = report.method, report.min_cell
    if report.level == "empty":
        return [
            Bilingual(
                "Er zijn nog geen antwoorden. Daarom staan er nog geen uitkomsten in dit rapport.",
                "There are no answers yet, so this report has no results yet.",
            )
        ]
    if report.level == "suppressed":
        return [
            Bilingual(
                f"Er deden {number(method.started)} inwoners mee. Dat is minder dan {k}. "
                "Daarom laten we geen uitkomsten zien: anders kun je misschien zien wie wat "
                "heeft geantwoord.",
                f"{_count_en(method.started)} residents took part. That is fewer than {k}, so "
                "we show no results: otherwise someone's answers might be recognised.",
            )
        ]
    lines = [] if report.sample is None else [_sample_line(report.sample.stats)]
    lines += [
        Bilingual(
            f"{number(method.started)} inwoners deden mee. {number(method.completed)} van hen "
            "vulden de hele vragenlijst in.",
            f"{_count_en(method.started)} residents took part. {_count_en(method.completed)} "
            "of them answered every question.",
        )
    ]
    for result in _clearest(report.shown(), SUMMARY_QUESTIONS):
        top = result.top
        assert top is not None
        nl, en = shorten(result.name.nl, SUMMARY_NAME), shorten(result.name.en, SUMMARY_NAME)
        lines.append(
            Bilingual(
                f"Bij ‘{nl}’ kozen de meeste mensen ‘{top.label.nl}’ ({percent(top.share)}).",
                f"Asked ‘{en}’, most people chose ‘{top.label.en}’ ({percent(top.share)}).",
            )
        )
    scored = [s for s in report.scorecard if s.score is not None]
    if scored:
        nl = ", ".join(f"{s.label.nl.lower()} {number(s.score or 0)}" for s in scored)
        en = ", ".join(f"{s.label.en.lower()} {round(s.score or 0)}" for s in scored)
        lines.append(
            Bilingual(
                f"Publieke waarde (0 is slecht, 100 is goed): {nl}.",
                f"Public value (0 is poor, 100 is good): {en}.",
            )
        )
    lines.append(outcome_line(report.outcomes))
    return lines


def outcome_line(outcomes: Sequence[OutcomeEntry]) -> Bilingual:
    """The summary's last line: what the municipality does with it (the latest outcome)."""
    if outcomes:
        latest = outcomes[0]
        return Bilingual(
            f"Wat de gemeente ermee doet: {latest.status_label.nl}.",
            f"What the municipality does with it: {latest.status_label.en}.",
        )
    return Bilingual(
        "De gemeente heeft nog niet verteld wat ze met de uitkomsten doet.",
        "The municipality has not yet said what it does with the results.",
    )


def _sample_line(stats: SampleStats) -> Bilingual:
    """The random sample's response, first (its results lead the report)."""
    rate_nl = rate_en = ""
    if stats.response_rate is not None:
        rate_nl = rate_en = f" ({percent(stats.response_rate)})"
    return Bilingual(
        f"{number(stats.sent)} willekeurig gekozen adressen kregen een brief met een code. "
        f"{number(stats.completed)} van hen vulden de hele vragenlijst in{rate_nl}. Hun "
        "uitkomsten staan voorop.",
        f"{_count_en(stats.sent)} randomly chosen addresses got a letter with a code. "
        f"{_count_en(stats.completed)} of them answered every question{rate_en}. Their "
        "results come first.",
    )


def _clearest(results: Sequence[QuestionResult], limit: int) -> list[QuestionResult]:
    """The closed questions whose most given answer stands out most (single choice only:
    a multi question's shares do not compare), in questionnaire order."""
    single = [
        r for r in results if not r.multi and r.top is not None and r.type not in ("area", "date")
    ]
    ranked = sorted(single, key=lambda r: -(r.top.share if r.top else 0))[:limit]
    return sorted(ranked, key=lambda r: r.position)

"""The question shapes a distribution does not show, for the report: rankings (mean place
and how often first), scales reported as a rapportcijfer or a Net Promoter Score, and
grids (their statements together). Pure: the digest's own figures
(:func:`analysis.digest.compute`, :mod:`analysis.shapes`) put in the report's model, under
the report's small-cell rule; nothing is computed another way.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace

from analysis.figures import Distribution, QuestionnaireDigest
from analysis.report import (
    Bilingual,
    GridResult,
    QuestionResult,
    RankedOption,
    RankingResult,
    Report,
    Row,
    ScaleScore,
)
from analysis.shapes import DETRACTORS, PROMOTERS, nps
from flows.schema import GridQuestion, Questionnaire, RankingQuestion, ScaleQuestion


def with_shapes(
    report: Report,
    digest: QuestionnaireDigest,
    questionnaire: Questionnaire,
    names: Mapping[str, Bilingual],
    *,
    limit: int,
) -> Report:
    """``report`` with its rankings, scale scores and grids."""
    hidden = report.level != "full"
    return replace(
        report,
        rankings=rankings(digest, questionnaire, names, limit=limit, hidden=hidden),
        scores=scores(digest, questionnaire, report.questions),
        grids=grids(questionnaire, report.questions),
    )


def rankings(
    digest: QuestionnaireDigest,
    questionnaire: Questionnaire,
    names: Mapping[str, Bilingual],
    *,
    limit: int,
    hidden: bool,
) -> tuple[RankingResult, ...]:
    positions = {q.id: i for i, q in enumerate(questionnaire.questions, start=1)}
    found = []
    for ranked in digest.rankings:
        question = questionnaire.question(ranked.question_id)
        if not isinstance(question, RankingQuestion):
            continue
        small = hidden or ranked.respondents < limit
        labels = {o.id: Bilingual(o.label.nl, o.label.en) for o in question.options}
        options = tuple(
            RankedOption(
                key,
                labels.get(key, Bilingual(key, key)),
                mean,
                first,
                first / ranked.respondents if ranked.respondents else 0.0,
            )
            for key, mean, first in ranked.options
        )
        found.append(
            RankingResult(
                question.id,
                positions[question.id],
                names[question.id],
                ranked.respondents,
                ranked.skipped,
                small,
                () if small else options,
            )
        )
    return tuple(found)


def scores(
    digest: QuestionnaireDigest, questionnaire: Questionnaire, shown: Sequence[QuestionResult]
) -> tuple[ScaleScore, ...]:
    """A rapportcijfer (the scale's mean) or an NPS per scale that asks for one, as the
    digest reports it; none for a question whose answers are not shown."""
    found = []
    for result in shown:
        question = questionnaire.question(result.question_id)
        distribution = digest.distribution(result.question_id)
        if (
            result.suppressed
            or distribution is None
            or not isinstance(question, ScaleQuestion)
            or question.report is None
        ):
            continue
        if question.report == "grade" and distribution.mean is not None:
            found.append(ScaleScore(question.id, "grade", distribution.mean))
        elif question.report == "nps" and (score := nps(distribution)) is not None:
            found.append(ScaleScore(question.id, "nps", score, _nps_groups(distribution)))
    return tuple(found)


def _nps_groups(distribution: Distribution) -> tuple[Row, ...]:
    """Promoters (9-10), passives (7-8) and detractors (0-6), as :func:`analysis.shapes.nps`
    counts them."""
    counts = {"promoters": 0, "passives": 0, "detractors": 0}
    for key, count in distribution.counts:
        try:
            value = float(key)
        except ValueError:
            continue
        group = (
            "promoters"
            if value >= PROMOTERS[0]
            else "detractors"
            if value <= DETRACTORS[-1]
            else "passives"
        )
        counts[group] += count
    total = sum(counts.values())
    names = {
        "promoters": Bilingual("Aanbevelers (9–10)", "Promoters (9–10)"),
        "passives": Bilingual("Neutraal (7–8)", "Passives (7–8)"),
        "detractors": Bilingual("Criticasters (0–6)", "Detractors (0–6)"),
    }
    return tuple(
        Row(key, names[key], count, count / total if total else 0.0)
        for key, count in counts.items()
    )


def grids(
    questionnaire: Questionnaire, questions: Sequence[QuestionResult]
) -> tuple[GridResult, ...]:
    """Each grid with its statements' results, where its first statement stands."""
    results = {q.question_id: q for q in questions}
    found: dict[str, GridResult] = {}
    for question in questionnaire.questions:
        if not isinstance(question, GridQuestion) or question.id not in results:
            continue
        grid = found.get(question.grid)
        if grid is None:
            name = question.grid_label or question.stem.nl
            english = question.grid_label or question.stem.en
            grid = GridResult(
                question.grid,
                results[question.id].position,
                Bilingual(name, english),
                tuple((o.id, Bilingual(o.label.nl, o.label.en)) for o in question.options),
                (),
            )
        found[question.grid] = replace(grid, statements=(*grid.statements, results[question.id]))
    return tuple(found.values())

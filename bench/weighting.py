"""Benchmark: what weighting and representativeness add to the digest of 100,000 responses.

``python -m bench weighting`` (or ``python -m bench.weighting``). 100,000 simulated
respondents of Rivierstad (its shipped reference population, ``populations/``), skewed by
wijk and age as a real response is (the old and the centre answer more), one in seven without
a profile, answer every closed question of the Burgerpeiling (the largest shipped
questionnaire) with skewed choices. Then, timed, the steps the digest adds:

1. counting respondents per wijk x age band and per cell and option, from one code per
   respondent (``numpy.bincount``; the worst case: storage gives these counts with SQL
   ``GROUP BY`` and this step then costs nothing here);
2. raking to the population's margins (:func:`analysis.weighting.rake`);
3. weighted shares with margins for every closed question (:func:`analysis.weighting.estimate`);
4. representativeness with its verdict (:func:`analysis.representation.representation`).

Each step is the median of :data:`REPEATS` runs; the first run in a fresh process is reported
apart, with the import of statsmodels and scipy that it pays once. Target: the steps together
under 0.5 s (:data:`TARGET_S`). The time storage needs for the extra ``GROUP BY`` on SQLite
and PostgreSQL is measured with the digest (``bench/digest.py``).
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
import numpy.typing as npt

ROOT = Path(__file__).resolve().parent.parent
RESPONSES = 100_000
TARGET_S = 0.5
REPEATS = 7
SEED = 20261207
QUESTIONNAIRE = "burgerpeiling"
WITHOUT_PROFILE = 1 / 7

T = TypeVar("T")


def _timed(step: Callable[[], T]) -> tuple[T, float]:
    began = time.perf_counter()
    result = step()
    return result, time.perf_counter() - began


def main(responses: int = RESPONSES) -> dict[str, Any]:
    """Run the benchmark; the figures (seconds)."""
    began = time.perf_counter()
    import scipy.stats  # noqa: F401  (timed: what the first digest pays once)
    import statsmodels.stats.proportion  # noqa: F401

    import_s = time.perf_counter() - began

    from analysis.areas import AreaOption, map_population
    from analysis.population import parse_population
    from analysis.representation import Label, representation
    from analysis.weighting import cells, estimate, rake
    from flows.loader import load_file
    from flows.schema import (
        AreaQuestion,
        ChoiceQuestion,
        MultiQuestion,
        ScaleQuestion,
        YesNoQuestion,
    )

    questionnaire = load_file(ROOT / "questionnaires" / f"{QUESTIONNAIRE}.yaml")
    area_question = next(q for q in questionnaire.questions if isinstance(q, AreaQuestion))
    population = parse_population((ROOT / "populations" / "rivierstad-2026.csv").read_bytes())
    mapping = map_population(population, AreaOption.of(area_question))
    closed: list[tuple[str, int, bool]] = []  # question id, options, several may be ticked
    for q in questionnaire.questions:
        if isinstance(q, ChoiceQuestion | MultiQuestion):
            closed.append((q.id, len(q.options), isinstance(q, MultiQuestion)))
        elif isinstance(q, ScaleQuestion):
            closed.append((q.id, q.max - q.min + 1, False))
        elif isinstance(q, YesNoQuestion):
            closed.append((q.id, 2, False))
    areas, bands = mapping.inhabitants.shape

    rng = np.random.default_rng(SEED)
    propensity = mapping.inhabitants * np.linspace(0.5, 2.0, bands)[None, :]
    propensity[0] *= 1.6  # the centre answers more
    flat = rng.choice(areas * bands, size=responses, p=(propensity / propensity.sum()).ravel())
    area_code = flat // bands
    band_code = flat % bands
    unknown = rng.random(responses) < WITHOUT_PROFILE
    area_code[unknown] = -1
    answers = [
        (ident, k, multi, rng.choice(k, size=responses, p=_skewed(k, rng)))
        for ident, k, multi in closed
    ]

    def count() -> tuple[npt.NDArray[np.int64], list[npt.NDArray[np.int64]]]:
        known = area_code >= 0
        cell = area_code[known] * bands + band_code[known]
        chosen = [
            np.bincount(cell * k + choice[known], minlength=areas * bands * k).reshape(
                areas, bands, k
            )
            for _, k, _, choice in answers
        ]
        return cells(area_code, band_code, areas, bands), chosen

    def weigh_all(
        respondents: npt.NDArray[np.int64], chosen: list[npt.NDArray[np.int64]]
    ) -> tuple[float, float, float]:
        weights, rake_s = _timed(lambda: rake(respondents, mapping.inhabitants))
        _, estimate_s = _timed(
            lambda: [
                estimate(
                    weights,
                    x,
                    [str(i) for i in range(k)],
                    answered=respondents if multi else None,
                )
                for x, (_, k, multi, _) in zip(chosen, answers, strict=True)
            ]
        )
        _, represent_s = _timed(
            lambda: representation(
                respondents,
                mapping.inhabitants,
                Label.of(area_question),
                mapping.bands,
                unknown=int(unknown.sum()),
            )
        )
        return rake_s, estimate_s, represent_s

    runs: list[dict[str, float]] = []
    for _ in range(REPEATS + 1):
        (respondents, chosen), count_s = _timed(count)
        rake_s, estimate_s, represent_s = weigh_all(respondents, chosen)
        runs.append(
            {
                "count_s": count_s,
                "rake_s": rake_s,
                "estimate_s": estimate_s,
                "representation_s": represent_s,
                "total_s": count_s + rake_s + estimate_s + represent_s,
            }
        )
    first, warm = runs[0], runs[1:]
    median = {key: statistics.median(run[key] for run in warm) for key in first}
    results: dict[str, Any] = {
        "responses": responses,
        "questionnaire": QUESTIONNAIRE,
        "closed_questions": len(closed),
        "cells": f"{areas} wijken x {bands} age bands",
        "without_profile": int(unknown.sum()),
        "import_statsmodels_scipy_s": round(import_s, 3),
        "first_run_s": {key: round(value, 4) for key, value in first.items()},
        "median_s": {key: round(value, 4) for key, value in median.items()},
        "repeats": REPEATS,
        "target_s": TARGET_S,
        "meets_target": median["total_s"] < TARGET_S,
    }
    print(
        f"weighting + representativeness of {responses:,} responses, {len(closed)} closed "
        f"questions: {median['total_s'] * 1000:.1f} ms (count {median['count_s'] * 1000:.1f}, "
        f"rake {median['rake_s'] * 1000:.2f}, estimates {median['estimate_s'] * 1000:.1f}, "
        f"representation {median['representation_s'] * 1000:.1f}); first run "
        f"{first['total_s'] * 1000:.1f} ms after importing statsmodels and scipy in "
        f"{import_s:.2f} s; target < {TARGET_S:g} s",
        file=sys.stderr,
    )
    return results


def _skewed(k: int, rng: np.random.Generator) -> npt.NDArray[np.float64]:
    chance = rng.dirichlet(np.full(k, 0.8))
    return np.asarray(chance / chance.sum(), dtype=np.float64)


if __name__ == "__main__":
    main()

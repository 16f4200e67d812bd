"""Weighting respondents to the population by raking, and weighted shares with margins of error.

Respondents are counted per cell of wijk x age band (an array of shape ``(areas, bands)``;
SQL gives it with one ``GROUP BY``, or :func:`cells` from per-respondent codes). Everyone in
a cell gets the same weight, so weighting 100,000 responses costs what weighting 28 cells
does.

**Raking** (iterative proportional fitting) adjusts the weights in turn to the wijk margin
and to the age margin of the population until both fit, so the weighted respondents have
the population's distribution over wijken and over ages (not necessarily over every cell).
It is done here in numpy, a few lines over the cell table, rather than with a library (both
looked at in their releases on PyPI, December 2026): ``ipfn`` 1.4.4 has a numpy version over
such a table, but no trimming and no way to leave a stratum out of the targets;
``weightipy`` 0.4.2 (quantipy's rim weighting, with an ANES-style cap) weights a pandas
frame of one row per respondent (100,000 rows through pandas for every digest) and pulls in
watchdog and requests. Neither knows the rule below for small strata, which changes the
targets themselves.

The rules (:func:`rake`):

* Weights are relative: their mean over the weighted respondents is 1.
* A wijk or age band with **no respondents** cannot be weighted up from nothing: it is named
  in :attr:`Weights.not_weighted` (reason ``"empty"``) and the estimate is of the population
  without it. One with **fewer than** ``min_cell`` (5) respondents is not weighted up either
  (reason ``"few"``): its respondents keep the share they have among the respondents, and
  the other strata share the rest in the proportions of the population. A stratum the
  population has no inhabitants for (an area no wijk of the file matched) is treated the
  same way (reason ``"no_population"``).
* A **cell** (one wijk and age band) with fewer than ``min_cell`` respondents is not weighted
  up either: its weight stays at most 1 (:attr:`Weights.held` counts who would have had
  more), so a handful of people never speaks for a whole group.
* Weights are **trimmed** at ``cap`` (5) times the mean; what is cut off is spread over the
  other respondents. Every round of raking (wijk, then age) ends with trimming, until the
  weights no longer change (or ``max_iterations``): the cap always holds, the margins as
  far as the cap lets them (the ANES method of alternating raking and trimming).
  :attr:`Weights.trimmed` counts the respondents whose weight was cut and
  :attr:`Weights.margin_error` says how far the margins then are off.

**Margins of error** (:func:`estimate`) use the effective sample size after weighting
(Kish: ``n_eff = (sum w)^2 / sum w^2``): a weighted share ``p`` has a 95% margin
``1.96 * sqrt(p (1 - p) / n_eff)``, and its interval is the Wilson score interval at
``n_eff`` (``statsmodels.stats.proportion.proportion_confint``, which keeps the interval
within 0-100% for small shares). statsmodels is imported when first used: it takes seconds
to import on a busy machine and most of the bot never needs it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt

from analysis.counts import MIN_CELL

CAP = 5.0  # weights are trimmed at this many times the mean weight
Z95 = 1.959963984540054  # the standard normal quantile for 95%
Floats = npt.NDArray[np.float64]
Bool = npt.NDArray[np.bool_]
Reason = Literal["empty", "few", "no_population"]


@dataclass(frozen=True, slots=True)
class Stratum:
    """A wijk (``dimension`` "area", ``index`` into the areas) or an age band ("band")
    that is not weighted, and why."""

    dimension: Literal["area", "band"]
    index: int
    respondents: int
    reason: Reason


@dataclass(frozen=True)
class Weights:
    """The weight of a respondent in each cell of wijk x age band (0 where nobody is)."""

    cell: Floats  # shape (areas, bands); mean 1 over the respondents
    respondents: npt.NDArray[np.int64]  # the counts they were computed from
    not_weighted: tuple[Stratum, ...]
    trimmed: int  # respondents whose weight was cut at the cap
    cap: float
    converged: bool  # the margins are met (within 1e-6) after raking and trimming
    iterations: int
    margin_error: float  # largest difference of a weighted margin share from its target
    # Respondents in cells of fewer than min_cell (in strata that are weighted) whose weight
    # was held at 1.
    held: int = 0

    @property
    def n(self) -> int:
        return int(self.respondents.sum())

    @property
    def n_eff(self) -> float:
        """Kish's effective sample size of all weighted respondents."""
        return effective_size(self.respondents, self.cell)

    @property
    def design_effect(self) -> float:
        return self.n / self.n_eff if self.n_eff else float("nan")


def preload() -> None:
    """Import statsmodels and scipy now (seconds on a busy machine), e.g. in a worker thread
    at start-up, rather than in the first digest that weights."""
    import scipy.stats  # noqa: F401
    import statsmodels.stats.proportion  # noqa: F401


def cells(
    area: npt.ArrayLike, band: npt.ArrayLike, areas: int, bands: int
) -> npt.NDArray[np.int64]:
    """Respondents per cell from one area index and one band index per respondent (-1 or
    out of range: unknown, not counted)."""
    a = np.asarray(area, dtype=np.int64)
    b = np.asarray(band, dtype=np.int64)
    known = (a >= 0) & (a < areas) & (b >= 0) & (b < bands)
    flat = np.bincount(a[known] * bands + b[known], minlength=areas * bands)
    return flat.reshape(areas, bands)


@dataclass(frozen=True)
class RespondentCounts:
    """Respondents per wijk x age band, and those known in one dimension or neither."""

    cells: npt.NDArray[np.int64]  # shape (areas, bands)
    area_only: npt.NDArray[np.int64]  # per wijk: age band unknown
    band_only: npt.NDArray[np.int64]  # per band: wijk unknown
    unknown: int  # neither known (or a value the questionnaire does not know)


def respondent_counts(
    rows: Iterable[tuple[str | None, str | None, int]],
    areas: Sequence[str],
    bands: Sequence[str],
) -> RespondentCounts:
    """Counts from SQL-style rows ``(area id or None, band id or None, respondents)``, e.g.
    a ``GROUP BY`` over the profile; ids not in ``areas`` or ``bands`` count as unknown."""
    area_at = {a: i for i, a in enumerate(areas)}
    band_at = {b: i for i, b in enumerate(bands)}
    table = np.zeros((len(areas), len(bands)), dtype=np.int64)
    area_only = np.zeros(len(areas), dtype=np.int64)
    band_only = np.zeros(len(bands), dtype=np.int64)
    unknown = 0
    for area, band, count in rows:
        a = area_at.get(area) if area is not None else None
        b = band_at.get(band) if band is not None else None
        if a is not None and b is not None:
            table[a, b] += count
        elif a is not None:
            area_only[a] += count
        elif b is not None:
            band_only[b] += count
        else:
            unknown += count
    return RespondentCounts(table, area_only, band_only, unknown)


def option_counts(
    rows: Iterable[tuple[str | None, str | None, str, int]],
    areas: Sequence[str],
    bands: Sequence[str],
    options: Sequence[str],
) -> npt.NDArray[np.int64]:
    """Counts per wijk x band x option (for :func:`estimate`) from rows ``(area id, band
    id, option, count)``; rows with an unknown wijk, band or option are left out (they are
    in the unweighted figures, not in the weighted ones)."""
    area_at = {a: i for i, a in enumerate(areas)}
    band_at = {b: i for i, b in enumerate(bands)}
    option_at = {o: i for i, o in enumerate(options)}
    table = np.zeros((len(areas), len(bands), len(options)), dtype=np.int64)
    for area, band, option, count in rows:
        a = area_at.get(area) if area is not None else None
        b = band_at.get(band) if band is not None else None
        k = option_at.get(option)
        if a is not None and b is not None and k is not None:
            table[a, b, k] += count
    return table


def rake(
    respondents: npt.ArrayLike,
    population: npt.ArrayLike,
    *,
    cap: float = CAP,
    min_cell: int = MIN_CELL,
    tolerance: float = 1e-9,
    max_iterations: int = 300,
) -> Weights:
    """Weights for ``respondents`` (counts per wijk x band) so that their wijk and age
    margins match those of ``population`` (inhabitants per wijk x band, same shape); see
    the module for the rules on empty and small strata and trimming."""
    if cap < 1:
        raise ValueError("cap must be at least 1 (the mean weight)")
    counts = np.asarray(respondents, dtype=np.int64)
    pop = np.asarray(population, dtype=np.float64)
    if counts.shape != pop.shape or counts.ndim != 2:
        raise ValueError(f"shapes differ: respondents {counts.shape}, population {pop.shape}")
    if (counts < 0).any() or (pop < 0).any():
        raise ValueError("counts cannot be negative")
    n_cells = counts.astype(np.float64)
    total = n_cells.sum()
    margins = (pop.sum(axis=1), pop.sum(axis=0))
    got = (counts.sum(axis=1), counts.sum(axis=0))
    kept = (_kept(got[0], margins[0], min_cell), _kept(got[1], margins[1], min_cell))
    not_weighted = tuple(
        Stratum("area" if d == 0 else "band", int(i), int(got[d][i]), reason)
        for d in (0, 1)
        for i, reason in sorted(kept[d].items())
    )
    weight = np.where(counts > 0, 1.0, 0.0)
    if total == 0 or all(len(kept[d]) == len(got[d]) for d in (0, 1)):
        return Weights(weight, counts, not_weighted, 0, cap, True, 0, 0.0)
    goals = (_Margin.of(margins[0], kept[0]), _Margin.of(margins[1], kept[1]))
    small = (counts > 0) & (counts < min_cell)
    limit = np.where(small, 1.0, cap)  # a small cell is not weighted up
    ever_capped = np.zeros(counts.shape, dtype=bool)
    converged = False
    iterations = 0
    for iterations in range(1, max_iterations + 1):  # noqa: B007 (the count is reported)
        before = weight
        weight = weight * goals[0].factors(weight * n_cells, 0, total)[:, None]
        weight = weight * goals[1].factors(weight * n_cells, 1, total)[None, :]
        if (weight > limit).any():
            weight, capped = _trim(weight, n_cells, total, limit)
            ever_capped |= capped
        if float(np.abs(weight - before).max()) < tolerance:
            converged = True
            break
    at_limit = ever_capped & (weight >= limit * (1 - 1e-9)) & (counts > 0)
    in_kept = np.zeros(counts.shape, dtype=bool)  # said already, per stratum
    in_kept[list(kept[0]), :] = True
    in_kept[:, list(kept[1])] = True
    error = max(_margin_error(weight * n_cells, d, margins[d], kept[d]) for d in (0, 1))
    return Weights(
        cell=weight,
        respondents=counts,
        not_weighted=not_weighted,
        trimmed=int(counts[at_limit & ~small].sum()),
        cap=cap,
        converged=converged and error < 1e-6,
        iterations=iterations,
        margin_error=error,
        held=int(counts[at_limit & small & ~in_kept].sum()),
    )


def _kept(got: npt.NDArray[np.int64], target: Floats, min_cell: int) -> dict[int, Reason]:
    """The strata of one dimension that keep their weight, and why."""
    kept: dict[int, Reason] = {}
    for i, (n, t) in enumerate(zip(got, target, strict=True)):
        if n == 0:
            kept[i] = "empty"
        elif t <= 0:
            kept[i] = "no_population"
        elif n < min_cell:
            kept[i] = "few"
    return kept


@dataclass(frozen=True)
class _Margin:
    """One dimension's target: which strata are weighted and their population shares."""

    free: Bool
    share: Floats  # of the weighted strata's population (0 for the kept ones)

    @classmethod
    def of(cls, target: Floats, kept: dict[int, Reason]) -> _Margin:
        free = np.ones(target.shape, dtype=bool)
        free[list(kept)] = False
        goal = np.where(free, target, 0.0)
        return cls(free, goal / goal.sum() if goal.sum() > 0 else goal)

    def factors(self, weighted: Floats, axis: int, total: float) -> Floats:
        """Per stratum of dimension ``axis`` the factor that brings its weighted count to its
        share of what the kept strata leave."""
        current = weighted.sum(axis=1 - axis)
        room = total - current[~self.free].sum()
        movable = self.free & (current > 0)
        factor: Floats = np.divide(
            self.share * room, current, out=np.ones_like(current), where=movable
        )
        return factor


def _trim(weight: Floats, n_cells: Floats, total: float, limit: Floats) -> tuple[Floats, Bool]:
    """Weights cut at their cell's ``limit``, the excess spread over the others in
    proportion (repeated while that lifts others over theirs); the mask of the cells cut."""
    weight = weight.copy()
    capped = np.zeros(weight.shape, dtype=bool)
    for _ in range(weight.size):
        over = (weight > limit) & (n_cells > 0)
        if not over.any():
            break
        capped |= over
        weight[capped] = limit[capped]
        free = ~capped & (n_cells > 0)
        rest = float((weight * n_cells)[free].sum())
        if rest <= 0:
            break
        weight[free] *= (total - (limit * n_cells)[capped].sum()) / rest
    return weight, capped


def _margin_error(weighted: Floats, axis: int, target: Floats, kept: dict[int, Reason]) -> float:
    current = weighted.sum(axis=1 - axis)
    free = np.ones(current.shape, dtype=bool)
    free[list(kept)] = False
    if not free.any() or current[free].sum() <= 0 or target[free].sum() <= 0:
        return 0.0
    shares = current[free] / current[free].sum()
    goal = target[free] / target[free].sum()
    return float(np.abs(shares - goal).max())


def effective_size(respondents: npt.ArrayLike, weight: npt.ArrayLike) -> float:
    """Kish's effective sample size ``(sum w)^2 / sum w^2`` of ``respondents`` per cell
    with ``weight`` each."""
    n = np.asarray(respondents, dtype=np.float64)
    w = np.asarray(weight, dtype=np.float64)
    squares = float((n * w * w).sum())
    return float((n * w).sum()) ** 2 / squares if squares > 0 else 0.0


@dataclass(frozen=True, slots=True)
class Share:
    """One option of a closed question: unweighted and weighted share (0-1) of the
    respondents who answered it, with the weighted share's 95% margin and interval."""

    option: str
    count: int  # respondents who chose it (with wijk and age known)
    unweighted: float
    weighted: float
    margin: float  # half-width of the 95% interval, normal approximation at n_eff
    low: float  # Wilson 95% interval at n_eff
    high: float


@dataclass(frozen=True, slots=True)
class QuestionEstimate:
    """The weighted shares of one closed question."""

    answered: int  # respondents with wijk and age band known who answered
    n_eff: float  # their effective sample size
    shares: tuple[Share, ...]


def estimate(
    weights: Weights,
    chosen: npt.ArrayLike,
    options: Sequence[str],
    *,
    answered: npt.ArrayLike | None = None,
    confidence: float = 0.95,
) -> QuestionEstimate:
    """Weighted shares of one closed question.

    ``chosen`` counts per cell and option (shape ``(areas, bands, options)``);
    ``answered`` counts per cell the respondents who answered (needed for a question where
    one may tick several options; by default the sum over the options). Respondents whose
    wijk or age band is unknown are not in these counts: they are not weighted.
    """
    from statsmodels.stats.proportion import proportion_confint

    x = np.asarray(chosen, dtype=np.float64)
    if x.ndim != 3 or x.shape[:2] != weights.cell.shape or x.shape[2] != len(options):
        raise ValueError(
            f"chosen has shape {x.shape}, expected {(*weights.cell.shape, len(options))}"
        )
    a = x.sum(axis=2) if answered is None else np.asarray(answered, dtype=np.float64)
    w = weights.cell
    base = float((a * w).sum())
    n = int(a.sum())
    n_eff = effective_size(a, w)
    raw = x.sum(axis=(0, 1))
    unweighted = raw / n if n else np.zeros(len(options))
    weighted = (x * w[:, :, None]).sum(axis=(0, 1)) / base if base > 0 else np.zeros(len(options))
    weighted = np.clip(weighted, 0.0, 1.0)
    if n_eff > 0:
        z = _z(confidence)
        margin = z * np.sqrt(weighted * (1 - weighted) / n_eff)
        low, high = proportion_confint(
            weighted * n_eff, n_eff, alpha=1 - confidence, method="wilson"
        )
    else:
        margin = low = high = np.full(len(options), np.nan)
    return QuestionEstimate(
        answered=n,
        n_eff=n_eff,
        shares=tuple(
            Share(
                option=option,
                count=int(raw[k]),
                unweighted=float(unweighted[k]),
                weighted=float(weighted[k]),
                margin=float(np.asarray(margin)[k]),
                low=float(np.asarray(low)[k]),
                high=float(np.asarray(high)[k]),
            )
            for k, option in enumerate(options)
        ),
    )


def _z(confidence: float) -> float:
    if confidence == 0.95:
        return Z95
    from scipy.stats import norm

    return float(norm.ppf(0.5 + confidence / 2))

"""Weighting respondents to the population by raking, and weighted shares with margins of error.

Respondents are counted per cell of wijk x age band (an array of shape ``(areas, bands)``;
SQL gives it with one ``GROUP BY``, or :func:`cells` from per-respondent codes). Everyone in
a cell gets the same weight, so weighting 100,000 responses costs what weighting 28 cells
does.

**Raking** (iterative proportional fitting) adjusts the weights in turn to the wijk margin
and to the age margin of the population until both fit, so the weighted respondents have
the population's distribution over wijken and over ages (not necessarily over every cell).
It is done here in numpy, a few lines over the cell table, rather than with ``ipfn`` or
``weightipy``: both work on per-respondent pandas frames and loop in Python (tens of
milliseconds per 10,000 rows where this takes microseconds), neither knows about strata left
out of the targets nor about trimming with redistribution, and ``ipfn`` has had no release
since 2021.

The rules (:func:`rake`):

* Weights are relative: their mean over the weighted respondents is 1.
* A wijk or age band with **no respondents** cannot be weighted up from nothing: it is named
  in :attr:`Weights.not_weighted` (reason ``"empty"``) and the estimate is of the population
  without it. One with **fewer than** ``min_cell`` (5) respondents is not weighted up either
  (reason ``"few"``): its respondents keep the share they have among the respondents, and
  the other strata share the rest in the proportions of the population. A stratum the
  population has no inhabitants for (an area no wijk of the file matched) is treated the
  same way (reason ``"no_population"``).
* Weights are **trimmed** at ``cap`` (5) times the mean; what is cut off is spread over the
  other respondents, and raking and trimming alternate until both hold (the ANES method).
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

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt

from analysis.counts import MIN_CELL

CAP = 5.0  # weights are trimmed at this many times the mean weight
MAX_TRIM_ROUNDS = 50  # raking and trimming alternate at most this often
Z95 = 1.959963984540054  # the standard normal quantile for 95%
Floats = npt.NDArray[np.float64]
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


def rake(
    respondents: npt.ArrayLike,
    population: npt.ArrayLike,
    *,
    cap: float = CAP,
    min_cell: int = MIN_CELL,
    tolerance: float = 1e-9,
    max_iterations: int = 1000,
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
    ever_capped = np.zeros(counts.shape, dtype=bool)
    iterations = 0
    converged = False
    for _ in range(MAX_TRIM_ROUNDS):
        weight, used, converged = _rake_margins(
            weight, n_cells, margins, kept, total, tolerance, max_iterations
        )
        iterations += used
        if weight.max() <= cap * (1 + 1e-9):
            break
        weight, capped = _trim(weight, n_cells, total, cap)
        ever_capped |= capped
    if weight.max() > cap * (1 + 1e-9):  # rounds used up: the cap wins over the margins
        weight, capped = _trim(weight, n_cells, total, cap)
        ever_capped |= capped
    at_cap = ever_capped & (weight >= cap * (1 - 1e-9)) & (counts > 0)
    error = max(_margin_error(weight * n_cells, d, margins[d], kept[d]) for d in (0, 1))
    return Weights(
        cell=weight,
        respondents=counts,
        not_weighted=not_weighted,
        trimmed=int(counts[at_cap].sum()),
        cap=cap,
        converged=converged and error < 1e-6,
        iterations=iterations,
        margin_error=error,
    )


def _rake_margins(
    weight: Floats,
    n_cells: Floats,
    margins: tuple[Floats, Floats],
    kept: tuple[dict[int, Reason], dict[int, Reason]],
    total: float,
    tolerance: float,
    max_iterations: int,
) -> tuple[Floats, int, bool]:
    """Adjust to the wijk margin, then the age margin, until neither changes: the weights,
    the iterations used and whether they converged."""
    for iteration in range(1, max_iterations + 1):
        change = 0.0
        for d in (0, 1):
            factor = _factors(weight * n_cells, d, margins[d], kept[d], total)
            weight = weight * (factor[:, None] if d == 0 else factor[None, :])
            change = max(change, float(np.abs(factor - 1).max()))
        if change < tolerance:
            return weight, iteration, True
    return weight, max_iterations, False


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


def _factors(
    weighted: Floats, axis: int, target: Floats, kept: dict[int, Reason], total: float
) -> Floats:
    """Per stratum of dimension ``axis`` the factor that brings its weighted count to its
    share of what the kept strata leave."""
    current = weighted.sum(axis=1 - axis)
    free = np.ones(current.shape, dtype=bool)
    free[list(kept)] = False
    room = total - current[~free].sum()
    goal = np.where(free, target, 0.0)
    goal = goal * (room / goal.sum()) if goal.sum() > 0 else goal
    factor = np.ones(current.shape)
    movable = free & (current > 0)
    factor[movable] = goal[movable] / current[movable]
    return factor


def _trim(weight: Floats, n_cells: Floats, total: float, cap: float) -> tuple[Floats, Bool]:
    """Weights cut at ``cap``, the excess spread over the others in proportion (repeated
    while that lifts others over the cap); the mask of the cells cut."""
    weight = weight.copy()
    capped = np.zeros(weight.shape, dtype=bool)
    for _ in range(weight.size):
        over = (weight > cap) & (n_cells > 0)
        if not over.any():
            break
        capped |= over
        weight[capped] = cap
        free = ~capped & (n_cells > 0)
        rest = float((weight * n_cells)[free].sum())
        if rest <= 0:
            break
        weight[free] *= (total - cap * n_cells[capped].sum()) / rest
    return weight, capped


Bool = npt.NDArray[np.bool_]


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

"""Who did we hear? Respondents per wijk and age band against the inhabitants.

For each wijk and each age band: respondents, inhabitants, response per 1,000 inhabitants,
the share of the respondents against the share of the population, and a status; a one-line
verdict in Dutch (B1) and English; the strata to invite first.

**The rule for under-represented**, written down once (:data:`UNDER`, :data:`ALPHA`): a
wijk or age band is *under-represented* when its share of the respondents is less than
0.8 times its share of the population **and** that shortfall is unlikely to be chance: a
one-sided binomial test of its respondent count against ``n x population share`` gives
``p < 0.05``. *Over-represented* is the mirror image (more than 1.25 times, ``p < 0.05``).
A stratum with inhabitants and no respondents at all is *empty*: the verdict names it when
that is unlikely to be chance (the same test), the notes on weighting always. With
fewer than :data:`MIN_RESPONDENTS` respondents the verdict says it is too early to tell.

Cells of wijk x age band with fewer than ``min_cell`` (5) respondents are not shown on their
own (``None`` in :attr:`Representation.cells`), as everywhere in digests.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt

from analysis.counts import MIN_CELL, clamp_min_cell
from analysis.population import BANDS_BY_ID
from analysis.weighting import Weights
from flows.schema import AreaQuestion

UNDER = 0.8  # share of respondents / share of population below this: under-represented
OVER = 1.25  # above this: over-represented
ALPHA = 0.05  # ... when a one-sided binomial test says p < ALPHA
MIN_RESPONDENTS = 30  # fewer respondents: too early for a verdict

Status = Literal["under", "over", "fair", "empty", "no_population"]


@dataclass(frozen=True, slots=True)
class Label:
    """An area's id and names (an age band's come from :data:`AGE_BANDS`)."""

    id: str
    nl: str
    en: str

    @classmethod
    def of(cls, question: AreaQuestion) -> tuple[Label, ...]:
        """The labels of an area question's areas, in its order."""
        return tuple(cls(a.id, a.label.nl, a.label.en) for a in question.areas)


@dataclass(frozen=True, slots=True)
class Row:
    """One wijk (``dimension`` "area") or age band ("band") against the population."""

    dimension: Literal["area", "band"]
    id: str
    nl: str  # its name: "Noord", "15 tot 25 jaar"
    en: str
    respondents: int
    inhabitants: int
    per_1000: float | None  # respondents per 1,000 inhabitants
    share_respondents: float  # 0-1, of the respondents whose wijk (or band) is known
    share_population: float  # 0-1
    ratio: float | None  # share_respondents / share_population
    expected: float  # respondents it would have had in proportion to its inhabitants
    p_value: float  # one-sided binomial test in the direction of the difference
    status: Status


@dataclass(frozen=True)
class Representation:
    """Respondents against the population for one questionnaire (or one period)."""

    respondents: int  # with wijk and age band known
    unknown: int  # respondents whose wijk or age band is not known
    areas: tuple[Row, ...]
    bands: tuple[Row, ...]
    cells: tuple[tuple[int | None, ...], ...]  # per area, per band; None: 1 to min_cell - 1
    verdict_nl: str
    verdict_en: str

    @property
    def under(self) -> tuple[Row, ...]:
        """Under-represented and empty strata, the largest shortfall first."""
        rows = [r for r in (*self.areas, *self.bands) if r.status in ("under", "empty")]
        return tuple(sorted(rows, key=lambda r: r.expected - r.respondents, reverse=True))

    def invite_first(self) -> tuple[Row, ...]:
        """The strata to invite first (for /uitnodigen): the under-represented and empty
        ones, the largest shortfall (expected minus actual respondents) first."""
        return self.under


def representation(
    respondents: npt.ArrayLike,
    population: npt.ArrayLike,
    areas: Sequence[Label],
    bands: Sequence[str],
    *,
    area_only: npt.ArrayLike | None = None,
    band_only: npt.ArrayLike | None = None,
    unknown: int = 0,
    min_cell: int = MIN_CELL,
) -> Representation:
    """Respondents per wijk x band (``respondents``, shape ``(areas, bands)``) against
    inhabitants (``population``, same shape).

    ``area_only`` counts per wijk the respondents whose age band is unknown, ``band_only``
    per band those whose wijk is unknown, ``unknown`` those with neither: they count in the
    one dimension they are known in.
    """
    counts = np.asarray(respondents, dtype=np.int64)
    pop = np.asarray(population, dtype=np.int64)
    if counts.shape != pop.shape or counts.shape != (len(areas), len(bands)):
        raise ValueError(f"shapes differ: {counts.shape}, {pop.shape}, {len(areas)}x{len(bands)}")
    extra_area = np.zeros(len(areas), np.int64) if area_only is None else np.asarray(area_only)
    extra_band = np.zeros(len(bands), np.int64) if band_only is None else np.asarray(band_only)
    by_area = counts.sum(axis=1) + extra_area
    by_band = counts.sum(axis=0) + extra_band
    area_labels = [(a.id, a.nl, a.en) for a in areas]
    band_labels = [(b, BANDS_BY_ID[b].nl, BANDS_BY_ID[b].en) for b in bands]
    area_rows = _rows("area", area_labels, by_area, pop.sum(axis=1))
    band_rows = _rows("band", band_labels, by_band, pop.sum(axis=0))
    limit = clamp_min_cell(min_cell)
    shown = tuple(tuple(int(c) if c == 0 or c >= limit else None for c in row) for row in counts)
    n = int(counts.sum())
    missing = unknown + int(extra_area.sum()) + int(extra_band.sum())
    nl, en = verdict(area_rows, band_rows, int(max(by_area.sum(), by_band.sum())))
    return Representation(n, missing, area_rows, band_rows, shown, nl, en)


def _rows(
    dimension: Literal["area", "band"],
    labels: Sequence[tuple[str, str, str]],
    got: npt.NDArray[np.int64],
    inhabitants: npt.NDArray[np.int64],
) -> tuple[Row, ...]:
    n = int(got[inhabitants > 0].sum())  # respondents of strata the population knows
    people = int(inhabitants.sum())
    out = []
    for (ident, nl, en), count, lives in zip(labels, got, inhabitants, strict=True):
        share_r = count / n if n else 0.0
        share_p = lives / people if people else 0.0
        expected = n * share_p
        ratio = share_r / share_p if share_p > 0 else None
        p = _p_value(int(count), n, share_p)
        if lives <= 0:
            status: Status = "no_population"
        elif count == 0 and n > 0:
            status = "empty"
        elif ratio is not None and ratio < UNDER and p < ALPHA:
            status = "under"
        elif ratio is not None and ratio > OVER and p < ALPHA:
            status = "over"
        else:
            status = "fair"
        out.append(
            Row(
                dimension=dimension,
                id=ident,
                nl=nl,
                en=en,
                respondents=int(count),
                inhabitants=int(lives),
                per_1000=1000 * count / lives if lives > 0 else None,
                share_respondents=float(share_r),
                share_population=float(share_p),
                ratio=None if ratio is None else float(ratio),
                expected=float(expected),
                p_value=p,
                status=status,
            )
        )
    return tuple(out)


def _p_value(count: int, n: int, share: float) -> float:
    """One-sided binomial test in the direction of the difference (scipy)."""
    from scipy.stats import binom

    if n == 0 or share <= 0 or share >= 1:
        return 1.0
    if count < n * share:
        return float(binom.cdf(count, n, share))
    return float(binom.sf(count - 1, n, share))


def verdict(areas: Sequence[Row], bands: Sequence[Row], n: int) -> tuple[str, str]:
    """The one-line verdict in Dutch and English."""
    if n < MIN_RESPONDENTS:
        return (
            f"Nog te weinig antwoorden ({n}) om te zeggen of ze de inwoners goed weerspiegelen.",
            f"Too few answers yet ({n}) to say whether they reflect the inhabitants.",
        )
    under_bands = [r for r in bands if _named(r)]
    under_areas = [r for r in areas if _named(r)]
    if not under_bands and not under_areas:
        return (
            "Geen wijk of leeftijdsgroep is duidelijk ondervertegenwoordigd.",
            "No wijk or age group is clearly under-represented.",
        )
    names_nl = [BANDS_BY_ID[r.id].group_nl for r in under_bands]
    names_en = [BANDS_BY_ID[r.id].group_en for r in under_bands]
    if under_areas:
        word = "wijk" if len(under_areas) == 1 else "de wijken"
        names_nl.append(f"{word} {_join([r.nl for r in under_areas], 'en')}")
        names_en.append(
            f"the {_join([r.en for r in under_areas], 'and')} "
            f"{'area' if len(under_areas) == 1 else 'areas'}"
        )
    plural = len(names_nl) > 1 or bool(under_bands) or len(under_areas) > 1
    nl = f"{_join(names_nl, 'en')} {'zijn' if plural else 'is'} ondervertegenwoordigd."
    en = f"{_join(names_en, 'and')} {'are' if plural else 'is'} under-represented."
    return nl[0].upper() + nl[1:], en[0].upper() + en[1:]


def _named(row: Row) -> bool:
    """Whether the verdict names ``row``: under-represented, or without respondents where
    that is unlikely to be chance (a small wijk may well have none among few answers)."""
    return row.status == "under" or (row.status == "empty" and row.p_value < ALPHA)


def _join(items: Sequence[str], word: str) -> str:
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {word} {items[-1]}"


def weighting_notes(
    weights: Weights, areas: Sequence[Label], bands: Sequence[str]
) -> tuple[tuple[str, str], ...]:
    """What a reader of weighted figures must know, one (Dutch, English) line per fact:
    strata not weighted and why, weights trimmed, margins that then no longer fit."""
    notes: list[tuple[str, str]] = []
    for stratum in weights.not_weighted:
        if stratum.dimension == "area":
            area = areas[stratum.index]
            nl_name, en_name = f"wijk {area.nl}", f"the {area.en} area"
            nl_who, en_who = f"uit {area.nl}", f"from {area.en}"
        else:
            band = BANDS_BY_ID[bands[stratum.index]]
            nl_name, en_name = band.group_nl, band.group_en
            nl_who, en_who = f"van {band.nl}", f"aged {band.en}"
        if stratum.reason == "empty":
            notes.append(
                (
                    f"Niemand {nl_who} heeft geantwoord: de gewogen cijfers gaan over de "
                    "andere inwoners.",
                    f"Nobody {en_who} answered: the weighted figures are about the other "
                    "inhabitants.",
                )
            )
        elif stratum.reason == "few":
            notes.append(
                (
                    f"Maar {_count_nl(stratum.respondents)} {nl_who}: die tellen we niet "
                    "zwaarder mee.",
                    f"Only {_count_en(stratum.respondents)} {en_who}: not weighted up.",
                )
            )
        else:
            notes.append(
                (
                    f"Geen inwonersaantallen voor {nl_name}: die antwoorden wegen we niet.",
                    f"No population figures for {en_name}: those answers are not weighted.",
                )
            )
    if weights.held:
        notes.append(
            (
                f"{_answers_nl(weights.held)} uit groepjes van minder dan 5 (één wijk en "
                "leeftijd): die tellen we niet zwaarder mee.",
                f"{_answers_en(weights.held)} from groups of fewer than 5 (one wijk and age "
                "band): they are not weighted up.",
            )
        )
    if weights.trimmed:
        cap = f"{weights.cap:g}"
        notes.append(
            (
                f"Bij {_count_nl(weights.trimmed)} is het gewicht afgetopt op {cap}.",
                f"{_count_en(weights.trimmed).capitalize()} had their weight capped at {cap}.",
            )
        )
    if weights.margin_error >= 0.005:
        because = weights.trimmed or weights.held
        points = f"{max(1.0, weights.margin_error * 100):.0f}"
        rest_nl = (
            f"tot {points} procentpunt af van de verdeling van de inwoners over wijken en "
            "leeftijden."
        )
        rest_en = (
            f"up to {points} percentage points from how the inhabitants are spread over "
            "wijken and ages."
        )
        notes.append(
            (
                f"Daardoor wijken de gewogen cijfers {rest_nl}",
                f"So the weighted figures differ {rest_en}",
            )
            if because
            else (f"De gewogen cijfers wijken {rest_nl}", f"The weighted figures differ {rest_en}")
        )
    return tuple(notes)


def _count_nl(n: int) -> str:
    return f"{n} antwoord" if n == 1 else f"{n} antwoorden"


def _count_en(n: int) -> str:
    return f"{n} answer" if n == 1 else f"{n} answers"


def _answers_nl(n: int) -> str:
    return f"{_count_nl(n)} {'komt' if n == 1 else 'komen'}"


def _answers_en(n: int) -> str:
    return f"{_count_en(n)} {'comes' if n == 1 else 'come'}"

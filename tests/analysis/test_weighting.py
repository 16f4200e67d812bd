"""Raking's rules at the edges: empty and small strata are named and not weighted up, weights
are trimmed at the cap and the trimming is counted, and shares carry a margin at the
effective sample size."""

from __future__ import annotations

import numpy as np
import pytest

from analysis.weighting import (
    Stratum,
    cells,
    effective_size,
    estimate,
    option_counts,
    rake,
    respondent_counts,
)

POPULATION = np.array([[1000, 2000, 2000], [1000, 1000, 3000], [500, 500, 1000]])


def _margins_of(weights_cell: np.ndarray, respondents: np.ndarray) -> tuple[np.ndarray, ...]:
    weighted = weights_cell * respondents
    return weighted.sum(axis=1) / weighted.sum(), weighted.sum(axis=0) / weighted.sum()


def test_raking_meets_both_margins_and_keeps_the_mean_weight_at_one() -> None:
    respondents = np.array([[40, 30, 20], [10, 50, 60], [30, 5, 25]])
    weights = rake(respondents, POPULATION)
    assert weights.converged and weights.trimmed == 0 and weights.not_weighted == ()
    by_area, by_band = _margins_of(weights.cell, respondents)
    assert np.allclose(by_area, POPULATION.sum(axis=1) / POPULATION.sum())
    assert np.allclose(by_band, POPULATION.sum(axis=0) / POPULATION.sum())
    assert (weights.cell * respondents).sum() == pytest.approx(respondents.sum())
    assert weights.n == 270 and weights.n_eff < 270 and weights.design_effect > 1


def test_a_proportional_sample_keeps_weight_one() -> None:
    weights = rake(POPULATION // 50, POPULATION)
    assert np.allclose(weights.cell, 1.0)
    assert weights.n_eff == pytest.approx(weights.n)


def test_a_stratum_without_respondents_is_named_not_weighted_up() -> None:
    respondents = np.array([[40, 30, 20], [10, 50, 60], [0, 0, 0]])
    weights = rake(respondents, POPULATION)
    assert weights.not_weighted == (Stratum("area", 2, 0, "empty"),)
    assert (weights.cell[2] == 0).all()
    # The others share the whole weight in the proportions of their own inhabitants.
    by_area, _ = _margins_of(weights.cell, respondents)
    assert by_area[:2] == pytest.approx([5000 / 10000, 5000 / 10000])
    assert weights.converged


def test_a_stratum_with_fewer_than_five_respondents_keeps_its_share() -> None:
    # Area 2 has 2 of 212 respondents where it has 2,000 of 12,000 inhabitants: weighted up
    # it would stand for 1/6 of everything on two people.
    respondents = np.array([[40, 30, 20], [10, 50, 60], [1, 0, 1]])
    weights = rake(respondents, POPULATION)
    assert weights.not_weighted == (Stratum("area", 2, 2, "few"),)
    by_area, _ = _margins_of(weights.cell, respondents)
    assert by_area[2] == pytest.approx(2 / 212, rel=0.3)
    assert by_area[0] / by_area[1] == pytest.approx(5000 / 5000)
    assert weights.cell.max() < 2


def test_a_band_and_an_area_the_population_lacks() -> None:
    population = POPULATION.copy()
    population[:, 2] = 0  # e.g. an area no wijk of the file matched
    respondents = np.array([[40, 30, 20], [10, 50, 60], [30, 5, 25]])
    weights = rake(respondents, population)
    assert weights.not_weighted == (Stratum("band", 2, 105, "no_population"),)


def test_weights_are_trimmed_at_the_cap_and_the_trimming_counted() -> None:
    # The young in area 0 are very scarce among respondents.
    respondents = np.array([[6, 60, 60], [60, 60, 60], [60, 60, 60]])
    population = np.array([[3000, 500, 500], [500, 500, 500], [500, 500, 500]])
    untrimmed = rake(respondents, population, cap=1000)
    assert untrimmed.cell.max() > 5
    weights = rake(respondents, population)
    assert weights.cell.max() == pytest.approx(5.0)
    assert weights.trimmed == 6
    assert weights.margin_error > 0.01  # the margins give way to the cap, and that is said
    assert not weights.converged
    assert (weights.cell * respondents).sum() == pytest.approx(respondents.sum())
    assert weights.n_eff > untrimmed.n_eff


def test_a_cap_below_the_mean_and_mismatched_shapes_are_refused() -> None:
    with pytest.raises(ValueError, match="cap"):
        rake(np.ones((2, 2)), np.ones((2, 2)), cap=0.5)
    with pytest.raises(ValueError, match="shapes"):
        rake(np.ones((2, 2)), np.ones((2, 3)))
    with pytest.raises(ValueError, match="negative"):
        rake(-np.ones((2, 2)), np.ones((2, 2)))


def test_nobody_and_everybody_in_one_cell() -> None:
    nobody = rake(np.zeros((3, 3)), POPULATION)
    assert nobody.n == 0 and nobody.n_eff == 0
    assert len(nobody.not_weighted) == 6
    one_cell = np.zeros((3, 3), dtype=int)
    one_cell[1, 1] = 50
    weights = rake(one_cell, POPULATION)
    assert weights.cell[1, 1] == pytest.approx(1.0)
    assert {s.reason for s in weights.not_weighted} == {"empty"}
    result = estimate(weights, np.stack([one_cell, 0 * one_cell], axis=-1), ["ja", "nee"])
    assert result.shares[0].weighted == 1.0


def test_cells_from_one_code_per_respondent() -> None:
    area = [0, 0, 1, 2, 2, 2, -1, 1]
    band = [0, 1, 1, 2, 2, -1, 0, 5]
    assert cells(area, band, 3, 3).tolist() == [[1, 1, 0], [0, 1, 0], [0, 0, 2]]


def test_shares_with_a_margin_at_the_effective_sample_size() -> None:
    respondents = np.array([[40, 30, 20], [10, 50, 60], [30, 5, 25]])
    yes = np.array([[30, 20, 5], [8, 25, 20], [20, 2, 5]])
    weights = rake(respondents, POPULATION)
    result = estimate(weights, np.stack([yes, respondents - yes], axis=-1), ["ja", "nee"])
    w = weights.cell
    share = (yes * w).sum() / (respondents * w).sum()
    n_eff = (respondents * w).sum() ** 2 / (respondents * w * w).sum()
    ja, nee = result.shares
    assert result.answered == 270 and result.n_eff == pytest.approx(n_eff)
    assert ja.count == yes.sum() and ja.unweighted == pytest.approx(yes.sum() / 270)
    assert ja.weighted == pytest.approx(share) and nee.weighted == pytest.approx(1 - share)
    assert ja.margin == pytest.approx(1.959964 * np.sqrt(share * (1 - share) / n_eff))
    assert ja.low < share < ja.high
    assert ja.high - ja.low == pytest.approx(2 * ja.margin, rel=0.05)


def test_a_question_where_several_options_may_be_ticked() -> None:
    respondents = np.array([[10, 10], [10, 10]])
    population = np.array([[100, 100], [100, 300]])
    ticked = np.stack([respondents, respondents // 2, 0 * respondents], axis=-1)
    weights = rake(respondents, population)
    result = estimate(weights, ticked, ["a", "b", "c"], answered=respondents)
    assert [round(s.weighted, 6) for s in result.shares] == [1.0, 0.5, 0.0]
    assert result.shares[2].low == pytest.approx(0.0) and result.shares[2].high > 0


def test_estimate_checks_its_shape() -> None:
    weights = rake(np.ones((2, 2)) * 10, np.ones((2, 2)))
    with pytest.raises(ValueError, match="shape"):
        estimate(weights, np.ones((2, 2, 3)), ["a", "b"])


def test_effective_size_of_equal_and_unequal_weights() -> None:
    assert effective_size([10, 10], [1, 1]) == pytest.approx(20)
    assert effective_size([10, 10], [0.5, 1.5]) == pytest.approx(400 / 25)
    assert effective_size([0, 0], [1, 1]) == 0


def test_preload_imports_what_estimates_need() -> None:
    import sys

    from analysis.weighting import preload

    preload()
    assert "statsmodels.stats.proportion" in sys.modules and "scipy.stats" in sys.modules


def test_counts_from_group_by_rows() -> None:
    rows = [
        ("noord", "15-24", 3),
        ("noord", "65+", 4),
        ("zuid", "15-24", 5),
        ("noord", None, 2),
        (None, "65+", 6),
        (None, None, 1),
        ("elders", "15-24", 7),  # an area the questionnaire does not have
        ("zuid", "0-14", 8),  # a band not weighted on
    ]
    counts = respondent_counts(rows, ["noord", "zuid"], ["15-24", "65+"])
    assert counts.cells.tolist() == [[3, 4], [5, 0]]
    assert counts.area_only.tolist() == [2, 8]
    assert counts.band_only.tolist() == [7, 6]
    assert counts.unknown == 1
    chosen = option_counts(
        [
            ("noord", "15-24", "ja", 2),
            ("noord", "15-24", "nee", 1),
            ("zuid", "65+", "ja", 4),
            (None, "65+", "ja", 9),
            ("zuid", "65+", "misschien", 3),
        ],
        ["noord", "zuid"],
        ["15-24", "65+"],
        ["ja", "nee"],
    )
    assert chosen.shape == (2, 2, 2)
    assert chosen[0, 0].tolist() == [2, 1] and chosen[1, 1].tolist() == [4, 0]
    assert chosen.sum() == 7


def test_margins_that_cannot_be_met_are_reported_not_met() -> None:
    # Respondents only on the diagonal; the population wants area 0 at 90% and band 0 at
    # 10%, but everyone of area 0 is in band 0.
    respondents = np.array([[50, 0], [0, 50]])
    population = np.array([[0, 900], [100, 0]])
    weights = rake(respondents, population)
    assert not weights.converged
    assert weights.margin_error == pytest.approx(0.8)  # area 0 gets 10%, not 90%
    assert weights.cell.max() <= 5.0 + 1e-9
    assert (weights.cell * respondents).sum() == pytest.approx(100)


def test_a_cell_with_fewer_than_five_respondents_is_not_weighted_up() -> None:
    # The young of area 0: 2 respondents where raking alone would give each about 4.
    respondents = np.array([[2, 60, 60], [30, 60, 60], [30, 60, 60]])
    population = np.array([[2000, 1000, 1000], [1000, 1000, 1000], [1000, 1000, 1000]])
    free = rake(respondents, population, min_cell=2)
    assert free.cell[0, 0] > 2 and free.held == 0
    weights = rake(respondents, population)
    assert weights.cell[0, 0] == pytest.approx(1.0)
    assert weights.held == 2 and weights.trimmed == 0
    assert weights.not_weighted == ()
    # The rest of the young carry more instead, so the margins still fit.
    assert weights.converged and weights.margin_error < 1e-6
    assert weights.cell[1, 0] > free.cell[1, 0]

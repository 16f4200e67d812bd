"""Properties of raking over any table of counts: weights are never negative and average 1,
never exceed the cap, nobody in an empty cell has weight, and when no stratum is small and
nothing is trimmed both margins fit; parsing any bytes gives a population or problems."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from analysis.population import Population, PopulationError, parse_population
from analysis.weighting import rake

SHAPES = st.tuples(st.integers(1, 6), st.integers(1, 5))


@st.composite
def tables(draw: st.DrawFn) -> tuple[np.ndarray, np.ndarray]:
    shape = draw(SHAPES)
    respondents = draw(arrays(np.int64, shape, elements=st.integers(0, 300)))
    population = draw(arrays(np.int64, shape, elements=st.integers(0, 20_000)))
    return respondents, population


@settings(max_examples=150, deadline=None)
@given(tables(), st.floats(1.0, 10.0))
def test_weights_are_sane_for_any_table(table: tuple[np.ndarray, np.ndarray], cap: float) -> None:
    respondents, population = table
    weights = rake(respondents, population, cap=cap)
    assert (weights.cell >= 0).all()
    assert (weights.cell[respondents == 0] == 0).all()
    small = (respondents > 0) & (respondents < 5)
    assert (weights.cell[small] <= 1 + 1e-9).all()  # small cells are not weighted up
    assert weights.cell.max(initial=0) <= cap * (1 + 1e-6)
    if respondents.sum():
        assert (weights.cell * respondents).sum() == np.float64(respondents.sum()) or abs(
            (weights.cell * respondents).sum() / respondents.sum() - 1
        ) < 1e-9
    assert 0 <= weights.n_eff <= weights.n + 1e-9
    assert weights.trimmed <= weights.n


@settings(max_examples=100, deadline=None)
@given(tables())
def test_margins_fit_when_every_stratum_can_be_weighted(
    table: tuple[np.ndarray, np.ndarray],
) -> None:
    respondents, population = table
    respondents = respondents + 5  # every cell, so every stratum, has at least 5
    population = population + 100
    weights = rake(respondents, population, cap=1e9)
    assert weights.not_weighted == () and weights.trimmed == 0
    assert weights.converged
    weighted = weights.cell * respondents
    for axis in (0, 1):
        shares = weighted.sum(axis=1 - axis) / weighted.sum()
        goal = population.sum(axis=1 - axis) / population.sum()
        assert np.allclose(shares, goal, atol=1e-6)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=2000) | st.text(max_size=500).map(str.encode))
def test_any_bytes_give_a_population_or_problems(data: bytes) -> None:
    try:
        result = parse_population(data)
    except PopulationError as error:
        assert error.problems and all(p.nl and p.en for p in error.problems)
    else:
        assert isinstance(result, Population)

"""Means, medians and small-cell suppression from counts per value."""

from __future__ import annotations

import random

import pytest

from analysis.counts import OTHER, mean_from_counts, median_from_counts, suppress_small_cells


@pytest.mark.parametrize(
    ("counts", "median", "mean"),
    [
        ([(1, 1), (2, 1), (3, 1)], 2, 2),
        ([(1, 1), (2, 1), (3, 1), (4, 1)], 2.5, 2.5),
        ([(5, 3), (1, 2)], 5, 3.4),
        ([(1, 0), (4, 2)], 4, 4),
        ([(1, 1), (10, 1)], 5.5, 5.5),
        ([], None, None),
        ([(3, 0)], None, None),
    ],
)
def test_median_and_mean_from_counts(
    counts: list[tuple[float, int]], median: float | None, mean: float | None
) -> None:
    assert median_from_counts(counts) == median
    assert mean_from_counts(counts) == (pytest.approx(mean) if mean is not None else None)


@pytest.mark.parametrize(
    ("counts", "min_cell", "expected", "merged"),
    [
        ([("a", 10), ("b", 8)], 5, [("a", 10), ("b", 8)], 0),
        ([("a", 10), ("b", 2), ("c", 3), ("d", 0)], 5, [("a", 10), (OTHER, 5)], 2),
        # The merged cell would be 2: the smallest shown cell joins it.
        ([("a", 50), ("b", 6), ("c", 2)], 5, [("a", 50), (OTHER, 8)], 2),
        ([("a", 50), ("b", 2)], 5, [(OTHER, 52)], 2),
        ([("a", 2), ("b", 1)], 5, [(OTHER, 3)], 2),
        ([("a", 3), ("b", 3)], 1, [("a", 3), ("b", 3)], 0),  # min_cell is at least 3
        ([("a", 2), ("b", 9)], 1, [(OTHER, 11)], 2),
        ([], 5, [], 0),
    ],
)
def test_small_cells(
    counts: list[tuple[str, int]], min_cell: int, expected: list[tuple[str, int]], merged: int
) -> None:
    assert suppress_small_cells(counts, min_cell) == (tuple(expected), merged)


def test_no_shown_cell_is_ever_small() -> None:
    rng = random.Random(3)
    for _ in range(500):
        counts = [
            (str(i), rng.choice([0, 1, 2, 3, 4, 5, 9, 40])) for i in range(rng.randint(1, 8))
        ]
        cells, merged = suppress_small_cells(counts, 5)
        assert all(count >= 5 for _, count in cells) or sum(c for _, c in counts) < 5
        assert sum(c for _, c in cells) == sum(c for _, c in counts)
        assert merged == 0 or cells[-1][0] == OTHER

"""Figures from counts: means and medians of (value, how often), and small-cell suppression.

Digests get every answer as a count per value (SQL ``GROUP BY``), never one by one; these
functions turn such counts into what is shown. Small cells are merged so that no group of
fewer than ``min_cell`` residents (never below :data:`MIN_CELL_FLOOR`) can be singled out.
"""

from __future__ import annotations

from collections.abc import Iterable

OTHER = "overig"  # the cell that small cells are merged into
MIN_CELL = 5  # cells with fewer respondents than this are merged into OTHER
MIN_CELL_FLOOR = 3  # min_cell is never lower than this


def clamp_min_cell(min_cell: int) -> int:
    return max(MIN_CELL_FLOOR, min_cell)


def median_from_counts(counts: Iterable[tuple[float, int]]) -> float | None:
    """The median of values given as (value, how often); the mean of the middle two when
    the number of values is even."""
    ordered = sorted((v, c) for v, c in counts if c > 0)
    total = sum(c for _, c in ordered)
    if total == 0:
        return None
    low_rank, high_rank = (total - 1) // 2, total // 2
    low = high = None
    seen = 0
    for value, count in ordered:
        if low is None and low_rank < seen + count:
            low = value
        if high_rank < seen + count:
            high = value
            break
        seen += count
    assert low is not None and high is not None
    return (low + high) / 2


def mean_from_counts(counts: Iterable[tuple[float, int]]) -> float | None:
    pairs = [(v, c) for v, c in counts if c > 0]
    total = sum(c for _, c in pairs)
    return sum(v * c for v, c in pairs) / total if total else None


def suppress_small_cells(
    counts: Iterable[tuple[str, int]], min_cell: int = MIN_CELL
) -> tuple[tuple[tuple[str, int], ...], int]:
    """Merge cells with fewer than ``min_cell`` (never below 3) into :data:`OTHER`.

    Empty cells are dropped. When the merged cell itself stays below ``min_cell``, the
    smallest shown cells join it until it does not (otherwise its count would give away the
    one small cell in it). Returns the cells in their original order with OTHER last, and
    the number of cells merged.
    """
    limit = clamp_min_cell(min_cell)
    cells = [(key, count) for key, count in counts if count > 0]
    small = {key for key, count in cells if count < limit}
    while small:
        merged = sum(count for key, count in cells if key in small)
        if merged >= limit:
            break
        shown = [(count, key) for key, count in cells if key not in small]
        if not shown:
            break
        small.add(min(shown)[1])
    kept = tuple((key, count) for key, count in cells if key not in small)
    if not small:
        return kept, 0
    other = sum(count for key, count in cells if key in small)
    return (*kept, (OTHER, other)), len(small)

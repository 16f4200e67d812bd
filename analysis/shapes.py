"""Figures of the question shapes of issue 16 that a distribution does not show: rankings
(the mean place of each option and how often it came first) and a 0-10 scale reported as
a Net Promoter Score, and dates (how many per month or week). Numbers in, numbers out; no
Telegram, no database.

Storage counts a ranking as how often each option was put in each place, under the key
:func:`ranked_key` ("groen@1"); :func:`ranking_stats` turns those counts into figures.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from analysis.counts import MIN_CELL, OTHER, clamp_min_cell, suppress_small_cells
from analysis.figures import DateStats, Distribution, RankingStats
from flows.schema import RankingQuestion

PROMOTERS = (9, 10)  # NPS: who would recommend it
DETRACTORS = tuple(range(0, 7))  # NPS: 0 to 6
# Dates spread over more days than this are counted per month, closer ones per ISO week.
WEEKS_UP_TO = timedelta(days=12 * 7)


def ranked_key(option: str, place: int) -> str:
    """The tally key of ``option`` put in ``place`` (1 is first)."""
    return f"{option}@{place}"


def _split(key: str) -> tuple[str, int] | None:
    option, _, place = key.rpartition("@")
    return (option, int(place)) if option and place.isdigit() else None


def ranking_stats(
    question: RankingQuestion, answered: int, skipped: int, counts: Iterable[tuple[str, int]]
) -> RankingStats:
    """Mean place and first places per option, best (lowest mean) first; options only older
    versions knew are left out."""
    places: dict[str, dict[int, int]] = {o.id: {} for o in question.options}
    for key, count in counts:
        found = _split(key)
        if found is not None and found[0] in places:
            option, place = found
            places[option][place] = places[option].get(place, 0) + count
    rows = []
    for choice in question.options:
        given = places[choice.id]
        total = sum(given.values())
        mean = sum(p * c for p, c in given.items()) / total if total else None
        rows.append((choice.id, mean, given.get(1, 0)))
    order = {o.id: i for i, o in enumerate(question.options)}
    rows.sort(key=lambda r: (r[1] is None, r[1] or 0.0, order[r[0]]))
    return RankingStats(question.id, answered, skipped, tuple(rows))


def nps(distribution: Distribution) -> float | None:
    """The Net Promoter Score of a 0-10 scale: the share answering 9 or 10 minus the share
    answering 0 to 6, in points from -100 to 100; None without answers."""
    total = promoters = detractors = 0
    for key, count in distribution.counts:
        try:
            value = float(key)
        except ValueError:
            continue
        total += count
        promoters += count if value >= PROMOTERS[0] else 0
        detractors += count if value <= DETRACTORS[-1] else 0
    if not total:
        return None
    return 100 * (promoters - detractors) / total


def period_key(day: date, unit: str) -> str:
    """The period ``day`` falls in: its month (``2027-03``) or its ISO week (``2027-W10``).
    Keys of one unit sort in time order."""
    if unit == "month":
        return f"{day.year:04d}-{day.month:02d}"
    year, week, _ = day.isocalendar()
    return f"{year:04d}-W{week:02d}"


def date_stats(
    question_id: str,
    answered: int,
    skipped: int,
    counts: Iterable[tuple[str, int]],
    min_cell: int = MIN_CELL,
) -> DateStats:
    """How many chose a day in each month (or, when every answer lies within twelve weeks,
    each ISO week), from the count per day (``2027-03-12``). Fewer than ``min_cell``
    answers: no breakdown; periods below ``min_cell`` are merged into OTHER as areas are;
    the earliest and latest day are taken from the periods shown, so a lone early or late
    answer is not given away."""
    days: list[tuple[date, int]] = []
    for key, count in counts:
        try:
            days.append((date.fromisoformat(key), count))
        except ValueError:
            continue  # not a date: never stored by the engine
    if not days:
        return DateStats(question_id, answered, skipped, "month", ())
    first, last = min(d for d, _ in days), max(d for d, _ in days)
    unit = "week" if last - first <= WEEKS_UP_TO else "month"
    if answered < clamp_min_cell(min_cell):
        return DateStats(question_id, answered, skipped, unit, ())
    per: dict[str, int] = {}
    for day, count in days:
        per[period_key(day, unit)] = per.get(period_key(day, unit), 0) + count
    cells, merged = suppress_small_cells(sorted(per.items()), min_cell)
    shown = {key for key, _ in cells if key != OTHER}
    if not shown:
        return DateStats(question_id, answered, skipped, unit, ())
    inside = [day for day, _ in days if period_key(day, unit) in shown]
    return DateStats(question_id, answered, skipped, unit, cells, min(inside), max(inside), merged)

"""Figures of the question shapes of issue 16 that a distribution does not show: rankings
(the mean place of each option and how often it came first) and a 0-10 scale reported as
a Net Promoter Score. Numbers in, numbers out; no Telegram, no database.

Storage counts a ranking as how often each option was put in each place, under the key
:func:`ranked_key` ("groen@1"); :func:`ranking_stats` turns those counts into figures.
"""

from __future__ import annotations

from collections.abc import Iterable

from analysis.figures import Distribution, RankingStats
from flows.schema import RankingQuestion

PROMOTERS = (9, 10)  # NPS: who would recommend it
DETRACTORS = tuple(range(0, 7))  # NPS: 0 to 6


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

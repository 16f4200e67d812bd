"""A deliberation's part of the digest, as figures: pure, from the opinion analysis
(:mod:`analysis.opinions`) and the counts storage read.

Groups with fewer than ``min_group`` participants are not shown on their own (the k >= 5
rule of every digest): they get no column, no representative statements and no colour on
the map. Statements are known by number; the caller passes only approved (live) ones, so
nothing else is ever quoted.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the analysis loads numpy and scikit-learn: only when it runs
    from analysis.opinions import OpinionAnalysis

#: How many statements each list shows.
TOP = 5


@dataclass(frozen=True, slots=True)
class Counts:
    """What storage counted for one deliberation."""

    participants: int
    votes: int
    votes_in_period: int
    live: int
    pending: int
    by_residents: int  # statements residents added (live, waiting or rejected)
    participants_on_web: int = 0  # of ``participants``, those who came through the web door


@dataclass(frozen=True, slots=True)
class Agreement:
    """A statement with the share of each shown group that agreed (of those who voted on
    it; None when nobody in the group voted on it)."""

    number: int
    text: str
    agree: tuple[float | None, ...]
    # For a group's representative statement: whether the group agrees or disagrees.
    direction: str | None = None
    # A resident's statement: the language they wrote it in (None: a seed, or not known).
    language: str | None = None


@dataclass(frozen=True, slots=True)
class DeliberationFigures:
    deliberation_id: str
    title: str
    counts: Counts
    clustered: int
    groups: tuple[int, ...]  # the shown groups (analysis group numbers), by size
    group_sizes: tuple[int, ...]  # of the shown groups
    hidden: int  # participants in groups too small to show
    consensus: tuple[Agreement, ...]
    divisive: tuple[Agreement, ...]
    representative: Mapping[int, tuple[Agreement, ...]]  # shown group -> its statements
    points: tuple[tuple[float, float, int | None], ...]  # x, y, shown group (None: hidden)
    effect_answers_new: int = 0  # answers to its effect checks in the period

    @property
    def quiet(self) -> bool:
        return self.counts.votes_in_period == 0 and self.effect_answers_new == 0


def _agreement(
    analysis: OpinionAnalysis,
    number: int,
    text: str,
    groups: tuple[int, ...],
    direction: str | None = None,
    language: str | None = None,
) -> Agreement:
    counts = analysis.counts.get(number, ())
    shares: list[float | None] = []
    for group in groups:
        found = counts[group] if group < len(counts) else None
        shares.append(found.agree / found.seen if found is not None and found.seen else None)
    return Agreement(number, text, tuple(shares), direction, language)


def compute(
    deliberation_id: str,
    title: str,
    counts: Counts,
    analysis: OpinionAnalysis,
    texts: Mapping[int, str],
    *,
    min_group: int = 5,
    languages: Mapping[int, str] | None = None,
) -> DeliberationFigures:
    """The figures of one deliberation; ``texts``: the live statements by number;
    ``languages``: the language residents' statements were written in, by number."""
    written = languages or {}
    sizes = analysis.group_sizes
    groups = tuple(g for g in range(len(sizes)) if sizes[g] >= min_group)
    hidden = sum(size for size in sizes if size < min_group)
    consensus = tuple(
        _agreement(analysis, n, texts[n], groups, None, written.get(n))
        for n in analysis.consensus
        if n in texts
    )[:TOP]
    divisive = tuple(
        _agreement(analysis, n, texts[n], groups, None, written.get(n))
        for n in analysis.divisive
        if n in texts
    )[:TOP]
    representative = {
        group: tuple(
            _agreement(
                analysis,
                r.statement,
                texts[r.statement],
                groups,
                r.direction,
                written.get(r.statement),
            )
            for r in analysis.representative.get(group, ())
            if r.statement in texts and r.significant
        )[:3]
        for group in groups
    }
    shown = set(groups)
    points = tuple(
        (x, y, group if (group := analysis.groups[p]) in shown else None)
        for p, (x, y) in sorted(analysis.coordinates.items())
    )
    return DeliberationFigures(
        deliberation_id,
        title,
        counts,
        len(analysis.participants),
        groups,
        tuple(sizes[g] for g in groups),
        hidden,
        consensus,
        divisive,
        representative,
        points,
    )

"""The analysis of one deliberation (:func:`analyse`), placing a resident in it (:func:`place`)
and choosing the next statement to show (:func:`next_statement`)."""

from __future__ import annotations

import random
from collections.abc import Collection, Iterable, Mapping

import numpy as np

from analysis.opinions import clustering, statements
from analysis.opinions.model import Counts, OpinionAnalysis


def analyse(
    votes: Iterable[tuple[str, int, int]],
    statement_ids: Iterable[int],
    *,
    min_votes: int = clustering.MIN_VOTES,
) -> OpinionAnalysis:
    """Opinion groups, consensus, divisive and representative statements of a deliberation.

    ``votes``: (participant id, statement id, +1 / -1 / 0); a later vote of a participant on
    a statement replaces an earlier one; votes on statements not in ``statement_ids`` are
    ignored. Deterministic: the same votes give the same analysis, whatever their order
    (apart from which of two votes on one statement is the later)."""
    matrix, kept = clustering.vote_matrix(votes, statement_ids)
    found = clustering.cluster(matrix, min_votes)
    ids = matrix.statements
    participants = tuple(matrix.participants[int(row)] for row in found.rows)
    group_count = int(found.groups.max()) + 1 if len(found.groups) else 0
    clustered = matrix.values[found.rows]
    by_group = statements.tally(clustered, found.groups, group_count)
    everyone = statements.tally(
        matrix.values, np.zeros(len(matrix.participants), dtype=np.int64), 1
    )
    scores = statements.consensus_scores(by_group) if group_count else np.zeros(len(ids))
    extreme = statements.extremity(found.projection.center, found.projection.components)
    return OpinionAnalysis(
        statements=ids,
        voters=len(matrix.participants),
        votes=kept,
        participants=participants,
        groups={p: int(g) for p, g in zip(participants, found.groups, strict=True)},
        coordinates={
            p: (float(x), float(y)) for p, (x, y) in zip(participants, found.points, strict=True)
        },
        group_sizes=tuple(int((found.groups == g).sum()) for g in range(group_count)),
        counts={
            s: tuple(by_group.counts(g, i) for g in range(group_count)) for i, s in enumerate(ids)
        },
        totals={s: everyone.counts(0, i) for i, s in enumerate(ids)},
        consensus_scores={s: float(scores[i]) for i, s in enumerate(ids)},
        consensus=statements.consensus(ids, by_group),
        divisive=statements.divisive(ids, by_group),
        representative=statements.representative(ids, by_group),
        extremity={s: float(extreme[i]) for i, s in enumerate(ids)},
        projection=found.projection,
    )


def place(analysis: OpinionAnalysis, votes: Mapping[int, int]) -> int | None:
    """The group whose members vote most like these votes (statement id -> +1 / -1 / 0):
    the group of the nearest base cluster on the opinion map. None without groups or
    without a vote on a statement of the analysis."""
    projection = analysis.projection
    if projection is None or not analysis.group_sizes:
        return None
    values = np.zeros(len(analysis.statements))
    voted = np.zeros(len(analysis.statements), dtype=bool)
    for i, statement in enumerate(analysis.statements):
        if statement in votes:
            values[i] = votes[statement]
            voted[i] = True
    return clustering.place_point(values, voted, projection)


def next_statement(
    candidates: Iterable[int],
    voted: Collection[int],
    *,
    analysis: OpinionAnalysis | None = None,
    seed: int | str = 0,
) -> int | None:
    """The statement to show next, as Polis routes comments: drawn at random (from ``seed``,
    so the same arguments give the same statement) with weights = Polis's priority, which
    favours statements with few votes (new ones), far out on the opinion map (they separate
    groups) and much agreed with and little passed (possible consensus). Never one in
    ``voted``; None when nothing is left. Statements the analysis does not know (added after
    it ran) count as new: no votes, no extremity."""
    left = sorted(set(candidates) - set(voted))
    if not left:
        return None
    weights: list[float] = []
    for statement in left:
        total = (analysis.totals.get(statement) if analysis is not None else None) or Counts(
            0, 0, 0
        )
        extreme = analysis.extremity.get(statement, 0.0) if analysis is not None else 0.0
        weights.append(statements.priority(total.agree, total.passed, total.seen, extreme))
    return random.Random(seed).choices(left, weights=weights)[0]

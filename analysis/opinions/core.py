"""The analysis of one deliberation (:func:`analyse`), placing a resident in it (:func:`place`)
and choosing the next statement to show (:func:`next_statement`)."""

from __future__ import annotations

import random
from collections.abc import Collection, Iterable, Mapping

import numpy as np

from analysis.opinions import clustering, statements
from analysis.opinions.model import Counts, IntArray, OpinionAnalysis

#: A statement with fewer votes than this (in the analysis; one it does not know has none)
#: is *new*: routing shows the new ones first, then the rest (see :func:`next_statement`).
NEW_VOTES = 5


def analyse(
    votes: Iterable[tuple[str, int, int]],
    statement_ids: Iterable[int],
    *,
    moderated_out: Iterable[int] = (),
    min_votes: int = clustering.MIN_VOTES,
    previous: Mapping[str, int] | None = None,
) -> OpinionAnalysis:
    """Opinion groups, consensus, divisive and representative statements of a deliberation.

    ``votes``: (participant id, statement id, +1 / -1 / 0); a later vote of a participant on
    a statement replaces an earlier one. ``statement_ids``: the statements analysed.
    ``moderated_out``: statements taken out after people voted on them; as in Polis their
    votes count towards a participant's 7 and they stay in the matrix as a pass by everyone
    (see the package docstring). Votes on other statements are ignored. Deterministic: the
    same votes give the same analysis, whatever their order (apart from which of two votes
    on one statement is the later). ``previous``: the ``groups`` of an earlier analysis of
    the same deliberation; the groups are then numbered so that as many participants as
    possible keep their number (the rest: largest first)."""
    live = sorted(set(statement_ids))
    removed = set(moderated_out) - set(live)
    matrix, _ = clustering.vote_matrix(votes, [*live, *removed])
    return _analysed(matrix, live, removed, min_votes, previous)


def analyse_columns(
    participants: IntArray,
    statements_voted: IntArray,
    votes: IntArray,
    statement_ids: Iterable[int],
    *,
    moderated_out: Iterable[int] = (),
    min_votes: int = clustering.MIN_VOTES,
    previous: Mapping[str, int] | None = None,
) -> OpinionAnalysis:
    """:func:`analyse` of votes given as three columns (participant numbers, whose ids are
    their decimal text; statement ids; votes), as storage reads them: the same analysis,
    without a tuple per vote."""
    live = sorted(set(statement_ids))
    removed = set(moderated_out) - set(live)
    matrix, _ = clustering.vote_matrix_columns(
        participants, statements_voted, votes, [*live, *removed]
    )
    return _analysed(matrix, live, removed, min_votes, previous)


def _analysed(
    matrix: clustering.Matrix,
    live: list[int],
    removed: set[int],
    min_votes: int,
    previous: Mapping[str, int] | None,
) -> OpinionAnalysis:
    found = clustering.cluster(matrix, removed, min_votes)
    if previous:
        found = clustering.renumber_like(
            found, [matrix.participants[int(row)] for row in found.rows], previous
        )
    column_of = {statement: i for i, statement in enumerate(matrix.statements)}
    live_columns = np.array([column_of[s] for s in live], dtype=np.int64)
    values = matrix.values[:, live_columns]
    voters = np.flatnonzero((values != clustering.MISSING).any(axis=1))
    ids = tuple(live)
    participants = tuple(matrix.participants[int(row)] for row in found.rows)
    group_count = int(found.groups.max()) + 1 if len(found.groups) else 0
    by_group = statements.tally(values[found.rows], found.groups, group_count)
    everyone = statements.tally(values, np.zeros(len(values), dtype=np.int64), 1)
    scores = statements.consensus_scores(by_group) if group_count else np.zeros(len(ids))
    projection = found.projection
    extreme = dict(
        zip(
            projection.columns,
            statements.extremity(projection.center, projection.components),
            strict=True,
        )
    )
    return OpinionAnalysis(
        statements=ids,
        voters=len(voters),
        votes=int((values != clustering.MISSING).sum()),
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
        extremity={s: float(extreme.get(s, 0.0)) for s in ids},
        projection=projection,
    )


def place(analysis: OpinionAnalysis, votes: Mapping[int, int]) -> int | None:
    """The group whose members vote most like these votes (statement id -> +1 / -1 / 0):
    the group of the nearest base cluster on the opinion map. None without groups or
    without a vote on a statement of the analysis."""
    if analysis.projection is None or not analysis.group_sizes:
        return None
    return clustering.place_point(votes, analysis.projection)


def next_statement(
    candidates: Iterable[int],
    voted: Collection[int],
    *,
    analysis: OpinionAnalysis | None = None,
    seed: int | str = 0,
) -> int | None:
    """The statement to show next, as Polis routes comments: new and little-voted statements
    first, then those that separate groups or might be consensus. Drawn at random (from
    ``seed``, so the same arguments give the same statement) with weights = Polis's priority,
    which favours statements with few votes (new ones), far out on the opinion map (they
    separate groups) and much agreed with and little passed (possible consensus). Never one
    in ``voted``; None when nothing is left.

    Statements with fewer than :data:`NEW_VOTES` votes are drawn before all others (only
    when none is left do the others come): Polis's weights alone would still show a just
    approved statement late to many, while everyone has voted on the first ones. Statements
    the analysis does not know (added after it ran) count as new: no votes, no extremity.
    Without an analysis every statement is new."""
    left = sorted(set(candidates) - set(voted))
    if not left:
        return None

    def total(statement: int) -> Counts:
        found = analysis.totals.get(statement) if analysis is not None else None
        return found or Counts(0, 0, 0)

    new = [statement for statement in left if total(statement).seen < NEW_VOTES]
    pool = new or left
    weights: list[float] = []
    for statement in pool:
        counts = total(statement)
        extreme = analysis.extremity.get(statement, 0.0) if analysis is not None else 0.0
        weights.append(statements.priority(counts.agree, counts.passed, counts.seen, extreme))
    return random.Random(seed).choices(pool, weights=weights)[0]

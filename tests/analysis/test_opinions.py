"""The opinion analysis of a deliberation (analysis.opinions) on data whose answer is known:
planted groups, hand-computable counts, routing, placing, determinism."""

from __future__ import annotations

import math
import random

from sklearn.metrics import adjusted_rand_score

from analysis.opinions import Vote, analyse, next_statement, place


def planted(
    groups: int, per_group: int, statements: int, seed: int
) -> tuple[list[Vote], dict[str, int]]:
    """Groups at equal angles around a circle of opinion, statements too: a group agrees
    with a statement near its own angle, disagrees with one opposite, passes on one at a
    right angle. Members vote on 80 % of the statements and follow their group 90 % of the
    time (otherwise they vote at random)."""
    rng = random.Random(seed)

    def opinion(g: int, s: int) -> int:
        closeness = math.cos(2 * math.pi * (s / statements - g / groups))
        return 0 if abs(closeness) < 0.2 else (1 if closeness > 0 else -1)

    votes: list[Vote] = []
    truth: dict[str, int] = {}
    for g in range(groups):
        for m in range(per_group):
            participant = f"p{g}-{m}"
            truth[participant] = g
            for s in range(statements):
                if rng.random() < 0.8:
                    value = opinion(g, s) if rng.random() < 0.9 else rng.choice((1, -1, 0))
                    votes.append(Vote(participant, s, value))
    return votes, truth


def test_planted_groups_are_found_exactly() -> None:
    for groups in (2, 3, 4):
        votes, truth = planted(groups, 40, 30, seed=groups)
        result = analyse(votes, range(30))
        assert result.group_count == groups
        ids = sorted(truth)
        assert adjusted_rand_score([truth[p] for p in ids], [result.groups[p] for p in ids]) == 1.0


def test_placing_and_routing() -> None:
    votes, _ = planted(2, 30, 20, seed=7)
    result = analyse(votes, range(20))
    someone = "p1-3"
    mine = {v.statement: v.value for v in votes if v.participant == someone}
    assert place(result, mine) == result.groups[someone]
    chosen = next_statement(range(20), set(range(19)), analysis=result, seed="x")
    assert chosen == 19
    assert next_statement(range(20), set(range(20)), analysis=result) is None

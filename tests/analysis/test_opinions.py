"""The opinion analysis of a deliberation (analysis.opinions) on data whose answer is known:
planted groups, hand-computed consensus, repness and divisive statements, routing, placing,
determinism, and Polis's format written and read back."""

from __future__ import annotations

import math
import random
from pathlib import Path

import numpy as np
import pytest
from sklearn.metrics import adjusted_rand_score

from analysis.opinions import (
    PolisComment,
    PolisExport,
    PolisVote,
    Vote,
    analyse,
    analyse_columns,
    next_statement,
    place,
    read_polis,
    write_polis,
)
from analysis.opinions import statements as stats
from analysis.opinions.core import NEW_VOTES


def planted(
    groups: int, per_group: int, statements: int, seed: int, *, follow: float = 0.9
) -> tuple[list[Vote], dict[str, int]]:
    """Groups at equal angles around a circle of opinion, statements too: a group agrees
    with a statement near its own angle, disagrees with one opposite, passes on one at a
    right angle. Members vote on 80 % of the statements and follow their group with
    probability ``follow`` (otherwise they vote at random)."""
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
                    value = opinion(g, s) if rng.random() < follow else rng.choice((1, -1, 0))
                    votes.append(Vote(participant, s, value))
    return votes, truth


@pytest.mark.parametrize("groups", [2, 3, 4])
def test_planted_groups_are_found_exactly(groups: int) -> None:
    votes, truth = planted(groups, 40, 30, seed=groups)
    result = analyse(votes, range(30))
    assert result.group_count == groups
    assert sorted(result.participants) == sorted(truth)
    ids = sorted(truth)
    assert adjusted_rand_score([truth[p] for p in ids], [result.groups[p] for p in ids]) == 1.0
    assert sorted(result.group_sizes) == [40] * groups
    assert set(result.coordinates) == set(truth)


def test_unequal_groups_are_numbered_largest_first() -> None:
    votes, truth = planted(2, 30, 24, seed=5)
    # Drop 20 members of group 0: group 1 is now the larger one, and numbered 0.
    gone = {f"p0-{m}" for m in range(20)}
    result = analyse([v for v in votes if v.participant not in gone], range(24))
    assert result.group_sizes == (30, 10)
    assert {result.groups[p] for p in truth if p.startswith("p1-")} == {0}


def test_the_same_votes_in_another_order_give_the_same_analysis() -> None:
    votes, _ = planted(3, 25, 20, seed=11)
    first = analyse(votes, range(20))
    shuffled = votes[:]
    random.Random(1).shuffle(shuffled)
    again = analyse(shuffled, range(20))
    assert again.groups == first.groups
    assert again.coordinates == first.coordinates
    assert again.consensus == first.consensus
    assert again.divisive == first.divisive
    assert again.representative == first.representative
    assert again.counts == first.counts


def test_only_participants_with_seven_votes_are_clustered_and_a_later_vote_counts() -> None:
    votes, _ = planted(2, 20, 12, seed=3)
    few = [Vote("late", s, 1) for s in range(6)]
    result = analyse([*votes, *few], range(12))
    assert "late" not in result.groups
    assert len(result.participants) == 40
    assert result.voters == 41
    # With fewer statements than 7, voting on all of them is enough.
    small = [Vote(str(p), s, 1 if p < 5 else -1) for p in range(10) for s in range(3)]
    assert len(analyse(small, [0, 1, 2]).participants) == 10
    # A changed vote replaces the earlier one.
    changed = [Vote("0", 0, -1), Vote("0", 0, 0), *small[1:]]
    counts = analyse(changed, [0, 1, 2]).totals[0]
    assert (counts.agree, counts.disagree, counts.passed) == (4, 5, 1)


def test_votes_on_other_statements_are_ignored_and_bad_values_refused() -> None:
    votes, _ = planted(2, 20, 10, seed=4)
    with_noise = [*votes, Vote("p0-1", 99, 1)]
    assert analyse(with_noise, range(10)).groups == analyse(votes, range(10)).groups
    with pytest.raises(ValueError, match="vote"):
        analyse([Vote("a", 1, 2)], [1])


def test_too_few_votes_give_no_groups_and_nothing_crashes() -> None:
    assert analyse([], [1, 2]).group_count == 0
    one = analyse([Vote("a", s, 1) for s in range(8)], range(8))
    assert one.participants == ("a",)
    assert one.group_count == 1
    assert one.representative[0]  # its best agreed statement
    assert next_statement([1, 2], [], analysis=analyse([], [1, 2])) in (1, 2)
    assert place(analyse([], [1, 2]), {1: 1}) is None


def test_everyone_voting_alike_gives_one_group_without_a_division_by_zero() -> None:
    """No variance at all: the PCA is skipped (it would divide by zero), nothing warns."""
    alike = [Vote(p, s, 1 if s < 6 else -1) for p in "abcdef" for s in range(8)]
    found = analyse(alike, range(8))
    assert found.participants == tuple("abcdef")
    assert set(found.groups.values()) == {0}
    assert all(point == (0.0, 0.0) for point in found.coordinates.values())


# --- the statistics, by hand --------------------------------------------------------------------

# Two groups of 10 voters; per statement (agree, disagree, pass) of group 0 and group 1.
HAND = {
    1: ((10, 0, 0), (9, 1, 0)),  # both agree: consensus
    2: ((10, 0, 0), (0, 10, 0)),  # group 0 for, group 1 against: divisive
    3: ((6, 0, 4), (6, 4, 0)),  # a small majority agrees in both: consensus, lower
    4: ((5, 5, 0), (5, 0, 5)),  # half: not consensus (more than half must agree)
}


def hand_tally() -> stats.Tally:
    ids = sorted(HAND)
    agree = np.array([[HAND[s][g][0] for s in ids] for g in range(2)])
    disagree = np.array([[HAND[s][g][1] for s in ids] for g in range(2)])
    seen = np.array([[sum(HAND[s][g]) for s in ids] for g in range(2)])
    return stats.Tally(agree, disagree, seen)


def test_group_informed_consensus_by_hand() -> None:
    scores = stats.consensus_scores(hand_tally())
    # product over groups of (agrees + 1) / (seen + 2)
    assert scores == pytest.approx(
        [11 / 12 * 10 / 12, 11 / 12 * 1 / 12, 7 / 12 * 7 / 12, 6 / 12 * 6 / 12]
    )
    assert stats.consensus(sorted(HAND), hand_tally()) == (1, 3)


def test_divisive_by_hand() -> None:
    assert stats.divisive(sorted(HAND), hand_tally()) == (2,)
    one_group = stats.Tally(
        *(a[:1] for a in (hand_tally().agree, hand_tally().disagree, hand_tally().seen))
    )
    assert stats.divisive(sorted(HAND), one_group) == ()


def test_polis_tests_by_hand() -> None:
    # prop-test: 2 sqrt(n + 1) ((s + 1) / (n + 1) - 1/2)
    assert stats.prop_test(np.array(10), np.array(10)) == pytest.approx(2 * math.sqrt(11) * 0.5)
    # two-prop-test with +1 on every count: (11/11 - 1/11) / sqrt(12/22 * 10/22 * 2/11)
    expected = (1 - 1 / 11) / math.sqrt(12 / 22 * 10 / 22 * 2 / 11)
    assert stats.two_prop_test(
        np.array(10), np.array(0), np.array(10), np.array(10)
    ) == pytest.approx(expected)
    assert expected == pytest.approx(4.2817, abs=1e-4)


def test_representative_statements_by_hand() -> None:
    chosen = stats.representative(sorted(HAND), hand_tally())
    # Group 0: statement 2 (10 of 10 agree, the others 0 of 10) is its only significant one;
    # it is also its best agreed statement, so it stands alone.
    (only,) = chosen[0]
    assert (only.statement, only.direction, only.successes, only.trials) == (2, "agree", 10, 10)
    assert only.probability == pytest.approx(11 / 12)
    assert only.repness == pytest.approx((11 / 12) / (1 / 12))
    assert only.repness_z == pytest.approx(4.2817, abs=1e-4)
    assert only.probability_z == pytest.approx(math.sqrt(11))
    assert only.significant
    # Group 1: its best agreed statement (1: 9 of 10) leads, not significant (group 0 agrees
    # more); then statement 2, which it significantly disagrees with.
    first, second = chosen[1]
    assert (first.statement, first.direction, first.successes, first.significant) == (
        1,
        "agree",
        9,
        False,
    )
    assert (second.statement, second.direction, second.successes, second.significant) == (
        2,
        "disagree",
        10,
        True,
    )


def test_analyse_computes_the_same_figures_from_votes() -> None:
    votes: list[Vote] = []
    for statement, per_group in HAND.items():
        for g, (agree, disagree, passed) in enumerate(per_group):
            values = [1] * agree + [-1] * disagree + [0] * passed
            votes += [Vote(f"g{g}-{m}", statement, v) for m, v in enumerate(values)]
    # Twenty more statements that split the two groups cleanly, so the groups are certain.
    for statement in range(10, 30):
        votes += [
            Vote(f"g{g}-{m}", statement, 1 if g == 0 else -1) for g in range(2) for m in range(10)
        ]
    result = analyse(votes, [*HAND, *range(10, 30)])
    assert result.group_sizes == (10, 10)
    group_of_0 = result.groups["g0-0"]
    assert {result.groups[f"g0-{m}"] for m in range(10)} == {group_of_0}
    counts = result.counts[3][group_of_0]
    assert (counts.agree, counts.disagree, counts.passed, counts.seen) == (6, 0, 4, 10)
    assert result.totals[3].seen == 20
    assert result.consensus == (1, 3)
    assert result.consensus_scores[1] == pytest.approx(11 / 12 * 10 / 12)
    assert 2 in result.divisive and 1 not in result.divisive


# --- routing and placing -----------------------------------------------------------------------


def test_placing_someone_in_the_group_they_vote_like() -> None:
    votes, _ = planted(3, 30, 24, seed=7)
    result = analyse(votes, range(24))
    for someone in ("p0-3", "p1-3", "p2-3"):
        mine = {v.statement: v.value for v in votes if v.participant == someone}
        assert place(result, mine) == result.groups[someone]
    # A newcomer who votes exactly like group 1's opinion on 8 statements lands with group 1.
    like = {v.statement: v.value for v in votes if v.participant == "p1-0"}
    newcomer = dict(list(like.items())[:8])
    assert place(result, newcomer) == result.groups["p1-0"]
    assert place(result, {}) is None
    assert place(result, {999: 1}) is None


def test_routing_never_repeats_is_deterministic_and_prefers_new_statements() -> None:
    votes, _ = planted(2, 30, 20, seed=8)
    result = analyse(votes, range(20))
    assert next_statement(range(20), set(range(19)), analysis=result, seed="x") == 19
    assert next_statement(range(20), set(range(20)), analysis=result) is None
    first = [next_statement(range(25), {0, 1}, analysis=result, seed=f"r{i}") for i in range(50)]
    again = [next_statement(range(25), {0, 1}, analysis=result, seed=f"r{i}") for i in range(50)]
    assert first == again
    assert not {0, 1} & set(first)
    # Statements 20..24 are new (no votes): Polis's priority draws each of them more often
    # than any of the 18 that everyone has seen.
    draws = [next_statement(range(25), {0, 1}, analysis=result, seed=i) for i in range(400)]
    per_new = sum(1 for s in draws if s is not None and s >= 20) / 5
    per_old = sum(1 for s in draws if s is not None and s < 20) / 18
    assert per_new > 2 * per_old
    # Without an analysis every statement is new: all equally likely.
    assert {next_statement([5, 6, 7], [], seed=i) for i in range(40)} == {5, 6, 7}


def test_routing_shows_little_voted_statements_before_the_others() -> None:
    votes, _ = planted(2, 30, 20, seed=8)
    result = analyse(votes, range(20))
    assert min(result.totals[s].seen for s in range(20)) >= NEW_VOTES
    # 20..24 are unknown to the analysis (no votes): always drawn before 0..19.
    draws = {next_statement(range(25), {0, 1}, analysis=result, seed=i) for i in range(200)}
    assert draws == {20, 21, 22, 23, 24}
    # Once they are voted on, the others come.
    assert next_statement(range(25), {20, 21, 22, 23, 24}, analysis=result, seed=0) in range(20)
    # A statement with fewer than NEW_VOTES votes counts as new too.
    few = [v for v in votes if v.statement != 7 or v.participant in {"p0-0", "p1-0"}]
    sparse = analyse(few, range(20))
    assert sparse.totals[7].seen < NEW_VOTES
    assert {next_statement(range(20), {0}, analysis=sparse, seed=i) for i in range(50)} == {7}


def test_priority_is_polis_formula() -> None:
    # A statement nobody saw: (1 - 1/2) * 1 * 1/2 * (1 + 8) squared
    assert stats.priority(0, 0, 0, 0.0) == pytest.approx((0.25 * 9) ** 2)
    seen_a_lot = stats.priority(50, 10, 100, 1.0)
    p, a = 11 / 102, 51 / 102
    assert seen_a_lot == pytest.approx(((1 - p) * 2 * a * (1 + 8 * 2 ** (-20))) ** 2)


# --- Polis's format -----------------------------------------------------------------------------


def test_written_export_reads_back(tmp_path: Path) -> None:
    votes, _ = planted(2, 15, 10, seed=9)
    number = {p: i for i, p in enumerate(sorted({v.participant for v in votes}))}
    live = [
        PolisComment(
            s, author_id=s % 3, moderated=1, body=f'Stelling {s}, "met" komma', timestamp=s
        )
        for s in range(10)
    ]
    comments = (*live, PolisComment(10, author_id=0, moderated=-1, body="weg", timestamp=1))
    cast = [
        PolisVote(v.statement, voter_id=number[v.participant], vote=v.value, timestamp=100 + i)
        for i, v in enumerate(votes)
    ]
    polis_votes = (*cast, PolisVote(10, voter_id=0, vote=1, timestamp=5))
    export = PolisExport(
        comments,
        polis_votes,
        summary={
            "topic": "Autoluwe binnenstad",
            "conversation-description": "Een test,\nmet twee regels",
        },
    )
    analysis = export.analyse()
    write_polis(tmp_path, export, analysis)
    back = read_polis(tmp_path)
    assert sorted(back.comments, key=lambda c: c.comment_id) == sorted(
        comments, key=lambda c: c.comment_id
    )
    assert sorted(back.votes, key=lambda v: (v.comment_id, v.voter_id, v.timestamp)) == sorted(
        polis_votes, key=lambda v: (v.comment_id, v.voter_id, v.timestamp)
    )
    assert back.groups == analysis.groups
    assert back.summary["topic"] == "Autoluwe binnenstad"
    assert back.summary["conversation-description"] == "Een test,\nmet twee regels"
    assert back.summary["groups"] == "2"
    assert back.summary["voters-in-conv"] == str(len(analysis.participants))
    assert back.analyse().groups == analysis.groups
    header = (tmp_path / "participants-votes.csv").read_text().splitlines()[0]
    assert header.startswith("participant,group-id,n-comments,n-votes,n-agree,n-disagree,0,1,")
    assert (tmp_path / "comments.csv").read_text().splitlines()[0] == (
        "timestamp,datetime,comment-id,author-id,agrees,disagrees,moderated,comment-body"
    )
    assert (tmp_path / "votes.csv").read_text().splitlines()[
        0
    ] == "timestamp,datetime,comment-id,voter-id,vote"


def test_statements_moderated_out_count_as_polis_counts_them() -> None:
    """Votes on a statement taken out later: never reported, but they count towards a
    participant's 7 votes, and the statement stays in the matrix as a pass by everyone."""
    votes, _ = planted(2, 20, 10, seed=12)
    # "six" voted on 6 live statements and on the one taken out (99): 7 votes in all.
    late = [Vote("six", s, 1) for s in range(6)] + [Vote("six", 99, 1)]
    on_removed = [Vote(f"p0-{m}", 99, 1) for m in range(5)]
    result = analyse([*votes, *late, *on_removed], range(10), moderated_out=[99])
    assert "six" in result.groups
    assert 99 not in result.statements and 99 not in result.counts
    assert result.voters == 41
    without = analyse([*votes, *late], range(10))
    assert "six" not in without.groups
    assert result.projection is not None and 99 in result.projection.columns
    # Without a vote on it, a statement taken out changes nothing.
    assert (
        analyse(votes, range(10), moderated_out=[98]).coordinates
        == analyse(votes, range(10)).coordinates
    )


def test_group_numbers_follow_an_earlier_analysis() -> None:
    votes, truth = planted(3, 30, 24, seed=13)
    first = analyse(votes, range(24))
    # Group 2 of the planted ones grows: it becomes the largest, so by size it would be
    # renumbered 0; with the earlier groups its members keep their number.
    more = [
        Vote(f"new{m}", v.statement, v.value)
        for m in range(20)
        for v in votes
        if v.participant == "p2-0"
    ]
    bigger = [*votes, *more]
    by_size = analyse(bigger, range(24))
    kept = analyse(bigger, range(24), previous=first.groups)
    assert by_size.groups["p2-0"] == 0 != first.groups["p2-0"]
    assert all(kept.groups[p] == first.groups[p] for p in truth)
    assert kept.groups[f"new{0}"] == first.groups["p2-0"]
    assert sorted(kept.group_sizes) == sorted(by_size.group_sizes)
    assert kept.representative[kept.groups["p2-0"]] == by_size.representative[0]
    for someone in ("p0-1", "p2-1"):
        mine = {v.statement: v.value for v in votes if v.participant == someone}
        assert place(kept, mine) == first.groups[someone]
    # Nobody in common: numbered by size, as without.
    strangers = {f"x{m}": m % 2 for m in range(10)}
    assert analyse(bigger, range(24), previous=strangers).groups == by_size.groups


def _same_analysis(one: object, other: object) -> None:
    import dataclasses

    for field in dataclasses.fields(one):  # type: ignore[arg-type]
        mine, theirs = getattr(one, field.name), getattr(other, field.name)
        if field.name == "projection":
            for part in dataclasses.fields(mine):
                a, b = getattr(mine, part.name), getattr(theirs, part.name)
                assert np.array_equal(a, b) if hasattr(a, "shape") else a == b, part.name
        else:
            assert mine == theirs, field.name


@pytest.mark.parametrize("seed", [1, 2])
def test_votes_as_columns_give_the_same_analysis(seed: int) -> None:
    """What the digest hands over (three arrays as storage reads them) is analysed exactly
    as the same votes as tuples: changed votes (the later counts), votes on a statement
    not analysed, one taken out by moderation, participants out of order."""
    votes, _truth = planted(3, 30, 20, seed=seed)
    rng = random.Random(seed)
    number = {
        p: n for n, p in enumerate(sorted({v[0] for v in votes}, key=lambda _: rng.random()))
    }
    numbered = [(number[p], s, value) for p, s, value in votes]
    numbered += [(number[p], s, -value or 1) for p, s, value in rng.sample(votes, 200)]
    numbered += [(n, 99, 1) for n in range(10)]  # a statement not analysed
    rng.shuffle(numbered)
    people, statements, values = (
        np.array(column, dtype=np.int64) for column in zip(*numbered, strict=True)
    )
    as_tuples = [(str(p), s, v) for p, s, v in numbered]
    for kwargs in ({}, {"moderated_out": [3]}, {"previous": {"0": 1, "1": 0}}):
        analysed = range(20) if "moderated_out" not in kwargs else [s for s in range(20) if s != 3]
        expected = analyse(as_tuples, analysed, **kwargs)  # type: ignore[arg-type]
        got = analyse_columns(people, statements, values, analysed, **kwargs)  # type: ignore[arg-type]
        _same_analysis(expected, got)
    # Negative numbers are not all digits as text: they sort after the others, as with tuples.
    negative = people - 5
    _same_analysis(
        analyse([(str(p - 5), s, v) for p, s, v in numbered], range(20)),
        analyse_columns(negative, statements, values, range(20)),
    )
    with pytest.raises(ValueError, match="a vote is"):
        analyse_columns(people[:1], statements[:1], np.array([3]), range(20))

"""What the groups say about each statement: counts, group-informed consensus, divisive
statements and Polis's representative statements (repness with its 90 % tests), with
Polis's formulas (math/src/polismath/math/repness.clj and stats.clj)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from analysis.opinions.model import Counts, Direction, Representative

#: One-sided z at 90 % (Polis's z-sig-90?).
Z90 = 1.2816
#: Polis shows at most this many representative statements per group.
PICK = 5


@dataclass(frozen=True, eq=False)
class Tally:
    """Agree, disagree and seen counts, groups x statements."""

    agree: np.ndarray
    disagree: np.ndarray
    seen: np.ndarray

    def counts(self, group: int, column: int) -> Counts:
        agree = int(self.agree[group, column])
        disagree = int(self.disagree[group, column])
        return Counts(agree, disagree, int(self.seen[group, column]) - agree - disagree)


def tally(values: np.ndarray, groups: np.ndarray, group_count: int) -> Tally:
    """Counts per group and statement of the rows ``values`` (int8, 2 = missing)."""
    shape = (group_count, values.shape[1])
    agree, disagree, seen = (
        np.zeros(shape, np.int64),
        np.zeros(shape, np.int64),
        np.zeros(shape, np.int64),
    )
    for group in range(group_count):
        rows = values[groups == group]
        agree[group] = (rows == 1).sum(axis=0)
        disagree[group] = (rows == -1).sum(axis=0)
        seen[group] = (rows != 2).sum(axis=0)
    return Tally(agree, disagree, seen)


def consensus_scores(counts: Tally) -> np.ndarray:
    """Polis's group-informed consensus per statement: the product over groups of
    (agrees + 1) / (seen + 2)."""
    probabilities = (counts.agree + 1.0) / (counts.seen + 2.0)
    scores: np.ndarray = probabilities.prod(axis=0)
    return scores


def consensus(statements: Sequence[int], counts: Tally) -> tuple[int, ...]:
    """Statements that every group supports, best first: in each group more than half of
    those who voted on it agreed ((agrees + 1) / (seen + 2) > 1/2), ordered by the
    group-informed consensus score (ties: lower id first)."""
    if counts.agree.shape[0] == 0:
        return ()
    scores = consensus_scores(counts)
    supported: np.ndarray = np.all(2 * counts.agree > counts.seen, axis=0)
    chosen = [i for i in range(len(statements)) if supported[i]]
    chosen.sort(key=lambda i: (-scores[i], statements[i]))
    return tuple(statements[i] for i in chosen)


def prop_test(successes: np.ndarray, trials: np.ndarray) -> np.ndarray:
    """Polis's one-proportion test against 1/2 (stats/prop-test)."""
    s, n = successes + 1.0, trials + 1.0
    result: np.ndarray = 2 * np.sqrt(n) * (s / n - 0.5)
    return result


def two_prop_test(
    success_in: np.ndarray, success_out: np.ndarray, trials_in: np.ndarray, trials_out: np.ndarray
) -> np.ndarray:
    """Polis's two-proportion test, group against the rest (stats/two-prop-test)."""
    s1, s2 = success_in + 1.0, success_out + 1.0
    n1, n2 = trials_in + 1.0, trials_out + 1.0
    pi1, pi2 = s1 / n1, s2 / n2
    pooled = (s1 + s2) / (n1 + n2)
    spread = np.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.where(pooled >= 1.0, 0.0, (pi1 - pi2) / np.where(spread > 0, spread, 1.0))
    result: np.ndarray = z
    return result


def divisive(statements: Sequence[int], counts: Tally) -> tuple[int, ...]:
    """Statements that split the groups: at least one group mostly agrees and another
    mostly disagrees, both significantly (probability (n + 1) / (seen + 2) > 1/2 and
    Polis's proportion test z > 1.2816), ordered by the largest product of the agreeing
    group's agree probability and the other group's disagree probability (ties: lower id)."""
    if counts.agree.shape[0] < 2:
        return ()
    pa = (counts.agree + 1.0) / (counts.seen + 2.0)
    pd = (counts.disagree + 1.0) / (counts.seen + 2.0)
    for_ = (pa > 0.5) & (prop_test(counts.agree, counts.seen) > Z90)
    against = (pd > 0.5) & (prop_test(counts.disagree, counts.seen) > Z90)
    scored: list[tuple[float, int]] = []
    groups = range(counts.agree.shape[0])
    for i, statement in enumerate(statements):
        best = 0.0
        for g in groups:
            if not for_[g, i]:
                continue
            for h in groups:
                if h != g and against[h, i]:
                    best = max(best, float(pa[g, i] * pd[h, i]))
        if best > 0:
            scored.append((-best, statement))
    return tuple(statement for _, statement in sorted(scored))


@dataclass
class _Stats:
    """Polis's comment stats of one group and statement (n=count, p=probability,
    r=repness, t=test; a=agree, d=disagree, s=seen)."""

    na: int
    nd: int
    ns: int
    pa: float
    pd: float
    pat: float
    pdt: float
    ra: float
    rd: float
    rat: float
    rdt: float


def _finalize(statement: int, s: _Stats) -> Representative:
    direction: Direction
    if s.rat > s.rdt:
        direction, values = "agree", (s.na, s.ns, s.pa, s.pat, s.ra, s.rat)
    else:
        direction, values = "disagree", (s.nd, s.ns, s.pd, s.pdt, s.rd, s.rdt)
    successes, trials, probability, probability_z, repness, repness_z = values
    return Representative(
        statement=statement,
        direction=direction,
        successes=int(successes),
        trials=int(trials),
        probability=float(probability),
        probability_z=float(probability_z),
        repness=float(repness),
        repness_z=float(repness_z),
        significant=bool(probability_z > Z90 and repness_z > Z90),
    )


def _metric(r: Representative) -> float:
    return r.repness * r.repness_z * r.probability * r.probability_z


def _passes(s: _Stats) -> bool:
    return (s.rat > Z90 and s.pat > Z90) or (s.rdt > Z90 and s.pdt > Z90)


def _beats_best_agree(s: _Stats, best: _Stats | None) -> bool:
    if s.na == 0 and s.nd == 0:
        return False
    if best is not None and best.ra > 1.0:
        return s.ra * s.rat * s.pa * s.pat > best.ra * best.rat * best.pa * best.pat
    if best is not None:
        return s.pa * s.pat > best.pa * best.pat
    return s.pat > Z90 or (s.ra > 1.0 and s.pa > 0.5)


def representative(
    statements: Sequence[int], counts: Tally
) -> dict[int, tuple[Representative, ...]]:
    """Polis's representative statements of each group (repness.clj select-rep-comments):
    the statements whose agree (or disagree) share in the group is significantly above
    that of the other groups and above 1/2 (both tests at 90 %), best first by
    repness x its z x probability x its z, at most 5, the group's best agreed statement
    first (even when not significant: Polis wants each group's agreement shown), agreed ones
    before disagreed ones. A group without any significant statement gets its best agreed
    one, or else its single best one by the two-proportion test."""
    groups = counts.agree.shape[0]
    if groups == 0:
        return {}
    na, nd, ns = counts.agree, counts.disagree, counts.seen
    rest_na, rest_nd, rest_ns = na.sum(0) - na, nd.sum(0) - nd, ns.sum(0) - ns
    pa, pd = (na + 1.0) / (ns + 2.0), (nd + 1.0) / (ns + 2.0)
    pat, pdt = prop_test(na, ns), prop_test(nd, ns)
    ra = pa / ((rest_na + 1.0) / (rest_ns + 2.0))
    rd = pd / ((rest_nd + 1.0) / (rest_ns + 2.0))
    rat = two_prop_test(na, rest_na, ns, rest_ns)
    rdt = two_prop_test(nd, rest_nd, ns, rest_ns)
    result: dict[int, tuple[Representative, ...]] = {}
    for g in range(groups):
        sufficient: list[Representative] = []
        best: Representative | None = None
        best_agree: tuple[int, _Stats] | None = None
        for i, statement in enumerate(statements):
            s = _Stats(
                int(na[g, i]),
                int(nd[g, i]),
                int(ns[g, i]),
                float(pa[g, i]),
                float(pd[g, i]),
                float(pat[g, i]),
                float(pdt[g, i]),
                float(ra[g, i]),
                float(rd[g, i]),
                float(rat[g, i]),
                float(rdt[g, i]),
            )
            if _passes(s):
                sufficient.append(_finalize(statement, s))
            if not sufficient and (best is None or max(s.rat, s.rdt) > best.repness_z):
                best = _finalize(statement, s)
            if _beats_best_agree(s, best_agree[1] if best_agree else None):
                best_agree = (statement, s)
        head: list[Representative] = []
        if best_agree is not None:
            # The group's best agreed statement leads, with its agree figures (it was chosen
            # for them; Polis marks it best-agree and adds its agree count).
            statement, s = best_agree
            head = [
                Representative(
                    statement=statement,
                    direction="agree",
                    successes=s.na,
                    trials=s.ns,
                    probability=s.pa,
                    probability_z=s.pat,
                    repness=s.ra,
                    repness_z=s.rat,
                    significant=bool(s.pat > Z90 and s.rat > Z90),
                )
            ]
        if not sufficient:
            chosen = head or ([best] if best is not None else [])
        else:
            others = [r for r in sufficient if not head or r.statement != head[0].statement]
            others.sort(key=lambda r: -_metric(r))
            chosen = (head + others)[:PICK]
            chosen = [r for r in chosen if r.direction == "agree"] + [
                r for r in chosen if r.direction == "disagree"
            ]
        result[g] = tuple(chosen)
    return result


def extremity(center: np.ndarray, components: np.ndarray) -> np.ndarray:
    """Polis's comment extremity: the length of the projection of a lone agree vote on the
    statement (sparsity-aware, so scaled by sqrt(statements))."""
    n = components.shape[1]
    spread = np.abs(1.0 - center) * np.sqrt(n)
    result: np.ndarray = spread * np.sqrt((components**2).sum(axis=0))
    return result


def priority(agree: int, passed: int, seen: int, extreme: float) -> float:
    """Polis's comment priority (conversation.clj priority-metric): statements that many
    agree with and few pass on, that are far out on the map, and new ones (few votes) first."""
    p = (passed + 1) / (seen + 2)
    a = (agree + 1) / (seen + 2)
    importance = (1 - p) * (extreme + 1) * a
    return (importance * (1 + 8 * math.pow(2, -seen / 5))) ** 2

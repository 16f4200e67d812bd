"""From votes to opinion groups, as Polis does it: the vote matrix, PCA to two dimensions
with Polis's scaling for sparse voters, base clusters, and k-means with k chosen by
silhouette. See the package docstring for the choices and why."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import cache
from operator import itemgetter

import numpy as np
import pandas as pd
from scipy.optimize import linear_sum_assignment
from sklearn.cluster import KMeans
from sklearn.decomposition import PCA
from sklearn.metrics import silhouette_score
from threadpoolctl import ThreadpoolController

from analysis.opinions.model import FloatArray, IntArray, Projection

#: Polis: a participant is clustered after this many votes (or all statements, if fewer).
MIN_VOTES = 7
#: Polis: participants are first grouped into this many base clusters.
BASE_CLUSTERS = 100
#: Polis: between 2 and this many opinion groups.
MAX_GROUPS = 5
#: Missing vote in the int8 matrix.
MISSING = 2
SEED = 0
#: k-means starts for the base clusters (Polis runs one; their exact borders matter little,
#: and three starts agreed no better with Polis's groups on the real conversations, at three
#: times the cost).
BASE_STARTS = 1


@dataclass(frozen=True, eq=False)
class Matrix:
    """The vote matrix: rows are participants (sorted ids), columns the statements (sorted);
    +1, -1, 0, and :data:`MISSING` where someone has not voted."""

    participants: tuple[str, ...]
    statements: tuple[int, ...]
    values: np.ndarray  # int8, participants x statements

    @property
    def voted(self) -> np.ndarray:
        voted: np.ndarray = self.values != MISSING
        return voted


def participant_key(participant: str) -> tuple[int, int, str]:
    """Numbers in numeric order first (Polis's participant numbers), other ids after them."""
    if participant.isdigit():
        return (0, int(participant), "")
    return (1, 0, participant)


def vote_matrix(
    votes: Iterable[tuple[str, int, int]], statements: Iterable[int]
) -> tuple[Matrix, int]:
    """The matrix of the last vote of each participant on each statement considered (votes
    on other statements are left out); also the number of votes kept. Vectorised: a
    million votes take about a second, most of it reading the tuples."""
    columns = np.array(sorted(set(statements)), dtype=np.int64)
    listed = votes if isinstance(votes, list) else list(votes)
    count = len(listed)
    statement_ids = np.fromiter(map(itemgetter(1), listed), dtype=np.int64, count=count)
    values = np.fromiter(map(itemgetter(2), listed), dtype=np.float64, count=count)
    wrong = (values != 1) & (values != -1) & (values != 0)
    if wrong.any():
        raise ValueError(f"a vote is +1, -1 or 0, not {values[wrong][0]!r}")
    position = np.searchsorted(columns, statement_ids)
    inside = position < len(columns)
    considered = inside.copy()
    considered[inside] = columns[position[inside]] == statement_ids[inside]
    kept_at = np.flatnonzero(considered)
    names = np.empty(count, dtype=object)
    names[:] = list(map(itemgetter(0), listed))
    if len(kept_at) < count:
        names = names[kept_at]
    codes, found = pd.factorize(names)
    order = sorted((str(name) for name in found), key=participant_key)
    renumber = np.empty(len(order), dtype=np.int64)
    new_of = {name: new for new, name in enumerate(order)}
    for code, name in enumerate(found):
        renumber[code] = new_of[str(name)]
    matrix = np.full((len(order), len(columns)), MISSING, dtype=np.int8)
    kept = 0
    if len(kept_at):
        rows = renumber[codes]
        cols = position[kept_at]
        cast = values[kept_at].astype(np.int8)
        # The last vote of a participant on a statement counts: keep each cell's last index.
        cells = rows * len(columns) + cols
        _, first_from_end = np.unique(cells[::-1], return_index=True)
        keep = len(cells) - 1 - first_from_end
        matrix[rows[keep], cols[keep]] = cast[keep]
        kept = len(keep)
    statement_tuple = tuple(int(s) for s in columns)
    return Matrix(tuple(order), statement_tuple, matrix), kept


def vote_matrix_columns(
    participants: IntArray, statement_ids: IntArray, votes: IntArray, statements: Iterable[int]
) -> tuple[Matrix, int]:
    """:func:`vote_matrix` of votes given as three columns (participant numbers, statement
    ids, votes; as storage reads them), without a tuple per vote: the same matrix, since a
    number's id is its decimal text and numbers sort as :func:`participant_key` sorts them.
    Negative participant numbers (text that is not all digits) go through the tuples."""
    people = np.asarray(participants, dtype=np.int64)
    if len(people) and int(people.min()) < 0:
        listed = list(zip(map(str, people.tolist()), statement_ids, votes, strict=True))
        return vote_matrix(listed, statements)
    columns = np.array(sorted(set(statements)), dtype=np.int64)
    ids = np.asarray(statement_ids, dtype=np.int64)
    values = np.asarray(votes, dtype=np.float64)
    wrong = (values != 1) & (values != -1) & (values != 0)
    if wrong.any():
        raise ValueError(f"a vote is +1, -1 or 0, not {values[wrong][0]!r}")
    position = np.searchsorted(columns, ids)
    inside = position < len(columns)
    considered = inside.copy()
    considered[inside] = columns[position[inside]] == ids[inside]
    kept_at = np.flatnonzero(considered)
    numbers, rows = np.unique(people[kept_at], return_inverse=True)
    matrix = np.full((len(numbers), len(columns)), MISSING, dtype=np.int8)
    kept = 0
    if len(kept_at):
        cols = position[kept_at]
        cast = values[kept_at].astype(np.int8)
        cells = rows.reshape(-1) * len(columns) + cols  # the last vote on a cell counts
        _, first_from_end = np.unique(cells[::-1], return_index=True)
        keep = len(cells) - 1 - first_from_end
        matrix[rows.reshape(-1)[keep], cols[keep]] = cast[keep]
        kept = len(keep)
    order = tuple(str(n) for n in numbers.tolist())
    return Matrix(order, tuple(int(s) for s in columns), matrix), kept


@dataclass(frozen=True, eq=False)
class Fitted:
    """PCA of the vote matrix: the statement means and the two components."""

    center: FloatArray
    components: FloatArray  # 2 x statements


def fit_pca(filled: FloatArray, voted: np.ndarray) -> Fitted:
    """PCA of the vote matrix (``filled``: the votes, 0 where ``voted`` is false) with each
    missing vote imputed by its statement's mean (of everyone who voted on it), as Polis
    does, over all voters."""
    counts = voted.sum(axis=0)
    center = np.divide(filled.sum(axis=0), counts, out=np.zeros(filled.shape[1]), where=counts > 0)
    components = np.zeros((2, filled.shape[1]))
    imputed = np.where(voted, filled, center)
    # Everyone voted alike: no variance, no components (PCA would divide by zero).
    if filled.shape[0] >= 2 and filled.shape[1] >= 1 and np.ptp(imputed, axis=0).any():
        wanted = min(2, *imputed.shape)
        pca = PCA(n_components=wanted, svd_solver="covariance_eigh")
        pca.fit(imputed)
        components[:wanted] = pca.components_
    return Fitted(center, components)


def project(filled: FloatArray, voted: np.ndarray, fitted: Fitted) -> FloatArray:
    """Polis's sparsity-aware projection: (vote - mean) on the statements voted on (``filled``
    has 0 where ``voted`` is false), onto the components, scaled by sqrt(statements /
    votes), so that someone who voted on few statements is not drawn into the middle of
    the map."""
    components = fitted.components.T
    shift = fitted.center[:, None] * components
    projected: FloatArray = filled @ components - voted.astype(np.float64) @ shift
    votes = voted.sum(axis=1)
    scale = np.sqrt(filled.shape[1] / np.maximum(votes, 1))
    scaled: FloatArray = projected * scale[:, None]
    return scaled


def _kmeans(
    points: FloatArray, k: int, weights: FloatArray | None = None, starts: int = 10
) -> IntArray:
    model = KMeans(n_clusters=k, n_init=starts, random_state=SEED)
    labels: IntArray = model.fit_predict(points, sample_weight=weights).astype(np.int64)
    return labels


def base_clusters(points: FloatArray) -> tuple[FloatArray, IntArray]:
    """Up to :data:`BASE_CLUSTERS` k-means clusters of the participants' points: their
    centres and the base cluster of each participant. With fewer distinct points, each
    distinct point is a base cluster (as in Polis)."""
    distinct, inverse = np.unique(points, axis=0, return_inverse=True)
    inverse = inverse.reshape(-1)
    if len(distinct) <= BASE_CLUSTERS:
        return distinct.astype(np.float64), inverse.astype(np.int64)
    labels = _kmeans(points, BASE_CLUSTERS, starts=BASE_STARTS)
    counts = np.bincount(labels, minlength=BASE_CLUSTERS)
    used = np.flatnonzero(counts)
    sums = np.zeros((BASE_CLUSTERS, points.shape[1]))
    np.add.at(sums, labels, points)
    centers = sums[used] / counts[used][:, None]
    renumber = np.full(BASE_CLUSTERS, -1, dtype=np.int64)
    renumber[used] = np.arange(len(used))
    return centers, renumber[labels]


def group_base_clusters(centers: FloatArray, weights: FloatArray) -> IntArray:
    """The opinion group of each base cluster: weighted k-means on their centres for k from 2
    to min(5, 2 + base clusters / 12) (Polis's bound), the k with the best silhouette
    (over the base clusters, as Polis computes it); ties go to the smaller k."""
    n = len(centers)
    if n < 2:
        return np.zeros(n, dtype=np.int64)
    if n == 2:
        return np.arange(2, dtype=np.int64)
    most = min(MAX_GROUPS, 2 + n // 12, n - 1)
    best: IntArray | None = None
    best_score = -np.inf
    for k in range(2, most + 1):
        labels = _kmeans(centers, k, weights)
        if len(np.unique(labels)) < 2:
            continue
        score = float(silhouette_score(centers, labels))
        if score > best_score + 1e-12:
            best, best_score = labels, score
    if best is None:
        return np.zeros(n, dtype=np.int64)
    return best


def number_groups(labels: IntArray) -> IntArray:
    """Renumber groups 0..k-1: largest first, ties by their first member's row."""
    found = np.unique(labels)
    sizes = np.array([(labels == g).sum() for g in found])
    first = np.array([np.flatnonzero(labels == g)[0] for g in found])
    order = sorted(range(len(found)), key=lambda i: (-sizes[i], first[i]))
    mapping = np.empty(found.max() + 1 if len(found) else 0, dtype=np.int64)
    for new, index in enumerate(order):
        mapping[found[index]] = new
    renumbered: IntArray = mapping[labels] if len(labels) else labels
    return renumbered


@dataclass(frozen=True, eq=False)
class Clustering:
    rows: np.ndarray  # matrix rows of the clustered participants
    points: FloatArray  # their 2-D coordinates
    groups: IntArray  # their group, 0..k-1
    projection: Projection


@cache
def _threads() -> ThreadpoolController:
    """The thread pools of the loaded libraries (looked up once: it takes a tenth of a second)."""
    return ThreadpoolController()


def cluster(
    matrix: Matrix, moderated_out: Collection[int] = (), min_votes: int = MIN_VOTES
) -> Clustering:
    """Opinion groups of the participants with enough votes; see the package docstring."""
    # One thread: k-means (OpenMP) and the eigen-decomposition (BLAS) are small problems
    # here, and their threads spin and cost more than they bring, the more so on a busy
    # machine (a 316 x 316 eigh: 1.8 s with threads under load, 0.05 s without).
    with _threads().limit(limits=1):
        return _cluster(matrix, set(moderated_out), min_votes)


def _cluster(matrix: Matrix, moderated_out: set[int], min_votes: int) -> Clustering:
    # Polis's matrix has a column for each statement with a vote; the votes on one that was
    # moderated out become a column of passes for everyone (nm/zero-out-columns).
    active = np.flatnonzero(matrix.voted.any(axis=0))
    columns = tuple(matrix.statements[int(i)] for i in active)
    zeroed = np.array([statement in moderated_out for statement in columns], dtype=bool)
    values = matrix.values[:, active]
    votes_cast = (values != MISSING).sum(axis=1)
    if zeroed.any():
        values = values.copy()
        values[:, zeroed] = 0
    voted = values != MISSING
    filled = np.where(voted, values, 0).astype(np.float64)
    fitted = fit_pca(filled, voted)
    # Clustered: enough votes cast (on any statement, as Polis counts them).
    rows = np.flatnonzero(votes_cast >= max(min(min_votes, len(columns)), 1))
    if len(rows) < len(voted):
        filled, voted = filled[rows], voted[rows]
    points = project(filled, voted, fitted)
    if len(rows) == 0:
        projection = Projection(
            columns,
            zeroed,
            fitted.center,
            fitted.components,
            np.zeros((0, 2)),
            np.zeros(0, dtype=np.int64),
        )
        return Clustering(rows, points, np.zeros(0, dtype=np.int64), projection)
    centers, base = base_clusters(points)
    weights = np.bincount(base, minlength=len(centers)).astype(np.float64)
    base_group = group_base_clusters(centers, weights)
    groups = base_group[base]
    renumbered = number_groups(groups)
    # The same renumbering for the base clusters.
    mapping = {int(old): int(new) for old, new in zip(groups, renumbered, strict=True)}
    base_group = np.array([mapping[int(g)] for g in base_group], dtype=np.int64)
    projection = Projection(columns, zeroed, fitted.center, fitted.components, centers, base_group)
    return Clustering(rows, points, renumbered, projection)


def renumber_like(
    found: Clustering, participants: Sequence[str], previous: Mapping[str, int]
) -> Clustering:
    """The same clustering with its groups numbered after ``previous`` (participant ->
    group of an earlier analysis): the numbering that keeps the most participants in a
    group of the same number (an optimal assignment); groups left over take the numbers
    left over, largest first."""
    count = int(found.groups.max()) + 1 if len(found.groups) else 0
    if count == 0:
        return found
    earlier = np.array([previous.get(p, -1) for p in participants], dtype=np.int64)
    numbers = max(count, int(earlier.max()) + 1)
    overlap = np.zeros((count, numbers), dtype=np.int64)
    known = (earlier >= 0) & (earlier < numbers)
    np.add.at(overlap, (found.groups[known], earlier[known]), 1)
    rows, cols = linear_sum_assignment(overlap, maximize=True)
    mapping = {
        row: col
        for row, col in zip(rows.tolist(), cols.tolist(), strict=True)
        if overlap[row, col] > 0
    }
    # The assignment may hand out numbers >= count (an earlier analysis had more groups):
    # keep 0..count-1, give those groups the free numbers in their current order.
    free = iter(sorted(set(range(count)) - {n for n in mapping.values() if n < count}))
    for group in range(count):
        if mapping.get(group, count) >= count:
            mapping[group] = next(free)
    lookup = np.array([mapping[g] for g in range(count)], dtype=np.int64)
    projection = replace(found.projection, base_groups=lookup[found.projection.base_groups])
    return replace(found, groups=lookup[found.groups], projection=projection)


def place_point(votes: Mapping[int, int], projection: Projection) -> int | None:
    """The group of the base cluster nearest to one participant's projected votes
    (statement id -> +1 / -1 / 0)."""
    if len(projection.base_centers) == 0:
        return None
    values = np.zeros(len(projection.columns))
    voted = projection.zeroed.copy()
    for i, statement in enumerate(projection.columns):
        if statement in votes and not projection.zeroed[i]:
            values[i] = votes[statement]
            voted[i] = True
    if not voted[~projection.zeroed].any():
        return None
    fitted = Fitted(projection.center, projection.components)
    point = project(values[None, :], voted[None, :], fitted)[0]
    distances = ((projection.base_centers - point) ** 2).sum(axis=1)
    return int(projection.base_groups[int(np.argmin(distances))])

"""From votes to opinion groups, as Polis does it: the vote matrix, PCA to two dimensions
with Polis's scaling for sparse voters, base clusters, and k-means with k chosen by
silhouette. See the package docstring for the choices and why."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from sklearn.cluster import KMeans
from sklearn.decomposition import PCA
from sklearn.metrics import silhouette_score
from threadpoolctl import threadpool_limits

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
#: k-means starts for the base clusters (Polis runs one; their exact borders matter little).
BASE_STARTS = 3


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
    on other statements are left out); also the number of votes kept."""
    columns = tuple(sorted(set(statements)))
    column_of = {statement: index for index, statement in enumerate(columns)}
    row_of: dict[str, int] = {}
    rows: list[int] = []
    cols: list[int] = []
    values: list[int] = []
    for participant, statement, value in votes:
        column = column_of.get(statement)
        if column is None:
            continue
        if value not in (1, -1, 0):
            raise ValueError(f"a vote is +1, -1 or 0, not {value!r}")
        row = row_of.setdefault(participant, len(row_of))
        rows.append(row)
        cols.append(column)
        values.append(value)
    order = sorted(row_of, key=participant_key)
    renumber = np.empty(len(order), dtype=np.int64)
    for new, participant in enumerate(order):
        renumber[row_of[participant]] = new
    matrix = np.full((len(order), len(columns)), MISSING, dtype=np.int8)
    if rows:
        row_array = renumber[np.asarray(rows, dtype=np.int64)]
        col_array = np.asarray(cols, dtype=np.int64)
        value_array = np.asarray(values, dtype=np.int8)
        # The last vote of a participant on a statement counts: keep each cell's last index.
        cells = row_array * len(columns) + col_array
        reversed_cells = cells[::-1]
        _, first_from_end = np.unique(reversed_cells, return_index=True)
        keep = len(cells) - 1 - first_from_end
        matrix[row_array[keep], col_array[keep]] = value_array[keep]
        kept = len(keep)
    else:
        kept = 0
    return Matrix(tuple(order), columns, matrix), kept


def clustered_rows(matrix: Matrix, min_votes: int) -> np.ndarray:
    """Rows of the participants with at least ``min_votes`` votes (or all statements)."""
    needed = min(min_votes, len(matrix.statements))
    counts = matrix.voted.sum(axis=1)
    return np.flatnonzero(counts >= max(needed, 1))


@dataclass(frozen=True, eq=False)
class Fitted:
    """PCA of the vote matrix: the statement means and the two components."""

    center: FloatArray
    components: FloatArray  # 2 x statements


def fit_pca(matrix: Matrix) -> Fitted:
    """PCA of the matrix with missing votes imputed by the statement's mean (of everyone who
    voted on it; 0 for a statement nobody voted on), as Polis does, over all voters."""
    voted = matrix.voted
    values = np.where(voted, matrix.values, 0).astype(np.float64)
    counts = voted.sum(axis=0)
    center = np.divide(values.sum(axis=0), counts, out=np.zeros(values.shape[1]), where=counts > 0)
    components = np.zeros((2, values.shape[1]))
    if values.shape[0] >= 2 and values.shape[1] >= 1:
        imputed = np.where(voted, values, center)
        wanted = min(2, *imputed.shape)
        pca = PCA(n_components=wanted, svd_solver="covariance_eigh")
        pca.fit(imputed)
        components[:wanted] = pca.components_
    return Fitted(center, components)


def project(values: np.ndarray, voted: np.ndarray, fitted: Fitted) -> FloatArray:
    """Polis's sparsity-aware projection: (vote - mean) on the statements voted on, onto the
    components, scaled by sqrt(statements / votes), so that someone who voted on few
    statements is not drawn into the middle of the map."""
    centered = np.where(voted, values - fitted.center, 0.0)
    projected: FloatArray = centered @ fitted.components.T
    votes = voted.sum(axis=1)
    scale = np.sqrt(values.shape[1] / np.maximum(votes, 1))
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


def number_groups(labels: IntArray, sizes_of: Sequence[int] | None = None) -> IntArray:
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


def cluster(matrix: Matrix, min_votes: int = MIN_VOTES) -> Clustering:
    """Opinion groups of the participants with enough votes."""
    # One thread: scikit-learn's k-means spins OpenMP threads that cost more than they
    # bring on these small 2-D problems, the more so on a busy machine.
    with threadpool_limits(limits=1, user_api="openmp"):
        return _cluster(matrix, min_votes)


def _cluster(matrix: Matrix, min_votes: int) -> Clustering:
    fitted = fit_pca(matrix)
    rows = clustered_rows(matrix, min_votes)
    values = matrix.values[rows].astype(np.float64)
    points = project(values, matrix.voted[rows], fitted)
    if len(rows) == 0:
        empty = np.zeros((0, 2))
        projection = Projection(
            fitted.center, fitted.components, empty, np.zeros(0, dtype=np.int64)
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
    projection = Projection(fitted.center, fitted.components, centers, base_group)
    return Clustering(rows, points, renumbered, projection)


def place_point(values: np.ndarray, voted: np.ndarray, projection: Projection) -> int | None:
    """The group of the base cluster nearest to one participant's projected votes."""
    if not voted.any() or len(projection.base_centers) == 0:
        return None
    fitted = Fitted(projection.center, projection.components)
    point = project(values[None, :], voted[None, :], fitted)[0]
    distances = ((projection.base_centers - point) ** 2).sum(axis=1)
    return int(projection.base_groups[int(np.argmin(distances))])

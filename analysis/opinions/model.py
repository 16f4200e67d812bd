"""The plain data of an opinion analysis: a vote, a statement's counts, a representative
statement, and the analysis itself (see the package docstring for what each field means)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal, NamedTuple

import numpy as np
import numpy.typing as npt

AGREE = 1
DISAGREE = -1
PASS = 0

Direction = Literal["agree", "disagree"]
FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


class Vote(NamedTuple):
    """One vote: who (any string id), on which statement, and +1 agree / -1 disagree / 0 pass."""

    participant: str
    statement: int
    value: int


@dataclass(frozen=True)
class Counts:
    """Votes on one statement by one group (or by everyone): ``seen`` = agree + disagree + pass."""

    agree: int
    disagree: int
    passed: int

    @property
    def seen(self) -> int:
        return self.agree + self.disagree + self.passed


@dataclass(frozen=True)
class Representative:
    """A statement that sets a group apart (Polis's repness): the group agrees (or disagrees)
    with it more than the other groups do.

    ``successes`` of ``trials`` (votes of the group on it) went the ``direction`` way;
    ``probability`` = (successes + 1) / (trials + 2); ``repness`` is that probability divided
    by the same for the other groups together; ``probability_z`` and ``repness_z`` are the
    z-values of Polis's one- and two-proportion tests; ``significant`` says whether both
    pass at 90 % (z > 1.2816). Polis lists a group's most agreed statement first even when
    it is not significant; ``significant`` tells them apart.
    """

    statement: int
    direction: Direction
    successes: int
    trials: int
    probability: float
    probability_z: float
    repness: float
    repness_z: float
    significant: bool


@dataclass(frozen=True, eq=False)
class Projection:
    """What places a new participant on the map: the matrix's statements (``zeroed``: those
    moderated out, a pass for everyone), their means (the centre), the two principal
    components (2 x statements) and the base clusters (centre and group)."""

    columns: tuple[int, ...]
    zeroed: npt.NDArray[np.bool_]
    center: FloatArray
    components: FloatArray
    base_centers: FloatArray
    base_groups: IntArray


@dataclass(frozen=True, eq=False)
class OpinionAnalysis:
    """The result of :func:`analysis.opinions.analyse`; see the package docstring."""

    statements: tuple[int, ...]
    voters: int
    votes: int
    participants: tuple[str, ...]
    groups: Mapping[str, int]
    coordinates: Mapping[str, tuple[float, float]]
    group_sizes: tuple[int, ...]
    counts: Mapping[int, tuple[Counts, ...]]
    totals: Mapping[int, Counts]
    consensus_scores: Mapping[int, float]
    consensus: tuple[int, ...]
    divisive: tuple[int, ...]
    representative: Mapping[int, tuple[Representative, ...]]
    extremity: Mapping[int, float]
    projection: Projection | None = field(default=None, repr=False)

    @property
    def group_count(self) -> int:
        return len(self.group_sizes)

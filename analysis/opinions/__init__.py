"""Opinion groups in a Polis-style deliberation ("gesprek met stellingen"): pure analysis of
agree / disagree / pass votes on short statements, and Polis's open-data format. No
telegram, no sqlalchemy: votes in, plain data out.

API
---
``analyse(votes, statements, *, min_votes=7) -> OpinionAnalysis``
    ``votes``: an iterable of (participant id: str, statement id: int, value) with value +1
    agree, -1 disagree, 0 pass (:class:`Vote` is such a tuple); a later vote of a
    participant on a statement replaces an earlier one. ``statements``: the ids to consider
    (the caller leaves out what moderation rejected); votes on other ids are ignored.
    The same votes give the same result. :class:`OpinionAnalysis` (frozen) has:

    - ``statements``: the ids considered, sorted; ``voters``: participants with a vote on one;
      ``votes``: the votes counted (the latest per participant and statement);
    - ``participants``: the clustered participants (at least ``min_votes`` votes, or all
      statements if there are fewer), in order (numbers numerically, then other ids);
    - ``groups``: clustered participant -> group 0..k-1 (0 is the largest group; ties: the
      group of the earlier participant); ``group_sizes``; ``group_count``;
    - ``coordinates``: clustered participant -> (x, y) on the opinion map;
    - ``counts``: statement -> one :class:`Counts` (agree, disagree, passed, seen) per group,
      of the clustered participants; ``totals``: statement -> :class:`Counts` of all voters;
    - ``consensus_scores``: statement -> group-informed consensus, the product over groups of
      (agrees + 1) / (seen + 2); ``consensus``: the statements that more than half of those
      who voted in every group agreed with, best score first (ties: lower id);
    - ``divisive``: statements that a group significantly agrees with and another
      significantly disagrees with (see :func:`statements.divisive`), most divided first;
    - ``representative``: group -> up to 5 :class:`Representative` (Polis's repness and
      selection, tests at 90 %), in Polis's order;
    - ``extremity``: statement -> how far out a lone agree vote on it lands on the map (it
      drives routing).

``place(analysis, votes_of_one_participant) -> int | None``
    "Waar sta ik?": the group whose members vote most like these votes ({statement: value}).
``next_statement(candidates, voted, *, analysis=None, seed=0) -> int | None``
    Which statement to show next (Polis's comment routing), never one already voted on.
``read_polis(folder) -> PolisExport`` and ``write_polis(folder, export, analysis=None)``
    Polis's open-data export (comments.csv, votes.csv, participants-votes.csv, summary.csv);
    bad input raises :class:`PolisFormatError` with file and line.

Method (Polis's, math/src/polismath/math/*.clj in compdemocracy/polis)
---------------------------------------------------------------------
1. The vote matrix: participants x statements, +1 / -1 / 0, missing where not voted.
2. PCA to two components of that matrix with each missing vote imputed by its statement's
   mean, fitted on all voters (Polis fits on everyone, and clusters only those with enough
   votes).
3. Each participant's point is Polis's sparsity-aware projection: (vote - mean) over the
   statements they voted on, times sqrt(statements / their votes), so that someone with
   few votes is not pulled into the centre.
4. Only participants with at least 7 votes (or all statements, if fewer) are clustered.
   Polis also pulls in the 15 most active voters when fewer than 15 qualify; we do not
   (the issue asks for the 7-vote rule, and a group of people with one or two votes says
   little).
5. Base clusters: k-means with k = 100 on those points (each distinct point its own base
   cluster when there are at most 100), as Polis does; then the groups: k-means on the base
   cluster centres weighted by their size, for k from 2 to min(5, 2 + base clusters / 12)
   (Polis's max-k), the k with the highest silhouette over the base clusters (Polis
   computes it there too; it also keeps silhouette cheap for 10,000 participants); a tie
   goes to the smaller k.
   Polis runs k-means incrementally, starting from the previous run's clusters, and changes
   k only after it has won 4 runs in a row; a one-shot analysis has no history, so we use
   k-means++ with a fixed seed and 10 starts (deterministic, and close to Polis: see
   tests/analysis/test_opinions_polis.py for the agreement on two real conversations).
6. Statements: Polis's formulas for consensus, repness and its significance tests
   (repness.clj, stats.clj). "Divisive" is not a Polis output; ours is defined in
   :func:`analysis.opinions.statements.divisive`.
"""

from analysis.opinions.core import analyse, next_statement, place
from analysis.opinions.model import (
    AGREE,
    DISAGREE,
    PASS,
    Counts,
    OpinionAnalysis,
    Representative,
    Vote,
)
from analysis.opinions.polis_format import (
    PolisComment,
    PolisExport,
    PolisFormatError,
    PolisVote,
    read_polis,
    write_polis,
)

__all__ = [
    "AGREE",
    "DISAGREE",
    "PASS",
    "Counts",
    "OpinionAnalysis",
    "PolisComment",
    "PolisExport",
    "PolisFormatError",
    "PolisVote",
    "Representative",
    "Vote",
    "analyse",
    "next_statement",
    "place",
    "read_polis",
    "write_polis",
]

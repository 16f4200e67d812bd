"""The duplicate-response signal (analysis.duplicates): copies of a response's answers
completed soon after it, counted from hand-made responses."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from analysis.duplicates import MIN_ANSWERS, WINDOW, Completed, fingerprint, possible_duplicates

T0 = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)
ANSWERS = {"tevreden": 2, "waarom": "Te vaak vol", "bakken": ["gft", "pmd"], "wijk": "noord"}


def at(minutes: float, answers: dict[str, object] = ANSWERS, version: int = 1) -> Completed:
    return Completed(T0 + timedelta(minutes=minutes), version, answers)


def test_the_same_answers_soon_after_are_a_possible_duplicate() -> None:
    assert possible_duplicates([at(0), at(3)], T0) == 1
    # A series: each copy once, the first is the original; the order read plays no part.
    assert possible_duplicates([at(9), at(0), at(4)], T0) == 2


def test_other_answers_later_finishes_or_other_versions_are_no_duplicate() -> None:
    other = {**ANSWERS, "wijk": "centrum"}
    assert possible_duplicates([at(0), at(3, other)], T0) == 0
    later = WINDOW.total_seconds() / 60 + 1
    assert possible_duplicates([at(0), at(later)], T0) == 0
    assert possible_duplicates([at(0), at(3, version=2)], T0) == 0


def test_a_skipped_answer_is_part_of_the_set() -> None:
    skipped = {**ANSWERS, "extra": None}
    assert possible_duplicates([at(0), at(1, skipped)], T0) == 0
    assert possible_duplicates([at(0, skipped), at(1, skipped)], T0) == 1


def test_short_answer_sets_are_left_out() -> None:
    """Few answers: two residents easily agree on all of them by chance."""
    short = dict(list(ANSWERS.items())[: MIN_ANSWERS - 1])
    assert possible_duplicates([at(0, short), at(1, short)], T0) == 0


def test_only_copies_completed_in_the_period_count() -> None:
    """The original may lie before the period; a copy before it was in an earlier digest."""
    since = T0 + timedelta(minutes=5)
    assert possible_duplicates([at(0), at(4), at(8)], since) == 1


def test_the_fingerprint_ignores_the_order_of_the_answers() -> None:
    assert fingerprint(dict(reversed(list(ANSWERS.items())))) == fingerprint(ANSWERS)
    assert fingerprint({**ANSWERS, "tevreden": "2"}) != fingerprint(ANSWERS)

"""Date answers as digest figures (analysis.shapes.date_stats) and their periods in words
(analysis.labels.period_label): pure, figures by hand."""

from __future__ import annotations

from datetime import date

from analysis.counts import OTHER
from analysis.labels import period_label
from analysis.shapes import date_stats, period_key


def test_close_dates_are_counted_per_iso_week() -> None:
    counts = [
        ("2027-03-08", 3), ("2027-03-10", 2),  # week 10
        ("2027-03-15", 6),  # week 11
        ("2027-03-29", 1), ("2027-04-02", 1),  # week 13: small, merged
    ]  # fmt: skip
    stats = date_stats("schouw", 13, 0, counts)
    assert stats.unit == "week"
    # The two small days of week 13 are merged; OTHER (2) is still small, so the smallest
    # shown week joins it: nothing in OTHER gives a small cell away.
    assert stats.periods == (("2027-W11", 6), (OTHER, 7))
    assert (stats.earliest, stats.latest) == (date(2027, 3, 15), date(2027, 3, 15))
    assert stats.busiest == ("2027-W11", 6)


def test_a_tie_names_the_earliest_period() -> None:
    counts = [("2027-01-05", 5), ("2027-09-05", 5)]
    stats = date_stats("d", 10, 1, counts)
    assert stats.unit == "month"
    assert stats.periods == (("2027-01", 5), ("2027-09", 5))
    assert stats.busiest == ("2027-01", 5)
    assert (stats.earliest, stats.latest) == (date(2027, 1, 5), date(2027, 9, 5))


def test_below_the_minimum_cell_no_breakdown() -> None:
    stats = date_stats("d", 4, 0, [("2027-03-12", 4)])
    assert (stats.periods, stats.earliest, stats.latest, stats.busiest) == ((), None, None, None)
    assert date_stats("d", 0, 3, []).periods == ()


def test_periods_in_words() -> None:
    assert period_key(date(2027, 3, 12), "month") == "2027-03"
    assert period_key(date(2027, 1, 1), "week") == "2026-W53"
    assert period_label("2027-03") == "maart 2027"
    assert period_label("2027-03", "en") == "March 2027"
    assert period_label("2027-W11") == "week 11: 15–21 maart 2027"
    assert period_label("2027-W13") == "week 13: 29 maart – 4 april 2027"
    assert period_label("2026-W53") == "week 53: 28 december 2026 – 3 januari 2027"
    assert period_label(OTHER) == "Overig"

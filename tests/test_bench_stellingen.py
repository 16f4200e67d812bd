"""``python -m bench stellingen`` (and so ``make bench``) runs the deliberation benchmark:
its rows in the table, and a vote confirmed but not stored fails the run."""

from __future__ import annotations

from typing import Any

from bench.__main__ import BENCHMARKS, _parser, _passed, _table


def _results(missing: int) -> dict[str, Any]:
    return {
        "machine": {"nproc": 2, "python": "3.11"},
        "stellingen": {
            "votes": {
                "samenspraak": {"votes_per_second": 28.1, "bot_cpu_ms_per_vote": 12.49},
                "echo_messages_per_second": 29.3,
                "ratio": 0.959,
                "target_ratio": 0.8,
                "meets_target": True,
                "durability_ok": missing == 0,
            },
            "digest": {
                "votes": 1_000_000,
                "digest_s_untraced": 6.4,
                "digest_cpu_s": [5.1, 9.0],
                "python_peak_mib": 120.0,
                "target_s": 8.0,
                "meets_target": True,
            },
        },
    }


def test_the_deliberation_benchmark_is_registered_with_its_rows_and_its_check() -> None:
    assert "stellingen" in BENCHMARKS
    assert _parser().parse_args(["stellingen"]).benchmark == "stellingen"
    table = _table(_results(0), ["stellingen"])
    assert "deliberation: vote taps/s : echo/s" in table and "12.49 ms bot CPU per vote" in table
    assert "deliberation digest, 1,000,000 votes" in table and "CPU 5.1 s" in table
    assert _passed(_results(0), ["stellingen"])
    assert not _passed(_results(1), ["stellingen"])

"""The weighting benchmark runs (small), so that it cannot rot between benchmark runs."""

from __future__ import annotations

from bench import weighting


def test_the_weighting_benchmark_runs_on_a_small_sample() -> None:
    results = weighting.main(responses=5_000)
    assert results["closed_questions"] >= 20
    assert results["cells"] == "7 wijken x 4 age bands"
    assert 0 < results["without_profile"] < 5_000
    assert set(results["median_s"]) == {
        "count_s",
        "rake_s",
        "estimate_s",
        "representation_s",
        "total_s",
    }

"""Benchmark: the opinion analysis of a big deliberation (``analysis.opinions.analyse``).

``python -m bench opinions`` (or ``python -m bench.opinions``). 10,000 participants and 500
statements; each participant votes on 100 statements chosen at random (about 1,000,000
votes), 80 % of them along one of four opinion groups, the rest at random, a tenth as
passes. The votes are handed over as the storage layer would: a list of (participant id,
statement id, value) tuples. Measured in a fresh child process: the wall-clock time of
``analyse`` (building the vote matrix, PCA, base clusters, groups, every statement's
statistics), its peak of traced memory (tracemalloc: Python objects and numpy arrays), and
the process's peak resident set size (the interpreter, the libraries, the million vote
tuples and the analysis together). Targets: under 5 s and under 1 GiB.

Settings (environment): ``BENCH_OPINIONS_PARTICIPANTS`` (10000), ``BENCH_OPINIONS_STATEMENTS``
(500), ``BENCH_OPINIONS_VOTES_EACH`` (100).
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time
import tracemalloc
from typing import Any

import numpy as np

TARGET_S = 5.0
TARGET_MIB = 1024
GROUPS = 4
SEED = 2026


def votes(participants: int, statements: int, each: int) -> list[tuple[str, int, int]]:
    """About ``participants x each`` votes with four planted opinion groups."""
    rng = np.random.default_rng(SEED)
    opinions = rng.choice(np.array([1, -1, 0]), size=(GROUPS, statements), p=[0.45, 0.45, 0.1])
    group = rng.integers(0, GROUPS, size=participants)
    chosen = np.argsort(rng.random((participants, statements)), axis=1)[:, :each]
    follows = rng.random((participants, each)) < 0.8
    noise = rng.choice(np.array([1, -1, 0]), size=(participants, each), p=[0.45, 0.45, 0.1])
    values = np.where(follows, opinions[group[:, None], chosen], noise)
    names = [f"r{p}" for p in range(participants)]
    rows = np.repeat(np.arange(participants), each)
    return list(
        zip(
            [names[r] for r in rows.tolist()],
            chosen.reshape(-1).tolist(),
            values.reshape(-1).tolist(),
            strict=True,
        )
    )


def child() -> dict[str, Any]:
    """Generate the votes, then time and trace one analysis; the figures."""
    from analysis.opinions import analyse

    participants = int(os.environ.get("BENCH_OPINIONS_PARTICIPANTS", 10_000))
    statements = int(os.environ.get("BENCH_OPINIONS_STATEMENTS", 500))
    each = int(os.environ.get("BENCH_OPINIONS_VOTES_EACH", 100))
    began = time.perf_counter()
    cast = votes(participants, statements, each)
    generated_s = time.perf_counter() - began
    analyse(cast[:5000], range(statements))  # warm: imports, first calls
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    began, cpu = time.perf_counter(), time.process_time()
    result = analyse(cast, range(statements))
    elapsed, cpu = time.perf_counter() - began, time.process_time() - cpu
    rss_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    tracemalloc.start()
    analyse(cast, range(statements))
    _, traced_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {
        "participants": participants,
        "statements": statements,
        "votes": len(cast),
        "generate_s": round(generated_s, 2),
        "analyse_s": round(elapsed, 2),
        "analyse_cpu_s": round(cpu, 2),
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "analyse_traced_peak_mib": round(traced_peak / 2**20, 1),
        "process_peak_rss_mib": round(rss_peak, 1),
        "process_rss_before_analysis_mib": round(rss_before, 1),
        "clustered": len(result.participants),
        "groups": result.group_count,
        "group_sizes": list(result.group_sizes),
        "consensus": len(result.consensus),
        "divisive": len(result.divisive),
        "target_s": TARGET_S,
        "target_mib": TARGET_MIB,
        "meets_target": elapsed < TARGET_S and rss_peak < TARGET_MIB,
    }


def main() -> dict[str, Any]:
    """The benchmark in a fresh process (so its peak memory is its own); the figures."""
    done = subprocess.run(
        [sys.executable, "-m", "bench.opinions", "--child"],
        check=True,
        capture_output=True,
        text=True,
    )
    figures: dict[str, Any] = json.loads(done.stdout)
    print(
        f"opinions: {figures['votes']:,} votes, {figures['participants']:,} participants x "
        f"{figures['statements']} statements analysed in {figures['analyse_s']:.2f} s "
        f"({figures['analyse_cpu_s']:.2f} s CPU) "
        f"(target < {TARGET_S:g} s); peak RSS {figures['process_peak_rss_mib']:.0f} MiB, "
        f"traced {figures['analyse_traced_peak_mib']:.0f} MiB (target < {TARGET_MIB} MiB); "
        f"{figures['groups']} groups",
        file=sys.stderr,
    )
    return figures


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        print(json.dumps(child()))
    else:
        print(json.dumps(main(), indent=2))

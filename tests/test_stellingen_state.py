"""How long a worker's opinion analysis serves routing and "Waar sta ik?" before it is made
again: at least ANALYSIS_TTL seconds, longer for a deliberation whose analysis is costly."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from bot.resident.stellingen_state import (
    ANALYSIS_COST_FACTOR,
    ANALYSIS_TTL,
    DeliberationState,
)

if TYPE_CHECKING:
    from analysis.opinions import OpinionAnalysis


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


ANALYSIS = cast("OpinionAnalysis", object())


def test_a_quick_analysis_serves_for_the_ttl() -> None:
    clock = Clock()
    state = DeliberationState(clock=clock)
    assert state.stale("d")
    state.remember("d", ANALYSIS, took=0.05)
    assert not state.stale("d") and state.cached("d") is ANALYSIS
    clock.now += ANALYSIS_TTL - 1
    assert not state.stale("d")
    clock.now += 2
    assert state.stale("d")
    assert state.cached("d") is ANALYSIS  # routing keeps using it meanwhile


def test_a_costly_analysis_serves_longer_so_a_worker_spends_at_most_a_share_on_it() -> None:
    clock = Clock()
    state = DeliberationState(clock=clock)
    took = 6.0  # a large deliberation: its analysis takes seconds
    state.remember("groot", ANALYSIS, took=took)
    state.remember("klein", ANALYSIS, took=0.01)
    clock.now += ANALYSIS_TTL + 1
    assert state.stale("klein")
    assert not state.stale("groot")
    clock.now += ANALYSIS_COST_FACTOR * took - ANALYSIS_TTL
    assert state.stale("groot")

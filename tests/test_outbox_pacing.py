"""The broadcast sender's pacing, on a fake clock: overall spacing with a small catch-up,
one message per chat per interval, pauses after a 429, and giving way to live replies."""

from __future__ import annotations

import pytest

from bot.outbox.pacing import CALLS_PER_UPDATE, LIVE_WINDOW, LiveTraffic, Pacer, allowed_rate


class FakeTime:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_pacer_spaces_messages_and_chats() -> None:
    clock = FakeTime()
    pacer = Pacer(rate=10, chat_interval=1.0, clock=clock)
    # After a quiet spell a few may go at once (the loop catching up), then one per 0.1 s.
    for _ in range(3):
        assert pacer.delay() == 0
        pacer.take()
    assert pacer.delay() == pytest.approx(0.1)
    clock.now += 0.1
    assert pacer.delay() == 0
    pacer.take(1)
    assert pacer.delay() == pytest.approx(0.1)
    # One message per chat per interval.
    assert pacer.chat_delay(1) == pytest.approx(1.0)
    assert pacer.chat_delay(2) == 0
    clock.now += 0.6
    assert pacer.chat_delay(1) == pytest.approx(0.4)
    # Falling behind by half a second catches up two messages, not five.
    pacer.take(2)
    pacer.take(3)
    assert pacer.delay() == 0
    pacer.take(4)
    assert pacer.delay() == pytest.approx(0.1)


def test_pacer_pauses_after_a_flood_wait() -> None:
    clock = FakeTime()
    pacer = Pacer(rate=25, chat_interval=1.0, clock=clock)
    pacer.pause(3)
    assert pacer.delay() == pytest.approx(3)
    clock.now += 3
    assert pacer.delay() == 0


def test_live_traffic_counts_recent_updates() -> None:
    clock = FakeTime()
    live = LiveTraffic(clock)
    assert live.per_second() == 0
    for _ in range(10):
        live.hit()
        clock.now += 0.1
    assert live.per_second() == pytest.approx(10 / LIVE_WINDOW)
    clock.now += LIVE_WINDOW
    assert live.per_second() == 0


def test_the_broadcast_gives_way_to_live_replies() -> None:
    assert CALLS_PER_UPDATE == 2
    assert allowed_rate(25, 30, 0) == 25  # quiet: the configured rate
    assert allowed_rate(25, 30, 2.5) == 25  # 5 calls a second fit beside it
    assert allowed_rate(25, 30, 5) == 20
    assert allowed_rate(25, 30, 100) == 5  # never below a fifth

"""bot.app.heap: the garbage collector settled once the bot has started."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator

import pytest

from bot.app import heap


@pytest.fixture
def restored() -> Iterator[None]:
    """Put the collector back as it was: the test process goes on with other tests."""
    threshold = gc.get_threshold()
    yield
    gc.unfreeze()
    gc.set_threshold(*threshold)


def test_settle_freezes_what_exists_and_collects_less_often(restored: None) -> None:
    loaded = {"questionnaire": ["a", "b"]}  # stands for what start-up loaded
    _, middle, oldest = gc.get_threshold()

    heap.settle()

    assert gc.get_freeze_count() > 0
    assert gc.get_threshold() == (heap.YOUNGEST, middle, oldest)
    # Frozen: in no generation the collector walks.
    assert all(o is not loaded for g in range(3) for o in gc.get_objects(generation=g))
    # The collector still runs: a reference cycle made after start-up is freed.
    node = _Node()
    node.me = node
    gone = weakref.ref(node)
    del node
    gc.collect()
    assert gone() is None


class _Node:
    me: _Node | None = None

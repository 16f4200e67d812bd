"""A bounded memory of recent items: the one cache the bot keeps in a process.

Used wherever a handler remembers something about recent messages or updates (what a message
shows, which question a message asks, which updates were handled) without letting memory
grow with the number of residents.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterator
from typing import Generic, TypeVar

K = TypeVar("K")
V = TypeVar("V")


class Recent(Generic[K, V]):
    """A mapping that keeps its ``size`` most recently put entries; the oldest go first.

    ``forgotten`` is called with every entry pushed out to make room (not with those taken
    out by :meth:`pop` or :meth:`pop_oldest`).
    """

    def __init__(self, size: int, forgotten: Callable[[K, V], None] | None = None) -> None:
        if size < 1:
            raise ValueError("a memory needs room for at least one item")
        self.size = size
        self._forgotten = forgotten
        self._items: OrderedDict[K, V] = OrderedDict()

    def put(self, key: K, value: V) -> None:
        """Remember ``value`` under ``key`` as the newest entry."""
        self._items[key] = value
        self._items.move_to_end(key)
        while len(self._items) > self.size:
            old_key, old_value = self._items.popitem(last=False)
            if self._forgotten is not None:
                self._forgotten(old_key, old_value)

    def get(self, key: K) -> V | None:
        return self._items.get(key)

    def pop(self, key: K) -> V | None:
        return self._items.pop(key, None)

    def oldest(self) -> tuple[K, V] | None:
        """The entry put longest ago, still remembered."""
        return next(iter(self._items.items()), None)

    def pop_oldest(self) -> None:
        self._items.popitem(last=False)

    def __contains__(self, key: object) -> bool:
        return key in self._items

    def __len__(self) -> int:
        return len(self._items)

    def __iter__(self) -> Iterator[K]:
        return iter(self._items)

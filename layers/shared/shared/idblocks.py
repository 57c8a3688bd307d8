"""Integer ids without a hot counter: each execution environment takes a block of ids at a time.

A counter item (one atomic UpdateItem ADD per reservation) hands out blocks nobody else gets, and an
environment hands its block out locally: one write to the counter per block instead of one per id, so the
counter takes a small, bounded share of the writes however many ids are created per second. A block starts
at `first` ids and doubles each time the environment uses one up, to `largest`: an environment that creates
little wastes few ids, a busy one writes the counter once per `largest` ids.

What holds: ids are unique positive integers, and increase within one execution environment. What does not:
density (the rest of a block dies with its environment) and order across environments (an id created later
elsewhere can be smaller). Clients may rely on uniqueness only.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from dataclasses import dataclass

Reserve = Callable[[int], range]  # count -> the block of ids the counter gave this caller


@dataclass
class _Block:
    next: int
    stop: int
    size: int


class IdBlocks:
    def __init__(self, first: int = 10, largest: int = 100) -> None:
        self.first, self.largest = first, largest
        self._blocks: dict[Hashable, _Block] = {}
        self._lock = threading.Lock()

    def take(self, counter: Hashable, reserve: Reserve) -> int:
        """The next id of `counter` (a key naming the counter item and its table), reserving a block if needed."""
        with self._lock:
            block = self._blocks.setdefault(counter, _Block(0, 0, self.first))
            if block.next >= block.stop:
                ids = reserve(block.size)
                block.next, block.stop = ids.start, ids.stop
                block.size = min(block.size * 2, self.largest)
            block.next += 1
            return block.next - 1

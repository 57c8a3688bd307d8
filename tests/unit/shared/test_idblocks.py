"""shared.idblocks: ids taken from blocks, one reservation per block, unique across environments."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

from shared.idblocks import IdBlocks


class FakeCounter:
    """The counter item's atomic ADD: each reservation gets the next `count` ids, nobody else."""

    def __init__(self) -> None:
        self.last = 0
        self.reservations: list[int] = []
        self.lock = threading.Lock()

    def reserve(self, count: int) -> range:
        with self.lock:
            self.last += count
            self.reservations.append(count)
            return range(self.last - count + 1, self.last + 1)


def test_blocks_start_small_and_double_up_to_the_largest():
    # Given one environment taking 400 ids
    counter, blocks = FakeCounter(), IdBlocks(first=10, largest=100)
    ids = [blocks.take("invoice", counter.reserve) for _ in range(400)]
    # Then they are 1..400, from blocks of 10, 20, 40, 80, then 100s: 7 writes to the counter, not 400
    assert ids == list(range(1, 401))
    assert counter.reservations == [10, 20, 40, 80, 100, 100, 100]


def test_counters_keep_their_own_blocks():
    invoices, tokens, blocks = FakeCounter(), FakeCounter(), IdBlocks()
    assert [blocks.take("invoice", invoices.reserve), blocks.take("token", tokens.reserve)] == [1, 1]
    assert blocks.take("invoice", invoices.reserve) == 2


def test_ids_are_unique_across_environments_and_threads():
    # Given eight environments sharing one counter, each serving requests from four threads
    counter = FakeCounter()
    environments = [IdBlocks(first=3, largest=16) for _ in range(8)]

    def take(turn: int) -> int:
        return environments[turn % 8].take("invoice", counter.reserve)

    with ThreadPoolExecutor(max_workers=4) as pool:
        ids = list(pool.map(take, range(2_000)))
    # Then no id is handed out twice, and the counter was written for a small share of them
    assert len(set(ids)) == len(ids)
    assert len(counter.reservations) < len(ids) / 10

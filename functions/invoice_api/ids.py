"""Integer ids from atomic counters: one UpdateItem ADD hands out a block of ids nobody else gets."""

from __future__ import annotations

from invoice_api.models import COUNTERS, Counter


def reserve(name: str, count: int = 1) -> range:
    counter = Counter(COUNTERS, name)
    counter.update(actions=[Counter.value.add(count)])
    last = int(counter.value)
    return range(last - count + 1, last + 1)


def next_id(name: str) -> int:
    return reserve(name)[0]

"""Integer ids (invoices, access tokens) from atomic counters, reserved in blocks per execution environment.

`reserve` is one UpdateItem ADD on the counter item (pk COUNTER, sk <name>): it hands out a block of ids nobody
else gets (seeding reserves its invoices' ids this way too). `next_id` takes ids from this environment's block
(`shared.idblocks`): unique and increasing within an environment, not dense, not ordered across environments.
"""

from __future__ import annotations

from functools import partial

from invoice_api.models import Counter
from shared.idblocks import IdBlocks

_blocks = IdBlocks()


def reserve(name: str, count: int = 1) -> range:
    counter = Counter(*Counter.key(name))
    counter.update(actions=[Counter.value.add(count)])
    last = int(counter.value)
    return range(last - count + 1, last + 1)


def next_id(name: str) -> int:
    return _blocks.take((Counter.Meta.table_name, name), partial(reserve, name))

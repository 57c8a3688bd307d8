"""The waitlist: one entry per address (normalised), counted exactly under parallel sign-ups, with no hot item.

A sign-up is one transaction: the entry (conditional: once per address) and +1 on one of `SHARDS` counter items
picked at random (`COUNTER#waitlist#<n>`, each its own partition). The count is the sum of the shards plus
`COUNTER#waitlist`, the single counter of before, never written again: exactly the number of entries, whatever
ran in parallel. No item takes more than 1/SHARDS of the sign-ups, and two sign-ups conflict (DynamoDB cancels
one of two concurrent transactions on an item) only when they draw the same shard; such a sign-up is retried
on another.

Reading the count is one strongly consistent BatchGetItem of the SHARDS + 1 items. A sign-up answers the sum
read right after its transaction; GET /api/waitlist answers the sum this execution environment read last if it
is younger than `CACHE_SECONDS`, so a launch page polled by thousands reads each shard at most once a second
per environment. Counts only grow, so an environment keeps the largest sum it has read: its answers never go
down, and lag the true count by at most what other environments added in that second.
"""

from __future__ import annotations

import secrets
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime

from pynamodb.exceptions import TransactWriteError
from pynamodb.transactions import TransactWrite

from cinq.errors import AlreadyRegistered
from cinq.models import Counter, WaitlistEntry
from cinq.schemas import WaitlistCount, WaitlistJoined
from shared.dynamo import conflicted, connection, failed_conditions
from shared.observability import metrics
from shared.validation import EmailAddress

SHARDS = 32
CACHE_SECONDS = 1.0
ATTEMPTS = 4  # a sign-up whose shard was busy is tried on another
COUNTER = "waitlist"
LEGACY = Counter.key(COUNTER)  # the single counter of before the shards


def shard_key(shard: int) -> tuple[str, str]:
    return Counter.key(COUNTER, shard)


@dataclass
class _Known:
    count: int = 0
    read_at: float = float("-inf")  # time.monotonic()


_known = _Known()
_lock = threading.Lock()


def count() -> WaitlistCount:
    """The number of sign-ups, as this environment read it less than CACHE_SECONDS ago, else read now."""
    with _lock:
        if time.monotonic() - _known.read_at < CACHE_SECONDS:
            return WaitlistCount(count=_known.count)
    return WaitlistCount(count=_read())


def join(email: EmailAddress, **tracking: str | None) -> WaitlistJoined:
    """Adds the (normalised: `cinq.addresses`) address once; the count after it."""
    entry = WaitlistEntry.new(email, datetime.now(UTC), **{name: value or None for name, value in tracking.items()})
    for attempt in range(ATTEMPTS):
        try:
            # The entry and one shard move together: the sum of the shards is exactly the number of entries.
            with TransactWrite(connection=connection()) as transaction:
                transaction.save(entry, condition=WaitlistEntry.pk.does_not_exist())
                transaction.update(Counter.ref(COUNTER, secrets.randbelow(SHARDS)), actions=[Counter.value.add(1)])
            break
        except TransactWriteError as exc:
            if conflicted(exc) and attempt + 1 < ATTEMPTS:
                time.sleep(0.01 * 2**attempt * (1 + secrets.randbelow(100) / 100))
                continue
            if failed_conditions(exc, 2) is None:
                raise
            raise AlreadyRegistered() from None
    metrics.add_metric(name="WaitlistSignups", unit="Count", value=1)
    return WaitlistJoined(count=_read())


def _read() -> int:
    keys = [LEGACY, *(shard_key(shard) for shard in range(SHARDS))]
    total = sum(int(counter.value) for counter in Counter.batch_get(keys, consistent_read=True))
    with _lock:
        _known.count = max(_known.count, total)
        _known.read_at = time.monotonic()
        return _known.count

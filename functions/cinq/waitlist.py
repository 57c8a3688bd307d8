"""The waitlist: one entry per address (normalised), counted exactly under parallel sign-ups, with no hot item.

A sign-up is one transaction: the entry (conditional: once per address) and +1 on one of `SHARDS` counter items
picked at random (`COUNTER#waitlist#<n>`, each its own partition). The count is the sum of the shards plus
`COUNTER#waitlist`, the single counter of before, never written again: exactly the number of entries, whatever
ran in parallel. No item takes more than 1/SHARDS of the sign-ups, and two sign-ups conflict (DynamoDB cancels
one of two concurrent transactions on an item) only when they draw the same shard; such a sign-up is retried
on another. At 20 transactions a second per item (tools/capacity/model.py), 64 shards carry 1,280 sign-ups a
second.

Reading the count is one BatchGetItem of the SHARDS + 1 items. An execution environment reads it at most once
every `CACHE_SECONDS` and answers from what it read, GET /api/waitlist and sign-ups alike: a sign-up answers
the count this environment read plus the sign-ups it made since, so a launch-day rush reads each shard at most
once a second per environment instead of once per sign-up. Counts only grow, and an environment never answers
more than the true count nor less than it answered before: it lags by at most what other environments added
in that second, and a sign-up's answer counts its own sign-up. These reads are eventually consistent (half
the read units): a sum that misses the latest increments is still a count that was true, and lags by less
than the second already allowed.

Adding its own sign-ups to what it read is exact when nothing else of this environment overlapped (a Lambda
environment serves one request at a time): the read ended before the sign-up began, so it did not count it.
When operations overlap (threads), the sign-up reads the count after its transaction instead, strongly
consistent, as every sign-up did before.
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
from shared import outages
from shared.dynamo import conflicted, connection, failed_conditions
from shared.observability import logger, metrics
from shared.validation import EmailAddress

SHARDS = 64
CACHE_SECONDS = 1.0
ATTEMPTS = 4  # a sign-up whose shard was busy is tried on another
COUNTER = "waitlist"
LEGACY = Counter.key(COUNTER)  # the single counter of before the shards


def shard_key(shard: int) -> tuple[str, str]:
    return Counter.key(COUNTER, shard)


@dataclass
class _Known:
    count: int = 0  # a lower bound of the true count, never going down
    read_at: float = float("-inf")  # time.monotonic() when the read it comes from ended
    running: int = 0  # reads and sign-ups of this environment under way
    started: int = 0  # reads and sign-ups of this environment ever started


_known = _Known()
_lock = threading.Lock()


def count() -> WaitlistCount:
    """The number of sign-ups, as this environment read it less than CACHE_SECONDS ago, else read now."""
    with _lock:
        if time.monotonic() - _known.read_at < CACHE_SECONDS:
            return WaitlistCount(count=_known.count)
    return WaitlistCount(count=_read())


def _begin() -> int:
    """Marks an operation under way; what `_alone` needs to tell whether another one overlapped it."""
    with _lock:
        alone = _known.running == 0
        _known.running += 1
        _known.started += 1
        return _known.started if alone else -1


def _alone(ticket: int) -> bool:
    """Ends an operation: whether nothing else ran from its beginning to now (the caller holds `_lock`)."""
    _known.running -= 1
    return ticket == _known.started


def join(email: EmailAddress, **tracking: str | None) -> WaitlistJoined:
    """Adds the (normalised: `cinq.addresses`) address once; the count after it."""
    entry = WaitlistEntry.new(email, datetime.now(UTC), **{name: value or None for name, value in tracking.items()})
    ticket = _begin()
    try:
        if _stale():
            _refresh(consistent=False)  # before the transaction: it cannot count this sign-up
        _sign_up(entry)
    except BaseException:
        with _lock:
            _alone(ticket)
        raise
    metrics.add_metric(name="WaitlistSignups", unit="Count", value=1)
    with _lock:
        # Alone since before the transaction: the count read earlier did not include this sign-up
        if _alone(ticket) and time.monotonic() - _known.read_at < CACHE_SECONDS:
            _known.count += 1
            return WaitlistJoined(count=_known.count)
    try:
        return WaitlistJoined(count=_read(consistent=True))  # includes this sign-up
    except Exception as exc:
        if not outages.unavailable(exc):
            raise
        # The sign-up is stored: a 503 now would make its retry a 409. Answer it with the count this
        # environment last knew plus this sign-up (eventually consistent, like every count read here).
        logger.warning("waitlist count unavailable after a sign-up", extra={"error": type(exc).__name__})
        with _lock:
            _known.count += 1
            return WaitlistJoined(count=_known.count)


def _sign_up(entry: WaitlistEntry) -> None:
    for attempt in range(ATTEMPTS):
        try:
            # The entry and one shard move together: the sum of the shards is exactly the number of entries.
            with TransactWrite(connection=connection()) as transaction:
                transaction.save(entry, condition=WaitlistEntry.pk.does_not_exist())
                transaction.update(Counter.ref(COUNTER, secrets.randbelow(SHARDS)), actions=[Counter.value.add(1)])
            return
        except TransactWriteError as exc:
            if conflicted(exc) and attempt + 1 < ATTEMPTS:
                time.sleep(0.01 * 2**attempt * (1 + secrets.randbelow(100) / 100))
                continue
            if failed_conditions(exc, 2) is None:
                raise
            raise AlreadyRegistered() from None


def _stale() -> bool:
    with _lock:
        return time.monotonic() - _known.read_at >= CACHE_SECONDS


def _read(consistent: bool = False) -> int:
    """The count read now, as an operation of its own (`_begin`)."""
    ticket = _begin()
    try:
        return _refresh(consistent)
    finally:
        with _lock:
            _alone(ticket)


def _refresh(consistent: bool) -> int:
    keys = [LEGACY, *(shard_key(shard) for shard in range(SHARDS))]
    total = sum(int(counter.value) for counter in Counter.batch_get(keys, consistent_read=consistent))
    with _lock:
        _known.count = max(_known.count, total)
        _known.read_at = time.monotonic()
        return _known.count

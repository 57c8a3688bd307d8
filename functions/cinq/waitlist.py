"""The waitlist: one entry per address (normalised), counted exactly under parallel sign-ups."""

from __future__ import annotations

from datetime import UTC, datetime

from pynamodb.exceptions import TransactWriteError
from pynamodb.transactions import TransactWrite

from cinq.errors import AlreadyRegistered
from cinq.models import Counter, WaitlistEntry
from shared.dynamo import connection, failed_conditions
from shared.observability import metrics
from shared.validation import EmailAddress

COUNTER = ("COUNTER#waitlist", "COUNT")


def count() -> int:
    try:
        return int(Counter.get(*COUNTER, consistent_read=True).value)
    except Counter.DoesNotExist:
        return 0


def join(email: EmailAddress, **tracking: str | None) -> int:
    """Adds the (normalised: `cinq.addresses`) address once; the count after it."""
    entry = WaitlistEntry(
        f"WAITLIST#{email}",
        "ENTRY",
        email=email,
        created_at=datetime.now(UTC),
        **{name: value for name, value in tracking.items() if value},  # type: ignore[arg-type]
    )
    try:
        # The entry and the counter move together: the count is exactly the number of entries.
        with TransactWrite(connection=connection()) as transaction:
            transaction.save(entry, condition=WaitlistEntry.pk.does_not_exist())
            transaction.update(Counter(*COUNTER), actions=[Counter.value.add(1)])
    except TransactWriteError as exc:
        if failed_conditions(exc, 2) is None:
            raise
        raise AlreadyRegistered() from None
    metrics.add_metric(name="WaitlistSignups", unit="Count", value=1)
    return count()

"""Credits: one free credit per anonymous session and UTC day; paid credits for signed-in users.

A debit is one DynamoDB transaction with the conversion it pays for and, when
the client sent a requestId, the idempotency record that replays its answer:
all or nothing, never below zero, never twice.
"""

from __future__ import annotations

import hashlib
import json
import random
import secrets
from datetime import UTC, date, datetime, time, timedelta
from enum import Enum
from time import sleep
from typing import Any

from pydantic import TypeAdapter
from pynamodb.exceptions import TransactWriteError
from pynamodb.transactions import TransactWrite

from bank2xls.errors import (
    DailyQuotaExceeded,
    IdempotencyConflict,
    IdempotencyInFlight,
    InsufficientFunds,
    InternalError,
)
from bank2xls.models import ConsumeRecord, ConversionItem, FreeDailyItem, UserItem
from bank2xls.schemas import (
    AnonymousBalance,
    AuthenticatedBalance,
    Consumed,
    FreeConsumed,
    FreeDaily,
    PaidConsumed,
    PaidCredits,
    Subscription,
)
from bank2xls.sessions import Caller
from shared.dynamo import conflicted, connection, failed_conditions
from shared.observability import metrics
from shared.timefmt import iso_millis as iso

FREE_DAILY_LIMIT = 1
MAX_ATTEMPTS = 25  # optimistic retries when concurrent debits touch the same balance
_ANSWER: TypeAdapter[Consumed] = TypeAdapter(Consumed)  # a replayed answer, from its stored map


def balance(caller: Caller) -> AnonymousBalance | AuthenticatedBalance:
    if caller.user_id is None:
        today = datetime.now(UTC).date()
        used = int(_free_used(caller.session_id, today))
        free = FreeDaily(
            limit=FREE_DAILY_LIMIT,
            usedToday=used,
            remaining=FREE_DAILY_LIMIT - used,
            resetAt=iso(datetime.combine(today + timedelta(days=1), time(), UTC)),
        )
        return AnonymousBalance(mode="anonymous", freeDaily=free)
    user = UserItem.of(caller.user_id, consistent_read=True)
    return AuthenticatedBalance(
        mode="authenticated",
        paidCredits=PaidCredits(balance=int(user.balance), lastUpdate=iso(user.balance_updated_at or user.created_at)),
        subscription=Subscription(
            status=user.subscription_status or "none",
            planId=user.plan_id,
            nextInvoiceAt=iso(user.next_invoice_at) if user.next_invoice_at else None,
            endsAt=iso(user.subscription_ends_at) if user.subscription_ends_at else None,
        ),
        rollover=True,
    )


def consume(
    caller: Caller, reason: str, amount: int, request_id: str | None, metadata: dict[str, Any] | None
) -> Consumed:
    fingerprint = hashlib.sha256(json.dumps([reason, amount, metadata], sort_keys=True).encode()).hexdigest()
    owner = caller.user_id or caller.session_id
    record = None
    if request_id:
        record = ConsumeRecord(*ConsumeRecord.key(owner, request_id), fingerprint=fingerprint)
    if record is not None and (replayed := _replay(record)) is not None:
        return replayed
    conversion_id, created_at = f"conv_{secrets.token_hex(8)}", datetime.now(UTC)
    conversion = ConversionItem(
        *ConversionItem.key(owner, created_at, conversion_id),
        conversion_id=conversion_id,
        user_id=caller.user_id,
        session_id=caller.session_id,
        type=reason.removesuffix("_conversion") or reason,
        cost=amount,
        status="success",
        created_at=created_at,
        metadata=metadata or None,
    )
    if caller.user_id is None:
        return _consume_free(caller, amount, record, conversion)
    return _consume_paid(caller.user_id, amount, record, conversion)


def _consume_free(caller: Caller, amount: int, record: ConsumeRecord | None, conversion: ConversionItem) -> Consumed:
    today = datetime.now(UTC).date()
    if amount > FREE_DAILY_LIMIT:
        raise DailyQuotaExceeded()
    result = FreeConsumed(debited=amount, type="free-daily", date=today.isoformat(), remainingToday=0)
    free = FreeDailyItem(
        *FreeDailyItem.key(caller.session_id, today),
        used_at=datetime.now(UTC),
        expires_at=datetime.now(UTC) + timedelta(days=2),
    )
    for attempt in range(MAX_ATTEMPTS):
        outcome = _transact(
            record, result, conversion, lambda tx: tx.save(free, condition=FreeDailyItem.pk.does_not_exist())
        )
        if outcome is Outcome.DONE:
            metrics.add_metric(name="FreeCreditsUsed", unit="Count", value=1)
            return result
        if outcome is Outcome.REQUEST_DONE:
            return _replay_or_in_flight(record)
        if outcome is Outcome.DEBIT_REFUSED:
            raise DailyQuotaExceeded()
        _pause(attempt)
    return _gave_up(record)


def _consume_paid(user_id: str, amount: int, record: ConsumeRecord | None, conversion: ConversionItem) -> Consumed:
    entry_id = f"entry_{secrets.token_hex(8)}"
    for attempt in range(MAX_ATTEMPTS):
        user = UserItem.of(user_id, consistent_read=True)
        current = int(user.balance)
        if current < amount:
            if record is not None and (replayed := _replay(record)) is not None:
                return replayed  # a concurrent request with this requestId spent it: its answer is ours
            raise InsufficientFunds()
        result = PaidConsumed(debited=amount, newBalance=current - amount, entryId=entry_id)
        outcome = _transact(
            record,
            result,
            conversion,
            # Optimistic: the debit applies only to the balance just read, so newBalance is exact.
            lambda tx, user=user, current=current: tx.update(
                user,
                actions=[UserItem.balance.set(current - amount), UserItem.balance_updated_at.set(datetime.now(UTC))],
                condition=UserItem.balance == current,
            ),
        )
        if outcome is Outcome.DONE:
            metrics.add_metric(name="PaidCreditsDebited", unit="Count", value=amount)
            return result
        if outcome is Outcome.REQUEST_DONE:
            return _replay_or_in_flight(record)
        if outcome is Outcome.CONFLICT:
            _pause(attempt)
        # DEBIT_REFUSED: the balance changed since it was read; read it again
    return _gave_up(record)


class Outcome(Enum):
    DONE = "written"
    REQUEST_DONE = "the requestId's record exists: a request with it was debited"
    DEBIT_REFUSED = "the debit's condition failed"
    CONFLICT = "DynamoDB cancelled it for a concurrent transaction on the same item: retry"


def _transact(record: ConsumeRecord | None, result: Consumed, conversion: ConversionItem, debit: Any) -> Outcome:
    """Idempotency record + conversion + debit, all or nothing."""
    try:
        with TransactWrite(connection=connection()) as transaction:
            # pynamodb sends puts before updates whatever the order they are added in:
            # the record goes first, so its cancellation reason is always the first one.
            if record is not None:
                record.result = result.model_dump()
                transaction.save(record, condition=ConsumeRecord.pk.does_not_exist())
            transaction.save(conversion)
            debit(transaction)
    except TransactWriteError as exc:
        failed = failed_conditions(exc, 3)
        if failed is not None:
            return Outcome.REQUEST_DONE if record is not None and failed[0] else Outcome.DEBIT_REFUSED
        if conflicted(exc):
            return Outcome.CONFLICT
        raise
    return Outcome.DONE


def _replay(record: ConsumeRecord) -> Consumed | None:
    try:
        stored = ConsumeRecord.get(record.pk, record.sk, consistent_read=True)
    except ConsumeRecord.DoesNotExist:
        return None
    if stored.fingerprint != record.fingerprint:
        raise IdempotencyConflict()
    return _ANSWER.validate_python(stored.result.as_dict())


def _replay_or_in_flight(record: ConsumeRecord | None) -> Consumed:
    """A concurrent request with the same requestId won the transaction: answer what it answered."""
    replayed = _replay(record) if record is not None else None
    if replayed is None:
        raise IdempotencyInFlight()
    return replayed


def _gave_up(record: ConsumeRecord | None) -> Consumed:
    """Every attempt collided with concurrent debits."""
    if record is not None:
        return _replay_or_in_flight(record)  # the one that kept winning may be this very requestId
    raise InternalError()  # let the client retry


def _pause(attempt: int) -> None:
    """Jittered backoff after a TransactionConflict, so concurrent transactions stop colliding."""
    sleep(random.uniform(0, min(0.2, 0.005 * 2**attempt)))  # noqa: S311 - jitter, not a secret


def _free_used(session_id: str, day: date) -> bool:
    try:
        FreeDailyItem.get(*FreeDailyItem.key(session_id, day), consistent_read=True)
    except FreeDailyItem.DoesNotExist:
        return False
    return True

"""Credits: one free credit per anonymous session and UTC day; paid credits for signed-in users.

A debit is one DynamoDB transaction with the conversion it pays for and, when
the client sent a requestId, the idempotency record that replays its answer:
all or nothing, never below zero, never twice.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from pynamodb.connection import Connection
from pynamodb.exceptions import TransactWriteError
from pynamodb.transactions import TransactWrite

from bank2xls.errors import DailyQuotaExceeded, IdempotencyConflict, InsufficientFunds, InternalError
from bank2xls.models import ConsumeRecord, ConversionItem, FreeDailyItem, UserItem
from bank2xls.sessions import Caller
from shared.dynamo import failed_conditions
from shared.observability import metrics
from shared.timefmt import iso_millis as iso

FREE_DAILY_LIMIT = 1
MAX_ATTEMPTS = 25  # optimistic retries when concurrent debits touch the same balance


def balance(caller: Caller) -> dict[str, Any]:
    if caller.user_id is None:
        today = datetime.now(UTC).date()
        used = _free_used(caller.session_id, today)
        return {
            "mode": "anonymous",
            "freeDaily": {
                "limit": FREE_DAILY_LIMIT,
                "usedToday": int(used),
                "remaining": FREE_DAILY_LIMIT - int(used),
                "resetAt": iso(datetime.combine(today + timedelta(days=1), time(), UTC)),
            },
        }
    user = UserItem.get(f"USER#{caller.user_id}", "PROFILE", consistent_read=True)
    return {
        "mode": "authenticated",
        "paidCredits": {"balance": int(user.balance), "lastUpdate": iso(user.balance_updated_at or user.created_at)},
        "subscription": {
            "status": user.subscription_status or "none",
            "planId": user.plan_id,
            "nextInvoiceAt": iso(user.next_invoice_at) if user.next_invoice_at else None,
        },
        "rollover": True,
    }


def consume(
    caller: Caller, reason: str, amount: int, request_id: str | None, metadata: dict[str, Any] | None
) -> dict[str, Any]:
    fingerprint = hashlib.sha256(json.dumps([reason, amount, metadata], sort_keys=True).encode()).hexdigest()
    owner = caller.user_id or caller.session_id
    record = None
    if request_id:
        record = ConsumeRecord(f"IDEMPOTENCY#{owner}#{request_id}", "CONSUME", fingerprint=fingerprint)
    if record is not None and (replayed := _replay(record)) is not None:
        return replayed
    conversion = ConversionItem(
        conversion_id=f"conv_{secrets.token_hex(8)}",
        user_id=caller.user_id,
        session_id=caller.session_id,
        type=reason.removesuffix("_conversion") or reason,
        cost=amount,
        status="success",
        created_at=datetime.now(UTC),
        metadata=metadata or None,
    )
    conversion.pk = f"CONVERSIONS#{owner}"
    conversion.sk = f"{iso(conversion.created_at)}#{conversion.conversion_id}"
    if caller.user_id is None:
        return _consume_free(caller, amount, record, conversion)
    return _consume_paid(caller.user_id, amount, record, conversion)


def _consume_free(caller: Caller, amount: int, record: ConsumeRecord | None, conversion: ConversionItem) -> dict:
    today = datetime.now(UTC).date()
    if amount > FREE_DAILY_LIMIT:
        raise DailyQuotaExceeded()
    result = {"debited": amount, "type": "free-daily", "date": today.isoformat(), "remainingToday": 0}
    free = _free_item(caller.session_id, today)
    free.used_at = datetime.now(UTC)
    reasons = _transact(
        record, result, conversion, lambda tx: tx.save(free, condition=FreeDailyItem.pk.does_not_exist())
    )
    if reasons is None:
        metrics.add_metric(name="FreeCreditsUsed", unit="Count", value=1)
        return result
    if record is not None and reasons[1]:
        return _replay_or_conflict(record)
    raise DailyQuotaExceeded()


def _consume_paid(user_id: str, amount: int, record: ConsumeRecord | None, conversion: ConversionItem) -> dict:
    entry_id = f"entry_{secrets.token_hex(8)}"
    for _ in range(MAX_ATTEMPTS):
        user = UserItem.get(f"USER#{user_id}", "PROFILE", consistent_read=True)
        current = int(user.balance)
        if current < amount:
            raise InsufficientFunds()
        result = {"debited": amount, "newBalance": current - amount, "entryId": entry_id}
        reasons = _transact(
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
        if reasons is None:
            metrics.add_metric(name="PaidCreditsDebited", unit="Count", value=amount)
            return result
        if record is not None and reasons[1]:
            return _replay_or_conflict(record)
    raise InternalError()  # the balance kept changing under us: let the client retry


def _transact(record: ConsumeRecord | None, result: dict, conversion: ConversionItem, debit: Any) -> list[bool] | None:
    """Debit + idempotency record + conversion; None when done, else which items' conditions failed."""
    try:
        with TransactWrite(connection=Connection()) as transaction:
            debit(transaction)
            if record is not None:
                record.result = result
                transaction.save(record, condition=ConsumeRecord.pk.does_not_exist())
            transaction.save(conversion)
    except TransactWriteError as exc:
        failed = failed_conditions(exc, 3)
        if failed is None:
            raise
        return failed
    return None


def _replay(record: ConsumeRecord) -> dict[str, Any] | None:
    try:
        stored = ConsumeRecord.get(record.pk, record.sk, consistent_read=True)
    except ConsumeRecord.DoesNotExist:
        return None
    if stored.fingerprint != record.fingerprint:
        raise IdempotencyConflict()
    return stored.result.as_dict()


def _replay_or_conflict(record: ConsumeRecord) -> dict[str, Any]:
    """A concurrent request with the same requestId won the transaction: answer what it answered."""
    replayed = _replay(record)
    if replayed is None:
        raise IdempotencyConflict()
    return replayed


def _free_used(session_id: str, day: date) -> bool:
    try:
        FreeDailyItem.get(f"FREE#{session_id}#{day.isoformat()}", "FREE", consistent_read=True)
    except FreeDailyItem.DoesNotExist:
        return False
    return True


def _free_item(session_id: str, day: date) -> FreeDailyItem:
    return FreeDailyItem(
        f"FREE#{session_id}#{day.isoformat()}", "FREE", expires_at=datetime.now(UTC) + timedelta(days=2)
    )

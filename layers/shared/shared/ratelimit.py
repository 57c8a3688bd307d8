"""Fixed-window rate limits counted atomically in DynamoDB, so they hold across Lambda instances.

One conditional update per hit: the counter only grows while under the limit,
and the item expires by TTL after its window.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from botocore.exceptions import ClientError

from shared.aws import client
from shared.dynamo import CONDITION_FAILED


@dataclass(frozen=True)
class Window:
    limit: int
    remaining: int
    reset_at: int  # epoch seconds
    allowed: bool

    @property
    def headers(self) -> dict[str, str]:
        return {
            "X-RateLimit-Limit": str(self.limit),
            "X-RateLimit-Remaining": str(self.remaining),
            "X-RateLimit-Reset": str(self.reset_at),
        }


def hit(table: str, key: dict[str, str], limit: int, window_seconds: int, now: float | None = None) -> Window:
    """Count one request against `key` (the table's key attributes, a string each) in the current window."""
    moment = int(now if now is not None else time.time())
    start = moment - moment % window_seconds
    reset_at = start + window_seconds
    item_key = _key({name: f"{value}#{start}" for name, value in key.items()})
    try:
        answer = client("dynamodb").update_item(
            TableName=table,
            Key=item_key,
            UpdateExpression="ADD hits :one SET expires_at = if_not_exists(expires_at, :expires)",
            ConditionExpression="attribute_not_exists(hits) OR hits < :limit",
            ExpressionAttributeValues={
                ":one": {"N": "1"},
                ":limit": {"N": str(limit)},
                ":expires": {"N": str(reset_at + 60)},
            },
            ReturnValues="UPDATED_NEW",
        )
    except ClientError as exc:
        if exc.response["Error"]["Code"] == CONDITION_FAILED:
            return Window(limit, 0, reset_at, allowed=False)
        raise
    hits = int(answer["Attributes"]["hits"]["N"])
    return Window(limit, max(0, limit - hits), reset_at, allowed=True)


@dataclass(frozen=True)
class Lockout:
    blocked: bool
    retry_after: int  # seconds until the block ends (0 when not blocked)


def lockout(table: str, key: dict[str, str], now: float | None = None) -> Lockout:
    """Whether `key` (e.g. a source IP) is blocked after too many failures."""
    moment = int(now if now is not None else time.time())
    item = client("dynamodb").get_item(TableName=table, Key=_key(key), ConsistentRead=True).get("Item", {})
    blocked_until = int(item.get("blocked_until", {}).get("N", 0))
    return Lockout(blocked_until > moment, max(0, blocked_until - moment))


def record_failure(
    table: str,
    key: dict[str, str],
    *,
    max_failures: int = 5,
    window_seconds: int = 900,
    block_seconds: int = 3600,
    now: float | None = None,
) -> Lockout:
    """Counts a failure in the current window; the one that reaches `max_failures` blocks for `block_seconds`."""
    moment = int(now if now is not None else time.time())
    dynamodb = client("dynamodb")
    try:  # within the running window: one more failure
        answer = dynamodb.update_item(
            TableName=table,
            Key=_key(key),
            UpdateExpression="ADD failures :one",
            ConditionExpression="window_start > :cutoff",
            ExpressionAttributeValues={":one": {"N": "1"}, ":cutoff": {"N": str(moment - window_seconds)}},
            ReturnValues="ALL_NEW",
        )
        failures = int(answer["Attributes"]["failures"]["N"])
    except ClientError as exc:
        if exc.response["Error"]["Code"] != CONDITION_FAILED:
            raise
        failures = 1  # no window, or an old one: start a new window (keeping any block still running)
        dynamodb.update_item(
            TableName=table,
            Key=_key(key),
            UpdateExpression="SET failures = :one, window_start = :now, expires_at = :expires",
            ExpressionAttributeValues={
                ":one": {"N": "1"},
                ":now": {"N": str(moment)},
                ":expires": {"N": str(moment + window_seconds + block_seconds)},
            },
        )
    if failures < max_failures:
        return Lockout(False, 0)
    until = moment + block_seconds
    dynamodb.update_item(
        TableName=table,
        Key=_key(key),
        UpdateExpression="SET blocked_until = :until, expires_at = :expires",
        ExpressionAttributeValues={":until": {"N": str(until)}, ":expires": {"N": str(until + 60)}},
    )
    return Lockout(True, block_seconds)


def clear_failures(table: str, key: dict[str, str]) -> None:
    """A success resets the counter (a running block is not lifted: the caller checked it first)."""
    try:
        client("dynamodb").update_item(
            TableName=table,
            Key=_key(key),
            UpdateExpression="REMOVE failures, window_start",
            ConditionExpression="attribute_exists(failures)",
        )
    except ClientError as exc:
        if exc.response["Error"]["Code"] != CONDITION_FAILED:
            raise


def _key(key: dict[str, str]) -> dict[str, dict[str, str]]:
    return {name: {"S": value} for name, value in key.items()}

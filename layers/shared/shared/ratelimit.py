"""Fixed-window rate limits counted atomically in DynamoDB, so they hold across Lambda instances.

One conditional update per hit: the counter only grows while under the limit,
and the item expires by TTL after its window. A hit for something that then could
not be done (a mail SES refused) is given back with `refund`. (Failed attempts such
as password guesses are counted by `shared.throttle`.)
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from botocore.exceptions import ClientError

from shared.aws import client
from shared.dynamo import CONDITION_FAILED


@dataclass(frozen=True)
class Window:
    limit: int
    remaining: int
    reset_at: int  # epoch seconds
    allowed: bool
    retry_after: int = 0  # seconds until the window resets, when refused
    table: str = ""
    item_key: dict[str, dict[str, str]] = field(default_factory=dict)  # the counter this hit went to

    @property
    def headers(self) -> dict[str, str]:
        """X-RateLimit-*, and Retry-After on a refusal."""
        headers = {
            "X-RateLimit-Limit": str(self.limit),
            "X-RateLimit-Remaining": str(self.remaining),
            "X-RateLimit-Reset": str(self.reset_at),
        }
        if not self.allowed:
            headers["Retry-After"] = str(self.retry_after)
        return headers


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
            return Window(limit, 0, reset_at, allowed=False, retry_after=max(1, reset_at - moment))
        raise
    hits = int(answer["Attributes"]["hits"]["N"])
    return Window(limit, max(0, limit - hits), reset_at, allowed=True, table=table, item_key=item_key)


def refund(window: Window) -> None:
    """Give back a counted hit (the thing it allowed did not happen); never below zero."""
    if not window.allowed or not window.item_key:
        return
    try:
        client("dynamodb").update_item(
            TableName=window.table,
            Key=window.item_key,
            UpdateExpression="ADD hits :minus_one",
            ConditionExpression="hits > :zero",
            ExpressionAttributeValues={":minus_one": {"N": "-1"}, ":zero": {"N": "0"}},
        )
    except ClientError as exc:
        if exc.response["Error"]["Code"] != CONDITION_FAILED:
            raise


def _key(key: dict[str, str]) -> dict[str, dict[str, str]]:
    return {name: {"S": value} for name, value in key.items()}

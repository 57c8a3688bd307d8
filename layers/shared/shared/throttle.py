"""Brute-force throttles: failed attempts counted per subject in DynamoDB, so they hold across Lambda instances.

A `Limit` allows `max_failures` failures in a window of `window_seconds` (opened by the first one) on
one subject: a source IP, an account, an account from one IP. `guarded` counts each attempt *before*
it runs, with one conditional update per limit (the count only grows while under the limit and
unblocked), so N parallel guesses never check more than the limit allows: attempts still running
hold their place (`pending`), and one too many in flight is refused with a Retry-After of 1 second.
The attempt then settles:

- a failure (one of `failures`) keeps its count; the one that makes `max_failures` settled failures
  blocks the subject for `block_seconds` (0: refused until the window ends);
- a success gives its count back, or resets the counter where the limit says so (a block stays);
- anything else (a refusal that is not a guess, an unexpected error) gives its count back.

A refused attempt raises `Throttled` with the seconds until it may try again; each API renders it as
its own 429 with `Retry-After`. Subjects are stored as SHA-256, items expire by TTL (`expires_at`).
"""

from __future__ import annotations

import hashlib
import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, cast

from botocore.exceptions import ClientError

from shared.aws import client
from shared.dynamo import CONDITION_FAILED

NOT_BLOCKED = "(attribute_not_exists(blocked_until) OR blocked_until <= :now)"
_BACK = {":minus_one": {"N": "-1"}, ":zero": {"N": "0"}}


@dataclass(frozen=True)
class Limit:
    name: str
    max_failures: int
    window_seconds: int
    block_seconds: int = 0
    reset_on_success: bool = False

    def key(self, subject: str) -> dict[str, dict[str, str]]:
        digest = hashlib.sha256(subject.encode()).hexdigest()
        return {"pk": {"S": f"THROTTLE#{self.name}#{digest}"}, "sk": {"S": "THROTTLE"}}


# Logins (invoice_api, filestore): Laravel's login throttle, 5 failures a minute for one account from
# one address, plus ceilings per account (whatever the address) and per address (whatever the account).
LOGIN_ACCOUNT_AND_IP = Limit("login-account-ip", 5, 60)
LOGIN_ACCOUNT = Limit("login-account", 10, 900)
LOGIN_IP = Limit("login-ip", 50, 3600)


def login_counters(account: str, source_ip: str) -> list[tuple[Limit, str]]:
    """The three counters of one login attempt; the longest refusal first, so its Retry-After is the true one."""
    return [(LOGIN_IP, source_ip), (LOGIN_ACCOUNT, account), (LOGIN_ACCOUNT_AND_IP, f"{account}\x1f{source_ip}")]


class Throttled(Exception):
    def __init__(self, retry_after: int) -> None:
        self.retry_after = max(1, retry_after)
        super().__init__(f"throttled for {self.retry_after} s")


@dataclass(frozen=True)
class _Count:
    """One attempt counted in a window (`failures` counts it, `pending` too until it settles)."""

    table: str
    limit: Limit
    key: dict[str, dict[str, str]]
    window_end: str


def guarded[T](
    table: str,
    counters: Sequence[tuple[Limit, str]],
    attempt: Callable[[], T],
    *,
    failures: tuple[type[BaseException], ...],
) -> T:
    """Runs `attempt` if every counter allows one more; Throttled otherwise (and nothing is counted)."""
    counts: list[_Count] = []
    try:
        for limit, subject in counters:
            counts.append(_take(table, limit, limit.key(subject)))
    except BaseException:  # refused (Throttled) or the store failed: what was taken is given back
        _each(counts, _give_back)
        raise
    try:
        result = attempt()
    except failures:
        _each(counts, _keep)
        raise
    except BaseException:
        _each(counts, _give_back)
        raise
    _each(counts, _succeeded)
    return result


def _take(table: str, limit: Limit, key: dict[str, dict[str, str]]) -> _Count:
    """Counts one attempt: in the running window while under the limit, or in a new window."""
    dynamodb = client("dynamodb")
    for _ in range(3):  # a new window opened by a concurrent attempt: count in that one
        now = time.time()
        try:
            answer = dynamodb.update_item(
                TableName=table,
                Key=key,
                UpdateExpression="ADD failures :one, pending :one",
                ConditionExpression=f"window_end > :now AND failures < :max AND {NOT_BLOCKED}",
                ExpressionAttributeValues={":one": _n(1), ":now": _n(now), ":max": _n(limit.max_failures)},
                ReturnValues="ALL_NEW",
                ReturnValuesOnConditionCheckFailure="ALL_OLD",
            )
            return _Count(table, limit, key, answer["Attributes"]["window_end"]["N"])
        except ClientError as exc:
            _condition_failed(exc)
            old = cast(dict[str, Any], exc.response.get("Item", {}))  # the item as the condition saw it
            retry_after = _refusal(old, limit, now)
        if retry_after:
            raise Throttled(retry_after)
        window_end = _n(now + limit.window_seconds)
        try:
            dynamodb.update_item(
                TableName=table,
                Key=key,
                UpdateExpression="SET failures = :one, pending = :one, window_end = :end, expires_at = :expires",
                ConditionExpression=f"(attribute_not_exists(window_end) OR window_end <= :now) AND {NOT_BLOCKED}",
                ExpressionAttributeValues={
                    ":one": _n(1),
                    ":now": _n(now),
                    ":end": window_end,
                    ":expires": _n(math.ceil(now) + limit.window_seconds + 60),
                },
            )
            return _Count(table, limit, key, window_end["N"])
        except ClientError as exc:
            _condition_failed(exc)
    raise Throttled(1)


def _refusal(item: dict[str, Any], limit: Limit, now: float) -> int:
    """Seconds until a refused subject may try again; 0 when no window is running (a new one may open)."""
    blocked_until = _number(item, "blocked_until")
    if blocked_until > now:
        return math.ceil(blocked_until - now)
    window_end, failures = _number(item, "window_end"), _number(item, "failures")
    if window_end <= now or failures < limit.max_failures:
        return 0
    if failures - _number(item, "pending") < limit.max_failures:
        return 1  # full of attempts still running, not of failures: try again in a moment
    return math.ceil(window_end - now)


def _keep(count: _Count) -> None:
    """A failure stays counted; the one that makes `max_failures` settled failures starts the block."""
    item = _update(count, "ADD pending :minus_one", "window_end = :end AND pending > :zero", _BACK)
    settled = _number(item, "failures") - _number(item, "pending")
    if not item or not count.limit.block_seconds or settled < count.limit.max_failures:
        return
    until = time.time() + count.limit.block_seconds
    values = {":until": _n(until), ":expires": _n(math.ceil(until) + 60)}
    _update(count, "SET blocked_until = :until, expires_at = :expires", "window_end = :end", values)


def _give_back(count: _Count) -> None:
    _update(count, "ADD failures :minus_one, pending :minus_one", "window_end = :end AND pending > :zero", _BACK)


def _succeeded(count: _Count) -> None:
    """A success gives its count back; where the limit resets, only the attempts still running stay counted."""
    if count.limit.reset_on_success and _update(
        count,
        "SET failures = pending - :one, pending = pending - :one",
        f"window_end = :end AND pending > :zero AND {NOT_BLOCKED}",
        {":one": _n(1), ":zero": _n(0), ":now": _n(time.time())},
    ):
        return
    _give_back(count)


def _each(counts: Sequence[_Count], settle: Callable[[_Count], None]) -> None:
    for count in counts:
        settle(count)


def _update(count: _Count, expression: str, condition: str, values: dict[str, dict[str, str]]) -> dict[str, Any]:
    """A settling write in the attempt's own window: the item after it, or {} when its condition failed."""
    try:
        answer = client("dynamodb").update_item(
            TableName=count.table,
            Key=count.key,
            UpdateExpression=expression,
            ConditionExpression=condition,
            ExpressionAttributeValues={":end": {"N": count.window_end}, **values},
            ReturnValues="ALL_NEW",
        )
    except ClientError as exc:
        _condition_failed(exc)
        return {}
    return cast(dict[str, Any], answer["Attributes"])


def _condition_failed(exc: ClientError) -> None:
    """Lets a failed condition through (the caller decides); any other error propagates."""
    if exc.response["Error"]["Code"] != CONDITION_FAILED:
        raise exc


def _number(item: dict[str, Any], name: str) -> float:
    return float(item.get(name, {}).get("N", 0))


def _n(value: float) -> dict[str, str]:
    return {"N": f"{value:.3f}" if isinstance(value, float) else str(value)}

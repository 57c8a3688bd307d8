"""Which failures mean "a dependency is unavailable": throttling, 5xx, timeouts, refused connections.

Each API answers those with its documented "unavailable" answer (`shared.resolver`: 503 with Retry-After in
the envelope; lnupload's HTTP 200 `success: false`) instead of a generic 500. Decided on exception types and
the services' error codes, never on message text; pynamodb's and Powertools' wrappers are looked through.
"""

from __future__ import annotations

import builtins
from collections.abc import Callable
from typing import Any

from botocore.exceptions import (
    ClientError,
    ConnectionError,
    EndpointConnectionError,
    HTTPClientError,
    IncompleteReadError,
    ResponseStreamingError,
)

from shared.deadline import OutOfTime

# botocore's throttling codes (retries/standard.py) and the services' retryable server-side codes
THROTTLING_CODES = frozenset(
    {
        "Throttling",
        "ThrottlingException",
        "ThrottledException",
        "RequestThrottledException",
        "TooManyRequestsException",
        "ProvisionedThroughputExceededException",
        "TransactionInProgressException",
        "RequestLimitExceeded",
        "BandwidthLimitExceeded",
        "LimitExceededException",
        "RequestThrottled",
        "SlowDown",
        "PriorRequestNotComplete",
        "EC2ThrottledException",
    }
)
SERVER_CODES = frozenset(
    {
        "InternalError",
        "InternalServerError",
        "InternalFailure",
        "InternalServiceError",
        "InternalServiceErrorException",
        "ServiceUnavailable",
        "ServiceUnavailableException",
        "RequestTimeout",
        "RequestTimeoutException",
    }
)
# a transaction DynamoDB cancelled for a reason that is not ours (its conditions were not what failed)
TRANSIENT_CANCELLATIONS = frozenset({"ThrottlingError", "ProvisionedThroughputExceeded", "TransactionConflict"})
CONNECTION_ERRORS = (
    ConnectionError,
    EndpointConnectionError,
    HTTPClientError,
    IncompleteReadError,
    ResponseStreamingError,
    OutOfTime,  # shared.aws.DeadlineExceeded too
    builtins.ConnectionError,  # shared.json_http.Unreachable too
    TimeoutError,
)


def transient(code: str | None, status: int | None) -> bool:
    """An AWS error answer worth retrying later: throttling or a server-side failure."""
    return code in THROTTLING_CODES or code in SERVER_CODES or (status is not None and status >= 500)


def unavailable(error: BaseException) -> bool:
    """Whether `error`, or what it wraps, says a dependency is unavailable rather than that we have a bug."""
    seen: set[int] = set()
    pending: list[BaseException | None] = [error]
    while pending:
        current = pending.pop()
        if current is None or id(current) in seen or len(seen) > 8:
            continue
        seen.add(id(current))
        if _unavailable(current):
            return True
        pending += [getattr(current, "cause", None), current.__cause__, current.__context__]
    return False


def _unavailable(error: BaseException) -> bool:
    if isinstance(error, CONNECTION_ERRORS):
        return True
    if isinstance(error, ClientError):
        response: dict[str, Any] = dict(error.response or {})
        code = response.get("Error", {}).get("Code")
        reasons = [reason.get("Code") for reason in response.get("CancellationReasons") or []]
        if code == "TransactionCanceledException" and reasons:
            causes = {reason for reason in reasons if reason not in (None, "None")}
            return bool(causes) and causes <= TRANSIENT_CANCELLATIONS
        return transient(code, response.get("ResponseMetadata", {}).get("HTTPStatusCode"))
    return False


def retrying[T](operation: Callable[[], T], tries: int = 3) -> T:
    """Run `operation` (safe to repeat) again while a dependency is unavailable, up to `tries` times; each try is itself
    retried by the SDK and bounded by the invocation's deadline. For the writes that undo or finish something
    (giving back a counted hit, releasing a claim), where giving up leaves a client's retry blocked."""
    for attempt in range(tries):
        try:
            return operation()
        except Exception as exc:
            if attempt == tries - 1 or not unavailable(exc):
                raise
    raise AssertionError("unreachable")

"""AWS clients: one boto3 session per environment, one client per service, shared by everything (pynamodb too).

A session loads botocore's data (endpoints, service models) and resolves credentials: built per client, as
boto3.client() and pynamodb each do, two clients cost ~175 ms of CPU against ~80 ms from one session.
Creating a client reads configuration and never calls AWS, so it is done at init (`shared.lifecycle`) and
is in a SnapStart snapshot.

boto3 itself honours AWS_ENDPOINT_URL / AWS_ENDPOINT_URL_<SERVICE>, which is how local runs and tests point
every client at moto; S3 then needs path-style addresses, since a bucket cannot be a sub-domain of 127.0.0.1.

Timeouts and retries are set on purpose (README, "When dependencies fail"): standard retry mode, 3 attempts in
all, 1 s to connect, 2 s to read. One call therefore gives up within `worst_case_seconds()` (3 × 3 s plus at
most 1 + 2 s of throttling backoff: 12 s), under the 15 s most functions have; and within an invocation,
`shared.deadline` stops an attempt or a retry that could not finish before the function must answer, so
several slow calls in a row still end in the API's "unavailable" answer, never in a function timeout.
"""

from __future__ import annotations

import os
import threading
from functools import cache
from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError

from shared import deadline, outages

CONNECT_TIMEOUT = 1.0
READ_TIMEOUT = 2.0
TOTAL_ATTEMPTS = 3  # the first and two retries (botocore's `max_attempts` would count retries only)
# botocore's standard mode waits rand(0, 1) * min(scale * 2 ** (attempt - 1), 20) s before a retry; the scale is
# 1 s after a throttling error (less after others).
THROTTLING_BACKOFF_SCALE = 1.0
MAX_BACKOFF = 20.0

CONFIG = Config(
    connect_timeout=CONNECT_TIMEOUT,
    read_timeout=READ_TIMEOUT,
    retries={"mode": "standard", "total_max_attempts": TOTAL_ATTEMPTS},
)

# botocore builds clients from a shared session without locking (pynamodb keeps a session per thread for
# that reason): creation is serialised here, use is thread-safe.
_creating = threading.RLock()


class DeadlineExceeded(BotoCoreError, deadline.OutOfTime):
    """An attempt (or a retry) that could not finish before the function must answer: not made."""

    fmt = "Not enough time left in the invocation for {operation}"


def backoff_bound(attempts_made: int) -> float:
    """The longest wait botocore may make before the next attempt, after `attempts_made` attempts."""
    return min(THROTTLING_BACKOFF_SCALE * 2 ** (attempts_made - 1), MAX_BACKOFF)


def worst_case_seconds() -> float:
    """How long one call may take at most: every attempt timing out, every backoff at its longest."""
    waits = sum(backoff_bound(attempt) for attempt in range(1, TOTAL_ATTEMPTS))
    return TOTAL_ATTEMPTS * (CONNECT_TIMEOUT + READ_TIMEOUT) + waits


def endpoint_overridden(service: str) -> bool:
    return bool(os.environ.get(f"AWS_ENDPOINT_URL_{service.upper()}") or os.environ.get("AWS_ENDPOINT_URL"))


@cache
def session() -> boto3.session.Session:
    return boto3.session.Session()


def client(service: str) -> Any:
    with _creating:
        return _client(service)


@cache
def _client(service: str) -> Any:
    config = CONFIG
    if service == "s3":
        addressing: Any = "path" if endpoint_overridden("s3") else "virtual"
        config = config.merge(Config(signature_version="s3v4", s3={"addressing_style": addressing}))
    made = session().client(service, config=config)  # type: ignore[call-overload]
    made.meta.events.register("before-send", _refuse_late_attempt)
    made.meta.events.register_first("needs-retry", _refuse_late_retry)
    return made


def _refuse_late_attempt(request: Any, **kwargs: Any) -> None:
    """Before each attempt: refuse it when it could outlast the invocation (an attempt may take connect + read)."""
    left = deadline.remaining()
    if left is not None and left < CONNECT_TIMEOUT + READ_TIMEOUT:
        raise DeadlineExceeded(operation=kwargs.get("event_name", "the call").rsplit(".", 1)[-1])


def _refuse_late_retry(attempts: int, response: Any, caught_exception: Any, operation: Any, **_: Any) -> None:
    """After a failed attempt botocore would retry: end the call now if the wait and the next attempt could not
    finish in time (runs before botocore's own handler, which sleeps)."""
    left = deadline.remaining()
    if left is None or attempts >= TOTAL_ATTEMPTS or isinstance(caught_exception, DeadlineExceeded):
        return
    if caught_exception is not None and not isinstance(caught_exception, outages.CONNECTION_ERRORS):
        return
    if caught_exception is None:
        http, parsed = response if response else (None, {})
        status = getattr(http, "status_code", None)
        if not outages.transient((parsed or {}).get("Error", {}).get("Code"), status):
            return
    if left < backoff_bound(attempts) + CONNECT_TIMEOUT + READ_TIMEOUT:
        raise DeadlineExceeded(operation=getattr(operation, "name", "the call"))


def reset() -> None:
    """Forget the session and its clients (tests switch endpoints and credentials between cases)."""
    with _creating:
        _client.cache_clear()
        session.cache_clear()

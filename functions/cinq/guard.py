"""Brute-force protection for gift codes and login: per source IP, 5 failures in 15 minutes block
the IP for an hour; a success resets the count. Counters live in DynamoDB (TTL), shared by every
Lambda instance. Attempts are logged for audit without the code or password."""

from __future__ import annotations

from collections.abc import Callable

from cinq.errors import BadCredentials, CodeNotFound, InvalidCodeFormat, RateLimited
from cinq.settings import settings
from shared import ratelimit
from shared.errors import DomainError
from shared.observability import logger

# Failures that look like guessing; a code that exists but is used up is not one.
GUESSES = (BadCredentials, CodeNotFound, InvalidCodeFormat)


def guarded[T](action: str, source_ip: str, attempt: Callable[[], T]) -> T:
    key = {"pk": f"LOCKOUT#{source_ip}", "sk": "LOCKOUT"}
    table = settings().table_name
    state = ratelimit.lockout(table, key)
    if state.blocked:
        _audit(action, source_ip, "blocked")
        raise _limited(state.retry_after)
    try:
        result = attempt()
    except GUESSES as error:
        after = ratelimit.record_failure(table, key)
        _audit(action, source_ip, "failure")
        if after.blocked:
            raise _limited(after.retry_after) from None
        raise error from None
    except DomainError:
        _audit(action, source_ip, "refused")
        raise
    ratelimit.clear_failures(table, key)
    _audit(action, source_ip, "success")
    return result


def _limited(retry_after: int) -> RateLimited:
    return RateLimited(headers={"Retry-After": str(retry_after)}, retry_after=retry_after)


def _audit(action: str, source_ip: str, outcome: str) -> None:
    logger.info("auth attempt", extra={"audit": True, "action": action, "source_ip": source_ip, "outcome": outcome})

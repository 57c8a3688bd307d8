"""Brute-force protection for gift codes and login (`shared.throttle`, counters in DynamoDB with TTL).

- The spec's counter, per source IP and shared by every guarded endpoint: 5 failures in 15 minutes
  block the IP for an hour; a success resets it. Five failures each get their own answer, the sixth
  attempt the 429.
- A ceiling per source IP that successes do not reset: the 20th failure in an hour blocks for an
  hour (one valid account or code cannot buy unlimited guesses).
- For login, a counter per account whatever the IP: 10 failures in 15 minutes refuse that account's
  logins until those 15 minutes end.

Attempts are logged for audit without the code or password."""

from __future__ import annotations

from collections.abc import Callable

from cinq.errors import BadCredentials, CodeNotFound, InvalidCodeFormat, RateLimited
from cinq.settings import settings
from shared import throttle
from shared.errors import DomainError
from shared.observability import logger

# Failures that look like guessing; a code that exists but is used up is not one.
GUESSES = (BadCredentials, CodeNotFound, InvalidCodeFormat)
PER_IP = throttle.Limit("cinq-ip", 5, 900, block_seconds=3600, reset_on_success=True)
PER_IP_CEILING = throttle.Limit("cinq-ip-hour", 20, 3600, block_seconds=3600)
PER_ACCOUNT = throttle.LOGIN_ACCOUNT


def guarded[T](action: str, source_ip: str, attempt: Callable[[], T], *, account: str | None = None) -> T:
    counters = [(PER_IP_CEILING, source_ip), (PER_IP, source_ip)]
    if account is not None:
        counters.append((PER_ACCOUNT, account))
    try:
        result = throttle.guarded(settings().table_name, counters, attempt, failures=GUESSES)
    except throttle.Throttled as refused:
        _audit(action, source_ip, "blocked")
        raise RateLimited(headers={"Retry-After": str(refused.retry_after)}, retry_after=refused.retry_after) from None
    except GUESSES:
        _audit(action, source_ip, "failure")
        raise
    except DomainError:
        _audit(action, source_ip, "refused")
        raise
    _audit(action, source_ip, "success")
    return result


def _audit(action: str, source_ip: str, outcome: str) -> None:
    logger.info("auth attempt", extra={"audit": True, "action": action, "source_ip": source_ip, "outcome": outcome})

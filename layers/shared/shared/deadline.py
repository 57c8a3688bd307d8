"""The invocation's deadline: every call to a dependency gives up in time for the function to answer.

`http_entrypoint` starts it from the Lambda context (`get_remaining_time_in_millis`) and clears it after the
answer. Clients ask how long they may still wait: AWS calls (`shared.aws`) refuse an attempt or a retry that
could not finish in time, the payment clients shorten their timeouts. What is kept back (`RESERVE_SECONDS`)
is the time to render the API's "unavailable" answer, so a slow dependency gives the client that answer
instead of a function timeout (which API Gateway turns into a bare 5xx outside the API's envelope).

One invocation at a time per Lambda environment: the deadline is module state, seen by the threads a call
starts (S3's parallel copy). Outside an invocation (tests calling logic, scripts) there is none.
"""

from __future__ import annotations

import time

RESERVE_SECONDS = 1.0

_deadline: float | None = None


class OutOfTime(Exception):
    """Not enough of the invocation is left for this call."""


def begin(remaining_ms: int | None) -> None:
    global _deadline
    _deadline = None if remaining_ms is None else time.monotonic() + remaining_ms / 1000


def end() -> None:
    global _deadline
    _deadline = None


def remaining() -> float | None:
    """Seconds a call may still take (the reserve excluded); None outside an invocation."""
    if _deadline is None:
        return None
    return _deadline - RESERVE_SECONDS - time.monotonic()


def bounded(timeout: float) -> float:
    """`timeout`, shortened to what is left; raises OutOfTime when under a tenth of a second is."""
    left = remaining()
    if left is None:
        return timeout
    if left < 0.1:
        raise OutOfTime(f"{left:.2f} s left")
    return min(timeout, left)

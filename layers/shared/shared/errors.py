"""The base of every API's domain errors.

An API declares its failures as subclasses with a code, an HTTP status and a
client-readable message, and maps them once to its documented envelope (see
`shared.resolver`). Logic raises them; nothing maps on message text.
"""

from __future__ import annotations

from typing import Any, ClassVar

# How long a client is asked to wait (Retry-After) when a dependency is unavailable: the SDK has already retried.
RETRY_AFTER_SECONDS = 5


class DomainError(Exception):
    code: ClassVar[str] = "ERROR"
    status: ClassVar[int] = 400
    message: ClassVar[str] = "The request could not be processed."
    retry_after: ClassVar[int | None] = None  # sent as Retry-After unless the error carries its own headers

    def __init__(self, message: str | None = None, *, headers: dict[str, str] | None = None, **details: Any) -> None:
        self.text = message or self.message
        # e.g. rate-limit headers that must reach the client with the error
        self.headers = headers or ({"Retry-After": str(self.retry_after)} if self.retry_after else {})
        self.details = details
        super().__init__(self.text)


class InternalError(DomainError):
    """An unexpected failure: the client sees a generic message, the logs keep the trace."""

    code = "INTERNAL_ERROR"
    status = 500
    message = "Internal error, please try again later."


class DependencyUnavailable(DomainError):
    """A downstream service (database, storage, mail, payment backend) failed, throttled or timed out."""

    code = "SERVICE_UNAVAILABLE"
    status = 503
    message = "A service this API depends on is unavailable, please try again later."
    retry_after = RETRY_AFTER_SECONDS

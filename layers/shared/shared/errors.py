"""The base of every API's domain errors.

An API declares its failures as subclasses with a code, an HTTP status and a
client-readable message, and maps them once to its documented envelope (see
`shared.resolver`). Logic raises them; nothing maps on message text.
"""

from __future__ import annotations

from typing import Any, ClassVar


class DomainError(Exception):
    code: ClassVar[str] = "ERROR"
    status: ClassVar[int] = 400
    message: ClassVar[str] = "The request could not be processed."

    def __init__(self, message: str | None = None, *, headers: dict[str, str] | None = None, **details: Any) -> None:
        self.text = message or self.message
        self.headers = headers or {}  # e.g. rate-limit headers that must reach the client with the error
        self.details = details
        super().__init__(self.text)


class InternalError(DomainError):
    """An unexpected failure: the client sees a generic message, the logs keep the trace."""

    code = "INTERNAL_ERROR"
    status = 500
    message = "Internal error, please try again later."

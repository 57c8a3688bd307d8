"""cinq's resolver: `{"success": false, "error", "code"}` with the documented status.

The 429 of the brute-force guard is the spec's own shape: `{"success": false,
"error": "Too many attempts. Please try again later.", "retryAfter": N}`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar

from aws_lambda_powertools.event_handler import Response, content_types
from aws_lambda_powertools.event_handler.openapi.types import OpenAPIResponse
from pydantic import BaseModel

from cinq import bearer, errors
from cinq.models import User
from cinq.schemas import Failure
from shared.errors import DomainError
from shared.http import source_ip
from shared.resolver import api_resolver

# Every documented path, so the $default route can tell 405 (known path, other method) from 404.
KNOWN_PATHS = (
    "waitlist",
    "gift-create",
    "gift-verify",
    "gift-redeem",
    "auth-register",
    "auth-login",
    "user-profile",
    "contacts",
    "messages",
    "btcpay-webhook",
)
BASES = ("/api/", "/.netlify/functions/")


Handler = TypeVar("Handler", bound=Callable[..., Any])
# The successes of an operation that answers different models with different statuses: status -> model.
Answers = Mapping[int, type[BaseModel]]


def envelope(error: DomainError) -> tuple[int, Mapping[str, Any]]:
    if not isinstance(error, errors.CinqError):
        error = errors.InternalError()
    if isinstance(error, errors.RateLimited):
        return error.status, {"success": False, "error": error.text, "retryAfter": error.details["retry_after"]}
    return error.status, {"success": False, "error": error.text, "code": error.code}


def invalid_request(problems: Sequence[Any]) -> DomainError:
    fields = {str(part) for problem in problems for part in problem.get("loc", ())}
    if "email" in fields:
        return errors.InvalidEmail()
    if "code" in fields or "giftCode" in fields:
        return errors.InvalidCodeFormat()
    if "password" in fields:
        return errors.WeakPassword()
    if "contact_id" in fields:
        return errors.InvalidContactId()
    return errors.InvalidRequest()


def unknown_route() -> DomainError:
    path = app.current_event.path.rstrip("/")
    for base in BASES:
        name = path.removeprefix(base).split("/", 1)[0] if path.startswith(base) else ""
        if name in KNOWN_PATHS:
            return errors.MethodNotAllowed()
    return errors.NotFound()


app = api_resolver(
    envelope=envelope,
    invalid_request=invalid_request,
    not_found=lambda: unknown_route(),
    unavailable=errors.ServiceUnavailable,
)
OPENAPI_ERRORS = {status: Failure for status in (400, 401, 403, 404, 409, 429, 500, 503)}


def route(method: str, name: str, **options: Any) -> Callable[[Handler], Handler]:
    """Registers a handler under /api/<name> and /.netlify/functions/<name> (the spec's second base URL)."""

    def register(handler: Handler) -> Handler:
        for base in BASES:
            app.route(f"{base}{name}", method, **options)(handler)
        return handler

    return register


def caller() -> User:
    return bearer.authenticate(app.current_event.headers.get("authorization"))


def ip() -> str:
    return source_ip(app.current_event.raw_event)


def documented(answers: Answers) -> dict[int, OpenAPIResponse]:
    """The route's `responses` for its OpenAPI document."""
    return {
        status: {
            "description": (model.__doc__ or model.__name__).strip(),
            "content": {content_types.APPLICATION_JSON: {"model": model}},
        }
        for status, model in answers.items()
    }


def respond[Body: BaseModel](body: Body, answers: Answers) -> Response[Body]:
    """`body` with the status its model has in `answers` (routes answering one model take `status_code`)."""
    status = next(status for status, model in answers.items() if isinstance(body, model))
    return Response(status_code=status, content_type=content_types.APPLICATION_JSON, body=body)

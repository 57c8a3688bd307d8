"""bank2xls's resolver: `{"error": {"code", "message"}}` with the documented status, and sessions.

Every call through `with_session` gets a Caller (an anonymous session is created
when the browser has none) and its answer carries the cookies and headers the
logic asked for, errors included.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from aws_lambda_powertools.event_handler import Response
from pydantic import BaseModel

from bank2xls import errors, sessions
from bank2xls.settings import settings
from shared.cookies import expired_cookie, read_cookies, session_cookie
from shared.errors import DomainError
from shared.http import source_ip
from shared.resolver import ApiResolver, api_resolver


class ErrorBody(BaseModel):
    code: str
    message: str


class Failure(BaseModel):
    error: ErrorBody


def envelope(error: DomainError) -> tuple[int, Mapping[str, Any]]:
    if not isinstance(error, errors.Bank2xlsError):
        error = errors.InternalError()
    return error.status, {"error": {"code": error.code, "message": error.text}}


def invalid_request(problems: Sequence[Any]) -> DomainError:
    fields = {str(part) for problem in problems for part in problem.get("loc", ())}
    if "email" in fields:
        return errors.InvalidEmail()
    if "amount" in fields:
        return errors.InvalidRequest("Le montant doit être un entier positif")
    return errors.InvalidRequest()


app = api_resolver(
    envelope=envelope,
    invalid_request=invalid_request,
    not_found=errors.NotFound(),
    unavailable=errors.ServiceUnavailable,
)

# The documented statuses, for the OpenAPI document (tools/openapi.py).
OPENAPI_ERRORS = {status: Failure for status in (400, 401, 402, 404, 409, 429, 500, 502, 503)}


def caller() -> sessions.Caller:
    return app.context["caller"]


def with_session(resolver: ApiResolver, next_middleware: Callable[[ApiResolver], Response]) -> Response:
    """Route middleware: identify the caller before, set/clear its cookies and headers after."""
    jar = read_cookies(resolver.current_event.get("cookies"))
    current = sessions.identify(
        jar.get(sessions.SESSION_COOKIE), jar.get(sessions.AUTH_COOKIE), source_ip(resolver.current_event.raw_event)
    )
    resolver.append_context(caller=current)
    try:
        response = next_middleware(resolver)
    except DomainError as error:
        response = resolver.render_error(error)
    secure = settings().secure_cookies
    for name, (token, lifetime) in current.new_cookies.items():
        response.cookies.append(session_cookie(name, token, int(lifetime.total_seconds()), secure=secure))
    for name in current.cleared_cookies:
        response.cookies.append(expired_cookie(name, secure=secure))
    response.headers.update(current.headers)
    return response

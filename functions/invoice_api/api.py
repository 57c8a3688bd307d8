"""invoice_api's resolver: `{"message", "status", "data": []}` with the documented status (plus `errors`).

Like the original's `auth:sanctum` middleware, authentication comes before request validation: a
request without a valid token is 401 whatever its body or path. Validation failures take the
refusal each endpoint documents (403 for login, 404 for an id that is not a user or an invoice, 400
"Invalid filter", "Invoice not created" / "not updated" / "not deleted" with the fields in `errors`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any
from urllib.parse import parse_qsl

from invoice_api import auth, errors
from invoice_api.models import AccessToken
from invoice_api.schemas import Failure
from shared import body
from shared.errors import DomainError
from shared.http import coerce_json_content_type
from shared.resolver import api_resolver

LOGIN = "POST /api/v1/login"
REFUSALS: dict[str, type[errors.InvoiceApiError]] = {
    LOGIN: errors.NotAuthorized,
    "GET /api/v1/users/{user_id}": errors.UserNotFound,
    "GET /api/v1/invoices": errors.InvalidFilter,
    "GET /api/v1/invoices/{invoice_id}": errors.InvoiceNotFound,
    "POST /api/v1/invoices": errors.InvoiceNotCreated,
    "PUT /api/v1/invoices/{invoice_id}": errors.InvoiceNotUpdated,
    "PATCH /api/v1/invoices/{invoice_id}": errors.InvoiceNotUpdated,
    "DELETE /api/v1/invoices/{invoice_id}": errors.InvoiceNotDeleted,
}
WITH_FIELD_ERRORS = (errors.InvoiceNotCreated, errors.InvoiceNotUpdated, errors.InvoiceNotDeleted)
FIELD_RULES = {
    "user_id": "The user_id field must be the id of an existing user.",
    "invoice_id": "The invoice_id must be an integer.",
    "type": "The type field must be one of P, B, C.",
    "paid": "The paid field must be 0 or 1.",
    "value": "The value field must be a number greater than 0 with at most two decimals.",
}
# Every documented path, as template.yaml routes it (tests/unit/test_route_parity.py): the $default
# function answers 405 for these (another method), 404 for the rest.
KNOWN_PATHS = (
    "/api/v1/login",
    "/api/v1/logout",
    "/api/v1/users",
    "/api/v1/users/{user_id}",
    "/api/v1/invoices",
    "/api/v1/invoices/{invoice_id}",
)
KNOWN_PATH = re.compile("|".join(re.sub(r"\\\{\w+\\\}", "[^/]+", re.escape(path)) for path in KNOWN_PATHS))


def envelope(error: DomainError) -> tuple[int, Mapping[str, Any]]:
    if not isinstance(error, errors.InvoiceApiError):
        error = errors.InternalError()
    body: dict[str, Any] = {"message": error.text, "status": error.status, "data": []}
    if error.details.get("errors"):
        body["errors"] = error.details["errors"]
    return error.status, body


def invalid_request(problems: Sequence[Any]) -> DomainError:
    route = app.current_event.request_context.route_key
    refusal = REFUSALS.get(route, errors.BadRequest)
    if refusal is not errors.NotAuthorized:
        try:
            caller()
        except errors.Unauthenticated as unauthenticated:
            return unauthenticated
    if issubclass(refusal, WITH_FIELD_ERRORS):
        return refusal(errors=field_errors(problems))
    return refusal()


def field_errors(problems: Sequence[Any]) -> dict[str, list[str]]:
    """Laravel's validator shape: field -> messages, for the fields of the body or path that failed."""
    found: dict[str, list[str]] = {}
    for problem in problems:
        location = [str(part) for part in problem.get("loc", ())]
        field = next((part for part in location[1:] if part in FIELD_RULES), None)
        if field is None:
            found.setdefault("body", ["The body must be a JSON object with user_id, type, paid and value."])
            continue
        missing = problem.get("type") == "missing"
        message = f"The {field} field is required." if missing else FIELD_RULES[field]
        found.setdefault(field, [message])
    return found


def unknown_route() -> DomainError:
    path = app.current_event.path.rstrip("/")
    return errors.MethodNotAllowed() if KNOWN_PATH.fullmatch(path) else errors.NotFound()


def json_bodies(event: dict[str, Any]) -> dict[str, Any]:
    """Bodies read as JSON: a JSON text sent with another type (curl --data's form type), and form posts
    (`email=...&password=...`, which the original accepted too) as the object of their fields."""
    headers = {key.lower(): value for key, value in (event.get("headers") or {}).items()}
    declared = headers.get("content-type", "")
    if declared.startswith(("application/json", "multipart/")) or not event.get("body"):
        return event
    try:
        text = body.text(event)
    except body.UnreadableBody:
        return coerce_json_content_type(event)  # refused as unreadable when the route reads it
    if text.lstrip().startswith(("{", "[")):
        return coerce_json_content_type(event)
    if declared.startswith("application/x-www-form-urlencoded"):
        fields = json.dumps(dict(parse_qsl(text, keep_blank_values=True)))
        return {**coerce_json_content_type(event), "body": fields, "isBase64Encoded": False}
    return event


app = api_resolver(
    envelope=envelope,
    invalid_request=invalid_request,
    not_found=lambda: unknown_route(),
    normalizers=[json_bodies],
    # JSON numbers as exact decimals: "value": 9000.10 never becomes a float.
    parse_float=Decimal,
    unavailable=errors.ServiceUnavailable,
)
OPENAPI_ERRORS = {status: Failure for status in (400, 401, 403, 404, 429, 500, 503)}


def caller() -> AccessToken:
    return auth.authenticate(app.current_event.headers.get("authorization"))


def page_path() -> str:
    """This request's absolute URL without its query, for the page links."""
    event = app.current_event
    scheme = event.headers.get("x-forwarded-proto") or "http"
    host = event.headers.get("host") or event.request_context.domain_name
    return f"{scheme}://{host}{event.path}"


def query_pairs() -> list[tuple[str, str]]:
    return parse_qsl(app.current_event.raw_query_string or "", keep_blank_values=True)

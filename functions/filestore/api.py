"""filestore's resolver: `{"message": ...}` with the spec's status; sign-up refusals are the field map.

Each route reads one typed model where its method puts parameters: the query string for GET and
DELETE, a JSON body for POST. The original's clients send them anywhere (query string, JSON or form
body, whatever the method, the body winning), so `parameters_where_read` first moves them to that one
place. The session token is `user_token` among them, or `Authorization: Bearer`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import parse_qsl

from filestore import errors, users
from filestore.models import SessionItem
from filestore.schemas import Failure, SignUp
from shared import body
from shared.errors import DomainError
from shared.resolver import api_resolver

# Validation failures answer each endpoint's own 400 message.
REFUSALS: dict[str, type[errors.FilestoreError]] = {
    "/api/files/upload/request": errors.BadUploadTarget,
    "/api/files/download/request": errors.BadDownloadTarget,
    "/api/files/delete": errors.BadDeleteTarget,
    "/api/files/list": errors.BadFolder,
    "/api/user/login": errors.BadCredentials,
}
# Problems that mean the body could not be read at all (rather than read and found wrong).
UNREADABLE = {"body_unreadable", "json_invalid", "form_invalid", "multipart_invalid", "unsupported_content_type"}
SIGN_UP, UPLOADS, DOWNLOADS = "/api/user/sign", "/api/files/upload/", "/api/files/download/"


def envelope(error: DomainError) -> tuple[int, Mapping[str, Any]]:
    if not isinstance(error, errors.FilestoreError):
        error = errors.InternalError()
    if isinstance(error, errors.SignUpRefused):
        return error.status, error.details["fields"]
    return error.status, {"message": error.text}


def invalid_request(problems: Sequence[Any]) -> DomainError:
    path = app.current_event.path
    if path == SIGN_UP:  # an unreadable body: every field is missing
        return errors.SignUpRefused(users.broken_rules(SignUp()))
    if path.startswith(UPLOADS) and path != f"{UPLOADS}request":
        return errors.InvalidUploadToken()
    if path.startswith(DOWNLOADS) and path != f"{DOWNLOADS}request":
        return errors.InvalidDownloadToken()
    # A body that was read is authenticated before its parameters are judged: without a session, 401.
    if path.startswith("/api/files/") and not any(problem.get("type") in UNREADABLE for problem in problems):
        try:
            session(_given_token())
        except errors.AuthenticationRequired as refused:
            return refused
    return REFUSALS.get(path, errors.InvalidRequest)()


def parameters_where_read(event: dict[str, Any]) -> dict[str, Any]:
    """The event with its parameters where its route reads them: the query string (GET, DELETE) or a JSON body
    (POST), those sent in the other place folded in, the body's winning. An unreadable body is left for
    the route to refuse (POST), or unread like any body (GET, DELETE); an upload's body is its file."""
    method = ((event.get("requestContext") or {}).get("http") or {}).get("method")
    path = event.get("rawPath") or ""
    fields = _body_fields(event)
    query = event.get("queryStringParameters") or {}
    if method in ("GET", "DELETE") and fields:
        # Query values are text: a JSON value of another kind arrives as its JSON text, a null as nothing.
        merged = {name: value for name, value in {**query, **fields}.items() if value is not None}
        texts = {name: value if isinstance(value, str) else json.dumps(value) for name, value in merged.items()}
        return {**event, "queryStringParameters": texts}
    if method != "POST" or fields is None or (path.startswith(UPLOADS) and path != f"{UPLOADS}request"):
        return event
    if not query and _content_type(event).startswith("application/json"):
        return event  # already where the route reads it: parsed once, there
    headers = {name: value for name, value in (event.get("headers") or {}).items() if name.lower() != "content-type"}
    return {
        **event,
        "headers": {**headers, "content-type": "application/json"},
        "body": json.dumps({**query, **fields}),
        "isBase64Encoded": False,
    }


def _content_type(event: dict[str, Any]) -> str:
    headers = event.get("headers") or {}
    return next((str(value) for name, value in headers.items() if name.lower() == "content-type"), "").lower()


def _body_fields(event: dict[str, Any]) -> dict[str, Any] | None:
    """The fields of a JSON object or a form body; {} for no body or another kind; None when unreadable."""
    declared = _content_type(event)
    if not event.get("body") or declared.startswith("multipart/"):
        return {}
    try:
        text = body.text(event)
        if declared.startswith("application/x-www-form-urlencoded"):
            return dict(parse_qsl(text, keep_blank_values=True))
        decoded = body.parse_json(text)
    except body.UnreadableBody:
        return None if declared.startswith(("application/json", "application/x-www-form-urlencoded")) else {}
    return decoded if isinstance(decoded, dict) else {}


def _given_token() -> object:
    """`user_token` where this request's route reads it, whatever it is (for a refusal's authentication)."""
    event = app.current_event
    if event.http_method == "POST":
        given = event.json_body
        return given.get("user_token") if isinstance(given, dict) else None
    return (event.query_string_parameters or {}).get("user_token")


app = api_resolver(
    envelope=envelope,
    invalid_request=invalid_request,
    not_found=errors.NotFound(),
    normalizers=[parameters_where_read],
    unavailable=errors.ServiceUnavailable,
)
OPENAPI_ERRORS = {status: Failure for status in (400, 401, 404, 429, 500, 503)}


def session(user_token: object) -> SessionItem:
    """The caller's session: `user_token` if given (text), else `Authorization: Bearer`."""
    scheme, _, bearer = (app.current_event.headers.get("authorization") or "").partition(" ")
    token = user_token or (bearer.strip() if scheme.lower() == "bearer" else None)
    return users.authenticate(token if isinstance(token, str) else None)

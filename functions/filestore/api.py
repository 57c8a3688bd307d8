"""filestore's resolver: `{"message": ...}` with the spec's status; sign-up refusals are the field map.

Parameters are read the way the original's clients send them: from the query
string, a JSON body or a form body, whatever the method; the session token from
`user_token` there or from `Authorization: Bearer`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import parse_qsl

from pydantic import BaseModel, Field

from filestore import errors, users
from filestore.models import SessionItem
from shared.body import UnreadableBody
from shared.errors import DomainError
from shared.resolver import api_resolver, cors_config
from shared.settings import CorsSettings

# Validation failures answer each endpoint's own 400 message.
REFUSALS: dict[str, type[errors.FilestoreError]] = {
    "/api/files/upload/request": errors.BadUploadTarget,
    "/api/files/download/request": errors.BadDownloadTarget,
    "/api/files/delete": errors.BadDeleteTarget,
    "/api/files/list": errors.BadFolder,
    "/api/user/login": errors.BadCredentials,
}


class Failure(BaseModel):
    message: str


class SignUpRefusal(BaseModel):
    """Sign-up's 400: each field's message, an empty string for each correct field."""

    username: str = Field(description="Empty, the length rule, or « Utilisateur déjà existant »")
    lastname: str = Field(description="Empty, or the rule: 1 to 32 letters (accents allowed) or '-'")
    firstname: str = Field(description="Empty, or the rule: 1 to 32 letters (accents allowed) or '-'")
    password: str = Field(description="Empty, or the rule: 6 to 15 characters")


def envelope(error: DomainError) -> tuple[int, Mapping[str, Any]]:
    if not isinstance(error, errors.FilestoreError):
        error = errors.InternalError()
    if isinstance(error, errors.SignUpRefused):
        return error.status, error.details["fields"]
    return error.status, {"message": error.text}


def invalid_request(_problems: Sequence[Any]) -> DomainError:
    path = app.current_event.path
    if path == "/api/user/sign":  # an unreadable body: every field is missing
        return errors.SignUpRefused(users.broken_rules({}))
    if path.startswith("/api/files/upload/") and path != "/api/files/upload/request":
        return errors.InvalidUploadToken()
    if path.startswith("/api/files/download/") and path != "/api/files/download/request":
        return errors.InvalidDownloadToken()
    return REFUSALS.get(path, errors.InvalidRequest)()


app = api_resolver(
    envelope=envelope,
    cors=cors_config(CorsSettings.from_env().allowed_origins, headers=["Content-Type", "Authorization"]),
    invalid_request=invalid_request,
    not_found=errors.NotFound(),
    unavailable=errors.ServiceUnavailable,
)
OPENAPI_ERRORS = {status: Failure for status in (400, 401, 404, 429, 500, 503)}


def params() -> dict[str, Any]:
    """Query string, then a JSON or form body on top (the body wins)."""
    event = app.current_event
    merged: dict[str, Any] = dict(event.query_string_parameters or {})
    content_type = event.headers.get("content-type", "")
    if content_type.startswith("multipart/") or not event.body:
        return merged
    if content_type.startswith("application/x-www-form-urlencoded"):
        merged.update(parse_qsl(event.decoded_body or "", keep_blank_values=True))
        return merged
    try:
        decoded = event.json_body
    except UnreadableBody:
        if content_type.startswith("application/json"):
            raise
        decoded = None  # some other text: no parameters in it
    if isinstance(decoded, dict):
        merged.update(decoded)
    return merged


def session(*, from_body: bool = True) -> SessionItem:
    """The caller's session; `from_body=False` where the body is a file, whose own keys must never count."""
    event = app.current_event
    token = (params() if from_body else dict(event.query_string_parameters or {})).get("user_token")
    scheme, _, bearer = (app.current_event.headers.get("authorization") or "").partition(" ")
    if not token and scheme.lower() == "bearer":
        token = bearer.strip()
    return users.authenticate(token if isinstance(token, str) else None)

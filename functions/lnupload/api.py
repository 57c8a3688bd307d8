"""lnupload's resolver: every failure is HTTP 200 `{"success": false, "message": ...}`."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from lnupload import errors
from lnupload.schemas import Failure
from shared.errors import DomainError
from shared.http import coerce_json_content_type
from shared.resolver import api_resolver


def envelope(error: DomainError) -> tuple[int, Mapping[str, Any]]:
    if not isinstance(error, errors.LnuploadError):
        error = errors.Unexpected()
    return 200, {"success": False, "message": error.text}


def invalid_request(problems: Sequence[Any]) -> DomainError:
    fields = {str(part) for problem in problems for part in problem.get("loc", ())}
    if "payment-hash" in fields:
        return errors.MissingPaymentHash()
    if "data" in fields:
        return errors.NoFile()
    return errors.InvalidRequest()


app = api_resolver(
    envelope=envelope,
    invalid_request=invalid_request,
    not_found=errors.NotFound(),
    normalizers=[coerce_json_content_type],
    unavailable=errors.ServiceUnavailable,
)

# Failures are HTTP 200 in this envelope (the OpenAPI document says so; tools/openapi.py).
OPENAPI_ERRORS = {200: Failure}

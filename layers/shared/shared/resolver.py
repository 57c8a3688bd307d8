"""One HTTP API resolver per API: request validation, and domain errors in its envelope.

An API supplies its envelope (how a DomainError looks on the wire), how
request-validation failures translate into its domain errors, and its answer
to an unknown route; unexpected exceptions are rendered through the same
envelope, so a client never sees a bare gateway error, a stack trace or
exception text. A dependency that fails (throttling, 5xx, timeouts:
`shared.outages`) is the API's own "unavailable" error, whichever call of the
request it happened in. CORS is not here: the HTTP API's CorsConfiguration
(template.yaml) answers preflights and replaces any CORS header a function sets.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Mapping, Sequence
from functools import cached_property
from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response, content_types
from aws_lambda_powertools.event_handler.exceptions import NotFoundError
from aws_lambda_powertools.event_handler.middlewares.openapi_validation import OpenAPIRequestValidationMiddleware
from aws_lambda_powertools.event_handler.openapi.exceptions import (
    RequestUnsupportedContentType,
    RequestValidationError,
)
from aws_lambda_powertools.shared.json_encoder import Encoder
from aws_lambda_powertools.utilities.data_classes import APIGatewayProxyEventV2
from pydantic import ValidationError

from shared import body, outages
from shared.errors import DependencyUnavailable, DomainError, InternalError
from shared.observability import logger, metrics

Envelope = Callable[[DomainError], tuple[int, Mapping[str, Any]]]
EventNormalizer = Callable[[dict[str, Any]], dict[str, Any]]
ValidationMapper = Callable[[Sequence[Any]], DomainError]


class RequestEvent(APIGatewayProxyEventV2):
    """The HTTP API event whose body is read only through `shared.body` (strict UTF-8, bounded JSON)."""

    @cached_property
    def decoded_body(self) -> str | None:
        return body.text(self.raw_event) if self.body else self.body

    @cached_property
    def json_body(self) -> Any:
        return self._json_deserializer(self.decoded_body) if self.decoded_body else None


class BodyValidation(OpenAPIRequestValidationMiddleware):
    """Powertools' request validation, with a multipart body that names no boundary refused as unreadable
    (Powertools raises a bare ValueError for it)."""

    def _get_body(self, app: Any) -> dict[str, Any]:
        content_type = app.current_event.headers.get("content-type", "").lower()
        if content_type.startswith("multipart/") and "boundary=" not in content_type:
            raise body.UnreadableBody("multipart without boundary")
        return super()._get_body(app)


class ApiResolver(APIGatewayHttpResolver):
    """APIGatewayHttpResolver that renders domain errors in its API's envelope, reads bodies through
    `shared.body`, and can adjust raw events before routing and validation."""

    def __init__(self, *, envelope: Envelope, normalizers: Sequence[EventNormalizer] = (), **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._envelope = envelope
        self._normalizers = tuple(normalizers)
        self._request_validation_middleware = BodyValidation()

    def _to_proxy_event(self, event: dict) -> RequestEvent:
        return RequestEvent(event, self._json_body_deserializer)

    def resolve(self, event: Mapping[str, Any], context: Any) -> dict[str, Any]:
        adjusted = dict(event)
        for normalize in self._normalizers:
            adjusted = normalize(adjusted)
        return super().resolve(adjusted, context)

    def render_error(self, error: DomainError) -> Response:
        status, body = self._envelope(error)
        return Response(
            status_code=status,
            content_type=content_types.APPLICATION_JSON,
            body=_to_json(body),
            headers=dict(error.headers),
        )


def _to_json(value: Any) -> str:
    # UTF-8 as it is ("envoyé", "🎉"), not \u escapes; compact like API Gateway's own answers.
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), cls=Encoder)


def api_resolver(
    *,
    envelope: Envelope,
    invalid_request: ValidationMapper,
    not_found: DomainError | Callable[[], DomainError],
    normalizers: Sequence[EventNormalizer] = (),
    parse_float: Callable[[str], Any] = float,
    unavailable: Callable[[], DomainError] = DependencyUnavailable,
) -> ApiResolver:
    app = ApiResolver(
        envelope=envelope,
        enable_validation=True,
        normalizers=normalizers,
        serializer=_to_json,
        json_body_deserializer=functools.partial(body.parse_json, parse_float=parse_float),
    )
    render = app.render_error

    @app.exception_handler(DomainError)
    def _domain(error: DomainError) -> Response:
        logger.info("request refused", extra={"error_code": error.code, "status": error.status})
        return render(error)

    @app.exception_handler(RequestValidationError)
    def _invalid(error: RequestValidationError) -> Response:
        # Log where validation failed, never the submitted values (they may be secrets).
        locations = [".".join(str(part) for part in item.get("loc", ())) for item in error.errors()]
        logger.info("request invalid", extra={"locations": locations})
        return render(invalid_request(error.errors()))

    @app.exception_handler(RequestUnsupportedContentType)
    def _unsupported_body(error: RequestUnsupportedContentType) -> Response:
        # A body of a type Powertools cannot read (text/plain, say) is an invalid request, not a 500.
        return render(invalid_request(error.errors()))

    @app.exception_handler(body.UnreadableBody)
    def _unreadable(error: body.UnreadableBody) -> Response:
        logger.info("request body unreadable", extra={"reason": str(error)})
        return render(invalid_request([{"loc": ("body",), "type": "body_unreadable", "msg": str(error)}]))

    @app.exception_handler(ValidationError)
    def _invalid_model(error: ValidationError) -> Response:
        # A body validated inside a route (when its shape depends on the request) fails like any other.
        return render(invalid_request(error.errors()))

    @app.not_found
    def _not_found(_error: NotFoundError) -> Response:
        return render(not_found() if callable(not_found) else not_found)

    @app.exception_handler(Exception)
    def _unexpected(error: Exception) -> Response:
        if outages.unavailable(error):
            # Throttled, failing or too slow: the client may retry (each API's answer says when). Alarmed on the
            # dependency's own metrics (table throttles) and the API's 5xx rate, not as a bug.
            logger.warning("dependency unavailable", extra={"error": type(error).__name__}, exc_info=True)
            metrics.add_metric(name="DependencyUnavailable", unit="Count", value=1)
            return render(unavailable())
        logger.exception("unexpected error")
        # Alarmed per API (template.yaml, <Api>FunctionErrorsAlarm; it rolls back a canary deployment):
        # the envelope hides these from API Gateway's 5xx count, and lnupload answers them with HTTP 200.
        metrics.add_metric(name="UnexpectedErrors", unit="Count", value=1)
        return render(InternalError())

    return app

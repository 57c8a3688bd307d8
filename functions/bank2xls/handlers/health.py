"""GET /api/health: DynamoDB, S3, Stripe and SES, each checked for real (503 unless all are ok)."""

from aws_lambda_powertools.event_handler import Response, content_types

from bank2xls import health as checks
from bank2xls.api import app
from bank2xls.schemas import Health
from shared.observability import http_entrypoint


@app.get(
    "/api/health",
    summary="Service health",
    responses={
        200: {"description": "Every dependency answered", "content": {"application/json": {"model": Health}}},
        503: {"description": "A dependency failed", "content": {"application/json": {"model": Health}}},
    },
)
def health() -> Response[str]:
    healthy, report = checks.report()
    body = Health.model_validate(report).model_dump_json()
    return Response(status_code=200 if healthy else 503, content_type=content_types.APPLICATION_JSON, body=body)


lambda_handler = http_entrypoint(app)

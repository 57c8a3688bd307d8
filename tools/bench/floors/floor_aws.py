"""Floor (b): floor (a) + one DynamoDB client + Logger + Metrics, the least a function of ours must do.

The client is made at import, as Lambda's INIT would; the handler is wrapped like ours
(shared.observability), without the Tracer.
"""

from typing import Any

import boto3
from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.event_handler import APIGatewayHttpResolver
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext

app = APIGatewayHttpResolver()
logger = Logger()
metrics = Metrics()
dynamodb = boto3.client("dynamodb")


@app.get("/")
def index() -> dict[str, bool]:
    return {"ok": True}


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_HTTP)
@metrics.log_metrics(capture_cold_start_metric=True)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)

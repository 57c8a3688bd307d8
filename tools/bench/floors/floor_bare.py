"""Floor (a): the smallest Powertools HTTP API handler (no AWS client, no Logger, no Metrics)."""

from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver
from aws_lambda_powertools.utilities.typing import LambdaContext

app = APIGatewayHttpResolver()


@app.get("/")
def index() -> dict[str, bool]:
    return {"ok": True}


def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
